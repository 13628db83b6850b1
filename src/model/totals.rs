//! Blank totals filled from their parts: what the desk's 补全合计 does,
//! by the same rules the checks and the layout print by; and blanks to 0
//! (空白补零).

use super::{Applications, Counts, Report, Written};
use crate::form::applications::{self, LineRole};

/// Writes 0 in every blank part of the three tables (a new report's ~200
/// blank cells, for an agency with nothing to report in most of them),
/// then fills the blank totals ([`fill_totals`]). A written value is
/// never changed.
pub fn zero_blanks(report: &mut Report) {
    for values in &mut report.proactive.rows {
        for v in values {
            match v {
                super::Value::Count(c @ None) => *c = Some(0),
                super::Value::Signed(s @ None) => *s = Some(0),
                super::Value::Amount(a @ None) => *a = Some("0".into()),
                _ => {}
            }
        }
    }
    let rows = report.applications.rows.iter_mut().flatten().chain(&mut report.review_litigation.groups);
    for counts in rows {
        for part in &mut counts.parts {
            part.get_or_insert(0);
        }
    }
    fill_totals(report);
}

/// Fills every blank total of tables B and C from its parts; a written
/// total is never overwritten.
///
/// - A table B row or a table C group whose total is blank (not written,
///   or written blank) while some part is written gets the sum of its
///   parts, blanks counted as 0 ([`Counts::sum`]).
/// - Table B's （七）总计, in each column where it is blank, gets that
///   column's sum over the result rows (after they were filled), as
///   [`Applications::printed`] computes it; a 总计 row the input left out is
///   written in full. Its own total, if still blank, is the sum of its
///   parts.
///
/// A sum too large for a count is left blank (the checks say why).
pub fn fill_totals(report: &mut Report) {
    let lines = applications::lines(report.applications.version);
    let total_row = lines.iter().position(|l| l.role == LineRole::ResultTotal);
    for (i, row) in report.applications.rows.iter_mut().enumerate() {
        if Some(i) != total_row {
            if let Some(row) = row {
                fill_row(row);
            }
        }
    }
    if let Some(i) = total_row {
        fill_result_total(&mut report.applications, i);
    }
    for group in &mut report.review_litigation.groups {
        fill_row(group);
    }
}

/// A blank total with some part written becomes the sum of its parts.
fn fill_row(row: &mut Counts) {
    if row.total.flatten().is_none() {
        if let Some(sum) = row.sum().and_then(|s| u64::try_from(s).ok()) {
            row.total = Some(Some(sum));
        }
    }
}

