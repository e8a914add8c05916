//! Observations, their history, shadow values, benchmarks.

use super::*;

pub async fn observations_round_trip_with_provenance(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let new = observation(&def, "ghent", "2017/2018", "AGE=Y15T24|SEX=F", "42.25", WorkflowState::Draft);
    let stored = store.insert_observation(&new, None, Timestamp(100), &audit()).await.unwrap();
    assert_eq!(stored.data, new);
    assert_eq!(stored.revision, 1);
    assert_eq!((stored.created_at, stored.updated_at), (Timestamp(100), Timestamp(100)));
    assert_eq!(store.get_observation(stored.id).await.unwrap(), stored);
    assert_eq!(stored.data.provenance.kind, ProvenanceKind::Survey);
    assert_eq!(stored.data.status, StatusFlag::Provisional);
    assert_eq!(stored.data.value, ObservationValue::Number(42.25));
    expect_not_found(store.get_observation(stored.id + 1000).await);
    // The indicator version and the area must exist.
    let mut unknown = new.clone();
    unknown.version = 9;
    expect_not_found(store.insert_observation(&unknown, None, Timestamp(1), &audit()).await);
    let mut nowhere = new;
    nowhere.area = city("nowhere");
    expect_not_found(store.insert_observation(&nowhere, None, Timestamp(1), &audit()).await);
}

pub async fn a_duplicate_observation_is_a_conflict(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let new = observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft);
    store.insert_observation(&new, None, Timestamp(1), &audit()).await.unwrap();
    let mut again = new.clone();
    again.value = ObservationValue::Number(11.0);
    expect_conflict(store.insert_observation(&again, None, Timestamp(2), &audit()).await);
    let page = store.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap();
    assert_eq!(page.total, 1, "the refused insert left nothing behind");
}

pub async fn observations_are_filtered_by_visibility(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    for (area, state) in [
        ("ghent", WorkflowState::Published),
        ("ghent", WorkflowState::Draft),
        ("centrum", WorkflowState::Submitted),
        ("padova", WorkflowState::Published),
        ("padova", WorkflowState::Validated),
    ] {
        let period = if state == WorkflowState::Published { "2020" } else { "2021" };
        store.insert_observation(&observation(&def, area, period, "", "5", state), None, Timestamp(1), &audit()).await.unwrap();
    }
    let count = |v: Visibility| {
        let store = store.clone();
        async move { store.list_observations(&ObservationQuery::new(v)).await.unwrap().total }
    };
    assert_eq!(count(Visibility::PublishedOnly).await, 2);
    assert_eq!(count(Visibility::All).await, 5);
    // Ghent's readers see Ghent's and its district's work in progress, never Padova's.
    assert_eq!(count(Visibility::PublishedAndCities(vec![city("ghent")])).await, 4);
    let ghent_view = store.list_observations(&ObservationQuery::new(Visibility::PublishedAndCities(vec![city("ghent")]))).await.unwrap();
    assert!(ghent_view.items.iter().all(|o| o.data.state == WorkflowState::Published || o.data.area.as_str() != "padova"));
    assert_eq!(count(Visibility::PublishedAndCities(vec![])).await, 2);
}

