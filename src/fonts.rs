//! Fonts: the bundled Fandol faces, the official families a user may add
//! with `--font-path`, the font chain of each [`Face`], and the check that
//! no character of the report would come out as tofu.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::check::{Finding, Severity};
use crate::layout::{Document, Face};

/// The Fandol fonts, compiled into the binary so that an installed binary
/// needs nothing else. Each stands in for one official face.
static BUNDLED: &[(Face, &str, &[u8])] = &[
    (Face::Title, "FandolSong-Bold.otf", include_bytes!("../fonts/FandolSong-Bold.otf")),
    (Face::Hei, "FandolHei-Regular.otf", include_bytes!("../fonts/FandolHei-Regular.otf")),
    (Face::Kai, "FandolKai-Regular.otf", include_bytes!("../fonts/FandolKai-Regular.otf")),
    (Face::Fang, "FandolFang-Regular.otf", include_bytes!("../fonts/FandolFang-Regular.otf")),
    (Face::Song, "FandolSong-Regular.otf", include_bytes!("../fonts/FandolSong-Regular.otf")),
];

/// The wide-coverage fallback at the end of every face's chain: Noto Serif
/// CJK SC (宋/仿宋/楷/标题) and Noto Sans CJK SC (黑), subset to the
/// characters Fandol lacks (CJK Unified Ideographs and Extension A: the
/// Han of GB 18030) by `fonts/fallback/make.py`. Used character by
/// character, only where the earlier fonts have no glyph.
static FALLBACK_SERIF: &[u8] = include_bytes!("../fonts/fallback/NotoSerifCJKsc-Fallback.otf");
static FALLBACK_SANS: &[u8] = include_bytes!("../fonts/fallback/NotoSansCJKsc-Fallback.otf");

/// A bundled face's font file, as compiled in.
pub fn bundled_file(face: Face) -> &'static [u8] {
    BUNDLED.iter().find(|(f, ..)| *f == face).map_or(BUNDLED[0].2, |(_, _, bytes)| bytes)
}

/// The bundled font files a Typst export of `text` (its `layout.json`)
/// carries, by file name, so that the folder compiles anywhere: the five
/// Fandol faces, and the two fallbacks when a character of `text` is in
/// none of them.
pub fn export_files(text: &str) -> Vec<(&'static str, &'static [u8])> {
    static FANDOL: OnceLock<Vec<Font>> = OnceLock::new();
    let fandol = FANDOL.get_or_init(|| {
        BUNDLED.iter().map(|(_, _, data)| Font::new(Bytes::new(*data), 0).expect("bundled font parses")).collect()
    });
    let mut files: Vec<_> = BUNDLED.iter().map(|(_, name, data)| (*name, *data)).collect();
    let beyond = |c: char| !c.is_ascii() && !fandol.iter().any(|f| f.info().coverage.contains(c as u32));
    if text.chars().any(beyond) {
        files.push(("NotoSerifCJKsc-Fallback.otf", FALLBACK_SERIF));
        files.push(("NotoSansCJKsc-Fallback.otf", FALLBACK_SANS));
    }
    files
}

/// The fallback of a face: sans for 黑体, serif for the others.
fn fallback(face: Face) -> usize {
    usize::from(face == Face::Hei)
}

/// Whether Word and WPS show a character no bundled font has, by their own
/// fallback: the CJK extensions beyond A (SimSun-ExtB and its kin ship with
/// Windows). A DOCX is not refused for these; a PDF, which embeds what it
/// prints, is.
pub fn word_shows(c: char) -> bool {
    (0x20000..=0x2FA1F).contains(&(c as u32))
}

