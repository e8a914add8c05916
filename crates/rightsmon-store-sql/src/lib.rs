//! The SQL both storage adapters share.
//!
//! SQLite and PostgreSQL agree on almost every statement Rights Monitor needs, so the
//! implementation of [`Store`](../rightsmon_store/trait.Store.html) is written once, in
//! [`impl_sql_store!`], and each adapter expands it for its own database type. Where the
//! dialects differ, the macro calls a method the adapter defines itself:
//!
//! - `fn pool(&self) -> &sqlx::Pool<DB>`
//! - `async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>>`: serialises writers
//!   of one process where the database allows one writer at a time (SQLite); `None` elsewhere.
//! - `async fn begin_write(&self) -> Result<sqlx::Transaction<'static, DB>, sqlx::Error>`: begins a
//!   transaction that will write. SQLite takes its write lock at once (`BEGIN IMMEDIATE`), so
//!   that writers of other processes wait their turn instead of failing half-way.
//! - `async fn set_bulk_cache(tx: &mut sqlx::Transaction<'_, DB>, bulk: bool) -> Result<(), sqlx::Error>`:
//!   gives the switch of an import a page cache of its size, and takes it back before the commit,
//!   where the database keeps one per connection (SQLite); nothing elsewhere.
//! - `async fn lock_audit_chain(tx: &mut sqlx::Transaction<'_, DB>) -> Result<(), sqlx::Error>`:
//!   makes appends to the audit chain take turns across processes.
//! - `async fn run_migrations(&self) -> StoreResult<u32>`.
//! - `fn map_error(error: sqlx::Error) -> StoreError`.
//!
//! Every write runs in one transaction with the audit event that records it, so that a change
//! is never committed without its event, nor an event without its change.
//!
//! The expanding crate needs `sqlx`, `async-trait`, `serde_json`, `rightsmon-domain` and
//! `rightsmon-store` among its dependencies.

/// Runs `$body` in a write transaction of `$store`, bound to `$tx`, behind the store's write
/// guard: commits when the body returns `Ok`, rolls back at once when it returns `Err`, so that
/// no lock outlives a failed write.
#[doc(hidden)]
#[macro_export]
macro_rules! in_transaction {
    ($store:expr, $tx:ident, $body:block) => {{
        let _guard = $store.write_guard().await;
        let mut $tx = $store.begin_write().await.map_err(err)?;
        let result: StoreResult<_> = async { $body }.await;
        match result {
            Ok(value) => {
                $tx.commit().await.map_err(err)?;
                Ok(value)
            }
            Err(error) => {
                if let Err(rollback) = $tx.rollback().await {
                    tracing::warn!(error = %rollback, "rollback failed");
                }
                Err(error)
            }
        }
    }};
}

