//! The region's main figures over the years, drawn by the server as SVG
//! (no scripts, no outside files): per year, the applications received
//! and how they were answered, and the administrative reviews and
//! lawsuits, from the 汇总 of the approved (and past published) reports.
//! Every label is the form's own.

use std::fmt::Write;

use crate::form::applications::{self, LineRole};
use crate::form::review_litigation::{GROUPS, LITIGATION, REVIEW};
use crate::model::Report;

/// One year's main figures.
#[derive(Debug, PartialEq)]
pub struct Figures {
    pub year: i64,
    /// 本年新收.
    pub received: u128,
    /// The results under 三、本年度办理结果, by their heading (（一）予以公开 …),
    /// in print order.
    pub results: Vec<(String, u128)>,
    pub reviews: u128,
    pub lawsuits: u128,
}

impl Figures {
    /// The figures of a 汇总.
    pub fn of(report: &Report) -> Figures {
        let lines = applications::lines(report.applications.version);
        let total =
            |i: usize| report.applications.rows.get(i).and_then(|r| r.as_ref()).and_then(|c| c.total()).unwrap_or(0);
        let mut results: Vec<(String, u128)> = Vec::new();
        let mut received = 0;
        for (i, line) in lines.iter().enumerate() {
            match line.role {
                LineRole::Received => received += total(i),
                LineRole::Result => {
                    let heading = line.labels.get(1).copied().unwrap_or_default().to_string();
                    match results.iter_mut().find(|(h, _)| *h == heading) {
                        Some((_, n)) => *n += total(i),
                        None => results.push((heading, total(i))),
                    }
                }
                _ => {}
            }
        }
        let group = |key: &str| {
            GROUPS
                .iter()
                .position(|g| g.key == key)
                .and_then(|i| report.review_litigation.groups.get(i))
                .and_then(|c| c.total())
                .unwrap_or(0)
        };
        Figures {
            year: report.year,
            received,
            results,
            reviews: group("review"),
            lawsuits: group("litigation_direct") + group("litigation_after_review"),
        }
    }
}

/// Text safe inside SVG.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The colours of the results, in order.
const SHADES: &[&str] = &["#2f6f4f", "#6aa56f", "#c0504d", "#e0a030", "#8064a2", "#7f7f7f", "#4f81bd"];

/// The chart of `years` (oldest first), `title` above it.
pub fn svg(title: &str, years: &[Figures]) -> String {
    let (width, height, left, top, bottom) = (760.0, 420.0, 60.0, 40.0, 110.0);
    let plot = height - top - bottom;
    let most = years
        .iter()
        .flat_map(|y| [y.received, y.results.iter().map(|r| r.1).sum(), y.reviews + y.lawsuits])
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (width - left - 20.0) / years.len().max(1) as f64;
    let bar = (slot / 4.0).min(40.0);
    let y_of = |n: u128| top + plot - plot * n as f64 / most;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         font-family=\"sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>\
         <text x=\"{left}\" y=\"20\" font-size=\"15\">{t}</text>\
         <line x1=\"{left}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" stroke=\"#333\"/>",
        t = escaped(title),
        base = top + plot,
        right = width - 10.0,
    );
    if years.is_empty() {
        let _ = write!(out, "<text x=\"{left}\" y=\"{}\">还没有通过审核或往年的报告</text>", top + plot / 2.0);
    }
    for (i, y) in years.iter().enumerate() {
        let x = left + slot * i as f64 + slot / 2.0 - 1.5 * bar;
        let mut rect = |x: f64, from: u128, n: u128, fill: &str, what: &str| {
            let (y0, y1) = (y_of(from + n), y_of(from));
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y0:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{fill}\"><title>{} 年 {}：{n}</title></rect>",
                y1 - y0,
                y.year,
                escaped(what)
            );
        };
        rect(x, 0, y.received, "#4f81bd", "本年新收");
        let mut at = 0;
        for (k, (heading, n)) in y.results.iter().enumerate() {
            rect(x + bar, at, *n, SHADES[k % SHADES.len()], heading);
            at += n;
        }
        rect(x + 2.0 * bar, 0, y.reviews, "#9bbb59", REVIEW);
        rect(x + 2.0 * bar, y.reviews, y.lawsuits, "#f79646", LITIGATION);
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x + 1.5 * bar,
            top + plot + 16.0,
            y.year,
            x + 0.5 * bar,
            y_of(y.received) - 4.0,
            y.received
        );
    }
    // The legend: what each colour is, in the form's words.
    let mut legend: Vec<(&str, String)> = vec![("#4f81bd", "本年新收".into())];
    if let Some(y) = years.last() {
        legend.extend(y.results.iter().enumerate().map(|(k, (h, _))| (SHADES[k % SHADES.len()], h.clone())));
    }
    legend.push(("#9bbb59", REVIEW.into()));
    legend.push(("#f79646", LITIGATION.into()));
    for (k, (fill, what)) in legend.iter().enumerate() {
        let (col, row) = (k % 4, k / 4);
        let (x, y) = (left + col as f64 * 170.0, height - bottom + 40.0 + row as f64 * 18.0);
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{fill}\"/><text x=\"{}\" y=\"{y}\">{}</text>",
            y - 9.0,
            x + 14.0,
            escaped(what)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_and_their_drawing() {
        let report = crate::model::parse_str(include_str!("../../fixtures/beiguan-2023.json")).unwrap();
        let year = Figures::of(&report);
        let received = report.applications.rows[0].as_ref().and_then(|c| c.total()).unwrap();
        assert_eq!((year.year, year.received), (2023, received));
        let headings: Vec<&str> = year.results.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(
            headings,
            [
                "（一）予以公开",
                "（二）部分公开",
                "（三）不予公开",
                "（四）无法提供",
                "（五）不予处理",
                "（六）其他处理"
            ]
        );
        let svg = svg("某县<script>", &[year]);
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert!(svg.contains("某县&lt;script&gt;") && !svg.contains("<script>"), "the title is text");
        assert!(svg.contains(&format!("2023 年 本年新收：{received}")));
    }
}
