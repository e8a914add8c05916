//! Rights: EU Charter titles and articles, SDG goals and targets, cross-cutting norms, and
//! themes, the policy areas that group indicators.

use crate::error::ParseError;
use crate::text::Texts;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RightKind {
    CharterTitle,
    CharterArticle,
    SdgGoal,
    SdgTarget,
    Norm,
}

impl RightKind {
    pub const ALL: [RightKind; 5] = [Self::CharterTitle, Self::CharterArticle, Self::SdgGoal, Self::SdgTarget, Self::Norm];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CharterTitle => "charter_title",
            Self::CharterArticle => "charter_article",
            Self::SdgGoal => "sdg_goal",
            Self::SdgTarget => "sdg_target",
            Self::Norm => "norm",
        }
    }

    pub fn parse(input: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == input)
            .ok_or_else(|| ParseError::new("invalid_right_kind", format!("{input:?} is not a kind of right")))
    }
}

/// The stable code of a right: `CFR-T1` (Charter title I), `CFR-21` (Article 21), `SDG-5`,
/// `SDG-5.2`, `NORM-PARTICIPATION`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RightCode(String);

impl RightCode {
    pub fn charter_title(number: u8) -> Result<Self, ParseError> {
        if (1..=7).contains(&number) {
            Ok(Self(format!("CFR-T{number}")))
        } else {
            Err(ParseError::new("invalid_right", format!("the Charter has no title {number}")))
        }
    }

    pub fn charter_article(number: u8) -> Result<Self, ParseError> {
        if (1..=54).contains(&number) {
            Ok(Self(format!("CFR-{number}")))
        } else {
            Err(ParseError::new("invalid_right", format!("the Charter has no article {number}")))
        }
    }

    pub fn sdg_goal(number: u8) -> Result<Self, ParseError> {
        if (1..=17).contains(&number) {
            Ok(Self(format!("SDG-{number}")))
        } else {
            Err(ParseError::new("invalid_right", format!("there is no SDG {number}")))
        }
    }

    /// A target such as `5.2` or `1.a` of goal 1 to 17.
    pub fn sdg_target(code: &str) -> Result<Self, ParseError> {
        let invalid = || ParseError::new("invalid_right", format!("{code:?} is not an SDG target such as 5.2 or 1.a"));
        let (goal, target) = code.split_once('.').ok_or_else(invalid)?;
        let goal: u8 = goal.parse().map_err(|_| invalid())?;
        let target_ok = (target.len() <= 2 && !target.is_empty() && target.bytes().all(|b| b.is_ascii_digit()) && !target.starts_with('0'))
            || (target.len() == 1 && target.bytes().all(|b| b.is_ascii_lowercase()));
        if (1..=17).contains(&goal) && target_ok && !code.starts_with('0') { Ok(Self(format!("SDG-{code}"))) } else { Err(invalid()) }
    }

