//! Helpers for tests that run the real binary and read its outputs with
//! real tools (poppler's pdftotext, pdffonts, pdfinfo).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// A fresh directory under the target directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run nianbao")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Renders `input` to `output`, asserting success.
pub fn render(input: &Path, output: &Path, extra: &[&str]) {
    let out = run(bin().arg("render").arg(input).arg("-o").arg(output).args(extra));
    assert!(out.status.success(), "render failed: {}", stderr(&out));
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed for the tests (poppler-utils): {e}"));
    assert!(out.status.success(), "{name} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

pub fn pdftotext(pdf: &Path) -> String {
    tool("pdftotext", &["-layout"], pdf)
}

pub fn pdftotext_raw(pdf: &Path) -> String {
    tool("pdftotext", &[], pdf)
}

pub fn pdffonts(pdf: &Path) -> String {
    tool("pdffonts", &[], pdf)
}

pub fn pdfinfo(pdf: &Path) -> String {
    tool("pdfinfo", &[], pdf)
}

/// Writes a variant of a fixture with one JSON value replaced.
pub fn variant(dir: &Path, name: &str, base: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut doc: serde_json::Value = serde_json::from_str(&fixture_text(base)).unwrap();
    edit(&mut doc);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    path
}
