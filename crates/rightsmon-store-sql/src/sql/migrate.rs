//! The one migration runner: applies the adapter's `MIGRATIONS` in order, each in its own
//! transaction, and records a checksum of each, so that a migration changed after it was
//! applied is refused instead of being run again or ignored.
//!
//! The adapter provides `MIGRATIONS` (its own SQL files), `MIGRATIONS_TABLE` (the statement that
//! creates `schema_migrations`), `MIGRATION_BEGIN` (how a migration's transaction begins),
//! `NOW_SECONDS` (the current Unix time in its dialect), and `lock_migrations`/`unlock_migrations`
//! on one connection, so that processes that start together apply each migration once.

use super::*;
use sqlx::Connection;

impl Backend {
    pub(super) async fn run_migrations(&self) -> StoreResult<u32> {
        let _guard = self.write_guard().await;
        let mut conn = self.pool().acquire().await.map_err(err)?;
        Backend::lock_migrations(&mut conn).await.map_err(err)?;
        let result = apply_pending(&mut conn).await;
        let unlock = Backend::unlock_migrations(&mut conn).await.map_err(err);
        let applied = result?;
        unlock?;
        Ok(applied)
    }
}

async fn apply_pending(conn: &mut <Db as sqlx::Database>::Connection) -> StoreResult<u32> {
    sqlx::query(Backend::MIGRATIONS_TABLE).execute(&mut *conn).await.map_err(err)?;
    let record =
        format!("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, {})", Backend::NOW_SECONDS);
    let mut applied = 0;
    for &(version, name, sql) in crate::MIGRATIONS {
        let checksum = rightsmon_store::migration_checksum(sql);
        let row: Option<(String,)> = sqlx::query_as("SELECT checksum FROM schema_migrations WHERE version = $1")
            .bind(i64::from(version))
            .fetch_optional(&mut *conn)
            .await
            .map_err(err)?;
        match row {
            Some((stored,)) if stored == checksum => continue,
            Some(_) => return Err(StoreError::Backend(anyhow::anyhow!("migration {version} ({name}) was changed after it was applied"))),
            None => {}
        }
        let mut tx = conn.begin_with(Backend::MIGRATION_BEGIN).await.map_err(err)?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::Backend(anyhow::anyhow!("migration {version} ({name}): {e}")))?;
        sqlx::query(sqlx::AssertSqlSafe(record.as_str()))
            .bind(i64::from(version))
            .bind(name)
            .bind(checksum)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        tx.commit().await.map_err(err)?;
        tracing::info!(version, name, "applied migration");
        applied += 1;
    }
    Ok(applied)
}
