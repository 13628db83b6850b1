//! The wording real reports use for the official labels, as data.
//!
//! Published reports do not always copy the template word for word: a
//! 2021 table A says `规范性文件` where the template says `行政规范性文件`,
//! a heading drops its numeral, a row label loses its `1.` or the words in
//! brackets after it. Import matches a source's labels through these
//! tables. A variant is listed only where it can mean exactly one official
//! slot; [`Match::Ambiguous`] names every slot a label could mean, and the
//! importer refuses it (`tests::every_variant_means_one_slot` keeps the
//! tables honest).

use super::applications::Line;
use super::numbering::{is_cjk_numeral, numbering_of};
use super::Version;

/// A label as compared (the form's and the source's both go through it):
/// no white space or quotes, full-width brackets, ASCII digits, `.` after a
/// number.
pub fn normalize(label: &str) -> String {
    let chars: Vec<char> =
        label.chars().filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '＂' | '‘' | '’')).collect();
    let mut out = String::with_capacity(label.len());
    for (i, &c) in chars.iter().enumerate() {
        let digit_before = i > 0 && (chars[i - 1].is_ascii_digit() || ('０'..='９').contains(&chars[i - 1]));
        out.push(match c {
            '(' => '（',
            ')' => '）',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '、' if digit_before => '.',
            c => c,
        });
    }
    out
}

/// The title words of the six sections: the template's first, then the
/// wordings real reports use for the same section.
pub const SECTION_WORDS: [&[&str]; 6] = [
    &["总体情况", "总体情况概述", "工作总体情况"],
    &["主动公开政府信息情况", "主动公开政府信息的情况"],
    &["收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请的情况"],
    &[
        "政府信息公开行政复议、行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
        "政府信息公开行政复议、诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼的情况",
    ],
    &[
        "存在的主要问题及改进情况",
        "存在的主要问题和改进情况",
        "政府信息公开工作存在的主要问题及改进情况",
        "存在的问题及改进情况",
    ],
    &["其他需要报告的事项", "其他需要报告事项", "其它需要报告的事项"],
];

/// A heading's text without its section numbering: `一、` `一.` `一 `
/// `第一部分` `1.` `1、`, or none. `（一）` is a sub-heading's numbering and
/// is kept, so that a `（二）主动公开…` inside 一 is never a section.
fn strip_section_number(text: &str) -> &str {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('第') {
        let n = rest.chars().take_while(|&c| is_cjk_numeral(c)).map(char::len_utf8).sum::<usize>();
        if n > 0 {
            if let Some(rest) = rest[n..].strip_prefix("部分") {
                return rest.trim_start_matches(['、', '：', ':', ' ', '\u{3000}']);
            }
        }
    }
    let n = text
        .chars()
        .take_while(|&c| is_cjk_numeral(c) || c.is_ascii_digit() || ('０'..='９').contains(&c))
        .map(char::len_utf8)
        .sum::<usize>();
    let rest = &text[n..];
    match rest.chars().next() {
        _ if n == 0 => text,
        Some('、' | '.' | '．' | ' ' | '\u{3000}') => {
            rest[rest.chars().next().map_or(0, char::len_utf8)..].trim_start()
        }
        _ => text,
    }
}

/// The section (0–5) a heading opens, by its title words (any numeral or
/// none); `None` for any other text. A numbered sub-heading inside 一 such
/// as `二、工作机制保障` is not a section: its words are not a section's.
pub fn section_of(text: &str) -> Option<usize> {
    if numbering_of(text).is_some_and(|n| n != super::numbering::Numbering::Item) {
        return None;
    }
    let words = normalize(strip_section_number(text));
    let words = words.trim_end_matches(['：', ':', '。']);
    SECTION_WORDS.iter().position(|all| all.iter().any(|w| normalize(w) == words))
}

