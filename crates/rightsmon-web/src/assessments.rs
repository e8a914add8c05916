//! Pages and API of two-sided assessments: a city's board for a cycle, with the municipality's
//! and each organisation's verdicts side by side, disagreements marked and earlier versions
//! kept; the form with which each side writes its own assessment, which works without
//! JavaScript and brings errors back at their fields.

use crate::WebState;
use crate::catalogue::localised;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use crate::see_other;
use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_app::assessments::{AssessmentBoard, Side};
use rightsmon_domain::FieldErrors;
use rightsmon_domain::participation::{AssessedSubject, Assessment, AssessmentDraft, Verdict};
use rightsmon_domain::time::Date;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    cycle: String,
}

/// The form (and the API's body) of an assessment.
#[derive(Debug, Default, Deserialize)]
pub struct AssessmentForm {
    #[serde(default)]
    cycle: String,
    #[serde(default)]
    side: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    reasoning: String,
    #[serde(default)]
    evidence: String,
}

impl AssessmentForm {
    fn draft(&self) -> AssessmentDraft {
        AssessmentDraft {
            subject: self.subject.clone(),
            verdict: self.verdict.clone(),
            reasoning: self.reasoning.clone(),
            evidence: self.evidence.clone(),
        }
    }
}

fn side_value(side: &Side) -> Value {
    json!({"key": side.key, "organisation": side.organisation})
}

fn version_value(a: &Assessment) -> Value {
    json!({
        "version": a.version,
        "verdict": a.assessment.verdict,
        "reasoning": a.assessment.reasoning,
        "evidence": a.assessment.evidence,
        "on": Date::of_timestamp(a.at).to_string(),
    })
}

fn board_value(board: &AssessmentBoard, lang: &str) -> Value {
    let rows: Vec<Value> = board
        .rows
        .iter()
        .map(|row| {
            let (kind, code) = match &row.subject {
                AssessedSubject::Right(code) => ("right", code.to_string()),
                AssessedSubject::Theme(code) => ("theme", code.to_string()),
            };
            let href = match &row.subject {
                AssessedSubject::Right(code) => format!("/rights/{code}"),
                AssessedSubject::Theme(code) => format!("/themes/{code}"),
            };
            json!({
                "subject": row.subject.to_string(),
                "anchor": format!("{kind}-{code}"),
                "kind": kind,
                "code": code,
                "href": href,
                "name": row.name.as_ref().map(|n| localised(n, lang)),
                "disagreement": row.disagreement,
                "cells": row.cells.iter().map(|cell| cell.as_ref().map(|c| {
                    let mut latest = version_value(&c.latest);
                    latest["earlier"] = c.earlier.iter().map(version_value).collect();
                    latest
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "cycle": {"id": board.cycle.id, "name": board.cycle.cycle.name, "period": board.cycle.cycle.period.to_string()},
        "sides": board.sides.iter().map(side_value).collect::<Vec<_>>(),
        "own_sides": board.own_sides.iter().map(side_value).collect::<Vec<_>>(),
        "rows": rows,
        "disagreements": board.rows.iter().filter(|r| r.disagreement).count(),
    })
}

/// The rights and themes an assessment may be about, as `{value, label}`.
async fn subjects(state: &WebState, lang: &str) -> Result<Value, WebError> {
    let rights = state.app.rights(None).await?;
    let themes = state.app.themes().await?;
    Ok(json!({
        "rights": rights.iter().map(|r| json!({"value": format!("right:{}", r.code), "label": format!("{} {}", r.code, r.name.get(lang).text)})).collect::<Vec<_>>(),
        "themes": themes.iter().map(|t| json!({"value": format!("theme:{}", t.code), "label": t.name.get(lang).text})).collect::<Vec<_>>(),
    }))
}

async fn board_page(
    state: &WebState,
    ctx: &Ctx,
    code: &str,
    cycle: Option<i64>,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let city = state.app.city(code).await?;
    let cycles = state.app.cycles(code).await?;
    // Without a choice, the latest cycle; a cycle of another city is not found here.
    let chosen = match cycle {
        Some(id) => Some(cycles.iter().find(|c| c.id == id).ok_or(AppError::NotFound)?.id),
        None => cycles.first().map(|c| c.id),
    };
    let board = match chosen {
        Some(id) => Some(state.app.assessment_board(&ctx.actor, id).await?),
        None => None,
    };
    let page = json!({
        "city": {"code": city.code, "name": city.name},
        "cycles": cycles.iter().map(|c| json!({"id": c.id, "name": c.cycle.name, "period": c.cycle.period.to_string()})).collect::<Vec<_>>(),
        "board": board.as_ref().map(|b| board_value(b, &ctx.lang)),
        "subjects": if board.as_ref().is_some_and(|b| !b.own_sides.is_empty()) { subjects(state, &ctx.lang).await? } else { Value::Null },
        "verdicts": Verdict::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        "values": values,
        "errors": errors.map_or(Value::Null, |e| json!(e.0)),
    });
    Ok((status, Html(state.render("assessments.html", ctx, page)?)).into_response())
}

fn cycle_id(input: &str) -> Result<Option<i64>, WebError> {
    match input.trim() {
        "" => Ok(None),
        id => id.parse().map(Some).map_err(|_| WebError::BadRequest(format!("{id:?} is not a cycle"))),
    }
}

/// `GET /cities/{code}/assessments`: the board of a cycle (the latest unless `?cycle=` says).
pub async fn board(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    query: Result<Query<BoardQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query?;
    board_page(&state, &ctx, &code, cycle_id(&query.cycle)?, json!({}), None, StatusCode::OK).await
}

/// `POST /cities/{code}/assessments`: a new version of the reader's own side's assessment.
pub async fn assess(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    form: Result<Form<AssessmentForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form?;
    let Some(cycle) = cycle_id(&form.cycle)? else {
        return Err(WebError::BadRequest("say which cycle the assessment is for".into()));
    };
    let city = state.app.city(&code).await?;
    if !state.app.cycles(&code).await?.iter().any(|c| c.id == cycle) {
        return Err(AppError::NotFound.into());
    }
    match state.app.assess(&ctx.actor, cycle, &form.side, &form.draft()).await {
        Ok(assessment) => {
            let anchor = assessment.assessment.subject.to_string().replace(':', "-");
            Ok(see_other(&format!("/cities/{}/assessments?cycle={cycle}#{anchor}", city.code)))
        }
        Err(AppError::Invalid(errors)) => {
            let values = json!({
                "side": form.side, "subject": form.subject, "verdict": form.verdict,
                "reasoning": form.reasoning, "evidence": form.evidence,
            });
            board_page(&state, &ctx, &code, Some(cycle), values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /api/v1/cycles/{id}/assessments`: every side's assessments of a cycle, with every
/// version.
pub async fn api_board(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.assessment_board(&ctx.actor, id).await?)))
}

/// `POST /api/v1/cycles/{id}/assessments`: a new version of the caller's own side's assessment,
/// from `{side, subject, verdict, reasoning, evidence}`.
pub async fn api_assess(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    body: Result<Json<AssessmentForm>, JsonRejection>,
) -> Result<Response, WebError> {
    let Json(form) = body?;
    let assessment = state.app.assess(&ctx.actor, id, &form.side, &form.draft()).await?;
    Ok((StatusCode::CREATED, Json(json!(assessment))).into_response())
}
