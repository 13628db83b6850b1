//! The writer's desk under load and abuse (issue #21), over real HTTP
//! against the real `nianbao serve`: saves and drafts racing on one
//! report, a FIFO and a huge file in the folder, a long report's preview,
//! half-sent requests, two desks in one browser, the browser's one-time
//! address, and a desk listening on every address.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::*;
use crate::serve::{folder, http, Desk};

const NAME: &str = "beiguan-2023.json";

/// What the desk writes for `text`: its canonical form.
fn canonical(text: &str) -> String {
    nianbao::model::to_json_text(&nianbao::model::parse_str(text).unwrap())
}

/// 8 writers save different edits of one report at the same version, 20
/// rounds, while two more autosave drafts and a reader watches the files:
/// every answer is 200 or 409, exactly one save a round wins, the file on
/// disk is always one writer's whole canonical save (never a mix), a
/// draft is always one whole draft, and none outlives the round's save.
#[test]
fn concurrent_saves_never_tear_or_lose() {
    const CLIENTS: usize = 8;
    const ROUNDS: usize = 20;
    const DRAFTERS: usize = 2;
    let dir = folder("desk-race");
    let desk = Desk::start(&dir);
    let seed: Value = serde_json::from_str(&fixture_text(NAME)).unwrap();
    let (status, opened) = desk.json("GET", &format!("/api/report/{NAME}"), b"");
    assert_eq!(status, 200);
    let mut version = opened["version"].as_str().unwrap().to_string();
    let mut on_disk = std::fs::read_to_string(dir.join(NAME)).unwrap();
    let draft_file = dir.join(format!(".{NAME}.draft"));
    for round in 0..ROUNDS {
        let texts: Vec<String> = (0..CLIENTS)
            .map(|client| {
                let mut report = seed.clone();
                report["overview"][0] = json!(format!("第 {round} 轮，第 {client} 位写作者。{}", seed["overview"][0]));
                serde_json::to_string_pretty(&report).unwrap()
            })
            .collect();
        let saves: Vec<String> = texts.iter().map(|t| canonical(t)).collect();
        // Drafts large enough that two writes mixed would show.
        let drafts: Vec<String> = (0..DRAFTERS * 3)
            .map(|d| format!("{{\"draft\": \"{}\"}}", char::from(b'a' + d as u8).to_string().repeat(200_000)))
            .collect();
        let mut seen_report: HashSet<String> = saves.iter().cloned().collect();
        seen_report.insert(on_disk.clone());
        let barrier = Barrier::new(CLIENTS + DRAFTERS);
        let done = AtomicBool::new(false);
        let (answers, draft_answers) = std::thread::scope(|s| {
            let reader = s.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    let text = std::fs::read_to_string(dir.join(NAME)).unwrap();
                    assert!(seen_report.contains(&text), "round {round}: a torn or unknown report on disk");
                    if let Ok(text) = std::fs::read_to_string(&draft_file) {
                        assert!(drafts.contains(&text), "round {round}: a torn draft ({} bytes)", text.len());
                    }
                }
            });
            let savers: Vec<_> = texts
                .iter()
                .map(|text| {
                    let (barrier, desk, version) = (&barrier, &desk, &version);
                    s.spawn(move || {
                        barrier.wait();
                        desk.json("PUT", &format!("/api/report/{NAME}?version={version}"), text.as_bytes())
                    })
                })
                .collect();
            let drafters: Vec<_> = (0..DRAFTERS)
                .map(|d| {
                    let (barrier, desk, version, drafts) = (&barrier, &desk, &version, &drafts);
                    s.spawn(move || {
                        barrier.wait();
                        (0..3)
                            .map(|k| {
                                let text = &drafts[d * 3 + k];
                                desk.call("PUT", &format!("/api/draft/{NAME}?version={version}"), text.as_bytes()).0
                            })
                            .collect::<Vec<u16>>()
                    })
                })
                .collect();
            let answers: Vec<(u16, Value)> = savers.into_iter().map(|h| h.join().unwrap()).collect();
            let draft_answers: Vec<u16> = drafters.into_iter().flat_map(|h| h.join().unwrap()).collect();
            done.store(true, Ordering::Relaxed);
            reader.join().unwrap();
            (answers, draft_answers)
        });
        let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
        assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "round {round}: {statuses:?}");
        let winners: Vec<usize> = (0..CLIENTS).filter(|&i| statuses[i] == 200).collect();
        assert_eq!(winners.len(), 1, "round {round}: one save wins, not {statuses:?}");
        assert!(draft_answers.iter().all(|s| *s == 204 || *s == 409), "round {round}: drafts {draft_answers:?}");
        let winner = winners[0];
        on_disk = std::fs::read_to_string(dir.join(NAME)).unwrap();
        assert_eq!(on_disk, saves[winner], "round {round}: the file is the winner's save");
        assert!(!draft_file.exists(), "round {round}: a draft outlived the save");
        version = answers[winner].1["version"].as_str().unwrap().to_string();
        let (_, opened) = desk.json("GET", &format!("/api/report/{NAME}"), b"");
        assert_eq!(opened["version"], version.as_str(), "round {round}: the version answered is the file's");
    }
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

