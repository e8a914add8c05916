//! Co-designing the framework: proposing, discussing, endorsing, objecting and deciding.
//!
//! Who may do what:
//! - a city's working group (its coordinators, data editors and civil-society members) proposes,
//!   comments on and endorses the city's proposals; network and city coordinators propose core
//!   changes, and city coordinators endorse them on behalf of their city;
//! - civil-society members object, with reasons; an objection never disappears;
//! - a city coordinator decides the city's proposals, a network coordinator the network's (and,
//!   standing in, any city's); a decision to accept needs the endorsement rule to hold.

use crate::{App, AppError, AppResult, signed_in};
use rightsmon_domain::access::{Actor, OrganisationKind, Permission, Role, Scope};
use rightsmon_domain::catalogue::{IndicatorDefinition, IndicatorScope};
use rightsmon_domain::codesign::{
    Comment, Decision, Endorsement, NewProposal, Objection, Outcome, Proposal, ProposalChange, ProposalStatus, Shortfall, Side,
    count_by_side, parse_statement,
};
use rightsmon_domain::id::AreaCode;
use rightsmon_domain::{FieldErrors, ParseError};
use rightsmon_store::{FrameworkChange, Page, PageRequest, ProposalQuery, StoreError};
use serde::Serialize;

/// A proposal with its discussion, support, objections and decision.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalDetail {
    pub proposal: Proposal,
    pub author: String,
    pub comments: Vec<(Comment, String)>,
    pub endorsements: Vec<(Endorsement, String)>,
    pub objections: Vec<(Objection, String)>,
    pub decision: Option<(Decision, String)>,
    /// What the endorsement rule still misses; empty when it holds.
    pub shortfall: Vec<Shortfall>,
}

fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(FieldErrors::single(field, ParseError::new(code, message)))
}

/// Whether the actor belongs to the city's working group with one of `roles`.
fn has_city_role(actor: &Actor, city: &AreaCode, roles: &[Role]) -> bool {
    actor.memberships().iter().any(|m| roles.contains(&m.role) && m.scope == Scope::City(city.clone()))
}

const WORKING_GROUP: [Role; 3] = [Role::CityCoordinator, Role::DataEditor, Role::CivilSocietyMember];

/// What a reader may do with a proposal (see `App::proposal_abilities`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProposalAbilities {
    pub comment: bool,
    pub endorse: bool,
    pub object: bool,
    pub decide: bool,
    pub withdraw: bool,
}

impl App {
    /// The side an actor endorses a city proposal for, from their role and organisation.
    async fn city_side(&self, actor: &Actor, city: &AreaCode) -> AppResult<Option<Side>> {
        let organisations = self.store.list_organisations(Some(city)).await?;
        let mut sides = Vec::new();
        for membership in actor.memberships() {
            if membership.scope != Scope::City(city.clone()) || !WORKING_GROUP.contains(&membership.role) {
                continue;
            }
            let kind = membership.organisation_id.and_then(|id| organisations.iter().find(|o| o.id == id)).map(|o| o.kind);
            let side = match (kind, membership.role) {
                (Some(OrganisationKind::Academic), _) => Side::Academic,
                (Some(OrganisationKind::Cso), _) | (_, Role::CivilSocietyMember) => Side::CivilSociety,
                _ => Side::Municipal,
            };
            sides.push(side);
        }
        // Someone who is both sides endorses as municipal: a member cannot carry both halves alone.
        Ok(sides.iter().copied().min_by_key(|s| match s {
            Side::Municipal => 0,
            Side::Academic => 1,
            _ => 2,
        }))
    }

    fn may_propose(actor: &Actor, scope: &Scope) -> bool {
        match scope {
            Scope::Network => actor.may(Permission::ManageNetwork) || actor.memberships().iter().any(|m| m.role == Role::CityCoordinator),
            Scope::City(city) => actor.may(Permission::ManageNetwork) || has_city_role(actor, city, &WORKING_GROUP),
        }
    }

