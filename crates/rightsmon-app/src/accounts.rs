//! Accounts: users, memberships, password checks, login throttling and sessions.
//!
//! Passwords are hashed with Argon2id. A session token is 32 random bytes; only its SHA-256 is
//! stored, so a copy of the database opens no sessions. Failed logins are counted per account
//! and per client address in the store, so that throttling holds across server processes.

use crate::{App, AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand_core::{OsRng, RngCore};
use rightsmon_domain::access::{Actor, Membership, NewOrganisation, Organisation, Password, Role, Scope, User, Username};
use rightsmon_domain::area::parse_name;
use rightsmon_domain::id::AreaCode;
use rightsmon_domain::{FieldErrors, ParseError};
use rightsmon_store::{NewUser, SessionRecord, StoreError};
use sha2::{Digest, Sha256};

/// Hashes a password with Argon2id and a random salt.
pub fn hash_password(password: &Password) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot hash a password: {e}")))
}

fn verify_password(password: &Password, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.expose().as_bytes(), &parsed).is_ok())
}

/// A fresh random token, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A signed-in session: the token for the cookie, and when it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub token: String,
    pub user_id: i64,
    pub expires_at: rightsmon_domain::time::Timestamp,
}

/// What a new user account needs.
#[derive(Debug, Clone)]
pub struct UserForm {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password: String,
}

fn parse_email(input: &str) -> Result<String, ParseError> {
    let trimmed = input.trim();
    let valid = trimmed.len() <= 254
        && trimmed.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.'))
        && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','));
    if valid { Ok(trimmed.to_owned()) } else { Err(ParseError::new("invalid_email", format!("{input:?} is not an e-mail address"))) }
}

