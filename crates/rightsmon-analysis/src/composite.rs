//! Composite indices, following the JRC/OECD *Handbook on Constructing Composite Indicators*
//! (2008): a hierarchy of indicators, dimensions or rights, themes and an index, built in stages
//! that are all kept so that every number can be traced back.
//!
//! The stages, in order:
//! 1. **raw**: each indicator's value per unit, divided by its denominator where it has one;
//! 2. **imputed**: missing values filled by the indicator's missing-data treatment (none, mean,
//!    group mean; last observation is applied when the [`Table`] is built from dated values);
//! 3. **treated**: outliers winsorised step by step where skewness and kurtosis both exceed their
//!    thresholds, as COINr's `treat()` does, or transformed (COINr's `CTlog` by default) where
//!    winsorising up to the limit does not bring them back;
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

mod dashboard;
mod stages;
mod table;

pub use dashboard::{SplitMix64, dashboard_score};
use dashboard::{dashboard, sensitivity};
use stages::*;
pub use stages::{default_winsorise_limit, rank_descending, rank_highest_first, skewness_kurtosis};
pub use table::Table;

/// The composite index method as this module builds it.
/// Version 2: outlier treatment as COINr's `treat()` (steps, its default limit and `CTlog`).
pub const COMPOSITE_INDEX: Method = Method { name: "composite-index-jrc-oecd", version: 2 };
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum Outliers {
    None,
    /// COINr's default treatment: winsorise step by step while |skewness| > `skewness` and
    /// kurtosis > `kurtosis` (sample-adjusted, excess kurtosis), at most `max_values` steps
    /// (10% of the units rounded up when not given); if the indicator still fails, undo and
    /// apply `transform` to the values as they were.
    Winsorise {
        skewness: f64,
        kurtosis: f64,
        max_values: Option<usize>,
        transform: Transform,
    },
}

/// The transformation applied when winsorising is not enough, named as COINr's `treat()`
/// names it (its `deflog`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "name")]
pub enum Transform {
    /// `CTlog`, COINr's default: `ln(x − min + 0.01 (max − min))`.
    #[serde(rename = "CTlog")]
    CtLog,
    /// `CTlog_orig`, the COIN Tool's own: `ln(x − min + 1)`.
    #[serde(rename = "CTlog_orig")]
    CtLogOrig,
    /// `log`: `ln(x)`, for indicators whose values are all above 0 (others are left as they are).
    #[serde(rename = "log")]
    Log,
    /// `GIIlog`, the Global Innovation Index's: `ln((max − 1)(x − min) / (max − min) + 1)`.
    #[serde(rename = "GIIlog")]
    GiiLog,
    /// `boxcox`: Box-Cox with a fixed `lambda` after shifting to `x − min + 1`:
    /// `((x − min + 1)^λ − 1) / λ`, or `ln(x − min + 1)` for λ = 0.
    #[serde(rename = "boxcox")]
    BoxCox { lambda: f64 },
}

impl Transform {
    /// The names the options file takes, as COINr spells them.
    pub const NAMES: [&'static str; 5] = ["CTlog", "CTlog_orig", "log", "GIIlog", "boxcox"];

    pub fn name(self) -> &'static str {
        match self {
            Self::CtLog => "CTlog",
            Self::CtLogOrig => "CTlog_orig",
            Self::Log => "log",
            Self::GiiLog => "GIIlog",
            Self::BoxCox { .. } => "boxcox",
        }
    }

