//! The office's pages: static HTML and scripts, no data in them (every
//! figure arrives through the API, as text, never as markup). The
//! writer's desk and the review page are the desk's own page
//! (`serve/assets`) with `office-desk.js` beside it.

use std::sync::Arc;

use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::store::Role;
use super::{Office, Who};
use crate::serve::{script, style, APP_CSS, APP_JS, COMMON_JS, INDEX as DESK};

const LOGIN: &str = include_str!("assets/login.html");
const INVITE: &str = include_str!("assets/invite.html");
const BOARD: &str = include_str!("assets/board.html");
const ADMIN: &str = include_str!("assets/admin.html");
const OFFICE_JS: &str = include_str!("assets/office.js");
const OFFICE_DESK_JS: &str = include_str!("assets/office-desk.js");
const OFFICE_CSS: &str = include_str!("assets/office.css");

fn html(page: &'static str) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

/// The desk's page, with the office's bar and scripts beside the desk's;
/// for review, a page of the one report being reviewed (no list of
/// reports: a reviewer has none at the desk).
fn desk_page(review: bool) -> Response {
    let body = if review { "<body data-one-report>" } else { "<body>" };
    let page = DESK
        .replace("<body>", body)
        .replace(
            "<script src=\"/assets/app.js\" defer></script>",
            "<script src=\"/assets/app.js\" defer></script>\n<script src=\"/assets/office.js\" defer></script>\n\
             <script src=\"/assets/office-desk.js\" defer></script>\n\
             <link rel=\"stylesheet\" href=\"/assets/office.css\">",
        )
        .replace(
            "<main>",
            "<nav id=\"office-bar\"><span id=\"office-who\"></span> <span id=\"office-state\" role=\"status\"></span> \
             <button type=\"button\" id=\"office-submit\" hidden>提交审核</button> \
             <button type=\"button\" id=\"office-logout\">退出登录</button></nav>\n\
             <aside id=\"office-comments\" hidden aria-label=\"审核意见\"><h2>审核意见</h2><ul></ul></aside>\n<main>",
        );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

/// Where `/` leads: the sign-in, the writer's desk, or the board.
async fn home(who: Option<Who>) -> Redirect {
    match who.map(|w| w.0.role) {
        None => Redirect::to("/login"),
        Some(Role::Writer) => Redirect::to("/desk"),
        Some(Role::Reviewer) => Redirect::to("/board"),
        Some(Role::Admin) => Redirect::to("/admin"),
    }
}

pub fn routes() -> Router<Arc<Office>> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(|| async { html(LOGIN) }))
        .route("/invite/{secret}", get(|| async { html(INVITE) }))
        .route("/board", get(|| async { html(BOARD) }))
        .route("/admin", get(|| async { html(ADMIN) }))
        .route("/desk", get(|| async { desk_page(false) }))
        .route("/review/{id}", get(|| async { desk_page(true) }))
        .route("/assets/office.js", get(|| async { script(OFFICE_JS) }))
        .route("/assets/office-desk.js", get(|| async { script(OFFICE_DESK_JS) }))
        .route("/assets/office.css", get(|| async { style(OFFICE_CSS) }))
        .route("/assets/common.js", get(|| async { script(COMMON_JS) }))
        .route("/assets/app.js", get(|| async { script(APP_JS) }))
        .route("/assets/app.css", get(|| async { style(APP_CSS) }))
}
