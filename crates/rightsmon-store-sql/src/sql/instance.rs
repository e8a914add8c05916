//! The instance as a whole: export, import into an empty database, schema, backup.

use super::*;

/// Inserts rows of an instance's table, each value bound as its column's kind.
pub(super) async fn insert_instance_rows(
    tx: &mut sqlx::Transaction<'_, Db>,
    table: &rightsmon_store::instance::TableSpec,
    rows: &[Vec<serde_json::Value>],
) -> StoreResult<()> {
    use rightsmon_store::instance::ColumnKind;
    let overriding = if table.identity.is_some() { Backend::IDENTITY_INSERT } else { "" };
    let mut insert =
        sqlx::QueryBuilder::<Db>::new(format!("INSERT INTO {} ({}){overriding} ", table.name, table.column_names().join(", ")));
    let mut problem: Option<String> = None;
    insert.push_values(rows, |mut out, values| {
        for ((name, kind), value) in table.columns.iter().zip(values) {
            let wrong = |what: &str| format!("{}.{name}: {value} is not {what}", table.name);
            match kind {
                ColumnKind::Integer => {
                    if !value.is_null() && value.as_i64().is_none() {
                        problem.get_or_insert_with(|| wrong("a whole number"));
                    }
                    out.push_bind(value.as_i64());
                }
                ColumnKind::Real => {
                    if !value.is_null() && value.as_f64().is_none() {
                        problem.get_or_insert_with(|| wrong("a number"));
                    }
                    out.push_bind(value.as_f64());
                }
                ColumnKind::Text => {
                    if !value.is_null() && value.as_str().is_none() {
                        problem.get_or_insert_with(|| wrong("a text"));
                    }
                    out.push_bind(value.as_str().map(str::to_owned));
                }
                ColumnKind::Boolean => {
                    if !value.is_null() && value.as_bool().is_none() {
                        problem.get_or_insert_with(|| wrong("true or false"));
                    }
                    out.push_bind(value.as_bool());
                }
            }
        }
    });
    if let Some(problem) = problem {
        return Err(StoreError::Corrupt(problem));
    }
    insert.build().execute(&mut **tx).await.map_err(|e| match Backend::map_error(e) {
        StoreError::Backend(e) => StoreError::Corrupt(format!("a row of {} cannot be stored: {e}", table.name)),
        StoreError::NotFound => StoreError::Corrupt(format!("a row of {} refers to a row the instance does not hold", table.name)),
        StoreError::Conflict { constraint } => StoreError::Corrupt(format!("a row of {} repeats another ({constraint})", table.name)),
        other => other,
    })?;
    Ok(())
}

#[async_trait::async_trait]
impl InstanceStore for Backend {
    async fn export_instance(&self, sink: &mut dyn rightsmon_store::InstanceSink) -> StoreResult<rightsmon_store::InstanceCounts> {
        use futures_util::TryStreamExt;
        use rightsmon_store::instance::{ColumnKind, INSTANCE_TABLES};
        let mut tx = self.begin_snapshot().await.map_err(err)?;
        let mut counts = Vec::with_capacity(INSTANCE_TABLES.len());
        for table in INSTANCE_TABLES {
            sink.item(rightsmon_store::InstanceItem::Table(table)).map_err(|e| StoreError::Backend(anyhow::anyhow!(e)))?;
            let sql = format!("SELECT {} FROM {} ORDER BY {}", table.column_names().join(", "), table.name, table.order);
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
            let mut count = 0u64;
            while let Some(row) = rows.try_next().await.map_err(err)? {
                let mut values = Vec::with_capacity(table.columns.len());
                for (index, (name, kind)) in table.columns.iter().enumerate() {
                    let value = match kind {
                        ColumnKind::Integer => row.try_get::<Option<i64>, _>(index).map(|v| v.map(serde_json::Value::from)),
                        ColumnKind::Real => row.try_get::<Option<f64>, _>(index).map(|v| v.map(serde_json::Value::from)),
                        ColumnKind::Text => row.try_get::<Option<String>, _>(index).map(|v| v.map(serde_json::Value::from)),
                        ColumnKind::Boolean => row.try_get::<Option<bool>, _>(index).map(|v| v.map(serde_json::Value::from)),
                    }
                    .map_err(|e| corrupt(&format!("{}.{name}", table.name), e))?;
                    values.push(value.unwrap_or(serde_json::Value::Null));
                }
                sink.item(rightsmon_store::InstanceItem::Row(values)).map_err(|e| StoreError::Backend(anyhow::anyhow!(e)))?;
                count += 1;
            }
            counts.push((table.name, count));
        }
        tx.rollback().await.map_err(err)?;
        Ok(counts)
    }

