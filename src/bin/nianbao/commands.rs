//! One function per command. Each prints what it finds on the way (the
//! findings of the checks, what it wrote) and returns the one error that
//! stopped it, for `main` to print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nianbao::batch::{self, Progress};
use nianbao::fonts::Fonts;
use nianbao::import::{self, Source};
use nianbao::io_error::describe;
use nianbao::pipeline::{self, Checked, Plan, Stop};
use nianbao::render::Rendered;
use nianbao::{example, model, schema, write};

use crate::args::{FontArgs, Output};
use crate::error::Error;
use crate::plan::{
    not_the_input, BatchTask, CheckTask, ImportTask, NewTask, OfficeTask, RenderTask, ServeTask, SumTask, Task,
};

pub fn run(task: Task) -> Result<(), Error> {
    match task {
        Task::Render(task) => render(&task),
        Task::Check(task) => check(&task),
        Task::Batch(task) => run_batch(&task),
        Task::Import(task) => import(&task),
        Task::Serve(task) => serve(task),
        Task::Office(task) => office(task),
        Task::Sum(task) => sum(&task),
        Task::Schema => write_stdout(format!("{}\n", schema::schema_json()).as_bytes()),
        Task::Example { count, seed, dir } => write_examples(count, seed, &dir),
        Task::New(task) => new_report(&task),
    }
}

fn load_fonts(args: &FontArgs) -> Result<Arc<Fonts>, Error> {
    if args.font_path.is_empty() {
        return Ok(Fonts::bundled());
    }
    Fonts::with_dirs(&args.font_path).map(Arc::new).map_err(Error::usage)
}

fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::failed(path, format!("无法读取：{}", describe(&e))))
}

/// Writes to standard output. A reader that stopped early (`| head`) is
/// not an error: there is nobody left to tell.
fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::usage(format!("写入标准输出失败：{}", describe(&e))))
        }
        _ => Ok(()),
    }
}

/// Writes an output atomically; says so when it cannot.
/// Writes an output, making the folder it goes in first (`-o 新目录/x.pdf`
/// is what a user types for a new folder).
fn write_output(target: &Path, rendered: &Rendered) -> Result<(), Error> {
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::failed(dir, format!("无法创建输出目录：{}", describe(&e))))?;
    }
    write::put(target, rendered).map_err(|e| Error::failed(target, format!("无法写入：{}", describe(&e))))
}

/// Reads and checks a report of any kind (imported on the way).
fn read_checked(path: &Path) -> Result<Checked, Error> {
    pipeline::read_path(path).map_err(|e| Error::stopped(path, &Stop::from(e)))
}

/// Prints every finding of the door, each naming the input.
fn print_findings<'a>(path: &Path, findings: impl IntoIterator<Item = &'a pipeline::Located>) {
    for finding in findings {
        eprintln!("{}：{finding}", path.display());
    }
}

fn check(task: &CheckTask) -> Result<(), Error> {
    let fonts = load_fonts(&task.fonts)?;
    let mut checked = read_checked(&task.input)?;
    if let Some(previous) = &task.previous {
        let last = read_checked(previous)?;
        for finding in nianbao::repeats::findings(&checked.report, &last.report, task.repeat_threshold) {
            checked.add(finding);
        }
        // This year's 二、上年结转 against last year's 四、结转下年度继续办理,
        // column by column, as `batch` checks consecutive years.
        let pair = [(0, &checked.report), (1, &last.report)];
        let carried: Vec<_> = batch::carried_over(pair, false).into_iter().map(|(_, f)| f).collect();
        for finding in carried {
            checked.add(finding);
        }
    }
    let outcome = pipeline::finish(Ok(checked), &Plan::judge_all(), &fonts);
    print_findings(&task.input, &outcome.findings);
    outcome.outputs.map_err(|stop| Error::stopped(&task.input, &stop))?;
    let notes = outcome.findings.iter().filter(|f| f.finding.severity == nianbao::check::Severity::Note).count();
    eprintln!("{}：可以排版（{notes} 条提示）", task.input.display());
    Ok(())
}

