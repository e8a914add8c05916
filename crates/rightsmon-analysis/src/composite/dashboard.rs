//! The dashboard beside the index (each indicator against its thresholds) and the
//! sensitivity analysis of the ranks.

use super::*;

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

pub(super) fn dashboard(structure: &Structure, raw: &[Vec<f64>], n: usize, coverage: f64) -> Dashboard {
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

pub(super) fn sensitivity(
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
