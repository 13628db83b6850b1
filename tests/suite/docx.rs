//! The DOCX backend read back as XML, by docx-rs's reader and by a real
//! client (LibreOffice), against the same layout the PDF is set from.

use std::path::{Path, PathBuf};

use crate::common::*;
use nianbao::layout::{self, Element};

const FIXTURES: [&str; 3] = ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"];

fn document(name: &str) -> layout::Document {
    layout::build(&nianbao::model::parse_str(&fixture_text(name)).unwrap())
}

/// Renders a fixture to DOCX in a scratch directory.
fn docx(dir: &Path, name: &str, extra: &[&str]) -> (PathBuf, Vec<u8>) {
    let out = dir.join(name).with_extension("docx");
    render(&fixture(name), &out, extra);
    let bytes = std::fs::read(&out).unwrap();
    (out, bytes)
}

fn part(parts: &[(String, Vec<u8>)], name: &str) -> Elem {
    let (_, bytes) = parts.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no part {name}"));
    parse_xml(bytes)
}

/// The child order of a property element, as the package mends it.
fn schema_order(parent: &str) -> Option<&'static [&'static str]> {
    nianbao::docx::SCHEMA_ORDER.iter().find(|(p, _)| *p == parent).map(|(_, order)| *order)
}

#[test]
fn the_schema_order_table_agrees_with_ecma_376() {
    // Spot checks against wml.xsd, independent of the table: the sequences
    // docx-rs gets wrong (docx-rs#724) and the ones this package writes.
    let before = |parent: &str, a: &str, b: &str| {
        let order = schema_order(parent).unwrap();
        let pos = |x: &str| order.iter().position(|o| *o == x).unwrap_or_else(|| panic!("{x} in {parent}"));
        assert!(pos(a) < pos(b), "{a} before {b} in {parent}");
    };
    for (a, b) in [
        ("w:pStyle", "w:keepNext"),
        ("w:snapToGrid", "w:spacing"),
        ("w:spacing", "w:ind"),
        ("w:ind", "w:jc"),
        ("w:jc", "w:outlineLvl"),
        ("w:outlineLvl", "w:rPr"),
        ("w:rPr", "w:sectPr"),
    ] {
        before("w:pPr", a, b);
    }
    for (a, b) in [("w:rFonts", "w:b"), ("w:b", "w:spacing"), ("w:spacing", "w:sz"), ("w:sz", "w:szCs")] {
        before("w:rPr", a, b);
    }
    for (a, b) in
        [("w:footerReference", "w:pgSz"), ("w:pgSz", "w:pgMar"), ("w:pgMar", "w:cols"), ("w:cols", "w:docGrid")]
    {
        before("w:sectPr", a, b);
    }
    for (a, b) in
        [("w:tblW", "w:jc"), ("w:jc", "w:tblBorders"), ("w:tblBorders", "w:tblLayout"), ("w:tblLayout", "w:tblCellMar")]
    {
        before("w:tblPr", a, b);
    }
    for (a, b) in
        [("w:tcW", "w:gridSpan"), ("w:gridSpan", "w:vMerge"), ("w:vMerge", "w:tcBorders"), ("w:tcBorders", "w:vAlign")]
    {
        before("w:tcPr", a, b);
    }
}

