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

pub async fn tasks(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>, WebError> {
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
    // Civil-society members file their own values beside the official ones of their city.
    let mut watch = Vec::new();
    for membership in ctx.actor.memberships() {
        if membership.role != rightsmon_domain::access::Role::CivilSocietyMember {
            continue;
        }
        let rightsmon_domain::access::Scope::City(code) = &membership.scope else { continue };
        let city = state.app.city(code.as_str()).await?;
        let indicators: Vec<Value> = state
            .app
            .collected_indicators(code)
            .await?
            .iter()
            .map(|d| json!({"code": d.code, "name": localised(&d.name, &ctx.lang)}))
            .collect();
        watch.push(json!({"code": city.code, "name": city.name, "indicators": indicators}));
    }
    let reminders: Vec<Value> = state
        .app
        .my_reminders(&ctx.actor, 20)
        .await?
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "text": crate::mail::reminder_words(&state.i18n, &ctx.lang, r),
                "link": r.reminder.link,
                "on": rightsmon_domain::time::Date::of_timestamp(r.created_at).to_string(),
                "unread": r.read_at.is_none(),
            })
        })
        .collect();
    let page = json!({"tasks": rows, "waiting": waiting, "watch": watch, "reminders": reminders});
    Ok(Html(state.render("workspace.html", &ctx, page)?))
}

#[derive(Debug, Default, Deserialize)]
pub struct ReadForm {
    /// The reminders shown, as `id` fields.
    #[serde(default)]
    id: Vec<i64>,
}

