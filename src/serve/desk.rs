//! What the writer's desk does with a report, apart from HTTP: list the
//! reports of a folder, check one as it is typed (findings by JSON path,
//! the layout's grids to draw the form from), preview its pages as SVG,
//! start a new one, save it.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::check::Severity;
use crate::fonts::Fonts;
use crate::form::table_a::{self, Kind};
use crate::form::{table_b, table_c, Version};
use crate::layout::{self, Document, Element};
use crate::model::{self, Report};
use crate::pipeline;

/// One report of the folder, as the list shows it.
#[derive(Debug, Serialize)]
pub struct Listed {
    pub name: String,
    pub agency: Option<String>,
    pub year: Option<i64>,
    pub format: Option<&'static str>,
    /// Whether it passes the checks (no refusal).
    pub passes: bool,
    /// Why it cannot be read, if it cannot.
    pub error: Option<String>,
}

/// The reports (`*.json`) of a folder, by name.
pub fn list(dir: &Path) -> std::io::Result<Vec<Listed>> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
        if !name.ends_with(".json") || name.starts_with('.') || !path.is_file() {
            continue;
        }
        let read = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| pipeline::read_json(&b).map_err(|e| e.to_string()));
        out.push(match read {
            Ok(c) => Listed {
                name,
                agency: Some(c.report.agency.clone()),
                year: Some(c.report.year),
                format: Some(c.report.version.as_str()),
                passes: !c.inconsistent(),
                error: None,
            },
            Err(e) => Listed { name, agency: None, year: None, format: None, passes: false, error: Some(e) },
        });
    }
    Ok(out)
}

/// A file name the desk may read or write in its folder: a plain name,
/// no folders, no hidden files, ending in `.json`.
pub fn report_path(dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name.ends_with(".json")
        && !name.contains(['/', '\\', '\0', ':'])
        && name.chars().count() <= 200;
    plain.then(|| dir.join(name))
}

/// The side file a draft of `name` is autosaved to.
pub fn draft_path(dir: &Path, name: &str) -> Option<PathBuf> {
    report_path(dir, name).map(|_| dir.join(format!(".{name}.draft")))
}

/// A version tag of a file's bytes: a save names the version it was
/// opened at, and a file changed on disk since is not overwritten.
pub fn version(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:016x}-{}", h.finish(), bytes.len())
}

/// A finding for the form: where, how bad, what.
#[derive(Debug, Serialize)]
pub struct Finding {
    pub path: String,
    pub refusal: bool,
    pub place: String,
    pub message: String,
}

/// What the form needs after every edit.
#[derive(Debug, Serialize)]
pub struct Checked {
    /// The report in canonical form (rows as arrays): what the form edits.
    pub report: Json,
    pub findings: Vec<Finding>,
    /// The layout: the tables' grids to draw the form from.
    pub document: Document,
    /// The kind of each table value, by JSON path: count, signed, amount.
    pub kinds: Map<String, Json>,
}

/// Why the text is not a report yet: the contract's message, with where.
#[derive(Debug, Serialize)]
pub struct Invalid {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

/// Checks a report's JSON text as typed.
pub fn check(text: &str, fonts: &Fonts) -> Result<Checked, Invalid> {
    let invalid =
        |e: model::InputError| Invalid { path: e.path.clone(), line: Some(e.line), message: e.message.clone() };
    let report = model::parse_str(text).map_err(invalid)?;
    // Checked in the canonical form the form edits (rows as arrays), so
    // that findings and the grid's cells name the same JSON paths.
    let canonical = model::to_json_text(&report);
    let checked = pipeline::read_json(canonical.as_bytes()).map_err(invalid)?;
    let report_json = model::to_json(&checked.report);
    let prepared = checked.prepare(fonts);
    let findings = prepared
        .findings
        .iter()
        .chain(prepared.glyph_findings())
        .map(|l| Finding {
            path: l.finding.path.clone(),
            refusal: l.finding.severity == Severity::Refusal,
            place: l.finding.place.clone(),
            message: l.finding.message.clone(),
        })
        .collect();
    let kinds = kinds(&prepared.report);
    Ok(Checked { report: report_json, findings, document: prepared.document, kinds })
}

/// The kind of every table value of a report, by its JSON path.
fn kinds(report: &Report) -> Map<String, Json> {
    let mut out = Map::new();
    for (item, row) in table_a::rows(report.version) {
        match item.shape {
            table_a::Shape::Scalar(f) => {
                out.insert(format!("/proactive/{}", row.key), json!(kind_name(f.kind)));
            }
            table_a::Shape::Object(fields) => {
                for f in fields {
                    out.insert(format!("/proactive/{}/{}", row.key, f.key), json!(kind_name(f.kind)));
                }
            }
        }
    }
    out
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Count => "count",
        Kind::Signed => "signed",
        Kind::Amount => "amount",
    }
}

/// The pages of a report as SVG, and the page that shows `focus` (a JSON
/// path the writer just edited), if any.
pub fn preview(text: &str, focus: Option<&str>, fonts: &Fonts) -> Result<(Vec<String>, Option<usize>), String> {
    let checked = pipeline::read_json(text.as_bytes()).map_err(|e| e.to_string())?;
    let doc = layout::build(&checked.report);
    let paged = crate::pdf::typeset(&doc, fonts).map_err(|e| e.to_string())?;
    let options = typst_svg::SvgOptions::default();
    let pages: Vec<String> = paged.pages().iter().map(|p| typst_svg::svg(p, &options)).collect();
    let needle = focus.and_then(|f| landmark(&doc, f));
    let page = needle.and_then(|n| {
        paged.pages().iter().position(|p| {
            let mut text = String::new();
            frame_text(&p.frame, &mut text);
            text.contains(&n)
        })
    });
    Ok((pages, page))
}

