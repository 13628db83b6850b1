//! The one door (`pipeline`): every front end gets the same outputs and
//! the same verdict for the same input — the command line's files are the
//! library's bytes, and refused, failed and rendered are decided once.

use nianbao::fonts::Fonts;
use nianbao::format::Format;
use nianbao::import::Source;
use nianbao::pipeline::{self, Plan, ReadError, Stop, Verdict};
use nianbao::render::Rendered;
use serde_json::json;

use crate::common::*;

fn plan(formats: &[Format]) -> Plan {
    Plan { formats: formats.to_vec(), ..Plan::default() }
}

#[test]
fn the_command_line_writes_what_the_door_renders() {
    let fonts = Fonts::bundled();
    let dir = scratch("door-cli");
    for name in ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json"] {
        let formats = [Format::Pdf, Format::Docx, Format::Html, Format::Json];
        let outcome = pipeline::run(fixture_text(name).as_bytes(), Source::Json, &plan(&formats), &fonts);
        assert_eq!(outcome.verdict(), Verdict::Rendered, "{name}");
        let outputs = outcome.outputs.unwrap();
        assert_eq!(outputs.iter().map(|(f, _)| *f).collect::<Vec<_>>(), formats);
        for (format, rendered) in outputs {
            let target = dir.join(name).with_extension(format.extension());
            let out = run(bin().arg("render").arg(fixture(name)).arg("-o").arg(&target));
            assert!(out.status.success(), "{}", stderr(&out));
            let Rendered::File(bytes) = rendered else { panic!("{format:?} is a file") };
            assert!(std::fs::read(&target).unwrap() == bytes, "{name} as {format:?}: the CLI wrote other bytes");
        }
    }
}

#[test]
fn the_verdict_is_decided_once() {
    let fonts = Fonts::bundled();
    let dir = scratch("door-verdict");
    let inconsistent = variant(&dir, "off.json", "beiguan-2023.json", |d| {
        d["applications"]["received"]["natural_person"] = json!(99_999);
    });
    let bytes = std::fs::read(&inconsistent).unwrap();
    // Refused by the checks, unless allowed; the findings come either way.
    let refused = pipeline::run(&bytes, Source::Json, &plan(&[Format::Html]), &fonts);
    assert_eq!(refused.verdict(), Verdict::Refused);
    assert!(matches!(refused.outputs, Err(Stop::Refused(_))));
    assert!(refused.findings.iter().any(|f| f.finding.path.starts_with("/applications")), "{:?}", refused.findings);
    assert_eq!(refused.report.as_ref().map(|r| r.year), Some(2023));
    let allowed = Plan { allow_inconsistent: true, ..plan(&[Format::Html]) };
    let rendered = pipeline::run(&bytes, Source::Json, &allowed, &fonts);
    assert_eq!(rendered.verdict(), Verdict::Rendered);
    assert_eq!(rendered.findings.len(), refused.findings.len());
    // Judging renders nothing, and judges as every format would.
    let judged = pipeline::finish(pipeline::read(&bytes, Source::Json), &Plan::judge_all(), &fonts);
    assert_eq!(judged.verdict(), Verdict::Refused);
    // Not a report: refused, with the contract's path and line.
    let broken = pipeline::run(b"{\"year\": 2023,\n \"agency\": 5}", Source::Json, &plan(&[Format::Pdf]), &fonts);
    assert_eq!(broken.verdict(), Verdict::Refused);
    match broken.outputs {
        Err(Stop::Read(ReadError::Input(e))) => assert_eq!((e.path.as_str(), e.line), ("/agency", 2)),
        other => panic!("{:?}", other.err()),
    }
    // A file that cannot be read is the machine's fault, not the input's.
    let missing = pipeline::finish(pipeline::read_path(&dir.join("none.json")), &plan(&[Format::Pdf]), &fonts);
    assert_eq!(missing.verdict(), Verdict::Failed);
    // The same three verdicts are the command line's exit codes.
    let code =
        |path: &std::path::Path| run(bin().arg("render").arg(path).arg("-o").arg(dir.join("x.html"))).status.code();
    assert_eq!(code(&inconsistent), Some(1));
    assert_eq!(code(&dir.join("none.json")), Some(2));
    assert_eq!(code(&fixture("beiguan-2023.json")), Some(0));
}

#[test]
fn every_user_string_is_validated_however_the_report_was_made() {
    let mut report = nianbao::model::parse_str(&fixture_text("beiguan-2023.json")).unwrap();
    assert_eq!(nianbao::model::validate(&report), Ok(()));
    // An amount is text the user wrote, like prose.
    let fees = report.proactive.rows.iter_mut().flatten().find(|v| matches!(v, nianbao::model::Value::Amount(_)));
    *fees.expect("table A has an amount") = nianbao::model::Value::Amount(Some("12\u{1b}[31m".into()));
    let invalid = nianbao::model::validate(&report).unwrap_err();
    assert!(invalid.path.starts_with("/proactive/"), "{invalid:?}");
    assert!(invalid.message.contains("U+001B"), "{invalid:?}");
    // The prose around the tables counts toward the text limit.
    let mut long = nianbao::model::parse_str(&fixture_text("beiguan-2023.json")).unwrap();
    let paragraph = nianbao::model::Block::Paragraph("字".repeat(19_000));
    long.table_prose.sections[1].after = vec![paragraph; 6];
    let invalid = nianbao::model::validate(&long).unwrap_err();
    assert_eq!(invalid.path, "");
    assert!(invalid.message.contains("全文共"), "{invalid:?}");
}