pub async fn observations_are_filtered_by_period_key_and_area(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    for (area, period, key) in [
        ("ghent", "2019", ""),
        ("ghent", "2020", ""),
        ("ghent", "2020", "SEX=F"),
        ("ghent", "2021", "SEX=M"),
        ("centrum", "2020", ""),
        ("padova", "2020", ""),
        ("ghent", "2020-Q2", ""),
    ] {
        store
            .insert_observation(&observation(&def, area, period, key, "5", WorkflowState::Published), None, Timestamp(1), &audit())
            .await
            .unwrap();
    }
    let list = |q: ObservationQuery| {
        let store = store.clone();
        async move {
            store
                .list_observations(&q)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|o| format!("{}:{}:{}", o.data.area, o.data.period, o.data.key))
                .collect::<Vec<_>>()
        }
    };
    let mut q = ObservationQuery::new(Visibility::PublishedOnly);
    q.indicator = Some(def.code.clone());
    q.area = Some(city("ghent"));
    q.key = Some(DisaggregationKey::total());
    assert_eq!(list(q.clone()).await, ["ghent:2019:", "ghent:2020:", "ghent:2020-Q2:"], "sorted by period");
    q.period_from = Some(Period::parse("2020").unwrap());
    q.period_to = Some(Period::parse("2020").unwrap());
    assert_eq!(list(q.clone()).await, ["ghent:2020:", "ghent:2020-Q2:"], "a quarter lies within its year");
    q.period_from = Some(Period::parse("2020-S2").unwrap());
    assert!(list(q.clone()).await.is_empty());
    q.period_from = Some(Period::parse("2020").unwrap());
    q.key = Some(DisaggregationKey::parse("SEX=F").unwrap());
    assert_eq!(list(q.clone()).await, ["ghent:2020:SEX=F"]);
    let mut districts = ObservationQuery::new(Visibility::PublishedOnly);
    districts.area = Some(city("ghent"));
    districts.include_districts = true;
    districts.period_from = Some(Period::parse("2020").unwrap());
    districts.period_to = Some(Period::parse("2020").unwrap());
    districts.key = Some(DisaggregationKey::total());
    assert_eq!(list(districts).await, ["centrum:2020:", "ghent:2020:", "ghent:2020-Q2:"]);
    let mut wrong_version = ObservationQuery::new(Visibility::All);
    wrong_version.version = Some(2);
    assert!(list(wrong_version).await.is_empty());
    let mut paged = ObservationQuery::new(Visibility::All);
    paged.page = PageRequest::new(2, 1);
    let page = store.list_observations(&paged).await.unwrap();
    assert_eq!((page.total, page.items.len()), (7, 2));
}

pub async fn observation_states_move_with_revisions(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let editor = store.create_user(&new_user("editor"), Timestamp(1), &audit()).await.unwrap();
    let approver = store.create_user(&new_user("approver"), Timestamp(1), &audit()).await.unwrap();
    let stored = store
        .insert_observation(&observation(&def, "ghent", "2020", "", "5", WorkflowState::Draft), Some(editor.id), Timestamp(1), &audit())
        .await
        .unwrap();
    let submitted = store.set_observation_state(stored.id, 1, WorkflowState::Submitted, None, Timestamp(2), None, &audit()).await.unwrap();
    assert_eq!((submitted.data.state, submitted.revision, submitted.updated_at), (WorkflowState::Submitted, 2, Timestamp(2)));
    expect_conflict(store.set_observation_state(stored.id, 1, WorkflowState::Validated, None, Timestamp(3), None, &audit()).await);
    let validated =
        store.set_observation_state(stored.id, 2, WorkflowState::Validated, Some(approver.id), Timestamp(3), None, &audit()).await.unwrap();
    assert_eq!((validated.approved_by, validated.entered_by), (Some(approver.id), Some(editor.id)));
    expect_not_found(
        store
            .insert_observation(
                &observation(&def, "ghent", "2021", "", "5", WorkflowState::Draft),
                Some(approver.id + 100),
                Timestamp(1),
                &audit(),
            )
            .await,
    );
    expect_not_found(store.set_observation_state(stored.id + 99, 1, WorkflowState::Validated, None, Timestamp(3), None, &audit()).await);
    store
        .insert_observation(&observation(&def, "ghent", "2022", "", "6", WorkflowState::Submitted), Some(editor.id), Timestamp(4), &audit())
        .await
        .unwrap();
    let in_states = |states: Vec<WorkflowState>| {
        let query = ObservationQuery { states, ..ObservationQuery::new(Visibility::All) };
        let store = &store;
        async move { store.list_observations(&query).await.unwrap().items.iter().map(|o| o.data.period.to_string()).collect::<Vec<_>>() }
    };
    assert_eq!(in_states(vec![WorkflowState::Validated]).await, ["2020"]);
    assert_eq!(in_states(vec![WorkflowState::Submitted, WorkflowState::Validated]).await, ["2020", "2022"]);
    assert!(in_states(vec![WorkflowState::Published]).await.is_empty());
    assert_eq!(in_states(Vec::new()).await.len(), 2);
}

