//! Co-design: proposals, what is said about them, decisions, adoptions and governance rules.

use super::*;

pub(super) fn proposal_of(row: &DbRow) -> StoreResult<Proposal> {
    Ok(Proposal {
        id: get(row, "id")?,
        proposal: json::<NewProposal>(row, "body")?,
        author_id: get(row, "author_id")?,
        created_at: Timestamp(get(row, "created_at")?),
        status: parsed("status", ProposalStatus::parse(&get::<String>(row, "status")?))?,
    })
}

pub(super) fn adoption_of(row: &DbRow) -> StoreResult<Adoption> {
    Ok(Adoption {
        city: parsed("city_code", AreaCode::parse(&get::<String>(row, "city_code")?))?,
        indicator: parsed("indicator_code", IndicatorCode::parse(&get::<String>(row, "indicator_code")?))?,
        is_adopted: get(row, "is_adopted")?,
        reason: get(row, "reason")?,
        proposal_id: get(row, "proposal_id")?,
        decided_at: Timestamp(get(row, "decided_at")?),
    })
}

pub(super) fn scope_of(scope: &Scope) -> (String, Option<String>) {
    match scope {
        Scope::Network => (String::new(), None),
        Scope::City(city) => (city.as_str().to_owned(), Some(city.as_str().to_owned())),
    }
}

/// Whether a proposal exists and is open, within a transaction.
pub(super) async fn require_open(tx: &mut sqlx::Transaction<'_, Db>, proposal_id: i64) -> StoreResult<()> {
    let row = sqlx::query("SELECT status FROM proposals WHERE id = $1")
        .bind(proposal_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(err)?
        .ok_or(StoreError::NotFound)?;
    if get::<String>(&row, "status")? == ProposalStatus::Open.as_str() {
        Ok(())
    } else {
        Err(StoreError::Conflict { constraint: "proposal_not_open".into() })
    }
}

pub(super) async fn rule_json(pool: &sqlx::Pool<Db>, key: &str) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT rule FROM governance_rules WHERE scope_key = $1")
        .bind(key.to_owned())
        .fetch_optional(pool)
        .await
        .map_err(err)?;
    row.map(|r| get::<String>(&r, "rule")).transpose()
}

pub(super) async fn set_rule_json(tx: &mut sqlx::Transaction<'_, Db>, key: &str, rule: String) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO governance_rules (scope_key, rule) VALUES ($1, $2) ON CONFLICT (scope_key) DO UPDATE SET rule = excluded.rule",
    )
    .bind(key.to_owned())
    .bind(rule)
    .execute(&mut **tx)
    .await
    .map_err(err)?;
    Ok(())
}

/// Inserts a text someone said about a proposal (a comment, an objection); returns its id.
pub(super) async fn insert_statement(
    tx: &mut sqlx::Transaction<'_, Db>,
    sql: &'static str,
    proposal_id: i64,
    user_id: i64,
    text: &str,
    at: Timestamp,
) -> StoreResult<i64> {
    let row = sqlx::query(sql)
        .bind(proposal_id)
        .bind(user_id)
        .bind(text.to_owned())
        .bind(at.seconds())
        .fetch_one(&mut **tx)
        .await
        .map_err(err)?;
    get(&row, "id")
}

/// Lists texts said about a proposal as (id, proposal, user, text, time).
pub(super) async fn list_statements(
    pool: &sqlx::Pool<Db>,
    sql: &'static str,
    proposal_id: i64,
) -> StoreResult<Vec<(i64, i64, i64, String, Timestamp)>> {
    let rows = sqlx::query(sql).bind(proposal_id).fetch_all(pool).await.map_err(err)?;
    rows.iter()
        .map(|row| Ok((get(row, "id")?, get(row, "proposal_id")?, get(row, "user_id")?, get(row, "text")?, Timestamp(get(row, "at")?))))
        .collect()
}

