//! `rightsmon import`: a long table, a workbook or an Open SDG folder, with a progress line.

use super::*;

/// Prints the progress of an import on one line of the terminal (standard error).
pub(crate) fn progress_printer(total_bytes: u64) -> impl Fn(u64, u64) + Send + Sync {
    let terminal = std::io::stderr().is_terminal();
    let last = std::sync::Mutex::new(std::time::Instant::now());
    move |rows, bytes| {
        let Ok(mut last) = last.lock() else { return };
        if !terminal || last.elapsed() < std::time::Duration::from_millis(200) {
            return;
        }
        *last = std::time::Instant::now();
        let share = if total_bytes > 0 { (bytes as f64 / total_bytes as f64).min(1.0) } else { 0.0 };
        let filled = (share * 30.0) as usize;
        eprint!("\r[{}{}] {:>3.0}%  {rows} rows", "#".repeat(filled), " ".repeat(30 - filled), share * 100.0);
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn import_command(
    app: App,
    path: &std::path::Path,
    username: &str,
    format: Option<&str>,
    city: Option<&str>,
    mapping: Option<&std::path::Path>,
    request: &rightsmon_app::imports::ImportRequest,
    report_path: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use rightsmon_app::imports::OpenSdgMapping;
    let actor = app.actor_for_username(username).await.map_err(app_error)?;
    let format = match format {
        Some(f) => f.to_owned(),
        None if path.is_dir() => "open-sdg".to_owned(),
        None => "long".to_owned(),
    };
    let report = match format.as_str() {
        "long" => {
            // A workbook or a CSV table, told apart by its first bytes; a workbook is read only
            // up to its size limit, a table streamed.
            let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            let progress = progress_printer(size);
            app.import_file(&actor, std::io::BufReader::new(file), request, &progress).await.map_err(app_error)?
        }
        "open-sdg" => {
            let city = city.ok_or_else(|| anyhow::anyhow!("an Open SDG folder is imported for a city: give --city"))?;
            let mapping = match mapping {
                Some(file) => OpenSdgMapping::parse(&read_text_within(file, MIB, "a mapping file")?).map_err(app_error)?,
                None => OpenSdgMapping::default(),
            };
            let (files, size) = open_sdg_files(path)?;
            let progress = progress_printer(size);
            app.import_open_sdg(&actor, city, files, &mapping, request, &progress).await.map_err(app_error)?
        }
        other => bail!("{other:?} is not an import format: use long or open-sdg"),
    };
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    if let Some(file) = report_path {
        std::fs::write(file, serde_json::to_vec_pretty(&report)?).with_context(|| format!("cannot write {}", file.display()))?;
    }
    for warning in &report.warnings {
        eprintln!("warning: {}", describe(warning));
    }
    for problem in &report.problems {
        eprintln!("{}", describe(problem));
    }
    if report.more_problems > 0 {
        eprintln!("... and {} more problems", report.more_problems);
    }
    if report.problem_count() > 0 {
        bail!("{} problem(s) in {} row(s) read; nothing was imported", report.problem_count(), report.rows);
    }
    let verb = if report.committed { "imported" } else { "checked (dry run, nothing written)" };
    if let Some(dialect) = report.csv {
        println!(
            "read as CSV with fields separated by a {} and a decimal {}{}",
            dialect.delimiter_name(),
            if dialect.decimal_comma { "comma" } else { "point" },
            if dialect.detected { " (detected)" } else { "" }
        );
    }
    println!(
        "{verb}: {} rows, {} created, {} revised, {} unchanged, {} without a value; {} warning(s); new indicators: {}",
        report.rows,
        report.created,
        report.revised,
        report.unchanged,
        report.skipped,
        report.warnings.len() as u64 + report.more_warnings,
        report.indicators.len()
    );
    Ok(())
}

pub(crate) fn describe(problem: &rightsmon_app::imports::Problem) -> String {
    let mut place = Vec::new();
    if let Some(file) = &problem.file {
        place.push(file.clone());
    }
    if let Some(row) = problem.row {
        place.push(format!("row {row}"));
    }
    if let Some(column) = &problem.column {
        place.push(format!("column {column}"));
    }
    if let Some(value) = &problem.value {
        place.push(format!("value {value:?}"));
    }
    format!("{}: {} ({})", place.join(", "), problem.message, problem.code)
}

/// The indicators of an Open SDG folder, as `rightsmon_formats::open_sdg::read_folder` lists them.
pub(crate) fn open_sdg_files(folder: &std::path::Path) -> anyhow::Result<(Vec<rightsmon_app::imports::OpenSdgFile<std::fs::File>>, u64)> {
    let listed = rightsmon_formats::open_sdg::read_folder(folder).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut files = Vec::with_capacity(listed.len());
    let mut size = 0;
    for indicator in listed {
        size += std::fs::metadata(&indicator.data).map(|m| m.len()).unwrap_or(0);
        let data = indicator.data;
        files.push(rightsmon_app::imports::OpenSdgFile {
            id: indicator.id,
            metadata: indicator.metadata,
            open: Box::new(move || std::fs::File::open(&data)),
        });
    }
    Ok((files, size))
}
