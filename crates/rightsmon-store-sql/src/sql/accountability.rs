//! The accountability loop: consultations, recommendations, actions and their updates.

use super::*;
use rightsmon_domain::accountability::{
    Action, ActionStatus, ActionUpdate, NewAction, NewActionUpdate, NewRecommendation, Recommendation, RecommendationSource, Response,
};
use rightsmon_domain::participation::{
    AssessedSubject, Assessment, Assessor, Consultation, ConsultationFormat, NewAssessment, NewConsultation, Verdict,
};
use rightsmon_domain::practice::{NewPractice, Practice, PracticeTranslation};
use rightsmon_domain::report::{CityReportSnapshot, NetworkReport, NetworkReportSnapshot, Report};
use rightsmon_domain::text::LanguageCode;
use rightsmon_store::{AccountabilityStore, RecommendationQuery};

const CONSULTATION_COLUMNS: &str =
    "id, city_code, title, held_on, format, place, organisers, participants, raised, documents, recorded_by, recorded_at";

const RECOMMENDATION_COLUMNS: &str = "id, city_code, title, text, language, source, source_reference, made_on, rights, themes, \
    indicators, consultation_id, response, response_reason, published, recorded_by, recorded_at, updated_at";

const ACTION_COLUMNS: &str =
    "id, recommendation_id, title, description, responsible, deadline, budget_reference, status, created_by, created_at, updated_at";

const ASSESSMENT_COLUMNS: &str = "id, cycle_id, subject, organisation_id, version, verdict, reasoning, evidence, by_user, at";

const UPDATE_COLUMNS: &str = "id, action_id, on_date, status, note, reason, evidence, by_user, at";

fn date(row: &DbRow, column: &str) -> StoreResult<Date> {
    parsed(column, Date::parse(&get::<String>(row, column)?))
}

fn optional_date(row: &DbRow, column: &str) -> StoreResult<Option<Date>> {
    get::<Option<String>>(row, column)?.map(|d| parsed(column, Date::parse(&d))).transpose()
}

fn consultation_of(row: &DbRow) -> StoreResult<Consultation> {
    Ok(Consultation {
        id: get(row, "id")?,
        consultation: NewConsultation {
            city: parsed("city_code", AreaCode::parse(&get::<String>(row, "city_code")?))?,
            title: get(row, "title")?,
            held_on: date(row, "held_on")?,
            format: parsed("format", ConsultationFormat::parse(&get::<String>(row, "format")?))?,
            place: get(row, "place")?,
            organisers: get(row, "organisers")?,
            participants: json(row, "participants")?,
            raised: get(row, "raised")?,
            documents: json(row, "documents")?,
        },
        recorded_by: get(row, "recorded_by")?,
        recorded_at: Timestamp(get(row, "recorded_at")?),
    })
}

