//! The store as a whole: migrations, transactions, concurrent writers, verbatim text.

use super::*;

pub async fn migrations_are_idempotent(store: S) {
    assert_eq!(store.migrate().await.unwrap(), 0, "a migrated database has nothing left to apply");
}

pub async fn ping_answers(store: S) {
    store.ping().await.unwrap();
    assert!(["sqlite", "postgres"].contains(&store.backend()));
}

pub async fn metacharacters_are_stored_verbatim(store: S) {
    let nasty = "Robert'); DROP TABLE users;-- <script>alert(1)</script> \" \\ % _ ü";
    store.upsert_area(&area("net", "network", None), &audit()).await.unwrap();
    let mut ghent = area("ghent", "city", Some("net"));
    ghent.name = nasty.into();
    store.upsert_area(&ghent, &audit()).await.unwrap();
    assert_eq!(store.get_area(&city("ghent")).await.unwrap().name, nasty);
    let org = store.create_organisation(&NewOrganisation::parse(nasty, "cso", Some("ghent")).unwrap(), &audit()).await.unwrap();
    assert_eq!(org.name, nasty);
    let user = store.create_user(&NewUser { display_name: nasty.into(), ..new_user("ana") }, Timestamp(1), &audit()).await.unwrap();
    assert_eq!(store.get_user(user.id).await.unwrap().display_name, nasty);
    assert_eq!(store.list_users().await.unwrap().len(), 1);
}

pub async fn a_failed_write_leaves_no_lock_behind(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let first = observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft);
    store.insert_observation(&first, None, Timestamp(1), &audit()).await.unwrap();
    for year in 2000..2020 {
        expect_conflict(store.insert_observation(&first, None, Timestamp(2), &audit()).await);
        // Right after the failure, writes from elsewhere must not find the database locked.
        let ghent = observation(&def, "ghent", &year.to_string(), "", "10", WorkflowState::Draft);
        let padova = observation(&def, "padova", &year.to_string(), "", "10", WorkflowState::Draft);
        let event = audit();
        let (a, b, c) = tokio::join!(
            store.insert_observation(&ghent, None, Timestamp(2), &event),
            store.insert_observation(&padova, None, Timestamp(2), &event),
            store.record_login_failure("k", Timestamp(1)),
        );
        a.unwrap();
        b.unwrap();
        c.unwrap();
        expect_not_found(store.upsert_area(&area("x", "district", Some("nowhere")), &audit()).await);
    }
    assert_eq!(store.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap().total, 41);
}

pub async fn concurrent_writers_do_not_fail(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let store = store.clone();
        let def = def.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..10 {
                let period = format!("{}-{:02}", 2001 + worker, n + 1);
                store
                    .insert_observation(&observation(&def, "ghent", &period, "", "10", WorkflowState::Draft), None, Timestamp(1), &audit())
                    .await
                    .unwrap();
                let event = NewAuditEvent {
                    at: Timestamp(n),
                    actor_user_id: None,
                    action: "w".into(),
                    subject: format!("{worker}"),
                    detail: serde_json::json!({}),
                };
                store.append_audit(&event).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(store.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap().total, 80);
    let audit = store.list_audit(0, 1000).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.event.action == "w").count(), 80);
    let inserts = audit.iter().filter(|e| e.event.action == "test.changed" && e.event.subject.starts_with("test:")).count();
    assert!(inserts >= 80, "every insert appended its event: {inserts}");
    assert_eq!(verify_audit_chain(&audit), Ok(()), "the chain stays linear under concurrent appends");
}