    /// The transformed values, missing values staying missing; `None` for a plain log of an
    /// indicator with a value of 0 or below.
    pub fn apply(self, values: &[f64]) -> Option<Vec<f64>> {
        let present = || values.iter().copied().filter(|v| !v.is_nan());
        let min = present().fold(f64::INFINITY, f64::min);
        let max = present().fold(f64::NEG_INFINITY, f64::max);
        let map = |f: &dyn Fn(f64) -> f64| values.iter().map(|&x| if x.is_nan() { x } else { f(x) }).collect();
        Some(match self {
            Self::CtLog => map(&|x| (x - min + 0.01 * (max - min)).ln()),
            Self::CtLogOrig => map(&|x| (x - min + 1.0).ln()),
            Self::Log => {
                if present().any(|x| x <= 0.0) {
                    return None;
                }
                map(&f64::ln)
            }
            Self::GiiLog => map(&|x| ((max - 1.0) * (x - min) / (max - min) + 1.0).ln()),
            Self::BoxCox { lambda } => {
                if lambda == 0.0 {
                    map(&|x| (x - min + 1.0).ln())
                } else {
                    map(&|x| ((x - min + 1.0).powf(lambda) - 1.0) / lambda)
                }
            }
        })
    }
}

impl Outliers {
    /// COINr's defaults: skewness 2, kurtosis 3.5, at most 10% of the units, then `CTlog`.
    pub fn coinr() -> Self {
        Self::Winsorise { skewness: 2.0, kurtosis: 3.5, max_values: None, transform: Transform::CtLog }
    }
}

/// How units that share a value share a rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieRule {
    /// Each takes the best rank of the group (1, 2, 2, 4), as COINr and sports tables do.
    Min,
    /// Each takes the mean of the ranks the group spans (1, 2.5, 2.5, 4).
    Average,
    /// Each takes the worst rank of the group (1, 3, 3, 4).
    Max,
    /// Each takes the next rank after the group before, leaving no gaps (1, 2, 2, 3).
    Dense,
}

impl TieRule {
    pub const NAMES: [&'static str; 4] = ["min", "average", "max", "dense"];

    pub fn name(self) -> &'static str {
        match self {
            Self::Min => "min",
            Self::Average => "average",
            Self::Max => "max",
            Self::Dense => "dense",
        }
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

/// The options of a composite, with the JRC handbook's defaults where it has them.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Report each unit's rank (1 = highest) at every level: indicators, every aggregate and the
    /// index. Off by default: scores, not league tables.
    pub ranks: bool,
    /// How tied units share a rank.
    pub rank_ties: TieRule,
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
            rank_ties: TieRule::Min,
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
    /// `none`, `winsorised`, or the transformation's name (`CTlog`, `boxcox`, ...).
    pub action: &'static str,
    /// The most winsorising steps allowed.
    pub limit: usize,
    /// The winsorising steps taken (values tied at the extreme move in one step).
    pub steps: usize,
    /// How many values winsorising changed.
    pub winsorised: usize,
    pub skewness_after: f64,
    pub kurtosis_after: f64,
    /// Whether the indicator passes the skewness and kurtosis check after its treatment.
    pub passes: bool,
}

/// What the outlier treatment did to one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellTreatment {
    None,
    /// Lowered to the next value in (COINr's `WHigh`).
    WinsorisedHigh,
    /// Raised to the next value in (COINr's `WLow`).
    WinsorisedLow,
    /// Transformed with the rest of its indicator.
    Transformed,
}

impl CellTreatment {
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "",
            Self::WinsorisedHigh => "winsorised-high",
            Self::WinsorisedLow => "winsorised-low",
            Self::Transformed => "transformed",
        }
    }
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

/// Every unit's rank at every level, 1 for the highest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranks {
    pub ties: TieRule,
    /// Per indicator (by its normalised value, so that higher is better), per unit.
    pub indicators: Vec<Vec<f64>>,
    /// Per aggregate (in [`Composite::nodes`] order, the index last), per unit.
    pub nodes: Vec<Vec<f64>>,
}

