//! The HTTP interface of Rights Monitor: HTML pages and the read-only JSON API.
//!
//! This crate translates between HTTP and the application layer and nothing else: no SQL, no
//! rules. Templates, styles and translations are embedded, so the binary alone is a deployment.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod access;
mod account;
mod accountability;
mod api;
mod assessments;
mod audit;
pub mod cache;
mod catalogue;
mod charts;
mod codesign;
pub mod context;
mod cycles;
pub mod error;
mod findings;
pub mod i18n;
mod imports;
pub mod mail;
mod maps;
mod network_reports;
mod pages;
mod portal;
mod practices;
mod reporting;
mod reports;
mod roadmap;
mod surveys;
mod upload;
mod workspace;

pub use imports::{clean_uploads, upload_dir};

use access::{Access, RouteRule, Routes};
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::{get, post};
use error::WebError;
use rightsmon_app::{App, AppError};
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Mark cookies `Secure` (when served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Show the synthetic-data banner on every page.
    pub demo_mode: bool,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The largest file accepted for an import, in bytes.
    pub upload_limit: usize,
    /// How long a request may take before it is answered with 408.
    pub request_timeout: Duration,
    /// How long a rendered public page may be reused for anonymous readers (zero: never).
    pub page_cache: Duration,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            demo_mode: false,
            body_limit: 64 * 1024,
            upload_limit: 256 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            page_cache: Duration::from_secs(10),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct WebState {
    pub app: App,
    pub i18n: Arc<i18n::I18n>,
    templates: Arc<minijinja::Environment<'static>>,
    pub settings: Arc<WebSettings>,
    jobs: Arc<imports::Jobs>,
    /// Rendered public pages for anonymous readers.
    pub cache: Arc<cache::PageCache>,
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebState").field("app", &self.app).field("settings", &self.settings).finish_non_exhaustive()
    }
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("city.html", include_str!("../templates/city.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("charts.html", include_str!("../templates/charts.html")),
    ("comparison.html", include_str!("../templates/comparison.html")),
    ("districts.html", include_str!("../templates/districts.html")),
    ("indicators.html", include_str!("../templates/indicators.html")),
    ("indicator.html", include_str!("../templates/indicator.html")),
    ("proposals.html", include_str!("../templates/proposals.html")),
    ("proposal.html", include_str!("../templates/proposal.html")),
    ("proposal_new.html", include_str!("../templates/proposal_new.html")),
    ("workspace.html", include_str!("../templates/workspace.html")),
    ("entry.html", include_str!("../templates/entry.html")),
    ("history.html", include_str!("../templates/history.html")),
    ("reporting.html", include_str!("../templates/reporting.html")),
    ("theme.html", include_str!("../templates/theme.html")),
    ("city_theme.html", include_str!("../templates/city_theme.html")),
    ("city_reporting.html", include_str!("../templates/city_reporting.html")),
    ("queue.html", include_str!("../templates/queue.html")),
    ("import_new.html", include_str!("../templates/import_new.html")),
    ("import.html", include_str!("../templates/import.html")),
    ("cycles.html", include_str!("../templates/cycles.html")),
    ("recommendations.html", include_str!("../templates/recommendations.html")),
    ("recommendation.html", include_str!("../templates/recommendation.html")),
    ("recommendation_new.html", include_str!("../templates/recommendation_new.html")),
    ("consultations.html", include_str!("../templates/consultations.html")),
    ("assessments.html", include_str!("../templates/assessments.html")),
    ("report.html", include_str!("../templates/report.html")),
    ("reports.html", include_str!("../templates/reports.html")),
    ("roadmap.html", include_str!("../templates/roadmap.html")),
    ("practices.html", include_str!("../templates/practices.html")),
    ("network_reports.html", include_str!("../templates/network_reports.html")),
    ("practice.html", include_str!("../templates/practice.html")),
    ("practice_new.html", include_str!("../templates/practice_new.html")),
    ("surveys.html", include_str!("../templates/surveys.html")),
    ("survey.html", include_str!("../templates/survey.html")),
    ("city_roadmap.html", include_str!("../templates/city_roadmap.html")),
    ("consultation.html", include_str!("../templates/consultation.html")),
    ("cycle.html", include_str!("../templates/cycle.html")),
    ("findings.html", include_str!("../templates/findings.html")),
    ("right.html", include_str!("../templates/right.html")),
    ("methods.html", include_str!("../templates/methods.html")),
    ("method.html", include_str!("../templates/method.html")),
    ("account.html", include_str!("../templates/account.html")),
    ("notice.html", include_str!("../templates/notice.html")),
    ("audit.html", include_str!("../templates/audit.html")),
];

const STYLE: &str = include_str!("../static/style.css");

/// A short fingerprint of the style sheet, so that its URL changes when it does.
fn style_version() -> String {
    let hash = STYLE.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    format!("{:08x}", hash >> 32)
}

fn build_templates(i18n: Arc<i18n::I18n>) -> anyhow::Result<minijinja::Environment<'static>> {
    let mut env = minijinja::Environment::new();
    // In debug builds (every test, the browser tests) printing or iterating a value that the
    // page's context lacks is an error, so that a misspelt key fails a test instead of showing
    // an empty cell; a release build shows nothing for it.
    if cfg!(debug_assertions) {
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    }
    for (name, source) in TEMPLATES {
        env.add_template(name, source).map_err(|e| anyhow::anyhow!("template {name}: {e}"))?;
    }
    env.add_function(
        "t",
        move |state: &minijinja::State, key: String, kwargs: minijinja::value::Kwargs| -> Result<String, minijinja::Error> {
            let lang = state.lookup("lang").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_else(|| "en".to_owned());
            let mut args = Vec::new();
            for name in kwargs.args() {
                let value: minijinja::Value = kwargs.get(name)?;
                let arg = match value.as_i64() {
                    Some(number) => i18n::Arg::Number(number as f64),
                    None => i18n::Arg::Text(value.to_string()),
                };
                args.push((name, arg));
            }
            Ok(i18n.message(&lang, &key, &args))
        },
    );
    Ok(env)
}

impl WebState {
    pub fn new(app: App, settings: WebSettings) -> anyhow::Result<Self> {
        let i18n = Arc::new(i18n::I18n::load()?);
        let templates = Arc::new(build_templates(i18n.clone())?);
        let cache = Arc::new(cache::PageCache::new(settings.page_cache));
        Ok(Self { app, i18n, templates, settings: Arc::new(settings), jobs: Arc::default(), cache })
    }

    /// Renders a page: the template gets the request's common values and `page`.
    pub fn render(&self, template: &str, ctx: &context::Ctx, page: serde_json::Value) -> Result<String, WebError> {
        let user = ctx.actor.user().map(|u| u.display_name.clone());
        let manages = ctx.actor.memberships().iter().any(|m| {
            matches!(m.role, rightsmon_domain::access::Role::CityCoordinator | rightsmon_domain::access::Role::NetworkCoordinator)
        });
        let network = ctx.actor.may(rightsmon_domain::access::Permission::ManageNetwork);
        let languages: Vec<serde_json::Value> =
            i18n::LANGUAGES.iter().map(|(code, name, _)| serde_json::json!({"code": code, "name": name})).collect();
        let context = serde_json::json!({
            "lang": ctx.lang,
            "languages": languages,
            "user": user,
            "manages": manages,
            "network": network,
            "csrf": ctx.csrf,
            "demo": self.settings.demo_mode,
            "path": ctx.path,
            "style_version": style_version(),
            "content_status": rightsmon_app::translations::translations().review(&ctx.lang).map(|r| r.as_str()),
            "page": page,
        });
        let template = self.templates.get_template(template).map_err(|e| WebError::App(AppError::Internal(anyhow::anyhow!("{e}"))))?;
        template
            .render(minijinja::Value::from(minijinja::value::Serde(context)))
            .map_err(|e| WebError::App(AppError::Internal(anyhow::anyhow!("rendering {}: {e:#}", template.name()))))
    }
}

/// Every route with its access rule.
pub fn routes() -> Routes {
    Routes::new()
        .route("/", "GET", Access::Public, get(pages::home))
        .route("/cities/{code}", "GET", Access::Public, get(pages::city))
        .route("/cities/{code}/indicators/{indicator}", "GET", Access::Public, get(portal::indicator_page))
        .route("/cities/{code}/indicators/{indicator}/values.csv", "GET", Access::Public, get(portal::values_csv))
        .route("/cities/{code}/indicators/{indicator}/shadow-values", "POST", Access::SignedIn, post(portal::file_shadow))
        .route("/shadow-values/{id}/reply", "POST", Access::SignedIn, post(portal::reply_to_shadow))
        .route("/values/{id}", "GET", Access::Public, get(portal::history_page))
        .route("/reporting", "GET", Access::Public, get(reporting::network_page))
        .route("/themes/{code}", "GET", Access::Public, get(pages::theme))
        .route("/cities/{code}/themes/{theme}", "GET", Access::Public, get(pages::city_theme))
        .route("/cities/{code}/values.csv", "GET", Access::Public, get(portal::city_csv))
        .route("/cities/{code}/values.xlsx", "GET", Access::Public, get(portal::city_xlsx))
        .route("/cities/{code}/reporting", "GET", Access::Public, get(reporting::city_page))
        .route("/rights/{code}", "GET", Access::Public, get(findings::right_page))
        .route("/methods", "GET", Access::Public, get(findings::methods_page))
        .route("/methods/{name}", "GET", Access::Public, get(findings::method_page))
        .route("/api/v1/cities/{code}/findings", "GET", Access::Public, get(findings::api_city))
        .route("/api/v1/cities/{code}/indicators/{indicator}/findings", "GET", Access::Public, get(findings::api_indicator))
        .route("/api/v1/rights/{code}/findings", "GET", Access::Public, get(findings::api_right))
        .route("/api/v1/methods", "GET", Access::Public, get(findings::api_methods))
        .route("/api/v1/indicators/{code}/comparison", "GET", Access::Public, get(findings::api_comparison))
        .route("/login", "GET, POST", Access::Public, get(pages::login_form).post(pages::login))
        .route("/logout", "POST", Access::SignedIn, post(pages::logout))
        .route("/account", "GET", Access::SignedIn, get(account::show))
        .route("/account/password", "POST", Access::SignedIn, post(account::change_password))
        .route("/account/reminders", "POST", Access::SignedIn, post(account::reminder_choices))
        .route("/workspace/reminders/read", "POST", Access::SignedIn, post(workspace::reminders_read))
        .route("/account/data", "GET", Access::SignedIn, get(account::data))
        .route("/account/erasure", "POST", Access::SignedIn, post(account::erase))
        .route("/workspace/audit", "GET", Access::NetworkCoordinator, get(audit::page))
        .route("/workspace", "GET", Access::SignedIn, get(workspace::tasks))
        .route("/workspace/values/new", "GET", Access::SignedIn, get(workspace::entry_form))
        .route("/workspace/values", "POST", Access::SignedIn, post(workspace::enter))
        .route("/workspace/queue", "GET, POST", Access::SignedIn, get(workspace::queue).post(workspace::review))
        .route("/workspace/imports/new", "GET", Access::SignedIn, get(imports::new_form))
        .route("/workspace/imports", "POST", Access::SignedIn, post(imports::upload))
        .route("/workspace/imports/{id}", "GET", Access::SignedIn, get(imports::show))
        .route("/workspace/cycles", "GET, POST", Access::SignedIn, get(cycles::list).post(cycles::create))
        .route("/workspace/districts", "GET, POST", Access::SignedIn, get(maps::districts_page).post(maps::upload_districts))
        .route("/workspace/cycles/{id}", "GET", Access::SignedIn, get(cycles::show))
        .route("/workspace/cycles/{id}/assignments", "POST", Access::SignedIn, post(cycles::assign))
        .route("/workspace/cycles/{id}/organisations", "POST", Access::SignedIn, post(cycles::add_organisation))
        .route("/workspace/cycles/{id}/template", "GET", Access::SignedIn, get(imports::template))
        .route("/api/v1/imports/{id}", "GET", Access::SignedIn, get(imports::status))
        .route("/static/import.js", "GET", Access::Public, get(imports::script))
        .route("/indicators", "GET", Access::Public, get(catalogue::list))
        .route("/indicators/{code}", "GET", Access::Public, get(catalogue::show))
        .route("/indicators/{code}/comparison", "GET", Access::Public, get(portal::comparison_page))
        .route("/proposals", "GET", Access::Public, get(codesign::list))
        .route("/proposals", "POST", Access::SignedIn, post(codesign::create))
        .route("/proposals/new", "GET", Access::SignedIn, get(codesign::new_form))
        .route("/proposals/{id}", "GET", Access::Public, get(codesign::show))
        .route("/proposals/{id}/comments", "POST", Access::SignedIn, post(codesign::comment))
        .route("/proposals/{id}/endorsements", "POST", Access::SignedIn, post(codesign::endorse))
        .route("/proposals/{id}/objections", "POST", Access::SignedIn, post(codesign::object))
        .route("/proposals/{id}/decision", "POST", Access::SignedIn, post(codesign::decide))
        .route("/proposals/{id}/withdrawal", "POST", Access::SignedIn, post(codesign::withdraw))
        .route("/static/style.css", "GET", Access::Public, get(style))
        .route("/healthz", "GET", Access::Public, get(api::health))
        .route("/api/v1/cities", "GET", Access::Public, get(api::list_cities))
        .route("/api/v1/cities/{code}", "GET", Access::Public, get(api::get_city))
        .route("/api/v1/themes", "GET", Access::Public, get(api::list_themes))
        .route("/api/v1/rights", "GET", Access::Public, get(api::list_rights))
        .route("/api/v1/indicators", "GET", Access::Public, get(api::list_indicators))
        .route("/api/v1/indicators/{code}", "GET", Access::Public, get(api::get_indicator))
        .route("/api/v1/framework", "GET", Access::Public, get(api::export_framework))
        .route("/api/v1/proposals", "GET", Access::Public, get(api::list_proposals))
        .route("/api/v1/proposals/{id}", "GET", Access::Public, get(api::get_proposal))
        .route("/api/v1/cities/{code}/adoptions", "GET", Access::Public, get(api::city_adoptions))
        .route("/api/v1/cities/{code}/cycles", "GET", Access::Public, get(api::city_cycles))
        .route("/api/v1/cycles/{id}/completeness", "GET", Access::SignedIn, get(api::cycle_completeness))
        .route("/api/v1/me/tasks", "GET", Access::SignedIn, get(api::my_tasks))
        .route("/api/v1/observations", "GET", Access::Public, get(api::list_observations))
        .route("/api/v1/observations/{id}", "GET", Access::Public, get(api::get_observation))
        .route("/api/v1/observations/{id}/history", "GET", Access::Public, get(api::observation_history))
        .route("/api/v1/series", "GET", Access::Public, get(api::series))
        .route("/api/v1/shadow-values", "GET", Access::Public, get(api::shadow_values))
        .route("/recommendations", "GET", Access::Public, get(accountability::tracker))
        .route("/recommendations", "POST", Access::SignedIn, post(accountability::create))
        .route("/recommendations/new", "GET", Access::SignedIn, get(accountability::new_form))
        .route("/recommendations/{id}", "GET", Access::Public, get(accountability::show))
        .route("/recommendations/{id}/response", "POST", Access::SignedIn, post(accountability::respond))
        .route("/recommendations/{id}/actions", "POST", Access::SignedIn, post(accountability::add_action))
        .route("/actions/{id}/updates", "POST", Access::SignedIn, post(accountability::update_action))
        .route("/cities/{code}/consultations", "GET", Access::Public, get(accountability::city_consultations))
        .route("/cities/{code}/consultations", "POST", Access::SignedIn, post(accountability::record_consultation))
        .route("/consultations/{id}", "GET", Access::Public, get(accountability::consultation))
        .route("/cities/{code}/assessments", "GET", Access::Public, get(assessments::board))
        .route("/cities/{code}/assessments", "POST", Access::SignedIn, post(assessments::assess))
        .route("/api/v1/cycles/{id}/assessments", "GET", Access::Public, get(assessments::api_board))
        .route("/api/v1/cycles/{id}/assessments", "POST", Access::SignedIn, post(assessments::api_assess))
        .route("/cities/{code}/reports", "GET", Access::Public, get(reports::list))
        .route("/cities/{code}/reports", "POST", Access::SignedIn, post(reports::issue))
        .route("/reports/{id}", "GET", Access::Public, get(reports::page))
        .route("/reports/{id}/report.pdf", "GET", Access::Public, get(reports::pdf))
        .route("/reports/{id}/report.xlsx", "GET", Access::Public, get(reports::xlsx))
        .route("/api/v1/reports/{id}", "GET", Access::Public, get(reports::api_report))
        .route("/network/reports", "GET", Access::Public, get(network_reports::list))
        .route("/network/reports", "POST", Access::NetworkCoordinator, post(network_reports::issue))
        .route("/network/reports/{id}", "GET", Access::Public, get(network_reports::page))
        .route("/network/reports/{id}/report.pdf", "GET", Access::Public, get(network_reports::pdf))
        .route("/network/reports/{id}/report.xlsx", "GET", Access::Public, get(network_reports::xlsx))
        .route("/api/v1/network/reports/{id}", "GET", Access::Public, get(network_reports::api))
        .route("/roadmap", "GET", Access::Public, get(roadmap::network))
        .route("/roadmap/steps", "POST", Access::NetworkCoordinator, post(roadmap::add_step))
        .route("/cities/{code}/roadmap", "GET", Access::Public, get(roadmap::city))
        .route("/cities/{code}/roadmap", "POST", Access::SignedIn, post(roadmap::record))
        .route("/cities/{code}/roadmap/{step}/removal", "POST", Access::SignedIn, post(roadmap::remove))
        .route("/api/v1/roadmap", "GET", Access::Public, get(roadmap::api))
        .route("/practices", "GET", Access::Public, get(practices::library))
        .route("/practices", "POST", Access::SignedIn, post(practices::create))
        .route("/practices/new", "GET", Access::SignedIn, get(practices::new_form))
        .route("/practices/{id}", "GET", Access::Public, get(practices::show))
        .route("/practices/{id}/translations", "POST", Access::SignedIn, post(practices::translate))
        .route("/api/v1/practices", "GET", Access::Public, get(practices::api_library))
        .route("/api/v1/practices/{id}", "GET", Access::Public, get(practices::api_practice))
        .route("/api/v1/recommendations", "GET", Access::Public, get(accountability::api_tracker))
        .route("/api/v1/recommendations/{id}", "GET", Access::Public, get(accountability::api_recommendation))
        .route("/api/v1/consultations/{id}", "GET", Access::Public, get(accountability::api_consultation))
        .route("/cities/{code}/surveys", "GET", Access::SignedIn, get(surveys::city))
        .route("/cities/{code}/surveys", "POST", Access::SignedIn, post(surveys::upload))
        .route("/surveys/{id}", "GET", Access::SignedIn, get(surveys::show))
        .route("/surveys/{id}/microdata-deletion", "POST", Access::SignedIn, post(surveys::delete_microdata))
        .route("/surveys/{id}/submission", "POST", Access::SignedIn, post(surveys::submit_values))
        .route("/api/v1/cities/{code}/surveys", "GET", Access::SignedIn, get(surveys::api_city_surveys))
        .route("/api/v1/surveys/{id}", "GET", Access::SignedIn, get(surveys::api_survey))
        .route("/api/v1/surveys/{id}/microdata-deletion", "POST", Access::SignedIn, post(surveys::api_delete_microdata))
        .route("/api/v1/surveys/{id}/submission", "POST", Access::SignedIn, post(surveys::api_submit_values))
}

/// The route table, for documentation and tests.
pub fn route_table() -> Vec<RouteRule> {
    routes().into_parts().1
}

async fn style() -> impl axum::response::IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], STYLE)
}

