//! Findings on the demo network: each verdict names its method and rests on exactly the values
//! the reader may see, so that it can be recomputed from them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_analysis::progress::{CagrOptions, Direction, Outcome, open_sdg_cagr_score};
use rightsmon_app::App;
use rightsmon_domain::access::Actor;
use rightsmon_store::prelude::*;
use rightsmon_store_sqlite::SqliteStore;
use std::sync::Arc;

async fn demo() -> App {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(Arc::new(store));
    rightsmon_app::reference::initialise(&app).await.unwrap();
    app.load_demo().await.unwrap();
    app
}

#[tokio::test]
async fn the_public_sees_verdicts_on_published_values_that_recompute_from_them() {
    let app = demo().await;
    // Share of households overcrowded, lower is better, by sex; the latest year is still in review.
    let f = app.indicator_findings(&Actor::Anonymous, "RM-HOU-01", "ghent").await.unwrap();
    assert!(f.published_only);
    assert_eq!(f.direction, "lower_is_better");
    let years: Vec<i32> = f.points.iter().map(|p| p.year).collect();
    assert_eq!(years, (2019..=2023).collect::<Vec<_>>(), "the submitted 2024 value is not public");
    let names: Vec<&str> = f.progress.iter().map(|a| a.method.name).collect();
    assert_eq!(
        names,
        ["open-sdg-cagr-score", "open-sdg-progress-status", "open-sdg-progress-measure", "unsd-progress-chart", "eurostat-sdg-assessment"]
    );
    // The baseline benchmark sets the base year; the score recomputes from the points.
    let score = &f.progress[0];
    assert_eq!(score.base.unwrap().year, 2019);
    // Ghent's own target of 2030 is part of the inputs.
    let target = f.target.expect("the demo gives Ghent targets");
    assert_eq!(target.year, 2030);
    let options = CagrOptions { direction: Direction::Negative, base_year: 2019, target: Some(target.value), target_year: target.year };
    let again = open_sdg_cagr_score(&f.points, &options);
    assert_eq!(score.score(), again.score());
    assert!(matches!(f.progress[1].outcome, Outcome::Category { .. }));
    assert!(f.headline().is_some());
    // Trend, non-retrogression and the gap between women and men.
    assert_eq!(f.trend.current().unwrap().points, 5);
    assert!(f.retrogression.latest.is_some());
    let gaps = f.gaps.as_ref().expect("the demo breaks this indicator down by sex");
    assert_eq!(gaps.reference, "SEX=M");
    assert_eq!(gaps.groups.iter().map(|g| g.group.as_str()).collect::<Vec<_>>(), ["SEX=F"]);
    assert!(f.gap_trend.is_some());

    // A member of the city also sees the value in review.
    let token = app.login("ghent-viewer", rightsmon_app::demo::DEMO_PASSWORD, "test").await.unwrap().token;
    let member = app.actor_for_token(Some(&token)).await.unwrap();
    let inside = app.indicator_findings(&member, "RM-HOU-01", "ghent").await.unwrap();
    assert!(!inside.published_only);
    assert_eq!(inside.points.last().unwrap().year, 2024);
}

#[tokio::test]
async fn a_city_has_findings_for_each_of_its_indicators_and_unknown_ones_are_not_found() {
    let app = demo().await;
    let all = app.city_findings(&Actor::Anonymous, "padova").await.unwrap();
    assert!(all.len() >= 5, "{}", all.len());
    assert!(all.windows(2).all(|w| w[0].indicator < w[1].indicator));
    assert!(matches!(app.indicator_findings(&Actor::Anonymous, "RM-NOPE-01", "padova").await, Err(rightsmon_app::AppError::NotFound)));
    assert!(matches!(app.city_findings(&Actor::Anonymous, "atlantis").await, Err(rightsmon_app::AppError::NotFound)));
}