/// Text that shows where a JSON path prints: its own text, or for a table
/// value, the label of its row.
fn landmark(doc: &Document, path: &str) -> Option<String> {
    for element in &doc.blocks {
        match element {
            Element::Table(t) => {
                let Some(cell) = t.cells.iter().find(|c| c.runs.iter().any(|r| r.source.as_deref() == Some(path)))
                else {
                    continue;
                };
                let label = t
                    .cells
                    .iter()
                    .filter(|c| c.role == layout::CellRole::Label && c.row <= cell.row && cell.row < c.row + c.rowspan)
                    .max_by_key(|c| c.col)?;
                return Some(label.text().chars().filter(|c| !c.is_whitespace()).take(12).collect());
            }
            _ => {
                let runs: Vec<&layout::Run> = match element {
                    Element::Title { lines } | Element::Signature { lines } => lines.iter().collect(),
                    Element::Heading { runs, .. } | Element::Paragraph { runs } => runs.iter().collect(),
                    Element::Table(_) => unreachable!(),
                };
                if let Some(run) = runs.iter().find(|r| r.source.as_deref().is_some_and(|s| s.starts_with(path))) {
                    let text: String = run.text.chars().filter(|c| !c.is_whitespace()).take(12).collect();
                    return (!text.is_empty()).then_some(text);
                }
            }
        }
    }
    None
}

/// The text a frame sets, white space left out.
fn frame_text(frame: &typst::layout::Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            typst::layout::FrameItem::Text(t) => out.extend(t.text.chars().filter(|c| !c.is_whitespace())),
            typst::layout::FrameItem::Group(g) => frame_text(&g.frame, out),
            _ => {}
        }
    }
}

/// A new report: every table cell blank, no prose yet. From last year's
/// report of the same agency, 四、结转下年度继续办理 becomes this year's
/// 二、上年结转.
pub fn new_report(agency: &str, year: i64, format: Version, last_year: Option<&Report>) -> Json {
    let mut proactive = Map::new();
    for (item, row) in table_a::rows(format) {
        let v = match item.shape {
            table_a::Shape::Scalar(_) => Json::Null,
            table_a::Shape::Object(fields) => {
                Json::Object(fields.iter().map(|f| (f.key.to_string(), Json::Null)).collect())
            }
        };
        proactive.insert(row.key.to_string(), v);
    }
    let width = table_b::APPLICANTS.parts.len() + 1;
    let mut applications = Map::new();
    for line in table_b::lines(format) {
        model::insert(&mut applications, line.path, json!(vec![Json::Null; width]));
    }
    if let Some(last) = last_year {
        let lines = table_b::lines(last.version);
        if let Some(i) = lines.iter().position(|l| l.role == table_b::LineRole::CarriedForward) {
            let carried: Vec<Json> = last.applications.printed(last.version, i).into_iter().map(|v| json!(v)).collect();
            applications.insert("carried_over".into(), Json::Array(carried));
        }
    }
    let review: Map<String, Json> = table_c::GROUPS
        .iter()
        .map(|g| (g.key.to_string(), json!(vec![Json::Null; table_c::OUTCOMES.parts.len() + 1])))
        .collect();
    json!({
        "format": format.as_str(),
        "year": year,
        "agency": agency,
        "overview": [],
        "proactive": proactive,
        "applications": applications,
        "review_litigation": review,
        "problems": [],
        "other_matters": [],
    })
}

/// Writes `text` as `name` in `dir`, in the contract's canonical form,
/// atomically, unless the file changed on disk since `opened` (its
/// version when the writer opened it; `None` for a new file, which must
/// not exist yet). Returns the new version.
pub fn save(dir: &Path, name: &str, text: &str, opened: Option<&str>) -> Result<String, SaveError> {
    let path = report_path(dir, name).ok_or(SaveError::Name)?;
    let report = model::parse_str(text).map_err(|e| SaveError::Invalid(e.to_string()))?;
    let current = std::fs::read(&path).ok();
    match (&current, opened) {
        (Some(bytes), Some(v)) if version(bytes) != v => return Err(SaveError::Changed),
        (Some(_), None) => return Err(SaveError::Exists),
        (None, Some(_)) => return Err(SaveError::Changed),
        _ => {}
    }
    let canonical = model::to_json_text(&report);
    crate::write::write_atomic(&path, canonical.as_bytes()).map_err(|e| SaveError::Io(e.to_string()))?;
    if let Some(draft) = draft_path(dir, name) {
        let _ = std::fs::remove_file(draft);
    }
    Ok(version(canonical.as_bytes()))
}

/// Why a save did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("文件名只能是一个不以点开头、以 .json 结尾的名字")]
    Name,
    #[error("内容还不是一份完整的报告：{0}")]
    Invalid(String),
    #[error("文件在打开后被别处改过，没有覆盖；请另存为其他名字")]
    Changed,
    #[error("已有同名文件，没有覆盖；请换一个名字")]
    Exists,
    #[error("无法写入：{0}")]
    Io(String),
}
