//! Surveys of residents in the app: who uploads, reads and deletes; the estimates kept after
//! disclosure control; every problem at its field; the answers deleted while the estimates stay.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use rightsmon_app::AppError;
use rightsmon_domain::access::Actor;
use rightsmon_domain::survey::{EstimateStatus, SurveyDraft};
use support::{fresh, member};

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
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
    let viewer = member(&app, "viewer", "viewer", Some("ghent"), None).await;
    let cso = member(&app, "cso", "civil_society_member", Some("ghent"), None).await;
    let padova = member(&app, "padova", "city_coordinator", Some("padova"), None).await;

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
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
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

/// 200 respondents in 2 strata of 5 PSUs: 120 women, 80 men, of whom 12 are 15 to 24.
fn wave() -> Vec<u8> {
    let mut rows = String::from("id,w,stratum,psu,sex,age,safe\n");
    for i in 0..200 {
        let sex = if i < 120 { "Vrouw" } else { "Man" };
        let age = if i >= 188 { "15-24" } else { "25-54" };
        let safe = if (i * 7) % 10 < 6 { "yes" } else { "no" };
        rows.push_str(&format!("R-{i:03},{},{},{},{sex},{age},{safe}\n", 1 + i % 3, i % 2, i % 5));
    }
    rows.into_bytes()
}

const INDICATOR_DESIGN: &str = "weight = \"w\"\nstrata = \"stratum\"\npsu = \"psu\"\n\
[recode.sex]\nVrouw = \"F\"\nMan = \"M\"\n[recode.age]\n\"15-24\" = \"Y15T24\"\n\"25-54\" = \"Y25T54\"\n\
[dimensions]\nsex = \"SEX\"\nage = \"AGE\"\n\
[[estimate]]\nname = \"safe\"\nparameter = \"proportion\"\nvariable = \"safe\"\nindicator = \"RM-SAF-01\"\nlevel = \"yes\"\n\
[[estimate]]\nname = \"safe-by-sex\"\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"sex\"]\nindicator = \"RM-SAF-01\"\nlevel = \"yes\"\n\
[[estimate]]\nname = \"safe-by-sex-and-age\"\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"sex\", \"age\"]\nindicator = \"RM-SAF-01\"\nlevel = \"yes\"\n";

