//! Who is behind, themes and a city's open data: the reporting status of the network and of each
//! city, theme pages, and the city-wide download with names beside codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::demo::DEMO_PASSWORD;
use support::test_app;

#[tokio::test]
async fn everyone_sees_who_is_behind_and_members_see_what_is_on_its_way() {
    let app = test_app().await;
    // A cycle whose deadline has passed with nothing published.
    let coordinator = app.app.actor_for_username("ghent-coordinator").await.unwrap();
    let late = app.app.create_cycle(&coordinator, "ghent", "Survey 2018", "2018", "2019-03-31").await.unwrap();
    let office = app.app.organisations(Some("ghent")).await.unwrap()[0].id;
    app.app.assign(&coordinator, late.id, "RM-NDI-05", office).await.unwrap();

    let home = app.get("/").await;
    assert!(home.body.contains("href=\"/reporting\""), "the home page leads to who is behind");
    let network = app.get("/reporting").await;
    assert_eq!(network.status, StatusCode::OK);
    assert!(network.body.contains("href=\"/cities/ghent/reporting\"") && network.body.contains("Survey 2018"));
    assert!(network.body.contains("<strong class=\"flag\">1</strong>"), "the late cycle's value is overdue");
    assert!(app.get("/cities/ghent").await.body.contains("href=\"/cities/ghent/reporting\""), "the city page leads there too");

    let public = app.get("/cities/ghent/reporting").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Annual report 2025") && public.body.contains(">overdue<"));
    assert!(!public.body.contains(">submitted<") && !public.body.contains(">draft<"), "unpublished states stay in the city");
    assert!(public.body.contains("values still on their way are shown to the city"));

    let mut member = app.browser();
    member.sign_in("ghent-viewer", DEMO_PASSWORD).await;
    let inside = member.get("/cities/ghent/reporting").await;
    assert!(inside.body.contains("In by the deadline") && !inside.body.contains("values still on their way are shown"));
    let workspace = {
        let mut c = app.browser();
        c.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
        c.get("/workspace").await
    };
    assert!(workspace.body.contains("href=\"/cities/ghent/reporting\""), "the workspace leads there");
    assert_eq!(app.get("/cities/atlantis/reporting").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_resident_goes_from_the_home_page_to_a_theme_of_a_city_and_its_open_data() {
    let app = test_app().await;
    let home = app.get("/").await;
    assert!(home.body.contains("href=\"/themes/NON_DISCRIMINATION\""));
    let city = app.get("/cities/ghent").await;
    let agreed = city.body.find("id=\"theme-NON_DISCRIMINATION\"").expect("the agreed areas have their sections");
    let other = city.body.find("id=\"theme-HOUSING\"").expect("housing too");
    assert!(agreed < other, "the agreed areas come first");
    assert!(city.body.contains("href=\"/cities/ghent/themes/NON_DISCRIMINATION\""));
    assert!(city.body.contains("href=\"/cities/ghent/indicators/RM-NDI-05\""), "names are links");
    let theme = app.get("/cities/ghent/themes/NON_DISCRIMINATION").await;
    assert_eq!(theme.status, StatusCode::OK);
    assert!(theme.body.contains("RM-NDI-01") && theme.body.contains("RM-NDI-05") && !theme.body.contains("RM-HOU-01"));
    let network = app.get("/themes/NON_DISCRIMINATION?lang=hu").await;
    assert!(
        network.body.contains("Megkülönböztetésmentesség") && network.body.contains("href=\"/cities/padova/themes/NON_DISCRIMINATION\"")
    );
    assert_eq!(app.get("/themes/NOPE").await.status, StatusCode::NOT_FOUND);

    let csv = app.get("/cities/ghent/values.csv?lang=nl").await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut lines = csv.body.lines();
    assert!(lines.next().unwrap().starts_with("indicator,indicator_name,version,area,area_name,period,group,group_name,value,unit"));
    let rows: Vec<&str> = lines.collect();
    assert!(rows.iter().all(|r| r.contains(",published,")), "published values only");
    assert!(rows.iter().any(|r| r.contains("SEX=F,Vrouwen,")), "group names beside codes, in the reader's language");
    assert!(rows.iter().any(|r| r.contains(",ghent,Ghent,")));
    let xlsx = app.get("/cities/ghent/values.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.len() > 1000);
}

#[tokio::test]
async fn an_indicator_speaks_the_readers_language_and_says_its_texts_await_review() {
    let app = test_app().await;
    let page = app.get("/indicators/RM-NDI-05?lang=hu").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("review-notice"), "a drafted language says so");
    assert!(!page.body.contains("DISABILITY_STATUS") && page.body.contains("Fogyatékossági állapot"), "breakdowns by name");
    assert!(!page.body.contains("Residents who felt discriminated"), "the name is Hungarian");
    let english = app.get("/indicators/RM-NDI-05?lang=en").await;
    assert!(!english.body.contains("review-notice"), "English is the source");
    let city = app.get("/cities/ghent/indicators/RM-NDI-05?lang=nl").await;
    assert!(city.body.contains("review-notice"));
}
