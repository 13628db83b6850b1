//! The PDF backend: the layout, as data, typeset by the embedded Typst
//! template with the chosen fonts. The same template and data can be
//! exported as a folder that the Typst CLI compiles to the same pages.

mod world;

use std::fmt;

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::Smart;
use typst::syntax::Span;
use typst_layout::PagedDocument;
pub use typst_pdf::PdfStandard;

use crate::fonts::Fonts;
use crate::layout::Document;
use world::ReportWorld;

/// Typst could not typeset or write the document. With the bundled
/// template and validated data this is a bug; Typst's own diagnostics are
/// kept, with the warnings it gave on the way.
#[derive(Debug)]
pub struct PdfError {
    pub errors: Vec<SourceDiagnostic>,
    pub warnings: Vec<SourceDiagnostic>,
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("排版失败（Typst）：")?;
        for (i, d) in self.errors.iter().chain(&self.warnings).enumerate() {
            if i > 0 {
                f.write_str("；")?;
            }
            if d.severity == typst::diag::Severity::Warning {
                f.write_str("警告：")?;
            }
            f.write_str(&d.message)?;
            for hint in &d.hints {
                write!(f, "（{}）", hint.v)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for PdfError {}

/// Lays a document out into pages (without writing the PDF).
pub fn typeset(doc: &Document, fonts: &Fonts) -> Result<PagedDocument, PdfError> {
    let world = ReportWorld::new(doc, fonts);
    let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
    output.map_err(|errors| PdfError { errors: errors.to_vec(), warnings: warnings.to_vec() })
}

/// Typesets a document into PDF bytes, conforming to `standards` (e.g.
/// PDF/A-2b for archives; none: plain PDF 1.7). Same document and fonts,
/// same bytes.
pub fn render(doc: &Document, fonts: &Fonts, standards: &[PdfStandard]) -> Result<Vec<u8>, PdfError> {
    let standards = typst_pdf::PdfStandards::new(standards).map_err(|e| PdfError {
        errors: vec![
            SourceDiagnostic::error(Span::detached(), e.message().clone()).with_hints(e.hints().iter().cloned())
        ],
        warnings: Vec::new(),
    })?;
    let paged = typeset(doc, fonts)?;
    let options = typst_pdf::PdfOptions {
        creator: Smart::Custom(Some(format!("nianbao {}", env!("CARGO_PKG_VERSION")))),
        standards,
        ..Default::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|errors| PdfError { errors: errors.to_vec(), warnings: Vec::new() })
}

/// The file of the Typst source that holds the report's data: rewritten
/// by every export, unlike the template beside it.
pub const DATA_FILE: &str = "layout.json";

/// How to compile an export, in its folder.
const EXPORT_README: &str = "\
这是 nianbao 导出的 Typst 源文件：main.typ 是排版模板，layout.json 是报告的内容和版式，
.otf 是排版用的字体（内置的 Fandol 字体；个别生僻字另有 Noto 字体）。

在本文件夹里用 Typst 排版，得到与 nianbao 相同的页面：

    typst compile main.typ --font-path .

或用 typst-py：typst.compile(\"main.typ\", font_paths=[\".\"])。
导出时用了 --font-path 指定的正式字体的，编译时请再加上同样的 --font-path。
";

/// The Typst source of a document, a folder that compiles anywhere:
/// `main.typ` (the embedded template, unchanged), `layout.json` (the data
/// it reads), the bundled fonts it sets the text in
/// ([`crate::fonts::export_files`]) and a `README.txt` saying how.
/// `typst compile main.typ --font-path .` in the folder gives the same
/// pages as [`render`].
pub fn export(doc: &Document, fonts: &Fonts) -> Vec<(&'static str, Vec<u8>)> {
    let mut data = serde_json::to_vec_pretty(&world::Data::new(doc, fonts)).expect("layout serializes");
    data.push(b'\n');
    let faces = crate::fonts::export_files(&String::from_utf8_lossy(&data));
    let mut files = vec![("main.typ", world::TEMPLATE.as_bytes().to_vec()), (DATA_FILE, data)];
    files.push(("README.txt", EXPORT_README.as_bytes().to_vec()));
    files.extend(faces.into_iter().map(|(name, bytes)| (name, bytes.to_vec())));
    files
}
