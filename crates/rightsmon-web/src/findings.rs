//! Verdicts in pages and in the API: an indicator in a city with every finding and its inputs,
//! a right across the cities, and the methodology pages every verdict links to.

use crate::WebState;
use crate::catalogue::localised;
use crate::context::Ctx;
use crate::error::WebError;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Html;
use rightsmon_analysis::progress::{Assessment, Method, Outcome};
use rightsmon_app::AppError;
use rightsmon_app::catalogue::IndicatorFilter;
use rightsmon_app::findings::{IndicatorFindings, METHODS, method};
use serde_json::{Value, json};

use crate::charts::label as shown;

fn method_view(m: Method) -> Value {
    json!({"name": m.name, "version": m.version, "href": format!("/methods/{}", m.name)})
}

/// The UI message of a method's category: each method keeps the words its source publishes.
pub fn status_key(method: Method, code: &str) -> String {
    format!("status-{}-{code}", method.name)
}

/// A verdict as a page shows it: a translated category, a score, or "not assessable" with the reason.
fn verdict(a: &Assessment) -> Value {
    let (kind, code, score, reason) = match &a.outcome {
        Outcome::Score { score } => ("score", String::new(), shown(*score, 2), None),
        Outcome::Category { code, .. } => ("category", (*code).to_owned(), String::new(), None),
        Outcome::NotAssessable { reason } => ("not_assessable", String::new(), String::new(), Some(reason.clone())),
    };
    json!({
        "method": method_view(a.method),
        "kind": kind,
        "status_key": if code.is_empty() { String::new() } else { status_key(a.method, &code) },
        "code": code,
        "level": a.category().map(|c| c.1),
        "score": score,
        "reason": reason,
        "base": a.base.map(|p| json!({"year": p.year, "value": shown(p.value, 4)})),
        "current": a.current.map(|p| json!({"year": p.year, "value": shown(p.value, 4)})),
        "cagr_observed": a.cagr_observed.map(|v| shown(100.0 * v, 2)),
        "cagr_required": a.cagr_required.map(|v| shown(100.0 * v, 2)),
        "ratio": a.ratio.map(|v| shown(v, 3)),
        "target": a.target_used.map(|v| shown(v, 4)),
        // A state's verdict says since when it holds.
        "since": (a.method == rightsmon_analysis::progress::STATE_CHANGE).then(|| a.base.map(|p| p.year)).flatten(),
    })
}

/// The summary of an indicator's findings for tables: the headline verdict and the change flag.
pub fn summary(f: &IndicatorFindings) -> Value {
    json!({
        "headline": f.headline().map(verdict),
        "change": f.retrogression.change,
        "flagged": f.retrogression.flagged,
        "area": f.area,
        "indicator": f.indicator,
        "href": format!("/cities/{}/indicators/{}", f.area, f.indicator),
    })
}

