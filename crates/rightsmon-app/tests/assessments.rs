//! Two-sided assessments: the municipality and each civil-society organisation write their own
//! verdict on a right or theme in a cycle, nobody writes another side's, every version is kept,
//! and the board marks where the sides disagree.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use rightsmon_app::AppError;
use rightsmon_domain::access::Actor;
use rightsmon_domain::participation::{AssessmentDraft, Assessor, Verdict};
use support::{fresh, member};

fn says(verdict: &str, reasoning: &str) -> AssessmentDraft {
    AssessmentDraft { subject: "right:CFR-34".into(), verdict: verdict.into(), reasoning: reasoning.into(), evidence: "RM-HOU-01".into() }
}

#[tokio::test]
async fn each_side_writes_its_own_assessment_and_only_its_own() {
    let app = fresh().await;
    let tenants = app.create_organisation("Tenants' union", "cso", Some("ghent")).await.unwrap();
    let roma = app.create_organisation("Roma collective", "cso", Some("ghent")).await.unwrap();
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
    let cso = member(&app, "cso", "civil_society_member", Some("ghent"), Some(tenants.id)).await;
    let other_cso = member(&app, "othercso", "civil_society_member", Some("ghent"), Some(roma.id)).await;
    let padova = member(&app, "padova", "city_coordinator", Some("padova"), None).await;
    let network = member(&app, "network", "network_coordinator", None, None).await;
    let cycle = app.create_cycle(&coordinator, "ghent", "Annual report 2025", "2025", "2026-03-31").await.unwrap();
    let tenants_side = format!("organisation:{}", tenants.id);

    let city = app.assess(&coordinator, cycle.id, "municipality", &says("good", "Shelter places grew by a third.")).await.unwrap();
    assert_eq!((city.assessor, city.version), (Assessor::Municipality, 1));
    let theirs = app.assess(&cso, cycle.id, &tenants_side, &says("insufficient", "No new place is for women.")).await.unwrap();
    assert_eq!(theirs.assessor, Assessor::Organisation(tenants.id));

    // No municipal role writes the organisation's side, and no member of civil society the
    // municipality's; nor another organisation's; the network coordinator writes neither.
    for (actor, side) in [
        (&coordinator, tenants_side.as_str()),
        (&editor, tenants_side.as_str()),
        (&editor, "municipality"),
        (&padova, "municipality"),
        (&padova, tenants_side.as_str()),
        (&cso, "municipality"),
        (&other_cso, tenants_side.as_str()),
        (&network, tenants_side.as_str()),
        (&network, "municipality"),
    ] {
        let result = app.assess(actor, cycle.id, side, &says("good", "Overwritten.")).await;
        assert!(matches!(result, Err(AppError::Forbidden)), "{side}: {result:?}");
    }
    assert!(matches!(app.assess(&Actor::Anonymous, cycle.id, "municipality", &says("good", "x")).await, Err(AppError::Unauthenticated)));

    // A side changes its mind: a new version, the first kept.
    app.assess(&coordinator, cycle.id, "municipality", &says("partly", "Places grew, but not for women.")).await.unwrap();
    let board = app.assessment_board(&Actor::Anonymous, cycle.id).await.unwrap();
    assert_eq!(board.sides.iter().map(|s| s.assessor).collect::<Vec<_>>(), [Assessor::Municipality, Assessor::Organisation(tenants.id)]);
    assert_eq!(board.sides[1].organisation.as_deref(), Some("Tenants' union"));
    assert!(board.own_sides.is_empty(), "a reader writes no side");
    let row = &board.rows[0];
    let city_cell = row.cells[0].as_ref().unwrap();
    assert_eq!((city_cell.latest.version, city_cell.latest.assessment.verdict), (2, Verdict::Partly));
    assert_eq!(city_cell.earlier[0].assessment.reasoning, "Shelter places grew by a third.");
    let their_cell = row.cells[1].as_ref().unwrap();
    assert_eq!(their_cell.latest.assessment.reasoning, "No new place is for women.", "the organisation's text is untouched");
    assert!(row.disagreement, "partly against insufficient");
    assert!(row.name.is_some());

    // When the sides agree, the board says nothing of disagreement.
    app.assess(&cso, cycle.id, &tenants_side, &says("partly", "Some progress.")).await.unwrap();
    let board = app.assessment_board(&cso, cycle.id).await.unwrap();
    assert!(!board.rows[0].disagreement);
    assert_eq!(board.own_sides.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), [tenants_side.as_str()]);
    let board = app.assessment_board(&other_cso, cycle.id).await.unwrap();
    assert_eq!(board.sides.len(), 3, "the reader's own side is a column, to be filled");
}

#[tokio::test]
async fn an_assessment_is_refused_at_its_fields() {
    let app = fresh().await;
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let cycle = app.create_cycle(&coordinator, "ghent", "Annual report 2025", "2025", "2026-03-31").await.unwrap();
    let fields = |result: Result<_, AppError>| match result {
        Err(AppError::Invalid(errors)) => errors.0.into_iter().map(|e| e.field).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    let draft =
        AssessmentDraft { subject: "right:CFR-999".into(), verdict: "good".into(), reasoning: "Fine.".into(), evidence: String::new() };
    assert_eq!(fields(app.assess(&coordinator, cycle.id, "municipality", &draft).await), ["subject"]);
    let draft =
        AssessmentDraft { subject: "theme:HOUSING".into(), verdict: "great".into(), reasoning: " ".into(), evidence: String::new() };
    assert_eq!(fields(app.assess(&coordinator, cycle.id, "the city", &draft).await), ["side", "verdict", "reasoning"]);
    assert!(matches!(app.assess(&coordinator, cycle.id + 1, "municipality", &draft).await, Err(AppError::NotFound)));
    assert!(app.assessment_board(&coordinator, cycle.id).await.unwrap().rows.is_empty(), "nothing refused was kept");
}
