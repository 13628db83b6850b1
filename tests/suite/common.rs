//! Helpers for tests that run the real binary and read its outputs with
//! real tools (poppler's pdftotext, pdffonts, pdfinfo).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nianbao::layout::{grid_role_is_label, Cell, Document, Table};

/// Points per millimetre.
pub const MM: f64 = 72.0 / 25.4;

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// A fresh directory under the target directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run nianbao")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Renders `input` to `output`, asserting success.
pub fn render(input: &Path, output: &Path, extra: &[&str]) {
    let out = run(bin().arg("render").arg(input).arg("-o").arg(output).args(extra));
    assert!(out.status.success(), "render failed: {}", stderr(&out));
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed for the tests (poppler-utils): {e}"));
    assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

pub fn pdftotext(pdf: &Path) -> String {
    tool("pdftotext", &["-layout"], pdf)
}

/// `pdftotext -tsv`: every word with its box, as a user would save it.
pub fn pdftotext_tsv(pdf: &Path) -> String {
    tool("pdftotext", &["-tsv"], pdf)
}

/// `pdftotext` with no option: the text in reading order (the name is
/// older than [`pdftotext_stream`], which is `pdftotext -raw`).
pub fn pdftotext_raw(pdf: &Path) -> String {
    tool("pdftotext", &[], pdf)
}

/// `pdftotext -raw`: the text in the order it was drawn (a table cell's
/// lines together, however narrow the cell).
pub fn pdftotext_stream(pdf: &Path) -> String {
    tool("pdftotext", &["-raw"], pdf)
}

pub fn pdffonts(pdf: &Path) -> String {
    tool("pdffonts", &[], pdf)
}

pub fn pdfinfo(pdf: &Path) -> String {
    tool("pdfinfo", &[], pdf)
}

/// Writes a variant of a fixture with one JSON value replaced.
pub fn variant(dir: &Path, name: &str, base: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut doc: serde_json::Value = serde_json::from_str(&fixture_text(base)).unwrap();
    edit(&mut doc);
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    path
}

/// A word of `pdftotext -bbox`: page, box in points, text.
#[derive(Debug)]
pub struct Word {
    pub page: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

impl Word {
    /// A CJK bracket or stop at a line's start or end is set half-width
    /// (标点压缩), but pdftotext reports its full advance: half an em of
    /// slack on that side.
    pub fn slack_left(&self) -> f64 {
        if self.text.starts_with(|c| "（“《".contains(c)) {
            8.5
        } else {
            0.5
        }
    }

    pub fn slack_right(&self) -> f64 {
        if self.text.ends_with(|c| "，。、；：？！”）》".contains(c)) {
            8.5
        } else {
            0.5
        }
    }
}

pub fn words(pdf: &Path) -> Vec<Word> {
    let out = std::process::Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut page = 0;
    let mut out = Vec::new();
    for line in xml.lines() {
        if line.contains("<page ") {
            page += 1;
        } else if line.trim_start().starts_with("<word ") {
            let text = line.split('>').nth(1).unwrap().split('<').next().unwrap();
            let text = text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
            let (x0, y0, x1, y1) = (attr(line, "xMin"), attr(line, "yMin"), attr(line, "xMax"), attr(line, "yMax"));
            out.push(Word { page, x0, y0, x1, y1, text });
        }
    }
    // Reading order: page, then top to bottom, then left to right.
    out.sort_by(|a, b| (a.page, a.y0, a.x0).partial_cmp(&(b.page, b.y0, b.x0)).unwrap());
    out
}

/// The text of the columns a cell spans, top to bottom: the words whose
/// left edge falls there, in reading order. A label that wraps inside its
/// cell comes out whole in this stream.
fn cell_stream(words: &[Word], table: &Table, cell: &Cell) -> String {
    let edge = |c: usize| (28.0 + table.columns[..c].iter().sum::<f64>()) * MM;
    let (from, to) = (edge(cell.col), edge(cell.col + cell.colspan));
    words
        .iter()
        .filter(|w| w.x0 >= from - w.slack_left() && w.x0 < to - w.slack_left())
        .map(|w| w.text.as_str())
        .collect()
}

fn is_number(token: &str) -> bool {
    let t = token.strip_suffix('元').unwrap_or(token);
    let t = t.strip_prefix('-').unwrap_or(t);
    t.starts_with(|c: char| c.is_ascii_digit()) && t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// The numbers at the end of a `pdftotext -layout` line.
///
/// A unit after a number (`251000 元`) is joined to it: Word and
/// LibreOffice set a small gap between Latin and CJK text, which pdftotext
/// reads as a space.
fn trailing_numbers(line: &str) -> Vec<String> {
    let line = line.replace(" 元", "元");
    let mut nums: Vec<String> =
        line.split_whitespace().rev().take_while(|t| is_number(t)).map(str::to_string).collect();
    nums.reverse();
    nums
}

/// A tall label broken by a page break comes out with the repeated header
/// rows between its parts: its characters in order, within a short span.
fn split_across_pages(stream: &str, label: &str) -> bool {
    let chars: Vec<char> = stream.chars().collect();
    let want: Vec<char> = label.chars().collect();
    (0..chars.len()).filter(|&i| chars[i] == want[0]).any(|start| {
        let mut k = 0;
        for &c in chars[start..].iter().take(want.len() + 120) {
            if k < want.len() && c == want[k] {
                k += 1;
            }
        }
        k == want.len()
    })
}

/// Asserts that every label of the document's tables is in the PDF in its
/// cell's columns, and every row's values come out on one line beside its
/// label, rows in order.
pub fn assert_tables(pdf: &Path, doc: &Document, name: &str) {
    let words = words(pdf);
    let text = pdftotext(pdf);
    let lines: Vec<&str> = text.lines().collect();
    let mut cursor = 0;
    for table in doc.tables() {
        for cell in table.cells.iter().filter(|c| grid_role_is_label(c.role)) {
            let label: String = cell.text().split_whitespace().collect();
            let stream = cell_stream(&words, table, cell);
            assert!(
                stream.contains(&label) || (cell.rowspan > 1 && split_across_pages(&stream, &label)),
                "{name}: label {label} missing from column {}: {stream}",
                cell.col
            );
        }
        for row in table.header_rows..table.rows {
            let values: Vec<String> = table
                .cells
                .iter()
                .filter(|c| c.row == row && !grid_role_is_label(c.role))
                .map(|c| c.text())
                .filter(|t| !t.is_empty())
                .collect();
            if values.is_empty() {
                continue;
            }
            let found = (cursor..lines.len()).find(|&i| trailing_numbers(lines[i]) == values);
            let Some(at) = found else {
                panic!("{name}: row {row} values {values:?} not found in order after line {cursor}");
            };
            if let Some(label) = table.cells.iter().rfind(|c| c.row == row && grid_role_is_label(c.role)) {
                let head: String = label.text().chars().take(4).collect();
                let near = lines[at.saturating_sub(2)..(at + 3).min(lines.len())].iter().any(|l| l.contains(&head));
                assert!(near, "{name}: row {row} label {head} is not beside its numbers {values:?}");
            }
            cursor = at + 1;
        }
    }
}

/// A parsed XML element, for reading DOCX parts in tests.
#[derive(Debug, Default)]
pub struct Elem {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Elem>,
    pub text: String,
}

impl Elem {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Elem> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'a>(&'a self, name: &str, out: &mut Vec<&'a Elem>) {
        if self.name == name {
            out.push(self);
        }
        for c in &self.children {
            c.all(name, out);
        }
    }

    pub fn find_all(&self, name: &str) -> Vec<&Elem> {
        let mut out = Vec::new();
        self.all(name, &mut out);
        out
    }

    /// The text of every `w:t` below, joined.
    pub fn texts(&self) -> String {
        self.find_all("w:t").iter().map(|t| t.text.as_str()).collect()
    }
}

pub fn parse_xml(xml: &[u8]) -> Elem {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut stack = vec![Elem::default()];
    let mut buf = Vec::new();
    let decoder = reader.decoder();
    let open = |s: &quick_xml::events::BytesStart| Elem {
        name: String::from_utf8_lossy(s.name().as_ref()).into_owned(),
        attrs: s
            .attributes()
            .flatten()
            .map(|a| {
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder).unwrap().into_owned(),
                )
            })
            .collect(),
        ..Elem::default()
    };
    loop {
        match reader.read_event_into(&mut buf).unwrap() {
            Event::Eof => break,
            Event::Start(s) => stack.push(open(&s)),
            Event::Empty(s) => {
                let e = open(&s);
                stack.last_mut().unwrap().children.push(e);
            }
            Event::End(_) => {
                let e = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(e);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => match r.decode().unwrap().as_ref() {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("unknown entity {other}"),
                    },
                };
                stack.last_mut().unwrap().text.push_str(&text);
            }
            _ => {}
        }
        buf.clear();
    }
    stack.pop().unwrap()
}

