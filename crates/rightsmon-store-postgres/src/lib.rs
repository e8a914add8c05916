//! The PostgreSQL adapter of the storage port, for networks that outgrow one machine: several
//! `rightsmon serve` processes share one PostgreSQL database.
//!
//! Migrations take a session-level advisory lock, so processes that start together apply them
//! once; appends to the audit chain take a transaction-level advisory lock, so the chain stays
//! linear across processes.

use rightsmon_store::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::MutexGuard;

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

const MIGRATION_LOCK: i64 = 0x7269_6768_7473;
const AUDIT_LOCK: i64 = 0x7269_6768_7475;

pub struct PgStore {
    pool: Pool<Postgres>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

/// Reads a `postgres://` URL into connection options.
pub fn parse_url(url: &str) -> StoreResult<PgConnectOptions> {
    PgConnectOptions::from_str(url).map_err(|e| StoreError::Backend(anyhow::anyhow!("not a PostgreSQL URL: {e}")))
}

impl PgStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(parse_url(url)?, 16).await
    }

    pub async fn connect_with(options: PgConnectOptions, max_connections: u32) -> StoreResult<Self> {
        let description = format!("{}:{}/{}", options.get_host(), options.get_port(), options.get_database().unwrap_or("(default)"));
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Backend(anyhow::anyhow!("cannot connect to PostgreSQL at {description}: {e}")))?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn pool(&self) -> &Pool<Postgres> {
        &self.pool
    }

    async fn write_guard(&self) -> Option<MutexGuard<'_, ()>> {
        None
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin_with(Self::WRITE_BEGIN).await
    }

    const WRITE_BEGIN: &'static str = "BEGIN";

    const INTEGER_TYPE: &'static str = "BIGINT";

    const REAL_TYPE: &'static str = "DOUBLE PRECISION";

    /// Other writers of the table wait until the transaction ends; readers go on.
    async fn lock_for_ids(tx: &mut sqlx::Transaction<'_, Postgres>, table: &str) -> Result<(), sqlx::Error> {
        sqlx::query(sqlx::AssertSqlSafe(format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))).execute(&mut **tx).await?;
        Ok(())
    }

    /// The table's identity goes on after its largest id.
    async fn after_explicit_ids(tx: &mut sqlx::Transaction<'_, Postgres>, table: &str) -> Result<(), sqlx::Error> {
        let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)");
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await?;
        Ok(())
    }

    async fn begin_snapshot(&self) -> Result<sqlx::Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await
    }

    const IDENTITY_INSERT: &'static str = " OVERRIDING SYSTEM VALUE";

    const SCHEMA_COLUMNS_SQL: &'static str = "SELECT table_name::text AS table_name, column_name::text AS column_name \
         FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position";

    /// Numbered columns go on from the largest number stored.
    async fn after_instance_import(tx: &mut sqlx::Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
        for table in rightsmon_store::instance::INSTANCE_TABLES {
            if let Some(column) = table.identity {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', '{1}'), COALESCE((SELECT MAX({1}) FROM {0}), 0) + 1, false)",
                    table.name, column
                );
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await?;
            }
        }
        Ok(())
    }

    async fn set_bulk_cache(_tx: &mut sqlx::Transaction<'_, Postgres>, _bulk: bool) -> Result<(), sqlx::Error> {
        // The server's shared buffers serve every connection.
        Ok(())
    }

    async fn lock_audit_chain(tx: &mut sqlx::Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(AUDIT_LOCK).execute(&mut **tx).await.map(|_| ())
    }

    fn map_error(error: sqlx::Error) -> StoreError {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict { constraint: db.constraint().unwrap_or("unique").to_owned() }
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_check_violation() => {
                StoreError::Conflict { constraint: db.constraint().unwrap_or("check").to_owned() }
            }
            _ => StoreError::Backend(error.into()),
        }
    }

    const NAME: &'static str = "postgres";

    const MIGRATIONS_TABLE: &'static str = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
         checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";

    const MIGRATION_BEGIN: &'static str = "BEGIN";

    const NOW_SECONDS: &'static str = "EXTRACT(EPOCH FROM now())::BIGINT";

    /// A session-level advisory lock: processes that start together apply each migration once.
    async fn lock_migrations(conn: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_LOCK).execute(conn).await.map(|_| ())
    }

    async fn unlock_migrations(conn: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_unlock($1)").bind(MIGRATION_LOCK).execute(conn).await.map(|_| ())
    }
}

/// The database this adapter speaks, and the store the shared SQL is compiled for.
type Db = Postgres;
type Backend = PgStore;

#[path = "../../rightsmon-store-sql/src/sql/mod.rs"]
mod sql;

/// The shared operations; PostgreSQL does none its own way yet.
/// The shared operations, and those PostgreSQL does its own way.
mod ops {
    pub(crate) use crate::sql::ops::*;

    pub(crate) use crate::own::stage_values;
}

mod own {
    use super::PgStore;
    use rightsmon_store::StoreResult;
    use rightsmon_store_sql::{number_of, text_of};
    use std::fmt::Write;

    /// Bytes sent to the server at a time.
    const COPY_BUFFER: usize = 1 << 20;

