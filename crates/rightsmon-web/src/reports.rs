//! Monitoring reports: a city's issued reports and the form to issue one, and each report as a
//! page (with a print stylesheet for a clean A4 document), as a PDF made by the server and as a
//! workbook of all its tables. The three are made from the same sections, in the reader's
//! language, so that they cannot tell different things.

use crate::WebState;
use crate::charts::label;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use crate::findings::status_key;
use crate::i18n::Arg;
use crate::see_other;
use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_app::reports::ReportView;
use rightsmon_app::reports::{Block, Cell, Document, Sheet, Table};
use rightsmon_domain::access::Permission;
use rightsmon_domain::participation::Assessor;
use rightsmon_domain::report::{CityReportSnapshot, MethodUsed, ValueChange, VerdictLine};
use rightsmon_domain::time::Date;
use serde::Deserialize;
use serde_json::{Value, json};

/// A cell of a report's table: text, or a number with the way it is shown.
#[derive(Debug, Clone)]
pub(crate) enum ReportCell {
    Text(String),
    Number(f64, String),
}

impl ReportCell {
    fn shown(&self) -> &str {
        match self {
            Self::Text(text) | Self::Number(_, text) => text,
        }
    }
}

/// One table of a report.
#[derive(Debug, Clone)]
pub(crate) struct ReportTable {
    /// The workbook's sheet name (at most 31 characters).
    pub(crate) sheet: String,
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<Vec<ReportCell>>,
    pub(crate) numeric: Vec<bool>,
}

/// One section: a heading, paragraphs, and a table or a sentence saying there is nothing.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub(crate) id: &'static str,
    pub(crate) heading: String,
    pub(crate) paragraphs: Vec<String>,
    pub(crate) table: Option<ReportTable>,
    pub(crate) empty: Option<String>,
}

pub(crate) struct Words<'a> {
    pub(crate) state: &'a WebState,
    pub(crate) lang: &'a str,
}

impl Words<'_> {
    pub(crate) fn t(&self, key: &str) -> String {
        self.state.i18n.message(self.lang, key, &[])
    }

    pub(crate) fn t_with(&self, key: &str, args: &[(&str, Arg)]) -> String {
        self.state.i18n.message(self.lang, key, args)
    }

    /// Headline verdicts with how many indicators have each: "improving: 3; stagnant: 1".
    pub(crate) fn verdict_counts(&self, verdicts: &[(MethodUsed, String, String, usize)]) -> String {
        let counted: Vec<String> = verdicts
            .iter()
            .map(|(method, code, words, count)| {
                let line = VerdictLine {
                    method: method.clone(),
                    kind: "category".into(),
                    code: code.clone(),
                    words: words.clone(),
                    score: None,
                    reason: None,
                    since: None,
                };
                format!("{}: {count}", self.verdict(&line))
            })
            .collect();
        counted.join("; ")
    }

    pub(crate) fn verdict(&self, verdict: &VerdictLine) -> String {
        match verdict.kind.as_str() {
            "category" => {
                let key = match rightsmon_app::findings::method(&verdict.method.name) {
                    Some(method) => status_key(method, &verdict.code),
                    None => String::new(),
                };
                let since = verdict.since.map(|y| y.to_string()).unwrap_or_default();
                let text = self.t_with(&key, &[("since", Arg::Text(since))]);
                // A method this version does not know keeps the words it published.
                if key.is_empty() || text == key { verdict.words.clone() } else { text }
            }
            "score" => self.t_with("verdict-score", &[("score", Arg::Text(verdict.score.map(|s| label(s, 2)).unwrap_or_default()))]),
            _ => self.t("verdict-not-assessable"),
        }
    }
}

pub(crate) fn text(value: impl Into<String>) -> ReportCell {
    ReportCell::Text(value.into())
}

pub(crate) fn number(value: Option<f64>, digits: usize) -> ReportCell {
    match value {
        Some(v) if v.is_finite() => ReportCell::Number(v, label(v, digits)),
        _ => ReportCell::Text(String::new()),
    }
}

pub(crate) fn table(sheet: &str, header: Vec<String>, numeric: &[bool], rows: Vec<Vec<ReportCell>>) -> Option<ReportTable> {
    (!rows.is_empty()).then(|| ReportTable { sheet: sheet.to_owned(), header, rows, numeric: numeric.to_vec() })
}

