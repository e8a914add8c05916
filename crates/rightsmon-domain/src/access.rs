//! Organisations, users, memberships and the rules of who may do what.
//!
//! A membership gives a user one role, scoped to the whole network or to one city. The rules
//! here are pure: [`Actor::may`] answers from the memberships alone.

use crate::catalogue::word_enum;
use crate::error::{FieldErrors, ParseError};
use crate::id::AreaCode;
use serde::{Deserialize, Serialize};
use std::fmt;

word_enum!(
    /// What kind of organisation takes part.
    OrganisationKind, "invalid_organisation_kind", "kind of organisation" {
        MunicipalDepartment => "municipal_department",
        Cso => "cso",
        Academic => "academic",
        Network => "network",
    }
);

word_enum!(
    /// A role in the network or in one city.
    Role, "invalid_role", "role" {
        NetworkCoordinator => "network_coordinator",
        CityCoordinator => "city_coordinator",
        DataEditor => "data_editor",
        CivilSocietyMember => "civil_society_member",
        Viewer => "viewer",
    }
);

/// An organisation that provides data or takes part in a working group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: OrganisationKind,
    /// The city it works in; `None` for organisations of the whole network.
    pub city: Option<AreaCode>,
}

/// An organisation before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewOrganisation {
    pub name: String,
    pub kind: OrganisationKind,
    pub city: Option<AreaCode>,
}

impl NewOrganisation {
    pub fn parse(name: &str, kind: &str, city: Option<&str>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", crate::area::parse_name(name));
        let kind = errors.check("kind", OrganisationKind::parse(kind));
        let city = match city.filter(|c| !c.is_empty()) {
            Some(c) => errors.check("city", AreaCode::parse(c)).map(Some),
            None => Some(None),
        };
        match (kind, &city) {
            (Some(OrganisationKind::Network), Some(Some(_))) => {
                errors.push("city", ParseError::new("unexpected_city", "a network organisation belongs to no single city"));
            }
            (Some(OrganisationKind::MunicipalDepartment), Some(None)) => {
                errors.push("city", ParseError::new("missing_city", "a municipal department belongs to a city"));
            }
            _ => {}
        }
        errors.finish(|| Some(NewOrganisation { name: name?, kind: kind?, city: city? }))
    }
}

