//! From paragraphs and rows to a report: sections by their headings, table
//! rows by their official labels, numbers by their columns.

use super::{ImportError, Item, Note, Place};
use crate::form::applications::{self, LineRole};
use crate::form::numbering::{numbering_of, opens_like_part};
use crate::form::proactive::{self, Kind};
use crate::form::variants::{self, normalize, Match};
use crate::form::{self, review_litigation, Version};
use crate::model::{
    Applications, AroundTable, Block, Counts, Proactive, Report, ReviewLitigation, Signature, TableProse, Value,
    Written,
};

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
/// (whatever follows the words 政府信息公开, such as `（全文）`, is not the
/// agency's) or `{year}年{agency}…`. The agency is `None` when the title
/// names none (`2023年政府信息公开工作年度报告`).
fn title_parts(title: &str, at: &Place) -> Result<(i64, Option<String>), ImportError> {
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
    let after = after.find("政府信息公开").map_or(after.as_str(), |k| &after[..k]);
    let agency = format!("{before}{after}");
    Ok((year, (!agency.is_empty()).then_some(agency)))
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
fn split_badly(items: &[Item], label: &str) -> Option<ImportError> {
    let label = normalize(label);
    items.iter().find_map(|item| match item {
        Item::Para { text, at, .. } if normalize(text).starts_with(&label) => Some(ImportError::new(
            at,
            format!("“{text}”读不成表格的一行：各格应以制表符分隔（以空格分隔时，空白单元格无从辨认）"),
        )),
        _ => None,
    })
}

fn missing(items: &[Item], label: &str, at: &Place, message: String) -> ImportError {
    split_badly(items, label).unwrap_or_else(|| ImportError::new(at, message))
}

fn is_texty(cell: &str) -> bool {
    !cell.is_empty() && !cell.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '−')
}

/// A count cell: digits, full-width or not, with thousands separators
/// where they group by three (`1,234`); blank is `None`. Anything else —
/// a space between digits (`3 5` is two numbers run together), a decimal —
/// is refused.
fn count(cell: &str, at: &Place) -> Result<Option<u64>, ImportError> {
    if cell.is_empty() {
        return Ok(None);
    }
    let digits: String = cell
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '，' => ',',
            c => c,
        })
        .collect();
    let grouped = digits.split(',').enumerate().all(|(i, g)| {
        g.chars().all(|c| c.is_ascii_digit()) && if i == 0 { (1..=3).contains(&g.len()) } else { g.len() == 3 }
    });
    let digits = if digits.contains(',') && grouped { digits.replace(',', "") } else { digits };
    digits.parse().map(Some).map_err(|_| ImportError::new(at, format!("“{cell}”不是件数")))
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

/// A matched label as explained: what the source says, what it was read as.
fn matched(notes: &mut Vec<Note>, at: &Place, table: &str, m: &Match, source: &str, name: &str, path: String) {
    let text = match m {
        Match::Variant(_, how) => format!("{table}：{how}"),
        _ => format!("{table}：“{}”即“{name}”", source.trim()),
    };
    notes.push(Note { at: at.clone(), text, path: Some(path) });
}

/// The refusal for a label that could mean more than one row.
fn ambiguous(at: &Place, table: &str, source: &str, names: &[String]) -> ImportError {
    ImportError::new(at, format!("{table}的行“{source}”可能是{}，无法确定是哪一行", names.join("，也可能是")))
}

pub(super) const UNKNOWN_FORMAT: &str =
    "表二的表头既不是 2021 年格式（本年制发件数）也不是 2019 年格式（本年新制作数量）";

/// The template version, from table A's header labels.
fn format_of(items: &[Item], at: &Place) -> Result<Version, ImportError> {
    for format in [Version::F2021, Version::F2019] {
        let first = proactive::items(format)[0].shape.fields()[0].header;
        let names: Vec<String> =
            std::iter::once(first).chain(variants::proactive_header(first).iter().copied()).map(normalize).collect();
        if rows(items).iter().any(|(cells, _)| cells.iter().any(|c| names.contains(&normalize(c)))) {
            return Ok(format);
        }
    }
    Err(ImportError::new(at, UNKNOWN_FORMAT))
}

