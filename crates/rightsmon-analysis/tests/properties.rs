//! Properties that hold for every input, checked on many seeded random cases (each failure
//! names its seed and case, so it can be replayed):
//! - normalised values stay in their range;
//! - a unit that improves on every indicator never loses rank;
//! - aggregating equal values returns that value;
//! - each progress method is monotone in the latest value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_analysis::composite::{
    Aggregation, IndicatorSpec, NodeSpec, Normalisation, Options, SplitMix64, Structure, Table, compute, rank_descending,
};
use rightsmon_analysis::progress::{
    CagrOptions, CityTarget, Direction, EurostatOptions, Outcome, Point, city_target_distance, eurostat_sdg_assessment,
    open_sdg_cagr_score, open_sdg_progress_measure, open_sdg_progress_status, unsd_progress_chart,
};

const CASES: u64 = 300;

/// A random hierarchy: an index over 1 to 4 dimensions of 1 to 5 indicators each, random
/// directions, goalposts, targets and weights.
fn random_structure(rng: &mut SplitMix64) -> Structure {
    let mut nodes = vec![NodeSpec::aggregate("index", None, 1.0)];
    for d in 0..1 + rng.below(4) {
        let dim = format!("d{d}");
        nodes.push(NodeSpec::aggregate(&dim, Some("index"), 0.5 + rng.next_f64()));
        for i in 0..1 + rng.below(5) {
            let positive = rng.next_f64() < 0.5;
            let mut spec = IndicatorSpec::new(if positive { Direction::Positive } else { Direction::Negative });
            let (low, high) = (20.0 * rng.next_f64(), 80.0 + 20.0 * rng.next_f64());
            (spec.worst, spec.best) = if positive { (Some(low), Some(high)) } else { (Some(high), Some(low)) };
            spec.target = Some(if positive { 100.0 + 10.0 * rng.next_f64() } else { -10.0 * rng.next_f64() });
            nodes.push(NodeSpec::indicator(&format!("{dim}i{i}"), &dim, 0.5 + rng.next_f64(), spec));
        }
    }
    Structure::new(nodes).unwrap()
}

fn random_table(rng: &mut SplitMix64, structure: &Structure, units: usize) -> Table {
    let mut table = Table::new((0..units).map(|u| format!("u{u}")).collect()).unwrap();
    for id in structure.indicator_ids() {
        table.insert(id, (0..units).map(|_| 100.0 * rng.next_f64()).collect()).unwrap();
    }
    table
}

const BOUNDED: [Normalisation; 3] = [Normalisation::MinMax, Normalisation::Goalposts, Normalisation::DistanceToTarget];

#[test]
fn normalised_values_stay_in_their_range() {
    let mut rng = SplitMix64::new(11);
    for case in 0..CASES {
        let structure = random_structure(&mut rng);
        let units = 2 + rng.below(30);
        let table = random_table(&mut rng, &structure, units);
        let scale = [1.0, 10.0, 100.0][rng.below(3)];
        for normalisation in BOUNDED.into_iter().chain([Normalisation::Rank, Normalisation::ZScore]) {
            let options = Options { normalisation, scale, ..Options::default() };
            let c = compute(&structure, &table, &options).unwrap();
            for (k, column) in c.normalised.iter().enumerate() {
                let (lo, hi) = match normalisation {
                    Normalisation::Rank => (1.0, units as f64),
                    Normalisation::ZScore => {
                        let mean = column.iter().sum::<f64>() / units as f64;
                        assert!(mean.abs() < 1e-9, "case {case} {normalisation:?} {}: mean {mean}", c.indicators[k]);
                        (f64::NEG_INFINITY, f64::INFINITY)
                    }
                    _ => (0.0, scale),
                };
                for &v in column {
                    assert!(v >= lo && v <= hi, "case {case} {normalisation:?} {}: {v} outside {lo}..{hi}", c.indicators[k]);
                }
            }
            if normalisation != Normalisation::ZScore {
                // Means of values in a range stay in it.
                let (lo, hi) = if normalisation == Normalisation::Rank { (1.0, units as f64) } else { (0.0, scale) };
                for &v in c.index() {
                    assert!(v >= lo - 1e-9 && v <= hi + 1e-9, "case {case} {normalisation:?}: index {v}");
                }
            }
        }
    }
}

