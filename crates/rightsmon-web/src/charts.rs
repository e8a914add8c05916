//! Charts drawn on the server as inline SVG. This module does the geometry (scales, ticks, paths,
//! marker positions) and hands it to `templates/charts.html`, which writes the markup, so that
//! every label is escaped by the template engine. No chart needs JavaScript; each one comes with a
//! title, a text summary and the same numbers as a table on the page.

use serde::Serialize;

/// The drawing area of every chart, in SVG units (the SVG scales to its box).
const WIDTH: f64 = 640.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 40.0;

/// A label on an axis at a position in SVG units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// A point drawn with a marker, with the text its tooltip shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Marker {
    pub x: f64,
    pub y: f64,
    pub label: String,
}

/// A horizontal reference line (the baseline) with its label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub x1: f64,
    pub x2: f64,
    pub y: f64,
    pub label: String,
}

/// One value of a time series: the year, the value and its bounds where it has them, and the
/// segment it belongs to (a new segment starts where the definition changed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeValue {
    pub year: i32,
    pub value: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub segment: u32,
}

/// What a time-series chart shows.
#[derive(Debug, Clone, Default)]
pub struct TimeSeries {
    pub official: Vec<TimeValue>,
    /// Civil-society values beside the official ones.
    pub shadow: Vec<(i32, f64)>,
    pub baseline: Option<(i32, f64)>,
    pub target: Option<(i32, f64)>,
    /// Decimals of the indicator's values, for labels.
    pub digits: usize,
    /// For yes/no and ordinal indicators: every state with its label, lowest first. The axis
    /// then shows exactly these, and the line steps from one state to the next.
    pub states: Option<Vec<(f64, String)>>,
}

/// The geometry of a time-series chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineChart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    /// One path per segment of the official series.
    pub lines: Vec<String>,
    /// The band between lower and upper bounds, one closed path per run of bounded values.
    pub bands: Vec<String>,
    pub points: Vec<Marker>,
    pub shadow: Vec<Marker>,
    pub baseline: Option<Rule>,
    pub target: Option<Marker>,
    /// The dotted path from the baseline to the target.
    pub target_path: Option<String>,
}

/// A number as labels show it: at most `digits` decimals, no trailing zeros, no "-0".
pub fn label(value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let text = format!("{value:.digits$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    if text == "-0" { "0".to_owned() } else { text }
}

/// Round numbers from about `min` to `max`, about `count` of them: steps of 1, 2, 2.5 or 5 times
/// a power of ten. Returns the ticks, which cover both ends.
pub fn nice_ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    let (mut min, mut max) = if min <= max { (min, max) } else { (max, min) };
    if !min.is_finite() || !max.is_finite() {
        return vec![0.0, 1.0];
    }
    if max == min {
        let pad = if min == 0.0 { 1.0 } else { min.abs() * 0.1 };
        min -= pad;
        max += pad;
    }
    let raw = (max - min) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let first = (min / step).floor();
    let last = (max / step).ceil();
    let steps = (last - first).round() as i64;
    (0..=steps.clamp(1, 50)).map(|i| clean((first + i as f64) * step, step)).collect()
}

/// A tick value without the noise of floating-point steps (0.30000000000000004 is 0.3).
fn clean(value: f64, step: f64) -> f64 {
    let decimals = (-step.log10().floor()).max(0.0) as i32 + 1;
    let factor = 10f64.powi(decimals);
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// The decimals a tick label needs for `step`.
fn tick_digits(ticks: &[f64]) -> usize {
    let step = match ticks {
        [a, b, ..] => (b - a).abs(),
        _ => 1.0,
    };
    if step >= 1.0 {
        0
    } else {
        let d = (-step.log10()).ceil() as usize;
        if (step * 10f64.powi(d as i32) - (step * 10f64.powi(d as i32)).round()).abs() > 1e-9 { d + 1 } else { d }
    }
}

/// A linear scale from a domain to a range of SVG units.
#[derive(Debug, Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    fn at(&self, value: f64) -> f64 {
        if self.d1 == self.d0 {
            return (self.r0 + self.r1) / 2.0;
        }
        round2(self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0))
    }
}

