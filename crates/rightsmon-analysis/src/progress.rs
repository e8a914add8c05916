//! Progress assessment: how far a series has moved towards where it should go.
//!
//! Each method is named and versioned ([`Method`]) and returns an [`Assessment`] that holds the
//! inputs it used (base and current point, growth rates), so that its verdict can be checked and
//! recomputed. A series too short to judge is "not assessable", with the reason, never a number.

use serde::{Deserialize, Serialize};

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
    /// For methods that give a category from a score: the score (from −5 to 5).
    pub category_score: Option<f64>,
}

impl Assessment {
    /// The score, if the series could be assessed.
    pub fn score(&self) -> Option<f64> {
        match self.outcome {
            Outcome::Score { score } => Some(score),
            Outcome::Category { .. } => self.category_score,
            Outcome::NotAssessable { .. } => None,
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
            category_score: None,
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
/// reason there are none.
fn growth(method: Method, series: &[Point], options: &CagrOptions) -> Result<Assessment, String> {
    growth_with(method, series, options, false)
}

/// [`growth`], optionally counting a base value of 0 as 0.001 (as Open SDG 2.4 does).
fn growth_with(method: Method, series: &[Point], options: &CagrOptions, zero_base: bool) -> Result<Assessment, String> {
    let mut points: Vec<Point> = series.iter().copied().filter(|p| p.value.is_finite()).collect();
    points.sort_by_key(|p| p.year);
    let Some(current) = points.last().copied() else {
        return Err("the series has no values".into());
    };
    let Some(base) = points.iter().copied().find(|p| p.year >= options.base_year) else {
        return Err(format!("the series has no value in or after the base year {}", options.base_year));
    };
    if base.year >= current.year {
        return Err("the series has no value after its base year".into());
    }
    let base = if zero_base && base.value == 0.0 { Point { value: 0.001, ..base } } else { base };
    let Some(observed) = cagr(base.value, current.value, f64::from(current.year - base.year)) else {
        return Err("the growth rate is not defined for these values (a base of 0, or a change of sign)".into());
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
        category_score: None,
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
        Err(reason) => return Assessment::not_assessable(method, reason),
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

/// The progress status of Open SDG's build tools (sdg-build), with the labels Statistics Canada
/// publishes: target achieved, substantial, moderate or negligible progress, deterioration.
pub const OPEN_SDG_PROGRESS_STATUS: Method = Method { name: "open-sdg-progress-status", version: 1 };
/// How much of the way from a city's baseline to its own target has been covered, against the
/// share of the time that has passed.
pub const CITY_TARGET_DISTANCE: Method = Method { name: "city-target-distance", version: 1 };

/// The three thresholds of a status method, highest first; each band includes its lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub high: f64,
    pub med: f64,
    pub low: f64,
}

impl Thresholds {
    /// Open SDG's defaults without a target: for the observed growth rate per year.
    pub const WITHOUT_TARGET: Self = Self { high: 0.015, med: 0.005, low: 0.0 };
    /// Open SDG's defaults with a target: for the ratio of observed to required growth.
    pub const WITH_TARGET: Self = Self { high: 0.95, med: 0.6, low: 0.0 };
}

/// One category of a method: its code, the words users see and its level (0 is the worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Category {
    pub code: &'static str,
    pub words: &'static str,
    pub level: u8,
}

impl Category {
    fn outcome(self) -> Outcome {
        Outcome::Category { code: self.code, words: self.words, level: self.level }
    }
}

/// Every category `method` can give, worst first within each of its scales (none for methods
/// that give scores or no verdict).
pub fn categories(method: Method) -> Vec<Category> {
    let scales: &[&[Category]] = match method.name {
        n if n == OPEN_SDG_PROGRESS_STATUS.name => &[&OPEN_SDG_STATUSES],
        n if n == OPEN_SDG_PROGRESS_MEASURE.name => &[&OPEN_SDG_MEASURE_STATUSES],
        n if n == UNSD_PROGRESS_CHART.name => &[&UNSD_STATUSES],
        n if n == EUROSTAT_SDG_ASSESSMENT.name => &[&EUROSTAT_TARGET_STATUSES, &EUROSTAT_STATUSES],
        n if n == CITY_TARGET_DISTANCE.name => &[&CITY_TARGET_STATUSES],
        n if n == STATE_CHANGE.name => &[&YES_NO_STATES, &ORDINAL_STATES],
        _ => &[],
    };
    let mut all: Vec<Category> = Vec::new();
    for category in scales.iter().flat_map(|scale| scale.iter()) {
        if !all.iter().any(|c| c.code == category.code) {
            all.push(*category);
        }
    }
    all
}

/// The categories of [`OPEN_SDG_PROGRESS_STATUS`], worst first.
pub const OPEN_SDG_STATUSES: [Category; 5] = [
    Category { code: "deterioration", words: "Deterioration", level: 0 },
    Category { code: "negligible_progress", words: "Negligible progress", level: 1 },
    Category { code: "moderate_progress", words: "Moderate progress", level: 2 },
    Category { code: "substantial_progress", words: "Substantial progress", level: 3 },
    Category { code: "target_achieved", words: "Target achieved", level: 4 },
];

/// The band of `value`: the first of `bands` (best first) whose lower bound it reaches, else `below`.
fn band(value: f64, bands: &[(f64, Category)], below: Category) -> Category {
    bands.iter().find(|(lower, _)| value >= *lower).map(|(_, c)| *c).unwrap_or(below)
}

/// The progress status ([`OPEN_SDG_PROGRESS_STATUS`]): the same base, current point and growth
/// rates as the CAGR score. With a target: met is "target achieved"; otherwise the ratio R of
/// observed to required growth is banded. Without: the observed growth rate per year (negated
/// when lower is better). Bands: from `high` substantial, from `med` moderate, from `low`
/// negligible progress, below it deterioration; the defaults are [`Thresholds::WITH_TARGET`]
/// and [`Thresholds::WITHOUT_TARGET`].
pub fn open_sdg_progress_status(series: &[Point], options: &CagrOptions, thresholds: Option<Thresholds>) -> Assessment {
    let method = OPEN_SDG_PROGRESS_STATUS;
    let mut assessment = match growth(method, series, options) {
        Ok(a) => a,
        Err(reason) => return Assessment::not_assessable(method, reason),
    };
    let [deterioration, negligible, moderate, substantial, achieved] = OPEN_SDG_STATUSES;
    let (value, t) = if assessment.target_used.is_none() {
        (signed(assessment.cagr_observed.unwrap_or(f64::NAN), options.direction), thresholds.unwrap_or(Thresholds::WITHOUT_TARGET))
    } else if target_met(&assessment, options.direction) {
        assessment.outcome = achieved.outcome();
        return assessment;
    } else {
        let Some(ratio) = assessment.ratio else {
            return Assessment::not_assessable(method, "the growth rate to the target is not defined for these values");
        };
        (ratio, thresholds.unwrap_or(Thresholds::WITH_TARGET))
    };
    assessment.outcome = band(value, &[(t.high, substantial), (t.med, moderate), (t.low, negligible)], deterioration).outcome();
    assessment
}

/// Open SDG's progress measure since version 2.4 (sdg-build's `ProgressMeasure`): a score from
/// −5 to 5 that is piecewise linear in the growth rate, so that its categories' edges fall on
/// −2.5, 0 and 2.5, and the category from the score.
pub const OPEN_SDG_PROGRESS_MEASURE: Method = Method { name: "open-sdg-progress-measure", version: 1 };

/// The categories of [`OPEN_SDG_PROGRESS_MEASURE`], worst first, with Open SDG's codes.
pub const OPEN_SDG_MEASURE_STATUSES: [Category; 5] = [
    Category { code: "deterioration", words: "Deterioration", level: 0 },
    Category { code: "limited_progress", words: "Limited progress", level: 1 },
    Category { code: "moderate_progress", words: "Progress made but acceleration needed", level: 2 },
    Category { code: "substantial_progress", words: "On track", level: 3 },
    Category { code: "target_achieved", words: "Target achieved", level: 4 },
];

/// The natural-limit factor C of Open SDG 2.4: 1 far from the limit, falling to 0 at it.
fn limit_factor(base: f64, limit: f64) -> f64 {
    let (b, l) = (base.abs(), limit.abs());
    if l == 0.0 || b >= 2.0 * l {
        1.0
    } else if b <= l {
        1.0 - (b / l).powf(4.44)
    } else {
        1.0 - ((2.0 * l - b) / l).powf(4.44)
    }
}

/// Open SDG's progress measure ([`OPEN_SDG_PROGRESS_MEASURE`]). The value p is d × CAGR without a
/// target and R = d × CAGR / |CAGR_required| with one (d is +1 when higher is better, −1 when
/// lower is, turned round again when the values are negative); a base of 0 counts as 0.001. A
/// target met scores 5, "target achieved". With a target: min(7.1429 p − 4.2857, 5) from p = 0.6,
/// max(4.1667 p − 2.5, −5) below. Without: max(125 p − 2.5, −5) below 0, 500 p / C − 2.5 up to
/// 0.5% C, 250 p / C − 1.25 up to 1.5% C, min(500 p / C − 5, 5) above, where C is the
/// natural-limit factor (1 without a `limit`). Categories from the score: on track from 2.5,
/// acceleration needed from 0, limited progress from −2.5, deterioration below.
pub fn open_sdg_progress_measure(series: &[Point], options: &CagrOptions, limit: Option<f64>) -> Assessment {
    let method = OPEN_SDG_PROGRESS_MEASURE;
    let mut assessment = match growth_with(method, series, options, true) {
        Ok(a) => a,
        Err(reason) => return Assessment::not_assessable(method, reason),
    };
    let [deterioration, limited, moderate, substantial, achieved] = OPEN_SDG_MEASURE_STATUSES;
    let base = assessment.base.map_or(1.0, |p| p.value);
    let sign = if base < 0.0 { -1.0 } else { 1.0 };
    let observed = assessment.cagr_observed.unwrap_or(f64::NAN);
    let d = sign * signed(1.0, options.direction);
    let score = if assessment.target_used.is_some() {
        if target_met(&assessment, options.direction) {
            assessment.category_score = Some(5.0);
            assessment.outcome = achieved.outcome();
            return assessment;
        }
        let Some(required) = assessment.cagr_required.filter(|r| *r != 0.0) else {
            return Assessment::not_assessable(method, "the growth rate to the target is not defined for these values");
        };
        let p = d * observed / required.abs();
        assessment.ratio = Some(p);
        if p >= 0.6 { (7.1429 * p - 4.2857).min(5.0) } else { (4.1667 * p - 2.5).max(-5.0) }
    } else {
        let p = d * observed;
        let c = limit.map_or(1.0, |l| limit_factor(base, l));
        if p < 0.0 {
            (125.0 * p - 2.5).max(-5.0)
        } else if c == 0.0 {
            5.0
        } else if p >= 0.015 * c {
            (500.0 * p / c - 5.0).min(5.0)
        } else if p >= 0.005 * c {
            250.0 * p / c - 1.25
        } else {
            500.0 * p / c - 2.5
        }
    };
    let category = band(score, &[(2.5, substantial), (0.0, moderate), (-2.5, limited)], deterioration);
    assessment.category_score = Some(score);
    assessment.outcome = category.outcome();
    assessment
}

/// The UN Statistics Division's SDG Progress Chart trend assessment.
pub const UNSD_PROGRESS_CHART: Method = Method { name: "unsd-progress-chart", version: 1 };
/// Eurostat's assessment of progress in its SDG monitoring report.
pub const EUROSTAT_SDG_ASSESSMENT: Method = Method { name: "eurostat-sdg-assessment", version: 1 };

/// The categories of [`UNSD_PROGRESS_CHART`], worst first.
pub const UNSD_STATUSES: [Category; 5] = [
    Category { code: "deterioration", words: "Deterioration", level: 0 },
    Category { code: "limited_progress", words: "Limited or no progress", level: 1 },
    Category { code: "fair_progress", words: "Fair progress, but acceleration needed", level: 2 },
    Category { code: "substantial_progress", words: "Substantial progress / on track", level: 3 },
    Category { code: "target_met", words: "Target met", level: 4 },
];

/// The Progress Chart's trend levels ([`UNSD_PROGRESS_CHART`]), from the same base, current
/// point and growth rates as Open SDG's. With a target: met, or the current ratio CR = observed
/// / required growth from 0.95 substantial progress (on track), from 0.5 fair progress, from
/// −0.1 limited or no progress, below deterioration. Without a target, on the observed growth
/// per year (negated when lower is better): above 1% substantial progress, above 0.5% fair
/// progress, above −1% limited or no progress, otherwise deterioration.
pub fn unsd_progress_chart(series: &[Point], options: &CagrOptions) -> Assessment {
    let method = UNSD_PROGRESS_CHART;
    let mut assessment = match growth(method, series, options) {
        Ok(a) => a,
        Err(reason) => return Assessment::not_assessable(method, reason),
    };
    let [deterioration, limited, fair, substantial, met] = UNSD_STATUSES;
    let category = if assessment.target_used.is_none() {
        let g = signed(assessment.cagr_observed.unwrap_or(f64::NAN), options.direction);
        if g > 0.01 {
            substantial
        } else if g > 0.005 {
            fair
        } else if g > -0.01 {
            limited
        } else {
            deterioration
        }
    } else if target_met(&assessment, options.direction) {
        met
    } else {
        let Some(ratio) = assessment.ratio else {
            return Assessment::not_assessable(method, "the growth rate to the target is not defined for these values");
        };
        band(ratio, &[(0.95, substantial), (0.5, fair), (-0.1, limited)], deterioration)
    };
    assessment.outcome = category.outcome();
    assessment
}

/// The categories of [`EUROSTAT_SDG_ASSESSMENT`] with a quantified target, worst first.
pub const EUROSTAT_TARGET_STATUSES: [Category; 4] = [
    Category { code: "movement_away", words: "Movement away from the target", level: 0 },
    Category { code: "insufficient_progress", words: "Insufficient progress towards the target", level: 1 },
    Category { code: "moderate_progress", words: "Moderate progress", level: 2 },
    Category { code: "significant_progress", words: "Significant progress", level: 3 },
];

/// The categories of [`EUROSTAT_SDG_ASSESSMENT`] without a quantified target, worst first.
pub const EUROSTAT_STATUSES: [Category; 4] = [
    Category { code: "significant_movement_away", words: "Significant movement away", level: 0 },
    Category { code: "moderate_movement_away", words: "Moderate movement away", level: 1 },
    Category { code: "moderate_progress", words: "Moderate progress", level: 2 },
    Category { code: "significant_progress", words: "Significant progress", level: 3 },
];

/// The period Eurostat assesses: the last `years` years up to the latest value (5 for the
/// short term, 15 for the long term).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EurostatOptions {
    pub direction: Direction,
    pub target: Option<f64>,
    pub target_year: i32,
    pub years: i32,
}

impl Default for EurostatOptions {
    /// The short term (5 years), target year 2030, higher is better, no target.
    fn default() -> Self {
        Self { direction: Direction::Positive, target: None, target_year: 2030, years: 5 }
    }
}

/// Eurostat's assessment ([`EUROSTAT_SDG_ASSESSMENT`]) over the last `years` years: the base is
/// the first value from `latest year − years`; the period needs at least three values. With a
/// target: the ratio of observed to required growth from 0.95 significant progress, from 0.6
/// moderate, from 0 insufficient progress, below movement away (a target already met is
/// significant progress). Without: the observed growth per year (negated when lower is better)
/// above 0.01 significant progress, from 0 moderate progress, from −0.01 moderate movement
/// away, below significant movement away.
pub fn eurostat_sdg_assessment(series: &[Point], options: &EurostatOptions) -> Assessment {
    let method = EUROSTAT_SDG_ASSESSMENT;
    let Some(latest) = series.iter().filter(|p| p.value.is_finite()).map(|p| p.year).max() else {
        return Assessment::not_assessable(method, "the series has no values");
    };
    let start = latest - options.years;
    let window: Vec<Point> = series.iter().copied().filter(|p| p.value.is_finite() && p.year >= start).collect();
    if window.len() < 3 {
        return Assessment::not_assessable(
            method,
            format!("the {} years up to {latest} hold {} value(s); the assessment needs at least 3", options.years, window.len()),
        );
    }
    let cagr_options =
        CagrOptions { direction: options.direction, target: options.target, base_year: start, target_year: options.target_year };
    let mut assessment = match growth(method, &window, &cagr_options) {
        Ok(a) => a,
        Err(reason) => return Assessment::not_assessable(method, reason),
    };
    let category = if assessment.target_used.is_none() {
        let [significant_away, moderate_away, moderate, significant] = EUROSTAT_STATUSES;
        let g = signed(assessment.cagr_observed.unwrap_or(f64::NAN), options.direction);
        if g > 0.01 { significant } else { band(g, &[(0.0, moderate), (-0.01, moderate_away)], significant_away) }
    } else {
        let [away, insufficient, moderate, significant] = EUROSTAT_TARGET_STATUSES;
        if target_met(&assessment, options.direction) {
            significant
        } else {
            let Some(ratio) = assessment.ratio else {
                return Assessment::not_assessable(method, "the growth rate to the target is not defined for these values");
            };
            band(ratio, &[(0.95, significant), (0.6, moderate), (0.0, insufficient)], away)
        }
    };
    assessment.outcome = category.outcome();
    assessment
}

/// The categories of [`CITY_TARGET_DISTANCE`], worst first.
pub const CITY_TARGET_STATUSES: [Category; 4] = [
    Category { code: "moving_away", words: "Moving away from the target", level: 0 },
    Category { code: "too_slow", words: "Progress, but too slow to reach the target in time", level: 1 },
    Category { code: "on_track", words: "On track to reach the target", level: 2 },
    Category { code: "target_reached", words: "Target reached", level: 3 },
];

/// A city's own target: from its baseline (a year and value) to a value by a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CityTarget {
    pub baseline: Point,
    pub target: Point,
}

/// What [`city_target_distance`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distance {
    pub method: Method,
    pub outcome: Outcome,
    pub target: CityTarget,
    pub latest: Option<Point>,
    /// (latest - baseline) / (target - baseline): 1 is the target, 0 the baseline, below 0 worse.
    pub covered: Option<f64>,
    /// The share of the time from baseline to target year that has passed at the latest point.
    pub elapsed: Option<f64>,
}

