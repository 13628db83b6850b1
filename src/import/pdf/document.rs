//! A PDF read in process with hayro (the PDF interpreter Typst's own tree
//! already holds): every glyph drawn on each page with its box and its
//! text, the ruling lines (cell borders stroked, or filled as thin
//! rectangles), and how many pictures.
//!
//! Nothing here decides what is prose or table; it only says what the page
//! shows. The work is bounded before and during it: the decoded size of
//! every content and font stream is measured before a page is drawn, and
//! drawing stops past a count of drawing operations or a time limit (form
//! XObjects that draw each other twice over 40 levels would draw 2^40
//! times). A PDF that forbids copying its text, or needs a password to
//! open, is refused rather than read past its author's wish.

use std::collections::HashMap;
use std::io::Read;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hayro_interpret::font::{FontQuery, Glyph as PdfGlyph};
use hayro_interpret::hayro_syntax::object::{Dict, Name, Object, ObjectIdentifier, Stream};
use hayro_interpret::hayro_syntax::page::Resources;
use hayro_interpret::hayro_syntax::{LoadPdfError, Pdf};
use hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache, InterpreterSettings,
    Paint, PathDrawMode, SoftMask,
};
use kurbo::{Affine, BezPath, PathEl, Point, Rect, Shape};

use super::super::{ImportError, Place};

/// The most pages a report's PDF may have.
const MAX_PAGES: usize = 500;
/// The most drawing operations (glyphs, paths, pictures, form XObjects)
/// over the whole document: a 100-page report draws under 200,000.
const MAX_OPERATIONS: u64 = 5_000_000;
/// How long drawing the pages may take, all together.
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// The most one content or font stream may decode to, and all of them
/// together: a report's pages decode to a few MB.
const MAX_STREAM: u64 = 64 * 1024 * 1024;
const MAX_DECODED: u64 = 256 * 1024 * 1024;

/// One glyph as drawn, in points from the page's top left corner.
#[derive(Clone, Debug)]
pub struct Glyph {
    pub text: String,
    /// The glyph's origin on its baseline, and where its advance ends.
    pub x0: f64,
    pub x1: f64,
    pub baseline: f64,
    /// The font size as drawn (the em's height on the page).
    pub size: f64,
    /// The font and glyph it was drawn from, for checking the text layer.
    pub source: Option<GlyphSource>,
}

/// Where a glyph's shape comes from: its font (by hayro's cache key) and
/// glyph id, with the outline in font units of 1000 per em.
#[derive(Clone, Debug)]
pub struct GlyphSource {
    pub font: u128,
    pub glyph: u32,
    pub outline: Arc<BezPath>,
}

impl Glyph {
    pub fn top(&self) -> f64 {
        self.baseline - 0.86 * self.size
    }

    pub fn bottom(&self) -> f64 {
        self.baseline + 0.14 * self.size
    }

    pub fn xc(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    pub fn yc(&self) -> f64 {
        (self.top() + self.bottom()) / 2.0
    }
}

/// A ruling line: horizontal at `at` (a y) from `from` to `to` (x), or
/// vertical at `at` (an x) from `from` to `to` (y).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    pub horizontal: bool,
    pub at: f64,
    pub from: f64,
    pub to: f64,
}

/// What one page shows.
#[derive(Debug, Default)]
pub struct Page {
    /// Counted from 1.
    pub number: usize,
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    pub images: usize,
    /// Glyphs drawn invisible (a scan's recognised text layer).
    pub invisible: usize,
    /// Glyphs with no text the PDF says they stand for.
    pub unmapped: usize,
}

