//! What PostgreSQL itself must hold beyond the conformance suite: the audit log cannot be
//! changed, removed or truncated, and a value's first revision is kept before it changes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_domain::observation::WorkflowState;
use rightsmon_domain::time::Timestamp;
use rightsmon_store::conformance::cases::{audit, base};
use rightsmon_store::conformance::fixtures::{indicator, observation};
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

/// A value's history begins with its first change (ADR 0006): the database refuses a change
/// that would lose the first revision.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_does_not_change_before_its_first_revision_is_kept() {
    let Some(database) = TestDatabase::create().await.unwrap() else { return };
    let store: std::sync::Arc<dyn Store> = database.store.clone();
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let value = observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft);
    let stored = store.insert_observation(&value, None, Timestamp(2), &audit()).await.unwrap();
    let pool = sqlx::PgPool::connect(&database.url()).await.unwrap();
    let update = sqlx::query("UPDATE observations SET number_value = 11").execute(&pool).await.unwrap_err();
    assert!(update.to_string().contains("first revision is kept"), "{update}");
    store.set_observation_state(stored.id, 1, WorkflowState::Submitted, None, Timestamp(3), None, &audit()).await.unwrap();
    let kept: Vec<(i64, String)> =
        sqlx::query_as("SELECT revision, action FROM observation_revisions ORDER BY revision").fetch_all(&pool).await.unwrap();
    assert_eq!(kept, [(1, "created".to_owned()), (2, "submitted".to_owned())]);
    pool.close().await;
    database.destroy().await;
}
