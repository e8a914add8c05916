//! Consultations, recommendations, actions and their updates.

use super::*;
use rightsmon_domain::accountability::{
    ActionDraft, ActionStatus, ActionUpdateDraft, NewAction, NewActionUpdate, NewRecommendation, RecommendationDraft, Response,
};
use rightsmon_domain::participation::{ConsultationDraft, NewConsultation};
use rightsmon_domain::survey::SurveyValues;
use rightsmon_domain::time::Date;

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn consultation(city: &str) -> NewConsultation {
    NewConsultation::parse(
        &ConsultationDraft {
            city: city.into(),
            title: "Citizen lab on housing".into(),
            held_on: "2026-03-14".into(),
            format: "citizen_lab".into(),
            participants: "tenants: 23\nRoma families: 4".into(),
            documents: "https://example.org/lab.pdf".into(),
            ..Default::default()
        },
        day("2026-12-06"),
    )
    .unwrap()
}

fn recommendation(city: &str, consultation_id: Option<i64>, made_on: &str) -> NewRecommendation {
    NewRecommendation::parse(&RecommendationDraft {
        city: city.into(),
        title: "Open a night shelter for women".into(),
        source: "citizen_lab".into(),
        made_on: made_on.into(),
        rights: vec!["CFR-34".into()],
        indicators: vec!["C-1".into()],
        consultation_id,
        ..Default::default()
    })
    .unwrap()
}

pub async fn consultations_and_recommendations_are_kept_with_what_they_came_from(store: S) {
    base(&store).await;
    let lab = store.create_consultation(&consultation("ghent"), None, Timestamp(10), &audit()).await.unwrap();
    assert_eq!(store.get_consultation(lab.id).await.unwrap(), lab);
    assert_eq!(lab.consultation.participants, [("tenants".to_owned(), 23), ("Roma families".to_owned(), 4)], "every count is kept");
    expect_not_found(store.create_consultation(&consultation("nowhere"), None, Timestamp(10), &audit()).await);
    let other = store.create_consultation(&consultation("padova"), None, Timestamp(11), &audit()).await.unwrap();
    assert_eq!(store.list_consultations(Some(&city("ghent"))).await.unwrap(), std::slice::from_ref(&lab));
    assert_eq!(store.list_consultations(None).await.unwrap().len(), 2);

    let from_lab =
        store.create_recommendation(&recommendation("ghent", Some(lab.id), "2026-03-20"), None, Timestamp(12), &audit()).await.unwrap();
    assert_eq!((from_lab.response, from_lab.published), (Response::Pending, false), "pending and unpublished at first");
    assert_eq!(from_lab.recommendation.consultation_id, Some(lab.id));
    assert_eq!(store.get_recommendation(from_lab.id).await.unwrap(), from_lab);
    // A recommendation comes from a consultation of its own city.
    expect_conflict(
        store.create_recommendation(&recommendation("ghent", Some(other.id), "2026-03-20"), None, Timestamp(12), &audit()).await,
    );
    expect_not_found(
        store.create_recommendation(&recommendation("ghent", Some(other.id + 100), "2026-03-20"), None, Timestamp(12), &audit()).await,
    );
    let network = store.create_recommendation(&recommendation("", None, "2026-05-01"), None, Timestamp(13), &audit()).await.unwrap();
    let padova = store.create_recommendation(&recommendation("padova", None, "2026-04-01"), None, Timestamp(14), &audit()).await.unwrap();

    let listed = |visibility: Visibility, city: Option<&str>| {
        let store = store.clone();
        let query = RecommendationQuery { visibility, city: city.map(super::city) };
        async move { store.list_recommendations(&query).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>() }
    };
    assert_eq!(listed(Visibility::All, None).await, [network.id, padova.id, from_lab.id], "latest made first");
    assert!(listed(Visibility::PublishedOnly, None).await.is_empty(), "nothing is public before it is published");
    assert_eq!(listed(Visibility::PublishedAndCities(vec![city("ghent")]), None).await, [from_lab.id], "a city sees its own drafts");
    let published = store
        .respond_to_recommendation(padova.id, Response::NotAccepted, Some("No budget this term"), true, Timestamp(20), &audit())
        .await
        .unwrap();
    assert_eq!(
        (published.response, published.response_reason.as_deref(), published.published),
        (Response::NotAccepted, Some("No budget this term"), true)
    );
    assert_eq!(published.updated_at, Timestamp(20));
    assert_eq!(listed(Visibility::PublishedOnly, None).await, [padova.id]);
    assert_eq!(listed(Visibility::All, Some("ghent")).await, [from_lab.id]);
    expect_not_found(store.respond_to_recommendation(padova.id + 100, Response::Accepted, None, true, Timestamp(20), &audit()).await);
}

