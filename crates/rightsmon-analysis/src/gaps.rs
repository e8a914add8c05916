//! Equality gaps: how far groups (women and men, age groups, districts, or intersectional
//! cells such as "women 65 and over") are from each other, who is furthest behind, and whether
//! the gap is closing; and comparisons of cities on one indicator.

use serde::Serialize;

use crate::progress::{Direction, Method};
use crate::stats::{mean, quantile, sample_sd};

pub const EQUALITY_GAP: Method = Method { name: "equality-gap", version: 1 };
pub const DISPERSION: Method = Method { name: "district-dispersion", version: 1 };
pub const COMPARISON: Method = Method { name: "city-comparison", version: 1 };

/// One group's value against the reference group's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupGap {
    pub group: String,
    pub value: f64,
    /// value - reference value.
    pub absolute: f64,
    /// value / reference value: the parity index (e.g. women to men); `None` when the reference is 0.
    pub ratio: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gaps {
    pub method: Method,
    pub reference: String,
    pub reference_value: f64,
    pub groups: Vec<GroupGap>,
    /// The group with the worst value given the direction (the reference included).
    pub furthest_behind: String,
}

/// Gaps of every group to `reference`, for one period. `None` when the reference group is
/// missing or no value is a number.
pub fn equality_gaps(values: &[(String, f64)], reference: &str, direction: Direction) -> Option<Gaps> {
    let present: Vec<&(String, f64)> = values.iter().filter(|(_, v)| v.is_finite()).collect();
    let reference_value = present.iter().find(|(g, _)| g == reference)?.1;
    let groups = present
        .iter()
        .filter(|(g, _)| g != reference)
        .map(|(g, v)| GroupGap {
            group: g.clone(),
            value: *v,
            absolute: v - reference_value,
            ratio: (reference_value != 0.0).then(|| v / reference_value),
        })
        .collect();
    Some(Gaps {
        method: EQUALITY_GAP,
        reference: reference.to_owned(),
        reference_value,
        groups,
        furthest_behind: furthest_behind(values, direction)?,
    })
}

/// The group with the worst value (lowest when higher is better); ties go to the first named.
pub fn furthest_behind(values: &[(String, f64)], direction: Direction) -> Option<String> {
    let present = values.iter().filter(|(_, v)| v.is_finite());
    let worst = match direction {
        Direction::Positive => present.min_by(|a, b| a.1.total_cmp(&b.1)),
        Direction::Negative => present.min_by(|a, b| b.1.total_cmp(&a.1)),
    };
    worst.map(|(g, _)| g.clone())
}

/// Whether a gap between two groups is closing: their absolute gap in the first and the latest
/// year both have values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapTrend {
    pub method: Method,
    pub first_year: i32,
    pub first_gap: f64,
    pub latest_year: i32,
    pub latest_gap: f64,
    /// |latest gap| < |first gap|.
    pub closing: bool,
    /// The gap changed sign: the group once behind is now ahead.
    pub reversed: bool,
}

/// The gap `group - reference` over the years both have; `None` with fewer than two such years.
pub fn gap_trend(group: &[(i32, f64)], reference: &[(i32, f64)]) -> Option<GapTrend> {
    let mut common: Vec<(i32, f64)> = group
        .iter()
        .filter(|(_, v)| v.is_finite())
        .filter_map(|&(y, v)| reference.iter().find(|(ry, rv)| *ry == y && rv.is_finite()).map(|&(_, r)| (y, v - r)))
        .collect();
    common.sort_by_key(|c| c.0);
    let (&(first_year, first_gap), &(latest_year, latest_gap)) = (common.first()?, common.last()?);
    if first_year == latest_year {
        return None;
    }
    Some(GapTrend {
        method: EQUALITY_GAP,
        first_year,
        first_gap,
        latest_year,
        latest_gap,
        closing: latest_gap.abs() < first_gap.abs(),
        reversed: first_gap * latest_gap < 0.0,
    })
}

/// How unequal districts are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dispersion {
    pub method: Method,
    pub districts: usize,
    pub min: f64,
    pub max: f64,
    pub range: f64,
    /// max / min; `None` unless every value is above 0.
    pub max_min_ratio: Option<f64>,
    pub mean: f64,
    /// Sample standard deviation over the districts, and sd / mean (`None` for a mean of 0).
    pub sd: f64,
    pub coefficient_of_variation: Option<f64>,
    pub lowest: String,
    pub highest: String,
}

/// Range, max/min ratio and coefficient of variation over districts; `None` without values.
pub fn dispersion(values: &[(String, f64)]) -> Option<Dispersion> {
    let present: Vec<&(String, f64)> = values.iter().filter(|(_, v)| v.is_finite()).collect();
    let lowest = present.iter().min_by(|a, b| a.1.total_cmp(&b.1))?;
    let highest = present.iter().min_by(|a, b| b.1.total_cmp(&a.1))?;
    let numbers: Vec<f64> = present.iter().map(|(_, v)| *v).collect();
    let m = mean(numbers.iter().copied());
    let sd = sample_sd(&numbers);
    Some(Dispersion {
        method: DISPERSION,
        districts: numbers.len(),
        min: lowest.1,
        max: highest.1,
        range: highest.1 - lowest.1,
        max_min_ratio: (lowest.1 > 0.0).then(|| highest.1 / lowest.1),
        mean: m,
        sd,
        coefficient_of_variation: (m != 0.0 && sd.is_finite()).then(|| sd / m),
        lowest: lowest.0.clone(),
        highest: highest.0.clone(),
    })
}

