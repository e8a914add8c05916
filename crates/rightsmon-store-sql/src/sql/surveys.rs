//! Surveys of residents: each wave with its estimates, and its respondents' file kept apart.

use super::*;
use rightsmon_domain::period::Period;
use rightsmon_domain::survey::{NewSurvey, NewWithheld, Survey, SurveyValues, WithheldValue};
use rightsmon_store::SurveyStore;

const SURVEY_COLUMNS: &str = "id, city_code, title, period, design, file_name, respondents, estimates, uploaded_by, uploaded_at, \
                              microdata_deleted_by, microdata_deleted_at";

fn survey_of(row: &DbRow) -> StoreResult<Survey> {
    Ok(Survey {
        id: get(row, "id")?,
        survey: NewSurvey {
            city: parsed("city_code", AreaCode::parse(&get::<String>(row, "city_code")?))?,
            title: get(row, "title")?,
            period: parsed("period", Period::parse(&get::<String>(row, "period")?))?,
            design: get(row, "design")?,
            file_name: get(row, "file_name")?,
            respondents: u64::try_from(get::<i64>(row, "respondents")?).map_err(|e| corrupt("respondents", e))?,
            estimates: json(row, "estimates")?,
        },
        uploaded_by: get(row, "uploaded_by")?,
        uploaded_at: Timestamp(get(row, "uploaded_at")?),
        microdata_deleted_by: get(row, "microdata_deleted_by")?,
        microdata_deleted_at: get::<Option<i64>>(row, "microdata_deleted_at")?.map(Timestamp),
    })
}

