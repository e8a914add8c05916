//! Trends and non-retrogression.
//!
//! A trend is read within one definition version: where an indicator's definition changed, the
//! series breaks, and values on the two sides are never joined into one line or compared.

use serde::Serialize;

use crate::progress::{Direction, Method};
use crate::stats::{normal_two_sided, t_quantile};

/// Growth rates and a least-squares line per definition version.
pub const TREND_OLS: Method = Method { name: "trend-ols", version: 1 };
/// The deterioration test between the two latest periods.
pub const NON_RETROGRESSION: Method = Method { name: "non-retrogression", version: 1 };

/// A value with its year, the version of the definition it was measured under and, where
/// known, its confidence bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    pub year: i32,
    pub value: f64,
    pub version: u32,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

impl Observation {
    pub fn new(year: i32, value: f64) -> Self {
        Self { year, value, version: 1, lower: None, upper: None }
    }
}

/// A least-squares line `value = intercept + slope * year` with the confidence interval of its slope.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Slope {
    pub slope: f64,
    pub intercept: f64,
    /// The standard error of the slope, and its interval at `confidence` (with 3 or more points).
    pub standard_error: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub confidence: f64,
    pub r_squared: Option<f64>,
}

/// The trend within one definition version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    pub version: u32,
    pub from: i32,
    pub to: i32,
    pub points: usize,
    /// The compound annual growth rate from the first to the last point, where defined.
    pub cagr: Option<f64>,
    /// The annual growth rate between each point and the one before it: (year, rate).
    pub growth: Vec<(i32, f64)>,
    /// With 2 or more points in different years.
    pub slope: Option<Slope>,
}

/// Where the definition changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The first year under the new version.
    pub year: i32,
    pub from_version: u32,
    pub to_version: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub method: Method,
    /// Oldest first; the last is the current definition's.
    pub segments: Vec<Segment>,
    pub breaks: Vec<Break>,
}

impl Trend {
    /// The segment of the current definition.
    pub fn current(&self) -> Option<&Segment> {
        self.segments.last()
    }
}

/// The compound annual growth rate from `(year, value)` to `(year, value)`, if it is a real number.
pub fn cagr(from: (i32, f64), to: (i32, f64)) -> Option<f64> {
    let years = f64::from(to.0 - from.0);
    if years <= 0.0 {
        return None;
    }
    let rate = (to.1 / from.1).powf(1.0 / years) - 1.0;
    rate.is_finite().then_some(rate)
}

/// Ordinary least squares of value on year.
pub fn least_squares(points: &[(f64, f64)], confidence: f64) -> Option<Slope> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let mut result = Slope { slope, intercept, standard_error: None, lower: None, upper: None, confidence, r_squared: None };
    let syy: f64 = points.iter().map(|p| (p.1 - my) * (p.1 - my)).sum();
    if syy > 0.0 {
        result.r_squared = Some(sxy * sxy / (sxx * syy));
    } else {
        result.r_squared = Some(1.0);
    }
    if points.len() >= 3 {
        let residual: f64 = points.iter().map(|p| (p.1 - intercept - slope * p.0).powi(2)).sum();
        let df = n - 2.0;
        let se = (residual / df / sxx).sqrt();
        let t = t_quantile(0.5 + confidence / 2.0, df);
        result.standard_error = Some(se);
        result.lower = Some(slope - t * se);
        result.upper = Some(slope + t * se);
    }
    Some(result)
}

