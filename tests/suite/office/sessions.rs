//! Signing in and out: Argon2id in the database, cookies `HttpOnly` and
//! `SameSite=Strict` (and `Secure`, `__Host-`, behind https), a fresh
//! session at every sign-in, sign-out and idleness ending it, sign-ins
//! limited per account and per address, one-time invitations, `Host` and
//! `Origin` checked, a strict content security policy on every answer.

use serde_json::{json, Value};

use super::{init, session_cookie, Office, ADMIN_PASSWORD};
use crate::serve::http;

#[test]
fn sessions_cookies_and_sign_in() {
    let office = Office::start(&init("office-sessions"));
    let login = |login: &str, password: &str, cookie: Option<&str>| {
        let body = json!({ "login": login, "password": password }).to_string();
        office.call(cookie, "POST", "/api/office/login", body.as_bytes())
    };
    let (status, head, _) = login("admin", ADMIN_PASSWORD, None);
    assert_eq!(status, 200);
    let lower = head.to_ascii_lowercase();
    assert!(
        lower.contains("set-cookie: nianbao_office=")
            && lower.contains("httponly")
            && lower.contains("samesite=strict"),
        "{head}"
    );
    assert!(!lower.contains("secure"), "plain http: not Secure (the browser would drop it)");
    let first = session_cookie(&head).unwrap();
    assert_eq!(first.len(), "nianbao_office=".len() + 64, "256 bits: {first}");

    // Signing in again with the old session: a new id, the old one ended.
    let (_, head, _) = login("admin", ADMIN_PASSWORD, Some(&first));
    let second = session_cookie(&head).unwrap();
    assert_ne!(first, second);
    assert_eq!(office.json(Some(&first), "GET", "/api/office/me", &Value::Null).0, 401);
    assert_eq!(office.json(Some(&second), "GET", "/api/office/me", &Value::Null).0, 200);

    // The database keeps the password as Argon2id and the session as a hash.
    let db = std::fs::read(&office.db).unwrap();
    let text = String::from_utf8_lossy(&db);
    assert!(text.contains("$argon2id$v=19$"), "an Argon2id hash");
    assert!(!text.contains(ADMIN_PASSWORD) && !text.contains(&second["nianbao_office=".len()..]), "no secret in clear");

    // Signing out ends the session on the server, whatever the browser keeps.
    let (status, head, _) = office.call(Some(&second), "POST", "/api/office/logout", b"");
    assert_eq!(status, 204);
    assert!(head.to_ascii_lowercase().contains("max-age=0"), "{head}");
    assert_eq!(office.json(Some(&second), "GET", "/api/office/me", &Value::Null).0, 401);

    // Wrong passwords: five are let through, then even the right one
    // waits — also when the guesses come all at once.
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let guesses: Vec<_> = (0..8).map(|_| s.spawn(|| login("admin", "wrong password!", None).0)).collect();
        guesses.into_iter().map(|g| g.join().unwrap()).collect()
    });
    assert_eq!(statuses.iter().filter(|&&s| s == 401).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 429).count(), 3, "{statuses:?}");
    let (status, _, body) = login("admin", ADMIN_PASSWORD, None);
    assert_eq!(status, 429, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("分钟后再试"));
    // An unknown account is refused in the same words as a wrong password.
    let (status, _, body) = login("nobody", "whatever it is", None);
    assert_eq!(status, 401);
    assert!(String::from_utf8_lossy(&body).contains("账号或密码不对"));
    // One address trying many accounts is stopped too: 20 failures in 15
    // minutes (6 so far; the refused ones do not count).
    for i in 0..14 {
        assert_eq!(login(&format!("guess{i}"), "wrong password!", None).0, 401, "guess {i}");
    }
    assert_eq!(login("guess-next", "wrong password!", None).0, 429);

    // Host and Origin.
    let (status, _, _) = http(&office.host, "GET", "/login", &[("Host", "evil.example:80")], b"");
    assert_eq!(status, 403, "DNS rebinding: another Host");
    let (status, _, _) = http(
        &office.host,
        "POST",
        "/api/office/login",
        &[("Host", &office.host), ("Origin", "http://evil.example")],
        json!({ "login": "admin", "password": ADMIN_PASSWORD }).to_string().as_bytes(),
    );
    assert_eq!(status, 403, "a write from another Origin");
    let (status, _, _) = http(&office.host, "POST", "/api/office/logout", &[("Host", &office.host)], b"");
    assert_eq!(status, 403, "a write without Origin");

    // Every page: a strict CSP, no framing, no referrer (invitation links).
    for page in ["/login", "/board", "/admin", "/desk", "/invite/00", "/assets/office.js", "/assets/common.js"] {
        let (status, head, _) = office.call(None, "GET", page, b"");
        let head = head.to_ascii_lowercase();
        assert_eq!(status, 200, "{page}");
        assert!(
            head.contains("content-security-policy: default-src 'none'; script-src 'self'; style-src 'self'"),
            "{page}: {head}"
        );
        assert!(head.contains("frame-ancestors 'none'") && head.contains("referrer-policy: no-referrer"), "{page}");
    }
}

