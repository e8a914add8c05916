//! Bulk imports: long CSV or XLSX tables, wide workbooks and Open SDG data folders.
//!
//! This module is the engine every source shares (the report, the row sources, the judge that
//! checks rows and scans and feeds the store); [`long`] reads long tables, [`open_sdg`] Open SDG
//! data, and the workbook templates are read in `crate::wide`.
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

mod long;
mod open_sdg;

pub(crate) use long::check_area;
pub use open_sdg::{IndicatorMapping, OpenSdgFile, OpenSdgMapping, REPEAT_DIMENSION, open_sdg_indicator_id};

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
use rightsmon_formats::open_sdg::{self as open_sdg_format, OpenSdgColumns};
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
                    // A few indicators per file: looked through rather than a key built per row.
                    if !self.touched.keys().any(|(i, v)| *i == observation.indicator && *v == observation.version) {
                        self.touched.insert((observation.indicator.clone(), observation.version), ());
                    }
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

    fn created(&mut self, row: u64, id: i64) {
        self.sorted = self.sorted && self.imported.last().is_none_or(|(last, _)| *last < id);
        self.imported.push((id, row));
    }

    fn met(&mut self, item: &ImportItem, outcome: ItemOutcome) {
        let o = &item.observation;
        // Only problems and warnings name the value; most rows need no name.
        let subject = || {
            let group = if o.key.is_total() { String::new() } else { format!(" {}", o.key) };
            format!("{} {} {}{group}", o.indicator, o.area, o.period)
        };
        match outcome {
            ItemOutcome::Created(id) => self.created(item.row, id),
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
}

impl App {
    /// Imports a file whatever its kind: an XLSX workbook (a wide template or a long table) or
    /// a long CSV table, told apart by their first bytes. A CSV file is streamed.
    pub async fn import_file<R: Read + Send>(
        &self,
        actor: &Actor,
        mut reader: R,
        request: &ImportRequest,
        progress: Progress<'_>,
    ) -> AppResult<ImportReport> {
        let mut start = [0u8; 4];
        let mut filled = 0;
        while filled < start.len() {
            match reader.read(&mut start[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let error = rightsmon_formats::FormatError::file(format!("the file cannot be read: {e}"));
                    return Ok(ImportReport::unreadable(None, &error, request.dry_run));
                }
            }
        }
        let mut whole = std::io::Read::chain(&start[..filled], reader);
        if start[..filled] == *b"PK\x03\x04" {
            // A workbook is read whole, and only up to the limit of a workbook's size.
            let limit = rightsmon_formats::spreadsheet::WorkbookLimits::default().max_file_bytes;
            let mut bytes = Vec::new();
            if let Err(e) = std::io::Read::read_to_end(&mut std::io::Read::take(&mut whole, limit + 1), &mut bytes) {
                let error = rightsmon_formats::FormatError::file(format!("the file cannot be read: {e}"));
                return Ok(ImportReport::unreadable(None, &error, request.dry_run));
            }
            return self.import_workbook(actor, &bytes, request, progress).await;
        }
        match Table::csv_with(whole, request.csv) {
            Ok(table) => self.import_long(actor, table, request, progress).await,
            Err(e) => Ok(ImportReport::unreadable(None, &e, request.dry_run)),
        }
    }
}
