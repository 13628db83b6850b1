//! The command line's contract: outputs named by a format it writes, exit
//! codes for whose fault it was, standard output that a closed pipe does
//! not crash, and the Typst export compiled by typst-py to the same pages
//! (and, by the PDF writer built from `vendor/`, the same bytes).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::*;

const FIXTURES: [&str; 3] = ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"];

#[test]
fn an_output_extension_that_names_no_format_is_refused() {
    let dir = scratch("cli-extension");
    let out = run(bin().arg("render").arg(fixture("beiguan-2023.json")).arg("-o").arg(dir.join("report.xlsx")));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for ext in [".pdf", ".docx", ".typst"] {
        assert!(err.contains(ext), "the message lists {ext}: {err}");
    }
    let out = run(bin()
        .arg("render")
        .arg(fixture("beiguan-2023.json"))
        .args(["--format", "docx", "-o"])
        .arg(dir.join("report.pdf")));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("不符"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing written");
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    for args in [&["schema"][..], &["import", "-o", "-"][..]] {
        let mut cmd = bin();
        cmd.args(args);
        if args[0] == "import" {
            cmd.arg(fixture("published/pingtan_2023.txt"));
        }
        // A pipe whose reader has already hung up, as `| head -c 0` leaves
        // it: the first write fails with EPIPE, whatever the output's size.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = cmd.stdout(writer).stderr(Stdio::piped()).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}

#[test]
fn a_pdf_imports_with_no_other_program() {
    // The PDF is read in process: with nothing on the PATH (no poppler),
    // it imports to the report it was rendered from.
    let dir = scratch("cli-no-pdftotext");
    let pdf = dir.join("report.pdf");
    render(&fixture("beiguan-2023.json"), &pdf, &[]);
    let out = run(bin().arg("import").arg(&pdf).env("PATH", dir.join("empty")));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let back = nianbao::model::parse_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(printed(&back), printed(&nianbao::model::parse_str(&fixture_text("beiguan-2023.json")).unwrap()));
}

#[test]
fn an_import_never_writes_what_render_would_refuse() {
    let dir = scratch("cli-import-validated");
    let text = fixture_text("published/pingtan_2023.txt").replacen("。", "。\u{200E}", 1);
    let input = dir.join("pasted.txt");
    std::fs::write(&input, text).unwrap();
    let out = run(bin().arg("import").arg(&input));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("U+200E"), "names the character: {err}");
    assert!(!dir.join("pasted.json").exists(), "nothing written");
}

#[test]
fn a_byte_order_mark_keeps_every_finding_located() {
    let dir = scratch("cli-bom");
    let text = fixture_text("beiguan-2023.json").replacen("\"commercial\": 0", "\"commercial\": 5", 1);
    let plain = dir.join("plain.json");
    let bom = dir.join("bom.json");
    std::fs::write(&plain, &text).unwrap();
    std::fs::write(&bom, format!("\u{FEFF}{text}")).unwrap();
    let findings = |path: &Path| {
        let out = run(bin().arg("check").arg(path));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stderr(&out)
            .lines()
            .filter(|l| l.contains("/applications/"))
            .map(|l| l.split_once('：').unwrap().1.to_string())
            .collect::<Vec<_>>()
    };
    let (plain, bom) = (findings(&plain), findings(&bom));
    assert!(!plain.is_empty() && plain.iter().all(|f| f.starts_with("第 ")), "{plain:?}");
    assert_eq!(plain, bom, "the same lines and columns with a BOM");
}

/// Compiles a `--format typst` export with typst-py (PyPI `typst`, the same
/// engine), with no fonts but the folder's own.
fn typst_py(dir: &Path, pdf: &Path) {
    let fonts = dir;
    let script = "import sys, typst\n\
                  typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], font_paths=[sys.argv[4]], ignore_system_fonts=True)";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir.join("main.typ"))
        .arg(pdf)
        .arg(dir)
        .arg(fonts)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "typst-py (pip install typst) failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn pages(pdf: &Path) -> String {
    pdfinfo(pdf).lines().find(|l| l.starts_with("Pages:")).unwrap().to_string()
}

#[test]
fn the_typst_export_compiles_to_the_same_pages() {
    let dir = scratch("cli-typst");
    for name in FIXTURES {
        let ours = dir.join(name).with_extension("pdf");
        render(&fixture(name), &ours, &[]);
        let export = dir.join(name).with_extension("typst");
        let out = run(bin().arg("render").arg(fixture(name)).args(["--format", "typst", "-o"]).arg(&export));
        assert!(out.status.success(), "{}", stderr(&out));
        let mut files: Vec<_> = std::fs::read_dir(&export).unwrap().map(|e| e.unwrap().file_name()).collect();
        files.sort();
        let fandol =
            ["FandolFang-Regular.otf", "FandolHei-Regular.otf", "FandolKai-Regular.otf", "FandolSong-Bold.otf"];
        let mut expected = fandol.to_vec();
        expected.extend(["FandolSong-Regular.otf", "README.txt", "layout.json", "main.typ"]);
        assert_eq!(files, expected, "{name}: the fonts it is set in, no fallback where Fandol has every character");
        let theirs = dir.join(name).with_extension("typst-py.pdf");
        typst_py(&export, &theirs);
        assert_eq!(pages(&ours), pages(&theirs), "{name}");
        assert_eq!(pdftotext(&ours), pdftotext(&theirs), "{name}");
    }
    // Written again over itself: the folder is replaced whole; but not
    // over a file nianbao did not write (tests/suite/files.rs has more).
    let export = dir.join("beiguan-2023.typst");
    let again =
        || run(bin().arg("render").arg(fixture("beiguan-2023.json")).args(["--format", "typst", "-o"]).arg(&export));
    assert!(again().status.success());
    std::fs::write(export.join("notes.txt"), "the agency's").unwrap();
    assert_eq!(again().status.code(), Some(2));
    assert!(export.join("notes.txt").exists() && export.join("main.typ").exists());
    // A folder cannot go to standard output.
    let out = run(bin().arg("render").arg(fixture("beiguan-2023.json")).args(["--format", "typst", "-o", "-"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// nianbao builds Typst's PDF writer from `vendor/` (krilla and subsetter
/// keeping each glyph's box and charstring from one document to the next).
/// It must still write what Typst itself writes: every PDF of a batch, the
/// later ones built from what the earlier ones left behind, is the same
/// bytes as typst-py's PDF of the same export, up to the document
/// information (where the Creator differs).
#[test]
fn a_batch_writes_the_bytes_typst_itself_writes() {
    let dir = scratch("cli-batch-bytes");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus/json");
    let mut names = Vec::new();
    for path in
        FIXTURES.iter().map(|n| fixture(n)).chain(std::fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()))
    {
        let name = path.file_name().unwrap().to_owned();
        std::fs::copy(&path, input.join(&name)).unwrap();
        names.push(name);
    }
    assert!(names.len() >= 10, "{names:?}");
    let out = dir.join("out");
    let status = run(bin().arg("batch").arg(&input).arg("-o").arg(&out).args([
        "--format",
        "pdf",
        "--format",
        "typst",
        "--jobs",
        "2",
        "--allow-inconsistent",
        "--quiet",
    ]));
    assert!(status.status.success(), "{}", stderr(&status));
    for name in &names {
        let ours = std::fs::read(out.join(name).with_extension("pdf")).unwrap();
        let theirs_path = dir.join(name).with_extension("typst-py.pdf");
        typst_py(&out.join(name).with_extension("typst"), &theirs_path);
        let theirs = std::fs::read(&theirs_path).unwrap();
        let info =
            |pdf: &[u8]| pdf.windows(9).position(|w| w == b"/Creator(").expect("a document information dictionary");
        let (a, b) = (info(&ours), info(&theirs));
        let first_difference = ours.iter().zip(&theirs).position(|(x, y)| x != y);
        assert!(
            a == b && ours[..a] == theirs[..b],
            "{name:?}: first difference at byte {first_difference:?}, information at {a}"
        );
        assert!(
            a > ours.len() * 9 / 10,
            "{name:?}: the pages and fonts come before the information ({a} of {})",
            ours.len()
        );
    }
}

#[test]
fn a_batch_exports_typst_folders_beside_the_pdfs() {
    let dir = scratch("cli-batch-typst");
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("a")).unwrap();
    std::fs::copy(fixture("beiguan-2023.json"), input.join("a/beiguan.json")).unwrap();
    let out = run(bin()
        .arg("batch")
        .arg(&input)
        .arg("-o")
        .arg(dir.join("out"))
        .args(["--format", "pdf", "--format", "typst", "--quiet"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("out/a/beiguan.pdf").is_file());
    assert!(dir.join("out/a/beiguan.typst/main.typ").is_file());
    assert!(dir.join("out/a/beiguan.typst/layout.json").is_file());
}

/// The command line speaks Chinese: every command's help, and clap's
/// usage errors, with no English left of clap's own words.
#[test]
fn help_and_usage_errors_are_in_chinese() {
    let english =
        ["Usage:", "Options:", "Arguments:", "Commands:", "[OPTIONS]", "possible values", "default:", "error:"];
    for command in ["", "render", "check", "batch", "import", "serve", "sum", "new", "schema", "example"] {
        let mut cmd = bin();
        if !command.is_empty() {
            cmd.arg(command);
        }
        let out = run(cmd.arg("--help"));
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{command}: {}", stderr(&out));
        assert!(text.contains("用法：") && text.contains("显示这份说明"), "{command}: {text}");
        assert!(!english.iter().any(|w| text.contains(w)), "{command}: {text}");
    }
    for (args, expected) in [
        (&["render"][..], "缺少必填的参数"),
        (&["render", "x.json", "--format", "xlsx"][..], "的值“xlsx”不对；可以是：pdf、docx"),
        (&["rendr"][..], "没有“rendr”这个命令；是不是要写“render”"),
        (&["batch", "a", "-o", "b", "--shard", "9/2"][..], "分片 9/2 不存在"),
        (&["render", "x.json", "--no-such-flag"][..], "不认识的参数“--no-such-flag”"),
    ] {
        let out = run(bin().args(args));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("错误：") && err.contains(expected), "{args:?}: {err}");
        assert!(!english.iter().any(|w| err.contains(w)), "{args:?}: {err}");
    }
    // The system's own errors are said in Chinese too.
    let out = run(bin().arg("render").arg("/nonexistent/report.json"));
    assert!(stderr(&out).contains("没有这个文件或文件夹"), "{}", stderr(&out));
}
