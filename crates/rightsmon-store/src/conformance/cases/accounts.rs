//! Organisations, users, memberships, sessions, login throttling.

use super::*;

pub async fn organisations_are_created_and_listed(store: S) {
    base(&store).await;
    let dept = NewOrganisation::parse("Department of Welfare", "municipal_department", Some("ghent")).unwrap();
    let cso = NewOrganisation::parse("Tenants' Union", "cso", Some("padova")).unwrap();
    let network = NewOrganisation::parse("Network office", "network", None).unwrap();
    let d = store.create_organisation(&dept, &audit()).await.unwrap();
    store.create_organisation(&cso, &audit()).await.unwrap();
    store.create_organisation(&network, &audit()).await.unwrap();
    expect_conflict(store.create_organisation(&dept, &audit()).await);
    expect_not_found(store.create_organisation(&NewOrganisation::parse("X", "cso", Some("nowhere")).unwrap(), &audit()).await);
    assert_eq!(store.list_organisations(None).await.unwrap().len(), 3);
    let ghent = store.list_organisations(Some(&city("ghent"))).await.unwrap();
    assert_eq!(ghent.len(), 1);
    assert_eq!((ghent[0].id, ghent[0].name.as_str(), ghent[0].city.as_ref()), (d.id, "Department of Welfare", Some(&city("ghent"))));
}

pub async fn users_are_unique_and_can_be_disabled(store: S) {
    let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
    assert_eq!((ana.username.as_str(), ana.is_disabled, ana.created_at), ("ana", false, Timestamp(5)));
    expect_conflict(store.create_user(&new_user("ana"), Timestamp(6), &audit()).await);
    store.create_user(&new_user("bob"), Timestamp(6), &audit()).await.unwrap();
    assert_eq!(store.find_user(&Username::parse("ANA").unwrap()).await.unwrap(), ana);
    assert_eq!(store.get_user(ana.id).await.unwrap(), ana);
    store.set_user_disabled(ana.id, true, &audit()).await.unwrap();
    assert!(store.get_user(ana.id).await.unwrap().is_disabled);
    let names: Vec<String> = store.list_users().await.unwrap().into_iter().map(|u| u.username.to_string()).collect();
    assert_eq!(names, ["ana", "bob"]);
    expect_not_found(store.find_user(&Username::parse("carol").unwrap()).await);
    expect_not_found(store.set_user_disabled(ana.id + 100, true, &audit()).await);
}

pub async fn passwords_hashes_are_kept_and_replaced(store: S) {
    let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
    assert_eq!(store.password_hash(ana.id).await.unwrap(), "$argon2id$fake");
    store.set_password_hash(ana.id, "$argon2id$other", &audit()).await.unwrap();
    assert_eq!(store.password_hash(ana.id).await.unwrap(), "$argon2id$other");
    expect_not_found(store.set_password_hash(ana.id + 100, "x", &audit()).await);
    expect_not_found(store.password_hash(ana.id + 100).await);
}

pub async fn memberships_are_unique_per_role_and_scope(store: S) {
    base(&store).await;
    let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
    let org = store.create_organisation(&NewOrganisation::parse("Tenants", "cso", Some("ghent")).unwrap(), &audit()).await.unwrap();
    let cso = Membership::new(ana.id, Some(org.id), Role::CivilSocietyMember, Scope::City(city("ghent"))).unwrap();
    let viewer = Membership::new(ana.id, None, Role::Viewer, Scope::Network).unwrap();
    store.add_membership(&cso, &audit()).await.unwrap();
    store.add_membership(&viewer, &audit()).await.unwrap();
    expect_conflict(store.add_membership(&cso, &audit()).await);
    expect_not_found(
        store.add_membership(&Membership::new(ana.id, None, Role::Viewer, Scope::City(city("nowhere"))).unwrap(), &audit()).await,
    );
    expect_not_found(store.add_membership(&Membership::new(ana.id + 100, None, Role::Viewer, Scope::Network).unwrap(), &audit()).await);
    assert_eq!(store.list_memberships(ana.id).await.unwrap(), vec![cso, viewer]);
}

pub async fn sessions_expire_and_can_be_deleted(store: S) {
    let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
    let session = SessionRecord { token_hash: "h1".into(), user_id: ana.id, created_at: Timestamp(10), expires_at: Timestamp(100) };
    store.create_session(&session, &audit()).await.unwrap();
    store.create_session(&SessionRecord { token_hash: "h2".into(), expires_at: Timestamp(50), ..session.clone() }, &audit()).await.unwrap();
    store.create_session(&SessionRecord { token_hash: "h3".into(), ..session.clone() }, &audit()).await.unwrap();
    expect_conflict(store.create_session(&session, &audit()).await);
    assert_eq!(store.get_session("h1", Timestamp(99)).await.unwrap(), session);
    expect_not_found(store.get_session("h1", Timestamp(100)).await);
    expect_not_found(store.get_session("nope", Timestamp(1)).await);
    assert_eq!(store.purge_expired_sessions(Timestamp(60)).await.unwrap(), 1);
    store.delete_session("h1").await.unwrap();
    expect_not_found(store.get_session("h1", Timestamp(20)).await);
    assert_eq!(store.delete_user_sessions(ana.id).await.unwrap(), 1);
    expect_not_found(store.get_session("h3", Timestamp(20)).await);
}

