//! Page breaks as GB/T 9704 and a careful typist want them (issue #22),
//! read off the printed pages with `pdftotext`: no page ends with a
//! section heading; no table starts at the foot of a page with fewer than
//! three rows of numbers; the signature never stands alone (the agency
//! and the date together, and with text before them on their page). Over
//! generated reports of varied lengths, the corpus, and the same reports'
//! DOCX printed by LibreOffice.

use std::path::Path;

use nianbao::fonts::Fonts;
use nianbao::model::Report;

use crate::common::*;

/// Each page's lines of text, top to bottom, without the page number.
fn pages(pdf: &Path) -> Vec<Vec<String>> {
    pdftotext(pdf)
        .split('\u{c}')
        .map(|page| {
            let mut lines: Vec<String> = page
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect();
            let is_number =
                |l: &str| l.trim_matches(|c: char| c == '—' || c == '-' || c.is_whitespace()).parse::<u32>().is_ok();
            if lines.last().is_some_and(|l| is_number(l)) {
                lines.pop();
            }
            lines
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// A table row's line: it ends in a number.
fn is_row(line: &str) -> bool {
    line.split_whitespace().last().is_some_and(|w| w.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Where a printed report breaks against the rules, in words.
fn bad_breaks(report: &Report, pages: &[Vec<String>]) -> Vec<String> {
    let mut bad = Vec::new();
    let headings = nianbao::form::SECTIONS;
    for (n, page) in pages.iter().enumerate() {
        let last_page = n + 1 == pages.len();
        if let Some(last) = page.last().filter(|_| !last_page) {
            if headings.contains(&last.as_str()) {
                bad.push(format!("第 {} 页以标题“{last}”结束", n + 1));
            }
        }
        // A table that starts on this page (after 二, 三 or 四) and goes on
        // to the next: at least three rows of numbers here.
        for heading in &headings[1..4] {
            if let Some(at) = page.iter().position(|l| l == heading) {
                let rest = &page[at + 1..];
                let rows = rest.iter().filter(|l| is_row(l)).count();
                // It goes on where the next page opens with its rows.
                let goes_on = !rest.iter().any(|l| headings.contains(&l.as_str()))
                    && pages.get(n + 1).and_then(|p| p.first()).is_some_and(|l| is_row(l));
                if goes_on && rows < 3 && rest.last().is_some_and(|l| is_row(l) || rows == 0) {
                    bad.push(format!("第 {} 页“{heading}”的表格在页末只有 {rows} 行数字", n + 1));
                }
            }
        }
    }
    if let Some(s) = &report.signature {
        let find = |text: &str| {
            pages.iter().enumerate().rev().find_map(|(n, p)| p.iter().rposition(|l| l.contains(text)).map(|i| (n, i)))
        };
        if let (Some((pa, ia)), Some((pd, id))) = (find(&s.agency), find(&s.date)) {
            if pa != pd {
                bad.push(format!("落款的机关在第 {} 页，日期在第 {} 页", pa + 1, pd + 1));
            }
            if ia == 0 || id == 0 && pa == pd {
                bad.push(format!("第 {} 页只有落款", pd + 1));
            }
        }
    }
    bad
}

/// Generated reports of varied lengths (prose added so that the page ends
/// fall everywhere), rendered to PDF: none breaks against the rules.
#[test]
fn generated_reports_break_pages_by_the_rules() {
    let dir = scratch("breaks");
    let fonts = Fonts::bundled();
    let n = std::env::var("BREAK_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(90);
    let mut reports = nianbao::example::reports(n, 22);
    // More prose in some, so that sections and the signature land at every
    // height of a page.
    for (i, (_, r)) in reports.iter_mut().enumerate() {
        for _ in 0..i % 7 {
            r["other_matters"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::json!("本年度政府信息公开工作按计划推进，各项制度运行良好，社会各界反映积极。"));
        }
        if i % 2 == 0 {
            r["signature"] = serde_json::json!({"agency": r["agency"].clone(), "date": "2025年1月20日"});
        }
    }
    let (mut broken, mut pages_seen) = (Vec::new(), 0);
    for (i, (_, value)) in reports.iter().enumerate() {
        let report = nianbao::model::parse_str(&value.to_string()).unwrap();
        let doc = nianbao::layout::build(&report);
        let pdf = dir.join(format!("{i}.pdf"));
        std::fs::write(&pdf, nianbao::pdf::render(&doc, &fonts, &[]).unwrap()).unwrap();
        let pages = pages(&pdf);
        pages_seen += pages.len();
        for b in bad_breaks(&report, &pages) {
            broken.push(format!("报告 {i}：{b}"));
        }
    }
    eprintln!("{n} generated reports, {pages_seen} pages: {} bad breaks", broken.len());
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The corpus's reports and the fixtures, in PDF and in their DOCX as
/// LibreOffice prints it (Fandol fonts, as the PDF).
#[test]
fn the_corpus_breaks_pages_by_the_rules_in_pdf_and_docx() {
    let dir = scratch("breaks-corpus");
    let mut inputs: Vec<std::path::PathBuf> =
        ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"].iter().map(|f| fixture(f)).collect();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus/json");
    let mut more: Vec<_> = std::fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).collect();
    more.sort();
    inputs.extend(more);
    let lo = dir.join("printed");
    std::fs::create_dir_all(&lo).unwrap();
    let mut broken = Vec::new();
    let mut docx = Vec::new();
    let mut reports = Vec::new();
    for input in &inputs {
        let name = input.file_stem().unwrap().to_string_lossy().to_string();
        let report = nianbao::model::parse_str(&std::fs::read_to_string(input).unwrap()).unwrap();
        let pdf = dir.join(format!("{name}.pdf"));
        render(input, &pdf, &["--allow-inconsistent"]);
        for b in bad_breaks(&report, &pages(&pdf)) {
            broken.push(format!("{name}.pdf：{b}"));
        }
        let word = dir.join(format!("{name}.docx"));
        render(input, &word, &["--allow-inconsistent", "--docx-fonts", "fandol"]);
        docx.push(word);
        reports.push((name, report));
    }
    for ((name, report), printed) in reports.iter().zip(libreoffice_all(&docx, "pdf", &lo)) {
        for b in bad_breaks(report, &pages(&printed)) {
            broken.push(format!("{name}.docx：{b}"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
