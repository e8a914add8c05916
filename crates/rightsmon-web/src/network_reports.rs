//! The network's comparative reports: the list and the form with which the network's
//! coordinators issue one, and each report as a page, a PDF and a workbook, made from the same
//! sections as a city's report.

use crate::WebState;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use crate::i18n::Arg;
use crate::reports::{Issued, Section, Words, number, render_page, render_pdf, render_xlsx, table, text};
use crate::see_other;
use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::reports::NetworkReportView;
use rightsmon_domain::access::Permission;
use rightsmon_domain::time::Date;
use serde_json::{Value, json};

fn sections(words: &Words<'_>, view: &NetworkReportView) -> Vec<Section> {
    let s = &view.report.snapshot;
    let lang = words.lang;
    let h = |keys: &[&str]| keys.iter().map(|k| words.t(k)).collect::<Vec<_>>();
    let mut about = vec![
        words.t_with(
            "network-report-about",
            &[("date", Arg::Text(Date::of_timestamp(view.report.issued_at).to_string())), ("count", Arg::Number(s.cities.len() as f64))],
        ),
        words.t_with("report-about-data", &[("count", Arg::Number(s.values.len() as f64))]),
    ];
    if !s.methods.is_empty() {
        let methods: Vec<String> = s.methods.iter().map(|m| format!("{} v{}", m.name, m.version)).collect();
        about.push(words.t_with("report-about-methods", &[("methods", Arg::Text(methods.join(", ")))]));
    }
    about.push(if view.changes.is_empty() {
        words.t("report-no-newer")
    } else {
        words.t_with("report-newer-exist", &[("count", Arg::Number(view.changes.len() as f64))])
    });
    let city_rows = s
        .cities
        .iter()
        .map(|c| {
            vec![
                text(c.name.clone()),
                number(Some(c.indicators as f64), 0),
                number(Some(c.measured as f64), 0),
                text(words.verdict_counts(&c.verdicts)),
                number(Some(c.recommendations as f64), 0),
                number(Some(c.implemented as f64), 0),
                number(Some(c.overdue_actions as f64), 0),
                number(Some(c.disagreements as f64), 0),
                text(words.t_with(
                    "roadmap-reached-of",
                    &[("reached", Arg::Number(c.steps_reached as f64)), ("steps", Arg::Number(c.steps as f64))],
                )),
            ]
        })
        .collect();
    let mut comparison_rows = Vec::new();
    for line in &s.comparison {
        for (city, cell) in s.cities.iter().zip(&line.cells) {
            let Some(cell) = cell else { continue };
            comparison_rows.push(vec![
                text(line.code.as_str()),
                text(line.name.get(lang).text),
                text(city.name.clone()),
                text(cell.period.clone()),
                number(cell.value, 6),
                text(line.unit.clone()),
                text(cell.verdict.as_ref().map(|v| words.verdict(v)).unwrap_or_default()),
            ]);
        }
    }
    let value_rows = s
        .values
        .iter()
        .map(|v| {
            vec![
                number(Some(v.id as f64), 0),
                text(v.indicator.as_str()),
                text(v.period.clone()),
                number(v.value, 6),
                number(Some(f64::from(v.revision)), 0),
            ]
        })
        .collect();
    let section = |id: &'static str, heading: &str, paragraphs: Vec<String>, table: Option<crate::reports::ReportTable>| Section {
        id,
        heading: words.t(heading),
        paragraphs,
        empty: table.is_none().then(|| words.t("report-none")),
        table,
    };
    vec![
        Section { id: "about", heading: words.t("report-section-about"), paragraphs: about, table: None, empty: None },
        section(
            "cities",
            "network-report-section-cities",
            vec![],
            table(
                "Cities",
                h(&[
                    "roadmap-city",
                    "report-col-indicators",
                    "report-col-measured",
                    "report-col-verdicts",
                    "network-report-col-recommendations",
                    "network-report-col-implemented",
                    "network-report-col-overdue",
                    "network-report-col-disagreements",
                    "city-roadmap",
                ]),
                &[false, true, true, false, true, true, true, true, false],
                city_rows,
            ),
        ),
        section(
            "comparison",
            "network-report-section-comparison",
            vec![words.t("network-report-comparison-help")],
            table(
                "Comparison",
                h(&[
                    "report-col-code",
                    "report-col-indicator",
                    "roadmap-city",
                    "report-col-period",
                    "report-col-value",
                    "report-col-unit",
                    "report-col-verdict",
                ]),
                &[false, false, false, false, true, false, false],
                comparison_rows,
            ),
        ),
        section(
            "values",
            "report-section-values",
            vec![words.t("report-values-help")],
            table(
                "Values used",
                h(&["report-col-id", "report-col-code", "report-col-period", "report-col-value", "report-col-revision"]),
                &[true, false, false, true, true],
                value_rows,
            ),
        ),
    ]
}

async fn issued(state: &WebState, ctx: &Ctx, id: i64) -> Result<Issued, WebError> {
    let view = state.app.network_report(id).await?;
    let words = Words { state, lang: &ctx.lang };
    Ok(Issued {
        title: view.report.title.clone(),
        issued_on: Date::of_timestamp(view.report.issued_at).to_string(),
        base: format!("/network/reports/{id}"),
        back: ("/network/reports".to_owned(), words.t("network-reports-title")),
        city: None,
        file: format!("network-report-{id}"),
        sections: sections(&words, &view),
        changes: view.changes,
    })
}

/// `GET /network/reports`: the network's issued reports, and for its coordinators the form.
pub async fn list(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let reports = state.app.network_reports().await?;
    let page = json!({
        "reports": reports.iter().map(|r| json!({"id": r.id, "title": r.title, "issued_on": Date::of_timestamp(r.issued_at).to_string()})).collect::<Vec<_>>(),
        "may_issue": ctx.actor.may(Permission::ManageNetwork),
    });
    Ok(Html(state.render("network_reports.html", &ctx, page)?).into_response())
}

/// `POST /network/reports`: issues the network's comparative report from published data.
pub async fn issue(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    let report = state.app.issue_network_report(&ctx.actor).await?;
    Ok(see_other(&format!("/network/reports/{}", report.id)))
}

/// `GET /network/reports/{id}`: the report as a page, to read or print.
pub async fn page(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    render_page(&state, &ctx, &issued(&state, &ctx, id).await?)
}

/// `GET /network/reports/{id}/report.pdf`
pub async fn pdf(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    render_pdf(&state, &ctx, &issued(&state, &ctx, id).await?)
}

/// `GET /network/reports/{id}/report.xlsx`
pub async fn xlsx(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    render_xlsx(&issued(&state, &ctx, id).await?)
}

/// `GET /api/v1/network/reports/{id}`: the snapshot as issued, and what changed since.
pub async fn api(State(state): State<WebState>, Id(id): Id) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.network_report(id).await?)))
}
