//! Indicators as versioned definitions, and their links to rights and themes.
//!
//! An [`IndicatorDefinition`] is one version of an indicator. Observations keep the version they
//! were measured under, so a change that breaks comparability is a new version and the series
//! shows the break.

use crate::codelist::DisaggregationKey;
use crate::error::{FieldErrors, ParseError};
use crate::id::{AreaCode, DimensionId, IndicatorCode};
use crate::right::{RightCode, ThemeCode};
use crate::text::Texts;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $code:literal, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(input: &str) -> Result<Self, ParseError> {
                match input {
                    $($text => Ok(Self::$variant),)+
                    other => Err(ParseError::new($code, format!(
                        "{other:?} is not a {}: use one of {}", $what, [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(value: String) -> Result<Self, ParseError> { Self::parse(&value) }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> &'static str { value.as_str() }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use word_enum;

word_enum!(
    /// Which way is better; `unstated` until someone says (an imported indicator whose source
    /// does not tell), and then no progress is assessed.
    Direction, "invalid_direction", "direction" {
        HigherIsBetter => "higher_is_better",
        LowerIsBetter => "lower_is_better",
        TargetBand => "target_band",
        Unstated => "unstated",
    }
);

word_enum!(
    /// What kind of value an observation of the indicator holds.
    ValueType, "invalid_value_type", "value type" {
        Number => "number",
        Percentage => "percentage",
        Rate => "rate",
        Count => "count",
        YesNo => "yes_no",
        Ordinal => "ordinal",
        Text => "text",
    }
);

word_enum!(
    /// Whether the values of groups add up to the value of the whole.
    Additivity, "invalid_additivity", "additivity" {
        Additive => "additive",
        NonAdditive => "non_additive",
    }
);

word_enum!(
    /// How often the indicator is measured.
    Frequency, "invalid_frequency", "frequency" {
        Monthly => "monthly",
        Quarterly => "quarterly",
        HalfYearly => "half_yearly",
        Annual => "annual",
        Biennial => "biennial",
        Irregular => "irregular",
    }
);

word_enum!(
    /// The role an indicator plays for one right (OHCHR): structural, process or outcome.
    LinkType, "invalid_link_type", "link type" {
        Structural => "structural",
        Process => "process",
        Outcome => "outcome",
    }
);

word_enum!(
    /// Who is best placed to provide an indicator's values.
    ProviderKind, "invalid_provider", "provider" {
        MunicipalDepartment => "municipal_department",
        Cso => "cso",
        Academic => "academic",
        Network => "network",
        NationalStatistics => "national_statistics",
    }
);

word_enum!(
    /// How a local indicator compares with a core one: `identical` (the same definition, values
    /// compare directly), `adjusted` (the same concept measured differently: compare with care,
    /// as the note explains) or `related` (a related concept: compare directions, not values).
    Comparability, "invalid_comparability", "comparability" {
        Identical => "identical",
        Adjusted => "adjusted",
        Related => "related",
    }
);

/// Who owns an indicator: the network (a core indicator) or one city (a local one).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "city")]
pub enum IndicatorScope {
    Core,
    Local(AreaCode),
}

/// The public definition an indicator follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRef {
    pub name: String,
    pub code: Option<String>,
    pub url: Option<String>,
}

/// One version of an indicator's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDefinition {
    pub code: IndicatorCode,
    pub version: u32,
    pub scope: IndicatorScope,
    pub name: Texts,
    pub definition: Texts,
    pub rationale: Option<Texts>,
    pub computation: Option<Computation>,
    /// Short unit label, e.g. `%`, `per 1000 residents`, `EUR`.
    pub unit: String,
    pub decimals: u8,
    pub direction: Direction,
    pub value_type: ValueType,
    pub additivity: Additivity,
    pub lower_limit: Option<f64>,
    pub upper_limit: Option<f64>,
    /// The band a target-band indicator aims for.
    pub target_band: Option<(f64, f64)>,
    /// Ordinal indicators: the highest level (levels are 1..=max).
    pub ordinal_levels: Option<u8>,
    /// The combinations of dimensions the indicator reports (never the full cartesian product).
    pub disaggregations: Vec<Vec<DimensionId>>,
    pub source: Option<SourceRef>,
    pub suggested_provider: Option<ProviderKind>,
    pub frequency: Frequency,
    pub themes: Vec<ThemeCode>,
    pub rights: Vec<RightLink>,
    /// Notes on comparing values across cities and over time.
    pub comparability: Option<Texts>,
    /// For a local indicator: the core indicator it compares with, and how.
    pub compares_with: Option<CoreComparison>,
    /// Whether this version breaks comparability with the one before it (a series break).
    pub breaks_series: bool,
}

/// How an indicator's value is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Computation {
    pub numerator: Option<Texts>,
    pub denominator: Option<Texts>,
    pub formula: Option<Texts>,
    pub survey_question: Option<Texts>,
}

/// A local indicator's relation to a core indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoreComparison {
    pub core: IndicatorCode,
    pub level: Comparability,
    pub note: Option<Texts>,
}

/// A link from an indicator to a right, with the role the indicator plays for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightLink {
    pub right: RightCode,
    pub link_type: LinkType,
    /// The attribute of the right the indicator measures (OHCHR), e.g. "Accessibility".
    pub attribute: Option<String>,
}

/// The fields of an indicator definition before validation, as they come from a file or form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDraft {
    pub code: String,
    #[serde(default = "first_version")]
    pub version: u32,
    /// `None` for a core indicator, the city's code for a local one.
    #[serde(default)]
    pub city: Option<String>,
    pub name: TextMap,
    pub definition: TextMap,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<TextMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computation: Option<ComputationDraft>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub decimals: Option<u8>,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub value_type: String,
    #[serde(default)]
    pub additivity: Option<String>,
    #[serde(default)]
    pub lower_limit: Option<f64>,
    #[serde(default)]
    pub upper_limit: Option<f64>,
    #[serde(default)]
    pub target_band: Option<(f64, f64)>,
    #[serde(default)]
    pub ordinal_levels: Option<u8>,
    #[serde(default)]
    pub disaggregations: Vec<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_provider: Option<String>,
    #[serde(default)]
    pub frequency: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub rights: Vec<RightLinkDraft>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparability: Option<TextMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compares_with: Option<CoreComparisonDraft>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub breaks_series: bool,
}

