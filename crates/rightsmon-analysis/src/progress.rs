//! Progress assessment: how far a series has moved towards where it should go.
//!
//! Each method is named and versioned ([`Method`]) and returns an [`Assessment`] that holds the
//! inputs it used (base and current point, growth rates), so that its verdict can be checked and
//! recomputed. A series too short to judge is "not assessable", with the reason, never a number.

use serde::Serialize;

/// A named, versioned way of assessing progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Method {
    pub name: &'static str,
    pub version: u32,
}

/// The compound-annual-growth-rate score of Open SDG as Statistics Canada publishes it (the
/// older Open SDG rule): a score from -5 to 5.
pub const OPEN_SDG_CAGR_SCORE: Method = Method { name: "open-sdg-cagr-score", version: 1 };

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher values are better.
    Positive,
    /// Lower values are better.
    Negative,
}

/// One value of a series, in a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub year: i32,
    pub value: f64,
}

/// The options of the CAGR score, as Open SDG's `progress_calculation_options` give them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CagrOptions {
    pub direction: Direction,
    /// The value to reach by `target_year`, if there is one.
    pub target: Option<f64>,
    pub base_year: i32,
    pub target_year: i32,
}

impl Default for CagrOptions {
    /// Open SDG's defaults: base year 2015, target year 2030, lower is better, no target.
    fn default() -> Self {
        Self { direction: Direction::Negative, target: None, base_year: 2015, target_year: 2030 }
    }
}

/// What an assessment concluded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    Score {
        score: f64,
    },
    /// A category: its code, the words users see (in English; pages translate the code) and its
    /// level, from 0 (the worst) up, so that categories of one method can be ordered.
    Category {
        code: &'static str,
        words: &'static str,
        level: u8,
    },
    NotAssessable {
        reason: String,
    },
}

/// An assessment with the inputs it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub method: Method,
    pub outcome: Outcome,
    /// The point the series is measured from, and the latest one.
    pub base: Option<Point>,
    pub current: Option<Point>,
    /// The observed compound annual growth rate from base to current.
    pub cagr_observed: Option<f64>,
    /// With a target: the rate that would reach it by the target year, and observed / required.
    pub cagr_required: Option<f64>,
    pub ratio: Option<f64>,
    /// The target as used (a target of 0 counts as 0.001, since growth rates need a non-zero end).
    pub target_used: Option<f64>,
}

impl Assessment {
    /// The score, if the series could be assessed.
    pub fn score(&self) -> Option<f64> {
        match self.outcome {
            Outcome::Score { score } => Some(score),
            Outcome::Category { .. } | Outcome::NotAssessable { .. } => None,
        }
    }

    /// The category's code and level, for methods that give one.
    pub fn category(&self) -> Option<(&'static str, u8)> {
        match self.outcome {
            Outcome::Category { code, level, .. } => Some((code, level)),
            _ => None,
        }
    }

    fn not_assessable(method: Method, reason: impl Into<String>) -> Self {
        Self {
            method,
            outcome: Outcome::NotAssessable { reason: reason.into() },
            base: None,
            current: None,
            cagr_observed: None,
            cagr_required: None,
            ratio: None,
            target_used: None,
        }
    }
}

/// The compound annual growth rate from `from` to `to` over `years`, if it is a real number.
fn cagr(from: f64, to: f64, years: f64) -> Option<f64> {
    let rate = (to / from).powf(1.0 / years) - 1.0;
    rate.is_finite().then_some(rate)
}

/// The inputs the growth-rate methods share: base and current point, observed rate and, with a
/// target, whether it is met, the required rate and the ratio observed / required. Or the
/// assessment that says why there are none.
fn growth(method: Method, series: &[Point], options: &CagrOptions) -> Result<Assessment, Assessment> {
    let mut points: Vec<Point> = series.iter().copied().filter(|p| p.value.is_finite()).collect();
    points.sort_by_key(|p| p.year);
    let Some(current) = points.last().copied() else {
        return Err(Assessment::not_assessable(method, "the series has no values"));
    };
    let Some(base) = points.iter().copied().find(|p| p.year >= options.base_year) else {
        return Err(Assessment::not_assessable(method, format!("the series has no value in or after the base year {}", options.base_year)));
    };
    if base.year >= current.year {
        return Err(Assessment::not_assessable(method, "the series has no value after its base year"));
    }
    let Some(observed) = cagr(base.value, current.value, f64::from(current.year - base.year)) else {
        return Err(Assessment::not_assessable(
            method,
            "the growth rate is not defined for these values (a base of 0, or a change of sign)",
        ));
    };
    let mut assessment = Assessment {
        method,
        outcome: Outcome::NotAssessable { reason: String::new() },
        base: Some(base),
        current: Some(current),
        cagr_observed: Some(observed),
        cagr_required: None,
        ratio: None,
        target_used: None,
    };
    if let Some(target) = options.target {
        // Growth rates need a non-zero end: a target of 0 counts as 0.001.
        let target = if target == 0.0 { 0.001 } else { target };
        assessment.target_used = Some(target);
        // The required rate and the ratio are recorded even when the target is met.
        let required =
            if options.target_year > base.year { cagr(base.value, target, f64::from(options.target_year - base.year)) } else { None };
        assessment.cagr_required = required;
        assessment.ratio = required.map(|r| observed / r).filter(|r| r.is_finite());
    }
    Ok(assessment)
}

