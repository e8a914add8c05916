//! The stages between the raw table and the index: imputation, outlier treatment,
//! normalisation, ranks and aggregation.

use super::*;

pub(super) fn impute(
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

/// COINr's `check_SkewKurt` turned round: an indicator fails when its absolute skewness is
/// above the limit and its kurtosis is above the limit, both.
pub(super) fn exceeds(skew: f64, kurt: f64, skew_limit: f64, kurt_limit: f64) -> bool {
    skew.abs() > skew_limit && kurt > kurt_limit
}

/// How many values the outlier treatment may winsorise when the options do not say: COINr's
/// default, 10% of the units rounded up.
pub fn default_winsorise_limit(units: usize) -> usize {
    units.div_ceil(10)
}

/// The treatment of one indicator, as COINr's `treat()` does it: while the indicator fails
/// the skewness and kurtosis check and fewer than `limit` steps were taken, one step sets the
/// values at the extreme on the side of the current skew (positive or zero skew: the highest)
/// to the next value in; values tied at the extreme move together in one step. If the
/// indicator still fails after `limit` steps, the winsorising is undone and the transformation
/// applied to the values as they were.
pub(super) fn treat_outliers(id: &str, column: Vec<f64>, outliers: Outliers) -> (Vec<f64>, Treatment, Vec<CellTreatment>) {
    let (skew, kurt) = skewness_kurtosis(&column);
    let untouched = vec![CellTreatment::None; column.len()];
    let mut treatment = Treatment {
        indicator: id.to_owned(),
        skewness: skew,
        kurtosis: kurt,
        action: "none",
        limit: 0,
        steps: 0,
        winsorised: 0,
        skewness_after: skew,
        kurtosis_after: kurt,
        passes: true,
    };
    let Outliers::Winsorise { skewness: skew_limit, kurtosis: kurt_limit, max_values, transform } = outliers else {
        return (column, treatment, untouched);
    };
    treatment.limit = max_values.unwrap_or_else(|| default_winsorise_limit(column.len()));
    if !exceeds(skew, kurt, skew_limit, kurt_limit) {
        return (column, treatment, untouched);
    }
    let mut values = column.clone();
    let (mut s, mut k) = (skew, kurt);
    let mut steps = 0;
    while exceeds(s, k, skew_limit, kurt_limit) && steps < treatment.limit {
        let high = s >= 0.0;
        let present = || values.iter().copied().filter(|v| !v.is_nan());
        let extreme = if high { present().fold(f64::MIN, f64::max) } else { present().fold(f64::MAX, f64::min) };
        let next =
            present().filter(|v| *v != extreme).fold(if high { f64::MIN } else { f64::MAX }, |a, b| if high { a.max(b) } else { a.min(b) });
        if next == f64::MIN || next == f64::MAX {
            // Every value is at the extreme: nothing is left to winsorise towards.
            break;
        }
        for v in values.iter_mut().filter(|v| **v == extreme) {
            *v = next;
        }
        steps += 1;
        (s, k) = skewness_kurtosis(&values);
    }
    if !exceeds(s, k, skew_limit, kurt_limit) {
        let flags: Vec<CellTreatment> = column
            .iter()
            .zip(&values)
            .map(|(before, after)| match before.total_cmp(after) {
                std::cmp::Ordering::Greater => CellTreatment::WinsorisedHigh,
                std::cmp::Ordering::Less => CellTreatment::WinsorisedLow,
                std::cmp::Ordering::Equal => CellTreatment::None,
            })
            .collect();
        treatment.action = "winsorised";
        treatment.steps = steps;
        treatment.winsorised = flags.iter().filter(|f| **f != CellTreatment::None).count();
        treatment.skewness_after = s;
        treatment.kurtosis_after = k;
        return (values, treatment, flags);
    }
    // Winsorising up to the limit is not enough: the distribution is skewed as a whole.
    let Some(transformed) = transform.apply(&column) else {
        // A plain log of values of 0 or below: COINr leaves the indicator as it was.
        treatment.action = "none";
        treatment.passes = false;
        return (column, treatment, untouched);
    };
    (treatment.skewness_after, treatment.kurtosis_after) = skewness_kurtosis(&transformed);
    treatment.action = transform.name();
    treatment.passes = !exceeds(treatment.skewness_after, treatment.kurtosis_after, skew_limit, kurt_limit);
    let flags = column.iter().map(|v| if v.is_nan() { CellTreatment::None } else { CellTreatment::Transformed }).collect();
    (transformed, treatment, flags)
}

/// Normalises one indicator's values.
pub(super) fn normalise(
    id: &str,
    values: &[f64],
    spec: &IndicatorSpec,
    method: Normalisation,
    scale: f64,
) -> Result<Vec<f64>, CompositeError> {
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
pub(super) fn rank_ascending(values: &[f64]) -> Vec<f64> {
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

/// Ranks with 1 for the highest value, ties shared by `ties`; missing values have no rank.
pub fn rank_highest_first(values: &[f64], ties: TieRule) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| !values[i].is_nan()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let mut ranks = vec![f64::NAN; values.len()];
    let (mut start, mut groups) = (0, 0);
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        groups += 1;
        let rank = match ties {
            TieRule::Min => (start + 1) as f64,
            TieRule::Max => end as f64,
            TieRule::Average => (start + 1 + end) as f64 / 2.0,
            TieRule::Dense => groups as f64,
        };
        for &i in &order[start..end] {
            ranks[i] = rank;
        }
        start = end;
    }
    ranks
}

type Stages = (Vec<Vec<f64>>, Vec<Vec<f64>>);

#[allow(clippy::too_many_arguments)]
pub(super) fn normalise_and_aggregate(
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
