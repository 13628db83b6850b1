//! The Typst `World` of a report: the embedded template, the layout data
//! and the fonts. Nothing else exists for it — no file system, no network,
//! no packages, no clock — so nothing a user writes can reach outside.

use std::sync::LazyLock;

use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::fonts::Fonts;
use crate::layout::{Document, Face};

/// The template, compiled into the binary.
pub(super) const TEMPLATE: &str = include_str!("../../typst-templates/report.typ");
/// Where the template finds the layout data.
const DATA_PATH: &str = "/layout.json";
const MAIN_PATH: &str = "/report.typ";

/// The standard library, built once per process.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("valid virtual path")).intern()
}

/// What the template reads: the document and, per face, its font chain.
#[derive(Serialize)]
pub(super) struct Data<'a> {
    doc: &'a Document,
    fonts: std::collections::BTreeMap<Face, FaceFonts<'a>>,
}

#[derive(Serialize)]
struct FaceFonts<'a> {
    families: &'a [String],
    weight: u16,
}

pub(super) struct ReportWorld<'a> {
    fonts: &'a Fonts,
    main: Source,
    data: Bytes,
}

impl<'a> Data<'a> {
    pub fn new(doc: &'a Document, fonts: &'a Fonts) -> Self {
        Data {
            doc,
            fonts: fonts
                .chains
                .iter()
                .map(|(face, chain)| (*face, FaceFonts { families: &chain.families, weight: chain.weight }))
                .collect(),
        }
    }
}

impl<'a> ReportWorld<'a> {
    pub fn new(doc: &'a Document, fonts: &'a Fonts) -> Self {
        let json = serde_json::to_vec(&Data::new(doc, fonts)).expect("layout serializes");
        ReportWorld { fonts, main: Source::new(file_id(MAIN_PATH), TEMPLATE.to_string()), data: Bytes::new(json) }
    }
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == file_id(DATA_PATH) {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::syntax::package::PackageSpec;

    #[test]
    fn the_world_serves_only_the_template_and_the_data() {
        let report = crate::model::parse_str(include_str!("../../fixtures/beiguan-2023.json")).unwrap();
        let doc = crate::layout::build(&report);
        let fonts = Fonts::bundled();
        let world = ReportWorld::new(&doc, &fonts);
        assert!(world.file(file_id(DATA_PATH)).is_ok());
        assert_eq!(world.source(world.main()).unwrap().text(), TEMPLATE);
        for path in ["/etc/passwd", "/report.typ/../etc/passwd", "/fonts/FandolFang-Regular.otf", "/layout.json.bak"] {
            let Ok(path) = VirtualPath::new(path) else { continue };
            let id = RootedPath::new(VirtualRoot::Project, path).intern();
            if id == world.main() || id == file_id(DATA_PATH) {
                continue;
            }
            assert!(world.file(id).is_err(), "{id:?}");
            assert!(world.source(id).is_err(), "{id:?}");
        }
        let package: PackageSpec = "@preview/x:0.1.0".parse().unwrap();
        let id = RootedPath::new(VirtualRoot::Package(package), VirtualPath::new("/lib.typ").unwrap()).intern();
        assert!(world.source(id).is_err() && world.file(id).is_err());
        assert!(world.today(None).is_none(), "no clock");
    }
}
