//! Tables found by their ruling lines, the "lattice" way of pdfplumber,
//! camelot and tabula: the cell borders a page draws are joined into
//! grids; where a border between two slots of the grid is missing, the
//! slots are one merged cell. Every glyph then falls into its cell.
//!
//! Nothing depends on print size: numbers set as large as the body, or
//! labels wrapped over three lines, stand in their cells all the same.

use super::super::{ImportError, Place};
use super::document::Rule;

/// Lines closer than this (points) are one line; a line ending this near
/// another meets it.
const TOL: f64 = 1.5;
/// The most ruling lines one page may draw.
const MAX_RULES: usize = 20_000;
/// The most slots one table's lattice may have: the largest official
/// table (B, 2021) has under 300.
pub const MAX_SLOTS: usize = 5_000;
/// How much of a slot's side a border must cover to part two slots.
const COVER: f64 = 0.6;

/// A cell of a ruled table: its slots in the lattice and its box.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

/// A ruled table on one page.
#[derive(Clone, Debug)]
pub struct Table {
    /// The x of each column border, left to right.
    pub xs: Vec<f64>,
    /// The y of each row border, top to bottom.
    pub ys: Vec<f64>,
    pub cells: Vec<Cell>,
}

impl Table {
    pub fn x0(&self) -> f64 {
        self.xs[0]
    }
    pub fn x1(&self) -> f64 {
        self.xs[self.xs.len() - 1]
    }
    pub fn y0(&self) -> f64 {
        self.ys[0]
    }
    pub fn y1(&self) -> f64 {
        self.ys[self.ys.len() - 1]
    }

    /// Whether a point lies inside the table's outer border.
    pub fn holds(&self, x: f64, y: f64) -> bool {
        x > self.x0() && x < self.x1() && y > self.y0() && y < self.y1()
    }

    /// The cell a point falls in.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        self.cells.iter().position(|c| x > c.x0 && x < c.x1 && y > c.y0 && y < c.y1)
    }
}

/// One line after collinear pieces are joined.
#[derive(Clone, Copy, Debug)]
struct Line {
    at: f64,
    from: f64,
    to: f64,
}

/// Joins pieces of one line (a border drawn cell by cell, or twice).
fn join(mut lines: Vec<Line>) -> Vec<Line> {
    lines.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    let mut out: Vec<Line> = Vec::new();
    // Lines are grouped by position first, so that a border drawn in
    // pieces at 100.2 and 100.4 is one.
    let mut group: Vec<Line> = Vec::new();
    let flush = |group: &mut Vec<Line>, out: &mut Vec<Line>| {
        if group.is_empty() {
            return;
        }
        let at = group.iter().map(|l| l.at).sum::<f64>() / group.len() as f64;
        group.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut current: Option<Line> = None;
        for l in group.drain(..) {
            match &mut current {
                Some(c) if l.from <= c.to + TOL => c.to = c.to.max(l.to),
                _ => {
                    if let Some(c) = current.take() {
                        out.push(c);
                    }
                    current = Some(Line { at, from: l.from, to: l.to });
                }
            }
        }
        out.extend(current);
    };
    for l in lines {
        if group.last().is_some_and(|g| l.at - g.at > TOL / 2.0) {
            flush(&mut group, &mut out);
        }
        group.push(l);
    }
    flush(&mut group, &mut out);
    out
}

/// Whether a horizontal and a vertical line meet (or one ends on the other).
fn meet(h: &Line, v: &Line) -> bool {
    v.at >= h.from - TOL && v.at <= h.to + TOL && h.at >= v.from - TOL && h.at <= v.to + TOL
}

/// Positions closer than [`TOL`] taken as one, ascending.
fn positions(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<Vec<f64>> = Vec::new();
    for v in values {
        match out.last_mut() {
            Some(g) if v - g[g.len() - 1] <= TOL => g.push(v),
            _ => out.push(vec![v]),
        }
    }
    out.into_iter().map(|g| g.iter().sum::<f64>() / g.len() as f64).collect()
}

/// How much of `from..to` the lines at `at` cover.
fn covered(lines: &[&Line], at: f64, from: f64, to: f64) -> f64 {
    let mut parts: Vec<(f64, f64)> = lines
        .iter()
        .filter(|l| (l.at - at).abs() <= TOL)
        .map(|l| (l.from.max(from), l.to.min(to)))
        .filter(|(a, b)| b > a)
        .collect();
    parts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut sum, mut end) = (0.0, from);
    for (a, b) in parts {
        let a = a.max(end);
        if b > a {
            sum += b - a;
            end = b;
        }
    }
    sum / (to - from)
}

