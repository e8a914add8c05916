//! Surveys of residents on the pages, without JavaScript: a city's data editor uploads a wave
//! from the city's surveys page (a mistake comes back at its field), reads its estimates with
//! their intervals and why any is withheld; the city's coordinator deletes the answers and the
//! estimates stay; no page shows a respondent's answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::demo::DEMO_PASSWORD;
use support::test_app;

const MARK: &str = "ANSWER-OF-RESPONDENT";

fn respondents() -> String {
    let mut rows = String::from("id,w,stratum,psu,district,safe,comment\n");
    for i in 0..90 {
        rows.push_str(&format!(
            "{MARK}-{i},{},{},{},{},{},{MARK} wrote {i}\n",
            1 + i % 3,
            i % 2,
            i % 5,
            if i < 80 { "north" } else { "south" },
            if i % 3 == 0 { "no" } else { "yes" }
        ));
    }
    rows
}

const DESIGN: &str = "weight = \"w\"\nstrata = \"stratum\"\npsu = \"psu\"\n[[estimate]]\nname = \"safe\"\nparameter = \"proportion\"\nvariable = \"safe\"\n[[estimate]]\nname = \"safe-by-district\"\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"district\"]\n";

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str)>) -> (Vec<u8>, String) {
    let boundary = "surveyboundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((name, content)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_survey_wave_is_uploaded_read_and_its_answers_deleted_on_the_pages() {
    let app = test_app().await;
    let mut editor = app.browser();
    assert_eq!(editor.sign_in("ghent-editor", DEMO_PASSWORD).await.status, StatusCode::SEE_OTHER);
    // The workspace leads to the city's surveys, whose page has the form.
    assert!(editor.get("/workspace").await.body.contains("/cities/ghent/surveys"));
    let page = editor.get("/cities/ghent/surveys").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\"") && page.body.contains("name=\"design\""), "{}", page.body);
    let action = format!("/cities/ghent/surveys?csrf={}", editor.csrf());

    // A mistake in the design comes back at its field, with what was typed.
    let (body, content_type) =
        multipart(&[("title", "Safety survey"), ("period", "2026"), ("design", "weight = 3\n")], Some(("wave1.csv", &respondents())));
    let reply = editor.post_raw(&action, body, &content_type).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert!(reply.body.contains("id=\"field-design-error\"") || reply.body.contains("field-design"), "{}", reply.body);
    assert!(reply.body.contains("line 1, weight"), "{}", reply.body);
    assert!(reply.body.contains("Safety survey"), "the title typed stays");

    let (body, content_type) =
        multipart(&[("title", "Safety survey"), ("period", "2026"), ("design", DESIGN)], Some(("wave1.csv", &respondents())));
    let reply = editor.post_raw(&action, body, &content_type).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.headers["location"].to_str().unwrap().to_owned();
    let page = editor.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    // The estimates with their intervals; the south (10 respondents) withheld with its reason,
    // and the north beside it, which the whole would otherwise give away.
    assert!(page.body.contains("95% interval") && page.body.contains(" to "), "{}", page.body);
    assert!(page.body.contains("withheld: fewer than 30 respondents"), "{}", page.body);
    assert!(page.body.contains("withheld: so that the value for district=south cannot be worked out"), "{}", page.body);
    assert!(!page.body.contains(MARK), "no page shows a respondent's answer");
    assert!(!page.body.contains("Delete the respondents"), "an editor does not delete the answers");
    let list = editor.get("/cities/ghent/surveys").await;
    assert!(list.body.contains("Safety survey") && list.body.contains(">90<") && !list.body.contains(MARK), "{}", list.body);

    // The city's coordinator deletes the answers; the estimates stay.
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let page = coordinator.get(&location).await;
    assert!(page.body.contains("Delete the respondents"), "{}", page.body);
    let csrf = coordinator.csrf();
    let reply = coordinator.post_form(&format!("{location}/microdata-deletion"), &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let page = coordinator.get(&location).await;
    assert!(page.body.contains("answers were deleted on"), "{}", page.body);
    assert!(page.body.contains("withheld: fewer than 30 respondents") && page.body.contains("95% interval"));
    assert!(!page.body.contains("Delete the respondents"));
    // Another city's coordinator does not learn it exists.
    let mut padova = app.browser();
    padova.sign_in("padova-editor", DEMO_PASSWORD).await;
    assert_eq!(padova.get(&location).await.status, StatusCode::NOT_FOUND);
}

