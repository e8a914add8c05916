//! Pages of the co-design workflow: the list of proposals, one proposal with its discussion and
//! the forms to take part, and the form to make a proposal.

use crate::WebState;
use crate::catalogue::{definition_page, localised};
use crate::context::{Ctx, Id};
use crate::error::WebError;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use rightsmon_app::AppError;
use rightsmon_domain::access::{Role, Scope};
use rightsmon_domain::catalogue::{IndicatorDefinition, IndicatorDraft};
use rightsmon_domain::codesign::{LeftOut, NewProposal, Outcome, ProposalChange};
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::time::Date;
use rightsmon_domain::{FieldErrors, ParseError};
use serde::Deserialize;
use serde_json::{Value, json};

fn date(at: rightsmon_domain::time::Timestamp) -> String {
    Date::of_timestamp(at).to_string()
}

fn scope_value(scope: &Scope) -> Value {
    match scope {
        Scope::Network => json!({"network": true}),
        Scope::City(city) => json!({"network": false, "city": city}),
    }
}

#[derive(Debug, Deserialize)]
pub struct ProposalsQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    scope: String,
}

pub async fn list(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<ProposalsQuery>, QueryRejection>,
) -> Result<Html<String>, WebError> {
    let Query(query) = query?;
    // A filter that cannot be read is said next to its field, and every proposal shows meanwhile.
    let (page, errors) = match state.app.proposals(Some(&query.scope), Some(&query.status), Some(200), None).await {
        Ok(page) => (page, None),
        Err(AppError::Invalid(errors)) => (state.app.proposals(None, None, Some(200), None).await?, Some(errors)),
        Err(other) => return Err(other.into()),
    };
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "title": p.proposal.title,
                "kind": p.proposal.change.kind().as_str(),
                "status": p.status.as_str(),
                "scope": scope_value(&p.proposal.scope),
                "date": date(p.created_at),
            })
        })
        .collect();
    let cities = state.app.network_overview().await?.cities;
    let page = json!({
        "items": items,
        "total": page.total,
        "cities": cities,
        "query": {"status": query.status, "scope": query.scope},
        "errors": errors.as_ref().map(|e| &e.0),
    });
    Ok(Html(state.render("proposals.html", &ctx, page)?))
}

async fn proposal_page(
    state: &WebState,
    ctx: &Ctx,
    id: i64,
    status: StatusCode,
    errors: Option<&FieldErrors>,
) -> Result<Response, WebError> {
    let detail = state.app.proposal_detail(id).await?;
    let proposal = &detail.proposal;
    let change = match &proposal.proposal.change {
        ProposalChange::NewIndicator { definition } | ProposalChange::Change { definition } => {
            json!({"definition": definition_page(definition, &ctx.lang)})
        }
        ProposalChange::Adoption { city, adopt, leave_out } => json!({"city": city, "adopt": adopt, "leave_out": leave_out}),
        ProposalChange::Retirement { indicator, reason } => json!({"indicator": indicator, "reason": reason}),
    };
    let consultation = match proposal.proposal.consultation_id {
        Some(id) => {
            state.app.consultation(&ctx.actor, id).await.ok().map(|c| json!({"id": id, "title": c.consultation.consultation.title}))
        }
        None => None,
    };
    let page = json!({
        "id": proposal.id,
        "title": proposal.proposal.title,
        "rationale": proposal.proposal.rationale,
        "consultation": consultation,
        "kind": proposal.proposal.change.kind().as_str(),
        "status": proposal.status.as_str(),
        "scope": scope_value(&proposal.proposal.scope),
        "author": detail.author,
        "date": date(proposal.created_at),
        "change": change,
        "comments": detail.comments.iter().map(|(c, name)| json!({"body": c.body, "name": name, "date": date(c.at)})).collect::<Vec<_>>(),
        "endorsements": detail.endorsements.iter().map(|(e, name)| json!({"side": e.side.as_str(), "city": e.city, "name": name, "date": date(e.at)})).collect::<Vec<_>>(),
        "objections": detail.objections.iter().map(|(o, name)| json!({"reasons": o.reasons, "name": name, "date": date(o.at)})).collect::<Vec<_>>(),
        "decision": detail.decision.as_ref().map(|(d, name)| json!({"outcome": d.outcome.as_str(), "reason": d.reason, "name": name, "date": date(d.at)})),
        "shortfall": detail.shortfall,
        "endorsed": ctx.actor.user().is_some_and(|u| detail.endorsements.iter().any(|(e, _)| e.user_id == u.id)),
        "can": state.app.proposal_abilities(&ctx.actor, proposal).await?,
        "errors": errors.map(|e| &e.0),
    });
    Ok((status, Html(state.render("proposal.html", ctx, page)?)).into_response())
}

