//! The 汇总: the tables of many agencies' reports of one year and one
//! template version added up into a report for the office above them
//! (`nianbao sum`), with who is missing from a roster, how a published
//! 汇总 differs from the sum, and a workbook of every agency's figures.
//!
//! Counts add with blanks as nothing (all blank stays blank); amounts add
//! exactly as decimals; prose is left to the office, one placeholder
//! paragraph a section.

mod sheet;
mod xlsx;

pub use sheet::workbook;

use std::collections::BTreeMap;
use std::fmt;

use crate::check;
use crate::form::proactive::{self, Kind};
use crate::form::{applications, review_litigation, Version};
use crate::model::{
    sum_blank_as_zero, Applications, Block, Counts, Proactive, Report, ReviewLitigation, TableProse, Value, Written,
};

/// One agency's report in the sum: where it came from, and the report.
pub struct Member {
    pub name: String,
    pub report: Report,
}

/// Why the reports cannot be added up.
#[derive(Debug, thiserror::Error)]
pub enum SumError {
    #[error("没有可汇总的报告")]
    Empty,
    #[error("{agency} 有不止一份报告，汇总只能各计一份：{names}")]
    Twice { agency: String, names: String },
    #[error("报告的年度或模板版本不一：多数是 {year} 年（{format} 格式），不同的有：{odd}")]
    Mixed { year: i64, format: Version, odd: String },
    #[error("{name}：{place}的金额“{text}”不是数字，无法相加")]
    Amount { name: String, place: String, text: String },
    #[error("{place}的合计超出了能记录的范围")]
    Overflow { place: String },
}

/// The sum, and what was left out.
pub struct Summed {
    pub report: Report,
    /// Inputs that do not pass the checks and were left out.
    pub left_out: Vec<String>,
    /// Inputs that are the summing agency's own report (a 汇总 made
    /// before, left among the inputs): never counted as a department.
    pub own: Vec<String>,
    pub included: Vec<String>,
}

impl Summed {
    /// The members that went into the sum, in their order.
    pub fn used<'a>(&self, members: &'a [Member]) -> Vec<&'a Member> {
        members.iter().filter(|m| self.included.contains(&m.name)).collect()
    }
}

/// The placeholder of a prose section the office writes itself.
fn placeholder(n: usize) -> Vec<Block> {
    vec![Block::Paragraph(format!("{}：以上表格汇总了 {n} 份报告。）", crate::form::PLACEHOLDER))]
}

