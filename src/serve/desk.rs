//! What the writer's desk does with a report, apart from HTTP: list the
//! reports of a folder, open one, check it as it is typed (findings by
//! JSON path, the layout's grids and the official headings to draw the
//! form from), preview its pages as SVG, fill its blank totals, start a
//! new one, save it and its drafts, export and import. Every function
//! takes plain arguments and answers a [`DeskError`]; the files it reads
//! or writes are regular files directly in the folder, never through a
//! link.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Condvar, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};

use super::DeskError;
use crate::check::Severity;
use crate::fonts::Fonts;
use crate::form::proactive::{self, Kind};
use crate::form::{self, Version};
use crate::format::Format;
use crate::import::{self, Source};
use crate::layout::{self, Document, Element};
use crate::model::limits::MAX_INPUT_BYTES;
use crate::model::{self, Report};
use crate::pipeline;
use crate::pipeline::Plan;
use crate::render::Rendered;

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

/// The reports (`*.json`) of a folder, by name: regular files only, not
/// what a symbolic link points at.
pub fn list(dir: &Path) -> Result<Vec<Listed>, DeskError> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
        if report_path(dir, &name).is_none() || !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let read = read_plain(&path, &name)
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

/// A regular file's bytes, opened without following a symbolic link and
/// no larger than the contract's 2 MiB; `name` is what messages call it.
/// A FIFO or a device is refused at once (opened without blocking, then
/// checked on the opened file), and a file over the limit is refused by
/// its size, unread.
fn read_plain(path: &Path, name: &str) -> Result<Vec<u8>, DeskError> {
    let file = open_no_follow(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => DeskError::NotFound(name.into()),
        _ if is_link_error(&e) => DeskError::NotAFile(name.into()),
        _ => DeskError::Internal(format!("{name} 读不了：{e}")),
    })?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(DeskError::NotAFile(name.into()));
    }
    let too_large = || DeskError::FileTooLarge(name.into());
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Opens for reading; a symbolic link as the last part of the path is an
/// error, and a FIFO does not block the open.
#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other("symbolic link"));
    }
    std::fs::File::open(path)
}

/// Whether an open failed because the path is a symbolic link.
fn is_link_error(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    return e.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    return e.kind() == std::io::ErrorKind::Other;
}

