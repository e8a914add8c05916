//! Co-design of the framework: proposals, comments, endorsements, objections and decisions.
//!
//! A proposal changes the framework of the network (core indicators) or of one city (its local
//! indicators and which core indicators it adopts). It is decided only when its endorsement rule
//! holds: for a city, by default at least one municipal and one civil-society member of its
//! working group; for the network, a share of its cities. Objections never block a decision, but
//! they stay visible with it. A decision is final.

use crate::access::Scope;
use crate::catalogue::{IndicatorDefinition, IndicatorScope, word_enum};
use crate::error::{FieldErrors, ParseError};
use crate::id::{AreaCode, IndicatorCode};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

word_enum!(
    /// What a proposal asks for.
    ProposalKind, "invalid_proposal_kind", "kind of proposal" {
        NewIndicator => "new_indicator",
        Change => "change",
        Adoption => "adoption",
        Retirement => "retirement",
    }
);

word_enum!(
    /// Where a proposal is.
    ProposalStatus, "invalid_proposal_status", "proposal status" {
        Open => "open",
        Accepted => "accepted",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
    }
);

word_enum!(
    /// On whose behalf an endorsement is given.
    Side, "invalid_side", "side" {
        Municipal => "municipal",
        CivilSociety => "civil_society",
        Academic => "academic",
        City => "city",
    }
);

word_enum!(
    /// The outcome of a decision.
    Outcome, "invalid_outcome", "outcome" {
        Accepted => "accepted",
        Rejected => "rejected",
    }
);

/// What a proposal would change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ProposalChange {
    /// A new indicator (its first version).
    NewIndicator { definition: IndicatorDefinition },
    /// A new version of an existing indicator.
    Change { definition: IndicatorDefinition },
    /// Which core indicators a city adopts, and which it leaves out and why.
    Adoption { city: AreaCode, adopt: Vec<IndicatorCode>, leave_out: Vec<LeftOut> },
    /// Retiring an indicator: no new values are collected; its history stays.
    Retirement { indicator: IndicatorCode, reason: String },
}

/// A core indicator a city does not adopt, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    pub indicator: IndicatorCode,
    pub reason: String,
}

impl ProposalChange {
    pub fn kind(&self) -> ProposalKind {
        match self {
            Self::NewIndicator { .. } => ProposalKind::NewIndicator,
            Self::Change { .. } => ProposalKind::Change,
            Self::Adoption { .. } => ProposalKind::Adoption,
            Self::Retirement { .. } => ProposalKind::Retirement,
        }
    }
}

/// A proposal before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewProposal {
    pub scope: Scope,
    pub title: String,
    pub rationale: String,
    pub change: ProposalChange,
    /// The consultation it came from, if any (of the same city).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consultation_id: Option<i64>,
}

fn reason_text(field: &str, errors: &mut FieldErrors, text: &str, max: usize) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        errors.push(field, ParseError::new("missing_reason", "give a reason"));
        None
    } else if trimmed.chars().count() > max {
        errors.push(field, ParseError::new("too_long", format!("at most {max} characters")));
        None
    } else if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        errors.push(field, ParseError::new("control_character", "the text contains a control character"));
        None
    } else {
        Some(trimmed.to_owned())
    }
}

/// A comment, endorsement note, objection or decision reason: 1 to 10 000 characters.
pub fn parse_statement(field: &str, text: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    match reason_text(field, &mut errors, text, 10_000) {
        Some(text) => Ok(text),
        None => Err(errors),
    }
}