pub async fn actions_take_the_status_of_their_latest_update_and_updates_are_kept(store: S) {
    base(&store).await;
    let made = store.create_recommendation(&recommendation("ghent", None, "2026-03-20"), None, Timestamp(12), &audit()).await.unwrap();
    let draft = ActionDraft {
        title: "Open 20 places for women".into(),
        responsible: "Social services".into(),
        deadline: "2026-12-01".into(),
        budget_reference: "2026/SOC/114".into(),
        ..Default::default()
    };
    let action = store.create_action(made.id, &NewAction::parse(&draft).unwrap(), None, Timestamp(13), &audit()).await.unwrap();
    assert_eq!(action.status, ActionStatus::NotStarted);
    assert_eq!(action.action.deadline, Some(day("2026-12-01")));
    expect_not_found(store.create_action(made.id + 100, &NewAction::parse(&draft).unwrap(), None, Timestamp(13), &audit()).await);
    let second = store.create_action(made.id, &NewAction::parse(&draft).unwrap(), None, Timestamp(14), &audit()).await.unwrap();
    assert_eq!(store.list_actions(&[made.id]).await.unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), [action.id, second.id]);
    assert!(store.list_actions(&[]).await.unwrap().is_empty());

    let started = NewActionUpdate::parse(
        &ActionUpdateDraft { status: "in_progress".into(), on: "2026-06-01".into(), note: "Building found".into(), ..Default::default() },
        day("2026-12-06"),
    )
    .unwrap();
    let done = NewActionUpdate::parse(
        &ActionUpdateDraft {
            status: "implemented".into(),
            on: "2026-11-20".into(),
            evidence: "https://example.org/opened\nC-1".into(),
            ..Default::default()
        },
        day("2026-12-06"),
    )
    .unwrap();
    let coordinator = user(&store, "coordinator").await;
    let first = store.add_action_update(action.id, &started, Some(coordinator), Timestamp(30), &audit()).await.unwrap();
    store.add_action_update(action.id, &done, Some(coordinator), Timestamp(40), &audit()).await.unwrap();
    let stored = store.get_action(action.id).await.unwrap();
    assert_eq!((stored.status, stored.updated_at), (ActionStatus::Implemented, Timestamp(40)));
    let updates = store.list_action_updates(action.id).await.unwrap();
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[0], first);
    assert_eq!(updates[0].by, Some(coordinator));
    assert_eq!(updates[1].update, done, "the evidence is kept");
    expect_not_found(store.add_action_update(action.id + 100, &done, None, Timestamp(40), &audit()).await);
    assert_eq!(store.get_action(second.id).await.unwrap().status, ActionStatus::NotStarted, "another action is untouched");
}

pub async fn assessments_keep_every_version_of_each_side(store: S) {
    use rightsmon_domain::access::NewOrganisation;
    use rightsmon_domain::participation::{AssessmentDraft, Assessor, NewAssessment, Verdict};
    base(&store).await;
    let cycle = rightsmon_domain::collection::NewCycle::parse("ghent", "Annual report 2025", "2025", "2026-03-31").unwrap();
    let cycle = store.create_cycle(&cycle, Timestamp(1), &audit()).await.unwrap();
    let tenants = store.create_organisation(&NewOrganisation::parse("Tenants", "cso", Some("ghent")).unwrap(), &audit()).await.unwrap();
    let assessment = |subject: &str, verdict: &str, reasoning: &str| {
        NewAssessment::parse(&AssessmentDraft {
            subject: subject.into(),
            verdict: verdict.into(),
            reasoning: reasoning.into(),
            evidence: "C-1\nhttps://example.org/shelters".into(),
        })
        .unwrap()
    };
    let city_says = assessment("right:CFR-34", "good", "Shelter places grew by a third.");
    let first = store.add_assessment(cycle.id, Assessor::Municipality, &city_says, None, Timestamp(5), &audit()).await.unwrap();
    assert_eq!((first.version, first.assessor), (1, Assessor::Municipality));
    let cso_says = assessment("right:CFR-34", "insufficient", "None of the new places is for women.");
    let theirs = store.add_assessment(cycle.id, Assessor::Organisation(tenants.id), &cso_says, None, Timestamp(6), &audit()).await.unwrap();
    assert_eq!(theirs.version, 1, "each side numbers its own versions");
    let revised = assessment("right:CFR-34", "partly", "Shelter places grew by a third, but not for women.");
    let second = store.add_assessment(cycle.id, Assessor::Municipality, &revised, None, Timestamp(7), &audit()).await.unwrap();
    assert_eq!(second.version, 2);
    let theme = assessment("theme:HOUSING", "no_information", "The survey comes next year.");
    store.add_assessment(cycle.id, Assessor::Municipality, &theme, None, Timestamp(8), &audit()).await.unwrap();
    let listed = store.list_assessments(cycle.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|a| (a.assessment.subject.to_string(), a.assessor, a.version)).collect::<Vec<_>>(),
        [
            ("right:CFR-34".to_owned(), Assessor::Municipality, 1),
            ("right:CFR-34".to_owned(), Assessor::Municipality, 2),
            ("right:CFR-34".to_owned(), Assessor::Organisation(tenants.id), 1),
            ("theme:HOUSING".to_owned(), Assessor::Municipality, 1),
        ]
    );
    assert_eq!(listed[0], first, "the first version is kept as it was written");
    assert_eq!(listed[1].assessment.verdict, Verdict::Partly);
    assert_eq!(listed[2], theirs);
    assert!(store.list_assessments(cycle.id + 1).await.unwrap().is_empty());
    expect_not_found(store.add_assessment(cycle.id + 1, Assessor::Municipality, &theme, None, Timestamp(9), &audit()).await);
}

