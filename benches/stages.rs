//! Per-stage timings of the seed report, in process and warm: parse and
//! check, layout, PDF, DOCX; and the import of a saved web page and of
//! copied text from the corpus. Prints the median and spread of each.
//!
//!     cargo bench --bench stages

use std::time::{Duration, Instant};

use nianbao::docx::DocxFonts;
use nianbao::fonts::Fonts;

const SEED: &str = include_str!("../fixtures/beiguan-2023.json");
const PAGE: &[u8] = include_bytes!("../fixtures/corpus/html/pingtan_zonghe_2025.html");
const TEXT: &[u8] = include_bytes!("../fixtures/corpus/txt/pingtan_zonghe_2025.txt");
/// A report typed in Word style and saved by LibreOffice: 8 pages, tables
/// ruled, table B over three pages.
const WORD_PDF: &[u8] = include_bytes!("../fixtures/pdf/caijin_2022_total_column_blank.pdf");

fn measure<T>(name: &str, runs: usize, mut f: impl FnMut() -> T) {
    std::hint::black_box(f()); // warm up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<14} median {:>8.3} ms   min {:>8.3} ms   max {:>8.3} ms   ({runs} runs)",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1])
    );
}

fn main() {
    let fonts = Fonts::bundled();
    let report = nianbao::model::parse_str(SEED).unwrap();
    let doc = nianbao::layout::build(&report);
    measure("parse+check", 200, || {
        let r = nianbao::model::parse_str(SEED).unwrap();
        nianbao::check::findings(&r)
    });
    measure("layout", 200, || nianbao::layout::build(&report));
    measure("import html", 200, || nianbao::import::import(PAGE, nianbao::import::Source::Html).unwrap());
    measure("import text", 200, || nianbao::import::import(TEXT, nianbao::import::Source::Text).unwrap());
    measure("import pdf 8p", 50, || nianbao::import::import(WORD_PDF, nianbao::import::Source::Pdf).unwrap());
    // The longest fixture as nianbao prints it: 11 pages.
    let long = nianbao::layout::build(
        &nianbao::model::parse_str(include_str!("../fixtures/shanghai-govoffice-2019.json")).unwrap(),
    );
    let long_pdf = nianbao::pdf::render(&long, &fonts, &[]).unwrap();
    measure("import pdf 11p", 50, || nianbao::import::import(&long_pdf, nianbao::import::Source::Pdf).unwrap());
    measure("font coverage", 200, || fonts.coverage(&doc));
    measure("pdf", 30, || nianbao::pdf::render(&doc, &fonts, &[]).unwrap());
    measure("docx", 100, || nianbao::docx::render(&doc, DocxFonts::Official).unwrap());
    // Cold: a different report each time, as in a batch (Typst memoizes
    // what it has seen, so each measurement gets reports of its own).
    let generated = |seed| -> Vec<_> {
        nianbao::example::reports(40, seed)
            .into_iter()
            .map(|(_, v)| nianbao::layout::build(&nianbao::model::parse_str(&v.to_string()).unwrap()))
            .collect()
    };
    let mut docs = generated(9).into_iter().cycle();
    measure("pdf (new doc)", 39, || nianbao::pdf::render(&docs.next().unwrap(), &fonts, &[]).unwrap());
    let mut docs = generated(10).into_iter().cycle();
    measure("typeset only", 39, || nianbao::pdf::typeset(&docs.next().unwrap(), &fonts).unwrap());
    let pdf = nianbao::pdf::render(&doc, &fonts, &[]).unwrap();
    let docx = nianbao::docx::render(&doc, DocxFonts::Official).unwrap();
    println!("sizes: pdf {} bytes, docx {} bytes", pdf.len(), docx.len());
}