/// The parts of a ZIP package by name.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().expect("UTF-8 entry names").to_string(), data)
        })
        .collect()
}

/// Converts a file with LibreOffice (`to`: `pdf`, `docx:MS Word 2007 XML`),
/// the Fandol fonts visible to it; the output lands in `dir`.
pub fn libreoffice(input: &Path, to: &str, dir: &Path) -> PathBuf {
    libreoffice_all(&[input.to_path_buf()], to, dir).remove(0)
}

/// [`libreoffice`] for many inputs in one run of LibreOffice (its start-up
/// is most of the time a conversion takes).
pub fn libreoffice_all(inputs: &[PathBuf], to: &str, dir: &Path) -> Vec<PathBuf> {
    let conf = dir.join("fonts.conf");
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?><fontconfig><include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include><dir>{}</dir><cachedir>{}</cachedir></fontconfig>",
            fonts.display(),
            dir.join("fc-cache").display()
        ),
    )
    .unwrap();
    let out = Command::new("soffice")
        .env("FONTCONFIG_FILE", &conf)
        .env("HOME", dir)
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(dir)
        .args(inputs)
        .output()
        .expect("LibreOffice (soffice) is needed for this test: apt-get install libreoffice-writer-nogui");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let extension = to.split(':').next().unwrap();
    inputs.iter().map(|input| dir.join(input.file_name().unwrap()).with_extension(extension)).collect()
}

