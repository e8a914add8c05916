//! The conformance suite: one story per store operation, run on every backend.
//!
//! An adapter's test crate calls [`conformance_suite!`](crate::conformance_suite) with a type
//! implementing [`TestBackend`]; each case then runs on a fresh, empty, migrated database that
//! is removed afterwards, whether the case passes or fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::{Store, StoreError};
use async_trait::async_trait;
use std::future::Future;
use std::sync::Arc;

/// A backend the suite can create a fresh database in, and remove it from.
#[async_trait]
pub trait TestBackend: Sized + Send {
    /// A fresh, migrated, empty store; `None` when the backend is not available here (and that
    /// is allowed), after saying so.
    async fn create() -> Option<Self>;
    fn store(&self) -> Arc<dyn Store>;
    async fn destroy(self);
}

/// Runs one case on a fresh database of backend `B` and removes the database afterwards.
pub async fn run<B, F, Fut>(case: F)
where
    B: TestBackend,
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(backend) = B::create().await else { return };
    let outcome = tokio::spawn(case(backend.store())).await;
    backend.destroy().await;
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the case did not finish: {error}"),
        }
    }
}

/// Expands to one `#[tokio::test]` per conformance case for the backend type given.
#[macro_export]
macro_rules! conformance_suite {
    ($backend:ty) => {
        $crate::conformance_suite!(@cases $backend;
            migrations_are_idempotent,
            ping_answers,
            themes_are_upserted_idempotently,
            rights_are_upserted_and_listed_by_kind,
            codelists_round_trip_with_their_codes,
            areas_need_an_existing_parent,
            areas_are_listed_by_kind_and_parent,
            an_unknown_area_is_not_found,
            district_boundaries_are_replaced_as_a_whole,
            indicator_versions_are_immutable_and_listed,
            indicators_are_filtered_by_scope_theme_and_right,
            indicator_pages_are_bounded,
            observations_round_trip_with_provenance,
            a_duplicate_observation_is_a_conflict,
            observations_are_filtered_by_visibility,
            observations_are_filtered_by_period_key_and_area,
            observation_states_move_with_revisions,
            benchmarks_are_upserted,
            organisations_are_created_and_listed,
            users_are_unique_and_can_be_disabled,
            passwords_hashes_are_kept_and_replaced,
            memberships_are_unique_per_role_and_scope,
            sessions_expire_and_can_be_deleted,
            login_failures_are_counted_and_cleared,
            audit_events_form_a_verifiable_chain,
            metacharacters_are_stored_verbatim,
            a_failed_write_leaves_no_lock_behind,
            concurrent_writers_do_not_fail,
            indicator_versions_are_stored_together_or_not_at_all,
            indicators_are_found_by_words_role_and_right_hierarchy,
            proposals_are_created_listed_and_withdrawn,
            comments_endorsements_and_objections_are_kept,
            a_decision_applies_its_changes_at_once_and_is_final,
            a_decision_whose_change_fails_leaves_nothing,
            governance_rules_have_defaults_and_can_be_set,
            every_change_of_a_value_is_kept_in_its_history,
            a_revision_keeps_the_subject_and_needs_the_current_revision,
            shadow_values_are_kept_beside_the_official_ones_and_answered_once,
            cycles_and_assignments_say_who_provides_what,
            observations_are_stored_together_or_not_at_all,
            an_import_is_kept_whole_or_not_at_all_and_revises_with_its_reason,
            every_change_appends_its_audit_event_and_a_refused_one_none,
            an_import_appends_its_event_with_its_values_and_leaves_nothing_staged,
            a_revised_approved_value_goes_back_to_a_second_person,
            whole_queries_are_not_cut_at_a_page,
            an_erased_user_keeps_only_their_id,
            login_failures_tell_when_the_last_one_was,
            the_instance_tables_are_the_schema,
            an_instance_is_exported_whole_and_loaded_only_into_an_empty_database
        );
    };
    (@cases $backend:ty; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::conformance::run::<$backend, _, _>($crate::conformance::cases::$case).await;
            }
        )*
    };
}

fn expect_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::Conflict { .. }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn expect_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::NotFound) => {}
        other => panic!("expected not found, got {other:?}"),
    }
}

pub mod fixtures {
    //! Small valid values to store.
    use rightsmon_domain::area::{Area, AreaDraft};
    use rightsmon_domain::catalogue::{IndicatorDefinition, IndicatorDraft, RightLinkDraft};
    use rightsmon_domain::observation::{NewObservation, ObservationDraft, WorkflowState};

    pub fn area(code: &str, kind: &str, parent: Option<&str>) -> Area {
        Area::parse(&AreaDraft {
            code: code.into(),
            kind: kind.into(),
            parent: parent.map(Into::into),
            name: format!("Area {code}"),
            country: (kind == "city").then(|| "BE".into()),
            language: (kind == "city").then(|| "nl".into()),
            ..AreaDraft::default()
        })
        .unwrap()
    }