/// Adds up the tables of `inputs` into a report of `agency`. Inputs that
/// break a 勾稽 rule are left out unless `allow_inconsistent`.
pub fn sum(inputs: &[Member], agency: &str, allow_inconsistent: bool) -> Result<Summed, SumError> {
    let (own, inputs): (Vec<&Member>, Vec<&Member>) =
        inputs.iter().partition(|m| m.report.agency.trim() == agency.trim());
    let own: Vec<String> = own.iter().map(|m| m.name.clone()).collect();
    // One report an agency and year: two (a.json and the b.pdf it came
    // from) would count the agency twice.
    let mut by_agency: BTreeMap<(&str, i64), Vec<&str>> = BTreeMap::new();
    for m in &inputs {
        by_agency.entry((m.report.agency.trim(), m.report.year)).or_default().push(&m.name);
    }
    if let Some(((agency, _), names)) = by_agency.iter().find(|(_, names)| names.len() > 1) {
        return Err(SumError::Twice { agency: agency.to_string(), names: names.join("、") });
    }
    // Reports add up only cell for cell: the same year, and each table
    // printed in the same template (a 2021 report whose table B prints
    // （六）其他处理 as one row cannot be split into the 2021 rows).
    let layout = |r: &Report| (r.year, r.version, r.proactive.version, r.applications.version);
    let mut groups: BTreeMap<(i64, Version, Version, Version), usize> = BTreeMap::new();
    for i in &inputs {
        *groups.entry(layout(&i.report)).or_default() += 1;
    }
    let Some((&(year, format, proactive_format, applications_format), _)) =
        groups.iter().max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
    else {
        return Err(SumError::Empty);
    };
    let odd: Vec<String> = inputs
        .iter()
        .filter(|i| layout(&i.report) != (year, format, proactive_format, applications_format))
        .map(|i| {
            let r = &i.report;
            let mut tables = String::new();
            for (name, v) in [("表二", r.proactive.version), ("表三", r.applications.version)] {
                if v != r.version {
                    tables.push_str(&format!("，{name}按 {v} 格式印"));
                }
            }
            format!("{}（{} 年，{} 格式{tables}）", i.name, r.year, r.version)
        })
        .collect();
    if !odd.is_empty() {
        return Err(SumError::Mixed { year, format, odd: odd.join("、") });
    }
    let (mut used, mut left_out) = (Vec::new(), Vec::new());
    for &i in &inputs {
        let refused = check::refuses(&check::findings(&i.report));
        if refused && !allow_inconsistent {
            left_out.push(i.name.clone());
        } else {
            used.push(i);
        }
    }
    if used.is_empty() {
        return Err(SumError::Empty);
    }
    let reports: Vec<(&str, &Report)> = used.iter().map(|i| (i.name.as_str(), &i.report)).collect();
    let n = reports.len();
    let report = Report {
        version: format,
        year,
        agency: agency.to_string(),
        title: None,
        preamble: Vec::new(),
        overview: placeholder(n),
        proactive: proactive_sum(proactive_format, &reports)?,
        applications: applications_sum(applications_format, &reports)?,
        review_litigation: review_litigation_sum(&reports)?,
        table_prose: TableProse::default(),
        problems: placeholder(n),
        other_matters: placeholder(n),
        signature: None,
    };
    Ok(Summed { report, left_out, own, included: used.iter().map(|i| i.name.clone()).collect() })
}

fn narrow(v: Option<u128>, place: impl Fn() -> String) -> Result<Option<u64>, SumError> {
    v.map(|v| u64::try_from(v).map_err(|_| SumError::Overflow { place: place() })).transpose()
}

/// An exact decimal: digits and a scale (`12.50` is 1250 at scale 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    digits: i128,
    scale: u32,
}

impl Decimal {
    fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let ok = !int.is_empty() && int.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit());
        if !ok || frac.len() > 12 {
            return None;
        }
        Some(Decimal { digits: format!("{int}{frac}").parse().ok()?, scale: frac.len() as u32 })
    }

    fn add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        let up = |d: Decimal| d.digits.checked_mul(10i128.checked_pow(scale - d.scale)?);
        Some(Decimal { digits: up(self)?.checked_add(up(other)?)?, scale })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.digits);
        }
        let p = 10i128.pow(self.scale);
        write!(f, "{}.{:0width$}", self.digits / p, self.digits % p, width = self.scale as usize)
    }
}

fn proactive_sum(format: Version, reports: &[(&str, &Report)]) -> Result<Proactive, SumError> {
    let mut rows = Vec::new();
    for (k, (item, row)) in proactive::rows(format).enumerate() {
        let mut values = Vec::new();
        for (f, field) in item.shape.fields().iter().enumerate() {
            let place = || format!("表二“{}·{}·{}”", item.title, row.label, field.header);
            let cells: Vec<&Value> = reports.iter().map(|(_, r)| &r.proactive.rows[k][f]).collect();
            values.push(match field.kind {
                Kind::Count => {
                    let column: Vec<Option<u128>> =
                        cells.iter().map(|v| if let Value::Count(c) = v { c.map(u128::from) } else { None }).collect();
                    Value::Count(narrow(sum_blank_as_zero(&column), place)?)
                }
                Kind::Signed => {
                    let column: Vec<i64> =
                        cells.iter().filter_map(|v| if let Value::Signed(s) = v { *s } else { None }).collect();
                    let total = column.iter().try_fold(0i64, |a, b| a.checked_add(*b));
                    match (column.is_empty(), total) {
                        (true, _) => Value::Signed(None),
                        (false, Some(t)) => Value::Signed(Some(t)),
                        (false, None) => return Err(SumError::Overflow { place: place() }),
                    }
                }
                Kind::Amount => {
                    let mut total: Option<Decimal> = None;
                    for ((name, _), v) in reports.iter().zip(&cells) {
                        let Value::Amount(Some(text)) = v else { continue };
                        let d = Decimal::parse(text).ok_or_else(|| SumError::Amount {
                            name: name.to_string(),
                            place: place(),
                            text: text.clone(),
                        })?;
                        total = Some(match total {
                            None => d,
                            Some(t) => t.add(d).ok_or_else(|| SumError::Overflow { place: place() })?,
                        });
                    }
                    Value::Amount(total.map(|t| t.to_string()))
                }
            });
        }
        rows.push(values);
    }
    Ok(Proactive { version: format, rows })
}

