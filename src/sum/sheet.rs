//! The workbook of a 汇总: one row per agency, one column per value cell of
//! tables A, B and C headed by the official labels, frozen header row and
//! agency column, whole-number formats, and the sum as the last row with
//! formulas (their results written too, so that any reader shows them);
//! then the sum's three tables in the official layout, a sheet each, as the
//! report prints them (the layout's own grid: merged cells, labels, blanks).

use rust_xlsxwriter::{
    ColNum, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use super::{cells, Member};
use crate::layout::{self, CellRole, Element};
use crate::model::Report;

/// Column letters of a 0-based column (A, B, … Z, AA …).
fn column_name(mut c: u32) -> String {
    let mut name = String::new();
    loop {
        name.insert(0, (b'A' + (c % 26) as u8) as char);
        if c < 26 {
            return name;
        }
        c = c / 26 - 1;
    }
}

/// The workbook's bytes. Same inputs, same bytes.
pub fn workbook(inputs: &[&Member], sum: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // Dated by the report's year, not the clock: same inputs, same bytes.
    let date = ExcelDateTime::from_ymd(u16::try_from(sum.year + 1).unwrap_or(2100).min(9999), 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&date).set_author("nianbao"));
    let sheet = book.add_worksheet();
    sheet.set_name("汇总")?;
    let head = Format::new().set_bold().set_text_wrap();
    let whole = Format::new().set_num_format("0");
    let decimal = Format::new().set_num_format("General");
    let columns = cells(sum);
    sheet.write_string_with_format(0, 0, "机关", &head)?;
    sheet.set_column_width(0, 30)?;
    for (c, (name, _)) in columns.iter().enumerate() {
        let col = (c + 1) as ColNum;
        sheet.write_string_with_format(0, col, name, &head)?;
        sheet.set_column_width(col, 14)?;
    }
    sheet.set_row_height(0, 120)?;
    sheet.set_freeze_panes(1, 1)?;
    for (r, input) in inputs.iter().enumerate() {
        let row = (r + 1) as u32;
        sheet.write_string(row, 0, &input.report.agency)?;
        for (c, (_, cell)) in cells(&input.report).iter().enumerate() {
            let col = (c + 1) as ColNum;
            match cell.number {
                Some(n) if n.fract() == 0.0 => sheet.write_number_with_format(row, col, n, &whole)?,
                Some(n) => sheet.write_number_with_format(row, col, n, &decimal)?,
                None => continue,
            };
        }
    }
    let last = (inputs.len() + 1) as u32;
    sheet.write_string_with_format(last, 0, "合计", &head)?;
    for (c, (_, cell)) in columns.iter().enumerate() {
        let col = (c + 1) as ColNum;
        let letter = column_name(col as u32);
        let formula =
            Formula::new(format!("=SUM({letter}2:{letter}{last})")).set_result(cell.number.unwrap_or(0.0).to_string());
        let format = if cell.number.is_some_and(|n| n.fract() != 0.0) { &decimal } else { &whole };
        sheet.write_formula_with_format(last, col, formula, format)?;
    }
    let document = layout::build(sum);
    let tables = document.blocks.iter().filter_map(|b| if let Element::Table(t) = b { Some(t) } else { None });
    for (name, table) in ["表二", "表三", "表四"].into_iter().zip(tables) {
        official(book.add_worksheet().set_name(name)?, table)?;
    }
    book.save_to_buffer()
}

/// A table as the report prints it: every cell of the layout's grid in its
/// place, merged cells merged, ruled, labels left and numbers centred.
fn official(sheet: &mut Worksheet, table: &layout::Table) -> Result<(), XlsxError> {
    let ruled = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::VerticalCenter);
    let label = ruled.clone().set_align(FormatAlign::Left);
    let centred = ruled.clone().set_align(FormatAlign::Center);
    // Column widths in characters: about two of 11 pt a centimetre.
    let widths: Vec<f64> = table.columns.iter().map(|mm| mm / 5.0 * 2.2).collect();
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as ColNum, *w)?;
    }
    // Each row as tall as its longest wrapped cell (a Chinese character is
    // about two of those widths), and the table one page wide in print.
    let mut lines = vec![1usize; table.rows];
    for cell in table.cells.iter().filter(|c| c.rowspan == 1) {
        let width: f64 = widths[cell.col..cell.col + cell.colspan].iter().sum();
        let per_line = (width / 2.0).floor().max(1.0) as usize;
        let n = cell.text().chars().count().div_ceil(per_line);
        lines[cell.row] = lines[cell.row].max(n);
    }
    for (r, n) in lines.iter().enumerate() {
        sheet.set_row_height(r as u32, 15.0 * *n as f64)?;
    }
    sheet.set_print_fit_to_pages(1, 0);
    for cell in &table.cells {
        let (r, c) = (cell.row as u32, cell.col as ColNum);
        let format = if cell.role == CellRole::Label { &label } else { &centred };
        let text = cell.text();
        if cell.rowspan > 1 || cell.colspan > 1 {
            let (r1, c1) = (r + cell.rowspan as u32 - 1, c + cell.colspan as ColNum - 1);
            sheet.merge_range(r, c, r1, c1, &text, format)?;
        } else if let Some(n) = (cell.role == CellRole::Number).then(|| text.parse::<f64>().ok()).flatten() {
            sheet.write_number_with_format(r, c, n, format)?;
        } else {
            sheet.write_string_with_format(r, c, &text, format)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_names() {
        assert_eq!(super::column_name(0), "A");
        assert_eq!(super::column_name(25), "Z");
        assert_eq!(super::column_name(26), "AA");
        assert_eq!(super::column_name(27 * 26), "AAA");
    }
}
