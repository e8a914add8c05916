//! Use cases on a fresh in-memory SQLite store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_app::observations::ObservationFilter;
use rightsmon_app::{App, AppError, Clock};
use rightsmon_domain::access::Actor;
use rightsmon_domain::observation::WorkflowState;
use rightsmon_domain::time::Timestamp;
use rightsmon_store::Store;
use rightsmon_store_sqlite::SqliteStore;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

async fn app() -> (App, Arc<TestClock>) {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let clock = Arc::new(TestClock(AtomicI64::new(1_700_000_000)));
    (App::new(Arc::new(store)).with_clock(clock.clone()), clock)
}

#[tokio::test]
async fn loading_reference_data_twice_changes_nothing() {
    let (app, _) = app().await;
    let first = rightsmon_app::reference::load(&app).await.unwrap();
    assert!(first.created > 250, "{first:?}");
    let audit_after_first = app.store.list_audit(0, 1000).await.unwrap().len();
    let second = rightsmon_app::reference::load(&app).await.unwrap();
    assert_eq!((second.created, second.updated), (0, 0));
    assert_eq!(second.unchanged, first.created);
    assert_eq!(app.store.list_audit(0, 1000).await.unwrap().len(), audit_after_first, "an idempotent run audits nothing");
    assert_eq!(app.network_overview().await.unwrap().cities.len(), 9);
}

#[tokio::test]
async fn the_demo_loads_once_and_keeps_work_in_progress_inside_its_city() {
    let (app, _) = app().await;
    rightsmon_app::reference::initialise(&app).await.unwrap();
    let first = app.load_demo().await.unwrap();
    assert!(first.observations > 500);
    assert_eq!(first.accounts_created, rightsmon_app::demo::DEMO_ACCOUNTS.len());
    assert_eq!(first.cycles, 1, "Ghent's reporting cycle");
    let second = app.load_demo().await.unwrap();
    assert_eq!((second.observations, second.accounts_created, second.cycles), (0, 0, 0));
    let editor = app.login("ghent-editor", rightsmon_app::demo::DEMO_PASSWORD, "test").await.unwrap();
    let editor = app.actor_for_token(Some(&editor.token)).await.unwrap();
    let tasks = app.my_tasks(&editor).await.unwrap();
    assert_eq!(tasks.len(), rightsmon_app::demo::DEMO_SERIES_COUNT, "the editor's office provides every demo series");

    let viewer = app.login("ghent-viewer", rightsmon_app::demo::DEMO_PASSWORD, "test").await.unwrap();
    let viewer = app.actor_for_token(Some(&viewer.token)).await.unwrap();
    let all = ObservationFilter { limit: Some(1000), ..ObservationFilter::default() };
    let mut seen_unpublished_ghent = false;
    let ghent = rightsmon_domain::id::AreaCode::parse("ghent").unwrap();
    let mut inside_ghent: Vec<String> = app.districts(&ghent).await.unwrap().iter().map(|d| d.code.to_string()).collect();
    assert!(!inside_ghent.is_empty(), "the demo gives Ghent districts");
    inside_ghent.push("ghent".into());
    let mut offset = 0;
    loop {
        let page = app.observations(&viewer, &ObservationFilter { offset: Some(offset), ..all.clone() }).await.unwrap();
        for o in &page.items {
            if o.data.state != WorkflowState::Published {
                assert!(inside_ghent.contains(&o.data.area.to_string()), "a Ghent viewer saw unpublished data of {}", o.data.area);
                seen_unpublished_ghent = true;
            }
        }
        offset += page.items.len() as u64;
        if page.items.is_empty() || offset >= page.total {
            break;
        }
    }
    let anonymous_page = app.observations(&Actor::Anonymous, &all).await.unwrap();
    assert!(anonymous_page.items.iter().all(|o| o.data.state == WorkflowState::Published));
    // A single unpublished value of another city is "not found" for the viewer.
    let mut padova = ObservationFilter { area: Some("padova".into()), limit: Some(1000), ..ObservationFilter::default() };
    let coordinator = app.login("coordinator", rightsmon_app::demo::DEMO_PASSWORD, "test").await.unwrap();
    let coordinator = app.actor_for_token(Some(&coordinator.token)).await.unwrap();
    padova.area = Some("padova".into());
    let hidden: Vec<i64> = app
        .observations(&coordinator, &padova)
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|o| o.data.state != WorkflowState::Published)
        .map(|o| o.id)
        .collect();
    assert!(!hidden.is_empty(), "Padova has work in progress");
    for id in hidden {
        assert!(matches!(app.observation(&viewer, id).await, Err(AppError::NotFound)));
        assert!(matches!(app.observation(&Actor::Anonymous, id).await, Err(AppError::NotFound)));
        assert!(app.observation(&coordinator, id).await.is_ok());
    }
    assert!(seen_unpublished_ghent, "a Ghent viewer sees Ghent's own work in progress");
}

