//! Design-based estimation from survey microdata: totals, means, ratios and proportions, for
//! the whole population and for domains, with standard errors by Taylor linearisation for
//! stratified, clustered designs (one or two stages) with finite population corrections.
//!
//! The variance of an estimate is that of its linearised scores `z` (Woodruff): for a total
//! `z = w y`; for a mean `z = w (y − ȳ) / Ŵ`; for a ratio `z = w (y − R x) / X̂`; for a proportion
//! the mean of the level's indicator. Summed over each primary sampling unit (PSU) to `z_hi`:
//!
//! `V = Σ_h (1 − f_h) n_h / (n_h − 1) Σ_i (z_hi − z̄_h)²  +  Σ_h f_h Σ_i (1 − f_hi) m_hi / (m_hi − 1) Σ_j (z_hij − z̄_hi)²`
//!
//! with `n_h` PSUs sampled in stratum `h`, `f_h = n_h / N_h` its sampling fraction (0 without a
//! correction), and the second term only for a second stage (`m_hi` secondary units sampled in
//! PSU `i`, fraction `f_hi`), as R's `survey` package computes multistage designs. Without PSUs
//! every respondent is its own PSU. A domain's scores are 0 outside it, so every PSU of the design
//! takes part in its variance. Respondents without a value of the item are outside every
//! domain of that item.
//!
//! Intervals use Student's t with the design's degrees of freedom (PSUs minus strata); for
//! proportions the interval is built on the logit scale (samplics' and Stata's default) or, as
//! an option, by Korn and Graubard's method. These reproduce samplics' published expectations
//! (`tests/samplics_fpc.rs`).

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::progress::Method;
use crate::stats::{beta_quantile, t_quantile};

/// Design-based estimates with Taylor-linearised standard errors.
pub const SURVEY_ESTIMATE: Method = Method { name: "survey-taylor-linearisation", version: 1 };

/// Why a design or an estimate could not be built; each says what to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyError(pub String);

impl fmt::Display for SurveyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SurveyError {}

fn err<T>(message: String) -> Result<T, SurveyError> {
    Err(SurveyError(message))
}

/// The finite population correction of a stage.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Fpc {
    /// None: units drawn with replacement, or from a population large enough not to matter.
    #[default]
    None,
    /// Per row, the number of units in the population of the row's stratum (first stage: PSUs,
    /// or respondents in a design without PSUs; second stage: the secondary units of its PSU).
    /// It must be the same for every row of a stratum (of a PSU).
    Population(Vec<f64>),
    /// Per row, the sampling fraction n / N of its stratum (of its PSU), from 0 to 1.
    Fraction(Vec<f64>),
}

/// What a stratum with a single PSU contributes to a variance, where no variance can be seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Singleton {
    /// Refuse the design, naming the strata (R's `survey` default).
    #[default]
    Fail,
    /// Nothing: the PSU was taken with certainty.
    Certainty,
    /// Its PSU's deviation from the mean of all PSUs (R's `adjust`).
    Centre,
}

/// A design as the data give it: per row its weight, and optionally its stratum, PSU and
/// secondary unit as codes (the same code means the same unit; a PSU code is read within its
/// stratum and a secondary unit's within its PSU).
#[derive(Debug, Clone, Default)]
pub struct DesignSpec<'a> {
    pub weights: &'a [f64],
    pub strata: Option<&'a [u32]>,
    pub psu: Option<&'a [u32]>,
    pub ssu: Option<&'a [u32]>,
    pub fpc: Fpc,
    pub fpc2: Fpc,
    pub singleton: Singleton,
    /// For messages: the name of each stratum code, and the row number of each respondent as
    /// its file shows it (by default codes as numbers, and rows counted from 1).
    pub stratum_names: Option<&'a [String]>,
    pub row_numbers: Option<&'a [usize]>,
}

impl DesignSpec<'_> {
    fn row(&self, index: usize) -> usize {
        self.row_numbers.and_then(|rows| rows.get(index).copied()).unwrap_or(index + 1)
    }
}

/// A checked design, with its units numbered so that a stratum's PSUs and a PSU's secondary
/// units follow each other.
#[derive(Debug, Clone)]
pub struct Design {
    weights: Vec<f64>,
    row_psu: Vec<u32>,
    psu_stratum: Vec<u32>,
    /// Per stratum: its first PSU and how many it has.
    stratum_psus: Vec<(u32, u32)>,
    /// Per stratum: the first-stage sampling fraction (0 without a correction).
    stratum_fraction: Vec<f64>,
    fpc: bool,
    second: Option<SecondStage>,
    singleton: Singleton,
    df: f64,
}

#[derive(Debug, Clone)]
struct SecondStage {
    row_ssu: Vec<u32>,
    ssu_psu: Vec<u32>,
    /// Per PSU: its first secondary unit and how many it has.
    psu_ssus: Vec<(u32, u32)>,
    psu_fraction: Vec<f64>,
}

