//! The command line resolved once into what to do: which formats go where,
//! what the door is asked for, which fonts to load. Every usage error about
//! how arguments fit together is found here, before anything is read.

use std::path::{Path, PathBuf};

use nianbao::batch::Job;
use nianbao::format::Format;
use nianbao::pipeline::Plan;
use nianbao::write;

use crate::args::{Command, FontArgs, OfficeAction, OfficeDb, Output, RenderArgs};
use crate::error::Error;

/// One command, resolved.
pub enum Task {
    Render(RenderTask),
    Check(CheckTask),
    Batch(BatchTask),
    Import(ImportTask),
    Serve(ServeTask),
    Office(OfficeTask),
    Sum(SumTask),
    New(NewTask),
    Schema,
    Example { count: usize, seed: u64, dir: PathBuf },
}

/// `new`: a blank report to start from.
pub struct NewTask {
    pub agency: String,
    pub year: i64,
    pub format: nianbao::form::Version,
    pub from: Option<PathBuf>,
    pub date: Option<String>,
    pub output: PathBuf,
}

/// `render`: one input, each format to its own target.
pub struct RenderTask {
    pub input: PathBuf,
    /// Where each of the plan's formats goes, in its order.
    pub targets: Vec<Output>,
    pub plan: Plan,
    pub fonts: FontArgs,
}

/// `check`: one input judged as every format would, against last year's.
pub struct CheckTask {
    pub input: PathBuf,
    pub previous: Option<PathBuf>,
    pub repeat_threshold: u32,
    pub fonts: FontArgs,
}

/// `batch`: many inputs into one folder.
pub struct BatchTask {
    pub inputs: Vec<PathBuf>,
    pub out_dir: PathBuf,
    pub job: Job,
    pub shard: Option<(usize, usize)>,
    pub summary: Option<PathBuf>,
    pub quiet: bool,
    pub fonts: FontArgs,
}

/// `import`: a published report into the contract's JSON.
pub struct ImportTask {
    pub input: PathBuf,
    pub target: Output,
    pub explain: bool,
}

/// `serve`: the writer's desk.
pub struct ServeTask {
    pub config: nianbao::serve::Config,
    pub no_browser: bool,
    pub fonts: FontArgs,
}

/// `office`: the office's desk, or its setup.
pub enum OfficeTask {
    Serve { config: nianbao::office::Config, fonts: FontArgs },
    Init { db: PathBuf, login: String, name: String },
    Backup { db: PathBuf, out: PathBuf },
}

/// `sum`: many reports added up.
pub struct SumTask {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub agency: String,
    pub roster: Option<PathBuf>,
    pub compare: Option<PathBuf>,
    pub sheet: Option<PathBuf>,
    pub allow_inconsistent: bool,
}

impl TryFrom<Command> for Task {
    type Error = Error;

    fn try_from(command: Command) -> Result<Task, Error> {
        Ok(match command {
            Command::Render { report, output, render } => Task::Render(render_task(report, output, render)?),
            Command::Check { report, fonts, previous, repeat_threshold } => {
                Task::Check(CheckTask { input: report, previous, repeat_threshold, fonts })
            }
            Command::Batch { inputs, output, jobs, shard, strict, summary, quiet, repeat_threshold, render } => {
                let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
                let plan = plan(&render, formats(&render, None)?);
                Task::Batch(BatchTask {
                    inputs,
                    out_dir: output,
                    job: Job { plan, jobs, strict, repeat_threshold },
                    shard,
                    summary,
                    quiet,
                    fonts: render.fonts,
                })
            }
            Command::Import { file, output, explain } => {
                let target = output.unwrap_or_else(|| Output::Path(file.with_extension("json")));
                if let Output::Path(target) = &target {
                    not_the_input(&file, target)?;
                }
                Task::Import(ImportTask { input: file, target, explain })
            }
            Command::Serve { dir, listen, no_browser, fonts } => {
                Task::Serve(ServeTask { config: nianbao::serve::Config { dir, listen }, no_browser, fonts })
            }
            Command::Office { action, db: OfficeDb { db }, listen, public_url, fonts } => Task::Office(match action {
                None => OfficeTask::Serve { config: nianbao::office::Config { db, listen, public_url }, fonts },
                Some(OfficeAction::Init { name, login }) => {
                    OfficeTask::Init { db, name: name.unwrap_or_else(|| login.clone()), login }
                }
                Some(OfficeAction::Backup { out }) => OfficeTask::Backup { db, out },
            }),
            Command::Sum { inputs, output, agency, roster, compare, sheet, allow_inconsistent } => {
                Task::Sum(SumTask { inputs, output, agency, roster, compare, sheet, allow_inconsistent })
            }
            Command::New { agency, year, format, from, date, output } => {
                let format = match format.as_deref().map(str::trim) {
                    None => nianbao::form::Version::for_year(year),
                    Some(f) => nianbao::form::Version::parse(f)
                        .ok_or_else(|| Error::usage(format!("--format 只能是 2019 或 2021，不是“{f}”")))?,
                };
                Task::New(NewTask { agency, year, format, from, date, output })
            }
            Command::Schema => Task::Schema,
            Command::Example { count, seed, output } => Task::Example { count, seed, dir: output },
        })
    }
}

