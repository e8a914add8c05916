//! Reporting cycles in the workspace: the cycles of one's cities with how complete they are,
//! opening a cycle, and assigning its indicators to the organisations that provide them.

use crate::WebState;
use crate::catalogue::localised;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use crate::see_other;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::Permission;
use serde::Deserialize;
use serde_json::{Value, json};

async fn list_page(
    state: &WebState,
    ctx: &Ctx,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let mut cycles = Vec::new();
    let mut managed = Vec::new();
    for city in state.app.network_overview().await?.cities {
        if !ctx.actor.may(Permission::ReadUnpublished(&city.code)) {
            continue;
        }
        if ctx.actor.may(Permission::ManageCity(&city.code)) {
            managed.push(json!({"code": city.code, "name": city.name}));
        }
        for cycle in state.app.cycles(city.code.as_str()).await? {
            let completeness = state.app.completeness(&ctx.actor, cycle.id).await?;
            cycles.push(json!({
                "id": cycle.id,
                "name": cycle.cycle.name,
                "city": city.name,
                "period": cycle.cycle.period.to_string(),
                "deadline": cycle.cycle.deadline.to_string(),
                "expected": completeness.expected,
                "received": completeness.received,
                "published": completeness.published,
            }));
        }
    }
    let page = json!({"cycles": cycles, "managed": managed, "values": values, "errors": errors.map(|e| &e.0)});
    Ok((status, Html(state.render("cycles.html", ctx, page)?)).into_response())
}

pub async fn list(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    list_page(&state, &ctx, json!({}), None, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub struct CycleForm {
    #[serde(default)]
    city: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    deadline: String,
}

pub async fn create(State(state): State<WebState>, ctx: Ctx, form: Result<Form<CycleForm>, FormRejection>) -> Result<Response, WebError> {
    let Form(form) = form?;
    match state.app.create_cycle(&ctx.actor, &form.city, &form.name, &form.period, &form.deadline).await {
        Ok(cycle) => Ok(see_other(&format!("/workspace/cycles/{}", cycle.id))),
        Err(AppError::Invalid(errors)) => {
            let values = json!({"city": form.city, "name": form.name, "period": form.period, "deadline": form.deadline});
            list_page(&state, &ctx, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn cycle_page(
    state: &WebState,
    ctx: &Ctx,
    id: i64,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let completeness = state.app.completeness(&ctx.actor, id).await?;
    let city = completeness.cycle.cycle.city.clone();
    let organisations = state.app.organisations_for(&city).await?;
    let mut tasks = Vec::new();
    for task in &completeness.tasks {
        let definition = state.app.indicator(task.indicator.as_str(), None).await?;
        let organisation = organisations.iter().find(|o| o.id == task.organisation_id).map(|o| o.name.clone());
        tasks.push(json!({
            "code": task.indicator,
            "name": localised(&definition.name, &ctx.lang),
            "organisation": organisation,
            "received": task.received.map(|s| s.as_str()),
        }));
    }
    let manages = ctx.actor.may(Permission::ManageCity(&city));
    let indicators: Vec<Value> = if manages {
        let adopted: Vec<String> =
            state.app.adoptions(city.as_str()).await?.into_iter().filter(|a| a.is_adopted).map(|a| a.indicator.to_string()).collect();
        state
            .app
            .collected_indicators(&city)
            .await?
            .iter()
            .filter(|d| !completeness.tasks.iter().any(|t| t.indicator == d.code))
            .map(|d| {
                let own = matches!(d.scope, rightsmon_domain::catalogue::IndicatorScope::Local(_));
                json!({
                    "code": d.code,
                    "name": localised(&d.name, &ctx.lang),
                    "adopted": own || adopted.contains(&d.code.to_string()),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let cycle = &completeness.cycle;
    let page = json!({
        "cycle": {
            "id": cycle.id,
            "name": cycle.cycle.name,
            "city": state.app.city(city.as_str()).await?.name,
            "period": cycle.cycle.period.to_string(),
            "deadline": cycle.cycle.deadline.to_string(),
        },
        "expected": completeness.expected,
        "received": completeness.received,
        "published": completeness.published,
        "tasks": tasks,
        "manages": manages,
        "may_enter": ctx.actor.may(Permission::EnterData(&city)),
        "indicators": indicators,
        "organisations": organisations.iter().map(|o| json!({"id": o.id, "name": o.name, "kind": o.kind.as_str()})).collect::<Vec<_>>(),
        "values": values,
        "errors": errors.map(|e| &e.0),
    });
    Ok((status, Html(state.render("cycle.html", ctx, page)?)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct CycleQuery {
    #[serde(default)]
    assigned: Option<usize>,
    #[serde(default)]
    not_adopted: String,
    #[serde(default)]
    organisation: String,
}

pub async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    query: Result<axum::extract::Query<CycleQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, WebError> {
    let axum::extract::Query(query) = query.unwrap_or_default();
    let not_adopted: Vec<&str> = query.not_adopted.split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
    let values = json!({"assigned": query.assigned, "not_adopted": not_adopted, "organisation": query.organisation});
    cycle_page(&state, &ctx, id, values, None, StatusCode::OK).await
}

/// Assigns the indicators ticked on the cycle's page to one organisation, all or none.
pub async fn assign(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(fields) = form?;
    // The cycle must be one the actor may manage, before the form is read.
    state.app.cycle_to_manage(&ctx.actor, id).await?;
    let indicators: Vec<String> = fields.iter().filter(|(k, _)| k == "indicator").map(|(_, v)| v.clone()).collect();
    let organisation = fields.iter().find(|(k, _)| k == "organisation").map_or("", |(_, v)| v.as_str()).to_owned();
    let values = json!({"indicators": indicators, "organisation": organisation});
    let Ok(organisation) = organisation.parse::<i64>() else {
        let errors = FieldErrors::single("organisation", rightsmon_domain::ParseError::new("required", "choose an organisation"));
        return cycle_page(&state, &ctx, id, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match state.app.assign_many(&ctx.actor, id, &indicators, organisation).await {
        Ok(not_adopted) => {
            let not_adopted: Vec<String> = not_adopted.iter().map(ToString::to_string).collect();
            Ok(see_other(&format!(
                "/workspace/cycles/{id}?assigned={}&not_adopted={}#assign",
                indicators.len(),
                crate::catalogue::urlencode(&not_adopted.join(","))
            )))
        }
        Err(AppError::Invalid(errors)) => cycle_page(&state, &ctx, id, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct OrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

/// Adds an organisation of the cycle's city, from the cycle's page, to assign indicators to it.
pub async fn add_organisation(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    form: Result<Form<OrganisationForm>, FormRejection>,
) -> Result<Response, WebError> {
    let cycle = state.app.cycle_to_manage(&ctx.actor, id).await?;
    let Form(form) = form?;
    match state.app.add_organisation(&ctx.actor, &form.name, &form.kind, Some(cycle.cycle.city.as_str())).await {
        Ok(created) => Ok(see_other(&format!("/workspace/cycles/{id}?organisation={}#assign", created.id))),
        Err(AppError::Invalid(mut errors)) => {
            for e in &mut errors.0 {
                e.field = format!("organisation_{}", e.field);
            }
            let values = json!({"organisation_name": form.name, "organisation_kind": form.kind});
            cycle_page(&state, &ctx, id, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}
