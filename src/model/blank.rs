//! A blank report to start from: every cell blank, every section empty.

use serde_json::{json, Map, Value as Json};

use super::Report;
use crate::form::{applications, proactive, review_litigation, Version};

/// A new report: every table cell blank, no prose yet, the headings in
/// place when rendered; signed by the agency on `date` where given. From
/// last year's report of the same agency, 四、结转下年度继续办理 becomes this
/// year's 二、上年结转.
pub fn blank(agency: &str, year: i64, format: Version, last_year: Option<&Report>, date: Option<&str>) -> Json {
    let mut proactive = Map::new();
    for (item, row) in proactive::rows(format) {
        let v = match item.shape {
            proactive::Shape::Scalar(_) => Json::Null,
            proactive::Shape::Object(fields) => {
                Json::Object(fields.iter().map(|f| (f.key.to_string(), Json::Null)).collect())
            }
        };
        proactive.insert(row.key.to_string(), v);
    }
    let width = applications::APPLICANTS.parts.len() + 1;
    let mut applications = Map::new();
    for line in applications::lines(format) {
        super::insert(&mut applications, line.path, json!(vec![Json::Null; width]));
    }
    if let Some(last) = last_year {
        let lines = applications::lines(last.applications.version);
        if let Some(i) = lines.iter().position(|l| l.role == applications::LineRole::CarriedForward) {
            let carried: Vec<Json> = last.applications.printed(i).into_iter().map(|v| json!(v)).collect();
            applications.insert("carried_over".into(), Json::Array(carried));
        }
    }
    let review: Map<String, Json> = review_litigation::GROUPS
        .iter()
        .map(|g| (g.key.to_string(), json!(vec![Json::Null; review_litigation::OUTCOMES.parts.len() + 1])))
        .collect();
    let mut report = json!({
        "format": format.as_str(),
        "year": year,
        "agency": agency,
        "overview": [],
        "proactive": proactive,
        "applications": applications,
        "review_litigation": review,
        "problems": [],
        "other_matters": [],
    });
    if let Some(date) = date {
        report["signature"] = json!({ "agency": agency, "date": date });
    }
    report
}
