//! Observations: one value of one indicator version, for one area, period and group, with its
//! uncertainty, status, provenance, workflow state and revision number.

use crate::catalogue::{IndicatorDefinition, ValueType, word_enum};
use crate::codelist::DisaggregationKey;
use crate::error::{FieldErrors, ParseError};
use crate::id::{AreaCode, IndicatorCode};
use crate::period::Period;
use crate::time::Date;
use serde::{Deserialize, Serialize};

word_enum!(
    /// The status of a value, after SDMX's OBS_STATUS.
    StatusFlag, "invalid_status", "status flag" {
        Normal => "normal",
        Provisional => "provisional",
        Estimated => "estimated",
        Break => "break",
        Confidential => "confidential",
        Imputed => "imputed",
        Forecast => "forecast",
        Unreliable => "unreliable",
    }
);

impl StatusFlag {
    /// The SDMX OBS_STATUS (or CONF_STATUS for confidential) code.
    pub fn sdmx_code(self) -> &'static str {
        match self {
            Self::Normal => "A",
            Self::Provisional => "P",
            Self::Estimated => "E",
            Self::Break => "B",
            Self::Confidential => "C",
            Self::Imputed => "I",
            Self::Forecast => "F",
            Self::Unreliable => "U",
        }
    }
}

word_enum!(
    /// What kind of source a value comes from.
    ProvenanceKind, "invalid_provenance", "provenance kind" {
        Official => "official",
        Cso => "cso",
        Academic => "academic",
        Survey => "survey",
        Administrative => "administrative",
    }
);

word_enum!(
    /// Where a value is in the approval workflow.
    WorkflowState, "invalid_state", "workflow state" {
        Draft => "draft",
        Submitted => "submitted",
        Validated => "validated",
        Published => "published",
        Returned => "returned",
    }
);

impl WorkflowState {
    /// Whether the workflow allows going from `self` to `next`.
    pub fn can_become(self, next: WorkflowState) -> bool {
        use WorkflowState::*;
        matches!(
            (self, next),
            (Draft, Submitted)
                | (Returned, Submitted)
                | (Submitted, Validated)
                | (Submitted, Returned)
                | (Validated, Published)
                | (Validated, Returned)
                | (Returned, Draft)
        )
    }

    pub fn is_public(self) -> bool {
        self == WorkflowState::Published
    }
}

/// The value of an observation: a number or, for text indicators, a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ObservationValue {
    Number(f64),
    Text(String),
}

/// Where a value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The id of the providing organisation, if it is registered.
    pub organisation_id: Option<i64>,
    pub kind: ProvenanceKind,
    pub source_name: Option<String>,
    pub source_reference: Option<String>,
    pub source_date: Option<Date>,
    pub method_note: Option<String>,
}

/// The sampling uncertainty of a value estimated from a survey, beside its interval: the
/// standard error, the design effect and the respondents it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Precision {
    pub standard_error: f64,
    pub design_effect: Option<f64>,
    /// Respondents with an answer, unweighted.
    pub respondents: u64,
    /// The confidence level of the value's bounds, such as 0.95.
    pub confidence: f64,
}

impl Precision {
    /// The relative standard error of a value: its standard error as a share of it.
    pub fn relative_error(&self, value: f64) -> f64 {
        self.standard_error / value.abs()
    }
}

/// A validated observation, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewObservation {
    pub indicator: IndicatorCode,
    pub version: u32,
    pub area: AreaCode,
    pub period: Period,
    pub key: DisaggregationKey,
    pub value: ObservationValue,
    pub lower_bound: Option<f64>,
    pub upper_bound: Option<f64>,
    pub status: StatusFlag,
    pub provenance: Provenance,
    pub state: WorkflowState,
    /// For a value estimated from a survey wave: its sampling uncertainty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
}

/// The fields of an observation before validation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ObservationDraft {
    pub area: String,
    pub period: String,
    #[serde(default)]
    pub key: String,
    pub value: String,
    #[serde(default)]
    pub lower_bound: Option<String>,
    #[serde(default)]
    pub upper_bound: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub provenance_kind: Option<String>,
    #[serde(default)]
    pub source_name: Option<String>,
    #[serde(default)]
    pub source_reference: Option<String>,
    #[serde(default)]
    pub source_date: Option<String>,
    #[serde(default)]
    pub method_note: Option<String>,
}

