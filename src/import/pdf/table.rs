//! Tables from word boxes, led by the form. Every official label is looked
//! for as words stacked in one cell — line under line, left-aligned or
//! centred; a row's values are the words level with its label, each under
//! the header label of its column found nearest above. A blank cell is a
//! column with no word in it; a number that falls in no row or in no column
//! is an error, never dropped.

use super::super::assemble::UNKNOWN_FORMAT;
use super::super::{ImportError, Item, Place};
use super::words::Word;
use crate::form::variants::normalize;
use crate::form::{applications, proactive, review_litigation, Version};

/// Whether a line of text begins like a row label of table B, such as
/// `四、结转下年度继续办理`, which looks like a section heading: the
/// numbering and the two characters after it agree (the label may be cut
/// short where its cell wraps).
pub fn is_row_label(text: &str) -> bool {
    let text = normalize(text);
    [Version::F2019, Version::F2021].iter().flat_map(|&f| applications::lines(f)).flat_map(|l| l.labels).any(|label| {
        let start: String = normalize(label).chars().take(4).collect();
        text.starts_with(&start)
    })
}

/// A label spelt out by words in one cell, and their box.
#[derive(Clone, Debug)]
struct Found {
    page: usize,
    line: usize,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    words: Vec<usize>,
}

impl Found {
    fn xc(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    fn at(&self) -> Place {
        Place::PageLine { page: self.page, line: self.line }
    }
}

/// Header cells found in a table, by their label.
type Headers<'h> = std::collections::BTreeMap<&'h str, Vec<Found>>;

/// Where a column's header stands, left to right.
#[derive(Clone, Copy, Debug)]
struct Span(f64, f64);

impl Span {
    fn centre(&self) -> f64 {
        (self.0 + self.1) / 2.0
    }
}

/// The words of one table, read in line order.
pub struct Table<'a> {
    words: Vec<&'a Word>,
    /// Each word as labels are compared.
    spelt: Vec<String>,
}

/// `w` goes on from `last` on the same line (a change of font splits a
/// cell's line into words).
fn beside(last: &Word, w: &Word) -> bool {
    let h = last.h();
    (w.yc() - last.yc()).abs() < h / 3.0 && w.x0 > last.x1 - 0.5 * h && w.x0 < last.x1 + 0.6 * h
}

/// `w` is the next line of the cell that `first` opens: one line below
/// `last`, and aligned with `first`.
fn below(first: &Word, last: &Word, w: &Word) -> bool {
    let dy = w.y0 - last.y0;
    dy > 0.5 * first.h() && dy < 2.2 * first.h() && aligned(first, w)
}

/// `w` stands in line with `first`: at the left (an opening bracket set
/// half-width at a line start stands a little left) or at the centre.
fn aligned(first: &Word, w: &Word) -> bool {
    (w.x0 - first.x0).abs() < 0.6 * first.h() || (w.xc() - first.xc()).abs() < 2.0
}