/// The official families of each face, most preferred first, under their
/// usual Chinese and English names.
pub fn official_names(face: Face) -> &'static [&'static str] {
    match face {
        Face::Title => &["方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05"],
        Face::Hei => &["黑体", "SimHei", "方正黑体_GBK", "FZHei-B01"],
        Face::Kai => &["楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "方正楷体_GBK", "FZKai-Z03"],
        Face::Fang => &["仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "方正仿宋_GBK", "FZFangSong-Z02"],
        Face::Song => &["宋体", "SimSun", "方正书宋_GBK", "FZShuSong-Z01"],
    }
}

/// The fonts (by index into `names`, each font's family names in lower
/// case) that carry an official family of `face`, most preferred first.
fn official_fonts(names: &[Vec<String>], face: Face) -> Vec<usize> {
    let mut chain = Vec::new();
    for official in official_names(face) {
        let wanted = official.to_lowercase();
        if let Some(k) = names.iter().position(|n| n.contains(&wanted)) {
            if !chain.contains(&k) {
                chain.push(k);
            }
        }
    }
    chain
}

/// One face's fonts, tried in order for every character.
#[derive(Clone, Debug)]
pub struct Chain {
    /// Family names as Typst knows them.
    pub families: Vec<String>,
    /// The weight to ask for (the bundled title stand-in is a bold 宋体).
    pub weight: u16,
    /// Index in [`Fonts::fonts`] of each family's font, in chain order.
    fonts: Vec<usize>,
    /// The bundled Fandol family that stands in for the official one.
    pub stand_in: String,
}

/// Every font a render may use, and the chain of each face.
pub struct Fonts {
    pub fonts: Vec<Font>,
    pub book: LazyHash<FontBook>,
    pub chains: BTreeMap<Face, Chain>,
}

/// Errors while reading a user's font directory.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("字体目录 {0} 不存在或不是目录")]
    NotADirectory(String),
}

impl Fonts {
    /// The bundled fonts only, parsed once per process and shared.
    pub fn bundled() -> Arc<Fonts> {
        static BUNDLED_FONTS: OnceLock<Arc<Fonts>> = OnceLock::new();
        BUNDLED_FONTS
            .get_or_init(|| Arc::new(Fonts::with_dirs(&[] as &[&Path]).expect("no directories to read")))
            .clone()
    }

    /// The bundled fonts plus every font in `dirs`; where the directories
    /// hold an official family, its face uses it first.
    pub fn with_dirs(dirs: &[impl AsRef<Path>]) -> Result<Fonts, FontError> {
        let mut db = fontdb::Database::new();
        for dir in dirs {
            let dir = dir.as_ref();
            if !dir.is_dir() {
                return Err(FontError::NotADirectory(dir.display().to_string()));
            }
            db.load_fonts_dir(dir);
        }
        // User fonts, each with every family name the font carries, sorted
        // by path so the order never depends on directory listing order.
        let mut faces: Vec<_> = db.faces().collect();
        faces.sort_by_key(|f| (format!("{:?}", f.source), f.index));
        let mut fonts = Vec::new();
        let mut names: Vec<Vec<String>> = Vec::new();
        for face in faces {
            let loaded = db.with_face_data(face.id, |data, index| Font::new(Bytes::new(data.to_vec()), index));
            if let Some(Some(font)) = loaded {
                names.push(face.families.iter().map(|(n, _)| n.to_lowercase()).collect());
                fonts.push(font);
            }
        }
        let user = fonts.len();
        for (_, _, data) in BUNDLED {
            fonts.push(Font::new(Bytes::new(*data), 0).expect("bundled font parses"));
        }
        let wide = fonts.len();
        for data in [FALLBACK_SERIF, FALLBACK_SANS] {
            fonts.push(Font::new(Bytes::new(data), 0).expect("bundled fallback parses"));
        }

        let mut chains = BTreeMap::new();
        for (i, (face, ..)) in BUNDLED.iter().enumerate() {
            let mut chain = official_fonts(&names, *face);
            chain.push(user + i);
            chain.push(wide + fallback(*face));
            let families = chain.iter().map(|&k| fonts[k].info().family.clone()).collect();
            let weight = fonts[user + i].info().variant.weight.to_number();
            let stand_in = fonts[user + i].info().family.clone();
            chains.insert(*face, Chain { families, weight, fonts: chain, stand_in });
        }
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Ok(Fonts { fonts, book, chains })
    }

    /// The chain of a face.
    pub fn chain(&self, face: Face) -> &Chain {
        &self.chains[&face]
    }

    /// Checks every character a user wrote against the chain of the face it
    /// will be set in: a character no font has is a refusal, one that only a
    /// later font of the chain has is a note. Each finding comes with its
    /// character.
    pub fn coverage(&self, doc: &Document) -> Vec<(Finding, char)> {
        let mut out: Vec<(Finding, char)> = Vec::new();
        // Which font of its face's chain has a character, looked up once per
        // face and character: a report repeats the same few hundred
        // characters across a thousand runs, and each lookup walks the
        // fonts' coverage tables (5 % of a batch's time before).
        let mut found: HashMap<(Face, char), Option<usize>> = HashMap::new();
        for run in doc.runs() {
            let Some(source) = &run.source else { continue };
            let chain = self.chain(run.face);
            // Each character once per run: a paragraph may be 20,000 long.
            let mut seen = std::collections::HashSet::new();
            for c in run.text.chars().filter(|c| !c.is_whitespace()) {
                if !seen.insert(c) {
                    continue;
                }
                let has = |k: &usize| self.fonts[*k].info().coverage.contains(c as u32);
                let first = *found.entry((run.face, c)).or_insert_with(|| chain.fonts.iter().position(has));
                let (severity, message) = match first {
                    Some(0) => continue,
                    Some(k) => (
                        Severity::Note,
                        format!(
                            "字符“{c}”（U+{:04X}）{}没有，改用 {}",
                            c as u32,
                            chain.families[..k].join("、"),
                            chain.families[k]
                        ),
                    ),
                    None => (
                        Severity::Refusal,
                        format!(
                            "字符“{c}”（U+{:04X}）没有任何可用字体能显示，会印成方块（已试 {}）；可用 --font-path 提供含此字的字体",
                            c as u32,
                            chain.families.join("、")
                        ),
                    ),
                };
                out.push((
                    Finding {
                        severity,
                        place: run.face.name().to_string(),
                        path: source.clone(),
                        message,
                        blank: false,
                    },
                    c,
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(fonts: &[&[&str]]) -> Vec<Vec<String>> {
        fonts.iter().map(|f| f.iter().map(|n| n.to_lowercase()).collect()).collect()
    }

    #[test]
    fn official_families_are_found_by_chinese_or_english_name() {
        let user =
            names(&[&["SimHei", "黑体"], &["FangSong", "仿宋"], &["FangSong_GB2312"], &["KaiTi"], &["DejaVu Sans"]]);
        assert_eq!(official_fonts(&user, Face::Hei), vec![0]);
        assert_eq!(official_fonts(&user, Face::Fang), vec![2, 1], "仿宋_GB2312 before 仿宋");
        assert_eq!(official_fonts(&user, Face::Kai), vec![3]);
        assert!(official_fonts(&user, Face::Title).is_empty());
        assert!(official_fonts(&user, Face::Song).is_empty());
    }

    #[test]
    fn bundled_chains_are_fandol_then_the_wide_fallback() {
        let fonts = Fonts::bundled();
        for face in Face::ALL {
            let chain = fonts.chain(face);
            assert_eq!(chain.families.len(), 2);
            assert!(chain.families[0].starts_with("Fandol"), "{:?}", chain.families);
            assert_eq!(chain.stand_in, chain.families[0]);
            let wide = if face == Face::Hei { "Noto Sans CJK SC" } else { "Noto Serif CJK SC" };
            assert_eq!(chain.families[1], wide, "{face:?}");
        }
        assert_eq!(fonts.chain(Face::Title).weight, 700);
        assert_eq!(fonts.chain(Face::Fang).weight, 400);
    }

    #[test]
    fn a_font_directory_adds_its_fonts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let fonts = Fonts::with_dirs(&[dir]).unwrap();
        // fonts/ holds the five Fandol faces and, below it, the two fallbacks.
        assert_eq!(fonts.fonts.len(), 2 * (BUNDLED.len() + 2));
        assert!(Fonts::with_dirs(&[std::path::Path::new("/no/such/dir")]).is_err());
    }
}

#[cfg(test)]
mod coverage_tests {
    use super::*;
    use crate::check::Severity;

    #[test]
    fn a_character_only_a_later_font_has_is_a_note() {
        let mut fonts = Fonts::with_dirs(&[] as &[&Path]).unwrap();
        // Two bundled faces and a character the second has and the first lacks.
        let n = fonts.fonts.len();
        let has = |k: usize, c: char| fonts.fonts[k].info().coverage.contains(c as u32);
        let (first, second, c) = (0..n)
            .flat_map(|a| (0..n).map(move |b| (a, b)))
            .find_map(|(a, b)| ('\u{3000}'..='\u{FFEF}').find(|&c| has(b, c) && !has(a, c)).map(|c| (a, b, c)))
            .expect("the Fandol faces cover different sets");
        let families = [first, second].map(|k| fonts.fonts[k].info().family.clone()).to_vec();
        let stand_in = families[0].clone();
        fonts.chains.insert(Face::Fang, Chain { families, weight: 400, fonts: vec![first, second], stand_in });
        let mut report = crate::model::parse_str(include_str!("../fixtures/beiguan-2023.json")).unwrap();
        report.other_matters = vec![crate::model::Block::Paragraph(format!("本年度{c}。"))];
        let found = fonts.coverage(&crate::layout::build(&report));
        let notes: Vec<_> =
            found.iter().map(|(f, _)| f).filter(|f| f.message.contains(&format!("U+{:04X}", c as u32))).collect();
        assert_eq!(notes.len(), 1, "{found:?}");
        assert_eq!(notes[0].severity, Severity::Note);
        assert_eq!(notes[0].path, "/other_matters/0");
        assert!(notes[0].message.contains(&fonts.fonts[second].info().family));
    }
}