/// Numbers the distinct texts in order of first appearance: the codes a [`DesignSpec`] takes.
pub fn encode<S: AsRef<str>>(values: &[S]) -> (Vec<u32>, Vec<String>) {
    let mut index: HashMap<&str, u32> = HashMap::new();
    let mut labels = Vec::new();
    let codes = values
        .iter()
        .map(|v| {
            let v = v.as_ref();
            *index.entry(v).or_insert_with(|| {
                labels.push(v.to_owned());
                (labels.len() - 1) as u32
            })
        })
        .collect();
    (codes, labels)
}

/// Numbers groups of rows by a key, in key order: per row its group, and per group its key.
fn number_by<K: Ord + Copy + std::hash::Hash>(keys: &[K]) -> (Vec<u32>, Vec<K>) {
    let mut distinct: Vec<K> = keys.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let index: HashMap<K, u32> = distinct.iter().enumerate().map(|(i, k)| (*k, i as u32)).collect();
    (keys.iter().map(|k| index[k]).collect(), distinct)
}

/// The fraction of each group, from a per-row correction: checked constant within the group.
fn fractions(
    fpc: &Fpc,
    rows_group: &[u32],
    sampled: &[u32],
    what: &str,
    unit: &str,
    row_number: &dyn Fn(usize) -> usize,
) -> Result<Vec<f64>, SurveyError> {
    let groups = sampled.len();
    let per_row = match fpc {
        Fpc::None => return Ok(vec![0.0; groups]),
        Fpc::Population(v) | Fpc::Fraction(v) => v,
    };
    if per_row.len() != rows_group.len() {
        return err(format!("the {what} correction has {} values for {} rows", per_row.len(), rows_group.len()));
    }
    let mut seen: Vec<Option<(f64, usize)>> = vec![None; groups];
    for (row, (&g, &value)) in rows_group.iter().zip(per_row).enumerate() {
        match seen[g as usize] {
            None => seen[g as usize] = Some((value, row)),
            Some((first, first_row)) if first != value && !(first.is_nan() && value.is_nan()) => {
                return err(format!(
                    "row {} gives the {what} correction {value} but row {} of the same {unit} gives {first}; it must be the same within a {unit}",
                    row_number(row),
                    row_number(first_row)
                ));
            }
            Some(_) => {}
        }
    }
    let mut out = Vec::with_capacity(groups);
    for (g, entry) in seen.iter().enumerate() {
        let Some((value, row)) = *entry else {
            out.push(0.0);
            continue;
        };
        let n = f64::from(sampled[g]);
        let f = match fpc {
            Fpc::Population(_) => {
                if !(value.is_finite() && value > 0.0) {
                    return err(format!(
                        "row {}: the population size of the {what} correction is {value}; give a number above 0",
                        row_number(row)
                    ));
                }
                if value < n {
                    return err(format!(
                        "row {}: the {unit} has {n} units in the sample but a population of {value}; the population cannot be smaller than the sample",
                        row_number(row)
                    ));
                }
                n / value
            }
            _ => {
                if !(0.0..=1.0).contains(&value) {
                    return err(format!(
                        "row {}: the sampling fraction of the {what} correction is {value}; give a share from 0 to 1",
                        row + 1
                    ));
                }
                value
            }
        };
        out.push(f);
    }
    Ok(out)
}

