//! A whole instance as rows of tables, the same on every backend: what `rightsmon backup`,
//! `restore` and the move between SQLite and PostgreSQL carry.
//!
//! [`INSTANCE_TABLES`] names every table that holds the instance, in an order in which each row
//! finds the rows it refers to already written, with its columns and their kinds; a test in
//! each adapter checks the list against the schema, so that a table or a column added by a
//! migration cannot be left out. Bookkeeping (the applied migrations, imports in progress) is
//! not part of an instance.

/// The kind of a column's values, as the backends store them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Integer,
    Real,
    Text,
    Boolean,
}

/// A table of the instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [(&'static str, ColumnKind)],
    /// The order rows are written in: a key, and for tables that refer to themselves, parents
    /// first.
    pub order: &'static str,
    /// The column the database numbers itself, if any.
    pub identity: Option<&'static str>,
}

impl TableSpec {
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|(name, _)| *name).collect()
    }
}

use ColumnKind::{Boolean as B, Integer as I, Real as R, Text as T};

const fn table(
    name: &'static str,
    columns: &'static [(&'static str, ColumnKind)],
    order: &'static str,
    identity: Option<&'static str>,
) -> TableSpec {
    TableSpec { name, columns, order, identity }
}

/// Every table of an instance, parents before children.
pub const INSTANCE_TABLES: &[TableSpec] = &[
    table("themes", &[("code", T), ("is_agreed_area", B), ("position", I), ("name", T), ("description", T)], "code", None),
    table(
        "rights",
        &[("code", T), ("kind", T), ("parent_code", T), ("position", I), ("name", T), ("description", T)],
        "(parent_code IS NOT NULL), code",
        None,
    ),
    table("codelists", &[("id", T), ("dimension", T), ("name", T)], "id", None),
    table("codes", &[("codelist_id", T), ("code", T), ("position", I), ("name", T)], "codelist_id, code", None),
    table(
        "areas",
        &[
            ("code", T),
            ("kind", T),
            ("parent_code", T),
            ("name", T),
            ("local_name", T),
            ("country", T),
            ("language", T),
            ("is_observer", B),
            ("valid_from", T),
            ("valid_to", T),
        ],
        "CASE kind WHEN 'network' THEN 0 WHEN 'city' THEN 1 ELSE 2 END, code",
        None,
    ),
    table("organisations", &[("id", I), ("name", T), ("kind", T), ("city_code", T), ("scope_key", T)], "id", Some("id")),
    table(
        "users",
        &[("id", I), ("username", T), ("display_name", T), ("email", T), ("password_hash", T), ("is_disabled", B), ("created_at", I)],
        "id",
        Some("id"),
    ),
    table(
        "memberships",
        &[("id", I), ("user_id", I), ("organisation_id", I), ("role", T), ("city_code", T), ("scope_key", T)],
        "id",
        Some("id"),
    ),
    table("indicators", &[("code", T), ("city_code", T), ("created_at", I), ("retired_at", I), ("retirement_reason", T)], "code", None),
    table(
        "indicator_versions",
        &[("indicator_code", T), ("version", I), ("definition", T), ("created_at", I), ("is_latest", B)],
        "indicator_code, version",
        None,
    ),
    table("indicator_themes", &[("indicator_code", T), ("version", I), ("theme_code", T)], "indicator_code, version, theme_code", None),
    table(
        "indicator_rights",
        &[("indicator_code", T), ("version", I), ("right_code", T), ("link_type", T)],
        "indicator_code, version, right_code",
        None,
    ),
    table(
        "observations",
        &[
            ("id", I),
            ("indicator_code", T),
            ("version", I),
            ("area_code", T),
            ("city_code", T),
            ("period", T),
            ("period_start", I),
            ("period_months", I),
            ("disaggregation", T),
            ("number_value", R),
            ("text_value", T),
            ("lower_bound", R),
            ("upper_bound", R),
            ("status", T),
            ("organisation_id", I),
            ("provenance_kind", T),
            ("source_name", T),
            ("source_reference", T),
            ("source_date", T),
            ("method_note", T),
            ("state", T),
            ("revision", I),
            ("entered_by", I),
            ("approved_by", I),
            ("created_at", I),
            ("updated_at", I),
            ("standard_error", R),
            ("design_effect", R),
            ("respondents", I),
            ("confidence", R),
        ],
        "id",
        Some("id"),
    ),
    table(
        "observation_revisions",
        &[("observation_id", I), ("revision", I), ("at", I), ("user_id", I), ("action", T), ("reason", T), ("snapshot", T)],
        "observation_id, revision",
        None,
    ),
    table(
        "benchmarks",
        &[("kind", T), ("indicator_code", T), ("area_code", T), ("disaggregation", T), ("period", T), ("value", R)],
        "kind, indicator_code, area_code, disaggregation",
        None,
    ),
    table("sessions", &[("token_hash", T), ("user_id", I), ("created_at", I), ("expires_at", I)], "token_hash", None),
    table("login_failures", &[("key", T), ("at", I)], "key, at", None),
    table(
        "audit_events",
        &[("id", I), ("at", I), ("actor_user_id", I), ("action", T), ("subject", T), ("detail", T), ("previous_hash", T), ("hash", T)],
        "id",
        Some("id"),
    ),
    table(
        "proposals",
        &[
            ("id", I),
            ("scope_key", T),
            ("city_code", T),
            ("kind", T),
            ("title", T),
            ("body", T),
            ("author_id", I),
            ("created_at", I),
            ("status", T),
        ],
        "id",
        Some("id"),
    ),
    table("proposal_comments", &[("id", I), ("proposal_id", I), ("user_id", I), ("body", T), ("at", I)], "id", Some("id")),
    table(
        "proposal_endorsements",
        &[("proposal_id", I), ("user_id", I), ("side", T), ("city_code", T), ("at", I)],
        "proposal_id, user_id",
        None,
    ),
    table("proposal_objections", &[("id", I), ("proposal_id", I), ("user_id", I), ("reasons", T), ("at", I)], "id", Some("id")),
    table(
        "proposal_decisions",
        &[("proposal_id", I), ("outcome", T), ("decided_by", I), ("at", I), ("reason", T), ("endorsements", T)],
        "proposal_id",
        None,
    ),
    table(
        "city_adoptions",
        &[("city_code", T), ("indicator_code", T), ("is_adopted", B), ("reason", T), ("proposal_id", I), ("decided_at", I)],
        "city_code, indicator_code",
        None,
    ),
    table("governance_rules", &[("scope_key", T), ("rule", T)], "scope_key", None),
    table(
        "shadow_values",
        &[
            ("id", I),
            ("indicator_code", T),
            ("version", I),
            ("area_code", T),
            ("period", T),
            ("period_start", I),
            ("disaggregation", T),
            ("number_value", R),
            ("assessment", T),
            ("sources", T),
            ("organisation_id", I),
            ("user_id", I),
            ("at", I),
            ("reply", T),
            ("reply_by", I),
            ("reply_at", I),
            ("method_note", T),
        ],
        "id",
        Some("id"),
    ),
    table(
        "reporting_cycles",
        &[("id", I), ("city_code", T), ("name", T), ("period", T), ("deadline", T), ("created_at", I)],
        "id",
        Some("id"),
    ),
    table("assignments", &[("cycle_id", I), ("indicator_code", T), ("organisation_id", I)], "cycle_id, indicator_code", None),
    table("area_boundaries", &[("area_code", T), ("city_code", T), ("geometry", T), ("updated_at", I)], "area_code", None),
    table(
        "consultations",
        &[
            ("id", I),
            ("city_code", T),
            ("title", T),
            ("held_on", T),
            ("format", T),
            ("place", T),
            ("organisers", T),
            ("participants", T),
            ("raised", T),
            ("documents", T),
            ("recorded_by", I),
            ("recorded_at", I),
        ],
        "id",
        Some("id"),
    ),
    table(
        "recommendations",
        &[
            ("id", I),
            ("city_code", T),
            ("title", T),
            ("text", T),
            ("language", T),
            ("source", T),
            ("source_reference", T),
            ("made_on", T),
            ("rights", T),
            ("themes", T),
            ("indicators", T),
            ("consultation_id", I),
            ("response", T),
            ("response_reason", T),
            ("published", B),
            ("recorded_by", I),
            ("recorded_at", I),
            ("updated_at", I),
        ],
        "id",
        Some("id"),
    ),
    table(
        "actions",
        &[
            ("id", I),
            ("recommendation_id", I),
            ("title", T),
            ("description", T),
            ("responsible", T),
            ("deadline", T),
            ("budget_reference", T),
            ("status", T),
            ("created_by", I),
            ("created_at", I),
            ("updated_at", I),
        ],
        "id",
        Some("id"),
    ),
    table(
        "action_updates",
        &[
            ("id", I),
            ("action_id", I),
            ("on_date", T),
            ("status", T),
            ("note", T),
            ("reason", T),
            ("evidence", T),
            ("by_user", I),
            ("at", I),
        ],
        "id",
        Some("id"),
    ),
    table(
        "assessments",
        &[
            ("id", I),
            ("cycle_id", I),
            ("subject", T),
            ("organisation_id", I),
            ("version", I),
            ("verdict", T),
            ("reasoning", T),
            ("evidence", T),
            ("by_user", I),
            ("at", I),
        ],
        "id",
        Some("id"),
    ),
    table(
        "reports",
        &[("id", I), ("city_code", T), ("cycle_id", I), ("title", T), ("snapshot", T), ("issued_by", I), ("issued_at", I)],
        "id",
        Some("id"),
    ),
    table("network_reports", &[("id", I), ("title", T), ("snapshot", T), ("issued_by", I), ("issued_at", I)], "id", Some("id")),
    table(
        "practices",
        &[
            ("id", I),
            ("city_code", T),
            ("title", T),
            ("language", T),
            ("summary", T),
            ("results", T),
            ("themes", T),
            ("rights", T),
            ("indicators", T),
            ("contacts", T),
            ("documents", T),
            ("translations", T),
            ("recorded_by", I),
            ("recorded_at", I),
        ],
        "id",
        Some("id"),
    ),
    table(
        "surveys",
        &[
            ("id", I),
            ("city_code", T),
            ("title", T),
            ("period", T),
            ("design", T),
            ("file_name", T),
            ("respondents", I),
            ("estimates", T),
            ("uploaded_by", I),
            ("uploaded_at", I),
            ("microdata_deleted_by", I),
            ("microdata_deleted_at", I),
        ],
        "id",
        Some("id"),
    ),
    // The respondents' answers are the city's data: a backup holds them (see docs/privacy.md).
    table("survey_microdata", &[("survey_id", I), ("content", T)], "survey_id", None),
    table(
        "withheld_values",
        &[
            ("indicator_code", T),
            ("version", I),
            ("area_code", T),
            ("city_code", T),
            ("period", T),
            ("disaggregation", T),
            ("survey_id", I),
            ("reason", T),
        ],
        "indicator_code, version, area_code, period, disaggregation",
        None,
    ),
    table("roadmap_steps", &[("code", T), ("position", I), ("name", T)], "code", None),
    table(
        "roadmap_milestones",
        &[("city_code", T), ("step_code", T), ("reached_on", T), ("evidence", T), ("note", T), ("recorded_by", I), ("recorded_at", I)],
        "city_code, step_code",
        None,
    ),
    table("reminder_preferences", &[("user_id", I), ("kind", T), ("delivery", T)], "user_id, kind", None),
    table(
        "reminders",
        &[
            ("id", I),
            ("user_id", I),
            ("kind", T),
            ("subject", T),
            ("text", T),
            ("detail", T),
            ("link", T),
            ("created_at", I),
            ("email", T),
            ("emailed_at", I),
            ("read_at", I),
        ],
        "id",
        Some("id"),
    ),
];

