//! The accountability loop: recommendations made from findings, consultations and reports; the
//! actions that answer them, with someone responsible and a deadline; dated updates with
//! evidence; and the follow-up indicators whose verdicts show whether the actions worked.
//!
//! Recommendations are kept as the UN's recommendation trackers keep them (a source, the rights,
//! themes and indicators concerned, a response, actions with their implementation status), but
//! they belong to a city (or to the network) and civil society takes part in them.

use crate::catalogue::word_enum;
use crate::error::{FieldErrors, ParseError};
use crate::id::{AreaCode, IndicatorCode};
use crate::right::{RightCode, ThemeCode};
use crate::text::LanguageCode;
use crate::time::{Date, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

word_enum!(
    /// Who made a recommendation.
    RecommendationSource, "invalid_recommendation_source", "source of a recommendation" {
        CitizenLab => "citizen_lab",
        CsoReport => "cso_report",
        Ombudsperson => "ombudsperson",
        UnBody => "un_body",
        CouncilOfEurope => "council_of_europe",
        WorkingGroup => "working_group",
        Other => "other",
    }
);

word_enum!(
    /// What the city answered to a recommendation.
    Response, "invalid_response", "response to a recommendation" {
        Pending => "pending",
        Accepted => "accepted",
        PartlyAccepted => "partly_accepted",
        NotAccepted => "not_accepted",
    }
);

word_enum!(
    /// Where an action stands.
    ActionStatus, "invalid_action_status", "status of an action" {
        NotStarted => "not_started",
        InProgress => "in_progress",
        PartlyImplemented => "partly_implemented",
        Implemented => "implemented",
        NotAccepted => "not_accepted",
    }
);

impl ActionStatus {
    /// Whether nothing more is expected of the action: implemented, or not accepted.
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Implemented | Self::NotAccepted)
    }

    /// Whether the status needs a reason (a refusal is always explained).
    pub fn needs_reason(self) -> bool {
        self == Self::NotAccepted
    }
}

/// The longest title, in characters.
pub const MAX_TITLE: usize = 300;
/// The longest text of a recommendation, an action or an update, in characters.
pub const MAX_TEXT: usize = 20_000;
/// The most pieces of evidence one text may cite.
pub const MAX_EVIDENCE: usize = 50;

/// A title: one line, not blank, at most [`MAX_TITLE`] characters.
pub fn parse_title(input: &str) -> Result<String, ParseError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ParseError::new("blank", "the title is blank"));
    }
    if trimmed.chars().count() > MAX_TITLE {
        return Err(ParseError::new("too_long", format!("the title is longer than {MAX_TITLE} characters")));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ParseError::new("control_character", "the title contains a control character"));
    }
    Ok(trimmed.to_owned())
}

/// A longer text, which may hold line breaks and tabs; blank is `None`.
pub fn parse_text(input: &str) -> Result<Option<String>, ParseError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > MAX_TEXT {
        return Err(ParseError::new("too_long", format!("the text is longer than {MAX_TEXT} characters")));
    }
    if trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(ParseError::new("control_character", "the text contains a control character"));
    }
    Ok(Some(trimmed.to_owned()))
}

/// What supports a claim: a web page or document, or an indicator of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Evidence {
    /// A web address (`https://` or `http://`).
    Link(String),
    /// An indicator whose values show it.
    Indicator(IndicatorCode),
}

