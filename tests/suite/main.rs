//! The integration tests, in one binary so that Typst is linked once: each
//! module runs the real `nianbao` binary (or the library) and reads the
//! outputs back with real tools — poppler, qpdf, LibreOffice.

mod common;

mod aggregate;
mod batch;
mod breaks;
mod characters;
mod cli;
mod corpus;
mod deploy;
mod desk_hardening;
mod docx;
mod door;
mod errors;
mod files;
mod hardening;
mod html;
mod import;
mod january;
mod office;
mod printed;
mod properties;
mod render;
mod serve;
