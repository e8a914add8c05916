//! Surveys of residents: a city's data team uploads a wave (its respondents' file and design
//! description), the estimates are made with their uncertainty and pass disclosure control
//! before they are kept; the respondents' answers are kept apart, never shown or sent, and may
//! be deleted while the survey and its estimates stay.

use crate::{App, AppError, AppResult, signed_in};
use rightsmon_analysis::survey::SURVEY_ESTIMATE;
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::error::ParseError;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::survey::{
    ControlReason, EstimateStatus, NewSurvey, NewWithheld, Survey, SurveyDraft, SurveyEstimate, SurveyHeading, SurveyValues, WithheldValue,
};
use rightsmon_formats::FormatError;
use rightsmon_formats::survey::{EstimateRow, SurveyDesign, pack, read_design, read_microdata, run};
use rightsmon_formats::table::Table;

/// The largest respondents' file an upload may be.
pub const MAX_SURVEY_FILE_BYTES: usize = 256 * 1024 * 1024;

/// The most problems an upload reports per field.
const MAX_REPORTED: usize = 50;

fn city_code(city: &str) -> AppResult<AreaCode> {
    AreaCode::parse(city.trim()).map_err(|_| AppError::NotFound)
}

/// A format's problems at a form field, as many as are worth reading.
fn at_field(field: &str, code: &'static str, problems: impl IntoIterator<Item = String>) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for (i, problem) in problems.into_iter().enumerate() {
        if i == MAX_REPORTED {
            errors.push(field, ParseError::new(code, "... and more problems of the same kind"));
            break;
        }
        errors.push(field, ParseError::new(code, problem));
    }
    errors
}

/// An estimate as kept: a withheld one without numbers, only its reason.
fn kept(row: EstimateRow, design: &SurveyDesign) -> SurveyEstimate {
    let e = &row.estimate;
    let shown = row.status != EstimateStatus::Suppressed;
    let number = |v: f64| (shown && v.is_finite()).then_some(v);
    SurveyEstimate {
        name: row.name.clone(),
        parameter: row.parameter.name().to_owned(),
        variable: row.variable.clone(),
        domain: row.domain.clone(),
        level: row.level.clone(),
        estimate: number(e.estimate),
        se: number(e.se),
        lower: number(e.lower),
        upper: number(e.upper),
        confidence: design.confidence,
        interval: design.interval_of(row.parameter).to_owned(),
        df: e.df.is_finite().then_some(e.df),
        deff: number(e.deff),
        n: shown.then_some(e.n as u64),
        weighted_n: number(e.weighted_n),
        status: row.status,
        reason: row.reason,
        because: row.because,
        indicator: design.estimates.get(row.spec).and_then(|spec| spec.indicator.clone()),
        method: format!("{} {}", SURVEY_ESTIMATE.name, SURVEY_ESTIMATE.version),
    }
}

/// Reads the design and the respondents' file and makes the estimates: every problem at the
/// field it belongs to.
fn estimate(design_text: &str, file_name: &str, bytes: &[u8]) -> Result<Estimated, FieldErrors> {
    let design = read_design(design_text).map_err(|problems| at_field("design", "invalid_design", problems))?;
    let file_problems = |problems: Vec<FormatError>| at_field("file", "invalid_file", problems.iter().map(ToString::to_string));
    let xlsx = bytes.starts_with(b"PK\x03\x04") || file_name.to_ascii_lowercase().ends_with(".xlsx");
    let microdata = if xlsx {
        read_microdata(Table::xlsx(bytes).map_err(|e| file_problems(vec![e]))?, &design)
    } else {
        read_microdata(Table::csv(bytes).map_err(|e| file_problems(vec![e]))?, &design)
    }
    .map_err(file_problems)?;
    let rows = run(&design, &microdata).map_err(file_problems)?;
    let respondents = microdata.rows.len() as u64;
    let cells = rows.iter().map(|row| (row.spec, row.answers.clone())).collect();
    let estimates = rows.into_iter().map(|row| kept(row, &design)).collect();
    Ok(Estimated { design, respondents, estimates, cells })
}

/// Where a domain's values go: the city or one of its districts, and a group, as the design's
/// dimensions map its `by` columns.
struct Places<'a> {
    design: &'a SurveyDesign,
    city: &'a AreaCode,
    districts: Vec<rightsmon_domain::area::Area>,
    codelists: Vec<rightsmon_domain::codelist::Codelist>,
}