/// The answer to a form that worked: 303 See Other to the page that shows its result, so that
/// reloading that page does not send the form again.
pub(crate) fn see_other(location: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut response = axum::response::Redirect::to(location).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response
}

async fn not_found() -> WebError {
    WebError::App(AppError::NotFound)
}

/// One structured log line per request: method, route, status and time taken.
async fn log_request(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let route =
        request.extensions().get::<axum::extract::MatchedPath>().map_or_else(|| "(unmatched)".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(%method, route, status, elapsed_ms, "request");
    } else {
        tracing::info!(%method, route, status, elapsed_ms, "request");
    }
    response
}

/// The whole application as a router, with its layers.
pub fn router(state: WebState) -> Router {
    let (routes, _) = routes().into_parts();
    let timeout = state.settings.request_timeout;
    let body_limit = state.settings.body_limit;
    let upload_limit = state.settings.upload_limit.max(body_limit);
    // Bodies are read whole up to `body_limit` (the context layer does that to check the CSRF
    // token), except uploads, which are streamed up to `upload_limit`.
    routes
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), cache::cache_layer))
        .layer(axum::middleware::from_fn_with_state(state.clone(), context::context_layer))
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(upload_limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(axum::middleware::from_fn(log_request))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .with_state(state)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: WebState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let removed = imports::clean_uploads(&imports::upload_dir());
    if removed > 0 {
        tracing::info!(removed, "removed uploads left behind by processes that ended");
    }
    let service = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}
