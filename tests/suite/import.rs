//! Import: the published reports back to their JSON, number for number and
//! block for block; round trips through the DOCX; damaged sources refused
//! with the place named.

use std::path::Path;

use crate::common::*;
use nianbao::model::{self, Report};

/// A report with the JSON spelling choices (row forms) set aside.
fn canonical(report: &Report) -> serde_json::Value {
    model::to_json(report)
}

fn fixture_report(name: &str) -> Report {
    model::parse_str(&fixture_text(name)).unwrap()
}

fn published(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/published").join(name)
}

/// Imports `path` with the binary into a folder of its own (tests run in
/// parallel and import files of the same name).
fn import(path: &Path) -> (Report, String) {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = scratch(&format!("import-out-{}", RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    let out = dir.join("out.json");
    let run = run(bin().arg("import").arg(path).arg("-o").arg(&out));
    assert!(run.status.success(), "{}", stderr(&run));
    let text = std::fs::read_to_string(&out).unwrap();
    (model::parse_str(&text).unwrap(), stderr(&run))
}

#[test]
fn the_published_reports_import_to_their_json() {
    for (text, json) in [
        ("beiguan-2023.txt", "beiguan-2023.json"),
        ("pingtan_2023.txt", "pingtan-2023.json"),
        ("shanghai_govoffice_2019.txt", "shanghai-govoffice-2019.json"),
        // The same Shanghai report as its page's content, from another CMS
        // than the corpus's: `&nbsp;` cells, merged labels, a <br> heading.
        ("shanghai_govoffice_2019.html", "shanghai-govoffice-2019.json"),
    ] {
        let (imported, _) = import(&published(text));
        let expected = fixture_report(json);
        let (a, b) = (canonical(&imported), canonical(&expected));
        for key in b.as_object().unwrap().keys() {
            assert_eq!(a[key], b[key], "{text}: {key}");
        }
        assert_eq!(a, b, "{text}");
    }
}

#[test]
fn imported_json_is_stable_and_passes_check() {
    let dir = scratch("import-stable");
    let mut outputs = Vec::new();
    for n in 0..2 {
        let out = dir.join(format!("{n}.json"));
        let run = run(bin().arg("import").arg(published("pingtan_2023.txt")).arg("-o").arg(&out));
        assert!(run.status.success());
        outputs.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    let check = run(bin().arg("check").arg(dir.join("0.json")));
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn docx_round_trips_to_the_same_json() {
    let dir = scratch("import-docx");
    for name in ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"] {
        let docx = dir.join(name).with_extension("docx");
        render(&fixture(name), &docx, &[]);
        let (imported, _) = import(&docx);
        assert_eq!(canonical(&imported), canonical(&fixture_report(name)), "{name}");
    }
}

/// Imports `input`, which must be refused (exit 1) with nothing written
/// beside it; returns the message.
fn import_refused(input: &Path) -> String {
    let run = run(bin().arg("import").arg(input));
    assert_eq!(run.status.code(), Some(1), "{}: {}", input.display(), stderr(&run));
    assert!(!input.with_extension("json").exists(), "{}: nothing written", input.display());
    stderr(&run)
}

/// Saves `text` as `dir/{name}.txt` and imports it, to be refused.
fn refused_text(dir: &Path, name: &str, text: String) -> String {
    let input = dir.join(format!("{name}.txt"));
    std::fs::write(&input, text).unwrap();
    import_refused(&input)
}

/// Imports a damaged copy of a published text; returns the error message.
fn refused(name: &str, edit: impl FnOnce(String) -> String) -> String {
    let dir = scratch(&format!("import-damaged-{name}"));
    refused_text(&dir, "report", edit(std::fs::read_to_string(published("pingtan_2023.txt")).unwrap()))
}

#[test]
fn damaged_sources_are_refused_with_the_place() {
    let line_of = |needle: &str| {
        std::fs::read_to_string(published("pingtan_2023.txt"))
            .unwrap()
            .lines()
            .position(|l| l.contains(needle))
            .unwrap()
            + 1
    };
    let err = refused("row-deleted", |t| {
        t.lines().filter(|l| !l.contains("4.保护第三方合法权益")).collect::<Vec<_>>().join("\n")
    });
    assert!(err.contains("缺少") && err.contains("4.保护第三方合法权益"), "{err}");
    let err = refused("cells-merged", |t| t.replace("31\t0\t0\t0\t0\t0\t31", "31\t0\t0\t0\t0\t031"));
    assert!(
        err.contains(&format!("第 {} 行", line_of("1.本机关不掌握相关政府信息"))) && err.contains("7 个数"),
        "{err}"
    );
    let err = refused("unknown-label", |t| t.replace("2.重复申请", "2.另案申请"));
    assert!(err.contains(&format!("第 {} 行", line_of("2.重复申请"))) && err.contains("2.另案申请"), "{err}");
    // A label with one character mistyped is near its own row and far from
    // every other: read as that row, and the explanation says how alike.
    let dir = scratch("import-alike-label");
    let input = dir.join("report.txt");
    std::fs::write(
        &input,
        std::fs::read_to_string(published("pingtan_2023.txt")).unwrap().replace("2.重复申请", "2.重複申请"),
    )
    .unwrap();
    let run = run(bin().arg("import").arg(&input).arg("-o").arg(dir.join("report.json")).arg("--explain"));
    let explain = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{}", stderr(&run));
    let note = explain.lines().find(|l| l.contains("重複申请")).unwrap_or_default();
    assert!(note.contains(&format!("第 {} 行", line_of("2.重复申请"))) && note.contains("相似度"), "{explain}");
    // A label in other words, too unlike its row to be read alone, in the
    // one slot its neighbours leave: read by its order, the same numbers.
    let reworded = dir.join("reworded.txt");
    let text = std::fs::read_to_string(published("pingtan_2023.txt")).unwrap();
    assert!(text.contains("1.本机关不掌握相关政府信息"));
    std::fs::write(&reworded, text.replace("1.本机关不掌握相关政府信息", "1.本机关未掌握该信息")).unwrap();
    let out = crate::common::run(
        bin().arg("import").arg(&reworded).arg("-o").arg(dir.join("reworded.json")).arg("--explain"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let explain = String::from_utf8_lossy(&out.stdout);
    let note = explain.lines().find(|l| l.contains("本机关未掌握该信息")).unwrap_or_default();
    assert!(
        note.contains("按行的顺序") && note.contains(&format!("第 {} 行", line_of("1.本机关不掌握相关政府信息"))),
        "{explain}"
    );
    let read = nianbao::model::parse_str(&std::fs::read_to_string(dir.join("reworded.json")).unwrap()).unwrap();
    let plain = nianbao::model::parse_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(read.applications, plain.applications, "every number where it was");
    let err = refused("row-doubled", |t| {
        t.lines()
            .flat_map(|l| if l.starts_with("行政许可") { vec![l, l] } else { vec![l] })
            .collect::<Vec<_>>()
            .join("\n")
    });
    assert!(err.contains(&format!("第 {} 行", line_of("行政许可") + 1)) && err.contains("出现了两次"), "{err}");
    // A heading without its numeral is still the section (found by its
    // words); a heading that is not there at all is missing.
    let err = refused("section-missing", |t| t.replace("四、政府信息公开行政复议、行政诉讼情况", ""));
    assert!(err.contains("四、政府信息公开行政复议、行政诉讼情况") && err.contains("第"), "{err}");
}

/// A Word file made by another program: the published text as an HTML
/// page (tables as tables), converted to DOCX by LibreOffice.
fn word_file_from_text(text_file: &Path, dir: &Path) -> std::path::PathBuf {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut html = String::from("<html><head><meta charset=\"utf-8\"></head><body>\n");
    let mut in_table = false;
    for line in std::fs::read_to_string(text_file).unwrap().lines() {
        if line.contains('\t') {
            if !in_table {
                html.push_str("<table border=\"1\" width=\"100%\">\n");
                in_table = true;
            }
            let cells: String = line.split('\t').map(|c| format!("<td>{}</td>", escape(c))).collect();
            html.push_str(&format!("<tr>{cells}</tr>\n"));
            continue;
        }
        if in_table {
            html.push_str("</table>\n");
            in_table = false;
        }
        if !line.trim().is_empty() && !line.starts_with("source:") && !line.starts_with("year:") {
            html.push_str(&format!("<p>{}</p>\n", escape(line)));
        }
    }
    html.push_str("</body></html>\n");
    let page = dir.join("report.html");
    std::fs::write(&page, html).unwrap();
    libreoffice(&page, "docx:MS Word 2007 XML", dir)
}

#[test]
fn a_word_file_made_elsewhere_imports_too() {
    let dir = scratch("import-word-elsewhere");
    let docx = word_file_from_text(&published("shanghai_govoffice_2019.txt"), &dir);
    let (imported, _) = import(&docx);
    let want = canonical(&fixture_report("shanghai-govoffice-2019.json"));
    assert_eq!(canonical(&imported), want);
    // The same Word file printed to PDF: tables in the body size, cells set
    // left, tall labels broken across pages. Every number comes back. (Its
    // paragraphs have no first-line indent and ragged ends, so where one
    // ends is not always visible; the prose is not compared.)
    let pdf = libreoffice(&docx, "pdf", &dir);
    let (imported, _) = import(&pdf);
    let got = canonical(&imported);
    for key in ["format", "year", "agency", "applications", "review_litigation"] {
        assert_eq!(got[key], want[key], "{key}");
    }
    assert_eq!(got["proactive"].to_string().replace(' ', ""), want["proactive"].to_string().replace(' ', ""));
}

#[test]
fn a_damaged_word_file_names_the_table_and_row() {
    let dir = scratch("import-docx-damaged");
    let docx = dir.join("report.docx");
    render(&fixture("pingtan-2023.json"), &docx, &[]);
    // Misspell one row label inside the package.
    let parts = unzip(&std::fs::read(&docx).unwrap());
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        let bytes = if name == "word/document.xml" {
            String::from_utf8(bytes).unwrap().replace("2.重复申请", "2.另案申请").into_bytes()
        } else {
            bytes
        };
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut out, &bytes).unwrap();
    }
    std::fs::write(&docx, out.finish().unwrap().into_inner()).unwrap();
    let err = import_refused(&docx);
    // Table B is the second table; 2.重复申请 is its 20th row (3 header rows,
    // then 一, 二, （一）, （二）, eight （三）, three （四）, 1.信访…).
    assert!(err.contains("第 2 个表格第 20 行") && err.contains("2.另案申请"), "{err}");
}

/// JSON → PDF → import, both from the PDF itself and from its saved
/// `pdftotext -tsv` words. What comes back prints exactly as the input
/// did; with `exact`, it is the same JSON too (a total the input left to
/// be computed comes back written, as printed).
fn assert_pdf_round_trip(json: &Path, dir: &Path, exact: bool) {
    let name = json.file_stem().unwrap().to_string_lossy().to_string();
    let input = model::parse_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    render(json, &pdf, &[]);
    let tsv = dir.join(format!("{name}.tsv"));
    std::fs::write(&tsv, pdftotext_tsv(&pdf)).unwrap();
    for source in [&pdf, &tsv] {
        let (imported, _) = import(source);
        assert_eq!(printed(&imported), printed(&input), "{}", source.display());
        if exact {
            assert_eq!(canonical(&imported), canonical(&input), "{}", source.display());
        }
    }
}

#[test]
fn pdf_round_trips_to_the_same_json() {
    let dir = scratch("import-pdf");
    for name in ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"] {
        assert_pdf_round_trip(&fixture(name), &dir, true);
    }
}

/// Generated reports of both versions (numbers up to five digits, amounts,
/// signatures, prose of every length), and one with blank cells, Latin
/// words broken across lines and a title of its own.
#[test]
fn varied_reports_round_trip_through_the_pdf() {
    let dir = scratch("import-pdf-varied");
    let examples = dir.join("examples");
    let out = run(bin().args(["example", "--count", "6", "--seed", "29", "-o"]).arg(&examples));
    assert!(out.status.success(), "{}", stderr(&out));
    let mut inputs: Vec<_> = std::fs::read_dir(&examples)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .collect();
    inputs.sort();
    assert_eq!(inputs.len(), 6);
    inputs.push(variant(&dir, "blanks.json", "pingtan-2023.json", |doc| {
        doc["title"] = serde_json::json!("平潭综合实验区2023年度政府信息公开工作年度报告");
        doc["applications"]["carried_over"] = serde_json::json!([null, 0, null, 0, 0, 0, 0]);
        doc["applications"]["results"]["withheld"]["state_secret"] =
            serde_json::json!([null, null, null, null, null, null, null]);
        doc["review_litigation"]["review"] = serde_json::json!([1, 1, null, 0, 2]);
        doc["proactive"]["licensing"] = serde_json::Value::Null;
        doc["overview"][0] = serde_json::json!(
            "本年度依托 Government Information Disclosure Platform version 2 和政务新媒体矩阵发布信息\
             12345条，其中 WeChat official account 与 Weibo 共发布 678 条，网站访问量达到 2.5 万人次，\
             数据接口 API v3.1 全年运行正常，同比增长 12.5%。"
        );
    }));
    for (i, json) in inputs.iter().enumerate() {
        // Copied to a name of its own (the examples are named by year).
        let own = dir.join(format!("report-{i}.json"));
        std::fs::copy(json, &own).unwrap();
        assert_pdf_round_trip(&own, &dir, json.ends_with("blanks.json"));
    }
}

/// The page of the first word record with `text`, and its visual line:
/// how many distinct word heights-centres stand above it on the page.
fn page_line(words: &str, text: &str) -> (usize, usize) {
    let records: Vec<Vec<&str>> =
        words.lines().skip(1).map(|l| l.split('\t').collect::<Vec<_>>()).filter(|f| f[0] == "5").collect();
    let target = records.iter().find(|f| f[11] == text).unwrap();
    let centre = |f: &Vec<&str>| f[7].parse::<f64>().unwrap() + f[9].parse::<f64>().unwrap() / 2.0;
    let mut centres: Vec<f64> = records.iter().filter(|f| f[1] == target[1]).map(centre).collect();
    centres.sort_by(f64::total_cmp);
    centres.dedup_by(|a, b| (*a - *b).abs() < 3.0);
    let line = centres.iter().position(|c| (c - centre(target)).abs() < 3.0).unwrap() + 1;
    (target[1].parse().unwrap(), line)
}

/// The saved words of a rendered PDF, edited: the import is refused with
/// the page and line, and nothing is written.
#[test]
fn damaged_pdf_words_are_refused_with_the_page_and_line() {
    let dir = scratch("import-pdf-damaged");
    let pdf = dir.join("report.pdf");
    render(&fixture("pingtan-2023.json"), &pdf, &[]);
    let words = pdftotext_tsv(&pdf);
    let err = refused_text(&dir, "misspelt", words.replace("\t2.重复申请\n", "\t2.重複申请\n"));
    let (page, line) = page_line(&words, "2.重复申请");
    assert!(err.contains(&format!("第 {page} 页第 {line} 行")) && err.contains("不在任何认得出的行里"), "{err}");
    let err = refused_text(
        &dir,
        "section-missing",
        words.replace("\t四、政府信息公开行政复议、行政诉讼情况\n", "\t行政复议、行政诉讼情况\n"),
    );
    assert!(err.contains("四、政府信息公开行政复议、行政诉讼情况") && err.contains("页"), "{err}");
    let err = refused_text(&dir, "not-words", words.replacen("\t", " ", 200).replacen(" ", "\t", 11));
    assert!(err.contains("pdftotext -tsv"), "{err}");
    // Plain extracted text (lines, not paragraphs; blank cells gone) is
    // refused with the way to do it.
    let err = refused_text(&dir, "plain-text", pdftotext(&pdf));
    assert!(err.contains("请直接导入 PDF"), "{err}");
}

/// Tables whose cells are parted by runs of spaces instead of tabs read
/// the same; where cells are blank, spaces cannot show them, and the row
/// is refused rather than guessed.
#[test]
fn cells_between_runs_of_spaces() {
    let dir = scratch("import-spaces");
    for (text, json) in [("beiguan-2023.txt", "beiguan-2023.json"), ("pingtan_2023.txt", "pingtan-2023.json")] {
        let input = dir.join(text);
        std::fs::write(&input, std::fs::read_to_string(published(text)).unwrap().replace('\t', "   ")).unwrap();
        let (imported, _) = import(&input);
        assert_eq!(canonical(&imported), canonical(&fixture_report(json)), "{text}");
    }
    let original = std::fs::read_to_string(published("shanghai_govoffice_2019.txt")).unwrap();
    let err = refused_text(&dir, "shanghai", original.replace('\t', "  "));
    let line = original.lines().position(|l| l.starts_with("一、本年新收政府信息公开申请数量")).unwrap() + 1;
    assert!(err.contains(&format!("第 {line} 行")) && err.contains("7 个数（空白计入）"), "{err}");
}

/// Drops white space, and reports whether `got` is `want` with at most
/// `dropped` CJK punctuation marks missing.
fn same_but_for_dropped_marks(want: &str, got: &str, dropped: usize) -> bool {
    let want: Vec<char> = want.chars().filter(|c| !c.is_whitespace()).collect();
    let got: Vec<char> = got.chars().filter(|c| !c.is_whitespace()).collect();
    let (mut i, mut skipped) = (0, 0);
    for c in &want {
        if got.get(i) == Some(c) {
            i += 1;
        } else if "，。、；：".contains(*c) && skipped < dropped {
            skipped += 1;
        } else {
            return false;
        }
    }
    i == got.len()
}

/// A PDF made by another program: the project's DOCX printed to PDF by
/// LibreOffice, which sets values at the top of tall rows, hangs line-end
/// punctuation, spaces Chinese from digits and stretches some lines wide.
/// Every number comes back in its place; every paragraph and heading comes
/// back whole (its words intact, white space aside). LibreOffice itself
/// leaves out a line-end comma now and then (it is not on the page), so a
/// missing mark is allowed for.
#[test]
fn a_pdf_made_by_libreoffice_imports_too() {
    let dir = scratch("import-pdf-libreoffice");
    for name in ["pingtan-2023.json", "shanghai-govoffice-2019.json"] {
        let docx = dir.join(name).with_extension("docx");
        render(&fixture(name), &docx, &["--docx-fonts", "fandol"]);
        let pdf = libreoffice(&docx, "pdf", &dir);
        let (imported, _) = import(&pdf);
        let (got, want) = (canonical(&imported), canonical(&fixture_report(name)));
        for key in ["applications", "review_litigation", "format", "year", "agency", "signature"] {
            assert_eq!(got[key], want[key], "{name}: {key}");
        }
        let amounts = |v: &serde_json::Value| v.to_string().replace(' ', "");
        assert_eq!(amounts(&got["proactive"]), amounts(&want["proactive"]), "{name}");
        for key in ["preamble", "overview", "problems", "other_matters"] {
            let (got, want) = (got[key].as_array().unwrap(), want[key].as_array().unwrap());
            assert_eq!(got.len(), want.len(), "{name}: {key}");
            for (g, w) in got.iter().zip(want) {
                assert_eq!(
                    g.as_object().map(|o| o.keys().collect::<Vec<_>>()),
                    w.as_object().map(|o| o.keys().collect())
                );
                assert!(same_but_for_dropped_marks(&w.to_string(), &g.to_string(), 1), "{name}: {key}\n{w}\n{g}");
            }
        }
    }
}

/// Some PDFs set the tables in the body size: the tables are then told by
/// the sections they stand in (the words of Pingtan's PDF, every table
/// word made body height).
#[test]
fn tables_in_the_body_size_are_read_by_their_sections() {
    let dir = scratch("import-pdf-body-size-tables");
    let pdf = dir.join("report.pdf");
    render(&fixture("pingtan-2023.json"), &pdf, &[]);
    let words: Vec<String> = pdftotext_tsv(&pdf)
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split('\t').collect();
            if f[0] == "5" && f[9] == "10.50" {
                f[9] = "16.00";
            }
            f.join("\t")
        })
        .collect();
    assert!(words.iter().filter(|l| l.starts_with("5\t") && l.contains("\t16.00\t")).count() > 300);
    let input = dir.join("report.tsv");
    std::fs::write(&input, words.join("\n")).unwrap();
    let (imported, _) = import(&input);
    assert_eq!(canonical(&imported), canonical(&fixture_report("pingtan-2023.json")));
}