/// Reads every page of a PDF. `cancel`, once set, stops the reading (the
/// desk sets it when the client goes away).
pub fn read(bytes: &[u8], cancel: &AtomicBool) -> Result<Vec<Page>, ImportError> {
    let whole = |message: String| ImportError::new(&Place::Whole, message);
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| match e {
        LoadPdfError::Decryption(_) => {
            whole("这个 PDF 设了打开密码，读不了：请用不加密的 PDF，或改用网页、Word 原件".into())
        }
        LoadPdfError::Invalid => whole("这不是一个能读的 PDF 文件（文件结构损坏）".into()),
    })?;
    if copying_forbidden(&pdf, bytes) {
        return Err(whole(
            "这个 PDF 的作者设置了禁止复制文字（权限密码）：不按作者的意愿读取。请改用网页或 Word 原件".into(),
        ));
    }
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err(whole("这个 PDF 没有页面".into()));
    }
    if pages.len() > MAX_PAGES {
        return Err(whole(format!("这个 PDF 有 {} 页，超过 {MAX_PAGES} 页，不像一份年报", pages.len())));
    }
    decoded_size(&pdf)?;
    let settings = InterpreterSettings {
        // A font the PDF does not embed is drawn with a bundled one: its
        // text comes from the PDF's own mapping either way.
        font_resolver: Arc::new(|_: &FontQuery| {
            let file: &'static [u8] = crate::fonts::bundled_file(crate::layout::Face::Song);
            Some((Arc::new(file), 0))
        }),
        render_annotations: false,
        ..InterpreterSettings::default()
    };
    let cache = InterpreterCache::new();
    let mut budget = Budget { operations: 0, deadline: Instant::now() + TIME_LIMIT, cancel };
    let mut out = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        let drawn = expansion(page);
        if drawn > MAX_OPERATIONS {
            return Err(ImportError::new(
                &Place::PageLine { page: i + 1, line: 1 },
                format!("这一页的图形互相嵌套调用，展开后要画 {drawn} 次，超过 {MAX_OPERATIONS} 次：文件可能被构造成无法读完，已停止"),
            ));
        }
        let (width, height) = page.render_dimensions();
        let mut context = Context::new(
            hayro_interpret::util::TransformExt::to_kurbo(&page.initial_transform(true)),
            Rect::new(0.0, 0.0, f64::from(width), f64::from(height)),
            &cache,
            page.xref(),
            settings.clone(),
        );
        let mut device =
            Collector { page: Page { number: i + 1, ..Page::default() }, budget: &mut budget, outlines: Vec::new() };
        let drawn = catch_unwind(AssertUnwindSafe(|| interpret_page(page, &mut context, &mut device)));
        match drawn {
            Ok(()) => out.push(device.page),
            Err(payload) => {
                let at = Place::PageLine { page: i + 1, line: 1 };
                return Err(match payload.downcast_ref::<Stop>() {
                    Some(Stop::Work) => ImportError::new(
                        &at,
                        format!("这一页的绘图指令展开后超过 {MAX_OPERATIONS} 次（图形互相嵌套调用）：文件可能被构造成无法读完，已停止"),
                    ),
                    Some(Stop::Time) => ImportError::new(
                        &at,
                        format!("读这个 PDF 超过 {} 秒仍未读完，已停止：文件可能有损坏或被构造成无法读完", TIME_LIMIT.as_secs()),
                    ),
                    Some(Stop::Cancelled) => ImportError::new(&Place::Whole, "读取已取消"),
                    None => ImportError::new(&at, "这一页的内容读不通（PDF 结构损坏）"),
                });
            }
        }
    }
    Ok(out)
}

/// How many times a page draws through its form XObjects, counted before
/// it is drawn: each `Do` costs what the XObject it names costs (each
/// XObject counted once, then remembered), to hayro's nesting limit. Form
/// XObjects nested 40 deep, each drawing the next twice, cost 2^40 and are
/// refused at once instead of drawing until the time limit.
fn expansion(page: &hayro_interpret::hayro_syntax::page::Page<'_>) -> u64 {
    let mut memo = HashMap::new();
    cost(page.page_stream().unwrap_or_default(), page.resources(), &mut memo, 0)
}

/// hayro draws form XObjects nested this deep, no deeper.
const MAX_NESTING: u32 = 50;

