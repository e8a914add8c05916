//! Bulk imports: long CSV or XLSX tables and Open SDG data folders.
//!
//! An import reads its file once, row by row, and writes in batches inside one transaction
//! (see `rightsmon_store::ImportFeed`). Every row is checked as the form checks it (types,
//! natural limits, declared groups); then the rules between values (additivity, subgroups of
//! counts) are checked on everything stored for the indicators touched, and the series are
//! searched for outliers, which warn only. Any problem rolls the whole import back; a dry run
//! always does. The report names each problem's row, column and value.
//!
//! Re-importing a file creates nothing new: the same value is left alone, and a changed value
//! becomes a new revision with the reason given, if the importer may revise it.

use crate::{App, AppError, AppResult};
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::area::AreaKind;
use rightsmon_domain::catalogue::{IndicatorDefinition, IndicatorDraft, RightLinkDraft, SourceRef, ValueType};
use rightsmon_domain::codelist::{CodeItem, Codelist, DisaggregationKey};
use rightsmon_domain::id::{AreaCode, Code, DimensionId, IndicatorCode};
use rightsmon_domain::observation::{NewObservation, ObservationDraft, WorkflowState};
use rightsmon_domain::period::Period;
use rightsmon_domain::text::Texts;
use rightsmon_domain::validation::{OUTLIER_METHOD, check_cross_section, has_rules, outliers};
use rightsmon_domain::{FieldErrors, ParseError};
use rightsmon_formats::FormatError;
use rightsmon_formats::open_sdg::{self, OpenSdgColumns};
pub use rightsmon_formats::table::{CsvDialect, CsvOptions};
use rightsmon_formats::table::{Table, column_index};
use rightsmon_store::{ImportFeed, ImportItem, ImportOptions, ItemOutcome, Scan, ScanOrder, ScannedValue};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

/// At most this many problems and warnings are listed; the rest are counted.
const LISTED: usize = 1000;
const BATCH: usize = 2000;

/// One problem of an import, where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The file, for imports of several files.
    pub file: Option<String>,
    pub row: Option<u64>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub code: String,
    pub message: String,
}

/// What an import did, or would have done.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub created: u64,
    pub unchanged: u64,
    pub revised: u64,
    /// Rows without a value (empty or `n/a`), which hold nothing to import.
    pub skipped: u64,
    pub committed: bool,
    pub dry_run: bool,
    pub problems: Vec<Problem>,
    pub more_problems: u64,
    pub warnings: Vec<Problem>,
    pub more_warnings: u64,
    /// Indicators the import defined (Open SDG folders), by code.
    pub indicators: Vec<String>,
    pub outlier_method: &'static str,
    /// How a CSV file was read: its separator and decimal mark.
    pub csv: Option<rightsmon_formats::table::CsvDialect>,
}

impl ImportReport {
    pub(crate) fn problem(&mut self, problem: Problem) {
        if self.problems.len() < LISTED { self.problems.push(problem) } else { self.more_problems += 1 }
    }
    fn warning(&mut self, warning: Problem) {
        if self.warnings.len() < LISTED { self.warnings.push(warning) } else { self.more_warnings += 1 }
    }
    pub fn problem_count(&self) -> u64 {
        self.problems.len() as u64 + self.more_problems
    }

    /// The report of a file that cannot be read at all.
    pub fn unreadable(file: Option<&str>, error: &FormatError, dry_run: bool) -> Self {
        let mut report = Self { dry_run, outlier_method: OUTLIER_METHOD, ..Self::default() };
        report.problem(format_problem(file, error));
        report
    }
}

/// How an import goes.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    pub dry_run: bool,
    /// Why changed values are revised.
    pub reason: Option<String>,
    /// The state new values start in: draft (the default) or submitted.
    pub submit: bool,
    /// What is known of a CSV file's separator and decimal mark; the rest is detected.
    pub csv: rightsmon_formats::table::CsvOptions,
}

/// Called after each batch with the rows read and the bytes read so far.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

pub(crate) fn problem(
    file: Option<&str>,
    row: Option<u64>,
    column: Option<&str>,
    value: Option<&str>,
    code: &str,
    message: impl Into<String>,
) -> Problem {
    Problem {
        file: file.map(str::to_owned),
        row,
        column: column.map(str::to_owned),
        value: value.map(|v| v.chars().take(200).collect()),
        code: code.to_owned(),
        message: message.into(),
    }
}

fn format_problem(file: Option<&str>, e: &FormatError) -> Problem {
    problem(file, e.row.map(|r| r as u64), e.column.as_deref(), None, "unreadable", e.message.clone())
}

/// Where a value came from in the file(s), for problems found after the row was read.
pub(crate) struct Place {
    pub(crate) file: Option<String>,
    pub(crate) row: u64,
    pub(crate) column: Option<String>,
}

impl Place {
    fn describe(&self) -> String {
        match (&self.file, &self.column) {
            (Some(file), Some(column)) => format!("{file} row {} column {column}", self.row),
            (Some(file), None) => format!("{file} row {}", self.row),
            (None, Some(column)) => format!("row {} column {column}", self.row),
            (None, None) => format!("row {}", self.row),
        }
    }
}

/// A source of rows already turned into values, or into their problems.
pub(crate) trait RowSource: Send {
    /// The next row: its number and value, its problems, or `Skip` for a row without value.
    fn next_row(&mut self, report: &mut ImportReport) -> Option<RowResult>;
    fn bytes_read(&self) -> u64;
    /// Where the value numbered `row` (as `next_row` numbered it) is.
    fn place(&self, row: u64) -> Place {
        Place { file: None, row, column: None }
    }
}

/// Row numbers of sources with several files or sheets: the file's index in the high bits.
const FILE_SHIFT: u32 = 40;

pub(crate) fn file_row(file: usize, row: u64) -> u64 {
    ((file as u64) << FILE_SHIFT) | row
}

pub(crate) fn split_file_row(encoded: u64) -> (usize, u64) {
    ((encoded >> FILE_SHIFT) as usize, encoded & ((1 << FILE_SHIFT) - 1))
}

