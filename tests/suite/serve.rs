//! The writer's desk over real HTTP: every endpoint with good requests, a
//! missing or wrong token, a wrong Host, a foreign Origin, oversized and
//! malformed bodies, names that try to leave the folder, symbolic links,
//! late drafts, errors in one shape; and in a real headless Chromium
//! (tests/browser/desk.py).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use crate::common::*;

/// A running `nianbao serve` on a free port, stopped when dropped.
pub struct Desk {
    child: Child,
    pub url: String,
    pub host: String,
    pub token: String,
}

impl Desk {
    pub fn start(dir: &Path) -> Desk {
        let mut child = bin()
            .args(["serve", "--listen", "127.0.0.1:0", "--no-browser"])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().to_string();
        let host = url.trim_start_matches("http://").split('/').next().unwrap().to_string();
        let token = url.split("token=").nth(1).unwrap().to_string();
        Desk { child, url, host, token }
    }

    /// A request with the token, this Host, and for writes this Origin.
    pub fn call(&self, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let origin = format!("http://{}", self.host);
        let cookie = format!("nianbao_token={}", self.token);
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

/// One HTTP/1.1 request on a fresh connection: status, headers, body.
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    // A body the server refuses part-way may close the connection early.
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
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

fn folder(name: &str) -> PathBuf {
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
    assert!(
        head.contains("set-cookie: nianbao_token=") && head.contains("httponly") && head.contains("samesite=strict")
    );
    // No token, a wrong one, the token only in the URL of an API call.
    for headers in [vec![("Host", host)], vec![("Host", host), ("Cookie", "nianbao_token=0000")]] {
        let (status, _, body) = http(host, "GET", "/api/reports", &headers, b"");
        assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    }
    let (status, _, _) = http(host, "GET", &format!("/api/reports?token={}", desk.token), &[("Host", host)], b"");
    assert_eq!(status, 403);
    // A page fetched through another name (DNS rebinding).
    let cookie = format!("nianbao_token={}", desk.token);
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
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/desk.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_nianbao"))
        .arg(&dir)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots"))
        .output()
        .expect("python3 runs the browser test");
    assert!(
        out.status.success(),
        "browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