    pub fn indicator(code: &str, version: u32, city: Option<&str>, theme: &str, right: &str) -> IndicatorDefinition {
        IndicatorDefinition::parse(&IndicatorDraft {
            code: code.into(),
            version,
            city: city.map(Into::into),
            name: [("en".to_owned(), format!("Indicator {code}")), ("nl".to_owned(), format!("Indicator {code} (nl)"))].into(),
            definition: [("en".to_owned(), format!("Definition of {code}, version {version}"))].into(),
            unit: "%".into(),
            direction: "higher_is_better".into(),
            value_type: "percentage".into(),
            disaggregations: vec![vec!["SEX".into()], vec!["AGE".into(), "SEX".into()]],
            themes: vec![theme.into()],
            rights: vec![RightLinkDraft { right: right.into(), link_type: "outcome".into(), attribute: None }],
            ..IndicatorDraft::default()
        })
        .unwrap()
    }

    pub fn observation(
        definition: &IndicatorDefinition,
        area: &str,
        period: &str,
        key: &str,
        value: &str,
        state: WorkflowState,
    ) -> NewObservation {
        NewObservation::parse(
            definition,
            &ObservationDraft {
                area: area.into(),
                period: period.into(),
                key: key.into(),
                value: value.into(),
                lower_bound: Some("1".into()),
                upper_bound: Some("99".into()),
                status: Some("provisional".into()),
                provenance_kind: Some("survey".into()),
                source_name: Some("City survey".into()),
                source_reference: Some("https://example.org/survey".into()),
                source_date: Some("2024-03-01".into()),
                method_note: Some("Weighted by age and sex".into()),
            },
            state,
        )
        .unwrap()
    }
}

pub mod cases {
    //! The cases, one per store operation or rule.
    use super::fixtures::*;
    use super::{expect_conflict, expect_not_found};
    use crate::*;
    use crate::{InstanceItem, InstanceSink, InstanceSource};
    use rightsmon_domain::access::{Membership, NewOrganisation, Role, Scope, Username};
    use rightsmon_domain::area::AreaKind;
    use rightsmon_domain::audit::NewAuditEvent;
    use rightsmon_domain::codelist::{CodeItem, Codelist, DisaggregationKey};
    use rightsmon_domain::id::{AreaCode, Code, DimensionId, IndicatorCode};
    use rightsmon_domain::observation::{Benchmark, ObservationValue, ProvenanceKind, StatusFlag, WorkflowState};
    use rightsmon_domain::period::Period;
    use rightsmon_domain::right::{Right, RightCode, RightKind, Theme, ThemeCode};
    use rightsmon_domain::text::Texts;
    use rightsmon_domain::time::Timestamp;
    use std::sync::Arc;

    type S = Arc<dyn Store>;

    /// The audit event the cases' writes are recorded with.
    pub fn audit() -> NewAuditEvent {
        NewAuditEvent::new(Timestamp(1), None, "test.changed", "test:1", serde_json::json!({}))
    }

    fn city(code: &str) -> AreaCode {
        AreaCode::parse(code).unwrap()
    }

    fn theme(code: &str, position: u32) -> Theme {
        Theme {
            code: ThemeCode::parse(code).unwrap(),
            is_agreed_area: position < 3,
            position,
            name: Texts::from_pairs([("en", code), ("it", "tema")]).unwrap(),
            description: Some(Texts::english("What it covers").unwrap()),
        }
    }

    fn article(number: u8) -> Right {
        Right::new(
            RightCode::charter_article(number).unwrap(),
            Some(RightCode::charter_title(if number <= 5 { 1 } else { 4 }).unwrap()),
            u32::from(number),
            Texts::english(&format!("Article {number}")).unwrap(),
            None,
        )
        .unwrap()
    }

    fn title(number: u8) -> Right {
        Right::new(RightCode::charter_title(number).unwrap(), None, u32::from(number), Texts::english("Title").unwrap(), None).unwrap()
    }

    /// A network, two cities and a district of the first, with three reference rights and a theme.
    pub async fn base(store: &S) {
        store.upsert_area(&area("net", "network", None), &audit()).await.unwrap();
        store.upsert_area(&area("ghent", "city", Some("net")), &audit()).await.unwrap();
        store.upsert_area(&area("padova", "city", Some("net")), &audit()).await.unwrap();
        store.upsert_area(&area("centrum", "district", Some("ghent")), &audit()).await.unwrap();
        for t in [1, 4] {
            store.upsert_right(&title(t), &audit()).await.unwrap();
        }
        for a in [1, 21, 34] {
            store.upsert_right(&article(a), &audit()).await.unwrap();
        }
        store.upsert_theme(&theme("HOUSING", 0), &audit()).await.unwrap();
        store.upsert_theme(&theme("EDUCATION", 1), &audit()).await.unwrap();
    }

    pub async fn migrations_are_idempotent(store: S) {
        assert_eq!(store.migrate().await.unwrap(), 0, "a migrated database has nothing left to apply");
    }

