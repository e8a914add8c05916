//! The workspace of data providers: their tasks, and the form to enter the values of an
//! indicator, for the whole population and each declared group, as drafts or for validation.

use crate::WebState;
use crate::catalogue::localised;
use crate::context::Ctx;
use crate::error::WebError;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use rightsmon_app::AppError;
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::Permission;
use rightsmon_domain::catalogue::IndicatorDefinition;
use rightsmon_domain::codelist::DisaggregationKey;
use rightsmon_domain::observation::ObservationDraft;
use serde::Deserialize;
use serde_json::{Value, json};

/// The most rows a form's grid shows.
const MAX_ROWS: usize = 60;

#[derive(Debug, Default, Deserialize)]
pub struct TasksQuery {
    #[serde(default)]
    saved: Option<usize>,
}

pub async fn tasks(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<TasksQuery>, QueryRejection>,
) -> Result<Html<String>, WebError> {
    let Query(query) = query.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut rows = Vec::new();
    for task in state.app.my_tasks(&ctx.actor).await? {
        let definition = state.app.indicator(task.indicator.as_str(), None).await?;
        rows.push(json!({
            "code": task.indicator,
            "name": localised(&definition.name, &ctx.lang),
            "cycle": task.cycle.cycle.name,
            "city": task.cycle.cycle.city,
            "period": task.cycle.cycle.period.to_string(),
            "deadline": task.cycle.cycle.deadline.to_string(),
            "received": task.received.map(|s| s.as_str()),
        }));
    }
    Ok(Html(state.render("workspace.html", &ctx, json!({"tasks": rows, "saved": query.saved}))?))
}

/// The groups of the grid: the whole population, then every combination of codes of each
/// declared breakdown, as far as codelists know them.
async fn grid(state: &WebState, definition: &IndicatorDefinition, lang: &str) -> Result<Vec<Value>, WebError> {
    let codelists = state.app.store.list_codelists().await.map_err(AppError::from)?;
    let mut rows = vec![json!({"key": "", "label": null})];
    for combination in &definition.disaggregations {
        let mut keys: Vec<Vec<(String, String, String)>> = vec![Vec::new()];
        for dimension in combination {
            let Some(list) = codelists.iter().find(|c| c.dimension() == dimension) else { continue };
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
        for parts in keys.into_iter().filter(|k| k.len() == combination.len()) {
            let key = DisaggregationKey::from_pairs(parts.iter().map(|(d, c, _)| (d.as_str(), c.as_str())))
                .map_err(|e| WebError::BadRequest(e.message))?;
            let label: Vec<&str> = parts.iter().map(|(_, _, name)| name.as_str()).collect();
            rows.push(json!({"key": key.to_string(), "label": label.join(" · ")}));
            if rows.len() >= MAX_ROWS {
                return Ok(rows);
            }
        }
    }
    Ok(rows)
}

#[derive(Debug, Default, Deserialize)]
pub struct EntryQuery {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    period: String,
}

async fn entry_page(
    state: &WebState,
    ctx: &Ctx,
    indicator: &str,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let definition = state.app.indicator(indicator, None).await?;
    let overview = state.app.network_overview().await?;
    let mut areas = Vec::new();
    for city in overview.cities.iter().filter(|c| ctx.actor.may(Permission::EnterData(&c.code))) {
        areas.push(json!({"code": city.code, "name": city.name}));
        for district in state.app.districts(&city.code).await? {
            areas.push(json!({"code": district.code, "name": format!("{} · {}", city.name, district.name)}));
        }
    }
    if areas.is_empty() {
        return Err(WebError::App(AppError::Forbidden));
    }
    let page = json!({
        "indicator": {"code": definition.code, "name": localised(&definition.name, &ctx.lang), "unit": definition.unit},
        "areas": areas,
        "rows": grid(state, &definition, &ctx.lang).await?,
        "values": values,
        "errors": errors.map(|e| &e.0),
    });
    Ok((status, Html(state.render("entry.html", ctx, page)?)).into_response())
}

pub async fn entry_form(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<EntryQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let values = json!({"area": query.area, "period": query.period});
    entry_page(&state, &ctx, &query.indicator, values, None, StatusCode::OK).await
}

/// Saves the grid's values as drafts, or submits them, all or none.
pub async fn enter(
    State(state): State<WebState>,
    ctx: Ctx,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(fields) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or(String::new(), |(_, v)| v.trim().to_owned());
    let optional = |name: &str| Some(get(name)).filter(|v| !v.is_empty());
    let indicator = get("indicator");
    let mut drafts = Vec::new();
    for (name, value) in &fields {
        let Some(key) = name.strip_prefix("value.") else { continue };
        if value.trim().is_empty() {
            continue;
        }
        drafts.push(ObservationDraft {
            area: get("area"),
            period: get("period"),
            key: key.to_owned(),
            value: value.clone(),
            lower_bound: optional(&format!("lower.{key}")),
            upper_bound: optional(&format!("upper.{key}")),
            source_name: optional("source_name"),
            source_reference: optional("source_reference"),
            method_note: optional("method_note"),
            ..ObservationDraft::default()
        });
    }
    let values: serde_json::Map<String, Value> =
        fields.iter().filter(|(k, _)| k != "csrf").map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let result = state.app.enter_values(&ctx.actor, &indicator, &drafts).await;
    let ids = match result {
        Ok(ids) => ids,
        Err(AppError::Invalid(mut errors)) => {
            // Name the grid's field (value.SEX=F) rather than the entry's position.
            for error in &mut errors.0 {
                if let Some(rest) = error.field.strip_prefix("values[")
                    && let Some((index, field)) = rest.split_once("].")
                    && let Some(draft) = index.parse::<usize>().ok().and_then(|i| drafts.get(i))
                {
                    error.field = match field {
                        "value" | "key" => format!("value.{}", draft.key),
                        "lower_bound" => format!("lower.{}", draft.key),
                        "upper_bound" => format!("upper.{}", draft.key),
                        other => other.to_owned(),
                    };
                }
            }
            return entry_page(&state, &ctx, &indicator, Value::Object(values), Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(AppError::Conflict(message)) => {
            let errors = FieldErrors::single("period", rightsmon_domain::ParseError::new("exists", message));
            return entry_page(&state, &ctx, &indicator, Value::Object(values), Some(&errors), StatusCode::CONFLICT).await;
        }
        Err(other) => return Err(other.into()),
    };
    if get("action") == "submit" {
        for id in &ids {
            state.app.submit_value(&ctx.actor, *id).await?;
        }
    }
    let mut response = Redirect::to(&format!("/workspace?saved={}", ids.len())).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    Ok(response)
}
