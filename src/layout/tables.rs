//! Tables A, B and C, cell by cell, from the official definitions in
//! [`crate::form`] and the report's values.

use super::grid::{Cell, CellRole, Table};
use super::{Face, Run};
use crate::form::{applications, proactive, review_litigation, Columns};
use crate::model::{Applications, Counts, Proactive, ReviewLitigation};

/// Width of the text block (版心), millimetres.
pub const TEXT_WIDTH_MM: f64 = 156.0;

/// Collects cells in anchor order.
struct Builder {
    cells: Vec<Cell>,
}

impl Builder {
    fn new() -> Self {
        Builder { cells: Vec::new() }
    }

    fn cell(&mut self, row: usize, col: usize, span: (usize, usize), role: CellRole, runs: Vec<Run>) {
        let (rowspan, colspan) = span;
        self.cells.push(Cell { row, col, rowspan, colspan, role, runs });
    }

    fn text(&mut self, row: usize, col: usize, span: (usize, usize), role: CellRole, text: &str) {
        self.cell(row, col, span, role, vec![Run::new(text, Face::Song)]);
    }

    fn value(&mut self, row: usize, col: usize, colspan: usize, text: String, source: String) {
        self.cell(row, col, (1, colspan), CellRole::Number, vec![Run::user(text, Face::Song, source)]);
    }

    fn finish(mut self, columns: Vec<f64>, header_rows: usize) -> Table {
        self.cells.sort_by_key(|c| (c.row, c.col));
        let rows = self.cells.iter().map(|c| c.row + c.rowspan).max().unwrap_or(0);
        Table { columns, rows, header_rows, cells: self.cells }
    }
}

