//! Batch regeneration: many reports on all cores, one bad report never
//! stopping the others, every output written atomically, and a summary of
//! what happened to each input.
//!
//! Two passes: every input is read and checked (in parallel), the reports
//! of the same agency in consecutive years are compared, then every
//! accepted report is laid out and rendered (in parallel). Fonts are parsed
//! once per process and shared; Typst's caches are emptied after each
//! document so memory stays flat.

mod continuity;

pub use continuity::{carried, findings as carried_over};
mod progress;

pub use progress::Progress;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::fonts::Fonts;
use crate::import::Source;
use crate::pipeline::{self, Checked, Plan, ReadError, Verdict};
use crate::render::Rendered;
use crate::write::{self, Staged};

/// What the batch was asked to do.
pub struct Job {
    /// What to make of each input.
    pub plan: Plan,
    pub jobs: usize,
    /// Cross-year mismatches refuse instead of noting.
    pub strict: bool,
    /// The share (percent) of last year's text repeated from which a note
    /// is given ([`crate::repeats`]).
    pub repeat_threshold: u32,
}

/// One input file and where its outputs go, relative to the output folder.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub path: PathBuf,
    pub relative: PathBuf,
}

/// The inputs without the check that their outputs do not collide (for
/// commands that write one output for all, such as `sum`).
pub fn find(paths: &[PathBuf]) -> std::io::Result<Vec<Found>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, path, &mut out)?;
        } else if path.is_file() {
            let name = path.file_name().map(PathBuf::from).unwrap_or_default();
            out.push(Found { path: path.clone(), relative: name });
        } else {
            return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{} 不存在", path.display())));
        }
    }
    out.sort_by(|a, b| (&a.relative, &a.path).cmp(&(&b.relative, &b.path)));
    out.dedup();
    Ok(out)
}

/// Finds the inputs: files as given, directories searched recursively for
/// every kind a report is read from (`*.json`, saved pages, texts, Word
/// files, PDFs), leaving out what lies in the output folder; sorted by
/// relative path, so every run sees the same order.
pub fn collect(paths: &[PathBuf], outputs: &Path) -> std::io::Result<Collected> {
    let mut out = find(paths)?;
    // Outputs written into a folder that is also searched for inputs are
    // not inputs of the next run.
    if let Ok(outputs) = outputs.canonicalize() {
        out.retain(|i| i.path.canonicalize().map_or(true, |p| !p.starts_with(&outputs)));
    }
    // Where a report's JSON has files of its name beside it (the PDF and
    // DOCX `render` wrote there), the JSON is the data and they are its
    // outputs: passed over, and said so.
    let json_stems: std::collections::HashSet<PathBuf> =
        out.iter().filter(|i| Source::of(&i.path) == Source::Json).map(|i| i.relative.with_extension("")).collect();
    let (out, passed_over): (Vec<Found>, Vec<Found>) = out
        .into_iter()
        .partition(|i| Source::of(&i.path) == Source::Json || !json_stems.contains(&i.relative.with_extension("")));
    let passed_over = passed_over.into_iter().map(|i| i.path).collect();
    // Two different files with one relative path but for the extension
    // (`a.html` and `a.pdf`) would write one output.
    let mut stems: Vec<(PathBuf, &Found)> = out.iter().map(|i| (i.relative.with_extension(""), i)).collect();
    stems.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(pair) = stems
        .windows(2)
        .map(|w| [w[0].1, w[1].1])
        .find(|[a, b]| a.relative.with_extension("") == b.relative.with_extension(""))
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!(
                "{} 和 {} 会写到同一个输出 {}；请分批处理或改名",
                pair[0].path.display(),
                pair[1].path.display(),
                pair[0].relative.display()
            ),
        ));
    }
    Ok(Collected { found: out, passed_over })
}