fn optional_text(errors: &mut FieldErrors, field: &str, value: &Option<String>, max: usize) -> Option<Option<String>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Some(None),
        Some(v) if v.chars().count() > max => {
            errors.push(field, ParseError::new("too_long", format!("at most {max} characters")));
            None
        }
        Some(v) if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
            errors.push(field, ParseError::new("control_character", "the text contains a control character"));
            None
        }
        Some(v) => Some(Some(v.to_owned())),
    }
}

fn optional_number(errors: &mut FieldErrors, field: &str, value: &Option<String>) -> Option<Option<f64>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Some(None),
        Some(v) => errors.check(field, parse_number(v)).map(Some),
    }
}

/// Parses a decimal number as written in a file or a form (a decimal point, no thousands separator).
pub fn parse_number(input: &str) -> Result<f64, ParseError> {
    let trimmed = input.trim();
    let plain = !trimmed.is_empty()
        && trimmed.len() <= 40
        && trimmed.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    match trimmed.parse::<f64>() {
        // A number written with a digit other than 0 before its exponent is not zero: one too
        // close to zero to be kept exactly would otherwise be stored as 0, or rounded.
        Ok(number) if plain && number.is_finite() && number != 0.0 && number.abs() < f64::MIN_POSITIVE => Err(ParseError::new(
            "number_out_of_range",
            format!("{input:?} is too close to zero to be kept exactly (the smallest is about 2.2e-308)"),
        )),
        Ok(number) if plain && number == 0.0 && mantissa_has_nonzero_digit(trimmed) => {
            Err(ParseError::new("number_out_of_range", format!("{input:?} is too close to zero to be kept: it would be stored as 0")))
        }
        Ok(number) if plain && number.is_finite() => Ok(number),
        Ok(_) if plain => Err(ParseError::new("number_out_of_range", format!("{input:?} is too large to be kept"))),
        _ => Err(ParseError::new("not_a_number", format!("{input:?} is not a number (use a decimal point, e.g. 12.5)"))),
    }
}

/// A number written with a decimal comma, as continental spreadsheets and forms write it
/// (`53,5`, `-0,25`, `1.234,5` with points grouping thousands), rewritten with a decimal point;
/// `None` when the text has no decimal comma, or is not such a number.
pub fn from_decimal_comma(input: &str) -> Option<String> {
    let trimmed = input.trim();
    let (sign, unsigned) = match trimmed.strip_prefix(['-', '+']) {
        Some(rest) => (&trimmed[..1], rest),
        None => ("", trimmed),
    };
    let (whole, fraction) = unsigned.split_once(',')?;
    if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) || whole.is_empty() {
        return None;
    }
    let digits = if whole.contains('.') {
        // Points group thousands: 1.234.567 (one to three digits, then groups of three).
        let mut groups = whole.split('.');
        let first = groups.next()?;
        let grouped = (1..=3).contains(&first.len())
            && first.bytes().all(|b| b.is_ascii_digit())
            && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if !grouped {
            return None;
        }
        whole.replace('.', "")
    } else if whole.bytes().all(|b| b.is_ascii_digit()) {
        whole.to_owned()
    } else {
        return None;
    };
    Some(format!("{sign}{digits}.{fraction}"))
}

fn mantissa_has_nonzero_digit(text: &str) -> bool {
    text.split(['e', 'E']).next().is_some_and(|mantissa| mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)))
}

/// The subject of a value: its area, its period and its group, which the indicator must report.
fn parse_subject(
    definition: &IndicatorDefinition,
    errors: &mut FieldErrors,
    area: &str,
    period: &str,
    key: &str,
) -> (Option<AreaCode>, Option<Period>, Option<DisaggregationKey>) {
    let area = errors.check("area", AreaCode::parse(area.trim()));
    let period = errors.check("period", Period::parse(period));
    let key = errors.check("key", DisaggregationKey::parse(key.trim()));
    if let Some(key) = &key
        && !definition.allows_key(key)
    {
        errors.push("key", ParseError::new("undeclared_disaggregation", format!("{} does not report the group {key}", definition.code)));
    }
    (area, period, key)
}