pub(crate) enum RowResult {
    Value(u64, Box<NewObservation>),
    Problems,
    Skip,
}

/// The feed: batches rows from a source, keeps the report, and judges the stored values.
struct Judge<'a> {
    source: Box<dyn RowSource + 'a>,
    report: ImportReport,
    progress: Progress<'a>,
    /// Imported ids with their rows; created ids grow, so the created part stays sorted.
    imported: Vec<(i64, u64)>,
    touched: BTreeMap<(IndicatorCode, u32), ()>,
    definitions: HashMap<(IndicatorCode, u32), IndicatorDefinition>,
    codes_per_dimension: HashMap<DimensionId, usize>,
    scans: Vec<Scan>,
    group: Vec<ScannedValue>,
    sorted: bool,
    /// The audit event of the import, completed with its counts when it commits.
    event: rightsmon_domain::audit::NewAuditEvent,
}

impl Judge<'_> {
    /// A problem at the value numbered `row`, in the column the source names or else `column`.
    fn at(&self, row: u64, column: Option<&str>, value: Option<&str>, code: &str, message: String) -> Problem {
        let place = self.source.place(row);
        problem(place.file.as_deref(), Some(place.row), place.column.as_deref().or(column), value, code, message)
    }

    fn row_of(&mut self, id: i64) -> Option<u64> {
        if !self.sorted {
            self.imported.sort_unstable();
            self.sorted = true;
        }
        self.imported.binary_search_by_key(&id, |(i, _)| *i).ok().map(|index| self.imported[index].1)
    }

    fn finish_group(&mut self, scan: usize) {
        let group = std::mem::take(&mut self.group);
        if group.is_empty() {
            return;
        }
        let Scan { indicator, version, order } = self.scans[scan].clone();
        match order {
            ScanOrder::BySeries => {
                let values: Vec<f64> = group.iter().map(|v| v.value).collect();
                for (index, score) in outliers(&values) {
                    let value = &group[index];
                    if let Some(row) = self.row_of(value.id) {
                        let message = format!(
                            "{indicator} {} {} {}: far from the rest of its series (modified z-score {score:.1})",
                            value.area, value.period, value.key
                        );
                        let warning = self.at(row, Some("value"), Some(&value.value.to_string()), "outlier", message);
                        self.report.warning(warning);
                    }
                }
            }
            ScanOrder::ByPeriod => {
                let Some(definition) = self.definitions.get(&(indicator.clone(), version)) else { return };
                let values: BTreeMap<DisaggregationKey, f64> = group.iter().map(|v| (v.key.clone(), v.value)).collect();
                let counts = &self.codes_per_dimension;
                let violations = check_cross_section(definition, &values, &|d| counts.get(d).copied());
                for violation in violations {
                    let ids: Vec<i64> = violation.keys.iter().filter_map(|k| group.iter().find(|v| &v.key == k).map(|v| v.id)).collect();
                    let rows: Vec<u64> = ids.into_iter().filter_map(|id| self.row_of(id)).collect();
                    // Only rules this import breaks are its problems.
                    if let Some(&row) = rows.iter().min() {
                        let message = format!("{indicator} {} {}: {}", group[0].area, group[0].period, violation.message);
                        let problem = self.at(row, Some("value"), None, violation.rule, message);
                        self.report.problem(problem);
                    }
                }
            }
        }
    }
}

impl ImportFeed for Judge<'_> {
    fn next_batch(&mut self) -> Option<Vec<ImportItem>> {
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            match self.source.next_row(&mut self.report) {
                None => break,
                Some(RowResult::Value(row, observation)) => {
                    self.report.rows += 1;
                    batch.push(ImportItem { row, observation: *observation });
                }
                Some(RowResult::Problems) => self.report.rows += 1,
                Some(RowResult::Skip) => {
                    self.report.rows += 1;
                    self.report.skipped += 1;
                }
            }
        }
        (self.progress)(self.report.rows, self.source.bytes_read());
        if batch.is_empty() { None } else { Some(batch) }
    }

    fn written(&mut self, items: &[ImportItem], outcomes: &[ItemOutcome]) {
        for (item, outcome) in items.iter().zip(outcomes) {
            let o = &item.observation;
            self.touched.entry((o.indicator.clone(), o.version)).or_default();
            // Only problems and warnings name the value; most rows need no name.
            let subject = || {
                let group = if o.key.is_total() { String::new() } else { format!(" {}", o.key) };
                format!("{} {} {}{group}", o.indicator, o.area, o.period)
            };
            match *outcome {
                ItemOutcome::Created(id) => {
                    self.sorted = self.sorted && self.imported.last().is_none_or(|(last, _)| *last < id);
                    self.imported.push((id, item.row));
                }
                ItemOutcome::Revised(id) => {
                    self.sorted = false;
                    self.imported.push((id, item.row));
                }
                ItemOutcome::Unchanged(id) => {
                    if let Some(first) = self.row_of(id) {
                        let message = format!("{}: repeats {}", subject(), self.source.place(first).describe());
                        let warning = self.at(item.row, None, None, "repeated", message);
                        self.report.warning(warning);
                    }
                }
                ItemOutcome::NeedsReason(id) => {
                    let message = match self.row_of(id) {
                        Some(first) => {
                            format!("{}: {} gives another value for the same subject", subject(), self.source.place(first).describe())
                        }
                        None => format!("{}: the stored value differs; give a reason to revise it", subject()),
                    };
                    let problem = self.at(item.row, Some("value"), None, "changed_value", message);
                    self.report.problem(problem);
                }
                ItemOutcome::Refused(_, state) => {
                    let message = format!("{}: the stored value is {} and only a coordinator revises it", subject(), state.as_str());
                    let problem = self.at(item.row, Some("value"), None, "approved_value", message);
                    self.report.problem(problem);
                }
            }
        }
    }

    fn scans(&mut self) -> Vec<Scan> {
        // Rules and outliers are judged only when every row has passed its own checks.
        if self.report.problem_count() > 0 {
            return Vec::new();
        }
        let mut scans = Vec::new();
        for (indicator, version) in self.touched.keys() {
            let Some(definition) = self.definitions.get(&(indicator.clone(), *version)) else { continue };
            if definition.value_type == ValueType::Text {
                continue;
            }
            scans.push(Scan { indicator: indicator.clone(), version: *version, order: ScanOrder::BySeries });
            if has_rules(definition) {
                scans.push(Scan { indicator: indicator.clone(), version: *version, order: ScanOrder::ByPeriod });
            }
        }
        self.scans.clone_from(&scans);
        scans
    }

    fn see(&mut self, scan: usize, value: Option<&ScannedValue>) {
        let Some(value) = value else {
            self.finish_group(scan);
            return;
        };
        let same_group = self.group.last().is_some_and(|last| match self.scans[scan].order {
            ScanOrder::BySeries => last.area == value.area && last.key == value.key,
            ScanOrder::ByPeriod => last.area == value.area && last.period == value.period,
        });
        if !same_group {
            self.finish_group(scan);
        }
        self.group.push(value.clone());
    }

    fn keep(&mut self) -> bool {
        !self.report.dry_run && self.report.problem_count() == 0
    }

    fn audit(&self, counts: &rightsmon_store::ImportCounts) -> rightsmon_domain::audit::NewAuditEvent {
        let mut event = self.event.clone();
        event.detail = serde_json::json!({
            "rows": self.report.rows,
            "created": counts.created,
            "revised": counts.revised,
            "unchanged": counts.unchanged,
            "reason": self.event.detail.get("reason"),
        });
        event
    }
}