impl Design {
    pub fn new(spec: DesignSpec<'_>) -> Result<Self, SurveyError> {
        let n = spec.weights.len();
        if n == 0 {
            return err("the survey has no respondents".into());
        }
        for (name, column) in [("strata", spec.strata), ("PSU", spec.psu), ("secondary unit", spec.ssu)] {
            if column.is_some_and(|c| c.len() != n) {
                return err(format!("the {name} column has {} values for {n} weights", column.map_or(0, <[u32]>::len)));
            }
        }
        if let Some(row) = spec.weights.iter().position(|w| !(w.is_finite() && *w > 0.0)) {
            return err(format!("row {}: the weight is {}; every respondent needs a weight above 0", spec.row(row), spec.weights[row]));
        }
        let row_number = |index: usize| spec.row(index);
        if spec.ssu.is_some() && spec.psu.is_none() {
            return err("a second stage (secondary units) needs the first stage's PSUs".into());
        }
        let strata: Vec<u32> = spec.strata.map_or_else(|| vec![0; n], <[u32]>::to_vec);
        let (row_stratum, _) = number_by(&strata);
        // PSUs numbered in stratum order; without PSUs every row is one.
        let psu_keys: Vec<(u32, u64)> = match spec.psu {
            Some(psu) => row_stratum.iter().zip(psu).map(|(&s, &p)| (s, u64::from(p))).collect(),
            None => row_stratum.iter().enumerate().map(|(r, &s)| (s, r as u64)).collect(),
        };
        let (row_psu, psus) = number_by(&psu_keys);
        let psu_stratum: Vec<u32> = psus.iter().map(|(s, _)| *s).collect();
        let stratum_count = psu_stratum.last().map_or(0, |s| *s as usize + 1);
        let mut stratum_psus = vec![(u32::MAX, 0u32); stratum_count];
        for (p, &s) in psu_stratum.iter().enumerate() {
            let entry = &mut stratum_psus[s as usize];
            if entry.0 == u32::MAX {
                entry.0 = p as u32;
            }
            entry.1 += 1;
        }
        let sampled: Vec<u32> = stratum_psus.iter().map(|(_, c)| *c).collect();
        let stratum_fraction = fractions(&spec.fpc, &row_stratum, &sampled, "first-stage", "stratum", &row_number)?;
        let second = match spec.ssu {
            None => {
                if spec.fpc2 != Fpc::None {
                    return err("a second-stage correction needs the secondary units".into());
                }
                None
            }
            Some(ssu) => {
                let keys: Vec<(u32, u32)> = row_psu.iter().zip(ssu).map(|(&p, &s)| (p, s)).collect();
                let (row_ssu, ssus) = number_by(&keys);
                let ssu_psu: Vec<u32> = ssus.iter().map(|(p, _)| *p).collect();
                let mut psu_ssus = vec![(u32::MAX, 0u32); psus.len()];
                for (s, &p) in ssu_psu.iter().enumerate() {
                    let entry = &mut psu_ssus[p as usize];
                    if entry.0 == u32::MAX {
                        entry.0 = s as u32;
                    }
                    entry.1 += 1;
                }
                let sampled: Vec<u32> = psu_ssus.iter().map(|(_, c)| *c).collect();
                let psu_fraction = fractions(&spec.fpc2, &row_psu, &sampled, "second-stage", "PSU", &row_number)?;
                Some(SecondStage { row_ssu, ssu_psu, psu_ssus, psu_fraction })
            }
        };
        if spec.singleton == Singleton::Fail {
            let single: Vec<String> = stratum_psus
                .iter()
                .enumerate()
                .filter(|(_, (_, count))| *count == 1)
                .map(|(s, _)| strata_label(&spec, &row_stratum, s as u32))
                .collect();
            if !single.is_empty() {
                return err(format!(
                    "{} stratum (strata) with a single PSU, whose variance cannot be estimated: {}; merge them with a neighbour, or choose singleton = \"certainty\" or \"centre\"",
                    single.len(),
                    single.iter().take(10).cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        let df = psus.len() as f64 - stratum_count as f64;
        Ok(Self {
            weights: spec.weights.to_vec(),
            row_psu,
            psu_stratum,
            stratum_psus,
            stratum_fraction,
            fpc: spec.fpc != Fpc::None,
            second,
            singleton: spec.singleton,
            df,
        })
    }

    /// The number of respondents.
    pub fn rows(&self) -> usize {
        self.weights.len()
    }

    /// The degrees of freedom of the design: PSUs minus strata.
    pub fn df(&self) -> f64 {
        self.df
    }

    pub fn strata(&self) -> usize {
        self.stratum_psus.len()
    }

    pub fn psus(&self) -> usize {
        self.psu_stratum.len()
    }
}

fn strata_label(spec: &DesignSpec<'_>, row_stratum: &[u32], s: u32) -> String {
    let Some(codes) = spec.strata else { return "the whole sample".to_owned() };
    match row_stratum.iter().position(|&r| r == s) {
        Some(row) => match spec.stratum_names.and_then(|names| names.get(codes[row] as usize)) {
            Some(name) => name.clone(),
            None => format!("code {}", codes[row]),
        },
        None => s.to_string(),
    }
}

/// The domains of an estimate, prepared once for a design and reused for every item: per row
/// its domain, and the (domain, PSU) and (domain, secondary unit) cells the sums run over.
#[derive(Debug, Clone)]
pub struct Domains {
    count: usize,
    row_domain: Vec<u32>,
    row_cell: Vec<u32>,
    /// Per cell: its PSU; cells are in (domain, PSU) order.
    cell_psu: Vec<u32>,
    /// Per domain: its first cell and the end of its cells.
    domain_cells: Vec<(u32, u32)>,
    second: Option<DomainCells>,
}

#[derive(Debug, Clone)]
struct DomainCells {
    row_cell: Vec<u32>,
    cell_ssu: Vec<u32>,
    domain_cells: Vec<(u32, u32)>,
}

/// No domain: the row takes part in no estimate of a domain.
pub const OUTSIDE: u32 = u32::MAX;

fn cells(row_domain: &[u32], row_unit: &[u32], count: usize) -> (Vec<u32>, Vec<u32>, Vec<(u32, u32)>) {
    let keys: Vec<u64> =
        row_domain.iter().zip(row_unit).map(|(&d, &u)| if d == OUTSIDE { u64::MAX } else { (u64::from(d) << 32) | u64::from(u) }).collect();
    let (row_cell, distinct) = number_by(&keys);
    let mut domain_cells = vec![(0u32, 0u32); count];
    let mut cell_unit = Vec::with_capacity(distinct.len());
    for (c, &key) in distinct.iter().enumerate() {
        if key == u64::MAX {
            continue;
        }
        let d = (key >> 32) as usize;
        if domain_cells[d].1 == 0 {
            domain_cells[d].0 = c as u32;
        }
        domain_cells[d].1 = c as u32 + 1;
        cell_unit.push((key & 0xFFFF_FFFF) as u32);
    }
    let row_cell = row_cell.iter().zip(row_domain).map(|(&c, &d)| if d == OUTSIDE { OUTSIDE } else { c }).collect();
    (row_cell, cell_unit, domain_cells)
}

impl Domains {
    /// The whole sample as one domain.
    pub fn whole(design: &Design) -> Self {
        Self::new(design, &vec![0; design.rows()], 1).unwrap_or_else(|_| unreachable!("one domain always fits"))
    }

    /// Per row its domain, from 0 to `count − 1`, or [`OUTSIDE`].
    pub fn new(design: &Design, row_domain: &[u32], count: usize) -> Result<Self, SurveyError> {
        if row_domain.len() != design.rows() {
            return err(format!("the domain column has {} values for {} rows", row_domain.len(), design.rows()));
        }
        if let Some(row) = row_domain.iter().position(|&d| d != OUTSIDE && d as usize >= count) {
            return err(format!("row {}: domain {} is beyond the {count} domains", row + 1, row_domain[row]));
        }
        let (row_cell, cell_psu, domain_cells) = cells(row_domain, &design.row_psu, count);
        let second = design.second.as_ref().map(|s| {
            let (row_cell, cell_ssu, domain_cells) = cells(row_domain, &s.row_ssu, count);
            DomainCells { row_cell, cell_ssu, domain_cells }
        });
        Ok(Self { count, row_domain: row_domain.to_vec(), row_cell, cell_psu, domain_cells, second })
    }

    pub fn count(&self) -> usize {
        self.count
    }
}

/// What is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Parameter {
    Total,
    Mean,
    /// The ratio of the totals of `y` and `x`.
    Ratio,
    /// The share of each level of `y`.
    Proportion,
}

impl Parameter {
    pub fn name(self) -> &'static str {
        match self {
            Self::Total => "total",
            Self::Mean => "mean",
            Self::Ratio => "ratio",
            Self::Proportion => "proportion",
        }
    }
}

/// How the interval of a proportion is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ProportionInterval {
    /// On the logit scale, `expit(logit(p) ± t se / (p (1 − p)))`: inside 0..1.
    #[default]
    Logit,
    /// Korn and Graubard (1998): Clopper-Pearson with the effective sample size, adjusted to the
    /// design's degrees of freedom; good for proportions near 0 or 1.
    KornGraubard,
    /// `p ± t se`.
    Wald,
}

impl ProportionInterval {
    pub fn name(self) -> &'static str {
        match self {
            Self::Logit => "logit",
            Self::KornGraubard => "korn-graubard",
            Self::Wald => "wald",
        }
    }
}

