//! A city's report for a cycle: issued by its coordinators from published data, frozen as
//! issued, and honest about values revised or added since.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_app::demo::DEMO_PASSWORD;
use rightsmon_app::{App, AppError};
use rightsmon_domain::access::Actor;
use rightsmon_domain::observation::ObservationDraft;
use rightsmon_domain::report::ValueChange;
use rightsmon_store::Store;
use rightsmon_store_sqlite::SqliteStore;
use std::sync::Arc;

async fn demo() -> App {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(Arc::new(store));
    rightsmon_app::reference::initialise(&app).await.unwrap();
    app.load_demo().await.unwrap();
    app
}

async fn signed_in(app: &App, name: &str) -> Actor {
    let session = app.login(name, DEMO_PASSWORD, "test").await.unwrap();
    app.actor_for_token(Some(&session.token)).await.unwrap()
}

#[tokio::test]
async fn a_report_keeps_its_numbers_when_a_value_is_revised_and_says_a_newer_one_exists() {
    let app = demo().await;
    let coordinator = signed_in(&app, "ghent-coordinator").await;
    let cycle = app.cycles("ghent").await.unwrap()[0].clone();
    for (name, expected) in [("ghent-cso", "forbidden"), ("ghent-editor", "forbidden"), ("padova-editor", "forbidden")] {
        let actor = signed_in(&app, name).await;
        let refused = app.issue_city_report(&actor, cycle.id).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{name} may not issue: {expected}");
    }
    assert!(matches!(app.issue_city_report(&Actor::Anonymous, cycle.id).await, Err(AppError::Unauthenticated)));

    let report = app.issue_city_report(&coordinator, cycle.id).await.unwrap();
    let snapshot = &report.snapshot;
    assert_eq!(report.title, format!("{}: {}", snapshot.city_name, cycle.cycle.name));
    let housing = snapshot.indicators.iter().find(|i| i.code.as_str() == "RM-HOU-01").unwrap();
    let used = housing.value.expect("the demo publishes housing values");
    let id = housing.observation_id.unwrap();
    assert!(housing.period.as_deref().is_some_and(|p| p <= "2025"), "the latest published value up to the cycle's period");
    assert!(housing.verdict.is_some(), "with its headline verdict");
    assert!(snapshot.values.iter().any(|v| v.id == id && v.value == Some(used)), "it records the value it used");
    assert!(!snapshot.methods.is_empty(), "and the methods with their versions");
    assert!(snapshot.themes.iter().any(|t| t.code.as_str() == "HOUSING" && t.indicators > 0));
    assert!(snapshot.gaps.iter().any(|g| g.indicator.as_str() == "RM-HOU-01"), "gaps between groups");
    assert!(snapshot.data_gaps.iter().any(|g| g.code.as_str() == "RM-HOU-01"), "nothing is published for the cycle's year yet");
    assert!(snapshot.assessments.iter().any(|a| a.disagreement), "both sides' assessments, with their disagreement");
    let recommendation = &snapshot.recommendations[0];
    assert_eq!(recommendation.actions.len(), 1, "the published recommendation and its action");
    assert!(
        snapshot.recommendations.iter().all(|r| r.title != "Publish waiting times for social housing by household type"),
        "drafts stay out"
    );
    assert!(app.report(report.id).await.unwrap().changes.is_empty());

    // The value is revised: the report keeps what it used and says a newer value exists.
    let draft = ObservationDraft {
        area: "ghent".into(),
        period: housing.period.clone().unwrap(),
        value: format!("{}", used + 1.5),
        source_name: Some("Housing survey, corrected".into()),
        ..ObservationDraft::default()
    };
    app.revise_value(&coordinator, id, &draft, "A weighting error was corrected").await.unwrap();
    // Under review again, the value is no longer public: the report says so.
    let view = app.report(report.id).await.unwrap();
    assert!(view.changes.iter().any(|c| matches!(c, ValueChange::Withdrawn { id: changed, .. } if *changed == id)), "{:?}", view.changes);
    let network = signed_in(&app, "coordinator").await;
    app.validate_value(&network, id).await.unwrap();
    app.publish_value(&network, id).await.unwrap();
    let view = app.report(report.id).await.unwrap();
    let housing = view.report.snapshot.indicators.iter().find(|i| i.code.as_str() == "RM-HOU-01").unwrap();
    assert_eq!(housing.value, Some(used), "the report's number does not change");
    assert!(
        view.changes.iter().any(|c| matches!(c, ValueChange::Revised { id: changed, used: Some(u), now: Some(n), .. } if *changed == id && *u == used && (*n - used - 1.5).abs() < 1e-9)),
        "{:?}",
        view.changes
    );
    // A new report of the same cycle uses the revised value; the first one stays.
    let second = app.issue_city_report(&coordinator, cycle.id).await.unwrap();
    let revised = second.snapshot.indicators.iter().find(|i| i.code.as_str() == "RM-HOU-01").unwrap();
    assert!((revised.value.unwrap() - used - 1.5).abs() < 1e-9);
    let listed: Vec<i64> = app.reports("ghent").await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(listed[..2], [second.id, report.id], "latest first, after the demo's own");
}

