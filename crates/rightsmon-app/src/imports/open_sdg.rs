//! Open SDG data: an indicator per file, with its metadata, mapped onto the catalogue or made a
//! local indicator of the city; and the way back, an indicator's values as an Open SDG file.

use super::*;

/// The indicator id an Open SDG data file's name gives (`indicator_16-1-3.csv` is `16-1-3`), for
/// an upload of one file.
pub use rightsmon_formats::open_sdg::indicator_id as open_sdg_indicator_id;

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
    open_sdg_format::identifier(&format!("CL_{dimension}_{city}"), 50)
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
        let id = DimensionId::parse(&open_sdg_format::identifier(column, 40))?;
        self.by_dimension.entry(id.clone()).or_insert_with(|| (column.to_owned(), BTreeMap::new(), BTreeSet::new()));
        Ok(id)
    }

    /// The code of a label, made (and kept as the city's own) if there is none.
    fn code_for(&mut self, dimension: &DimensionId, label: &str) -> Result<Code, ParseError> {
        let entry = self.by_dimension.entry(dimension.clone()).or_insert_with(|| (dimension.to_string(), BTreeMap::new(), BTreeSet::new()));
        if let Some(code) = entry.1.get(&label.to_lowercase()) {
            return Ok(code.clone());
        }
        let base = open_sdg_format::identifier(label, 40);
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
        while let Some(row) = open_sdg_format::next_row(&mut table, &columns) {
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    report.problem(format_problem(Some(&name), &e));
                    continue;
                }
            };
            if open_sdg_format::is_missing(&row.value) {
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
        let described = open_sdg_format::IndicatorMetadata::of(&file.metadata);
        let source_name = described.source_name.clone();
        if let Some(code) = mapping.and_then(|m| m.code.as_deref()) {
            let definition = IndicatorCode::parse(code).ok().and_then(|c| context.latest.get(&c).cloned());
            let Some(definition) = definition else {
                fail(report, None, None, "unknown_indicator", format!("the mapping names {code:?}, which is no indicator"));
                return None;
            };
            return Some(FilePlan { id: file.id.clone(), definition, dimensions, source_name });
        }
        let right = open_sdg_format::sdg_target_and_goal(&file.id)
            .and_then(|(target, goal)| [target, goal].into_iter().find(|code| rights.contains(code)));
        let Some(right) = right else {
            fail(report, None, None, "unknown_target", format!("{} names no SDG target the catalogue knows", file.id));
            return None;
        };
        let code = format!("{city}.{}", file.id);
        let title = described.title.unwrap_or_else(|| file.id.clone());
        let description = described.description.unwrap_or_else(|| title.clone());
        let unit = described.unit.unwrap_or_else(|| "value".to_owned());
        let source = source_name.clone().map(|name| SourceRef { name, code: described.source_code, url: described.source_url });
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
            let Some(row) = open_sdg_format::next_row(&mut current.table, &current.columns) else {
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
            if open_sdg_format::is_missing(&row.value) {
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
