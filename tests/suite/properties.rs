//! Properties over random reports, with a deterministic generator (no
//! shrinking; each failure prints its seed):
//! - random valid reports render to PDF and DOCX, every number of every
//!   table is found in its own row of each, and both import back to a
//!   report that prints the same;
//! - random mutations of valid reports never panic anywhere from parsing to
//!   both backends;
//! - damaged published texts and PDF words never panic the importer.
//!
//! `PROPERTY_CASES`, `MUTATION_CASES` and `IMPORT_CASES` raise the case
//! counts; the fuzz run is `MUTATION_CASES=200000 cargo test --release --test
//! suite properties::`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::common::*;
use nianbao::example::{self, Rng};
use nianbao::fonts::Fonts;
use nianbao::layout;
use serde_json::{json, Value};

fn cases(var: &str, default: u64) -> u64 {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Multiplies every count of tables B and C by `k`: the sums still hold.
fn scale(v: &mut Value, k: u64) {
    match v {
        Value::Number(n) if n.is_u64() => *v = json!(n.as_u64().unwrap() * k),
        Value::Array(a) => a.iter_mut().for_each(|x| scale(x, k)),
        Value::Object(o) => o.values_mut().for_each(|x| scale(x, k)),
        _ => {}
    }
}

/// The texts of each row of a DOCX table, cell by cell.
fn docx_rows(tbl: &Elem) -> Vec<Vec<String>> {
    tbl.children
        .iter()
        .filter(|c| c.name == "w:tr")
        .map(|tr| {
            tr.children.iter().filter(|c| c.name == "w:tc").map(|tc| tc.texts()).filter(|t| !t.is_empty()).collect()
        })
        .collect()
}

#[test]
fn random_valid_reports_keep_every_number_in_its_row() {
    let dir = scratch("properties-valid");
    let fonts = Fonts::bundled();
    let n = cases("PROPERTY_CASES", 6);
    for case in 0..n {
        let seed = 1000 + case;
        let mut rng = Rng::new(seed);
        let (_, mut report) = example::reports(3, seed).swap_remove(rng.below(3) as usize);
        // Up to five-digit counts, as the largest agencies print.
        let k = [1, 7, 100, 1000][rng.below(4) as usize];
        scale(&mut report["applications"], k);
        scale(&mut report["review_litigation"], k);
        let report = nianbao::model::parse_str(&report.to_string()).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert!(!nianbao::check::refuses(&nianbao::check::findings(&report)), "seed {seed}: generated reports add up");
        let doc = layout::build(&report);

        let pdf = dir.join(format!("{seed}.pdf"));
        std::fs::write(&pdf, nianbao::pdf::render(&doc, &fonts, &[]).unwrap()).unwrap();
        assert_tables(&pdf, &doc, &format!("seed {seed}"));

        let docx = nianbao::docx::render(&doc, nianbao::docx::DocxFonts::Official).unwrap();
        for (what, bytes, source) in [
            ("PDF", std::fs::read(&pdf).unwrap(), nianbao::import::Source::Pdf),
            ("DOCX", docx.clone(), nianbao::import::Source::Docx),
        ] {
            let back = nianbao::import::import(&bytes, source).unwrap_or_else(|e| panic!("seed {seed}: {what}: {e}"));
            assert_eq!(printed(&back), printed(&report), "seed {seed}: {what} imports back");
        }
        let body = parse_xml(&unzip(&docx).into_iter().find(|(n, _)| n == "word/document.xml").unwrap().1);
        for (tbl, table) in body.find_all("w:tbl").iter().zip(doc.tables()) {
            let rows = docx_rows(tbl);
            for (r, row) in rows.iter().enumerate() {
                let mut want: Vec<_> = table.cells.iter().filter(|c| c.row == r).collect();
                want.sort_by_key(|c| c.col);
                let want: Vec<String> = want.iter().map(|c| c.text()).filter(|t| !t.is_empty()).collect();
                assert_eq!(row, &want, "seed {seed}: DOCX row {r}");
            }
        }
    }
}

const VALUES: &[&str] = &[
    "null",
    "true",
    "-1",
    "0",
    "1.5",
    "1e300",
    "18446744073709551615",
    "-9223372036854775808",
    "\"\"",
    "\"字\"",
    "\"#panic()\"",
    "[]",
    "{}",
    "[1,2,3]",
    "{\"x\":1}",
    "\"\\u202e\"",
    "\"😀\"",
    "[0,0,0,0,0,0,0]",
    "\"2021\"",
    "2019",
];
const KEYS: &[&str] =
    &["format", "year", "total", "other", "heading", "lead", "text", "results", "natural_person", "x"];

/// A random node of `v`: itself, or one below it.
fn random_node<'a>(v: &'a mut Value, rng: &mut Rng) -> &'a mut Value {
    let len = match v {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        _ => 0,
    };
    if len == 0 || rng.below(3) == 0 {
        return v;
    }
    let i = rng.below(len as u64) as usize;
    match v {
        Value::Array(a) => random_node(&mut a[i], rng),
        Value::Object(o) => random_node(o.values_mut().nth(i).expect("in range"), rng),
        _ => unreachable!("containers only"),
    }
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let node = random_node(doc, rng);
    match rng.below(4) {
        0 => *node = serde_json::from_str(VALUES[rng.below(VALUES.len() as u64) as usize]).unwrap(),
        1 => {
            if let Value::Object(o) = node {
                if !o.is_empty() {
                    let key = o.keys().nth(rng.below(o.len() as u64) as usize).unwrap().clone();
                    o.remove(&key);
                }
            }
        }
        2 => {
            if let Value::Object(o) = node {
                let value = serde_json::from_str(VALUES[rng.below(VALUES.len() as u64) as usize]).unwrap();
                o.insert(KEYS[rng.below(KEYS.len() as u64) as usize].into(), value);
            }
        }
        _ => {
            if let Value::Array(a) = node {
                if rng.below(2) == 0 {
                    a.pop();
                } else if let Some(x) = a.first().cloned() {
                    a.push(x);
                }
            }
        }
    }
}

