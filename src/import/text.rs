//! Published text: a line a paragraph, table cells separated by tabs (as
//! a copied web page gives them).

use super::{Item, Place};

/// Lines that are not part of the report: the fixture files' `source:` and
/// `year:` lines, a web page's 发布日期, page numbers from a PDF.
pub(super) fn is_furniture(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("source:")
        || t.starts_with("year:")
        || t.starts_with("发布日期")
        || (t.starts_with('—')
            && t.ends_with('—')
            && t.trim_matches(|c: char| c == '—' || c.is_whitespace()).chars().all(|c| c.is_ascii_digit()))
}

pub fn items(text: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = Place::Line(i + 1);
        let line = line.trim_end_matches('\r');
        if line.contains('\t') {
            out.push(Item::Row { cells: line.split('\t').map(|c| c.trim().to_string()).collect(), at });
        } else if !line.trim().is_empty() && !is_furniture(line) {
            out.push(Item::Para { text: line.trim().to_string(), heading: None, at });
        }
    }
    out
}