/// SVG coordinates with two decimals keep the markup short and stable.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A path that holds each value until the next one, then steps to it.
fn step_path(points: &[(f64, f64)]) -> String {
    let mut stepped = Vec::with_capacity(points.len() * 2);
    for (i, point) in points.iter().enumerate() {
        if i > 0 {
            stepped.push((point.0, points[i - 1].1));
        }
        stepped.push(*point);
    }
    path(&stepped)
}

fn path(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            d.push(' ');
        }
        d.push_str(&format!("{}{x} {y}", if i == 0 { 'M' } else { 'L' }));
    }
    d
}

/// The geometry of a time-series chart, or `None` when there is nothing to draw.
pub fn line_chart(series: &TimeSeries, height: f64) -> Option<LineChart> {
    let mut years: Vec<i32> = series.official.iter().map(|p| p.year).chain(series.shadow.iter().map(|s| s.0)).collect();
    years.extend(series.baseline.iter().chain(series.target.iter()).map(|b| b.0));
    let mut values: Vec<f64> = Vec::new();
    for p in &series.official {
        values.push(p.value);
        values.extend(p.lower.iter().chain(p.upper.iter()).copied());
    }
    values.extend(series.shadow.iter().map(|s| s.1));
    values.extend(series.baseline.iter().chain(series.target.iter()).map(|b| b.1));
    values.retain(|v| v.is_finite());
    if series.official.is_empty() && series.shadow.is_empty() || values.is_empty() {
        return None;
    }
    let (first_year, last_year) = (*years.iter().min()?, *years.iter().max()?);
    let (mut low, high) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    // Values that are all positive start the axis at zero unless they sit far above it.
    if low > 0.0 && low < 0.5 * high {
        low = 0.0;
    }
    let ticks = match &series.states {
        Some(states) if !states.is_empty() => states.iter().map(|(v, _)| *v).collect(),
        _ => nice_ticks(low, high, 5),
    };
    let (y_min, y_max) = (ticks[0], ticks[ticks.len() - 1]);
    let x = Scale { d0: f64::from(first_year), d1: f64::from(last_year), r0: LEFT, r1: WIDTH - RIGHT };
    let y = Scale { d0: y_min, d1: if y_max > y_min { y_max } else { y_min + 1.0 }, r0: height - BOTTOM, r1: TOP };
    let digits = tick_digits(&ticks);
    let state_label =
        |v: f64| series.states.as_ref().and_then(|states| states.iter().find(|(s, _)| (*s - v).abs() < 1e-9)).map(|(_, l)| l.clone());
    let value_label = |v: f64| state_label(v).unwrap_or_else(|| label(v, series.digits));
    let y_ticks = ticks.iter().map(|v| Tick { at: y.at(*v), label: state_label(*v).unwrap_or_else(|| label(*v, digits)) }).collect();
    let span = last_year - first_year;
    let every = match span {
        0..=10 => 1,
        11..=20 => 2,
        21..=50 => 5,
        _ => 10,
    };
    let x_ticks = (first_year..=last_year)
        .filter(|year| (year - first_year) % every == 0)
        .map(|year| Tick { at: x.at(f64::from(year)), label: year.to_string() })
        .collect();

    let mut lines = Vec::new();
    let mut bands = Vec::new();
    let mut segments: Vec<Vec<&TimeValue>> = Vec::new();
    for p in &series.official {
        match segments.last_mut() {
            Some(segment) if segment.last().is_some_and(|q| q.segment == p.segment) => segment.push(p),
            _ => segments.push(vec![p]),
        }
    }
    for segment in &segments {
        let points: Vec<(f64, f64)> = segment.iter().map(|p| (x.at(f64::from(p.year)), y.at(p.value))).collect();
        lines.push(if series.states.is_some() { step_path(&points) } else { path(&points) });
        // Consecutive values with both bounds make one band.
        let mut run: Vec<(i32, f64, f64)> = Vec::new();
        let mut flush = |run: &mut Vec<(i32, f64, f64)>| {
            if !run.is_empty() {
                let mut outline: Vec<(f64, f64)> = run.iter().map(|(yr, _, u)| (x.at(f64::from(*yr)), y.at(*u))).collect();
                outline.extend(run.iter().rev().map(|(yr, l, _)| (x.at(f64::from(*yr)), y.at(*l))));
                let single = run.len() == 1;
                let mut d = path(&outline);
                if single {
                    // One bounded value: a short bar instead of an invisible band.
                    let (cx, lo, hi) = (x.at(f64::from(run[0].0)), y.at(run[0].1), y.at(run[0].2));
                    d = format!(
                        "M{} {hi} L{} {hi} L{} {lo} L{} {lo}",
                        round2(cx - 4.0),
                        round2(cx + 4.0),
                        round2(cx + 4.0),
                        round2(cx - 4.0)
                    );
                }
                d.push_str(" Z");
                bands.push(d);
                run.clear();
            }
        };
        for p in segment {
            match (p.lower, p.upper) {
                (Some(l), Some(u)) if l.is_finite() && u.is_finite() => run.push((p.year, l, u)),
                _ => flush(&mut run),
            }
        }
        flush(&mut run);
    }
    let points = series
        .official
        .iter()
        .map(|p| {
            let bounds = match (p.lower, p.upper) {
                (Some(l), Some(u)) => format!(" ({} – {})", label(l, series.digits), label(u, series.digits)),
                _ => String::new(),
            };
            Marker { x: x.at(f64::from(p.year)), y: y.at(p.value), label: format!("{}: {}{bounds}", p.year, value_label(p.value)) }
        })
        .collect();
    let shadow = series
        .shadow
        .iter()
        .map(|(year, v)| Marker { x: x.at(f64::from(*year)), y: y.at(*v), label: format!("{year}: {}", value_label(*v)) })
        .collect();
    let baseline = series.baseline.map(|(year, v)| Rule {
        x1: x.at(f64::from(year)),
        x2: WIDTH - RIGHT,
        y: y.at(v),
        label: format!("{year}: {}", label(v, series.digits)),
    });
    let target = series.target.map(|(year, v)| Marker {
        x: x.at(f64::from(year)),
        y: y.at(v),
        label: format!("{year}: {}", label(v, series.digits)),
    });
    let target_path = match (series.baseline, series.target) {
        (Some(b), Some(t)) => Some(path(&[(x.at(f64::from(b.0)), y.at(b.1)), (x.at(f64::from(t.0)), y.at(t.1))])),
        _ => None,
    };
    Some(LineChart {
        width: WIDTH,
        height,
        left: LEFT,
        right: WIDTH - RIGHT,
        top: TOP,
        bottom: height - BOTTOM,
        x_ticks,
        y_ticks,
        lines,
        bands,
        points,
        shadow,
        baseline,
        target,
        target_path,
    })
}

