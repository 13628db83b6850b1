//! Saved web pages: a CMS page (TRS and the like) with the report inside
//! a content `div`, Word-exported HTML, LibreOffice's HTML, in UTF-8 or
//! GBK/GB2312/GB18030 as the page declares.
//!
//! The page is parsed with a real HTML parser (html5ever). Its paragraphs
//! and the rows of its tables become [`Item`]s, each table expanded into
//! its grid once: a merged label fills every slot it covers, a merged
//! number stands in its first slot only (a number spanning rows could
//! belong to any of them and is refused). The report is the smallest part
//! of the page holding the six section headings; what lies outside it is
//! the site's navigation, header and footer.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};
use html5ever::LocalName;
use scraper::{Html, Node};

use super::grid::Grid;
use super::{is_furniture, Item, Place};
use crate::form::variants::{opens_section, run_in_section, section_of};
use crate::import::ImportError;

/// Elements nested deeper than this are refused: no real page comes near
/// it, and walking a hostile one must not exhaust the stack or the clock.
const MAX_DEPTH: usize = 256;
/// `colspan` and `rowspan` as the HTML standard clamps them.
const MAX_COLSPAN: usize = 1000;
const MAX_ROWSPAN: usize = 65534;

/// The page as text, by its byte order mark, its `<meta charset>` or
/// `http-equiv` declaration, else UTF-8. Bytes the encoding cannot decode
/// are refused with their line, not replaced.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    let (encoding, skip) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((e, n)) => (e, n),
        None => (declared(bytes).unwrap_or(encoding_rs::UTF_8), 0),
    };
    let body = &bytes[skip..];
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(body) {
        return Ok(text.into_owned());
    }
    let (lossy, _) = encoding.decode_without_bom_handling(body);
    let line = lossy.lines().position(|l| l.contains('\u{FFFD}')).map_or(1, |n| n + 1);
    Err(ImportError::new(
        &Place::Line(line),
        format!("网页按 {} 编码读不通（有无法解码的字节）：文件可能已损坏，或编码声明有误", encoding.name()),
    ))
}

/// The encoding a page declares in its first 4 KiB (`<meta charset=gbk>`,
/// `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`).
fn declared(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(i) = rest.find("<meta") {
        rest = &rest[i + 5..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(j) = tag.find("charset") {
            let value = tag[j + 7..].trim_start().strip_prefix('=')?.trim_start();
            let value = value.trim_start_matches(['"', '\'']);
            let end = value.find(|c: char| c == '"' || c == '\'' || c == ';' || c == '/' || c.is_whitespace());
            return encoding_rs::Encoding::for_label(&value.as_bytes()[..end.unwrap_or(value.len())]);
        }
    }
    None
}

/// Refuses a page whose elements nest past [`PRESCAN_DEPTH`], read by
/// html5ever's tokenizer alone before the page is parsed.
///
/// The tree builder checks every start tag against the open elements
/// ("is a `p` in button scope?"), so unclosed `<div>`s cost time in the
/// square of their number (400 KB took 27 s) before any depth can be seen
/// in the tree. The tokenizer is linear; the open elements are followed
/// as the tree builder would roughly follow them: void elements and those
/// whose end tag may be left out (`p`, `li`, `td`, …) never deepen, and an
/// end tag closes everything opened after its element. An end tag is
/// searched for only while an element of its name is open, so the count is
/// linear too.
fn nesting(text: &str) -> Result<(), ImportError> {
    let sink = Depth::default();
    let tokenizer = Tokenizer::new(sink, Default::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    match tokenizer.sink.too_deep.get() {
        Some(line) => Err(ImportError::new(
            &Place::Line(line as usize),
            format!("网页的元素嵌套超过 {PRESCAN_DEPTH} 层（多半是没有闭合的标签），不像一份报告的网页"),
        )),
        None => Ok(()),
    }
}

/// How deep the pre-scan lets elements nest: past [`MAX_DEPTH`] as the
/// tree has it, since the count only approximates the tree builder's.
const PRESCAN_DEPTH: usize = 2 * MAX_DEPTH;

#[derive(Default)]
struct Depth {
    open: RefCell<Vec<LocalName>>,
    /// How many elements of each name are open.
    count: RefCell<HashMap<LocalName, usize>>,
    /// The line where nesting first went past the limit.
    too_deep: Cell<Option<u64>>,
}

impl TokenSink for Depth {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else { return TokenSinkResult::Continue };
        if self.too_deep.get().is_some() {
            return TokenSinkResult::Continue;
        }
        let name = &*tag.name;
        let (mut open, mut count) = (self.open.borrow_mut(), self.count.borrow_mut());
        match tag.kind {
            TagKind::StartTag => {
                // Their content is text to the tokenizer, as in a browser.
                let raw = match name {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                    "textarea" | "title" => Some(RawKind::Rcdata),
                    _ => None,
                };
                if let Some(kind) = raw {
                    return TokenSinkResult::RawData(kind);
                }
                if name == "plaintext" {
                    return TokenSinkResult::Plaintext;
                }
                if tag.self_closing || is_void(name) || has_optional_end(name) {
                    return TokenSinkResult::Continue;
                }
                *count.entry(tag.name.clone()).or_default() += 1;
                open.push(tag.name);
                if open.len() > PRESCAN_DEPTH {
                    self.too_deep.set(Some(line));
                }
            }
            TagKind::EndTag => {
                if count.get(&tag.name).is_some_and(|&n| n > 0) {
                    while let Some(closed) = open.pop() {
                        let done = closed == tag.name;
                        *count.get_mut(&closed).expect("counted when opened") -= 1;
                        if done {
                            break;
                        }
                    }
                }
            }
        }
        TokenSinkResult::Continue
    }
}

/// Elements that have no content and no end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements whose end tag may be left out, closed by what follows them.
fn has_optional_end(name: &str) -> bool {
    matches!(
        name,
        "html"
            | "head"
            | "body"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "colgroup"
            | "caption"
            | "option"
            | "optgroup"
            | "rb"
            | "rt"
            | "rp"
            | "rtc"
    )
}

/// Elements whose content is never report text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "select"
            | "button"
            | "iframe"
            | "object"
            | "svg"
            | "canvas"
            | "textarea"
            | "input"
            | "audio"
            | "video"
            | "map"
    )
}

