//! Last year's text: a note when 五、存在的主要问题及改进情况 or 一、总体情况
//! repeats the previous report of the same agency, with the share of the
//! text repeated and the longest repeated passage.
//!
//! A sentence (up to 。！？；) of this year's section counts as repeated
//! when it appears, white space aside, in last year's section; the share
//! is the repeated sentences' characters over all. Copying last year's
//! problems and plans is a known complaint about these reports; the note
//! is raised from [`DEFAULT_THRESHOLD`] (60 %) unless told otherwise.

use crate::check::{Finding, Severity};
use crate::form;
use crate::model::{Block, Report};

/// The share of repeated text, in percent, from which a note is raised.
pub const DEFAULT_THRESHOLD: u32 = 60;

/// A section's text, white space left out.
fn text(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(t) | Block::Heading(t) => t.clone(),
            Block::Lead { lead, text } => format!("{lead}{text}"),
        })
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn sentences(text: &str) -> Vec<&str> {
    text.split_inclusive(['。', '！', '？', '；']).filter(|s| s.chars().count() > 1).collect()
}

/// The share of `now` (0–100) found again in `before`, and the longest
/// passage the two share.
pub fn repeated(now: &str, before: &str) -> (u32, String) {
    if now.is_empty() || before.is_empty() {
        return (0, String::new());
    }
    (sentence_share(now, before), longest_common(now, before))
}

/// The share (0–100) of `now`'s text whose sentences stand again in
/// `before`'s.
pub fn share(now: &[Block], before: &[Block]) -> u32 {
    sentence_share(&text(now), &text(before))
}

fn sentence_share(now: &str, before: &str) -> u32 {
    let total = now.chars().count();
    if total == 0 || before.is_empty() {
        return 0;
    }
    let repeated: usize = sentences(now).iter().filter(|s| before.contains(**s)).map(|s| s.chars().count()).sum();
    (repeated * 100 / total) as u32
}

/// A section's sentences, each with whether it stands in the other text.
pub type Sentences = Vec<(String, bool)>;

/// Two years' text of a section side by side, sentence by sentence: this
/// year's sentences, each with whether it stands in last year's text, and
/// last year's, each with whether it stands in this year's.
pub fn by_sentence(now: &[Block], before: &[Block]) -> (Sentences, Sentences) {
    let (now, before) = (text(now), text(before));
    let mark = |a: &str, b: &str| sentences(a).into_iter().map(|s| (s.to_string(), b.contains(s))).collect();
    (mark(&now, &before), mark(&before, &now))
}

/// The most characters of each section the longest passage is looked for
/// in: the search takes time in the product of the two lengths.
const MAX_COMPARED: usize = 8_000;

/// The longest common substring, by characters (dynamic programming over
/// one row), within the first [`MAX_COMPARED`] characters of each.
fn longest_common(a: &str, b: &str) -> String {
    let (a, b): (Vec<char>, Vec<char>) =
        (a.chars().take(MAX_COMPARED).collect(), b.chars().take(MAX_COMPARED).collect());
    let mut row = vec![0usize; b.len() + 1];
    let (mut best, mut end) = (0, 0);
    for i in 1..=a.len() {
        let mut diagonal = 0;
        for j in 1..=b.len() {
            let above = row[j];
            row[j] = if a[i - 1] == b[j - 1] { diagonal + 1 } else { 0 };
            if row[j] > best {
                best = row[j];
                end = i;
            }
            diagonal = above;
        }
    }
    a[end - best..end].iter().collect()
}

/// Notes for the sections of `this` that repeat `last` at or above
/// `threshold` percent.
pub fn findings(this: &Report, last: &Report, threshold: u32) -> Vec<Finding> {
    let sections = [
        (&this.problems, &last.problems, form::SECTION_PROBLEMS, "/problems"),
        (&this.overview, &last.overview, form::SECTION_OVERVIEW, "/overview"),
    ];
    let mut out = Vec::new();
    for (now, before, heading, path) in sections {
        let (share, passage) = repeated(&text(now), &text(before));
        if share < threshold || share == 0 {
            continue;
        }
        let shown: String = passage.chars().take(60).collect();
        let more = if passage.chars().count() > 60 { "……" } else { "" };
        out.push(Finding {
            severity: Severity::Note,
            place: heading.to_string(),
            path: path.to_string(),
            message: format!(
                "与 {} 年报告的同一部分重复 {share}%（提示门槛 {threshold}%）；最长的重复段落 {} 字：“{shown}{more}”",
                last.year,
                passage.chars().count()
            ),
            blank: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_side_by_side() {
        let now = [Block::Paragraph("网站更新及时。新建了台账。".into())];
        let before = [Block::Paragraph("网站更新不够及时。网站更新及时。".into())];
        let (this, last) = by_sentence(&now, &before);
        assert_eq!(this, [("网站更新及时。".to_string(), true), ("新建了台账。".to_string(), false)]);
        assert_eq!(last, [("网站更新不够及时。".to_string(), false), ("网站更新及时。".to_string(), true)]);
    }

    #[test]
    fn shares_of_repeated_text() {
        let before = "一是网站更新不够及时。二是信息质量不高。三是信息公布存在滞后性。";
        assert_eq!(repeated("今年我们新建了平台。全年公开信息五百条。", before).0, 0);
        let half = "一是网站更新不够及时。二是信息质量不高。今年新开了专栏，内容丰富多彩。";
        let (share, passage) = repeated(half, before);
        assert!((40..=60).contains(&share), "{share}");
        assert_eq!(passage, "一是网站更新不够及时。二是信息质量不高。");
        assert_eq!(repeated(before, before), (100, before.to_string()));
    }
}