#[test]
fn a_unit_that_improves_every_indicator_never_loses_rank() {
    let mut rng = SplitMix64::new(23);
    for case in 0..CASES {
        let structure = random_structure(&mut rng);
        let units = 3 + rng.below(20);
        let table = random_table(&mut rng, &structure, units);
        let unit = rng.below(units);
        // Improve the unit on every indicator, each in its own direction.
        let mut better = Table::new(table.units().to_vec()).unwrap();
        for (node, id) in structure.nodes().iter().filter(|n| n.indicator.is_some()).map(|n| (n, n.id.as_str())) {
            let mut column = table.column(id).unwrap().to_vec();
            let step = 30.0 * rng.next_f64();
            match node.indicator.as_ref().unwrap().direction {
                Direction::Positive => column[unit] += step,
                Direction::Negative => column[unit] -= step,
            }
            better.insert(id, column).unwrap();
        }
        let normalisations = [Normalisation::MinMax, Normalisation::Goalposts, Normalisation::DistanceToTarget, Normalisation::Rank];
        for normalisation in normalisations {
            for aggregation in [Aggregation::Arithmetic, Aggregation::Geometric] {
                let options = Options { normalisation, aggregation, ..Options::default() };
                let before = rank_descending(compute(&structure, &table, &options).unwrap().index());
                let after = rank_descending(compute(&structure, &better, &options).unwrap().index());
                assert!(
                    after[unit] <= before[unit],
                    "case {case} {normalisation:?} {aggregation:?}: unit {unit} went from rank {} to {}",
                    before[unit],
                    after[unit]
                );
            }
        }
    }
}

#[test]
fn aggregating_equal_values_returns_that_value() {
    let mut rng = SplitMix64::new(37);
    for case in 0..CASES {
        let structure = random_structure(&mut rng);
        let units = 2 + rng.below(10);
        // Every indicator of a unit sits at the same place between its goalposts.
        let shares: Vec<f64> = (0..units).map(|_| rng.next_f64()).collect();
        let mut table = Table::new((0..units).map(|u| format!("u{u}")).collect()).unwrap();
        for node in structure.nodes() {
            if let Some(spec) = &node.indicator {
                let (w, b) = (spec.worst.unwrap(), spec.best.unwrap());
                table.insert(&node.id, shares.iter().map(|s| w + s * (b - w)).collect()).unwrap();
            }
        }
        for aggregation in [Aggregation::Arithmetic, Aggregation::Geometric] {
            let options = Options { normalisation: Normalisation::Goalposts, aggregation, ..Options::default() };
            let c = compute(&structure, &table, &options).unwrap();
            for (k, column) in c.scores.iter().enumerate() {
                for (u, &v) in column.iter().enumerate() {
                    let expected = 100.0 * shares[u];
                    assert!(
                        (v - expected).abs() <= 1e-9 * expected.max(1.0),
                        "case {case} {aggregation:?} {}: {v} != {expected}",
                        c.nodes[k]
                    );
                }
            }
        }
    }
}

