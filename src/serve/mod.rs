//! The writer's desk: a local web form for the reports of a folder, with
//! the checks at each cell as the writer types and the official pages
//! beside it (`nianbao serve`).
//!
//! Safe by default: it listens on loopback; every request carries the
//! per-run token (in the URL it prints, then as an `HttpOnly`,
//! `SameSite=Strict` cookie); a `Host` other than the listening address is
//! refused (DNS rebinding), as is a state-changing request from another
//! `Origin`; bodies are limited to the contract's 2 MiB; only plain
//! `*.json` names in the folder can be read or written.

mod desk;

pub use desk::{check, new_report, preview, save, Checked, SaveError};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::fonts::Fonts;
use crate::form::Version;
use crate::format::Format;
use crate::import::{self, Source};
use crate::model::limits::MAX_INPUT_BYTES;
use crate::pipeline::{self, Plan, Stop, Verdict};
use crate::render::Rendered;
use crate::write;

const INDEX: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");
const COOKIE: &str = "nianbao_token";

/// Where and what to serve.
pub struct Config {
    pub dir: PathBuf,
    pub listen: SocketAddr,
}

/// Why the desk could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("文件夹 {0} 不存在或不是文件夹")]
    Dir(String),
    #[error("无法在 {0} 上监听：{1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("服务出错：{0}")]
    Io(#[from] std::io::Error),
}

struct Desk {
    dir: PathBuf,
    token: String,
    /// The `host:port` requests must name.
    hosts: Vec<String>,
    origins: Vec<String>,
    fonts: Arc<Fonts>,
}

/// A random token: 128 bits from the standard library's OS-seeded hasher
/// keys (no extra dependency for a per-run secret).
fn token() -> String {
    use std::hash::{BuildHasher, Hasher};
    (0..2)
        .map(|i| {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(i);
            h.write_u128(
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos(),
            );
            format!("{:016x}", h.finish())
        })
        .collect()
}

/// Binds, then calls `ready` with the URL to open (token included), then
/// serves until Ctrl-C.
pub fn run(options: Config, fonts: Arc<Fonts>, ready: impl FnOnce(&str)) -> Result<(), ServeError> {
    let dir = options.dir.canonicalize().map_err(|_| ServeError::Dir(options.dir.display().to_string()))?;
    if !dir.is_dir() {
        return Err(ServeError::Dir(dir.display().to_string()));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(options.listen).await.map_err(|e| ServeError::Listen(options.listen, e))?;
        let addr = listener.local_addr()?;
        let mut hosts = vec![addr.to_string()];
        if addr.ip().is_loopback() {
            hosts.push(format!("localhost:{}", addr.port()));
        }
        let origins = hosts.iter().map(|h| format!("http://{h}")).collect();
        let desk = Arc::new(Desk { dir, token: token(), hosts, origins, fonts });
        let url = format!("http://{addr}/?token={}", desk.token);
        ready(&url);
        axum::serve(listener, router(desk))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}

fn router(desk: Arc<Desk>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/app.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], APP_JS) }))
        .route("/assets/app.css", get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS) }))
        .route("/api/reports", get(reports))
        .route("/api/report/{name}", get(open).put(save_report))
        .route("/api/draft/{name}", put(save_draft))
        .route("/api/check", post(check_text))
        .route("/api/preview", post(preview_text))
        .route("/api/new", post(new))
        .route("/api/export/{format}", post(export))
        .route("/api/import/{file}", post(import_file))
        .layer(DefaultBodyLimit::max(MAX_INPUT_BYTES))
        .layer(middleware::from_fn_with_state(desk.clone(), guard))
        .with_state(desk)
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|c| c.trim().strip_prefix(&format!("{COOKIE}=")).map(str::to_string))
}