#[tokio::test]
async fn failed_logins_slow_the_attacker_without_locking_the_owner_out() {
    let (app, clock) = app().await;
    let form = rightsmon_app::accounts::UserForm {
        username: "ana".into(),
        display_name: "Ana".into(),
        email: Some("ana@example.org".into()),
        password: "a long enough password".into(),
    };
    app.create_user(None, &form).await.unwrap();
    let throttle = app.settings.throttle;
    // Someone at 6.6.6.6 guesses: the first few failures cost nothing, then each doubles the wait.
    for _ in 0..throttle.free_per_account_and_client {
        assert!(matches!(app.login("ana", "wrong password!", "6.6.6.6").await, Err(AppError::BadCredentials)));
    }
    let wait = |result: Result<_, AppError>| match result {
        Err(AppError::Throttled { retry_after_seconds }) => retry_after_seconds,
        other => panic!("expected a wait, got {:?}", other.map(|_: rightsmon_app::accounts::NewSession| ())),
    };
    assert_eq!(wait(app.login("ana", "a long enough password", "6.6.6.6").await), 1, "even the right password waits there");
    // The owner, from their own address, signs in at once.
    app.login("ana", "a long enough password", "1.2.3.4").await.unwrap();
    // The guesser goes on, waiting each time as long as told: the waits double.
    let mut waits = Vec::new();
    for _ in 0..6 {
        let seconds = wait(app.login("ana", "wrong password!", "6.6.6.6").await);
        waits.push(seconds);
        clock.0.fetch_add(seconds, Ordering::SeqCst);
        assert!(matches!(app.login("ana", "wrong password!", "6.6.6.6").await, Err(AppError::BadCredentials)));
    }
    assert_eq!(waits, [1, 2, 4, 8, 16, 32]);
    app.login("ana", "a long enough password", "1.2.3.4").await.unwrap();
    // Many addresses guessing one account slow it for everyone, but by a minute at most.
    for n in 0..30 {
        let _ = app.login("ana", "wrong password!", &format!("10.0.0.{n}")).await;
    }
    let owner_wait = wait(app.login("ana", "a long enough password", "1.2.3.4").await);
    assert!(owner_wait <= throttle.longest_per_account, "{owner_wait}");
    clock.0.fetch_add(owner_wait, Ordering::SeqCst);
    let session = app.login("ANA", "a long enough password", "1.2.3.4").await.unwrap();
    assert!(app.actor_for_token(Some(&session.token)).await.unwrap().is_signed_in());
    // Unknown users fail the same way as wrong passwords.
    assert!(matches!(app.login("nobody", "whatever password", "1.2.3.5").await, Err(AppError::BadCredentials)));
    assert!(matches!(app.login("'; DROP TABLE users; --", "x", "1.2.3.5").await, Err(AppError::BadCredentials)));
    // Disabling ends sessions.
    app.set_disabled("ana", true).await.unwrap();
    assert!(!app.actor_for_token(Some(&session.token)).await.unwrap().is_signed_in());
    assert!(matches!(app.login("ana", "a long enough password", "5.6.7.8").await, Err(AppError::BadCredentials)));
    // The log names the account of a failed login by its id, never by what was typed.
    let events = app.store.list_audit(0, 1000).await.unwrap();
    let failed: Vec<&str> = events.iter().filter(|e| e.event.action == "session.login_failed").map(|e| e.event.subject.as_str()).collect();
    assert!(failed.contains(&"user:unknown") && failed.iter().all(|s| !s.contains("DROP") && !s.contains("nobody")), "{failed:?}");
}

