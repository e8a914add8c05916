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
    let cycle = app.app.create_cycle(&coordinator, "ghent", "Housing survey 2025", "2025", "2026-03-31").await.unwrap();
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

#[tokio::test]
async fn a_coordinator_opens_a_cycle_and_assigns_its_indicators_in_the_browser() {
    use rightsmon_app::demo::DEMO_PASSWORD;
    let app = test_app().await;
    let department = app.app.create_organisation("Statistics office", "municipal_department", Some("ghent")).await.unwrap();
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let page = coordinator.get("/workspace/cycles").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("action=\"/workspace/cycles\""), "a coordinator gets the form to open a cycle");
    let csrf = coordinator.csrf();
    let fields =
        |deadline: &'static str| vec![("city", "ghent"), ("name", "Annual report 2030"), ("period", "2030"), ("deadline", deadline)];
    let mut bad = vec![("csrf", csrf.as_str())];
    bad.extend(fields("tomorrow"));
    let reply = coordinator.post_form("/workspace/cycles", &bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("error-summary") && reply.body.contains("value=\"Annual report 2030\""), "the form keeps what was typed");
    let mut good = vec![("csrf", csrf.as_str())];
    good.extend(fields("2031-03-31"));
    let reply = coordinator.post_form("/workspace/cycles", &good).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let location = reply.headers.get(axum::http::header::LOCATION).unwrap().to_str().unwrap().to_owned();
    let page = coordinator.get(&location).await;
    assert!(page.body.contains("No indicator is assigned in this cycle yet.") && page.body.contains("Statistics office"));
    assert!(page.body.contains("<option value=\"RM-HOU-01\""));

    let department_id = department.id.to_string();
    let assignments = format!("{location}/assignments");
    let reply = coordinator.post_form(&assignments, &[("csrf", &csrf), ("indicator", "RM-HOU-01"), ("organisation", &department_id)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = coordinator.get(&location).await;
    assert!(page.body.contains("Statistics office") && page.body.contains("not entered yet"));
    assert!(!page.body.contains("<option value=\"RM-HOU-01\""), "an assigned indicator is not offered again");
    let reply =
        coordinator.post_form(&assignments, &[("csrf", &csrf), ("indicator", "RM-NOPE-99"), ("organisation", &department_id)]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("there is no such indicator"), "{}", reply.body);

    // An editor of the city follows the cycle but cannot open or assign; other cities see nothing.
    let mut editor = app.browser();
    editor.sign_in("ghent-editor", DEMO_PASSWORD).await;
    let page = editor.get("/workspace/cycles").await;
    assert!(page.body.contains("Annual report 2030") && !page.body.contains("action=\"/workspace/cycles\""));
    let csrf = editor.csrf();
    let mut attempt = vec![("csrf", csrf.as_str())];
    attempt.extend(vec![("city", "ghent"), ("name", "Another"), ("period", "2031"), ("deadline", "2032-03-31")]);
    assert_eq!(editor.post_form("/workspace/cycles", &attempt).await.status, StatusCode::FORBIDDEN);
    let mut padova = app.browser();
    padova.sign_in("padova-editor", DEMO_PASSWORD).await;
    assert_eq!(padova.get(&location).await.status, StatusCode::NOT_FOUND);
    assert!(!padova.get("/workspace/cycles").await.body.contains("Annual report 2030"));
}

#[tokio::test]
async fn the_workspace_says_what_is_waiting_and_what_is_overdue() {
    use rightsmon_app::demo::DEMO_PASSWORD;
    let app = test_app().await;
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let page = coordinator.get("/workspace").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Values waiting for your review: "), "the demo's 2024 values wait for validation");
    assert!(page.body.contains("href=\"/workspace/queue\""));
    assert!(page.body.contains("Open proposals in Ghent: 1"), "the demo's local indicator proposal");
    assert!(page.body.contains("Annual report 2025") && page.body.contains("0 of 9 received, 0 published"), "{}", page.body);
    assert!(!page.body.contains(">overdue<"), "the demo's deadline lies ahead");
    // A cycle whose deadline has passed with values missing is overdue.
    let session = app.app.login("ghent-coordinator", DEMO_PASSWORD, "test").await.unwrap();
    let actor = app.app.actor_for_token(Some(&session.token)).await.unwrap();
    let late = app.app.create_cycle(&actor, "ghent", "Survey 2018", "2018", "2019-03-31").await.unwrap();
    app.app.assign(&actor, late.id, "RM-HOU-01", app.app.organisations(Some("ghent")).await.unwrap()[0].id).await.unwrap();
    let page = coordinator.get("/workspace").await;
    assert!(page.body.contains("Survey 2018") && page.body.contains(">overdue<"), "a passed deadline with values missing");
    let mut editor = app.browser();
    editor.sign_in("ghent-editor", DEMO_PASSWORD).await;
    let tasks = editor.get("/workspace").await;
    assert!(tasks.body.contains("RM-HOU-01") && tasks.body.contains("Annual report 2025"), "the editor's office provides the demo series");
    assert!(tasks.body.contains("No value waits for your review."), "an editor reviews nothing");
    assert!(tasks.body.contains(">overdue<"), "the editor's task of the late cycle is overdue");
}