/// One bar of a bar chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: String,
    /// The bar's box.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Where the label's text is anchored, and where the value's.
    pub label_y: f64,
    pub value_x: f64,
    /// The reference group is drawn hatched.
    pub reference: bool,
}

/// The geometry of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    pub label_x: f64,
    pub zero_x: f64,
    pub top: f64,
    pub bottom: f64,
    pub ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
}

/// Room for the group names left of the bars.
const BAR_LABELS: f64 = 200.0;
const BAR_HEIGHT: f64 = 22.0;
const BAR_GAP: f64 = 10.0;

/// Horizontal bars for `(label, value, is_reference)`, in the order given; `None` without values.
pub fn bar_chart(bars: &[(String, f64, bool)], digits: usize) -> Option<BarChart> {
    let values: Vec<f64> = bars.iter().map(|b| b.1).filter(|v| v.is_finite()).collect();
    if values.is_empty() {
        return None;
    }
    let low = values.iter().copied().fold(0.0_f64, f64::min);
    let high = values.iter().copied().fold(0.0_f64, f64::max);
    let ticks = nice_ticks(low, high, 4);
    let (d0, d1) = (ticks[0], ticks[ticks.len() - 1]);
    // Room on the right for the value written after the longest bar.
    let x = Scale { d0, d1, r0: BAR_LABELS, r1: WIDTH - RIGHT - 48.0 };
    let zero_x = x.at(0.0);
    let top = TOP;
    let height = top + bars.len() as f64 * (BAR_HEIGHT + BAR_GAP) + BOTTOM;
    let tick_digits = tick_digits(&ticks);
    let bars = bars
        .iter()
        .filter(|b| b.1.is_finite())
        .enumerate()
        .map(|(i, (name, value, reference))| {
            let y = round2(top + i as f64 * (BAR_HEIGHT + BAR_GAP));
            let end = x.at(*value);
            let (bar_x, bar_w) = if end >= zero_x { (zero_x, end - zero_x) } else { (end, zero_x - end) };
            Bar {
                label: name.clone(),
                value: label(*value, digits),
                x: round2(bar_x),
                y,
                width: round2(bar_w.max(1.0)),
                height: BAR_HEIGHT,
                label_y: round2(y + BAR_HEIGHT / 2.0 + 5.0),
                value_x: round2(zero_x.max(end) + 6.0),
                reference: *reference,
            }
        })
        .collect();
    let axis = height - BOTTOM;
    Some(BarChart {
        width: WIDTH,
        height,
        label_x: BAR_LABELS - 8.0,
        zero_x,
        top,
        bottom: axis,
        ticks: ticks.iter().map(|v| Tick { at: x.at(*v), label: label(*v, tick_digits) }).collect(),
        bars,
    })
}

