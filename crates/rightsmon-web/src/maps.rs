//! District outlines in the workspace: a city's coordinators upload them as GeoJSON and see the
//! districts drawn; indicator pages then show their values as a map.

use crate::WebState;
use crate::charts;
use crate::context::Ctx;
use crate::error::WebError;
use crate::upload;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rightsmon_app::maps::BoundaryReport;
use rightsmon_domain::access::Permission;
use rightsmon_domain::area::Boundary;
use serde_json::{Value, json};

/// The largest GeoJSON file the page takes.
const MAX_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Default, serde::Deserialize)]
pub struct DistrictsQuery {
    #[serde(default)]
    city: String,
}

/// The cities the reader may manage, by name.
async fn managed_cities(state: &WebState, ctx: &Ctx) -> Result<Vec<rightsmon_domain::area::Area>, WebError> {
    let cities = state.app.network_overview().await?.cities;
    Ok(cities.into_iter().filter(|c| ctx.actor.may(Permission::ManageCity(&c.code))).collect())
}

/// A city's outlines drawn plainly, for the page that manages them.
pub fn outline_map(boundaries: &[Boundary], names: &[(String, String)]) -> Option<charts::Map> {
    charts::choropleth(&charts::outlines(boundaries, names), &[], 0)
}

async fn page(state: &WebState, ctx: &Ctx, city: &str, report: Option<BoundaryReport>, status: StatusCode) -> Result<Response, WebError> {
    let cities = managed_cities(state, ctx).await?;
    if cities.is_empty() {
        return Err(WebError::App(rightsmon_app::AppError::Forbidden));
    }
    let chosen = cities.iter().find(|c| c.code.as_str() == city).unwrap_or(&cities[0]);
    let districts = state.app.districts(&chosen.code).await?;
    let names: Vec<(String, String)> = districts.iter().map(|d| (d.code.to_string(), d.name.clone())).collect();
    let boundaries = state.app.boundaries(chosen.code.as_str()).await?;
    let rows: Vec<Value> = districts
        .iter()
        .map(|d| json!({"code": d.code, "name": d.name, "outlined": boundaries.iter().any(|b| b.area == d.code)}))
        .collect();
    let page = json!({
        "cities": cities.iter().map(|c| json!({"code": c.code, "name": c.name})).collect::<Vec<_>>(),
        "city": {"code": chosen.code, "name": chosen.name},
        "districts": rows,
        "map": outline_map(&boundaries, &names),
        "report": report,
    });
    Ok((status, Html(state.render("districts.html", ctx, page)?)).into_response())
}

/// The districts of a city the reader manages, their outlines, and the form to upload new ones.
pub async fn districts_page(
    State(state): State<WebState>,
    ctx: Ctx,
    q: Result<Query<DistrictsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, WebError> {
    let Query(q) = q?;
    page(&state, &ctx, &q.city, None, StatusCode::OK).await
}

/// Receives a GeoJSON file of district outlines; stores all of them or none, with a report.
pub async fn upload_districts(
    State(state): State<WebState>,
    ctx: Ctx,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    // Who may upload is known before a byte of the file is read.
    let cities = managed_cities(&state, &ctx).await?;
    if cities.is_empty() {
        return Err(WebError::App(rightsmon_app::AppError::Forbidden));
    }
    let mut multipart = multipart?;
    let (mut city, mut file): (String, Option<Vec<u8>>) = (String::new(), None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(e.into()),
        };
        match field.name().unwrap_or_default() {
            "city" => city = upload::text(field).await?,
            "file" => {
                if !city.is_empty() && !cities.iter().any(|c| c.code.as_str() == city) {
                    return Err(WebError::App(rightsmon_app::AppError::Forbidden));
                }
                let too_large = || {
                    WebError::BadRequest(format!(
                        "the file is larger than {} MB, the limit for district outlines",
                        MAX_BYTES / (1024 * 1024)
                    ))
                };
                file = Some(upload::bytes_within(field, MAX_BYTES, too_large).await?);
            }
            _ => {}
        }
    }
    let report = match file.filter(|f| !f.is_empty()) {
        Some(bytes) => state.app.upload_boundaries(&ctx.actor, &city, &bytes).await?,
        None => BoundaryReport { problems: vec![state.i18n.message(&ctx.lang, "import-no-file", &[])], ..BoundaryReport::default() },
    };
    let status = if report.stored { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page(&state, &ctx, &city, Some(report), status).await
}