/// What the import needs to know of the catalogue, the areas and the actor.
pub(crate) struct Context {
    pub(crate) latest: HashMap<IndicatorCode, IndicatorDefinition>,
    pub(crate) versions: HashMap<(IndicatorCode, u32), IndicatorDefinition>,
    /// Area -> its city, for the areas the actor may enter data in.
    pub(crate) allowed: HashMap<AreaCode, AreaCode>,
    pub(crate) known_areas: BTreeSet<AreaCode>,
    codes_per_dimension: HashMap<DimensionId, usize>,
}

impl App {
    pub(crate) async fn import_context(&self, actor: &Actor) -> AppResult<Context> {
        let mut latest: HashMap<IndicatorCode, IndicatorDefinition> = HashMap::new();
        let mut versions = HashMap::new();
        let retired: BTreeSet<IndicatorCode> = self.store.list_retired().await?.into_iter().map(|r| r.indicator).collect();
        for definition in self.store.list_all_indicator_versions().await? {
            if retired.contains(&definition.code) {
                continue;
            }
            versions.insert((definition.code.clone(), definition.version), definition.clone());
            if latest.get(&definition.code).is_none_or(|d| d.version < definition.version) {
                latest.insert(definition.code.clone(), definition);
            }
        }
        let mut allowed = HashMap::new();
        let mut known_areas = BTreeSet::new();
        for area in self.store.list_areas(None, None).await? {
            known_areas.insert(area.code.clone());
            let city = match area.kind {
                AreaKind::City => Some(area.code.clone()),
                AreaKind::District => area.parent.clone(),
                AreaKind::Network => None,
            };
            if let Some(city) = city
                && actor.may(Permission::EnterData(&city))
            {
                allowed.insert(area.code, city);
            }
        }
        let mut codes_per_dimension: HashMap<DimensionId, BTreeSet<Code>> = HashMap::new();
        for codelist in self.store.list_codelists().await? {
            let codes = codes_per_dimension.entry(codelist.dimension().clone()).or_default();
            codes.extend(codelist.codes().iter().map(|c| c.code.clone()).filter(|c| c.as_str() != rightsmon_domain::codelist::TOTAL));
        }
        let codes_per_dimension = codes_per_dimension.into_iter().map(|(d, c)| (d, c.len())).collect();
        Ok(Context { latest, versions, allowed, known_areas, codes_per_dimension })
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn run_import(
        &self,
        actor: &Actor,
        context: Context,
        source: Box<dyn RowSource + '_>,
        request: &ImportRequest,
        mut report: ImportReport,
        definitions: Vec<IndicatorDefinition>,
        codelists: Vec<Codelist>,
        progress: Progress<'_>,
    ) -> AppResult<ImportReport> {
        let user = actor.user().map(|u| u.id).ok_or(AppError::Unauthenticated)?;
        report.dry_run = request.dry_run;
        report.outlier_method = OUTLIER_METHOD;
        let reason = match request.reason.as_deref() {
            Some(text) => Some(rightsmon_domain::codesign::parse_statement("reason", text)?),
            None => None,
        };
        let may_revise_approved = context.allowed.values().all(|city| actor.may(Permission::ApproveData(city)));
        let mut judge = Judge {
            source,
            report,
            progress,
            imported: Vec::new(),
            touched: BTreeMap::new(),
            definitions: context.versions,
            codes_per_dimension: context.codes_per_dimension,
            scans: Vec::new(),
            group: Vec::new(),
            sorted: true,
            event: self.event(Some(user), "values.imported", "import", serde_json::json!({"reason": request.reason})),
        };
        let options = ImportOptions { entered_by: Some(user), at: self.now(), reason, may_revise_approved, codelists, definitions };
        let counts = self.store.import_observations(&mut judge, &options).await?;
        let mut report = judge.report;
        // What was written, or for a dry run without problems what a real run would write; an
        // import refused for its problems wrote nothing and says so.
        if counts.committed || (request.dry_run && report.problem_count() == 0) {
            report.created = counts.created;
            report.unchanged = counts.unchanged;
            report.revised = counts.revised;
        }
        report.committed = counts.committed;
        Ok(report)
    }

    /// Imports a long table: one value per row, with the columns `indicator`, `area`, `period`,
    /// `value` and optionally `version`, `group`, `lower_bound`, `upper_bound`, `status`,
    /// `provenance`, `source_name`, `source_reference`, `source_date`, `method_note`.
    pub async fn import_long<R: Read + Send>(
        &self,
        actor: &Actor,
        table: Table<R>,
        request: &ImportRequest,
        progress: Progress<'_>,
    ) -> AppResult<ImportReport> {
        let context = self.import_context(actor).await?;
        let mut report = ImportReport { csv: table.dialect(), ..ImportReport::default() };
        let columns = match LongColumns::find(table.header()) {
            Ok(columns) => columns,
            Err(problems) => {
                for p in problems {
                    report.problem(p);
                }
                report.dry_run = request.dry_run;
                return Ok(report);
            }
        };
        let state = if request.submit { WorkflowState::Submitted } else { WorkflowState::Draft };
        let source = LongSource {
            table,
            columns,
            latest: context.latest.clone(),
            versions: context.versions.clone(),
            allowed: context.allowed.clone(),
            known_areas: context.known_areas.clone(),
            state,
        };
        self.run_import(actor, context, Box::new(source), request, report, Vec::new(), Vec::new(), progress).await
    }
}

/// The long table's columns: the same list a download writes.
const LONG_COLUMNS: [&str; 15] = rightsmon_formats::series_csv::COLUMNS;

struct LongColumns([Option<usize>; 15]);

impl LongColumns {
    fn find(header: &[String]) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        for name in header {
            if !LONG_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(name.trim())) {
                problems.push(problem(
                    None,
                    Some(1),
                    Some(name),
                    None,
                    "unknown_column",
                    format!("{name:?} is not a column of the long format: use {}", LONG_COLUMNS.join(", ")),
                ));
            }
        }
        if let Some(error) = rightsmon_formats::table::repeated_column(header) {
            problems.push(format_problem(None, &error));
        }
        let mut found = [None; 15];
        for (index, name) in LONG_COLUMNS.iter().enumerate() {
            found[index] = column_index(header, name);
        }
        for required in ["indicator", "area", "period", "value"] {
            if column_index(header, required).is_none() {
                problems.push(problem(None, Some(1), Some(required), None, "missing_column", format!("the column {required} is missing")));
            }
        }
        if problems.is_empty() { Ok(Self(found)) } else { Err(problems) }
    }
}