/// Column sums of printed rows.
fn columns(rows: &[Vec<Option<u128>>], place: impl Fn(usize) -> String) -> Result<Vec<Option<u64>>, SumError> {
    let width = rows.first().map_or(0, Vec::len);
    (0..width)
        .map(|c| {
            let column: Vec<Option<u128>> = rows.iter().map(|r| r[c]).collect();
            narrow(sum_blank_as_zero(&column), || place(c))
        })
        .collect()
}

fn counts(sums: Vec<Option<u64>>) -> Counts {
    let (parts, total) = sums.split_at(sums.len() - 1);
    Counts { parts: parts.to_vec(), total: Some(total[0]), written: Written::Array }
}

fn applications_sum(format: Version, reports: &[(&str, &Report)]) -> Result<Applications, SumError> {
    let lines = applications::lines(format);
    let rows = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let printed: Vec<_> = reports.iter().map(|(_, r)| r.applications.printed(i)).collect();
            let sums = columns(&printed, |c| format!("表三“{} · {}”", line.name(), applications::APPLICANTS.label(c)))?;
            Ok(Some(counts(sums)))
        })
        .collect::<Result<_, SumError>>()?;
    Ok(Applications { version: format, rows })
}

fn review_litigation_sum(reports: &[(&str, &Report)]) -> Result<ReviewLitigation, SumError> {
    let groups = review_litigation::GROUPS
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let printed: Vec<_> = reports.iter().map(|(_, r)| r.review_litigation.groups[g].columns()).collect();
            let sums =
                columns(&printed, |c| format!("表四“{} · {}”", group.label, review_litigation::OUTCOMES.label(c)))?;
            Ok(counts(sums))
        })
        .collect::<Result<_, SumError>>()?;
    Ok(ReviewLitigation { groups })
}

/// Every value cell of a report, named in the report's words, as printed:
/// what the workbook's columns and the comparison walk.
pub fn cells(report: &Report) -> Vec<(String, Cell)> {
    let mut out = Vec::new();
    for ((item, row), values) in proactive::rows(report.proactive.version).zip(&report.proactive.rows) {
        for (field, v) in item.shape.fields().iter().zip(values) {
            let cell = match v {
                Value::Count(c) => Cell::of(c.map(|c| c as f64), c.map(|c| c.to_string())),
                Value::Signed(s) => Cell::of(s.map(|s| s as f64), s.map(|s| s.to_string())),
                Value::Amount(a) => Cell::of(a.as_deref().and_then(|t| t.trim().parse().ok()), a.clone()),
            };
            out.push((format!("表二 {}·{}·{}", item.title, row.label, field.header), cell));
        }
    }
    for (i, line) in applications::lines(report.applications.version).iter().enumerate() {
        for (c, v) in report.applications.printed(i).into_iter().enumerate() {
            let name = format!("表三 {}·{}", line.name(), applications::APPLICANTS.label(c));
            out.push((name, Cell::of(v.map(|v| v as f64), v.map(|v| v.to_string()))));
        }
    }
    for (group, counts) in review_litigation::GROUPS.iter().zip(&report.review_litigation.groups) {
        for (c, v) in counts.columns().into_iter().enumerate() {
            let name = format!("表四 {}·{}", group.label, review_litigation::OUTCOMES.label(c));
            out.push((name, Cell::of(v.map(|v| v as f64), v.map(|v| v.to_string()))));
        }
    }
    out
}

