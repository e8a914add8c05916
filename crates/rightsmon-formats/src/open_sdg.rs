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

// --- the layout of an Open SDG site's data ---

/// The prefix and suffix of a data file's name: `indicator_16-1-3.csv`.
const DATA_PREFIX: &str = "indicator_";
const DATA_SUFFIX: &str = ".csv";

/// The folders that may hold an indicator's metadata (`<folder>/<id>.csv`), in the order tried.
pub const METADATA_FOLDERS: [&str; 2] = ["meta", "csv-meta"];

/// The largest metadata file read: a few dozen key,value rows are usual.
pub const MAX_METADATA_BYTES: u64 = 4 * 1024 * 1024;

/// The metadata key that says whether an indicator is ready, and the value that says it is.
pub const REPORTING_STATUS: &str = "Reporting status";
const COMPLETE: &str = "complete";

/// The indicator id a data file's name gives: `indicator_16-1-3.csv` is `16-1-3`; `None` for a
/// name of another form.
pub fn indicator_id(file_name: &str) -> Option<&str> {
    file_name.strip_prefix(DATA_PREFIX)?.strip_suffix(DATA_SUFFIX).filter(|id| !id.is_empty())
}

/// The name of an indicator's data file: `16-1-3` is `indicator_16-1-3.csv`.
pub fn data_file_name(id: &str) -> String {
    format!("{DATA_PREFIX}{id}{DATA_SUFFIX}")
}

/// Whether an indicator's metadata says it is published on its site (reporting status
/// `complete`); an indicator of a folder with metadata is imported only then.
pub fn is_complete(metadata: &BTreeMap<String, String>) -> bool {
    metadata.get(REPORTING_STATUS).map(String::as_str) == Some(COMPLETE)
}

/// One indicator of an Open SDG folder.
#[derive(Debug, Clone, PartialEq)]
pub struct FolderIndicator {
    /// The id, `16-1-3`.
    pub id: String,
    /// Its data file, `data/indicator_16-1-3.csv`.
    pub data: std::path::PathBuf,
    /// Its metadata (empty when it has none).
    pub metadata: BTreeMap<String, String>,
}

/// The indicators of an Open SDG folder, by id: each `data/indicator_<id>.csv`, with metadata
/// from `meta/<id>.csv` or `csv-meta/<id>.csv` where it exists. An indicator with metadata is
/// listed only when its reporting status is `complete`. A metadata file larger than
/// [`MAX_METADATA_BYTES`] is refused before it is read.
pub fn read_folder(folder: &std::path::Path) -> Result<Vec<FolderIndicator>, FormatError> {
    let data = folder.join("data");
    let entries = std::fs::read_dir(&data).map_err(|e| FormatError::file(format!("cannot read {}: {e}", data.display())))?;
    let mut found: Vec<(String, std::path::PathBuf)> = entries
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let id = indicator_id(path.file_name()?.to_str()?)?.to_owned();
            Some((id, path))
        })
        .collect();
    found.sort();
    let mut indicators = Vec::with_capacity(found.len());
    for (id, path) in found {
        let meta_path = METADATA_FOLDERS.iter().map(|m| folder.join(m).join(format!("{id}.csv"))).find(|p| p.is_file());
        let metadata = match &meta_path {
            Some(meta_path) => {
                let name = meta_path.display();
                let size = std::fs::metadata(meta_path).map_err(|e| FormatError::file(format!("cannot read {name}: {e}")))?.len();
                if size > MAX_METADATA_BYTES {
                    return Err(FormatError::file(format!(
                        "{name} holds {size} bytes; a metadata file may hold at most {MAX_METADATA_BYTES}"
                    )));
                }
                let file = std::fs::File::open(meta_path).map_err(|e| FormatError::file(format!("cannot read {name}: {e}")))?;
                let metadata = read_metadata(file).map_err(|e| FormatError::file(format!("{name}: {e}")))?;
                if !is_complete(&metadata) {
                    continue;
                }
                metadata
            }
            None => BTreeMap::new(),
        };
        indicators.push(FolderIndicator { id, data: path, metadata });
    }
    Ok(indicators)
}

/// What an indicator's Open SDG metadata says, in the terms of an indicator definition; each
/// text cleaned of control characters and cut to the length the definition allows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndicatorMetadata {
    pub title: Option<String>,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub source_name: Option<String>,
    pub source_code: Option<String>,
    pub source_url: Option<String>,
}