/// The bytes of a file about to be replaced: `None` when there is none;
/// refused when the name is a link or anything but a regular file, so
/// that a save never writes through it nor replaces it.
fn current(path: &Path, name: &str) -> Result<Option<Vec<u8>>, DeskError> {
    match read_plain(path, name) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(DeskError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A report of the folder, as the page opens it.
#[derive(Debug, Serialize)]
pub struct Opened {
    pub name: String,
    pub text: String,
    /// What a save names to say which file it replaces (`version`).
    pub version: String,
    /// The autosaved draft, if there is one.
    pub draft: Option<String>,
}

/// Opens report `name` of `dir`, with its draft if there is one.
pub fn open(dir: &Path, name: &str) -> Result<Opened, DeskError> {
    let path = report_path(dir, name).ok_or(DeskError::Name)?;
    let bytes = read_plain(&path, name)?;
    let draft =
        draft_path(dir, name).and_then(|d| read_plain(&d, name).ok()).map(|b| String::from_utf8_lossy(&b).into_owned());
    Ok(Opened {
        name: name.into(),
        text: String::from_utf8_lossy(&bytes).into_owned(),
        version: version(&bytes),
        draft,
    })
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
pub struct FormFinding {
    pub path: String,
    pub refusal: bool,
    /// Only says a rule was left unchecked for blank cells.
    pub blank: bool,
    pub place: String,
    pub message: String,
}

/// What the form needs after every edit.
#[derive(Debug, Serialize)]
pub struct FormState {
    /// The report in canonical form (rows as arrays): what the form edits.
    pub report: Json,
    pub findings: Vec<FormFinding>,
    /// The layout: the tables' grids to draw the form from.
    pub document: Document,
    /// The kind of each table value, by JSON path: count, signed, amount.
    pub kinds: Map<String, Json>,
    /// The parts of the report the form edits, in document order, with
    /// their official titles.
    pub parts: Vec<FormPart>,
}

/// A part of the report as the form shows it.
#[derive(Clone, Debug, Serialize)]
pub struct FormPart {
    /// Its JSON key at the top of the report.
    pub key: &'static str,
    /// Its official title: for a section, the heading the layout prints.
    pub title: &'static str,
    /// What the form edits it as: a one-line `field`, `prose` blocks, or
    /// a `table` (with the prose before and after it).
    pub kind: FormPartKind,
    /// Whether `title` prints as a section heading.
    pub heading: bool,
}

/// How the form edits a part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FormPartKind {
    Field,
    Prose,
    Table,
    /// The 落款: the agency and the date, printed at the right after 六.
    Signature,
}

/// The parts the form edits, in document order: the form's own fields,
/// the prose parts and the three tables, titled from [`form::PARTS`] and,
/// for the sections with a table, [`form::TABLE_SECTIONS`] — what the
/// layout prints.
pub fn parts() -> Vec<FormPart> {
    form::PARTS
        .iter()
        .filter_map(|p| {
            let (title, kind) = match p.key {
                "year" | "agency" | "title" => (p.label, FormPartKind::Field),
                "preamble" | "overview" | "problems" | "other_matters" => (p.label, FormPartKind::Prose),
                "signature" => (p.label, FormPartKind::Signature),
                key => (form::TABLE_SECTIONS.iter().find(|(k, _)| *k == key)?.1, FormPartKind::Table),
            };
            Some(FormPart { key: p.key, title, kind, heading: form::SECTIONS.contains(&title) })
        })
        .collect()
}

/// Checks a report's JSON text as typed.
pub fn check(text: &str, fonts: &Fonts) -> Result<FormState, DeskError> {
    // Parsed once, and checked in the canonical form the form edits (rows
    // as arrays), so that findings and the grid's cells name the same JSON
    // paths.
    let report = model::parse_str(text)?.canonical();
    let checked = pipeline::Checked::new(report, Source::Json, None);
    let report_json = model::to_json(&checked.report);
    let prepared = checked.prepare(fonts);
    let findings = prepared
        .findings
        .iter()
        .chain(prepared.glyph_findings())
        .map(|l| FormFinding {
            path: l.finding.path.clone(),
            refusal: l.finding.severity == Severity::Refusal,
            blank: l.finding.blank,
            place: l.finding.place.clone(),
            message: l.finding.message.clone(),
        })
        .collect();
    let kinds = kinds(&prepared.report);
    Ok(FormState { report: report_json, findings, document: prepared.document, kinds, parts: parts() })
}

/// The kind of every table value of a report, by its JSON path.
fn kinds(report: &Report) -> Map<String, Json> {
    let mut out = Map::new();
    for (item, row) in proactive::rows(report.proactive.version) {
        match item.shape {
            proactive::Shape::Scalar(f) => {
                out.insert(format!("/proactive/{}", row.key), json!(kind_name(f.kind)));
            }
            proactive::Shape::Object(fields) => {
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

/// The most pages one preview answer holds: a long report's pages are
/// sent a few at a time (a 200-page report as SVG is hundreds of MB).
pub const PREVIEW_PAGES: usize = 5;

/// Which pages a preview asks for.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub struct PageRange {
    /// The first page (from 0).
    pub from: Option<usize>,
    /// The page after the last (at most [`PREVIEW_PAGES`] after `from`).
    pub to: Option<usize>,
}

/// A window of a report's pages, as the page viewer shows it.
#[derive(Debug, Serialize)]
pub struct Preview {
    /// How many pages the report has.
    pub count: usize,
    /// The page that shows the focus, if it was asked for and prints.
    pub focus: Option<usize>,
    /// At most [`PREVIEW_PAGES`] pages, in order.
    pub pages: Vec<PreviewPage>,
}

/// One page of a preview.
#[derive(Debug, Serialize)]
pub struct PreviewPage {
    /// Its place in the report, from 0.
    pub index: usize,
    pub svg: String,
}

/// A window of a report's pages as SVG: around the page that shows
/// `focus` (a JSON path the writer just edited; two pages either side)
/// when it prints; else the pages of `range` (at most
/// [`PREVIEW_PAGES`]); else the first ones. The whole report is
/// typeset, only the window is drawn.
pub fn preview_pages(text: &str, focus: Option<&str>, range: PageRange, fonts: &Fonts) -> Result<Preview, DeskError> {
    let checked = pipeline::read_json(text.as_bytes())?;
    let doc = layout::build(&checked.report);
    let paged = crate::pdf::typeset(&doc, fonts).map_err(|e| DeskError::invalid(e.to_string()))?;
    let count = paged.pages().len();
    let needle = focus.and_then(|f| landmark(&doc, f));
    let focus = needle.and_then(|n| {
        paged.pages().iter().position(|p| {
            let mut text = String::new();
            frame_text(&p.frame, &mut text);
            text.contains(&n)
        })
    });
    let window = match (focus, range.from) {
        (Some(page), _) => {
            let end = (page.saturating_sub(PREVIEW_PAGES / 2) + PREVIEW_PAGES).min(count);
            end.saturating_sub(PREVIEW_PAGES)..end
        }
        (None, Some(from)) => {
            let from = from.min(count);
            let to = range.to.unwrap_or(usize::MAX).min(from.saturating_add(PREVIEW_PAGES)).min(count);
            from..to.max(from)
        }
        (None, None) => 0..PREVIEW_PAGES.min(count),
    };
    let options = typst_svg::SvgOptions::default();
    let pages =
        window.map(|index| PreviewPage { index, svg: typst_svg::svg(&paged.pages()[index], &options) }).collect();
    Ok(Preview { count, focus, pages })
}

/// The pages the desk sends after an edit at `focus` (see
/// [`preview_pages`]) as SVG, and the page (from 0, in the report) that
/// shows `focus`.
pub fn preview(text: &str, focus: Option<&str>, fonts: &Fonts) -> Result<(Vec<String>, Option<usize>), DeskError> {
    let preview = preview_pages(text, focus, PageRange::default(), fonts)?;
    Ok((preview.pages.into_iter().map(|p| p.svg).collect(), preview.focus))
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

/// A new report's JSON text, as the new-report form asks for it: the
/// template `format` (`2019`, `2021`, or blank for the year's), and, when
/// `from` names last year's report of the same agency in `dir`, its
/// 四、结转下年度继续办理 as this year's 二、上年结转.
pub fn create(
    dir: &Path,
    agency: &str,
    year: i64,
    format: Option<&str>,
    from: Option<&str>,
) -> Result<String, DeskError> {
    let format = template(format, year)?;
    let last = match from.filter(|f| !f.is_empty()) {
        None => None,
        Some(from) => {
            let path = report_path(dir, from).ok_or(DeskError::Name)?;
            let bytes = read_plain(&path, from)?;
            Some(model::parse_bytes(&bytes).map_err(|e| DeskError::Invalid {
                message: format!("{from} 读不了：{}", e.message),
                path: Some(e.path),
                line: Some(e.line),
                column: Some(e.column),
            })?)
        }
    };
    let report = model::blank(agency.trim(), year, format, last.as_ref(), None);
    Ok(serde_json::to_string_pretty(&report).expect("JSON serializes"))
}

/// The template a new report of `year` is written in: `format` as the
/// form names it (`2019`, `2021`), or the year's when blank.
pub fn template(format: Option<&str>, year: i64) -> Result<Version, DeskError> {
    match format.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(Version::for_year(year)),
        Some(f) => Version::parse(f)
            .ok_or_else(|| DeskError::request_at("/format", format!("模板版本只能是 2019 或 2021，不是“{f}”"))),
    }
}

/// The names being written: a save or a draft of a report holds its name
/// from reading the version on disk to the rename, so two saves of one
/// report never both pass the version check, and a draft checked before
/// a save is written before it, or refused after it. Other reports are
/// not held up.
#[derive(Debug, Default)]
pub struct Writing {
    busy: Mutex<HashSet<String>>,
    freed: Condvar,
}

/// A report's name, held until dropped.
pub struct Held<'a> {
    writing: &'a Writing,
    name: String,
}

impl Writing {
    /// Waits until no one writes `name`, then holds it.
    pub fn hold(&self, name: &str) -> Held<'_> {
        let mut busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        while busy.contains(name) {
            busy = self.freed.wait(busy).unwrap_or_else(PoisonError::into_inner);
        }
        busy.insert(name.to_string());
        Held { writing: self, name: name.to_string() }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.writing.busy.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.name);
        self.writing.freed.notify_all();
    }
}

/// Writes `text` as `name` in `dir`, in the contract's canonical form,
/// atomically (flushed to disk, then renamed into place), unless the file
/// changed on disk since `opened` (its version when the writer opened
/// it; `None` for a new file, which must not exist yet). A name that is a
/// symbolic link is refused, neither written through nor replaced. The
/// draft of `name` is removed. Returns the new version.
///
/// The text is parsed first; then `name` is held in `writing` while the
/// file on disk is read and its version compared, the new file renamed
/// into place and the draft removed.
pub fn save(dir: &Path, writing: &Writing, name: &str, text: &str, opened: Option<&str>) -> Result<String, DeskError> {
    let path = report_path(dir, name).ok_or(DeskError::Name)?;
    let canonical = model::to_json_text(&model::parse_str(text)?);
    let _held = writing.hold(name);
    same_version(current(&path, name)?.as_deref(), opened)?;
    crate::write::write_atomic(&path, canonical.as_bytes())
        .map_err(|e| DeskError::Internal(format!("{name} 无法写入：{e}")))?;
    if let Some(draft) = draft_path(dir, name) {
        match std::fs::remove_file(draft) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(DeskError::Internal(format!("已保存，但草稿无法删除：{e}")));
            }
            _ => {}
        }
    }
    Ok(version(canonical.as_bytes()))
}

