//! Layout tables as Word tables: the normalised grid of the layout, each
//! anchor a cell with `gridSpan`, each slot covered from above a
//! `vMerge` continuation.

use docx_rs::{
    AlignmentType, Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType,
    TableRow, VAlignType, VMergeType, WidthType,
};

use super::styles::{DocxFonts, Style, TABLE_LINE, TABLE_SIZE};
use super::{page, paragraph};
use crate::layout::{self, CellRole, Slot};

pub fn table(t: &layout::Table, fonts: DocxFonts) -> Table {
    let grid = t.grid().expect("the layout stage builds tables that tile their grid");
    let widths: Vec<usize> = t.columns.iter().map(|mm| page::twips(*mm) as usize).collect();
    let span_width = |c: &layout::Cell| widths[c.col..c.col + c.colspan].iter().sum::<usize>();
    // The rows up to the third that holds numbers keep with the next, so
    // that Word never starts the table at the foot of a page with its
    // header and a row or two (as the PDF does not).
    let mut number_rows: Vec<usize> = t.cells.iter().filter(|c| c.role == CellRole::Number).map(|c| c.row).collect();
    number_rows.sort_unstable();
    number_rows.dedup();
    let keep_until = number_rows.get(2).or(number_rows.last()).copied().unwrap_or(0);
    let rows = grid
        .iter()
        .enumerate()
        .map(|(r, slots)| {
            let cells = slots
                .iter()
                .enumerate()
                .filter_map(|(k, slot)| {
                    let (i, anchor) = match *slot {
                        Slot::Anchor(i) => (i, true),
                        Slot::Covered(i) => (i, false),
                    };
                    let c = &t.cells[i];
                    if c.col != k || (!anchor && c.row == r) {
                        return None; // covered from the left: part of the span
                    }
                    let cell = TableCell::new()
                        .width(span_width(c), WidthType::Dxa)
                        .grid_span(c.colspan)
                        .vertical_align(VAlignType::Center);
                    let cell = match (anchor, c.rowspan > 1) {
                        (true, true) => cell.vertical_merge(VMergeType::Restart),
                        (true, false) => cell,
                        (false, _) => cell.vertical_merge(VMergeType::Continue),
                    };
                    let body = if anchor { c.runs.as_slice() } else { &[] };
                    let align = if c.role == CellRole::Label { AlignmentType::Left } else { AlignmentType::Center };
                    let p = paragraph(fonts, Style::TableText, body).align(align).keep_next(r < keep_until);
                    Some(cell.add_paragraph(p))
                })
                .collect();
            // A row never splits across pages, as in the PDF.
            TableRow::new(cells).cant_split()
        })
        .collect();
    // Half-point rules and 2 pt side margins, as in the PDF, so that the
    // narrow applicant columns hold two characters a line.
    let borders = [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ]
    .into_iter()
    .fold(TableBorders::new(), |b, pos| b.set(TableBorder::new(pos).size(4)));
    Table::new(rows)
        .set_grid(widths.clone())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum(), WidthType::Dxa)
        .set_borders(borders)
        .margins(TableCellMargins::new().margin(CELL_MARGIN_TOP, CELL_MARGIN_X, CELL_MARGIN_Y, CELL_MARGIN_X))
}

/// Cell margins in twips: 2 pt at the sides, 4 pt above and below.
const CELL_MARGIN_X: usize = 40;
const CELL_MARGIN_Y: usize = 80;
/// Above the text, less the leading an exact line of table text carries
/// above its first line ([`TABLE_LINE`] less the type size): the first
/// line then stands 4 pt below the rule, as in the PDF.
const CELL_MARGIN_TOP: usize = CELL_MARGIN_Y - (TABLE_LINE - TABLE_SIZE * 10);
