//! Pages and API of the accountability loop: the public tracker of recommendations with its
//! filters, a recommendation with its response, actions, updates and follow-up indicators, the
//! forms to make one, respond, add an action and record an update; a city's consultations and the
//! form to record one. Every form works without JavaScript and brings errors back at their fields.

use crate::WebState;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use crate::see_other;
use axum::Json;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_app::accountability::{RecommendationView, TrackerFilter, TrackerRow};
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::Permission;
use rightsmon_domain::accountability::{
    ActionDraft, ActionStatus, ActionUpdateDraft, RecommendationDraft, RecommendationSource, Response as CityResponse,
};
use rightsmon_domain::participation::{ConsultationDraft, ConsultationFormat, DEFAULT_DISCLOSURE_THRESHOLD};
use serde::Deserialize;
use serde_json::{Value, json};

fn errors_value(errors: Option<&FieldErrors>) -> Value {
    errors.map_or(Value::Null, |e| json!(e.0))
}

/// The cities, as `{code, name}`, and those where the reader belongs to the working group.
async fn cities(state: &WebState, ctx: &Ctx) -> Result<(Vec<Value>, Vec<Value>), WebError> {
    let mut all = Vec::new();
    let mut own = Vec::new();
    for city in state.app.network_overview().await?.cities {
        let value = json!({"code": city.code, "name": city.name});
        if ctx.actor.may(Permission::ManageCity(&city.code)) || ctx.actor.may(Permission::FileShadowData(&city.code)) {
            own.push(value.clone());
        }
        all.push(value);
    }
    Ok((all, own))
}

fn choices() -> Value {
    json!({
        "sources": RecommendationSource::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "responses": CityResponse::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "statuses": ActionStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "formats": ConsultationFormat::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
    })
}

fn row_value(row: &TrackerRow) -> Value {
    json!({
        "id": row.recommendation.id,
        "title": row.recommendation.recommendation.title,
        "city": row.recommendation.recommendation.city,
        "source": row.recommendation.recommendation.source,
        "made_on": row.recommendation.recommendation.made_on.to_string(),
        "response": row.recommendation.response,
        "published": row.recommendation.published,
        "implementation": row.implementation,
        "actions": row.actions,
        "overdue_actions": row.overdue_actions,
        "next_deadline": row.next_deadline.map(|d| d.to_string()),
    })
}

/// The tracker: every recommendation the reader may see, with filters.
pub async fn tracker(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<TrackerFilter>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(filter) = query?;
    // A filter that cannot be read is said next to its field, and everything shows meanwhile.
    let (rows, errors) = match state.app.tracker(&ctx.actor, &filter).await {
        Ok(rows) => (rows, None),
        Err(AppError::Invalid(errors)) => (state.app.tracker(&ctx.actor, &TrackerFilter::default()).await?, Some(errors)),
        Err(other) => return Err(other.into()),
    };
    let (all, own) = cities(&state, &ctx).await?;
    let page = json!({
        "rows": rows.iter().map(row_value).collect::<Vec<_>>(),
        "filter": {
            "city": filter.city, "right": filter.right, "theme": filter.theme, "source": filter.source,
            "status": filter.status, "overdue": filter.overdue == Some(true),
        },
        "cities": all,
        "may_recommend": !own.is_empty() || ctx.actor.may(Permission::ManageNetwork),
        "choices": choices(),
        "errors": errors_value(errors.as_ref()),
    });
    Ok(Html(state.render("recommendations.html", &ctx, page)?).into_response())
}

/// What the form to make a recommendation is opened with (from an indicator page, a city or a
/// consultation).
#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    city: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    consultation: String,
    /// A practice of the library to recommend (to another city).
    #[serde(default)]
    practice: String,
}

/// The form to make a recommendation, as its fields arrive.
#[derive(Debug, Default, Deserialize)]
pub struct RecommendationForm {
    #[serde(default)]
    city: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    source_reference: String,
    #[serde(default)]
    made_on: String,
    #[serde(default)]
    rights: String,
    #[serde(default)]
    themes: String,
    #[serde(default)]
    indicators: String,
    #[serde(default)]
    consultation_id: String,
}