/// A published heading with a typo (a real 2022 page wrote
/// `四、政府信息公开行政法复议、行政诉讼情况`) is still the section where 四 is
/// expected: its numeral and key words say so.
#[test]
fn a_section_heading_with_a_typo_is_still_the_section() {
    let dir = scratch("import-heading-typo");
    let input = dir.join("report.txt");
    let text = std::fs::read_to_string(published("pingtan_2023.txt")).unwrap();
    let typo = text.replace("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况");
    assert_ne!(typo, text);
    std::fs::write(&input, typo).unwrap();
    let (imported, _) = import(&input);
    assert_eq!(canonical(&imported), canonical(&fixture_report("pingtan-2023.json")));
}

/// Sections read by the report's structure, as a person reads them: the
/// tables fix where 二, 三 and 四 are. Each variant of a published text
/// imports to the same report as the text itself.
#[test]
fn sections_are_found_by_structure() {
    let dir = scratch("import-structure");
    let original = std::fs::read_to_string(published("pingtan_2023.txt")).unwrap();
    let (want, _) = import(&published("pingtan_2023.txt"));
    let variants: [(&str, String); 3] = [
        // Sub-headings inside 一 numbered 二、三、…; the tables' sections
        // numbered again from 一; 五 and 六 numbered 四 and 五.
        (
            "restarted",
            original
                .replacen("（一）主动公开方面", "二、主动公开方面", 1)
                .replacen("（二）依申请公开方面", "三、依申请公开方面", 1)
                .replacen("（三）政府信息管理方面", "四、政府信息管理方面", 1)
                .replacen("（四）信息公开平台建设方面", "五、信息公开平台建设方面", 1)
                .replacen("（五）监督保障方面", "六、监督保障方面", 1)
                .replacen("二、主动公开政府信息情况", "一、主动公开政府信息情况", 1)
                .replacen("三、收到和处理政府信息公开申请情况", "二、收到和处理政府信息公开申请情况", 1)
                .replacen("四、政府信息公开行政复议、行政诉讼情况", "三、政府信息公开行政复议、行政诉讼情况", 1)
                .replacen("五、存在的主要问题及改进情况", "四、存在的主要问题及改进情况", 1)
                .replacen("六、其他需要报告的事项", "五、其他需要报告的事项", 1),
        ),
        // A heading worded as the agency chose, after the expected numeral.
        ("reworded", original.replacen("五、存在的主要问题及改进情况", "五、工作中的不足和下一步打算", 1)),
        // Section 二's heading left out before its table.
        ("no-heading", original.replacen("二、主动公开政府信息情况\n", "", 1)),
    ];
    for (name, text) in variants {
        let input = dir.join(format!("{name}.txt"));
        std::fs::write(&input, &text).unwrap();
        let (got, _) = import(&input);
        let (mut got, mut want) = (got.clone(), want.clone());
        // The sub-headings' own numbering is the text's, not the report's
        // structure: compare everything else.
        if name == "restarted" {
            got.overview = want.overview.clone();
        }
        got.title = None;
        want.title = None;
        assert_eq!(canonical(&got), canonical(&want), "{name}");
    }
}
