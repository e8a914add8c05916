//! Pages of the indicator catalogue: browsing and searching, and one indicator in full.

use crate::WebState;
use crate::context::Ctx;
use crate::error::WebError;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use rightsmon_app::catalogue::IndicatorFilter;
use rightsmon_domain::catalogue::IndicatorDefinition;
use rightsmon_domain::right::RightKind;
use rightsmon_domain::text::Texts;
use serde::Deserialize;
use serde_json::{Value, json};

const PAGE_SIZE: u32 = 50;

pub fn localised(texts: &Texts, lang: &str) -> Value {
    let chosen = texts.get(lang);
    json!({"text": chosen.text, "lang": chosen.language, "fallback": chosen.is_fallback})
}

fn optional_localised(texts: &Option<Texts>, lang: &str) -> Value {
    texts.as_ref().map_or(Value::Null, |t| localised(t, lang))
}

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    right: String,
    #[serde(default, rename = "type")]
    link_type: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    include_retired: Option<String>,
    /// Read as text: a page number typed wrongly starts at the first page.
    #[serde(default)]
    offset: String,
}

/// An indicator as a row of a list.
pub fn summary(definition: &IndicatorDefinition, lang: &str) -> Value {
    let mut types: Vec<&str> = definition.rights.iter().map(|l| l.link_type.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    json!({
        "code": definition.code,
        "version": definition.version,
        "name": localised(&definition.name, lang),
        "themes": definition.themes,
        "types": types,
        "unit": rightsmon_app::translations::translations().unit(&definition.unit, lang),
        "city": match &definition.scope {
            rightsmon_domain::catalogue::IndicatorScope::Core => None,
            rightsmon_domain::catalogue::IndicatorScope::Local(city) => Some(city.to_string()),
        },
    })
}

pub async fn list(
    State(state): State<WebState>,
    ctx: Ctx,
    query: Result<Query<CatalogueQuery>, QueryRejection>,
) -> Result<Html<String>, WebError> {
    let Query(query) = query?;
    let offset = query.offset.trim().parse::<u64>().unwrap_or(0);
    let filter = IndicatorFilter {
        city: Some(query.city.clone()),
        theme: Some(query.theme.clone()),
        right: Some(query.right.clone()),
        link_type: Some(query.link_type.clone()),
        text: Some(query.q.clone()),
        include_retired: query.include_retired.is_some(),
        limit: Some(PAGE_SIZE),
        offset: Some(offset),
        ..IndicatorFilter::default()
    };
    let (page, error) = match state.app.indicators(&filter).await {
        Ok(page) => (Some(page), None),
        Err(rightsmon_app::AppError::Invalid(errors)) => (None, Some(errors.to_string())),
        Err(other) => return Err(other.into()),
    };
    let overview = state.app.network_overview().await?;
    let themes: Vec<Value> = overview.themes.iter().map(|t| json!({"code": t.code, "name": localised(&t.name, &ctx.lang)})).collect();
    let titles = state.app.rights(Some(RightKind::CharterTitle.as_str())).await?;
    let articles = state.app.rights(Some(RightKind::CharterArticle.as_str())).await?;
    let norms = state.app.rights(Some(RightKind::Norm.as_str())).await?;
    let charter: Vec<Value> = titles
        .iter()
        .map(|title| {
            json!({
                "code": title.code,
                "name": localised(&title.name, &ctx.lang),
                "articles": articles
                    .iter()
                    .filter(|a| a.parent.as_ref() == Some(&title.code))
                    .map(|a| json!({"code": a.code, "number": a.position, "name": localised(&a.name, &ctx.lang)}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let norms: Vec<Value> = norms.iter().map(|n| json!({"code": n.code, "name": localised(&n.name, &ctx.lang)})).collect();
    let link = |offset: u64| {
        let mut pairs: Vec<String> = Vec::new();
        for (key, value) in
            [("q", &query.q), ("theme", &query.theme), ("right", &query.right), ("type", &query.link_type), ("city", &query.city)]
        {
            if !value.is_empty() {
                pairs.push(format!("{key}={}", urlencode(value)));
            }
        }
        if query.include_retired.is_some() {
            pairs.push("include_retired=on".into());
        }
        pairs.push(format!("offset={offset}"));
        format!("/indicators?{}", pairs.join("&"))
    };
    let (items, total, previous, next) = match &page {
        Some(page) => {
            let previous = (offset > 0).then(|| link(offset.saturating_sub(u64::from(PAGE_SIZE))));
            let next = (offset + (page.items.len() as u64) < page.total).then(|| link(offset + u64::from(PAGE_SIZE)));
            (page.items.iter().map(|d| summary(d, &ctx.lang)).collect::<Vec<_>>(), page.total, previous, next)
        }
        None => (Vec::new(), 0, None, None),
    };
    let page = json!({
        "query": {"q": query.q, "theme": query.theme, "right": query.right, "type": query.link_type, "city": query.city, "include_retired": query.include_retired.is_some()},
        "themes": themes,
        "charter": charter,
        "norms": norms,
        "cities": overview.cities,
        "items": items,
        "total": total,
        "previous": previous,
        "next": next,
        "error": error,
    });
    Ok(Html(state.render("indicators.html", &ctx, page)?))
}

pub fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// The names of the dimensions values are broken down by, in the reader's language, by code.
pub async fn dimension_names(state: &WebState, lang: &str) -> Result<std::collections::BTreeMap<String, String>, WebError> {
    Ok(state.app.codelists().await?.iter().map(|c| (c.dimension().to_string(), c.name().get(lang).text.to_owned())).collect())
}

/// An indicator definition for a page, texts in the reader's language.
pub fn definition_page(definition: &IndicatorDefinition, lang: &str) -> Value {
    json!({
        "code": definition.code,
        "version": definition.version,
        "city": match &definition.scope {
            rightsmon_domain::catalogue::IndicatorScope::Core => None,
            rightsmon_domain::catalogue::IndicatorScope::Local(city) => Some(city.to_string()),
        },
        "name": localised(&definition.name, lang),
        "definition": localised(&definition.definition, lang),
        "rationale": optional_localised(&definition.rationale, lang),
        "computation": definition.computation.as_ref().map(|c| json!({
            "numerator": optional_localised(&c.numerator, lang),
            "denominator": optional_localised(&c.denominator, lang),
            "formula": optional_localised(&c.formula, lang),
            "survey_question": optional_localised(&c.survey_question, lang),
        })),
        "unit": rightsmon_app::translations::translations().unit(&definition.unit, lang),
        "decimals": definition.decimals,
        "direction": definition.direction.as_str(),
        "value_type": definition.value_type.as_str(),
        "additivity": definition.additivity.as_str(),
        "lower_limit": definition.lower_limit,
        "upper_limit": definition.upper_limit,
        "target_band": definition.target_band,
        "disaggregations": definition.disaggregations.iter().map(|c| c.iter().map(ToString::to_string).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "frequency": definition.frequency.as_str(),
        "source": definition.source,
        "provider": definition.suggested_provider.map(|p| p.as_str()),
        "themes": definition.themes,
        "rights": definition.rights.iter().map(|l| json!({"right": l.right, "type": l.link_type.as_str(), "attribute": l.attribute.as_deref().map(|a| rightsmon_app::translations::translations().attribute(a, lang))})).collect::<Vec<_>>(),
        "comparability": optional_localised(&definition.comparability, lang),
        "compares_with": definition.compares_with.as_ref().map(|c| json!({"core": c.core, "level": c.level.as_str(), "note": optional_localised(&c.note, lang)})),
        "breaks_series": definition.breaks_series,
    })
}

#[derive(Debug, Deserialize)]
pub struct IndicatorPageQuery {
    version: Option<u32>,
}

pub async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(code): Path<String>,
    query: Result<Query<IndicatorPageQuery>, QueryRejection>,
) -> Result<Html<String>, WebError> {
    let Query(query) = query?;
    let detail = state.app.indicator_detail(&code).await?;
    let shown = match query.version {
        Some(version) => detail.versions.iter().find(|d| d.version == version).ok_or(WebError::App(rightsmon_app::AppError::NotFound))?,
        None => &detail.indicator,
    };
    let rights = state.app.rights(None).await?;
    let right_names: serde_json::Map<String, Value> = rights.iter().map(|r| (r.code.to_string(), localised(&r.name, &ctx.lang))).collect();
    let themes = state.app.themes().await?;
    let theme_names: serde_json::Map<String, Value> = themes.iter().map(|t| (t.code.to_string(), localised(&t.name, &ctx.lang))).collect();
    let cities = state.app.network_overview().await?.cities;
    let city_names: serde_json::Map<String, Value> = cities.iter().map(|c| (c.code.to_string(), json!(c.name))).collect();
    let page = json!({
        "indicator": definition_page(shown, &ctx.lang),
        "dimension_names": dimension_names(&state, &ctx.lang).await?,
        "latest_version": detail.indicator.version,
        "versions": detail.versions.iter().map(|d| json!({"version": d.version, "breaks_series": d.breaks_series})).collect::<Vec<_>>(),
        "retired": detail.retired,
        "adoptions": detail.adoptions,
        "right_names": right_names,
        "theme_names": theme_names,
        "city_names": city_names,
    });
    Ok(Html(state.render("indicator.html", &ctx, page)?))
}