/// What a report prints: its layout, without the JSON paths its runs came
/// from (which follow how the input spelt its rows).
pub fn printed(report: &nianbao::model::Report) -> serde_json::Value {
    fn without_sources(mut v: serde_json::Value) -> serde_json::Value {
        match &mut v {
            serde_json::Value::Object(map) => {
                map.remove("source");
                for value in map.values_mut() {
                    *value = without_sources(value.take());
                }
            }
            serde_json::Value::Array(items) => {
                for value in items {
                    *value = without_sources(value.take());
                }
            }
            _ => {}
        }
        v
    }
    without_sources(serde_json::to_value(nianbao::layout::build(report)).unwrap())
}

/// Every file below `dir`, relative, with its bytes.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// Starts a server (`serve`, `office`) with its output piped: the running
/// process and the first line it prints, its address.
pub fn spawn_server(cmd: &mut Command) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (child, line.trim().to_string())
}

/// Runs `tests/browser/SCRIPT` (Selenium driving headless Chromium) with
/// the binary and `args`; a failure shows what the script printed.
pub fn browser_test(script: &str, args: &[&Path]) {
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser").join(script))
        .arg(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("python3 runs the browser test");
    assert!(
        out.status.success(),
        "browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Where the browser tests put their screenshots.
pub fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
}

/// Text without its white space: what a PDF reader's line breaks and
/// spacing leave of it, to compare with what was written.
pub fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a line of a page's text is its page number (`— 3 —`, `-3-`).
pub fn page_number(line: &str) -> bool {
    line.trim_matches(|c: char| c == '—' || c == '-' || c.is_whitespace()).parse::<u32>().is_ok()
}
