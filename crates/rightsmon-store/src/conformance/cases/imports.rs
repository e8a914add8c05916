//! Bulk imports.

use super::*;

pub async fn an_import_is_kept_whole_or_not_at_all_and_revises_with_its_reason(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let values = [
        observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft),
        observation(&def, "ghent", "2020", "SEX=F", "11", WorkflowState::Draft),
        observation(&def, "ghent", "2021", "", "12", WorkflowState::Draft),
        observation(&def, "ghent", "2019-03-25", "", "9", WorkflowState::Draft),
    ];
    let options = ImportOptions {
        entered_by: None,
        at: Timestamp(5),
        reason: None,
        may_revise_approved: false,
        codelists: vec![],
        definitions: vec![],
    };
    let all = ObservationQuery::new(Visibility::All);
    let mut refused = ListFeed::new(&values, false);
    let counts = store.import_observations(&mut refused, &options).await.unwrap();
    assert!(!counts.committed);
    assert_eq!(counts.created, 4, "the writes were made, then rolled back");
    assert_eq!(store.list_observations(&all).await.unwrap().total, 0, "a refused import stores nothing");

    let mut feed = ListFeed::new(&values, true);
    feed.scans = vec![Scan { indicator: def.code.clone(), version: 1, order: ScanOrder::BySeries }];
    let counts = store.import_observations(&mut feed, &options).await.unwrap();
    assert_eq!((counts.created, counts.committed), (4, true));
    assert!(feed.outcomes.iter().all(|o| matches!(o, ItemOutcome::Created(_))));
    let periods: Vec<(String, String)> =
        feed.seen.iter().filter_map(|(_, v)| v.as_ref()).map(|v| (v.key.to_string(), v.period.to_string())).collect();
    assert_eq!(
        periods,
        [("".into(), "2019-03-25".into()), ("".into(), "2020".into()), ("".into(), "2021".into()), ("SEX=F".into(), "2020".into())],
        "a series scan goes group by group in time order"
    );
    assert_eq!(feed.seen.last(), Some(&(0, None)));

    // The same file again changes nothing.
    let mut again = ListFeed::new(&values, true);
    let counts = store.import_observations(&mut again, &options).await.unwrap();
    assert_eq!((counts.created, counts.unchanged, counts.revised), (0, 4, 0));
    assert_eq!(store.list_observations(&all).await.unwrap().total, 4);

    // A changed value needs a reason, and then becomes a new revision.
    let mut changed = values.clone();
    changed[2] = observation(&def, "ghent", "2021", "", "13", WorkflowState::Draft);
    let mut feed = ListFeed::new(&changed, true);
    store.import_observations(&mut feed, &options).await.unwrap();
    let ItemOutcome::NeedsReason(id) = feed.outcomes[2] else { panic!("{:?}", feed.outcomes) };
    let with_reason = ImportOptions { reason: Some("Corrected by the statistics office".into()), ..options.clone() };
    let mut feed = ListFeed::new(&changed, true);
    let counts = store.import_observations(&mut feed, &with_reason).await.unwrap();
    assert_eq!((counts.unchanged, counts.revised), (3, 1));
    let stored = store.get_observation(id).await.unwrap();
    assert_eq!((stored.data.value.clone(), stored.revision), (ObservationValue::Number(13.0), 2));
    let history = store.list_observation_history(id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].snapshot.value, ObservationValue::Number(12.0));
    assert_eq!(history[1].reason.as_deref(), Some("Corrected by the statistics office"));

    // A submitted value is not revised by an import that may not.
    let revision = stored.revision;
    store.set_observation_state(id, revision, WorkflowState::Submitted, None, Timestamp(6), None, &audit()).await.unwrap();
    changed[2] = observation(&def, "ghent", "2021", "", "14", WorkflowState::Draft);
    let mut feed = ListFeed::new(&changed, true);
    store.import_observations(&mut feed, &with_reason).await.unwrap();
    assert_eq!(feed.outcomes[2], ItemOutcome::Refused(id, WorkflowState::Submitted));
    assert_eq!(store.get_observation(id).await.unwrap().data.value, ObservationValue::Number(13.0));

    // An unknown indicator version is refused and leaves nothing.
    let mut other = indicator("C-9", 1, None, "HOUSING", "CFR-34");
    other.code = IndicatorCode::parse("C-9").unwrap();
    let unknown = [observation(&other, "ghent", "2020", "", "1", WorkflowState::Draft)];
    expect_not_found(store.import_observations(&mut ListFeed::new(&unknown, true), &options).await);
}

