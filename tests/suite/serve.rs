//! The writer's desk over real HTTP: every endpoint with good requests, a
//! missing or wrong token, a wrong Host, a foreign Origin, oversized and
//! malformed bodies, names that try to leave the folder, symbolic links,
//! late drafts, errors in one shape; and in a real headless Chromium
//! (tests/browser/desk.py).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Child;

use crate::common::*;

/// A running `nianbao serve` on a free port, stopped when dropped.
pub struct Desk {
    pub child: Child,
    pub url: String,
    pub host: String,
    pub port: u16,
    pub token: String,
}

impl Desk {
    pub fn start(dir: &Path) -> Desk {
        Desk::start_with(dir, "127.0.0.1:0", &[])
    }

    /// Listening on `listen`, with `env` set.
    pub fn start_with(dir: &Path, listen: &str, env: &[(&str, &str)]) -> Desk {
        let (child, url) =
            spawn_server(bin().args(["serve", "--listen", listen, "--no-browser"]).arg(dir).envs(env.iter().copied()));
        let host = url.trim_start_matches("http://").split('/').next().unwrap().to_string();
        let port = host.rsplit(':').next().unwrap().parse().unwrap();
        let token = url.split("token=").nth(1).unwrap().to_string();
        Desk { child, url, host, port, token }
    }

    /// The token's cookie, named for this desk's port.
    pub fn cookie(&self) -> String {
        format!("nianbao_token_{}={}", self.port, self.token)
    }

    /// A request with the token, this Host, and for writes this Origin.
    pub fn call(&self, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let origin = format!("http://{}", self.host);
        let cookie = self.cookie();
        http(&self.host, method, path, &[("Host", &self.host), ("Cookie", &cookie), ("Origin", &origin)], body)
    }

    pub fn json(&self, method: &str, path: &str, body: &[u8]) -> (u16, serde_json::Value) {
        let (status, _, body) = self.call(method, path, body);
        (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection: status, headers, body. A
/// server that does not answer within two minutes fails the test rather
/// than hanging it.
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(120))).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    // A body the server refuses part-way may close the connection early.
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    if let Err(e) = stream.read_to_end(&mut response) {
        assert!(e.kind() != std::io::ErrorKind::WouldBlock && e.kind() != std::io::ErrorKind::TimedOut, "no answer");
    }
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = response[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, head, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 4 + size..];
    }
}

pub fn folder(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::copy(fixture("beiguan-2023.json"), dir.join("beiguan-2023.json")).unwrap();
    dir
}

