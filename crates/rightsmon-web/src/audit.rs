//! The audit log for the network coordinator: the verification of its whole hash chain, its
//! head to write down, and its latest entries.

use crate::WebState;
use crate::context::Ctx;
use crate::error::WebError;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Html;
use rightsmon_app::audit::AuditHead;
use serde::Deserialize;
use serde_json::json;

/// Entries shown.
const LATEST: u32 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    expect: String,
}

pub async fn page(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Html<String>, WebError> {
    let Query(query) = query?;
    let expect = query.expect.trim();
    let expected = if expect.is_empty() { None } else { AuditHead::parse(expect) };
    let verification = state.app.verify_audit(Some(&ctx.actor), expected.as_ref()).await?;
    let entries: Vec<_> = state
        .app
        .recent_audit(&ctx.actor, LATEST)
        .await?
        .into_iter()
        .map(|e| {
            json!({
                "id": e.id,
                "at": rightsmon_domain::time::Date::of_timestamp(e.event.at).to_string(),
                "actor": e.event.actor_user_id,
                "action": e.event.action,
                "subject": e.event.subject,
            })
        })
        .collect();
    let page = json!({
        "entries": verification.entries,
        "head": verification.head.as_ref().map(ToString::to_string),
        "problem": verification.problem.as_ref().map(|p| &p.message),
        "expect": expect,
        "expect_unreadable": !expect.is_empty() && expected.is_none(),
        "latest": entries,
    });
    Ok(Html(state.render("audit.html", &ctx, page)?))
}
