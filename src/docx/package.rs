//! From docx-rs's parts to a valid, deterministic package.
//!
//! docx-rs writes some property children out of ECMA-376 schema order
//! (docx-rs#724: Word then offers to "recover" the file), has no API for
//! repeating header rows, drops `firstLineChars` when it writes an
//! indent, cannot turn off automatic Chinese–Latin spacing, and numbers
//! paragraphs with a per-thread counter.
//! Each XML part is therefore read into a small tree, mended, and written
//! back; the ZIP is written with fixed timestamps.

use std::io::{Cursor, Write};

use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer};
use zip::write::SimpleFileOptions;

use crate::layout::Meta;

/// Child order of the property elements, from the ECMA-376 schema
/// (CT_PPr, CT_RPr, CT_SectPr, CT_TblPr, CT_TrPr, CT_TcPr, CT_Style).
pub const SCHEMA_ORDER: &[(&str, &[&str])] = &[
    (
        "w:pPr",
        &[
            "w:pStyle",
            "w:keepNext",
            "w:keepLines",
            "w:pageBreakBefore",
            "w:framePr",
            "w:widowControl",
            "w:numPr",
            "w:suppressLineNumbers",
            "w:pBdr",
            "w:shd",
            "w:tabs",
            "w:suppressAutoHyphens",
            "w:kinsoku",
            "w:wordWrap",
            "w:overflowPunct",
            "w:topLinePunct",
            "w:autoSpaceDE",
            "w:autoSpaceDN",
            "w:bidi",
            "w:adjustRightInd",
            "w:snapToGrid",
            "w:spacing",
            "w:ind",
            "w:contextualSpacing",
            "w:mirrorIndents",
            "w:suppressOverlap",
            "w:jc",
            "w:textDirection",
            "w:textAlignment",
            "w:textboxTightWrap",
            "w:outlineLvl",
            "w:divId",
            "w:cnfStyle",
            "w:rPr",
            "w:sectPr",
            "w:pPrChange",
        ],
    ),
    (
        "w:rPr",
        &[
            "w:ins",
            "w:del",
            "w:moveFrom",
            "w:moveTo",
            "w:rStyle",
            "w:rFonts",
            "w:b",
            "w:bCs",
            "w:i",
            "w:iCs",
            "w:caps",
            "w:smallCaps",
            "w:strike",
            "w:dstrike",
            "w:outline",
            "w:shadow",
            "w:emboss",
            "w:imprint",
            "w:noProof",
            "w:snapToGrid",
            "w:vanish",
            "w:webHidden",
            "w:color",
            "w:spacing",
            "w:w",
            "w:kern",
            "w:position",
            "w:sz",
            "w:szCs",
            "w:highlight",
            "w:u",
            "w:effect",
            "w:bdr",
            "w:shd",
            "w:fitText",
            "w:vertAlign",
            "w:rtl",
            "w:cs",
            "w:em",
            "w:lang",
            "w:eastAsianLayout",
            "w:specVanish",
            "w:oMath",
            "w:rPrChange",
        ],
    ),
    (
        "w:sectPr",
        &[
            "w:headerReference",
            "w:footerReference",
            "w:footnotePr",
            "w:endnotePr",
            "w:type",
            "w:pgSz",
            "w:pgMar",
            "w:paperSrc",
            "w:pgBorders",
            "w:lnNumType",
            "w:pgNumType",
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
            "w:sectPrChange",
        ],
    ),
    (
        "w:tblPr",
        &[
            "w:tblStyle",
            "w:tblpPr",
            "w:tblOverlap",
            "w:bidiVisual",
            "w:tblStyleRowBandSize",
            "w:tblStyleColBandSize",
            "w:tblW",
            "w:jc",
            "w:tblCellSpacing",
            "w:tblInd",
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
            "w:tblCaption",
            "w:tblDescription",
            "w:tblPrChange",
        ],
    ),
    (
        "w:trPr",
        &[
            "w:cnfStyle",
            "w:divId",
            "w:gridBefore",
            "w:gridAfter",
            "w:wBefore",
            "w:wAfter",
            "w:cantSplit",
            "w:trHeight",
            "w:tblHeader",
            "w:tblCellSpacing",
            "w:jc",
            "w:hidden",
            "w:ins",
            "w:del",
            "w:trPrChange",
        ],
    ),
    (
        "w:tcPr",
        &[
            "w:cnfStyle",
            "w:tcW",
            "w:gridSpan",
            "w:hMerge",
            "w:vMerge",
            "w:tcBorders",
            "w:shd",
            "w:noWrap",
            "w:tcMar",
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
            "w:headers",
            "w:cellIns",
            "w:cellDel",
            "w:cellMerge",
            "w:tcPrChange",
        ],
    ),
    (
        "w:style",
        &[
            "w:name",
            "w:aliases",
            "w:basedOn",
            "w:next",
            "w:link",
            "w:autoRedefine",
            "w:hidden",
            "w:uiPriority",
            "w:semiHidden",
            "w:unhideWhenUsed",
            "w:qFormat",
            "w:locked",
            "w:personal",
            "w:personalCompose",
            "w:personalReply",
            "w:rsid",
            "w:pPr",
            "w:rPr",
            "w:tblPr",
            "w:trPr",
            "w:tcPr",
            "w:tblStylePr",
        ],
    ),
    ("w:settings", &["w:zoom", "w:defaultTabStop", "w:evenAndOddHeaders", "w:characterSpacingControl", "w:compat"]),
];