impl Places<'_> {
    /// The area and group of a domain's answers in the `by` columns, or every reason they
    /// have none.
    fn place(&self, by: &[String], answers: &[String]) -> Result<(AreaCode, rightsmon_domain::codelist::DisaggregationKey), Vec<String>> {
        use rightsmon_domain::catalogue::DISTRICT_DIMENSION;
        let mut area = self.city.clone();
        let mut pairs = Vec::new();
        let mut problems = Vec::new();
        for (column, answer) in by.iter().zip(answers) {
            let Some(dimension) = self.design.dimensions.get(column) else {
                problems.push(format!("{column} has no dimension under [dimensions]"));
                continue;
            };
            if dimension == DISTRICT_DIMENSION {
                match self.districts.iter().find(|d| d.code.as_str() == answer) {
                    Some(district) => area = district.code.clone(),
                    None => problems.push(format!(
                        "{column}={answer} is not a district of {}: map the answers to district codes under [recode.{column}]",
                        self.city
                    )),
                }
                continue;
            }
            if let Some(list) = self.codelists.iter().find(|c| c.dimension().as_str() == dimension)
                && !list.codes().iter().any(|c| c.code.as_str() == answer)
            {
                problems
                    .push(format!("{column}={answer} is not a code of {dimension}; map the answers to its codes under [recode.{column}]"));
                continue;
            }
            pairs.push((dimension.clone(), answer.clone()));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let key = rightsmon_domain::codelist::DisaggregationKey::from_pairs(pairs).map_err(|e| vec![e.message])?;
        Ok((area, key))
    }
}

/// A wave's estimates, with the design they were made by and, per estimate, its spec and the
/// answers that make its domain.
struct Estimated {
    design: SurveyDesign,
    respondents: u64,
    estimates: Vec<SurveyEstimate>,
    cells: Vec<(usize, Vec<String>)>,
}

/// The most problems with the indicators of a wave reported at once.
const MAX_VALUE_PROBLEMS: usize = 20;

