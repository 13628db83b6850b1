//! Deserialization driven by the official form: the keys each table takes
//! come from [`crate::form`], so a misspelt or misplaced key is refused with
//! the keys that were expected. Messages are written for report writers.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{
    Applications, AroundTable, Block, Counts, Proactive, Report, ReviewLitigation, Signature, TableProse, Value,
    Written,
};
use crate::form::applications::{self, LineRole};
use crate::form::proactive::{self, Kind, Shape};
use crate::form::{self, review_litigation, Columns, Version};

/// The largest year accepted: reports are dated with four digits.
const LAST_YEAR: i64 = 9999;

fn list(keys: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    keys.into_iter().map(|k| k.as_ref().to_string()).collect::<Vec<_>>().join("、")
}

fn unknown_key<E: de::Error>(key: &str, expected: &str, hint: Option<String>) -> E {
    let mut msg = format!("不认识的字段“{key}”（此处可用：{expected}）");
    if let Some(hint) = hint {
        msg.push('；');
        msg.push_str(&hint);
    }
    E::custom(msg)
}

fn duplicate_key<E: de::Error>(key: &str) -> E {
    E::custom(format!("字段“{key}”出现了两次，只能写一次"))
}

/// Reads the keys of a JSON object one by one, refusing duplicates.
struct Keys {
    seen: BTreeSet<String>,
}

impl Keys {
    fn new() -> Self {
        Keys { seen: BTreeSet::new() }
    }

    fn next<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<Option<String>, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if !self.seen.insert(key.clone()) => Err(duplicate_key(&key)),
            other => Ok(other),
        }
    }

    fn has(&self, key: &str) -> bool {
        self.seen.contains(key)
    }
}

// ---------------------------------------------------------------- the report

/// Deserializes a whole report of a known template version.
pub(super) struct ReportSeed {
    pub version: Version,
    /// The versions tables A and B were printed in.
    pub printed: Printed,
}

impl<'de> DeserializeSeed<'de> for ReportSeed {
    type Value = Report;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Report, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ReportSeed {
    type Value = Report;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("一个对象（整份报告）")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Report, A::Error> {
        let mut keys = Keys::new();
        let mut year = None;
        let mut agency = None;
        let mut title = None;
        let mut preamble = None;
        let mut overview = None;
        let mut proactive = None;
        let mut applications = None;
        let mut review = None;
        let mut table_prose = None;
        let mut problems = None;
        let mut other_matters = None;
        let mut signature = None;
        while let Some(key) = keys.next(&mut map)? {
            match key.as_str() {
                "$schema" => {
                    map.next_value::<String>()?;
                }
                "format" => {
                    map.next_value::<VersionName>()?;
                }
                "printed" => {
                    map.next_value::<PrintedDe>()?;
                }
                "year" => year = Some(map.next_value::<Year>()?.0),
                "agency" => agency = Some(map.next_value::<String>()?),
                "title" => title = Some(map.next_value::<String>()?),
                "preamble" => preamble = Some(map.next_value::<Blocks>()?.0),
                "overview" => overview = Some(map.next_value::<Blocks>()?.0),
                "proactive" => {
                    let version = self.printed.proactive.unwrap_or(self.version);
                    proactive = Some(map.next_value_seed(ProactiveSeed { version })?)
                }
                "applications" => {
                    let version = self.printed.applications.unwrap_or(self.version);
                    applications = Some(map.next_value_seed(ApplicationsSeed { version })?)
                }
                "review_litigation" => review = Some(map.next_value_seed(ReviewLitigationSeed)?),
                "table_prose" => table_prose = Some(map.next_value::<TableProseDe>()?.0),
                "problems" => problems = Some(map.next_value::<Blocks>()?.0),
                "other_matters" => other_matters = Some(map.next_value::<Blocks>()?.0),
                "signature" => signature = Some(map.next_value::<SignatureDe>()?.0),
                other => {
                    return Err(unknown_key(other, &list(form::PARTS.iter().map(|p| p.key)), None));
                }
            }
        }
        for part in form::PARTS.iter().filter(|p| p.required) {
            if !keys.has(part.key) {
                return Err(A::Error::custom(format!("缺少“{}”（{}），这是必填部分", part.key, part.label)));
            }
        }
        let (Some(year), Some(agency), Some(overview), Some(proactive), Some(applications)) =
            (year, agency, overview, proactive, applications)
        else {
            unreachable!("required parts were checked above")
        };
        let (Some(review), Some(problems), Some(other_matters)) = (review, problems, other_matters) else {
            unreachable!("required parts were checked above")
        };
        Ok(Report {
            version: self.version,
            year,
            agency,
            title,
            preamble: preamble.unwrap_or_default(),
            overview,
            proactive,
            applications,
            review_litigation: review,
            table_prose: table_prose.unwrap_or_default(),
            problems,
            other_matters,
            signature,
        })
    }
}

/// `"2019"` or `"2021"`, checked here; the version itself was read by the
/// first pass ([`Head`]), since the tables' shape depends on it.
struct VersionName;

impl<'de> Deserialize<'de> for VersionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = VersionName;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("字符串 \"2019\" 或 \"2021\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<VersionName, E> {
                Version::parse(s)
                    .map(|_| VersionName)
                    .ok_or_else(|| E::custom(format!("模板版本只能是 \"2019\" 或 \"2021\"，这里写的是 \"{s}\"")))
            }
        }
        d.deserialize_str(V)
    }
}

