//! Bulk imports: values staged in short transactions, then switched in with one (ADR 0004).

use super::*;

/// The id each value of a switch's batch was created with, or `None` for a value
/// whose subject was stored already (or came earlier in the chunk: the first of two
/// rows about one subject is created, the second meets it). When every value was new,
/// the rows come back in the order of the values, which is checked cheaply; otherwise
/// they are matched by subject.
pub(super) fn created_ids(returned: &[DbRow], chunk: &[rightsmon_store::ImportItem]) -> StoreResult<Vec<Option<i64>>> {
    use std::fmt::Write;
    let mut buffer = String::new();
    let mut text_is = |row: &DbRow, column: &str, value: &dyn std::fmt::Display| -> StoreResult<bool> {
        buffer.clear();
        let _ = write!(buffer, "{value}");
        Ok(row.try_get::<&str, _>(column).map_err(err)? == buffer)
    };
    let mut in_order = returned.len() == chunk.len();
    for (row, item) in returned.iter().zip(chunk) {
        if !in_order {
            break;
        }
        let o = &item.observation;
        in_order = row.try_get::<&str, _>("indicator_code").map_err(err)? == o.indicator.as_str()
            && get::<i64>(row, "version")? == i64::from(o.version)
            && row.try_get::<&str, _>("area_code").map_err(err)? == o.area.as_str()
            && text_is(row, "period", &o.period)?
            && text_is(row, "disaggregation", &o.key)?;
    }
    if in_order {
        return returned.iter().map(|row| get::<i64>(row, "id").map(Some)).collect();
    }
    let mut created: std::collections::HashMap<(String, i64, String, String, String), i64> =
        std::collections::HashMap::with_capacity(returned.len());
    for row in returned {
        created.insert(
            (get(row, "indicator_code")?, get(row, "version")?, get(row, "area_code")?, get(row, "period")?, get(row, "disaggregation")?),
            get(row, "id")?,
        );
    }
    Ok(chunk
        .iter()
        .map(|item| {
            let o = &item.observation;
            created.remove(&(
                o.indicator.as_str().to_owned(),
                i64::from(o.version),
                o.area.as_str().to_owned(),
                o.period.to_string(),
                o.key.to_string(),
            ))
        })
        .collect())
}

/// The columns of a value as it is staged, and as `observations` holds it before its
/// revision, people and times.
pub(super) const STAGED_VALUE_COLUMNS: &str = "indicator_code, version, area_code, city_code, period, period_start, period_months, \
    disaggregation, number_value, text_value, lower_bound, upper_bound, status, organisation_id, provenance_kind, \
    source_name, source_reference, source_date, method_note, state";

/// Staged values read back per switch batch.
pub(super) const SWITCH_BATCH: i64 = 2000;

/// Staged values per insert statement: 24 parameters each, within both databases' limits.
pub(super) const STAGE_CHUNK: usize = 500;

/// A run whose heartbeat is older than this (in seconds) belongs to a process that
/// ended without finishing; its staged values are cleared.
pub(super) const STALE_RUN_SECONDS: i64 = 3600;

