//! The analysts' commands: the analysis engine on files, without a database.

use anyhow::{Context, bail};
use rightsmon_analysis::composite::{self, Colour, Composite, Missing, Options};
use rightsmon_analysis::progress::{
    Assessment, EurostatOptions, Method, Outcome, Point, eurostat_sdg_assessment, open_sdg_cagr_score, open_sdg_progress_measure,
    open_sdg_progress_status, unsd_progress_chart,
};
use rightsmon_formats::FormatError;
use rightsmon_formats::composite::{DataOptions, number, read_data, read_structure, write_rows, write_wide};
use rightsmon_formats::open_sdg_progress::{ProgressConfig, headline, read_config};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const MIB: u64 = 1024 * 1024;

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
    warnings: &'a [String],
}

pub fn composite_command(args: CompositeArgs) -> anyhow::Result<()> {
    if args.out.is_file() {
        bail!("--out {} is a file; give a folder for the results", args.out.display());
    }
    let structure_bytes = crate::read_within(&args.structure, 16 * MIB, "a structure file")?;
    let structure = read_structure(structure_bytes.as_slice()).map_err(|e| problems(&args.structure, &e))?;
    let (options, options_bytes) = match &args.options {
        Some(path) => {
            let text = crate::read_text_within(path, MIB, "an options file")?;
            let options = rightsmon_formats::composite_options::read_options(&text)
                .map_err(|errors| anyhow::anyhow!("{} has {} problem(s):\n  {}", path.display(), errors.len(), errors.join("\n  ")))?;
            (options, Some(text))
        }
        None => (Options::default(), None),
    };
    let data_bytes = crate::read_within(&args.data, 256 * MIB, "a data table")?;
    let carry_forward =
        options.missing == Missing::LastObservation || structure.nodes().iter().any(|n| n.missing == Some(Missing::LastObservation));
    let data_options = DataOptions { unit: args.unit.clone(), group: args.group.clone(), year: args.year, carry_forward };
    let group_mean = options.missing == Missing::GroupMean || structure.nodes().iter().any(|n| n.missing == Some(Missing::GroupMean));
    if group_mean && args.group.is_none() {
        bail!(
            "group-mean imputation needs each unit's group: give --group COLUMN, the column of the data table that holds it (for example --group region)"
        );
    }
    let table = read_data(data_bytes.as_slice(), &structure.columns(), &data_options).map_err(|e| problems(&args.data, &e))?;
    let result = composite::compute(&structure, &table, &options).map_err(|e| anyhow::anyhow!("{e}"))?;
    for warning in &result.warnings {
        eprintln!("warning: {warning}");
    }

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
        warnings: &result.warnings,
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
    wide("denominated.csv", &c.indicators, &c.denominated, &mut written)?;
    wide("imputed.csv", &c.indicators, &c.imputed, &mut written)?;
    wide("treated.csv", &c.indicators, &c.treated, &mut written)?;
    wide("normalised.csv", &c.indicators, &c.normalised, &mut written)?;
    wide("aggregated.csv", &c.nodes, &c.scores, &mut written)?;
    let mut rows = Vec::with_capacity(c.units.len());
    for (u, unit) in c.units.iter().enumerate() {
        let mut row = vec![unit.clone()];
        row.extend(c.treatment_flags.iter().map(|column| column[u].name().to_owned()));
        rows.push(row);
    }
    let header: Vec<&str> = std::iter::once("unit").chain(c.indicators.iter().map(String::as_str)).collect();
    write_rows(create(dir, "treatment_flags.csv")?, &header, rows).context("cannot write treatment_flags.csv")?;
    written.push("treatment_flags.csv");
    if let Some(ranks) = &c.ranks {
        let names: Vec<String> = c.indicators.iter().chain(&c.nodes).cloned().collect();
        let columns: Vec<Vec<f64>> = ranks.indicators.iter().chain(&ranks.nodes).cloned().collect();
        wide("ranks.csv", &names, &columns, &mut written)?;
    }
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
            t.limit.to_string(),
            t.steps.to_string(),
            t.winsorised.to_string(),
            number(t.skewness_after),
            number(t.kurtosis_after),
            if t.passes { "yes" } else { "no" }.to_owned(),
        ]
    });
    write_rows(
        create(dir, "treatment.csv")?,
        &["indicator", "skewness", "kurtosis", "action", "limit", "steps", "winsorised", "skewness_after", "kurtosis_after", "passes"],
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

/// `rightsmon survey estimate`: the estimates a design description asks for, from a file of
/// respondents, written as CSV. Nothing of the respondents' rows is written.
pub fn survey_estimate_command(data: &Path, design: &Path, output: Option<&Path>) -> anyhow::Result<()> {
    use rightsmon_formats::survey::{read_design, read_microdata, run, write_estimates};
    use rightsmon_formats::table::Table;
    let text = crate::read_text_within(design, MIB, "a design description")?;
    let design_file = read_design(&text)
        .map_err(|errors| anyhow::anyhow!("{} has {} problem(s):\n  {}", design.display(), errors.len(), errors.join("\n  ")))?;
    let bytes = crate::read_within(data, 1024 * MIB, "a survey file")?;
    let xlsx = data.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let microdata = if xlsx {
        read_microdata(Table::xlsx(&bytes).map_err(|e| problems(data, &[e]))?, &design_file)
    } else {
        read_microdata(Table::csv(bytes.as_slice()).map_err(|e| problems(data, &[e]))?, &design_file)
    }
    .map_err(|e| problems(data, &e))?;
    drop(bytes);
    let rows = run(&design_file, &microdata).map_err(|e| problems(data, &e))?;
    drop(microdata);
    match output {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
            write_estimates(std::io::BufWriter::new(file), &design_file, &rows)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("{} estimate(s) written to {}", rows.len(), path.display());
        }
        None => write_estimates(std::io::stdout().lock(), &design_file, &rows).context("cannot write the estimates")?,
    }
    Ok(())
}

