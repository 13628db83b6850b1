//! The endpoints that only compute on the text a page sends — check it,
//! preview its pages, fill its totals or blanks, export it, import a
//! published file — shared by the writer's desk and the office: each
//! server gives them its fonts.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::http::{blocking, CancelOnDrop};
use super::{
    check, edited, export, import, preview_pages, Body, DeskError, ExportFormat, FormState, PageRange, Param, Params,
    Preview, Text,
};
use crate::fonts::Fonts;

/// A server state that has the bundled fonts.
pub trait HasFonts: Send + Sync + 'static {
    fn fonts(&self) -> &Fonts;
}

/// The routes, for a server whose state is `Arc<S>`.
pub fn routes<S: HasFonts>() -> Router<Arc<S>> {
    Router::new()
        .route("/api/check", post(check_text::<S>))
        .route("/api/preview", post(preview_text::<S>))
        .route("/api/fill-totals", post(|Text(text): Text| edit(text, crate::model::fill_totals)))
        .route("/api/zero-blanks", post(|Text(text): Text| edit(text, crate::model::zero_blanks)))
        .route("/api/export/{format}", post(export_as::<S>))
        .route("/api/import/{file}", post(import_file))
}

async fn check_text<S: HasFonts>(State(desk): State<Arc<S>>, Text(text): Text) -> Result<Json<FormState>, DeskError> {
    blocking(move || check(&text, desk.fonts())).await.map(Json)
}

#[derive(Deserialize)]
struct PreviewQuery {
    focus: Option<String>,
    from: Option<usize>,
    to: Option<usize>,
}

/// A window of the pages: around the focus, or the range asked, or the
/// first ones; with the number of pages.
async fn preview_text<S: HasFonts>(
    State(desk): State<Arc<S>>,
    Params(q): Params<PreviewQuery>,
    Text(text): Text,
) -> Result<Json<Preview>, DeskError> {
    blocking(move || {
        let out = preview_pages(&text, q.focus.as_deref(), PageRange { from: q.from, to: q.to }, desk.fonts());
        // Keep recent memo entries (the next edit reuses them), so memory
        // stays flat over a long session.
        typst::comemo::evict(10);
        out
    })
    .await
    .map(Json)
}

/// The report with one of the model's edits made (补全合计, 空白补零), as
/// canonical JSON.
async fn edit(text: String, how: fn(&mut crate::model::Report)) -> Result<Response, DeskError> {
    let edited = blocking(move || edited(&text, how)).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], edited).into_response())
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    allow_inconsistent: bool,
}

async fn export_as<S: HasFonts>(
    State(desk): State<Arc<S>>,
    Param(format): Param<ExportFormat>,
    Params(q): Params<ExportQuery>,
    Text(text): Text,
) -> Result<Response, DeskError> {
    let (mime, bytes) = blocking(move || export(&text, format, q.allow_inconsistent, desk.fonts())).await?;
    Ok(([(header::CONTENT_TYPE, mime)], bytes).into_response())
}

async fn import_file(Param(file): Param<String>, Body(body): Body) -> Result<Json<serde_json::Value>, DeskError> {
    // Dropped with this handler when the client goes away (or the desk
    // shuts down): the import stops instead of reading on for no one.
    let cancel = CancelOnDrop(Arc::new(AtomicBool::new(false)));
    let flag = cancel.0.clone();
    let (text, reader) = blocking(move || import(&file, &body, &flag)).await?;
    Ok(Json(json!({ "text": text, "reader": reader })))
}