/// One estimate: for a domain (or the whole), and for a proportion its level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub domain: u32,
    pub level: Option<f64>,
    pub estimate: f64,
    pub se: f64,
    pub lower: f64,
    pub upper: f64,
    pub df: f64,
    /// The design effect: the variance over that of a simple random sample of the same size
    /// (without replacement when the design has a correction).
    pub deff: f64,
    /// Respondents with a value, unweighted.
    pub n: usize,
    /// Their weights' sum.
    pub weighted_n: f64,
}

impl Estimate {
    /// The relative standard error (the coefficient of variation): se / |estimate|.
    pub fn rse(&self) -> f64 {
        self.se / self.estimate.abs()
    }
}

/// What to estimate and how.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub parameter: Parameter,
    /// The item; `NaN` is no answer. For proportions, each distinct value is a level.
    pub y: &'a [f64],
    /// The denominator of a ratio.
    pub x: Option<&'a [f64]>,
    pub confidence: f64,
    pub interval: ProportionInterval,
}

/// Sums per cell, domain and level.
struct Sums {
    levels: usize,
    /// Per cell: Σw, Σwx and, per level, Σw·y (for proportions Σw over the level).
    cell_w: Vec<f64>,
    cell_x: Vec<f64>,
    cell_y: Vec<f64>,
}

fn accumulate(
    request: &Request<'_>,
    weights: &[f64],
    row_cell: &[u32],
    cell_count: usize,
    level_of: &dyn Fn(f64) -> usize,
    levels: usize,
) -> Sums {
    let mut sums = Sums { levels, cell_w: vec![0.0; cell_count], cell_x: vec![0.0; cell_count], cell_y: vec![0.0; cell_count * levels] };
    let proportion = request.parameter == Parameter::Proportion;
    for (row, &cell) in row_cell.iter().enumerate() {
        if cell == OUTSIDE {
            continue;
        }
        let y = request.y[row];
        let x = request.x.map_or(0.0, |x| x[row]);
        if y.is_nan() || x.is_nan() {
            continue;
        }
        let w = weights[row];
        let c = cell as usize;
        sums.cell_w[c] += w;
        sums.cell_x[c] += w * x;
        if proportion {
            sums.cell_y[c * levels + level_of(y)] += w;
        } else {
            sums.cell_y[c] += w * y;
        }
    }
    sums
}