/// What `rightsmon progress` reads.
#[derive(Debug)]
pub struct ProgressArgs {
    pub data: PathBuf,
    pub config: Option<PathBuf>,
    pub methods: Vec<String>,
    pub output: Option<PathBuf>,
}

/// The progress methods the command line offers, by name.
pub const PROGRESS_METHODS: &[&str] =
    &["open-sdg-cagr-score", "open-sdg-progress-status", "unsd-progress-chart", "eurostat-sdg-assessment"];

fn assess(method: &str, series: &[Point], config: &ProgressConfig) -> Assessment {
    match method {
        "open-sdg-progress-status" => open_sdg_progress_status(series, &config.options, config.thresholds),
        "open-sdg-progress-measure" => open_sdg_progress_measure(series, &config.options, config.limit),
        "unsd-progress-chart" => unsd_progress_chart(series, &config.options),
        "eurostat-sdg-assessment" => {
            let o = &config.options;
            eurostat_sdg_assessment(
                series,
                &EurostatOptions { direction: o.direction, target: o.target, target_year: o.target_year, ..EurostatOptions::default() },
            )
        }
        _ => open_sdg_cagr_score(series, &config.options),
    }
}

/// The indicator id of an Open SDG data file name: `indicator_1-2-1.csv` is `1-2-1`.
fn indicator_id(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    match rightsmon_formats::open_sdg::indicator_id(name) {
        Some(id) => Some(id.to_owned()),
        None => Some(path.file_stem()?.to_str()?.to_owned()),
    }
}

