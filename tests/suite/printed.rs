//! Tables as they were really printed (`printed` in the contract): a 2021
//! report whose table B prints （六）其他处理 as the one row of the 2019
//! template. Imported as printed from a real published PDF, checked by the
//! rules that hold for what was printed, rendered to PDF, DOCX and HTML as
//! printed, read back the same, and refused by `sum` beside reports that
//! print the 2021 rows (their rows cannot be added cell for cell).

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::common::*;

/// The real report (洪泽区 2024): format 2021, table B printed in 2019 rows.
fn hongze() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pdf/real/hongze_2024.json")
}

const SUB_ROW: &str = "申请人无正当理由逾期不补正";

#[test]
fn a_table_printed_in_the_other_template_renders_and_reads_back_as_printed() {
    let dir = scratch("printed-render");
    // The rules of what was printed: 一 + 二 = 三（七）总计 + 四 with the
    // one row of （六）.
    let out = run(bin().arg("check").arg(hongze()));
    assert!(out.status.success(), "{}", stderr(&out));
    let want = nianbao::model::parse_str(&std::fs::read_to_string(hongze()).unwrap()).unwrap();
    assert_eq!(want.version, nianbao::form::Version::F2021);
    assert_eq!(want.applications.version, nianbao::form::Version::F2019);
    for format in ["pdf", "docx", "html"] {
        let output = dir.join(format!("hongze.{format}"));
        render(&hongze(), &output, &[]);
        let text = match format {
            "pdf" => pdftotext(&output),
            "docx" => {
                let parts = unzip(&std::fs::read(&output).unwrap());
                let (_, xml) = parts.iter().find(|(n, _)| n == "word/document.xml").unwrap();
                parse_xml(xml).texts()
            }
            _ => std::fs::read_to_string(&output).unwrap(),
        };
        assert!(text.contains("（六）其他处理"), "{format}");
        assert!(!text.contains(SUB_ROW), "{format}: the 2021 rows under （六） are not printed");
        // Table A stays in the 2021 template.
        assert!(text.contains("本年制发件数"), "{format}");
        // Read back: the same report, as printed.
        {
            let back = dir.join(format!("back-{format}.json"));
            let out = run(bin().arg("import").arg(&output).arg("-o").arg(&back));
            assert!(out.status.success(), "{format}: {}", stderr(&out));
            let got = nianbao::model::parse_str(&std::fs::read_to_string(&back).unwrap()).unwrap();
            assert_eq!(printed(&got), printed(&want), "{format}");
            let text = std::fs::read_to_string(&back).unwrap();
            assert!(text.contains("\"printed\""), "{format}: the import says how table B was printed");
        }
    }
}

#[test]
fn without_printed_the_2019_row_under_2021_is_refused_and_sum_keeps_templates_apart() {
    let dir = scratch("printed-sum");
    // The same document without `printed`: the contract is as before.
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(hongze()).unwrap()).unwrap();
    doc.as_object_mut().unwrap().remove("printed");
    let bare = dir.join("bare.json");
    std::fs::write(&bare, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = run(bin().arg("check").arg(&bare));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("/applications/results/other"), "{}", stderr(&out));
    // A 2024 report printing the 2021 rows, summed with the real one (the
    // majority decides the template): refused, naming how each differs.
    let a = variant(&dir, "a.json", "beiguan-2023.json", |d| d["year"] = json!(2024));
    let b = variant(&dir, "b.json", "beiguan-2023.json", |d| {
        d["year"] = json!(2024);
        d["agency"] = json!("另一个局");
    });
    let out =
        run(bin().arg("sum").arg(&a).arg(&b).arg(hongze()).arg("-o").arg(dir.join("t.json")).args(["--agency", "x"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("表三按 2019 格式印"), "{}", stderr(&out));
    assert!(!dir.join("t.json").exists());
}
