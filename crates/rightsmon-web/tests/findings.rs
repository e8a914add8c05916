//! Verdicts in the portal and the API: each indicator in a city, each city and each right shows
//! its findings with the method named and linked to its explanation, on published values only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use support::test_app;

#[tokio::test]
async fn an_indicator_in_a_city_shows_every_finding_with_its_method() {
    let app = test_app().await;
    let reply = app.get("/cities/ghent/indicators/RM-HOU-01").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    for fragment in [
        "href=\"/methods/open-sdg-cagr-score\"",
        "href=\"/methods/open-sdg-progress-status\"",
        "href=\"/methods/open-sdg-progress-measure\"",
        "href=\"/methods/unsd-progress-chart\"",
        "href=\"/methods/eurostat-sdg-assessment\"",
        "href=\"/methods/trend-ols\"",
        "href=\"/methods/non-retrogression\"",
        "href=\"/methods/equality-gap\"",
        "rest on published values only",
    ] {
        assert!(reply.body.contains(fragment), "{fragment} is missing");
    }
    assert!(!reply.body.contains("2024:"), "the value still in review is not used");
    assert!(!reply.body.contains(">status-") && !reply.body.contains(">method-"), "a message key is shown instead of its words");

    let api = app.get("/api/v1/cities/ghent/indicators/RM-HOU-01/findings").await.json();
    assert_eq!(api["progress"][0]["method"]["name"], "open-sdg-cagr-score");
    assert_eq!(api["progress"][0]["method"]["version"], 1);
    assert_eq!(api["progress"][0]["base"]["year"], 2019);
    assert_eq!(api["points"].as_array().unwrap().len(), 5);
    assert_eq!(api["gaps"]["reference"], "SEX=M");

    // In another language, the same page with translated words.
    let dutch = app.get("/cities/ghent/indicators/RM-HOU-01?lang=nl").await;
    assert_eq!(dutch.status, StatusCode::OK);
    assert!(dutch.body.contains("lang=\"nl\""));
    assert!(!dutch.body.contains(">status-") && !dutch.body.contains(">method-"), "a message key is shown instead of its words");
    assert_eq!(app.get("/cities/ghent/indicators/RM-NOPE-99").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/cities/atlantis/findings").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_city_page_gives_each_indicator_its_verdict_and_the_api_the_same() {
    let app = test_app().await;
    let reply = app.get("/cities/padova").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("href=\"/cities/padova/indicators/RM-HOU-01\""), "{}", reply.body);
    assert!(reply.body.contains("href=\"/methods\""));
    let api = app.get("/api/v1/cities/padova/findings").await.json();
    let items = api["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|f| f["area"] == "padova" && f["progress"].is_array()));
}

#[tokio::test]
async fn a_right_shows_its_indicators_across_the_cities() {
    let app = test_app().await;
    let reply = app.get("/rights/CFR-34").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("RM-HOU-01"));
    assert!(reply.body.contains("href=\"/cities/ghent/indicators/RM-HOU-01\""));
    let api = app.get("/api/v1/rights/CFR-34/findings").await.json();
    assert!(api["items"].as_array().unwrap().iter().any(|f| f["indicator"] == "RM-HOU-01" && f["area"] == "braga"));
    assert_eq!(app.get("/rights/CFR-999").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_method_has_its_explanation_page() {
    let app = test_app().await;
    let list = app.get("/methods").await;
    assert_eq!(list.status, StatusCode::OK);
    let methods = app.get("/api/v1/methods").await.json();
    for m in methods["items"].as_array().unwrap() {
        let href = m["href"].as_str().unwrap();
        assert!(list.body.contains(href), "{href} is not listed");
        let page = app.get(href).await;
        assert_eq!(page.status, StatusCode::OK, "{href}");
        assert!(!page.body.contains("method-"), "{href} shows a message key instead of its text");
    }
    assert_eq!(app.get("/methods/astrology").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cities_compare_on_one_definition_with_ranks_only_on_request() {
    let app = test_app().await;
    let c = app.get("/api/v1/indicators/RM-HOU-01/comparison?city=padova").await.json();
    assert_eq!(c["period"], "2023", "the latest published period");
    assert_eq!(c["values"].as_array().unwrap().len(), 9);
    assert_eq!(c["comparison"]["cities"], 9);
    assert!(c["comparison"]["quartile"].is_u64());
    assert_eq!(c["comparison"]["peers"].as_array().unwrap().len(), 3);
    assert!(c["comparison"]["rank"].is_null(), "no rank unless asked for");
    let ranked = app.get("/api/v1/indicators/RM-HOU-01/comparison?city=padova&ranks=true").await.json();
    assert!(ranked["comparison"]["rank"].is_u64());
    assert_eq!(app.get("/api/v1/indicators/RM-HOU-01/comparison?period=someday").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/indicators/RM-HOU-01/comparison?colour=blue").await.status, StatusCode::BAD_REQUEST);
}
