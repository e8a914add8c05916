//! The wide workbook of a reporting cycle: what a city fills in, offline, for the indicators
//! assigned in the cycle, and reads back in as an import.
//!
//! The workbook opens with a sheet that says what it is for and how to fill it in; then comes
//! one sheet per indicator, laid out as follows (the markers in column A are what the import
//! reads, and the layout's name in B1 lets later layouts be told apart):
//!
//! ```text
//! 1  template   wide-1
//! 2  indicator  RM-EDU-01   version  1
//! 3  period     2024        cycle    7
//! 4  name       Early school leavers   unit  %
//! 5
//! 6  area       area name   _T      SEX=F   SEX=M   source_name  source_reference  source_date  method_note
//! 7  groups                 Total   Female  Male
//! 8  ghent      Ghent       12.5
//! 9  ghent-d1   Ghent · Centre
//! ```
//!
//! Row 6 holds the groups' keys (`_T` is the whole population) and row 7 their names; each
//! further row is an area, the city first and then its districts. A value goes in the cell of
//! its area and group; an empty cell is no value. A row has one source, in its last four
//! columns. Cells already holding a value show what is stored, with the source of the row's
//! whole-population value; importing them again changes nothing.

use crate::imports::{ImportReport, ImportRequest, Place, Progress, RowResult, RowSource, check_area, problem};
use crate::{App, AppError, AppResult};
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::catalogue::IndicatorDefinition;
use rightsmon_domain::codelist::DisaggregationKey;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::observation::{NewObservation, ObservationDraft, ObservationValue, WorkflowState};
use rightsmon_domain::period::Period;
use rightsmon_formats::spreadsheet::{Cell, Sheet, column_name, read_xlsx, write_xlsx};
use rightsmon_formats::table::Table;
use std::collections::{BTreeSet, HashMap};

