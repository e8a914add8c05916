//! Pages and API of the good-practice library: the library with its search and filters, a
//! practice in the reader's language with what its indicators show now, the form to add one, the
//! form to translate one, and the way to recommend one to another city.

use crate::WebState;
use crate::catalogue::localised;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use crate::see_other;
use axum::Json;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_app::practices::{PracticeFilter, PracticeView};
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::Permission;
use rightsmon_domain::practice::{Practice, PracticeDraft};
use serde::Deserialize;
use serde_json::{Value, json};

fn summary_value(practice: &Practice, lang: &str, cities: &[(String, String)]) -> Value {
    let (title, summary, _, language) = practice.in_language(lang);
    json!({
        "id": practice.id,
        "title": title,
        "excerpt": if summary.chars().count() > 240 { format!("{}…", summary.chars().take(240).collect::<String>().trim_end()) } else { summary.to_owned() },
        "language": language,
        "city": cities.iter().find(|(code, _)| code == practice.practice.city.as_str()).map_or(practice.practice.city.as_str(), |(_, name)| name),
        "themes": practice.practice.themes,
    })
}

async fn cities(state: &WebState) -> Result<Vec<(String, String)>, WebError> {
    Ok(state.app.network_overview().await?.cities.into_iter().map(|c| (c.code.to_string(), c.name)).collect())
}

/// `GET /practices`: the library, with its search and filters.
pub async fn library(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<PracticeFilter>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(filter) = query?;
    let practices = state.app.practices(&filter).await?;
    let cities = cities(&state).await?;
    let themes = state.app.themes().await?;
    let may_add = cities.iter().any(|(code, _)| {
        rightsmon_domain::id::AreaCode::parse(code)
            .is_ok_and(|c| ctx.actor.may(Permission::ManageCity(&c)) || ctx.actor.may(Permission::FileShadowData(&c)))
    }) || ctx.actor.may(Permission::ManageNetwork);
    let page = json!({
        "practices": practices.iter().map(|p| summary_value(p, &ctx.lang, &cities)).collect::<Vec<_>>(),
        "filter": {"q": filter.q, "city": filter.city, "theme": filter.theme, "right": filter.right},
        "cities": cities.iter().map(|(code, name)| json!({"code": code, "name": name})).collect::<Vec<_>>(),
        "themes": themes.iter().map(|t| json!({"code": t.code, "name": localised(&t.name, &ctx.lang)})).collect::<Vec<_>>(),
        "may_add": may_add,
    });
    Ok(Html(state.render("practices.html", &ctx, page)?).into_response())
}

async fn new_page(
    state: &WebState,
    ctx: &Ctx,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let cities: Vec<Value> = cities(state)
        .await?
        .into_iter()
        .filter(|(code, _)| {
            rightsmon_domain::id::AreaCode::parse(code).is_ok_and(|c| {
                ctx.actor.may(Permission::ManageCity(&c))
                    || ctx.actor.may(Permission::FileShadowData(&c))
                    || ctx.actor.may(Permission::ManageNetwork)
            })
        })
        .map(|(code, name)| json!({"code": code, "name": name}))
        .collect();
    let page = json!({"cities": cities, "values": values, "errors": errors.map_or(Value::Null, |e| json!(e.0))});
    Ok((status, Html(state.render("practice_new.html", ctx, page)?)).into_response())
}

/// `GET /practices/new`: the form to add a practice.
pub async fn new_form(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    new_page(&state, &ctx, json!({"language": ctx.lang}), None, StatusCode::OK).await
}

/// `POST /practices`: a practice added by its city's working group.
pub async fn create(
    State(state): State<WebState>,
    ctx: Ctx,
    form: Result<Form<PracticeDraft>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(draft) = form?;
    match state.app.add_practice(&ctx.actor, &draft).await {
        Ok(practice) => Ok(see_other(&format!("/practices/{}", practice.id))),
        Err(AppError::Invalid(errors)) => {
            let values = json!({
                "city": draft.city, "title": draft.title, "language": draft.language, "summary": draft.summary, "results": draft.results,
                "themes": draft.themes, "rights": draft.rights, "indicators": draft.indicators, "contacts": draft.contacts,
                "documents": draft.documents,
            });
            new_page(&state, &ctx, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

fn view_value(view: &PracticeView, lang: &str, city: &str) -> Value {
    let p = &view.practice;
    let (title, summary, results, language) = p.in_language(lang);
    json!({
        "id": p.id,
        "title": title,
        "summary": summary,
        "results": results,
        "language": language,
        "translated": language != &p.practice.language,
        "original_language": p.practice.language,
        "languages": p.translations.keys().collect::<Vec<_>>(),
        "city": {"code": p.practice.city, "name": city},
        "themes": p.practice.themes,
        "rights": p.practice.rights,
        "contacts": p.practice.contacts,
        "documents": p.practice.documents,
        "results_now": view.results_now.iter().map(|f| json!({
            "indicator": f.indicator,
            "latest_year": f.latest_year,
            "latest_value": f.latest_value.map(|v| crate::charts::label(v, 4)),
            "status_key": match (f.method.and_then(rightsmon_app::findings::method), &f.verdict) {
                (Some(method), Some(code)) => Some(crate::findings::status_key(method, code)),
                _ => None,
            },
            "since": f.since,
        })).collect::<Vec<_>>(),
        "may_translate": view.may_translate,
    })
}

async fn practice_page(
    state: &WebState,
    ctx: &Ctx,
    id: i64,
    values: Value,
    errors: Option<&FieldErrors>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let view = state.app.practice(&ctx.actor, id).await?;
    let city = state.app.city(view.practice.practice.city.as_str()).await?;
    let page = json!({
        "practice": view_value(&view, &ctx.lang, &city.name),
        "languages": crate::i18n::LANGUAGES.iter().map(|(code, name, _)| json!({"code": code, "name": name})).collect::<Vec<_>>(),
        "signed_in": ctx.actor.is_signed_in(),
        "values": values,
        "errors": errors.map_or(Value::Null, |e| json!(e.0)),
    });
    Ok((status, Html(state.render("practice.html", ctx, page)?)).into_response())
}

/// `GET /practices/{id}`: a practice in the reader's language.
pub async fn show(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    practice_page(&state, &ctx, id, json!({}), None, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub struct TranslationForm {
    #[serde(default)]
    language: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    results: String,
}

/// `POST /practices/{id}/translations`: a practice in another language.
pub async fn translate(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    form: Result<Form<TranslationForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form?;
    match state.app.translate_practice(&ctx.actor, id, &form.language, &form.title, &form.summary, &form.results).await {
        Ok(_) => Ok(see_other(&format!("/practices/{id}?lang={}", form.language.trim()))),
        Err(AppError::Invalid(errors)) => {
            let values = json!({"language": form.language, "title": form.title, "summary": form.summary, "results": form.results});
            practice_page(&state, &ctx, id, values, Some(&errors), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /api/v1/practices`: the library, with the same filters.
pub async fn api_library(
    State(state): State<WebState>,
    query: Result<Query<PracticeFilter>, QueryRejection>,
) -> Result<Json<Value>, WebError> {
    let Query(filter) = query?;
    let practices = state.app.practices(&filter).await?;
    Ok(Json(json!({"items": practices, "total": practices.len()})))
}

/// `GET /api/v1/practices/{id}`: a practice with every translation and what its indicators show.
pub async fn api_practice(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.practice(&ctx.actor, id).await?)))
}
