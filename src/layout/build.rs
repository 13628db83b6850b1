//! Report → document: the order of the official form, the faces of each
//! kind of text, and where each piece of user text came from.

use super::tables::{applications, proactive, review_litigation};
use super::{title, Document, Element, Face, Level, Meta, Run};
use crate::form;
use crate::form::numbering::numbering_of;
use crate::model::{self, Report, Signature};

/// Lays out a validated report.
pub fn build(report: &Report) -> Document {
    let title_text = report.title();
    let title_source = if report.title.is_some() { "/title" } else { "/agency" };
    let mut blocks = vec![Element::Title {
        lines: title::balance(&title_text).into_iter().map(|line| Run::user(line, Face::Title, title_source)).collect(),
    }];
    prose(&mut blocks, &report.preamble, "/preamble");
    section(&mut blocks, form::SECTION_OVERVIEW);
    prose(&mut blocks, &report.overview, "/overview");
    let tables = [
        proactive(&report.proactive),
        applications(&report.applications),
        review_litigation(&report.review_litigation),
    ];
    for (((key, heading), table), around) in form::TABLE_SECTIONS.iter().zip(tables).zip(&report.table_prose.sections) {
        section(&mut blocks, heading);
        prose(&mut blocks, &around.before, &format!("/table_prose/{key}/before"));
        blocks.push(Element::Table(table));
        prose(&mut blocks, &around.after, &format!("/table_prose/{key}/after"));
    }
    section(&mut blocks, form::SECTION_PROBLEMS);
    prose(&mut blocks, &report.problems, "/problems");
    section(&mut blocks, form::SECTION_OTHER);
    prose(&mut blocks, &report.other_matters, "/other_matters");
    if let Some(Signature { agency, date }) = &report.signature {
        blocks.push(Element::Signature {
            lines: vec![
                Run::user(agency, Face::Fang, "/signature/agency"),
                Run::user(date, Face::Fang, "/signature/date"),
            ],
        });
    }
    let meta = Meta {
        title: title_text,
        author: report.agency.clone(),
        lang: "zh",
        region: "CN",
        date: [report.year + 1, 1, 1],
    };
    Document { meta, blocks }
}

fn section(blocks: &mut Vec<Element>, heading: &str) {
    blocks.push(Element::Heading { level: Level::SECTION, runs: vec![Run::new(heading, Face::Hei)] });
}

fn prose(blocks: &mut Vec<Element>, prose: &[model::Block], path: &str) {
    for (i, block) in prose.iter().enumerate() {
        let at = format!("{path}/{i}");
        blocks.push(match block {
            model::Block::Paragraph(text) => Element::Paragraph { runs: vec![Run::user(text, Face::Fang, at)] },
            model::Block::Heading(text) => {
                let level = level_of(text);
                Element::Heading { level, runs: vec![Run::user(text, level.face(), at)] }
            }
            model::Block::Lead { lead, text } => Element::Paragraph {
                runs: vec![
                    Run::user(lead, level_of(lead).face(), format!("{at}/lead")),
                    Run::user(text, Face::Fang, format!("{at}/text")),
                ],
            },
        });
    }
}

/// The level a sub-heading's numbering prefix gives it: （一） → 2,
/// 1. / 1、 → 3, （1） → 4. Unnumbered sub-headings are treated as （一）.
fn level_of(text: &str) -> Level {
    numbering_of(text).map_or(Level::SUB, |n| Level(n.depth()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_numbering_prefixes() {
        assert_eq!(level_of("（一）主动公开方面。"), Level::SUB);
        assert_eq!(level_of("1.组织学习"), Level::ITEM);
        assert_eq!(level_of("（1）细项"), Level::SUB_ITEM);
        assert_eq!(level_of("主要问题"), Level::SUB);
    }
}