/// The next batch of a run's staged values, after `after` (a sequence number).
pub(super) async fn staged_batch(
    tx: &mut sqlx::Transaction<'_, Db>,
    run: &str,
    after: i64,
) -> StoreResult<Vec<(i64, rightsmon_store::ImportItem)>> {
    let rows = sqlx::query("SELECT seq, row, observation FROM import_staging WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
        .bind(run.to_owned())
        .bind(after)
        .bind(SWITCH_BATCH)
        .fetch_all(&mut **tx)
        .await
        .map_err(err)?;
    rows.iter()
        .map(|row| {
            let line: i64 = get(row, "row")?;
            Ok((
                get(row, "seq")?,
                rightsmon_store::ImportItem { row: u64::try_from(line).unwrap_or(0), observation: json(row, "observation")? },
            ))
        })
        .collect()
}

/// The writes and scans of a bulk import, inside its switch transaction: the staged
/// values of `run`, batch by batch.
pub(super) async fn import_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    feed: &mut dyn rightsmon_store::ImportFeed,
    options: &rightsmon_store::ImportOptions,
    run: &str,
) -> StoreResult<rightsmon_store::ImportCounts> {
    use futures_util::TryStreamExt;
    use rightsmon_store::{ItemOutcome, ScanOrder, ScannedValue};
    let mut counts = rightsmon_store::ImportCounts::default();
    for codelist in &options.codelists {
        codelist_in(tx, codelist).await?;
    }
    for definition in &options.definitions {
        put_version_in(tx, definition, options.at).await?;
    }
    let mut versions: std::collections::HashSet<(String, u32)> = std::collections::HashSet::new();
    let mut after = -1;
    loop {
        let staged = staged_batch(tx, run, after).await?;
        let (Some((first, _)), Some((last, _))) = (staged.first(), staged.last()) else { break };
        let (first, last) = (*first, *last);
        after = last;
        let seqs: Vec<i64> = staged.iter().map(|(seq, _)| *seq).collect();
        let batch: Vec<rightsmon_store::ImportItem> = staged.into_iter().map(|(_, item)| item).collect();
        let mut outcomes: Vec<Option<ItemOutcome>> = vec![None; batch.len()];
        for item in &batch {
            let observation = &item.observation;
            let version_key = (observation.indicator.as_str().to_owned(), observation.version);
            if !versions.contains(&version_key) {
                require_version_in(tx, &observation.indicator, observation.version).await?;
                versions.insert(version_key);
            }
        }
        // The staged values go in with one statement: a value whose subject is
        // stored already (or came earlier in the file) is left for below.
        let insert = format!(
            "INSERT INTO observations ({STAGED_VALUE_COLUMNS}, revision, entered_by, approved_by, created_at, updated_at) \
             SELECT {STAGED_VALUE_COLUMNS}, 1, $1, CAST(NULL AS BIGINT), $2, $2 FROM import_staging \
             WHERE run_id = $3 AND seq >= $4 AND seq <= $5 ORDER BY seq \
             ON CONFLICT (indicator_code, version, area_code, period, disaggregation) DO NOTHING \
             RETURNING id, indicator_code, version, area_code, period, disaggregation"
        );
        let returned = sqlx::query(sqlx::AssertSqlSafe(insert))
            .bind(options.entered_by)
            .bind(options.at.seconds())
            .bind(run.to_owned())
            .bind(first)
            .bind(last)
            .fetch_all(&mut **tx)
            .await
            .map_err(err)?;
        let created_ids = created_ids(&returned, &batch)?;
        let mut pending = Vec::new();
        let mut created = Vec::new();
        for (index, created_id) in created_ids.into_iter().enumerate() {
            match created_id {
                Some(id) => {
                    counts.created += 1;
                    outcomes[index] = Some(ItemOutcome::Created(id));
                    created.push((id, seqs[index]));
                }
                None => pending.push(index),
            }
        }
        // Their history begins with the value as staged.
        for chunk in created.chunks(STAGE_CHUNK) {
            let mut history = sqlx::QueryBuilder::<Db>::new("WITH created (id, seq) AS (");
            history.push_values(chunk, |mut row, (id, seq)| {
                row.push_bind(*id).push_bind(*seq);
            });
            history
                .push(
                    ") INSERT INTO observation_revisions (observation_id, revision, at, user_id, action, reason, snapshot) \
                     SELECT created.id, 1, ",
                )
                .push_bind(options.at.seconds())
                .push(", ")
                .push_bind(options.entered_by)
                .push(", 'created', CAST(NULL AS TEXT), s.observation FROM created JOIN import_staging s ON s.run_id = ")
                .push_bind(run.to_owned())
                .push(" AND s.seq = created.seq");
            history.build().execute(&mut **tx).await.map_err(err)?;
        }
        for index in pending {
            let observation = &batch[index].observation;
            let period = observation.period.to_string();
            let key = observation.key.to_string();
            let sql = format!(
                "SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE o.indicator_code = $1 AND o.version = $2 AND o.area_code = $3 \
                     AND o.period = $4 AND o.disaggregation = $5"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(observation.indicator.as_str().to_owned())
                .bind(i64::from(observation.version))
                .bind(observation.area.as_str().to_owned())
                .bind(period)
                .bind(key)
                .fetch_one(&mut **tx)
                .await
                .map_err(err)?;
            let existing = observation_of(&row)?;
            let editable = matches!(existing.data.state, WorkflowState::Draft | WorkflowState::Returned);
            let outcome = if same_content(&existing.data, observation) {
                counts.unchanged += 1;
                ItemOutcome::Unchanged(existing.id)
            } else if !editable && !options.may_revise_approved {
                ItemOutcome::Refused(existing.id, existing.data.state)
            } else if let Some(reason) = &options.reason {
                update_value_in(tx, existing.id, observation, options.entered_by, options.at).await?;
                let stored = observation_in(tx, existing.id).await?;
                record_revision(tx, &stored, options.entered_by, RevisionAction::Revised, Some(reason)).await?;
                counts.revised += 1;
                ItemOutcome::Revised(existing.id)
            } else {
                ItemOutcome::NeedsReason(existing.id)
            };
            outcomes[index] = Some(outcome);
        }
        let outcomes: Vec<ItemOutcome> = outcomes
            .into_iter()
            .map(|o| o.ok_or_else(|| StoreError::Corrupt("an import row without outcome".into())))
            .collect::<StoreResult<_>>()?;
        feed.written(&batch, &outcomes);
    }
    for (index, scan) in feed.scans().into_iter().enumerate() {
        let order = match scan.order {
            ScanOrder::BySeries => "area_code, disaggregation, period_start, period_months, period",
            ScanOrder::ByPeriod => "area_code, period_start, period_months, period, disaggregation",
        };
        let sql = format!(
            "SELECT id, area_code, period, disaggregation, number_value FROM observations \
             WHERE indicator_code = $1 AND version = $2 AND number_value IS NOT NULL ORDER BY {order}"
        );
        let mut rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scan.indicator.as_str().to_owned()).bind(i64::from(scan.version)).fetch(&mut **tx);
        while let Some(row) = rows.try_next().await.map_err(err)? {
            let value = ScannedValue {
                id: get(&row, "id")?,
                area: parsed("area_code", AreaCode::parse(&get::<String>(&row, "area_code")?))?,
                period: parsed("period", Period::parse(&get::<String>(&row, "period")?))?,
                key: parsed("disaggregation", DisaggregationKey::parse(&get::<String>(&row, "disaggregation")?))?,
                value: get(&row, "number_value")?,
            };
            feed.see(index, Some(&value));
        }
        feed.see(index, None);
    }
    let cities = sqlx::query("SELECT DISTINCT city_code FROM import_staging WHERE run_id = $1")
        .bind(run.to_owned())
        .fetch_all(&mut **tx)
        .await
        .map_err(err)?;
    for row in &cities {
        let city: Option<String> = get(row, "city_code")?;
        bump_generation(tx, city.as_deref().unwrap_or("")).await?;
    }
    Ok(counts)
}

