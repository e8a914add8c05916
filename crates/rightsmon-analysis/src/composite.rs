//! Composite indices, following the JRC/OECD *Handbook on Constructing Composite Indicators*
//! (2008): a hierarchy of indicators, dimensions or rights, themes and an index, built in stages
//! that are all kept so that every number can be traced back.
//!
//! The stages, in order:
//! 1. **raw**: each indicator's value per unit, divided by its denominator where it has one;
//! 2. **imputed**: missing values filled by the indicator's missing-data treatment (none, mean,
//!    group mean; last observation is applied when the [`Table`] is built from dated values);
//! 3. **treated**: outliers winsorised where skewness and kurtosis both exceed their thresholds,
//!    or log-transformed where winsorising a few values does not bring them back;
//! 4. **normalised**: min-max, z-score, fixed goalposts, distance to target or rank, with the
//!    indicator's direction so that higher is always better;
//! 5. **scores**: each dimension, theme and the index, as the weighted arithmetic or geometric
//!    mean of its available children, with the node's own missing-data treatment;
//! 6. optionally a **dashboard** (the SDSN traffic lights) and a **sensitivity analysis** (Monte
//!    Carlo over weights and method choices, giving each unit's rank interval).
//!
//! Missing values are `NaN` in every matrix: a number that could not be computed is never 0.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::progress::{Direction, Method};
use crate::stats::mean;
pub use crate::stats::quantile;

/// The composite index method as this module builds it.
pub const COMPOSITE_INDEX: Method = Method { name: "composite-index-jrc-oecd", version: 1 };
/// The SDSN dashboard: traffic lights from per-indicator thresholds.
pub const SDSN_DASHBOARD: Method = Method { name: "sdsn-dashboard", version: 1 };

/// How indicator values are brought to a common scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Normalisation {
    /// `scale * (x - min) / (max - min)` over the units (reversed when lower is better).
    MinMax,
    /// `(x - mean) / sd` with the sample standard deviation (negated when lower is better).
    ZScore,
    /// `scale * (x - worst) / (best - worst)` with the indicator's fixed goalposts, clipped to 0..scale.
    Goalposts,
    /// From the worst unit (0) to the indicator's target (`scale`), clipped: the distance the
    /// worst performer has to go, and how much of it each unit has covered.
    DistanceToTarget,
    /// The unit's rank, 1 for the worst and n for the best, ties sharing their mean rank.
    Rank,
}

impl Normalisation {
    pub fn name(self) -> &'static str {
        match self {
            Self::MinMax => "min-max",
            Self::ZScore => "z-score",
            Self::Goalposts => "goalposts",
            Self::DistanceToTarget => "distance-to-target",
            Self::Rank => "rank",
        }
    }
}

/// How children's scores are combined into their parent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregation {
    /// Weighted arithmetic mean: full compensation between children.
    Arithmetic,
    /// Weighted geometric mean: partial compensation; needs values of at least 0.
    Geometric,
}

impl Aggregation {
    pub fn name(self) -> &'static str {
        match self {
            Self::Arithmetic => "arithmetic",
            Self::Geometric => "geometric",
        }
    }
}

/// What to do with a value that is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// Leave it missing: the parent is the mean of the children that are there.
    None,
    /// The mean over the units that have it.
    Mean,
    /// The mean over the units of the same group (for example the region); left missing when
    /// the whole group lacks it.
    GroupMean,
    /// The latest earlier value of the same unit (applied when the table is built from dated
    /// values; indicators only).
    LastObservation,
}

impl Missing {
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Mean => "mean",
            Self::GroupMean => "group-mean",
            Self::LastObservation => "last-observation",
        }
    }
}

/// Outlier treatment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Outliers {
    None,
    /// Winsorise one value at a time while |skewness| > `skewness` and kurtosis > `kurtosis`
    /// (sample-adjusted, excess kurtosis), at most `max_values` values; if that is not enough,
    /// undo and take the logarithm instead (`ln(x - min + 1)`, mirrored for negative skew).
    Winsorise {
        #[serde(default = "default_skewness")]
        skewness: f64,
        #[serde(default = "default_kurtosis")]
        kurtosis: f64,
        #[serde(default = "default_max_values")]
        max_values: usize,
    },
}

fn default_skewness() -> f64 {
    2.0
}
fn default_kurtosis() -> f64 {
    3.5
}
fn default_max_values() -> usize {
    5
}

impl Outliers {
    /// The JRC's usual thresholds: skewness 2, kurtosis 3.5, at most 5 values.
    pub fn jrc() -> Self {
        Self::Winsorise { skewness: default_skewness(), kurtosis: default_kurtosis(), max_values: default_max_values() }
    }
}

/// The dashboard thresholds of an indicator: the values that score 1 (the edge of red) and 2
/// (the edge of green) on the 0..3 dashboard scale; the goalposts score 0 and 3.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub red: f64,
    pub green: f64,
}

/// What an indicator (a leaf of the hierarchy) needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorSpec {
    pub direction: Direction,
    /// Fixed goalposts: the value that scores 0 and the one that scores the full scale.
    pub worst: Option<f64>,
    pub best: Option<f64>,
    /// The value to reach, for distance-to-target normalisation.
    pub target: Option<f64>,
    /// Another column of the table to divide by, and the multiplier (e.g. per 1,000 inhabitants).
    pub denominator: Option<String>,
    pub per: f64,
    pub dashboard: Option<Thresholds>,
}

impl IndicatorSpec {
    pub fn new(direction: Direction) -> Self {
        Self { direction, worst: None, best: None, target: None, denominator: None, per: 1.0, dashboard: None }
    }
}

/// One node of the hierarchy as declared: an indicator (a leaf) or an aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeSpec {
    pub id: String,
    pub parent: Option<String>,
    pub weight: f64,
    /// This node's missing-data treatment, instead of the options' default.
    pub missing: Option<Missing>,
    /// This aggregate's aggregation, instead of the options' default.
    pub aggregation: Option<Aggregation>,
    /// Present exactly for the leaves.
    pub indicator: Option<IndicatorSpec>,
}

impl NodeSpec {
    pub fn aggregate(id: &str, parent: Option<&str>, weight: f64) -> Self {
        Self { id: id.to_owned(), parent: parent.map(str::to_owned), weight, missing: None, aggregation: None, indicator: None }
    }

    pub fn indicator(id: &str, parent: &str, weight: f64, spec: IndicatorSpec) -> Self {
        Self { id: id.to_owned(), parent: Some(parent.to_owned()), weight, missing: None, aggregation: None, indicator: Some(spec) }
    }
}

/// Why a composite could not be built. Each names what to fix.
#[derive(Debug, Clone, PartialEq)]
pub enum CompositeError {
    Structure(String),
    Data(String),
    Options(String),
}