/// A report year: an integer from 2019 to 9999.
pub(super) struct Year(pub i64);

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Year;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("年份（整数，如 2023）")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Year, E> {
                if v < Version::FIRST_YEAR {
                    Err(E::custom(format!("报告年度 {v} 早于 2019 年：2019 年以前的年报没有统一格式，本工具不支持")))
                } else if v > LAST_YEAR {
                    Err(E::custom(format!("报告年度 {v} 不是四位数的年份")))
                } else {
                    Ok(Year(v))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Year, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Year, E> {
                Err(E::custom(format!("报告年度应为整数，这里写的是 {v}")))
            }
        }
        d.deserialize_any(V)
    }
}

struct SignatureDe(Signature);

impl<'de> Deserialize<'de> for SignatureDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SignatureDe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("落款对象 {\"agency\": …, \"date\": …}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SignatureDe, A::Error> {
                let mut keys = Keys::new();
                let (mut agency, mut date) = (None, None);
                while let Some(key) = keys.next(&mut map)? {
                    match key.as_str() {
                        "agency" => agency = Some(map.next_value::<String>()?),
                        "date" => date = Some(map.next_value::<String>()?),
                        other => return Err(unknown_key(other, "agency、date", None)),
                    }
                }
                match (agency, date) {
                    (Some(agency), Some(date)) => Ok(SignatureDe(Signature { agency, date })),
                    (None, _) => Err(A::Error::custom("落款缺少“agency”（机关名称）")),
                    (_, None) => Err(A::Error::custom("落款缺少“date”（日期）")),
                }
            }
        }
        d.deserialize_map(V)
    }
}

// -------------------------------------------------------------------- prose

/// `{"proactive": {"before": […], "after": […]}, …}`: every key optional.
struct TableProseDe(TableProse);

impl<'de> Deserialize<'de> for TableProseDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TableProseDe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("对象 {\"proactive\": {\"before\": […], \"after\": […]}, …}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TableProseDe, A::Error> {
                let mut keys = Keys::new();
                let mut out = TableProse::default();
                while let Some(key) = keys.next(&mut map)? {
                    let Some(i) = form::TABLE_SECTIONS.iter().position(|(k, _)| *k == key) else {
                        return Err(unknown_key(&key, &list(form::TABLE_SECTIONS.map(|(k, _)| k)), None));
                    };
                    out.sections[i] = map.next_value::<AroundTableDe>()?.0;
                }
                Ok(TableProseDe(out))
            }
        }
        d.deserialize_map(V)
    }
}

struct AroundTableDe(AroundTable);

impl<'de> Deserialize<'de> for AroundTableDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AroundTableDe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("对象 {\"before\": [表格前的段落], \"after\": [表格后的段落]}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AroundTableDe, A::Error> {
                let mut keys = Keys::new();
                let mut out = AroundTable::default();
                while let Some(key) = keys.next(&mut map)? {
                    match key.as_str() {
                        "before" => out.before = map.next_value::<Blocks>()?.0,
                        "after" => out.after = map.next_value::<Blocks>()?.0,
                        other => return Err(unknown_key(other, "before、after", None)),
                    }
                }
                Ok(AroundTableDe(out))
            }
        }
        d.deserialize_map(V)
    }
}

