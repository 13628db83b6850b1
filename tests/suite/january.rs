//! What an office worker trips over in January (issue #23): the 汇总
//! counting an agency twice or counting itself, placeholders and empty
//! sections let through, outputs into a new folder, batches with nothing
//! to read, a report's own outputs taken for rival inputs.

use serde_json::json;

use crate::common::*;

#[test]
fn sum_counts_each_agency_once_and_never_itself() {
    let dir = scratch("january-sum");
    let a = variant(&dir, "a.json", "beiguan-2023.json", |_| {});
    let other = variant(&dir, "c.json", "beiguan-2023.json", |d| d["agency"] = json!("另一个局"));
    // The same agency's report again, as the PDF rendered from it.
    let pdf = dir.join("b.pdf");
    render(&a, &pdf, &[]);
    let out =
        run(bin().arg("sum").arg(&a).arg(&pdf).arg(&other).arg("-o").arg(dir.join("t.json")).args(["--agency", "市"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("北关区乡村振兴局 有不止一份报告") && err.contains("a.json") && err.contains("b.pdf"),
        "{err}"
    );
    assert!(!dir.join("t.json").exists());
    // A 汇总 made before, left among the inputs: not a department.
    let first = dir.join("first.json");
    let out = run(bin().arg("sum").arg(&a).arg(&other).arg("-o").arg(&first).args(["--agency", "市"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let again = dir.join("again.json");
    let out = run(bin().arg("sum").arg(&a).arg(&other).arg(&first).arg("-o").arg(&again).args(["--agency", "市"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("first.json：是市自己的报告") && err.contains("汇总了 2 份报告"), "{err}");
    assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&again).unwrap());
    // Compared with a published 汇总 of another year: said, not 51 cells.
    let last_year = variant(&dir, "published.json", "beiguan-2023.json", |d| d["year"] = json!(2022));
    let out = run(bin()
        .arg("sum")
        .arg(&a)
        .arg(&other)
        .arg("-o")
        .arg(dir.join("x.json"))
        .args(["--agency", "市", "--compare"])
        .arg(&last_year));
    assert!(stderr(&out).contains("2022 年度的，而汇总的是 2023 年度"), "{}", stderr(&out));
}

#[test]
fn check_names_placeholders_and_empty_sections() {
    let dir = scratch("january-check");
    let placeholder = variant(&dir, "placeholder.json", "beiguan-2023.json", |d| {
        d["problems"] = json!(["（本部分待填写：以上表格汇总了 3 份报告。）"]);
    });
    let out = run(bin().arg("check").arg(&placeholder));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("/problems/0") && stderr(&out).contains("占位文字"), "{}", stderr(&out));
    let empty = variant(&dir, "empty.json", "beiguan-2023.json", |d| d["problems"] = json!([]));
    let out = run(bin().arg("check").arg(&empty));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("五、存在的主要问题及改进情况") && stderr(&out).contains("这一部分是空的"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn outputs_go_into_new_folders_and_batches_say_what_they_read() {
    let dir = scratch("january-batch");
    // `-o 新目录/x.pdf`: the folder is made.
    let target = dir.join("新目录").join("x.pdf");
    render(&fixture("beiguan-2023.json"), &target, &[]);
    assert!(std::fs::read(&target).unwrap().starts_with(b"%PDF-"));
    // A folder with nothing to read is an error, not "完成 0 份".
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = run(bin().arg("batch").arg(&empty).arg("-o").arg(dir.join("out-empty")));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("没有可读的报告"), "{}", stderr(&out));
    // The output folder the input folder itself.
    let same = dir.join("same");
    std::fs::create_dir_all(&same).unwrap();
    std::fs::copy(fixture("beiguan-2023.json"), same.join("a.json")).unwrap();
    let out = run(bin().arg("batch").arg(&same).arg("-o").arg(&same));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("请换一个输出目录"), "{}", stderr(&out));
    // A report's JSON with the PDF and DOCX render wrote beside it: the
    // JSON is read, the others are its outputs.
    let folder = dir.join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    let json = folder.join("x.json");
    std::fs::copy(fixture("beiguan-2023.json"), &json).unwrap();
    render(&json, &folder.join("x.pdf"), &[]);
    render(&json, &folder.join("x.docx"), &[]);
    let out = run(bin().arg("batch").arg(&folder).arg("-o").arg(dir.join("out")));
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("x.pdf：同名的 .json 就在旁边") && err.contains("完成 1 份"), "{err}");
}

#[test]
fn a_blank_report_starts_from_last_years() {
    let dir = scratch("january-new");
    let target = dir.join("2024.json");
    let out = run(bin()
        .args(["new", "--agency", "北关区乡村振兴局", "--year", "2024", "--date", "2025年1月20日", "--from"])
        .arg(fixture("beiguan-2023.json"))
        .arg("-o")
        .arg(&target));
    assert!(out.status.success(), "{}", stderr(&out));
    let report = nianbao::model::parse_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    let last = nianbao::model::parse_str(&fixture_text("beiguan-2023.json")).unwrap();
    // Last year's 四、结转下年度继续办理 is this year's 二、上年结转; every
    // other cell is blank.
    let lines = nianbao::form::applications::lines(report.applications.version);
    let role = |r| lines.iter().position(|l| l.role == r).unwrap();
    use nianbao::form::applications::LineRole::{CarriedForward, CarriedOver, Received};
    assert_eq!(report.applications.printed(role(CarriedOver)), last.applications.printed(role(CarriedForward)));
    assert!(report.applications.printed(role(Received)).iter().all(Option::is_none));
    assert_eq!(report.signature.as_ref().map(|s| s.date.as_str()), Some("2025年1月20日"));
    // The prose keeps last year's structure, not its words: the run-in
    // leads of 一 with their text to write.
    use nianbao::model::Block;
    let leads: Vec<&Block> = last.overview.iter().filter(|b| !matches!(b, Block::Paragraph(_))).collect();
    assert!(leads.len() >= 5 && report.overview.len() == leads.len(), "{:?}", report.overview);
    for (now, then) in report.overview.iter().zip(leads) {
        match (now, then) {
            (Block::Lead { lead, text }, Block::Lead { lead: was, .. }) => assert!(lead == was && text.is_empty()),
            (now, then) => assert_eq!(now, then),
        }
    }
    // It checks (with notes on what is still empty) and renders.
    let check = run(bin().arg("check").arg(&target));
    assert!(check.status.success() && stderr(&check).contains("这一部分是空的"), "{}", stderr(&check));
    render(&target, &dir.join("2024.pdf"), &[]);
    // Never over a report that is there.
    let again = run(bin().args(["new", "--agency", "x", "--year", "2024", "-o"]).arg(&target));
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("不会覆盖"));
    assert_eq!(nianbao::model::parse_str(&std::fs::read_to_string(&target).unwrap()).unwrap(), report);
}

#[test]
fn rosters_from_excel_in_any_encoding_with_likely_matches() {
    let dir = scratch("january-roster");
    let a = variant(&dir, "a.json", "beiguan-2023.json", |_| {});
    let b = variant(&dir, "b.json", "beiguan-2023.json", |d| d["agency"] = json!("某县行政审批局"));
    let csv = "机关名称,联系人\n北关区乡村振兴局,张三\n行政审批局,李四\n某县统计局,王五\n";
    // A CSV as Excel saves it on a Chinese Windows (GBK), and as a workbook.
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    let gbk_path = dir.join("名单-gbk.csv");
    std::fs::write(&gbk_path, &gbk).unwrap();
    // The workbook as Excel writes it: shared strings, a header row.
    let xlsx_path = dir.join("名单.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save(&xlsx_path).unwrap();
    for roster in [&gbk_path, &xlsx_path] {
        let out = run(bin()
            .arg("sum")
            .arg(&a)
            .arg(&b)
            .arg("-o")
            .arg(dir.join("t.json"))
            .args(["--agency", "县"])
            .arg("--roster")
            .arg(roster));
        let err = stderr(&out);
        assert!(out.status.success(), "{}: {err}", roster.display());
        assert!(err.contains("[名单] 某县统计局：没有报告"), "{}: {err}", roster.display());
        assert!(
            err.contains("名单上的“行政审批局”和报告里的“某县行政审批局”可能是同一机关"),
            "{}: {err}",
            roster.display()
        );
        assert!(err.contains("名单 3 个机关，缺 2 个，名单外 1 个"), "{}: {err}", roster.display());
    }
}

#[test]
fn check_previous_sets_the_carry_over_against_last_year() {
    let dir = scratch("january-previous");
    let last = variant(&dir, "2023.json", "beiguan-2023.json", |d| {
        d["applications"]["carried_forward"] = json!([2, 0, 0, 0, 0, 0, 2]);
    });
    let this = variant(&dir, "2024.json", "beiguan-2023.json", |d| d["year"] = json!(2024));
    let out = run(bin().arg("check").arg(&this).arg("--previous").arg(&last));
    let err = stderr(&out);
    assert!(err.contains("本年上年结转为 0，但 2023 年报告的“四、结转下年度继续办理”为 2"), "{err}");
    assert!(err.contains("/applications/carried_over"), "{err}");
}

#[test]
fn findings_of_an_imported_report_name_the_source_place() {
    let dir = scratch("january-import-places");
    let text = fixture_text("published/pingtan_2023.txt");
    let line = text.lines().position(|l| l.starts_with("一、本年新收政府信息公开申请数量")).unwrap() + 1;
    let input = dir.join("report.txt");
    std::fs::write(&input, text.replacen("0\t0\t0\t0\t81", "0\t0\t0\t0\t82", 1)).unwrap();
    for command in ["import", "check"] {
        let out = run(bin()
            .arg(command)
            .arg(&input)
            .arg(if command == "import" { "-o" } else { "--repeat-threshold" })
            .arg(if command == "import" { dir.join("report.json").into_os_string() } else { "60".into() }));
        let err = stderr(&out);
        assert!(err.contains(&format!("report.txt：第 {line} 行 [不一致]")), "{command}: {err}");
    }
}