impl fmt::Display for CompositeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Structure(m) => write!(f, "structure: {m}"),
            Self::Data(m) => write!(f, "data: {m}"),
            Self::Options(m) => write!(f, "options: {m}"),
        }
    }
}

impl std::error::Error for CompositeError {}

/// A validated hierarchy: one root, every parent declared, no cycles, leaves are indicators.
#[derive(Debug, Clone)]
pub struct Structure {
    nodes: Vec<NodeSpec>,
    children: Vec<Vec<usize>>,
    /// Leaves in declaration order.
    indicators: Vec<usize>,
    /// Aggregates, every child before its parent; the root is last.
    aggregates: Vec<usize>,
}

impl Structure {
    pub fn new(nodes: Vec<NodeSpec>) -> Result<Self, CompositeError> {
        let err = |m: String| Err(CompositeError::Structure(m));
        if nodes.is_empty() {
            return err("it has no nodes".into());
        }
        let mut index = HashMap::new();
        for (i, node) in nodes.iter().enumerate() {
            if node.id.trim().is_empty() {
                return err(format!("node {} has no id", i + 1));
            }
            if index.insert(node.id.as_str(), i).is_some() {
                return err(format!("{} is declared twice", node.id));
            }
            if !(node.weight.is_finite() && node.weight >= 0.0) {
                return err(format!("{} has weight {}; weights are numbers of at least 0", node.id, node.weight));
            }
        }
        let mut children = vec![Vec::new(); nodes.len()];
        let mut roots = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            match &node.parent {
                None => roots.push(i),
                Some(parent) => match index.get(parent.as_str()) {
                    Some(&p) if p == i => return err(format!("{} is its own parent", node.id)),
                    Some(&p) => children[p].push(i),
                    None => return err(format!("{} names the parent {parent}, which is not declared", node.id)),
                },
            }
        }
        let [root] = roots[..] else {
            let names: Vec<&str> = roots.iter().map(|&i| nodes[i].id.as_str()).collect();
            return err(if names.is_empty() {
                "every node has a parent: the hierarchy needs one root (a node without a parent)".into()
            } else {
                format!("it has {} roots ({}); the hierarchy needs exactly one", names.len(), names.join(", "))
            });
        };
        // Post-order from the root; a node not reached sits on a cycle.
        let mut aggregates = Vec::new();
        let mut reached = vec![false; nodes.len()];
        let mut stack = vec![(root, false)];
        while let Some((i, expanded)) = stack.pop() {
            if expanded {
                if !children[i].is_empty() {
                    aggregates.push(i);
                }
                continue;
            }
            reached[i] = true;
            stack.push((i, true));
            for &c in children[i].iter().rev() {
                stack.push((c, false));
            }
        }
        if let Some(i) = reached.iter().position(|r| !r) {
            return err(format!("{} is part of a cycle of parents", nodes[i].id));
        }
        let mut indicators = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            let leaf = children[i].is_empty();
            match (&node.indicator, leaf) {
                (Some(spec), true) => {
                    check_indicator(&node.id, spec)?;
                    indicators.push(i);
                }
                (None, true) => return err(format!("{} has no children, so it is an indicator, and needs a direction", node.id)),
                (Some(_), false) => {
                    return err(format!(
                        "{} has children, so it is not an indicator; give its direction and goalposts to its indicators",
                        node.id
                    ));
                }
                (None, false) => {
                    if node.missing == Some(Missing::LastObservation) {
                        return err(format!("{}: last observation applies to indicators, not to aggregates", node.id));
                    }
                    if children[i].iter().all(|&c| nodes[c].weight == 0.0) {
                        return err(format!("the children of {} all have weight 0", node.id));
                    }
                }
            }
        }
        Ok(Self { nodes, children, indicators, aggregates })
    }

    pub fn nodes(&self) -> &[NodeSpec] {
        &self.nodes
    }

    /// The indicators, in declaration order.
    pub fn indicator_ids(&self) -> impl Iterator<Item = &str> {
        self.indicators.iter().map(|&i| self.nodes[i].id.as_str())
    }

    /// The aggregates, each after its children; the root (the index) last.
    pub fn aggregate_ids(&self) -> impl Iterator<Item = &str> {
        self.aggregates.iter().map(|&i| self.nodes[i].id.as_str())
    }

    /// The columns of the table this structure reads: indicators and denominators.
    pub fn columns(&self) -> Vec<&str> {
        let mut columns: Vec<&str> = self.indicator_ids().collect();
        for &i in &self.indicators {
            if let Some(d) = self.nodes[i].indicator.as_ref().and_then(|s| s.denominator.as_deref())
                && !columns.contains(&d)
            {
                columns.push(d);
            }
        }
        columns
    }
}

fn check_indicator(id: &str, spec: &IndicatorSpec) -> Result<(), CompositeError> {
    let err = |m: String| Err(CompositeError::Structure(format!("{id}: {m}")));
    for (name, value) in [("worst", spec.worst), ("best", spec.best), ("target", spec.target)] {
        if value.is_some_and(|v| !v.is_finite()) {
            return err(format!("{name} is not a number"));
        }
    }
    if !(spec.per.is_finite() && spec.per > 0.0) {
        return err(format!("the multiplier per is {}; it must be above 0", spec.per));
    }
    match (spec.worst, spec.best) {
        (Some(w), Some(b)) => {
            if w == b {
                return err("its goalposts worst and best are equal".into());
            }
            let implied = if b > w { Direction::Positive } else { Direction::Negative };
            if implied != spec.direction {
                return err(format!(
                    "its goalposts (worst {w}, best {b}) say {} is better, but its direction says the opposite",
                    if b > w { "higher" } else { "lower" }
                ));
            }
            if let Some(t) = spec.dashboard {
                // Green must be at least as good as red, and best at least as good as green.
                let better = |a: f64, c: f64| if b > w { a >= c } else { a <= c };
                if !(t.red.is_finite() && t.green.is_finite() && better(t.green, t.red) && better(b, t.green)) {
                    return err(format!(
                        "its dashboard thresholds must improve from red {} to green {} and on to best {b}",
                        t.red, t.green
                    ));
                }
            }
        }
        (None, None) if spec.dashboard.is_some() => return err("dashboard thresholds need the goalposts worst and best".into()),
        (None, None) => {}
        _ => return err("give both goalposts, worst and best, or neither".into()),
    }
    Ok(())
}

/// The data: units (cities, districts), each with an optional group, and numeric columns.
/// Missing values are `NaN`.
#[derive(Debug, Clone, Default)]
pub struct Table {
    units: Vec<String>,
    groups: Option<Vec<String>>,
    columns: BTreeMap<String, Vec<f64>>,
    /// Cells filled from an earlier year: column -> (unit index, year used).
    carried: BTreeMap<String, Vec<(usize, i32)>>,
    dated: bool,
}