fn render(task: &RenderTask) -> Result<(), Error> {
    let fonts = load_fonts(&task.fonts)?;
    let path = &task.input;
    let outcome = pipeline::finish(pipeline::read_path(path), &task.plan, &fonts);
    print_findings(path, &outcome.findings);
    let outputs = outcome.outputs.map_err(|stop| Error::stopped(path, &stop))?;
    for (target, (_, rendered)) in task.targets.iter().zip(outputs) {
        match (target, rendered) {
            (Output::Stdout, Rendered::File(bytes)) => write_stdout(&bytes)?,
            (Output::Stdout, Rendered::Folder(_)) => unreachable!("the plan sends no folder to stdout"),
            (Output::Path(target), rendered) => {
                write_output(target, &rendered)?;
                eprintln!("{} → {}", path.display(), target.display());
            }
        }
    }
    Ok(())
}

fn run_batch(task: &BatchTask) -> Result<(), Error> {
    let fonts = load_fonts(&task.fonts)?;
    let collected = batch::collect(&task.inputs, &task.out_dir).map_err(Error::usage)?;
    for path in &collected.passed_over {
        eprintln!("{}：同名的 .json 就在旁边，按它读取，这个文件视为它的输出", path.display());
    }
    let mut found = collected.found;
    if found.is_empty() {
        let places: Vec<String> = task.inputs.iter().map(|p| p.display().to_string()).collect();
        let out_dir = task.out_dir.canonicalize().ok();
        let inside = |p: &PathBuf| p.canonicalize().ok().zip(out_dir.as_ref()).is_some_and(|(p, o)| p.starts_with(o));
        return Err(Error::usage(if task.inputs.iter().any(inside) {
            format!(
                "{} 在输出目录 {} 里：那里的文件都当作上一次的输出，不再读取。请换一个输出目录",
                places.join("、"),
                task.out_dir.display()
            )
        } else {
            format!("{} 里没有可读的报告（.json、网页、.txt、.docx、.pdf）", places.join("、"))
        }));
    }
    if let Some((i, n)) = task.shard {
        found = batch::shard(found, i, n);
    }
    let out_dir = &task.out_dir;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| Error::failed(out_dir, format!("无法创建输出目录：{}", describe(&e))))?;
    let progress = Progress::for_stderr(found.len(), task.quiet);
    let summary = batch::run(&found, out_dir, &task.job, &fonts, &progress);
    for r in summary.records.iter().filter(|r| r.status != pipeline::Verdict::Rendered) {
        eprintln!("{}：{}", r.path, r.reason.as_deref().unwrap_or(""));
        for f in &r.findings {
            eprintln!("    {f}");
        }
    }
    if let Some(path) = &task.summary {
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

fn import(task: &ImportTask) -> Result<(), Error> {
    let path = &task.input;
    let bytes = read_file(path)?;
    let imported =
        import::read(&bytes, Source::of(path)).map_err(|e| Error::refused(path, format!("{e}；未生成文件")))?;
    if task.explain {
        // How each part was found; on stdout unless the JSON goes there.
        let text: String = std::iter::once(format!("{}：按 {} 读入\n", path.display(), imported.source.name()))
            .chain(imported.notes.iter().map(|n| format!("{n}\n")))
            .collect();
        match task.target {
            Output::Stdout => eprint!("{text}"),
            Output::Path(_) => write_stdout(text.as_bytes())?,
        }
    }
    let json = model::to_json_text(&imported.report);
    // The consistency checks run on what was imported: a published report
    // that does not add up still imports, with its findings listed where
    // the source shows them.
    let checked = Checked::imported(imported);
    print_findings(path, &checked.findings);
    match &task.target {
        Output::Stdout => write_stdout(json.as_bytes()),
        Output::Path(target) => {
            write_output(target, &Rendered::File(json.into_bytes()))?;
            eprintln!("{} → {}", path.display(), target.display());
            Ok(())
        }
    }
}

fn serve(task: ServeTask) -> Result<(), Error> {
    let fonts = load_fonts(&task.fonts)?;
    let listen = task.config.listen;
    if !listen.ip().is_loopback() {
        eprintln!("注意：在 {listen} 上监听，同一网络里拿到网址的人都能查看和修改这些报告");
    }
    let no_browser = task.no_browser;
    nianbao::serve::run(task.config, fonts, |started| {
        // The first line on stdout is the URL, for scripts and tests.
        let _ = write_stdout(format!("{}\n", started.url).as_bytes());
        eprintln!("写报告的网页已就绪；按 Ctrl-C 停止");
        if !no_browser {
            // Not the URL with the token: an opener's arguments are there
            // for every user of the machine to read (`ps`).
            open_browser(&started.open);
        }
    })
    .map_err(Error::usage)
}

fn office(task: OfficeTask) -> Result<(), Error> {
    match task {
        OfficeTask::Serve { config, fonts } => {
            let fonts = load_fonts(&fonts)?;
            let db = config.db.clone();
            nianbao::office::run(config, fonts, |url| {
                // The first line on stdout is the address, for scripts and tests.
                let _ = write_stdout(format!("{url}/\n").as_bytes());
                eprintln!("审核平台已就绪（数据库 {}）；按 Ctrl-C 停止", db.display());
            })
            .map_err(Error::usage)
        }
        OfficeTask::Init { db, login, name } => {
            let password = read_password()?;
            nianbao::office::init(&db, &login, &name, &password).map_err(Error::usage)?;
            eprintln!(
                "已建立管理员账号“{login}”（数据库 {}）；用 nianbao office --db {} 启动平台",
                db.display(),
                db.display()
            );
            Ok(())
        }
        OfficeTask::Backup { db, out } => {
            nianbao::office::backup(&db, &out).map_err(Error::usage)?;
            eprintln!("{} → {}", db.display(), out.display());
            Ok(())
        }
    }
}

/// A new password: typed twice at the terminal, not shown; or one line of
/// standard input when it is not a terminal (scripts).
fn read_password() -> Result<String, Error> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    let line = |prompt: &str| -> Result<String, Error> {
        if stdin.is_terminal() {
            eprint!("{prompt}");
        }
        let mut line = String::new();
        let hidden = Echo::off(stdin.is_terminal());
        stdin.lock().read_line(&mut line).map_err(|e| Error::usage(format!("读不到密码：{}", describe(&e))))?;
        drop(hidden);
        if stdin.is_terminal() {
            eprintln!();
        }
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    };
    let password = line("管理员密码：")?;
    if stdin.is_terminal() && line("再输入一次：")? != password {
        return Err(Error::usage("两次输入的密码不一样"));
    }
    Ok(password)
}

