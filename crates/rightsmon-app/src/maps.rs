//! District outlines for maps: a city's coordinators upload them as GeoJSON, checked feature by
//! feature and simplified, and stored whole or not at all; the districts they name are created
//! where they are new.

use crate::{App, AppError, AppResult};
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::area::{Area, AreaDraft, AreaKind, Boundary};
use rightsmon_store::StoreError;
use serde::Serialize;

/// What an upload of outlines did, or why it did nothing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BoundaryReport {
    /// Whether the outlines were stored (all of them) or not (none).
    pub stored: bool,
    /// Every problem found, each naming its feature.
    pub problems: Vec<String>,
    /// The districts of the file: code, name, and whether the upload created it.
    pub districts: Vec<(String, String, bool)>,
    pub positions_read: usize,
    pub positions_kept: usize,
}

impl App {
    /// Replaces the district outlines of `city` with those of a GeoJSON file. Needs the right to
    /// manage the city. A feature whose code belongs to an area that is not one of the city's
    /// districts is a problem; any problem stores nothing.
    pub async fn upload_boundaries(&self, actor: &Actor, city: &str, bytes: &[u8]) -> AppResult<BoundaryReport> {
        let city = self.city(city).await?;
        if !actor.may(Permission::ManageCity(&city.code)) {
            return Err(AppError::Forbidden);
        }
        let mut report = BoundaryReport::default();
        let outlines = match rightsmon_formats::geojson::read(bytes, None) {
            Ok(outlines) => outlines,
            Err(errors) => {
                report.problems = errors.iter().map(ToString::to_string).collect();
                return Ok(report);
            }
        };
        (report.positions_read, report.positions_kept) = (outlines.positions_read, outlines.positions_kept);
        let mut districts = Vec::with_capacity(outlines.districts.len());
        for (i, outline) in outlines.districts.into_iter().enumerate() {
            let existing = match self.store.get_area(&outline.code).await {
                Ok(area) => Some(area),
                Err(StoreError::NotFound) => None,
                Err(other) => return Err(other.into()),
            };
            let (area, created) = match existing {
                Some(area) if area.kind == AreaKind::District && area.parent.as_ref() == Some(&city.code) => {
                    (Area { name: outline.name.clone(), ..area }, false)
                }
                Some(area) => {
                    report.problems.push(format!(
                        "feature {}: the code {:?} belongs to {} ({}), not to a district of {}",
                        i + 1,
                        outline.code.as_str(),
                        area.name,
                        area.kind.as_str(),
                        city.name
                    ));
                    continue;
                }
                None => {
                    let draft = AreaDraft {
                        code: outline.code.to_string(),
                        kind: AreaKind::District.as_str().into(),
                        parent: Some(city.code.to_string()),
                        name: outline.name.clone(),
                        ..AreaDraft::default()
                    };
                    match Area::parse(&draft) {
                        Ok(area) => (area, true),
                        Err(errors) => {
                            report.problems.push(format!("feature {}: {errors}", i + 1));
                            continue;
                        }
                    }
                }
            };
            report.districts.push((area.code.to_string(), area.name.clone(), created));
            districts.push((area.clone(), Boundary { area: area.code.clone(), polygons: outline.polygons }));
        }
        if !report.problems.is_empty() {
            report.districts.clear();
            return Ok(report);
        }
        let event = self.event(
            actor.user().map(|u| u.id),
            "boundaries.replaced",
            format!("area:{}", city.code),
            serde_json::json!({"districts": districts.len(), "positions": report.positions_kept}),
        );
        self.store.replace_boundaries(&city.code, &districts, self.now(), &event).await?;
        report.stored = true;
        Ok(report)
    }

    /// The district outlines of a city (public, like the districts themselves).
    pub async fn boundaries(&self, city: &str) -> AppResult<Vec<Boundary>> {
        let city = self.city(city).await?;
        Ok(self.store.list_boundaries(&city.code).await?)
    }
}
