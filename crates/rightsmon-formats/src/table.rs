//! Tables read row by row from CSV (streamed) or from the first sheet of an XLSX workbook.
//!
//! CSV must be UTF-8, with or without a byte order mark; a UTF-16 file, or any byte sequence
//! that is not UTF-8, is refused with the row it is in. Rows are numbered as a spreadsheet
//! program shows them: the header is row 1.

use crate::FormatError;
use crate::spreadsheet::{Cell, Sheet, column_name, read_xlsx};
use std::io::{BufRead, BufReader, Read};

/// How a CSV file writes its values: the byte between fields, and whether its numbers have a
/// decimal comma (`53,5`), as spreadsheets in much of Europe save them (with `;` between fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CsvDialect {
    #[serde(serialize_with = "as_char")]
    pub delimiter: u8,
    pub decimal_comma: bool,
    /// Whether the reader found the dialect itself rather than being told.
    pub detected: bool,
}

fn as_char<S: serde::Serializer>(byte: &u8, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_char(char::from(*byte))
}

impl CsvDialect {
    /// The separator as words, for reports.
    pub fn delimiter_name(&self) -> &'static str {
        match self.delimiter {
            b';' => "semicolon (;)",
            b'\t' => "tab",
            b'|' => "vertical bar (|)",
            _ => "comma (,)",
        }
    }
}

/// What a CSV reader is told about a file; what it is not told it finds out from the header row
/// (the separator the header uses most) and from the separator (`;` files have decimal commas).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    pub delimiter: Option<u8>,
    pub decimal_comma: Option<bool>,
}

impl CsvOptions {
    /// Options from the words of a form or a command line: a separator of `,`, `;`, `tab` (or
    /// `comma`, `semicolon`), a decimal mark of `point` or `comma`; empty or `auto` to detect.
    pub fn parse(separator: &str, decimal: &str) -> Result<Self, String> {
        let delimiter = match separator.trim() {
            "" | "auto" => None,
            "," | "comma" => Some(b','),
            ";" | "semicolon" => Some(b';'),
            "tab" | "\t" => Some(b'\t'),
            other => return Err(format!("{other:?} is not a separator: use comma, semicolon or tab (or auto)")),
        };
        let decimal_comma = match decimal.trim() {
            "" | "auto" => None,
            "point" | "." => Some(false),
            "comma" | "," => Some(true),
            other => return Err(format!("{other:?} is not a decimal mark: use point or comma (or auto)")),
        };
        Ok(Self { delimiter, decimal_comma })
    }
}

/// The separator a header row uses most, outside quotes: `;`, tab or `,` (a tie goes to `,`).
fn detect_delimiter(start: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &byte in start {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(count) = counts.iter_mut().find(|(d, _)| *d == byte) {
                    count.1 += 1;
                }
            }
            _ => {}
        }
    }
    let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts.iter().find(|(_, n)| *n == most && most > 0).map_or(b',', |(d, _)| *d)
}

/// One row of a table after the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub row: usize,
    pub cells: Vec<String>,
}

/// Where the bytes read so far stand in CSV's quoting, as the reader will see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Passes bytes through and remembers where the lines end, for row numbers, and where a quoted
/// value opened, so that a quote never closed is named instead of swallowing the rest of the file.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    /// Offsets of line ends read but not yet passed by a record.
    newlines: std::collections::VecDeque<u64>,
    /// Lines wholly before the first pending newline.
    lines_before: usize,
    quoting: Quoting,
    quote_opened_at: u64,
    /// The offset of the quote still open at the end of the file.
    unclosed_quote: Option<u64>,
    /// A carriage return just read, whose line end depends on the byte after it: with a line
    /// feed it ends a line once, alone it ends a line as old spreadsheets write them.
    pending_cr: Option<u64>,
    /// Bytes since the last line end outside quotes: the current record's length so far.
    record_bytes: u64,
    /// The byte that separates fields.
    delimiter: u8,
}

