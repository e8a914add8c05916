//! What the app's tests start from: a fresh in-memory database with the reference data, and
//! people signed in with one membership each.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_app::App;
use rightsmon_app::accounts::UserForm;
use rightsmon_domain::access::Actor;
use rightsmon_store::Store;
use rightsmon_store_sqlite::SqliteStore;
use std::sync::Arc;

/// An app on a fresh in-memory database, with the reference data and the starter framework.
pub async fn fresh() -> App {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(Arc::new(store));
    rightsmon_app::reference::initialise(&app).await.unwrap();
    app
}

/// A new person, signed in, with a role in a city (or the network), for an organisation if given.
pub async fn member(app: &App, name: &str, role: &str, city: Option<&str>, organisation: Option<i64>) -> Actor {
    app.create_user(
        None,
        &UserForm { username: name.into(), display_name: name.into(), email: None, password: "a long enough password".into() },
    )
    .await
    .unwrap();
    app.add_membership(name, role, city, organisation).await.unwrap();
    let session = app.login(name, "a long enough password", "test").await.unwrap();
    app.actor_for_token(Some(&session.token)).await.unwrap()
}