#[tokio::test]
async fn a_wave_gives_its_indicator_draft_values_with_their_uncertainty_and_withheld_values_with_their_reason() {
    use rightsmon_app::observations::ObservationFilter;
    use rightsmon_domain::id::{AreaCode, IndicatorCode};
    use rightsmon_domain::observation::{ObservationValue, ProvenanceKind, WorkflowState};
    use rightsmon_domain::survey::ControlReason;
    let app = fresh().await;
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
    let survey = app.upload_survey(&editor, "ghent", &draft(INDICATOR_DESIGN), "wave.csv", wave()).await.unwrap();
    let estimate = |domain: &str| survey.survey.estimates.iter().find(|e| e.domain == domain && e.level == "yes").unwrap().clone();
    let filter = ObservationFilter { indicator: Some("RM-SAF-01".into()), area: Some("ghent".into()), ..ObservationFilter::default() };
    let values = app.all_observations(&coordinator, &filter).await.unwrap();
    let value_of = |key: &str| values.iter().find(|o| o.data.key.to_string() == key).map(|o| o.data.clone());
    // The whole population: the share as a percentage, its interval and its precision, a draft
    // from a survey for the usual review.
    let whole = estimate("");
    let total = value_of("").unwrap();
    assert_eq!(total.value, ObservationValue::Number(whole.estimate.unwrap() * 100.0));
    assert_eq!((total.lower_bound, total.upper_bound), (Some(whole.lower.unwrap() * 100.0), Some(whole.upper.unwrap() * 100.0)));
    let precision = total.precision.unwrap();
    assert_eq!((precision.standard_error, precision.design_effect), (whole.se.unwrap() * 100.0, whole.deff));
    assert_eq!((precision.respondents, precision.confidence), (200, 0.95));
    assert_eq!((total.state, total.provenance.kind), (WorkflowState::Draft, ProvenanceKind::Survey));
    assert_eq!(total.provenance.source_name.as_deref(), Some("Safety survey, wave 1"));
    assert!(total.provenance.method_note.as_deref().unwrap().contains("200 respondents"));
    // Women and men by themselves, and the groups by age that are large enough.
    assert!(value_of("SEX=F").is_some() && value_of("SEX=M").is_some() && value_of("AGE=Y25T54|SEX=F").is_some());
    // The 12 young men are withheld, and so are the older men beside them (else the men's value
    // would give them away): neither is a value, both say why.
    assert_eq!(value_of("AGE=Y15T24|SEX=M"), None);
    let city = AreaCode::parse("ghent").unwrap();
    let code = IndicatorCode::parse("RM-SAF-01").unwrap();
    let withheld = app.withheld_values(&coordinator, &code, &city).await.unwrap();
    let reason = |key: &str| withheld.iter().find(|w| w.withheld.key.to_string() == key).map(|w| w.withheld.reason.clone());
    assert_eq!(reason("AGE=Y15T24|SEX=M"), Some(ControlReason::FewRespondents { min: 30 }));
    assert_eq!(value_of("AGE=Y25T54|SEX=M"), None);
    // It names the value it protects as the indicator's value: the city's young men.
    let young_men = ControlReason::ProtectsValue {
        area: city.clone(),
        key: rightsmon_domain::codelist::DisaggregationKey::parse("AGE=Y15T24|SEX=M").unwrap(),
    };
    assert_eq!(reason("AGE=Y25T54|SEX=M"), Some(young_men));
    assert_eq!(withheld.len(), 2);
    // The survey page says which estimates gave the indicator's values.
    assert!(survey.survey.estimates.iter().filter(|e| e.name.starts_with("safe")).all(|e| e.indicator.as_deref() == Some("RM-SAF-01")));

    // Nobody outside the city learns of withheld values before the period is published.
    assert!(app.withheld_values(&Actor::Anonymous, &code, &city).await.unwrap().is_empty());
    let total_id = values.iter().find(|o| o.data.key.is_total()).unwrap().id;
    app.submit_value(&editor, total_id).await.unwrap();
    app.validate_value(&coordinator, total_id).await.unwrap();
    app.publish_value(&coordinator, total_id).await.unwrap();
    assert_eq!(app.withheld_values(&Actor::Anonymous, &code, &city).await.unwrap(), withheld);

    // The same wave again: the drafts are estimated again, but the published value is not
    // written over, and nothing is kept.
    let AppError::Invalid(errors) = app.upload_survey(&editor, "ghent", &draft(INDICATOR_DESIGN), "wave.csv", wave()).await.unwrap_err()
    else {
        panic!("a published value was written over")
    };
    assert_eq!(errors.0.len(), 1, "{errors:?}");
    assert_eq!(errors.0[0].field, "design");
    assert!(errors.0[0].message.contains("published value for ghent, 2026"), "{}", errors.0[0].message);
    assert_eq!(app.surveys(&editor, "ghent").await.unwrap().len(), 1);
    // In another period the drafts of the first are left alone, and a second upload of that
    // period replaces its own drafts.
    let later = SurveyDraft { period: "2027".into(), ..draft(INDICATOR_DESIGN) };
    app.upload_survey(&editor, "ghent", &later, "wave.csv", wave()).await.unwrap();
    app.upload_survey(&editor, "ghent", &later, "wave.csv", wave()).await.unwrap();
    let again = app.all_observations(&coordinator, &filter).await.unwrap();
    assert_eq!(again.iter().filter(|o| o.data.period.to_string() == "2027").count(), values.len());
    assert!(again.iter().filter(|o| o.data.period.to_string() == "2027").all(|o| o.revision == 2));
}