/// The trend of a series, segment by definition version; values that are not numbers are left out.
pub fn trend(series: &[Observation], confidence: f64) -> Trend {
    let mut points: Vec<Observation> = series.iter().copied().filter(|o| o.value.is_finite()).collect();
    points.sort_by_key(|o| (o.year, o.version));
    let mut segments: Vec<Vec<Observation>> = Vec::new();
    let mut breaks = Vec::new();
    for o in points {
        match segments.last_mut() {
            Some(current) if current[0].version == o.version => current.push(o),
            Some(current) => {
                breaks.push(Break { year: o.year, from_version: current[0].version, to_version: o.version });
                segments.push(vec![o]);
            }
            None => segments.push(vec![o]),
        }
    }
    let segments = segments
        .into_iter()
        .map(|s| {
            let first = s[0];
            let last = s[s.len() - 1];
            let growth =
                s.windows(2).filter_map(|w| cagr((w[0].year, w[0].value), (w[1].year, w[1].value)).map(|r| (w[1].year, r))).collect();
            let xy: Vec<(f64, f64)> = s.iter().map(|o| (f64::from(o.year), o.value)).collect();
            Segment {
                version: first.version,
                from: first.year,
                to: last.year,
                points: s.len(),
                cagr: cagr((first.year, first.value), (last.year, last.value)),
                growth,
                slope: least_squares(&xy, confidence),
            }
        })
        .collect();
    Trend { method: TREND_OLS, segments, breaks }
}

/// What the comparison of the two latest periods found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Worse, beyond what the confidence bounds allow (or worse at all, without bounds).
    Deterioration,
    /// Worse, but within the confidence bounds.
    NoSignificantChange,
    Stable,
    Improvement,
    /// The two periods were measured under different definitions.
    NotComparable,
    /// Fewer than two periods.
    NotAssessable,
}

impl Change {
    /// The words users see.
    pub fn words(self) -> &'static str {
        match self {
            Self::Deterioration => "deterioration since the previous period",
            Self::NoSignificantChange => "worse, but not beyond the margin of error",
            Self::Stable => "unchanged",
            Self::Improvement => "improvement since the previous period",
            Self::NotComparable => "not comparable: the definition changed",
            Self::NotAssessable => "not assessable: fewer than two periods",
        }
    }
}

/// The non-retrogression test of a series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Retrogression {
    pub method: Method,
    pub change: Change,
    /// True for a deterioration: the flag the monitoring raises.
    pub flagged: bool,
    pub previous: Option<Observation>,
    pub latest: Option<Observation>,
    pub difference: Option<f64>,
    /// With confidence bounds on both values: |difference| / its standard error, and the critical value.
    pub z: Option<f64>,
    pub critical: Option<f64>,
    /// "confidence bounds" or "no confidence bounds: every deterioration counts".
    pub basis: &'static str,
}