/// The longest row a table may have (a line, or several within quotes): a file made of one
/// endless row is refused before the reader holds it.
pub const MAX_ROW_BYTES: u64 = 16 * 1024 * 1024;

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            if self.quoting == Quoting::Quoted {
                self.unclosed_quote = Some(self.quote_opened_at);
            }
            if let Some(cr) = self.pending_cr.take() {
                self.newlines.push_back(cr);
            }
        }
        for (i, b) in buf[..n].iter().enumerate() {
            let at = self.offset + i as u64;
            if let Some(cr) = self.pending_cr.take()
                && *b != b'\n'
            {
                self.newlines.push_back(cr);
            }
            match *b {
                b'\n' => self.newlines.push_back(at),
                b'\r' => self.pending_cr = Some(at),
                _ => {}
            }
            self.record_bytes += 1;
            if matches!(*b, b'\n' | b'\r') && self.quoting != Quoting::Quoted {
                self.record_bytes = 0;
            } else if self.record_bytes > MAX_ROW_BYTES {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("a row is longer than {} MB, the limit of a row", MAX_ROW_BYTES / (1024 * 1024)),
                ));
            }
            self.quoting = match (self.quoting, *b) {
                (Quoting::Quoted, b'"') => Quoting::QuoteInQuoted,
                (Quoting::Quoted, _) => Quoting::Quoted,
                (Quoting::FieldStart, b'"') => {
                    self.quote_opened_at = at;
                    Quoting::Quoted
                }
                (Quoting::QuoteInQuoted, b'"') => Quoting::Quoted,
                (_, b'\n' | b'\r') => Quoting::FieldStart,
                (_, b) if b == self.delimiter => Quoting::FieldStart,
                _ => Quoting::Unquoted,
            };
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R> LineCounter<R> {
    /// The line (from 1) the byte at `offset` lies on; offsets must not go back.
    fn line_of(&mut self, offset: u64) -> usize {
        while self.newlines.front().is_some_and(|&nl| nl < offset) {
            self.newlines.pop_front();
            self.lines_before += 1;
        }
        self.lines_before + 1
    }
}

enum Source<R: Read> {
    Csv(Box<csv::Reader<BufReader<LineCounter<R>>>>, csv::ByteRecord, u64),
    Rows(std::vec::IntoIter<(usize, Vec<String>)>),
}

/// A table: its header, then its records one at a time.
pub struct Table<R: Read> {
    header: Vec<String>,
    /// How a CSV file writes its values (none for a workbook).
    dialect: Option<CsvDialect>,
    source: Source<R>,
    /// The number of bytes read so far, for progress.
    position: u64,
}

impl<R: Read> std::fmt::Debug for Table<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("header", &self.header).finish_non_exhaustive()
    }
}

fn utf8(row: usize, column: usize, bytes: &[u8]) -> Result<String, FormatError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        FormatError::cell(row, &column_name(column), "the text is not UTF-8: save the file as UTF-8 (CSV UTF-8) and import it again")
    })
}

impl<R: Read> Table<R> {
    /// Reads a CSV table's header, finding out its separator and decimal mark; the records are
    /// read as they are asked for.
    pub fn csv(reader: R) -> Result<Self, FormatError> {
        Self::csv_with(reader, CsvOptions::default())
    }

