//! The public page of an indicator in a city: charts drawn on the server with their text and
//! their table, official and civil-society values side by side, sources, metadata and downloads,
//! on published values only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::{StatusCode, header};
use rightsmon_app::demo::DEMO_PASSWORD;
use support::test_app;

#[tokio::test]
async fn an_indicator_page_draws_its_series_and_groups_with_their_words_and_numbers() {
    let app = test_app().await;
    let page = app.get("/cities/ghent/indicators/RM-HOU-01").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    // The series chart: an image with a title and a summary, its legend, and the same numbers as a table.
    assert_eq!(body.matches("<svg class=\"chart\"").count(), 2, "the series and the groups");
    for fragment in [
        "role=\"img\" aria-labelledby=\"series-chart-title series-chart-desc\"",
        "<title id=\"series-chart-title\">Housing cost overburden rate in Ghent (%)</title>",
        "The value went from",
        "Its target is",
        "class=\"chart-band\"",
        "class=\"chart-baseline\"",
        "class=\"chart-target\"",
        "class=\"chart-shadow\"",
        "Official value (line with dots)",
        "Civil-society value (diamond)",
        "Reference group (hatched)",
        "<th scope=\"row\">Male</th>",
    ] {
        assert!(body.contains(fragment), "{fragment} is missing");
    }
    assert!(!body.contains("<script"), "no script on the page");
    // Only published values: the demo's 2024 values are still being validated.
    assert!(body.contains("<th scope=\"row\">2023</th>") && !body.contains("<th scope=\"row\">2024</th>"));
    // Civil society beside the official value, with the city's reply; the sources and metadata.
    assert!(body.contains("16.9") && body.contains("Tenants&#x27; union survey") && body.contains("We will add private rented flats"));
    assert!(body.contains("every year") && body.contains("lower is better"));
    // In Dutch, the same page with translated words and no message keys.
    let dutch = app.get("/cities/ghent/indicators/RM-HOU-01?lang=nl").await;
    assert_eq!(dutch.status, StatusCode::OK);
    assert!(!dutch.body.contains(">portal-") && !dutch.body.contains(">frequency-"), "a message key is shown");
}

#[tokio::test]
async fn the_download_holds_what_the_reader_may_see_with_formulas_neutralised() {
    let app = test_app().await;
    let mut editor = app.browser();
    editor.sign_in("ghent-editor", DEMO_PASSWORD).await;
    let csrf = editor.csrf();
    let saved = editor
        .post_form(
            "/workspace/values",
            &[
                ("csrf", &csrf),
                ("indicator", "RM-HOU-01"),
                ("area", "ghent"),
                ("period", "2025"),
                ("value.", "11.5"),
                ("source_name", "=HYPERLINK(\"http://example.org\")"),
                ("action", "draft"),
            ],
        )
        .await;
    assert!(saved.status.is_redirection() || saved.status == StatusCode::OK, "{}", saved.body);

    let public = app.get("/cities/ghent/indicators/RM-HOU-01/values.csv").await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(public.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(public.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("ghent-RM-HOU-01.csv"));
    let mut lines = public.body.lines();
    assert_eq!(lines.next().unwrap(), rightsmon_formats::series_csv::COLUMNS.join(","));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 15 + 9 * 5, "2019-2023: the city with women and men, then its nine districts: {rows:?}");
    assert!(rows[15].starts_with("RM-HOU-01,1,ghent-binnenstad,2019,"), "districts follow the city");
    assert!(rows.iter().all(|r| r.ends_with(",published")), "only published values in public");
    assert!(rows[0].starts_with("RM-HOU-01,1,ghent,2019,,14.3,13.5,15.1,normal,official,"), "{}", rows[0]);

    let own = editor.get("/cities/ghent/indicators/RM-HOU-01/values.csv").await;
    assert!(
        own.body.lines().any(|l| l.contains(",2025,,11.5,,,normal,") && l.ends_with(",draft")),
        "the city's own members see its drafts: {}",
        own.body
    );
    assert!(own.body.contains("\"'=HYPERLINK(\"\"http://example.org\"\")\""), "a formula is neutralised: {}", own.body);
    assert_eq!(app.get("/cities/atlantis/indicators/RM-HOU-01/values.csv").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/cities/ghent/indicators/RM-NOPE-01/values.csv").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cities_are_compared_by_name_with_a_rank_only_on_request() {
    let app = test_app().await;
    let page = app.get("/indicators/RM-HOU-01/comparison?city=ghent").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("9 cities measured it under version 1 of the definition in 2023."), "{body}");
    assert!(body.contains("Ghent: ") && body.contains("in quarter"));
    assert!(!body.contains(" ranks "), "no rank unless asked for");
    assert!(body.contains("class=\"chart-bar chart-bar-reference\""), "the highlighted city is hatched");
    // Listed by name, not by value.
    let (benalmadena, the_hague) = (body.find(">Benalmádena</a>").unwrap(), body.find(">The Hague</a>").unwrap());
    assert!(benalmadena < the_hague);
    let ranked = app.get("/indicators/RM-HOU-01/comparison?city=ghent&ranks=true").await;
    assert!(ranked.body.contains("Ghent ranks "), "the rank when asked for");
    // Bad input gets a clear answer, never a 500.
    let someday = app.get("/indicators/RM-HOU-01/comparison?period=someday").await;
    assert_eq!(someday.status, StatusCode::OK, "the period comes back next to its field");
    assert!(someday.body.contains("id=\"compare-period-error\""));
    assert_eq!(app.get("/indicators/RM-HOU-01/comparison?city=atlantis").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/indicators/RM-HOU-01/comparison?ranks=perhaps").await.status, StatusCode::OK, "no ranks unless asked for plainly");
    let none = app.get("/indicators/RM-HOU-01/comparison?period=1990").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("No city has a value"));
}

fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "rightsmon-test-boundary";
    let mut body = Vec::new();
    for (name, file_name, content) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/geo+json\r\n\r\n")
                    .as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn a_coordinator_uploads_district_outlines_whole_or_not_at_all_and_maps_appear() {
    let app = test_app().await;
    // The demo's outlines of Ghent: the indicator page draws its districts' values as a map.
    let page = app.get("/cities/ghent/indicators/RM-HOU-01").await;
    assert!(page.body.contains("<svg class=\"chart map\""), "a choropleth of the districts");
    assert_eq!(
        page.body.matches("class=\"map-area map-shade-").count(),
        9 + page.body.matches("<li><svg class=\"swatch\" width=\"24\"").count()
    );
    assert!(page.body.contains("<th scope=\"row\">Binnenstad</th>"), "the districts' table");

    let mut coordinator = app.browser();
    coordinator.sign_in("padova-editor", DEMO_PASSWORD).await;
    assert_eq!(coordinator.get("/workspace/districts").await.status, StatusCode::FORBIDDEN, "an editor manages no city");
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let form = coordinator.get("/workspace/districts").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Mariakerke") && form.body.contains("<svg class=\"chart map\""));
    let csrf = coordinator.csrf();

    // A file with a bad feature stores nothing and names the feature.
    let bad = br#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "ghent-noord", "name": "Noord"}, "geometry": {"type": "Polygon", "coordinates": [[[3.7, 51.0], [3.8, 51.0], [3.8, 51.1], [3.7, 51.0]]]}},
        {"type": "Feature", "properties": {"code": "padova", "name": "Not a district"}, "geometry": {"type": "Polygon", "coordinates": [[[3.7, 51.0], [3.8, 51.0], [3.8, 51.1], [3.7, 51.0]]]}},
        {"type": "Feature", "properties": {"code": "ghent-zuid"}, "geometry": {"type": "LineString", "coordinates": [[3.7, 51.0], [3.8, 51.0]]}}]}"#;
    let (content_type, body) = multipart(&[("city", None, b"ghent"), ("file", Some("districts.geojson"), bad)]);
    let reply = coordinator.post_raw(&format!("/workspace/districts?csrf={csrf}"), body, &content_type).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert!(reply.body.contains("feature 3: a district is a Polygon or a MultiPolygon, not a LineString"), "{}", reply.body);
    assert_eq!(app.app.boundaries("ghent").await.unwrap().len(), 9, "nothing of a bad file is kept");
    let (content_type, body) = multipart(&[("city", None, b"ghent"), ("file", Some("districts.geojson"), &bad[..bad.len() - 1])]);
    let reply = coordinator.post_raw(&format!("/workspace/districts?csrf={csrf}"), body, &content_type).await;
    assert!(reply.status == StatusCode::UNPROCESSABLE_ENTITY && reply.body.contains("not JSON"));
    // A feature naming another city fails the whole file.
    let stolen = br#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "padova", "name": "Padova"}, "geometry": {"type": "Polygon", "coordinates": [[[3.7, 51.0], [3.8, 51.0], [3.8, 51.1], [3.7, 51.0]]]}}]}"#;
    let (content_type, body) = multipart(&[("city", None, b"ghent"), ("file", Some("d.geojson"), stolen)]);
    let reply = coordinator.post_raw(&format!("/workspace/districts?csrf={csrf}"), body, &content_type).await;
    assert!(reply.body.contains("belongs to Padova (city)"), "{}", reply.body);

    // A good file replaces the outlines and creates the new district.
    let good = br#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "ghent-noord", "name": "Noord"}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[3.7, 51.0], [3.8, 51.0], [3.8, 51.1], [3.7, 51.0]]]]}}]}"#;
    let (content_type, body) = multipart(&[("city", None, b"ghent"), ("file", Some("d.geojson"), good)]);
    let reply = coordinator.post_raw(&format!("/workspace/districts?csrf={csrf}"), body, &content_type).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("1 district outlines stored"));
    assert_eq!(app.app.boundaries("ghent").await.unwrap().len(), 1);
    assert_eq!(app.app.city("ghent").await.unwrap().name, "Ghent");
    // Without the token, the upload is refused.
    let (content_type, body) = multipart(&[("city", None, b"ghent"), ("file", Some("d.geojson"), good)]);
    assert_eq!(coordinator.post_raw("/workspace/districts", body, &content_type).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn cached_public_pages_follow_every_change_and_never_reach_members() {
    let app = test_app().await;
    let before = app.get("/cities/ghent").await;
    assert!(!before.body.contains("waiting for validation"), "the public sees no work in progress");
    assert_eq!(app.get("/cities/ghent").await.body, before.body, "the same page again");
    let indicator = app.get("/cities/ghent/indicators/RM-HOU-01").await;
    assert!(!indicator.body.contains("<th scope=\"row\">2024</th>"), "2024 is still in review");
    // A member of the city gets their own page, never the public one.
    let mut viewer = app.browser();
    viewer.sign_in("ghent-viewer", DEMO_PASSWORD).await;
    assert!(viewer.get("/cities/ghent").await.body.contains("waiting for validation"));
    // A value published through the site shows at once.
    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let submitted: Vec<i64> = coordinator.get("/api/v1/observations?area=ghent&indicator=RM-HOU-01&key=&limit=100").await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["state"] == "submitted")
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(submitted.len(), 1, "the demo's 2024 value");
    let csrf = coordinator.csrf();
    for action in ["validate", "publish"] {
        let id = submitted[0].to_string();
        let reply = coordinator.post_form("/workspace/queue", &[("csrf", &csrf), ("id", &id), ("action", action)]).await;
        assert!(reply.status.is_success() || reply.status.is_redirection(), "{action}: {}", reply.body);
    }
    let after = app.get("/cities/ghent/indicators/RM-HOU-01").await;
    assert!(after.body.contains("<th scope=\"row\">2024</th>"), "the published 2024 value is on the public page at once");
}

