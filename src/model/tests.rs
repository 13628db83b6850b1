use super::*;
use crate::form::applications;

const SEED: &str = include_str!("../../fixtures/beiguan-2023.json");

fn with(pointer: &str, value: serde_json::Value) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(SEED).unwrap();
    *doc.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}")) = value;
    serde_json::to_string_pretty(&doc).unwrap()
}

fn without(parent: &str, key: &str) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(SEED).unwrap();
    doc.pointer_mut(parent).unwrap().as_object_mut().unwrap().remove(key);
    serde_json::to_string_pretty(&doc).unwrap()
}

fn error(text: &str) -> InputError {
    parse_str(text).expect_err("should be refused")
}

#[test]
fn reads_the_seed() {
    let r = parse_str(SEED).unwrap();
    assert_eq!(r.version, Version::F2021);
    assert_eq!(r.year, 2023);
    assert_eq!(r.title(), "北关区乡村振兴局2023年政府信息公开工作年度报告");
    assert_eq!(r.overview.len(), 6);
    assert!(matches!(&r.overview[1], Block::Lead { lead, .. } if lead == "（一）主动公开方面。"));
    assert_eq!(r.applications.rows.len(), applications::lines(Version::F2021).len());
    assert_eq!(r.applications.rows[0].as_ref().unwrap().written, Written::Object);
    assert_eq!(r.applications.rows[1].as_ref().unwrap().written, Written::Array);
}

#[test]
fn amounts_keep_their_digits() {
    let r = parse_str(&SEED.replace("\"fees\": 0", "\"fees\": 0.350")).unwrap();
    assert_eq!(r.proactive.rows.last().unwrap()[0].text(), "0.350");
    let r = parse_str(&SEED.replace("\"fees\": 0", "\"fees\": \"1,234.50\"")).unwrap();
    assert_eq!(r.proactive.rows.last().unwrap()[0].text(), "1,234.50");
}

#[test]
fn format_defaults_from_the_year() {
    let shanghai = include_str!("../../fixtures/shanghai-govoffice-2019.json").replace("\"format\": \"2019\",", "");
    assert_eq!(parse_str(&shanghai).unwrap().version, Version::F2019);
}

#[test]
fn byte_order_mark_is_accepted_and_utf16_refused() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(SEED.as_bytes());
    assert!(parse_bytes(&bytes).is_ok());
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(SEED.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    assert!(parse_bytes(&utf16).unwrap_err().message.contains("UTF-16"));
    let e = parse_bytes(b"{\"agency\": \"\xB1\xB1\"}").unwrap_err();
    assert!(e.message.contains("UTF-8"), "{e}");
}

#[test]
fn rows_take_six_or_seven_numbers_and_blanks() {
    let r = parse_str(&with("/applications/carried_over", serde_json::json!([1, null, 0, 0, 0, 0]))).unwrap();
    let row = r.applications.rows[1].as_ref().unwrap();
    assert_eq!(row.parts[1], None);
    assert_eq!(row.total, None);
    assert_eq!(row.total(), Some(1));
    let e = error(&with("/applications/carried_over", serde_json::json!([1, 0, 0, 0, 0])));
    assert_eq!(e.path, "/applications/carried_over");
    assert!(e.message.contains("5 个数"), "{e}");
}

#[test]
fn errors_name_path_line_and_what() {
    let e = error(&with("/applications/received/natural_person", serde_json::json!(-1)));
    assert_eq!(e.path, "/applications/received/natural_person");
    assert!(e.message.contains("负数"), "{e}");
    let line = with("/applications/received/natural_person", serde_json::json!(-1))
        .lines()
        .position(|l| l.contains("\"natural_person\": -1"))
        .unwrap();
    assert_eq!(e.line, line + 1);

    let e = error(&with("/applications/results/granted/2", serde_json::json!("3")));
    assert_eq!(e.path, "/applications/results/granted/2");
    assert!(e.message.contains("字符串"), "{e}");

    let e = error(&with("/year", serde_json::json!(2018)));
    assert_eq!(e.path, "/year");
    assert!(e.message.contains("2019"), "{e}");

    let e = error(&SEED.replace("\"licensing\"", "\"licencing\""));
    assert_eq!(e.path, "/proactive");
    assert!(e.message.contains("licencing") && e.message.contains("licensing"), "{e}");

    let e = error(&without("", "problems"));
    assert!(e.message.contains("problems") && e.message.contains("五、存在的主要问题"), "{e}");

    let e = error(&without("/applications/results/withheld", "process_info"));
    assert_eq!(e.path, "/applications/results/withheld");
    assert!(e.message.contains("process_info"), "{e}");

    let e = error(&SEED[..SEED.len() / 2]);
    assert!(e.message.contains("JSON"), "{e}");
    assert!(e.line > 1);

    let e = error(&SEED.replacen("\"year\": 2023,", "\"year\": 2023,\n  \"year\": 2024,", 1));
    assert!(e.message.contains("两次"), "{e}");
}

#[test]
fn the_other_versions_keys_are_refused_with_a_hint() {
    let e = error(&with("/proactive/licensing", serde_json::json!({"previous": 0, "change": 0, "decisions": 0})));
    assert_eq!(e.path, "/proactive/licensing");
    let e2 = error(&SEED.replace("\"coercion\": 0,", "\"coercion\": 0, \"other_services\": 0,"));
    assert!(e2.message.contains("2019 格式"), "{e2}");
    let e3 = error(&with("/applications/results/other", serde_json::json!([0, 0, 0, 0, 0, 0])));
    assert_eq!(e3.path, "/applications/results/other");
    assert!(e3.message.contains("2019 格式"), "{e3}");
    // 2021's 行政许可 is one count; the 2019 object is named as the wrong type.
    assert!(e.message.contains("应为件数") && e.message.contains("对象"), "{e}");
}

#[test]
fn canonical_is_what_the_canonical_json_reads_back_as() {
    for text in [
        SEED,
        include_str!("../../fixtures/pingtan-2023.json"),
        include_str!("../../fixtures/shanghai-govoffice-2019.json"),
    ] {
        let report = parse_str(text).unwrap();
        let reread = parse_str(&super::to_json_text(&report)).unwrap();
        assert_eq!(report.canonical(), reread);
    }
}
