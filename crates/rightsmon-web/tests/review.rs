//! The review queue and imports in the browser: values move from submitted to published with
//! four eyes, files are uploaded and imported in the background with their progress and
//! report, and a cycle's template is downloaded; each stays inside its city and its owner.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::{StatusCode, header};
use rightsmon_app::demo::DEMO_PASSWORD;
use rightsmon_domain::access::Actor;
use rightsmon_domain::observation::ObservationDraft;
use support::{Browser, TestApp, test_app};

async fn actor(app: &TestApp, username: &str) -> Actor {
    let session = app.app.login(username, DEMO_PASSWORD, "test").await.unwrap();
    app.app.actor_for_token(Some(&session.token)).await.unwrap()
}

async fn submitted(app: &TestApp, by: &Actor, period: &str) -> i64 {
    let draft = ObservationDraft {
        area: "ghent".into(),
        period: period.into(),
        value: "12.5".into(),
        source_name: Some("Housing survey".into()),
        ..ObservationDraft::default()
    };
    let value = app.app.enter_value(by, "RM-HOU-01", &draft).await.unwrap();
    app.app.submit_value(by, value.id).await.unwrap();
    value.id
}

async fn signed_in<'a>(app: &'a TestApp, username: &str) -> Browser<'a> {
    let mut browser = app.browser();
    browser.sign_in(username, DEMO_PASSWORD).await;
    browser
}

