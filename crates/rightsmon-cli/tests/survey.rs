//! `rightsmon survey estimate`: samplics' 240 published expectations reproduced through the
//! command (`tests/data/samplics-onestage-fpc`), from CSV and from XLSX, and bad designs and
//! data refused with the key, row and column at fault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use support::{Scratch, binary};

/// What the command printed, on both outputs.
fn text(output: &Output) -> String {
    format!("{}{}", support::text(&output.stdout), support::text(&output.stderr))
}

fn oracle() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/samplics-onestage-fpc")
}

fn estimate(data: &Path, design: &Path) -> Output {
    binary().args(["survey", "estimate", "--data"]).arg(data).arg("--design").arg(design).output().unwrap()
}

/// A design description with the eight estimates of samplics' tests: each parameter for the
/// whole sample and by domain.
fn design(strata: bool, psu: bool) -> String {
    // 21 respondents: disclosure control would withhold every estimate, so its threshold is
    // lowered for the comparison.
    let mut text = String::from("weight = \"weight\"\n[disclosure]\nmin_respondents = 1\n");
    let mut top = String::new();
    if strata {
        top.push_str("strata = \"stratid\"\npopulation = \"Nh\"\n");
    } else {
        top.push_str("population = 44\n");
    }
    if psu {
        top.push_str("psu = \"psuid\"\n");
    }
    text.insert_str(0, &top);
    for (param, variable, denominator) in [("total", "y", None), ("mean", "y", None), ("ratio", "y", Some("x")), ("proportion", "z", None)]
    {
        for by in [false, true] {
            text.push_str(&format!(
                "\n[[estimate]]\nname = \"{param}{}\"\nparameter = \"{param}\"\nvariable = \"{variable}\"\n",
                if by { "-by-domain" } else { "" }
            ));
            if let Some(d) = denominator {
                text.push_str(&format!("denominator = \"{d}\"\n"));
            }
            if by {
                text.push_str("by = [\"domain\"]\n");
            }
        }
    }
    text
}

/// The estimates file as (name, domain, level) -> column -> value.
fn read(output: &Output) -> HashMap<(String, String, String), HashMap<String, f64>> {
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let mut out = HashMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let numbers = header.iter().zip(record.iter()).filter_map(|(h, v)| v.parse::<f64>().ok().map(|v| (h.clone(), v))).collect();
        out.insert((record[0].to_owned(), record[3].to_owned(), record[4].to_owned()), numbers);
    }
    out
}