/// Text-level damage: a cut, a stray byte, a doubled slice.
fn damage(text: &mut Vec<u8>, rng: &mut Rng) {
    let at = rng.below(text.len() as u64 + 1) as usize;
    match rng.below(3) {
        0 => text.truncate(at),
        1 => {
            let stray = b"{}[],:\"\\0-e\xff\xfe";
            text.insert(at, stray[rng.below(stray.len() as u64) as usize]);
        }
        _ => {
            let end = (at + rng.below(40) as usize).min(text.len());
            let slice = text[at..end].to_vec();
            text.splice(at..at, slice);
        }
    }
}

#[test]
fn random_mutations_never_panic() {
    let fonts = Fonts::bundled();
    let bases: Vec<Value> = ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"]
        .iter()
        .map(|f| serde_json::from_str(&fixture_text(f)).unwrap())
        .chain(example::reports(6, 77).into_iter().map(|(_, v)| v))
        .collect();
    let n = cases("MUTATION_CASES", 3000);
    let (mut accepted, mut rendered) = (0, 0);
    for case in 0..n {
        let mut rng = Rng::new(case);
        let mut doc = bases[rng.below(bases.len() as u64) as usize].clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut doc, &mut rng);
        }
        let mut bytes = serde_json::to_vec_pretty(&doc).unwrap();
        if rng.below(4) == 0 {
            damage(&mut bytes, &mut rng);
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let Ok(prepared) = nianbao::pipeline::read_json(&bytes).map(|c| c.prepare(&fonts)) else {
                return (false, false);
            };
            for table in prepared.document.tables() {
                table.grid().expect("layout tables tile their grid");
            }
            let render = case % 250 == 0;
            if render {
                nianbao::pdf::render(&prepared.document, &fonts, &[]).unwrap();
                nianbao::docx::render(&prepared.document, nianbao::docx::DocxFonts::Fandol).unwrap();
            }
            (true, render)
        }));
        let (ok, did_render) = outcome.unwrap_or_else(|_| {
            let path = std::env::temp_dir().join(format!("nianbao-crash-{case}.json"));
            std::fs::write(&path, &bytes).unwrap();
            panic!("case {case} panicked; input saved to {}", path.display())
        });
        accepted += usize::from(ok);
        rendered += usize::from(did_render);
    }
    eprintln!("{n} mutation cases: {accepted} accepted, {rendered} rendered to PDF and DOCX, no panic");
    assert!(accepted > 0 && accepted < n as usize, "mutations are neither all harmless nor all fatal");
}

/// Line-level damage to a published text or a PDF's words: a line lost,
/// doubled or moved, or one field of it replaced.
fn damage_lines(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return String::new();
    }
    let i = rng.below(lines.len() as u64) as usize;
    match rng.below(4) {
        0 => {
            lines.remove(i);
        }
        1 => lines.insert(i, lines[i].clone()),
        2 => {
            let j = rng.below(lines.len() as u64) as usize;
            lines.swap(i, j);
        }
        _ => {
            let mut fields: Vec<String> = lines[i].split('\t').map(str::to_string).collect();
            let f = rng.below(fields.len() as u64) as usize;
            fields[f] = ["", "0", "-1", "1e9", "NaN", "12.5", "字", "（一）", "9999999999999999999999"]
                [rng.below(9) as usize]
                .to_string();
            lines[i] = fields.join("\t");
        }
    }
    lines.join("\n")
}

