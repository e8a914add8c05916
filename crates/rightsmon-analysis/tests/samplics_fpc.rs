//! samplics' published expectations for a one-stage stratified sample with finite population
//! corrections (`tests/data/samplics-onestage-fpc`): totals, means, ratios and proportions,
//! with and without strata, PSUs and domains, every one of the 240 reproduced to numpy's
//! `isclose` tolerance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::PathBuf;

use rightsmon_analysis::survey::{Design, DesignSpec, Domains, Estimate, Fpc, Parameter, ProportionInterval, Request, encode, estimate};

fn oracle() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/samplics-onestage-fpc")
}

struct Sample {
    columns: HashMap<String, Vec<String>>,
}

impl Sample {
    fn read() -> Self {
        let mut reader = csv::Reader::from_path(oracle().join("one_stage_fpc.csv")).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let mut columns: HashMap<String, Vec<String>> = header.iter().map(|h| (h.clone(), Vec::new())).collect();
        for record in reader.records() {
            for (h, v) in header.iter().zip(record.unwrap().iter()) {
                columns.get_mut(h).unwrap().push(v.to_owned());
            }
        }
        Self { columns }
    }

    fn numbers(&self, name: &str) -> Vec<f64> {
        self.columns[name].iter().map(|v| v.parse().unwrap()).collect()
    }

    fn codes(&self, name: &str) -> (Vec<u32>, Vec<String>) {
        encode(&self.columns[name])
    }
}

/// numpy.isclose: |a − b| <= atol + rtol |b|.
fn isclose(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-8 + 1e-5 * b.abs()
}

#[test]
fn every_samplics_expectation_is_reproduced() {
    let sample = Sample::read();
    let weights = sample.numbers("weight");
    let (strata, _) = sample.codes("stratid");
    let (psu, _) = sample.codes("psuid");
    let (domain, domain_labels) = sample.codes("domain");
    let population = sample.numbers("Nh");
    let rows = weights.len();

    let mut reader = csv::Reader::from_path(oracle().join("expected_taylor_fpc.csv")).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        let (test, param, design_name, fpc_name, stat, index, expected) =
            (&record[0], &record[1], &record[3], &record[4], &record[5], &record[6], record[7].parse::<f64>().unwrap());
        let parts: Vec<&str> = design_name.split('+').collect();
        let fpc = match fpc_name {
            "fpc_psu" | "fpc_no_psu" => Fpc::Population(vec![44.0; rows]),
            "fpc_dict_psu" | "fpc_dict_no_psu" => Fpc::Population(population.clone()),
            other => panic!("unknown correction {other}"),
        };
        let design = Design::new(DesignSpec {
            weights: &weights,
            strata: parts.contains(&"strata").then_some(strata.as_slice()),
            psu: parts.contains(&"psu").then_some(psu.as_slice()),
            fpc,
            ..DesignSpec::default()
        })
        .unwrap();
        let domains =
            if parts.contains(&"domain") { Domains::new(&design, &domain, domain_labels.len()).unwrap() } else { Domains::whole(&design) };
        let (parameter, y, x) = match param {
            "total" => (Parameter::Total, sample.numbers("y"), None),
            "mean" => (Parameter::Mean, sample.numbers("y"), None),
            "ratio" => (Parameter::Ratio, sample.numbers("y"), Some(sample.numbers("x"))),
            "prop" => (Parameter::Proportion, sample.numbers("z"), None),
            other => panic!("unknown parameter {other}"),
        };
        let request = Request { parameter, y: &y, x: x.as_deref(), confidence: 0.95, interval: ProportionInterval::Logit };
        let estimates = estimate(&design, &domains, &request).unwrap();
        // The index: [domain], [level] or [domain][level].
        let keys: Vec<&str> = index.trim_start_matches('[').trim_end_matches(']').split("][").filter(|k| !k.is_empty()).collect();
        let (want_domain, want_level) = match (parts.contains(&"domain"), param == "prop") {
            (true, true) => (Some(keys[0]), Some(keys[1])),
            (true, false) => (Some(keys[0]), None),
            (false, true) => (None, Some(keys[0])),
            (false, false) => (None, None),
        };
        let found: Vec<&Estimate> = estimates
            .iter()
            .filter(|e| want_domain.is_none_or(|d| domain_labels[e.domain as usize] == d))
            .filter(|e| want_level.is_none_or(|l| e.level == Some(l.parse().unwrap())))
            .collect();
        assert_eq!(found.len(), 1, "{test} {index}: {estimates:?}");
        let e = found[0];
        let got = match stat {
            "point_est" => e.estimate,
            "stderror" => e.se,
            "lower_ci" => e.lower,
            "upper_ci" => e.upper,
            other => panic!("unknown statistic {other}"),
        };
        if !isclose(got, expected) {
            failures.push(format!("{test} {stat} {index}: {got} instead of {expected}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 240);
    assert!(failures.is_empty(), "{} of 240 differ:\n{}", failures.len(), failures.join("\n"));
}
