//! A report's life in the office: started (from last year's), saved
//! version after version (a save from a version that is no longer the
//! latest is refused, with the other one sent back), submitted when it
//! passes the checks, commented at its cells, returned or approved (its
//! PDF, DOCX and web page frozen with their hashes), published.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{may_read, may_review, may_write, Place};
use super::store::{Account, ReportRow, Saved, State as Stage};
use super::{auth, Office, Who, Year};
use crate::form::Version;
use crate::serve::http::blocking;
use crate::serve::{export, template, DeskError, ExportFormat, JsonBody, Param, Params, Text};
use crate::{check, model};

pub fn routes() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/office/reports", get(list).post(start))
        .route("/api/office/reports/{id}", get(open).put(save))
        .route("/api/office/reports/{id}/versions/{version}", get(version))
        .route("/api/office/reports/{id}/comments", post(comment))
        .route("/api/office/reports/{id}/compare", get(compare))
        .route("/api/office/reports/{id}/{step}", post(step))
        .route("/api/office/reports/{id}/files/{format}", get(file))
}

/// A report the account may read, with where it sits; one it may not is
/// answered as missing.
pub(super) fn readable(office: &Office, who: &Account, id: i64) -> Result<(ReportRow, Place), DeskError> {
    let missing = || DeskError::NotFound(format!("编号为 {id} 的报告"));
    let report = office.store.report(id)?.ok_or_else(missing)?;
    let place = Place { agency: Some(report.agency), regions: office.store.region_chain(report.region)? };
    if !may_read(who, &place) {
        return Err(missing());
    }
    Ok((report, place))
}

#[derive(Deserialize)]
struct AgencyQuery {
    agency: Option<i64>,
}

/// An agency's reports, newest first: the writer's own by default.
async fn list(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Params(q): Params<AgencyQuery>,
) -> Result<Json<Value>, DeskError> {
    let agency = q.agency.or(who.agency).ok_or_else(|| DeskError::request("要指定机关（agency）"))?;
    let rows = blocking(move || {
        let missing = || DeskError::NotFound(format!("编号为 {agency} 的机关"));
        let found = office.store.agency(agency)?.ok_or_else(missing)?;
        let place = Place { agency: Some(agency), regions: office.store.region_chain(found.region)? };
        if !may_read(&who, &place) {
            return Err(missing());
        }
        Ok((found, office.store.reports_of(agency)?))
    })
    .await?;
    let (agency, reports) = rows;
    let reports: Vec<Value> = reports.iter().map(summary).collect();
    Ok(Json(json!({ "agency": agency, "reports": reports })))
}

