//! The one door from an input to its outputs, shared by every front end —
//! the command line, the batch, the writer's desk:
//!
//! ```text
//! read (any kind) ─► Checked ─► prepare ─► Prepared ─► verdict ─► render
//! ```
//!
//! [`run`] walks it from bytes, [`finish`] from a report already read (the
//! batch adds its findings across years in between). The verdict —
//! rendered, refused (the input's fault) or failed (not the input's) — is
//! decided here and nowhere else ([`Stop::verdict`]): the command line maps
//! it to an exit code, the batch to a record's status, the desk to an HTTP
//! status.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::check::{self, Finding, Severity};
use crate::fonts::Fonts;
use crate::format::Format;
use crate::import::{self, ImportError, Source};
use crate::layout::{self, Document};
use crate::model::{self, locate, InputError, Report};
use crate::render::{self, RenderError, Rendered, Settings};

/// What to make of an input, resolved once by the front end.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The formats to render, in order.
    pub formats: Vec<Format>,
    /// Render a report whose numbers break a 勾稽 rule (to reproduce what
    /// was published); the findings are reported all the same.
    pub allow_inconsistent: bool,
    pub settings: Settings,
    /// Judge as for `formats`, render nothing (`check`).
    pub judge_only: bool,
}

impl Plan {
    /// Judges a report as every format would, and renders nothing: what
    /// `check` and the desk's list say about a report.
    pub fn judge_all() -> Plan {
        Plan { formats: Format::ALL.to_vec(), judge_only: true, ..Plan::default() }
    }
}

/// A report that was read and checked.
pub struct Checked {
    pub report: Report,
    /// What the report was read from.
    pub source: Source,
    /// Findings of the 勾稽 rules (refusals and notes), with their lines.
    pub findings: Vec<Located>,
    /// The input's JSON text, to locate later findings in; `None` for an
    /// imported report.
    text: Option<String>,
    /// How an imported report was read: where in the source each part
    /// stands, so that its findings name the page and line, the table and
    /// row the writer sees.
    notes: Vec<import::Note>,
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
    /// Line and column in the input's JSON.
    pub line: Option<(usize, usize)>,
    /// Or, for an imported report, where in the published source.
    pub place: Option<import::Place>,
}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, &self.place) {
            (Some((line, column)), _) => write!(f, "第 {line} 行第 {column} 列 {}", self.finding),
            (None, Some(place)) => write!(f, "{place} {}", self.finding),
            (None, None) => write!(f, "{}", self.finding),
        }
    }
}

/// Why an input could not be read as a report.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read at all.
    #[error("无法读取：{}", crate::io_error::describe(.0))]
    Io(#[from] std::io::Error),
    /// A file over its kind's size limit, refused before it is read.
    #[error("文件有 {size} 字节，超过这类文件的上限 {max} 字节")]
    TooLarge { size: u64, max: u64 },
    /// A JSON report that breaks the contract.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A published report that cannot be imported exactly.
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// Why a prepared report is not rendered, in the words every front end
/// says it in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A character no font has: refused whatever the options.
    #[error("有字符没有任何可用字体能显示，不予排版")]
    MissingGlyphs,
    /// The numbers break a 勾稽 rule, and that was not allowed. (How to
    /// allow it is each front end's to say: a flag, a button.)
    #[error("数据前后不一致，不予排版")]
    Inconsistent,
}

/// Why an input has no outputs: the one error of the door.
#[derive(Debug, thiserror::Error)]
pub enum Stop {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// What became of an input, as every front end reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Rendered,
    /// The input was refused: invalid, inconsistent, not printable, or not
    /// importable exactly.
    Refused,
    /// Something outside the input failed: reading the file, a program the
    /// import runs, typesetting, writing.
    Failed,
}

impl Stop {
    /// Whose fault it is: the one place that decides.
    pub fn verdict(&self) -> Verdict {
        match self {
            Stop::Read(ReadError::Io(_)) | Stop::Render(_) => Verdict::Failed,
            Stop::Read(_) | Stop::Refused(_) => Verdict::Refused,
        }
    }
}

/// Everything the door made of one input.
pub struct Outcome {
    /// The report, once it could be read.
    pub report: Option<Report>,
    /// Every finding, as printed: the 勾稽 rules and font notes, then the
    /// characters no font has.
    pub findings: Vec<Located>,
    /// The outputs of the plan's formats, in its order, or why there are none.
    pub outputs: Result<Vec<(Format, Rendered)>, Stop>,
}

impl Outcome {
    pub fn verdict(&self) -> Verdict {
        match &self.outputs {
            Ok(_) => Verdict::Rendered,
            Err(stop) => stop.verdict(),
        }
    }
}

/// From an input's bytes to its outputs: read (importing a published page,
/// text, Word file or PDF on the way), check, lay out, judge, render.
pub fn run(bytes: &[u8], source: Source, plan: &Plan, fonts: &Fonts) -> Outcome {
    finish(read(bytes, source), plan, fonts)
}

/// The rest of the door for a report already read.
pub fn finish(read: Result<Checked, ReadError>, plan: &Plan, fonts: &Fonts) -> Outcome {
    let checked = match read {
        Ok(checked) => checked,
        Err(e) => return Outcome { report: None, findings: Vec::new(), outputs: Err(e.into()) },
    };
    let prepared = checked.prepare(fonts);
    let outputs = prepared.render(plan, fonts);
    let findings = prepared.findings.iter().chain(prepared.glyph_findings()).cloned().collect();
    Outcome { report: Some(prepared.report), findings, outputs }
}

