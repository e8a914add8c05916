//! The Open SDG data format: `data/indicator_<id>.csv` with `Year`, zero or more
//! disaggregation columns (a headline row leaves them all empty), an optional `GeoCode` and
//! `Value`; and `meta/<id>.csv` (or `csv-meta/`) with `key,value` rows.

use crate::FormatError;
use crate::table::{Table, column_index};
use std::collections::BTreeMap;
use std::io::Read;

/// The columns of an Open SDG data file.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSdgColumns {
    pub year: usize,
    pub value: usize,
    /// The disaggregation columns (with `GeoCode` and unit columns), by position and name.
    pub dimensions: Vec<(usize, String)>,
}

impl OpenSdgColumns {
    /// Finds the columns in a header; `Year` and `Value` are required.
    pub fn find(header: &[String]) -> Result<Self, FormatError> {
        if let Some(error) = crate::table::repeated_column(header) {
            return Err(error);
        }
        let year = column_index(header, "Year").ok_or_else(|| FormatError::cell(1, "Year", "the column Year is missing"))?;
        let value = column_index(header, "Value").ok_or_else(|| FormatError::cell(1, "Value", "the column Value is missing"))?;
        let mut dimensions = Vec::new();
        for (index, name) in header.iter().enumerate() {
            if index == year || index == value {
                continue;
            }
            if name.trim().is_empty() {
                return Err(FormatError::cell(1, &crate::spreadsheet::column_name(index), "a column has no name"));
            }
            if dimensions.iter().any(|(_, n): &(usize, String)| n.eq_ignore_ascii_case(name)) {
                return Err(FormatError::cell(1, name, "the column is given twice"));
            }
            dimensions.push((index, name.trim().to_owned()));
        }
        Ok(Self { year, value, dimensions })
    }
}

/// One data row: its year cell, its disaggregation labels (empty for the total) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSdgRow {
    pub row: usize,
    pub year: String,
    pub labels: Vec<String>,
    pub value: String,
}

/// Reads the next data row of an Open SDG table.
pub fn next_row<R: Read>(table: &mut Table<R>, columns: &OpenSdgColumns) -> Option<Result<OpenSdgRow, FormatError>> {
    let record = match table.next_record()? {
        Ok(record) => record,
        Err(e) => return Some(Err(e)),
    };
    let width = table.header().len();
    if record.cells.len() > width && record.cells[width..].iter().any(|c| !c.trim().is_empty()) {
        return Some(Err(FormatError {
            row: Some(record.row),
            column: None,
            message: format!("the row has {} cells, the header {width}", record.cells.len()),
        }));
    }
    let cell = |index: usize| record.cells.get(index).map(|c| c.trim().to_owned()).unwrap_or_default();
    Some(Ok(OpenSdgRow {
        row: record.row,
        year: cell(columns.year),
        labels: columns.dimensions.iter().map(|(index, _)| cell(*index)).collect(),
        value: cell(columns.value),
    }))
}

/// Whether a value cell holds no value: empty, or a marker such as `n/a`.
pub fn is_missing(value: &str) -> bool {
    matches!(value.trim().to_ascii_lowercase().as_str(), "" | "n/a" | "na" | ".." | "-" | ":")
}

/// Reads an Open SDG metadata file of `key,value` rows; the first value of a key counts.
pub fn read_metadata<R: Read>(reader: R) -> Result<BTreeMap<String, String>, FormatError> {
    let mut table = Table::csv(reader)?;
    let mut metadata = BTreeMap::new();
    // The header row is a key,value row too.
    let header = table.header().to_vec();
    let mut add = |cells: &[String]| {
        if let Some(key) = cells.first().map(|k| k.trim()).filter(|k| !k.is_empty()) {
            let value = cells.get(1).map(|v| v.trim().to_owned()).unwrap_or_default();
            metadata.entry(key.to_owned()).or_insert(value);
        }
    };
    add(&header);
    while let Some(record) = table.next_record() {
        add(&record?.cells);
    }
    Ok(metadata)
}