#[test]
fn the_token_host_and_origin_are_checked() {
    let dir = folder("serve-guard");
    let desk = Desk::start(&dir);
    assert!(desk.url.starts_with("http://127.0.0.1:") && desk.token.len() == 32, "{}", desk.url);
    let host = desk.host.as_str();
    // First visit: the token becomes an HttpOnly, SameSite=Strict cookie.
    let (status, head, _) = http(host, "GET", &format!("/?token={}", desk.token), &[("Host", host)], b"");
    assert_eq!(status, 303);
    let head = head.to_ascii_lowercase();
    let named = format!("set-cookie: nianbao_token_{}={}", desk.port, desk.token);
    assert!(head.contains(&named) && head.contains("httponly") && head.contains("samesite=strict"), "{head}");
    // No token, a wrong one, the token under another desk's name or the
    // name of old, the token only in the URL of an API call.
    let wrong = format!("nianbao_token_{}=0000", desk.port);
    let elsewhere = format!("nianbao_token_{}={}", desk.port ^ 1, desk.token);
    let unnamed = format!("nianbao_token={}", desk.token);
    for cookie in ["", &wrong, &elsewhere, &unnamed] {
        let mut headers = vec![("Host", host)];
        if !cookie.is_empty() {
            headers.push(("Cookie", cookie));
        }
        let (status, _, body) = http(host, "GET", "/api/reports", &headers, b"");
        assert_eq!(status, 403, "{cookie}: {}", String::from_utf8_lossy(&body));
    }
    let (status, _, _) = http(host, "GET", &format!("/api/reports?token={}", desk.token), &[("Host", host)], b"");
    assert_eq!(status, 403);
    // A page fetched through another name (DNS rebinding).
    let cookie = desk.cookie();
    let (status, _, body) =
        http(host, "GET", "/api/reports", &[("Host", "attacker.example:80"), ("Cookie", &cookie)], b"");
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("attacker.example"));
    // A write from another page, or with no Origin at all.
    let seed = fixture_text("beiguan-2023.json");
    for origin in ["http://attacker.example", ""] {
        let mut headers = vec![("Host", host), ("Cookie", cookie.as_str())];
        if !origin.is_empty() {
            headers.push(("Origin", origin));
        }
        let (status, _, _) = http(host, "PUT", "/api/report/beiguan-2023.json", &headers, seed.as_bytes());
        assert_eq!(status, 403, "origin {origin:?}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("beiguan-2023.json")).unwrap(), seed, "nothing written");
    // With all three, it answers.
    let (status, list) = desk.json("GET", "/api/reports", b"");
    assert_eq!(status, 200);
    assert_eq!(list[0]["agency"], "北关区乡村振兴局");
    assert_eq!(list[0]["passes"], true);
}

#[test]
fn names_cannot_leave_the_folder_and_bodies_are_limited() {
    let dir = folder("serve-paths");
    std::fs::write(dir.parent().unwrap().join("outside.json"), fixture_text("beiguan-2023.json")).unwrap();
    let desk = Desk::start(&dir);
    for name in [
        "..%2Foutside.json",
        "%2E%2E%2Foutside.json",
        ".hidden.json",
        "beiguan-2023.txt",
        "a%5Cb.json",
        "%2Fetc%2Fpasswd",
    ] {
        let (status, _) = desk.json("GET", &format!("/api/report/{name}"), b"");
        assert!(status == 400 || status == 404, "{name}: {status}");
        let (status, _) =
            desk.json("PUT", &format!("/api/report/{name}"), fixture_text("beiguan-2023.json").as_bytes());
        assert!(status == 400 || status == 404, "{name}: {status}");
    }
    let (status, _, _) = desk.call("GET", "/../Cargo.toml", b"");
    assert_eq!(status, 404);
    // Over the contract's 2 MiB.
    let big = vec![b' '; 2 * 1024 * 1024 + 10];
    let (status, _, _) = desk.call("POST", "/api/check", &big);
    assert_eq!(status, 413);
    // Malformed: the contract's message, with the JSON path and line.
    let (status, body) = desk.json("POST", "/api/check", br#"{"year": "2023", "agency": "x"}"#);
    assert_eq!(status, 422);
    assert_eq!(body["path"], "/year");
    assert!(body["line"].as_u64().is_some() && body["error"].as_str().is_some(), "{body}");
    let (status, body) = desk.json("POST", "/api/check", &[0xff, 0xfe, 0x00]);
    assert_eq!(status, 400);
    assert_eq!(body["error"], "内容不是 UTF-8 文本");
}

/// Every refusal is `{"error": …}` JSON in Chinese, with the JSON path and
/// line where there is one: a new-report request the server cannot read,
/// a template that does not exist, a download format that does not exist,
/// a name not allowed, a report not there.
#[test]
fn errors_are_one_shape_and_say_where() {
    let dir = folder("serve-errors");
    let desk = Desk::start(&dir);
    let (status, body) = desk.json("POST", "/api/new", b"{\n  \"agency\": \"x\",\n  \"year\": \"2024\"\n}");
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["path"], "/year");
    assert_eq!(body["line"], 3);
    assert!(body["error"].as_str().unwrap().contains("整数"), "{body}");
    let (status, body) = desk.json("POST", "/api/new", br#"{"agency": "x"}"#);
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("year"), "{body}");
    let (status, body) = desk.json("POST", "/api/new", br#"{"agency": "x", "year": 2024,}"#);
    assert_eq!(status, 400);
    assert!(body["line"].as_u64().is_some() && body["column"].as_u64().is_some(), "{body}");
    let (status, body) = desk.json("POST", "/api/new", br#"{"agency": "x", "year": 2024, "format": "2020"}"#);
    assert_eq!(status, 400);
    assert_eq!(body["path"], "/format");
    assert!(body["error"].as_str().unwrap().contains("2020"), "{body}");
    let (status, body) = desk.json("POST", "/api/export/odt", fixture_text("beiguan-2023.json").as_bytes());
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("不能下载“odt”格式"), "{body}");
    let (status, body) = desk.json("GET", "/api/report/.hidden.json", b"");
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains(".json"), "{body}");
    let (status, body) = desk.json("GET", "/api/report/missing.json", b"");
    assert_eq!(status, 404);
    assert_eq!(body["error"], "没有 missing.json");
    let (status, body) = desk.json("POST", "/api/fill-totals", br#"{"year": 2023}"#);
    assert_eq!(status, 422);
    assert!(body["error"].as_str().is_some() && body["path"].is_string(), "{body}");
    let (status, body) = desk.json("POST", "/api/preview", b"{");
    assert_eq!(status, 422);
    assert!(body["line"].as_u64().is_some(), "{body}");
}

/// Only regular files directly in the folder: a link to a secret outside
/// and a link to another report inside are neither listed, read, written
/// through, replaced, nor taken as last year's report.
#[test]
fn symbolic_links_are_never_followed() {
    let dir = folder("serve-links");
    let outside = scratch("serve-links-outside");
    let secret = outside.join("secret.json");
    std::fs::write(&secret, "SECRET-8f3a do not leak").unwrap();
    std::fs::rename(dir.join("beiguan-2023.json"), dir.join("a.json")).unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("leak.json")).unwrap();
    std::os::unix::fs::symlink("a.json", dir.join("b.json")).unwrap();
    let seed = fixture_text("beiguan-2023.json");
    let desk = Desk::start(&dir);
    // Not listed.
    let (status, list) = desk.json("GET", "/api/reports", b"");
    assert_eq!(status, 200);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["a.json"]);
    // Not read, with a message that says why.
    for name in ["leak.json", "b.json"] {
        let (status, _, body) = desk.call("GET", &format!("/api/report/{name}"), b"");
        let body = String::from_utf8_lossy(&body);
        assert!(status == 400 || status == 404, "{name}: {status}");
        assert!(!body.contains("SECRET") && !body.contains("北关区"), "{name}: {body}");
        assert!(body.contains("符号链接"), "{name}: {body}");
    }
    // Not written through, not replaced: the link and its target stay.
    let mut other: serde_json::Value = serde_json::from_str(&seed).unwrap();
    other["agency"] = serde_json::json!("别的机关");
    for name in ["leak.json", "b.json"] {
        let (status, body) = desk.json("PUT", &format!("/api/report/{name}"), other.to_string().as_bytes());
        assert_eq!(status, 400, "{name}: {body}");
        assert!(std::fs::symlink_metadata(dir.join(name)).unwrap().file_type().is_symlink(), "{name} replaced");
        let (status, _) = desk.json("PUT", &format!("/api/draft/{name}"), b"{}");
        assert_eq!(status, 400, "draft of {name}");
    }
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "SECRET-8f3a do not leak");
    assert_eq!(std::fs::read_to_string(dir.join("a.json")).unwrap(), seed);
    // Not last year's report.
    for name in ["leak.json", "b.json"] {
        let body = format!(r#"{{"agency": "北关区乡村振兴局", "year": 2024, "format": "", "from": "{name}"}}"#);
        let (status, made) = desk.json("POST", "/api/new", body.as_bytes());
        assert_eq!(status, 400, "{name}: {made}");
        assert!(!made.to_string().contains("SECRET"));
    }
    // A draft that is a link is not offered, a link to a folder is not listed.
    std::os::unix::fs::symlink(&secret, dir.join(".a.json.draft")).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("folder.json")).unwrap();
    let (_, opened) = desk.json("GET", "/api/report/a.json", b"");
    assert!(opened["draft"].is_null(), "{opened}");
    let (_, list) = desk.json("GET", "/api/reports", b"");
    assert_eq!(list.as_array().unwrap().len(), 1);
}