/// Implements `rightsmon_store::Store` for `$store`, a type holding a `sqlx::Pool<$db>`.
#[macro_export]
macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $backend:literal) => {
        mod sql_store_impl {
            #![allow(clippy::too_many_lines, clippy::too_many_arguments)]
            use super::*;
            use rightsmon_domain::access::{Membership, NewOrganisation, Organisation, OrganisationKind, Role, Scope, User, Username};
            use rightsmon_domain::area::{Area, AreaKind, Boundary};
            use rightsmon_domain::audit::{AuditEvent, NewAuditEvent};
            use rightsmon_domain::catalogue::IndicatorDefinition;
            use rightsmon_domain::codelist::{CodeItem, Codelist, DisaggregationKey};
            use rightsmon_domain::collection::{Assignment, Cycle, NewCycle};
            use rightsmon_domain::codesign::{
                CityRule, Comment, Decision, Endorsement, NetworkRule, NewProposal, Objection, Outcome, Proposal, ProposalStatus, Side,
            };
            use rightsmon_domain::id::{AreaCode, Code, DimensionId, IndicatorCode};
            use rightsmon_domain::observation::{
                Benchmark, NewObservation, NewShadowValue, Observation, ObservationRevision, ObservationValue, Provenance, ProvenanceKind,
                RevisionAction, ShadowReply, ShadowValue, StatusFlag, WorkflowState,
            };
            use rightsmon_domain::period::Period;
            use rightsmon_domain::right::{Right, RightCode, RightKind, Theme, ThemeCode};
            use rightsmon_domain::text::Texts;
            use rightsmon_domain::time::{Date, Timestamp};
            use rightsmon_store::{
                Adoption, BenchmarkKind, FrameworkChange, IndicatorQuery, NewUser, ObservationQuery, Page, ProposalQuery, SessionRecord, Store,
                StoreError, StoreResult, Visibility, Written,
            };
            use sqlx::Row;

            type DbRow = <$db as sqlx::Database>::Row;

            /// Creates or updates an area inside a transaction; its parent must exist and be of
            /// the kind above it, and an area never changes kind.
            async fn write_area(tx: &mut sqlx::Transaction<'_, $db>, area: &Area) -> StoreResult<Written> {
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

            fn err(error: sqlx::Error) -> StoreError {
                <$store>::map_error(error)
            }

            fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
                StoreError::Corrupt(format!("{what}: {detail}"))
            }

            fn get<'r, T>(row: &'r DbRow, column: &str) -> StoreResult<T>
            where
                T: sqlx::Decode<'r, $db> + sqlx::Type<$db>,
            {
                row.try_get::<T, _>(column).map_err(err)
            }

            fn json<T: serde::de::DeserializeOwned>(row: &DbRow, column: &str) -> StoreResult<T> {
                let text: String = get(row, column)?;
                serde_json::from_str(&text).map_err(|e| corrupt(column, e))
            }

            fn optional_json<T: serde::de::DeserializeOwned>(row: &DbRow, column: &str) -> StoreResult<Option<T>> {
                let text: Option<String> = get(row, column)?;
                text.map(|t| serde_json::from_str(&t).map_err(|e| corrupt(column, e))).transpose()
            }

            fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
                serde_json::to_string(value).map_err(|e| StoreError::Backend(e.into()))
            }

            fn parsed<T, E: std::fmt::Display>(column: &str, result: Result<T, E>) -> StoreResult<T> {
                result.map_err(|e| corrupt(column, e))
            }

            fn u32_of(column: &str, value: i64) -> StoreResult<u32> {
                u32::try_from(value).map_err(|e| corrupt(column, e))
            }

            fn page_bounds(page: rightsmon_store::PageRequest) -> (i64, i64) {
                (i64::from(page.limit()), i64::try_from(page.offset()).unwrap_or(i64::MAX))
            }

            fn theme_of(row: &DbRow) -> StoreResult<Theme> {
                Ok(Theme {
                    code: parsed("code", ThemeCode::parse(&get::<String>(row, "code")?))?,
                    is_agreed_area: get(row, "is_agreed_area")?,
                    position: u32_of("position", get(row, "position")?)?,
                    name: json(row, "name")?,
                    description: optional_json(row, "description")?,
                })
            }

            fn right_of(row: &DbRow) -> StoreResult<Right> {
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

            fn area_of(row: &DbRow) -> StoreResult<Area> {
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

            const OBSERVATION_COLUMNS: &str = "o.id, o.indicator_code, o.version, o.area_code, o.period, o.disaggregation, \
                o.number_value, o.text_value, o.lower_bound, o.upper_bound, o.status, o.organisation_id, o.provenance_kind, \
                o.source_name, o.source_reference, o.source_date, o.method_note, o.state, o.revision, o.entered_by, \
                o.approved_by, o.created_at, o.updated_at";

            fn observation_of(row: &DbRow) -> StoreResult<Observation> {
                let number: Option<f64> = get(row, "number_value")?;
                let text: Option<String> = get(row, "text_value")?;
                let value = match (number, text) {
                    (Some(n), None) => ObservationValue::Number(n),
                    (None, Some(t)) => ObservationValue::Text(t),
                    _ => return Err(corrupt("observations", "a value is both or neither number and text")),
                };
                Ok(Observation {
                    id: get(row, "id")?,
                    data: NewObservation {
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
                            source_date: get::<Option<String>>(row, "source_date")?
                                .map(|d| parsed("source_date", Date::parse(&d)))
                                .transpose()?,
                            method_note: get(row, "method_note")?,
                        },
                        state: parsed("state", WorkflowState::parse(&get::<String>(row, "state")?))?,
                    },
                    revision: u32_of("revision", get(row, "revision")?)?,
                    entered_by: get(row, "entered_by")?,
                    approved_by: get(row, "approved_by")?,
                    created_at: Timestamp(get(row, "created_at")?),
                    updated_at: Timestamp(get(row, "updated_at")?),
                })
            }

            fn user_of(row: &DbRow) -> StoreResult<User> {
                Ok(User {
                    id: get(row, "id")?,
                    username: parsed("username", Username::parse(&get::<String>(row, "username")?))?,
                    display_name: get(row, "display_name")?,
                    email: get(row, "email")?,
                    is_disabled: get(row, "is_disabled")?,
                    created_at: Timestamp(get(row, "created_at")?),
                })
            }

            fn organisation_of(row: &DbRow) -> StoreResult<Organisation> {
                Ok(Organisation {
                    id: get(row, "id")?,
                    name: get(row, "name")?,
                    kind: parsed("kind", OrganisationKind::parse(&get::<String>(row, "kind")?))?,
                    city: get::<Option<String>>(row, "city_code")?.map(|c| parsed("city_code", AreaCode::parse(&c))).transpose()?,
                })
            }

            fn audit_of(row: &DbRow) -> StoreResult<AuditEvent> {
                Ok(AuditEvent {
                    id: get(row, "id")?,
                    event: NewAuditEvent {
                        at: Timestamp(get(row, "at")?),
                        actor_user_id: get(row, "actor_user_id")?,
                        action: get(row, "action")?,
                        subject: get(row, "subject")?,
                        detail: json(row, "detail")?,
                    },
                    previous_hash: get(row, "previous_hash")?,
                    hash: get(row, "hash")?,
                })
            }

            /// Appends an event to the audit chain inside the transaction of the change it records.
            async fn audit_in(tx: &mut sqlx::Transaction<'_, $db>, event: &NewAuditEvent) -> StoreResult<AuditEvent> {
                <$store>::lock_audit_chain(tx).await.map_err(err)?;
                let previous_hash: String = match sqlx::query("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1").fetch_optional(&mut **tx).await.map_err(err)? {
                    Some(row) => get(&row, "hash")?,
                    None => String::new(),
                };
                let hash = rightsmon_store::audit_hash(&previous_hash, event);
                let row = sqlx::query(
                    "INSERT INTO audit_events (at, actor_user_id, action, subject, detail, previous_hash, hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(event.at.seconds())
                .bind(event.actor_user_id)
                .bind(event.action.clone())
                .bind(event.subject.clone())
                .bind(event.detail.to_string())
                .bind(previous_hash.clone())
                .bind(hash.clone())
                .fetch_one(&mut **tx)
                .await
                .map_err(err)?;
                Ok(AuditEvent { id: get(&row, "id")?, event: event.clone(), previous_hash, hash })
            }

            /// Appends the audit event of a write unless it changed nothing.
            async fn audit_written(tx: &mut sqlx::Transaction<'_, $db>, event: &NewAuditEvent, written: Written) -> StoreResult<Written> {
                if written != Written::Unchanged {
                    audit_in(tx, event).await?;
                }
                Ok(written)
            }

            fn scope_key(city: Option<&AreaCode>) -> String {
                city.map_or_else(String::new, |c| c.as_str().to_owned())
            }

            /// Whether the row with this id exists, within a transaction; `NotFound` if not.
            async fn exists_id(tx: &mut sqlx::Transaction<'_, $db>, sql: &'static str, id: i64) -> StoreResult<()> {
                sqlx::query(sql).bind(id).fetch_optional(&mut **tx).await.map_err(err)?.map(|_| ()).ok_or(StoreError::NotFound)
            }

            /// Whether a row exists, within a transaction.
            async fn exists(tx: &mut sqlx::Transaction<'_, $db>, sql: &'static str, key: &str) -> StoreResult<bool> {
                Ok(sqlx::query(sql).bind(key.to_owned()).fetch_optional(&mut **tx).await.map_err(err)?.is_some())
            }

            /// Stores one indicator version within a transaction (see `Store::put_indicator_version`).
            async fn put_version_in(tx: &mut sqlx::Transaction<'_, $db>, definition: &IndicatorDefinition, at: Timestamp) -> StoreResult<Written> {
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
                let indicator = sqlx::query("SELECT city_code FROM indicators WHERE code = $1")
                    .bind(code.clone())
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(err)?;
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

            fn proposal_of(row: &DbRow) -> StoreResult<Proposal> {
                Ok(Proposal {
                    id: get(row, "id")?,
                    proposal: json::<NewProposal>(row, "body")?,
                    author_id: get(row, "author_id")?,
                    created_at: Timestamp(get(row, "created_at")?),
                    status: parsed("status", ProposalStatus::parse(&get::<String>(row, "status")?))?,
                })
            }

            fn adoption_of(row: &DbRow) -> StoreResult<Adoption> {
                Ok(Adoption {
                    city: parsed("city_code", AreaCode::parse(&get::<String>(row, "city_code")?))?,
                    indicator: parsed("indicator_code", IndicatorCode::parse(&get::<String>(row, "indicator_code")?))?,
                    is_adopted: get(row, "is_adopted")?,
                    reason: get(row, "reason")?,
                    proposal_id: get(row, "proposal_id")?,
                    decided_at: Timestamp(get(row, "decided_at")?),
                })
            }

            fn scope_of(scope: &Scope) -> (String, Option<String>) {
                match scope {
                    Scope::Network => (String::new(), None),
                    Scope::City(city) => (city.as_str().to_owned(), Some(city.as_str().to_owned())),
                }
            }

            /// Whether a proposal exists and is open, within a transaction.
            async fn require_open(tx: &mut sqlx::Transaction<'_, $db>, proposal_id: i64) -> StoreResult<()> {
                let row = sqlx::query("SELECT status FROM proposals WHERE id = $1")
                    .bind(proposal_id)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(err)?
                    .ok_or(StoreError::NotFound)?;
                if get::<String>(&row, "status")? == ProposalStatus::Open.as_str() {
                    Ok(())
                } else {
                    Err(StoreError::Conflict { constraint: "proposal_not_open".into() })
                }
            }

            async fn rule_json(pool: &sqlx::Pool<$db>, key: &str) -> StoreResult<Option<String>> {
                let row = sqlx::query("SELECT rule FROM governance_rules WHERE scope_key = $1").bind(key.to_owned()).fetch_optional(pool).await.map_err(err)?;
                row.map(|r| get::<String>(&r, "rule")).transpose()
            }

            async fn set_rule_json(tx: &mut sqlx::Transaction<'_, $db>, key: &str, rule: String) -> StoreResult<()> {
                sqlx::query("INSERT INTO governance_rules (scope_key, rule) VALUES ($1, $2) ON CONFLICT (scope_key) DO UPDATE SET rule = excluded.rule")
                    .bind(key.to_owned())
                    .bind(rule)
                    .execute(&mut **tx)
                    .await
                    .map_err(err)?;
                Ok(())
            }

            /// Inserts a text someone said about a proposal (a comment, an objection); returns its id.
            async fn insert_statement(tx: &mut sqlx::Transaction<'_, $db>, sql: &'static str, proposal_id: i64, user_id: i64, text: &str, at: Timestamp) -> StoreResult<i64> {
                let row = sqlx::query(sql).bind(proposal_id).bind(user_id).bind(text.to_owned()).bind(at.seconds()).fetch_one(&mut **tx).await.map_err(err)?;
                get(&row, "id")
            }

            /// Lists texts said about a proposal as (id, proposal, user, text, time).
            async fn list_statements(pool: &sqlx::Pool<$db>, sql: &'static str, proposal_id: i64) -> StoreResult<Vec<(i64, i64, i64, String, Timestamp)>> {
                let rows = sqlx::query(sql).bind(proposal_id).fetch_all(pool).await.map_err(err)?;
                rows.iter()
                    .map(|row| Ok((get(row, "id")?, get(row, "proposal_id")?, get(row, "user_id")?, get(row, "text")?, Timestamp(get(row, "at")?))))
                    .collect()
            }

            async fn observation_in(tx: &mut sqlx::Transaction<'_, $db>, id: i64) -> StoreResult<Observation> {
                let sql = format!("SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE o.id = $1");
                let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await.map_err(err)?;
                observation_of(&row.ok_or(StoreError::NotFound)?)
            }

            /// Appends a value's state after a change to its history.
            async fn record_revision(
                tx: &mut sqlx::Transaction<'_, $db>,
                observation: &Observation,
                user_id: Option<i64>,
                action: RevisionAction,
                reason: Option<&str>,
            ) -> StoreResult<()> {
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

            const SHADOW_COLUMNS: &str = "id, indicator_code, version, area_code, period, disaggregation, number_value, assessment, sources, \
                organisation_id, user_id, at, reply, reply_by, reply_at, method_note";

            fn shadow_of(row: &DbRow) -> StoreResult<ShadowValue> {
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

            fn cycle_of(row: &DbRow) -> StoreResult<Cycle> {
                Ok(Cycle {
                    id: get(row, "id")?,
                    cycle: NewCycle {
                        city: parsed("city_code", AreaCode::parse(&get::<String>(row, "city_code")?))?,
                        name: get(row, "name")?,
                        period: parsed("period", Period::parse(&get::<String>(row, "period")?))?,
                        deadline: parsed("deadline", Date::parse(&get::<String>(row, "deadline")?))?,
                    },
                })
            }

            fn assignment_of(row: &DbRow) -> StoreResult<Assignment> {
                Ok(Assignment {
                    cycle_id: get(row, "cycle_id")?,
                    indicator: parsed("indicator_code", IndicatorCode::parse(&get::<String>(row, "indicator_code")?))?,
                    organisation_id: get(row, "organisation_id")?,
                })
            }

            /// `NotFound` unless the indicator version exists.
            async fn require_version_in(tx: &mut sqlx::Transaction<'_, $db>, indicator: &IndicatorCode, version: u32) -> StoreResult<()> {
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
            async fn city_code_in(tx: &mut sqlx::Transaction<'_, $db>, area: &AreaCode) -> StoreResult<Option<String>> {
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
            async fn update_value_in(tx: &mut sqlx::Transaction<'_, $db>, id: i64, value: &NewObservation, by: Option<i64>, at: Timestamp) -> StoreResult<()> {
                let provenance = &value.provenance;
                sqlx::query(
                    "UPDATE observations SET number_value = $1, text_value = $2, lower_bound = $3, upper_bound = $4, status = $5, \
                     organisation_id = $6, provenance_kind = $7, source_name = $8, source_reference = $9, source_date = $10, \
                     method_note = $11, revision = revision + 1, updated_at = $12, \
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
                .execute(&mut **tx)
                .await
                .map_err(err)?;
                Ok(())
            }

            /// Binds a value's columns, in the order of `STAGED_VALUE_COLUMNS`: the one list both
            /// a single insert and an import's staging write.
            fn bind_value_columns(row: &mut sqlx::query_builder::Separated<'_, $db, &'static str>, observation: &NewObservation, city_code: Option<String>) {
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

            /// Stores one new observation within a transaction and records it in its history.
            async fn insert_in(tx: &mut sqlx::Transaction<'_, $db>, observation: &NewObservation, entered_by: Option<i64>, at: Timestamp) -> StoreResult<i64> {
                require_version_in(tx, &observation.indicator, observation.version).await?;
                let city_code = city_code_in(tx, &observation.area).await?;
                let mut insert = sqlx::QueryBuilder::<$db>::new(format!(
                    "INSERT INTO observations ({STAGED_VALUE_COLUMNS}, revision, entered_by, approved_by, created_at, updated_at) "
                ));
                insert.push_values(std::iter::once(()), |mut row, ()| {
                    bind_value_columns(&mut row, observation, city_code.clone());
                    row.push_bind(1_i64).push_bind(entered_by).push_bind(None::<i64>).push_bind(at.seconds()).push_bind(at.seconds());
                });
                insert.push(" RETURNING id");
                let row = insert.build().fetch_one(&mut **tx).await.map_err(err)?;
                let id: i64 = get(&row, "id")?;
                let stored = observation_in(tx, id).await?;
                record_revision(tx, &stored, entered_by, RevisionAction::Created, None).await?;
                Ok(id)
            }

            /// Replaces a codelist and its codes within a transaction.
            async fn codelist_in(tx: &mut sqlx::Transaction<'_, $db>, codelist: &Codelist) -> StoreResult<()> {
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

            /// Whether two values of the same subject say the same: value, bounds, status and provenance.
            fn same_content(a: &NewObservation, b: &NewObservation) -> bool {
                a.value == b.value && a.lower_bound == b.lower_bound && a.upper_bound == b.upper_bound && a.status == b.status && a.provenance == b.provenance
            }

            /// The id each value of a switch's batch was created with, or `None` for a value
            /// whose subject was stored already (or came earlier in the chunk: the first of two
            /// rows about one subject is created, the second meets it). When every value was new,
            /// the rows come back in the order of the values, which is checked cheaply; otherwise
            /// they are matched by subject.
            fn created_ids(returned: &[DbRow], chunk: &[rightsmon_store::ImportItem]) -> StoreResult<Vec<Option<i64>>> {
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
                        created.remove(&(o.indicator.as_str().to_owned(), i64::from(o.version), o.area.as_str().to_owned(), o.period.to_string(), o.key.to_string()))
                    })
                    .collect())
            }

            /// The columns of a value as it is staged, and as `observations` holds it before its
            /// revision, people and times.
            const STAGED_VALUE_COLUMNS: &str = "indicator_code, version, area_code, city_code, period, period_start, period_months, \
                disaggregation, number_value, text_value, lower_bound, upper_bound, status, organisation_id, provenance_kind, \
                source_name, source_reference, source_date, method_note, state";

            /// Staged values read back per switch batch.
            const SWITCH_BATCH: i64 = 2000;
            /// Staged values per insert statement: 24 parameters each, within both databases' limits.
            const STAGE_CHUNK: usize = 500;
            /// A run whose heartbeat is older than this (in seconds) belongs to a process that
            /// ended without finishing; its staged values are cleared.
            const STALE_RUN_SECONDS: i64 = 3600;

            fn now_seconds() -> i64 {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            }

            /// A name for an import run, unique across processes and restarts.
            fn run_id() -> String {
                use std::sync::atomic::{AtomicU64, Ordering};
                static RUNS: AtomicU64 = AtomicU64::new(0);
                let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
                format!("{}-{}-{}", std::process::id(), nanos, RUNS.fetch_add(1, Ordering::Relaxed))
            }

            /// The next batch of a run's staged values, after `after` (a sequence number).
            async fn staged_batch(tx: &mut sqlx::Transaction<'_, $db>, run: &str, after: i64) -> StoreResult<Vec<(i64, rightsmon_store::ImportItem)>> {
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
                        Ok((get(row, "seq")?, rightsmon_store::ImportItem { row: u64::try_from(line).unwrap_or(0), observation: json(row, "observation")? }))
                    })
                    .collect()
            }

            /// The writes and scans of a bulk import, inside its switch transaction: the staged
            /// values of `run`, batch by batch.
            async fn import_in(
                tx: &mut sqlx::Transaction<'_, $db>,
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
                        let mut history = sqlx::QueryBuilder::<$db>::new("WITH created (id, seq) AS (");
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
                            let provenance = &observation.provenance;
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
                    let outcomes: Vec<ItemOutcome> = outcomes.into_iter().map(|o| o.ok_or_else(|| StoreError::Corrupt("an import row without outcome".into()))).collect::<StoreResult<_>>()?;
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
                    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(scan.indicator.as_str().to_owned())
                        .bind(i64::from(scan.version))
                        .fetch(&mut **tx);
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
                Ok(counts)
            }

            fn number_of(observation: &NewObservation) -> Option<f64> {
                match &observation.value {
                    ObservationValue::Number(n) => Some(*n),
                    ObservationValue::Text(_) => None,
                }
            }

            fn text_of(observation: &NewObservation) -> Option<String> {
                match &observation.value {
                    ObservationValue::Number(_) => None,
                    ObservationValue::Text(t) => Some(t.clone()),
                }
            }

            /// The `FROM` and `WHERE` of an observation query.
            fn push_observation_filter(target: &mut sqlx::QueryBuilder<$db>, query: &ObservationQuery) {
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

            /// Rows of an instance's table per insert statement, within both databases' limits on
            /// parameters.
            fn instance_chunk(table: &rightsmon_store::instance::TableSpec) -> usize {
                (30_000 / table.columns.len().max(1)).clamp(1, 500)
            }

            /// Inserts rows of an instance's table, each value bound as its column's kind.
            async fn insert_instance_rows(
                tx: &mut sqlx::Transaction<'_, $db>,
                table: &rightsmon_store::instance::TableSpec,
                rows: &[Vec<serde_json::Value>],
            ) -> StoreResult<()> {
                use rightsmon_store::instance::ColumnKind;
                let overriding = if table.identity.is_some() { <$store>::IDENTITY_INSERT } else { "" };
                let mut insert = sqlx::QueryBuilder::<$db>::new(format!("INSERT INTO {} ({}){overriding} ", table.name, table.column_names().join(", ")));
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
                insert.build().execute(&mut **tx).await.map_err(|e| match <$store>::map_error(e) {
                    StoreError::Backend(e) => StoreError::Corrupt(format!("a row of {} cannot be stored: {e}", table.name)),
                    StoreError::NotFound => StoreError::Corrupt(format!("a row of {} refers to a row the instance does not hold", table.name)),
                    StoreError::Conflict { constraint } => StoreError::Corrupt(format!("a row of {} repeats another ({constraint})", table.name)),
                    other => other,
                })?;
                Ok(())
            }

            const OBSERVATION_ORDER: &str = " ORDER BY o.indicator_code, o.version, o.area_code, o.disaggregation, o.period_start, o.period_months, o.id";

            impl $store {
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
                        $crate::in_transaction!(self, tx, {
                            for (_, _, _, observation) in &staged {
                                if !cities.contains_key(observation.area.as_str()) {
                                    let city = city_code_in(&mut tx, &observation.area).await?;
                                    cities.insert(observation.area.as_str().to_owned(), city);
                                }
                            }
                            for chunk in staged.chunks(STAGE_CHUNK) {
                                let mut insert =
                                    sqlx::QueryBuilder::<$db>::new(format!("INSERT INTO import_staging (run_id, seq, row, observation, {STAGED_VALUE_COLUMNS}) "));
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
                    tracing::debug!(values = seq, staging_ms = staged.as_millis(), switch_ms = switch.elapsed().as_millis(), "import staged and switched");
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

                async fn observation_by_id(&self, id: i64) -> StoreResult<Observation> {
                    let sql = format!("SELECT {OBSERVATION_COLUMNS} FROM observations o WHERE o.id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
                    observation_of(&row.ok_or(StoreError::NotFound)?)
                }
            }

            #[async_trait::async_trait]
            impl Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                async fn migrate(&self) -> StoreResult<u32> {
                    self.run_migrations().await
                }

                async fn ping(&self) -> StoreResult<()> {
                    sqlx::query("SELECT 1").execute(self.pool()).await.map_err(err)?;
                    Ok(())
                }

                async fn upsert_theme(&self, theme: &Theme, audit: &NewAuditEvent) -> StoreResult<Written> {
                    $crate::in_transaction!(self, tx, {
                        let existing = sqlx::query("SELECT code, is_agreed_area, position, name, description FROM themes WHERE code = $1")
                            .bind(theme.code.as_str().to_owned())
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(err)?;
                        let (sql, written) = match existing {
                            Some(row) if theme_of(&row)? == *theme => return Ok(Written::Unchanged),
                            Some(_) => (
                                "UPDATE themes SET is_agreed_area = $1, position = $2, name = $3, description = $4 WHERE code = $5",
                                Written::Updated,
                            ),
                            None => (
                                "INSERT INTO themes (is_agreed_area, position, name, description, code) VALUES ($1, $2, $3, $4, $5)",
                                Written::Created,
                            ),
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
                    $crate::in_transaction!(self, tx, {
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
                    $crate::in_transaction!(self, tx, {
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

                async fn upsert_area(&self, area: &Area, audit: &NewAuditEvent) -> StoreResult<Written> {
                    $crate::in_transaction!(self, tx, {
                        let written = write_area(&mut tx, area).await?;
                        audit_written(&mut tx, audit, written).await
                    })
                }

                async fn replace_boundaries(&self, city: &AreaCode, districts: &[(Area, Boundary)], at: Timestamp, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
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

                async fn put_indicator_version(&self, definition: &IndicatorDefinition, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Written> {
                    $crate::in_transaction!(self, tx, {
                        let written = put_version_in(&mut tx, definition, at).await?;
                        audit_written(&mut tx, audit, written).await
                    })
                }

                async fn put_indicator_versions(&self, definitions: &[IndicatorDefinition], at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Vec<Written>> {
                    $crate::in_transaction!(self, tx, {
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
                    let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) AS n");
                    let mut items = sqlx::QueryBuilder::<$db>::new("SELECT v.definition");
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
                            target.push(" AND EXISTS (SELECT 1 FROM indicator_rights r WHERE r.indicator_code = v.indicator_code AND r.version = v.version");
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

                async fn insert_observation(&self, observation: &NewObservation, entered_by: Option<i64>, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Observation> {
                    let id = $crate::in_transaction!(self, tx, {
                        let id = insert_in(&mut tx, observation, entered_by, at).await?;
                        audit_in(&mut tx, &audit.for_created(id)).await?;
                        Ok(id)
                    })?;
                    self.observation_by_id(id).await
                }

                async fn insert_observations(&self, observations: &[NewObservation], entered_by: Option<i64>, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Vec<i64>> {
                    $crate::in_transaction!(self, tx, {
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
                    let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) AS n");
                    let mut items = sqlx::QueryBuilder::<$db>::new(format!("SELECT {OBSERVATION_COLUMNS}"));
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
                    let mut items = sqlx::QueryBuilder::<$db>::new(format!("SELECT {OBSERVATION_COLUMNS}"));
                    push_observation_filter(&mut items, query);
                    items.push(OBSERVATION_ORDER);
                    let rows = items.build().fetch_all(self.pool()).await.map_err(err)?;
                    rows.iter().map(observation_of).collect()
                }

                async fn observed_indicators(&self, query: &ObservationQuery) -> StoreResult<Vec<IndicatorCode>> {
                    let mut codes = sqlx::QueryBuilder::<$db>::new("SELECT DISTINCT o.indicator_code");
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
                    $crate::in_transaction!(self, tx, {
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
                    $crate::in_transaction!(self, tx, {
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

                async fn import_observations(
                    &self,
                    feed: &mut dyn rightsmon_store::ImportFeed,
                    options: &rightsmon_store::ImportOptions,
                ) -> StoreResult<rightsmon_store::ImportCounts> {
                    let run = run_id();
                    // Runs of processes that ended without finishing leave staged values behind.
                    $crate::in_transaction!(self, tx, {
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
                    let result = self.stage_and_switch(feed, options, &run).await;
                    if !matches!(result, Ok(counts) if counts.committed) {
                        // The run is gone with a committed switch; otherwise its values go now.
                        let cleared: StoreResult<()> = $crate::in_transaction!(self, tx, {
                            sqlx::query("DELETE FROM import_runs WHERE id = $1").bind(run.clone()).execute(&mut *tx).await.map_err(err)?;
                            Ok(())
                        });
                        if let Err(error) = cleared {
                            tracing::warn!(%error, "the staged values of an import could not be cleared; the next import clears them");
                        }
                    }
                    result
                }

                async fn list_observation_history(&self, id: i64) -> StoreResult<Vec<ObservationRevision>> {
                    let rows = sqlx::query(
                        "SELECT observation_id, revision, at, user_id, action, reason, snapshot FROM observation_revisions WHERE observation_id = $1 ORDER BY revision",
                    )
                    .bind(id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(err)?;
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

                async fn add_shadow_value(&self, shadow: &NewShadowValue, user_id: i64, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<ShadowValue> {
                    $crate::in_transaction!(self, tx, {
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
                    let sql = format!("SELECT {SHADOW_COLUMNS} FROM shadow_values WHERE indicator_code = $1 AND area_code = $2 ORDER BY period_start, id");
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(indicator.as_str().to_owned())
                        .bind(area.as_str().to_owned())
                        .fetch_all(self.pool())
                        .await
                        .map_err(err)?;
                    rows.iter().map(shadow_of).collect()
                }

                async fn reply_to_shadow_value(&self, id: i64, user_id: i64, text: &str, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<ShadowValue> {
                    $crate::in_transaction!(self, tx, {
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
                    $crate::in_transaction!(self, tx, {
                        if !exists(&mut tx, "SELECT 1 FROM indicators WHERE code = $1", benchmark.indicator.as_str()).await?
                            || !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1", benchmark.area.as_str()).await?
                        {
                            return Err(StoreError::NotFound);
                        }
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

                async fn create_cycle(&self, cycle: &NewCycle, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Cycle> {
                    $crate::in_transaction!(self, tx, {
                        if !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", cycle.city.as_str()).await? {
                            return Err(StoreError::NotFound);
                        }
                        let row = sqlx::query("INSERT INTO reporting_cycles (city_code, name, period, deadline, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                            .bind(cycle.city.as_str().to_owned())
                            .bind(cycle.name.clone())
                            .bind(cycle.period.to_string())
                            .bind(cycle.deadline.to_string())
                            .bind(at.seconds())
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(err)?;
                        let id: i64 = get(&row, "id")?;
                        audit_in(&mut tx, &audit.for_created(id)).await?;
                        Ok(Cycle { id, cycle: cycle.clone() })
                    })
                }

                async fn get_cycle(&self, id: i64) -> StoreResult<Cycle> {
                    let row = sqlx::query("SELECT id, city_code, name, period, deadline FROM reporting_cycles WHERE id = $1")
                        .bind(id)
                        .fetch_optional(self.pool())
                        .await
                        .map_err(err)?;
                    cycle_of(&row.ok_or(StoreError::NotFound)?)
                }

                async fn list_cycles(&self, city: &AreaCode) -> StoreResult<Vec<Cycle>> {
                    let rows = sqlx::query("SELECT id, city_code, name, period, deadline FROM reporting_cycles WHERE city_code = $1 ORDER BY deadline DESC, id DESC")
                        .bind(city.as_str().to_owned())
                        .fetch_all(self.pool())
                        .await
                        .map_err(err)?;
                    rows.iter().map(cycle_of).collect()
                }

                async fn assign(&self, assignment: &Assignment, audit: &NewAuditEvent) -> StoreResult<Written> {
                    $crate::in_transaction!(self, tx, {
                        let existing = sqlx::query("SELECT organisation_id FROM assignments WHERE cycle_id = $1 AND indicator_code = $2")
                            .bind(assignment.cycle_id)
                            .bind(assignment.indicator.as_str().to_owned())
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(err)?;
                        let (sql, written) = match existing {
                            Some(row) if get::<i64>(&row, "organisation_id")? == assignment.organisation_id => return Ok(Written::Unchanged),
                            Some(_) => ("UPDATE assignments SET organisation_id = $1 WHERE cycle_id = $2 AND indicator_code = $3", Written::Updated),
                            None => ("INSERT INTO assignments (organisation_id, cycle_id, indicator_code) VALUES ($1, $2, $3)", Written::Created),
                        };
                        sqlx::query(sql)
                            .bind(assignment.organisation_id)
                            .bind(assignment.cycle_id)
                            .bind(assignment.indicator.as_str().to_owned())
                            .execute(&mut *tx)
                            .await
                            .map_err(err)?;
                        audit_written(&mut tx, audit, written).await
                    })
                }

                async fn list_assignments(&self, cycle_id: i64) -> StoreResult<Vec<Assignment>> {
                    let rows = sqlx::query("SELECT cycle_id, indicator_code, organisation_id FROM assignments WHERE cycle_id = $1 ORDER BY indicator_code")
                        .bind(cycle_id)
                        .fetch_all(self.pool())
                        .await
                        .map_err(err)?;
                    rows.iter().map(assignment_of).collect()
                }

                async fn list_assignments_of(&self, organisation_ids: &[i64]) -> StoreResult<Vec<Assignment>> {
                    if organisation_ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut builder = sqlx::QueryBuilder::<$db>::new("SELECT cycle_id, indicator_code, organisation_id FROM assignments WHERE organisation_id IN (");
                    let mut separated = builder.separated(", ");
                    for id in organisation_ids {
                        separated.push_bind(*id);
                    }
                    builder.push(") ORDER BY cycle_id, indicator_code");
                    let rows = builder.build().fetch_all(self.pool()).await.map_err(err)?;
                    rows.iter().map(assignment_of).collect()
                }

                async fn create_proposal(&self, proposal: &NewProposal, author_id: i64, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Proposal> {
                    let (scope_key, city) = scope_of(&proposal.scope);
                    $crate::in_transaction!(self, tx, {
                        let row = sqlx::query(
                            "INSERT INTO proposals (scope_key, city_code, kind, title, body, author_id, created_at, status) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open') RETURNING id",
                        )
                        .bind(scope_key.clone())
                        .bind(city.clone())
                        .bind(proposal.change.kind().as_str())
                        .bind(proposal.title.clone())
                        .bind(to_json(proposal)?)
                        .bind(author_id)
                        .bind(at.seconds())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(err)?;
                        let id: i64 = get(&row, "id")?;
                        audit_in(&mut tx, &audit.for_created(id)).await?;
                        Ok(Proposal { id, proposal: proposal.clone(), author_id, created_at: at, status: ProposalStatus::Open })
                    })
                }

                async fn get_proposal(&self, id: i64) -> StoreResult<Proposal> {
                    let row = sqlx::query("SELECT id, body, author_id, created_at, status FROM proposals WHERE id = $1")
                        .bind(id)
                        .fetch_optional(self.pool())
                        .await
                        .map_err(err)?;
                    proposal_of(&row.ok_or(StoreError::NotFound)?)
                }

                async fn list_proposals(&self, query: &ProposalQuery) -> StoreResult<Page<Proposal>> {
                    let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) AS n");
                    let mut items = sqlx::QueryBuilder::<$db>::new("SELECT id, body, author_id, created_at, status");
                    for target in [&mut count, &mut items] {
                        target.push(" FROM proposals WHERE 1 = 1");
                        if let Some(scope) = &query.scope {
                            target.push(" AND scope_key = ").push_bind(scope_of(scope).0);
                        }
                        if let Some(status) = query.status {
                            target.push(" AND status = ").push_bind(status.as_str());
                        }
                    }
                    let (limit, offset) = page_bounds(query.page);
                    items.push(" ORDER BY id DESC LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
                    let total: i64 = get(&count.build().fetch_one(self.pool()).await.map_err(err)?, "n")?;
                    let rows = items.build().fetch_all(self.pool()).await.map_err(err)?;
                    Ok(Page {
                        items: rows.iter().map(proposal_of).collect::<StoreResult<_>>()?,
                        total: u64::try_from(total).unwrap_or(0),
                        limit: query.page.limit(),
                        offset: query.page.offset(),
                    })
                }

                async fn withdraw_proposal(&self, id: i64, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        require_open(&mut tx, id).await?;
                        sqlx::query("UPDATE proposals SET status = 'withdrawn' WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(err)?;
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn add_comment(&self, proposal_id: i64, user_id: i64, body: &str, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Comment> {
                    let sql = "INSERT INTO proposal_comments (proposal_id, user_id, body, at) VALUES ($1, $2, $3, $4) RETURNING id";
                    let id = $crate::in_transaction!(self, tx, {
                        let id = insert_statement(&mut tx, sql, proposal_id, user_id, body, at).await?;
                        audit_in(&mut tx, &audit.for_created(id)).await?;
                        Ok(id)
                    })?;
                    Ok(Comment { id, proposal_id, user_id, body: body.to_owned(), at })
                }

                async fn list_comments(&self, proposal_id: i64) -> StoreResult<Vec<Comment>> {
                    let sql = "SELECT id, proposal_id, user_id, body AS text, at FROM proposal_comments WHERE proposal_id = $1 ORDER BY id";
                    let rows = list_statements(self.pool(), sql, proposal_id).await?;
                    Ok(rows.into_iter().map(|(id, proposal_id, user_id, body, at)| Comment { id, proposal_id, user_id, body, at }).collect())
                }

                async fn add_endorsement(&self, endorsement: &Endorsement, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        require_open(&mut tx, endorsement.proposal_id).await?;
                        sqlx::query("INSERT INTO proposal_endorsements (proposal_id, user_id, side, city_code, at) VALUES ($1, $2, $3, $4, $5)")
                            .bind(endorsement.proposal_id)
                            .bind(endorsement.user_id)
                            .bind(endorsement.side.as_str())
                            .bind(endorsement.city.as_ref().map(|c| c.as_str().to_owned()))
                            .bind(endorsement.at.seconds())
                            .execute(&mut *tx)
                            .await
                            .map_err(err)?;
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn list_endorsements(&self, proposal_id: i64) -> StoreResult<Vec<Endorsement>> {
                    let rows = sqlx::query("SELECT proposal_id, user_id, side, city_code, at FROM proposal_endorsements WHERE proposal_id = $1 ORDER BY at, user_id")
                        .bind(proposal_id)
                        .fetch_all(self.pool())
                        .await
                        .map_err(err)?;
                    rows.iter()
                        .map(|row| {
                            Ok(Endorsement {
                                proposal_id: get(row, "proposal_id")?,
                                user_id: get(row, "user_id")?,
                                side: parsed("side", Side::parse(&get::<String>(row, "side")?))?,
                                city: get::<Option<String>>(row, "city_code")?.map(|c| parsed("city_code", AreaCode::parse(&c))).transpose()?,
                                at: Timestamp(get(row, "at")?),
                            })
                        })
                        .collect()
                }

                async fn add_objection(&self, proposal_id: i64, user_id: i64, reasons: &str, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Objection> {
                    let sql = "INSERT INTO proposal_objections (proposal_id, user_id, reasons, at) VALUES ($1, $2, $3, $4) RETURNING id";
                    let id = $crate::in_transaction!(self, tx, {
                        let id = insert_statement(&mut tx, sql, proposal_id, user_id, reasons, at).await?;
                        audit_in(&mut tx, audit).await?;
                        Ok(id)
                    })?;
                    Ok(Objection { id, proposal_id, user_id, reasons: reasons.to_owned(), at })
                }

                async fn list_objections(&self, proposal_id: i64) -> StoreResult<Vec<Objection>> {
                    let sql = "SELECT id, proposal_id, user_id, reasons AS text, at FROM proposal_objections WHERE proposal_id = $1 ORDER BY id";
                    let rows = list_statements(self.pool(), sql, proposal_id).await?;
                    Ok(rows.into_iter().map(|(id, proposal_id, user_id, reasons, at)| Objection { id, proposal_id, user_id, reasons, at }).collect())
                }

                async fn decide_proposal(&self, decision: &Decision, changes: &[FrameworkChange], audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        require_open(&mut tx, decision.proposal_id).await?;
                        for change in changes {
                            match change {
                                FrameworkChange::PutVersion(definition) => {
                                    put_version_in(&mut tx, definition, decision.at).await?;
                                }
                                FrameworkChange::SetAdoption { city, indicator, is_adopted, reason } => {
                                    let core = sqlx::query("SELECT city_code FROM indicators WHERE code = $1")
                                        .bind(indicator.as_str().to_owned())
                                        .fetch_optional(&mut *tx)
                                        .await
                                        .map_err(err)?
                                        .ok_or(StoreError::NotFound)?;
                                    if get::<Option<String>>(&core, "city_code")?.is_some() {
                                        return Err(StoreError::Conflict { constraint: "adoption_of_local_indicator".into() });
                                    }
                                    sqlx::query(
                                        "INSERT INTO city_adoptions (city_code, indicator_code, is_adopted, reason, proposal_id, decided_at) \
                                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (city_code, indicator_code) DO UPDATE SET \
                                         is_adopted = excluded.is_adopted, reason = excluded.reason, proposal_id = excluded.proposal_id, decided_at = excluded.decided_at",
                                    )
                                    .bind(city.as_str().to_owned())
                                    .bind(indicator.as_str().to_owned())
                                    .bind(*is_adopted)
                                    .bind(reason.clone())
                                    .bind(decision.proposal_id)
                                    .bind(decision.at.seconds())
                                    .execute(&mut *tx)
                                    .await
                                    .map_err(err)?;
                                }
                                FrameworkChange::Retire { indicator, reason } => {
                                    let result = sqlx::query("UPDATE indicators SET retired_at = $1, retirement_reason = $2 WHERE code = $3 AND retired_at IS NULL")
                                        .bind(decision.at.seconds())
                                        .bind(reason.clone())
                                        .bind(indicator.as_str().to_owned())
                                        .execute(&mut *tx)
                                        .await
                                        .map_err(err)?;
                                    if result.rows_affected() == 0 {
                                        return Err(StoreError::Conflict { constraint: "indicator_not_active".into() });
                                    }
                                }
                            }
                        }
                        sqlx::query("INSERT INTO proposal_decisions (proposal_id, outcome, decided_by, at, reason, endorsements) VALUES ($1, $2, $3, $4, $5, $6)")
                            .bind(decision.proposal_id)
                            .bind(decision.outcome.as_str())
                            .bind(decision.decided_by)
                            .bind(decision.at.seconds())
                            .bind(decision.reason.clone())
                            .bind(to_json(&decision.endorsements)?)
                            .execute(&mut *tx)
                            .await
                            .map_err(err)?;
                        sqlx::query("UPDATE proposals SET status = $1 WHERE id = $2")
                            .bind(decision.outcome.as_str())
                            .bind(decision.proposal_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(err)?;
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn get_decision(&self, proposal_id: i64) -> StoreResult<Decision> {
                    let row = sqlx::query("SELECT proposal_id, outcome, decided_by, at, reason, endorsements FROM proposal_decisions WHERE proposal_id = $1")
                        .bind(proposal_id)
                        .fetch_optional(self.pool())
                        .await
                        .map_err(err)?
                        .ok_or(StoreError::NotFound)?;
                    Ok(Decision {
                        proposal_id: get(&row, "proposal_id")?,
                        outcome: parsed("outcome", Outcome::parse(&get::<String>(&row, "outcome")?))?,
                        decided_by: get(&row, "decided_by")?,
                        at: Timestamp(get(&row, "at")?),
                        reason: get(&row, "reason")?,
                        endorsements: json(&row, "endorsements")?,
                    })
                }

                async fn list_adoptions(&self, city: Option<&AreaCode>, indicator: Option<&IndicatorCode>) -> StoreResult<Vec<Adoption>> {
                    let rows = sqlx::query(
                        "SELECT city_code, indicator_code, is_adopted, reason, proposal_id, decided_at FROM city_adoptions \
                         WHERE ($1 IS NULL OR city_code = $1) AND ($2 IS NULL OR indicator_code = $2) ORDER BY city_code, indicator_code",
                    )
                    .bind(city.map(|c| c.as_str().to_owned()))
                    .bind(indicator.map(|i| i.as_str().to_owned()))
                    .fetch_all(self.pool())
                    .await
                    .map_err(err)?;
                    rows.iter().map(adoption_of).collect()
                }

                async fn city_rule(&self, city: &AreaCode) -> StoreResult<CityRule> {
                    match rule_json(self.pool(), city.as_str()).await? {
                        Some(text) => serde_json::from_str(&text).map_err(|e| corrupt("governance_rules", e)),
                        None => Ok(CityRule::default()),
                    }
                }

                async fn set_city_rule(&self, city: &AreaCode, rule: CityRule, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        if !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", city.as_str()).await? {
                            return Err(StoreError::NotFound);
                        }
                        set_rule_json(&mut tx, city.as_str(), to_json(&rule)?).await?;
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn network_rule(&self) -> StoreResult<NetworkRule> {
                    match rule_json(self.pool(), "").await? {
                        Some(text) => serde_json::from_str(&text).map_err(|e| corrupt("governance_rules", e)),
                        None => Ok(NetworkRule::default()),
                    }
                }

                async fn set_network_rule(&self, rule: NetworkRule, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        set_rule_json(&mut tx, "", to_json(&rule)?).await?;
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn create_organisation(&self, organisation: &NewOrganisation, audit: &NewAuditEvent) -> StoreResult<Organisation> {
                    $crate::in_transaction!(self, tx, {
                        if let Some(city) = &organisation.city
                            && !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", city.as_str()).await?
                        {
                            return Err(StoreError::NotFound);
                        }
                        let row = sqlx::query("INSERT INTO organisations (name, kind, city_code, scope_key) VALUES ($1, $2, $3, $4) RETURNING id")
                            .bind(organisation.name.clone())
                            .bind(organisation.kind.as_str())
                            .bind(organisation.city.as_ref().map(|c| c.as_str().to_owned()))
                            .bind(scope_key(organisation.city.as_ref()))
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(err)?;
                        let id: i64 = get(&row, "id")?;
                        audit_in(&mut tx, &audit.for_created(id)).await?;
                        Ok(Organisation { id, name: organisation.name.clone(), kind: organisation.kind, city: organisation.city.clone() })
                    })
                }

                async fn list_organisations(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Organisation>> {
                    let rows = sqlx::query("SELECT id, name, kind, city_code FROM organisations WHERE ($1 IS NULL OR city_code = $1) ORDER BY name, id")
                        .bind(city.map(|c| c.as_str().to_owned()))
                        .fetch_all(self.pool())
                        .await
                        .map_err(err)?;
                    rows.iter().map(organisation_of).collect()
                }

                async fn create_user(&self, user: &NewUser, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<User> {
                    let id = $crate::in_transaction!(self, tx, {
                        let row = sqlx::query(
                            "INSERT INTO users (username, display_name, email, password_hash, is_disabled, created_at) \
                             VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id",
                        )
                        .bind(user.username.as_str().to_owned())
                        .bind(user.display_name.clone())
                        .bind(user.email.clone())
                        .bind(user.password_hash.clone())
                        .bind(at.seconds())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(err)?;
                        let id: i64 = get(&row, "id")?;
                        audit_in(&mut tx, &audit.for_created(id)).await?;
                        Ok(id)
                    })?;
                    Ok(User {
                        id,
                        username: user.username.clone(),
                        display_name: user.display_name.clone(),
                        email: user.email.clone(),
                        is_disabled: false,
                        created_at: at,
                    })
                }

                async fn get_user(&self, id: i64) -> StoreResult<User> {
                    let row = sqlx::query("SELECT id, username, display_name, email, is_disabled, created_at FROM users WHERE id = $1")
                        .bind(id)
                        .fetch_optional(self.pool())
                        .await
                        .map_err(err)?;
                    user_of(&row.ok_or(StoreError::NotFound)?)
                }

                async fn find_user(&self, username: &Username) -> StoreResult<User> {
                    let row = sqlx::query("SELECT id, username, display_name, email, is_disabled, created_at FROM users WHERE username = $1")
                        .bind(username.as_str().to_owned())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(err)?;
                    user_of(&row.ok_or(StoreError::NotFound)?)
                }

                async fn list_users(&self) -> StoreResult<Vec<User>> {
                    let rows = sqlx::query("SELECT id, username, display_name, email, is_disabled, created_at FROM users ORDER BY username")
                        .fetch_all(self.pool())
                        .await
                        .map_err(err)?;
                    rows.iter().map(user_of).collect()
                }

                async fn password_hash(&self, user_id: i64) -> StoreResult<String> {
                    let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1").bind(user_id).fetch_optional(self.pool()).await.map_err(err)?;
                    get(&row.ok_or(StoreError::NotFound)?, "password_hash")
                }

                async fn set_password_hash(&self, user_id: i64, hash: &str, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        let result = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                            .bind(hash.to_owned())
                            .bind(user_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(err)?;
                        if result.rows_affected() == 0 {
                            return Err(StoreError::NotFound);
                        }
                        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(err)?;
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn set_user_disabled(&self, user_id: i64, is_disabled: bool, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        let result = sqlx::query("UPDATE users SET is_disabled = $1 WHERE id = $2")
                            .bind(is_disabled)
                            .bind(user_id)
                            .execute(&mut *tx)
                            .await
                            .map_err(err)?;
                        if result.rows_affected() == 0 {
                            return Err(StoreError::NotFound);
                        }
                        if is_disabled {
                            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(err)?;
                        }
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn erase_user(&self, user_id: i64, username: &Username, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        // The hash of nothing: no password verifies against it.
                        let result = sqlx::query(
                            "UPDATE users SET username = $1, display_name = $1, email = NULL, password_hash = '!', is_disabled = TRUE WHERE id = $2",
                        )
                        .bind(username.as_str().to_owned())
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?;
                        if result.rows_affected() == 0 {
                            return Err(StoreError::NotFound);
                        }
                        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(err)?;
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn add_membership(&self, membership: &Membership, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        let city = match &membership.scope {
                            Scope::Network => None,
                            Scope::City(city) => Some(city),
                        };
                        let user_exists = sqlx::query("SELECT 1 FROM users WHERE id = $1").bind(membership.user_id).fetch_optional(&mut *tx).await.map_err(err)?.is_some();
                        let organisation_exists = match membership.organisation_id {
                            Some(id) => sqlx::query("SELECT 1 FROM organisations WHERE id = $1").bind(id).fetch_optional(&mut *tx).await.map_err(err)?.is_some(),
                            None => true,
                        };
                        let city_exists = match city {
                            Some(city) => exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", city.as_str()).await?,
                            None => true,
                        };
                        if !(user_exists && organisation_exists && city_exists) {
                            return Err(StoreError::NotFound);
                        }
                        sqlx::query("INSERT INTO memberships (user_id, organisation_id, role, city_code, scope_key) VALUES ($1, $2, $3, $4, $5)")
                            .bind(membership.user_id)
                            .bind(membership.organisation_id)
                            .bind(membership.role.as_str())
                            .bind(city.map(|c| c.as_str().to_owned()))
                            .bind(scope_key(city))
                            .execute(&mut *tx)
                            .await
                            .map_err(err)?;
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn list_memberships(&self, user_id: i64) -> StoreResult<Vec<Membership>> {
                    let rows = sqlx::query("SELECT user_id, organisation_id, role, city_code FROM memberships WHERE user_id = $1 ORDER BY id")
                        .bind(user_id)
                        .fetch_all(self.pool())
                        .await
                        .map_err(err)?;
                    rows.iter()
                        .map(|row| {
                            let scope = match get::<Option<String>>(row, "city_code")? {
                                Some(city) => Scope::City(parsed("city_code", AreaCode::parse(&city))?),
                                None => Scope::Network,
                            };
                            Membership::new(get(row, "user_id")?, get(row, "organisation_id")?, parsed("role", Role::parse(&get::<String>(row, "role")?))?, scope)
                                .map_err(|e| corrupt("memberships", e))
                        })
                        .collect()
                }

                async fn create_session(&self, session: &SessionRecord, audit: &NewAuditEvent) -> StoreResult<()> {
                    $crate::in_transaction!(self, tx, {
                        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                            .bind(session.token_hash.clone())
                            .bind(session.user_id)
                            .bind(session.created_at.seconds())
                            .bind(session.expires_at.seconds())
                            .execute(&mut *tx)
                            .await
                            .map_err(err)?;
                        audit_in(&mut tx, audit).await?;
                        Ok(())
                    })
                }

                async fn get_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<SessionRecord> {
                    let row = sqlx::query("SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2")
                        .bind(token_hash.to_owned())
                        .bind(now.seconds())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(err)?
                        .ok_or(StoreError::NotFound)?;
                    Ok(SessionRecord {
                        token_hash: get(&row, "token_hash")?,
                        user_id: get(&row, "user_id")?,
                        created_at: Timestamp(get(&row, "created_at")?),
                        expires_at: Timestamp(get(&row, "expires_at")?),
                    })
                }

                async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                    let _guard = self.write_guard().await;
                    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash.to_owned()).execute(self.pool()).await.map_err(err)?;
                    Ok(())
                }

                async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64> {
                    let _guard = self.write_guard().await;
                    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(self.pool()).await.map_err(err)?.rows_affected())
                }

                async fn purge_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
                    let _guard = self.write_guard().await;
                    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now.seconds()).execute(self.pool()).await.map_err(err)?.rows_affected())
                }

                async fn record_login_failure(&self, key: &str, at: Timestamp) -> StoreResult<()> {
                    let _guard = self.write_guard().await;
                    sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)").bind(key.to_owned()).bind(at.seconds()).execute(self.pool()).await.map_err(err)?;
                    Ok(())
                }

                async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<rightsmon_store::LoginFailures> {
                    let row = sqlx::query("SELECT COUNT(*) AS n, MAX(at) AS last FROM login_failures WHERE key = $1 AND at >= $2")
                        .bind(key.to_owned())
                        .bind(since.seconds())
                        .fetch_one(self.pool())
                        .await
                        .map_err(err)?;
                    Ok(rightsmon_store::LoginFailures {
                        count: u64::try_from(get::<i64>(&row, "n")?).unwrap_or(0),
                        last: get::<Option<i64>>(&row, "last")?.map(Timestamp),
                    })
                }

                async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
                    let _guard = self.write_guard().await;
                    sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key.to_owned()).execute(self.pool()).await.map_err(err)?;
                    Ok(())
                }

                async fn purge_login_failures(&self, before: Timestamp) -> StoreResult<u64> {
                    let _guard = self.write_guard().await;
                    Ok(sqlx::query("DELETE FROM login_failures WHERE at < $1").bind(before.seconds()).execute(self.pool()).await.map_err(err)?.rows_affected())
                }

                async fn append_audit(&self, event: &NewAuditEvent) -> StoreResult<AuditEvent> {
                    $crate::in_transaction!(self, tx, { audit_in(&mut tx, event).await })
                }

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
                    $crate::in_transaction!(self, tx, {
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
                            if flush && let Some(table) = current && !pending.is_empty() {
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
                        <$store>::after_instance_import(&mut tx).await.map_err(err)?;
                        Ok(counts)
                    })
                }

                async fn schema_columns(&self) -> StoreResult<Vec<(String, Vec<String>)>> {
                    let rows = sqlx::query(<$store>::SCHEMA_COLUMNS_SQL).fetch_all(self.pool()).await.map_err(err)?;
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
                    self.backup_file(path).await
                }

                async fn list_audit_of(&self, user_id: i64) -> StoreResult<Vec<AuditEvent>> {
                    let rows = sqlx::query(
                        "SELECT id, at, actor_user_id, action, subject, detail, previous_hash, hash FROM audit_events \
                         WHERE actor_user_id = $1 ORDER BY id",
                    )
                    .bind(user_id)
                    .fetch_all(self.pool())
                    .await
                    .map_err(err)?;
                    rows.iter().map(audit_of).collect()
                }

                async fn list_audit(&self, after_id: i64, limit: u32) -> StoreResult<Vec<AuditEvent>> {
                    let rows = sqlx::query(
                        "SELECT id, at, actor_user_id, action, subject, detail, previous_hash, hash FROM audit_events \
                         WHERE id > $1 ORDER BY id LIMIT $2",
                    )
                    .bind(after_id)
                    .bind(i64::from(limit.min(rightsmon_store::MAX_PAGE_SIZE)))
                    .fetch_all(self.pool())
                    .await
                    .map_err(err)?;
                    rows.iter().map(audit_of).collect()
                }
            }
        }
    };
}