fn state_of(app_reply: &serde_json::Value) -> String {
    app_reply["observation"]["state"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_queue_moves_values_to_published_with_four_eyes_inside_their_city() {
    let app = test_app().await;
    let editor = actor(&app, "ghent-editor").await;
    let coordinator_actor = actor(&app, "ghent-coordinator").await;
    let theirs = submitted(&app, &editor, "2030").await;
    let own = submitted(&app, &coordinator_actor, "2031").await;

    let mut coordinator = signed_in(&app, "ghent-coordinator").await;
    let queue = coordinator.get("/workspace/queue").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&format!("value=\"{theirs}\"")) && queue.body.contains(&format!("value=\"{own}\"")));
    assert!(queue.body.contains("Demo ghent editor") && queue.body.contains("Housing survey"));
    let csrf = coordinator.csrf();

    // Four eyes: the coordinator's own value is refused, the editor's moves on.
    let theirs_text = theirs.to_string();
    let own_text = own.to_string();
    let reply = coordinator
        .post_form("/workspace/queue", &[("csrf", &csrf), ("id", &theirs_text), ("id", &own_text), ("action", "validate")])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("someone other than the person who entered it"), "{}", reply.body);
    assert!(reply.body.contains("One value was moved on."));
    let value = |id: i64| {
        let app = &app;
        async move { app.get(&format!("/api/v1/observations/{id}")).await }
    };
    assert_eq!(value(theirs).await.status, StatusCode::NOT_FOUND, "a validated value is not public yet");
    let reply = coordinator.post_form("/workspace/queue", &[("csrf", &csrf), ("id", &theirs_text), ("action", "publish")]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&value(theirs).await.json()), "published");

    // Returning needs a reason; with one, the value goes back to its author.
    let reply = coordinator.post_form("/workspace/queue", &[("csrf", &csrf), ("id", &own_text), ("action", "return")]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Say why the values are returned."));
    let reply = coordinator
        .post_form("/workspace/queue", &[("csrf", &csrf), ("id", &own_text), ("action", "return"), ("reason", "The survey year is 2030.")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let history = app.app.value_history(&coordinator_actor, own).await.unwrap();
    assert!(history.iter().any(|r| r.reason.as_deref() == Some("The survey year is 2030.")), "{history:?}");

    // Other cities and other roles see none of it and can move none of it.
    let mut padova = signed_in(&app, "padova-editor").await;
    let queue = padova.get("/workspace/queue").await;
    assert!(!queue.body.contains(&format!("value=\"{theirs}\"")) && queue.body.contains("No values are waiting for your review."));
    let editor_browser = &mut signed_in(&app, "ghent-editor").await;
    let another = submitted(&app, &editor, "2032").await.to_string();
    let csrf = editor_browser.csrf();
    let reply = editor_browser.post_form("/workspace/queue", &[("csrf", &csrf), ("id", &another), ("action", "validate")]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("You may not review this value."));
    let reply = app.browser().post_form("/workspace/queue", &[("id", &another), ("action", "validate")]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "no CSRF token, no change");
}

/// A multipart body with one file and the given fields.
fn multipart(file_name: &str, content: &[u8], fields: &[(&str, &str)]) -> (Vec<u8>, String) {
    let boundary = "----rightsmon-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// Uploads a file and waits for its import to end; returns the job's page path and status.
async fn import(browser: &mut Browser<'_>, file_name: &str, content: &[u8], fields: &[(&str, &str)]) -> (String, serde_json::Value) {
    let (body, content_type) = multipart(file_name, content, fields);
    let path = format!("/workspace/imports?csrf={}", browser.csrf());
    let reply = browser.post_raw(&path, body, &content_type).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = reply.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_owned();
    let status_path = page.replace("/workspace/imports/", "/api/v1/imports/");
    for _ in 0..400 {
        let status = browser.get(&status_path).await.json();
        if status["done"] == true {
            return (page, status);
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the import did not finish");
}

#[tokio::test]
async fn a_file_is_imported_in_the_background_with_its_progress_and_report() {
    let app = test_app().await;
    let mut editor = signed_in(&app, "ghent-editor").await;
    let form = editor.get("/workspace/imports/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("enctype=\"multipart/form-data\"") && form.body.contains(&format!("?csrf={}", editor.csrf())));

    let good = "indicator,area,period,group,value,source_name\nRM-HOU-01,ghent,2030,,12.5,Survey\nRM-HOU-01,ghent,2030,SEX=F,13,Survey\n";
    let (page, status) = import(&mut editor, "values.csv", good.as_bytes(), &[("submit", "1")]).await;
    let report = &status["report"];
    assert_eq!((report["committed"].as_bool(), report["created"].as_u64()), (Some(true), Some(2)), "{status}");
    let shown = editor.get(&page).await;
    assert!(shown.body.contains("The values were imported.") && !shown.body.contains("import.js"), "a finished import needs no script");
    let queue = signed_in(&app, "ghent-coordinator").await.get("/workspace/queue").await;
    assert!(queue.body.contains("Survey"), "submitted imports wait in the queue");

    // A job is its owner's alone.
    let other = signed_in(&app, "ghent-coordinator").await.get(&page).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&page).await.status, StatusCode::UNAUTHORIZED);

    // A bad file imports nothing; the page lists each problem with its row and column.
    let bad = "indicator,area,period,value\nRM-HOU-01,ghent,2031,12\nRM-HOU-01,ghent,2032,twelve\n";
    let (page, status) = import(&mut editor, "bad.csv", bad.as_bytes(), &[]).await;
    assert_eq!(status["report"]["committed"], false);
    let shown = editor.get(&page).await;
    assert!(shown.body.contains("Nothing was imported: one problem needs correcting."), "{}", shown.body);
    assert!(shown.body.contains("row 3") && shown.body.contains("twelve"));
    let stored = app.get("/api/v1/observations?indicator=RM-HOU-01&area=ghent&from=2031&to=2032").await.json();
    assert_eq!(stored["total"], 0);

    // A dry run writes nothing; bytes that are not UTF-8 are refused.
    let (_, status) =
        import(&mut editor, "check.csv", "indicator,area,period,value\nRM-HOU-01,ghent,2033,12\n".as_bytes(), &[("dry_run", "1")]).await;
    assert_eq!((status["report"]["committed"].as_bool(), status["report"]["dry_run"].as_bool()), (Some(false), Some(true)));
    let (_, status) =
        import(&mut editor, "latin1.csv", b"indicator,area,period,value,source_name\nRM-HOU-01,ghent,2034,12,Gen\xe8ve\n", &[]).await;
    assert!(status["report"]["problems"][0]["message"].as_str().unwrap().contains("not UTF-8"), "{status}");

    // One Open SDG file becomes a local indicator of the chosen city: a coordinator's decision,
    // which an editor is told so, by name.
    let open_sdg = "Year,Sex,Value\n2019,,10\n2019,Female,4\n2019,Male,6\n2020,,11\n";
    let fields = [("format", "open-sdg"), ("city", "ghent")];
    let (_, status) = import(&mut editor, "indicator_16-1-3.csv", open_sdg.as_bytes(), &fields).await;
    assert_eq!(status["report"]["committed"], false, "{status}");
    assert_eq!(status["report"]["problems"][0]["code"], "defines_indicator", "{status}");
    assert!(status["report"]["problems"][0]["message"].as_str().unwrap().contains("coordinators define indicators"), "{status}");
    let (_, status) = import(&mut editor, "indicator_16-1-3.csv", open_sdg.as_bytes(), &[("format", "open-sdg"), ("city", "padova")]).await;
    assert_eq!(status["report"]["problems"][0]["code"], "forbidden", "another city's folder is named as such: {status}");
    assert!(status["report"]["problems"][0]["message"].as_str().unwrap().contains("padova"), "{status}");
    let mut coordinator = signed_in(&app, "ghent-coordinator").await;
    let (_, status) = import(&mut coordinator, "indicator_16-1-3.csv", open_sdg.as_bytes(), &fields).await;
    assert_eq!(status["report"]["committed"], true, "{status}");
    assert_eq!((status["report"]["created"].as_u64(), status["report"]["indicators"][0].as_str()), (Some(4), Some("ghent.16-1-3")));
    let (body, content_type) = multipart("sdg.csv", open_sdg.as_bytes(), &fields);
    let reply = editor.post_raw(&format!("/workspace/imports?csrf={}", editor.csrf()), body, &content_type).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("indicator_16-1-3.csv"), "the form says how to name the file");

    // An upload without the token in its query is refused; so is a form without a file.
    let (body, content_type) = multipart("values.csv", good.as_bytes(), &[]);
    assert_eq!(editor.post_raw("/workspace/imports", body, &content_type).await.status, StatusCode::FORBIDDEN);
    let (body, content_type) = multipart("", b"", &[]);
    let reply = editor.post_raw(&format!("/workspace/imports?csrf={}", editor.csrf()), body, &content_type).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Choose a file to import."));
}

#[tokio::test]
async fn a_cycle_template_is_downloaded_by_its_city_and_imported_back() {
    let app = test_app().await;
    let coordinator = actor(&app, "ghent-coordinator").await;
    let department = app.app.create_organisation("Statistics office", "municipal_department", Some("ghent")).await.unwrap();
    let cycle = app.app.create_cycle(&coordinator, "ghent", "Annual report 2030", "2030", "2031-03-31").await.unwrap();
    app.app.assign(&coordinator, cycle.id, "RM-HOU-01", department.id).await.unwrap();

    let mut editor = signed_in(&app, "ghent-editor").await;
    let form = editor.get("/workspace/imports/new").await;
    let link = format!("/workspace/cycles/{}/template", cycle.id);
    assert!(form.body.contains(&link), "the import page offers the cycle's template");
    let path = link.clone();
    let request = axum::http::Request::get(&path)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, editor.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; "))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains(".xlsx"));
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    let mut sheets = rightsmon_formats::spreadsheet::read_xlsx(&bytes).unwrap();
    assert_eq!(sheets[1].name, "RM-HOU-01");
    sheets[1].rows[7].resize(3, rightsmon_formats::spreadsheet::Cell::Empty);
    sheets[1].rows[7][2] = rightsmon_formats::spreadsheet::Cell::Number(11.0);
    let filled = rightsmon_formats::spreadsheet::write_xlsx(&sheets).unwrap();
    let (_, status) = import(&mut editor, "template.xlsx", &filled, &[]).await;
    assert_eq!((status["report"]["committed"].as_bool(), status["report"]["created"].as_u64()), (Some(true), Some(1)), "{status}");

    assert_eq!(signed_in(&app, "padova-editor").await.get(&link).await.status, StatusCode::NOT_FOUND, "a template stays in its city");
    assert_eq!(app.get(&link).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_validator_filters_the_queue_and_sees_an_outlier_flag() {
    let app = test_app().await;
    let editor = app.app.actor_for_username("ghent-editor").await.unwrap();
    // A value far from the rest of its series, submitted for review.
    let draft = ObservationDraft {
        area: "ghent".into(),
        period: "2025".into(),
        value: "97".into(),
        source_name: Some("Typo in the survey sheet".into()),
        ..Default::default()
    };
    let far = app.app.enter_value(&editor, "RM-HOU-01", &draft).await.unwrap();
    app.app.submit_value(&editor, far.id).await.unwrap();

    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let all = coordinator.get("/workspace/queue").await;
    assert!(all.body.contains("name=\"indicator\"") && all.body.contains("name=\"organisation\""), "the queue has filters");
    let filtered = coordinator.get("/workspace/queue?indicator=RM-HOU-01&state=submitted&area=ghent").await;
    assert_eq!(filtered.status, StatusCode::OK);
    let row = filtered.body.split(&format!("id=\"value-{}\"", far.id)).nth(1).expect("the value is in the filtered queue");
    let row = row.split("</tr>").next().unwrap();
    assert!(row.contains("far from the rest of its series"), "the outlier is flagged: {row}");
    assert!(row.contains(">Ghent<") && row.contains("Whole population"), "names, not codes: {row}");
    let other = coordinator.get("/workspace/queue?indicator=RM-EDU-01&state=submitted").await;
    assert!(!other.body.contains(&format!("id=\"value-{}\"", far.id)), "the filter holds");
    // A filter typed wrongly comes back next to its field, never as a bare error.
    let wrong = coordinator.get("/workspace/queue?state=banana&offset=ten").await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.body.contains("id=\"state-error\"") && wrong.body.contains("the queue holds submitted and validated values"));
}