pub async fn benchmarks_are_upserted(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let baseline = Benchmark {
        indicator: def.code.clone(),
        area: city("ghent"),
        key: DisaggregationKey::total(),
        period: Period::Year(2015),
        value: 20.0,
    };
    let target = Benchmark { period: Period::Year(2030), value: 10.0, ..baseline.clone() };
    assert_eq!(store.put_benchmark(BenchmarkKind::Baseline, &baseline, &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.put_benchmark(BenchmarkKind::Target, &target, &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.put_benchmark(BenchmarkKind::Target, &target, &audit()).await.unwrap(), Written::Unchanged);
    let moved = Benchmark { value: 12.0, ..target };
    assert_eq!(store.put_benchmark(BenchmarkKind::Target, &moved, &audit()).await.unwrap(), Written::Updated);
    let listed = store.list_benchmarks(&def.code, &city("ghent")).await.unwrap();
    assert_eq!(listed, vec![(BenchmarkKind::Baseline, baseline), (BenchmarkKind::Target, moved)]);
    assert!(store.list_benchmarks(&def.code, &city("padova")).await.unwrap().is_empty());
}

pub async fn every_change_of_a_value_is_kept_in_its_history(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let editor = user(&store, "editor").await;
    let approver = user(&store, "approver").await;
    let stored = store
        .insert_observation(&observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft), Some(editor), Timestamp(10), &audit())
        .await
        .unwrap();
    store.set_observation_state(stored.id, 1, WorkflowState::Submitted, Some(editor), Timestamp(11), None, &audit()).await.unwrap();
    store
        .set_observation_state(
            stored.id,
            2,
            WorkflowState::Returned,
            Some(approver),
            Timestamp(12),
            Some("The source date is missing"),
            &audit(),
        )
        .await
        .unwrap();
    let mut corrected = observation(&def, "ghent", "2020", "", "11.5", WorkflowState::Draft);
    corrected.provenance.method_note = Some("Recounted".into());
    store.revise_observation(stored.id, 3, &corrected, Some(editor), Timestamp(13), "Corrected after review", &audit()).await.unwrap();
    let history = store.list_observation_history(stored.id).await.unwrap();
    let actions: Vec<(u32, &str, Option<i64>, Option<&str>)> =
        history.iter().map(|h| (h.revision, h.action.as_str(), h.user_id, h.reason.as_deref())).collect();
    assert_eq!(
        actions,
        [
            (1, "created", Some(editor), None),
            (2, "submitted", Some(editor), None),
            (3, "returned", Some(approver), Some("The source date is missing")),
            (4, "revised", Some(editor), Some("Corrected after review")),
        ]
    );
    assert_eq!(history[0].snapshot.value, ObservationValue::Number(10.0), "the old value stays in the history");
    assert_eq!(history[3].snapshot.value, ObservationValue::Number(11.5));
    assert_eq!(history[3].snapshot.state, WorkflowState::Returned, "a revision keeps the state");
    assert_eq!((history[2].at, history[3].at), (Timestamp(12), Timestamp(13)));
    assert!(store.list_observation_history(stored.id + 100).await.unwrap().is_empty());
}

pub async fn a_revision_keeps_the_subject_and_needs_the_current_revision(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let stored = store
        .insert_observation(&observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft), None, Timestamp(1), &audit())
        .await
        .unwrap();
    let other_year = observation(&def, "ghent", "2021", "", "10", WorkflowState::Draft);
    expect_conflict(store.revise_observation(stored.id, 1, &other_year, None, Timestamp(2), "x", &audit()).await);
    let same = observation(&def, "ghent", "2020", "", "12", WorkflowState::Draft);
    expect_conflict(store.revise_observation(stored.id, 7, &same, None, Timestamp(2), "x", &audit()).await);
    expect_not_found(store.revise_observation(stored.id + 100, 1, &same, None, Timestamp(2), "x", &audit()).await);
    let revised = store.revise_observation(stored.id, 1, &same, None, Timestamp(2), "typo", &audit()).await.unwrap();
    assert_eq!((revised.revision, revised.data.value.clone()), (2, ObservationValue::Number(12.0)));
    assert_eq!(store.list_observation_history(stored.id).await.unwrap().len(), 2, "the refused revisions left nothing");
}