impl RecommendationForm {
    fn values(&self) -> Value {
        json!({
            "city": self.city, "title": self.title, "text": self.text, "language": self.language, "source": self.source,
            "source_reference": self.source_reference, "made_on": self.made_on, "rights": self.rights, "themes": self.themes,
            "indicators": self.indicators, "consultation_id": self.consultation_id,
        })
    }
}

async fn new_page(
    state: &WebState,
    ctx: &Ctx,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let (_, own) = cities(state, ctx).await?;
    let mut consultations = Vec::new();
    for city in &own {
        let code = city["code"].as_str().unwrap_or_default();
        for view in state.app.consultations(code).await? {
            consultations.push(json!({
                "id": view.consultation.id,
                "title": view.consultation.consultation.title,
                "city": city["name"],
                "held_on": view.consultation.consultation.held_on.to_string(),
            }));
        }
    }
    let page = json!({
        "cities": own,
        "network": ctx.actor.may(Permission::ManageNetwork),
        "consultations": consultations,
        "choices": choices(),
        "values": values,
        "errors": errors_value(errors),
    });
    Ok((status, Html(state.render("recommendation_new.html", ctx, page)?)).into_response())
}

pub async fn new_form(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<NewQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query.unwrap_or_default();
    let mut values = json!({
        "city": query.city.trim(),
        "indicators": query.indicator.trim(),
        "consultation_id": query.consultation.trim(),
        "language": ctx.lang,
        "made_on": rightsmon_domain::time::Date::of_timestamp(state.app.now()).to_string(),
    });
    // A practice of another city, recommended: its words, what it serves and its indicators.
    if let Ok(id) = query.practice.trim().parse::<i64>()
        && let Ok(view) = state.app.practice(&ctx.actor, id).await
    {
        let p = &view.practice.practice;
        let (title, summary, _, language) = view.practice.in_language(&ctx.lang);
        let join = |codes: Vec<String>| codes.join(", ");
        values["title"] = json!(title);
        values["text"] = json!(summary);
        values["language"] = json!(language);
        values["source"] = json!("other");
        values["source_reference"] = json!(format!("/practices/{id}"));
        values["themes"] = json!(join(p.themes.iter().map(ToString::to_string).collect()));
        values["rights"] = json!(join(p.rights.iter().map(ToString::to_string).collect()));
        values["indicators"] = json!(join(p.indicators.iter().map(ToString::to_string).collect()));
    }
    new_page(&state, &ctx, values, None, StatusCode::OK).await
}

pub async fn create(
    State(state): State<WebState>,
    ctx: Ctx,
    form: Result<Form<RecommendationForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form?;
    let consultation_id = match form.consultation_id.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => Some(0),
        },
    };
    let draft = RecommendationDraft {
        city: form.city.clone(),
        title: form.title.clone(),
        text: form.text.clone(),
        language: form.language.clone(),
        source: form.source.clone(),
        source_reference: form.source_reference.clone(),
        made_on: form.made_on.clone(),
        rights: vec![form.rights.clone()],
        themes: vec![form.themes.clone()],
        indicators: vec![form.indicators.clone()],
        consultation_id,
    };
    match state.app.make_recommendation(&ctx.actor, &draft).await {
        Ok(made) => Ok(see_other(&format!("/recommendations/{}", made.id))),
        Err(AppError::Invalid(errors)) => new_page(&state, &ctx, form.values(), Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(other) => Err(other.into()),
    }
}