/// Raising the latest value never lowers either Open SDG score when higher is better, and never
/// raises it when lower is better.
#[test]
fn the_cagr_score_is_monotone_in_the_latest_value() {
    let mut rng = SplitMix64::new(41);
    for case in 0..CASES * 10 {
        let direction = if rng.next_f64() < 0.5 { Direction::Positive } else { Direction::Negative };
        let target = (rng.next_f64() < 0.6).then(|| 100.0 * rng.next_f64());
        let options = CagrOptions { direction, target, ..CagrOptions::default() };
        let base = Point { year: 2015, value: 1.0 + 99.0 * rng.next_f64() };
        let year = 2016 + rng.below(10) as i32;
        let mut values: Vec<f64> = (0..8).map(|_| 1.0 + 99.0 * rng.next_f64()).collect();
        values.sort_by(f64::total_cmp);
        let old: Vec<f64> =
            values.iter().map(|&v| open_sdg_cagr_score(&[base, Point { year, value: v }], &options).score().unwrap()).collect();
        let new: Vec<f64> =
            values.iter().map(|&v| open_sdg_progress_measure(&[base, Point { year, value: v }], &options, None).score().unwrap()).collect();
        for scores in [&old, &new] {
            for pair in scores.windows(2) {
                let ok = match direction {
                    Direction::Positive => pair[1] >= pair[0] - 1e-12,
                    Direction::Negative => pair[1] <= pair[0] + 1e-12,
                };
                assert!(ok, "case {case}: {options:?} base {base:?} latest {values:?} scores {scores:?}");
            }
        }
    }
}

/// The level of a category never falls when the latest value improves.
#[test]
fn each_status_method_is_monotone_in_the_latest_value() {
    let mut rng = SplitMix64::new(43);
    for case in 0..CASES * 10 {
        let direction = if rng.next_f64() < 0.5 { Direction::Positive } else { Direction::Negative };
        let target = (rng.next_f64() < 0.6).then(|| 1.0 + 99.0 * rng.next_f64());
        let options = CagrOptions { direction, target, ..CagrOptions::default() };
        let base = Point { year: 2015, value: 1.0 + 99.0 * rng.next_f64() };
        let year = 2016 + rng.below(10) as i32;
        let mut values: Vec<f64> = (0..8).map(|_| 1.0 + 99.0 * rng.next_f64()).collect();
        // Ordered from worst to best.
        values.sort_by(|a, b| if direction == Direction::Positive { a.total_cmp(b) } else { b.total_cmp(a) });
        let better = if direction == Direction::Positive { base.value + 50.0 } else { base.value / 2.0 };
        let city = CityTarget { baseline: base, target: Point { year: 2030, value: better } };
        let levels = |f: &dyn Fn(f64) -> Option<u8>| values.iter().map(|&v| f(v)).collect::<Vec<_>>();
        let status = levels(&|v| open_sdg_progress_status(&[base, Point { year, value: v }], &options, None).category().map(|c| c.1));
        let distance = levels(&|v| match city_target_distance(&[base, Point { year, value: v }], city, direction).outcome {
            Outcome::Category { level, .. } => Some(level),
            _ => None,
        });
        let measure = levels(&|v| open_sdg_progress_measure(&[base, Point { year, value: v }], &options, None).category().map(|c| c.1));
        let unsd = levels(&|v| unsd_progress_chart(&[base, Point { year, value: v }], &options).category().map(|c| c.1));
        let mid = Point { year: 2015 + (year - 2015) / 2, value: base.value };
        let eurostat_options = EurostatOptions { direction, target, years: 15, ..EurostatOptions::default() };
        let later = Point { year: year + 1, value: 0.0 };
        let eurostat = levels(&|v| {
            let mid = if mid.year == base.year { Point { year: base.year + 1, ..mid } } else { mid };
            let latest = if mid.year >= year { Point { value: v, ..later } } else { Point { year, value: v } };
            eurostat_sdg_assessment(&[base, mid, latest], &eurostat_options).category().map(|c| c.1)
        });
        for (name, levels) in
            [("status", &status), ("measure", &measure), ("city target", &distance), ("UNSD", &unsd), ("Eurostat", &eurostat)]
        {
            let known: Vec<u8> = levels.iter().flatten().copied().collect();
            assert!(known.windows(2).all(|w| w[1] >= w[0]), "case {case} {name}: {options:?} {city:?} {values:?} -> {levels:?}");
        }
    }
}
