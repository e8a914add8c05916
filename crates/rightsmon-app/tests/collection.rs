//! Collecting values: the approval workflow with four eyes, revisions with reasons, the history
//! of every change, and shadow values that never touch the official one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use rightsmon_app::accounts::UserForm;
use rightsmon_app::observations::ObservationFilter;
use rightsmon_app::{App, AppError};
use rightsmon_domain::access::Actor;
use rightsmon_domain::observation::{ObservationDraft, ObservationValue, RevisionAction, ShadowDraft, WorkflowState};
use support::{fresh, member};

fn value(period: &str, value: &str) -> ObservationDraft {
    ObservationDraft {
        area: "ghent".into(),
        period: period.into(),
        value: value.into(),
        source_name: Some("EU-SILC city sample".into()),
        ..ObservationDraft::default()
    }
}

async fn published(app: &App) -> Vec<(String, ObservationValue)> {
    let filter = ObservationFilter { indicator: Some("RM-HOU-01".into()), area: Some("ghent".into()), ..ObservationFilter::default() };
    app.observations(&Actor::Anonymous, &filter)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|o| (o.data.period.to_string(), o.data.value))
        .collect()
}

#[tokio::test]
async fn a_value_goes_from_draft_to_published_with_four_eyes_and_a_shadow_value_leaves_it_unchanged() {
    let app = fresh().await;
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let cso = member(&app, "cso", "civil_society_member", Some("ghent"), None).await;
    let padova = member(&app, "padova", "data_editor", Some("padova"), None).await;

    assert!(matches!(app.enter_value(&padova, "RM-HOU-01", &value("2023", "12.5")).await, Err(AppError::Forbidden)));
    assert!(matches!(app.enter_value(&cso, "RM-HOU-01", &value("2023", "12.5")).await, Err(AppError::Forbidden)));
    assert!(matches!(app.enter_value(&editor, "RM-HOU-01", &value("2023", "112.5")).await, Err(AppError::Invalid(_))), "outside 0-100");
    let draft = app.enter_value(&editor, "RM-HOU-01", &value("2023", "12.5")).await.unwrap();
    assert_eq!(draft.data.state, WorkflowState::Draft);
    assert!(published(&app).await.is_empty(), "a draft is not public");

    // Editors submit but do not validate; nobody validates what they entered themselves.
    app.submit_value(&editor, draft.id).await.unwrap();
    assert!(
        matches!(app.validate_value(&editor, draft.id).await, Err(AppError::Forbidden)),
        "an editor cannot validate their own submission"
    );
    let own = app.enter_value(&coordinator, "RM-HOU-01", &value("2022", "13.0")).await.unwrap();
    app.submit_value(&coordinator, own.id).await.unwrap();
    assert!(matches!(app.validate_value(&coordinator, own.id).await, Err(AppError::Invalid(_))), "nor a coordinator theirs");
    assert!(matches!(app.publish_value(&coordinator, draft.id).await, Err(AppError::Invalid(_))), "validation comes before publication");

    // Returned for correction, corrected, submitted again, validated and published.
    assert!(matches!(app.return_value(&coordinator, draft.id, " ").await, Err(AppError::Invalid(_))));
    app.return_value(&coordinator, draft.id, "The source date is missing").await.unwrap();
    app.revise_value(
        &editor,
        draft.id,
        &ObservationDraft { source_date: Some("2024-03-01".into()), ..value("2023", "12.7") },
        "Added the source date; 12.7 after the final weights",
    )
    .await
    .unwrap();
    app.submit_value(&editor, draft.id).await.unwrap();
    app.validate_value(&coordinator, draft.id).await.unwrap();
    let public = app.publish_value(&coordinator, draft.id).await.unwrap();
    assert_eq!((public.data.state, public.approved_by), (WorkflowState::Published, coordinator.user().map(|u| u.id)));
    assert_eq!(published(&app).await, [("2023".to_owned(), ObservationValue::Number(12.7))]);

    // A published value is revised only by a coordinator, with a reason; the old one stays in
    // the history. The correction is not public until a second person has validated it: the
    // coordinator who changed it counts as its enterer.
    assert!(matches!(app.revise_value(&editor, draft.id, &value("2023", "12.9"), "late data").await, Err(AppError::Forbidden)));
    let revised = app.revise_value(&coordinator, draft.id, &value("2023", "12.9"), "Eurostat revised the weights").await.unwrap();
    assert_eq!((revised.data.state, revised.entered_by), (WorkflowState::Submitted, coordinator.user().map(|u| u.id)));
    assert!(published(&app).await.is_empty(), "the correction waits for a second person");
    assert!(matches!(app.value_history(&Actor::Anonymous, draft.id).await, Err(AppError::NotFound)));
    assert!(matches!(app.validate_value(&coordinator, draft.id).await, Err(AppError::Invalid(_))), "not by the one who changed it");
    let second = member(&app, "coordinator2", "city_coordinator", Some("ghent"), None).await;
    app.validate_value(&second, draft.id).await.unwrap();
    app.publish_value(&second, draft.id).await.unwrap();
    let history = app.value_history(&coordinator, draft.id).await.unwrap();
    let actions: Vec<RevisionAction> = history.iter().map(|h| h.action).collect();
    use RevisionAction::*;
    assert_eq!(actions, [Created, Submitted, Returned, Revised, Submitted, Validated, Published, Revised, Validated, Published]);
    assert_eq!(history[0].snapshot.value, ObservationValue::Number(12.5));
    assert_eq!(history[6].snapshot.value, ObservationValue::Number(12.7));
    assert_eq!(history[7].reason.as_deref(), Some("Eurostat revised the weights"));
    // Readers outside the city see the published versions only, without the people.
    let public = app.value_history(&Actor::Anonymous, draft.id).await.unwrap();
    let values: Vec<(RevisionAction, ObservationValue, Option<i64>)> =
        public.iter().map(|h| (h.action, h.snapshot.value.clone(), h.user_id)).collect();
    assert_eq!(values, [(Published, ObservationValue::Number(12.7), None), (Published, ObservationValue::Number(12.9), None)]);

    // A civil-society shadow value sits beside the official value and never changes it.
    let before = app.store.get_observation(draft.id).await.unwrap();
    let shadow_draft = ShadowDraft {
        area: "ghent".into(),
        period: "2023".into(),
        value: "19.0".into(),
        assessment: "Our survey of private tenants finds far more overburdened households.".into(),
        sources: "Tenants' Union survey 2023, n = 812".into(),
        ..ShadowDraft::default()
    };
    assert!(matches!(app.file_shadow_value(&editor, "RM-HOU-01", &shadow_draft, None).await, Err(AppError::Forbidden)));
    let shadow = app.file_shadow_value(&cso, "RM-HOU-01", &shadow_draft, None).await.unwrap();
    assert_eq!(app.store.get_observation(draft.id).await.unwrap(), before, "the official value is unchanged");
    assert_eq!(published(&app).await, [("2023".to_owned(), ObservationValue::Number(12.9))]);
    assert!(matches!(app.reply_to_shadow(&cso, shadow.id, "we agree with ourselves").await, Err(AppError::Forbidden)));
    app.reply_to_shadow(
        &coordinator,
        shadow.id,
        "The survey over-represents private tenants; we will compare methods in the working group.",
    )
    .await
    .unwrap();
    let shadows = app.shadow_values("RM-HOU-01", "ghent").await.unwrap();
    assert_eq!(shadows.len(), 1);
    assert!(shadows[0].reply.is_some());
    assert!(matches!(app.reply_to_shadow(&coordinator, shadow.id, "again").await, Err(AppError::Conflict(_))));
}

