//! The CAGR score against the scores Statistics Canada published with its data and settings
//! (`tests/data/canada-progress`): every assessed indicator with data to 1e-6, and the one
//! whose data file is empty is not assessable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_analysis::progress::{CagrOptions, Outcome, Point, open_sdg_cagr_score, open_sdg_progress_status};
use rightsmon_formats::open_sdg_progress::{self, ProgressConfig, read_config};
use std::path::PathBuf;

fn oracle() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/canada-progress")
}

/// What was published for an indicator.
#[derive(Debug, PartialEq)]
enum Published {
    /// Not assessed at all (`null`).
    Skipped,
    /// Assessed, without a number (`.nan`).
    NoScore,
    Score(f64),
}

/// `id: score` lines.
fn published() -> Vec<(String, Published)> {
    let text = std::fs::read_to_string(oracle().join("indicator_scores.yml")).unwrap();
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(id, score)| {
            let published = match score.trim() {
                "null" => Published::Skipped,
                ".nan" => Published::NoScore,
                number => Published::Score(number.parse().unwrap()),
            };
            (id.trim().to_owned(), published)
        })
        .collect()
}

/// The indicator's configuration, read as Open SDG reads it.
fn config(id: &str) -> ProgressConfig {
    let text = std::fs::read_to_string(oracle().join(format!("indicator-config/{id}.yml"))).unwrap();
    read_config(&text).unwrap_or_else(|e| panic!("{id}: {e}"))
}

fn options(id: &str) -> CagrOptions {
    config(id).options
}

/// The headline series: rows whose columns between Year and Value are all empty.
fn headline(id: &str) -> Vec<Point> {
    let bytes = std::fs::read(oracle().join(format!("data/indicator_{id}.csv"))).unwrap();
    open_sdg_progress::headline(&bytes).unwrap_or_else(|e| panic!("{id}: {e}"))
}

#[test]
fn every_published_score_is_reproduced_and_an_empty_series_is_not_assessable() {
    let mut reproduced = 0;
    let mut without_score = Vec::new();
    for (id, published) in published() {
        let score = match published {
            Published::Skipped => continue,
            Published::NoScore => {
                let assessment = open_sdg_cagr_score(&headline(&id), &options(&id));
                assert!(matches!(assessment.outcome, Outcome::NotAssessable { .. }), "{id} was published without a score: {assessment:?}");
                without_score.push(id);
                continue;
            }
            Published::Score(score) => score,
        };
        let assessment = open_sdg_cagr_score(&headline(&id), &options(&id));
        if id == "8-5-1" {
            // Published as 5.0, but its data file is empty: there is nothing to assess.
            assert!(matches!(assessment.outcome, Outcome::NotAssessable { .. }), "8-5-1 has no data: {assessment:?}");
            without_score.push(id);
            continue;
        }
        let ours = assessment.score().unwrap_or_else(|| panic!("{id}: not assessed: {assessment:?}"));
        assert!((ours - score).abs() <= 1e-6, "{id}: {ours} against the published {score} ({assessment:?})");
        reproduced += 1;
    }
    assert_eq!(reproduced, 55, "indicators reproduced");
    // 8-1-1 falls from -0.11 to 1.96: a change of sign, for which no growth rate exists.
    assert_eq!(without_score, ["8-1-1", "8-5-1"]);
}

#[test]
fn the_worked_examples_give_the_same_intermediate_values() {
    let text = std::fs::read_to_string(oracle().join("worked_examples_scores.csv")).unwrap();
    let mut rows = text.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for line in rows {
        let cells: Vec<&str> = line.split(',').collect();
        let id = cells[column("indicator")];
        let assessment = open_sdg_cagr_score(&headline(id), &options(id));
        if cells[column("cagr_observed")].is_empty() {
            assert_eq!(assessment.score(), None, "{id}: no growth rate was published");
            continue;
        }
        let base = assessment.base.unwrap_or_else(|| panic!("{id}: {assessment:?}"));
        let current = assessment.current.unwrap();
        assert_eq!(base.year.to_string(), cells[column("base_year")], "{id}: base year");
        assert_eq!(current.year.to_string(), cells[column("current_year")], "{id}: current year");
        let close = |ours: f64, theirs: &str| (ours - theirs.parse::<f64>().unwrap()).abs() <= 1e-9;
        assert!(close(base.value, cells[column("base_value")]) && close(current.value, cells[column("current_value")]), "{id}: values");
        assert!(close(assessment.cagr_observed.unwrap(), cells[column("cagr_observed")]), "{id}: observed CAGR");
        if let Some(ratio) = Some(cells[column("ratio_R")]).filter(|r| !r.is_empty()) {
            assert!(close(assessment.ratio.unwrap(), ratio), "{id}: R");
        }
    }
}

/// The status each configuration states (`progress_status`) is the status of the same growth
/// rates, banded: for every indicator that is assessable.
#[test]
fn every_published_status_is_reproduced() {
    let mut compared = 0;
    for (id, published) in published() {
        if matches!(published, Published::Skipped) {
            continue;
        }
        let config = config(&id);
        let Some(status) = config.published_status.as_deref() else { continue };
        let assessment = open_sdg_progress_status(&headline(&id), &config.options, config.thresholds);
        match assessment.category() {
            Some((ours, _)) => {
                assert_eq!(ours, status, "{id}: {assessment:?}");
                compared += 1;
            }
            None => assert!(["8-1-1", "8-5-1"].contains(&id.as_str()), "{id} is not assessable: {assessment:?}"),
        }
    }
    assert_eq!(compared, 55);
}