pub async fn an_import_appends_its_event_with_its_values_and_leaves_nothing_staged(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let values: Vec<_> = (2000..2010).map(|y| observation(&def, "ghent", &y.to_string(), "", "10", WorkflowState::Draft)).collect();
    let options = ImportOptions {
        entered_by: None,
        at: Timestamp(5),
        reason: None,
        may_revise_approved: false,
        codelists: vec![],
        definitions: vec![],
    };
    let before = store.list_audit(0, 1000).await.unwrap().len();
    // Refused (the feed does not keep it): no values, no event.
    store.import_observations(&mut ListFeed::new(&values, false), &options).await.unwrap();
    let all = ObservationQuery::new(Visibility::All);
    assert_eq!(store.list_observations(&all).await.unwrap().total, 0);
    assert_eq!(store.list_audit(0, 1000).await.unwrap().len(), before);
    // Kept: the values and one event, with the counts.
    let counts = store.import_observations(&mut ListFeed::new(&values, true), &options).await.unwrap();
    assert!(counts.committed);
    assert_eq!(store.list_observations(&all).await.unwrap().total, 10);
    let events = store.list_audit(0, 1000).await.unwrap();
    assert_eq!(events.len(), before + 1);
    assert_eq!(events[before].event.action, "values.imported");
    assert_eq!(events[before].event.detail["created"], 10);
    // Several imports at once all go through, one switch after the other.
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let store = store.clone();
        let values: Vec<_> =
            (1..=12).map(|m| observation(&def, "padova", &format!("{}-{m:02}", 2010 + worker), "", "7", WorkflowState::Draft)).collect();
        let options = options.clone();
        tasks.push(tokio::spawn(async move { store.import_observations(&mut ListFeed::new(&values, true), &options).await }));
    }
    for task in tasks {
        assert!(task.await.unwrap().unwrap().committed);
    }
    assert_eq!(store.list_observations(&all).await.unwrap().total, 58);
    assert_eq!(verify_audit_chain(&store.list_audit(0, 1000).await.unwrap()), Ok(()));
}

pub async fn imported_values_keep_every_character_and_number(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let mut values = vec![
        observation(&def, "ghent", "2020", "", "1.1", WorkflowState::Draft),
        observation(&def, "ghent", "2021", "", "12.345678901234567", WorkflowState::Draft),
        observation(&def, "ghent", "2022", "", "98.76543210987654", WorkflowState::Draft),
    ];
    values[0].provenance.method_note = Some("a\ttab, a\nnew line, a \\ backslash, \\N, \r and ünïcode".into());
    values[1].provenance.source_name = Some("\\\\server\\share".into());
    values[2].lower_bound = Some(1.000_000_000_000_002);
    values[2].upper_bound = Some(98.999_999_999_999_99);
    let options = ImportOptions {
        entered_by: None,
        at: Timestamp(5),
        reason: None,
        may_revise_approved: false,
        codelists: vec![],
        definitions: vec![],
    };
    let mut feed = ListFeed::new(&values, true);
    assert!(store.import_observations(&mut feed, &options).await.unwrap().committed);
    for (outcome, value) in feed.outcomes.iter().zip(&values) {
        let ItemOutcome::Created(id) = *outcome else { panic!("{outcome:?}") };
        assert_eq!(&store.get_observation(id).await.unwrap().data, value);
    }
}