/// Whether the file on disk (`current`) is the one the page has
/// (`opened`): both absent, or the same version.
fn same_version(current: Option<&[u8]>, opened: Option<&str>) -> Result<(), DeskError> {
    match (current, opened) {
        (Some(bytes), Some(v)) if version(bytes) != v => Err(DeskError::Changed),
        (Some(_), None) => Err(DeskError::Exists),
        (None, Some(_)) => Err(DeskError::Changed),
        _ => Ok(()),
    }
}

/// Autosaves `text` (whatever its state) as the draft of `name`, flushed
/// to disk, unless the report is no longer at `opened`, the version the
/// page has (`None` for a report not saved yet): a draft that arrives
/// after a save does not come back to life. `name` is held in `writing`
/// from the version check to the rename, as a save holds it.
pub fn save_draft(
    dir: &Path,
    writing: &Writing,
    name: &str,
    text: &str,
    opened: Option<&str>,
) -> Result<(), DeskError> {
    let report = report_path(dir, name).ok_or(DeskError::Name)?;
    let draft = draft_path(dir, name).ok_or(DeskError::Name)?;
    let _held = writing.hold(name);
    same_version(current(&report, name)?.as_deref(), opened).map_err(|_| DeskError::StaleDraft)?;
    match std::fs::symlink_metadata(&draft) {
        Ok(m) if !m.is_file() => return Err(DeskError::NotAFile(format!(".{name}.draft"))),
        _ => {}
    }
    crate::write::write_atomic(&draft, text.as_bytes()).map_err(|e| DeskError::Internal(format!("草稿无法写入：{e}")))
}