/// Texts by language, before validation.
pub type TextMap = std::collections::BTreeMap<String, String>;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputationDraft {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerator: Option<TextMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<TextMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<TextMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey_question: Option<TextMap>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreComparisonDraft {
    pub core: String,
    pub level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<TextMap>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RightLinkDraft {
    pub right: String,
    #[serde(rename = "type")]
    pub link_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
}

fn first_version() -> u32 {
    1
}

fn texts(errors: &mut FieldErrors, field: &str, map: &TextMap) -> Option<Texts> {
    errors.check(field, Texts::try_from(map.clone()))
}

fn optional_texts(errors: &mut FieldErrors, field: &str, map: &Option<TextMap>) -> Option<Option<Texts>> {
    match map {
        Some(map) => texts(errors, field, map).map(Some),
        None => Some(None),
    }
}

fn text_map(texts: &Texts) -> TextMap {
    texts.iter().map(|(language, text)| (language.to_string(), text.to_owned())).collect()
}

impl IndicatorDefinition {
    /// Validates a draft, reporting every problem with the field it belongs to.
    pub fn parse(draft: &IndicatorDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = errors.check("code", IndicatorCode::parse(&draft.code));
        if draft.version == 0 {
            errors.push("version", ParseError::new("invalid_version", "versions count from 1"));
        }
        let scope = match draft.city.as_deref().filter(|c| !c.is_empty()) {
            None => Some(IndicatorScope::Core),
            Some(city) => errors.check("city", AreaCode::parse(city)).map(IndicatorScope::Local),
        };
        let name = texts(&mut errors, "name", &draft.name);
        let definition = texts(&mut errors, "definition", &draft.definition);
        let rationale = optional_texts(&mut errors, "rationale", &draft.rationale);
        let computation = match &draft.computation {
            None => Some(None),
            Some(c) => {
                let numerator = optional_texts(&mut errors, "computation.numerator", &c.numerator);
                let denominator = optional_texts(&mut errors, "computation.denominator", &c.denominator);
                let formula = optional_texts(&mut errors, "computation.formula", &c.formula);
                let survey_question = optional_texts(&mut errors, "computation.survey_question", &c.survey_question);
                match (numerator, denominator, formula, survey_question) {
                    (Some(numerator), Some(denominator), Some(formula), Some(survey_question)) => {
                        if numerator.is_none() && denominator.is_none() && formula.is_none() && survey_question.is_none() {
                            errors.push(
                                "computation",
                                ParseError::new("empty_computation", "a computation needs a numerator, a formula or a survey question"),
                            );
                            None
                        } else if denominator.is_some() && numerator.is_none() {
                            errors.push("computation.numerator", ParseError::new("missing_numerator", "a denominator needs a numerator"));
                            None
                        } else {
                            Some(Some(Computation { numerator, denominator, formula, survey_question }))
                        }
                    }
                    _ => None,
                }
            }
        };
        let comparability = optional_texts(&mut errors, "comparability", &draft.comparability);
        let suggested_provider = match draft.suggested_provider.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => errors.check("suggested_provider", ProviderKind::parse(p)).map(Some),
            None => Some(None),
        };
        let unit = draft.unit.trim().to_owned();
        if unit.is_empty() {
            errors.push("unit", ParseError::new("missing_unit", "an indicator needs a unit, such as % or \"per 1000 residents\""));
        } else if unit.chars().count() > 60 || unit.chars().any(char::is_control) {
            errors.push("unit", ParseError::new("invalid_unit", "the unit must be at most 60 printable characters"));
        }
        let decimals = draft.decimals.unwrap_or(1);
        if decimals > 6 {
            errors.push("decimals", ParseError::new("invalid_decimals", "use 0 to 6 decimals"));
        }
        let direction = if draft.direction.is_empty() {
            errors.push(
                "direction",
                ParseError::new("missing_direction", "an indicator needs a direction: higher_is_better, lower_is_better or target_band"),
            );
            None
        } else {
            errors.check("direction", Direction::parse(&draft.direction))
        };
        let value_type = if draft.value_type.is_empty() {
            errors.push("value_type", ParseError::new("missing_value_type", "an indicator needs a value type"));
            None
        } else {
            errors.check("value_type", ValueType::parse(&draft.value_type))
        };
        let additivity = match draft.additivity.as_deref() {
            Some(a) => errors.check("additivity", Additivity::parse(a)),
            None => Some(Additivity::NonAdditive),
        };
        // Parts add up to the whole only for counts and amounts, never for shares or rates.
        if additivity == Some(Additivity::Additive) && !matches!(value_type, Some(ValueType::Count | ValueType::Number) | None) {
            errors.push(
                "additivity",
                ParseError::new(
                    "not_additive",
                    "percentages, rates and levels of groups do not add up: only counts and amounts are additive",
                ),
            );
        }
        let frequency = match draft.frequency.as_deref() {
            Some(f) => errors.check("frequency", Frequency::parse(f)),
            None => Some(Frequency::Annual),
        };
        // Natural limits: a percentage lies within 0-100, counts are not negative.
        let (mut lower_limit, mut upper_limit) = (draft.lower_limit, draft.upper_limit);
        match value_type {
            Some(ValueType::Percentage) => {
                lower_limit = Some(lower_limit.unwrap_or(0.0));
                upper_limit = Some(upper_limit.unwrap_or(100.0));
                if lower_limit.is_some_and(|l| l < 0.0) || upper_limit.is_some_and(|u| u > 100.0) {
                    errors.push("upper_limit", ParseError::new("invalid_limits", "a percentage lies within 0 and 100"));
                }
            }
            Some(ValueType::Count | ValueType::Rate) => {
                lower_limit = Some(lower_limit.unwrap_or(0.0));
            }
            Some(ValueType::YesNo) => {
                lower_limit = Some(0.0);
                upper_limit = Some(1.0);
            }
            _ => {}
        }
        for (field, limit) in [("lower_limit", lower_limit), ("upper_limit", upper_limit)] {
            if limit.is_some_and(|l| !l.is_finite()) {
                errors.push(field, ParseError::new("invalid_limits", "limits must be finite numbers"));
            }
        }
        if let (Some(l), Some(u)) = (lower_limit, upper_limit)
            && l >= u
        {
            errors.push("upper_limit", ParseError::new("invalid_limits", "the upper limit must be above the lower limit"));
        }
        let target_band = draft.target_band;
        if direction == Some(Direction::TargetBand) {
            match target_band {
                Some((low, high)) if low.is_finite() && high.is_finite() && low < high => {}
                _ => errors.push(
                    "target_band",
                    ParseError::new("missing_target_band", "a target-band indicator needs a band (low, high) with low < high"),
                ),
            }
        } else if target_band.is_some() {
            errors.push("target_band", ParseError::new("unexpected_target_band", "only a target_band indicator has a band"));
        }
        let ordinal_levels = draft.ordinal_levels;
        match (value_type, ordinal_levels) {
            (Some(ValueType::Ordinal), Some(levels)) if (2..=20).contains(&levels) => {
                lower_limit = Some(1.0);
                upper_limit = Some(f64::from(levels));
            }
            (Some(ValueType::Ordinal), _) => {
                errors.push("ordinal_levels", ParseError::new("invalid_levels", "an ordinal indicator needs 2 to 20 levels"))
            }
            (_, Some(_)) => errors.push("ordinal_levels", ParseError::new("unexpected_levels", "only an ordinal indicator has levels")),
            _ => {}
        }
        if let Some((low, high)) = target_band
            && (lower_limit.is_some_and(|l| low < l) || upper_limit.is_some_and(|u| high > u))
        {
            errors.push("target_band", ParseError::new("band_outside_limits", "the target band lies outside the natural limits"));
        }
        let mut disaggregations = Vec::new();
        let mut seen = BTreeSet::new();
        for (index, combination) in draft.disaggregations.iter().enumerate() {
            let field = format!("disaggregations[{index}]");
            let mut dims = Vec::new();
            for dim in combination {
                if let Some(d) = errors.check(&field, DimensionId::parse(dim)) {
                    dims.push(d);
                }
            }
            dims.sort();
            let unique: BTreeSet<_> = dims.iter().collect();
            if dims.is_empty() || unique.len() != dims.len() {
                errors.push(
                    field.as_str(),
                    ParseError::new("invalid_disaggregation", "a combination lists one or more different dimensions"),
                );
            } else if !seen.insert(dims.clone()) {
                errors.push(field.as_str(), ParseError::new("duplicate_disaggregation", "this combination is listed twice"));
            } else {
                disaggregations.push(dims);
            }
        }
        let mut themes = Vec::new();
        for theme in &draft.themes {
            if let Some(t) = errors.check("themes", ThemeCode::parse(theme)) {
                themes.push(t);
            }
        }
        let mut rights = Vec::new();
        for (index, link) in draft.rights.iter().enumerate() {
            let field = format!("rights[{index}]");
            let right = errors.check(&field, RightCode::parse(&link.right));
            let link_type = errors.check(&field, LinkType::parse(&link.link_type));
            let attribute = match link.attribute.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
                Some(a) => errors.check(&field, crate::area::parse_name(a)).map(Some),
                None => Some(None),
            };
            if let (Some(right), Some(link_type), Some(attribute)) = (right, link_type, attribute) {
                if rights.iter().any(|r: &RightLink| r.right == right) {
                    errors.push(field.as_str(), ParseError::new("duplicate_right", format!("{right} is linked twice")));
                } else {
                    rights.push(RightLink { right, link_type, attribute });
                }
            }
        }
        if draft.rights.is_empty() {
            errors.push(
                "rights",
                ParseError::new("missing_right", "an indicator is linked to at least one right, such as a Charter article (CFR-21)"),
            );
        }
        let compares_with = match &draft.compares_with {
            None => Some(None),
            Some(c) => {
                let core = errors.check("compares_with.core", IndicatorCode::parse(&c.core));
                let level = errors.check("compares_with.level", Comparability::parse(&c.level));
                let note = optional_texts(&mut errors, "compares_with.note", &c.note);
                if scope == Some(IndicatorScope::Core) {
                    errors.push("compares_with", ParseError::new("core_compares", "only a local indicator compares with a core one"));
                }
                match (core, level, note) {
                    (Some(core), Some(level), Some(note)) => Some(Some(CoreComparison { core, level, note })),
                    _ => None,
                }
            }
        };
        if draft.breaks_series && draft.version <= 1 {
            errors.push("breaks_series", ParseError::new("first_version_break", "the first version cannot break a series"));
        }
        if let Some(source) = &draft.source
            && source.name.trim().is_empty()
        {
            errors.push("source", ParseError::new("blank", "a source needs a name"));
        }
        errors.finish(|| {
            Some(IndicatorDefinition {
                code: code?,
                version: draft.version,
                scope: scope?,
                name: name?,
                definition: definition?,
                rationale: rationale?,
                computation: computation?,
                unit,
                decimals,
                direction: direction?,
                value_type: value_type?,
                additivity: additivity?,
                lower_limit,
                upper_limit,
                target_band,
                ordinal_levels,
                disaggregations,
                source: draft.source.clone(),
                suggested_provider: suggested_provider?,
                frequency: frequency?,
                themes,
                rights,
                comparability: comparability?,
                compares_with: compares_with?,
                breaks_series: draft.breaks_series,
            })
        })
    }

    /// The draft this definition parses from: exporting then importing gives it back.
    pub fn to_draft(&self) -> IndicatorDraft {
        let optional = |texts: &Option<Texts>| texts.as_ref().map(text_map);
        IndicatorDraft {
            code: self.code.to_string(),
            version: self.version,
            city: match &self.scope {
                IndicatorScope::Core => None,
                IndicatorScope::Local(city) => Some(city.to_string()),
            },
            name: text_map(&self.name),
            definition: text_map(&self.definition),
            rationale: optional(&self.rationale),
            computation: self.computation.as_ref().map(|c| ComputationDraft {
                numerator: optional(&c.numerator),
                denominator: optional(&c.denominator),
                formula: optional(&c.formula),
                survey_question: optional(&c.survey_question),
            }),
            unit: self.unit.clone(),
            decimals: Some(self.decimals),
            direction: self.direction.as_str().to_owned(),
            value_type: self.value_type.as_str().to_owned(),
            additivity: Some(self.additivity.as_str().to_owned()),
            lower_limit: self.lower_limit,
            upper_limit: self.upper_limit,
            target_band: self.target_band,
            ordinal_levels: self.ordinal_levels,
            disaggregations: self.disaggregations.iter().map(|c| c.iter().map(ToString::to_string).collect()).collect(),
            source: self.source.clone(),
            suggested_provider: self.suggested_provider.map(|p| p.as_str().to_owned()),
            frequency: Some(self.frequency.as_str().to_owned()),
            themes: self.themes.iter().map(ToString::to_string).collect(),
            rights: self
                .rights
                .iter()
                .map(|l| RightLinkDraft {
                    right: l.right.to_string(),
                    link_type: l.link_type.as_str().to_owned(),
                    attribute: l.attribute.clone(),
                })
                .collect(),
            comparability: optional(&self.comparability),
            compares_with: self.compares_with.as_ref().map(|c| CoreComparisonDraft {
                core: c.core.to_string(),
                level: c.level.as_str().to_owned(),
                note: optional(&c.note),
            }),
            breaks_series: self.breaks_series,
        }
    }

    /// The fields whose change from `previous` breaks comparability of values: a new version
    /// with any of them changed starts a new series.
    pub fn breaking_changes_from(&self, previous: &IndicatorDefinition) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |field: &'static str, differs: bool| {
            if differs {
                changed.push(field);
            }
        };
        check("unit", self.unit != previous.unit);
        check("value_type", self.value_type != previous.value_type);
        check("direction", self.direction != previous.direction);
        check("additivity", self.additivity != previous.additivity);
        check("limits", self.lower_limit != previous.lower_limit || self.upper_limit != previous.upper_limit);
        check("target_band", self.target_band != previous.target_band);
        check("ordinal_levels", self.ordinal_levels != previous.ordinal_levels);
        check("computation", self.computation != previous.computation);
        check("source", self.source.as_ref().map(|s| (&s.name, &s.code)) != previous.source.as_ref().map(|s| (&s.name, &s.code)));
        check("disaggregations", previous.disaggregations.iter().any(|c| !self.disaggregations.contains(c)));
        changed
    }

    /// Checks that every code the definition uses exists: themes, rights, dimensions and, for
    /// a local indicator, the core indicator it compares with.
    pub fn check_references(&self, known: &KnownCodes) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        for theme in &self.themes {
            if !known.themes.contains(theme) {
                errors.push("themes", ParseError::new("unknown_theme", format!("there is no theme {theme}")));
            }
        }
        for link in &self.rights {
            if !known.rights.contains(&link.right) {
                errors.push("rights", ParseError::new("unknown_right", format!("there is no right {}", link.right)));
            }
        }
        for combination in &self.disaggregations {
            for dimension in combination {
                if !known.dimensions.contains(dimension) {
                    errors.push(
                        "disaggregations",
                        ParseError::new("unknown_dimension", format!("there is no dimension {dimension} (no codelist has it)")),
                    );
                }
            }
        }
        if let Some(comparison) = &self.compares_with
            && !known.core_indicators.contains(&comparison.core)
        {
            errors.push(
                "compares_with.core",
                ParseError::new("unknown_indicator", format!("there is no core indicator {}", comparison.core)),
            );
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    pub fn is_core(&self) -> bool {
        self.scope == IndicatorScope::Core
    }

    /// Whether a key is one of the declared combinations (or the headline total).
    pub fn allows_key(&self, key: &DisaggregationKey) -> bool {
        if key.is_total() {
            return true;
        }
        let dims: Vec<&DimensionId> = key.dimensions().collect();
        self.disaggregations.iter().any(|combination| {
            // A key may leave dimensions of a combination at their total.
            dims.iter().all(|d| combination.contains(d))
        })
    }

    /// Checks a numeric value against the value type and natural limits.
    pub fn check_number(&self, value: f64) -> Result<(), ParseError> {
        if !value.is_finite() {
            return Err(ParseError::new("not_a_number", "the value is not a finite number"));
        }
        match self.value_type {
            ValueType::Text => {
                return Err(ParseError::new("expects_text", "this indicator takes a text, not a number"));
            }
            ValueType::Count if value.fract() != 0.0 => {
                return Err(ParseError::new("not_whole", "a count is a whole number"));
            }
            ValueType::YesNo if value != 0.0 && value != 1.0 => {
                return Err(ParseError::new("not_yes_no", "a yes/no value is 1 (yes) or 0 (no)"));
            }
            ValueType::Ordinal if value.fract() != 0.0 => {
                return Err(ParseError::new("not_whole", "an ordinal level is a whole number"));
            }
            _ => {}
        }
        if let Some(lower) = self.lower_limit
            && value < lower
        {
            return Err(ParseError::new("below_limit", format!("{value} is below the natural limit {lower} of {}", self.code)));
        }
        if let Some(upper) = self.upper_limit
            && value > upper
        {
            return Err(ParseError::new("above_limit", format!("{value} is above the natural limit {upper} of {}", self.code)));
        }
        Ok(())
    }

    /// Formats a value with the indicator's decimals.
    pub fn format_value(&self, value: f64) -> String {
        format!("{value:.*}", usize::from(self.decimals))
    }
}

/// Whether values measured under version `from` and under version `to` of an indicator lie on
/// different sides of a series break: some version after `from`, up to `to`, breaks the series.
pub fn breaks_between(versions: &[IndicatorDefinition], from: u32, to: u32) -> bool {
    let (low, high) = if from <= to { (from, to) } else { (to, from) };
    versions.iter().any(|v| v.version > low && v.version <= high && v.breaks_series)
}

/// The codes a definition may refer to.
#[derive(Debug, Clone, Default)]
pub struct KnownCodes {
    pub themes: BTreeSet<ThemeCode>,
    pub rights: BTreeSet<RightCode>,
    pub dimensions: BTreeSet<DimensionId>,
    pub core_indicators: BTreeSet<IndicatorCode>,
}

/// The dimension of values by district: the district is the observation's area, not a code.
pub const DISTRICT_DIMENSION: &str = "DISTRICT";

#[cfg(test)]
mod tests;
