//! The reviewer's view of a region: every agency of its roster (and of
//! the regions below) with its report's state, findings, continuity with
//! last year and the share of 一 and 五 repeated from it; the region's
//! 汇总 over the approved reports, with the agencies still missing named;
//! one zip of every approved report's frozen files and the 汇总; and last
//! year's published reports brought in, matched to the roster by name.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};

use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::access::{may_read, may_review, Place};
use super::reports::download;
use super::store::{Account, BoardRow, Region, State as Stage};
use super::{chart, Office, Who, Year};
use crate::check::{self, Severity};
use crate::model::{self, Report};
use crate::serve::http::{blocking, CancelOnDrop};
use crate::serve::{export, Body, DeskError, ExportFormat, Params};
use crate::sum::{self, Member};

pub fn routes() -> Router<Arc<Office>> {
    Router::new()
        .route("/api/office/board", get(board))
        .route("/api/office/sum", get(summed))
        .route("/api/office/archive", get(archive))
        .route("/api/office/chart", get(chart))
        .route("/api/office/past", post(past).layer(DefaultBodyLimit::max(super::MAX_UPLOAD)))
}

/// What the board shows of one version of a report.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Why its text cannot be read, if it cannot.
    unreadable: Option<String>,
    refusals: Vec<String>,
    notes: usize,
    /// Columns where this year's 上年结转 differs from last year's 结转.
    carried: Vec<String>,
    /// The share (0–100) of 一、总体情况 and of 五、存在的主要问题 repeated
    /// from last year.
    repeated_overview: Option<u32>,
    repeated_problems: Option<u32>,
}

impl Summary {
    fn of(body: &str, last: Option<&str>) -> Summary {
        let report = match model::parse_str(body) {
            Ok(r) => r,
            Err(e) => return Summary { unreadable: Some(e.to_string()), ..Summary::default() },
        };
        let findings = check::findings(&report);
        let last = last.and_then(|l| model::parse_str(l).ok());
        Summary {
            unreadable: None,
            refusals: findings.iter().filter(|f| f.severity == Severity::Refusal).map(|f| f.to_string()).collect(),
            notes: findings.iter().filter(|f| f.severity == Severity::Note).count(),
            carried: last.as_ref().map_or(Vec::new(), |l| {
                crate::batch::carried(&report, l, false).iter().map(|f| f.to_string()).collect()
            }),
            repeated_overview: last.as_ref().map(|l| crate::repeats::share(&report.overview, &l.overview)),
            repeated_problems: last.as_ref().map(|l| crate::repeats::share(&report.problems, &l.problems)),
        }
    }
}

/// The board's findings by (version, last year's version): a version
/// never changes, so neither do they.
pub type Summaries = HashMap<(i64, Option<i64>), Arc<Summary>>;

/// A region the account may oversee (its board, 汇总 and archive).
fn region(office: &Office, who: &Account, id: i64) -> Result<(Region, Place), DeskError> {
    let missing = || DeskError::NotFound(format!("编号为 {id} 的地区"));
    let found = office.store.region(id)?.ok_or_else(missing)?;
    let place = Place { agency: None, regions: office.store.region_chain(id)? };
    if !may_read(who, &place) {
        return Err(missing());
    }
    Ok((found, place))
}

#[derive(Deserialize)]
struct RegionYear {
    region: i64,
    year: Year,
}

/// Each row's findings, computed once per version.
fn summary(office: &Office, row: &BoardRow) -> Option<Arc<Summary>> {
    let (report, body) = (row.report.as_ref()?, row.body.as_deref()?);
    let key = (report.head, row.last_year.as_ref().map(|l| l.0));
    let cached = office.summaries.lock().unwrap_or_else(PoisonError::into_inner).get(&key).cloned();
    if let Some(s) = cached {
        return Some(s);
    }
    let made = Arc::new(Summary::of(body, row.last_year.as_ref().map(|l| l.1.as_str())));
    let mut cache = office.summaries.lock().unwrap_or_else(PoisonError::into_inner);
    if cache.len() > 20_000 {
        cache.clear();
    }
    cache.insert(key, made.clone());
    Some(made)
}

