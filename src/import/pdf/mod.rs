//! PDFs, read in process ([`document`], with hayro): the glyphs each page
//! draws, with their boxes, and the ruling lines of its tables.
//!
//! Where a report's tables are ruled (as every Word, WPS and Typst table
//! is), they are read by their geometry ([`lattice`], [`ruled`]): every
//! glyph falls into its cell, whatever its print size, and the cells with
//! their spans go to the same table matcher as a web page's. The rest of
//! the page is prose, put back together by where its lines stand:
//! paragraphs by their first-line indent and short last lines ([`Prose`]).
//!
//! Where no table is ruled, and for `pdftotext -tsv` output given as text,
//! the tables are the lines set smaller than the body (or sections 二 to
//! 四), their rows and columns found by the official labels ([`sized`]).

mod document;
mod lattice;
mod ruled;
mod sized;
mod table;
mod textlayer;
mod words;

use std::sync::atomic::AtomicBool;

use super::{ImportError, Item, Place};
use crate::form::variants::section_of;
use words::Line;
pub use words::TSV_HEADER;

/// The paragraphs and table rows of a PDF file. `cancel`, once set, stops
/// the reading.
pub fn items(pdf: &[u8], cancel: &AtomicBool) -> Result<Vec<Item>, ImportError> {
    let pages = document::read(pdf, cancel)?;
    no_text(&pages)?;
    textlayer::check(&pages)?;
    let tables = pages.iter().map(|p| lattice::tables(&p.rules, p.number)).collect::<Result<Vec<_>, _>>()?;
    if tables.iter().all(Vec::is_empty) {
        return sized::items(words::from_pages(&pages));
    }
    ruled::items(&pages, &tables)
}

/// The paragraphs and table rows of `pdftotext -tsv` output.
pub fn items_from_tsv(tsv: &str) -> Result<Vec<Item>, ImportError> {
    sized::items(words::parse(tsv)?)
}

/// Refuses a PDF whose pages are pictures (a scan), or whose text is a
/// recognised layer drawn invisibly over them, or whose glyphs do not say
/// what text they stand for: reading any of these would be guessing.
fn no_text(pages: &[document::Page]) -> Result<(), ImportError> {
    let glyphs: usize = pages.iter().map(|p| p.glyphs.len()).sum();
    let invisible: usize = pages.iter().map(|p| p.invisible).sum();
    let images: usize = pages.iter().map(|p| p.images).sum();
    let advice = "请改用这份报告的网页或 Word 原件导入";
    if glyphs == 0 && images > 0 {
        let message = if invisible > 0 {
            format!("这个 PDF 是扫描件：每页是图片，上面的文字是识别出来的隐形文字层，数字可能识别错了。{advice}")
        } else {
            format!("这个 PDF 是扫描件（每页只是图片，没有文字层），读不出文字。{advice}")
        };
        return Err(ImportError::new(&Place::Whole, message));
    }
    if glyphs == 0 {
        return Err(ImportError::new(&Place::Whole, "这个 PDF 里没有文字"));
    }
    if let Some(p) = pages.iter().find(|p| p.unmapped > 0) {
        return Err(ImportError::new(
            &Place::PageLine { page: p.number, line: 1 },
            format!(
                "这一页有 {} 个字形，PDF 没有说明它们是什么字（字体缺少 ToUnicode 映射）：读不出来。{advice}",
                p.unmapped
            ),
        ));
    }
    Ok(())
}

/// Body lines put back into paragraphs: title lines run on; a body line
/// runs on from a full line before it, unless it is indented.
struct Prose {
    body: f64,
    left: f64,
    right: f64,
    para: Option<Para>,
}

struct Para {
    text: String,
    at: Place,
    title: bool,
    /// Whether its last line reaches the right edge (and so may go on).
    full: bool,
}

