//! The analysts' commands: the analysis engine on files, without a database.

use anyhow::{Context, bail};
use rightsmon_analysis::composite::{self, Colour, Composite, Missing, Options};
use rightsmon_analysis::progress::Method;
use rightsmon_formats::FormatError;
use rightsmon_formats::composite::{DataOptions, number, read_data, read_structure, write_rows, write_wide};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// What `rightsmon composite` reads.
#[derive(Debug)]
pub struct CompositeArgs {
    pub data: PathBuf,
    pub structure: PathBuf,
    pub options: Option<PathBuf>,
    pub unit: Option<String>,
    pub group: Option<String>,
    pub year: Option<i32>,
    pub out: PathBuf,
}

fn problems(file: &Path, errors: &[FormatError]) -> anyhow::Error {
    let mut text = format!("{} has {} problem(s):", file.display(), errors.len());
    for e in errors.iter().take(50) {
        text.push_str(&format!("\n  {e}"));
    }
    if errors.len() > 50 {
        text.push_str(&format!("\n  ... and {} more", errors.len() - 50));
    }
    anyhow::anyhow!(text)
}

/// An input as the manifest records it.
#[derive(Debug, Serialize)]
struct Input {
    role: &'static str,
    file: String,
    sha256: String,
}

fn input(role: &'static str, path: &Path, bytes: &[u8]) -> Input {
    Input { role, file: path.display().to_string(), sha256: hex::encode(Sha256::digest(bytes)) }
}

#[derive(Debug, Serialize)]
struct Manifest<'a> {
    method: Method,
    dashboard_method: Option<Method>,
    rightsmon: &'static str,
    inputs: Vec<Input>,
    unit_column: &'a str,
    group_column: Option<&'a str>,
    year: Option<i32>,
    options: &'a Options,
    files: Vec<&'static str>,
}

pub fn composite_command(args: CompositeArgs) -> anyhow::Result<()> {
    if args.out.is_file() {
        bail!("--out {} is a file; give a folder for the results", args.out.display());
    }
    let structure_bytes = std::fs::read(&args.structure).with_context(|| format!("cannot read {}", args.structure.display()))?;
    let structure = read_structure(structure_bytes.as_slice()).map_err(|e| problems(&args.structure, &e))?;
    let (options, options_bytes) = match &args.options {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let options: Options = toml::from_str(&text).with_context(|| format!("{} is not a valid options file", path.display()))?;
            (options, Some(text))
        }
        None => (Options::default(), None),
    };
    let data_bytes = std::fs::read(&args.data).with_context(|| format!("cannot read {}", args.data.display()))?;
    let carry_forward =
        options.missing == Missing::LastObservation || structure.nodes().iter().any(|n| n.missing == Some(Missing::LastObservation));
    let data_options = DataOptions { unit: args.unit.clone(), group: args.group.clone(), year: args.year, carry_forward };
    let table = read_data(data_bytes.as_slice(), &structure.columns(), &data_options).map_err(|e| problems(&args.data, &e))?;
    let result = composite::compute(&structure, &table, &options).map_err(|e| anyhow::anyhow!("{e}"))?;

    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let written = write_stages(&args.out, &result)?;
    let mut inputs = vec![input("data", &args.data, &data_bytes), input("structure", &args.structure, &structure_bytes)];
    if let (Some(path), Some(text)) = (&args.options, &options_bytes) {
        inputs.push(input("options", path, text.as_bytes()));
    }
    let manifest = Manifest {
        method: result.method,
        dashboard_method: result.dashboard.as_ref().map(|d| d.method),
        rightsmon: env!("CARGO_PKG_VERSION"),
        inputs,
        unit_column: args.unit.as_deref().unwrap_or("unit"),
        group_column: args.group.as_deref(),
        year: args.year,
        options: &options,
        files: written.clone(),
    };
    let json = serde_json::to_string_pretty(&manifest).context("cannot write the manifest")?;
    std::fs::write(args.out.join("manifest.json"), json + "\n").context("cannot write manifest.json")?;
    println!(
        "{} units, {} indicators, {} aggregates; {} value(s) imputed; wrote {} and manifest.json to {}",
        result.units.len(),
        result.indicators.len(),
        result.nodes.len(),
        result.imputations.len(),
        written.join(", "),
        args.out.display()
    );
    Ok(())
}

