//! The `nianbao` command line: render, check, schema.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use nianbao::docx::{self, DocxFonts};
use nianbao::fonts::Fonts;
use nianbao::pipeline::{prepare, Prepared};
use nianbao::{output, pdf, schema};

/// Typesets a 政府信息公开工作年度报告 from JSON into an official-format PDF.
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
        /// Output format (repeatable to write both in one run); default: from
        /// the output's extension, else pdf.
        #[arg(long = "format", value_enum)]
        formats: Vec<Format>,
        /// Font families the DOCX names: the official ones the users'
        /// machines have, or the bundled Fandol families.
        #[arg(long, value_enum, default_value = "official")]
        docx_fonts: DocxFontsArg,
        /// Render even if the numbers do not add up (to reproduce what was
        /// published); every finding is still printed.
        #[arg(long)]
        allow_inconsistent: bool,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Check a report: print every finding; exit 1 if any refuses it.
    Check {
        report: PathBuf,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Print the JSON Schema of the input contract.
    Schema,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Pdf,
    Docx,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
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

/// Exit codes: 0 done, 1 the input was refused, 2 usage or I/O.
const REFUSED: u8 = 1;
const FAILED: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Render { report, output, formats, docx_fonts, allow_inconsistent, fonts } => {
            let docx_fonts = match docx_fonts {
                DocxFontsArg::Official => DocxFonts::Official,
                DocxFontsArg::Fandol => DocxFonts::Fandol,
            };
            let options = RenderOptions { allow_inconsistent, docx_fonts };
            targets(&report, output, formats).and_then(|targets| render(&report, &targets, &options, &fonts))
        }
        Command::Check { report, fonts } => check(&report, &fonts),
        Command::Schema => {
            println!("{}", schema::schema_json());
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn load_fonts(args: &FontArgs) -> Result<std::sync::Arc<Fonts>, u8> {
    if args.font_path.is_empty() {
        return Ok(Fonts::bundled());
    }
    Fonts::with_dirs(&args.font_path).map(std::sync::Arc::new).map_err(|e| {
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
    if prepared.inconsistent() || !prepared.missing_glyphs.is_empty() {
        return Err(REFUSED);
    }
    eprintln!("{}：可以排版（{} 条提示）", path.display(), prepared.findings.len());
    Ok(())
}

struct RenderOptions {
    allow_inconsistent: bool,
    docx_fonts: DocxFonts,
}

/// Where each requested format goes.
fn targets(input: &Path, output: Option<PathBuf>, mut formats: Vec<Format>) -> Result<Vec<(Format, PathBuf)>, u8> {
    if formats.is_empty() {
        let docx = output.as_ref().and_then(|o| o.extension()).is_some_and(|e| e.eq_ignore_ascii_case("docx"));
        formats.push(if docx { Format::Docx } else { Format::Pdf });
    }
    formats.dedup();
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
        if target != Path::new("-") && output::same_file(input, target) {
            eprintln!("错误：输出文件 {} 就是输入文件，会把它覆盖", target.display());
            return Err(FAILED);
        }
    }
    Ok(targets)
}

fn render(path: &Path, targets: &[(Format, PathBuf)], options: &RenderOptions, font_args: &FontArgs) -> Result<(), u8> {
    let fonts = load_fonts(font_args)?;
    let prepared = read(path, &fonts)?;
    if !prepared.missing_glyphs.is_empty() {
        eprintln!("{}：有字符无法显示，未生成文件", path.display());
        return Err(REFUSED);
    }
    if prepared.inconsistent() && !options.allow_inconsistent {
        eprintln!(
            "{}：数据前后不一致，未生成文件；如需照原样重排已发布的报告，请加 --allow-inconsistent",
            path.display()
        );
        return Err(REFUSED);
    }
    // Typeset everything first, so that a failure writes no file at all.
    let mut outputs = Vec::new();
    for (format, target) in targets {
        let bytes = match format {
            Format::Pdf => pdf::render(&prepared.document, &fonts).map_err(|e| e.to_string()),
            Format::Docx => docx::render(&prepared.document, options.docx_fonts).map_err(|e| e.to_string()),
        };
        let bytes = bytes.map_err(|e| {
            eprintln!("{}：{e}", path.display());
            FAILED
        })?;
        outputs.push((target, bytes));
    }
    for (target, bytes) in outputs {
        if target == Path::new("-") {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&bytes).and_then(|()| stdout.flush()).map_err(|e| {
                eprintln!("写入标准输出失败：{e}");
                FAILED
            })?;
            continue;
        }
        output::write_atomic(target, &bytes).map_err(|e| {
            eprintln!("{}：无法写入：{e}", target.display());
            FAILED
        })?;
        eprintln!("{} → {}", path.display(), target.display());
    }
    Ok(())
}
