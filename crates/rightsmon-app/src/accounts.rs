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

/// The wait, in seconds, after `failures` failures of a key that may have `free` of them.
fn backoff(failures: u64, free: u64, longest: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = u32::try_from(failures - free).unwrap_or(u32::MAX).min(30);
    (1i64 << doublings).min(longest)
}

/// What a user may download about themselves: their account, roles and what they did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PersonalData {
    pub account: User,
    pub memberships: Vec<Membership>,
    /// Every event of the audit log the user caused, oldest first.
    pub activity: Vec<rightsmon_domain::audit::AuditEvent>,
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
        let password = errors.check("password", Password::parse_new_for(&form.password, form.username.trim()));
        let (Some(username), Some(display_name), Some(email), Some(password)) = (username, display_name, email, password) else {
            return Err(AppError::Invalid(errors));
        };
        let password_hash = hash_password(&password)?;
        let event = self.event(by.and_then(|a| a.user()).map(|u| u.id), "user.created", "user:*", serde_json::json!({}));
        self.store.create_user(&NewUser { username, display_name, email, password_hash }, self.now(), &event).await.map_err(|e| match e {
            StoreError::Conflict { .. } => {
                AppError::Invalid(FieldErrors::single("username", ParseError::new("taken", "this user name is taken")))
            }
            other => other.into(),
        })
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

    /// Sets a new password and ends the user's sessions (the command line's `user passwd`).
    pub async fn set_password(&self, username: &str, password: &str) -> AppResult<()> {
        let user = self.find_user(username).await?;
        let password =
            Password::parse_new_for(password, user.username.as_str()).map_err(|e| AppError::Invalid(FieldErrors::single("password", e)))?;
        let event = self.event(None, "user.password_changed", format!("user:{}", user.id), serde_json::json!({}));
        Ok(self.store.set_password_hash(user.id, &hash_password(&password)?, &event).await?)
    }

    /// A signed-in user changes their own password: the current one is asked again, so that a
    /// session left open is not enough; every session of theirs ends.
    pub async fn change_own_password(&self, actor: &Actor, current: &str, new: &str) -> AppResult<()> {
        let user = self.reauthenticate(actor, current).await?;
        let password =
            Password::parse_new_for(new, user.username.as_str()).map_err(|e| AppError::Invalid(FieldErrors::single("new_password", e)))?;
        let event = self.event(Some(user.id), "user.password_changed", format!("user:{}", user.id), serde_json::json!({}));
        Ok(self.store.set_password_hash(user.id, &hash_password(&password)?, &event).await?)
    }

    /// The signed-in user, after their password was given again for a sensitive change. Wrong
    /// passwords here are throttled like failed logins, so that a session left open is no way
    /// to guess the password.
    async fn reauthenticate(&self, actor: &Actor, password: &str) -> AppResult<User> {
        let user = actor.user().cloned().ok_or(AppError::Unauthenticated)?;
        let wait = self.login_wait(user.username.as_str(), "reauthentication").await?;
        if wait > 0 {
            return Err(AppError::Throttled { retry_after_seconds: wait });
        }
        let verified = match Password::parse_attempt(password) {
            Ok(password) => verify_password(&password, &self.store.password_hash(user.id).await?),
            Err(_) => false,
        };
        if verified {
            return Ok(user);
        }
        let key = format!("pair:{}|reauthentication", user.username);
        self.store.record_login_failure(&key, self.now()).await?;
        Err(AppError::Invalid(FieldErrors::single("password", ParseError::new("wrong_password", "the password is not right"))))
    }

    /// Disables (or enables again) a user; disabling ends their sessions.
    pub async fn set_disabled(&self, username: &str, is_disabled: bool) -> AppResult<()> {
        let user = self.find_user(username).await?;
        let action = if is_disabled { "user.disabled" } else { "user.enabled" };
        let event = self.event(None, action, format!("user:{}", user.id), serde_json::json!({}));
        Ok(self.store.set_user_disabled(user.id, is_disabled, &event).await?)
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
        let event = self.event(
            None,
            "membership.added",
            format!("user:{}", user.id),
            serde_json::json!({"role": role.as_str(), "scope": membership.scope, "organisation": organisation_id}),
        );
        match self.store.add_membership(&membership, &event).await {
            Ok(()) | Err(StoreError::Conflict { .. }) => Ok(()),
            Err(StoreError::NotFound) => {
                Err(AppError::Invalid(FieldErrors::single("city", ParseError::new("unknown_city", "no such city"))))
            }
            Err(other) => Err(other.into()),
        }
    }

    pub async fn create_organisation(&self, name: &str, kind: &str, city: Option<&str>) -> AppResult<Organisation> {
        let organisation = NewOrganisation::parse(name, kind, city)?;
        let event = self.event(None, "organisation.created", "organisation:*", serde_json::json!({"name": organisation.name}));
        Ok(self.store.create_organisation(&organisation, &event).await?)
    }

    /// The organisations of a city (with `Some`), or all of them.
    pub async fn organisations(&self, city: Option<&str>) -> AppResult<Vec<Organisation>> {
        let city = match city {
            Some(code) => Some(self.city(code).await?.code),
            None => None,
        };
        Ok(self.store.list_organisations(city.as_ref()).await?)
    }

    /// How long the next login attempt for this account from this client must wait (0: none),
    /// from the failures recorded for the three keys (see [`crate::Throttle`]).
    async fn login_wait(&self, account: &str, client: &str) -> AppResult<i64> {
        let now = self.now();
        let since = now.plus_seconds(-self.settings.failure_window_seconds);
        let t = &self.settings.throttle;
        let keys = [
            (format!("pair:{account}|{client}"), t.free_per_account_and_client, t.longest_per_account_and_client),
            (format!("client:{client}"), t.free_per_client, t.longest_per_client),
            (format!("account:{account}"), t.free_per_account, t.longest_per_account),
        ];
        let mut wait = 0;
        for (key, free, longest) in keys {
            let failures = self.store.login_failures(&key, since).await?;
            if let Some(last) = failures.last {
                let until = last.seconds().saturating_add(backoff(failures.count, free, longest));
                wait = wait.max(until - now.seconds());
            }
        }
        Ok(wait)
    }

    /// Checks a login and opens a session. Every failure looks the same to the caller. Failures
    /// slow down the next attempts of the same account from the same client, of the same client,
    /// and (at most by a minute) of the same account, without ever locking the owner out.
    pub async fn login(&self, username: &str, password: &str, client: &str) -> AppResult<NewSession> {
        let now = self.now();
        // The key holds at most a little more than the longest user name, whatever was typed.
        let account = username.trim().to_lowercase().chars().take(65).collect::<String>();
        let wait = self.login_wait(&account, client).await?;
        if wait > 0 {
            return Err(AppError::Throttled { retry_after_seconds: wait });
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
        let pair = format!("pair:{account}|{client}");
        let known = user.as_ref().map(|u| u.id);
        let Some(user) = user.filter(|_| verified) else {
            for key in [pair, format!("client:{client}"), format!("account:{account}")] {
                self.store.record_login_failure(&key, now).await?;
            }
            // The log names an account by its id, never by what was typed.
            let subject = known.map_or_else(|| "user:unknown".to_owned(), |id| format!("user:{id}"));
            let event = self.event(None, "session.login_failed", subject, serde_json::json!({"client": client}));
            self.store.append_audit(&event).await?;
            return Err(AppError::BadCredentials);
        };
        self.store.clear_login_failures(&pair).await?;
        let token = random_token();
        let expires_at = now.plus_seconds(self.settings.session_seconds);
        let event = self.event(Some(user.id), "session.login", format!("user:{}", user.id), serde_json::json!({"client": client}));
        self.store
            .create_session(&SessionRecord { token_hash: token_hash(&token), user_id: user.id, created_at: now, expires_at }, &event)
            .await?;
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

    /// Everything the system keeps about the signed-in user, to download.
    pub async fn personal_data(&self, actor: &Actor) -> AppResult<PersonalData> {
        let user = actor.user().cloned().ok_or(AppError::Unauthenticated)?;
        let memberships = self.store.list_memberships(user.id).await?;
        let activity = self.store.list_audit_of(user.id).await?;
        Ok(PersonalData { account: user, memberships, activity })
    }

    /// Erases what identifies a user (their name, display name, e-mail and password) and ends
    /// their sessions; the audit log and the history keep their id, a pseudonym. A user erases
    /// themselves with their password; a network coordinator (or the command line, `by: None`)
    /// erases anyone else.
    pub async fn erase_user(&self, by: Option<&Actor>, username: &str, password: Option<&str>) -> AppResult<()> {
        let user = self.find_user(username).await?;
        let actor_id = match by {
            Some(actor) if actor.user().is_some_and(|u| u.id == user.id) => {
                self.reauthenticate(actor, password.unwrap_or_default()).await?;
                Some(user.id)
            }
            Some(actor) if actor.may(rightsmon_domain::access::Permission::ManageNetwork) => actor.user().map(|u| u.id),
            Some(_) => return Err(AppError::Forbidden),
            None => None,
        };
        let pseudonym = Username::parse(&format!("erased-{}", user.id)).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        let event = self.event(actor_id, "user.erased", format!("user:{}", user.id), serde_json::json!({}));
        Ok(self.store.erase_user(user.id, &pseudonym, &event).await?)
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
        assert!(!verify_password(&password, "!"), "an erased account's hash verifies nothing");
        assert!(!verify_password(&password, "not a hash"));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn waits_double_after_the_free_failures_up_to_the_longest() {
        let waits: Vec<i64> = (0..9).map(|f| backoff(f, 5, 60)).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 1, 2, 4, 8]);
        assert_eq!(backoff(12, 5, 60), 60);
        assert_eq!(backoff(u64::MAX, 5, 900), 900);
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
