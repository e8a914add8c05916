//! Readers and writers of the files Rights Monitor exchanges. Each turns bytes into domain types
//! and back, and knows nothing of storage or HTTP.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod composite;
pub mod composite_options;
pub mod framework_xlsx;
pub mod geojson;
pub mod open_sdg;
pub mod open_sdg_progress;
pub mod pdf;
pub mod series_csv;
pub mod spreadsheet;
pub mod survey;
pub mod table;
mod toml_keys;

/// Text that a spreadsheet would take for a formula gets a leading apostrophe; numbers (such as
/// -0.5) stay as they are. Every CSV the system writes passes its cells and headers through it.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err() { format!("'{text}").into() } else { text.into() }
}

/// Why a file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location(*row, column.as_deref()))]
pub struct FormatError {
    /// The row, counting the header as row 1, as spreadsheet programs show it.
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

fn location(row: Option<usize>, column: Option<&str>) -> String {
    match (row, column) {
        (Some(row), Some(column)) => format!("row {row}, column {column}: "),
        (Some(row), None) => format!("row {row}: "),
        (None, Some(column)) => format!("column {column}: "),
        (None, None) => String::new(),
    }
}

impl FormatError {
    pub fn file(message: impl Into<String>) -> Self {
        Self { row: None, column: None, message: message.into() }
    }

    pub fn cell(row: usize, column: &str, message: impl Into<String>) -> Self {
        Self { row: Some(row), column: Some(column.to_owned()), message: message.into() }
    }
}