    /// Checks what a proposal would change against the framework as it is.
    async fn check_change(&self, change: &mut ProposalChange) -> AppResult<()> {
        match change {
            ProposalChange::NewIndicator { definition } => {
                definition.check_references(&self.known_codes().await?)?;
                match self.store.get_indicator(&definition.code, None).await {
                    Ok(_) => {
                        return Err(invalid(
                            "change",
                            "indicator_exists",
                            format!("{} exists already; propose a change instead", definition.code),
                        ));
                    }
                    Err(StoreError::NotFound) => {}
                    Err(other) => return Err(other.into()),
                }
            }
            ProposalChange::Change { definition } => {
                definition.check_references(&self.known_codes().await?)?;
                let latest = match self.store.get_indicator(&definition.code, None).await {
                    Ok(latest) => latest,
                    Err(StoreError::NotFound) => {
                        return Err(invalid("change", "unknown_indicator", format!("there is no indicator {}", definition.code)));
                    }
                    Err(other) => return Err(other.into()),
                };
                if latest.scope != definition.scope {
                    return Err(invalid("change", "scope_mismatch", "a change keeps the indicator's owner"));
                }
                if definition.version != latest.version + 1 {
                    return Err(invalid(
                        "change",
                        "invalid_version",
                        format!("the next version of {} is {}", definition.code, latest.version + 1),
                    ));
                }
                // The series breaks exactly when a field that decides comparability changes.
                definition.breaks_series = !definition.breaking_changes_from(&latest).is_empty();
            }
            ProposalChange::Adoption { adopt, leave_out, .. } => {
                for code in adopt.iter().chain(leave_out.iter().map(|l| &l.indicator)) {
                    match self.store.get_indicator(code, None).await {
                        Ok(definition) if definition.scope == IndicatorScope::Core => {}
                        Ok(_) => {
                            return Err(invalid(
                                "change",
                                "not_core",
                                format!("{code} is a local indicator; cities adopt core indicators"),
                            ));
                        }
                        Err(StoreError::NotFound) => {
                            return Err(invalid("change", "unknown_indicator", format!("there is no indicator {code}")));
                        }
                        Err(other) => return Err(other.into()),
                    }
                }
            }
            ProposalChange::Retirement { indicator, .. } => {
                if let Err(StoreError::NotFound) = self.store.get_indicator(indicator, None).await {
                    return Err(invalid("change", "unknown_indicator", format!("there is no indicator {indicator}")));
                }
                if self.store.list_retired().await?.iter().any(|r| &r.indicator == indicator) {
                    return Err(invalid("change", "already_retired", format!("{indicator} is retired already")));
                }
            }
        }
        Ok(())
    }

    /// Opens a proposal.
    pub async fn propose(&self, actor: &Actor, mut proposal: NewProposal) -> AppResult<Proposal> {
        let author = signed_in(actor)?;
        if !Self::may_propose(actor, &proposal.scope) {
            return Err(AppError::Forbidden);
        }
        if let Scope::City(city) = &proposal.scope {
            self.city(city.as_str()).await?;
        }
        self.check_change(&mut proposal.change).await?;
        // A proposal from a consultation comes from one held in its own city.
        if let Some(id) = proposal.consultation_id {
            let held_in = self.store.get_consultation(id).await.ok().map(|c| c.consultation.city);
            if held_in.is_none_or(|city| proposal.scope != Scope::City(city)) {
                return Err(AppError::Invalid(FieldErrors::single(
                    "consultation_id",
                    rightsmon_domain::error::ParseError::new(
                        "consultation_of_another_city",
                        "no consultation of this city has this number",
                    ),
                )));
            }
        }
        let event =
            self.event(Some(author), "proposal.created", "proposal:*", serde_json::json!({"kind": proposal.change.kind().as_str()}));
        Ok(self.store.create_proposal(&proposal, author, self.now(), &event).await?)
    }

    pub async fn proposals(
        &self,
        scope: Option<&str>,
        status: Option<&str>,
        limit: Option<u32>,
        offset: Option<u64>,
    ) -> AppResult<Page<Proposal>> {
        let scope = match scope.filter(|s| !s.is_empty()) {
            None => None,
            Some("network") => Some(Scope::Network),
            Some(city) => Some(Scope::City(AreaCode::parse(city).map_err(|e| AppError::Invalid(FieldErrors::single("scope", e)))?)),
        };
        let status = status
            .filter(|s| !s.is_empty())
            .map(ProposalStatus::parse)
            .transpose()
            .map_err(|e| AppError::Invalid(FieldErrors::single("status", e)))?;
        Ok(self
            .store
            .list_proposals(&ProposalQuery { scope, status, page: PageRequest::new(limit.unwrap_or(50), offset.unwrap_or(0)) })
            .await?)
    }

    async fn user_name(&self, id: i64) -> AppResult<String> {
        match self.store.get_user(id).await {
            Ok(user) => Ok(user.display_name),
            Err(StoreError::NotFound) => Ok(format!("user {id}")),
            Err(other) => Err(other.into()),
        }
    }