impl NewProposal {
    /// Checks that the change fits the scope: a city proposes for itself, the network for the core.
    pub fn new(scope: Scope, title: &str, rationale: &str, change: ProposalChange) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = reason_text("title", &mut errors, title, 200);
        let rationale = reason_text("rationale", &mut errors, rationale, 10_000);
        let scope_fits = |definition: &IndicatorDefinition| match (&scope, &definition.scope) {
            (Scope::Network, IndicatorScope::Core) => true,
            (Scope::City(city), IndicatorScope::Local(own)) => city == own,
            _ => false,
        };
        match &change {
            ProposalChange::NewIndicator { definition } | ProposalChange::Change { definition } => {
                if !scope_fits(definition) {
                    errors.push(
                        "change",
                        ParseError::new("scope_mismatch", "the network proposes core indicators; a city proposes its own local indicators"),
                    );
                }
                if matches!(change, ProposalChange::NewIndicator { .. }) && definition.version != 1 {
                    errors.push("change", ParseError::new("invalid_version", "a new indicator starts at version 1"));
                }
            }
            ProposalChange::Adoption { city, adopt, leave_out } => {
                if scope != Scope::City(city.clone()) {
                    errors.push("change", ParseError::new("scope_mismatch", "a city decides its own adoption"));
                }
                if adopt.is_empty() && leave_out.is_empty() {
                    errors.push("change", ParseError::new("empty_adoption", "name the indicators to adopt or leave out"));
                }
                let mut seen = BTreeSet::new();
                for code in adopt.iter().chain(leave_out.iter().map(|l| &l.indicator)) {
                    if !seen.insert(code) {
                        errors.push("change", ParseError::new("duplicate_indicator", format!("{code} is named twice")));
                    }
                }
                for left in leave_out {
                    let field = format!("leave_out.{}", left.indicator);
                    reason_text(&field, &mut errors, &left.reason, 2000);
                }
            }
            ProposalChange::Retirement { reason, .. } => {
                reason_text("reason", &mut errors, reason, 2000);
            }
        }
        match (title, rationale) {
            (Some(title), Some(rationale)) if errors.is_empty() => Ok(Self { scope, title, rationale, change, consultation_id: None }),
            _ => Err(errors),
        }
    }
}

/// A stored proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: i64,
    #[serde(flatten)]
    pub proposal: NewProposal,
    pub author_id: i64,
    pub created_at: Timestamp,
    pub status: ProposalStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    pub proposal_id: i64,
    pub user_id: i64,
    pub body: String,
    pub at: Timestamp,
}

/// An endorsement. For a city proposal, a working-group member endorses as municipal,
/// civil-society or academic member; for a network proposal, a city coordinator endorses on
/// behalf of the city.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endorsement {
    pub proposal_id: i64,
    pub user_id: i64,
    pub side: Side,
    pub city: Option<AreaCode>,
    pub at: Timestamp,
}

/// An objection with its reasons; it stays visible whatever is decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objection {
    pub id: i64,
    pub proposal_id: i64,
    pub user_id: i64,
    pub reasons: String,
    pub at: Timestamp,
}

/// A final decision on a proposal: who, when and why, and the endorsements it rested on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub proposal_id: i64,
    pub outcome: Outcome,
    pub decided_by: i64,
    pub at: Timestamp,
    pub reason: String,
    /// How many endorsements of each side there were when it was decided.
    pub endorsements: Vec<(Side, u32)>,
}

/// A city's rule: how many endorsements of each side its decisions need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CityRule {
    pub min_municipal: u32,
    pub min_civil_society: u32,
    pub min_academic: u32,
}

impl Default for CityRule {
    fn default() -> Self {
        Self { min_municipal: 1, min_civil_society: 1, min_academic: 0 }
    }
}

/// The network's rule: the share of (non-observer) cities whose endorsement a core change needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NetworkRule {
    pub min_city_share: f64,
}

impl Default for NetworkRule {
    fn default() -> Self {
        Self { min_city_share: 0.5 }
    }
}

impl NetworkRule {
    pub fn new(min_city_share: f64) -> Result<Self, ParseError> {
        if min_city_share.is_finite() && (0.0..=1.0).contains(&min_city_share) && min_city_share > 0.0 {
            Ok(Self { min_city_share })
        } else {
            Err(ParseError::new("invalid_share", "the share of cities lies above 0 and at most 1"))
        }
    }

    /// How many cities must endorse, out of `eligible`.
    pub fn required(self, eligible: usize) -> u32 {
        let needed = (self.min_city_share * eligible as f64 - 1e-9).ceil().max(1.0);
        needed as u32
    }
}

/// What a rule still misses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    pub side: Side,
    pub needed: u32,
    pub have: u32,
}

/// Counts endorsements by side.
pub fn count_by_side(endorsements: &[Endorsement]) -> Vec<(Side, u32)> {
    Side::ALL
        .iter()
        .map(|side| (*side, u32::try_from(endorsements.iter().filter(|e| e.side == *side).count()).unwrap_or(u32::MAX)))
        .filter(|(_, count)| *count > 0)
        .collect()
}