/// A FIFO named like a report (and like a draft) does not hang anything:
/// not listed, refused at once, the page and the list still answer. A
/// 100 MB file is listed as too large and refused by its size, unread.
#[test]
fn fifos_and_huge_files_do_not_hang_the_desk() {
    let dir = folder("desk-fifo");
    mkfifo(&dir.join("x.json"));
    mkfifo(&dir.join(format!(".{NAME}.draft")));
    std::fs::File::create(dir.join("big.json")).unwrap().set_len(100 << 20).unwrap();
    let desk = Desk::start(&dir);
    let quick = |what: &str, method: &str, path: &str, body: &[u8]| {
        let start = Instant::now();
        let (status, _, answer) = desk.call(method, path, body);
        assert!(start.elapsed() < Duration::from_secs(10), "{what}: {:?}", start.elapsed());
        (status, String::from_utf8_lossy(&answer).into_owned())
    };
    let (status, list) = quick("the list", "GET", "/api/reports", b"");
    assert_eq!(status, 200, "{list}");
    let list: Value = serde_json::from_str(&list).unwrap();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["beiguan-2023.json", "big.json"], "the FIFO is not listed");
    assert!(list[1]["error"].as_str().unwrap().contains("2 MiB"), "{list}");
    let (status, body) = quick("the FIFO", "GET", "/api/report/x.json", b"");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("不是本文件夹里的普通文件"), "{body}");
    let (status, body) = quick("the huge file", "GET", "/api/report/big.json", b"");
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("big.json") && body.contains("2 MiB"), "{body}");
    // A report whose draft is a FIFO opens, without the draft.
    let (status, body) = quick("a FIFO draft", "GET", &format!("/api/report/{NAME}"), b"");
    assert_eq!(status, 200, "{body}");
    assert!(serde_json::from_str::<Value>(&body).unwrap()["draft"].is_null());
    // Not replaced, not last year's report.
    let (status, body) = quick("a save over the FIFO", "PUT", "/api/report/x.json", fixture_text(NAME).as_bytes());
    assert_eq!(status, 400, "{body}");
    let new = br#"{"agency": "x", "year": 2024, "format": "", "from": "x.json"}"#;
    let (status, body) = quick("new from the FIFO", "POST", "/api/new", new);
    assert_eq!(status, 400, "{body}");
    let new = br#"{"agency": "x", "year": 2024, "format": "", "from": "big.json"}"#;
    let (status, body) = quick("new from the huge file", "POST", "/api/new", new);
    assert_eq!(status, 413, "{body}");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(dir.join("x.json")).unwrap().file_type().is_fifo(), "the FIFO stays");
    // Everything still answers.
    let (status, _) = quick("the stylesheet", "GET", "/assets/app.css", b"");
    assert_eq!(status, 200);
    let (status, _) = quick("the list again", "GET", "/api/reports", b"");
    assert_eq!(status, 200);
}

/// A report of many pages, within the contract's limits.
fn long_report() -> String {
    let mut report: Value = serde_json::from_str(&fixture_text(NAME)).unwrap();
    let text = "本机关坚持依法公开、真实准确、注重实效的原则，不断完善政府信息公开工作机制，规范信息发布流程，加强审核把关，及时回应社会关切。";
    report["overview"] = (0..240).map(|i| json!(format!("第{}段。{}", i + 1, text.repeat(3)))).collect();
    report.to_string()
}

