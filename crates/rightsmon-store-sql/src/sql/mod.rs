//! The SQL both storage adapters share, one file per aggregate of the storage port.
//!
//! This folder is not compiled by its own crate: each adapter mounts it as a module,
//!
//! ```ignore
//! type Db = sqlx::Sqlite; // the adapter's `sqlx::Database`
//! type Backend = SqliteStore; // the adapter's store
//! #[path = "../../rightsmon-store-sql/src/sql/mod.rs"]
//! mod sql;
//! ```
//!
//! so that every statement is compiled, formatted and linted once per backend, as ordinary Rust.
//! Where the dialects differ, the code calls a hook the adapter defines on `Backend`:
//!
//! - `const NAME: &str`: the backend's name, for logs and `/healthz`;
//! - `fn pool(&self) -> &sqlx::Pool<Db>`;
//! - `async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>>`: serialises writers
//!   of one process where the database allows one writer at a time (SQLite); `None` elsewhere;
//! - `const WRITE_BEGIN: &str`, the statement that begins a transaction that will write (SQLite
//!   takes its write lock at once, so that writers of other processes wait their turn instead of
//!   failing half-way); `async fn begin_write(&self)`, such a transaction from the pool, and
//!   `async fn begin_snapshot(&self)`, one whose reads all see one snapshot;
//! - `const INTEGER_TYPE`, `const REAL_TYPE`: the column types of a 64-bit integer and a double,
//!   for tables made on the fly (an import's staging table);
//! - `async fn lock_for_ids(tx, table)` and `async fn after_explicit_ids(tx, table)`: around an
//!   insert that numbers its rows itself from the largest stored id: no other writer may insert
//!   meanwhile, and the database's own numbering goes on after them;
//! - `async fn set_bulk_cache(tx, bulk)`: gives the switch of an import a page cache of its size,
//!   where the database keeps one per connection (SQLite);
//! - `async fn lock_audit_chain(tx)`: makes appends to the audit chain take turns across processes;
//! - `const IDENTITY_INSERT`, `async fn after_instance_import(tx)`: loading numbered rows whole;
//! - the migration hooks of [`migrate`];
//! - `fn map_error(error: sqlx::Error) -> StoreError`.
//!
//! An operation a backend does its own way entirely goes through the adapter's `ops` module,
//! which re-exports [`ops`] and may shadow any of its functions with the adapter's own (an
//! explicit `use` shadows a glob). See `docs/adr/0005-storage-by-aggregate.md`.
//!
//! Every write runs in one transaction with the audit event that records it, so that a change
//! is never committed without its event, nor an event without its change.
#![allow(clippy::too_many_arguments)]

/// Runs `$body` in a write transaction of `$store`, bound to `$tx`, behind the store's write
/// guard: commits when the body returns `Ok`, rolls back at once when it returns `Err`, so that
/// no lock outlives a failed write.
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

mod accountability;
mod accounts;
mod areas;
mod audit;
mod catalogue;
mod codesign;
mod cycles;
mod generations;
mod imports;
mod instance;
mod migrate;
mod observations;
pub(crate) mod ops;
mod reference;
mod reminders;
mod roadmap;
mod surveys;

use self::{audit::*, catalogue::*, generations::*, imports::*, observations::*, reference::*};
use super::{Backend, Db};
use rightsmon_domain::access::{Membership, NewOrganisation, Organisation, OrganisationKind, Role, Scope, User, Username};
use rightsmon_domain::area::{Area, AreaKind, Boundary};
use rightsmon_domain::audit::{AuditEvent, NewAuditEvent};
use rightsmon_domain::catalogue::IndicatorDefinition;
use rightsmon_domain::codelist::{CodeItem, Codelist, DisaggregationKey};
use rightsmon_domain::codesign::{
    CityRule, Comment, Decision, Endorsement, NetworkRule, NewProposal, Objection, Outcome, Proposal, ProposalStatus, Side,
};
use rightsmon_domain::collection::{Assignment, Cycle, NewCycle};
use rightsmon_domain::id::{AreaCode, Code, DimensionId, IndicatorCode};
use rightsmon_domain::observation::{
    Benchmark, NewObservation, NewShadowValue, Observation, ObservationRevision, ObservationValue, Precision, Provenance, ProvenanceKind,
    RevisionAction, ShadowReply, ShadowValue, StatusFlag, WorkflowState,
};
use rightsmon_domain::period::Period;
use rightsmon_domain::right::{Right, RightCode, RightKind, Theme, ThemeCode};
use rightsmon_domain::time::{Date, Timestamp};
use rightsmon_store::{
    AccountStore, Adoption, AreaStore, AuditStore, BenchmarkKind, CatalogueStore, CodesignStore, CycleStore, FrameworkChange, ImportStore,
    IndicatorQuery, InstanceStore, NewUser, ObservationQuery, ObservationStore, Page, ProposalQuery, ReferenceStore, SessionRecord, Store,
    StoreError, StoreResult, Visibility, Written,
};
use rightsmon_store_sql::{corrupt, instance_chunk, number_of, page_bounds, parsed, same_content, scope_key, text_of, to_json, u32_of};
use sqlx::Row;

type DbRow = <Db as sqlx::Database>::Row;

fn err(error: sqlx::Error) -> StoreError {
    Backend::map_error(error)
}

fn get<'r, T>(row: &'r DbRow, column: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Db> + sqlx::Type<Db>,
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

/// Whether the row with this id exists, within a transaction; `NotFound` if not.
async fn exists_id(tx: &mut sqlx::Transaction<'_, Db>, sql: &'static str, id: i64) -> StoreResult<()> {
    sqlx::query(sql).bind(id).fetch_optional(&mut **tx).await.map_err(err)?.map(|_| ()).ok_or(StoreError::NotFound)
}

/// Whether a row exists, within a transaction.
async fn exists(tx: &mut sqlx::Transaction<'_, Db>, sql: &'static str, key: &str) -> StoreResult<bool> {
    Ok(sqlx::query(sql).bind(key.to_owned()).fetch_optional(&mut **tx).await.map_err(err)?.is_some())
}

#[async_trait::async_trait]
impl Store for Backend {
    fn backend(&self) -> &'static str {
        Backend::NAME
    }

    async fn migrate(&self) -> StoreResult<u32> {
        self.run_migrations().await
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(self.pool()).await.map_err(err)?;
        Ok(())
    }
}
