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
    assert_eq!(
        good.headers["location"],
        "/workspace/values/new?indicator=RM-HOU-01&area=ghent&period=2025&entered=3&changed=0&submitted=3"
    );
    let after = provider.get(good.headers["location"].to_str().unwrap()).await;
    assert!(after.body.contains("Saved: 3 new, 0 changed, 3 submitted for validation."), "{}", after.body);
    assert!(after.body.contains("value=\"12.5\"") && after.body.contains("value=\"EU-SILC city sample\""), "the form shows what was saved");
    let completeness = app.app.completeness(&coordinator, cycle.id).await.unwrap();
    assert_eq!(completeness.tasks[0].received, Some(rightsmon_domain::observation::WorkflowState::Submitted));
    let again = provider
        .post_form(
            "/workspace/values",
            &[("csrf", &csrf), ("indicator", "RM-HOU-01"), ("area", "ghent"), ("period", "2025"), ("value.", "12.6"), ("action", "draft")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("this value is submitted already"), "an editor does not change a submitted value");

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
    assert!(page.body.contains("name=\"indicator\" value=\"RM-HOU-01\""));

    let department_id = department.id.to_string();
    let assignments = format!("{location}/assignments");
    let reply = coordinator.post_form(&assignments, &[("csrf", &csrf), ("indicator", "RM-HOU-01"), ("organisation", &department_id)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = coordinator.get(&location).await;
    assert!(page.body.contains("Statistics office") && page.body.contains("not entered yet"));
    assert!(!page.body.contains("name=\"indicator\" value=\"RM-HOU-01\""), "an assigned indicator is not offered again");
    let reply =
        coordinator.post_form(&assignments, &[("csrf", &csrf), ("indicator", "RM-NOPE-99"), ("organisation", &department_id)]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("there is no indicator &quot;RM-NOPE-99&quot;"), "{}", reply.body);

    // A new organisation, and three indicators assigned to it in one go; those the city has not
    // adopted come with a warning.
    let blank = coordinator.post_form(&format!("{location}/organisations"), &[("csrf", &csrf), ("name", " "), ("kind", "cso")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("href=\"#field-organisation_name\""), "the error links to its field");
    let created = coordinator
        .post_form(&format!("{location}/organisations"), &[("csrf", &csrf), ("name", "Ghent Tenants' Union"), ("kind", "cso")])
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let union = app.app.organisations(Some("ghent")).await.unwrap().into_iter().find(|o| o.name == "Ghent Tenants' Union").unwrap();
    let union_id = union.id.to_string();
    let three = [
        ("csrf", csrf.as_str()),
        ("indicator", "RM-NDI-05"),
        ("indicator", "RM-SCS-04"),
        ("indicator", "RM-DEM-08"),
        ("organisation", &union_id),
    ];
    let reply = coordinator.post_form(&assignments, &three).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let after = coordinator.get(reply.headers["location"].to_str().unwrap()).await;
    assert!(after.body.contains("3 indicators assigned."), "{}", after.body);
    let completeness = {
        let actor = app.app.actor_for_username("ghent-coordinator").await.unwrap();
        let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
        app.app.completeness(&actor, id).await.unwrap()
    };
    assert_eq!(completeness.tasks.iter().filter(|t| t.organisation_id == union.id).count(), 3);
    let adopted: Vec<String> =
        app.app.adoptions("ghent").await.unwrap().into_iter().filter(|a| a.is_adopted).map(|a| a.indicator.to_string()).collect();
    let notice = after.body.split("class=\"notice\" role=\"status\"").nth(1).unwrap().split("</div>").next().unwrap().to_owned();
    for code in ["RM-NDI-05", "RM-SCS-04", "RM-DEM-08"] {
        let warned = notice.contains(&format!("<a href=\"/indicators/{code}\">{code}</a>"));
        assert_eq!(warned, !adopted.contains(&code.to_owned()), "{code}: a warning exactly when the city has not adopted it");
    }
    // One bad indicator among good ones: nothing is assigned.
    let mixed = [("csrf", csrf.as_str()), ("indicator", "RM-EDU-01"), ("indicator", "RM-NOPE-99"), ("organisation", &union_id)];
    assert_eq!(coordinator.post_form(&assignments, &mixed).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let actor = app.app.actor_for_username("ghent-coordinator").await.unwrap();
    assert!(!app.app.completeness(&actor, id).await.unwrap().tasks.iter().any(|t| t.indicator.as_str() == "RM-EDU-01"), "all or none");

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
    // The survey wave gave two of its indicators their published values.
    assert!(page.body.contains("Annual report 2025") && page.body.contains("2 of 9 received, 2 published"), "{}", page.body);
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

/// The value of an input of the form, by its name.
fn input_value(body: &str, name: &str) -> Option<String> {
    let at = body.find(&format!("name=\"{name}\""))?;
    let rest = &body[at..];
    let value = rest.split("value=\"").nth(1)?.split('"').next()?;
    Some(value.to_owned())
}

#[tokio::test]
async fn a_draft_is_reopened_changed_and_submitted_and_a_returned_value_is_corrected() {
    use rightsmon_app::demo::DEMO_PASSWORD;
    let app = test_app().await;
    let mut editor = app.browser();
    editor.sign_in("ghent-editor", DEMO_PASSWORD).await;
    let csrf = editor.csrf();
    let subject = [("indicator", "RM-HOU-01"), ("area", "ghent"), ("period", "2031")];
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend(subject);
    let mut draft = fields.clone();
    draft.extend([("value.", "12.5"), ("value.SEX=F", "13"), ("source_name", "Survey"), ("action", "draft")]);
    let saved = editor.post_form("/workspace/values", &draft).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // The draft opens again with its values and states, is changed and submitted.
    let form = editor.get("/workspace/values/new?indicator=RM-HOU-01&area=ghent&period=2031").await;
    assert_eq!(input_value(&form.body, "value.").as_deref(), Some("12.5"));
    assert_eq!(input_value(&form.body, "value.SEX=F").as_deref(), Some("13"));
    assert!(form.body.contains(">draft<"), "each group says its state");
    let mut change = fields.clone();
    change.extend([("value.", "12.75"), ("value.SEX=F", "13"), ("value.SEX=M", "12"), ("source_name", "Survey"), ("action", "submit")]);
    let submitted = editor.post_form("/workspace/values", &change).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    assert!(submitted.headers["location"].to_str().unwrap().ends_with("entered=1&changed=1&submitted=3"));
    let form = editor.get("/workspace/values/new?indicator=RM-HOU-01&area=ghent&period=2031").await;
    assert_eq!(input_value(&form.body, "value.").as_deref(), Some("12.75"));
    assert!(form.body.contains(">submitted<"));

    // The coordinator returns the total with a reason; the editor sees it and corrects it.
    let coordinator_actor = {
        let session = app.app.login("ghent-coordinator", DEMO_PASSWORD, "test").await.unwrap();
        app.app.actor_for_token(Some(&session.token)).await.unwrap()
    };
    let entered = app.app.entered_values(&coordinator_actor, "RM-HOU-01", "ghent", "2031").await.unwrap();
    let total = entered.iter().find(|e| e.observation.data.key.is_total()).unwrap().observation.id;
    app.app.return_value(&coordinator_actor, total, "The survey's weighted value is 12.8").await.unwrap();
    let tasks = editor.get("/workspace").await;
    assert_eq!(tasks.status, StatusCode::OK);
    let form = editor.get("/workspace/values/new?indicator=RM-HOU-01&area=ghent&period=2031").await;
    assert!(
        form.body.contains("Returned for correction") && form.body.contains("The survey&#x27;s weighted value is 12.8"),
        "{}",
        form.body
    );
    let mut correct = fields.clone();
    correct.extend([
        ("value.", "12.8"),
        ("value.SEX=F", "13"),
        ("value.SEX=M", "12"),
        ("source_name", "Survey"),
        ("reason", "Weighted"),
        ("action", "submit"),
    ]);
    let corrected = editor.post_form("/workspace/values", &correct).await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER, "{}", corrected.body);
    assert!(corrected.headers["location"].to_str().unwrap().ends_with("entered=0&changed=1&submitted=1"));
    let history = app.app.value_history(&coordinator_actor, total).await.unwrap();
    assert!(history.iter().any(|r| r.reason.as_deref() == Some("Weighted")), "the correction says why");
    let page = editor.get(&format!("/values/{total}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Weighted")
            && page.body.contains("returned for correction")
            && page.body.contains("The survey&#x27;s weighted value is 12.8"),
        "the history is a page"
    );
    assert_eq!(
        app.get(&format!("/values/{total}")).await.status,
        StatusCode::NOT_FOUND,
        "an unpublished value's history stays in its city"
    );

    // A coordinator revises a published value in the browser, only with a reason.
    let other = {
        app.app
            .create_user(
                None,
                &rightsmon_app::accounts::UserForm {
                    username: "second".into(),
                    display_name: "Second coordinator".into(),
                    email: None,
                    password: "a long enough password".into(),
                },
            )
            .await
            .unwrap();
        app.app.add_membership("second", "city_coordinator", Some("ghent"), None).await.unwrap();
        app.app.actor_for_username("second").await.unwrap()
    };
    for e in app.app.entered_values(&coordinator_actor, "RM-HOU-01", "ghent", "2031").await.unwrap() {
        app.app.validate_value(&other, e.observation.id).await.unwrap();
        app.app.publish_value(&other, e.observation.id).await.unwrap();
    }
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let ccsrf = coordinator.csrf();
    let form = coordinator.get("/workspace/values/new?indicator=RM-HOU-01&area=ghent&period=2031").await;
    assert!(form.body.contains(">published<") && form.body.contains("name=\"reason\""));
    let mut revise = vec![("csrf", ccsrf.as_str())];
    revise.extend(subject);
    revise.extend([("value.", "12.9"), ("value.SEX=F", "13"), ("value.SEX=M", "12"), ("source_name", "Survey"), ("action", "draft")]);
    let refused = coordinator.post_form("/workspace/values", &revise).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("say why a value that was submitted is changed"));
    revise.push(("reason", "The survey office corrected its weights"));
    let revised = coordinator.post_form("/workspace/values", &revise).await;
    assert_eq!(revised.status, StatusCode::SEE_OTHER, "{}", revised.body);
    let value = app.app.observation(&coordinator_actor, total).await.unwrap();
    assert_eq!(value.data.value, rightsmon_domain::observation::ObservationValue::Number(12.9));
}

#[tokio::test]
async fn the_grid_offers_every_declared_group_and_reads_decimal_commas() {
    use rightsmon_app::demo::DEMO_PASSWORD;
    let app = test_app().await;
    let mut editor = app.browser();
    editor.sign_in("ghent-editor", DEMO_PASSWORD).await;
    let form = editor.get("/workspace/values/new?indicator=RM-NDI-05&area=ghent&period=2031").await;
    assert_eq!(form.status, StatusCode::OK);
    let definition = app.app.indicator("RM-NDI-05", None).await.unwrap();
    let groups = app.app.entry_groups(&definition, "en", usize::MAX).await.unwrap();
    assert!(groups.len() > 60, "more groups than the old cap: {}", groups.len());
    for (key, _) in &groups {
        assert!(form.body.contains(&format!("name=\"value.{key}\"")), "the grid offers {key}");
    }
    for dimension in ["DISABILITY_STATUS", "MIGRATION_BACKGROUND", "GENDER_IDENTITY", "INCOME_WEALTH_QUANTILE"] {
        assert!(form.body.contains(&format!("name=\"value.{dimension}")), "{dimension}");
    }
    assert!(
        form.body.contains("By Age × Sex") && form.body.contains("By Disability status"),
        "sections are named: {}",
        form.body.split("<caption").nth(4).unwrap_or_default().chars().take(80).collect::<String>()
    );
    assert!(!form.body.contains(">DISABILITY_STATUS"), "labels, not codes");

    let dutch = editor.get("/workspace/values/new?indicator=RM-NDI-05&area=ghent&period=2031&lang=nl").await;
    assert_eq!(dutch.status, StatusCode::OK);
    let csrf = editor.csrf();
    let saved = editor
        .post_form(
            "/workspace/values",
            &[
                ("csrf", &csrf),
                ("indicator", "RM-NDI-05"),
                ("area", "ghent"),
                ("period", "2031"),
                ("value.", "17,5"),
                ("lower.", "16,25"),
                ("upper.", "18,75"),
                ("source_name", "Stadsmonitor"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let actor = app.app.actor_for_username("ghent-editor").await.unwrap();
    let entered = app.app.entered_values(&actor, "RM-NDI-05", "ghent", "2031").await.unwrap();
    assert_eq!(entered[0].observation.data.value, rightsmon_domain::observation::ObservationValue::Number(17.5));
    assert_eq!(entered[0].observation.data.lower_bound, Some(16.25));
    let again = editor.get("/workspace/values/new?indicator=RM-NDI-05&area=ghent&period=2031").await;
    assert_eq!(input_value(&again.body, "value.").as_deref(), Some("17,5"), "shown again as Dutch writes it");
}
