//! The audit chain.

use super::*;

pub async fn audit_events_form_a_verifiable_chain(store: S) {
    let mut appended = Vec::new();
    for n in 0..5 {
        let event = NewAuditEvent {
            at: Timestamp(n),
            actor_user_id: (n % 2 == 0).then_some(n),
            action: "test.event".into(),
            subject: format!("thing:{n}"),
            detail: serde_json::json!({"n": n, "text": "naïve ' \" <b>"}),
        };
        appended.push(store.append_audit(&event).await.unwrap());
    }
    let listed = store.list_audit(0, 100).await.unwrap();
    assert_eq!(listed, appended);
    assert_eq!(verify_audit_chain(&listed), Ok(()));
    assert_eq!(listed[0].previous_hash, "");
    assert_eq!(listed[1].previous_hash, listed[0].hash);
    let mut tampered = listed.clone();
    tampered[2].event.subject = "thing:other".into();
    assert_eq!(verify_audit_chain(&tampered), Err(tampered[2].id));
    assert_eq!(store.list_audit(listed[2].id, 2).await.unwrap(), listed[3..5].to_vec());
}

pub async fn every_change_appends_its_audit_event_and_a_refused_one_none(store: S) {
    base(&store).await;
    let before = store.list_audit(0, 1000).await.unwrap().len();
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &event("indicator.versioned", "indicator:C-1")).await.unwrap();
    // The same version again changes nothing and records nothing.
    store.put_indicator_version(&def, Timestamp(1), &event("indicator.versioned", "indicator:C-1")).await.unwrap();
    let value = observation(&def, "ghent", "2020", "", "5", WorkflowState::Draft);
    let stored = store.insert_observation(&value, None, Timestamp(2), &event("value.entered", "observation:*")).await.unwrap();
    // A refused write (a duplicate) records nothing either.
    expect_conflict(store.insert_observation(&value, None, Timestamp(2), &event("value.entered", "observation:*")).await);
    expect_conflict(
        store.set_observation_state(stored.id, 7, WorkflowState::Submitted, None, Timestamp(3), None, &event("value.moved", "x")).await,
    );
    let user = store.create_user(&new_user("ana"), Timestamp(3), &event("user.created", "user:*")).await.unwrap();
    let events = store.list_audit(0, 1000).await.unwrap();
    assert_eq!(
        actions(&events[before..]),
        [
            "indicator.versioned indicator:C-1".to_owned(),
            format!("value.entered observation:{}", stored.id),
            format!("user.created user:{}", user.id)
        ]
    );
    assert_eq!(verify_audit_chain(&events), Ok(()));
}
