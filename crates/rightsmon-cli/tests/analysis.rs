//! The analysts' commands on files: `rightsmon composite` rebuilds the REDS-SDSN Spanish Cities
//! SDG Index 2018 from the published table, every stage written out, and refuses bad input
//! with the row and column at fault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

#[path = "../../rightsmon-analysis/tests/support/reds.rs"]
mod reds;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use support::{Scratch, binary};

/// What the command printed, on both outputs.
fn text(output: &Output) -> String {
    format!("{}{}", support::text(&output.stdout), support::text(&output.stderr))
}

/// A wide result file as (unit, column) -> cell.
fn wide(path: &Path) -> HashMap<(String, String), String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let mut cells = HashMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        for (name, cell) in header.iter().zip(record.iter()).skip(1) {
            cells.insert((record[0].to_owned(), name.clone()), cell.to_owned());
        }
    }
    cells
}

fn numbers(cells: HashMap<(String, String), String>) -> HashMap<(String, String), f64> {
    cells.into_iter().map(|(k, v)| (k, if v.is_empty() { f64::NAN } else { v.parse().unwrap() })).collect()
}

#[test]
fn composite_rebuilds_the_reds_index_from_the_published_table() {
    let scratch = Scratch::new("reds");
    let structure = scratch.0.join("structure.csv");
    std::fs::write(&structure, reds::structure_csv(&reds::indicators())).unwrap();
    let options = scratch.0.join("options.toml");
    std::fs::write(&options, "normalisation = \"goalposts\"\ndashboard = true\n").unwrap();
    let out = scratch.0.join("out");
    let output = binary()
        .args(["composite", "--unit", "id", "--out"])
        .arg(&out)
        .arg("--data")
        .arg(reds::oracle().join("cities_index_2018_full.csv"))
        .arg("--structure")
        .arg(&structure)
        .arg("--options")
        .arg(&options)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("100 units, 85 indicators, 18 aggregates; 57 value(s) imputed"), "{}", text(&output));

    let mut results = reds::Results { normalised: numbers(wide(&out.join("normalised.csv"))), ..reds::Results::default() };
    for ((unit, node), v) in numbers(wide(&out.join("aggregated.csv"))) {
        if node == "index" {
            results.index.insert(unit, v);
        } else {
            results.goals.insert((unit, node), v);
        }
    }
    results.dashboard = numbers(wide(&out.join("dashboard.csv")));
    results.colours = wide(&out.join("dashboard_colours.csv"));
    reds::verify(&results);

    // The manifest names the method, its version, the options and every input by its hash.
    let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["method"]["name"], "composite-index-jrc-oecd");
    assert_eq!(manifest["method"]["version"], 2);
    assert_eq!(manifest["options"]["normalisation"], "goalposts");
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 3);
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    let imputations = std::fs::read_to_string(out.join("imputations.csv")).unwrap();
    assert!(imputations.lines().any(|l| l.starts_with("Albacete,sdg14,mean,64.4434011153479")), "{imputations}");
}

#[test]
fn composite_reports_bad_files_with_their_rows_and_writes_nothing() {
    let scratch = Scratch::new("bad");
    let structure = scratch.0.join("structure.csv");
    let data = scratch.0.join("data.csv");
    let out = scratch.0.join("out");
    let run = |s: &str, d: &str| {
        std::fs::write(&structure, s).unwrap();
        std::fs::write(&data, d).unwrap();
        binary().arg("composite").arg("--data").arg(&data).arg("--structure").arg(&structure).arg("--out").arg(&out).output().unwrap()
    };
    let good = "id,parent,direction\nindex,,\nx,index,positive\ny,index,negative\n";
    let output = run("id,parent,direction\nindex,,\nx,index,sideways\ny,missing,positive\n", "unit,x,y\na,1,2\n");
    assert!(!output.status.success());
    assert!(text(&output).contains("row 3, column direction"), "{}", text(&output));
    let output = run(good, "unit,x,y\na,1,2\nb,three,4\n");
    assert!(text(&output).contains("row 3, column x: \"three\" is not a number"), "{}", text(&output));
    let output = run(good, "unit,x\na,1\n");
    assert!(text(&output).contains("no column y"), "{}", text(&output));
    let output = run(good, "unit,x,y\na,1,2\nb,1,4\n");
    assert!(text(&output).contains("same value for every unit"), "{}", text(&output));
    assert!(!text(&output).contains("panicked"));
    assert!(!out.exists(), "nothing is written when the input is refused");

    let output = run(good, "unit,x,y\n=cmd(),1,2\nb,3,4\n");
    assert!(output.status.success(), "{}", text(&output));
    let scores = std::fs::read_to_string(out.join("aggregated.csv")).unwrap();
    assert!(scores.contains("'=cmd(),"), "{scores}");
}

