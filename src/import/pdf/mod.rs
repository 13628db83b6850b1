//! PDF text by position: every word `pdftotext -tsv` (poppler) reads off a
//! page, with its box.
//!
//! Plain extracted text loses what an exact import needs: a blank cell
//! leaves no trace, the lines of a tall merged label interleave with their
//! neighbours', and a wrapped line cannot be told from a new paragraph. So
//! the words are put back together by where they stand: body lines into
//! paragraphs by their first-line indent and short last lines, the tables
//! (in smaller print, or in sections 二 to 四) into rows and columns found
//! by the official labels ([`table`]).

mod table;
mod words;

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{ImportError, Item, Place};
use crate::form::variants::{opens_section, section_of};
use words::Line;
pub use words::TSV_HEADER;

/// How long `pdftotext` may run on one PDF (wall clock). A real report of
/// 20 pages takes well under a second; a hostile one (form XObjects nested
/// to draw each other 2^40 times) would run for ever.
const TIME_LIMIT: Duration = Duration::from_secs(15);
/// The most `pdftotext -tsv` may print for one PDF: a 100-page report
/// prints under 5 MB.
const OUTPUT_LIMIT: u64 = 64 * 1024 * 1024;
/// The most memory `pdftotext` may take (its address space).
const MEMORY_LIMIT: u64 = 1024 * 1024 * 1024;

/// Runs poppler's `pdftotext -tsv` on a PDF, bounded: killed past
/// [`TIME_LIMIT`] or [`OUTPUT_LIMIT`], held to [`MEMORY_LIMIT`] by the
/// kernel, and killed with nianbao if nianbao goes first.
pub fn extract(pdf: &[u8]) -> Result<String, ImportError> {
    let mut command = Command::new("pdftotext");
    command
        .args(["-tsv", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: between fork and exec only async-signal-safe calls, on
    // plain integers and a stack struct.
    unsafe {
        command.pre_exec(|| {
            let memory = libc::rlimit { rlim_cur: MEMORY_LIMIT, rlim_max: MEMORY_LIMIT };
            let cpu = TIME_LIMIT.as_secs() + 1;
            let cpu = libc::rlimit { rlim_cur: cpu, rlim_max: cpu };
            if libc::setrlimit(libc::RLIMIT_AS, &memory) != 0
                || libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0
                || libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|e| {
        ImportError::tool(format!(
            "读取 PDF 需要 poppler 的 pdftotext（Debian/Ubuntu：apt install poppler-utils），无法运行：{e}"
        ))
    })?;
    let mut stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let pdf = pdf.to_vec();
    // Fed and read from threads: pdftotext may fill its output pipe before
    // it has read all of its input.
    let feeder = std::thread::spawn(move || stdin.write_all(&pdf));
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.take(OUTPUT_LIMIT + 1).read_to_end(&mut out).map(|_| out)
    });
    let errors = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stderr.take(64 * 1024).read_to_end(&mut out);
        out
    });
    let deadline = Instant::now() + TIME_LIMIT;
    // Past the output limit the reader stops and drops the pipe, and
    // pdftotext ends on its next write.
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => break None,
        }
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(ImportError::new(
            &Place::Whole,
            format!(
                "pdftotext 读这个 PDF 超过 {} 秒仍未读完，已停止：文件可能有损坏或被构造成无法读完",
                TIME_LIMIT.as_secs()
            ),
        ));
    };
    let output = reader.join().unwrap_or_else(|_| Ok(Vec::new()));
    let fed = feeder.join().unwrap_or(Ok(()));
    let errors = errors.join().unwrap_or_default();
    let output = output.map_err(|e| ImportError::tool(format!("pdftotext 运行失败：{e}")))?;
    if output.len() as u64 > OUTPUT_LIMIT {
        return Err(ImportError::new(
            &Place::Whole,
            format!("pdftotext 从这个 PDF 读出的文字超过 {} MB，不像一份年报，已停止", OUTPUT_LIMIT >> 20),
        ));
    }
    if !status.success() || fed.is_err() {
        let why = String::from_utf8_lossy(&errors).trim().to_string();
        let why = if why.is_empty() && status.code().is_none() {
            "被系统终止（超出时间或内存上限）".into()
        } else {
            why
        };
        return Err(ImportError::new(&Place::Whole, format!("pdftotext 读不了这个 PDF：{why}")));
    }
    String::from_utf8(output).map_err(|_| ImportError::new(&Place::Whole, "pdftotext 的输出不是 UTF-8"))
}

