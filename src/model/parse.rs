//! Reading a report: bytes → text → template version → typed report.

use serde::de::DeserializeSeed;
use serde_path_to_error::Segment;

use super::de::{Head, ReportSeed};
use super::error::translate;
use super::locate::{line_column, locate};
use super::validate::validate;
use super::{limits, InputError, Report};
use crate::form::Version;

/// Reads a report from a file's bytes. UTF-8 only; a leading byte-order
/// mark (Windows editors write one) is skipped.
pub fn parse_bytes(bytes: &[u8]) -> Result<Report, InputError> {
    parse_str(decode(bytes)?)
}

/// A report file's text: within the size limit, UTF-8, without a leading
/// byte-order mark — the text every line and column is counted in.
pub fn decode(bytes: &[u8]) -> Result<&str, InputError> {
    if bytes.len() > limits::MAX_INPUT_BYTES {
        return Err(InputError {
            path: String::new(),
            line: 1,
            column: 1,
            message: format!(
                "文件有 {} 字节，超过上限 {} 字节（2 MiB）；一份年报的 JSON 通常不到 100 KB",
                bytes.len(),
                limits::MAX_INPUT_BYTES
            ),
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(InputError {
            path: String::new(),
            line: 1,
            column: 1,
            message: "文件是 UTF-16 编码；请另存为 UTF-8 编码".into(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        let (line, column) = line_column(good, good.len());
        InputError {
            path: String::new(),
            line,
            column,
            message: "文件不是有效的 UTF-8 编码（可能是 GBK 等其他编码）；请另存为 UTF-8".into(),
        }
    })?;
    Ok(text.strip_prefix('\u{FEFF}').unwrap_or(text))
}

/// Reads a report from text.
pub fn parse_str(text: &str) -> Result<Report, InputError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    // First pass: only what decides the template version, since the shape of
    // tables A and B depends on it. Syntax errors are reported by the second
    // pass, with a path.
    let head: Head = serde_json::from_str(text).unwrap_or_default();
    let version = head.version.or(head.year.map(Version::for_year)).unwrap_or(Version::F2021);

    let mut de = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let result = ReportSeed { version, printed: head.printed }
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .and_then(|report| de.end().map(|()| report));
    let report = result.map_err(|err| {
        let path = pointer(track.path().iter());
        let (line, column) = char_position(text, err.line(), err.column());
        InputError { path, line, column, message: translate(&err) }
    })?;
    validate(&report).map_err(|invalid| {
        let (line, column) = locate(text, &invalid.path).unwrap_or((1, 1));
        InputError { path: invalid.path, line, column, message: invalid.message }
    })?;
    Ok(report)
}

/// The JSON pointer (RFC 6901) of a serde path.
fn pointer<'a>(segments: impl Iterator<Item = &'a Segment>) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// serde_json counts columns in bytes; people count characters.
fn char_position(text: &str, line: usize, byte_column: usize) -> (usize, usize) {
    if line == 0 {
        return (1, 1);
    }
    let Some(row) = text.split('\n').nth(line - 1) else {
        return (line, byte_column);
    };
    let mut end = byte_column.min(row.len());
    while !row.is_char_boundary(end) {
        end -= 1;
    }
    (line, row[..end].chars().count().max(1))
}
