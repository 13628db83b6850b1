//! Bad input: every refusal names the place (JSON path and line) and what
//! is wrong, exits 1, never panics and never leaves a file behind.

use crate::common::*;
use serde_json::json;

/// Runs `render` on `text` and returns (exit code, stderr), asserting no
/// output file appeared.
fn refuse(name: &str, text: &str) -> (i32, String) {
    let dir = scratch(&format!("errors-{name}"));
    let input = dir.join("report.json");
    std::fs::write(&input, text).unwrap();
    let out = run(bin().arg("render").arg(&input));
    let code = out.status.code().expect("exited");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files, vec!["report.json"], "{name}: nothing may be written");
    (code, stderr(&out))
}

fn seed_with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&fixture_text("beiguan-2023.json")).unwrap();
    edit(&mut doc);
    serde_json::to_string_pretty(&doc).unwrap()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("needle in text") + 1
}

#[test]
fn malformed_json_names_the_line() {
    let text = fixture_text("beiguan-2023.json").replacen("\"year\": 2023,", "\"year\": 2023", 1);
    let (code, err) = refuse("malformed", &text);
    assert_eq!(code, 1);
    assert!(err.contains("JSON 格式错误"), "{err}");
    assert!(err.contains(&format!("第 {} 行", line_of(&text, "\"agency\""))), "{err}");
}

#[test]
fn wrong_type_names_path_and_line() {
    let text = seed_with(|d| d["applications"]["carried_over"][3] = json!("五"));
    let (code, err) = refuse("wrong-type", &text);
    assert_eq!(code, 1);
    assert!(err.contains("/applications/carried_over/3"), "{err}");
    assert!(err.contains("字符串"), "{err}");
}

#[test]
fn negative_count_is_refused() {
    let text = seed_with(|d| d["review_litigation"]["review"]["pending"] = json!(-2));
    let (code, err) = refuse("negative", &text);
    assert_eq!(code, 1);
    assert!(err.contains("/review_litigation/review/pending"), "{err}");
    assert!(err.contains("负数") && err.contains("-2"), "{err}");
    assert!(err.contains(&format!("第 {} 行", line_of(&text, "\"pending\": -2"))), "{err}");
}

#[test]
fn unknown_key_is_refused_with_the_expected_keys() {
    let text = seed_with(|d| d["applications"]["results"]["granted_all"] = json!([0, 0, 0, 0, 0, 0]));
    let (code, err) = refuse("unknown", &text);
    assert_eq!(code, 1);
    assert!(err.contains("/applications/results"), "{err}");
    assert!(err.contains("granted_all") && err.contains("partially_granted"), "{err}");
}

#[test]
fn wrong_row_length_is_refused() {
    let text = seed_with(|d| d["applications"]["results"]["unable"]["not_held"] = json!([0, 0, 0, 0, 0, 0, 0, 0]));
    let (code, err) = refuse("row-length", &text);
    assert_eq!(code, 1);
    assert!(err.contains("/applications/results/unable/not_held"), "{err}");
    assert!(err.contains("8 个数"), "{err}");
}

#[test]
fn years_before_2019_are_out_of_scope() {
    let text = seed_with(|d| d["year"] = json!(2018));
    let (code, err) = refuse("2018", &text);
    assert_eq!(code, 1);
    assert!(err.contains("/year") && err.contains("2018") && err.contains("2019"), "{err}");
}

#[test]
fn missing_sections_are_named() {
    let text = seed_with(|d| {
        d.as_object_mut().unwrap().remove("review_litigation");
    });
    let (code, err) = refuse("missing", &text);
    assert_eq!(code, 1);
    assert!(err.contains("review_litigation") && err.contains("四、政府信息公开行政复议、行政诉讼情况"), "{err}");
}

#[test]
fn inconsistent_numbers_refuse_render_but_allow_renders_them() {
    let dir = scratch("inconsistent");
    let input = variant(&dir, "report.json", "beiguan-2023.json", |d| {
        d["applications"]["received"]["commercial"] = json!(2);
    });
    let out = run(bin().arg("render").arg(&input));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("一、本年新收政府信息公开申请数量 · 总计"), "{err}");
    assert!(err.contains("/applications/received/total"), "{err}");
    assert!(err.contains("--allow-inconsistent"), "{err}");
    assert!(!dir.join("report.pdf").exists());

    let check = run(bin().arg("check").arg(&input));
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("商业企业"), "{}", stderr(&check));

    let out = run(bin().arg("render").arg(&input).arg("--allow-inconsistent"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("不一致"));
    let text = pdftotext(&dir.join("report.pdf"));
    assert!(text.contains("2"), "the given number is printed");
}

#[test]
fn a_character_no_font_has_is_named() {
    let text = seed_with(|d| d["other_matters"][0] = json!("本年度收取费用 😀 元。"));
    let (code, err) = refuse("tofu", &text);
    assert_eq!(code, 1);
    assert!(err.contains("U+1F600") && err.contains("/other_matters/0"), "{err}");
    assert!(err.contains("FandolFang"), "{err}");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = scratch("io");
    let out = run(bin().arg("render").arg(dir.join("absent.json")));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("absent.json"));
    let input = dir.join("same.json");
    std::fs::write(&input, fixture_text("beiguan-2023.json")).unwrap();
    let out = run(bin().arg("render").arg(&input).arg("-o").arg(&input));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), fixture_text("beiguan-2023.json"));
    let out = run(bin().arg("render"));
    assert_eq!(out.status.code(), Some(2));
    let out = run(bin().arg("render").arg(&input).arg("--font-path").arg(dir.join("no-such-dir")));
    assert_eq!(out.status.code(), Some(2));
}
