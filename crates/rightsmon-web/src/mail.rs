//! Reminders in words: the sentence each reminder says in the reader's language (for the
//! workspace and for e-mail), and the mailer that writes reminder e-mails and hands them to an
//! SMTP server.

use crate::i18n::{Arg, I18n};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rightsmon_app::reminders::{ReminderMail, ReminderMailer};
use rightsmon_domain::reminder::{Reminder, ReminderKind};
use std::sync::Arc;
use std::time::Duration;

/// What a reminder says, in `language`.
pub fn reminder_words(i18n: &I18n, language: &str, reminder: &Reminder) -> String {
    let detail = &reminder.reminder.detail;
    let text = |name: &str| Arg::Text(detail.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned());
    match reminder.reminder.kind {
        ReminderKind::TaskDue | ReminderKind::TaskOverdue => i18n.message(
            language,
            &format!("reminder-{}", reminder.reminder.kind.as_str()),
            &[("indicator", text("indicator")), ("city", text("city")), ("cycle", text("cycle")), ("deadline", text("deadline"))],
        ),
        ReminderKind::ReviewWaiting => i18n.message(
            language,
            "reminder-review_waiting",
            &[("count", Arg::Number(detail.get("count").and_then(|v| v.as_f64()).unwrap_or(0.0))), ("city", text("city"))],
        ),
        ReminderKind::ProposalActivity => {
            let what = match detail.get("what").and_then(|v| v.as_str()) {
                Some("endorsement") => "reminder-proposal-endorsement",
                Some("objection") => "reminder-proposal-objection",
                _ => "reminder-proposal-comment",
            };
            i18n.message(language, what, &[("title", text("title"))])
        }
        ReminderKind::ShadowReply => i18n.message(
            language,
            "reminder-shadow_reply",
            &[("indicator", text("indicator")), ("city", text("city")), ("period", text("period"))],
        ),
        ReminderKind::ActionDeadline => {
            let key = if detail.get("overdue").and_then(|v| v.as_bool()) == Some(true) {
                "reminder-action-overdue"
            } else {
                "reminder-action-due"
            };
            i18n.message(language, key, &[("title", text("title")), ("responsible", text("responsible")), ("deadline", text("deadline"))])
        }
    }
}

/// The subject and plain-text body of a reminder e-mail.
pub fn compose(i18n: &I18n, mail: &ReminderMail<'_>, base_url: &str) -> (String, String) {
    let language = mail.language;
    let subject = if mail.digest {
        i18n.message(language, "reminder-mail-digest-subject", &[("count", Arg::Number(mail.reminders.len() as f64))])
    } else {
        mail.reminders.first().map(|r| reminder_words(i18n, language, r)).unwrap_or_default()
    };
    let base = base_url.trim_end_matches('/');
    let mut body = i18n.message(language, "reminder-mail-greeting", &[("name", Arg::Text(mail.user.display_name.clone()))]);
    body.push_str("\n\n");
    for reminder in mail.reminders {
        body.push_str(&format!("- {}\n  {base}{}\n", reminder_words(i18n, language, reminder), reminder.reminder.link));
    }
    body.push('\n');
    body.push_str(&i18n.message(language, "reminder-mail-footer", &[("url", Arg::Text(format!("{base}/account#reminders")))]));
    body.push('\n');
    // A subject is one line, whatever a title held.
    (subject.replace(['\r', '\n'], " "), body)
}

/// Where reminder e-mails go and how they are signed.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, as `Name <address>` or an address.
    pub from: String,
    /// The site's public address, for the links in e-mails.
    pub base_url: String,
}

/// The password never reaches a log.
impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("from", &self.from)
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// Sends reminder e-mails through an SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    base_url: String,
    i18n: Arc<I18n>,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    pub fn new(settings: &SmtpSettings) -> anyhow::Result<Self> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("the sender of reminder e-mails ({:?}) is not an address: {e}", settings.from))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .timeout(Some(Duration::from_secs(30)));
        if let (Some(username), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
        }
        Ok(Self { transport: builder.build(), from, base_url: settings.base_url.clone(), i18n: Arc::new(I18n::load()?) })
    }
}

#[async_trait::async_trait]
impl ReminderMailer for SmtpMailer {
    async fn send(&self, mail: &ReminderMail<'_>) -> Result<(), String> {
        let (subject, body) = compose(&self.i18n, mail, &self.base_url);
        let to: Mailbox = mail.address.parse().map_err(|e| format!("{:?} is not an address: {e}", mail.address))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("the e-mail cannot be written: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("the mail server did not take the e-mail: {e}"))
    }
}