impl App {
    /// Creates a user. `by` is the actor doing it: a network coordinator, or `None` for the
    /// command line, which acts with the operator's authority.
    pub async fn create_user(&self, by: Option<&Actor>, form: &UserForm) -> AppResult<User> {
        if let Some(actor) = by
            && !actor.may(rightsmon_domain::access::Permission::ManageNetwork)
        {
            return Err(AppError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        let username = errors.check("username", Username::parse(&form.username));
        let display_name = errors.check("display_name", parse_name(&form.display_name));
        let email = match form.email.as_deref().filter(|e| !e.trim().is_empty()) {
            Some(e) => errors.check("email", parse_email(e)).map(Some),
            None => Some(None),
        };
        let password = errors.check("password", Password::parse_new(&form.password));
        let (Some(username), Some(display_name), Some(email), Some(password)) = (username, display_name, email, password) else {
            return Err(AppError::Invalid(errors));
        };
        let password_hash = hash_password(&password)?;
        let user =
            self.store.create_user(&NewUser { username, display_name, email, password_hash }, self.now()).await.map_err(|e| match e {
                StoreError::Conflict { .. } => {
                    AppError::Invalid(FieldErrors::single("username", ParseError::new("taken", "this user name is taken")))
                }
                other => other.into(),
            })?;
        self.audit(by.and_then(|a| a.user()).map(|u| u.id), "user.created", format!("user:{}", user.username), serde_json::json!({}))
            .await?;
        Ok(user)
    }

    pub async fn find_user(&self, username: &str) -> AppResult<User> {
        let username = Username::parse(username).map_err(|_| AppError::NotFound)?;
        Ok(self.store.find_user(&username).await?)
    }

    pub async fn list_users(&self) -> AppResult<Vec<(User, Vec<Membership>)>> {
        let mut result = Vec::new();
        for user in self.store.list_users().await? {
            let memberships = self.store.list_memberships(user.id).await?;
            result.push((user, memberships));
        }
        Ok(result)
    }

    /// Sets a new password and ends the user's sessions.
    pub async fn set_password(&self, username: &str, password: &str) -> AppResult<()> {
        let user = self.find_user(username).await?;
        let password = Password::parse_new(password).map_err(|e| AppError::Invalid(FieldErrors::single("password", e)))?;
        self.store.set_password_hash(user.id, &hash_password(&password)?).await?;
        self.store.delete_user_sessions(user.id).await?;
        self.audit(None, "user.password_changed", format!("user:{}", user.username), serde_json::json!({})).await
    }

    /// Disables (or enables again) a user; disabling ends their sessions.
    pub async fn set_disabled(&self, username: &str, is_disabled: bool) -> AppResult<()> {
        let user = self.find_user(username).await?;
        self.store.set_user_disabled(user.id, is_disabled).await?;
        if is_disabled {
            self.store.delete_user_sessions(user.id).await?;
        }
        let action = if is_disabled { "user.disabled" } else { "user.enabled" };
        self.audit(None, action, format!("user:{}", user.username), serde_json::json!({})).await
    }

    /// Gives a user a role in the network or one city.
    pub async fn add_membership(&self, username: &str, role: &str, city: Option<&str>, organisation_id: Option<i64>) -> AppResult<()> {
        let user = self.find_user(username).await?;
        let role = Role::parse(role).map_err(|e| AppError::Invalid(FieldErrors::single("role", e)))?;
        let scope = match city.filter(|c| !c.is_empty()) {
            Some(city) => Scope::City(AreaCode::parse(city).map_err(|e| AppError::Invalid(FieldErrors::single("city", e)))?),
            None => Scope::Network,
        };
        let membership =
            Membership::new(user.id, organisation_id, role, scope).map_err(|e| AppError::Invalid(FieldErrors::single("role", e)))?;
        match self.store.add_membership(&membership).await {
            Ok(()) | Err(StoreError::Conflict { .. }) => {}
            Err(StoreError::NotFound) => {
                return Err(AppError::Invalid(FieldErrors::single("city", ParseError::new("unknown_city", "no such city"))));
            }
            Err(other) => return Err(other.into()),
        }
        self.audit(
            None,
            "membership.added",
            format!("user:{}", user.username),
            serde_json::json!({"role": role.as_str(), "scope": membership.scope}),
        )
        .await
    }

    pub async fn create_organisation(&self, name: &str, kind: &str, city: Option<&str>) -> AppResult<Organisation> {
        let organisation = NewOrganisation::parse(name, kind, city)?;
        let created = self.store.create_organisation(&organisation).await?;
        self.audit(None, "organisation.created", format!("organisation:{}", created.id), serde_json::json!({"name": created.name})).await?;
        Ok(created)
    }

    /// The organisations of a city (with `Some`), or all of them.
    pub async fn organisations(&self, city: Option<&str>) -> AppResult<Vec<Organisation>> {
        let city = match city {
            Some(code) => Some(self.city(code).await?.code),
            None => None,
        };
        Ok(self.store.list_organisations(city.as_ref()).await?)
    }

    /// Checks a login and opens a session. Every failure looks the same to the caller, and
    /// repeated failures for the same account or from the same client are refused for a while.
    pub async fn login(&self, username: &str, password: &str, client: &str) -> AppResult<NewSession> {
        let now = self.now();
        let since = now.plus_seconds(-self.settings.failure_window_seconds);
        let account_key = format!("user:{}", username.trim().to_ascii_lowercase());
        let client_key = format!("client:{client}");
        let account_failures = self.store.count_login_failures(&account_key, since).await?;
        let client_failures = self.store.count_login_failures(&client_key, since).await?;
        if account_failures >= self.settings.max_failures_per_account || client_failures >= self.settings.max_failures_per_client {
            return Err(AppError::Throttled { retry_after_seconds: self.settings.failure_window_seconds });
        }
        let user = match Username::parse(username) {
            Ok(name) => match self.store.find_user(&name).await {
                Ok(user) => Some(user),
                Err(StoreError::NotFound) => None,
                Err(other) => return Err(other.into()),
            },
            Err(_) => None,
        };
        let password = Password::parse_attempt(password).ok();
        let verified = match (&user, &password) {
            (Some(user), Some(password)) if !user.is_disabled => verify_password(password, &self.store.password_hash(user.id).await?),
            (_, Some(password)) => {
                // Spend the same effort on unknown accounts so that timing tells nothing.
                let _ = verify_password(password, DUMMY_HASH);
                false
            }
            _ => false,
        };
        let Some(user) = user.filter(|_| verified) else {
            self.store.record_login_failure(&account_key, now).await?;
            self.store.record_login_failure(&client_key, now).await?;
            self.audit(None, "session.login_failed", account_key, serde_json::json!({"client": client})).await?;
            return Err(AppError::BadCredentials);
        };
        self.store.clear_login_failures(&account_key).await?;
        let token = random_token();
        let expires_at = now.plus_seconds(self.settings.session_seconds);
        self.store.create_session(&SessionRecord { token_hash: token_hash(&token), user_id: user.id, created_at: now, expires_at }).await?;
        self.audit(Some(user.id), "session.login", format!("user:{}", user.username), serde_json::json!({"client": client})).await?;
        Ok(NewSession { token, user_id: user.id, expires_at })
    }

    /// The actor a command-line user acts as: an enabled account, with its roles.
    pub async fn actor_for_username(&self, username: &str) -> AppResult<Actor> {
        let username = Username::parse(username).map_err(|e| AppError::Invalid(rightsmon_domain::FieldErrors::single("username", e)))?;
        let user = match self.store.find_user(&username).await {
            Ok(user) if !user.is_disabled => user,
            Ok(_) => return Err(AppError::Forbidden),
            Err(StoreError::NotFound) => return Err(AppError::NotFound),
            Err(other) => return Err(other.into()),
        };
        let memberships = self.store.list_memberships(user.id).await?;
        Ok(Actor::User { user, memberships })
    }

    /// The actor a session token stands for; unknown, expired or disabled means anonymous.
    pub async fn actor_for_token(&self, token: Option<&str>) -> AppResult<Actor> {
        let Some(token) = token.filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())) else {
            return Ok(Actor::Anonymous);
        };
        let session = match self.store.get_session(&token_hash(token), self.now()).await {
            Ok(session) => session,
            Err(StoreError::NotFound) => return Ok(Actor::Anonymous),
            Err(other) => return Err(other.into()),
        };
        let user = match self.store.get_user(session.user_id).await {
            Ok(user) if !user.is_disabled => user,
            Ok(_) | Err(StoreError::NotFound) => return Ok(Actor::Anonymous),
            Err(other) => return Err(other.into()),
        };
        let memberships = self.store.list_memberships(user.id).await?;
        Ok(Actor::User { user, memberships })
    }

    /// Removes expired sessions and failed logins older than the throttling window; returns how
    /// many rows went. Servers call this now and then.
    pub async fn housekeeping(&self) -> AppResult<u64> {
        let now = self.now();
        let sessions = self.store.purge_expired_sessions(now).await?;
        let failures = self.store.purge_login_failures(now.plus_seconds(-self.settings.failure_window_seconds)).await?;
        Ok(sessions + failures)
    }

    pub async fn logout(&self, token: &str) -> AppResult<()> {
        self.store.delete_session(&token_hash(token)).await?;
        Ok(())
    }
}

/// An Argon2id hash of a random string, checked against when the account does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0mvQ0ajhJkBEcMp/pLpqpQ8SbEZLRLjNyoKa3ySbSU0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let password = Password::parse_new("correct horse battery").unwrap();
        let hash = hash_password(&password).unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&password, &hash));
        assert!(!verify_password(&Password::parse_new("wrong horse battery").unwrap(), &hash));
        assert!(!verify_password(&password, "not a hash"));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