fn cost(content: &[u8], resources: &Resources<'_>, memo: &mut HashMap<ObjectIdentifier, u64>, depth: u32) -> u64 {
    let mut total = 1u64;
    let mut before: Option<&[u8]> = None;
    for token in content.split(u8::is_ascii_whitespace).filter(|t| !t.is_empty()) {
        if token == b"Do" && depth < MAX_NESTING {
            if let Some(name) = before.and_then(|b| b.strip_prefix(b"/")) {
                total = total.saturating_add(xobject_cost(name, resources, memo, depth));
            }
        }
        before = Some(token);
    }
    total
}

fn xobject_cost(name: &[u8], resources: &Resources<'_>, memo: &mut HashMap<ObjectIdentifier, u64>, depth: u32) -> u64 {
    let Some(stream) = find_xobject(resources, name) else { return 1 };
    let id = stream.obj_id();
    if let Some(&known) = memo.get(&id) {
        return known;
    }
    // Drawing itself again is stopped by hayro's nesting limit: 0 while
    // it is being counted.
    memo.insert(id, 0);
    let form = stream.dict().get::<Name<'_>>(b"Subtype").is_some_and(|s| &*s == b"Form");
    let counted = match (form, stream.decoded()) {
        (true, Ok(data)) => {
            let own = stream.dict().get::<Dict<'_>>(b"Resources");
            let inner = own.map(|d| Resources::from_parent(d, resources.clone()));
            cost(&data, inner.as_ref().unwrap_or(resources), memo, depth + 1)
        }
        _ => 1,
    };
    memo.insert(id, counted);
    counted
}

fn find_xobject<'a>(resources: &Resources<'a>, name: &[u8]) -> Option<Stream<'a>> {
    resources.x_objects.get::<Stream<'a>>(name).or_else(|| resources.parent().and_then(|p| find_xobject(p, name)))
}

/// Why drawing stopped early; carried out of hayro by unwinding, since a
/// device cannot otherwise stop the interpreter.
enum Stop {
    Work,
    Time,
    Cancelled,
}

struct Budget<'c> {
    operations: u64,
    deadline: Instant,
    cancel: &'c AtomicBool,
}

impl Budget<'_> {
    /// Counts one drawing operation; stops past the limits. The stop
    /// unwinds with `resume_unwind`, which runs no panic hook: nothing is
    /// printed, and [`read`] turns it into a refusal.
    fn tick(&mut self) {
        self.operations += 1;
        if self.operations > MAX_OPERATIONS {
            resume_unwind(Box::new(Stop::Work));
        }
        if self.operations.is_multiple_of(1024) {
            if self.cancel.load(Ordering::Relaxed) {
                resume_unwind(Box::new(Stop::Cancelled));
            }
            if Instant::now() > self.deadline {
                resume_unwind(Box::new(Stop::Time));
            }
        }
    }
}

/// Whether the PDF is encrypted with permissions that forbid copying or
/// extracting text (bit 5 of `/P`, ISO 32000-1 table 22).
fn copying_forbidden(pdf: &Pdf, bytes: &[u8]) -> bool {
    if !bytes.windows(8).any(|w| w == b"/Encrypt") {
        return false;
    }
    pdf.objects().into_iter().any(|object| match object {
        Object::Dict(d) => is_encryption(&d) && d.get::<i64>(b"P").is_some_and(|p| p & 16 == 0),
        _ => false,
    })
}

fn is_encryption(d: &Dict<'_>) -> bool {
    d.get::<Name<'_>>(b"Filter").is_some_and(|f| &*f == b"Standard") && d.contains_key(b"O") && d.contains_key(b"U")
}