/// Words every wording of a section's title keeps, whatever else it says
/// (`四、政府信息公开行政法复议、行政诉讼情况`, a typo, still has 复议 and 诉讼).
const SECTION_KEYS: [&[&str]; 6] =
    [&["总体情况"], &["主动公开"], &["申请"], &["复议", "诉讼"], &["问题", "改进"], &["其他", "报告"]];

/// The section numerals, in order.
const SECTION_NUMERALS: [char; 6] = ['一', '二', '三', '四', '五', '六'];

/// Whether `text` opens section `k` (0–5), the one expected next: by its
/// title words ([`section_of`]), or by its own numeral (`四、`) with the
/// section's key words in a short heading — a heading with a typo, which
/// a reader takes for the section without a second thought. The numeral
/// must be the expected one, so a numbered sub-heading inside 一 is not
/// taken for a later section.
pub fn opens_section(text: &str, k: usize) -> bool {
    if section_of(text) == Some(k) {
        return true;
    }
    let text = text.trim();
    let Some(rest) = text.strip_prefix(SECTION_NUMERALS[k]) else { return false };
    let Some(words) = rest.strip_prefix(['、', '.', '．']) else { return false };
    let words = normalize(words);
    words.chars().count() <= 40 && !words.contains('。') && SECTION_KEYS[k].iter().all(|key| words.contains(key))
}

/// Whether `text` heads section `k` where the report's structure expects
/// that section (last before its table, or first after table C): a line
/// that opens it ([`opens_section`]), or a short line with the expected
/// numeral, whatever words follow (`五、工作中的不足和下一步打算`).
pub fn heads_section(text: &str, k: usize) -> bool {
    if opens_section(text, k) {
        return true;
    }
    let Some(rest) = text.trim().strip_prefix(SECTION_NUMERALS[k]) else { return false };
    let Some(words) = rest.strip_prefix(['、', '.', '．']) else { return false };
    let n = words.trim().chars().count();
    (2..=40).contains(&n) && !words.contains('。')
}

/// A section heading run into its first paragraph (`一、总体情况。2023年，…`,
/// `五、存在的主要问题及改进情况：…`): the section and where its heading
/// ends. Only a numbered heading is taken so: unnumbered prose may well
/// open with the same words.
pub fn run_in_section(text: &str) -> Option<(usize, usize)> {
    let text = text.trim_start();
    let rest = strip_section_number(text);
    if rest.len() == text.len() {
        return None;
    }
    let start = text.len() - rest.len();
    SECTION_WORDS.iter().enumerate().find_map(|(k, all)| {
        all.iter().find_map(|w| {
            let after = rest.strip_prefix(w)?;
            let mark = after.chars().next().filter(|c| matches!(c, '。' | '：' | ':'))?;
            let end = start + w.len() + mark.len_utf8();
            (!text[end..].trim().is_empty()).then_some((k, end))
        })
    })
}

/// Table A row labels as reports write them: `(version, official, variants)`;
/// `None` as the version means both.
const TABLE_A_ROWS: &[(Option<Version>, &str, &[&str])] = &[
    (Some(Version::F2021), "行政规范性文件", &["规范性文件"]),
    (Some(Version::F2019), "规范性文件", &["行政规范性文件"]),
    (Some(Version::F2019), "其他对外管理服务事项", &["其他对外管理服务"]),
];

/// The variants of a table A row label in a version.
pub fn proactive_row(version: Version, official: &str) -> &'static [&'static str] {
    TABLE_A_ROWS
        .iter()
        .find(|(v, o, _)| v.is_none_or(|v| v == version) && *o == official)
        .map_or(&[], |(_, _, variants)| variants)
}

/// Table A column headers as reports write them: `(official, variants)`.
const TABLE_A_HEADERS: &[(&str, &[&str])] =
    &[("本年制发件数", &["本年新制发件数"]), ("本年新制作数量", &["本年新制作件数"])];

/// The variants of a table A column header.
pub fn proactive_header(official: &str) -> &'static [&'static str] {
    TABLE_A_HEADERS.iter().find(|(o, _)| *o == official).map_or(&[], |(_, v)| v)
}

