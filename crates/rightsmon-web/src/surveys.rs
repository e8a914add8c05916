//! Surveys of residents, on pages and in the JSON API: a city's survey waves and their
//! estimates after disclosure control, for those who see the city's work in progress; its data
//! team uploads a wave (design and respondents' file), its coordinators delete the answers. The
//! respondents' answers are never among what is shown or sent.

use crate::WebState;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use crate::{see_other, upload};
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_app::surveys::MAX_SURVEY_FILE_BYTES;
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::Permission;
use rightsmon_domain::survey::{ControlReason, MAX_DESIGN_BYTES, Survey, SurveyDraft};
use rightsmon_domain::time::Date;
use serde_json::{Value, json};

/// Why disclosure control withheld or flagged a value, in the reader's language.
pub(crate) fn control_reason(state: &WebState, lang: &str, reason: &ControlReason) -> String {
    use crate::i18n::Arg;
    match reason {
        ControlReason::FewRespondents { min } => {
            state.i18n.message(lang, "survey-reason-few-respondents", &[("min", Arg::Text(min.to_string()))])
        }
        ControlReason::HighError { max_rse } => {
            state.i18n.message(lang, "survey-reason-high-error", &[("percent", Arg::Text(crate::charts::label(max_rse * 100.0, 1)))])
        }
        ControlReason::Protects { domain } if domain.is_empty() => state.i18n.message(lang, "survey-reason-protects-whole", &[]),
        ControlReason::Protects { domain } => state.i18n.message(lang, "survey-reason-protects", &[("group", Arg::Text(domain.clone()))]),
        ControlReason::ProtectsValue { area, key } => {
            let group = if key.is_total() { area.to_string() } else { format!("{area}, {key}") };
            state.i18n.message(lang, "survey-reason-protects", &[("group", Arg::Text(group))])
        }
    }
}

/// A survey as its pages show it, in the reader's language: dates as days, reasons in words,
/// and nothing of the answers.
fn survey_page_value(state: &WebState, lang: &str, survey: &Survey) -> Value {
    let mut value = survey_value(survey);
    if let Some(estimates) = value.get_mut("estimates").and_then(Value::as_array_mut) {
        for (shown, estimate) in estimates.iter_mut().zip(&survey.survey.estimates) {
            if let Some(because) = &estimate.because {
                shown["reason"] = json!(control_reason(state, lang, because));
            }
        }
    }
    value
}

/// A survey as its pages show it: dates as days, and nothing of the answers.
fn survey_value(survey: &Survey) -> Value {
    json!({
        "id": survey.id,
        "title": survey.survey.title,
        "period": survey.survey.period.to_string(),
        "file_name": survey.survey.file_name,
        "respondents": survey.survey.respondents,
        "design": survey.survey.design,
        "uploaded_on": Date::of_timestamp(survey.uploaded_at).to_string(),
        "deleted_on": survey.microdata_deleted_at.map(|at| Date::of_timestamp(at).to_string()),
        "estimates": survey.survey.estimates,
        "confidence": survey.survey.estimates.first().map_or(95.0, |e| (e.confidence * 100.0).round()),
    })
}

async fn city_page(
    state: &WebState,
    ctx: &Ctx,
    code: &str,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let surveys = state.app.surveys(&ctx.actor, code).await?;
    let city = state.app.city(code).await?;
    let page = json!({
        "city": {"code": city.code, "name": city.name},
        "surveys": surveys.iter().map(survey_value).collect::<Vec<_>>(),
        "may_upload": ctx.actor.may(Permission::EnterData(&city.code)),
        "values": values,
        "errors": errors.map_or(Value::Null, |e| json!(e.0)),
    });
    Ok((status, Html(state.render("surveys.html", ctx, page)?)).into_response())
}