/// One district on a map: its outline as an SVG path, its class (0 is the lowest; `None`
/// without a value) and the text its tooltip and the table show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub path: String,
    pub class: Option<usize>,
    /// The colour step (0 lightest to 4 darkest) of its class.
    pub shade: Option<usize>,
    pub value: Option<String>,
}

/// A class of a map's legend: the values from `from` up to `to`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Class {
    pub from: String,
    pub to: String,
    pub shade: usize,
}

/// The geometry of a choropleth map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Map {
    pub width: f64,
    pub height: f64,
    pub areas: Vec<Area>,
    pub classes: Vec<Class>,
    /// Whether some districts have no value (drawn hatched).
    pub missing: bool,
}

/// A district to draw: its code, its name and its polygons (rings of longitude and latitude).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outline<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub polygons: &'a [Vec<Vec<[f64; 2]>>],
}

/// The outlines of `boundaries`, named by `names` (code, name) where they are known.
pub fn outlines<'a>(boundaries: &'a [rightsmon_domain::area::Boundary], names: &'a [(String, String)]) -> Vec<Outline<'a>> {
    boundaries
        .iter()
        .map(|b| {
            let code = b.area.as_str();
            let name = names.iter().find(|(c, _)| c == code).map_or(code, |(_, n)| n.as_str());
            Outline { code, name, polygons: &b.polygons }
        })
        .collect()
}

/// The most classes a map's legend has.
const MAP_CLASSES: usize = 5;
const MAP_MARGIN: f64 = 8.0;

