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
    let today = rightsmon_domain::time::Date::of_timestamp(state.app.now());
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
            "overdue": task.received.is_none() && task.cycle.cycle.deadline < today,
        }));
    }
    let waiting = waiting(&state, &ctx).await?;
    Ok(Html(state.render("workspace.html", &ctx, json!({"tasks": rows, "saved": query.saved, "waiting": waiting}))?))
}

/// What waits for the reader beyond their own tasks: values to review, each of their cities'
/// reporting cycles with what came in, and the open proposals there.
async fn waiting(state: &WebState, ctx: &Ctx) -> Result<Value, WebError> {
    let today = rightsmon_domain::time::Date::of_timestamp(state.app.now());
    let to_review = state.app.review_queue(&ctx.actor, 1, 0).await?.total;
    let mut cities: Vec<rightsmon_domain::id::AreaCode> = ctx
        .actor
        .memberships()
        .iter()
        .filter_map(|m| match &m.scope {
            rightsmon_domain::access::Scope::City(city) => Some(city.clone()),
            rightsmon_domain::access::Scope::Network => None,
        })
        .collect();
    cities.sort();
    cities.dedup();
    let mut rows = Vec::new();
    for code in &cities {
        let city = state.app.city(code.as_str()).await?;
        let mut cycles = Vec::new();
        for cycle in state.app.cycles(code.as_str()).await? {
            let c = state.app.completeness(&ctx.actor, cycle.id).await?;
            cycles.push(json!({
                "id": cycle.id,
                "name": cycle.cycle.name,
                "period": cycle.cycle.period.to_string(),
                "deadline": cycle.cycle.deadline.to_string(),
                "overdue": cycle.cycle.deadline < today && c.received < c.expected,
                "expected": c.expected,
                "received": c.received,
                "published": c.published,
            }));
        }
        let open = state.app.proposals(Some(code.as_str()), Some("open"), Some(1), Some(0)).await?.total;
        rows.push(json!({"code": city.code, "name": city.name, "cycles": cycles, "open_proposals": open}));
    }
    Ok(json!({"to_review": to_review, "cities": rows}))
}

/// The rows of the grid: the whole population, then each declared group.
async fn grid(state: &WebState, definition: &IndicatorDefinition, lang: &str) -> Result<Vec<Value>, WebError> {
    let groups = state.app.entry_groups(definition, lang, MAX_ROWS).await?;
    Ok(groups.into_iter().map(|(key, label)| json!({"key": key.to_string(), "label": label})).collect())
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

/// Values listed on one page of the review queue.
const QUEUE_PAGE: u32 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    offset: u64,
    #[serde(default)]
    done: Option<usize>,
}

/// What a review form asked for and what came of it, to show again with the queue.
#[derive(Debug, Default)]
struct Review {
    done: Option<usize>,
    problems: Vec<Value>,
    selected: Vec<i64>,
    reason: String,
}

async fn queue_page(state: &WebState, ctx: &Ctx, offset: u64, review: Review, status: StatusCode) -> Result<Response, WebError> {
    let page = state.app.review_queue(&ctx.actor, QUEUE_PAGE, offset).await?;
    let mut names = std::collections::HashMap::new();
    let mut items = Vec::with_capacity(page.items.len());
    for item in &page.items {
        let data = &item.observation.data;
        let key = (data.indicator.clone(), data.version);
        if !names.contains_key(&key) {
            let definition = state.app.indicator(data.indicator.as_str(), Some(data.version)).await?;
            names.insert(key.clone(), localised(&definition.name, &ctx.lang));
        }
        let value = match &data.value {
            rightsmon_domain::observation::ObservationValue::Number(number) => number.to_string(),
            rightsmon_domain::observation::ObservationValue::Text(text) => text.clone(),
        };
        items.push(json!({
            "id": item.observation.id,
            "indicator": data.indicator,
            "name": names.get(&key),
            "area": data.area,
            "period": data.period.to_string(),
            "group": data.key.to_string(),
            "value": value,
            "lower": data.lower_bound,
            "upper": data.upper_bound,
            "source": data.provenance.source_name,
            "state": data.state.as_str(),
            "entered_by": item.entered_by,
            "own": item.own,
        }));
    }
    let shown = u64::try_from(items.len()).unwrap_or(0);
    let page = json!({
        "items": items,
        "total": page.total,
        "done": review.done,
        "problems": review.problems,
        "selected": review.selected,
        "reason": review.reason,
        "previous": (offset > 0).then(|| offset.saturating_sub(u64::from(QUEUE_PAGE))),
        "next": (offset + shown < page.total).then_some(offset + shown),
    });
    Ok((status, Html(state.render("queue.html", ctx, page)?)).into_response())
}

pub async fn queue(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query.map_err(|e| WebError::BadRequest(e.body_text()))?;
    queue_page(&state, &ctx, query.offset, Review { done: query.done, ..Review::default() }, StatusCode::OK).await
}

/// Validates, publishes or returns the selected values, one at a time: those that may move
/// do, and the others are listed with the reason they could not.
pub async fn review(
    State(state): State<WebState>,
    ctx: Ctx,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(fields) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let action = fields.iter().find(|(k, _)| k == "action").map_or("", |(_, v)| v.as_str()).to_owned();
    let reason = fields.iter().find(|(k, _)| k == "reason").map_or("", |(_, v)| v.trim()).to_owned();
    let mut review = Review { reason: reason.clone(), ..Review::default() };
    for (name, value) in &fields {
        if name == "id" {
            match value.parse::<i64>() {
                Ok(id) => review.selected.push(id),
                Err(_) => return Err(WebError::BadRequest(format!("{value:?} is not the number of a value"))),
            }
        }
    }
    let problem = |message: String| json!({"id": null, "message": message});
    if review.selected.is_empty() {
        review.problems.push(problem(state.i18n.message(&ctx.lang, "queue-none-selected", &[])));
    }
    if !matches!(action.as_str(), "validate" | "publish" | "return") {
        return Err(WebError::BadRequest(format!("{action:?} is not a review action: use validate, publish or return")));
    }
    if action == "return" && reason.is_empty() {
        review.problems.push(problem(state.i18n.message(&ctx.lang, "queue-reason-missing", &[])));
    }
    if !review.problems.is_empty() {
        return queue_page(&state, &ctx, 0, review, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let mut done = 0;
    let mut refused = Vec::new();
    for &id in &review.selected {
        let result = match action.as_str() {
            "validate" => state.app.validate_value(&ctx.actor, id).await,
            "publish" => state.app.publish_value(&ctx.actor, id).await,
            _ => state.app.return_value(&ctx.actor, id, &reason).await,
        };
        let message = match result {
            Ok(_) => {
                done += 1;
                continue;
            }
            Err(AppError::Invalid(errors)) => errors.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; "),
            Err(AppError::Conflict(message)) => message,
            Err(AppError::Forbidden | AppError::NotFound) => state.i18n.message(&ctx.lang, "queue-not-yours", &[]),
            Err(other) => return Err(other.into()),
        };
        refused.push(id);
        review.problems.push(json!({"id": id, "message": message}));
    }
    if review.problems.is_empty() {
        let mut response = Redirect::to(&format!("/workspace/queue?done={done}")).into_response();
        *response.status_mut() = StatusCode::SEE_OTHER;
        return Ok(response);
    }
    review.done = Some(done);
    review.selected = refused;
    queue_page(&state, &ctx, 0, review, StatusCode::UNPROCESSABLE_ENTITY).await
}
