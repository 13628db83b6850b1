//! From paragraphs and rows to a report: sections by their headings, table
//! rows by their official labels, numbers by their columns.

use super::{ImportError, Item, Place};
use crate::form::numbering::{numbering_of, opens_like_part, section_of};
use crate::form::table_a::{self, Kind};
use crate::form::table_b::{self, LineRole};
use crate::form::{self, table_c, Version};
use crate::model::{Block, Counts, Report, Signature, TableA, TableB, TableC, Value, Written};

/// A label as compared (both the form's and the source's go through it):
/// no white space, full-width brackets, ASCII digits, `.` after a number,
/// one kind of quote.
pub fn normalize(label: &str) -> String {
    let chars: Vec<char> = label.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::with_capacity(label.len());
    for (i, &c) in chars.iter().enumerate() {
        let digit_before = i > 0 && (chars[i - 1].is_ascii_digit() || ('０'..='９').contains(&chars[i - 1]));
        out.push(match c {
            '(' => '（',
            ')' => '）',
            '“' | '”' | '＂' => '"',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '、' if digit_before => '.',
            c => c,
        });
    }
    out
}

/// Is a paragraph a stand-alone sub-heading: numbered, short, no sentence?
fn is_heading(text: &str) -> bool {
    let numbered = numbering_of(text).is_some() || opens_like_part(text);
    numbered && text.chars().count() <= 30 && !text.contains('。')
}

/// A run-in lead: `（一）主动公开方面。` opening a paragraph that goes on.
fn split_lead(text: &str) -> Option<(&str, &str)> {
    if !opens_like_part(text) {
        return None;
    }
    let end = text.find('。')? + '。'.len_utf8();
    let (lead, rest) = text.split_at(end);
    (lead.chars().count() <= 25 && !rest.trim().is_empty()).then_some((lead, rest))
}

fn block(text: &str, heading: Option<bool>) -> Block {
    if heading.unwrap_or_else(|| is_heading(text)) {
        return Block::Heading(text.to_string());
    }
    match split_lead(text) {
        Some((lead, rest)) => Block::Lead { lead: lead.to_string(), text: rest.to_string() },
        None => Block::Paragraph(text.to_string()),
    }
}

fn prose(items: &[Item]) -> Result<Vec<Block>, ImportError> {
    items
        .iter()
        .map(|item| match item {
            Item::Para { text, heading, .. } => Ok(block(text, *heading)),
            Item::Row { at, .. } => Err(ImportError::new(at, "这一部分应是文字，却有表格")),
        })
        .collect()
}

/// A closing signature: the agency, then a date, at the very end.
fn signature(blocks: &mut Vec<Block>) -> Option<Signature> {
    let is_date = |t: &str| {
        let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        t.ends_with('日') && t.contains('年') && t.contains('月') && t.chars().count() <= 12
    };
    match blocks.as_slice() {
        [.., Block::Paragraph(agency), Block::Paragraph(date)]
            if is_date(date) && agency.chars().count() <= 30 && !agency.contains('。') =>
        {
            let s = Signature { agency: agency.clone(), date: date.clone() };
            blocks.truncate(blocks.len() - 2);
            Some(s)
        }
        _ => None,
    }
}

/// Year and agency from the title: `{agency}{year}年[度]政府信息公开工作年度报告`
/// or `{year}年{agency}…`.
fn title_parts(title: &str, at: &Place) -> Result<(i64, String), ImportError> {
    let chars: Vec<char> = title.chars().collect();
    let found = (0..chars.len().saturating_sub(4))
        .find(|&i| chars[i..i + 4].iter().all(char::is_ascii_digit) && chars.get(i + 4) == Some(&'年'));
    let Some(i) = found else {
        return Err(ImportError::new(at, format!("标题“{title}”里找不到年度（如 2023年）")));
    };
    let year: i64 = chars[i..i + 4].iter().collect::<String>().parse().expect("four digits");
    let mut end = i + 5;
    if chars.get(end) == Some(&'度') {
        end += 1;
    }
    let before: String = chars[..i].iter().collect();
    let after: String = chars[end..].iter().collect();
    let agency = format!("{before}{}", after.trim_end_matches("政府信息公开工作年度报告"));
    if agency.is_empty() {
        return Err(ImportError::new(at, format!("标题“{title}”里找不到机关名称")));
    }
    Ok((year, agency))
}

fn rows(items: &[Item]) -> Vec<(&[String], &Place)> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Row { cells, at } => Some((cells.as_slice(), at)),
            Item::Para { .. } => None,
        })
        .collect()
}