/// A long report's preview sends a window of at most five pages with the
/// number of pages and each page's index: the first five, around the
/// page of the focus, or a range asked for (five at most).
#[test]
fn the_preview_sends_a_window_of_pages() {
    let dir = folder("desk-preview");
    let desk = Desk::start(&dir);
    let text = long_report();
    let indices = |preview: &Value| -> Vec<u64> {
        let pages = preview["pages"].as_array().unwrap();
        assert!(pages.iter().all(|p| p["svg"].as_str().unwrap().starts_with("<svg")));
        pages.iter().map(|p| p["index"].as_u64().unwrap()).collect()
    };
    let (status, head, body) = desk.call("POST", "/api/preview", text.as_bytes());
    assert_eq!(status, 200, "{head}");
    assert!(body.len() < 3 << 20, "{} bytes", body.len());
    let first: Value = serde_json::from_slice(&body).unwrap();
    let count = first["count"].as_u64().unwrap();
    assert!(count >= 60, "{count} pages");
    assert_eq!(indices(&first), [0, 1, 2, 3, 4]);
    assert!(first["focus"].is_null());
    // Around the page of what was edited.
    let (_, around) = desk.json("POST", "/api/preview?focus=/overview/150", text.as_bytes());
    let focus = around["focus"].as_u64().unwrap();
    assert!(focus > 20, "paragraph 151 is on page {focus}");
    assert_eq!(indices(&around), (focus - 2..focus + 3).collect::<Vec<_>>());
    // Near the end: the last five.
    let (_, last) = desk.json("POST", "/api/preview?focus=/other_matters/0", text.as_bytes());
    assert!(last["focus"].as_u64().unwrap() + 2 >= count, "{}", last["focus"]);
    assert_eq!(indices(&last), (count - 5..count).collect::<Vec<_>>());
    // A range on demand, five pages at most; past the end, none.
    let (_, range) = desk.json("POST", "/api/preview?from=40&to=100", text.as_bytes());
    assert_eq!(indices(&range), [40, 41, 42, 43, 44]);
    assert_eq!(range["count"], count);
    let (_, range) = desk.json("POST", "/api/preview?from=41&to=43", text.as_bytes());
    assert_eq!(indices(&range), [41, 42]);
    let (_, tail) = desk.json("POST", &format!("/api/preview?from={}", count - 2), text.as_bytes());
    assert_eq!(indices(&tail), [count - 2, count - 1]);
    let (_, past) = desk.json("POST", "/api/preview?from=100000", text.as_bytes());
    assert_eq!(indices(&past), Vec::<u64>::new());
    // A focus that does not print falls back to the range.
    let (_, fallback) = desk.json("POST", "/api/preview?focus=/nowhere&from=10&to=12", text.as_bytes());
    assert_eq!(indices(&fallback), [10, 11]);
}

/// Reads until the server closes the connection (or 10 s pass): what it
/// sent, and how long it took.
fn until_closed(stream: &mut TcpStream) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                panic!("still open after {:?}: {}", start.elapsed(), String::from_utf8_lossy(&got))
            }
            Err(_) => break,
        }
    }
    (got, start.elapsed())
}

/// A request's head must arrive in time, and so must its body; an idle
/// kept-alive connection is closed too; other requests are answered
/// meanwhile.
#[test]
fn half_sent_requests_are_dropped_in_time() {
    let dir = folder("desk-timeouts");
    let desk = Desk::start_with(
        &dir,
        "127.0.0.1:0",
        &[("NIANBAO_DESK_HEADER_TIMEOUT_MS", "500"), ("NIANBAO_DESK_BODY_TIMEOUT_MS", "800")],
    );
    // Half a head.
    let mut half_head = TcpStream::connect(&desk.host).unwrap();
    half_head.write_all(format!("GET /api/reports HTTP/1.1\r\nHost: {}\r\nCook", desk.host).as_bytes()).unwrap();
    // Half a body.
    let mut half_body = TcpStream::connect(&desk.host).unwrap();
    let head = format!(
        "PUT /api/draft/{NAME} HTTP/1.1\r\nHost: {0}\r\nCookie: {1}\r\nOrigin: http://{0}\r\nContent-Length: 1000\r\n\r\n",
        desk.host,
        desk.cookie()
    );
    half_body.write_all(head.as_bytes()).unwrap();
    half_body.write_all(b"{\"draft\": ").unwrap();
    // Meanwhile a whole request is answered.
    let (status, _) = desk.json("GET", "/api/reports", b"");
    assert_eq!(status, 200);
    let (got, took) = until_closed(&mut half_head);
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
    assert!(got.is_empty() || got.starts_with(b"HTTP/1.1 408"), "{}", String::from_utf8_lossy(&got));
    let (got, took) = until_closed(&mut half_body);
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
    assert!(got.starts_with(b"HTTP/1.1 408"), "{}", String::from_utf8_lossy(&got));
    assert!(!dir.join(format!(".{NAME}.draft")).exists());
    // A kept-alive connection answered, then idle: closed.
    let mut idle = TcpStream::connect(&desk.host).unwrap();
    idle.write_all(
        format!("GET /assets/app.css HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\n\r\n", desk.host, desk.cookie()).as_bytes(),
    )
    .unwrap();
    let (got, took) = until_closed(&mut idle);
    assert!(got.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&got));
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
    let (status, _) = desk.json("GET", "/api/reports", b"");
    assert_eq!(status, 200);
}

