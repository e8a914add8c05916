//! The read-only JSON API under `/api/v1/`. Lists are pages: `{"items": [...], "total", "limit",
//! "offset"}`; errors have the stable body described in [`crate::error`].

use crate::WebState;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_app::catalogue::IndicatorFilter;
use rightsmon_app::observations::ObservationFilter;
use serde::Deserialize;
use serde_json::json;

/// A whole list as one page.
fn whole_list<T: serde::Serialize>(items: Vec<T>) -> Json<serde_json::Value> {
    let total = items.len();
    Json(json!({"items": items, "total": total, "limit": total, "offset": 0}))
}

fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, WebError> {
    Ok(query?.0)
}

pub async fn health(State(state): State<WebState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => Json(json!({"status": "ok", "backend": state.app.store.backend()})).into_response(),
        Err(error) => {
            tracing::warn!(error = format!("{error:#}"), "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable"}))).into_response()
        }
    }
}

pub async fn list_cities(State(state): State<WebState>) -> Result<Json<serde_json::Value>, WebError> {
    Ok(whole_list(state.app.network_overview().await?.cities))
}

pub async fn get_city(State(state): State<WebState>, Path(code): Path<String>) -> Result<Json<serde_json::Value>, WebError> {
    let city = state.app.city(&code).await?;
    let districts = state.app.districts(&city.code).await?;
    Ok(Json(json!({"city": city, "districts": districts})))
}

