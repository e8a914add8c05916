//! HTML pages: home, city, sign in and out.

use crate::WebState;
use crate::catalogue::localised;
use crate::context::{CSRF_COOKIE, Ctx, SESSION_COOKIE, set_cookie};
use crate::error::WebError;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use rightsmon_app::AppError;
use rightsmon_domain::observation::ObservationValue;
use serde::Deserialize;
use std::collections::BTreeMap;

pub async fn home(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>, WebError> {
    let overview = state.app.network_overview().await?;
    let theme = |t: &rightsmon_domain::right::Theme| {
        serde_json::json!({
            "code": t.code,
            "name": localised(&t.name, &ctx.lang),
            "description": t.description.as_ref().map(|d| localised(d, &ctx.lang)),
        })
    };
    let page = serde_json::json!({
        "network": overview.network.as_ref().map(|n| &n.name),
        "cities": overview.cities,
        "agreed": overview.themes.iter().filter(|t| t.is_agreed_area).map(theme).collect::<Vec<_>>(),
        "other": overview.themes.iter().filter(|t| !t.is_agreed_area).map(theme).collect::<Vec<_>>(),
    });
    Ok(Html(state.render("home.html", &ctx, page)?))
}

/// The indicators a city monitors (those it collects and any with values), each with its latest
/// published value and its headline verdict, and how many values are still in progress.
async fn city_rows(state: &WebState, ctx: &Ctx, city: &rightsmon_domain::area::Area) -> Result<(Vec<serde_json::Value>, usize), WebError> {
    let overview = state.app.city_overview(&ctx.actor, city.code.as_str()).await?;
    let findings: BTreeMap<String, serde_json::Value> = state
        .app
        .city_findings(&ctx.actor, city.code.as_str())
        .await?
        .iter()
        .map(|f| (f.indicator.clone(), crate::findings::summary(f)))
        .collect();
    let mut rows = Vec::with_capacity(overview.rows.len());
    for row in &overview.rows {
        let (definition, observation) = (&row.definition, row.latest.as_ref());
        let code = definition.code.to_string();
        let value = observation.map(|o| match &o.data.value {
            ObservationValue::Number(n) => definition.format_value(*n),
            ObservationValue::Text(t) => t.clone(),
        });
        rows.push(serde_json::json!({
            "code": code,
            "name": localised(&definition.name, &ctx.lang),
            "themes": definition.themes,
            "period": observation.map(|o| o.data.period.to_string()),
            "value": value,
            "unit": rightsmon_app::translations::translations().unit(&definition.unit, &ctx.lang),
            "source": observation.and_then(|o| o.data.provenance.source_name.clone()),
            "synthetic": observation.is_some_and(|o| o.data.provenance.source_name.as_deref() == Some(rightsmon_app::demo::DEMO_SOURCE)),
            "findings": findings.get(&code),
        }));
    }
    Ok((rows, overview.in_progress))
}

/// The themes as pages show them: the agreed areas first, each with its name and description.
fn theme_views(themes: &[rightsmon_domain::right::Theme], lang: &str) -> Vec<serde_json::Value> {
    let mut themes: Vec<&rightsmon_domain::right::Theme> = themes.iter().collect();
    themes.sort_by_key(|t| (!t.is_agreed_area, t.position));
    themes
        .iter()
        .map(|t| {
            serde_json::json!({
                "code": t.code,
                "agreed": t.is_agreed_area,
                "name": localised(&t.name, lang),
                "description": t.description.as_ref().map(|d| localised(d, lang)),
            })
        })
        .collect()
}

pub async fn city(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Html<String>, WebError> {
    let city = state.app.city(&code).await?;
    let districts = state.app.districts(&city.code).await?;
    let (rows, in_progress) = city_rows(&state, &ctx, &city).await?;
    // Each indicator under its first theme, the agreed areas first.
    let themes = theme_views(&state.app.themes().await?, &ctx.lang);
    let groups: Vec<serde_json::Value> = themes
        .into_iter()
        .filter_map(|theme| {
            let in_theme: Vec<&serde_json::Value> =
                rows.iter().filter(|r| r["themes"].as_array().and_then(|t| t.first()) == Some(&theme["code"])).collect();
            (!in_theme.is_empty()).then(|| serde_json::json!({"theme": theme, "rows": in_theme}))
        })
        .collect();
    // Where the city stands on the road map: how many steps, and the latest one reached.
    let road = state.app.roadmap(Some(city.code.as_str())).await?;
    let latest = road.cities.first().and_then(|c| {
        road.steps
            .iter()
            .zip(&c.milestones)
            .filter_map(|(step, m)| m.as_ref().map(|m| (step, m)))
            .max_by_key(|(_, m)| m.milestone.reached_on)
            .map(|(step, m)| serde_json::json!({"name": crate::roadmap::step_name(&state, &ctx.lang, step), "on": m.milestone.reached_on.to_string()}))
    });
    let roadmap = serde_json::json!({"reached": road.cities.first().map_or(0, |c| c.reached), "steps": road.steps.len(), "latest": latest});
    let page = serde_json::json!({
        "city": city,
        "roadmap": roadmap,
        "districts": districts,
        "groups": groups,
        "has_values": rows.iter().any(|r| !r["value"].is_null()),
        "in_progress": in_progress,
    });
    Ok(Html(state.render("city.html", &ctx, page)?))
}

/// A theme in a city: every indicator the city monitors under it, its latest value and verdict.
pub async fn city_theme(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((code, theme)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let city = state.app.city(&code).await?;
    let themes = theme_views(&state.app.themes().await?, &ctx.lang);
    let theme = themes.into_iter().find(|t| t["code"] == theme.as_str()).ok_or(WebError::App(AppError::NotFound))?;
    let (rows, _) = city_rows(&state, &ctx, &city).await?;
    let rows: Vec<&serde_json::Value> =
        rows.iter().filter(|r| r["themes"].as_array().is_some_and(|t| t.contains(&theme["code"]))).collect();
    let page = serde_json::json!({"city": city, "theme": theme, "rows": rows});
    Ok(Html(state.render("city_theme.html", &ctx, page)?))
}

/// A theme across the network: its indicators and each city's headline verdict on each.
pub async fn theme(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Html<String>, WebError> {
    let themes = theme_views(&state.app.themes().await?, &ctx.lang);
    let theme = themes.into_iter().find(|t| t["code"] == code.as_str()).ok_or(WebError::App(AppError::NotFound))?;
    let filter = rightsmon_app::catalogue::IndicatorFilter { theme: Some(code.clone()), limit: Some(500), ..Default::default() };
    let (rows, cities) = crate::findings::matrix(&state, &ctx, &filter, None).await?;
    let page = serde_json::json!({"theme": theme, "rows": rows, "cities": cities});
    Ok(Html(state.render("theme.html", &ctx, page)?))
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

fn login_page(state: &WebState, ctx: &Ctx, status: StatusCode, error: Option<String>, username: &str) -> Result<Response, WebError> {
    let page = serde_json::json!({"error": error, "username": username});
    Ok((status, Html(state.render("login.html", ctx, page)?)).into_response())
}

pub async fn login_form(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    login_page(&state, &ctx, StatusCode::OK, None, "")
}

pub async fn login(State(state): State<WebState>, ctx: Ctx, form: Result<Form<LoginForm>, FormRejection>) -> Result<Response, WebError> {
    let Form(form) = form?;
    let username = form.username.chars().take(64).collect::<String>();
    match state.app.login(&form.username, &form.password, &ctx.client).await {
        Ok(session) => {
            if let Some(old) = &ctx.session_token {
                state.app.logout(old).await?;
            }
            let mut response = Redirect::to("/").into_response();
            *response.status_mut() = StatusCode::SEE_OTHER;
            let max_age = session.expires_at.seconds() - state.app.now().seconds();
            if let Some(cookie) = set_cookie(SESSION_COOKIE, &session.token, max_age, "Lax", state.settings.secure_cookies) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            rotate_csrf(&state, &mut response);
            Ok(response)
        }
        Err(AppError::BadCredentials) => {
            let message = state.i18n.message(&ctx.lang, "login-failed", &[]);
            login_page(&state, &ctx, StatusCode::UNAUTHORIZED, Some(message), &username)
        }
        Err(AppError::Throttled { retry_after_seconds }) => {
            let message = if retry_after_seconds < 120 {
                let seconds = crate::i18n::Arg::Number(retry_after_seconds as f64);
                state.i18n.message(&ctx.lang, "login-throttled-seconds", &[("seconds", seconds)])
            } else {
                let minutes = crate::i18n::Arg::Number(((retry_after_seconds + 59) / 60) as f64);
                state.i18n.message(&ctx.lang, "login-throttled", &[("minutes", minutes)])
            };
            let mut response = login_page(&state, &ctx, StatusCode::TOO_MANY_REQUESTS, Some(message), &username)?;
            if let Ok(value) = header::HeaderValue::from_str(&retry_after_seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn logout(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    if let Some(token) = &ctx.session_token {
        state.app.logout(token).await?;
    }
    let mut response = Redirect::to("/").into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Some(cookie) = set_cookie(SESSION_COOKIE, "", 0, "Lax", state.settings.secure_cookies) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    rotate_csrf(&state, &mut response);
    Ok(response)
}

/// A fresh CSRF token when who is signed in changes, so that a token seen before signing in
/// (or by the previous user of a shared browser) is worth nothing after.
fn rotate_csrf(state: &WebState, response: &mut Response) {
    let token = rightsmon_app::accounts::random_token();
    if let Some(cookie) = set_cookie(CSRF_COOKIE, &token, 86_400, "Strict", state.settings.secure_cookies) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
}