impl Table {
    /// An empty table of these units.
    pub fn new(units: Vec<String>) -> Result<Self, CompositeError> {
        let mut seen = std::collections::HashSet::new();
        for u in &units {
            if !seen.insert(u.as_str()) {
                return Err(CompositeError::Data(format!("the unit {u} appears twice")));
            }
        }
        Ok(Self { units, ..Self::default() })
    }

    /// Each unit's group, for group-mean imputation.
    pub fn with_groups(mut self, groups: Vec<String>) -> Result<Self, CompositeError> {
        if groups.len() != self.units.len() {
            return Err(CompositeError::Data(format!("{} groups for {} units", groups.len(), self.units.len())));
        }
        self.groups = Some(groups);
        Ok(self)
    }

    /// Adds a column; `NaN` marks a missing value.
    pub fn insert(&mut self, name: &str, values: Vec<f64>) -> Result<(), CompositeError> {
        if values.len() != self.units.len() {
            return Err(CompositeError::Data(format!("the column {name} has {} values for {} units", values.len(), self.units.len())));
        }
        if let Some(v) = values.iter().find(|v| v.is_infinite()) {
            return Err(CompositeError::Data(format!("the column {name} holds {v}")));
        }
        self.columns.insert(name.to_owned(), values);
        Ok(())
    }

    /// A table from dated values `(unit, column, year, value)`: each cell takes the value of
    /// `year` (or, without one, of the latest year in the data); with `carry_forward`, a cell
    /// without one takes the unit's latest earlier value, and the table remembers which.
    pub fn from_dated<'a>(
        observations: impl IntoIterator<Item = (&'a str, &'a str, i32, f64)>,
        year: Option<i32>,
        carry_forward: bool,
    ) -> Result<Self, CompositeError> {
        let mut units: Vec<String> = Vec::new();
        let mut unit_index: HashMap<String, usize> = HashMap::new();
        // column -> unit -> (year, value) of the best candidate so far
        let mut cells: BTreeMap<String, HashMap<usize, (i32, f64)>> = BTreeMap::new();
        let mut all: Vec<(usize, String, i32, f64)> = Vec::new();
        let mut latest = i32::MIN;
        for (unit, column, y, value) in observations {
            if !value.is_finite() {
                return Err(CompositeError::Data(format!("{unit}, {column}, {y}: {value} is not a number")));
            }
            let u = *unit_index.entry(unit.to_owned()).or_insert_with(|| {
                units.push(unit.to_owned());
                units.len() - 1
            });
            latest = latest.max(y);
            all.push((u, column.to_owned(), y, value));
        }
        let year = year.unwrap_or(latest);
        for (u, column, y, value) in all {
            if y > year || (y < year && !carry_forward) {
                continue;
            }
            let slot = cells.entry(column.clone()).or_default();
            match slot.get(&u) {
                Some(&(seen, _)) if seen == y => {
                    return Err(CompositeError::Data(format!("{}, {column}, {y}: two values for the same year", units[u])));
                }
                Some(&(seen, _)) if seen > y => {}
                _ => {
                    slot.insert(u, (y, value));
                }
            }
        }
        let mut table = Self::new(units)?;
        table.dated = true;
        for (column, slot) in cells {
            let mut values = vec![f64::NAN; table.units.len()];
            let mut carried = Vec::new();
            for (u, (y, value)) in slot {
                values[u] = value;
                if y != year {
                    carried.push((u, y));
                }
            }
            carried.sort_unstable();
            if !carried.is_empty() {
                table.carried.insert(column.clone(), carried);
            }
            table.columns.insert(column, values);
        }
        Ok(table)
    }

    pub fn units(&self) -> &[String] {
        &self.units
    }

    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns.get(name).map(Vec::as_slice)
    }
}

/// The options of a composite, with the JRC handbook's defaults where it has them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    pub normalisation: Normalisation,
    /// The top of the scale for min-max, goalposts and distance to target.
    pub scale: f64,
    /// The indicators' missing-data treatment (nodes may say otherwise).
    pub missing: Missing,
    pub outliers: Outliers,
    pub aggregation: Aggregation,
    /// Compute the SDSN dashboard for indicators with thresholds.
    pub dashboard: bool,
    /// The share of a node's thresholded indicators needed for its dashboard colour.
    pub dashboard_coverage: f64,
    /// Report each unit's rank (1 = highest index). Off by default: scores, not league tables.
    pub ranks: bool,
    pub sensitivity: Option<Sensitivity>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            normalisation: Normalisation::MinMax,
            scale: 100.0,
            missing: Missing::None,
            outliers: Outliers::None,
            aggregation: Aggregation::Arithmetic,
            dashboard: false,
            dashboard_coverage: 0.5,
            ranks: false,
            sensitivity: None,
        }
    }
}

/// Monte Carlo sensitivity analysis: each run multiplies every weight by a factor drawn
/// uniformly from `1 - weight_spread ..= 1 + weight_spread` and picks a normalisation and an
/// aggregation from the lists, then ranks the units by the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sensitivity {
    pub runs: usize,
    pub seed: u64,
    pub weight_spread: f64,
    pub normalisations: Vec<Normalisation>,
    pub aggregations: Vec<Aggregation>,
}

impl Default for Sensitivity {
    fn default() -> Self {
        Self { runs: 1000, seed: 1, weight_spread: 0.25, normalisations: Vec::new(), aggregations: Vec::new() }
    }
}

/// A value that was filled in, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imputation {
    pub unit: String,
    pub node: String,
    pub method: Missing,
    pub value: f64,
    /// For last observation: the year the value comes from.
    pub year: Option<i32>,
}

/// What outlier treatment did to an indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Treatment {
    pub indicator: String,
    pub skewness: f64,
    pub kurtosis: f64,
    /// `none`, `winsorised` or `log`.
    pub action: &'static str,
    /// How many values were winsorised.
    pub winsorised: usize,
    pub skewness_after: f64,
    pub kurtosis_after: f64,
}

/// The dashboard: 0..3 scores and their colours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub method: Method,
    /// Per indicator (in [`Composite::indicators`] order), per unit; `NaN` without thresholds or value.
    pub indicators: Vec<Vec<f64>>,
    /// Per aggregate whose children are indicators with thresholds: (node, per unit score, per unit share of indicators present).
    pub nodes: Vec<(String, Vec<f64>, Vec<f64>)>,
    pub coverage: f64,
}

/// A traffic-light colour of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    Red,
    Orange,
    Yellow,
    Green,
    /// No colour: no value, or too few of a node's indicators.
    Grey,
}

impl Colour {
    /// red below 1, orange below 1.5, yellow below 2, green from 2.
    pub fn of(score: f64) -> Self {
        if score.is_nan() {
            Self::Grey
        } else if score < 1.0 {
            Self::Red
        } else if score < 1.5 {
            Self::Orange
        } else if score < 2.0 {
            Self::Yellow
        } else {
            Self::Green
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Red => "red",
            Self::Orange => "orange",
            Self::Yellow => "yellow",
            Self::Green => "green",
            Self::Grey => "grey",
        }
    }
}

