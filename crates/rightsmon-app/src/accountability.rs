//! The accountability loop as people use it: consultations recorded by a city's working group,
//! recommendations made from them (or from reports and bodies), the city's response, actions with
//! someone responsible and a deadline, dated updates with evidence, and the follow-up indicators
//! whose latest findings show whether it worked. A public tracker lists them with filters.
//!
//! Who may do what:
//! - a city's working group (its coordinators and its civil-society members) records
//!   consultations and makes recommendations to the city; network coordinators make them to the
//!   network;
//! - the city's coordinators respond, publish, and add and update actions: actions are the
//!   municipality's, so civil society cannot change them;
//! - everyone sees published recommendations and consultations (small groups of participants
//!   withheld); a city's members also see its drafts.

use crate::{App, AppError, AppResult, signed_in};
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::accountability::{
    Action, ActionDraft, ActionStatus, ActionUpdate, ActionUpdateDraft, NewAction, NewActionUpdate, NewRecommendation, Recommendation,
    RecommendationDraft, RecommendationSource, Response, implementation, is_overdue, parse_text,
};
use rightsmon_domain::error::ParseError;
use rightsmon_domain::id::AreaCode;
use rightsmon_domain::participation::{Consultation, ConsultationDraft, DEFAULT_DISCLOSURE_THRESHOLD, NewConsultation, ShownCount};
use rightsmon_domain::time::Date;
use rightsmon_store::RecommendationQuery;
use serde::Serialize;

/// Whether the actor belongs to the working group of `city` (or, without a city, coordinates
/// the network).
pub(crate) fn in_working_group(actor: &Actor, city: Option<&AreaCode>) -> bool {
    match city {
        Some(city) => actor.may(Permission::ManageCity(city)) || actor.may(Permission::FileShadowData(city)),
        None => actor.may(Permission::ManageNetwork),
    }
}

/// Whether the actor speaks for the municipality of `city` (or coordinates the network).
fn speaks_for_city(actor: &Actor, city: Option<&AreaCode>) -> bool {
    match city {
        Some(city) => actor.may(Permission::ManageCity(city)),
        None => actor.may(Permission::ManageNetwork),
    }
}

/// Whether the actor may see a recommendation: published, or a draft of a city whose unpublished
/// work they read (a network draft: network coordinators).
fn may_see(actor: &Actor, recommendation: &Recommendation) -> bool {
    recommendation.published
        || match &recommendation.recommendation.city {
            Some(city) => actor.may(Permission::ReadUnpublished(city)),
            None => actor.may(Permission::ManageNetwork),
        }
}

/// A consultation as it may be shown: participants of small groups withheld. Its stored counts
/// never leave the server: serialised, the consultation carries only `participants` as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultationView {
    #[serde(serialize_with = "without_counts")]
    pub consultation: Consultation,
    pub participants: Vec<(String, ShownCount)>,
    pub total: ShownCount,
    pub threshold: u32,
    /// The recommendations that came from it, as far as the reader may see them.
    pub recommendations: Vec<Recommendation>,
    /// The proposals (of indicators, adoptions, changes) that came from it.
    pub proposals: Vec<rightsmon_domain::codesign::Proposal>,
}

fn without_counts<S: serde::Serializer>(consultation: &Consultation, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::Error;
    let mut value = serde_json::to_value(consultation).map_err(S::Error::custom)?;
    if let Some(fields) = value.as_object_mut() {
        fields.remove("participants");
    }
    value.serialize(serializer)
}

/// What a follow-up indicator shows: its latest yearly value and the headline verdict.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUp {
    pub indicator: String,
    pub latest_year: Option<i32>,
    pub latest_value: Option<f64>,
    /// The headline method's name and verdict (a category code), as the indicator page gives
    /// them, and for a state's verdict the year since which it holds.
    pub method: Option<&'static str>,
    pub verdict: Option<String>,
    pub since: Option<i32>,
}

/// An action with its updates and whether it is overdue.
#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    pub action: Action,
    pub updates: Vec<ActionUpdate>,
    pub overdue: bool,
}

/// A recommendation with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct RecommendationView {
    pub recommendation: Recommendation,
    /// Where it stands, from its actions.
    pub implementation: ActionStatus,
    pub actions: Vec<ActionView>,
    pub follow_ups: Vec<FollowUp>,
    pub consultation: Option<Consultation>,
    /// Whether the reader may respond, publish and manage its actions.
    pub may_manage: bool,
}

