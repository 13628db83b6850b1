//! Page breaks as GB/T 9704 and a careful typist want them (issue #22),
//! read off the printed pages with `pdftotext`: no page ends with a
//! section heading; no table starts at the foot of a page with fewer than
//! three rows of numbers; the signature never stands alone (the agency
//! and the date together, and with text before them on their page); no
//! paragraph leaves its first line alone at the foot of a page (an
//! orphan) or its last line alone at the top of one (a widow). Over
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
            if lines.last().is_some_and(|l| page_number(l)) {
                lines.pop();
            }
            lines
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// A line of body text (16 pt): whether it opens a paragraph (two
/// characters in from the margin) and whether it runs to the right margin.
#[derive(Clone, Copy, Debug)]
struct Body {
    indented: bool,
    full: bool,
}

/// Each page's lines, top to bottom, as `pdftotext -bbox` places their
/// words: `Some` for a line of body text (16 pt, from the left margin or
/// two characters in), `None` for anything else (titles, tables, the
/// signature, the page number).
fn body_lines(pdf: &Path) -> Vec<Vec<Option<Body>>> {
    let (left, right) = (28.0 * MM, (210.0 - 26.0) * MM);
    let mut pages: Vec<Vec<Option<Body>>> = Vec::new();
    let mut lines: Vec<(usize, f64, f64, f64, f64)> = Vec::new();
    for w in words(pdf) {
        match lines.last_mut() {
            Some((page, y0, _, x1, _)) if *page == w.page && (w.y0 - *y0).abs() < 2.0 => *x1 = x1.max(w.x1),
            _ => lines.push((w.page, w.y0, w.x0, w.x1, w.y1 - w.y0)),
        }
    }
    for (page, _, x0, x1, height) in lines {
        while pages.len() < page {
            pages.push(Vec::new());
        }
        let body = (height - 16.0).abs() < 1.5 && ((x0 - left).abs() < 4.0 || (x0 - left - 32.0).abs() < 4.0);
        pages[page - 1].push(body.then_some(Body { indented: x0 > left + 16.0, full: x1 > right - 20.0 }));
    }
    pages
}

/// How many page breaks fall inside a paragraph (a page opens with a
/// line of body text that continues one): where a widow or an orphan
/// could have been.
fn breaks_in_paragraphs(pages: &[Vec<Option<Body>>]) -> usize {
    pages.iter().skip(1).filter(|p| p.first().copied().flatten().is_some_and(|b| !b.indented)).count()
}

/// Each page's text in the order it was drawn (`pdftotext -raw`: a
/// cell's lines together), white space left out.
fn raw_pages(pdf: &Path) -> Vec<String> {
    pdftotext_stream(pdf).split('\u{c}').map(squeezed).collect()
}

/// Table B's merged labels (三、本年度办理结果, （三）不予公开 …) on every
/// page their rows stand on, once: a row's own label on a page whose text
/// lacks one of the labels merged over it, or a label printed twice on a
/// page, in words.
fn unlabelled_rows(report: &Report, pages: &[String]) -> Vec<String> {
    let mut bad = Vec::new();
    let labels = merged_labels(report);
    for (n, text) in pages.iter().enumerate() {
        for line in nianbao::form::applications::lines(report.applications.version) {
            let Some((own, merged)) = line.labels.split_last() else { continue };
            if merged.is_empty() || !text.contains(&squeezed(own)) {
                continue;
            }
            for label in merged.iter().filter(|l| !text.contains(&squeezed(l))) {
                bad.push(format!("第 {} 页有“{own}”一行，却没有合并在它上面的“{label}”", n + 1));
            }
        }
        // Once a page: a label split where its rows did not go over a page
        // (a layout that never settled) would stand twice.
        for label in &labels {
            let times = text.matches(label.as_str()).count();
            if times > 1 {
                bad.push(format!("第 {} 页把“{label}”印了 {times} 次", n + 1));
            }
        }
    }
    bad
}

/// Table B's merged labels, white space left out.
fn merged_labels(report: &Report) -> Vec<String> {
    let mut labels: Vec<String> = nianbao::form::applications::lines(report.applications.version)
        .iter()
        .filter_map(|line| line.labels.split_last())
        .flat_map(|(_, merged)| merged.iter().map(|l| squeezed(l)))
        .collect();
    labels.sort();
    labels.dedup();
    labels
}

/// Whether a merged label of table B stands on more than one page: its
/// rows went on over a page and it was printed again there.
fn label_repeated(report: &Report, pages: &[String]) -> bool {
    merged_labels(report).iter().any(|label| pages.iter().filter(|text| text.contains(label.as_str())).count() > 1)
}

/// What breaks the rules in a report's DOCX as LibreOffice printed it
/// (`printed`, a PDF): the page rules and widows and orphans (Word has no
/// way to print a merged label again).
fn word_breaks(report: &Report, printed: &Path) -> Vec<String> {
    bad_breaks(report, &pages(printed)).into_iter().chain(lone_lines(&body_lines(printed))).collect()
}

/// Widows and orphans, in words.
fn lone_lines(pages: &[Vec<Option<Body>>]) -> Vec<String> {
    let mut bad = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let next = pages.get(n + 1).and_then(|p| p.first().copied().flatten());
        // The first line of a paragraph, and its paragraph goes on overleaf.
        if let (Some(Some(last)), Some(first)) = (page.last(), next) {
            if last.indented && last.full && !first.indented {
                bad.push(format!("第 {} 页末只有一段的第一行（孤行）", n + 1));
            }
        }
        // The last line of a paragraph begun on the page before.
        if let (Some(Some(first)), true) = (page.first(), n > 0) {
            if !first.indented && !first.full {
                bad.push(format!("第 {} 页开头只有上一段的最后一行（寡行）", n + 1));
            }
        }
    }
    bad
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