/// The report with one of the model's edits made — its blank totals filled
/// ([`model::fill_totals`], 补全合计) or its blanks made 0
/// ([`model::zero_blanks`], 空白补零) — as canonical JSON text.
pub fn edited(text: &str, edit: fn(&mut Report)) -> Result<String, DeskError> {
    let mut report = model::parse_str(text)?;
    edit(&mut report);
    Ok(model::to_json_text(&report))
}

/// What the page can download.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum ExportFormat {
    Pdf,
    Docx,
    Html,
    Json,
}

impl TryFrom<String> for ExportFormat {
    type Error = String;

    fn try_from(s: String) -> Result<ExportFormat, String> {
        match s.as_str() {
            "pdf" => Ok(ExportFormat::Pdf),
            "docx" => Ok(ExportFormat::Docx),
            "html" => Ok(ExportFormat::Html),
            "json" => Ok(ExportFormat::Json),
            _ => Err(format!("不能下载“{s}”格式：只能是 pdf、docx、html 或 json")),
        }
    }
}

impl ExportFormat {
    /// The output format it renders as.
    pub fn format(self) -> Format {
        match self {
            ExportFormat::Pdf => Format::Pdf,
            ExportFormat::Docx => Format::Docx,
            ExportFormat::Html => Format::Html,
            ExportFormat::Json => Format::Json,
        }
    }
}

/// The report's text rendered for download: its media type and bytes.
/// A report the checks refuse is refused unless `allow_inconsistent`
/// (the writer confirmed); a character no font has is refused whatever.
pub fn export(
    text: &str,
    format: ExportFormat,
    allow_inconsistent: bool,
    fonts: &Fonts,
) -> Result<(&'static str, Vec<u8>), DeskError> {
    let format = format.format();
    let plan = Plan { formats: vec![format], allow_inconsistent, ..Plan::default() };
    let outcome = pipeline::run(text.as_bytes(), Source::Json, &plan, fonts);
    // Keep recent memo entries only, as the preview does.
    typst::comemo::evict(10);
    match outcome.outputs?.pop() {
        Some((_, Rendered::File(bytes))) => Ok((format.mime(), bytes)),
        _ => Err(DeskError::Internal("文件夹不能下载".into())),
    }
}

/// A published report (web page, text, Word, PDF, by `file`'s extension)
/// imported: its JSON text and the reader that read it. Stops once
/// `cancel` is set.
pub fn import(file: &str, bytes: &[u8], cancel: &AtomicBool) -> Result<(String, &'static str), DeskError> {
    let source = Source::of(Path::new(file));
    let imported = import::read_until(bytes, source, cancel).map_err(|e| DeskError::invalid(format!("{file}：{e}")))?;
    Ok((model::to_json_text(&imported.report), source.name()))
}
