//! The REDS-SDSN Spanish Cities SDG Index 2018 (`tests/data/reds-spanish-cities-sdg-2018`):
//! its structure rebuilt from the published files, and the checks every way of computing it
//! must pass (normalised values, 17 goal scores, the index, dashboard scores and colours, to 1e-9).
//!
//! What REDS did not publish is recovered from what it did: the goalposts from the raw and
//! normalised columns (`implied_bounds.csv`), the dashboard thresholds from the raw values and
//! the dashboard scores (on each segment of the piecewise-linear 0..3 scale one point fixes the
//! missing threshold). Both are round to two decimals in the study; the noise of the recovery
//! is removed by rounding to two decimals.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

pub const TOLERANCE: f64 = 1e-9;

pub fn oracle() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/reds-spanish-cities-sdg-2018");
    assert!(dir.is_dir(), "the REDS oracle is missing: {} (see tests/data/README.md)", dir.display());
    dir
}

/// A CSV file as rows of named cells.
pub fn read_csv(name: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(oracle().join(name)).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header.iter().cloned().zip(r.iter().map(str::to_owned)).collect()
        })
        .collect()
}

fn number(text: &str) -> Option<f64> {
    if text.is_empty() { None } else { Some(text.parse().unwrap()) }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub goal: String,
    pub higher_is_better: bool,
    pub worst: f64,
    pub best: f64,
    pub red: f64,
    pub green: f64,
}

pub fn goals() -> Vec<String> {
    (1..=17).map(|g| format!("sdg{g:02}")).collect()
}

/// The 85 indicators with their goalposts and dashboard thresholds.
pub fn indicators() -> Vec<Indicator> {
    let cities: HashMap<String, HashMap<String, String>> =
        read_csv("cities_index_2018_full.csv").into_iter().map(|r| (r["id"].clone(), r)).collect();
    let dashboard = read_csv("dashboard_by_indicator.csv");
    read_csv("implied_bounds.csv")
        .into_iter()
        .map(|b| {
            let id = b["indicator"].clone();
            let worst = round2(b["value_at_score0"].parse().unwrap());
            let best = round2(b["value_at_score100"].parse().unwrap());
            // (raw value, dashboard score) of every city with both.
            let points: Vec<(f64, f64)> =
                dashboard.iter().filter_map(|d| Some((number(&cities[&d["id"]][&id])?, number(&d[&format!("n3_{id}")])?))).collect();
            let inside = |lo: f64, hi: f64| points.iter().copied().filter(move |p| p.1 > lo && p.1 < hi);
            let mut red = inside(0.0, 1.0).max_by(|a, b| a.1.total_cmp(&b.1)).map(|(x, n)| worst + (x - worst) / n);
            let mut green = inside(2.0, 3.0).min_by(|a, b| a.1.total_cmp(&b.1)).map(|(x, n)| best - (best - x) / (3.0 - n));
            if red.is_none() || green.is_none() {
                // Only the middle segment is observed: its two ends are the thresholds.
                let middle: Vec<(f64, f64)> = points.iter().copied().filter(|p| p.1 >= 1.0 && p.1 <= 2.0).collect();
                let low = middle.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
                let high = middle.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
                let slope = (high.0 - low.0) / (high.1 - low.1);
                red = red.or(Some(low.0 - (low.1 - 1.0) * slope));
                green = green.or(Some(low.0 + (2.0 - low.1) * slope));
            }
            Indicator {
                goal: id[..5].to_owned(),
                higher_is_better: b["higher_is_better"] == "True",
                worst,
                best,
                red: round2(red.unwrap()),
                green: round2(green.unwrap()),
                id,
            }
        })
        .collect()
}

/// The structure file of `rightsmon composite`: index, 17 goals (SDG 14, which inland cities
/// lack, filled with the mean of the coastal ones, as REDS did), 85 indicators.
pub fn structure_csv(indicators: &[Indicator]) -> String {
    let mut text = String::from("id,parent,weight,direction,worst,best,red,green,missing\nindex,,,,,,,,\n");
    for goal in goals() {
        let missing = if goal == "sdg14" { "mean" } else { "" };
        text.push_str(&format!("{goal},index,1,,,,,,{missing}\n"));
    }
    for i in indicators {
        let direction = if i.higher_is_better { "positive" } else { "negative" };
        text.push_str(&format!("{},{},1,{direction},{},{},{},{},\n", i.id, i.goal, i.worst, i.best, i.red, i.green));
    }
    text
}

/// What a computation produced, by (unit, column).
#[derive(Debug, Default)]
pub struct Results {
    pub normalised: HashMap<(String, String), f64>,
    pub goals: HashMap<(String, String), f64>,
    pub index: HashMap<String, f64>,
    pub dashboard: HashMap<(String, String), f64>,
    /// Colours of indicators and goals: red, orange, yellow, green or grey.
    pub colours: HashMap<(String, String), String>,
}

fn close(ours: f64, published: Option<f64>, what: &str) {
    match published {
        Some(p) => assert!((ours - p).abs() <= TOLERANCE, "{what}: ours {ours}, published {p}"),
        None => assert!(ours.is_nan(), "{what}: ours {ours}, published nothing"),
    }
}

/// Checks every published number and colour; returns how many were compared.
pub fn verify(results: &Results) -> usize {
    let indicators = indicators();
    let mut checked = 0;
    let cities = read_csv("cities_index_2018_full.csv");
    assert_eq!(cities.len(), 100);
    for city in &cities {
        let unit = &city["id"];
        for i in &indicators {
            let ours = results.normalised.get(&(unit.clone(), i.id.clone())).copied().unwrap_or(f64::NAN);
            close(ours, number(&city[&format!("n_{}", i.id)]), &format!("{unit} n_{}", i.id));
            checked += 1;
        }
        for g in goals() {
            let ours = results.goals.get(&(unit.clone(), g.clone())).copied().unwrap_or(f64::NAN);
            close(ours, number(&city[&g]), &format!("{unit} {g}"));
            checked += 1;
        }
        close(results.index[unit], number(&city["avg"]), &format!("{unit} index"));
        checked += 1;
    }
    let grey = |c: &str| if c.is_empty() || c == "gray" { "grey".to_owned() } else { c.to_owned() };
    for row in read_csv("dashboard_by_indicator.csv") {
        let unit = &row["id"];
        for i in &indicators {
            let key = (unit.clone(), i.id.clone());
            close(
                results.dashboard.get(&key).copied().unwrap_or(f64::NAN),
                number(&row[&format!("n3_{}", i.id)]),
                &format!("{unit} n3_{}", i.id),
            );
            assert_eq!(results.colours[&key], grey(&row[&format!("col_{}", i.id)]), "{unit} colour of {}", i.id);
            checked += 2;
        }
    }
    for row in read_csv("dashboard_goals.csv") {
        let unit = &row["id"];
        for g in goals() {
            let key = (unit.clone(), g.clone());
            close(
                results.dashboard.get(&key).copied().unwrap_or(f64::NAN),
                number(&row[&format!("raw{g}")]),
                &format!("{unit} dashboard {g}"),
            );
            assert_eq!(results.colours[&key], grey(&row[&format!("color_{g}")]), "{unit} colour of {g}");
            checked += 2;
        }
    }
    checked
}