#[tokio::test]
async fn a_design_that_cannot_give_an_indicator_its_values_is_refused_with_every_reason() {
    let app = fresh().await;
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
    let design = "weight = \"w\"\nstrata = \"stratum\"\npsu = \"psu\"\n[dimensions]\nsex = \"SEX\"\nage = \"DISTRICT\"\n\
[[estimate]]\nparameter = \"proportion\"\nvariable = \"safe\"\nindicator = \"RM-XXX-99\"\nlevel = \"yes\"\n\
[[estimate]]\nparameter = \"proportion\"\nvariable = \"safe\"\nindicator = \"RM-SAF-01\"\nlevel = \"perhaps\"\n\
[[estimate]]\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"sex\"]\nindicator = \"RM-SAF-01\"\nlevel = \"yes\"\n\
[[estimate]]\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"age\"]\nindicator = \"RM-SAF-01\"\nlevel = \"yes\"\n";
    let AppError::Invalid(errors) = app.upload_survey(&editor, "ghent", &draft(design), "wave.csv", wave()).await.unwrap_err() else {
        panic!("refused as invalid")
    };
    let messages: Vec<&str> = errors.0.iter().map(|e| e.message.as_str()).collect();
    assert!(errors.0.iter().all(|e| e.field == "design"), "{errors:?}");
    for expected in [
        "the catalogue has no indicator RM-XXX-99",
        "no respondent gave the answer perhaps to safe; the answers are no, yes",
        "sex=Vrouw is not a code of SEX",
        "age=15-24 is not a district of ghent",
    ] {
        assert!(messages.iter().any(|m| m.contains(expected)), "{expected} in {messages:#?}");
    }
    assert!(app.surveys(&editor, "ghent").await.unwrap().is_empty());
    // Two estimates may not give the same value.
    let twice = "weight = \"w\"\n\
[[estimate]]\nparameter = \"proportion\"\nvariable = \"safe\"\nindicator = \"RM-SAF-01\"\nlevel = \"yes\"\n\
[[estimate]]\nname = \"again\"\nparameter = \"proportion\"\nvariable = \"safe\"\nindicator = \"RM-SAF-01\"\nlevel = \"yes\"\n";
    let AppError::Invalid(errors) = app.upload_survey(&editor, "ghent", &draft(twice), "wave.csv", wave()).await.unwrap_err() else {
        panic!("refused as invalid")
    };
    assert_eq!(errors.0.len(), 1, "{errors:?}");
    assert_eq!(
        (errors.0[0].field.as_str(), errors.0[0].message.as_str()),
        ("design", "estimate 2 (again): estimate 1 gives RM-SAF-01 its value for ghent already: let one estimate give each value")
    );
    // The design description itself: a level only with an indicator's proportion, dimensions
    // for every `by` column of an indicator.
    let design = "weight = \"w\"\n[[estimate]]\nparameter = \"mean\"\nvariable = \"w\"\nlevel = \"1\"\n\
[[estimate]]\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"sex\"]\nindicator = \"RM-SAF-01\"\nlevel = \"yes\"\n\
[[estimate]]\nparameter = \"mean\"\nvariable = \"w\"\nindicator = \"RM-SAF-01\"\nscale = 0\n\
[[estimate]]\nparameter = \"mean\"\nvariable = \"w\"\nscale = 100\n\
[[estimate]]\nparameter = \"proportion\"\nvariable = \"safe\"\nindicator = \"RM-SAF-01\"\n";
    let AppError::Invalid(errors) = app.upload_survey(&editor, "ghent", &draft(design), "wave.csv", wave()).await.unwrap_err() else {
        panic!("refused as invalid")
    };
    let text = format!("{errors:?}");
    for expected in [
        "only a proportion has a level",
        "under [dimensions] as sex = ",
        "the scale is 0; give a number above 0",
        "a scale applies to an indicator's values",
        "say which answer the indicator counts",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
}
