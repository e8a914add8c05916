//! Workbooks as plain tables of text and numbers: writing them as XLSX and reading them back.
//!
//! Every text is written as a string cell, never as a formula, so a value such as `=HYPERLINK(...)`
//! stays inert in every spreadsheet program.

use crate::FormatError;

/// A cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    /// The cell as text; numbers in their shortest exact form (`2`, `0.5`).
    pub fn as_text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(text) if text.trim().is_empty() => None,
            Cell::Text(text) => Some(text.clone()),
            Cell::Number(number) => Some(number.to_string()),
        }
    }
}

/// One sheet: a name and its rows, the first of which is usually a header.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// Writes sheets as an XLSX workbook, the first row of each in bold and frozen.
pub fn write_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, FormatError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&sheet.name).map_err(|e| FormatError::file(format!("sheet {}: {e}", sheet.name)))?;
        for (r, row) in sheet.rows.iter().enumerate() {
            let r32 = u32::try_from(r).map_err(|_| FormatError::file("too many rows"))?;
            for (c, cell) in row.iter().enumerate() {
                let c16 = u16::try_from(c).map_err(|_| FormatError::file("too many columns"))?;
                let result = match cell {
                    Cell::Empty => continue,
                    Cell::Text(text) if r == 0 => worksheet.write_string_with_format(r32, c16, text, &bold).map(|_| ()),
                    Cell::Text(text) if text.contains('\n') => worksheet.write_string_with_format(r32, c16, text, &wrap).map(|_| ()),
                    Cell::Text(text) => worksheet.write_string(r32, c16, text).map(|_| ()),
                    Cell::Number(number) => worksheet.write_number(r32, c16, *number).map(|_| ()),
                };
                result.map_err(|e| FormatError::cell(r + 1, &column_name(c), e.to_string()))?;
            }
        }
        if !sheet.rows.is_empty() {
            worksheet.set_freeze_panes(1, 0).map_err(|e| FormatError::file(e.to_string()))?;
        }
    }
    workbook.save_to_buffer().map_err(|e| FormatError::file(format!("cannot write the workbook: {e}")))
}

/// Reads every sheet of an XLSX workbook.
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, FormatError> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| FormatError::file(format!("not an XLSX workbook: {e}")))?;
    let names = workbook.sheet_names().clone();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = workbook.worksheet_range(&name).map_err(|e| FormatError::file(format!("sheet {name}: {e}")))?;
        // Rows are laid out from A1, whatever the first used cell is.
        let (first_row, first_column) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); first_row];
        for (r, row) in range.rows().enumerate() {
            let mut cells = vec![Cell::Empty; first_column];
            for (c, data) in row.iter().enumerate() {
                let cell = match data {
                    Data::Empty => Cell::Empty,
                    Data::String(text) => Cell::Text(text.clone()),
                    Data::Float(number) => Cell::Number(*number),
                    Data::Int(number) => Cell::Number(*number as f64),
                    Data::Bool(value) => Cell::Text(if *value { "true".into() } else { "false".into() }),
                    Data::Error(error) => {
                        return Err(FormatError::cell(
                            first_row + r + 1,
                            &column_name(first_column + c),
                            format!("the cell holds an error ({error:?})"),
                        ));
                    }
                    other => Cell::Text(other.to_string()),
                };
                cells.push(cell);
            }
            rows.push(cells);
        }
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// A spreadsheet column name: 0 is `A`, 26 is `AA`.
pub fn column_name(index: usize) -> String {
    let mut name = String::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        name.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_reads_back_as_written_and_formulas_stay_text() {
        let sheets = vec![Sheet {
            name: "Data".into(),
            rows: vec![
                vec![Cell::Text("code".into()), Cell::Text("value".into())],
                vec![Cell::Text("=1+1".into()), Cell::Number(0.1)],
                vec![Cell::Empty, Cell::Number(1e-12)],
                vec![Cell::Text("a\nb".into()), Cell::Text("@SUM(A1)".into())],
            ],
        }];
        let bytes = write_xlsx(&sheets).unwrap();
        let back = read_xlsx(&bytes).unwrap();
        assert_eq!(back[0].name, "Data");
        assert_eq!(back[0].rows[1], vec![Cell::Text("=1+1".into()), Cell::Number(0.1)]);
        assert_eq!(back[0].rows[2][1], Cell::Number(1e-12));
        assert_eq!(back[0].rows[3], sheets[0].rows[3]);
    }

    #[test]
    fn anything_else_is_refused_clearly() {
        assert!(read_xlsx(b"code,value\n1,2\n").unwrap_err().message.contains("not an XLSX workbook"));
        assert!(read_xlsx(&[]).is_err());
    }

    #[test]
    fn columns_are_named_like_spreadsheets_do() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }
}