#[async_trait::async_trait]
impl CodesignStore for Backend {
    async fn create_proposal(&self, proposal: &NewProposal, author_id: i64, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Proposal> {
        let (scope_key, city) = scope_of(&proposal.scope);
        in_transaction!(self, tx, {
            let row = sqlx::query(
                "INSERT INTO proposals (scope_key, city_code, kind, title, body, author_id, created_at, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'open') RETURNING id",
            )
            .bind(scope_key.clone())
            .bind(city.clone())
            .bind(proposal.change.kind().as_str())
            .bind(proposal.title.clone())
            .bind(to_json(proposal)?)
            .bind(author_id)
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(Proposal { id, proposal: proposal.clone(), author_id, created_at: at, status: ProposalStatus::Open })
        })
    }

    async fn get_proposal(&self, id: i64) -> StoreResult<Proposal> {
        let row = sqlx::query("SELECT id, body, author_id, created_at, status FROM proposals WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(err)?;
        proposal_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_proposals(&self, query: &ProposalQuery) -> StoreResult<Page<Proposal>> {
        let mut count = sqlx::QueryBuilder::<Db>::new("SELECT COUNT(*) AS n");
        let mut items = sqlx::QueryBuilder::<Db>::new("SELECT id, body, author_id, created_at, status");
        for target in [&mut count, &mut items] {
            target.push(" FROM proposals WHERE 1 = 1");
            if let Some(scope) = &query.scope {
                target.push(" AND scope_key = ").push_bind(scope_of(scope).0);
            }
            if let Some(status) = query.status {
                target.push(" AND status = ").push_bind(status.as_str());
            }
        }
        let (limit, offset) = page_bounds(query.page);
        items.push(" ORDER BY id DESC LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
        let total: i64 = get(&count.build().fetch_one(self.pool()).await.map_err(err)?, "n")?;
        let rows = items.build().fetch_all(self.pool()).await.map_err(err)?;
        Ok(Page {
            items: rows.iter().map(proposal_of).collect::<StoreResult<_>>()?,
            total: u64::try_from(total).unwrap_or(0),
            limit: query.page.limit(),
            offset: query.page.offset(),
        })
    }

    async fn withdraw_proposal(&self, id: i64, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            require_open(&mut tx, id).await?;
            sqlx::query("UPDATE proposals SET status = 'withdrawn' WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn add_comment(&self, proposal_id: i64, user_id: i64, body: &str, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Comment> {
        let sql = "INSERT INTO proposal_comments (proposal_id, user_id, body, at) VALUES ($1, $2, $3, $4) RETURNING id";
        let id = in_transaction!(self, tx, {
            let id = insert_statement(&mut tx, sql, proposal_id, user_id, body, at).await?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(id)
        })?;
        Ok(Comment { id, proposal_id, user_id, body: body.to_owned(), at })
    }

    async fn list_comments(&self, proposal_id: i64) -> StoreResult<Vec<Comment>> {
        let sql = "SELECT id, proposal_id, user_id, body AS text, at FROM proposal_comments WHERE proposal_id = $1 ORDER BY id";
        let rows = list_statements(self.pool(), sql, proposal_id).await?;
        Ok(rows.into_iter().map(|(id, proposal_id, user_id, body, at)| Comment { id, proposal_id, user_id, body, at }).collect())
    }

    async fn add_endorsement(&self, endorsement: &Endorsement, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            require_open(&mut tx, endorsement.proposal_id).await?;
            sqlx::query("INSERT INTO proposal_endorsements (proposal_id, user_id, side, city_code, at) VALUES ($1, $2, $3, $4, $5)")
                .bind(endorsement.proposal_id)
                .bind(endorsement.user_id)
                .bind(endorsement.side.as_str())
                .bind(endorsement.city.as_ref().map(|c| c.as_str().to_owned()))
                .bind(endorsement.at.seconds())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn list_endorsements(&self, proposal_id: i64) -> StoreResult<Vec<Endorsement>> {
        let rows = sqlx::query(
            "SELECT proposal_id, user_id, side, city_code, at FROM proposal_endorsements WHERE proposal_id = $1 ORDER BY at, user_id",
        )
        .bind(proposal_id)
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        rows.iter()
            .map(|row| {
                Ok(Endorsement {
                    proposal_id: get(row, "proposal_id")?,
                    user_id: get(row, "user_id")?,
                    side: parsed("side", Side::parse(&get::<String>(row, "side")?))?,
                    city: get::<Option<String>>(row, "city_code")?.map(|c| parsed("city_code", AreaCode::parse(&c))).transpose()?,
                    at: Timestamp(get(row, "at")?),
                })
            })
            .collect()
    }

    async fn add_objection(
        &self,
        proposal_id: i64,
        user_id: i64,
        reasons: &str,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Objection> {
        let sql = "INSERT INTO proposal_objections (proposal_id, user_id, reasons, at) VALUES ($1, $2, $3, $4) RETURNING id";
        let id = in_transaction!(self, tx, {
            let id = insert_statement(&mut tx, sql, proposal_id, user_id, reasons, at).await?;
            audit_in(&mut tx, audit).await?;
            Ok(id)
        })?;
        Ok(Objection { id, proposal_id, user_id, reasons: reasons.to_owned(), at })
    }

    async fn list_objections(&self, proposal_id: i64) -> StoreResult<Vec<Objection>> {
        let sql = "SELECT id, proposal_id, user_id, reasons AS text, at FROM proposal_objections WHERE proposal_id = $1 ORDER BY id";
        let rows = list_statements(self.pool(), sql, proposal_id).await?;
        Ok(rows.into_iter().map(|(id, proposal_id, user_id, reasons, at)| Objection { id, proposal_id, user_id, reasons, at }).collect())
    }

    async fn decide_proposal(&self, decision: &Decision, changes: &[FrameworkChange], audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            require_open(&mut tx, decision.proposal_id).await?;
            bump_generation(&mut tx, "").await?;
            for change in changes {
                match change {
                    FrameworkChange::PutVersion(definition) => {
                        put_version_in(&mut tx, definition, decision.at).await?;
                    }
                    FrameworkChange::SetAdoption { city, indicator, is_adopted, reason } => {
                        let core = sqlx::query("SELECT city_code FROM indicators WHERE code = $1")
                            .bind(indicator.as_str().to_owned())
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(err)?
                            .ok_or(StoreError::NotFound)?;
                        if get::<Option<String>>(&core, "city_code")?.is_some() {
                            return Err(StoreError::Conflict { constraint: "adoption_of_local_indicator".into() });
                        }
                        sqlx::query(
                            "INSERT INTO city_adoptions (city_code, indicator_code, is_adopted, reason, proposal_id, decided_at) \
                             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (city_code, indicator_code) DO UPDATE SET \
                             is_adopted = excluded.is_adopted, reason = excluded.reason, proposal_id = excluded.proposal_id, decided_at = excluded.decided_at",
                        )
                        .bind(city.as_str().to_owned())
                        .bind(indicator.as_str().to_owned())
                        .bind(*is_adopted)
                        .bind(reason.clone())
                        .bind(decision.proposal_id)
                        .bind(decision.at.seconds())
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?;
                    }
                    FrameworkChange::Retire { indicator, reason } => {
                        let result = sqlx::query(
                            "UPDATE indicators SET retired_at = $1, retirement_reason = $2 WHERE code = $3 AND retired_at IS NULL",
                        )
                        .bind(decision.at.seconds())
                        .bind(reason.clone())
                        .bind(indicator.as_str().to_owned())
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?;
                        if result.rows_affected() == 0 {
                            return Err(StoreError::Conflict { constraint: "indicator_not_active".into() });
                        }
                    }
                }
            }
            sqlx::query("INSERT INTO proposal_decisions (proposal_id, outcome, decided_by, at, reason, endorsements) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(decision.proposal_id)
                .bind(decision.outcome.as_str())
                .bind(decision.decided_by)
                .bind(decision.at.seconds())
                .bind(decision.reason.clone())
                .bind(to_json(&decision.endorsements)?)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            sqlx::query("UPDATE proposals SET status = $1 WHERE id = $2")
                .bind(decision.outcome.as_str())
                .bind(decision.proposal_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn get_decision(&self, proposal_id: i64) -> StoreResult<Decision> {
        let row =
            sqlx::query("SELECT proposal_id, outcome, decided_by, at, reason, endorsements FROM proposal_decisions WHERE proposal_id = $1")
                .bind(proposal_id)
                .fetch_optional(self.pool())
                .await
                .map_err(err)?
                .ok_or(StoreError::NotFound)?;
        Ok(Decision {
            proposal_id: get(&row, "proposal_id")?,
            outcome: parsed("outcome", Outcome::parse(&get::<String>(&row, "outcome")?))?,
            decided_by: get(&row, "decided_by")?,
            at: Timestamp(get(&row, "at")?),
            reason: get(&row, "reason")?,
            endorsements: json(&row, "endorsements")?,
        })
    }

    async fn list_adoptions(&self, city: Option<&AreaCode>, indicator: Option<&IndicatorCode>) -> StoreResult<Vec<Adoption>> {
        let rows = sqlx::query(
            "SELECT city_code, indicator_code, is_adopted, reason, proposal_id, decided_at FROM city_adoptions \
             WHERE ($1 IS NULL OR city_code = $1) AND ($2 IS NULL OR indicator_code = $2) ORDER BY city_code, indicator_code",
        )
        .bind(city.map(|c| c.as_str().to_owned()))
        .bind(indicator.map(|i| i.as_str().to_owned()))
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        rows.iter().map(adoption_of).collect()
    }

    async fn city_rule(&self, city: &AreaCode) -> StoreResult<CityRule> {
        match rule_json(self.pool(), city.as_str()).await? {
            Some(text) => serde_json::from_str(&text).map_err(|e| corrupt("governance_rules", e)),
            None => Ok(CityRule::default()),
        }
    }

    async fn set_city_rule(&self, city: &AreaCode, rule: CityRule, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            if !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", city.as_str()).await? {
                return Err(StoreError::NotFound);
            }
            set_rule_json(&mut tx, city.as_str(), to_json(&rule)?).await?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }

    async fn network_rule(&self) -> StoreResult<NetworkRule> {
        match rule_json(self.pool(), "").await? {
            Some(text) => serde_json::from_str(&text).map_err(|e| corrupt("governance_rules", e)),
            None => Ok(NetworkRule::default()),
        }
    }

    async fn set_network_rule(&self, rule: NetworkRule, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            set_rule_json(&mut tx, "", to_json(&rule)?).await?;
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }
}
