//! Import: published reports — text copied from the web page or extracted
//! from a PDF, or a Word file — back into the input contract.
//!
//! Each source is read into one sequence of [`Item`]s (paragraphs and table
//! rows, each with its place in the source); [`assemble`] then finds the
//! title, the six sections, and every table row by its official label from
//! [`crate::form`]. Nothing is guessed: a row it cannot match, a row with
//! the wrong number of cells or a missing section is an error naming where.

mod assemble;
mod docx;
mod grid;
mod html;
mod pdf;
mod text;

use std::fmt;
use std::sync::atomic::AtomicBool;

use crate::model::Report;

/// A paragraph or a table row of the source, with where it stands.
#[derive(Clone, Debug)]
pub enum Item {
    Para {
        text: String,
        /// Whether the source marks it a heading (a Word heading style);
        /// `None` where the source cannot say (plain text).
        heading: Option<bool>,
        at: Place,
    },
    Row {
        cells: Vec<String>,
        at: Place,
    },
}

/// Where in the source: a line of text, or a table and row of a Word file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Line(usize),
    Paragraph(usize),
    TableRow {
        table: usize,
        row: usize,
    },
    /// A visual line of a PDF page, counted from the top.
    PageLine {
        page: usize,
        line: usize,
    },
    Whole,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(n) => write!(f, "第 {n} 行"),
            Place::Paragraph(n) => write!(f, "第 {n} 段"),
            Place::TableRow { table, row } => write!(f, "第 {table} 个表格第 {row} 行"),
            Place::PageLine { page, line } => write!(f, "第 {page} 页第 {line} 行"),
            Place::Whole => f.write_str("全文"),
        }
    }
}

/// A source that cannot be imported exactly: where, and what. Import
/// runs no other program, so every such error is the source's and the
/// report is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{at}：{message}")]
pub struct ImportError {
    pub at: Place,
    pub message: String,
}

impl ImportError {
    fn new(at: &Place, message: impl Into<String>) -> ImportError {
        ImportError { at: at.clone(), message: message.into() }
    }
}

/// How a part of the report was found: a section by its heading, a table
/// row by its label (and by which variant), a row the table lacks. What
/// `import --explain` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub at: Place,
    pub text: String,
    /// The part of the report (a JSON pointer) read from there, so that a
    /// finding about it names the source's own place.
    pub path: Option<String>,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.at, self.text)
    }
}

/// An imported report, with how it was read.
#[derive(Clone, Debug)]
pub struct Imported {
    pub report: Report,
    pub source: Source,
    pub notes: Vec<Note>,
}

impl Item {
    pub fn at(&self) -> &Place {
        match self {
            Item::Para { at, .. } | Item::Row { at, .. } => at,
        }
    }
}

/// Lines that are not part of the report, whatever the source: the fixture files' `source:` and
/// `year:` lines, a web page's 发布日期, page numbers from a PDF.
fn is_furniture(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("source:")
        || t.starts_with("year:")
        || t.starts_with("发布日期")
        || (t.starts_with('—')
            && t.ends_with('—')
            && t.trim_matches(|c: char| c == '—' || c.is_whitespace()).chars().all(|c| c.is_ascii_digit()))
}

/// What a source file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The input contract itself: nothing to import.
    Json,
    /// Published text: a line a paragraph, table cells between tabs. Text
    /// that is `pdftotext -tsv` output is read as the PDF's words.
    Text,
    /// A saved web page (`.html`, `.htm`, `.shtml`).
    Html,
    Docx,
    /// A PDF, read in process.
    Pdf,
}