/// The name of this layout, in cell B1 of every indicator sheet.
pub const LAYOUT: &str = "wide-1";
/// The most group columns a sheet gets.
const MAX_GROUPS: usize = 500;
/// The key of the whole population in the group row.
const TOTAL_KEY: &str = "_T";
const HEADER_ROW: usize = 6;
const FIRST_AREA_ROW: usize = 8;
/// One breakdown of an indicator as the entry form shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GroupSection {
    /// The dimensions crossed, with their names (none for the whole population).
    pub dimensions: Vec<(String, String)>,
    /// Each group's key and name (no name for the whole population).
    pub groups: Vec<(DisaggregationKey, Option<String>)>,
    /// Dimensions of the breakdown that no codelist holds: their values are not groups.
    pub uncoded: Vec<String>,
}
const SOURCE_COLUMNS: [&str; 4] = ["source_name", "source_reference", "source_date", "method_note"];

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`), unique in `taken`.
fn sheet_name(code: &str, taken: &mut BTreeSet<String>) -> String {
    let clean: String = code.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).collect();
    let mut name: String = clean.chars().take(31).collect();
    let mut n = 1;
    while taken.contains(&name.to_lowercase()) {
        n += 1;
        let suffix = format!("~{n}");
        name = clean.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
    }
    taken.insert(name.to_lowercase());
    name
}

impl App {
    /// The groups a value can be given for, as sections: the whole population first, then one
    /// section per declared breakdown (a dimension, or a cross-classification of several) with
    /// every combination of its codes, named in `lang`. A breakdown whose dimension has no
    /// codelist (districts are areas, not groups) is a section without groups, so that the
    /// form can say where its values go.
    pub async fn entry_sections(&self, definition: &IndicatorDefinition, lang: &str) -> AppResult<Vec<GroupSection>> {
        let codelists = self.store.list_codelists().await?;
        let mut sections =
            vec![GroupSection { dimensions: Vec::new(), groups: vec![(DisaggregationKey::total(), None)], uncoded: Vec::new() }];
        for combination in &definition.disaggregations {
            let mut keys: Vec<Vec<(String, String, String)>> = vec![Vec::new()];
            let mut dimensions = Vec::new();
            let mut uncoded = Vec::new();
            for dimension in combination {
                let Some(list) = codelists.iter().find(|c| c.dimension() == dimension) else {
                    uncoded.push(dimension.to_string());
                    continue;
                };
                dimensions.push((dimension.to_string(), list.name().get(lang).text.to_owned()));
                let mut next = Vec::new();
                for partial in &keys {
                    for item in list.codes().iter().filter(|c| c.code.as_str() != rightsmon_domain::codelist::TOTAL) {
                        let mut extended = partial.clone();
                        extended.push((dimension.to_string(), item.code.to_string(), item.name.get(lang).text.to_owned()));
                        next.push(extended);
                    }
                }
                keys = next;
            }
            let mut groups = Vec::new();
            if uncoded.is_empty() {
                for parts in keys {
                    let key = DisaggregationKey::from_pairs(parts.iter().map(|(d, c, _)| (d.as_str(), c.as_str())))
                        .map_err(|e| AppError::Invalid(rightsmon_domain::FieldErrors::single("key", e)))?;
                    let label: Vec<&str> = parts.iter().map(|(_, _, name)| name.as_str()).collect();
                    groups.push((key, Some(label.join(" · "))));
                }
            }
            sections.push(GroupSection { dimensions, groups, uncoded });
        }
        Ok(sections)
    }

    /// The groups a value can be given for: the whole population, then every combination of
    /// codes of each declared breakdown, as far as codelists know them, at most `max` in all.
    pub async fn entry_groups(
        &self,
        definition: &IndicatorDefinition,
        lang: &str,
        max: usize,
    ) -> AppResult<Vec<(DisaggregationKey, Option<String>)>> {
        let sections = self.entry_sections(definition, lang).await?;
        Ok(sections.into_iter().flat_map(|s| s.groups).take(max).collect())
    }

    /// The wide workbook of a cycle, with the values already stored that the actor may see.
    /// Returns a file name for it and its bytes.
    pub async fn wide_template(&self, actor: &Actor, cycle_id: i64, lang: &str) -> AppResult<(String, Vec<u8>)> {
        let cycle = self.store.get_cycle(cycle_id).await?;
        let city = self.store.get_area(&cycle.cycle.city).await?;
        if !actor.may(Permission::ReadUnpublished(&city.code)) {
            return Err(AppError::NotFound);
        }
        if !actor.may(Permission::EnterData(&city.code)) {
            return Err(AppError::Forbidden);
        }
        let mut areas = vec![(city.code.clone(), city.name.to_owned())];
        for district in self.districts(&city.code).await? {
            areas.push((district.code.clone(), format!("{} · {}", city.name, district.name)));
        }
        let period = cycle.cycle.period;
        let mut sheets = vec![Sheet {
            name: "about".into(),
            rows: vec![
                vec![text(format!("{} · {}", cycle.cycle.name, city.name))],
                vec![text("period"), text(period.to_string())],
                vec![text("deadline"), text(cycle.cycle.deadline.to_string())],
                vec![],
                vec![text(
                    "Each further sheet is one indicator of this cycle. Enter each value in the row of its area and the column of its group (_T is the whole population); leave a cell empty when there is no value.",
                )],
                vec![text("Values already stored are filled in; change one only to correct it, and give a reason when you import.")],
                vec![text(
                    "Keep the first seven rows and columns A and B as they are: the import reads them. Import the workbook with: rightsmon import FILE.xlsx --as USER, or in the workspace.",
                )],
            ],
        }];
        let mut taken = BTreeSet::from(["about".to_owned()]);
        let mut assigned: Vec<IndicatorCode> = self.store.list_assignments(cycle_id).await?.into_iter().map(|a| a.indicator).collect();
        assigned.sort();
        assigned.dedup();
        for code in assigned {
            let definition = self.indicator(code.as_str(), None).await?;
            let groups = self.entry_groups(&definition, lang, MAX_GROUPS).await?;
            let filter = crate::observations::ObservationFilter {
                indicator: Some(code.to_string()),
                version: Some(definition.version),
                area: Some(city.code.to_string()),
                include_districts: true,
                from: Some(period.to_string()),
                to: Some(period.to_string()),
                ..Default::default()
            };
            let mut stored: HashMap<(AreaCode, DisaggregationKey), ObservationValue> = HashMap::new();
            let mut sources: HashMap<AreaCode, [Option<String>; 4]> = HashMap::new();
            for o in self.all_observations(actor, &filter).await?.into_iter().filter(|o| o.data.period == period) {
                let p = &o.data.provenance;
                // A row has one source: that of its whole-population value, else its first value.
                let source =
                    [p.source_name.clone(), p.source_reference.clone(), p.source_date.map(|d| d.to_string()), p.method_note.clone()];
                if o.data.key.is_total() || !sources.contains_key(&o.data.area) {
                    sources.insert(o.data.area.clone(), source);
                }
                stored.insert((o.data.area, o.data.key), o.data.value);
            }
            let mut header = vec![text("area"), text("area name")];
            let mut labels = vec![text("groups"), Cell::Empty];
            for (key, label) in &groups {
                header.push(text(if key.is_total() { TOTAL_KEY.to_owned() } else { key.to_string() }));
                labels.push(text(label.clone().unwrap_or_else(|| "Total".to_owned())));
            }
            header.extend(SOURCE_COLUMNS.iter().map(|c| text(*c)));
            let mut rows = vec![
                vec![text("template"), text(LAYOUT)],
                vec![text("indicator"), text(code.to_string()), text("version"), Cell::Number(f64::from(definition.version))],
                vec![text("period"), text(period.to_string()), text("cycle"), Cell::Number(cycle_id as f64)],
                vec![text("name"), text(definition.name.get(lang).text), text("unit"), text(definition.unit.clone())],
                vec![],
                header,
                labels,
            ];
            for (area, name) in &areas {
                let mut row = vec![text(area.to_string()), text(name.clone())];
                for (key, _) in &groups {
                    row.push(match stored.get(&(area.clone(), key.clone())) {
                        Some(ObservationValue::Number(number)) => Cell::Number(*number),
                        Some(ObservationValue::Text(value)) => text(value.clone()),
                        None => Cell::Empty,
                    });
                }
                for source in sources.get(area).into_iter().flatten() {
                    row.push(source.clone().map_or(Cell::Empty, text));
                }
                rows.push(row);
            }
            sheets.push(Sheet { name: sheet_name(code.as_str(), &mut taken), rows });
        }
        let bytes = write_xlsx(&sheets).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        let name = format!("{}-cycle-{cycle_id}-{}.xlsx", city.code, period.to_string().replace('/', "-"));
        Ok((name, bytes))
    }

    /// Imports an XLSX workbook: a wide template of a cycle if it is one, else a long table on
    /// its first sheet.
    pub async fn import_workbook(
        &self,
        actor: &Actor,
        bytes: &[u8],
        request: &ImportRequest,
        progress: Progress<'_>,
    ) -> AppResult<ImportReport> {
        let sheets = match read_xlsx(bytes) {
            Ok(sheets) => sheets,
            Err(e) => return Ok(ImportReport::unreadable(None, &e, request.dry_run)),
        };
        if !sheets.iter().any(is_wide) {
            let first = sheets.into_iter().next().ok_or_else(|| rightsmon_formats::FormatError::file("the workbook has no sheet"));
            return match first.and_then(Table::sheet) {
                Ok(table) => self.import_long(actor, table, request, progress).await,
                Err(e) => Ok(ImportReport::unreadable(None, &e, request.dry_run)),
            };
        }
        let context = self.import_context(actor).await?;
        let mut report = ImportReport::default();
        let state = if request.submit { WorkflowState::Submitted } else { WorkflowState::Draft };
        let source = WideSource::new(sheets, &context, state, &mut report);
        self.run_import(actor, context, Box::new(source), request, report, Vec::new(), Vec::new(), progress).await
    }
}

fn cell_text(cell: Option<&Cell>) -> Option<String> {
    cell.and_then(Cell::as_text).map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

fn is_wide(sheet: &Sheet) -> bool {
    let row = sheet.rows.first();
    cell_text(row.and_then(|r| r.first())).as_deref() == Some("template")
        && cell_text(row.and_then(|r| r.get(1))).is_some_and(|layout| layout.starts_with("wide-"))
}

/// One indicator sheet, checked and ready to read.
struct WideSheet {
    name: String,
    definition: IndicatorDefinition,
    period: Period,
    /// Column index -> the group key written above it.
    groups: Vec<(usize, String)>,
    /// Column index of each source column, in `SOURCE_COLUMNS` order.
    sources: [Option<usize>; 4],
    rows: Vec<Vec<Cell>>,
}

/// The values of a wide workbook, cell by cell.
struct WideSource {
    sheets: Vec<WideSheet>,
    /// Headers per sheet and column, for naming places.
    headers: Vec<Vec<String>>,
    names: Vec<String>,
    sheet: usize,
    row: usize,
    group: usize,
    state: WorkflowState,
    known_areas: BTreeSet<AreaCode>,
    allowed: HashMap<AreaCode, AreaCode>,
}

/// The cell at `row` (from 1) and `column` (from 0), encoded as a row number of the import.
fn encode(sheet: usize, row: usize, column: usize) -> u64 {
    crate::imports::file_row(sheet, ((row as u64) << 12) | column as u64)
}

impl WideSource {
    fn new(sheets: Vec<Sheet>, context: &crate::imports::Context, state: WorkflowState, report: &mut ImportReport) -> Self {
        let mut checked = Vec::new();
        let mut headers = Vec::new();
        let mut names = Vec::new();
        for sheet in sheets.into_iter().filter(is_wide) {
            let name = sheet.name.clone();
            let at = |row: usize, column: usize| cell_text(sheet.rows.get(row - 1).and_then(|r| r.get(column)));
            let mut sheet_problem = |row: usize, column: usize, value: Option<String>, code: &str, message: String| {
                report.problem(problem(Some(&name), Some(row as u64), Some(&column_name(column)), value.as_deref(), code, message));
            };
            if at(1, 1).as_deref() != Some(LAYOUT) {
                sheet_problem(
                    1,
                    1,
                    at(1, 1),
                    "unknown_layout",
                    format!("this import reads the layout {LAYOUT}: download the template again"),
                );
                continue;
            }
            let code = at(2, 1).unwrap_or_default();
            let version = at(2, 3).and_then(|v| v.parse::<f64>().ok()).filter(|v| v.fract() == 0.0 && *v >= 1.0).map(|v| v as u32);
            let definition = IndicatorCode::parse(&code).ok().and_then(|code| match version {
                Some(version) => context.versions.get(&(code, version)),
                None => context.latest.get(&code),
            });
            let Some(definition) = definition.cloned() else {
                sheet_problem(
                    2,
                    1,
                    Some(code.clone()),
                    "unknown_indicator",
                    format!("there is no indicator {code:?} in this version, or it is retired"),
                );
                continue;
            };
            let period = match Period::parse(&at(3, 1).unwrap_or_default()) {
                Ok(period) => period,
                Err(e) => {
                    sheet_problem(3, 1, at(3, 1), e.code, e.message);
                    continue;
                }
            };
            let header: Vec<String> = sheet
                .rows
                .get(HEADER_ROW - 1)
                .map(|r| r.iter().map(|c| cell_text(Some(c)).unwrap_or_default()).collect())
                .unwrap_or_default();
            if header.first().map(String::as_str) != Some("area") {
                sheet_problem(
                    HEADER_ROW,
                    0,
                    header.first().cloned(),
                    "missing_column",
                    format!("row {HEADER_ROW} starts with the column area"),
                );
                continue;
            }
            let mut sources = [None; 4];
            let mut groups = Vec::new();
            for (column, title) in header.iter().enumerate().skip(2) {
                if title.is_empty() {
                    continue;
                }
                if let Some(index) = SOURCE_COLUMNS.iter().position(|c| c == title) {
                    sources[index] = Some(column);
                } else {
                    let key = if title == TOTAL_KEY { String::new() } else { title.clone() };
                    groups.push((column, key));
                }
            }
            names.push(name.clone());
            headers.push(header);
            checked.push(WideSheet { name, definition, period, groups, sources, rows: sheet.rows });
        }
        if checked.is_empty() && report.problem_count() == 0 {
            report.problem(problem(None, None, None, None, "no_sheets", "the workbook has no indicator sheet of a template"));
        }
        Self {
            sheets: checked,
            headers,
            names,
            sheet: 0,
            row: FIRST_AREA_ROW,
            group: 0,
            state,
            known_areas: context.known_areas.clone(),
            allowed: context.allowed.clone(),
        }
    }
}

impl RowSource for WideSource {
    fn next_row(&mut self, report: &mut ImportReport) -> Option<RowResult> {
        loop {
            let sheet = self.sheets.get(self.sheet)?;
            let Some(cells) = sheet.rows.get(self.row - 1) else {
                self.sheet += 1;
                self.row = FIRST_AREA_ROW;
                self.group = 0;
                continue;
            };
            let Some((column, key)) = sheet.groups.get(self.group) else {
                self.row += 1;
                self.group = 0;
                continue;
            };
            let (row, column) = (self.row, *column);
            self.group += 1;
            let Some(value) = cell_text(cells.get(column)) else { continue };
            let source = |index: usize| sheet.sources[index].and_then(|c| cell_text(cells.get(c)));
            let area = cell_text(cells.first()).unwrap_or_default();
            let draft = ObservationDraft {
                area: area.clone(),
                period: sheet.period.to_string(),
                key: key.clone(),
                value: value.clone(),
                source_name: source(0),
                source_reference: source(1),
                source_date: source(2),
                method_note: source(3),
                ..ObservationDraft::default()
            };
            let name = sheet.name.clone();
            return Some(match NewObservation::parse(&sheet.definition, &draft, self.state) {
                Ok(observation) => {
                    if check_area(report, Some(&name), row as u64, &observation.area, &self.known_areas, &self.allowed) {
                        RowResult::Value(encode(self.sheet, row, column), Box::new(observation))
                    } else {
                        RowResult::Problems
                    }
                }
                Err(errors) => {
                    let header = &self.headers[self.sheet];
                    let column_of = |field: &str| -> Option<usize> {
                        match field {
                            "area" => Some(0),
                            "value" | "group" => Some(column),
                            other => header.iter().position(|h| h == other),
                        }
                    };
                    for e in errors.0 {
                        let field = if e.field == "key" { "group".to_owned() } else { e.field.clone() };
                        let place = column_of(&field).map(|c| format!("{} ({})", column_name(c), header.get(c).map_or("", String::as_str)));
                        let shown = match field.as_str() {
                            "value" => Some(value.clone()),
                            "area" => Some(area.clone()),
                            "group" => Some(key.clone()),
                            _ => column_of(&field).and_then(|c| cell_text(cells.get(c))),
                        };
                        report.problem(problem(Some(&name), Some(row as u64), place.as_deref(), shown.as_deref(), e.code, e.message));
                    }
                    RowResult::Problems
                }
            });
        }
    }

    /// A workbook is read whole before its cells are: there is no position in the file.
    fn bytes_read(&self) -> u64 {
        0
    }

    fn place(&self, encoded: u64) -> Place {
        let (sheet, rest) = crate::imports::split_file_row(encoded);
        let (row, column) = (rest >> 12, (rest & 0xFFF) as usize);
        let header = self.headers.get(sheet).and_then(|h| h.get(column)).map_or("", String::as_str);
        Place { file: self.names.get(sheet).cloned(), row, column: Some(format!("{} ({header})", column_name(column))) }
    }
}