/// Where a city stands among others on one indicator (same definition version): the
/// distribution, its quartile and its nearest peers. Ranks only when asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub method: Method,
    pub cities: usize,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
    pub mean: f64,
    /// For the city asked about: its value, its quartile (1 = the lowest values) and the
    /// `peers` cities whose values are nearest to it.
    pub value: Option<f64>,
    pub quartile: Option<u8>,
    pub peers: Vec<String>,
    /// 1 for the best value given the direction; present only when asked for.
    pub rank: Option<usize>,
}

pub fn compare(values: &[(String, f64)], city: Option<&str>, peers: usize, direction: Direction, with_rank: bool) -> Option<Comparison> {
    let present: Vec<&(String, f64)> = values.iter().filter(|(_, v)| v.is_finite()).collect();
    if present.is_empty() {
        return None;
    }
    let mut sorted: Vec<f64> = present.iter().map(|(_, v)| *v).collect();
    sorted.sort_by(f64::total_cmp);
    let q1 = quantile(&sorted, 0.25);
    let median = quantile(&sorted, 0.5);
    let q3 = quantile(&sorted, 0.75);
    let mut comparison = Comparison {
        method: COMPARISON,
        cities: sorted.len(),
        min: sorted[0],
        q1,
        median,
        q3,
        max: sorted[sorted.len() - 1],
        mean: mean(sorted.iter().copied()),
        value: None,
        quartile: None,
        peers: Vec::new(),
        rank: None,
    };
    if let Some(&&(ref name, value)) = city.and_then(|c| present.iter().find(|(n, _)| n == c)) {
        comparison.value = Some(value);
        comparison.quartile = Some(if value <= q1 {
            1
        } else if value <= median {
            2
        } else if value <= q3 {
            3
        } else {
            4
        });
        let mut others: Vec<&&(String, f64)> = present.iter().filter(|(n, _)| n != name).collect();
        others.sort_by(|a, b| (a.1 - value).abs().total_cmp(&(b.1 - value).abs()).then_with(|| a.0.cmp(&b.0)));
        comparison.peers = others.into_iter().take(peers).map(|(n, _)| n.clone()).collect();
        if with_rank {
            let better = present
                .iter()
                .filter(|(_, v)| match direction {
                    Direction::Positive => *v > value,
                    Direction::Negative => *v < value,
                })
                .count();
            comparison.rank = Some(better + 1);
        }
    }
    Some(comparison)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(n, v)| ((*n).to_owned(), *v)).collect()
    }

    #[test]
    fn gaps_and_parity_against_the_reference_group() {
        let g = equality_gaps(&named(&[("men", 80.0), ("women", 60.0), ("women 65+", 40.0)]), "men", Direction::Positive).unwrap();
        assert_eq!(g.groups[0].absolute, -20.0);
        assert_eq!(g.groups[0].ratio, Some(0.75));
        assert_eq!(g.furthest_behind, "women 65+");
        let g = equality_gaps(&named(&[("men", 8.0), ("women", 12.0)]), "men", Direction::Negative).unwrap();
        assert_eq!(g.furthest_behind, "women", "lower is better: the highest value is furthest behind");
        assert!(equality_gaps(&named(&[("women", 1.0)]), "men", Direction::Positive).is_none());
    }

    #[test]
    fn a_gap_closes_when_it_shrinks_and_reverses_when_it_changes_sign() {
        let women = [(2018, 60.0), (2019, 63.0), (2022, 70.0)];
        let men = [(2018, 80.0), (2020, 80.0), (2022, 78.0)];
        let t = gap_trend(&women, &men).unwrap();
        assert_eq!((t.first_year, t.first_gap, t.latest_year, t.latest_gap), (2018, -20.0, 2022, -8.0));
        assert!(t.closing && !t.reversed);
        assert!(gap_trend(&[(2020, 1.0)], &[(2020, 2.0)]).is_none());
    }

    #[test]
    fn district_dispersion() {
        let d = dispersion(&named(&[("north", 10.0), ("south", 20.0), ("east", 30.0), ("west", f64::NAN)])).unwrap();
        assert_eq!((d.districts, d.range, d.max_min_ratio, d.lowest.as_str(), d.highest.as_str()), (3, 20.0, Some(3.0), "north", "east"));
        assert!((d.coefficient_of_variation.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(dispersion(&named(&[("a", 0.0), ("b", 2.0)])).unwrap().max_min_ratio, None);
    }

    #[test]
    fn comparisons_give_quartiles_and_peers_and_ranks_only_on_request() {
        let values = named(&[("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 4.0), ("e", 5.0)]);
        let c = compare(&values, Some("d"), 2, Direction::Positive, false).unwrap();
        assert_eq!((c.q1, c.median, c.q3), (2.0, 3.0, 4.0));
        assert_eq!((c.quartile, c.rank), (Some(3), None));
        assert_eq!(c.peers, ["c", "e"]);
        assert_eq!(compare(&values, Some("d"), 2, Direction::Positive, true).unwrap().rank, Some(2));
    }
}
