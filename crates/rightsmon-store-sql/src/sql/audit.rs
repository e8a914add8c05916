//! The hash-chained audit log, appended in the transaction of the change it records (ADR 0003).

use super::*;

pub(super) fn audit_of(row: &DbRow) -> StoreResult<AuditEvent> {
    Ok(AuditEvent {
        id: get(row, "id")?,
        event: NewAuditEvent {
            at: Timestamp(get(row, "at")?),
            actor_user_id: get(row, "actor_user_id")?,
            action: get(row, "action")?,
            subject: get(row, "subject")?,
            detail: json(row, "detail")?,
        },
        previous_hash: get(row, "previous_hash")?,
        hash: get(row, "hash")?,
    })
}

/// Appends an event to the audit chain inside the transaction of the change it records.
pub(super) async fn audit_in(tx: &mut sqlx::Transaction<'_, Db>, event: &NewAuditEvent) -> StoreResult<AuditEvent> {
    Backend::lock_audit_chain(tx).await.map_err(err)?;
    let previous_hash: String =
        match sqlx::query("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1").fetch_optional(&mut **tx).await.map_err(err)? {
            Some(row) => get(&row, "hash")?,
            None => String::new(),
        };
    let hash = rightsmon_store::audit_hash(&previous_hash, event);
    let row = sqlx::query(
        "INSERT INTO audit_events (at, actor_user_id, action, subject, detail, previous_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(event.at.seconds())
    .bind(event.actor_user_id)
    .bind(event.action.clone())
    .bind(event.subject.clone())
    .bind(event.detail.to_string())
    .bind(previous_hash.clone())
    .bind(hash.clone())
    .fetch_one(&mut **tx)
    .await
    .map_err(err)?;
    Ok(AuditEvent { id: get(&row, "id")?, event: event.clone(), previous_hash, hash })
}

/// Appends the audit event of a write unless it changed nothing.
pub(super) async fn audit_written(tx: &mut sqlx::Transaction<'_, Db>, event: &NewAuditEvent, written: Written) -> StoreResult<Written> {
    if written != Written::Unchanged {
        audit_in(tx, event).await?;
    }
    Ok(written)
}

#[async_trait::async_trait]
impl AuditStore for Backend {
    async fn append_audit(&self, event: &NewAuditEvent) -> StoreResult<AuditEvent> {
        in_transaction!(self, tx, { audit_in(&mut tx, event).await })
    }

    async fn list_audit_of(&self, user_id: i64) -> StoreResult<Vec<AuditEvent>> {
        let rows = sqlx::query(
            "SELECT id, at, actor_user_id, action, subject, detail, previous_hash, hash FROM audit_events \
             WHERE actor_user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        rows.iter().map(audit_of).collect()
    }

    async fn list_audit(&self, after_id: i64, limit: u32) -> StoreResult<Vec<AuditEvent>> {
        let rows = sqlx::query(
            "SELECT id, at, actor_user_id, action, subject, detail, previous_hash, hash FROM audit_events \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(i64::from(limit.min(rightsmon_store::MAX_PAGE_SIZE)))
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        rows.iter().map(audit_of).collect()
    }
}