fn canada() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/canada-progress");
    assert!(dir.is_dir(), "the Canada oracle is missing: {}", dir.display());
    dir
}

#[test]
fn progress_scores_a_folder_of_open_sdg_files_as_statistics_canada_published() {
    let scratch = Scratch::new("progress");
    let out = scratch.0.join("progress.csv");
    let output = binary()
        .arg("progress")
        .arg("--data")
        .arg(canada().join("data"))
        .arg("--config")
        .arg(canada().join("indicator-config"))
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let mut ours: HashMap<(String, String), HashMap<String, String>> = HashMap::new();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    for record in reader.records() {
        let row: HashMap<String, String> = header.iter().cloned().zip(record.unwrap().iter().map(str::to_owned)).collect();
        ours.insert((row["indicator"].clone(), row["method"].clone()), row);
    }
    let published = std::fs::read_to_string(canada().join("indicator_scores.yml")).unwrap();
    let mut compared = 0;
    for (id, score) in published.lines().filter_map(|l| l.split_once(':')).map(|(a, b)| (a.trim(), b.trim())) {
        let Ok(score) = score.parse::<f64>() else { continue };
        let row = &ours[&(id.to_owned(), "open-sdg-cagr-score".to_owned())];
        if id == "8-5-1" {
            assert_eq!(row["outcome"], "not_assessable", "8-5-1 has no data");
            assert!(!row["reason"].is_empty());
            continue;
        }
        let ours: f64 = row["score"].parse().unwrap_or_else(|_| panic!("{id}: {row:?}"));
        assert!((ours - score).abs() <= 1e-6, "{id}: {ours} vs {score}");
        assert_eq!(row["version"], "1");
        compared += 1;
    }
    assert_eq!(compared, 55);
    let status = &ours[&("1-2-1".to_owned(), "open-sdg-progress-status".to_owned())];
    assert_eq!((status["outcome"].as_str(), status["words"].as_str()), ("substantial_progress", "Substantial progress"));
    assert_eq!((status["base_year"].as_str(), status["current_year"].as_str(), status["target"].as_str()), ("2015", "2022", "7.25"));
}

#[test]
fn progress_refuses_a_bad_file_naming_it_and_its_row() {
    let scratch = Scratch::new("progress-bad");
    let data = scratch.0.join("indicator_1-1-1.csv");
    std::fs::write(&data, "Year,Value\n2015,10\n2016,ten\n").unwrap();
    let output = binary().arg("progress").arg("--data").arg(&data).output().unwrap();
    assert!(!output.status.success());
    assert!(text(&output).contains("row 3, column Value"), "{}", text(&output));
    let config = scratch.0.join("1-1-1.yml");
    std::fs::write(&data, "Year,Value\n2015,10\n2016,11\n").unwrap();
    std::fs::write(&config, "progress_calculation_options:\n- direction: sideways\n").unwrap();
    let output = binary().arg("progress").arg("--data").arg(&data).arg("--config").arg(&config).output().unwrap();
    assert!(text(&output).contains("direction \"sideways\""), "{}", text(&output));
    let output = binary().arg("progress").arg("--data").arg(&data).args(["--method", "astrology"]).output().unwrap();
    assert!(text(&output).contains("unknown method"), "{}", text(&output));
    let output = binary().arg("progress").arg("--data").arg(&data).output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1-1-1,open-sdg-cagr-score,1,score,,"), "{}", text(&output));
}