/// Two desks in one browser: each names its cookie for its port, so the
/// second does not replace the first's; a desk refuses the other's
/// cookie, and takes its own beside it (a browser sends both).
#[test]
fn two_desks_side_by_side_each_with_its_cookie() {
    let (dir_a, dir_b) = (folder("desk-two-a"), folder("desk-two-b"));
    let (a, b) = (Desk::start(&dir_a), Desk::start(&dir_b));
    let set_cookie = |desk: &Desk| {
        let (status, head, _) =
            http(&desk.host, "GET", &format!("/?token={}", desk.token), &[("Host", &desk.host)], b"");
        assert_eq!(status, 303);
        let line = head.lines().find(|l| l.to_ascii_lowercase().starts_with("set-cookie:")).unwrap().to_string();
        line.split_once(':').unwrap().1.trim().split(';').next().unwrap().to_string()
    };
    let (cookie_a, cookie_b) = (set_cookie(&a), set_cookie(&b));
    assert_eq!(cookie_a, a.cookie());
    assert_eq!(cookie_b, b.cookie());
    assert_ne!(cookie_a.split('=').next(), cookie_b.split('=').next(), "two names");
    let get = |desk: &Desk, cookie: &str| {
        http(&desk.host, "GET", "/api/reports", &[("Host", &desk.host), ("Cookie", cookie)], b"").0
    };
    assert_eq!(get(&a, &cookie_b), 403, "B's cookie does not open A");
    assert_eq!(get(&b, &cookie_a), 403, "A's cookie does not open B");
    let both = format!("{cookie_a}; {cookie_b}");
    assert_eq!(get(&a, &both), 200);
    assert_eq!(get(&b, &both), 200);
    let both = format!("{cookie_b}; {cookie_a}");
    assert_eq!(get(&a, &both), 200);
    assert_eq!(get(&b, &both), 200);
}

