//! The public page of one indicator in one city: its time series as a chart and a table, the
//! groups and districts, the official and the civil-society values side by side, the sources,
//! every verdict (from `findings`), the metadata and the downloads.

use crate::WebState;
use crate::catalogue::localised;
use crate::charts::{self, TimeSeries, TimeValue, label};
use crate::context::{Ctx, Id};
use crate::error::WebError;
use crate::see_other;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_app::findings::{annual as year, number};
use rightsmon_app::observations::SeriesPoint;
use rightsmon_domain::access::Permission;
use rightsmon_domain::observation::ObservationValue;
use rightsmon_domain::observation::ShadowDraft;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The height of the time-series chart, in SVG units.
const SERIES_HEIGHT: f64 = 300.0;

/// The rows of the series table and the chart's input: every yearly value of the whole
/// population, a new segment wherever the definition broke the series.
fn series_view(series: &[SeriesPoint], digits: usize) -> (Vec<Value>, Vec<TimeValue>) {
    let mut segment = 0;
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for p in series {
        if p.break_before {
            segment += 1;
        }
        let shown = match &p.value {
            ObservationValue::Number(n) => label(*n, digits),
            ObservationValue::Text(t) => t.clone(),
        };
        rows.push(json!({
            "period": p.period.to_string(),
            "value": shown,
            "lower": p.lower_bound.map(|v| label(v, digits)),
            "upper": p.upper_bound.map(|v| label(v, digits)),
            "version": p.version,
            "state": p.state.as_str(),
            "published": p.state.is_public(),
            "break_before": p.break_before,
            "source": p.provenance.source_name,
            "reference": p.provenance.source_reference,
        }));
        if let (Some(year), Some(value)) = (year(p.period), number(&p.value)) {
            values.push(TimeValue { year, value, lower: p.lower_bound, upper: p.upper_bound, segment });
        }
    }
    (rows, values)
}

/// The plain words on a survey value's uncertainty: the respondents it rests on, the interval
/// and what the design effect means; `None` for a value not estimated from a survey.
fn survey_note(state: &WebState, ctx: &Ctx, point: &SeriesPoint, digits: usize) -> Option<String> {
    use crate::i18n::Arg;
    let precision = point.precision?;
    let text = |v: f64| Arg::Text(label(v, digits));
    let mut args = vec![
        ("respondents", Arg::Text(precision.respondents.to_string())),
        ("confidence", Arg::Text(label(precision.confidence * 100.0, 1))),
        ("se", Arg::Text(label(precision.standard_error, digits + 1))),
    ];
    let mut note = match (point.lower_bound, point.upper_bound) {
        (Some(lower), Some(upper)) => {
            args.push(("lower", text(lower)));
            args.push(("upper", text(upper)));
            state.i18n.message(&ctx.lang, "value-survey-note", &args)
        }
        _ => state.i18n.message(&ctx.lang, "value-survey-note-no-interval", &args),
    };
    if let Some(deff) = precision.design_effect.filter(|d| d.is_finite() && *d > 0.0) {
        let effective = (precision.respondents as f64 / deff).round();
        note.push(' ');
        note.push_str(&state.i18n.message(
            &ctx.lang,
            "value-survey-design-effect",
            &[("effective", Arg::Text(label(effective, 0))), ("deff", Arg::Text(label(deff, 2)))],
        ));
    }
    if point.status == rightsmon_domain::observation::StatusFlag::Unreliable
        && let Some(value) = number(&point.value)
    {
        note.push(' ');
        let rse = precision.relative_error(value) * 100.0;
        note.push_str(&state.i18n.message(&ctx.lang, "value-survey-unreliable", &[("rse", Arg::Text(label(rse, 0)))]));
    }
    Some(note)
}

/// The states of a yes/no or ordinal indicator, lowest first, as the chart's axis names them.
fn states(state: &WebState, ctx: &Ctx, definition: &rightsmon_domain::catalogue::IndicatorDefinition) -> Option<Vec<(f64, String)>> {
    use rightsmon_domain::catalogue::ValueType;
    match definition.value_type {
        ValueType::YesNo => {
            Some(vec![(0.0, state.i18n.message(&ctx.lang, "value-no", &[])), (1.0, state.i18n.message(&ctx.lang, "value-yes", &[]))])
        }
        ValueType::Ordinal => {
            let levels = definition.ordinal_levels.unwrap_or(5).max(2);
            Some((1..=levels).map(|level| (f64::from(level), level.to_string())).collect())
        }
        _ => None,
    }
}

