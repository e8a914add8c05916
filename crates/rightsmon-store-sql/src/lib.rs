//! The SQL both storage adapters share.
//!
//! SQLite and PostgreSQL agree on almost every statement Rights Monitor needs, so the
//! implementation of the storage port is written once, in [`sql`](../../rightsmon-store-sql/src/sql/mod.rs):
//! one ordinary Rust file per aggregate (reference data, areas, catalogue, observations,
//! imports, cycles, co-design, accounts, audit, the instance), plus the one migration runner.
//! Each adapter mounts that folder as a module of its own, with `Db` and `Backend` aliases
//! naming its database and store, so that the statements are compiled, formatted and linted
//! once per backend; see `docs/adr/0005-storage-by-aggregate.md`.
//!
//! What needs no database at all is compiled here, once.

use rightsmon_domain::id::AreaCode;
use rightsmon_domain::observation::{NewObservation, ObservationValue};
use rightsmon_store::{PageRequest, StoreError, StoreResult};

/// A stored value that cannot be read back: the column and what is wrong with it.
pub fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

/// A value as the JSON text a column keeps.
pub fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.into()))
}

/// A column's parsed value, or `Corrupt` naming the column.
pub fn parsed<T, E: std::fmt::Display>(column: &str, result: Result<T, E>) -> StoreResult<T> {
    result.map_err(|e| corrupt(column, e))
}

/// A stored integer that must fit in `u32` (versions, positions).
pub fn u32_of(column: &str, value: i64) -> StoreResult<u32> {
    u32::try_from(value).map_err(|e| corrupt(column, e))
}

/// The `LIMIT` and `OFFSET` of a page.
pub fn page_bounds(page: PageRequest) -> (i64, i64) {
    (i64::from(page.limit()), i64::try_from(page.offset()).unwrap_or(i64::MAX))
}

/// The key of a scope in unique indexes: the city's code, or empty for the network (NULLs are
/// never equal in a unique index).
pub fn scope_key(city: Option<&AreaCode>) -> String {
    city.map_or_else(String::new, |c| c.as_str().to_owned())
}

/// Whether two values of the same subject say the same: value, bounds, status and provenance.
pub fn same_content(a: &NewObservation, b: &NewObservation) -> bool {
    a.value == b.value
        && a.lower_bound == b.lower_bound
        && a.upper_bound == b.upper_bound
        && a.status == b.status
        && a.provenance == b.provenance
}

/// The number a value column holds, if the value is a number.
pub fn number_of(observation: &NewObservation) -> Option<f64> {
    match &observation.value {
        ObservationValue::Number(n) => Some(*n),
        ObservationValue::Text(_) => None,
    }
}

/// The text a value column holds, if the value is a code or a text.
pub fn text_of(observation: &NewObservation) -> Option<String> {
    match &observation.value {
        ObservationValue::Number(_) => None,
        ObservationValue::Text(t) => Some(t.clone()),
    }
}

/// Rows of an instance's table per insert statement, within both databases' limits on
/// parameters.
pub fn instance_chunk(table: &rightsmon_store::instance::TableSpec) -> usize {
    (30_000 / table.columns.len().max(1)).clamp(1, 500)
}
