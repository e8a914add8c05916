//! What SQLite itself must hold beyond the conformance suite: writers of several processes on
//! one file wait their turn, the audit log cannot be changed or removed, and a value's first
//! revision is kept before it changes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_domain::observation::WorkflowState;
use rightsmon_domain::time::Timestamp;
use rightsmon_store::conformance::cases::{ListFeed, audit, base};
use rightsmon_store::conformance::fixtures::{indicator, observation};
use rightsmon_store::prelude::*;
use rightsmon_store::{ImportOptions, ObservationQuery, Visibility};
use rightsmon_store_sqlite::SqliteStore;
use std::sync::Arc;

fn database(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("rightsmon-trust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("test.db").display());
    (dir, url)
}

/// Two stores on one file stand for two processes: neither knows of the other's write lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_of_several_processes_wait_their_turn_instead_of_failing() {
    let (dir, url) = database("processes");
    let first: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
    first.migrate().await.unwrap();
    let second: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
    base(&first).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    first.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let options = ImportOptions {
        entered_by: None,
        at: Timestamp(5),
        reason: None,
        may_revise_approved: false,
        codelists: vec![],
        definitions: vec![],
    };
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let store = if worker % 2 == 0 { first.clone() } else { second.clone() };
        let def = def.clone();
        let options = options.clone();
        tasks.push(tokio::spawn(async move {
            let values: Vec<_> = (0..3000)
                .map(|i| {
                    observation(
                        &def,
                        "ghent",
                        &format!("{}-{:02}", 1000 + worker * 300 + i / 12, i % 12 + 1),
                        "",
                        "1",
                        WorkflowState::Draft,
                    )
                })
                .collect();
            let counts = store.import_observations(&mut ListFeed::new(&values, true), &options).await.unwrap();
            // A read-then-write transaction of one process while the other writes.
            let mut query = ObservationQuery::new(Visibility::All);
            query.page = rightsmon_store::PageRequest::new(1, 0);
            let one = store.list_observations(&query).await.unwrap().items.remove(0);
            let _ = store.set_observation_state(one.id, one.revision, WorkflowState::Submitted, None, Timestamp(6), None, &audit()).await;
            counts
        }));
    }
    for task in tasks {
        assert!(task.await.unwrap().committed);
    }
    assert_eq!(first.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap().total, 12_000);
    assert_eq!(rightsmon_store::verify_audit_chain(&first.list_audit(0, 1000).await.unwrap()), Ok(()));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_events_cannot_be_changed_or_removed() {
    let (dir, url) = database("audit");
    let store = SqliteStore::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    store.append_audit(&audit()).await.unwrap();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let update = sqlx::query("UPDATE audit_events SET subject = 'other'").execute(&pool).await.unwrap_err();
    assert!(update.to_string().contains("kept as they were written"), "{update}");
    let delete = sqlx::query("DELETE FROM audit_events").execute(&pool).await.unwrap_err();
    assert!(delete.to_string().contains("kept as they were written"), "{delete}");
    pool.close().await;
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// A value's history begins with its first change (ADR 0006): the database refuses a change
/// that would lose the first revision, and the store's own changes keep it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_does_not_change_before_its_first_revision_is_kept() {
    let (dir, url) = database("first-revision");
    let store = SqliteStore::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let value = observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft);
    let stored = store.insert_observation(&value, None, Timestamp(2), &audit()).await.unwrap();
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let update = sqlx::query("UPDATE observations SET number_value = 11").execute(&pool).await.unwrap_err();
    assert!(update.to_string().contains("first revision is kept"), "{update}");
    store.set_observation_state(stored.id, 1, WorkflowState::Submitted, None, Timestamp(3), None, &audit()).await.unwrap();
    let kept: Vec<(i64, String)> =
        sqlx::query_as("SELECT revision, action FROM observation_revisions ORDER BY revision").fetch_all(&pool).await.unwrap();
    assert_eq!(kept, [(1, "created".to_owned()), (2, "submitted".to_owned())]);
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
