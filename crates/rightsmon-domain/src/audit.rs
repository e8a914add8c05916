//! Audit events: who did what to which subject, and when.
//!
//! Events are kept in a hash chain: each event's hash covers the previous event's hash and its
//! own canonical text, so that changing or removing a stored event breaks the chain.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// An event before it is appended to the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAuditEvent {
    pub at: Timestamp,
    pub actor_user_id: Option<i64>,
    /// A dotted verb, e.g. `user.created`, `session.login_failed`.
    pub action: String,
    /// What the event is about, e.g. `user:ana`.
    pub subject: String,
    pub detail: serde_json::Value,
}

/// A stored audit event with its place in the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    #[serde(flatten)]
    pub event: NewAuditEvent,
    pub previous_hash: String,
    pub hash: String,
}

impl NewAuditEvent {
    /// An event about a subject such as `user:42`.
    pub fn new(at: Timestamp, actor_user_id: Option<i64>, action: &str, subject: impl Into<String>, detail: serde_json::Value) -> Self {
        Self { at, actor_user_id, action: action.to_owned(), subject: subject.into(), detail }
    }

    /// The event of an operation that creates a row, whose subject ends in `:*` until the row's
    /// id is known (`shadow:*` becomes `shadow:7`).
    pub fn for_created(&self, id: i64) -> Self {
        let mut event = self.clone();
        if let Some(kind) = event.subject.strip_suffix(":*") {
            event.subject = format!("{kind}:{id}");
        }
        event
    }

    /// The text the event's hash covers, after the previous hash.
    pub fn canonical_text(&self, previous_hash: &str) -> String {
        format!(
            "{previous_hash}\n{}\n{}\n{}\n{}\n{}",
            self.at.seconds(),
            self.actor_user_id.map_or_else(String::new, |id| id.to_string()),
            self.action,
            self.subject,
            self.detail
        )
    }
}