    /// An import's values go into its staging table with `COPY`, in PostgreSQL's text format,
    /// rather than as statements of many bound parameters.
    pub(crate) async fn stage_values(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        first: i64,
        items: &[rightsmon_store::ImportItem],
        areas: &std::collections::HashMap<String, Option<String>>,
    ) -> StoreResult<()> {
        let statement = format!("COPY import_stage (seq, {}) FROM STDIN", crate::ops::STAGED_VALUE_COLUMNS);
        let mut copy = tx.copy_in_raw(&statement).await.map_err(PgStore::map_error)?;
        let mut line = String::with_capacity(COPY_BUFFER + 4096);
        for (seq, item) in (first..).zip(items) {
            let o = &item.observation;
            let p = &o.provenance;
            let city = areas.get(o.area.as_str()).cloned().flatten();
            let _ = write!(line, "{seq}");
            for field in [
                Some(o.indicator.as_str().to_owned()),
                Some(o.version.to_string()),
                Some(o.area.as_str().to_owned()),
                city,
                Some(o.period.to_string()),
                Some(o.period.start_month_index().to_string()),
                Some(o.period.length_in_months().to_string()),
                Some(o.key.to_string()),
                number_of(o).map(|n| n.to_string()),
                text_of(o),
                o.lower_bound.map(|n| n.to_string()),
                o.upper_bound.map(|n| n.to_string()),
                Some(o.status.as_str().to_owned()),
                p.organisation_id.map(|id| id.to_string()),
                Some(p.kind.as_str().to_owned()),
                p.source_name.clone(),
                p.source_reference.clone(),
                p.source_date.map(|d| d.to_string()),
                p.method_note.clone(),
                Some(o.state.as_str().to_owned()),
            ] {
                line.push('\t');
                match field {
                    None => line.push_str("\\N"),
                    Some(text) => escape_into(&mut line, &text),
                }
            }
            line.push('\n');
            if line.len() >= COPY_BUFFER {
                copy.send(std::mem::take(&mut line).into_bytes()).await.map_err(PgStore::map_error)?;
                line.reserve(COPY_BUFFER + 4096);
            }
        }
        if !line.is_empty() {
            copy.send(line.into_bytes()).await.map_err(PgStore::map_error)?;
        }
        copy.finish().await.map_err(PgStore::map_error)?;
        Ok(())
    }

    /// A field in `COPY`'s text format: backslash, tab, newline and carriage return escaped.
    fn escape_into(line: &mut String, text: &str) {
        for c in text.chars() {
            match c {
                '\\' => line.push_str("\\\\"),
                '\t' => line.push_str("\\t"),
                '\n' => line.push_str("\\n"),
                '\r' => line.push_str("\\r"),
                c => line.push(c),
            }
        }
    }
}

/// Fresh, uniquely named databases for tests, dropped afterwards.
pub mod testing {
    use super::*;
    use std::sync::Once;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// The environment variable that names the server tests may create databases on.
    pub const URL_VARIABLE: &str = "RIGHTSMON_TEST_POSTGRES_URL";

    static COUNTER: AtomicU32 = AtomicU32::new(0);
    static SKIP_NOTE: Once = Once::new();

    /// A test database on the server `RIGHTSMON_TEST_POSTGRES_URL` names.
    pub struct TestDatabase {
        pub store: std::sync::Arc<PgStore>,
        admin: PgConnectOptions,
        name: String,
        base_url: String,
    }

    impl TestDatabase {
        /// Creates a fresh, migrated database. Without the variable this returns `Ok(None)`
        /// after saying once that PostgreSQL tests are skipped, unless `CI=true`: there a
        /// missing variable or an unreachable server is an error.
        pub async fn create() -> Result<Option<Self>, String> {
            let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
            let url = match std::env::var(URL_VARIABLE) {
                Ok(url) if !url.is_empty() => url,
                _ if in_ci => return Err(format!("CI=true but {URL_VARIABLE} is not set: the PostgreSQL tests must run in CI")),
                _ => {
                    SKIP_NOTE.call_once(|| {
                        use std::io::Write;
                        let _ = writeln!(std::io::stderr(), "note: PostgreSQL tests skipped: {URL_VARIABLE} is not set");
                    });
                    return Ok(None);
                }
            };
            let admin = parse_url(&url).map_err(|e| e.to_string())?;
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
            let name = format!("rightsmon_test_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), nanos);
            let admin_store = PgStore::connect_with(admin.clone(), 1).await.map_err(|e| format!("{URL_VARIABLE}: {e}"))?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(admin_store.pool())
                .await
                .map_err(|e| format!("cannot create the test database {name}: {e}"))?;
            admin_store.close().await;
            let store = PgStore::connect_with(admin.clone().database(&name), 4).await.map_err(|e| e.to_string())?;
            use rightsmon_store::Store;
            store.migrate().await.map_err(|e| e.to_string())?;
            Ok(Some(Self { store: std::sync::Arc::new(store), admin, name, base_url: url }))
        }

        /// The URL of this test database, for a process of its own.
        pub fn url(&self) -> String {
            let (without_query, query) = self.base_url.split_once('?').map_or((self.base_url.as_str(), None), |(u, q)| (u, Some(q)));
            let authority_end = without_query.find("://").map_or(0, |i| i + 3);
            let server = match without_query[authority_end..].find('/') {
                Some(slash) => &without_query[..authority_end + slash],
                None => without_query,
            };
            match query {
                Some(query) => format!("{server}/{}?{query}", self.name),
                None => format!("{server}/{}", self.name),
            }
        }

        /// Closes the store's connections and drops the database.
        pub async fn destroy(self) {
            self.store.close().await;
            if let Ok(admin) = PgStore::connect_with(self.admin, 1).await {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)))
                    .execute(admin.pool())
                    .await;
                admin.close().await;
            }
        }
    }
}