/// Column headers of tables B and C as reports write them.
const COLUMN_HEADERS: &[(&str, &[&str])] = &[("法律服务机构", &["法律服务"])];

/// Whether a source's column header is the official one or a variant of it.
pub fn is_column(official: &str, source: &str) -> bool {
    let source = normalize(source);
    normalize(official) == source
        || COLUMN_HEADERS.iter().any(|(o, vs)| *o == official && vs.iter().any(|v| normalize(v) == source))
}

/// Table B row labels as reports write them, besides the general rules
/// (numbering and the bracketed aside may be left out): `(official, variants)`.
const TABLE_B_ROWS: &[(&str, &[&str])] = &[
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", &["申请人无正当理由逾期不补正"]),
    (
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        &["申请人逾期未按收费通知要求缴纳费用"],
    ),
];

/// How a source label was matched to an official slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// The official label, as printed.
    Exact(usize),
    /// A variant; the text says which.
    Variant(usize, String),
    /// The label could mean more than one slot: their names.
    Ambiguous(Vec<String>),
    /// No slot has this label.
    None,
}

/// Picks the one slot among candidates `(index, how)`.
fn pick(found: Vec<(usize, String)>, name: impl Fn(usize) -> String) -> Match {
    match found.as_slice() {
        [] => Match::None,
        [(i, how)] => Match::Variant(*i, how.clone()),
        _ => Match::Ambiguous(found.iter().map(|(i, _)| name(*i)).collect()),
    }
}

/// A label without its leading item numbering (`1.`, `（一）`).
fn unnumbered(label: &str) -> &str {
    let label = label.trim();
    match numbering_of(label) {
        Some(_) => {
            let end = label
                .char_indices()
                .find(|&(_, c)| matches!(c, '）' | ')' | '.' | '、' | '．'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            &label[end..]
        }
        None => label,
    }
}

/// How alike two labels are, 0 to 1: twice their longest common
/// subsequence of characters over their lengths together. A label with a
/// character left out or mistyped stays close to its own (行政规范件 and
/// 行政规范性文件: 0.83) and far from the others.
pub fn likeness(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut row = vec![0usize; b.len() + 1];
    for x in &a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y { diagonal + 1 } else { row[j + 1].max(row[j]) };
            diagonal = above;
        }
    }
    2.0 * row[b.len()] as f64 / (a.len() + b.len()) as f64
}

/// How alike a label must be to a slot's to be read as it.
const ALIKE: f64 = 0.75;
/// How far ahead of the next slot the nearest must be.
const AHEAD: f64 = 0.2;

