//! Table A — 二、主动公开政府信息情况: 第二十条 items, each a header row and
//! data rows under four columns.

use super::Version;

/// What a value cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A non-negative count, or blank.
    Count,
    /// A signed change (2019 本年增/减), or blank.
    Signed,
    /// An amount printed exactly as written (万元, 元).
    Amount,
}

/// One value column of an item: its JSON key and its printed header.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub key: &'static str,
    pub header: &'static str,
    pub kind: Kind,
}

/// How a row's value is written in JSON.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// A single value (`"licensing": 0`).
    Scalar(Field),
    /// An object with one key per field (`"rules": {"issued": 0, …}`).
    Object(&'static [Field]),
}

impl Shape {
    /// The value columns, in print order.
    pub fn fields(&self) -> &[Field] {
        match self {
            Shape::Scalar(f) => std::slice::from_ref(f),
            Shape::Object(fs) => fs,
        }
    }
}

/// A data row: its JSON key under `proactive` and its printed label.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub key: &'static str,
    pub label: &'static str,
}

/// One 第二十条 item: title row, header row, data rows.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub title: &'static str,
    pub shape: Shape,
    pub rows: &'static [Row],
}

/// The first header cell of every item.
pub const CONTENT_HEADER: &str = "信息内容";
/// Table A has four columns: the label and up to three values.
pub const COLUMNS: usize = 4;

const fn count(key: &'static str, header: &'static str) -> Field {
    Field { key, header, kind: Kind::Count }
}

const DECISIONS_2021: Field = count("", "本年处理决定数量");

const ITEMS_2021: &[Item] = &[
    Item {
        title: "第二十条第（一）项",
        shape: Shape::Object(&[
            count("issued", "本年制发件数"),
            count("repealed", "本年废止件数"),
            count("in_force", "现行有效件数"),
        ]),
        rows: &[Row { key: "rules", label: "规章" }, Row { key: "normative_documents", label: "行政规范性文件" }],
    },
    Item {
        title: "第二十条第（五）项",
        shape: Shape::Scalar(DECISIONS_2021),
        rows: &[Row { key: "licensing", label: "行政许可" }],
    },
    Item {
        title: "第二十条第（六）项",
        shape: Shape::Scalar(DECISIONS_2021),
        rows: &[Row { key: "penalties", label: "行政处罚" }, Row { key: "coercion", label: "行政强制" }],
    },
    Item {
        title: "第二十条第（八）项",
        shape: Shape::Scalar(Field { key: "", header: "本年收费金额（单位：万元）", kind: Kind::Amount }),
        rows: &[Row { key: "fees", label: "行政事业性收费" }],
    },
];

const PREVIOUS: Field = count("previous", "上一年项目数量");
const CHANGE: Field = Field { key: "change", header: "本年增/减", kind: Kind::Signed };
const DECISIONS_2019: &[Field] = &[PREVIOUS, CHANGE, count("decisions", "处理决定数量")];

const ITEMS_2019: &[Item] = &[
    Item {
        title: "第二十条第（一）项",
        shape: Shape::Object(&[
            count("made", "本年新制作数量"),
            count("published", "本年新公开数量"),
            count("total", "对外公开总数量"),
        ]),
        rows: &[Row { key: "rules", label: "规章" }, Row { key: "normative_documents", label: "规范性文件" }],
    },
    Item {
        title: "第二十条第（五）项",
        shape: Shape::Object(DECISIONS_2019),
        rows: &[
            Row { key: "licensing", label: "行政许可" },
            Row { key: "other_services", label: "其他对外管理服务事项" },
        ],
    },
    Item {
        title: "第二十条第（六）项",
        shape: Shape::Object(DECISIONS_2019),
        rows: &[Row { key: "penalties", label: "行政处罚" }, Row { key: "coercion", label: "行政强制" }],
    },
    Item {
        title: "第二十条第（八）项",
        shape: Shape::Object(&[PREVIOUS, CHANGE]),
        rows: &[Row { key: "fees", label: "行政事业性收费" }],
    },
    Item {
        title: "第二十条第（九）项",
        shape: Shape::Object(&[
            count("projects", "采购项目数量"),
            Field { key: "amount", header: "采购总金额", kind: Kind::Amount },
        ]),
        rows: &[Row { key: "procurement", label: "政府集中采购" }],
    },
];

/// The items of table A for a template version, in print order.
pub fn items(format: Version) -> &'static [Item] {
    match format {
        Version::F2019 => ITEMS_2019,
        Version::F2021 => ITEMS_2021,
    }
}

/// Every data row of a version with the item it belongs to, in print order.
pub fn rows(format: Version) -> impl Iterator<Item = (&'static Item, &'static Row)> {
    items(format).iter().flat_map(|item| item.rows.iter().map(move |row| (item, row)))
}