/// The demo's wave of Ghent's survey gives RM-SAF-01 its 2025 values, published: the public
/// page says how certain each is and which values are withheld, and why, in the reader's
/// language; the series in the API carries the same precision.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_survey_value_shows_its_uncertainty_and_a_withheld_value_says_why_on_the_public_page() {
    let app = test_app().await;
    let page = app.get("/cities/ghent/indicators/RM-SAF-01").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("How certain the survey values are"), "{body}");
    assert!(body.contains("<strong>2025</strong>: Estimated from the answers of 1200 respondents: the true value lies between "), "{body}");
    assert!(body.contains("with 95% confidence (standard error ") && body.contains("as precise as a simple random sample of"), "{body}");
    // The small district's groups are withheld, never shown as a number, each with its reason.
    assert!(body.contains("Values withheld to protect respondents"), "{body}");
    let withheld = body.split("id=\"withheld-heading\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(withheld.contains("Sint-Amandsberg") && withheld.contains("withheld"), "{withheld}");
    assert!(withheld.contains("fewer than 30 respondents, so it could identify someone"), "{withheld}");
    // A secondary withholding names what it protects.
    assert!(withheld.contains("so that the value for "), "{withheld}");
    let dutch = app.get("/cities/ghent/indicators/RM-SAF-01?lang=nl").await.body;
    let withheld = dutch.split("id=\"withheld-heading\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(!withheld.contains("fewer than") && withheld.contains("respondenten"), "{withheld}");
    // The series in the API: the value with its precision.
    let series: serde_json::Value = serde_json::from_str(&app.get("/api/v1/series?indicator=RM-SAF-01&area=ghent").await.body).unwrap();
    let points = series.as_array().or_else(|| series["points"].as_array()).unwrap();
    let latest = points.iter().find(|p| p["period"] == "2025").unwrap();
    assert_eq!(latest["precision"]["respondents"], 1200);
    assert!(latest["precision"]["standard_error"].as_f64().unwrap() > 0.0);
    // The wave's own page names the indicator each estimate gave.
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let surveys = coordinator.get("/cities/ghent/surveys").await.body;
    let id = surveys.split("href=\"/surveys/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let wave = coordinator.get(&format!("/surveys/{id}")).await.body;
    assert!(wave.contains("<a href=\"/cities/ghent/indicators/RM-SAF-01\">RM-SAF-01</a>"), "{wave}");
}

/// A data editor uploads a wave whose design names an indicator, finds its draft values from the
/// wave's page and submits them for review there; the coordinator finds them in the queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waves_values_are_submitted_for_review_from_its_page() {
    let app = test_app().await;
    let mut editor = app.browser();
    editor.sign_in("ghent-editor", DEMO_PASSWORD).await;
    editor.get("/cities/ghent/surveys").await;
    let action = format!("/cities/ghent/surveys?csrf={}", editor.csrf());
    let design = format!(
        "{DESIGN}[[estimate]]\nname = \"feels-safe\"\nparameter = \"proportion\"\nvariable = \"safe\"\nindicator = \"RM-SAF-01\"\nlevel = \"yes\"\n"
    );
    let (body, content_type) =
        multipart(&[("title", "Safety survey 2026"), ("period", "2026"), ("design", &design)], Some(("wave.csv", &respondents())));
    let reply = editor.post_raw(&action, body, &content_type).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.headers["location"].to_str().unwrap().to_owned();
    let page = editor.get(&location).await.body;
    assert!(page.contains("Values for indicators"), "{page}");
    assert!(page.contains("href=\"/workspace/values/new?indicator=RM-SAF-01&amp;area=ghent&amp;period=2026\""), "{page}");
    // The entry form shows the wave's draft with its full precision.
    let entry = editor.get("/workspace/values/new?indicator=RM-SAF-01&area=ghent&period=2026").await.body;
    assert!(entry.contains("Safety survey 2026"), "{entry}");
    let csrf = editor.csrf();
    let reply = editor.post_form(&format!("{location}/submission"), &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let back = reply.headers["location"].to_str().unwrap().to_owned();
    assert!(editor.get(&back).await.body.contains("One value submitted for review."));
    // A viewer may not; the API says how many (none left).
    let mut viewer = app.browser();
    viewer.sign_in("ghent-viewer", DEMO_PASSWORD).await;
    let csrf = viewer.csrf();
    assert_eq!(viewer.post_form(&format!("{location}/submission"), &[("csrf", &csrf)]).await.status, StatusCode::FORBIDDEN);
    let reply = editor.post_json(&format!("/api/v1{location}/submission"), &serde_json::json!({})).await;
    assert_eq!(reply.body, "{\"submitted\":0}");
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let queue = coordinator.get("/workspace/queue").await.body;
    assert!(queue.contains("RM-SAF-01") && queue.contains("2026"), "{queue}");
}
