//! Reminders: a task one day overdue reaches a test SMTP server once, and not again on the next
//! run; it shows in the provider's workspace, where it can be marked read; each person chooses how
//! they hear of each kind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use rightsmon_app::accounts::UserForm;
use rightsmon_app::demo::DEMO_PASSWORD;
use rightsmon_domain::time::Date;
use rightsmon_web::mail::{SmtpMailer, SmtpSettings};
use std::sync::{Arc, Mutex};
use support::test_app;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A mail server that takes every message and keeps it: (recipients, message text).
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<(Vec<String>, String)>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut recipients = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if command.starts_with("RCPT TO:") {
                        recipients.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                        b"250 OK\r\n"
                    } else if command == "DATA" {
                        let _ = write.write_all(b"354 go ahead\r\n").await;
                        let mut message = String::new();
                        while let Ok(Some(data)) = lines.next_line().await {
                            if data == "." {
                                break;
                            }
                            message.push_str(&data);
                            message.push('\n');
                        }
                        kept.lock().unwrap().push((std::mem::take(&mut recipients), message));
                        b"250 queued\r\n"
                    } else if command == "QUIT" {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_one_day_overdue_is_emailed_once_and_shows_in_the_workspace() {
    let app = test_app().await;
    let (port, received) = smtp_sink().await;
    let office =
        app.app.organisations(Some("ghent")).await.unwrap().into_iter().find(|o| o.kind.as_str() == "municipal_department").unwrap();
    app.app
        .create_user(
            None,
            &UserForm {
                username: "provider".into(),
                display_name: "Pat Provider".into(),
                email: Some("pat@example.org".into()),
                password: "a long enough password".into(),
            },
        )
        .await
        .unwrap();
    app.app.add_membership("provider", "data_editor", Some("ghent"), Some(office.id)).await.unwrap();
    let coordinator = app.app.actor_for_username("ghent-coordinator").await.unwrap();
    let yesterday = Date::of_timestamp(app.app.now().plus_seconds(-86_400));
    let period = yesterday.year().to_string();
    let cycle = app.app.create_cycle(&coordinator, "ghent", "Housing check", &period, &yesterday.to_string()).await.unwrap();
    app.app.assign(&coordinator, cycle.id, "RM-SAF-01", office.id).await.unwrap();

    let mailer = SmtpMailer::new(&SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        username: None,
        password: None,
        from: "Rights Monitor <monitor@example.org>".into(),
        base_url: "https://monitor.example.org".into(),
    })
    .unwrap();
    let first = app.app.remind(Some(&mailer)).await.unwrap();
    assert!(first.created >= 1, "{first:?}");
    assert_eq!(first.emails_failed, 0);
    {
        let messages = received.lock().unwrap();
        let to_pat: Vec<&String> = messages.iter().filter(|(to, _)| to.contains(&"pat@example.org".to_owned())).map(|(_, m)| m).collect();
        assert_eq!(to_pat.len(), 1, "one e-mail for the one overdue task: {messages:?}");
        // Dutch for a member of Ghent: the city's language.
        let message = to_pat[0].replace("=\n", "");
        assert!(message.contains("RM-SAF-01"), "{message}");
        assert!(message.contains(&yesterday.to_string()), "{message}");
        assert!(
            message.contains("https://monitor.example.org/workspace/values/new?indicator=3DRM-SAF-01")
                || message.contains("https://monitor.example.org/workspace/values/new?indicator=RM-SAF-01"),
            "{message}"
        );
    }
    let second = app.app.remind(Some(&mailer)).await.unwrap();
    assert_eq!((second.created, second.emails_sent), (0, 0), "nothing new: {second:?}");
    assert_eq!(received.lock().unwrap().iter().filter(|(to, _)| to.contains(&"pat@example.org".to_owned())).count(), 1, "not again");

    // In the workspace, and marked read there.
    let mut pat = app.browser();
    pat.sign_in("provider", "a long enough password").await;
    let workspace = pat.get("/workspace").await;
    assert!(workspace.body.contains("RM-SAF-01") && workspace.body.contains("action=\"/workspace/reminders/read\""), "{}", workspace.body);
    let id = app.app.my_reminders(&app.app.actor_for_username("provider").await.unwrap(), 10).await.unwrap()[0].id;
    let csrf = pat.csrf();
    let read = pat.post_form("/workspace/reminders/read", &[("csrf", &csrf), ("id", &id.to_string())]).await;
    assert_eq!(read.status, StatusCode::SEE_OTHER);
    assert!(!pat.get("/workspace").await.body.contains("action=\"/workspace/reminders/read\""), "nothing unread");

    // Each kind as one chooses: the choice is kept, and a kind turned off is not kept again.
    let saved = pat.post_form("/account/reminders", &[("csrf", &csrf), ("task_overdue", "off"), ("review_waiting", "daily")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let account = pat.get(saved.headers["location"].to_str().unwrap()).await;
    assert!(account.body.contains("<option value=\"off\" selected>"), "the choice shows");
    let refused = pat.post_form("/account/reminders", &[("csrf", &csrf), ("task_overdue", "sometimes")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Civil society hears of the city's reply to a value it filed, in its workspace.
    let cso = app.app.actor_for_username("ghent-cso").await.unwrap();
    let draft = rightsmon_domain::observation::ShadowDraft {
        area: "ghent".into(),
        period: "2023".into(),
        value: "17.5".into(),
        sources: "Tenants' survey".into(),
        ..Default::default()
    };
    let filed = app.app.file_shadow_value(&cso, "RM-HOU-01", &draft, None).await.unwrap();
    app.app.reply_to_shadow(&coordinator, filed.id, "Our survey weights by household size; yours does not.").await.unwrap();
    app.app.remind(None).await.unwrap();
    let theirs = app.app.my_reminders(&cso, 50).await.unwrap();
    let reply =
        theirs.iter().find(|r| r.reminder.kind == rightsmon_domain::reminder::ReminderKind::ShadowReply).expect("the reply is said");
    assert_eq!(reply.reminder.link, format!("/cities/ghent/indicators/RM-HOU-01#shadow-{}", filed.id));
    assert_eq!(reply.email, rightsmon_domain::reminder::EmailState::NotSent, "no address, so the workspace only");
    let mut cso_browser = app.browser();
    cso_browser.sign_in("ghent-cso", DEMO_PASSWORD).await;
    assert!(cso_browser.get("/workspace").await.body.contains("The city replied to the value you filed for RM-HOU-01"));

    let mut other_editor = app.browser();
    other_editor.sign_in("ghent-editor", DEMO_PASSWORD).await;
    assert!(!other_editor.get("/workspace").await.body.contains("Pat Provider"));
}
