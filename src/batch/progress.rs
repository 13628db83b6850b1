//! Progress for people: a bar with counts, rate and ETA on a terminal, one
//! line per report otherwise (logs, CI), nothing with `--quiet`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Record;
use crate::pipeline::Verdict;

pub enum Progress {
    Bar(ProgressBar),
    Lines { total: usize, done: AtomicUsize },
    Quiet,
}

impl Progress {
    /// The kind of progress that suits standard error.
    pub fn for_stderr(total: usize, quiet: bool) -> Progress {
        if quiet {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} 份 · {per_sec} · 剩余约 {eta} {msg}")
                    .expect("valid template"),
            );
            Progress::Bar(bar)
        } else {
            Progress::Lines { total, done: AtomicUsize::new(0) }
        }
    }

    pub fn done(&self, record: &Record) {
        let status = match record.status {
            Verdict::Rendered => "完成",
            Verdict::Refused => "拒绝",
            Verdict::Failed => "失败",
        };
        match self {
            Progress::Bar(bar) => {
                bar.inc(1);
                if record.status != Verdict::Rendered {
                    bar.println(format!("{status} {}：{}", record.path, record.reason.as_deref().unwrap_or("")));
                }
            }
            Progress::Lines { total, done } => {
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                eprintln!("[{n}/{total}] {status} {} ({} ms)", record.path, record.time_ms);
            }
            Progress::Quiet => {}
        }
    }

    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