pub async fn show(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    proposal_page(&state, &ctx, id, StatusCode::OK, None).await
}

fn back_to(id: i64) -> Response {
    let mut response = Redirect::to(&format!("/proposals/{id}")).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response
}

/// Runs an action; an invalid input or a refused rule shows the proposal again with the problem.
async fn act(state: &WebState, ctx: &Ctx, id: i64, result: Result<(), AppError>) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(back_to(id)),
        Err(AppError::Invalid(errors)) => proposal_page(state, ctx, id, StatusCode::UNPROCESSABLE_ENTITY, Some(&errors)).await,
        Err(AppError::Conflict(message)) => {
            let errors = FieldErrors::single("proposal", ParseError::new("conflict", message));
            proposal_page(state, ctx, id, StatusCode::CONFLICT, Some(&errors)).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct TextForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    city: String,
}

fn form<T>(form: Result<Form<T>, FormRejection>) -> Result<T, WebError> {
    Ok(form?.0)
}

pub async fn comment(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    body: Result<Form<TextForm>, FormRejection>,
) -> Result<Response, WebError> {
    let body = form(body)?;
    let result = state.app.comment(&ctx.actor, id, &body.text).await.map(|_| ());
    act(&state, &ctx, id, result).await
}

pub async fn endorse(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    body: Result<Form<TextForm>, FormRejection>,
) -> Result<Response, WebError> {
    let body = form(body)?;
    let result = state.app.endorse(&ctx.actor, id, Some(&body.city)).await;
    act(&state, &ctx, id, result).await
}

