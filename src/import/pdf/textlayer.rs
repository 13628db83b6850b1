//! Whether a PDF's text layer can be trusted for its digits.
//!
//! What a PDF says a glyph stands for (its `ToUnicode` map) is separate
//! from what the glyph looks like: a map that swaps 2 and 9 prints the
//! same page and imports other numbers. Every digit is checked two ways
//! where it can be:
//!
//! - one glyph of one font must stand for one digit wherever it is drawn;
//! - the glyph's shape, scaled into a small grid, must look most like the
//!   digit it is said to be, against the digits of the bundled fonts, when
//!   another digit is clearly nearer. Where the shape is unclear (an
//!   unusual font), nothing is said; the check refuses only a clear
//!   contradiction.

use std::collections::HashMap;
use std::sync::OnceLock;

use kurbo::{BezPath, Point, Shape};

use super::super::{ImportError, Place};
use super::document::Page;
use super::words::LineNumbers;

/// The grid a digit's shape is sampled on.
const W: usize = 12;
const H: usize = 18;

/// A digit's shape: which cells of the grid are ink.
type Bitmap = [bool; W * H];

/// Refuses a PDF whose text layer contradicts its glyphs for a digit.
pub fn check(pages: &[Page]) -> Result<(), ImportError> {
    // (font, glyph) → the digit it was said to be, and where first.
    let mut said: HashMap<(u128, u32), (char, Place)> = HashMap::new();
    for page in pages {
        let numbers = LineNumbers::new(&page.glyphs);
        for g in &page.glyphs {
            let Some(source) = &g.source else { continue };
            let Some(digit) = g.text.chars().next() else { continue };
            let at = Place::PageLine { page: page.number, line: numbers.line_of(g.bottom() - 0.1) };
            match said.get(&(source.font, source.glyph)) {
                Some((first, first_at)) if *first != digit => {
                    return Err(ImportError::new(
                        &at,
                        format!(
                            "同一个字形，这里文字层说是“{digit}”，{first_at}却说是“{first}”：PDF 的文字映射（ToUnicode）有误或被改过，读出的数字不可信。请改用网页或 Word 原件"
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    said.insert((source.font, source.glyph), (digit, at.clone()));
                    if let Some(looks) = looks_like(&source.outline).filter(|&d| d != digit) {
                        return Err(ImportError::new(
                            &at,
                            format!(
                                "文字层说这个字是“{digit}”，可它印出来的字形是“{looks}”：PDF 的文字映射（ToUnicode）与字形不符，读出的数字不可信。请改用网页或 Word 原件"
                            ),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The digit a shape clearly is: nearer to that digit's references than
/// to any other's by a wide margin. `None` where it is not clear.
fn looks_like(outline: &BezPath) -> Option<char> {
    let shape = bitmap(outline)?;
    let mut best: [f64; 10] = [f64::INFINITY; 10];
    for (digit, reference) in references() {
        let d = distance(&shape, reference);
        let k = (*digit as u8 - b'0') as usize;
        best[k] = best[k].min(d);
    }
    let mut order: Vec<usize> = (0..10).collect();
    order.sort_by(|&a, &b| best[a].total_cmp(&best[b]));
    let (first, second) = (best[order[0]], best[order[1]]);
    (first < 0.25 && second > 2.0 * first + 0.05).then(|| (b'0' + order[0] as u8) as char)
}

/// Ink cells that differ, over ink cells of either (Jaccard distance).
fn distance(a: &Bitmap, b: &Bitmap) -> f64 {
    let (mut differ, mut either) = (0, 0);
    for (x, y) in a.iter().zip(b) {
        differ += usize::from(x != y);
        either += usize::from(*x || *y);
    }
    if either == 0 {
        1.0
    } else {
        differ as f64 / either as f64
    }
}

/// A shape sampled on the grid: scaled to the grid's height by its own
/// height (so a narrow 1 stays narrow), centred across.
fn bitmap(outline: &BezPath) -> Option<Bitmap> {
    let b = outline.bounding_box();
    if !(b.height() > 0.0 && b.width() > 0.0 && b.height().is_finite()) {
        return None;
    }
    let scale = H as f64 / b.height();
    let width = b.width() * scale;
    let left = (W as f64 - width) / 2.0;
    let mut map = [false; W * H];
    for row in 0..H {
        for col in 0..W {
            let x = b.x0 + (col as f64 + 0.5 - left) / scale;
            // Rows count down from the top; font space counts up.
            let y = b.y1 - (row as f64 + 0.5) / scale;
            map[row * W + col] = outline.winding(Point::new(x, y)) != 0;
        }
    }
    Some(map)
}

/// The digits of the bundled fonts, sampled once.
fn references() -> &'static [(char, Bitmap)] {
    static REFERENCES: OnceLock<Vec<(char, Bitmap)>> = OnceLock::new();
    REFERENCES.get_or_init(|| {
        let mut out = Vec::new();
        for face in crate::layout::Face::ALL {
            let Ok(font) = ttf_parser::Face::parse(crate::fonts::bundled_file(face), 0) else { continue };
            for digit in '0'..='9' {
                let Some(id) = font.glyph_index(digit) else { continue };
                let mut path = Outline(BezPath::new());
                if font.outline_glyph(id, &mut path).is_some() {
                    if let Some(map) = bitmap(&path.0) {
                        out.push((digit, map));
                    }
                }
            }
        }
        out
    })
}

/// A glyph outline as ttf-parser draws it.
struct Outline(BezPath);

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to((f64::from(x), f64::from(y)));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to((f64::from(x), f64::from(y)));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to((f64::from(x1), f64::from(y1)), (f64::from(x), f64::from(y)));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.curve_to((f64::from(x1), f64::from(y1)), (f64::from(x2), f64::from(y2)), (f64::from(x), f64::from(y)));
    }
    fn close(&mut self) {
        self.0.close_path();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bundled_digit_looks_like_itself() {
        // Every reference is its own nearest; the check would otherwise
        // refuse the PDFs nianbao itself writes.
        for (digit, map) in references() {
            let mut best = ('?', f64::INFINITY);
            for (other, reference) in references() {
                let d = distance(map, reference);
                if other != digit && d < best.1 {
                    best = (*other, d);
                }
            }
            assert!(best.1 > 0.1, "{digit} is {} away from {}", best.1, best.0);
        }
        assert!(references().len() >= 40);
    }
}
