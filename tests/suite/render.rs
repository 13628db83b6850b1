//! The three fixtures rendered by the real binary and read back with
//! poppler: every table label and number in its row, fonts embedded and
//! subset, A4 pages on the GB/T 9704 grid, deterministic bytes, user text
//! printed literally.

use crate::common::*;
use nianbao::layout::{self, Element};

const FIXTURES: [&str; 3] = ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"];

fn document(name: &str) -> layout::Document {
    layout::build(&nianbao::model::parse_str(&fixture_text(name)).unwrap())
}

#[test]
fn every_label_and_number_is_in_its_row() {
    let dir = scratch("labels");
    for name in FIXTURES {
        let pdf = dir.join(name).with_extension("pdf");
        render(&fixture(name), &pdf, &[]);
        let doc = document(name);
        assert_tables(&pdf, &doc, name);
        let text = pdftotext(&pdf);
        for heading in doc.blocks.iter().filter_map(|b| match b {
            Element::Heading { runs, .. } => Some(runs[0].text.clone()),
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
    // No wall-clock date: 1 January after the report year.
    assert!(info.contains("CreationDate:    Mon Jan  1 00:00:00 2024"), "{info}");
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

/// 落款: agency over date, both ending two characters in from the right
/// edge of the text block.
#[test]
fn the_signature_stands_at_the_right() {
    let dir = scratch("signature");
    let json = variant(&dir, "signed.json", "pingtan-2023.json", |doc| {
        doc["signature"] = serde_json::json!({"agency": "平潭综合实验区管理委员会", "date": "2024年1月20日"});
    });
    let pdf = dir.join("signed.pdf");
    render(&json, &pdf, &[]);
    let words = words(&pdf);
    let (right, pitch) = ((210.0 - 26.0) * MM, 156.0 * MM / 28.0);
    for text in ["平潭综合实验区管理委员会", "2024年1月20日"] {
        let w = words.iter().find(|w| w.text == text).unwrap_or_else(|| panic!("{text} not found"));
        assert!((w.x1 - (right - 2.0 * pitch)).abs() < 1.0, "{w:?}");
    }
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
    let published =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&published),
        "docs/report.schema.json is current"
    );
}