#[tokio::test]
async fn the_network_report_sets_the_cities_side_by_side_and_stays_as_issued() {
    let app = demo().await;
    let cso = signed_in(&app, "ghent-cso").await;
    assert!(matches!(app.issue_network_report(&cso).await, Err(AppError::Forbidden)));
    let network = signed_in(&app, "coordinator").await;
    let report = app.issue_network_report(&network).await.unwrap();
    let snapshot = &report.snapshot;
    assert_eq!(snapshot.cities.len(), 9, "every city of the network");
    let ghent = snapshot.cities.iter().position(|c| c.code.as_str() == "ghent").unwrap();
    let line = &snapshot.cities[ghent];
    assert!(line.recommendations >= 1 && line.disagreements >= 1, "{line:?}");
    assert_eq!((line.steps_reached, line.steps), (5, 8));
    let housing = snapshot.comparison.iter().find(|c| c.code.as_str() == "RM-HOU-01").unwrap();
    let cell = housing.cells[ghent].as_ref().expect("Ghent's latest housing value");
    let used = cell.value.unwrap();
    assert!(snapshot.values.iter().any(|v| v.indicator.as_str() == "RM-HOU-01" && v.value == Some(used)));
    assert!(app.network_report(report.id).await.unwrap().changes.is_empty());

    let coordinator = signed_in(&app, "ghent-coordinator").await;
    // Ghent's value, as its own report names it.
    let cycle = app.cycles("ghent").await.unwrap()[0].id;
    let city_report = app.issue_city_report(&coordinator, cycle).await.unwrap();
    let id = city_report.snapshot.indicators.iter().find(|i| i.code.as_str() == "RM-HOU-01").unwrap().observation_id.unwrap();
    assert!(snapshot.values.iter().any(|v| v.id == id && v.value == Some(used)), "the same value in the network's report");
    let draft = ObservationDraft {
        area: "ghent".into(),
        period: cell.period.clone(),
        value: format!("{}", used + 1.0),
        source_name: Some("Housing survey, corrected".into()),
        ..ObservationDraft::default()
    };
    app.revise_value(&coordinator, id, &draft, "Corrected").await.unwrap();
    app.validate_value(&network, id).await.unwrap();
    app.publish_value(&network, id).await.unwrap();
    let view = app.network_report(report.id).await.unwrap();
    assert_eq!(
        view.report.snapshot.comparison.iter().find(|c| c.code.as_str() == "RM-HOU-01").unwrap().cells[ghent].as_ref().unwrap().value,
        Some(used)
    );
    assert!(view.changes.iter().any(|c| matches!(c, ValueChange::Revised { id: changed, .. } if *changed == id)), "{:?}", view.changes);
}