/// A choropleth of `outlines` (code, name, polygons in longitude and latitude) coloured by
/// `values` in up to five classes of equal width on round numbers. `None` without outlines.
pub fn choropleth(outlines: &[Outline<'_>], values: &[(String, f64)], digits: usize) -> Option<Map> {
    let points = || outlines.iter().flat_map(|o| o.polygons.iter()).flat_map(|p| p.iter()).flat_map(|r| r.iter());
    let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for p in points() {
        (x0, y0, x1, y1) = (x0.min(p[0]), y0.min(p[1]), x1.max(p[0]), y1.max(p[1]));
    }
    if !x0.is_finite() || x1 <= x0 || y1 <= y0 {
        return None;
    }
    // An equirectangular projection true to scale at the map's middle latitude.
    let squeeze = ((y0 + y1) / 2.0).to_radians().cos().max(0.01);
    let (span_x, span_y) = ((x1 - x0) * squeeze, y1 - y0);
    let inner = WIDTH - 2.0 * MAP_MARGIN;
    let scale = (inner / span_x).min(480.0 / span_y);
    let height = round2(span_y * scale + 2.0 * MAP_MARGIN);
    let project = |p: &[f64; 2]| (round2(MAP_MARGIN + (p[0] - x0) * squeeze * scale), round2(MAP_MARGIN + (y1 - p[1]) * scale));

    let present: Vec<f64> = values.iter().map(|v| v.1).filter(|v| v.is_finite()).collect();
    let (low, high) = present.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    let edges = if present.is_empty() { Vec::new() } else { nice_ticks(low, high, MAP_CLASSES) };
    let edges = if edges.len() > MAP_CLASSES + 1 { nice_ticks(low, high, MAP_CLASSES - 1) } else { edges };
    let edge_digits = tick_digits(&edges).max(digits.min(2));
    let count = edges.len().saturating_sub(1);
    // The classes spread over the five steps of the palette, lightest for the lowest.
    let shade = |i: usize| if count <= 1 { 2 } else { (i * (MAP_CLASSES - 1) + (count - 1) / 2) / (count - 1) };
    let classes: Vec<Class> = edges
        .windows(2)
        .enumerate()
        .map(|(i, w)| Class { from: label(w[0], edge_digits), to: label(w[1], edge_digits), shade: shade(i) })
        .collect();
    let class_of = |v: f64| edges.windows(2).position(|w| v < w[1]).unwrap_or(classes.len().saturating_sub(1));

    let mut missing = false;
    let areas = outlines
        .iter()
        .map(|o| {
            let mut d = String::new();
            for ring in o.polygons.iter().flat_map(|p| p.iter()) {
                let projected: Vec<(f64, f64)> = ring.iter().map(project).collect();
                if !d.is_empty() {
                    d.push(' ');
                }
                d.push_str(&path(&projected));
                d.push_str(" Z");
            }
            let value = values.iter().find(|(c, v)| c == o.code && v.is_finite()).map(|(_, v)| *v);
            missing |= value.is_none();
            Area {
                code: o.code.to_owned(),
                name: o.name.to_owned(),
                path: d,
                class: value.map(class_of),
                shade: value.map(|v| shade(class_of(v))),
                value: value.map(|v| label(v, digits)),
            }
        })
        .collect();
    Some(Map { width: WIDTH, height, areas, classes, missing })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_values() {
        assert_eq!(nice_ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(12.3, 18.9, 5), vec![12.0, 14.0, 16.0, 18.0, 20.0]);
        assert_eq!(nice_ticks(0.1, 0.7, 4), vec![0.0, 0.2, 0.4, 0.6, 0.8]);
        assert_eq!(nice_ticks(-3.0, 2.0, 5), vec![-3.0, -2.0, -1.0, 0.0, 1.0, 2.0]);
        let flat = nice_ticks(5.0, 5.0, 5);
        assert!(flat[0] <= 5.0 && *flat.last().unwrap() >= 5.0 && flat.len() > 1);
        assert_eq!(nice_ticks(f64::NAN, 1.0, 5), vec![0.0, 1.0]);
        assert_eq!(tick_digits(&[0.0, 0.25, 0.5]), 2);
        assert_eq!(tick_digits(&[0.0, 0.2]), 1);
        assert_eq!(tick_digits(&[0.0, 5.0]), 0);
    }

    fn value(year: i32, value: f64, segment: u32) -> TimeValue {
        TimeValue { year, value, lower: None, upper: None, segment }
    }

    #[test]
    fn a_time_series_puts_every_value_inside_the_plot_and_breaks_where_the_definition_changed() {
        let mut official = vec![value(2019, 12.0, 1), value(2020, 11.0, 1), value(2021, 10.5, 2), value(2022, 9.0, 2)];
        official[2].lower = Some(9.5);
        official[2].upper = Some(11.5);
        official[3].lower = Some(8.0);
        official[3].upper = Some(10.0);
        let series = TimeSeries {
            official,
            shadow: vec![(2022, 11.0)],
            baseline: Some((2019, 12.0)),
            target: Some((2030, 5.0)),
            digits: 1,
            states: None,
        };
        let chart = line_chart(&series, 320.0).unwrap();
        assert_eq!(chart.lines.len(), 2, "two definitions, two lines");
        assert_eq!(chart.bands.len(), 1, "the two bounded values make one band");
        assert!(chart.bands[0].ends_with('Z'));
        for m in chart.points.iter().chain(&chart.shadow).chain(chart.target.iter()) {
            assert!(m.x >= chart.left && m.x <= chart.right && m.y >= chart.top && m.y <= chart.bottom, "{m:?}");
        }
        assert_eq!(chart.target.as_ref().unwrap().x, chart.right, "the target year ends the axis");
        assert_eq!(chart.points[2].label, "2021: 10.5 (9.5 – 11.5)");
        assert!(chart.y_ticks.first().unwrap().label == "0", "positive values start at zero: {:?}", chart.y_ticks);
        assert!(chart.target_path.is_some());
        assert!(line_chart(&TimeSeries::default(), 320.0).is_none());
    }

    #[test]
    fn bars_start_at_zero_and_negative_ones_go_left() {
        let chart = bar_chart(&[("Women".into(), 12.5, false), ("Men".into(), -4.0, true)], 1).unwrap();
        assert_eq!(chart.bars.len(), 2);
        assert_eq!(chart.bars[0].x, chart.zero_x);
        assert!(chart.bars[1].x < chart.zero_x && chart.bars[1].reference);
        assert_eq!(chart.bars[0].value, "12.5");
        assert!(bar_chart(&[], 1).is_none());
    }

    #[test]
    fn a_choropleth_fits_its_outlines_and_classes_every_value() {
        let square = |x: f64| vec![vec![vec![[x, 51.0], [x + 0.02, 51.0], [x + 0.02, 51.01], [x, 51.01], [x, 51.0]]]];
        let (a, b, c) = (square(3.70), square(3.72), square(3.74));
        let outlines = vec![
            Outline { code: "north", name: "North", polygons: &a },
            Outline { code: "centre", name: "Centre", polygons: &b },
            Outline { code: "south", name: "South", polygons: &c },
        ];
        let map = choropleth(&outlines, &[("north".into(), 12.0), ("centre".into(), 18.5)], 1).unwrap();
        assert_eq!(map.areas.len(), 3);
        assert!(map.missing, "south has no value");
        assert_eq!(map.areas[2].class, None);
        assert_eq!(map.areas[0].class, Some(0), "the lowest value is in the first class");
        assert_eq!(map.areas[1].class, Some(map.classes.len() - 1), "the highest in the last");
        assert!(map.classes.len() <= MAP_CLASSES && !map.classes.is_empty(), "{:?}", map.classes);
        for area in &map.areas {
            for pair in area.path.split(['M', 'L', 'Z']).map(str::trim).filter(|p| !p.is_empty()) {
                let xy: Vec<f64> = pair.split(' ').map(|v| v.parse().unwrap()).collect();
                assert!(xy[0] >= 0.0 && xy[0] <= map.width && xy[1] >= 0.0 && xy[1] <= map.height, "{pair}");
            }
        }
        assert!(map.height < map.width, "a wide city makes a wide map");
        assert!(choropleth(&[], &[], 1).is_none());
    }
}