/// Baseline to latest against the city's own target ([`CITY_TARGET_DISTANCE`]): the target is
/// reached when the share covered is 1 or more; on track when the share covered is at least the
/// share of time elapsed; too slow when some but not enough of the way is covered; moving away
/// when the latest value is no better than the baseline. The latest point is the latest year
/// from the baseline year on.
/// A target that is not better than the baseline in the indicator's `direction` is not assessable.
pub fn city_target_distance(series: &[Point], target: CityTarget, direction: Direction) -> Distance {
    let method = CITY_TARGET_DISTANCE;
    let mut result =
        Distance { method, outcome: Outcome::NotAssessable { reason: String::new() }, target, latest: None, covered: None, elapsed: None };
    let (base, goal) = (target.baseline, target.target);
    if !(base.value.is_finite() && goal.value.is_finite()) || goal.value == base.value {
        result.outcome = Outcome::NotAssessable { reason: "the target equals the baseline, so there is no distance to cover".into() };
        return result;
    }
    if goal.year <= base.year {
        result.outcome = Outcome::NotAssessable { reason: "the target year is not after the baseline year".into() };
        return result;
    }
    if signed(goal.value - base.value, direction) <= 0.0 {
        result.outcome = Outcome::NotAssessable { reason: "the target is not better than the baseline for this indicator".into() };
        return result;
    }
    let Some(latest) = series.iter().copied().filter(|p| p.value.is_finite() && p.year > base.year).max_by_key(|p| p.year) else {
        result.outcome = Outcome::NotAssessable { reason: format!("the series has no value after the baseline year {}", base.year) };
        return result;
    };
    let covered = (latest.value - base.value) / (goal.value - base.value);
    let elapsed = (f64::from(latest.year - base.year) / f64::from(goal.year - base.year)).min(1.0);
    let [away, slow, on_track, reached] = CITY_TARGET_STATUSES;
    let category = if covered >= 1.0 {
        reached
    } else if covered <= 0.0 {
        away
    } else if covered >= elapsed {
        on_track
    } else {
        slow
    };
    result.latest = Some(latest);
    result.covered = Some(covered);
    result.elapsed = Some(elapsed);
    result.outcome = category.outcome();
    result
}

