//! The office's desk over real HTTP, on a real SQLite file, a county of
//! 300 agencies: the time of a save (the report's next version, checked
//! against the contract and committed with `synchronous = FULL`), of the
//! board (all 300 agencies with their states and findings, first after a
//! start and then warm), and the server's memory after 10,000 saves.
//!
//!     cargo bench --bench office

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};

const SEED: &str = include_str!("../fixtures/pingtan-2023.json");
const AGENCIES: usize = 300;
const SAVES: usize = 10_000;

/// One request on a fresh connection: status and body.
fn call(host: &str, cookie: &str, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(host).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nCookie: {cookie}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status = String::from_utf8_lossy(&response[9..12]).parse().unwrap();
    (status, response[split + 4..].to_vec())
}

fn json_call(host: &str, cookie: &str, method: &str, path: &str, body: &Value) -> Value {
    let bytes = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
    let (status, body) = call(host, cookie, method, path, &bytes);
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    assert!(status < 300, "{method} {path}: {status} {value}");
    value
}

/// The session cookie of a sign-in or an invitation taken up.
fn signed_in(host: &str, path: &str, body: &Value) -> String {
    let mut stream = TcpStream::connect(host).unwrap();
    let body = body.to_string();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let line = response.lines().find(|l| l.to_ascii_lowercase().starts_with("set-cookie:")).expect("a cookie");
    line.split_once(':').unwrap().1.trim().split(';').next().unwrap().to_string()
}

fn kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn percentile(times: &mut [f64], p: f64) -> f64 {
    times.sort_by(f64::total_cmp);
    times[((times.len() - 1) as f64 * p).round() as usize]
}

fn start(bin: &str, db: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(bin)
        .args(["office", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let host = line.trim().trim_start_matches("http://").trim_end_matches('/').to_string();
    (child, host)
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_nianbao");
    let dir = std::env::temp_dir().join(format!("nianbao-office-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("office.db");
    let mut init = Command::new(bin)
        .args(["office", "init", "--login", "admin", "--db"])
        .arg(&db)
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    init.stdin.take().unwrap().write_all(b"admin password 1\n").unwrap();
    assert!(init.wait().unwrap().success());
    let (mut server, host) = start(bin, &db);
    let h = host.as_str();
    let admin = signed_in(h, "/api/office/login", &json!({ "login": "admin", "password": "admin password 1" }));
    let region =
        json_call(h, &admin, "POST", "/api/office/regions", &json!({ "name": "某县" }))["id"].as_i64().unwrap();
    let roster: String = (0..AGENCIES).map(|i| format!("某县第{i:03}局\n")).collect();
    let (status, _) = call(h, &admin, "POST", &format!("/api/office/regions/{region}/roster"), roster.as_bytes());
    assert_eq!(status, 200);
    let agencies = json_call(h, &admin, "GET", &format!("/api/office/regions/{region}/agencies"), &Value::Null);
    let mut seed: Value = serde_json::from_str(SEED).unwrap();
    seed.as_object_mut().unwrap().remove("title");
    seed["year"] = json!(2024);

    // Every agency's writer saves its report; all but the first submit.
    let mut saves = Vec::new();
    let mut first = None;
    for (i, agency) in agencies.as_array().unwrap().iter().enumerate() {
        let made = json_call(
            h,
            &admin,
            "POST",
            "/api/office/accounts",
            &json!({ "login": format!("w{i:03}"), "name": "填报人", "role": "writer", "place": agency["id"] }),
        );
        let secret = made["invitation"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
        let writer =
            signed_in(h, "/api/office/invitation", &json!({ "secret": secret, "password": "writer password" }));
        let id = json_call(h, &writer, "POST", "/api/office/reports", &json!({ "year": 2024 }))["id"].as_i64().unwrap();
        let from = json_call(h, &writer, "GET", &format!("/api/office/reports/{id}"), &Value::Null)["version"]
            .as_i64()
            .unwrap();
        seed["agency"] = agency["name"].clone();
        let text = seed.to_string();
        let started = Instant::now();
        let saved = json_call(
            h,
            &writer,
            "PUT",
            &format!("/api/office/reports/{id}?version={from}"),
            &serde_json::from_str(&text).unwrap(),
        );
        saves.push(started.elapsed().as_secs_f64() * 1000.0);
        let version = saved["version"].as_i64().unwrap();
        if i == 0 {
            first = Some((writer, id, version));
        } else {
            json_call(h, &writer, "POST", &format!("/api/office/reports/{id}/submit?version={version}"), &Value::Null);
        }
    }
    let board = format!("/api/office/board?region={region}&year=2024");
    // The board after a start: every version's findings computed once.
    server.kill().unwrap();
    server.wait().unwrap();
    let (mut server, host) = start(bin, &db);
    let h = host.as_str();
    let admin = signed_in(h, "/api/office/login", &json!({ "login": "admin", "password": "admin password 1" }));
    let started = Instant::now();
    let rows = json_call(h, &admin, "GET", &board, &Value::Null)["rows"].as_array().unwrap().len();
    let cold = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(rows, AGENCIES);
    let mut warm: Vec<f64> = (0..20)
        .map(|_| {
            let started = Instant::now();
            json_call(h, &admin, "GET", &board, &Value::Null);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();

    // 10,000 saves of one report, one after another.
    let (writer, id, mut version) = first.unwrap();
    let overview = seed["overview"].as_array().unwrap().clone();
    let rss_before = kib(server.id(), "VmRSS:");
    let mut times = Vec::with_capacity(SAVES);
    for n in 0..SAVES {
        let mut edited = vec![json!(format!("第 {n} 次保存。"))];
        edited.extend(overview.iter().cloned());
        seed["overview"] = Value::Array(edited);
        let text = seed.to_string();
        let started = Instant::now();
        let (status, body) =
            call(h, &writer, "PUT", &format!("/api/office/reports/{id}?version={version}"), text.as_bytes());
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(status, 200);
        version = serde_json::from_slice::<Value>(&body).unwrap()["version"].as_i64().unwrap();
    }
    let (rss, peak) = (kib(server.id(), "VmRSS:"), kib(server.id(), "VmHWM:"));
    let size =
        std::fs::metadata(&db).unwrap().len() + std::fs::metadata(dir.join("office.db-wal")).map_or(0, |m| m.len());
    println!("office, {AGENCIES} agencies, report of {} KB:", seed.to_string().len() / 1024);
    println!(
        "  save (first version of each report, {AGENCIES})   median {:.1} ms   p95 {:.1} ms",
        percentile(&mut saves, 0.5),
        percentile(&mut saves, 0.95)
    );
    println!(
        "  save ({SAVES} in a row)                 median {:.1} ms   p95 {:.1} ms   max {:.1} ms",
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.95),
        percentile(&mut times, 1.0)
    );
    println!(
        "  board of {AGENCIES}: first after a start {cold:.0} ms; warm median {:.1} ms   max {:.1} ms (20)",
        percentile(&mut warm, 0.5),
        percentile(&mut warm, 1.0)
    );
    println!(
        "  server memory: {} MiB before the {SAVES} saves, {} MiB after (peak {} MiB); database {} MiB",
        rss_before / 1024,
        rss / 1024,
        peak / 1024,
        size >> 20
    );
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