/// The ruled tables of a page, top to bottom. Lines that meet form one
/// table; a table needs two lines each way.
pub fn tables(rules: &[Rule], page: usize) -> Result<Vec<Table>, ImportError> {
    let at = Place::PageLine { page, line: 1 };
    if rules.len() > MAX_RULES {
        return Err(ImportError::new(
            &at,
            format!("这一页画了 {} 条线，超过 {MAX_RULES} 条，不像年报的表格", rules.len()),
        ));
    }
    let pick = |horizontal: bool| {
        join(
            rules
                .iter()
                .filter(|r| r.horizontal == horizontal)
                .map(|r| Line { at: r.at, from: r.from, to: r.to })
                .collect(),
        )
    };
    let (hs, vs) = (pick(true), pick(false));
    // Union-find over the lines: horizontals first, then verticals.
    let mut parent: Vec<usize> = (0..hs.len() + vs.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if meet(h, v) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, hs.len() + j));
                parent[a] = b;
            }
        }
    }
    let mut groups: Vec<(usize, Vec<&Line>, Vec<&Line>)> = Vec::new();
    for i in 0..hs.len() + vs.len() {
        let r = root(&mut parent, i);
        let k = match groups.iter().position(|g| g.0 == r) {
            Some(k) => k,
            None => {
                groups.push((r, Vec::new(), Vec::new()));
                groups.len() - 1
            }
        };
        if i < hs.len() {
            groups[k].1.push(&hs[i]);
        } else {
            groups[k].2.push(&vs[i - hs.len()]);
        }
    }
    let mut out = Vec::new();
    for (_, h, v) in groups {
        if h.len() < 2 || v.len() < 2 {
            continue;
        }
        out.push(lattice(&h, &v, page)?);
    }
    out.sort_by(|a, b| a.y0().total_cmp(&b.y0()));
    for pair in out.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.y0() < a.y1() - TOL && b.x0() < a.x1() - TOL && a.x0() < b.x1() - TOL {
            return Err(ImportError::new(&at, "这一页有两张表格互相重叠，读不出哪个数字属于哪张表"));
        }
    }
    Ok(out)
}