/// A value cell: as a number (for the workbook), and its text as printed;
/// both `None` when blank.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub number: Option<f64>,
    pub printed: Option<String>,
}

impl Cell {
    fn of(number: Option<f64>, printed: Option<String>) -> Cell {
        Cell { number, printed }
    }

    /// The text as printed, blank named.
    pub fn text(&self) -> String {
        self.printed.clone().unwrap_or_else(|| "空白".into())
    }
}

/// The cells where a published 汇总 differs from the sum, as notes.
pub fn compare(sum: &Report, published: &Report) -> Vec<String> {
    if sum.year != published.year {
        return vec![format!("已发布的汇总是 {} 年度的，而汇总的是 {} 年度，无法逐格比较", published.year, sum.year)];
    }
    let layout = |r: &Report| (r.version, r.proactive.version, r.applications.version);
    if layout(sum) != layout(published) {
        return vec![format!(
            "已发布的汇总是 {} 格式（表二 {}、表三 {}），与汇总的 {} 格式（表二 {}、表三 {}）不同，无法逐格比较",
            published.version,
            published.proactive.version,
            published.applications.version,
            sum.version,
            sum.proactive.version,
            sum.applications.version
        )];
    }
    cells(sum)
        .into_iter()
        .zip(cells(published))
        .filter(|((_, a), (_, b))| a.text() != b.text())
        .map(|((name, a), (_, b))| format!("{name}：汇总为 {}，已发布为 {}", a.text(), b.text()))
        .collect()
}

/// A roster called against the reports: who is missing, and who reported
/// without being on it.
#[derive(Debug, PartialEq, Eq)]
pub struct Roll {
    /// How many agencies the roster lists.
    pub listed: usize,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
    /// A missing name and a reporting one that may be the same agency
    /// (`行政审批局` on the roster, `某县行政审批局` in the report).
    pub maybe: Vec<(String, String)>,
}

impl Roll {
    /// Calls the roster file's `text` (see [`roster_names`]) against every
    /// report read, whether or not it went into the sum.
    pub fn call(text: &str, members: &[Member]) -> Roll {
        let listed = roster_names(text);
        let agencies: Vec<&str> = members.iter().map(|m| m.report.agency.as_str()).collect();
        let (missing, extra) = roster(&listed, &agencies);
        let maybe = missing
            .iter()
            .flat_map(|m| extra.iter().filter(move |e| alike(m, e)).map(move |e| (m.clone(), e.clone())))
            .collect();
        Roll { listed: listed.len(), missing, extra, maybe }
    }
}

/// Whether two agency names may name one agency: one holds the other (a
/// county's name before it, or left out), or they are written nearly
/// alike.
fn alike(a: &str, b: &str) -> bool {
    holds_name(a, b) || crate::form::variants::likeness(&squeezed(a), &squeezed(b)) >= 0.8
}

/// Whether two agency names are the same but for spaces.
pub fn same_name(a: &str, b: &str) -> bool {
    squeezed(a) == squeezed(b)
}

/// Whether one agency name holds the other, of three characters at least
/// (`行政审批局` and `某县行政审批局`).
pub fn holds_name(a: &str, b: &str) -> bool {
    let (a, b) = (squeezed(a), squeezed(b));
    let shorter = a.chars().count().min(b.chars().count());
    shorter >= 3 && (a.contains(&b) || b.contains(&a))
}