/// Every stage of a composite.
#[derive(Debug, Clone, Serialize)]
pub struct Composite {
    pub method: Method,
    pub options: Options,
    pub units: Vec<String>,
    pub indicators: Vec<String>,
    /// Per indicator, per unit: the table's values as given.
    pub raw: Vec<Vec<f64>>,
    /// After denominators, before imputation.
    pub denominated: Vec<Vec<f64>>,
    pub imputations: Vec<Imputation>,
    /// After imputation.
    pub imputed: Vec<Vec<f64>>,
    /// After imputation and outlier treatment.
    pub treated: Vec<Vec<f64>>,
    pub treatments: Vec<Treatment>,
    /// Per indicator, per unit: what the outlier treatment did to the cell.
    pub treatment_flags: Vec<Vec<CellTreatment>>,
    pub normalised: Vec<Vec<f64>>,
    /// The aggregates, each after its children; the index last.
    pub nodes: Vec<String>,
    pub scores: Vec<Vec<f64>>,
    /// Ranks at every level, when asked for.
    pub ranks: Option<Ranks>,
    pub dashboard: Option<Dashboard>,
    pub sensitivity: Option<Vec<RankInterval>>,
    /// What a reader should know about the result, in words: an indicator that still fails the
    /// outlier check after its treatment, a transformation that could not be applied.
    pub warnings: Vec<String>,
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
    let mut denominated = Vec::new();
    let mut imputations = Vec::new();
    let mut imputed = Vec::new();
    for &i in &structure.indicators {
        let node = &structure.nodes[i];
        let Some(spec) = node.indicator.as_ref() else { continue };
        let Some(given) = table.columns.get(&node.id) else {
            return Err(CompositeError::Data(format!("the table has no column {}", node.id)));
        };
        let mut given = given.clone();
        let mut values = given.clone();
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
                // The table itself took the latest earlier values; move them out of the
                // stages before imputation.
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
                        given[u] = f64::NAN;
                    }
                }
            }
            Missing::Mean | Missing::GroupMean => {
                impute(&node.id, &mut filled, method, table.groups.as_deref(), &table.units, &mut imputations)?;
            }
        }
        indicators.push(node.id.clone());
        raw.push(given);
        denominated.push(values);
        imputed.push(filled);
    }
    let mut treated = Vec::with_capacity(imputed.len());
    let mut treatments = Vec::with_capacity(imputed.len());
    let mut treatment_flags = Vec::with_capacity(imputed.len());
    let mut warnings = Vec::new();
    for (id, column) in indicators.iter().zip(&imputed) {
        let (column, treatment, flags) = treat_outliers(id, column.clone(), options.outliers);
        if !treatment.passes {
            warnings.push(match treatment.action {
                "none" => format!(
                    "{id}: winsorising {} value(s) did not bring its skewness and kurtosis within the limits, and a plain log needs values above 0, so it is left as it was",
                    treatment.limit
                ),
                action => format!(
                    "{id}: still outside the skewness and kurtosis limits after {action} (skewness {:.3}, kurtosis {:.3}); consider another transformation or treating it on its own",
                    treatment.skewness_after, treatment.kurtosis_after
                ),
            });
        }
        treated.push(column);
        treatments.push(treatment);
        treatment_flags.push(flags);
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
    let ranks = options.ranks.then(|| Ranks {
        ties: options.rank_ties,
        indicators: normalised.iter().map(|column| rank_highest_first(column, options.rank_ties)).collect(),
        nodes: scores.iter().map(|column| rank_highest_first(column, options.rank_ties)).collect(),
    });
    let dashboard = options.dashboard.then(|| dashboard(structure, &denominated, n, options.dashboard_coverage));
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
        denominated,
        imputations,
        imputed,
        treated,
        treatments,
        treatment_flags,
        normalised,
        nodes: structure.aggregates.iter().map(|&i| structure.nodes[i].id.clone()).collect(),
        scores,
        ranks,
        dashboard,
        sensitivity,
        warnings,
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
    if let Outliers::Winsorise { skewness, kurtosis, transform, .. } = options.outliers {
        if !(skewness.is_finite() && kurtosis.is_finite() && skewness >= 0.0) {
            return err("the outlier thresholds must be numbers, skewness at least 0".into());
        }
        if let Transform::BoxCox { lambda } = transform
            && !lambda.is_finite()
        {
            return err("the Box-Cox lambda must be a number".into());
        }
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

#[cfg(test)]
mod tests;
