//! The corpus of real published reports (`fixtures/corpus/`, copied from
//! the shared corpus): every page and text imports to the JSON a careful
//! person wrote from it, number for number, blank for blank, word for word,
//! or is refused naming the place; archivers' dumps are refused with advice.

use std::path::{Path, PathBuf};

use nianbao::form::applications;
use nianbao::import::{self, ImportError, Place, Source};
use nianbao::model::{self, Block, Report};

fn corpus(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus").join(dir)
}

/// Every word of a report's prose in order, white space left out: how a
/// paragraph was split or marked as a heading is not what is compared.
fn words(r: &Report) -> String {
    let mut all: Vec<&Block> = Vec::new();
    all.extend(&r.preamble);
    all.extend(&r.overview);
    for s in &r.table_prose.sections {
        all.extend(&s.before);
        all.extend(&s.after);
    }
    all.extend(&r.problems);
    all.extend(&r.other_matters);
    let mut out: String = all
        .iter()
        .map(|b| match b {
            Block::Paragraph(t) | Block::Heading(t) => t.clone(),
            Block::Lead { lead, text } => format!("{lead}{text}"),
        })
        .collect();
    if let Some(s) = &r.signature {
        out.push_str(&s.agency);
        out.push_str(&s.date);
    }
    out.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The numbers a report prints, cell by cell, named: table A's values,
/// table B's rows as printed (a total left out is computed), table C.
fn numbers(r: &Report) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for ((item, row), values) in nianbao::form::proactive::rows(r.proactive.version).zip(&r.proactive.rows) {
        for (f, v) in item.shape.fields().iter().zip(values) {
            out.push((format!("表二 {}·{}·{}", item.title, row.label, f.header), v.text()));
        }
    }
    for (i, line) in applications::lines(r.applications.version).iter().enumerate() {
        for (c, v) in r.applications.printed(i).iter().enumerate() {
            out.push((format!("表三 {} 第 {} 列", line.name(), c + 1), format!("{v:?}")));
        }
    }
    for (g, counts) in r.review_litigation.groups.iter().enumerate() {
        for (c, v) in counts.columns().iter().enumerate() {
            out.push((format!("表四 第 {} 组第 {} 列", g + 1, c + 1), format!("{v:?}")));
        }
    }
    out
}

/// Where an import differs from the answer: wrong numbers first.
pub fn differences(got: &Report, want: &Report) -> (Vec<String>, Vec<String>) {
    let mut wrong = Vec::new();
    let head = |r: &Report| (r.version, r.proactive.version, r.applications.version, r.year, r.agency.clone());
    if head(got) != head(want) {
        wrong.push(format!("格式（表二、表三所用）/年度/机关 {:?} ≠ {:?}", head(got), head(want)));
    } else {
        for ((name, a), (_, b)) in numbers(got).iter().zip(numbers(want)) {
            if *a != b {
                wrong.push(format!("{name}: {a} ≠ {b}"));
            }
        }
    }
    let mut other = Vec::new();
    if got.title() != want.title() {
        other.push(format!("标题 {} ≠ {}", got.title(), want.title()));
    }
    if words(got) != words(want) {
        let (a, b) = (words(got), words(want));
        let same = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        let around = |s: &str| s.chars().skip(same.saturating_sub(10)).take(40).collect::<String>();
        other.push(format!("文字在第 {same} 字处不同：…{}… ≠ …{}…", around(&a), around(&b)));
    }
    (wrong, other)
}

fn answer(name: &str) -> Report {
    model::parse_str(&std::fs::read_to_string(corpus("json").join(format!("{name}.json"))).unwrap()).unwrap()
}

/// Every source of the corpus with the answer's name.
fn sources() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for dir in ["html", "txt", "dumps"] {
        for entry in std::fs::read_dir(corpus(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().split('.').next().unwrap().to_string();
            out.push((path, name));
        }
    }
    out.sort();
    out
}

#[test]
fn the_corpus_imports_exactly_or_is_refused_with_the_place() {
    let (mut imported, mut refused, mut report) = (0, 0, String::new());
    let mut total = 0;
    for (path, name) in sources() {
        let dump = path.to_str().unwrap().contains("/dumps/");
        let result = import::read(&std::fs::read(&path).unwrap(), Source::of(&path));
        match result {
            Ok(got) => {
                assert!(!dump, "{}: a dump's run-together cells must be refused, not read", path.display());
                total += 1;
                let (wrong, other) = differences(&got.report, &answer(&name));
                assert!(wrong.is_empty(), "{}: WRONG NUMBERS\n{}", path.display(), wrong.join("\n"));
                assert!(other.is_empty(), "{}:\n{}", path.display(), other.join("\n"));
                imported += 1;
            }
            Err(ImportError { at, message, .. }) if dump => {
                assert!(matches!(at, Place::Line(_)) && message.contains(".html"), "{}: {message}", path.display());
            }
            Err(e) => {
                total += 1;
                refused += 1;
                assert!(e.at != Place::Whole || !e.message.is_empty(), "{}: {e}", path.display());
                report.push_str(&format!("{}: {e}\n", path.display()));
            }
        }
    }
    // Every page and text of the corpus: at least 90 % imported.
    assert!(total >= 10, "the corpus has {total} pages and texts");
    assert!(imported * 10 >= total * 9, "{imported} of {total} imported; refused:\n{report}");
    assert_eq!(imported + refused, total);
}

