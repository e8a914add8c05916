//! Two-sided assessments in the browser and the API: each side writes its own, nobody changes
//! the other's, and the board shows both with their disagreement.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::demo::DEMO_PASSWORD;
use serde_json::json;
use support::test_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_side_can_change_the_other_sides_assessment_in_the_browser_or_the_api() {
    let app = test_app().await;
    let cycle = app.app.cycles("ghent").await.unwrap()[0].id;
    let tenants = app.app.organisations(Some("ghent")).await.unwrap().into_iter().find(|o| o.name == "Ghent tenants' network").unwrap();
    let tenants_side = format!("organisation:{}", tenants.id);
    let board = || async { app.get(&format!("/api/v1/cycles/{cycle}/assessments")).await.json() };
    let before = board().await;
    let cells = &before["rows"][0]["cells"];
    assert_eq!(before["rows"][0]["subject"], json!({"kind": "right", "code": "CFR-34"}));
    assert_eq!(cells[0]["latest"]["verdict"], "partly", "the municipality's second version");
    assert_eq!(cells[1]["latest"]["verdict"], "insufficient", "the tenants' network's");
    assert_eq!(before["rows"][0]["disagreement"], true);

    let attempt = |side: &str| json!({"cycle": cycle.to_string(), "side": side, "subject": "right:CFR-34", "verdict": "good", "reasoning": "All is well."});
    let form = |side: &str| {
        vec![
            ("cycle".to_owned(), cycle.to_string()),
            ("side".to_owned(), side.to_owned()),
            ("subject".to_owned(), "right:CFR-34".to_owned()),
            ("verdict".to_owned(), "good".to_owned()),
            ("reasoning".to_owned(), "All is well.".to_owned()),
        ]
    };
    // No municipal role writes the civil-society side; the civil-society member does not write
    // the municipality's; the network coordinator writes neither.
    for (user, side) in [
        ("ghent-coordinator", tenants_side.as_str()),
        ("ghent-editor", tenants_side.as_str()),
        ("ghent-editor", "municipality"),
        ("ghent-viewer", tenants_side.as_str()),
        ("ghent-cso", "municipality"),
        ("coordinator", tenants_side.as_str()),
        ("coordinator", "municipality"),
    ] {
        let mut browser = app.browser();
        browser.sign_in(user, DEMO_PASSWORD).await;
        let page = browser.get("/cities/ghent/assessments").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains(&format!("value=\"{side}\"")), "{user} is not offered {side}");
        let mut fields = form(side);
        fields.push(("csrf".to_owned(), browser.csrf()));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let reply = browser.post_form("/cities/ghent/assessments", &fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{user} as {side} in the browser");
        let reply = browser.post_json(&format!("/api/v1/cycles/{cycle}/assessments"), &attempt(side)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{user} as {side} through the API: {}", reply.body);
        assert_eq!(reply.json()["error"]["code"], "forbidden");
    }
    assert_eq!(board().await, before, "nothing changed");

    // Each side writes its own: the tenants' network in the browser, without JavaScript ...
    let mut cso = app.browser();
    cso.sign_in("ghent-cso", DEMO_PASSWORD).await;
    let page = cso.get("/cities/ghent/assessments").await;
    assert!(page.body.contains(&format!("<option value=\"{tenants_side}\"")), "the member's own side is offered");
    assert!(page.body.contains("The sides disagree"));
    let csrf = cso.csrf();
    let blank = cso
        .post_form(
            "/cities/ghent/assessments",
            &[
                ("csrf", &csrf),
                ("cycle", &cycle.to_string()),
                ("side", &tenants_side),
                ("subject", "right:CFR-34"),
                ("verdict", "partly"),
                ("reasoning", " "),
            ],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("id=\"field-reasoning-error\""), "the error is at its field");
    assert!(blank.body.contains("checked"), "what was chosen is kept");
    let saved = cso
        .post_form(
            "/cities/ghent/assessments",
            &[
                ("csrf", &csrf),
                ("cycle", &cycle.to_string()),
                ("side", &tenants_side),
                ("subject", "right:CFR-34"),
                ("verdict", "partly"),
                ("reasoning", "The rent cap was voted; we will see whether it holds."),
                ("evidence", "RM-HOU-01"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let location = saved.headers["location"].to_str().unwrap();
    assert_eq!(location, format!("/cities/ghent/assessments?cycle={cycle}#right-CFR-34"));
    let page = cso.get(location).await;
    assert!(page.body.contains("The rent cap was voted"));
    assert!(page.body.contains("Tenants in private rented flats still spend"), "the earlier version stays readable");

    // ... and the municipality through the API.
    let mut city = app.browser();
    city.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let created = city
        .post_json(
            &format!("/api/v1/cycles/{cycle}/assessments"),
            &json!({"side": "municipality", "subject": "theme:HOUSING", "verdict": "good", "reasoning": "Waiting lists got shorter."}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["version"], 1);
    let after = board().await;
    let row = &after["rows"][0]["cells"];
    assert_eq!(row[0]["latest"], before["rows"][0]["cells"][0]["latest"], "the municipality's text is untouched");
    assert_eq!(row[1]["latest"]["version"], 2);
    assert_eq!(row[1]["earlier"][0], before["rows"][0]["cells"][1]["latest"]);
    assert_eq!(after["rows"][0]["disagreement"], false, "both say partly now");
    let housing = after["rows"].as_array().unwrap().iter().find(|r| r["subject"]["code"] == "HOUSING").unwrap();
    assert_eq!(housing["disagreement"], true, "good against partly");
    let invalid =
        city.post_json(&format!("/api/v1/cycles/{cycle}/assessments"), &json!({"side": "municipality", "subject": "theme:HOUSING"})).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = invalid.json();
    let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["verdict", "reasoning"]);
}
