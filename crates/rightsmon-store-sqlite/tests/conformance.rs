//! The storage conformance suite on SQLite: a fresh in-memory database per case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_store::Store;
use rightsmon_store::conformance::TestBackend;
use rightsmon_store_sqlite::SqliteStore;
use std::sync::Arc;

struct Sqlite(Arc<SqliteStore>);

#[async_trait::async_trait]
impl TestBackend for Sqlite {
    async fn create() -> Option<Self> {
        let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
        store.migrate().await.unwrap();
        Some(Self(Arc::new(store)))
    }

    fn store(&self) -> Arc<dyn Store> {
        self.0.clone()
    }

    async fn destroy(self) {
        self.0.close().await;
    }
}

rightsmon_store::conformance_suite!(Sqlite);