/// The cells of one group of lines.
fn lattice(hs: &[&Line], vs: &[&Line], page: usize) -> Result<Table, ImportError> {
    let xs = positions(vs.iter().map(|l| l.at).collect());
    // Where a table is cut by a page break, Word and WPS may leave the cut
    // edge undrawn: the column borders run on past the last line. The
    // table is closed there, at the columns' end.
    let mut ys: Vec<f64> = hs.iter().map(|l| l.at).collect();
    let (first, last) =
        (ys.iter().copied().fold(f64::INFINITY, f64::min), ys.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    let (reach_up, reach_down) =
        vs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v.from), b.max(v.to)));
    let mut cut: Vec<Line> = Vec::new();
    if reach_up < first - 2.0 * TOL {
        ys.push(reach_up);
        cut.push(Line { at: reach_up, from: xs[0], to: xs[xs.len() - 1] });
    }
    if reach_down > last + 2.0 * TOL {
        ys.push(reach_down);
        cut.push(Line { at: reach_down, from: xs[0], to: xs[xs.len() - 1] });
    }
    let ys = positions(ys);
    let hs: Vec<&Line> = hs.iter().copied().chain(cut.iter()).collect();
    let hs = hs.as_slice();
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    if rows.saturating_mul(cols) > MAX_SLOTS {
        return Err(ImportError::new(
            &Place::PageLine { page, line: 1 },
            format!("这一页的表格有 {rows} 行 {cols} 列的格子，超过 {MAX_SLOTS} 格，不像年报的表格"),
        ));
    }
    // A table's sides are drawn from its top to its bottom. Where they are
    // not, the lines are two tables laid over each other (or a table with
    // borders left out): which cell a number stands in is unsure. (Its top
    // and bottom may be cut by a page break, drawn in part or not at all.)
    let (left, right, top, bottom) = (xs[0], xs[cols], ys[0], ys[rows]);
    if covered(vs, left, top, bottom) < 0.95 || covered(vs, right, top, bottom) < 0.95 {
        return Err(ImportError::new(
            &Place::PageLine { page, line: 1 },
            "这一页表格的框线互相交叠、外框不完整（像是两张表格叠在一起），读不出哪个数字属于哪张表",
        ));
    }
    // Slots joined where no border parts them.
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && covered(vs, xs[c + 1], ys[r], ys[r + 1]) < COVER {
                let (a, b) = (root(&mut parent, r * cols + c), root(&mut parent, r * cols + c + 1));
                parent[a] = b;
            }
            if r + 1 < rows && covered(hs, ys[r + 1], xs[c], xs[c + 1]) < COVER {
                let (a, b) = (root(&mut parent, r * cols + c), root(&mut parent, (r + 1) * cols + c));
                parent[a] = b;
            }
        }
    }
    // Each joined region is a cell; it must be a rectangle of slots.
    let mut regions: Vec<(usize, usize, usize, usize, usize, usize)> = Vec::new(); // root, r0, r1, c0, c1, n
    for r in 0..rows {
        for c in 0..cols {
            let k = root(&mut parent, r * cols + c);
            match regions.iter_mut().find(|g| g.0 == k) {
                Some(g) => {
                    g.1 = g.1.min(r);
                    g.2 = g.2.max(r);
                    g.3 = g.3.min(c);
                    g.4 = g.4.max(c);
                    g.5 += 1;
                }
                None => regions.push((k, r, r, c, c, 1)),
            }
        }
    }
    let mut cells = Vec::with_capacity(regions.len());
    for (_, r0, r1, c0, c1, n) in regions {
        if n != (r1 - r0 + 1) * (c1 - c0 + 1) {
            return Err(ImportError::new(
                &Place::PageLine { page, line: 1 },
                "这一页表格的框线不完整：有的单元格不是方形，读不出它属于哪一行哪一列",
            ));
        }
        cells.push(Cell {
            row: r0,
            col: c0,
            rows: r1 - r0 + 1,
            cols: c1 - c0 + 1,
            x0: xs[c0],
            x1: xs[c1 + 1],
            y0: ys[r0],
            y1: ys[r1 + 1],
        });
    }
    cells.sort_by_key(|c| (c.row, c.col));
    Ok(Table { xs, ys, cells })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: f64, x0: f64, x1: f64) -> Rule {
        Rule { horizontal: true, at: y, from: x0, to: x1 }
    }
    fn v(x: f64, y0: f64, y1: f64) -> Rule {
        Rule { horizontal: false, at: x, from: y0, to: y1 }
    }

    #[test]
    fn merged_cells_come_out_with_their_spans() {
        // Two rows, three columns; the first row's two right slots are one
        // cell (no border between them in row 0).
        let rules = vec![
            h(0.0, 0.0, 30.0),
            h(10.0, 0.0, 30.0),
            h(20.0, 0.0, 30.0),
            v(0.0, 0.0, 20.0),
            v(10.0, 0.0, 20.0),
            v(20.0, 10.0, 20.0),
            v(30.0, 0.0, 20.0),
        ];
        let t = tables(&rules, 1).unwrap();
        assert_eq!(t.len(), 1);
        let spans: Vec<(usize, usize, usize, usize)> =
            t[0].cells.iter().map(|c| (c.row, c.col, c.rows, c.cols)).collect();
        assert_eq!(spans, vec![(0, 0, 1, 1), (0, 1, 1, 2), (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1)]);
    }

    #[test]
    fn borders_drawn_in_pieces_are_one_line() {
        let rules =
            vec![h(0.0, 0.0, 15.0), h(0.3, 15.0, 30.0), h(10.0, 0.0, 30.0), v(0.0, 0.0, 10.0), v(30.0, 0.0, 10.0)];
        let t = tables(&rules, 1).unwrap();
        assert_eq!(t[0].cells.len(), 1);
    }

    #[test]
    fn a_lattice_past_the_limit_is_refused() {
        let mut rules = Vec::new();
        for i in 0..=101 {
            rules.push(h(i as f64 * 5.0, 0.0, 505.0));
            rules.push(v(i as f64 * 5.0, 0.0, 505.0));
        }
        let e = tables(&rules, 3).unwrap_err();
        assert!(e.message.contains("超过 5000 格"), "{e}");
        assert_eq!(e.at, Place::PageLine { page: 3, line: 1 });
    }

    #[test]
    fn overlapping_tables_are_refused() {
        let square = |x: f64, y: f64| {
            vec![h(y, x, x + 20.0), h(y + 20.0, x, x + 20.0), v(x, y, y + 20.0), v(x + 20.0, y, y + 20.0)]
        };
        // One square inside another, their lines apart: two tables, one
        // over the other.
        let mut inside = square(0.0, 0.0);
        inside.extend([h(5.0, 5.0, 15.0), h(15.0, 5.0, 15.0), v(5.0, 5.0, 15.0), v(15.0, 5.0, 15.0)]);
        assert!(tables(&inside, 1).unwrap_err().message.contains("互相重叠"));
        // Two squares whose lines cross: one lattice with no outer border.
        let mut crossing = square(0.0, 0.0);
        crossing.extend(square(10.0, 10.0));
        assert!(tables(&crossing, 1).unwrap_err().message.contains("互相交叠"));
    }
}