/// The paragraphs and table rows of a PDF, from its `pdftotext -tsv` words.
pub fn items(tsv: &str) -> Result<Vec<Item>, ImportError> {
    let lines: Vec<Line> =
        words::lines(words::parse(tsv)?).into_iter().filter(|l| !super::is_furniture(&l.text())).collect();
    let Some(body) = body_height(&lines) else {
        let message = if lines.is_empty() {
            "PDF 里读不出文字（扫描的图片？）"
        } else {
            "PDF 里找不到“一、总体情况”"
        };
        return Err(ImportError::new(&Place::Whole, message));
    };
    let starts = section_starts(&lines, body);
    let tables = table_lines(&lines, body, &starts);
    let (left, right) = text_block(lines.iter().zip(&tables).filter(|(_, t)| !**t).map(|(l, _)| l), body);
    // Which section a table stands in: how many headings come before it.
    let section_at = |i: usize| starts.iter().filter(|&&s| s < i).count();
    let mut reader = Reader { out: Vec::new(), para: None, format: None, last_table: None };
    let mut table: Vec<&Line> = Vec::new();
    let mut table_section = 0;
    for (i, (line, &in_table)) in lines.iter().zip(&tables).enumerate() {
        if in_table {
            reader.end_paragraph();
            if table.is_empty() {
                table_section = section_at(i);
            }
            table.push(line);
            continue;
        }
        if !table.is_empty() {
            reader.table(&table, table_section)?;
            table.clear();
        }
        let title = line.height() > 1.15 * body;
        let text = line.text();
        match &mut reader.para {
            // Title lines run on; a body line runs on from a full line
            // before it, unless it is indented.
            Some(p) if p.title == title && (title || p.full && line.x0() < left + 0.5 * body) => {
                p.text = join_lines(&p.text, &text);
                p.full = line.x1() > right - 0.5 * body;
            }
            _ => {
                reader.end_paragraph();
                let full = line.x1() > right - 0.5 * body;
                reader.para = Some(Para { text, at: line.at(), title, full });
            }
        }
    }
    reader.end_paragraph();
    if !table.is_empty() {
        reader.table(&table, table_section)?;
    }
    Ok(reader.out)
}

struct Para {
    text: String,
    at: Place,
    title: bool,
    /// Whether its last line reaches the right edge (and so may go on).
    full: bool,
}

struct Reader {
    out: Vec<Item>,
    para: Option<Para>,
    /// The template version, once table A's header has told it.
    format: Option<crate::form::Version>,
    /// The section the last table stood in: each has one.
    last_table: Option<usize>,
}

impl Reader {
    fn end_paragraph(&mut self) {
        if let Some(p) = self.para.take() {
            self.out.push(Item::Para { text: p.text, heading: None, at: p.at });
        }
    }

    /// A table in section `section` (how many headings come before it):
    /// 2 is table A, 3 table B, 4 table C.
    fn table(&mut self, lines: &[&Line], section: usize) -> Result<(), ImportError> {
        let words = lines.iter().flat_map(|l| &l.words).collect();
        let table = table::Table::new(words);
        if self.last_table == Some(section) {
            let heading = crate::form::SECTIONS.get(section).unwrap_or(&"");
            return Err(ImportError::new(&lines[0].at(), format!("这张表格之前找不到“{heading}”")));
        }
        self.last_table = Some(section);
        match section {
            2 => {
                let (format, rows) = table.proactive()?;
                self.format = Some(format);
                self.out.extend(rows);
            }
            3 => self.out.extend(table.applications(self.format.unwrap_or(crate::form::Version::F2021))?),
            4 => self.out.push(table.review_litigation()?),
            _ => return Err(ImportError::new(&lines[0].at(), "这里有表格，但表格只应在二、三、四部分")),
        }
        Ok(())
    }
}

/// The height of body text: that of the heading 一、, which is set in the
/// body size (there may be more table print than prose in a report).
fn body_height(lines: &[Line]) -> Option<f64> {
    lines.iter().find(|l| section_of(&l.text()) == Some(0)).map(Line::height)
}

/// Where the section headings stand, in order (a line of body size that
/// opens the next section; table B's 四、结转下年度继续办理 does not).
fn section_starts(lines: &[Line], body: f64) -> Vec<usize> {
    let mut starts: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let text = line.text();
        if line.height() >= 0.85 * body
            && starts.len() < 6
            && opens_section(&text, starts.len())
            && !table::is_row_label(&text)
        {
            starts.push(i);
        }
    }
    starts
}

/// Which lines belong to tables: those set smaller than the body, and,
/// when all of 二 to 五 are found, in a section of 二, 三 or 四 that has no
/// line set smaller (some PDFs set their tables in the body size), every
/// line but its heading. Where a section's table is set smaller, the body
/// lines around it are prose (`table_prose`).
fn table_lines(lines: &[Line], body: f64, starts: &[usize]) -> Vec<bool> {
    let small = |line: &Line| line.height() < 0.85 * body;
    // The body-size sections: (heading, next heading).
    let body_sized: Vec<(usize, usize)> = match starts {
        [_, s1, s2, s3, s4, ..] => [(*s1, *s2), (*s2, *s3), (*s3, *s4)]
            .into_iter()
            .filter(|&(a, b)| !lines[a + 1..b].iter().any(small))
            .collect(),
        _ => Vec::new(),
    };
    lines.iter().enumerate().map(|(i, line)| small(line) || body_sized.iter().any(|&(a, b)| i > a && i < b)).collect()
}

/// The edges of the text block: where body lines begin at the leftmost,
/// and where most of them end (a punctuation mark may hang beyond).
fn text_block<'a>(lines: impl Iterator<Item = &'a Line> + Clone, body: f64) -> (f64, f64) {
    let body_lines = || lines.clone().filter(|l| (l.height() - body).abs() < 0.15 * body);
    let mut ends: Vec<(i64, usize)> = Vec::new();
    for line in body_lines() {
        let key = line.x1().round() as i64;
        match ends.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => ends.push((key, 1)),
        }
    }
    let right = ends.iter().max_by_key(|(k, n)| (*n, *k)).map_or(f64::INFINITY, |(k, _)| *k as f64);
    (body_lines().map(Line::x0).fold(f64::INFINITY, f64::min), right)
}

/// Joins a wrapped line to the one before: Chinese runs on; two Latin
/// words were parted by the space the line broke at.
fn join_lines(before: &str, after: &str) -> String {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let space = latin(before.chars().last()) && latin(after.chars().next());
    format!("{before}{}{after}", if space { " " } else { "" })
}
