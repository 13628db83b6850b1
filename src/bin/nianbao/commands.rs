//! One function per command. Each prints what it finds on the way (the
//! findings of the checks, what it wrote) and returns the one error that
//! stopped it, for `main` to print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nianbao::batch::{self, Progress};
use nianbao::fonts::Fonts;
use nianbao::import::{self, Cause, Source};
use nianbao::output::{self, Format, Rendered};
use nianbao::pipeline::{self, Prepared};
use nianbao::{example, model, schema};

use crate::args::{Command, FontArgs, RenderArgs};
use crate::error::Error;

pub fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Render { report, output, render: args } => render(&report, output.as_deref(), &args),
        Command::Check { report, fonts, previous, repeat_threshold } => {
            check(&report, &fonts, previous.as_deref(), repeat_threshold)
        }
        Command::Batch { inputs, output, jobs, shard, strict, summary, quiet, repeat_threshold, render } => {
            let options = BatchArgs { jobs, shard, strict, summary, quiet, repeat_threshold };
            run_batch(&inputs, &output, &options, &render)
        }
        Command::Import { file, output, explain } => import(&file, output, explain),
        Command::Serve { dir, listen, no_browser, fonts } => serve(dir, listen, no_browser, &fonts),
        Command::Sum { inputs, output, agency, roster, compare, sheet, allow_inconsistent } => {
            let options = SumArgs { agency, roster, compare, sheet, allow_inconsistent };
            sum(&inputs, &output, &options)
        }
        Command::Schema => write_stdout(format!("{}\n", schema::schema_json()).as_bytes()),
        Command::Example { count, seed, output } => write_examples(count, seed, &output),
    }
}

fn load_fonts(args: &FontArgs) -> Result<Arc<Fonts>, Error> {
    if args.font_path.is_empty() {
        return Ok(Fonts::bundled());
    }
    Fonts::with_dirs(&args.font_path).map(Arc::new).map_err(Error::usage)
}

fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::failed(path, format!("无法读取：{e}")))
}

/// Writes to standard output. A reader that stopped early (`| head`) is
/// not an error: there is nobody left to tell.
fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::usage(format!("写入标准输出失败：{e}"))),
        _ => Ok(()),
    }
}

/// Reads (importing a published page, text, Word file or PDF on the way),
/// checks and lays out a report, printing what was found.
fn read(path: &Path, fonts: &Fonts) -> Result<Prepared, Error> {
    prepare(read_checked(path)?, path, fonts)
}

/// Reads and checks a report of any kind (imported on the way).
fn read_checked(path: &Path) -> Result<pipeline::Checked, Error> {
    pipeline::read_as(&read_file(path)?, Source::of(path)).map_err(|e| match e.is_tool() {
        true => Error::failed(path, e),
        false => Error::refused(path, e),
    })
}

/// Lays out a checked report, printing every finding.
fn prepare(checked: pipeline::Checked, path: &Path, fonts: &Fonts) -> Result<Prepared, Error> {
    let prepared = checked.prepare(fonts);
    for finding in prepared.findings.iter().chain(prepared.glyph_findings()) {
        eprintln!("{}：{finding}", path.display());
    }
    Ok(prepared)
}

fn check(path: &Path, font_args: &FontArgs, previous: Option<&Path>, threshold: u32) -> Result<(), Error> {
    let fonts = load_fonts(font_args)?;
    let mut checked = read_checked(path)?;
    if let Some(previous) = previous {
        let last = read_checked(previous)?;
        for finding in nianbao::repeats::findings(&checked.report, &last.report, threshold) {
            checked.add(finding);
        }
    }
    let prepared = prepare(checked, path, &fonts)?;
    if let Some(refusal) = prepared.refusal(false, &Format::ALL) {
        return Err(Error::refused(path, refusal));
    }
    eprintln!("{}：可以排版（{} 条提示）", path.display(), prepared.findings.len());
    Ok(())
}

/// Where each requested format goes.
fn targets(input: &Path, output: Option<&Path>, formats: &[Format]) -> Result<Vec<PathBuf>, Error> {
    let stdout = output == Some(Path::new("-"));
    if stdout && formats.len() > 1 {
        return Err(Error::usage("同时输出多种格式时不能写到标准输出（-o -）"));
    }
    if stdout && formats.iter().any(|f| f.is_folder()) {
        return Err(Error::usage("Typst 源是一个文件夹，不能写到标准输出（-o -）"));
    }
    let targets: Vec<PathBuf> = formats
        .iter()
        .map(|&f| match output {
            Some(o) if formats.len() == 1 => o.to_path_buf(),
            Some(o) => o.with_extension(f.extension()),
            None => input.with_extension(f.extension()),
        })
        .collect();
    for target in targets.iter().filter(|t| *t != Path::new("-")) {
        not_the_input(input, target)?;
    }
    Ok(targets)
}