impl Dashboard {
    /// The colour of a node for a unit: grey when fewer than `coverage` of its indicators are present.
    pub fn node_colour(&self, node: usize, unit: usize) -> Colour {
        let (_, scores, present) = &self.nodes[node];
        if present[unit] < self.coverage { Colour::Grey } else { Colour::of(scores[unit]) }
    }
}

/// A unit's place across the sensitivity runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankInterval {
    pub unit: String,
    /// The rank with the options as given.
    pub nominal: f64,
    pub median: f64,
    pub p05: f64,
    pub p95: f64,
    pub best: f64,
    pub worst: f64,
}

/// Every stage of a composite.
#[derive(Debug, Clone, Serialize)]
pub struct Composite {
    pub method: Method,
    pub options: Options,
    pub units: Vec<String>,
    pub indicators: Vec<String>,
    /// Per indicator, per unit: after denominators, before imputation.
    pub raw: Vec<Vec<f64>>,
    pub imputations: Vec<Imputation>,
    /// After imputation and outlier treatment.
    pub treated: Vec<Vec<f64>>,
    pub treatments: Vec<Treatment>,
    pub normalised: Vec<Vec<f64>>,
    /// The aggregates, each after its children; the index last.
    pub nodes: Vec<String>,
    pub scores: Vec<Vec<f64>>,
    /// Ranks by the index (1 = highest), when asked for.
    pub ranks: Option<Vec<f64>>,
    pub dashboard: Option<Dashboard>,
    pub sensitivity: Option<Vec<RankInterval>>,
}

impl Composite {
    /// The index (the root's score) per unit.
    pub fn index(&self) -> &[f64] {
        self.scores.last().map(Vec::as_slice).unwrap_or(&[])
    }

    /// A node's score per unit, by id.
    pub fn score(&self, node: &str) -> Option<&[f64]> {
        self.nodes.iter().position(|n| n == node).map(|i| self.scores[i].as_slice())
    }

    /// An indicator's normalised values per unit, by id.
    pub fn normalised(&self, indicator: &str) -> Option<&[f64]> {
        self.indicators.iter().position(|n| n == indicator).map(|i| self.normalised[i].as_slice())
    }
}

/// Builds the composite: every stage, from the table's columns to the index.
pub fn compute(structure: &Structure, table: &Table, options: &Options) -> Result<Composite, CompositeError> {
    check_options(options)?;
    let n = table.units.len();
    let mut indicators = Vec::new();
    let mut raw = Vec::new();
    let mut imputations = Vec::new();
    let mut imputed_columns = Vec::new();
    for &i in &structure.indicators {
        let node = &structure.nodes[i];
        let Some(spec) = node.indicator.as_ref() else { continue };
        let Some(values) = table.columns.get(&node.id) else {
            return Err(CompositeError::Data(format!("the table has no column {}", node.id)));
        };
        let mut values = values.clone();
        if let Some(d) = &spec.denominator {
            let Some(denominator) = table.columns.get(d) else {
                return Err(CompositeError::Data(format!("the table has no column {d}, the denominator of {}", node.id)));
            };
            for (u, (v, d)) in values.iter_mut().zip(denominator).enumerate() {
                if *d == 0.0 && !v.is_nan() {
                    return Err(CompositeError::Data(format!("{}: the denominator of {} is 0", table.units[u], node.id)));
                }
                *v = *v / *d * spec.per;
            }
        }
        let method = node.missing.unwrap_or(options.missing);
        let mut filled = values.clone();
        match method {
            Missing::None => {}
            Missing::LastObservation => {
                if !table.dated {
                    return Err(CompositeError::Options(format!(
                        "{}: last observation needs dated values (a long table with a year column)",
                        node.id
                    )));
                }
                // The table itself took the latest earlier values; move them out of `raw`.
                if let Some(carried) = table.carried.get(&node.id) {
                    for &(u, year) in carried {
                        imputations.push(Imputation {
                            unit: table.units[u].clone(),
                            node: node.id.clone(),
                            method,
                            value: filled[u],
                            year: Some(year),
                        });
                        values[u] = f64::NAN;
                    }
                }
            }
            Missing::Mean | Missing::GroupMean => {
                impute(&node.id, &mut filled, method, table.groups.as_deref(), &table.units, &mut imputations)?;
            }
        }
        indicators.push(node.id.clone());
        raw.push(values);
        imputed_columns.push(filled);
    }
    let mut treated = Vec::with_capacity(imputed_columns.len());
    let mut treatments = Vec::with_capacity(imputed_columns.len());
    for (id, column) in indicators.iter().zip(imputed_columns) {
        let (column, treatment) = treat_outliers(id, column, options.outliers);
        treated.push(column);
        treatments.push(treatment);
    }
    let weights: Vec<f64> = structure.nodes.iter().map(|n| n.weight).collect();
    let (normalised, scores) = normalise_and_aggregate(
        structure,
        table,
        &treated,
        &weights,
        options.normalisation,
        options.aggregation,
        options,
        &mut imputations,
    )?;
    let ranks = options.ranks.then(|| rank_descending(scores.last().map(Vec::as_slice).unwrap_or(&[])));
    let dashboard = options.dashboard.then(|| dashboard(structure, &raw, n, options.dashboard_coverage));
    let sensitivity = match &options.sensitivity {
        Some(s) => Some(sensitivity(structure, table, &treated, options, s, scores.last().map(Vec::as_slice).unwrap_or(&[]))?),
        None => None,
    };
    Ok(Composite {
        method: COMPOSITE_INDEX,
        options: options.clone(),
        units: table.units.clone(),
        indicators,
        raw,
        imputations,
        treated,
        treatments,
        normalised,
        nodes: structure.aggregates.iter().map(|&i| structure.nodes[i].id.clone()).collect(),
        scores,
        ranks,
        dashboard,
        sensitivity,
    })
}

fn check_options(options: &Options) -> Result<(), CompositeError> {
    let err = |m: String| Err(CompositeError::Options(m));
    if !(options.scale.is_finite() && options.scale > 0.0) {
        return err(format!("scale is {}; it must be above 0", options.scale));
    }
    if !(0.0..=1.0).contains(&options.dashboard_coverage) {
        return err(format!("dashboard_coverage is {}; it is a share from 0 to 1", options.dashboard_coverage));
    }
    if let Outliers::Winsorise { skewness, kurtosis, .. } = options.outliers
        && !(skewness.is_finite() && kurtosis.is_finite() && skewness >= 0.0)
    {
        return err("the outlier thresholds must be numbers, skewness at least 0".into());
    }
    if let Some(s) = &options.sensitivity {
        if s.runs == 0 || s.runs > 1_000_000 {
            return err(format!("sensitivity runs is {}; give 1 to 1,000,000", s.runs));
        }
        if !(0.0..1.0).contains(&s.weight_spread) {
            return err(format!("sensitivity weight_spread is {}; it is a share from 0 to below 1", s.weight_spread));
        }
    }
    let geometric = options.aggregation == Aggregation::Geometric
        || options.sensitivity.as_ref().is_some_and(|s| s.aggregations.contains(&Aggregation::Geometric));
    let z = options.normalisation == Normalisation::ZScore
        || options.sensitivity.as_ref().is_some_and(|s| s.normalisations.contains(&Normalisation::ZScore));
    if geometric && z {
        return err(
            "geometric aggregation needs values of at least 0, and z-scores are negative for half the units; choose another normalisation"
                .into(),
        );
    }
    Ok(())
}