#[tokio::test]
async fn a_city_with_many_drafts_shows_its_members_every_indicator_and_others_what_they_see() {
    let app = demo().await;
    let anonymous = app.city_findings(&Actor::Anonymous, "ghent").await.unwrap().len();
    // Far more drafts of one indicator than a page holds, all in Ghent.
    let editor = app.actor_for_username("ghent-editor").await.unwrap();
    let drafts: Vec<rightsmon_domain::observation::ObservationDraft> = (0..1500)
        .map(|i| rightsmon_domain::observation::ObservationDraft {
            area: "ghent".into(),
            period: format!("{}-{:02}", 1800 + i / 12, i % 12 + 1),
            value: "10".into(),
            ..rightsmon_domain::observation::ObservationDraft::default()
        })
        .collect();
    app.enter_values(&editor, "RM-EDU-01", &drafts).await.unwrap();
    let token = app.login("ghent-viewer", rightsmon_app::demo::DEMO_PASSWORD, "test").await.unwrap().token;
    let viewer = app.actor_for_token(Some(&token)).await.unwrap();
    let inside = app.city_findings(&viewer, "ghent").await.unwrap();
    assert!(inside.len() >= anonymous, "a member sees at least what the public sees: {} < {anonymous}", inside.len());
    assert_eq!(app.city_findings(&Actor::Anonymous, "ghent").await.unwrap().len(), anonymous);
    assert!(inside.iter().all(|f| !f.published_only));
    // A member of another city sees Ghent's published values only, and is told so.
    let padova = app.actor_for_username("padova-editor").await.unwrap();
    let outside = app.city_findings(&padova, "ghent").await.unwrap();
    assert_eq!(outside.len(), anonymous);
    assert!(outside.iter().all(|f| f.published_only), "published_only is true for a member of another city");
}

#[tokio::test]
async fn no_yes_no_indicator_is_called_a_deterioration_when_its_value_stays_the_same() {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(Arc::new(store));
    rightsmon_app::reference::initialise(&app).await.unwrap();
    let form = rightsmon_app::accounts::UserForm {
        username: "network".into(),
        display_name: "Network".into(),
        email: None,
        password: "a long enough password".into(),
    };
    app.create_user(None, &form).await.unwrap();
    app.add_membership("network", "network_coordinator", None, None).await.unwrap();
    let coordinator = app.actor_for_username("network").await.unwrap();
    let page = app.indicators(&rightsmon_app::catalogue::IndicatorFilter { limit: Some(1000), ..Default::default() }).await.unwrap();
    let yes_no: Vec<_> =
        page.items.iter().filter(|d| d.value_type == rightsmon_domain::catalogue::ValueType::YesNo).map(|d| d.code.clone()).collect();
    assert!(yes_no.len() >= 10, "the framework's yes/no indicators: {}", yes_no.len());
    for (index, code) in yes_no.iter().enumerate() {
        // Half stay "no" for six years, half stay "yes"; each in a city of its own series.
        let value = if index % 2 == 0 { "0" } else { "1" };
        let drafts: Vec<rightsmon_domain::observation::ObservationDraft> = (2018..2024)
            .map(|year| rightsmon_domain::observation::ObservationDraft {
                area: "braga".into(),
                period: year.to_string(),
                value: value.into(),
                ..Default::default()
            })
            .collect();
        app.enter_values(&coordinator, code.as_str(), &drafts).await.unwrap();
        let f = app.indicator_findings(&coordinator, code.as_str(), "braga").await.unwrap();
        assert_eq!(f.progress.len(), 1, "{code}: a state is judged by its state alone");
        for a in &f.progress {
            let (category, level) = a.category().unwrap_or_else(|| panic!("{code}: {:?}", a.outcome));
            assert_ne!(category, "deterioration", "{code} under {}", a.method.name);
            assert_ne!(category, "no_longer_in_place", "{code}");
            assert!(level >= 1, "{code}: an unchanged {value} is not the worst state");
            assert_eq!(a.base.unwrap().year, 2018, "{code}: the same since 2018");
        }
        assert!(!f.retrogression.flagged, "{code}: no change is no retrogression");
        let headline = f.headline().unwrap();
        assert_eq!(headline.method.name, "state-change");
        assert_eq!(headline.category().unwrap().0, if value == "1" { "in_place" } else { "not_in_place" });
    }
    // A yes that became a no is a real deterioration, and says since when.
    let code = yes_no[0].as_str();
    let draft = rightsmon_domain::observation::ObservationDraft {
        area: "padova".into(),
        period: "2022".into(),
        value: "1".into(),
        ..Default::default()
    };
    app.enter_value(&coordinator, code, &draft).await.unwrap();
    let later = rightsmon_domain::observation::ObservationDraft { period: "2023".into(), value: "0".into(), ..draft };
    app.enter_value(&coordinator, code, &later).await.unwrap();
    let f = app.indicator_findings(&coordinator, code, "padova").await.unwrap();
    let headline = f.headline().unwrap();
    assert_eq!((headline.category().unwrap().0, headline.base.unwrap().year), ("no_longer_in_place", 2023));
}

