//! Co-design: proposals, endorsements, objections, decisions, rules.

use super::*;

pub async fn proposals_are_created_listed_and_withdrawn(store: S) {
    base(&store).await;
    let ana = user(&store, "ana").await;
    let first = store.create_proposal(&adoption("ghent", &["C-1"], &[]), ana, Timestamp(5), &audit()).await.unwrap();
    let second = store.create_proposal(&adoption("padova", &["C-1"], &[]), ana, Timestamp(6), &audit()).await.unwrap();
    assert_eq!(store.get_proposal(first.id).await.unwrap(), first);
    assert_eq!(first.status, ProposalStatus::Open);
    let all = store.list_proposals(&ProposalQuery::default()).await.unwrap();
    assert_eq!(all.items.iter().map(|p| p.id).collect::<Vec<_>>(), [second.id, first.id], "newest first");
    let ghent = ProposalQuery { scope: Some(Scope::City(city("ghent"))), ..ProposalQuery::default() };
    assert_eq!(store.list_proposals(&ghent).await.unwrap().total, 1);
    store.withdraw_proposal(first.id, &audit()).await.unwrap();
    expect_conflict(store.withdraw_proposal(first.id, &audit()).await);
    expect_not_found(store.withdraw_proposal(first.id + 100, &audit()).await);
    let open = ProposalQuery { status: Some(ProposalStatus::Open), ..ProposalQuery::default() };
    assert_eq!(store.list_proposals(&open).await.unwrap().items, vec![second]);
    expect_not_found(store.get_proposal(first.id + 100).await);
}

pub async fn comments_endorsements_and_objections_are_kept(store: S) {
    base(&store).await;
    let ana = user(&store, "ana").await;
    let bob = user(&store, "bob").await;
    let proposal = store.create_proposal(&adoption("ghent", &["C-1"], &[]), ana, Timestamp(5), &audit()).await.unwrap();
    let comment = store.add_comment(proposal.id, bob, "Why not C-2? <b>", Timestamp(6), &audit()).await.unwrap();
    assert_eq!(store.list_comments(proposal.id).await.unwrap(), vec![comment]);
    let endorse = |user_id, side, city: Option<&str>| Endorsement {
        proposal_id: proposal.id,
        user_id,
        side,
        city: city.map(|c| AreaCode::parse(c).unwrap()),
        at: Timestamp(7),
    };
    store.add_endorsement(&endorse(ana, Side::Municipal, None), &audit()).await.unwrap();
    expect_conflict(store.add_endorsement(&endorse(ana, Side::CivilSociety, None), &audit()).await);
    store.add_endorsement(&endorse(bob, Side::CivilSociety, None), &audit()).await.unwrap();
    assert_eq!(store.list_endorsements(proposal.id).await.unwrap().len(), 2);
    let objection = store
        .add_objection(proposal.id, bob, "The survey behind C-1 excludes people without a fixed address.", Timestamp(8), &audit())
        .await
        .unwrap();
    assert_eq!(store.list_objections(proposal.id).await.unwrap(), vec![objection]);
    // A city endorses a network proposal once, whoever signs for it.
    let core = NewProposal::new(
        Scope::Network,
        "Retire C-1",
        "Superseded",
        ProposalChange::Retirement { indicator: IndicatorCode::parse("C-1").unwrap(), reason: "Superseded".into() },
    )
    .unwrap();
    let core = store.create_proposal(&core, ana, Timestamp(9), &audit()).await.unwrap();
    let for_city = |user_id| Endorsement { proposal_id: core.id, user_id, side: Side::City, city: Some(city("ghent")), at: Timestamp(9) };
    store.add_endorsement(&for_city(ana), &audit()).await.unwrap();
    expect_conflict(store.add_endorsement(&for_city(bob), &audit()).await);
    store.withdraw_proposal(core.id, &audit()).await.unwrap();
    let carol = user(&store, "carol").await;
    expect_conflict(store.add_endorsement(&Endorsement { user_id: carol, city: Some(city("padova")), ..for_city(carol) }, &audit()).await);
    expect_not_found(store.add_endorsement(&Endorsement { proposal_id: core.id + 100, ..for_city(carol) }, &audit()).await);
}