/// The inputs of a batch, and the files passed over as the outputs of a
/// report's JSON beside them.
pub struct Collected {
    pub found: Vec<Found>,
    pub passed_over: Vec<PathBuf>,
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Found>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        // A link to a folder is not followed: it may lead back up (`ln -s .
        // loop` gave 41 copies of every output) or out of the tree given.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(root, &path, out)?;
        } else if (kind.is_file() || kind.is_symlink() && path.is_file())
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| Source::EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            out.push(Found { path, relative });
        }
    }
    Ok(())
}

/// The `index`-th (1-based) of `count` deterministic slices of a sorted
/// input list: every `count`-th input, starting at `index`.
pub fn shard<T>(inputs: Vec<T>, index: usize, count: usize) -> Vec<T> {
    inputs.into_iter().enumerate().filter(|(i, _)| i % count == index - 1).map(|(_, x)| x).collect()
}

/// The summary record of one input.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub path: String,
    /// The reader that read it: json, html, text, docx or pdf.
    pub reader: &'static str,
    pub agency: Option<String>,
    pub year: Option<i64>,
    /// The door's verdict, or `failed` when an output could not be put
    /// in place.
    pub status: Verdict,
    /// Why it was refused or failed, if it was.
    pub reason: Option<String>,
    /// Every finding, refusals and notes, as printed.
    pub findings: Vec<String>,
    pub outputs: Vec<String>,
    /// Wall time spent on this input, milliseconds.
    pub time_ms: u64,
}

/// The whole batch.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub rendered: usize,
    pub refused: usize,
    pub failed: usize,
    pub records: Vec<Record>,
}

impl Summary {
    /// Whether every input rendered.
    pub fn all_rendered(&self) -> bool {
        self.refused == 0 && self.failed == 0
    }
}

/// What the first pass made of an input: a checked report, or why not.
type FirstPass = Result<Checked, ReadError>;

/// Runs `work` over `0..n` on `jobs` threads, each taking the next index.
///
/// Plain threads, not rayon's pool: Typst and krilla use rayon inside, and
/// an outer rayon task waiting on inner ones steals further reports, so up
/// to all of them are in flight at once (84 real reports: 7 % faster but a
/// peak of 605 MB instead of 97 MB). One long-lived rayon task per worker
/// avoids that but measured no faster than these threads (84 real reports,
/// eight interleaved runs: 2.06 s against 1.99 s, medians).
fn parallel<T: Send>(n: usize, jobs: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, n.max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let value = work(i);
                results.lock().expect("no worker panics holding the lock")[i] = Some(value);
            });
        }
    });
    results.into_inner().expect("workers done").into_iter().map(|r| r.expect("every index ran")).collect()
}

/// Renders every input into `out_dir`, mirroring the inputs' relative paths.
pub fn run(inputs: &[Found], out_dir: &Path, job: &Job, fonts: &Fonts, progress: &Progress) -> Summary {
    // Pass 1: read and check.
    let mut checked: Vec<(FirstPass, Duration)> = parallel(inputs.len(), job.jobs, |i| {
        let start = Instant::now();
        (pipeline::read_path(&inputs[i].path), start.elapsed())
    });
    // Across years.
    let reports = checked.iter().enumerate().filter_map(|(i, c)| c.0.as_ref().ok().map(|c| (i, &c.report)));
    let mut across = continuity::findings(reports.clone(), job.strict);
    across.extend(continuity::repeats(reports, job.repeat_threshold));
    for (i, finding) in across {
        if let Ok(c) = &mut checked[i].0 {
            c.add(finding);
        }
    }
    // Pass 2: lay out, render, write. Files are committed (flushed to disk,
    // renamed into place) by one thread beside the workers, which go on to
    // the next report meanwhile; a file that fails to commit fails its
    // report once all is done.
    let checked: Vec<Mutex<Option<_>>> = checked.into_iter().map(|c| Mutex::new(Some(c))).collect();
    let failed_commits: Mutex<Vec<(usize, String, std::io::Error)>> = Mutex::new(Vec::new());
    let (commits, to_commit) = std::sync::mpsc::channel::<(usize, Staged)>();
    let mut records = std::thread::scope(|scope| {
        scope.spawn(|| {
            for (i, staged) in to_commit {
                let target = staged.target().display().to_string();
                if let Err(e) = staged.commit() {
                    failed_commits.lock().expect("unpoisoned").push((i, target, e));
                }
            }
        });
        let records = render_all_inputs(inputs, &checked, out_dir, job, fonts, progress, &commits);
        drop(commits);
        records
    });
    for (i, target, e) in failed_commits.into_inner().expect("unpoisoned") {
        let record = &mut records[i];
        record.status = Verdict::Failed;
        record.reason = Some(format!("无法写入 {target}：{}", crate::io_error::describe(&e)));
        record.outputs.retain(|written| *written != target);
    }
    progress.finish();
    let count = |s: Verdict| records.iter().filter(|r| r.status == s).count();
    Summary {
        rendered: count(Verdict::Rendered),
        refused: count(Verdict::Refused),
        failed: count(Verdict::Failed),
        records,
    }
}