fn sections(words: &Words<'_>, view: &ReportView) -> Vec<Section> {
    let report = &view.report;
    let s: &CityReportSnapshot = &report.snapshot;
    let lang = words.lang;
    let section = |id: &'static str, heading: &str, paragraphs: Vec<String>, table: Option<ReportTable>, empty: &str| Section {
        id,
        heading: words.t(heading),
        paragraphs,
        empty: table.is_none().then(|| words.t(empty)).filter(|e| !e.is_empty()),
        table,
    };
    let issued = Date::of_timestamp(report.issued_at).to_string();
    let mut about = vec![
        words.t_with(
            "report-about-issued",
            &[
                ("date", Arg::Text(issued)),
                ("city", Arg::Text(s.city_name.clone())),
                ("cycle", Arg::Text(format!("{} ({})", s.cycle_name, s.period))),
            ],
        ),
        words.t_with("report-about-data", &[("count", Arg::Number(s.values.len() as f64))]),
    ];
    if !s.methods.is_empty() {
        let methods: Vec<String> = s.methods.iter().map(|m| format!("{} v{}", m.name, m.version)).collect();
        about.push(words.t_with("report-about-methods", &[("methods", Arg::Text(methods.join(", ")))]));
    }
    if view.changes.is_empty() {
        about.push(words.t("report-no-newer"));
    } else {
        about.push(words.t_with("report-newer-exist", &[("count", Arg::Number(view.changes.len() as f64))]));
    }

    let theme_rows = s
        .themes
        .iter()
        .map(|t| {
            vec![
                text(t.name.get(lang).text),
                number(Some(t.indicators as f64), 0),
                number(Some(t.measured as f64), 0),
                text(words.verdict_counts(&t.verdicts)),
            ]
        })
        .collect();
    let indicator_rows = s
        .indicators
        .iter()
        .map(|i| {
            vec![
                text(i.code.as_str()),
                text(i.name.get(lang).text),
                text(i.period.clone().unwrap_or_default()),
                number(i.value, 6),
                text(i.unit.clone()),
                text(i.verdict.as_ref().map(|v| words.verdict(v)).unwrap_or_default()),
                text(i.verdict.as_ref().map(|v| format!("{} v{}", v.method.name, v.method.version)).unwrap_or_default()),
            ]
        })
        .collect();
    let gap_rows = s
        .gaps
        .iter()
        .map(|g| {
            vec![
                text(g.indicator.as_str()),
                text(g.period.clone()),
                text(g.group.clone()),
                number(Some(g.value), 6),
                text(g.reference.clone()),
                number(Some(g.reference_value), 6),
                number(Some(g.absolute), 6),
                number(g.ratio, 3),
            ]
        })
        .collect();
    let assessment_rows = s
        .assessments
        .iter()
        .map(|a| {
            let subject = a.subject_name.as_ref().map_or_else(|| a.subject.clone(), |n| n.get(lang).text.to_owned());
            let side = match a.assessor {
                Assessor::Municipality => words.t("assessments-municipality"),
                Assessor::Organisation(_) => a.organisation.clone().unwrap_or_default(),
            };
            vec![
                text(subject),
                text(side),
                text(words.t(&format!("assessment-verdict-{}", a.verdict.as_str()))),
                text(a.reasoning.clone()),
                number(Some(a.version as f64), 0),
                text(if a.disagreement { words.t("assessments-disagree") } else { words.t("assessments-agree") }),
            ]
        })
        .collect();
    let recommendation_rows = s
        .recommendations
        .iter()
        .map(|r| {
            let actions: Vec<String> = r
                .actions
                .iter()
                .map(|a| format!("{} ({}, {})", a.title, a.responsible, words.t(&format!("action-status-{}", a.status.as_str()))))
                .collect();
            vec![
                text(r.title.clone()),
                text(words.t(&format!("rec-source-{}", r.source.as_str()))),
                text(r.made_on.to_string()),
                text(words.t(&format!("rec-response-{}", r.response.as_str()))),
                text(words.t(&format!("action-status-{}", r.implementation.as_str()))),
                text(actions.join("; ")),
            ]
        })
        .collect();
    let overdue_rows = s
        .overdue()
        .map(|(r, a)| {
            vec![
                text(r.title.clone()),
                text(a.title.clone()),
                text(a.responsible.clone()),
                text(a.deadline.map(|d| d.to_string()).unwrap_or_default()),
                text(words.t(&format!("action-status-{}", a.status.as_str()))),
            ]
        })
        .collect();
    let data_gap_rows = s
        .data_gaps
        .iter()
        .map(|g| vec![text(g.code.as_str()), text(g.name.get(lang).text), text(g.latest_period.clone().unwrap_or_default())])
        .collect();
    let value_rows = s
        .values
        .iter()
        .map(|v| {
            vec![
                number(Some(v.id as f64), 0),
                text(v.indicator.as_str()),
                text(v.period.clone()),
                text(v.key.clone()),
                number(v.value, 6),
                number(Some(f64::from(v.revision)), 0),
            ]
        })
        .collect();
    let h = |keys: &[&str]| keys.iter().map(|k| words.t(k)).collect::<Vec<_>>();
    vec![
        section("about", "report-section-about", about, None, ""),
        section(
            "themes",
            "report-section-themes",
            vec![],
            table(
                "Themes",
                h(&["report-col-theme", "report-col-indicators", "report-col-measured", "report-col-verdicts"]),
                &[false, true, true, false],
                theme_rows,
            ),
            "report-none",
        ),
        section(
            "indicators",
            "report-section-indicators",
            vec![words.t("report-indicators-help")],
            table(
                "Indicators",
                h(&[
                    "report-col-code",
                    "report-col-indicator",
                    "report-col-period",
                    "report-col-value",
                    "report-col-unit",
                    "report-col-verdict",
                    "report-col-method",
                ]),
                &[false, false, false, true, false, false, false],
                indicator_rows,
            ),
            "report-none",
        ),
        section(
            "gaps",
            "report-section-gaps",
            vec![],
            table(
                "Gaps",
                h(&[
                    "report-col-code",
                    "report-col-period",
                    "report-col-group",
                    "report-col-value",
                    "report-col-reference",
                    "report-col-reference-value",
                    "report-col-difference",
                    "report-col-ratio",
                ]),
                &[false, false, false, true, false, true, true, true],
                gap_rows,
            ),
            "report-no-gaps",
        ),
        section(
            "assessments",
            "report-section-assessments",
            vec![],
            table(
                "Assessments",
                h(&[
                    "assessments-subject",
                    "assessments-side",
                    "assessments-verdict",
                    "assessments-reasoning",
                    "report-col-version",
                    "assessments-agreement",
                ]),
                &[false, false, false, false, true, false],
                assessment_rows,
            ),
            "report-no-assessments",
        ),
        section(
            "recommendations",
            "report-section-recommendations",
            vec![],
            table(
                "Recommendations",
                h(&[
                    "report-col-recommendation",
                    "report-col-source",
                    "report-col-made-on",
                    "report-col-response",
                    "report-col-stands",
                    "report-col-actions",
                ]),
                &[false; 6],
                recommendation_rows,
            ),
            "report-no-recommendations",
        ),
        section(
            "overdue",
            "report-section-overdue",
            vec![],
            table(
                "Overdue",
                h(&[
                    "report-col-recommendation",
                    "report-col-action",
                    "report-col-responsible",
                    "report-col-deadline",
                    "report-col-status",
                ]),
                &[false; 5],
                overdue_rows,
            ),
            "report-no-overdue",
        ),
        section(
            "data-gaps",
            "report-section-data-gaps",
            vec![words.t_with("report-data-gaps-help", &[("period", Arg::Text(s.period.clone()))])],
            table("Data gaps", h(&["report-col-code", "report-col-indicator", "report-col-latest-period"]), &[false; 3], data_gap_rows),
            "report-no-data-gaps",
        ),
        section(
            "values",
            "report-section-values",
            vec![words.t("report-values-help")],
            table(
                "Values used",
                h(&[
                    "report-col-id",
                    "report-col-code",
                    "report-col-period",
                    "report-col-group",
                    "report-col-value",
                    "report-col-revision",
                ]),
                &[true, false, false, false, true, true],
                value_rows,
            ),
            "report-none",
        ),
    ]
}

