//! The office's desk (`nianbao office`): every agency of a region in one
//! place, for the 政务公开办 that collects, reviews, adds up and archives
//! the reports — accounts, regions and rosters, every saved version, the
//! review, the region's board and 汇总 — on one SQLite file.
//!
//! Safe by default: it listens on loopback; people sign in (Argon2id
//! passwords, set through a one-time invitation link); a session is a
//! 256-bit secret in an `HttpOnly`, `SameSite=Strict` cookie (`Secure`
//! and `__Host-` when the public address is https) of which the database
//! keeps only the hash, renewed at every sign-in, ended at sign-out,
//! after two idle hours or twelve in all; a `Host` the office is not
//! reached by is refused, as is a state-changing request from another
//! `Origin`; sign-ins are limited per account and per address; every page
//! carries a strict content security policy (no inline script or style,
//! nothing from elsewhere). Who may do what is decided in [`access`] and
//! asked by every handler.
//!
//! How it is built: `store` is the database (schema migrations, every
//! query); `auth` the secrets and passwords; `access` the rules; `api`
//! the handlers of accounts and setup, `reports` those of the reports
//! and their review, `board` those of the region's board, 汇总 and
//! archive; `pages` the HTML. The text-only tools (check, preview, totals,
//! export, import) are the writer's desk's own ([`crate::serve`]).

pub mod access;
mod api;
pub mod auth;
mod board;
mod chart;
mod desk;
mod pages;
mod reports;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::fonts::Fonts;
use crate::model::limits::MAX_INPUT_BYTES;
use crate::serve::http::{blocking, cookie, serve, Arrived, Names, Timeouts};
use crate::serve::tools::{self, HasFonts};
use crate::serve::DeskError;
use store::{Account, Store, StoreError};

/// The largest body an upload of past reports may send (a zip of them);
/// every other request is held to the contract's 2 MiB.
pub(crate) const MAX_UPLOAD: usize = 64 << 20;
/// How long a session lasts unused, and at most.
const IDLE: i64 = 2 * 3600;
const LONGEST: i64 = 12 * 3600;

/// Where and how to serve.
pub struct Config {
    pub db: PathBuf,
    pub listen: SocketAddr,
    /// The address people reach the office at (`https://…` behind a
    /// proxy); by default the listening address.
    pub public_url: Option<String>,
}

/// Why the office could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("网址 {0} 不对：只能是 http:// 或 https:// 开头、不带路径的网址，例如 https://gongkai.example.gov.cn")]
    PublicUrl(String),
    #[error("无法在 {0} 上监听：{1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("服务出错：{0}")]
    Io(#[from] std::io::Error),
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> DeskError {
        DeskError::Internal(e.to_string())
    }
}

/// The office, as every handler sees it.
pub struct Office {
    store: Arc<Store>,
    fonts: Arc<Fonts>,
    throttle: auth::Throttle,
    /// Slots for Argon2 (see [`auth::HASHING`]).
    hashing: tokio::sync::Semaphore,
    /// Typesetting (approval's files, the 汇总's PDF, the archive), one at
    /// a time: a few of them would take every core and much memory.
    typesetting: Mutex<()>,
    /// Whether a proxy on this machine forwards to the office (a public
    /// address was given): its `X-Forwarded-For` is believed.
    proxied: bool,
    /// `https://host` or `http://host:port`, without a slash.
    public: String,
    /// Whether the public address is https: cookies are `Secure`.
    secure: bool,
    /// The names requests may give: the listening address's, the public
    /// one's.
    names: Names,
    /// Each version's findings for the board.
    summaries: Mutex<board::Summaries>,
    /// Idle and longest session, in seconds.
    idle: i64,
    longest: i64,
}

impl HasFonts for Office {
    fn fonts(&self) -> &Fonts {
        &self.fonts
    }
}

impl Office {
    /// The session cookie's name: `__Host-` (only over https, for this
    /// host, every path) when it can be.
    fn cookie_name(&self) -> &'static str {
        if self.secure {
            "__Host-nianbao_office"
        } else {
            "nianbao_office"
        }
    }

    /// The `Set-Cookie` value that carries a session, or ends it (`None`).
    fn set_cookie(&self, secret: Option<&str>) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let value = match secret {
            Some(s) => format!("{}={s}; HttpOnly; SameSite=Strict; Path=/{secure}", self.cookie_name()),
            None => format!("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}", self.cookie_name()),
        };
        HeaderValue::from_str(&value).expect("ASCII cookie")
    }

    /// Runs `typeset` once no other typesetting runs (on the blocking
    /// pool).
    fn typeset<T>(&self, typeset: impl FnOnce() -> T) -> T {
        let _held = self.typesetting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        typeset()
    }

    /// The session secret the request carries.
    fn session_secret<'a>(&self, headers: &'a axum::http::HeaderMap) -> Option<&'a str> {
        cookie(headers, self.cookie_name()).filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
    }
}

/// The `scheme://host[:port]` of a public address, if it is one.
fn origin_of(url: &str) -> Option<(String, bool)> {
    let url = url.trim().trim_end_matches('/');
    let (secure, host) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(h), _) => (true, h),
        (None, Some(h)) => (false, h),
        _ => return None,
    };
    let good = !host.is_empty() && !host.contains(['/', '?', '#', '@', ' ']);
    good.then(|| (url.to_string(), secure))
}

/// A report year as a request names it: from 2008 (the first year of
/// these reports) to 9999, refused otherwise where it is read.
#[derive(Clone, Copy, Debug, serde::Deserialize)]
#[serde(try_from = "i64")]
pub struct Year(pub i64);

