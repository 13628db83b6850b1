//! The `nianbao` command line: render, check, batch, schema, example.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use nianbao::batch::{self, Progress};
use nianbao::docx::DocxFonts;
use nianbao::fonts::Fonts;
use nianbao::output::{self, Format};
use nianbao::pdf::PdfStandard;
use nianbao::pipeline::{prepare, Prepared, Refusal};
use nianbao::{example, schema};

/// Typesets a 政府信息公开工作年度报告 from JSON into an official-format PDF
/// and an editable DOCX.
#[derive(Parser)]
#[command(name = "nianbao", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a report JSON to PDF and/or DOCX.
    Render {
        /// The report (JSON, input contract v1).
        report: PathBuf,
        /// Output file; default: beside the input with `.pdf` (or `.docx`);
        /// `-` for stdout. With several formats, each gets this path with
        /// its own extension.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// Check a report: print every finding; exit 1 if any refuses it.
    Check {
        report: PathBuf,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Render many reports: files, or folders searched for *.json.
    Batch {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output folder; outputs mirror the inputs' relative paths.
        #[arg(short, long)]
        output: PathBuf,
        /// Parallel jobs; default: all cores.
        #[arg(long)]
        jobs: Option<usize>,
        /// Render only slice I of N (1-based) of the sorted inputs.
        #[arg(long, value_name = "I/N", value_parser = parse_shard)]
        shard: Option<(usize, usize)>,
        /// Make cross-year mismatches (上年结转 vs last year's 结转下年度) refuse.
        #[arg(long)]
        strict: bool,
        /// Write one JSON record per input here.
        #[arg(long, value_name = "FILE.json")]
        summary: Option<PathBuf>,
        /// No progress output.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// Import a published report (text, .docx or .pdf) into the input contract.
    Import {
        /// The published report: text copied from the web page, a Word file
        /// (.docx), or a PDF (.pdf, read with poppler's pdftotext; its
        /// `pdftotext -tsv` output is accepted too).
        file: PathBuf,
        /// Output file; default: beside the input with `.json`; `-` for stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of the input contract.
    Schema,
    /// Write generated, valid reports (test data for batches and benchmarks).
    Example {
        #[arg(long, default_value_t = 10)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(clap::Args)]
struct RenderArgs {
    /// Output format (repeatable to write both); default: from the output's
    /// extension, else pdf.
    #[arg(long = "format", value_enum)]
    formats: Vec<FormatArg>,
    /// Font families the DOCX names: the official ones the users' machines
    /// have, or the bundled Fandol families.
    #[arg(long, value_enum, default_value = "official")]
    docx_fonts: DocxFontsArg,
    /// Make the PDF conform to a standard (repeatable): a-2b, a-2u, a-2a,
    /// a-3b, a-3u, a-3a, a-4, a-4f, a-4e (PDF/A, for archives), ua-1, or a
    /// PDF version (1.4 … 2.0).
    #[arg(long = "pdf-standard", value_name = "STANDARD", value_parser = parse_standard)]
    pdf_standards: Vec<PdfStandard>,
    /// Render even if the numbers do not add up (to reproduce what was
    /// published); every finding is still printed.
    #[arg(long)]
    allow_inconsistent: bool,
    #[command(flatten)]
    fonts: FontArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    Pdf,
    Docx,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DocxFontsArg {
    Official,
    Fandol,
}

#[derive(clap::Args)]
struct FontArgs {
    /// Add the fonts in DIR (repeatable); official families found there
    /// (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体, 宋体) are used first.
    #[arg(long = "font-path", value_name = "DIR")]
    font_path: Vec<PathBuf>,
}

impl RenderArgs {
    /// The formats asked for, else the one `output`'s extension names, else PDF.
    fn formats(&self, output: Option<&Path>) -> Vec<Format> {
        let mut formats: Vec<Format> = self
            .formats
            .iter()
            .map(|f| match f {
                FormatArg::Pdf => Format::Pdf,
                FormatArg::Docx => Format::Docx,
            })
            .collect();
        if formats.is_empty() {
            formats.push(output.and_then(Format::of).unwrap_or(Format::Pdf));
        }
        formats.sort();
        formats.dedup();
        formats
    }

    fn settings(&self) -> output::Settings {
        let docx_fonts = match self.docx_fonts {
            DocxFontsArg::Official => DocxFonts::Official,
            DocxFontsArg::Fandol => DocxFonts::Fandol,
        };
        output::Settings { docx_fonts, pdf_standards: self.pdf_standards.clone() }
    }
}

fn parse_standard(s: &str) -> Result<PdfStandard, String> {
    serde_json::from_value(serde_json::Value::from(s)).map_err(|_| format!("不认识的 PDF 标准“{s}”"))
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s.split_once('/').ok_or("写成 I/N，如 2/8")?;
    let (i, n): (usize, usize) = (i.parse().map_err(|_| "I 须为正整数")?, n.parse().map_err(|_| "N 须为正整数")?);
    if n == 0 || i == 0 || i > n {
        return Err(format!("分片 {i}/{n} 不存在：I 须在 1 到 N 之间"));
    }
    Ok((i, n))
}

/// Exit codes: 0 done, 1 the input was refused, 2 usage or I/O.
const REFUSED: u8 = 1;
const FAILED: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render { report, output, render: args } => {
            let formats = args.formats(output.as_deref());
            targets(&report, output, formats).and_then(|t| render(&report, &t, &args))
        }
        Command::Check { report, fonts } => check(&report, &fonts),
        Command::Batch { inputs, output, jobs, shard, strict, summary, quiet, render } => {
            run_batch(&inputs, &output, jobs, shard, strict, summary.as_deref(), quiet, &render)
        }
        Command::Import { file, output } => import(&file, output),
        Command::Schema => {
            println!("{}", schema::schema_json());
            Ok(())
        }
        Command::Example { count, seed, output } => write_examples(count, seed, &output),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn load_fonts(args: &FontArgs) -> Result<Arc<Fonts>, u8> {
    if args.font_path.is_empty() {
        return Ok(Fonts::bundled());
    }
    Fonts::with_dirs(&args.font_path).map(Arc::new).map_err(|e| {
        eprintln!("错误：{e}");
        FAILED
    })
}

/// Reads, checks and lays out a report, printing what was found.
fn read(path: &Path, fonts: &Fonts) -> Result<Prepared, u8> {
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!("{}：无法读取：{e}", path.display());
        FAILED
    })?;
    let prepared = prepare(&bytes, fonts).map_err(|e| {
        eprintln!("{}：{e}", path.display());
        REFUSED
    })?;
    for finding in prepared.findings.iter().chain(&prepared.missing_glyphs) {
        eprintln!("{}：{finding}", path.display());
    }
    Ok(prepared)
}

fn check(path: &Path, font_args: &FontArgs) -> Result<(), u8> {
    let fonts = load_fonts(font_args)?;
    let prepared = read(path, &fonts)?;
    if prepared.refusal(false).is_some() {
        return Err(REFUSED);
    }
    eprintln!("{}：可以排版（{} 条提示）", path.display(), prepared.findings.len());
    Ok(())
}

/// Where each requested format goes.
fn targets(input: &Path, output: Option<PathBuf>, formats: Vec<Format>) -> Result<Vec<(Format, PathBuf)>, u8> {
    if formats.len() > 1 && output.as_deref() == Some(Path::new("-")) {
        eprintln!("错误：同时输出多种格式时不能写到标准输出（-o -）");
        return Err(FAILED);
    }
    let targets: Vec<_> = formats
        .iter()
        .map(|&f| {
            let path = match &output {
                Some(o) if formats.len() == 1 => o.clone(),
                Some(o) => o.with_extension(f.extension()),
                None => input.with_extension(f.extension()),
            };
            (f, path)
        })
        .collect();
    for (_, target) in &targets {
        if target != Path::new("-") {
            not_the_input(input, target)?;
        }
    }
    Ok(targets)
}

/// Refuses an output path that names the input file.
fn not_the_input(input: &Path, target: &Path) -> Result<(), u8> {
    if output::same_file(input, target) {
        eprintln!("错误：输出文件 {} 就是输入文件，会把它覆盖", target.display());
        return Err(FAILED);
    }
    Ok(())
}

/// Writes a file atomically; says so when it cannot.
fn write_file(target: &Path, bytes: &[u8]) -> Result<(), u8> {
    output::write_atomic(target, bytes).map_err(|e| {
        eprintln!("{}：无法写入：{e}", target.display());
        FAILED
    })
}

fn render(path: &Path, targets: &[(Format, PathBuf)], args: &RenderArgs) -> Result<(), u8> {
    let fonts = load_fonts(&args.fonts)?;
    let prepared = read(path, &fonts)?;
    match prepared.refusal(args.allow_inconsistent) {
        Some(Refusal::MissingGlyphs) => {
            eprintln!("{}：有字符无法显示，未生成文件", path.display());
            return Err(REFUSED);
        }
        Some(Refusal::Inconsistent) => {
            eprintln!(
                "{}：数据前后不一致，未生成文件；如需照原样重排已发布的报告，请加 --allow-inconsistent",
                path.display()
            );
            return Err(REFUSED);
        }
        None => {}
    }
    let formats: Vec<Format> = targets.iter().map(|(f, _)| *f).collect();
    let outputs = output::render_all(&prepared.document, &formats, &fonts, &args.settings()).map_err(|e| {
        eprintln!("{}：{e}", path.display());
        FAILED
    })?;
    for ((_, target), (_, bytes)) in targets.iter().zip(outputs) {
        if target == Path::new("-") {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes).and_then(|()| stdout.flush()).map_err(|e| {
                eprintln!("写入标准输出失败：{e}");
                FAILED
            })?;
            continue;
        }
        write_file(target, &bytes)?;
        eprintln!("{} → {}", path.display(), target.display());
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn run_batch(
    inputs: &[PathBuf],
    out_dir: &Path,
    jobs: Option<usize>,
    shard: Option<(usize, usize)>,
    strict: bool,
    summary_path: Option<&Path>,
    quiet: bool,
    args: &RenderArgs,
) -> Result<(), u8> {
    let fonts = load_fonts(&args.fonts)?;
    let mut found = batch::collect(inputs).map_err(|e| {
        eprintln!("错误：{e}");
        FAILED
    })?;
    if let Some((i, n)) = shard {
        found = batch::shard(found, i, n);
    }
    std::fs::create_dir_all(out_dir).map_err(|e| {
        eprintln!("错误：无法创建输出目录 {}：{e}", out_dir.display());
        FAILED
    })?;
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let options = batch::Options {
        formats: args.formats(None),
        jobs,
        allow_inconsistent: args.allow_inconsistent,
        strict,
        settings: args.settings(),
    };
    let progress = Progress::for_stderr(found.len(), quiet);
    let summary = batch::run(&found, out_dir, &options, &fonts, &progress);
    for r in summary.records.iter().filter(|r| r.status != batch::Status::Rendered) {
        eprintln!("{}：{}", r.path, r.reason.as_deref().unwrap_or(""));
        for f in &r.findings {
            eprintln!("    {f}");
        }
    }
    eprintln!("完成 {} 份，拒绝 {} 份，失败 {} 份", summary.rendered, summary.refused, summary.failed);
    if let Some(path) = summary_path {
        write_file(path, &serde_json::to_vec_pretty(&summary).expect("summary serializes"))?;
    }
    if summary.all_rendered() {
        Ok(())
    } else {
        Err(REFUSED)
    }
}

fn import(path: &Path, output: Option<PathBuf>) -> Result<(), u8> {
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!("{}：无法读取：{e}", path.display());
        FAILED
    })?;
    let report = nianbao::import::import(&bytes, nianbao::import::Source::of(path)).map_err(|e| {
        eprintln!("{}：{e}；未生成文件", path.display());
        REFUSED
    })?;
    let json = nianbao::model::to_json_text(&report);
    // The consistency checks run on what was imported: a published report
    // that does not add up still imports, with its findings listed.
    for finding in nianbao::check::check(&report) {
        let line = nianbao::model::locate(&json, &finding.path).map(|(l, _)| format!("第 {l} 行 ")).unwrap_or_default();
        eprintln!("{}：{line}{finding}", path.display());
    }
    let target = output.unwrap_or_else(|| path.with_extension("json"));
    if target == Path::new("-") {
        print!("{json}");
        return Ok(());
    }
    not_the_input(path, &target)?;
    write_file(&target, json.as_bytes())?;
    eprintln!("{} → {}", path.display(), target.display());
    Ok(())
}

fn write_examples(count: usize, seed: u64, dir: &Path) -> Result<(), u8> {
    for (relative, report) in example::reports(count, seed) {
        let path = dir.join(relative);
        let json = serde_json::to_string_pretty(&report).expect("report serializes");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                eprintln!("{}：无法写入：{e}", path.display());
                FAILED
            })?;
        }
        write_file(&path, json.as_bytes())?;
    }
    eprintln!("{count} 份报告 → {}", dir.display());
    Ok(())
}