/// Reads a report from a file, of the kind its extension names. No more
/// than the kind's limit is read: a file of gigabytes is refused by its
/// size, not loaded.
pub fn read_path(path: &Path) -> Result<Checked, ReadError> {
    let source = Source::of(path);
    let max = source.max_bytes() as u64;
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > max {
        return Err(ReadError::TooLarge { size, max });
    }
    let mut bytes = Vec::new();
    file.by_ref().take(max + 1).read_to_end(&mut bytes)?;
    read(&bytes, source)
}

/// Reads a report from any source kind — the contract's JSON, or a
/// published page, text, Word file or PDF, imported on the way — and runs
/// the 勾稽 checks.
pub fn read(bytes: &[u8], source: Source) -> Result<Checked, ReadError> {
    match source {
        Source::Json => Ok(read_json(bytes)?),
        _ => Ok(Checked::imported(import::read(bytes, source)?)),
    }
}

/// Reads a report in the input contract and runs the 勾稽 checks; the
/// error keeps the contract's JSON path and line.
pub fn read_json(bytes: &[u8]) -> Result<Checked, InputError> {
    let text = model::decode(bytes)?;
    let report = model::parse_str(text)?;
    Ok(Checked::new(report, Source::Json, Some(text.to_owned())))
}

impl Checked {
    /// Runs the 勾稽 checks on a report already parsed; `text`, the JSON it
    /// was parsed from, gives findings their lines.
    pub fn new(report: Report, source: Source, text: Option<String>) -> Checked {
        Checked { report, source, findings: Vec::new(), text, notes: Vec::new() }.checked()
    }

    /// Runs the 勾稽 checks on an imported report; its findings name the
    /// source's own places.
    pub fn imported(imported: import::Imported) -> Checked {
        let import::Imported { report, source, notes } = imported;
        Checked { report, source, findings: Vec::new(), text: None, notes }.checked()
    }

    fn checked(mut self) -> Checked {
        for finding in check::findings(&self.report) {
            self.add(finding);
        }
        self
    }

    /// Attaches a finding made outside the report (e.g. across years).
    pub fn add(&mut self, finding: Finding) {
        let (line, place) = (self.locate(&finding.path), self.place_of(&finding.path));
        self.findings.push(Located { finding, line, place });
    }

    /// Where an imported report's part at `path` was read in its source.
    fn place_of(&self, path: &str) -> Option<import::Place> {
        let read = self
            .notes
            .iter()
            .filter_map(|n| n.path.as_deref().map(|p| (p, &n.at)))
            .filter(|(p, _)| path == *p || path.starts_with(&format!("{p}/")) || p.is_empty());
        read.max_by_key(|(p, _)| p.len()).map(|(_, at)| at.clone())
    }

    /// Whether the numbers break a 勾稽 rule.
    pub fn inconsistent(&self) -> bool {
        check::refuses(self.findings.iter().map(|l| &l.finding))
    }

    fn locate(&self, path: &str) -> Option<(usize, usize)> {
        locate(self.text.as_deref()?, path)
    }

    /// Lays the report out and checks its characters against the fonts.
    pub fn prepare(mut self, fonts: &Fonts) -> Prepared {
        let document = layout::build(&self.report);
        let mut findings = std::mem::take(&mut self.findings);
        let (mut missing_glyphs, mut pdf_only_glyphs) = (Vec::new(), Vec::new());
        // Located once per path: a report of rare characters may have tens
        // of thousands of notes in a few paragraphs, and each look-up reads
        // the text from its start.
        let mut lines = std::collections::HashMap::new();
        for (finding, c) in fonts.coverage(&document) {
            let line = *lines.entry(finding.path.clone()).or_insert_with(|| self.locate(&finding.path));
            let place = self.place_of(&finding.path);
            let located = Located { line, place, finding };
            match located.finding.severity {
                Severity::Refusal if crate::fonts::word_shows(c) => pdf_only_glyphs.push(located),
                Severity::Refusal => missing_glyphs.push(located),
                Severity::Note => findings.push(located),
            }
        }
        Prepared { report: self.report, source: self.source, document, findings, missing_glyphs, pdf_only_glyphs }
    }
}

impl Prepared {
    /// Every character finding that refuses some format, as printed.
    pub fn glyph_findings(&self) -> impl Iterator<Item = &Located> {
        self.missing_glyphs.iter().chain(&self.pdf_only_glyphs)
    }

    /// Whether the numbers break a 勾稽 rule.
    pub fn inconsistent(&self) -> bool {
        check::refuses(self.findings.iter().map(|l| &l.finding))
    }

    /// Why the report may not be rendered as the plan asks, if it may not:
    /// the one rule every front end shares.
    pub fn refusal(&self, plan: &Plan) -> Option<Refusal> {
        let typeset = plan.formats.iter().any(|f| f.is_typeset());
        if !self.missing_glyphs.is_empty() || typeset && !self.pdf_only_glyphs.is_empty() {
            Some(Refusal::MissingGlyphs)
        } else if self.inconsistent() && !plan.allow_inconsistent {
            Some(Refusal::Inconsistent)
        } else {
            None
        }
    }

    /// The outputs of every format the plan asks for, all rendered before
    /// any is written; none when the report is refused, or the plan only
    /// judges.
    pub fn render(&self, plan: &Plan, fonts: &Fonts) -> Result<Vec<(Format, Rendered)>, Stop> {
        if let Some(refusal) = self.refusal(plan) {
            return Err(refusal.into());
        }
        if plan.judge_only {
            return Ok(Vec::new());
        }
        Ok(render::render_all(&plan.formats, &self.report, &self.document, fonts, &plan.settings)?)
    }
}
