//! A report whose tables are ruled: every glyph inside a table's border
//! goes into its cell, the rest of the page is prose.
//!
//! A table that goes on over a page break is one table when its columns
//! line up with the one that ended the page before; its header rows,
//! where Word repeats them on the new page, are dropped.

use super::super::grid::Grid;
use super::super::{ImportError, Item, Place};
use super::document::{Glyph, Page};
use super::lattice::Table;
use super::words::{self, Line, LineNumbers};
use super::{body_height, is_page_number, join_lines, no_body, Prose};

/// What a page shows, in reading order.
enum Block<'p> {
    Line(Line),
    Table { table: &'p Table, rows: Vec<(Place, Vec<String>)> },
}

impl Block<'_> {
    fn top(&self) -> f64 {
        match self {
            Block::Line(l) => l.words.iter().map(|w| w.y0).fold(f64::INFINITY, f64::min),
            Block::Table { table, .. } => table.y0(),
        }
    }
}

/// The paragraphs and table rows of a report whose tables are ruled.
pub fn items(pages: &[Page], tables: &[Vec<Table>]) -> Result<Vec<Item>, ImportError> {
    let mut blocks: Vec<Block> = Vec::new();
    // Where each page's blocks begin.
    let mut page_starts = Vec::new();
    let spaces = words::draws_spaces(pages);
    for (page, tables) in pages.iter().zip(tables) {
        page_starts.push(blocks.len());
        blocks.extend(page_blocks(page, tables, spaces)?);
    }
    let lines: Vec<Line> =
        blocks.iter().filter_map(|b| if let Block::Line(l) = b { Some(l.clone()) } else { None }).collect();
    let body = body_height(&lines).ok_or_else(|| no_body(&lines))?;
    let mut prose = Prose::new(lines.iter(), body);
    let mut out = Vec::new();
    // The table the last block was, to join its continuation to.
    let mut open: Option<(&Table, Vec<Vec<String>>)> = None;
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Line(line) => {
                open = None;
                prose.line(line, &mut out);
            }
            Block::Table { table, rows } => {
                prose.end(&mut out);
                let goes_on = page_starts.contains(&i) && open.as_ref().is_some_and(|(b, _)| same_columns(b, table));
                let skip = match &open {
                    Some((_, head)) if goes_on => rows.iter().zip(head).take_while(|((_, r), h)| r == *h).count(),
                    _ => {
                        open = Some((table, rows.iter().map(|(_, r)| r.clone()).collect()));
                        0
                    }
                };
                for (at, cells) in rows.iter().skip(skip) {
                    out.push(Item::Row { cells: cells.clone(), at: at.clone() });
                }
            }
        }
    }
    prose.end(&mut out);
    Ok(out)
}

/// Whether two tables have the same columns (a table going on over a
/// page break).
fn same_columns(a: &Table, b: &Table) -> bool {
    a.xs.len() == b.xs.len() && a.xs.iter().zip(&b.xs).all(|(x, y)| (x - y).abs() < 2.0)
}

/// One page's prose lines and tables, top to bottom, without its page
/// number.
fn page_blocks<'p>(page: &Page, tables: &'p [Table], spaces: bool) -> Result<Vec<Block<'p>>, ImportError> {
    let numbers = LineNumbers::new(&page.glyphs);
    let mut cells: Vec<Vec<Vec<&Glyph>>> = tables.iter().map(|t| vec![Vec::new(); t.cells.len()]).collect();
    let mut prose: Vec<&Glyph> = Vec::new();
    for g in &page.glyphs {
        let (x, y) = (g.xc(), g.yc());
        match tables.iter().position(|t| t.holds(x, y)) {
            Some(k) => match tables[k].cell_at(x, y) {
                Some(c) => cells[k][c].push(g),
                None => {
                    return Err(ImportError::new(
                        &Place::PageLine { page: page.number, line: numbers.line_of(g.baseline) },
                        format!("“{}”压在表格的框线上，不知道属于哪一格", g.text),
                    ))
                }
            },
            None => prose.push(g),
        }
    }
    let mut lines = words::lines(words::from_glyphs(page.number, &prose, spaces));
    for line in &mut lines {
        let n = numbers.line_of(line.words.iter().map(|w| w.y1).fold(f64::NEG_INFINITY, f64::max) - 0.1);
        for w in &mut line.words {
            w.line = n;
        }
    }
    // The page number: the page's first or last line of text, alone.
    let furniture = |l: &Line| is_page_number(&l.text()) || super::super::is_furniture(&l.text());
    let top = tables.iter().map(Table::y0).fold(f64::INFINITY, f64::min);
    let bottom = tables.iter().map(Table::y1).fold(f64::NEG_INFINITY, f64::max);
    let above = |l: &Line| l.words[0].y1 < top;
    let below = |l: &Line| l.words[0].y0 > bottom;
    if lines.last().is_some_and(|l| furniture(l) && below(l)) {
        lines.pop();
    }
    if lines.first().is_some_and(|l| furniture(l) && above(l)) {
        lines.remove(0);
    }
    let mut blocks: Vec<Block> = lines.into_iter().map(Block::Line).collect();
    for (table, cells) in tables.iter().zip(cells) {
        let mut grid = Grid::default();
        for (cell, glyphs) in table.cells.iter().zip(&cells) {
            let at = Place::PageLine { page: page.number, line: numbers.line_of(table.ys[cell.row] + 0.1) };
            grid.put(cell.row, cell.col, cell.rows, cell.cols, &cell_text(page.number, glyphs, spaces), &at)?;
        }
        let rows = grid
            .rows()
            .into_iter()
            .map(|(r, cells)| (Place::PageLine { page: page.number, line: numbers.line_of(table.ys[r] + 0.1) }, cells))
            .collect();
        blocks.push(Block::Table { table, rows });
    }
    blocks.sort_by(|a, b| a.top().total_cmp(&b.top()));
    Ok(blocks)
}

/// A cell's text: its lines top to bottom, run on as a wrapped line is.
fn cell_text(page: usize, glyphs: &[&Glyph], spaces: bool) -> String {
    let lines = words::lines(words::from_glyphs(page, glyphs, spaces));
    lines.iter().map(Line::text).fold(
        String::new(),
        |text, line| {
            if text.is_empty() {
                line
            } else {
                join_lines(&text, &line)
            }
        },
    )
}