/// Host, token and origin, before anything else.
async fn guard(State(desk): State<Arc<Desk>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !desk.hosts.iter().any(|h| h == host) {
        return refuse(StatusCode::FORBIDDEN, format!("请求的主机名“{host}”不是本服务的地址"));
    }
    let query_token =
        request.uri().query().and_then(|q| q.split('&').find_map(|p| p.strip_prefix("token=")).map(str::to_string));
    let cookie_ok = cookie_token(headers).is_some_and(|t| t == desk.token);
    // The first visit: the token in the URL becomes a cookie, and the
    // address bar loses it.
    if request.method() == Method::GET && request.uri().path() == "/" && query_token.as_deref() == Some(&desk.token) {
        let mut response = Redirect::to("/").into_response();
        let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", desk.token);
        response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ASCII cookie"));
        return response;
    }
    if !cookie_ok {
        return refuse(StatusCode::FORBIDDEN, "缺少或带错了访问令牌：请打开 nianbao serve 启动时打印的网址");
    }
    if request.method() != Method::GET {
        let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()).unwrap_or("");
        if !desk.origins.iter().any(|o| o == origin) {
            return refuse(StatusCode::FORBIDDEN, format!("来源“{origin}”不是本服务的页面"));
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; frame-ancestors 'none'",
        ),
    );
    response
}

async fn index() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX)
}

async fn reports(State(desk): State<Arc<Desk>>) -> Response {
    let dir = desk.dir.clone();
    match tokio::task::spawn_blocking(move || desk::list(&dir)).await {
        Ok(Ok(list)) => Json(list).into_response(),
        _ => refuse(StatusCode::INTERNAL_SERVER_ERROR, "无法读取文件夹"),
    }
}

/// A request body as text; `None` (answered 400) when it is not UTF-8.
fn text_of(body: &Bytes) -> Option<String> {
    std::str::from_utf8(body).ok().map(str::to_string)
}

fn not_text() -> Response {
    refuse(StatusCode::BAD_REQUEST, "内容不是 UTF-8 文本")
}

async fn open(State(desk): State<Arc<Desk>>, Path(name): Path<String>) -> Response {
    let Some(path) = desk::report_path(&desk.dir, &name) else {
        return refuse(StatusCode::BAD_REQUEST, SaveError::Name.to_string());
    };
    let Ok(bytes) = std::fs::read(&path) else {
        return refuse(StatusCode::NOT_FOUND, format!("没有 {name}"));
    };
    let draft = desk::draft_path(&desk.dir, &name).and_then(|d| std::fs::read_to_string(d).ok());
    Json(json!({
        "name": name,
        "text": String::from_utf8_lossy(&bytes),
        "version": desk::version(&bytes),
        "draft": draft,
    }))
    .into_response()
}

#[derive(Deserialize)]
struct SaveQuery {
    version: Option<String>,
}

async fn save_report(
    State(desk): State<Arc<Desk>>,
    Path(name): Path<String>,
    Query(q): Query<SaveQuery>,
    body: Bytes,
) -> Response {
    let Some(text) = text_of(&body) else {
        return not_text();
    };
    let dir = desk.dir.clone();
    let saved = tokio::task::spawn_blocking(move || save(&dir, &name, &text, q.version.as_deref())).await;
    match saved {
        Ok(Ok(version)) => Json(json!({ "version": version })).into_response(),
        Ok(Err(e @ (SaveError::Changed | SaveError::Exists))) => refuse(StatusCode::CONFLICT, e.to_string()),
        Ok(Err(e @ SaveError::Io(_))) => refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Ok(Err(e)) => refuse(StatusCode::BAD_REQUEST, e.to_string()),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "保存失败"),
    }
}

async fn save_draft(State(desk): State<Arc<Desk>>, Path(name): Path<String>, body: Bytes) -> Response {
    let Some(path) = desk::draft_path(&desk.dir, &name) else {
        return refuse(StatusCode::BAD_REQUEST, SaveError::Name.to_string());
    };
    match write::write_atomic(&path, &body) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("草稿无法写入：{e}")),
    }
}

async fn check_text(State(desk): State<Arc<Desk>>, body: Bytes) -> Response {
    let Some(text) = text_of(&body) else {
        return not_text();
    };
    let fonts = desk.fonts.clone();
    match tokio::task::spawn_blocking(move || check(&text, &fonts)).await {
        Ok(Ok(checked)) => Json(checked).into_response(),
        Ok(Err(invalid)) => (StatusCode::UNPROCESSABLE_ENTITY, Json(invalid)).into_response(),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "检查失败"),
    }
}

#[derive(Deserialize)]
struct PreviewQuery {
    focus: Option<String>,
}