/// The child order of the property elements this package writes, copied
/// for the test from ECMA-376 Part 1's wml.xsd (CT_PPrBase + CT_PPr,
/// EG_RPrBase, CT_SectPr, CT_TblPr, CT_TcPr, CT_Style), independently of
/// the package's own table, so that a wrong order there fails here. CT_TrPr
/// is a choice group: any order is valid. Only the children that occur in
/// our output are listed; a new one fails the test until it is added here.
const WML_XSD_ORDER: &[(&str, &[&str])] = &[
    (
        "w:pPr",
        &[
            "w:pStyle",
            "w:keepNext",
            "w:keepLines",
            "w:pageBreakBefore",
            "w:widowControl",
            "w:overflowPunct",
            "w:autoSpaceDE",
            "w:autoSpaceDN",
            "w:snapToGrid",
            "w:spacing",
            "w:ind",
            "w:jc",
            "w:outlineLvl",
            "w:rPr",
            "w:sectPr",
        ],
    ),
    ("w:rPr", &["w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:spacing", "w:sz", "w:szCs", "w:lang"]),
    ("w:sectPr", &["w:headerReference", "w:footerReference", "w:pgSz", "w:pgMar", "w:cols", "w:titlePg", "w:docGrid"]),
    (
        "w:tblPr",
        &["w:tblStyle", "w:tblW", "w:jc", "w:tblInd", "w:tblBorders", "w:tblLayout", "w:tblCellMar", "w:tblLook"],
    ),
    ("w:tcPr", &["w:tcW", "w:gridSpan", "w:vMerge", "w:tcBorders", "w:shd", "w:tcMar", "w:vAlign"]),
    (
        "w:style",
        &[
            "w:name",
            "w:basedOn",
            "w:next",
            "w:link",
            "w:uiPriority",
            "w:qFormat",
            "w:pPr",
            "w:rPr",
            "w:tblPr",
            "w:tcPr",
        ],
    ),
];

fn assert_schema_order(e: &Elem, part: &str) {
    if let Some((_, order)) = WML_XSD_ORDER.iter().find(|(parent, _)| *parent == e.name) {
        let ranks: Vec<usize> = e
            .children
            .iter()
            .map(|c| {
                order.iter().position(|o| *o == c.name).unwrap_or_else(|| {
                    panic!("{part}: {} in {} is not in WML_XSD_ORDER; add it from wml.xsd", c.name, e.name)
                })
            })
            .collect();
        assert!(
            ranks.windows(2).all(|w| w[0] <= w[1]),
            "{part}: children of {} out of order: {:?}",
            e.name,
            e.children.iter().map(|c| &c.name).collect::<Vec<_>>()
        );
    }
    for c in &e.children {
        assert_schema_order(c, part);
    }
}

#[test]
fn property_children_are_in_schema_order() {
    let dir = scratch("docx-order");
    for name in FIXTURES {
        let (_, bytes) = docx(&dir, name, &[]);
        let parts = unzip(&bytes);
        let mut checked = 0;
        for (part_name, data) in parts.iter().filter(|(n, _)| n.ends_with(".xml")) {
            let root = parse_xml(data);
            for kind in ["w:sectPr", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr"] {
                checked += root.find_all(kind).len();
            }
            assert_schema_order(&root, part_name);
        }
        assert!(checked > 500, "{name}: only {checked} property elements");
    }
}

/// A cell as read back from the merge markup: anchor, spans, text.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ReadCell {
    row: usize,
    col: usize,
    rowspan: usize,
    colspan: usize,
    text: String,
}

fn read_table(tbl: &Elem) -> (Vec<ReadCell>, usize, usize) {
    let columns = tbl.child("w:tblGrid").unwrap().find_all("w:gridCol").len();
    let rows: Vec<&Elem> = tbl.children.iter().filter(|c| c.name == "w:tr").collect();
    let mut cells: Vec<ReadCell> = Vec::new();
    let mut header = 0;
    for (r, tr) in rows.iter().enumerate() {
        if tr.child("w:trPr").and_then(|p| p.child("w:tblHeader")).is_some() {
            assert_eq!(header, r, "header rows come first");
            header += 1;
        }
        let mut col = 0;
        for tc in tr.children.iter().filter(|c| c.name == "w:tc") {
            let pr = tc.child("w:tcPr").unwrap();
            let span: usize = pr.child("w:gridSpan").map_or(1, |g| g.attr("w:val").unwrap().parse().unwrap());
            let merge = pr.child("w:vMerge").map(|m| m.attr("w:val").unwrap_or("continue").to_string());
            if merge.as_deref() == Some("continue") {
                let above = cells
                    .iter_mut()
                    .find(|c| c.col == col && c.row + c.rowspan == r)
                    .unwrap_or_else(|| panic!("continuation at ({r}, {col}) has nothing above"));
                assert_eq!(above.colspan, span, "a continuation spans as its anchor does");
                above.rowspan += 1;
                assert_eq!(tc.texts(), "", "continuations are empty");
            } else {
                cells.push(ReadCell { row: r, col, rowspan: 1, colspan: span, text: tc.texts() });
            }
            col += span;
        }
        assert_eq!(col, columns, "row {r} covers every grid column exactly once");
    }
    cells.sort();
    (cells, rows.len(), header)
}

