//! Outputs never replace what nianbao did not write: a folder with someone's
//! files in it, an agency's edits of its Typst source, a device or a named
//! pipe given as the output, the target of a link; temporary files are
//! never made through a link; a batch does not follow links to folders;
//! an input over its size limit is refused without being read.

use std::os::unix::fs::{symlink, FileTypeExt};
use std::path::Path;

use crate::common::*;

fn render_to(output: &Path, format: &str) -> std::process::Output {
    run(bin().arg("render").arg(fixture("beiguan-2023.json")).arg("-o").arg(output).args(["--format", format]))
}

#[test]
fn a_typst_folder_replaces_only_nianbaos_own_files() {
    let dir = scratch("files-typst");
    // Someone's folder: refused, every file kept.
    let documents = dir.join("Documents");
    std::fs::create_dir_all(documents.join("sub")).unwrap();
    std::fs::write(documents.join("thesis.docx"), "x").unwrap();
    let out = render_to(&documents, "typst");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("thesis.docx"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(documents.join("thesis.docx")).unwrap(), "x");
    assert!(documents.join("sub").is_dir());
    // Its own folder: replaced, again and again.
    let own = dir.join("report.typst");
    for _ in 0..2 {
        let out = render_to(&own, "typst");
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let names: Vec<String> =
        std::fs::read_dir(&own).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 8, "the template, the data, the README and five fonts: {names:?}");
    // The agency edited its template: refused, the edit kept.
    let main = own.join("main.typ");
    let edited = format!("{}\n// 本机关的修改\n", std::fs::read_to_string(&main).unwrap());
    std::fs::write(&main, &edited).unwrap();
    let out = render_to(&own, "typst");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("main.typ"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&main).unwrap(), edited);
    // A file where the folder would go: refused, kept.
    let file = dir.join("file.typst");
    std::fs::write(&file, "mine").unwrap();
    assert_eq!(render_to(&file, "typst").status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    // Nothing of nianbao's left about.
    let hidden: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn special_files_are_written_to_not_replaced() {
    let dir = scratch("files-special");
    // A named pipe: the reader gets the PDF, the pipe stays a pipe.
    let fifo = dir.join("pipe.pdf");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let out = render_to(&fifo, "pdf");
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = reader.join().unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "{} bytes", bytes.len());
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    // A device (as root this replaced /dev/null with a regular file): a
    // device of our own, so that the test never touches the real one.
    // (`mknod` needs root, as CI and these machines run; elsewhere this
    // half is skipped.)
    let null = dir.join("null");
    if std::process::Command::new("mknod").arg(&null).args(["c", "1", "3"]).status().is_ok_and(|s| s.success()) {
        let out = render_to(&null, "pdf");
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_char_device());
    }
}

#[test]
fn a_link_at_the_target_is_replaced_not_followed() {
    let dir = scratch("files-link");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    let link = dir.join("out.html");
    symlink(&victim, &link).unwrap();
    let out = render_to(&link, "html");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
    // Temporary names are random: two runs never share one, and none is
    // left behind.
    let left: Vec<_> =
        std::fs::read_dir(&dir).unwrap().filter(|e| e.as_ref().unwrap().file_name() != "victim.txt").collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn a_batch_does_not_follow_links_to_folders() {
    let dir = scratch("files-batch-loop");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::copy(fixture("beiguan-2023.json"), inputs.join("a.json")).unwrap();
    symlink(".", inputs.join("loop")).unwrap();
    symlink(fixture("pingtan-2023.json"), inputs.join("b.json")).unwrap();
    let out = run(bin().arg("batch").arg(&inputs).arg("-o").arg(dir.join("out")).args(["--format", "html", "-q"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let written = files(&dir.join("out"));
    let names: Vec<_> = written.keys().map(|p| p.display().to_string()).collect();
    assert_eq!(names, ["a.html", "b.html"], "a link to a file is an input; a link to a folder is not walked");
}

#[test]
fn an_input_over_its_limit_is_refused_unread() {
    let dir = scratch("files-big");
    let big = dir.join("big.json");
    std::fs::File::create(&big).unwrap().set_len(3 << 30).unwrap();
    let out = run(bin().arg("check").arg(&big));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("3221225472 字节"), "{}", stderr(&out));
}
