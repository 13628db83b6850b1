//! The review from set-up to archive, as an office lives it: a roster, a
//! writer's report saved, clashing with a second save, submitted,
//! commented and returned, fixed and resubmitted, approved (its files
//! frozen: the same bytes at every download), the 汇总 changing, the
//! archive's PDFs read back, a backup taken while it serves.

use serde_json::{json, Value};

use super::{report_text, County};
use crate::common::*;

#[test]
fn a_report_goes_from_writer_to_archive() {
    let County { office, admin: _admin, region, agencies, writers, reviewer } = County::new("office-flow");
    let (agency, writer) = (&agencies[0].0, &writers[0]);
    assert_eq!(agency, "某县教育局", "the roster, sorted by name: {agencies:?}");

    // Nothing yet: every agency of the roster is on the board, not started.
    let (status, board) =
        office.json(Some(&reviewer), "GET", &format!("/api/office/board?region={region}&year=2024"), &Value::Null);
    assert_eq!(status, 200, "{board}");
    assert_eq!(board["counts"], json!({ "not_started": 3 }));

    // Last year's report as it was published, brought in by the reviewer.
    let last_year = report_text(agency, 2023, |_| {});
    let (status, _, body) = office.call(
        Some(&reviewer),
        "POST",
        &format!("/api/office/past?region={region}&year=2024&file=2023.json"),
        last_year.as_bytes(),
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, &body["matched"][0]["agency"]), (200, &json!(agency)), "{body}");

    let (id, v2) = office.write_report(writer, agency, 2024);
    // A second tab saving over the version it opened, after the first
    // saved: refused, theirs sent back whole, nothing overwritten.
    let (status, clash) = office.json(
        Some(writer),
        "PUT",
        &format!("/api/office/reports/{id}?version={}", v2 - 1),
        &serde_json::from_str(&report_text(agency, 2024, |r| r["overview"] = json!(["另一个标签页写的。"]))).unwrap(),
    );
    assert_eq!(status, 409, "{clash}");
    assert_eq!(clash["theirs"]["id"], json!(v2));
    assert!(clash["theirs"]["body"].as_str().unwrap().contains(agency));
    let (_, opened) = office.json(Some(writer), "GET", &format!("/api/office/reports/{id}"), &Value::Null);
    assert_eq!(opened["version"], json!(v2));
    assert!(!opened["text"].as_str().unwrap().contains("另一个标签页"));

    // Submitted; the writer can no longer change it.
    let (status, body) = office.step(writer, id, "submit", v2);
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = office.call(
        Some(writer),
        "PUT",
        &format!("/api/office/reports/{id}?version={v2}"),
        report_text(agency, 2024, |_| {}).as_bytes(),
    );
    assert_eq!(status, 409);

    // The reviewer comments at a cell of table 三 and returns it.
    let cell = "/applications/received/0";
    let (status, body) = office.json(
        Some(&reviewer),
        "POST",
        &format!("/api/office/reports/{id}/comments"),
        &json!({ "version": v2, "path": cell, "text": "新收申请数与去年差别很大，请核对" }),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = office.step(&reviewer, id, "return", v2);
    assert_eq!(status, 200, "{body}");

    // The writer sees the comment at its cell, fixes, resubmits; the
    // comment stays with the report across versions.
    let (_, opened) = office.json(Some(writer), "GET", &format!("/api/office/reports/{id}"), &Value::Null);
    assert_eq!(opened["state"], json!("returned"));
    assert_eq!(opened["comments"][0]["path"], json!(cell));
    assert_eq!(opened["comments"][0]["version"], json!(v2));
    let fixed = report_text(agency, 2024, |r| r["overview"] = json!(["已按审核意见核对。"]));
    let v3 = office.save(writer, id, v2, &fixed);
    let (status, body) = office.step(writer, id, "submit", v3);
    assert_eq!(status, 200, "{body}");
    let (_, opened) = office.json(Some(writer), "GET", &format!("/api/office/reports/{id}"), &Value::Null);
    assert_eq!(opened["comments"].as_array().unwrap().len(), 1);
    let history = opened["history"].as_array().unwrap();
    assert_eq!(history.len(), 3, "created, saved, saved: {history:?}");
    assert_eq!(history[2]["parent"], json!(v2));

    // Approved: PDF, DOCX and HTML frozen with their hashes; the same
    // bytes at every download.
    let (status, approved) = office.step(&reviewer, id, "approve", v3);
    assert_eq!(status, 200, "{approved}");
    for format in ["pdf", "docx", "html"] {
        let path = format!("/api/office/reports/{id}/files/{format}");
        let (status, head, first) = office.call(Some(writer), "GET", &path, b"");
        assert_eq!(status, 200);
        let (_, _, again) = office.call(Some(&reviewer), "GET", &path, b"");
        assert_eq!(first, again, "{format}: the same bytes every time");
        let sha = approved["sha256"][format].as_str().unwrap();
        assert!(head.to_ascii_lowercase().contains(&format!("etag: \"{sha}\"")), "{head}");
        assert_eq!(sha, nianbao::office::auth::sha256(&first));
    }

    // The 汇总 on the board now holds it; the rest of the roster is named
    // as missing.
    let (_, sum) =
        office.json(Some(&reviewer), "GET", &format!("/api/office/sum?region={region}&year=2024"), &Value::Null);
    assert_eq!(sum["included"].as_array().unwrap().len(), 1, "{sum}");
    assert_eq!(sum["missing"], json!(["某县民政局", "某县财政局"]));
    assert_eq!(sum["report"]["agency"], json!("某县"));
    let (status, head, text) =
        office.call(Some(&reviewer), "GET", &format!("/api/office/sum?region={region}&year=2024&format=report"), b"");
    assert!(status == 200 && head.contains("attachment"), "{head}");
    let summed = nianbao::model::parse_str(std::str::from_utf8(&text).unwrap()).expect("the 汇总 follows the contract");
    assert_eq!((summed.agency.as_str(), summed.year), ("某县", 2024));

    // Beside last year's: the cells, and the text sentence by sentence.
    let (status, compared) =
        office.json(Some(&reviewer), "GET", &format!("/api/office/reports/{id}/compare"), &Value::Null);
    assert_eq!((status, &compared["last_year"]["year"]), (200, &json!(2023)), "{compared}");
    assert!(
        compared["cells"].as_array().unwrap().len() > 100
            && compared["cells"].as_array().unwrap().iter().all(|c| c["changed"] == json!(false))
    );
    let overview =
        &compared["texts"].as_array().unwrap().iter().find(|t| t["title"] == json!("一、总体情况")).unwrap()["now"];
    assert_eq!(overview, &json!([["已按审核意见核对。", false]]), "this year's own sentence, not in last year's");
    let (_, board) =
        office.json(Some(&reviewer), "GET", &format!("/api/office/board?region={region}&year=2024"), &Value::Null);
    let row = board["rows"].as_array().unwrap().iter().find(|r| r["agency_name"] == json!(agency)).unwrap();
    assert_eq!((&row["has_last_year"], &row["summary"]["carried"]), (&json!(true), &json!([])), "{row}");
    assert_eq!(row["summary"]["repeated_problems"], json!(100), "五 copied whole from last year: {row}");

    // The chart of the years: drawn by the server, the year's figures in it.
    let (status, head, svg) = office.call(Some(&reviewer), "GET", &format!("/api/office/chart?region={region}"), b"");
    let svg = String::from_utf8(svg).unwrap();
    assert!(status == 200 && head.contains("image/svg+xml"), "{head}");
    assert!(svg.contains("2024 年 本年新收：") && svg.contains("（一）予以公开"), "{svg:.300}");

    // The archive: the frozen files and the 汇总, its PDFs readable.
    let (status, head, zip) =
        office.call(Some(&reviewer), "GET", &format!("/api/office/archive?region={region}&year=2024"), b"");
    assert_eq!(status, 200, "{head}");
    let dir = scratch("office-flow-archive");
    let entries = unzip(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"某县教育局-2024/某县教育局-2024.pdf") && names.contains(&"某县-2024-汇总.xlsx"),
        "{names:?}"
    );
    for (name, bytes) in entries.iter().filter(|(n, _)| n.ends_with(".pdf")) {
        let path = dir.join(name.replace('/', "_"));
        std::fs::write(&path, bytes).unwrap();
        let text = pdftotext(&path);
        assert!(text.contains("政府信息公开工作年度报告"), "{name}: {text:.200}");
    }
    let text = pdftotext(&dir.join("某县教育局-2024_某县教育局-2024.pdf"));
    assert!(text.contains("某县教育局2024年") && text.contains("已按审核意见核对"), "{text:.300}");

    // A backup while it serves: a database that opens with everything.
    let backup = dir.join("backup.db");
    let out = run(bin().args(["office", "backup", "--db"]).arg(&office.db).arg(&backup));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(bin().args(["office", "backup", "--db"]).arg(&office.db).arg(&backup));
    assert!(!out.status.success() && stderr(&out).contains("已经存在"), "never over an existing file");
    drop(office);
    let copy = super::Office::start(&backup);
    let reviewer = copy.login("reviewer", "reviewer password");
    let (_, opened) = copy.json(Some(&reviewer), "GET", &format!("/api/office/reports/{id}"), &Value::Null);
    assert_eq!(opened["state"], json!("approved"));
    assert_eq!(opened["version"], json!(v3));
}

