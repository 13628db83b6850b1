//! Running the backends: a laid-out report to the bytes of each format
//! asked for. Nothing here touches the file system ([`crate::write`] puts
//! the bytes in place) or decides whether a report may be rendered
//! ([`crate::pipeline`] does, once).

use crate::docx::{self, DocxError, DocxFonts};
use crate::fonts::Fonts;
use crate::format::Format;
use crate::layout::Document;
use crate::model::Report;
use crate::pdf::{self, PdfError, PdfStandard};

/// How outputs are written, whatever the format.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Font families the DOCX names.
    pub docx_fonts: DocxFonts,
    /// Standards the PDF conforms to (PDF/A for archives).
    pub pdf_standards: Vec<PdfStandard>,
}

/// A backend could not write the document. With validated input this is a
/// bug or a resource problem, never the report writer's fault.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error(transparent)]
    Docx(#[from] DocxError),
}

/// One rendered output: a file's bytes, or a folder's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rendered {
    File(Vec<u8>),
    /// `(file name, bytes)` of each file in the folder.
    Folder(Vec<(&'static str, Vec<u8>)>),
}

/// Renders a report, laid out as `document`, in one format.
pub fn render(
    format: Format,
    report: &Report,
    document: &Document,
    fonts: &Fonts,
    settings: &Settings,
) -> Result<Rendered, RenderError> {
    Ok(match format {
        Format::Pdf => Rendered::File(pdf::render(document, fonts, &settings.pdf_standards)?),
        Format::Docx => Rendered::File(docx::render(document, settings.docx_fonts)?),
        Format::Typst => Rendered::Folder(pdf::export(document, fonts)),
        Format::Json => Rendered::File(crate::model::to_json_text(report).into_bytes()),
        Format::Html => Rendered::File(crate::html::render(document).into_bytes()),
    })
}

/// Renders a report in every format asked for, all before any is
/// written, so that a failure writes nothing.
pub fn render_all(
    formats: &[Format],
    report: &Report,
    document: &Document,
    fonts: &Fonts,
    settings: &Settings,
) -> Result<Vec<(Format, Rendered)>, RenderError> {
    formats.iter().map(|&f| render(f, report, document, fonts, settings).map(|out| (f, out))).collect()
}
