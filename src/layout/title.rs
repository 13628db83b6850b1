//! Balanced title lines: GB/T 9704 wants a long title broken into lines of
//! similar length (梯形或菱形), not a full line and a stub.

/// Characters of 2号 (22 pt) type that fit the 156 mm text block.
const LINE_CHARS: f64 = 20.0;

/// Width of a character in em: ASCII (half-width digits) is half a CJK cell.
fn width(c: char) -> f64 {
    if c.is_ascii() {
        0.5
    } else {
        1.0
    }
}

/// Breaks `title` into the fewest lines that fit, as even as possible,
/// preferring breaks before the fixed tail 政府信息公开工作年度报告 or after
/// the year.
pub fn balance(title: &str) -> Vec<String> {
    let chars: Vec<char> = title.chars().collect();
    let total: f64 = chars.iter().copied().map(width).sum();
    if total <= LINE_CHARS {
        return vec![title.to_string()];
    }
    let lines = (total / LINE_CHARS).ceil() as usize;
    let target = total / lines as f64;
    let natural = natural_breaks(&chars);
    let mut out = Vec::new();
    let mut start = 0;
    for _ in 1..lines {
        // Candidates: every break that keeps this line within the measure.
        let mut best: Option<(f64, usize)> = None;
        let mut w = 0.0;
        for (end, &c) in chars.iter().enumerate().skip(start) {
            w += width(c);
            if w > LINE_CHARS {
                break;
            }
            let cut = end + 1;
            let penalty = (w - target).abs() - if natural.contains(&cut) { 2.5 } else { 0.0 };
            if best.is_none_or(|(p, _)| penalty < p) {
                best = Some((penalty, cut));
            }
        }
        let cut = best.map_or(chars.len(), |(_, cut)| cut);
        out.push(chars[start..cut].iter().collect());
        start = cut;
    }
    out.push(chars[start..].iter().collect());
    out.retain(|l: &String| !l.is_empty());
    out
}

/// Positions (in characters) where a title reads well broken.
fn natural_breaks(chars: &[char]) -> Vec<usize> {
    let text: String = chars.iter().collect();
    let mut out = Vec::new();
    for tail in ["政府信息公开工作年度报告", "政府信息公开"] {
        if let Some(i) = text.find(tail) {
            out.push(text[..i].chars().count());
        }
    }
    for (i, w) in chars.windows(2).enumerate() {
        if w[0].is_ascii_digit() && w[1] == '年' {
            let after = if chars.get(i + 2) == Some(&'度') { i + 3 } else { i + 2 };
            out.push(after);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::balance;

    #[test]
    fn short_titles_stay_on_one_line() {
        // 18 em: within the 20 em measure.
        assert_eq!(balance("某某局2023年政府信息公开工作年度报告"), vec!["某某局2023年政府信息公开工作年度报告"]);
        assert_eq!(balance("某局2023年政府信息公开工作年度报告"), vec!["某局2023年政府信息公开工作年度报告"]);
    }

    #[test]
    fn a_title_over_the_measure_takes_two_lines() {
        // 23 em: two lines, broken after the year.
        assert_eq!(
            balance("北关区乡村振兴局2023年政府信息公开工作年度报告"),
            vec!["北关区乡村振兴局2023年", "政府信息公开工作年度报告"]
        );
    }

    #[test]
    fn long_titles_break_at_natural_points() {
        assert_eq!(
            balance("平潭综合实验区2023年度政府信息公开工作年度报告"),
            vec!["平潭综合实验区2023年度", "政府信息公开工作年度报告"]
        );
        let lines = balance("上海市人民政府办公厅某某某某委员会某某某某管理局2019年政府信息公开工作年度报告");
        let widths: Vec<f64> = lines.iter().map(|l| l.chars().map(super::width).sum()).collect();
        assert_eq!(widths.len(), 2, "{lines:?}");
        assert!(widths.iter().all(|w| *w <= super::LINE_CHARS), "{lines:?}");
        assert!((widths[0] - widths[1]).abs() <= 2.0, "balanced: {lines:?}");
    }
}
