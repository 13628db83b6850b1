//! The writer's desk: a local web form for the reports of a folder, with
//! the checks at each cell as the writer types and the official pages
//! beside it (`nianbao serve`).
//!
//! Safe by default: it listens on loopback; every request carries the
//! per-run token (128 bits from the operating system's random source, in
//! the URL it prints, then as an `HttpOnly`, `SameSite=Strict` cookie); a
//! `Host` other than the listening address is refused (DNS rebinding), as
//! is a state-changing request from another `Origin`; bodies are limited
//! to the contract's 2 MiB; only regular files with plain `*.json` names
//! directly in the folder are listed, read or written — never through a
//! symbolic link, never a FIFO or a device, never one over the limit.
//!
//! How it is built: the handlers here only take the request apart
//! (`extract.rs`: body, text, JSON body, address values, each refused as
//! a [`DeskError`] that says where) and answer; what they do is in
//! `desk.rs` as functions of plain arguments. Everything that touches a
//! file or typesets runs on the blocking pool (`blocking`, one helper),
//! never on the runtime's threads. Every error, whatever the endpoint, is
//! one [`DeskError`], answered as `{"error", "path", "line"}` JSON. The
//! page (`assets/`) holds no official wording: headings come with each
//! check ([`FormPart`]), labels with the layout's grids, and totals are filled
//! by the server ([`crate::model::fill_totals`]).

mod desk;
mod error;
mod extract;

pub use desk::{
    check, create, export, fill_totals, import, list, new_report, open, parts, preview, preview_pages, save,
    save_draft, ExportFormat, FormFinding, FormPart, FormPartKind, FormState, Held, Listed, Opened, PageRange, Preview,
    PreviewPage, Writing, PREVIEW_PAGES,
};
pub use error::DeskError;
pub use extract::{json_body, Body, JsonBody, Param, Params, Text};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::fonts::Fonts;
use crate::model::limits::MAX_INPUT_BYTES;

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
    /// The reports being saved or drafted, each held by one writer at a
    /// time.
    writing: Writing,
}

/// A per-run token: 128 bits from the operating system's random source,
/// in hex.
fn token() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(format!("系统随机数不可用：{e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Runs `f` on the blocking pool: file I/O and typesetting never hold the
/// runtime's threads. A task that panicked is an internal error.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DeskError> + Send + 'static,
) -> Result<T, DeskError> {
    tokio::task::spawn_blocking(f).await?
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
        let desk = Arc::new(Desk { dir, token: token()?, hosts, origins, fonts, writing: Writing::default() });
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
        .route("/api/reports", get(list_reports))
        .route("/api/report/{name}", get(open_report).put(save_report))
        .route("/api/draft/{name}", put(save_draft_of))
        .route("/api/check", post(check_text))
        .route("/api/preview", post(preview_text))
        .route("/api/fill-totals", post(fill_totals_of))
        .route("/api/new", post(new))
        .route("/api/export/{format}", post(export_as))
        .route("/api/import/{file}", post(import_file))
        .layer(DefaultBodyLimit::max(MAX_INPUT_BYTES))
        .layer(middleware::from_fn_with_state(desk.clone(), guard))
        .with_state(desk)
}

/// A request the guard turns away.
fn refuse(message: impl Into<String>) -> Response {
    DeskError::Forbidden(message.into()).into_response()
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
        return refuse(format!("请求的主机名“{host}”不是本服务的地址"));
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
        return refuse("缺少或带错了访问令牌：请打开 nianbao serve 启动时打印的网址");
    }
    if request.method() != Method::GET {
        let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()).unwrap_or("");
        if !desk.origins.iter().any(|o| o == origin) {
            return refuse(format!("来源“{origin}”不是本服务的页面"));
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

async fn list_reports(State(desk): State<Arc<Desk>>) -> Result<Json<Vec<Listed>>, DeskError> {
    let dir = desk.dir.clone();
    blocking(move || list(&dir)).await.map(Json)
}

async fn open_report(State(desk): State<Arc<Desk>>, Param(name): Param<String>) -> Result<Json<Opened>, DeskError> {
    blocking(move || open(&desk.dir, &name)).await.map(Json)
}

/// The version of the file the page has, if any.
#[derive(Deserialize)]
struct At {
    version: Option<String>,
}

async fn save_report(
    State(desk): State<Arc<Desk>>,
    Param(name): Param<String>,
    Params(at): Params<At>,
    Text(text): Text,
) -> Result<Json<serde_json::Value>, DeskError> {
    let version = blocking(move || save(&desk.dir, &desk.writing, &name, &text, at.version.as_deref())).await?;
    Ok(Json(json!({ "version": version })))
}

async fn save_draft_of(
    State(desk): State<Arc<Desk>>,
    Param(name): Param<String>,
    Params(at): Params<At>,
    Text(text): Text,
) -> Result<StatusCode, DeskError> {
    blocking(move || save_draft(&desk.dir, &desk.writing, &name, &text, at.version.as_deref())).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn check_text(State(desk): State<Arc<Desk>>, Text(text): Text) -> Result<Json<FormState>, DeskError> {
    blocking(move || check(&text, &desk.fonts)).await.map(Json)
}

#[derive(Deserialize)]
struct PreviewQuery {
    focus: Option<String>,
    from: Option<usize>,
    to: Option<usize>,
}

/// A window of the pages: around the focus, or the range asked, or the
/// first ones; with the number of pages.
async fn preview_text(
    State(desk): State<Arc<Desk>>,
    Params(q): Params<PreviewQuery>,
    Text(text): Text,
) -> Result<Json<Preview>, DeskError> {
    blocking(move || {
        let out = preview_pages(&text, q.focus.as_deref(), PageRange { from: q.from, to: q.to }, &desk.fonts);
        // Keep recent memo entries (the next edit reuses them), so memory
        // stays flat over a long session.
        typst::comemo::evict(10);
        out
    })
    .await
    .map(Json)
}

/// The report with its blank totals filled, as canonical JSON.
async fn fill_totals_of(Text(text): Text) -> Result<Response, DeskError> {
    let filled = blocking(move || fill_totals(&text)).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], filled).into_response())
}

/// What the new-report form sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewReport {
    agency: String,
    year: i64,
    /// `2019`, `2021`, or blank for the year's template.
    format: Option<String>,
    /// Last year's report of the same agency, by file name.
    from: Option<String>,
}

async fn new(
    State(desk): State<Arc<Desk>>,
    JsonBody(n): JsonBody<NewReport>,
) -> Result<Json<serde_json::Value>, DeskError> {
    let text = blocking(move || create(&desk.dir, &n.agency, n.year, n.format.as_deref(), n.from.as_deref())).await?;
    Ok(Json(json!({ "text": text })))
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    allow_inconsistent: bool,
}

async fn export_as(
    State(desk): State<Arc<Desk>>,
    Param(format): Param<ExportFormat>,
    Params(q): Params<ExportQuery>,
    Text(text): Text,
) -> Result<Response, DeskError> {
    let (mime, bytes) = blocking(move || export(&text, format, q.allow_inconsistent, &desk.fonts)).await?;
    Ok(([(header::CONTENT_TYPE, mime)], bytes).into_response())
}

async fn import_file(Param(file): Param<String>, Body(body): Body) -> Result<Json<serde_json::Value>, DeskError> {
    let (text, reader) = blocking(move || import(&file, &body)).await?;
    Ok(Json(json!({ "text": text, "reader": reader })))
}
