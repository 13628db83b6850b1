//! What both servers (the writer's desk and the office) do the same way
//! below their routes: serve connections with hyper's HTTP/1 under time
//! limits, tell each request the address it arrived at, run blocking
//! work off the runtime, compare and make secrets, read cookies.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderMap};
use axum::Router;

use super::{BodyTimeout, DeskError};

/// How long a client may take: to send a request's head (also the time
/// an idle kept-alive connection stays open), and to send its body.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    pub head: Duration,
    pub body: Duration,
}

impl Timeouts {
    /// 10 s for a head, 60 s for a body; `NIANBAO_DESK_HEADER_TIMEOUT_MS`
    /// and `NIANBAO_DESK_BODY_TIMEOUT_MS` say otherwise (for tests).
    pub(crate) fn from_env() -> Timeouts {
        let ms = |name: &str, default: u64| {
            Duration::from_millis(std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default).max(1))
        };
        Timeouts {
            head: ms("NIANBAO_DESK_HEADER_TIMEOUT_MS", 10_000),
            body: ms("NIANBAO_DESK_BODY_TIMEOUT_MS", 60_000),
        }
    }
}

/// The local address a request arrived at (its connection's).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Arrived(pub SocketAddr);

/// The address a request came from (its connection's peer).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub SocketAddr);

/// Whether two secrets are equal, in a time that does not tell where they
/// differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Sets its flag when dropped.
pub(crate) struct CancelOnDrop(pub Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs `f` on the blocking pool: file I/O and typesetting never hold the
/// runtime's threads. A task that panicked is an internal error.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, DeskError> + Send + 'static,
) -> Result<T, DeskError> {
    tokio::task::spawn_blocking(f).await?
}

/// The names a request may give in `Host` (or a page's `Origin`) for a
/// server listening at an address: the address itself, and for loopback
/// `localhost`; on every address (`0.0.0.0`, `::`), the loopback names
/// and, per request, the address it arrived at; and any name added (a
/// public address). Refusing every other name stops DNS rebinding.
#[derive(Debug)]
pub(crate) struct Names {
    hosts: Vec<String>,
    port: u16,
    any_address: bool,
}

impl Names {
    pub(crate) fn of(addr: SocketAddr) -> Names {
        let (ip, port) = (addr.ip(), addr.port());
        let mut hosts = Vec::new();
        if ip.is_unspecified() {
            let (v4, v6) = (IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST));
            // The family listened on first: it is the address printed.
            let loopbacks = if ip.is_ipv6() { [v6, v4] } else { [v4, v6] };
            hosts.extend(loopbacks.map(|l| SocketAddr::new(l, port).to_string()));
        } else {
            hosts.push(addr.to_string());
        }
        if ip.is_unspecified() || ip.is_loopback() {
            hosts.push(format!("localhost:{port}"));
        }
        Names { hosts, port, any_address: ip.is_unspecified() }
    }

    /// Another name the server is reached by (`host[:port]`).
    pub(crate) fn add(&mut self, host: &str) {
        self.hosts.push(host.to_string());
    }

    /// The address to print: loopback when listening on every address.
    pub(crate) fn shown(&self) -> &str {
        &self.hosts[0]
    }

    /// Whether `host` names this server, for a request that arrived at
    /// `arrived` (its `Arrived` extension).
    pub(crate) fn names(&self, host: &str, arrived: Option<SocketAddr>) -> bool {
        let here = arrived.filter(|_| self.any_address).map(|a| SocketAddr::new(a.ip().to_canonical(), self.port));
        let named = |h: &str| {
            h.eq_ignore_ascii_case(host)
                || (self.port == 80 && h.strip_suffix(":80").is_some_and(|h| h.eq_ignore_ascii_case(host)))
        };
        self.hosts.iter().any(|h| named(h)) || here.is_some_and(|a| named(&a.to_string()))
    }
}

/// Serves each connection with hyper's HTTP/1 (a request's head must
/// arrive within `timeouts.head`, which also closes an idle kept-alive
/// connection), each request told the address it arrived at, until
/// Ctrl-C; then the connections finish what they answer (for at most 5
/// seconds).
pub(crate) async fn serve(listener: tokio::net::TcpListener, app: Router, timeouts: Timeouts) -> std::io::Result<()> {
    let (stop, stopping) = tokio::sync::watch::channel(());
    let mut ctrl_c = std::pin::pin!(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    });
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut ctrl_c => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
                // Out of file descriptors, say: wait for some to close.
                if !matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                continue;
            }
        };
        let Ok(local) = stream.local_addr() else { continue };
        tokio::spawn(connection(stream, local, peer, app.clone(), timeouts, stopping.clone()));
    }
    drop(listener);
    drop(stopping);
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), stop.closed()).await;
    Ok(())
}

/// One connection, until it closes or the desk stops.
async fn connection(
    stream: tokio::net::TcpStream,
    local: SocketAddr,
    peer: SocketAddr,
    app: Router,
    timeouts: Timeouts,
    mut stopping: tokio::sync::watch::Receiver<()>,
) {
    let app = hyper_util::service::TowerToHyperService::new(app);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(Arrived(local));
        request.extensions_mut().insert(Peer(peer));
        request.extensions_mut().insert(BodyTimeout(timeouts.body));
        hyper::service::Service::call(&app, request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(timeouts.head);
    let mut conn = std::pin::pin!(builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service));
    let mut stopped = false;
    loop {
        tokio::select! {
            _ = conn.as_mut() => break,
            _ = stopping.changed(), if !stopped => {
                stopped = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The value of cookie `name`.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
}