struct LongSource<R: Read> {
    table: Table<R>,
    columns: LongColumns,
    latest: HashMap<IndicatorCode, IndicatorDefinition>,
    versions: HashMap<(IndicatorCode, u32), IndicatorDefinition>,
    allowed: HashMap<AreaCode, AreaCode>,
    known_areas: BTreeSet<AreaCode>,
    state: WorkflowState,
}

fn field_problems(report: &mut ImportReport, file: Option<&str>, row: u64, errors: FieldErrors, value_of: &dyn Fn(&str) -> Option<String>) {
    for e in errors.0 {
        let column = match e.field.as_str() {
            "key" => "group".to_owned(),
            "provenance_kind" => "provenance".to_owned(),
            other => other.to_owned(),
        };
        let value = value_of(&column);
        report.problem(problem(file, Some(row), Some(&column), value.as_deref(), e.code, e.message));
    }
}

/// Whether the area is known and the actor may enter its data, as problems of the row.
pub(crate) fn check_area(
    report: &mut ImportReport,
    file: Option<&str>,
    row: u64,
    area: &AreaCode,
    known: &BTreeSet<AreaCode>,
    allowed: &HashMap<AreaCode, AreaCode>,
) -> bool {
    if !known.contains(area) {
        report.problem(problem(file, Some(row), Some("area"), Some(area.as_str()), "unknown_area", format!("there is no area {area}")));
        false
    } else if !allowed.contains_key(area) {
        report.problem(problem(
            file,
            Some(row),
            Some("area"),
            Some(area.as_str()),
            "forbidden",
            format!("you may not enter data for {area}"),
        ));
        false
    } else {
        true
    }
}

impl<R: Read + Send> RowSource for LongSource<R> {
    fn next_row(&mut self, report: &mut ImportReport) -> Option<RowResult> {
        let record = match self.table.next_record()? {
            Ok(record) => record,
            Err(e) => {
                report.problem(format_problem(None, &e));
                return Some(RowResult::Problems);
            }
        };
        let row = record.row as u64;
        let cell = |name: &str| -> Option<String> {
            let index = LONG_COLUMNS.iter().position(|c| *c == name)?;
            self.columns.0[index].and_then(|i| record.cells.get(i)).map(|c| c.trim().to_owned()).filter(|c| !c.is_empty())
        };
        let indicator = cell("indicator").unwrap_or_default();
        let definition = match IndicatorCode::parse(&indicator) {
            Ok(code) => match cell("version") {
                None => self.latest.get(&code),
                Some(version) => version.parse::<u32>().ok().and_then(|v| self.versions.get(&(code, v))),
            },
            Err(_) => None,
        };
        let Some(definition) = definition else {
            let message = match cell("version") {
                Some(version) => format!("there is no indicator {indicator:?} in version {version}, or it is retired"),
                None => format!("there is no indicator {indicator:?}, or it is retired"),
            };
            report.problem(problem(None, Some(row), Some("indicator"), Some(&indicator), "unknown_indicator", message));
            return Some(RowResult::Problems);
        };
        let draft = ObservationDraft {
            area: cell("area").unwrap_or_default(),
            period: cell("period").unwrap_or_default(),
            key: cell("group").unwrap_or_default(),
            value: cell("value").map(|v| self.table.number_text(&v)).unwrap_or_default(),
            lower_bound: cell("lower_bound").map(|v| self.table.number_text(&v)),
            upper_bound: cell("upper_bound").map(|v| self.table.number_text(&v)),
            status: cell("status"),
            provenance_kind: cell("provenance"),
            source_name: cell("source_name"),
            source_reference: cell("source_reference"),
            source_date: cell("source_date"),
            method_note: cell("method_note"),
        };
        match NewObservation::parse(definition, &draft, self.state) {
            Ok(observation) => {
                if check_area(report, None, row, &observation.area, &self.known_areas, &self.allowed) {
                    Some(RowResult::Value(row, Box::new(observation)))
                } else {
                    Some(RowResult::Problems)
                }
            }
            Err(errors) => {
                field_problems(report, None, row, errors, &|column| cell(column));
                Some(RowResult::Problems)
            }
        }
    }