/// `POST /workspace/reminders/read`: the reminders shown are read.
pub async fn reminders_read(State(state): State<WebState>, ctx: Ctx, body: String) -> Result<Response, WebError> {
    // Repeated `id` fields: read one by one, since a form may send any number of them.
    let mut form = ReadForm::default();
    for pair in body.split('&') {
        if let Some(("id", value)) = pair.split_once('=') {
            form.id.push(value.parse().map_err(|_| WebError::BadRequest(format!("{value:?} is not a reminder")))?);
        }
    }
    state.app.mark_reminders_read(&ctx.actor, &form.id).await?;
    Ok(crate::see_other("/workspace#reminders"))
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

/// The grid's sections: the whole population, then each declared breakdown with all its groups.
async fn grid(state: &WebState, definition: &IndicatorDefinition, lang: &str) -> Result<Vec<Value>, WebError> {
    let sections = state.app.entry_sections(definition, lang).await?;
    Ok(sections
        .into_iter()
        .map(|section| {
            json!({
                "dimensions": section.dimensions.iter().map(|(_, name)| name.clone()).collect::<Vec<_>>().join(" × "),
                "uncoded": section.uncoded,
                "rows": section.groups.iter().map(|(key, label)| json!({"key": key.to_string(), "label": label})).collect::<Vec<_>>(),
            })
        })
        .collect())
}

/// Whether the page language writes numbers with a decimal comma.
fn writes_decimal_comma(lang: &str) -> bool {
    lang != "en"
}

/// A number as the form shows it again: every digit it was stored with, in the page language.
fn form_number(value: f64, lang: &str) -> String {
    let text = value.to_string();
    if writes_decimal_comma(lang) { text.replace('.', ",") } else { text }
}

/// A number typed into the form, with a decimal comma where the page language writes one.
pub(crate) fn typed_number(text: &str, lang: &str) -> String {
    match rightsmon_domain::observation::from_decimal_comma(text) {
        Some(plain) if writes_decimal_comma(lang) => plain,
        _ => text.trim().to_owned(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EntryQuery {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    entered: Option<usize>,
    #[serde(default)]
    changed: Option<usize>,
    #[serde(default)]
    submitted: Option<usize>,
}

async fn entry_page(
    state: &WebState,
    ctx: &Ctx,
    indicator: &str,
    mut values: serde_json::Map<String, Value>,
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
    // What was entered for the subject already: its values (unless the form brings its own),
    // their states, and why a value was returned.
    let text = |name: &str| values.get(name).and_then(Value::as_str).unwrap_or("").to_owned();
    let (area, period) = (text("area"), text("period"));
    let mut entered = serde_json::Map::new();
    let mut returned = Vec::new();
    let mut beyond_draft = false;
    if !area.is_empty() && !period.is_empty() {
        let fresh = !values.keys().any(|k| k.starts_with("value."));
        let group_names: std::collections::HashMap<String, Option<String>> = state
            .app
            .entry_groups(&definition, &ctx.lang, usize::MAX)
            .await?
            .into_iter()
            .map(|(key, label)| (key.to_string(), label))
            .collect();
        match state.app.entered_values(&ctx.actor, indicator, &area, &period).await {
            Ok(found) => {
                for e in found {
                    let data = &e.observation.data;
                    let key = data.key.to_string();
                    entered.insert(key.clone(), json!(data.state.as_str()));
                    beyond_draft |= !matches!(
                        data.state,
                        rightsmon_domain::observation::WorkflowState::Draft | rightsmon_domain::observation::WorkflowState::Returned
                    );
                    if let Some(reason) = e.returned_because {
                        returned.push(json!({"group": group_names.get(&key).cloned().flatten(), "reason": reason}));
                    }
                    if fresh {
                        let shown = match &data.value {
                            rightsmon_domain::observation::ObservationValue::Number(n) => form_number(*n, &ctx.lang),
                            rightsmon_domain::observation::ObservationValue::Text(t) => t.clone(),
                        };
                        values.insert(format!("value.{key}"), json!(shown));
                        if let Some(lower) = data.lower_bound {
                            values.insert(format!("lower.{key}"), json!(form_number(lower, &ctx.lang)));
                        }
                        if let Some(upper) = data.upper_bound {
                            values.insert(format!("upper.{key}"), json!(form_number(upper, &ctx.lang)));
                        }
                        for (field, stored) in [
                            ("source_name", &data.provenance.source_name),
                            ("source_reference", &data.provenance.source_reference),
                            ("method_note", &data.provenance.method_note),
                        ] {
                            if let Some(stored) = stored
                                && (data.key.is_total() || !values.contains_key(field))
                            {
                                values.insert(field.to_owned(), json!(stored));
                            }
                        }
                    }
                }
            }
            // A subject the form cannot show (a period typed wrongly) is said by the form itself.
            Err(AppError::Invalid(_)) => {}
            Err(other) => return Err(other.into()),
        }
    }
    let sections = grid(state, &definition, &ctx.lang).await?;
    let groups: usize = sections.iter().map(|s| s["rows"].as_array().map_or(0, Vec::len)).sum();
    let filled = values.iter().filter(|(k, v)| k.starts_with("value.") && v.as_str().is_some_and(|v| !v.trim().is_empty())).count();
    let page = json!({
        "indicator": {"code": definition.code, "name": localised(&definition.name, &ctx.lang), "unit": rightsmon_app::translations::translations().unit(&definition.unit, &ctx.lang)},
        "areas": areas,
        "sections": sections,
        "groups": groups,
        "empty": groups.saturating_sub(filled),
        "values": values,
        "entered": entered,
        "returned": returned,
        "beyond_draft": beyond_draft,
        "may_revise": state.app.approves_in(&ctx.actor, &area).await,
        "errors": errors.map(|e| &e.0),
    });
    Ok((status, Html(state.render("entry.html", ctx, page)?)).into_response())
}

pub async fn entry_form(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<EntryQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query?;
    let mut values = serde_json::Map::new();
    values.insert("area".into(), json!(query.area));
    values.insert("period".into(), json!(query.period));
    if query.entered.is_some() || query.changed.is_some() || query.submitted.is_some() {
        values.insert(
            "saved".into(),
            json!({"entered": query.entered.unwrap_or(0), "changed": query.changed.unwrap_or(0), "submitted": query.submitted.unwrap_or(0)}),
        );
    }
    entry_page(&state, &ctx, &query.indicator, values, None, StatusCode::OK).await
}

/// Saves the grid: new groups as drafts, corrections of drafts and returned values, and (by a
/// coordinator, with a reason) changes of values further along; then, on request, submits
/// them. Everything is checked before anything is saved.
pub async fn enter(
    State(state): State<WebState>,
    ctx: Ctx,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(fields) = body?;
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or(String::new(), |(_, v)| v.trim().to_owned());
    let optional = |name: &str| Some(get(name)).filter(|v| !v.is_empty());
    let number = |name: &str| optional(name).map(|v| typed_number(&v, &ctx.lang));
    let indicator = get("indicator");
    let (area, period) = (get("area"), get("period"));
    let mut drafts = Vec::new();
    let mut emptied = FieldErrors::new();
    let entered = match state.app.entered_values(&ctx.actor, &indicator, &area, &period).await {
        Ok(entered) => entered,
        Err(AppError::Invalid(_)) => Vec::new(),
        Err(other) => return Err(other.into()),
    };
    for (name, value) in &fields {
        let Some(key) = name.strip_prefix("value.") else { continue };
        if value.trim().is_empty() {
            if entered.iter().any(|e| e.observation.data.key.to_string() == key) {
                emptied
                    .push(name.clone(), rightsmon_domain::ParseError::new("emptied", state.i18n.message(&ctx.lang, "entry-emptied", &[])));
            }
            continue;
        }
        drafts.push(ObservationDraft {
            area: area.clone(),
            period: period.clone(),
            key: key.to_owned(),
            value: typed_number(value, &ctx.lang),
            lower_bound: number(&format!("lower.{key}")),
            upper_bound: number(&format!("upper.{key}")),
            source_name: optional("source_name"),
            source_reference: optional("source_reference"),
            method_note: optional("method_note"),
            ..ObservationDraft::default()
        });
    }
    let values: serde_json::Map<String, Value> =
        fields.iter().filter(|(k, _)| k != "csrf").map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    if !emptied.is_empty() {
        return entry_page(&state, &ctx, &indicator, values, Some(&emptied), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let submit = get("action") == "submit";
    let result = state.app.save_entries(&ctx.actor, &indicator, &area, &period, &drafts, &get("reason"), submit).await;
    let saved = match result {
        Ok(saved) => saved,
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
            return entry_page(&state, &ctx, &indicator, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(AppError::Conflict(message)) => {
            let errors = FieldErrors::single("period", rightsmon_domain::ParseError::new("exists", message));
            return entry_page(&state, &ctx, &indicator, values, Some(&errors), StatusCode::CONFLICT).await;
        }
        Err(other) => return Err(other.into()),
    };
    let back = format!(
        "/workspace/values/new?indicator={}&area={}&period={}&entered={}&changed={}&submitted={}",
        crate::catalogue::urlencode(&indicator),
        crate::catalogue::urlencode(&area),
        crate::catalogue::urlencode(&period),
        saved.entered,
        saved.changed,
        saved.submitted
    );
    let mut response = Redirect::to(&back).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    Ok(response)
}

/// Values listed on one page of the review queue.
const QUEUE_PAGE: u32 = 100;

/// The queue's query: its filters and page, each read as text so that a mistyped one comes
/// back next to its field.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    offset: String,
    #[serde(default)]
    done: String,
    #[serde(flatten)]
    filter: rightsmon_app::collection::QueueFilter,
}

/// What a review form asked for and what came of it, to show again with the queue.
#[derive(Debug, Default)]
struct Review {
    done: Option<usize>,
    problems: Vec<Value>,
    selected: Vec<i64>,
    reason: String,
}

async fn queue_page(
    state: &WebState,
    ctx: &Ctx,
    filter: &rightsmon_app::collection::QueueFilter,
    offset: u64,
    review: Review,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (page, filter_errors) = match state.app.filtered_review_queue(&ctx.actor, filter, QUEUE_PAGE, offset).await {
        Ok(page) => (page, None),
        // A filter that cannot be read is said next to its field; the whole queue shows meanwhile.
        Err(AppError::Invalid(errors)) => (state.app.review_queue(&ctx.actor, QUEUE_PAGE, 0).await?, Some(errors)),
        Err(other) => return Err(other.into()),
    };
    // What the filters offer: the reviewer's cities with their districts, the indicators they
    // collect, and the organisations that provide values there.
    let mut areas: Vec<Value> = Vec::new();
    let mut indicators: std::collections::BTreeMap<String, Value> = std::collections::BTreeMap::new();
    let mut organisations: std::collections::BTreeMap<i64, String> = std::collections::BTreeMap::new();
    let mut area_names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for city in state.app.network_overview().await?.cities {
        if !ctx.actor.may(Permission::ApproveData(&city.code)) {
            continue;
        }
        area_names.insert(city.code.to_string(), city.name.clone());
        areas.push(json!({"code": city.code, "name": city.name}));
        for district in state.app.districts(&city.code).await? {
            area_names.insert(district.code.to_string(), format!("{} · {}", city.name, district.name));
        }
        for d in state.app.collected_indicators(&city.code).await? {
            indicators.insert(d.code.to_string(), json!({"code": d.code, "name": localised(&d.name, &ctx.lang)}));
        }
        for o in state.app.organisations_for(&city.code).await? {
            organisations.insert(o.id, o.name);
        }
    }
    let mut definitions = std::collections::HashMap::new();
    let mut items = Vec::with_capacity(page.items.len());
    for item in &page.items {
        let data = &item.observation.data;
        let key = (data.indicator.clone(), data.version);
        if !definitions.contains_key(&key) {
            let definition = state.app.indicator(data.indicator.as_str(), Some(data.version)).await?;
            let groups: std::collections::HashMap<String, String> = state
                .app
                .entry_groups(&definition, &ctx.lang, usize::MAX)
                .await?
                .into_iter()
                .filter_map(|(k, label)| Some((k.to_string(), label?)))
                .collect();
            definitions.insert(key.clone(), (localised(&definition.name, &ctx.lang), groups));
        }
        let (name, groups) = &definitions[&key];
        let value = match &data.value {
            rightsmon_domain::observation::ObservationValue::Number(number) => number.to_string(),
            rightsmon_domain::observation::ObservationValue::Text(text) => text.clone(),
        };
        let group = data.key.to_string();
        items.push(json!({
            "id": item.observation.id,
            "indicator": data.indicator,
            "name": name,
            "area": data.area,
            "area_name": area_names.get(data.area.as_str()),
            "period": data.period.to_string(),
            "group": group,
            "group_name": groups.get(&group),
            "value": value,
            "lower": data.lower_bound,
            "upper": data.upper_bound,
            "source": data.provenance.source_name,
            "provider": data.provenance.organisation_id.and_then(|id| organisations.get(&id)),
            "state": data.state.as_str(),
            "entered_by": item.entered_by,
            "own": item.own,
            "outlier": item.outlier.map(|z| format!("{z:.1}")),
        }));
    }
    let shown = u64::try_from(items.len()).unwrap_or(0);
    let offset = if filter_errors.is_some() { 0 } else { offset };
    let filters = format!(
        "indicator={}&area={}&state={}&organisation={}",
        crate::catalogue::urlencode(&filter.indicator),
        crate::catalogue::urlencode(&filter.area),
        crate::catalogue::urlencode(&filter.state),
        crate::catalogue::urlencode(&filter.organisation)
    );
    let page = json!({
        "items": items,
        "total": page.total,
        "done": review.done,
        "problems": review.problems,
        "selected": review.selected,
        "reason": review.reason,
        "filter": {"indicator": filter.indicator, "area": filter.area, "state": filter.state, "organisation": filter.organisation},
        "filter_query": filters,
        "filter_errors": filter_errors.as_ref().map(|e| &e.0),
        "filtered": !(filter.indicator.is_empty() && filter.area.is_empty() && filter.state.is_empty() && filter.organisation.is_empty()),
        "areas": areas,
        "indicators": indicators.into_values().collect::<Vec<_>>(),
        "organisations": organisations.iter().map(|(id, name)| json!({"id": id.to_string(), "name": name})).collect::<Vec<_>>(),
        "previous": (offset > 0).then(|| offset.saturating_sub(u64::from(QUEUE_PAGE))),
        "next": (offset + shown < page.total).then_some(offset + shown),
        "first": offset + 1,
        "last": offset + shown,
    });
    Ok((status, Html(state.render("queue.html", ctx, page)?)).into_response())
}

pub async fn queue(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query?;
    let offset = query.offset.trim().parse::<u64>().unwrap_or(0);
    let done = query.done.trim().parse::<usize>().ok();
    queue_page(&state, &ctx, &query.filter, offset, Review { done, ..Review::default() }, StatusCode::OK).await
}

/// Validates, publishes or returns the selected values, one at a time: those that may move
/// do, and the others are listed with the reason they could not.
pub async fn review(
    State(state): State<WebState>,
    ctx: Ctx,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(fields) = body?;
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
        return queue_page(&state, &ctx, &Default::default(), 0, review, StatusCode::UNPROCESSABLE_ENTITY).await;
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
    queue_page(&state, &ctx, &Default::default(), 0, review, StatusCode::UNPROCESSABLE_ENTITY).await
}