/// A login name: 3-64 lowercase letters, digits, `.`, `_` or `-`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// Parses a login name; upper case is folded to lower case so that logins are case-insensitive.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let folded = input.trim().to_ascii_lowercase();
        let valid = (3..=64).contains(&folded.len())
            && folded.starts_with(|c: char| c.is_ascii_alphanumeric())
            && folded.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if valid {
            Ok(Self(folded))
        } else {
            Err(ParseError::new(
                "invalid_username",
                "a user name has 3-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Username {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> Self {
        value.0
    }
}

/// A password as typed, checked against the policy. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Common passwords of at least [`Password::MIN_LENGTH`] characters, lower-cased and sorted,
/// after a comment header (see the file for its source).
const COMMON_PASSWORDS: &str = include_str!("../../../reference/common-passwords.txt");

/// Whether a password is on the list of common ones, whatever its case.
pub fn is_common_password(input: &str) -> bool {
    static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let list = LIST.get_or_init(|| COMMON_PASSWORDS.lines().filter(|l| !l.starts_with('#')).collect());
    list.binary_search(&input.to_ascii_lowercase().as_str()).is_ok()
}

impl Password {
    pub const MIN_LENGTH: usize = 12;
    pub const MAX_LENGTH: usize = 1024;

    /// A new password: at least 12 and at most 1024 characters, not only spaces, not one of
    /// the common passwords that are tried first (OWASP ASVS 2.1.1, 2.1.2, 2.1.7), and not the
    /// user name. Nothing else is asked of it: long passphrases are the point.
    pub fn parse_new_for(input: &str, username: &str) -> Result<Self, ParseError> {
        let password = Self::parse_new(input)?;
        let lower = input.to_lowercase();
        if !username.is_empty() && lower.contains(&username.to_lowercase()) {
            return Err(ParseError::new("password_has_username", "a password does not contain the user name"));
        }
        Ok(password)
    }

    /// A new password, without a user name to compare it with (see [`Self::parse_new_for`]).
    pub fn parse_new(input: &str) -> Result<Self, ParseError> {
        let length = input.chars().count();
        if length < Self::MIN_LENGTH {
            return Err(ParseError::new("password_too_short", format!("a password has at least {} characters", Self::MIN_LENGTH)));
        }
        if length > Self::MAX_LENGTH || input.trim().is_empty() {
            return Err(ParseError::new(
                "invalid_password",
                format!("a password has at most {} characters and is not blank", Self::MAX_LENGTH),
            ));
        }
        if is_common_password(input) || input.chars().all(|c| input.starts_with(c)) {
            return Err(ParseError::new("common_password", "this password is one of the first that attackers try: choose another"));
        }
        Ok(Self(input.to_owned()))
    }

    /// A password typed at login: any length up to the maximum, so that checking it cannot be
    /// used to make the server hash megabytes.
    pub fn parse_attempt(input: &str) -> Result<Self, ParseError> {
        if input.is_empty() || input.chars().count() > Self::MAX_LENGTH {
            return Err(ParseError::new("invalid_password", "the password is empty or too long"));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A registered user (never with the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: Username,
    pub display_name: String,
    pub email: Option<String>,
    pub is_disabled: bool,
    pub created_at: crate::time::Timestamp,
}

/// Where a membership applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "city")]
pub enum Scope {
    Network,
    City(AreaCode),
}

impl Scope {
    pub fn covers(&self, city: &AreaCode) -> bool {
        match self {
            Scope::Network => true,
            Scope::City(own) => own == city,
        }
    }
}

/// One role of one user, in the network or one city, possibly on behalf of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub user_id: i64,
    pub organisation_id: Option<i64>,
    pub role: Role,
    pub scope: Scope,
}

impl Membership {
    /// A membership whose role fits its scope: a network coordinator acts for the network, city
    /// roles for one city; a viewer may have either.
    pub fn new(user_id: i64, organisation_id: Option<i64>, role: Role, scope: Scope) -> Result<Self, ParseError> {
        match (role, &scope) {
            (Role::NetworkCoordinator, Scope::City(_)) => {
                Err(ParseError::new("invalid_scope", "a network coordinator acts for the whole network"))
            }
            (Role::CityCoordinator | Role::DataEditor | Role::CivilSocietyMember, Scope::Network) => {
                Err(ParseError::new("invalid_scope", format!("a {} acts for one city", role.as_str())))
            }
            _ => Ok(Self { user_id, organisation_id, role, scope }),
        }
    }
}

/// Something an actor may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission<'a> {
    /// Read values that are not published yet.
    ReadUnpublished(&'a AreaCode),
    /// Enter and submit values.
    EnterData(&'a AreaCode),
    /// Validate, return and publish values.
    ApproveData(&'a AreaCode),
    /// File shadow values and assessments, endorse and object.
    FileShadowData(&'a AreaCode),
    /// Manage the city's indicators, cycles and assignments.
    ManageCity(&'a AreaCode),
    /// Manage the network: core framework, cities, users.
    ManageNetwork,
}

/// Who is asking: nobody in particular, or a signed-in user with their memberships.
#[derive(Debug, Clone, PartialEq)]
pub enum Actor {
    Anonymous,
    User { user: User, memberships: Vec<Membership> },
}

impl Actor {
    pub fn user(&self) -> Option<&User> {
        match self {
            Actor::Anonymous => None,
            Actor::User { user, .. } => Some(user),
        }
    }

    pub fn memberships(&self) -> &[Membership] {
        match self {
            Actor::Anonymous => &[],
            Actor::User { memberships, .. } => memberships,
        }
    }

    pub fn is_signed_in(&self) -> bool {
        matches!(self, Actor::User { .. })
    }

    /// Whether the actor may do `permission`. Disabled users may do nothing.
    pub fn may(&self, permission: Permission<'_>) -> bool {
        let Actor::User { user, memberships } = self else {
            return false;
        };
        if user.is_disabled {
            return false;
        }
        memberships.iter().any(|m| role_allows(m.role, &m.scope, permission))
    }

    /// The cities whose unpublished values the actor may read; `None` means every city.
    pub fn readable_cities(&self) -> Option<Vec<AreaCode>> {
        if self.may(Permission::ManageNetwork) {
            return None;
        }
        let mut cities: Vec<AreaCode> = self
            .memberships()
            .iter()
            .filter_map(|m| match &m.scope {
                Scope::City(city) if self.may(Permission::ReadUnpublished(city)) => Some(city.clone()),
                _ => None,
            })
            .collect();
        cities.sort();
        cities.dedup();
        Some(cities)
    }
}

fn role_allows(role: Role, scope: &Scope, permission: Permission<'_>) -> bool {
    use Permission::*;
    match (role, permission) {
        (Role::NetworkCoordinator, _) => true,
        (_, ManageNetwork) => false,
        (Role::CityCoordinator, ReadUnpublished(c) | EnterData(c) | ApproveData(c) | ManageCity(c) | FileShadowData(c)) => scope.covers(c),
        (Role::DataEditor, ReadUnpublished(c) | EnterData(c)) => scope.covers(c),
        (Role::CivilSocietyMember, ReadUnpublished(c) | FileShadowData(c)) => scope.covers(c),
        // A viewer of a city sees its work in progress; a network-wide viewer only what is public.
        (Role::Viewer, ReadUnpublished(c)) => matches!(scope, Scope::City(_)) && scope.covers(c),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor::User {
            user: User {
                id: 1,
                username: Username::parse("ana").unwrap(),
                display_name: "Ana".into(),
                email: None,
                is_disabled: false,
                created_at: Timestamp(0),
            },
            memberships: vec![Membership::new(1, None, role, scope).unwrap()],
        }
    }

    #[test]
    fn city_roles_stop_at_their_city() {
        let ghent = AreaCode::parse("ghent").unwrap();
        let padova = AreaCode::parse("padova").unwrap();
        let viewer = actor(Role::Viewer, Scope::City(ghent.clone()));
        assert!(viewer.may(Permission::ReadUnpublished(&ghent)));
        assert!(!viewer.may(Permission::ReadUnpublished(&padova)));
        assert!(!viewer.may(Permission::EnterData(&ghent)));
        assert_eq!(viewer.readable_cities(), Some(vec![ghent.clone()]));
        let editor = actor(Role::DataEditor, Scope::City(ghent.clone()));
        assert!(editor.may(Permission::EnterData(&ghent)));
        assert!(!editor.may(Permission::ApproveData(&ghent)));
        assert!(!Actor::Anonymous.may(Permission::ReadUnpublished(&ghent)));
        assert_eq!(Actor::Anonymous.readable_cities(), Some(vec![]));
    }

    #[test]
    fn a_network_coordinator_may_do_everything_unless_disabled() {
        let ghent = AreaCode::parse("ghent").unwrap();
        let mut coordinator = actor(Role::NetworkCoordinator, Scope::Network);
        assert!(coordinator.may(Permission::ManageNetwork));
        assert!(coordinator.may(Permission::ApproveData(&ghent)));
        assert_eq!(coordinator.readable_cities(), None);
        if let Actor::User { user, .. } = &mut coordinator {
            user.is_disabled = true;
        }
        assert!(!coordinator.may(Permission::ReadUnpublished(&ghent)));
    }

    #[test]
    fn roles_must_fit_their_scope() {
        let ghent = AreaCode::parse("ghent").unwrap();
        assert!(Membership::new(1, None, Role::NetworkCoordinator, Scope::City(ghent.clone())).is_err());
        assert!(Membership::new(1, None, Role::DataEditor, Scope::Network).is_err());
        assert!(Membership::new(1, None, Role::Viewer, Scope::Network).is_ok());
        assert!(Membership::new(1, None, Role::Viewer, Scope::City(ghent)).is_ok());
    }

    #[test]
    fn user_names_fold_case_and_passwords_follow_the_policy() {
        assert_eq!(Username::parse(" Ana.Coord ").unwrap().as_str(), "ana.coord");
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("ana'; drop table users;--").is_err());
        assert!(Password::parse_new("short").is_err());
        assert_eq!(Password::parse_new("eleven char").unwrap_err().code, "password_too_short");
        assert!(Password::parse_new("long enough password").is_ok());
        // Common passwords are refused whatever their case; so is one character repeated.
        assert_eq!(Password::parse_new("qwerty123456").unwrap_err().code, "common_password");
        assert_eq!(Password::parse_new("QwErTy123456").unwrap_err().code, "common_password");
        assert_eq!(Password::parse_new("aaaaaaaaaaaaaaa").unwrap_err().code, "common_password");
        assert!(is_common_password("1qaz2wsx3edc") && !is_common_password("a walk along the lys"));
        assert_eq!(Password::parse_new_for("ana-is-my-name-2024", "Ana").unwrap_err().code, "password_has_username");
        assert!(Password::parse_new_for("bananas for breakfast", "ana").is_err(), "the name inside a word counts too");
        assert!(Password::parse_new_for("a walk along the schelde", "bob").is_ok());
        assert!(Password::parse_new(&"x".repeat(1025)).is_err());
        assert_eq!(format!("{:?}", Password::parse_new("long enough password").unwrap()), "Password(***)");
    }
}
