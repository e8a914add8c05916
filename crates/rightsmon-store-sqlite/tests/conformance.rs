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

mod memory {
    use super::Sqlite;
    rightsmon_store::conformance_suite!(Sqlite);
}

/// A database file with write-ahead logging and a pool of connections, as served.
struct SqliteFile(Arc<SqliteStore>, std::path::PathBuf);

#[async_trait::async_trait]
impl TestBackend for SqliteFile {
    async fn create() -> Option<Self> {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("rightsmon-conformance-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = SqliteStore::connect(&format!("sqlite://{}", dir.join("test.db").display())).await.unwrap();
        store.migrate().await.unwrap();
        Some(Self(Arc::new(store), dir))
    }

    fn store(&self) -> Arc<dyn Store> {
        self.0.clone()
    }

    async fn destroy(self) {
        self.0.close().await;
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

mod file {
    use super::SqliteFile;
    rightsmon_store::conformance_suite!(SqliteFile);
}
