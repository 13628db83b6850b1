//! Words with their boxes — put together from the glyphs a page draws, or
//! read from `pdftotext -tsv` output — and the visual lines they stand on.

use super::super::{ImportError, Place};
use super::document::{Glyph, Page};

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
    /// Whether a space was drawn before it, where the PDF draws its
    /// spaces; `None` where only the gap can tell (`pdftotext -tsv`, or a
    /// PDF that draws none).
    pub spaced: Option<bool>,
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
            spaced: None,
        });
    }
    Ok(words)
}

/// The words of every page, from their glyphs.
pub fn from_pages(pages: &[Page]) -> Vec<Word> {
    let spaces = draws_spaces(pages);
    pages.iter().flat_map(|p| from_glyphs(p.number, &p.glyphs.iter().collect::<Vec<_>>(), spaces)).collect()
}

/// Whether a PDF draws its spaces as glyphs (Word, WPS and LibreOffice
/// do): then a space between words is where one was drawn, and a gap
/// without one is the typesetter's (spacing between Chinese and Latin
/// text, a justified line's stretch), not the writer's.
pub fn draws_spaces(pages: &[Page]) -> bool {
    pages.iter().flat_map(|p| &p.glyphs).any(|g| g.text == " ")
}

/// Glyphs into words: a word is a run of glyphs on one baseline, each
/// starting where the one before ends (within a fifth of the size); a
/// space, or a wider gap, parts words. A glyph drawn again on itself (a
/// bold simulated by drawing twice, or fill then stroke) counts once.
/// `spaces`: whether the PDF draws its spaces ([`draws_spaces`]).
pub fn from_glyphs(page: usize, glyphs: &[&Glyph], spaces: bool) -> Vec<Word> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| a.baseline.total_cmp(&b.baseline).then(a.x0.total_cmp(&b.x0)));
    // Visual lines first (baselines within a third of the size), so that a
    // glyph raised a little (a footnote mark, a font's own offset) stays
    // in its line.
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match rows.last_mut() {
            Some(row) if (g.baseline - row[0].baseline).abs() < row[0].size.min(g.size) / 3.0 => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    let mut words = Vec::new();
    for mut row in rows {
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut current: Option<Word> = None;
        let mut last: Option<&Glyph> = None;
        let mut spaced = false;
        for g in row {
            if last.is_some_and(|l| l.text == g.text && (l.x0 - g.x0).abs() < 0.2 * g.size) {
                continue;
            }
            let space = g.text.trim().is_empty();
            let joins = last.is_some_and(|l| !space && g.x0 - l.x1 < 0.2 * g.size && g.x0 > l.x0);
            // Where the PDF draws no spaces, a gap next to Chinese text is
            // the typesetter's: a justified line's stretch between
            // characters, or the quarter em Word and LibreOffice add
            // between Chinese and Latin text (unless it is as wide as half
            // an em). Between Latin words, the gap tells.
            let by_gap = last.filter(|_| !spaces).and_then(|l| match (is_han(&l.text), is_han(&g.text)) {
                (true, true) => Some(false),
                (false, false) => None,
                _ => Some(g.x0 - l.x1 > 0.5 * g.size),
            });
            last = Some(g);
            if !joins {
                words.extend(current.take());
            }
            if space {
                spaced = true;
                continue;
            }
            let w = current.get_or_insert_with(|| Word {
                page,
                line: 0,
                x0: g.x0,
                y0: g.top(),
                x1: g.x1,
                y1: g.bottom(),
                text: String::new(),
                spaced: if spaces { Some(std::mem::take(&mut spaced)) } else { by_gap },
            });
            w.x1 = w.x1.max(g.x1);
            w.y0 = w.y0.min(g.top());
            w.y1 = w.y1.max(g.bottom());
            w.text.push_str(&g.text);
        }
        words.extend(current);
    }
    words
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
            let gap = || w.x0 - self.words[i - 1].x1 > 0.2 * w.h();
            if i > 0 && w.spaced.unwrap_or_else(gap) {
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

/// The visual lines of a page, counted from the top, for naming places:
/// every line of text, prose or table, counts.
pub struct LineNumbers {
    /// Each line's lowest point, top to bottom.
    bottoms: Vec<f64>,
}

impl LineNumbers {
    pub fn new(glyphs: &[Glyph]) -> LineNumbers {
        let mut sorted: Vec<&Glyph> = glyphs.iter().collect();
        sorted.sort_by(|a, b| a.baseline.total_cmp(&b.baseline));
        let mut bottoms: Vec<f64> = Vec::new();
        let mut last: Option<&Glyph> = None;
        for g in sorted {
            if last.is_some_and(|l| g.baseline - l.baseline < l.size.min(g.size) / 3.0) {
                continue;
            }
            bottoms.push(g.bottom());
            last = Some(g);
        }
        LineNumbers { bottoms }
    }

    /// The number of the first line whose bottom lies below `y`.
    pub fn line_of(&self, y: f64) -> usize {
        self.bottoms.iter().filter(|&&b| b < y).count() + 1
    }
}

/// Whether a glyph's text sits with Chinese text: anything but ASCII
/// (Han, full-width punctuation, the curly quotes Chinese text uses).
fn is_han(text: &str) -> bool {
    text.chars().next().is_some_and(|c| !c.is_ascii())
}
