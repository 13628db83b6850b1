//! Batch mode end to end: good, refused and broken inputs side by side,
//! a failing write, cross-year continuity, shards, and the same bytes
//! whatever the number of jobs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::*;
use serde_json::json;

fn examples(dir: &Path, count: usize, seed: u64) {
    let out = run(bin().args(["example", "--count", &count.to_string(), "--seed", &seed.to_string(), "-o"]).arg(dir));
    assert!(out.status.success(), "{}", stderr(&out));
}

fn summary(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn record<'a>(summary: &'a serde_json::Value, ends_with: &str) -> &'a serde_json::Value {
    summary["records"].as_array().unwrap().iter().find(|r| r["path"].as_str().unwrap().ends_with(ends_with)).unwrap()
}

#[test]
fn good_refused_and_broken_inputs() {
    let dir = scratch("batch-mixed");
    let inputs = dir.join("in");
    examples(&inputs, 4, 11);
    variant(&inputs, "inconsistent.json", "beiguan-2023.json", |d| {
        d["applications"]["received"]["natural_person"] = json!(5)
    });
    let bad = variant(&inputs, "sub/bad-type.json", "beiguan-2023.json", |d| d["year"] = json!("2023年"));
    std::fs::write(inputs.join("truncated.json"), &fixture_text("pingtan-2023.json")[..900]).unwrap();
    // A text in the folder is read as a published report: this one is not.
    std::fs::write(inputs.join("notes.txt"), "not an input").unwrap();
    // Files of other kinds are not inputs.
    std::fs::write(inputs.join("notes.md"), "not an input").unwrap();
    let out_dir = dir.join("out");
    let out =
        run(bin().arg("batch").arg(&inputs).arg("-o").arg(&out_dir).arg("--summary").arg(dir.join("summary.json")));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("完成 4 份，拒绝 4 份，失败 0 份"), "{err}");
    let s = summary(&dir.join("summary.json"));
    assert_eq!((s["rendered"].as_u64(), s["refused"].as_u64(), s["failed"].as_u64()), (Some(4), Some(4), Some(0)));
    let r = record(&s, "notes.txt");
    assert_eq!((r["status"].as_str(), r["reader"].as_str()), (Some("refused"), Some("text")));
    assert!(r["reason"].as_str().unwrap().contains("标题"), "{r}");
    let r = record(&s, "inconsistent.json");
    assert_eq!(r["status"], "refused");
    assert!(r["findings"].as_array().unwrap().iter().any(|f| f.as_str().unwrap().contains("/applications/received")));
    let r = record(&s, "bad-type.json");
    assert_eq!(r["status"], "refused");
    assert!(r["reason"].as_str().unwrap().contains("/year"));
    assert!(record(&s, "truncated.json")["reason"].as_str().unwrap().contains("JSON"));
    let good = record(&s, "agency-0000/2019.json");
    assert_eq!(good["status"], "rendered");
    assert_eq!(good["agency"], "北关区乡村振兴局");
    assert!(good["time_ms"].as_u64().is_some());
    // Outputs mirror the inputs; refused inputs and temporary files leave nothing.
    let written: Vec<PathBuf> = files(&out_dir).into_keys().collect();
    assert_eq!(written.len(), 4, "{written:?}");
    assert!(written.iter().all(|p| p.extension().unwrap() == "pdf" && p.to_str().unwrap().starts_with("agency-000")));
    assert!(bad.exists());
}

#[test]
fn a_failing_write_leaves_no_partial_file_and_keeps_the_rest() {
    let dir = scratch("batch-failing-write");
    let inputs = dir.join("in");
    examples(&inputs, 3, 5);
    let out_dir = dir.join("out");
    // An older output kept from a previous run, and a target that cannot be
    // replaced (a folder where the file should go).
    std::fs::create_dir_all(out_dir.join("agency-0000/2020.pdf")).unwrap();
    std::fs::write(out_dir.join("agency-0000/2019.docx"), b"older output").unwrap();
    let out = run(bin()
        .arg("batch")
        .arg(&inputs)
        .arg("-o")
        .arg(&out_dir)
        .args(["--format", "pdf", "--summary"])
        .arg(dir.join("s.json")));
    assert_eq!(out.status.code(), Some(1));
    let s = summary(&dir.join("s.json"));
    assert_eq!((s["rendered"].as_u64(), s["failed"].as_u64()), (Some(2), Some(1)));
    assert!(record(&s, "2020.json")["reason"].as_str().unwrap().contains("无法写入"));
    let names: Vec<String> = files(&out_dir).keys().map(|p| p.display().to_string()).collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "no temporary files: {names:?}");
    assert_eq!(std::fs::read(out_dir.join("agency-0000/2019.docx")).unwrap(), b"older output");
    assert!(std::fs::read(out_dir.join("agency-0000/2019.pdf")).unwrap().starts_with(b"%PDF"));
}

