//! Surveys of residents in the JSON API: a city's survey waves and their estimates after
//! disclosure control, for those who see the city's work in progress; the respondents'
//! answers are never among what is sent. The city's coordinators delete the answers.

use crate::WebState;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

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