fn create(dir: &Path, name: &str) -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(std::io::BufWriter::new(file))
}

fn write_stages(dir: &Path, c: &Composite) -> anyhow::Result<Vec<&'static str>> {
    let mut written = Vec::new();
    let wide = |name: &'static str, names: &[String], columns: &[Vec<f64>], written: &mut Vec<&'static str>| -> anyhow::Result<()> {
        write_wide(create(dir, name)?, "unit", &c.units, names, columns).with_context(|| format!("cannot write {name}"))?;
        written.push(name);
        Ok(())
    };
    wide("raw.csv", &c.indicators, &c.raw, &mut written)?;
    wide("treated.csv", &c.indicators, &c.treated, &mut written)?;
    wide("normalised.csv", &c.indicators, &c.normalised, &mut written)?;
    let mut names = c.nodes.clone();
    let mut columns = c.scores.clone();
    if let Some(ranks) = &c.ranks {
        names.push("rank".into());
        columns.push(ranks.clone());
    }
    wide("scores.csv", &names, &columns, &mut written)?;
    let imputations = c.imputations.iter().map(|i| {
        vec![i.unit.clone(), i.node.clone(), i.method.name().to_owned(), number(i.value), i.year.map(|y| y.to_string()).unwrap_or_default()]
    });
    write_rows(create(dir, "imputations.csv")?, &["unit", "node", "method", "value", "year"], imputations)
        .context("cannot write imputations.csv")?;
    written.push("imputations.csv");
    let treatments = c.treatments.iter().map(|t| {
        vec![
            t.indicator.clone(),
            number(t.skewness),
            number(t.kurtosis),
            t.action.to_owned(),
            t.winsorised.to_string(),
            number(t.skewness_after),
            number(t.kurtosis_after),
        ]
    });
    write_rows(
        create(dir, "treatment.csv")?,
        &["indicator", "skewness", "kurtosis", "action", "winsorised", "skewness_after", "kurtosis_after"],
        treatments,
    )
    .context("cannot write treatment.csv")?;
    written.push("treatment.csv");
    if let Some(d) = &c.dashboard {
        let mut names = c.indicators.clone();
        let mut columns = d.indicators.clone();
        for (node, scores, _) in &d.nodes {
            names.push(node.clone());
            columns.push(scores.clone());
        }
        wide("dashboard.csv", &names, &columns, &mut written)?;
        let mut rows = Vec::with_capacity(c.units.len());
        for (u, unit) in c.units.iter().enumerate() {
            let mut row = vec![unit.clone()];
            row.extend(d.indicators.iter().map(|column| Colour::of(column[u]).name().to_owned()));
            row.extend((0..d.nodes.len()).map(|k| d.node_colour(k, u).name().to_owned()));
            rows.push(row);
        }
        let header: Vec<&str> = std::iter::once("unit").chain(names.iter().map(String::as_str)).collect();
        write_rows(create(dir, "dashboard_colours.csv")?, &header, rows).context("cannot write dashboard_colours.csv")?;
        written.push("dashboard_colours.csv");
    }
    if let Some(intervals) = &c.sensitivity {
        let rows = intervals.iter().map(|r| {
            vec![r.unit.clone(), number(r.nominal), number(r.median), number(r.p05), number(r.p95), number(r.best), number(r.worst)]
        });
        write_rows(
            create(dir, "sensitivity.csv")?,
            &["unit", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "best_rank", "worst_rank"],
            rows,
        )
        .context("cannot write sensitivity.csv")?;
        written.push("sensitivity.csv");
    }
    Ok(written)
}
