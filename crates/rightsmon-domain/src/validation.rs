//! Rules between values, and outlier flags against a series' history.
//!
//! - **Additivity**: for an additive indicator, the groups of one dimension add up to the value
//!   they break down (when every code of the dimension is reported) and never exceed it.
//! - **Subgroup at most total**: for a count, a group's value is at most the value of the group it
//!   lies in (the key with one dimension fewer).
//! - Shares, rates and levels get neither rule: the share of women and the share of young people
//!   overlap and do not add up.
//! - **Outliers** ([`OUTLIER_METHOD`]): the modified z-score of Iglewicz and Hoaglin (1993),
//!   `M = 0.6745 (x - median) / MAD`, over the values of one series; `|M| > 3.5` is flagged. A flag
//!   warns and never blocks.

use crate::catalogue::{Additivity, IndicatorDefinition, ValueType};
use crate::codelist::DisaggregationKey;
use crate::id::DimensionId;
use std::collections::BTreeMap;

/// The outlier method, with its version, as recorded with every flag.
pub const OUTLIER_METHOD: &str = "modified-z-score/1 (Iglewicz-Hoaglin, |M| > 3.5, at least 5 values)";
const OUTLIER_THRESHOLD: f64 = 3.5;
const OUTLIER_MIN_VALUES: usize = 5;

/// A broken rule between the values of one area and period.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleViolation {
    /// `additivity` or `subgroup_above_total`.
    pub rule: &'static str,
    /// The group whose value the rule compares with its parts.
    pub total: DisaggregationKey,
    /// The groups involved, the total first.
    pub keys: Vec<DisaggregationKey>,
    pub message: String,
}

/// Whether an indicator's values are checked by rules between values at all.
pub fn has_rules(definition: &IndicatorDefinition) -> bool {
    definition.additivity == Additivity::Additive || definition.value_type == ValueType::Count
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Checks the values of one indicator version in one area and one period, by group.
/// `codes_of` gives the number of codes (the total left out) a dimension has, to tell whether
/// every group of it is reported.
pub fn check_cross_section(
    definition: &IndicatorDefinition,
    values: &BTreeMap<DisaggregationKey, f64>,
    codes_of: &dyn Fn(&DimensionId) -> Option<usize>,
) -> Vec<RuleViolation> {
    let mut violations = Vec::new();
    let additive = definition.additivity == Additivity::Additive;
    if !additive && definition.value_type != ValueType::Count {
        return violations;
    }
    // Each key with one dimension more than `total`, grouped by that dimension.
    for (total, &total_value) in values {
        let mut parts: BTreeMap<&DimensionId, Vec<(&DisaggregationKey, f64)>> = BTreeMap::new();
        for (key, &value) in values {
            if key.len() != total.len() + 1 || !total.iter().all(|(d, c)| key.get(d.as_str()) == Some(c)) {
                continue;
            }
            if let Some(extra) = key.dimensions().find(|d| total.get(d.as_str()).is_none()) {
                parts.entry(extra).or_default().push((key, value));
            }
        }
        for (dimension, parts) in parts {
            let keys = || std::iter::once(total.clone()).chain(parts.iter().map(|(k, _)| (*k).clone())).collect();
            if additive {
                let sum: f64 = parts.iter().map(|(_, v)| v).sum();
                let complete = codes_of(dimension).is_some_and(|n| n > 0 && parts.len() >= n);
                let label = if total.is_total() { "the total".to_owned() } else { total.to_string() };
                if complete && !close(sum, total_value) {
                    violations.push(RuleViolation {
                        rule: "additivity",
                        total: total.clone(),
                        keys: keys(),
                        message: format!("the groups of {dimension} add up to {sum}, not to {label} {total_value}"),
                    });
                } else if !complete && sum > total_value && !close(sum, total_value) {
                    violations.push(RuleViolation {
                        rule: "additivity",
                        total: total.clone(),
                        keys: keys(),
                        message: format!("the groups of {dimension} add up to {sum}, more than {label} {total_value}"),
                    });
                }
            } else {
                for (key, value) in parts {
                    if value > total_value && !close(value, total_value) {
                        violations.push(RuleViolation {
                            rule: "subgroup_above_total",
                            total: total.clone(),
                            keys: vec![total.clone(), key.clone()],
                            message: format!("the group {key} counts {value}, more than the {total_value} of the group it lies in"),
                        });
                    }
                }
            }
        }
    }
    violations
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 }
}