    /// What the endorsement rule of a proposal still misses.
    async fn shortfall(&self, proposal: &Proposal, endorsements: &[Endorsement]) -> AppResult<Vec<Shortfall>> {
        Ok(match &proposal.proposal.scope {
            Scope::City(city) => self.store.city_rule(city).await?.shortfall(endorsements),
            Scope::Network => {
                let eligible = self.network_overview().await?.cities.iter().filter(|c| !c.is_observer).count();
                self.store.network_rule().await?.shortfall(endorsements, eligible)
            }
        })
    }

    /// A proposal with everything said and done about it. Proposals are public.
    pub async fn proposal_detail(&self, id: i64) -> AppResult<ProposalDetail> {
        let proposal = self.store.get_proposal(id).await?;
        let mut comments = Vec::new();
        for comment in self.store.list_comments(id).await? {
            let name = self.user_name(comment.user_id).await?;
            comments.push((comment, name));
        }
        let endorsement_list = self.store.list_endorsements(id).await?;
        let mut endorsements = Vec::new();
        for endorsement in &endorsement_list {
            endorsements.push((endorsement.clone(), self.user_name(endorsement.user_id).await?));
        }
        let mut objections = Vec::new();
        for objection in self.store.list_objections(id).await? {
            let name = self.user_name(objection.user_id).await?;
            objections.push((objection, name));
        }
        let decision = match self.store.get_decision(id).await {
            Ok(decision) => {
                let name = self.user_name(decision.decided_by).await?;
                Some((decision, name))
            }
            Err(StoreError::NotFound) => None,
            Err(other) => return Err(other.into()),
        };
        let shortfall = self.shortfall(&proposal, &endorsement_list).await?;
        let author = self.user_name(proposal.author_id).await?;
        Ok(ProposalDetail { proposal, author, comments, endorsements, objections, decision, shortfall })
    }

    /// Whether the actor objects to proposals of this scope: its civil-society members do.
    fn may_object(actor: &Actor, scope: &Scope) -> bool {
        match scope {
            Scope::City(city) => has_city_role(actor, city, &[Role::CivilSocietyMember]),
            Scope::Network => actor.memberships().iter().any(|m| m.role == Role::CivilSocietyMember),
        }
    }

    /// Whether the actor coordinates the proposal's scope (decides it, withdraws it).
    fn coordinates(actor: &Actor, scope: &Scope) -> bool {
        match scope {
            Scope::Network => actor.may(Permission::ManageNetwork),
            Scope::City(city) => actor.may(Permission::ManageCity(city)),
        }
    }

    /// What the actor may do with a proposal, by the rules its use cases apply, so that a page
    /// offers exactly the forms that will be accepted.
    pub async fn proposal_abilities(&self, actor: &Actor, proposal: &Proposal) -> AppResult<ProposalAbilities> {
        let Some(user) = actor.user() else { return Ok(ProposalAbilities::default()) };
        let scope = &proposal.proposal.scope;
        let open = proposal.status == ProposalStatus::Open;
        let endorse = match scope {
            Scope::City(city) => self.city_side(actor, city).await?.is_some(),
            Scope::Network => actor.memberships().iter().any(|m| m.role == Role::CityCoordinator && matches!(m.scope, Scope::City(_))),
        };
        Ok(ProposalAbilities {
            comment: Self::may_take_part(actor, scope),
            endorse: open && endorse,
            object: Self::may_object(actor, scope),
            decide: open && Self::coordinates(actor, scope),
            withdraw: open && (proposal.author_id == user.id || Self::coordinates(actor, scope)),
        })
    }

    fn may_take_part(actor: &Actor, scope: &Scope) -> bool {
        match scope {
            Scope::Network => actor.may(Permission::ManageNetwork) || actor.memberships().iter().any(|m| WORKING_GROUP.contains(&m.role)),
            Scope::City(city) => actor.may(Permission::ManageNetwork) || has_city_role(actor, city, &WORKING_GROUP),
        }
    }

    pub async fn comment(&self, actor: &Actor, proposal_id: i64, body: &str) -> AppResult<Comment> {
        let user = signed_in(actor)?;
        let proposal = self.store.get_proposal(proposal_id).await?;
        if !Self::may_take_part(actor, &proposal.proposal.scope) {
            return Err(AppError::Forbidden);
        }
        let body = parse_statement("body", body)?;
        let event = self.event(Some(user), "proposal.commented", format!("proposal:{proposal_id}"), serde_json::json!({}));
        Ok(self.store.add_comment(proposal_id, user, &body, self.now(), &event).await?)
    }