/// Estimates a parameter for every domain: one [`Estimate`] per domain (per domain and level for
/// proportions), domains in order; a domain without respondents gives no estimate.
pub fn estimate(design: &Design, domains: &Domains, request: &Request<'_>) -> Result<Vec<Estimate>, SurveyError> {
    let rows = design.rows();
    if request.y.len() != rows {
        return err(format!("the item has {} values for {rows} rows", request.y.len()));
    }
    match (request.parameter, request.x) {
        (Parameter::Ratio, None) => return err("a ratio needs its denominator x".into()),
        (Parameter::Ratio, Some(x)) if x.len() != rows => return err(format!("x has {} values for {rows} rows", x.len())),
        (Parameter::Ratio, Some(_)) => {}
        (_, Some(_)) => return err(format!("a {} takes no denominator x", request.parameter.name())),
        (_, None) => {}
    }
    if !(request.confidence > 0.0 && request.confidence < 1.0) {
        return err(format!("the confidence level is {}; give a share between 0 and 1, such as 0.95", request.confidence));
    }
    if let Some(row) = request.y.iter().chain(request.x.unwrap_or(&[])).position(|v| v.is_infinite()) {
        return err(format!("row {}: a value is infinite", row % rows + 1));
    }
    // Levels of a proportion: the distinct values, in order.
    let mut level_values: Vec<f64> = Vec::new();
    if request.parameter == Parameter::Proportion {
        let mut seen: Vec<f64> = request.y.iter().copied().filter(|v| !v.is_nan()).collect();
        seen.sort_by(f64::total_cmp);
        seen.dedup();
        if seen.len() > 10_000 {
            return err(format!("the item has {} different values; a proportion is of an item with categories", seen.len()));
        }
        level_values = seen;
    }
    let levels = level_values.len().max(1);
    let level_of = |y: f64| if levels == 1 { 0 } else { level_values.partition_point(|&v| v < y) };
    let sums = accumulate(request, &design.weights, &domains.row_cell, domains.cell_psu.len(), &level_of, levels);
    let second = match (&design.second, &domains.second) {
        (Some(stage), Some(cells)) => {
            Some((stage, cells, accumulate(request, &design.weights, &cells.row_cell, cells.cell_ssu.len(), &level_of, levels)))
        }
        _ => None,
    };
    // Per domain: respondents, and Σw·y², Σw·x·y, Σw·x² for the design effect.
    let mut n = vec![0usize; domains.count];
    let mut moments = vec![[0.0f64; 3]; domains.count];
    for (row, &d) in domains.row_domain.iter().enumerate() {
        if d == OUTSIDE {
            continue;
        }
        let y = request.y[row];
        let x = request.x.map_or(0.0, |x| x[row]);
        if y.is_nan() || x.is_nan() {
            continue;
        }
        let w = design.weights[row];
        n[d as usize] += 1;
        let m = &mut moments[d as usize];
        m[0] += w * y * y;
        m[1] += w * x * y;
        m[2] += w * x * x;
    }
    let t = t_quantile(0.5 + request.confidence / 2.0, design.df);
    let mut out = Vec::new();
    let mut z = Vec::new();
    let mut z2 = Vec::new();
    for d in 0..domains.count {
        if n[d] == 0 {
            continue;
        }
        let (first, end) = domains.domain_cells[d];
        let range = first as usize..end as usize;
        let w_d: f64 = sums.cell_w[range.clone()].iter().sum();
        let x_d: f64 = sums.cell_x[range.clone()].iter().sum();
        for level in 0..sums.levels {
            let y_d: f64 = range.clone().map(|c| sums.cell_y[c * sums.levels + level]).sum();
            let (value, scale, centre) = match request.parameter {
                Parameter::Total => (y_d, 1.0, 0.0),
                Parameter::Mean | Parameter::Proportion => (y_d / w_d, 1.0 / w_d, y_d / w_d),
                Parameter::Ratio => (y_d / x_d, 1.0 / x_d, y_d / x_d),
            };
            // The linearised score summed over a cell: (Σwy − centre·Σw(x)) · scale.
            let score = |w: f64, x: f64, y: f64| match request.parameter {
                Parameter::Total => y,
                Parameter::Mean | Parameter::Proportion => (y - centre * w) * scale,
                Parameter::Ratio => (y - centre * x) * scale,
            };
            z.clear();
            z.extend(range.clone().map(|c| score(sums.cell_w[c], sums.cell_x[c], sums.cell_y[c * sums.levels + level])));
            let mut variance = first_stage(design, &domains.cell_psu[range.clone()], &z);
            if let Some((stage, cells, sums2)) = &second {
                let (f2, e2) = cells.domain_cells[d];
                let range2 = f2 as usize..e2 as usize;
                z2.clear();
                z2.extend(range2.clone().map(|c| score(sums2.cell_w[c], sums2.cell_x[c], sums2.cell_y[c * sums2.levels + level])));
                variance += second_stage(design, stage, &cells.cell_ssu[range2], &z2);
            }
            let se = variance.max(0.0).sqrt();
            let deff = variance / srs_variance(design.fpc, request.parameter, value, n[d], w_d, x_d, y_d, moments[d]);
            let (lower, upper) = interval(request, value, se, t, design.df, n[d], rows);
            out.push(Estimate {
                domain: d as u32,
                level: level_values.get(level).copied(),
                estimate: value,
                se,
                lower,
                upper,
                df: design.df,
                deff,
                n: n[d],
                weighted_n: w_d,
            });
        }
    }
    Ok(out)
}