/// Elements that start and end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "center"
            | "blockquote"
            | "pre"
            | "dl"
            | "dt"
            | "dd"
            | "form"
            | "address"
            | "figure"
            | "figcaption"
            | "main"
            | "aside"
            | "hr"
            | "br"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "body"
    )
}

/// Text a CMS puts inside the content area that is not the report's:
/// print and close links, share bars, QR-code captions, view counters,
/// conditional comments that leaked into the text. The README lists them.
fn is_page_furniture(text: &str) -> bool {
    const EXACT: &[&str] = &[
        "【打印本页】",
        "【关闭窗口】",
        "打印本页",
        "关闭窗口",
        "【打印】",
        "【关闭】",
        "扫一扫在手机打开当前页",
        "附件：",
        "附件",
    ];
    const OPENING: &[&str] = &[
        "<!--[if",
        "<![endif]",
        "分享到",
        "扫一扫",
        "浏览次数",
        "访问量",
        "点击数",
        "来源：",
        "信息来源：",
        "发布时间：",
        "时间：",
        "字号：",
    ];
    let t = text.trim();
    is_furniture(t) || EXACT.contains(&t) || OPENING.iter().any(|o| t.starts_with(o))
}

/// One paragraph or table row of the page, with the element that holds it.
struct Piece<'a> {
    item: Item,
    node: NodeRef<'a, Node>,
}

struct Walker<'a> {
    pieces: Vec<Piece<'a>>,
    para: String,
    para_node: Option<NodeRef<'a, Node>>,
    heading: bool,
    paragraphs: usize,
    tables: usize,
    images: usize,
}

/// Text as it reads: runs of white space (`&nbsp;` included) are one space.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{3000}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

fn name_of<'a>(node: &NodeRef<'a, Node>) -> Option<&'a str> {
    match node.value() {
        Node::Element(e) => Some(e.name()),
        _ => None,
    }
}

impl<'a> Walker<'a> {
    fn flush(&mut self) {
        let text = collapse(&self.para);
        let text = text.trim_matches(|c: char| c.is_whitespace());
        if let Some(node) = self.para_node.take() {
            if !text.is_empty() && !is_page_furniture(text) {
                self.paragraphs += 1;
                let heading = self.heading.then_some(true);
                let at = Place::Paragraph(self.paragraphs);
                self.pieces.push(Piece { item: Item::Para { text: text.to_string(), heading, at }, node });
            }
        }
        self.para.clear();
        self.heading = false;
    }

