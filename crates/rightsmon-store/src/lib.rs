//! The storage port of Rights Monitor.
//!
//! [`Store`] is the one interface the application uses to keep and find data: the supertrait of
//! one trait per aggregate ([`ReferenceStore`], [`AreaStore`], [`CatalogueStore`],
//! [`ObservationStore`], [`ImportStore`], [`CycleStore`], [`CodesignStore`], [`AccountStore`],
//! [`AuditStore`], [`InstanceStore`]), so that `Arc<dyn Store>` reaches them all and code that
//! holds a concrete store imports [`prelude`]. Two adapters implement it, SQLite and PostgreSQL;
//! [`conformance`] is the suite of tests both must pass.
//!
//! Error policy: adapters translate every driver error into [`StoreError`]. A missing row is
//! `NotFound`, a violated uniqueness or reference is `Conflict` with the constraint's name, and
//! everything else is `Backend`, which the upper layers log and never show.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod conformance;
pub mod instance;
mod types;

/// The port's traits, for code that calls a concrete store's operations.
pub mod prelude {
    pub use crate::{
        AccountStore, AccountabilityStore, AreaStore, AuditStore, CatalogueStore, CodesignStore, CycleStore, ImportStore, InstanceStore,
        ObservationStore, ReferenceStore, ReminderStore, RoadmapStore, Store, SurveyStore,
    };
}

pub use instance::{InstanceCounts, InstanceItem, InstanceSink, InstanceSource};
pub use types::*;

use async_trait::async_trait;
use rightsmon_domain::access::{Membership, NewOrganisation, Organisation, User, Username};
use rightsmon_domain::accountability::{Action, ActionUpdate, NewAction, NewActionUpdate, NewRecommendation, Recommendation, Response};
use rightsmon_domain::area::{Area, AreaKind, Boundary};
use rightsmon_domain::audit::{AuditEvent, NewAuditEvent};
use rightsmon_domain::catalogue::IndicatorDefinition;
use rightsmon_domain::codelist::Codelist;
use rightsmon_domain::codesign::{CityRule, Comment, Decision, Endorsement, NetworkRule, NewProposal, Objection, Proposal};
use rightsmon_domain::collection::{Assignment, Cycle, NewCycle};
use rightsmon_domain::id::{AreaCode, IndicatorCode, StepCode};
use rightsmon_domain::observation::{
    Benchmark, NewObservation, NewShadowValue, Observation, ObservationRevision, ShadowValue, WorkflowState,
};
use rightsmon_domain::participation::{Assessment, Assessor, Consultation, NewAssessment, NewConsultation};
use rightsmon_domain::practice::{NewPractice, Practice, PracticeTranslation};
use rightsmon_domain::reminder::{Delivery, EmailState, NewReminder, Reminder, ReminderKind};
use rightsmon_domain::report::{CityReportSnapshot, NetworkReport, NetworkReportSnapshot, Report};
use rightsmon_domain::right::{Right, RightKind, Theme};
use rightsmon_domain::roadmap::{Milestone, NewMilestone, RoadmapStep};
use rightsmon_domain::survey::{NewSurvey, Survey};
use rightsmon_domain::text::LanguageCode;
use rightsmon_domain::time::Timestamp;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict with {constraint}")]
    Conflict { constraint: String },
    #[error("the stored data could not be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Backend(#[from] anyhow::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Whether an idempotent write changed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created,
    Updated,
    Unchanged,
}

/// The storage port, one trait per aggregate; every method is one atomic operation: it is done
/// whole or not at all. `Arc<dyn Store>` reaches every aggregate's operations.
#[async_trait]
pub trait Store:
    ReferenceStore
    + AreaStore
    + CatalogueStore
    + ObservationStore
    + ImportStore
    + CycleStore
    + CodesignStore
    + AccountabilityStore
    + AccountStore
    + ReminderStore
    + RoadmapStore
    + SurveyStore
    + AuditStore
    + InstanceStore
    + Send
    + Sync
    + 'static
{
    /// The backend's name, for logs and `/healthz`.
    fn backend(&self) -> &'static str;

    /// Applies the pending migrations; safe to call from several processes at once.
    async fn migrate(&self) -> StoreResult<u32>;

    /// Checks that the database answers.
    async fn ping(&self) -> StoreResult<()>;
}

