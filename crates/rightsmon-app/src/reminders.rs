//! Reminders: `App::remind` finds what is due or waiting for each person, keeps each thing once,
//! and sends the e-mails people asked for: at once, or once a day as a digest. A reminder is
//! found again on every run, and kept only the first time; an e-mail is marked sent only once a
//! mail server accepted it, so a failed delivery is tried again on the next run and a delivered
//! one never again.
//!
//! What is found, and for whom:
//! - `task_due`, `task_overdue`: an indicator assigned to an organisation for a cycle, whose value
//!   has not been submitted, due within a week or past its deadline: the organisation's members;
//! - `review_waiting`: values submitted in a city, waiting for validation: its coordinators;
//! - `proposal_activity`: comments, endorsements and objections on a proposal: its author;
//! - `shadow_reply`: the municipality's reply to a value civil society filed: who filed it;
//! - `action_deadline`: an action of a recommendation due within a week or overdue: the city's
//!   coordinators (a network recommendation's: the network coordinators).

use crate::{App, AppError, AppResult};
use rightsmon_domain::access::{Actor, Membership, Role, Scope, User};
use rightsmon_domain::accountability::is_overdue;
use rightsmon_domain::area::AreaKind;
use rightsmon_domain::id::AreaCode;
use rightsmon_domain::observation::WorkflowState;
use rightsmon_domain::reminder::{DUE_SOON_DAYS, Delivery, EmailState, NewReminder, Reminder, ReminderKind};
use rightsmon_domain::time::Date;
use rightsmon_store::{ObservationQuery, PageRequest, ProposalQuery, RecommendationQuery, Visibility};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// An e-mail of reminders to one person: one reminder sent at once, or the day's digest.
#[derive(Debug, Clone)]
pub struct ReminderMail<'a> {
    pub user: &'a User,
    pub address: &'a str,
    /// The language to write it in: that of the person's city, else English.
    pub language: &'a str,
    pub reminders: &'a [Reminder],
    pub digest: bool,
}

/// Sends reminder e-mails: the composition root gives one that writes them in the person's
/// language and hands them to a mail server.
#[async_trait::async_trait]
pub trait ReminderMailer: Send + Sync {
    /// Sends the e-mail; an error says why the server did not take it.
    async fn send(&self, mail: &ReminderMail<'_>) -> Result<(), String>;
}

/// What a run of `remind` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemindReport {
    /// Reminders kept for the first time (in workspaces).
    pub created: usize,
    /// E-mails a mail server took.
    pub emails_sent: usize,
    /// E-mails that could not be sent; they are tried again on the next run.
    pub emails_failed: usize,
    /// Reminders left for a later daily digest.
    pub waiting_for_digest: usize,
}

/// The people of the network with their memberships.
struct People {
    users: Vec<(User, Vec<Membership>)>,
}

impl People {
    fn coordinators_of(&self, city: Option<&AreaCode>) -> Vec<&User> {
        self.users
            .iter()
            .filter(|(user, memberships)| {
                !user.is_disabled
                    && memberships.iter().any(|m| match city {
                        Some(city) => m.role == Role::CityCoordinator && m.scope == Scope::City(city.clone()),
                        None => m.role == Role::NetworkCoordinator,
                    })
            })
            .map(|(user, _)| user)
            .collect()
    }

    fn members_of(&self, organisation: i64) -> Vec<&User> {
        self.users
            .iter()
            .filter(|(user, memberships)| !user.is_disabled && memberships.iter().any(|m| m.organisation_id == Some(organisation)))
            .map(|(user, _)| user)
            .collect()
    }

    fn city_of(&self, user_id: i64) -> Option<&AreaCode> {
        self.users.iter().find(|(u, _)| u.id == user_id).and_then(|(_, memberships)| {
            memberships.iter().find_map(|m| match &m.scope {
                Scope::City(city) => Some(city),
                Scope::Network => None,
            })
        })
    }
}

fn reminder(user: &User, kind: ReminderKind, subject: String, text: String, detail: serde_json::Value, link: String) -> NewReminder {
    NewReminder { user_id: user.id, kind, subject, text, detail, link }
}

impl App {
    /// Every person of the network with their memberships, read once per run.
    async fn people(&self) -> AppResult<People> {
        let mut people = People { users: Vec::new() };
        for user in self.store.list_users().await? {
            let memberships = self.store.list_memberships(user.id).await?;
            people.users.push((user, memberships));
        }
        Ok(people)
    }