#[test]
fn merges_match_the_layout_cell_by_cell() {
    let dir = scratch("docx-merges");
    for name in FIXTURES {
        let (_, bytes) = docx(&dir, name, &[]);
        let body = part(&unzip(&bytes), "word/document.xml");
        let tables = body.find_all("w:tbl");
        let doc = document(name);
        let expected: Vec<&layout::Table> = doc.tables().collect();
        assert_eq!(tables.len(), 3);
        for (tbl, t) in tables.iter().zip(&expected) {
            let (cells, rows, header) = read_table(tbl);
            assert_eq!((rows, header), (t.rows, t.header_rows), "{name}");
            let mut want: Vec<ReadCell> = t
                .cells
                .iter()
                .map(|c| ReadCell { row: c.row, col: c.col, rowspan: c.rowspan, colspan: c.colspan, text: c.text() })
                .collect();
            want.sort();
            assert_eq!(cells, want, "{name}");
            let widths: Vec<i64> =
                tbl.find_all("w:gridCol").iter().map(|g| g.attr("w:w").unwrap().parse().unwrap()).collect();
            let twips: Vec<i64> = t.columns.iter().map(|mm| (mm * 1440.0 / 25.4).round() as i64).collect();
            assert_eq!(widths, twips);
            let pr = tbl.child("w:tblPr").unwrap();
            assert_eq!(pr.child("w:tblLayout").unwrap().attr("w:type"), Some("fixed"));
            assert!(pr.child("w:tblBorders").unwrap().children.len() == 6);
            assert!(tbl.find_all("w:vAlign").iter().all(|v| v.attr("w:val") == Some("center")));
            // No row splits across pages, as in the PDF.
            let rows = tbl.find_all("w:tr");
            assert!(rows.iter().all(|r| r.child("w:trPr").and_then(|p| p.child("w:cantSplit")).is_some()), "{name}");
        }
        // Table B 2021: 28 × 10 with 三 22 rows tall; 2019: 26 rows, 三 20 tall.
        let (b, rows, _) = read_table(tables[1]);
        let results = b.iter().find(|c| c.text == "三、本年度办理结果").unwrap();
        if name.contains("2019") {
            assert_eq!((rows, results.rowspan), (26, 20));
        } else {
            assert_eq!((rows, results.rowspan), (28, 22));
        }
        let (c, rows, _) = read_table(tables[2]);
        assert_eq!(rows, 4);
        assert_eq!(c.iter().filter(|x| x.row == 3).count(), 15);
    }
}

/// The East Asian font of the first run whose text starts with `text`.
fn font_of(body: &Elem, text: &str) -> (String, String) {
    let run = body
        .find_all("w:r")
        .into_iter()
        .find(|r| r.texts().starts_with(text))
        .unwrap_or_else(|| panic!("no run {text}"));
    let fonts = run.child("w:rPr").unwrap().child("w:rFonts").unwrap();
    (fonts.attr("w:eastAsia").unwrap().into(), fonts.attr("w:ascii").unwrap().into())
}

#[test]
fn fonts_are_named_per_role() {
    let dir = scratch("docx-fonts");
    let (_, bytes) = docx(&dir, "beiguan-2023.json", &[]);
    let body = part(&unzip(&bytes), "word/document.xml");
    for (text, family) in [
        ("北关区乡村振兴局2023年", "方正小标宋简体"),
        ("一、总体情况", "黑体"),
        ("（一）主动公开方面。", "楷体_GB2312"),
        ("全年，我局政府信息公开", "仿宋_GB2312"),
        ("第二十条第（一）项", "宋体"),
        ("（本列数据的勾稽关系为", "楷体_GB2312"),
    ] {
        assert_eq!(font_of(&body, text), (family.to_string(), family.to_string()), "{text}");
    }
    let dir = scratch("docx-fonts-fandol");
    let (_, bytes) = docx(&dir, "beiguan-2023.json", &["--docx-fonts", "fandol"]);
    let body = part(&unzip(&bytes), "word/document.xml");
    assert!(font_of(&body, "一、总体情况").0.starts_with("FandolHei"));
    assert!(font_of(&body, "全年，我局").0.starts_with("FandolFang"));
    let title = body.find_all("w:r").into_iter().find(|r| r.texts().starts_with("北关区")).unwrap();
    assert!(title.child("w:rPr").unwrap().child("w:b").is_some(), "the Fandol title stand-in is the bold 宋体");
}

