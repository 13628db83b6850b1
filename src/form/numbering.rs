//! The numbering of the official format: sections 一、…六、, parts （一）,
//! items 1. or 1、, sub-items （1）. Layout sets a heading by its numbering;
//! import tells headings, run-in leads and sections apart by it.

/// A numbering prefix below the section level, by rank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbering {
    /// （一）
    Part,
    /// 1. or 1、
    Item,
    /// （1）
    SubItem,
}

impl Numbering {
    /// The heading depth it gives: sections are 1.
    pub fn depth(self) -> u8 {
        match self {
            Numbering::Part => 2,
            Numbering::Item => 3,
            Numbering::SubItem => 4,
        }
    }
}

/// A Chinese numeral as used in numbering (一 … 十, 百, 零).
pub fn is_cjk_numeral(c: char) -> bool {
    "一二三四五六七八九十百零〇".contains(c)
}

/// The numbering a text opens with: `（一）`, `1.`/`1、`/`１．`, `（1）`
/// (brackets full- or half-width); `None` for anything else.
pub fn numbering_of(text: &str) -> Option<Numbering> {
    let text = text.trim_start();
    let inner = ["（", "("].iter().find_map(|open| text.strip_prefix(open)).and_then(|rest| {
        let end = rest.find(['）', ')'])?;
        Some(&rest[..end])
    });
    if let Some(inner) = inner.filter(|i| !i.is_empty()) {
        if inner.chars().all(|c| c.is_ascii_digit() || c.is_numeric() && !is_cjk_numeral(c)) {
            return Some(Numbering::SubItem);
        }
        if inner.chars().all(is_cjk_numeral) {
            return Some(Numbering::Part);
        }
    }
    let digits = text.chars().take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).count();
    (digits > 0 && text.chars().nth(digits).is_some_and(|c| matches!(c, '.' | '、' | '．'))).then_some(Numbering::Item)
}

/// Whether a text opens like a part, `（一` or `(一`, closed or not.
pub fn opens_like_part(text: &str) -> bool {
    text.starts_with(['（', '(']) && text.chars().nth(1).is_some_and(is_cjk_numeral)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_give_their_numbering() {
        assert_eq!(numbering_of("（一）主动公开方面。"), Some(Numbering::Part));
        assert_eq!(numbering_of("(十二)其他"), Some(Numbering::Part));
        assert_eq!(numbering_of("1.组织学习"), Some(Numbering::Item));
        assert_eq!(numbering_of("12、组织学习"), Some(Numbering::Item));
        assert_eq!(numbering_of("１．全角"), Some(Numbering::Item));
        assert_eq!(numbering_of("（1）细项"), Some(Numbering::SubItem));
        assert_eq!(numbering_of("(３)细项"), Some(Numbering::SubItem));
        assert_eq!(numbering_of("主要问题"), None);
        assert_eq!(numbering_of("（一是）"), None);
        assert!(opens_like_part("（一是）"));
    }
}
