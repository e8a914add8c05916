//! The use cases of Rights Monitor, by area, and the access rules they enforce.
//!
//! Every use case takes the [`Actor`](rightsmon_domain::access::Actor) who asks and decides from
//! the domain's rules what that actor may see or do; the web and the command line only translate.
//! The application is generic over the storage port and reads the time from a [`Clock`].
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod accountability;
pub mod accounts;
pub mod assessments;
pub mod audit;
pub mod catalogue;
pub mod codesign;
pub mod collection;
pub mod demo;
mod error;
pub mod findings;
pub mod framework;
pub mod imports;
pub mod maps;
pub mod observations;
pub mod pages;
pub mod practices;
pub mod reference;
pub mod reminders;
pub mod reporting;
pub mod reports;
pub mod roadmap;
pub mod surveys;
pub mod translations;
pub mod wide;

pub use error::{AppError, AppResult};

use rightsmon_domain::time::Timestamp;
use rightsmon_store::Store;
use std::sync::Arc;

/// Where the application reads the time from.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Timestamp(i64::try_from(seconds).unwrap_or(i64::MAX))
    }
}

/// Settings of the application layer.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// How long a session lasts, in seconds.
    pub session_seconds: i64,
    /// How long failed logins are remembered, in seconds.
    pub failure_window_seconds: i64,
    /// Login throttling: how many failures each key may have before waits begin, and the
    /// longest wait (see `accounts`).
    pub throttle: Throttle,
    /// The method whose verdict leads an indicator's findings (see `findings::HEADLINE_METHODS`).
    pub headline_method: &'static str,
}

/// How failed logins slow down the next attempt. Failures are counted for three keys: the
/// account from one client, the client alone (one address trying many accounts) and the
/// account from everywhere (many addresses trying one). After `free` failures of a key, each
/// further one doubles the wait before the next attempt, up to `longest`. The account's own
/// key waits at most a minute, so that nobody can lock its owner out; the owner, signing in
/// from their own client, meets only that short wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub free_per_account_and_client: u64,
    pub longest_per_account_and_client: i64,
    pub free_per_client: u64,
    pub longest_per_client: i64,
    pub free_per_account: u64,
    pub longest_per_account: i64,
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            free_per_account_and_client: 5,
            longest_per_account_and_client: 15 * 60,
            free_per_client: 30,
            longest_per_client: 15 * 60,
            free_per_account: 20,
            longest_per_account: 60,
        }
    }
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            session_seconds: 8 * 3600,
            failure_window_seconds: 3600,
            throttle: Throttle::default(),
            headline_method: findings::DEFAULT_HEADLINE_METHOD,
        }
    }
}

/// The application: the store, the clock and the settings every use case needs.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub settings: AppSettings,
    /// Findings computed once per change, shared by every clone of the application.
    findings: Arc<findings::FindingsCache>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("backend", &self.store.backend()).field("settings", &self.settings).finish()
    }
}

impl App {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, clock: Arc::new(SystemClock), settings: AppSettings::default(), findings: Arc::default() }
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_settings(mut self, settings: AppSettings) -> Self {
        self.settings = settings;
        // Findings name the headline method of the settings they were computed with.
        self.findings = Arc::default();
        self
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The audit event of a change, at the clock's time. The store appends it in the change's
    /// own transaction; a subject ending in `:*` gets the id of the row the change creates.
    pub(crate) fn event(
        &self,
        actor_user_id: Option<i64>,
        action: &str,
        subject: impl Into<String>,
        detail: serde_json::Value,
    ) -> rightsmon_domain::audit::NewAuditEvent {
        rightsmon_domain::audit::NewAuditEvent::new(self.now(), actor_user_id, action, subject, detail)
    }
}

/// The signed-in user's id, or `Unauthenticated`.
pub(crate) fn signed_in(actor: &rightsmon_domain::access::Actor) -> AppResult<i64> {
    actor.user().map(|u| u.id).ok_or(AppError::Unauthenticated)
}
