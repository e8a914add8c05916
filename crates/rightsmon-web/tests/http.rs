//! The HTTP interface in process: pages, API, sessions, CSRF, limits and access rules, tried as
//! a user and as a hostile client would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use rightsmon_app::demo::DEMO_PASSWORD;
use rightsmon_web::access::Access;
use support::{encode, test_app};

const PILOT_CITIES: [&str; 9] =
    ["Benalmádena", "Braga", "Chișinău", "Cluj-Napoca", "Ghent", "Józsefváros (Budapest)", "Kraków", "Padova", "The Hague"];

#[tokio::test]
async fn the_home_page_lists_the_nine_pilot_cities_and_the_themes() {
    let app = test_app().await;
    let reply = app.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    for city in PILOT_CITIES {
        assert!(reply.body.contains(city), "{city} is missing");
    }
    assert!(reply.body.contains("Non-discrimination"));
    assert!(reply.body.contains("Democratic participation"));
    assert!(reply.body.contains("synthetic demo data"), "the demo is labelled");
    assert!(reply.body.contains("href=\"#main\""), "a skip link");
    assert!(reply.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(reply.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
}

#[tokio::test]
async fn the_language_follows_the_choice_then_the_browser() {
    let app = test_app().await;
    let mut browser = app.browser();
    let dutch = browser.get("/?lang=nl").await;
    assert!(dutch.body.contains("<html lang=\"nl\">"));
    assert_eq!(dutch.cookie("rm_lang").as_deref(), Some("nl"));
    let remembered = browser.get("/").await;
    assert!(remembered.body.contains("<html lang=\"nl\">"), "the choice is remembered");
    let request =
        Request::get("/").header(header::HOST, "localhost").header(header::ACCEPT_LANGUAGE, "hu-HU,hu;q=0.9").body(Body::empty()).unwrap();
    assert!(app.send(request).await.body.contains("<html lang=\"hu\">"));
    let unknown = app.get("/?lang=xx").await;
    assert!(unknown.body.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn health_checks_the_database() {
    let app = test_app().await;
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["status"], "ok");
    assert_eq!(reply.json()["backend"], "sqlite");
}

#[tokio::test]
async fn unknown_routes_are_not_found_as_a_page_or_as_json() {
    let app = test_app().await;
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("text/html"));
    assert!(page.body.contains("Page not found"));
    let api = app.get("/api/v1/no-such-thing").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.json()["error"]["code"], "not_found");
    let city = app.get("/cities/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(city.status, StatusCode::NOT_FOUND);
    assert!(!city.body.contains("<script>"));
    let network_is_no_city = app.get("/api/v1/cities/decide").await;
    assert_eq!(network_is_no_city.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_wrong_method_is_refused_with_405() {
    let app = test_app().await;
    let mut browser = app.browser();
    browser.get("/").await;
    let csrf = browser.csrf();
    let reply = browser.post_form("/", &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    let request =
        Request::delete("/api/v1/cities").header(header::HOST, "localhost").header("x-csrf-token", "x").body(Body::empty()).unwrap();
    let api = app.send(request).await;
    assert!(api.status.is_client_error());
}

#[tokio::test]
async fn the_api_lists_cities_indicators_and_public_observations_in_pages() {
    let app = test_app().await;
    let cities = app.get("/api/v1/cities").await.json();
    assert_eq!(cities["total"], 9);
    let ghent = app.get("/api/v1/cities/ghent").await.json();
    assert_eq!(ghent["city"]["local_name"], "Gent");
    let indicators = app.get("/api/v1/indicators?theme=HOUSING").await.json();
    assert_eq!(indicators["items"][0]["code"], "RM-HOU-01");
    let one = app.get("/api/v1/indicators/RM-HOU-01").await.json();
    assert_eq!(one["versions"], serde_json::json!([{"version": 1, "breaks_series": false}]));
    let rights = app.get("/api/v1/rights?kind=charter_article").await.json();
    assert_eq!(rights["total"], 54);
    let page = app.get("/api/v1/observations?indicator=RM-HOU-01&area=ghent&key=&limit=3&offset=1").await.json();
    assert_eq!(page["limit"], 3);
    assert_eq!(page["offset"], 1);
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    assert!(page["items"].as_array().unwrap().iter().all(|o| o["state"] == "published" && o["key"] == ""));
    let total = page["total"].as_u64().unwrap();
    assert_eq!(total, 5, "2019-2023 published, 2024 waits for validation");
    let ranged = app.get("/api/v1/observations?indicator=RM-HOU-01&area=ghent&key=&from=2021&to=2022").await.json();
    assert_eq!(ranged["total"], 2);
}

#[tokio::test]
async fn bad_api_parameters_get_a_stable_400_or_422_body() {
    let app = test_app().await;
    for (path, status) in [
        ("/api/v1/observations?limit=-1", StatusCode::BAD_REQUEST),
        ("/api/v1/observations?limit=abc", StatusCode::BAD_REQUEST),
        ("/api/v1/observations?unknown=1", StatusCode::BAD_REQUEST),
        ("/api/v1/observations?from=2020-13", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/observations?from=2022&to=2020", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/observations?key=SEX%3DF%7CSEX%3DM", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/observations?area=%27%3B%20DROP%20TABLE%20observations%3B--", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/indicators?scope=local", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/indicators?theme=%3Cb%3E", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/rights?kind=nonsense", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/observations/abc", StatusCode::NOT_FOUND),
        ("/api/v1/observations/99999999999999999999999", StatusCode::NOT_FOUND),
        ("/api/v1/indicators/%00", StatusCode::NOT_FOUND),
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.body);
        let body = reply.json();
        assert!(body["error"]["code"].is_string(), "{path}");
        assert!(body["error"]["message"].is_string(), "{path}");
    }
    let invalid = app.get("/api/v1/observations?from=2020-13&to=nope").await.json();
    let fields: Vec<&str> = invalid["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["from", "to"]);
    // The database is still whole.
    assert_eq!(app.get("/api/v1/cities").await.json()["total"], 9);
}

#[tokio::test]
async fn signing_in_and_out_works_and_rotates_the_session() {
    let app = test_app().await;
    let mut browser = app.browser();
    let reply = browser.sign_in("ghent-editor", DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let cookie = reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("rm_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"));
    let first_session = browser.cookies.get("rm_session").cloned().unwrap();
    let home = browser.get("/").await;
    assert!(home.body.contains("Signed in as Demo ghent editor"));
    let tasks = browser.get("/api/v1/me/tasks").await;
    assert_eq!(
        (tasks.status, tasks.json()["total"].as_u64()),
        (StatusCode::OK, Some(rightsmon_app::demo::DEMO_SERIES_COUNT as u64)),
        "the tasks of the demo cycle"
    );
    // Signing in again replaces the session; the old token stops working.
    browser.sign_in("ghent-editor", DEMO_PASSWORD).await;
    assert_ne!(browser.cookies.get("rm_session"), Some(&first_session));
    assert!(!app.app.actor_for_token(Some(&first_session)).await.unwrap().is_signed_in());
    let csrf = browser.csrf();
    let out = browser.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!browser.get("/").await.body.contains("Signed in as"));
}

#[tokio::test]
async fn wrong_passwords_fail_alike_and_a_flood_is_throttled() {
    let app = test_app().await;
    let mut browser = app.browser();
    let wrong = browser.sign_in("ghent-editor", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("The user name or password is wrong."));
    let unknown = browser.sign_in("nobody-at-all", "not the password").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body.replace("ghent-editor", "nobody-at-all"), unknown.body.replace("ghent-editor", "nobody-at-all"));
    let mut last = wrong;
    for _ in 0..6 {
        last = browser.sign_in("ghent-editor", "still not the password").await;
    }
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(last.headers.get(header::RETRY_AFTER).is_some());
    // Even the right password is refused while the account is throttled.
    let right = browser.sign_in("ghent-editor", DEMO_PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_or_from_elsewhere_are_refused() {
    let app = test_app().await;
    let audit_before = rightsmon_store::AuditStore::list_audit(&*app.app.store, 0, 1000).await.unwrap().len();
    let mut browser = app.browser();
    browser.get("/login").await;
    let missing = browser.post_form("/login", &[("username", "ghent-editor"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("The form expired or did not come from this site"));
    let wrong = browser.post_form("/login", &[("csrf", &"0".repeat(64)), ("username", "ghent-editor"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(!browser.cookies.contains_key("rm_session"), "no session was opened");
    let csrf = browser.csrf();
    let foreign = Request::post("/login")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "https://attacker.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("rm_csrf={csrf}"))
        .body(Body::from(format!("csrf={csrf}&username=ghent-editor&password={}", encode(DEMO_PASSWORD))))
        .unwrap();
    assert_eq!(app.send(foreign).await.status, StatusCode::FORBIDDEN);
    let no_cookie = Request::post("/logout")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}")))
        .unwrap();
    assert_eq!(app.send(no_cookie).await.status, StatusCode::FORBIDDEN);
    let audit_after = rightsmon_store::AuditStore::list_audit(&*app.app.store, 0, 1000).await.unwrap().len();
    assert_eq!(audit_before, audit_after, "nothing happened");
}

#[tokio::test]
async fn malformed_and_oversized_requests_get_a_clear_4xx() {
    let app = test_app().await;
    let mut browser = app.browser();
    browser.get("/login").await;
    let csrf = browser.csrf();
    let huge = format!("csrf={csrf}&username={}", "a".repeat(200_000));
    let reply = browser.post_raw("/login", huge, "application/x-www-form-urlencoded").await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    let garbage = browser.post_raw("/login", vec![0xff, 0xfe, 0x00, 0x26], "application/x-www-form-urlencoded").await;
    assert!(garbage.status.is_client_error(), "{}", garbage.status);
    let json = browser.post_raw("/login", format!("csrf={csrf}&{{\"username\":1}}"), "application/json").await;
    assert!(json.status.is_client_error(), "{}", json.status);
    let invalid_utf8 =
        browser.post_raw("/login", format!("csrf={csrf}&username=%FF%FE&password=x"), "application/x-www-form-urlencoded").await;
    assert!(invalid_utf8.status.is_client_error(), "{}", invalid_utf8.status);
    let overlong_password =
        browser.post_form("/login", &[("csrf", &csrf), ("username", "ghent-editor"), ("password", &"p".repeat(5000))]).await;
    assert_eq!(overlong_password.status, StatusCode::UNAUTHORIZED);
    let bad_cookie = Request::get("/")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, "rm_session=%%%; rm_csrf=<b>; =; ;;; rm_lang=../")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(bad_cookie).await.status, StatusCode::OK);
}

#[tokio::test]
async fn markup_and_sql_in_text_fields_are_escaped_and_stored_verbatim() {
    let app = test_app().await;
    let mut browser = app.browser();
    let nasty = "<script>alert('x')</script>\"'; DROP TABLE users;--";
    let reply = browser.sign_in(nasty, nasty).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(!reply.body.contains("<script>alert"), "the user name is escaped in the form");
    assert!(reply.body.contains("&lt;script&gt;"));
    app.app.create_organisation(nasty, "cso", Some("ghent")).await.unwrap();
    let users = rightsmon_store::AccountStore::list_users(&*app.app.store).await.unwrap();
    assert_eq!(users.len(), rightsmon_app::demo::DEMO_ACCOUNTS.len(), "the users table is intact");
    let page = app.get(&format!("/?lang={}", encode(nasty))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script>alert"));
}

/// Every unpublished value of Padova, as a network coordinator sees them.
async fn padova_unpublished(app: &support::TestApp) -> Vec<i64> {
    let mut coordinator = app.browser();
    coordinator.sign_in("coordinator", DEMO_PASSWORD).await;
    let all = coordinator.get("/api/v1/observations?area=padova&limit=1000").await.json();
    let ids: Vec<i64> =
        all["items"].as_array().unwrap().iter().filter(|o| o["state"] != "published").map(|o| o["id"].as_i64().unwrap()).collect();
    assert!(!ids.is_empty(), "Padova has work in progress");
    ids
}

#[tokio::test]
async fn a_viewer_of_one_city_cannot_read_another_citys_unpublished_values_through_any_route() {
    let app = test_app().await;
    let hidden = padova_unpublished(&app).await;
    let mut viewer = app.browser();
    assert_eq!(viewer.sign_in("ghent-viewer", DEMO_PASSWORD).await.status, StatusCode::SEE_OTHER);
    // Ghent's own work in progress is visible to its viewer...
    let ghent = viewer.get("/api/v1/observations?area=ghent&limit=1000").await.json();
    assert!(ghent["items"].as_array().unwrap().iter().any(|o| o["state"] == "submitted"));
    let ghent_page = viewer.get("/cities/ghent").await;
    assert!(ghent_page.body.contains("waiting for validation"));
    // ...Padova's is not, by id, by list, by filter or on its page.
    for id in &hidden {
        let reply = viewer.get(&format!("/api/v1/observations/{id}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "observation {id}");
        let history = viewer.get(&format!("/api/v1/observations/{id}/history")).await;
        assert_eq!(history.status, StatusCode::NOT_FOUND, "history of observation {id}");
    }
    let series = viewer.get("/api/v1/series?indicator=RM-HOU-01&area=padova").await.json();
    assert!(series["points"].as_array().unwrap().iter().all(|p| p["state"] == "published"), "Padova's series shows only published values");
    for query in [
        "area=padova&limit=1000",
        "limit=1000",
        "limit=1000&offset=500",
        "indicator=RM-HOU-01&limit=1000",
        "area=padova&include_districts=true&limit=1000",
        "area=padova&from=2024&to=2024",
        "area=padova&key=SEX%3DF&limit=1000",
    ] {
        let page = viewer.get(&format!("/api/v1/observations?{query}")).await.json();
        for item in page["items"].as_array().unwrap() {
            let in_ghent = item["area"] == "ghent" || item["area"].as_str().unwrap().starts_with("ghent-"); // the city or its districts
            assert!(item["state"] == "published" || in_ghent, "{query}: {item}");
            assert!(!hidden.contains(&item["id"].as_i64().unwrap()), "{query}");
        }
    }
    let padova_page = viewer.get("/cities/padova").await;
    assert!(!padova_page.body.contains("2024"), "no unpublished year on Padova's page");
    assert!(!padova_page.body.contains("waiting for validation"));
    // And anonymous readers see only published values.
    for id in &hidden {
        assert_eq!(app.get(&format!("/api/v1/observations/{id}")).await.status, StatusCode::NOT_FOUND);
    }
    let public = app.get("/api/v1/observations?limit=1000").await.json();
    assert!(public["items"].as_array().unwrap().iter().all(|o| o["state"] == "published"));
}

#[tokio::test]
async fn every_route_declares_an_access_rule_and_signed_in_routes_refuse_strangers() {
    let table = rightsmon_web::route_table();
    assert!(table.len() >= 14);
    let app = test_app().await;
    for rule in &table {
        let mut path = rule.path.replace("{code}", "ghent").replace("{id}", "1");
        if path == "/api/v1/series" || path == "/api/v1/shadow-values" {
            path.push_str("?indicator=RM-HOU-01&area=ghent");
        }
        for method in rule.methods.split(", ") {
            let mut browser = app.browser();
            browser.get("/").await;
            let csrf = browser.csrf();
            let reply = match method {
                "GET" => browser.get(&path).await,
                "POST" => browser.post_form(&path, &[("csrf", &csrf)]).await,
                other => panic!("{path}: the test does not know {other}"),
            };
            match rule.access {
                Access::Public if method == "GET" => {
                    assert!(reply.status == StatusCode::OK || reply.status == StatusCode::NOT_FOUND, "{path}: {}", reply.status);
                }
                Access::Public => assert_ne!(reply.status, StatusCode::FORBIDDEN, "{method} {path} passed CSRF"),
                Access::SignedIn | Access::NetworkCoordinator => assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {path}"),
            }
        }
    }
    let paths: Vec<&str> = table.iter().map(|r| r.path).collect();
    for path in ["/", "/login", "/logout", "/healthz", "/api/v1/observations"] {
        assert!(paths.contains(&path), "{path}");
    }
}
