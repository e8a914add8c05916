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

/// What a workbook may hold before it is refused. Every limit is checked before the memory it
/// guards is taken: the package's directory (entries, their declared sizes and compression
/// ratios) before anything is unpacked, the shared strings' declared count before they are read,
/// and cells one by one as they stream from the sheet, so that a small file that claims or
/// unpacks to much is refused quickly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkbookLimits {
    /// The workbook file itself.
    pub max_file_bytes: u64,
    /// Entries of the zip package.
    pub max_entries: usize,
    /// Unpacked size of any one entry.
    pub max_entry_bytes: u64,
    /// Unpacked size of all entries together.
    pub max_unpacked_bytes: u64,
    /// Unpacked size over packed size, for entries above 1 MiB (a zip bomb's is in the thousands).
    pub max_ratio: u64,
    /// Cells of all sheets, each row counted as wide as its last filled cell.
    pub max_cells: u64,
    /// Time to read the whole workbook.
    pub max_seconds: u64,
}

impl Default for WorkbookLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 100 * MIB,
            max_entries: 10_000,
            max_entry_bytes: 256 * MIB,
            max_unpacked_bytes: 1024 * MIB,
            max_ratio: 250,
            max_cells: 4_000_000,
            max_seconds: 60,
        }
    }
}

const MIB: u64 = 1024 * 1024;
/// The largest sheet a spreadsheet program makes: rows and columns.
const SHEET_ROWS: u32 = 1_048_576;
const SHEET_COLUMNS: u32 = 16_384;

fn mib(bytes: u64) -> String {
    format!("{} MB", bytes.div_ceil(MIB))
}

/// Reads every sheet of an XLSX workbook within the default [`WorkbookLimits`].
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<Sheet>, FormatError> {
    read_xlsx_within(bytes, &WorkbookLimits::default())
}

/// Reads every sheet of an XLSX workbook, refusing one that goes beyond `limits` with a message
/// that names the limit.
pub fn read_xlsx_within(bytes: &[u8], limits: &WorkbookLimits) -> Result<Vec<Sheet>, FormatError> {
    let started = std::time::Instant::now();
    check_package(bytes, limits)?;
    // The reader is a dependency: should it panic on a file it did not expect, that file is
    // refused like any other unreadable one.
    std::panic::catch_unwind(|| read_sheets(bytes, limits, started))
        .unwrap_or_else(|_| Err(FormatError::file("the workbook could not be read: it is damaged or not an XLSX workbook")))
}

