//! The writer's desk after a one-cell edit: check + re-typeset + SVG of
//! the pages, warm, on the seed report, as the server does it (memo
//! entries of the last 10 compilations kept); and the process's memory
//! over 1,000 edits.
//!
//!     cargo bench --bench desk

use std::time::Instant;

use nianbao::fonts::Fonts;

const SEED: &str = include_str!("../fixtures/beiguan-2023.json");

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0))
        })
        .unwrap_or(0)
}

fn main() {
    let fonts = Fonts::bundled();
    let mut report: serde_json::Value = serde_json::from_str(SEED).unwrap();
    let edit = |report: &mut serde_json::Value, n: u64| {
        report["applications"]["received"]["natural_person"] = serde_json::json!(n % 7);
        report["applications"]["received"]["total"] = serde_json::json!(n % 7);
        report.to_string()
    };
    // Warm up, then time 100 edits.
    for n in 0..5 {
        let text = edit(&mut report, n);
        nianbao::serve::check(&text, &fonts).unwrap();
        nianbao::serve::preview(&text, Some("/applications/received/0"), &fonts).unwrap();
        typst::comemo::evict(10);
    }
    let mut times = Vec::new();
    for n in 0..100 {
        let text = edit(&mut report, n);
        let start = Instant::now();
        let checked = nianbao::serve::check(&text, &fonts).unwrap();
        let (pages, _) = nianbao::serve::preview(&text, Some("/applications/received/0"), &fonts).unwrap();
        typst::comemo::evict(10);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box((checked, pages));
    }
    times.sort_by(f64::total_cmp);
    println!(
        "one-cell edit: check + typeset + SVG   median {:.1} ms   min {:.1} ms   max {:.1} ms (100 edits)",
        times[50], times[0], times[99]
    );
    let mut samples = Vec::new();
    for n in 0..1000u64 {
        let text = edit(&mut report, n);
        nianbao::serve::check(&text, &fonts).unwrap();
        nianbao::serve::preview(&text, Some("/applications/received/0"), &fonts).unwrap();
        typst::comemo::evict(10);
        if n % 100 == 99 {
            samples.push(rss_kib() / 1024);
        }
    }
    println!("resident memory every 100 edits (MiB): {samples:?}");
}
