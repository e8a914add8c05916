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
        mod transactions {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                migrations_are_idempotent,
                ping_answers,
                metacharacters_are_stored_verbatim,
                a_failed_write_leaves_no_lock_behind,
                concurrent_writers_do_not_fail
            );
        }
        mod reference {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                themes_are_upserted_idempotently,
                rights_are_upserted_and_listed_by_kind,
                codelists_round_trip_with_their_codes
            );
        }
        mod areas {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                areas_need_an_existing_parent,
                areas_are_listed_by_kind_and_parent,
                an_unknown_area_is_not_found,
                district_boundaries_are_replaced_as_a_whole
            );
        }
        mod catalogue {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                indicator_versions_are_immutable_and_listed,
                indicators_are_filtered_by_scope_theme_and_right,
                indicator_pages_are_bounded,
                indicator_versions_are_stored_together_or_not_at_all,
                indicators_are_found_by_words_role_and_right_hierarchy
            );
        }
        mod observations {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                observations_round_trip_with_provenance,
                a_duplicate_observation_is_a_conflict,
                observations_are_filtered_by_visibility,
                observations_are_filtered_by_period_key_and_area,
                observation_states_move_with_revisions,
                benchmarks_are_upserted,
                every_change_of_a_value_is_kept_in_its_history,
                a_revision_keeps_the_subject_and_needs_the_current_revision,
                shadow_values_are_kept_beside_the_official_ones_and_answered_once,
                observations_are_stored_together_or_not_at_all,
                a_revised_approved_value_goes_back_to_a_second_person,
                whole_queries_are_not_cut_at_a_page,
                findings_generations_grow_with_every_change_they_rest_on,
                a_value_is_its_own_first_revision_until_it_changes
            );
        }
        mod imports {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                an_import_is_kept_whole_or_not_at_all_and_revises_with_its_reason,
                an_import_appends_its_event_with_its_values_and_leaves_nothing_staged,
                imported_values_keep_every_character_and_number
            );
        }
        mod accountability {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                consultations_and_recommendations_are_kept_with_what_they_came_from,
                actions_take_the_status_of_their_latest_update_and_updates_are_kept,
                assessments_keep_every_version_of_each_side,
                reports_are_kept_as_issued,
                practices_keep_their_translations,
                surveys_keep_their_estimates_when_their_answers_are_deleted,
                a_survey_wave_gives_values_with_their_precision_and_withholds_the_rest
            );
        }
        mod cycles {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                cycles_and_assignments_say_who_provides_what,
                roadmap_steps_and_milestones_are_kept_per_city
            );
        }
        mod codesign {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                proposals_are_created_listed_and_withdrawn,
                comments_endorsements_and_objections_are_kept,
                a_decision_applies_its_changes_at_once_and_is_final,
                a_decision_whose_change_fails_leaves_nothing,
                governance_rules_have_defaults_and_can_be_set
            );
        }
        mod accounts {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                organisations_are_created_and_listed,
                users_are_unique_and_can_be_disabled,
                passwords_hashes_are_kept_and_replaced,
                memberships_are_unique_per_role_and_scope,
                sessions_expire_and_can_be_deleted,
                login_failures_are_counted_and_cleared,
                an_erased_user_keeps_only_their_id,
                login_failures_tell_when_the_last_one_was,
                a_reminder_is_kept_once_and_its_email_sent_once
            );
        }
        mod audit {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                audit_events_form_a_verifiable_chain,
                every_change_appends_its_audit_event_and_a_refused_one_none
            );
        }
        mod instance {
            use super::*;
            $crate::conformance_suite!(@cases $backend;
                the_instance_tables_are_the_schema,
                an_instance_is_exported_whole_and_loaded_only_into_an_empty_database
            );
        }
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

pub mod cases;

#[cfg(test)]
mod tests {
    /// The names of the cases a source file defines (`pub async fn name(store: S)`).
    fn defined(source: &str) -> Vec<&str> {
        source.lines().filter_map(|line| line.strip_prefix("pub async fn")?.trim().strip_suffix("(store: S) {")).collect()
    }

    /// A case that is written but left off `conformance_suite!` would never run on any backend.
    #[test]
    fn every_case_is_run_and_every_run_case_exists() {
        let files = [
            ("accountability", include_str!("cases/accountability.rs")),
            ("accounts", include_str!("cases/accounts.rs")),
            ("areas", include_str!("cases/areas.rs")),
            ("audit", include_str!("cases/audit.rs")),
            ("catalogue", include_str!("cases/catalogue.rs")),
            ("codesign", include_str!("cases/codesign.rs")),
            ("cycles", include_str!("cases/cycles.rs")),
            ("imports", include_str!("cases/imports.rs")),
            ("instance", include_str!("cases/instance.rs")),
            ("observations", include_str!("cases/observations.rs")),
            ("reference", include_str!("cases/reference.rs")),
            ("transactions", include_str!("cases/transactions.rs")),
        ];
        let suite = include_str!("mod.rs");
        let suite = &suite[suite.find("macro_rules! conformance_suite").unwrap()..suite.find("(@cases $backend:ty;").unwrap()];
        let mut listed: Vec<(String, String)> = Vec::new();
        let mut group = String::new();
        for line in suite.lines().map(str::trim) {
            if let Some(name) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(" {")) {
                group = name.to_owned();
            } else if !line.is_empty() && line.trim_end_matches(',').chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                listed.push((group.clone(), line.trim_end_matches(',').to_owned()));
            }
        }
        let mut written: Vec<(String, String)> = Vec::new();
        for (group, source) in files {
            written.extend(defined(source).into_iter().map(|name| (group.to_owned(), name.to_owned())));
        }
        assert!(written.len() >= 49, "the cases were found: {}", written.len());
        for case in &written {
            assert!(listed.contains(case), "the case {} of {} is not in conformance_suite!, so no backend runs it", case.1, case.0);
        }
        for case in &listed {
            assert!(written.contains(case), "conformance_suite! lists {} under {}, where no such case is written", case.1, case.0);
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/conformance/cases");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".rs").map(str::to_owned))
            .filter(|name| name != "mod")
            .collect();
        on_disk.sort();
        assert_eq!(on_disk, files.map(|(group, _)| group.to_owned()), "every file of cases is read here");
    }
}
