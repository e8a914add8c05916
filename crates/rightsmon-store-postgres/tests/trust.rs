//! What PostgreSQL itself must hold beyond the conformance suite: the audit log cannot be
//! changed, removed or truncated.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_store::conformance::cases::audit;
use rightsmon_store::prelude::*;
use rightsmon_store_postgres::testing::TestDatabase;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_events_cannot_be_changed_removed_or_truncated() {
    let Some(database) = TestDatabase::create().await.unwrap() else { return };
    database.store.append_audit(&audit()).await.unwrap();
    let pool = sqlx::PgPool::connect(&database.url()).await.unwrap();
    for statement in ["UPDATE audit_events SET subject = 'other'", "DELETE FROM audit_events", "TRUNCATE audit_events"] {
        let error = sqlx::query(statement).execute(&pool).await.unwrap_err();
        assert!(error.to_string().contains("audit_events are final"), "{statement}: {error}");
    }
    pool.close().await;
    database.destroy().await;
}
