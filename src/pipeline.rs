//! The stages in order, shared by every command: read, check, lay out,
//! check the fonts. Backends take it from there.

use crate::check::{self, Finding, Severity};
use crate::fonts::Fonts;
use crate::layout::{self, Document};
use crate::model::{self, locate, InputError, Report};

/// A report that was read and laid out, with everything the checks found.
pub struct Prepared {
    pub report: Report,
    pub document: Document,
    /// Findings of the 勾稽 rules (refusals and notes).
    pub findings: Vec<Located>,
    /// Characters no font has: these refuse the report whatever the options.
    pub missing_glyphs: Vec<Located>,
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

impl Prepared {
    /// Whether the numbers break a 勾稽 rule.
    pub fn inconsistent(&self) -> bool {
        self.findings.iter().any(|f| f.finding.severity == Severity::Refusal)
    }
}

/// Reads a report from bytes and takes it through the checks and layout.
pub fn prepare(bytes: &[u8], fonts: &Fonts) -> Result<Prepared, InputError> {
    let report = model::parse_bytes(bytes)?;
    let text = String::from_utf8_lossy(bytes);
    let located = |finding: Finding| Located { line: locate(&text, &finding.path), finding };
    let mut findings: Vec<Located> = check::check(&report).into_iter().map(located).collect();
    let document = layout::build(&report);
    let mut missing_glyphs = Vec::new();
    for finding in fonts.coverage(&document) {
        match finding.severity {
            Severity::Refusal => missing_glyphs.push(located(finding)),
            Severity::Note => findings.push(located(finding)),
        }
    }
    Ok(Prepared { report, document, findings, missing_glyphs })
}
