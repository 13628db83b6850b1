//! The JSON Schema of the input contract, generated from the same form
//! definitions the parser uses, so the published schema cannot drift from
//! what is accepted.

use serde_json::{json, Map, Value};

use crate::form::applications::{self, LineRole};
use crate::form::proactive::{self, Kind, Shape};
use crate::form::{self, review_litigation, Columns, Version};

const FORMATS: [Version; 2] = [Version::F2021, Version::F2019];

fn count() -> Value {
    json!({"type": ["integer", "null"], "minimum": 0, "description": "件数；空白写 null"})
}

fn kind(kind: Kind) -> Value {
    match kind {
        Kind::Count => count(),
        Kind::Signed => json!({"type": ["integer", "null"], "description": "增减数，可为负"}),
        Kind::Amount => json!({
            "type": ["number", "string", "null"], "minimum": 0,
            "description": "金额，按所写原样印出"
        }),
    }
}

fn object(properties: Map<String, Value>, required: Vec<&str>, description: &str) -> Value {
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

fn counts(columns: &Columns, description: &str) -> Value {
    let n = columns.parts.len();
    let mut props: Map<String, Value> =
        columns.parts.iter().map(|(k, l)| (k.to_string(), with_description(count(), l))).collect();
    props.insert(columns.total.0.into(), with_description(count(), columns.total.1));
    json!({
        "description": description,
        "oneOf": [
            object(props, columns.parts.iter().map(|p| p.0).collect(), description),
            {"type": "array", "items": count(), "minItems": n, "maxItems": n + 1,
             "description": format!("{n} 个数，或 {} 个（最后一个为总计）", n + 1)}
        ]
    })
}

fn with_description(mut v: Value, text: &str) -> Value {
    v["description"] = Value::from(text);
    v
}

fn blocks(description: &str) -> Value {
    json!({
        "type": "array",
        "description": description,
        "items": {"oneOf": [
            {"type": "string", "description": "正文段落"},
            object(Map::from_iter([("heading".into(), json!({"type": "string", "minLength": 1}))]), vec!["heading"], "单独成行的小标题"),
            object(Map::from_iter([
                ("lead".into(), json!({"type": "string", "minLength": 1})),
                ("text".into(), json!({"type": "string"}))
            ]), vec!["lead", "text"], "以引语开头的段落"),
        ]}
    })
}

fn proactive(format: Version) -> Value {
    let mut props = Map::new();
    for (item, row) in proactive::rows(format) {
        let value = match item.shape {
            Shape::Scalar(f) => with_description(kind(f.kind), &format!("{}·{}·{}", item.title, row.label, f.header)),
            Shape::Object(fields) => object(
                fields.iter().map(|f| (f.key.to_string(), with_description(kind(f.kind), f.header))).collect(),
                fields.iter().map(|f| f.key).collect(),
                &format!("{}·{}", item.title, row.label),
            ),
        };
        props.insert(row.key.into(), value);
    }
    let keys = proactive::rows(format).map(|(_, r)| r.key).collect();
    object(props, keys, &format!("{}（{format} 格式）", form::SECTION_PROACTIVE))
}

/// The object at `prefix` of table B, built from the form's lines.
fn applications_level(format: Version, prefix: &str, description: &str) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for line in applications::lines(format) {
        let Some(rest) = line.path.strip_prefix(prefix) else { continue };
        let key = rest.split('/').next().unwrap_or(rest);
        if props.contains_key(key) {
            continue;
        }
        let value = if rest.contains('/') {
            let below = format!("{prefix}{key}/");
            let name = line.labels[..below.matches('/').count()].concat();
            applications_level(format, &below, &name)
        } else {
            counts(&applications::APPLICANTS, &line.name())
        };
        if line.role != LineRole::ResultTotal {
            required.push(key);
        }
        props.insert(key.to_string(), value);
    }
    object(props, required, description)
}

fn review_litigation() -> Value {
    let props = review_litigation::GROUPS
        .iter()
        .map(|g| (g.key.to_string(), counts(&review_litigation::OUTCOMES, g.label)))
        .collect();
    object(props, review_litigation::GROUPS.iter().map(|g| g.key).collect(), form::SECTION_REVIEW)
}

/// The schema as a JSON value.
pub fn schema() -> Value {
    let mut props = Map::new();
    for part in form::PARTS {
        let v = match part.key {
            "$schema" => json!({"type": "string"}),
            "format" => json!({"enum": ["2019", "2021"]}),
            "printed" => object(
                Map::from_iter([
                    ("proactive".into(), json!({"enum": ["2019", "2021"], "description": "表二实际所用的模板版本"})),
                    ("applications".into(), json!({"enum": ["2019", "2021"], "description": "表三实际所用的模板版本"})),
                ]),
                vec![],
                part.label,
            ),
            "year" => json!({"type": "integer", "minimum": Version::FIRST_YEAR, "maximum": 9999}),
            "agency" | "title" => json!({"type": "string", "minLength": 1, "pattern": "\\S"}),
            "proactive" => json!({"oneOf": FORMATS.map(proactive)}),
            "applications" => json!({"oneOf": FORMATS.map(|f| applications_level(f, "", form::SECTION_APPLICATIONS))}),
            "review_litigation" => review_litigation(),
            "table_prose" => object(
                form::TABLE_SECTIONS
                    .iter()
                    .map(|(key, heading)| {
                        let sides = Map::from_iter([
                            ("before".into(), blocks(&format!("{heading}：表格前的文字"))),
                            ("after".into(), blocks(&format!("{heading}：表格后的文字"))),
                        ]);
                        (key.to_string(), object(sides, vec![], heading))
                    })
                    .collect(),
                vec![],
                part.label,
            ),
            "signature" => object(
                Map::from_iter([
                    ("agency".into(), json!({"type": "string"})),
                    ("date".into(), json!({"type": "string"})),
                ]),
                vec!["agency", "date"],
                "落款",
            ),
            _ => blocks(part.label),
        };
        props.insert(part.key.into(), with_description(v, part.label));
    }
    let required = form::PARTS.iter().filter(|p| p.required).map(|p| p.key).collect();
    let mut root = object(props, required, "政府信息公开工作年度报告（输入约定 v1）");
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["title"] = json!("nianbao report");
    root
}

/// The schema, pretty-printed.
pub fn schema_json() -> String {
    serde_json::to_string_pretty(&schema()).expect("schema serializes")
}
