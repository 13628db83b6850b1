//! Every acknowledged save survives `kill -9`: a writer saves in a loop
//! while the office is killed at random moments and restarted on the same
//! file; afterwards every version the office answered for is there, with
//! the text that was sent, in order.

use serde_json::{json, Value};

use super::{init, report_text, Office};

#[test]
fn acknowledged_saves_survive_kill_9() {
    let db = init("office-crash");
    let mut office = Office::start(&db);
    let admin = office.admin();
    let region = office.region(&admin, None, "某县");
    let agency = office.roster(&admin, region, "某县水利局\n".as_bytes())[0].1;
    let writer = office.person(&admin, "writer", "writer", Some(agency));
    let (id, mut head) = office.write_report(&writer, "某县水利局", 2024);

    // Pseudo-random kill moments, the same every run.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut acknowledged: Vec<(i64, String)> = Vec::new();
    let mut sent = 0;
    for round in 0..6 {
        // Saves go on from another thread until the office dies.
        let host = office.host.clone();
        let (cookie, from) = (writer.clone(), head);
        let first = sent;
        let saver = std::thread::spawn(move || {
            let mut done = Vec::new();
            let mut from = from;
            for n in first.. {
                let marker = format!("第 {n} 次保存。");
                let text = report_text("某县水利局", 2024, |r| r["overview"] = json!([marker.clone()]));
                let origin = format!("http://{host}");
                let headers = [("Host", host.as_str()), ("Origin", origin.as_str()), ("Cookie", cookie.as_str())];
                let Some((status, body)) = try_http(
                    &host,
                    "PUT",
                    &format!("/api/office/reports/{id}?version={from}"),
                    &headers,
                    text.as_bytes(),
                ) else {
                    return (done, n + 1);
                };
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                from = serde_json::from_slice::<Value>(&body).unwrap()["version"].as_i64().unwrap();
                done.push((from, marker));
            }
            unreachable!()
        });
        std::thread::sleep(std::time::Duration::from_millis(100 + next() % 400));
        // SIGKILL: no chance to flush or finish anything.
        unsafe { libc::kill(office.child.id() as i32, libc::SIGKILL) };
        let _ = office.child.wait();
        let (done, tried) = saver.join().unwrap();
        sent = tried;
        assert!(!done.is_empty() || round > 0, "saves went through before the kill");
        acknowledged.extend(done);
        office = Office::start(&db);
        // The session lives in the database: it outlives the process.
        let (status, opened) = office.json(Some(&writer), "GET", &format!("/api/office/reports/{id}"), &Value::Null);
        assert_eq!(status, 200, "{opened}");
        head = opened["version"].as_i64().unwrap();
        if let Some((last, _)) = acknowledged.last() {
            assert!(head >= *last, "the last acknowledged version {last} is there (head {head})");
        }
    }
    assert!(acknowledged.len() >= 6, "only {} saves acknowledged", acknowledged.len());
    for (version, marker) in &acknowledged {
        let (status, found) =
            office.json(Some(&writer), "GET", &format!("/api/office/reports/{id}/versions/{version}"), &Value::Null);
        assert_eq!(status, 200, "acknowledged version {version} is lost");
        assert!(found["body"].as_str().unwrap().contains(marker.as_str()), "version {version} holds what was sent");
    }
    let (_, opened) = office.json(Some(&writer), "GET", &format!("/api/office/reports/{id}"), &Value::Null);
    let history = opened["history"].as_array().unwrap();
    let parents_chain = history.windows(2).all(|w| w[1]["parent"] == w[0]["id"]);
    assert!(parents_chain, "each version follows the one before");
    eprintln!("{} saves acknowledged across 6 kills; {} versions stored", acknowledged.len(), history.len());
}

/// One request that may find the server gone: `None` when the connection
/// fails or breaks before a whole answer.
fn try_http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Option<(u16, Vec<u8>)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).ok()?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().ok()))??;
    let body = response[split + 4..].to_vec();
    (body.len() == length).then_some((status, body))
}
