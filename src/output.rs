//! Output formats, and writing outputs so that a failure never leaves a
//! half-written file and never destroys an older good one.

use std::io::Write;
use std::path::Path;

use crate::docx::{self, DocxFonts};
use crate::fonts::Fonts;
use crate::layout::Document;
use crate::pdf::{self, PdfStandard};

/// How outputs are written, whatever the format.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Font families the DOCX names.
    pub docx_fonts: DocxFonts,
    /// Standards the PDF conforms to (PDF/A for archives).
    pub pdf_standards: Vec<PdfStandard>,
}

/// What a report can be rendered to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }

    /// The format a path's extension names, if any.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }

    /// Renders a document in this format.
    pub fn render(self, doc: &Document, fonts: &Fonts, settings: &Settings) -> Result<Vec<u8>, String> {
        match self {
            Format::Pdf => pdf::render(doc, fonts, &settings.pdf_standards).map_err(|e| e.to_string()),
            Format::Docx => docx::render(doc, settings.docx_fonts).map_err(|e| e.to_string()),
        }
    }
}

/// Renders a document in every format asked for, all before any is
/// written, so that a failure writes nothing.
pub fn render_all(
    doc: &Document,
    formats: &[Format],
    fonts: &Fonts,
    settings: &Settings,
) -> Result<Vec<(Format, Vec<u8>)>, String> {
    formats.iter().map(|&f| f.render(doc, fonts, settings).map(|bytes| (f, bytes))).collect()
}

/// Writes `bytes` to a temporary file beside `target`, then renames it into
/// place: readers see the old file or the new one, never a part.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target.file_name().ok_or_else(|| std::io::Error::other("输出路径没有文件名"))?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Whether two paths name the same file (an output must never overwrite
/// its own input).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
