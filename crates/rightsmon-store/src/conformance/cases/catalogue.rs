//! The catalogue of indicator versions.

use super::*;

pub async fn indicator_versions_are_immutable_and_listed(store: S) {
    base(&store).await;
    let v1 = indicator("RM-1", 1, None, "HOUSING", "CFR-34");
    assert_eq!(store.put_indicator_version(&v1, Timestamp(10), &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.put_indicator_version(&v1, Timestamp(11), &audit()).await.unwrap(), Written::Unchanged);
    let mut changed = v1.clone();
    changed.unit = "per 1000".into();
    expect_conflict(store.put_indicator_version(&changed, Timestamp(12), &audit()).await);
    let v2 = indicator("RM-1", 2, None, "HOUSING", "CFR-21");
    assert_eq!(store.put_indicator_version(&v2, Timestamp(13), &audit()).await.unwrap(), Written::Created);
    let code = IndicatorCode::parse("RM-1").unwrap();
    assert_eq!(store.get_indicator(&code, None).await.unwrap(), v2);
    assert_eq!(store.get_indicator(&code, Some(1)).await.unwrap(), v1);
    assert_eq!(store.list_indicator_versions(&code).await.unwrap(), vec![v1, v2]);
    expect_not_found(store.get_indicator(&code, Some(3)).await);
    expect_not_found(store.get_indicator(&IndicatorCode::parse("NONE").unwrap(), None).await);
    // Links must point at known rights, themes and cities.
    expect_not_found(store.put_indicator_version(&indicator("RM-2", 1, None, "HOUSING", "CFR-50"), Timestamp(14), &audit()).await);
    expect_not_found(store.put_indicator_version(&indicator("RM-2", 1, None, "NOTHEME", "CFR-34"), Timestamp(14), &audit()).await);
    expect_not_found(
        store.put_indicator_version(&indicator("RM-2", 1, Some("nowhere"), "HOUSING", "CFR-34"), Timestamp(14), &audit()).await,
    );
    // A version cannot move an indicator from the network to a city.
    expect_conflict(store.put_indicator_version(&indicator("RM-1", 3, Some("ghent"), "HOUSING", "CFR-34"), Timestamp(15), &audit()).await);
}

pub async fn indicators_are_filtered_by_scope_theme_and_right(store: S) {
    base(&store).await;
    for def in [
        indicator("C-1", 1, None, "HOUSING", "CFR-34"),
        indicator("C-2", 1, None, "EDUCATION", "CFR-21"),
        indicator("C-2", 2, None, "EDUCATION", "CFR-1"),
        indicator("G-1", 1, Some("ghent"), "HOUSING", "CFR-21"),
        indicator("P-1", 1, Some("padova"), "EDUCATION", "CFR-34"),
    ] {
        store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    }
    let codes = |page: Page<rightsmon_domain::catalogue::IndicatorDefinition>| {
        page.items.into_iter().map(|d| format!("{}v{}", d.code, d.version)).collect::<Vec<_>>()
    };
    assert_eq!(codes(store.list_indicators(&IndicatorQuery::default()).await.unwrap()), ["C-1v1", "C-2v2", "G-1v1", "P-1v1"]);
    let core = IndicatorQuery { scope: Some(None), ..IndicatorQuery::default() };
    assert_eq!(codes(store.list_indicators(&core).await.unwrap()), ["C-1v1", "C-2v2"]);
    let ghent = IndicatorQuery { available_in: Some(city("ghent")), ..IndicatorQuery::default() };
    assert_eq!(codes(store.list_indicators(&ghent).await.unwrap()), ["C-1v1", "C-2v2", "G-1v1"]);
    let local = IndicatorQuery { scope: Some(Some(city("padova"))), ..IndicatorQuery::default() };
    assert_eq!(codes(store.list_indicators(&local).await.unwrap()), ["P-1v1"]);
    let housing = IndicatorQuery { theme: Some(ThemeCode::parse("HOUSING").unwrap()), ..IndicatorQuery::default() };
    assert_eq!(codes(store.list_indicators(&housing).await.unwrap()), ["C-1v1", "G-1v1"]);
    // The right filter looks at the latest version only: C-2 moved from CFR-21 to CFR-1.
    let art21 = IndicatorQuery { right: Some(RightCode::charter_article(21).unwrap()), ..IndicatorQuery::default() };
    assert_eq!(codes(store.list_indicators(&art21).await.unwrap()), ["G-1v1"]);
}

pub async fn indicator_pages_are_bounded(store: S) {
    base(&store).await;
    for n in 0..7 {
        store.put_indicator_version(&indicator(&format!("I-{n}"), 1, None, "HOUSING", "CFR-34"), Timestamp(1), &audit()).await.unwrap();
    }
    let page = store.list_indicators(&IndicatorQuery { page: PageRequest::new(3, 5), ..IndicatorQuery::default() }).await.unwrap();
    assert_eq!(page.total, 7);
    assert_eq!((page.limit, page.offset), (3, 5));
    assert_eq!(page.items.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["I-5", "I-6"]);
    let huge =
        store.list_indicators(&IndicatorQuery { page: PageRequest::new(u32::MAX, u64::MAX), ..IndicatorQuery::default() }).await.unwrap();
    assert_eq!(huge.limit, MAX_PAGE_SIZE);
    assert!(huge.items.is_empty());
}

pub async fn indicator_versions_are_stored_together_or_not_at_all(store: S) {
    base(&store).await;
    let good = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    let bad = indicator("C-2", 1, None, "NOTHEME", "CFR-34");
    expect_not_found(store.put_indicator_versions(&[good.clone(), bad], Timestamp(1), &audit()).await);
    assert!(store.list_all_indicator_versions().await.unwrap().is_empty(), "nothing of the failed batch was stored");
    let v2 = indicator("C-1", 2, None, "HOUSING", "CFR-21");
    let written = store.put_indicator_versions(&[good.clone(), v2.clone(), good.clone()], Timestamp(1), &audit()).await.unwrap();
    assert_eq!(written, [Written::Created, Written::Created, Written::Unchanged]);
    assert_eq!(store.list_all_indicator_versions().await.unwrap(), vec![good, v2]);
    assert!(store.list_retired().await.unwrap().is_empty());
}

pub async fn indicators_are_found_by_words_role_and_right_hierarchy(store: S) {
    base(&store).await;
    let mut housing = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    housing.name = Texts::from_pairs([("en", "Housing cost overburden"), ("nl", "Woonkostenoverbelasting")]).unwrap();
    let mut school = indicator("C-2", 1, None, "EDUCATION", "CFR-1");
    school.rights[0].link_type = rightsmon_domain::catalogue::LinkType::Structural;
    school.name = Texts::english("Early leavers 50%_done").unwrap();
    store.put_indicator_versions(&[housing, school], Timestamp(1), &audit()).await.unwrap();
    let codes = |q: IndicatorQuery| {
        let store = store.clone();
        async move { store.list_indicators(&q).await.unwrap().items.into_iter().map(|d| d.code.to_string()).collect::<Vec<_>>() }
    };
    let text = |t: &str| IndicatorQuery { text: Some(t.into()), ..IndicatorQuery::default() };
    assert_eq!(codes(text("overburden")).await, ["C-1"]);
    assert_eq!(codes(text("WOONKOSTEN")).await, ["C-1"], "any language, any case");
    assert_eq!(codes(text("c-2")).await, ["C-2"]);
    assert_eq!(codes(text("50%_")).await, ["C-2"], "% and _ are matched literally");
    assert!(codes(text("nothing like it")).await.is_empty());
    assert!(codes(text("'; DROP TABLE indicators; --")).await.is_empty());
    let title = IndicatorQuery { right: Some(RightCode::charter_title(4).unwrap()), ..IndicatorQuery::default() };
    assert_eq!(codes(title).await, ["C-1"], "CFR-34 lies in title IV");
    let structural = IndicatorQuery { link_type: Some(rightsmon_domain::catalogue::LinkType::Structural), ..IndicatorQuery::default() };
    assert_eq!(codes(structural).await, ["C-2"]);
    let outcome_of_34 = IndicatorQuery {
        right: Some(RightCode::charter_article(34).unwrap()),
        link_type: Some(rightsmon_domain::catalogue::LinkType::Structural),
        ..IndicatorQuery::default()
    };
    assert!(codes(outcome_of_34).await.is_empty());
}