/// Pass 2 over every input on the workers; each staged file is sent to
/// `commits` with its input's index.
fn render_all_inputs(
    inputs: &[Found],
    checked: &[Mutex<Option<(FirstPass, Duration)>>],
    out_dir: &Path,
    job: &Job,
    fonts: &Fonts,
    progress: &Progress,
    commits: &std::sync::mpsc::Sender<(usize, Staged)>,
) -> Vec<Record> {
    parallel(inputs.len(), job.jobs, |i| {
        let (taken, first_pass) = checked[i].lock().expect("unpoisoned").take().expect("each input once");
        let start = Instant::now();
        let mut record = render_one(&inputs[i], taken, out_dir, job, fonts, &|staged| {
            // The receiver lives until every worker is done.
            let _ = commits.send((i, staged));
        });
        // Empty Typst's memo caches after every report: memory stays flat,
        // and keeping entries for the next reports costs more (hashing,
        // sweeping) than their hits save — 200 generated reports took
        // 9.2–10.5 s keeping ten reports' worth, 7.4–8.8 s keeping none; 84
        // real ones 2.59 s keeping ten (163 MB), 2.60 s keeping none (97 MB),
        // 2.74 s emptying every eighth report.
        typst::comemo::evict(0);
        record.time_ms = (first_pass + start.elapsed()).as_millis() as u64;
        progress.done(&record);
        record
    })
}

fn render_one(
    input: &Found,
    checked: FirstPass,
    out_dir: &Path,
    job: &Job,
    fonts: &Fonts,
    commit: &dyn Fn(Staged),
) -> Record {
    let outcome = pipeline::finish(checked, &job.plan, fonts);
    let mut record = Record {
        path: input.path.display().to_string(),
        reader: Source::of(&input.path).name(),
        agency: outcome.report.as_ref().map(|r| r.agency.clone()),
        year: outcome.report.as_ref().map(|r| r.year),
        status: outcome.verdict(),
        reason: None,
        findings: outcome.findings.iter().map(ToString::to_string).collect(),
        outputs: Vec::new(),
        time_ms: 0,
    };
    let outputs = match outcome.outputs {
        Ok(outputs) => outputs,
        Err(stop) => return Record { reason: Some(stop.to_string()), ..record },
    };
    let mut staged = Vec::new();
    for (format, rendered) in outputs {
        let path = out_dir.join(&input.relative).with_extension(format.extension());
        let written = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| match &rendered {
            Rendered::File(bytes) => write::stage(&path, bytes).map(|s| staged.push(s)),
            Rendered::Folder(_) => write::put(&path, &rendered),
        });
        if let Err(e) = written {
            // What was written before stays written, as it always has.
            staged.into_iter().for_each(commit);
            return Record {
                status: Verdict::Failed,
                reason: Some(format!("无法写入 {}：{}", path.display(), crate::io_error::describe(&e))),
                ..record
            };
        }
        record.outputs.push(path.display().to_string());
    }
    staged.into_iter().for_each(commit);
    record
}