type XmlError = Box<dyn std::error::Error + Send + Sync>;

/// An XML node: an element with its children, or any other event.
enum Node {
    Element { start: BytesStart<'static>, children: Vec<Node> },
    Other(Event<'static>),
}

impl Node {
    fn name(&self) -> Option<String> {
        match self {
            Node::Element { start, .. } => Some(String::from_utf8_lossy(start.name().as_ref()).into_owned()),
            Node::Other(_) => None,
        }
    }
}

fn parse(xml: &[u8]) -> Result<Vec<Node>, XmlError> {
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<(Option<BytesStart<'static>>, Vec<Node>)> = vec![(None, Vec::new())];
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Eof => break,
            Event::Start(s) => stack.push((Some(s.into_owned()), Vec::new())),
            Event::Empty(s) => {
                stack.last_mut().expect("root").1.push(Node::Element { start: s.into_owned(), children: vec![] })
            }
            Event::End(_) => {
                let (start, children) = stack.pop().expect("balanced");
                let start = start.ok_or("unbalanced end tag")?;
                stack.last_mut().ok_or("unbalanced end tag")?.1.push(Node::Element { start, children });
            }
            other => stack.last_mut().expect("root").1.push(Node::Other(other.into_owned())),
        }
        buf.clear();
    }
    let (_, nodes) = stack.pop().ok_or("empty document")?;
    Ok(nodes)
}

fn write(nodes: &[Node], w: &mut Writer<Vec<u8>>) -> Result<(), XmlError> {
    for node in nodes {
        match node {
            Node::Element { start, children } if children.is_empty() => w.write_event(Event::Empty(start.borrow()))?,
            Node::Element { start, children } => {
                w.write_event(Event::Start(start.borrow()))?;
                write(children, w)?;
                w.write_event(Event::End(BytesEnd::new(String::from_utf8_lossy(start.name().as_ref()))))?;
            }
            Node::Other(event) => w.write_event(event.borrow())?,
        }
    }
    Ok(())
}

/// Sorts the children of every property element into schema order
/// (stable, so repeated children keep their order).
fn reorder(nodes: &mut [Node]) {
    for node in nodes {
        if let Node::Element { start, children } = node {
            reorder(children);
            let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
            if let Some((_, order)) = SCHEMA_ORDER.iter().find(|(parent, _)| *parent == name) {
                let rank = |n: &Node| n.name().and_then(|k| order.iter().position(|o| *o == k)).unwrap_or(order.len());
                children.sort_by_key(rank);
            }
        }
    }
}

/// Numbers paragraphs in order (`w14:paraId`), continuing `next`.
fn number_paragraphs(nodes: &mut [Node], next: &mut u32) {
    for node in nodes {
        if let Node::Element { start, children } = node {
            if start.name().as_ref() == b"w:p" {
                let attrs: Vec<(Vec<u8>, Vec<u8>)> = start
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let value = if a.key.as_ref() == b"w14:paraId" {
                            format!("{:08X}", *next).into_bytes()
                        } else {
                            a.value.into_owned()
                        };
                        (a.key.as_ref().to_vec(), value)
                    })
                    .collect();
                *next += 1;
                start.clear_attributes();
                for (k, v) in &attrs {
                    start.push_attribute((k.as_slice(), v.as_slice()));
                }
            }
            number_paragraphs(children, next);
        }
    }
}