fn impute(
    node: &str,
    values: &mut [f64],
    method: Missing,
    groups: Option<&[String]>,
    units: &[String],
    imputations: &mut Vec<Imputation>,
) -> Result<(), CompositeError> {
    if !values.iter().any(|v| v.is_nan()) {
        return Ok(());
    }
    match method {
        Missing::Mean => {
            let m = mean(values.iter().copied());
            if m.is_nan() {
                return Ok(());
            }
            for (u, v) in values.iter_mut().enumerate() {
                if v.is_nan() {
                    *v = m;
                    imputations.push(Imputation { unit: units[u].clone(), node: node.to_owned(), method, value: m, year: None });
                }
            }
        }
        Missing::GroupMean => {
            let Some(groups) = groups else {
                return Err(CompositeError::Options(format!("{node}: group-mean imputation needs each unit's group (a group column)")));
            };
            let mut sums: HashMap<&str, (f64, usize)> = HashMap::new();
            for (v, g) in values.iter().zip(groups) {
                if !v.is_nan() {
                    let e = sums.entry(g.as_str()).or_default();
                    e.0 += v;
                    e.1 += 1;
                }
            }
            for (u, (v, g)) in values.iter_mut().zip(groups).enumerate() {
                if v.is_nan()
                    && let Some(&(sum, count)) = sums.get(g.as_str())
                {
                    *v = sum / count as f64;
                    imputations.push(Imputation { unit: units[u].clone(), node: node.to_owned(), method, value: *v, year: None });
                }
            }
        }
        Missing::None | Missing::LastObservation => {}
    }
    Ok(())
}

/// Sample-adjusted skewness and excess kurtosis (as spreadsheets' SKEW and KURT compute them),
/// `NaN` with fewer than 4 values or none spread.
pub fn skewness_kurtosis(values: &[f64]) -> (f64, f64) {
    let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = present.len() as f64;
    if present.len() < 4 {
        return (f64::NAN, f64::NAN);
    }
    let m = present.iter().sum::<f64>() / n;
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    for x in &present {
        let d = x - m;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    if m2 == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let g1 = m3 / m2.powf(1.5);
    let g2 = m4 / (m2 * m2) - 3.0;
    let skew = (n * (n - 1.0)).sqrt() / (n - 2.0) * g1;
    let kurt = ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0));
    (skew, kurt)
}

fn exceeds(skew: f64, kurt: f64, skew_limit: f64, kurt_limit: f64) -> bool {
    skew.abs() > skew_limit && kurt > kurt_limit
}

fn treat_outliers(id: &str, column: Vec<f64>, outliers: Outliers) -> (Vec<f64>, Treatment) {
    let (skew, kurt) = skewness_kurtosis(&column);
    let mut treatment = Treatment {
        indicator: id.to_owned(),
        skewness: skew,
        kurtosis: kurt,
        action: "none",
        winsorised: 0,
        skewness_after: skew,
        kurtosis_after: kurt,
    };
    let Outliers::Winsorise { skewness: skew_limit, kurtosis: kurt_limit, max_values } = outliers else {
        return (column, treatment);
    };
    if !exceeds(skew, kurt, skew_limit, kurt_limit) {
        return (column, treatment);
    }
    let mut values = column.clone();
    let (mut s, mut k) = (skew, kurt);
    let mut count = 0;
    while exceeds(s, k, skew_limit, kurt_limit) && count < max_values {
        // Replace the most extreme value on the side of the skew with the next one in.
        let present = values.iter().copied().filter(|v| !v.is_nan());
        let high = s > 0.0;
        let extreme = if high { present.fold(f64::MIN, f64::max) } else { present.fold(f64::MAX, f64::min) };
        let next = values
            .iter()
            .copied()
            .filter(|v| !v.is_nan() && *v != extreme)
            .fold(if high { f64::MIN } else { f64::MAX }, |a, b| if high { a.max(b) } else { a.min(b) });
        if next == f64::MIN || next == f64::MAX {
            break;
        }
        for v in values.iter_mut().filter(|v| **v == extreme) {
            *v = next;
            count += 1;
        }
        (s, k) = skewness_kurtosis(&values);
    }
    if !exceeds(s, k, skew_limit, kurt_limit) {
        treatment.action = "winsorised";
        treatment.winsorised = count;
        treatment.skewness_after = s;
        treatment.kurtosis_after = k;
        return (values, treatment);
    }
    // Winsorising a few values is not enough: the distribution is skewed as a whole.
    let present = column.iter().copied().filter(|v| !v.is_nan());
    let logged: Vec<f64> = if skew > 0.0 {
        let min = present.fold(f64::MAX, f64::min);
        column.iter().map(|v| (v - min + 1.0).ln()).collect()
    } else {
        let max = present.fold(f64::MIN, f64::max);
        column.iter().map(|v| -(max - v + 1.0).ln()).collect()
    };
    (treatment.skewness_after, treatment.kurtosis_after) = skewness_kurtosis(&logged);
    treatment.action = "log";
    (logged, treatment)
}

