//! Collecting values: entering them, the approval workflow, revisions with reasons, the history
//! of every change, and civil-society shadow values beside the official ones.
//!
//! Who may do what (from the city's memberships):
//! - data editors and coordinators enter values and submit them;
//! - coordinators validate, return for correction and publish, but never validate a value they
//!   entered themselves: every value is seen by two people before it is published;
//! - a published value is revised only by a coordinator, with a reason; the old value stays in
//!   the history;
//! - civil-society members file shadow values and assessments, which never touch the official
//!   value; the city's coordinators may reply to them once.

use crate::{App, AppError, AppResult, signed_in};
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::area::AreaKind;
use rightsmon_domain::codesign::parse_statement;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::observation::{
    NewObservation, NewShadowValue, Observation, ObservationDraft, ObservationRevision, ShadowDraft, ShadowValue, WorkflowState,
};
use rightsmon_domain::{FieldErrors, ParseError};
use rightsmon_store::StoreError;

mod review;
mod shadow;

fn refused(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(FieldErrors::single("state", ParseError::new(code, message)))
}

fn conflict(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict { .. } => AppError::Conflict("the value changed meanwhile; reload it and try again".into()),
        other => other.into(),
    }
}

impl App {
    /// The city an area belongs to (itself, or the city of a district).
    pub(crate) async fn city_of(&self, area: &AreaCode) -> AppResult<AreaCode> {
        let area = self.store.get_area(area).await?;
        match area.kind {
            AreaKind::City => Ok(area.code),
            AreaKind::District => area.parent.ok_or(AppError::NotFound),
            AreaKind::Network => {
                Err(AppError::Invalid(FieldErrors::single("area", ParseError::new("not_a_city", "values belong to a city or a district"))))
            }
        }
    }