/// The state of a yes/no or ordinal indicator: what it is now, since when, and whether it moved
/// from the state before. Growth rates mean nothing for a state (a "no" that stays "no" is not a
/// deterioration, and 0 has no growth rate), so these indicators are judged by this method alone.
pub const STATE_CHANGE: Method = Method { name: "state-change", version: 1 };

/// What a state indicator measures: a yes/no (1 or 0), or one of ordered levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StateKind {
    YesNo,
    Ordinal,
}

/// The categories of [`STATE_CHANGE`] for yes/no indicators, worst first (for an indicator where
/// yes is better; where no is better the levels are the other way round).
pub const YES_NO_STATES: [Category; 3] = [
    Category { code: "no_longer_in_place", words: "No longer in place", level: 0 },
    Category { code: "not_in_place", words: "Not in place", level: 1 },
    Category { code: "in_place", words: "In place", level: 2 },
];

/// The categories of [`STATE_CHANGE`] for ordinal indicators, worst first.
pub const ORDINAL_STATES: [Category; 3] = [
    Category { code: "worsened", words: "A worse level than before", level: 0 },
    Category { code: "first_level", words: "The first level measured", level: 1 },
    Category { code: "improved", words: "A better level than before", level: 2 },
];

/// The state of a yes/no or ordinal series ([`STATE_CHANGE`]): the latest value, the first
/// year of the run of equal values that ends with it (`base`, "since"), and against the value
/// before that run: for yes/no, "in place" (1), "not in place" (0, never 1 before) or "no longer
/// in place" (0 after 1); for ordinal levels, better, worse or the same as the level before.
/// An unchanged value is never a deterioration.
pub fn state_change(series: &[Point], direction: Direction, kind: StateKind) -> Assessment {
    let mut points: Vec<Point> = series.iter().copied().filter(|p| p.value.is_finite()).collect();
    points.sort_by_key(|p| p.year);
    let Some(latest) = points.last().copied() else {
        return Assessment::not_assessable(STATE_CHANGE, "there is no value yet");
    };
    let run_start = points.iter().rposition(|p| p.value != latest.value).map_or(0, |i| i + 1);
    let since = points[run_start];
    let before = run_start.checked_sub(1).map(|i| points[i]);
    let better = |a: f64, b: f64| match direction {
        Direction::Positive => a > b,
        Direction::Negative => a < b,
    };
    let category = match kind {
        StateKind::YesNo => {
            let in_place = latest.value >= 0.5;
            let code = match (in_place, before) {
                (true, _) => "in_place",
                (false, Some(b)) if b.value >= 0.5 => "no_longer_in_place",
                (false, _) => "not_in_place",
            };
            let mut category = *YES_NO_STATES.iter().find(|c| c.code == code).unwrap_or(&YES_NO_STATES[1]);
            if direction == Direction::Negative {
                // Where "no" is better, a plan in place is the worse state.
                category.level = match code {
                    "in_place" => 0,
                    "no_longer_in_place" => 2,
                    _ => 1,
                };
            }
            category
        }
        StateKind::Ordinal => {
            let code = match before {
                None => "first_level",
                Some(b) if better(latest.value, b.value) => "improved",
                // The value before the run differs from the latest one, so it is better or worse.
                Some(_) => "worsened",
            };
            *ORDINAL_STATES.iter().find(|c| c.code == code).unwrap_or(&ORDINAL_STATES[1])
        }
    };
    Assessment {
        method: STATE_CHANGE,
        outcome: category.outcome(),
        base: Some(since),
        current: Some(latest),
        cagr_observed: None,
        cagr_required: None,
        ratio: None,
        target_used: None,
        category_score: None,
    }
}

/// The year of an Open SDG `Year` value: `2019`, or the first year of a range such as `2017-18`
/// or `2017/2018`.
pub fn open_sdg_year(text: &str) -> Option<i32> {
    let digits: String = text.trim().chars().take_while(char::is_ascii_digit).collect();
    if digits.len() == 4 { digits.parse().ok() } else { None }
}

#[cfg(test)]
mod tests;