/// Normalises one indicator's values.
fn normalise(id: &str, values: &[f64], spec: &IndicatorSpec, method: Normalisation, scale: f64) -> Result<Vec<f64>, CompositeError> {
    let positive = spec.direction == Direction::Positive;
    let present = || values.iter().copied().filter(|v| !v.is_nan());
    let (min, max) = present().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let any = min.is_finite();
    Ok(match method {
        Normalisation::MinMax => {
            if !any {
                return Ok(values.to_vec());
            }
            if max == min {
                return Err(CompositeError::Data(format!("{id} has the same value for every unit, so min-max cannot normalise it")));
            }
            let range = max - min;
            // The share first: x - min never exceeds the range, so the share never exceeds 1.
            values.iter().map(|&x| if positive { scale * ((x - min) / range) } else { scale * ((max - x) / range) }).collect()
        }
        Normalisation::ZScore => {
            let m = mean(present());
            let count = present().count();
            if count < 2 {
                return Err(CompositeError::Data(format!("{id} has fewer than 2 values, so it has no standard deviation")));
            }
            let sd = (present().map(|x| (x - m) * (x - m)).sum::<f64>() / (count as f64 - 1.0)).sqrt();
            if sd == 0.0 {
                return Err(CompositeError::Data(format!("{id} has the same value for every unit, so z-scores are not defined")));
            }
            values.iter().map(|&x| if positive { (x - m) / sd } else { (m - x) / sd }).collect()
        }
        Normalisation::Goalposts => {
            let (Some(worst), Some(best)) = (spec.worst, spec.best) else {
                return Err(CompositeError::Structure(format!("{id}: goalpost normalisation needs its goalposts worst and best")));
            };
            values.iter().map(|&x| if x.is_nan() { x } else { scale * ((x - worst) / (best - worst)).clamp(0.0, 1.0) }).collect()
        }
        Normalisation::DistanceToTarget => {
            let Some(target) = spec.target else {
                return Err(CompositeError::Structure(format!("{id}: distance-to-target normalisation needs a target")));
            };
            if !any {
                return Ok(values.to_vec());
            }
            let worst = if positive { min } else { max };
            if worst == target {
                return Err(CompositeError::Data(format!(
                    "{id}: the worst unit is at the target, so there is no distance to normalise by"
                )));
            }
            values.iter().map(|&x| if x.is_nan() { x } else { scale * ((x - worst) / (target - worst)).clamp(0.0, 1.0) }).collect()
        }
        Normalisation::Rank => {
            let signed: Vec<f64> = values.iter().map(|&x| if positive { x } else { -x }).collect();
            rank_ascending(&signed)
        }
    })
}

/// Ranks from 1 (lowest) to n (highest) of the values that are present, ties sharing their mean rank.
fn rank_ascending(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| !values[i].is_nan()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![f64::NAN; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let shared = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = shared;
        }
        start = end;
    }
    ranks
}

/// Ranks with 1 for the highest value.
pub fn rank_descending(values: &[f64]) -> Vec<f64> {
    let negated: Vec<f64> = values.iter().map(|v| -v).collect();
    rank_ascending(&negated)
}

type Stages = (Vec<Vec<f64>>, Vec<Vec<f64>>);

#[allow(clippy::too_many_arguments)]
fn normalise_and_aggregate(
    structure: &Structure,
    table: &Table,
    treated: &[Vec<f64>],
    weights: &[f64],
    normalisation: Normalisation,
    default_aggregation: Aggregation,
    options: &Options,
    imputations: &mut Vec<Imputation>,
) -> Result<Stages, CompositeError> {
    let n = table.units.len();
    // Scores of every node by node index: indicators hold their normalised values.
    let mut by_node: Vec<Option<Vec<f64>>> = vec![None; structure.nodes.len()];
    let mut normalised = Vec::with_capacity(treated.len());
    for (&i, values) in structure.indicators.iter().zip(treated) {
        let node = &structure.nodes[i];
        let Some(spec) = node.indicator.as_ref() else { continue };
        let column = normalise(&node.id, values, spec, normalisation, options.scale)?;
        by_node[i] = Some(column.clone());
        normalised.push(column);
    }
    let mut scores = Vec::with_capacity(structure.aggregates.len());
    for &a in &structure.aggregates {
        let node = &structure.nodes[a];
        let aggregation = node.aggregation.unwrap_or(default_aggregation);
        let mut column = vec![f64::NAN; n];
        for (u, out) in column.iter_mut().enumerate() {
            let (mut total, mut weight) = (0.0, 0.0);
            for &c in &structure.children[a] {
                let Some(v) = by_node[c].as_ref().map(|values| values[u]) else { continue };
                let w = weights[c];
                if v.is_nan() || w == 0.0 {
                    continue;
                }
                match aggregation {
                    Aggregation::Arithmetic => total += w * v,
                    Aggregation::Geometric => {
                        if v < 0.0 {
                            return Err(CompositeError::Data(format!(
                                "{}: {} is {v}, and geometric aggregation needs values of at least 0",
                                table.units[u], structure.nodes[c].id
                            )));
                        }
                        total += w * v.ln();
                    }
                }
                weight += w;
            }
            if weight > 0.0 {
                *out = match aggregation {
                    Aggregation::Arithmetic => total / weight,
                    Aggregation::Geometric => (total / weight).exp(),
                };
            }
        }
        let method = node.missing.unwrap_or(Missing::None);
        impute(&node.id, &mut column, method, table.groups.as_deref(), &table.units, imputations)?;
        by_node[a] = Some(column.clone());
        scores.push(column);
    }
    Ok((normalised, scores))
}

/// The piecewise-linear dashboard score of a value: 0 when worse than `worst`, 3 from `best`,
/// from 2 to 3 between `green` and `best`, from 1 to 2 between `red` and `green`, and from 0 to 1
/// between `worst` and `red`. A red threshold may lie beyond the worst goalpost; values past
/// the goalpost still score 0.
pub fn dashboard_score(x: f64, worst: f64, thresholds: Thresholds, best: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let Thresholds { red, green } = thresholds;
    // Orient so that higher is better.
    let (x, worst, red, green, best) = if best > worst { (x, worst, red, green, best) } else { (-x, -worst, -red, -green, -best) };
    if x < worst {
        0.0
    } else if x >= best {
        3.0
    } else if x >= green {
        2.0 + (x - green) / (best - green)
    } else if x >= red {
        1.0 + (x - red) / (green - red)
    } else {
        (x - worst) / (red - worst)
    }
}

fn dashboard(structure: &Structure, raw: &[Vec<f64>], n: usize, coverage: f64) -> Dashboard {
    let mut by_node: HashMap<usize, usize> = HashMap::new();
    let mut indicators = Vec::with_capacity(raw.len());
    for (k, (&i, values)) in structure.indicators.iter().zip(raw).enumerate() {
        by_node.insert(i, k);
        let spec = structure.nodes[i].indicator.as_ref();
        let column = match spec.and_then(|s| Some((s.worst?, s.dashboard?, s.best?))) {
            Some((worst, t, best)) => values.iter().map(|&x| dashboard_score(x, worst, t, best)).collect(),
            None => vec![f64::NAN; n],
        };
        indicators.push(column);
    }
    let mut nodes = Vec::new();
    for &a in &structure.aggregates {
        let children = &structure.children[a];
        if !children.iter().all(|c| by_node.contains_key(c)) {
            continue;
        }
        let lit: Vec<usize> = children
            .iter()
            .map(|c| by_node[c])
            .filter(|&k| structure.nodes[structure.indicators[k]].indicator.as_ref().is_some_and(|s| s.dashboard.is_some()))
            .collect();
        if lit.is_empty() {
            continue;
        }
        let mut scores = vec![f64::NAN; n];
        let mut present = vec![0.0; n];
        for u in 0..n {
            scores[u] = mean(lit.iter().map(|&k| indicators[k][u]));
            present[u] = lit.iter().filter(|&&k| !indicators[k][u].is_nan()).count() as f64 / lit.len() as f64;
        }
        nodes.push((structure.nodes[a].id.clone(), scores, present));
    }
    Dashboard { method: SDSN_DASHBOARD, indicators, nodes, coverage }
}