/// The board of a region for a year.
async fn board(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Params(q): Params<RegionYear>,
) -> Result<Json<Value>, DeskError> {
    blocking(move || {
        let (found, _) = region(&office, &who, q.region)?;
        let rows = office.store.board(q.region, q.year.0)?;
        let regions = region_names(&office)?;
        let mut counts = std::collections::BTreeMap::<&str, usize>::new();
        let list: Vec<Value> = rows
            .iter()
            .map(|row| {
                let state = row.report.as_ref().map(|r| r.state);
                *counts.entry(state.map_or("not_started", |s| s.as_str())).or_default() += 1;
                json!({
                    "agency": row.agency,
                    "agency_name": row.agency_name,
                    "region_name": regions.get(&row.region),
                    "report": row.report.as_ref().map(|r| r.id),
                    "version": row.report.as_ref().map(|r| r.head),
                    "state": state.map_or("not_started", |s| s.as_str()),
                    "state_title": state.map_or("未开始", |s| s.title()),
                    "updated": row.report.as_ref().map(|r| r.updated),
                    "author": row.author,
                    "has_last_year": row.last_year.is_some(),
                    "summary": summary(&office, row).as_deref(),
                })
            })
            .collect();
        Ok(Json(json!({ "region": found, "year": q.year.0, "counts": counts, "rows": list })))
    })
    .await
}

/// A region's year: every agency under it with its report, and the name
/// each is counted and filed under ([`distinct_names`], given the
/// [`region_names`]).
fn roll(
    office: &Office,
    regions: &HashMap<i64, String>,
    region: i64,
    year: i64,
) -> Result<(Vec<BoardRow>, Vec<String>), DeskError> {
    let rows = office.store.board(region, year)?;
    let names = distinct_names(regions, &rows);
    Ok((rows, names))
}

/// The approved reports of a [`roll`], and the agencies without one.
fn approved(rows: &[BoardRow], names: &[String]) -> Result<(Vec<Member>, Vec<String>), DeskError> {
    let mut members = Vec::new();
    let mut missing = Vec::new();
    for (row, name) in rows.iter().zip(names.iter().cloned()) {
        match (&row.report, &row.body) {
            (Some(r), Some(body)) if r.state.approved() => {
                let mut report = model::parse_str(body)?;
                // Counted as the roster's agency it is, whatever the text
                // calls it: two counties' 公安局 are two agencies.
                report.agency = name.clone();
                members.push(Member { name, report });
            }
            _ => missing.push(name),
        }
    }
    Ok((members, missing))
}

/// The rows' agencies by name, those of one name in two regions (each
/// county has its 公安局) told apart by their region's name.
fn distinct_names(regions: &HashMap<i64, String>, rows: &[BoardRow]) -> Vec<String> {
    let mut named = HashMap::<&str, usize>::new();
    for row in rows {
        *named.entry(&row.agency_name).or_default() += 1;
    }
    rows.iter()
        .map(|row| match named[row.agency_name.as_str()] {
            1 => row.agency_name.clone(),
            _ => format!("{}（{}）", row.agency_name, regions.get(&row.region).map_or("", String::as_str)),
        })
        .collect()
}

/// Every region's name by its id.
fn region_names(office: &Office) -> Result<HashMap<i64, String>, DeskError> {
    Ok(office.store.regions()?.into_iter().map(|r| (r.id, r.name)).collect())
}

/// The 汇总's name: the region's own.
fn sum_of(found: &Region, members: &[Member]) -> Result<sum::Summed, DeskError> {
    sum::sum(members, &found.name, false).map_err(|e| DeskError::Refused(e.to_string()))
}

#[derive(Deserialize)]
struct SumQuery {
    region: i64,
    year: Year,
    /// `json` (the default: the board's view, with who is missing),
    /// `report` (the 汇总 as contract JSON, to download), `pdf`, `xlsx`.
    format: Option<String>,
}

/// The region's 汇总 over the approved reports of the year.
async fn summed(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Params(q): Params<SumQuery>,
) -> Result<Response, DeskError> {
    blocking(move || {
        let (found, _) = region(&office, &who, q.region)?;
        let (rows, names) = roll(&office, &region_names(&office)?, q.region, q.year.0)?;
        let (members, missing) = approved(&rows, &names)?;
        let format = q.format.as_deref().unwrap_or("json");
        if members.is_empty() {
            return match format {
                "json" => Ok(Json(json!({ "included": [], "missing": missing, "report": null })).into_response()),
                _ => Err(DeskError::Refused("还没有通过审核的报告，没有可汇总的".into())),
            };
        }
        let summed = sum_of(&found, &members)?;
        let name = format!("{}-{}-汇总", found.name, q.year.0);
        match format {
            "json" => Ok(Json(json!({
                "included": summed.included, "left_out": summed.left_out, "missing": missing,
                "figures": sum::cells(&summed.report).into_iter().map(|(name, c)| json!([name, c.text()])).collect::<Vec<_>>(),
                "report": serde_json::from_str::<Value>(&model::to_json_text(&summed.report)).ok(),
            }))
            .into_response()),
            "report" => {
                let text = model::to_json_text(&summed.report);
                Ok(download("application/json", &format!("{name}.json"), text.into_bytes()))
            }
            "pdf" => {
                let text = model::to_json_text(&summed.report);
                let (mime, bytes) = office.typeset(|| export(&text, ExportFormat::Pdf, true, &office.fonts))?;
                Ok(download(mime, &format!("{name}.pdf"), bytes))
            }
            "xlsx" => {
                let used = summed.used(&members);
                let bytes = sum::workbook(&used, &summed.report).map_err(|e| DeskError::Internal(e.to_string()))?;
                let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                Ok(download(mime, &format!("{name}.xlsx"), bytes))
            }
            other => Err(DeskError::request(format!("汇总只能下载为 report（JSON）、pdf 或 xlsx，不是“{other}”"))),
        }
    })
    .await
}