/// A draft that arrives after a save (sent before it, or by a page that
/// has not heard of it) does not come back: the server refuses a draft of
/// a version the file no longer has, and no draft is left.
#[test]
fn a_late_draft_does_not_outlive_a_save() {
    let dir = folder("serve-drafts");
    let desk = Desk::start(&dir);
    let seed = fixture_text("beiguan-2023.json");
    let draft = dir.join(".beiguan-2023.json.draft");
    let (_, opened) = desk.json("GET", "/api/report/beiguan-2023.json", b"");
    let old = opened["version"].as_str().unwrap().to_string();
    let (status, _, _) = desk.call("PUT", &format!("/api/draft/beiguan-2023.json?version={old}"), b"{\"year\": 20");
    assert_eq!(status, 204);
    assert!(draft.exists());
    let (status, saved) = desk.json("PUT", &format!("/api/report/beiguan-2023.json?version={old}"), seed.as_bytes());
    assert_eq!(status, 200, "{saved}");
    assert!(!draft.exists(), "a save removes the draft");
    let (status, body) = desk.json("PUT", &format!("/api/draft/beiguan-2023.json?version={old}"), b"{\"late\": 1}");
    assert_eq!(status, 409, "{body}");
    assert!(body["error"].as_str().unwrap().contains("草稿"), "{body}");
    assert!(!draft.exists(), "the late draft is not written");
    // With no version, for a file that exists: refused too.
    let (status, _) = desk.json("PUT", "/api/draft/beiguan-2023.json", b"{}");
    assert_eq!(status, 409);
    assert!(!draft.exists());
    // At the new version, it is written.
    let new = saved["version"].as_str().unwrap();
    let (status, _, _) = desk.call("PUT", &format!("/api/draft/beiguan-2023.json?version={new}"), b"{}");
    assert_eq!(status, 204);
    assert!(draft.exists());
    // A report not saved yet takes drafts without a version.
    let (status, _, _) = desk.call("PUT", "/api/draft/unsaved.json", b"{}");
    assert_eq!(status, 204);
    assert!(dir.join(".unsaved.json.draft").exists());
}

