//! The writer's desk over the database: the endpoints the desk's page
//! (`serve/assets/app.js`) calls — list, open, save, draft, new — answered
//! from the writer's own agency's reports, one a year, each named
//! `YEAR.json` as the page names files. The page is the same page as
//! `nianbao serve`'s; `office-desk.js` adds the state, the submit button
//! and the reviewer's comments beside it.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::reports::{next_version, same_year, started};
use super::store::{Account, ReportRow, State as Stage};
use super::{Office, Who, Year};
use crate::serve::http::blocking;
use crate::serve::{template, DeskError, JsonBody, Param, Params, Text};
use crate::{model, pipeline};

pub fn routes() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/reports", get(list))
        .route("/api/report/{name}", get(open).put(save))
        .route("/api/draft/{name}", put(draft))
        .route("/api/new", post(new))
}

/// The writer's agency; other accounts have no desk of their own.
fn agency(who: &Account) -> Result<i64, DeskError> {
    who.agency.ok_or_else(|| DeskError::Forbidden("只有填报人有自己的报告；审核请到审核台".into()))
}

/// The year a desk name (`2025.json`, `某局-2025.json`) stands for.
fn year_of(name: &str) -> Result<i64, DeskError> {
    let stem = name.strip_suffix(".json").ok_or(DeskError::Name)?;
    let digits = stem.rsplit(['-', '_', ' ']).next().unwrap_or(stem);
    digits.parse().ok().filter(|y| (2008..=9999).contains(y)).ok_or_else(|| {
        DeskError::request(format!("“{name}”不是某一年的报告：在审核平台里每年一份报告，名为 年度.json"))
    })
}

/// The writer's report of the year `name` stands for, if started.
fn report(office: &Office, who: &Account, name: &str) -> Result<Option<ReportRow>, DeskError> {
    Ok(office.store.report_of(agency(who)?, year_of(name)?)?)
}

async fn list(State(office): State<Arc<Office>>, Who(who): Who) -> Result<Json<Value>, DeskError> {
    blocking(move || {
        let mut out = Vec::new();
        for r in office.store.reports_of(agency(&who)?)? {
            let body = office.store.version(r.id, r.head)?.map(|v| v.body).unwrap_or_default();
            let read = pipeline::read_json(body.as_bytes());
            out.push(json!({
                "name": format!("{}.json", r.year),
                "agency": r.agency_name,
                "year": r.year,
                "format": read.as_ref().ok().map(|c| c.report.version.as_str()),
                "passes": read.as_ref().is_ok_and(|c| !c.inconsistent()),
                "error": read.as_ref().err().map(|e| e.to_string()),
                "id": r.id,
                "state": r.state,
                "state_title": r.state.title(),
            }));
        }
        Ok(Json(json!(out)))
    })
    .await
}

async fn open(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param(name): Param<String>,
) -> Result<Json<Value>, DeskError> {
    blocking(move || {
        let r = report(&office, &who, &name)?.ok_or_else(|| DeskError::NotFound(name.clone()))?;
        let head = office.store.version(r.id, r.head)?.ok_or_else(|| DeskError::NotFound(name.clone()))?;
        let draft = office.store.draft(r.id, who.id)?;
        Ok(Json(json!({ "name": name, "text": head.body, "version": head.id.to_string(), "draft": draft, "id": r.id })))
    })
    .await
}

/// The version of the report the page has, if any.
#[derive(Deserialize)]
struct At {
    version: Option<String>,
}

impl At {
    /// The version named: a number, or the page's copy is of no version
    /// the office knows.
    fn number(&self) -> Result<Option<i64>, DeskError> {
        self.version.as_deref().map(|v| v.parse().map_err(|_| DeskError::Changed)).transpose()
    }
}

/// Saves the page's text: the year's report's next version, or its first.
async fn save(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param(name): Param<String>,
    Params(at): Params<At>,
    Text(text): Text,
) -> Result<Json<Value>, DeskError> {
    let from = at.number()?;
    blocking(move || {
        let parsed = model::parse_str(&text)?;
        let canonical = model::to_json_text(&parsed);
        let year = year_of(&name)?;
        let mine = agency(&who)?;
        let version = match (office.store.report_of(mine, year)?, from) {
            (None, None) => {
                same_year(year, &parsed)?;
                let id = office
                    .store
                    .create_report(mine, year, Stage::Draft, &canonical, Some(who.id), "saved")?
                    .ok_or(DeskError::Exists)?;
                office.store.report(id)?.map(|r| r.head).unwrap_or_default()
            }
            (None, Some(_)) => return Err(DeskError::Changed),
            (Some(_), None) => return Err(DeskError::Exists),
            (Some(r), Some(from)) => next_version(&office, &r, from, &parsed, &canonical, &who)?,
        };
        Ok(Json(json!({ "version": version.to_string() })))
    })
    .await
}

/// Keeps what the page holds, saved or not, as the writer's draft.
async fn draft(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Param(name): Param<String>,
    Params(at): Params<At>,
    Text(text): Text,
) -> Result<StatusCode, DeskError> {
    if text.len() > crate::model::limits::MAX_INPUT_BYTES {
        return Err(DeskError::TooLarge);
    }
    let from = at.number()?;
    blocking(move || {
        let (Some(r), Some(from)) = (report(&office, &who, &name)?, from) else {
            // A report never saved has nowhere to keep a draft: the page
            // keeps it until the first save.
            return Err(DeskError::StaleDraft);
        };
        if office.store.put_draft(r.id, who.id, from, &text)? {
            Ok(StatusCode::NO_CONTENT)
        } else {
            Err(DeskError::StaleDraft)
        }
    })
    .await
}

/// What the new-report form sends (the agency is the writer's own).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewReport {
    #[serde(rename = "agency")]
    _agency: Option<String>,
    year: Year,
    format: Option<String>,
    #[serde(rename = "from")]
    _from: Option<String>,
}

/// A new report's text for the writer's agency: from last year's report
/// when the agency has one (its 结转下年度 as 上年结转, its prose's
/// sub-headings and run-in leads).
async fn new(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    JsonBody(n): JsonBody<NewReport>,
) -> Result<Json<Value>, DeskError> {
    let format = template(n.format.as_deref(), n.year.0)?;
    blocking(move || Ok(Json(json!({ "text": started(&office, agency(&who)?, n.year.0, format)? })))).await
}
