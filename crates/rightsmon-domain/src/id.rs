//! Identifiers: slugs of areas, SDMX ids of codes and dimensions, indicator codes.

use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident, $check:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(input: &str) -> Result<Self, ParseError> {
                $check(input).map(|()| Self(input.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(value: String) -> Result<Self, ParseError> {
                $check(&value).map(|()| Self(value))
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

fn check_slug(input: &str) -> Result<(), ParseError> {
    let valid = (1..=64).contains(&input.len())
        && input.starts_with(|c: char| c.is_ascii_lowercase())
        && input.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !input.ends_with('-')
        && !input.contains("--");
    if valid {
        Ok(())
    } else {
        Err(ParseError::new(
            "invalid_slug",
            format!("{input:?} is not a valid code: use 1-64 lowercase letters, digits and single hyphens, starting with a letter"),
        ))
    }
}

fn check_sdmx_code(input: &str) -> Result<(), ParseError> {
    let valid = (1..=50).contains(&input.len()) && input.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '$' | '-'));
    if valid {
        Ok(())
    } else {
        Err(ParseError::new("invalid_code", format!("{input:?} is not a valid SDMX code: use 1-50 letters, digits or _ @ $ -")))
    }
}

fn check_dimension(input: &str) -> Result<(), ParseError> {
    let valid = (1..=50).contains(&input.len())
        && input.starts_with(|c: char| c.is_ascii_uppercase())
        && input.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(ParseError::new(
            "invalid_dimension",
            format!("{input:?} is not a valid dimension id: use uppercase letters, digits and _, starting with a letter"),
        ))
    }
}

fn check_indicator_code(input: &str) -> Result<(), ParseError> {
    let valid = (1..=64).contains(&input.len())
        && input.starts_with(|c: char| c.is_ascii_alphanumeric())
        && input.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(())
    } else {
        Err(ParseError::new(
            "invalid_indicator_code",
            format!("{input:?} is not a valid indicator code: use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit"),
        ))
    }
}

string_id!(
    /// The code of an area (network, city or district): a lowercase slug such as `the-hague`.
    AreaCode,
    check_slug
);
string_id!(
    /// The code of a step of the road map: a lowercase slug such as `first-report`.
    StepCode,
    check_slug
);

string_id!(
    /// A code of a codelist, by SDMX rules (`_T`, `F`, `Y15T24`).
    Code,
    check_sdmx_code
);
string_id!(
    /// The id of a dimension or codelist, by SDMX rules in upper case (`SEX`, `CL_SEX`).
    DimensionId,
    check_dimension
);
string_id!(
    /// The stable code of an indicator across its versions (`RM-HOU-01`, `16-1-3`).
    IndicatorCode,
    check_indicator_code
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_city_codes_and_refuse_everything_else() {
        for ok in ["ghent", "the-hague", "cluj-napoca", "d1"] {
            assert!(AreaCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Ghent", "-ghent", "ghent-", "gh--ent", "1ghent", "ghent's", "<b>", "a b"] {
            assert!(AreaCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sdmx_codes_follow_the_sdmx_id_rules() {
        for ok in ["_T", "F", "Y15T24", "ISCED11_5T8", "A@B$-1"] {
            assert!(Code::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "é", &"x".repeat(51), "a;b", "a=b", "a|b"] {
            assert!(Code::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dimensions_are_upper_case() {
        assert!(DimensionId::parse("SEX").is_ok());
        assert!(DimensionId::parse("INCOME_WEALTH_QUANTILE").is_ok());
        assert!(DimensionId::parse("sex").is_err());
        assert!(DimensionId::parse("_SEX").is_err());
    }

    #[test]
    fn identifiers_round_trip_through_serde_and_refuse_invalid_input() {
        let code: AreaCode = serde_json::from_str("\"padova\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"padova\"");
        assert!(serde_json::from_str::<AreaCode>("\"Padova\"").is_err());
    }
}