    /// Reads a CSV table's header with what is known of its dialect.
    pub fn csv_with(reader: R, options: CsvOptions) -> Result<Self, FormatError> {
        let counter = LineCounter {
            inner: reader,
            offset: 0,
            newlines: std::collections::VecDeque::new(),
            lines_before: 0,
            quoting: Quoting::FieldStart,
            quote_opened_at: 0,
            unclosed_quote: None,
            pending_cr: None,
            record_bytes: 0,
            delimiter: b',',
        };
        let mut buffered = BufReader::with_capacity(64 * 1024, counter);
        let start = buffered.fill_buf().map_err(|e| FormatError::file(format!("the file cannot be read: {e}")))?;
        if start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF]) {
            return Err(FormatError::file("the file is UTF-16: save it as UTF-8 (CSV UTF-8) and import it again"));
        }
        let bom = if start.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
        let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(&start[bom as usize..]));
        let dialect = CsvDialect {
            delimiter,
            decimal_comma: options.decimal_comma.unwrap_or(delimiter == b';'),
            detected: options.delimiter.is_none() || options.decimal_comma.is_none(),
        };
        buffered.consume(bom as usize);
        buffered.get_mut().delimiter = delimiter;
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(buffered);
        let mut record = csv::ByteRecord::new();
        let has_header = reader.read_byte_record(&mut record).map_err(|e| FormatError::file(format!("the file is not valid CSV: {e}")))?;
        if !has_header {
            return Err(FormatError::file("the file is empty: it needs a header row"));
        }
        let header =
            record.iter().enumerate().map(|(c, bytes)| utf8(1, c, bytes).map(|h| h.trim().to_owned())).collect::<Result<_, _>>()?;
        Ok(Self { header, dialect: Some(dialect), source: Source::Csv(Box::new(reader), csv::ByteRecord::new(), bom), position: 0 })
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// How the CSV file writes its values; `None` for a workbook.
    pub fn dialect(&self) -> Option<CsvDialect> {
        self.dialect
    }

    /// A number cell as a decimal point writes it: a decimal comma is rewritten in a file that
    /// has them; anything else is left for the number parser to judge.
    pub fn number_text(&self, text: &str) -> String {
        match self.dialect {
            Some(d) if d.decimal_comma => rightsmon_domain::observation::from_decimal_comma(text).unwrap_or_else(|| text.to_owned()),
            _ => text.to_owned(),
        }
    }

    /// How far into the file the reader is, in bytes (0 for a workbook).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The next record, or `None` at the end. Blank rows are skipped.
    pub fn next_record(&mut self) -> Option<Result<Record, FormatError>> {
        match &mut self.source {
            Source::Csv(reader, record, bom) => loop {
                match reader.read_byte_record(record) {
                    Ok(false) => return None,
                    Err(e) => {
                        let offset = (reader.position().byte() + *bom).saturating_sub(1);
                        let row = reader.get_mut().get_mut().line_of(offset);
                        let error = match e.kind() {
                            // The file itself cannot be read on (or a row is endless): the table ends here.
                            csv::ErrorKind::Io(io) => {
                                let message = io.to_string();
                                self.source = Source::Rows(Vec::new().into_iter());
                                FormatError { row: Some(row), column: None, message }
                            }
                            _ => FormatError { row: Some(row), column: None, message: format!("the row is not valid CSV: {e}") },
                        };
                        return Some(Err(error));
                    }
                    Ok(true) => {
                        // The reader stands just past the record's last byte (its CR, or its LF).
                        self.position = reader.position().byte();
                        let counter = reader.get_mut().get_mut();
                        if let Some(opened) = counter.unclosed_quote
                            && self.position + *bom >= counter.offset
                        {
                            // The quote opens the record's last value, which runs to the end.
                            let row = counter.line_of(opened);
                            let column = column_name(record.len().saturating_sub(1));
                            return Some(Err(FormatError::cell(
                                row,
                                &column,
                                "a quote opens a value here and is never closed, so the rest of the file would be read as \
                                 this one value: close the quote, or remove it",
                            )));
                        }
                        let row = counter.line_of((self.position + *bom).saturating_sub(1));
                        if record.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace)) {
                            continue;
                        }
                        if record.len() != self.header.len() {
                            let (found, expected) = (record.len(), self.header.len());
                            let mut message = format!("the row has {found} values but the header has {expected} columns");
                            if found > expected {
                                let delimiter = self.dialect.map_or(b',', |d| d.delimiter);
                                message.push_str(&format!(": a value holding the separator {:?} must be in quotes", char::from(delimiter)));
                                if delimiter == b',' {
                                    message.push_str(
                                        " (a decimal comma such as 53,0 splits a value in two: quote it, or save the file with ; between fields)",
                                    );
                                }
                            }
                            return Some(Err(FormatError { row: Some(row), column: None, message }));
                        }
                        let cells: Result<Vec<String>, FormatError> =
                            record.iter().enumerate().map(|(c, bytes)| utf8(row, c, bytes)).collect();
                        return Some(cells.map(|cells| Record { row, cells }));
                    }
                }
            },
            Source::Rows(rows) => rows.next().map(|(row, cells)| Ok(Record { row, cells })),
        }
    }
}

impl Table<std::io::Empty> {
    /// Reads the first sheet of an XLSX workbook, within the default workbook limits
    /// ([`crate::spreadsheet::WorkbookLimits`]); a damaged or truncated workbook is refused.
    pub fn xlsx(bytes: &[u8]) -> Result<Self, FormatError> {
        let sheet = read_xlsx(bytes)?.into_iter().next().ok_or_else(|| FormatError::file("the workbook has no sheet"))?;
        Self::sheet(sheet)
    }

