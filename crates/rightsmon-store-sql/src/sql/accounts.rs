//! Accounts: organisations, users, memberships, sessions and login throttling.

use super::*;

pub(super) fn user_of(row: &DbRow) -> StoreResult<User> {
    Ok(User {
        id: get(row, "id")?,
        username: parsed("username", Username::parse(&get::<String>(row, "username")?))?,
        display_name: get(row, "display_name")?,
        email: get(row, "email")?,
        is_disabled: get(row, "is_disabled")?,
        created_at: Timestamp(get(row, "created_at")?),
    })
}

pub(super) fn organisation_of(row: &DbRow) -> StoreResult<Organisation> {
    Ok(Organisation {
        id: get(row, "id")?,
        name: get(row, "name")?,
        kind: parsed("kind", OrganisationKind::parse(&get::<String>(row, "kind")?))?,
        city: get::<Option<String>>(row, "city_code")?.map(|c| parsed("city_code", AreaCode::parse(&c))).transpose()?,
    })
}

#[async_trait::async_trait]
impl AccountStore for Backend {
    async fn create_organisation(&self, organisation: &NewOrganisation, audit: &NewAuditEvent) -> StoreResult<Organisation> {
        in_transaction!(self, tx, {
            bump_generation(&mut tx, &scope_key(organisation.city.as_ref())).await?;
            if let Some(city) = &organisation.city
                && !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", city.as_str()).await?
            {
                return Err(StoreError::NotFound);
            }
            let row = sqlx::query("INSERT INTO organisations (name, kind, city_code, scope_key) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(organisation.name.clone())
                .bind(organisation.kind.as_str())
                .bind(organisation.city.as_ref().map(|c| c.as_str().to_owned()))
                .bind(scope_key(organisation.city.as_ref()))
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(Organisation { id, name: organisation.name.clone(), kind: organisation.kind, city: organisation.city.clone() })
        })
    }

    async fn list_organisations(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Organisation>> {
        let rows =
            sqlx::query("SELECT id, name, kind, city_code FROM organisations WHERE ($1 IS NULL OR city_code = $1) ORDER BY name, id")
                .bind(city.map(|c| c.as_str().to_owned()))
                .fetch_all(self.pool())
                .await
                .map_err(err)?;
        rows.iter().map(organisation_of).collect()
    }

    async fn create_user(&self, user: &NewUser, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<User> {
        let id = in_transaction!(self, tx, {
            let row = sqlx::query(
                "INSERT INTO users (username, display_name, email, password_hash, is_disabled, created_at) \
                 VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id",
            )
            .bind(user.username.as_str().to_owned())
            .bind(user.display_name.clone())
            .bind(user.email.clone())
            .bind(user.password_hash.clone())
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(id)
        })?;
        Ok(User {
            id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            is_disabled: false,
            created_at: at,
        })
    }

    async fn get_user(&self, id: i64) -> StoreResult<User> {
        let row = sqlx::query("SELECT id, username, display_name, email, is_disabled, created_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(err)?;
        user_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn find_user(&self, username: &Username) -> StoreResult<User> {
        let row = sqlx::query("SELECT id, username, display_name, email, is_disabled, created_at FROM users WHERE username = $1")
            .bind(username.as_str().to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(err)?;
        user_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query("SELECT id, username, display_name, email, is_disabled, created_at FROM users ORDER BY username")
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter().map(user_of).collect()
    }

    async fn password_hash(&self, user_id: i64) -> StoreResult<String> {
        let row =
            sqlx::query("SELECT password_hash FROM users WHERE id = $1").bind(user_id).fetch_optional(self.pool()).await.map_err(err)?;
        get(&row.ok_or(StoreError::NotFound)?, "password_hash")
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            let result = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash.to_owned())
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            if result.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(err)?;
            // Reminders say what someone had to do: they go with the person.
            sqlx::query("DELETE FROM reminders WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(err)?;
            sqlx::query("DELETE FROM reminder_preferences WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn set_user_disabled(&self, user_id: i64, is_disabled: bool, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            let result = sqlx::query("UPDATE users SET is_disabled = $1 WHERE id = $2")
                .bind(is_disabled)
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            if result.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            if is_disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(err)?;
            }
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn erase_user(&self, user_id: i64, username: &Username, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            // The hash of nothing: no password verifies against it.
            let result = sqlx::query(
                "UPDATE users SET username = $1, display_name = $1, email = NULL, password_hash = '!', is_disabled = TRUE WHERE id = $2",
            )
            .bind(username.as_str().to_owned())
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            if result.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn add_membership(&self, membership: &Membership, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            let city = match &membership.scope {
                Scope::Network => None,
                Scope::City(city) => Some(city),
            };
            let user_exists = sqlx::query("SELECT 1 FROM users WHERE id = $1")
                .bind(membership.user_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?
                .is_some();
            let organisation_exists = match membership.organisation_id {
                Some(id) => {
                    sqlx::query("SELECT 1 FROM organisations WHERE id = $1").bind(id).fetch_optional(&mut *tx).await.map_err(err)?.is_some()
                }
                None => true,
            };
            let city_exists = match city {
                Some(city) => exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", city.as_str()).await?,
                None => true,
            };
            if !(user_exists && organisation_exists && city_exists) {
                return Err(StoreError::NotFound);
            }
            sqlx::query("INSERT INTO memberships (user_id, organisation_id, role, city_code, scope_key) VALUES ($1, $2, $3, $4, $5)")
                .bind(membership.user_id)
                .bind(membership.organisation_id)
                .bind(membership.role.as_str())
                .bind(city.map(|c| c.as_str().to_owned()))
                .bind(scope_key(city))
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn list_memberships(&self, user_id: i64) -> StoreResult<Vec<Membership>> {
        let rows = sqlx::query("SELECT user_id, organisation_id, role, city_code FROM memberships WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter()
            .map(|row| {
                let scope = match get::<Option<String>>(row, "city_code")? {
                    Some(city) => Scope::City(parsed("city_code", AreaCode::parse(&city))?),
                    None => Scope::Network,
                };
                Membership::new(
                    get(row, "user_id")?,
                    get(row, "organisation_id")?,
                    parsed("role", Role::parse(&get::<String>(row, "role")?))?,
                    scope,
                )
                .map_err(|e| corrupt("memberships", e))
            })
            .collect()
    }

    async fn create_session(&self, session: &SessionRecord, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(session.token_hash.clone())
                .bind(session.user_id)
                .bind(session.created_at.seconds())
                .bind(session.expires_at.seconds())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn get_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<SessionRecord> {
        let row = sqlx::query("SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash.to_owned())
            .bind(now.seconds())
            .fetch_optional(self.pool())
            .await
            .map_err(err)?
            .ok_or(StoreError::NotFound)?;
        Ok(SessionRecord {
            token_hash: get(&row, "token_hash")?,
            user_id: get(&row, "user_id")?,
            created_at: Timestamp(get(&row, "created_at")?),
            expires_at: Timestamp(get(&row, "expires_at")?),
        })
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let _guard = self.write_guard().await;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash.to_owned()).execute(self.pool()).await.map_err(err)?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<u64> {
        let _guard = self.write_guard().await;
        Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(self.pool()).await.map_err(err)?.rows_affected())
    }

    async fn purge_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let _guard = self.write_guard().await;
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now.seconds())
            .execute(self.pool())
            .await
            .map_err(err)?
            .rows_affected())
    }

    async fn record_login_failure(&self, key: &str, at: Timestamp) -> StoreResult<()> {
        let _guard = self.write_guard().await;
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(key.to_owned())
            .bind(at.seconds())
            .execute(self.pool())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn login_failures(&self, key: &str, since: Timestamp) -> StoreResult<rightsmon_store::LoginFailures> {
        let row = sqlx::query("SELECT COUNT(*) AS n, MAX(at) AS last FROM login_failures WHERE key = $1 AND at >= $2")
            .bind(key.to_owned())
            .bind(since.seconds())
            .fetch_one(self.pool())
            .await
            .map_err(err)?;
        Ok(rightsmon_store::LoginFailures {
            count: u64::try_from(get::<i64>(&row, "n")?).unwrap_or(0),
            last: get::<Option<i64>>(&row, "last")?.map(Timestamp),
        })
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        let _guard = self.write_guard().await;
        sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key.to_owned()).execute(self.pool()).await.map_err(err)?;
        Ok(())
    }

    async fn purge_login_failures(&self, before: Timestamp) -> StoreResult<u64> {
        let _guard = self.write_guard().await;
        Ok(sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(before.seconds())
            .execute(self.pool())
            .await
            .map_err(err)?
            .rows_affected())
    }
}
