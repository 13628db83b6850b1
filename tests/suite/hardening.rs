//! Hostile input: the corpus under tests/corpus (each file with the exit
//! code and message it must produce), files that are not reports at all,
//! and the archival PDF standards.

use std::path::Path;

use crate::common::*;

fn corpus() -> Vec<(String, i32, String, Option<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    std::fs::read_to_string(dir.join("expected.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let path = (f[3] != "-").then(|| f[3].to_string());
            (f[0].to_string(), f[1].parse().unwrap(), f[2].to_string(), path)
        })
        .collect()
}

#[test]
fn every_corpus_file_gets_its_exit_code_and_message() {
    let cases = corpus();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    for (file, code, fragment, path) in cases {
        let out_dir = scratch(&format!("corpus-{file}"));
        let out = run(bin().arg("render").arg(dir.join(&file)).arg("-o").arg(out_dir.join("out.pdf")));
        let err = stderr(&out);
        assert_ne!(out.status.code(), Some(101), "{file} panicked: {err}");
        assert_eq!(out.status.code(), Some(code), "{file}: {err}");
        assert!(err.contains(&fragment), "{file}: expected “{fragment}” in: {err}");
        if let Some(path) = path {
            assert!(err.contains(&format!("（{path}）")), "{file}: expected the path {path} in: {err}");
        }
        if code != 0 {
            assert!(err.contains("行") || err.contains("全文"), "{file}: the message names a place: {err}");
            let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
            assert!(left.is_empty(), "{file}: a refused input writes nothing");
        } else {
            assert!(std::fs::read(out_dir.join("out.pdf")).unwrap().starts_with(b"%PDF-"));
        }
    }
}

/// Pages too large to commit: 10 MB of nested tables, a table of 10,000
/// rows. Each is refused with its reason, no panic, nothing written.
#[test]
fn huge_hostile_pages_are_refused() {
    let dir = scratch("hostile-pages");
    let nested = format!(
        "<html><body>{}一、总体情况{}</body></html>",
        "<table><tr><td>".repeat(700_000),
        "</td></tr></table>".repeat(10)
    );
    let rows = format!(
        "<html><body><p>一、总体情况</p><table>{}</table></body></html>",
        "<tr><td>规章</td><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td><td>6</td><td>7</td><td>8</td><td>9</td><td>10</td><td>11</td></tr>".repeat(10_000)
    );
    for (name, page, reason) in [("nested.html", nested, "超过这类文件的上限"), ("rows.html", rows, "表格超过")]
    {
        let input = dir.join(name);
        std::fs::write(&input, page).unwrap();
        let out = run(bin().arg("render").arg(&input).arg("-o").arg(dir.join("out.pdf")));
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains(reason), "{name}: {}", stderr(&out));
        assert!(!dir.join("out.pdf").exists());
    }
}

#[test]
fn a_report_past_64_bits_prints_its_sums() {
    let dir = scratch("overflow");
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/sum-past-64-bits.json");
    let pdf = dir.join("out.pdf");
    render(&input, &pdf, &[]);
    assert!(pdftotext(&pdf).contains("36893488147419103230"), "2 × (2^64 − 1) in the total column");
}

#[test]
fn what_is_not_a_report_file_is_named() {
    let dir = scratch("not-a-file");
    // A directory as input.
    let out = run(bin().arg("render").arg(&dir));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("无法读取"), "{}", stderr(&out));
    // An output folder that cannot be written: its parent is a file.
    let blocker = dir.join("file");
    std::fs::write(&blocker, "").unwrap();
    let out = run(bin().arg("render").arg(fixture("beiguan-2023.json")).arg("-o").arg(blocker.join("out.pdf")));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("file：无法创建输出目录"), "{}", stderr(&out));
    // The output path equal to the input path.
    let input = dir.join("r.json");
    std::fs::copy(fixture("beiguan-2023.json"), &input).unwrap();
    let out = run(bin().arg("render").arg(&input).args(["--format", "docx", "-o"]).arg(&input));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("就是输入文件"));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), fixture_text("beiguan-2023.json"));
}

#[test]
fn archival_pdfs_declare_and_pass_their_standard() {
    let dir = scratch("pdfa");
    for (standard, part, conformance) in [("a-2b", "2", "B"), ("a-2u", "2", "U"), ("a-3u", "3", "U")] {
        let pdf = dir.join(format!("{standard}.pdf"));
        render(&fixture("pingtan-2023.json"), &pdf, &["--pdf-standard", standard]);
        let check = std::process::Command::new("qpdf").arg("--check").arg(&pdf).output().expect("qpdf is needed");
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
        let meta = std::process::Command::new("pdfinfo").arg("-meta").arg(&pdf).output().unwrap();
        let meta = String::from_utf8_lossy(&meta.stdout);
        assert!(meta.contains(&format!("<pdfaid:part>{part}</pdfaid:part>")), "{meta}");
        assert!(meta.contains(&format!("<pdfaid:conformance>{conformance}</pdfaid:conformance>")), "{meta}");
        assert!(pdfinfo(&pdf).contains("Tagged:          yes"));
    }
    let out = run(bin().arg("render").arg(fixture("beiguan-2023.json")).args(["--pdf-standard", "a-9z"]));
    assert_eq!(out.status.code(), Some(2));
}