    fn bytes_read(&self) -> u64 {
        self.table.position()
    }
}

// --- Open SDG ---

/// One indicator of an Open SDG folder: its id (`16-1-3`), metadata and data table.
pub struct OpenSdgFile<R: Read> {
    pub id: String,
    pub metadata: BTreeMap<String, String>,
    /// Opens the data file; it is read twice, once to plan the indicator and once to import.
    pub open: Box<dyn Fn() -> std::io::Result<R> + Send + Sync>,
}

impl<R: Read> std::fmt::Debug for OpenSdgFile<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenSdgFile").field("id", &self.id).finish_non_exhaustive()
    }
}

/// How the indicators of an Open SDG folder map onto the catalogue, from a TOML file:
///
/// ```toml
/// [indicators."16-1-3"]
/// code = "RM-SAF-01"          # import into this existing indicator, or else:
/// value_type = "count"        # what the new local indicator's numbers are (default: number)
/// additivity = "additive"     # whether its groups add up (default: non_additive)
/// direction = "lower_is_better"  # default: unstated
/// ```
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenSdgMapping {
    #[serde(default)]
    pub indicators: BTreeMap<String, IndicatorMapping>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorMapping {
    pub code: Option<String>,
    pub value_type: Option<String>,
    pub additivity: Option<String>,
    pub direction: Option<String>,
}

impl OpenSdgMapping {
    pub fn parse(text: &str) -> Result<Self, AppError> {
        toml::from_str(text).map_err(|e| {
            AppError::Invalid(FieldErrors::single("mapping", ParseError::new("invalid_mapping", format!("the mapping file: {e}"))))
        })
    }
}

/// The dimension of repeated rows: Open SDG files may give one year and group twice (two
/// samples on one day); the second becomes group `REPEAT=R2`, and so on. Exports leave it out.
pub const REPEAT_DIMENSION: &str = "REPEAT";

/// The codelist id of a city's own codes of a dimension.
fn city_codelist_id(dimension: &DimensionId, city: &AreaCode) -> String {
    open_sdg::identifier(&format!("CL_{dimension}_{city}"), 50)
}

/// A dimension's column name, its codes by lower-case label, and all its codes.
type DimensionCodes = (String, BTreeMap<String, Code>, BTreeSet<Code>);

/// The codes of a city by dimension, with their labels, growing as files are planned.
struct CityCodes {
    city: AreaCode,
    /// Dimension -> (column name, label -> code), with every code of every codelist.
    by_dimension: BTreeMap<DimensionId, DimensionCodes>,
    /// The city's own codes, which the import stores.
    own: BTreeMap<DimensionId, Vec<CodeItem>>,
    /// The label of every code, the city's own first.
    labels: BTreeMap<(DimensionId, Code), String>,
}

impl CityCodes {
    fn new(city: &AreaCode, codelists: &[Codelist]) -> Self {
        let mut codes = Self { city: city.clone(), by_dimension: BTreeMap::new(), own: BTreeMap::new(), labels: BTreeMap::new() };
        for codelist in codelists {
            let own = codelist.id().as_str() == city_codelist_id(codelist.dimension(), city);
            let entry = codes
                .by_dimension
                .entry(codelist.dimension().clone())
                .or_insert_with(|| (codelist.name().english_text().to_owned(), BTreeMap::new(), BTreeSet::new()));
            if own {
                entry.0 = codelist.name().english_text().to_owned();
            }
            for item in codelist.codes() {
                entry.1.entry(item.name.english_text().to_lowercase()).or_insert_with(|| item.code.clone());
                entry.2.insert(item.code.clone());
                let label = codes.labels.entry((codelist.dimension().clone(), item.code.clone())).or_default();
                if own || label.is_empty() {
                    *label = item.name.english_text().to_owned();
                }
                if own && item.code.as_str() != rightsmon_domain::codelist::TOTAL {
                    codes.own.entry(codelist.dimension().clone()).or_default().push(item.clone());
                }
            }
        }
        codes
    }

    fn dimension_for(&mut self, column: &str) -> Result<DimensionId, ParseError> {
        let id = DimensionId::parse(&open_sdg::identifier(column, 40))?;
        self.by_dimension.entry(id.clone()).or_insert_with(|| (column.to_owned(), BTreeMap::new(), BTreeSet::new()));
        Ok(id)
    }

    /// The code of a label, made (and kept as the city's own) if there is none.
    fn code_for(&mut self, dimension: &DimensionId, label: &str) -> Result<Code, ParseError> {
        let entry = self.by_dimension.entry(dimension.clone()).or_insert_with(|| (dimension.to_string(), BTreeMap::new(), BTreeSet::new()));
        if let Some(code) = entry.1.get(&label.to_lowercase()) {
            return Ok(code.clone());
        }
        let base = open_sdg::identifier(label, 40);
        let mut candidate = base.clone();
        let mut n = 2;
        while entry.2.contains(&Code::parse(&candidate)?) || candidate == rightsmon_domain::codelist::TOTAL {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        let code = Code::parse(&candidate)?;
        entry.1.insert(label.to_lowercase(), code.clone());
        entry.2.insert(code.clone());
        self.own.entry(dimension.clone()).or_default().push(CodeItem { code: code.clone(), name: Texts::english(label)? });
        Ok(code)
    }

    /// The label of a code, for exports.
    fn label_of(&self, dimension: &DimensionId, code: &Code) -> Option<String> {
        self.labels.get(&(dimension.clone(), code.clone())).cloned()
    }

    fn codelists(&self) -> Result<Vec<Codelist>, ParseError> {
        let mut lists = Vec::new();
        for (dimension, items) in &self.own {
            let column = self.by_dimension.get(dimension).map_or(dimension.as_str(), |(c, _, _)| c.as_str());
            let mut codes = vec![CodeItem { code: Code::parse(rightsmon_domain::codelist::TOTAL)?, name: Texts::english("Total")? }];
            codes.extend(items.iter().cloned());
            lists.push(Codelist::new(
                DimensionId::parse(&city_codelist_id(dimension, &self.city))?,
                dimension.clone(),
                Texts::english(column)?,
                codes,
            )?);
        }
        Ok(lists)
    }
}

/// The plan of one Open SDG file: the indicator its rows go to, and each column's dimension.
struct FilePlan {
    id: String,
    definition: IndicatorDefinition,
    dimensions: Vec<DimensionId>,
    source_name: Option<String>,
}

fn meta<'m>(metadata: &'m BTreeMap<String, String>, keys: &[&str]) -> Option<&'m str> {
    keys.iter().filter_map(|k| metadata.get(*k)).map(|v| v.trim()).find(|v| !v.is_empty())
}