fn view_value(view: &RecommendationView) -> Value {
    let r = &view.recommendation;
    json!({
        "id": r.id,
        "title": r.recommendation.title,
        "text": r.recommendation.text,
        "language": r.recommendation.language,
        "city": r.recommendation.city,
        "source": r.recommendation.source,
        "source_reference": r.recommendation.source_reference,
        // A reference that is a web address is a link (the same rule as evidence), and so is a
        // practice of the library.
        "source_is_link": r.recommendation.source_reference.as_deref().is_some_and(|reference| {
            matches!(rightsmon_domain::accountability::Evidence::parse(reference), Ok(rightsmon_domain::accountability::Evidence::Link(_)))
                || reference.strip_prefix("/practices/").is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        }),
        "made_on": r.recommendation.made_on.to_string(),
        "rights": r.recommendation.rights,
        "themes": r.recommendation.themes,
        "response": r.response,
        "response_reason": r.response_reason,
        "published": r.published,
        "implementation": view.implementation,
        "consultation": view.consultation.as_ref().map(|c| json!({"id": c.id, "title": c.consultation.title, "held_on": c.consultation.held_on.to_string()})),
        "follow_ups": view.follow_ups,
        "actions": view.actions.iter().map(|a| json!({
            "id": a.action.id,
            "title": a.action.action.title,
            "description": a.action.action.description,
            "responsible": a.action.action.responsible,
            "deadline": a.action.action.deadline.map(|d| d.to_string()),
            "budget_reference": a.action.action.budget_reference,
            "status": a.action.status,
            "overdue": a.overdue,
            "updates": a.updates.iter().map(|u| json!({
                "on": u.update.on.to_string(),
                "status": u.update.status,
                "note": u.update.note,
                "reason": u.update.reason,
                "evidence": u.update.evidence,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The forms of a recommendation's page: which one failed, with its values and errors.
struct Failed<'a> {
    form: &'a str,
    /// The action an update was for.
    action: Option<i64>,
    values: Value,
    errors: &'a FieldErrors,
}

async fn page(state: &WebState, ctx: &Ctx, id: i64, failed: Option<Failed<'_>>) -> Result<Response, WebError> {
    let view = state.app.recommendation(&ctx.actor, id).await?;
    let city_name = match &view.recommendation.recommendation.city {
        Some(city) => Some(state.app.city(city.as_str()).await?.name),
        None => None,
    };
    let status = if failed.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = json!({
        "r": view_value(&view),
        "city_name": city_name,
        "may_manage": view.may_manage,
        "today": rightsmon_domain::time::Date::of_timestamp(state.app.now()).to_string(),
        "choices": choices(),
        "failed": failed.map(|f| json!({"form": f.form, "action": f.action, "values": f.values, "errors": f.errors.0})),
    });
    Ok((status, Html(state.render("recommendation.html", ctx, page)?)).into_response())
}

pub async fn show(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    page(&state, &ctx, id, None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ResponseForm {
    #[serde(default)]
    response: String,
    #[serde(default)]
    reason: String,
    /// A checkbox: present when published.
    #[serde(default)]
    published: Option<String>,
}

pub async fn respond(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    form: Result<Form<ResponseForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form?;
    let published = form.published.is_some();
    match state.app.respond_to_recommendation(&ctx.actor, id, &form.response, &form.reason, published).await {
        Ok(_) => Ok(see_other(&format!("/recommendations/{id}"))),
        Err(AppError::Invalid(errors)) => {
            let values = json!({"response": form.response, "reason": form.reason, "published": published});
            page(&state, &ctx, id, Some(Failed { form: "response", action: None, values, errors: &errors })).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    budget_reference: String,
}

pub async fn add_action(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form?;
    let draft = ActionDraft {
        title: form.title.clone(),
        description: form.description.clone(),
        responsible: form.responsible.clone(),
        deadline: form.deadline.clone(),
        budget_reference: form.budget_reference.clone(),
    };
    match state.app.add_action(&ctx.actor, id, &draft).await {
        Ok(action) => Ok(see_other(&format!("/recommendations/{id}#action-{}", action.id))),
        Err(AppError::Invalid(errors)) => {
            let values = json!({
                "title": form.title, "description": form.description, "responsible": form.responsible,
                "deadline": form.deadline, "budget_reference": form.budget_reference,
            });
            page(&state, &ctx, id, Some(Failed { form: "action", action: None, values, errors: &errors })).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    evidence: String,
}

pub async fn update_action(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(action_id): Id,
    form: Result<Form<UpdateForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form?;
    let action = state.app.action(&ctx.actor, action_id).await?;
    let draft = ActionUpdateDraft {
        status: form.status.clone(),
        on: form.on.clone(),
        note: form.note.clone(),
        reason: form.reason.clone(),
        evidence: form.evidence.clone(),
    };
    match state.app.update_action(&ctx.actor, action_id, &draft).await {
        Ok(_) => Ok(see_other(&format!("/recommendations/{}#action-{action_id}", action.recommendation_id))),
        Err(AppError::Invalid(errors)) => {
            let values = json!({"status": form.status, "on": form.on, "note": form.note, "reason": form.reason, "evidence": form.evidence});
            let failed = Failed { form: "update", action: Some(action_id), values, errors: &errors };
            page(&state, &ctx, action.recommendation_id, Some(failed)).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn consultations_page(
    state: &WebState,
    ctx: &Ctx,
    code: &str,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let city = state.app.city(code).await?;
    let consultations = state.app.consultations(code).await?;
    let may_record = ctx.actor.may(Permission::ManageCity(&city.code)) || ctx.actor.may(Permission::FileShadowData(&city.code));
    let page = json!({
        "city": {"code": city.code, "name": city.name},
        "consultations": consultations.iter().map(|c| json!({
            "id": c.consultation.id,
            "title": c.consultation.consultation.title,
            "held_on": c.consultation.consultation.held_on.to_string(),
            "format": c.consultation.consultation.format,
            "total": c.total,
        })).collect::<Vec<_>>(),
        "may_record": may_record,
        "threshold": DEFAULT_DISCLOSURE_THRESHOLD,
        "choices": choices(),
        "values": values,
        "errors": errors_value(errors),
    });
    Ok((status, Html(state.render("consultations.html", ctx, page)?)).into_response())
}

pub async fn city_consultations(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Response, WebError> {
    let today = rightsmon_domain::time::Date::of_timestamp(state.app.now()).to_string();
    consultations_page(&state, &ctx, &code, json!({"held_on": today}), None, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ConsultationForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    organisers: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    raised: String,
    #[serde(default)]
    documents: String,
}

pub async fn record_consultation(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    form: Result<Form<ConsultationForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form?;
    let draft = ConsultationDraft {
        city: code.clone(),
        title: form.title.clone(),
        held_on: form.held_on.clone(),
        format: form.format.clone(),
        place: form.place.clone(),
        organisers: form.organisers.clone(),
        participants: form.participants.clone(),
        raised: form.raised.clone(),
        documents: form.documents.clone(),
    };
    match state.app.record_consultation(&ctx.actor, &draft).await {
        Ok(consultation) => Ok(see_other(&format!("/consultations/{}", consultation.id))),
        Err(AppError::Invalid(errors)) => {
            let values = json!({
                "title": form.title, "held_on": form.held_on, "format": form.format, "place": form.place,
                "organisers": form.organisers, "participants": form.participants, "raised": form.raised, "documents": form.documents,
            });
            consultations_page(&state, &ctx, &code, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn consultation(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    let view = state.app.consultation(&ctx.actor, id).await?;
    let c = &view.consultation.consultation;
    let city = state.app.city(c.city.as_str()).await?;
    let may_recommend = ctx.actor.may(Permission::ManageCity(&city.code)) || ctx.actor.may(Permission::FileShadowData(&city.code));
    let page = json!({
        "id": view.consultation.id,
        "city": {"code": city.code, "name": city.name},
        "title": c.title,
        "held_on": c.held_on.to_string(),
        "format": c.format,
        "place": c.place,
        "organisers": c.organisers,
        "raised": c.raised,
        "documents": c.documents,
        "participants": view.participants,
        "total": view.total,
        "threshold": view.threshold,
        "recommendations": view.recommendations.iter().map(|r| json!({"id": r.id, "title": r.recommendation.title, "published": r.published})).collect::<Vec<_>>(),
        "proposals": view.proposals.iter().map(|p| json!({"id": p.id, "title": p.proposal.title, "status": p.status.as_str()})).collect::<Vec<_>>(),
        "may_recommend": may_recommend,
    });
    Ok(Html(state.render("consultation.html", &ctx, page)?).into_response())
}

/// `GET /api/v1/recommendations`: the tracker's rows, with the same filters.
pub async fn api_tracker(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<TrackerFilter>, QueryRejection>,
) -> Result<Json<Value>, WebError> {
    let Query(filter) = query?;
    let rows = state.app.tracker(&ctx.actor, &filter).await?;
    Ok(Json(json!({"items": rows, "total": rows.len()})))
}

/// `GET /api/v1/recommendations/{id}`: a recommendation with its actions, updates and follow-ups.
pub async fn api_recommendation(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.recommendation(&ctx.actor, id).await?)))
}

/// `GET /api/v1/consultations/{id}`: a consultation, small groups withheld.
pub async fn api_consultation(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.consultation(&ctx.actor, id).await?)))
}