pub async fn object(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    body: Result<Form<TextForm>, FormRejection>,
) -> Result<Response, WebError> {
    let body = form(body)?;
    let result = state.app.object(&ctx.actor, id, &body.text).await.map(|_| ());
    act(&state, &ctx, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    text: String,
    /// The decider's answer to the objections raised, when there are some.
    #[serde(default)]
    answer: String,
}

pub async fn decide(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    body: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, WebError> {
    let body = form(body)?;
    // Who may decide is known before the form is read.
    state.app.proposal_to_decide(&ctx.actor, id).await?;
    let outcome = Outcome::parse(&body.outcome).map_err(|e| WebError::App(AppError::Invalid(FieldErrors::single("outcome", e))))?;
    let result = state.app.decide_answering(&ctx.actor, id, outcome, &body.text, &body.answer).await.map(|_| ());
    act(&state, &ctx, id, result).await
}

pub async fn withdraw(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    let result = state.app.withdraw(&ctx.actor, id).await;
    act(&state, &ctx, id, result).await
}

async fn new_page(
    state: &WebState,
    ctx: &Ctx,
    status: StatusCode,
    errors: Option<&FieldErrors>,
    values: Value,
) -> Result<Response, WebError> {
    let overview = state.app.network_overview().await?;
    let core = state
        .app
        .indicators(&rightsmon_app::catalogue::IndicatorFilter { scope: Some("core".into()), limit: Some(1000), ..Default::default() })
        .await?;
    let all = state.app.indicators(&rightsmon_app::catalogue::IndicatorFilter { limit: Some(1000), ..Default::default() }).await?;
    let cities: Vec<&rightsmon_domain::area::Area> = overview
        .cities
        .iter()
        .filter(|c| {
            ctx.actor.may(rightsmon_domain::access::Permission::ManageNetwork)
                || ctx.actor.memberships().iter().any(|m| m.scope == Scope::City(c.code.clone()))
        })
        .collect();
    // The adoption form starts from what the city chosen has adopted and left out.
    let adoption_city =
        values.get("scope").and_then(Value::as_str).map(str::to_owned).or_else(|| cities.first().map(|c| c.code.to_string()));
    let mut adopted: Vec<String> = Vec::new();
    let mut left_out: serde_json::Map<String, Value> = serde_json::Map::new();
    if let Some(city) = adoption_city.as_deref().filter(|c| *c != "network") {
        for a in state.app.adoptions(city).await.unwrap_or_default() {
            if a.is_adopted {
                adopted.push(a.indicator.to_string());
            } else {
                left_out.insert(a.indicator.to_string(), json!(a.reason.unwrap_or_default()));
            }
        }
    }
    let themes: Vec<Value> = overview.themes.iter().map(|t| json!({"code": t.code, "name": localised(&t.name, &ctx.lang)})).collect();
    let mut rights: Vec<Value> = Vec::new();
    for kind in ["charter_article", "norm"] {
        for r in state.app.rights(Some(kind)).await? {
            rights.push(json!({"code": r.code, "name": localised(&r.name, &ctx.lang)}));
        }
    }
    let dimensions: Vec<Value> = state
        .app
        .codelists()
        .await?
        .iter()
        .map(|c| json!({"code": c.dimension().to_string(), "name": localised(c.name(), &ctx.lang)}))
        .collect();
    let page = json!({
        "cities": cities,
        "adoption_city": adoption_city,
        "adopted": adopted,
        "left_out": left_out,
        "themes": themes,
        "rights": rights,
        "dimensions": dimensions,
        "language": ctx.lang,
        "network": ctx.actor.may(rightsmon_domain::access::Permission::ManageNetwork) || ctx.actor.memberships().iter().any(|m| m.role == Role::CityCoordinator),
        "core": core.items.iter().map(|d| json!({"code": d.code, "name": localised(&d.name, &ctx.lang)})).collect::<Vec<_>>(),
        "all": all.items.iter().map(|d| json!({"code": d.code, "name": localised(&d.name, &ctx.lang)})).collect::<Vec<_>>(),
        "errors": errors.map(|e| &e.0),
        "values": values,
    });
    Ok((status, Html(state.render("proposal_new.html", ctx, page)?)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    city: String,
    /// The consultation the proposal comes from.
    #[serde(default)]
    consultation: String,
}

pub async fn new_form(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<NewQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query.unwrap_or_default();
    let mut values = if query.city.trim().is_empty() { json!({}) } else { json!({"scope": query.city.trim()}) };
    if let Ok(id) = query.consultation.trim().parse::<i64>()
        && let Ok(view) = state.app.consultation(&ctx.actor, id).await
    {
        values["scope"] = json!(view.consultation.consultation.city);
        values["consultation_id"] = json!(id);
        values["consultation_title"] = json!(view.consultation.consultation.title);
    }
    new_page(&state, &ctx, StatusCode::OK, None, values).await
}

fn field(errors: &mut FieldErrors, name: &str, code: &'static str, message: &str) {
    errors.push(name, ParseError::new(code, message));
}

/// Builds a proposal from the form's fields (repeated `adopt` fields, `reason.CODE` fields).
fn proposal_from_form(fields: &[(String, String)]) -> Result<NewProposal, FieldErrors> {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    let mut errors = FieldErrors::new();
    let scope = match get("scope") {
        "network" => Some(Scope::Network),
        "" => {
            field(&mut errors, "scope", "missing_scope", "choose the network or a city");
            None
        }
        city => errors.check("scope", AreaCode::parse(city)).map(Scope::City),
    };
    let change = match get("kind") {
        "adoption" => match &scope {
            Some(Scope::City(city)) => {
                let adopt: Vec<IndicatorCode> = fields
                    .iter()
                    .filter(|(k, _)| k == "adopt")
                    .filter_map(|(_, v)| errors.check("adopt", IndicatorCode::parse(v)))
                    .collect();
                let leave_out: Vec<LeftOut> = fields
                    .iter()
                    .filter_map(|(k, v)| k.strip_prefix("reason.").map(|code| (code, v)))
                    .filter(|(code, reason)| !reason.trim().is_empty() && !adopt.iter().any(|a| a.as_str() == *code))
                    .filter_map(|(code, reason)| {
                        errors.check("reason", IndicatorCode::parse(code)).map(|indicator| LeftOut { indicator, reason: reason.clone() })
                    })
                    .collect();
                Some(ProposalChange::Adoption { city: city.clone(), adopt, leave_out })
            }
            _ => {
                field(&mut errors, "scope", "scope_mismatch", "a city decides its own adoption: choose a city");
                None
            }
        },
        "retirement" => errors
            .check("indicator", IndicatorCode::parse(get("indicator")))
            .map(|indicator| ProposalChange::Retirement { indicator, reason: get("reason").to_owned() }),
        "indicator" => match &scope {
            Some(Scope::City(city)) => match IndicatorDefinition::parse(&draft_from_form(fields, city)) {
                Err(field_errors) => {
                    for e in field_errors.0 {
                        errors.0.push(rightsmon_domain::FieldError { field: format!("indicator.{}", e.field), ..e });
                    }
                    None
                }
                Ok(definition) => Some(ProposalChange::NewIndicator { definition }),
            },
            _ => {
                field(&mut errors, "scope", "scope_mismatch", "a city proposes its own indicator: choose a city");
                None
            }
        },
        "definition" => match toml::from_str::<IndicatorDraft>(get("definition")) {
            Err(e) => {
                errors.push("definition", ParseError::new("invalid_toml", e.message().trim().to_owned()));
                None
            }
            Ok(draft) => match IndicatorDefinition::parse(&draft) {
                Err(field_errors) => {
                    for e in field_errors.0 {
                        errors.0.push(rightsmon_domain::FieldError { field: format!("definition.{}", e.field), ..e });
                    }
                    None
                }
                Ok(definition) if definition.version == 1 => Some(ProposalChange::NewIndicator { definition }),
                Ok(definition) => Some(ProposalChange::Change { definition }),
            },
        },
        _ => {
            field(&mut errors, "kind", "invalid_proposal_kind", "choose what the proposal is about");
            None
        }
    };
    let consultation_id = match get("consultation_id").trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                field(&mut errors, "consultation_id", "invalid_id", "not a consultation");
                None
            }
        },
    };
    match (scope, change) {
        (Some(scope), Some(change)) if errors.is_empty() => {
            NewProposal::new(scope, get("title"), get("rationale"), change).map(|p| NewProposal { consultation_id, ..p })
        }
        _ => Err(errors),
    }
}

/// An indicator definition from the fields of the form for a city's own indicator: texts in
/// English and, optionally, in the page's language (`*.local` with `language`), themes and
/// rights chosen from lists, breakdowns ticked, one cross-classification, and how it compares
/// with a core indicator.
fn draft_from_form(fields: &[(String, String)], city: &AreaCode) -> IndicatorDraft {
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim());
    let all = |name: &str| -> Vec<String> {
        fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty()).collect()
    };
    let language = get("language");
    let texts = |name: &str| -> std::collections::BTreeMap<String, String> {
        let mut map = std::collections::BTreeMap::new();
        if !get(&format!("{name}.en")).is_empty() {
            map.insert("en".to_owned(), get(&format!("{name}.en")).to_owned());
        }
        if !language.is_empty() && language != "en" && !get(&format!("{name}.local")).is_empty() {
            map.insert(language.to_owned(), get(&format!("{name}.local")).to_owned());
        }
        map
    };
    let optional_texts = |name: &str| Some(texts(name)).filter(|m| !m.is_empty());
    let mut disaggregations: Vec<Vec<String>> = all("breakdown").into_iter().map(|d| vec![d]).collect();
    let cross: Vec<String> = ["cross.1", "cross.2"].iter().map(|n| get(n).to_owned()).filter(|d| !d.is_empty()).collect();
    if cross.len() == 2 {
        disaggregations.push(cross);
    }
    let rights = (0..3)
        .filter_map(|i| {
            let right = get(&format!("right.{i}"));
            (!right.is_empty()).then(|| rightsmon_domain::catalogue::RightLinkDraft {
                right: right.to_owned(),
                link_type: get(&format!("right_type.{i}")).to_owned(),
                attribute: None,
            })
        })
        .collect();
    let source = Some(get("source_name")).filter(|n| !n.is_empty()).map(|name| rightsmon_domain::catalogue::SourceRef {
        name: name.to_owned(),
        code: None,
        url: Some(get("source_url").to_owned()).filter(|u| !u.is_empty()),
    });
    let compares_with = Some(get("compares_core")).filter(|c| !c.is_empty()).map(|core| rightsmon_domain::catalogue::CoreComparisonDraft {
        core: core.to_owned(),
        level: get("compares_level").to_owned(),
        note: optional_texts("compares_note"),
    });
    IndicatorDraft {
        code: get("code").to_owned(),
        version: 1,
        city: Some(city.to_string()),
        name: texts("name"),
        definition: texts("definition_text"),
        rationale: optional_texts("rationale_text"),
        computation: optional_texts("formula")
            .map(|formula| rightsmon_domain::catalogue::ComputationDraft { formula: Some(formula), ..Default::default() }),
        unit: get("unit").to_owned(),
        decimals: get("decimals").parse().ok(),
        direction: get("direction").to_owned(),
        value_type: get("value_type").to_owned(),
        frequency: Some(get("frequency").to_owned()).filter(|f| !f.is_empty()),
        disaggregations,
        source,
        themes: all("theme"),
        rights,
        compares_with,
        ..IndicatorDraft::default()
    }
}

pub async fn create(
    State(state): State<WebState>,
    ctx: Ctx,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = form(body)?;
    let mut values: serde_json::Map<String, Value> =
        fields.iter().filter(|(k, _)| k != "csrf").map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    // Ticked boxes come back as lists, so that the form shows them ticked again.
    for name in ["theme", "breakdown", "adopt"] {
        let ticked: Vec<Value> = fields.iter().filter(|(k, _)| k == name).map(|(_, v)| Value::String(v.clone())).collect();
        values.insert(format!("{name}s"), Value::Array(ticked));
    }
    let proposal = match proposal_from_form(&fields) {
        Ok(proposal) => proposal,
        Err(errors) => return new_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(&errors), Value::Object(values)).await,
    };
    match state.app.propose(&ctx.actor, proposal).await {
        Ok(stored) => Ok(back_to(stored.id)),
        Err(AppError::Invalid(errors)) => {
            new_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(&errors), Value::Object(values)).await
        }
        Err(other) => Err(other.into()),
    }
}
