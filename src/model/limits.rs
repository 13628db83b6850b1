//! Limits on what one report may hold. Real reports are far below them
//! (the longest fixture has 9,000 characters of prose); they keep a broken
//! export or a hostile file from tying up a batch.

/// The largest input file, in bytes.
pub const MAX_INPUT_BYTES: usize = 2 * 1024 * 1024;
/// The longest single string (a paragraph, a name), in characters.
pub const MAX_STRING_CHARS: usize = 20_000;
/// The longest amount (a fee in table A), in characters: the largest
/// written so far, `73802895.90元`, has 12; a longer one prints across
/// its row's label.
pub const MAX_AMOUNT_CHARS: usize = 40;
/// The most blocks (paragraphs, headings) in one section.
pub const MAX_BLOCKS: usize = 500;
/// The most characters of prose in the whole report.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// Why a character may not appear in report text: control characters and
/// bidirectional overrides are invisible, come from copy-paste, and can
/// make a printed line read differently from the data.
pub fn forbidden(c: char) -> Option<&'static str> {
    match c {
        '\n' | '\t' => None,
        '\u{0}' => Some("空字符（NUL）"),
        c if c.is_control() => Some("控制字符"),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => {
            Some("双向文字控制符")
        }
        _ => None,
    }
}
