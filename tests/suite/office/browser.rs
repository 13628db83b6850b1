//! The office in a real headless Chromium (tests/browser/office.py): set
//! up, invitation, writing, submitting, a comment at a paragraph,
//! returning, fixing, approving, the 汇总 and the archive, with a
//! screenshot of each step in docs/screenshots/office-*.

use super::report_from;
use crate::common::*;

#[test]
fn the_review_in_a_real_browser() {
    let dir = scratch("office-browser");
    // Web pages as published: this year's report, to import as a writer
    // would, and two agencies' reports of last year, to bring in on the
    // board.
    let page = |fixture: &str, agency: &str, year: i64, name: &str| {
        let json = dir.join(format!("{name}.json"));
        std::fs::write(&json, report_from(fixture, agency, year, |_| {})).unwrap();
        let html = dir.join(format!("{name}.html"));
        let out = run(bin().arg("render").arg(&json).arg("-o").arg(&html));
        assert!(out.status.success(), "{}", stderr(&out));
        html
    };
    let html = page("pingtan-2023.json", "某县教育局", 2024, "2024");
    let past = [
        page("pingtan-2023.json", "某县教育局", 2023, "教育局2023年报告"),
        page("pdf/zonghe_2025_b_break_repeat.json", "某县民政局", 2023, "民政局2023年报告"),
    ];
    let shots = screenshots();
    browser_test("office.py", &[&dir, &html, &shots, &past[0], &past[1]]);
}
