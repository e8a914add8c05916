//! Areas (network, cities, districts) and the outlines of districts.

use super::*;

/// Creates or updates an area inside a transaction; its parent must exist and be of
/// the kind above it, and an area never changes kind.
pub(super) async fn write_area(tx: &mut sqlx::Transaction<'_, Db>, area: &Area) -> StoreResult<Written> {
    bump_generation(tx, "").await?;
    if let Some(parent) = &area.parent {
        let row = sqlx::query("SELECT kind FROM areas WHERE code = $1")
            .bind(parent.as_str().to_owned())
            .fetch_optional(&mut **tx)
            .await
            .map_err(err)?
            .ok_or(StoreError::NotFound)?;
        let parent_kind = parsed("kind", AreaKind::parse(&get::<String>(&row, "kind")?))?;
        if Some(parent_kind) != area.kind.parent_kind() {
            return Err(StoreError::Conflict { constraint: "area_parent_kind".into() });
        }
    }
    let existing = sqlx::query(
        "SELECT code, kind, parent_code, name, local_name, country, language, is_observer, valid_from, valid_to \
         FROM areas WHERE code = $1",
    )
    .bind(area.code.as_str().to_owned())
    .fetch_optional(&mut **tx)
    .await
    .map_err(err)?;
    let written = match existing {
        Some(row) => {
            let stored = area_of(&row)?;
            if stored == *area {
                return Ok(Written::Unchanged);
            }
            if stored.kind != area.kind {
                return Err(StoreError::Conflict { constraint: "area_kind".into() });
            }
            Written::Updated
        }
        None => Written::Created,
    };
    let sql = if written == Written::Created {
        "INSERT INTO areas (kind, parent_code, name, local_name, country, language, is_observer, valid_from, valid_to, code) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    } else {
        "UPDATE areas SET kind = $1, parent_code = $2, name = $3, local_name = $4, country = $5, language = $6, \
         is_observer = $7, valid_from = $8, valid_to = $9 WHERE code = $10"
    };
    sqlx::query(sql)
        .bind(area.kind.as_str())
        .bind(area.parent.as_ref().map(|p| p.as_str().to_owned()))
        .bind(area.name.clone())
        .bind(area.local_name.clone())
        .bind(area.country.as_ref().map(|c| c.as_str().to_owned()))
        .bind(area.language.as_ref().map(|l| l.as_str().to_owned()))
        .bind(area.is_observer)
        .bind(area.valid_from.map(|d| d.to_string()))
        .bind(area.valid_to.map(|d| d.to_string()))
        .bind(area.code.as_str().to_owned())
        .execute(&mut **tx)
        .await
        .map_err(err)?;
    Ok(written)
}

pub(super) fn area_of(row: &DbRow) -> StoreResult<Area> {
    let optional_date = |column: &str| -> StoreResult<Option<Date>> {
        get::<Option<String>>(row, column)?.map(|d| parsed(column, Date::parse(&d))).transpose()
    };
    Ok(Area {
        code: parsed("code", AreaCode::parse(&get::<String>(row, "code")?))?,
        kind: parsed("kind", AreaKind::parse(&get::<String>(row, "kind")?))?,
        parent: get::<Option<String>>(row, "parent_code")?.map(|p| parsed("parent_code", AreaCode::parse(&p))).transpose()?,
        name: get(row, "name")?,
        local_name: get(row, "local_name")?,
        country: get::<Option<String>>(row, "country")?
            .map(|c| parsed("country", rightsmon_domain::area::CountryCode::parse(&c)))
            .transpose()?,
        language: get::<Option<String>>(row, "language")?
            .map(|c| parsed("language", rightsmon_domain::text::LanguageCode::parse(&c)))
            .transpose()?,
        is_observer: get(row, "is_observer")?,
        valid_from: optional_date("valid_from")?,
        valid_to: optional_date("valid_to")?,
    })
}

#[async_trait::async_trait]
impl AreaStore for Backend {
    async fn upsert_area(&self, area: &Area, audit: &NewAuditEvent) -> StoreResult<Written> {
        in_transaction!(self, tx, {
            let written = write_area(&mut tx, area).await?;
            audit_written(&mut tx, audit, written).await
        })
    }

    async fn replace_boundaries(
        &self,
        city: &AreaCode,
        districts: &[(Area, Boundary)],
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<()> {
        in_transaction!(self, tx, {
            bump_generation(&mut tx, "").await?;
            let row = sqlx::query("SELECT kind FROM areas WHERE code = $1")
                .bind(city.as_str().to_owned())
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?
                .ok_or(StoreError::NotFound)?;
            if parsed("kind", AreaKind::parse(&get::<String>(&row, "kind")?))? != AreaKind::City {
                return Err(StoreError::Conflict { constraint: "boundary_city".into() });
            }
            for (area, boundary) in districts {
                if area.kind != AreaKind::District || area.parent.as_ref() != Some(city) || boundary.area != area.code {
                    return Err(StoreError::Conflict { constraint: "boundary_district".into() });
                }
                let existing = sqlx::query("SELECT kind, parent_code FROM areas WHERE code = $1")
                    .bind(area.code.as_str().to_owned())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(err)?;
                if let Some(row) = existing
                    && get::<Option<String>>(&row, "parent_code")?.as_deref() != Some(city.as_str())
                {
                    return Err(StoreError::Conflict { constraint: "boundary_district".into() });
                }
                write_area(&mut tx, area).await?;
            }
            sqlx::query("DELETE FROM area_boundaries WHERE city_code = $1")
                .bind(city.as_str().to_owned())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            for (area, boundary) in districts {
                let geometry = serde_json::to_string(&boundary.polygons).map_err(|e| StoreError::Backend(e.into()))?;
                sqlx::query("INSERT INTO area_boundaries (area_code, city_code, geometry, updated_at) VALUES ($1, $2, $3, $4)")
                    .bind(area.code.as_str().to_owned())
                    .bind(city.as_str().to_owned())
                    .bind(geometry)
                    .bind(at.seconds())
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
            }
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn list_boundaries(&self, city: &AreaCode) -> StoreResult<Vec<Boundary>> {
        let rows = sqlx::query("SELECT area_code, geometry FROM area_boundaries WHERE city_code = $1 ORDER BY area_code")
            .bind(city.as_str().to_owned())
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter()
            .map(|row| {
                Ok(Boundary {
                    area: parsed("area_code", AreaCode::parse(&get::<String>(row, "area_code")?))?,
                    polygons: json(row, "geometry")?,
                })
            })
            .collect()
    }

    async fn get_area(&self, code: &AreaCode) -> StoreResult<Area> {
        let row = sqlx::query(
            "SELECT code, kind, parent_code, name, local_name, country, language, is_observer, valid_from, valid_to \
             FROM areas WHERE code = $1",
        )
        .bind(code.as_str().to_owned())
        .fetch_optional(self.pool())
        .await
        .map_err(err)?;
        area_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_areas(&self, kind: Option<AreaKind>, parent: Option<&AreaCode>) -> StoreResult<Vec<Area>> {
        let rows = sqlx::query(
            "SELECT code, kind, parent_code, name, local_name, country, language, is_observer, valid_from, valid_to \
             FROM areas WHERE ($1 IS NULL OR kind = $1) AND ($2 IS NULL OR parent_code = $2) ORDER BY code",
        )
        .bind(kind.map(AreaKind::as_str))
        .bind(parent.map(|p| p.as_str().to_owned()))
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        rows.iter().map(area_of).collect()
    }
}
