//! The SQLite adapter of the storage port: the default, embedded backend.
//!
//! One file (or memory) holds everything. SQLite allows one writer at a time, so writes take
//! turns behind an in-process lock instead of failing with "database is locked"; readers run in
//! parallel thanks to write-ahead logging.

use rightsmon_store::{StoreError, StoreResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// The migrations, in order. A migration never changes once released; a new one is appended.
pub const MIGRATIONS: &[(u32, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "codesign", include_str!("../migrations/0002_codesign.sql")),
    (3, "collection", include_str!("../migrations/0003_collection.sql")),
    (4, "cycles", include_str!("../migrations/0004_cycles.sql")),
    (5, "boundaries", include_str!("../migrations/0005_boundaries.sql")),
    (6, "trust", include_str!("../migrations/0006_trust.sql")),
    (7, "shadow_method", include_str!("../migrations/0007_shadow_method.sql")),
    (8, "generations", include_str!("../migrations/0008_generations.sql")),
    (9, "history_from_first_change", include_str!("../migrations/0009_history_from_first_change.sql")),
    (10, "accountability", include_str!("../migrations/0010_accountability.sql")),
    (11, "assessments", include_str!("../migrations/0011_assessments.sql")),
    (12, "reports", include_str!("../migrations/0012_reports.sql")),
    (13, "reminders", include_str!("../migrations/0013_reminders.sql")),
    (14, "roadmap", include_str!("../migrations/0014_roadmap.sql")),
    (15, "practices", include_str!("../migrations/0015_practices.sql")),
    (16, "network_reports", include_str!("../migrations/0016_network_reports.sql")),
    (17, "surveys", include_str!("../migrations/0017_surveys.sql")),
    (18, "survey_values", include_str!("../migrations/0018_survey_values.sql")),
];

pub struct SqliteStore {
    pool: Pool<Sqlite>,
    write_lock: Mutex<()>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

/// The page cache of a connection, in KiB (negative: SQLite counts KiB, not pages).
const NARROW_CACHE: &str = "-2000";
/// The page cache of an import's switch.
const BULK_CACHE: &str = "-65536";

impl SqliteStore {
    /// Opens (and creates, if missing) the database at a URL such as `sqlite://data/rightsmon.db`
    /// or `sqlite::memory:`.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(anyhow::anyhow!("{url:?} is not a SQLite URL: {e}")))?
            .create_if_missing(true)
            .foreign_keys(true)
            // Writers of other processes (an import from the command line beside the server)
            // wait their turn; a switch of a large import holds the lock for seconds.
            .busy_timeout(Duration::from_secs(60))
            .journal_mode(if in_memory { SqliteJournalMode::Memory } else { SqliteJournalMode::Wal })
            .synchronous(SqliteSynchronous::Normal)
            // SQLite's own page cache of 2 MB per connection (16 MB for the pool): what a server
            // keeps does not grow with its database. The switch of an import widens its own.
            .pragma("cache_size", NARROW_CACHE);
        // Every connection to ":memory:" is a database of its own, so memory gets exactly one.
        let pool_options = if in_memory {
            SqlitePoolOptions::new().max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(8)
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Backend(anyhow::anyhow!("cannot open the SQLite database {url:?}: {e}")))?;
        Ok(Self { pool, write_lock: Mutex::new(()) })
    }

    /// Closes every connection (the file stays).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn pool(&self) -> &Pool<Sqlite> {
        &self.pool
    }

    async fn write_guard(&self) -> Option<MutexGuard<'_, ()>> {
        Some(self.write_lock.lock().await)
    }

    /// A write transaction takes SQLite's write lock when it begins: a transaction that read
    /// first and then tried to write would fail at once ("database is locked") when another
    /// process wrote meanwhile, whatever the busy timeout; one that begins immediately waits.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with(Self::WRITE_BEGIN).await
    }

    const WRITE_BEGIN: &'static str = "BEGIN IMMEDIATE";

    const INTEGER_TYPE: &'static str = "INTEGER";

    const REAL_TYPE: &'static str = "REAL";

    /// The write lock, held since the transaction began, keeps every other writer out.
    async fn lock_for_ids(_tx: &mut sqlx::Transaction<'_, Sqlite>, _table: &str) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// A new row takes the largest id plus one: nothing to move on.
    async fn after_explicit_ids(_tx: &mut sqlx::Transaction<'_, Sqlite>, _table: &str) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// A read transaction: in write-ahead logging, every read of it sees the same snapshot.
    async fn begin_snapshot(&self) -> Result<sqlx::Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin().await
    }

    const IDENTITY_INSERT: &'static str = "";

    const SCHEMA_COLUMNS_SQL: &'static str = "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid";

    async fn after_instance_import(_tx: &mut sqlx::Transaction<'_, Sqlite>) -> Result<(), sqlx::Error> {
        // Row ids go on from the largest stored.
        Ok(())
    }

    /// The switch of an import keeps its pages in memory until it commits, instead of spilling
    /// them page by page; narrowed again before the commit, the cache frees them as they are
    /// written.
    async fn set_bulk_cache(tx: &mut sqlx::Transaction<'_, Sqlite>, bulk: bool) -> Result<(), sqlx::Error> {
        let size = if bulk { BULK_CACHE } else { NARROW_CACHE };
        sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = {size}"))).execute(&mut **tx).await?;
        Ok(())
    }

    async fn lock_audit_chain(_tx: &mut sqlx::Transaction<'_, Sqlite>) -> Result<(), sqlx::Error> {
        // The write lock already serialises appends within the one process SQLite serves.
        Ok(())
    }

    fn map_error(error: sqlx::Error) -> StoreError {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict { constraint: db.message().trim_start_matches("UNIQUE constraint failed: ").to_owned() }
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_check_violation() => StoreError::Conflict { constraint: db.message().to_owned() },
            _ => StoreError::Backend(error.into()),
        }
    }

    const NAME: &'static str = "sqlite";

    const MIGRATIONS_TABLE: &'static str = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, \
         name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT";

    /// A migration takes the write lock when it begins, so that a second process waits for it.
    const MIGRATION_BEGIN: &'static str = "BEGIN IMMEDIATE";

    const NOW_SECONDS: &'static str = "unixepoch()";

    /// The write guard serialises this process's writers; `BEGIN IMMEDIATE` the processes.
    async fn lock_migrations(_conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
        Ok(())
    }

    async fn unlock_migrations(_conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

/// The database this adapter speaks, and the store the shared SQL is compiled for.
type Db = Sqlite;
type Backend = SqliteStore;

#[path = "../../rightsmon-store-sql/src/sql/mod.rs"]
mod sql;

/// The shared operations, and those SQLite does its own way.
mod ops {
    pub(crate) use crate::sql::ops::*;

    pub(crate) use crate::own::backup_to;
}

mod own {
    use super::SqliteStore;
    use rightsmon_store::{StoreError, StoreResult};

    /// SQLite's own consistent copy of its file, made while others go on writing.
    pub(crate) async fn backup_to(store: &SqliteStore, path: &std::path::Path) -> StoreResult<bool> {
        let path = path.to_str().ok_or_else(|| StoreError::Backend(anyhow::anyhow!("the backup path is not UTF-8")))?;
        sqlx::query("VACUUM INTO $1").bind(path.to_owned()).execute(store.pool()).await.map_err(SqliteStore::map_error)?;
        Ok(true)
    }
}
