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

/// 审核平台的数据库。
#[derive(clap::Args)]
pub struct OfficeDb {
    /// 数据库文件（SQLite），没有时新建；默认 nianbao-office.db。
    #[arg(long, global = true, default_value = "nianbao-office.db")]
    pub db: PathBuf,
}

/// `office` 的子命令。
#[derive(Subcommand)]
pub enum OfficeAction {
    /// 建立数据库和第一个管理员账号；密码从终端输入（或由标准输入读入一行）。
    Init {
        /// 管理员的登录账号。
        #[arg(long)]
        login: String,
        /// 管理员的姓名；默认同账号。
        #[arg(long)]
        name: Option<String>,
    },
    /// 服务运行时也可以做：把数据库完整、一致地复制到一个新文件。
    Backup {
        /// 备份文件；不能已经存在。
        out: PathBuf,
    },
}

/// 政府信息公开工作年度报告排版：按正式格式排出 PDF、可编辑的 Word 文件和网页，
/// 核对勾稽关系，导入往年已发布的报告，汇总各单位的报告。
#[derive(Parser)]
#[command(name = "nianbao", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// 排版一份报告：PDF、Word（DOCX）、网页（HTML）、Typst 源文件或 JSON。
    Render {
        /// 报告：JSON（输入约定），或已发布的报告（网页 .html、文字 .txt、
        /// Word .docx、PDF），读入时自动导入。
        report: PathBuf,
        /// 输出文件（--format typst 时为文件夹）；默认与输入同名、同目录，
        /// 扩展名 .pdf、.docx、.html 或 .typst；`-` 表示标准输出。有多种格式
        /// 时，各用这个路径配上自己的扩展名。文件夹不存在会自动建立。
        #[arg(short, long, value_parser = OsStringValueParser::new().map(Output::from))]
        output: Option<Output>,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// 检查一份报告：列出每一处问题；有拒绝排版的问题时退出码为 1。
    Check {
        /// 报告：JSON，或已发布的报告（网页、文字、Word、PDF）。
        report: PathBuf,
        #[command(flatten)]
        fonts: FontArgs,
        /// 同一机关去年的报告：核对今年“上年结转”是否等于去年“结转下年度继续
        /// 办理”，并提示五（或一）与去年雷同之处。
        #[arg(long, value_name = "LAST")]
        previous: Option<PathBuf>,
        /// 雷同达到多少（百分比）才提示；默认 60。
        #[arg(long, default_value_t = nianbao::repeats::DEFAULT_THRESHOLD, value_parser = clap::value_parser!(u32).range(1..=100))]
        repeat_threshold: u32,
    },
    /// 批量排版：文件，或文件夹（在其中查找 .json、.html/.htm/.shtml、.txt、
    /// .docx、.pdf）。
    Batch {
        /// 输入的文件或文件夹。
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// 输出文件夹；输出按输入的相对路径存放。不能就是输入文件夹。
        #[arg(short, long)]
        output: PathBuf,
        /// 同时处理几份；默认用满全部处理器。
        #[arg(long)]
        jobs: Option<usize>,
        /// 只处理排序后输入的第 I 份（共 N 份，从 1 数起），用于多台机器分担。
        #[arg(long, value_name = "I/N", value_parser = parse_shard)]
        shard: Option<(usize, usize)>,
        /// 上年结转与去年“结转下年度继续办理”不符时拒绝排版（默认只提示）。
        #[arg(long)]
        strict: bool,
        /// 把每份输入的结果（JSON）写到这里。
        #[arg(long, value_name = "FILE.json")]
        summary: Option<PathBuf>,
        /// 不显示进度。
        #[arg(long, short)]
        quiet: bool,
        /// 五（或一）与同一机关上一年的报告雷同达到多少（百分比）时提示；默认 60。
        #[arg(long, default_value_t = nianbao::repeats::DEFAULT_THRESHOLD, value_parser = clap::value_parser!(u32).range(1..=100))]
        repeat_threshold: u32,
        #[command(flatten)]
        render: RenderArgs,
    },
    /// 导入已发布的报告（网页、文字、Word、PDF），写成输入约定的 JSON。
    Import {
        /// 已发布的报告：保存的网页（.html、.htm、.shtml）、从网页复制的文字、
        /// Word 文件（.docx）或 PDF（也接受 `pdftotext -tsv` 的输出）。
        file: PathBuf,
        /// 输出文件；默认与输入同名、扩展名 .json；`-` 表示标准输出。
        #[arg(short, long, value_parser = OsStringValueParser::new().map(Output::from))]
        output: Option<Output>,
        /// 说明是怎样读出的：各部分的标题，各表每一行按哪一行读（按哪种写法、
        /// 相似度多少）。
        #[arg(long)]
        explain: bool,
    },
    /// 打开填报网页：在本机浏览器里填写文件夹中的报告，边填边检查、边看排版。
    Serve {
        /// 报告所在的文件夹；默认为当前文件夹。
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// 监听的地址，默认 127.0.0.1:8790（`127.0.0.1:0` 取一个空闲端口）。
        /// 不是本机地址时，同一网络里拿到网址的人都能编辑。
        #[arg(long, default_value = "127.0.0.1:8790")]
        listen: std::net::SocketAddr,
        /// 不打开浏览器，只打印网址。
        #[arg(long)]
        no_browser: bool,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// 政务公开办的审核平台：各机关在网页上填报、提交，审核人退回或通过，
    /// 地区的汇总随之更新；多人使用，要登录。不带子命令即启动服务。
    Office {
        #[command(subcommand)]
        action: Option<OfficeAction>,
        #[command(flatten)]
        db: OfficeDb,
        /// 监听的地址，默认 127.0.0.1:8791；放在反向代理（https）后面时仍用本机地址。
        #[arg(long, default_value = "127.0.0.1:8791")]
        listen: std::net::SocketAddr,
        /// 大家访问平台用的网址（例如 https://gongkai.example.gov.cn），用于邀请链接和
        /// 来源核对；是 https 时登录 Cookie 只经 https 发送。默认为监听地址。
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// 汇总：把同一年度、同一模板版本的各单位报告（任何可读的格式，或其文件夹）
    /// 的表格相加，写成汇总报告 JSON。
    Sum {
        /// 各单位的报告，或其文件夹。
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// 要写出的汇总报告 JSON。
        #[arg(short, long)]
        output: PathBuf,
        /// 汇总报告的机关（本机关自己的报告不计入）。
        #[arg(long)]
        agency: String,
        /// 应报机关名单：一行一个，或带机关列的 CSV（UTF-8 或 GBK），或 Excel
        /// 工作簿 .xlsx；列出缺报的、名单外的，以及可能是同一机关的。
        #[arg(long, value_name = "ROSTER")]
        roster: Option<PathBuf>,
        /// 已发布的汇总，与本次汇总逐格对照。
        #[arg(long, value_name = "PUBLISHED")]
        compare: Option<PathBuf>,
        /// 另写一个 Excel 工作簿：每个机关一行，最后一行为合计。
        #[arg(long, value_name = "FIGURES.xlsx")]
        sheet: Option<PathBuf>,
        /// 自身数字不一致的报告也计入（默认不计入）。
        #[arg(long)]
        allow_inconsistent: bool,
    },
    /// 新建一份空白报告：表格各格空白、各部分待填写（手工填，或用 nianbao serve）。
    New {
        /// 报告机关。
        #[arg(long)]
        agency: String,
        /// 报告年度。
        #[arg(long)]
        year: i64,
        /// 模板版本：2019 或 2021；默认按年度。
        #[arg(long, value_name = "2019|2021")]
        format: Option<String>,
        /// 本机关去年的报告（任何可读的格式）：其“四、结转下年度继续办理”作为
        /// 今年的“二、上年结转”。
        #[arg(long, value_name = "LAST")]
        from: Option<PathBuf>,
        /// 落款的成文日期，如 2025年1月20日；落款机关即报告机关。
        #[arg(long)]
        date: Option<String>,
        /// 要写出的报告 JSON；已存在的文件不会被覆盖。
        #[arg(short, long)]
        output: PathBuf,
    },
    /// 打印输入约定的 JSON Schema（供编辑器校验）。
    Schema,
    /// 生成一批合规的示例报告（批量处理和测速用的测试数据）。
    Example {
        /// 生成几份；默认 10。
        #[arg(long, default_value_t = 10)]
        count: usize,
        /// 随机种子：同一种子生成同样的报告；默认 1。
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// 写到这个文件夹。
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(clap::Args)]
pub struct RenderArgs {
    /// 输出格式（可重复，一次写几种）：pdf、docx、html（一个独立的网页）、
    /// typst（含 main.typ 和 layout.json 的文件夹，供 Typst 命令行用）、json
    /// （输入约定的报告，如导入的网页）；默认按输出文件的扩展名，否则为 pdf。
    #[arg(long = "format", value_enum)]
    pub formats: Vec<FormatArg>,
    /// Word 文件里写的字体：official 为公文字体（方正小标宋简体、仿宋_GB2312
    /// 等，写报告的电脑上都有，默认），fandol 为随程序附带的 Fandol 字体。
    #[arg(long, value_enum, default_value = "official")]
    docx_fonts: DocxFontsArg,
    /// 让 PDF 符合某个标准（可重复）：a-2b、a-2u、a-2a、a-3b、a-3u、a-3a、
    /// a-4、a-4f、a-4e（PDF/A，归档用）、ua-1，或 PDF 版本（1.4 … 2.0）。
    #[arg(long = "pdf-standard", value_name = "STANDARD", value_enum)]
    pdf_standards: Vec<PdfStandardArg>,
    /// 数字对不上也照样排版（用于照原样重排已发布的报告）；每处问题仍会列出。
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
    /// 加入 DIR 中的字体（可重复）；其中的公文字体（方正小标宋简体、仿宋_GB2312、
    /// 楷体_GB2312、黑体、宋体）优先使用。
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