pub async fn shadow_values_are_kept_beside_the_official_ones_and_answered_once(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let official = store
        .insert_observation(&observation(&def, "ghent", "2020", "", "10", WorkflowState::Published), None, Timestamp(1), &audit())
        .await
        .unwrap();
    let cso = user(&store, "cso").await;
    let officer = user(&store, "officer").await;
    let shadow = rightsmon_domain::observation::NewShadowValue {
        indicator: def.code.clone(),
        version: 1,
        area: city("ghent"),
        period: Period::Year(2020),
        key: DisaggregationKey::total(),
        value: Some(17.5),
        assessment: Some("Our tenants' survey finds far more overburdened households.".into()),
        sources: "Tenants' Union survey 2020, n = 812".into(),
        organisation_id: None,
        method_note: Some("Weighted by district and tenure".into()),
    };
    let stored = store.add_shadow_value(&shadow, cso, Timestamp(5), &audit()).await.unwrap();
    assert_eq!(store.get_shadow_value(stored.id).await.unwrap(), stored);
    assert!(store.list_replied_shadow_values().await.unwrap().is_empty(), "nothing replied yet");
    assert_eq!(store.list_shadow_values(&def.code, &city("ghent")).await.unwrap(), vec![stored.clone()]);
    assert!(store.list_shadow_values(&def.code, &city("padova")).await.unwrap().is_empty());
    assert_eq!(store.get_observation(official.id).await.unwrap(), official, "the official value is untouched");
    let replied = store
        .reply_to_shadow_value(
            stored.id,
            officer,
            "The survey over-represents social tenants; we will compare methods.",
            Timestamp(6),
            &audit(),
        )
        .await
        .unwrap();
    assert_eq!(replied.reply.as_ref().unwrap().user_id, officer);
    assert_eq!(store.list_replied_shadow_values().await.unwrap(), std::slice::from_ref(&replied), "the replied value, with its reply");
    expect_conflict(store.reply_to_shadow_value(stored.id, officer, "again", Timestamp(7), &audit()).await);
    expect_not_found(store.reply_to_shadow_value(stored.id + 100, officer, "x", Timestamp(7), &audit()).await);
    let mut unknown = shadow;
    unknown.version = 9;
    expect_not_found(store.add_shadow_value(&unknown, cso, Timestamp(5), &audit()).await);
}

pub async fn observations_are_stored_together_or_not_at_all(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let batch = [
        observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft),
        observation(&def, "ghent", "2020", "SEX=F", "11", WorkflowState::Draft),
        observation(&def, "ghent", "2020", "", "12", WorkflowState::Draft),
    ];
    expect_conflict(store.insert_observations(&batch, None, Timestamp(1), &audit()).await);
    assert_eq!(store.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap().total, 0, "a refused batch stores nothing");
    let ids = store.insert_observations(&batch[..2], None, Timestamp(1), &audit()).await.unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(store.get_observation(ids[1]).await.unwrap().data, batch[1]);
    assert_eq!(store.list_observation_history(ids[0]).await.unwrap().len(), 1);
}