    pub fn norm(code: &str) -> Result<Self, ParseError> {
        if !code.is_empty() && code.len() <= 40 && code.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            Ok(Self(format!("NORM-{code}")))
        } else {
            Err(ParseError::new("invalid_right", format!("{code:?} is not a norm code such as PARTICIPATION")))
        }
    }

    /// Parses any code this type prints.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let invalid = || ParseError::new("invalid_right", format!("{input:?} is not a right code such as CFR-21 or SDG-5.2"));
        if let Some(rest) = input.strip_prefix("CFR-T") {
            return Self::charter_title(rest.parse().map_err(|_| invalid())?);
        }
        if let Some(rest) = input.strip_prefix("CFR-") {
            if rest.starts_with('0') {
                return Err(invalid());
            }
            return Self::charter_article(rest.parse().map_err(|_| invalid())?);
        }
        if let Some(rest) = input.strip_prefix("SDG-") {
            if rest.contains('.') {
                return Self::sdg_target(rest);
            }
            if rest.starts_with('0') {
                return Err(invalid());
            }
            return Self::sdg_goal(rest.parse().map_err(|_| invalid())?);
        }
        if let Some(rest) = input.strip_prefix("NORM-") {
            return Self::norm(rest);
        }
        Err(invalid())
    }

    pub fn kind(&self) -> RightKind {
        if self.0.starts_with("CFR-T") {
            RightKind::CharterTitle
        } else if self.0.starts_with("CFR-") {
            RightKind::CharterArticle
        } else if self.0.starts_with("SDG-") && self.0.contains('.') {
            RightKind::SdgTarget
        } else if self.0.starts_with("SDG-") {
            RightKind::SdgGoal
        } else {
            RightKind::Norm
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RightCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RightCode {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<RightCode> for String {
    fn from(value: RightCode) -> Self {
        value.0
    }
}

/// A right an indicator can be linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Right {
    pub code: RightCode,
    /// The Charter title of an article, the goal of a target.
    pub parent: Option<RightCode>,
    /// Sort position among rights of the same kind.
    pub position: u32,
    pub name: Texts,
    pub description: Option<Texts>,
}

impl Right {
    pub fn kind(&self) -> RightKind {
        self.code.kind()
    }

    /// A right whose parent, if any, is of the kind its code demands.
    pub fn new(
        code: RightCode,
        parent: Option<RightCode>,
        position: u32,
        name: Texts,
        description: Option<Texts>,
    ) -> Result<Self, ParseError> {
        let expected = match code.kind() {
            RightKind::CharterArticle => Some(RightKind::CharterTitle),
            RightKind::SdgTarget => Some(RightKind::SdgGoal),
            _ => None,
        };
        match (expected, parent.as_ref().map(RightCode::kind)) {
            (None, None) => {}
            (Some(want), Some(got)) if want == got => {}
            _ => {
                return Err(ParseError::new(
                    "invalid_parent",
                    format!("{code} cannot sit under {}", parent.as_ref().map_or("nothing", |p| p.as_str())),
                ));
            }
        }
        if code.kind() == RightKind::SdgTarget
            && let Some(goal) = &parent
            && !code.as_str().starts_with(&format!("{}.", goal.as_str()))
        {
            return Err(ParseError::new("invalid_parent", format!("{code} is not a target of {goal}")));
        }
        Ok(Self { code, parent, position, name, description })
    }
}

/// The stable code of a theme, such as `HOUSING`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ThemeCode(String);

impl ThemeCode {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        if !input.is_empty()
            && input.len() <= 40
            && input.starts_with(|c: char| c.is_ascii_uppercase())
            && input.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            Ok(Self(input.to_owned()))
        } else {
            Err(ParseError::new("invalid_theme", format!("{input:?} is not a theme code such as HOUSING")))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ThemeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ThemeCode {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<ThemeCode> for String {
    fn from(value: ThemeCode) -> Self {
        value.0
    }
}

/// A monitoring theme. `is_agreed_area` marks the areas every pilot city agreed to monitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    pub code: ThemeCode,
    pub is_agreed_area: bool,
    pub position: u32,
    pub name: Texts,
    pub description: Option<Texts>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_codes_round_trip_and_know_their_kind() {
        for (code, kind) in [
            ("CFR-T3", RightKind::CharterTitle),
            ("CFR-21", RightKind::CharterArticle),
            ("SDG-5", RightKind::SdgGoal),
            ("SDG-5.2", RightKind::SdgTarget),
            ("SDG-17.19", RightKind::SdgTarget),
            ("SDG-1.a", RightKind::SdgTarget),
            ("NORM-PARTICIPATION", RightKind::Norm),
        ] {
            let parsed = RightCode::parse(code).unwrap();
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.kind(), kind);
        }
        for bad in ["CFR-55", "CFR-0", "CFR-T8", "CFR-021", "SDG-18", "SDG-5.", "SDG-5.ab", "SDG-05", "NORM-x", "X-1", ""] {
            assert!(RightCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_article_sits_under_a_title_and_a_target_under_its_goal() {
        let name = Texts::english("x").unwrap();
        let art = RightCode::charter_article(21).unwrap();
        assert!(Right::new(art.clone(), Some(RightCode::charter_title(3).unwrap()), 21, name.clone(), None).is_ok());
        assert!(Right::new(art, Some(RightCode::sdg_goal(3).unwrap()), 21, name.clone(), None).is_err());
        let target = RightCode::sdg_target("5.2").unwrap();
        assert!(Right::new(target.clone(), Some(RightCode::sdg_goal(5).unwrap()), 1, name.clone(), None).is_ok());
        assert!(Right::new(target, Some(RightCode::sdg_goal(4).unwrap()), 1, name, None).is_err());
    }
}