impl Prose {
    /// For lines whose body size is `body`; the text block is found from
    /// `lines`.
    fn new<'a>(lines: impl Iterator<Item = &'a Line> + Clone, body: f64) -> Prose {
        let (left, right) = text_block(lines, body);
        Prose { body, left, right, para: None }
    }

    fn line(&mut self, line: &Line, out: &mut Vec<Item>) {
        let title = line.height() > 1.15 * self.body;
        let text = line.text();
        let full = line.x1() > self.right - 0.5 * self.body;
        match &mut self.para {
            Some(p) if p.title == title && (title || p.full && line.x0() < self.left + 0.5 * self.body) => {
                p.text = join_lines(&p.text, &text);
                p.full = full;
            }
            _ => {
                self.end(out);
                self.para = Some(Para { text, at: line.at(), title, full });
            }
        }
    }

    fn end(&mut self, out: &mut Vec<Item>) {
        if let Some(p) = self.para.take() {
            out.push(Item::Para { text: p.text, heading: None, at: p.at });
        }
    }
}

/// The height of body text: that of the heading 一、, which is set in the
/// body size (there may be more table print than prose in a report).
fn body_height(lines: &[Line]) -> Option<f64> {
    lines.iter().find(|l| section_of(&l.text()) == Some(0)).map(Line::height)
}

/// Refuses a PDF without the heading 一、 among its lines.
fn no_body(lines: &[Line]) -> ImportError {
    let message = if lines.is_empty() {
        "PDF 里读不出文字（扫描的图片？）"
    } else {
        "PDF 里找不到“一、总体情况”"
    };
    ImportError::new(&Place::Whole, message)
}
/// The edges of the text block: where body lines begin at the leftmost,
/// and where most of them end. The right edge is read off the lines that
/// end in a character, not a punctuation mark: a mark at a line's end may
/// hang beyond the edge, or be set half its width with its box still
/// drawn whole (as Typst sets `。` and `，` there), and in a report where
/// most lines end in one, the edge so read would leave every line ending
/// in a character short of it, and each a paragraph's last.
fn text_block<'a>(lines: impl Iterator<Item = &'a Line> + Clone, body: f64) -> (f64, f64) {
    let body_lines = || lines.clone().filter(|l| (l.height() - body).abs() < 0.15 * body);
    let ends_in_character = |l: &&Line| l.text().chars().last().is_some_and(char::is_alphanumeric);
    let edge = |lines: &mut dyn Iterator<Item = &'a Line>| {
        let mut ends: Vec<(i64, usize)> = Vec::new();
        for line in lines {
            let key = line.x1().round() as i64;
            match ends.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => ends.push((key, 1)),
            }
        }
        ends.iter().max_by_key(|(k, n)| (*n, *k)).map(|(k, _)| *k as f64)
    };
    let right =
        edge(&mut body_lines().filter(ends_in_character)).or_else(|| edge(&mut body_lines())).unwrap_or(f64::INFINITY);
    (body_lines().map(Line::x0).fold(f64::INFINITY, f64::min), right)
}

/// Joins a wrapped line to the one before: Chinese runs on; two Latin
/// words were parted by the space the line broke at.
fn join_lines(before: &str, after: &str) -> String {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let space = latin(before.chars().last()) && latin(after.chars().next());
    format!("{before}{}{after}", if space { " " } else { "" })
}

/// Whether a line is a page number as offices print them: `3`, `-3-`,
/// `- 3 -`, `— 3 —`, `第3页`, `第 3 页 共 9 页`, `3/9`.
fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | '－' | '·'));
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit());
    if digits(t) {
        return true;
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b);
    }
    let Some(rest) = t.strip_prefix('第') else { return false };
    let Some((n, rest)) = rest.split_once('页') else { return false };
    digits(n) && (rest.is_empty() || rest.strip_prefix('共').and_then(|r| r.strip_suffix('页')).is_some_and(digits))
}