/// A row not found: when a line of text begins with its label, the row is
/// there but its cells did not come apart (blank cells between spaces
/// cannot be seen), and the error points at it.
fn missing(items: &[Item], label: &str, at: &Place, message: String) -> ImportError {
    let label = normalize(label);
    let para = items.iter().find_map(|item| match item {
        Item::Para { text, at, .. } if normalize(text).starts_with(&label) => Some((text, at)),
        _ => None,
    });
    match para {
        Some((text, at)) => ImportError::new(
            at,
            format!("“{text}”读不成表格的一行：各格应以制表符分隔（以空格分隔时，空白单元格无从辨认）"),
        ),
        None => ImportError::new(at, message),
    }
}

fn is_texty(cell: &str) -> bool {
    !cell.is_empty() && !cell.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '−')
}

fn count(cell: &str, at: &Place) -> Result<Option<u64>, ImportError> {
    if cell.is_empty() {
        return Ok(None);
    }
    cell.parse().map(Some).map_err(|_| ImportError::new(at, format!("“{cell}”不是件数")))
}

fn value(kind: Kind, cell: &str, at: &Place) -> Result<Value, ImportError> {
    Ok(match kind {
        Kind::Count => Value::Count(count(cell, at)?),
        Kind::Signed if cell.is_empty() => Value::Signed(None),
        Kind::Signed => Value::Signed(Some(
            cell.replace('−', "-").parse().map_err(|_| ImportError::new(at, format!("“{cell}”不是增减数")))?,
        )),
        Kind::Amount => Value::Amount((!cell.is_empty()).then(|| cell.to_string())),
    })
}

pub(super) const UNKNOWN_FORMAT: &str =
    "表二的表头既不是 2021 年格式（本年制发件数）也不是 2019 年格式（本年新制作数量）";

/// The template version, from table A's header labels.
fn format_of(items: &[Item], at: &Place) -> Result<Version, ImportError> {
    for format in [Version::F2021, Version::F2019] {
        let first = table_a::items(format)[0].shape.fields()[0].header;
        if rows(items).iter().any(|(cells, _)| cells.iter().any(|c| normalize(c) == normalize(first))) {
            return Ok(format);
        }
    }
    Err(ImportError::new(at, UNKNOWN_FORMAT))
}

fn table_a(format: Version, items: &[Item], at: &Place) -> Result<TableA, ImportError> {
    let mut values: Vec<Option<Vec<Value>>> = vec![None; table_a::rows(format).count()];
    for (cells, at) in rows(items) {
        let Some(label) = cells.iter().find(|c| !c.is_empty()) else { continue };
        let label = normalize(label);
        if label.starts_with("第二十条") || label == table_a::CONTENT_HEADER {
            continue;
        }
        let Some(i) = table_a::rows(format).position(|(_, r)| normalize(r.label) == label) else {
            return Err(ImportError::new(at, format!("表二里不认识的行“{label}”")));
        };
        let (item, _) = table_a::rows(format).nth(i).expect("position found it");
        let fields = item.shape.fields();
        let start = cells.iter().position(|c| !c.is_empty()).expect("label found") + 1;
        let rest = &cells[start..];
        if rest.len() < fields.len() || rest[fields.len()..].iter().any(|c| !c.is_empty()) {
            return Err(ImportError::new(
                at,
                format!(
                    "“{label}”这一行应有 {} 个数，实际是 {}",
                    fields.len(),
                    rest.iter().filter(|c| !c.is_empty()).count()
                ),
            ));
        }
        let row = fields.iter().zip(rest).map(|(f, c)| value(f.kind, c, at)).collect::<Result<_, _>>()?;
        if values[i].replace(row).is_some() {
            return Err(ImportError::new(at, format!("“{label}”这一行出现了两次")));
        }
    }
    for ((item, row), v) in table_a::rows(format).zip(&values) {
        if v.is_none() {
            return Err(missing(items, row.label, at, format!("表二缺少“{}·{}”这一行", item.title, row.label)));
        }
    }
    Ok(TableA { rows: values.into_iter().flatten().collect() })
}