fn clip(text: &str, max: usize) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    clean.chars().take(max).collect::<String>().trim().to_owned()
}

/// The SDG target an Open SDG id names (`16-1-3` is target 16.1), as a right code.
fn sdg_right(id: &str, rights: &BTreeSet<String>) -> Option<String> {
    let mut parts = id.split('-');
    let goal = parts.next()?;
    let target = parts.next()?;
    let target = format!("SDG-{goal}.{target}");
    let goal = format!("SDG-{goal}");
    if rights.contains(&target) {
        Some(target)
    } else if rights.contains(&goal) {
        Some(goal)
    } else {
        None
    }
}

impl App {
    /// Reads an Open SDG file once to plan its indicator: the dimensions of its columns, the
    /// codes of its labels, the combinations it reports and, unless mapped onto an existing
    /// indicator, a local indicator of the city built from the metadata.
    #[allow(clippy::too_many_arguments)]
    fn plan_open_sdg<R: Read>(
        &self,
        city: &AreaCode,
        file: &OpenSdgFile<R>,
        mapping: Option<&IndicatorMapping>,
        context: &Context,
        rights: &BTreeSet<String>,
        codes: &mut CityCodes,
        report: &mut ImportReport,
    ) -> Option<FilePlan> {
        let name = format!("indicator_{}.csv", file.id);
        let fail = |report: &mut ImportReport, row: Option<u64>, column: Option<&str>, code: &str, message: String| {
            report.problem(problem(Some(&name), row, column, None, code, message));
        };
        let reader = match (file.open)() {
            Ok(reader) => reader,
            Err(e) => {
                fail(report, None, None, "unreadable", format!("the file cannot be read: {e}"));
                return None;
            }
        };
        let mut table = match Table::csv(reader) {
            Ok(table) => table,
            Err(e) => {
                report.problem(format_problem(Some(&name), &e));
                return None;
            }
        };
        let columns = match OpenSdgColumns::find(table.header()) {
            Ok(columns) => columns,
            Err(e) => {
                report.problem(format_problem(Some(&name), &e));
                return None;
            }
        };
        let mut dimensions = Vec::new();
        for (_, column) in &columns.dimensions {
            match codes.dimension_for(column) {
                Ok(d) if d.as_str() == REPEAT_DIMENSION || dimensions.contains(&d) => {
                    fail(report, Some(1), Some(column), "duplicate_column", format!("{column:?} names the dimension {d} twice"));
                    return None;
                }
                Ok(d) => dimensions.push(d),
                Err(e) => {
                    fail(report, Some(1), Some(column), e.code, e.message);
                    return None;
                }
            }
        }
        let mut combinations: BTreeSet<Vec<String>> = BTreeSet::new();
        let mut seen: HashMap<(String, Vec<String>), u32> = HashMap::new();
        let mut decimals = 0u8;
        while let Some(row) = open_sdg::next_row(&mut table, &columns) {
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    report.problem(format_problem(Some(&name), &e));
                    continue;
                }
            };
            if open_sdg::is_missing(&row.value) {
                continue;
            }
            if let Some((_, fraction)) = row.value.split_once('.') {
                decimals = decimals.max(u8::try_from(fraction.trim_end_matches('0').len().min(6)).unwrap_or(6));
            }
            let mut combination: Vec<String> = Vec::new();
            for (dimension, label) in dimensions.iter().zip(&row.labels) {
                if label.is_empty() {
                    continue;
                }
                if let Err(e) = codes.code_for(dimension, label) {
                    fail(report, Some(row.row as u64), Some(dimension.as_str()), e.code, e.message);
                }
                combination.push(dimension.to_string());
            }
            let count = seen.entry((row.year.clone(), row.labels.clone())).or_insert(0);
            *count += 1;
            if *count > 1 {
                combination.push(REPEAT_DIMENSION.to_owned());
                let _ = codes.code_for(&DimensionId::parse(REPEAT_DIMENSION).ok()?, &format!("R{count}"));
            }
            if !combination.is_empty() {
                combination.sort();
                combinations.insert(combination);
            }
        }
        let source_name = meta(&file.metadata, &["Source 1 organisation"]).map(|s| clip(s, 300));
        if let Some(code) = mapping.and_then(|m| m.code.as_deref()) {
            let definition = IndicatorCode::parse(code).ok().and_then(|c| context.latest.get(&c).cloned());
            let Some(definition) = definition else {
                fail(report, None, None, "unknown_indicator", format!("the mapping names {code:?}, which is no indicator"));
                return None;
            };
            return Some(FilePlan { id: file.id.clone(), definition, dimensions, source_name });
        }
        let Some(right) = sdg_right(&file.id, rights) else {
            fail(report, None, None, "unknown_target", format!("{} names no SDG target the catalogue knows", file.id));
            return None;
        };
        let code = format!("{city}.{}", file.id);
        let title = meta(&file.metadata, &["Indicator available", "Graph title", "Indicator name"])
            .map_or_else(|| file.id.clone(), |t| clip(t, 300));
        let description = meta(&file.metadata, &["Indicator description", "Definitions"]).map_or_else(|| title.clone(), |t| clip(t, 5000));
        let unit = meta(&file.metadata, &["Unit of measurement", "computation_units"]).map_or_else(|| "value".to_owned(), |u| clip(u, 60));
        let source = source_name.clone().map(|name| SourceRef {
            name,
            code: meta(&file.metadata, &["Source 1 link to data source text"]).map(|t| clip(t, 300)),
            url: meta(&file.metadata, &["Source 1 link to data source"]).map(|t| clip(t, 1000)),
        });
        let draft = IndicatorDraft {
            code: code.clone(),
            version: 1,
            city: Some(city.to_string()),
            name: [("en".to_owned(), title)].into(),
            definition: [("en".to_owned(), description)].into(),
            unit,
            decimals: Some(decimals),
            direction: mapping.and_then(|m| m.direction.clone()).unwrap_or_else(|| "unstated".into()),
            value_type: mapping.and_then(|m| m.value_type.clone()).unwrap_or_else(|| "number".into()),
            additivity: mapping.and_then(|m| m.additivity.clone()),
            disaggregations: combinations.into_iter().collect(),
            source,
            rights: vec![RightLinkDraft { right, link_type: "outcome".into(), attribute: None }],
            ..IndicatorDraft::default()
        };
        let mut definition = match IndicatorDefinition::parse(&draft) {
            Ok(definition) => definition,
            Err(errors) => {
                for e in errors.0 {
                    fail(report, None, Some(&e.field), e.code, format!("the indicator built from the metadata: {}", e.message));
                }
                return None;
            }
        };
        // A file that changed its indicator (new groups, new unit) makes a new version.
        if let Some(existing) = context.latest.get(&definition.code) {
            let mut same = existing.clone();
            same.version = definition.version;
            if same == definition {
                definition.version = existing.version;
            } else {
                definition.version = existing.version + 1;
            }
        }
        Some(FilePlan { id: file.id.clone(), definition, dimensions, source_name })
    }

    /// Imports the indicators of an Open SDG folder into a city, all at once or not at all.
    pub async fn import_open_sdg<R: Read + Send + 'static>(
        &self,
        actor: &Actor,
        city: &str,
        files: Vec<OpenSdgFile<R>>,
        mapping: &OpenSdgMapping,
        request: &ImportRequest,
        progress: Progress<'_>,
    ) -> AppResult<ImportReport> {
        let city = AreaCode::parse(city).map_err(|e| AppError::Invalid(FieldErrors::single("city", e)))?;
        if self.store.get_area(&city).await?.kind != AreaKind::City {
            return Err(AppError::Invalid(FieldErrors::single("city", ParseError::new("not_a_city", format!("{city} is not a city")))));
        }
        if !actor.may(Permission::EnterData(&city)) {
            let mut report = ImportReport { dry_run: request.dry_run, outlier_method: OUTLIER_METHOD, ..ImportReport::default() };
            let message = format!("you do not enter data for {city}: only its data editors and coordinators import its values");
            report.problem(problem(None, None, Some("city"), Some(city.as_str()), "forbidden", message));
            return Ok(report);
        }
        let mut context = self.import_context(actor).await?;
        let rights: BTreeSet<String> = self.store.list_rights(None).await?.into_iter().map(|r| r.code.to_string()).collect();
        let codelists = self.store.list_codelists().await?;
        let mut codes = CityCodes::new(&city, &codelists);
        let mut report = ImportReport::default();
        let mut plans = Vec::new();
        for file in &files {
            if let Some(plan) =
                self.plan_open_sdg(&city, file, mapping.indicators.get(&file.id), &context, &rights, &mut codes, &mut report)
            {
                plans.push(plan);
            }
        }
        let new_codelists = match codes.codelists() {
            Ok(lists) => lists,
            Err(e) => {
                report.problem(problem(None, None, None, None, e.code, e.message));
                Vec::new()
            }
        };
        let mut definitions = Vec::new();
        let may_define = actor.may(Permission::ManageCity(&city));
        for plan in &plans {
            let key = (plan.definition.code.clone(), plan.definition.version);
            if !context.versions.contains_key(&key) {
                if !may_define {
                    // A new indicator, or a new version of one, is the working group's decision.
                    let name = format!("indicator_{}.csv", plan.id);
                    let message = format!(
                        "the file defines {} version {}, and only {city}'s coordinators define indicators: ask one to import it, \
                         or map the file onto an indicator of the catalogue",
                        plan.definition.code, plan.definition.version
                    );
                    report.problem(problem(Some(&name), None, None, None, "defines_indicator", message));
                    continue;
                }
                definitions.push(plan.definition.clone());
                report.indicators.push(plan.definition.code.to_string());
            }
            context.versions.insert(key, plan.definition.clone());
        }
        for list in &new_codelists {
            let count = context.codes_per_dimension.entry(list.dimension().clone()).or_insert(0);
            *count = (*count).max(list.codes().len() - 1);
        }
        if report.problem_count() > 0 {
            report.dry_run = request.dry_run;
            report.outlier_method = OUTLIER_METHOD;
            return Ok(report);
        }
        let state = if request.submit { WorkflowState::Submitted } else { WorkflowState::Draft };
        let by_id: HashMap<String, FilePlan> = plans.into_iter().map(|p| (p.id.clone(), p)).collect();
        let source = OpenSdgSource {
            names: Vec::new(),
            city: city.clone(),
            files: files.into_iter().filter(|f| by_id.contains_key(&f.id)).collect::<Vec<_>>().into_iter(),
            plans: by_id,
            current: None,
            codes,
            state,
            bytes: 0,
        };
        self.run_import(actor, context, Box::new(source), request, report, definitions, new_codelists, progress).await
    }
}

