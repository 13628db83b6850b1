//! The words `pdftotext -tsv` reads off each page, with their boxes, and
//! the visual lines they stand on.

use super::super::{ImportError, Place};

/// The first line of `pdftotext -tsv` output.
pub const TSV_HEADER: &str =
    "level\tpage_num\tpar_num\tblock_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

/// A word and its box, in points from the page's top left corner.
#[derive(Clone, Debug)]
pub struct Word {
    pub page: usize,
    /// The word's visual line on its page, counted from 1 (set by [`lines`]).
    pub line: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

impl Word {
    pub fn h(&self) -> f64 {
        self.y1 - self.y0
    }

    pub fn xc(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    pub fn yc(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }

    pub fn at(&self) -> Place {
        Place::PageLine { page: self.page, line: self.line }
    }
}

/// Reads the word records (level 5) of `pdftotext -tsv` output.
pub fn parse(tsv: &str) -> Result<Vec<Word>, ImportError> {
    let mut words = Vec::new();
    for (i, record) in tsv.lines().enumerate().skip(1) {
        let bad = || ImportError::new(&Place::Line(i + 1), "这一行不是 pdftotext -tsv 的输出格式");
        let fields: Vec<&str> = record.trim_end_matches('\r').splitn(12, '\t').collect();
        if fields.len() != 12 {
            return Err(bad());
        }
        if fields[0] != "5" || fields[11].trim().is_empty() {
            continue;
        }
        let number = |k: usize| fields[k].parse::<f64>().ok().filter(|v| v.is_finite());
        let (Some(page), Some(left), Some(top), Some(width), Some(height)) =
            (fields[1].parse::<usize>().ok(), number(6), number(7), number(8), number(9))
        else {
            return Err(bad());
        };
        words.push(Word {
            page,
            line: 0,
            x0: left,
            y0: top,
            x1: left + width,
            y1: top + height,
            text: fields[11].trim().to_string(),
        });
    }
    Ok(words)
}

/// Words on one visual line of a page, left to right.
#[derive(Clone, Debug)]
pub struct Line {
    pub words: Vec<Word>,
}

impl Line {
    pub fn height(&self) -> f64 {
        self.words.iter().map(Word::h).fold(0.0, f64::max)
    }

    pub fn x0(&self) -> f64 {
        self.words[0].x0
    }

    pub fn x1(&self) -> f64 {
        self.words.iter().map(|w| w.x1).fold(0.0, f64::max)
    }

    pub fn at(&self) -> Place {
        self.words[0].at()
    }

    /// The line's text: words joined with a space where a space's width
    /// or more separates them (a font change or a compressed punctuation
    /// mark also splits words, with no gap).
    pub fn text(&self) -> String {
        let mut text = String::new();
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 && w.x0 - self.words[i - 1].x1 > 0.2 * w.h() {
                text.push(' ');
            }
            text.push_str(&w.text);
        }
        text
    }
}

/// Groups words into visual lines: on one page, with vertical centres
/// closer than a third of their height. Lines come top to bottom, page by
/// page, and every word learns its line's number.
pub fn lines(mut words: Vec<Word>) -> Vec<Line> {
    words.sort_by(|a, b| a.page.cmp(&b.page).then(a.yc().total_cmp(&b.yc())).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Line> = Vec::new();
    let mut number = 0;
    for mut word in words {
        let same = lines.last().is_some_and(|l| {
            let first = &l.words[0];
            first.page == word.page && (first.yc() - word.yc()).abs() < first.h().min(word.h()) / 3.0
        });
        if !same {
            number = if lines.last().is_some_and(|l| l.words[0].page == word.page) { number + 1 } else { 1 };
            lines.push(Line { words: Vec::new() });
        }
        word.line = number;
        lines.last_mut().expect("pushed").words.push(word);
    }
    for line in &mut lines {
        line.words.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    lines
}