#[derive(Deserialize)]
struct RegionQuery {
    region: i64,
}

/// The region's main figures over the years, as SVG: each year's 汇总 of
/// the approved and past published reports.
async fn chart(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Params(q): Params<RegionQuery>,
) -> Result<Response, DeskError> {
    blocking(move || {
        let (found, _) = region(&office, &who, q.region)?;
        let mut years = Vec::new();
        let regions = region_names(&office)?;
        for year in office.store.years_under(q.region)? {
            let (rows, names) = roll(&office, &regions, q.region, year)?;
            let (members, _) = approved(&rows, &names)?;
            if let Ok(summed) = sum::sum(&members, &found.name, false) {
                years.push(chart::Figures::of(&summed.report));
            }
        }
        let title = format!("{}：依申请公开与复议、诉讼（已通过和往年已发布的报告）", found.name);
        Ok(([(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")], chart::svg(&title, &years)).into_response())
    })
    .await
}

/// A name safe as one part of a path in a zip.
fn entry_name(name: &str) -> String {
    name.chars().map(|c| if matches!(c, '/' | '\\' | ':' | '\0') || c.is_control() { '_' } else { c }).collect()
}

/// Every approved report's frozen files, and the 汇总 (JSON, PDF, Excel),
/// as one zip.
async fn archive(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Params(q): Params<RegionYear>,
) -> Result<Response, DeskError> {
    blocking(move || {
        let (found, _) = region(&office, &who, q.region)?;
        let (rows, names) = roll(&office, &region_names(&office)?, q.region, q.year.0)?;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let fail = |e: &dyn std::fmt::Display| DeskError::Internal(format!("压缩包没有做成：{e}"));
        let mut put = |name: &str, bytes: &[u8]| -> Result<(), DeskError> {
            zip.start_file(name, options).map_err(|e| fail(&e))?;
            zip.write_all(bytes).map_err(|e| fail(&e))
        };
        for (row, agency) in rows.iter().zip(&names) {
            let Some(report) = row.report.as_ref().filter(|r| r.state.approved()) else { continue };
            for ext in ["pdf", "docx", "html"] {
                if let Some(f) = office.store.frozen(report.id, ext)? {
                    let name = entry_name(&format!("{agency}-{}", q.year.0));
                    put(&format!("{name}/{name}.{ext}"), &f.bytes)?;
                }
            }
        }
        let (members, missing) = approved(&rows, &names)?;
        if !members.is_empty() {
            let summed = sum_of(&found, &members)?;
            let text = model::to_json_text(&summed.report);
            let name = entry_name(&format!("{}-{}-汇总", found.name, q.year.0));
            put(&format!("{name}.json"), text.as_bytes())?;
            let (_, pdf) = office.typeset(|| export(&text, ExportFormat::Pdf, true, &office.fonts))?;
            put(&format!("{name}.pdf"), &pdf)?;
            let used = summed.used(&members);
            let sheet = sum::workbook(&used, &summed.report).map_err(|e| DeskError::Internal(e.to_string()))?;
            put(&format!("{name}.xlsx"), &sheet)?;
        }
        if !missing.is_empty() {
            put("未通过审核或未报送的机关.txt", format!("{}\n", missing.join("\n")).as_bytes())?;
        }
        let bytes = zip.finish().map_err(|e| fail(&e))?.into_inner();
        Ok(download("application/zip", &format!("{}-{}.zip", found.name, q.year.0), bytes))
    })
    .await
}

/// The most files an upload of past reports may hold, and the most any
/// one of them and all of them may unpack to.
const MAX_FILES: usize = 500;
const MAX_FILE: u64 = 32 << 20;
const MAX_TOTAL: u64 = 256 << 20;

#[derive(Deserialize)]
struct PastQuery {
    region: i64,
    /// The year the board shows: the reports brought in are of years
    /// before it.
    year: Year,
    /// The upload's file name: a `.zip` of reports, or one report.
    file: String,
}

/// Calls `each` with every file of an upload, one at a time: the members
/// of a zip (by their base names; folders skipped; bounded in count and
/// size, so a zip bomb is refused as it unpacks), or the one file.
fn each_file(
    file: &str,
    bytes: &[u8],
    mut each: impl FnMut(&str, &[u8]) -> Result<(), DeskError>,
) -> Result<(), DeskError> {
    if !file.to_lowercase().ends_with(".zip") {
        return each(file, bytes);
    }
    let bad = |m: String| DeskError::invalid(format!("{file}：{m}"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(format!("不是能读的 zip：{e}")))?;
    if zip.len() > MAX_FILES {
        return Err(bad(format!("有 {} 个文件，一次最多 {MAX_FILES} 个", zip.len())));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| bad(e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let raw = entry.name().map_err(|e| bad(e.to_string()))?.replace('\\', "/");
        let base = raw.rsplit('/').next().unwrap_or_default().to_string();
        if base.is_empty() || base.starts_with('.') || raw.starts_with("__MACOSX/") {
            continue;
        }
        let mut data = Vec::new();
        entry.take(MAX_FILE + 1).read_to_end(&mut data).map_err(|e| bad(format!("{raw} 解不开：{e}")))?;
        if data.len() as u64 > MAX_FILE {
            return Err(bad(format!("{raw} 解压后超过 {} MB，不像一份报告", MAX_FILE >> 20)));
        }
        total += data.len() as u64;
        if total > MAX_TOTAL {
            return Err(bad(format!("解压后超过 {} MB", MAX_TOTAL >> 20)));
        }
        each(&base, &data)?;
    }
    Ok(())
}

/// Published reports of years before the board's brought in: each file
/// imported and matched to the roster agency of the same name (spaces
/// aside, or the one whose name holds the report's or is held in it);
/// unmatched, unreadable and not-past files are listed, and nothing of
/// them is stored. A report the agency already has for its year is left
/// as it is. Who may is checked before the upload is read; the import
/// stops when the client leaves.
async fn past(
    State(office): State<Arc<Office>>,
    Who(who): Who,
    Params(q): Params<PastQuery>,
    request: Request,
) -> Result<Json<Value>, DeskError> {
    let (o, w) = (office.clone(), who.clone());
    blocking(move || {
        let (_, place) = region(&o, &w, q.region)?;
        if !may_review(&w, &place) {
            return Err(DeskError::Forbidden("只有审核人或管理员可以导入往年报告".into()));
        }
        Ok(())
    })
    .await?;
    let Body(body) = Body::from_request(request, &office).await?;
    let cancel = CancelOnDrop(Arc::new(AtomicBool::new(false)));
    let stop = cancel.0.clone();
    blocking(move || {
        let roster = office.store.agencies_under(q.region)?;
        let (mut matched, mut unmatched) = (Vec::new(), Vec::new());
        each_file(&q.file, &body, |name, bytes| {
            if stop.load(Ordering::Relaxed) {
                return Err(DeskError::Internal("导入已取消".into()));
            }
            let imported = crate::serve::import(name, bytes, &stop);
            let (text, report): (String, Report) =
                match imported.and_then(|(t, _)| Ok((t.clone(), model::parse_str(&t)?))) {
                    Ok(read) => read,
                    Err(e) => {
                        unmatched.push(json!({ "file": name, "error": e.to_string() }));
                        return Ok(());
                    }
                };
            let agency = report.agency.trim().to_string();
            if report.year >= q.year.0 {
                let why = format!("是 {} 年的报告，不是 {} 年以前的", report.year, q.year.0);
                unmatched.push(json!({ "file": name, "agency": agency, "error": why }));
                return Ok(());
            }
            let exact: Vec<_> = roster.iter().filter(|a| sum::same_name(&a.name, &agency)).collect();
            let hits = if exact.is_empty() {
                roster.iter().filter(|a| sum::holds_name(&a.name, &agency)).collect()
            } else {
                exact
            };
            let [one] = hits.as_slice() else {
                let why =
                    if hits.is_empty() { "名单里没有这个机关" } else { "名单里有几个机关都像它" };
                unmatched.push(json!({ "file": name, "agency": agency, "error": why }));
                return Ok(());
            };
            let created =
                office.store.create_report(one.id, report.year, Stage::Past, &text, Some(who.id), "imported")?;
            matched.push(json!({ "file": name, "agency": one.name, "year": report.year, "stored": created.is_some() }));
            Ok(())
        })?;
        Ok(Json(json!({ "matched": matched, "unmatched": unmatched })))
    })
    .await
}