    async fn import_instance(&self, source: &mut dyn rightsmon_store::InstanceSource) -> StoreResult<rightsmon_store::InstanceCounts> {
        use rightsmon_store::instance::INSTANCE_TABLES;
        in_transaction!(self, tx, {
            bump_generation(&mut tx, "").await?;
            for table in INSTANCE_TABLES {
                let sql = format!("SELECT 1 FROM {} LIMIT 1", table.name);
                if sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_optional(&mut *tx).await.map_err(err)?.is_some() {
                    return Err(StoreError::Conflict { constraint: format!("instance_not_empty: {} holds rows", table.name) });
                }
            }
            let mut counts: Vec<(&'static str, u64)> = Vec::new();
            let mut current: Option<&'static rightsmon_store::instance::TableSpec> = None;
            let mut pending: Vec<Vec<serde_json::Value>> = Vec::new();
            loop {
                let item = match source.next_item() {
                    None => None,
                    Some(Ok(item)) => Some(item),
                    Some(Err(problem)) => return Err(StoreError::Corrupt(problem)),
                };
                let flush = match &item {
                    None | Some(rightsmon_store::InstanceItem::Table(_)) => true,
                    Some(rightsmon_store::InstanceItem::Row(_)) => current.is_some_and(|t| pending.len() >= instance_chunk(t)),
                };
                if flush
                    && let Some(table) = current
                    && !pending.is_empty()
                {
                    insert_instance_rows(&mut tx, table, &pending).await?;
                    if let Some(entry) = counts.iter_mut().find(|(name, _)| *name == table.name) {
                        entry.1 += pending.len() as u64;
                    }
                    pending.clear();
                }
                match item {
                    None => break,
                    Some(rightsmon_store::InstanceItem::Table(table)) => {
                        if counts.iter().any(|(name, _)| *name == table.name) {
                            return Err(StoreError::Corrupt(format!("the table {} comes twice", table.name)));
                        }
                        counts.push((table.name, 0));
                        current = Some(table);
                    }
                    Some(rightsmon_store::InstanceItem::Row(values)) => {
                        let Some(table) = current else {
                            return Err(StoreError::Corrupt("a row comes before its table".into()));
                        };
                        if values.len() != table.columns.len() {
                            return Err(StoreError::Corrupt(format!(
                                "a row of {} has {} values for {} columns",
                                table.name,
                                values.len(),
                                table.columns.len()
                            )));
                        }
                        pending.push(values);
                    }
                }
            }
            Backend::after_instance_import(&mut tx).await.map_err(err)?;
            Ok(counts)
        })
    }

    async fn schema_columns(&self) -> StoreResult<Vec<(String, Vec<String>)>> {
        let rows = sqlx::query(Backend::SCHEMA_COLUMNS_SQL).fetch_all(self.pool()).await.map_err(err)?;
        let mut tables: Vec<(String, Vec<String>)> = Vec::new();
        for row in &rows {
            let (table, column): (String, String) = (get(row, "table_name")?, get(row, "column_name")?);
            match tables.last_mut() {
                Some((name, columns)) if *name == table => columns.push(column),
                _ => tables.push((table, vec![column])),
            }
        }
        Ok(tables)
    }

    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<bool> {
        crate::ops::backup_to(self, path).await
    }
}