impl Source {
    /// By the file's extension; anything unknown is read as text.
    pub fn of(path: &std::path::Path) -> Source {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("json") => Source::Json,
            Some("html" | "htm" | "shtml" | "xhtml") => Source::Html,
            Some("docx") => Source::Docx,
            Some("pdf") => Source::Pdf,
            _ => Source::Text,
        }
    }

    /// The extensions every command reads, for finding inputs in a folder.
    pub const EXTENSIONS: &[&str] = &["json", "html", "htm", "shtml", "xhtml", "docx", "pdf", "txt"];

    /// The reader's name, as the batch summary records it.
    pub fn name(self) -> &'static str {
        match self {
            Source::Json => "json",
            Source::Text => "text",
            Source::Html => "html",
            Source::Docx => "docx",
            Source::Pdf => "pdf",
        }
    }

    /// The largest file of this kind an import reads: a saved page or a
    /// text is far smaller; Word files and PDFs carry pictures.
    pub fn max_bytes(self) -> usize {
        match self {
            Source::Json | Source::Text | Source::Html => 8 * 1024 * 1024,
            Source::Docx | Source::Pdf => 64 * 1024 * 1024,
        }
    }
}

/// Imports a source file's bytes.
pub fn import(bytes: &[u8], source: Source) -> Result<Report, ImportError> {
    read(bytes, source).map(|i| i.report)
}

/// Imports a source file's bytes, with notes on how it was read.
pub fn read(bytes: &[u8], source: Source) -> Result<Imported, ImportError> {
    read_until(bytes, source, &AtomicBool::new(false))
}

/// [`read`], stopped once `cancel` is set (the desk sets it when the
/// client that asked goes away): reading a PDF is the long part.
pub fn read_until(bytes: &[u8], source: Source, cancel: &AtomicBool) -> Result<Imported, ImportError> {
    if bytes.len() > source.max_bytes() {
        return Err(ImportError::new(
            &Place::Whole,
            format!("文件有 {} 字节，超过这类文件的上限 {} 字节", bytes.len(), source.max_bytes()),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::new(&Place::Whole, "文件是空的"));
    }
    let items = match source {
        Source::Json => {
            let report =
                crate::model::parse_bytes(bytes).map_err(|e| ImportError::new(&Place::Whole, e.to_string()))?;
            return Ok(Imported { report, source, notes: Vec::new() });
        }
        Source::Html => html::items(bytes)?,
        Source::Docx => docx::items(bytes)?,
        Source::Pdf => pdf::items(bytes, cancel)?,
        Source::Text => {
            let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
                .map_err(|_| ImportError::new(&Place::Whole, "文件不是 UTF-8 编码的文本；请另存为 UTF-8"))?;
            if text.starts_with(pdf::TSV_HEADER) {
                pdf::items_from_tsv(text)?
            } else if let Some(n) = text.lines().position(|l| l.contains('\u{c}')) {
                // Plain pdftotext output: page breaks give it away. Its
                // lines are the page's lines, not paragraphs, and blank
                // cells left no trace; reading it would be guessing.
                return Err(ImportError::new(
                    &Place::Line(n + 1),
                    "这是从 PDF 提取的纯文本（有分页符）：段落的换行和空白单元格已无从复原。\
                     请直接导入 PDF（nianbao import 报告.pdf），或导入 pdftotext -tsv 的输出",
                ));
            } else if text.trim_start().starts_with('<') && text.to_ascii_lowercase().contains("<html") {
                html::items(bytes)?
            } else {
                text::items(text)?
            }
        }
    };
    let (report, notes) = assemble::assemble(&items)?;
    Ok(Imported { report: validate(report)?, source, notes })
}
/// An imported report passes the same validation as one read from JSON
/// (limits, forbidden characters such as U+200E pasted from a web page),
/// so that an import never writes what `render` would refuse.
fn validate(report: Report) -> Result<Report, ImportError> {
    match crate::model::validate(&report) {
        Ok(()) => Ok(report),
        Err(e) => {
            let path = if e.path.is_empty() { "/" } else { &e.path };
            Err(ImportError::new(&Place::Whole, format!("读出的内容不能作为报告（{path}）：{}", e.message)))
        }
    }
}