/// The slot a label is nearest to when no label or variant matches it as
/// written: each slot's likeness is its best over the ways it may be
/// written (`spellings`). Accepted only when alike enough and clearly ahead
/// of every other slot; two slots both close are named, never chosen.
fn nearest(source: &str, slots: &[Vec<String>], name: impl Fn(usize) -> String) -> Match {
    let source = normalize(unnumbered(source));
    let mut scored: Vec<(usize, f64)> = slots
        .iter()
        .enumerate()
        .map(|(i, spellings)| {
            (i, spellings.iter().map(|s| likeness(&source, &normalize(unnumbered(s)))).fold(0.0, f64::max))
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    match scored.as_slice() {
        [(i, best), rest @ ..] if *best >= ALIKE => match rest.first() {
            Some((j, next)) if *next > best - AHEAD => Match::Ambiguous(vec![name(*i), name(*j)]),
            _ => Match::Variant(*i, format!("“{source}”作“{}”（字形相近，相似度 {best:.2}）", name(*i))),
        },
        _ => Match::None,
    }
}

/// The table A row (index into [`super::proactive::rows`]) a source label names.
pub fn match_table_a(version: Version, source: &str) -> Match {
    let source = normalize(source);
    let rows: Vec<_> = super::proactive::rows(version).collect();
    if let Some(i) = rows.iter().position(|(_, r)| normalize(r.label) == source) {
        return Match::Exact(i);
    }
    let found = rows
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| proactive_row(version, r.label).iter().any(|v| normalize(v) == source))
        .map(|(i, (_, r))| (i, format!("“{source}”作“{}”", r.label)))
        .collect();
    let name = |i: usize| format!("{}·{}", rows[i].0.title, rows[i].1.label);
    match pick(found, name) {
        Match::None => {
            // Rows of one item share a label across items (规章 under
            // 第二十条第（一）项 and (五)): the label alone names a row
            // of the item the caller reads; each label is scored once.
            let spellings: Vec<Vec<String>> = rows
                .iter()
                .map(|(_, r)| {
                    std::iter::once(r.label)
                        .chain(proactive_row(version, r.label).iter().copied())
                        .map(String::from)
                        .collect()
                })
                .collect();
            nearest_distinct(&source, &spellings, name)
        }
        m => m,
    }
}

/// [`nearest`] over slots whose spellings may repeat (a label shared by
/// two slots): each way of writing is scored once, and names the first
/// slot written so, as an exact label would.
fn nearest_distinct(source: &str, spellings: &[Vec<String>], name: impl Fn(usize) -> String) -> Match {
    let mut distinct: Vec<(&Vec<String>, usize)> = Vec::new();
    for (i, s) in spellings.iter().enumerate() {
        if !distinct.iter().any(|(d, _)| *d == s) {
            distinct.push((s, i));
        }
    }
    let slots: Vec<Vec<String>> = distinct.iter().map(|(s, _)| (*s).clone()).collect();
    match nearest(source, &slots, |k| name(distinct[k].1)) {
        Match::Variant(k, how) => Match::Variant(distinct[k].1, how),
        m => m,
    }
}

/// How alike a label must be to the one slot its neighbours leave it, to
/// be read as it: looser than [`ALIKE`], since the order already names
/// the slot; above one half, which any two labels of a group share by
/// their common words (全部公开 and 予以公开, 另案申请 and 重复申请).
const IN_PLACE: f64 = 0.6;

/// Labels the matcher could not place alone (`None` or ambiguous), read by
/// their order: a run of such labels between two placed neighbours (or a
/// table's end) takes the slots between those neighbours that no label
/// took, one to one in the template's order — as a diff aligns two
/// sequences — when there are as many slots as labels and each label is
/// alike enough to its slot ([`IN_PLACE`]). `placed[r]` is the slot of row
/// `r` or `None`; the answer, for each row placed here, its slot and how.
pub fn align_in_order(lines: &[Line], labels: &[&str], placed: &[Option<usize>]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let taken: Vec<usize> = placed.iter().flatten().copied().collect();
    let mut r = 0;
    while r < labels.len() {
        if placed[r].is_some() {
            r += 1;
            continue;
        }
        let start = r;
        while r < labels.len() && placed[r].is_none() {
            r += 1;
        }
        let before = placed[..start].iter().rev().flatten().next().copied();
        let after = placed[r..].iter().flatten().next().copied();
        let from = before.map_or(0, |b| b + 1);
        let to = after.unwrap_or(lines.len());
        let slots: Vec<usize> = (from..to.max(from)).filter(|i| !taken.contains(i)).collect();
        if slots.len() != r - start {
            continue;
        }
        let pairs: Vec<(usize, usize, f64)> = (start..r)
            .zip(slots)
            .map(|(row, slot)| {
                let own = lines[slot].labels.last().expect("labelled");
                let alike = [lines[slot].own_label(), own.to_string()]
                    .iter()
                    .map(|s| likeness(&normalize(unnumbered(labels[row])), &normalize(unnumbered(s))))
                    .fold(0.0, f64::max);
                (row, slot, alike)
            })
            .collect();
        if pairs.iter().all(|(_, _, alike)| *alike >= IN_PLACE) {
            out.extend(pairs.into_iter().map(|(row, slot, alike)| {
                let how = format!(
                    "“{}”在前后两行之间，按行的顺序读作“{}”（相似度 {alike:.2}）",
                    normalize(labels[row]),
                    lines[slot].name()
                );
                (row, slot, how)
            }));
        }
    }
    out
}

/// The table B line (index into `lines`) a source label names: the own
/// label as printed, or without its numbering, or without its bracketed
/// aside, or a listed variant.
pub fn match_table_b(lines: &[Line], source: &str) -> Match {
    let source = normalize(source);
    if let Some(i) = lines.iter().position(|l| normalize(&l.own_label()) == source) {
        return Match::Exact(i);
    }
    let bare = |l: &Line| normalize(unnumbered(l.labels.last().expect("labelled")));
    let found = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let own = l.labels.last().expect("labelled");
            let how = if normalize(own) == source {
                "省略了括号里的说明".to_string()
            } else if bare(l) == normalize(unnumbered(&source)) && !bare(l).is_empty() {
                "序号不同或省略".to_string()
            } else if let Some(v) = TABLE_B_ROWS
                .iter()
                .find(|(o, _)| o == own)
                .and_then(|(_, vs)| vs.iter().find(|v| normalize(v) == source))
            {
                format!("简写“{v}”")
            } else {
                return None;
            };
            Some((i, format!("“{source}”作“{}”（{how}）", l.name())))
        })
        .collect();
    match pick(found, |i| lines[i].name()) {
        Match::None => {
            let spellings: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    let own = l.labels.last().expect("labelled");
                    let listed = TABLE_B_ROWS.iter().find(|(o, _)| o == own).map_or(&[][..], |(_, vs)| vs);
                    std::iter::once(l.own_label())
                        .chain(std::iter::once(own.to_string()))
                        .chain(listed.iter().map(|v| v.to_string()))
                        .collect()
                })
                .collect();
            nearest_distinct(&source, &spellings, |i| lines[i].name())
        }
        m => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{applications, proactive};

    #[test]
    fn sections_are_found_by_their_words_whatever_the_numeral() {
        assert_eq!(section_of("一、总体情况"), Some(0));
        assert_eq!(section_of("总体情况"), Some(0));
        assert_eq!(section_of("第三部分 收到和处理政府信息公开申请情况"), Some(2));
        assert_eq!(section_of("5. 政府信息公开工作存在的主要问题及改进情况"), Some(4));
        assert_eq!(section_of("六、其他需要报告的事项："), Some(5));
        // Numbered sub-headings inside 一 are prose.
        assert_eq!(section_of("二、工作机制保障"), None);
        assert_eq!(section_of("三、主动公开工作情况"), None);
        assert_eq!(section_of("（二）主动公开政府信息情况"), None);
        assert_eq!(section_of("一、本年新收政府信息公开申请数量"), None);
        assert!(opens_section("四、政府信息公开行政法复议、行政诉讼情况", 3));
        assert!(!opens_section("四、政府信息公开行政法复议、行政诉讼情况", 4), "only where 四 is expected");
        assert!(!opens_section("三、主动公开工作情况", 1), "its numeral is not the expected 二");
        assert!(!opens_section("二、工作机制保障", 1));
        assert_eq!(run_in_section("一、总体情况。2023年，本局……"), Some((0, "一、总体情况。".len())));
        assert_eq!(run_in_section("总体情况。2023年"), None);
        assert_eq!(run_in_section("一、总体情况"), None);
    }

    #[test]
    fn labels_left_unplaced_are_read_by_their_order() {
        let lines = applications::lines(Version::F2021);
        let slot = |path: &str| lines.iter().position(|l| l.path == path).unwrap();
        let (query, not_held, creation) = (
            slot("results/withheld/query_matters"),
            slot("results/unable/not_held"),
            slot("results/unable/needs_creation"),
        );
        // Too unlike 1.本机关不掌握相关政府信息 alone (0.67), but it stands
        // between 8.属于行政查询事项 and 2.没有现成信息需要另行制作: the one
        // slot left.
        let label = "1.本机关未掌握该信息";
        assert_eq!(match_table_b(lines, label), Match::None);
        let labels = ["8.属于行政查询事项", label, "2.没有现成信息需要另行制作"];
        let placed = [Some(query), None, Some(creation)];
        let aligned = align_in_order(lines, &labels, &placed);
        assert_eq!(aligned.iter().map(|(r, s, _)| (*r, *s)).collect::<Vec<_>>(), [(1, not_held)]);
        assert!(aligned[0].2.contains("按行的顺序") && aligned[0].2.contains("0.67"), "{}", aligned[0].2);
        // Other words that share only the group's common ones: not read.
        let (carried, partly) = (slot("carried_over"), slot("results/partially_granted"));
        let labels = ["二、上年结转政府信息公开申请数量", "（一）全部公开", "（二）部分公开"];
        assert!(align_in_order(lines, &labels, &[Some(carried), None, Some(partly)]).is_empty());
        // Two rows for one slot: not read.
        let labels = ["8.属于行政查询事项", label, label, "2.没有现成信息需要另行制作"];
        assert!(align_in_order(lines, &labels, &[Some(query), None, None, Some(creation)]).is_empty());
    }

    #[test]
    fn every_variant_means_one_slot() {
        for version in [Version::F2019, Version::F2021] {
            for (_, row) in proactive::rows(version) {
                for v in proactive_row(version, row.label) {
                    assert!(matches!(match_table_a(version, v), Match::Variant(..)), "{v}");
                }
            }
            let lines = applications::lines(version);
            for line in lines {
                let own = line.labels.last().expect("labelled");
                for label in [own.to_string(), unnumbered(own).to_string()] {
                    let m = match_table_b(lines, &label);
                    assert!(matches!(m, Match::Exact(_) | Match::Variant(..)), "{label}: {m:?}");
                }
            }
        }
        for (i, words) in SECTION_WORDS.iter().enumerate() {
            for w in *words {
                assert_eq!(section_of(w), Some(i), "{w}");
            }
        }
    }

    #[test]
    fn a_label_with_a_character_missing_lands_in_its_slot() {
        let rows: Vec<_> = proactive::rows(Version::F2021).collect();
        let Match::Variant(i, how) = match_table_a(Version::F2021, "行政规范件") else { panic!() };
        assert_eq!(rows[i].1.key, "normative_documents");
        assert!(how.contains("相似度"), "{how}");
        let lines = applications::lines(Version::F2021);
        let Match::Variant(i, _) = match_table_b(lines, "一、本年新收政府信息公开申请数") else {
            panic!()
        };
        assert_eq!(lines[i].name(), applications::lines(Version::F2021)[0].name());
        // Too far from every row: not guessed.
        assert_eq!(match_table_a(Version::F2021, "行政"), Match::None);
        assert_eq!(match_table_b(lines, "本年收费"), Match::None);
    }

    #[test]
    fn two_rows_alike_are_named_not_chosen() {
        // Between 1.危及“三安全一稳定” and 2.保护第三方合法权益: neither.
        let lines = applications::lines(Version::F2021);
        let m = nearest(
            "危及第三方",
            &[vec!["危及安全".into()], vec!["危及第三者".into()], vec!["危及第三方权益".into()]],
            |i| lines[i].name(),
        );
        assert!(matches!(m, Match::Ambiguous(ref names) if names.len() == 2), "{m:?}");
    }

    #[test]
    fn the_2021_and_2019_document_rows_are_read_by_either_name() {
        let rows: Vec<_> = proactive::rows(Version::F2021).collect();
        let Match::Variant(i, _) = match_table_a(Version::F2021, "规范性文件") else { panic!() };
        assert_eq!(rows[i].1.key, "normative_documents");
        assert_eq!(match_table_a(Version::F2021, "规章 "), Match::Exact(0));
        assert_eq!(match_table_a(Version::F2021, "行政规范"), Match::None);
    }
}
