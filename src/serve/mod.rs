//! The writer's desk: a local web form for the reports of a folder, with
//! the checks at each cell as the writer types and the official pages
//! beside it (`nianbao serve`).
//!
//! Safe by default: it listens on loopback; every request carries the
//! per-run token (128 bits from the operating system's random source, in
//! the URL it prints, then as an `HttpOnly`, `SameSite=Strict` cookie
//! named for the desk's port, so that two desks work side by side in one
//! browser); the browser is opened on a one-time address that holds no
//! token (the token never stands in a process's arguments); a `Host`
//! other than the addresses the desk is reached by is refused (DNS
//! rebinding), as is a state-changing request from another `Origin`;
//! bodies are limited to the contract's 2 MiB and must arrive in time, as
//! must a request's head; only regular files with plain `*.json` names
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
//! by the server ([`crate::model::fill_totals`]). Connections are served
//! by hyper's HTTP/1 directly (`serve`), with a timeout on each request's
//! head and the address each request arrived at.

mod desk;
mod error;
mod extract;
pub(crate) mod http;
pub(crate) mod tools;

pub use desk::{
    check, create, edited, export, import, list, open, parts, preview, preview_pages, save, save_draft, template,
    ExportFormat, FormFinding, FormPart, FormPartKind, FormState, Held, Listed, Opened, PageRange, Preview,
    PreviewPage, Writing, PREVIEW_PAGES,
};
pub use error::DeskError;
pub use extract::{json_body, Body, BodyTimeout, JsonBody, Param, Params, Text};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::fonts::Fonts;
use crate::model::limits::MAX_INPUT_BYTES;
use http::{blocking, cookie, same, serve, Arrived, Names, Timeouts};
use tools::HasFonts;

// The desk's page and what it loads; the office serves them too, for its
// writers' desk and its review page.
pub(crate) const INDEX: &str = include_str!("assets/index.html");
pub(crate) const COMMON_JS: &str = include_str!("assets/common.js");
pub(crate) const APP_JS: &str = include_str!("assets/app.js");
pub(crate) const APP_CSS: &str = include_str!("assets/app.css");
/// A script of the pages, as the desk and the office serve it.
pub(crate) fn script(text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], text).into_response()
}

/// A stylesheet of the pages, as the desk and the office serve it.
pub(crate) fn style(text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], text).into_response()
}

/// How long the one-time address the browser is opened on stays good.
const OPEN_WITHIN: Duration = Duration::from_secs(60);

/// Where and what to serve.
pub struct Config {
    pub dir: PathBuf,
    pub listen: SocketAddr,
}

/// Where the desk answers, once it listens.
#[derive(Debug)]
pub struct Started {
    /// The address with the token, for the writer to open and for
    /// scripts (`http://127.0.0.1:8790/?token=…`).
    pub url: String,
    /// The address to open the browser on: it holds no token but a code
    /// the desk swaps for the token's cookie once, within a minute
    /// (`http://127.0.0.1:8790/open/…`), so the token never stands in the
    /// opener's arguments (which any user of the machine can read).
    pub open: String,
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
    /// The token's cookie: named for the port, since a browser sends a
    /// host's cookies to every port of it.
    cookie: String,
    /// The names requests may give.
    names: Names,
    fonts: Arc<Fonts>,
    /// The reports being saved or drafted, each held by one writer at a
    /// time.
    writing: Writing,
    /// The one-time code of the browser's address, until used or stale.
    opening: Mutex<Option<(String, Instant)>>,
}

impl Desk {
    /// The cookie that carries the token, for a response that sets it.
    fn set_cookie(&self) -> HeaderValue {
        let cookie = format!("{}={}; HttpOnly; SameSite=Strict; Path=/", self.cookie, self.token);
        HeaderValue::from_str(&cookie).expect("ASCII cookie")
    }

    /// Takes the one-time code if `code` is it and it is fresh: it opens
    /// the desk once.
    fn take_opening(&self, code: &str) -> bool {
        let mut opening = self.opening.lock().unwrap_or_else(PoisonError::into_inner);
        let good = opening.as_ref().is_some_and(|(c, made)| same(c, code) && made.elapsed() < OPEN_WITHIN);
        if good {
            *opening = None;
        }
        good
    }
}

