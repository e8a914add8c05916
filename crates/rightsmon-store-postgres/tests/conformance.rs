//! The storage conformance suite on PostgreSQL: a fresh database per case, dropped afterwards.
//! Runs when RIGHTSMON_TEST_POSTGRES_URL is set; with CI=true it must be.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_store::Store;
use rightsmon_store::conformance::TestBackend;
use rightsmon_store_postgres::testing::TestDatabase;
use std::sync::Arc;

struct Postgres(TestDatabase);

#[async_trait::async_trait]
impl TestBackend for Postgres {
    async fn create() -> Option<Self> {
        match TestDatabase::create().await {
            Ok(database) => database.map(Self),
            Err(error) => panic!("{error}"),
        }
    }

    fn store(&self) -> Arc<dyn Store> {
        self.0.store.clone()
    }

    async fn destroy(self) {
        self.0.destroy().await;
    }
}

rightsmon_store::conformance_suite!(Postgres);