impl Evidence {
    /// Reads a link (`https://...`) or an indicator code (`RM-HOU-01`).
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let input = input.trim();
        if input.starts_with("https://") || input.starts_with("http://") {
            let host = input.split_once("://").map_or("", |(_, rest)| rest).split(['/', '?', '#']).next().unwrap_or("");
            if host.is_empty() || input.len() > 2000 || input.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ParseError::new("invalid_link", format!("{input:?} is not a web address")));
            }
            return Ok(Self::Link(input.to_owned()));
        }
        IndicatorCode::parse(input).map(Self::Indicator).map_err(|_| {
            ParseError::new("invalid_evidence", format!("{input:?} is neither a web address (https://...) nor an indicator code"))
        })
    }

    /// Reads one piece of evidence per line; blank lines are skipped.
    pub fn parse_lines(input: &str) -> Result<Vec<Self>, ParseError> {
        let mut evidence = Vec::new();
        for line in input.lines().map(str::trim).filter(|line| !line.is_empty()) {
            let item = Self::parse(line)?;
            if !evidence.contains(&item) {
                evidence.push(item);
            }
        }
        if evidence.len() > MAX_EVIDENCE {
            return Err(ParseError::new("too_much_evidence", format!("at most {MAX_EVIDENCE} pieces of evidence")));
        }
        Ok(evidence)
    }
}

/// The fields of a recommendation as a form or the API sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecommendationDraft {
    /// The city it is addressed to; empty for the network.
    #[serde(default)]
    pub city: String,
    pub title: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub language: String,
    pub source: String,
    /// Where it was made: a document symbol or a web address.
    #[serde(default)]
    pub source_reference: String,
    pub made_on: String,
    #[serde(default)]
    pub rights: Vec<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    /// The follow-up indicators, whose latest verdicts show on the recommendation.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// The consultation it came from, if any.
    #[serde(default)]
    pub consultation_id: Option<i64>,
}

/// A validated recommendation, before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRecommendation {
    pub city: Option<AreaCode>,
    pub title: String,
    pub text: Option<String>,
    pub language: LanguageCode,
    pub source: RecommendationSource,
    pub source_reference: Option<String>,
    pub made_on: Date,
    pub rights: BTreeSet<RightCode>,
    pub themes: BTreeSet<ThemeCode>,
    pub indicators: BTreeSet<IndicatorCode>,
    pub consultation_id: Option<i64>,
}

impl NewRecommendation {
    /// Validates a recommendation; every error is reported at its field. It must concern at
    /// least one right or theme, so that it can be found where they are shown.
    pub fn parse(draft: &RecommendationDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let city = match draft.city.trim() {
            "" => Some(None),
            city => errors.check("city", AreaCode::parse(city)).map(Some),
        };
        let title = errors.check("title", parse_title(&draft.title));
        let text = errors.check("text", parse_text(&draft.text));
        let language = match draft.language.trim() {
            "" => Some(LanguageCode::english()),
            language => errors.check("language", LanguageCode::parse(language)),
        };
        let source = errors.check("source", RecommendationSource::parse(draft.source.trim()));
        let source_reference = errors.check("source_reference", parse_reference(&draft.source_reference));
        let made_on = errors.check("made_on", Date::parse(draft.made_on.trim()));
        let rights = codes(&mut errors, "rights", &draft.rights, RightCode::parse);
        let themes = codes(&mut errors, "themes", &draft.themes, ThemeCode::parse);
        let indicators = codes(&mut errors, "indicators", &draft.indicators, IndicatorCode::parse);
        if let (Some(rights), Some(themes)) = (&rights, &themes)
            && rights.is_empty()
            && themes.is_empty()
        {
            errors.push("rights", ParseError::new("no_right_or_theme", "name at least one right or theme it concerns"));
        }
        if draft.consultation_id.is_some_and(|id| id < 1) {
            errors.push("consultation_id", ParseError::new("invalid_id", "not a consultation"));
        }
        errors.finish(|| {
            Some(NewRecommendation {
                city: city?,
                title: title?,
                text: text?,
                language: language?,
                source: source?,
                source_reference: source_reference?,
                made_on: made_on?,
                rights: rights?,
                themes: themes?,
                indicators: indicators?,
                consultation_id: draft.consultation_id,
            })
        })
    }
}

