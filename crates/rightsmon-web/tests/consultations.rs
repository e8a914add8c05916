//! A proposal made from a consultation, in the browser: the consultation's page leads to the
//! proposal form, which carries the consultation along, and then lists the proposal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::demo::DEMO_PASSWORD;
use support::test_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_made_from_a_consultation_is_listed_on_it() {
    let app = test_app().await;
    let lab = app.app.consultations("ghent").await.unwrap()[0].consultation.id;
    let mut cso = app.browser();
    cso.sign_in("ghent-cso", DEMO_PASSWORD).await;
    let page = cso.get(&format!("/consultations/{lab}")).await;
    let link = format!("/proposals/new?city=ghent&amp;consultation={lab}");
    assert!(page.body.contains(&link), "the consultation leads to the proposal form");
    let form = cso.get(&format!("/proposals/new?city=ghent&consultation={lab}")).await;
    assert!(form.body.contains(&format!("name=\"consultation_id\" value=\"{lab}\"")), "the form carries the consultation");
    let csrf = cso.csrf();
    let made = cso
        .post_form(
            "/proposals",
            &[
                ("csrf", &csrf),
                ("kind", "adoption"),
                ("scope", "ghent"),
                ("title", "Adopt the housing indicators the lab asked for"),
                ("rationale", "Raised at the citizen lab"),
                ("adopt", "RM-HOU-01"),
                ("consultation_id", &lab.to_string()),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let proposal = cso.get(made.headers["location"].to_str().unwrap()).await;
    assert!(proposal.body.contains(&format!("href=\"/consultations/{lab}\"")), "the proposal names its consultation");
    assert!(proposal.body.contains("Citizen lab on affordable housing"), "by its name");
    let page = app.get(&format!("/consultations/{lab}")).await;
    assert!(page.body.contains("Adopt the housing indicators the lab asked for"), "the consultation lists the proposal");
}
