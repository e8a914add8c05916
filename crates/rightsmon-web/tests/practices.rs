//! The good-practice library in the browser: civil society adds a practice of its city (first
//! without saying what was done), translates it, readers find it in their language and by
//! search, and the network's coordinator recommends it to another city.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::demo::DEMO_PASSWORD;
use support::test_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practice_is_added_translated_found_and_recommended_to_another_city() {
    let app = test_app().await;
    let mut cso = app.browser();
    cso.sign_in("ghent-cso", DEMO_PASSWORD).await;
    let library = cso.get("/practices").await;
    assert!(library.body.contains("href=\"/practices/new\""));
    let form = cso.get("/practices/new").await;
    assert!(form.body.contains("<option value=\"ghent\"") && !form.body.contains("<option value=\"padova\""), "only its own city");
    let csrf = cso.csrf();
    let fields = |summary: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("city", "ghent".to_owned()),
            ("title", "Housing First for young people leaving care".to_owned()),
            ("language", "en".to_owned()),
            ("summary", summary.to_owned()),
            ("results", "Nine in ten were still housed after two years.".to_owned()),
            ("themes", "HOUSING, SOCIAL_INCLUSION".to_owned()),
            ("rights", "CFR-34".to_owned()),
            ("indicators", "RM-HOU-01".to_owned()),
            ("contacts", "Social services, housing desk".to_owned()),
            ("documents", "https://example.org/housing-first".to_owned()),
        ]
    };
    let as_pairs = |fields: &[(&'static str, String)]| fields.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let blank = as_pairs(&fields(" "));
    let blank: Vec<(&str, &str)> = blank.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = cso.post_form("/practices", &blank).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"field-summary-error\"") && refused.body.contains("Housing First for young people"), "kept");
    let full = as_pairs(&fields("Flats with support for young people leaving care, without conditions."));
    let full: Vec<(&str, &str)> = full.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let added = cso.post_form("/practices", &full).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let location = added.headers["location"].to_str().unwrap().to_owned();
    let id: i64 = location.trim_start_matches("/practices/").parse().unwrap();

    let page = app.get(&location).await;
    assert!(page.body.contains("Nine in ten") && page.body.contains("RM-HOU-01"), "the results and the indicator that shows them");
    let translated = cso
        .post_form(
            &format!("/practices/{id}/translations"),
            &[
                ("csrf", &csrf),
                ("language", "nl"),
                ("title", "Housing First voor jongeren uit de jeugdhulp"),
                ("summary", "Woningen met begeleiding, zonder voorwaarden."),
                ("results", ""),
            ],
        )
        .await;
    assert_eq!(translated.status, StatusCode::SEE_OTHER);
    let same_language = cso
        .post_form(&format!("/practices/{id}/translations"), &[("csrf", &csrf), ("language", "en"), ("title", "x"), ("summary", "y")])
        .await;
    assert_eq!(same_language.status, StatusCode::UNPROCESSABLE_ENTITY, "the original is not translated into itself");
    let dutch = app.get(&format!("/practices/{id}?lang=nl")).await;
    assert!(dutch.body.contains("jeugdhulp"));
    let french = app.get(&format!("/practices/{id}?lang=fr")).await;
    assert!(french.body.contains("young people leaving care") && french.body.contains("lang=\"en\""), "the original, marked as English");
    assert!(app.get("/practices?q=JEUGDHULP").await.body.contains(&format!("/practices/{id}")), "found by a word of a translation");
    assert!(!app.get("/practices?theme=CLIMATE").await.body.contains(&format!("/practices/{id}")));
    assert!(app.get("/practices?city=ghent&theme=HOUSING").await.body.contains(&format!("/practices/{id}")));

    // Another city's member may not add or translate Ghent's practices.
    let mut editor = app.browser();
    editor.sign_in("padova-editor", DEMO_PASSWORD).await;
    editor.get("/practices").await;
    let csrf_editor = editor.csrf();
    let refused = editor
        .post_form(
            &format!("/practices/{id}/translations"),
            &[("csrf", &csrf_editor), ("language", "it"), ("title", "x"), ("summary", "y")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The network's coordinator recommends it to Padova, from the practice's page.
    let mut network = app.browser();
    network.sign_in("coordinator", DEMO_PASSWORD).await;
    let page = network.get(&location).await;
    assert!(page.body.contains(&format!("href=\"/recommendations/new?practice={id}\"")));
    let form = network.get(&format!("/recommendations/new?practice={id}")).await;
    assert!(form.body.contains("value=\"Housing First for young people leaving care\""), "the form opens with the practice");
    assert!(form.body.contains(&format!("&#x2f;practices&#x2f;{id}")), "and refers to it");
    let csrf = network.csrf();
    let made = network
        .post_form(
            "/recommendations",
            &[
                ("csrf", &csrf),
                ("city", "padova"),
                ("title", "Housing First for young people leaving care"),
                ("language", "en"),
                ("source", "other"),
                ("source_reference", &format!("/practices/{id}")),
                ("made_on", "2026-01-10"),
                ("themes", "HOUSING"),
                ("rights", "CFR-34"),
                ("indicators", "RM-HOU-01"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let recommendation = network.get(made.headers["location"].to_str().unwrap()).await;
    assert!(
        recommendation.body.contains(&format!("href=\"&#x2f;practices&#x2f;{id}\""))
            || recommendation.body.contains(&format!("href=\"/practices/{id}\"")),
        "the practice is linked"
    );
}