/// `Σ_h (1 − f_h) n_h / (n_h − 1) Σ_i (z_hi − z̄_h)²` over the cells of one domain, given in PSU
/// order (so grouped by stratum); PSUs without a cell have z = 0.
fn first_stage(design: &Design, cell_psu: &[u32], z: &[f64]) -> f64 {
    let mut variance = 0.0;
    let mut i = 0;
    // For singletons centred on the mean of all PSUs.
    let grand_mean = if design.singleton == Singleton::Centre { z.iter().sum::<f64>() / design.psus() as f64 } else { 0.0 };
    while i < cell_psu.len() {
        let stratum = design.psu_stratum[cell_psu[i] as usize] as usize;
        let (mut sum, mut squares) = (0.0, 0.0);
        while i < cell_psu.len() && design.psu_stratum[cell_psu[i] as usize] as usize == stratum {
            sum += z[i];
            squares += z[i] * z[i];
            i += 1;
        }
        let count = f64::from(design.stratum_psus[stratum].1);
        let f = design.stratum_fraction[stratum];
        if count > 1.0 {
            variance += (1.0 - f) * count / (count - 1.0) * (squares - sum * sum / count);
        } else if design.singleton == Singleton::Centre {
            variance += (1.0 - f) * (sum - grand_mean) * (sum - grand_mean);
        }
    }
    if design.singleton == Singleton::Centre {
        // Singleton strata without a cell in the domain: their PSU's z is 0.
        for (stratum, &(first, count)) in design.stratum_psus.iter().enumerate() {
            if count == 1 && !cell_psu.contains(&first) {
                variance += (1.0 - design.stratum_fraction[stratum]) * grand_mean * grand_mean;
            }
        }
    }
    variance
}

/// `Σ_h f_h Σ_i (1 − f_hi) m_hi / (m_hi − 1) Σ_j (z_hij − z̄_hi)²` over one domain's cells of
/// secondary units, in unit order (so grouped by PSU).
fn second_stage(design: &Design, stage: &SecondStage, cell_ssu: &[u32], z: &[f64]) -> f64 {
    let mut variance = 0.0;
    let mut i = 0;
    while i < cell_ssu.len() {
        let psu = stage.ssu_psu[cell_ssu[i] as usize] as usize;
        let (mut sum, mut squares) = (0.0, 0.0);
        while i < cell_ssu.len() && stage.ssu_psu[cell_ssu[i] as usize] as usize == psu {
            sum += z[i];
            squares += z[i] * z[i];
            i += 1;
        }
        let m = f64::from(stage.psu_ssus[psu].1);
        if m > 1.0 {
            let f1 = design.stratum_fraction[design.psu_stratum[psu] as usize];
            variance += f1 * (1.0 - stage.psu_fraction[psu]) * m / (m - 1.0) * (squares - sum * sum / m);
        }
    }
    variance
}

/// The variance the estimate would have from a simple random sample of the domain's size: the
/// weighted element variance over n, with (1 − n / N̂) when the design has a correction.
/// `moments` holds the domain's Σw·y², Σw·x·y and Σw·x².
#[allow(clippy::too_many_arguments)]
fn srs_variance(fpc: bool, parameter: Parameter, value: f64, n: usize, w_d: f64, x_d: f64, y_d: f64, moments: [f64; 3]) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    let [yy, xy, xx] = moments;
    // Σw·e², e the deviation each parameter linearises.
    let squares = match parameter {
        Parameter::Proportion => value * (1.0 - value) * w_d,
        Parameter::Ratio => yy - 2.0 * value * xy + value * value * xx,
        Parameter::Total | Parameter::Mean => yy - y_d * y_d / w_d,
    };
    let n = n as f64;
    let element = squares.max(0.0) / w_d * n / (n - 1.0);
    let correction = if fpc { (1.0 - n / w_d).max(0.0) } else { 1.0 };
    let of_mean = element / n * correction;
    match parameter {
        Parameter::Total => of_mean * w_d * w_d,
        Parameter::Ratio => of_mean / ((x_d / w_d) * (x_d / w_d)),
        Parameter::Mean | Parameter::Proportion => of_mean,
    }
}