/// Gives every first-line indent its size in characters (hundredths), as
/// Word writes it, so the indent follows the grid when a user changes the
/// font size.
fn first_line_chars(nodes: &mut [Node], char_pitch: f64) {
    for node in nodes {
        let Node::Element { start, children } = node else { continue };
        if start.name().as_ref() == b"w:ind" {
            let first = start
                .attributes()
                .flatten()
                .find(|a| a.key.as_ref() == b"w:firstLine")
                .and_then(|a| String::from_utf8_lossy(&a.value).parse::<f64>().ok());
            if let Some(twips) = first {
                let chars = (twips / char_pitch * 100.0).round() as i64;
                start.push_attribute(("w:firstLineChars", chars.to_string().as_str()));
            }
        }
        first_line_chars(children, char_pitch);
    }
}

fn element(name: &str) -> Node {
    Node::Element { start: BytesStart::new(name.to_string()), children: vec![] }
}

/// Sets every paragraph's Asian typography (docx-rs cannot write it): no
/// automatic space between Chinese and Latin text or digits, as in the
/// PDF (text prints as written, `2023年` and `251000元` without a gap);
/// and `overflowPunct` on, Word's own default, written out for
/// LibreOffice, which reads it inverted: without it LibreOffice lets a
/// stop or comma at a line's end hang past the edge and, the characters
/// being condensed to the grid's 28 a line, prints nothing of it (34 of
/// 60 generated reports lost a mark so, and each fixture one).
fn asian_typography(nodes: &mut [Node]) {
    for node in nodes {
        let Node::Element { start, children } = node else { continue };
        if start.name().as_ref() == b"w:pPrDefault" {
            if !children.iter().any(|c| c.name().as_deref() == Some("w:pPr")) {
                children.push(element("w:pPr"));
            }
            for child in children.iter_mut() {
                let Node::Element { start, children: props } = child else { continue };
                if start.name().as_ref() == b"w:pPr" {
                    for (name, value) in [("w:overflowPunct", "1"), ("w:autoSpaceDE", "0"), ("w:autoSpaceDN", "0")] {
                        let mut property = BytesStart::new(name);
                        property.push_attribute(("w:val", value));
                        props.push(Node::Element { start: property, children: vec![] });
                    }
                }
            }
        } else {
            asian_typography(children);
        }
    }
}

/// Sets the document to compress punctuation (Word's 压缩标点符号,
/// `characterSpacingControl`), as the PDF sets it: a bracket or a stop
/// at a line's edge, or two side by side, take half a character, so a
/// line holds what it holds in the PDF and the pages break alike.
fn compress_punctuation(nodes: &mut [Node]) {
    for node in nodes {
        let Node::Element { start, children } = node else { continue };
        if start.name().as_ref() == b"w:settings" {
            let mut control = BytesStart::new("w:characterSpacingControl");
            control.push_attribute(("w:val", "compressPunctuation"));
            children.push(Node::Element { start: control, children: vec![] });
        } else {
            compress_punctuation(children);
        }
    }
}

