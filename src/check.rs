//! The consistency rules (勾稽关系) of FORMAT.md, as findings a report
//! writer can act on.
//!
//! A broken rule refuses the report (unless the user asks to render what was
//! published anyway); blanks and a long overview are notes.

use std::fmt;

use crate::form::applications::{self, LineRole};
use crate::form::{self, review_litigation, Columns, Version};
use crate::model::{sum_blank_as_zero, Block, Report};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Printed for information; the report still renders.
    Note,
    /// The numbers do not add up: rendering stops unless allowed.
    Refusal,
}

/// One thing the checks found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// Section, row and column in the report's words.
    pub place: String,
    /// JSON pointer of the value concerned.
    pub path: String,
    pub message: String,
    /// A note that a rule went unchecked because its cells are blank (a
    /// new report has dozens): the desk folds these.
    pub blank: bool,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = match self.severity {
            Severity::Refusal => "不一致",
            Severity::Note => "提示",
        };
        write!(f, "[{tag}] {}（{}）：{}", self.place, self.path, self.message)
    }
}

/// How a note on a rule left unchecked for blanks ends.
const UNCHECKED: &str = "未核对";

/// Whether any finding refuses the report.
pub fn refuses<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> bool {
    findings.into_iter().any(|f| f.severity == Severity::Refusal)
}

/// The overview length (characters, white space not counted) above which
/// the 2021 template's "about 1,000 characters" earns a note.
pub const OVERVIEW_LIMIT: usize = 1000;

/// Runs every rule on a report.
pub fn findings(report: &Report) -> Vec<Finding> {
    let mut out = Findings::default();
    check_table_b(report, &mut out);
    check_table_c(report, &mut out);
    check_overview(report, &mut out);
    check_unwritten(report, &mut out);
    out.finish()
}

#[derive(Default)]
struct Findings {
    /// The section being checked and its JSON pointer, for blank notes.
    section: (&'static str, &'static str),
    list: Vec<Finding>,
    /// Blank cells counted as 0, per table (table name, count).
    blanks: Vec<(&'static str, &'static str, usize)>,
}

impl Findings {
    fn push(&mut self, severity: Severity, place: String, path: String, message: String) {
        self.list.push(Finding { severity, place, path, message, blank: false });
    }

    /// A rule left unchecked because its cells are blank.
    fn unchecked(&mut self, place: String, path: String, message: String) {
        self.list.push(Finding { severity: Severity::Note, place, path, message, blank: true });
    }

    fn blank_addend(&mut self) {
        let (section, path) = self.section;
        match self.blanks.iter_mut().find(|b| b.0 == section) {
            Some(b) => b.2 += 1,
            None => self.blanks.push((section, path, 1)),
        }
    }

    fn finish(mut self) -> Vec<Finding> {
        for (section, path, n) in self.blanks {
            self.list.push(Finding {
                severity: Severity::Note,
                place: section.to_string(),
                path: path.to_string(),
                message: format!("核对时有 {n} 处空白单元格按 0 计"),
                blank: false,
            });
        }
        self.list
    }

    /// Checks `total == sum(addends)`, where blank addends count as 0 and a
    /// blank total leaves the rule unchecked.
    fn sum_rule(&mut self, place: String, path: String, total: Option<u128>, addends: &[Option<u128>], what: &str) {
        let Some(total) = total else {
            self.unchecked(place, path, format!("{what}为空白，{UNCHECKED}"));
            return;
        };
        if addends.iter().all(Option::is_none) {
            self.unchecked(place, path, format!("{what}为 {total}，其各组成项均为空白，{UNCHECKED}"));
            return;
        }
        for _ in addends.iter().filter(|a| a.is_none()) {
            self.blank_addend();
        }
        let sum: u128 = addends.iter().flatten().sum();
        if sum != total {
            self.push(Severity::Refusal, place, path, format!("{what}为 {total}，但应为 {sum}"));
        }
    }
}