/// The filters of the tracker; empty fields do not filter.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TrackerFilter {
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub right: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub source: String,
    /// An implementation status (`not_started`, ..., `implemented`, `not_accepted`).
    #[serde(default)]
    pub status: String,
    /// `true`: only recommendations with an overdue action.
    #[serde(default)]
    pub overdue: Option<bool>,
}

/// One row of the tracker.
#[derive(Debug, Clone, Serialize)]
pub struct TrackerRow {
    pub recommendation: Recommendation,
    pub implementation: ActionStatus,
    pub actions: usize,
    pub overdue_actions: usize,
    /// The earliest deadline of an action that is not settled.
    pub next_deadline: Option<Date>,
}

impl App {
    fn today(&self) -> Date {
        Date::of_timestamp(self.now())
    }

    /// Records a consultation of a city; its working group does.
    pub async fn record_consultation(&self, actor: &Actor, draft: &ConsultationDraft) -> AppResult<Consultation> {
        let user = signed_in(actor)?;
        // Who may record in the city named is known before the rest of the form is read.
        if let Ok(city) = AreaCode::parse(draft.city.trim())
            && !in_working_group(actor, Some(&city))
        {
            return Err(AppError::Forbidden);
        }
        let consultation = NewConsultation::parse(draft, self.today())?;
        self.city(consultation.city.as_str()).await?;
        let event = self.event(Some(user), "consultation.recorded", "consultation:*", serde_json::json!({"city": consultation.city}));
        Ok(self.store.create_consultation(&consultation, Some(user), self.now(), &event).await?)
    }