pub async fn login_failures_are_counted_and_cleared(store: S) {
    for at in [10, 20, 30] {
        store.record_login_failure("user:ana", Timestamp(at)).await.unwrap();
    }
    store.record_login_failure("ip:127.0.0.1", Timestamp(30)).await.unwrap();
    assert_eq!(store.login_failures("user:ana", Timestamp(15)).await.unwrap().count, 2);
    assert_eq!(store.login_failures("user:ana", Timestamp(0)).await.unwrap().count, 3);
    store.clear_login_failures("user:ana").await.unwrap();
    assert_eq!(store.login_failures("user:ana", Timestamp(0)).await.unwrap().count, 0);
    assert_eq!(store.login_failures("ip:127.0.0.1", Timestamp(0)).await.unwrap().count, 1);
    store.record_login_failure("user:bob", Timestamp(10)).await.unwrap();
    store.record_login_failure("user:bob", Timestamp(40)).await.unwrap();
    assert_eq!(store.purge_login_failures(Timestamp(30)).await.unwrap(), 1);
    assert_eq!(store.login_failures("user:bob", Timestamp(0)).await.unwrap().count, 1);
    assert_eq!(store.login_failures("ip:127.0.0.1", Timestamp(0)).await.unwrap().count, 1);
}

pub async fn an_erased_user_keeps_only_their_id(store: S) {
    let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
    let session = SessionRecord { token_hash: "h".repeat(64), user_id: ana.id, created_at: Timestamp(5), expires_at: Timestamp(99) };
    store.create_session(&session, &audit()).await.unwrap();
    let pseudonym = Username::parse(&format!("erased-{}", ana.id)).unwrap();
    store.erase_user(ana.id, &pseudonym, &event("user.erased", &format!("user:{}", ana.id))).await.unwrap();
    let erased = store.get_user(ana.id).await.unwrap();
    assert_eq!(
        (erased.username.as_str(), erased.display_name.as_str(), erased.email, erased.is_disabled),
        (pseudonym.as_str(), pseudonym.as_str(), None, true)
    );
    assert_ne!(store.password_hash(ana.id).await.unwrap(), "$argon2id$fake");
    expect_not_found(store.get_session(&session.token_hash, Timestamp(6)).await);
    expect_not_found(store.find_user(&Username::parse("ana").unwrap()).await);
    // The name is free again.
    store.create_user(&new_user("ana"), Timestamp(7), &audit()).await.unwrap();
    expect_not_found(store.erase_user(ana.id + 100, &pseudonym, &audit()).await);
}

pub async fn login_failures_tell_when_the_last_one_was(store: S) {
    assert_eq!(store.login_failures("k", Timestamp(0)).await.unwrap(), LoginFailures { count: 0, last: None });
    store.record_login_failure("k", Timestamp(10)).await.unwrap();
    store.record_login_failure("k", Timestamp(30)).await.unwrap();
    assert_eq!(store.login_failures("k", Timestamp(0)).await.unwrap(), LoginFailures { count: 2, last: Some(Timestamp(30)) });
}

pub async fn a_reminder_is_kept_once_and_its_email_sent_once(store: S) {
    use rightsmon_domain::reminder::{Delivery, EmailState, NewReminder, ReminderKind};
    base(&store).await;
    let ana = user(&store, "ana").await;
    let bob = user(&store, "bob").await;
    let due = |user_id: i64, subject: &str| NewReminder {
        user_id,
        kind: ReminderKind::TaskOverdue,
        subject: subject.into(),
        text: "RM-HOU-01 was due on 2026-12-05".into(),
        detail: serde_json::json!({"indicator": "RM-HOU-01", "deadline": "2026-12-05"}),
        link: "/workspace".into(),
    };
    let kept = store
        .add_reminders(
            &[(due(ana, "task:1:RM-HOU-01"), EmailState::Pending), (due(bob, "task:1:RM-HOU-01"), EmailState::NotSent)],
            Timestamp(10),
        )
        .await
        .unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].reminder, due(ana, "task:1:RM-HOU-01"));
    let again = store.add_reminders(&[(due(ana, "task:1:RM-HOU-01"), EmailState::Pending)], Timestamp(11)).await.unwrap();
    assert!(again.is_empty(), "the same person, kind and subject is kept once");
    let pending = store.pending_email_reminders().await.unwrap();
    assert_eq!(pending.iter().map(|r| r.reminder.user_id).collect::<Vec<_>>(), [ana]);
    store.set_reminders_emailed(&[pending[0].id], EmailState::SentInDigest, Timestamp(12)).await.unwrap();
    assert!(store.pending_email_reminders().await.unwrap().is_empty());
    assert_eq!(store.last_digest_at(ana).await.unwrap(), Some(Timestamp(12)));
    assert_eq!(store.last_digest_at(bob).await.unwrap(), None);
    let listed = store.list_reminders(ana, 10).await.unwrap();
    assert_eq!((listed[0].email, listed[0].emailed_at, listed[0].read_at), (EmailState::SentInDigest, Some(Timestamp(12)), None));
    store.mark_reminders_read(bob, &[listed[0].id], Timestamp(13)).await.unwrap();
    assert_eq!(store.list_reminders(ana, 10).await.unwrap()[0].read_at, None, "nobody marks another's reminders read");
    store.mark_reminders_read(ana, &[listed[0].id], Timestamp(14)).await.unwrap();
    assert_eq!(store.list_reminders(ana, 10).await.unwrap()[0].read_at, Some(Timestamp(14)));

    assert!(store.reminder_preferences(ana).await.unwrap().is_empty());
    store.set_reminder_preference(ana, ReminderKind::TaskDue, Delivery::Daily, &audit()).await.unwrap();
    store.set_reminder_preference(ana, ReminderKind::TaskDue, Delivery::Off, &audit()).await.unwrap();
    store.set_reminder_preference(bob, ReminderKind::ReviewWaiting, Delivery::WorkspaceOnly, &audit()).await.unwrap();
    assert_eq!(store.reminder_preferences(ana).await.unwrap(), [(ReminderKind::TaskDue, Delivery::Off)]);
    assert_eq!(store.all_reminder_preferences().await.unwrap().len(), 2);
}
