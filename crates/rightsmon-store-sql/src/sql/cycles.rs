//! Reporting cycles and who provides which indicator in them.

use super::*;

pub(super) fn cycle_of(row: &DbRow) -> StoreResult<Cycle> {
    Ok(Cycle {
        id: get(row, "id")?,
        cycle: NewCycle {
            city: parsed("city_code", AreaCode::parse(&get::<String>(row, "city_code")?))?,
            name: get(row, "name")?,
            period: parsed("period", Period::parse(&get::<String>(row, "period")?))?,
            deadline: parsed("deadline", Date::parse(&get::<String>(row, "deadline")?))?,
        },
    })
}

pub(super) fn assignment_of(row: &DbRow) -> StoreResult<Assignment> {
    Ok(Assignment {
        cycle_id: get(row, "cycle_id")?,
        indicator: parsed("indicator_code", IndicatorCode::parse(&get::<String>(row, "indicator_code")?))?,
        organisation_id: get(row, "organisation_id")?,
    })
}

#[async_trait::async_trait]
impl CycleStore for Backend {
    async fn create_cycle(&self, cycle: &NewCycle, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Cycle> {
        in_transaction!(self, tx, {
            if !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", cycle.city.as_str()).await? {
                return Err(StoreError::NotFound);
            }
            let row = sqlx::query(
                "INSERT INTO reporting_cycles (city_code, name, period, deadline, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(cycle.city.as_str().to_owned())
            .bind(cycle.name.clone())
            .bind(cycle.period.to_string())
            .bind(cycle.deadline.to_string())
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(Cycle { id, cycle: cycle.clone() })
        })
    }

    async fn get_cycle(&self, id: i64) -> StoreResult<Cycle> {
        let row = sqlx::query("SELECT id, city_code, name, period, deadline FROM reporting_cycles WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(err)?;
        cycle_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_cycles(&self, city: &AreaCode) -> StoreResult<Vec<Cycle>> {
        let rows = sqlx::query(
            "SELECT id, city_code, name, period, deadline FROM reporting_cycles WHERE city_code = $1 ORDER BY deadline DESC, id DESC",
        )
        .bind(city.as_str().to_owned())
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        rows.iter().map(cycle_of).collect()
    }

    async fn assign(&self, assignment: &Assignment, audit: &NewAuditEvent) -> StoreResult<Written> {
        in_transaction!(self, tx, {
            let existing = sqlx::query("SELECT organisation_id FROM assignments WHERE cycle_id = $1 AND indicator_code = $2")
                .bind(assignment.cycle_id)
                .bind(assignment.indicator.as_str().to_owned())
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?;
            let (sql, written) = match existing {
                Some(row) if get::<i64>(&row, "organisation_id")? == assignment.organisation_id => return Ok(Written::Unchanged),
                Some(_) => ("UPDATE assignments SET organisation_id = $1 WHERE cycle_id = $2 AND indicator_code = $3", Written::Updated),
                None => ("INSERT INTO assignments (organisation_id, cycle_id, indicator_code) VALUES ($1, $2, $3)", Written::Created),
            };
            sqlx::query(sql)
                .bind(assignment.organisation_id)
                .bind(assignment.cycle_id)
                .bind(assignment.indicator.as_str().to_owned())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_written(&mut tx, audit, written).await
        })
    }

    async fn list_assignments(&self, cycle_id: i64) -> StoreResult<Vec<Assignment>> {
        let rows =
            sqlx::query("SELECT cycle_id, indicator_code, organisation_id FROM assignments WHERE cycle_id = $1 ORDER BY indicator_code")
                .bind(cycle_id)
                .fetch_all(self.pool())
                .await
                .map_err(err)?;
        rows.iter().map(assignment_of).collect()
    }

    async fn list_assignments_of(&self, organisation_ids: &[i64]) -> StoreResult<Vec<Assignment>> {
        if organisation_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut builder =
            sqlx::QueryBuilder::<Db>::new("SELECT cycle_id, indicator_code, organisation_id FROM assignments WHERE organisation_id IN (");
        let mut separated = builder.separated(", ");
        for id in organisation_ids {
            separated.push_bind(*id);
        }
        builder.push(") ORDER BY cycle_id, indicator_code");
        let rows = builder.build().fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(assignment_of).collect()
    }
}