#[test]
fn every_samplics_expectation_is_reproduced_through_the_command() {
    let scratch = Scratch::new("samplics");
    let data = oracle().join("one_stage_fpc.csv");
    let mut results = HashMap::new();
    for (strata, psu) in [(false, true), (false, false), (true, true), (true, false)] {
        let path = scratch.0.join(format!("design-{strata}-{psu}.toml"));
        std::fs::write(&path, design(strata, psu)).unwrap();
        let output = estimate(&data, &path);
        assert!(output.status.success(), "{}", text(&output));
        results.insert((strata, psu), read(&output));
    }
    let mut reader = csv::Reader::from_path(oracle().join("expected_taylor_fpc.csv")).unwrap();
    let (mut checked, mut failures) = (0, Vec::new());
    for record in reader.records() {
        let record = record.unwrap();
        let (test, param, design_name, stat, index, expected) =
            (&record[0], &record[1], &record[3], &record[5], &record[6], record[7].parse::<f64>().unwrap());
        let parts: Vec<&str> = design_name.split('+').collect();
        let run = &results[&(parts.contains(&"strata"), parts.contains(&"psu"))];
        let by = parts.contains(&"domain");
        let keys: Vec<&str> = index.trim_start_matches('[').trim_end_matches(']').split("][").filter(|k| !k.is_empty()).collect();
        let param = if param == "prop" { "proportion" } else { param };
        let name = format!("{param}{}", if by { "-by-domain" } else { "" });
        let domain = if by { format!("domain={}", keys[0]) } else { String::new() };
        // Levels are written as numbers: 0.0 as 0.
        let level = if param == "proportion" { keys[usize::from(by)].parse::<f64>().unwrap().to_string() } else { String::new() };
        let row =
            run.get(&(name.clone(), domain.clone(), level.clone())).unwrap_or_else(|| panic!("{test}: no row {name} {domain} {level}"));
        let column = match stat {
            "point_est" => "estimate",
            "stderror" => "se",
            "lower_ci" => "lower",
            "upper_ci" => "upper",
            other => panic!("{other}"),
        };
        let got = row[column];
        if (got - expected).abs() > 1e-8 + 1e-5 * expected.abs() {
            failures.push(format!("{test} {stat} {index}: {got} instead of {expected}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 240);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_workbook_gives_the_same_estimates_as_its_csv() {
    let scratch = Scratch::new("xlsx");
    let csv_text = std::fs::read_to_string(oracle().join("one_stage_fpc.csv")).unwrap();
    let mut rows = csv_text.lines().map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>());
    let header = rows.next().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, row) in rows.enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_number(r as u32 + 1, c as u16, v.parse::<f64>().unwrap()).unwrap();
        }
    }
    let xlsx = scratch.0.join("respondents.xlsx");
    book.save(&xlsx).unwrap();
    let design_path = scratch.0.join("design.toml");
    std::fs::write(&design_path, design(true, true)).unwrap();
    let from_csv = estimate(&oracle().join("one_stage_fpc.csv"), &design_path);
    let from_xlsx = estimate(&xlsx, &design_path);
    assert!(from_xlsx.status.success(), "{}", text(&from_xlsx));
    assert_eq!(read(&from_csv), read(&from_xlsx));
}