/// Refuses an output path that names the input file.
fn not_the_input(input: &Path, target: &Path) -> Result<(), Error> {
    if output::same_file(input, target) {
        return Err(Error::usage(format!("输出文件 {} 就是输入文件，会把它覆盖", target.display())));
    }
    Ok(())
}

/// Writes an output atomically; says so when it cannot.
fn write_output(target: &Path, rendered: &Rendered) -> Result<(), Error> {
    rendered.write(target).map_err(|e| Error::failed(target, format!("无法写入：{e}")))
}

fn render(path: &Path, output: Option<&Path>, args: &RenderArgs) -> Result<(), Error> {
    if let Some(output) = output.filter(|o| *o != Path::new("-")) {
        not_the_input(path, output)?;
    }
    let formats = args.formats(output)?;
    let targets = targets(path, output, &formats)?;
    let fonts = load_fonts(&args.fonts)?;
    let prepared = read(path, &fonts)?;
    if let Some(refusal) = prepared.refusal(args.allow_inconsistent, &formats) {
        return Err(Error::refused(path, refusal));
    }
    let outputs = output::render_all(&prepared, &formats, &fonts, &args.into()).map_err(|e| Error::failed(path, e))?;
    for (target, (_, rendered)) in targets.iter().zip(outputs) {
        match rendered {
            Rendered::File(bytes) if target == Path::new("-") => write_stdout(&bytes)?,
            rendered => {
                write_output(target, &rendered)?;
                eprintln!("{} → {}", path.display(), target.display());
            }
        }
    }
    Ok(())
}

/// The batch options that are not about rendering.
struct BatchArgs {
    jobs: Option<usize>,
    shard: Option<(usize, usize)>,
    strict: bool,
    summary: Option<PathBuf>,
    quiet: bool,
    repeat_threshold: u32,
}

fn run_batch(inputs: &[PathBuf], out_dir: &Path, options: &BatchArgs, args: &RenderArgs) -> Result<(), Error> {
    let formats = args.formats(None)?;
    let fonts = load_fonts(&args.fonts)?;
    let mut found = batch::collect(inputs, out_dir).map_err(Error::usage)?;
    if let Some((i, n)) = options.shard {
        found = batch::shard(found, i, n);
    }
    std::fs::create_dir_all(out_dir).map_err(|e| Error::failed(out_dir, format!("无法创建输出目录：{e}")))?;
    let jobs = options.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let batch_options = batch::Options {
        formats,
        jobs,
        allow_inconsistent: args.allow_inconsistent,
        strict: options.strict,
        repeat_threshold: options.repeat_threshold,
        settings: args.into(),
    };
    let progress = Progress::for_stderr(found.len(), options.quiet);
    let summary = batch::run(&found, out_dir, &batch_options, &fonts, &progress);
    for r in summary.records.iter().filter(|r| r.status != batch::Status::Rendered) {
        eprintln!("{}：{}", r.path, r.reason.as_deref().unwrap_or(""));
        for f in &r.findings {
            eprintln!("    {f}");
        }
    }
    if let Some(path) = &options.summary {
        let json = serde_json::to_vec_pretty(&summary).expect("summary serializes");
        write_output(path, &Rendered::File(json))?;
    }
    let counts = format!("完成 {} 份，拒绝 {} 份，失败 {} 份", summary.rendered, summary.refused, summary.failed);
    if summary.all_rendered() {
        eprintln!("{counts}");
        Ok(())
    } else {
        Err(Error::Refused(counts))
    }
}

fn import(path: &Path, output: Option<PathBuf>, explain: bool) -> Result<(), Error> {
    let bytes = read_file(path)?;
    let imported = import::read(&bytes, Source::of(path)).map_err(|e| match e.cause {
        Cause::Source => Error::refused(path, format!("{e}；未生成文件")),
        Cause::Tool => Error::failed(path, format!("{e}；未生成文件")),
    })?;
    let target = output.unwrap_or_else(|| path.with_extension("json"));
    if explain {
        // How each part was found; on stdout unless the JSON goes there.
        let text: String = std::iter::once(format!("{}：按 {} 读入\n", path.display(), imported.source.name()))
            .chain(imported.notes.iter().map(|n| format!("{n}\n")))
            .collect();
        if target == Path::new("-") {
            eprint!("{text}");
        } else {
            write_stdout(text.as_bytes())?;
        }
    }
    let report = imported.report;
    let json = model::to_json_text(&report);
    // The consistency checks run on what was imported: a published report
    // that does not add up still imports, with its findings listed.
    for finding in nianbao::check::findings(&report) {
        let line = model::locate(&json, &finding.path).map(|(l, _)| format!("第 {l} 行 ")).unwrap_or_default();
        eprintln!("{}：{line}{finding}", path.display());
    }
    if target == Path::new("-") {
        return write_stdout(json.as_bytes());
    }
    not_the_input(path, &target)?;
    write_output(&target, &Rendered::File(json.into_bytes()))?;
    eprintln!("{} → {}", path.display(), target.display());
    Ok(())
}