    /// A consultation as anyone may see it, with the recommendations that came from it.
    pub async fn consultation(&self, actor: &Actor, id: i64) -> AppResult<ConsultationView> {
        let consultation = self.store.get_consultation(id).await?;
        let query = RecommendationQuery {
            visibility: crate::observations::visibility_for(actor),
            city: Some(consultation.consultation.city.clone()),
        };
        let recommendations =
            self.store.list_recommendations(&query).await?.into_iter().filter(|r| r.recommendation.consultation_id == Some(id)).collect();
        let mut view = self.consultation_view(consultation, recommendations);
        let scope = rightsmon_domain::access::Scope::City(view.consultation.consultation.city.clone());
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_proposals(&rightsmon_store::ProposalQuery {
                    scope: Some(scope.clone()),
                    status: None,
                    page: rightsmon_store::PageRequest::new(100, offset),
                })
                .await?;
            offset += page.items.len() as u64;
            view.proposals.extend(page.items.into_iter().filter(|p| p.proposal.consultation_id == Some(id)));
            if offset >= page.total || offset == 0 {
                break;
            }
        }
        Ok(view)
    }

    fn consultation_view(&self, consultation: Consultation, recommendations: Vec<Recommendation>) -> ConsultationView {
        let threshold = DEFAULT_DISCLOSURE_THRESHOLD;
        let (participants, total) = consultation.consultation.participants_shown(threshold);
        ConsultationView { consultation, participants, total, threshold, recommendations, proposals: Vec::new() }
    }

    /// A city's consultations, latest first.
    pub async fn consultations(&self, city: &str) -> AppResult<Vec<ConsultationView>> {
        let city = self.city(city).await?;
        let consultations = self.store.list_consultations(Some(&city.code)).await?;
        Ok(consultations.into_iter().map(|c| self.consultation_view(c, Vec::new())).collect())
    }

    /// Makes a recommendation to a city (its working group) or to the network (its
    /// coordinators). It waits for the city's response, unpublished.
    pub async fn make_recommendation(&self, actor: &Actor, draft: &RecommendationDraft) -> AppResult<Recommendation> {
        let user = signed_in(actor)?;
        let named = match draft.city.trim() {
            "" => Some(None),
            city => AreaCode::parse(city).ok().map(Some),
        };
        if let Some(city) = named
            && !in_working_group(actor, city.as_ref())
        {
            return Err(AppError::Forbidden);
        }
        let recommendation = NewRecommendation::parse(draft)?;
        if let Some(city) = &recommendation.city {
            self.city(city.as_str()).await?;
        }
        for indicator in &recommendation.indicators {
            if self.indicator(indicator.as_str(), None).await.is_err() {
                return Err(AppError::Invalid(FieldErrors::single(
                    "indicators",
                    ParseError::new("unknown_indicator", format!("{indicator} is not in the catalogue")),
                )));
            }
        }
        if let Some(id) = recommendation.consultation_id {
            let consultation = self.store.get_consultation(id).await.map_err(|_| {
                AppError::Invalid(FieldErrors::single("consultation_id", ParseError::new("unknown_consultation", "no such consultation")))
            })?;
            if Some(&consultation.consultation.city) != recommendation.city.as_ref() {
                return Err(AppError::Invalid(FieldErrors::single(
                    "consultation_id",
                    ParseError::new("consultation_of_another_city", "the consultation was held in another city"),
                )));
            }
        }
        let event = self.event(Some(user), "recommendation.made", "recommendation:*", serde_json::json!({"city": recommendation.city}));
        Ok(self.store.create_recommendation(&recommendation, Some(user), self.now(), &event).await?)
    }

    /// The city's response to a recommendation, and whether it is published; its coordinators
    /// give it. A recommendation not (or only partly) accepted says why.
    pub async fn respond_to_recommendation(
        &self,
        actor: &Actor,
        id: i64,
        response: &str,
        reason: &str,
        published: bool,
    ) -> AppResult<Recommendation> {
        let user = signed_in(actor)?;
        let current = self.store.get_recommendation(id).await?;
        if !may_see(actor, &current) {
            return Err(AppError::NotFound);
        }
        if !speaks_for_city(actor, current.recommendation.city.as_ref()) {
            return Err(AppError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        let response = errors.check("response", Response::parse(response.trim()));
        let reason = errors.check("reason", parse_text(reason));
        if matches!(response, Some(Response::NotAccepted | Response::PartlyAccepted)) && matches!(reason, Some(None)) {
            errors.push("reason", ParseError::new("reason_required", "say why it is not (fully) accepted"));
        }
        let (response, reason) = errors.finish(|| Some((response?, reason?)))?;
        let event = self.event(
            Some(user),
            "recommendation.answered",
            format!("recommendation:{id}"),
            serde_json::json!({"response": response, "published": published}),
        );
        Ok(self.store.respond_to_recommendation(id, response, reason.as_deref(), published, self.now(), &event).await?)
    }

    /// A recommendation with its actions, their updates, its consultation and the latest
    /// findings of its follow-up indicators; `NotFound` for a draft the reader may not see.
    pub async fn recommendation(&self, actor: &Actor, id: i64) -> AppResult<RecommendationView> {
        let recommendation = self.store.get_recommendation(id).await?;
        if !may_see(actor, &recommendation) {
            return Err(AppError::NotFound);
        }
        let today = self.today();
        let mut actions = Vec::new();
        for action in self.store.list_actions(&[id]).await? {
            let updates = self.store.list_action_updates(action.id).await?;
            let overdue = is_overdue(action.status, action.action.deadline, today);
            actions.push(ActionView { action, updates, overdue });
        }
        let statuses: Vec<ActionStatus> = actions.iter().map(|a| a.action.status).collect();
        let follow_ups = match &recommendation.recommendation.city {
            Some(city) => self.follow_ups(actor, city, recommendation.recommendation.indicators.iter()).await,
            None => Vec::new(),
        };
        let consultation = match recommendation.recommendation.consultation_id {
            Some(id) => self.store.get_consultation(id).await.ok(),
            None => None,
        };
        let may_manage = speaks_for_city(actor, recommendation.recommendation.city.as_ref());
        Ok(RecommendationView {
            implementation: implementation(recommendation.response, &statuses),
            recommendation,
            actions,
            follow_ups,
            consultation,
            may_manage,
        })
    }

    /// The latest value and headline verdict of each indicator in a city, as the reader may see
    /// them: what a recommendation's follow-up indicators and a practice's results show.
    pub(crate) async fn follow_ups(
        &self,
        actor: &Actor,
        city: &AreaCode,
        indicators: impl Iterator<Item = &rightsmon_domain::id::IndicatorCode>,
    ) -> Vec<FollowUp> {
        let mut follow_ups = Vec::new();
        for indicator in indicators {
            let findings = self.indicator_findings(actor, indicator.as_str(), city.as_str()).await.ok();
            let latest = findings.as_ref().and_then(|f| f.points.last().copied());
            let headline = findings.as_ref().and_then(|f| f.headline());
            let verdict = headline.and_then(|a| match &a.outcome {
                rightsmon_analysis::progress::Outcome::Category { code, .. } => Some((*code).to_owned()),
                _ => None,
            });
            follow_ups.push(FollowUp {
                indicator: indicator.to_string(),
                latest_year: latest.map(|p| p.year),
                latest_value: latest.map(|p| p.value),
                method: verdict.as_ref().and(headline).map(|a| a.method.name),
                since: headline.filter(|a| a.method == rightsmon_analysis::progress::STATE_CHANGE).and_then(|a| a.base).map(|p| p.year),
                verdict,
            });
        }
        follow_ups
    }

    /// An action, for a reader who may see its recommendation.
    pub async fn action(&self, actor: &Actor, id: i64) -> AppResult<Action> {
        let action = self.store.get_action(id).await?;
        let recommendation = self.store.get_recommendation(action.recommendation_id).await?;
        if !may_see(actor, &recommendation) {
            return Err(AppError::NotFound);
        }
        Ok(action)
    }

    /// Adds an action to a recommendation; the city's coordinators do.
    pub async fn add_action(&self, actor: &Actor, recommendation_id: i64, draft: &ActionDraft) -> AppResult<Action> {
        let user = signed_in(actor)?;
        let recommendation = self.store.get_recommendation(recommendation_id).await?;
        if !may_see(actor, &recommendation) {
            return Err(AppError::NotFound);
        }
        if !speaks_for_city(actor, recommendation.recommendation.city.as_ref()) {
            return Err(AppError::Forbidden);
        }
        let action = NewAction::parse(draft)?;
        let event = self.event(Some(user), "action.added", "action:*", serde_json::json!({"recommendation": recommendation_id}));
        Ok(self.store.create_action(recommendation_id, &action, Some(user), self.now(), &event).await?)
    }

    /// Records a dated update of an action, which takes its status; the city's coordinators do.
    pub async fn update_action(&self, actor: &Actor, action_id: i64, draft: &ActionUpdateDraft) -> AppResult<ActionUpdate> {
        let user = signed_in(actor)?;
        let action = self.store.get_action(action_id).await?;
        let recommendation = self.store.get_recommendation(action.recommendation_id).await?;
        if !may_see(actor, &recommendation) {
            return Err(AppError::NotFound);
        }
        if !speaks_for_city(actor, recommendation.recommendation.city.as_ref()) {
            return Err(AppError::Forbidden);
        }
        let update = NewActionUpdate::parse(draft, self.today())?;
        let event =
            self.event(Some(user), "action.updated", "action_update:*", serde_json::json!({"action": action_id, "status": update.status}));
        Ok(self.store.add_action_update(action_id, &update, Some(user), self.now(), &event).await?)
    }

    /// The recommendations the reader may see that pass the filter, latest first, with where
    /// each stands and what is overdue.
    pub async fn tracker(&self, actor: &Actor, filter: &TrackerFilter) -> AppResult<Vec<TrackerRow>> {
        let mut errors = FieldErrors::new();
        let city = match filter.city.trim() {
            "" => None,
            city => errors.check("city", AreaCode::parse(city)),
        };
        let source = match filter.source.trim() {
            "" => None,
            source => errors.check("source", RecommendationSource::parse(source)),
        };
        let status = match filter.status.trim() {
            "" => None,
            status => errors.check("status", ActionStatus::parse(status)),
        };
        let right = filter.right.trim();
        let theme = filter.theme.trim();
        errors.finish(|| Some(()))?;
        let query = RecommendationQuery { visibility: crate::observations::visibility_for(actor), city };
        let recommendations: Vec<Recommendation> = self
            .store
            .list_recommendations(&query)
            .await?
            .into_iter()
            .filter(|r| source.is_none_or(|s| r.recommendation.source == s))
            .filter(|r| right.is_empty() || r.recommendation.rights.iter().any(|c| c.as_str() == right))
            .filter(|r| theme.is_empty() || r.recommendation.themes.iter().any(|c| c.as_str() == theme))
            .collect();
        let ids: Vec<i64> = recommendations.iter().map(|r| r.id).collect();
        let actions = self.store.list_actions(&ids).await?;
        let today = self.today();
        let mut rows = Vec::new();
        for recommendation in recommendations {
            let own: Vec<&Action> = actions.iter().filter(|a| a.recommendation_id == recommendation.id).collect();
            let statuses: Vec<ActionStatus> = own.iter().map(|a| a.status).collect();
            let overdue_actions = own.iter().filter(|a| is_overdue(a.status, a.action.deadline, today)).count();
            let next_deadline = own.iter().filter(|a| !a.status.is_settled()).filter_map(|a| a.action.deadline).min();
            let row = TrackerRow {
                implementation: implementation(recommendation.response, &statuses),
                actions: own.len(),
                overdue_actions,
                next_deadline,
                recommendation,
            };
            if status.is_some_and(|s| row.implementation != s) || (filter.overdue == Some(true) && row.overdue_actions == 0) {
                continue;
            }
            rows.push(row);
        }
        Ok(rows)
    }
}
