//! The road map: the network's steps and the cities' milestones.

use super::*;
use rightsmon_domain::id::StepCode;
use rightsmon_domain::roadmap::{Milestone, NewMilestone, RoadmapStep};
use rightsmon_store::RoadmapStore;

const MILESTONE_COLUMNS: &str = "city_code, step_code, reached_on, evidence, note, recorded_by, recorded_at";

fn step_of(row: &DbRow) -> StoreResult<RoadmapStep> {
    Ok(RoadmapStep {
        code: parsed("code", StepCode::parse(&get::<String>(row, "code")?))?,
        position: u32::try_from(get::<i64>(row, "position")?).map_err(|e| corrupt("position", e))?,
        name: json(row, "name")?,
    })
}

fn milestone_of(row: &DbRow) -> StoreResult<Milestone> {
    Ok(Milestone {
        milestone: NewMilestone {
            city: parsed("city_code", AreaCode::parse(&get::<String>(row, "city_code")?))?,
            step: parsed("step_code", StepCode::parse(&get::<String>(row, "step_code")?))?,
            reached_on: parsed("reached_on", Date::parse(&get::<String>(row, "reached_on")?))?,
            evidence: json(row, "evidence")?,
            note: get(row, "note")?,
        },
        recorded_by: get(row, "recorded_by")?,
        recorded_at: Timestamp(get(row, "recorded_at")?),
    })
}

#[async_trait::async_trait]
impl RoadmapStore for Backend {
    async fn list_roadmap_steps(&self) -> StoreResult<Vec<RoadmapStep>> {
        let rows = sqlx::query("SELECT code, position, name FROM roadmap_steps ORDER BY position, code")
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter().map(step_of).collect()
    }

    async fn put_roadmap_step(&self, step: &RoadmapStep, audit: &NewAuditEvent) -> StoreResult<Written> {
        in_transaction!(self, tx, {
            let existing = sqlx::query("SELECT code, position, name FROM roadmap_steps WHERE code = $1")
                .bind(step.code.as_str().to_owned())
                .fetch_optional(&mut *tx)
                .await
                .map_err(err)?;
            let written = match existing.as_ref().map(step_of).transpose()? {
                Some(current) if current == *step => return Ok(Written::Unchanged),
                Some(_) => Written::Updated,
                None => Written::Created,
            };
            sqlx::query(
                "INSERT INTO roadmap_steps (code, position, name) VALUES ($1, $2, $3) \
                 ON CONFLICT (code) DO UPDATE SET position = excluded.position, name = excluded.name",
            )
            .bind(step.code.as_str().to_owned())
            .bind(i64::from(step.position))
            .bind(to_json(&step.name)?)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(written)
        })
    }

    async fn list_milestones(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Milestone>> {
        let sql = format!(
            "SELECT {MILESTONE_COLUMNS} FROM roadmap_milestones WHERE ($1 IS NULL OR city_code = $1) ORDER BY city_code, reached_on, step_code"
        );
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(city.map(|c| c.as_str().to_owned())).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(milestone_of).collect()
    }

    async fn set_milestone(
        &self,
        milestone: &NewMilestone,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Milestone> {
        in_transaction!(self, tx, {
            if !exists(&mut tx, "SELECT 1 FROM roadmap_steps WHERE code = $1", milestone.step.as_str()).await? {
                return Err(StoreError::NotFound);
            }
            if !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", milestone.city.as_str()).await? {
                return Err(StoreError::NotFound);
            }
            sqlx::query(
                "INSERT INTO roadmap_milestones (city_code, step_code, reached_on, evidence, note, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (city_code, step_code) DO UPDATE SET reached_on = excluded.reached_on, \
                 evidence = excluded.evidence, note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            )
            .bind(milestone.city.as_str().to_owned())
            .bind(milestone.step.as_str().to_owned())
            .bind(milestone.reached_on.to_string())
            .bind(to_json(&milestone.evidence)?)
            .bind(milestone.note.clone())
            .bind(by)
            .bind(at.seconds())
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(Milestone { milestone: milestone.clone(), recorded_by: by, recorded_at: at })
        })
    }

    async fn remove_milestone(&self, city: &AreaCode, step: &StepCode, audit: &NewAuditEvent) -> StoreResult<()> {
        in_transaction!(self, tx, {
            let removed = sqlx::query("DELETE FROM roadmap_milestones WHERE city_code = $1 AND step_code = $2")
                .bind(city.as_str().to_owned())
                .bind(step.as_str().to_owned())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            if removed.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            audit_in(&mut tx, audit).await?;
            Ok(())
        })
    }
}