struct CurrentFile<R: Read> {
    name: String,
    plan_id: String,
    table: Table<R>,
    columns: OpenSdgColumns,
    seen: HashMap<(String, Vec<String>), u32>,
}

struct OpenSdgSource<R: Read> {
    /// The files opened so far, by the index their rows carry.
    names: Vec<String>,
    city: AreaCode,
    files: std::vec::IntoIter<OpenSdgFile<R>>,
    plans: HashMap<String, FilePlan>,
    current: Option<CurrentFile<R>>,
    codes: CityCodes,
    state: WorkflowState,
    bytes: u64,
}

impl<R: Read + Send> RowSource for OpenSdgSource<R> {
    fn next_row(&mut self, report: &mut ImportReport) -> Option<RowResult> {
        loop {
            if self.current.is_none() {
                let file = self.files.next()?;
                let name = format!("indicator_{}.csv", file.id);
                let opened = (file.open)().map_err(|e| FormatError::file(format!("the file cannot be read: {e}"))).and_then(Table::csv);
                let table = match opened {
                    Ok(table) => table,
                    Err(e) => {
                        report.problem(format_problem(Some(&name), &e));
                        return Some(RowResult::Problems);
                    }
                };
                let columns = match OpenSdgColumns::find(table.header()) {
                    Ok(columns) => columns,
                    Err(e) => {
                        report.problem(format_problem(Some(&name), &e));
                        return Some(RowResult::Problems);
                    }
                };
                self.names.push(name.clone());
                self.current = Some(CurrentFile { name, plan_id: file.id, table, columns, seen: HashMap::new() });
            }
            let current = self.current.as_mut()?;
            let Some(row) = open_sdg::next_row(&mut current.table, &current.columns) else {
                self.bytes += current.table.position();
                self.current = None;
                continue;
            };
            let name = current.name.clone();
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    report.problem(format_problem(Some(&name), &e));
                    return Some(RowResult::Problems);
                }
            };
            if open_sdg::is_missing(&row.value) {
                return Some(RowResult::Skip);
            }
            let plan = self.plans.get(&current.plan_id)?;
            let count = current.seen.entry((row.year.clone(), row.labels.clone())).or_insert(0);
            *count += 1;
            let mut pairs: Vec<(String, String)> = Vec::new();
            for (dimension, label) in plan.dimensions.iter().zip(&row.labels) {
                if !label.is_empty() {
                    match self.codes.code_for(dimension, label) {
                        Ok(code) => pairs.push((dimension.to_string(), code.to_string())),
                        Err(e) => {
                            report.problem(problem(
                                Some(&name),
                                Some(row.row as u64),
                                Some(dimension.as_str()),
                                Some(label),
                                e.code,
                                e.message,
                            ));
                            return Some(RowResult::Problems);
                        }
                    }
                }
            }
            if *count > 1 {
                pairs.push((REPEAT_DIMENSION.to_owned(), format!("R{count}")));
            }
            let period = match Period::parse_open_sdg_year(&row.year) {
                Ok(period) => period,
                Err(e) => {
                    report.problem(problem(Some(&name), Some(row.row as u64), Some("Year"), Some(&row.year), e.code, e.message));
                    return Some(RowResult::Problems);
                }
            };
            let key = pairs.iter().map(|(d, c)| format!("{d}={c}")).collect::<Vec<_>>().join("|");
            let draft = ObservationDraft {
                area: self.city.to_string(),
                period: period.to_string(),
                key,
                value: row.value.clone(),
                source_name: plan.source_name.clone(),
                ..ObservationDraft::default()
            };
            return match NewObservation::parse(&plan.definition, &draft, self.state) {
                Ok(observation) => Some(RowResult::Value(file_row(self.names.len() - 1, row.row as u64), Box::new(observation))),
                Err(errors) => {
                    let value = row.value.clone();
                    let labels = row.labels.join(", ");
                    field_problems(report, Some(&name), row.row as u64, errors, &|column| match column {
                        "value" => Some(value.clone()),
                        "group" => Some(labels.clone()),
                        _ => None,
                    });
                    Some(RowResult::Problems)
                }
            };
        }
    }

    fn bytes_read(&self) -> u64 {
        self.bytes + self.current.as_ref().map_or(0, |c| c.table.position())
    }

    fn place(&self, row: u64) -> Place {
        let (file, row) = split_file_row(row);
        Place { file: self.names.get(file).cloned(), row, column: None }
    }
}