impl IndicatorMetadata {
    /// Reads the keys Open SDG sites use, the first non-empty one of each list counting.
    pub fn of(metadata: &BTreeMap<String, String>) -> Self {
        let meta = |keys: &[&str], max: usize| {
            keys.iter().filter_map(|k| metadata.get(*k)).map(|v| v.trim()).find(|v| !v.is_empty()).map(|text| clip(text, max))
        };
        Self {
            title: meta(&["Indicator available", "Graph title", "Indicator name"], 300),
            description: meta(&["Indicator description", "Definitions"], 5000),
            unit: meta(&["Unit of measurement", "computation_units"], 60),
            source_name: meta(&["Source 1 organisation"], 300),
            source_code: meta(&["Source 1 link to data source text"], 300),
            source_url: meta(&["Source 1 link to data source"], 1000),
        }
    }
}

/// A text without control characters, at most `max` characters long, trimmed.
fn clip(text: &str, max: usize) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    clean.chars().take(max).collect::<String>().trim().to_owned()
}

/// The SDG target and goal an Open SDG id names, as right codes: `16-1-3` names target
/// `SDG-16.1` of goal `SDG-16`.
pub fn sdg_target_and_goal(id: &str) -> Option<(String, String)> {
    let mut parts = id.split('-');
    let goal = parts.next().filter(|g| !g.is_empty())?;
    let target = parts.next().filter(|t| !t.is_empty())?;
    Some((format!("SDG-{goal}.{target}"), format!("SDG-{goal}")))
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

    #[test]
    fn data_file_names_give_their_indicator_ids() {
        assert_eq!(indicator_id("indicator_16-1-3.csv"), Some("16-1-3"));
        assert_eq!(indicator_id(&data_file_name("1-2-1")), Some("1-2-1"));
        for other in ["indicator_.csv", "16-1-3.csv", "indicator_16-1-3.xlsx", "meta_16-1-3.csv"] {
            assert_eq!(indicator_id(other), None, "{other}");
        }
    }

    #[test]
    fn a_folder_lists_its_complete_indicators_with_their_metadata() {
        let dir = std::env::temp_dir().join(format!("rightsmon-open-sdg-folder-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["data", "meta", "csv-meta"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        for id in ["1-1-1", "16-1-3", "3-4-1"] {
            std::fs::write(dir.join("data").join(data_file_name(id)), "Year,Value\n2020,1\n").unwrap();
        }
        std::fs::write(dir.join("data/notes.txt"), "not data").unwrap();
        std::fs::write(dir.join("meta/16-1-3.csv"), "Reporting status,complete\nIndicator name,Victims of violence\n").unwrap();
        std::fs::write(dir.join("csv-meta/3-4-1.csv"), "Reporting status,notstarted\n").unwrap();
        let listed = read_folder(&dir).unwrap();
        let ids: Vec<&str> = listed.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["1-1-1", "16-1-3"], "no metadata: listed; metadata not complete: left out");
        assert!(listed[0].metadata.is_empty());
        assert_eq!(IndicatorMetadata::of(&listed[1].metadata).title.as_deref(), Some("Victims of violence"));
        std::fs::write(dir.join("meta/1-1-1.csv"), vec![b'x'; usize::try_from(MAX_METADATA_BYTES).unwrap() + 1]).unwrap();
        assert!(read_folder(&dir).unwrap_err().message.contains("at most"), "a metadata file too large is refused");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn metadata_is_read_from_the_keys_sites_use_and_clipped() {
        let metadata: BTreeMap<String, String> = [
            ("Graph title", "  "),
            ("Indicator name", "Name\u{7}with a bell"),
            ("Unit of measurement", &"u".repeat(100)),
            ("Source 1 organisation", "Statistics Office"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let read = IndicatorMetadata::of(&metadata);
        assert_eq!(read.title.as_deref(), Some("Name with a bell"), "an empty key is passed over, a control character goes");
        assert_eq!(read.unit.map(|u| u.len()), Some(60));
        assert_eq!(read.source_name.as_deref(), Some("Statistics Office"));
        assert_eq!(read.description, None);
    }

    #[test]
    fn an_id_names_its_sdg_target_and_goal() {
        assert_eq!(sdg_target_and_goal("16-1-3"), Some(("SDG-16.1".to_owned(), "SDG-16".to_owned())));
        assert_eq!(sdg_target_and_goal("16"), None);
    }
}
