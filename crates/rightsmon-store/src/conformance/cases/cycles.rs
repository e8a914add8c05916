//! Reporting cycles and assignments.

use super::*;

pub async fn cycles_and_assignments_say_who_provides_what(store: S) {
    base(&store).await;
    store
        .put_indicator_versions(
            &[indicator("C-1", 1, None, "HOUSING", "CFR-34"), indicator("C-2", 1, None, "HOUSING", "CFR-34")],
            Timestamp(1),
            &audit(),
        )
        .await
        .unwrap();
    let cycle = rightsmon_domain::collection::NewCycle::parse("ghent", "Annual report 2023", "2023", "2024-03-31").unwrap();
    let stored = store.create_cycle(&cycle, Timestamp(1), &audit()).await.unwrap();
    expect_conflict(store.create_cycle(&cycle, Timestamp(2), &audit()).await);
    let later = store
        .create_cycle(
            &rightsmon_domain::collection::NewCycle::parse("ghent", "Annual report 2024", "2024", "2025-03-31").unwrap(),
            Timestamp(2),
            &audit(),
        )
        .await
        .unwrap();
    expect_not_found(
        store
            .create_cycle(
                &rightsmon_domain::collection::NewCycle::parse("nowhere", "x", "2024", "2025-03-31").unwrap(),
                Timestamp(2),
                &audit(),
            )
            .await,
    );
    assert_eq!(store.get_cycle(stored.id).await.unwrap(), stored);
    assert_eq!(store.list_cycles(&city("ghent")).await.unwrap().iter().map(|c| c.id).collect::<Vec<_>>(), [later.id, stored.id]);
    assert!(store.list_cycles(&city("padova")).await.unwrap().is_empty());
    expect_not_found(store.get_cycle(stored.id + 100).await);
    let dept = store
        .create_organisation(&NewOrganisation::parse("Statistics office", "municipal_department", Some("ghent")).unwrap(), &audit())
        .await
        .unwrap();
    let cso = store.create_organisation(&NewOrganisation::parse("Tenants", "cso", Some("ghent")).unwrap(), &audit()).await.unwrap();
    let assignment = |code: &str, organisation_id| rightsmon_domain::collection::Assignment {
        cycle_id: stored.id,
        indicator: IndicatorCode::parse(code).unwrap(),
        organisation_id,
    };
    assert_eq!(store.assign(&assignment("C-1", dept.id), &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.assign(&assignment("C-1", dept.id), &audit()).await.unwrap(), Written::Unchanged);
    assert_eq!(store.assign(&assignment("C-1", cso.id), &audit()).await.unwrap(), Written::Updated);
    store.assign(&assignment("C-2", dept.id), &audit()).await.unwrap();
    expect_not_found(store.assign(&assignment("NONE", dept.id), &audit()).await);
    expect_not_found(store.assign(&assignment("C-2", dept.id + 100), &audit()).await);
    assert_eq!(store.list_assignments(stored.id).await.unwrap(), vec![assignment("C-1", cso.id), assignment("C-2", dept.id)]);
    assert_eq!(store.list_assignments_of(&[dept.id]).await.unwrap(), vec![assignment("C-2", dept.id)]);
    assert!(store.list_assignments_of(&[]).await.unwrap().is_empty());
}

pub async fn roadmap_steps_and_milestones_are_kept_per_city(store: S) {
    use rightsmon_domain::accountability::Evidence;
    use rightsmon_domain::id::StepCode;
    use rightsmon_domain::roadmap::{NewMilestone, RoadmapStep};
    use rightsmon_domain::text::Texts;
    use rightsmon_domain::time::Date;
    base(&store).await;
    let step = |code: &str, position: u32, name: &str| RoadmapStep {
        code: StepCode::parse(code).unwrap(),
        position,
        name: Texts::english(name).unwrap(),
    };
    assert_eq!(store.put_roadmap_step(&step("first-report", 2, "First report"), &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.put_roadmap_step(&step("working-group", 1, "Working group"), &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.put_roadmap_step(&step("working-group", 1, "Working group"), &audit()).await.unwrap(), Written::Unchanged);
    assert_eq!(store.put_roadmap_step(&step("working-group", 1, "Working group formed"), &audit()).await.unwrap(), Written::Updated);
    let steps = store.list_roadmap_steps().await.unwrap();
    assert_eq!(steps.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(), ["working-group", "first-report"], "in their order");
    let milestone = |city: &str, code: &str, on: &str| NewMilestone {
        city: AreaCode::parse(city).unwrap(),
        step: StepCode::parse(code).unwrap(),
        reached_on: Date::parse(on).unwrap(),
        evidence: vec![Evidence::parse("https://example.org/decision").unwrap()],
        note: None,
    };
    store.set_milestone(&milestone("ghent", "working-group", "2025-01-10"), None, Timestamp(1), &audit()).await.unwrap();
    store.set_milestone(&milestone("ghent", "working-group", "2025-01-12"), None, Timestamp(2), &audit()).await.unwrap();
    store.set_milestone(&milestone("padova", "first-report", "2025-06-01"), None, Timestamp(3), &audit()).await.unwrap();
    expect_not_found(store.set_milestone(&milestone("ghent", "no-such-step", "2025-01-10"), None, Timestamp(4), &audit()).await);
    expect_not_found(store.set_milestone(&milestone("atlantis", "first-report", "2025-01-10"), None, Timestamp(4), &audit()).await);
    let ghent = store.list_milestones(Some(&AreaCode::parse("ghent").unwrap())).await.unwrap();
    assert_eq!(ghent.len(), 1, "a step is reached once; recorded again, its record is replaced");
    assert_eq!(ghent[0].milestone.reached_on.to_string(), "2025-01-12");
    assert_eq!(store.list_milestones(None).await.unwrap().len(), 2);
    store.remove_milestone(&AreaCode::parse("ghent").unwrap(), &StepCode::parse("working-group").unwrap(), &audit()).await.unwrap();
    expect_not_found(
        store.remove_milestone(&AreaCode::parse("ghent").unwrap(), &StepCode::parse("working-group").unwrap(), &audit()).await,
    );
    assert_eq!(store.list_milestones(None).await.unwrap().len(), 1);
}