impl App {
    /// Estimates a survey wave of a city from its respondents' file and design description, and
    /// keeps it. The city's data editors and coordinators (and the network's coordinators) do.
    pub async fn upload_survey(
        &self,
        actor: &Actor,
        city: &str,
        draft: &SurveyDraft,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> AppResult<Survey> {
        let user = signed_in(actor)?;
        let city = city_code(city)?;
        if !actor.may(Permission::EnterData(&city)) {
            return Err(AppError::Forbidden);
        }
        self.city(city.as_str()).await?;
        let heading = SurveyHeading::parse(draft);
        let mut errors = match &heading {
            Ok(_) => FieldErrors::new(),
            Err(e) => e.clone(),
        };
        if bytes.is_empty() {
            errors.push("file", ParseError::new("blank", "choose the respondents' file: a CSV or XLSX with a row per respondent"));
        } else if bytes.len() > MAX_SURVEY_FILE_BYTES {
            errors.push("file", ParseError::new("too_large", "the file is larger than 256 MB, the limit of one survey"));
        }
        let heading = match heading {
            Ok(h) if errors.is_empty() => h,
            _ => return Err(AppError::Invalid(errors)),
        };
        let name = file_name.rsplit(['/', '\\']).next().unwrap_or("").trim().chars().take(200).collect::<String>();
        let design = heading.design.clone();
        let file = name.clone();
        // Reading and estimating a large file is work for a thread of its own.
        let (estimated, packed) =
            tokio::task::spawn_blocking(move || estimate(&design, &file, &bytes).map(|estimated| (estimated, pack(&bytes))))
                .await
                .map_err(|e| AppError::Internal(anyhow::anyhow!("the survey could not be estimated: {e}")))??;
        let mut survey = NewSurvey {
            city,
            title: heading.title,
            period: heading.period,
            design: heading.design,
            file_name: if name.is_empty() { "respondents".into() } else { name },
            respondents: estimated.respondents,
            estimates: Vec::new(),
        };
        let values = self.survey_values(&survey, &estimated).await?;
        survey.estimates = estimated.estimates;
        let event = self.event(
            Some(user),
            "survey.uploaded",
            "survey:*",
            serde_json::json!({
                "city": survey.city, "respondents": survey.respondents, "estimates": survey.estimates.len(),
                "values": values.values.len(), "withheld": values.withheld.len(),
            }),
        );
        match self.store.create_survey(&survey, &packed, &values, Some(user), self.now(), &event).await {
            Ok(kept) => Ok(kept),
            Err(rightsmon_store::StoreError::Conflict { .. }) => {
                Err(AppError::Conflict("a value this wave gives was entered or changed meanwhile; upload the wave again".into()))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The values a wave gives the indicators its design names: each estimate of an indicator's
    /// answer becomes a draft value of the city or district and group its domain maps to, with
    /// its interval and precision, for the usual review; a withheld estimate becomes a withheld
    /// value. A value already there is replaced only if it is an earlier wave's draft; every
    /// other problem is told at the design.
    async fn survey_values(&self, survey: &NewSurvey, estimated: &Estimated) -> AppResult<SurveyValues> {
        use rightsmon_domain::catalogue::ValueType;
        use rightsmon_domain::observation::{
            NewObservation, ObservationValue, Precision, Provenance, ProvenanceKind, StatusFlag, WorkflowState,
        };
        let design = &estimated.design;
        let mut problems: Vec<String> = Vec::new();
        let mut values = SurveyValues::default();
        if design.estimates.iter().all(|spec| spec.indicator.is_none()) {
            return Ok(values);
        }
        let places = Places {
            design,
            city: &survey.city,
            districts: self.store.list_areas(Some(rightsmon_domain::area::AreaKind::District), Some(&survey.city)).await?,
            codelists: self.store.list_codelists().await?,
        };
        let retired = self.store.list_retired().await?;
        let mut indicators: std::collections::HashMap<
            String,
            (rightsmon_domain::catalogue::IndicatorDefinition, Vec<rightsmon_domain::observation::Observation>),
        > = std::collections::HashMap::new();
        // The estimate that gives each value, by indicator, area and group.
        let mut given = std::collections::HashMap::new();
        for (index, spec) in design.estimates.iter().enumerate() {
            let Some(code) = &spec.indicator else { continue };
            if problems.len() >= MAX_VALUE_PROBLEMS {
                break;
            }
            let at = format!("estimate {} ({})", index + 1, spec.name);
            // Each indicator is read once, with what is stored for it in the city and its
            // districts in the period, however many estimates give it values.
            if !indicators.contains_key(code) {
                let definition = match self.indicator(code, None).await {
                    Ok(d) => d,
                    Err(AppError::NotFound) => {
                        problems.push(format!("{at}: the catalogue has no indicator {code}"));
                        continue;
                    }
                    Err(other) => return Err(other),
                };
                let mut query = rightsmon_store::ObservationQuery::new(rightsmon_store::Visibility::All);
                query.indicator = Some(definition.code.clone());
                query.version = Some(definition.version);
                query.area = Some(survey.city.clone());
                query.include_districts = true;
                query.period_from = Some(survey.period);
                query.period_to = Some(survey.period);
                let stored = self.store.list_all_observations(&query).await?;
                indicators.insert(code.clone(), (definition, stored));
            }
            let Some((definition, stored)) = indicators.get(code) else { continue };
            if retired.iter().any(|r| r.indicator == definition.code) {
                problems.push(format!("{at}: {code} is retired, so no new values are collected for it"));
                continue;
            }
            if matches!(definition.value_type, ValueType::Text | ValueType::YesNo | ValueType::Ordinal) {
                problems.push(format!("{at}: {code} holds {} values, not numbers a survey estimates", definition.value_type.as_str()));
                continue;
            }
            let scale = spec.scale.unwrap_or(
                if spec.parameter == rightsmon_analysis::survey::Parameter::Proportion && definition.value_type == ValueType::Percentage {
                    100.0
                } else {
                    1.0
                },
            );
            let mut matched = false;
            for (estimate, (spec_index, answers)) in estimated.estimates.iter().zip(&estimated.cells) {
                if problems.len() >= MAX_VALUE_PROBLEMS {
                    break;
                }
                if *spec_index != index || spec.level.as_ref().is_some_and(|level| *level != estimate.level) {
                    continue;
                }
                matched = true;
                let domain = if estimate.domain.is_empty() { "the whole population".to_owned() } else { estimate.domain.clone() };
                let (area, key) = match places.place(&spec.by, answers) {
                    Ok(place) => place,
                    Err(errors) => {
                        problems.extend(errors.into_iter().map(|e| format!("{at}, {domain}: {e}")));
                        continue;
                    }
                };
                if !definition.allows_key(&key) {
                    problems.push(format!("{at}: {code} does not report the group {key}"));
                    continue;
                }
                // One estimate per value: two that give the same one would leave it to chance.
                if let Some(first) = given.insert((definition.code.clone(), area.clone(), key.clone()), index) {
                    problems.push(format!(
                        "{at}: estimate {} gives {code} its value for {area}{} already: let one estimate give each value",
                        first + 1,
                        if key.is_total() { String::new() } else { format!(", {key}") },
                    ));
                    continue;
                }
                if estimate.status == EstimateStatus::Suppressed {
                    let reason = match estimate.because.clone() {
                        // The estimate it protects, as the indicator's value it would be.
                        Some(ControlReason::Protects { domain }) => estimated
                            .estimates
                            .iter()
                            .zip(&estimated.cells)
                            .find(|(e, (i, _))| e.domain == domain && design.estimates[*i].variable == spec.variable)
                            .and_then(|(_, (i, answers))| places.place(&design.estimates[*i].by, answers).ok())
                            .map_or(ControlReason::Protects { domain }, |(area, key)| ControlReason::ProtectsValue { area, key }),
                        Some(other) => other,
                        None => ControlReason::FewRespondents { min: design.min_respondents as u64 },
                    };
                    values.withheld.push(NewWithheld {
                        indicator: definition.code.clone(),
                        version: definition.version,
                        area,
                        period: survey.period,
                        key,
                        reason,
                    });
                    continue;
                }
                let (Some(value), Some(se)) = (estimate.estimate, estimate.se) else { continue };
                let value = value * scale;
                if let Err(e) = definition.check_number(value) {
                    problems.push(format!(
                        "{at}, {domain}: {} (the estimate times {})",
                        e.message,
                        rightsmon_formats::composite::number(scale)
                    ));
                    continue;
                }
                let level = if spec.level.is_some() { format!(" = {}", estimate.level) } else { String::new() };
                let observation = NewObservation {
                    indicator: definition.code.clone(),
                    version: definition.version,
                    area,
                    period: survey.period,
                    key,
                    value: ObservationValue::Number(value),
                    lower_bound: estimate.lower.map(|l| l * scale),
                    upper_bound: estimate.upper.map(|u| u * scale),
                    status: if estimate.status == EstimateStatus::Unreliable { StatusFlag::Unreliable } else { StatusFlag::Normal },
                    provenance: Provenance {
                        organisation_id: None,
                        kind: ProvenanceKind::Survey,
                        source_name: Some(survey.title.clone()),
                        source_reference: Some(format!("{}: {domain}", spec.name)),
                        source_date: None,
                        method_note: Some(format!(
                            "Weighted {} of {}{level}, times {}, from {} respondents; standard error by Taylor linearisation; {}% {} interval; {}",
                            estimate.parameter,
                            estimate.variable,
                            rightsmon_formats::composite::number(scale),
                            estimate.n.unwrap_or(0),
                            rightsmon_formats::composite::number(estimate.confidence * 100.0),
                            estimate.interval,
                            estimate.method,
                        )),
                    },
                    state: WorkflowState::Draft,
                    precision: Some(Precision {
                        standard_error: se * scale,
                        design_effect: estimate.deff,
                        respondents: estimate.n.unwrap_or(0),
                        confidence: estimate.confidence,
                    }),
                };
                let replaces = match stored.iter().find(|o| o.data.same_subject(&observation)) {
                    None => None,
                    Some(o)
                        if o.data.provenance.kind == ProvenanceKind::Survey
                            && matches!(o.data.state, WorkflowState::Draft | WorkflowState::Returned) =>
                    {
                        Some((o.id, o.revision))
                    }
                    Some(o) => {
                        problems.push(format!(
                            "{at}: {code} has a {} value for {}, {}{} already, which only its own page changes: revise it there, or give this wave another period",
                            o.data.state.as_str(),
                            o.data.area,
                            o.data.period,
                            if o.data.key.is_total() { String::new() } else { format!(", {}", o.data.key) },
                        ));
                        continue;
                    }
                };
                values.values.push((observation, replaces));
            }
            if !matched && let Some(level) = &spec.level {
                let mut answers: Vec<&str> = estimated
                    .estimates
                    .iter()
                    .zip(&estimated.cells)
                    .filter(|(_, (i, _))| *i == index)
                    .map(|(e, _)| e.level.as_str())
                    .collect();
                answers.sort_unstable();
                answers.dedup();
                problems.push(format!(
                    "{at}: no respondent gave the answer {level} to {}; the answers are {}",
                    spec.variable,
                    if answers.is_empty() { "none".to_owned() } else { answers.join(", ") }
                ));
            }
        }
        if problems.is_empty() {
            return Ok(values);
        }
        problems.dedup();
        if problems.len() >= MAX_VALUE_PROBLEMS {
            problems.truncate(MAX_VALUE_PROBLEMS);
            problems.push("... the check stopped here: mend these first, there may be more".to_owned());
        }
        Err(AppError::Invalid(at_field("design", "invalid_indicator_values", problems)))
    }

    /// The values of an indicator withheld in a city and its districts that the actor may know
    /// of: all of them for those who read the city's work in progress; for others, those of a
    /// period in which the indicator has a published value in the city.
    pub async fn withheld_values(&self, actor: &Actor, indicator: &IndicatorCode, city: &AreaCode) -> AppResult<Vec<WithheldValue>> {
        let withheld = self.store.list_withheld(indicator, city).await?;
        if withheld.is_empty() || actor.may(Permission::ReadUnpublished(city)) {
            return Ok(withheld);
        }
        let mut query = rightsmon_store::ObservationQuery::new(rightsmon_store::Visibility::PublishedOnly);
        query.indicator = Some(indicator.clone());
        query.area = Some(city.clone());
        query.include_districts = true;
        let published: std::collections::BTreeSet<_> =
            self.store.list_all_observations(&query).await?.into_iter().map(|o| o.data.period).collect();
        Ok(withheld.into_iter().filter(|w| published.contains(&w.withheld.period)).collect())
    }

    /// A city's surveys, for those who see its work in progress.
    pub async fn surveys(&self, actor: &Actor, city: &str) -> AppResult<Vec<Survey>> {
        let city = city_code(city)?;
        if !actor.may(Permission::ReadUnpublished(&city)) {
            return Err(if actor.is_signed_in() { AppError::Forbidden } else { AppError::Unauthenticated });
        }
        Ok(self.store.list_surveys(Some(&city)).await?)
    }

    /// One survey with its estimates (never its respondents' answers).
    pub async fn survey(&self, actor: &Actor, id: i64) -> AppResult<Survey> {
        let survey = self.store.get_survey(id).await?;
        if !actor.may(Permission::ReadUnpublished(&survey.survey.city)) {
            // Not even whether it exists, for those outside the city.
            return Err(if actor.is_signed_in() { AppError::NotFound } else { AppError::Unauthenticated });
        }
        Ok(survey)
    }

    /// Submits a wave's draft values (and those returned for correction) for review: the values
    /// of the indicators its design names, in the city and its districts, for its period, that
    /// came from a survey of its title. The city's data editors and coordinators do. Returns how
    /// many were submitted.
    pub async fn submit_survey_values(&self, actor: &Actor, id: i64) -> AppResult<usize> {
        signed_in(actor)?;
        let survey = self.survey(actor, id).await?;
        let city = survey.survey.city.clone();
        if !actor.may(Permission::EnterData(&city)) {
            return Err(AppError::Forbidden);
        }
        let mut indicators: Vec<&str> = survey.survey.estimates.iter().filter_map(|e| e.indicator.as_deref()).collect();
        indicators.sort_unstable();
        indicators.dedup();
        let mut submitted = 0;
        for code in indicators {
            let Ok(code) = IndicatorCode::parse(code) else { continue };
            let mut query = rightsmon_store::ObservationQuery::new(rightsmon_store::Visibility::All);
            query.indicator = Some(code);
            query.area = Some(city.clone());
            query.include_districts = true;
            query.period_from = Some(survey.survey.period);
            query.period_to = Some(survey.survey.period);
            query.states =
                vec![rightsmon_domain::observation::WorkflowState::Draft, rightsmon_domain::observation::WorkflowState::Returned];
            for value in self.store.list_all_observations(&query).await? {
                let provenance = &value.data.provenance;
                if provenance.kind == rightsmon_domain::observation::ProvenanceKind::Survey
                    && provenance.source_name.as_deref() == Some(survey.survey.title.as_str())
                {
                    self.submit_value(actor, value.id).await?;
                    submitted += 1;
                }
            }
        }
        Ok(submitted)
    }

    /// Deletes a survey's respondents' answers; the survey and its estimates stay. The city's
    /// coordinators (and the network's) do.
    pub async fn delete_survey_microdata(&self, actor: &Actor, id: i64) -> AppResult<Survey> {
        let user = signed_in(actor)?;
        let survey = self.survey(actor, id).await?;
        if !actor.may(Permission::ManageCity(&survey.survey.city)) {
            return Err(AppError::Forbidden);
        }
        if !survey.has_microdata() {
            return Err(AppError::Conflict("the respondents' answers of this survey are already deleted".into()));
        }
        let event =
            self.event(Some(user), "survey.microdata_deleted", format!("survey:{id}"), serde_json::json!({"city": survey.survey.city}));
        Ok(self.store.delete_survey_microdata(id, Some(user), self.now(), &event).await?)
    }
}