fn section_value(section: &Section) -> Value {
    json!({
        "id": section.id,
        "heading": section.heading,
        "paragraphs": section.paragraphs,
        "empty": section.empty,
        "table": section.table.as_ref().map(|t| json!({
            "header": t.header,
            "numeric": t.numeric,
            "rows": t.rows.iter().map(|r| r.iter().map(ReportCell::shown).collect::<Vec<_>>()).collect::<Vec<_>>(),
        })),
    })
}

fn change_value(words: &Words<'_>, change: &ValueChange, city: Option<&str>) -> Value {
    let (kind, id, indicator, period, key, used, now) = match change {
        ValueChange::Revised { id, indicator, period, key, used, now, .. } => ("revised", id, indicator, period, key, *used, *now),
        ValueChange::Added { id, indicator, period, key, now } => ("added", id, indicator, period, key, None, *now),
        ValueChange::Withdrawn { id, indicator, period, key } => ("withdrawn", id, indicator, period, key, None, None),
    };
    json!({
        "kind": words.t(&format!("report-change-{kind}")),
        "city": city,
        "id": id,
        "indicator": indicator,
        "period": period,
        "key": key,
        "used": used.map(|v| label(v, 6)),
        "now": now.map(|v| label(v, 6)),
    })
}

/// What the three forms of a report share: its title, when it was issued, where it lives and
/// where it belongs, its sections and what changed since.
pub(crate) struct Issued {
    pub(crate) title: String,
    pub(crate) issued_on: String,
    /// `/reports/{id}` or `/network/reports/{id}`.
    pub(crate) base: String,
    pub(crate) back: (String, String),
    /// The city whose indicator pages the changes link to, if one.
    pub(crate) city: Option<String>,
    pub(crate) file: String,
    pub(crate) sections: Vec<Section>,
    pub(crate) changes: Vec<ValueChange>,
}