fn target_met(assessment: &Assessment, direction: Direction) -> bool {
    match (assessment.target_used, assessment.current) {
        (Some(target), Some(current)) => match direction {
            Direction::Positive => current.value >= target,
            Direction::Negative => current.value <= target,
        },
        _ => false,
    }
}

/// The observed rate with the sign that makes improvement positive.
fn signed(rate: f64, direction: Direction) -> f64 {
    match direction {
        Direction::Positive => rate,
        Direction::Negative => -rate,
    }
}

/// The CAGR score ([`OPEN_SDG_CAGR_SCORE`]).
///
/// The current point is the latest year; the base point is `base_year`, or the first later
/// year the series has. Without a target, the score is 250 times the observed growth rate
/// (negated when lower is better), within -5 and 5. With a target, a target already met scores
/// 5; otherwise the observed rate is compared with the rate that would reach the target by the
/// target year: R = observed / required, scored 7.1429 R - 4.2857 (at most 5) above R = 0.6,
/// and 4.1667 R - 2.5 (at least -5) below.
pub fn open_sdg_cagr_score(series: &[Point], options: &CagrOptions) -> Assessment {
    let method = OPEN_SDG_CAGR_SCORE;
    let mut assessment = match growth(method, series, options) {
        Ok(a) => a,
        Err(a) => return a,
    };
    let observed = assessment.cagr_observed.unwrap_or(f64::NAN);
    let score = if assessment.target_used.is_none() {
        (250.0 * signed(observed, options.direction)).clamp(-5.0, 5.0)
    } else if target_met(&assessment, options.direction) {
        5.0
    } else {
        let Some(ratio) = assessment.ratio else {
            return Assessment::not_assessable(method, "the growth rate to the target is not defined for these values");
        };
        if ratio > 0.6 { (7.1429 * ratio - 4.2857).min(5.0) } else { (4.1667 * ratio - 2.5).max(-5.0) }
    };
    assessment.outcome = Outcome::Score { score };
    assessment
}

/// The year of an Open SDG `Year` value: `2019`, or the first year of a range such as `2017-18`
/// or `2017/2018`.
pub fn open_sdg_year(text: &str) -> Option<i32> {
    let digits: String = text.trim().chars().take_while(char::is_ascii_digit).collect();
    if digits.len() == 4 { digits.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(i32, f64)]) -> Vec<Point> {
        points.iter().map(|&(year, value)| Point { year, value }).collect()
    }

    #[test]
    fn the_published_example_with_a_target_is_reproduced() {
        // 1-2-1: 2015 14.5, 2022 9.9, target 7.25, lower is better.
        let options = CagrOptions { target: Some(7.25), ..CagrOptions::default() };
        let a = open_sdg_cagr_score(&series(&[(2015, 14.5), (2018, 11.2), (2022, 9.9)]), &options);
        assert!((a.cagr_observed.unwrap() - -0.053_056_9).abs() < 1e-7);
        assert!((a.ratio.unwrap() - 1.174_906_6).abs() < 1e-7);
        assert!((a.score().unwrap() - 4.106_540_5).abs() < 1e-7);
    }

    #[test]
    fn without_a_target_the_score_follows_the_growth_rate_within_five() {
        let up = CagrOptions { direction: Direction::Positive, ..CagrOptions::default() };
        let a = open_sdg_cagr_score(&series(&[(2015, 51.59), (2023, 50.31)]), &up);
        assert!((a.score().unwrap() - -0.783_893_158_984_444_4).abs() < 1e-9);
        let fast = open_sdg_cagr_score(&series(&[(2015, 10.0), (2016, 20.0)]), &up);
        assert_eq!(fast.score(), Some(5.0));
    }

    #[test]
    fn a_met_target_scores_five_and_a_target_of_zero_counts_as_a_thousandth() {
        let options = CagrOptions { target: Some(10.0), ..CagrOptions::default() };
        assert_eq!(open_sdg_cagr_score(&series(&[(2015, 14.0), (2020, 9.0)]), &options).score(), Some(5.0));
        let zero = CagrOptions { target: Some(0.0), base_year: 2015, ..CagrOptions::default() };
        let a = open_sdg_cagr_score(&series(&[(2018, 10.0), (2022, 10.4)]), &zero);
        assert_eq!(a.target_used, Some(0.001));
        assert_eq!(a.base.map(|p| p.year), Some(2018), "a missing base year moves to the first later one");
        assert!((a.score().unwrap() - -2.576_620_079_707_824).abs() < 1e-9);
    }

    #[test]
    fn too_short_a_series_is_not_assessable_with_its_reason() {
        let options = CagrOptions::default();
        for points in [&[][..], &[(2020, 5.0)][..], &[(2010, 5.0), (2012, 6.0)][..], &[(2015, 0.0), (2020, 3.0)][..]] {
            let a = open_sdg_cagr_score(&series(points), &options);
            assert!(matches!(&a.outcome, Outcome::NotAssessable { reason } if !reason.is_empty()), "{points:?}: {a:?}");
            assert_eq!(a.score(), None);
        }
    }

    #[test]
    fn open_sdg_years_and_ranges_count_as_their_first_year() {
        assert_eq!(open_sdg_year("2019"), Some(2019));
        assert_eq!(open_sdg_year("2017-18"), Some(2017));
        assert_eq!(open_sdg_year(" 2017/2018"), Some(2017));
        assert_eq!(open_sdg_year("19"), None);
    }
}
