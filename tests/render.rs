//! The three fixtures rendered by the real binary and read back with
//! poppler: every table label and number in its row, fonts embedded and
//! subset, A4 pages on the GB/T 9704 grid, deterministic bytes, user text
//! printed literally.

mod common;

use std::path::Path;

use common::*;
use nianbao::layout::{self, grid_role_is_label, Block, Cell, Table};

const FIXTURES: [&str; 3] = ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"];
const MM: f64 = 72.0 / 25.4;

fn document(name: &str) -> layout::Document {
    layout::build(&nianbao::model::parse_str(&fixture_text(name)).unwrap())
}

/// A word of `pdftotext -bbox`: page, box in points, text.
#[derive(Debug)]
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    text: String,
}

impl Word {
    /// A CJK bracket or stop at a line's start or end is set half-width
    /// (标点压缩), but pdftotext reports its full advance: half an em of
    /// slack on that side.
    fn slack_left(&self) -> f64 {
        if self.text.starts_with(|c| "（“《".contains(c)) {
            8.5
        } else {
            0.5
        }
    }

    fn slack_right(&self) -> f64 {
        if self.text.ends_with(|c| "，。、；：？！”）》".contains(c)) {
            8.5
        } else {
            0.5
        }
    }
}

fn words(pdf: &Path) -> Vec<Word> {
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
            out.push(Word { page, x0: attr(line, "xMin"), y0: attr(line, "yMin"), x1: attr(line, "xMax"), text });
        }
    }
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
fn trailing_numbers(line: &str) -> Vec<&str> {
    let mut nums: Vec<&str> = line.split_whitespace().rev().take_while(|t| is_number(t)).collect();
    nums.reverse();
    nums
}

