//! A roster kept in Excel: the first sheet of an `.xlsx` workbook read as
//! lines of comma-separated cells, as a CSV of it would read.

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;

/// The most a sheet or its strings may unpack to: a roster of a thousand
/// agencies is well under a megabyte.
const MAX_PART: u64 = 16 * 1024 * 1024;

/// A part of the workbook, unpacked no further than [`MAX_PART`].
fn part(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Result<Option<Vec<u8>>, String> {
    let file = match zip.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("名单的 Excel 文件读不了：{e}")),
    };
    let mut out = Vec::new();
    file.take(MAX_PART + 1).read_to_end(&mut out).map_err(|e| format!("名单的 Excel 文件读不了：{e}"))?;
    if out.len() as u64 > MAX_PART {
        return Err(format!("名单的 Excel 文件的 {name} 解压后超过 {} MB，不像一份名单", MAX_PART >> 20));
    }
    Ok(Some(out))
}

/// The texts of the workbook's shared strings, in order (a rich-text
/// string's runs joined).
fn shared_strings(xml: &[u8]) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_reader(xml);
    let (mut buf, mut out, mut current, mut in_t) = (Vec::new(), Vec::new(), None::<String>, false);
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| format!("名单的 Excel 文件读不了：{e}"))? {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"si" => current = Some(String::new()),
            Event::Start(e) if e.name().as_ref() == b"t" => in_t = true,
            Event::End(e) if e.name().as_ref() == b"t" => in_t = false,
            Event::End(e) if e.name().as_ref() == b"si" => out.extend(current.take()),
            Event::Text(t) if in_t => {
                if let Some(c) = &mut current {
                    c.push_str(&t.decode().map_err(|e| e.to_string())?);
                }
            }
            Event::GeneralRef(r) if in_t => {
                if let Some(c) = &mut current {
                    let entity = format!("&{};", r.decode().unwrap_or_default());
                    c.push_str(&quick_xml::escape::unescape(&entity).map_err(|e| e.to_string())?);
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// The most columns a sheet has (Excel's `XFD`).
const MAX_COLUMNS: usize = 16_384;

/// The column index of a cell reference (`C7` → 2), if within a sheet's
/// [`MAX_COLUMNS`].
fn column(reference: &str) -> Option<usize> {
    let mut n: usize = 0;
    for c in reference.chars().take_while(char::is_ascii_alphabetic) {
        n = n * 26 + (c.to_ascii_uppercase() as usize - 'A' as usize + 1);
        if n > MAX_COLUMNS {
            return None;
        }
    }
    n.checked_sub(1)
}

/// The first sheet as text: a line a row, cells between commas (a comma
/// inside a cell becomes a full-width one).
pub fn first_sheet_text(bytes: &[u8]) -> Result<String, String> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("名单的 Excel 文件读不了：{e}"))?;
    let strings = match part(&mut zip, "xl/sharedStrings.xml")? {
        Some(xml) => shared_strings(&xml)?,
        None => Vec::new(),
    };
    let sheet = part(&mut zip, "xl/worksheets/sheet1.xml")?
        .ok_or_else(|| "名单的 Excel 文件里没有工作表（xl/worksheets/sheet1.xml）".to_string())?;
    let mut reader = Reader::from_reader(sheet.as_slice());
    let mut buf = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    let mut row: Vec<(usize, String)> = Vec::new();
    // The cell being read: its column, its type, and its text.
    let mut cell: Option<(usize, Vec<u8>, String)> = None;
    let mut in_text = false;
    loop {
        match reader.read_event_into(&mut buf).map_err(|e| format!("名单的 Excel 文件读不了：{e}"))? {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"c" => {
                let (mut at, mut kind) = (row.len(), Vec::new());
                for a in e.attributes().flatten() {
                    match a.key.as_ref() {
                        b"r" => {
                            let reference = String::from_utf8_lossy(&a.value);
                            at = column(&reference)
                                .ok_or_else(|| format!("名单的 Excel 文件里的格子“{reference}”超出了工作表的列数"))?;
                        }
                        b"t" => kind = a.value.to_vec(),
                        _ => {}
                    }
                }
                cell = Some((at, kind, String::new()));
            }
            Event::Start(e) if matches!(e.name().as_ref(), b"v" | b"t") => in_text = true,
            Event::End(e) if matches!(e.name().as_ref(), b"v" | b"t") => in_text = false,
            Event::Text(t) if in_text => {
                if let Some((_, _, text)) = &mut cell {
                    text.push_str(&t.decode().map_err(|e| e.to_string())?);
                }
            }
            Event::End(e) if e.name().as_ref() == b"c" => {
                if let Some((at, kind, text)) = cell.take() {
                    let value = if kind == b"s" {
                        text.trim().parse::<usize>().ok().and_then(|i| strings.get(i)).cloned().unwrap_or_default()
                    } else {
                        text
                    };
                    row.push((at, value.replace(',', "，")));
                }
            }
            Event::End(e) if e.name().as_ref() == b"row" => {
                let width = row.iter().map(|(c, _)| c + 1).max().unwrap_or(0);
                let mut cells = vec![String::new(); width];
                for (c, v) in row.drain(..) {
                    cells[c] = v;
                }
                lines.push(cells.join(","));
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cell_references_name_their_columns() {
        assert_eq!(super::column("A1"), Some(0));
        assert_eq!(super::column("C7"), Some(2));
        assert_eq!(super::column("AA10"), Some(26));
        assert_eq!(super::column("XFD1"), Some(16_383));
        assert_eq!(super::column("XFE1"), None, "past Excel's last column");
        assert_eq!(super::column("AAAAAAAAAAAAAAAAAAAA1"), None, "never a huge row");
    }
}