async fn preview_text(State(desk): State<Arc<Desk>>, Query(q): Query<PreviewQuery>, body: Bytes) -> Response {
    let Some(text) = text_of(&body) else {
        return not_text();
    };
    let fonts = desk.fonts.clone();
    let done = tokio::task::spawn_blocking(move || {
        let out = preview(&text, q.focus.as_deref(), &fonts);
        // Keep recent memo entries (the next edit reuses them), so memory
        // stays flat over a long session.
        typst::comemo::evict(10);
        out
    })
    .await;
    match done {
        Ok(Ok((pages, focus))) => Json(json!({ "pages": pages, "focus": focus })).into_response(),
        Ok(Err(e)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, e),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "预览失败"),
    }
}

#[derive(Deserialize)]
struct NewReport {
    agency: String,
    year: i64,
    format: Option<String>,
    /// Last year's report of the same agency, by file name.
    from: Option<String>,
}

async fn new(State(desk): State<Arc<Desk>>, body: Bytes) -> Response {
    let n: NewReport = match serde_json::from_slice(&body) {
        Ok(n) => n,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, format!("新建报告的请求读不懂：{e}")),
    };
    let format = match n.format.as_deref() {
        None | Some("") => Version::for_year(n.year),
        Some(f) => match Version::parse(f) {
            Some(v) => v,
            None => return refuse(StatusCode::BAD_REQUEST, format!("模板版本只能是 2019 或 2021，不是“{f}”")),
        },
    };
    let last = match n.from.as_deref().filter(|f| !f.is_empty()) {
        None => None,
        Some(from) => {
            let Some(path) = desk::report_path(&desk.dir, from) else {
                return refuse(StatusCode::BAD_REQUEST, SaveError::Name.to_string());
            };
            match std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| crate::model::parse_bytes(&b).map_err(|e| e.to_string()))
            {
                Ok(r) => Some(r),
                Err(e) => return refuse(StatusCode::BAD_REQUEST, format!("{from} 读不了：{e}")),
            }
        }
    };
    let report = new_report(n.agency.trim(), n.year, format, last.as_ref());
    Json(json!({ "text": serde_json::to_string_pretty(&report).expect("JSON serializes") })).into_response()
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    allow_inconsistent: bool,
}

async fn export(
    State(desk): State<Arc<Desk>>,
    Path(format): Path<String>,
    Query(q): Query<ExportQuery>,
    body: Bytes,
) -> Response {
    let format = match format.as_str() {
        "pdf" => Format::Pdf,
        "docx" => Format::Docx,
        "json" => Format::Json,
        other => return refuse(StatusCode::BAD_REQUEST, format!("不能下载“{other}”格式")),
    };
    let Some(text) = text_of(&body) else {
        return not_text();
    };
    let fonts = desk.fonts.clone();
    let done = tokio::task::spawn_blocking(move || {
        let plan = Plan { formats: vec![format], allow_inconsistent: q.allow_inconsistent, ..Plan::default() };
        let outcome = pipeline::run(text.as_bytes(), Source::Json, &plan, &fonts);
        typst::comemo::evict(10);
        outcome.outputs.map(|mut outputs| outputs.pop().map(|(_, rendered)| rendered))
    })
    .await;
    match done {
        Ok(Ok(Some(Rendered::File(bytes)))) => ([(header::CONTENT_TYPE, format.mime())], bytes).into_response(),
        Ok(Ok(_)) => refuse(StatusCode::BAD_REQUEST, "文件夹不能下载"),
        Ok(Err(stop @ Stop::Refused(_))) => refuse(StatusCode::CONFLICT, stop.to_string()),
        Ok(Err(stop)) if stop.verdict() == Verdict::Refused => {
            refuse(StatusCode::UNPROCESSABLE_ENTITY, stop.to_string())
        }
        Ok(Err(stop)) => refuse(StatusCode::INTERNAL_SERVER_ERROR, stop.to_string()),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "生成失败"),
    }
}

async fn import_file(Path(file): Path<String>, body: Bytes) -> Response {
    let source = Source::of(std::path::Path::new(&file));
    let done = tokio::task::spawn_blocking(move || import::read(&body, source)).await;
    match done {
        Ok(Ok(imported)) => {
            Json(json!({ "text": crate::model::to_json_text(&imported.report), "reader": source.name() }))
                .into_response()
        }
        Ok(Err(e)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, format!("{file}：{e}")),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "导入失败"),
    }
}