/// The widow and orphan rules themselves, on pages described by hand.
#[test]
fn a_lone_first_or_last_line_is_named() {
    let (start, full, end) = (
        Some(Body { indented: true, full: true }),
        Some(Body { indented: false, full: true }),
        Some(Body { indented: false, full: false }),
    );
    let heading = Some(Body { indented: true, full: false });
    // Page 1 ends with a paragraph's first line, page 2 opens with its last.
    let bad = lone_lines(&[vec![full, end, start], vec![end, start, full], vec![None]]);
    assert_eq!(bad, ["第 1 页末只有一段的第一行（孤行）", "第 2 页开头只有上一段的最后一行（寡行）"]);
    // Two lines each side, a heading at the foot, a table overleaf: none.
    assert!(lone_lines(&[vec![start, full], vec![full, end, heading], vec![None, start]]).is_empty());
}

/// The merged-label rule itself, on pages described by hand (table B of
/// the 2021 form).
#[test]
fn a_row_without_its_merged_label_or_a_label_twice_is_named() {
    let report = nianbao::model::parse_str(&std::fs::read_to_string(fixture("beiguan-2023.json")).unwrap()).unwrap();
    let page = |t: &str| t.to_string();
    // Page 2 goes on with （三）不予公开's rows and carries both its labels;
    // page 3 has （七）总计 without 三、本年度办理结果 over it.
    let good = page("三、本年度办理结果（三）不予公开7.属于行政执法案卷0 0");
    let unlabelled = page("（七）总计4四、结转下年度继续办理");
    let twice = page("三、本年度办理结果（七）总计三、本年度办理结果");
    assert!(unlabelled_rows(&report, std::slice::from_ref(&good)).is_empty());
    assert_eq!(
        unlabelled_rows(&report, &[good, unlabelled, twice]),
        [
            "第 2 页有“（七）总计”一行，却没有合并在它上面的“三、本年度办理结果”",
            "第 3 页把“三、本年度办理结果”印了 2 次"
        ]
    );
    assert!(label_repeated(&report, &[page("三、本年度办理结果"), page("（七）总计三、本年度办理结果")]));
    assert!(!label_repeated(&report, &[page("三、本年度办理结果"), page("四、政府信息公开行政复议")]));
}

/// Generated reports of varied lengths (prose added so that the page ends
/// fall everywhere), rendered to PDF, and every eighth also to DOCX as
/// LibreOffice prints it: none breaks against the rules.
#[test]
fn generated_reports_break_pages_by_the_rules() {
    let dir = scratch("breaks");
    let fonts = Fonts::bundled();
    let n = std::env::var("BREAK_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
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
    let (mut broken, mut pages_seen, mut inside, mut repeated) = (Vec::new(), 0, 0, 0);
    // Every eighth report also as a DOCX (Fandol fonts), printed by
    // LibreOffice below.
    let mut word = Vec::new();
    for (i, (_, value)) in reports.iter().enumerate() {
        let report = nianbao::model::parse_str(&value.to_string()).unwrap();
        let doc = nianbao::layout::build(&report);
        let pdf = dir.join(format!("{i}.pdf"));
        std::fs::write(&pdf, nianbao::pdf::render(&doc, &fonts, &[]).unwrap()).unwrap();
        if i % 8 == 0 {
            let docx = dir.join(format!("{i}.docx"));
            std::fs::write(&docx, nianbao::docx::render(&doc, nianbao::docx::DocxFonts::Fandol).unwrap()).unwrap();
            word.push((i, report.clone(), docx));
        }
        let pages = pages(&pdf);
        pages_seen += pages.len();
        let body = body_lines(&pdf);
        inside += breaks_in_paragraphs(&body);
        let raw = raw_pages(&pdf);
        repeated += usize::from(label_repeated(&report, &raw));
        for b in bad_breaks(&report, &pages).into_iter().chain(lone_lines(&body)).chain(unlabelled_rows(&report, &raw))
        {
            broken.push(format!("报告 {i}：{b}"));
        }
    }
    let printed = dir.join("printed");
    std::fs::create_dir_all(&printed).unwrap();
    let files: Vec<_> = word.iter().map(|(_, _, docx)| docx.clone()).collect();
    for ((i, report, _), pdf) in word.iter().zip(libreoffice_all(&files, "pdf", &printed)) {
        for b in word_breaks(report, &pdf) {
            broken.push(format!("报告 {i} 的 DOCX：{b}"));
        }
    }
    eprintln!(
        "{n} generated reports ({} also as DOCX, printed by LibreOffice), {pages_seen} pages, \
         {inside} breaking inside a paragraph, {repeated} with a merged label printed again on a later page: \
         {} bad breaks",
        word.len(),
        broken.len()
    );
    assert!(inside * 4 > n, "the generated reports break pages inside paragraphs ({inside}): widows could be seen");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    assert!(repeated * 2 > n, "table B goes on over a page in most generated reports ({repeated})");
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
        let printed = pages(&pdf);
        let unlabelled = unlabelled_rows(&report, &raw_pages(&pdf));
        for b in bad_breaks(&report, &printed).into_iter().chain(lone_lines(&body_lines(&pdf))).chain(unlabelled) {
            broken.push(format!("{name}.pdf：{b}"));
        }
        let word = dir.join(format!("{name}.docx"));
        render(input, &word, &["--allow-inconsistent", "--docx-fonts", "fandol"]);
        docx.push(word);
        reports.push((name, report));
    }
    for ((name, report), printed) in reports.iter().zip(libreoffice_all(&docx, "pdf", &lo)) {
        for b in word_breaks(report, &printed) {
            broken.push(format!("{name}.docx：{b}"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
