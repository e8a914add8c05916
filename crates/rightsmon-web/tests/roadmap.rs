//! The road map in the browser: the network's coordinator adds a step, a city's coordinator
//! records a step reached with its evidence (first forgetting the evidence), and everyone sees
//! where each city stands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::demo::DEMO_PASSWORD;
use support::test_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_city_records_the_steps_it_reached_and_the_network_sees_where_each_stands() {
    let app = test_app().await;
    let home = app.get("/").await;
    assert!(home.body.contains("href=\"/roadmap\""), "the home page leads to the road map");
    let network = app.get("/roadmap").await;
    assert!(network.body.contains("Working group formed"), "the network starts with its default steps");
    assert!(!network.body.contains("action=\"/roadmap/steps\""), "only the network's coordinators add steps");

    let mut coordinator = app.browser();
    coordinator.sign_in("coordinator", DEMO_PASSWORD).await;
    coordinator.get("/roadmap").await;
    let csrf = coordinator.csrf();
    let added = coordinator.post_form("/roadmap/steps", &[("csrf", &csrf), ("name", "Budget for the monitoring agreed")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let twice = coordinator.post_form("/roadmap/steps", &[("csrf", &csrf), ("name", "Budget for the monitoring agreed")]).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice.body.contains("id=\"field-name-error\""));

    let mut ghent = app.browser();
    ghent.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let page = ghent.get("/cities/ghent/roadmap").await;
    assert!(page.body.contains("value=\"budget-for-the-monitoring-agreed\""), "the new step can be recorded");
    let csrf = ghent.csrf();
    let missing = ghent
        .post_form("/cities/ghent/roadmap", &[("csrf", &csrf), ("step", "dialogue"), ("reached_on", "2025-01-15"), ("evidence", "")])
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("id=\"field-evidence-error\"") && missing.body.contains("2025-01-15"), "refused at its field, kept");
    let recorded = ghent
        .post_form(
            "/cities/ghent/roadmap",
            &[
                ("csrf", &csrf),
                ("step", "dialogue"),
                ("reached_on", "2025-01-15"),
                ("evidence", "https://example.org/ghent-council-decision"),
                ("note", "Eight members, four from civil society."),
            ],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER);

    let public = app.get("/cities/ghent/roadmap").await;
    assert!(public.body.contains("2025-01-15") && public.body.contains("ghent-council-decision"), "{}", public.body);
    assert!(!public.body.contains("/removal"), "only the city's coordinators take a step back");
    let network = app.get("/api/v1/roadmap").await.json();
    let ghent_road = network["cities"].as_array().unwrap().iter().find(|c| c["code"] == "ghent").unwrap();
    assert_eq!(ghent_road["reached"], 6, "the demo's five steps and this one: {ghent_road}");
    assert_eq!(network["steps"].as_array().unwrap().len(), 9);

    let mut padova = app.browser();
    padova.sign_in("ghent-cso", DEMO_PASSWORD).await;
    padova.get("/cities/ghent/roadmap").await;
    let csrf = padova.csrf();
    let refused = padova
        .post_form(
            "/cities/ghent/roadmap",
            &[("csrf", &csrf), ("step", "priorities"), ("reached_on", "2025-01-15"), ("evidence", "https://x.org")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let csrf = ghent.csrf();
    let removed = ghent.post_form("/cities/ghent/roadmap/dialogue/removal", &[("csrf", &csrf)]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(!app.get("/cities/ghent/roadmap").await.body.contains("2025-01-15"));
}