/// Surveys of residents: each wave with its estimates, and its respondents' answers kept apart.
#[async_trait]
pub trait SurveyStore: Send + Sync {
    /// Keeps a survey wave with its estimates and its respondents' file (packed: never read
    /// back but to estimate again), and the indicator values it gives, in one transaction:
    /// each value new (a subject stored already is a `Conflict`) or replacing the draft it names
    /// (by id and expected revision, recorded in its history), and each withheld value in place
    /// of any earlier wave's; a subject that now has a value is no longer withheld.
    async fn create_survey(
        &self,
        survey: &NewSurvey,
        microdata: &str,
        values: &rightsmon_domain::survey::SurveyValues,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Survey>;
    async fn get_survey(&self, id: i64) -> StoreResult<Survey>;
    /// A city's surveys (every city's without one), latest first.
    async fn list_surveys(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Survey>>;
    /// The packed respondents' file, while it is kept.
    async fn survey_microdata(&self, id: i64) -> StoreResult<Option<String>>;
    /// Deletes the respondents' file; the survey and its estimates stay. Deleting twice is a
    /// conflict.
    async fn delete_survey_microdata(&self, id: i64, by: Option<i64>, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Survey>;
    /// The values of an indicator withheld in a city and its districts, by area, period and
    /// group.
    async fn list_withheld(&self, indicator: &IndicatorCode, city: &AreaCode) -> StoreResult<Vec<rightsmon_domain::survey::WithheldValue>>;
}

/// The road map: the network's steps and the cities' milestones.
#[async_trait]
pub trait RoadmapStore: Send + Sync {
    /// The steps, in their order.
    async fn list_roadmap_steps(&self) -> StoreResult<Vec<RoadmapStep>>;
    /// Adds a step, or renames and moves one with the same code.
    async fn put_roadmap_step(&self, step: &RoadmapStep, audit: &NewAuditEvent) -> StoreResult<Written>;
    /// The milestones of a city (every city's without one), by city and step.
    async fn list_milestones(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Milestone>>;
    /// Records a step reached, replacing an earlier record of the same step; the step must exist.
    async fn set_milestone(
        &self,
        milestone: &NewMilestone,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Milestone>;
    /// Removes the record of a step reached (recorded by mistake); `NotFound` if there is none.
    async fn remove_milestone(&self, city: &AreaCode, step: &StepCode, audit: &NewAuditEvent) -> StoreResult<()>;
}

/// Reminders and how each person wants to hear of them.
#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// A person's choices, by kind; kinds not chosen are not listed.
    async fn reminder_preferences(&self, user_id: i64) -> StoreResult<Vec<(ReminderKind, Delivery)>>;
    /// Every person's choices.
    async fn all_reminder_preferences(&self) -> StoreResult<Vec<(i64, ReminderKind, Delivery)>>;
    async fn set_reminder_preference(&self, user_id: i64, kind: ReminderKind, delivery: Delivery, audit: &NewAuditEvent)
    -> StoreResult<()>;
    /// Keeps the reminders not kept before (a person, kind and subject is kept once) and returns
    /// those it kept, each with its e-mail `pending` or `not_sent` as `email` says.
    async fn add_reminders(&self, reminders: &[(NewReminder, EmailState)], at: Timestamp) -> StoreResult<Vec<Reminder>>;
    /// The reminders whose e-mail is pending, oldest first.
    async fn pending_email_reminders(&self) -> StoreResult<Vec<Reminder>>;
    /// Marks reminders' e-mails as sent (or, for `NotSent`, as never to be sent).
    async fn set_reminders_emailed(&self, ids: &[i64], state: EmailState, at: Timestamp) -> StoreResult<()>;
    /// When a person last got a daily digest, if ever.
    async fn last_digest_at(&self, user_id: i64) -> StoreResult<Option<Timestamp>>;
    /// A person's reminders, latest first.
    async fn list_reminders(&self, user_id: i64, limit: u32) -> StoreResult<Vec<Reminder>>;
    /// Marks a person's reminders as read; others' are untouched.
    async fn mark_reminders_read(&self, user_id: i64, ids: &[i64], at: Timestamp) -> StoreResult<()>;
}

/// Reference data: the themes, rights and codelists every city shares.
#[async_trait]
pub trait ReferenceStore: Send + Sync {
    async fn upsert_theme(&self, theme: &Theme, audit: &NewAuditEvent) -> StoreResult<Written>;
    async fn list_themes(&self) -> StoreResult<Vec<Theme>>;
    async fn upsert_right(&self, right: &Right, audit: &NewAuditEvent) -> StoreResult<Written>;
    async fn list_rights(&self, kind: Option<RightKind>) -> StoreResult<Vec<Right>>;
    async fn upsert_codelist(&self, codelist: &Codelist, audit: &NewAuditEvent) -> StoreResult<Written>;
    async fn list_codelists(&self) -> StoreResult<Vec<Codelist>>;
}

/// Areas (the network, cities, districts) and district outlines.
#[async_trait]
pub trait AreaStore: Send + Sync {
    /// Creates or updates an area; its parent must exist.
    async fn upsert_area(&self, area: &Area, audit: &NewAuditEvent) -> StoreResult<Written>;
    async fn get_area(&self, code: &AreaCode) -> StoreResult<Area>;
    async fn list_areas(&self, kind: Option<AreaKind>, parent: Option<&AreaCode>) -> StoreResult<Vec<Area>>;
    /// Replaces a city's district outlines as one whole: creates the districts given or updates
    /// them, and stores their outlines; districts left out keep their values but lose their
    /// outline. A district of another city, or an area of another kind, is a conflict.
    async fn replace_boundaries(
        &self,
        city: &AreaCode,
        districts: &[(Area, Boundary)],
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<()>;
    /// The district outlines of a city, in district code order.
    async fn list_boundaries(&self, city: &AreaCode) -> StoreResult<Vec<Boundary>>;
}

/// The catalogue: every version of every indicator definition.
#[async_trait]
pub trait CatalogueStore: Send + Sync {
    /// Stores a version of an indicator. The same content again is `Unchanged`; different content
    /// under an existing version is a `Conflict` (a changed definition is a new version).
    async fn put_indicator_version(&self, definition: &IndicatorDefinition, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Written>;
    /// Stores several versions at once: all of them or, on the first error, none.
    async fn put_indicator_versions(
        &self,
        definitions: &[IndicatorDefinition],
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Vec<Written>>;
    /// Every version of every indicator, by code and version.
    async fn list_all_indicator_versions(&self) -> StoreResult<Vec<IndicatorDefinition>>;
    /// The retired indicators.
    async fn list_retired(&self) -> StoreResult<Vec<Retired>>;
    /// The given version, or the latest.
    async fn get_indicator(&self, code: &IndicatorCode, version: Option<u32>) -> StoreResult<IndicatorDefinition>;
    async fn list_indicator_versions(&self, code: &IndicatorCode) -> StoreResult<Vec<IndicatorDefinition>>;
    /// The latest version of each indicator matching the query.
    async fn list_indicators(&self, query: &IndicatorQuery) -> StoreResult<Page<IndicatorDefinition>>;
}

/// Observations, their history, shadow values and benchmarks.
#[async_trait]
pub trait ObservationStore: Send + Sync {
    /// A number that grows with every change of what a city's findings and public pages rest
    /// on: its values and their states, its targets and baselines, civil society's values and
    /// replies, its organisations; the network's definitions, codelists, areas and decisions.
    /// What is kept beside a generation is current while it stays the same, whichever process
    /// wrote.
    async fn findings_generation(&self, city: &AreaCode) -> StoreResult<i64>;
    /// Stores a new observation (revision 1). The same indicator version, area, period and key
    /// twice is a `Conflict`.
    async fn insert_observation(
        &self,
        observation: &NewObservation,
        entered_by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Observation>;
    /// Stores several new observations: all of them, or on the first error none. Returns their ids.
    async fn insert_observations(
        &self,
        observations: &[NewObservation],
        entered_by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Vec<i64>>;
    async fn get_observation(&self, id: i64) -> StoreResult<Observation>;
    async fn list_observations(&self, query: &ObservationQuery) -> StoreResult<Page<Observation>>;
    /// Every observation matching the query, whatever its page says: for use cases that need a
    /// whole series or city, never for a list a reader pages through.
    async fn list_all_observations(&self, query: &ObservationQuery) -> StoreResult<Vec<Observation>>;
    /// The indicators with at least one observation matching the query (its page ignored), in
    /// code order.
    async fn observed_indicators(&self, query: &ObservationQuery) -> StoreResult<Vec<IndicatorCode>>;
    #[allow(clippy::too_many_arguments)]
    /// Moves an observation to `state` if it is still at `expected_revision`; the revision
    /// number goes up by one and the history records who, when and why. A stale revision is a
    /// `Conflict`.
    async fn set_observation_state(
        &self,
        id: i64,
        expected_revision: u32,
        state: WorkflowState,
        by: Option<i64>,
        at: Timestamp,
        reason: Option<&str>,
        audit: &NewAuditEvent,
    ) -> StoreResult<Observation>;
    #[allow(clippy::too_many_arguments)]
    /// Replaces the value, bounds, status and provenance of an observation still at
    /// `expected_revision`; the old value stays in the history. The person who changes a value
    /// counts as its enterer from then on, so that someone else validates it: a validated or
    /// published value goes back to submitted (and leaves the public) until then. A stale
    /// revision, or a value about another subject, is a `Conflict`.
    async fn revise_observation(
        &self,
        id: i64,
        expected_revision: u32,
        value: &NewObservation,
        by: Option<i64>,
        at: Timestamp,
        reason: &str,
        audit: &NewAuditEvent,
    ) -> StoreResult<Observation>;
    /// Every change of an observation, oldest first.
    async fn list_observation_history(&self, id: i64) -> StoreResult<Vec<ObservationRevision>>;
    async fn add_shadow_value(
        &self,
        shadow: &NewShadowValue,
        user_id: i64,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<ShadowValue>;
    async fn get_shadow_value(&self, id: i64) -> StoreResult<ShadowValue>;
    /// The shadow values of an indicator in an area, in time order.
    async fn list_shadow_values(&self, indicator: &IndicatorCode, area: &AreaCode) -> StoreResult<Vec<ShadowValue>>;
    /// Every shadow value the municipality has replied to, in the order of the replies.
    async fn list_replied_shadow_values(&self) -> StoreResult<Vec<ShadowValue>>;
    /// Records the municipality's reply to a shadow value; a second reply is a `Conflict`.
    async fn reply_to_shadow_value(
        &self,
        id: i64,
        user_id: i64,
        text: &str,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<ShadowValue>;
    async fn put_benchmark(&self, kind: BenchmarkKind, benchmark: &Benchmark, audit: &NewAuditEvent) -> StoreResult<Written>;
    async fn list_benchmarks(&self, indicator: &IndicatorCode, area: &AreaCode) -> StoreResult<Vec<(BenchmarkKind, Benchmark)>>;
}

/// Bulk imports of observations (see ADR 0004).
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Runs a bulk import (see [`ImportFeed`]): new values are created, the same value again is
    /// left alone, and a changed value is revised with the import's reason and recorded in its
    /// history (and, beyond draft, goes back to submitted). The values are first staged in short
    /// transactions, so that other writers are not kept waiting while the file is read; then one
    /// transaction switches them in, runs the feed's scans, appends the feed's audit event and
    /// commits, or rolls everything back.
    async fn import_observations(&self, feed: &mut dyn ImportFeed, options: &ImportOptions) -> StoreResult<ImportCounts>;
}

/// Reporting cycles and assignments.
#[async_trait]
pub trait CycleStore: Send + Sync {
    /// Creates a cycle for a city; the same name twice in a city is a `Conflict`.
    async fn create_cycle(&self, cycle: &NewCycle, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Cycle>;
    async fn get_cycle(&self, id: i64) -> StoreResult<Cycle>;
    /// A city's cycles, latest period first.
    async fn list_cycles(&self, city: &AreaCode) -> StoreResult<Vec<Cycle>>;
    /// Assigns an indicator of a cycle to an organisation, replacing an earlier assignment.
    async fn assign(&self, assignment: &Assignment, audit: &NewAuditEvent) -> StoreResult<Written>;
    async fn list_assignments(&self, cycle_id: i64) -> StoreResult<Vec<Assignment>>;
    /// The assignments of these organisations, in every cycle.
    async fn list_assignments_of(&self, organisation_ids: &[i64]) -> StoreResult<Vec<Assignment>>;
}

/// Which recommendations to list.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendationQuery {
    /// Published recommendations, and every one of these cities (`All`: the network's drafts too).
    pub visibility: Visibility,
    /// One city's; `None` for every city's and the network's.
    pub city: Option<AreaCode>,
}

/// The accountability loop: consultations, recommendations, actions and their updates.
#[async_trait]
pub trait AccountabilityStore: Send + Sync {
    /// Records a consultation of a city.
    async fn create_consultation(
        &self,
        consultation: &NewConsultation,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Consultation>;
    async fn get_consultation(&self, id: i64) -> StoreResult<Consultation>;
    /// A city's consultations (every city's without one), latest first.
    async fn list_consultations(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Consultation>>;
    /// Records a recommendation, pending a response and unpublished. Its consultation, if any,
    /// must be of the same city.
    async fn create_recommendation(
        &self,
        recommendation: &NewRecommendation,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Recommendation>;
    async fn get_recommendation(&self, id: i64) -> StoreResult<Recommendation>;
    /// Latest first (by the date it was made, then the latest recorded).
    async fn list_recommendations(&self, query: &RecommendationQuery) -> StoreResult<Vec<Recommendation>>;
    /// Records the city's response, and whether the recommendation is published.
    async fn respond_to_recommendation(
        &self,
        id: i64,
        response: Response,
        reason: Option<&str>,
        published: bool,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Recommendation>;
    /// Adds an action to a recommendation; it starts as not started.
    async fn create_action(
        &self,
        recommendation_id: i64,
        action: &NewAction,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Action>;
    async fn get_action(&self, id: i64) -> StoreResult<Action>;
    /// The actions of these recommendations, in the order they were added.
    async fn list_actions(&self, recommendation_ids: &[i64]) -> StoreResult<Vec<Action>>;
    /// Appends an update to an action and sets the action's status to the update's, in one
    /// transaction.
    async fn add_action_update(
        &self,
        action_id: i64,
        update: &NewActionUpdate,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<ActionUpdate>;
    /// The updates of an action, oldest first.
    async fn list_action_updates(&self, action_id: i64) -> StoreResult<Vec<ActionUpdate>>;
    /// Stores a new version of an assessor's assessment of a subject in a cycle: version 1, or one
    /// more than the latest. Earlier versions stay as they were written.
    async fn add_assessment(
        &self,
        cycle_id: i64,
        assessor: Assessor,
        assessment: &NewAssessment,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Assessment>;
    /// Every version of every assessment of a cycle, by subject, then the municipality before
    /// organisations (by id), then version.
    async fn list_assessments(&self, cycle_id: i64) -> StoreResult<Vec<Assessment>>;
    /// Stores an issued report of a city's cycle, as it is: reports are never changed.
    async fn issue_report(
        &self,
        title: &str,
        snapshot: &CityReportSnapshot,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Report>;
    async fn get_report(&self, id: i64) -> StoreResult<Report>;
    /// A city's reports (every city's without one), latest first.
    async fn list_reports(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Report>>;
    /// Stores an issued comparative report of the network, as it is.
    async fn issue_network_report(
        &self,
        title: &str,
        snapshot: &NetworkReportSnapshot,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<NetworkReport>;
    async fn get_network_report(&self, id: i64) -> StoreResult<NetworkReport>;
    /// Latest first.
    async fn list_network_reports(&self) -> StoreResult<Vec<NetworkReport>>;
    /// Adds a practice to the library.
    async fn create_practice(&self, practice: &NewPractice, by: Option<i64>, at: Timestamp, audit: &NewAuditEvent)
    -> StoreResult<Practice>;
    async fn get_practice(&self, id: i64) -> StoreResult<Practice>;
    /// Every practice, latest first.
    async fn list_practices(&self) -> StoreResult<Vec<Practice>>;
    /// Adds or replaces a practice's translation into `language`.
    async fn set_practice_translation(
        &self,
        id: i64,
        language: &LanguageCode,
        translation: &PracticeTranslation,
        audit: &NewAuditEvent,
    ) -> StoreResult<Practice>;
}

/// Co-design: proposals, comments, endorsements, objections, decisions, adoptions, rules.
#[async_trait]
pub trait CodesignStore: Send + Sync {
    async fn create_proposal(&self, proposal: &NewProposal, author_id: i64, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Proposal>;
    async fn get_proposal(&self, id: i64) -> StoreResult<Proposal>;
    /// Newest first.
    async fn list_proposals(&self, query: &ProposalQuery) -> StoreResult<Page<Proposal>>;
    /// Withdraws an open proposal; a proposal that is not open is a `Conflict`.
    async fn withdraw_proposal(&self, id: i64, audit: &NewAuditEvent) -> StoreResult<()>;
    async fn add_comment(&self, proposal_id: i64, user_id: i64, body: &str, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Comment>;
    async fn list_comments(&self, proposal_id: i64) -> StoreResult<Vec<Comment>>;
    /// Adds an endorsement to an open proposal; twice by one user (or, for a city, by one city)
    /// is a `Conflict`, as is a proposal that is not open.
    async fn add_endorsement(&self, endorsement: &Endorsement, audit: &NewAuditEvent) -> StoreResult<()>;
    async fn list_endorsements(&self, proposal_id: i64) -> StoreResult<Vec<Endorsement>>;
    async fn add_objection(
        &self,
        proposal_id: i64,
        user_id: i64,
        reasons: &str,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Objection>;
    async fn list_objections(&self, proposal_id: i64) -> StoreResult<Vec<Objection>>;
    /// Records the final decision on an open proposal and applies its changes, all at once.
    /// A proposal that is not open is a `Conflict`; so is a change the framework refuses.
    async fn decide_proposal(&self, decision: &Decision, changes: &[FrameworkChange], audit: &NewAuditEvent) -> StoreResult<()>;
    async fn get_decision(&self, proposal_id: i64) -> StoreResult<Decision>;
    /// Adoption records of one city, or of one indicator across cities.
    async fn list_adoptions(&self, city: Option<&AreaCode>, indicator: Option<&IndicatorCode>) -> StoreResult<Vec<Adoption>>;
    /// The city's endorsement rule (the default when none was set).
    async fn city_rule(&self, city: &AreaCode) -> StoreResult<CityRule>;
    async fn set_city_rule(&self, city: &AreaCode, rule: CityRule, audit: &NewAuditEvent) -> StoreResult<()>;
    async fn network_rule(&self) -> StoreResult<NetworkRule>;
    async fn set_network_rule(&self, rule: NetworkRule, audit: &NewAuditEvent) -> StoreResult<()>;
}

/// Accounts: organisations, users, memberships, sessions and login throttling.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_organisation(&self, organisation: &NewOrganisation, audit: &NewAuditEvent) -> StoreResult<Organisation>;
    async fn list_organisations(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Organisation>>;
    async fn create_user(&self, user: &NewUser, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<User>;
    async fn get_user(&self, id: i64) -> StoreResult<User>;
    async fn find_user(&self, username: &Username) -> StoreResult<User>;
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// The stored password hash of a user (for the login check only).
    async fn password_hash(&self, user_id: i64) -> StoreResult<String>;
    /// Sets a new password hash and ends the user's sessions.
    async fn set_password_hash(&self, user_id: i64, hash: &str, audit: &NewAuditEvent) -> StoreResult<()>;
    /// Disables a user (ending their sessions) or enables them again.
    async fn set_user_disabled(&self, user_id: i64, is_disabled: bool, audit: &NewAuditEvent) -> StoreResult<()>;
    /// Erases what identifies a user: the name becomes `username`, the display name and e-mail
    /// go, the password no longer opens the account, the account is disabled and its sessions
    /// end. Their id stays, so that the audit log and the history keep a pseudonymous record.
    async fn erase_user(&self, user_id: i64, username: &Username, audit: &NewAuditEvent) -> StoreResult<()>;
    /// Adds a membership; the same user, role and scope twice is a `Conflict`.
    async fn add_membership(&self, membership: &Membership, audit: &NewAuditEvent) -> StoreResult<()>;
    async fn list_memberships(&self, user_id: i64) -> StoreResult<Vec<Membership>>;

    /// Opens a session; the login's audit event is appended with it.
    async fn create_session(&self, session: &SessionRecord, audit: &NewAuditEvent) -> StoreResult<()>;
    /// A session that has not expired at `now`.
    async fn get_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<SessionRecord>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64>;
    async fn purge_expired_sessions(&self, now: Timestamp) -> StoreResult<u64>;
    async fn record_login_failure(&self, key: &str, at: Timestamp) -> StoreResult<()>;
    /// How many failures were recorded under `key` since `since`, and when the last was.
    async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<LoginFailures>;
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
    /// Forgets failures recorded before `before`; returns how many.
    async fn purge_login_failures(&self, before: Timestamp) -> StoreResult<u64>;
}

/// The hash-chained audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an event that changes nothing else (a login that failed) to the hash-chained log.
    /// Every change appends its own event, in its own transaction.
    async fn append_audit(&self, event: &NewAuditEvent) -> StoreResult<AuditEvent>;
    /// Events in the order they were appended, from `after_id` on.
    async fn list_audit(&self, after_id: i64, limit: u32) -> StoreResult<Vec<AuditEvent>>;
    /// Every event a user caused, in the order they were appended.
    async fn list_audit_of(&self, user_id: i64) -> StoreResult<Vec<AuditEvent>>;
}

/// The instance as a whole: export, import, schema and backup.
#[async_trait]
pub trait InstanceStore: Send + Sync {
    /// Writes every table of the instance ([`instance::INSTANCE_TABLES`]) from one consistent
    /// snapshot, while others may go on writing.
    async fn export_instance(&self, sink: &mut dyn InstanceSink) -> StoreResult<InstanceCounts>;
    /// Loads an instance into this migrated database, which must hold no instance yet, in one
    /// transaction: all of it or, on the first problem, nothing. A damaged source is `Corrupt`,
    /// a database that is not empty a `Conflict`.
    async fn import_instance(&self, source: &mut dyn InstanceSource) -> StoreResult<InstanceCounts>;
    /// Every table of the database's schema with its columns, in order.
    async fn schema_columns(&self) -> StoreResult<Vec<(String, Vec<String>)>>;
    /// Writes a consistent copy of the database to a new file in the backend's own format, while
    /// others may go on writing; `false` when the backend has no such file (PostgreSQL).
    async fn backup_to(&self, path: &std::path::Path) -> StoreResult<bool>;
}

/// The hash of an audit event in the chain: SHA-256 over the previous hash and the event.
pub fn audit_hash(previous_hash: &str, event: &NewAuditEvent) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(event.canonical_text(previous_hash).as_bytes()))
}

/// Whether a list of events, from the first one on, forms an unbroken chain.
pub fn verify_audit_chain(events: &[AuditEvent]) -> Result<(), i64> {
    let mut previous = String::new();
    for event in events {
        if event.previous_hash != previous || audit_hash(&previous, &event.event) != event.hash {
            return Err(event.id);
        }
        previous.clone_from(&event.hash);
    }
    Ok(())
}

/// The checksum a migration is recorded with, so that a changed migration is noticed.
pub fn migration_checksum(sql: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(sql.as_bytes()))
}