#[tokio::test]
async fn sessions_end_at_logout_and_expiry() {
    let (app, clock) = app().await;
    let form = rightsmon_app::accounts::UserForm {
        username: "bob".into(),
        display_name: "Bob".into(),
        email: None,
        password: "another long password".into(),
    };
    app.create_user(None, &form).await.unwrap();
    let session = app.login("bob", "another long password", "c").await.unwrap();
    assert!(app.actor_for_token(Some(&session.token)).await.unwrap().is_signed_in());
    clock.0.fetch_add(app.settings.session_seconds, Ordering::SeqCst);
    assert!(!app.actor_for_token(Some(&session.token)).await.unwrap().is_signed_in());
    let again = app.login("bob", "another long password", "c").await.unwrap();
    app.logout(&again.token).await.unwrap();
    assert!(!app.actor_for_token(Some(&again.token)).await.unwrap().is_signed_in());
    assert!(!app.actor_for_token(Some("not-a-token")).await.unwrap().is_signed_in());
    assert!(matches!(app.set_password("bob", "short").await, Err(AppError::Invalid(_))));
    assert!(app.login("bob", "wrong wrong wrong", "c").await.is_err());
    clock.0.fetch_add(app.settings.failure_window_seconds + 1, Ordering::SeqCst);
    // The expired first session and the old failure (under its three keys) are cleared.
    assert_eq!(app.housekeeping().await.unwrap(), 4);
    assert_eq!(app.housekeeping().await.unwrap(), 0);
}

#[tokio::test]
async fn invalid_users_are_refused_field_by_field() {
    let (app, _) = app().await;
    let form = rightsmon_app::accounts::UserForm {
        username: "x".into(),
        display_name: " ".into(),
        email: Some("nope".into()),
        password: "short".into(),
    };
    let Err(AppError::Invalid(errors)) = app.create_user(None, &form).await else { panic!("expected invalid") };
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["username", "display_name", "email", "password"]);
    assert!(app.store.list_users().await.unwrap().is_empty(), "nothing was stored");
}

#[tokio::test]
async fn a_new_password_needs_the_current_one_and_guessing_it_is_slowed() {
    let (app, clock) = app().await;
    let form = rightsmon_app::accounts::UserForm {
        username: "dora".into(),
        display_name: "Dora".into(),
        email: None,
        password: "an old and long passphrase".into(),
    };
    app.create_user(None, &form).await.unwrap();
    let session = app.login("dora", "an old and long passphrase", "c").await.unwrap();
    let dora = app.actor_for_token(Some(&session.token)).await.unwrap();
    for _ in 0..app.settings.throttle.free_per_account_and_client {
        assert!(matches!(
            app.change_own_password(&dora, "a guess of some length", "a new and long passphrase").await,
            Err(AppError::Invalid(_))
        ));
    }
    // A session left open is no way to guess the password: the next try waits.
    assert!(matches!(
        app.change_own_password(&dora, "an old and long passphrase", "a new and long passphrase").await,
        Err(AppError::Throttled { .. })
    ));
    clock.0.fetch_add(60, Ordering::SeqCst);
    assert!(matches!(app.change_own_password(&dora, "an old and long passphrase", "password1234").await, Err(AppError::Invalid(_))));
    app.change_own_password(&dora, "an old and long passphrase", "a new and long passphrase").await.unwrap();
    assert!(!app.actor_for_token(Some(&session.token)).await.unwrap().is_signed_in(), "every session ended");
    app.login("dora", "a new and long passphrase", "c").await.unwrap();
}