    /// Walks `root` in document order, iteratively (a page may nest deeper
    /// than the stack allows recursion).
    fn walk(&mut self, root: NodeRef<'a, Node>) -> Result<(), ImportError> {
        // (node, entering?) pairs.
        let mut stack = vec![(root, true)];
        while let Some((node, entering)) = stack.pop() {
            match node.value() {
                Node::Text(t) if entering => {
                    if self.para_node.is_none() {
                        self.para_node = node.parent();
                    }
                    self.para.push_str(t);
                }
                Node::Element(e) => {
                    let name = e.name();
                    if is_skipped(name) || is_hidden(&node) {
                        continue;
                    }
                    if name == "img" && entering {
                        self.images += 1;
                    }
                    if name == "table" && entering && !has_table_inside(node) {
                        self.flush();
                        self.table(node)?;
                        continue;
                    }
                    if is_block(name) {
                        self.flush();
                    }
                    if entering {
                        if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                            self.heading = true;
                        }
                        stack.push((node, false));
                        stack.extend(node.children().rev().map(|c| (c, true)));
                    }
                }
                Node::Document | Node::Fragment if entering => {
                    stack.extend(node.children().rev().map(|c| (c, true)));
                }
                _ => {}
            }
        }
        self.flush();
        Ok(())
    }

    /// A table with no table inside: its grid, a row an item.
    fn table(&mut self, table: NodeRef<'a, Node>) -> Result<(), ImportError> {
        self.tables += 1;
        let n = self.tables;
        let rows: Vec<NodeRef<Node>> = table
            .children()
            .flat_map(|c| match name_of(&c) {
                Some("thead" | "tbody" | "tfoot") => c.children().collect::<Vec<_>>(),
                _ => vec![c],
            })
            .filter(|c| name_of(c) == Some("tr"))
            .collect();
        let mut grid = Grid::default();
        for (r, tr) in rows.iter().enumerate() {
            let at = Place::TableRow { table: n, row: r + 1 };
            let mut c = 0;
            for td in tr.children().filter(|c| matches!(name_of(c), Some("td" | "th"))) {
                let Node::Element(e) = td.value() else { continue };
                let span = |attr: &str, max: usize| {
                    e.attr(attr).and_then(|v| v.trim().parse::<usize>().ok()).filter(|&v| v > 0).unwrap_or(1).min(max)
                };
                let (colspan, rowspan) =
                    (span("colspan", MAX_COLSPAN), span("rowspan", MAX_ROWSPAN).min(rows.len() - r));
                c = grid.free(r, c);
                grid.put(r, c, rowspan, colspan, &cell_text(td), &at)?;
                c += colspan;
            }
        }
        for (r, cells) in grid.rows() {
            let at = Place::TableRow { table: n, row: r + 1 };
            self.pieces.push(Piece { item: Item::Row { cells, at }, node: table });
        }
        Ok(())
    }
}

fn has_table_inside(table: NodeRef<Node>) -> bool {
    table.descendants().skip(1).any(|d| name_of(&d) == Some("table"))
}

/// Whether an element is hidden from readers (`display:none`, Word's
/// `mso-hide:all`): its text is not the page's.
fn is_hidden(node: &NodeRef<Node>) -> bool {
    let Node::Element(e) = node.value() else { return false };
    let style: String =
        e.attr("style").unwrap_or("").chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    style.contains("display:none") || style.contains("mso-hide:all") || e.attr("hidden").is_some()
}

/// A cell's text: its paragraphs and lines run together (a label broken
/// over two lines is one label), white space collapsed — except that two
/// lines of digits stay apart (`3<br>5` is two numbers, refused as a
/// count, never 35). Hidden text is left out.
fn cell_text(td: NodeRef<Node>) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    // How many skipped or hidden elements we are inside.
    let mut skipping = 0usize;
    for edge in td.traverse() {
        match edge {
            Edge::Open(n) if name_of(&n).is_some_and(is_skipped) || is_hidden(&n) => skipping += 1,
            Edge::Close(n) if name_of(&n).is_some_and(is_skipped) || is_hidden(&n) => skipping -= 1,
            Edge::Open(n) if skipping == 0 => match n.value() {
                Node::Text(t) => lines.last_mut().expect("a line").push_str(t),
                Node::Element(e) if is_block(e.name()) => lines.push(String::new()),
                _ => {}
            },
            Edge::Close(n) if skipping == 0 && name_of(&n).is_some_and(is_block) => lines.push(String::new()),
            _ => {}
        }
    }
    let lines: Vec<String> = lines
        .iter()
        .map(|l| collapse(l).trim_matches(|c: char| c.is_whitespace()).to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let mut text = String::new();
    for line in &lines {
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
        if digits(&text) && !text.is_empty() && digits(line) {
            text.push(' ');
        }
        text.push_str(line);
    }
    text
}

