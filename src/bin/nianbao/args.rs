//! The command line as clap parses it (clap types only), mapped into the
//! library's types with `From`. [`crate::plan`] resolves it once into what
//! to do.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::builder::{OsStringValueParser, TypedValueParser};
use clap::{Parser, Subcommand};

use nianbao::docx::DocxFonts;
use nianbao::format::Format;
use nianbao::pdf::PdfStandard;
use nianbao::render::Settings;

/// Typesets a 政府信息公开工作年度报告 from JSON into an official-format PDF
/// and an editable DOCX.
#[derive(Parser)]
#[command(name = "nianbao", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Render a report to PDF, DOCX, its Typst source and/or its JSON.
    Render {
        /// The report: JSON (input contract v1), or a published report
        /// (.html page, .txt, .docx, .pdf) imported on the way.
        report: PathBuf,
        /// Output file (a folder for --format typst); default: beside the
        /// input with `.pdf`, `.docx` or `.typst`; `-` for stdout. With
        /// several formats, each gets this path with its own extension.
        #[arg(short, long, value_parser = OsStringValueParser::new().map(Output::from))]
        output: Option<Output>,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// Check a report: print every finding; exit 1 if any refuses it.
    Check {
        report: PathBuf,
        #[command(flatten)]
        fonts: FontArgs,
        /// Last year's report of the same agency: a note where 五 (or 一)
        /// repeats its text.
        #[arg(long, value_name = "LAST")]
        previous: Option<PathBuf>,
        /// The share of repeated text (percent) from which that note is given.
        #[arg(long, default_value_t = nianbao::repeats::DEFAULT_THRESHOLD, value_parser = clap::value_parser!(u32).range(1..=100))]
        repeat_threshold: u32,
    },
    /// Render many reports: files, or folders searched for reports (.json,
    /// .html/.htm/.shtml, .txt, .docx, .pdf).
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
        /// Note a report whose 五 (or 一) repeats the same agency's previous
        /// year from this share of repeated text (percent).
        #[arg(long, default_value_t = nianbao::repeats::DEFAULT_THRESHOLD, value_parser = clap::value_parser!(u32).range(1..=100))]
        repeat_threshold: u32,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// Import a published report (web page, text, .docx or .pdf) into the
    /// input contract.
    Import {
        /// The published report: a saved web page (.html, .htm, .shtml),
        /// text copied from the page, a Word file (.docx), or a PDF (.pdf,
        /// read in process; `pdftotext -tsv` output is accepted too).
        file: PathBuf,
        /// Output file; default: beside the input with `.json`; `-` for stdout.
        #[arg(short, long, value_parser = OsStringValueParser::new().map(Output::from))]
        output: Option<Output>,
        /// Print how the report was read: each section's heading, and which
        /// row each table label was read as (and by which variant).
        #[arg(long)]
        explain: bool,
    },
    /// Open the writer's desk: a local web form for the reports in DIR,
    /// checked and typeset as you type.
    Serve {
        /// The folder of reports; default: the current folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Address to listen on (`127.0.0.1:0` takes a free port). Anything
        /// but loopback lets others on that network edit, with the URL.
        #[arg(long, default_value = "127.0.0.1:8790")]
        listen: std::net::SocketAddr,
        /// Do not open a browser; just print the URL.
        #[arg(long)]
        no_browser: bool,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Add up the tables of reports of one year and template version (any
    /// input kind, or folders of them) into a 汇总 report JSON.
    Sum {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The 汇总 report JSON to write.
        #[arg(short, long)]
        output: PathBuf,
        /// The office the 汇总 is for.
        #[arg(long)]
        agency: String,
        /// Agencies expected to report: one a line, or a CSV with an agency
        /// column; who is missing, and who is not on it, are listed.
        #[arg(long, value_name = "ROSTER")]
        roster: Option<PathBuf>,
        /// A published 汇总 to set against the sum, cell by cell.
        #[arg(long, value_name = "PUBLISHED")]
        compare: Option<PathBuf>,
        /// Also write an Excel workbook: a row per agency, the sum last.
        #[arg(long, value_name = "FIGURES.xlsx")]
        sheet: Option<PathBuf>,
        /// Add up reports that do not add up themselves, too (they are left
        /// out otherwise).
        #[arg(long)]
        allow_inconsistent: bool,
    },
    /// Start a blank report: every table cell blank, every section empty,
    /// ready to fill in (by hand, or in `nianbao serve`).
    New {
        /// The reporting agency.
        #[arg(long)]
        agency: String,
        /// The report year.
        #[arg(long)]
        year: i64,
        /// The template version, 2019 or 2021; default: the year's.
        #[arg(long, value_name = "2019|2021")]
        format: Option<String>,
        /// Last year's report of the agency (any input kind): its
        /// 四、结转下年度继续办理 becomes this year's 二、上年结转.
        #[arg(long, value_name = "LAST")]
        from: Option<PathBuf>,
        /// The signature's date (成文日期), e.g. 2025年1月20日; the agency
        /// signs it.
        #[arg(long)]
        date: Option<String>,
        /// The report JSON to write; an existing file is never replaced.
        #[arg(short, long)]
        output: PathBuf,
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
pub struct RenderArgs {
    /// Output format (repeatable to write several): pdf, docx, typst (a
    /// folder with main.typ and layout.json for the Typst CLI), or json
    /// (the report in the input contract, e.g. of an imported page), or
    /// html (one self-contained web page); default: from the output's
    /// extension, else pdf.
    #[arg(long = "format", value_enum)]
    pub formats: Vec<FormatArg>,
    /// Font families the DOCX names: the official ones the users' machines
    /// have, or the bundled Fandol families.
    #[arg(long, value_enum, default_value = "official")]
    docx_fonts: DocxFontsArg,
    /// Make the PDF conform to a standard (repeatable): a-2b, a-2u, a-2a,
    /// a-3b, a-3u, a-3a, a-4, a-4f, a-4e (PDF/A, for archives), ua-1, or a
    /// PDF version (1.4 … 2.0).
    #[arg(long = "pdf-standard", value_name = "STANDARD", value_enum)]
    pdf_standards: Vec<PdfStandardArg>,
    /// Render even if the numbers do not add up (to reproduce what was
    /// published); every finding is still printed.
    #[arg(long)]
    pub allow_inconsistent: bool,
    #[command(flatten)]
    pub fonts: FontArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Pdf,
    Docx,
    Typst,
    Json,
    Html,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Docx => Format::Docx,
            FormatArg::Typst => Format::Typst,
            FormatArg::Json => Format::Json,
            FormatArg::Html => Format::Html,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DocxFontsArg {
    Official,
    Fandol,
}

impl From<DocxFontsArg> for DocxFonts {
    fn from(f: DocxFontsArg) -> DocxFonts {
        match f {
            DocxFontsArg::Official => DocxFonts::Official,
            DocxFontsArg::Fandol => DocxFonts::Fandol,
        }
    }
}

#[derive(clap::Args)]
pub struct FontArgs {
    /// Add the fonts in DIR (repeatable); official families found there
    /// (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体, 宋体) are used first.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_path: Vec<PathBuf>,
}

impl From<&RenderArgs> for Settings {
    fn from(args: &RenderArgs) -> Settings {
        Settings {
            docx_fonts: args.docx_fonts.into(),
            pdf_standards: args.pdf_standards.iter().map(|&s| s.into()).collect(),
        }
    }
}

/// Where an output goes: standard output (`-`) or a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    Stdout,
    Path(PathBuf),
}

impl From<OsString> for Output {
    fn from(s: OsString) -> Output {
        if s == "-" {
            Output::Stdout
        } else {
            Output::Path(s.into())
        }
    }
}

/// The standards Typst can make a PDF conform to, by the names Typst's own
/// command line gives them.
#[derive(Clone, Copy, clap::ValueEnum)]
enum PdfStandardArg {
    #[value(name = "1.4")]
    V1_4,
    #[value(name = "1.5")]
    V1_5,
    #[value(name = "1.6")]
    V1_6,
    #[value(name = "1.7")]
    V1_7,
    #[value(name = "2.0")]
    V2_0,
    #[value(name = "a-1b")]
    A1b,
    #[value(name = "a-1a")]
    A1a,
    #[value(name = "a-2b")]
    A2b,
    #[value(name = "a-2u")]
    A2u,
    #[value(name = "a-2a")]
    A2a,
    #[value(name = "a-3b")]
    A3b,
    #[value(name = "a-3u")]
    A3u,
    #[value(name = "a-3a")]
    A3a,
    #[value(name = "a-4")]
    A4,
    #[value(name = "a-4f")]
    A4f,
    #[value(name = "a-4e")]
    A4e,
    #[value(name = "ua-1")]
    Ua1,
}

impl From<PdfStandardArg> for PdfStandard {
    fn from(s: PdfStandardArg) -> PdfStandard {
        match s {
            PdfStandardArg::V1_4 => PdfStandard::V_1_4,
            PdfStandardArg::V1_5 => PdfStandard::V_1_5,
            PdfStandardArg::V1_6 => PdfStandard::V_1_6,
            PdfStandardArg::V1_7 => PdfStandard::V_1_7,
            PdfStandardArg::V2_0 => PdfStandard::V_2_0,
            PdfStandardArg::A1b => PdfStandard::A_1b,
            PdfStandardArg::A1a => PdfStandard::A_1a,
            PdfStandardArg::A2b => PdfStandard::A_2b,
            PdfStandardArg::A2u => PdfStandard::A_2u,
            PdfStandardArg::A2a => PdfStandard::A_2a,
            PdfStandardArg::A3b => PdfStandard::A_3b,
            PdfStandardArg::A3u => PdfStandard::A_3u,
            PdfStandardArg::A3a => PdfStandard::A_3a,
            PdfStandardArg::A4 => PdfStandard::A_4,
            PdfStandardArg::A4f => PdfStandard::A_4f,
            PdfStandardArg::A4e => PdfStandard::A_4e,
            PdfStandardArg::Ua1 => PdfStandard::Ua_1,
        }
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s.split_once('/').ok_or("写成 I/N，如 2/8")?;
    let (i, n): (usize, usize) = (i.parse().map_err(|_| "I 须为正整数")?, n.parse().map_err(|_| "N 须为正整数")?);
    if n == 0 || i == 0 || i > n {
        return Err(format!("分片 {i}/{n} 不存在：I 须在 1 到 N 之间"));
    }
    Ok((i, n))
}