/// Refuses a PDF whose streams (other than pictures, which are never
/// decoded here) would decode past [`MAX_STREAM`] each or [`MAX_DECODED`]
/// in all: a few kilobytes of deflate can unpack to gigabytes.
fn decoded_size(pdf: &Pdf) -> Result<(), ImportError> {
    let mut total = 0u64;
    for object in pdf.objects() {
        let Object::Stream(stream) = object else { continue };
        if stream.dict().get::<Name<'_>>(b"Subtype").is_some_and(|s| &*s == b"Image") {
            continue;
        }
        let size = inflated_size(&stream).ok_or_else(|| {
            ImportError::new(
                &Place::Whole,
                format!(
                    "这个 PDF 的第 {} 号对象的数据流已损坏（解压不通）：文件可能没有下载完整",
                    stream.obj_id().obj_number
                ),
            )
        })?;
        total += size;
        if size > MAX_STREAM || total > MAX_DECODED {
            return Err(ImportError::new(
                &Place::Whole,
                format!("这个 PDF 的内容解压后超过 {} MB，不像一份年报，已停止", MAX_STREAM >> 20),
            ));
        }
    }
    Ok(())
}

/// How many bytes a stream inflates to, counted up to one past
/// [`MAX_STREAM`]; a stream not deflated is its raw length (other filters
/// expand by small factors only). `None`: the deflate data is broken.
fn inflated_size(stream: &Stream<'_>) -> Option<u64> {
    let raw = stream.raw_data();
    let deflated = match stream.dict().get::<Object<'_>>(b"Filter") {
        Some(Object::Name(n)) => &*n == b"FlateDecode",
        Some(Object::Array(a)) => a.iter::<Name<'_>>().any(|n| &*n == b"FlateDecode"),
        _ => false,
    };
    if !deflated {
        return Some(raw.len() as u64);
    }
    let mut decoder = flate2::read::ZlibDecoder::new(&raw[..]).take(MAX_STREAM + 1);
    std::io::copy(&mut decoder, &mut std::io::sink()).ok()
}

/// The device hayro draws into: it keeps glyphs and ruling lines.
struct Collector<'b, 'c> {
    page: Page,
    budget: &'b mut Budget<'c>,
    /// Outlines already taken, by (font, glyph), shared between glyphs.
    outlines: Vec<((u128, u32), Arc<BezPath>)>,
}

/// Below this width (points) a filled rectangle is a line.
const THIN: f64 = 2.5;
/// Lines shorter than this (points) are not cell borders.
const SHORT: f64 = 3.0;

impl Collector<'_, '_> {
    fn outline(&mut self, font: u128, glyph: u32, make: impl FnOnce() -> BezPath) -> Arc<BezPath> {
        if let Some((_, o)) = self.outlines.iter().find(|(k, _)| *k == (font, glyph)) {
            return o.clone();
        }
        let o = Arc::new(make());
        self.outlines.push(((font, glyph), o.clone()));
        o
    }

    fn rule(&mut self, a: Point, b: Point) {
        let (dx, dy) = ((b.x - a.x).abs(), (b.y - a.y).abs());
        if dy < 0.5 && dx >= SHORT {
            let y = (a.y + b.y) / 2.0;
            self.page.rules.push(Rule { horizontal: true, at: y, from: a.x.min(b.x), to: a.x.max(b.x) });
        } else if dx < 0.5 && dy >= SHORT {
            let x = (a.x + b.x) / 2.0;
            self.page.rules.push(Rule { horizontal: false, at: x, from: a.y.min(b.y), to: a.y.max(b.y) });
        }
    }
}

/// Whether a paint shows on white paper.
fn visible(paint: &Paint<'_>) -> bool {
    match paint {
        Paint::Color(c) => {
            let [r, g, b, a] = c.to_rgba().to_rgba8();
            a > 25 && !(r > 240 && g > 240 && b > 240)
        }
        Paint::Pattern(_) => true,
    }
}

impl<'a> Device<'a> for Collector<'_, '_> {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {
        self.budget.tick();
    }

    fn set_blend_mode(&mut self, _: BlendMode) {}

