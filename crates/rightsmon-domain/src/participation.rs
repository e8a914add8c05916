//! Participation: consultations of residents and organisations, and the assessments the
//! municipality and civil society each give of a right or theme in a cycle, side by side.

use crate::accountability::{Evidence, parse_text, parse_title};
use crate::catalogue::word_enum;
use crate::error::{FieldErrors, ParseError};
use crate::id::AreaCode;
use crate::right::{RightCode, ThemeCode};
use crate::time::{Date, Timestamp};
use serde::{Deserialize, Serialize};

word_enum!(
    /// How a consultation was held.
    ConsultationFormat, "invalid_consultation_format", "format of a consultation" {
        CitizenLab => "citizen_lab",
        Workshop => "workshop",
        Hearing => "hearing",
        SurveyOfOrganisations => "survey_of_organisations",
        Other => "other",
    }
);

/// The smallest group whose count of participants is shown, unless the network sets another:
/// a smaller group could single out the people in it.
pub const DEFAULT_DISCLOSURE_THRESHOLD: u32 = 10;
/// The most groups one consultation may count.
pub const MAX_GROUPS: usize = 50;

/// The fields of a consultation as a form or the API sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConsultationDraft {
    pub city: String,
    pub title: String,
    pub held_on: String,
    pub format: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub organisers: String,
    /// Who took part, one group per line: `group: count` (e.g. `young people: 14`).
    #[serde(default)]
    pub participants: String,
    /// What was raised.
    #[serde(default)]
    pub raised: String,
    /// Documents and links, one per line.
    #[serde(default)]
    pub documents: String,
}

/// A validated consultation, before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewConsultation {
    pub city: AreaCode,
    pub title: String,
    pub held_on: Date,
    pub format: ConsultationFormat,
    pub place: Option<String>,
    pub organisers: Option<String>,
    /// Participants by group, in the order given; every count is kept, and only those at or
    /// above the disclosure threshold are shown ([`NewConsultation::participants_shown`]).
    pub participants: Vec<(String, u32)>,
    pub raised: Option<String>,
    pub documents: Vec<Evidence>,
}

/// A count of participants as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "shown", content = "count")]
pub enum ShownCount {
    /// The count itself, at or above the threshold.
    Count(u32),
    /// Fewer than the threshold took part: the count is withheld.
    Withheld,
}

impl NewConsultation {
    /// Validates a consultation; it cannot be dated after `today`.
    pub fn parse(draft: &ConsultationDraft, today: Date) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let city = errors.check("city", AreaCode::parse(draft.city.trim()));
        let title = errors.check("title", parse_title(&draft.title));
        let held_on = errors.check("held_on", Date::parse(draft.held_on.trim()));
        if held_on.is_some_and(|on| on > today) {
            errors.push("held_on", ParseError::new("in_the_future", "record a consultation once it has been held"));
        }
        let format = errors.check("format", ConsultationFormat::parse(draft.format.trim()));
        let place = errors.check("place", optional_line(&draft.place));
        let organisers = errors.check("organisers", optional_line(&draft.organisers));
        let participants = errors.check("participants", parse_participants(&draft.participants));
        let raised = errors.check("raised", parse_text(&draft.raised));
        let documents = errors.check("documents", Evidence::parse_lines(&draft.documents));
        errors.finish(|| {
            Some(NewConsultation {
                city: city?,
                title: title?,
                held_on: held_on?,
                format: format?,
                place: place?,
                organisers: organisers?,
                participants: participants?,
                raised: raised?,
                documents: documents?,
            })
        })
    }

    /// The participants as they may be shown: a group below `threshold` is withheld, and so is
    /// the total when any group is (it would give the withheld count away).
    pub fn participants_shown(&self, threshold: u32) -> (Vec<(String, ShownCount)>, ShownCount) {
        let shown: Vec<(String, ShownCount)> = self
            .participants
            .iter()
            .map(|(group, count)| (group.clone(), if *count >= threshold { ShownCount::Count(*count) } else { ShownCount::Withheld }))
            .collect();
        let total: u32 = self.participants.iter().map(|(_, count)| *count).sum();
        let total = if shown.iter().any(|(_, s)| *s == ShownCount::Withheld) || total < threshold {
            ShownCount::Withheld
        } else {
            ShownCount::Count(total)
        };
        (shown, total)
    }
}

