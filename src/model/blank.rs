//! A blank report to start from: every cell blank, every section empty.

use serde_json::{json, Map, Value as Json};

use super::{Block, Report};
use crate::form::{applications, proactive, review_litigation, Version};

/// A new report: every table cell blank, no prose yet, the headings in
/// place when rendered; signed by the agency on `date` where given. From
/// last year's report of the same agency, 四、结转下年度继续办理 becomes this
/// year's 二、上年结转, and the prose sections keep last year's structure —
/// their sub-headings, and their run-in leads with the text after them
/// left to write — without last year's paragraphs.
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
    if let Some(last) = last_year {
        for (key, blocks) in
            [("overview", &last.overview), ("problems", &last.problems), ("other_matters", &last.other_matters)]
        {
            report[key] = blocks.iter().filter_map(structure).collect();
        }
    }
    if let Some(date) = date {
        report["signature"] = json!({ "agency": agency, "date": date });
    }
    report
}

/// What a block of last year's leaves for this year's: a sub-heading as
/// it was, a run-in lead with its text to write, nothing of a paragraph.
fn structure(block: &Block) -> Option<Json> {
    match block {
        Block::Heading(heading) => Some(json!({ "heading": heading })),
        Block::Lead { lead, .. } => Some(json!({ "lead": lead, "text": "" })),
        Block::Paragraph(_) => None,
    }
}