pub async fn reports_are_kept_as_issued(store: S) {
    use rightsmon_domain::report::{CityReportSnapshot, SNAPSHOT_FORMAT, UsedValue};
    base(&store).await;
    let cycle = rightsmon_domain::collection::NewCycle::parse("ghent", "Annual report 2025", "2025", "2026-03-31").unwrap();
    let cycle = store.create_cycle(&cycle, Timestamp(1), &audit()).await.unwrap();
    let snapshot = CityReportSnapshot {
        format: SNAPSHOT_FORMAT,
        city: city("ghent"),
        city_name: "Gent".into(),
        cycle_id: cycle.id,
        cycle_name: "Annual report 2025".into(),
        period: "2025".into(),
        data_as_of: Timestamp(5),
        themes: vec![],
        indicators: vec![],
        gaps: vec![],
        assessments: vec![],
        recommendations: vec![],
        data_gaps: vec![],
        values: vec![UsedValue {
            id: 7,
            indicator: rightsmon_domain::id::IndicatorCode::parse("C-1").unwrap(),
            period: "2025".into(),
            key: "SEX=F".into(),
            value: Some(0.1 + 0.2),
            revision: 3,
        }],
        methods: vec![],
    };
    let issued = store.issue_report("Ghent: Annual report 2025", &snapshot, None, Timestamp(6), &audit()).await.unwrap();
    assert_eq!(store.get_report(issued.id).await.unwrap(), issued, "every number comes back as issued");
    let later = store.issue_report("Ghent: Annual report 2025", &snapshot, None, Timestamp(7), &audit()).await.unwrap();
    let listed: Vec<i64> = store.list_reports(Some(&city("ghent"))).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(listed, [later.id, issued.id], "latest first");
    assert!(store.list_reports(Some(&city("padova"))).await.unwrap().is_empty());
    expect_not_found(store.get_report(later.id + 1).await);

    let network = rightsmon_domain::report::NetworkReportSnapshot {
        format: SNAPSHOT_FORMAT,
        data_as_of: Timestamp(8),
        cities: vec![],
        comparison: vec![],
        values: snapshot.values.clone(),
        methods: vec![],
    };
    let issued = store.issue_network_report("The network in 2025", &network, None, Timestamp(9), &audit()).await.unwrap();
    assert_eq!(store.get_network_report(issued.id).await.unwrap(), issued);
    assert_eq!(store.list_network_reports().await.unwrap(), std::slice::from_ref(&issued));
    expect_not_found(store.get_network_report(issued.id + 1).await);
}

