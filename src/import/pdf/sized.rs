//! Tables without ruling lines, and `pdftotext -tsv` words: the tables are
//! the lines set smaller than the body, and, where a section of 二 to 四
//! has no smaller line, every line of it but its heading. Their rows and
//! columns are found by the official labels ([`super::table`]).

use super::super::{ImportError, Item};
use super::words::{self, Line, Word};
use super::{body_height, no_body, table, Prose};
use crate::form::variants::opens_section;

/// The paragraphs and table rows of a report read from its words.
pub fn items(words: Vec<Word>) -> Result<Vec<Item>, ImportError> {
    let lines: Vec<Line> = words::lines(words).into_iter().filter(|l| !super::super::is_furniture(&l.text())).collect();
    let body = body_height(&lines).ok_or_else(|| no_body(&lines))?;
    let starts = section_starts(&lines, body);
    let tables = table_lines(&lines, body, &starts);
    let prose_lines = lines.iter().zip(&tables).filter(|(_, t)| !**t).map(|(l, _)| l);
    // Which section a table stands in: how many headings come before it.
    let section_at = |i: usize| starts.iter().filter(|&&s| s < i).count();
    let mut reader = Reader { out: Vec::new(), prose: Prose::new(prose_lines, body), format: None, last_table: None };
    let mut table: Vec<&Line> = Vec::new();
    let mut table_section = 0;
    for (i, (line, &in_table)) in lines.iter().zip(&tables).enumerate() {
        if in_table {
            reader.prose.end(&mut reader.out);
            if table.is_empty() {
                table_section = section_at(i);
            }
            table.push(line);
            continue;
        }
        if !table.is_empty() {
            reader.table(&table, table_section)?;
            table.clear();
        }
        reader.prose.line(line, &mut reader.out);
    }
    reader.prose.end(&mut reader.out);
    if !table.is_empty() {
        reader.table(&table, table_section)?;
    }
    Ok(reader.out)
}

struct Reader {
    out: Vec<Item>,
    prose: Prose,
    /// The template version, once table A's header has told it.
    format: Option<crate::form::Version>,
    /// The section the last table stood in: each has one.
    last_table: Option<usize>,
}

impl Reader {
    /// A table in section `section` (how many headings come before it):
    /// 2 is table A, 3 table B, 4 table C.
    fn table(&mut self, lines: &[&Line], section: usize) -> Result<(), ImportError> {
        let words = lines.iter().flat_map(|l| &l.words).collect();
        let table = table::Table::new(words);
        if self.last_table == Some(section) {
            let heading = crate::form::SECTIONS.get(section).unwrap_or(&"");
            return Err(ImportError::new(&lines[0].at(), format!("这张表格之前找不到“{heading}”")));
        }
        self.last_table = Some(section);
        match section {
            2 => {
                let (format, rows) = table.proactive()?;
                self.format = Some(format);
                self.out.extend(rows);
            }
            3 => self.out.extend(table.applications(self.format.unwrap_or(crate::form::Version::F2021))?),
            4 => self.out.push(table.review_litigation()?),
            _ => return Err(ImportError::new(&lines[0].at(), "这里有表格，但表格只应在二、三、四部分")),
        }
        Ok(())
    }
}

/// Where the section headings stand, in order (a line of body size that
/// opens the next section; table B's 四、结转下年度继续办理 does not).
fn section_starts(lines: &[Line], body: f64) -> Vec<usize> {
    let mut starts: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let text = line.text();
        if line.height() >= 0.85 * body
            && starts.len() < 6
            && opens_section(&text, starts.len())
            && !table::is_row_label(&text)
        {
            starts.push(i);
        }
    }
    starts
}

/// Which lines belong to tables: those set smaller than the body, and,
/// when all of 二 to 五 are found, in a section of 二, 三 or 四 that has no
/// line set smaller (some PDFs set their tables in the body size), every
/// line but its heading. Where a section's table is set smaller, the body
/// lines around it are prose (`table_prose`).
fn table_lines(lines: &[Line], body: f64, starts: &[usize]) -> Vec<bool> {
    let small = |line: &Line| line.height() < 0.85 * body;
    // The body-size sections: (heading, next heading).
    let body_sized: Vec<(usize, usize)> = match starts {
        [_, s1, s2, s3, s4, ..] => [(*s1, *s2), (*s2, *s3), (*s3, *s4)]
            .into_iter()
            .filter(|&(a, b)| !lines[a + 1..b].iter().any(small))
            .collect(),
        _ => Vec::new(),
    };
    lines.iter().enumerate().map(|(i, line)| small(line) || body_sized.iter().any(|&(a, b)| i > a && i < b)).collect()
}
