//! The survey benchmark's Rust side (see bench/survey/run): reads the generated respondents,
//! then, timed, estimates every item's proportions by sex x age group x district with
//! Taylor-linearised standard errors for the stratified, clustered design with its finite
//! population correction, and writes the estimates for comparison with samplics.
//!
//! With DOMAINS (a file of `sex_age_district` keys, one per line) and ITEMS, it does samplics'
//! share of the work instead: those domains, every other respondent in one further domain, and
//! the first ITEMS items.
//!
//! Usage: survey_bench RESPONDENTS.csv OUTPUT.csv [DOMAINS ITEMS]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_analysis::survey::{Design, DesignSpec, Domains, Fpc, Parameter, ProportionInterval, Request, estimate};
use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = (&args[1], &args[2]);
    let started = Instant::now();
    let mut reader = csv::ReaderBuilder::new().buffer_capacity(1 << 20).from_path(input).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (stratum_at, psu_at, population_at, weight_at, sex_at, age_at, district_at) =
        (at("stratum"), at("psu"), at("population"), at("weight"), at("sex"), at("age"), at("district"));
    let mut items: Vec<(String, usize)> =
        header.iter().enumerate().filter(|(_, h)| h.starts_with('q')).map(|(i, h)| (h.clone(), i)).collect();
    let chosen: Option<std::collections::HashSet<u64>> = args.get(3).map(|path| {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                let parts: Vec<u64> = l.split('_').map(|p| p.parse().unwrap()).collect();
                (parts[0] << 40) | (parts[1] << 20) | parts[2]
            })
            .collect()
    });
    if let Some(limit) = args.get(4) {
        items.truncate(limit.parse().unwrap());
    }
    let (mut strata, mut psu, mut population, mut weights) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut domain_keys: Vec<u64> = Vec::new();
    let mut answers: Vec<Vec<f64>> = vec![Vec::new(); items.len()];
    let mut record = csv::ByteRecord::new();
    let int = |b: &[u8]| -> u64 { b.iter().fold(0u64, |a, d| a * 10 + u64::from(d - b'0')) };
    while reader.read_byte_record(&mut record).unwrap() {
        strata.push(int(&record[stratum_at]) as u32);
        psu.push(int(&record[psu_at]) as u32);
        population.push(int(&record[population_at]) as f64);
        weights.push(std::str::from_utf8(&record[weight_at]).unwrap().parse::<f64>().unwrap());
        domain_keys.push((int(&record[sex_at]) << 40) | (int(&record[age_at]) << 20) | int(&record[district_at]));
        for (column, (_, i)) in answers.iter_mut().zip(&items) {
            column.push(match &record[*i] {
                b"" => f64::NAN,
                b"1" => 1.0,
                _ => 0.0,
            });
        }
    }
    let load = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let design = Design::new(DesignSpec {
        weights: &weights,
        strata: Some(&strata),
        psu: Some(&psu),
        fpc: Fpc::Population(population),
        ..DesignSpec::default()
    })
    .unwrap();
    let mut index: HashMap<u64, u32> = HashMap::new();
    let mut keys = Vec::new();
    // Every respondent outside the chosen domains in one further domain.
    const OTHER: u64 = u64::MAX;
    let row_domain: Vec<u32> = domain_keys
        .iter()
        .map(|k| if chosen.as_ref().is_some_and(|c| !c.contains(k)) { &OTHER } else { k })
        .map(|k| {
            let next = index.len() as u32;
            *index.entry(*k).or_insert_with(|| {
                keys.push(*k);
                next
            })
        })
        .collect();
    let domains = Domains::new(&design, &row_domain, keys.len()).unwrap();
    let mut results = Vec::with_capacity(items.len());
    for column in &answers {
        let request =
            Request { parameter: Parameter::Proportion, y: column, x: None, confidence: 0.95, interval: ProportionInterval::Logit };
        results.push(estimate(&design, &domains, &request).unwrap());
    }
    let compute = started.elapsed().as_secs_f64();

    let mut out = std::io::BufWriter::new(std::fs::File::create(output).unwrap());
    writeln!(out, "item,domain,level,estimate,se").unwrap();
    for ((name, _), estimates) in items.iter().zip(&results) {
        for e in estimates {
            let k = keys[e.domain as usize];
            if k == OTHER {
                continue;
            }
            let level = e.level.unwrap_or(f64::NAN);
            writeln!(out, "{name},{}_{}_{},{level},{:e},{:e}", k >> 40, (k >> 20) & 0xFFFFF, k & 0xFFFFF, e.estimate, e.se).unwrap();
        }
    }
    let domains_count = keys.len();
    println!(
        "{{\"load_seconds\": {load}, \"compute_seconds\": {compute}, \"domains\": {domains_count}, \"estimates\": {}}}",
        results.iter().map(Vec::len).sum::<usize>()
    );
}