fn proactive(format: Version, items: &[Item], at: &Place, notes: &mut Vec<Note>) -> Result<Proactive, ImportError> {
    let all: Vec<_> = proactive::rows(format).collect();
    let mut values: Vec<Option<Vec<Value>>> = vec![None; all.len()];
    for (cells, at) in rows(items) {
        let Some(start) = cells.iter().position(|c| !c.is_empty()) else { continue };
        let label = normalize(&cells[start]);
        if label.starts_with("第二十条") || label == proactive::CONTENT_HEADER {
            continue;
        }
        let m = variants::match_table_a(format, &label);
        let i = match &m {
            Match::Exact(i) | Match::Variant(i, _) => *i,
            Match::Ambiguous(names) => return Err(ambiguous(at, "表二", &label, names)),
            Match::None => return Err(ImportError::new(at, format!("表二里不认识的行“{label}”"))),
        };
        let (item, row) = all[i];
        let path = format!("/proactive/{}", row.key);
        matched(notes, at, "表二", &m, &cells[start], &format!("{}·{}", item.title, row.label), path);
        let fields = item.shape.fields();
        let rest = &cells[start + 1..];
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
    if values.iter().all(Option::is_none) {
        return Err(missing(items, all[0].1.label, at, "表二没有数据行".into()));
    }
    // A row the published table does not have (a department that makes
    // no 规章) is blank in every cell, as published.
    let mut out = Vec::with_capacity(all.len());
    for ((item, row), v) in all.iter().zip(values) {
        match v {
            Some(v) => out.push(v),
            None => {
                if let Some(e) = split_badly(items, row.label) {
                    return Err(e);
                }
                // The label is there, but not where a row starts (a merged
                // item title beside it): it was not read, so refuse.
                let label = normalize(row.label);
                let elsewhere = rows(items).into_iter().find(|(cells, _)| cells.iter().any(|c| normalize(c) == label));
                if let Some((_, at)) = elsewhere {
                    return Err(ImportError::new(
                        at,
                        format!("表二的“{}”这一行读不出来：行名不在这一行的开头", row.label),
                    ));
                }
                notes.push(Note {
                    at: at.clone(),
                    text: format!("表二：原表没有“{}·{}”这一行，各格记为空白", item.title, row.label),
                    path: None,
                });
                out.push(item.shape.fields().iter().map(|f| value(f.kind, "", at)).collect::<Result<_, _>>()?);
            }
        }
    }
    Ok(Proactive { version: format, rows: out })
}

/// Whether a row of table B is one of its header rows.
fn is_b_header(cells: &[String]) -> bool {
    let heads = [applications::APPLICANT_HEADER, applications::ORGANISATION_HEADER, "自然人", "商业企业"];
    cells.iter().any(|c| {
        let c = normalize(c);
        c.contains("勾稽") || heads.iter().any(|h| normalize(h) == c)
    })
}

/// The organisation columns of table B's header, checked against the form:
/// a table whose columns are in another order or named otherwise is refused.
fn check_b_columns(cells: &[String], at: &Place) -> Result<(), ImportError> {
    let parts = &applications::APPLICANTS.parts[1..];
    if !cells.iter().any(|c| variants::is_column(parts[0].1, c)) {
        return Ok(());
    }
    let fills =
        [applications::APPLICANT_HEADER, applications::ORGANISATION_HEADER, "自然人", applications::APPLICANTS.total.1];
    let seen: Vec<&String> = cells
        .iter()
        .filter(|c| {
            is_texty(c) && !fills.iter().any(|f| normalize(f) == normalize(c)) && !normalize(c).contains("勾稽")
        })
        .collect();
    let mut seen = seen.into_iter().collect::<Vec<_>>();
    seen.dedup();
    let mut seen = seen.into_iter();
    for (_, label) in parts {
        match seen.next() {
            Some(c) if variants::is_column(label, c) => {}
            Some(c) => {
                return Err(ImportError::new(at, format!("表三的列“{c}”不是“{label}”：列的顺序或名称与官方格式不同")))
            }
            None => return Err(ImportError::new(at, format!("表三的表头缺少“{label}”这一列"))),
        }
    }
    Ok(())
}

fn applications(
    format: Version,
    items: &[Item],
    at: &Place,
    notes: &mut Vec<Note>,
) -> Result<Applications, ImportError> {
    let lines = applications::lines(format);
    let width = applications::APPLICANTS.parts.len() + 1;
    // Each data row: its line, and the cells after its label.
    let mut found: Vec<(usize, &[String], &Place)> = Vec::new();
    // A 2019 report whose table B follows the 2021 template: the three
    // rows of （六）其他处理, added up into the 2019 row.
    let mut other_2021: Vec<(usize, &[String], &Place)> = Vec::new();
    let other_2019 = lines.iter().position(|l| l.path == "results/other");
    // Each data row with its label and the matcher's reading; then the
    // rows it could not place alone, read by their order among the rest.
    let mut data: Vec<(&[String], &Place, usize, Match)> = Vec::new();
    for (cells, at) in rows(items) {
        if is_b_header(cells) {
            check_b_columns(cells, at)?;
            continue;
        }
        let Some(k) = cells.iter().rposition(|c| is_texty(c)) else { continue };
        data.push((cells, at, k, variants::match_table_b(lines, &cells[k])));
    }
    let labels: Vec<&str> = data.iter().map(|(cells, _, k, _)| cells[*k].as_str()).collect();
    let placed: Vec<Option<usize>> = data
        .iter()
        .map(|(.., m)| match m {
            Match::Exact(i) | Match::Variant(i, _) => Some(*i),
            _ => None,
        })
        .collect();
    for (row, slot, how) in variants::align_in_order(lines, &labels, &placed) {
        data[row].3 = Match::Variant(slot, how);
    }
    for (cells, at, k, m) in &data {
        let (cells, at, k) = (*cells, *at, *k);
        let label = &cells[k];
        match m {
            Match::Exact(i) | Match::Variant(i, _) => {
                let path = format!("/applications/{}", lines[*i].path);
                matched(notes, at, "表三", m, label, &lines[*i].name(), path);
                found.push((*i, &cells[k + 1..], at));
            }
            Match::Ambiguous(names) => return Err(ambiguous(at, "表三", label, names)),
            Match::None if format == Version::F2021 && is_other_2019(label) => {
                // A 2021 report whose table B prints （六）其他处理 as the one
                // row of 2019: read as printed, and the report says so.
                notes.push(Note {
                    at: at.clone(),
                    text: "表三按 2019 年格式把“（六）其他处理”印成一行：照原样记为 2019 年格式的表三（printed）"
                        .into(),
                    path: None,
                });
                return applications(Version::F2019, items, at, notes);
            }
            Match::None => {
                let lines_2021 = applications::lines(Version::F2021);
                match (other_2019, variants::match_table_b(lines_2021, label)) {
                    (Some(_), Match::Exact(j) | Match::Variant(j, _))
                        if lines_2021[j].path.starts_with("results/other/") =>
                    {
                        notes.push(Note {
                            at: at.clone(),
                            text: format!(
                                "表三：“{}”是 2021 年格式的行，与同组各行相加记入“（六）其他处理”",
                                label.trim()
                            ),
                            path: None,
                        });
                        other_2021.push((j, &cells[k + 1..], at));
                    }
                    _ => return Err(ImportError::new(at, format!("表三里不认识的行“{}”", normalize(label)))),
                }
            }
        }
    }
    // The seven values are a run of cells after the label; the cells around
    // them must be empty. Exports differ in where the padding goes: most
    // put the values last; some put them right after the label and pad the
    // end of every row. Values last, unless some row rules that out.
    let fits =
        |v: &[String], s: usize| v.len() >= s + width && v[..s].iter().chain(&v[s + width..]).all(String::is_empty);
    let all_rows = found.iter().map(|(_, v, _)| *v).chain(other_2021.iter().map(|(_, v, _)| *v));
    let last = all_rows.clone().all(|v| v.len() >= width && fits(v, v.len() - width));
    let numbers = |values: &[String], at: &Place, name: &str| -> Result<Vec<Option<u64>>, ImportError> {
        let start = if last && values.len() >= width {
            Some(values.len() - width)
        } else {
            (0..values.len().saturating_sub(width) + 1).find(|&s| fits(values, s))
        };
        let Some(start) = start.filter(|_| values.len() >= width) else {
            let n = values.iter().filter(|c| !c.is_empty()).count();
            return Err(ImportError::new(
                at,
                format!("“{name}”这一行应有 {width} 个数（空白计入），实际有 {n} 个非空格"),
            ));
        };
        values[start..start + width].iter().map(|c| count(c, at)).collect()
    };
    let counts = |nums: Vec<Option<u64>>| {
        let (parts, total) = nums.split_at(width - 1);
        Counts { parts: parts.to_vec(), total: Some(total[0]), written: Written::Array }
    };
    let mut out: Vec<Option<Counts>> = vec![None; lines.len()];
    for (i, values, at) in found {
        let nums = numbers(values, at, &lines[i].name())?;
        if out[i].replace(counts(nums)).is_some() {
            return Err(ImportError::new(at, format!("“{}”这一行出现了两次", lines[i].name())));
        }
    }
    if let (Some(i), Some((_, _, first_at))) = (other_2019, other_2021.first()) {
        if out[i].is_some() {
            return Err(ImportError::new(first_at, "表三既有“（六）其他处理”，又有 2021 年格式的其下各行"));
        }
        // Each of the three 2021 rows exactly once, or the sum is not the
        // 2019 row's.
        let lines_2021 = applications::lines(Version::F2021);
        let wanted: Vec<usize> =
            (0..lines_2021.len()).filter(|&j| lines_2021[j].path.starts_with("results/other/")).collect();
        let mut seen: Vec<usize> = other_2021.iter().map(|(j, _, _)| *j).collect();
        seen.sort();
        if seen != wanted {
            return Err(ImportError::new(
                first_at,
                "表三按 2021 年格式列出“（六）其他处理”的各行，但不是恰好三行各一次，无法相加",
            ));
        }
        let mut sum: Vec<Option<u64>> = vec![None; width];
        for (c, slot) in sum.iter_mut().enumerate() {
            let column: Vec<Option<u64>> = other_2021
                .iter()
                .map(|(_, v, at)| numbers(v, at, "（六）其他处理").map(|n| n[c]))
                .collect::<Result<_, _>>()?;
            *slot = match (column.iter().all(Option::is_some), column.iter().all(Option::is_none)) {
                (true, _) => Some(
                    column
                        .iter()
                        .flatten()
                        .try_fold(0u64, |a, b| a.checked_add(*b))
                        .ok_or_else(|| ImportError::new(first_at, "表三“（六）其他处理”相加超出范围"))?,
                ),
                (_, true) => None,
                _ => return Err(ImportError::new(first_at, "表三“（六）其他处理”各行有的空白有的填数，相加无从确定")),
            };
        }
        out[i] = Some(counts(sum));
    }
    if let Some((line, _)) = lines.iter().zip(&out).find(|(l, r)| r.is_none() && l.role != LineRole::ResultTotal) {
        return Err(missing(items, &line.own_label(), at, format!("表三缺少“{}”这一行", line.name())));
    }
    Ok(Applications { version: format, rows: out })
}

/// Whether table B prints the rows of （六）其他处理 that only the 2021
/// template has.
fn prints_2021_other(items: &[Item]) -> bool {
    let lines = applications::lines(Version::F2021);
    rows(items).iter().any(|(cells, _)| {
        cells.iter().rposition(|c| is_texty(c)).is_some_and(|k| {
            matches!(variants::match_table_b(lines, &cells[k]), Match::Exact(i) | Match::Variant(i, _)
                if lines[i].path.starts_with("results/other/"))
        })
    })
}

/// Whether a table B label is the 2019 template's one row （六）其他处理.
fn is_other_2019(label: &str) -> bool {
    let lines = applications::lines(Version::F2019);
    matches!(variants::match_table_b(lines, label), Match::Exact(i) | Match::Variant(i, _) if lines[i].path == "results/other")
}

/// The outcome headers of table C, checked against the form where a row
/// has them: every group's five columns in the official order.
fn check_c_columns(cells: &[String], at: &Place) -> Result<(), ImportError> {
    let outcomes: Vec<&str> =
        (0..=review_litigation::OUTCOMES.parts.len()).map(|i| review_litigation::OUTCOMES.label(i)).collect();
    // A header merged across two columns (LibreOffice splits columns to
    // line up borders) fills both: one header.
    let mut seen: Vec<String> = cells.iter().filter(|c| is_texty(c)).map(|c| normalize(c)).collect();
    seen.dedup();
    if !seen.iter().any(|c| *c == outcomes[0]) {
        return Ok(());
    }
    let groups = review_litigation::GROUPS
        .iter()
        .map(|g| normalize(g.label))
        .chain([normalize(review_litigation::LITIGATION)])
        .collect::<Vec<_>>();
    let seen: Vec<&String> = seen.iter().filter(|c| !groups.contains(c)).collect();
    if seen.is_empty()
        || !seen.len().is_multiple_of(outcomes.len())
        || seen.iter().enumerate().any(|(i, c)| **c != outcomes[i % outcomes.len()])
    {
        let seen: Vec<&str> = seen.iter().map(|s| s.as_str()).collect();
        return Err(ImportError::new(
            at,
            format!("表四的列（{}）与官方格式（{}）不同", seen.join("、"), outcomes.join("、")),
        ));
    }
    Ok(())
}

fn review_litigation(items: &[Item], at: &Place, notes: &mut Vec<Note>) -> Result<ReviewLitigation, ImportError> {
    let width = review_litigation::OUTCOMES.parts.len() + 1;
    let all = width * review_litigation::GROUPS.len();
    let mut data = None;
    for (cells, row_at) in rows(items) {
        if cells.iter().any(|c| is_texty(c)) {
            check_c_columns(cells, row_at)?;
        } else if cells.iter().any(|c| !c.is_empty()) && data.replace((cells, row_at)).is_some() {
            return Err(ImportError::new(row_at, "表四应只有一行数据，这里又有一行"));
        }
    }
    let Some((cells, at)) = data else {
        return Err(ImportError::new(at, "表四没有数据行"));
    };
    if cells.len() != all {
        return Err(ImportError::new(at, format!("表四的数据行应有 {all} 格（空白计入），实际有 {} 格", cells.len())));
    }
    notes.push(Note {
        at: at.clone(),
        text: format!("表四：数据行 {all} 格，依次为行政复议、未经复议直接起诉、复议后起诉各 {width} 格"),
        path: Some("/review_litigation".into()),
    });
    let groups = cells
        .chunks(width)
        .map(|chunk| {
            let nums = chunk.iter().map(|c| count(c, at)).collect::<Result<Vec<_>, _>>()?;
            Ok(Counts { parts: nums[..width - 1].to_vec(), total: Some(nums[width - 1]), written: Written::Array })
        })
        .collect::<Result<_, ImportError>>()?;
    Ok(ReviewLitigation { groups })
}

/// Whether a paragraph is a line of a table's header that did not come
/// apart into cells (text whose columns were set with spaces), or table
/// A's item title standing on a line of its own.
fn is_table_text(text: &str) -> bool {
    const HEADS: &[&str] =
        &["第二十条", "勾稽关系", "申请人情况", "法人或其他组织", "商业企业", "结果维持", "未经复议直接起诉"];
    let t = normalize(text);
    t.chars().count() <= 120 && !t.contains('。') && (HEADS.iter().any(|h| t.contains(h)) || t == "行政复议行政诉讼")
}

/// A section that holds a table: the prose before it, the table's items
/// (with any header lines that did not come apart into cells), the prose
/// after it.
fn around_table(items: &[Item]) -> (&[Item], &[Item], &[Item]) {
    let is_row = |i: &Item| matches!(i, Item::Row { .. });
    let (Some(first), Some(last)) = (items.iter().position(is_row), items.iter().rposition(is_row)) else {
        return (items, &[], &[]);
    };
    let first = items[..first]
        .iter()
        .rposition(|i| !matches!(i, Item::Para { text, .. } if is_table_text(text)))
        .map_or(0, |p| p + 1);
    (&items[..first], &items[first..=last], &items[last + 1..])
}

/// Text between a table's rows that is not part of the table: refused,
/// as nothing tells whether it belongs before or after the table.
fn stray_text(table: &[Item], heading: &str) -> Result<(), ImportError> {
    for item in table {
        if let Item::Para { text, at, .. } = item {
            if !is_table_text(text) {
                return Err(ImportError::new(
                    at,
                    format!("“{heading}”的表格中间有一段文字“{text}”，不知该放在表格前还是表格后"),
                ));
            }
        }
    }
    Ok(())
}

/// Parts a section heading from the paragraph it was run into, so that
/// the section is found and its text kept.
fn split_run_in_headings(items: &[Item]) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Item::Para { text, heading, at } => match variants::run_in_section(text) {
                Some((_, end)) => {
                    let text = text.trim_start();
                    out.push(Item::Para { text: text[..end].to_string(), heading: Some(true), at: at.clone() });
                    out.push(Item::Para { text: text[end..].trim().to_string(), heading: *heading, at: at.clone() });
                }
                None => out.push(item.clone()),
            },
            Item::Row { .. } => out.push(item.clone()),
        }
    }
    out
}