impl Backend {
    /// Stages the feed's values in short transactions, then switches them in with one.
    async fn stage_and_switch(
        &self,
        feed: &mut dyn rightsmon_store::ImportFeed,
        options: &rightsmon_store::ImportOptions,
        run: &str,
    ) -> StoreResult<rightsmon_store::ImportCounts> {
        let started = std::time::Instant::now();
        let mut seq: i64 = 0;
        let mut cities: std::collections::HashMap<String, Option<String>> = std::collections::HashMap::new();
        while let Some(batch) = feed.next_batch() {
            let mut staged = Vec::with_capacity(batch.len());
            for item in &batch {
                staged.push((seq, i64::try_from(item.row).unwrap_or(i64::MAX), to_json(&item.observation)?, &item.observation));
                seq += 1;
            }
            in_transaction!(self, tx, {
                for (_, _, _, observation) in &staged {
                    if !cities.contains_key(observation.area.as_str()) {
                        let city = city_code_in(&mut tx, &observation.area).await?;
                        cities.insert(observation.area.as_str().to_owned(), city);
                    }
                }
                for chunk in staged.chunks(STAGE_CHUNK) {
                    let mut insert = sqlx::QueryBuilder::<Db>::new(format!(
                        "INSERT INTO import_staging (run_id, seq, row, observation, {STAGED_VALUE_COLUMNS}) "
                    ));
                    insert.push_values(chunk, |mut row, (seq, line, json, observation)| {
                        row.push_bind(run.to_owned()).push_bind(*seq).push_bind(*line).push_bind(json.clone());
                        bind_value_columns(&mut row, observation, cities.get(observation.area.as_str()).cloned().flatten());
                    });
                    insert.build().execute(&mut *tx).await.map_err(err)?;
                }
                sqlx::query("UPDATE import_runs SET heartbeat_at = $1 WHERE id = $2")
                    .bind(now_seconds())
                    .bind(run.to_owned())
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                Ok(())
            })?;
        }
        let staged = started.elapsed();
        let _guard = self.write_guard().await;
        let switch = std::time::Instant::now();
        let mut tx = self.begin_write().await.map_err(err)?;
        Self::set_bulk_cache(&mut tx, true).await.map_err(err)?;
        let result = import_in(&mut tx, feed, options, run).await;
        if let Err(error) = Self::set_bulk_cache(&mut tx, false).await {
            tracing::warn!(%error, "the page cache of the switch could not be narrowed again");
        }
        tracing::debug!(
            values = seq,
            staging_ms = staged.as_millis(),
            switch_ms = switch.elapsed().as_millis(),
            "import staged and switched"
        );
        match result {
            Ok(mut counts) if feed.keep() => {
                let event = feed.audit(&counts);
                let committed: StoreResult<()> = async {
                    audit_in(&mut tx, &event).await?;
                    sqlx::query("DELETE FROM import_runs WHERE id = $1").bind(run.to_owned()).execute(&mut *tx).await.map_err(err)?;
                    Ok(())
                }
                .await;
                if let Err(error) = committed {
                    let _ = tx.rollback().await;
                    return Err(error);
                }
                tx.commit().await.map_err(err)?;
                counts.committed = true;
                Ok(counts)
            }
            other => {
                if let Err(rollback) = tx.rollback().await {
                    tracing::warn!(error = %rollback, "rollback failed");
                }
                other
            }
        }
    }
}

