//! Every character prints: district names beyond GB2312 in the PDF and the
//! DOCX (and LibreOffice's PDF of it), every CJK Unified Ideograph in each
//! face, Fandol's glyph wherever Fandol has one.

use std::path::{Path, PathBuf};

use crate::common::*;
use nianbao::fonts::Fonts;
use nianbao::layout::Face;

const DISTRICTS: [(&str, char); 3] =
    [("武汉市硚口区人民政府", '硚'), ("宿州市埇桥区人民政府", '埇'), ("信阳市浉河区人民政府", '浉')];

fn district_report(dir: &Path, agency: &str) -> PathBuf {
    variant(dir, &format!("{agency}.json"), "beiguan-2023.json", |d| {
        d["agency"] = serde_json::json!(agency);
        d["overview"][0] = serde_json::json!(format!("{agency}本年度依法公开政府信息。"));
        d["signature"] = serde_json::json!({"agency": agency, "date": "2024年1月20日"});
    })
}

#[test]
fn district_names_beyond_gb2312_print_in_pdf_and_docx() {
    let dir = scratch("districts");
    for (agency, c) in DISTRICTS {
        let input = district_report(&dir, agency);
        let out = run(bin().arg("render").arg(&input).args(["--format", "pdf", "--format", "docx"]));
        assert!(out.status.success(), "{agency}: {}", stderr(&out));
        // A note, never advice to change the name.
        assert!(!stderr(&out).contains("改用常用字"), "{}", stderr(&out));
        let pdf = input.with_extension("pdf");
        let fonts = pdffonts(&pdf);
        assert!(fonts.contains("NotoSerifCJKsc") && fonts.contains("FandolSong-Bold"), "{fonts}");
        let text: String = pdftotext(&pdf).split_whitespace().collect();
        assert!(text.contains(agency), "{agency} in the title, the body and the sign-off");
        assert_eq!(text.matches(c).count(), 3, "{c}: title, overview, signature");
        // LibreOffice, with the bundled fonts on its path, prints the DOCX
        // with the character too.
        let lo = scratch(&format!("districts-lo-{c}"));
        let from_docx = libreoffice(&input.with_extension("docx"), "pdf", &lo);
        assert!(pdftotext(&from_docx).contains(c), "{c} in LibreOffice's PDF of the DOCX");
    }
}

/// Fandol's glyph wherever Fandol has it: a report of GB2312 text embeds no
/// fallback at all, and the fallback is used character by character.
#[test]
fn the_fallback_is_used_only_for_what_fandol_lacks() {
    let dir = scratch("fallback-only-where-needed");
    let pdf = dir.join("beiguan.pdf");
    render(&fixture("beiguan-2023.json"), &pdf, &[]);
    assert!(!pdffonts(&pdf).contains("Noto"), "{}", pdffonts(&pdf));
    // In a run mixing both, each character comes from its own font: the
    // words around 硚 stay Fandol (the text reads back whole, in order).
    let input = district_report(&dir, DISTRICTS[0].0);
    let pdf = dir.join("district.pdf");
    render(&input, &pdf, &[]);
    let text: String = pdftotext(&pdf).split_whitespace().collect();
    assert!(text.contains("武汉市硚口区人民政府本年度依法公开政府信息。"), "{text}");
    let fonts = pdffonts(&pdf);
    assert!(fonts.contains("FandolFang") && fonts.contains("NotoSerifCJKsc"), "{fonts}");
    // Its Typst export carries the fallback too (beiguan's does not:
    // tests/suite/cli.rs), so that it compiles where no font is installed.
    let export = dir.join("district.typst");
    let out = run(bin().arg("render").arg(&input).args(["--format", "typst", "-o"]).arg(&export));
    assert!(out.status.success(), "{}", stderr(&out));
    for font in ["NotoSerifCJKsc-Fallback.otf", "NotoSansCJKsc-Fallback.otf", "FandolFang-Regular.otf"] {
        assert!(export.join(font).is_file(), "{font}");
    }
}

/// A document holding every character of CJK Unified Ideographs
/// (U+4E00–U+9FFF) and of Extension A renders in each face: a character
/// no font has is listed, and must be one the README lists as left.
#[test]
fn every_cjk_unified_ideograph_renders_in_each_face() {
    let fonts = Fonts::bundled();
    let covered = |c: char, face: Face| {
        fonts.chain(face).families.iter().any(|family| {
            fonts.fonts.iter().any(|f| f.info().family == *family && f.info().coverage.contains(c as u32))
        })
    };
    for face in Face::ALL {
        let missing: Vec<char> = ('\u{4E00}'..='\u{9FFF}').filter(|&c| !covered(c, face)).collect();
        // Unicode 11–14 added U+9FEB–U+9FFF after the Noto CJK release
        // bundled (README lists them); everything before them is covered.
        assert!(missing.iter().all(|&c| c >= '\u{9FEB}'), "{face:?}: {missing:?}");
        // Extension A: all but U+4DB6–U+4DBF (Unicode 13).
        let ext_a: Vec<char> = ('\u{3400}'..='\u{4DBF}').filter(|&c| !covered(c, face)).collect();
        assert!(ext_a.iter().all(|&c| c >= '\u{4DB6}'), "{face:?}: {ext_a:?}");
    }
    // And through the real pipeline: a report with all of them, in the
    // body, the tables' face, the headings' faces and the title.
    let dir = scratch("all-ideographs");
    let text: String = ('\u{4E00}'..'\u{9FEB}').collect();
    let chunks: Vec<String> = text.chars().collect::<Vec<_>>().chunks(4000).map(|c| c.iter().collect()).collect();
    let input = variant(&dir, "all.json", "beiguan-2023.json", |d| {
        d["title"] = serde_json::json!(chunks[0].chars().take(40).collect::<String>());
        d["overview"] = serde_json::json!(chunks);
        d["problems"] = serde_json::json!([{"heading": format!("（一）{}", &chunks[1][..60])}, "。"]);
        d["other_matters"] = serde_json::json!([{"lead": format!("（一）{}。", &chunks[2][..60]), "text": "。"}]);
    });
    let pdf = dir.join("all.pdf");
    let out = run(bin().arg("render").arg(&input).arg("-o").arg(&pdf));
    assert!(out.status.success(), "{}", stderr(&out));
    let printed: String = pdftotext(&pdf).split_whitespace().collect();
    let missing: Vec<char> = text.chars().filter(|c| !printed.contains(*c)).collect();
    assert!(
        missing.is_empty(),
        "{} characters did not come back: {:?}",
        missing.len(),
        &missing[..missing.len().min(20)]
    );
}

/// Beyond Extension A, a PDF is refused (no bundled font has the
/// character; it would print as a box) but a DOCX is written: Word and
/// WPS show Extension B from their own fallback.
#[test]
fn extension_b_refuses_the_pdf_not_the_docx() {
    let dir = scratch("ext-b");
    let input = variant(&dir, "r.json", "beiguan-2023.json", |d| d["agency"] = serde_json::json!("𠀀城区人民政府"));
    let out = run(bin().arg("render").arg(&input).arg("-o").arg(dir.join("r.pdf")));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("U+20000"));
    let out = run(bin().arg("render").arg(&input).arg("-o").arg(dir.join("r.docx")));
    assert!(out.status.success(), "{}", stderr(&out));
    let document = unzip(&std::fs::read(dir.join("r.docx")).unwrap())
        .into_iter()
        .find(|(n, _)| n == "word/document.xml")
        .unwrap()
        .1;
    assert!(String::from_utf8(document).unwrap().contains("𠀀城区人民政府"));
}