#[test]
fn an_html_page_imports_through_the_command_with_its_reader_named() {
    let dir = crate::common::scratch("corpus-cli");
    let page = corpus("html").join("pingtan_zonghe_2025.html");
    let out = dir.join("zonghe.json");
    let run = crate::common::run(crate::common::bin().arg("import").arg(&page).arg("-o").arg(&out).arg("--explain"));
    assert!(run.status.success(), "{}", crate::common::stderr(&run));
    let explain = String::from_utf8(run.stdout).unwrap();
    // Which row each label was read as, with its place in the page.
    assert!(explain.contains("第 1 个表格第 3 行") && explain.contains("规章"), "{explain}");
    assert!(explain.contains("“五、存在的主要问题及改进情况”"), "{explain}");
    let got = model::parse_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let (wrong, other) = differences(&got, &answer("pingtan_zonghe_2025"));
    assert!(wrong.is_empty() && other.is_empty(), "{wrong:?} {other:?}");
}

#[test]
fn label_variants_are_read_and_explained() {
    // 规范性文件 for the 2021 行政规范性文件 (市场监督管理局 2023): read as
    // that row, and the explanation says by which variant; the missing
    // 规章 row is blank, as published.
    let path = corpus("txt").join("pingtan_shijian_2023.txt");
    let got = import::read(&std::fs::read(&path).unwrap(), Source::Text).unwrap();
    let notes: Vec<String> = got.notes.iter().map(ToString::to_string).collect();
    assert!(notes.iter().any(|n| n.contains("“规范性文件”作“行政规范性文件”")), "{notes:#?}");
    assert!(notes.iter().any(|n| n.contains("原表没有“第二十条第（一）项·规章”这一行")), "{notes:#?}");
}

/// PDFs as agencies publish them: reports typed in Word style and saved as
/// PDF (`fixtures/pdf/`, with the Word file each was saved from) and real
/// published PDFs (`fixtures/pdf/real/`). Each imports to its answer number
/// for number and word for word, or is refused naming the place. None
/// imports a wrong number.
#[test]
fn pdfs_as_agencies_publish_them_import_exactly_or_are_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pdf");
    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.unwrap().path().file_name()?.to_str()?.strip_suffix(".pdf").map(String::from))
            .collect();
        names.sort();
        names
    };
    let mut tally = String::new();
    for (dir, kinds, at_least) in [(root.clone(), &["pdf", "docx"][..], 9), (root.join("real"), &["pdf"][..], 2)] {
        let names = names(&dir);
        assert!(names.len() >= at_least, "{names:?}");
        for kind in kinds {
            let (mut exact, mut refused) = (0, Vec::new());
            for name in &names {
                let path = dir.join(format!("{name}.{kind}"));
                // The answer as printed, where the PDF shows other than the
                // Word file it was saved from (`NAME.pdf.json`).
                let printed = dir.join(format!("{name}.{kind}.json"));
                let answer = if printed.exists() { printed } else { dir.join(format!("{name}.json")) };
                let want = model::parse_str(&std::fs::read_to_string(answer).unwrap()).unwrap();
                match import::read(&std::fs::read(&path).unwrap(), Source::of(&path)) {
                    Ok(got) => {
                        let (wrong, other) = differences(&got.report, &want);
                        assert!(wrong.is_empty(), "{}: WRONG NUMBERS\n{}", path.display(), wrong.join("\n"));
                        assert!(other.is_empty(), "{}:\n{}", path.display(), other.join("\n"));
                        exact += 1;
                    }
                    Err(e) => {
                        assert!(e.at != Place::Whole, "{}: refused without a place: {e}", path.display());
                        refused.push(format!("{name}: {e}"));
                    }
                }
            }
            let folder = dir.file_name().unwrap().to_string_lossy();
            tally.push_str(&format!("{folder} {kind}: {exact} exact, {} refused, 0 wrong\n", refused.len()));
            for r in &refused {
                tally.push_str(&format!("  {r}\n"));
            }
            assert_eq!(exact, names.len(), "{tally}");
        }
    }
    eprintln!("{tally}");
}