#[tokio::test]
async fn civil_society_files_a_value_beside_the_official_one_and_the_city_replies_once() {
    let app = test_app().await;
    let mut cso = app.browser();
    cso.sign_in("ghent-cso", DEMO_PASSWORD).await;
    let workspace = cso.get("/workspace").await;
    assert!(workspace.body.contains("href=\"/cities/ghent/indicators/RM-HOU-01#file-shadow\""), "the workspace leads to the form");
    let page = cso.get("/cities/ghent/indicators/RM-HOU-01?lang=nl").await;
    assert!(page.body.contains("id=\"file-shadow\"") && page.body.contains("name=\"sources\""), "the form is on the page");
    let csrf = cso.csrf();
    let missing =
        cso.post_form("/cities/ghent/indicators/RM-HOU-01/shadow-values", &[("csrf", &csrf), ("period", "2031"), ("value", "18,5")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("href=\"#field-sources\""), "the error links to its field");
    assert!(missing.body.contains("value=\"18,5\""), "what was typed stays");
    let filed = cso
        .post_form(
            "/cities/ghent/indicators/RM-HOU-01/shadow-values",
            &[
                ("csrf", &csrf),
                ("period", "2031"),
                ("key", "SEX=F"),
                ("value", "18,5"),
                ("assessment", "Women in private rented flats pay far more."),
                ("sources", "Tenants' union survey 2031"),
                ("method_note", "Door-to-door, weighted by tenure"),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let location = filed.headers["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/cities/ghent/indicators/RM-HOU-01#shadow-"));
    let id = location.rsplit('-').next().unwrap().to_owned();
    let shadows = app.app.shadow_values("RM-HOU-01", "ghent").await.unwrap();
    let stored = shadows.iter().find(|s| s.id.to_string() == id).unwrap();
    assert_eq!(stored.data.value, Some(18.5), "the decimal comma is read");
    assert_eq!(stored.data.method_note.as_deref(), Some("Door-to-door, weighted by tenure"));
    // Someone else's role: an editor has no form and may not file.
    let mut editor = app.browser();
    editor.sign_in("ghent-editor", DEMO_PASSWORD).await;
    assert!(!editor.get("/cities/ghent/indicators/RM-HOU-01").await.body.contains("id=\"file-shadow\""));

    let mut coordinator = app.browser();
    coordinator.sign_in("ghent-coordinator", DEMO_PASSWORD).await;
    let page = coordinator.get("/cities/ghent/indicators/RM-HOU-01").await;
    assert!(page.body.contains(&format!("action=\"/shadow-values/{id}/reply\"")), "the city replies from the same page");
    let ccsrf = coordinator.csrf();
    let blank = coordinator.post_form(&format!("/shadow-values/{id}/reply"), &[("csrf", &ccsrf), ("reply", " ")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains(&format!("href=\"#field-reply-{id}\"")));
    let text = "We will add private rented flats to the next survey.";
    let replied = coordinator.post_form(&format!("/shadow-values/{id}/reply"), &[("csrf", &ccsrf), ("reply", text)]).await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.body);
    let again = coordinator.post_form(&format!("/shadow-values/{id}/reply"), &[("csrf", &ccsrf), ("reply", "Twice")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "one reply");
    let public = app.get("/cities/ghent/indicators/RM-HOU-01").await;
    let row = public.body.split(&format!("id=\"shadow-{id}\"")).nth(1).unwrap().split("</tr>").next().unwrap().to_owned();
    assert!(row.contains("18.5") && row.contains("Women in private rented flats") && row.contains(text), "side by side: {row}");
    assert!(!public.body.contains("id=\"file-shadow\""), "no form for a reader");
}

#[tokio::test]
async fn a_query_typed_wrongly_comes_back_next_to_its_field() {
    let app = test_app().await;
    let compare = app.get("/indicators/RM-HOU-01/comparison?city=ghent&period=last%20year&ranks=maybe").await;
    assert_eq!(compare.status, StatusCode::OK, "the page stays, with the message by the field");
    assert!(compare.body.contains("id=\"compare-period-error\"") && compare.body.contains("value=\"last year\""), "{}", compare.body);
    assert!(!compare.body.contains("could not be understood"));
    let proposals = app.get("/proposals?status=banana").await;
    assert_eq!(proposals.status, StatusCode::OK);
    assert!(proposals.body.contains("id=\"status-error\""));
    let catalogue = app.get("/indicators?offset=abc").await;
    assert_eq!(catalogue.status, StatusCode::OK);
}

#[tokio::test]
async fn a_downloaded_csv_imports_into_a_fresh_database_as_the_same_values() {
    use rightsmon_store::Store;
    let app = test_app().await;
    let download = app.get("/cities/ghent/indicators/RM-HOU-01/values.csv").await;
    assert_eq!(download.status, StatusCode::OK);

    // A fresh database with the same reference data and Ghent's districts, and nothing else.
    let store = rightsmon_store_sqlite::SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let fresh = rightsmon_app::App::new(std::sync::Arc::new(store));
    rightsmon_app::reference::initialise(&fresh).await.unwrap();
    let form = rightsmon_app::accounts::UserForm {
        username: "network".into(),
        display_name: "Network".into(),
        email: None,
        password: "a long enough password".into(),
    };
    fresh.create_user(None, &form).await.unwrap();
    fresh.add_membership("network", "network_coordinator", None, None).await.unwrap();
    let actor = fresh.actor_for_username("network").await.unwrap();
    fresh.upload_boundaries(&actor, "ghent", include_bytes!("../../rightsmon-app/src/demo/ghent-districts.geojson")).await.unwrap();

    let table = rightsmon_formats::table::Table::csv(download.body.as_bytes()).unwrap();
    let report = fresh.import_long(&actor, table, &rightsmon_app::imports::ImportRequest::default(), &|_, _| {}).await.unwrap();
    assert!(report.committed, "{:#?}", report.problems);
    let rows = download.body.lines().count() - 1;
    assert_eq!(report.created as usize, rows, "every downloaded row is a value again");

    // The same values, bounds, status and sources: the original as the public sees them, the
    // imported drafts as their city's members see them.
    let filter = rightsmon_app::observations::ObservationFilter {
        indicator: Some("RM-HOU-01".into()),
        area: Some("ghent".into()),
        include_districts: true,
        ..Default::default()
    };
    let described = |values: Vec<rightsmon_domain::observation::Observation>| {
        let mut all: Vec<String> = values
            .into_iter()
            .map(|o| {
                let d = o.data;
                let source = d.provenance.source_name;
                format!("{} {} {} {:?} {:?} {:?} {:?} {source:?}", d.area, d.period, d.key, d.value, d.lower_bound, d.upper_bound, d.status)
            })
            .collect();
        all.sort();
        all
    };
    let original = described(app.app.all_observations(&rightsmon_domain::access::Actor::Anonymous, &filter).await.unwrap());
    let imported = described(fresh.all_observations(&actor, &filter).await.unwrap());
    assert_eq!(imported, original, "the same values, bounds, status and sources");
}
