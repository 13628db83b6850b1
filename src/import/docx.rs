//! Word files: body paragraphs and tables in order; a merged cell's
//! continuation reads as an empty cell.

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{ImportError, Item, Place};

fn bad(message: &str) -> ImportError {
    ImportError::new(&Place::Whole, format!("不是可读的 Word（.docx）文件：{message}"))
}

/// The most `word/document.xml` may unpack to: a 100-page report's is
/// under 5 MB; a crafted 2 MB file unpacked to 2 GiB.
const MAX_DOCUMENT_XML: u64 = 32 * 1024 * 1024;

/// The body of a Word file, unpacked no further than [`MAX_DOCUMENT_XML`]
/// whatever size the archive claims.
fn document_xml(bytes: &[u8]) -> Result<Vec<u8>, ImportError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e.to_string()))?;
    let file = zip.by_name("word/document.xml").map_err(|e| bad(&e.to_string()))?;
    let too_big = || bad(&format!("正文（word/document.xml）解压后超过 {} MB，不像一份年报", MAX_DOCUMENT_XML >> 20));
    if file.size() > MAX_DOCUMENT_XML {
        return Err(too_big());
    }
    let mut xml = Vec::new();
    file.take(MAX_DOCUMENT_XML + 1).read_to_end(&mut xml).map_err(|e| bad(&e.to_string()))?;
    if xml.len() as u64 > MAX_DOCUMENT_XML {
        return Err(too_big());
    }
    Ok(xml)
}

/// What is being read at the moment.
#[derive(Default)]
struct State {
    table_depth: usize,
    tables: usize,
    rows: usize,
    paragraphs: usize,
    row: Vec<String>,
    cell: String,
    continuation: bool,
    para: String,
    style: String,
    in_text: bool,
}

/// An element's `w:val`.
fn val(e: &quick_xml::events::BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == b"w:val")
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

pub fn items(bytes: &[u8]) -> Result<Vec<Item>, ImportError> {
    let xml = document_xml(bytes)?;
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    let mut s = State::default();
    let mut out = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| bad(&e.to_string()))?;
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if matches!(e.name().as_ref(), b"w:vMerge") => {
                s.continuation = val(&e).as_deref() != Some("restart");
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"w:pStyle" => {
                s.style = val(&e).unwrap_or_default();
            }
            Event::Start(e) => match e.name().as_ref() {
                b"w:tbl" => {
                    s.table_depth += 1;
                    if s.table_depth == 1 {
                        s.tables += 1;
                        s.rows = 0;
                    }
                }
                b"w:tr" => s.row.clear(),
                b"w:tc" => {
                    s.cell.clear();
                    s.continuation = false;
                }
                b"w:p" => {
                    s.para.clear();
                    s.style.clear();
                }
                b"w:t" => s.in_text = true,
                _ => {}
            },
            Event::Text(t) if s.in_text => s.para.push_str(&t.decode().map_err(|e| bad(&e.to_string()))?),
            Event::GeneralRef(r) if s.in_text => {
                let text = match r.resolve_char_ref().map_err(|e| bad(&e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::unescape(&format!("&{};", r.decode().unwrap_or_default()))
                        .map(|c| c.into_owned())
                        .unwrap_or_default(),
                };
                s.para.push_str(&text);
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => s.in_text = false,
                b"w:p" if s.table_depth > 0 => {
                    if !s.cell.is_empty() && !s.para.is_empty() {
                        s.cell.push(' ');
                    }
                    s.cell.push_str(&s.para);
                }
                b"w:p" => {
                    s.paragraphs += 1;
                    let text = s.para.trim().to_string();
                    if !text.is_empty() && !super::is_furniture(&text) {
                        // Trust a style that says what a paragraph is; for
                        // any other (Normal, a hand-made file's), read the
                        // numbering like plain text.
                        let heading = match s.style.as_str() {
                            style if style.starts_with("Heading") || style == "Title" => Some(true),
                            "BodyText" => Some(false),
                            _ => None,
                        };
                        out.push(Item::Para { text, heading, at: Place::Paragraph(s.paragraphs) });
                    }
                }
                b"w:tc" => {
                    let text = if s.continuation { String::new() } else { s.cell.trim().to_string() };
                    s.row.push(text);
                }
                b"w:tr" if s.table_depth == 1 => {
                    s.rows += 1;
                    let at = Place::TableRow { table: s.tables, row: s.rows };
                    out.push(Item::Row { cells: std::mem::take(&mut s.row), at });
                }
                b"w:tbl" => s.table_depth -= 1,
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}
