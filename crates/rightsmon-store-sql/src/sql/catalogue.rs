//! The catalogue: indicator definitions, each version kept unchanged.

use super::*;

/// Stores one indicator version within a transaction (see `Store::put_indicator_version`).
pub(super) async fn put_version_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    definition: &IndicatorDefinition,
    at: Timestamp,
) -> StoreResult<Written> {
    bump_generation(tx, "").await?;
    let code = definition.code.as_str().to_owned();
    let city = match &definition.scope {
        rightsmon_domain::catalogue::IndicatorScope::Core => None,
        rightsmon_domain::catalogue::IndicatorScope::Local(city) => Some(city.as_str().to_owned()),
    };
    if let Some(city) = &city
        && !exists(tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", city).await?
    {
        return Err(StoreError::NotFound);
    }
    for theme in &definition.themes {
        if !exists(tx, "SELECT 1 FROM themes WHERE code = $1", theme.as_str()).await? {
            return Err(StoreError::NotFound);
        }
    }
    for link in &definition.rights {
        if !exists(tx, "SELECT 1 FROM rights WHERE code = $1", link.right.as_str()).await? {
            return Err(StoreError::NotFound);
        }
    }
    let text = to_json(definition)?;
    let indicator =
        sqlx::query("SELECT city_code FROM indicators WHERE code = $1").bind(code.clone()).fetch_optional(&mut **tx).await.map_err(err)?;
    match indicator {
        Some(row) => {
            if get::<Option<String>>(&row, "city_code")? != city {
                return Err(StoreError::Conflict { constraint: "indicator_scope".into() });
            }
        }
        None => {
            sqlx::query("INSERT INTO indicators (code, city_code, created_at) VALUES ($1, $2, $3)")
                .bind(code.clone())
                .bind(city.clone())
                .bind(at.seconds())
                .execute(&mut **tx)
                .await
                .map_err(err)?;
        }
    }
    let version = i64::from(definition.version);
    let stored = sqlx::query("SELECT definition FROM indicator_versions WHERE indicator_code = $1 AND version = $2")
        .bind(code.clone())
        .bind(version)
        .fetch_optional(&mut **tx)
        .await
        .map_err(err)?;
    if let Some(row) = stored {
        let stored: IndicatorDefinition = json(&row, "definition")?;
        return if stored == *definition {
            Ok(Written::Unchanged)
        } else {
            Err(StoreError::Conflict { constraint: "indicator_version_immutable".into() })
        };
    }
    let latest: Option<i64> = sqlx::query("SELECT version FROM indicator_versions WHERE indicator_code = $1 AND is_latest")
        .bind(code.clone())
        .fetch_optional(&mut **tx)
        .await
        .map_err(err)?
        .map(|row| get::<i64>(&row, "version"))
        .transpose()?;
    let is_latest = latest.is_none_or(|l| version > l);
    if is_latest {
        sqlx::query("UPDATE indicator_versions SET is_latest = FALSE WHERE indicator_code = $1")
            .bind(code.clone())
            .execute(&mut **tx)
            .await
            .map_err(err)?;
    }
    sqlx::query("INSERT INTO indicator_versions (indicator_code, version, definition, created_at, is_latest) VALUES ($1, $2, $3, $4, $5)")
        .bind(code.clone())
        .bind(version)
        .bind(text)
        .bind(at.seconds())
        .bind(is_latest)
        .execute(&mut **tx)
        .await
        .map_err(err)?;
    for theme in &definition.themes {
        sqlx::query("INSERT INTO indicator_themes (indicator_code, version, theme_code) VALUES ($1, $2, $3)")
            .bind(code.clone())
            .bind(version)
            .bind(theme.as_str().to_owned())
            .execute(&mut **tx)
            .await
            .map_err(err)?;
    }
    for link in &definition.rights {
        sqlx::query("INSERT INTO indicator_rights (indicator_code, version, right_code, link_type) VALUES ($1, $2, $3, $4)")
            .bind(code.clone())
            .bind(version)
            .bind(link.right.as_str().to_owned())
            .bind(link.link_type.as_str())
            .execute(&mut **tx)
            .await
            .map_err(err)?;
    }
    Ok(Written::Created)
}

#[async_trait::async_trait]
impl CatalogueStore for Backend {
    async fn put_indicator_version(&self, definition: &IndicatorDefinition, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Written> {
        in_transaction!(self, tx, {
            let written = put_version_in(&mut tx, definition, at).await?;
            audit_written(&mut tx, audit, written).await
        })
    }

    async fn put_indicator_versions(
        &self,
        definitions: &[IndicatorDefinition],
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Vec<Written>> {
        in_transaction!(self, tx, {
            let mut written = Vec::with_capacity(definitions.len());
            for definition in definitions {
                written.push(put_version_in(&mut tx, definition, at).await?);
            }
            if written.iter().any(|w| *w != Written::Unchanged) {
                audit_in(&mut tx, audit).await?;
            }
            Ok(written)
        })
    }

    async fn list_all_indicator_versions(&self) -> StoreResult<Vec<IndicatorDefinition>> {
        let rows = sqlx::query("SELECT definition FROM indicator_versions ORDER BY indicator_code, version")
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter().map(|row| json(row, "definition")).collect()
    }

    async fn list_retired(&self) -> StoreResult<Vec<rightsmon_store::Retired>> {
        let rows = sqlx::query("SELECT code, retired_at, retirement_reason FROM indicators WHERE retired_at IS NOT NULL ORDER BY code")
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter()
            .map(|row| {
                Ok(rightsmon_store::Retired {
                    indicator: parsed("code", IndicatorCode::parse(&get::<String>(row, "code")?))?,
                    at: Timestamp(get(row, "retired_at")?),
                    reason: get::<Option<String>>(row, "retirement_reason")?.unwrap_or_default(),
                })
            })
            .collect()
    }

    async fn get_indicator(&self, code: &IndicatorCode, version: Option<u32>) -> StoreResult<IndicatorDefinition> {
        let row = sqlx::query(
            "SELECT definition FROM indicator_versions WHERE indicator_code = $1 \
             AND (($2 IS NULL AND is_latest) OR version = $2)",
        )
        .bind(code.as_str().to_owned())
        .bind(version.map(i64::from))
        .fetch_optional(self.pool())
        .await
        .map_err(err)?;
        json(&row.ok_or(StoreError::NotFound)?, "definition")
    }

    async fn list_indicator_versions(&self, code: &IndicatorCode) -> StoreResult<Vec<IndicatorDefinition>> {
        let rows = sqlx::query("SELECT definition FROM indicator_versions WHERE indicator_code = $1 ORDER BY version")
            .bind(code.as_str().to_owned())
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter().map(|row| json(row, "definition")).collect()
    }

    async fn list_indicators(&self, query: &IndicatorQuery) -> StoreResult<Page<IndicatorDefinition>> {
        let (limit, offset) = page_bounds(query.page);
        // The same filter twice: once to count, once for the page.
        let mut count = sqlx::QueryBuilder::<Db>::new("SELECT COUNT(*) AS n");
        let mut items = sqlx::QueryBuilder::<Db>::new("SELECT v.definition");
        for target in [&mut count, &mut items] {
            target.push(" FROM indicator_versions v JOIN indicators i ON i.code = v.indicator_code WHERE v.is_latest");
            match &query.scope {
                Some(None) => {
                    target.push(" AND i.city_code IS NULL");
                }
                Some(Some(city)) => {
                    target.push(" AND i.city_code = ").push_bind(city.as_str().to_owned());
                }
                None => {}
            }
            if let Some(city) = &query.available_in {
                target.push(" AND (i.city_code IS NULL OR i.city_code = ").push_bind(city.as_str().to_owned()).push(")");
            }
            if let Some(theme) = &query.theme {
                target
                    .push(" AND EXISTS (SELECT 1 FROM indicator_themes t WHERE t.indicator_code = v.indicator_code AND t.version = v.version AND t.theme_code = ")
                    .push_bind(theme.as_str().to_owned())
                    .push(")");
            }
            if query.right.is_some() || query.link_type.is_some() {
                target.push(
                    " AND EXISTS (SELECT 1 FROM indicator_rights r WHERE r.indicator_code = v.indicator_code AND r.version = v.version",
                );
                if let Some(right) = &query.right {
                    target
                        .push(" AND (r.right_code = ")
                        .push_bind(right.as_str().to_owned())
                        .push(" OR r.right_code IN (SELECT code FROM rights WHERE parent_code = ")
                        .push_bind(right.as_str().to_owned())
                        .push("))");
                }
                if let Some(link_type) = query.link_type {
                    target.push(" AND r.link_type = ").push_bind(link_type.as_str());
                }
                target.push(")");
            }
            if let Some(text) = query.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                let pattern = format!("%{escaped}%");
                target
                    .push(" AND (LOWER(v.indicator_code) LIKE ")
                    .push_bind(pattern.clone())
                    .push(" ESCAPE '\\' OR LOWER(v.definition) LIKE ")
                    .push_bind(pattern)
                    .push(" ESCAPE '\\')");
            }
            if query.exclude_retired {
                target.push(" AND i.retired_at IS NULL");
            }
        }
        items.push(" ORDER BY v.indicator_code LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
        let total: i64 = get(&count.build().fetch_one(self.pool()).await.map_err(err)?, "n")?;
        let rows = items.build().fetch_all(self.pool()).await.map_err(err)?;
        Ok(Page {
            items: rows.iter().map(|row| json(row, "definition")).collect::<StoreResult<_>>()?,
            total: u64::try_from(total).unwrap_or(0),
            limit: query.page.limit(),
            offset: query.page.offset(),
        })
    }
}