/// The terminal's echo, off until dropped.
struct Echo(Option<libc::termios>);

impl Echo {
    fn off(terminal: bool) -> Echo {
        if !terminal {
            return Echo(None);
        }
        // SAFETY: tcgetattr and tcsetattr on standard input with a termios
        // of our own; a failure leaves the echo as it was.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
                return Echo(None);
            }
            let saved = t;
            t.c_lflag &= !libc::ECHO;
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t);
            Echo(Some(saved))
        }
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        if let Some(saved) = &self.0 {
            // SAFETY: restores the settings read in `off`.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
    }
}

/// Opens the URL in the desktop's browser, if there is one. It stands in
/// the opener's arguments: a one-time address, not the token.
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

fn sum(task: &SumTask) -> Result<(), Error> {
    let found = batch::find(&task.inputs).map_err(Error::usage)?;
    for input in &found {
        not_the_input(&input.path, &task.output)?;
    }
    let mut members = Vec::with_capacity(found.len());
    for input in &found {
        let checked = read_checked(&input.path)?;
        members.push(nianbao::sum::Member { name: input.path.display().to_string(), report: checked.report });
    }
    let summed = nianbao::sum::sum(&members, &task.agency, task.allow_inconsistent)
        .map_err(|e| Error::Refused(format!("错误：{e}")))?;
    for name in &summed.own {
        eprintln!("{name}：是{}自己的报告（先前做的汇总？），不作为下级机关计入", task.agency);
    }
    for name in &summed.left_out {
        eprintln!("{name}：数据前后不一致，未计入汇总（如需计入，请加 --allow-inconsistent）");
    }
    let used = summed.used(&members);
    eprintln!("汇总了 {} 份报告（{} 年，{} 格式）", used.len(), summed.report.year, summed.report.version);
    if let Some(path) = &task.roster {
        let text = nianbao::sum::roster_text(&read_file(path)?).map_err(|e| Error::failed(path, e))?;
        let roll = nianbao::sum::Roll::call(&text, &members);
        for agency in &roll.missing {
            eprintln!("[名单] {agency}：没有报告");
        }
        for agency in &roll.extra {
            eprintln!("[名单] {agency}：有报告，但不在名单上");
        }
        for (listed, reported) in &roll.maybe {
            eprintln!("[名单] 名单上的“{listed}”和报告里的“{reported}”可能是同一机关：请核对名称");
        }
        eprintln!("[名单] 名单 {} 个机关，缺 {} 个，名单外 {} 个", roll.listed, roll.missing.len(), roll.extra.len());
    }
    if let Some(path) = &task.compare {
        let published = read_checked(path)?.report;
        let notes = nianbao::sum::compare(&summed.report, &published);
        for note in &notes {
            eprintln!("[对照] {note}");
        }
        eprintln!("[对照] 与 {} 相比，{} 格不同", path.display(), notes.len());
    }
    if let Some(sheet) = &task.sheet {
        let bytes = nianbao::sum::workbook(&used, &summed.report).map_err(|e| Error::failed(sheet, e))?;
        write_output(sheet, &Rendered::File(bytes))?;
        eprintln!("→ {}", sheet.display());
    }
    let json = model::to_json_text(&summed.report);
    write_output(&task.output, &Rendered::File(json.into_bytes()))?;
    eprintln!("→ {}", task.output.display());
    Ok(())
}

