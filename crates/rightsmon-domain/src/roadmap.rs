//! The road map: the steps a city goes through to run its monitoring, as the network lists them,
//! and when each city reached each step, with its evidence.

use crate::accountability::{Evidence, parse_text};
use crate::error::{FieldErrors, ParseError};
use crate::id::{AreaCode, StepCode};
use crate::text::Texts;
use crate::time::{Date, Timestamp};
use serde::{Deserialize, Serialize};

/// The steps a network starts with; its coordinators add their own.
pub const DEFAULT_STEPS: &[(&str, &str)] = &[
    ("working-group", "Working group formed, with municipal and civil-society members"),
    ("priorities", "Priorities chosen"),
    ("indicators-adopted", "Indicators adopted"),
    ("baseline", "Baseline collected"),
    ("first-cycle", "First cycle closed"),
    ("first-report", "First report published"),
    ("dialogue", "Dialogue held on the findings"),
    ("follow-up", "Follow-up agreed"),
];

/// A step of the road map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapStep {
    pub code: StepCode,
    /// Its place in the list, from 1.
    pub position: u32,
    pub name: Texts,
}

/// A step a city reached: when, with what evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMilestone {
    pub city: AreaCode,
    pub step: StepCode,
    pub reached_on: Date,
    pub evidence: Vec<Evidence>,
    pub note: Option<String>,
}

/// A kept milestone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    #[serde(flatten)]
    pub milestone: NewMilestone,
    pub recorded_by: Option<i64>,
    pub recorded_at: Timestamp,
}

/// The fields of a milestone as a form or the API sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MilestoneDraft {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub reached_on: String,
    /// Links and indicator codes, one per line.
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub note: String,
}

impl NewMilestone {
    /// Validates a milestone of `city`: a step, a date not after `today`, and evidence (a link
    /// or an indicator) that it was reached.
    pub fn parse(city: &AreaCode, draft: &MilestoneDraft, today: Date) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let step = errors.check("step", StepCode::parse(draft.step.trim()));
        let reached_on = match errors.check("reached_on", Date::parse(draft.reached_on.trim())) {
            Some(date) if date > today => {
                errors.push("reached_on", ParseError::new("date_in_future", "a step is recorded once it is reached"));
                None
            }
            other => other,
        };
        let evidence = match errors.check("evidence", Evidence::parse_lines(&draft.evidence)) {
            Some(evidence) if evidence.is_empty() => {
                errors
                    .push("evidence", ParseError::new("evidence_required", "give a link or an indicator that shows the step was reached"));
                None
            }
            other => other,
        };
        let note = errors.check("note", parse_text(&draft.note));
        errors.finish(|| Some(NewMilestone { city: city.clone(), step: step?, reached_on: reached_on?, evidence: evidence?, note: note? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_milestone_has_a_step_a_past_date_and_evidence() {
        let ghent = AreaCode::parse("ghent").unwrap();
        let today = Date::parse("2026-12-06").unwrap();
        let draft = MilestoneDraft {
            step: "working-group".into(),
            reached_on: "2026-02-01".into(),
            evidence: "https://example.org/council-decision".into(),
            note: String::new(),
        };
        let milestone = NewMilestone::parse(&ghent, &draft, today).unwrap();
        assert_eq!(milestone.step.as_str(), "working-group");
        let refused = NewMilestone::parse(
            &ghent,
            &MilestoneDraft { step: "Working Group".into(), reached_on: "2026-12-07".into(), evidence: String::new(), note: String::new() },
            today,
        )
        .unwrap_err();
        assert_eq!(refused.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["step", "reached_on", "evidence"]);
        assert!(DEFAULT_STEPS.iter().all(|(code, _)| StepCode::parse(code).is_ok()));
    }
}
