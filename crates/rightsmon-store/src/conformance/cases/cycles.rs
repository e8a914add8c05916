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