/// Damaged published texts and damaged PDF words never panic the importer:
/// each imports or is refused.
#[test]
fn damaged_imports_never_panic() {
    let dir = scratch("properties-import");
    let fonts = Fonts::bundled();
    let mut bases: Vec<String> = ["beiguan-2023.txt", "pingtan_2023.txt", "shanghai_govoffice_2019.txt"]
        .iter()
        .map(|f| std::fs::read_to_string(fixture(&format!("published/{f}"))).unwrap())
        .collect();
    for name in ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"] {
        let doc = nianbao::pipeline::read_json(fixture_text(name).as_bytes()).unwrap().prepare(&fonts).document;
        let pdf = dir.join(name).with_extension("pdf");
        std::fs::write(&pdf, nianbao::pdf::render(&doc, &fonts, &[]).unwrap()).unwrap();
        bases.push(pdftotext_tsv(&pdf));
    }
    let n = cases("IMPORT_CASES", 600);
    let mut imported = 0;
    for case in 0..n {
        let mut rng = Rng::new(case);
        let mut text = bases[rng.below(bases.len() as u64) as usize].clone();
        for _ in 0..1 + rng.below(3) {
            text = damage_lines(&text, &mut rng);
        }
        let mut bytes = text.into_bytes();
        if rng.below(4) == 0 {
            damage(&mut bytes, &mut rng);
        }
        let outcome =
            catch_unwind(AssertUnwindSafe(|| nianbao::import::import(&bytes, nianbao::import::Source::Text).is_ok()));
        let ok = outcome.unwrap_or_else(|_| {
            let path = std::env::temp_dir().join(format!("nianbao-import-crash-{case}.txt"));
            std::fs::write(&path, &bytes).unwrap();
            panic!("case {case} panicked; input saved to {}", path.display())
        });
        imported += usize::from(ok);
    }
    eprintln!("{n} damaged sources: {imported} imported, the rest refused, no panic");
    assert!(imported > 0 && imported < n as usize);
}

/// Damaged PDFs never panic the in-process reader: each is read or
/// refused. Rendered PDFs, cut short, with bytes changed, inserted or
/// repeated (in the cross-reference table, the page tree, the compressed
/// streams alike).
#[test]
fn damaged_pdfs_never_panic() {
    let fonts = Fonts::bundled();
    let bases: Vec<Vec<u8>> = ["beiguan-2023.json", "pingtan-2023.json"]
        .iter()
        .map(|name| {
            let doc = nianbao::pipeline::read_json(fixture_text(name).as_bytes()).unwrap().prepare(&fonts).document;
            nianbao::pdf::render(&doc, &fonts, &[]).unwrap()
        })
        .collect();
    let n = cases("PDF_CASES", 120);
    let mut imported = 0;
    for case in 0..n {
        let mut rng = Rng::new(case);
        let mut bytes = bases[rng.below(bases.len() as u64) as usize].clone();
        for _ in 0..1 + rng.below(3) {
            if rng.below(2) == 0 {
                damage(&mut bytes, &mut rng);
            } else {
                let at = rng.below(bytes.len() as u64) as usize;
                bytes[at] ^= 1 << rng.below(8);
            }
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| nianbao::import::import(&bytes, nianbao::import::Source::Pdf)));
        let result = outcome.unwrap_or_else(|_| {
            let path = std::env::temp_dir().join(format!("nianbao-pdf-crash-{case}.pdf"));
            std::fs::write(&path, &bytes).unwrap();
            panic!("case {case} panicked; input saved to {}", path.display())
        });
        if let Err(e) = &result {
            assert!(!e.message.is_empty());
        }
        imported += usize::from(result.is_ok());
    }
    eprintln!("{n} damaged PDFs: {imported} imported, the rest refused, no panic");
    assert!(imported < n as usize);
}

/// Tag soup never panics the page reader and never goes quadratic past
/// its pre-scan: random runs of opening and closing tags (unclosed
/// `<div>`s, formatting elements with attributes, tables opened in cells),
/// each up to 60 KB, are imported or refused.
#[test]
fn tag_soup_never_panics() {
    const TAGS: &[&str] = &["div", "b", "i", "span", "font", "p", "table", "tr", "td", "a", "li", "ul", "em"];
    let n = cases("SOUP_CASES", 200);
    let (mut refused, mut deep) = (0, 0);
    for case in 0..n {
        let mut rng = Rng::new(case);
        let mut page = String::from("<html><body><p>一、总体情况</p>");
        let target = 1_000 + rng.below(60_000) as usize;
        while page.len() < target {
            let tag = TAGS[rng.below(TAGS.len() as u64) as usize];
            match rng.below(6) {
                0 => page.push_str(&format!("</{tag}>")),
                1 => page.push_str(&format!("<{tag} id=\"{}\">", rng.below(1000))),
                2 => page.push_str("规章 12 "),
                _ => page.push_str(&format!("<{tag}>")),
            }
        }
        let outcome =
            catch_unwind(AssertUnwindSafe(|| nianbao::import::import(page.as_bytes(), nianbao::import::Source::Html)));
        let result = outcome.unwrap_or_else(|_| panic!("case {case} panicked"));
        let err = result.expect_err("tag soup is not a report");
        refused += 1;
        deep += usize::from(err.message.contains("嵌套超过"));
    }
    eprintln!("{n} tag soups: {refused} refused ({deep} as nested too deep), no panic");
    assert!(deep > 0, "some soups nest past the limit");
}
