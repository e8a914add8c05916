//! The request context: who is asking, in which language, with which CSRF token.
//!
//! [`context_layer`] runs around every request. It resolves the session cookie to an actor,
//! picks the language (a `lang` query parameter, then the `rm_lang` cookie, then the browser's
//! Accept-Language), checks the Origin and the CSRF token of every state-changing request, and
//! turns error reports into JSON for the API or HTML pages for people.
//!
//! CSRF protection uses a double-submit token: a random `rm_csrf` cookie (HttpOnly,
//! SameSite=Strict) that every form repeats in a hidden `csrf` field (or an `X-CSRF-Token`
//! header). A cross-site page can neither read the cookie nor make the browser send it.
//! Uploads are streamed rather than read whole, so their forms carry the token in the query
//! string of their action instead.

use crate::WebState;
use crate::error::{ErrorReport, WebError};
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_domain::access::Actor;

pub const SESSION_COOKIE: &str = "rm_session";
pub const CSRF_COOKIE: &str = "rm_csrf";
pub const LANGUAGE_COOKIE: &str = "rm_lang";

/// What every handler knows about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub lang: String,
    pub csrf: String,
    pub session_token: Option<String>,
    pub is_api: bool,
    /// The client's address, for login throttling.
    pub client: String,
    pub path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| WebError::App(AppError::Internal(anyhow::anyhow!("no request context"))))
    }
}

/// The value of a cookie, if the request has it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A `Set-Cookie` value with the attributes every cookie of ours has.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, same_site: &str, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite={same_site}{secure}")).ok()
}

fn query_field(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').filter_map(|pair| pair.split_once('=')).find(|(key, _)| *key == name).map(|(_, value)| value.to_owned())
}

fn query_language(query: Option<&str>) -> Option<String> {
    query_field(query, "lang")
}

/// The routes that take files; their bodies are streamed to the handler.
const UPLOAD_PATHS: [&str; 2] = ["/workspace/imports", "/workspace/districts"];

/// Whether the request is a multipart upload to a route that takes files.
fn is_upload(parts: &Parts) -> bool {
    let path = parts.uri.path();
    // A city's survey waves: `/cities/{code}/surveys`.
    let survey = path
        .strip_prefix("/cities/")
        .and_then(|rest| rest.strip_suffix("/surveys"))
        .is_some_and(|code| !code.is_empty() && !code.contains('/'));
    (UPLOAD_PATHS.contains(&path) || survey)
        && parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    std::str::from_utf8(body)
        .ok()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether an Origin (or Referer) header, if present, names this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return true };
    let origin = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|h| h.to_str().ok());
    match origin {
        None | Some("null") => origin.is_none(),
        Some(origin) => origin.split_once("://").map(|(_, rest)| rest.split('/').next().unwrap_or_default()) == Some(host),
    }
}