#[cfg(test)]
mod tests {
    use super::words::{Line, Word};
    use super::{is_page_number, Item, Prose};

    /// The paragraphs `Prose` makes of lines given as (left, right, text),
    /// 16 pt high, one a line.
    fn paragraphs(lines: &[(f64, f64, &str)]) -> Vec<String> {
        let lines: Vec<Line> = lines
            .iter()
            .enumerate()
            .map(|(i, &(x0, x1, text))| {
                let y0 = 30.0 * i as f64;
                let word = Word { page: 1, line: i + 1, x0, y0, x1, y1: y0 + 16.0, text: text.into(), spaced: None };
                Line { words: vec![word] }
            })
            .collect();
        let mut prose = Prose::new(lines.iter(), 16.0);
        let mut out = Vec::new();
        for line in &lines {
            prose.line(line, &mut out);
        }
        prose.end(&mut out);
        out.into_iter()
            .map(|item| match item {
                Item::Para { text, .. } => text,
                Item::Row { .. } => unreachable!("prose makes no rows"),
            })
            .collect()
    }

    /// Lines as a generated report's PDF set them (河口区乡村振兴局 2022):
    /// a stop at a line's end is set half its width with its box drawn
    /// whole, 8 pt past the text block's edge at 521.8 pt, and here more
    /// lines end in a mark than in a character. Read off every line's end,
    /// the edge was 530, the lines ending in a character fell short of it,
    /// and each ended a paragraph.
    #[test]
    fn lines_ending_in_a_character_run_on_where_most_end_in_a_mark() {
        let got = paragraphs(&[
            (111.0, 521.8, "2022年，河口区乡村振兴局健全信息发布审查机制，严守保密"),
            (79.4, 529.7, "审查要求。加强政府网站和政务新媒体建设，提升信息发布质量。"),
            (79.4, 521.8, "开展政务公开业务培训，提高工作人员业务水平。开展政务公开"),
            (79.4, 332.3, "业务培训，提高工作人员业务水平。"),
            (111.0, 521.8, "（一）主动公开方面。全年主动公开政府信息，及时更新政"),
            (79.4, 529.7, "府信息公开专栏。严格落实《中华人民共和国政府信息公开条例》"),
            (79.4, 529.6, "的各项要求。将政务公开工作纳入年度绩效考核，强化监督保障。"),
            (111.0, 529.6, "严格落实《中华人民共和国政府信息公开条例》的各项要求。"),
            (111.0, 529.6, "规范依申请公开办理流程，做到依法依规、按时答复，全年。"),
            (111.0, 521.7, "2.严格落实《中华人民共和国政府信息公开条例》的各项"),
            (79.4, 127.0, "要求。"),
        ]);
        assert_eq!(
            got,
            [
                "2022年，河口区乡村振兴局健全信息发布审查机制，严守保密审查要求。加强政府网站和政务新媒体建设，\
                 提升信息发布质量。开展政务公开业务培训，提高工作人员业务水平。开展政务公开业务培训，提高工作人员业务水平。",
                "（一）主动公开方面。全年主动公开政府信息，及时更新政府信息公开专栏。\
                 严格落实《中华人民共和国政府信息公开条例》的各项要求。将政务公开工作纳入年度绩效考核，强化监督保障。",
                "严格落实《中华人民共和国政府信息公开条例》的各项要求。",
                "规范依申请公开办理流程，做到依法依规、按时答复，全年。",
                "2.严格落实《中华人民共和国政府信息公开条例》的各项要求。",
            ]
        );
    }

    #[test]
    fn page_numbers_as_offices_print_them() {
        for yes in ["3", "-3-", "- 3 -", "— 3 —", "—3—", "第3页", "第 3 页", "第3页 共9页", "3/9", "－ 12 －"]
        {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["2023", "一、总体情况", "第三页", "3个", "-3-4-", "第3条", ""] {
            assert!(!is_page_number(no), "{no}");
        }
    }
}
