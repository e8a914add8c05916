//! Pages and API of the road map: where every city stands on the network's steps, one city's
//! steps with their dates and evidence, the form with which a city's coordinators record a step
//! reached (or take back one recorded by mistake), and the form with which the network's
//! coordinators add a step.

use crate::WebState;
use crate::catalogue::localised;
use crate::context::Ctx;
use crate::error::WebError;
use crate::see_other;
use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_app::roadmap::Roadmap;
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::Permission;
use rightsmon_domain::roadmap::{MilestoneDraft, RoadmapStep};
use rightsmon_domain::time::Date;
use serde::Deserialize;
use serde_json::{Value, json};

/// A step's name: the network's own words for the steps it started with, in the reader's
/// language; the name it was given for the steps it added.
pub(crate) fn step_name(state: &WebState, lang: &str, step: &RoadmapStep) -> Value {
    let key = format!("roadmap-step-{}", step.code);
    let words = state.i18n.message(lang, &key, &[]);
    if words != key && step.name.get("en").text == state.i18n.message("en", &key, &[]) {
        json!({"text": words, "lang": lang, "fallback": false})
    } else {
        localised(&step.name, lang)
    }
}

fn roadmap_value(state: &WebState, lang: &str, roadmap: &Roadmap) -> Value {
    json!({
        "steps": roadmap.steps.iter().map(|s| json!({"code": s.code, "position": s.position, "name": step_name(state, lang, s)})).collect::<Vec<_>>(),
        "cities": roadmap.cities.iter().map(|c| json!({
            "code": c.code,
            "name": c.name,
            "reached": c.reached,
            "milestones": c.milestones.iter().map(|m| m.as_ref().map(|m| json!({
                "reached_on": m.milestone.reached_on.to_string(),
                "evidence": m.milestone.evidence,
                "note": m.milestone.note,
            }))).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

async fn network_page(
    state: &WebState,
    ctx: &Ctx,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let roadmap = state.app.roadmap(None).await?;
    let page = json!({
        "roadmap": roadmap_value(state, &ctx.lang, &roadmap),
        "may_add": ctx.actor.may(Permission::ManageNetwork),
        "values": values,
        "errors": errors.map_or(Value::Null, |e| json!(e.0)),
    });
    Ok((status, Html(state.render("roadmap.html", ctx, page)?)).into_response())
}

/// `GET /roadmap`: where every city stands.
pub async fn network(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    network_page(&state, &ctx, json!({}), None, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    name: String,
}

/// `POST /roadmap/steps`: a step added at the end; the network's coordinators do.
pub async fn add_step(State(state): State<WebState>, ctx: Ctx, form: Result<Form<StepForm>, FormRejection>) -> Result<Response, WebError> {
    let Form(form) = form?;
    match state.app.add_roadmap_step(&ctx.actor, &form.name).await {
        Ok(_) => Ok(see_other("/roadmap")),
        Err(AppError::Invalid(errors)) => {
            network_page(&state, &ctx, json!({"name": form.name}), Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn city_page(
    state: &WebState,
    ctx: &Ctx,
    code: &str,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let city = state.app.city(code).await?;
    let roadmap = state.app.roadmap(Some(code)).await?;
    let page = json!({
        "city": {"code": city.code, "name": city.name},
        "roadmap": roadmap_value(state, &ctx.lang, &roadmap),
        "may_record": ctx.actor.may(Permission::ManageCity(&city.code)),
        "today": Date::of_timestamp(state.app.now()).to_string(),
        "values": values,
        "errors": errors.map_or(Value::Null, |e| json!(e.0)),
    });
    Ok((status, Html(state.render("city_roadmap.html", ctx, page)?)).into_response())
}

/// `GET /cities/{code}/roadmap`: a city's steps, with dates and evidence.
pub async fn city(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Response, WebError> {
    city_page(&state, &ctx, &code, json!({}), None, StatusCode::OK).await
}

/// `POST /cities/{code}/roadmap`: a step the city reached; its coordinators record it.
pub async fn record(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    form: Result<Form<MilestoneDraft>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(draft) = form?;
    match state.app.record_milestone(&ctx.actor, &code, &draft).await {
        Ok(milestone) => Ok(see_other(&format!("/cities/{code}/roadmap#step-{}", milestone.milestone.step))),
        Err(AppError::Invalid(errors)) => {
            let values = json!({"step": draft.step, "reached_on": draft.reached_on, "evidence": draft.evidence, "note": draft.note});
            city_page(&state, &ctx, &code, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /cities/{code}/roadmap/{step}/removal`: a step recorded by mistake, taken back.
pub async fn remove(State(state): State<WebState>, ctx: Ctx, Path((code, step)): Path<(String, String)>) -> Result<Response, WebError> {
    state.app.remove_milestone(&ctx.actor, &code, &step).await?;
    Ok(see_other(&format!("/cities/{code}/roadmap")))
}

/// `GET /api/v1/roadmap`: the steps and every city's milestones.
pub async fn api(State(state): State<WebState>) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.roadmap(None).await?)))
}
