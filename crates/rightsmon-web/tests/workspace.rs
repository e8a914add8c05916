//! The providers' workspace over HTTP: tasks, and entering a grid of values as one whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::accounts::UserForm;
use support::test_app;

#[tokio::test]
async fn a_provider_sees_their_task_and_enters_its_values_all_or_nothing() {
    let app = test_app().await;
    let department = app.app.create_organisation("Statistics office", "municipal_department", Some("ghent")).await.unwrap();
    app.app
        .create_user(
            None,
            &UserForm {
                username: "stats".into(),
                display_name: "Stats office".into(),
                email: None,
                password: "a long enough password".into(),
            },
        )
        .await
        .unwrap();
    app.app.add_membership("stats", "data_editor", Some("ghent"), Some(department.id)).await.unwrap();
    let coordinator = {
        let session = app.app.login("ghent-coordinator", rightsmon_app::demo::DEMO_PASSWORD, "test").await.unwrap();
        app.app.actor_for_token(Some(&session.token)).await.unwrap()
    };
    let cycle = app.app.create_cycle(&coordinator, "ghent", "Annual report 2025", "2025", "2026-03-31").await.unwrap();
    app.app.assign(&coordinator, cycle.id, "RM-HOU-01", department.id).await.unwrap();

    let mut provider = app.browser();
    provider.sign_in("stats", "a long enough password").await;
    let tasks = provider.get("/workspace").await;
    assert_eq!(tasks.status, StatusCode::OK);
    assert!(tasks.body.contains("RM-HOU-01") && tasks.body.contains("2026-03-31") && tasks.body.contains("not entered yet"));
    let form = provider.get("/workspace/values/new?indicator=RM-HOU-01&area=ghent&period=2025").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"value.SEX=F\"") && form.body.contains("name=\"value.\""));
    let csrf = provider.csrf();

    let bad = provider
        .post_form(
            "/workspace/values",
            &[
                ("csrf", &csrf),
                ("indicator", "RM-HOU-01"),
                ("area", "ghent"),
                ("period", "2025"),
                ("value.", "12.5"),
                ("value.SEX=F", "abc"),
                ("value.SEX=M", "140"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = bad.body.split("error-summary-title\">").nth(1).unwrap_or_default().split("</ul>").next().unwrap_or_default().to_owned();
    assert!(bad.body.contains("value.SEX=F: &quot;abc&quot; is not a number"), "field-level errors name the cell: {summary}");
    assert!(bad.body.contains("value.SEX=M: 140 is above the natural limit"));
    assert!(
        bad.body.contains("href=\"#field-value-SEX-F\"") && bad.body.contains("id=\"field-value-SEX-F\""),
        "the summary links to the field"
    );
    assert!(bad.body.contains("value=\"abc\""), "the form keeps what was typed");
    let completeness = app.app.completeness(&coordinator, cycle.id).await.unwrap();
    assert_eq!(completeness.received, 0, "nothing of a refused grid was stored");

    let good = provider
        .post_form(
            "/workspace/values",
            &[
                ("csrf", &csrf),
                ("indicator", "RM-HOU-01"),
                ("area", "ghent"),
                ("period", "2025"),
                ("value.", "12.5"),
                ("lower.", "11.9"),
                ("upper.", "13.1"),
                ("value.SEX=F", "13.4"),
                ("value.SEX=M", "11.6"),
                ("source_name", "EU-SILC city sample"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    assert_eq!(good.headers["location"], "/workspace?saved=3");
    let after = provider.get("/workspace?saved=3").await;
    assert!(after.body.contains("3 values were saved as drafts") || after.body.contains("saved"));
    let completeness = app.app.completeness(&coordinator, cycle.id).await.unwrap();
    assert_eq!(completeness.tasks[0].received, Some(rightsmon_domain::observation::WorkflowState::Submitted));
    let again = provider
        .post_form(
            "/workspace/values",
            &[("csrf", &csrf), ("indicator", "RM-HOU-01"), ("area", "ghent"), ("period", "2025"), ("value.", "12.6"), ("action", "draft")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let mut padova = app.browser();
    padova.sign_in("padova-editor", rightsmon_app::demo::DEMO_PASSWORD).await;
    let padova_csrf = padova.csrf();
    let foreign = padova
        .post_form(
            "/workspace/values",
            &[
                ("csrf", &padova_csrf),
                ("indicator", "RM-HOU-01"),
                ("area", "ghent"),
                ("period", "2026"),
                ("value.", "1"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
}