#[test]
fn invitations_idle_sessions_and_https() {
    let db = init("office-invitations");
    // Sessions idle for more than two seconds end.
    let office = Office::start_with(
        &db,
        &["--public-url", "https://gongkai.example.gov.cn"],
        &[("NIANBAO_OFFICE_IDLE_SECS", "2")],
    );
    let (status, _, _) = office.call(
        None,
        "POST",
        "/api/office/login",
        json!({ "login": "admin", "password": ADMIN_PASSWORD }).to_string().as_bytes(),
    );
    // Behind https the page's Origin is the public one; the listening
    // address is still accepted as Host (the proxy's), not as Origin.
    assert_eq!(status, 403, "an http Origin when the public address is https");
    let public = [("Host", "gongkai.example.gov.cn"), ("Origin", "https://gongkai.example.gov.cn")];
    let body = json!({ "login": "admin", "password": ADMIN_PASSWORD }).to_string();
    let (status, head, _) = http(&office.host, "POST", "/api/office/login", &public, body.as_bytes());
    assert_eq!(status, 200, "{head}");
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("set-cookie: __host-nianbao_office=") && lower.contains("; secure"), "{head}");
    let cookie = session_cookie(&head).unwrap();
    let with = |c: &str, method: &str, path: &str, body: &[u8]| {
        let mut headers = public.to_vec();
        headers.push(("Cookie", c));
        http(&office.host, method, path, &headers, body)
    };
    let (status, _, _) = with(&cookie, "GET", "/api/office/me", b"");
    assert_eq!(status, 200);

    // An invitation: its link names the public address, it works once.
    let region = {
        let (_, _, body) =
            with(&cookie, "POST", "/api/office/regions", json!({ "name": "某县" }).to_string().as_bytes());
        serde_json::from_slice::<Value>(&body).unwrap()["id"].as_i64().unwrap()
    };
    let (status, _, body) = with(
        &cookie,
        "POST",
        "/api/office/accounts",
        json!({ "login": "li", "name": "李四", "role": "reviewer", "place": region }).to_string().as_bytes(),
    );
    assert_eq!(status, 201);
    let link = serde_json::from_slice::<Value>(&body).unwrap()["invitation"].as_str().unwrap().to_string();
    assert!(link.starts_with("https://gongkai.example.gov.cn/invite/"), "{link}");
    let secret = link.rsplit('/').next().unwrap();
    let accept = |password: &str| {
        let body = json!({ "secret": secret, "password": password }).to_string();
        http(&office.host, "POST", "/api/office/invitation", &public, body.as_bytes())
    };
    let (status, _, body) = accept("short");
    assert_eq!(status, 400, "a password under 10 characters");
    assert!(String::from_utf8_lossy(&body).contains("至少要 10 个字符"));
    assert_eq!(accept("long enough password").0, 200);
    let (status, _, body) = accept("another long password");
    assert_eq!(status, 403, "used once");
    assert!(String::from_utf8_lossy(&body).contains("已经用过或已过期"));

    // Idle past the limit: signed out.
    std::thread::sleep(std::time::Duration::from_millis(3500));
    let (status, _, _) = with(&cookie, "GET", "/api/office/me", b"");
    assert_eq!(status, 401, "an idle session ends");
}

/// An administrator stops an account (its sessions end at once, it signs
/// in no more) and invites it anew (a forgotten password: the old one
/// stops working, the new link sets another); never their own.
#[test]
fn accounts_are_stopped_and_invited_anew() {
    let office = Office::start(&init("office-stop"));
    let admin = office.admin();
    let region = office.region(&admin, None, "某县");
    let reviewer = office.person(&admin, "li", "reviewer", Some(region));
    let (_, list) = office.json(Some(&admin), "GET", "/api/office/accounts", &Value::Null);
    let id = |login: &str| {
        list.as_array().unwrap().iter().find(|a| a["account"]["login"] == json!(login)).unwrap()["account"]["id"]
            .as_i64()
            .unwrap()
    };
    let (li, me) = (id("li"), id("admin"));
    let act = |who: i64, action: &str| {
        office.json(Some(&admin), "POST", &format!("/api/office/accounts/{who}/{action}"), &Value::Null)
    };

    assert_eq!(act(li, "stop").0, 200);
    assert_eq!(office.json(Some(&reviewer), "GET", "/api/office/me", &Value::Null).0, 401, "its session ended");
    let body = json!({ "login": "li", "password": "li password" }).to_string();
    assert_eq!(office.call(None, "POST", "/api/office/login", body.as_bytes()).0, 401, "it signs in no more");
    assert_eq!(act(li, "start").0, 200);
    let again = office.login("li", "li password");

    let (status, invited) = act(li, "invite");
    assert_eq!(status, 200, "{invited}");
    assert_eq!(office.json(Some(&again), "GET", "/api/office/me", &Value::Null).0, 401, "its sessions end");
    assert_eq!(office.call(None, "POST", "/api/office/login", body.as_bytes()).0, 401, "the old password is void");
    let secret = invited["invitation"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let accept = json!({ "secret": secret, "password": "new li password" }).to_string();
    assert_eq!(office.call(None, "POST", "/api/office/invitation", accept.as_bytes()).0, 200);
    office.login("li", "new li password");

    let (status, body) = act(me, "stop");
    assert_eq!(status, 409, "never one's own: {body}");
    assert_eq!(act(li + 100, "stop").0, 404);
}
