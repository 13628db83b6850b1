//! Signing in and out, invitations, and the administrator's setup:
//! regions, their rosters, accounts.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{may_administer, may_read, Place};
use super::auth::{self, good_login, LOGIN_RULE};
use super::store::{Account, Role};
use super::{Office, Who};
use crate::serve::http::{blocking, Peer};
use crate::serve::{Body, DeskError, JsonBody, Param};

pub fn routes() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/office/login", post(login))
        .route("/api/office/logout", post(logout))
        .route("/api/office/invitation", post(accept))
        .route("/api/office/me", get(me))
        .route("/api/office/regions", get(regions).post(add_region))
        .route("/api/office/regions/{id}/roster", post(roster))
        .route("/api/office/regions/{id}/agencies", get(agencies))
        .route("/api/office/accounts", get(accounts).post(add_account))
        .route("/api/office/accounts/{id}/{action}", post(account_action))
}

/// A name typed by a person (a region, an agency, an account's holder):
/// trimmed, one line, not empty, not too long.
fn plain_name(what: &str, path: &str, name: &str) -> Result<String, DeskError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DeskError::request_at(path, format!("{what}不能为空")));
    }
    if name.chars().count() > 100 {
        return Err(DeskError::request_at(path, format!("{what}不能超过 100 个字")));
    }
    if name.chars().any(char::is_control) {
        return Err(DeskError::request_at(path, format!("{what}里不能有换行或控制字符")));
    }
    Ok(name.to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    login: String,
    password: String,
}

/// The address a request came from: the connection's peer; behind a
/// proxy on this machine (a public address was given), the address the
/// proxy says it forwards for — the last of `X-Forwarded-For`'s last
/// line, the one the proxy itself added.
fn peer(office: &Office, headers: &HeaderMap, Peer(connected): Peer) -> IpAddr {
    let forwarded = || {
        let list = headers.get_all("x-forwarded-for").iter().next_back()?.to_str().ok()?;
        list.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
    };
    match connected.ip() {
        ip if ip.is_loopback() && office.proxied => forwarded().unwrap_or(ip),
        ip => ip,
    }
}

/// A hashing slot for an attempt to sign in (`login`) or take up an
/// invitation (`None`), the attempt counted once the slot is had; or,
/// when too many `what` (登录失败…) came before, how long to wait.
async fn attempt<'a>(
    office: &'a Office,
    login: Option<&str>,
    from: IpAddr,
    what: &str,
) -> Result<tokio::sync::SemaphorePermit<'a>, DeskError> {
    let slot = office.hashing.acquire().await.map_err(|_| DeskError::Internal("服务正在停止".into()))?;
    office.throttle.attempt(login, from).map_err(|wait| {
        DeskError::TooMany(format!("{what}的次数太多，请 {} 分钟后再试", wait.as_secs().div_ceil(60).max(1)))
    })?;
    Ok(slot)
}

/// Starts a fresh session for `account` (ending the one the request came
/// with, if any): the answer carries its cookie.
async fn sign_in(office: &Arc<Office>, headers: &HeaderMap, account: Account) -> Result<Response, DeskError> {
    let secret = auth::secret()?;
    let old = office.session_secret(headers).map(auth::stored);
    let id = auth::stored(&secret);
    let (o, who) = (office.clone(), account.clone());
    blocking(move || {
        if let Some(old) = old {
            o.store.end_session(&old)?;
        }
        Ok(o.store.add_session(&id, who.id, o.idle, o.longest)?)
    })
    .await?;
    let mut response = Json(json!({ "name": account.name, "role": account.role })).into_response();
    response.headers_mut().insert(header::SET_COOKIE, office.set_cookie(Some(&secret)));
    Ok(response)
}

async fn login(
    State(office): State<Arc<Office>>,
    Extension(connected): Extension<Peer>,
    headers: HeaderMap,
    JsonBody(c): JsonBody<Credentials>,
) -> Result<Response, DeskError> {
    let from = peer(&office, &headers, connected);
    let login = c.login.trim().to_string();
    // A name no account can have is counted against the address only.
    let account_key = good_login(&login).then_some(login.as_str());
    // Sign-ins are checked one hashing slot at a time, the count read
    // after the slot is had: parallel guesses queue, and are counted.
    let _slot = attempt(&office, account_key, from, "登录失败").await?;
    let o = office.clone();
    let name = login.clone();
    let (account, good) = blocking(move || {
        let found = if good_login(&name) { o.store.account_by_login(&name)? } else { None };
        let hash = found.as_ref().and_then(|(_, h)| h.clone());
        let good = auth::verify_password(hash.as_deref(), &c.password);
        Ok((found.map(|(a, _)| a), good))
    })
    .await?;
    match account.filter(|_| good) {
        Some(account) => {
            office.throttle.succeeded(account_key, from);
            sign_in(&office, &headers, account).await
        }
        None => Err(DeskError::SignIn("账号或密码不对".into())),
    }
}

