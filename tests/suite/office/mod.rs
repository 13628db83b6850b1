//! The office's desk over real HTTP, on a real SQLite file: the whole
//! review from set-up to archive, who may do what (a matrix of endpoint ×
//! role × own or another's), sessions and sign-in, hostile input, and
//! saves that survive `kill -9`.

mod browser;
mod crash;
mod flow;
mod hostile;
mod matrix;
mod sessions;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use serde_json::{json, Value};

use crate::common::*;
use crate::serve::http;

pub const ADMIN_PASSWORD: &str = "admin password 1";

/// A database with its first administrator, made by `office init`.
pub fn init(name: &str) -> PathBuf {
    let db = scratch(name).join("office.db");
    let mut child = bin()
        .args(["office", "init", "--login", "admin", "--name", "管理员", "--db"])
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{ADMIN_PASSWORD}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    db
}

/// A running `nianbao office`, killed when dropped.
pub struct Office {
    pub child: Child,
    pub host: String,
    pub db: PathBuf,
}

impl Office {
    pub fn start(db: &Path) -> Office {
        Office::start_with(db, &[], &[])
    }

    pub fn start_with(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Office {
        let (child, line) = spawn_server(
            bin().args(["office", "--listen", "127.0.0.1:0", "--db"]).arg(db).args(args).envs(env.iter().copied()),
        );
        assert!(line.starts_with("http"), "the office did not start: {line:?}");
        // The address it listens at (the public one may differ).
        let host = listening(child.id());
        Office { child, host, db: db.to_path_buf() }
    }

    /// A request as a browser on the office's page sends it: this Host,
    /// this Origin for writes, and the session's cookie if any.
    pub fn call(&self, cookie: Option<&str>, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let origin = format!("http://{}", self.host);
        let mut headers = vec![("Host", self.host.as_str()), ("Origin", origin.as_str())];
        if let Some(c) = cookie {
            headers.push(("Cookie", c));
        }
        http(&self.host, method, path, &headers, body)
    }

    pub fn json(&self, cookie: Option<&str>, method: &str, path: &str, body: &Value) -> (u16, Value) {
        let bytes = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
        let (status, _, body) = self.call(cookie, method, path, &bytes);
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// Signs in: the session's cookie (`name=value`).
    pub fn login(&self, login: &str, password: &str) -> String {
        let body = json!({ "login": login, "password": password }).to_string();
        let (status, head, body) = self.call(None, "POST", "/api/office/login", body.as_bytes());
        assert_eq!(status, 200, "{login}: {}", String::from_utf8_lossy(&body));
        session_cookie(&head).expect("a session cookie")
    }

    pub fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD)
    }

    /// A new region: its id.
    pub fn region(&self, admin: &str, parent: Option<i64>, name: &str) -> i64 {
        let (status, body) =
            self.json(Some(admin), "POST", "/api/office/regions", &json!({ "parent": parent, "name": name }));
        assert_eq!(status, 201, "{body}");
        body["id"].as_i64().unwrap()
    }

    /// A roster into a region: the ids of its agencies by name.
    pub fn roster(&self, admin: &str, region: i64, csv: &[u8]) -> Vec<(String, i64)> {
        let (status, _, body) = self.call(Some(admin), "POST", &format!("/api/office/regions/{region}/roster"), csv);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let (status, list) =
            self.json(Some(admin), "GET", &format!("/api/office/regions/{region}/agencies"), &Value::Null);
        assert_eq!(status, 200);
        list.as_array()
            .unwrap()
            .iter()
            .map(|a| (a["name"].as_str().unwrap().to_string(), a["id"].as_i64().unwrap()))
            .collect()
    }