    /// Endorses a proposal: as a working-group member of its city, or for a core change on behalf
    /// of the city the actor coordinates (`for_city` chooses one if they coordinate several).
    pub async fn endorse(&self, actor: &Actor, proposal_id: i64, for_city: Option<&str>) -> AppResult<()> {
        let user = signed_in(actor)?;
        let proposal = self.store.get_proposal(proposal_id).await?;
        if proposal.status != ProposalStatus::Open {
            return Err(AppError::Conflict("the proposal is not open".into()));
        }
        let (side, city) = match &proposal.proposal.scope {
            Scope::City(city) => match self.city_side(actor, city).await? {
                Some(side) => (side, None),
                None => return Err(AppError::Forbidden),
            },
            Scope::Network => {
                let coordinated: Vec<AreaCode> = actor
                    .memberships()
                    .iter()
                    .filter(|m| m.role == Role::CityCoordinator)
                    .filter_map(|m| match &m.scope {
                        Scope::City(city) => Some(city.clone()),
                        Scope::Network => None,
                    })
                    .collect();
                let city = match for_city.filter(|c| !c.is_empty()) {
                    Some(wanted) => coordinated.into_iter().find(|c| c.as_str() == wanted),
                    None if coordinated.len() == 1 => coordinated.into_iter().next(),
                    None if coordinated.is_empty() => None,
                    None => return Err(invalid("city", "choose_city", "you coordinate several cities: say for which one you endorse")),
                };
                match city {
                    Some(city) => (Side::City, Some(city)),
                    None => return Err(AppError::Forbidden),
                }
            }
        };
        let endorsement = Endorsement { proposal_id, user_id: user, side, city, at: self.now() };
        let event =
            self.event(Some(user), "proposal.endorsed", format!("proposal:{proposal_id}"), serde_json::json!({"side": side.as_str()}));
        match self.store.add_endorsement(&endorsement, &event).await {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict { .. }) => Err(AppError::Conflict("this proposal already has that endorsement".into())),
            Err(other) => Err(other.into()),
        }
    }

    /// Objects to a proposal, with reasons. Only civil-society members object.
    pub async fn object(&self, actor: &Actor, proposal_id: i64, reasons: &str) -> AppResult<Objection> {
        let user = signed_in(actor)?;
        let proposal = self.store.get_proposal(proposal_id).await?;
        if !Self::may_object(actor, &proposal.proposal.scope) {
            return Err(AppError::Forbidden);
        }
        let reasons = parse_statement("reasons", reasons)?;
        let event = self.event(Some(user), "proposal.objected", format!("proposal:{proposal_id}"), serde_json::json!({}));
        Ok(self.store.add_objection(proposal_id, user, &reasons, self.now(), &event).await?)
    }

    /// Withdraws an open proposal: its author or a coordinator of its scope may.
    pub async fn withdraw(&self, actor: &Actor, proposal_id: i64) -> AppResult<()> {
        let user = signed_in(actor)?;
        let proposal = self.store.get_proposal(proposal_id).await?;
        if proposal.author_id != user && !Self::coordinates(actor, &proposal.proposal.scope) {
            return Err(AppError::Forbidden);
        }
        let event = self.event(Some(user), "proposal.withdrawn", format!("proposal:{proposal_id}"), serde_json::json!({}));
        match self.store.withdraw_proposal(proposal_id, &event).await {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict { .. }) => Err(AppError::Conflict("the proposal is not open".into())),
            Err(other) => Err(other.into()),
        }
    }

    /// Decides a proposal, for good. Accepting needs the endorsement rule to hold, and applies the
    /// change to the framework in the same transaction as the decision.
    /// The proposal, if the actor may decide it: a coordinator of its scope.
    pub async fn proposal_to_decide(&self, actor: &Actor, proposal_id: i64) -> AppResult<Proposal> {
        signed_in(actor)?;
        let proposal = self.store.get_proposal(proposal_id).await?;
        if Self::coordinates(actor, &proposal.proposal.scope) { Ok(proposal) } else { Err(AppError::Forbidden) }
    }

    pub async fn decide(&self, actor: &Actor, proposal_id: i64, outcome: Outcome, reason: &str) -> AppResult<Decision> {
        self.decide_answering(actor, proposal_id, outcome, reason, "").await
    }

    /// Decides a proposal; while objections stand against it, the decision must answer them,
    /// and the answer is recorded with the decision's reasons.
    pub async fn decide_answering(
        &self,
        actor: &Actor,
        proposal_id: i64,
        outcome: Outcome,
        reason: &str,
        answer: &str,
    ) -> AppResult<Decision> {
        let user = signed_in(actor)?;
        let proposal = self.proposal_to_decide(actor, proposal_id).await?;
        if proposal.status != ProposalStatus::Open {
            return Err(AppError::Conflict("the proposal is decided or withdrawn already".into()));
        }
        let mut reason = parse_statement("reason", reason)?;
        if !self.store.list_objections(proposal_id).await?.is_empty() {
            let answer = parse_statement("answer", answer)
                .map_err(|_| invalid("answer", "objection_unanswered", "answer the objections raised against the proposal"))?;
            reason = format!("{reason}\n\nAnswer to the objections: {answer}");
        }
        let endorsements = self.store.list_endorsements(proposal_id).await?;
        let mut changes = Vec::new();
        if outcome == Outcome::Accepted {
            let shortfall = self.shortfall(&proposal, &endorsements).await?;
            if !shortfall.is_empty() {
                let missing: Vec<String> = shortfall
                    .iter()
                    .map(|s| format!("{} {} endorsement(s) (has {})", s.needed, s.side.as_str().replace('_', "-"), s.have))
                    .collect();
                return Err(invalid(
                    "endorsements",
                    "rule_not_met",
                    format!("the endorsement rule is not met: it needs {}", missing.join(" and ")),
                ));
            }
            let mut change = proposal.proposal.change.clone();
            // The framework may have moved since the proposal was made: check again.
            self.check_change(&mut change).await?;
            changes = framework_changes(&change);
        }
        let decision =
            Decision { proposal_id, outcome, decided_by: user, at: self.now(), reason, endorsements: count_by_side(&endorsements) };
        let event =
            self.event(Some(user), "proposal.decided", format!("proposal:{proposal_id}"), serde_json::json!({"outcome": outcome.as_str()}));
        match self.store.decide_proposal(&decision, &changes, &event).await {
            Ok(()) => Ok(decision),
            Err(StoreError::Conflict { constraint }) => {
                Err(AppError::Conflict(format!("the decision could not be applied ({constraint})")))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Sets a city's endorsement rule. The network coordinator sets it, so that no city can
    /// quietly drop civil society from its decisions.
    pub async fn set_city_rule(&self, actor: &Actor, city: &str, rule: rightsmon_domain::codesign::CityRule) -> AppResult<()> {
        if !actor.may(Permission::ManageNetwork) {
            return Err(AppError::Forbidden);
        }
        if rule.min_municipal + rule.min_civil_society + rule.min_academic == 0 {
            return Err(invalid("rule", "empty_rule", "a rule needs at least one endorsement"));
        }
        let city = self.city(city).await?;
        let event = self.event(actor.user().map(|u| u.id), "rule.changed", format!("area:{}", city.code), serde_json::json!(rule));
        Ok(self.store.set_city_rule(&city.code, rule, &event).await?)
    }

    pub async fn set_network_rule(&self, actor: &Actor, rule: rightsmon_domain::codesign::NetworkRule) -> AppResult<()> {
        if !actor.may(Permission::ManageNetwork) {
            return Err(AppError::Forbidden);
        }
        let event = self.event(actor.user().map(|u| u.id), "rule.changed", "network", serde_json::json!(rule));
        Ok(self.store.set_network_rule(rule, &event).await?)
    }

    /// Which core indicators a city adopted or left out.
    pub async fn adoptions(&self, city: &str) -> AppResult<Vec<rightsmon_store::Adoption>> {
        let city = self.city(city).await?;
        Ok(self.store.list_adoptions(Some(&city.code), None).await?)
    }
}

/// The framework changes an accepted proposal makes.
fn framework_changes(change: &ProposalChange) -> Vec<FrameworkChange> {
    match change {
        ProposalChange::NewIndicator { definition } | ProposalChange::Change { definition } => {
            vec![FrameworkChange::PutVersion(Box::new(IndicatorDefinition::clone(definition)))]
        }
        ProposalChange::Adoption { city, adopt, leave_out } => adopt
            .iter()
            .map(|code| FrameworkChange::SetAdoption { city: city.clone(), indicator: code.clone(), is_adopted: true, reason: None })
            .chain(leave_out.iter().map(|left| FrameworkChange::SetAdoption {
                city: city.clone(),
                indicator: left.indicator.clone(),
                is_adopted: false,
                reason: Some(left.reason.clone()),
            }))
            .collect(),
        ProposalChange::Retirement { indicator, reason } => {
            vec![FrameworkChange::Retire { indicator: indicator.clone(), reason: reason.clone() }]
        }
    }
}