/// `GET /cities/{code}/surveys`: the city's survey waves, and the form to upload one.
pub async fn city(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Response, WebError> {
    city_page(&state, &ctx, &code, json!({}), None, StatusCode::OK).await
}

/// `POST /cities/{code}/surveys`: a survey wave uploaded, estimated and kept; its mistakes come
/// back at their fields.
pub async fn upload(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let mut multipart = multipart?;
    let mut draft = SurveyDraft::default();
    let (mut file_name, mut bytes) = (String::new(), Vec::new());
    let too_large = || WebError::BadRequest(format!("the file is larger than {} MB", MAX_SURVEY_FILE_BYTES / (1024 * 1024)));
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { WebError::from(e) })?
    {
        match field.name().unwrap_or_default() {
            "title" => draft.title = upload::text(field).await?,
            "period" => draft.period = upload::text(field).await?,
            "design" => {
                let text = upload::bytes_within(field, MAX_DESIGN_BYTES, || {
                    WebError::BadRequest("the design description is longer than 1 MB".into())
                })
                .await?;
                draft.design =
                    String::from_utf8(text).map_err(|_| WebError::BadRequest("the design description is not UTF-8 text".into()))?;
            }
            "file" => {
                file_name = field.file_name().unwrap_or_default().chars().take(200).collect();
                bytes = upload::bytes_within(field, MAX_SURVEY_FILE_BYTES, too_large).await?;
            }
            _ => {}
        }
    }
    match state.app.upload_survey(&ctx.actor, &code, &draft, &file_name, bytes).await {
        Ok(survey) => Ok(see_other(&format!("/surveys/{}", survey.id))),
        Err(AppError::Invalid(errors)) => {
            let values = json!({"title": draft.title, "period": draft.period, "design": draft.design});
            city_page(&state, &ctx, &code, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /surveys/{id}`: a survey wave with its estimates, their intervals and why any is
/// withheld or uncertain.
pub async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let survey = state.app.survey(&ctx.actor, id).await?;
    let city = state.app.city(survey.survey.city.as_str()).await?;
    let mut indicators: Vec<&str> = survey.survey.estimates.iter().filter_map(|e| e.indicator.as_deref()).collect();
    indicators.sort_unstable();
    indicators.dedup();
    let page = json!({
        "indicators": indicators,
        "may_submit": !indicators.is_empty() && ctx.actor.may(Permission::EnterData(&survey.survey.city)),
        "submitted": query.get("submitted").and_then(|n| n.parse::<usize>().ok()),
        "city": {"code": city.code, "name": city.name},
        "survey": survey_page_value(&state, &ctx.lang, &survey),
        "may_delete": survey.has_microdata() && ctx.actor.may(Permission::ManageCity(&survey.survey.city)),
    });
    Ok(Html(state.render("survey.html", &ctx, page)?).into_response())
}

/// `POST /surveys/{id}/microdata-deletion`: the respondents' answers deleted; back to the survey.
pub async fn delete_microdata(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    state.app.delete_survey_microdata(&ctx.actor, id).await?;
    Ok(see_other(&format!("/surveys/{id}")))
}

/// `POST /surveys/{id}/submission`: the wave's draft values submitted for review; back to the
/// survey, saying how many.
pub async fn submit_values(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    let submitted = state.app.submit_survey_values(&ctx.actor, id).await?;
    Ok(see_other(&format!("/surveys/{id}?submitted={submitted}#values")))
}

/// `POST /api/v1/surveys/{id}/submission`: submits the wave's draft values for review.
pub async fn api_submit_values(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<Value>, WebError> {
    Ok(Json(json!({"submitted": state.app.submit_survey_values(&ctx.actor, id).await?})))
}

/// `GET /api/v1/cities/{code}/surveys`: the city's survey waves with their estimates.
pub async fn api_city_surveys(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.surveys(&ctx.actor, &code).await?)))
}

/// `GET /api/v1/surveys/{id}`: one survey wave with its estimates.
pub async fn api_survey(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.survey(&ctx.actor, id).await?)))
}

/// `POST /api/v1/surveys/{id}/microdata-deletion`: deletes the respondents' answers; the survey
/// and its estimates stay.
pub async fn api_delete_microdata(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.delete_survey_microdata(&ctx.actor, id).await?)))
}