/// A stored consultation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consultation {
    pub id: i64,
    #[serde(flatten)]
    pub consultation: NewConsultation,
    pub recorded_by: Option<i64>,
    pub recorded_at: Timestamp,
}

/// One line of at most 200 characters; blank is `None`.
fn optional_line(input: &str) -> Result<Option<String>, ParseError> {
    if input.trim().is_empty() { Ok(None) } else { crate::area::parse_name(input).map(Some) }
}

/// `group: count` per line; a group named twice is refused.
pub fn parse_participants(input: &str) -> Result<Vec<(String, u32)>, ParseError> {
    let mut groups: Vec<(String, u32)> = Vec::new();
    for (number, line) in input.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty()) {
        let Some((group, count)) = line.rsplit_once(':') else {
            return Err(ParseError::new(
                "invalid_participants",
                format!("line {number}: write a group and its count, as \"young people: 14\""),
            ));
        };
        let group =
            crate::area::parse_name(group).map_err(|e| ParseError::new("invalid_participants", format!("line {number}: {}", e.message)))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| ParseError::new("invalid_participants", format!("line {number}: {:?} is not a whole number", count.trim())))?;
        if groups.iter().any(|(g, _)| g.eq_ignore_ascii_case(&group)) {
            return Err(ParseError::new("invalid_participants", format!("line {number}: {group:?} is counted twice")));
        }
        groups.push((group, count));
    }
    if groups.len() > MAX_GROUPS {
        return Err(ParseError::new("invalid_participants", format!("at most {MAX_GROUPS} groups")));
    }
    Ok(groups)
}

word_enum!(
    /// A verdict on how well a right or theme is respected, on the scale both sides share.
    Verdict, "invalid_verdict", "verdict" {
        Good => "good",
        Partly => "partly",
        Insufficient => "insufficient",
        NoInformation => "no_information",
    }
);

/// What an assessment is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "code")]
pub enum AssessedSubject {
    Right(RightCode),
    Theme(ThemeCode),
}

impl AssessedSubject {
    /// Reads `right:CFR-34` or `theme:HOUSING`.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        match input.trim().split_once(':') {
            Some(("right", code)) => RightCode::parse(code.trim()).map(Self::Right),
            Some(("theme", code)) => ThemeCode::parse(code.trim()).map(Self::Theme),
            _ => Err(ParseError::new("invalid_subject", format!("{input:?} is neither right:CODE nor theme:CODE"))),
        }
    }
}

impl std::fmt::Display for AssessedSubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Right(code) => write!(f, "right:{code}"),
            Self::Theme(code) => write!(f, "theme:{code}"),
        }
    }
}

/// Who gives an assessment: the municipality, or one civil-society organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "side", content = "organisation_id")]
pub enum Assessor {
    Municipality,
    Organisation(i64),
}

/// The fields of an assessment as a form or the API sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssessmentDraft {
    pub subject: String,
    pub verdict: String,
    pub reasoning: String,
    /// Links and indicator codes, one per line.
    #[serde(default)]
    pub evidence: String,
}

/// A validated assessment, before it is stored as a new version of its assessor's assessment
/// of the subject in the cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAssessment {
    pub subject: AssessedSubject,
    pub verdict: Verdict,
    pub reasoning: String,
    pub evidence: Vec<Evidence>,
}

impl NewAssessment {
    /// Validates an assessment: a verdict always comes with its reasoning.
    pub fn parse(draft: &AssessmentDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let subject = errors.check("subject", AssessedSubject::parse(&draft.subject));
        let verdict = errors.check("verdict", Verdict::parse(draft.verdict.trim()));
        let reasoning = match errors.check("reasoning", parse_text(&draft.reasoning)) {
            Some(None) => {
                errors.push("reasoning", ParseError::new("blank", "say why: a verdict comes with its reasoning"));
                None
            }
            other => other.flatten(),
        };
        let evidence = errors.check("evidence", Evidence::parse_lines(&draft.evidence));
        errors.finish(|| Some(NewAssessment { subject: subject?, verdict: verdict?, reasoning: reasoning?, evidence: evidence? }))
    }
}

