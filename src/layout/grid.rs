//! Tables as merged cells on a grid, normalised once (as pandoc does) so
//! that each backend only emits its own merge markup.

use serde::Serialize;

use super::Run;

/// What a cell holds, which decides its style.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellRole {
    /// Column headers.
    Header,
    /// Row labels.
    Label,
    /// An explanatory note (楷体).
    Note,
    /// A value: centred.
    Number,
}

/// A cell anchored at `(row, col)`, covering `rowspan × colspan` slots.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub role: CellRole,
    pub runs: Vec<Run>,
}

impl Cell {
    /// The cell's text, runs joined.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// A table: column widths, header rows to repeat across pages, and cells in
/// row-major order of their anchors.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    /// Column widths in millimetres; they add up to the text block width.
    pub columns: Vec<f64>,
    pub rows: usize,
    /// The first `header_rows` rows repeat when the table breaks.
    pub header_rows: usize,
    pub cells: Vec<Cell>,
}

/// A grid slot: the anchor of a cell, or a slot a merged cell covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The top-left slot of cell `.0`.
    Anchor(usize),
    /// Covered by cell `.0` from above or from the left.
    Covered(usize),
}

/// A table whose cells do not tile its grid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("cell {cell} reaches outside the {rows}×{cols} grid")]
    Outside { cell: usize, rows: usize, cols: usize },
    #[error("slot ({row}, {col}) is covered by cells {first} and {second}")]
    Overlap { row: usize, col: usize, first: usize, second: usize },
    #[error("slot ({row}, {col}) is covered by no cell")]
    Hole { row: usize, col: usize },
}

impl Table {
    /// The grid of slots, row by row; an error unless every slot is covered
    /// exactly once.
    pub fn grid(&self) -> Result<Vec<Vec<Slot>>, TableError> {
        let (rows, cols) = (self.rows, self.columns.len());
        let mut grid: Vec<Vec<Option<Slot>>> = vec![vec![None; cols]; rows];
        for (i, c) in self.cells.iter().enumerate() {
            if c.rowspan == 0 || c.colspan == 0 || c.row + c.rowspan > rows || c.col + c.colspan > cols {
                return Err(TableError::Outside { cell: i, rows, cols });
            }
            for (r, row) in grid.iter_mut().enumerate().skip(c.row).take(c.rowspan) {
                for (k, slot) in row.iter_mut().enumerate().skip(c.col).take(c.colspan) {
                    if let Some(Slot::Anchor(j) | Slot::Covered(j)) = *slot {
                        return Err(TableError::Overlap { row: r, col: k, first: j, second: i });
                    }
                    *slot = Some(if (r, k) == (c.row, c.col) { Slot::Anchor(i) } else { Slot::Covered(i) });
                }
            }
        }
        grid.into_iter()
            .enumerate()
            .map(|(r, row)| {
                row.into_iter().enumerate().map(|(k, s)| s.ok_or(TableError::Hole { row: r, col: k })).collect()
            })
            .collect()
    }
}