fn new_report(task: &NewTask) -> Result<(), Error> {
    let target = &task.output;
    // Whatever stands there may be someone's typed report: never replaced.
    if std::fs::symlink_metadata(target).is_ok() {
        return Err(Error::usage(format!("{} 已经存在，不会覆盖；请换一个文件名", target.display())));
    }
    let last = task.from.as_ref().map(|p| read_checked(p).map(|c| c.report)).transpose()?;
    let json = model::blank(task.agency.trim(), task.year, task.format, last.as_ref(), task.date.as_deref());
    let mut text = serde_json::to_string_pretty(&json).expect("JSON serializes");
    text.push('\n');
    // What it writes must read back: an empty agency, a year before 2019
    // are the contract's to refuse.
    model::parse_str(&text).map_err(|e| Error::Refused(format!("错误：无法新建：{}", e.message)))?;
    write_output(target, &Rendered::File(text.into_bytes()))?;
    eprintln!("→ {}（空白报告：表格各格空白，各部分待填写）", target.display());
    Ok(())
}

fn write_examples(count: usize, seed: u64, dir: &Path) -> Result<(), Error> {
    for (relative, report) in example::reports(count, seed) {
        let path = dir.join(relative);
        let json = serde_json::to_string_pretty(&report).expect("report serializes");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::failed(&path, format!("无法写入：{}", describe(&e))))?;
        }
        write_output(&path, &Rendered::File(json.into_bytes()))?;
    }
    eprintln!("{count} 份报告 → {}", dir.display());
    Ok(())
}