/// What a form of the page brings back: the fields typed and what was wrong with them.
#[derive(Debug, Default)]
struct PageForm {
    /// The shadow-value form's fields.
    shadow: serde_json::Map<String, Value>,
    /// The reply typed to one shadow value.
    reply: Option<(i64, String)>,
    errors: Option<rightsmon_domain::FieldErrors>,
}

/// One indicator in one city.
pub async fn indicator_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((city, indicator)): Path<(String, String)>,
) -> Result<Response, WebError> {
    indicator_view(&state, &ctx, &city, &indicator, PageForm::default(), StatusCode::OK).await
}

async fn indicator_view(
    state: &WebState,
    ctx: &Ctx,
    city: &str,
    indicator: &str,
    form: PageForm,
    status: StatusCode,
) -> Result<Response, WebError> {
    let data = state.app.indicator_page(&ctx.actor, city, indicator, &ctx.lang).await?;
    let (city, definition, findings) = (&data.city, &data.definition, &data.findings);
    let (series, shadow, districts) = (data.series.as_slice(), data.shadow.as_slice(), data.districts.as_slice());
    let groups_in_order: Vec<Value> =
        data.groups.iter().skip(1).map(|(key, label)| json!({"key": key.to_string(), "label": label})).collect();
    let groups: BTreeMap<String, String> = data.groups.iter().filter_map(|(key, label)| Some((key.to_string(), label.clone()?))).collect();
    let digits = usize::from(definition.decimals);
    let name_of_group = |key: &str| groups.get(key).cloned().unwrap_or_else(|| key.to_owned());

    let (mut rows, values) = series_view(series, digits);
    // A survey's value says how uncertain it is, in words.
    for (row, point) in rows.iter_mut().zip(series) {
        if let Some(note) = survey_note(state, ctx, point, digits) {
            row["survey_note"] = json!(note);
        }
        row["unreliable"] = json!(point.status == rightsmon_domain::observation::StatusFlag::Unreliable);
    }
    let state_names = states(state, ctx, definition);
    if let Some(names) = &state_names {
        // A state's value is named, not numbered: "No", "Yes", or its level.
        for (row, point) in rows.iter_mut().zip(series) {
            if let Some(n) = number(&point.value)
                && let Some((_, name)) = names.iter().find(|(v, _)| (*v - n).abs() < 1e-9)
            {
                row["value"] = json!(name);
            }
        }
    }
    let shadow_points: Vec<(i32, f64)> =
        shadow.iter().filter(|s| s.data.key.is_total()).filter_map(|s| Some((year(s.data.period)?, s.data.value?))).collect();
    let time = TimeSeries {
        official: values,
        shadow: shadow_points,
        baseline: findings.baseline.map(|p| (p.year, p.value)),
        target: findings.target.map(|p| (p.year, p.value)),
        digits,
        states: state_names,
    };
    let chart = charts::line_chart(&time, SERIES_HEIGHT);
    let numeric: Vec<&TimeValue> = time.official.iter().collect();
    let summary = match (numeric.first(), numeric.last()) {
        (Some(first), Some(last)) => json!({
            "from": first.year, "first": label(first.value, digits), "to": last.year, "last": label(last.value, digits),
            "bounded": numeric.iter().any(|p| p.lower.is_some() && p.upper.is_some()),
            "breaks": series.iter().filter(|p| p.break_before).count(),
        }),
        _ => Value::Null,
    };

    let group_bars: Vec<(String, f64, bool)> = findings
        .gaps
        .as_ref()
        .map(|g| {
            let mut bars = vec![(name_of_group(&g.reference), g.reference_value, true)];
            bars.extend(g.groups.iter().map(|x| (name_of_group(&x.group), x.value, false)));
            bars
        })
        .unwrap_or_default();
    let group_chart = charts::bar_chart(&group_bars, digits);
    let boundaries = &data.boundaries;
    let names: Vec<(String, String)> = districts.iter().map(|d| (d.code.to_string(), d.name.clone())).collect();
    let district_name = |code: &str| names.iter().find(|(c, _)| c == code).map_or_else(|| code.to_owned(), |(_, n)| n.clone());
    let district_map = if findings.district_values.is_empty() {
        None
    } else {
        charts::choropleth(&charts::outlines(boundaries, &names), &findings.district_values, digits)
    };
    let district_rows: Vec<Value> = findings
        .district_values
        .iter()
        .map(|(code, v)| json!({"code": code, "name": district_name(code), "value": label(*v, digits)}))
        .collect();

    // Official and civil-society values of each period, side by side.
    let mut periods: BTreeMap<String, (Vec<Value>, Vec<Value>)> = BTreeMap::new();
    for p in series {
        periods.entry(p.period.to_string()).or_default().0.push(json!({
            "value": match &p.value { ObservationValue::Number(n) => label(*n, digits), ObservationValue::Text(t) => t.clone() },
            "state": p.state.as_str(), "published": p.state.is_public(),
        }));
    }
    let organisations = &data.organisations;
    for s in shadow {
        let organisation = s.data.organisation_id.and_then(|id| organisations.iter().find(|o| o.id == id)).map(|o| o.name.clone());
        periods.entry(s.data.period.to_string()).or_default().1.push(json!({
            "group": if s.data.key.is_total() { None } else { Some(name_of_group(&s.data.key.to_string())) },
            "value": s.data.value.map(|v| label(v, digits)),
            "assessment": s.data.assessment,
            "sources": s.data.sources,
            "organisation": organisation,
            "method_note": s.data.method_note,
            "id": s.id,
            "reply": s.reply.as_ref().map(|r| r.text.clone()),
        }));
    }
    let side_by_side: Vec<Value> = periods
        .into_iter()
        .rev()
        .filter(|(_, (_, shadow))| !shadow.is_empty())
        .map(|(period, (official, shadow))| json!({"period": period, "official": official, "shadow": shadow}))
        .collect();

    let mut sources: Vec<Value> = Vec::new();
    for p in series {
        let entry = json!({"name": p.provenance.source_name, "reference": p.provenance.source_reference});
        if p.provenance.source_name.is_some() && !sources.contains(&entry) {
            sources.push(entry);
        }
    }

    let withheld: Vec<Value> = data
        .withheld
        .iter()
        .map(|w| {
            let w = &w.withheld;
            json!({
                "period": w.period.to_string(),
                "area": if w.area == city.code { None } else { Some(district_name(w.area.as_str())) },
                "group": if w.key.is_total() { None } else { Some(name_of_group(&w.key.to_string())) },
                "reason": match &w.reason {
                    // The value it protects, by the names of its place and group.
                    rightsmon_domain::survey::ControlReason::ProtectsValue { area, key } => {
                        let place = if *area == city.code { city.name.clone() } else { district_name(area.as_str()) };
                        let group = if key.is_total() { place } else { format!("{place}, {}", name_of_group(&key.to_string())) };
                        state.i18n.message(&ctx.lang, "survey-reason-protects", &[("group", crate::i18n::Arg::Text(group))])
                    }
                    other => crate::surveys::control_reason(state, &ctx.lang, other),
                },
            })
        })
        .collect();

    let page = json!({
        "withheld": withheld,
        "city": city,
        "indicator": {
            "code": definition.code,
            "version": definition.version,
            "name": localised(&definition.name, &ctx.lang),
            "definition": localised(&definition.definition, &ctx.lang),
            "unit": rightsmon_app::translations::translations().unit(&definition.unit, &ctx.lang),
            "direction": definition.direction.as_str(),
            "frequency": definition.frequency.as_str(),
            "source": definition.source.as_ref().map(|s| json!({"name": s.name, "url": s.url})),
        },
        "findings": crate::findings::findings_view(findings),
        "series": rows,
        "summary": summary,
        "chart": chart,
        "baseline": findings.baseline.map(|p| json!({"year": p.year, "value": label(p.value, digits)})),
        "target": findings.target.map(|p| json!({"year": p.year, "value": label(p.value, digits)})),
        "shadow_count": time.shadow.len(),
        "group_chart": group_chart,
        "group_period": findings.gap_period,
        "districts": district_rows,
        "district_map": district_map,
        "district_names": names.iter().cloned().collect::<BTreeMap<_, _>>(),
        "district_period": findings.dispersion_period,
        "side_by_side": side_by_side,
        "sources": sources,
        "group_names": groups,
        "may_file": ctx.actor.may(Permission::FileShadowData(&city.code)),
        "may_reply": ctx.actor.may(Permission::ManageCity(&city.code)),
        "shadow_form": form.shadow,
        "reply_form": form.reply.map(|(id, text)| json!({"id": id, "text": text})),
        "errors": form.errors.as_ref().map(|e| &e.0),
        "group_options": groups_in_order,
    });
    Ok((status, Html(state.render("findings.html", ctx, page)?)).into_response())
}