/// One version of one assessor's assessment of a subject in a cycle. Versions are numbered from
/// 1 for each subject and assessor; the latest is the assessor's assessment, the earlier ones
/// stay as they were written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: i64,
    pub cycle_id: i64,
    pub assessor: Assessor,
    pub version: i64,
    #[serde(flatten)]
    pub assessment: NewAssessment,
    pub by: Option<i64>,
    pub at: Timestamp,
}

/// Whether two sides' verdicts disagree: both said something, and not the same thing ("no
/// information" on either side is a gap, not a disagreement).
pub fn disagree(a: Verdict, b: Verdict) -> bool {
    a != b && a != Verdict::NoInformation && b != Verdict::NoInformation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::parse("2026-12-06").unwrap()
    }

    fn draft() -> ConsultationDraft {
        ConsultationDraft {
            city: "ghent".into(),
            title: "Citizen lab on housing".into(),
            held_on: "2026-03-14".into(),
            format: "citizen_lab".into(),
            place: "Library De Krook".into(),
            organisers: "City of Ghent; Samenlevingsopbouw".into(),
            participants: "tenants: 23\nyoung people: 12\nRoma families: 4".into(),
            raised: "Shelters are mixed; women sleep rough.".into(),
            documents: "https://example.org/lab-report.pdf".into(),
        }
    }

    #[test]
    fn a_consultation_counts_its_participants_by_group() {
        let consultation = NewConsultation::parse(&draft(), today()).unwrap();
        assert_eq!(consultation.participants, [("tenants".into(), 23), ("young people".into(), 12), ("Roma families".into(), 4)]);
        assert_eq!(consultation.format, ConsultationFormat::CitizenLab);
    }

    #[test]
    fn a_small_group_is_withheld_and_so_is_the_total_that_would_give_it_away() {
        let consultation = NewConsultation::parse(&draft(), today()).unwrap();
        let (groups, total) = consultation.participants_shown(DEFAULT_DISCLOSURE_THRESHOLD);
        assert_eq!(groups[0].1, ShownCount::Count(23));
        assert_eq!(groups[2].1, ShownCount::Withheld, "4 people could be singled out");
        assert_eq!(total, ShownCount::Withheld, "39 minus 35 would give the 4 away");
        let larger =
            NewConsultation::parse(&ConsultationDraft { participants: "tenants: 23\nyoung people: 12".into(), ..draft() }, today())
                .unwrap();
        assert_eq!(larger.participants_shown(10).1, ShownCount::Count(35));
        assert_eq!(larger.participants_shown(30).1, ShownCount::Withheld, "every group below the threshold");
    }

    #[test]
    fn participants_are_refused_with_the_line_that_is_wrong() {
        for (input, said) in [
            ("tenants 23", "line 1"),
            ("tenants: 23\nyoung people: many", "line 2"),
            ("tenants: 23\nTenants: 4", "counted twice"),
            ("tenants: -3", "line 1"),
        ] {
            let error = parse_participants(input).unwrap_err();
            assert!(error.message.contains(said), "{input}: {}", error.message);
        }
        let errors =
            NewConsultation::parse(&ConsultationDraft { held_on: "2026-12-07".into(), format: "party".into(), ..draft() }, today())
                .unwrap_err();
        assert_eq!(errors.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["held_on", "format"]);
    }

    #[test]
    fn a_verdict_comes_with_its_reasoning_and_only_real_verdicts_disagree() {
        let assessment = NewAssessment::parse(&AssessmentDraft {
            subject: "right:CFR-34".into(),
            verdict: "partly".into(),
            reasoning: "Shelter places grew, but not for women.".into(),
            evidence: "RM-HOU-01".into(),
        })
        .unwrap();
        assert_eq!(assessment.subject.to_string(), "right:CFR-34");
        let fields: Vec<String> =
            NewAssessment::parse(&AssessmentDraft { subject: "CFR-34".into(), verdict: "fine".into(), ..Default::default() })
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| e.field)
                .collect();
        assert_eq!(fields, ["subject", "verdict", "reasoning"]);
        assert!(disagree(Verdict::Good, Verdict::Insufficient));
        assert!(!disagree(Verdict::Good, Verdict::Good));
        assert!(!disagree(Verdict::Good, Verdict::NoInformation));
    }
}
