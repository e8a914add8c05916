//! Who is behind: the reporting status of the network and of each city.

use crate::WebState;
use crate::catalogue::localised;
use crate::context::Ctx;
use crate::error::WebError;
use axum::extract::{Path, State};
use axum::response::Html;
use rightsmon_app::reporting::{CityReporting, CycleStatus};
use serde_json::{Value, json};

/// A share as a whole percentage, if there is anything to share.
fn percent(part: Option<usize>, whole: usize) -> Option<u64> {
    let part = part?;
    (whole > 0).then(|| ((part as f64) * 100.0 / (whole as f64)).round() as u64)
}

fn cycle_view(c: &CycleStatus, lang: &str) -> Value {
    json!({
        "id": c.cycle.id,
        "name": c.cycle.cycle.name,
        "period": c.cycle.cycle.period.to_string(),
        "deadline": c.cycle.cycle.deadline.to_string(),
        "past_deadline": c.past_deadline,
        "expected": c.expected,
        "received": c.received,
        "validated": c.validated,
        "published": c.published,
        "on_time": c.on_time,
        "overdue": c.overdue,
        "completeness": percent(c.received.or(Some(c.published)), c.expected),
        "timeliness": percent(c.on_time, c.expected),
        "indicators": c.indicators.iter().map(|i| json!({
            "code": i.indicator,
            "name": localised(&i.name, lang),
            "state": i.state.map(|s| s.as_str()),
            "on_time": i.on_time,
            "overdue": i.overdue,
        })).collect::<Vec<_>>(),
    })
}

fn city_view(r: &CityReporting, lang: &str) -> Value {
    json!({
        "code": r.city.code,
        "name": r.city.name,
        "adopted": r.adopted,
        "not_expected": r.not_expected,
        "member_view": r.member_view,
        "cycles": r.cycles.iter().map(|c| cycle_view(c, lang)).collect::<Vec<_>>(),
        "overdue": r.cycles.iter().map(|c| c.overdue).sum::<usize>(),
    })
}

/// Every city's reporting cycles: expected, in, published, overdue.
pub async fn network_page(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>, WebError> {
    let cities: Vec<Value> = state.app.network_reporting(&ctx.actor).await?.iter().map(|r| city_view(r, &ctx.lang)).collect();
    Ok(Html(state.render("reporting.html", &ctx, json!({"cities": cities}))?))
}

/// One city's reporting cycles, indicator by indicator.
pub async fn city_page(State(state): State<WebState>, ctx: Ctx, Path(code): Path<String>) -> Result<Html<String>, WebError> {
    let reporting = state.app.city_reporting(&ctx.actor, &code).await?;
    Ok(Html(state.render("city_reporting.html", &ctx, json!({"city": city_view(&reporting, &ctx.lang)}))?))
}