    /// An account invited and its invitation taken up: its cookie.
    pub fn person(&self, admin: &str, login: &str, role: &str, place: Option<i64>) -> String {
        let (status, made) = self.json(
            Some(admin),
            "POST",
            "/api/office/accounts",
            &json!({ "login": login, "name": format!("{login} 本人"), "role": role, "place": place }),
        );
        assert_eq!(status, 201, "{made}");
        let secret = made["invitation"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
        let body = json!({ "secret": secret, "password": format!("{login} password") }).to_string();
        let (status, head, body) = self.call(None, "POST", "/api/office/invitation", body.as_bytes());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        session_cookie(&head).unwrap()
    }

    /// The writer's report for `year`, started and saved whole from the
    /// fixture (agency and year made its own): (report id, version).
    pub fn write_report(&self, writer: &str, agency: &str, year: i64) -> (i64, i64) {
        let (status, made) = self.json(Some(writer), "POST", "/api/office/reports", &json!({ "year": year }));
        assert_eq!(status, 201, "{made}");
        let id = made["id"].as_i64().unwrap();
        let (_, opened) = self.json(Some(writer), "GET", &format!("/api/office/reports/{id}"), &Value::Null);
        let version = self.save(writer, id, opened["version"].as_i64().unwrap(), &report_text(agency, year, |_| {}));
        (id, version)
    }

    /// Saves `text` over `from`: the new version.
    pub fn save(&self, writer: &str, id: i64, from: i64, text: &str) -> i64 {
        let (status, _, body) =
            self.call(Some(writer), "PUT", &format!("/api/office/reports/{id}?version={from}"), text.as_bytes());
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(status, 200, "{body}");
        body["version"].as_i64().unwrap()
    }

    pub fn step(&self, who: &str, id: i64, step: &str, version: i64) -> (u16, Value) {
        self.json(Some(who), "POST", &format!("/api/office/reports/{id}/{step}?version={version}"), &Value::Null)
    }
}

impl Drop for Office {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The loopback `host:port` process `pid` listens on (from /proc).
fn listening(pid: u32) -> String {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|l| l.to_str()?.strip_prefix("socket:[")?.strip_suffix(']').map(str::to_string))
        .collect();
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f[3] == "0A" && inodes.contains(&f[9].to_string()) {
            let port = u16::from_str_radix(f[1].rsplit(':').next().unwrap(), 16).unwrap();
            return format!("127.0.0.1:{port}");
        }
    }
    panic!("process {pid} listens nowhere");
}

/// The `name=value` of the session cookie a response sets.
pub fn session_cookie(head: &str) -> Option<String> {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.trim().split(';').next().unwrap().to_string())
        .find(|c| !c.ends_with('='))
}

/// The fixture report as `agency`'s for `year`, edited.
pub fn report_text(agency: &str, year: i64, edit: impl FnOnce(&mut Value)) -> String {
    report_from("beiguan-2023.json", agency, year, edit)
}

/// Fixture `name` as `agency`'s report for `year`, edited.
pub fn report_from(name: &str, agency: &str, year: i64, edit: impl FnOnce(&mut Value)) -> String {
    let mut report: Value = serde_json::from_str(&fixture_text(name)).unwrap();
    // The title the template makes from the agency and the year.
    report.as_object_mut().unwrap().remove("title");
    report["agency"] = json!(agency);
    report["year"] = json!(year);
    edit(&mut report);
    report.to_string()
}

/// A county with three agencies, a writer for each and a reviewer: the
/// office, the administrator's cookie, the region, the agencies (name, id)
/// and the cookies of the writers and the reviewer.
pub struct County {
    pub office: Office,
    pub admin: String,
    pub region: i64,
    pub agencies: Vec<(String, i64)>,
    pub writers: Vec<String>,
    pub reviewer: String,
}

impl County {
    pub fn new(name: &str) -> County {
        let office = Office::start(&init(name));
        let admin = office.admin();
        let region = office.region(&admin, None, "某县");
        let agencies = office.roster(&admin, region, "单位名称\n某县教育局\n某县财政局\n某县民政局\n".as_bytes());
        let writers = agencies
            .iter()
            .enumerate()
            .map(|(i, (_, id))| office.person(&admin, &format!("writer{i}"), "writer", Some(*id)))
            .collect();
        let reviewer = office.person(&admin, "reviewer", "reviewer", Some(region));
        County { office, admin, region, agencies, writers, reviewer }
    }
}