pub(crate) fn findings_view(f: &IndicatorFindings) -> Value {
    let trend: Vec<Value> = f
        .trend
        .segments
        .iter()
        .map(|s| {
            json!({
                "version": s.version,
                "from": s.from,
                "to": s.to,
                "points": s.points,
                "cagr": s.cagr.map(|v| shown(100.0 * v, 2)),
                "slope": s.slope.map(|l| shown(l.slope, 4)),
                "lower": s.slope.and_then(|l| l.lower).map(|v| shown(v, 4)),
                "upper": s.slope.and_then(|l| l.upper).map(|v| shown(v, 4)),
            })
        })
        .collect();
    let r = &f.retrogression;
    json!({
        "headline": f.headline().map(verdict),
        "has_values": !f.points.is_empty() || !f.progress.is_empty(),
        "progress": f.progress.iter().map(verdict).collect::<Vec<_>>(),
        "city_target": f.city_target.as_ref().map(|d| json!({
            "method": method_view(d.method),
            "status_key": match d.outcome { Outcome::Category { code, .. } => Some(status_key(d.method, code)), _ => None },
            "reason": match &d.outcome { Outcome::NotAssessable { reason } => Some(reason.clone()), _ => None },
            "baseline": json!({"year": d.target.baseline.year, "value": shown(d.target.baseline.value, 4)}),
            "target": json!({"year": d.target.target.year, "value": shown(d.target.target.value, 4)}),
            "latest": d.latest.map(|p| json!({"year": p.year, "value": shown(p.value, 4)})),
            "covered": d.covered.map(|v| shown(100.0 * v, 1)),
            "elapsed": d.elapsed.map(|v| shown(100.0 * v, 1)),
        })),
        "trend": {"method": method_view(f.trend.method), "segments": trend, "breaks": f.trend.breaks},
        "retrogression": {
            "method": method_view(r.method),
            "change": r.change,
            "flagged": r.flagged,
            "previous": r.previous.map(|p| json!({"year": p.year, "value": shown(p.value, 4)})),
            "latest": r.latest.map(|p| json!({"year": p.year, "value": shown(p.value, 4)})),
            "difference": r.difference.map(|v| shown(v, 4)),
            "z": r.z.map(|v| shown(v, 2)),
            "critical": r.critical.map(|v| shown(v, 2)),
            "with_bounds": r.basis == "confidence bounds",
        },
        "gaps": f.gaps.as_ref().map(|g| json!({
            "method": method_view(g.method),
            "period": f.gap_period,
            "reference": g.reference,
            "reference_value": shown(g.reference_value, 4),
            "groups": g.groups.iter().map(|x| json!({
                "group": x.group, "value": shown(x.value, 4), "absolute": shown(x.absolute, 4), "ratio": x.ratio.map(|v| shown(v, 3)),
            })).collect::<Vec<_>>(),
            "furthest_behind": g.furthest_behind,
        })),
        "gap_trend": f.gap_trend.as_ref().map(|t| json!({
            "first_year": t.first_year, "first_gap": shown(t.first_gap, 4), "latest_year": t.latest_year,
            "latest_gap": shown(t.latest_gap, 4), "closing": t.closing, "reversed": t.reversed,
        })),
        "dispersion": f.dispersion.as_ref().map(|d| json!({
            "method": method_view(d.method),
            "period": f.dispersion_period,
            "districts": d.districts,
            "min": shown(d.min, 4), "max": shown(d.max, 4), "range": shown(d.range, 4),
            "max_min_ratio": d.max_min_ratio.map(|v| shown(v, 3)),
            "cv": d.coefficient_of_variation.map(|v| shown(100.0 * v, 1)),
            "lowest": d.lowest, "highest": d.highest,
        })),
        "note": f.note,
        "published_only": f.published_only,
        "version": f.version,
    })
}