/// Compares the latest period with the one before it. With confidence bounds (at `confidence`)
/// on both, a deterioration counts when the difference exceeds its margin of error (the
/// standard errors are recovered from the bounds as (upper - lower) / 2z and combined as for
/// independent estimates); without, every deterioration counts.
pub fn retrogression(series: &[Observation], direction: Direction, confidence: f64) -> Retrogression {
    let mut points: Vec<Observation> = series.iter().copied().filter(|o| o.value.is_finite()).collect();
    points.sort_by_key(|o| o.year);
    let mut result = Retrogression {
        method: NON_RETROGRESSION,
        change: Change::NotAssessable,
        flagged: false,
        previous: None,
        latest: None,
        difference: None,
        z: None,
        critical: None,
        basis: "no confidence bounds: every deterioration counts",
    };
    let [.., previous, latest] = points[..] else { return result };
    result.previous = Some(previous);
    result.latest = Some(latest);
    if previous.version != latest.version {
        result.change = Change::NotComparable;
        return result;
    }
    let difference = latest.value - previous.value;
    result.difference = Some(difference);
    let worse = match direction {
        Direction::Positive => difference < 0.0,
        Direction::Negative => difference > 0.0,
    };
    let bounds = |o: Observation| o.lower.zip(o.upper).filter(|(l, u)| u >= l);
    let significant = match (bounds(previous), bounds(latest)) {
        (Some((l1, u1)), Some((l2, u2))) => {
            let critical = normal_two_sided(confidence);
            let se1 = (u1 - l1) / (2.0 * critical);
            let se2 = (u2 - l2) / (2.0 * critical);
            let se = (se1 * se1 + se2 * se2).sqrt();
            result.basis = "confidence bounds";
            result.critical = Some(critical);
            if se > 0.0 {
                let z = difference.abs() / se;
                result.z = Some(z);
                z > critical
            } else {
                difference != 0.0
            }
        }
        _ => difference != 0.0,
    };
    result.change = match (difference == 0.0, worse, significant) {
        (true, _, _) => Change::Stable,
        (false, true, true) => Change::Deterioration,
        (false, true, false) => Change::NoSignificantChange,
        (false, false, _) => Change::Improvement,
    };
    result.flagged = result.change == Change::Deterioration;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slope_and_its_interval_match_a_hand_computation() {
        // y = 1, 3, 2, 5, 4 on x = 0..4: slope 0.8, intercept 1.4, residual SS 3.6, se sqrt(3.6/3/10).
        let points: Vec<(f64, f64)> = [1.0, 3.0, 2.0, 5.0, 4.0].iter().enumerate().map(|(i, &y)| (i as f64, y)).collect();
        let s = least_squares(&points, 0.95).unwrap();
        assert!((s.slope - 0.8).abs() < 1e-12 && (s.intercept - 1.4).abs() < 1e-12);
        let se = (3.6_f64 / 3.0 / 10.0).sqrt();
        assert!((s.standard_error.unwrap() - se).abs() < 1e-12);
        assert!((s.upper.unwrap() - (0.8 + 3.182_446_305 * se)).abs() < 1e-8);
        assert!((s.r_squared.unwrap() - 0.64).abs() < 1e-12);
    }

    #[test]
    fn a_change_of_definition_breaks_the_series() {
        let mut series: Vec<Observation> = (2015..2020).map(|y| Observation::new(y, f64::from(y - 2000))).collect();
        series.extend((2020..2023).map(|y| Observation { version: 2, ..Observation::new(y, 100.0 - f64::from(y - 2020)) }));
        let t = trend(&series, 0.95);
        assert_eq!(t.breaks, [Break { year: 2020, from_version: 1, to_version: 2 }]);
        assert_eq!(t.segments.len(), 2);
        let current = t.current().unwrap();
        assert_eq!((current.from, current.to, current.points), (2020, 2022, 3));
        assert!((current.slope.unwrap().slope - -1.0).abs() < 1e-12);
        assert_eq!(current.growth.len(), 2);
        assert!((t.segments[0].cagr.unwrap() - ((19.0_f64 / 15.0).powf(0.25) - 1.0)).abs() < 1e-12);
    }

    #[test]
    fn a_deterioration_counts_only_beyond_its_margin_of_error() {
        let o =
            |year, value, half: f64| Observation { lower: Some(value - half), upper: Some(value + half), ..Observation::new(year, value) };
        // Positive direction, a fall of 2 with margins of 1: se = 1/1.96 each, z = 2 / (sqrt(2)/1.96) = 2.77.
        let r = retrogression(&[o(2020, 10.0, 1.0), o(2021, 8.0, 1.0)], Direction::Positive, 0.95);
        assert_eq!(r.change, Change::Deterioration);
        assert!(r.flagged);
        assert!((r.z.unwrap() - 2.0 * 1.959_963_985 / 2.0_f64.sqrt()).abs() < 1e-7);
        let r = retrogression(&[o(2020, 10.0, 3.0), o(2021, 8.0, 3.0)], Direction::Positive, 0.95);
        assert_eq!((r.change, r.flagged), (Change::NoSignificantChange, false));
        let r = retrogression(&[Observation::new(2020, 10.0), Observation::new(2021, 10.5)], Direction::Negative, 0.95);
        assert_eq!((r.change, r.flagged, r.basis), (Change::Deterioration, true, "no confidence bounds: every deterioration counts"));
        let r = retrogression(
            &[Observation::new(2020, 10.0), Observation { version: 2, ..Observation::new(2021, 5.0) }],
            Direction::Negative,
            0.95,
        );
        assert_eq!(r.change, Change::NotComparable);
        assert_eq!(retrogression(&[Observation::new(2020, 1.0)], Direction::Negative, 0.95).change, Change::NotAssessable);
    }
}