fn interval(request: &Request<'_>, value: f64, se: f64, t: f64, df: f64, n: usize, rows: usize) -> (f64, f64) {
    if !value.is_finite() || t.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if request.parameter != Parameter::Proportion || request.interval == ProportionInterval::Wald {
        return (value - t * se, value + t * se);
    }
    if se == 0.0 && request.interval == ProportionInterval::Logit {
        return (value, value);
    }
    match request.interval {
        ProportionInterval::Logit => {
            if value <= 0.0 || value >= 1.0 {
                return (value, value);
            }
            let logit = (value / (1.0 - value)).ln();
            let half = t * se / (value * (1.0 - value));
            let expit = |v: f64| 1.0 / (1.0 + (-v).exp());
            (expit(logit - half), expit(logit + half))
        }
        ProportionInterval::KornGraubard | ProportionInterval::Wald => {
            let alpha = 1.0 - request.confidence;
            // The effective sample size, scaled from a simple random sample's degrees of freedom
            // to the design's; with no variance, the respondents themselves.
            let mut effective = if se > 0.0 { value * (1.0 - value) / (se * se) } else { n as f64 };
            let ratio = t_quantile(1.0 - alpha / 2.0, rows as f64 - 1.0) / t_quantile(1.0 - alpha / 2.0, df);
            if ratio.is_finite() {
                effective *= ratio * ratio;
            }
            let x = effective * value;
            let lower = if x <= 0.0 { 0.0 } else { beta_quantile(alpha / 2.0, x, effective - x + 1.0) };
            let upper = if x >= effective { 1.0 } else { beta_quantile(1.0 - alpha / 2.0, x + 1.0, effective - x) };
            (lower, upper)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(parameter: Parameter, y: &[f64]) -> Request<'_> {
        Request { parameter, y, x: None, confidence: 0.95, interval: ProportionInterval::Logit }
    }

    /// Six PSUs in two strata, two or three households in each.
    fn two_stage(fpc: Fpc, fpc2: Fpc) -> (Vec<f64>, Design) {
        let strata = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
        let psu = [0, 0, 1, 1, 2, 2, 0, 0, 0, 1, 1, 2, 2];
        let ssu = [0, 1, 0, 1, 0, 1, 0, 1, 2, 0, 1, 0, 1];
        let weights = [2.0, 2.0, 3.0, 3.0, 2.5, 2.5, 4.0, 4.0, 4.0, 1.5, 1.5, 2.0, 2.0];
        let y = vec![3.0, 5.0, 2.0, 8.0, 4.0, 4.5, 1.0, 7.0, 6.0, 9.0, 2.0, 3.5, 5.5];
        let spec =
            DesignSpec { weights: &weights, strata: Some(&strata), psu: Some(&psu), ssu: Some(&ssu), fpc, fpc2, ..DesignSpec::default() };
        (y, Design::new(spec).unwrap())
    }

    #[test]
    fn a_second_stage_adds_its_variance_in_proportion_to_the_first_stage_fraction() {
        let (y, with_replacement) = two_stage(Fpc::None, Fpc::Fraction(vec![0.5; 13]));
        let (_, one_stage) = {
            let strata = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
            let psu = [0, 0, 1, 1, 2, 2, 0, 0, 0, 1, 1, 2, 2];
            let weights = [2.0, 2.0, 3.0, 3.0, 2.5, 2.5, 4.0, 4.0, 4.0, 1.5, 1.5, 2.0, 2.0];
            let spec = DesignSpec { weights: &weights, strata: Some(&strata), psu: Some(&psu), ..DesignSpec::default() };
            ((), Design::new(spec).unwrap())
        };
        let mean = |d: &Design| estimate(d, &Domains::whole(d), &request(Parameter::Mean, &y)).unwrap()[0].clone();
        // Without a first-stage correction the second stage adds nothing (with replacement).
        assert!((mean(&with_replacement).se - mean(&one_stage).se).abs() < 1e-15);
        // Every PSU taken (f = 1): only the second stage is left, which is the one-stage
        // variance of households within PSUs taken as strata.
        let (_, census) = two_stage(Fpc::Fraction(vec![1.0; 13]), Fpc::Fraction(vec![0.5; 13]));
        let weights = [2.0, 2.0, 3.0, 3.0, 2.5, 2.5, 4.0, 4.0, 4.0, 1.5, 1.5, 2.0, 2.0];
        let psu_as_stratum = [0, 0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5];
        let households =
            DesignSpec { weights: &weights, strata: Some(&psu_as_stratum), fpc: Fpc::Fraction(vec![0.5; 13]), ..DesignSpec::default() };
        let households = Design::new(households).unwrap();
        let (a, b) = (mean(&census), mean(&households));
        assert!(a.se > 0.0 && (a.se - b.se).abs() < 1e-15, "{a:?} {b:?}");
        assert_eq!(a.estimate, b.estimate);
    }

    #[test]
    fn designs_that_cannot_be_estimated_are_refused_in_words() {
        let weights = [1.0, 1.0, 1.0];
        let message = |spec: DesignSpec<'_>| Design::new(spec).unwrap_err().0;
        let m = message(DesignSpec { weights: &[1.0, 0.0], ..DesignSpec::default() });
        assert_eq!(m, "row 2: the weight is 0; every respondent needs a weight above 0");
        let m = message(DesignSpec { weights: &weights, strata: Some(&[0, 0, 1]), psu: Some(&[0, 1, 0]), ..DesignSpec::default() });
        assert!(m.starts_with("1 stratum (strata) with a single PSU") && m.contains("code 1"), "{m}");
        let m = message(DesignSpec { weights: &weights, fpc: Fpc::Population(vec![2.0; 3]), ..DesignSpec::default() });
        assert!(m.contains("population cannot be smaller than the sample"), "{m}");
        let m = message(DesignSpec {
            weights: &weights,
            strata: Some(&[0, 0, 0]),
            fpc: Fpc::Population(vec![9.0, 9.0, 8.0]),
            ..DesignSpec::default()
        });
        assert!(m.starts_with("row 3 gives the first-stage correction 8"), "{m}");
        // A single PSU taken with certainty adds nothing: here the stratum of two PSUs alone,
        // 2/1 × ((1 − 1.5)² + (2 − 1.5)²) = 1, on 3 PSUs − 2 strata = 1 degree of freedom.
        let certain = |strata: &'static [u32], psu: &'static [u32]| {
            Design::new(DesignSpec {
                weights: &[1.0, 1.0, 1.0],
                strata: Some(strata),
                psu: Some(psu),
                singleton: Singleton::Certainty,
                ..DesignSpec::default()
            })
            .unwrap()
        };
        let design = certain(&[0, 0, 1], &[0, 1, 0]);
        let e = &estimate(&design, &Domains::whole(&design), &request(Parameter::Total, &[1.0, 2.0, 4.0])).unwrap()[0];
        assert_eq!((e.estimate, e.se, e.df), (7.0, 1.0, 1.0));
        assert!((e.upper - (7.0 + 12.706_204_736)).abs() < 1e-8, "{e:?}");
        let design = certain(&[0, 1, 2], &[0, 0, 0]);
        let e = &estimate(&design, &Domains::whole(&design), &request(Parameter::Total, &[1.0, 2.0, 4.0])).unwrap()[0];
        assert_eq!((e.se, e.df), (0.0, 0.0));
        assert!(e.lower.is_nan(), "no degrees of freedom, no interval");
    }

    #[test]
    fn proportions_have_intervals_inside_zero_and_one_and_a_domain_without_answers_has_no_estimate() {
        let weights = vec![1.0; 20];
        let design = Design::new(DesignSpec { weights: &weights, ..DesignSpec::default() }).unwrap();
        let none = vec![0.0; 20];
        let kg = Request { interval: ProportionInterval::KornGraubard, ..request(Parameter::Proportion, &none) };
        let e = &estimate(&design, &Domains::whole(&design), &kg).unwrap()[0];
        // Everyone answers 0: Clopper-Pearson's lower bound for 20 of 20, 0.025^(1/20).
        assert_eq!((e.level, e.estimate, e.upper), (Some(0.0), 1.0, 1.0));
        assert!((e.lower - 0.025_f64.powf(1.0 / 20.0)).abs() < 1e-9, "{e:?}");
        let mut some = none.clone();
        some[..5].fill(1.0);
        some[19] = f64::NAN;
        let domains = Domains::new(&design, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3], 4).unwrap();
        let estimates = estimate(&design, &domains, &request(Parameter::Proportion, &some)).unwrap();
        // Domains 0 and 1, two levels each; domain 2 has no one and domain 3 no answer.
        assert_eq!(
            estimates.iter().map(|e| (e.domain, e.level)).collect::<Vec<_>>(),
            [(0, Some(0.0)), (0, Some(1.0)), (1, Some(0.0)), (1, Some(1.0))]
        );
        let yes = &estimates[1];
        assert_eq!((yes.estimate, yes.n), (0.5, 10));
        assert!(yes.lower > 0.0 && yes.upper < 1.0 && yes.lower < 0.5 && yes.upper > 0.5);
        // A simple random sample has a design effect of 1 for the whole; a domain's size is
        // random, which the design variance sees: here 18/19 of the fixed-size variance.
        assert!((yes.deff - 18.0 / 19.0).abs() < 1e-12, "{yes:?}");
        let mut whole = none.clone();
        whole[..5].fill(1.0);
        let e = &estimate(&design, &Domains::whole(&design), &request(Parameter::Proportion, &whole)).unwrap()[1];
        assert!((e.deff - 1.0).abs() < 1e-12, "{e:?}");
    }
}