/// Tables of the schema that are bookkeeping, not part of an instance.
pub const BOOKKEEPING_TABLES: &[&str] = &["schema_migrations", "generations"];

/// The spec of a table of the instance, by name.
pub fn table_spec(name: &str) -> Option<&'static TableSpec> {
    INSTANCE_TABLES.iter().find(|t| t.name == name)
}

/// One item of an instance as it is read or written: a table starts, or one of its rows.
#[derive(Debug, Clone, PartialEq)]
pub enum InstanceItem {
    /// The rows that follow belong to this table (one of [`INSTANCE_TABLES`]).
    Table(&'static TableSpec),
    /// A row of the current table: one value per column, in the spec's order (`null`, a
    /// number, a string or a boolean, as the column's kind says).
    Row(Vec<serde_json::Value>),
}

/// Where an instance is written to, item by item.
pub trait InstanceSink: Send {
    fn item(&mut self, item: InstanceItem) -> Result<(), String>;
}

/// Where an instance is read from, item by item.
pub trait InstanceSource: Send {
    /// The next item, `None` at the end, or why the source cannot be read.
    fn next_item(&mut self) -> Option<Result<InstanceItem, String>>;
}

/// How many rows of each table an instance holds.
pub type InstanceCounts = Vec<(&'static str, u64)>;

/// The longest line of an instance file: a row with a district outline or an indicator's
/// definition fits many times over.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// The first line of an instance file.
pub const FORMAT_NAME: &str = "rightsmon-instance";
pub const FORMAT_VERSION: u64 = 1;

/// Writes an instance as JSON Lines: a header, then each table as a line naming it and its
/// columns followed by a line per row (an array of values), then a closing line with the
/// number of rows, so that a file cut short is told apart from a whole one.
#[derive(Debug)]
pub struct JsonLinesSink<W: std::io::Write> {
    writer: W,
    rows: u64,
}

impl<W: std::io::Write + Send> JsonLinesSink<W> {
    pub fn new(mut writer: W, made_by: &str) -> std::io::Result<Self> {
        let header = serde_json::json!({"format": FORMAT_NAME, "version": FORMAT_VERSION, "made_by": made_by});
        writeln!(writer, "{header}")?;
        Ok(Self { writer, rows: 0 })
    }

    /// Writes the closing line and hands the writer back.
    pub fn finish(mut self) -> std::io::Result<W> {
        writeln!(self.writer, "{}", serde_json::json!({"end": true, "rows": self.rows}))?;
        self.writer.flush()?;
        Ok(self.writer)
    }
}

impl<W: std::io::Write + Send> InstanceSink for JsonLinesSink<W> {
    fn item(&mut self, item: InstanceItem) -> Result<(), String> {
        let line = match item {
            InstanceItem::Table(table) => serde_json::json!({"table": table.name, "columns": table.column_names()}),
            InstanceItem::Row(values) => {
                self.rows += 1;
                serde_json::Value::Array(values)
            }
        };
        writeln!(self.writer, "{line}").map_err(|e| format!("the instance cannot be written: {e}"))
    }
}

/// Reads an instance written by [`JsonLinesSink`], refusing a line longer than
/// [`MAX_LINE_BYTES`] before it is held, an unknown table or column, and a file that stops
/// before its closing line.
#[derive(Debug)]
pub struct JsonLinesSource<R: std::io::BufRead> {
    reader: R,
    line: usize,
    rows: u64,
    ended: bool,
    buffer: Vec<u8>,
}

impl<R: std::io::BufRead + Send> JsonLinesSource<R> {
    /// Reads and checks the header.
    pub fn new(reader: R) -> Result<Self, String> {
        let mut source = Self { reader, line: 0, rows: 0, ended: false, buffer: Vec::new() };
        let header = source.next_line()?.ok_or("the file is empty: it is not an instance")?;
        let format = header.get("format").and_then(serde_json::Value::as_str);
        if format != Some(FORMAT_NAME) {
            return Err("the file is not an instance of Rights Monitor (its first line names no rightsmon-instance)".into());
        }
        if header.get("version").and_then(serde_json::Value::as_u64) != Some(FORMAT_VERSION) {
            return Err(format!("the instance is of another format version than {FORMAT_VERSION}"));
        }
        Ok(source)
    }

    fn next_line(&mut self) -> Result<Option<serde_json::Value>, String> {
        use std::io::{BufRead, Read};
        self.buffer.clear();
        let limit = MAX_LINE_BYTES as u64 + 1;
        let read =
            (&mut self.reader).take(limit).read_until(b'\n', &mut self.buffer).map_err(|e| format!("the file cannot be read: {e}"))?;
        if read == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.buffer.len() > MAX_LINE_BYTES {
            return Err(format!("line {}: longer than {} MB, the limit of a line", self.line, MAX_LINE_BYTES / (1024 * 1024)));
        }
        serde_json::from_slice(&self.buffer).map(Some).map_err(|e| format!("line {}: not JSON ({e})", self.line))
    }
}

impl<R: std::io::BufRead + Send> InstanceSource for JsonLinesSource<R> {
    fn next_item(&mut self) -> Option<Result<InstanceItem, String>> {
        let value = match self.next_line() {
            Err(problem) => return Some(Err(problem)),
            Ok(None) if self.ended => return None,
            Ok(None) => return Some(Err("the file ends before its closing line: it is incomplete".into())),
            Ok(Some(_)) if self.ended => return Some(Err(format!("line {}: more follows the closing line", self.line))),
            Ok(Some(value)) => value,
        };
        let line = self.line;
        match value {
            serde_json::Value::Array(values) => {
                self.rows += 1;
                Some(Ok(InstanceItem::Row(values)))
            }
            serde_json::Value::Object(object) if object.get("end") == Some(&serde_json::Value::Bool(true)) => {
                self.ended = true;
                if object.get("rows").and_then(serde_json::Value::as_u64) != Some(self.rows) {
                    return Some(Err(format!("line {line}: the closing line counts other rows than the file holds")));
                }
                self.next_item()
            }
            serde_json::Value::Object(object) => {
                let name = object.get("table").and_then(serde_json::Value::as_str).unwrap_or_default();
                let Some(table) = table_spec(name) else {
                    return Some(Err(format!("line {line}: {name:?} is no table of an instance")));
                };
                let columns: Vec<&str> = object
                    .get("columns")
                    .and_then(serde_json::Value::as_array)
                    .map_or_else(Vec::new, |c| c.iter().filter_map(|v| v.as_str()).collect());
                if columns != table.column_names() {
                    return Some(Err(format!(
                        "line {line}: the table {name} has the columns {}, not {}",
                        table.column_names().join(", "),
                        columns.join(", ")
                    )));
                }
                Some(Ok(InstanceItem::Table(table)))
            }
            _ => Some(Err(format!("line {line}: neither a table nor a row"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(items: &[InstanceItem]) -> Vec<u8> {
        let mut sink = JsonLinesSink::new(Vec::new(), "test").unwrap();
        for item in items {
            sink.item(item.clone()).unwrap();
        }
        sink.finish().unwrap()
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<InstanceItem>, String> {
        let mut source = JsonLinesSource::new(bytes)?;
        let mut items = Vec::new();
        while let Some(item) = source.next_item() {
            items.push(item?);
        }
        Ok(items)
    }

    #[test]
    fn an_instance_reads_back_as_written_and_a_damaged_one_is_named() {
        let themes = table_spec("themes").unwrap();
        let items = vec![
            InstanceItem::Table(themes),
            InstanceItem::Row(vec!["HOUSING".into(), true.into(), 1.into(), "{\"en\":\"Housing\"}".into(), serde_json::Value::Null]),
            InstanceItem::Table(table_spec("login_failures").unwrap()),
        ];
        let bytes = written(&items);
        assert_eq!(read_all(&bytes).unwrap(), items);
        // Cut short: no closing line.
        let text = String::from_utf8(bytes.clone()).unwrap();
        let cut: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
        assert!(read_all(cut.as_bytes()).unwrap_err().contains("incomplete"));
        // A row more than the closing line counts, an unknown table, other columns, not an instance.
        let extra = text.replacen("{\"end\"", "[\"x\"]\n{\"end\"", 1);
        assert!(read_all(extra.as_bytes()).unwrap_err().contains("counts other rows"));
        let unknown = text.replace("\"login_failures\"", "\"passwords\"");
        assert!(read_all(unknown.as_bytes()).unwrap_err().contains("no table"));
        let columns = text.replace("\"columns\":[\"key\",\"at\"]", "\"columns\":[\"at\",\"key\"]");
        assert!(read_all(columns.as_bytes()).unwrap_err().contains("has the columns key, at"));
        assert!(read_all(b"indicator,area\n").unwrap_err().contains("line 1"));
        assert!(read_all(b"").unwrap_err().contains("empty"));
    }

    #[test]
    fn every_instance_table_is_named_once_with_columns() {
        for (index, table) in INSTANCE_TABLES.iter().enumerate() {
            assert!(!table.columns.is_empty());
            assert!(INSTANCE_TABLES[..index].iter().all(|t| t.name != table.name), "{} twice", table.name);
            assert!(!BOOKKEEPING_TABLES.contains(&table.name));
        }
    }
}
