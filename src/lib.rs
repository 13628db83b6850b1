//! nianbao (年报) typesets China's 政府信息公开工作年度报告 from JSON, and
//! reads published reports back into it.
//!
//! # Layers
//! - **Form** ([`form`]): the official template, the one definition of
//!   every label, heading and cell structure (and the wording real reports
//!   use instead) that every layer below reads.
//! - **Model** ([`model`]): the JSON input contract parsed into a typed
//!   [`model::Report`], each error naming its JSON path and line;
//!   [`model::validate`] applies the contract's limits to a report however
//!   it was made.
//! - **Import** ([`import`]): saved web pages, texts, Word files and PDFs
//!   into the same report.
//! - **Checks** ([`check`]): the 勾稽 rules, as findings naming section, row
//!   and column in the report's words.
//! - **Layout** ([`layout`]): one document model — title, headings,
//!   paragraphs, tables as grids of merged cells — that no backend needs to
//!   re-derive.
//! - **Backends** ([`render`], by [`format::Format`]): [`pdf`] typesets the
//!   layout with embedded Typst, serving only the bundled template, the
//!   layout data and the fonts ([`fonts`]); [`docx`] writes it for Word;
//!   [`html`] as a web page. [`write`] puts outputs on disk atomically.
//! - **The door** ([`pipeline`]): the one path from an input to its outputs
//!   — read, check, lay out, judge, render — with one verdict (rendered,
//!   refused, failed) that every front end maps to its own terms.
//! - **Front ends**: the command line (`src/bin/nianbao`), [`batch`] (many
//!   reports on all cores), [`serve`] (the writer's desk over HTTP) and
//!   [`sum`] (the 汇总 of many agencies), each walking through the door.

pub mod batch;
pub mod check;
pub mod docx;
pub mod example;
pub mod fonts;
pub mod form;
pub mod format;
pub mod html;
pub mod import;
pub mod io_error;
pub mod layout;
pub mod model;
pub mod office;
pub mod pdf;
pub mod pipeline;
mod random;
pub mod render;
pub mod repeats;
pub mod schema;
pub mod serve;
pub mod sum;
pub mod write;
