//! The DOCX backend: the same layout the PDF is set from, written with
//! docx-rs as a Word document a person edits — named styles with outline
//! levels, real merged cells, page numbers as fields — then brought to the
//! schema order Word requires ([`package`]).

mod package;
mod styles;
mod table;

pub use package::SCHEMA_ORDER;
pub use styles::DocxFonts;

use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, Footer, LineSpacing, PageMargin, PageNum, Paragraph, Run,
};

use crate::layout::{self, Document, Element};
use styles::{style_id, Style};

/// Page geometry of GB/T 9704, in twentieths of a point.
mod page {
    /// Twips per millimetre.
    pub const MM: f64 = 1440.0 / 25.4;
    pub const WIDTH: u32 = 11906;
    pub const HEIGHT: u32 = 16838;
    pub const TOP: f64 = 37.0;
    pub const BOTTOM: f64 = 35.0;
    pub const LEFT: f64 = 28.0;
    pub const RIGHT: f64 = 26.0;
    /// 22 lines in the 225 mm text block.
    pub const LINE_PITCH: f64 = 225.0 / 22.0;
    /// 28 characters in the 156 mm text block.
    pub const CHAR_PITCH: f64 = 156.0 / 28.0;

    pub fn twips(mm: f64) -> i32 {
        (mm * MM).round() as i32
    }
}

/// Writing the package failed (docx-rs or the ZIP writer).
#[derive(Debug, thiserror::Error)]
#[error("生成 Word 文件失败：{0}")]
pub struct DocxError(String);

/// Writes a document as DOCX bytes. Same document, same bytes.
pub fn render(doc: &Document, fonts: DocxFonts) -> Result<Vec<u8>, DocxError> {
    let mut docx = Docx::new()
        .page_size(page::WIDTH, page::HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(page::twips(page::TOP))
                .bottom(page::twips(page::BOTTOM))
                .left(page::twips(page::LEFT))
                .right(page::twips(page::RIGHT))
                .header(page::twips(15.0))
                .footer(page::twips(styles::FOOTER_DISTANCE_MM)),
        )
        .default_fonts(styles::run_fonts(fonts, layout::Face::Fang))
        .default_size(styles::BODY_SIZE)
        .footer(page_number(fonts, Style::PageNumberOdd))
        .even_footer(page_number(fonts, Style::PageNumberEven));
    // The grid: 22 lines of 28.95 pt. The 28 characters a line come from
    // the styles' character spacing, not a character grid: with a negative
    // charSpace, LibreOffice gives each 16 pt character two grid cells and
    // spreads the text, while Word and WPS lay out a line grid alike. The
    // charSpace is still written, for editors that show it.
    let char_space = ((page::CHAR_PITCH * page::MM / 20.0 - 16.0) * 4096.0).round() as isize;
    docx.document = docx.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(page::twips(page::LINE_PITCH) as usize)
            .char_space(char_space),
    );
    for style in styles::all(fonts) {
        docx = docx.add_style(style);
    }
    let mut header_rows = Vec::new();
    for (i, block) in doc.blocks.iter().enumerate() {
        // What must not end a page: a heading, the text just before a
        // table, and the text before the signature (which takes its last
        // lines over with it).
        let keep = matches!(doc.blocks.get(i + 1), Some(Element::Table(_) | Element::Signature { .. }));
        docx = match block {
            Element::Title { lines } => {
                let mut p = Paragraph::new().style(&style_id(Style::Title));
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
                    }
                    p = p.add_run(run(fonts, line));
                }
                docx.add_paragraph(p)
            }
            Element::Heading { level, runs } => {
                docx.add_paragraph(paragraph(fonts, Style::Heading(*level), runs).keep_next(true).keep_lines(true))
            }
            Element::Paragraph { runs } => {
                docx.add_paragraph(paragraph(fonts, Style::Body, runs).widow_control(true).keep_next(keep))
            }
            Element::Signature { lines } => lines.iter().enumerate().fold(docx, |docx, (i, line)| {
                // The agency and the date stay together.
                let p = paragraph(fonts, Style::Signature, std::slice::from_ref(line))
                    .keep_lines(true)
                    .keep_next(i + 1 < lines.len());
                // Two blank grid lines between the text and the signature.
                let before = 2 * page::twips(page::LINE_PITCH) as u32;
                docx.add_paragraph(if i == 0 { p.line_spacing(LineSpacing::new().before(before)) } else { p })
            }),
            Element::Table(t) => {
                header_rows.push(t.header_rows);
                docx.add_table(table::table(t, fonts))
            }
        };
    }
    package::pack(docx.build(), &header_rows, &doc.meta).map_err(|e| DocxError(e.to_string()))
}

fn run(fonts: DocxFonts, r: &layout::Run) -> Run {
    let mut out = Run::new().add_text(&r.text).fonts(styles::run_fonts(fonts, r.face));
    if styles::bold(fonts, r.face) {
        out = out.bold();
    }
    out
}

fn paragraph(fonts: DocxFonts, style: Style, runs: &[layout::Run]) -> Paragraph {
    runs.iter().fold(Paragraph::new().style(&style_id(style)), |p, r| p.add_run(run(fonts, r)))
}

/// `— N —` with N a PAGE field, in the odd or even footer.
fn page_number(fonts: DocxFonts, style: Style) -> Footer {
    let face = layout::Face::Song;
    let dash = |text: &str| Run::new().add_text(text).fonts(styles::run_fonts(fonts, face));
    let p = Paragraph::new()
        .style(&style_id(style))
        .align(if style == Style::PageNumberOdd { AlignmentType::Right } else { AlignmentType::Left })
        .add_run(dash("— "))
        .add_page_num(PageNum::new())
        .add_run(dash(" —"));
    Footer::new().add_paragraph(p)
}