/// Assembles a report from a source's items, with notes on how each part
/// was found (`import --explain`).
pub fn assemble(items: &[Item]) -> Result<(Report, Vec<Note>), ImportError> {
    let Some(Item::Para { text: title, at: title_at, .. }) = items.first() else {
        return Err(ImportError::new(items.first().map_or(&Place::Whole, Item::at), "开头应是报告标题"));
    };
    let title: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let items = &split_run_in_headings(items);
    let (year, agency) = title_parts(&title, title_at)?;
    let mut notes = Vec::new();
    let (heads, bodies) = sections(items, title_at, &mut notes)?;
    let headings = form::SECTIONS;
    let section = |k: usize| &items[bodies[k].clone()];
    let heading_at =
        |k: usize| heads[k].or(Some(bodies[k].start)).and_then(|i| items.get(i)).map_or(title_at, Item::at);
    if year < Version::FIRST_YEAR {
        return Err(ImportError::new(title_at, format!("{year} 年的报告早于 2019 年统一格式，不支持")));
    }
    let mut table_prose = TableProse::default();
    let mut tables: Vec<&[Item]> = Vec::new();
    for (k, around) in (1..4).zip(&mut table_prose.sections) {
        let (before, table, after) = around_table(section(k));
        *around = AroundTable { before: prose(before)?, after: prose(after)? };
        tables.push(table);
    }
    let format = format_of(tables[0], heading_at(1))?;
    let proactive = proactive(format, tables[0], heading_at(1), &mut notes)?;
    // A report of 2021 or later whose table A keeps the 2019 layout while
    // table B prints the 2021 rows: a 2021 report, table A as printed.
    let format =
        if format == Version::F2019 && Version::for_year(year) == Version::F2021 && prints_2021_other(tables[1]) {
            notes.push(Note {
                at: heading_at(1).clone(),
                text: "表二按 2019 年格式印出，表三按 2021 年格式：记为 2021 年格式的报告，表二照原样（printed）"
                    .into(),
                path: None,
            });
            Version::F2021
        } else {
            format
        };
    let applications = applications(format, tables[1], heading_at(2), &mut notes)?;
    let review_litigation = review_litigation(tables[2], heading_at(3), &mut notes)?;
    for (k, table) in (1..4).zip(&tables) {
        stray_text(table, headings[k])?;
    }
    let mut other_matters = prose(section(5))?;
    let signature = signature(&mut other_matters);
    // A title that names no agency: the report's own sign-off does.
    let agency = match (agency, &signature) {
        (Some(agency), _) => agency,
        (None, Some(s)) => {
            notes.push(Note {
                at: title_at.clone(),
                text: format!("标题没有机关名称，取落款“{}”", s.agency),
                path: None,
            });
            s.agency.clone()
        }
        (None, None) => {
            return Err(ImportError::new(title_at, format!("标题“{title}”里找不到机关名称，文末也没有落款")));
        }
    };
    notes.insert(
        0,
        Note {
            at: title_at.clone(),
            text: format!("标题：“{title}”，{year} 年度，{agency}"),
            path: Some(String::new()),
        },
    );
    let title = (title != form::default_title(&agency, year)).then_some(title);
    let report = Report {
        version: format,
        year,
        agency,
        title,
        preamble: prose(&items[1..heads[0].unwrap_or(bodies[0].start)])?,
        overview: prose(section(0))?,
        proactive,
        applications,
        review_litigation,
        table_prose,
        problems: prose(section(4))?,
        other_matters,
        signature,
    };
    Ok((report, notes))
}