fn check_table_b(report: &Report, out: &mut Findings) {
    const SECTION: &str = form::SECTION_APPLICATIONS;
    const PATH: &str = "/applications";
    let lines = applications::lines(report.applications.version);
    out.section = (SECTION, PATH);
    let cols = applications::APPLICANTS;
    let rows = &report.applications.rows;
    let width = cols.parts.len() + 1;
    let row_path = |line: &applications::Line| format!("{PATH}/{}", line.path);

    // Each row: the 总计 column is the sum of the six applicant columns.
    for (line, counts) in lines.iter().zip(rows) {
        let Some(counts) = counts else { continue };
        if let Some(total) = counts.total {
            let place = format!("{} · {}", line.name(), cols.total.1);
            let path = counts.pointer(&row_path(line), &cols, width - 1);
            out.sum_rule(place, path, total.map(u128::from), &counts.wide_parts(), "总计（各类申请人之和）");
        }
    }

    let column = |role: LineRole, c: usize| -> Vec<Option<u128>> {
        lines
            .iter()
            .zip(rows)
            .filter(|(l, _)| l.role == role)
            .filter_map(|(_, r)| r.as_ref().map(|r| r.column(c)))
            .collect()
    };
    let total_line = lines.iter().position(|l| l.role == LineRole::ResultTotal);
    let given_total = total_line.and_then(|i| rows[i].as_ref().map(|r| (&lines[i], r)));

    for c in 0..width {
        let results = column(LineRole::Result, c);
        // （七）总计 is the sum of （一）…（六）.
        let result_total = match given_total {
            Some((line, counts)) => {
                let place = format!("{} · {}", line.name(), cols.label(c));
                let path = counts.pointer(&row_path(line), &cols, c);
                out.sum_rule(place, path, counts.column(c), &results, "办理结果总计");
                counts.column(c)
            }
            None => sum_blank_as_zero(&results),
        };
        // 一 + 二 = 三（七） + 四, the rule printed in the table itself.
        let left: Vec<_> = [column(LineRole::Received, c), column(LineRole::CarriedOver, c)].concat();
        let right: Vec<_> = [vec![result_total], column(LineRole::CarriedForward, c)].concat();
        if right.iter().any(Option::is_none) {
            out.push(
                Severity::Note,
                format!("{SECTION} · {}", cols.label(c)),
                format!("{PATH}/results/total"),
                "第三项或第四项为空白，“第一项加第二项之和，等于第三项加第四项之和”未核对".into(),
            );
            continue;
        }
        let l: u128 = left.iter().flatten().sum();
        let r: u128 = right.iter().flatten().sum();
        for _ in left.iter().filter(|a| a.is_none()) {
            out.blank_addend();
        }
        if l != r {
            let path = lines
                .iter()
                .zip(rows)
                .find(|(l, _)| l.role == LineRole::Received)
                .and_then(|(line, r)| r.as_ref().map(|r| r.pointer(&row_path(line), &cols, c)))
                .unwrap_or_else(|| PATH.into());
            out.push(
                Severity::Refusal,
                format!("{SECTION} · {}", cols.label(c)),
                path,
                format!("第一项加第二项之和为 {l}，第三项（七）总计加第四项之和为 {r}，两者应相等"),
            );
        }
    }
}

fn check_table_c(report: &Report, out: &mut Findings) {
    const SECTION: &str = form::SECTION_REVIEW;
    out.section = (SECTION, "/review_litigation");
    for (group, counts) in review_litigation::GROUPS.iter().zip(&report.review_litigation.groups) {
        if let Some(total) = counts.total {
            let cols: Columns = review_litigation::OUTCOMES;
            let place = format!("{} · {}", group_name(group), cols.total.1);
            let path = counts.pointer(&format!("/review_litigation/{}", group.key), &cols, cols.parts.len());
            out.sum_rule(place, path, total.map(u128::from), &counts.wide_parts(), "总计");
        }
    }
}

fn group_name(group: &review_litigation::Group) -> String {
    if group.label == review_litigation::REVIEW {
        group.label.to_string()
    } else {
        format!("{}{}", review_litigation::LITIGATION, group.label)
    }
}

fn check_overview(report: &Report, out: &mut Findings) {
    if report.version != Version::F2021 {
        return;
    }
    let chars: usize = report
        .overview
        .iter()
        .map(|b| match b {
            Block::Paragraph(t) | Block::Heading(t) => count_chars(t),
            Block::Lead { lead, text } => count_chars(lead) + count_chars(text),
        })
        .sum();
    if chars > OVERVIEW_LIMIT {
        out.push(
            Severity::Note,
            form::SECTION_OVERVIEW.into(),
            "/overview".into(),
            format!("总体情况共 {chars} 字，2021 年格式要求不超过 {OVERVIEW_LIMIT} 字左右"),
        );
    }
}

