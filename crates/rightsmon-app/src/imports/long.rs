//! Long tables: one value per row, in CSV or as a workbook's sheet.

use super::*;

impl App {
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