pub fn progress_command(args: ProgressArgs) -> anyhow::Result<()> {
    let methods: Vec<&str> = if args.methods.is_empty() || args.methods.iter().any(|m| m == "all") {
        PROGRESS_METHODS.to_vec()
    } else {
        let mut chosen = Vec::new();
        for m in &args.methods {
            let Some(known) = PROGRESS_METHODS.iter().find(|k| **k == m.as_str()) else {
                bail!("unknown method {m:?}; the methods are {} (or all)", PROGRESS_METHODS.join(", "));
            };
            chosen.push(*known);
        }
        chosen
    };
    // (indicator, data file, configuration file)
    let mut jobs: Vec<(String, PathBuf, Option<PathBuf>)> = Vec::new();
    if args.data.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&args.data)
            .with_context(|| format!("cannot read {}", args.data.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        files.sort();
        if files.is_empty() {
            bail!("{} holds no .csv data files", args.data.display());
        }
        for file in files {
            let id = indicator_id(&file).unwrap_or_default();
            let config = match &args.config {
                Some(dir) if dir.is_dir() => Some(dir.join(format!("{id}.yml"))).filter(|p| p.is_file()),
                Some(file) => Some(file.clone()),
                None => None,
            };
            jobs.push((id, file, config));
        }
    } else {
        let id = indicator_id(&args.data).unwrap_or_default();
        let config = match &args.config {
            Some(dir) if dir.is_dir() => Some(dir.join(format!("{id}.yml"))).filter(|p| p.is_file()),
            other => other.clone(),
        };
        jobs.push((id, args.data.clone(), config));
    }
    let mut rows = Vec::new();
    let mut problems_found = Vec::new();
    for (id, data, config_path) in &jobs {
        let config = match config_path {
            Some(path) => {
                let text = crate::read_text_within(path, MIB, "a progress configuration")?;
                match read_config(&text) {
                    Ok(c) => c,
                    Err(e) => {
                        problems_found.push(format!("{}: {e}", path.display()));
                        continue;
                    }
                }
            }
            None => read_config("").map_err(|e| anyhow::anyhow!("{e}"))?,
        };
        let bytes = crate::read_within(data, 64 * MIB, "an Open SDG data file")?;
        let series = match headline(&bytes) {
            Ok(s) => s,
            Err(e) => {
                problems_found.push(format!("{}: {e}", data.display()));
                continue;
            }
        };
        for method in &methods {
            let a = assess(method, &series, &config);
            let (outcome, words, score, level, reason) = match &a.outcome {
                Outcome::Score { score } => ("score".to_owned(), String::new(), number(*score), String::new(), String::new()),
                Outcome::Category { code, words, level } => {
                    ((*code).to_owned(), (*words).to_owned(), String::new(), level.to_string(), String::new())
                }
                Outcome::NotAssessable { reason } => {
                    ("not_assessable".to_owned(), "Not assessable".to_owned(), String::new(), String::new(), reason.clone())
                }
            };
            let point =
                |p: Option<Point>| (p.map(|p| p.year.to_string()).unwrap_or_default(), p.map(|p| number(p.value)).unwrap_or_default());
            let (base_year, base_value) = point(a.base);
            let (current_year, current_value) = point(a.current);
            let opt = |v: Option<f64>| v.map(number).unwrap_or_default();
            rows.push(vec![
                id.clone(),
                a.method.name.to_owned(),
                a.method.version.to_string(),
                outcome,
                words,
                score,
                level,
                base_year,
                base_value,
                current_year,
                current_value,
                opt(a.cagr_observed),
                opt(a.cagr_required),
                opt(a.ratio),
                opt(a.target_used),
                config.enabled.to_string(),
                reason,
            ]);
        }
    }
    if !problems_found.is_empty() {
        let mut text = format!("{} file(s) could not be read; nothing was written:", problems_found.len());
        for p in &problems_found {
            text.push_str(&format!("\n  {p}"));
        }
        bail!(text);
    }
    let header = [
        "indicator",
        "method",
        "version",
        "outcome",
        "words",
        "score",
        "level",
        "base_year",
        "base_value",
        "current_year",
        "current_value",
        "cagr_observed",
        "cagr_required",
        "ratio",
        "target",
        "configured",
        "reason",
    ];
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
            write_rows(std::io::BufWriter::new(file), &header, rows).with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => write_rows(std::io::stdout().lock(), &header, rows).context("cannot write to standard output")?,
    }
    Ok(())
}