impl TryFrom<i64> for Year {
    type Error = String;

    fn try_from(year: i64) -> Result<Year, String> {
        if (2008..=9999).contains(&year) {
            Ok(Year(year))
        } else {
            Err(format!("年度 {year} 不对：应在 2008 到 9999 之间"))
        }
    }
}

/// The signed-in account of a request; without one, the request is
/// refused as not signed in.
pub struct Who(pub Account);

impl FromRequestParts<Arc<Office>> for Who {
    type Rejection = DeskError;

    async fn from_request_parts(parts: &mut Parts, office: &Arc<Office>) -> Result<Who, DeskError> {
        let signed_out = || DeskError::SignIn("没有登录，或登录已过期：请重新登录".into());
        let secret = office.session_secret(&parts.headers).ok_or_else(signed_out)?.to_string();
        let office = office.clone();
        let found =
            blocking(move || Ok(office.store.session(&auth::stored(&secret), office.idle, office.longest)?)).await?;
        found.map(Who).ok_or_else(signed_out)
    }
}

/// The signed-in account, if any (the home page's redirect).
impl axum::extract::OptionalFromRequestParts<Arc<Office>> for Who {
    type Rejection = DeskError;

    async fn from_request_parts(parts: &mut Parts, office: &Arc<Office>) -> Result<Option<Who>, DeskError> {
        match <Who as FromRequestParts<Arc<Office>>>::from_request_parts(parts, office).await {
            Ok(who) => Ok(Some(who)),
            Err(DeskError::SignIn(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Opens (or creates) the database and serves until Ctrl-C; `ready` is
/// called with the address once it listens.
pub fn run(config: Config, fonts: Arc<Fonts>, ready: impl FnOnce(&str)) -> Result<(), OfficeError> {
    let store = Arc::new(Store::open(&config.db)?);
    let timeouts = Timeouts::from_env();
    let secs = |name: &str, default: i64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    // A bounded blocking pool: the database, hashing and typesetting wait
    // for a thread rather than each taking one.
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).max_blocking_threads(16).enable_all().build()?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(config.listen).await.map_err(|e| OfficeError::Listen(config.listen, e))?;
        let addr = listener.local_addr()?;
        let mut names = Names::of(addr);
        let shown = names.shown().to_string();
        let (public, secure) = match &config.public_url {
            Some(url) => origin_of(url).ok_or_else(|| OfficeError::PublicUrl(url.clone()))?,
            None => (format!("http://{shown}"), false),
        };
        if let Some(host) = public.split_once("://").map(|(_, h)| h.to_string()) {
            names.add(&host);
        }
        let office = Arc::new(Office {
            store,
            fonts,
            throttle: auth::Throttle::default(),
            hashing: tokio::sync::Semaphore::new(auth::HASHING),
            typesetting: Mutex::new(()),
            proxied: config.public_url.is_some(),
            public: public.clone(),
            secure,
            names,
            summaries: Mutex::default(),
            idle: secs("NIANBAO_OFFICE_IDLE_SECS", IDLE),
            longest: secs("NIANBAO_OFFICE_LONGEST_SECS", LONGEST),
        });
        ready(&public);
        serve(listener, router(office), timeouts).await?;
        Ok(())
    })
}

fn router(office: Arc<Office>) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(reports::routes())
        .merge(desk::routes())
        .merge(board::routes())
        .merge(tools::routes::<Office>().route_layer(middleware::from_fn_with_state(office.clone(), signed_in)))
        .layer(DefaultBodyLimit::max(MAX_INPUT_BYTES))
        .layer(middleware::from_fn_with_state(office.clone(), guard))
        .with_state(office)
}

/// The text tools are for people signed in.
async fn signed_in(_: Who, request: Request, next: Next) -> Response {
    next.run(request).await
}

/// Host and origin before anything else; the security headers on every
/// answer.
async fn guard(State(office): State<Arc<Office>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let arrived = request.extensions().get::<Arrived>().map(|a| a.0);
    let names_me = |h: &str| office.names.names(h, arrived);
    if !names_me(host) {
        return DeskError::Forbidden(format!("请求的主机名“{host}”不是本服务的地址")).into_response();
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()).unwrap_or("");
        let ours = origin.eq_ignore_ascii_case(&office.public)
            || origin.strip_prefix("http://").is_some_and(|h| !office.secure && names_me(h));
        if !ours {
            return DeskError::Forbidden(format!("来源“{origin}”不是本服务的页面，没有执行")).into_response();
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}

/// `nianbao office init`: creates the database if need be and its first
/// administrator. The id, or why not.
pub fn init(db: &std::path::Path, login: &str, name: &str, password: &str) -> Result<i64, String> {
    let login = login.trim();
    if !auth::good_login(login) {
        return Err(auth::LOGIN_RULE.into());
    }
    if let Some(why) = auth::weak(password) {
        return Err(why);
    }
    let store = Store::open(db).map_err(|e| e.to_string())?;
    let hash = auth::hash_password(password).map_err(|e| e.to_string())?;
    store
        .add_admin(login, name.trim(), &hash)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("账号“{login}”已经有了，没有改动"))
}

/// `nianbao office backup`: a consistent copy of the database, taken while
/// the office may be serving.
pub fn backup(db: &std::path::Path, out: &std::path::Path) -> Result<(), StoreError> {
    Store::open_existing(db)?.backup(out)
}
