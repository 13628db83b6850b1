//! The HTML backend: one self-contained page (inline CSS, no script, no
//! external files) from the same layout as the PDF and the DOCX, for an
//! agency's website.
//!
//! Headings are `h1`–`h4` by level; the three tables are real tables whose
//! `rowspan`/`colspan` are exactly the layout's merged grid. Header cells
//! are `th` with `scope`; every cell names its header and row-label cells
//! with `id`/`headers`, so that a screen reader announces a number of the
//! complex table B with its row and column (WCAG 2.1 H43; GB/T 37668).
//! User text is escaped: it is data, never markup.

use std::fmt::Write;

use crate::layout::{Cell, CellRole, Document, Element, Face, Level, Run, Table};

const STYLE: &str = include_str!("report.css");

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn runs(runs: &[Run], out: &mut String) {
    for run in runs {
        escape(&run.text, out);
    }
}

/// Lines set apart by `<br>` (the title's, the signature's).
fn broken(lines: &[Run], out: &mut String) {
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        escape(&line.text, out);
    }
}

/// The heading element of a level: sections `h2`, （一） `h3`, deeper `h4`
/// (the title is the page's one `h1`).
fn heading_tag(level: Level) -> &'static str {
    match level.0 {
        1 => "h2",
        2 => "h3",
        _ => "h4",
    }
}

/// Renders a document as one HTML page. Same document, same bytes.
pub fn render(doc: &Document) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    escape(&doc.meta.title, &mut out);
    out.push_str("</title>\n<meta name=\"author\" content=\"");
    escape(&doc.meta.author, &mut out);
    out.push_str("\">\n<meta name=\"generator\" content=\"nianbao\">\n<style>\n");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    let mut tables = 0;
    for element in &doc.blocks {
        match element {
            Element::Title { lines } => {
                out.push_str("<h1>");
                broken(lines, &mut out);
                out.push_str("</h1>\n");
            }
            Element::Heading { level, runs: r } => {
                let tag = heading_tag(*level);
                let _ = write!(out, "<{tag}>");
                runs(r, &mut out);
                let _ = writeln!(out, "</{tag}>");
            }
            Element::Paragraph { runs: r } => {
                out.push_str("<p>");
                match r.as_slice() {
                    // A run-in lead keeps its heading face.
                    [lead, rest @ ..] if r.len() > 1 && lead.face != Face::Fang => {
                        let class = if lead.face == Face::Kai { "lead kai" } else { "lead" };
                        let _ = write!(out, "<strong class=\"{class}\">");
                        escape(&lead.text, &mut out);
                        out.push_str("</strong>");
                        runs(rest, &mut out);
                    }
                    _ => runs(r, &mut out),
                }
                out.push_str("</p>\n");
            }
            Element::Table(t) => {
                tables += 1;
                table(t, tables, &mut out);
            }
            Element::Signature { lines } => {
                out.push_str("<p class=\"signature\">");
                broken(lines, &mut out);
                out.push_str("</p>\n");
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The id of a header or label cell: table, row, column.
fn id(n: usize, cell: &Cell) -> String {
    format!("t{n}-r{}-c{}", cell.row + 1, cell.col + 1)
}

fn covers_row(c: &Cell, row: usize) -> bool {
    c.row <= row && row < c.row + c.rowspan
}

fn covers_col(c: &Cell, col: usize) -> bool {
    c.col <= col && col < c.col + c.colspan
}

/// One table, its merges as the layout has them.
fn table(t: &Table, n: usize, out: &mut String) {
    out.push_str("<div class=\"table\">\n<table>\n<colgroup>");
    // The official column proportions, as the PDF sets them.
    let total: f64 = t.columns.iter().sum();
    for width in &t.columns {
        let _ = write!(out, "<col style=\"width:{:.2}%\">", 100.0 * width / total);
    }
    out.push_str("</colgroup>\n");
    let is_head = |c: &Cell| matches!(c.role, CellRole::Header | CellRole::Note);
    for row in 0..t.rows {
        if row == 0 && t.header_rows > 0 {
            out.push_str("<thead>\n");
        }
        if row == t.header_rows {
            if t.header_rows > 0 {
                out.push_str("</thead>\n");
            }
            out.push_str("<tbody>\n");
        }
        out.push_str("<tr>");
        for cell in t.cells.iter().filter(|c| c.row == row) {
            let spans = |out: &mut String| {
                if cell.rowspan > 1 {
                    let _ = write!(out, " rowspan=\"{}\"", cell.rowspan);
                }
                if cell.colspan > 1 {
                    let _ = write!(out, " colspan=\"{}\"", cell.colspan);
                }
            };
            match cell.role {
                CellRole::Header | CellRole::Note | CellRole::Label => {
                    let scope = match cell.role {
                        CellRole::Label if cell.rowspan > 1 => "rowgroup",
                        CellRole::Label => "row",
                        _ if cell.colspan > 1 => "colgroup",
                        _ => "col",
                    };
                    let class = if cell.role == CellRole::Note { " class=\"note\"" } else { "" };
                    let _ = write!(out, "<th id=\"{}\" scope=\"{scope}\"{class}", id(n, cell));
                    spans(out);
                    out.push('>');
                    runs(&cell.runs, out);
                    out.push_str("</th>");
                }
                CellRole::Number => {
                    // Its column's headers above it (tables B and C: the
                    // header rows; table A, which repeats its header per
                    // item: the item's title and field header), then its
                    // row's labels.
                    let above = t.cells.iter().filter(|c| is_head(c) && c.row < cell.row && covers_col(c, cell.col));
                    let mut headers: Vec<String> = if t.header_rows > 0 {
                        above.filter(|c| c.row < t.header_rows).map(|c| id(n, c)).collect()
                    } else {
                        let mut nearest: Vec<&Cell> = above.collect();
                        nearest.sort_by_key(|c| std::cmp::Reverse(c.row));
                        let mut two: Vec<String> = nearest.iter().take(2).rev().map(|c| id(n, c)).collect();
                        two.dedup();
                        two
                    };
                    headers.extend(
                        t.cells
                            .iter()
                            .filter(|c| c.role == CellRole::Label && covers_row(c, cell.row) && c.col < cell.col)
                            .map(|c| id(n, c)),
                    );
                    out.push_str("<td");
                    if !headers.is_empty() {
                        let _ = write!(out, " headers=\"{}\"", headers.join(" "));
                    }
                    spans(out);
                    out.push('>');
                    runs(&cell.runs, out);
                    out.push_str("</td>");
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}
