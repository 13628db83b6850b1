//! Published text: a line a paragraph, table cells separated by tabs (as
//! a copied web page gives them) or by runs of spaces.

use super::assemble::normalize;
use super::{is_furniture, Item, Place};
use crate::form::table_a;

/// A line's table cells, if it is a table row: cells between tabs, or
/// between runs of two or more spaces when that makes a row — a number (or
/// an amount such as 251000元) at its end, or table A's header. Spaces
/// cannot show a blank cell, so a row with blanks read this way has too few
/// cells and is refused, not guessed.
fn cells(line: &str) -> Option<Vec<String>> {
    if line.contains('\t') {
        return Some(line.split('\t').map(|c| c.trim().to_string()).collect());
    }
    let mut cells: Vec<String> = Vec::new();
    let mut gap = 0;
    for c in line.trim().chars() {
        if c.is_whitespace() {
            gap += if c == '\u{3000}' { 2 } else { 1 };
            continue;
        }
        if gap >= 2 || cells.is_empty() {
            cells.push(String::new());
        } else if gap == 1 {
            cells.last_mut().expect("a cell").push(' ');
        }
        gap = 0;
        cells.last_mut().expect("a cell").push(c);
    }
    let number = |c: &str| c.trim_start_matches(['-', '−']).starts_with(|c: char| c.is_ascii_digit());
    let row = cells.len() >= 2
        && (cells.last().is_some_and(|c| number(c)) || normalize(&cells[0]) == table_a::CONTENT_HEADER);
    row.then_some(cells)
}

pub fn items(text: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = Place::Line(i + 1);
        let line = line.trim_end_matches('\r');
        if let Some(cells) = cells(line) {
            out.push(Item::Row { cells, at });
        } else if !line.trim().is_empty() && !is_furniture(line) {
            out.push(Item::Para { text: line.trim().to_string(), heading: None, at });
        }
    }
    out
}