pub async fn practices_keep_their_translations(store: S) {
    use rightsmon_domain::practice::{NewPractice, PracticeDraft, PracticeTranslation};
    use rightsmon_domain::text::LanguageCode;
    base(&store).await;
    let practice = NewPractice::parse(&PracticeDraft {
        city: "ghent".into(),
        title: "Housing First for young people leaving care".into(),
        summary: "Flats with support, without conditions.".into(),
        themes: "HOUSING".into(),
        indicators: "C-1".into(),
        documents: "https://example.org/housing-first".into(),
        ..Default::default()
    })
    .unwrap();
    let kept = store.create_practice(&practice, None, Timestamp(3), &audit()).await.unwrap();
    assert_eq!(kept.practice, practice);
    assert!(kept.translations.is_empty());
    let nl = LanguageCode::parse("nl").unwrap();
    let translation = PracticeTranslation::parse("Housing First voor jongeren", "Woningen met begeleiding.", "").unwrap();
    let translated = store.set_practice_translation(kept.id, &nl, &translation, &audit()).await.unwrap();
    assert_eq!(translated.translations[&nl], translation);
    assert_eq!(store.get_practice(kept.id).await.unwrap(), translated);
    let other = NewPractice { city: city("padova"), ..practice.clone() };
    let second = store.create_practice(&other, None, Timestamp(4), &audit()).await.unwrap();
    assert_eq!(store.list_practices().await.unwrap().iter().map(|p| p.id).collect::<Vec<_>>(), [second.id, kept.id]);
    expect_not_found(store.get_practice(second.id + 1).await);
    expect_not_found(store.create_practice(&NewPractice { city: city("nowhere"), ..practice }, None, Timestamp(5), &audit()).await);
}

/// A wave of Ghent's survey, without estimates.
fn wave() -> rightsmon_domain::survey::NewSurvey {
    rightsmon_domain::survey::NewSurvey {
        city: city("ghent"),
        title: "Safety survey, wave 1".into(),
        period: Period::parse("2026").unwrap(),
        design: "weight = \"w\"\n".into(),
        file_name: "wave1.csv".into(),
        respondents: 1200,
        estimates: Vec::new(),
    }
}

pub async fn surveys_keep_their_estimates_when_their_answers_are_deleted(store: S) {
    use rightsmon_domain::survey::{ControlReason, EstimateStatus, NewSurvey, SurveyEstimate};
    base(&store).await;
    let none = SurveyValues::default();
    let estimate = |domain: &str, status: EstimateStatus| SurveyEstimate {
        name: "safe-at-night".into(),
        parameter: "proportion".into(),
        variable: "q12".into(),
        domain: domain.into(),
        level: "yes".into(),
        estimate: (status != EstimateStatus::Suppressed).then_some(0.6123456789012345),
        se: (status != EstimateStatus::Suppressed).then_some(0.0412),
        lower: (status != EstimateStatus::Suppressed).then_some(0.52),
        upper: (status != EstimateStatus::Suppressed).then_some(0.69),
        confidence: 0.95,
        interval: "logit".into(),
        df: Some(38.0),
        deff: (status != EstimateStatus::Suppressed).then_some(1.7),
        n: (status != EstimateStatus::Suppressed).then_some(412),
        weighted_n: (status != EstimateStatus::Suppressed).then_some(120_345.5),
        status,
        reason: if status == EstimateStatus::Suppressed { "fewer than 30 respondents".into() } else { String::new() },
        because: (status == EstimateStatus::Suppressed).then_some(ControlReason::FewRespondents { min: 30 }),
        indicator: Some("RM-SAF-01".into()),
        method: "survey-taylor-linearisation 1".into(),
    };
    let survey = NewSurvey {
        estimates: vec![estimate("", EstimateStatus::Published), estimate("district=3", EstimateStatus::Suppressed)],
        ..wave()
    };
    let kept = store.create_survey(&survey, "packed answers", &none, None, Timestamp(5), &audit()).await.unwrap();
    assert_eq!(kept.survey, survey);
    assert!(kept.has_microdata());
    assert_eq!(store.get_survey(kept.id).await.unwrap(), kept);
    assert_eq!(store.survey_microdata(kept.id).await.unwrap().as_deref(), Some("packed answers"));
    let other =
        store.create_survey(&NewSurvey { city: city("padova"), ..survey.clone() }, "x", &none, None, Timestamp(6), &audit()).await.unwrap();
    assert_eq!(store.list_surveys(Some(&city("ghent"))).await.unwrap(), std::slice::from_ref(&kept));
    assert_eq!(store.list_surveys(None).await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), [other.id, kept.id]);
    // The answers go; the survey and its estimates stay, saying when and by whom.
    let deleted = store.delete_survey_microdata(kept.id, None, Timestamp(9), &audit()).await.unwrap();
    assert_eq!(deleted.microdata_deleted_at, Some(Timestamp(9)));
    assert_eq!(deleted.survey, survey);
    assert_eq!(store.survey_microdata(kept.id).await.unwrap(), None);
    expect_conflict(store.delete_survey_microdata(kept.id, None, Timestamp(10), &audit()).await);
    assert_eq!(store.survey_microdata(other.id).await.unwrap().as_deref(), Some("x"));
    expect_not_found(store.get_survey(other.id + 1).await);
    expect_not_found(store.create_survey(&NewSurvey { city: city("nowhere"), ..survey }, "x", &none, None, Timestamp(11), &audit()).await);
}

