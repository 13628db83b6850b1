//! Table C — 四、政府信息公开行政复议、行政诉讼情况: three groups of five
//! outcome columns under a two-level header.

use super::Columns;

/// One group of five columns: its JSON key and printed name.
#[derive(Clone, Copy, Debug)]
pub struct Group {
    pub key: &'static str,
    pub label: &'static str,
}

/// The four outcomes and their total, shared by every group.
pub const OUTCOMES: Columns = Columns {
    parts: &[("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结")],
    total: ("total", "总计"),
};

pub const REVIEW: &str = "行政复议";
pub const LITIGATION: &str = "行政诉讼";

/// The groups in print order: review first, then the two litigation groups
/// that sit under 行政诉讼.
pub const GROUPS: &[Group] = &[
    Group { key: "review", label: REVIEW },
    Group { key: "litigation_direct", label: "未经复议直接起诉" },
    Group { key: "litigation_after_review", label: "复议后起诉" },
];

/// Table C has one column per outcome and total in each group.
pub const COLUMNS: usize = 15;
