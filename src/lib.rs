//! nianbao (年报) typesets China's 政府信息公开工作年度报告 from JSON.
//!
//! # Stages
//! - **Model** ([`model`]): the JSON input contract is parsed into a typed
//!   [`model::Report`]; every syntax or type error names its JSON path and
//!   line. The shape of each table comes from [`form`], the one definition
//!   of the official labels and cell structure.
//! - **Checks** ([`check`]): the 勾稽 rules of FORMAT.md turn into findings,
//!   each naming section, row and column in the report's words.
//! - **Layout** ([`layout`]): the report becomes one document model — title,
//!   headings, paragraphs, tables as grids of merged cells — that no backend
//!   needs to re-derive.
//! - **Backends**: [`pdf`] typesets the layout with embedded Typst, serving
//!   only the bundled template, the layout data and the fonts ([`fonts`]);
//!   [`docx`] writes it for Word; [`html`] as a web page.

pub mod batch;
pub mod check;
pub mod docx;
pub mod example;
pub mod fonts;
pub mod form;
pub mod format;
pub mod html;
pub mod import;
pub mod layout;
pub mod model;
pub mod pdf;
pub mod pipeline;
pub mod render;
pub mod repeats;
pub mod schema;
pub mod serve;
pub mod sum;
pub mod write;