#[test]
fn composite_takes_its_options_from_a_file_with_outliers_sensitivity_and_ranks() {
    let scratch = Scratch::new("options");
    let structure = scratch.0.join("structure.csv");
    let data = scratch.0.join("data.csv");
    let options = scratch.0.join("options.toml");
    let out = scratch.0.join("out");
    std::fs::write(&structure, "id,parent,weight,direction,label\nindex,,,,Index\nhealth,index,2,,Health\nx,health,1,positive,Doctors\ny,health,1,negative,Waiting\nz,index,1,positive,Parks\n").unwrap();
    let mut rows = String::from("unit,region,x,y,z\n");
    for u in 0..30 {
        let x = if u == 29 { 1000.0 } else { f64::from(u % 7) };
        rows.push_str(&format!("u{u},r{},{x},{},{}\n", u % 3, 30 - u, if u == 4 { "NA".to_owned() } else { (u * 2).to_string() }));
    }
    std::fs::write(&data, rows).unwrap();
    std::fs::write(
        &options,
        "normalisation = \"min-max\"\nmissing = \"group-mean\"\nranks = true\n[outliers]\nmethod = \"winsorise\"\n[sensitivity]\nruns = 50\nseed = 7\nnormalisations = [\"min-max\", \"rank\"]\naggregations = [\"arithmetic\", \"geometric\"]\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        binary()
            .arg("composite")
            .args(extra)
            .arg("--data")
            .arg(&data)
            .arg("--structure")
            .arg(&structure)
            .arg("--options")
            .arg(&options)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    let output = run(&["--group", "region"]);
    assert!(output.status.success(), "{}", text(&output));
    let treatment = std::fs::read_to_string(out.join("treatment.csv")).unwrap();
    // One step, one value, within a limit of 3 (10% of 30 units).
    assert!(treatment.starts_with("indicator,skewness,kurtosis,action,limit,steps,winsorised,skewness_after,kurtosis_after,passes\n"));
    assert!(treatment.lines().any(|l| l.starts_with("x,") && l.contains(",winsorised,3,1,1,") && l.ends_with(",yes")), "{treatment}");
    let flags = std::fs::read_to_string(out.join("treatment_flags.csv")).unwrap();
    assert!(flags.starts_with("unit,x,y,z\n") && flags.contains("\nu29,winsorised-high,,\n"), "{flags}");
    let imputations = std::fs::read_to_string(out.join("imputations.csv")).unwrap();
    assert!(imputations.contains("u4,z,group-mean,"), "{imputations}");
    // Every stage, whole.
    let imputed = std::fs::read_to_string(out.join("imputed.csv")).unwrap();
    assert!(imputed.lines().nth(5).is_some_and(|l| l.starts_with("u4,4,26,") && !l.ends_with(',')), "{imputed}");
    for stage in ["raw.csv", "denominated.csv", "treated.csv", "normalised.csv", "aggregated.csv"] {
        assert_eq!(std::fs::read_to_string(out.join(stage)).unwrap().lines().count(), 31, "{stage}");
    }
    // Ranks at every level, ties sharing the best rank of their group (COINr's rule).
    let ranks = std::fs::read_to_string(out.join("ranks.csv")).unwrap();
    assert!(ranks.starts_with("unit,x,y,z,health,index\n"), "{ranks}");
    let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["options"]["rank_ties"], "min");
    assert_eq!(manifest["options"]["outliers"]["transform"]["name"], "CTlog");
    let sensitivity = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    assert_eq!(sensitivity.lines().count(), 31, "{sensitivity}");
    // Options with a typo are refused, naming it.
    std::fs::write(&options, "normalisaton = \"rank\"\n").unwrap();
    let output = run(&[]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("line 1, normalisaton: normalisaton is not one of the options keys (did you mean normalisation?)"),
        "{}",
        text(&output)
    );
    // A count written as a fraction, at its key and line, in words.
    std::fs::write(&options, "[outliers]\nmethod = \"winsorise\"\nmax_values = 2.5\n").unwrap();
    let output = run(&[]);
    assert!(
        text(&output).contains("line 3, outliers.max_values: give a whole number of at least 0, such as 5, not the number 2.5"),
        "{}",
        text(&output)
    );
    // group-mean without --group names the flag to give.
    std::fs::write(&options, "missing = \"group-mean\"\n").unwrap();
    let output = run(&[]);
    assert!(!output.status.success());
    assert!(text(&output).contains("give --group COLUMN"), "{}", text(&output));
    // The help of an analyst's command does not offer database flags that do not apply.
    let help = binary().args(["composite", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    assert!(
        help.contains("--structure") && !help.contains("--database-url") && !help.contains("--data-dir") && !help.contains("--config"),
        "{help}"
    );
}
