//! A user's own account: who they are to the system and with which roles, a new password (with
//! the current one), the download of everything kept about them, and its erasure.

use crate::WebState;
use crate::context::{CSRF_COOKIE, Ctx, SESSION_COOKIE, set_cookie};
use crate::error::WebError;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::AppError;
use serde::Deserialize;
use serde_json::json;

async fn page(
    state: &WebState,
    ctx: &Ctx,
    status: StatusCode,
    errors: Option<&rightsmon_domain::FieldErrors>,
) -> Result<Response, WebError> {
    page_with(state, ctx, status, errors, false).await
}

async fn page_with(
    state: &WebState,
    ctx: &Ctx,
    status: StatusCode,
    errors: Option<&rightsmon_domain::FieldErrors>,
    reminders_saved: bool,
) -> Result<Response, WebError> {
    let user = ctx.actor.user().ok_or(WebError::App(AppError::Unauthenticated))?;
    let roles: Vec<_> = ctx
        .actor
        .memberships()
        .iter()
        .map(|m| {
            json!({
                "role": m.role.as_str(),
                "city": match &m.scope {
                    rightsmon_domain::access::Scope::City(city) => Some(city.to_string()),
                    rightsmon_domain::access::Scope::Network => None,
                },
            })
        })
        .collect();
    let page = json!({
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "roles": roles,
        "errors": errors.map(|e| &e.0),
        "min_length": rightsmon_domain::access::Password::MIN_LENGTH,
        "reminder_choices": state.app.reminder_choices(&ctx.actor).await?.iter().map(|(kind, delivery)| json!({"kind": kind, "delivery": delivery})).collect::<Vec<_>>(),
        "deliveries": rightsmon_domain::reminder::Delivery::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        "reminders_saved": reminders_saved,
    });
    Ok((status, Html(state.render("account.html", ctx, page)?)).into_response())
}

pub async fn show(State(state): State<WebState>, ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, WebError> {
    let saved = query.is_some_and(|q| q.split('&').any(|pair| pair == "reminders=saved"));
    page_with(&state, &ctx, StatusCode::OK, None, saved).await
}

/// `POST /account/reminders`: how the reader hears of each kind of reminder.
pub async fn reminder_choices(
    State(state): State<WebState>,
    ctx: Ctx,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(fields) = form?;
    let choices: Vec<(String, String)> = fields.into_iter().filter(|(name, _)| name != "csrf").collect();
    match state.app.set_reminder_choices(&ctx.actor, &choices).await {
        Ok(()) => Ok(crate::see_other("/account?reminders=saved#reminders")),
        Err(AppError::Invalid(errors)) => page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(&errors)).await,
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// A new password, given with the current one; every session ends, this one included.
pub async fn change_password(
    State(state): State<WebState>,
    ctx: Ctx,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form?;
    match state.app.change_own_password(&ctx.actor, &form.current_password, &form.new_password).await {
        Ok(()) => notice(&state, &ctx, "account-password-changed-title", "account-password-changed"),
        Err(AppError::Invalid(errors)) => page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(&errors)).await,
        Err(other) => Err(other.into()),
    }
}

/// Everything kept about the reader, as a JSON file.
pub async fn data(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let data = state.app.personal_data(&ctx.actor).await?;
    let body = serde_json::to_vec_pretty(&data).map_err(|e| WebError::App(AppError::Internal(e.into())))?;
    let name = format!("attachment; filename=\"rightsmon-{}.json\"", data.account.username);
    Ok(([(header::CONTENT_TYPE, "application/json".to_owned()), (header::CONTENT_DISPOSITION, name)], body).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct ErasureForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// Erases the reader's account, with their password and a confirmation; they are signed out.
pub async fn erase(State(state): State<WebState>, ctx: Ctx, form: Result<Form<ErasureForm>, FormRejection>) -> Result<Response, WebError> {
    let Form(form) = form?;
    let user = ctx.actor.user().ok_or(WebError::App(AppError::Unauthenticated))?.clone();
    if form.confirm.is_none() {
        let message = state.i18n.message(&ctx.lang, "account-erase-confirm-missing", &[]);
        let errors = rightsmon_domain::FieldErrors::single("confirm", rightsmon_domain::ParseError::new("not_confirmed", message));
        return page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(&errors)).await;
    }
    match state.app.erase_user(Some(&ctx.actor), user.username.as_str(), Some(&form.password)).await {
        Ok(()) => notice(&state, &ctx, "account-erased-title", "account-erased"),
        Err(AppError::Invalid(errors)) => page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(&errors)).await,
        Err(other) => Err(other.into()),
    }
}

/// A page saying what was done, to a reader whose sessions it ended: they are signed out.
fn notice(state: &WebState, ctx: &Ctx, title_key: &str, message_key: &str) -> Result<Response, WebError> {
    let anonymous = Ctx { actor: rightsmon_domain::access::Actor::Anonymous, ..ctx.clone() };
    let html = state.render("notice.html", &anonymous, json!({"title_key": title_key, "message_key": message_key}))?;
    let mut response = (StatusCode::OK, Html(html)).into_response();
    signed_out(state, &mut response);
    Ok(response)
}

/// Clears the session cookie and gives a fresh CSRF token.
fn signed_out(state: &WebState, response: &mut Response) {
    let secure = state.settings.secure_cookies;
    let cookies = [
        set_cookie(SESSION_COOKIE, "", 0, "Lax", secure),
        set_cookie(CSRF_COOKIE, &rightsmon_app::accounts::random_token(), 86_400, "Strict", secure),
    ];
    for cookie in cookies.into_iter().flatten() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
}