struct Blocks(Vec<Block>);

impl<'de> Deserialize<'de> for Blocks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Blocks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("段落数组（如 [\"第一段\", \"第二段\"]）")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Blocks, A::Error> {
                let mut blocks = Vec::new();
                while let Some(block) = seq.next_element::<BlockDe>()? {
                    blocks.push(block.0);
                }
                Ok(Blocks(blocks))
            }
        }
        d.deserialize_seq(V)
    }
}

struct BlockDe(Block);

impl<'de> Deserialize<'de> for BlockDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BlockDe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("段落（字符串）、小标题 {\"heading\": …} 或带引语的段落 {\"lead\": …, \"text\": …}")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<BlockDe, E> {
                Ok(BlockDe(Block::Paragraph(s.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BlockDe, A::Error> {
                let mut keys = Keys::new();
                let (mut heading, mut lead, mut text) = (None, None, None);
                while let Some(key) = keys.next(&mut map)? {
                    match key.as_str() {
                        "heading" => heading = Some(map.next_value::<String>()?),
                        "lead" => lead = Some(map.next_value::<String>()?),
                        "text" => text = Some(map.next_value::<String>()?),
                        other => return Err(unknown_key(other, "heading，或 lead 与 text", None)),
                    }
                }
                match (heading, lead, text) {
                    (Some(h), None, None) => Ok(BlockDe(Block::Heading(h))),
                    (None, Some(lead), Some(text)) => Ok(BlockDe(Block::Lead { lead, text })),
                    (None, Some(_), None) => Err(A::Error::custom("有“lead”（引语）却没有“text”（正文）")),
                    (None, None, Some(_)) => Err(A::Error::custom("有“text”却没有“lead”；普通段落直接写字符串即可")),
                    (None, None, None) => Err(A::Error::custom("空对象：段落应写成字符串，或 {\"heading\": …}")),
                    (Some(_), _, _) => Err(A::Error::custom("“heading”（小标题）不能与“lead”/“text”写在同一个对象里")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

// ------------------------------------------------------------------- numbers

/// A count cell: a non-negative integer, or `null` for a blank.
pub(super) struct Count(pub Option<u64>);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("件数（非负整数，空白写 null）")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v)
                    .map(|v| Count(Some(v)))
                    .map_err(|_| E::custom(format!("件数不能是负数，这里写的是 {v}")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                Err(E::custom(if v.fract() == 0.0 && v >= 0.0 {
                    format!("件数 {v} 太大，超出了可以处理的范围")
                } else {
                    format!("件数应为非负整数，这里写的是 {v}")
                }))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Count, E> {
                Err(E::custom(format!("件数要写成数字而不是字符串：这里写的是 \"{v}\"（空白请写 null）")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Count, E> {
                Ok(Count(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A signed change (2019 本年增/减), or `null` for a blank.
struct Signed(Option<i64>);

impl<'de> Deserialize<'de> for Signed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Signed;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("增减数（整数，可为负，空白写 null）")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Signed, E> {
                Ok(Signed(Some(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Signed, E> {
                i64::try_from(v)
                    .map(|v| Signed(Some(v)))
                    .map_err(|_| E::custom(format!("增减数 {v} 太大，超出了可以处理的范围")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Signed, E> {
                Err(E::custom(format!("增减数应为整数，这里写的是 {v}")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Signed, E> {
                Ok(Signed(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// An amount: a JSON number kept digit for digit, a string kept as
/// written, or `null` for a blank.
struct Amount(Option<String>);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        let text = raw.get();
        match text.as_bytes().first() {
            Some(b'n') => Ok(Amount(None)),
            Some(b'"') => serde_json::from_str::<String>(text).map(|s| Amount(Some(s))).map_err(D::Error::custom),
            Some(b'-') => Err(D::Error::custom(format!("金额不能是负数，这里写的是 {text}"))),
            Some(b'0'..=b'9') => Ok(Amount(Some(text.to_string()))),
            _ => Err(D::Error::custom(format!(
                "金额应写成数字（如 0.35）或字符串（如 \"73802895.90元\"），这里写的是 {text}"
            ))),
        }
    }
}

/// A row of counts with its total: an object with the columns' keys, or an
/// array of the parts with the total optionally last.
pub(super) struct CountsSeed {
    pub columns: Columns,
}

impl<'de> DeserializeSeed<'de> for CountsSeed {
    type Value = Counts;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Counts, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CountsSeed {
    type Value = Counts;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let n = self.columns.parts.len();
        write!(
            f,
            "一行数字：{} 个数的数组（可在最后加总计，共 {} 个），或含 {} 的对象",
            n,
            n + 1,
            list(self.columns.parts.iter().map(|p| p.0))
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Counts, A::Error> {
        let n = self.columns.parts.len();
        let mut values = Vec::with_capacity(n + 1);
        while let Some(Count(v)) = seq.next_element::<Count>()? {
            values.push(v);
        }
        if values.len() != n && values.len() != n + 1 {
            return Err(A::Error::custom(format!(
                "这一行有 {} 个数；应为 {n} 个（{}）或 {} 个（最后一个是总计）",
                values.len(),
                list(self.columns.parts.iter().map(|p| p.1)),
                n + 1
            )));
        }
        let total = (values.len() == n + 1).then(|| values.pop().flatten());
        Ok(Counts { parts: values, total, written: Written::Array })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counts, A::Error> {
        let cols = self.columns;
        let mut keys = Keys::new();
        let mut parts = vec![None; cols.parts.len()];
        let mut total = None;
        while let Some(key) = keys.next(&mut map)? {
            if let Some(i) = cols.parts.iter().position(|p| p.0 == key) {
                parts[i] = map.next_value::<Count>()?.0;
            } else if key == cols.total.0 {
                total = Some(map.next_value::<Count>()?.0);
            } else {
                let expected = list(cols.parts.iter().map(|p| p.0).chain([cols.total.0]));
                return Err(unknown_key(&key, &expected, None));
            }
        }
        if let Some((key, label)) = cols.parts.iter().find(|p| !keys.has(p.0)) {
            return Err(A::Error::custom(format!("这一行缺少“{key}”（{label}）")));
        }
        Ok(Counts { parts, total, written: Written::Object })
    }
}

// ------------------------------------------------------------------- table A

struct ProactiveSeed {
    version: Version,
}

impl<'de> DeserializeSeed<'de> for ProactiveSeed {
    type Value = Proactive;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Proactive, D::Error> {
        d.deserialize_map(self)
    }
}

/// Why a key of the other template version is not accepted here.
fn other_version_hint(version: Version, found_there: bool) -> Option<String> {
    found_there.then(|| {
        let other = version.other();
        format!("这是 {other} 格式的写法，而本报告按 {version} 格式（由 format 字段或年度决定）")
    })
}

impl<'de> Visitor<'de> for ProactiveSeed {
    type Value = Proactive;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("对象（表二各项）")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Proactive, A::Error> {
        let rows: Vec<_> = proactive::rows(self.version).collect();
        let mut values: Vec<Option<Vec<Value>>> = vec![None; rows.len()];
        let mut keys = Keys::new();
        while let Some(key) = keys.next(&mut map)? {
            let Some(i) = rows.iter().position(|(_, row)| row.key == key) else {
                let hint =
                    other_version_hint(self.version, proactive::rows(self.version.other()).any(|(_, r)| r.key == key));
                return Err(unknown_key(&key, &list(rows.iter().map(|(_, r)| r.key)), hint));
            };
            let other = proactive::rows(self.version.other()).find(|(_, r)| r.key == key);
            let other_fields = other.map_or(&[][..], |(item, _)| item.shape.fields());
            let seed = ItemRowSeed { shape: rows[i].0.shape, version: self.version, other_fields };
            values[i] = Some(map.next_value_seed(seed)?);
        }
        if let Some(((item, row), _)) = rows.iter().zip(&values).find(|(_, v)| v.is_none()) {
            return Err(A::Error::custom(format!("缺少“{}”（{}·{}）", row.key, item.title, row.label)));
        }
        Ok(Proactive { version: self.version, rows: values.into_iter().flatten().collect() })
    }
}

struct ItemRowSeed {
    shape: Shape,
    version: Version,
    /// The same row's fields in the other template version, to explain a
    /// key that belongs there.
    other_fields: &'static [proactive::Field],
}

fn value_of<'de, D: Deserializer<'de>>(kind: Kind, d: D) -> Result<Value, D::Error> {
    Ok(match kind {
        Kind::Count => Value::Count(Count::deserialize(d)?.0),
        Kind::Signed => Value::Signed(Signed::deserialize(d)?.0),
        Kind::Amount => Value::Amount(Amount::deserialize(d)?.0),
    })
}

/// Deserializes one table A value of a given kind.
struct ValueSeed(Kind);

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        value_of(self.0, d)
    }
}

impl<'de> DeserializeSeed<'de> for ItemRowSeed {
    type Value = Vec<Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Value>, D::Error> {
        match self.shape {
            Shape::Scalar(field) => Ok(vec![value_of(field.kind, d)?]),
            Shape::Object(_) => d.deserialize_map(self),
        }
    }
}

impl<'de> Visitor<'de> for ItemRowSeed {
    type Value = Vec<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "含 {} 的对象", list(self.shape.fields().iter().map(|x| x.key)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Value>, A::Error> {
        let fields = self.shape.fields();
        let mut values: Vec<Option<Value>> = vec![None; fields.len()];
        let mut keys = Keys::new();
        while let Some(key) = keys.next(&mut map)? {
            let Some(i) = fields.iter().position(|f| f.key == key) else {
                let hint = other_version_hint(self.version, self.other_fields.iter().any(|f| f.key == key));
                return Err(unknown_key(&key, &list(fields.iter().map(|f| f.key)), hint));
            };
            values[i] = Some(map.next_value_seed(ValueSeed(fields[i].kind))?);
        }
        if let Some((field, _)) = fields.iter().zip(&values).find(|(_, v)| v.is_none()) {
            return Err(A::Error::custom(format!("缺少“{}”（{}）", field.key, field.header)));
        }
        Ok(values.into_iter().flatten().collect())
    }
}

// ------------------------------------------------------------------- table B

struct ApplicationsSeed {
    version: Version,
}

impl<'de> DeserializeSeed<'de> for ApplicationsSeed {
    type Value = Applications;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Applications, D::Error> {
        let lines = applications::lines(self.version);
        let mut rows = vec![None; lines.len()];
        TreeSeed { version: self.version, prefix: String::new(), rows: &mut rows }.deserialize(d)?;
        Ok(Applications { version: self.version, rows })
    }
}

/// One object level of table B: its keys are the next path segments of the
/// lines below `prefix`.
struct TreeSeed<'a> {
    version: Version,
    prefix: String,
    rows: &'a mut Vec<Option<Counts>>,
}

impl TreeSeed<'_> {
    /// The keys expected at this level, in print order, with whether each
    /// is a row (leaf) and whether it may be left out.
    fn children(&self, version: Version) -> Vec<(&'static str, bool, bool)> {
        let mut out: Vec<(&'static str, bool, bool)> = Vec::new();
        for line in applications::lines(version) {
            let Some(rest) = line.path.strip_prefix(self.prefix.as_str()) else { continue };
            let (key, leaf) = match rest.split_once('/') {
                Some((key, _)) => (key, false),
                None => (rest, true),
            };
            if !out.iter().any(|c| c.0 == key) {
                out.push((key, leaf, line.role == LineRole::ResultTotal));
            }
        }
        out
    }

    fn describe(&self) -> String {
        let children = self.children(self.version);
        format!("含 {} 的对象", list(children.iter().map(|c| c.0)))
    }
}

impl<'de> DeserializeSeed<'de> for TreeSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TreeSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.describe())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<(), A::Error> {
        let path = self.prefix.trim_end_matches('/');
        let hint = match self.version {
            Version::F2021 if path == "results/other" => "；只写一行的（六）其他处理属于 2019 格式，2021 格式分为三行",
            _ => "",
        };
        Err(A::Error::custom(format!("这里应为{}，不是一行数字{hint}", self.describe())))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let children = self.children(self.version);
        let lines = applications::lines(self.version);
        let mut keys = Keys::new();
        while let Some(key) = keys.next(&mut map)? {
            let path = format!("{}{key}", self.prefix);
            let Some(&(_, leaf, _)) = children.iter().find(|c| c.0 == key) else {
                let there = applications::lines(self.version.other())
                    .iter()
                    .any(|l| l.path == path || l.path.starts_with(&format!("{path}/")));
                let hint = other_version_hint(self.version, there);
                return Err(unknown_key(&key, &list(children.iter().map(|c| c.0)), hint));
            };
            if leaf {
                let i = lines.iter().position(|l| l.path == path).expect("leaf is a line");
                self.rows[i] = Some(map.next_value_seed(CountsSeed { columns: applications::APPLICANTS })?);
            } else {
                map.next_value_seed(TreeSeed {
                    version: self.version,
                    prefix: format!("{path}/"),
                    rows: &mut *self.rows,
                })?;
            }
        }
        if let Some((key, _, _)) = children.iter().find(|c| !c.2 && !keys.has(c.0)) {
            let path = format!("{}{key}", self.prefix);
            let depth = path.split('/').count();
            let name = lines
                .iter()
                .find(|l| l.path == path || l.path.starts_with(&format!("{path}/")))
                .map(|l| l.labels[..depth.min(l.labels.len())].concat())
                .unwrap_or_default();
            return Err(A::Error::custom(format!("缺少“{key}”（{name}）")));
        }
        Ok(())
    }
}

// ------------------------------------------------------------------- table C

struct ReviewLitigationSeed;

impl<'de> DeserializeSeed<'de> for ReviewLitigationSeed {
    type Value = ReviewLitigation;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ReviewLitigation, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ReviewLitigationSeed {
    type Value = ReviewLitigation;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "含 {} 的对象", list(review_litigation::GROUPS.iter().map(|g| g.key)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReviewLitigation, A::Error> {
        let mut groups: Vec<Option<Counts>> = vec![None; review_litigation::GROUPS.len()];
        let mut keys = Keys::new();
        while let Some(key) = keys.next(&mut map)? {
            let Some(i) = review_litigation::GROUPS.iter().position(|g| g.key == key) else {
                return Err(unknown_key(&key, &list(review_litigation::GROUPS.iter().map(|g| g.key)), None));
            };
            groups[i] = Some(map.next_value_seed(CountsSeed { columns: review_litigation::OUTCOMES })?);
        }
        if let Some((g, _)) = review_litigation::GROUPS.iter().zip(&groups).find(|(_, v)| v.is_none()) {
            return Err(A::Error::custom(format!("缺少“{}”（{}）", g.key, g.label)));
        }
        Ok(ReviewLitigation { groups: groups.into_iter().flatten().collect() })
    }
}

/// What the first pass reads: the fields that decide the template version.
/// Everything else is skipped here and checked by [`ReportSeed`].
#[derive(Default)]
pub(super) struct Head {
    pub version: Option<Version>,
    pub year: Option<i64>,
    pub printed: Printed,
}

/// `printed`: the template versions tables A and B were printed in, where a
/// report mixes the two (a 2021 report whose table B prints （六）其他处理 as
/// the one row of 2019). `None`: as the report's `format`.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Printed {
    pub proactive: Option<Version>,
    pub applications: Option<Version>,
}

/// `printed` checked: an object of `proactive` and `applications`, each
/// `"2019"` or `"2021"`. (The first pass reads the values.)
struct PrintedDe;

impl<'de> Deserialize<'de> for PrintedDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PrintedDe;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("对象（各表实际所用的模板版本）")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PrintedDe, A::Error> {
                let mut keys = Keys::new();
                while let Some(key) = keys.next(&mut map)? {
                    match key.as_str() {
                        "proactive" | "applications" => {
                            map.next_value::<VersionName>()?;
                        }
                        other => return Err(unknown_key(other, "proactive、applications", None)),
                    }
                }
                Ok(PrintedDe)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Head {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Head;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("一个对象（整份报告）")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
                let mut head = Head::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "format" => {
                            head.version = map.next_value::<serde_json::Value>()?.as_str().and_then(Version::parse)
                        }
                        "year" => head.year = map.next_value::<serde_json::Value>()?.as_i64(),
                        "printed" => {
                            let v = map.next_value::<serde_json::Value>()?;
                            let of = |k: &str| v.get(k).and_then(|x| x.as_str()).and_then(Version::parse);
                            head.printed = Printed { proactive: of("proactive"), applications: of("applications") };
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(head)
            }
        }
        d.deserialize_map(V)
    }
}
