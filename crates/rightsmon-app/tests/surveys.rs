//! Surveys of residents in the app: who uploads, reads and deletes; the estimates kept after
//! disclosure control; every problem at its field; the answers deleted while the estimates stay.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_app::accounts::UserForm;
use rightsmon_app::{App, AppError};
use rightsmon_domain::access::Actor;
use rightsmon_domain::survey::{EstimateStatus, SurveyDraft};
use rightsmon_store::Store;
use rightsmon_store_sqlite::SqliteStore;
use std::sync::Arc;

async fn fresh() -> App {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(Arc::new(store));
    rightsmon_app::reference::initialise(&app).await.unwrap();
    app
}

async fn member(app: &App, name: &str, role: &str, city: Option<&str>) -> Actor {
    app.create_user(
        None,
        &UserForm { username: name.into(), display_name: name.into(), email: None, password: "a long enough password".into() },
    )
    .await
    .unwrap();
    app.add_membership(name, role, city, None).await.unwrap();
    let session = app.login(name, "a long enough password", "test").await.unwrap();
    app.actor_for_token(Some(&session.token)).await.unwrap()
}

/// 60 respondents in 2 strata of 3 PSUs: 40 women and 20 men, a free-text answer that must
/// never come out.
fn respondents() -> Vec<u8> {
    let mut rows = String::from("id,w,stratum,psu,sex,safe,comment\n");
    for i in 0..60 {
        rows.push_str(&format!(
            "R-{i:03},{},{},{},{},{},SECRET-ANSWER-{i}\n",
            1 + i % 3,
            i % 2,
            i % 3,
            if i < 40 { "Vrouw" } else { "Man" },
            if i % 4 == 0 { "no" } else { "yes" }
        ));
    }
    rows.into_bytes()
}

const DESIGN: &str = "weight = \"w\"\nstrata = \"stratum\"\npsu = \"psu\"\n[recode.sex]\nVrouw = \"F\"\nMan = \"M\"\n\
[[estimate]]\nname = \"safe\"\nparameter = \"proportion\"\nvariable = \"safe\"\n\
[[estimate]]\nname = \"safe-by-sex\"\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"sex\"]\n";

fn draft(design: &str) -> SurveyDraft {
    SurveyDraft { title: "Safety survey, wave 1".into(), period: "2026".into(), design: design.into() }
}

#[tokio::test]
async fn a_survey_is_estimated_kept_and_its_answers_deleted_while_its_estimates_stay() {
    let app = fresh().await;
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent")).await;
    let editor = member(&app, "editor", "data_editor", Some("ghent")).await;
    let viewer = member(&app, "viewer", "viewer", Some("ghent")).await;
    let cso = member(&app, "cso", "civil_society_member", Some("ghent")).await;
    let padova = member(&app, "padova", "city_coordinator", Some("padova")).await;

    // Only those who enter the city's data upload.
    for actor in [&viewer, &cso, &padova] {
        assert!(matches!(app.upload_survey(actor, "ghent", &draft(DESIGN), "wave1.csv", respondents()).await, Err(AppError::Forbidden)));
    }
    assert!(matches!(
        app.upload_survey(&Actor::Anonymous, "ghent", &draft(DESIGN), "wave1.csv", respondents()).await,
        Err(AppError::Unauthenticated)
    ));
    let survey = app.upload_survey(&editor, "ghent", &draft(DESIGN), "C:\\data\\wave1.csv", respondents()).await.unwrap();
    assert_eq!((survey.survey.respondents, survey.survey.file_name.as_str()), (60, "wave1.csv"));
    let by = |domain: &str, level: &str| survey.survey.estimates.iter().find(|e| e.domain == domain && e.level == level).unwrap().clone();
    // The whole and the women are published; the men (20, fewer than 30) withheld without a
    // number; nothing else gives them away, since the women are withheld beside them.
    let whole = by("", "yes");
    assert_eq!(whole.status, EstimateStatus::Published);
    assert!((whole.estimate.unwrap() - 0.75).abs() < 0.1 && whole.lower.unwrap() < whole.estimate.unwrap());
    assert_eq!((whole.interval.as_str(), whole.confidence, whole.n), ("logit", 0.95, Some(60)));
    let men = by("sex=M", "yes");
    assert_eq!((men.status, men.estimate, men.n), (EstimateStatus::Suppressed, None, None));
    assert!(men.reason.starts_with("fewer than 30 respondents"));
    let women = by("sex=F", "yes");
    assert_eq!((women.status, women.estimate), (EstimateStatus::Suppressed, None));
    assert!(women.reason.contains("so that sex=M cannot be worked out"), "{}", women.reason);
    // Nothing of a respondent is in what the app hands out.
    let shown = serde_json::to_string(&app.survey(&viewer, survey.id).await.unwrap()).unwrap();
    assert!(!shown.contains("SECRET-ANSWER") && !shown.contains("R-001"), "{shown}");

    // The city reads its surveys; another city does not, not even that it exists.
    assert_eq!(app.surveys(&cso, "ghent").await.unwrap().len(), 1);
    assert!(matches!(app.surveys(&padova, "ghent").await, Err(AppError::Forbidden)));
    assert!(matches!(app.survey(&padova, survey.id).await, Err(AppError::NotFound)));
    assert!(matches!(app.survey(&Actor::Anonymous, survey.id).await, Err(AppError::Unauthenticated)));

    // The city's coordinator deletes the answers; the estimates stay.
    assert!(matches!(app.delete_survey_microdata(&editor, survey.id).await, Err(AppError::Forbidden)));
    assert!(matches!(app.delete_survey_microdata(&padova, survey.id).await, Err(AppError::NotFound)));
    let deleted = app.delete_survey_microdata(&coordinator, survey.id).await.unwrap();
    assert!(!deleted.has_microdata());
    assert_eq!(deleted.survey.estimates, survey.survey.estimates);
    assert!(matches!(app.delete_survey_microdata(&coordinator, survey.id).await, Err(AppError::Conflict(_))));
    let events = app.store.list_audit(0, 1000).await.unwrap();
    assert!(events.iter().any(|e| e.event.action == "survey.microdata_deleted" && e.event.subject == format!("survey:{}", survey.id)));
}

#[tokio::test]
async fn every_problem_of_an_upload_is_told_at_its_field() {
    let app = fresh().await;
    let editor = member(&app, "editor", "data_editor", Some("ghent")).await;
    let fields = |error: AppError| match error {
        AppError::Invalid(errors) => errors.0.iter().map(|e| (e.field.clone(), e.message.clone())).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    let bad = SurveyDraft { title: String::new(), period: "someday".into(), design: String::new() };
    let errors = fields(app.upload_survey(&editor, "ghent", &bad, "x.csv", Vec::new()).await.unwrap_err());
    assert_eq!(errors.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), ["title", "period", "design", "file"]);
    let errors = fields(app.upload_survey(&editor, "ghent", &draft("weight = 3\n"), "x.csv", respondents()).await.unwrap_err());
    assert!(errors.iter().all(|(f, _)| f == "design") && errors.iter().any(|(_, m)| m.contains("line 1, weight")), "{errors:?}");
    let design = "weight = \"w\"\n[[estimate]]\nparameter = \"mean\"\nvariable = \"safe\"\n";
    let errors = fields(app.upload_survey(&editor, "ghent", &draft(design), "x.csv", respondents()).await.unwrap_err());
    assert!(errors[0].0 == "file" && errors[0].1.contains("row 2, column safe"), "{errors:?}");
    assert!(app.store.list_surveys(None).await.unwrap().is_empty(), "nothing is kept from a refused upload");
}