pub async fn context_layer(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let is_api = path.starts_with("/api/") || path == "/healthz";
    let requested_language = query_language(parts.uri.query()).filter(|l| state.i18n.is_supported(l));
    let lang = requested_language
        .clone()
        .or_else(|| cookie(&parts.headers, LANGUAGE_COOKIE).filter(|l| state.i18n.is_supported(l)).map(str::to_owned))
        .unwrap_or_else(|| {
            let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|h| h.to_str().ok()).unwrap_or_default();
            state.i18n.negotiate(accept).to_owned()
        });
    let csrf_cookie = cookie(&parts.headers, CSRF_COOKIE).filter(|c| is_token(c)).map(str::to_owned);
    let session_token = cookie(&parts.headers, SESSION_COOKIE).filter(|c| is_token(c)).map(str::to_owned);
    let client = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "local".to_owned(), |info| info.0.ip().to_string());
    let mut ctx = Ctx {
        actor: Actor::Anonymous,
        lang,
        csrf: csrf_cookie.clone().unwrap_or_else(rightsmon_app::accounts::random_token),
        session_token: session_token.clone(),
        is_api,
        client,
        path,
    };
    let response = match state.app.actor_for_token(session_token.as_deref()).await {
        Err(error) => WebError::App(error).into_response(),
        Ok(actor) => {
            ctx.actor = actor;
            let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            if unsafe_method && !same_origin(&parts.headers) {
                WebError::Csrf.into_response()
            } else if unsafe_method && is_upload(&parts) {
                // An upload is streamed, not read here: its token comes in the query string.
                let sent = parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_owned)
                    .or_else(|| query_field(parts.uri.query(), "csrf"));
                match (&csrf_cookie, sent) {
                    (Some(expected), Some(sent)) if constant_time_eq(expected, &sent) => {
                        parts.extensions.insert(ctx.clone());
                        next.run(Request::from_parts(parts, body)).await
                    }
                    _ => WebError::Csrf.into_response(),
                }
            } else if unsafe_method {
                match to_bytes(body, state.settings.body_limit).await {
                    Err(_) => WebError::TooLarge.into_response(),
                    Ok(bytes) => {
                        let sent = parts
                            .headers
                            .get("x-csrf-token")
                            .and_then(|h| h.to_str().ok())
                            .map(str::to_owned)
                            .or_else(|| form_field(&bytes, "csrf"));
                        match (&csrf_cookie, sent) {
                            (Some(expected), Some(sent)) if constant_time_eq(expected, &sent) => {
                                parts.extensions.insert(ctx.clone());
                                next.run(Request::from_parts(parts, Body::from(bytes))).await
                            }
                            _ => WebError::Csrf.into_response(),
                        }
                    }
                }
            } else {
                parts.extensions.insert(ctx.clone());
                next.run(Request::from_parts(parts, body)).await
            }
        }
    };
    // A state-changing request that went through may have changed what public pages show.
    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) && response.status().as_u16() < 400 {
        state.cache.invalidate();
    }
    let mut response = render_errors(&state, &ctx, response);
    let secure = state.settings.secure_cookies;
    if csrf_cookie.is_none()
        && !ctx.is_api
        && let Some(value) = set_cookie(CSRF_COOKIE, &ctx.csrf, 86_400, "Strict", secure)
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    if let Some(language) = requested_language
        && let Some(value) = set_cookie(LANGUAGE_COOKIE, &language, 365 * 86_400, "Lax", secure)
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// How an error report reaches its reader: JSON for API clients, a page in the reader's language
/// for everyone else.
impl ErrorReport {
    /// The JSON response for API clients.
    pub fn into_json(self) -> Response {
        let body = serde_json::json!({
            "error": { "code": self.code, "message": self.public_message, "fields": self.fields.as_ref().map(|f| &f.0) }
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        self.add_headers(&mut response);
        response
    }

    /// The HTML page for readers.
    pub fn into_page(self, state: &WebState, ctx: &Ctx) -> Response {
        let minutes = self.retry_after_seconds.map_or(0, |s| (s + 59) / 60);
        let message = state.i18n.message(&ctx.lang, self.message_key, &[("minutes", crate::i18n::Arg::Number(minutes as f64))]);
        let title_key = if self.status == StatusCode::NOT_FOUND { "error-not-found-title" } else { "error-title" };
        let page = serde_json::json!({
            "title_key": title_key,
            "message": message,
            "detail": self.detail,
            "status": self.status.as_u16(),
            "sign_in": self.code == "unauthenticated",
        });
        let mut response = match state.render("error.html", ctx, page) {
            Ok(html) => (self.status, axum::response::Html(html)).into_response(),
            Err(_) => (self.status, message).into_response(),
        };
        self.add_headers(&mut response);
        response
    }

    fn add_headers(&self, response: &mut Response) {
        if let Some(seconds) = self.retry_after_seconds
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
}

/// Renders an error report (or a bare error status from the router or a layer) for its reader.
fn render_errors(state: &WebState, ctx: &Ctx, response: Response) -> Response {
    let report = match response.extensions().get::<ErrorReport>() {
        Some(report) => report.clone(),
        None if response.status().is_client_error() && !response.headers().contains_key(header::CONTENT_TYPE) => {
            match ErrorReport::for_status(response.status()) {
                Some(report) => report,
                None => return response,
            }
        }
        None => return response,
    };
    let mut rendered = if ctx.is_api { report.into_json() } else { report.into_page(state, ctx) };
    for value in response.headers().get_all(header::SET_COOKIE) {
        rendered.headers_mut().append(header::SET_COOKIE, value.clone());
    }
    rendered
}

/// A numbered thing's id from the path (`/values/{id}`, `/proposals/{id}`): a path that is not a
/// number names nothing, so it is not found.
#[derive(Debug, Clone, Copy)]
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(text) = axum::extract::Path::<String>::from_request_parts(parts, state).await?;
        text.parse().map(Id).map_err(|_| WebError::App(AppError::NotFound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; rm_lang=nl; b=2"));
        assert_eq!(cookie(&headers, "rm_lang"), Some("nl"));
        assert_eq!(cookie(&headers, "rm_session"), None);
    }

    #[test]
    fn only_same_origin_posts_pass() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&headers));
    }

    #[test]
    fn tokens_compare_in_constant_time_and_exactly() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