/// A short reference: a document symbol or a web address, one line of at most 500 characters.
fn parse_reference(input: &str) -> Result<Option<String>, ParseError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > 500 || trimmed.chars().any(char::is_control) {
        return Err(ParseError::new("invalid_reference", "a reference is one line of at most 500 characters"));
    }
    Ok(Some(trimmed.to_owned()))
}

/// Codes of one kind from a list (empty entries skipped), each error at `field`.
pub(crate) fn codes<T: Ord>(
    errors: &mut FieldErrors,
    field: &str,
    inputs: &[String],
    parse: fn(&str) -> Result<T, ParseError>,
) -> Option<BTreeSet<T>> {
    let mut parsed = BTreeSet::new();
    let mut ok = true;
    for input in inputs.iter().flat_map(|i| i.split(',')).map(str::trim).filter(|i| !i.is_empty()) {
        match parse(input) {
            Ok(code) => {
                parsed.insert(code);
            }
            Err(error) => {
                errors.push(field, error);
                ok = false;
            }
        }
    }
    if parsed.len() > 100 {
        errors.push(field, ParseError::new("too_many", "at most 100 codes"));
        ok = false;
    }
    ok.then_some(parsed)
}

/// The fields of an action as a form or the API sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionDraft {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The department (or organisation) responsible.
    pub responsible: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub budget_reference: String,
}

/// A validated action, before it is stored; it starts as not started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAction {
    pub title: String,
    pub description: Option<String>,
    pub responsible: String,
    pub deadline: Option<Date>,
    pub budget_reference: Option<String>,
}

impl NewAction {
    pub fn parse(draft: &ActionDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", parse_title(&draft.title));
        let description = errors.check("description", parse_text(&draft.description));
        let responsible = errors.check("responsible", crate::area::parse_name(&draft.responsible));
        let deadline = match draft.deadline.trim() {
            "" => Some(None),
            date => errors.check("deadline", Date::parse(date)).map(Some),
        };
        let budget_reference = errors.check("budget_reference", parse_reference(&draft.budget_reference));
        errors.finish(|| {
            Some(NewAction {
                title: title?,
                description: description?,
                responsible: responsible?,
                deadline: deadline?,
                budget_reference: budget_reference?,
            })
        })
    }
}

/// The fields of a dated update of an action.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionUpdateDraft {
    pub status: String,
    pub on: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub reason: String,
    /// One link or indicator code per line.
    #[serde(default)]
    pub evidence: String,
}

/// A validated update of an action: its new status on a date, what was done, why (required when
/// it is not accepted) and the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewActionUpdate {
    pub status: ActionStatus,
    pub on: Date,
    pub note: Option<String>,
    pub reason: Option<String>,
    pub evidence: Vec<Evidence>,
}

impl NewActionUpdate {
    /// Validates an update. An update cannot be dated after `today`; an action said to be
    /// implemented needs evidence, and one not accepted a reason.
    pub fn parse(draft: &ActionUpdateDraft, today: Date) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let status = errors.check("status", ActionStatus::parse(draft.status.trim()));
        let on = errors.check("on", Date::parse(draft.on.trim()));
        if on.is_some_and(|on| on > today) {
            errors.push("on", ParseError::new("in_the_future", "an update cannot be dated in the future"));
        }
        let note = errors.check("note", parse_text(&draft.note));
        let reason = errors.check("reason", parse_text(&draft.reason));
        let evidence = errors.check("evidence", Evidence::parse_lines(&draft.evidence));
        if status.is_some_and(ActionStatus::needs_reason) && reason.as_ref().is_some_and(Option::is_none) {
            errors.push("reason", ParseError::new("reason_required", "say why the action is not accepted"));
        }
        if status == Some(ActionStatus::Implemented) && evidence.as_ref().is_some_and(Vec::is_empty) {
            errors.push("evidence", ParseError::new("evidence_required", "give the evidence that the action is implemented"));
        }
        errors.finish(|| Some(NewActionUpdate { status: status?, on: on?, note: note?, reason: reason?, evidence: evidence? }))
    }
}