pub async fn a_revised_approved_value_goes_back_to_a_second_person(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let editor = store.create_user(&new_user("editor"), Timestamp(1), &audit()).await.unwrap();
    let coordinator = store.create_user(&new_user("coordinator"), Timestamp(1), &audit()).await.unwrap();
    let stored = store
        .insert_observation(&observation(&def, "ghent", "2020", "", "5", WorkflowState::Draft), Some(editor.id), Timestamp(1), &audit())
        .await
        .unwrap();
    let mut revision = stored.revision;
    for state in [WorkflowState::Submitted, WorkflowState::Validated, WorkflowState::Published] {
        revision = store
            .set_observation_state(stored.id, revision, state, Some(coordinator.id), Timestamp(2), None, &audit())
            .await
            .unwrap()
            .revision;
    }
    let corrected = observation(&def, "ghent", "2020", "", "6", WorkflowState::Published);
    let revised =
        store.revise_observation(stored.id, revision, &corrected, Some(coordinator.id), Timestamp(3), "typo", &audit()).await.unwrap();
    assert_eq!(revised.data.state, WorkflowState::Submitted, "a published value changed goes back to be validated");
    assert_eq!((revised.entered_by, revised.approved_by), (Some(coordinator.id), None), "its reviser counts as its enterer");
    let public = ObservationQuery::new(Visibility::PublishedOnly);
    assert_eq!(store.list_observations(&public).await.unwrap().total, 0);
    // A draft changed by someone else is theirs from then on, and stays a draft.
    let draft = store
        .insert_observation(&observation(&def, "ghent", "2021", "", "5", WorkflowState::Draft), Some(editor.id), Timestamp(1), &audit())
        .await
        .unwrap();
    let changed = observation(&def, "ghent", "2021", "", "7", WorkflowState::Draft);
    let revised =
        store.revise_observation(draft.id, draft.revision, &changed, Some(coordinator.id), Timestamp(3), "x", &audit()).await.unwrap();
    assert_eq!((revised.data.state, revised.entered_by), (WorkflowState::Draft, Some(coordinator.id)));
}