/// Binds, then calls `ready` with the addresses to open, then serves until
/// Ctrl-C.
pub fn run(options: Config, fonts: Arc<Fonts>, ready: impl FnOnce(&Started)) -> Result<(), ServeError> {
    let dir = options.dir.canonicalize().map_err(|_| ServeError::Dir(options.dir.display().to_string()))?;
    if !dir.is_dir() {
        return Err(ServeError::Dir(dir.display().to_string()));
    }
    let timeouts = Timeouts::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(options.listen).await.map_err(|e| ServeError::Listen(options.listen, e))?;
        let addr = listener.local_addr()?;
        let port = addr.port();
        let names = Names::of(addr);
        // On every address, the URL names loopback, which it answers on.
        let shown = names.shown().to_string();
        let code = crate::random::hex::<16>()?;
        let desk = Arc::new(Desk {
            dir,
            token: crate::random::hex::<16>()?,
            cookie: format!("nianbao_token_{port}"),
            names,
            fonts,
            writing: Writing::default(),
            opening: Mutex::new(Some((code.clone(), Instant::now()))),
        });
        ready(&Started {
            url: format!("http://{shown}/?token={}", desk.token),
            open: format!("http://{shown}/open/{code}"),
        });
        serve(listener, router(desk), timeouts).await?;
        Ok(())
    })
}

fn router(desk: Arc<Desk>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/common.js", get(|| async { script(COMMON_JS) }))
        .route("/assets/app.js", get(|| async { script(APP_JS) }))
        .route("/assets/app.css", get(|| async { style(APP_CSS) }))
        .route("/api/reports", get(list_reports))
        .route("/api/report/{name}", get(open_report).put(save_report))
        .route("/api/draft/{name}", put(save_draft_of))
        .route("/api/new", post(new))
        .merge(tools::routes())
        .layer(DefaultBodyLimit::max(MAX_INPUT_BYTES))
        .layer(middleware::from_fn_with_state(desk.clone(), guard))
        .with_state(desk)
}

/// A request the guard turns away.
fn refuse(message: impl Into<String>) -> Response {
    DeskError::Forbidden(message.into()).into_response()
}

/// A redirect to the page that sets the token's cookie.
fn enter(desk: &Desk) -> Response {
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(header::SET_COOKIE, desk.set_cookie());
    response
}

/// Host, token and origin, before anything else.
async fn guard(State(desk): State<Arc<Desk>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let arrived = request.extensions().get::<Arrived>().map(|a| a.0);
    if !desk.names.names(host, arrived) {
        return refuse(format!("请求的主机名“{host}”不是本服务的地址"));
    }
    let path = request.uri().path();
    if request.method() == Method::GET {
        // The first visit: the token in the URL becomes a cookie, and the
        // address bar loses it.
        let query_token = request.uri().query().and_then(|q| q.split('&').find_map(|p| p.strip_prefix("token=")));
        if path == "/" && query_token.is_some_and(|t| same(t, &desk.token)) {
            return enter(&desk);
        }
        // The browser's address: its code opens the desk once.
        if let Some(code) = path.strip_prefix("/open/") {
            if desk.take_opening(code) {
                return enter(&desk);
            }
            return refuse("这个打开网址已经用过或已过期：请打开 nianbao serve 启动时打印的网址");
        }
    }
    if !cookie(headers, &desk.cookie).is_some_and(|t| same(t, &desk.token)) {
        return refuse("缺少或带错了访问令牌：请打开 nianbao serve 启动时打印的网址");
    }
    if request.method() != Method::GET {
        let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()).unwrap_or("");
        let same_desk = origin.strip_prefix("http://").is_some_and(|h| desk.names.names(h, arrived));
        if !same_desk {
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

impl HasFonts for Desk {
    fn fonts(&self) -> &Fonts {
        &self.fonts
    }
}