/// The browser is opened on an address without the token (the opener's
/// arguments are visible to every user of the machine): a one-time code,
/// swapped for the cookie once, then refused.
#[test]
fn the_browser_is_opened_without_the_token_once() {
    let dir = folder("desk-opener");
    let bin_dir = scratch("desk-opener-bin");
    let said = bin_dir.join("opened");
    let opener = bin_dir.join("xdg-open");
    std::fs::write(&opener, format!("#!/bin/sh\necho \"$@\" > {0}.tmp && mv {0}.tmp {0}\n", said.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .arg(&dir)
        .env("PATH", format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let url = line.trim();
    let token = url.split("token=").nth(1).unwrap();
    let host = url.trim_start_matches("http://").split('/').next().unwrap();
    let port = host.rsplit(':').next().unwrap();
    let start = Instant::now();
    while !said.exists() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let opened = std::fs::read_to_string(&said).expect("the browser opener ran").trim().to_string();
    assert!(!opened.contains(token), "the token in the opener's arguments: {opened}");
    let code_path = opened.strip_prefix(&format!("http://{host}")).unwrap_or_else(|| panic!("{opened}")).to_string();
    assert!(code_path.starts_with("/open/"), "{opened}");
    // A wrong code does not open it, nor spend the right one.
    let (status, _, _) = http(host, "GET", "/open/0123456789abcdef0123456789abcdef", &[("Host", host)], b"");
    assert_eq!(status, 403);
    let (status, head, _) = http(host, "GET", &code_path, &[("Host", host)], b"");
    assert_eq!(status, 303, "{head}");
    let cookie = format!("nianbao_token_{port}={token}");
    assert!(head.to_ascii_lowercase().contains(&format!("set-cookie: {cookie}")), "{head}");
    let (status, _, _) = http(host, "GET", "/api/reports", &[("Host", host), ("Cookie", &cookie)], b"");
    assert_eq!(status, 200);
    // Once only.
    let (status, head, body) = http(host, "GET", &code_path, &[("Host", host)], b"");
    assert_eq!(status, 403, "{head}");
    assert!(!head.to_ascii_lowercase().contains("set-cookie"));
    assert!(String::from_utf8_lossy(&body).contains("已经用过"));
    let _ = child.kill();
    let _ = child.wait();
}

/// Listening on every address (`--listen 0.0.0.0:P`), the desk answers
/// the names it is reached by — loopback, `localhost`, and the address a
/// request arrived at — and still refuses any other.
#[test]
fn on_every_address_the_desk_answers_its_own_names() {
    let dir = folder("desk-any");
    let desk = Desk::start_with(&dir, "0.0.0.0:0", &[]);
    let port = desk.port;
    assert_eq!(desk.host, format!("127.0.0.1:{port}"), "the printed URL names loopback");
    let cookie = desk.cookie();
    let ask = |via: &str, host: &str| {
        let origin = format!("http://{host}");
        http(via, "GET", "/api/reports", &[("Host", host), ("Cookie", &cookie), ("Origin", &origin)], b"").0
    };
    let local = format!("127.0.0.1:{port}");
    for host in
        [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}"), format!("LOCALHOST:{port}")]
    {
        assert_eq!(ask(&local, &host), 200, "{host}");
    }
    for host in
        [format!("evil.example:{port}"), format!("127.0.0.1:{}", port ^ 1), "127.0.0.1".to_string(), String::new()]
    {
        assert_eq!(ask(&local, &host), 403, "{host:?}");
    }
    // Through another address of this machine, if it has one: that name too.
    let other = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr())
        .ok()
        .map(|a| a.ip())
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    if let Some(ip) = other {
        let via = format!("{ip}:{port}");
        assert_eq!(ask(&via, &via), 200, "{via}");
        assert_eq!(ask(&via, &format!("evil.example:{port}")), 403);
    }
    // A write must come from a page of one of these names.
    let seed = fixture_text(NAME);
    let (status, _, _) = http(
        &local,
        "PUT",
        "/api/report/copy.json",
        &[("Host", &local), ("Cookie", &cookie), ("Origin", "http://evil.example")],
        seed.as_bytes(),
    );
    assert_eq!(status, 403);
    let origin = format!("http://localhost:{port}");
    let (status, _, _) = http(
        &local,
        "PUT",
        "/api/report/copy.json",
        &[("Host", &format!("localhost:{port}")), ("Cookie", &cookie), ("Origin", &origin)],
        seed.as_bytes(),
    );
    assert_eq!(status, 200);
}

/// The CPU time a process has used, in seconds (`/proc/PID/stat`).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command's closing parenthesis: utime is the 12th,
    // stime the 13th, in clock ticks (100 a second on Linux).
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    (fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap()) / 100.0
}

/// A client that leaves while its PDF is being read stops the reading: a
/// PDF whose form XObjects draw each other 4 million times (under the
/// count refused before drawing) keeps the reader busy to its 10-second
/// limit; once the client has gone, the desk's CPU time stops growing,
/// and the desk answers as before.
#[test]
fn an_import_stops_when_its_client_leaves() {
    let dir = folder("desk-import-cancel");
    let desk = Desk::start(&dir);
    let pdf =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/slow-nested-xobjects.pdf")).unwrap();
    let mut client = TcpStream::connect(&desk.host).unwrap();
    let head = format!(
        "POST /api/import/slow.pdf HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nOrigin: http://{host}\r\nContent-Length: {}\r\n\r\n",
        pdf.len(),
        host = desk.host,
        cookie = desk.cookie()
    );
    client.write_all(head.as_bytes()).unwrap();
    client.write_all(&pdf).unwrap();
    // The reading is under way once the desk has spent half a second of
    // CPU on it (however busy the machine is).
    let start = cpu_seconds(desk.child.id());
    let began = Instant::now();
    while cpu_seconds(desk.child.id()) - start < 0.5 {
        assert!(began.elapsed() < Duration::from_secs(8), "the PDF is not being read");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(client);
    std::thread::sleep(Duration::from_millis(1000));
    let left = cpu_seconds(desk.child.id());
    std::thread::sleep(Duration::from_millis(2000));
    let after = cpu_seconds(desk.child.id()) - left;
    assert!(after < 0.3, "still reading for a client that left: {after:.2} s of CPU in 2 s");
    assert_eq!(desk.json("GET", "/api/reports", b"").0, 200);
}
