//! A table's cells, merged across rows and columns, expanded into the rows
//! the table matcher reads: the one rule shared by every source that knows
//! its cells' spans (a web page's `rowspan`/`colspan`, a PDF's ruled
//! lattice).
//!
//! A label fills every slot it covers, so that each row carries the labels
//! of the header cells above it and of the merged label to its left. A
//! number, or a blank, is one value however wide: the slots it covers to
//! the right are left out of its row. A number merged across rows could
//! belong to any of them and is refused.

use super::{ImportError, Place};

/// The most slots (rows × columns) one table may expand to.
pub const MAX_SLOTS: usize = 100_000;

/// The grid being filled, row by row.
#[derive(Default)]
pub struct Grid {
    slots: Vec<Vec<Option<Slot>>>,
    filled: usize,
}

#[derive(Clone)]
enum Slot {
    Text(String),
    /// Covered by a number or blank merged across columns: not a cell of
    /// its own.
    Covered,
}

/// Whether a cell's text is a value (a count or an amount), not a label.
pub fn is_number(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || ".-−,，． 元万".contains(c))
}

impl Grid {
    /// The first column at or after `c` in row `r` that no cell above
    /// (merged down into this row) already holds.
    pub fn free(&self, r: usize, mut c: usize) -> usize {
        while self.slots.get(r).and_then(|row| row.get(c)).is_some_and(Option::is_some) {
            c += 1;
        }
        c
    }

    /// Puts a cell at row `r`, column `c`, spanning `rows` × `cols`.
    pub fn put(
        &mut self,
        r: usize,
        c: usize,
        rows: usize,
        cols: usize,
        text: &str,
        at: &Place,
    ) -> Result<(), ImportError> {
        let (rows, cols) = (rows.max(1), cols.max(1));
        if is_number(text) && rows > 1 {
            return Err(ImportError::new(at, format!("数字“{text}”的单元格跨了 {rows} 行，不知道它属于哪一行")));
        }
        let filled = self.filled.saturating_add(rows.saturating_mul(cols));
        let extent = self.slots.len().max(r.saturating_add(rows)).saturating_mul(c.saturating_add(cols));
        if filled > MAX_SLOTS || extent > MAX_SLOTS {
            return Err(ImportError::new(at, format!("表格超过 {MAX_SLOTS} 格，不像报告里的表格")));
        }
        self.filled = filled;
        if self.slots.len() < r + rows {
            self.slots.resize_with(r + rows, Vec::new);
        }
        let label = !is_number(text) && !text.is_empty();
        for row in &mut self.slots[r..r + rows] {
            if row.len() < c + cols {
                row.resize(c + cols, None);
            }
            for (dc, slot) in row[c..c + cols].iter_mut().enumerate() {
                *slot = Some(if dc == 0 || label { Slot::Text(text.to_string()) } else { Slot::Covered });
            }
        }
        Ok(())
    }

    /// The rows, each with its index in the grid; rows with no text at all
    /// are left out. Every row has as many cells as the widest, less the
    /// slots a merged value covers.
    pub fn rows(self) -> Vec<(usize, Vec<String>)> {
        let width = self.slots.iter().map(Vec::len).max().unwrap_or(0);
        let mut out = Vec::new();
        for (r, row) in self.slots.into_iter().enumerate() {
            let covered = row.iter().filter(|s| matches!(s, Some(Slot::Covered))).count();
            let mut cells: Vec<String> = row
                .into_iter()
                .filter_map(|s| match s {
                    Some(Slot::Text(t)) => Some(t),
                    Some(Slot::Covered) => None,
                    None => Some(String::new()),
                })
                .collect();
            cells.resize(width - covered, String::new());
            if cells.iter().any(|c| !c.is_empty()) {
                out.push((r, cells));
            }
        }
        out
    }
}