/// Checks a workbook's package from its directory, before anything is unpacked.
fn check_package(bytes: &[u8], limits: &WorkbookLimits) -> Result<(), FormatError> {
    use std::io::Read;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(FormatError::file(format!("the workbook is larger than {}, the limit for a workbook", mib(limits.max_file_bytes))));
    }
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| FormatError::file(format!("not an XLSX workbook: {e}")))?;
    if archive.len() > limits.max_entries {
        return Err(FormatError::file(format!(
            "the workbook's package holds {} parts, more than the limit of {}",
            archive.len(),
            limits.max_entries
        )));
    }
    let mut total = 0u64;
    let mut shared_strings = None;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(|e| FormatError::file(format!("not an XLSX workbook: {e}")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let (size, packed) = (entry.size(), entry.compressed_size());
        if size > limits.max_entry_bytes {
            return Err(FormatError::file(format!(
                "the part {name} of the workbook unpacks to {}, more than the limit of {}",
                mib(size),
                mib(limits.max_entry_bytes)
            )));
        }
        if size > MIB && size / packed.max(1) > limits.max_ratio {
            return Err(FormatError::file(format!(
                "the part {name} of the workbook unpacks to {} times its packed size, more than the limit of {} (a zip bomb does that)",
                size / packed.max(1),
                limits.max_ratio
            )));
        }
        total = total.saturating_add(size);
        if total > limits.max_unpacked_bytes {
            return Err(FormatError::file(format!(
                "the workbook unpacks to more than {}, the limit for a workbook",
                mib(limits.max_unpacked_bytes)
            )));
        }
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            shared_strings = Some((index, size));
        }
    }
    // The reader reserves room for as many strings as the table declares: the declaration must
    // be believable before it is believed.
    if let Some((index, size)) = shared_strings {
        let mut start = Vec::with_capacity(4096);
        let entry = archive.by_index(index).map_err(|e| FormatError::file(format!("not an XLSX workbook: {e}")))?;
        entry.take(4096).read_to_end(&mut start).map_err(|e| FormatError::file(format!("the workbook is damaged: {e}")))?;
        if let Some(count) = declared_count(&start) {
            let believable = (size / 4).min(limits.max_cells);
            if count > believable {
                return Err(FormatError::file(format!(
                    "the workbook declares {count} shared strings, more than its size or the limit of {} cells allows",
                    limits.max_cells
                )));
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` an XML shared-string table declares in its first element, if any.
fn declared_count(start: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(start);
    let sst = text.find("<sst").or_else(|| text.find(":sst"))?;
    let rest = &text[sst..];
    let rest = &rest[..rest.find('>').unwrap_or(rest.len())];
    let at = rest.find("uniqueCount=")? + "uniqueCount=".len();
    let digits: String = rest[at..].chars().skip(1).take_while(char::is_ascii_digit).collect();
    // A number too long for u64 is certainly too large.
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn read_sheets(bytes: &[u8], limits: &WorkbookLimits, started: std::time::Instant) -> Result<Vec<Sheet>, FormatError> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| FormatError::file(format!("not an XLSX workbook: {e}")))?;
    let names = workbook.sheet_names().clone();
    let mut sheets = Vec::with_capacity(names.len());
    let mut cells_left = limits.max_cells;
    for name in names {
        let mut reader =
            workbook.worksheet_cells_reader(&name).map_err(|e| FormatError::file(format!("sheet {name}: the workbook is damaged: {e}")))?;
        let declared = reader.dimensions();
        if declared.end.0 >= SHEET_ROWS || declared.end.1 >= SHEET_COLUMNS {
            return Err(FormatError::file(format!("sheet {name}: it declares more rows or columns than a spreadsheet holds")));
        }
        // Rows are laid out from A1, whatever the first used cell is; empty cells are left out.
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut seen = 0u64;
        loop {
            let next = reader.next_cell().map_err(|e| FormatError::file(format!("sheet {name}: the workbook is damaged: {e}")))?;
            let Some(cell) = next else { break };
            seen += 1;
            if seen.is_multiple_of(4096) && started.elapsed().as_secs() >= limits.max_seconds {
                return Err(FormatError::file(format!(
                    "the workbook takes longer than {} seconds to read, the limit for a workbook",
                    limits.max_seconds
                )));
            }
            let (r, c) = cell.get_position();
            let value = Data::from(cell.get_value().clone());
            if matches!(value, Data::Empty) {
                continue;
            }
            if r >= SHEET_ROWS || c >= SHEET_COLUMNS {
                return Err(FormatError::file(format!("sheet {name}: a cell lies outside what a spreadsheet holds")));
            }
            let (r, c) = (r as usize, c as usize);
            let cell = match value {
                Data::Empty => continue,
                Data::String(text) => Cell::Text(text),
                Data::Float(number) => Cell::Number(number),
                Data::Int(number) => Cell::Number(number as f64),
                Data::Bool(value) => Cell::Text(if value { "true".into() } else { "false".into() }),
                Data::Error(error) => {
                    return Err(FormatError::cell(r + 1, &column_name(c), format!("the cell holds an error ({error:?})")));
                }
                other => Cell::Text(other.to_string()),
            };
            // Each row costs as many cells as its last filled one is wide, and each row before
            // it one more: the budget is spent before the room is taken.
            let new_rows = (r + 1).saturating_sub(rows.len()) as u64;
            let width = rows.get(r).map_or(0, Vec::len);
            let growth = new_rows + (c + 1).saturating_sub(width) as u64;
            if growth > cells_left {
                return Err(FormatError::file(format!(
                    "the workbook holds more than {} cells, the limit for a workbook: import larger tables as CSV",
                    limits.max_cells
                )));
            }
            cells_left -= growth;
            if rows.len() <= r {
                rows.resize_with(r + 1, Vec::new);
            }
            let row = &mut rows[r];
            if row.len() <= c {
                row.resize(c + 1, Cell::Empty);
            }
            row[c] = cell;
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

    /// A workbook package from its parts, with a sheet and, if given, a shared-string table.
    fn package(sheet: &[u8], shared_strings: Option<&[u8]>) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut parts: Vec<(&str, &[u8])> = vec![
            (
                "[Content_Types].xml",
                br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        if let Some(strings) = shared_strings {
            parts.push(("xl/sharedStrings.xml", strings));
        }
        for (name, content) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(content).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn sheet_xml(dimension: &str, cells: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
        )
        .into_bytes()
    }

    #[test]
    fn a_cell_at_the_last_column_and_row_is_read_without_filling_the_sheet() {
        let cells = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>7</v></c></row>"#;
        let bytes = package(&sheet_xml("A1:XFD1048576", cells), None);
        assert!(bytes.len() < 2000);
        let started = std::time::Instant::now();
        let sheets = read_xlsx(&bytes).unwrap();
        assert!(started.elapsed().as_secs() < 2);
        let rows = &sheets[0].rows;
        assert_eq!(rows.len(), 1_048_576);
        assert_eq!(rows[1_048_575].len(), 16_384);
        assert_eq!(rows[1_048_575][16_383], Cell::Number(7.0));
        assert!(rows[1].is_empty(), "rows between hold nothing");
        let mut table = crate::table::Table::xlsx(&bytes).unwrap();
        assert_eq!(table.next_record().unwrap().unwrap().row, 1_048_576);
    }

    #[test]
    fn a_zip_bomb_is_refused_from_its_directory_before_it_is_unpacked() {
        let mut cells = String::from(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#);
        cells.push_str(&" ".repeat(20 * 1024 * 1024));
        let bytes = package(&sheet_xml("A1", &cells), None);
        assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
        let started = std::time::Instant::now();
        let error = read_xlsx(&bytes).unwrap_err();
        assert!(started.elapsed().as_millis() < 500);
        assert!(error.message.contains("times its packed size"), "{error}");
        assert!(error.message.contains("limit of 250"), "{error}");
        // A part above the size limit is refused whatever its ratio.
        let limits = WorkbookLimits { max_entry_bytes: 1024 * 1024, ..WorkbookLimits::default() };
        let error = read_xlsx_within(&bytes, &limits).unwrap_err();
        assert!(error.message.contains("more than the limit of 1 MB"), "{error}");
        let limits = WorkbookLimits { max_unpacked_bytes: 1024 * 1024, max_ratio: u64::MAX, ..WorkbookLimits::default() };
        assert!(read_xlsx_within(&bytes, &limits).unwrap_err().message.contains("the limit for a workbook"));
    }

    #[test]
    fn a_part_larger_than_it_declares_is_refused() {
        let mut cells = String::from(r#"<row r="1"><c r="A1"><v>1</v></c></row>"#);
        cells.push_str(&" ".repeat(4000));
        let mut bytes = package(&sheet_xml("A1", &cells), None);
        // Declare the sheet 100 bytes long, in its local header and in the directory.
        let declared = 100u32.to_le_bytes();
        let name = b"xl/worksheets/sheet1.xml";
        let mut at = 0;
        while let Some(offset) = bytes[at..].windows(name.len()).position(|w| w == name) {
            let start = at + offset;
            // The name follows a local header 30 bytes long and a directory entry 46 bytes long.
            for (signature, length, size_at) in [(0x0403_4b50u32, 30, 22), (0x0201_4b50u32, 46, 24)] {
                if let Some(h) = start.checked_sub(length)
                    && bytes[h..h + 4] == signature.to_le_bytes()
                {
                    bytes[h + size_at..h + size_at + 4].copy_from_slice(&declared);
                }
            }
            at = start + name.len();
        }
        let error = read_xlsx(&bytes).unwrap_err();
        assert!(error.message.contains("damaged") || error.message.contains("not an XLSX"), "{error}");
    }

    #[test]
    fn an_unbelievable_count_of_shared_strings_is_refused_before_room_is_made_for_them() {
        let strings = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="99999999999999"><si><t>a</t></si></sst>"#;
        let bytes = package(&sheet_xml("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#), Some(strings));
        let error = read_xlsx(&bytes).unwrap_err();
        assert!(error.message.contains("99999999999999 shared strings"), "{error}");
        let strings = br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>code</t></si></sst>"#;
        let bytes = package(&sheet_xml("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#), Some(strings));
        assert_eq!(read_xlsx(&bytes).unwrap()[0].rows[0], vec![Cell::Text("code".into())]);
    }

    #[test]
    fn too_many_cells_are_refused_as_they_stream_and_the_limit_is_named() {
        let cells: String = (1..=50).map(|r| format!(r#"<row r="{r}"><c r="J{r}"><v>{r}</v></c></row>"#)).collect();
        let bytes = package(&sheet_xml("A1:J50", &cells), None);
        assert_eq!(read_xlsx(&bytes).unwrap()[0].rows.len(), 50);
        let limits = WorkbookLimits { max_cells: 200, ..WorkbookLimits::default() };
        let error = read_xlsx_within(&bytes, &limits).unwrap_err();
        assert!(error.message.contains("more than 200 cells"), "{error}");
        let limits = WorkbookLimits { max_file_bytes: 100, ..WorkbookLimits::default() };
        assert!(read_xlsx_within(&bytes, &limits).unwrap_err().message.contains("larger than 1 MB"));
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