fn serve(dir: PathBuf, listen: std::net::SocketAddr, no_browser: bool, font_args: &FontArgs) -> Result<(), Error> {
    let fonts = load_fonts(font_args)?;
    if !listen.ip().is_loopback() {
        eprintln!("注意：在 {listen} 上监听，同一网络里拿到网址的人都能查看和修改这些报告");
    }
    let options = nianbao::serve::Options { dir, listen };
    nianbao::serve::run(options, fonts, |url| {
        // The first line on stdout is the URL, for scripts and tests.
        let _ = write_stdout(format!("{url}\n").as_bytes());
        eprintln!("写报告的网页已就绪；按 Ctrl-C 停止");
        if !no_browser {
            open_browser(url);
        }
    })
    .map_err(Error::usage)
}

/// Opens the URL in the desktop's browser, if there is one.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if std::process::Command::new(opener.0)
        .args(opener.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_err()
    {
        eprintln!("无法自动打开浏览器，请手动打开上面的网址");
    }
}

/// The sum options besides inputs and output.
struct SumArgs {
    agency: String,
    roster: Option<PathBuf>,
    compare: Option<PathBuf>,
    sheet: Option<PathBuf>,
    allow_inconsistent: bool,
}

fn sum(inputs: &[PathBuf], output: &Path, options: &SumArgs) -> Result<(), Error> {
    let found = batch::find(inputs).map_err(Error::usage)?;
    let mut read = Vec::with_capacity(found.len());
    for input in &found {
        let checked = read_checked(&input.path)?;
        read.push(nianbao::sum::Input { name: input.path.display().to_string(), report: checked.report });
    }
    let summed = nianbao::sum::sum(&read, &options.agency, options.allow_inconsistent)
        .map_err(|e| Error::Refused(format!("错误：{e}")))?;
    for name in &summed.left_out {
        eprintln!("{name}：数据前后不一致，未计入汇总（如需计入，请加 --allow-inconsistent）");
    }
    let used: Vec<&nianbao::sum::Input> = read.iter().filter(|i| summed.included.contains(&i.name)).collect();
    eprintln!("汇总了 {} 份报告（{} 年，{} 格式）", used.len(), summed.report.year, summed.report.format);
    if let Some(path) = &options.roster {
        let text = String::from_utf8(read_file(path)?).map_err(|_| Error::failed(path, "名单不是 UTF-8 文本"))?;
        let roster = nianbao::sum::read_roster(&text);
        let agencies: Vec<&str> = read.iter().map(|i| i.report.agency.as_str()).collect();
        let (missing, extra) = nianbao::sum::roster(&roster, &agencies);
        for agency in &missing {
            eprintln!("[名单] {agency}：没有报告");
        }
        for agency in &extra {
            eprintln!("[名单] {agency}：有报告，但不在名单上");
        }
        eprintln!("[名单] 名单 {} 个机关，缺 {} 个，名单外 {} 个", roster.len(), missing.len(), extra.len());
    }
    if let Some(path) = &options.compare {
        let published = read_checked(path)?.report;
        let notes = nianbao::sum::compare(&summed.report, &published);
        for note in &notes {
            eprintln!("[对照] {note}");
        }
        eprintln!("[对照] 与 {} 相比，{} 格不同", path.display(), notes.len());
    }
    for input in &found {
        not_the_input(&input.path, output)?;
    }
    let json = model::to_json_text(&summed.report);
    if let Some(sheet) = &options.sheet {
        let bytes = nianbao::sum::workbook(&used, &summed.report).map_err(|e| Error::failed(sheet, e))?;
        write_output(sheet, &Rendered::File(bytes))?;
        eprintln!("→ {}", sheet.display());
    }
    write_output(output, &Rendered::File(json.into_bytes()))?;
    eprintln!("→ {}", output.display());
    Ok(())
}

fn write_examples(count: usize, seed: u64, dir: &Path) -> Result<(), Error> {
    for (relative, report) in example::reports(count, seed) {
        let path = dir.join(relative);
        let json = serde_json::to_string_pretty(&report).expect("report serializes");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::failed(&path, format!("无法写入：{e}")))?;
        }
        write_output(&path, &Rendered::File(json.into_bytes()))?;
    }
    eprintln!("{count} 份报告 → {}", dir.display());
    Ok(())
}
