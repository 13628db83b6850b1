//! Table B — 三、收到和处理政府信息公开申请情况: three label columns, seven
//! applicant columns, rows nested up to three levels.

use super::{Columns, Version};

/// The applicant columns: six parts and their total.
pub const APPLICANTS: Columns = Columns {
    parts: &[
        ("natural_person", "自然人"),
        ("commercial", "商业企业"),
        ("research", "科研机构"),
        ("social_welfare", "社会公益组织"),
        ("legal_service", "法律服务机构"),
        ("other", "其他"),
    ],
    total: ("total", "总计"),
};

/// The top-left header cell, set in 楷体.
pub const NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
/// The header over the seven data columns.
pub const APPLICANT_HEADER: &str = "申请人情况";
/// The header over the five organisation columns.
pub const ORGANISATION_HEADER: &str = "法人或其他组织";
/// Table B has three label columns and seven data columns.
pub const LABEL_COLUMNS: usize = 3;
pub const COLUMNS: usize = 10;
/// Header rows, repeated when the table breaks across pages.
pub const HEADER_ROWS: usize = 3;

/// One body row of table B.
///
/// `labels` holds the row's label at each level it has (section, group,
/// item); consecutive rows sharing a level's label share one tall cell.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    /// JSON path below `applications`, `/`-separated.
    pub path: &'static str,
    pub labels: &'static [&'static str],
    /// Explanatory words printed after the last label in 楷体.
    pub aside: Option<&'static str>,
    pub role: LineRole,
}

/// What a row means to the consistency rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineRole {
    /// 一、本年新收
    Received,
    /// 二、上年结转
    CarriedOver,
    /// One of （一）…（六） under 三: summed into （七）总计.
    Result,
    /// 三（七）总计: may be left out of the input and is then computed.
    ResultTotal,
    /// 四、结转下年度继续办理
    CarriedForward,
}

const RESULTS: &str = "三、本年度办理结果";
const WITHHELD: &str = "（三）不予公开";
const UNABLE: &str = "（四）无法提供";
const NOT_PROCESSED: &str = "（五）不予处理";
const OTHER: &str = "（六）其他处理";

const fn line(path: &'static str, labels: &'static [&'static str], role: LineRole) -> Line {
    Line { path, labels, aside: None, role }
}

const fn result(path: &'static str, labels: &'static [&'static str]) -> Line {
    line(path, labels, LineRole::Result)
}

macro_rules! lines {
    ($($other:expr),* $(,)?) => {
        &[
            line("received", &["一、本年新收政府信息公开申请数量"], LineRole::Received),
            line("carried_over", &["二、上年结转政府信息公开申请数量"], LineRole::CarriedOver),
            result("results/granted", &[RESULTS, "（一）予以公开"]),
            Line {
                path: "results/partially_granted",
                labels: &[RESULTS, "（二）部分公开"],
                aside: Some("（区分处理的，只计这一情形，不计其他情形）"),
                role: LineRole::Result,
            },
            result("results/withheld/state_secret", &[RESULTS, WITHHELD, "1.属于国家秘密"]),
            result("results/withheld/prohibited_by_law", &[RESULTS, WITHHELD, "2.其他法律行政法规禁止公开"]),
            result("results/withheld/three_safeties_one_stability", &[RESULTS, WITHHELD, "3.危及“三安全一稳定”"]),
            result("results/withheld/third_party_rights", &[RESULTS, WITHHELD, "4.保护第三方合法权益"]),
            result("results/withheld/internal_affairs", &[RESULTS, WITHHELD, "5.属于三类内部事务信息"]),
            result("results/withheld/process_info", &[RESULTS, WITHHELD, "6.属于四类过程性信息"]),
            result("results/withheld/enforcement_files", &[RESULTS, WITHHELD, "7.属于行政执法案卷"]),
            result("results/withheld/query_matters", &[RESULTS, WITHHELD, "8.属于行政查询事项"]),
            result("results/unable/not_held", &[RESULTS, UNABLE, "1.本机关不掌握相关政府信息"]),
            result("results/unable/needs_creation", &[RESULTS, UNABLE, "2.没有现成信息需要另行制作"]),
            result("results/unable/still_unclear", &[RESULTS, UNABLE, "3.补正后申请内容仍不明确"]),
            result("results/not_processed/petition", &[RESULTS, NOT_PROCESSED, "1.信访举报投诉类申请"]),
            result("results/not_processed/duplicate", &[RESULTS, NOT_PROCESSED, "2.重复申请"]),
            result("results/not_processed/publication", &[RESULTS, NOT_PROCESSED, "3.要求提供公开出版物"]),
            result("results/not_processed/excessive", &[RESULTS, NOT_PROCESSED, "4.无正当理由大量反复申请"]),
            result("results/not_processed/confirmation", &[RESULTS, NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息"]),
            $($other,)*
            line("results/total", &[RESULTS, "（七）总计"], LineRole::ResultTotal),
            line("carried_forward", &["四、结转下年度继续办理"], LineRole::CarriedForward),
        ]
    };
}

const LINES_2021: &[Line] = lines![
    result(
        "results/other/no_correction",
        &[RESULTS, OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]
    ),
    result(
        "results/other/unpaid_fee",
        &[RESULTS, OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"]
    ),
    result("results/other/other", &[RESULTS, OTHER, "3.其他"]),
];

const LINES_2019: &[Line] = lines![result("results/other", &[RESULTS, OTHER])];

/// The body rows of table B for a template version, in print order.
pub fn lines(format: Version) -> &'static [Line] {
    match format {
        Version::F2019 => LINES_2019,
        Version::F2021 => LINES_2021,
    }
}

impl Line {
    /// What the row's own cell prints: its last label and any aside.
    pub fn own_label(&self) -> String {
        format!("{}{}", self.labels.last().expect("every line is labelled"), self.aside.unwrap_or(""))
    }

    /// The row's name in the report's words, e.g. `三、本年度办理结果（三）不予公开 1.属于国家秘密`.
    pub fn name(&self) -> String {
        let mut name = String::new();
        for (i, label) in self.labels.iter().enumerate() {
            if i == 2 {
                name.push(' ');
            }
            name.push_str(label);
        }
        name
    }
}