    fn draw_path(&mut self, path: &BezPath, transform: Affine, paint: &Paint<'a>, mode: &PathDrawMode) {
        self.budget.tick();
        if !visible(paint) {
            return;
        }
        let path = transform * path.clone();
        match mode {
            PathDrawMode::Stroke(_) => {
                let (mut start, mut last) = (Point::ZERO, Point::ZERO);
                for el in path.elements() {
                    match *el {
                        PathEl::MoveTo(p) => (start, last) = (p, p),
                        PathEl::LineTo(p) => {
                            self.rule(last, p);
                            last = p;
                        }
                        PathEl::ClosePath => {
                            self.rule(last, start);
                            last = start;
                        }
                        PathEl::QuadTo(_, p) | PathEl::CurveTo(_, _, p) => last = p,
                    }
                }
            }
            PathDrawMode::Fill(_) => {
                // Each closed piece that is a thin box is a line along it.
                let mut piece = BezPath::new();
                let elements: Vec<PathEl> = path.elements().to_vec();
                for (i, el) in elements.iter().enumerate() {
                    piece.push(*el);
                    let ends = matches!(elements.get(i + 1), None | Some(PathEl::MoveTo(_)));
                    if ends {
                        let b = piece.bounding_box();
                        let straight =
                            piece.elements().iter().all(|e| !matches!(e, PathEl::QuadTo(..) | PathEl::CurveTo(..)));
                        if straight && b.height() <= THIN && b.width() >= SHORT {
                            let y = (b.y0 + b.y1) / 2.0;
                            self.rule(Point::new(b.x0, y), Point::new(b.x1, y));
                        } else if straight && b.width() <= THIN && b.height() >= SHORT {
                            let x = (b.x0 + b.x1) / 2.0;
                            self.rule(Point::new(x, b.y0), Point::new(x, b.y1));
                        }
                        piece = BezPath::new();
                    }
                }
            }
        }
    }

    fn push_clip_path(&mut self, _: &ClipPath) {
        self.budget.tick();
    }

    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {
        self.budget.tick();
    }

    fn draw_glyph(
        &mut self,
        glyph: &PdfGlyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        paint: &Paint<'a>,
        mode: &GlyphDrawMode,
    ) {
        self.budget.tick();
        if matches!(mode, GlyphDrawMode::Invisible) || !visible(paint) {
            self.page.invisible += 1;
            return;
        }
        let full = transform * glyph_transform;
        let origin = full * Point::ORIGIN;
        let up = full * Point::new(0.0, 1000.0);
        let size = (up - origin).hypot();
        let advance = match glyph {
            PdfGlyph::Outline(g) => g.advance_width().map_or(500.0, f64::from),
            PdfGlyph::Type3(_) => 500.0,
        };
        let end = full * Point::new(advance, 0.0);
        // Upright text only: the baseline runs left to right, the em
        // stands up the page.
        let upright =
            (end.y - origin.y).abs() < 0.01 * size.max(1.0) && up.y < origin.y && (up.x - origin.x).abs() < 0.01 * size;
        let Some(text) = glyph.as_unicode().map(|u| match u {
            hayro_interpret::hayro_cmap::BfString::Char(c) => c.to_string(),
            hayro_interpret::hayro_cmap::BfString::String(s) => s,
        }) else {
            self.page.unmapped += 1;
            return;
        };
        if !upright || !size.is_finite() || size < 0.5 {
            return;
        }
        // The digits' shapes are kept, to check what the text layer says
        // of them.
        let digit = text.len() == 1 && text.as_bytes()[0].is_ascii_digit();
        let source = match glyph {
            PdfGlyph::Outline(g) if digit => {
                let (font, id) = (g.font_cache_key(), g.glyph_id().to_u32());
                Some(GlyphSource { font, glyph: id, outline: self.outline(font, id, || g.outline()) })
            }
            _ => None,
        };
        self.page.glyphs.push(Glyph { text, x0: origin.x, x1: end.x.max(origin.x), baseline: origin.y, size, source });
    }

    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {
        self.budget.tick();
        self.page.images += 1;
    }

    fn pop_clip_path(&mut self) {}

    fn pop_transparency_group(&mut self) {}
}