fn recommendation_of(row: &DbRow) -> StoreResult<Recommendation> {
    Ok(Recommendation {
        id: get(row, "id")?,
        recommendation: NewRecommendation {
            city: get::<Option<String>>(row, "city_code")?.map(|c| parsed("city_code", AreaCode::parse(&c))).transpose()?,
            title: get(row, "title")?,
            text: get(row, "text")?,
            language: parsed("language", LanguageCode::parse(&get::<String>(row, "language")?))?,
            source: parsed("source", RecommendationSource::parse(&get::<String>(row, "source")?))?,
            source_reference: get(row, "source_reference")?,
            made_on: date(row, "made_on")?,
            rights: json(row, "rights")?,
            themes: json(row, "themes")?,
            indicators: json(row, "indicators")?,
            consultation_id: get(row, "consultation_id")?,
        },
        response: parsed("response", Response::parse(&get::<String>(row, "response")?))?,
        response_reason: get(row, "response_reason")?,
        published: get(row, "published")?,
        recorded_by: get(row, "recorded_by")?,
        recorded_at: Timestamp(get(row, "recorded_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

fn action_of(row: &DbRow) -> StoreResult<Action> {
    Ok(Action {
        id: get(row, "id")?,
        recommendation_id: get(row, "recommendation_id")?,
        action: NewAction {
            title: get(row, "title")?,
            description: get(row, "description")?,
            responsible: get(row, "responsible")?,
            deadline: optional_date(row, "deadline")?,
            budget_reference: get(row, "budget_reference")?,
        },
        status: parsed("status", ActionStatus::parse(&get::<String>(row, "status")?))?,
        created_by: get(row, "created_by")?,
        created_at: Timestamp(get(row, "created_at")?),
        updated_at: Timestamp(get(row, "updated_at")?),
    })
}

fn update_of(row: &DbRow) -> StoreResult<ActionUpdate> {
    Ok(ActionUpdate {
        id: get(row, "id")?,
        action_id: get(row, "action_id")?,
        update: NewActionUpdate {
            status: parsed("status", ActionStatus::parse(&get::<String>(row, "status")?))?,
            on: date(row, "on_date")?,
            note: get(row, "note")?,
            reason: get(row, "reason")?,
            evidence: json(row, "evidence")?,
        },
        by: get(row, "by_user")?,
        at: Timestamp(get(row, "at")?),
    })
}

const REPORT_COLUMNS: &str = "id, city_code, cycle_id, title, snapshot, issued_by, issued_at";

fn report_of(row: &DbRow) -> StoreResult<Report> {
    Ok(Report {
        id: get(row, "id")?,
        city: parsed("city_code", AreaCode::parse(&get::<String>(row, "city_code")?))?,
        cycle_id: get(row, "cycle_id")?,
        title: get(row, "title")?,
        snapshot: json(row, "snapshot")?,
        issued_by: get(row, "issued_by")?,
        issued_at: Timestamp(get(row, "issued_at")?),
    })
}

fn network_report_of(row: &DbRow) -> StoreResult<NetworkReport> {
    Ok(NetworkReport {
        id: get(row, "id")?,
        title: get(row, "title")?,
        snapshot: json(row, "snapshot")?,
        issued_by: get(row, "issued_by")?,
        issued_at: Timestamp(get(row, "issued_at")?),
    })
}

const PRACTICE_COLUMNS: &str = "id, city_code, title, language, summary, results, themes, rights, indicators, contacts, documents, \
    translations, recorded_by, recorded_at";

fn practice_of(row: &DbRow) -> StoreResult<Practice> {
    Ok(Practice {
        id: get(row, "id")?,
        practice: NewPractice {
            city: parsed("city_code", AreaCode::parse(&get::<String>(row, "city_code")?))?,
            title: get(row, "title")?,
            language: parsed("language", LanguageCode::parse(&get::<String>(row, "language")?))?,
            summary: get(row, "summary")?,
            results: get(row, "results")?,
            themes: json(row, "themes")?,
            rights: json(row, "rights")?,
            indicators: json(row, "indicators")?,
            contacts: get(row, "contacts")?,
            documents: json(row, "documents")?,
        },
        translations: json(row, "translations")?,
        recorded_by: get(row, "recorded_by")?,
        recorded_at: Timestamp(get(row, "recorded_at")?),
    })
}

async fn practice_in(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> StoreResult<Practice> {
    let sql = format!("SELECT {PRACTICE_COLUMNS} FROM practices WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await.map_err(err)?;
    practice_of(&row.ok_or(StoreError::NotFound)?)
}

fn assessment_of(row: &DbRow) -> StoreResult<Assessment> {
    Ok(Assessment {
        id: get(row, "id")?,
        cycle_id: get(row, "cycle_id")?,
        assessor: get::<Option<i64>>(row, "organisation_id")?.map_or(Assessor::Municipality, Assessor::Organisation),
        version: get(row, "version")?,
        assessment: NewAssessment {
            subject: parsed("subject", AssessedSubject::parse(&get::<String>(row, "subject")?))?,
            verdict: parsed("verdict", Verdict::parse(&get::<String>(row, "verdict")?))?,
            reasoning: get(row, "reasoning")?,
            evidence: json(row, "evidence")?,
        },
        by: get(row, "by_user")?,
        at: Timestamp(get(row, "at")?),
    })
}

async fn require_city(tx: &mut sqlx::Transaction<'_, Db>, city: &AreaCode) -> StoreResult<()> {
    if exists(tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", city.as_str()).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

async fn recommendation_in(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> StoreResult<Recommendation> {
    let sql = format!("SELECT {RECOMMENDATION_COLUMNS} FROM recommendations WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await.map_err(err)?;
    recommendation_of(&row.ok_or(StoreError::NotFound)?)
}

async fn action_in(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> StoreResult<Action> {
    let sql = format!("SELECT {ACTION_COLUMNS} FROM actions WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await.map_err(err)?;
    action_of(&row.ok_or(StoreError::NotFound)?)
}

#[async_trait::async_trait]
impl AccountabilityStore for Backend {
    async fn create_consultation(
        &self,
        consultation: &NewConsultation,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Consultation> {
        in_transaction!(self, tx, {
            require_city(&mut tx, &consultation.city).await?;
            let row = sqlx::query(
                "INSERT INTO consultations (city_code, title, held_on, format, place, organisers, participants, raised, documents, \
                 recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(consultation.city.as_str().to_owned())
            .bind(consultation.title.clone())
            .bind(consultation.held_on.to_string())
            .bind(consultation.format.as_str())
            .bind(consultation.place.clone())
            .bind(consultation.organisers.clone())
            .bind(to_json(&consultation.participants)?)
            .bind(consultation.raised.clone())
            .bind(to_json(&consultation.documents)?)
            .bind(by)
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(Consultation { id, consultation: consultation.clone(), recorded_by: by, recorded_at: at })
        })
    }

    async fn get_consultation(&self, id: i64) -> StoreResult<Consultation> {
        let sql = format!("SELECT {CONSULTATION_COLUMNS} FROM consultations WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
        consultation_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_consultations(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Consultation>> {
        let sql =
            format!("SELECT {CONSULTATION_COLUMNS} FROM consultations WHERE ($1 IS NULL OR city_code = $1) ORDER BY held_on DESC, id DESC");
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(city.map(|c| c.as_str().to_owned())).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(consultation_of).collect()
    }

    async fn create_recommendation(
        &self,
        recommendation: &NewRecommendation,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Recommendation> {
        in_transaction!(self, tx, {
            if let Some(city) = &recommendation.city {
                require_city(&mut tx, city).await?;
            }
            if let Some(consultation) = recommendation.consultation_id {
                let sql = format!("SELECT {CONSULTATION_COLUMNS} FROM consultations WHERE id = $1");
                let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(consultation).fetch_optional(&mut *tx).await.map_err(err)?;
                let consultation = consultation_of(&row.ok_or(StoreError::NotFound)?)?;
                if recommendation.city.as_ref() != Some(&consultation.consultation.city) {
                    return Err(StoreError::Conflict { constraint: "recommendation_consultation_city".into() });
                }
            }
            let row = sqlx::query(
                "INSERT INTO recommendations (city_code, title, text, language, source, source_reference, made_on, rights, themes, \
                 indicators, consultation_id, response, response_reason, published, recorded_by, recorded_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', NULL, $12, $13, $14, $14) RETURNING id",
            )
            .bind(recommendation.city.as_ref().map(|c| c.as_str().to_owned()))
            .bind(recommendation.title.clone())
            .bind(recommendation.text.clone())
            .bind(recommendation.language.as_str().to_owned())
            .bind(recommendation.source.as_str())
            .bind(recommendation.source_reference.clone())
            .bind(recommendation.made_on.to_string())
            .bind(to_json(&recommendation.rights)?)
            .bind(to_json(&recommendation.themes)?)
            .bind(to_json(&recommendation.indicators)?)
            .bind(recommendation.consultation_id)
            .bind(false)
            .bind(by)
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            recommendation_in(&mut tx, id).await
        })
    }

    async fn get_recommendation(&self, id: i64) -> StoreResult<Recommendation> {
        let sql = format!("SELECT {RECOMMENDATION_COLUMNS} FROM recommendations WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
        recommendation_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_recommendations(&self, query: &RecommendationQuery) -> StoreResult<Vec<Recommendation>> {
        let mut select = sqlx::QueryBuilder::<Db>::new(format!("SELECT {RECOMMENDATION_COLUMNS} FROM recommendations WHERE 1 = 1"));
        if let Some(city) = &query.city {
            select.push(" AND city_code = ").push_bind(city.as_str().to_owned());
        }
        match &query.visibility {
            Visibility::All => {}
            Visibility::PublishedOnly => {
                select.push(" AND published = ").push_bind(true);
            }
            Visibility::PublishedAndCities(cities) => {
                select.push(" AND (published = ").push_bind(true);
                for city in cities {
                    select.push(" OR city_code = ").push_bind(city.as_str().to_owned());
                }
                select.push(")");
            }
        }
        select.push(" ORDER BY made_on DESC, id DESC");
        let rows = select.build().fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(recommendation_of).collect()
    }

    async fn respond_to_recommendation(
        &self,
        id: i64,
        response: Response,
        reason: Option<&str>,
        published: bool,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Recommendation> {
        in_transaction!(self, tx, {
            recommendation_in(&mut tx, id).await?;
            sqlx::query("UPDATE recommendations SET response = $1, response_reason = $2, published = $3, updated_at = $4 WHERE id = $5")
                .bind(response.as_str())
                .bind(reason.map(str::to_owned))
                .bind(published)
                .bind(at.seconds())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            recommendation_in(&mut tx, id).await
        })
    }

    async fn create_action(
        &self,
        recommendation_id: i64,
        action: &NewAction,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Action> {
        in_transaction!(self, tx, {
            recommendation_in(&mut tx, recommendation_id).await?;
            let row = sqlx::query(
                "INSERT INTO actions (recommendation_id, title, description, responsible, deadline, budget_reference, status, \
                 created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'not_started', $7, $8, $8) RETURNING id",
            )
            .bind(recommendation_id)
            .bind(action.title.clone())
            .bind(action.description.clone())
            .bind(action.responsible.clone())
            .bind(action.deadline.map(|d| d.to_string()))
            .bind(action.budget_reference.clone())
            .bind(by)
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            action_in(&mut tx, id).await
        })
    }

    async fn get_action(&self, id: i64) -> StoreResult<Action> {
        let sql = format!("SELECT {ACTION_COLUMNS} FROM actions WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
        action_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_actions(&self, recommendation_ids: &[i64]) -> StoreResult<Vec<Action>> {
        let mut actions = Vec::new();
        for chunk in recommendation_ids.chunks(500) {
            let mut select = sqlx::QueryBuilder::<Db>::new(format!("SELECT {ACTION_COLUMNS} FROM actions WHERE recommendation_id IN ("));
            let mut ids = select.separated(", ");
            for id in chunk {
                ids.push_bind(*id);
            }
            select.push(") ORDER BY id");
            let rows = select.build().fetch_all(self.pool()).await.map_err(err)?;
            for row in &rows {
                actions.push(action_of(row)?);
            }
        }
        actions.sort_by_key(|a| a.id);
        Ok(actions)
    }

    async fn add_action_update(
        &self,
        action_id: i64,
        update: &NewActionUpdate,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<ActionUpdate> {
        in_transaction!(self, tx, {
            action_in(&mut tx, action_id).await?;
            let row = sqlx::query(
                "INSERT INTO action_updates (action_id, on_date, status, note, reason, evidence, by_user, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(action_id)
            .bind(update.on.to_string())
            .bind(update.status.as_str())
            .bind(update.note.clone())
            .bind(update.reason.clone())
            .bind(to_json(&update.evidence)?)
            .bind(by)
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            sqlx::query("UPDATE actions SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(update.status.as_str())
                .bind(at.seconds())
                .bind(action_id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(ActionUpdate { id, action_id, update: update.clone(), by, at })
        })
    }

    async fn list_action_updates(&self, action_id: i64) -> StoreResult<Vec<ActionUpdate>> {
        let sql = format!("SELECT {UPDATE_COLUMNS} FROM action_updates WHERE action_id = $1 ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(action_id).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(update_of).collect()
    }

    async fn add_assessment(
        &self,
        cycle_id: i64,
        assessor: Assessor,
        assessment: &NewAssessment,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Assessment> {
        let organisation = match assessor {
            Assessor::Municipality => None,
            Assessor::Organisation(id) => Some(id),
        };
        in_transaction!(self, tx, {
            let cycle =
                sqlx::query("SELECT id FROM reporting_cycles WHERE id = $1").bind(cycle_id).fetch_optional(&mut *tx).await.map_err(err)?;
            if cycle.is_none() {
                return Err(StoreError::NotFound);
            }
            let subject = assessment.subject.to_string();
            // Two versions written at once meet at the unique index: one of them is a conflict.
            let row = sqlx::query(
                "SELECT COALESCE(MAX(version), 0) AS latest FROM assessments \
                 WHERE cycle_id = $1 AND subject = $2 AND COALESCE(organisation_id, 0) = COALESCE($3, 0)",
            )
            .bind(cycle_id)
            .bind(subject.clone())
            .bind(organisation)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let version = get::<i64>(&row, "latest")? + 1;
            let row = sqlx::query(
                "INSERT INTO assessments (cycle_id, subject, organisation_id, version, verdict, reasoning, evidence, by_user, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(cycle_id)
            .bind(subject)
            .bind(organisation)
            .bind(version)
            .bind(assessment.verdict.as_str())
            .bind(assessment.reasoning.clone())
            .bind(to_json(&assessment.evidence)?)
            .bind(by)
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(Assessment { id, cycle_id, assessor, version, assessment: assessment.clone(), by, at })
        })
    }

    async fn list_assessments(&self, cycle_id: i64) -> StoreResult<Vec<Assessment>> {
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE cycle_id = $1 ORDER BY subject, COALESCE(organisation_id, 0), version"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(cycle_id).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(assessment_of).collect()
    }

    async fn issue_report(
        &self,
        title: &str,
        snapshot: &CityReportSnapshot,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Report> {
        in_transaction!(self, tx, {
            require_city(&mut tx, &snapshot.city).await?;
            let row = sqlx::query(
                "INSERT INTO reports (city_code, cycle_id, title, snapshot, issued_by, issued_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(snapshot.city.as_str().to_owned())
            .bind(snapshot.cycle_id)
            .bind(title.to_owned())
            .bind(to_json(snapshot)?)
            .bind(by)
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(Report {
                id,
                city: snapshot.city.clone(),
                cycle_id: snapshot.cycle_id,
                title: title.to_owned(),
                issued_at: at,
                issued_by: by,
                snapshot: snapshot.clone(),
            })
        })
    }

    async fn get_report(&self, id: i64) -> StoreResult<Report> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
        report_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_reports(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Report>> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE ($1 IS NULL OR city_code = $1) ORDER BY issued_at DESC, id DESC");
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(city.map(|c| c.as_str().to_owned())).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(report_of).collect()
    }

    async fn create_practice(
        &self,
        practice: &NewPractice,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Practice> {
        in_transaction!(self, tx, {
            require_city(&mut tx, &practice.city).await?;
            let row = sqlx::query(
                "INSERT INTO practices (city_code, title, language, summary, results, themes, rights, indicators, contacts, documents, \
                 translations, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '{}', $11, $12) RETURNING id",
            )
            .bind(practice.city.as_str().to_owned())
            .bind(practice.title.clone())
            .bind(practice.language.as_str().to_owned())
            .bind(practice.summary.clone())
            .bind(practice.results.clone())
            .bind(to_json(&practice.themes)?)
            .bind(to_json(&practice.rights)?)
            .bind(to_json(&practice.indicators)?)
            .bind(practice.contacts.clone())
            .bind(to_json(&practice.documents)?)
            .bind(by)
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            practice_in(&mut tx, id).await
        })
    }

    async fn get_practice(&self, id: i64) -> StoreResult<Practice> {
        let sql = format!("SELECT {PRACTICE_COLUMNS} FROM practices WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
        practice_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_practices(&self) -> StoreResult<Vec<Practice>> {
        let sql = format!("SELECT {PRACTICE_COLUMNS} FROM practices ORDER BY recorded_at DESC, id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(practice_of).collect()
    }

    async fn set_practice_translation(
        &self,
        id: i64,
        language: &LanguageCode,
        translation: &PracticeTranslation,
        audit: &NewAuditEvent,
    ) -> StoreResult<Practice> {
        in_transaction!(self, tx, {
            let mut practice = practice_in(&mut tx, id).await?;
            practice.translations.insert(language.clone(), translation.clone());
            sqlx::query("UPDATE practices SET translations = $1 WHERE id = $2")
                .bind(to_json(&practice.translations)?)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            Ok(practice)
        })
    }

    async fn issue_network_report(
        &self,
        title: &str,
        snapshot: &NetworkReportSnapshot,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<NetworkReport> {
        in_transaction!(self, tx, {
            let row =
                sqlx::query("INSERT INTO network_reports (title, snapshot, issued_by, issued_at) VALUES ($1, $2, $3, $4) RETURNING id")
                    .bind(title.to_owned())
                    .bind(to_json(snapshot)?)
                    .bind(by)
                    .bind(at.seconds())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            Ok(NetworkReport { id, title: title.to_owned(), issued_at: at, issued_by: by, snapshot: snapshot.clone() })
        })
    }

    async fn get_network_report(&self, id: i64) -> StoreResult<NetworkReport> {
        let row = sqlx::query("SELECT id, title, snapshot, issued_by, issued_at FROM network_reports WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(err)?;
        network_report_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_network_reports(&self) -> StoreResult<Vec<NetworkReport>> {
        let rows = sqlx::query("SELECT id, title, snapshot, issued_by, issued_at FROM network_reports ORDER BY issued_at DESC, id DESC")
            .fetch_all(self.pool())
            .await
            .map_err(err)?;
        rows.iter().map(network_report_of).collect()
    }
}
