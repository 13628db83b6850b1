//! The contract's limits on what a report may hold, checked on the typed
//! report however it came to be — parsed from JSON, imported from a
//! published page, edited in the desk — so that every front end applies
//! the same rules without writing JSON and parsing it again.
//!
//! Every string a user wrote goes through the same character check, the
//! amounts of table A and the prose around the tables included, and every
//! piece of prose counts toward the text limit.

use super::limits::{self, MAX_AMOUNT_CHARS, MAX_BLOCKS, MAX_STRING_CHARS, MAX_TEXT_CHARS};
use super::{Block, Report, Value};
use crate::form::{self, proactive};

/// What breaks a limit, and the JSON pointer of where it is (empty for the
/// report as a whole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub path: String,
    pub message: String,
}

/// Checks every string against the limits and the invisible characters,
/// every section against the paragraph limit, and the whole text against
/// the text limit; the first problem, in document order, is returned.
pub fn validate(report: &Report) -> Result<(), Invalid> {
    let mut walk = Walk { chars: 0 };
    walk.named("/agency", &report.agency)?;
    if let Some(title) = &report.title {
        walk.named("/title", title)?;
    }
    walk.blocks("/preamble", &report.preamble)?;
    walk.blocks("/overview", &report.overview)?;
    for ((item, row), values) in proactive::rows(report.proactive.version).zip(&report.proactive.rows) {
        for (field, value) in item.shape.fields().iter().zip(values) {
            if let Value::Amount(Some(text)) = value {
                let path = match item.shape {
                    proactive::Shape::Scalar(_) => format!("/proactive/{}", row.key),
                    proactive::Shape::Object(_) => format!("/proactive/{}/{}", row.key, field.key),
                };
                if check_string(&path, text)? > MAX_AMOUNT_CHARS {
                    return Err(Invalid {
                        path,
                        message: format!("金额写了 {} 个字符，超过上限 {MAX_AMOUNT_CHARS}", text.chars().count()),
                    });
                }
            }
        }
    }
    for ((key, _), around) in form::TABLE_SECTIONS.iter().zip(&report.table_prose.sections) {
        walk.blocks(&format!("/table_prose/{key}/before"), &around.before)?;
        walk.blocks(&format!("/table_prose/{key}/after"), &around.after)?;
    }
    walk.blocks("/problems", &report.problems)?;
    walk.blocks("/other_matters", &report.other_matters)?;
    if let Some(signature) = &report.signature {
        walk.text("/signature/agency", &signature.agency)?;
        walk.text("/signature/date", &signature.date)?;
    }
    if walk.chars > MAX_TEXT_CHARS {
        return Err(Invalid {
            path: String::new(),
            message: format!("全文共 {} 个字符，超过上限 {MAX_TEXT_CHARS}", walk.chars),
        });
    }
    Ok(())
}

/// The strings of a report in document order, counting their characters.
struct Walk {
    chars: usize,
}

impl Walk {
    fn text(&mut self, path: &str, text: &str) -> Result<(), Invalid> {
        self.chars += check_string(path, text)?;
        Ok(())
    }

    /// A name or heading: text with something other than white space.
    fn named(&mut self, path: &str, text: &str) -> Result<(), Invalid> {
        if text.trim().is_empty() {
            return Err(Invalid { path: path.to_string(), message: "不能为空".into() });
        }
        self.text(path, text)
    }

    fn blocks(&mut self, path: &str, blocks: &[Block]) -> Result<(), Invalid> {
        if blocks.len() > MAX_BLOCKS {
            return Err(Invalid {
                path: path.to_string(), message: format!("这一部分超过 {MAX_BLOCKS} 段，超出上限")
            });
        }
        for (i, block) in blocks.iter().enumerate() {
            match block {
                Block::Paragraph(t) => self.text(&format!("{path}/{i}"), t)?,
                Block::Heading(h) => self.named(&format!("{path}/{i}/heading"), h)?,
                Block::Lead { lead, text } => {
                    self.named(&format!("{path}/{i}/lead"), lead)?;
                    self.text(&format!("{path}/{i}/text"), text)?;
                }
            }
        }
        Ok(())
    }
}

/// Checks one string a user wrote: not too long, nothing invisible in it.
/// Returns its length in characters.
fn check_string(path: &str, s: &str) -> Result<usize, Invalid> {
    let invalid = |message| Invalid { path: path.to_string(), message };
    let chars = s.chars().count();
    if chars > MAX_STRING_CHARS {
        return Err(invalid(format!(
            "这段文字有 {chars} 个字符，超过上限 {MAX_STRING_CHARS}；请检查是否把多段内容粘贴到了一起"
        )));
    }
    if let Some((i, c, what)) = s.chars().enumerate().find_map(|(i, c)| limits::forbidden(c).map(|w| (i, c, w))) {
        return Err(invalid(format!(
            "第 {} 个字符是看不见的{what} U+{:04X}（多来自复制粘贴），请删除",
            i + 1,
            c as u32
        )));
    }
    Ok(chars)
}