/// Writes an Open SDG data file: `Year`, the given columns, `Value`; `rows` hold a year label,
/// one label per column (empty for the total) and the value.
pub fn write_data(columns: &[String], rows: &[(String, Vec<String>, String)]) -> Result<Vec<u8>, FormatError> {
    use crate::neutralise;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = std::iter::once("Year").chain(columns.iter().map(String::as_str)).chain(std::iter::once("Value"));
    let fail = |e: csv::Error| FormatError::file(format!("cannot write CSV: {e}"));
    writer.write_record(header.map(neutralise).map(|c| c.into_owned())).map_err(fail)?;
    for (year, labels, value) in rows {
        let record = std::iter::once(year.as_str()).chain(labels.iter().map(String::as_str)).chain(std::iter::once(value.as_str()));
        writer.write_record(record.map(neutralise).map(|c| c.into_owned())).map_err(fail)?;
    }
    writer.into_inner().map_err(|e| FormatError::file(format!("cannot write CSV: {e}")))
}

/// An SDMX-style identifier made from a label: upper case letters, digits and `_`, at most
/// `max` characters (`Type of Crime` is `TYPE_OF_CRIME`).
pub fn identifier(label: &str, max: usize) -> String {
    let mut id = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_uppercase());
        } else if !id.ends_with('_') && !id.is_empty() {
            id.push('_');
        }
    }
    while id.ends_with('_') {
        id.pop();
    }
    if id.len() > max {
        // Keep identifiers apart that share a long beginning.
        let hash = label.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        id.truncate(max - 9);
        id.push_str(&format!("_{hash:08X}"));
    }
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert_str(0, "X_");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_found_and_rows_read() {
        let mut table = Table::csv("Year,Type of Crime,GeoCode,Value\n2018,,,16858\n2018,Homicide,,7\n".as_bytes()).unwrap();
        let columns = OpenSdgColumns::find(table.header()).unwrap();
        assert_eq!(columns.dimensions, [(1, "Type of Crime".to_owned()), (2, "GeoCode".to_owned())]);
        let headline = next_row(&mut table, &columns).unwrap().unwrap();
        assert_eq!((headline.labels.clone(), headline.value.as_str()), (vec![String::new(), String::new()], "16858"));
        assert_eq!(next_row(&mut table, &columns).unwrap().unwrap().labels[0], "Homicide");
        assert!(OpenSdgColumns::find(&["Year".to_owned(), "Sex".to_owned()]).unwrap_err().message.contains("Value"));
    }

    #[test]
    fn written_data_neutralises_formulas_in_headers_and_cells_and_keeps_numbers() {
        let rows = vec![("2020".to_owned(), vec!["=HYPERLINK(\"http://x\")".to_owned()], "-1.5".to_owned())];
        let bytes = write_data(&["@Sex".to_owned()], &rows).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "Year,'@Sex,Value\n2020,\"'=HYPERLINK(\"\"http://x\"\")\",-1.5\n");
        let rows = vec![("2021".to_owned(), vec!["+cmd".to_owned()], "-cmd|' /C calc'!A0".to_owned())];
        let text = String::from_utf8(write_data(&["Group".to_owned()], &rows).unwrap()).unwrap();
        assert!(text.contains("'+cmd") && text.contains("'-cmd|"), "{text}");
    }

    #[test]
    fn identifiers_are_sdmx_ids() {
        assert_eq!(identifier("Type of Crime", 50), "TYPE_OF_CRIME");
        assert_eq!(identifier("Learning sub-category (higher)", 50), "LEARNING_SUB_CATEGORY_HIGHER");
        assert_eq!(identifier("2nd", 50), "X_2ND");
        let long = identifier(&"ABBOTSBURY B3157 PORTESHAM ROAD STW 13001 ".repeat(2), 40);
        assert_eq!(long.len(), 40);
    }

    #[test]
    fn metadata_is_read_as_keys_and_values() {
        let meta = read_metadata("\u{feff}National metadata,\nUnit of measurement,%\nReporting status,complete\n".as_bytes()).unwrap();
        assert_eq!(meta.get("Unit of measurement").map(String::as_str), Some("%"));
        assert_eq!(meta.get("Reporting status").map(String::as_str), Some("complete"));
    }
}