fn table_b(format: Version, items: &[Item], at: &Place) -> Result<TableB, ImportError> {
    let lines = table_b::lines(format);
    let width = table_b::APPLICANTS.parts.len() + 1;
    let labels: Vec<String> = lines.iter().map(|l| normalize(&l.own_label())).collect();
    // Each data row: its line, and the cells after its label.
    let mut found: Vec<(usize, &[String], &Place)> = Vec::new();
    for (cells, at) in rows(items) {
        let Some(k) = cells.iter().rposition(|c| is_texty(c)) else { continue };
        let label = normalize(&cells[k]);
        match labels.iter().position(|l| *l == label) {
            Some(i) => found.push((i, &cells[k + 1..], at)),
            None if ["申请人情况", "自然人", "法人或其他组织", "商业企业", "其他", "总计", "勾稽"]
                .iter()
                .any(|h| label.contains(h)) => {}
            None => return Err(ImportError::new(at, format!("表三里不认识的行“{label}”"))),
        }
    }
    // The seven values are a run of cells after the label; the cells around
    // them must be empty. Exports differ in where the padding goes: most
    // put the values last; some put them right after the label and pad the
    // end of every row. Values last, unless some row rules that out.
    let fits =
        |v: &[String], s: usize| v.len() >= s + width && v[..s].iter().chain(&v[s + width..]).all(String::is_empty);
    let last = found.iter().all(|(_, v, _)| v.len() >= width && fits(v, v.len() - width));
    let mut out: Vec<Option<Counts>> = vec![None; lines.len()];
    for (i, values, at) in found {
        let start = if last && values.len() >= width {
            Some(values.len() - width)
        } else {
            (0..values.len().saturating_sub(width) + 1).find(|&s| fits(values, s))
        };
        let Some(start) = start.filter(|_| values.len() >= width) else {
            let n = values.iter().filter(|c| !c.is_empty()).count();
            return Err(ImportError::new(
                at,
                format!("“{}”这一行应有 {width} 个数（空白计入），实际有 {n} 个非空格", lines[i].name()),
            ));
        };
        let values = &values[start..start + width];
        if out[i].is_some() {
            return Err(ImportError::new(at, format!("“{}”这一行出现了两次", lines[i].name())));
        }
        let nums = values.iter().map(|c| count(c, at)).collect::<Result<Vec<_>, _>>()?;
        let (parts, total) = nums.split_at(width - 1);
        out[i] = Some(Counts { parts: parts.to_vec(), total: Some(total[0]), written: Written::Array });
    }
    if let Some((line, _)) = lines.iter().zip(&out).find(|(l, r)| r.is_none() && l.role != LineRole::ResultTotal) {
        return Err(missing(items, &line.own_label(), at, format!("表三缺少“{}”这一行", line.name())));
    }
    Ok(TableB { rows: out })
}

fn table_c(items: &[Item], at: &Place) -> Result<TableC, ImportError> {
    let width = table_c::OUTCOMES.parts.len() + 1;
    let all = width * table_c::GROUPS.len();
    let data = rows(items)
        .into_iter()
        .find(|(cells, _)| cells.iter().all(|c| !is_texty(c)) && cells.iter().any(|c| !c.is_empty()));
    let Some((cells, at)) = data else {
        return Err(ImportError::new(at, "表四没有数据行"));
    };
    if cells.len() != all {
        return Err(ImportError::new(at, format!("表四的数据行应有 {all} 格（空白计入），实际有 {} 格", cells.len())));
    }
    let groups = cells
        .chunks(width)
        .map(|chunk| {
            let nums = chunk.iter().map(|c| count(c, at)).collect::<Result<Vec<_>, _>>()?;
            Ok(Counts { parts: nums[..width - 1].to_vec(), total: Some(nums[width - 1]), written: Written::Array })
        })
        .collect::<Result<_, ImportError>>()?;
    Ok(TableC { groups })
}

/// Assembles a report from a source's items.
pub fn assemble(items: &[Item]) -> Result<Report, ImportError> {
    let Some(Item::Para { text: title, at: title_at, .. }) = items.first() else {
        return Err(ImportError::new(items.first().map_or(&Place::Whole, Item::at), "开头应是报告标题"));
    };
    let title: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let (year, agency) = title_parts(&title, title_at)?;
    // The six sections, in order.
    let mut starts = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Item::Para { text, .. } = item {
            if section_of(text) == Some(starts.len()) {
                starts.push(i);
            }
        }
    }
    let headings = form::SECTIONS;
    if starts.len() < 6 {
        let after = starts.last().map_or(title_at, |&i| items[i].at());
        return Err(ImportError::new(after, format!("在此之后找不到“{}”", headings[starts.len()])));
    }
    let section = |k: usize| &items[starts[k] + 1..starts.get(k + 1).copied().unwrap_or(items.len())];
    let heading_at = |k: usize| items[starts[k]].at();
    let format = format_of(section(1), heading_at(1))?;
    if year < Version::FIRST_YEAR {
        return Err(ImportError::new(title_at, format!("{year} 年的报告早于 2019 年统一格式，不支持")));
    }
    let mut other_matters = prose(section(5))?;
    let signature = signature(&mut other_matters);
    let title = (title != form::default_title(&agency, year)).then_some(title);
    Ok(Report {
        format,
        format_given: true,
        year,
        agency,
        title,
        preamble: prose(&items[1..starts[0]])?,
        overview: prose(section(0))?,
        proactive: table_a(format, section(1), heading_at(1))?,
        applications: table_b(format, section(2), heading_at(2))?,
        review_litigation: table_c(section(3), heading_at(3))?,
        problems: prose(section(4))?,
        other_matters,
        signature,
    })
}