#[test]
fn consecutive_years_must_carry_over() {
    let dir = scratch("batch-continuity");
    let inputs = dir.join("in");
    let last = variant(&inputs, "a/2022.json", "beiguan-2023.json", |d| {
        d["year"] = json!(2022);
        d["applications"]["results"]["granted"] = json!([1, 0, 0, 0, 0, 0, 1]);
        d["applications"]["carried_forward"] = json!([2, 0, 0, 0, 0, 0, 2]);
        d["applications"]["received"] = json!({"natural_person": 3, "commercial": 0, "research": 0, "social_welfare": 0, "legal_service": 0, "other": 0, "total": 3});
        d["applications"]["results"]["total"] = json!([1, 0, 0, 0, 0, 0, 1]);
    });
    variant(&inputs, "a/2023.json", "beiguan-2023.json", |_| {});
    let out = run(bin().args(["check"]).arg(&last));
    assert!(out.status.success(), "the 2022 report adds up: {}", stderr(&out));
    let s_path = dir.join("s.json");
    let out = run(bin().arg("batch").arg(&inputs).arg("-o").arg(dir.join("out")).arg("--summary").arg(&s_path));
    assert!(out.status.success(), "a note by default: {}", stderr(&out));
    let s = summary(&s_path);
    let all: Vec<&str> =
        record(&s, "2023.json")["findings"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    // The two years share their text, too: 一 and 五 are noted as repeated.
    let (repeats, findings): (Vec<&str>, Vec<&str>) = all.iter().partition(|f| f.contains("重复 100%"));
    assert_eq!(repeats.len(), 2, "{all:?}");
    assert_eq!(findings.len(), 2, "自然人 and 总计 differ: {findings:?}");
    assert!(findings[0].contains("[提示]") && findings[0].contains("二、上年结转政府信息公开申请数量 · 自然人"));
    assert!(findings[0].contains("/applications/carried_over/0") && findings[0].contains("2022"), "{}", findings[0]);
    assert!(record(&s, "2022.json")["findings"].as_array().unwrap().is_empty());

    let out = run(bin()
        .arg("batch")
        .arg(&inputs)
        .arg("-o")
        .arg(dir.join("strict"))
        .arg("--strict")
        .arg("--summary")
        .arg(&s_path));
    assert_eq!(out.status.code(), Some(1));
    let s = summary(&s_path);
    assert_eq!(record(&s, "2023.json")["status"], "refused");
    assert_eq!(record(&s, "2022.json")["status"], "rendered");
}

#[test]
fn same_bytes_with_one_or_two_jobs_and_shards_partition_the_inputs() {
    let dir = scratch("batch-jobs");
    let inputs = dir.join("in");
    examples(&inputs, 8, 3);
    for jobs in ["1", "2"] {
        let out = run(bin()
            .arg("batch")
            .arg(&inputs)
            .arg("-o")
            .arg(dir.join(jobs))
            .args(["--jobs", jobs, "--format", "pdf", "--format", "docx"]));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let one = files(&dir.join("1"));
    assert_eq!(one.len(), 16);
    assert_eq!(one, files(&dir.join("2")), "same bytes with --jobs 1 and --jobs 2");

    let mut union = BTreeMap::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let out_dir = dir.join(format!("shard-{}", &shard[..1]));
        let out = run(bin()
            .arg("batch")
            .arg(&inputs)
            .arg("-o")
            .arg(&out_dir)
            .args(["--shard", shard, "--format", "pdf", "--format", "docx"]));
        assert!(out.status.success());
        let part = files(&out_dir);
        assert!(!part.is_empty());
        for (k, v) in part {
            assert!(union.insert(k, v).is_none(), "shards overlap");
        }
    }
    assert_eq!(union, one, "the shards together are the whole batch");

    // The order inputs are named in changes nothing.
    let flat = dir.join("flat");
    std::fs::create_dir_all(&flat).unwrap();
    let mut named = Vec::new();
    for (path, bytes) in files(&inputs) {
        let file = flat.join(path.to_string_lossy().replace('/', "-"));
        std::fs::write(&file, bytes).unwrap();
        named.push(file);
    }
    let mut outputs = Vec::new();
    for order in ["forward", "reversed"] {
        if order == "reversed" {
            named.reverse();
        }
        let out = run(bin().arg("batch").args(&named).arg("-o").arg(dir.join(order)).args(["--format", "pdf"]));
        assert!(out.status.success(), "{}", stderr(&out));
        outputs.push(files(&dir.join(order)));
    }
    assert_eq!(outputs[0].len(), 8);
    assert_eq!(outputs[0], outputs[1], "same bytes whatever the order of the inputs");
    // Two inputs that would write the same output refuse the batch.
    let out = run(bin()
        .arg("batch")
        .arg(inputs.join("agency-0001/2020.json"))
        .arg(inputs.join("agency-0000"))
        .arg("-o")
        .arg(dir.join("clash")));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("同一个输出 2020.json"), "{}", stderr(&out));
    let out = run(bin().arg("batch").arg(&inputs).arg("-o").arg(dir.join("x")).args(["--shard", "4/3"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn examples_are_deterministic_valid_and_varied() {
    let dir = scratch("batch-examples");
    examples(&dir.join("a"), 12, 42);
    examples(&dir.join("b"), 12, 42);
    let a = files(&dir.join("a"));
    assert_eq!(a, files(&dir.join("b")));
    assert_eq!(a.len(), 12);
    let mut formats = std::collections::BTreeSet::new();
    for (path, bytes) in &a {
        let doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        formats.insert(doc["format"].as_str().unwrap().to_string());
        let out = run(bin().arg("check").arg(dir.join("a").join(path)));
        assert!(out.status.success(), "{}: {}", path.display(), stderr(&out));
    }
    assert_eq!(formats.len(), 2, "both template versions");
    let out = run(bin().arg("batch").arg(dir.join("a")).arg("-o").arg(dir.join("out")));
    let err = stderr(&out);
    assert!(err.contains("[1/12]") && err.contains("[12/12]"), "one line per report off a terminal: {err}");
    let out = run(bin().arg("batch").arg(dir.join("a")).arg("-o").arg(dir.join("out2")).arg("--quiet"));
    assert!(!stderr(&out).contains("[1/12]"));
}

/// A folder of published reports in every kind regenerates in one run: each
/// is imported on the way, rendered, and kept as contract JSON; the summary
/// says which reader read it.
#[test]
fn every_input_kind_in_one_folder() {
    let dir = scratch("batch-kinds");
    let archive = dir.join("archive");
    std::fs::create_dir_all(archive.join("2025")).unwrap();
    std::fs::copy(fixture("beiguan-2023.json"), archive.join("beiguan.json")).unwrap();
    std::fs::copy(fixture("published/pingtan_2023.txt"), archive.join("pingtan.txt")).unwrap();
    std::fs::copy(fixture("corpus/html/pingtan_zonghe_2025.html"), archive.join("2025/zonghe.html")).unwrap();
    render(&fixture("shanghai-govoffice-2019.json"), &archive.join("shanghai.docx"), &[]);
    render(&fixture("corpus/json/pingtan_caijin_2022.json"), &archive.join("caijin.pdf"), &[]);
    let out_dir = dir.join("out");
    let out = run(bin()
        .arg("batch")
        .arg(&archive)
        .arg("-o")
        .arg(&out_dir)
        .args(["--format", "pdf", "--format", "docx", "--format", "json", "--summary"])
        .arg(dir.join("summary.json")));
    assert!(out.status.success(), "{}", stderr(&out));
    let s = summary(&dir.join("summary.json"));
    for (file, reader) in [
        ("beiguan.json", "json"),
        ("pingtan.txt", "text"),
        ("zonghe.html", "html"),
        ("shanghai.docx", "docx"),
        ("caijin.pdf", "pdf"),
    ] {
        let r = record(&s, file);
        assert_eq!((r["status"].as_str(), r["reader"].as_str()), (Some("rendered"), Some(reader)), "{r}");
        assert_eq!(r["outputs"].as_array().unwrap().len(), 3, "{r}");
    }
    // The kept JSON is the report as read: the page's figures, exactly.
    let kept = std::fs::read_to_string(out_dir.join("2025/zonghe.json")).unwrap();
    let got = nianbao::model::parse_str(&kept).unwrap();
    let want = nianbao::model::parse_str(&fixture_text("corpus/json/pingtan_zonghe_2025.json")).unwrap();
    let (wrong, other) = crate::corpus::differences(&got, &want);
    assert!(wrong.is_empty() && other.is_empty(), "{wrong:?} {other:?}");
    let kept = std::fs::read_to_string(out_dir.join("shanghai.json")).unwrap();
    assert_eq!(
        nianbao::model::to_json(&nianbao::model::parse_str(&kept).unwrap()),
        nianbao::model::to_json(&nianbao::model::parse_str(&fixture_text("shanghai-govoffice-2019.json")).unwrap())
    );
    assert!(pdftotext(&out_dir.join("caijin.pdf")).contains("2022年制作、获取政府信息总数473条"));
}

/// An output folder inside the input folder: the second run does not read
/// the first run's outputs (PDF, HTML, JSON) as inputs.
#[test]
fn outputs_inside_the_input_folder_are_not_inputs() {
    let dir = scratch("batch-out-inside");
    let summary_path = scratch("batch-out-inside-summary").join("s.json");
    std::fs::copy(fixture("beiguan-2023.json"), dir.join("beiguan.json")).unwrap();
    for _ in 0..2 {
        let out = run(bin()
            .arg("batch")
            .arg(&dir)
            .arg("-o")
            .arg(dir.join("out"))
            .args(["--format", "pdf", "--format", "html", "--format", "json", "-q", "--summary"])
            .arg(&summary_path));
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(summary(&summary_path)["records"].as_array().unwrap().len(), 1);
    }
}