impl CityRule {
    /// The sides that lack endorsements, if any.
    pub fn shortfall(self, endorsements: &[Endorsement]) -> Vec<Shortfall> {
        let have = |side: Side| u32::try_from(endorsements.iter().filter(|e| e.side == side).count()).unwrap_or(u32::MAX);
        [(Side::Municipal, self.min_municipal), (Side::CivilSociety, self.min_civil_society), (Side::Academic, self.min_academic)]
            .into_iter()
            .filter(|(side, needed)| have(*side) < *needed)
            .map(|(side, needed)| Shortfall { side, needed, have: have(side) })
            .collect()
    }
}

impl NetworkRule {
    /// Whether enough distinct cities endorsed; `eligible` is the number of cities that vote.
    pub fn shortfall(self, endorsements: &[Endorsement], eligible: usize) -> Vec<Shortfall> {
        let cities: BTreeSet<&AreaCode> = endorsements.iter().filter(|e| e.side == Side::City).filter_map(|e| e.city.as_ref()).collect();
        let have = u32::try_from(cities.len()).unwrap_or(u32::MAX);
        let needed = self.required(eligible);
        if have < needed { vec![Shortfall { side: Side::City, needed, have }] } else { Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endorsement(side: Side, user: i64, city: Option<&str>) -> Endorsement {
        Endorsement { proposal_id: 1, user_id: user, side, city: city.map(|c| AreaCode::parse(c).unwrap()), at: Timestamp(0) }
    }

    #[test]
    fn a_city_decision_needs_both_municipal_and_civil_society_endorsement() {
        let rule = CityRule::default();
        let municipal_only = [endorsement(Side::Municipal, 1, None), endorsement(Side::Municipal, 2, None)];
        assert_eq!(rule.shortfall(&municipal_only), vec![Shortfall { side: Side::CivilSociety, needed: 1, have: 0 }]);
        let both = [endorsement(Side::Municipal, 1, None), endorsement(Side::CivilSociety, 3, None)];
        assert!(rule.shortfall(&both).is_empty());
        let stricter = CityRule { min_municipal: 2, min_civil_society: 2, min_academic: 1 };
        assert_eq!(stricter.shortfall(&both).len(), 3);
    }

    #[test]
    fn a_core_change_needs_a_share_of_distinct_cities() {
        let rule = NetworkRule::default();
        assert_eq!(rule.required(8), 4);
        assert_eq!(rule.required(9), 5);
        assert_eq!(NetworkRule::new(1.0).unwrap().required(9), 9);
        assert_eq!(NetworkRule::new(0.01).unwrap().required(9), 1);
        let same_city_twice = [endorsement(Side::City, 1, Some("ghent")), endorsement(Side::City, 2, Some("ghent"))];
        assert_eq!(rule.shortfall(&same_city_twice, 2), Vec::new(), "one of two cities is half");
        assert_eq!(rule.shortfall(&same_city_twice, 3).len(), 1);
        assert!(NetworkRule::new(0.0).is_err() && NetworkRule::new(1.5).is_err() && NetworkRule::new(f64::NAN).is_err());
    }

    #[test]
    fn leaving_out_an_indicator_needs_a_reason() {
        let city = AreaCode::parse("ghent").unwrap();
        let change = ProposalChange::Adoption {
            city: city.clone(),
            adopt: vec![IndicatorCode::parse("RM-HOU-01").unwrap()],
            leave_out: vec![LeftOut { indicator: IndicatorCode::parse("RM-HOU-02").unwrap(), reason: "  ".into() }],
        };
        let errors =
            NewProposal::new(Scope::City(city.clone()), "Adopt the housing set", "Agreed in the working group", change).unwrap_err();
        assert_eq!(errors.0[0].field, "leave_out.RM-HOU-02");
        let elsewhere =
            ProposalChange::Adoption { city: city.clone(), adopt: vec![IndicatorCode::parse("RM-HOU-01").unwrap()], leave_out: vec![] };
        let errors = NewProposal::new(Scope::City(AreaCode::parse("padova").unwrap()), "x", "y", elsewhere).unwrap_err();
        assert_eq!(errors.0[0].code, "scope_mismatch");
    }
}