/// The page's title where the content area does not repeat it: the CMS's
/// `ArticleTitle`, else the `<title>` before the site's name.
fn page_title(html: &Html) -> Option<String> {
    let meta = scraper::Selector::parse(r#"meta[name="ArticleTitle"]"#).expect("valid selector");
    if let Some(t) = html.select(&meta).find_map(|m| m.value().attr("content")) {
        return Some(collapse(t).trim().to_string()).filter(|t| !t.is_empty());
    }
    let title = scraper::Selector::parse("title").expect("valid selector");
    let t = html.select(&title).next()?.text().collect::<String>();
    let t = t.split(['_', '|']).next()?.split(" - ").next()?;
    Some(collapse(t).trim().to_string()).filter(|t| !t.is_empty())
}

/// Whether a paragraph reads as a report's title.
fn is_title(text: &str) -> bool {
    text.contains("报告") && text.contains('年') && text.chars().count() <= 80 && !text.contains('。')
}

pub fn items(bytes: &[u8]) -> Result<Vec<Item>, ImportError> {
    let text = decode(bytes)?;
    nesting(&text)?;
    let html = Html::parse_document(&text);
    let mut depth = 0usize;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(_) => depth += 1,
            Edge::Close(_) => depth -= 1,
        }
        if depth > MAX_DEPTH {
            return Err(ImportError::new(
                &Place::Whole,
                format!("网页的元素嵌套超过 {MAX_DEPTH} 层，不像一份报告的网页"),
            ));
        }
    }
    let mut walker = Walker {
        pieces: Vec::new(),
        para: String::new(),
        para_node: None,
        heading: false,
        paragraphs: 0,
        tables: 0,
        images: 0,
    };
    walker.walk(html.tree.root())?;
    let pieces = walker.pieces;
    // The six section headings, in order; the report is the smallest
    // element that holds them all.
    let mut headings = Vec::new();
    for p in &pieces {
        if let Item::Para { text, .. } = &p.item {
            let k = headings.len();
            let run_in = run_in_section(text).is_some_and(|(s, _)| s == k);
            if k < 6 && (opens_section(text, k) || run_in) {
                headings.push(p.node);
            }
        }
    }
    if headings.is_empty() {
        let message = if walker.tables == 0 && walker.images > 0 {
            "网页里找不到报告的各部分标题，表格也没有，只有图片：这样的网页（截图）读不出数字，请改用文字版网页、Word 或 PDF 原件"
        } else {
            "网页里找不到“一、总体情况”等部分标题：这不像一份政府信息公开工作年度报告"
        };
        return Err(ImportError::new(&Place::Whole, message));
    }
    let root = common_ancestor(&headings);
    let inside = |node: &NodeRef<Node>| node.ancestors().chain([*node]).any(|a| a.id() == root.id());
    let first_in = pieces.iter().position(|p| inside(&p.node)).unwrap_or(0);
    let mut items: Vec<Item> = pieces[first_in..].iter().filter(|p| inside(&p.node)).map(|p| p.item.clone()).collect();
    let rows_in = items.iter().filter(|i| matches!(i, Item::Row { .. })).count();
    if rows_in == 0 && walker.images > 0 {
        return Err(ImportError::new(
            &Place::Whole,
            "网页里的表格是图片（截图），读不出数字：请改用文字版网页、Word 或 PDF 原件",
        ));
    }
    // The title: the content area's first paragraph when it reads as one,
    // else the nearest title-like paragraph above the content area (the
    // article's heading), else the page's title.
    let opens_with_title =
        matches!(items.first(), Some(Item::Para { text, .. }) if is_title(text) && section_of(text).is_none());
    if !opens_with_title {
        let above = pieces[..first_in].iter().rev().find_map(|p| match &p.item {
            Item::Para { text, at, .. } if is_title(text) => Some((text.clone(), at.clone())),
            _ => None,
        });
        let (title, at) = match above {
            Some(found) => found,
            None => (page_title(&html).unwrap_or_default(), Place::Whole),
        };
        if !title.is_empty() {
            items.insert(0, Item::Para { text: title, heading: Some(true), at });
        }
    }
    // A title repeated at the top of the content (heading and body both
    // carry it, often broken over two or three lines) is one title.
    let bare = |x: &str| x.split_whitespace().collect::<String>();
    if let Some(Item::Para { text: title, .. }) = items.first() {
        let title = bare(title);
        let mut joined = String::new();
        let repeated = items[1..].iter().take(3).position(|item| match item {
            Item::Para { text, .. } => {
                joined.push_str(&bare(text));
                joined == title
            }
            Item::Row { .. } => false,
        });
        if let Some(k) = repeated {
            items.drain(1..k + 2);
        }
    }
    Ok(items)
}

/// The deepest element that holds every one of `nodes`.
fn common_ancestor<'a>(nodes: &[NodeRef<'a, Node>]) -> NodeRef<'a, Node> {
    let path = |n: &NodeRef<'a, Node>| {
        let mut p: Vec<NodeRef<'a, Node>> = n.ancestors().collect();
        p.reverse();
        p.push(*n);
        p
    };
    let mut common = path(&nodes[0]);
    for n in &nodes[1..] {
        let other = path(n);
        let k = common.iter().zip(&other).take_while(|(a, b)| a.id() == b.id()).count();
        common.truncate(k);
    }
    // A heading's own paragraph is not the report: step up to its parent.
    if nodes.len() == 1 {
        common.pop();
    }
    *common.last().expect("the document holds every node")
}