/// The page's headings are the ones printed: every part's title comes from
/// the server, the sections' are the layout's headings, and the script
/// holds none of them.
#[test]
fn headings_and_totals_come_from_the_server() {
    let dir = folder("serve-parts");
    let desk = Desk::start(&dir);
    let seed = fixture_text("beiguan-2023.json");
    let (status, checked) = desk.json("POST", "/api/check", seed.as_bytes());
    assert_eq!(status, 200);
    let parts = checked["parts"].as_array().unwrap();
    let keys: Vec<&str> = parts.iter().map(|p| p["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "year",
            "agency",
            "title",
            "preamble",
            "overview",
            "proactive",
            "applications",
            "review_litigation",
            "problems",
            "other_matters",
            "signature"
        ]
    );
    assert_eq!(parts.last().unwrap()["kind"], "signature");
    assert_eq!(parts.last().unwrap()["title"], "落款");
    let printed: Vec<String> = checked["document"]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == "heading" && b["runs"].as_array().unwrap().iter().all(|r| r["source"].is_null()))
        .map(|b| b["runs"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect())
        .collect();
    let headings: Vec<&str> =
        parts.iter().filter(|p| p["heading"] == true).map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(headings, printed, "the section titles are the printed headings");
    assert_eq!(headings, nianbao::form::SECTIONS);
    let tables: Vec<&str> = parts.iter().filter(|p| p["kind"] == "table").map(|p| p["key"].as_str().unwrap()).collect();
    assert_eq!(tables, ["proactive", "applications", "review_litigation"]);
    // The scripts name no heading and no table label.
    let (_, _, app) = desk.call("GET", "/assets/app.js", b"");
    let (_, _, common) = desk.call("GET", "/assets/common.js", b"");
    let script = String::from_utf8([common, app].concat()).unwrap();
    assert!(script.contains("async function api("), "common.js is served beside app.js");
    assert!(!script.contains('、'), "an official heading or label in the desk's scripts");
    // (标题 is also in 小标题, a kind of block the page offers.)
    let labels = nianbao::form::PARTS.iter().map(|p| &p.label).filter(|l| **l != "标题");
    for label in nianbao::form::SECTIONS.iter().chain(labels) {
        assert!(!script.contains(label), "{label} in the desk's scripts");
    }
    for word in ["总计", "合计", "自然人", "本年新收", "行政复议", "行政诉讼", "主动公开"] {
        assert!(!script.contains(word), "{word} in the desk's scripts");
    }
    // 补全合计: blank totals from their parts, written ones kept.
    let mut report: serde_json::Value = serde_json::from_str(&seed).unwrap();
    report["applications"]["received"] = serde_json::json!([3, 1, null, 0, 0, 0, null]);
    report["applications"]["carried_over"] = serde_json::json!([1, 0, 0, 0, 0, 0, 9]);
    report["applications"]["results"]["granted"] = serde_json::json!([2, 0, 0, 0, 0, 0, null]);
    report["applications"]["results"]["total"] = serde_json::json!([null, 0, 0, 0, 0, 0, null]);
    report["review_litigation"]["review"] = serde_json::json!([1, null, null, null, null]);
    let (status, head, body) = desk.call("POST", "/api/fill-totals", report.to_string().as_bytes());
    assert_eq!(status, 200);
    assert!(head.contains("application/json"));
    let text = String::from_utf8(body).unwrap();
    let filled: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(filled["applications"]["received"], serde_json::json!([3, 1, null, 0, 0, 0, 4]));
    assert_eq!(filled["applications"]["carried_over"][6], 9, "a written total is kept");
    assert_eq!(filled["applications"]["results"]["granted"][6], 2);
    assert_eq!(filled["applications"]["results"]["total"], serde_json::json!([2, 0, 0, 0, 0, 0, 2]));
    assert_eq!(filled["review_litigation"]["review"], serde_json::json!([1, null, null, null, 1]));
    let canonical = nianbao::model::to_json_text(&nianbao::model::parse_str(&text).unwrap());
    assert_eq!(text, canonical, "canonical JSON");
}

