//! Who may do what, as a matrix: every endpoint of the office × every
//! role × their own agency or region or another's. A province has two
//! cities; the first has a county. Each of the county and the second city
//! has an agency with a writer; each city has a reviewer. Everyone tries
//! everything, by ids in the URL as a guesser would, and nothing denied
//! changes anything.

use serde_json::{json, Value};

use super::{init, report_text, Office};

/// Who is asking.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Actor {
    Nobody,
    Admin,
    /// Reviewer of city 1 (over the county: agency 1's report).
    Reviewer1,
    /// Reviewer of city 2 (agency 2's report).
    Reviewer2,
    Writer1,
    Writer2,
}

use Actor::*;

const EVERYONE: [Actor; 6] = [Nobody, Admin, Reviewer1, Reviewer2, Writer1, Writer2];

#[test]
fn every_endpoint_for_every_role_and_place() {
    let office = Office::start(&init("office-matrix"));
    let admin = office.admin();
    let province = office.region(&admin, None, "某省");
    let city1 = office.region(&admin, Some(province), "甲市");
    let county = office.region(&admin, Some(city1), "甲市乙县");
    let city2 = office.region(&admin, Some(province), "丙市");
    let a1 = office.roster(&admin, county, "乙县教育局\n".as_bytes())[0].1;
    let a2 = office.roster(&admin, city2, "丙市财政局\n".as_bytes())[0].1;
    let cookies = [
        (Nobody, String::new()),
        (Admin, admin.clone()),
        (Reviewer1, office.person(&admin, "rev1", "reviewer", Some(city1))),
        (Reviewer2, office.person(&admin, "rev2", "reviewer", Some(city2))),
        (Writer1, office.person(&admin, "w1", "writer", Some(a1))),
        (Writer2, office.person(&admin, "w2", "writer", Some(a2))),
    ];
    let cookie = |a: Actor| cookies.iter().find(|(b, _)| *b == a).map(|(_, c)| c.clone()).filter(|c| !c.is_empty());
    // Agency 1's report approved (its files frozen), agency 2's submitted.
    let (r1, v1) = office.write_report(&cookie(Writer1).unwrap(), "乙县教育局", 2024);
    assert_eq!(office.step(&cookie(Writer1).unwrap(), r1, "submit", v1).0, 200);
    assert_eq!(office.step(&cookie(Reviewer1).unwrap(), r1, "approve", v1).0, 200);
    let (r2, v2) = office.write_report(&cookie(Writer2).unwrap(), "丙市财政局", 2024);
    assert_eq!(office.step(&cookie(Writer2).unwrap(), r2, "submit", v2).0, 200);
    let unknown = r2 + 1000;
    // An account no actor uses, for the administrator's steps on accounts.
    office.person(&admin, "spare", "reviewer", Some(city2));
    let (_, accounts) = office.json(Some(&admin), "GET", "/api/office/accounts", &Value::Null);
    let spare = accounts.as_array().unwrap().iter().find(|a| a["account"]["login"] == json!("spare")).unwrap()
        ["account"]["id"]
        .as_i64()
        .unwrap();

    let readers1 = [Admin, Reviewer1, Writer1];
    let readers2 = [Admin, Reviewer2, Writer2];
    let overseers1 = [Admin, Reviewer1];
    let overseers2 = [Admin, Reviewer2];
    let signed_in = [Admin, Reviewer1, Reviewer2, Writer1, Writer2];
    let report = report_text("乙县教育局", 2024, |_| {});
    let comment = |v: i64| json!({ "version": v, "path": "/agency", "text": "请核对" }).to_string();
    // (method, path, body, who may): a request that changes something
    // names a version that is not the report's, so that those who may
    // get past who-may-do-this and are then refused for the version (409)
    // — nothing changes, whoever asks.
    let rows: Vec<(&str, String, String, Vec<Actor>)> = vec![
        ("GET", "/api/office/me".into(), String::new(), signed_in.to_vec()),
        ("GET", format!("/api/office/reports/{r1}"), String::new(), readers1.to_vec()),
        ("GET", format!("/api/office/reports/{r2}"), String::new(), readers2.to_vec()),
        ("GET", format!("/api/office/reports/{unknown}"), String::new(), vec![]),
        ("GET", format!("/api/office/reports/{r1}/versions/{v1}"), String::new(), readers1.to_vec()),
        ("GET", format!("/api/office/reports/{r2}/versions/{v2}"), String::new(), readers2.to_vec()),
        ("GET", format!("/api/office/reports?agency={a1}"), String::new(), readers1.to_vec()),
        ("GET", format!("/api/office/reports?agency={a2}"), String::new(), readers2.to_vec()),
        ("PUT", format!("/api/office/reports/{r1}?version=1"), report.clone(), vec![Writer1]),
        ("PUT", format!("/api/office/reports/{r2}?version=1"), report.clone(), vec![Writer2]),
        ("POST", format!("/api/office/reports/{r1}/submit?version=1"), String::new(), vec![Writer1]),
        ("POST", format!("/api/office/reports/{r2}/submit?version=1"), String::new(), vec![Writer2]),
        ("POST", format!("/api/office/reports/{r2}/return?version=1"), String::new(), overseers2.to_vec()),
        ("POST", format!("/api/office/reports/{r2}/approve?version=1"), String::new(), overseers2.to_vec()),
        ("POST", format!("/api/office/reports/{r1}/publish?version=1"), String::new(), overseers1.to_vec()),
        ("POST", format!("/api/office/reports/{r1}/comments"), comment(0), overseers1.to_vec()),
        ("POST", format!("/api/office/reports/{r2}/comments"), comment(0), overseers2.to_vec()),
        ("GET", format!("/api/office/reports/{r1}/files/pdf"), String::new(), readers1.to_vec()),
        ("GET", format!("/api/office/reports/{r1}/files/docx"), String::new(), readers1.to_vec()),
        ("GET", format!("/api/office/board?region={county}&year=2024"), String::new(), overseers1.to_vec()),
        ("GET", format!("/api/office/board?region={city2}&year=2024"), String::new(), overseers2.to_vec()),
        ("GET", format!("/api/office/board?region={province}&year=2024"), String::new(), vec![Admin]),
        ("GET", format!("/api/office/sum?region={city1}&year=2024"), String::new(), overseers1.to_vec()),
        ("GET", format!("/api/office/sum?region={city2}&year=2024"), String::new(), overseers2.to_vec()),
        ("GET", format!("/api/office/archive?region={county}&year=2024"), String::new(), overseers1.to_vec()),
        ("GET", format!("/api/office/archive?region={city2}&year=2024"), String::new(), overseers2.to_vec()),
        ("GET", format!("/api/office/chart?region={city1}"), String::new(), overseers1.to_vec()),
        ("GET", format!("/api/office/chart?region={city2}"), String::new(), overseers2.to_vec()),
        (
            "POST",
            format!("/api/office/past?region={county}&year=2024&file=x.txt"),
            "不是报告".into(),
            overseers1.to_vec(),
        ),
        (
            "POST",
            format!("/api/office/past?region={city2}&year=2024&file=x.txt"),
            "不是报告".into(),
            overseers2.to_vec(),
        ),
        ("GET", format!("/api/office/regions/{county}/agencies"), String::new(), overseers1.to_vec()),
        ("GET", format!("/api/office/regions/{city2}/agencies"), String::new(), overseers2.to_vec()),
        ("GET", "/api/office/regions".into(), String::new(), signed_in.to_vec()),
        ("POST", "/api/office/regions".into(), json!({ "parent": city2, "name": "试" }).to_string(), vec![Admin]),
        ("POST", format!("/api/office/regions/{city2}/roster"), "丙市财政局\n".into(), vec![Admin]),
        ("GET", "/api/office/accounts".into(), String::new(), vec![Admin]),
        (
            "POST",
            "/api/office/accounts".into(),
            json!({ "login": "admin", "name": "x", "role": "admin", "place": null }).to_string(),
            vec![Admin],
        ),
        ("POST", format!("/api/office/accounts/{spare}/stop"), String::new(), vec![Admin]),
        ("POST", format!("/api/office/accounts/{spare}/invite"), String::new(), vec![Admin]),
        // The writer's desk: each writer's own agency only.
        ("GET", "/api/reports".into(), String::new(), vec![Writer1, Writer2]),
        ("GET", "/api/report/2024.json".into(), String::new(), vec![Writer1, Writer2]),
        ("PUT", "/api/report/2024.json?version=1".into(), report.clone(), vec![Writer1, Writer2]),
        ("PUT", "/api/draft/2024.json?version=1".into(), report.clone(), vec![Writer1, Writer2]),
        ("POST", "/api/new".into(), json!({ "year": 2025 }).to_string(), vec![Writer1, Writer2]),
        // The text tools: anyone signed in.
        ("POST", "/api/check".into(), report.clone(), signed_in.to_vec()),
        ("POST", "/api/fill-totals".into(), report.clone(), signed_in.to_vec()),
    ];
    let before = snapshot(&office, &cookie(Admin).unwrap(), &[r1, r2]);
    let mut failures = Vec::new();
    for (method, path, body, allowed) in &rows {
        for actor in EVERYONE {
            let (status, _, answer) = office.call(cookie(actor).as_deref(), method, path, body.as_bytes());
            let answer = String::from_utf8_lossy(&answer);
            let denied = matches!(status, 401 | 403 | 404);
            let expected_denied = !allowed.contains(&actor);
            if denied != expected_denied {
                failures.push(format!("{actor:?} {method} {path}: {status} {answer:.120}"));
            }
            if expected_denied {
                // Nothing of another's report in a refusal.
                for secret in ["乙县教育局", "丙市财政局", "北关区"] {
                    if answer.contains(secret) {
                        failures.push(format!("{actor:?} {method} {path}: the refusal tells {secret}"));
                    }
                }
                if actor == Nobody && status != 401 {
                    failures.push(format!("{method} {path} without signing in: {status}, not 401"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cells wrong:\n{}", failures.len(), rows.len() * 6, failures.join("\n"));
    assert_eq!(snapshot(&office, &cookie(Admin).unwrap(), &[r1, r2]), before, "nothing denied changed anything");

    // A writer's desk lists their own agency's report, never another's.
    let (_, mine) = office.json(cookie(Writer2).as_deref(), "GET", "/api/report/2024.json", &Value::Null);
    assert!(mine["text"].as_str().unwrap().contains("丙市财政局"), "{mine}");
    // A reviewer's region list holds their region and those below, not
    // their neighbour's.
    let (_, regions) = office.json(cookie(Reviewer1).as_deref(), "GET", "/api/office/regions", &Value::Null);
    let names: Vec<&str> = regions.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["甲市", "甲市乙县"]);
}

/// What every report is at: state, version, comments.
fn snapshot(office: &Office, admin: &str, ids: &[i64]) -> Vec<Value> {
    ids.iter()
        .map(|id| {
            let (_, r) = office.json(Some(admin), "GET", &format!("/api/office/reports/{id}"), &Value::Null);
            json!([r["state"], r["version"], r["comments"], r["history"].as_array().map(Vec::len)])
        })
        .collect()
}