async fn survey_in(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> StoreResult<Survey> {
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await.map_err(err)?;
    survey_of(&row.ok_or(StoreError::NotFound)?)
}

/// Writes the values a wave gives its indicators, and the values it withholds.
async fn write_values_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    survey_id: i64,
    survey: &NewSurvey,
    values: &SurveyValues,
    by: Option<i64>,
    at: Timestamp,
) -> StoreResult<()> {
    let subject = |indicator: &IndicatorCode, version: u32, area: &AreaCode, period: &Period, key: &DisaggregationKey| {
        (indicator.as_str().to_owned(), i64::from(version), area.as_str().to_owned(), period.to_string(), key.to_string())
    };
    let forget = |s: &(String, i64, String, String, String)| {
        sqlx::query(
            "DELETE FROM withheld_values WHERE indicator_code = $1 AND version = $2 AND area_code = $3 AND period = $4 AND disaggregation = $5",
        )
        .bind(s.0.clone())
        .bind(s.1)
        .bind(s.2.clone())
        .bind(s.3.clone())
        .bind(s.4.clone())
    };
    for (value, replaces) in &values.values {
        match replaces {
            None => {
                insert_in(tx, value, by, at).await?;
            }
            Some((id, expected_revision)) => {
                let current = observation_in(tx, *id).await?;
                if current.revision != *expected_revision || !current.data.same_subject(value) {
                    return Err(StoreError::Conflict { constraint: "observation_revision".into() });
                }
                update_value_in(tx, *id, value, by, at).await?;
                let stored = observation_in(tx, *id).await?;
                let reason = format!("estimated again from the survey wave {}", survey.title);
                record_revision(tx, &stored, by, RevisionAction::Revised, Some(&reason)).await?;
            }
        }
        let s = subject(&value.indicator, value.version, &value.area, &value.period, &value.key);
        forget(&s).execute(&mut **tx).await.map_err(err)?;
    }
    for withheld in &values.withheld {
        let NewWithheld { indicator, version, area, period, key, reason } = withheld;
        require_version_in(tx, indicator, *version).await?;
        let s = subject(indicator, *version, area, period, key);
        forget(&s).execute(&mut **tx).await.map_err(err)?;
        sqlx::query(
            "INSERT INTO withheld_values (indicator_code, version, area_code, city_code, period, disaggregation, survey_id, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(s.0)
        .bind(s.1)
        .bind(s.2)
        .bind(survey.city.as_str().to_owned())
        .bind(s.3)
        .bind(s.4)
        .bind(survey_id)
        .bind(to_json(reason)?)
        .execute(&mut **tx)
        .await
        .map_err(err)?;
    }
    if !values.values.is_empty() || !values.withheld.is_empty() {
        bump_generation(tx, survey.city.as_str()).await?;
    }
    Ok(())
}

fn withheld_of(row: &DbRow) -> StoreResult<WithheldValue> {
    Ok(WithheldValue {
        survey_id: get(row, "survey_id")?,
        withheld: NewWithheld {
            indicator: parsed("indicator_code", IndicatorCode::parse(&get::<String>(row, "indicator_code")?))?,
            version: u32_of("version", get(row, "version")?)?,
            area: parsed("area_code", AreaCode::parse(&get::<String>(row, "area_code")?))?,
            period: parsed("period", Period::parse(&get::<String>(row, "period")?))?,
            key: parsed("disaggregation", DisaggregationKey::parse(&get::<String>(row, "disaggregation")?))?,
            reason: json(row, "reason")?,
        },
    })
}

#[async_trait::async_trait]
impl SurveyStore for Backend {
    async fn list_withheld(&self, indicator: &IndicatorCode, city: &AreaCode) -> StoreResult<Vec<WithheldValue>> {
        let rows = sqlx::query(
            "SELECT indicator_code, version, area_code, period, disaggregation, survey_id, reason FROM withheld_values \
             WHERE indicator_code = $1 AND city_code = $2 ORDER BY area_code, period, disaggregation",
        )
        .bind(indicator.as_str().to_owned())
        .bind(city.as_str().to_owned())
        .fetch_all(self.pool())
        .await
        .map_err(err)?;
        rows.iter().map(withheld_of).collect()
    }

    async fn create_survey(
        &self,
        survey: &NewSurvey,
        microdata: &str,
        values: &SurveyValues,
        by: Option<i64>,
        at: Timestamp,
        audit: &NewAuditEvent,
    ) -> StoreResult<Survey> {
        in_transaction!(self, tx, {
            if !exists(&mut tx, "SELECT 1 FROM areas WHERE code = $1 AND kind = 'city'", survey.city.as_str()).await? {
                return Err(StoreError::NotFound);
            }
            let respondents = i64::try_from(survey.respondents).map_err(|e| corrupt("respondents", e))?;
            let row = sqlx::query(
                "INSERT INTO surveys (city_code, title, period, design, file_name, respondents, estimates, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(survey.city.as_str().to_owned())
            .bind(survey.title.clone())
            .bind(survey.period.to_string())
            .bind(survey.design.clone())
            .bind(survey.file_name.clone())
            .bind(respondents)
            .bind(to_json(&survey.estimates)?)
            .bind(by)
            .bind(at.seconds())
            .fetch_one(&mut *tx)
            .await
            .map_err(err)?;
            let id: i64 = get(&row, "id")?;
            sqlx::query("INSERT INTO survey_microdata (survey_id, content) VALUES ($1, $2)")
                .bind(id)
                .bind(microdata.to_owned())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            write_values_in(&mut tx, id, survey, values, by, at).await?;
            audit_in(&mut tx, &audit.for_created(id)).await?;
            survey_in(&mut tx, id).await
        })
    }

    async fn get_survey(&self, id: i64) -> StoreResult<Survey> {
        let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.pool()).await.map_err(err)?;
        survey_of(&row.ok_or(StoreError::NotFound)?)
    }

    async fn list_surveys(&self, city: Option<&AreaCode>) -> StoreResult<Vec<Survey>> {
        let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE ($1 IS NULL OR city_code = $1) ORDER BY uploaded_at DESC, id DESC");
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(city.map(|c| c.as_str().to_owned())).fetch_all(self.pool()).await.map_err(err)?;
        rows.iter().map(survey_of).collect()
    }

    async fn survey_microdata(&self, id: i64) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT content FROM survey_microdata WHERE survey_id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(err)?;
        row.map(|r| get(&r, "content")).transpose()
    }

    async fn delete_survey_microdata(&self, id: i64, by: Option<i64>, at: Timestamp, audit: &NewAuditEvent) -> StoreResult<Survey> {
        in_transaction!(self, tx, {
            let survey = survey_in(&mut tx, id).await?;
            if !survey.has_microdata() {
                return Err(StoreError::Conflict { constraint: "survey_microdata_deleted".into() });
            }
            sqlx::query("DELETE FROM survey_microdata WHERE survey_id = $1").bind(id).execute(&mut *tx).await.map_err(err)?;
            sqlx::query("UPDATE surveys SET microdata_deleted_by = $1, microdata_deleted_at = $2 WHERE id = $3")
                .bind(by)
                .bind(at.seconds())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            audit_in(&mut tx, audit).await?;
            survey_in(&mut tx, id).await
        })
    }
}