fn number(v: Option<u128>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// Table A: per 第二十条 item, a title row across all columns, a header row
/// and data rows; where an item has fewer than three values, the last one
/// spans the remaining columns.
pub fn proactive(values: &Proactive) -> Table {
    let format = values.version;
    let mut b = Builder::new();
    let mut row = 0;
    let mut values = values.rows.iter();
    for item in proactive::items(format) {
        b.text(row, 0, (1, proactive::COLUMNS), CellRole::Header, item.title);
        row += 1;
        let fields = item.shape.fields();
        let span = |i: usize| if i + 1 == fields.len() { proactive::COLUMNS - 1 - i } else { 1 };
        b.text(row, 0, (1, 1), CellRole::Header, proactive::CONTENT_HEADER);
        for (i, field) in fields.iter().enumerate() {
            b.text(row, 1 + i, (1, span(i)), CellRole::Header, field.header);
        }
        row += 1;
        for data in item.rows {
            let cells = values.next().expect("one value row per form row");
            b.text(row, 0, (1, 1), CellRole::Label, data.label);
            for (i, (field, value)) in fields.iter().zip(cells).enumerate() {
                let source = match item.shape {
                    proactive::Shape::Scalar(_) => format!("/proactive/{}", data.key),
                    proactive::Shape::Object(_) => format!("/proactive/{}/{}", data.key, field.key),
                };
                b.value(row, 1 + i, span(i), value.text(), source);
            }
            row += 1;
        }
    }
    let value_width = 36.0;
    let label_width = TEXT_WIDTH_MM - value_width * (proactive::COLUMNS - 1) as f64;
    let mut columns = vec![label_width];
    columns.extend([value_width; proactive::COLUMNS - 1]);
    b.finish(columns, 0)
}

/// Widths of table B's first two label columns; the third takes what the
/// data columns leave, 54 mm with counts of up to four digits: wide enough
/// for the longest 其他处理 label to fit in three lines at 10.5 pt.
const TABLE_B_LABELS_MM: [f64; 2] = [12.0, 20.0];
/// A data column holds at least four digits; wider counts widen it.
const TABLE_B_DATA_MM: f64 = 10.0;
/// Width of one digit at 10.5 pt, and a cell's side insets, millimetres.
const DIGIT_MM: f64 = 1.95;
const INSETS_MM: f64 = 1.6;

/// Table B: the three-row applicant header under the note cell, then each
/// line of the form with its labels merged down the levels they share.
pub fn applications(values: &Applications) -> Table {
    let format = values.version;
    let cols = applications::APPLICANTS;
    let first = applications::LABEL_COLUMNS;
    let mut b = Builder::new();
    b.cell(0, 0, (3, first), CellRole::Note, vec![Run::new(applications::NOTE, Face::Kai)]);
    b.text(0, first, (1, cols.parts.len() + 1), CellRole::Header, applications::APPLICANT_HEADER);
    b.text(1, first, (2, 1), CellRole::Header, cols.parts[0].1);
    b.text(1, first + 1, (1, cols.parts.len() - 1), CellRole::Header, applications::ORGANISATION_HEADER);
    b.text(1, first + cols.parts.len(), (2, 1), CellRole::Header, cols.total.1);
    for (i, part) in cols.parts.iter().enumerate().skip(1) {
        b.text(2, first + i, (1, 1), CellRole::Header, part.1);
    }

    let lines = applications::lines(format);
    for (i, line) in lines.iter().enumerate() {
        let row = applications::HEADER_ROWS + i;
        for (depth, label) in line.labels.iter().enumerate() {
            let shares = |other: &applications::Line| {
                other.labels.len() > depth && other.labels[..=depth] == line.labels[..=depth]
            };
            if i > 0 && shares(&lines[i - 1]) {
                continue;
            }
            let rowspan = lines[i..].iter().take_while(|l| shares(l)).count();
            let last = depth + 1 == line.labels.len();
            let colspan = if last { first - depth } else { 1 };
            let mut runs = vec![Run::new(*label, Face::Song)];
            if let (true, Some(aside)) = (last, line.aside) {
                runs.push(Run::new(aside, Face::Kai));
            }
            b.cell(row, depth, (rowspan, colspan), CellRole::Label, runs);
        }
        let source = format!("/applications/{}", line.path);
        for (c, v) in values.printed(i).into_iter().enumerate() {
            let source = match &values.rows[i] {
                Some(counts) => counts.pointer(&source, &cols, c),
                None => source.clone(),
            };
            b.value(row, first + c, 1, number(v), source);
        }
    }
    // Numbers never wrap: the widest count sets the data columns' width.
    let digits =
        b.cells.iter().filter(|c| c.role == CellRole::Number).map(|c| c.text().chars().count()).max().unwrap_or(1);
    let data_width = TABLE_B_DATA_MM.max(digits as f64 * DIGIT_MM + INSETS_MM);
    let data = cols.parts.len() + 1;
    let mut columns = TABLE_B_LABELS_MM.to_vec();
    columns.push(TEXT_WIDTH_MM - columns.iter().sum::<f64>() - data_width * data as f64);
    columns.extend(std::iter::repeat_n(data_width, data));
    b.finish(columns, applications::HEADER_ROWS)
}

/// Table C: 行政复议 and 行政诉讼 over their groups, the outcomes, then one
/// row of fifteen values.
pub fn review_litigation(values: &ReviewLitigation) -> Table {
    let cols: Columns = review_litigation::OUTCOMES;
    let width = cols.parts.len() + 1;
    let mut b = Builder::new();
    // The first group is 行政复议 itself; the others sit under 行政诉讼.
    let litigation = &review_litigation::GROUPS[1..];
    b.text(0, 0, (1, width), CellRole::Header, review_litigation::REVIEW);
    b.text(0, width, (1, width * litigation.len()), CellRole::Header, review_litigation::LITIGATION);
    for c in 0..width {
        b.text(1, c, (2, 1), CellRole::Header, cols.label(c));
    }
    for (g, group) in litigation.iter().enumerate() {
        let start = width * (g + 1);
        b.text(1, start, (1, width), CellRole::Header, group.label);
        for c in 0..width {
            b.text(2, start + c, (1, 1), CellRole::Header, cols.label(c));
        }
    }
    for (g, (group, counts)) in review_litigation::GROUPS.iter().zip(&values.groups).enumerate() {
        emit_counts(&mut b, 3, width * g, counts, &format!("/review_litigation/{}", group.key), &cols);
    }
    let columns = vec![TEXT_WIDTH_MM / review_litigation::COLUMNS as f64; review_litigation::COLUMNS];
    b.finish(columns, 3)
}

fn emit_counts(b: &mut Builder, row: usize, col: usize, counts: &Counts, source: &str, cols: &Columns) {
    for (c, v) in counts.columns().into_iter().enumerate() {
        b.value(row, col + c, 1, number(v), counts.pointer(source, cols, c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::grid::Slot;
    use crate::model::parse_str;

    fn report(format: &str) -> crate::model::Report {
        let text = include_str!("../../fixtures/beiguan-2023.json");
        if format == "2021" {
            return parse_str(text).unwrap();
        }
        parse_str(include_str!("../../fixtures/shanghai-govoffice-2019.json")).unwrap()
    }

    /// The cell anchored at a slot whose text starts with `label`.
    fn find<'a>(t: &'a Table, label: &str) -> &'a Cell {
        t.cells.iter().find(|c| c.text().starts_with(label)).unwrap_or_else(|| panic!("no cell {label}"))
    }

    fn tiles(t: &Table) {
        let grid = t.grid().expect("every slot covered exactly once");
        assert_eq!(grid.len(), t.rows);
        let anchors = grid.iter().flatten().filter(|s| matches!(s, Slot::Anchor(_))).count();
        assert_eq!(anchors, t.cells.len());
    }

    #[test]
    fn applications_2021_is_28_by_10_with_the_official_merges() {
        let r = report("2021");
        let t = applications(&r.applications);
        assert_eq!((t.rows, t.columns.len()), (28, 10));
        tiles(&t);
        let note = find(&t, "（本列数据的勾稽关系为");
        assert_eq!((note.row, note.col, note.rowspan, note.colspan, note.role), (0, 0, 3, 3, CellRole::Note));
        let applicant = find(&t, "申请人情况");
        assert_eq!((applicant.col, applicant.colspan), (3, 7));
        let natural = find(&t, "自然人");
        assert_eq!((natural.row, natural.rowspan), (1, 2));
        let orgs = find(&t, "法人或其他组织");
        assert_eq!((orgs.col, orgs.colspan), (4, 5));
        let total = t.cells.iter().find(|c| c.text() == "总计").unwrap();
        assert_eq!((total.row, total.col, total.rowspan), (1, 9, 2));
        assert_eq!(find(&t, "一、本年新收").colspan, 3);
        assert_eq!(find(&t, "二、上年结转").colspan, 3);
        assert_eq!(find(&t, "四、结转下年度").colspan, 3);
        let results = find(&t, "三、本年度办理结果");
        assert_eq!((results.row, results.rowspan, results.colspan), (5, 22, 1));
        assert_eq!(find(&t, "（一）予以公开").colspan, 2);
        let partial = find(&t, "（二）部分公开");
        assert_eq!(partial.colspan, 2);
        assert_eq!(partial.runs[1].face, Face::Kai, "the bracketed explanation is set in 楷体");
        assert_eq!(find(&t, "（三）不予公开").rowspan, 8);
        assert_eq!(find(&t, "（四）无法提供").rowspan, 3);
        assert_eq!(find(&t, "（五）不予处理").rowspan, 5);
        assert_eq!(find(&t, "（六）其他处理").rowspan, 3);
        assert_eq!(find(&t, "（七）总计").colspan, 2);
        assert_eq!(t.header_rows, 3);
        assert!((t.columns.iter().sum::<f64>() - TEXT_WIDTH_MM).abs() < 1e-9);
    }

    #[test]
    fn applications_2019_spans_20_rows_with_one_other_row() {
        let r = report("2019");
        let t = applications(&r.applications);
        assert_eq!((t.rows, t.columns.len()), (26, 10));
        tiles(&t);
        assert_eq!(find(&t, "三、本年度办理结果").rowspan, 20);
        let other = find(&t, "（六）其他处理");
        assert_eq!((other.rowspan, other.colspan), (1, 2));
    }

    #[test]
    fn review_litigation_is_4_by_15() {
        let r = report("2021");
        let t = review_litigation(&r.review_litigation);
        assert_eq!((t.rows, t.columns.len()), (4, 15));
        tiles(&t);
        assert_eq!(find(&t, "行政复议").colspan, 5);
        assert_eq!(find(&t, "行政诉讼").colspan, 10);
        assert_eq!(find(&t, "未经复议直接起诉").colspan, 5);
        let upheld: Vec<_> = t.cells.iter().filter(|c| c.text() == "结果维持").collect();
        assert_eq!(upheld.len(), 3);
        assert_eq!((upheld[0].row, upheld[0].rowspan), (1, 2));
        assert_eq!((upheld[1].row, upheld[1].rowspan), (2, 1));
        assert_eq!(t.cells.iter().filter(|c| c.row == 3).count(), 15);
    }

    #[test]
    fn proactive_spans_missing_columns() {
        let r = report("2021");
        let t = proactive(&r.proactive);
        tiles(&t);
        assert_eq!(t.rows, 14);
        assert_eq!(find(&t, "第二十条第（一）项").colspan, 4);
        assert_eq!(find(&t, "本年收费金额（单位：万元）").colspan, 3);
        let r = report("2019");
        let t = proactive(&r.proactive);
        tiles(&t);
        assert_eq!(find(&t, "采购总金额").colspan, 2);
        assert_eq!(find(&t, "251000元").colspan, 2);
        assert_eq!(find(&t, "处理决定数量").colspan, 1);
    }
}

#[cfg(test)]
mod width_tests {
    use super::*;
    use crate::model::parse_str;

    /// Characters of 10.5 pt type that fit a cell `mm` wide (2 pt insets).
    fn per_line(mm: f64) -> usize {
        ((mm - 4.0 * 25.4 / 72.0) / (10.5 * 25.4 / 72.0)).floor() as usize
    }

    #[test]
    fn no_label_wraps_more_than_three_lines() {
        for text in [
            include_str!("../../fixtures/beiguan-2023.json"),
            include_str!("../../fixtures/shanghai-govoffice-2019.json"),
        ] {
            let r = parse_str(text).unwrap();
            let tables =
                [proactive(&r.proactive), applications(&r.applications), review_litigation(&r.review_litigation)];
            for t in &tables {
                for c in t.cells.iter().filter(|c| c.role == CellRole::Label && c.rowspan == 1) {
                    let width: f64 = t.columns[c.col..c.col + c.colspan].iter().sum();
                    let lines = c.text().chars().count().div_ceil(per_line(width));
                    assert!(lines <= 3, "{} wraps {lines} lines in {width} mm", c.text());
                }
            }
        }
    }
}