    /// A sheet already read, as a table: its first row is the header.
    pub fn sheet(sheet: Sheet) -> Result<Self, FormatError> {
        let text = |cell: Cell| match cell {
            Cell::Empty => String::new(),
            Cell::Text(t) => t,
            Cell::Number(n) => n.to_string(),
        };
        let mut rows = sheet.rows.into_iter().enumerate();
        let header: Vec<String> = rows
            .next()
            .map(|(_, cells)| cells.into_iter().map(|c| text(c).trim().to_owned()).collect())
            .ok_or_else(|| FormatError::file("the sheet is empty: it needs a header row"))?;
        let records: Vec<(usize, Vec<String>)> = rows
            .map(|(index, cells)| (index + 1, cells.into_iter().map(text).collect::<Vec<_>>()))
            .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
            .collect();
        Ok(Self { header, dialect: None, source: Source::Rows(records.into_iter()), position: 0 })
    }
}

/// The first column whose name an earlier column has already (ignoring case and surrounding
/// space), as the error a reader gives: a table with two `value` columns is ambiguous.
pub fn repeated_column(header: &[String]) -> Option<FormatError> {
    header.iter().enumerate().skip(1).find_map(|(index, name)| {
        let name = name.trim();
        let first = header[..index].iter().position(|h| !name.is_empty() && h.trim().eq_ignore_ascii_case(name))?;
        Some(FormatError::cell(
            1,
            &column_name(index),
            format!("the column {name:?} is given twice (columns {} and {}): keep one", column_name(first), column_name(index)),
        ))
    })
}

