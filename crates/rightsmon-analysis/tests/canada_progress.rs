//! The CAGR score against the scores Statistics Canada published with its data and settings
//! (`shared/oracles/canada-progress`): every assessed indicator with data to 1e-6, and the one
//! whose data file is empty is not assessable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_analysis::progress::{CagrOptions, Direction, Outcome, Point, open_sdg_cagr_score, open_sdg_year};
use rightsmon_formats::open_sdg::{self, OpenSdgColumns};
use rightsmon_formats::table::Table;
use std::path::PathBuf;

fn oracle() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/oracles/canada-progress")
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

/// The first entry of `progress_calculation_options` in an indicator's configuration, with
/// Open SDG's defaults for what it leaves out. The entries are flat `key: value` pairs.
fn options(id: &str) -> CagrOptions {
    let text = std::fs::read_to_string(oracle().join(format!("indicator-config/{id}.yml"))).unwrap();
    let mut options = CagrOptions::default();
    let mut lines = text.lines().skip_while(|l| !l.trim_start_matches('\u{feff}').starts_with("progress_calculation_options:"));
    if lines.next().is_none_or(|l| l.trim_end().ends_with("[]")) {
        return options;
    }
    for (index, line) in lines.enumerate() {
        let entry = line.strip_prefix("- ").or_else(|| line.strip_prefix("  "));
        let Some(entry) = entry.filter(|_| index == 0 || !line.starts_with("- ")) else { break };
        let Some((key, value)) = entry.split_once(':') else { break };
        let value = value.trim();
        match key.trim() {
            "direction" => options.direction = if value == "positive" { Direction::Positive } else { Direction::Negative },
            "target" => options.target = value.parse().ok(),
            "target_year" => options.target_year = value.parse().unwrap(),
            "base_year" => options.base_year = value.parse().unwrap(),
            other => panic!("{id}: unexpected option {other}"),
        }
    }
    options
}

/// The headline series: rows whose columns between Year and Value are all empty.
fn headline(id: &str) -> Vec<Point> {
    let bytes = std::fs::read(oracle().join(format!("data/indicator_{id}.csv"))).unwrap();
    if bytes.is_empty() {
        return Vec::new();
    }
    let mut table = Table::csv(&bytes[..]).unwrap();
    let columns = OpenSdgColumns::find(table.header()).unwrap();
    let mut points = Vec::new();
    while let Some(row) = open_sdg::next_row(&mut table, &columns) {
        let row = row.unwrap();
        if row.labels.iter().all(|l| l.trim().is_empty()) && !open_sdg::is_missing(&row.value) {
            points.push(Point { year: open_sdg_year(&row.year).unwrap(), value: row.value.trim().parse().unwrap() });
        }
    }
    points
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