/// A small, fast, seeded generator (SplitMix64): the same seed gives the same runs everywhere.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_f64() * n as f64) as usize
    }
}

fn sensitivity(
    structure: &Structure,
    table: &Table,
    treated: &[Vec<f64>],
    options: &Options,
    s: &Sensitivity,
    nominal: &[f64],
) -> Result<Vec<RankInterval>, CompositeError> {
    let n = table.units.len();
    let normalisations = if s.normalisations.is_empty() { vec![options.normalisation] } else { s.normalisations.clone() };
    let aggregations = if s.aggregations.is_empty() { vec![options.aggregation] } else { s.aggregations.clone() };
    let mut rng = SplitMix64::new(s.seed);
    let mut ranks: Vec<Vec<f64>> = vec![Vec::with_capacity(s.runs); n];
    let mut scratch = Vec::new();
    for _ in 0..s.runs {
        let weights: Vec<f64> =
            structure.nodes.iter().map(|node| node.weight * (1.0 - s.weight_spread + 2.0 * s.weight_spread * rng.next_f64())).collect();
        let normalisation = normalisations[rng.below(normalisations.len())];
        let aggregation = aggregations[rng.below(aggregations.len())];
        scratch.clear();
        let (_, scores) = normalise_and_aggregate(structure, table, treated, &weights, normalisation, aggregation, options, &mut scratch)?;
        let run = rank_descending(scores.last().map(Vec::as_slice).unwrap_or(&[]));
        for (u, r) in run.into_iter().enumerate() {
            if !r.is_nan() {
                ranks[u].push(r);
            }
        }
    }
    let nominal = rank_descending(nominal);
    Ok(ranks
        .into_iter()
        .enumerate()
        .map(|(u, mut r)| {
            r.sort_by(f64::total_cmp);
            RankInterval {
                unit: table.units[u].clone(),
                nominal: nominal[u],
                median: quantile(&r, 0.5),
                p05: quantile(&r, 0.05),
                p95: quantile(&r, 0.95),
                best: r.first().copied().unwrap_or(f64::NAN),
                worst: r.last().copied().unwrap_or(f64::NAN),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_level() -> Structure {
        Structure::new(vec![
            NodeSpec::aggregate("index", None, 1.0),
            NodeSpec::aggregate("a", Some("index"), 1.0),
            NodeSpec::indicator("x", "a", 1.0, IndicatorSpec::new(Direction::Positive)),
            NodeSpec::indicator("y", "a", 1.0, IndicatorSpec::new(Direction::Negative)),
            NodeSpec::indicator("z", "index", 2.0, IndicatorSpec::new(Direction::Positive)),
        ])
        .unwrap()
    }

    fn table(columns: &[(&str, &[f64])]) -> Table {
        let n = columns[0].1.len();
        let mut t = Table::new((0..n).map(|i| format!("u{i}")).collect()).unwrap();
        for (name, values) in columns {
            t.insert(name, values.to_vec()).unwrap();
        }
        t
    }

    #[test]
    fn a_hierarchy_is_aggregated_bottom_up_with_directions_and_weights() {
        let t = table(&[("x", &[0.0, 5.0, 10.0]), ("y", &[10.0, 5.0, 0.0]), ("z", &[1.0, 2.0, 3.0])]);
        let c = compute(&two_level(), &t, &Options::default()).unwrap();
        assert_eq!(c.nodes, ["a", "index"]);
        assert_eq!(c.normalised("y").unwrap(), [0.0, 50.0, 100.0]);
        assert_eq!(c.score("a").unwrap(), [0.0, 50.0, 100.0]);
        // index = (1 * a + 2 * z) / 3
        assert_eq!(c.index(), [0.0, 50.0, 100.0]);
        assert!(c.ranks.is_none(), "ranks only on request");
    }

    #[test]
    fn bad_structures_are_refused_with_what_to_fix() {
        let cases = [
            (vec![NodeSpec::aggregate("a", None, 1.0), NodeSpec::aggregate("b", None, 1.0)], "2 roots"),
            (
                vec![NodeSpec::aggregate("a", None, 1.0), NodeSpec::indicator("x", "q", 1.0, IndicatorSpec::new(Direction::Positive))],
                "not declared",
            ),
            (vec![NodeSpec::aggregate("a", None, 1.0), NodeSpec::aggregate("x", Some("a"), 1.0)], "needs a direction"),
            (
                vec![
                    NodeSpec::aggregate("a", None, 1.0),
                    NodeSpec::aggregate("b", Some("c"), 1.0),
                    NodeSpec::aggregate("c", Some("b"), 1.0),
                ],
                "cycle",
            ),
        ];
        for (nodes, expected) in cases {
            let e = Structure::new(nodes).unwrap_err().to_string();
            assert!(e.contains(expected), "{e}");
        }
        let mut spec = IndicatorSpec::new(Direction::Positive);
        spec.worst = Some(10.0);
        spec.best = Some(0.0);
        let e = Structure::new(vec![NodeSpec::aggregate("a", None, 1.0), NodeSpec::indicator("x", "a", 1.0, spec)]).unwrap_err();
        assert!(e.to_string().contains("opposite"), "{e}");
    }

    #[test]
    fn missing_values_are_left_out_or_filled_and_every_fill_is_recorded() {
        let t = table(&[("x", &[0.0, f64::NAN, 10.0]), ("y", &[10.0, 5.0, 0.0]), ("z", &[1.0, 2.0, 3.0])]);
        let c = compute(&two_level(), &t, &Options::default()).unwrap();
        assert_eq!(c.score("a").unwrap()[1], 50.0, "a is the mean of the children present");
        assert!(c.imputations.is_empty());
        let c = compute(&two_level(), &t, &Options { missing: Missing::Mean, ..Options::default() }).unwrap();
        assert_eq!(c.treated[0][1], 5.0);
        assert!(c.raw[0][1].is_nan(), "raw keeps the gap");
        assert_eq!(c.imputations.len(), 1);
        let grouped = t.clone().with_groups(vec!["g".into(), "g".into(), "h".into()]).unwrap();
        let c = compute(&two_level(), &grouped, &Options { missing: Missing::GroupMean, ..Options::default() }).unwrap();
        assert_eq!(c.treated[0][1], 0.0);
        let e = compute(&two_level(), &t, &Options { missing: Missing::GroupMean, ..Options::default() }).unwrap_err();
        assert!(e.to_string().contains("group"), "{e}");
    }

    #[test]
    fn last_observation_carries_the_latest_earlier_value_and_says_so() {
        let rows = [("a", "x", 2020, 1.0), ("a", "x", 2022, 3.0), ("b", "x", 2019, 7.0), ("b", "x", 2021, 8.0), ("b", "x", 2023, 9.0)];
        let t = Table::from_dated(rows.iter().copied(), Some(2022), true).unwrap();
        assert_eq!(t.column("x").unwrap(), [3.0, 8.0]);
        let t = Table::from_dated(rows.iter().copied(), Some(2022), false).unwrap();
        assert_eq!(t.column("x").unwrap()[0], 3.0);
        assert!(t.column("x").unwrap()[1].is_nan());
        let dup = [("a", "x", 2020, 1.0), ("a", "x", 2020, 2.0)];
        assert!(Table::from_dated(dup.iter().copied(), None, true).is_err());
    }

    #[test]
    fn each_normalisation_has_its_range_and_direction() {
        let mut spec = IndicatorSpec::new(Direction::Negative);
        spec.worst = Some(10.0);
        spec.best = Some(2.0);
        spec.target = Some(2.0);
        let values = [1.0, 4.0, 10.0, 12.0];
        assert_eq!(normalise("x", &values, &spec, Normalisation::Goalposts, 100.0).unwrap(), [100.0, 75.0, 0.0, 0.0]);
        assert_eq!(normalise("x", &values, &spec, Normalisation::Rank, 100.0).unwrap(), [4.0, 3.0, 2.0, 1.0]);
        let d = normalise("x", &values, &spec, Normalisation::DistanceToTarget, 100.0).unwrap();
        assert_eq!(d, [100.0, 80.0, 20.0, 0.0]);
        let z = normalise("x", &values, &spec, Normalisation::ZScore, 100.0).unwrap();
        assert!(z.iter().sum::<f64>().abs() < 1e-12 && z[0] > 0.0);
        assert!(normalise("x", &[3.0, 3.0], &spec, Normalisation::MinMax, 100.0).is_err());
    }

    #[test]
    fn geometric_aggregation_penalises_imbalance_and_z_scores_are_refused_for_it() {
        let t = table(&[("x", &[0.0, 5.0, 10.0]), ("y", &[10.0, 5.0, 0.0]), ("z", &[1.0, 2.0, 3.0])]);
        let c = compute(&two_level(), &t, &Options { aggregation: Aggregation::Geometric, ..Options::default() }).unwrap();
        assert_eq!(c.score("a").unwrap()[0], 0.0);
        assert!((c.score("a").unwrap()[1] - 50.0).abs() < 1e-12);
        let e = compute(
            &two_level(),
            &t,
            &Options { aggregation: Aggregation::Geometric, normalisation: Normalisation::ZScore, ..Options::default() },
        );
        assert!(matches!(e, Err(CompositeError::Options(_))));
    }

    #[test]
    fn a_heavy_tail_is_winsorised_and_a_skewed_whole_is_logged() {
        let mut one_outlier: Vec<f64> = (0..30).map(|i| f64::from(i % 7)).collect();
        one_outlier.push(1000.0);
        let (treated, t) = treat_outliers("x", one_outlier, Outliers::jrc());
        assert_eq!(t.action, "winsorised");
        assert_eq!(t.winsorised, 1);
        assert_eq!(treated[30], 6.0);
        // Eight far values: winsorising five leaves the tail, so the whole is logged.
        let mut tail: Vec<f64> = (0..60).map(|i| f64::from(i % 10)).collect();
        tail.extend((0..8).map(|i| 1000.0 + f64::from(i)));
        let (_, t) = treat_outliers("x", tail, Outliers::jrc());
        assert_eq!(t.action, "log");
        assert!(t.skewness_after.abs() < t.skewness.abs());
        let (same, t) = treat_outliers("x", vec![1.0, 2.0, 3.0, 4.0, 5.0], Outliers::jrc());
        assert_eq!((same, t.action), (vec![1.0, 2.0, 3.0, 4.0, 5.0], "none"));
    }

    #[test]
    fn skewness_and_kurtosis_match_the_spreadsheet_functions() {
        // SKEW and KURT of 1, 2, 3, 4, 10 in a spreadsheet.
        let (s, k) = skewness_kurtosis(&[1.0, 2.0, 3.0, 4.0, 10.0]);
        assert!((s - 1.697_056_274_847_714).abs() < 1e-12, "{s}");
        assert!((k - 3.152).abs() < 1e-12, "{k}");
    }

    #[test]
    fn the_dashboard_scale_runs_through_its_thresholds_either_way() {
        let t = Thresholds { red: 5.74, green: 8.93 };
        assert_eq!(dashboard_score(4.0, 4.75, t, 10.73), 0.0);
        assert!((dashboard_score(5.74, 4.75, t, 10.73) - 1.0).abs() < 1e-12);
        assert!((dashboard_score(9.83, 4.75, t, 10.73) - 2.5).abs() < 1e-12);
        let down = Thresholds { red: 30.0, green: 20.0 };
        assert!((dashboard_score(25.0, 40.0, down, 10.0) - 1.5).abs() < 1e-12);
        assert_eq!(dashboard_score(5.0, 40.0, down, 10.0), 3.0);
        // A red threshold beyond the worst goalpost: past the goalpost is still 0.
        let beyond = Thresholds { red: 7.0, green: 2.1 };
        assert!((dashboard_score(4.386, 4.5, beyond, 0.0) - (1.0 + (4.386 - 7.0) / (2.1 - 7.0))).abs() < 1e-12);
        assert_eq!(dashboard_score(4.517, 4.5, beyond, 0.0), 0.0);
        // Green at the best goalpost: the goalpost itself scores 3.
        assert_eq!(dashboard_score(100.0, 0.0, Thresholds { red: 89.83, green: 100.0 }, 100.0), 3.0);
        assert_eq!(Colour::of(1.49), Colour::Orange);
        assert_eq!(Colour::of(f64::NAN), Colour::Grey);
    }

    #[test]
    fn sensitivity_gives_rank_intervals_that_hold_the_nominal_rank_when_nothing_varies() {
        let t = table(&[("x", &[0.0, 5.0, 10.0]), ("y", &[10.0, 6.0, 0.0]), ("z", &[1.0, 2.0, 3.0])]);
        let still = Sensitivity { runs: 20, weight_spread: 0.0, ..Sensitivity::default() };
        let c = compute(&two_level(), &t, &Options { sensitivity: Some(still), ..Options::default() }).unwrap();
        for r in c.sensitivity.unwrap() {
            assert_eq!((r.best, r.worst), (r.nominal, r.nominal), "{r:?}");
        }
        let moving = Sensitivity { runs: 200, normalisations: vec![Normalisation::MinMax, Normalisation::Rank], ..Sensitivity::default() };
        let c = compute(&two_level(), &t, &Options { sensitivity: Some(moving), ..Options::default() }).unwrap();
        for r in c.sensitivity.unwrap() {
            assert!(r.best <= r.p05 && r.p05 <= r.median && r.median <= r.p95 && r.p95 <= r.worst, "{r:?}");
        }
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.05), 1.2);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