fn summary(r: &ReportRow) -> Value {
    json!({ "id": r.id, "year": r.year, "state": r.state, "state_title": r.state.title(), "version": r.head, "updated": r.updated })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Start {
    year: Year,
    /// `2019`, `2021`, or none for the year's template.
    format: Option<String>,
}

/// Starts the writer's agency's report for a year, from last year's when
/// there is one ([`started`]).
async fn start(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    JsonBody(s): JsonBody<Start>,
) -> Result<(StatusCode, Json<Value>), DeskError> {
    let agency = who.agency.ok_or_else(|| DeskError::Forbidden("只有填报人可以新建本机关的报告".into()))?;
    let year = s.year.0;
    let format = template(s.format.as_deref(), year)?;
    let id = blocking(move || {
        let text = started(&office, agency, year, format)?;
        office
            .store
            .create_report(agency, year, Stage::Draft, &text, Some(who.id), "created")?
            .ok_or_else(|| DeskError::request_at("/year", format!("{year} 年的报告已经有了")))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// A new report's text for `agency` and `year`: from last year's report
/// of the agency when there is one (its 结转下年度 as 上年结转, its prose's
/// sub-headings and run-in leads).
pub(super) fn started(office: &Office, agency: i64, year: i64, format: Version) -> Result<String, DeskError> {
    let found = office.store.agency(agency)?.ok_or_else(|| DeskError::NotFound("本机关".into()))?;
    let last = match office.store.report_of(agency, year - 1)? {
        Some(r) => office.store.version(r.id, r.head)?.and_then(|v| model::parse_str(&v.body).ok()),
        None => None,
    };
    let blank = model::blank(&found.name, year, format, last.as_ref(), None);
    Ok(serde_json::to_string_pretty(&blank).expect("JSON serializes"))
}

/// A report as its page opens it: the latest version's text, its state,
/// the comments on it (across its versions), its history, and what the
/// account may do with it.
async fn open(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param(id): Param<i64>,
) -> Result<Json<Value>, DeskError> {
    blocking(move || {
        let (report, place) = readable(&office, &who, id)?;
        let head = office.store.version(id, report.head)?.ok_or_else(|| DeskError::Internal("报告没有版本".into()))?;
        let last = office.store.report_of(report.agency, report.year - 1)?;
        Ok(Json(json!({
            "id": report.id,
            "agency": report.agency,
            "agency_name": report.agency_name,
            "year": report.year,
            "state": report.state,
            "state_title": report.state.title(),
            "version": head.id,
            "number": head.number,
            "text": head.body,
            "author": head.author,
            "at": head.at,
            "last_year": last.map(|l| json!({ "id": l.id, "version": l.head })),
            "comments": office.store.comments(id)?,
            "history": office.store.history(id)?,
            "may": {
                "write": may_write(&who, &place) && report.state.editable(),
                "submit": may_write(&who, &place) && report.state.editable(),
                "review": may_review(&who, &place) && report.state == Stage::Submitted,
                "publish": may_review(&who, &place) && report.state == Stage::Approved,
                "comment": may_review(&who, &place),
            },
        })))
    })
    .await
}

async fn version(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param((id, v)): Param<(i64, i64)>,
) -> Result<Json<Value>, DeskError> {
    blocking(move || {
        readable(&office, &who, id)?;
        let found = office.store.version(id, v)?.ok_or_else(|| DeskError::NotFound(format!("第 {v} 版")))?;
        Ok(Json(json!(found)))
    })
    .await
}

/// The version a request acts on: the one the page has.
#[derive(Deserialize)]
struct At {
    version: i64,
}

/// Saves the page's text as the report's next version. The text must
/// follow the contract (what is wrong is said with its JSON path and
/// line) and keep the report's year; it is stored in canonical form.
async fn save(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param(id): Param<i64>,
    Params(at): Params<At>,
    Text(text): Text,
) -> Result<Json<Value>, DeskError> {
    blocking(move || {
        let (report, place) = readable(&office, &who, id)?;
        if !may_write(&who, &place) {
            return Err(DeskError::Forbidden("只有本机关的填报人可以修改这份报告".into()));
        }
        let parsed = model::parse_str(&text)?;
        let canonical = model::to_json_text(&parsed);
        let version = next_version(&office, &report, at.version, &parsed, &canonical, &who)?;
        Ok(Json(json!({ "version": version })))
    })
    .await
}

/// A text saved as the report of `year` must stay of that year.
pub(super) fn same_year(year: i64, parsed: &model::Report) -> Result<(), DeskError> {
    if parsed.year == year {
        return Ok(());
    }
    Err(DeskError::invalid_at("/year", format!("这是 {year} 年的报告，年度不能写成 {}", parsed.year)))
}

/// Stores `canonical` (the text of `parsed`) as `report`'s next version
/// from `from`, by `who`: the new version's id; refused when the year is
/// changed, the report is no longer the writer's to change, or someone
/// saved since `from` (theirs sent back whole).
pub(super) fn next_version(
    office: &Office,
    report: &ReportRow,
    from: i64,
    parsed: &model::Report,
    canonical: &str,
    who: &Account,
) -> Result<i64, DeskError> {
    same_year(report.year, parsed)?;
    match office.store.save(report.id, from, canonical, who.id)? {
        Saved::Stored(v) => Ok(v),
        Saved::Locked(state) => Err(DeskError::Refused(format!("报告{}，不能再修改", state.title()))),
        Saved::Clash(theirs) => Err(DeskError::Clash {
            message: format!(
                "{} 在你打开之后保存了第 {} 版，你的修改没有覆盖它，还在页面上；两份的不同之处列在下面，请选择",
                theirs.author.as_deref().unwrap_or("别人"),
                theirs.number
            ),
            theirs: json!(theirs),
        }),
    }
}

/// The report beside the agency's report of the year before: every table
/// cell (named in the form's words) with both years' values, and the
/// prose parts sentence by sentence, each marked when it stands in the
/// other year's text.
async fn compare(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param(id): Param<i64>,
) -> Result<Json<Value>, DeskError> {
    blocking(move || {
        let (report, _) = readable(&office, &who, id)?;
        let Some(last) = office.store.report_of(report.agency, report.year - 1)? else {
            return Ok(Json(json!({ "last_year": null })));
        };
        let body = |r: &ReportRow| -> Result<model::Report, DeskError> {
            let v = office.store.version(r.id, r.head)?.ok_or_else(|| DeskError::Internal("报告没有版本".into()))?;
            Ok(model::parse_str(&v.body)?)
        };
        let (now, before) = (body(&report)?, body(&last)?);
        let earlier: std::collections::HashMap<String, String> =
            crate::sum::cells(&before).into_iter().map(|(name, c)| (name, c.text())).collect();
        let cells: Vec<Value> = crate::sum::cells(&now)
            .into_iter()
            .map(|(name, c)| {
                let was = earlier.get(&name);
                json!({ "name": name, "now": c.text(), "before": was, "changed": was != Some(&c.text()) })
            })
            .collect();
        let texts: Vec<Value> = crate::form::PARTS
            .iter()
            .filter_map(|p| {
                let (this, that) = match p.key {
                    "preamble" => (&now.preamble, &before.preamble),
                    "overview" => (&now.overview, &before.overview),
                    "problems" => (&now.problems, &before.problems),
                    "other_matters" => (&now.other_matters, &before.other_matters),
                    _ => return None,
                };
                let (this, that) = crate::repeats::by_sentence(this, that);
                Some(json!({ "title": p.label, "now": this, "before": that }))
            })
            .collect();
        Ok(Json(json!({
            "last_year": { "id": last.id, "year": last.year, "state_title": last.state.title() },
            "cells": cells,
            "texts": texts,
        })))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewComment {
    version: i64,
    /// The JSON path of the cell or paragraph.
    path: String,
    text: String,
}

/// A reviewer's comment at a cell or paragraph of a version: the path
/// must name something in that version.
async fn comment(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param(id): Param<i64>,
    JsonBody(c): JsonBody<NewComment>,
) -> Result<(StatusCode, Json<Value>), DeskError> {
    let body = c.text.trim().to_string();
    if body.is_empty() || body.chars().count() > 2000 {
        return Err(DeskError::request_at("/text", "意见要写 1 到 2000 个字"));
    }
    if !c.path.starts_with('/') || c.path.len() > 200 {
        return Err(DeskError::request_at("/path", "意见要写在报告里的一个格子或一段文字上（path 是以 / 开头的位置）"));
    }
    blocking(move || {
        let (_, place) = readable(&office, &who, id)?;
        if !may_review(&who, &place) {
            return Err(DeskError::Forbidden("只有审核人可以写意见".into()));
        }
        let version =
            office.store.version(id, c.version)?.ok_or_else(|| DeskError::request_at("/version", "没有这一版"))?;
        // The page names places in the form's canonical shape (rows as
        // arrays); a script may name them as the text has them.
        let stored: Value = serde_json::from_str(&version.body).map_err(|e| DeskError::Internal(e.to_string()))?;
        let canonical = model::parse_str(&version.body).map(|r| model::to_json(&r.canonical())).ok();
        let names = |v: &Value| v.pointer(&c.path).is_some();
        if c.path != "/" && !names(&stored) && !canonical.as_ref().is_some_and(names) {
            return Err(DeskError::request_at(
                "/path",
                "意见要写在报告里的一个格子或一段文字上（path 指的位置这一版没有）",
            ));
        }
        let id = office.store.add_comment(id, c.version, who.id, &c.path, &body)?;
        Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
    })
    .await
}

/// Submit, return, approve or publish, at the version the page has.
async fn step(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param((id, step)): Param<(i64, String)>,
    Params(at): Params<At>,
) -> Result<Json<Value>, DeskError> {
    blocking(move || {
        let (report, place) = readable(&office, &who, id)?;
        let (from, to): (&[Stage], Stage) = match step.as_str() {
            "submit" => (&[Stage::Draft, Stage::Returned], Stage::Submitted),
            "return" => (&[Stage::Submitted], Stage::Returned),
            "approve" => (&[Stage::Submitted], Stage::Approved),
            "publish" => (&[Stage::Approved], Stage::Published),
            _ => return Err(DeskError::NotFound(format!("操作“{step}”"))),
        };
        let allowed = if to == Stage::Submitted { may_write(&who, &place) } else { may_review(&who, &place) };
        if !allowed {
            let whose = if to == Stage::Submitted { "本机关的填报人" } else { "审核人" };
            return Err(DeskError::Forbidden(format!("只有{whose}可以这样做")));
        }
        if !from.contains(&report.state) || report.head != at.version {
            return Err(DeskError::Refused(format!(
                "报告现在是“{}”，或在你打开之后又保存过，不能这样做；请刷新后再看",
                report.state.title()
            )));
        }
        let body = office.store.version(id, report.head)?.map(|v| v.body).unwrap_or_default();
        let mut files = Vec::new();
        match to {
            Stage::Submitted => {
                let parsed = model::parse_str(&body)?;
                let findings = check::findings(&parsed);
                let refusals: Vec<String> =
                    findings.iter().filter(|f| f.severity == check::Severity::Refusal).map(|f| f.to_string()).collect();
                if !refusals.is_empty() {
                    return Err(DeskError::Refused(format!(
                        "还有 {} 处检查不通过，不能提交：{}",
                        refusals.len(),
                        refusals.join("；")
                    )));
                }
            }
            Stage::Approved => {
                office.typeset(|| {
                    for format in [ExportFormat::Pdf, ExportFormat::Docx, ExportFormat::Html] {
                        let (_, bytes) = export(&body, format, false, &office.fonts)?;
                        files.push((format.format().extension(), auth::sha256(&bytes), bytes));
                    }
                    Ok::<_, DeskError>(())
                })?;
            }
            _ => {}
        }
        if !office.store.step(id, report.head, from, to, who.id, &files)? {
            return Err(DeskError::Refused("报告刚被别人改过，没有执行；请刷新后再看".into()));
        }
        let hashes: serde_json::Map<String, Value> =
            files.iter().map(|(f, sha, _)| (f.to_string(), json!(sha))).collect();
        Ok(Json(json!({ "state": to, "state_title": to.title(), "sha256": hashes })))
    })
    .await
}

/// A file frozen at approval: the same bytes every time, with their
/// SHA-256 in `ETag`.
async fn file(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param((id, format)): Param<(i64, ExportFormat)>,
) -> Result<Response, DeskError> {
    let ext = format.format().extension();
    let (report, frozen) = blocking(move || {
        let (report, _) = readable(&office, &who, id)?;
        let frozen = office.store.frozen(id, ext)?.ok_or_else(|| DeskError::NotFound("通过审核时定稿的文件".into()))?;
        Ok((report, frozen))
    })
    .await?;
    let name = format!("{}-{}.{ext}", report.agency_name, report.year);
    let mut response = download(format.format().mime(), &name, frozen.bytes);
    response.headers_mut().insert(header::ETAG, HeaderValue::from_str(&format!("\"{}\"", frozen.sha256)).expect("hex"));
    Ok(response)
}

/// A file to download as `name`: its media type, and
/// `Content-Disposition: attachment` with the UTF-8 name (RFC 6266).
pub(super) fn download(mime: &str, name: &str, bytes: Vec<u8>) -> Response {
    let mut response = ([(header::CONTENT_TYPE, mime.to_string())], bytes).into_response();
    response.headers_mut().insert(header::CONTENT_DISPOSITION, attachment(name));
    response
}

fn attachment(name: &str) -> HeaderValue {
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{encoded}")).expect("ASCII")
}