    /// Everything due or waiting for someone now, found afresh (most of it already kept).
    pub async fn due_reminders(&self) -> AppResult<Vec<NewReminder>> {
        self.due_reminders_of(&self.people().await?).await
    }

    async fn due_reminders_of(&self, people: &People) -> AppResult<Vec<NewReminder>> {
        let today = Date::of_timestamp(self.now());
        let mut found = Vec::new();
        let cities = self.store.list_areas(Some(AreaKind::City), None).await?;

        // Tasks of the cycles: due within a week or overdue, and not submitted yet.
        for city in &cities {
            for cycle in self.store.list_cycles(&city.code).await? {
                let days_left = cycle.cycle.deadline.days_since(today);
                if days_left > DUE_SOON_DAYS {
                    continue;
                }
                for assignment in self.store.list_assignments(cycle.id).await? {
                    let organisation = assignment.organisation_id;
                    let task = self.task(&cycle, assignment).await?;
                    if matches!(task.received, Some(WorkflowState::Submitted | WorkflowState::Validated | WorkflowState::Published)) {
                        continue;
                    }
                    let (kind, word) = if days_left < 0 { (ReminderKind::TaskOverdue, "overdue") } else { (ReminderKind::TaskDue, "due") };
                    let deadline = cycle.cycle.deadline.to_string();
                    for user in people.members_of(organisation) {
                        found.push(reminder(
                            user,
                            kind,
                            format!("task:{}:{}:{word}", cycle.id, task.indicator),
                            format!("{} for {} ({}) is {word}: the deadline is {deadline}.", task.indicator, city.name, cycle.cycle.name),
                            json!({"indicator": task.indicator, "city": city.name, "cycle": cycle.cycle.name, "deadline": deadline}),
                            format!("/workspace/values/new?indicator={}&area={}&period={}", task.indicator, city.code, cycle.cycle.period),
                        ));
                    }
                }
            }
        }

        // Values waiting for validation, once per city and latest submission.
        let mut query = ObservationQuery::new(Visibility::All);
        query.states = vec![WorkflowState::Submitted];
        let mut waiting: BTreeMap<AreaCode, (usize, i64)> = BTreeMap::new();
        for observation in self.store.list_all_observations(&query).await? {
            let city = match self.city_of(&observation.data.area).await {
                Ok(city) => city,
                Err(AppError::NotFound) => continue,
                Err(other) => return Err(other),
            };
            let entry = waiting.entry(city).or_insert((0, 0));
            entry.0 += 1;
            entry.1 = entry.1.max(observation.id);
        }
        for (city, (count, latest)) in &waiting {
            let name = cities.iter().find(|c| &c.code == city).map_or_else(|| city.to_string(), |c| c.name.clone());
            for user in people.coordinators_of(Some(city)) {
                found.push(reminder(
                    user,
                    ReminderKind::ReviewWaiting,
                    format!("review:{city}:{latest}"),
                    format!("{count} values of {name} are waiting for validation."),
                    json!({"count": count, "city": name}),
                    "/workspace/queue".to_owned(),
                ));
            }
        }

        // What others did on a person's open proposals.
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_proposals(&ProposalQuery {
                    scope: None,
                    status: Some(rightsmon_domain::codesign::ProposalStatus::Open),
                    page: PageRequest::new(100, offset),
                })
                .await?;
            for proposal in &page.items {
                let Some((author, _)) = people.users.iter().find(|(u, _)| u.id == proposal.author_id && !u.is_disabled) else {
                    continue;
                };
                let title = proposal.proposal.title.clone();
                let link = format!("/proposals/{}", proposal.id);
                let mut said = |subject: String, what: &str| {
                    found.push(reminder(
                        author,
                        ReminderKind::ProposalActivity,
                        subject,
                        format!("New {what} on your proposal \"{title}\"."),
                        json!({"what": what, "title": title}),
                        link.clone(),
                    ));
                };
                for comment in self.store.list_comments(proposal.id).await?.iter().filter(|c| c.user_id != author.id) {
                    said(format!("comment:{}", comment.id), "comment");
                }
                for endorsement in self.store.list_endorsements(proposal.id).await?.iter().filter(|e| e.user_id != author.id) {
                    said(format!("endorsement:{}:{}", proposal.id, endorsement.user_id), "endorsement");
                }
                for objection in self.store.list_objections(proposal.id).await?.iter().filter(|o| o.user_id != author.id) {
                    said(format!("objection:{}", objection.id), "objection");
                }
            }
            offset += page.items.len() as u64;
            if page.items.is_empty() || offset >= page.total {
                break;
            }
        }