impl<'a> Table<'a> {
    pub fn new(words: Vec<&'a Word>) -> Table<'a> {
        let spelt = words.iter().map(|w| normalize(&w.text)).collect();
        Table { words, spelt }
    }

    fn at(&self) -> Place {
        self.words.first().map_or(Place::Whole, |w| w.at())
    }

    /// Every place where `label` is spelt out by the words of one cell.
    fn find(&self, label: &str) -> Vec<Found> {
        let target = normalize(label);
        let mut found = Vec::new();
        for (i, first) in self.words.iter().enumerate() {
            if self.spelt[i].is_empty() || !target.starts_with(&self.spelt[i]) {
                continue;
            }
            let mut spelt = self.spelt[i].clone();
            let mut used = vec![i];
            while spelt != target {
                let last = self.words[*used.last().expect("one word")];
                let continues = |j: usize| {
                    !used.contains(&j) && !self.spelt[j].is_empty() && target[spelt.len()..].starts_with(&self.spelt[j])
                };
                let next = (0..self.words.len())
                    .find(|&j| {
                        let w = self.words[j];
                        continues(j) && w.page == last.page && (beside(last, w) || below(first, last, w))
                    })
                    // A cell a page break splits (Word lets rows break):
                    // its text goes on at the top of the next page, in line
                    // with where it began.
                    .or_else(|| {
                        (0..self.words.len())
                            .filter(|&j| {
                                let w = self.words[j];
                                continues(j) && w.page == last.page + 1 && aligned(first, w)
                            })
                            .min_by(|&a, &b| self.words[a].y0.total_cmp(&self.words[b].y0))
                    });
                let Some(j) = next else { break };
                spelt.push_str(&self.spelt[j]);
                used.push(j);
            }
            if spelt == target {
                // Its box on the page it begins on, where its values stand.
                let ws = used.iter().map(|&j| self.words[j]).filter(|w| w.page == first.page);
                found.push(Found {
                    page: first.page,
                    line: first.line,
                    x0: ws.clone().map(|w| w.x0).fold(f64::INFINITY, f64::min),
                    x1: ws.clone().map(|w| w.x1).fold(0.0, f64::max),
                    y0: ws.clone().map(|w| w.y0).fold(f64::INFINITY, f64::min),
                    y1: ws.map(|w| w.y1).fold(0.0, f64::max),
                    words: used,
                });
            }
        }
        found
    }

    /// The one place a row label stands, if it is there at all.
    fn find_row(&self, label: &str, used: &mut [bool]) -> Result<Option<Found>, ImportError> {
        let found = self.find(label);
        if let [_, second, ..] = found.as_slice() {
            return Err(ImportError::new(&second.at(), format!("“{label}”这一行出现了两次")));
        }
        Ok(found.into_iter().next().inspect(|f| f.words.iter().for_each(|&j| used[j] = true)))
    }

    /// Every header cell spelling one of `headers`, found once for the
    /// whole table; their words are marked as taken.
    fn headers<'h>(&self, headers: &[&'h str], used: &mut [bool]) -> Headers<'h> {
        let found: Headers = headers.iter().map(|&h| (h, self.find(h))).collect();
        found.values().flatten().flat_map(|f| &f.words).for_each(|&j| used[j] = true);
        found
    }

    /// A row's value columns: the span of each header label found nearest
    /// above the row (on an earlier page when a table breaks without
    /// repeating its header).
    fn columns(&self, found: &Headers, headers: &[&str], row: &Found) -> Result<Vec<Span>, ImportError> {
        headers
            .iter()
            .map(|h| {
                found[h]
                    .iter()
                    .filter(|f| f.page < row.page || f.page == row.page && f.y1 <= row.y0 + 1.0)
                    .max_by(|a, b| a.page.cmp(&b.page).then(a.y0.total_cmp(&b.y0)))
                    .map(|f| Span(f.x0, f.x1))
                    .ok_or_else(|| ImportError::new(&row.at(), format!("这一行上方的表头里找不到“{h}”一栏")))
            })
            .collect()
    }

    /// The values of a row: the words right of `after` and level with its
    /// label's lines (centred on them, or level with the first where a
    /// program sets values at the top), each in the column whose header it
    /// stands under (overlapping its span, whether cells are centred or
    /// set left), else whose centre is nearest; blank where none is.
    fn cells(&self, columns: &[Span], row: &Found, after: f64, used: &mut [bool]) -> Result<Vec<String>, ImportError> {
        // A word further than this from every column centre is in none.
        let reach = columns
            .windows(2)
            .map(|w| (w[1].centre() - w[0].centre()).abs() / 2.0)
            .fold(columns.first().map_or(0.0, |c| c.centre() - after), f64::min);
        let mut cells = vec![String::new(); columns.len()];
        for (j, w) in self.words.iter().enumerate() {
            let level = w.yc() > row.y0 - 0.3 * w.h() && w.yc() < row.y1 + 0.3 * w.h();
            if used[j] || w.page != row.page || !level || w.x0 < after {
                continue;
            }
            let by = |key: &dyn Fn(&Span) -> f64| {
                columns.iter().map(key).enumerate().max_by(|a, b| a.1.total_cmp(&b.1)).expect("a row has columns")
            };
            let (k, overlap) = by(&|c| w.x1.min(c.1) - w.x0.max(c.0));
            let k = if overlap > 0.0 {
                k
            } else {
                match by(&|c| -(w.xc() - c.centre()).abs()) {
                    (k, distance) if -distance <= reach => k,
                    _ => return Err(ImportError::new(&w.at(), format!("“{}”不在表格的任何一栏里", w.text))),
                }
            };
            used[j] = true;
            if !cells[k].is_empty() {
                cells[k].push(' ');
            }
            cells[k].push_str(&w.text);
        }
        Ok(cells)
    }

    /// A number no row took is a value whose row label was not found.
    fn leftovers(&self, used: &[bool], table: &str) -> Result<(), ImportError> {
        match self.words.iter().zip(used).find(|(w, used)| !**used && w.text.chars().any(|c| c.is_ascii_digit())) {
            Some((w, _)) => Err(ImportError::new(
                &w.at(),
                format!("{table}里的“{}”不在任何认得出的行里（行名写错或缺了？）", w.text),
            )),
            None => Ok(()),
        }
    }

    /// Table A: the version from its header labels, and a row for each
    /// official row found (preceded by one header row naming the version).
    pub fn proactive(&self) -> Result<(Version, Vec<Item>), ImportError> {
        let first_header = |f: Version| proactive::items(f)[0].shape.fields()[0].header;
        let format = [Version::F2021, Version::F2019]
            .into_iter()
            .find(|&f| !self.find(first_header(f)).is_empty())
            .ok_or_else(|| ImportError::new(&self.at(), UNKNOWN_FORMAT))?;
        let mut used = vec![false; self.words.len()];
        let headers: Vec<&str> =
            proactive::items(format).iter().flat_map(|i| i.shape.fields()).map(|f| f.header).collect();
        let found_headers = self.headers(&headers, &mut used);
        let mut rows = vec![Item::Row {
            cells: vec![proactive::CONTENT_HEADER.to_string(), first_header(format).to_string()],
            at: self.at(),
        }];
        for (item, row) in proactive::rows(format) {
            let Some(found) = self.find_row(row.label, &mut used)? else { continue };
            let headers: Vec<&str> = item.shape.fields().iter().map(|f| f.header).collect();
            let columns = self.columns(&found_headers, &headers, &found)?;
            let mut cells = vec![row.label.to_string()];
            cells.extend(self.cells(&columns, &found, found.x1, &mut used)?);
            rows.push(Item::Row { cells, at: found.at() });
        }
        self.leftovers(&used, "表二")?;
        Ok((format, rows))
    }

    /// Table B: a row for each official row found, with its seven values.
    pub fn applications(&self, format: Version) -> Result<Vec<Item>, ImportError> {
        let columns = &applications::APPLICANTS;
        let headers: Vec<&str> = (0..=columns.parts.len()).map(|i| columns.label(i)).collect();
        let mut used = vec![false; self.words.len()];
        let found_headers = self.headers(&headers, &mut used);
        let mut rows = Vec::new();
        for line in applications::lines(format) {
            let label = line.own_label();
            let Some(found) = self.find_row(&label, &mut used)? else { continue };
            let columns = self.columns(&found_headers, &headers, &found)?;
            let mut cells = vec![label];
            cells.extend(self.cells(&columns, &found, found.x1, &mut used)?);
            rows.push(Item::Row { cells, at: found.at() });
        }
        self.leftovers(&used, "表三")?;
        Ok(rows)
    }

    /// Table C: its one row of fifteen values under the three groups'
    /// outcome headers.
    pub fn review_litigation(&self) -> Result<Item, ImportError> {
        let outcomes = &review_litigation::OUTCOMES;
        let labels: Vec<&str> = (0..=outcomes.parts.len()).map(|i| outcomes.label(i)).collect();
        let mut headers: Vec<(usize, Found)> =
            labels.iter().enumerate().flat_map(|(k, l)| self.find(l).into_iter().map(move |f| (k, f))).collect();
        headers.sort_by(|a, b| a.1.xc().total_cmp(&b.1.xc()));
        let expected: Vec<usize> = (0..review_litigation::GROUPS.len()).flat_map(|_| 0..labels.len()).collect();
        if headers.iter().map(|(k, _)| *k).collect::<Vec<_>>() != expected {
            return Err(ImportError::new(
                &self.at(),
                format!(
                    "表四的表头应是三组“{}”，共 {} 栏；读出 {} 栏",
                    labels.join("、"),
                    expected.len(),
                    headers.len()
                ),
            ));
        }
        let mut used = vec![false; self.words.len()];
        headers.iter().flat_map(|(_, f)| &f.words).for_each(|&j| used[j] = true);
        let columns: Vec<Span> = headers.iter().map(|(_, f)| Span(f.x0, f.x1)).collect();
        let header = &headers[0].1;
        // The data row: the first line under the header with a number.
        let data = self.words.iter().enumerate().find(|(j, w)| {
            !used[*j] && w.y0 > header.y1 && w.page == header.page && w.text.chars().any(|c| c.is_ascii_digit())
        });
        let item = match data {
            Some((_, w)) => {
                let row = Found { page: w.page, line: w.line, x0: 0.0, x1: 0.0, y0: w.y0, y1: w.y1, words: Vec::new() };
                Item::Row { cells: self.cells(&columns, &row, 0.0, &mut used)?, at: w.at() }
            }
            None => Item::Row { cells: vec![String::new(); columns.len()], at: header.at() },
        };
        self.leftovers(&used, "表四")?;
        Ok(item)
    }
}
