//! Bulk imports (ADR 0004, ADR 0006): an import's values are staged in a temporary table of its
//! own connection while its file is read and checked, then switched in with one transaction.

use super::*;

/// The columns of a value as it is staged, and as `observations` holds it before its
/// revision, people and times.
pub(crate) const STAGED_VALUE_COLUMNS: &str = "indicator_code, version, area_code, city_code, period, period_start, period_months, \
    disaggregation, number_value, text_value, lower_bound, upper_bound, status, organisation_id, provenance_kind, \
    source_name, source_reference, source_date, method_note, state";

/// Values whose subject was stored already, read back from the stage per batch.
const MET_BATCH: i64 = 2000;

/// Staged values per insert statement: 21 parameters each, within both databases' limits.
const STAGE_CHUNK: usize = 500;

/// What the import keeps in memory of its staged values: the file's row of each, by its place
/// in the stage, and the cities and indicator versions they concern.
#[derive(Default)]
struct Staged {
    rows: Vec<u64>,
    cities: std::collections::BTreeSet<String>,
    versions: Vec<(IndicatorCode, u32)>,
}

/// Stages the feed's values and switches them in (see `ImportStore::import_observations`).
pub(crate) async fn import_observations(
    store: &Backend,
    feed: &mut dyn rightsmon_store::ImportFeed,
    options: &rightsmon_store::ImportOptions,
) -> StoreResult<rightsmon_store::ImportCounts> {
    let mut conn = store.pool().acquire().await.map_err(err)?;
    let (int, real) = (Backend::INTEGER_TYPE, Backend::REAL_TYPE);
    // A table left by an import whose connection went back to the pool half-way goes first.
    let create = format!(
        "DROP TABLE IF EXISTS import_stage; \
         CREATE TEMPORARY TABLE import_stage (seq {int} PRIMARY KEY, indicator_code TEXT NOT NULL, \
         version {int} NOT NULL, area_code TEXT NOT NULL, city_code TEXT, period TEXT NOT NULL, period_start {int} NOT NULL, \
         period_months {int} NOT NULL, disaggregation TEXT NOT NULL, number_value {real}, text_value TEXT, lower_bound {real}, \
         upper_bound {real}, status TEXT NOT NULL, organisation_id {int}, provenance_kind TEXT NOT NULL, source_name TEXT, \
         source_reference TEXT, source_date TEXT, method_note TEXT, state TEXT NOT NULL)"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(create)).execute(&mut *conn).await.map_err(err)?;
    let started = std::time::Instant::now();
    let (conn, staged) = stage(conn, feed).await;
    // Without its connection (its writer ended abruptly), the staging table goes when the
    // connection is next taken for an import.
    let Some(mut conn) = conn else { return staged.map(|_| rightsmon_store::ImportCounts::default()) };
    let result = match staged {
        Ok(staged) => switch(store, &mut conn, feed, options, &staged, started.elapsed()).await,
        Err(error) => Err(error),
    };
    if let Err(error) = sqlx::query("DROP TABLE IF EXISTS import_stage").execute(&mut *conn).await {
        // The connection is closed instead of going back to the pool with the table.
        tracing::warn!(%error, "the staging table of an import could not be dropped; its connection is closed");
        conn.close_on_drop();
    }
    result
}