    pub async fn ping_answers(store: S) {
        store.ping().await.unwrap();
        assert!(["sqlite", "postgres"].contains(&store.backend()));
    }

    pub async fn themes_are_upserted_idempotently(store: S) {
        assert_eq!(store.upsert_theme(&theme("HOUSING", 1), &audit()).await.unwrap(), Written::Created);
        assert_eq!(store.upsert_theme(&theme("HOUSING", 1), &audit()).await.unwrap(), Written::Unchanged);
        assert_eq!(store.upsert_theme(&theme("CLIMATE", 0), &audit()).await.unwrap(), Written::Created);
        let mut changed = theme("HOUSING", 1);
        changed.name = Texts::from_pairs([("en", "Housing"), ("nl", "Wonen")]).unwrap();
        assert_eq!(store.upsert_theme(&changed, &audit()).await.unwrap(), Written::Updated);
        let themes = store.list_themes().await.unwrap();
        assert_eq!(themes.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(), ["CLIMATE", "HOUSING"], "ordered by position");
        assert_eq!(themes[1], changed);
    }

    pub async fn rights_are_upserted_and_listed_by_kind(store: S) {
        store.upsert_right(&title(1), &audit()).await.unwrap();
        store.upsert_right(&title(4), &audit()).await.unwrap();
        assert_eq!(store.upsert_right(&article(34), &audit()).await.unwrap(), Written::Created);
        assert_eq!(store.upsert_right(&article(34), &audit()).await.unwrap(), Written::Unchanged);
        store.upsert_right(&article(1), &audit()).await.unwrap();
        let goal = Right::new(RightCode::sdg_goal(5).unwrap(), None, 5, Texts::english("Gender equality").unwrap(), None).unwrap();
        store.upsert_right(&goal, &audit()).await.unwrap();
        let target = Right::new(
            RightCode::sdg_target("5.2").unwrap(),
            Some(goal.code.clone()),
            2,
            Texts::english("Violence").unwrap(),
            Some(Texts::english("Eliminate all forms of violence").unwrap()),
        )
        .unwrap();
        store.upsert_right(&target, &audit()).await.unwrap();
        let articles = store.list_rights(Some(RightKind::CharterArticle)).await.unwrap();
        assert_eq!(articles.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["CFR-1", "CFR-34"]);
        assert_eq!(articles[1], article(34));
        assert_eq!(store.list_rights(None).await.unwrap().len(), 6);
        assert_eq!(store.list_rights(Some(RightKind::SdgTarget)).await.unwrap(), vec![target]);
    }

    pub async fn codelists_round_trip_with_their_codes(store: S) {
        let item = |code: &str, name: &str| CodeItem { code: Code::parse(code).unwrap(), name: Texts::from_pairs([("en", name)]).unwrap() };
        let sex = Codelist::new(
            DimensionId::parse("CL_SEX").unwrap(),
            DimensionId::parse("SEX").unwrap(),
            Texts::english("Sex").unwrap(),
            vec![item("_T", "Total"), item("F", "Female"), item("M", "Male")],
        )
        .unwrap();
        assert_eq!(store.upsert_codelist(&sex, &audit()).await.unwrap(), Written::Created);
        assert_eq!(store.upsert_codelist(&sex, &audit()).await.unwrap(), Written::Unchanged);
        let fewer =
            Codelist::new(sex.id().clone(), sex.dimension().clone(), sex.name().clone(), vec![item("_T", "Total"), item("F", "Women")])
                .unwrap();
        assert_eq!(store.upsert_codelist(&fewer, &audit()).await.unwrap(), Written::Updated);
        assert_eq!(store.list_codelists().await.unwrap(), vec![fewer]);
    }

    pub async fn areas_need_an_existing_parent(store: S) {
        expect_not_found(store.upsert_area(&area("ghent", "city", Some("net")), &audit()).await);
        assert_eq!(store.upsert_area(&area("net", "network", None), &audit()).await.unwrap(), Written::Created);
        assert_eq!(store.upsert_area(&area("ghent", "city", Some("net")), &audit()).await.unwrap(), Written::Created);
        assert_eq!(store.upsert_area(&area("ghent", "city", Some("net")), &audit()).await.unwrap(), Written::Unchanged);
        let mut renamed = area("ghent", "city", Some("net"));
        renamed.local_name = Some("Gent".into());
        assert_eq!(store.upsert_area(&renamed, &audit()).await.unwrap(), Written::Updated);
        assert_eq!(store.get_area(&city("ghent")).await.unwrap(), renamed);
        // A district must sit in a city, not in the network.
        store.upsert_area(&area("wijk", "district", Some("ghent")), &audit()).await.unwrap();
        let misplaced = area("wijk2", "district", Some("net"));
        assert!(store.upsert_area(&misplaced, &audit()).await.is_err());
    }

