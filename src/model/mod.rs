//! The report as the input contract describes it (`INPUT.md`), parsed and
//! type-checked.
//!
//! Tables are stored in the order of their definitions in [`crate::form`],
//! so every later stage walks the official structure and looks values up by
//! position instead of re-deriving it from JSON keys.

mod blank;
mod de;
mod error;
mod json;
pub mod limits;
mod locate;
mod parse;
mod totals;
mod validate;

pub use blank::blank;
pub use error::InputError;
pub(crate) use json::insert;
pub use json::{to_json, to_json_text};
pub use locate::locate;
pub use parse::{decode, parse_bytes, parse_str};
pub use totals::{fill_totals, zero_blanks};
pub use validate::{validate, Invalid};

use crate::form::{self, Version};

/// One report, validated against the contract (not yet against the 勾稽
/// rules: see [`crate::check`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The template version: the contract's `format` key.
    pub version: Version,
    pub year: i64,
    pub agency: String,
    /// The title as written; see [`Report::title`] for the one printed.
    pub title: Option<String>,
    pub preamble: Vec<Block>,
    pub overview: Vec<Block>,
    pub proactive: Proactive,
    pub applications: Applications,
    pub review_litigation: ReviewLitigation,
    /// Prose that sections 二, 三 and 四 hold before and after their tables.
    pub table_prose: TableProse,
    pub problems: Vec<Block>,
    pub other_matters: Vec<Block>,
    pub signature: Option<Signature>,
}

impl Report {
    /// The printed title: as written, or the template's default.
    pub fn title(&self) -> String {
        self.title.clone().unwrap_or_else(|| form::default_title(&self.agency, self.year))
    }
}

/// A piece of prose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A body paragraph.
    Paragraph(String),
    /// A sub-heading on its own line.
    Heading(String),
    /// A paragraph that opens with a run-in heading.
    Lead { lead: String, text: String },
}

/// The prose around the three tables: published reports explain a table,
/// add a sub-heading or a note on the figures inside sections 二–四, and a
/// regenerated report keeps every word it was published with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableProse {
    /// For 二 (`proactive`), 三 (`applications`) and 四
    /// (`review_litigation`), in [`form::TABLE_SECTIONS`] order.
    pub sections: [AroundTable; 3],
}

impl TableProse {
    pub fn is_empty(&self) -> bool {
        self.sections.iter().all(|s| s.before.is_empty() && s.after.is_empty())
    }
}

/// The blocks before and after one table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AroundTable {
    pub before: Vec<Block>,
    pub after: Vec<Block>,
}

/// The closing signature, right-aligned after section 六.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub agency: String,
    pub date: String,
}

/// One value cell of table A.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Count(Option<u64>),
    Signed(Option<i64>),
    /// The amount's text exactly as written in the JSON (number or string).
    Amount(Option<String>),
}

impl Value {
    /// The cell's printed text; blank prints empty.
    pub fn text(&self) -> String {
        match self {
            Value::Count(v) => v.map(|n| n.to_string()).unwrap_or_default(),
            Value::Signed(v) => v.map(|n| n.to_string()).unwrap_or_default(),
            Value::Amount(v) => v.clone().unwrap_or_default(),
        }
    }
}

/// Table A: for each row of [`form::proactive::rows`], its values in the
/// order of the item's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proactive {
    /// The template version the table was printed in: the report's, or
    /// the other one where the report says so (`printed`).
    pub version: Version,
    pub rows: Vec<Vec<Value>>,
}

/// A row of counts that ends in a total (table B rows, table C groups).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts {
    /// The parts, `None` where the published cell was blank.
    pub parts: Vec<Option<u64>>,
    /// The total as written: `None` when not written at all (then it is
    /// computed), `Some(None)` when written blank.
    pub total: Option<Option<u64>>,
    /// How the row was written, so findings can point at the right key.
    pub written: Written,
}

/// The two ways a row of counts may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// `{"natural_person": 1, …}`
    Object,
    /// `[1, 0, 0, 0, 0, 0]`
    Array,
}

impl Counts {
    /// The sum of the parts, blanks counted as 0; `None` if every part is
    /// blank. Sums are wide so that no input can overflow them.
    pub fn sum(&self) -> Option<u128> {
        sum_blank_as_zero(&self.wide_parts())
    }

    /// The parts, widened so that sums of them cannot overflow.
    pub fn wide_parts(&self) -> Vec<Option<u128>> {
        self.parts.iter().map(|p| p.map(u128::from)).collect()
    }

    /// The total as printed: as written, else computed from the parts.
    pub fn total(&self) -> Option<u128> {
        match self.total {
            Some(given) => given.map(u128::from),
            None => self.sum(),
        }
    }

    /// Column `i`, counting the total as the last column.
    pub fn column(&self, i: usize) -> Option<u128> {
        match self.parts.get(i) {
            Some(part) => part.map(u128::from),
            None => self.total(),
        }
    }

    /// The JSON pointer of column `i` below the row's own pointer.
    pub fn pointer(&self, row: &str, columns: &crate::form::Columns, i: usize) -> String {
        match self.written {
            Written::Object => format!("{row}/{}", columns.key(i)),
            Written::Array => format!("{row}/{i}"),
        }
    }

    /// All printed columns: the parts, then the total.
    pub fn columns(&self) -> Vec<Option<u128>> {
        (0..=self.parts.len()).map(|i| self.column(i)).collect()
    }
}

/// Table B: for each line of [`form::applications::lines`], its counts; `None`
/// only for a （七）总计 row the input left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applications {
    /// The template version the table was printed in (see [`Proactive`]).
    pub version: Version,
    pub rows: Vec<Option<Counts>>,
}

/// Adds values, blanks counted as 0; `None` when every value is blank.
pub fn sum_blank_as_zero(values: &[Option<u128>]) -> Option<u128> {
    if values.iter().all(Option::is_none) {
        None
    } else {
        Some(values.iter().flatten().sum())
    }
}

impl Applications {
    /// The columns of row `i` as printed: as written, or for a （七）总计
    /// the input left out, the column sums of the result rows.
    pub fn printed(&self, i: usize) -> Vec<Option<u128>> {
        if let Some(row) = &self.rows[i] {
            return row.columns();
        }
        let lines = form::applications::lines(self.version);
        let width = form::applications::APPLICANTS.parts.len() + 1;
        (0..width)
            .map(|c| {
                let column: Vec<_> = lines
                    .iter()
                    .zip(&self.rows)
                    .filter(|(l, _)| l.role == form::applications::LineRole::Result)
                    .map(|(_, r)| r.as_ref().and_then(|r| r.column(c)))
                    .collect();
                sum_blank_as_zero(&column)
            })
            .collect()
    }
}

/// Table C: for each group of [`form::review_litigation::GROUPS`], its counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewLitigation {
    pub groups: Vec<Counts>,
}

#[cfg(test)]
mod tests;