async fn logout(State(office): State<Arc<Office>>, headers: HeaderMap) -> Result<Response, DeskError> {
    if let Some(id) = office.session_secret(&headers).map(auth::stored) {
        let o = office.clone();
        blocking(move || Ok(o.store.end_session(&id)?)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, office.set_cookie(None));
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Acceptance {
    secret: String,
    password: String,
}

/// Takes up an invitation: the password is set, the link used up, and
/// the person signed in.
async fn accept(
    State(office): State<Arc<Office>>,
    Extension(connected): Extension<Peer>,
    headers: HeaderMap,
    JsonBody(a): JsonBody<Acceptance>,
) -> Result<Response, DeskError> {
    if let Some(why) = auth::weak(&a.password) {
        return Err(DeskError::request_at("/password", why));
    }
    let from = peer(&office, &headers, connected);
    let _slot = attempt(&office, None, from, "失败").await?;
    let o = office.clone();
    let invitation = auth::stored(a.secret.trim());
    let account = blocking(move || {
        // The link is looked up before a password is hashed for it.
        if !o.store.invitation_open(&invitation)? {
            return Ok(None);
        }
        let hash = auth::hash_password(&a.password)?;
        Ok(o.store.accept_invitation(&invitation, &hash)?)
    })
    .await?;
    let Some(account) = account else {
        return Err(DeskError::Forbidden("这个邀请链接已经用过或已过期：请向管理员要一个新的".into()));
    };
    office.throttle.succeeded(None, from);
    sign_in(&office, &headers, account).await
}

/// Who is signed in, and where they work.
async fn me(State(office): State<Arc<Office>>, Who(who): Who) -> Result<Json<Value>, DeskError> {
    let o = office.clone();
    let (agency, region) = blocking(move || {
        let agency = match who.agency {
            Some(a) => o.store.agency(a)?,
            None => None,
        };
        let region = match who.region.or(agency.as_ref().map(|a| a.region)) {
            Some(r) => o.store.region(r)?,
            None => None,
        };
        Ok((agency, region))
    })
    .await?;
    Ok(Json(json!({
        "login": who.login, "name": who.name, "role": who.role, "role_title": who.role.title(),
        "agency": agency, "region": region,
    })))
}

/// The regions the account sees: all for an administrator, a reviewer's
/// own and those below it, a writer's agency's.
async fn regions(State(office): State<Arc<Office>>, Who(who): Who) -> Result<Json<Value>, DeskError> {
    let o = office.clone();
    let list = blocking(move || {
        let all = o.store.regions()?;
        // Each region's chain up to the root, from the list itself.
        let parent: std::collections::HashMap<i64, Option<i64>> = all.iter().map(|r| (r.id, r.parent)).collect();
        let chain = |id: i64| std::iter::successors(Some(id), |r| parent.get(r).copied().flatten()).collect();
        let home = match who.agency {
            Some(a) => o.store.agency(a)?.map(|a| a.region),
            None => None,
        };
        let seen: Vec<_> = all
            .iter()
            .filter(|r| may_read(&who, &Place { agency: None, regions: chain(r.id) }) || home == Some(r.id))
            .collect();
        Ok(json!(seen))
    })
    .await?;
    Ok(Json(list))
}

fn admin_only(who: &Account) -> Result<(), DeskError> {
    if may_administer(who) {
        Ok(())
    } else {
        Err(DeskError::Forbidden("只有管理员可以设置地区、名单和账号".into()))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRegion {
    parent: Option<i64>,
    name: String,
}

async fn add_region(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    JsonBody(n): JsonBody<NewRegion>,
) -> Result<(StatusCode, Json<Value>), DeskError> {
    admin_only(&who)?;
    let name = plain_name("地区名称", "/name", &n.name)?;
    let o = office.clone();
    let id = blocking(move || {
        if let Some(p) = n.parent {
            o.store.region(p)?.ok_or_else(|| DeskError::NotFound(format!("上级地区 {p}")))?;
        }
        o.store.add_region(n.parent, &name)?.ok_or_else(|| DeskError::Exists)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// Adds a roster (CSV in UTF-8 with or without a byte order mark, or
/// GBK as Excel saves it, or an `.xlsx` workbook; one agency a line, or
/// the column headed 单位名称 and the like) to a region, all or nothing.
async fn roster(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param(id): Param<i64>,
    Body(body): Body,
) -> Result<Json<Value>, DeskError> {
    admin_only(&who)?;
    let o = office.clone();
    let (added, had) = blocking(move || {
        o.store.region(id)?.ok_or_else(|| DeskError::NotFound(format!("地区 {id}")))?;
        let text = crate::sum::roster_text(&body).map_err(DeskError::invalid)?;
        let mut names: Vec<String> = Vec::new();
        for (i, name) in crate::sum::roster_names(&text).into_iter().enumerate() {
            let name = plain_name("机关名称", &format!("第 {} 个名字", i + 1), &name)?;
            if !names.contains(&name) {
                names.push(name);
            }
        }
        if names.is_empty() {
            return Err(DeskError::invalid("名单里没有机关名称"));
        }
        Ok(o.store.add_agencies(id, &names)?)
    })
    .await?;
    Ok(Json(json!({ "added": added, "had": had })))
}

/// A region's agencies (and those of the regions below it).
async fn agencies(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param(id): Param<i64>,
) -> Result<Json<Value>, DeskError> {
    let o = office.clone();
    let list = blocking(move || {
        let place = Place { agency: None, regions: o.store.region_chain(id)? };
        if place.regions.is_empty() || !may_read(&who, &place) {
            return Err(DeskError::NotFound(format!("地区 {id}")));
        }
        Ok(o.store.agencies_under(id)?)
    })
    .await?;
    Ok(Json(json!(list)))
}

async fn accounts(State(office): State<Arc<Office>>, Who(who): Who) -> Result<Json<Value>, DeskError> {
    admin_only(&who)?;
    let o = office.clone();
    let list = blocking(move || Ok(o.store.accounts()?)).await?;
    let list: Vec<Value> = list
        .into_iter()
        .map(|(a, active, stopped)| {
            json!({ "account": a, "role_title": a.role.title(), "active": active, "stopped": stopped })
        })
        .collect();
    Ok(Json(json!(list)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAccount {
    login: String,
    name: String,
    /// `admin`, `reviewer`, `writer`.
    role: String,
    /// The reviewer's region, or the writer's agency.
    place: Option<i64>,
}

/// How long an invitation link stays good.
const INVITED_FOR: i64 = 7 * 24 * 3600;

/// An administrator's step on an account: `stop` it (its sessions end, it
/// signs in no more), `start` it again, or `invite` it anew (a forgotten
/// password: the old one stops working, a new one-time link is made).
/// Never on one's own account.
async fn account_action(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param((id, action)): Param<(i64, String)>,
) -> Result<Json<Value>, DeskError> {
    admin_only(&who)?;
    if id == who.id {
        return Err(DeskError::Refused("不能停用或重新邀请自己的账号".into()));
    }
    let secret = auth::secret()?;
    let stored = auth::stored(&secret);
    let o = office.clone();
    let step = action.clone();
    let found = blocking(move || match step.as_str() {
        "stop" => Ok(o.store.stop_account(id, true)?),
        "start" => Ok(o.store.stop_account(id, false)?),
        "invite" => Ok(o.store.reinvite(id, &stored, super::store::now() + INVITED_FOR)?),
        other => Err(DeskError::NotFound(format!("操作“{other}”"))),
    })
    .await?;
    if !found {
        return Err(DeskError::NotFound(format!("编号为 {id} 的账号")));
    }
    Ok(Json(match action.as_str() {
        "invite" => json!({ "invitation": format!("{}/invite/{secret}", office.public) }),
        _ => json!({ "stopped": action == "stop" }),
    }))
}

/// Adds an account and answers its one-time invitation link.
async fn add_account(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    JsonBody(n): JsonBody<NewAccount>,
) -> Result<(StatusCode, Json<Value>), DeskError> {
    admin_only(&who)?;
    let login = n.login.trim().to_string();
    if !good_login(&login) {
        return Err(DeskError::request_at("/login", LOGIN_RULE));
    }
    let name = plain_name("姓名", "/name", &n.name)?;
    let role =
        Role::parse(&n.role).ok_or_else(|| DeskError::request_at("/role", "角色只能是 admin、reviewer 或 writer"))?;
    let secret = auth::secret()?;
    let stored = auth::stored(&secret);
    let o = office.clone();
    let id = blocking(move || {
        match (role, n.place) {
            (Role::Admin, None) => {}
            (Role::Reviewer, Some(r)) if o.store.region(r)?.is_some() => {}
            (Role::Writer, Some(a)) if o.store.agency(a)?.is_some() => {}
            (Role::Admin, Some(_)) => return Err(DeskError::request_at("/place", "管理员不属于某个地区或机关")),
            (Role::Reviewer, _) => return Err(DeskError::request_at("/place", "审核人要指定一个已有的地区")),
            (Role::Writer, _) => return Err(DeskError::request_at("/place", "填报人要指定名单里已有的一个机关")),
        }
        let until = super::store::now() + INVITED_FOR;
        o.store.add_account(&login, &name, role, n.place, &stored, until)?.ok_or(DeskError::Exists)
    })
    .await?;
    let link = format!("{}/invite/{secret}", office.public);
    Ok((StatusCode::CREATED, Json(json!({ "id": id, "invitation": link }))))
}
