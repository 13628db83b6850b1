//! Cross-year continuity: this year's 二、上年结转 should equal last
//! year's 四、结转下年度继续办理, column by column (FORMAT.md); and this
//! year's text should not copy last year's ([`crate::repeats`]).

use std::collections::BTreeMap;

use crate::check::{Finding, Severity};
use crate::form::applications::{self, LineRole};
use crate::model::Report;

/// The printed columns of the row with `role` in table B.
fn row(report: &Report, role: LineRole) -> Option<(usize, Vec<Option<u128>>)> {
    let lines = applications::lines(report.applications.version);
    let i = lines.iter().position(|l| l.role == role)?;
    Some((i, report.applications.printed(i)))
}

/// Each report (by index) with last year's report of the same agency.
fn pairs<'a>(reports: &[(usize, &'a Report)]) -> Vec<(usize, &'a Report, &'a Report)> {
    let by_agency: BTreeMap<(&str, i64), &Report> =
        reports.iter().map(|&(_, r)| ((r.agency.trim(), r.year), r)).collect();
    reports
        .iter()
        .filter_map(|&(i, this)| by_agency.get(&(this.agency.trim(), this.year - 1)).map(|&last| (i, this, last)))
        .collect()
}

/// For each report that follows another of the same agency by one year, a
/// note per section that repeats last year's text from `threshold` percent.
pub fn repeats<'a>(reports: impl IntoIterator<Item = (usize, &'a Report)>, threshold: u32) -> Vec<(usize, Finding)> {
    let reports: Vec<(usize, &Report)> = reports.into_iter().collect();
    pairs(&reports)
        .into_iter()
        .flat_map(|(i, this, last)| crate::repeats::findings(this, last, threshold).into_iter().map(move |f| (i, f)))
        .collect()
}

/// For each report (by index) that follows another of the same agency by
/// one year, a finding per column where the carried-over count differs.
pub fn findings<'a>(reports: impl IntoIterator<Item = (usize, &'a Report)>, strict: bool) -> Vec<(usize, Finding)> {
    let reports: Vec<(usize, &Report)> = reports.into_iter().collect();
    pairs(&reports)
        .into_iter()
        .flat_map(|(i, this, last)| carried(this, last, strict).into_iter().map(move |f| (i, f)))
        .collect()
}

/// A finding per column where this year's 上年结转 differs from last
/// year's 结转下年度继续办理 (refusals when `strict`, else notes).
pub fn carried(this: &Report, last: &Report, strict: bool) -> Vec<Finding> {
    let severity = if strict { Severity::Refusal } else { Severity::Note };
    let mut out = Vec::new();
    let (Some((line, now)), Some((_, before))) =
        (row(this, LineRole::CarriedOver), row(last, LineRole::CarriedForward))
    else {
        return out;
    };
    let cols = applications::APPLICANTS;
    let label = applications::lines(this.applications.version)[line].name();
    for (c, (a, b)) in now.iter().zip(&before).enumerate() {
        if a == b {
            continue;
        }
        let show = |v: &Option<u128>| v.map_or("空白".to_string(), |n| n.to_string());
        let path = match &this.applications.rows[line] {
            Some(counts) => counts.pointer(
                &format!("/applications/{}", applications::lines(this.applications.version)[line].path),
                &cols,
                c,
            ),
            None => "/applications/carried_over".into(),
        };
        out.push(Finding {
            severity,
            place: format!("{label} · {}", cols.label(c)),
            path,
            message: format!(
                "本年上年结转为 {}，但 {} 年报告的“四、结转下年度继续办理”为 {}",
                show(a),
                last.year,
                show(b)
            ),
            blank: false,
        });
    }
    out
}
