//! The PDF backend: the layout, as data, typeset by the embedded Typst
//! template with the chosen fonts.

mod world;

use typst::diag::SourceDiagnostic;
use typst::foundations::Smart;
use typst_layout::PagedDocument;
pub use typst_pdf::PdfStandard;

use crate::fonts::Fonts;
use crate::layout::Document;
use world::ReportWorld;

/// Typst could not typeset the document. With the bundled template and
/// validated data this is a bug, reported with Typst's own words.
#[derive(Debug, thiserror::Error)]
#[error("排版失败（Typst）：{0}")]
pub struct PdfError(String);

/// Lays a document out into pages (without writing the PDF).
pub fn typeset(doc: &Document, fonts: &Fonts) -> Result<PagedDocument, PdfError> {
    let world = ReportWorld::new(doc, fonts);
    typst::compile::<PagedDocument>(&world).output.map_err(|errs| describe(&errs))
}

/// Typesets a document into PDF bytes, conforming to `standards` (e.g.
/// PDF/A-2b for archives; none: plain PDF 1.7). Same document and fonts,
/// same bytes.
pub fn render(doc: &Document, fonts: &Fonts, standards: &[PdfStandard]) -> Result<Vec<u8>, PdfError> {
    let standards = typst_pdf::PdfStandards::new(standards).map_err(|e| PdfError(e.message().to_string()))?;
    let paged = typeset(doc, fonts)?;
    let options = typst_pdf::PdfOptions {
        creator: Smart::Custom(Some(format!("nianbao {}", env!("CARGO_PKG_VERSION")))),
        standards,
        ..Default::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|errs| describe(&errs))
}

fn describe(errs: &[SourceDiagnostic]) -> PdfError {
    PdfError(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("；"))
}