#[tokio::test]
async fn unpublished_values_and_their_history_stay_inside_their_city() {
    let app = fresh().await;
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
    let padova = member(&app, "padova", "city_coordinator", Some("padova"), None).await;
    let draft = app.enter_value(&editor, "RM-HOU-01", &value("2023", "12.5")).await.unwrap();
    assert!(matches!(app.value_history(&padova, draft.id).await, Err(AppError::NotFound)));
    assert!(matches!(app.value_history(&Actor::Anonymous, draft.id).await, Err(AppError::NotFound)));
    assert!(matches!(app.validate_value(&padova, draft.id).await, Err(AppError::NotFound)));
    assert_eq!(app.value_history(&editor, draft.id).await.unwrap().len(), 1);
    assert!(
        matches!(app.enter_value(&editor, "RM-HOU-01", &value("2023", "12.6")).await, Err(AppError::Conflict(_))),
        "one value per subject"
    );
}

#[tokio::test]
async fn a_cycle_shows_each_provider_its_tasks_and_the_city_its_completeness() {
    let app = fresh().await;
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let department = app.create_organisation("Statistics office", "municipal_department", Some("ghent")).await.unwrap();
    app.create_user(
        None,
        &UserForm { username: "stats".into(), display_name: "Stats".into(), email: None, password: "a long enough password".into() },
    )
    .await
    .unwrap();
    app.add_membership("stats", "data_editor", Some("ghent"), Some(department.id)).await.unwrap();
    let session = app.login("stats", "a long enough password", "test").await.unwrap();
    let provider = app.actor_for_token(Some(&session.token)).await.unwrap();
    let padova = member(&app, "padova", "city_coordinator", Some("padova"), None).await;

    assert!(matches!(app.create_cycle(&provider, "ghent", "Annual report 2023", "2023", "2024-03-31").await, Err(AppError::Forbidden)));
    let cycle = app.create_cycle(&coordinator, "ghent", "Annual report 2023", "2023", "2024-03-31").await.unwrap();
    assert!(matches!(app.create_cycle(&coordinator, "ghent", "Annual report 2023", "2023", "2024-03-31").await, Err(AppError::Invalid(_))));
    for code in ["RM-HOU-01", "RM-EDU-01"] {
        app.assign(&coordinator, cycle.id, code, department.id).await.unwrap();
    }
    assert!(
        matches!(app.assign(&padova, cycle.id, "RM-SOC-01", department.id).await, Err(AppError::NotFound)),
        "another city's cycle is not seen"
    );
    assert!(
        matches!(app.assign(&provider, cycle.id, "RM-SOC-01", department.id).await, Err(AppError::Forbidden)),
        "nor managed by its providers"
    );
    let elsewhere = app.create_organisation("Padova office", "municipal_department", Some("padova")).await.unwrap();
    assert!(matches!(app.assign(&coordinator, cycle.id, "RM-SOC-01", elsewhere.id).await, Err(AppError::Invalid(_))));

    let tasks = app.my_tasks(&provider).await.unwrap();
    assert_eq!(tasks.iter().map(|t| (t.indicator.as_str(), t.received)).collect::<Vec<_>>(), [("RM-EDU-01", None), ("RM-HOU-01", None)]);
    let entered = app.enter_value(&provider, "RM-HOU-01", &value("2023", "12.5")).await.unwrap();
    app.submit_value(&provider, entered.id).await.unwrap();
    app.validate_value(&coordinator, entered.id).await.unwrap();
    app.publish_value(&coordinator, entered.id).await.unwrap();
    let completeness = app.completeness(&coordinator, cycle.id).await.unwrap();
    assert_eq!((completeness.expected, completeness.received, completeness.published), (2, 1, 1));
    assert!(matches!(app.completeness(&padova, cycle.id).await, Err(AppError::NotFound)), "completeness stays inside the city");
    assert!(matches!(app.completeness(&Actor::Anonymous, cycle.id).await, Err(AppError::NotFound)));
    assert_eq!(app.cycles("ghent").await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_cycle_has_a_wide_template_that_imports_back_whole_or_not_at_all() {
    use rightsmon_formats::spreadsheet::{Cell, read_xlsx, write_xlsx};
    let app = fresh().await;
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let padova = member(&app, "padova", "city_coordinator", Some("padova"), None).await;
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
    let department = app.create_organisation("Statistics office", "municipal_department", Some("ghent")).await.unwrap();
    let cycle = app.create_cycle(&coordinator, "ghent", "Annual report 2023", "2023", "2024-03-31").await.unwrap();
    for code in ["RM-HOU-01", "RM-EDU-01"] {
        app.assign(&coordinator, cycle.id, code, department.id).await.unwrap();
    }
    app.enter_value(&editor, "RM-HOU-01", &value("2023", "12.5")).await.unwrap();

    let (name, bytes) = app.wide_template(&editor, cycle.id, "en").await.unwrap();
    assert_eq!(name, format!("ghent-cycle-{}-2023.xlsx", cycle.id));
    assert!(matches!(app.wide_template(&padova, cycle.id, "en").await, Err(AppError::NotFound)), "a template stays in its city");
    let mut sheets = read_xlsx(&bytes).unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["about", "RM-EDU-01", "RM-HOU-01"]);
    let housing = &sheets[2];
    assert_eq!(housing.rows[1][1], Cell::Text("RM-HOU-01".into()));
    assert_eq!(housing.rows[2][1], Cell::Text("2023".into()));
    assert_eq!(housing.rows[5][2], Cell::Text("_T".into()), "the first group is the whole population");
    assert_eq!(housing.rows[7][0], Cell::Text("ghent".into()), "the city is the first area");
    assert_eq!(housing.rows[7][2], Cell::Number(12.5), "a stored value is filled in");
    let education = &sheets[1];
    let groups = education.rows[5].len() - 2 - 4;
    assert!(groups >= 3, "the groups of RM-EDU-01 are columns: {:?}", education.rows[5]);

    // Fill in the whole population and one group of RM-EDU-01.
    let fill = |sheets: &mut Vec<rightsmon_formats::spreadsheet::Sheet>, cells: &[(usize, Cell)]| {
        let row = &mut sheets[1].rows[7];
        row.resize(row.len().max(8), Cell::Empty);
        for (column, cell) in cells {
            row[*column] = cell.clone();
        }
    };
    fill(&mut sheets, &[(2, Cell::Number(9.5)), (3, Cell::Text("abc".into()))]);
    let request = rightsmon_app::imports::ImportRequest::default();
    let report = app.import_workbook(&editor, &write_xlsx(&sheets).unwrap(), &request, &|_, _| {}).await.unwrap();
    assert!(!report.committed);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let problem = &report.problems[0];
    let header = match &sheets[1].rows[5][3] {
        Cell::Text(text) => text.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (problem.file.as_deref(), problem.row, problem.column.as_deref(), problem.value.as_deref()),
        (Some("RM-EDU-01"), Some(8), Some(format!("D ({header})").as_str()), Some("abc"))
    );
    let count = |app: &App| {
        let app = app.clone();
        let editor = editor.clone();
        async move {
            let filter = ObservationFilter { area: Some("ghent".into()), ..ObservationFilter::default() };
            app.observations(&editor, &filter).await.unwrap().total
        }
    };
    assert_eq!(count(&app).await, 1, "a workbook with a problem imports nothing");

    fill(&mut sheets, &[(3, Cell::Number(4.0))]);
    let workbook = write_xlsx(&sheets).unwrap();
    let report = app.import_workbook(&editor, &workbook, &request, &|_, _| {}).await.unwrap();
    assert!(report.committed, "{:?}", report.problems);
    assert_eq!((report.created, report.unchanged), (2, 1));
    assert_eq!(count(&app).await, 3);
    let again = app.import_workbook(&editor, &workbook, &request, &|_, _| {}).await.unwrap();
    assert_eq!((again.created, again.unchanged, again.revised), (0, 3, 0), "importing the same workbook again changes nothing");

    // A workbook that is not one (truncated) is refused with a clear problem.
    let report = app.import_workbook(&editor, &workbook[..workbook.len() / 2], &request, &|_, _| {}).await.unwrap();
    assert!(!report.committed && report.problem_count() == 1, "{:?}", report.problems);
}