/// Where each of the six sections stands: its heading's item (`None`
/// where the report printed none) and its body.
type Sections = ([Option<usize>; 6], [std::ops::Range<usize>; 6]);

/// The six sections. Where the report has its three tables, they fix where
/// 二, 三 and 四 are: each one's heading is the last line before its table
/// that can head it, so numbered sub-headings inside 一 (二、…六、) are
/// passed over and numbering that restarts (the tables' sections numbered
/// 一、二、三) is read by the words; a section whose heading was left out
/// begins at its table. 五 and 六 follow table C. Otherwise the headings
/// are taken in order by their words.
fn sections(items: &[Item], title_at: &Place, notes: &mut Vec<Note>) -> Result<Sections, ImportError> {
    let mut heads: [Option<usize>; 6] = [None; 6];
    let para = |i: usize| match &items[i] {
        Item::Para { text, .. } => Some(text.as_str()),
        Item::Row { .. } => None,
    };
    let missing = |after: Option<usize>, k: usize| {
        let at = after.and_then(|i| items.get(i)).map_or(title_at, Item::at);
        ImportError::new(at, format!("在此之后找不到“{}”", form::SECTIONS[k]))
    };
    let tables = table_runs(items);
    let mut table_starts: [Option<usize>; 6] = [None; 6];
    if let [a, b, c] = tables.as_slice() {
        heads[0] = (1..a.start).find(|&i| para(i).is_some_and(|t| variants::opens_section(t, 0)));
        let Some(first) = heads[0] else { return Err(missing(None, 0)) };
        let mut from = first + 1;
        for (k, table) in (1..4).zip([a, b, c]) {
            heads[k] = (from..table.start).rev().find(|&i| para(i).is_some_and(|t| variants::heads_section(t, k)));
            table_starts[k] = Some(table.start);
            from = table.end;
        }
        heads[4] = (c.end..items.len()).find(|&i| para(i).is_some_and(|t| variants::heads_section(t, 4)));
        let Some(fifth) = heads[4] else { return Err(missing(Some(c.end.saturating_sub(1)), 4)) };
        heads[5] = (fifth + 1..items.len()).find(|&i| para(i).is_some_and(|t| variants::heads_section(t, 5)));
        if heads[5].is_none() {
            return Err(missing(Some(fifth), 5));
        }
    } else {
        let mut k = 0;
        for i in 0..items.len() {
            if k < 6 && para(i).is_some_and(|t| variants::opens_section(t, k)) {
                heads[k] = Some(i);
                k += 1;
            }
        }
        if k < 6 {
            return Err(missing(heads[..k].iter().rev().flatten().next().copied(), k));
        }
    }
    // Each body runs from its heading (or, with none, its table) to the
    // next section's beginning.
    let begins: Vec<usize> = (0..6).map(|k| heads[k].unwrap_or_else(|| table_starts[k].unwrap_or(0))).collect();
    let bodies: [std::ops::Range<usize>; 6] = std::array::from_fn(|k| {
        let start = heads[k].map_or(begins[k], |h| h + 1);
        start..begins.get(k + 1).copied().unwrap_or(items.len())
    });
    for k in 0..6 {
        let text = match heads[k] {
            Some(h) => format!("“{}”：“{}”", form::SECTIONS[k], para(h).unwrap_or_default()),
            None => format!("“{}”：表格前没有这一部分的标题，按表格的位置读", form::SECTIONS[k]),
        };
        let at = items[heads[k].unwrap_or(begins[k])].at().clone();
        let path = ["/overview", "/proactive", "/applications", "/review_litigation", "/problems", "/other_matters"][k];
        notes.push(Note { at, text, path: Some(path.into()) });
    }
    Ok((heads, bodies))
}