impl NewObservation {
    /// Validates a draft against the indicator definition it is measured under.
    pub fn parse(definition: &IndicatorDefinition, draft: &ObservationDraft, state: WorkflowState) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (area, period, key) = parse_subject(definition, &mut errors, &draft.area, &draft.period, &draft.key);
        let value = if definition.value_type == ValueType::Text {
            let text = draft.value.trim();
            if text.is_empty() {
                errors.push("value", ParseError::new("blank", "the value is blank"));
                None
            } else {
                optional_text(&mut errors, "value", &Some(text.to_owned()), 5000).flatten().map(ObservationValue::Text)
            }
        } else {
            match errors.check("value", parse_number(&draft.value)) {
                Some(number) => errors.check("value", definition.check_number(number).map(|()| ObservationValue::Number(number))),
                None => None,
            }
        };
        let lower_bound = optional_number(&mut errors, "lower_bound", &draft.lower_bound);
        let upper_bound = optional_number(&mut errors, "upper_bound", &draft.upper_bound);
        if let (Some(ObservationValue::Number(v)), Some(lower), Some(upper)) = (&value, lower_bound, upper_bound) {
            if lower.is_some_and(|l| l > *v) {
                errors.push("lower_bound", ParseError::new("bound_out_of_order", "the lower bound is above the value"));
            }
            if upper.is_some_and(|u| u < *v) {
                errors.push("upper_bound", ParseError::new("bound_out_of_order", "the upper bound is below the value"));
            }
        }
        if matches!(value, Some(ObservationValue::Text(_))) && (lower_bound.flatten().is_some() || upper_bound.flatten().is_some()) {
            errors.push("lower_bound", ParseError::new("unexpected_bounds", "a text value has no confidence bounds"));
        }
        let status = match draft.status.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => errors.check("status", StatusFlag::parse(s)),
            None => Some(StatusFlag::Normal),
        };
        let kind = match draft.provenance_kind.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => errors.check("provenance_kind", ProvenanceKind::parse(s)),
            None => Some(ProvenanceKind::Official),
        };
        let source_name = optional_text(&mut errors, "source_name", &draft.source_name, 300);
        let source_reference = optional_text(&mut errors, "source_reference", &draft.source_reference, 1000);
        let source_date = match draft.source_date.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => errors.check("source_date", Date::parse(s)).map(Some),
            None => Some(None),
        };
        let method_note = optional_text(&mut errors, "method_note", &draft.method_note, 5000);
        errors.finish(|| {
            Some(NewObservation {
                indicator: definition.code.clone(),
                version: definition.version,
                area: area?,
                period: period?,
                key: key?,
                value: value?,
                lower_bound: lower_bound?,
                upper_bound: upper_bound?,
                status: status?,
                provenance: Provenance {
                    organisation_id: None,
                    kind: kind?,
                    source_name: source_name?,
                    source_reference: source_reference?,
                    source_date: source_date?,
                    method_note: method_note?,
                },
                state,
                precision: None,
            })
        })
    }
}

/// A stored observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub id: i64,
    #[serde(flatten)]
    pub data: NewObservation,
    pub revision: u32,
    pub entered_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub created_at: crate::time::Timestamp,
    pub updated_at: crate::time::Timestamp,
}

word_enum!(
    /// What a change in a value's history did.
    RevisionAction, "invalid_revision_action", "revision action" {
        Created => "created",
        Submitted => "submitted",
        Validated => "validated",
        Published => "published",
        Returned => "returned",
        Draft => "draft",
        Revised => "revised",
    }
);

impl RevisionAction {
    /// The action that moves a value into `state`.
    pub fn into_state(state: WorkflowState) -> Self {
        match state {
            WorkflowState::Draft => Self::Draft,
            WorkflowState::Submitted => Self::Submitted,
            WorkflowState::Validated => Self::Validated,
            WorkflowState::Published => Self::Published,
            WorkflowState::Returned => Self::Returned,
        }
    }
}

/// One entry of a value's history: who changed it, when, how and why, and the value after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservationRevision {
    pub observation_id: i64,
    pub revision: u32,
    pub at: crate::time::Timestamp,
    pub user_id: Option<i64>,
    pub action: RevisionAction,
    pub reason: Option<String>,
    pub snapshot: NewObservation,
}

