//! The analysis benchmark's Rust side (see bench/analysis/run): reads the generated tables,
//! then, timed, computes every series' CAGR score and progress status, every city and indicator's gap between women
//! and men, and a composite index (min-max, goals as the mean of their indicators, the index as
//! the mean of the goals), and writes the results for comparison.
//!
//! Usage: analysis_bench INPUT_DIR OUTPUT_DIR
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_analysis::composite::{self, IndicatorSpec, NodeSpec, Normalisation, Options, Structure, Table};
use rightsmon_analysis::gaps::equality_gaps;
use rightsmon_analysis::progress::{CagrOptions, Direction, Point, open_sdg_cagr_score, open_sdg_progress_status};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

struct Interner {
    ids: HashMap<Vec<u8>, u32>,
    names: Vec<String>,
}

impl Interner {
    fn new() -> Self {
        Self { ids: HashMap::new(), names: Vec::new() }
    }
    fn id(&mut self, name: &[u8]) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.to_vec(), id);
        self.names.push(String::from_utf8(name.to_vec()).unwrap());
        id
    }
}

fn number(bytes: &[u8]) -> f64 {
    std::str::from_utf8(bytes).unwrap().parse().unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = (Path::new(&args[1]), Path::new(&args[2]));
    let load = Instant::now();
    let mut indicators = Interner::new();
    let mut goal_of = Vec::new();
    let mut options = Vec::new();
    let mut reader = csv::Reader::from_path(input.join("indicators.csv")).unwrap();
    for record in reader.records() {
        let r = record.unwrap();
        indicators.id(r[0].as_bytes());
        goal_of.push(r[1].to_owned());
        let direction = if &r[2] == "positive" { Direction::Positive } else { Direction::Negative };
        let target = if r[3].is_empty() { None } else { Some(r[3].parse().unwrap()) };
        options.push(CagrOptions { direction, target, ..CagrOptions::default() });
    }
    let mut cities = Interner::new();
    let (mut city, mut indicator, mut year, mut value) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut reader = csv::Reader::from_path(input.join("values.csv")).unwrap();
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).unwrap() {
        city.push(cities.id(&record[0]));
        indicator.push(indicators.id(&record[1]));
        year.push(std::str::from_utf8(&record[2]).unwrap().parse::<i32>().unwrap());
        value.push(number(&record[3]));
    }
    let mut groups: Vec<(u32, u32, bool, f64)> = Vec::new();
    let mut reader = csv::Reader::from_path(input.join("groups.csv")).unwrap();
    while reader.read_byte_record(&mut record).unwrap() {
        groups.push((cities.id(&record[0]), indicators.id(&record[1]), &record[2] == b"women", number(&record[3])));
    }
    let load_seconds = load.elapsed().as_secs_f64();

    let compute = Instant::now();
    let (nc, ni) = (cities.names.len(), indicators.names.len());
    // Rows by series (city, indicator), in one counting sort.
    let key = |r: usize| city[r] as usize * ni + indicator[r] as usize;
    let mut offsets = vec![0usize; nc * ni + 1];
    for r in 0..city.len() {
        offsets[key(r) + 1] += 1;
    }
    for s in 0..nc * ni {
        offsets[s + 1] += offsets[s];
    }
    let mut next = offsets.clone();
    let mut order = vec![0usize; city.len()];
    for r in 0..city.len() {
        let k = key(r);
        order[next[k]] = r;
        next[k] += 1;
    }
    let mut scores = vec![f64::NAN; nc * ni];
    let mut statuses = vec![""; nc * ni];
    let mut latest = vec![f64::NAN; nc * ni];
    let mut points = Vec::new();
    for s in 0..nc * ni {
        points.clear();
        points.extend(order[offsets[s]..offsets[s + 1]].iter().map(|&r| Point { year: year[r], value: value[r] }));
        if let Some(last) = points.iter().max_by_key(|p| p.year) {
            latest[s] = last.value;
        }
        scores[s] = open_sdg_cagr_score(&points, &options[s % ni]).score().unwrap_or(f64::NAN);
        statuses[s] = open_sdg_progress_status(&points, &options[s % ni], None).category().map_or("", |c| c.0);
    }
    let mut women = vec![f64::NAN; nc * ni];
    let mut men = vec![f64::NAN; nc * ni];
    for &(c, i, is_women, v) in &groups {
        let s = c as usize * ni + i as usize;
        if is_women { women[s] = v } else { men[s] = v }
    }
    let gaps: Vec<(f64, f64)> = (0..nc * ni)
        .map(|s| {
            let values = [("women".to_owned(), women[s]), ("men".to_owned(), men[s])];
            match equality_gaps(&values, "men", options[s % ni].direction) {
                Some(g) if !g.groups.is_empty() => (g.groups[0].absolute, g.groups[0].ratio.unwrap_or(f64::NAN)),
                _ => (f64::NAN, f64::NAN),
            }
        })
        .collect();
    let mut nodes = vec![NodeSpec::aggregate("index", None, 1.0)];
    let mut goals: Vec<&String> = goal_of.iter().collect();
    goals.sort();
    goals.dedup();
    nodes.extend(goals.iter().map(|g| NodeSpec::aggregate(g, Some("index"), 1.0)));
    for (i, name) in indicators.names.iter().enumerate() {
        nodes.push(NodeSpec::indicator(name, &goal_of[i], 1.0, IndicatorSpec::new(options[i].direction)));
    }
    let structure = Structure::new(nodes).unwrap();
    let mut table = Table::new(cities.names.clone()).unwrap();
    for (i, name) in indicators.names.iter().enumerate() {
        table.insert(name, (0..nc).map(|c| latest[c * ni + i]).collect()).unwrap();
    }
    let index = composite::compute(&structure, &table, &Options { normalisation: Normalisation::MinMax, ..Options::default() }).unwrap();
    let compute_seconds = compute.elapsed().as_secs_f64();

    let file = |name: &str| std::io::BufWriter::new(std::fs::File::create(output.join(name)).unwrap());
    let mut f = file("progress.csv");
    writeln!(f, "city,indicator,score,status").unwrap();
    let mut g = file("gaps.csv");
    writeln!(g, "city,indicator,absolute,ratio").unwrap();
    for c in 0..nc {
        for i in 0..ni {
            let s = c * ni + i;
            writeln!(f, "{},{},{},{}", cities.names[c], indicators.names[i], scores[s], statuses[s]).unwrap();
            writeln!(g, "{},{},{},{}", cities.names[c], indicators.names[i], gaps[s].0, gaps[s].1).unwrap();
        }
    }
    let mut f = file("goals.csv");
    writeln!(f, "city,goal,score").unwrap();
    for (k, node) in index.nodes.iter().enumerate().filter(|(_, n)| *n != "index") {
        for (c, name) in index.units.iter().enumerate() {
            writeln!(f, "{name},{node},{}", index.scores[k][c]).unwrap();
        }
    }
    let mut f = file("index.csv");
    writeln!(f, "city,index").unwrap();
    for (c, name) in index.units.iter().enumerate() {
        writeln!(f, "{name},{}", index.index()[c]).unwrap();
    }
    println!("{{\"load_seconds\": {load_seconds}, \"compute_seconds\": {compute_seconds}}}");
}
