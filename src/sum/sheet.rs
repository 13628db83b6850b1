//! The workbook of a 汇总: one row per agency, one column per value cell of
//! tables A, B and C headed by the official labels, frozen header row and
//! agency column, whole-number formats, and the sum as the last row with
//! formulas (their results written too, so that any reader shows them).

use rust_xlsxwriter::{ColNum, DocProperties, ExcelDateTime, Format, Formula, Workbook, XlsxError};

use super::{cells, Member};
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
    book.save_to_buffer()
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
