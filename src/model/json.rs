//! A report back to the input contract: pretty, stable JSON (same report,
//! same bytes), in the contract's canonical form — rows as arrays, totals
//! last where they were given, amounts as numbers when they are written as
//! one.

use serde_json::{json, Map, Value as Json};

use super::{Block, Counts, Report, Value};
use crate::form::{self, applications, proactive, review_litigation};

fn counts(c: &Counts) -> Json {
    let mut values: Vec<Json> = c.parts.iter().map(|p| json!(p)).collect();
    if let Some(total) = c.total {
        values.push(json!(total));
    }
    Json::Array(values)
}

fn value(v: &Value) -> Json {
    match v {
        Value::Count(n) => json!(n),
        Value::Signed(n) => json!(n),
        Value::Amount(None) => Json::Null,
        // A number as written stays a number (its digits kept), anything
        // else is a string.
        Value::Amount(Some(text)) => {
            let number = serde_json::from_str::<serde_json::Number>(text).ok();
            let shown = number.as_ref().map(ToString::to_string);
            match number {
                Some(n) if shown.as_deref() == Some(text.as_str()) => Json::Number(n),
                _ => json!(text),
            }
        }
    }
}

fn blocks(blocks: &[Block]) -> Json {
    blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(t) => json!(t),
            Block::Heading(h) => json!({ "heading": h }),
            Block::Lead { lead, text } => json!({ "lead": lead, "text": text }),
        })
        .collect()
}

/// Inserts `value` at a `/`-separated path below `at`, making objects.
pub(crate) fn insert(at: &mut Map<String, Json>, path: &str, value: Json) {
    match path.split_once('/') {
        Some((head, rest)) => {
            let child = at.entry(head).or_insert_with(|| Json::Object(Map::new()));
            insert(child.as_object_mut().expect("form paths nest objects"), rest, value);
        }
        None => {
            at.insert(path.to_string(), value);
        }
    }
}

impl Report {
    /// The report as its canonical JSON reads back: every row of counts
    /// written as an array, so that findings name the paths the canonical
    /// form has — without writing the JSON and parsing it again.
    pub fn canonical(mut self) -> Report {
        let rows = self.applications.rows.iter_mut().flatten().chain(&mut self.review_litigation.groups);
        for counts in rows {
            counts.written = super::Written::Array;
        }
        self
    }
}

/// The report as contract JSON.
pub fn to_json(report: &Report) -> Json {
    let mut proactive = Map::new();
    for ((item, row), values) in proactive::rows(report.proactive.version).zip(&report.proactive.rows) {
        let v = match item.shape {
            proactive::Shape::Scalar(_) => value(&values[0]),
            proactive::Shape::Object(fields) => {
                Json::Object(fields.iter().zip(values).map(|(f, v)| (f.key.to_string(), value(v))).collect())
            }
        };
        proactive.insert(row.key.into(), v);
    }
    let mut applications = Map::new();
    for (line, row) in applications::lines(report.applications.version).iter().zip(&report.applications.rows) {
        if let Some(row) = row {
            insert(&mut applications, line.path, counts(row));
        }
    }
    let review: Map<String, Json> = review_litigation::GROUPS
        .iter()
        .zip(&report.review_litigation.groups)
        .map(|(g, c)| (g.key.to_string(), counts(c)))
        .collect();

    let mut out = Map::new();
    out.insert("format".into(), json!(report.version.as_str()));
    // How the tables were printed, where not in the report's template.
    let mut printed = Map::new();
    for (key, version) in [("proactive", report.proactive.version), ("applications", report.applications.version)] {
        if version != report.version {
            printed.insert(key.into(), json!(version.as_str()));
        }
    }
    if !printed.is_empty() {
        out.insert("printed".into(), Json::Object(printed));
    }
    out.insert("year".into(), json!(report.year));
    out.insert("agency".into(), json!(report.agency));
    if let Some(title) = &report.title {
        out.insert("title".into(), json!(title));
    }
    if !report.preamble.is_empty() {
        out.insert("preamble".into(), blocks(&report.preamble));
    }
    out.insert("overview".into(), blocks(&report.overview));
    out.insert("proactive".into(), Json::Object(proactive));
    out.insert("applications".into(), Json::Object(applications));
    out.insert("review_litigation".into(), Json::Object(review));
    if !report.table_prose.is_empty() {
        let mut around = Map::new();
        for ((key, _), s) in form::TABLE_SECTIONS.iter().zip(&report.table_prose.sections) {
            let mut sides = Map::new();
            for (side, b) in [("before", &s.before), ("after", &s.after)] {
                if !b.is_empty() {
                    sides.insert(side.into(), blocks(b));
                }
            }
            if !sides.is_empty() {
                around.insert(key.to_string(), Json::Object(sides));
            }
        }
        out.insert("table_prose".into(), Json::Object(around));
    }
    out.insert("problems".into(), blocks(&report.problems));
    out.insert("other_matters".into(), blocks(&report.other_matters));
    if let Some(s) = &report.signature {
        out.insert("signature".into(), json!({ "agency": s.agency, "date": s.date }));
    }
    Json::Object(out)
}

/// The report as pretty contract JSON text, ending in a newline.
pub fn to_json_text(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(&to_json(report)).expect("JSON values serialize");
    text.push('\n');
    text
}
