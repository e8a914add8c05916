//! Values as a CSV download: one row per value with its bounds, state and sources. Every text a
//! spreadsheet would take for a formula is neutralised; numbers are written in full.

use crate::composite::number;
use crate::neutralise;
use rightsmon_domain::observation::{NewObservation, ObservationValue};
use std::io::Write;

/// The columns of the download, in order.
pub const COLUMNS: [&str; 13] = [
    "indicator",
    "version",
    "area",
    "period",
    "group",
    "value",
    "lower_bound",
    "upper_bound",
    "state",
    "provenance",
    "source_name",
    "source_reference",
    "source_date",
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
            v.state.as_str().to_owned(),
            v.provenance.kind.as_str().to_owned(),
            text(&v.provenance.source_name),
            text(&v.provenance.source_reference),
            v.provenance.source_date.map(|d| d.to_string()).unwrap_or_default(),
        ])?;
    }
    w.flush()
}