    /// Enters a value as a draft.
    pub async fn enter_value(&self, actor: &Actor, indicator: &str, draft: &ObservationDraft) -> AppResult<Observation> {
        let user = signed_in(actor)?;
        let definition = self.indicator(indicator, None).await?;
        if self.store.list_retired().await?.iter().any(|r| r.indicator == definition.code) {
            return Err(refused("retired", format!("{} is retired: no new values are collected", definition.code)));
        }
        let value = NewObservation::parse(&definition, draft, WorkflowState::Draft)?;
        let city = self.city_of(&value.area).await?;
        if !actor.may(Permission::EnterData(&city)) {
            return Err(AppError::Forbidden);
        }
        let event = self.event(Some(user), "value.entered", "observation:*", serde_json::json!({"indicator": definition.code}));
        match self.store.insert_observation(&value, Some(user), self.now(), &event).await {
            Ok(stored) => Ok(stored),
            Err(StoreError::Conflict { .. }) => {
                Err(AppError::Conflict("this indicator already has a value for that area, period and group".into()))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Enters several values of one indicator at once (a form's grid): every one is checked
    /// first, and either all are stored as drafts or none. Problems name the entry they are in
    /// (`values[2].value`).
    pub async fn enter_values(&self, actor: &Actor, indicator: &str, drafts: &[ObservationDraft]) -> AppResult<Vec<i64>> {
        let user = signed_in(actor)?;
        // Who may enter values for the areas named is known before the values are read.
        let mut areas: Vec<&str> = drafts.iter().map(|d| d.area.trim()).collect();
        areas.sort_unstable();
        areas.dedup();
        for area in areas {
            if let Ok(code) = AreaCode::parse(area)
                && let Ok(city) = self.city_of(&code).await
                && !actor.may(Permission::EnterData(&city))
            {
                return Err(AppError::Forbidden);
            }
        }
        let definition = self.indicator(indicator, None).await?;
        if self.store.list_retired().await?.iter().any(|r| r.indicator == definition.code) {
            return Err(refused("retired", format!("{} is retired: no new values are collected", definition.code)));
        }
        let mut errors = FieldErrors::new();
        let mut values = Vec::with_capacity(drafts.len());
        for (index, draft) in drafts.iter().enumerate() {
            match NewObservation::parse(&definition, draft, WorkflowState::Draft) {
                Ok(value) => values.push(value),
                Err(field_errors) => {
                    for e in field_errors.0 {
                        errors.0.push(rightsmon_domain::FieldError { field: format!("values[{index}].{}", e.field), ..e });
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if values.is_empty() {
            return Err(AppError::Invalid(FieldErrors::single("values", ParseError::new("no_values", "enter at least one value"))));
        }
        for value in &values {
            let city = self.city_of(&value.area).await?;
            if !actor.may(Permission::EnterData(&city)) {
                return Err(AppError::Forbidden);
            }
        }
        let event = self.event(Some(user), "values.entered", "observations", serde_json::json!({"indicator": definition.code}));
        match self.store.insert_observations(&values, Some(user), self.now(), &event).await {
            Ok(ids) => Ok(ids),
            Err(StoreError::Conflict { .. }) => {
                Err(AppError::Conflict("a value for one of these groups and this period exists already; revise it instead".into()))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The subject of an entry form (an indicator's current version, an area and a period) with
    /// the values entered for it so far, for someone who may enter data in its city.
    async fn entry_subject(
        &self,
        actor: &Actor,
        indicator: &str,
        area: &str,
        period: &str,
    ) -> AppResult<(rightsmon_domain::catalogue::IndicatorDefinition, AreaCode, Vec<EnteredValue>)> {
        signed_in(actor)?;
        let mut errors = FieldErrors::new();
        let area = errors.check("area", AreaCode::parse(area.trim()));
        let period = errors.check("period", rightsmon_domain::period::Period::parse(period));
        let (Some(area), Some(period)) = (area, period) else { return Err(AppError::Invalid(errors)) };
        let city = self.city_of(&area).await?;
        if !actor.may(Permission::EnterData(&city)) {
            return Err(AppError::Forbidden);
        }
        let definition = self.indicator(indicator, None).await?;
        let mut query = rightsmon_store::ObservationQuery::new(rightsmon_store::Visibility::All);
        query.indicator = Some(definition.code.clone());
        query.version = Some(definition.version);
        query.area = Some(area);
        query.period_from = Some(period);
        query.period_to = Some(period);
        let mut entered = Vec::new();
        for observation in self.store.list_all_observations(&query).await? {
            let returned_because = if observation.data.state == WorkflowState::Returned {
                let history = self.store.list_observation_history(observation.id).await?;
                history
                    .into_iter()
                    .rev()
                    .find(|r| r.action == rightsmon_domain::observation::RevisionAction::Returned)
                    .and_then(|r| r.reason)
            } else {
                None
            };
            entered.push(EnteredValue { observation, returned_because });
        }
        Ok((definition, city, entered))
    }

    /// Whether the actor approves data in the city of an area: there, they may also change a
    /// value already submitted, with a reason.
    pub async fn approves_in(&self, actor: &Actor, area: &str) -> bool {
        let Ok(code) = AreaCode::parse(area.trim()) else { return false };
        self.city_of(&code).await.is_ok_and(|city| actor.may(Permission::ApproveData(&city)))
    }

    /// The values of an indicator already entered for an area and a period, whatever their
    /// state, with why a returned one was returned: what the entry form shows again.
    pub async fn entered_values(&self, actor: &Actor, indicator: &str, area: &str, period: &str) -> AppResult<Vec<EnteredValue>> {
        Ok(self.entry_subject(actor, indicator, area, period).await?.2)
    }

    /// Saves an entry form: new groups are entered as drafts, changed drafts and returned values
    /// are corrected, and a value already submitted is changed only by a coordinator, with a
    /// reason. Everything is checked before anything is written. With `submit`, every draft and
    /// returned value of the subject is then submitted for validation.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_entries(
        &self,
        actor: &Actor,
        indicator: &str,
        area: &str,
        period: &str,
        drafts: &[ObservationDraft],
        reason: &str,
        submit: bool,
    ) -> AppResult<SavedEntries> {
        let user = signed_in(actor)?;
        let (definition, city, entered) = self.entry_subject(actor, indicator, area, period).await?;
        let approver = actor.may(Permission::ApproveData(&city));
        let mut errors = FieldErrors::new();
        let mut new = Vec::new();
        let mut changed = Vec::new();
        for (index, draft) in drafts.iter().enumerate() {
            let field = |name: &str| format!("values[{index}].{name}");
            let current = rightsmon_domain::codelist::DisaggregationKey::parse(draft.key.trim())
                .ok()
                .and_then(|key| entered.iter().find(|e| e.observation.data.key == key));
            let state = current.map_or(WorkflowState::Draft, |c| c.observation.data.state);
            let value = match NewObservation::parse(&definition, draft, state) {
                Ok(value) => value,
                Err(field_errors) => {
                    for e in field_errors.0 {
                        errors.0.push(rightsmon_domain::FieldError { field: field(&e.field), ..e });
                    }
                    continue;
                }
            };
            let Some(current) = current else {
                new.push(value);
                continue;
            };
            let was = &current.observation.data;
            let same = was.value == value.value
                && was.lower_bound == value.lower_bound
                && was.upper_bound == value.upper_bound
                && was.provenance.source_name == value.provenance.source_name
                && was.provenance.source_reference == value.provenance.source_reference
                && was.provenance.method_note == value.provenance.method_note;
            if same {
                continue;
            }
            let editable = matches!(was.state, WorkflowState::Draft | WorkflowState::Returned);
            if !editable && !approver {
                errors.push(
                    field("value"),
                    ParseError::new("submitted_already", "this value is submitted already: a coordinator changes it, with a reason"),
                );
            } else if !editable && reason.trim().is_empty() {
                errors.push("reason", ParseError::new("missing_reason", "say why a value that was submitted is changed"));
            } else {
                changed.push((current.observation.id, index));
            }
        }
        if !new.is_empty() && self.store.list_retired().await?.iter().any(|r| r.indicator == definition.code) {
            return Err(refused("retired", format!("{} is retired: no new values are collected", definition.code)));
        }
        if !errors.is_empty() {
            errors.0.dedup_by(|a, b| a.field == b.field && a.message == b.message);
            return Err(AppError::Invalid(errors));
        }
        let nothing_to_submit = !submit || entered.is_empty();
        if new.is_empty() && changed.is_empty() && nothing_to_submit {
            return Err(AppError::Invalid(FieldErrors::single("values", ParseError::new("no_values", "enter at least one value"))));
        }
        let mut saved = SavedEntries { entered: new.len(), changed: changed.len(), submitted: 0 };
        if !new.is_empty() {
            let event = self.event(Some(user), "values.entered", "observations", serde_json::json!({"indicator": definition.code}));
            match self.store.insert_observations(&new, Some(user), self.now(), &event).await {
                Ok(_) => {}
                Err(StoreError::Conflict { .. }) => {
                    return Err(AppError::Conflict("a value for one of these groups was entered meanwhile; reload the form".into()));
                }
                Err(other) => return Err(other.into()),
            }
        }
        let reason = Some(reason.trim()).filter(|r| !r.is_empty()).unwrap_or("corrected in the entry form");
        for (id, index) in changed {
            self.revise_value(actor, id, &drafts[index], reason).await?;
        }
        if submit {
            for value in self.entry_subject(actor, indicator, area, period).await?.2 {
                if matches!(value.observation.data.state, WorkflowState::Draft | WorkflowState::Returned) {
                    self.submit_value(actor, value.observation.id).await?;
                    saved.submitted += 1;
                }
            }
        }
        Ok(saved)
    }

    /// The value, if the actor may work on it in its city: approve it, or else enter data.
    async fn value_for(&self, actor: &Actor, id: i64, approve: bool) -> AppResult<(Observation, AreaCode)> {
        let observation = self.observation(actor, id).await?;
        let city = self.city_of(&observation.data.area).await?;
        let permission = if approve { Permission::ApproveData(&city) } else { Permission::EnterData(&city) };
        if !actor.may(permission) {
            return Err(AppError::Forbidden);
        }
        Ok((observation, city))
    }

    async fn move_value(&self, actor: &Actor, id: i64, to: WorkflowState, reason: Option<&str>) -> AppResult<Observation> {
        let user = signed_in(actor)?;
        let approve = !matches!(to, WorkflowState::Submitted | WorkflowState::Draft);
        let (observation, _) = self.value_for(actor, id, approve).await?;
        let from = observation.data.state;
        if !from.can_become(to) {
            return Err(refused("invalid_transition", format!("a {} value cannot become {}", from.as_str(), to.as_str())));
        }
        if to == WorkflowState::Validated && observation.entered_by == Some(user) {
            return Err(refused("own_value", "a value is validated by someone other than the person who entered it"));
        }
        let reason = match reason {
            Some(text) => Some(parse_statement("reason", text)?),
            None => None,
        };
        if to == WorkflowState::Returned && reason.is_none() {
            return Err(refused("missing_reason", "say what needs correcting"));
        }
        let event = self.event(
            Some(user),
            "value.moved",
            format!("observation:{id}"),
            serde_json::json!({"from": from.as_str(), "to": to.as_str()}),
        );
        self.store
            .set_observation_state(id, observation.revision, to, Some(user), self.now(), reason.as_deref(), &event)
            .await
            .map_err(conflict)
    }

    pub async fn submit_value(&self, actor: &Actor, id: i64) -> AppResult<Observation> {
        self.move_value(actor, id, WorkflowState::Submitted, None).await
    }

    pub async fn validate_value(&self, actor: &Actor, id: i64) -> AppResult<Observation> {
        self.move_value(actor, id, WorkflowState::Validated, None).await
    }

    pub async fn publish_value(&self, actor: &Actor, id: i64) -> AppResult<Observation> {
        self.move_value(actor, id, WorkflowState::Published, None).await
    }

    pub async fn return_value(&self, actor: &Actor, id: i64, reason: &str) -> AppResult<Observation> {
        self.move_value(actor, id, WorkflowState::Returned, Some(reason)).await
    }

    /// Changes a value. Drafts and returned values are corrected by those who enter data; a
    /// value further along is revised only by a coordinator, and always with a reason.
    pub async fn revise_value(&self, actor: &Actor, id: i64, draft: &ObservationDraft, reason: &str) -> AppResult<Observation> {
        let user = signed_in(actor)?;
        let observation = self.observation(actor, id).await?;
        let editable = matches!(observation.data.state, WorkflowState::Draft | WorkflowState::Returned);
        let (observation, _) = self.value_for(actor, id, !editable).await?;
        let reason = parse_statement("reason", reason)?;
        let definition = self.indicator(observation.data.indicator.as_str(), Some(observation.data.version)).await?;
        let value = NewObservation::parse(&definition, draft, observation.data.state)?;
        if !value.same_subject(&observation.data) {
            return Err(AppError::Invalid(FieldErrors::single(
                "period",
                ParseError::new("other_subject", "a revision keeps the area, period and group; enter a new value for another"),
            )));
        }
        let event = self.event(Some(user), "value.revised", format!("observation:{id}"), serde_json::json!({"reason": reason}));
        self.store.revise_observation(id, observation.revision, &value, Some(user), self.now(), &reason, &event).await.map_err(conflict)
    }

    /// The history of a value the actor may see. Members of its city (and network
    /// coordinators) see every change and who made it; everyone else sees the versions that were
    /// published, without the people: a draft or a correction under review never leaves its city.
    pub async fn value_history(&self, actor: &Actor, id: i64) -> AppResult<Vec<ObservationRevision>> {
        let observation = self.observation(actor, id).await?;
        let history = self.store.list_observation_history(id).await?;
        let city = self.city_of(&observation.data.area).await?;
        if actor.may(Permission::ReadUnpublished(&city)) {
            return Ok(history);
        }
        Ok(history
            .into_iter()
            .filter(|revision| revision.snapshot.state.is_public())
            .map(|revision| ObservationRevision { user_id: None, ..revision })
            .collect())
    }

    /// The history of a value with the names of who made each change, where the actor may
    /// see them (members of its city; see [`App::value_history`]).
    pub async fn value_history_named(&self, actor: &Actor, id: i64) -> AppResult<Vec<(ObservationRevision, Option<String>)>> {
        let history = self.value_history(actor, id).await?;
        let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        let mut named = Vec::with_capacity(history.len());
        for revision in history {
            let name = match revision.user_id {
                Some(user) => match names.get(&user) {
                    Some(name) => Some(name.clone()),
                    None => {
                        let name = self.store.get_user(user).await.map_or_else(|_| format!("#{user}"), |u| u.display_name);
                        names.insert(user, name.clone());
                        Some(name)
                    }
                },
                None => None,
            };
            named.push((revision, name));
        }
        Ok(named)
    }
}

/// A value entered for an entry form's subject, with why it was returned, if it was.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EnteredValue {
    pub observation: Observation,
    pub returned_because: Option<String>,
}

/// What saving an entry form did.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct SavedEntries {
    /// Groups entered for the first time.
    pub entered: usize,
    /// Values corrected or revised.
    pub changed: usize,
    /// Values submitted for validation.
    pub submitted: usize,
}

/// One assigned indicator of a cycle and whether its headline value has come in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Task {
    pub cycle: rightsmon_domain::collection::Cycle,
    pub indicator: rightsmon_domain::id::IndicatorCode,
    pub organisation_id: i64,
    /// The value for the cycle's city and period, whatever its state, if one was entered.
    pub received: Option<WorkflowState>,
}

/// A value in the review queue, with who entered it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueueItem {
    pub observation: Observation,
    /// The display name of the person who entered it.
    pub entered_by: Option<String>,
    /// Whether the reader entered it, and so may not validate it.
    pub own: bool,
    /// Its modified z-score within its series, when that makes it an outlier.
    pub outlier: Option<f64>,
}

/// What the review queue is narrowed to, as a form gives it (blank: no filter).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct QueueFilter {
    #[serde(default)]
    pub indicator: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub organisation: String,
}

/// How far a cycle has come: expected values and those received.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Completeness {
    pub cycle: rightsmon_domain::collection::Cycle,
    pub expected: usize,
    pub received: usize,
    pub published: usize,
    pub tasks: Vec<Task>,
}

impl App {
    /// A cycle the actor may manage: one of a city they coordinate. A cycle they may not even
    /// see is not found.
    pub async fn cycle_to_manage(&self, actor: &Actor, cycle_id: i64) -> AppResult<rightsmon_domain::collection::Cycle> {
        let cycle = self.store.get_cycle(cycle_id).await?;
        if !actor.may(Permission::ReadUnpublished(&cycle.cycle.city)) {
            return Err(AppError::NotFound);
        }
        if !actor.may(Permission::ManageCity(&cycle.cycle.city)) {
            return Err(AppError::Forbidden);
        }
        Ok(cycle)
    }

    /// Opens a reporting cycle for a city.
    pub async fn create_cycle(
        &self,
        actor: &Actor,
        city: &str,
        name: &str,
        period: &str,
        deadline: &str,
    ) -> AppResult<rightsmon_domain::collection::Cycle> {
        // Who may is known before the rest of the form is read.
        if let Ok(code) = AreaCode::parse(city.trim())
            && !actor.may(Permission::ManageCity(&code))
        {
            return Err(AppError::Forbidden);
        }
        let cycle = rightsmon_domain::collection::NewCycle::parse(city, name, period, deadline)?;
        if !actor.may(Permission::ManageCity(&cycle.city)) {
            return Err(AppError::Forbidden);
        }
        let event =
            self.event(actor.user().map(|u| u.id), "cycle.created", "cycle:*", serde_json::json!({"city": cycle.city, "name": cycle.name}));
        match self.store.create_cycle(&cycle, self.now(), &event).await {
            Ok(stored) => Ok(stored),
            Err(StoreError::Conflict { .. }) => {
                Err(AppError::Invalid(FieldErrors::single("name", ParseError::new("taken", "the city has a cycle of that name"))))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Creates an organisation that provides values: one of a city, by its coordinators, or of
    /// the network, by the network's coordinators. A name is unique in its city.
    pub async fn add_organisation(
        &self,
        actor: &Actor,
        name: &str,
        kind: &str,
        city: Option<&str>,
    ) -> AppResult<rightsmon_domain::access::Organisation> {
        let allowed = match city.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => AreaCode::parse(code).is_ok_and(|code| actor.may(Permission::ManageCity(&code))),
            None => actor.may(Permission::ManageNetwork),
        };
        if !allowed {
            return Err(AppError::Forbidden);
        }
        let organisation = rightsmon_domain::access::NewOrganisation::parse(name, kind, city)?;
        let event = self.event(
            actor.user().map(|u| u.id),
            "organisation.created",
            "organisation:*",
            serde_json::json!({"name": organisation.name}),
        );
        match self.store.create_organisation(&organisation, &event).await {
            Ok(created) => Ok(created),
            Err(StoreError::Conflict { .. }) => {
                Err(AppError::Invalid(FieldErrors::single("name", ParseError::new("taken", "an organisation of that name exists already"))))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Whether an indicator may be assigned in a cycle of `city`, and whether the city has
    /// adopted it (a core indicator it has neither adopted nor left out yet may still be
    /// collected, with a warning).
    async fn assignable(&self, city: &AreaCode, indicator: &str) -> AppResult<(IndicatorCode, bool)> {
        let definition = match self.indicator(indicator, None).await {
            Ok(definition) => definition,
            Err(AppError::NotFound) => {
                return Err(AppError::Invalid(FieldErrors::single(
                    "indicator",
                    ParseError::new("unknown_indicator", format!("there is no indicator {:?}", indicator.trim())),
                )));
            }
            Err(other) => return Err(other),
        };
        let adopted = match &definition.scope {
            rightsmon_domain::catalogue::IndicatorScope::Local(own) if own != city => {
                return Err(AppError::Invalid(FieldErrors::single(
                    "indicator",
                    ParseError::new("other_city", format!("{} is a local indicator of another city", definition.code)),
                )));
            }
            rightsmon_domain::catalogue::IndicatorScope::Local(_) => true,
            rightsmon_domain::catalogue::IndicatorScope::Core => {
                let adoption = self.store.list_adoptions(Some(city), Some(&definition.code)).await?.into_iter().next();
                if adoption.as_ref().is_some_and(|a| !a.is_adopted) {
                    return Err(AppError::Invalid(FieldErrors::single(
                        "indicator",
                        ParseError::new("left_out", format!("the city left {} out", definition.code)),
                    )));
                }
                adoption.is_some()
            }
        };
        Ok((definition.code, adopted))
    }

    /// Assigns an indicator of a cycle to one of the city's (or the network's) organisations.
    /// The indicator is a core indicator the city has not left out, or one of its own.
    pub async fn assign(&self, actor: &Actor, cycle_id: i64, indicator: &str, organisation_id: i64) -> AppResult<()> {
        self.assign_many(actor, cycle_id, &[indicator.to_owned()], organisation_id).await.map(|_| ())
    }

    /// Assigns several indicators of a cycle to one organisation, all or none: every one is
    /// checked before any is assigned. Returns the indicators the city has not adopted (yet),
    /// which are assigned but deserve a second look.
    pub async fn assign_many(
        &self,
        actor: &Actor,
        cycle_id: i64,
        indicators: &[String],
        organisation_id: i64,
    ) -> AppResult<Vec<IndicatorCode>> {
        let cycle = self.cycle_to_manage(actor, cycle_id).await?;
        let city = &cycle.cycle.city;
        if indicators.is_empty() {
            return Err(AppError::Invalid(FieldErrors::single("indicator", ParseError::new("required", "choose at least one indicator"))));
        }
        let mut errors = FieldErrors::new();
        let mut checked = Vec::with_capacity(indicators.len());
        for indicator in indicators {
            match self.assignable(city, indicator).await {
                Ok(found) => checked.push(found),
                Err(AppError::Invalid(e)) => errors.0.extend(e.0),
                Err(other) => return Err(other),
            }
        }
        let organisation = self.store.list_organisations(None).await?.into_iter().find(|o| o.id == organisation_id);
        if !matches!(&organisation, Some(o) if o.city.is_none() || o.city.as_ref() == Some(city)) {
            errors.push("organisation", ParseError::new("unknown_organisation", "no such organisation in this city"));
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut not_adopted = Vec::new();
        for (code, adopted) in checked {
            let assignment = rightsmon_domain::collection::Assignment { cycle_id, indicator: code.clone(), organisation_id };
            let event = self.event(
                actor.user().map(|u| u.id),
                "cycle.assigned",
                format!("cycle:{cycle_id}"),
                serde_json::json!({"indicator": assignment.indicator, "organisation": organisation_id}),
            );
            self.store.assign(&assignment, &event).await?;
            if !adopted {
                not_adopted.push(code);
            }
        }
        Ok(not_adopted)
    }

    pub(crate) async fn task(
        &self,
        cycle: &rightsmon_domain::collection::Cycle,
        assignment: rightsmon_domain::collection::Assignment,
    ) -> AppResult<Task> {
        let mut query = rightsmon_store::ObservationQuery::new(rightsmon_store::Visibility::All);
        query.indicator = Some(assignment.indicator.clone());
        query.area = Some(cycle.cycle.city.clone());
        query.key = Some(rightsmon_domain::codelist::DisaggregationKey::total());
        query.period_from = Some(cycle.cycle.period);
        query.period_to = Some(cycle.cycle.period);
        let found = self.store.list_observations(&query).await?;
        Ok(Task {
            cycle: cycle.clone(),
            indicator: assignment.indicator,
            organisation_id: assignment.organisation_id,
            received: found.items.iter().map(|o| o.data.state).max_by_key(|s| matches!(s, WorkflowState::Published)),
        })
    }

    /// Expected and received values of a cycle, for the members of its city.
    pub async fn completeness(&self, actor: &Actor, cycle_id: i64) -> AppResult<Completeness> {
        let cycle = self.store.get_cycle(cycle_id).await?;
        if !actor.may(Permission::ReadUnpublished(&cycle.cycle.city)) {
            return Err(AppError::NotFound);
        }
        let mut tasks = Vec::new();
        for assignment in self.store.list_assignments(cycle_id).await? {
            tasks.push(self.task(&cycle, assignment).await?);
        }
        let received = tasks.iter().filter(|t| t.received.is_some()).count();
        let published = tasks.iter().filter(|t| t.received == Some(WorkflowState::Published)).count();
        Ok(Completeness { cycle, expected: tasks.len(), received, published, tasks })
    }

    /// The indicators the actor's organisations provide, with their deadlines, soonest first.
    pub async fn my_tasks(&self, actor: &Actor) -> AppResult<Vec<Task>> {
        signed_in(actor)?;
        let organisations: Vec<i64> = actor.memberships().iter().filter_map(|m| m.organisation_id).collect();
        let mut tasks = Vec::new();
        for assignment in self.store.list_assignments_of(&organisations).await? {
            let cycle = self.store.get_cycle(assignment.cycle_id).await?;
            tasks.push(self.task(&cycle, assignment).await?);
        }
        tasks.sort_by(|a, b| a.cycle.cycle.deadline.cmp(&b.cycle.cycle.deadline).then(a.indicator.cmp(&b.indicator)));
        Ok(tasks)
    }

    /// The organisations that can provide a city's values: its own and the network's.
    pub async fn organisations_for(&self, city: &AreaCode) -> AppResult<Vec<rightsmon_domain::access::Organisation>> {
        let mut organisations: Vec<_> =
            self.store.list_organisations(None).await?.into_iter().filter(|o| o.city.is_none() || o.city.as_ref() == Some(city)).collect();
        organisations.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(organisations)
    }

    /// The indicators a city collects: the core ones it has not left out and its own, in their
    /// latest versions, without retired ones.
    pub async fn collected_indicators(&self, city: &AreaCode) -> AppResult<Vec<rightsmon_domain::catalogue::IndicatorDefinition>> {
        use rightsmon_domain::catalogue::IndicatorScope;
        let retired: std::collections::BTreeSet<_> = self.store.list_retired().await?.into_iter().map(|r| r.indicator).collect();
        let left_out: std::collections::BTreeSet<_> =
            self.store.list_adoptions(Some(city), None).await?.into_iter().filter(|a| !a.is_adopted).map(|a| a.indicator).collect();
        let mut latest: std::collections::BTreeMap<_, rightsmon_domain::catalogue::IndicatorDefinition> = std::collections::BTreeMap::new();
        for definition in self.store.list_all_indicator_versions().await? {
            let collected = match &definition.scope {
                IndicatorScope::Core => !left_out.contains(&definition.code),
                IndicatorScope::Local(own) => own == city,
            };
            if collected
                && !retired.contains(&definition.code)
                && latest.get(&definition.code).is_none_or(|d| d.version < definition.version)
            {
                latest.insert(definition.code.clone(), definition);
            }
        }
        Ok(latest.into_values().collect())
    }

    pub async fn cycles(&self, city: &str) -> AppResult<Vec<rightsmon_domain::collection::Cycle>> {
        let city = self.city(city).await?;
        Ok(self.store.list_cycles(&city.code).await?)
    }
}
