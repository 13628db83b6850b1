//! The official form: every label, heading and cell structure of the
//! national template, in one place.
//!
//! Parsing (which keys a table takes), checking (which rows add up to which),
//! layout (which label spans which cells) and import all read these
//! definitions; nothing else in the crate spells an official label.

pub mod applications;
pub mod numbering;
pub mod proactive;
pub mod review_litigation;
pub mod variants;

use std::fmt;

/// The template version a report follows (FORMAT.md, "Two template versions").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// 国办公开办函〔2019〕60号, report years 2019 and 2020.
    F2019,
    /// 国办公开办函〔2021〕30号, report years 2021 and later.
    F2021,
}

impl Version {
    /// The first report year any template covers; earlier reports followed
    /// no common template.
    pub const FIRST_YEAR: i64 = 2019;

    /// The version a report of `year` uses when it does not say.
    pub fn for_year(year: i64) -> Version {
        if year <= 2020 {
            Version::F2019
        } else {
            Version::F2021
        }
    }

    /// The spelling used in the input contract (`"2019"`, `"2021"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Version::F2019 => "2019",
            Version::F2021 => "2021",
        }
    }

    /// The version a key of the wrong version most likely came from.
    pub fn other(self) -> Version {
        match self {
            Version::F2019 => Version::F2021,
            Version::F2021 => Version::F2019,
        }
    }

    /// Parses the contract spelling.
    pub fn parse(s: &str) -> Option<Version> {
        match s {
            "2019" => Some(Version::F2019),
            "2021" => Some(Version::F2021),
            _ => None,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A top-level part of the report: its JSON key and the words a report
/// writer knows it by.
#[derive(Clone, Copy, Debug)]
pub struct Part {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
}

/// The six section headings, identical in both versions.
pub const SECTION_OVERVIEW: &str = "一、总体情况";
pub const SECTION_PROACTIVE: &str = "二、主动公开政府信息情况";
pub const SECTION_APPLICATIONS: &str = "三、收到和处理政府信息公开申请情况";
pub const SECTION_REVIEW: &str = "四、政府信息公开行政复议、行政诉讼情况";
pub const SECTION_PROBLEMS: &str = "五、存在的主要问题及改进情况";
pub const SECTION_OTHER: &str = "六、其他需要报告的事项";
/// The six, in order.
pub const SECTIONS: [&str; 6] =
    [SECTION_OVERVIEW, SECTION_PROACTIVE, SECTION_APPLICATIONS, SECTION_REVIEW, SECTION_PROBLEMS, SECTION_OTHER];

/// The sections that hold a table: their JSON key (the table's, and the
/// key under `table_prose`) and heading.
pub const TABLE_SECTIONS: [(&str, &str); 3] =
    [("proactive", SECTION_PROACTIVE), ("applications", SECTION_APPLICATIONS), ("review_litigation", SECTION_REVIEW)];

/// Every top-level key of the input contract, in document order.
pub const PARTS: &[Part] = &[
    Part { key: "$schema", label: "编辑器用的 schema 地址", required: false },
    Part { key: "format", label: "模板版本", required: false },
    Part { key: "printed", label: "表格实际所用的模板版本", required: false },
    Part { key: "year", label: "报告年度", required: true },
    Part { key: "agency", label: "机关名称", required: true },
    Part { key: "title", label: "标题", required: false },
    Part { key: "preamble", label: "前言", required: false },
    Part { key: "overview", label: SECTION_OVERVIEW, required: true },
    Part { key: "proactive", label: SECTION_PROACTIVE, required: true },
    Part { key: "applications", label: SECTION_APPLICATIONS, required: true },
    Part { key: "review_litigation", label: SECTION_REVIEW, required: true },
    Part { key: "table_prose", label: "表格前后的文字", required: false },
    Part { key: "problems", label: SECTION_PROBLEMS, required: true },
    Part { key: "other_matters", label: SECTION_OTHER, required: true },
    Part { key: "signature", label: "落款", required: false },
];

/// How a prose section the writer has still to write begins (what `sum`
/// leaves in the sections an office writes itself): never to be published.
pub const PLACEHOLDER: &str = "（本部分待填写";

/// The title a report gets when it names none.
pub fn default_title(agency: &str, year: i64) -> String {
    format!("{agency}{year}年政府信息公开工作年度报告")
}

/// A group of count columns that ends in a total: table B's applicants,
/// table C's outcomes.
#[derive(Clone, Copy, Debug)]
pub struct Columns {
    /// `(JSON key, printed label)` of each part, in print order.
    pub parts: &'static [(&'static str, &'static str)],
    /// `(JSON key, printed label)` of the total.
    pub total: (&'static str, &'static str),
}

impl Columns {
    /// The label of column `i`, counting the total as the last.
    pub fn label(&self, i: usize) -> &'static str {
        self.parts.get(i).map_or(self.total.1, |p| p.1)
    }

    /// The JSON key of column `i`, counting the total as the last.
    pub fn key(&self, i: usize) -> &'static str {
        self.parts.get(i).map_or(self.total.0, |p| p.0)
    }
}
