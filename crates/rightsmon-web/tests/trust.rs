//! Trust under pressure, in the browser's terms: uploads refused before they are read, errors
//! that say what is wrong, a new CSRF token at sign-in, uploads of a crashed process cleaned up,
//! and sign-ins that do not wait for an import to finish.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::demo::DEMO_PASSWORD;
use support::{Browser, TestApp, test_app};

async fn signed_in<'a>(app: &'a TestApp, username: &str) -> Browser<'a> {
    let mut browser = app.browser();
    browser.sign_in(username, DEMO_PASSWORD).await;
    browser
}

/// A multipart body with text fields and a file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (Vec<u8>, String) {
    let boundary = "trustboundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((name, content)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[tokio::test]
async fn district_outlines_are_refused_to_those_who_may_not_upload_before_a_byte_is_read_and_beyond_their_limit_as_they_arrive() {
    let app = test_app().await;
    let large = vec![b' '; 21 * 1024 * 1024];
    // A viewer is refused at once, whatever the size of what they send.
    let mut viewer = signed_in(&app, "ghent-viewer").await;
    let (body, content_type) = multipart(&[("city", "ghent")], Some(("d.geojson", &large)));
    let path = format!("/workspace/districts?csrf={}", viewer.csrf());
    let started = std::time::Instant::now();
    let reply = viewer.post_raw(&path, body, &content_type).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(started.elapsed().as_secs() < 5);
    // A coordinator's file over the limit is refused with the limit named, on the page.
    let mut coordinator = signed_in(&app, "ghent-coordinator").await;
    let (body, content_type) = multipart(&[("city", "ghent")], Some(("d.geojson", &large)));
    let path = format!("/workspace/districts?csrf={}", coordinator.csrf());
    let reply = coordinator.post_raw(&path, body, &content_type).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("larger than 20 MB"), "the HTML page says what is wrong: {}", reply.body);
    // Another city's outlines are not the Ghent coordinator's to replace.
    let (body, content_type) = multipart(&[("city", "padova")], Some(("d.geojson", b"{}")));
    let reply = coordinator.post_raw(&path, body, &content_type).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn error_pages_say_what_went_wrong() {
    let app = test_app().await;
    let mut editor = signed_in(&app, "ghent-editor").await;
    // Three imports at once: the third is refused, and the page says why.
    let rows: String = (0..20_000).map(|i| format!("RM-HOU-01,ghent,{}-{:02},{},x\n", 1100 + i / 12, i % 12 + 1, i % 90)).collect();
    let csv = format!("indicator,area,period,value,source_name\n{rows}");
    let path = format!("/workspace/imports?csrf={}", editor.csrf());
    let mut last = None;
    for _ in 0..3 {
        let (body, content_type) = multipart(&[], Some(("values.csv", csv.as_bytes())));
        last = Some(editor.post_raw(&path, body, &content_type).await);
    }
    let last = last.unwrap();
    if last.status == StatusCode::CONFLICT {
        assert!(last.body.contains("of your imports are still running"), "{}", last.body);
    } else {
        // The machine was quick enough to finish an import between two uploads.
        assert_eq!(last.status, StatusCode::SEE_OTHER, "{}", last.body);
    }
}

#[tokio::test]
async fn signing_in_gives_a_new_csrf_token() {
    let app = test_app().await;
    let mut browser = app.browser();
    browser.get("/login").await;
    let before = browser.csrf();
    let reply = browser.post_form("/login", &[("csrf", &before), ("username", "ghent-viewer"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let after = reply.cookie("rm_csrf").expect("a new token is set at sign-in");
    assert_ne!(after, before);
    // The old token no longer passes; the new one does.
    let stale = browser.post_form("/logout", &[("csrf", &before)]).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    let fresh = browser.post_form("/logout", &[("csrf", &browser.csrf())]).await;
    assert_eq!(fresh.status, StatusCode::SEE_OTHER);
}

#[test]
fn uploads_left_by_a_process_that_ended_are_removed_and_others_kept() {
    let dir = std::env::temp_dir().join(format!("rightsmon-uploads-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // No process has the number 4194304 or above on Linux (its largest is 4194304 - 1).
    let orphan = dir.join("4194305-abc");
    let own = dir.join(format!("{}-def", std::process::id()));
    let foreign = dir.join("notes.txt");
    for file in [&orphan, &own, &foreign] {
        std::fs::write(file, b"x").unwrap();
    }
    let removed = rightsmon_web::clean_uploads(&dir);
    assert_eq!(removed, usize::from(std::path::Path::new("/proc/self").exists()));
    if std::path::Path::new("/proc/self").exists() {
        assert!(!orphan.exists());
    }
    assert!(own.exists() && foreign.exists());
    std::fs::remove_dir_all(dir).unwrap();
}

/// Sign-ins while a large import runs: they wait for one staged batch at most, not for the import.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_do_not_wait_for_an_import_to_finish() {
    use rightsmon_store::Store;
    let dir = std::env::temp_dir().join(format!("rightsmon-web-trust-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = rightsmon_store_sqlite::SqliteStore::connect(&format!("sqlite://{}", dir.join("t.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    let app = rightsmon_app::App::new(std::sync::Arc::new(store));
    rightsmon_app::reference::initialise(&app).await.unwrap();
    app.load_demo().await.unwrap();
    let editor = app.actor_for_username("ghent-editor").await.unwrap();
    let rows: String = (0..40_000)
        .map(|i| format!("RM-HOU-01,ghent,{}-{:02}-{:02},{},x\n", 1000 + i / 336, 1 + (i / 28) % 12, 1 + i % 28, i % 90))
        .collect();
    let csv = format!("indicator,area,period,value,source_name\n{rows}");
    let importer = {
        let app = app.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let table = rightsmon_formats::table::Table::csv(std::io::Cursor::new(csv.into_bytes())).unwrap();
            let report = app.import_long(&editor, table, &rightsmon_app::imports::ImportRequest::default(), &|_, _| {}).await.unwrap();
            (report, started.elapsed())
        })
    };
    let mut slowest = std::time::Duration::ZERO;
    let mut during = 0;
    while !importer.is_finished() {
        let started = std::time::Instant::now();
        app.login("ghent-viewer", DEMO_PASSWORD, "trust").await.unwrap();
        slowest = slowest.max(started.elapsed());
        during += usize::from(!importer.is_finished());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (report, took) = importer.await.unwrap();
    assert!(report.committed, "{:?}", report.problems);
    // Before, the import held the write lock from its first row to its commit: the first sign-in
    // waited for all of it. Now sign-ins go through while it stages, and wait at most for its
    // switch, well within the request timeout of 30 s.
    assert!(during >= 3, "{during} sign-ins went through during an import of {took:?}");
    assert!(slowest < took && slowest.as_secs() < 30, "a sign-in waited {slowest:?} during an import of {took:?}");
    app.store.ping().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