/// The runs of table rows, in order: header lines that did not come apart
/// into cells join the rows they stand with (above or among them).
fn table_runs(items: &[Item]) -> Vec<std::ops::Range<usize>> {
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if !matches!(item, Item::Row { .. }) {
            continue;
        }
        match runs.last_mut() {
            Some(run)
                if items[run.end..i].iter().all(|x| matches!(x, Item::Para { text, .. } if is_table_text(text))) =>
            {
                run.end = i + 1
            }
            _ => {
                // Header lines just above its first row are the table's.
                let above = items[..i]
                    .iter()
                    .rposition(|x| !matches!(x, Item::Para { text, .. } if is_table_text(text)))
                    .map_or(0, |p| p + 1);
                let start = runs.last().map_or(above, |r| above.max(r.end));
                runs.push(start..i + 1)
            }
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_give_year_and_agency() {
        let at = Place::Whole;
        let agency = |t: &str| title_parts(t, &at).unwrap();
        assert_eq!(agency("北关区乡村振兴局2023年政府信息公开工作年度报告"), (2023, Some("北关区乡村振兴局".into())));
        assert_eq!(
            agency("平潭综合实验区2025年度政府信息公开工作年度报告（全文）"),
            (2025, Some("平潭综合实验区".into()))
        );
        assert_eq!(
            agency("2022年平潭综合实验区公安局政府信息公开工作年度报告"),
            (2022, Some("平潭综合实验区公安局".into()))
        );
        assert_eq!(agency("2023年政府信息公开工作年度报告"), (2023, None));
        assert!(title_parts("政府信息公开工作年度报告", &at).is_err());
    }

    #[test]
    fn counts_are_digits_exactly() {
        let at = Place::Whole;
        assert_eq!(count("1,234", &at), Ok(Some(1234)));
        assert_eq!(count("１２", &at), Ok(Some(12)));
        assert_eq!(count("", &at), Ok(None));
        assert!(count("12,34", &at).is_err(), "not grouped by three: refused, not read as 1234");
        assert!(count("1.5", &at).is_err());
        assert!(count("约10", &at).is_err());
        assert!(count("3 5", &at).is_err(), "two numbers run together");
    }
}