/// A roster file's text: UTF-8 (with or without a byte order mark), or
/// GBK/GB18030 as Excel on a Chinese Windows saves a CSV, or an Excel
/// workbook (`.xlsx`: its first sheet, a line a row, cells between commas).
pub fn roster_text(bytes: &[u8]) -> Result<String, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        return xlsx::first_sheet_text(bytes);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes).map(|t| t.into_owned()).ok_or_else(
        || "名单既不是 UTF-8 也不是 GBK/GB18030 文本，也不是 Excel 工作簿（.xlsx）；请另存为 CSV（UTF-8）".into(),
    )
}

/// Who is missing from a roster, and who reported without being on it.
/// An agency name without its spaces, as names are compared.
fn squeezed(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

fn roster(roster: &[String], agencies: &[&str]) -> (Vec<String>, Vec<String>) {
    let norm = squeezed;
    let reported: Vec<String> = agencies.iter().map(|a| norm(a)).collect();
    let listed: Vec<String> = roster.iter().map(|a| norm(a)).collect();
    let missing = roster.iter().filter(|r| !reported.contains(&norm(r))).cloned().collect();
    let extra = agencies.iter().filter(|a| !listed.contains(&norm(a))).map(|a| a.to_string()).collect();
    (missing, extra)
}

/// The agency names of a roster file's text: one agency a line, or a CSV
/// (fields in double quotes may hold commas and doubled quotes) whose
/// header names an agency column (`机关`, `机关名称`, `单位`, `单位名称`,
/// `部门`, `agency`); else its first column.
pub fn roster_names(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let Some(first) = lines.first() else { return Vec::new() };
    let names = ["机关", "机关名称", "单位", "单位名称", "部门", "agency"];
    let header = csv_fields(first);
    if !first.contains(',') {
        let skip = usize::from(names.contains(&header[0].as_str()));
        return lines[skip..].iter().map(|l| csv_fields(l).swap_remove(0)).filter(|v| !v.is_empty()).collect();
    }
    let (column, skip) = match header.iter().position(|h| names.contains(&h.as_str())) {
        Some(c) => (c, 1),
        None => (0, 0),
    };
    lines[skip..].iter().filter_map(|l| csv_fields(l).into_iter().nth(column)).filter(|v| !v.is_empty()).collect()
}

/// The fields of one CSV line (RFC 4180: a field in double quotes may
/// hold commas, and `""` for a quote), each trimmed.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let (mut quoted, mut chars) = (false, line.chars().peekable());
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("one field at least");
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            ',' if !quoted => fields.push(String::new()),
            c => field.push(c),
        }
    }
    fields.into_iter().map(|f| f.trim().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_add_exactly() {
        let d = |t: &str| Decimal::parse(t).unwrap();
        assert_eq!(d("0.1").add(d("0.2")).unwrap().to_string(), "0.3");
        assert_eq!(d("9116.36").add(d("4166.241619")).unwrap().to_string(), "13282.601619");
        assert_eq!(d("12").add(d("0.50")).unwrap().to_string(), "12.50");
        assert!(Decimal::parse("832995元").is_none());
        assert!(Decimal::parse("-1").is_none());
    }

    #[test]
    fn rosters_as_lines_or_csv() {
        assert_eq!(roster_names("甲局\n乙局\n\n"), vec!["甲局", "乙局"]);
        assert_eq!(roster_names("单位名称\n甲局\n乙局\n"), vec!["甲局", "乙局"]);
        assert_eq!(roster_names("序号,单位名称,联系人\n1,甲局,张\n2,\"乙局\",李\n"), vec!["甲局", "乙局"]);
        let quoted =
            "\u{feff}序号,\"单位名称\",备注\n1,\"某县\"\"放管服\"\"办公室\",\"含逗号,的备注\"\n2,\" 丙局 \",\n";
        assert_eq!(roster_names(quoted), vec!["某县\"放管服\"办公室", "丙局"]);
        let (missing, extra) = roster(&["甲局".into(), "乙局".into()], &["乙 局", "丙局"]);
        assert_eq!((missing, extra), (vec!["甲局".to_string()], vec!["丙局".to_string()]));
    }
}
