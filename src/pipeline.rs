//! The stages in order, shared by every command: read, check, lay out,
//! check the fonts. Backends take it from there.

use crate::check::{self, Finding, Severity};
use crate::fonts::Fonts;
use crate::import::{self, ImportError, Source};
use crate::layout::{self, Document};
use crate::model::{self, locate, InputError, Report};
use crate::output::Format;

/// A report that was read and checked.
pub struct Checked {
    pub report: Report,
    /// What the report was read from.
    pub source: Source,
    /// Findings of the 勾稽 rules (refusals and notes), with their lines.
    pub findings: Vec<Located>,
    /// The input's JSON text, to locate later findings in; `None` for an
    /// imported report, whose findings are named by their JSON path only.
    text: Option<String>,
}

/// A report that was laid out, with everything the checks found.
pub struct Prepared {
    pub report: Report,
    pub source: Source,
    pub document: Document,
    /// Findings of the 勾稽 rules and font notes.
    pub findings: Vec<Located>,
    /// Characters no font has: these refuse the report whatever the options.
    pub missing_glyphs: Vec<Located>,
    /// Characters no bundled font has but Word's own fallback shows (CJK
    /// Extension B and beyond): they refuse a PDF, not a DOCX.
    pub pdf_only_glyphs: Vec<Located>,
}

/// A finding with the line and column of its value in the input.
#[derive(Clone, Debug)]
pub struct Located {
    pub finding: Finding,
    pub line: Option<(usize, usize)>,
}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some((line, column)) => write!(f, "第 {line} 行第 {column} 列 {}", self.finding),
            None => write!(f, "{}", self.finding),
        }
    }
}

impl Checked {
    /// Attaches a finding made outside the report (e.g. across years).
    pub fn add(&mut self, finding: Finding) {
        let line = self.locate(&finding.path);
        self.findings.push(Located { finding, line });
    }

    fn locate(&self, path: &str) -> Option<(usize, usize)> {
        locate(self.text.as_deref()?, path)
    }

    /// Lays the report out and checks its characters against the fonts.
    pub fn prepare(mut self, fonts: &Fonts) -> Prepared {
        let document = layout::build(&self.report);
        let mut findings = std::mem::take(&mut self.findings);
        let (mut missing_glyphs, mut pdf_only_glyphs) = (Vec::new(), Vec::new());
        for (finding, c) in fonts.coverage(&document) {
            let located = Located { line: self.locate(&finding.path), finding };
            match located.finding.severity {
                Severity::Refusal if crate::fonts::word_shows(c) => pdf_only_glyphs.push(located),
                Severity::Refusal => missing_glyphs.push(located),
                Severity::Note => findings.push(located),
            }
        }
        Prepared { report: self.report, source: self.source, document, findings, missing_glyphs, pdf_only_glyphs }
    }
}

/// Why a prepared report is not rendered. `render`, `check` and `batch`
/// all say it in these words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A character no font has: refused whatever the options.
    #[error("有字符没有任何可用字体能显示，不予排版")]
    MissingGlyphs,
    /// The numbers break a 勾稽 rule, and that was not allowed.
    #[error("数据前后不一致，不予排版；如需照原样重排已发布的报告，请加 --allow-inconsistent")]
    Inconsistent,
}

impl Prepared {
    /// Every character finding that refuses some format, as printed.
    pub fn glyph_findings(&self) -> impl Iterator<Item = &Located> {
        self.missing_glyphs.iter().chain(&self.pdf_only_glyphs)
    }

    /// Whether the numbers break a 勾稽 rule.
    pub fn inconsistent(&self) -> bool {
        self.findings.iter().any(|f| f.finding.severity == Severity::Refusal)
    }

    /// Why the report may not be rendered, if it may not: the one rule
    /// `render`, `check` and `batch` share.
    pub fn refusal(&self, allow_inconsistent: bool, formats: &[Format]) -> Option<Refusal> {
        let typeset = formats.iter().any(|f| matches!(f, Format::Pdf | Format::Typst));
        if !self.missing_glyphs.is_empty() || typeset && !self.pdf_only_glyphs.is_empty() {
            Some(Refusal::MissingGlyphs)
        } else if self.inconsistent() && !allow_inconsistent {
            Some(Refusal::Inconsistent)
        } else {
            None
        }
    }
}

/// Why an input could not be read as a report.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A JSON report that breaks the contract.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A published report that cannot be imported exactly.
    #[error(transparent)]
    Import(#[from] ImportError),
}

impl ReadError {
    /// Whether the machine is at fault (a tool the import runs is
    /// missing), not the input.
    pub fn is_tool(&self) -> bool {
        matches!(self, ReadError::Import(e) if e.cause == import::Cause::Tool)
    }
}

/// Reads a report from bytes and runs the 勾稽 checks.
pub fn read(bytes: &[u8]) -> Result<Checked, InputError> {
    let text = model::decode(bytes)?;
    let report = model::parse_str(text)?;
    Ok(checked(report, Source::Json, Some(text.to_owned())))
}

/// Reads a report from any source kind — the contract's JSON, or a
/// published page, text, Word file or PDF, imported on the way — and runs
/// the 勾稽 checks.
pub fn read_as(bytes: &[u8], source: Source) -> Result<Checked, ReadError> {
    match source {
        Source::Json => Ok(read(bytes)?),
        _ => Ok(checked(import::read(bytes, source)?.report, source, None)),
    }
}

fn checked(report: Report, source: Source, text: Option<String>) -> Checked {
    let findings = check::findings(&report)
        .into_iter()
        .map(|finding| Located { line: text.as_deref().and_then(|t| locate(t, &finding.path)), finding })
        .collect();
    Checked { report, source, findings, text }
}

/// Reads a report from bytes and takes it through the checks and layout.
pub fn prepare(bytes: &[u8], fonts: &Fonts) -> Result<Prepared, InputError> {
    Ok(read(bytes)?.prepare(fonts))
}
