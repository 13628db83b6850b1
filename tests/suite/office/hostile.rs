//! Hostile input to the office: markup and SQL in what people type,
//! bodies over the limits, zip bombs and climbing names in uploads, a
//! roster in GBK with a byte order mark and quotes, malformed JSON — each
//! a clear message, stored literally or not at all.

use std::io::Write;

use serde_json::{json, Value};

use super::{report_text, County};

#[test]
fn hostile_input_is_data_or_refused_whole() {
    let County { office, admin, region, agencies, writers, reviewer } = County::new("office-hostile");

    // Markup and SQL in names and comments: stored and answered as typed.
    let script = "<script>alert('x')</script>\"局";
    let sql = "某局'); DROP TABLE accounts; --";
    let (status, _, body) = office.call(
        Some(&admin),
        "POST",
        &format!("/api/office/regions/{region}/roster"),
        format!("{script}\n{sql}\n").as_bytes(),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let (_, list) = office.json(Some(&admin), "GET", &format!("/api/office/regions/{region}/agencies"), &Value::Null);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert!(names.contains(&script) && names.contains(&sql), "{names:?}");
    assert_eq!(office.admin().len(), "nianbao_office=".len() + 64, "the accounts table is still there");
    // Pages carry no data: what people typed reaches the browser only as
    // JSON, which the scripts put into text nodes.
    for page in ["/board", "/admin", "/desk"] {
        let (_, _, html) = office.call(Some(&admin), "GET", page, b"");
        assert!(!String::from_utf8_lossy(&html).contains("alert("), "{page}");
    }

    // A comment of markup at a cell, read back as text.
    let (id, v) = office.write_report(&writers[0], &agencies[0].0, 2024);
    assert_eq!(office.step(&writers[0], id, "submit", v).0, 200);
    let text = "<img src=x onerror=alert(1)> ' OR 1=1 --";
    let (status, _) = office.json(
        Some(&reviewer),
        "POST",
        &format!("/api/office/reports/{id}/comments"),
        &json!({ "version": v, "path": "/agency", "text": text }),
    );
    assert_eq!(status, 201);
    let (_, opened) = office.json(Some(&reviewer), "GET", &format!("/api/office/reports/{id}"), &Value::Null);
    assert_eq!(opened["comments"][0]["body"], json!(text));

    // Malformed JSON: where and what.
    let (status, _, body) = office.call(None, "POST", "/api/office/login", b"{\"login\": \"admin\",\n \"password\": }");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, body["line"].clone()), (400, json!(2)), "{body}");
    let broken = report_text(&agencies[1].0, 2024, |_| {}).replacen("\"year\":2024", "\"year\":\"二〇二四\"", 1);
    let (status, made) = office.json(Some(&writers[1]), "POST", "/api/office/reports", &json!({ "year": 2024 }));
    assert_eq!(status, 201);
    let id1 = made["id"].as_i64().unwrap();
    let (_, opened) = office.json(Some(&writers[1]), "GET", &format!("/api/office/reports/{id1}"), &Value::Null);
    let v1 = opened["version"].as_i64().unwrap();
    let (status, _, body) =
        office.call(Some(&writers[1]), "PUT", &format!("/api/office/reports/{id1}?version={v1}"), broken.as_bytes());
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["path"], json!("/year"), "{body}");

    // Bodies over the limits: a report over 2 MiB, an upload over 64 MiB.
    let huge = report_text(&agencies[1].0, 2024, |r| r["overview"] = json!(["很长。".repeat(400_000)]));
    let (status, _, _) =
        office.call(Some(&writers[1]), "PUT", &format!("/api/office/reports/{id1}?version={v1}"), huge.as_bytes());
    assert_eq!(status, 413);
    let (status, _, _) = office.call(
        Some(&reviewer),
        "POST",
        &format!("/api/office/past?region={region}&year=2024&file=a.zip"),
        &vec![0u8; 65 << 20],
    );
    assert_eq!(status, 413);
    let (_, opened) = office.json(Some(&writers[1]), "GET", &format!("/api/office/reports/{id1}"), &Value::Null);
    assert_eq!(opened["version"], json!(v1), "nothing saved");

    // A zip bomb: one member unpacking to 64 MB (64 KB packed): refused
    // unread, nothing stored.
    let bomb = zip(&[("炸弹.json", vec![b' '; 64 << 20])]);
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    let (status, _, body) = office.call(
        Some(&reviewer),
        "POST",
        &format!("/api/office/past?region={region}&year=2024&file=bomb.zip"),
        &bomb,
    );
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("解压后超过 32 MB"));
    let many = zip(&(0..501).map(|i| (format!("{i}.json"), b"{}".to_vec())).collect::<Vec<_>>());
    let (status, _, body) = office.call(
        Some(&reviewer),
        "POST",
        &format!("/api/office/past?region={region}&year=2024&file=many.zip"),
        &many,
    );
    assert_eq!(status, 422);
    assert!(String::from_utf8_lossy(&body).contains("一次最多 500 个"));

    // Climbing names: read by their base name, matched by the report's
    // agency, written nowhere.
    let last_year = report_text(&agencies[2].0, 2023, |_| {});
    let upload =
        zip(&[("../../../../tmp/escaped.json", last_year.into_bytes()), ("other/无名.txt", "不是报告".into())]);
    let (status, result) = {
        let (s, _, b) = office.call(
            Some(&reviewer),
            "POST",
            &format!("/api/office/past?region={region}&year=2024&file=past.zip"),
            &upload,
        );
        (s, serde_json::from_slice::<Value>(&b).unwrap())
    };
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["matched"][0]["file"], json!("escaped.json"));
    assert_eq!(result["matched"][0]["agency"], json!(agencies[2].0));
    assert_eq!(result["unmatched"][0]["file"], json!("无名.txt"));
    assert!(!std::path::Path::new("/tmp/escaped.json").exists());

    // This year's report is not a past one: listed, not stored.
    let this_year = report_text(&agencies[1].0, 2024, |_| {});
    let (_, _, body) = office.call(
        Some(&reviewer),
        "POST",
        &format!("/api/office/past?region={region}&year=2024&file=now.json"),
        this_year.as_bytes(),
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["matched"], json!([]), "{body}");
    assert!(body["unmatched"][0]["error"].as_str().unwrap().contains("不是 2024 年以前的"), "{body}");

    // Out of range, over long, twice.
    let (status, body) =
        office.json(Some(&reviewer), "GET", &format!("/api/office/board?region={region}&year=1"), &Value::Null);
    assert!(status == 400 && body["error"].as_str().unwrap().contains("年度 1 不对"), "{body}");
    let long = format!("/{}", "a".repeat(300));
    let (status, _) = office.json(
        Some(&reviewer),
        "POST",
        &format!("/api/office/reports/{id}/comments"),
        &json!({ "version": v, "path": long, "text": "x" }),
    );
    assert_eq!(status, 400);
    let (status, _) = office.json(Some(&admin), "POST", "/api/office/regions", &json!({ "name": "某县" }));
    assert_eq!(status, 409, "a region its parent has already");

    // A roster as Excel on a Chinese Windows saves it: GBK, quotes around
    // names, a comma inside quotes, doubled quotes; and one in UTF-8 with
    // a byte order mark.
    let (gbk, _, _) = encoding_rs::GBK
        .encode("序号,单位名称,备注\r\n1,\"某县人民政府办公室\",\"含,逗号\"\r\n2,\"某县\"\"两办\"\"督查室\",\r\n");
    let (status, _, body) = office.call(Some(&admin), "POST", &format!("/api/office/regions/{region}/roster"), &gbk);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["added"], json!(["某县人民政府办公室", "某县\"两办\"督查室"]));
    let bom = "\u{feff}单位名称\r\n某县审计局\r\n".as_bytes();
    let (_, _, body) = office.call(Some(&admin), "POST", &format!("/api/office/regions/{region}/roster"), bom);
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["added"], json!(["某县审计局"]));
    // One bad name refuses the whole roster.
    let (status, _, body) = office.call(
        Some(&admin),
        "POST",
        &format!("/api/office/regions/{region}/roster"),
        "某县统计局\n某县\u{7}局\n".as_bytes(),
    );
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    let (_, list) = office.json(Some(&admin), "GET", &format!("/api/office/regions/{region}/agencies"), &Value::Null);
    assert!(!list.to_string().contains("统计局"), "nothing stored half");
}

/// A zip of `files`, deflated.
fn zip(files: &[(impl AsRef<str>, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        out.start_file(name.as_ref(), options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}
