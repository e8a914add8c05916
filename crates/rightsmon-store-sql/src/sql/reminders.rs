//! Reminders and the choices of how to hear of them.

use super::*;
use rightsmon_domain::reminder::{Delivery, EmailState, NewReminder, Reminder, ReminderKind};
use rightsmon_store::ReminderStore;

const REMINDER_COLUMNS: &str = "id, user_id, kind, subject, text, detail, link, created_at, email, emailed_at, read_at";

fn reminder_of(row: &DbRow) -> StoreResult<Reminder> {
    Ok(Reminder {
        id: get(row, "id")?,
        reminder: NewReminder {
            user_id: get(row, "user_id")?,
            kind: parsed("kind", ReminderKind::parse(&get::<String>(row, "kind")?))?,
            subject: get(row, "subject")?,
            text: get(row, "text")?,
            detail: json(row, "detail")?,
            link: get(row, "link")?,
        },
        created_at: Timestamp(get(row, "created_at")?),
        email: parsed("email", EmailState::parse(&get::<String>(row, "email")?))?,
        emailed_at: get::<Option<i64>>(row, "emailed_at")?.map(Timestamp),
        read_at: get::<Option<i64>>(row, "read_at")?.map(Timestamp),
    })
}

fn preference_of(row: &DbRow) -> StoreResult<(i64, ReminderKind, Delivery)> {
    Ok((
        get(row, "user_id")?,
        parsed("kind", ReminderKind::parse(&get::<String>(row, "kind")?))?,
        parsed("delivery", Delivery::parse(&get::<String>(row, "delivery")?))?,
    ))
}

#[async_trait::async_trait]
impl ReminderStore for Backend {
    async fn reminder_preferences(&self, user_id: i64) -> StoreResult<Vec<(ReminderKind, Delivery)>> {
        let rows = sqlx::query("SELECT user_id, kind, delivery FROM reminder_preferences WHERE user_id = $1 ORDER BY kind")
            .bind(user_id)
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter().map(|row| preference_of(row).map(|(_, kind, delivery)| (kind, delivery))).collect()
    }

    async fn all_reminder_preferences(&self) -> StoreResult<Vec<(i64, ReminderKind, Delivery)>> {
        let rows = sqlx::query("SELECT user_id, kind, delivery FROM reminder_preferences ORDER BY user_id, kind")
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter().map(preference_of).collect()
    }

    async fn set_reminder_preference(
        &self,
        user_id: i64,
        kind: ReminderKind,
        delivery: Delivery,
        audit: &NewAuditEvent,
    ) -> StoreResult<()> {
        in_transaction!(self, tx, {
            sqlx::query(
                "INSERT INTO reminder_preferences (user_id, kind, delivery) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, kind) DO UPDATE SET delivery = excluded.delivery",
            )
            .bind(user_id)
            .bind(kind.as_str())
            .bind(delivery.as_str())
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn add_reminders(&self, reminders: &[(NewReminder, EmailState)], at: Timestamp) -> StoreResult<Vec<Reminder>> {
        in_transaction!(self, tx, {
            let mut kept = Vec::new();
            for (reminder, email) in reminders {
                let sql = format!(
                    "INSERT INTO reminders (user_id, kind, subject, text, detail, link, created_at, email) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id, kind, subject) DO NOTHING RETURNING {REMINDER_COLUMNS}"
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(reminder.user_id)
                    .bind(reminder.kind.as_str())
                    .bind(reminder.subject.clone())
                    .bind(reminder.text.clone())
                    .bind(to_json(&reminder.detail)?)
                    .bind(reminder.link.clone())
                    .bind(at.seconds())
                    .bind(email.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(err)?;
                if let Some(row) = row {
                    kept.push(reminder_of(&row)?);
                }
            }
            Ok(kept)
        })
    }

    async fn pending_email_reminders(&self) -> StoreResult<Vec<Reminder>> {
        let sql = format!("SELECT {REMINDER_COLUMNS} FROM reminders WHERE email = 'pending' ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(reminder_of).collect()
    }

    async fn set_reminders_emailed(&self, ids: &[i64], state: EmailState, at: Timestamp) -> StoreResult<()> {
        in_transaction!(self, tx, {
            for chunk in ids.chunks(500) {
                let mut update = sqlx::QueryBuilder::<Db>::new("UPDATE reminders SET email = ");
                update.push_bind(state.as_str()).push(", emailed_at = ").push_bind(at.seconds()).push(" WHERE id IN (");
                let mut list = update.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                update.push(")");
                update.build().execute(&mut *tx).await.map_err(err)?;
            }
            Ok(())
        })
    }

    async fn last_digest_at(&self, user_id: i64) -> StoreResult<Option<Timestamp>> {
        let row = sqlx::query("SELECT MAX(emailed_at) AS last FROM reminders WHERE user_id = $1 AND email = 'sent_in_digest'")
            .bind(user_id)
            .fetch_one(self.pool())
            .await
            .map_err(err)?;
        Ok(get::<Option<i64>>(&row, "last")?.map(Timestamp))
    }

    async fn list_reminders(&self, user_id: i64, limit: u32) -> StoreResult<Vec<Reminder>> {
        let sql = format!("SELECT {REMINDER_COLUMNS} FROM reminders WHERE user_id = $1 ORDER BY id DESC LIMIT $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(i64::from(limit)).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(reminder_of).collect()
    }

    async fn mark_reminders_read(&self, user_id: i64, ids: &[i64], at: Timestamp) -> StoreResult<()> {
        in_transaction!(self, tx, {
            for id in ids {
                sqlx::query("UPDATE reminders SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL")
                    .bind(at.seconds())
                    .bind(*id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
            }
            Ok(())
        })
    }
}
