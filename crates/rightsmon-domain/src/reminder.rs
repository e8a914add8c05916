//! Reminders: what is due or waiting for someone, said once in their workspace and, as they
//! choose per kind, by e-mail at once, in a daily digest, or not at all.
//!
//! A reminder is identified by its person, its kind and its subject (`task:12:RM-HOU-01`), so
//! that the same thing is never said twice: a run that finds it again finds it already said.

use crate::catalogue::word_enum;
use crate::error::ParseError;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

word_enum!(
    /// What a reminder is about.
    ReminderKind, "invalid_reminder_kind", "kind of reminder" {
        TaskDue => "task_due",
        TaskOverdue => "task_overdue",
        ReviewWaiting => "review_waiting",
        ProposalActivity => "proposal_activity",
        ShadowReply => "shadow_reply",
        ActionDeadline => "action_deadline",
    }
);

word_enum!(
    /// How a person hears of a kind of reminder: in the workspace and by e-mail at once, in the
    /// workspace and a daily e-mail digest, in the workspace only, or not at all.
    Delivery, "invalid_delivery", "delivery" {
        Immediate => "immediate",
        Daily => "daily",
        WorkspaceOnly => "workspace_only",
        Off => "off",
    }
);

impl Delivery {
    /// How a kind reaches a person who has not chosen.
    pub const DEFAULT: Delivery = Delivery::Immediate;

    pub fn by_email(self) -> bool {
        matches!(self, Self::Immediate | Self::Daily)
    }
}

/// A reminder found due, before it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReminder {
    pub user_id: i64,
    pub kind: ReminderKind,
    /// What it is about, unique for the person and kind (`task:12:RM-HOU-01`).
    pub subject: String,
    /// What it says, in English (pages and e-mails say it from `kind` and `detail` in the
    /// reader's language).
    pub text: String,
    /// Values the words of the reminder need: an indicator, a date, a title.
    pub detail: serde_json::Value,
    /// Where the person acts on it.
    pub link: String,
}

word_enum!(
    /// Where a reminder's e-mail stands.
    EmailState, "invalid_email_state", "e-mail state" {
        Pending => "pending",
        Sent => "sent",
        SentInDigest => "sent_in_digest",
        NotSent => "not_sent",
    }
);

/// A kept reminder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reminder {
    pub id: i64,
    #[serde(flatten)]
    pub reminder: NewReminder,
    pub created_at: Timestamp,
    pub email: EmailState,
    pub emailed_at: Option<Timestamp>,
    pub read_at: Option<Timestamp>,
}

/// The days before a deadline from which a task or an action is said to be due.
pub const DUE_SOON_DAYS: i64 = 7;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_deliveries_read_their_words() {
        assert_eq!(ReminderKind::parse("task_overdue").unwrap(), ReminderKind::TaskOverdue);
        assert!(ReminderKind::parse("gossip").is_err());
        assert!(Delivery::parse("daily").unwrap().by_email());
        assert!(!Delivery::WorkspaceOnly.by_email());
        assert_eq!(Delivery::DEFAULT, Delivery::Immediate);
    }
}
