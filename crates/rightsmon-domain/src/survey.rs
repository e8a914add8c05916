//! Surveys of residents: a wave of a city's survey, the design it was drawn by, and the estimates
//! made from its respondents' answers after disclosure control. The answers themselves (the
//! microdata) are kept apart from the survey, only for estimating again, and may be deleted
//! while the survey and its estimates stay.

use crate::accountability::parse_title;
use crate::catalogue::word_enum;
use crate::codelist::DisaggregationKey;
use crate::error::{FieldErrors, ParseError};
use crate::id::{AreaCode, IndicatorCode};
use crate::period::Period;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The longest design description a survey keeps.
pub const MAX_DESIGN_BYTES: usize = 1024 * 1024;

word_enum!(
    /// What disclosure control decided for an estimate.
    EstimateStatus, "invalid_estimate_status", "estimate status" {
        Published => "published",
        Unreliable => "unreliable",
        Suppressed => "suppressed",
    }
);

/// Why disclosure control withheld or flagged an estimate: the rule and its parameter, so that
/// it can be said in every language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ControlReason {
    /// Fewer respondents than the threshold: withheld.
    FewRespondents { min: u64 },
    /// A relative standard error above the limit (a share, such as 0.3): published, flagged.
    HighError { max_rse: f64 },
    /// Withheld so that another withheld estimate cannot be worked out from the published ones
    /// and their totals; `domain` names it, empty for the whole population.
    Protects { domain: String },
    /// The same, for an indicator's value: the area and group of the value it protects.
    ProtectsValue { area: AreaCode, key: DisaggregationKey },
}

/// One estimate of a survey, as published: a withheld one has no numbers, only its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyEstimate {
    pub name: String,
    /// total, mean, ratio or proportion.
    pub parameter: String,
    pub variable: String,
    /// `column=code` pairs joined with `; `; empty for the whole population.
    pub domain: String,
    /// For a proportion, the answer it is the share of.
    pub level: String,
    pub estimate: Option<f64>,
    pub se: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub confidence: f64,
    /// How the interval was built: t, logit, korn-graubard or wald.
    pub interval: String,
    pub df: Option<f64>,
    pub deff: Option<f64>,
    /// Respondents with an answer, unweighted.
    pub n: Option<u64>,
    pub weighted_n: Option<f64>,
    pub status: EstimateStatus,
    /// Why it is withheld or flagged, in words; empty when published as it is.
    pub reason: String,
    /// The same, as a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<ControlReason>,
    /// The indicator whose value (or withheld value) the estimate gives, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// The method and its version.
    pub method: String,
}

/// A value of an indicator that a survey wave could not publish because disclosure control
/// withheld its estimate. It stands where the value would, saying so and why: never a blank
/// or a zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewWithheld {
    pub indicator: IndicatorCode,
    pub version: u32,
    pub area: AreaCode,
    pub period: Period,
    pub key: DisaggregationKey,
    pub reason: ControlReason,
}

/// A kept withheld value, with the wave that withheld it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithheldValue {
    pub survey_id: i64,
    #[serde(flatten)]
    pub withheld: NewWithheld,
}

/// What a wave gives the indicators its design names: values for review, each new or replacing
/// an earlier wave's draft of the same subject (by id and revision), and the values withheld.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SurveyValues {
    pub values: Vec<(crate::observation::NewObservation, Option<(i64, u32)>)>,
    pub withheld: Vec<NewWithheld>,
}

/// A survey wave, checked, with its estimates, ready to keep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSurvey {
    pub city: AreaCode,
    pub title: String,
    pub period: Period,
    /// The design description as given (TOML).
    pub design: String,
    /// The name of the respondents' file as uploaded.
    pub file_name: String,
    pub respondents: u64,
    pub estimates: Vec<SurveyEstimate>,
}

/// A kept survey wave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survey {
    pub id: i64,
    #[serde(flatten)]
    pub survey: NewSurvey,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: Timestamp,
    /// When the respondents' answers were deleted, and by whom; the estimates stay.
    pub microdata_deleted_by: Option<i64>,
    pub microdata_deleted_at: Option<Timestamp>,
}

impl Survey {
    /// Whether the respondents' answers are still kept.
    pub fn has_microdata(&self) -> bool {
        self.microdata_deleted_at.is_none()
    }
}

/// The fields of a survey wave as a form or the API sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SurveyDraft {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub design: String,
}

/// The checked fields of a survey wave, before its file is read.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyHeading {
    pub title: String,
    pub period: Period,
    pub design: String,
}

impl SurveyHeading {
    /// Checks the title, period and design text, each error at its field.
    pub fn parse(draft: &SurveyDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", parse_title(&draft.title));
        let period = errors.check("period", Period::parse(draft.period.trim()));
        let design = draft.design.trim();
        if design.is_empty() {
            errors.push("design", ParseError::new("blank", "give the design description: its weight column and the estimates to make"));
        } else if design.len() > MAX_DESIGN_BYTES {
            errors.push("design", ParseError::new("too_long", "the design description is longer than 1 MB"));
        }
        errors.finish(|| Some(Self { title: title?, period: period?, design: design.to_owned() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_is_checked_field_by_field() {
        let heading =
            SurveyHeading::parse(&SurveyDraft { title: " Safety survey ".into(), period: "2026".into(), design: "weight = \"w\"".into() })
                .unwrap();
        assert_eq!((heading.title.as_str(), heading.period.to_string().as_str()), ("Safety survey", "2026"));
        let errors = SurveyHeading::parse(&SurveyDraft { title: String::new(), period: "someday".into(), design: " ".into() }).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "period", "design"]);
    }
}