pub async fn list_themes(State(state): State<WebState>) -> Result<Json<serde_json::Value>, WebError> {
    Ok(whole_list(state.app.themes().await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RightsQuery {
    kind: Option<String>,
}

pub async fn list_rights(
    State(state): State<WebState>,
    q: Result<Query<RightsQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let q = query(q)?;
    Ok(whole_list(state.app.rights(q.kind.as_deref()).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsQuery {
    city: Option<String>,
    theme: Option<String>,
    right: Option<String>,
    scope: Option<String>,
    #[serde(rename = "type")]
    link_type: Option<String>,
    q: Option<String>,
    #[serde(default)]
    include_retired: bool,
    limit: Option<u32>,
    offset: Option<u64>,
}

pub async fn list_indicators(
    State(state): State<WebState>,
    q: Result<Query<IndicatorsQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let q = query(q)?;
    let filter = IndicatorFilter {
        city: q.city,
        theme: q.theme,
        right: q.right,
        scope: q.scope,
        link_type: q.link_type,
        text: q.q,
        include_retired: q.include_retired,
        limit: q.limit,
        offset: q.offset,
    };
    Ok(Json(serde_json::to_value(state.app.indicators(&filter).await?).map_err(|e| AppError::Internal(e.into()))?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    version: Option<u32>,
}

pub async fn get_indicator(
    State(state): State<WebState>,
    Path(code): Path<String>,
    q: Result<Query<IndicatorQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let q = query(q)?;
    let detail = state.app.indicator_detail(&code).await?;
    let definition = match q.version {
        None => detail.indicator.clone(),
        Some(version) => detail.versions.iter().find(|d| d.version == version).cloned().ok_or(WebError::App(AppError::NotFound))?,
    };
    let versions: Vec<serde_json::Value> =
        detail.versions.iter().map(|d| json!({"version": d.version, "breaks_series": d.breaks_series})).collect();
    Ok(Json(json!({"indicator": definition, "versions": versions, "retired": detail.retired, "adoptions": detail.adoptions})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkQuery {
    format: Option<String>,
    #[serde(default)]
    include_local: bool,
}

/// The whole framework as a file (JSON by default, `?format=toml`).
pub async fn export_framework(
    State(state): State<WebState>,
    q: Result<Query<FrameworkQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    use axum::http::header;
    use rightsmon_app::framework::FrameworkFormat;
    let q = query(q)?;
    let format = FrameworkFormat::parse(q.format.as_deref().unwrap_or("json")).map_err(|e| WebError::BadRequest(e.message))?;
    let body = state.app.export_framework(format, q.include_local).await?;
    let (content_type, name) = match format {
        FrameworkFormat::Json => ("application/json", "framework.json"),
        FrameworkFormat::Toml => ("application/toml; charset=utf-8", "framework.toml"),
        FrameworkFormat::Xlsx => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "framework.xlsx"),
    };
    Ok(([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], body)
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalsQuery {
    scope: Option<String>,
    status: Option<String>,
    limit: Option<u32>,
    offset: Option<u64>,
}

pub async fn list_proposals(
    State(state): State<WebState>,
    q: Result<Query<ProposalsQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let q = query(q)?;
    let page = state.app.proposals(q.scope.as_deref(), q.status.as_deref(), q.limit, q.offset).await?;
    Ok(Json(serde_json::to_value(page).map_err(|e| AppError::Internal(e.into()))?))
}

pub async fn get_proposal(State(state): State<WebState>, Id(id): Id) -> Result<Json<serde_json::Value>, WebError> {
    Ok(Json(serde_json::to_value(state.app.proposal_detail(id).await?).map_err(|e| AppError::Internal(e.into()))?))
}

pub async fn city_adoptions(State(state): State<WebState>, Path(code): Path<String>) -> Result<Json<serde_json::Value>, WebError> {
    Ok(whole_list(state.app.adoptions(&code).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservationsQuery {
    indicator: Option<String>,
    version: Option<u32>,
    area: Option<String>,
    #[serde(default)]
    include_districts: bool,
    key: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
    offset: Option<u64>,
}

pub async fn list_observations(
    State(state): State<WebState>,
    ctx: Ctx,
    q: Result<Query<ObservationsQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let q = query(q)?;
    let filter = ObservationFilter {
        indicator: q.indicator,
        version: q.version,
        area: q.area,
        include_districts: q.include_districts,
        key: q.key,
        from: q.from,
        to: q.to,
        limit: q.limit,
        offset: q.offset,
    };
    Ok(Json(serde_json::to_value(state.app.observations(&ctx.actor, &filter).await?).map_err(|e| AppError::Internal(e.into()))?))
}

pub async fn get_observation(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<serde_json::Value>, WebError> {
    let observation = state.app.observation(&ctx.actor, id).await?;
    Ok(Json(json!({"observation": observation})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesQuery {
    indicator: String,
    area: String,
    #[serde(default)]
    key: String,
}

/// One series across the indicator's versions, with its breaks.
pub async fn series(
    State(state): State<WebState>,
    ctx: Ctx,
    q: Result<Query<SeriesQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let q = query(q)?;
    let points = state.app.series(&ctx.actor, &q.indicator, &q.area, &q.key).await?;
    Ok(Json(json!({"indicator": q.indicator, "area": q.area, "key": q.key, "points": points})))
}

pub async fn observation_history(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<serde_json::Value>, WebError> {
    Ok(whole_list(state.app.value_history(&ctx.actor, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShadowQuery {
    indicator: String,
    area: String,
}

/// Civil-society values and assessments of an indicator in an area, with the replies.
pub async fn shadow_values(
    State(state): State<WebState>,
    q: Result<Query<ShadowQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let q = query(q)?;
    Ok(whole_list(state.app.shadow_values(&q.indicator, &q.area).await?))
}

pub async fn city_cycles(State(state): State<WebState>, Path(code): Path<String>) -> Result<Json<serde_json::Value>, WebError> {
    Ok(whole_list(state.app.cycles(&code).await?))
}

/// Expected and received values of a cycle; for members of its city.
pub async fn cycle_completeness(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<serde_json::Value>, WebError> {
    Ok(Json(serde_json::to_value(state.app.completeness(&ctx.actor, id).await?).map_err(|e| AppError::Internal(e.into()))?))
}

/// The signed-in user's tasks: what their organisations provide, by when, and what came in.
pub async fn my_tasks(State(state): State<WebState>, ctx: Ctx) -> Result<Json<serde_json::Value>, WebError> {
    Ok(whole_list(state.app.my_tasks(&ctx.actor).await?))
}