#[test]
fn bad_designs_and_data_are_refused_at_their_key_row_and_column() {
    let scratch = Scratch::new("bad");
    let data = scratch.0.join("respondents.csv");
    let design_path = scratch.0.join("design.toml");
    let run = |design: &str, respondents: &str| {
        std::fs::write(&design_path, design).unwrap();
        std::fs::write(&data, respondents).unwrap();
        estimate(&data, &design_path)
    };
    let good = "id,w,district,sex,safe\n1,2,north,Vrouw,yes\n2,3,north,Man,no\n3,1.5,south,Vrouw,yes\n4,2,south,Man,\n";
    // Answers recoded to codes, and text levels; the empty answer is no answer.
    let design = "weight = \"w\"\n[recode.sex]\nVrouw = \"F\"\nMan = \"M\"\n[[estimate]]\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"sex\"]\n";
    // By default four respondents are far below the 30 an estimate needs: each is withheld,
    // with its reason and without a number.
    let output = run(design, good);
    assert!(output.status.success(), "{}", text(&output));
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        out.contains("proportion-safe,proportion,safe,sex=F,yes,,,,,0.95,logit,3,,,,,suppressed,\"fewer than 30 respondents,"),
        "{out}"
    );
    let output = run(&format!("{design}[disclosure]\nmin_respondents = 2\nmax_rse = 0.25\n"), good);
    assert!(output.status.success(), "{}", text(&output));
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(out.contains("proportion-safe,proportion,safe,sex=F,yes,1,0,1,1,0.95,logit,3,,0,2,3.5,published,,"), "{out}");
    // A share of 0 with no spread has no relative standard error: flagged, not hidden.
    assert!(out.contains("proportion-safe,proportion,safe,sex=F,no,0,0,0,0,0.95,logit,3,,,2,3.5,unreliable,"), "{out}");
    // One man answered: below the threshold of 2.
    assert!(out.contains("proportion-safe,proportion,safe,sex=M,no,,,,,0.95,logit,3,,,,,suppressed,\"fewer than 2 respondents"), "{out}");
    // No respondent's row or identifier is in the output.
    assert!(!out.contains("north") && !out.contains("Vrouw"), "{out}");

    let output = run("weight = \"w\"\nstrata = \"district\"\n[[estimate]]\nparameter = \"avg\"\nvariable = \"safe\"\nby = 3\n", good);
    assert!(!output.status.success());
    let t = text(&output);
    assert!(
        t.contains("line 4, estimate.parameter: the text \"avg\" is not one of the choices; give one of total, mean, ratio, proportion"),
        "{t}"
    );
    assert!(t.contains("line 6, estimate.by: give a list of names"), "{t}");
    let output = run("[[estimate]]\nparameter = \"mean\"\nvariable = \"safe\"\n", good);
    assert!(text(&output).contains("weight: the design needs weight = \"COLUMN\""), "{}", text(&output));
    let output = run("weight = \"w\"\n[[estimate]]\nparameter = \"mean\"\nvariable = \"age\"\n", good);
    assert!(
        text(&output).contains("row 1, column age: the design reads the column age, which the file does not have"),
        "{}",
        text(&output)
    );
    let output = run("weight = \"w\"\n[[estimate]]\nparameter = \"mean\"\nvariable = \"safe\"\n", good);
    assert!(text(&output).contains("row 2, column safe: \"yes\" is not a number"), "{}", text(&output));
    let output = run("weight = \"w\"\n[[estimate]]\nparameter = \"mean\"\nvariable = \"id\"\n", "id,w\n1,2\n2,0\n");
    assert!(text(&output).contains("row 3: the weight is 0; every respondent needs a weight above 0"), "{}", text(&output));
    let output = run(
        "weight = \"w\"\nstrata = \"s\"\npsu = \"p\"\n[[estimate]]\nparameter = \"mean\"\nvariable = \"id\"\n",
        "id,w,s,p\n1,2,a,1\n2,1,a,2\n3,1,b,1\n",
    );
    assert!(text(&output).contains("1 stratum (strata) with a single PSU, whose variance cannot be estimated: b;"), "{}", text(&output));
    assert!(!text(&output).contains("panicked"));
    // The help of a command on files does not offer database flags.
    let help = binary().args(["survey", "estimate", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    assert!(help.contains("--design") && !help.contains("--database-url") && !help.contains("--config"), "{help}");
}

#[test]
fn a_withheld_domain_cannot_be_worked_out_from_the_whole_and_the_other_domains() {
    let scratch = Scratch::new("secondary");
    let data = scratch.0.join("respondents.csv");
    let design_path = scratch.0.join("design.toml");
    // 35 women and 5 men: the men's estimate is withheld (fewer than 30), and with the whole
    // population's estimate published the women's would give the men's away.
    let mut rows = String::from("w,sex,safe\n");
    for i in 0..40 {
        rows.push_str(&format!("{},{},{}\n", 1 + i % 3, if i < 35 { "F" } else { "M" }, if i % 4 == 0 { "no" } else { "yes" }));
    }
    std::fs::write(&data, rows).unwrap();
    let design = "weight = \"w\"\n[[estimate]]\nname = \"all\"\nparameter = \"proportion\"\nvariable = \"safe\"\n[[estimate]]\nname = \"by-sex\"\nparameter = \"proportion\"\nvariable = \"safe\"\nby = [\"sex\"]\n";
    std::fs::write(&design_path, design).unwrap();
    let output = estimate(&data, &design_path);
    assert!(output.status.success(), "{}", text(&output));
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    let line = |start: &str| out.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("{start}: {out}")).to_owned();
    assert!(line("all,proportion,safe,,yes,").contains(",published,"), "{out}");
    assert!(line("by-sex,proportion,safe,sex=M,yes,,").contains(",suppressed,\"fewer than 30 respondents"), "{out}");
    let women = line("by-sex,proportion,safe,sex=F,yes,");
    assert!(
        women.contains(",suppressed,withheld so that sex=M cannot be worked out from the other estimates and their totals,"),
        "{women}"
    );
    assert!(women.starts_with("by-sex,proportion,safe,sex=F,yes,,,,,"), "no number is shown: {women}");
}