pub async fn a_survey_wave_gives_values_with_their_precision_and_withholds_the_rest(store: S) {
    use rightsmon_domain::codelist::DisaggregationKey;
    use rightsmon_domain::observation::Precision;
    use rightsmon_domain::survey::{ControlReason, NewWithheld};
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let survey = wave();
    let precision = Precision { standard_error: 2.125, design_effect: Some(1.75), respondents: 612, confidence: 0.9 };
    let mut whole = observation(&def, "ghent", "2026", "", "57.5", WorkflowState::Draft);
    whole.precision = Some(precision);
    let women = observation(&def, "ghent", "2026", "SEX=F", "55", WorkflowState::Draft);
    let withheld = |key: &str, reason: ControlReason| NewWithheld {
        indicator: def.code.clone(),
        version: 1,
        area: city("ghent"),
        period: Period::parse("2026").unwrap(),
        key: DisaggregationKey::parse(key).unwrap(),
        reason,
    };
    let first = SurveyValues {
        values: vec![(whole.clone(), None), (women.clone(), None)],
        withheld: vec![
            withheld("SEX=M", ControlReason::FewRespondents { min: 30 }),
            withheld("AGE=Y15T24|SEX=M", ControlReason::Protects { domain: "sex=M".into() }),
        ],
    };
    let wave = store.create_survey(&survey, "x", &first, None, Timestamp(5), &audit()).await.unwrap();
    let stored = store.list_all_observations(&ObservationQuery::new(Visibility::All)).await.unwrap();
    let kept = stored.iter().find(|o| o.data.key.is_total()).unwrap();
    assert_eq!(kept.data, whole, "the value keeps its standard error, design effect, respondents and confidence");
    assert_eq!(stored.iter().find(|o| !o.data.key.is_total()).unwrap().data.precision, None);
    let listed = store.list_withheld(&def.code, &city("ghent")).await.unwrap();
    assert_eq!(
        listed.iter().map(|w| (w.survey_id, w.withheld.clone())).collect::<Vec<_>>(),
        [(wave.id, first.withheld[1].clone()), (wave.id, first.withheld[0].clone())]
    );
    assert!(store.list_withheld(&def.code, &city("padova")).await.unwrap().is_empty());
    // A subject stored already is not written over: the whole wave is refused.
    let again = SurveyValues { values: vec![(women.clone(), None)], withheld: Vec::new() };
    expect_conflict(store.create_survey(&survey, "y", &again, None, Timestamp(6), &audit()).await);
    assert_eq!(store.list_surveys(None).await.unwrap().len(), 1, "the refused wave left nothing behind");
    // A later wave replaces the draft it names, which keeps its history, and gives a value to a
    // subject withheld before, which is withheld no more.
    let mut revised = whole.clone();
    revised.value = rightsmon_domain::observation::ObservationValue::Number(58.0);
    revised.precision = None;
    let mut men = observation(&def, "ghent", "2026", "SEX=M", "61", WorkflowState::Draft);
    men.precision = Some(Precision { design_effect: None, ..precision });
    let second =
        SurveyValues { values: vec![(revised.clone(), Some((kept.id, kept.revision))), (men.clone(), None)], withheld: Vec::new() };
    store.create_survey(&survey, "z", &second, None, Timestamp(7), &audit()).await.unwrap();
    let now = store.get_observation(kept.id).await.unwrap();
    assert_eq!((now.data.clone(), now.revision), (revised, kept.revision + 1));
    let history = store.list_observation_history(kept.id).await.unwrap();
    assert_eq!(history.first().unwrap().snapshot, whole);
    assert!(history.last().unwrap().reason.as_deref().unwrap().contains("Safety survey, wave 1"));
    let listed = store.list_withheld(&def.code, &city("ghent")).await.unwrap();
    assert_eq!(listed.iter().map(|w| w.withheld.key.to_string()).collect::<Vec<_>>(), ["AGE=Y15T24|SEX=M"]);
    let stored = store.list_all_observations(&ObservationQuery::new(Visibility::All)).await.unwrap();
    assert_eq!(stored.iter().find(|o| o.data.key.to_string() == "SEX=M").unwrap().data, men);
    // A stale revision is a conflict.
    let stale = SurveyValues { values: vec![(whole, Some((kept.id, kept.revision)))], withheld: Vec::new() };
    expect_conflict(store.create_survey(&survey, "w", &stale, None, Timestamp(8), &audit()).await);
}