#[test]
fn page_setup_styles_and_page_number_fields() {
    let dir = scratch("docx-page");
    let (_, bytes) = docx(&dir, "pingtan-2023.json", &[]);
    let parts = unzip(&bytes);
    let body = part(&parts, "word/document.xml");
    let sect = body.find_all("w:sectPr").pop().unwrap();
    let size = sect.child("w:pgSz").unwrap();
    assert_eq!((size.attr("w:w"), size.attr("w:h")), (Some("11906"), Some("16838")));
    let mar = sect.child("w:pgMar").unwrap();
    let mm = |v: &str| mar.attr(v).unwrap().parse::<f64>().unwrap() * 25.4 / 1440.0;
    assert!((mm("w:top") - 37.0).abs() < 0.1 && (mm("w:bottom") - 35.0).abs() < 0.1);
    assert!((mm("w:left") - 28.0).abs() < 0.1 && (mm("w:right") - 26.0).abs() < 0.1);
    let grid = sect.child("w:docGrid").unwrap();
    let pitch: f64 = grid.attr("w:linePitch").unwrap().parse().unwrap();
    assert!((pitch * 22.0 / 1440.0 * 25.4 - 225.0).abs() < 0.5, "22 lines fill the 225 mm text block");

    let styles = part(&parts, "word/styles.xml");
    let style = |id: &str| styles.find_all("w:style").into_iter().find(|s| s.attr("w:styleId") == Some(id)).unwrap();
    // No automatic space between Chinese and Latin text or digits, as in the PDF.
    let defaults = styles.find_all("w:pPrDefault");
    for name in ["w:autoSpaceDE", "w:autoSpaceDN"] {
        assert_eq!(defaults[0].child("w:pPr").and_then(|p| p.child(name)).and_then(|e| e.attr("w:val")), Some("0"));
    }
    let body_style = style("BodyText");
    let ppr = body_style.child("w:pPr").unwrap();
    assert_eq!(ppr.child("w:ind").unwrap().attr("w:firstLineChars"), Some("200"));
    assert_eq!(ppr.child("w:jc").unwrap().attr("w:val"), Some("both"));
    let rpr = body_style.child("w:rPr").unwrap();
    assert_eq!(rpr.child("w:sz").unwrap().attr("w:val"), Some("32"));
    // 28 characters of 16 pt plus spacing fill the 156 mm line.
    let spacing: f64 = rpr.child("w:spacing").unwrap().attr("w:val").unwrap().parse().unwrap();
    let per_line = (156.0 / 25.4 * 72.0 / (16.0 + spacing / 20.0)).floor();
    assert_eq!(per_line, 28.0);
    for (id, level, face) in [
        ("Heading1", "0", "黑体"),
        ("Heading2", "1", "楷体_GB2312"),
        ("Heading3", "2", "仿宋_GB2312"),
        ("Heading4", "3", "仿宋_GB2312"),
    ] {
        let s = style(id);
        assert_eq!(s.child("w:pPr").unwrap().child("w:outlineLvl").unwrap().attr("w:val"), Some(level));
        assert_eq!(s.child("w:rPr").unwrap().child("w:rFonts").unwrap().attr("w:eastAsia"), Some(face));
    }
    for id in ["Title", "TableText", "Signature", "FooterOdd", "FooterEven"] {
        style(id);
    }
    // Headings use the heading styles, so Word's navigation pane shows them.
    let headings: Vec<String> = body
        .find_all("w:p")
        .into_iter()
        .filter(|p| p.find_all("w:pStyle").first().and_then(|s| s.attr("w:val")) == Some("Heading1"))
        .map(|p| p.texts())
        .collect();
    assert_eq!(headings.len(), 6);
    assert_eq!(headings[2], "三、收到和处理政府信息公开申请情况");

    // Odd and even footers with a PAGE field between 一字线.
    let settings = part(&parts, "word/settings.xml");
    assert!(settings.child("w:settings").unwrap().child("w:evenAndOddHeaders").is_some());
    // Punctuation compressed as the PDF sets it (Word's 压缩标点符号), in
    // the settings' schema order.
    let control = settings.child("w:settings").unwrap().child("w:characterSpacingControl").expect("compression set");
    assert_eq!(control.attr("w:val"), Some("compressPunctuation"));
    let refs = sect.find_all("w:footerReference");
    assert_eq!(refs.iter().map(|r| r.attr("w:type").unwrap()).collect::<Vec<_>>(), ["default", "even"]);
    for (file, jc) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let footer = part(&parts, file);
        let instr: String = footer.find_all("w:instrText").iter().map(|i| i.text.trim().to_string()).collect();
        assert_eq!(instr, "PAGE");
        assert!(footer.texts().starts_with("— ") && footer.texts().ends_with(" —"));
        assert_eq!(footer.find_all("w:jc")[0].attr("w:val"), Some(jc));
    }
    let core = String::from_utf8(parts.iter().find(|(n, _)| n == "docProps/core.xml").unwrap().1.clone()).unwrap();
    assert!(core.contains("<dc:title>平潭综合实验区2023年度政府信息公开工作年度报告</dc:title>"));
    assert!(core.contains("<dc:creator>平潭综合实验区</dc:creator>"));
}