fn plan(args: &RenderArgs, formats: Vec<Format>) -> Plan {
    Plan { formats, allow_inconsistent: args.allow_inconsistent, settings: args.into(), judge_only: false }
}

fn render_task(input: PathBuf, output: Option<Output>, args: RenderArgs) -> Result<RenderTask, Error> {
    let named = match &output {
        Some(Output::Path(path)) => {
            not_the_input(&input, path)?;
            Some(path.as_path())
        }
        _ => None,
    };
    let formats = formats(&args, named)?;
    let targets = targets(&input, output.as_ref(), &formats)?;
    Ok(RenderTask { input, targets, plan: plan(&args, formats), fonts: args.fonts })
}

/// The formats asked for, else the one `output`'s extension names, else
/// PDF. An extension that names no format, or another format than the one
/// asked for, is a usage error: writing a PDF named `report.xlsx` helps
/// nobody.
fn formats(args: &RenderArgs, output: Option<&Path>) -> Result<Vec<Format>, Error> {
    let mut formats: Vec<Format> = args.formats.iter().map(|&f| f.into()).collect();
    formats.sort();
    formats.dedup();
    let Some(output) = output.filter(|o| o.extension().is_some()) else {
        return Ok(if formats.is_empty() { vec![Format::Pdf] } else { formats });
    };
    match (Format::of(output), formats.as_slice()) {
        (None, _) => Err(Error::usage(format!(
            "不认识输出 {} 的格式；能写的格式是 {}（.typst 是 Typst 源文件夹），可用 --format 指定",
            output.display(),
            Format::extensions()
        ))),
        (Some(named), []) => Ok(vec![named]),
        (Some(named), [asked]) if named != *asked => Err(Error::usage(format!(
            "输出 {} 的扩展名是 .{}，与 --format {} 不符",
            output.display(),
            named.extension(),
            asked.extension()
        ))),
        _ => Ok(formats),
    }
}

/// Where each requested format goes.
fn targets(input: &Path, output: Option<&Output>, formats: &[Format]) -> Result<Vec<Output>, Error> {
    if output == Some(&Output::Stdout) {
        if formats.len() > 1 {
            return Err(Error::usage("同时输出多种格式时不能写到标准输出（-o -）"));
        }
        if formats.iter().any(|f| f.is_folder()) {
            return Err(Error::usage("Typst 源是一个文件夹，不能写到标准输出（-o -）"));
        }
    }
    formats
        .iter()
        .map(|&f| {
            let target = match output {
                Some(Output::Stdout) => return Ok(Output::Stdout),
                Some(Output::Path(o)) if formats.len() == 1 => o.clone(),
                Some(Output::Path(o)) => o.with_extension(f.extension()),
                None => input.with_extension(f.extension()),
            };
            not_the_input(input, &target)?;
            Ok(Output::Path(target))
        })
        .collect()
}

/// Refuses an output path that names the input file.
pub fn not_the_input(input: &Path, target: &Path) -> Result<(), Error> {
    if write::same_file(input, target) {
        return Err(Error::usage(format!("输出文件 {} 就是输入文件，会把它覆盖", target.display())));
    }
    Ok(())
}