/// The modified z-score of each value of a series, or `None` for every value when the series is
/// too short or its median absolute deviation is zero.
pub fn modified_z_scores(series: &[f64]) -> Option<Vec<f64>> {
    if series.len() < OUTLIER_MIN_VALUES {
        return None;
    }
    let mut sorted: Vec<f64> = series.to_vec();
    sorted.sort_by(f64::total_cmp);
    let center = median(&sorted);
    let mut deviations: Vec<f64> = series.iter().map(|x| (x - center).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    let mad = median(&deviations);
    if mad == 0.0 {
        return None;
    }
    Some(series.iter().map(|x| 0.6745 * (x - center) / mad).collect())
}

/// The positions of the values of a series that are outliers, with their scores.
pub fn outliers(series: &[f64]) -> Vec<(usize, f64)> {
    modified_z_scores(series)
        .map(|scores| scores.into_iter().enumerate().filter(|(_, m)| m.abs() > OUTLIER_THRESHOLD).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{IndicatorDraft, RightLinkDraft};

    fn definition(value_type: &str, additivity: &str) -> IndicatorDefinition {
        IndicatorDefinition::parse(&IndicatorDraft {
            code: "X-1".into(),
            version: 1,
            name: [("en".to_owned(), "X".to_owned())].into(),
            definition: [("en".to_owned(), "X".to_owned())].into(),
            unit: "crimes".into(),
            direction: "lower_is_better".into(),
            value_type: value_type.into(),
            additivity: Some(additivity.into()),
            disaggregations: vec![vec!["CRIME".into()]],
            rights: vec![RightLinkDraft { right: "SDG-16.1".into(), link_type: "outcome".into(), attribute: None }],
            ..IndicatorDraft::default()
        })
        .unwrap()
    }

    fn values(pairs: &[(&str, f64)]) -> BTreeMap<DisaggregationKey, f64> {
        pairs.iter().map(|(k, v)| (DisaggregationKey::parse(k).unwrap(), *v)).collect()
    }

    #[test]
    fn additive_groups_add_up_to_their_total() {
        let d = definition("count", "additive");
        let three = |_: &DimensionId| Some(3);
        let ok = values(&[("", 16858.0), ("CRIME=A", 7.0), ("CRIME=B", 1438.0), ("CRIME=C", 15413.0)]);
        assert!(check_cross_section(&d, &ok, &three).is_empty());
        let bad = values(&[("", 16858.0), ("CRIME=A", 7.0), ("CRIME=B", 1438.0), ("CRIME=C", 15414.0)]);
        let violations = check_cross_section(&d, &bad, &three);
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].rule, "additivity");
        // With a group missing, the parts only need to stay below the total.
        let partial = values(&[("", 100.0), ("CRIME=A", 7.0), ("CRIME=B", 90.0)]);
        assert!(check_cross_section(&d, &partial, &three).is_empty());
        let over = values(&[("", 100.0), ("CRIME=A", 17.0), ("CRIME=B", 90.0)]);
        assert_eq!(check_cross_section(&d, &over, &three).len(), 1);
    }

    #[test]
    fn a_subgroup_of_a_count_is_at_most_its_total_and_rates_get_no_rule() {
        let count = definition("count", "non_additive");
        let none = |_: &DimensionId| None;
        let v = values(&[("", 10.0), ("CRIME=A", 8.0), ("CRIME=B", 9.0)]);
        assert!(check_cross_section(&count, &v, &none).is_empty());
        let v = values(&[("", 10.0), ("CRIME=A", 11.0)]);
        assert_eq!(check_cross_section(&count, &v, &none)[0].rule, "subgroup_above_total");
        let rate = definition("percentage", "non_additive");
        let v = values(&[("", 7.7), ("CRIME=A", 20.0), ("CRIME=B", 30.0)]);
        assert!(check_cross_section(&rate, &v, &none).is_empty());
        assert!(!has_rules(&rate));
    }

    #[test]
    fn rates_cannot_be_declared_additive() {
        let draft = IndicatorDraft { additivity: Some("additive".into()), ..definition("percentage", "non_additive").to_draft() };
        assert_eq!(IndicatorDefinition::parse(&draft).unwrap_err().0[0].code, "not_additive");
    }

    #[test]
    fn the_modified_z_score_flags_a_jump_and_nothing_in_a_steady_series() {
        let series = [10.0, 10.5, 9.8, 10.2, 10.1, 30.0];
        let flagged = outliers(&series);
        assert_eq!(flagged.len(), 1);
        assert_eq!(flagged[0].0, 5);
        assert!(outliers(&[10.0, 10.5, 9.8, 10.2, 10.1, 10.4]).is_empty());
        assert!(outliers(&[1.0, 100.0, 1.0]).is_empty(), "too short to judge");
        assert!(outliers(&[5.0; 8]).is_empty(), "no spread");
    }
}