/// A stored recommendation, with the city's response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub id: i64,
    #[serde(flatten)]
    pub recommendation: NewRecommendation,
    pub response: Response,
    /// Why it was not (or only partly) accepted.
    pub response_reason: Option<String>,
    /// Whether everyone may see it; until then only the city's members (or, for the network,
    /// its coordinators) do.
    pub published: bool,
    pub recorded_by: Option<i64>,
    pub recorded_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A stored action, with its status after its latest update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: i64,
    pub recommendation_id: i64,
    #[serde(flatten)]
    pub action: NewAction,
    pub status: ActionStatus,
    pub created_by: Option<i64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A stored update of an action: kept as it was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionUpdate {
    pub id: i64,
    pub action_id: i64,
    #[serde(flatten)]
    pub update: NewActionUpdate,
    pub by: Option<i64>,
    pub at: Timestamp,
}

/// Whether an action is overdue on `today`: its deadline has passed and it is not settled.
pub fn is_overdue(status: ActionStatus, deadline: Option<Date>, today: Date) -> bool {
    !status.is_settled() && deadline.is_some_and(|deadline| deadline < today)
}

/// Where a recommendation stands, from the statuses of its actions: not accepted when the
/// city said so, otherwise the least advanced of its open actions (not started when it has
/// none), implemented only when every accepted action is.
pub fn implementation(response: Response, actions: &[ActionStatus]) -> ActionStatus {
    if response == Response::NotAccepted {
        return ActionStatus::NotAccepted;
    }
    let accepted: Vec<ActionStatus> = actions.iter().copied().filter(|s| *s != ActionStatus::NotAccepted).collect();
    if accepted.is_empty() {
        return if actions.is_empty() { ActionStatus::NotStarted } else { ActionStatus::NotAccepted };
    }
    if accepted.iter().all(|s| *s == ActionStatus::Implemented) {
        return ActionStatus::Implemented;
    }
    if accepted.iter().all(|s| *s == ActionStatus::NotStarted) {
        return ActionStatus::NotStarted;
    }
    if accepted.iter().any(|s| matches!(s, ActionStatus::Implemented | ActionStatus::PartlyImplemented)) {
        ActionStatus::PartlyImplemented
    } else {
        ActionStatus::InProgress
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> RecommendationDraft {
        RecommendationDraft {
            city: "ghent".into(),
            title: "Open a night shelter for women".into(),
            text: "The citizen lab of March found that women sleep rough\nbecause shelters are mixed.".into(),
            language: "nl".into(),
            source: "citizen_lab".into(),
            source_reference: "https://example.org/lab-2026".into(),
            made_on: "2026-03-14".into(),
            rights: vec!["CFR-34".into()],
            themes: vec!["HOUSING, GENDER".into()],
            indicators: vec!["RM-HOU-01".into()],
            consultation_id: Some(3),
        }
    }

    #[test]
    fn a_recommendation_names_its_source_date_and_what_it_concerns() {
        let recommendation = NewRecommendation::parse(&draft()).unwrap();
        assert_eq!(recommendation.city.as_ref().map(AreaCode::as_str), Some("ghent"));
        assert_eq!(recommendation.source, RecommendationSource::CitizenLab);
        assert_eq!(recommendation.themes.len(), 2);
        assert_eq!(recommendation.language.as_str(), "nl");
        assert!(recommendation.text.unwrap().contains('\n'), "a text keeps its lines");
        let network = NewRecommendation::parse(&RecommendationDraft { city: " ".into(), language: String::new(), ..draft() }).unwrap();
        assert_eq!((network.city, network.language.as_str()), (None, "en"));
    }

    #[test]
    fn every_error_of_a_recommendation_is_at_its_field() {
        let bad = RecommendationDraft {
            city: "Ghent!".into(),
            title: " ".into(),
            source: "the mayor".into(),
            made_on: "14/03/2026".into(),
            rights: vec![],
            themes: vec![],
            indicators: vec!["not a code".into()],
            consultation_id: Some(0),
            ..draft()
        };
        let fields: Vec<String> = NewRecommendation::parse(&bad).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["city", "title", "source", "made_on", "indicators", "rights", "consultation_id"]);
    }

    #[test]
    fn an_update_to_implemented_needs_evidence_and_a_refusal_a_reason() {
        let today = Date::parse("2026-12-06").unwrap();
        let implemented = ActionUpdateDraft { status: "implemented".into(), on: "2026-12-01".into(), ..Default::default() };
        assert_eq!(NewActionUpdate::parse(&implemented, today).unwrap_err().0[0].code, "evidence_required");
        let with_evidence = ActionUpdateDraft { evidence: "https://ghent.be/shelter\n\nRM-HOU-01\nRM-HOU-01".into(), ..implemented };
        let update = NewActionUpdate::parse(&with_evidence, today).unwrap();
        assert_eq!(update.evidence.len(), 2, "a repeated piece of evidence counts once");
        assert_eq!(update.evidence[1], Evidence::Indicator(IndicatorCode::parse("RM-HOU-01").unwrap()));
        let refused = ActionUpdateDraft { status: "not_accepted".into(), on: "2026-12-01".into(), ..Default::default() };
        assert_eq!(NewActionUpdate::parse(&refused, today).unwrap_err().0[0].field, "reason");
        let future = ActionUpdateDraft { status: "in_progress".into(), on: "2026-12-07".into(), ..Default::default() };
        assert_eq!(NewActionUpdate::parse(&future, today).unwrap_err().0[0].code, "in_the_future");
        for bad in ["https://", "ftp://example.org", "https://exa mple.org", "javascript:alert(1)"] {
            assert!(Evidence::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_action_is_overdue_after_its_deadline_until_it_is_settled() {
        let deadline = Some(Date::parse("2026-12-05").unwrap());
        let today = Date::parse("2026-12-06").unwrap();
        assert!(is_overdue(ActionStatus::InProgress, deadline, today));
        assert!(!is_overdue(ActionStatus::InProgress, deadline, Date::parse("2026-12-05").unwrap()), "due today is not overdue");
        assert!(!is_overdue(ActionStatus::Implemented, deadline, today));
        assert!(!is_overdue(ActionStatus::NotAccepted, deadline, today));
        assert!(!is_overdue(ActionStatus::NotStarted, None, today), "without a deadline nothing is overdue");
        let action = NewAction::parse(&ActionDraft {
            title: "Night shelter".into(),
            responsible: "Social services".into(),
            deadline: "2027-06-30".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(action.deadline, Some(Date::parse("2027-06-30").unwrap()));
        let missing = NewAction::parse(&ActionDraft { deadline: "soon".into(), ..Default::default() }).unwrap_err();
        assert_eq!(missing.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["title", "responsible", "deadline"]);
    }

    #[test]
    fn a_recommendation_is_as_far_as_its_least_advanced_accepted_action() {
        use ActionStatus::*;
        assert_eq!(implementation(Response::Pending, &[]), NotStarted);
        assert_eq!(implementation(Response::NotAccepted, &[Implemented]), NotAccepted);
        assert_eq!(implementation(Response::Accepted, &[Implemented, NotAccepted]), Implemented);
        assert_eq!(implementation(Response::Accepted, &[Implemented, NotStarted]), PartlyImplemented);
        assert_eq!(implementation(Response::Accepted, &[InProgress, NotStarted]), InProgress);
        assert_eq!(implementation(Response::Accepted, &[NotStarted, NotStarted]), NotStarted);
        assert_eq!(implementation(Response::PartlyAccepted, &[NotAccepted]), NotAccepted);
    }
}