/// Sections left empty (noted: 六 may well have nothing to say, but an
/// empty 一 or 五 is unfinished) and placeholders left in (refused: a
/// report saying "to be written" must not be published).
fn check_unwritten(report: &Report, out: &mut Findings) {
    let sections: [(&str, &str, &[Block]); 3] = [
        (form::SECTION_OVERVIEW, "/overview", &report.overview),
        (form::SECTION_PROBLEMS, "/problems", &report.problems),
        (form::SECTION_OTHER, "/other_matters", &report.other_matters),
    ];
    for (section, path, blocks) in sections {
        let text = |b: &Block| match b {
            Block::Paragraph(t) | Block::Heading(t) => t.clone(),
            Block::Lead { lead, text } => format!("{lead}{text}"),
        };
        if blocks.iter().all(|b| text(b).trim().is_empty()) {
            out.push(Severity::Note, section.into(), path.into(), "这一部分是空的".into());
        }
        if let Some(i) = blocks.iter().position(|b| text(b).contains(form::PLACEHOLDER)) {
            out.push(
                Severity::Refusal,
                section.into(),
                format!("{path}/{i}"),
                "这一部分还是占位文字（本部分待填写），请写好再发布".into(),
            );
        }
    }
}

fn count_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_str;

    const SEED: &str = include_str!("../fixtures/beiguan-2023.json");

    fn refusals(text: &str) -> Vec<Finding> {
        findings(&parse_str(text).unwrap()).into_iter().filter(|f| f.severity == Severity::Refusal).collect()
    }

    #[test]
    fn the_fixtures_add_up() {
        assert!(findings(&parse_str(SEED).unwrap()).is_empty());
        assert!(refusals(include_str!("../fixtures/pingtan-2023.json")).is_empty());
        let shanghai = findings(&parse_str(include_str!("../fixtures/shanghai-govoffice-2019.json")).unwrap());
        assert!(!refuses(&shanghai), "{shanghai:#?}");
        assert!(shanghai.iter().any(|f| f.message.contains("空白")));
    }

    #[test]
    fn a_broken_sum_names_row_column_path_and_both_numbers() {
        let text = SEED.replacen("\"natural_person\": 0", "\"natural_person\": 3", 1);
        let found = refusals(&text);
        let row_total = found.iter().find(|f| f.place == "一、本年新收政府信息公开申请数量 · 总计").unwrap();
        assert_eq!(row_total.path, "/applications/received/total");
        assert!(row_total.message.contains('0') && row_total.message.contains('3'));
        let rule = found.iter().find(|f| f.place.ends_with("· 自然人")).unwrap();
        assert_eq!(rule.path, "/applications/received/natural_person");
        assert!(rule.message.contains("为 3") && rule.message.contains("为 0"), "{rule}");
    }

    #[test]
    fn results_must_sum_to_their_total() {
        let mut doc: serde_json::Value = serde_json::from_str(SEED).unwrap();
        doc["applications"]["results"]["withheld"]["process_info"] = serde_json::json!([0, 0, 2, 0, 0, 0, 2]);
        let found = refusals(&doc.to_string());
        let total = found.iter().find(|f| f.place == "三、本年度办理结果（七）总计 · 科研机构").unwrap();
        assert_eq!(total.path, "/applications/results/total/2");
        // Without a written （七）总计 it is computed, and only 一+二=三+四 is left to break.
        doc["applications"]["results"].as_object_mut().unwrap().remove("total");
        let found = refusals(&doc.to_string());
        assert!(found.iter().all(|f| !f.place.contains("（七）")));
        assert!(found.iter().any(|f| f.place.ends_with("· 科研机构")));
    }

    #[test]
    fn review_litigation_groups_sum_to_their_total() {
        let text = SEED.replace("\"litigation_direct\": [\n      0,", "\"litigation_direct\": [\n      4,");
        let found = refusals(&text);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].path, "/review_litigation/litigation_direct/4");
        assert!(found[0].place.contains("未经复议直接起诉"));
    }

    #[test]
    fn blank_totals_are_notes_not_refusals() {
        let mut doc: serde_json::Value = serde_json::from_str(SEED).unwrap();
        doc["applications"]["received"]["total"] = serde_json::Value::Null;
        doc["applications"]["received"]["commercial"] = serde_json::Value::Null;
        let found = findings(&parse_str(&doc.to_string()).unwrap());
        assert!(!refuses(&found));
        // The unchecked rule is a blank note (the desk folds it); the count
        // of blanks taken as 0 is not.
        let unchecked: Vec<_> = found.iter().filter(|f| f.blank).collect();
        assert!(!unchecked.is_empty() && unchecked.iter().all(|f| f.message.ends_with("未核对")), "{found:#?}");
        assert!(found.iter().any(|f| !f.blank && f.message.contains("空白单元格按 0 计")), "{found:#?}");
    }

    #[test]
    fn a_long_overview_is_a_note() {
        let mut doc: serde_json::Value = serde_json::from_str(SEED).unwrap();
        doc["overview"][0] = serde_json::Value::from("字".repeat(1200));
        let found = findings(&parse_str(&doc.to_string()).unwrap());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Note);
        assert_eq!(found[0].path, "/overview");
    }
}
