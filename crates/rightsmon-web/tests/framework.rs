//! The indicator framework over HTTP: the catalogue's counts from the API, its pages, the
//! framework file, and a proposal walked through the web forms.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::demo::DEMO_PASSWORD;
use support::test_app;

const THEMES: [&str; 12] = [
    "NON_DISCRIMINATION",
    "SOCIAL_CULTURAL_SERVICES",
    "DEMOCRATIC_PARTICIPATION",
    "CLIMATE",
    "HOUSING",
    "EDUCATION",
    "INTEGRATION",
    "GENDER_EQUALITY",
    "SOCIAL_INCLUSION",
    "HEALTH",
    "WORK",
    "SAFETY",
];

#[tokio::test]
async fn the_api_shows_at_least_45_core_indicators_each_theme_with_structural_process_and_outcome_ones() {
    let app = test_app().await;
    let core = app.get("/api/v1/indicators?scope=core&limit=1000").await.json();
    let items = core["items"].as_array().unwrap();
    assert!(core["total"].as_u64().unwrap() >= 45, "{}", core["total"]);
    for item in items {
        let rights = item["rights"].as_array().unwrap();
        assert!(rights.iter().any(|l| l["right"].as_str().unwrap().starts_with("CFR-")), "{} has no Charter article", item["code"]);
    }
    for theme in THEMES {
        for link_type in ["structural", "process", "outcome"] {
            let page = app.get(&format!("/api/v1/indicators?scope=core&theme={theme}&type={link_type}")).await.json();
            assert!(page["total"].as_u64().unwrap() >= 1, "{theme} has no {link_type} indicator");
        }
    }
    let article_21 = app.get("/api/v1/indicators?right=CFR-21&limit=1000").await.json();
    assert!(article_21["total"].as_u64().unwrap() >= 1);
    let title_3 = app.get("/api/v1/indicators?right=CFR-T3&limit=1000").await.json();
    assert!(title_3["total"].as_u64() >= article_21["total"].as_u64(), "a title covers its articles");
    let search = app.get("/api/v1/indicators?q=housing").await.json();
    assert!(search["total"].as_u64().unwrap() >= 1);
    assert_eq!(app.get("/api/v1/indicators?type=sideways").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let series = app.get("/api/v1/series?indicator=RM-HOU-01&area=ghent").await.json();
    let points = series["points"].as_array().unwrap();
    assert_eq!(points.len(), 5, "2019-2023 are published; 2024 waits for validation");
    assert!(points.iter().all(|p| p["version"] == 1 && p["break_before"] == false && p["state"] == "published"));
    assert_eq!(app.get("/api/v1/series?indicator=RM-HOU-01").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/api/v1/series?indicator=RM-NONE-01&area=ghent").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_framework_downloads_as_a_file_that_parses() {
    let app = test_app().await;
    let toml_reply = app.get("/api/v1/framework?format=toml").await;
    assert_eq!(toml_reply.status, StatusCode::OK);
    assert!(toml_reply.headers["content-disposition"].to_str().unwrap().contains("framework.toml"));
    let file: toml::Value = toml::from_str(&toml_reply.body).unwrap();
    assert!(file["indicators"].as_array().unwrap().len() >= 45);
    let json = app.get("/api/v1/framework").await.json();
    assert_eq!(json["format"], "rightsmon-framework");
    assert_eq!(app.get("/api/v1/framework?format=xml").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_catalogue_pages_browse_search_and_show_an_indicator_in_full() {
    let app = test_app().await;
    let all = app.get("/indicators").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("RM-HOU-01"));
    let filtered = app.get("/indicators?q=&theme=HOUSING&right=CFR-34&type=outcome&city=").await;
    assert_eq!(filtered.status, StatusCode::OK);
    assert!(filtered.body.contains("RM-HOU-"));
    assert!(!filtered.body.contains("RM-EDU-"));
    let nothing = app.get("/indicators?q=%3Cscript%3E").await;
    assert!(nothing.body.contains("No indicator matches"));
    assert!(!nothing.body.contains("<script>"));
    let bad = app.get("/indicators?type=nonsense").await;
    assert_eq!(bad.status, StatusCode::OK, "a bad filter is reported on the page");
    let page = app.get("/indicators/RM-HOU-01").await;
    assert_eq!(page.status, StatusCode::OK);
    for section in ["Definition", "Rights", "Version history", "Adoption by cities"] {
        assert!(page.body.contains(section), "{section}");
    }
    assert_eq!(app.get("/indicators/RM-NONE-99").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/indicators/RM-HOU-01?version=7").await.status, StatusCode::NOT_FOUND);
    let dutch = app.get("/indicators/RM-HOU-01?lang=nl").await;
    assert!(dutch.body.contains("<html lang=\"nl\">"));
}

#[tokio::test]
async fn a_city_adopts_the_core_set_through_the_web_forms_only_with_both_sides_endorsing() {
    let app = test_app().await;
    let mut editor = app.browser();
    editor.sign_in("ghent-editor", DEMO_PASSWORD).await;
    assert_eq!(editor.get("/proposals/new").await.status, StatusCode::OK);
    let csrf = editor.csrf();
    let codes = app.get("/api/v1/indicators?scope=core&limit=3").await.json();
    let codes: Vec<String> = codes["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect();
    let reason_field = format!("reason.{}", codes[2]);
    let missing_reason = editor
        .post_form(
            "/proposals",
            &[("csrf", &csrf), ("kind", "adoption"), ("scope", "ghent"), ("title", "Adopt"), ("rationale", ""), ("adopt", &codes[0])],
        )
        .await;
    assert_eq!(missing_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing_reason.body.contains("There is a problem"));
    let created = editor
        .post_form(
            "/proposals",
            &[
                ("csrf", &csrf),
                ("kind", "adoption"),
                ("scope", "ghent"),
                ("title", "Adopt the first core indicators"),
                ("rationale", "Agreed in the working group"),
                ("adopt", &codes[0]),
                ("adopt", &codes[1]),
                (&reason_field, "No source in Ghent yet"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.headers["location"].to_str().unwrap().to_owned();
    let id = location.trim_start_matches("/proposals/").to_owned();

    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let csrf = coordinator.csrf();
    assert_eq!(coordinator.post_form(&format!("/proposals/{id}/endorsements"), &[("csrf", &csrf)]).await.status, StatusCode::SEE_OTHER);
    let refused =
        coordinator.post_form(&format!("/proposals/{id}/decision"), &[("csrf", &csrf), ("outcome", "accepted"), ("text", "Adopted")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("the endorsement rule is not met"));
    let adoption_of = |adoptions: &serde_json::Value, code: &str| {
        adoptions["items"].as_array().unwrap().iter().find(|a| a["indicator"] == code).cloned().unwrap()
    };
    let before = app.get("/api/v1/cities/ghent/adoptions").await.json();
    assert_eq!(adoption_of(&before, &codes[2])["is_adopted"], true, "the demo adopted it; the refused decision changed nothing");

    let mut cso = app.browser();
    cso.sign_in("ghent-cso", DEMO_PASSWORD).await;
    let cso_csrf = cso.csrf();
    assert_eq!(
        cso.post_form(&format!("/proposals/{id}/objections"), &[("csrf", &cso_csrf), ("text", "The third one matters to tenants.")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        cso.post_form(&format!("/proposals/{id}/comments"), &[("csrf", &cso_csrf), ("text", "<b>We</b> endorse")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(cso.post_form(&format!("/proposals/{id}/endorsements"), &[("csrf", &cso_csrf)]).await.status, StatusCode::SEE_OTHER);
    let viewer_page = app.get(&format!("/proposals/{id}")).await;
    assert!(viewer_page.body.contains("The endorsement rule is met"));
    assert!(viewer_page.body.contains("&lt;b&gt;We&lt;&#x2f;b&gt; endorse") || viewer_page.body.contains("&lt;b&gt;We&lt;/b&gt; endorse"));
    // An objection stands: the decision must answer it.
    let unanswered = coordinator
        .post_form(&format!("/proposals/{id}/decision"), &[("csrf", &csrf), ("outcome", "accepted"), ("text", "Both sides endorsed")])
        .await;
    assert_eq!(unanswered.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unanswered.body.contains("answer the objections raised"));
    let decided = coordinator
        .post_form(
            &format!("/proposals/{id}/decision"),
            &[
                ("csrf", &csrf),
                ("outcome", "accepted"),
                ("text", "Both sides endorsed"),
                ("answer", "The third indicator is left out for now and comes back in next year's review."),
            ],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER);
    assert!(app.get(&format!("/proposals/{id}")).await.body.contains("Answer to the objections: The third indicator is left out"));
    let adoptions = app.get("/api/v1/cities/ghent/adoptions").await.json();
    assert_eq!(adoptions["total"], before["total"]);
    assert_eq!(adoption_of(&adoptions, &codes[2])["is_adopted"], false);
    assert_eq!(adoption_of(&adoptions, &codes[2])["reason"], "No source in Ghent yet");
    assert_eq!(adoption_of(&adoptions, &codes[2])["proposal_id"].to_string(), id);
    let detail = app.get(&format!("/api/v1/proposals/{id}")).await.json();
    assert_eq!(detail["proposal"]["status"], "accepted");
    let page = app.get(&format!("/proposals/{id}")).await;
    assert!(page.body.contains("The third one matters to tenants."), "the objection stays visible");
    assert!(page.body.contains("Both sides endorsed"));
    // Strangers and the decided proposal refuse further decisions.
    let again =
        coordinator.post_form(&format!("/proposals/{id}/decision"), &[("csrf", &csrf), ("outcome", "rejected"), ("text", "No")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mut padova = app.browser();
    padova.sign_in("padova-editor", DEMO_PASSWORD).await;
    let padova_csrf = padova.csrf();
    assert_eq!(
        padova.post_form(&format!("/proposals/{id}/comments"), &[("csrf", &padova_csrf), ("text", "hi")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get("/proposals").await.status, StatusCode::OK);
    assert_eq!(app.get("/proposals/99999").await.status, StatusCode::NOT_FOUND);
    let bogus = app.get("/proposals?status=bogus").await;
    assert_eq!(bogus.status, StatusCode::OK, "a filter typed wrongly is said next to its field");
    assert!(bogus.body.contains("id=\"status-error\""));
}

#[tokio::test]
async fn a_new_indicator_can_be_proposed_as_toml_and_bad_definitions_are_shown_field_by_field() {
    let app = test_app().await;
    let mut cso = app.browser();
    cso.sign_in("ghent-cso", DEMO_PASSWORD).await;
    let csrf = cso.csrf();
    let bad = cso
        .post_form(
            "/proposals",
            &[
                ("csrf", &csrf),
                ("kind", "definition"),
                ("scope", "ghent"),
                ("title", "A new one"),
                ("rationale", "Needed"),
                ("definition", "code = \"GHENT-X-01\"\ncity = \"ghent\"\nname = { en = \"X\" }\ndefinition = { en = \"X\" }\n"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["an indicator needs a unit", "an indicator needs a direction", "at least one right"] {
        assert!(bad.body.contains(message), "{message}");
    }
    let good = "code = \"GHENT-X-01\"\ncity = \"ghent\"\nname = { en = \"Residents helped by the rent desk\" }\ndefinition = { en = \"Count of residents\" }\nunit = \"residents\"\ndecimals = 0\ndirection = \"higher_is_better\"\nvalue_type = \"count\"\nthemes = [\"HOUSING\"]\nrights = [{ right = \"CFR-34\", type = \"process\" }]\n";
    let created = cso
        .post_form(
            "/proposals",
            &[
                ("csrf", &csrf),
                ("kind", "definition"),
                ("scope", "ghent"),
                ("title", "Rent desk"),
                ("rationale", "We run it"),
                ("definition", good),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let listed = app.get("/api/v1/proposals?scope=ghent&status=open").await.json();
    assert_eq!(listed["total"], 2, "the demo's open proposal and this one");
    assert_eq!(listed["items"][0]["title"], "Rent desk");
}

#[tokio::test]
async fn a_coordinator_proposes_a_city_indicator_through_the_form_civil_society_endorses_and_it_is_adopted() {
    let app = test_app().await;
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let form = coordinator.get("/proposals/new?city=ghent&lang=nl").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("id=\"new-indicator\"") && form.body.contains("Non-discriminatie"),
        "themes by name, in the reader's language"
    );
    assert!(form.body.contains("name=\"right.0\"") && form.body.contains("name=\"breakdown\""), "rights and breakdowns from lists");
    let csrf = coordinator.csrf();
    let base = vec![
        ("csrf", csrf.clone()),
        ("kind", "indicator".to_owned()),
        ("scope", "ghent".to_owned()),
        ("title", "Rent desk".to_owned()),
        ("rationale", "The city runs a rent desk and wants to follow it".to_owned()),
        ("language", "nl".to_owned()),
        ("code", "GNT-HOU-01".to_owned()),
        ("name.en", "Residents helped by the rent desk".to_owned()),
        ("name.local", "Inwoners geholpen door het huurloket".to_owned()),
        ("definition_text.en", "Residents who received advice or help from the municipal rent desk in the year.".to_owned()),
    ];
    let as_refs = |fields: &[(&'static str, String)]| fields.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    // Missing unit, theme and right: each error is next to its field.
    let mut incomplete = as_refs(&base);
    incomplete.extend([("direction", "higher_is_better".to_owned()), ("value_type", "count".to_owned())]);
    let pairs: Vec<(&str, &str)> = incomplete.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = coordinator.post_form("/proposals", &pairs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unit_field = refused.body.split("for=\"field-indicator-unit\"").nth(1).unwrap().split("</div>").next().unwrap().to_owned();
    assert!(unit_field.contains("class=\"field-error\"") && unit_field.contains("unit"), "the unit's error is by the unit: {unit_field}");
    assert!(refused.body.contains("value=\"Inwoners geholpen door het huurloket\""), "what was typed stays");

    let mut complete = as_refs(&base);
    complete.extend([
        ("unit", "residents".to_owned()),
        ("decimals", "0".to_owned()),
        ("direction", "higher_is_better".to_owned()),
        ("value_type", "count".to_owned()),
        ("frequency", "annual".to_owned()),
        ("theme", "HOUSING".to_owned()),
        ("theme", "NON_DISCRIMINATION".to_owned()),
        ("right.0", "CFR-34".to_owned()),
        ("right_type.0", "process".to_owned()),
        ("right.1", "NORM-NON_DISCRIMINATION".to_owned()),
        ("right_type.1", "outcome".to_owned()),
        ("breakdown", "SEX".to_owned()),
        ("breakdown", "AGE".to_owned()),
        ("cross.1", "SEX".to_owned()),
        ("cross.2", "AGE".to_owned()),
        ("source_name", "Rent desk register".to_owned()),
        ("compares_core", "RM-HOU-01".to_owned()),
        ("compares_level", "related".to_owned()),
    ]);
    let pairs: Vec<(&str, &str)> = complete.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = coordinator.post_form("/proposals", &pairs).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body.split("error-summary").nth(1).unwrap_or_default());
    let location = created.headers["location"].to_str().unwrap().to_owned();
    let id = location.rsplit('/').next().unwrap().to_owned();

    // Civil society endorses; the button then says so.
    let mut cso = app.browser();
    cso.sign_in("ghent-cso", DEMO_PASSWORD).await;
    let cso_csrf = cso.csrf();
    assert_eq!(cso.post_form(&format!("/proposals/{id}/endorsements"), &[("csrf", &cso_csrf)]).await.status, StatusCode::SEE_OTHER);
    let page = cso.get(&location).await;
    assert!(page.body.contains("You have endorsed this proposal"), "the reader sees they endorsed");
    assert_eq!(coordinator.post_form(&format!("/proposals/{id}/endorsements"), &[("csrf", &csrf)]).await.status, StatusCode::SEE_OTHER);
    let decided = coordinator
        .post_form(
            &format!("/proposals/{id}/decision"),
            &[("csrf", &csrf), ("outcome", "accepted"), ("text", "Adopted by the working group")],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let definition = app.app.indicator("GNT-HOU-01", None).await.unwrap();
    assert_eq!(definition.name.get("nl").text, "Inwoners geholpen door het huurloket");
    assert_eq!(definition.disaggregations.len(), 3, "sex, age and sex by age");
    assert_eq!(definition.rights.len(), 2);
    assert_eq!(definition.compares_with.as_ref().unwrap().core.as_str(), "RM-HOU-01");
    let collected = app.app.collected_indicators(&rightsmon_domain::id::AreaCode::parse("ghent").unwrap()).await.unwrap();
    assert!(collected.iter().any(|d| d.code.as_str() == "GNT-HOU-01"), "Ghent collects it now");
}