#[test]
fn every_label_and_number_is_in_its_row() {
    let dir = scratch("labels");
    for name in FIXTURES {
        let pdf = dir.join(name).with_extension("pdf");
        render(&fixture(name), &pdf, &[]);
        let doc = document(name);
        let words = words(&pdf);
        let text = pdftotext(&pdf);
        let lines: Vec<&str> = text.lines().collect();
        let mut cursor = 0;
        for table in doc.tables() {
            for cell in table.cells.iter().filter(|c| grid_role_is_label(c.role)) {
                let label: String = cell.text().split_whitespace().collect();
                let stream = cell_stream(&words, table, cell);
                assert!(stream.contains(&label), "{name}: label {label} missing from column {}", cell.col);
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
        for heading in doc.blocks.iter().filter_map(|b| match b {
            Block::Heading { runs, .. } => Some(runs[0].text.clone()),
            _ => None,
        }) {
            assert!(text.contains(&heading), "{name}: heading {heading}");
        }
    }
}

#[test]
fn fonts_are_embedded_and_subset_and_pages_are_a4() {
    let dir = scratch("fonts");
    let pdf = dir.join("beiguan.pdf");
    render(&fixture("beiguan-2023.json"), &pdf, &[]);
    let fonts = pdffonts(&pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 5, "{fonts}");
    for family in ["FandolSong-Bold", "FandolHei", "FandolFang", "FandolKai", "FandolSong-Regular"] {
        assert!(rows.iter().any(|r| r.contains(family)), "{family} missing: {fonts}");
    }
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!((cols[n - 5], cols[n - 4]), ("yes", "yes"), "embedded and subset: {row}");
        assert!(cols[0].chars().nth(6) == Some('+'), "subset prefix: {row}");
    }
    // Table B breaks across pages in the seed: its header rows repeat.
    assert_eq!(pdftotext(&pdf).matches("申请人情况").count(), 2);
    let info = pdfinfo(&pdf);
    assert!(info.contains("Page size:       595.276 x 841.89 pts (A4)"), "{info}");
    assert!(info.contains("Title:           北关区乡村振兴局2023年政府信息公开工作年度报告"), "{info}");
    assert!(info.contains("Author:          北关区乡村振兴局"), "{info}");
    assert!(!info.contains("CreationDate"), "no wall-clock date: {info}");
}

#[test]
fn pages_follow_the_gb_t_9704_grid() {
    let dir = scratch("grid");
    let pdf = dir.join("pingtan.pdf");
    render(&fixture("pingtan-2023.json"), &pdf, &[]);
    let words = words(&pdf);
    let (left, right, top, bottom) = (28.0 * MM, (210.0 - 26.0) * MM, 37.0 * MM, (297.0 - 35.0) * MM);
    for w in &words {
        assert!(w.x0 >= left - w.slack_left() && w.x1 <= right + w.slack_right(), "outside the text block: {w:?}");
    }
    // Page 2 is all prose: 22 lines at a pitch of 225 mm / 22, from the top edge.
    let mut ys: Vec<f64> = words.iter().filter(|w| w.page == 2 && w.y0 < bottom).map(|w| w.y0).collect();
    ys.sort_by(f64::total_cmp);
    ys.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    assert_eq!(ys.len(), 22, "{ys:?}");
    assert!((ys[0] - top).abs() < 0.5, "first line at the top margin: {}", ys[0]);
    for pair in ys.windows(2) {
        assert!((pair[1] - pair[0] - 225.0 * MM / 22.0).abs() < 0.05, "line pitch {pair:?}");
    }
    // 28 characters to a full line of CJK text. Typst compresses a pair of
    // adjacent punctuation marks to make room, so a line with several may
    // hold 29; the grid is what most full lines show.
    let text = pdftotext_raw(&pdf);
    let full: Vec<usize> = text
        .lines()
        .filter(|l| l.chars().all(|c| !c.is_ascii()))
        .map(|l| l.chars().count())
        .filter(|n| *n >= 28)
        .collect();
    let at = |n: usize| full.iter().filter(|&&k| k == n).count();
    assert!(at(28) > full.len() / 2, "most full lines hold 28 characters: {full:?}");
    assert!(full.iter().all(|n| (28..=29).contains(n)), "{full:?}");
    // Page numbers: 7 mm below the text block, odd pages right, even left, one 14 pt character in.
    for w in words.iter().filter(|w| w.y0 > bottom) {
        assert!((w.y0 - bottom - 7.0 * MM).abs() < 1.5 * MM, "page number height {w:?}");
    }
    let number = |page: usize| words.iter().filter(|w| w.page == page && w.y0 > bottom).collect::<Vec<_>>();
    let odd = number(1);
    assert!((odd.last().unwrap().x1 - (right - 14.0)).abs() < 4.0, "odd page number at the right: {odd:?}");
    let even = number(2);
    assert!((even[0].x0 - (left + 14.0)).abs() < 1.0, "even page number at the left: {even:?}");
    let page_text = std::process::Command::new("pdftotext")
        .args(["-f", "2", "-l", "2", "-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&page_text.stdout).contains("—2—"));
}

#[test]
fn same_input_same_bytes_and_stdout() {
    let dir = scratch("determinism");
    let (a, b) = (dir.join("a.pdf"), dir.join("b.pdf"));
    render(&fixture("shanghai-govoffice-2019.json"), &a, &[]);
    render(&fixture("shanghai-govoffice-2019.json"), &b, &[]);
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap());
    let out = run(bin().arg("render").arg(fixture("shanghai-govoffice-2019.json")).args(["-o", "-"]));
    assert!(out.status.success());
    assert_eq!(out.stdout, bytes);
}

#[test]
fn default_output_is_beside_the_input() {
    let dir = scratch("beside");
    let input = dir.join("report.json");
    std::fs::copy(fixture("beiguan-2023.json"), &input).unwrap();
    let out = run(bin().arg("render").arg(&input));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(dir.join("report.pdf")).unwrap().starts_with(b"%PDF-"));
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no temporary files left: {leftovers:?}");
}

#[test]
fn user_text_is_printed_literally() {
    let dir = scratch("literal");
    let hostile = [
        "#panic()",
        "*x*",
        "$x$",
        "<a>",
        "@b",
        "\\",
        "#read(\"/etc/passwd\")",
        "#import \"@preview/x:0.1.0\"",
        "] [ \" // /* _y_ `z`",
    ];
    let input = variant(&dir, "report.json", "beiguan-2023.json", |d| {
        d["other_matters"] = serde_json::json!(hostile.iter().map(|s| format!("甲{s}乙")).collect::<Vec<_>>());
        d["agency"] = serde_json::json!("#set page(width: 1cm)局");
    });
    let pdf = dir.join("report.pdf");
    render(&input, &pdf, &[]);
    let text: String = pdftotext_raw(&pdf).split_whitespace().collect();
    for s in hostile {
        let expected: String = format!("甲{s}乙").split_whitespace().collect();
        assert!(text.contains(&expected), "{s} not printed literally");
    }
    assert!(text.contains("#setpage(width:1cm)局"));
    assert!(!text.contains("root:x:0"), "no file was read");
    assert!(pdfinfo(&pdf).contains("(A4)"));
}

#[test]
fn schema_describes_the_contract() {
    let out = run(bin().arg("schema"));
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(
        required,
        ["year", "agency", "overview", "proactive", "applications", "review_litigation", "problems", "other_matters"]
    );
    assert_eq!(schema["additionalProperties"], false);
    let b2021 = &schema["properties"]["applications"]["oneOf"][0];
    assert!(b2021["properties"]["results"]["properties"]["other"]["properties"]["unpaid_fee"].is_object());
    let b2019 = &schema["properties"]["applications"]["oneOf"][1];
    assert!(b2019["properties"]["results"]["properties"]["other"]["oneOf"].is_array());
    assert!(schema["properties"]["proactive"]["oneOf"][1]["properties"]["procurement"].is_object());
}