/// Finds a column by name, ignoring case and surrounding space.
pub fn column_index(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h.trim().eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_table_streams_its_records_with_spreadsheet_row_numbers() {
        let mut table = Table::csv("\u{feff}Year,Value\r\n2020,1\r\n\r\n2021,\"2\"\n".as_bytes()).unwrap();
        assert_eq!(table.header(), ["Year", "Value"]);
        assert_eq!(table.next_record().unwrap().unwrap(), Record { row: 2, cells: vec!["2020".into(), "1".into()] });
        assert_eq!(table.next_record().unwrap().unwrap().row, 4);
        assert!(table.next_record().is_none());
    }

    #[test]
    fn anything_but_utf8_is_refused_with_its_row() {
        let mut table = Table::csv(&b"Year,Value\n2020,1\n2021,caf\xe9\n"[..]).unwrap();
        assert!(table.next_record().unwrap().is_ok());
        let error = table.next_record().unwrap().unwrap_err();
        assert_eq!((error.row, error.column.as_deref()), (Some(3), Some("B")));
        assert!(Table::csv(&b"\xff\xfeY\x00e\x00"[..]).unwrap_err().message.contains("UTF-16"));
        assert!(Table::csv(&b""[..]).unwrap_err().message.contains("empty"));
    }

    #[test]
    fn rows_ending_in_a_carriage_return_alone_are_counted_as_spreadsheets_count_them() {
        let mut table = Table::csv("Year,Value\r2020,1\r\r2021,2\r\n2022,3".as_bytes()).unwrap();
        let rows: Vec<usize> = std::iter::from_fn(|| table.next_record()).map(|r| r.unwrap().row).collect();
        assert_eq!(rows, [2, 4, 5]);
    }

    #[test]
    fn an_endless_row_is_refused_before_it_is_held() {
        let mut endless = b"a,b\n1,".to_vec();
        endless.extend(std::iter::repeat_n(b'x', (MAX_ROW_BYTES + 10) as usize));
        let mut table = Table::csv(endless.as_slice()).unwrap();
        let error = table.next_record().unwrap().unwrap_err();
        assert!(error.message.contains("longer than 16 MB"), "{error}");
        assert_eq!(error.row, Some(2));
        assert!(table.next_record().is_none(), "the table ends there");
    }

    #[test]
    fn a_quote_never_closed_is_named_where_it_opens() {
        let mut table = Table::csv("indicator,area,value\nRM-1,ghent,1\nRM-1,\"ghent,2\nRM-1,padova,3\n".as_bytes()).unwrap();
        assert!(table.next_record().unwrap().is_ok());
        let error = table.next_record().unwrap().unwrap_err();
        assert_eq!((error.row, error.column.as_deref()), (Some(3), Some("B")), "{error}");
        assert!(error.message.contains("never closed"), "{error}");
        // Quotes that close, also around line breaks and doubled inside, are read as values.
        let mut table = Table::csv("a,b\n\"x\"\"y\",\"two\nlines\"\n\"\",z".as_bytes()).unwrap();
        assert_eq!(table.next_record().unwrap().unwrap().cells, vec!["x\"y".to_owned(), "two\nlines".to_owned()]);
        assert_eq!(table.next_record().unwrap().unwrap().cells, vec![String::new(), "z".to_owned()]);
        assert!(table.next_record().is_none());
    }

    #[test]
    fn a_column_given_twice_is_named() {
        let header: Vec<String> = ["indicator", "value", "area", " Value "].iter().map(|s| (*s).to_owned()).collect();
        let error = repeated_column(&header).unwrap();
        assert_eq!(error.column.as_deref(), Some("D"));
        assert!(error.message.contains("columns B and D"), "{error}");
        assert!(repeated_column(&header[..3]).is_none());
    }

    #[test]
    fn a_truncated_workbook_is_refused() {
        let sheet =
            crate::spreadsheet::Sheet { name: "data".into(), rows: vec![vec![Cell::Text("Year".into())], vec![Cell::Number(2020.0)]] };
        let bytes = crate::spreadsheet::write_xlsx(&[sheet]).unwrap();
        let mut table = Table::xlsx(&bytes).unwrap();
        assert_eq!(table.next_record().unwrap().unwrap(), Record { row: 2, cells: vec!["2020".into()] });
        assert!(Table::xlsx(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn a_file_saved_with_semicolons_is_read_with_its_decimal_commas() {
        let mut table = Table::csv("indicator;area;period;value\nRM-1;ghent;2020;\"53,5\"\nRM-1;ghent;2021;1.234,5\n".as_bytes()).unwrap();
        let dialect = table.dialect().unwrap();
        assert_eq!((dialect.delimiter, dialect.decimal_comma, dialect.detected), (b';', true, true));
        assert_eq!(table.header(), ["indicator", "area", "period", "value"]);
        let first = table.next_record().unwrap().unwrap();
        assert_eq!(table.number_text(&first.cells[3]), "53.5");
        let second = table.next_record().unwrap().unwrap();
        assert_eq!(table.number_text(&second.cells[3]), "1234.5");
        // A comma file keeps its commas for the number parser to refuse.
        let table = Table::csv("a,b\n1,2\n".as_bytes()).unwrap();
        assert_eq!(table.dialect().unwrap().delimiter, b',');
        assert_eq!(table.number_text("1,5"), "1,5");
        // Told, the reader does not guess.
        let told = CsvOptions::parse("semicolon", "point").unwrap();
        let table = Table::csv_with("a;b\n1.5;2\n".as_bytes(), told).unwrap();
        assert_eq!((table.dialect().unwrap().decimal_comma, table.dialect().unwrap().detected), (false, false));
        assert_eq!(CsvOptions::parse("tab", "auto").unwrap().delimiter, Some(b'\t'));
        assert!(CsvOptions::parse("pipe", "").is_err() && CsvOptions::parse("", "dot dot").is_err());
    }

    #[test]
    fn a_row_with_more_or_fewer_values_than_the_header_is_refused_with_its_row() {
        let mut table =
            Table::csv("indicator,area,period,value,source_name\nRM-1,ghent,2020,53,0,Survey\nRM-1,ghent,2021\n".as_bytes()).unwrap();
        let extra = table.next_record().unwrap().unwrap_err();
        assert_eq!(extra.row, Some(2));
        assert!(extra.message.contains("6 values but the header has 5") && extra.message.contains("decimal comma"), "{extra}");
        let fewer = table.next_record().unwrap().unwrap_err();
        assert_eq!(fewer.row, Some(3));
        assert!(fewer.message.contains("3 values but the header has 5"), "{fewer}");
        // Quoted, the comma stays inside its value.
        let mut table = Table::csv("a,b\n\"53,0\",x\n".as_bytes()).unwrap();
        assert_eq!(table.next_record().unwrap().unwrap().cells, ["53,0", "x"]);
    }
}