/// Files a civil-society value or assessment from the indicator's page in a city.
pub async fn file_shadow(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((city, indicator)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(fields) = body?;
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map_or(String::new(), |(_, v)| v.clone());
    let value = crate::workspace::typed_number(&get("value"), &ctx.lang);
    let draft = ShadowDraft {
        area: city.clone(),
        period: get("period"),
        key: get("key"),
        value,
        assessment: get("assessment"),
        sources: get("sources"),
        method_note: get("method_note"),
    };
    match state.app.file_shadow_value(&ctx.actor, &indicator, &draft, None).await {
        Ok(filed) => Ok(see_other(&format!("/cities/{}/indicators/{}#shadow-{}", city, filed.data.indicator, filed.id))),
        Err(AppError::Invalid(errors)) => {
            let shadow = fields.into_iter().filter(|(k, _)| k != "csrf").map(|(k, v)| (k, Value::String(v))).collect();
            let form = PageForm { shadow, reply: None, errors: Some(errors) };
            indicator_view(&state, &ctx, &city, &indicator, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The municipality's one reply to a civil-society value, from the same page.
pub async fn reply_to_shadow(
    State(state): State<WebState>,
    ctx: Ctx,
    Id(id): Id,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(fields) = body?;
    let text = fields.iter().find(|(k, _)| k == "reply").map_or(String::new(), |(_, v)| v.clone());
    match state.app.reply_to_shadow(&ctx.actor, id, &text).await {
        Ok(replied) => Ok(see_other(&format!("/cities/{}/indicators/{}#shadow-{}", replied.data.area, replied.data.indicator, replied.id))),
        Err(AppError::Invalid(mut errors)) => {
            let shadow = state.app.shadow_value(id).await?;
            for e in &mut errors.0 {
                e.field = format!("reply-{id}");
            }
            let form = PageForm { shadow: serde_json::Map::new(), reply: Some((id, text)), errors: Some(errors) };
            let (city, indicator) = (shadow.data.area.to_string(), shadow.data.indicator.to_string());
            indicator_view(&state, &ctx, &city, &indicator, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict(message)) => Err(WebError::App(AppError::Conflict(message))),
        Err(other) => Err(other.into()),
    }
}

/// A value's history as a page: every version the reader may see, who changed it (for the
/// members of its city) and why; coordinators go on from here to revise it.
pub async fn history_page(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Html<String>, WebError> {
    let observation = state.app.observation(&ctx.actor, id).await?;
    let data = &observation.data;
    let definition = state.app.indicator(data.indicator.as_str(), Some(data.version)).await?;
    let digits = usize::from(definition.decimals);
    let shown = |value: &ObservationValue| match value {
        ObservationValue::Number(n) => label(*n, digits),
        ObservationValue::Text(t) => t.clone(),
    };
    let group = state
        .app
        .entry_groups(&definition, &ctx.lang, usize::MAX)
        .await?
        .into_iter()
        .find(|(key, _)| *key == data.key)
        .and_then(|(_, label)| label);
    let rows: Vec<Value> = state
        .app
        .value_history_named(&ctx.actor, id)
        .await?
        .into_iter()
        .map(|(r, by)| {
            json!({
                "revision": r.revision,
                "at": r.at.to_string(),
                "action": r.action.as_str(),
                "value": shown(&r.snapshot.value),
                "state": r.snapshot.state.as_str(),
                "reason": r.reason,
                "source": r.snapshot.provenance.source_name,
                "by": by,
            })
        })
        .collect();
    let page = json!({
        "id": id,
        "indicator": {"code": definition.code, "name": localised(&definition.name, &ctx.lang)},
        "area": data.area,
        "period": data.period.to_string(),
        "group": group,
        "value": shown(&data.value),
        "state": data.state.as_str(),
        "rows": rows,
        "may_revise": state.app.approves_in(&ctx.actor, data.area.as_str()).await,
    });
    Ok(Html(state.render("history.html", &ctx, page)?))
}

/// Every value of the indicator in the city and its districts that the reader may see, as CSV.
pub async fn values_csv(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((city, indicator)): Path<(String, String)>,
) -> Result<impl IntoResponse, WebError> {
    let body = state.app.values_csv(&ctx.actor, &indicator, &city).await?;
    let name = format!("attachment; filename=\"{}-{}.csv\"", safe_name(&city), safe_name(&indicator));
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], body))
}

/// Every published value of a city and its districts, with names beside the codes.
pub async fn city_csv(State(state): State<WebState>, ctx: Ctx, Path(city): Path<String>) -> Result<impl IntoResponse, WebError> {
    let body = state.app.city_values_download(&city, &ctx.lang, false).await?;
    let name = format!("attachment; filename=\"{}-values.csv\"", safe_name(&city));
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], body))
}

/// The same as a workbook.
pub async fn city_xlsx(State(state): State<WebState>, ctx: Ctx, Path(city): Path<String>) -> Result<impl IntoResponse, WebError> {
    let body = state.app.city_values_download(&city, &ctx.lang, true).await?;
    let name = format!("attachment; filename=\"{}-values.xlsx\"", safe_name(&city));
    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned();
    Ok(([(header::CONTENT_TYPE, kind), (header::CONTENT_DISPOSITION, name)], body))
}

/// A file name from a code: letters, digits and dashes only.
pub(crate) fn safe_name(code: &str) -> String {
    code.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect()
}

#[derive(Debug, serde::Deserialize)]
pub struct CompareQuery {
    #[serde(default)]
    city: String,
    #[serde(default)]
    period: String,
    /// `true` (or `1`, `on`) to show the highlighted city's rank; never by default.
    #[serde(default)]
    ranks: String,
}

/// Cities compared on one indicator under one definition: each city's value by name, the
/// distribution, and for a highlighted city its quarter, its peers and, on request, its rank.
pub async fn comparison_page(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    q: Result<axum::extract::Query<CompareQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Html<String>, WebError> {
    let axum::extract::Query(q) = q?;
    let definition = state.app.indicator(&code, None).await?;
    let city = Some(q.city.trim()).filter(|c| !c.is_empty());
    let ranks = matches!(q.ranks.trim(), "true" | "1" | "on" | "yes");
    // A period or city typed wrongly comes back next to its field; the latest period shows meanwhile.
    let (c, errors) = match state.app.comparison(&ctx.actor, definition.code.as_str(), city, Some(q.period.as_str()), ranks).await {
        Ok(c) => (c, None),
        Err(AppError::Invalid(errors)) => {
            (state.app.comparison(&ctx.actor, definition.code.as_str(), None, None, false).await?, Some(errors))
        }
        Err(other) => return Err(other.into()),
    };
    let city = if errors.is_some() { None } else { city };
    let cities = state.app.network_overview().await?.cities;
    let name_of = |code: &str| cities.iter().find(|c| c.code.as_str() == code).map_or(code.to_owned(), |c| c.name.clone());
    let digits = usize::from(definition.decimals);
    let mut values: Vec<(String, String, f64)> = c.values.iter().map(|(code, v)| (code.clone(), name_of(code), *v)).collect();
    values.sort_by(|a, b| a.1.cmp(&b.1));
    let bars: Vec<(String, f64, bool)> = values.iter().map(|(code, name, v)| (name.clone(), *v, Some(code.as_str()) == city)).collect();
    let rows: Vec<Value> = values
        .iter()
        .map(|(code, name, v)| json!({"code": code, "name": name, "value": label(*v, digits), "selected": Some(code.as_str()) == city}))
        .collect();
    let distribution = c.comparison.as_ref().map(|d| {
        json!({
            "cities": d.cities, "min": label(d.min, digits), "q1": label(d.q1, digits), "median": label(d.median, digits),
            "q3": label(d.q3, digits), "max": label(d.max, digits), "method": {"name": d.method.name, "version": d.method.version},
            "value": d.value.map(|v| label(v, digits)), "quartile": d.quartile, "rank": d.rank,
            "peers": d.peers.iter().map(|p| name_of(p)).collect::<Vec<_>>().join(", "),
        })
    });
    let page = json!({
        "indicator": {"code": definition.code, "name": localised(&definition.name, &ctx.lang), "unit": rightsmon_app::translations::translations().unit(&definition.unit, &ctx.lang), "version": c.version},
        "period": c.period,
        "chart": charts::bar_chart(&bars, digits),
        "rows": rows,
        "distribution": distribution,
        "city": city.map(|code| json!({"code": code, "name": name_of(code)})),
        "cities": cities.iter().map(|c| json!({"code": c.code, "name": c.name})).collect::<Vec<_>>(),
        "ranks": ranks,
        "query_period": q.period,
        "errors": errors.as_ref().map(|e| &e.0),
    });
    Ok(Html(state.render("comparison.html", &ctx, page)?))
}