impl NewObservation {
    /// Whether two values are about the same thing: indicator version, area, period and group.
    pub fn same_subject(&self, other: &NewObservation) -> bool {
        self.indicator == other.indicator
            && self.version == other.version
            && self.area == other.area
            && self.period == other.period
            && self.key == other.key
    }
}

/// A civil-society organisation's own value or assessment for an indicator, period and group,
/// kept beside the official value and never replacing it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewShadowValue {
    pub indicator: IndicatorCode,
    pub version: u32,
    pub area: AreaCode,
    pub period: Period,
    pub key: DisaggregationKey,
    pub value: Option<f64>,
    pub assessment: Option<String>,
    pub sources: String,
    pub organisation_id: Option<i64>,
    /// How the value or assessment was found.
    #[serde(default)]
    pub method_note: Option<String>,
}

/// The fields of a shadow value before validation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShadowDraft {
    pub area: String,
    pub period: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub sources: String,
    #[serde(default)]
    pub method_note: String,
}

impl NewShadowValue {
    /// Validates a draft against the indicator version it is about. A shadow value needs a
    /// number or an assessment (or both), and its sources.
    pub fn parse(definition: &IndicatorDefinition, draft: &ShadowDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (area, period, key) = parse_subject(definition, &mut errors, &draft.area, &draft.period, &draft.key);
        let value = match draft.value.trim() {
            "" => Some(None),
            text => match errors.check("value", parse_number(text)) {
                Some(number) => errors.check("value", definition.check_number(number)).map(|()| Some(number)),
                None => None,
            },
        };
        let assessment = optional_text(&mut errors, "assessment", &Some(draft.assessment.clone()), 10_000);
        let sources = optional_text(&mut errors, "sources", &Some(draft.sources.clone()), 5000);
        let method_note = optional_text(&mut errors, "method_note", &Some(draft.method_note.clone()), 5000);
        if matches!((&value, &assessment), (Some(None), Some(None))) {
            errors.push("value", ParseError::new("missing_value", "give a value, an assessment, or both"));
        }
        if matches!(sources, Some(None)) {
            errors.push("sources", ParseError::new("missing_sources", "say where the value or assessment comes from"));
        }
        errors.finish(|| {
            Some(NewShadowValue {
                indicator: definition.code.clone(),
                version: definition.version,
                area: area?,
                period: period?,
                key: key?,
                value: value?,
                assessment: assessment?,
                sources: sources??,
                organisation_id: None,
                method_note: method_note?,
            })
        })
    }
}

/// A stored shadow value, with the municipality's reply if it gave one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadowValue {
    pub id: i64,
    #[serde(flatten)]
    pub data: NewShadowValue,
    pub user_id: i64,
    pub at: crate::time::Timestamp,
    pub reply: Option<ShadowReply>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadowReply {
    pub text: String,
    pub user_id: i64,
    pub at: crate::time::Timestamp,
}