    pub async fn areas_are_listed_by_kind_and_parent(store: S) {
        base(&store).await;
        let cities = store.list_areas(Some(AreaKind::City), None).await.unwrap();
        assert_eq!(cities.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["ghent", "padova"]);
        let districts = store.list_areas(None, Some(&city("ghent"))).await.unwrap();
        assert_eq!(districts.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["centrum"]);
        assert_eq!(store.list_areas(None, None).await.unwrap().len(), 4);
    }

    pub async fn an_unknown_area_is_not_found(store: S) {
        expect_not_found(store.get_area(&city("nowhere")).await);
    }

    pub async fn district_boundaries_are_replaced_as_a_whole(store: S) {
        use rightsmon_domain::area::Boundary;
        base(&store).await;
        let square = |x: f64| vec![vec![vec![[x, 51.0], [x + 0.01, 51.0], [x + 0.01, 51.01], [x, 51.01], [x, 51.0]]]];
        let outline = |code: &str, x: f64| (area(code, "district", Some("ghent")), Boundary { area: city(code), polygons: square(x) });
        // The existing district gets an outline; a new one is created with its own.
        let first = vec![outline("centrum", 3.7), outline("ledeberg", 3.72)];
        store.replace_boundaries(&city("ghent"), &first, Timestamp(10), &audit()).await.unwrap();
        let stored = store.list_boundaries(&city("ghent")).await.unwrap();
        assert_eq!(stored.iter().map(|b| b.area.as_str()).collect::<Vec<_>>(), ["centrum", "ledeberg"]);
        assert_eq!(stored[1].polygons, square(3.72), "coordinates round-trip exactly");
        assert_eq!(store.get_area(&city("ledeberg")).await.unwrap().parent, Some(city("ghent")));
        // A second upload replaces the first: a district left out keeps its area, not its outline.
        store.replace_boundaries(&city("ghent"), &[outline("ledeberg", 3.73)], Timestamp(11), &audit()).await.unwrap();
        let stored = store.list_boundaries(&city("ghent")).await.unwrap();
        assert_eq!((stored.len(), stored[0].polygons.clone()), (1, square(3.73)));
        assert!(store.get_area(&city("centrum")).await.is_ok());
        assert!(store.list_boundaries(&city("padova")).await.unwrap().is_empty());
        // Another city's district, or an area of another kind, fails the whole upload.
        let foreign = vec![
            outline("wijk", 3.74),
            (area("padova-centro", "district", Some("padova")), Boundary { area: city("padova-centro"), polygons: square(3.75) }),
        ];
        expect_conflict(store.replace_boundaries(&city("ghent"), &foreign, Timestamp(12), &audit()).await);
        expect_not_found(store.get_area(&city("wijk")).await);
        store.upsert_area(&area("padova-centro", "district", Some("padova")), &audit()).await.unwrap();
        let stolen =
            vec![(area("padova-centro", "district", Some("ghent")), Boundary { area: city("padova-centro"), polygons: square(3.75) })];
        expect_conflict(store.replace_boundaries(&city("ghent"), &stolen, Timestamp(13), &audit()).await);
        assert_eq!(store.get_area(&city("padova-centro")).await.unwrap().parent, Some(city("padova")));
        assert_eq!(store.list_boundaries(&city("ghent")).await.unwrap().len(), 1, "nothing of a failed upload is kept");
        expect_not_found(store.replace_boundaries(&city("atlantis"), &[], Timestamp(14), &audit()).await);
    }

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
        expect_conflict(
            store.put_indicator_version(&indicator("RM-1", 3, Some("ghent"), "HOUSING", "CFR-34"), Timestamp(15), &audit()).await,
        );
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
        let huge = store
            .list_indicators(&IndicatorQuery { page: PageRequest::new(u32::MAX, u64::MAX), ..IndicatorQuery::default() })
            .await
            .unwrap();
        assert_eq!(huge.limit, MAX_PAGE_SIZE);
        assert!(huge.items.is_empty());
    }

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
        let ghent_view =
            store.list_observations(&ObservationQuery::new(Visibility::PublishedAndCities(vec![city("ghent")]))).await.unwrap();
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
        let submitted =
            store.set_observation_state(stored.id, 1, WorkflowState::Submitted, None, Timestamp(2), None, &audit()).await.unwrap();
        assert_eq!((submitted.data.state, submitted.revision, submitted.updated_at), (WorkflowState::Submitted, 2, Timestamp(2)));
        expect_conflict(store.set_observation_state(stored.id, 1, WorkflowState::Validated, None, Timestamp(3), None, &audit()).await);
        let validated = store
            .set_observation_state(stored.id, 2, WorkflowState::Validated, Some(approver.id), Timestamp(3), None, &audit())
            .await
            .unwrap();
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
        expect_not_found(
            store.set_observation_state(stored.id + 99, 1, WorkflowState::Validated, None, Timestamp(3), None, &audit()).await,
        );
        store
            .insert_observation(
                &observation(&def, "ghent", "2022", "", "6", WorkflowState::Submitted),
                Some(editor.id),
                Timestamp(4),
                &audit(),
            )
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

    pub async fn organisations_are_created_and_listed(store: S) {
        base(&store).await;
        let dept = NewOrganisation::parse("Department of Welfare", "municipal_department", Some("ghent")).unwrap();
        let cso = NewOrganisation::parse("Tenants' Union", "cso", Some("padova")).unwrap();
        let network = NewOrganisation::parse("Network office", "network", None).unwrap();
        let d = store.create_organisation(&dept, &audit()).await.unwrap();
        store.create_organisation(&cso, &audit()).await.unwrap();
        store.create_organisation(&network, &audit()).await.unwrap();
        expect_conflict(store.create_organisation(&dept, &audit()).await);
        expect_not_found(store.create_organisation(&NewOrganisation::parse("X", "cso", Some("nowhere")).unwrap(), &audit()).await);
        assert_eq!(store.list_organisations(None).await.unwrap().len(), 3);
        let ghent = store.list_organisations(Some(&city("ghent"))).await.unwrap();
        assert_eq!(ghent.len(), 1);
        assert_eq!((ghent[0].id, ghent[0].name.as_str(), ghent[0].city.as_ref()), (d.id, "Department of Welfare", Some(&city("ghent"))));
    }

    fn new_user(name: &str) -> NewUser {
        NewUser {
            username: Username::parse(name).unwrap(),
            display_name: format!("{name} display"),
            email: Some(format!("{name}@example.org")),
            password_hash: "$argon2id$fake".into(),
        }
    }

    pub async fn users_are_unique_and_can_be_disabled(store: S) {
        let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
        assert_eq!((ana.username.as_str(), ana.is_disabled, ana.created_at), ("ana", false, Timestamp(5)));
        expect_conflict(store.create_user(&new_user("ana"), Timestamp(6), &audit()).await);
        store.create_user(&new_user("bob"), Timestamp(6), &audit()).await.unwrap();
        assert_eq!(store.find_user(&Username::parse("ANA").unwrap()).await.unwrap(), ana);
        assert_eq!(store.get_user(ana.id).await.unwrap(), ana);
        store.set_user_disabled(ana.id, true, &audit()).await.unwrap();
        assert!(store.get_user(ana.id).await.unwrap().is_disabled);
        let names: Vec<String> = store.list_users().await.unwrap().into_iter().map(|u| u.username.to_string()).collect();
        assert_eq!(names, ["ana", "bob"]);
        expect_not_found(store.find_user(&Username::parse("carol").unwrap()).await);
        expect_not_found(store.set_user_disabled(ana.id + 100, true, &audit()).await);
    }

    pub async fn passwords_hashes_are_kept_and_replaced(store: S) {
        let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
        assert_eq!(store.password_hash(ana.id).await.unwrap(), "$argon2id$fake");
        store.set_password_hash(ana.id, "$argon2id$other", &audit()).await.unwrap();
        assert_eq!(store.password_hash(ana.id).await.unwrap(), "$argon2id$other");
        expect_not_found(store.set_password_hash(ana.id + 100, "x", &audit()).await);
        expect_not_found(store.password_hash(ana.id + 100).await);
    }

    pub async fn memberships_are_unique_per_role_and_scope(store: S) {
        base(&store).await;
        let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
        let org = store.create_organisation(&NewOrganisation::parse("Tenants", "cso", Some("ghent")).unwrap(), &audit()).await.unwrap();
        let cso = Membership::new(ana.id, Some(org.id), Role::CivilSocietyMember, Scope::City(city("ghent"))).unwrap();
        let viewer = Membership::new(ana.id, None, Role::Viewer, Scope::Network).unwrap();
        store.add_membership(&cso, &audit()).await.unwrap();
        store.add_membership(&viewer, &audit()).await.unwrap();
        expect_conflict(store.add_membership(&cso, &audit()).await);
        expect_not_found(
            store.add_membership(&Membership::new(ana.id, None, Role::Viewer, Scope::City(city("nowhere"))).unwrap(), &audit()).await,
        );
        expect_not_found(store.add_membership(&Membership::new(ana.id + 100, None, Role::Viewer, Scope::Network).unwrap(), &audit()).await);
        assert_eq!(store.list_memberships(ana.id).await.unwrap(), vec![cso, viewer]);
    }

    pub async fn sessions_expire_and_can_be_deleted(store: S) {
        let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
        let session = SessionRecord { token_hash: "h1".into(), user_id: ana.id, created_at: Timestamp(10), expires_at: Timestamp(100) };
        store.create_session(&session, &audit()).await.unwrap();
        store
            .create_session(&SessionRecord { token_hash: "h2".into(), expires_at: Timestamp(50), ..session.clone() }, &audit())
            .await
            .unwrap();
        store.create_session(&SessionRecord { token_hash: "h3".into(), ..session.clone() }, &audit()).await.unwrap();
        expect_conflict(store.create_session(&session, &audit()).await);
        assert_eq!(store.get_session("h1", Timestamp(99)).await.unwrap(), session);
        expect_not_found(store.get_session("h1", Timestamp(100)).await);
        expect_not_found(store.get_session("nope", Timestamp(1)).await);
        assert_eq!(store.purge_expired_sessions(Timestamp(60)).await.unwrap(), 1);
        store.delete_session("h1").await.unwrap();
        expect_not_found(store.get_session("h1", Timestamp(20)).await);
        assert_eq!(store.delete_user_sessions(ana.id).await.unwrap(), 1);
        expect_not_found(store.get_session("h3", Timestamp(20)).await);
    }

    pub async fn login_failures_are_counted_and_cleared(store: S) {
        for at in [10, 20, 30] {
            store.record_login_failure("user:ana", Timestamp(at)).await.unwrap();
        }
        store.record_login_failure("ip:127.0.0.1", Timestamp(30)).await.unwrap();
        assert_eq!(store.login_failures("user:ana", Timestamp(15)).await.unwrap().count, 2);
        assert_eq!(store.login_failures("user:ana", Timestamp(0)).await.unwrap().count, 3);
        store.clear_login_failures("user:ana").await.unwrap();
        assert_eq!(store.login_failures("user:ana", Timestamp(0)).await.unwrap().count, 0);
        assert_eq!(store.login_failures("ip:127.0.0.1", Timestamp(0)).await.unwrap().count, 1);
        store.record_login_failure("user:bob", Timestamp(10)).await.unwrap();
        store.record_login_failure("user:bob", Timestamp(40)).await.unwrap();
        assert_eq!(store.purge_login_failures(Timestamp(30)).await.unwrap(), 1);
        assert_eq!(store.login_failures("user:bob", Timestamp(0)).await.unwrap().count, 1);
        assert_eq!(store.login_failures("ip:127.0.0.1", Timestamp(0)).await.unwrap().count, 1);
    }

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

    pub async fn metacharacters_are_stored_verbatim(store: S) {
        let nasty = "Robert'); DROP TABLE users;-- <script>alert(1)</script> \" \\ % _ ü";
        store.upsert_area(&area("net", "network", None), &audit()).await.unwrap();
        let mut ghent = area("ghent", "city", Some("net"));
        ghent.name = nasty.into();
        store.upsert_area(&ghent, &audit()).await.unwrap();
        assert_eq!(store.get_area(&city("ghent")).await.unwrap().name, nasty);
        let org = store.create_organisation(&NewOrganisation::parse(nasty, "cso", Some("ghent")).unwrap(), &audit()).await.unwrap();
        assert_eq!(org.name, nasty);
        let user = store.create_user(&NewUser { display_name: nasty.into(), ..new_user("ana") }, Timestamp(1), &audit()).await.unwrap();
        assert_eq!(store.get_user(user.id).await.unwrap().display_name, nasty);
        assert_eq!(store.list_users().await.unwrap().len(), 1);
    }

    pub async fn a_failed_write_leaves_no_lock_behind(store: S) {
        base(&store).await;
        let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
        store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
        let first = observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft);
        store.insert_observation(&first, None, Timestamp(1), &audit()).await.unwrap();
        for year in 2000..2020 {
            expect_conflict(store.insert_observation(&first, None, Timestamp(2), &audit()).await);
            // Right after the failure, writes from elsewhere must not find the database locked.
            let ghent = observation(&def, "ghent", &year.to_string(), "", "10", WorkflowState::Draft);
            let padova = observation(&def, "padova", &year.to_string(), "", "10", WorkflowState::Draft);
            let event = audit();
            let (a, b, c) = tokio::join!(
                store.insert_observation(&ghent, None, Timestamp(2), &event),
                store.insert_observation(&padova, None, Timestamp(2), &event),
                store.record_login_failure("k", Timestamp(1)),
            );
            a.unwrap();
            b.unwrap();
            c.unwrap();
            expect_not_found(store.upsert_area(&area("x", "district", Some("nowhere")), &audit()).await);
        }
        assert_eq!(store.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap().total, 41);
    }

    pub async fn concurrent_writers_do_not_fail(store: S) {
        base(&store).await;
        let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
        store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
        let mut tasks = Vec::new();
        for worker in 0..8 {
            let store = store.clone();
            let def = def.clone();
            tasks.push(tokio::spawn(async move {
                for n in 0..10 {
                    let period = format!("{}-{:02}", 2001 + worker, n + 1);
                    store
                        .insert_observation(
                            &observation(&def, "ghent", &period, "", "10", WorkflowState::Draft),
                            None,
                            Timestamp(1),
                            &audit(),
                        )
                        .await
                        .unwrap();
                    let event = NewAuditEvent {
                        at: Timestamp(n),
                        actor_user_id: None,
                        action: "w".into(),
                        subject: format!("{worker}"),
                        detail: serde_json::json!({}),
                    };
                    store.append_audit(&event).await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(store.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap().total, 80);
        let audit = store.list_audit(0, 1000).await.unwrap();
        assert_eq!(audit.iter().filter(|e| e.event.action == "w").count(), 80);
        let inserts = audit.iter().filter(|e| e.event.action == "test.changed" && e.event.subject.starts_with("test:")).count();
        assert!(inserts >= 80, "every insert appended its event: {inserts}");
        assert_eq!(verify_audit_chain(&audit), Ok(()), "the chain stays linear under concurrent appends");
    }

    use rightsmon_domain::codesign::{
        CityRule, Decision, Endorsement, LeftOut, NetworkRule, NewProposal, Outcome, ProposalChange, ProposalStatus, Side,
    };

    async fn user(store: &S, name: &str) -> i64 {
        store.create_user(&new_user(name), Timestamp(1), &audit()).await.unwrap().id
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

    fn adoption(city: &str, adopt: &[&str], leave_out: &[(&str, &str)]) -> NewProposal {
        let change = ProposalChange::Adoption {
            city: AreaCode::parse(city).unwrap(),
            adopt: adopt.iter().map(|c| IndicatorCode::parse(c).unwrap()).collect(),
            leave_out: leave_out
                .iter()
                .map(|(c, r)| LeftOut { indicator: IndicatorCode::parse(c).unwrap(), reason: (*r).into() })
                .collect(),
        };
        NewProposal::new(Scope::City(AreaCode::parse(city).unwrap()), "Adopt the core set", "As agreed in the working group", change)
            .unwrap()
    }

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
        let for_city =
            |user_id| Endorsement { proposal_id: core.id, user_id, side: Side::City, city: Some(city("ghent")), at: Timestamp(9) };
        store.add_endorsement(&for_city(ana), &audit()).await.unwrap();
        expect_conflict(store.add_endorsement(&for_city(bob), &audit()).await);
        store.withdraw_proposal(core.id, &audit()).await.unwrap();
        let carol = user(&store, "carol").await;
        expect_conflict(
            store.add_endorsement(&Endorsement { user_id: carol, city: Some(city("padova")), ..for_city(carol) }, &audit()).await,
        );
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
        expect_conflict(store.reply_to_shadow_value(stored.id, officer, "again", Timestamp(7), &audit()).await);
        expect_not_found(store.reply_to_shadow_value(stored.id + 100, officer, "x", Timestamp(7), &audit()).await);
        let mut unknown = shadow;
        unknown.version = 9;
        expect_not_found(store.add_shadow_value(&unknown, cso, Timestamp(5), &audit()).await);
    }

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
        assert_eq!(
            store.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap().total,
            0,
            "a refused batch stores nothing"
        );
        let ids = store.insert_observations(&batch[..2], None, Timestamp(1), &audit()).await.unwrap();
        assert_eq!(ids.len(), 2);
        assert_eq!(store.get_observation(ids[1]).await.unwrap().data, batch[1]);
        assert_eq!(store.list_observation_history(ids[0]).await.unwrap().len(), 1);
    }

    /// A feed over a fixed list of values that keeps what it is told.
    pub struct ListFeed {
        batches: Vec<Vec<ImportItem>>,
        outcomes: Vec<ItemOutcome>,
        scans: Vec<Scan>,
        seen: Vec<(usize, Option<ScannedValue>)>,
        keep: bool,
    }

    impl ListFeed {
        pub fn new(values: &[rightsmon_domain::observation::NewObservation], keep: bool) -> Self {
            let items: Vec<ImportItem> =
                values.iter().enumerate().map(|(i, o)| ImportItem { row: i as u64 + 2, observation: o.clone() }).collect();
            // Two batches, to show that batches follow one another in one transaction.
            let half = items.len() / 2;
            Self { batches: vec![items[half..].to_vec(), items[..half].to_vec()], outcomes: vec![], scans: vec![], seen: vec![], keep }
        }
    }

    impl ImportFeed for ListFeed {
        fn next_batch(&mut self) -> Option<Vec<ImportItem>> {
            self.batches.pop()
        }
        fn written(&mut self, items: &[ImportItem], outcomes: &[ItemOutcome]) {
            assert_eq!(items.len(), outcomes.len());
            self.outcomes.extend_from_slice(outcomes);
        }
        fn scans(&mut self) -> Vec<Scan> {
            self.scans.clone()
        }
        fn see(&mut self, scan: usize, value: Option<&ScannedValue>) {
            self.seen.push((scan, value.cloned()));
        }
        fn keep(&mut self) -> bool {
            self.keep
        }
        fn audit(&self, counts: &ImportCounts) -> NewAuditEvent {
            NewAuditEvent::new(Timestamp(5), None, "values.imported", "import", serde_json::json!({"created": counts.created}))
        }
    }

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
    fn actions(events: &[AuditEvent]) -> Vec<String> {
        events.iter().map(|e| format!("{} {}", e.event.action, e.event.subject)).collect()
    }

    fn event(action: &str, subject: &str) -> NewAuditEvent {
        NewAuditEvent::new(Timestamp(9), Some(1), action, subject, serde_json::json!({}))
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
            let values: Vec<_> = (1..=12)
                .map(|m| observation(&def, "padova", &format!("{}-{m:02}", 2010 + worker), "", "7", WorkflowState::Draft))
                .collect();
            let options = options.clone();
            tasks.push(tokio::spawn(async move { store.import_observations(&mut ListFeed::new(&values, true), &options).await }));
        }
        for task in tasks {
            assert!(task.await.unwrap().unwrap().committed);
        }
        assert_eq!(store.list_observations(&all).await.unwrap().total, 58);
        assert_eq!(verify_audit_chain(&store.list_audit(0, 1000).await.unwrap()), Ok(()));
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

    pub async fn an_erased_user_keeps_only_their_id(store: S) {
        let ana = store.create_user(&new_user("ana"), Timestamp(5), &audit()).await.unwrap();
        let session = SessionRecord { token_hash: "h".repeat(64), user_id: ana.id, created_at: Timestamp(5), expires_at: Timestamp(99) };
        store.create_session(&session, &audit()).await.unwrap();
        let pseudonym = Username::parse(&format!("erased-{}", ana.id)).unwrap();
        store.erase_user(ana.id, &pseudonym, &event("user.erased", &format!("user:{}", ana.id))).await.unwrap();
        let erased = store.get_user(ana.id).await.unwrap();
        assert_eq!(
            (erased.username.as_str(), erased.display_name.as_str(), erased.email, erased.is_disabled),
            (pseudonym.as_str(), pseudonym.as_str(), None, true)
        );
        assert_ne!(store.password_hash(ana.id).await.unwrap(), "$argon2id$fake");
        expect_not_found(store.get_session(&session.token_hash, Timestamp(6)).await);
        expect_not_found(store.find_user(&Username::parse("ana").unwrap()).await);
        // The name is free again.
        store.create_user(&new_user("ana"), Timestamp(7), &audit()).await.unwrap();
        expect_not_found(store.erase_user(ana.id + 100, &pseudonym, &audit()).await);
    }

    pub async fn login_failures_tell_when_the_last_one_was(store: S) {
        assert_eq!(store.login_failures("k", Timestamp(0)).await.unwrap(), LoginFailures { count: 0, last: None });
        store.record_login_failure("k", Timestamp(10)).await.unwrap();
        store.record_login_failure("k", Timestamp(30)).await.unwrap();
        assert_eq!(store.login_failures("k", Timestamp(0)).await.unwrap(), LoginFailures { count: 2, last: Some(Timestamp(30)) });
    }

    pub async fn the_instance_tables_are_the_schema(store: S) {
        use crate::instance::{BOOKKEEPING_TABLES, INSTANCE_TABLES};
        let schema = store.schema_columns().await.unwrap();
        for (table, columns) in &schema {
            if BOOKKEEPING_TABLES.contains(&table.as_str()) {
                continue;
            }
            let spec = crate::instance::table_spec(table).unwrap_or_else(|| panic!("the table {table} is missing from INSTANCE_TABLES"));
            assert_eq!(spec.column_names(), *columns, "the columns of {table}");
        }
        for spec in INSTANCE_TABLES {
            assert!(schema.iter().any(|(t, _)| t == spec.name), "INSTANCE_TABLES names {}, which the schema lacks", spec.name);
        }
    }

    /// Collects what an export writes.
    struct Collected(Vec<InstanceItem>);

    impl InstanceSink for Collected {
        fn item(&mut self, item: InstanceItem) -> Result<(), String> {
            self.0.push(item);
            Ok(())
        }
    }

    struct Replay(std::vec::IntoIter<Result<InstanceItem, String>>);

    impl InstanceSource for Replay {
        fn next_item(&mut self) -> Option<Result<InstanceItem, String>> {
            self.0.next()
        }
    }

    pub async fn an_instance_is_exported_whole_and_loaded_only_into_an_empty_database(store: S) {
        base(&store).await;
        let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
        store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
        store.create_user(&new_user("ana"), Timestamp(1), &audit()).await.unwrap();
        store
            .insert_observation(&observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft), None, Timestamp(1), &audit())
            .await
            .unwrap();
        let mut collected = Collected(Vec::new());
        let counts = store.export_instance(&mut collected).await.unwrap();
        let count = |name: &str| counts.iter().find(|(t, _)| *t == name).map(|(_, n)| *n);
        assert_eq!((count("observations"), count("users"), count("areas")), (Some(1), Some(1), Some(4)));
        assert_eq!(count("audit_events"), Some(u64::try_from(store.list_audit(0, 1000).await.unwrap().len()).unwrap()));
        // Parents come before their children.
        let areas = collected.0.iter().skip_while(|i| !matches!(i, InstanceItem::Table(t) if t.name == "areas")).nth(1).cloned();
        assert!(matches!(areas, Some(InstanceItem::Row(values)) if values[0] == "net"), "the network first");
        // This database holds an instance: it takes no other.
        let replay = Replay(collected.0.iter().cloned().map(Ok).collect::<Vec<_>>().into_iter());
        expect_conflict(store.import_instance(&mut Replay(replay.0)).await);
    }
}