/// Two counties each have a 公安局: the city's archive keeps both, told
/// apart by their county.
#[test]
fn agencies_of_one_name_are_archived_apart() {
    let office = super::Office::start(&super::init("office-namesakes"));
    let admin = office.admin();
    let city = office.region(&admin, None, "某市");
    let reviewer = office.person(&admin, "rev", "reviewer", Some(city));
    for (i, county) in ["甲县", "乙县"].into_iter().enumerate() {
        let region = office.region(&admin, Some(city), county);
        let agency = office.roster(&admin, region, "公安局\n".as_bytes())[0].1;
        let writer = office.person(&admin, &format!("w{i}"), "writer", Some(agency));
        let (id, v) = office.write_report(&writer, "公安局", 2024);
        assert_eq!(office.step(&writer, id, "submit", v).0, 200);
        assert_eq!(office.step(&reviewer, id, "approve", v).0, 200);
    }
    let (status, _, zip) =
        office.call(Some(&reviewer), "GET", &format!("/api/office/archive?region={city}&year=2024"), b"");
    assert_eq!(status, 200);
    let names: Vec<String> = unzip(&zip).into_iter().map(|(n, _)| n).filter(|n| n.ends_with(".pdf")).collect();
    assert!(names.contains(&"公安局（甲县）-2024/公安局（甲县）-2024.pdf".to_string()), "{names:?}");
    assert!(names.contains(&"公安局（乙县）-2024/公安局（乙县）-2024.pdf".to_string()), "{names:?}");
}