pub(crate) fn render_page(state: &WebState, ctx: &Ctx, issued: &Issued) -> Result<Response, WebError> {
    let words = Words { state, lang: &ctx.lang };
    let page = json!({
        "title": issued.title,
        "issued_on": issued.issued_on,
        "base": issued.base,
        "back": {"href": issued.back.0, "text": issued.back.1},
        "sections": issued.sections.iter().map(section_value).collect::<Vec<_>>(),
        "changes": issued.changes.iter().map(|c| change_value(&words, c, issued.city.as_deref())).collect::<Vec<_>>(),
    });
    Ok(Html(state.render("report.html", ctx, page)?).into_response())
}

pub(crate) fn render_pdf(state: &WebState, ctx: &Ctx, issued: &Issued) -> Result<Response, WebError> {
    let words = Words { state, lang: &ctx.lang };
    let mut blocks = Vec::new();
    for section in &issued.sections {
        blocks.push(Block::Heading(section.heading.clone()));
        blocks.extend(section.paragraphs.iter().cloned().map(Block::Paragraph));
        if let Some(t) = &section.table {
            blocks.push(Block::Table(Table {
                header: t.header.clone(),
                rows: t.rows.iter().map(|r| r.iter().map(|c| c.shown().to_owned()).collect()).collect(),
                numeric: t.numeric.clone(),
            }));
        }
        if let Some(empty) = &section.empty {
            blocks.push(Block::Paragraph(empty.clone()));
        }
    }
    blocks.push(Block::Paragraph(words.t_with("report-pdf-accessible", &[("path", Arg::Text(issued.base.clone()))])));
    let document = Document {
        title: issued.title.clone(),
        language: ctx.lang.clone(),
        blocks,
        // The writer puts each page's numbers where these placeholders stand.
        footer: format!(
            "{} · {}",
            issued.title,
            words.t_with("report-page-of", &[("page", Arg::Text("{page}".into())), ("pages", Arg::Text("{pages}".into()))])
        ),
    };
    let bytes = rightsmon_app::reports::report_pdf(&document)?;
    let disposition = format!("attachment; filename=\"{}.pdf\"", issued.file);
    Ok(([(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

pub(crate) fn render_xlsx(issued: &Issued) -> Result<Response, WebError> {
    let mut sheets = vec![Sheet {
        name: "Report".into(),
        rows: std::iter::once(vec![Cell::Text(issued.title.clone())])
            .chain(issued.sections.first().into_iter().flat_map(|s| s.paragraphs.iter().map(|p| vec![Cell::Text(p.clone())])))
            .collect(),
    }];
    for t in issued.sections.iter().filter_map(|s| s.table.as_ref()) {
        let mut rows = vec![t.header.iter().map(|h| Cell::Text(h.clone())).collect::<Vec<_>>()];
        for row in &t.rows {
            rows.push(
                row.iter()
                    .map(|c| match c {
                        ReportCell::Number(n, _) => Cell::Number(*n),
                        ReportCell::Text(text) if text.is_empty() => Cell::Empty,
                        ReportCell::Text(text) => Cell::Text(text.clone()),
                    })
                    .collect(),
            );
        }
        sheets.push(Sheet { name: t.sheet.clone(), rows });
    }
    let bytes = rightsmon_app::reports::report_xlsx(&sheets)?;
    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned();
    let disposition = format!("attachment; filename=\"{}.xlsx\"", issued.file);
    Ok(([(header::CONTENT_TYPE, kind), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

async fn city_issued(state: &WebState, ctx: &Ctx, id: i64) -> Result<Issued, WebError> {
    let view = state.app.report(id).await?;
    let words = Words { state, lang: &ctx.lang };
    let city = view.report.city.to_string();
    Ok(Issued {
        title: view.report.title.clone(),
        issued_on: Date::of_timestamp(view.report.issued_at).to_string(),
        base: format!("/reports/{id}"),
        back: (
            format!("/cities/{city}/reports"),
            words.t_with("reports-title", &[("city", Arg::Text(view.report.snapshot.city_name.clone()))]),
        ),
        file: format!("{}-report-{id}", crate::portal::safe_name(&city)),
        city: Some(city),
        sections: sections(&words, &view),
        changes: view.changes,
    })
}

/// `GET /reports/{id}`: the report as a page, to read or print.
pub async fn page(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    let issued = city_issued(&state, &ctx, id).await?;
    render_page(&state, &ctx, &issued)
}

/// `GET /reports/{id}/report.pdf`: the same report as an A4 PDF.
pub async fn pdf(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    let issued = city_issued(&state, &ctx, id).await?;
    render_pdf(&state, &ctx, &issued)
}

/// `GET /reports/{id}/report.xlsx`: every table of the report as a sheet, numbers as numbers.
pub async fn xlsx(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    render_xlsx(&city_issued(&state, &ctx, id).await?)
}

/// `GET /api/v1/reports/{id}`: the report's snapshot as issued, and what changed since.
pub async fn api_report(State(state): State<WebState>, Id(id): Id) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.report(id).await?)))
}

/// `GET /cities/{code}/reports`: a city's issued reports, and for its coordinators the form to
/// issue one.
pub async fn list(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Response, WebError> {
    let city = state.app.city(&code).await?;
    let reports = state.app.reports(&code).await?;
    let may_issue = ctx.actor.may(Permission::ManageCity(&city.code));
    let cycles = if may_issue { state.app.cycles(&code).await? } else { Vec::new() };
    let page = json!({
        "city": {"code": city.code, "name": city.name},
        "reports": reports.iter().map(|r| json!({
            "id": r.id,
            "title": r.title,
            "period": r.snapshot.period,
            "issued_on": Date::of_timestamp(r.issued_at).to_string(),
        })).collect::<Vec<_>>(),
        "may_issue": may_issue,
        "cycles": cycles.iter().map(|c| json!({"id": c.id, "name": c.cycle.name, "period": c.cycle.period.to_string()})).collect::<Vec<_>>(),
    });
    Ok(Html(state.render("reports.html", &ctx, page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    cycle: String,
}

/// `POST /cities/{code}/reports`: issues the report of one of the city's cycles.
pub async fn issue(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    form: Result<Form<IssueForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form?;
    let city = state.app.city(&code).await?;
    if !ctx.actor.may(Permission::ManageCity(&city.code)) {
        return Err(AppError::Forbidden.into());
    }
    let cycle: i64 = form.cycle.trim().parse().map_err(|_| WebError::BadRequest("choose the cycle the report is for".into()))?;
    if !state.app.cycles(&code).await?.iter().any(|c| c.id == cycle) {
        return Err(AppError::NotFound.into());
    }
    let report = state.app.issue_city_report(&ctx.actor, cycle).await?;
    Ok(see_other(&format!("/reports/{}", report.id)))
}