#[test]
fn check_preview_save_draft_new_export_import() {
    let dir = folder("serve-endpoints");
    let desk = Desk::start(&dir);
    let seed = fixture_text("beiguan-2023.json");
    // Check: findings by JSON path, the grid to draw, the value kinds.
    let mut report: serde_json::Value = serde_json::from_str(&seed).unwrap();
    report["applications"]["received"]["natural_person"] = serde_json::json!(5);
    let (status, checked) = desk.json("POST", "/api/check", report.to_string().as_bytes());
    assert_eq!(status, 200);
    let findings = checked["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["refusal"] == true && f["path"] == "/applications/received/6"), "{findings:?}");
    assert_eq!(checked["kinds"]["/proactive/fees"], "amount");
    assert_eq!(checked["report"]["applications"]["received"].as_array().unwrap().len(), 7, "canonical rows");
    // Preview: SVG pages, and the page holding what was edited.
    let (status, preview) = desk.json("POST", "/api/preview?focus=/problems/0", seed.as_bytes());
    assert_eq!(status, 200);
    let pages = preview["pages"].as_array().unwrap();
    let count = preview["count"].as_u64().unwrap() as usize;
    assert!(count >= 3 && pages.len() == count.min(5), "{count} pages, {} sent", pages.len());
    assert!(pages[0]["svg"].as_str().unwrap().starts_with("<svg"));
    let focus = preview["focus"].as_u64().unwrap() as usize;
    assert!(focus >= 2, "五 is on a late page, not {focus}");
    assert!(pages.iter().any(|p| p["index"] == focus), "the focus page is sent");
    // Open, then save with the version opened: canonical JSON on disk.
    let (_, opened) = desk.json("GET", "/api/report/beiguan-2023.json", b"");
    let version = opened["version"].as_str().unwrap().to_string();
    let (status, saved) =
        desk.json("PUT", &format!("/api/report/beiguan-2023.json?version={version}"), seed.as_bytes());
    assert_eq!(status, 200, "{saved}");
    let on_disk = std::fs::read_to_string(dir.join("beiguan-2023.json")).unwrap();
    let canonical = nianbao::model::to_json_text(&nianbao::model::parse_str(&seed).unwrap());
    assert_eq!(on_disk, canonical);
    // A file changed on disk since it was opened is not overwritten.
    std::fs::write(dir.join("beiguan-2023.json"), seed.replace("2023 年，", "2023年，")).unwrap();
    let (status, body) = desk.json(
        "PUT",
        &format!("/api/report/beiguan-2023.json?version={}", saved["version"].as_str().unwrap()),
        seed.as_bytes(),
    );
    assert_eq!(status, 409, "{body}");
    // A new name that exists is not overwritten either; a new one is written.
    let (status, _) = desk.json("PUT", "/api/report/beiguan-2023.json", seed.as_bytes());
    assert_eq!(status, 409);
    let (status, _) = desk.json("PUT", "/api/report/copy.json", seed.as_bytes());
    assert_eq!(status, 200);
    assert!(dir.join("copy.json").exists());
    // Drafts go to a side file, whatever their state, at the version the
    // page has.
    let (_, opened) = desk.json("GET", "/api/report/copy.json", b"");
    let at = opened["version"].as_str().unwrap();
    let (status, _, _) = desk.call("PUT", &format!("/api/draft/copy.json?version={at}"), b"{\"year\": 20");
    assert_eq!(status, 204);
    assert_eq!(std::fs::read(dir.join(".copy.json.draft")).unwrap(), b"{\"year\": 20");
    let (_, opened) = desk.json("GET", "/api/report/copy.json", b"");
    assert_eq!(opened["draft"], "{\"year\": 20");
    // New from last year: 结转下年度继续办理 becomes 上年结转.
    let (status, made) = desk.json(
        "POST",
        "/api/new",
        r#"{"agency": "北关区乡村振兴局", "year": 2024, "format": "", "from": "copy.json"}"#.as_bytes(),
    );
    assert_eq!(status, 200, "{made}");
    let new: serde_json::Value = serde_json::from_str(made["text"].as_str().unwrap()).unwrap();
    assert_eq!(new["format"], "2021");
    let last: serde_json::Value = serde_json::from_str(&seed).unwrap();
    let forward: Vec<u64> =
        last["applications"]["carried_forward"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let over: Vec<u64> =
        new["applications"]["carried_over"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(over[..6], forward[..6]);
    assert!(new["applications"]["received"].as_array().unwrap().iter().all(|v| v.is_null()));
    // 空白补零: every blank cell 0, the totals filled, the carried-over
    // counts as they were; the report then passes with no blank notes.
    let (status, head, zeroed) = desk.call("POST", "/api/zero-blanks", made["text"].as_str().unwrap().as_bytes());
    assert_eq!(status, 200);
    assert!(head.contains("application/json"));
    let zeroed = nianbao::model::parse_str(&String::from_utf8(zeroed).unwrap()).unwrap();
    let findings = nianbao::check::findings(&zeroed);
    assert!(!nianbao::check::refuses(&findings), "{findings:?}");
    assert!(!findings.iter().any(|f| f.message.contains("空白")), "{findings:?}");
    let carried = nianbao::form::applications::lines(zeroed.applications.version)
        .iter()
        .position(|l| l.role == nianbao::form::applications::LineRole::CarriedOver)
        .unwrap();
    assert_eq!(
        zeroed.applications.printed(carried)[..6],
        forward[..6].iter().map(|&v| Some(u128::from(v))).collect::<Vec<_>>()[..]
    );
    // Downloads: a PDF of what is on screen; an inconsistent report only
    // when the writer confirms.
    let (status, head, pdf) = desk.call("POST", "/api/export/pdf", seed.as_bytes());
    assert_eq!(status, 200);
    assert!(head.contains("application/pdf") && pdf.starts_with(b"%PDF-"));
    // The web page too, to publish on the agency's site.
    let (status, head, page) = desk.call("POST", "/api/export/html", seed.as_bytes());
    assert_eq!(status, 200);
    assert!(head.contains("text/html") && String::from_utf8_lossy(&page).contains("一、总体情况"));
    let (status, refused) = desk.json("POST", "/api/export/docx", report.to_string().as_bytes());
    assert_eq!(status, 409);
    // Said in the desk's words: the dialog asks to go on; no command-line flag.
    let why = refused["error"].as_str().unwrap();
    assert!(why.contains("数据前后不一致") && !why.contains("--"), "{why}");
    let (status, _, docx) =
        desk.call("POST", "/api/export/docx?allow_inconsistent=true", report.to_string().as_bytes());
    assert_eq!(status, 200);
    assert!(docx.starts_with(b"PK"));
    // Import any file import reads: a saved page.
    let page = std::fs::read(fixture("corpus/html/pingtan_zonghe_2025.html")).unwrap();
    let (status, imported) = desk.json("POST", "/api/import/zonghe.html", &page);
    assert_eq!(status, 200);
    assert_eq!(imported["reader"], "html");
    assert!(imported["text"].as_str().unwrap().contains("平潭综合实验区"));
}

/// Ctrl-C (SIGINT) stops the server cleanly: exit 0, the port free.
#[test]
fn ctrl_c_stops_it_cleanly() {
    let dir = folder("serve-sigint");
    let mut desk = Desk::start(&dir);
    let (status, _) = desk.json("GET", "/api/reports", b"");
    assert_eq!(status, 200);
    let pid = desk.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let exit = desk.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(TcpStream::connect(&desk.host).is_err(), "nothing listens any more");
}

/// The page in a real headless Chromium, driven by Selenium
/// (tests/browser/desk.py): a finding appears at the cell typed into and
/// goes when fixed, a pasted block fills cells, the saved file and the
/// downloaded PDF hold the numbers, a draft survives a killed server.
/// Screenshots of each step go to docs/screenshots/.
#[test]
fn in_a_real_browser() {
    let dir = folder("serve-browser");
    browser_test("desk.py", &[&dir, &screenshots()]);
}