pub async fn whole_queries_are_not_cut_at_a_page(store: S) {
    base(&store).await;
    let a = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    let b = indicator("C-2", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_versions(&[a.clone(), b.clone()], Timestamp(1), &audit()).await.unwrap();
    let mut values: Vec<_> = (0..1100)
        .map(|i| observation(&a, "ghent", &format!("{}-{:02}", 1900 + i / 12, i % 12 + 1), "", "1", WorkflowState::Draft))
        .collect();
    values.push(observation(&b, "ghent", "2020", "", "1", WorkflowState::Published));
    store.insert_observations(&values, None, Timestamp(2), &audit()).await.unwrap();
    let mut query = ObservationQuery::new(Visibility::All);
    query.area = Some(city("ghent"));
    assert_eq!(store.list_observations(&query).await.unwrap().items.len(), 100, "a page stays a page");
    assert_eq!(store.list_all_observations(&query).await.unwrap().len(), 1101);
    let codes: Vec<String> = store.observed_indicators(&query).await.unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(codes, ["C-1", "C-2"]);
    query.visibility = Visibility::PublishedOnly;
    let codes: Vec<String> = store.observed_indicators(&query).await.unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(codes, ["C-2"]);
}

pub async fn findings_generations_grow_with_every_change_they_rest_on(store: S) {
    base(&store).await;
    let generation = |code: &'static str| {
        let store = store.clone();
        async move { store.findings_generation(&city(code)).await.unwrap() }
    };
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    let (ghent, padova) = (generation("ghent").await, generation("padova").await);
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let (ghent, padova) = {
        let (g, p) = (generation("ghent").await, generation("padova").await);
        assert!(g > ghent && p > padova, "a definition changes every city's findings");
        (g, p)
    };
    let stored = store
        .insert_observation(&observation(&def, "centrum", "2020", "", "5", WorkflowState::Draft), None, Timestamp(1), &audit())
        .await
        .unwrap();
    let ghent = {
        let g = generation("ghent").await;
        assert!(g > ghent, "a value of a district changes its city's findings");
        assert_eq!(generation("padova").await, padova, "and no other city's");
        g
    };
    store.set_observation_state(stored.id, 1, WorkflowState::Submitted, None, Timestamp(2), None, &audit()).await.unwrap();
    let ghent = {
        let g = generation("ghent").await;
        assert!(g > ghent, "a change of state changes who sees what");
        g
    };
    let target = Benchmark {
        indicator: def.code.clone(),
        area: city("ghent"),
        key: DisaggregationKey::total(),
        period: Period::Year(2030),
        value: 1.0,
    };
    store.put_benchmark(BenchmarkKind::Target, &target, &audit()).await.unwrap();
    let ghent = {
        let g = generation("ghent").await;
        assert!(g > ghent, "a target changes the verdicts");
        g
    };
    let values = [observation(&def, "ghent", "2021", "", "6", WorkflowState::Draft)];
    let options = ImportOptions {
        entered_by: None,
        at: Timestamp(3),
        reason: None,
        may_revise_approved: false,
        codelists: vec![],
        definitions: vec![],
    };
    store.import_observations(&mut ListFeed::new(&values, true), &options).await.unwrap();
    assert!(generation("ghent").await > ghent, "an import changes its cities' findings");
    assert_eq!(generation("padova").await, padova);
    store.list_themes().await.unwrap();
    assert_eq!(generation("padova").await, padova, "reading changes nothing");
}

pub async fn a_value_is_its_own_first_revision_until_it_changes(store: S) {
    use rightsmon_domain::observation::RevisionAction;
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    let editor = user(&store, "editor").await;
    let entered = observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft);
    let stored = store.insert_observation(&entered, Some(editor), Timestamp(10), &audit()).await.unwrap();
    let imported = observation(&def, "ghent", "2021", "", "12", WorkflowState::Draft);
    let options = ImportOptions {
        entered_by: Some(editor),
        at: Timestamp(20),
        reason: None,
        may_revise_approved: false,
        codelists: vec![],
        definitions: vec![],
    };
    let mut feed = ListFeed::new(std::slice::from_ref(&imported), true);
    store.import_observations(&mut feed, &options).await.unwrap();
    let ItemOutcome::Created(imported_id) = feed.outcomes[0] else { panic!("{:?}", feed.outcomes) };
    for (id, value, at) in [(stored.id, &entered, Timestamp(10)), (imported_id, &imported, Timestamp(20))] {
        let history = store.list_observation_history(id).await.unwrap();
        assert_eq!(history.len(), 1, "one revision before any change");
        let first = &history[0];
        assert_eq!((first.observation_id, first.revision, first.at, first.user_id), (id, 1, at, Some(editor)));
        assert_eq!((first.action, first.reason.as_deref()), (RevisionAction::Created, None));
        assert_eq!(&first.snapshot, value);
    }
    // The first change keeps the value as it was before it.
    store.set_observation_state(imported_id, 1, WorkflowState::Submitted, Some(editor), Timestamp(30), None, &audit()).await.unwrap();
    let history = store.list_observation_history(imported_id).await.unwrap();
    let states: Vec<(u32, RevisionAction, WorkflowState, Timestamp)> =
        history.iter().map(|h| (h.revision, h.action, h.snapshot.state, h.at)).collect();
    assert_eq!(
        states,
        [
            (1, RevisionAction::Created, WorkflowState::Draft, Timestamp(20)),
            (2, RevisionAction::Submitted, WorkflowState::Submitted, Timestamp(30))
        ]
    );
}
