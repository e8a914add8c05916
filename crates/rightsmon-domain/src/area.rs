//! Areas: the network, its cities and their districts, with validity dates.

use crate::error::{FieldErrors, ParseError};
use crate::id::AreaCode;
use crate::text::LanguageCode;
use crate::time::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Network,
    City,
    District,
}

impl AreaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::City => "city",
            Self::District => "district",
        }
    }

    pub fn parse(input: &str) -> Result<Self, ParseError> {
        match input {
            "network" => Ok(Self::Network),
            "city" => Ok(Self::City),
            "district" => Ok(Self::District),
            other => Err(ParseError::new("invalid_area_kind", format!("{other:?} is not network, city or district"))),
        }
    }

    /// The kind an area of this kind must sit in, if any.
    pub fn parent_kind(self) -> Option<AreaKind> {
        match self {
            Self::Network => None,
            Self::City => Some(Self::Network),
            Self::District => Some(Self::City),
        }
    }
}

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        if input.len() == 2 && input.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(Self(input.to_owned()))
        } else {
            Err(ParseError::new("invalid_country", format!("{input:?} is not an ISO 3166-1 alpha-2 country code such as BE")))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.0
    }
}

/// A name shown to people: trimmed, 1-200 characters, no control characters.
pub fn parse_name(input: &str) -> Result<String, ParseError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ParseError::new("blank", "the name is blank"));
    }
    if trimmed.chars().count() > 200 {
        return Err(ParseError::new("too_long", "the name is longer than 200 characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ParseError::new("control_character", "the name contains a control character"));
    }
    Ok(trimmed.to_owned())
}

/// An area as it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub code: AreaCode,
    pub kind: AreaKind,
    pub parent: Option<AreaCode>,
    pub name: String,
    pub local_name: Option<String>,
    pub country: Option<CountryCode>,
    pub language: Option<LanguageCode>,
    pub is_observer: bool,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

/// The outline of a district, as its city uploaded it: polygons in longitude and latitude
/// (WGS 84), each an outer ring followed by its holes, each ring closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boundary {
    pub area: AreaCode,
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

/// The fields of an area before validation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AreaDraft {
    pub code: String,
    pub kind: String,
    pub parent: Option<String>,
    pub name: String,
    pub local_name: Option<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    #[serde(default)]
    pub is_observer: bool,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

impl Area {
    /// Validates a draft: codes, a parent of the right kind, validity dates in order.
    pub fn parse(draft: &AreaDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = errors.check("code", AreaCode::parse(&draft.code));
        let kind = errors.check("kind", AreaKind::parse(&draft.kind));
        let parent = match draft.parent.as_deref().filter(|p| !p.is_empty()) {
            Some(parent) => errors.check("parent", AreaCode::parse(parent)).map(Some),
            None => Some(None),
        };
        if let (Some(kind), Some(parent)) = (kind, parent.as_ref()) {
            match (kind.parent_kind(), parent) {
                (None, Some(_)) => errors.push("parent", ParseError::new("unexpected_parent", "a network has no parent area")),
                (Some(expected), None) => errors
                    .push("parent", ParseError::new("missing_parent", format!("a {} needs a parent {}", kind.as_str(), expected.as_str()))),
                _ => {}
            }
        }
        let name = errors.check("name", parse_name(&draft.name));
        let local_name = match draft.local_name.as_deref().filter(|n| !n.trim().is_empty()) {
            Some(n) => errors.check("local_name", parse_name(n)).map(Some),
            None => Some(None),
        };
        let country = match draft.country.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => errors.check("country", CountryCode::parse(c)).map(Some),
            None => Some(None),
        };
        let language = match draft.language.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => errors.check("language", LanguageCode::parse(c)).map(Some),
            None => Some(None),
        };
        let date = |errors: &mut FieldErrors, field: &str, value: &Option<String>| match value.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => errors.check(field, Date::parse(v)).map(Some),
            None => Some(None),
        };
        let valid_from = date(&mut errors, "valid_from", &draft.valid_from);
        let valid_to = date(&mut errors, "valid_to", &draft.valid_to);
        if let (Some(Some(from)), Some(Some(to))) = (valid_from, valid_to)
            && to < from
        {
            errors.push("valid_to", ParseError::new("dates_out_of_order", "the end of validity is before its start"));
        }
        errors.finish(|| {
            Some(Area {
                code: code?,
                kind: kind?,
                parent: parent?,
                name: name?,
                local_name: local_name?,
                country: country?,
                language: language?,
                is_observer: draft.is_observer,
                valid_from: valid_from?,
                valid_to: valid_to?,
            })
        })
    }

    /// Whether the area exists on `date` (validity bounds are inclusive).
    pub fn is_valid_on(&self, date: Date) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && self.valid_to.is_none_or(|to| date <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(code: &str, kind: &str, parent: Option<&str>) -> AreaDraft {
        AreaDraft { code: code.into(), kind: kind.into(), parent: parent.map(Into::into), name: "Somewhere".into(), ..AreaDraft::default() }
    }

    #[test]
    fn areas_sit_in_a_parent_of_the_right_kind() {
        assert!(Area::parse(&draft("decide", "network", None)).is_ok());
        assert!(Area::parse(&draft("ghent", "city", Some("decide"))).is_ok());
        let errors = Area::parse(&draft("ghent", "city", None)).unwrap_err();
        assert_eq!(errors.0[0].code, "missing_parent");
        let errors = Area::parse(&draft("decide", "network", Some("x"))).unwrap_err();
        assert_eq!(errors.0[0].code, "unexpected_parent");
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let mut bad = draft("Bad Code", "town", None);
        bad.name = " ".into();
        bad.country = Some("bel".into());
        bad.valid_from = Some("2024-02-30".into());
        let fields: Vec<String> = Area::parse(&bad).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["code", "kind", "name", "country", "valid_from"]);
    }

    #[test]
    fn validity_dates_bound_a_district() {
        let mut d = draft("centrum", "district", Some("ghent"));
        d.valid_from = Some("2019-01-01".into());
        d.valid_to = Some("2024-12-31".into());
        let area = Area::parse(&d).unwrap();
        assert!(area.is_valid_on(Date::parse("2020-06-01").unwrap()));
        assert!(!area.is_valid_on(Date::parse("2025-01-01").unwrap()));
        d.valid_to = Some("2018-12-31".into());
        assert_eq!(Area::parse(&d).unwrap_err().0[0].code, "dates_out_of_order");
    }
}