/// Table B's （七）总计 (row `i`): each blank column from the result rows'
/// column sums, then its own total from its parts.
fn fill_result_total(table: &mut Applications, i: usize) {
    // The rule for a 总计 the input left out, applied to every column.
    let sums = {
        let mut without = table.clone();
        without.rows[i] = None;
        without.printed(i)
    };
    let width = sums.len();
    let row = table.rows[i].get_or_insert_with(|| Counts {
        parts: vec![None; width - 1],
        total: Some(None),
        written: Written::Array,
    });
    for (c, sum) in sums.into_iter().enumerate() {
        let Some(sum) = sum.and_then(|s| u64::try_from(s).ok()) else { continue };
        match row.parts.get_mut(c) {
            Some(part @ None) => *part = Some(sum),
            Some(Some(_)) => {}
            None => {
                if row.total.flatten().is_none() {
                    row.total = Some(Some(sum));
                }
            }
        }
    }
    fill_row(row);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Version;
    use crate::model::{parse_str, to_json};

    const SEED: &str = include_str!("../../fixtures/beiguan-2023.json");

    /// The seed with edits at JSON pointers, parsed.
    fn report(edits: &[(&str, serde_json::Value)]) -> Report {
        let mut doc: serde_json::Value = serde_json::from_str(SEED).unwrap();
        for (pointer, value) in edits {
            *doc.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}")) = value.clone();
        }
        parse_str(&doc.to_string()).unwrap()
    }

    fn filled(edits: &[(&str, serde_json::Value)]) -> serde_json::Value {
        let mut r = report(edits);
        fill_totals(&mut r);
        to_json(&r)
    }

    #[test]
    fn a_blank_total_gets_the_sum_of_its_parts() {
        let out = filled(&[
            ("/applications/received/natural_person", 3.into()),
            ("/applications/received/other", 2.into()),
            ("/applications/received/total", serde_json::Value::Null),
            ("/review_litigation/litigation_direct", serde_json::json!([1, null, 4, 0, null])),
        ]);
        assert_eq!(out["applications"]["received"], serde_json::json!([3, 0, 0, 0, 0, 2, 5]));
        assert_eq!(out["review_litigation"]["litigation_direct"], serde_json::json!([1, null, 4, 0, 5]));
    }

    #[test]
    fn a_total_not_written_at_all_is_filled_too() {
        let out = filled(&[("/applications/carried_over", serde_json::json!([1, 1, 0, 0, 0, 0]))]);
        assert_eq!(out["applications"]["carried_over"], serde_json::json!([1, 1, 0, 0, 0, 0, 2]));
    }

    #[test]
    fn a_written_total_is_kept_even_when_wrong() {
        let out = filled(&[
            ("/applications/received/natural_person", 3.into()),
            ("/applications/received/total", 9.into()),
            ("/review_litigation/review/total", 7.into()),
        ]);
        assert_eq!(out["applications"]["received"][6], 9);
        assert_eq!(out["review_litigation"]["review"][4], 7);
    }

    #[test]
    fn all_parts_blank_leaves_the_total_blank() {
        let out =
            filled(&[("/applications/carried_forward", serde_json::json!([null, null, null, null, null, null, null]))]);
        assert_eq!(out["applications"]["carried_forward"], serde_json::json!(vec![serde_json::Value::Null; 7]));
    }

    #[test]
    fn the_result_total_gets_column_sums_where_blank() {
        let out = filled(&[
            ("/applications/results/granted", serde_json::json!([2, 1, 0, 0, 0, 0, null])),
            ("/applications/results/other/other", serde_json::json!([1, 0, 0, 0, 0, 0, 1])),
            ("/applications/results/total", serde_json::json!([null, 5, 0, 0, 0, 0, null])),
        ]);
        // granted's total filled first (3); then the 总计 row: column 0
        // from the results (2 + 1), column 1 kept as written (5), the total
        // column from the results' totals (3 + 1).
        assert_eq!(out["applications"]["results"]["granted"], serde_json::json!([2, 1, 0, 0, 0, 0, 3]));
        assert_eq!(out["applications"]["results"]["total"], serde_json::json!([3, 5, 0, 0, 0, 0, 4]));
    }

    #[test]
    fn a_result_total_left_out_is_written() {
        let mut doc: serde_json::Value = serde_json::from_str(SEED).unwrap();
        doc["applications"]["results"].as_object_mut().unwrap().remove("total");
        doc["applications"]["results"]["granted"] = serde_json::json!([2, 1, 0, 0, 0, 0, 3]);
        let mut r = parse_str(&doc.to_string()).unwrap();
        fill_totals(&mut r);
        assert_eq!(to_json(&r)["applications"]["results"]["total"], serde_json::json!([2, 1, 0, 0, 0, 0, 3]));
    }

    #[test]
    fn a_consistent_report_is_unchanged_and_a_2019_one_filled() {
        let seed = parse_str(SEED).unwrap();
        let mut r = seed.clone();
        fill_totals(&mut r);
        assert_eq!(r, seed);
        let shanghai = parse_str(include_str!("../../fixtures/shanghai-govoffice-2019.json")).unwrap();
        assert_eq!(shanghai.version, Version::F2019);
        let mut r = shanghai.clone();
        fill_totals(&mut r);
        let out = to_json(&r);
        // Published with blank row totals: filled; the 总计 row's blank
        // columns stay blank, as no result row has anything there.
        assert_eq!(out["applications"]["results"]["granted"][6], 272);
        assert_eq!(out["applications"]["results"]["total"], to_json(&shanghai)["applications"]["results"]["total"]);
    }
}
