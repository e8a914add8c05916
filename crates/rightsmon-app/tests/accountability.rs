//! The accountability loop: a consultation, a recommendation made from it, the city's response,
//! an action assigned and updated to implemented with evidence, the follow-up indicator's
//! latest value on the recommendation, and the tracker; with who may do each step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use rightsmon_app::AppError;
use rightsmon_app::accountability::TrackerFilter;
use rightsmon_domain::access::Actor;
use rightsmon_domain::accountability::{ActionDraft, ActionStatus, ActionUpdateDraft, RecommendationDraft, Response};
use rightsmon_domain::observation::ObservationDraft;
use rightsmon_domain::participation::{ConsultationDraft, ShownCount};
use support::{fresh, member};

fn lab() -> ConsultationDraft {
    ConsultationDraft {
        city: "ghent".into(),
        title: "Citizen lab on housing".into(),
        held_on: "2020-03-14".into(),
        format: "citizen_lab".into(),
        participants: "tenants: 23\nRoma families: 4".into(),
        raised: "Women sleep rough because shelters are mixed.".into(),
        ..Default::default()
    }
}

fn recommendation(consultation_id: Option<i64>) -> RecommendationDraft {
    RecommendationDraft {
        city: "ghent".into(),
        title: "Open a night shelter for women".into(),
        source: "citizen_lab".into(),
        made_on: "2020-03-20".into(),
        rights: vec!["CFR-34".into()],
        indicators: vec!["RM-HOU-01".into()],
        consultation_id,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_gap_becomes_a_recommendation_an_action_and_a_follow_up_value() {
    let app = fresh().await;
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let cso = member(&app, "cso", "civil_society_member", Some("ghent"), None).await;
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
    let padova = member(&app, "padova", "city_coordinator", Some("padova"), None).await;

    // The working group records the consultation; others may not.
    assert!(matches!(app.record_consultation(&padova, &lab()).await, Err(AppError::Forbidden)));
    assert!(matches!(app.record_consultation(&Actor::Anonymous, &lab()).await, Err(AppError::Unauthenticated)));
    let consultation = app.record_consultation(&cso, &lab()).await.unwrap();
    let shown = app.consultation(&Actor::Anonymous, consultation.id).await.unwrap();
    assert_eq!(shown.participants[1].1, ShownCount::Withheld, "four people are not shown");
    assert_eq!(shown.total, ShownCount::Withheld);

    // Civil society makes the recommendation from it; it stays in the city until published.
    let made = app.make_recommendation(&cso, &recommendation(Some(consultation.id))).await.unwrap();
    assert!(matches!(app.recommendation(&Actor::Anonymous, made.id).await, Err(AppError::NotFound)), "a draft stays in its city");
    assert!(matches!(app.recommendation(&padova, made.id).await, Err(AppError::NotFound)));
    assert!(app.tracker(&Actor::Anonymous, &TrackerFilter::default()).await.unwrap().is_empty());
    assert_eq!(app.consultation(&coordinator, consultation.id).await.unwrap().recommendations.len(), 1);
    let unknown = RecommendationDraft { indicators: vec!["RM-NOPE-01".into()], ..recommendation(None) };
    assert!(matches!(app.make_recommendation(&cso, &unknown).await, Err(AppError::Invalid(_))));

    // Only the municipality responds and manages the actions.
    assert!(matches!(app.respond_to_recommendation(&cso, made.id, "accepted", "", true).await, Err(AppError::Forbidden)));
    match app.respond_to_recommendation(&coordinator, made.id, "partly_accepted", " ", true).await {
        Err(AppError::Invalid(errors)) => assert_eq!(errors.0[0].field, "reason"),
        other => panic!("{other:?}"),
    }
    let answered = app.respond_to_recommendation(&coordinator, made.id, "accepted", "", true).await.unwrap();
    assert_eq!((answered.response, answered.published), (Response::Accepted, true));
    let draft = ActionDraft {
        title: "Open 20 places for women".into(),
        responsible: "Social services".into(),
        deadline: "2020-12-31".into(),
        ..Default::default()
    };
    assert!(
        matches!(app.add_action(&cso, made.id, &draft).await, Err(AppError::Forbidden)),
        "civil society cannot change the city's actions"
    );
    assert!(matches!(app.add_action(&editor, made.id, &draft).await, Err(AppError::Forbidden)));
    let action = app.add_action(&coordinator, made.id, &draft).await.unwrap();
    let view = app.recommendation(&Actor::Anonymous, made.id).await.unwrap();
    assert!(view.actions[0].overdue, "its deadline has passed and nothing was done");
    assert_eq!(view.implementation, ActionStatus::NotStarted);
    let overdue = app.tracker(&Actor::Anonymous, &TrackerFilter { overdue: Some(true), ..Default::default() }).await.unwrap();
    assert_eq!(overdue.len(), 1);

    let done = ActionUpdateDraft {
        status: "implemented".into(),
        on: "2021-01-15".into(),
        note: "The shelter opened".into(),
        evidence: "https://example.org/shelter-opened\nRM-HOU-01".into(),
        ..Default::default()
    };
    assert!(matches!(app.update_action(&cso, action.id, &done).await, Err(AppError::Forbidden)));
    assert!(matches!(
        app.update_action(&coordinator, action.id, &ActionUpdateDraft { evidence: String::new(), ..done.clone() }).await,
        Err(AppError::Invalid(_))
    ));
    app.update_action(&coordinator, action.id, &done).await.unwrap();

    // The follow-up indicator's next published value shows on the recommendation.
    let value = |period: &str, value: &str| ObservationDraft {
        area: "ghent".into(),
        period: period.into(),
        value: value.into(),
        source_name: Some("City survey".into()),
        ..ObservationDraft::default()
    };
    let entered = app.enter_value(&editor, "RM-HOU-01", &value("2021", "9.5")).await.unwrap();
    app.submit_value(&editor, entered.id).await.unwrap();
    app.validate_value(&coordinator, entered.id).await.unwrap();
    app.publish_value(&coordinator, entered.id).await.unwrap();
    let view = app.recommendation(&Actor::Anonymous, made.id).await.unwrap();
    assert_eq!(view.implementation, ActionStatus::Implemented);
    assert!(!view.actions[0].overdue, "an implemented action is not overdue");
    assert_eq!(view.actions[0].updates.len(), 1);
    assert_eq!((view.follow_ups[0].latest_year, view.follow_ups[0].latest_value), (Some(2021), Some(9.5)));
    assert_eq!(view.consultation.as_ref().map(|c| c.id), Some(consultation.id));

    let filter = |status: &str, right: &str| TrackerFilter { status: status.into(), right: right.into(), ..Default::default() };
    assert_eq!(app.tracker(&Actor::Anonymous, &filter("implemented", "CFR-34")).await.unwrap().len(), 1);
    assert!(app.tracker(&Actor::Anonymous, &filter("in_progress", "")).await.unwrap().is_empty());
    assert!(app.tracker(&Actor::Anonymous, &filter("", "CFR-1")).await.unwrap().is_empty());
    assert!(matches!(app.tracker(&Actor::Anonymous, &filter("done", "")).await, Err(AppError::Invalid(_))));
}

#[tokio::test]
async fn only_network_coordinators_make_recommendations_to_the_network() {
    let app = fresh().await;
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let network = member(&app, "network", "network_coordinator", None, None).await;
    let to_network = RecommendationDraft { city: String::new(), consultation_id: None, indicators: vec![], ..recommendation(None) };
    assert!(matches!(app.make_recommendation(&coordinator, &to_network).await, Err(AppError::Forbidden)));
    let made = app.make_recommendation(&network, &to_network).await.unwrap();
    assert!(matches!(app.recommendation(&coordinator, made.id).await, Err(AppError::NotFound)), "a network draft is the network's");
    assert!(app.recommendation(&network, made.id).await.unwrap().may_manage);
    // A recommendation cannot name a consultation of another city.
    let lab = app.record_consultation(&coordinator, &lab()).await.unwrap();
    let padova = RecommendationDraft { city: "padova".into(), consultation_id: Some(lab.id), ..recommendation(None) };
    assert!(matches!(app.make_recommendation(&network, &padova).await, Err(AppError::Invalid(_))));
}

#[tokio::test]
async fn a_proposal_comes_from_a_consultation_of_its_own_city() {
    use rightsmon_domain::access::Scope;
    use rightsmon_domain::codesign::{NewProposal, ProposalChange};
    use rightsmon_domain::id::{AreaCode, IndicatorCode};
    let app = fresh().await;
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let consultation = app.record_consultation(&coordinator, &lab()).await.unwrap();
    let adoption = |city: &str| {
        let city = AreaCode::parse(city).unwrap();
        let change =
            ProposalChange::Adoption { city: city.clone(), adopt: vec![IndicatorCode::parse("RM-HOU-01").unwrap()], leave_out: vec![] };
        NewProposal::new(Scope::City(city), "Adopt the housing indicator", "Raised at the citizen lab", change).unwrap()
    };
    let from_lab = NewProposal { consultation_id: Some(consultation.id), ..adoption("ghent") };
    let proposal = app.propose(&coordinator, from_lab).await.unwrap();
    assert_eq!(proposal.proposal.consultation_id, Some(consultation.id));
    let view = app.consultation(&Actor::Anonymous, consultation.id).await.unwrap();
    assert_eq!(view.proposals.iter().map(|p| p.id).collect::<Vec<_>>(), [proposal.id], "the consultation lists what came from it");
    let network = member(&app, "network", "network_coordinator", None, None).await;
    let elsewhere = NewProposal { consultation_id: Some(consultation.id), ..adoption("padova") };
    match app.propose(&network, elsewhere).await {
        Err(AppError::Invalid(errors)) => assert_eq!(errors.0[0].field, "consultation_id"),
        other => panic!("{other:?}"),
    }
    let unknown = NewProposal { consultation_id: Some(consultation.id + 100), ..adoption("ghent") };
    assert!(matches!(app.propose(&coordinator, unknown).await, Err(AppError::Invalid(_))));
}
