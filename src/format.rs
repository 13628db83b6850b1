//! What a report can be rendered to: the output formats, their file
//! extensions, and which of them is a folder.

use std::path::Path;

/// What a report can be rendered to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Pdf,
    Docx,
    /// The Typst source of the PDF: a folder with the template and the
    /// layout data, for an agency that wants its own touches.
    Typst,
    /// The report in the input contract: what an imported page becomes,
    /// for the office to keep as data from then on.
    Json,
    /// One self-contained web page, for the agency's website.
    Html,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 5] = [Format::Pdf, Format::Docx, Format::Typst, Format::Json, Format::Html];

    /// The extension of the file (or folder) this format writes.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Typst => "typst",
            Format::Json => "json",
            Format::Html => "html",
        }
    }

    /// The media type a download of this format is served as.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Typst => "application/octet-stream",
            Format::Json => "application/json",
            Format::Html => "text/html; charset=utf-8",
        }
    }

    /// Whether the output is a folder rather than a file.
    pub fn is_folder(self) -> bool {
        self == Format::Typst
    }

    /// Whether the format is typeset by Typst, and so needs every
    /// character in a bundled font.
    pub fn is_typeset(self) -> bool {
        matches!(self, Format::Pdf | Format::Typst)
    }

    /// The format a path's extension names, if any.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.extension() == ext)
    }

    /// Every format's extension, as a list for messages (`.pdf、.docx…`).
    pub fn extensions() -> String {
        let list: Vec<String> = Format::ALL.iter().map(|f| format!(".{}", f.extension())).collect();
        list.join("、")
    }
}
