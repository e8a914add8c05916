//! The access matrix: every route of the application (pages and API, downloads, uploads), called
//! by every role (anonymous, viewer, civil-society member, data editor, city coordinator,
//! network coordinator) on its own city's data and on another city's, each answer checked
//! against the table declared below. A route added without an entry in the table fails the test,
//! and so does an entry for a route that no longer exists.
//!
//! Requests that change something are sent so that they reach the route's rules but change
//! nothing for good (a form without its fields, an upload without a file): what is checked is
//! who gets through, not what the use case then does with the input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rightsmon_app::demo::DEMO_PASSWORD;
use rightsmon_domain::observation::WorkflowState;
use rightsmon_store::{ObservationQuery, Visibility};
use support::{Reply, TestApp, test_app};

/// The roles, in the order of every row of the table.
const ROLES: [(&str, Option<&str>); 6] = [
    ("anonymous", None),
    ("viewer", Some("ghent-viewer")),
    ("civil society", Some("ghent-cso")),
    ("data editor", Some("ghent-editor")),
    ("city coordinator", Some("ghent-coordinator")),
    ("network coordinator", Some("coordinator")),
];

/// What an answer may be: `A` allowed (a 2xx or 3xx, or 400/409/422 from a handler that was
/// reached and refused the empty input), `U` 401 sign in first, `F` 403 forbidden, `N` 404 not
/// found (what a reader who may not see a thing gets, so that its existence does not leak).
fn matches(expected: char, status: StatusCode) -> bool {
    match expected {
        'A' => {
            status.is_success()
                || status.is_redirection()
                || matches!(status, StatusCode::BAD_REQUEST | StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY)
        }
        'U' => status == StatusCode::UNAUTHORIZED,
        'F' => status == StatusCode::FORBIDDEN,
        'N' => status == StatusCode::NOT_FOUND,
        other => panic!("unknown outcome {other}"),
    }
}

/// The things of each city the requests are about.
struct Fixture {
    /// An unpublished value, a reporting cycle, a proposal, each of (Ghent, Padova).
    value: (i64, i64),
    published: (i64, i64),
    cycle: (i64, i64),
    proposal: (i64, i64),
    /// A civil-society value of each city that has no reply yet.
    shadow: (i64, i64),
    /// An unpublished recommendation of each city, an action of it, and a consultation.
    recommendation: (i64, i64),
    action: (i64, i64),
    consultation: (i64, i64),
    /// An issued report of each city's cycle.
    report: (i64, i64),
    /// A practice of each city.
    practice: (i64, i64),
    /// A survey wave of each city, its respondents' answers marked with [`ANSWER_MARK`].
    survey: (i64, i64),
}

/// What every respondent's free-text answer and identifier in the fixture's surveys carry: no
/// answer of any route may hold it.
const ANSWER_MARK: &str = "RESPONDENT-ANSWER-7731";