#[tokio::test]
async fn the_network_chooses_the_method_whose_verdict_leads() {
    let app = demo().await;
    let led = |app: App| async move {
        app.indicator_findings(&Actor::Anonymous, "RM-HOU-01", "ghent").await.unwrap().headline().unwrap().method.name
    };
    assert_eq!(led(app.clone()).await, "open-sdg-progress-measure");
    let settings = rightsmon_app::AppSettings { headline_method: "eurostat-sdg-assessment", ..rightsmon_app::AppSettings::default() };
    assert_eq!(led(app.with_settings(settings)).await, "eurostat-sdg-assessment");
    assert_eq!(rightsmon_app::findings::headline_method("unsd-progress-chart"), Some("unsd-progress-chart"));
    assert_eq!(rightsmon_app::findings::headline_method("trend-ols"), None, "a trend is not a verdict");
}

#[tokio::test]
async fn findings_are_kept_until_a_write_by_any_process_changes_what_they_rest_on() {
    use rightsmon_domain::audit::NewAuditEvent;
    use rightsmon_domain::id::{AreaCode, IndicatorCode};
    use rightsmon_domain::observation::WorkflowState;
    use rightsmon_domain::time::Timestamp;
    use rightsmon_store::{ObservationQuery, Visibility};
    let app = demo().await;
    let ghent = AreaCode::parse("ghent").unwrap();
    let before = app.indicator_findings(&Actor::Anonymous, "RM-HOU-01", "ghent").await.unwrap();
    let generation = app.store.findings_generation(&ghent).await.unwrap();
    let again = app.indicator_findings(&Actor::Anonymous, "RM-HOU-01", "ghent").await.unwrap();
    assert_eq!(serde_json::to_value(&again).unwrap(), serde_json::to_value(&before).unwrap());
    assert_eq!(app.store.findings_generation(&ghent).await.unwrap(), generation, "reading findings writes nothing");
    let city_page = app.city_findings(&Actor::Anonymous, "ghent").await.unwrap();

    // Another process (an application of its own on the same database) publishes the 2024 value.
    let other = App::new(app.store.clone());
    let audit = NewAuditEvent::new(Timestamp(1_800_000_000), None, "test.published", "test:1", serde_json::json!({}));
    let mut query = ObservationQuery::new(Visibility::All);
    query.indicator = Some(IndicatorCode::parse("RM-HOU-01").unwrap());
    query.area = Some(ghent.clone());
    query.key = Some(rightsmon_domain::codelist::DisaggregationKey::total());
    let pending =
        other.store.list_all_observations(&query).await.unwrap().into_iter().find(|o| o.data.state == WorkflowState::Submitted).unwrap();
    let validated = other
        .store
        .set_observation_state(pending.id, pending.revision, WorkflowState::Validated, None, Timestamp(1_800_000_000), None, &audit)
        .await
        .unwrap();
    other
        .store
        .set_observation_state(validated.id, validated.revision, WorkflowState::Published, None, Timestamp(1_800_000_000), None, &audit)
        .await
        .unwrap();

    let after = app.indicator_findings(&Actor::Anonymous, "RM-HOU-01", "ghent").await.unwrap();
    assert_eq!(after.points.last().unwrap().year, 2024, "the kept findings were computed again");
    let city_after = app.city_findings(&Actor::Anonymous, "ghent").await.unwrap();
    let housing =
        |all: &[rightsmon_app::findings::IndicatorFindings]| all.iter().find(|f| f.indicator == "RM-HOU-01").unwrap().points.len();
    assert_eq!(housing(&city_after), housing(&city_page) + 1);
    // Padova's findings rest on nothing that changed.
    let padova = AreaCode::parse("padova").unwrap();
    let padova_generation = app.store.findings_generation(&padova).await.unwrap();
    // (The demo's network report computed every city's public findings already, so a first
    // refresh may find some of them current.)
    app.refresh_findings("padova").await.unwrap();
    assert_eq!(app.refresh_findings("padova").await.unwrap(), 0, "a second refresh finds everything current");
    app.refresh_all_findings().await.unwrap();
    assert_eq!(app.refresh_all_findings().await.unwrap(), 0, "then every city is current");
    assert_eq!(app.store.findings_generation(&padova).await.unwrap(), padova_generation);
}
