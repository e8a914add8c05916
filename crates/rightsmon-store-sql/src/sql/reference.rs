//! Reference data: themes, rights and codelists.

use super::*;

pub(super) fn theme_of(row: &DbRow) -> StoreResult<Theme> {
    Ok(Theme {
        code: parsed("code", ThemeCode::parse(&get::<String>(row, "code")?))?,
        is_agreed_area: get(row, "is_agreed_area")?,
        position: u32_of("position", get(row, "position")?)?,
        name: json(row, "name")?,
        description: optional_json(row, "description")?,
    })
}

pub(super) fn right_of(row: &DbRow) -> StoreResult<Right> {
    let parent: Option<String> = get(row, "parent_code")?;
    Right::new(
        parsed("code", RightCode::parse(&get::<String>(row, "code")?))?,
        parent.map(|p| parsed("parent_code", RightCode::parse(&p))).transpose()?,
        u32_of("position", get(row, "position")?)?,
        json(row, "name")?,
        optional_json(row, "description")?,
    )
    .map_err(|e| corrupt("rights", e))
}

/// Replaces a codelist and its codes within a transaction.
pub(super) async fn codelist_in(tx: &mut sqlx::Transaction<'_, Db>, codelist: &Codelist) -> StoreResult<()> {
    bump_generation(tx, "").await?;
    let id = codelist.id().as_str().to_owned();
    sqlx::query("DELETE FROM codes WHERE codelist_id = $1").bind(id.clone()).execute(&mut **tx).await.map_err(err)?;
    sqlx::query("DELETE FROM codelists WHERE id = $1").bind(id.clone()).execute(&mut **tx).await.map_err(err)?;
    sqlx::query("INSERT INTO codelists (id, dimension, name) VALUES ($1, $2, $3)")
        .bind(id.clone())
        .bind(codelist.dimension().as_str().to_owned())
        .bind(to_json(codelist.name())?)
        .execute(&mut **tx)
        .await
        .map_err(err)?;
    for (position, item) in codelist.codes().iter().enumerate() {
        sqlx::query("INSERT INTO codes (codelist_id, code, position, name) VALUES ($1, $2, $3, $4)")
            .bind(id.clone())
            .bind(item.code.as_str().to_owned())
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(to_json(&item.name)?)
            .execute(&mut **tx)
            .await
            .map_err(err)?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl ReferenceStore for Backend {
    async fn upsert_theme(&self, theme: &Theme, audit: &NewAuditEvent) -> StoreResult<Written> {
        in_transaction!(self, tx, {
            let existing = sqlx::query("SELECT code, is_agreed_area, position, name, description FROM themes WHERE code = $1")
                .bind(theme.code.as_str().to_owned())
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?;
            let (sql, written) = match existing {
                Some(row) if theme_of(&row)? == *theme => return Ok(Written::Unchanged),
                Some(_) => {
                    ("UPDATE themes SET is_agreed_area = $1, position = $2, name = $3, description = $4 WHERE code = $5", Written::Updated)
                }
                None => {
                    ("INSERT INTO themes (is_agreed_area, position, name, description, code) VALUES ($1, $2, $3, $4, $5)", Written::Created)
                }
            };
            sqlx::query(sql)
                .bind(theme.is_agreed_area)
                .bind(i64::from(theme.position))
                .bind(to_json(&theme.name)?)
                .bind(theme.description.as_ref().map(to_json).transpose()?)
                .bind(theme.code.as_str().to_owned())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_written(&mut tx, audit, written).await
        })
    }

    async fn list_themes(&self) -> StoreResult<Vec<Theme>> {
        let rows = sqlx::query("SELECT code, is_agreed_area, position, name, description FROM themes ORDER BY position, code")
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter().map(theme_of).collect()
    }

    async fn upsert_right(&self, right: &Right, audit: &NewAuditEvent) -> StoreResult<Written> {
        in_transaction!(self, tx, {
            if let Some(parent) = &right.parent
                && !exists(&mut tx, "SELECT 1 FROM rights WHERE code = $1", parent.as_str()).await?
            {
                return Err(StoreError::NotFound);
            }
            let existing = sqlx::query("SELECT code, parent_code, position, name, description FROM rights WHERE code = $1")
                .bind(right.code.as_str().to_owned())
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?;
            let (sql, written) = match existing {
                Some(row) if right_of(&row)? == *right => return Ok(Written::Unchanged),
                Some(_) => (
                    "UPDATE rights SET kind = $1, parent_code = $2, position = $3, name = $4, description = $5 WHERE code = $6",
                    Written::Updated,
                ),
                None => (
                    "INSERT INTO rights (kind, parent_code, position, name, description, code) VALUES ($1, $2, $3, $4, $5, $6)",
                    Written::Created,
                ),
            };
            sqlx::query(sql)
                .bind(right.kind().as_str())
                .bind(right.parent.as_ref().map(|p| p.as_str().to_owned()))
                .bind(i64::from(right.position))
                .bind(to_json(&right.name)?)
                .bind(right.description.as_ref().map(to_json).transpose()?)
                .bind(right.code.as_str().to_owned())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_written(&mut tx, audit, written).await
        })
    }

    async fn list_rights(&self, kind: Option<RightKind>) -> StoreResult<Vec<Right>> {
        let rows = sqlx::query(
            "SELECT code, parent_code, position, name, description FROM rights \
             WHERE ($1 IS NULL OR kind = $1) ORDER BY kind, position, code",
        )
        .bind(kind.map(RightKind::as_str))
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        rows.iter().map(right_of).collect()
    }

    async fn upsert_codelist(&self, codelist: &Codelist, audit: &NewAuditEvent) -> StoreResult<Written> {
        let existing = self.list_codelists().await?.into_iter().find(|c| c.id() == codelist.id());
        if existing.as_ref() == Some(codelist) {
            return Ok(Written::Unchanged);
        }
        in_transaction!(self, tx, {
            codelist_in(&mut tx, codelist).await?;
            audit_written(&mut tx, audit, if existing.is_some() { Written::Updated } else { Written::Created }).await
        })
    }

    async fn list_codelists(&self) -> StoreResult<Vec<Codelist>> {
        let lists = sqlx::query("SELECT id, dimension, name FROM codelists ORDER BY id").fetch_all(self.pool()).await.map_err(err)?;
        let codes = sqlx::query("SELECT codelist_id, code, name FROM codes ORDER BY codelist_id, position")
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        let mut result = Vec::with_capacity(lists.len());
        for list in &lists {
            let id: String = get(list, "id")?;
            let mut items = Vec::new();
            for row in codes.iter() {
                if get::<String>(row, "codelist_id")? == id {
                    items.push(CodeItem { code: parsed("code", Code::parse(&get::<String>(row, "code")?))?, name: json(row, "name")? });
                }
            }
            result.push(
                Codelist::new(
                    parsed("id", DimensionId::parse(&id))?,
                    parsed("dimension", DimensionId::parse(&get::<String>(list, "dimension")?))?,
                    json(list, "name")?,
                    items,
                )
                .map_err(|e| corrupt("codelists", e))?,
            );
        }
        Ok(result)
    }
}