/// A reference point (baseline) or aim (target) of an indicator in one city and group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Benchmark {
    pub indicator: IndicatorCode,
    pub area: AreaCode,
    pub key: DisaggregationKey,
    pub period: Period,
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{IndicatorDraft, RightLinkDraft};

    #[test]
    fn decimal_commas_are_read_as_continental_spreadsheets_write_them() {
        assert_eq!(from_decimal_comma("53,0").as_deref(), Some("53.0"));
        assert_eq!(from_decimal_comma(" -0,25 ").as_deref(), Some("-0.25"));
        assert_eq!(from_decimal_comma("1.234.567,5").as_deref(), Some("1234567.5"));
        for not_one in ["53", "53.5", "1,234.5", "1.23,4", ",5", "5,", "a,5", "1,2,3", "12.34,5"] {
            assert_eq!(from_decimal_comma(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn numbers_too_close_to_zero_or_too_large_to_keep_are_refused_not_rounded() {
        assert_eq!(parse_number("1e-400").unwrap_err().code, "number_out_of_range");
        assert_eq!(parse_number("-2.5E-320").unwrap_err().code, "number_out_of_range");
        assert_eq!(parse_number("1e400").unwrap_err().code, "number_out_of_range");
        assert_eq!(parse_number("0e-400").unwrap(), 0.0);
        assert_eq!(parse_number("0.000").unwrap(), 0.0);
        assert_eq!(parse_number("1e-300").unwrap(), 1e-300);
        assert_eq!(parse_number("53,0").unwrap_err().code, "not_a_number");
    }

    fn definition() -> IndicatorDefinition {
        IndicatorDefinition::parse(&IndicatorDraft {
            code: "RM-EDU-01".into(),
            version: 1,
            name: [("en".to_owned(), "Early leavers".to_owned())].into(),
            definition: [("en".to_owned(), "Share of 18-24 year olds".to_owned())].into(),
            unit: "%".into(),
            direction: "lower_is_better".into(),
            value_type: "percentage".into(),
            disaggregations: vec![vec!["SEX".into()]],
            rights: vec![RightLinkDraft { right: "CFR-14".into(), link_type: "outcome".into(), attribute: None }],
            ..IndicatorDraft::default()
        })
        .unwrap()
    }

    fn draft(value: &str) -> ObservationDraft {
        ObservationDraft {
            area: "padova".into(),
            period: "2023".into(),
            key: "SEX=F".into(),
            value: value.into(),
            ..ObservationDraft::default()
        }
    }

    #[test]
    fn a_valid_observation_keeps_its_version_and_state() {
        let obs = NewObservation::parse(&definition(), &draft("12.5"), WorkflowState::Draft).unwrap();
        assert_eq!(obs.version, 1);
        assert_eq!(obs.value, ObservationValue::Number(12.5));
        assert_eq!(obs.state, WorkflowState::Draft);
        assert_eq!(obs.provenance.kind, ProvenanceKind::Official);
    }

    #[test]
    fn values_outside_natural_limits_or_undeclared_groups_are_refused() {
        assert_eq!(NewObservation::parse(&definition(), &draft("120"), WorkflowState::Draft).unwrap_err().0[0].code, "above_limit");
        let mut d = draft("12");
        d.key = "AGE=Y15T24".into();
        assert_eq!(NewObservation::parse(&definition(), &d, WorkflowState::Draft).unwrap_err().0[0].code, "undeclared_disaggregation");
        for bad in ["12,5", "1 000", "abc", "", "NaN", "inf", "0x10"] {
            assert!(NewObservation::parse(&definition(), &draft(bad), WorkflowState::Draft).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds_must_enclose_the_value() {
        let mut d = draft("12");
        d.lower_bound = Some("13".into());
        d.upper_bound = Some("11".into());
        let codes: Vec<&str> =
            NewObservation::parse(&definition(), &d, WorkflowState::Draft).unwrap_err().0.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["bound_out_of_order", "bound_out_of_order"]);
    }

    #[test]
    fn a_shadow_value_needs_a_value_or_an_assessment_and_its_sources() {
        let draft = ShadowDraft { area: "padova".into(), period: "2023".into(), key: "SEX=F".into(), ..ShadowDraft::default() };
        let codes: Vec<&str> = NewShadowValue::parse(&definition(), &draft).unwrap_err().0.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["missing_value", "missing_sources"]);
        let with_assessment = ShadowDraft {
            assessment: "Far higher in our survey of tenants".into(),
            sources: "Tenants' survey 2023".into(),
            ..draft.clone()
        };
        let shadow = NewShadowValue::parse(&definition(), &with_assessment).unwrap();
        assert_eq!((shadow.value, shadow.assessment.as_deref()), (None, Some("Far higher in our survey of tenants")));
        let out_of_range = ShadowDraft { value: "140".into(), sources: "x".into(), ..draft };
        assert_eq!(NewShadowValue::parse(&definition(), &out_of_range).unwrap_err().0[0].code, "above_limit");
    }

    #[test]
    fn the_workflow_only_moves_along_its_edges() {
        use WorkflowState::*;
        assert!(Draft.can_become(Submitted));
        assert!(Submitted.can_become(Validated));
        assert!(Validated.can_become(Published));
        assert!(Submitted.can_become(Returned));
        assert!(!Draft.can_become(Published));
        assert!(!Published.can_become(Draft));
        assert!(!Submitted.can_become(Published));
    }
}