#[async_trait::async_trait]
impl ImportStore for Backend {
    async fn import_observations(
        &self,
        feed: &mut dyn rightsmon_store::ImportFeed,
        options: &rightsmon_store::ImportOptions,
    ) -> StoreResult<rightsmon_store::ImportCounts> {
        crate::ops::import_observations(self, feed, options).await
    }
}

/// Stages the feed's values and switches them in (see `ImportStore::import_observations`).
pub(crate) async fn import_observations(
    store: &Backend,
    feed: &mut dyn rightsmon_store::ImportFeed,
    options: &rightsmon_store::ImportOptions,
) -> StoreResult<rightsmon_store::ImportCounts> {
    let run = run_id();
    // Runs of processes that ended without finishing leave staged values behind.
    in_transaction!(store, tx, {
        sqlx::query("DELETE FROM import_runs WHERE heartbeat_at < $1")
            .bind(now_seconds() - STALE_RUN_SECONDS)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        sqlx::query("INSERT INTO import_runs (id, started_at, heartbeat_at) VALUES ($1, $2, $2)")
            .bind(run.clone())
            .bind(now_seconds())
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        Ok(())
    })?;
    let result = store.stage_and_switch(feed, options, &run).await;
    if !matches!(result, Ok(counts) if counts.committed) {
        // The run is gone with a committed switch; otherwise its values go now.
        let cleared: StoreResult<()> = in_transaction!(store, tx, {
            sqlx::query("DELETE FROM import_runs WHERE id = $1").bind(run.clone()).execute(&mut *tx).await.map_err(err)?;
            Ok(())
        });
        if let Err(error) = cleared {
            tracing::warn!(%error, "the staged values of an import could not be cleared; the next import clears them");
        }
    }
    result
}
