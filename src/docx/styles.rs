//! Named styles, one per kind of text, so a user restyles the whole report
//! by editing one style; heading styles carry outline levels so Word's
//! navigation pane shows the sections.

use docx_rs::{AlignmentType, LineSpacing, LineSpacingType, RunFonts, SpecialIndentType, StyleType};

use super::page;
use crate::fonts::{official_names, Fonts};
use crate::layout::{Face, Level};

/// Which font families the document names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DocxFonts {
    /// The official families (方正小标宋简体, 黑体, 楷体_GB2312, 仿宋_GB2312,
    /// 宋体), which report writers' machines have.
    #[default]
    Official,
    /// The bundled free Fandol families.
    Fandol,
}

/// Body text is 3号: 16 pt, in half-points.
pub const BODY_SIZE: usize = 32;
const TITLE_SIZE: usize = 44;
pub const TABLE_SIZE: usize = 21;
/// Lines of table text 1.35 em apart, in twips, as the PDF sets them (a
/// line of 1 em and 0.35 em of leading): exactly, or Word and LibreOffice
/// take the font's own line height, a fifth taller, and table B's rows
/// stand taller than the PDF's and break its pages elsewhere.
pub const TABLE_LINE: usize = (TABLE_SIZE * 10 * 135).div_ceil(100);
const PAGE_NUMBER_SIZE: usize = 28;
/// From the bottom edge to the page number's baseline box: the number's
/// top sits 7 mm below the 35 mm bottom margin.
pub const FOOTER_DISTANCE_MM: f64 = 35.0 - 7.0 - 14.0 * 25.4 / 72.0;

/// The family a face is set in.
pub fn family(fonts: DocxFonts, face: Face) -> String {
    match fonts {
        DocxFonts::Official => official_names(face)[0].to_string(),
        DocxFonts::Fandol => Fonts::bundled().chain(face).stand_in.clone(),
    }
}

/// The face's family in every slot, East Asian and Latin.
pub fn run_fonts(fonts: DocxFonts, face: Face) -> RunFonts {
    let f = family(fonts, face);
    RunFonts::new().east_asia(&f).ascii(&f).hi_ansi(&f).cs(&f)
}

/// The bundled title stand-in is the bold cut of FandolSong; 方正小标宋 is
/// heavy by design and is never made bold.
pub fn bold(fonts: DocxFonts, face: Face) -> bool {
    fonts == DocxFonts::Fandol && face == Face::Title
}

/// The paragraph styles of the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Title,
    Heading(Level),
    Body,
    TableText,
    Signature,
    PageNumberOdd,
    PageNumberEven,
}

pub fn style_id(style: Style) -> String {
    match style {
        Style::Title => "Title".into(),
        Style::Heading(level) => format!("Heading{}", level.0),
        Style::Body => "BodyText".into(),
        Style::TableText => "TableText".into(),
        Style::Signature => "Signature".into(),
        Style::PageNumberOdd => "FooterOdd".into(),
        Style::PageNumberEven => "FooterEven".into(),
    }
}

/// One grid line, for space above and below.
fn line() -> u32 {
    page::twips(page::LINE_PITCH) as u32
}

fn base(fonts: DocxFonts, style: Style, name: &str, face: Face, size: usize) -> docx_rs::Style {
    let mut s = docx_rs::Style::new(style_id(style), StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next(style_id(Style::Body))
        .q_format(true)
        .fonts(run_fonts(fonts, face))
        .size(size);
    if bold(fonts, face) {
        s = s.bold();
    }
    s
}

/// Character spacing of 16 pt text, in twentieths of a point: 16 pt less
/// a quarter point makes 28 characters fill the 156 mm line.
pub const GRID_CHAR_SPACING: i32 = -5;

/// A 16 pt style on the 28-character grid, first line indented two
/// characters (`firstLineChars`, with the twips Word falls back to).
fn on_grid(mut s: docx_rs::Style, indent: bool) -> docx_rs::Style {
    s.run_property = s.run_property.character_spacing(GRID_CHAR_SPACING);
    if indent {
        let two = page::twips(2.0 * page::CHAR_PITCH);
        s = s.indent(None, Some(SpecialIndentType::FirstLine(two)), None, None).first_line_chars(200);
    }
    s
}

/// Every style the document uses.
pub fn all(fonts: DocxFonts) -> Vec<docx_rs::Style> {
    let indent = page::twips(2.0 * page::CHAR_PITCH);
    let one_char = page::twips(page::CHAR_PITCH);
    let mut styles = vec![
        on_grid(base(fonts, Style::Body, "Body Text", Face::Fang, BODY_SIZE).align(AlignmentType::Both), true),
        base(fonts, Style::Title, "Title", Face::Title, TITLE_SIZE)
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(line())),
        base(fonts, Style::TableText, "Table Text", Face::Song, TABLE_SIZE)
            .align(AlignmentType::Center)
            .snap_to_grid(false)
            .line_spacing(LineSpacing::new().line(TABLE_LINE as i32).line_rule(LineSpacingType::Exact))
            .next(style_id(Style::TableText)),
        on_grid(
            base(fonts, Style::Signature, "Signature", Face::Fang, BODY_SIZE).align(AlignmentType::Right).indent(
                None,
                None,
                Some(indent),
                None,
            ),
            false,
        ),
        base(fonts, Style::PageNumberOdd, "Footer Odd", Face::Song, PAGE_NUMBER_SIZE)
            .align(AlignmentType::Right)
            .snap_to_grid(false)
            .indent(None, None, Some(one_char), None),
        base(fonts, Style::PageNumberEven, "Footer Even", Face::Song, PAGE_NUMBER_SIZE)
            .align(AlignmentType::Left)
            .snap_to_grid(false)
            .indent(Some(one_char), None, None, None),
    ];
    for level in [Level::SECTION, Level::SUB, Level::ITEM, Level::SUB_ITEM] {
        let heading = base(fonts, Style::Heading(level), &format!("heading {}", level.0), level.face(), BODY_SIZE)
            .based_on(style_id(Style::Body))
            .align(AlignmentType::Both)
            .outline_lvl(usize::from(level.0) - 1);
        styles.push(on_grid(heading, true));
    }
    styles
}