        // The municipality's replies to values civil society filed beside its own.
        for shadow in self.store.list_replied_shadow_values().await? {
            let Some((filer, _)) = people.users.iter().find(|(u, _)| u.id == shadow.user_id && !u.is_disabled) else { continue };
            let city = shadow.data.area.to_string();
            found.push(reminder(
                filer,
                ReminderKind::ShadowReply,
                format!("shadow:{}", shadow.id),
                format!("The city replied to your value of {} for {} ({}).", shadow.data.indicator, city, shadow.data.period),
                json!({"indicator": shadow.data.indicator, "city": city, "period": shadow.data.period.to_string()}),
                format!("/cities/{city}/indicators/{}#shadow-{}", shadow.data.indicator, shadow.id),
            ));
        }

        // Deadlines of actions: due within a week, or overdue.
        let recommendations = self.store.list_recommendations(&RecommendationQuery { visibility: Visibility::All, city: None }).await?;
        let ids: Vec<i64> = recommendations.iter().map(|r| r.id).collect();
        for action in self.store.list_actions(&ids).await? {
            let Some(deadline) = action.action.deadline else { continue };
            if action.status.is_settled() || deadline.days_since(today) > DUE_SOON_DAYS {
                continue;
            }
            let Some(recommendation) = recommendations.iter().find(|r| r.id == action.recommendation_id) else { continue };
            let word = if is_overdue(action.status, Some(deadline), today) { "overdue" } else { "due" };
            for user in people.coordinators_of(recommendation.recommendation.city.as_ref()) {
                found.push(reminder(
                    user,
                    ReminderKind::ActionDeadline,
                    format!("action:{}:{word}", action.id),
                    format!("The action \"{}\" ({}) is {word}: the deadline is {deadline}.", action.action.title, action.action.responsible),
                    json!({"title": action.action.title, "responsible": action.action.responsible, "deadline": deadline.to_string(), "overdue": word == "overdue"}),
                    format!("/recommendations/{}#action-{}", recommendation.id, action.id),
                ));
            }
        }
        Ok(found)
    }

    /// Keeps what is newly due, then sends the e-mails that are due: each reminder of a kind a
    /// person hears of at once, and the daily digest of those who chose one, once a day.
    /// Without a mailer, reminders are kept for workspaces and their e-mails wait.
    pub async fn remind(&self, mailer: Option<&dyn ReminderMailer>) -> AppResult<RemindReport> {
        let now = self.now();
        let preferences: HashMap<(i64, ReminderKind), Delivery> =
            self.store.all_reminder_preferences().await?.into_iter().map(|(user, kind, delivery)| ((user, kind), delivery)).collect();
        let delivery = |user: i64, kind: ReminderKind| preferences.get(&(user, kind)).copied().unwrap_or(Delivery::DEFAULT);
        let people = self.people().await?;
        let users: HashMap<i64, &User> = people.users.iter().map(|(u, _)| (u.id, u)).collect();
        let mut report = RemindReport::default();

        let found: Vec<(NewReminder, EmailState)> = self
            .due_reminders_of(&people)
            .await?
            .into_iter()
            .filter(|r| delivery(r.user_id, r.kind) != Delivery::Off)
            .map(|r| {
                let emailed = delivery(r.user_id, r.kind).by_email() && users.get(&r.user_id).is_some_and(|u| u.email.is_some());
                let state = if emailed { EmailState::Pending } else { EmailState::NotSent };
                (r, state)
            })
            .collect();
        report.created = self.store.add_reminders(&found, now).await?.len();
        let Some(mailer) = mailer else {
            return Ok(report);
        };

        let mut by_user: BTreeMap<i64, Vec<Reminder>> = BTreeMap::new();
        for pending in self.store.pending_email_reminders().await? {
            by_user.entry(pending.reminder.user_id).or_default().push(pending);
        }
        let areas = self.store.list_areas(Some(AreaKind::City), None).await?;
        for (user_id, pending) in by_user {
            let Some(user) = users.get(&user_id).copied() else { continue };
            let address = match (&user.email, user.is_disabled) {
                (Some(address), false) => address.clone(),
                _ => {
                    let ids: Vec<i64> = pending.iter().map(|r| r.id).collect();
                    self.store.set_reminders_emailed(&ids, EmailState::NotSent, now).await?;
                    continue;
                }
            };
            let language = people
                .city_of(user_id)
                .and_then(|city| areas.iter().find(|a| &a.code == city))
                .and_then(|a| a.language.as_ref().map(|l| l.as_str().to_owned()))
                .unwrap_or_else(|| "en".to_owned());
            let (mut immediate, mut daily, mut dropped) = (Vec::new(), Vec::new(), Vec::new());
            for reminder in pending {
                match delivery(user_id, reminder.reminder.kind) {
                    Delivery::Immediate => immediate.push(reminder),
                    Delivery::Daily => daily.push(reminder),
                    // Chosen after it was kept: it stays in the workspace only.
                    Delivery::WorkspaceOnly | Delivery::Off => dropped.push(reminder.id),
                }
            }
            if !dropped.is_empty() {
                self.store.set_reminders_emailed(&dropped, EmailState::NotSent, now).await?;
            }
            for one in immediate {
                let mail =
                    ReminderMail { user, address: &address, language: &language, reminders: std::slice::from_ref(&one), digest: false };
                match mailer.send(&mail).await {
                    Ok(()) => {
                        self.store.set_reminders_emailed(&[one.id], EmailState::Sent, now).await?;
                        report.emails_sent += 1;
                    }
                    Err(error) => {
                        tracing::warn!(user = user_id, error = %error, "a reminder e-mail could not be sent");
                        report.emails_failed += 1;
                    }
                }
            }
            if daily.is_empty() {
                continue;
            }
            let last = self.store.last_digest_at(user_id).await?;
            if last.is_some_and(|last| now.seconds() - last.seconds() < 86_400 - 600) {
                report.waiting_for_digest += daily.len();
                continue;
            }
            let mail = ReminderMail { user, address: &address, language: &language, reminders: &daily, digest: true };
            match mailer.send(&mail).await {
                Ok(()) => {
                    let ids: Vec<i64> = daily.iter().map(|r| r.id).collect();
                    self.store.set_reminders_emailed(&ids, EmailState::SentInDigest, now).await?;
                    report.emails_sent += 1;
                }
                Err(error) => {
                    tracing::warn!(user = user_id, error = %error, "a reminder digest could not be sent");
                    report.emails_failed += 1;
                }
            }
        }
        Ok(report)
    }

    /// The reader's reminders, latest first.
    pub async fn my_reminders(&self, actor: &Actor, limit: u32) -> AppResult<Vec<Reminder>> {
        let user = actor.user().ok_or(AppError::Unauthenticated)?;
        Ok(self.store.list_reminders(user.id, limit).await?)
    }

    /// Marks the reader's reminders as read.
    pub async fn mark_reminders_read(&self, actor: &Actor, ids: &[i64]) -> AppResult<()> {
        let user = actor.user().ok_or(AppError::Unauthenticated)?;
        Ok(self.store.mark_reminders_read(user.id, ids, self.now()).await?)
    }

    /// How the reader hears of each kind of reminder (the default where they have not chosen).
    pub async fn reminder_choices(&self, actor: &Actor) -> AppResult<Vec<(ReminderKind, Delivery)>> {
        let user = actor.user().ok_or(AppError::Unauthenticated)?;
        let chosen: HashMap<ReminderKind, Delivery> = self.store.reminder_preferences(user.id).await?.into_iter().collect();
        Ok(ReminderKind::ALL.iter().map(|kind| (*kind, chosen.get(kind).copied().unwrap_or(Delivery::DEFAULT))).collect())
    }

    /// Sets how the reader hears of each kind of reminder, from `kind` → `delivery` words.
    pub async fn set_reminder_choices(&self, actor: &Actor, choices: &[(String, String)]) -> AppResult<()> {
        let user = actor.user().ok_or(AppError::Unauthenticated)?;
        let mut errors = rightsmon_domain::FieldErrors::new();
        let mut parsed = Vec::new();
        for (kind, delivery) in choices {
            let kind = errors.check("kind", ReminderKind::parse(kind.trim()));
            let delivery = errors.check(kind.map_or("delivery", |k| k.as_str()), Delivery::parse(delivery.trim()));
            if let (Some(kind), Some(delivery)) = (kind, delivery) {
                parsed.push((kind, delivery));
            }
        }
        errors.finish(|| Some(()))?;
        for (kind, delivery) in parsed {
            let event =
                self.event(Some(user.id), "reminders.chosen", format!("user:{}", user.id), json!({"kind": kind, "delivery": delivery}));
            self.store.set_reminder_preference(user.id, kind, delivery, &event).await?;
        }
        Ok(())
    }
}