/// A right: its indicators, each city's headline verdict on each.
pub async fn right_page(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Html<String>, WebError> {
    let (right, rows, cities) = right_findings(&state, &ctx, &code).await?;
    let page = json!({"right": {"code": right.code, "name": localised(&right.name, &ctx.lang)}, "cities": cities, "rows": rows});
    Ok(Html(state.render("right.html", &ctx, page)?))
}

type RightFindings = (rightsmon_domain::right::Right, Vec<Value>, Vec<Value>);

async fn right_findings(state: &WebState, ctx: &Ctx, code: &str) -> Result<RightFindings, WebError> {
    let rights = state.app.rights(None).await?;
    let right = rights.into_iter().find(|r| r.code.as_str() == code).ok_or(WebError::App(AppError::NotFound))?;
    let filter = IndicatorFilter { right: Some(code.to_owned()), limit: Some(200), ..IndicatorFilter::default() };
    let (rows, cities) = matrix(state, ctx, &filter, Some(code)).await?;
    Ok((right, rows, cities))
}

/// The indicators a filter selects, each with every city's headline verdict; with `right`, how
/// each indicator measures that right.
pub(crate) async fn matrix(
    state: &WebState,
    ctx: &Ctx,
    filter: &IndicatorFilter,
    right: Option<&str>,
) -> Result<(Vec<Value>, Vec<Value>), WebError> {
    let indicators = state.app.indicators(filter).await?.items;
    let cities = state.app.network_overview().await?.cities;
    let codes: Vec<_> = indicators.iter().map(|d| d.code.clone()).collect();
    let mut by_city = Vec::with_capacity(cities.len());
    for city in &cities {
        by_city.push(state.app.findings_of(&ctx.actor, city.code.as_str(), &codes).await?);
    }
    let mut rows = Vec::new();
    for (index, definition) in indicators.iter().enumerate() {
        let verdicts: Vec<Value> = by_city
            .iter()
            .map(|findings| match findings.get(index) {
                Some(f) if !f.points.is_empty() => summary(f),
                _ => Value::Null,
            })
            .collect();
        let link = right.and_then(|code| definition.rights.iter().find(|l| l.right.as_str() == code)).map(|l| l.link_type.as_str());
        rows.push(json!({
            "code": definition.code,
            "name": localised(&definition.name, &ctx.lang),
            "link_type": link,
            "verdicts": verdicts,
        }));
    }
    let cities = cities.iter().map(|c| json!({"code": c.code, "name": c.name})).collect();
    Ok((rows, cities))
}

/// The methodology: every method a verdict can name.
pub async fn methods_page(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>, WebError> {
    let page = json!({"methods": METHODS.iter().map(|m| method_view(*m)).collect::<Vec<_>>()});
    Ok(Html(state.render("methods.html", &ctx, page)?))
}

pub async fn method_page(State(state): State<WebState>, ctx: Ctx, Path(name): Path<String>) -> Result<Html<String>, WebError> {
    let m = method(&name).ok_or(WebError::App(AppError::NotFound))?;
    Ok(Html(state.render("method.html", &ctx, json!({"method": method_view(m)}))?))
}

pub async fn api_indicator(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((city, indicator)): Path<(String, String)>,
) -> Result<Json<Value>, WebError> {
    Ok(Json(json!(state.app.indicator_findings(&ctx.actor, &indicator, &city).await?)))
}

pub async fn api_city(State(state): State<WebState>, ctx: Ctx, Path(city): Path<String>) -> Result<Json<Value>, WebError> {
    let all = state.app.city_findings(&ctx.actor, &city).await?;
    let total = all.len();
    Ok(Json(json!({"items": all, "total": total, "limit": total, "offset": 0})))
}

pub async fn api_right(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Json<Value>, WebError> {
    let rights = state.app.rights(None).await?;
    let right = rights.into_iter().find(|r| r.code.as_str() == code).ok_or(WebError::App(AppError::NotFound))?;
    let filter = IndicatorFilter { right: Some(code.clone()), limit: Some(200), ..IndicatorFilter::default() };
    let indicators = state.app.indicators(&filter).await?.items;
    let cities = state.app.network_overview().await?.cities;
    let mut items = Vec::new();
    for definition in &indicators {
        for city in &cities {
            let f = state.app.indicator_findings(&ctx.actor, definition.code.as_str(), city.code.as_str()).await?;
            if !f.points.is_empty() {
                items.push(f);
            }
        }
    }
    let total = items.len();
    Ok(Json(json!({"right": right.code, "items": items, "total": total, "limit": total, "offset": 0})))
}

pub async fn api_methods() -> Json<Value> {
    let methods: Vec<Value> = METHODS.iter().map(|m| method_view(*m)).collect();
    let total = methods.len();
    Json(json!({"items": methods, "total": total, "limit": total, "offset": 0}))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComparisonQuery {
    city: Option<String>,
    period: Option<String>,
    /// `true` to include the city's rank; never by default.
    #[serde(default)]
    ranks: bool,
}

/// Cities compared on an indicator: distribution, the city's quartile and peers, ranks on request.
pub async fn api_comparison(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    q: Result<axum::extract::Query<ComparisonQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, WebError> {
    let axum::extract::Query(q) = q?;
    let c = state.app.comparison(&ctx.actor, &code, q.city.as_deref(), q.period.as_deref(), q.ranks).await?;
    Ok(Json(json!(c)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::i18n::{I18n, LANGUAGES};

    #[test]
    fn every_method_and_category_has_its_words() {
        let english = I18n::keys(LANGUAGES[0].2);
        let mut missing = Vec::new();
        for &m in METHODS {
            let mut keys = vec![format!("method-{}", m.name), format!("method-{}-about", m.name)];
            keys.extend(rightsmon_analysis::progress::categories(m).iter().map(|c| status_key(m, c.code)));
            missing.extend(keys.into_iter().filter(|k| !english.contains(k)));
        }
        assert!(missing.is_empty(), "locales/en.ftl lacks {missing:?}");
    }
}
