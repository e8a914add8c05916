//! Values as a CSV download: one row per value with its bounds, state and sources. Every text a
//! spreadsheet would take for a formula is neutralised; numbers are written in full.

use crate::composite::number;
use crate::neutralise;
use rightsmon_domain::observation::{NewObservation, ObservationValue};
use std::io::Write;

/// The columns of the long table, in order: what a download writes and an import reads, so that
/// a download imports again as it stands. `state` says how far a downloaded value had come; an
/// import reads it as information only (new values start as drafts, or submitted on request).
pub const COLUMNS: [&str; 15] = [
    "indicator",
    "version",
    "area",
    "period",
    "group",
    "value",
    "lower_bound",
    "upper_bound",
    "status",
    "provenance",
    "source_name",
    "source_reference",
    "source_date",
    "method_note",
    "state",
];

/// Writes `values` in the order given.
pub fn write<'a, W: Write>(writer: W, values: impl IntoIterator<Item = &'a NewObservation>) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(writer);
    w.write_record(COLUMNS)?;
    let text = |t: &Option<String>| t.as_deref().map(|t| neutralise(t).into_owned()).unwrap_or_default();
    let bound = |b: Option<f64>| b.map(number).unwrap_or_default();
    for v in values {
        let value = match &v.value {
            ObservationValue::Number(n) => number(*n),
            ObservationValue::Text(t) => neutralise(t).into_owned(),
        };
        w.write_record([
            v.indicator.to_string(),
            v.version.to_string(),
            v.area.to_string(),
            v.period.to_string(),
            v.key.to_string(),
            value,
            bound(v.lower_bound),
            bound(v.upper_bound),
            v.status.as_str().to_owned(),
            v.provenance.kind.as_str().to_owned(),
            text(&v.provenance.source_name),
            text(&v.provenance.source_reference),
            v.provenance.source_date.map(|d| d.to_string()).unwrap_or_default(),
            text(&v.provenance.method_note),
            v.state.as_str().to_owned(),
        ])?;
    }
    w.flush()
}

/// A value with the names of its codes, in one language, for downloads people read.
#[derive(Debug, Clone)]
pub struct Labelled<'a> {
    pub value: &'a NewObservation,
    pub indicator_name: String,
    pub area_name: String,
    /// The group's name (empty for the whole population).
    pub group_name: String,
    pub unit: String,
}

/// The columns of a labelled download: each code with its name beside it, and a survey value's
/// sampling precision.
pub const LABELLED_COLUMNS: [&str; 21] = [
    "indicator",
    "indicator_name",
    "version",
    "area",
    "area_name",
    "period",
    "group",
    "group_name",
    "value",
    "unit",
    "lower_bound",
    "upper_bound",
    "state",
    "provenance",
    "source_name",
    "source_reference",
    "source_date",
    "standard_error",
    "design_effect",
    "respondents",
    "confidence",
];

fn labelled_cells(row: &Labelled<'_>) -> Vec<crate::spreadsheet::Cell> {
    use crate::spreadsheet::Cell;
    let v = row.value;
    let text = |t: &str| if t.is_empty() { Cell::Empty } else { Cell::Text(t.to_owned()) };
    let optional = |t: &Option<String>| t.as_deref().map_or(Cell::Empty, text);
    let number = |n: Option<f64>| n.map_or(Cell::Empty, Cell::Number);
    vec![
        text(v.indicator.as_str()),
        text(&row.indicator_name),
        Cell::Number(f64::from(v.version)),
        text(v.area.as_str()),
        text(&row.area_name),
        text(&v.period.to_string()),
        text(&v.key.to_string()),
        text(&row.group_name),
        match &v.value {
            ObservationValue::Number(n) => Cell::Number(*n),
            ObservationValue::Text(t) => text(t),
        },
        text(&row.unit),
        number(v.lower_bound),
        number(v.upper_bound),
        text(v.state.as_str()),
        text(v.provenance.kind.as_str()),
        optional(&v.provenance.source_name),
        optional(&v.provenance.source_reference),
        v.provenance.source_date.map_or(Cell::Empty, |d| text(&d.to_string())),
        number(v.precision.map(|p| p.standard_error)),
        number(v.precision.and_then(|p| p.design_effect)),
        number(v.precision.map(|p| p.respondents as f64)),
        number(v.precision.map(|p| p.confidence)),
    ]
}

/// Writes labelled values as CSV; texts a spreadsheet would take for a formula are neutralised.
pub fn write_labelled<W: Write>(writer: W, rows: &[Labelled<'_>]) -> std::io::Result<()> {
    use crate::spreadsheet::Cell;
    let mut w = csv::Writer::from_writer(writer);
    w.write_record(LABELLED_COLUMNS)?;
    for row in rows {
        let record: Vec<String> = labelled_cells(row)
            .into_iter()
            .map(|cell| match cell {
                Cell::Empty => String::new(),
                Cell::Number(n) => number(n),
                Cell::Text(t) => neutralise(&t).into_owned(),
            })
            .collect();
        w.write_record(record)?;
    }
    w.flush()
}

/// Labelled values as a workbook sheet: numbers as numbers, texts as texts, never formulas.
pub fn labelled_sheet(name: &str, rows: &[Labelled<'_>]) -> crate::spreadsheet::Sheet {
    use crate::spreadsheet::Cell;
    let mut cells = vec![LABELLED_COLUMNS.iter().map(|c| Cell::Text((*c).to_owned())).collect::<Vec<_>>()];
    cells.extend(rows.iter().map(labelled_cells));
    crate::spreadsheet::Sheet { name: name.to_owned(), rows: cells }
}