/// Marks the first `header_rows[t]` rows of the `t`-th table to repeat at
/// the top of each page.
fn mark_header_rows(nodes: &mut [Node], header_rows: &mut std::slice::Iter<usize>) {
    for node in nodes {
        let Node::Element { start, children } = node else { continue };
        if start.name().as_ref() != b"w:tbl" {
            mark_header_rows(children, header_rows);
            continue;
        }
        let n = header_rows.next().copied().unwrap_or(0);
        for row in children.iter_mut().filter(|c| c.name().as_deref() == Some("w:tr")).take(n) {
            let Node::Element { children: cells, .. } = row else { continue };
            if cells.first().and_then(Node::name).as_deref() != Some("w:trPr") {
                cells.insert(0, element("w:trPr"));
            }
            if let Some(Node::Element { children: props, .. }) = cells.first_mut() {
                props.push(element("w:tblHeader"));
            }
        }
    }
}

/// Reads, mends and writes back one XML part.
fn mend(xml: &[u8], header_rows: &[usize], para_ids: &mut u32) -> Result<Vec<u8>, XmlError> {
    let mut nodes = parse(xml)?;
    mark_header_rows(&mut nodes, &mut header_rows.iter());
    first_line_chars(&mut nodes, super::page::MM * super::page::CHAR_PITCH);
    asian_typography(&mut nodes);
    compress_punctuation(&mut nodes);
    reorder(&mut nodes);
    number_paragraphs(&mut nodes, para_ids);
    let mut w = Writer::new(Vec::new());
    write(&nodes, &mut w)?;
    Ok(w.into_inner())
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// Core properties: the report's title and agency, a fixed date.
fn core_properties(core: &[u8], meta: &Meta) -> Vec<u8> {
    let core = String::from_utf8_lossy(core)
        .replace(
            "<dc:creator>unknown</dc:creator>",
            &format!(
                "<dc:creator>{}</dc:creator><dc:title>{}</dc:title><dc:language>{}-{}</dc:language>",
                escape(&meta.author),
                escape(&meta.title),
                meta.lang,
                meta.region
            ),
        )
        .replace("<cp:lastModifiedBy>unknown</cp:lastModifiedBy>", "<cp:lastModifiedBy>nianbao</cp:lastModifiedBy>");
    core.into_bytes()
}

/// Writes the package: every part docx-rs made, mended, at fixed times.
pub fn pack(xml: docx_rs::XMLDocx, header_rows: &[usize], meta: &Meta) -> Result<Vec<u8>, XmlError> {
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), xml.content_type),
        ("_rels/.rels".into(), xml.rels),
        ("docProps/app.xml".into(), xml.doc_props.app),
        ("docProps/core.xml".into(), core_properties(&xml.doc_props.core, meta)),
        ("docProps/custom.xml".into(), xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), xml.document_rels),
        ("word/document.xml".into(), xml.document),
        ("word/styles.xml".into(), xml.styles),
        ("word/settings.xml".into(), xml.settings),
        ("word/fontTable.xml".into(), xml.font_table),
        ("word/comments.xml".into(), xml.comments),
        ("word/numbering.xml".into(), xml.numberings),
        ("word/commentsExtended.xml".into(), xml.comments_extended),
        ("word/footnotes.xml".into(), xml.footnotes),
    ];
    for (i, footer) in xml.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), footer));
        if let Some(rels) = xml.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels.clone()));
        }
    }
    // Every part goes through the same mending; only the body has tables.
    let mut ids = 1;
    for (name, bytes) in &mut parts {
        if name.starts_with("word/") && name.ends_with(".xml") {
            let rows = if name == "word/document.xml" { header_rows } else { &[] };
            *bytes = mend(bytes, rows, &mut ids)?;
        }
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in parts {
        out.start_file(name, options)?;
        out.write_all(&bytes)?;
    }
    Ok(out.finish()?.into_inner())
}
