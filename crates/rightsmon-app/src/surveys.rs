//! Surveys of residents: a city's data team uploads a wave (its respondents' file and design
//! description), the estimates are made with their uncertainty and pass disclosure control
//! before they are kept; the respondents' answers are kept apart, never shown or sent, and may
//! be deleted while the survey and its estimates stay.

use crate::{App, AppError, AppResult, signed_in};
use rightsmon_analysis::survey::SURVEY_ESTIMATE;
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::error::ParseError;
use rightsmon_domain::id::AreaCode;
use rightsmon_domain::survey::{EstimateStatus, NewSurvey, Survey, SurveyDraft, SurveyEstimate, SurveyHeading};
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
        method: format!("{} {}", SURVEY_ESTIMATE.name, SURVEY_ESTIMATE.version),
    }
}

/// Reads the design and the respondents' file and makes the estimates: every problem at the
/// field it belongs to.
fn estimate(design_text: &str, file_name: &str, bytes: &[u8]) -> Result<(u64, Vec<SurveyEstimate>), FieldErrors> {
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
    let estimates = rows.into_iter().map(|row| kept(row, &design)).collect();
    Ok((respondents, estimates))
}

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
        let (respondents, estimates, packed) = tokio::task::spawn_blocking(move || {
            estimate(&design, &file, &bytes).map(|(respondents, estimates)| (respondents, estimates, pack(&bytes)))
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the survey could not be estimated: {e}")))??;
        let survey = NewSurvey {
            city,
            title: heading.title,
            period: heading.period,
            design: heading.design,
            file_name: if name.is_empty() { "respondents".into() } else { name },
            respondents,
            estimates,
        };
        let event = self.event(
            Some(user),
            "survey.uploaded",
            "survey:*",
            serde_json::json!({"city": survey.city, "respondents": survey.respondents, "estimates": survey.estimates.len()}),
        );
        Ok(self.store.create_survey(&survey, &packed, Some(user), self.now(), &event).await?)
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
