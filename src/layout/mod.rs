//! The layout stage: one document model that every backend renders.
//!
//! A [`Document`] is what the page shows, in order: the title, headings with
//! their level, paragraphs as runs of text each set in one [`Face`], tables
//! as merged cells on a grid, and the signature. Backends decide how a face
//! or a span looks in their format; they never look at the report again.

mod build;
mod grid;
mod tables;
mod title;

pub use build::build;
pub use grid::{Cell, CellRole, Slot, Table, TableError};

use serde::Serialize;

/// The typeface roles of an official document (FORMAT.md, "Page").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Face {
    /// 小标宋: the title.
    Title,
    /// 黑体: 一、 headings.
    Hei,
    /// 楷体: （一） headings and leads, the note cells of tables.
    Kai,
    /// 仿宋: body text, 1. and （1） headings, the signature.
    Fang,
    /// 宋体: tables and page numbers.
    Song,
}

impl Face {
    pub const ALL: [Face; 5] = [Face::Title, Face::Hei, Face::Kai, Face::Fang, Face::Song];

    /// The role's name in Chinese typesetting terms, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Face::Title => "小标宋（标题）",
            Face::Hei => "黑体（一级标题）",
            Face::Kai => "楷体",
            Face::Fang => "仿宋（正文）",
            Face::Song => "宋体（表格）",
        }
    }
}

/// A piece of text set in one face.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Run {
    pub text: String,
    pub face: Face,
    /// The JSON pointer the text came from, when a user wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Run {
    pub fn new(text: impl Into<String>, face: Face) -> Run {
        Run { text: text.into(), face, source: None }
    }

    pub fn user(text: impl Into<String>, face: Face, source: impl Into<String>) -> Run {
        Run { text: text.into(), face, source: Some(source.into()) }
    }
}

/// Heading levels by numbering prefix: 一、 → 1, （一） → 2, 1. → 3, （1） → 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub struct Level(pub u8);

impl Level {
    pub const SECTION: Level = Level(1);
    pub const SUB: Level = Level(2);
    pub const ITEM: Level = Level(3);
    pub const SUB_ITEM: Level = Level(4);

    /// The face a heading of this level is set in.
    pub fn face(self) -> Face {
        match self.0 {
            1 => Face::Hei,
            2 => Face::Kai,
            _ => Face::Fang,
        }
    }
}

/// One block of the page, in reading order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Element {
    /// The title, already broken into balanced lines.
    Title {
        lines: Vec<Run>,
    },
    /// A heading on its own line.
    Heading {
        level: Level,
        runs: Vec<Run>,
    },
    /// A body paragraph; a run-in lead is its first run, in its own face.
    Paragraph {
        runs: Vec<Run>,
    },
    Table(Table),
    /// The closing signature, right-aligned, one run per line.
    Signature {
        lines: Vec<Run>,
    },
}

/// Document metadata, taken from the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Meta {
    pub title: String,
    pub author: String,
    /// BCP 47 language of the text.
    pub lang: &'static str,
    pub region: &'static str,
    /// The document date `[year, month, day]`: 1 January after the report
    /// year, when reports are published. Never the wall clock, so the same
    /// report gives the same bytes; PDF/A requires a date.
    pub date: [i64; 3],
}

/// The whole document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Document {
    pub meta: Meta,
    pub blocks: Vec<Element>,
}

impl Document {
    /// Every run of the document with the block it belongs to, in order:
    /// what a font check or a text search walks.
    pub fn runs(&self) -> impl Iterator<Item = &Run> {
        self.blocks.iter().flat_map(|b| -> Box<dyn Iterator<Item = &Run>> {
            match b {
                Element::Title { lines } | Element::Signature { lines } => Box::new(lines.iter()),
                Element::Heading { runs, .. } | Element::Paragraph { runs } => Box::new(runs.iter()),
                Element::Table(t) => Box::new(t.cells.iter().flat_map(|c| c.runs.iter())),
            }
        })
    }

    /// The tables, in order (A, B, C).
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Element::Table(t) => Some(t),
            _ => None,
        })
    }
}

/// Whether a cell of this role prints a label (header, row label, note)
/// rather than a value.
pub fn grid_role_is_label(role: grid::CellRole) -> bool {
    role != grid::CellRole::Number
}