pub async fn a_decision_applies_its_changes_at_once_and_is_final(store: S) {
    base(&store).await;
    let ana = user(&store, "ana").await;
    store
        .put_indicator_versions(
            &[indicator("C-1", 1, None, "HOUSING", "CFR-34"), indicator("C-2", 1, None, "EDUCATION", "CFR-14")],
            Timestamp(1),
            &audit(),
        )
        .await
        .ok();
    store.upsert_right(&article(14), &audit()).await.unwrap();
    store
        .put_indicator_versions(
            &[indicator("C-1", 1, None, "HOUSING", "CFR-34"), indicator("C-2", 1, None, "EDUCATION", "CFR-14")],
            Timestamp(1),
            &audit(),
        )
        .await
        .unwrap();
    let proposal = store
        .create_proposal(&adoption("ghent", &["C-1"], &[("C-2", "No data source in Ghent yet")]), ana, Timestamp(5), &audit())
        .await
        .unwrap();
    let local = indicator("G-1", 1, Some("ghent"), "HOUSING", "CFR-34");
    let decision = Decision {
        proposal_id: proposal.id,
        outcome: Outcome::Accepted,
        decided_by: ana,
        at: Timestamp(10),
        reason: "Endorsed by both sides".into(),
        endorsements: vec![(Side::Municipal, 1), (Side::CivilSociety, 1)],
    };
    let changes = vec![
        FrameworkChange::SetAdoption {
            city: city("ghent"),
            indicator: IndicatorCode::parse("C-1").unwrap(),
            is_adopted: true,
            reason: None,
        },
        FrameworkChange::SetAdoption {
            city: city("ghent"),
            indicator: IndicatorCode::parse("C-2").unwrap(),
            is_adopted: false,
            reason: Some("No data source in Ghent yet".into()),
        },
        FrameworkChange::PutVersion(Box::new(local.clone())),
        FrameworkChange::Retire { indicator: IndicatorCode::parse("C-2").unwrap(), reason: "Merged into C-1".into() },
    ];
    store.decide_proposal(&decision, &changes, &audit()).await.unwrap();
    assert_eq!(store.get_decision(proposal.id).await.unwrap(), decision);
    assert_eq!(store.get_proposal(proposal.id).await.unwrap().status, ProposalStatus::Accepted);
    let adoptions = store.list_adoptions(Some(&city("ghent")), None).await.unwrap();
    assert_eq!(adoptions.len(), 2);
    assert!(adoptions[0].is_adopted && adoptions[0].proposal_id == Some(proposal.id));
    assert_eq!(adoptions[1].reason.as_deref(), Some("No data source in Ghent yet"));
    assert_eq!(store.list_adoptions(None, Some(&IndicatorCode::parse("C-1").unwrap())).await.unwrap().len(), 1);
    assert_eq!(store.get_indicator(&local.code, None).await.unwrap(), local);
    let retired = store.list_retired().await.unwrap();
    assert_eq!((retired.len(), retired[0].reason.as_str(), retired[0].at), (1, "Merged into C-1", Timestamp(10)));
    // Decided once, decided for good.
    let again = Decision { outcome: Outcome::Rejected, reason: "Changed our mind".into(), ..decision.clone() };
    expect_conflict(store.decide_proposal(&again, &[], &audit()).await);
    assert_eq!(store.get_decision(proposal.id).await.unwrap(), decision);
    expect_conflict(
        store
            .add_endorsement(
                &Endorsement { proposal_id: proposal.id, user_id: ana, side: Side::Municipal, city: None, at: Timestamp(11) },
                &audit(),
            )
            .await,
    );
    expect_not_found(store.get_decision(proposal.id + 100).await);
}

pub async fn a_decision_whose_change_fails_leaves_nothing(store: S) {
    base(&store).await;
    let ana = user(&store, "ana").await;
    store.put_indicator_version(&indicator("C-1", 1, None, "HOUSING", "CFR-34"), Timestamp(1), &audit()).await.unwrap();
    store.put_indicator_version(&indicator("G-1", 1, Some("ghent"), "HOUSING", "CFR-34"), Timestamp(1), &audit()).await.unwrap();
    let proposal = store.create_proposal(&adoption("ghent", &["C-1"], &[]), ana, Timestamp(5), &audit()).await.unwrap();
    let decision = Decision {
        proposal_id: proposal.id,
        outcome: Outcome::Accepted,
        decided_by: ana,
        at: Timestamp(10),
        reason: "ok".into(),
        endorsements: vec![],
    };
    let changes = vec![
        FrameworkChange::SetAdoption {
            city: city("ghent"),
            indicator: IndicatorCode::parse("C-1").unwrap(),
            is_adopted: true,
            reason: None,
        },
        FrameworkChange::SetAdoption {
            city: city("ghent"),
            indicator: IndicatorCode::parse("G-1").unwrap(),
            is_adopted: true,
            reason: None,
        },
    ];
    expect_conflict(store.decide_proposal(&decision, &changes, &audit()).await);
    assert!(store.list_adoptions(None, None).await.unwrap().is_empty());
    assert_eq!(store.get_proposal(proposal.id).await.unwrap().status, ProposalStatus::Open);
    expect_not_found(store.get_decision(proposal.id).await);
    let retire_twice = vec![
        FrameworkChange::Retire { indicator: IndicatorCode::parse("C-1").unwrap(), reason: "a".into() },
        FrameworkChange::Retire { indicator: IndicatorCode::parse("C-1").unwrap(), reason: "b".into() },
    ];
    expect_conflict(store.decide_proposal(&decision, &retire_twice, &audit()).await);
    assert!(store.list_retired().await.unwrap().is_empty());
}

pub async fn governance_rules_have_defaults_and_can_be_set(store: S) {
    base(&store).await;
    assert_eq!(store.city_rule(&city("ghent")).await.unwrap(), CityRule::default());
    assert_eq!(store.network_rule().await.unwrap(), NetworkRule::default());
    let strict = CityRule { min_municipal: 2, min_civil_society: 2, min_academic: 1 };
    store.set_city_rule(&city("ghent"), strict, &audit()).await.unwrap();
    store.set_city_rule(&city("ghent"), strict, &audit()).await.unwrap();
    assert_eq!(store.city_rule(&city("ghent")).await.unwrap(), strict);
    assert_eq!(store.city_rule(&city("padova")).await.unwrap(), CityRule::default());
    expect_not_found(store.set_city_rule(&city("nowhere"), strict, &audit()).await);
    store.set_network_rule(NetworkRule::new(0.75).unwrap(), &audit()).await.unwrap();
    assert_eq!(store.network_rule().await.unwrap().min_city_share, 0.75);
}