#[test]
fn same_input_same_bytes() {
    let dir = scratch("docx-determinism");
    let (_, a) = docx(&dir, "shanghai-govoffice-2019.json", &[]);
    let (_, b) = docx(&dir, "shanghai-govoffice-2019.json", &[]);
    assert_eq!(a, b);
    // In one process too: docx-rs numbers paragraphs per thread.
    let doc = document("pingtan-2023.json");
    let fonts = nianbao::docx::DocxFonts::Official;
    assert_eq!(nianbao::docx::render(&doc, fonts).unwrap(), nianbao::docx::render(&doc, fonts).unwrap());
}

#[test]
fn both_formats_in_one_run_and_docx_rs_reads_it_back() {
    let dir = scratch("docx-both");
    let input = dir.join("report.json");
    std::fs::copy(fixture("pingtan-2023.json"), &input).unwrap();
    let out = run(bin().arg("render").arg(&input).args(["--format", "pdf", "--format", "docx"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(dir.join("report.pdf")).unwrap().starts_with(b"%PDF-"));
    let bytes = std::fs::read(dir.join("report.docx")).unwrap();
    let read = docx_rs::read_docx(&bytes).expect("docx-rs reads the package");
    let tables = read.document.children.iter().filter(|c| matches!(c, docx_rs::DocumentChild::Table(_))).count();
    assert_eq!(tables, 3);
    // The extension picks the format.
    let out = run(bin().arg("render").arg(&input).args(["-o"]).arg(dir.join("x.docx")));
    assert!(out.status.success());
    assert!(std::fs::read(dir.join("x.docx")).unwrap().starts_with(b"PK"));
}

#[test]
fn user_text_is_escaped_in_the_xml() {
    let dir = scratch("docx-literal");
    let hostile = "<w:p>&amp;</w:t> \" ' #panic() \\";
    let input = variant(&dir, "report.json", "beiguan-2023.json", |d| {
        d["other_matters"] = serde_json::json!([hostile]);
    });
    let out = dir.join("report.docx");
    render(&input, &out, &[]);
    let body = part(&unzip(&std::fs::read(&out).unwrap()), "word/document.xml");
    assert!(body.find_all("w:p").iter().any(|p| p.texts() == hostile));
}

fn pages(pdf: &Path) -> i64 {
    let info = pdfinfo(pdf);
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

#[test]
fn libreoffice_shows_every_label_and_number_in_row_order() {
    let dir = scratch("docx-libreoffice");
    for name in FIXTURES {
        let (path, _) = docx(&dir, name, &["--docx-fonts", "fandol"]);
        let lo = libreoffice(&path, "pdf", &dir);
        let doc = document(name);
        assert_tables(&lo, &doc, name);
        let text = pdftotext(&lo);
        for b in &doc.blocks {
            if let Element::Heading { runs, .. } = b {
                assert!(text.contains(&runs[0].text), "{name}: {}", runs[0].text);
            }
        }
        let typst = dir.join(name).with_extension("typst.pdf");
        render(&fixture(name), &typst, &[]);
        let (a, b) = (pages(&lo), pages(&typst));
        assert!((a - b).abs() <= 1, "{name}: LibreOffice {a} pages, PDF backend {b}");
        assert!(pdffonts(&lo).contains("FandolFang"), "{name}: the named fonts were used");
    }
}

/// A printed report with the white space taken out of its text: where
/// LibreOffice breaks a line at a space (beiguan's `共有 55 条` before
/// `条`), the space is on no page, and nothing can read it back.
fn unspaced(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::String(s) => serde_json::Value::String(squeezed(&s)),
        serde_json::Value::Array(items) => items.into_iter().map(unspaced).collect(),
        serde_json::Value::Object(map) => map.into_iter().map(|(k, v)| (k, unspaced(v))).collect(),
        other => other,
    }
}

/// The text of every title, heading, paragraph and signature line, as
/// LibreOffice prints the DOCX: every character of it on the page, every
/// stop and comma at a line's end too (LibreOffice let such a mark hang
/// past the edge of a line of condensed characters and printed nothing of
/// it). And the print — LibreOffice's own line breaks and tables — imports
/// back to what the report prints.
#[test]
fn libreoffice_prints_every_character_and_the_print_imports_back() {
    let dir = scratch("docx-every-character");
    let mut reports: Vec<(String, nianbao::model::Report)> = FIXTURES
        .iter()
        .map(|name| (name.to_string(), nianbao::model::parse_str(&fixture_text(name)).unwrap()))
        .collect();
    for (name, value) in nianbao::example::reports(12, 4242) {
        reports.push((name, nianbao::model::parse_str(&value.to_string()).unwrap()));
    }
    let docs: Vec<layout::Document> = reports.iter().map(|(_, report)| layout::build(report)).collect();
    let files: Vec<PathBuf> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let path = dir.join(format!("{i}.docx"));
            std::fs::write(&path, nianbao::docx::render(doc, nianbao::docx::DocxFonts::Fandol).unwrap()).unwrap();
            path
        })
        .collect();
    let mut wrong = Vec::new();
    for (((name, report), doc), pdf) in reports.iter().zip(&docs).zip(libreoffice_all(&files, "pdf", &dir)) {
        // The page's text without its page numbers (— 3 —), which stand
        // between the lines of a paragraph that goes on over a page.
        let page_text: String = pdftotext(&pdf).lines().filter(|line| !page_number(line)).map(squeezed).collect();
        let texts = doc.blocks.iter().flat_map(|block| match block {
            Element::Heading { runs, .. } | Element::Paragraph { runs } => vec![runs.as_slice()],
            Element::Title { lines } | Element::Signature { lines } => lines.iter().map(std::slice::from_ref).collect(),
            _ => vec![],
        });
        for runs in texts {
            let text = squeezed(&runs.iter().map(|r| r.text.as_str()).collect::<String>());
            if !page_text.contains(&text) {
                wrong.push(format!("{name}: not printed whole: {text}"));
            }
        }
        let json = pdf.with_extension("json");
        let imported = run(bin().arg("import").arg(&pdf).arg("-o").arg(&json));
        assert!(imported.status.success(), "{name}: {}", stderr(&imported));
        let back = nianbao::model::parse_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        if unspaced(printed(&back)) != unspaced(printed(report)) {
            wrong.push(format!("{name}: the print imports back to another report"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