/// A request of the table, about Ghent (the roles' own city) or Padova (another).
#[derive(Debug, Clone)]
enum Call {
    Get(String),
    /// A form post with the CSRF token and these fields.
    Post(String, Vec<(&'static str, String)>),
    /// A multipart upload without a file, its token in the query.
    Upload(String, Vec<(&'static str, String)>),
    /// A JSON body, the token in the `X-CSRF-Token` header.
    Json(String, serde_json::Value),
}

struct Entry {
    method: &'static str,
    route: &'static str,
    call: fn(&Fixture, bool) -> Call,
    /// The outcome for each role on its own city, then on another city.
    own: &'static str,
    other: &'static str,
}

fn city(own: bool) -> &'static str {
    if own { "ghent" } else { "padova" }
}

fn pick(pair: (i64, i64), own: bool) -> i64 {
    if own { pair.0 } else { pair.1 }
}

fn get(path: impl Into<String>) -> Call {
    Call::Get(path.into())
}

fn post(path: impl Into<String>) -> Call {
    Call::Post(path.into(), Vec::new())
}

/// Every route and method with who may do what. Columns: anonymous, viewer, civil society,
/// data editor, city coordinator, network coordinator.
const TABLE: &[Entry] = &[
    // Public pages and downloads: published data, for everyone.
    Entry { method: "GET", route: "/", call: |_, _| get("/"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/cities/{code}", call: |_, o| get(format!("/cities/{}", city(o))), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/cities/{code}/indicators/{indicator}",
        call: |_, o| get(format!("/cities/{}/indicators/RM-HOU-01", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/cities/{code}/indicators/{indicator}/values.csv",
        call: |_, o| get(format!("/cities/{}/indicators/RM-HOU-01/values.csv", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry { method: "GET", route: "/reporting", call: |_, _| get("/reporting"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/cities/{code}/reporting",
        call: |_, o| get(format!("/cities/{}/reporting", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry { method: "GET", route: "/themes/{code}", call: |_, _| get("/themes/NON_DISCRIMINATION"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/cities/{code}/themes/{theme}",
        call: |_, o| get(format!("/cities/{}/themes/NON_DISCRIMINATION", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/cities/{code}/values.csv",
        call: |_, o| get(format!("/cities/{}/values.csv", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/cities/{code}/values.xlsx",
        call: |_, o| get(format!("/cities/{}/values.xlsx", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    // Civil society files its own values beside the official ones; the city replies once.
    Entry {
        method: "POST",
        route: "/cities/{code}/indicators/{indicator}/shadow-values",
        call: |_, o| post(format!("/cities/{}/indicators/RM-HOU-01/shadow-values", city(o))),
        own: "UFAFAA",
        other: "UFFFFA",
    },
    Entry {
        method: "POST",
        route: "/shadow-values/{id}/reply",
        call: |f, o| post(format!("/shadow-values/{}/reply", pick(f.shadow, o))),
        own: "UFFFAA",
        other: "UFFFFA",
    },
    Entry { method: "GET", route: "/rights/{code}", call: |_, _| get("/rights/CFR-34"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/methods", call: |_, _| get("/methods"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/methods/{name}", call: |_, _| get("/methods/open-sdg-cagr-score"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/indicators", call: |_, _| get("/indicators"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/indicators/{code}", call: |_, _| get("/indicators/RM-HOU-01"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/indicators/{code}/comparison",
        call: |_, _| get("/indicators/RM-HOU-01/comparison"),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry { method: "GET", route: "/proposals", call: |_, _| get("/proposals"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/proposals/{id}",
        call: |f, o| get(format!("/proposals/{}", pick(f.proposal, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry { method: "GET", route: "/static/style.css", call: |_, _| get("/static/style.css"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/static/import.js", call: |_, _| get("/static/import.js"), own: "AAAAAA", other: "AAAAAA" },
    // Signing in and out, and one's own account.
    Entry { method: "GET", route: "/login", call: |_, _| get("/login"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "POST",
        route: "/login",
        call: |_, _| Call::Post("/login".into(), vec![("username", "ghent-viewer".into()), ("password", DEMO_PASSWORD.into())]),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry { method: "POST", route: "/logout", call: |_, _| post("/logout"), own: "UAAAAA", other: "UAAAAA" },
    Entry { method: "GET", route: "/account", call: |_, _| get("/account"), own: "UAAAAA", other: "UAAAAA" },
    Entry { method: "POST", route: "/account/password", call: |_, _| post("/account/password"), own: "UAAAAA", other: "UAAAAA" },
    Entry { method: "GET", route: "/account/data", call: |_, _| get("/account/data"), own: "UAAAAA", other: "UAAAAA" },
    Entry { method: "POST", route: "/account/erasure", call: |_, _| post("/account/erasure"), own: "UAAAAA", other: "UAAAAA" },
    // The workspace: signed in; what one sees and may do there depends on one's city and role.
    Entry { method: "GET", route: "/workspace", call: |_, _| get("/workspace"), own: "UAAAAA", other: "UAAAAA" },
    Entry {
        method: "GET",
        route: "/workspace/values/new",
        call: |_, o| get(format!("/workspace/values/new?indicator=RM-HOU-01&area={}", city(o))),
        own: "UFFAAA",
        // Only a form: which areas it takes is the entry's to check.
        other: "UFFAAA",
    },
    Entry {
        method: "POST",
        route: "/workspace/values",
        call: |_, o| {
            let fields =
                vec![("indicator", "RM-HOU-01".into()), ("area", city(o).into()), ("period", "2031".into()), ("value.", "12".into())];
            Call::Post("/workspace/values".into(), fields)
        },
        own: "UFFAAA",
        other: "UFFFFA",
    },
    Entry { method: "GET", route: "/workspace/queue", call: |_, _| get("/workspace/queue"), own: "UAAAAA", other: "UAAAAA" },
    Entry {
        method: "POST",
        route: "/workspace/queue",
        call: |f, o| Call::Post("/workspace/queue".into(), vec![("ids", pick(f.value, o).to_string()), ("action", "validate".into())]),
        own: "UAAAAA",
        other: "UAAAAA",
    },
    Entry { method: "GET", route: "/workspace/imports/new", call: |_, _| get("/workspace/imports/new"), own: "UAAAAA", other: "UAAAAA" },
    Entry {
        method: "POST",
        route: "/workspace/imports",
        call: |_, o| Call::Upload("/workspace/imports".into(), vec![("format", "open-sdg".into()), ("city", city(o).into())]),
        own: "UFFAAA",
        other: "UFFAAA",
    },
    Entry {
        method: "GET",
        route: "/workspace/imports/{id}",
        call: |_, _| get(format!("/workspace/imports/{}", "0".repeat(64))),
        own: "UNNNNN",
        other: "UNNNNN",
    },
    Entry {
        method: "GET",
        route: "/api/v1/imports/{id}",
        call: |_, _| get(format!("/api/v1/imports/{}", "0".repeat(64))),
        own: "UNNNNN",
        other: "UNNNNN",
    },
    Entry { method: "GET", route: "/workspace/cycles", call: |_, _| get("/workspace/cycles"), own: "UAAAAA", other: "UAAAAA" },
    Entry {
        method: "POST",
        route: "/workspace/cycles",
        call: |_, o| {
            let fields =
                vec![("city", city(o).into()), ("name", "Matrix".into()), ("period", "2025".into()), ("deadline", "2026-03-31".into())];
            Call::Post("/workspace/cycles".into(), fields)
        },
        own: "UFFFAA",
        other: "UFFFFA",
    },
    Entry {
        method: "GET",
        route: "/workspace/cycles/{id}",
        call: |f, o| get(format!("/workspace/cycles/{}", pick(f.cycle, o))),
        own: "UAAAAA",
        other: "UNNNNA",
    },
    Entry {
        method: "POST",
        route: "/workspace/cycles/{id}/assignments",
        call: |f, o| post(format!("/workspace/cycles/{}/assignments", pick(f.cycle, o))),
        own: "UFFFAA",
        other: "UNNNNA",
    },
    Entry {
        method: "POST",
        route: "/workspace/cycles/{id}/organisations",
        call: |f, o| post(format!("/workspace/cycles/{}/organisations", pick(f.cycle, o))),
        own: "UFFFAA",
        other: "UNNNNA",
    },
    Entry {
        method: "GET",
        route: "/workspace/cycles/{id}/template",
        call: |f, o| get(format!("/workspace/cycles/{}/template", pick(f.cycle, o))),
        own: "UFFAAA",
        other: "UNNNNA",
    },
    Entry {
        method: "GET",
        route: "/workspace/districts",
        call: |_, o| get(format!("/workspace/districts?city={}", city(o))),
        own: "UFFFAA",
        other: "UFFFAA",
    },
    Entry {
        method: "POST",
        route: "/workspace/districts",
        call: |_, o| Call::Upload("/workspace/districts".into(), vec![("city", city(o).into())]),
        own: "UFFFAA",
        other: "UFFFAA",
    },
    Entry { method: "GET", route: "/workspace/audit", call: |_, _| get("/workspace/audit"), own: "UFFFFA", other: "UFFFFA" },
    // Co-design: reading is public; taking part depends on the proposal's city and one's role.
    Entry { method: "GET", route: "/proposals/new", call: |_, _| get("/proposals/new"), own: "UAAAAA", other: "UAAAAA" },
    Entry { method: "POST", route: "/proposals", call: |_, _| post("/proposals"), own: "UAAAAA", other: "UAAAAA" },
    // The accountability loop: a city's working group recommends and records consultations; only
    // its coordinators respond and manage actions; drafts stay in their city.
    Entry { method: "GET", route: "/recommendations", call: |_, _| get("/recommendations"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/recommendations/new", call: |_, _| get("/recommendations/new"), own: "UAAAAA", other: "UAAAAA" },
    Entry {
        method: "GET",
        route: "/recommendations/{id}",
        call: |f, o| get(format!("/recommendations/{}", pick(f.recommendation, o))),
        own: "NAAAAA",
        other: "NNNNNA",
    },
    Entry {
        method: "POST",
        route: "/recommendations",
        call: |_, o| Call::Post("/recommendations".into(), vec![("city", city(o).into())]),
        own: "UFAFAA",
        other: "UFFFFA",
    },
    Entry {
        method: "POST",
        route: "/recommendations/{id}/response",
        call: |f, o| post(format!("/recommendations/{}/response", pick(f.recommendation, o))),
        own: "UFFFAA",
        other: "UNNNNA",
    },
    Entry {
        method: "POST",
        route: "/recommendations/{id}/actions",
        call: |f, o| post(format!("/recommendations/{}/actions", pick(f.recommendation, o))),
        own: "UFFFAA",
        other: "UNNNNA",
    },
    Entry {
        method: "POST",
        route: "/actions/{id}/updates",
        call: |f, o| post(format!("/actions/{}/updates", pick(f.action, o))),
        own: "UFFFAA",
        other: "UNNNNA",
    },
    Entry {
        method: "GET",
        route: "/cities/{code}/consultations",
        call: |_, o| get(format!("/cities/{}/consultations", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "POST",
        route: "/cities/{code}/consultations",
        call: |_, o| post(format!("/cities/{}/consultations", city(o))),
        own: "UFAFAA",
        other: "UFFFFA",
    },
    Entry {
        method: "GET",
        route: "/consultations/{id}",
        call: |f, o| get(format!("/consultations/{}", pick(f.consultation, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    // Two-sided assessments: everyone reads them; each side writes only its own (the empty side
    // a form sends is refused at its field for those who have one).
    Entry {
        method: "GET",
        route: "/cities/{code}/assessments",
        call: |_, o| get(format!("/cities/{}/assessments", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "POST",
        route: "/cities/{code}/assessments",
        call: |f, o| Call::Post(format!("/cities/{}/assessments", city(o)), vec![("cycle", pick(f.cycle, o).to_string())]),
        own: "UFAFAF",
        other: "UFFFFF",
    },
    Entry {
        method: "GET",
        route: "/api/v1/cycles/{id}/assessments",
        call: |f, o| get(format!("/api/v1/cycles/{}/assessments", pick(f.cycle, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "POST",
        route: "/api/v1/cycles/{id}/assessments",
        call: |f, o| Call::Json(format!("/api/v1/cycles/{}/assessments", pick(f.cycle, o)), serde_json::json!({})),
        own: "UFAFAF",
        other: "UFFFFF",
    },
    // Reminders: each person's own, for everyone signed in.
    Entry { method: "POST", route: "/account/reminders", call: |_, _| post("/account/reminders"), own: "UAAAAA", other: "UAAAAA" },
    Entry {
        method: "POST",
        route: "/workspace/reminders/read",
        call: |_, _| post("/workspace/reminders/read"),
        own: "UAAAAA",
        other: "UAAAAA",
    },
    // The road map: the network's coordinators keep its steps, a city's coordinators record its
    // milestones, everyone reads it (taking back a step never recorded is not found).
    Entry { method: "GET", route: "/roadmap", call: |_, _| get("/roadmap"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "POST", route: "/roadmap/steps", call: |_, _| post("/roadmap/steps"), own: "UFFFFA", other: "UFFFFA" },
    Entry {
        method: "GET",
        route: "/cities/{code}/roadmap",
        call: |_, o| get(format!("/cities/{}/roadmap", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "POST",
        route: "/cities/{code}/roadmap",
        call: |_, o| post(format!("/cities/{}/roadmap", city(o))),
        own: "UFFFAA",
        other: "UFFFFA",
    },
    Entry {
        method: "POST",
        route: "/cities/{code}/roadmap/{step}/removal",
        call: |_, o| post(format!("/cities/{}/roadmap/never-recorded/removal", city(o))),
        own: "UFFFNN",
        other: "UFFFFN",
    },
    Entry { method: "GET", route: "/api/v1/roadmap", call: |_, _| get("/api/v1/roadmap"), own: "AAAAAA", other: "AAAAAA" },
    // The good-practice library: read by everyone; a city's working group adds and translates
    // its city's practices (an empty form reaches the rules and is refused at its fields).
    Entry { method: "GET", route: "/practices", call: |_, _| get("/practices"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/practices/new", call: |_, _| get("/practices/new"), own: "UAAAAA", other: "UAAAAA" },
    Entry {
        method: "POST",
        route: "/practices",
        call: |_, o| Call::Post("/practices".into(), vec![("city", city(o).into())]),
        own: "UFAFAA",
        other: "UFFFFA",
    },
    Entry {
        method: "GET",
        route: "/practices/{id}",
        call: |f, o| get(format!("/practices/{}", pick(f.practice, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "POST",
        route: "/practices/{id}/translations",
        call: |f, o| post(format!("/practices/{}/translations", pick(f.practice, o))),
        own: "UFAFAA",
        other: "UFFFFA",
    },
    Entry { method: "GET", route: "/api/v1/practices", call: |_, _| get("/api/v1/practices"), own: "AAAAAA", other: "AAAAAA" },
    // Surveys of residents: read by those who see the city's work in progress, another city's
    // not even found; the city's data team uploads (an upload without a file is refused at its
    // fields); the city's coordinators delete the answers (a second deletion conflicts).
    Entry {
        method: "GET",
        route: "/cities/{code}/surveys",
        call: |_, o| get(format!("/cities/{}/surveys", city(o))),
        own: "UAAAAA",
        other: "UFFFFA",
    },
    Entry {
        method: "POST",
        route: "/cities/{code}/surveys",
        call: |_, o| Call::Upload(format!("/cities/{}/surveys", city(o)), vec![("title", "Matrix".into())]),
        own: "UFFAAA",
        other: "UFFFFA",
    },
    Entry {
        method: "GET",
        route: "/surveys/{id}",
        call: |f, o| get(format!("/surveys/{}", pick(f.survey, o))),
        own: "UAAAAA",
        other: "UNNNNA",
    },
    Entry {
        method: "POST",
        route: "/surveys/{id}/microdata-deletion",
        call: |f, o| post(format!("/surveys/{}/microdata-deletion", pick(f.survey, o))),
        own: "UFFFAA",
        other: "UNNNNA",
    },
    Entry {
        method: "POST",
        route: "/surveys/{id}/submission",
        call: |f, o| post(format!("/surveys/{}/submission", pick(f.survey, o))),
        own: "UFFAAA",
        other: "UNNNNA",
    },
    Entry {
        method: "POST",
        route: "/api/v1/surveys/{id}/submission",
        call: |f, o| Call::Json(format!("/api/v1/surveys/{}/submission", pick(f.survey, o)), serde_json::json!({})),
        own: "UFFAAA",
        other: "UNNNNA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/cities/{code}/surveys",
        call: |_, o| get(format!("/api/v1/cities/{}/surveys", city(o))),
        own: "UAAAAA",
        other: "UFFFFA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/surveys/{id}",
        call: |f, o| get(format!("/api/v1/surveys/{}", pick(f.survey, o))),
        own: "UAAAAA",
        other: "UNNNNA",
    },
    Entry {
        method: "POST",
        route: "/api/v1/surveys/{id}/microdata-deletion",
        call: |f, o| Call::Json(format!("/api/v1/surveys/{}/microdata-deletion", pick(f.survey, o)), serde_json::json!({})),
        own: "UFFFAA",
        other: "UNNNNA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/practices/{id}",
        call: |f, o| get(format!("/api/v1/practices/{}", pick(f.practice, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    // Reports: issued by a city's coordinators (and the network's), read by everyone.
    Entry {
        method: "GET",
        route: "/cities/{code}/reports",
        call: |_, o| get(format!("/cities/{}/reports", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "POST",
        route: "/cities/{code}/reports",
        call: |_, o| post(format!("/cities/{}/reports", city(o))),
        own: "UFFFAA",
        other: "UFFFFA",
    },
    Entry {
        method: "GET",
        route: "/reports/{id}",
        call: |f, o| get(format!("/reports/{}", pick(f.report, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/reports/{id}/report.pdf",
        call: |f, o| get(format!("/reports/{}/report.pdf", pick(f.report, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/reports/{id}/report.xlsx",
        call: |f, o| get(format!("/reports/{}/report.xlsx", pick(f.report, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/reports/{id}",
        call: |f, o| get(format!("/api/v1/reports/{}", pick(f.report, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    // The network's reports: issued by its coordinators, read by everyone.
    Entry { method: "GET", route: "/network/reports", call: |_, _| get("/network/reports"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "POST", route: "/network/reports", call: |_, _| post("/network/reports"), own: "UFFFFA", other: "UFFFFA" },
    Entry { method: "GET", route: "/network/reports/{id}", call: |_, _| get("/network/reports/1"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/network/reports/{id}/report.pdf",
        call: |_, _| get("/network/reports/1/report.pdf"),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/network/reports/{id}/report.xlsx",
        call: |_, _| get("/network/reports/1/report.xlsx"),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/network/reports/{id}",
        call: |_, _| get("/api/v1/network/reports/1"),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry { method: "GET", route: "/api/v1/recommendations", call: |_, _| get("/api/v1/recommendations"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/api/v1/recommendations/{id}",
        call: |f, o| get(format!("/api/v1/recommendations/{}", pick(f.recommendation, o))),
        own: "NAAAAA",
        other: "NNNNNA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/consultations/{id}",
        call: |f, o| get(format!("/api/v1/consultations/{}", pick(f.consultation, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "POST",
        route: "/proposals/{id}/comments",
        call: |f, o| post(format!("/proposals/{}/comments", pick(f.proposal, o))),
        own: "UFAAAA",
        other: "UFFFFA",
    },
    Entry {
        method: "POST",
        route: "/proposals/{id}/endorsements",
        call: |f, o| post(format!("/proposals/{}/endorsements", pick(f.proposal, o))),
        // A city's working group endorses; the network coordinator does not.
        own: "UFAAAF",
        other: "UFFFFF",
    },
    Entry {
        method: "POST",
        route: "/proposals/{id}/objections",
        call: |f, o| post(format!("/proposals/{}/objections", pick(f.proposal, o))),
        own: "UFAFFF",
        other: "UFFFFF",
    },
    Entry {
        method: "POST",
        route: "/proposals/{id}/decision",
        call: |f, o| post(format!("/proposals/{}/decision", pick(f.proposal, o))),
        own: "UFFFAA",
        other: "UFFFFA",
    },
    Entry {
        method: "POST",
        route: "/proposals/{id}/withdrawal",
        call: |f, o| post(format!("/proposals/{}/withdrawal", pick(f.proposal, o))),
        // Its author (Ghent's editor; in Padova the network coordinator) or a coordinator.
        own: "UFFAAA",
        other: "UFFFFA",
    },
    // The API: public reads filtered by who asks; unpublished values stay in their city.
    Entry { method: "GET", route: "/healthz", call: |_, _| get("/healthz"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/api/v1/cities", call: |_, _| get("/api/v1/cities"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/api/v1/cities/{code}",
        call: |_, o| get(format!("/api/v1/cities/{}", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/cities/{code}/findings",
        call: |_, o| get(format!("/api/v1/cities/{}/findings", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/cities/{code}/indicators/{indicator}/findings",
        call: |_, o| get(format!("/api/v1/cities/{}/indicators/RM-HOU-01/findings", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/rights/{code}/findings",
        call: |_, _| get("/api/v1/rights/CFR-34/findings"),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry { method: "GET", route: "/api/v1/methods", call: |_, _| get("/api/v1/methods"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/api/v1/indicators/{code}/comparison",
        call: |_, _| get("/api/v1/indicators/RM-HOU-01/comparison"),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry { method: "GET", route: "/api/v1/themes", call: |_, _| get("/api/v1/themes"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/api/v1/rights", call: |_, _| get("/api/v1/rights"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/api/v1/indicators", call: |_, _| get("/api/v1/indicators"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/api/v1/indicators/{code}",
        call: |_, _| get("/api/v1/indicators/RM-HOU-01"),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry { method: "GET", route: "/api/v1/framework", call: |_, _| get("/api/v1/framework"), own: "AAAAAA", other: "AAAAAA" },
    Entry { method: "GET", route: "/api/v1/proposals", call: |_, _| get("/api/v1/proposals"), own: "AAAAAA", other: "AAAAAA" },
    Entry {
        method: "GET",
        route: "/api/v1/proposals/{id}",
        call: |f, o| get(format!("/api/v1/proposals/{}", pick(f.proposal, o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/cities/{code}/adoptions",
        call: |_, o| get(format!("/api/v1/cities/{}/adoptions", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/cities/{code}/cycles",
        call: |_, o| get(format!("/api/v1/cities/{}/cycles", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/cycles/{id}/completeness",
        call: |f, o| get(format!("/api/v1/cycles/{}/completeness", pick(f.cycle, o))),
        own: "UAAAAA",
        other: "UNNNNA",
    },
    Entry { method: "GET", route: "/api/v1/me/tasks", call: |_, _| get("/api/v1/me/tasks"), own: "UAAAAA", other: "UAAAAA" },
    Entry {
        method: "GET",
        route: "/api/v1/observations",
        call: |_, o| get(format!("/api/v1/observations?area={}", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/observations/{id}",
        call: |f, o| get(format!("/api/v1/observations/{}", pick(f.value, o))),
        own: "NAAAAA",
        other: "NNNNNA",
    },
    Entry {
        method: "GET",
        route: "/values/{id}",
        call: |f, o| get(format!("/values/{}", pick(f.value, o))),
        own: "NAAAAA",
        other: "NNNNNA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/observations/{id}/history",
        call: |f, o| get(format!("/api/v1/observations/{}/history", pick(f.value, o))),
        own: "NAAAAA",
        other: "NNNNNA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/series",
        call: |_, o| get(format!("/api/v1/series?indicator=RM-HOU-01&area={}", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
    Entry {
        method: "GET",
        route: "/api/v1/shadow-values",
        call: |_, o| get(format!("/api/v1/shadow-values?indicator=RM-HOU-01&area={}", city(o))),
        own: "AAAAAA",
        other: "AAAAAA",
    },
];

async fn fixture(app: &TestApp) -> Fixture {
    let store = &app.app.store;
    let mut query = ObservationQuery::new(Visibility::All);
    let mut value = |city: &str, states: Vec<WorkflowState>| {
        query.area = Some(rightsmon_domain::id::AreaCode::parse(city).unwrap());
        query.states = states;
        let query = query.clone();
        async move { store.list_observations(&query).await.unwrap().items[0].id }
    };
    let unpublished = vec![WorkflowState::Draft, WorkflowState::Submitted, WorkflowState::Validated];
    let value_pair = (value("ghent", unpublished.clone()).await, value("padova", unpublished).await);
    let published = (value("ghent", vec![WorkflowState::Published]).await, value("padova", vec![WorkflowState::Published]).await);
    // Padova has no demo cycle or proposal of its own: the network coordinator opens them.
    let coordinator = app.app.actor_for_username("coordinator").await.unwrap();
    let ghent_cycle = app.app.cycles("ghent").await.unwrap()[0].id;
    let padova_cycle = app.app.create_cycle(&coordinator, "padova", "Matrix cycle", "2024", "2025-03-31").await.unwrap().id;
    let proposals = store.list_proposals(&rightsmon_store::ProposalQuery::default()).await.unwrap().items;
    let in_city = |code: &str| {
        proposals.iter().find(|p| {
            p.status == rightsmon_domain::codesign::ProposalStatus::Open
                && matches!(&p.proposal.scope, rightsmon_domain::access::Scope::City(c) if c.as_str() == code)
        })
    };
    let ghent_proposal = in_city("ghent").expect("the demo has an open proposal in Ghent").id;
    let padova_proposal = match in_city("padova") {
        Some(p) => p.id,
        None => {
            let padova = rightsmon_domain::id::AreaCode::parse("padova").unwrap();
            let change = rightsmon_domain::codesign::ProposalChange::Adoption {
                city: padova.clone(),
                adopt: vec![rightsmon_domain::id::IndicatorCode::parse("RM-HOU-01").unwrap()],
                leave_out: vec![],
            };
            let proposal = rightsmon_domain::codesign::NewProposal::new(
                rightsmon_domain::access::Scope::City(padova),
                "Adopt RM-HOU-01",
                "Matrix",
                change,
            )
            .unwrap();
            app.app.propose(&coordinator, proposal).await.unwrap().id
        }
    };
    let shadow = |city: &'static str| {
        let coordinator = coordinator.clone();
        async move {
            let draft = rightsmon_domain::observation::ShadowDraft {
                area: city.into(),
                period: "2030".into(),
                value: "10".into(),
                sources: "Matrix".into(),
                ..Default::default()
            };
            app.app.file_shadow_value(&coordinator, "RM-HOU-01", &draft, None).await.unwrap().id
        }
    };
    let shadow = (shadow("ghent").await, shadow("padova").await);
    let accountability = |city: &'static str| {
        let coordinator = coordinator.clone();
        async move {
            let consultation = rightsmon_domain::participation::ConsultationDraft {
                city: city.into(),
                title: "Matrix lab".into(),
                held_on: "2024-03-01".into(),
                format: "citizen_lab".into(),
                ..Default::default()
            };
            let consultation = app.app.record_consultation(&coordinator, &consultation).await.unwrap().id;
            let draft = rightsmon_domain::accountability::RecommendationDraft {
                city: city.into(),
                title: "Matrix recommendation".into(),
                source: "working_group".into(),
                source_reference: "https://example.org/matrix-report".into(),
                made_on: "2024-03-02".into(),
                rights: vec!["CFR-34".into()],
                consultation_id: Some(consultation),
                ..Default::default()
            };
            let recommendation = app.app.make_recommendation(&coordinator, &draft).await.unwrap().id;
            let action = rightsmon_domain::accountability::ActionDraft {
                title: "Matrix action".into(),
                responsible: "Matrix department".into(),
                ..Default::default()
            };
            let action = app.app.add_action(&coordinator, recommendation, &action).await.unwrap().id;
            (recommendation, action, consultation)
        }
    };
    let (ghent, padova) = (accountability("ghent").await, accountability("padova").await);
    let report = (
        app.app.issue_city_report(&coordinator, ghent_cycle).await.unwrap().id,
        app.app.issue_city_report(&coordinator, padova_cycle).await.unwrap().id,
    );
    let practice = |city: &'static str| {
        let coordinator = coordinator.clone();
        async move {
            let draft = rightsmon_domain::practice::PracticeDraft {
                city: city.into(),
                title: "Matrix practice".into(),
                summary: "What was done.".into(),
                themes: "HOUSING".into(),
                ..Default::default()
            };
            app.app.add_practice(&coordinator, &draft).await.unwrap().id
        }
    };
    let practice = (practice("ghent").await, practice("padova").await);
    let survey = |city: &'static str| {
        let coordinator = coordinator.clone();
        async move {
            let mut rows = String::from("id,w,sex,safe,comment\n");
            for i in 0..40 {
                rows.push_str(&format!(
                    "{ANSWER_MARK}-{i},{},{},{},{ANSWER_MARK} said {i}\n",
                    1 + i % 2,
                    if i % 3 == 0 { "M" } else { "F" },
                    i % 2
                ));
            }
            let draft = rightsmon_domain::survey::SurveyDraft {
                title: "Matrix survey".into(),
                period: "2026".into(),
                design: "weight = \"w\"\n[disclosure]\nmin_respondents = 5\n[[estimate]]\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"sex\"]\n".into(),
            };
            app.app.upload_survey(&coordinator, city, &draft, "answers.csv", rows.into_bytes()).await.unwrap().id
        }
    };
    let survey = (survey("ghent").await, survey("padova").await);
    Fixture {
        value: value_pair,
        published,
        cycle: (ghent_cycle, padova_cycle),
        proposal: (ghent_proposal, padova_proposal),
        shadow,
        recommendation: (ghent.0, padova.0),
        action: (ghent.1, padova.1),
        consultation: (ghent.2, padova.2),
        report,
        practice,
        survey,
    }
}

/// A signed-in (or anonymous) client: its session and CSRF cookies.
struct Client {
    session: Option<String>,
    csrf: String,
}

async fn client(app: &TestApp, username: Option<&str>) -> Client {
    let session = match username {
        Some(name) => Some(app.app.login(name, DEMO_PASSWORD, "matrix").await.unwrap().token),
        None => None,
    };
    Client { session, csrf: "ab".repeat(32) }
}

fn multipart(fields: &[(&'static str, String)]) -> (Vec<u8>, String) {
    let boundary = "matrixboundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

async fn send(app: &TestApp, client: &Client, call: &Call) -> Reply {
    let mut cookies = format!("rm_csrf={}", client.csrf);
    if let Some(session) = &client.session {
        cookies.push_str(&format!("; rm_session={session}"));
    }
    let builder = |method: &str, path: &str| {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::COOKIE, cookies.clone())
    };
    let request = match call {
        Call::Get(path) => builder("GET", path).body(Body::empty()).unwrap(),
        Call::Post(path, fields) => {
            let mut body = format!("csrf={}", client.csrf);
            for (name, value) in fields {
                body.push_str(&format!("&{name}={}", support::encode(value)));
            }
            builder("POST", path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body)).unwrap()
        }
        Call::Json(path, body) => builder("POST", path)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", client.csrf.clone())
            .body(Body::from(body.to_string()))
            .unwrap(),
        Call::Upload(path, fields) => {
            let (body, content_type) = multipart(fields);
            builder("POST", &format!("{path}?csrf={}", client.csrf))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap()
        }
    };
    app.send(request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_the_access_matrix_declares() {
    // Every route of the application has its entries, and every entry its route.
    let mut declared: Vec<(&str, &str)> = TABLE.iter().map(|e| (e.method, e.route)).collect();
    declared.sort();
    let mut routes: Vec<(&str, &str)> = Vec::new();
    for rule in rightsmon_web::route_table() {
        for method in rule.methods.split(", ") {
            routes.push((method, rule.path));
        }
    }
    routes.sort();
    let missing: Vec<_> = routes.iter().filter(|r| !declared.contains(r)).collect();
    assert!(missing.is_empty(), "routes without an entry in the access matrix: {missing:?}");
    let stale: Vec<_> = declared.iter().filter(|d| !routes.contains(d)).collect();
    assert!(stale.is_empty(), "entries of the access matrix without a route: {stale:?}");
    let mut seen = declared.clone();
    seen.dedup();
    assert_eq!(seen.len(), declared.len(), "a route has two entries");

    let app = test_app().await;
    let fixture = fixture(&app).await;
    let mut clients = Vec::new();
    for (_, username) in ROLES {
        clients.push(client(&app, username).await);
    }
    let mut wrong = Vec::new();
    for entry in TABLE {
        for (own, expected) in [(true, entry.own), (false, entry.other)] {
            assert_eq!(expected.len(), ROLES.len(), "{} {}", entry.method, entry.route);
            let call = (entry.call)(&fixture, own);
            for ((role, username), outcome) in ROLES.iter().zip(expected.chars()) {
                // Signing in again or out ends the session: those get one of their own.
                let fresh;
                let client = if entry.route == "/logout" || entry.route == "/login" {
                    fresh = client(&app, *username).await;
                    &fresh
                } else {
                    &clients[ROLES.iter().position(|(r, _)| r == role).unwrap()]
                };
                let reply = send(&app, client, &call).await;
                if !matches(outcome, reply.status) {
                    let city = if own { "own" } else { "other" };
                    wrong.push(format!("{} {:?} as {role} ({city} city): expected {outcome}, got {}", entry.method, call, reply.status));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} answers differ from the matrix:\n{}", wrong.len(), wrong.join("\n"));
    let _ = fixture.published;
}

/// No route gives out a respondent's answers: every route of the table, as every role, on both
/// cities, before and after the answers are deleted, and never the mark the answers carry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_route_gives_out_a_respondents_answers() {
    let app = test_app().await;
    let fixture = fixture(&app).await;
    let mut clients = Vec::new();
    for (_, username) in ROLES {
        clients.push(client(&app, username).await);
    }
    let mut seen = 0;
    for entry in TABLE.iter().filter(|e| e.method == "GET") {
        for own in [true, false] {
            let call = (entry.call)(&fixture, own);
            for client in &clients {
                let reply = send(&app, client, &call).await;
                assert!(!reply.body.contains(ANSWER_MARK), "{call:?} gives out a respondent's answer:\n{}", reply.body);
                seen += usize::from(reply.status.is_success());
            }
        }
    }
    assert!(seen > 200, "the routes answered: {seen}");
    // The survey itself is read, with its estimates, and without the answers.
    let coordinator = &clients[4];
    let survey = send(&app, coordinator, &get(format!("/api/v1/surveys/{}", fixture.survey.0))).await.json();
    assert_eq!(survey["respondents"], 40);
    assert!(survey["estimates"].as_array().is_some_and(|e| e.len() == 4), "{survey}");
    // Deleting the answers keeps the survey and its estimates.
    let deletion = Call::Json(format!("/api/v1/surveys/{}/microdata-deletion", fixture.survey.0), serde_json::json!({}));
    let deleted = send(&app, coordinator, &deletion).await.json();
    assert_eq!(deleted["estimates"], survey["estimates"]);
    assert!(deleted["microdata_deleted_at"].is_number(), "{deleted}");
    assert!(app.app.store.survey_microdata(fixture.survey.0).await.unwrap().is_none());
    let after = send(&app, coordinator, &get(format!("/api/v1/surveys/{}", fixture.survey.0))).await.json();
    assert_eq!(after["estimates"], survey["estimates"]);
}

/// Published values are the public's; the history of one shows its published versions only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_values_and_their_public_history_are_open_to_all() {
    let app = test_app().await;
    let fixture = fixture(&app).await;
    for (_, username) in ROLES {
        let client = client(&app, username).await;
        for own in [true, false] {
            let id = pick(fixture.published, own);
            let reply = send(&app, &client, &get(format!("/api/v1/observations/{id}"))).await;
            assert_eq!(reply.status, StatusCode::OK, "{username:?}");
            let history = send(&app, &client, &get(format!("/api/v1/observations/{id}/history"))).await.json();
            let outsider = username.is_none() || (!own && username != Some("coordinator"));
            for revision in history["items"].as_array().unwrap() {
                if outsider {
                    assert_eq!(revision["snapshot"]["state"], "published", "{username:?}: {revision}");
                    assert!(revision["user_id"].is_null(), "{username:?}: {revision}");
                }
            }
        }
    }
}