/// Switches the staged values in with one transaction, or none.
async fn switch(
    store: &Backend,
    conn: &mut sqlx::pool::PoolConnection<Db>,
    feed: &mut dyn rightsmon_store::ImportFeed,
    options: &rightsmon_store::ImportOptions,
    staged: &Staged,
    staging: std::time::Duration,
) -> StoreResult<rightsmon_store::ImportCounts> {
    use sqlx::Connection;
    let _guard = store.write_guard().await;
    let switch = std::time::Instant::now();
    let mut tx = conn.begin_with(Backend::WRITE_BEGIN).await.map_err(err)?;
    Backend::set_bulk_cache(&mut tx, true).await.map_err(err)?;
    let result = switch_in(&mut tx, feed, options, staged).await;
    if let Err(error) = Backend::set_bulk_cache(&mut tx, false).await {
        tracing::warn!(%error, "the page cache of the switch could not be narrowed again");
    }
    tracing::debug!(
        values = staged.rows.len(),
        staging_ms = staging.as_millis(),
        switch_ms = switch.elapsed().as_millis(),
        "import staged and switched"
    );
    match result {
        Ok(mut counts) if feed.keep() => {
            if let Err(error) = audit_in(&mut tx, &feed.audit(&counts)).await {
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

/// Writes the feed's values into the staging table, a batch per transaction, while the feed
/// reads and checks the next batch: a task of its own writes, with the connection, which it
/// gives back at the end (`None` if the task ended abruptly). These transactions write only the
/// connection's temporary table: on SQLite they never take the write lock, so that other
/// writers go on while the file is read.
async fn stage(
    conn: sqlx::pool::PoolConnection<Db>,
    feed: &mut dyn rightsmon_store::ImportFeed,
) -> (Option<sqlx::pool::PoolConnection<Db>>, StoreResult<Staged>) {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<rightsmon_store::ImportItem>>(2);
    let writer = tokio::spawn(async move {
        let mut conn = conn;
        let mut staged = Staged::default();
        let mut areas = std::collections::HashMap::new();
        let mut result = Ok(());
        while let Some(batch) = receiver.recv().await {
            result = stage_batch(&mut conn, &batch, &mut staged, &mut areas).await;
            if result.is_err() {
                break;
            }
        }
        (conn, result.map(|()| staged))
    });
    while let Some(batch) = feed.next_batch() {
        if sender.send(batch).await.is_err() {
            // The writer stopped at an error, which it returns.
            break;
        }
    }
    drop(sender);
    match writer.await {
        Ok((conn, staged)) => (Some(conn), staged),
        Err(error) => (None, Err(StoreError::Backend(anyhow::anyhow!("the import's staging ended abruptly: {error}")))),
    }
}

/// Writes one batch into the staging table, in one transaction.
async fn stage_batch(
    conn: &mut sqlx::pool::PoolConnection<Db>,
    batch: &[rightsmon_store::ImportItem],
    staged: &mut Staged,
    areas: &mut std::collections::HashMap<String, Option<String>>,
) -> StoreResult<()> {
    use sqlx::Connection;
    let mut tx = conn.begin().await.map_err(err)?;
    for item in batch {
        let observation = &item.observation;
        if !areas.contains_key(observation.area.as_str()) {
            let city = city_code_in(&mut tx, &observation.area).await?;
            staged.cities.insert(city.clone().unwrap_or_default());
            areas.insert(observation.area.as_str().to_owned(), city);
        }
        if !staged.versions.iter().any(|(i, v)| *i == observation.indicator && *v == observation.version) {
            staged.versions.push((observation.indicator.clone(), observation.version));
        }
    }
    let first = i64::try_from(staged.rows.len()).unwrap_or(i64::MAX);
    staged.rows.extend(batch.iter().map(|item| item.row));
    crate::ops::stage_values(&mut tx, first, batch, areas).await?;
    tx.commit().await.map_err(err)
}

/// Writes values into the staging table, numbered from `first` in their order, with the city of
/// each area from `areas` (statements of many rows; PostgreSQL copies them instead).
pub(crate) async fn stage_values(
    tx: &mut sqlx::Transaction<'_, Db>,
    first: i64,
    items: &[rightsmon_store::ImportItem],
    areas: &std::collections::HashMap<String, Option<String>>,
) -> StoreResult<()> {
    let mut seq = first;
    for chunk in items.chunks(STAGE_CHUNK) {
        let mut insert = sqlx::QueryBuilder::<Db>::new(format!("INSERT INTO import_stage (seq, {STAGED_VALUE_COLUMNS}) "));
        insert.push_values(chunk, |mut row, item| {
            row.push_bind(seq);
            seq += 1;
            let city = areas.get(item.observation.area.as_str()).cloned().flatten();
            bind_value_columns(&mut row, &item.observation, city);
        });
        insert.build().execute(&mut **tx).await.map_err(err)?;
    }
    Ok(())
}

/// The writes and scans of a bulk import, inside its switch transaction. Every staged value is
/// inserted with one statement under an id of its own, the largest stored id plus its place in
/// the stage plus one; a value whose subject is stored already (or came earlier in the file) is
/// left out and then met one by one: left alone, revised with the import's reason, or refused.
async fn switch_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    feed: &mut dyn rightsmon_store::ImportFeed,
    options: &rightsmon_store::ImportOptions,
    staged: &Staged,
) -> StoreResult<rightsmon_store::ImportCounts> {
    use rightsmon_store::ImportItem;
    let mut counts = rightsmon_store::ImportCounts::default();
    for codelist in &options.codelists {
        codelist_in(tx, codelist).await?;
    }
    for definition in &options.definitions {
        put_version_in(tx, definition, options.at).await?;
    }
    for (indicator, version) in &staged.versions {
        require_version_in(tx, indicator, *version).await?;
    }
    Backend::lock_for_ids(tx, "observations").await.map_err(err)?;
    let base: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM observations").fetch_one(&mut **tx).await.map_err(err)?;
    let insert = format!(
        "INSERT INTO observations (id, {STAGED_VALUE_COLUMNS}, revision, entered_by, approved_by, created_at, updated_at){} \
         SELECT $1 + seq + 1, {STAGED_VALUE_COLUMNS}, 1, $2, CAST(NULL AS BIGINT), $3, $3 FROM import_stage WHERE true ORDER BY seq \
         ON CONFLICT (indicator_code, version, area_code, period, disaggregation) DO NOTHING",
        Backend::IDENTITY_INSERT
    );
    let inserted = sqlx::query(sqlx::AssertSqlSafe(insert))
        .bind(base)
        .bind(options.entered_by)
        .bind(options.at.seconds())
        .execute(&mut **tx)
        .await
        .map_err(err)?
        .rows_affected();
    Backend::after_explicit_ids(tx, "observations").await.map_err(err)?;
    counts.created = inserted;
    let total = staged.rows.len();
    // The values before `told` have been told to the feed.
    let mut told = 0;
    let tell_created = |feed: &mut dyn rightsmon_store::ImportFeed, from: usize, until: usize| {
        for seq in from..until {
            feed.created(staged.rows[seq], base + i64::try_from(seq).unwrap_or(i64::MAX) + 1);
        }
    };
    if usize::try_from(inserted).ok() != Some(total) {
        let met = format!(
            "SELECT seq, {STAGED_VALUE_COLUMNS} FROM import_stage s \
             WHERE seq > $1 AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.id = $2 + s.seq + 1) ORDER BY seq LIMIT $3"
        );
        let mut after: i64 = -1;
        loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(met.as_str()))
                .bind(after)
                .bind(base)
                .bind(MET_BATCH)
                .fetch_all(&mut **tx)
                .await
                .map_err(err)?;
            let Some(last) = rows.last() else { break };
            after = get(last, "seq")?;
            for row in &rows {
                let seq = usize::try_from(get::<i64>(row, "seq")?).map_err(|e| corrupt("seq", e))?;
                let item = ImportItem { row: staged.rows.get(seq).copied().unwrap_or(0), observation: value_of(row)? };
                tell_created(feed, told, seq);
                let outcome = meet(tx, &item.observation, options, &mut counts).await?;
                feed.met(&item, outcome);
                told = seq + 1;
            }
        }
    }
    tell_created(feed, told, total);
    scan(tx, feed).await?;
    for city in &staged.cities {
        bump_generation(tx, city).await?;
    }
    Ok(counts)
}

/// What becomes of a value whose subject is stored already.
async fn meet(
    tx: &mut sqlx::Transaction<'_, Db>,
    observation: &NewObservation,
    options: &rightsmon_store::ImportOptions,
    counts: &mut rightsmon_store::ImportCounts,
) -> StoreResult<rightsmon_store::ItemOutcome> {
    use rightsmon_store::ItemOutcome;
    let sql = format!(
        "SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE o.indicator_code = $1 AND o.version = $2 AND o.area_code = $3 \
             AND o.period = $4 AND o.disaggregation = $5"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(observation.indicator.as_str().to_owned())
        .bind(i64::from(observation.version))
        .bind(observation.area.as_str().to_owned())
        .bind(observation.period.to_string())
        .bind(observation.key.to_string())
        .fetch_one(&mut **tx)
        .await
        .map_err(err)?;
    let existing = observation_of(&row)?;
    let editable = matches!(existing.data.state, WorkflowState::Draft | WorkflowState::Returned);
    Ok(if same_content(&existing.data, observation) {
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
    })
}

/// Runs the feed's scans of the stored values, after the writes: one query per scan, in the
/// scan's order, which the database serves from the series index or from one pass over the
/// table and a sort, whichever it finds cheaper. A row's area and group are parsed only when
/// they differ from the previous row's.
async fn scan(tx: &mut sqlx::Transaction<'_, Db>, feed: &mut dyn rightsmon_store::ImportFeed) -> StoreResult<()> {
    use futures_util::TryStreamExt;
    use rightsmon_store::{ScanOrder, ScannedValue};
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
        // The last row's area and group, as text and parsed.
        let mut area: Option<(String, AreaCode)> = None;
        let mut key: Option<(String, DisaggregationKey)> = None;
        while let Some(row) = rows.try_next().await.map_err(err)? {
            let area_text = row.try_get::<&str, _>("area_code").map_err(err)?;
            if area.as_ref().is_none_or(|(text, _)| text != area_text) {
                area = Some((area_text.to_owned(), parsed("area_code", AreaCode::parse(area_text))?));
            }
            let key_text = row.try_get::<&str, _>("disaggregation").map_err(err)?;
            if key.as_ref().is_none_or(|(text, _)| text != key_text) {
                key = Some((key_text.to_owned(), parsed("disaggregation", DisaggregationKey::parse(key_text))?));
            }
            let (Some((_, area)), Some((_, key))) = (&area, &key) else { continue };
            let value = ScannedValue {
                id: get(&row, "id")?,
                area: area.clone(),
                period: parsed("period", Period::parse(row.try_get::<&str, _>("period").map_err(err)?))?,
                key: key.clone(),
                value: get(&row, "number_value")?,
            };
            feed.see(index, Some(&value));
        }
        feed.see(index, None);
    }
    Ok(())
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
