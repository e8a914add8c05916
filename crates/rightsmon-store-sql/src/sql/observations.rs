//! Observations, their history, shadow values beside them, and benchmarks.

use super::*;

pub(super) const OBSERVATION_COLUMNS: &str = "o.id, o.indicator_code, o.version, o.area_code, o.period, o.disaggregation, \
    o.number_value, o.text_value, o.lower_bound, o.upper_bound, o.status, o.organisation_id, o.provenance_kind, \
    o.source_name, o.source_reference, o.source_date, o.method_note, o.state, o.revision, o.entered_by, \
    o.approved_by, o.created_at, o.updated_at, o.standard_error, o.design_effect, o.respondents, o.confidence";

pub(super) fn observation_of(row: &DbRow) -> StoreResult<Observation> {
    let mut data = value_of(row)?;
    data.precision = precision_of(row)?;
    Ok(Observation {
        id: get(row, "id")?,
        data,
        revision: u32_of("revision", get(row, "revision")?)?,
        entered_by: get(row, "entered_by")?,
        approved_by: get(row, "approved_by")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

/// A survey value's sampling uncertainty, from the columns an observation keeps it in.
fn precision_of(row: &DbRow) -> StoreResult<Option<Precision>> {
    let standard_error: Option<f64> = get(row, "standard_error")?;
    let Some(standard_error) = standard_error else { return Ok(None) };
    let respondents: Option<i64> = get(row, "respondents")?;
    Ok(Some(Precision {
        standard_error,
        design_effect: get(row, "design_effect")?,
        respondents: respondents.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
        confidence: get::<Option<f64>>(row, "confidence")?.unwrap_or(0.95),
    }))
}

/// The columns of a value's sampling uncertainty, bound in the order of `PRECISION_COLUMNS`.
pub(super) const PRECISION_COLUMNS: &str = "standard_error, design_effect, respondents, confidence";

fn precision_binds(value: &NewObservation) -> (Option<f64>, Option<f64>, Option<i64>, Option<f64>) {
    match &value.precision {
        None => (None, None, None, None),
        Some(p) => (Some(p.standard_error), p.design_effect, i64::try_from(p.respondents).ok(), Some(p.confidence)),
    }
}

/// A value from the columns of `STAGED_VALUE_COLUMNS`, as `observations` or an import's
/// staging table holds them.
pub(super) fn value_of(row: &DbRow) -> StoreResult<NewObservation> {
    let number: Option<f64> = get(row, "number_value")?;
    let text: Option<String> = get(row, "text_value")?;
    let value = match (number, text) {
        (Some(n), None) => ObservationValue::Number(n),
        (None, Some(t)) => ObservationValue::Text(t),
        _ => return Err(corrupt("observations", "a value is both or neither number and text")),
    };
    Ok(NewObservation {
        indicator: parsed("indicator_code", IndicatorCode::parse(&get::<String>(row, "indicator_code")?))?,
        version: u32_of("version", get(row, "version")?)?,
        area: parsed("area_code", AreaCode::parse(&get::<String>(row, "area_code")?))?,
        period: parsed("period", Period::parse(&get::<String>(row, "period")?))?,
        key: parsed("disaggregation", DisaggregationKey::parse(&get::<String>(row, "disaggregation")?))?,
        value,
        lower_bound: get(row, "lower_bound")?,
        upper_bound: get(row, "upper_bound")?,
        status: parsed("status", StatusFlag::parse(&get::<String>(row, "status")?))?,
        provenance: Provenance {
            organisation_id: get(row, "organisation_id")?,
            kind: parsed("provenance_kind", ProvenanceKind::parse(&get::<String>(row, "provenance_kind")?))?,
            source_name: get(row, "source_name")?,
            source_reference: get(row, "source_reference")?,
            source_date: get::<Option<String>>(row, "source_date")?.map(|d| parsed("source_date", Date::parse(&d))).transpose()?,
            method_note: get(row, "method_note")?,
        },
        state: parsed("state", WorkflowState::parse(&get::<String>(row, "state")?))?,
        precision: None,
    })
}

pub(super) async fn observation_in(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> StoreResult<Observation> {
    let sql = format!("SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE o.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await.map_err(err)?;
    observation_of(&row.ok_or(StoreError::NotFound)?)
}

/// Writes a value's first revision into its history, as the value stands, unless the history
/// holds it already. A value's history begins with its first change (ADR 0006): until then the
/// stored row is its first revision. Every change calls this first; the database refuses a
/// change without it.
pub(super) async fn keep_first_revision(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> StoreResult<()> {
    let kept: Option<i64> = sqlx::query_scalar("SELECT observation_id FROM observation_revisions WHERE observation_id = $1 LIMIT 1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(err)?;
    if kept.is_some() {
        return Ok(());
    }
    let sql = format!("SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE o.id = $1");
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await.map_err(err)? else {
        return Ok(());
    };
    let first = first_revision(&observation_of(&row)?);
    sqlx::query(
        "INSERT INTO observation_revisions (observation_id, revision, at, user_id, action, reason, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(first.observation_id)
    .bind(i64::from(first.revision))
    .bind(first.at.seconds())
    .bind(first.user_id)
    .bind(first.action.as_str())
    .bind(first.reason)
    .bind(to_json(&first.snapshot)?)
    .execute(&mut **tx)
    .await
    .map_err(err)?;
    Ok(())
}

/// The first revision of a value that has not changed since it was stored: the value itself.
fn first_revision(stored: &Observation) -> ObservationRevision {
    ObservationRevision {
        observation_id: stored.id,
        revision: stored.revision,
        at: stored.created_at,
        user_id: stored.entered_by,
        action: RevisionAction::Created,
        reason: None,
        snapshot: stored.data.clone(),
    }
}

/// Appends a value's state after a change to its history.
pub(super) async fn record_revision(
    tx: &mut sqlx::Transaction<'_, Db>,
    observation: &Observation,
    user_id: Option<i64>,
    action: RevisionAction,
    reason: Option<&str>,
) -> StoreResult<()> {
    bump_generation_of_observation(tx, observation.id).await?;
    sqlx::query(
        "INSERT INTO observation_revisions (observation_id, revision, at, user_id, action, reason, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(observation.id)
    .bind(i64::from(observation.revision))
    .bind(observation.updated_at.seconds())
    .bind(user_id)
    .bind(action.as_str())
    .bind(reason.map(str::to_owned))
    .bind(to_json(&observation.data)?)
    .execute(&mut **tx)
    .await
    .map_err(err)?;
    Ok(())
}

pub(super) const SHADOW_COLUMNS: &str = "id, indicator_code, version, area_code, period, disaggregation, number_value, assessment, sources, \
    organisation_id, user_id, at, reply, reply_by, reply_at, method_note";

pub(super) fn shadow_of(row: &DbRow) -> StoreResult<ShadowValue> {
    let reply = match (get::<Option<String>>(row, "reply")?, get::<Option<i64>>(row, "reply_by")?, get::<Option<i64>>(row, "reply_at")?) {
        (Some(text), Some(user_id), Some(at)) => Some(ShadowReply { text, user_id, at: Timestamp(at) }),
        _ => None,
    };
    Ok(ShadowValue {
        id: get(row, "id")?,
        data: NewShadowValue {
            indicator: parsed("indicator_code", IndicatorCode::parse(&get::<String>(row, "indicator_code")?))?,
            version: u32_of("version", get(row, "version")?)?,
            area: parsed("area_code", AreaCode::parse(&get::<String>(row, "area_code")?))?,
            period: parsed("period", Period::parse(&get::<String>(row, "period")?))?,
            key: parsed("disaggregation", DisaggregationKey::parse(&get::<String>(row, "disaggregation")?))?,
            value: get(row, "number_value")?,
            assessment: get(row, "assessment")?,
            sources: get(row, "sources")?,
            organisation_id: get(row, "organisation_id")?,
            method_note: get(row, "method_note")?,
        },
        user_id: get(row, "user_id")?,
        at: Timestamp(get(row, "at")?),
        reply,
    })
}

/// `NotFound` unless the indicator version exists.
pub(super) async fn require_version_in(tx: &mut sqlx::Transaction<'_, Db>, indicator: &IndicatorCode, version: u32) -> StoreResult<()> {
    let exists = sqlx::query("SELECT 1 FROM indicator_versions WHERE indicator_code = $1 AND version = $2")
        .bind(indicator.as_str().to_owned())
        .bind(i64::from(version))
        .fetch_optional(&mut **tx)
        .await
        .map_err(err)?
        .is_some();
    if exists { Ok(()) } else { Err(StoreError::NotFound) }
}

/// The city an area is or lies in (`None` for the network); `NotFound` for no area.
pub(super) async fn city_code_in(tx: &mut sqlx::Transaction<'_, Db>, area: &AreaCode) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT kind, parent_code FROM areas WHERE code = $1")
        .bind(area.as_str().to_owned())
        .fetch_optional(&mut **tx)
        .await
        .map_err(err)?
        .ok_or(StoreError::NotFound)?;
    Ok(match get::<String>(&row, "kind")?.as_str() {
        "city" => Some(area.as_str().to_owned()),
        "district" => get(&row, "parent_code")?,
        _ => None,
    })
}

/// Replaces the value, bounds, status and provenance of an observation and counts up
/// its revision; the caller records the revision in the history. Whoever changes a
/// value counts as its enterer, and a validated or published value goes back to
/// submitted: every version of a value is seen by a second person before it is public.
pub(super) async fn update_value_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    id: i64,
    value: &NewObservation,
    by: Option<i64>,
    at: Timestamp,
) -> StoreResult<()> {
    keep_first_revision(tx, id).await?;
    let provenance = &value.provenance;
    let (standard_error, design_effect, respondents, confidence) = precision_binds(value);
    sqlx::query(
        "UPDATE observations SET number_value = $1, text_value = $2, lower_bound = $3, upper_bound = $4, status = $5, \
         organisation_id = $6, provenance_kind = $7, source_name = $8, source_reference = $9, source_date = $10, \
         method_note = $11, revision = revision + 1, updated_at = $12, \
         standard_error = $15, design_effect = $16, respondents = $17, confidence = $18, \
         state = CASE WHEN state IN ('validated', 'published') THEN 'submitted' ELSE state END, \
         approved_by = CASE WHEN state IN ('validated', 'published') THEN NULL ELSE approved_by END, \
         entered_by = COALESCE($14, entered_by) WHERE id = $13",
    )
    .bind(number_of(value))
    .bind(text_of(value))
    .bind(value.lower_bound)
    .bind(value.upper_bound)
    .bind(value.status.as_str())
    .bind(provenance.organisation_id)
    .bind(provenance.kind.as_str())
    .bind(provenance.source_name.clone())
    .bind(provenance.source_reference.clone())
    .bind(provenance.source_date.map(|d| d.to_string()))
    .bind(provenance.method_note.clone())
    .bind(at.seconds())
    .bind(id)
    .bind(by)
    .bind(standard_error)
    .bind(design_effect)
    .bind(respondents)
    .bind(confidence)
    .execute(&mut **tx)
    .await
    .map_err(err)?;
    Ok(())
}

/// Binds a value's columns, in the order of `STAGED_VALUE_COLUMNS`: the one list both
/// a single insert and an import's staging write.
pub(super) fn bind_value_columns(
    row: &mut sqlx::query_builder::Separated<'_, Db, &'static str>,
    observation: &NewObservation,
    city_code: Option<String>,
) {
    let provenance = &observation.provenance;
    row.push_bind(observation.indicator.as_str().to_owned())
        .push_bind(i64::from(observation.version))
        .push_bind(observation.area.as_str().to_owned())
        .push_bind(city_code)
        .push_bind(observation.period.to_string())
        .push_bind(observation.period.start_month_index())
        .push_bind(observation.period.length_in_months())
        .push_bind(observation.key.to_string())
        .push_bind(number_of(observation))
        .push_bind(text_of(observation))
        .push_bind(observation.lower_bound)
        .push_bind(observation.upper_bound)
        .push_bind(observation.status.as_str())
        .push_bind(provenance.organisation_id)
        .push_bind(provenance.kind.as_str())
        .push_bind(provenance.source_name.clone())
        .push_bind(provenance.source_reference.clone())
        .push_bind(provenance.source_date.map(|d| d.to_string()))
        .push_bind(provenance.method_note.clone())
        .push_bind(observation.state.as_str());
}

/// Stores one new observation within a transaction.
pub(super) async fn insert_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    observation: &NewObservation,
    entered_by: Option<i64>,
    at: Timestamp,
) -> StoreResult<i64> {
    require_version_in(tx, &observation.indicator, observation.version).await?;
    let city_code = city_code_in(tx, &observation.area).await?;
    let mut insert = sqlx::QueryBuilder::<Db>::new(format!(
        "INSERT INTO observations ({STAGED_VALUE_COLUMNS}, revision, entered_by, approved_by, created_at, updated_at, {PRECISION_COLUMNS}) "
    ));
    let (standard_error, design_effect, respondents, confidence) = precision_binds(observation);
    insert.push_values(std::iter::once(()), |mut row, ()| {
        bind_value_columns(&mut row, observation, city_code.clone());
        row.push_bind(1_i64).push_bind(entered_by).push_bind(None::<i64>).push_bind(at.seconds()).push_bind(at.seconds());
        row.push_bind(standard_error).push_bind(design_effect).push_bind(respondents).push_bind(confidence);
    });
    insert.push(" RETURNING id");
    let row = insert.build().fetch_one(&mut **tx).await.map_err(err)?;
    let id: i64 = get(&row, "id")?;
    // Its history begins with its first change.
    bump_generation(tx, city_code.as_deref().unwrap_or("")).await?;
    Ok(id)
}

/// The `FROM` and `WHERE` of an observation query.
pub(super) fn push_observation_filter(target: &mut sqlx::QueryBuilder<Db>, query: &ObservationQuery) {
    target.push(" FROM observations o WHERE 1 = 1");
    match &query.visibility {
        Visibility::All => {}
        Visibility::PublishedOnly => {
            target.push(" AND o.state = 'published'");
        }
        Visibility::PublishedAndCities(cities) if cities.is_empty() => {
            target.push(" AND o.state = 'published'");
        }
        Visibility::PublishedAndCities(cities) => {
            target.push(" AND (o.state = 'published' OR o.city_code IN (");
            let mut separated = target.separated(", ");
            for city in cities {
                separated.push_bind(city.as_str().to_owned());
            }
            target.push("))");
        }
    }
    if let Some(indicator) = &query.indicator {
        target.push(" AND o.indicator_code = ").push_bind(indicator.as_str().to_owned());
    }
    if let Some(version) = query.version {
        target.push(" AND o.version = ").push_bind(i64::from(version));
    }
    if let Some(area) = &query.area {
        if query.include_districts {
            target
                .push(" AND (o.area_code = ")
                .push_bind(area.as_str().to_owned())
                .push(" OR o.area_code IN (SELECT code FROM areas WHERE parent_code = ")
                .push_bind(area.as_str().to_owned())
                .push("))");
        } else {
            target.push(" AND o.area_code = ").push_bind(area.as_str().to_owned());
        }
    }
    if let Some(key) = &query.key {
        target.push(" AND o.disaggregation = ").push_bind(key.to_string());
    }
    if let Some(from) = query.period_from {
        target.push(" AND o.period_start >= ").push_bind(from.start_month_index());
    }
    if let Some(to) = query.period_to {
        target.push(" AND o.period_start + o.period_months <= ").push_bind(to.start_month_index() + to.length_in_months());
    }
    if let Some(organisation) = query.organisation {
        target.push(" AND o.organisation_id = ").push_bind(organisation);
    }
    if !query.states.is_empty() {
        target.push(" AND o.state IN (");
        let mut separated = target.separated(", ");
        for state in &query.states {
            separated.push_bind(state.as_str());
        }
        target.push(")");
    }
}

pub(super) const OBSERVATION_ORDER: &str =
    " ORDER BY o.indicator_code, o.version, o.area_code, o.disaggregation, o.period_start, o.period_months, o.id";

impl Backend {
    async fn observation_by_id(&self, id: i64) -> StoreResult<Observation> {
        let sql = format!("SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE o.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
        observation_of(&row.ok_or(StoreError::NotFound)?)
    }
}

#[async_trait::async_trait]
impl ObservationStore for Backend {
    async fn findings_generation(&self, city: &AreaCode) -> StoreResult<i64> {
        findings_generation(self, city).await
    }

    async fn insert_observation(
        &self,
        observation: &NewObservation,
        entered_by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Observation> {
        let id = in_transaction!(self, tx, {
            let id = insert_in(&mut tx, observation, entered_by, at).await?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(id)
        })?;
        self.observation_by_id(id).await
    }

    async fn insert_observations(
        &self,
        observations: &[NewObservation],
        entered_by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Vec<i64>> {
        in_transaction!(self, tx, {
            let mut ids = Vec::with_capacity(observations.len());
            for observation in observations {
                ids.push(insert_in(&mut tx, observation, entered_by, at).await?);
            }
            let mut event = audit.clone();
            if let serde_json::Value::Object(detail) = &mut event.detail {
                detail.insert("ids".into(), serde_json::json!(ids));
            }
            audit_in(&mut tx, &event).await?;
            Ok(ids)
        })
    }

    async fn get_observation(&self, id: i64) -> StoreResult<Observation> {
        self.observation_by_id(id).await
    }

    async fn list_observations(&self, query: &ObservationQuery) -> StoreResult<Page<Observation>> {
        let mut count = sqlx::QueryBuilder::<Db>::new("SELECT COUNT(*) AS n");
        let mut items = sqlx::QueryBuilder::<Db>::new(format!("SELECT {OBSERVATION_COLUMNS}"));
        push_observation_filter(&mut count, query);
        push_observation_filter(&mut items, query);
        let (limit, offset) = page_bounds(query.page);
        items.push(OBSERVATION_ORDER).push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
        let total: i64 = get(&count.build().fetch_one(self.pool()).await.map_err(err)?, "n")?;
        let rows = items.build().fetch_all(self.pool()).await.map_err(err)?;
        Ok(Page {
            items: rows.iter().map(observation_of).collect::<StoreResult<_>>()?,
            total: u64::try_from(total).unwrap_or(0),
            limit: query.page.limit(),
            offset: query.page.offset(),
        })
    }

    async fn list_all_observations(&self, query: &ObservationQuery) -> StoreResult<Vec<Observation>> {
        let mut items = sqlx::QueryBuilder::<Db>::new(format!("SELECT {OBSERVATION_COLUMNS}"));
        push_observation_filter(&mut items, query);
        items.push(OBSERVATION_ORDER);
        let rows = items.build().fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(observation_of).collect()
    }

    async fn observed_indicators(&self, query: &ObservationQuery) -> StoreResult<Vec<IndicatorCode>> {
        let mut codes = sqlx::QueryBuilder::<Db>::new("SELECT DISTINCT o.indicator_code");
        push_observation_filter(&mut codes, query);
        codes.push(" ORDER BY o.indicator_code");
        let rows = codes.build().fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(|row| parsed("indicator_code", IndicatorCode::parse(&get::<String>(row, "indicator_code")?))).collect()
    }

    async fn set_observation_state(
        &self,
        id: i64,
        expected_revision: u32,
        state: WorkflowState,
        by: Option<i64>,
        at: Timestamp,
        reason: Option<&str>,
        audit: &NewAuditEvent,
    ) -> StoreResult<Observation> {
        let approver = if matches!(state, WorkflowState::Validated | WorkflowState::Published) { by } else { None };
        in_transaction!(self, tx, {
            keep_first_revision(&mut tx, id).await?;
            let result = sqlx::query(
                "UPDATE observations SET state = $1, revision = revision + 1, updated_at = $2, \
                 approved_by = COALESCE($3, approved_by) WHERE id = $4 AND revision = $5",
            )
            .bind(state.as_str())
            .bind(at.seconds())
            .bind(approver)
            .bind(id)
            .bind(i64::from(expected_revision))
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            if result.rows_affected() == 0 {
                observation_in(&mut tx, id).await?;
                return Err(StoreError::Conflict { constraint: "observation_revision".into() });
            }
            let stored = observation_in(&mut tx, id).await?;
            record_revision(&mut tx, &stored, by, RevisionAction::into_state(state), reason).await?;
            audit_in(&mut tx, audit).await?;
            Ok(stored)
        })
    }

    async fn revise_observation(
        &self,
        id: i64,
        expected_revision: u32,
        value: &NewObservation,
        by: Option<i64>,
        at: Timestamp,
        reason: &str,
        audit: &NewAuditEvent,
    ) -> StoreResult<Observation> {
        in_transaction!(self, tx, {
            let current = observation_in(&mut tx, id).await?;
            if current.revision != expected_revision {
                return Err(StoreError::Conflict { constraint: "observation_revision".into() });
            }
            if !current.data.same_subject(value) {
                return Err(StoreError::Conflict { constraint: "observation_subject".into() });
            }
            update_value_in(&mut tx, id, value, by, at).await?;
            let stored = observation_in(&mut tx, id).await?;
            record_revision(&mut tx, &stored, by, RevisionAction::Revised, Some(reason)).await?;
            audit_in(&mut tx, audit).await?;
            Ok(stored)
        })
    }

    async fn list_observation_history(&self, id: i64) -> StoreResult<Vec<ObservationRevision>> {
        let rows = sqlx::query(
            "SELECT observation_id, revision, at, user_id, action, reason, snapshot FROM observation_revisions WHERE observation_id = $1 ORDER BY revision",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        if rows.is_empty() {
            // A value that has not changed since it was stored is its own first revision.
            let sql = format!("SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE o.id = $1");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
            return row.map(|row| observation_of(&row).map(|stored| vec![first_revision(&stored)])).unwrap_or(Ok(Vec::new()));
        }
        rows.iter()
            .map(|row| {
                Ok(ObservationRevision {
                    observation_id: get(row, "observation_id")?,
                    revision: u32_of("revision", get(row, "revision")?)?,
                    at: Timestamp(get(row, "at")?),
                    user_id: get(row, "user_id")?,
                    action: parsed("action", RevisionAction::parse(&get::<String>(row, "action")?))?,
                    reason: get(row, "reason")?,
                    snapshot: json(row, "snapshot")?,
                })
            })
            .collect()
    }

    async fn add_shadow_value(
        &self,
        shadow: &NewShadowValue,
        user_id: i64,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<ShadowValue> {
        in_transaction!(self, tx, {
            bump_generation_of_area(&mut tx, &shadow.area).await?;
            let row = sqlx::query(
                "INSERT INTO shadow_values (indicator_code, version, area_code, period, period_start, disaggregation, number_value, assessment, \
                 sources, organisation_id, user_id, at, method_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(shadow.indicator.as_str().to_owned())
            .bind(i64::from(shadow.version))
            .bind(shadow.area.as_str().to_owned())
            .bind(shadow.period.to_string())
            .bind(shadow.period.start_month_index())
            .bind(shadow.key.to_string())
            .bind(shadow.value)
            .bind(shadow.assessment.clone())
            .bind(shadow.sources.clone())
            .bind(shadow.organisation_id)
            .bind(user_id)
            .bind(at.seconds())
            .bind(shadow.method_note.clone())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(ShadowValue { id, data: shadow.clone(), user_id, at, reply: None })
        })
    }

    async fn get_shadow_value(&self, id: i64) -> StoreResult<ShadowValue> {
        let sql = format!("SELECT {SHADOW_COLUMNS} FROM shadow_values WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
        shadow_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_shadow_values(&self, indicator: &IndicatorCode, area: &AreaCode) -> StoreResult<Vec<ShadowValue>> {
        let sql =
            format!("SELECT {SHADOW_COLUMNS} FROM shadow_values WHERE indicator_code = $1 AND area_code = $2 ORDER BY period_start, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(indicator.as_str().to_owned())
            .bind(area.as_str().to_owned())
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter().map(shadow_of).collect()
    }

    async fn list_replied_shadow_values(&self) -> StoreResult<Vec<ShadowValue>> {
        let sql = format!("SELECT {SHADOW_COLUMNS} FROM shadow_values WHERE reply IS NOT NULL ORDER BY reply_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(shadow_of).collect()
    }

    async fn reply_to_shadow_value(
        &self,
        id: i64,
        user_id: i64,
        text: &str,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<ShadowValue> {
        in_transaction!(self, tx, {
            let row =
                sqlx::query("SELECT area_code FROM shadow_values WHERE id = $1").bind(id).fetch_optional(&mut *tx).await.map_err(err)?;
            if let Some(row) = row {
                let area = parsed("area_code", AreaCode::parse(&get::<String>(&row, "area_code")?))?;
                bump_generation_of_area(&mut tx, &area).await?;
            }
            let result = sqlx::query("UPDATE shadow_values SET reply = $1, reply_by = $2, reply_at = $3 WHERE id = $4 AND reply IS NULL")
                .bind(text.to_owned())
                .bind(user_id)
                .bind(at.seconds())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            if result.rows_affected() == 0 {
                exists_id(&mut tx, "SELECT 1 FROM shadow_values WHERE id = $1", id).await?;
                return Err(StoreError::Conflict { constraint: "shadow_value_replied".into() });
            }
            audit_in(&mut tx, audit).await?;
            Ok(())
        })?;
        self.get_shadow_value(id).await
    }

    async fn put_benchmark(&self, kind: BenchmarkKind, benchmark: &Benchmark, audit: &NewAuditEvent) -> StoreResult<Written> {
        in_transaction!(self, tx, {
            if !exists(&mut tx, "SELECT 1 FROM indicators WHERE code = $1", benchmark.indicator.as_str()).await?
                || !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1", benchmark.area.as_str()).await?
            {
                return Err(StoreError::NotFound);
            }
            bump_generation_of_area(&mut tx, &benchmark.area).await?;
            let existing = sqlx::query(
                "SELECT period, value FROM benchmarks WHERE kind = $1 AND indicator_code = $2 AND area_code = $3 AND disaggregation = $4",
            )
            .bind(kind.as_str())
            .bind(benchmark.indicator.as_str().to_owned())
            .bind(benchmark.area.as_str().to_owned())
            .bind(benchmark.key.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(err)?;
            let written = match existing {
                Some(row) => {
                    let period: String = get(&row, "period")?;
                    let value: f64 = get(&row, "value")?;
                    if period == benchmark.period.to_string() && value == benchmark.value {
                        return Ok(Written::Unchanged);
                    }
                    Written::Updated
                }
                None => Written::Created,
            };
            let sql = if written == Written::Created {
                "INSERT INTO benchmarks (period, value, kind, indicator_code, area_code, disaggregation) VALUES ($1, $2, $3, $4, $5, $6)"
            } else {
                "UPDATE benchmarks SET period = $1, value = $2 WHERE kind = $3 AND indicator_code = $4 AND area_code = $5 AND disaggregation = $6"
            };
            sqlx::query(sql)
                .bind(benchmark.period.to_string())
                .bind(benchmark.value)
                .bind(kind.as_str())
                .bind(benchmark.indicator.as_str().to_owned())
                .bind(benchmark.area.as_str().to_owned())
                .bind(benchmark.key.to_string())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_written(&mut tx, audit, written).await
        })
    }

    async fn list_benchmarks(&self, indicator: &IndicatorCode, area: &AreaCode) -> StoreResult<Vec<(BenchmarkKind, Benchmark)>> {
        let rows = sqlx::query(
            "SELECT kind, disaggregation, period, value FROM benchmarks WHERE indicator_code = $1 AND area_code = $2 \
             ORDER BY disaggregation, kind",
        )
        .bind(indicator.as_str().to_owned())
        .bind(area.as_str().to_owned())
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        rows.iter()
            .map(|row| {
                let kind: String = get(row, "kind")?;
                Ok((
                    BenchmarkKind::parse(&kind).ok_or_else(|| corrupt("kind", kind.clone()))?,
                    Benchmark {
                        indicator: indicator.clone(),
                        area: area.clone(),
                        key: parsed("disaggregation", DisaggregationKey::parse(&get::<String>(row, "disaggregation")?))?,
                        period: parsed("period", Period::parse(&get::<String>(row, "period")?))?,
                        value: get(row, "value")?,
                    },
                ))
            })
            .collect()
    }
}