impl App {
    /// Exports an indicator's values in an area in the Open SDG data format: `Year`, one column
    /// per dimension (named and labelled as imported), `Value`. The actor sees what they may.
    pub async fn export_open_sdg(&self, actor: &Actor, indicator: &str, area: &str) -> AppResult<Vec<u8>> {
        let definition = self.indicator(indicator, None).await?;
        let area_code = AreaCode::parse(area).map_err(|e| AppError::Invalid(FieldErrors::single("area", e)))?;
        let city = match &definition.scope {
            rightsmon_domain::catalogue::IndicatorScope::Local(city) => city.clone(),
            rightsmon_domain::catalogue::IndicatorScope::Core => area_code.clone(),
        };
        let codes = CityCodes::new(&city, &self.store.list_codelists().await?);
        let mut dimensions: Vec<DimensionId> =
            definition.disaggregations.iter().flatten().cloned().collect::<BTreeSet<_>>().into_iter().collect();
        dimensions.retain(|d| d.as_str() != REPEAT_DIMENSION);
        let columns: Vec<String> =
            dimensions.iter().map(|d| codes.by_dimension.get(d).map_or_else(|| d.to_string(), |(column, _, _)| column.clone())).collect();
        let filter = crate::observations::ObservationFilter {
            indicator: Some(definition.code.to_string()),
            area: Some(area_code.to_string()),
            ..crate::observations::ObservationFilter::default()
        };
        let mut rows = Vec::new();
        for observation in self.all_observations(actor, &filter).await? {
            let labels: Vec<String> = dimensions
                .iter()
                .map(|d| {
                    observation
                        .data
                        .key
                        .get(d.as_str())
                        .map_or_else(String::new, |code| codes.label_of(d, code).unwrap_or_else(|| code.to_string()))
                })
                .collect();
            let value = match &observation.data.value {
                rightsmon_domain::observation::ObservationValue::Number(n) => n.to_string(),
                rightsmon_domain::observation::ObservationValue::Text(t) => t.clone(),
            };
            rows.push((observation.data.period, labels, value));
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let rows: Vec<(String, Vec<String>, String)> = rows.into_iter().map(|(p, l, v)| (p.open_sdg_label(), l, v)).collect();
        rightsmon_formats::open_sdg::write_data(&columns, &rows).map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))
    }
}
