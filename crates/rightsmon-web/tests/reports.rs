//! A city's report for a cycle, issued in the browser, read as a page, a PDF and a workbook, and
//! frozen: after a value it used is revised, every form still gives the old value and says a
//! newer one exists.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::demo::DEMO_PASSWORD;
use rightsmon_domain::observation::ObservationDraft;
use rightsmon_formats::spreadsheet::{Cell, read_xlsx};
use support::test_app;

/// The text of a PDF as `pdftotext` reads it; `None` where poppler-utils is not installed
/// (outside CI only: in CI it must be).
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("rightsmon-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.pdf");
    std::fs::write(&file, bytes).unwrap();
    let output = std::process::Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output();
    let _ = std::fs::remove_dir_all(&dir);
    match output {
        Ok(output) => {
            assert!(output.status.success(), "pdftotext refused the PDF: {}", String::from_utf8_lossy(&output.stderr));
            Some(String::from_utf8(output.stdout).unwrap())
        }
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => panic!("pdftotext is missing: CI installs poppler-utils"),
        Err(_) => {
            eprintln!("note: pdftotext is not installed (poppler-utils); the PDF's text was not checked");
            None
        }
    }
}

fn sheet_value(workbook: &[u8], sheet: &str, code: &str, column: &str) -> Cell {
    let sheets = read_xlsx(workbook).unwrap();
    let sheet = sheets.iter().find(|s| s.name == sheet).unwrap_or_else(|| panic!("no sheet {sheet}"));
    let header = &sheet.rows[0];
    let at = header.iter().position(|c| c.as_text().as_deref() == Some(column)).unwrap_or_else(|| panic!("no column {column}"));
    let row = sheet.rows.iter().find(|r| r.first().and_then(Cell::as_text).as_deref() == Some(code)).unwrap();
    row[at].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issued_report_keeps_its_numbers_in_every_form_and_says_when_newer_ones_exist() {
    let app = test_app().await;
    let cycle = app.app.cycles("ghent").await.unwrap()[0].id;

    // Civil society may read reports, not issue them.
    let mut cso = app.browser();
    cso.sign_in("ghent-cso", DEMO_PASSWORD).await;
    let page = cso.get("/cities/ghent/reports").await;
    assert!(!page.body.contains("action=\"/cities/ghent/reports\""));
    let csrf = cso.csrf();
    let refused = cso.post_form("/cities/ghent/reports", &[("csrf", &csrf), ("cycle", &cycle.to_string())]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The coordinator issues it from the city's reports page.
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let city = coordinator.get("/cities/ghent").await;
    assert!(city.body.contains("href=\"/cities/ghent/reports\""), "the city page leads to its reports");
    let page = coordinator.get("/cities/ghent/reports").await;
    assert!(page.body.contains("action=\"/cities/ghent/reports\""));
    let csrf = coordinator.csrf();
    let issued = coordinator.post_form("/cities/ghent/reports", &[("csrf", &csrf), ("cycle", &cycle.to_string())]).await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER);
    let location = issued.headers["location"].to_str().unwrap().to_owned();
    let id: i64 = location.trim_start_matches("/reports/").parse().unwrap();

    let json = app.get(&format!("/api/v1/reports/{id}")).await.json();
    let housing = json["report"]["snapshot"]["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "RM-HOU-01").unwrap().clone();
    let used = housing["value"].as_f64().unwrap();
    let value_id = housing["observation_id"].as_i64().unwrap();
    let shown = rightsmon_web_label(used);
    assert!(json["changes"].as_array().unwrap().is_empty());

    let page = app.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Cap the rent of private rented flats"), "the city's published recommendation is listed");
    assert!(page.body.contains(&shown), "the value {shown} is on the page");
    assert!(page.body.contains("Tenants in private rented flats still spend"), "civil society's assessment is in it");
    assert!(!page.body.contains("Publish waiting times"), "an unpublished recommendation stays out");

    let pdf = app.get(&format!("/reports/{id}/report.pdf")).await;
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let pdf_bytes = app.get_bytes(&format!("/reports/{id}/report.pdf")).await;
    assert!(pdf_bytes.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(&pdf_bytes) {
        assert!(text.contains("Indicators and headline verdicts"), "{text}");
        assert!(text.contains(&shown), "the value {shown} is in the PDF");
        assert!(text.contains("Page 1 of"), "pages are numbered");
    }
    let workbook = app.get_bytes(&format!("/reports/{id}/report.xlsx")).await;
    assert_eq!(sheet_value(&workbook, "Indicators", "RM-HOU-01", "Value"), Cell::Number(used), "the same number, as a number");

    // A value it used is revised and published again.
    let draft = ObservationDraft {
        area: "ghent".into(),
        period: housing["period"].as_str().unwrap().into(),
        value: format!("{}", used + 2.25),
        source_name: Some("Housing survey, corrected".into()),
        ..ObservationDraft::default()
    };
    let coordinator_actor = {
        let session = app.app.login("ghent-coordinator", DEMO_PASSWORD, "test").await.unwrap();
        app.app.actor_for_token(Some(&session.token)).await.unwrap()
    };
    app.app.revise_value(&coordinator_actor, value_id, &draft, "A weighting error was corrected").await.unwrap();
    let network = {
        let session = app.app.login("coordinator", DEMO_PASSWORD, "test").await.unwrap();
        app.app.actor_for_token(Some(&session.token)).await.unwrap()
    };
    app.app.validate_value(&network, value_id).await.unwrap();
    app.app.publish_value(&network, value_id).await.unwrap();

    let json = app.get(&format!("/api/v1/reports/{id}")).await.json();
    let kept =
        json["report"]["snapshot"]["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "RM-HOU-01").unwrap()["value"].as_f64();
    assert_eq!(kept, Some(used), "the report still gives the old value");
    let change = json["changes"].as_array().unwrap().iter().find(|c| c["id"] == value_id).expect("the revision is named");
    assert_eq!(change["change"], "revised");
    let page = app.get(&location).await;
    assert!(page.body.contains(&shown), "the page still gives {shown}");
    assert!(page.body.contains("changed since it was issued"), "and says newer values exist");
    let workbook = app.get_bytes(&format!("/reports/{id}/report.xlsx")).await;
    assert_eq!(sheet_value(&workbook, "Indicators", "RM-HOU-01", "Value"), Cell::Number(used));
    let pdf_bytes = app.get_bytes(&format!("/reports/{id}/report.pdf")).await;
    if let Some(text) = pdf_text(&pdf_bytes) {
        assert!(text.contains(&shown), "the PDF still gives {shown}");
        assert!(text.contains("changed since it was issued"), "and says newer values exist");
    }
    assert_eq!(app.get("/reports/999999").await.status, StatusCode::NOT_FOUND);
}

/// A number as the report shows it: up to six decimals, trailing zeros dropped.
fn rightsmon_web_label(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_network_report_is_issued_by_its_coordinator_and_read_in_every_form() {
    let app = test_app().await;
    let mut cso = app.browser();
    cso.sign_in("ghent-cso", DEMO_PASSWORD).await;
    cso.get("/network/reports").await;
    let csrf = cso.csrf();
    assert_eq!(cso.post_form("/network/reports", &[("csrf", &csrf)]).await.status, StatusCode::FORBIDDEN);

    let mut network = app.browser();
    network.sign_in("coordinator", DEMO_PASSWORD).await;
    let reporting = network.get("/reporting").await;
    assert!(reporting.body.contains("href=\"/network/reports\""), "the reporting page leads to it");
    let page = network.get("/network/reports").await;
    assert!(page.body.contains("action=\"/network/reports\""));
    let csrf = network.csrf();
    let issued = network.post_form("/network/reports", &[("csrf", &csrf)]).await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER);
    let location = issued.headers["location"].to_str().unwrap().to_owned();
    let id: i64 = location.trim_start_matches("/network/reports/").parse().unwrap();
    let json = app.get(&format!("/api/v1/network/reports/{id}")).await.json();
    let cities = json["report"]["snapshot"]["cities"].as_array().unwrap().clone();
    assert_eq!(cities.len(), 9);
    let ghent = cities.iter().position(|c| c["code"] == "ghent").unwrap();
    let housing = json["report"]["snapshot"]["comparison"].as_array().unwrap().iter().find(|c| c["code"] == "RM-HOU-01").unwrap().clone();
    let value = housing["cells"][ghent]["value"].as_f64().unwrap();
    let shown = rightsmon_web_label(value);
    let page = app.get(&location).await;
    assert!(page.body.contains("The cities side by side") && page.body.contains(&shown));
    let pdf = app.get_bytes(&format!("{location}/report.pdf")).await;
    if let Some(text) = pdf_text(&pdf) {
        assert!(text.contains("Indicators across the cities") && text.contains(&shown), "{text}");
    }
    let workbook = app.get_bytes(&format!("{location}/report.xlsx")).await;
    let sheets = read_xlsx(&workbook).unwrap();
    let comparison = sheets.iter().find(|s| s.name == "Comparison").unwrap();
    let row = comparison
        .rows
        .iter()
        .find(|r| r[0].as_text().as_deref() == Some("RM-HOU-01") && r[2].as_text().as_deref() == Some("Ghent"))
        .expect("Ghent's housing value");
    assert_eq!(row[4], Cell::Number(value), "the same number, as a number");
}
