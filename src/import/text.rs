//! Published text: a line a paragraph, table cells separated by tabs (as
//! a copied web page gives them) or by runs of spaces.

use super::{is_furniture, ImportError, Item, Place};
use crate::form::variants::normalize;
use crate::form::{proactive, Version};

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
        && (cells.last().is_some_and(|c| number(c)) || normalize(&cells[0]) == proactive::CONTENT_HEADER);
    row.then_some(cells)
}

/// Table labels run together with their numbers (`规章000行政规范性文件
/// 6233440`): what a web archiver's text dump of a page gives. The digits
/// of neighbouring cells cannot be told apart, so such text is refused.
/// Prose may well say `主动公开规章13件，行政规范性文件60件`; a label,
/// digits, and at once the next label is a table's cells run together.
fn run_together(line: &str) -> Option<String> {
    let labels: Vec<&str> = proactive::rows(Version::F2021)
        .chain(proactive::rows(Version::F2019))
        .map(|(_, r)| r.label)
        .chain([
            "第二十条",
            "本年新收政府信息公开申请数量",
            "上年结转政府信息公开申请数量",
            "三、本年度办理结果",
            "（一）予以公开",
        ])
        .collect();
    let line = normalize(line);
    let mut rest = line.as_str();
    while let Some((i, label)) = labels.iter().filter_map(|l| rest.find(l).map(|i| (i, *l))).min() {
        let after = &rest[i + label.len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && labels.iter().any(|l| after[digits..].starts_with(l)) {
            return Some(format!("{label}{}", &after[..digits]));
        }
        rest = after;
    }
    None
}

/// Where a table's cells run one to a line (a crawler's text of a page):
/// the first of a stretch where most lines are a bare number. Which lines
/// make one cell (`1` and `62`: 162, or 1 and 62?) and which column a
/// blank was cannot be told, so such text is refused.
fn cell_per_line(lines: &[(usize, &str)]) -> Option<usize> {
    let bare = |l: &str| {
        let t = l.trim();
        !t.is_empty() && t.len() <= 8 && t.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    const WINDOW: usize = 12;
    lines
        .windows(WINDOW)
        .find(|w| w.iter().filter(|(_, l)| bare(l)).count() >= 8)
        .map(|w| w.iter().find(|(_, l)| bare(l)).map_or(w[0].0, |(n, _)| *n))
}

pub fn items(text: &str) -> Result<Vec<Item>, ImportError> {
    let filled: Vec<(usize, &str)> =
        text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (i + 1, l)).collect();
    if let Some(n) = cell_per_line(&filled) {
        return Err(ImportError::new(
            &Place::Line(n),
            "从这里起，表格的各格每格单独占一行：哪几行是同一格的数字（“1”“62”是 162，还是 1 和 62）、\
             空白是哪一列，都已无从判断。这像是网页被抓取成的纯文本；请导入网页本身（.html），或 Word、PDF 原件",
        ));
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = Place::Line(i + 1);
        let line = line.trim_end_matches('\r');
        if let Some(cells) = cells(line) {
            out.push(Item::Row { cells, at });
        } else if let Some(sample) = run_together(line) {
            return Err(ImportError::new(
                &at,
                format!(
                    "表格各格的文字和数字连在了一起（如“{sample}”），数字之间无从分开：\
                     这像是网页的纯文本转存。请导入网页本身（.html），或 Word、PDF 原件"
                ),
            ));
        } else if !line.trim().is_empty() && !is_furniture(line) {
            out.push(Item::Para { text: line.trim().to_string(), heading: None, at });
        }
    }
    Ok(out)
}
