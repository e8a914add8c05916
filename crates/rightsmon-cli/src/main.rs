//! `rightsmon`: the one binary of Rights Monitor. It chooses the storage backend from the
//! database URL, applies the settings and runs a command.

mod analysis;
mod settings;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use rightsmon_app::accounts::UserForm;
use rightsmon_app::{App, AppError, AppSettings};
use rightsmon_store::Store;
use settings::{Layer, LogFormat, Settings};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// mimalloc serves every allocation of the process, SQLite's included: a server that runs for
/// months gives back what it freed instead of keeping it in fragmented arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "rightsmon", version, about = "Rights Monitor: standardized monitoring of human rights in cities")]
struct Cli {
    /// A TOML config file (see `rightsmon config default`).
    #[arg(long, global = true, env = "RIGHTSMON_CONFIG")]
    config: Option<PathBuf>,
    /// Where data lives: sqlite://PATH, sqlite::memory: or postgres://USER@HOST:PORT/DATABASE.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// The folder for the SQLite database (default: data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or upgrade the database and load the reference data (idempotent).
    Init,
    /// Apply pending database migrations only.
    Migrate,
    /// Serve the web application and the API.
    Serve {
        /// The address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        bind: Option<String>,
    },
    /// Set up the demo network with synthetic data in the data folder, and serve it.
    Demo {
        #[arg(long)]
        bind: Option<String>,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage organisations: municipal departments, civil-society organisations, academics.
    Organisation {
        #[command(subcommand)]
        command: OrganisationCommand,
    },
    /// Manage reporting cycles: open one, assign its indicators, see how complete it is.
    Cycle {
        #[command(subcommand)]
        command: CycleCommand,
    },
    /// Export or import the indicator framework.
    Framework {
        #[command(subcommand)]
        command: FrameworkCommand,
    },
    /// Import values from a long CSV or XLSX table, a cycle's wide XLSX template, or an Open
    /// SDG data folder, whole or not at all, with a row-level report of every problem.
    Import {
        /// A .csv or .xlsx file in the long format, a filled-in template (.xlsx), or an Open SDG
        /// folder (with data/ and meta/).
        path: PathBuf,
        /// The user the values are entered as; their roles decide what they may import.
        #[arg(long = "as", value_name = "USERNAME")]
        username: String,
        /// long (default for files) or open-sdg (default for folders).
        #[arg(long)]
        format: Option<String>,
        /// The city an Open SDG folder belongs to.
        #[arg(long)]
        city: Option<String>,
        /// A TOML file mapping Open SDG indicators onto the catalogue (see docs).
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Why changed values are revised (needed when a value differs from the stored one).
        #[arg(long)]
        reason: Option<String>,
        /// Submit the new values for validation instead of keeping them as drafts.
        #[arg(long)]
        submit: bool,
        /// Check everything and report, without writing.
        #[arg(long)]
        dry_run: bool,
        /// Write the report as JSON to this file as well.
        #[arg(long)]
        report: Option<PathBuf>,
        /// The separator of a CSV file: comma, semicolon or tab (default: the one its header uses).
        #[arg(long, default_value = "auto")]
        separator: String,
        /// The decimal mark of a CSV file: point or comma (default: comma in a file separated by
        /// semicolons, else point).
        #[arg(long, default_value = "auto")]
        decimal: String,
    },
    /// Write the wide XLSX workbook of a reporting cycle, to fill in and import.
    Template {
        /// The cycle's number (see /api/v1/cities/CITY/cycles).
        #[arg(long)]
        cycle: i64,
        /// The user the workbook is for; it holds the values they may see.
        #[arg(long = "as", value_name = "USERNAME")]
        username: String,
        /// The language of names and group labels.
        #[arg(long, default_value = "en")]
        lang: String,
        /// The file to write (default: a name made of the city, cycle and period).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Export an indicator's values in an area in the Open SDG format.
    Export {
        indicator: String,
        #[arg(long)]
        area: String,
        /// The user whose view is exported (default: published values only).
        #[arg(long = "as", value_name = "USERNAME")]
        username: Option<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Build a composite index from files, without a database: an indicator table, its
    /// structure and options in; every stage and the results out as CSV, with a manifest.
    Composite {
        /// The indicator table: wide (a row per unit, a column per indicator) or long (unit,
        /// indicator, optionally year, value).
        #[arg(long)]
        data: PathBuf,
        /// The hierarchy: id, parent, weight, direction, worst, best, target, denominator, per,
        /// red, green, missing, aggregation (see docs/analysis.md).
        #[arg(long)]
        structure: PathBuf,
        /// A TOML file of options: normalisation, missing, outliers, aggregation, dashboard,
        /// ranks, sensitivity.
        #[arg(long)]
        options: Option<PathBuf>,
        /// The column naming the units (default: unit).
        #[arg(long)]
        unit: Option<String>,
        /// The column naming each unit's group, for group-mean imputation.
        #[arg(long)]
        group: Option<String>,
        /// In a long table with years: the year to compute (default: the latest).
        #[arg(long)]
        year: Option<i32>,
        /// The folder to write the results to.
        #[arg(long)]
        out: PathBuf,
    },
    /// Assess progress from Open SDG files, without a database: an indicator's data CSV (or a
    /// folder of them) and its configuration YAML (or a folder of them) in, a CSV of every
    /// method's verdict with its inputs out.
    Progress {
        /// An Open SDG data file (indicator_1-2-1.csv) or a folder of them.
        #[arg(long)]
        data: PathBuf,
        /// The indicator's configuration (1-2-1.yml) or a folder of them; Open SDG's defaults without.
        #[arg(long)]
        config: Option<PathBuf>,
        /// A method to apply (repeatable): open-sdg-cagr-score, open-sdg-progress-status,
        /// open-sdg-progress-measure, unsd-progress-chart, eurostat-sdg-assessment, or all (default).
        #[arg(long = "method")]
        methods: Vec<String>,
        /// The CSV file to write (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// The audit log: verify that no entry was changed, removed or moved.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a consistent copy of the database while the server runs: SQLite's own file, or
    /// (with --portable, and always on PostgreSQL) a portable instance that `restore` loads into
    /// SQLite or PostgreSQL alike.
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long, short)]
        output: PathBuf,
        /// Write a portable instance (JSON Lines) instead of the backend's own file.
        #[arg(long)]
        portable: bool,
    },
    /// Restore a backup into a new, empty database (the database URL's): an SQLite file made by
    /// `backup` (SQLite only), or a portable instance (either backend). The audit log is
    /// verified afterwards.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the whole hash chain; print its length and head (ID:HASH), to write down and give
    /// to a later check with --expect, which then also notices entries removed from the end.
    Verify {
        /// A head written down by an earlier check.
        #[arg(long, value_name = "ID:HASH")]
        expect: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input or asked for.
    Add {
        username: String,
        /// The name shown to others.
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        /// A role to give: network_coordinator, city_coordinator, data_editor, civil_society_member, viewer.
        #[arg(long)]
        role: Option<String>,
        /// The city of the role (none for network-wide roles).
        #[arg(long)]
        city: Option<String>,
        /// The number of the organisation the user works for (see `organisation list`).
        #[arg(long)]
        organisation: Option<i64>,
    },
    /// Give a user one more role, in a city or the whole network.
    Grant {
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        city: Option<String>,
        #[arg(long)]
        organisation: Option<i64>,
    },
    /// List users and their roles.
    List,
    /// Set a new password (read from standard input or asked for); ends the user's sessions.
    Passwd { username: String },
    /// Disable a user; their sessions end at once.
    Disable { username: String },
    /// Enable a disabled user again.
    Enable { username: String },
    /// Erase what identifies a user (name, e-mail, password); the audit log keeps their number.
    Erase { username: String },
    /// Write what the system keeps about a user as JSON (their account, roles and activity).
    Data {
        username: String,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum OrganisationCommand {
    /// Add an organisation and print its number.
    Add {
        name: String,
        /// municipal_department, cso, academic or network.
        #[arg(long)]
        kind: String,
        /// The city it works in (none for organisations of the whole network).
        #[arg(long)]
        city: Option<String>,
    },
    /// List organisations, with their numbers.
    List {
        #[arg(long)]
        city: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum CycleCommand {
    /// Open a reporting cycle for a city and print its number.
    Add {
        #[arg(long)]
        city: String,
        #[arg(long)]
        name: String,
        /// The period its values describe, e.g. 2024.
        #[arg(long)]
        period: String,
        /// The date values are due, e.g. 2025-03-31.
        #[arg(long)]
        deadline: String,
        /// A coordinator of the city.
        #[arg(long = "as", value_name = "USERNAME")]
        username: String,
    },
    /// Assign an indicator of a cycle to the organisation that provides it.
    Assign {
        cycle: i64,
        indicator: String,
        /// The organisation's number (see `organisation list`).
        #[arg(long)]
        organisation: i64,
        #[arg(long = "as", value_name = "USERNAME")]
        username: String,
    },
    /// List a city's cycles.
    List {
        #[arg(long)]
        city: String,
    },
    /// Show how complete a cycle is: each assigned indicator and whether its value came in.
    Status {
        cycle: i64,
        #[arg(long = "as", value_name = "USERNAME")]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
enum FrameworkCommand {
    /// Write every version of the core indicators (and with --include-local the local ones).
    Export {
        /// toml, json or xlsx (default: from the output file's extension, else toml).
        #[arg(long)]
        format: Option<String>,
        /// The file to write (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[arg(long)]
        include_local: bool,
    },
    /// Import a framework file, whole or not at all.
    Import {
        file: PathBuf,
        /// toml, json or xlsx (default: from the file's extension).
        #[arg(long)]
        format: Option<String>,
        /// Check the file and report, without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print a commented example configuration.
    Default,
    /// Print the settings in force (after file, environment and flags).
    Show,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn settings(cli: &Cli, bind: Option<&String>) -> anyhow::Result<Settings> {
    let file = match &cli.config {
        Some(path) => Layer::from_file(path)?,
        None => Layer::default(),
    };
    let environment = Layer::from_environment(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))?;
    let flags = Layer { database_url: cli.database_url.clone(), data_dir: cli.data_dir.clone(), bind: bind.cloned(), ..Layer::default() };
    Settings::merge(file, environment, flags)
}

fn init_logging(format: LogFormat) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Composite { data, structure, options, unit, group, year, out } = cli.command {
        return analysis::composite_command(analysis::CompositeArgs { data, structure, options, unit, group, year, out });
    }
    if let Command::Progress { data, config, methods, output } = cli.command {
        return analysis::progress_command(analysis::ProgressArgs { data, config, methods, output });
    }
    if let Command::Config { command: ConfigCommand::Default } = &cli.command {
        print!("{}", settings::DEFAULT_CONFIG);
        return Ok(());
    }
    let bind = match &cli.command {
        Command::Serve { bind } | Command::Demo { bind } => bind.clone(),
        _ => None,
    };
    let mut settings = settings(&cli, bind.as_ref())?;
    if let Command::Demo { .. } = &cli.command
        && cli.database_url.is_none()
    {
        settings.database_url = format!("sqlite://{}", settings.data_dir.join("rightsmon-demo.db").display());
    }
    if let Command::Config { command: ConfigCommand::Show } = &cli.command {
        println!("{settings:#?}");
        return Ok(());
    }
    init_logging(settings.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    runtime.block_on(run_command(cli.command, settings))
}

const MIB: u64 = 1024 * 1024;

/// Reads a file named on the command line whole, refusing one larger than `limit` bytes before
/// it is read (and one that grows beyond it while it is).
pub(crate) fn read_within(path: &std::path::Path, limit: u64, what: &str) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let too_large = || anyhow::anyhow!("{} is larger than {} MB, the limit for {what}", path.display(), limit.div_ceil(MIB));
    if file.metadata().map(|m| m.len()).unwrap_or(0) > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// A text file named on the command line, within `limit` bytes.
pub(crate) fn read_text_within(path: &std::path::Path, limit: u64, what: &str) -> anyhow::Result<String> {
    String::from_utf8(read_within(path, limit, what)?).map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))
}

/// The file of an SQLite URL, if it names one.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let path = rest.trim_start_matches("//").split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Opens the store the URL's scheme names. Only `create` makes a new SQLite file; any other
/// command on a database that does not exist, or holds no tables, says so instead of failing on
/// a missing table.
async fn open_store(settings: &Settings, create: bool) -> anyhow::Result<Arc<dyn Store>> {
    let url = settings.database_url.as_str();
    if url.starts_with("sqlite:") {
        if let Some(path) = sqlite_path(url) {
            if !create && !path.exists() {
                bail!("there is no database at {}: create it with `rightsmon init` (or check --database-url)", path.display());
            }
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).with_context(|| format!("cannot create the folder {}", parent.display()))?;
            }
        }
        let store = rightsmon_store_sqlite::SqliteStore::connect(url).await?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = rightsmon_store_postgres::PgStore::connect(url).await?;
        Ok(Arc::new(store))
    } else {
        bail!("the database URL must start with sqlite: or postgres:// (got {:?})", url.split(':').next().unwrap_or_default())
    }
}

fn app_for(store: Arc<dyn Store>, settings: &Settings) -> App {
    App::new(store).with_settings(AppSettings {
        session_seconds: settings.session_hours * 3600,
        headline_method: settings.headline_method,
        ..AppSettings::default()
    })
}

async fn run_command(command: Command, settings: Settings) -> anyhow::Result<()> {
    let creates = matches!(command, Command::Init | Command::Migrate | Command::Demo { .. } | Command::Restore { .. });
    if let Command::Restore { file } = &command {
        return restore_command(&settings, file).await;
    }
    let store = open_store(&settings, creates).await?;
    if !creates && !store.schema_columns().await?.iter().any(|(table, _)| table == "schema_migrations") {
        bail!("the database {} holds no tables of Rights Monitor: create them with `rightsmon init`", describe_url(&settings.database_url));
    }
    match command {
        Command::Init => {
            let applied = store.migrate().await?;
            let app = app_for(store, &settings);
            let report = rightsmon_app::reference::initialise(&app).await.map_err(app_error)?;
            println!(
                "database ready ({} migration(s) applied); reference data: {} created, {} updated, {} unchanged; starter framework: {} created, {} unchanged",
                applied,
                report.reference.created,
                report.reference.updated,
                report.reference.unchanged,
                report.framework.created,
                report.framework.unchanged
            );
            Ok(())
        }
        Command::Migrate => {
            let applied = store.migrate().await?;
            println!("{applied} migration(s) applied");
            Ok(())
        }
        Command::Serve { .. } => {
            store.migrate().await?;
            serve(app_for(store, &settings), &settings, false).await
        }
        Command::Demo { .. } => {
            store.migrate().await?;
            let app = app_for(store, &settings);
            rightsmon_app::reference::initialise(&app).await.map_err(app_error)?;
            let report = app.load_demo().await.map_err(app_error)?;
            println!("Rights Monitor demo: synthetic data for the nine pilot cities ({} values added this run)", report.observations);
            println!("database: {}", settings.database_url);
            println!("sign in with any of these accounts, password {:?}:", rightsmon_app::demo::DEMO_PASSWORD);
            for (username, role, city) in rightsmon_app::demo::DEMO_ACCOUNTS {
                println!("  {username:<20} {}{}", role.as_str(), city.map(|c| format!(" ({c})")).unwrap_or_default());
            }
            serve(app, &settings, true).await
        }
        Command::User { command } => user_command(app_for(store, &settings), command).await,
        Command::Framework { command } => framework_command(app_for(store, &settings), command).await,
        Command::Organisation { command } => organisation_command(app_for(store, &settings), command).await,
        Command::Cycle { command } => cycle_command(app_for(store, &settings), command).await,
        Command::Import { path, username, format, city, mapping, reason, submit, dry_run, report, separator, decimal } => {
            let app = app_for(store, &settings);
            let csv = rightsmon_formats::table::CsvOptions::parse(&separator, &decimal).map_err(|e| anyhow::anyhow!(e))?;
            let request = rightsmon_app::imports::ImportRequest { dry_run, reason, submit, csv };
            import_command(app, &path, &username, format.as_deref(), city.as_deref(), mapping.as_deref(), &request, report.as_deref()).await
        }
        Command::Template { cycle, username, lang, output } => {
            let app = app_for(store, &settings);
            let actor = app.actor_for_username(&username).await.map_err(app_error)?;
            let (name, bytes) = app.wide_template(&actor, cycle, &lang).await.map_err(app_error)?;
            let path = output.unwrap_or_else(|| PathBuf::from(name));
            std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
            println!("wrote {}", path.display());
            Ok(())
        }
        Command::Export { indicator, area, username, output } => {
            let app = app_for(store, &settings);
            let actor = match username {
                Some(name) => app.actor_for_username(&name).await.map_err(app_error)?,
                None => rightsmon_domain::access::Actor::Anonymous,
            };
            let bytes = app.export_open_sdg(&actor, &indicator, &area).await.map_err(app_error)?;
            match output {
                Some(path) => std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?,
                None => std::io::stdout().write_all(&bytes).context("cannot write to standard output")?,
            }
            Ok(())
        }
        Command::Audit { command: AuditCommand::Verify { expect } } => audit_verify(&app_for(store, &settings), expect.as_deref()).await,
        Command::Backup { output, portable } => backup_command(&*store, &output, portable).await,
        Command::Config { .. } | Command::Composite { .. } | Command::Progress { .. } | Command::Restore { .. } => Ok(()),
    }
}

/// A database URL without its password, for messages.
fn describe_url(url: &str) -> String {
    match (url.split_once("://"), url.rsplit_once('@')) {
        (Some((scheme, _)), Some((_, host))) => format!("{scheme}://…@{host}"),
        _ => url.to_owned(),
    }
}

async fn audit_verify(app: &App, expect: Option<&str>) -> anyhow::Result<()> {
    use rightsmon_app::audit::AuditHead;
    let expected = match expect {
        Some(text) => Some(AuditHead::parse(text).ok_or_else(|| anyhow::anyhow!("--expect takes ID:HASH, as a verification prints it"))?),
        None => None,
    };
    let verification = app.verify_audit(None, expected.as_ref()).await.map_err(app_error)?;
    if let Some(problem) = &verification.problem {
        bail!("the audit log does not verify: {} (after {} entries read)", problem.message, verification.entries);
    }
    match &verification.head {
        Some(head) => println!("the audit log verifies: {} entries; its head is {head}", verification.entries),
        None => println!("the audit log is empty"),
    }
    Ok(())
}

async fn backup_command(store: &dyn Store, output: &std::path::Path, portable: bool) -> anyhow::Result<()> {
    if output.exists() {
        bail!("{} exists already: a backup goes to a new file", output.display());
    }
    if !portable && store.backup_to(output).await? {
        println!("wrote {} (a consistent copy of the SQLite database)", output.display());
        return Ok(());
    }
    let file = std::fs::File::create_new(output).with_context(|| format!("cannot create {}", output.display()))?;
    let made_by = format!("rightsmon {}", env!("CARGO_PKG_VERSION"));
    let mut sink = rightsmon_store::instance::JsonLinesSink::new(std::io::BufWriter::new(file), &made_by)?;
    let exported = store.export_instance(&mut sink).await;
    let written = exported.map_err(anyhow::Error::from).and_then(|counts| sink.finish().map(|_| counts).map_err(anyhow::Error::from));
    match written {
        Ok(counts) => {
            let rows: u64 = counts.iter().map(|(_, n)| n).sum();
            println!("wrote {} (a portable instance: {rows} rows in {} tables)", output.display(), counts.len());
            Ok(())
        }
        Err(error) => {
            let _ = std::fs::remove_file(output);
            Err(error.context(format!("the backup to {} failed and was removed", output.display())))
        }
    }
}

/// Whether a file begins as an SQLite database does.
fn is_sqlite_file(path: &std::path::Path) -> anyhow::Result<bool> {
    use std::io::Read;
    let mut start = [0u8; 16];
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let read = file.read(&mut start)?;
    Ok(read == 16 && &start == b"SQLite format 3\0")
}

async fn restore_command(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let url = settings.database_url.as_str();
    if is_sqlite_file(file)? {
        let Some(target) = sqlite_path(url) else {
            bail!("{} is an SQLite database: it restores to an SQLite file (a portable backup moves between backends)", file.display());
        };
        if target.exists() {
            bail!("{} exists: restore into a new database (move the current one aside first)", target.display());
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        std::fs::copy(file, &target).with_context(|| format!("cannot copy {} to {}", file.display(), target.display()))?;
        let store = open_store(settings, false).await?;
        store.migrate().await?;
        let app = app_for(store, settings);
        println!("restored {} to {}", file.display(), target.display());
        return audit_verify(&app, None).await;
    }
    if let Some(target) = sqlite_path(url)
        && target.exists()
    {
        bail!("{} exists: restore into a new database (move the current one aside first)", target.display());
    }
    let store = open_store(settings, true).await?;
    store.migrate().await?;
    let reader = std::io::BufReader::new(std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?);
    let mut source = rightsmon_store::instance::JsonLinesSource::new(reader).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let counts = match store.import_instance(&mut source).await {
        Ok(counts) => counts,
        Err(rightsmon_store::StoreError::Corrupt(problem)) => bail!("{}: {problem}; nothing was restored", file.display()),
        Err(rightsmon_store::StoreError::Conflict { constraint }) => {
            bail!("the database {} is not empty ({constraint}): restore into a new one", describe_url(url))
        }
        Err(other) => return Err(other.into()),
    };
    let rows: u64 = counts.iter().map(|(_, n)| n).sum();
    println!("restored {rows} rows in {} tables from {} to {}", counts.len(), file.display(), describe_url(url));
    audit_verify(&app_for(store, settings), None).await
}

/// Prints the progress of an import on one line of the terminal (standard error).
fn progress_printer(total_bytes: u64) -> impl Fn(u64, u64) + Send + Sync {
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
async fn import_command(
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

fn describe(problem: &rightsmon_app::imports::Problem) -> String {
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

/// The indicators of an Open SDG folder: `data/indicator_<id>.csv`, with metadata from
/// `meta/<id>.csv` or `csv-meta/<id>.csv` where it exists. With metadata, only indicators whose
/// reporting status is `complete` are imported.
fn open_sdg_files(folder: &std::path::Path) -> anyhow::Result<(Vec<rightsmon_app::imports::OpenSdgFile<std::fs::File>>, u64)> {
    let data = folder.join("data");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&data)
        .with_context(|| format!("cannot read {}", data.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("indicator_") && n.ends_with(".csv")))
        .collect();
    entries.sort();
    let mut files = Vec::new();
    let mut size = 0;
    for path in entries {
        let Some(id) = path.file_stem().and_then(|s| s.to_str()).and_then(|s| s.strip_prefix("indicator_")).map(str::to_owned) else {
            continue;
        };
        let meta_path = ["meta", "csv-meta"].iter().map(|m| folder.join(m).join(format!("{id}.csv"))).find(|p| p.exists());
        let metadata = match &meta_path {
            Some(p) => {
                let file = std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
                rightsmon_formats::open_sdg::read_metadata(file).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
            }
            None => Default::default(),
        };
        if meta_path.is_some() && metadata.get("Reporting status").map(String::as_str) != Some("complete") {
            continue;
        }
        size += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let open_path = path.clone();
        files.push(rightsmon_app::imports::OpenSdgFile { id, metadata, open: Box::new(move || std::fs::File::open(&open_path)) });
    }
    Ok((files, size))
}

fn app_error(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid(errors) => anyhow::anyhow!("{errors}"),
        AppError::Internal(error) => error,
        other => anyhow::anyhow!("{other}"),
    }
}

async fn serve(app: App, settings: &Settings, demo_mode: bool) -> anyhow::Result<()> {
    let web = rightsmon_web::WebSettings {
        secure_cookies: settings.secure_cookies,
        demo_mode,
        body_limit: settings.body_limit_bytes,
        upload_limit: settings.upload_limit_bytes,
        request_timeout: std::time::Duration::from_secs(settings.request_timeout_seconds),
        page_cache: std::time::Duration::from_secs(settings.page_cache_seconds),
    };
    let housekeeping = app.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            match housekeeping.housekeeping().await {
                Ok(removed) if removed > 0 => tracing::info!(removed, "housekeeping"),
                Ok(_) => {}
                Err(error) => tracing::warn!(error = %error, "housekeeping failed"),
            }
        }
    });
    let state = rightsmon_web::WebState::new(app, web)?;
    let listener = tokio::net::TcpListener::bind(&settings.bind).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!("cannot listen on {}: the address is already in use", settings.bind),
        _ => anyhow::anyhow!("cannot listen on {}: {e}", settings.bind),
    })?;
    let address = listener.local_addr()?;
    println!("serving on http://{address}/ (stop with Ctrl-C)");
    let _ = std::io::stdout().flush();
    tracing::info!(%address, "serving");
    rightsmon_web::serve(listener, state, shutdown_signal()).await.context("the server stopped")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

fn framework_format(format: Option<&str>, path: Option<&std::path::Path>) -> anyhow::Result<rightsmon_app::framework::FrameworkFormat> {
    use rightsmon_app::framework::FrameworkFormat;
    match format {
        Some(name) => FrameworkFormat::parse(name).map_err(|e| anyhow::anyhow!("{e}")),
        None => Ok(path.and_then(|p| FrameworkFormat::of_path(&p.to_string_lossy())).unwrap_or(FrameworkFormat::Toml)),
    }
}

async fn framework_command(app: App, command: FrameworkCommand) -> anyhow::Result<()> {
    match command {
        FrameworkCommand::Export { format, output, include_local } => {
            let format = framework_format(format.as_deref(), output.as_deref())?;
            if format == rightsmon_app::framework::FrameworkFormat::Xlsx && output.is_none() {
                bail!("a workbook needs a file: give --output FILE.xlsx");
            }
            let bytes = app.export_framework(format, include_local).await.map_err(app_error)?;
            match output {
                Some(path) => std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?,
                None => std::io::stdout().write_all(&bytes).context("cannot write to standard output")?,
            }
        }
        FrameworkCommand::Import { file, format, dry_run } => {
            let format = framework_format(format.as_deref(), Some(&file))?;
            let bytes = read_within(&file, 64 * MIB, "a framework file")?;
            let report = app.import_framework(&bytes, format, dry_run).await.map_err(app_error)?;
            if !report.problems.is_empty() {
                for problem in &report.problems {
                    for error in &problem.errors {
                        eprintln!(
                            "indicator {} ({} v{}): {}: {}",
                            problem.entry, problem.code, problem.version, error.field, error.message
                        );
                    }
                }
                bail!("{} indicator(s) of {} have problems; nothing was imported", report.problems.len(), file.display());
            }
            let verb = if dry_run { "would create" } else { "created" };
            println!("{verb} {} indicator version(s); {} unchanged", report.created, report.unchanged);
        }
    }
    Ok(())
}

/// Reads a password from the terminal (twice, without echo) or from the first line of stdin.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("password: ").context("cannot read the password")?;
        let second = rpassword::prompt_password("again: ").context("cannot read the password")?;
        if first != second {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
        let password = line.trim_end_matches(['\n', '\r']).to_owned();
        if password.is_empty() {
            bail!("no password on standard input");
        }
        Ok(password)
    }
}

async fn organisation_command(app: App, command: OrganisationCommand) -> anyhow::Result<()> {
    match command {
        OrganisationCommand::Add { name, kind, city } => {
            let organisation = app.create_organisation(&name, &kind, city.as_deref()).await.map_err(app_error)?;
            println!("organisation {} added: {}", organisation.id, organisation.name);
        }
        OrganisationCommand::List { city } => {
            for o in app.organisations(city.as_deref()).await.map_err(app_error)? {
                let city = o.city.as_ref().map_or("network", |c| c.as_str());
                println!("{:>5}  {:<40} {:<22} {city}", o.id, o.name, o.kind.as_str());
            }
        }
    }
    Ok(())
}

async fn cycle_command(app: App, command: CycleCommand) -> anyhow::Result<()> {
    match command {
        CycleCommand::Add { city, name, period, deadline, username } => {
            let actor = app.actor_for_username(&username).await.map_err(app_error)?;
            let cycle = app.create_cycle(&actor, &city, &name, &period, &deadline).await.map_err(app_error)?;
            println!("cycle {} opened: {} ({}, due {})", cycle.id, cycle.cycle.name, cycle.cycle.period, cycle.cycle.deadline);
        }
        CycleCommand::Assign { cycle, indicator, organisation, username } => {
            let actor = app.actor_for_username(&username).await.map_err(app_error)?;
            app.assign(&actor, cycle, &indicator, organisation).await.map_err(app_error)?;
            println!("{indicator} assigned to organisation {organisation} in cycle {cycle}");
        }
        CycleCommand::List { city } => {
            for cycle in app.cycles(&city).await.map_err(app_error)? {
                println!("{:>5}  {:<40} {:<10} due {}", cycle.id, cycle.cycle.name, cycle.cycle.period.to_string(), cycle.cycle.deadline);
            }
        }
        CycleCommand::Status { cycle, username } => {
            let actor = app.actor_for_username(&username).await.map_err(app_error)?;
            let completeness = app.completeness(&actor, cycle).await.map_err(app_error)?;
            println!(
                "{}: {} expected, {} received, {} published",
                completeness.cycle.cycle.name, completeness.expected, completeness.received, completeness.published
            );
            for task in &completeness.tasks {
                let state = task.received.map_or("missing", |s| s.as_str());
                println!("  {:<24} organisation {:>5}  {state}", task.indicator.as_str(), task.organisation_id);
            }
        }
    }
    Ok(())
}

async fn user_command(app: App, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { username, name, email, role, city, organisation } => {
            if role.is_none() && (city.is_some() || organisation.is_some()) {
                bail!("--city and --organisation need --role");
            }
            let password = read_password()?;
            let user = app.create_user(None, &UserForm { username, display_name: name, email, password }).await.map_err(app_error)?;
            if let Some(role) = role {
                app.add_membership(user.username.as_str(), &role, city.as_deref(), organisation).await.map_err(app_error)?;
            }
            println!("user {} added", user.username);
        }
        UserCommand::Grant { username, role, city, organisation } => {
            app.add_membership(&username, &role, city.as_deref(), organisation).await.map_err(app_error)?;
            println!("{username} is now {role}{}", city.map(|c| format!(" in {c}")).unwrap_or_default());
        }
        UserCommand::List => {
            for (user, memberships) in app.list_users().await.map_err(app_error)? {
                let roles: Vec<String> = memberships
                    .iter()
                    .map(|m| match &m.scope {
                        rightsmon_domain::access::Scope::Network => m.role.as_str().to_owned(),
                        rightsmon_domain::access::Scope::City(city) => format!("{}@{city}", m.role.as_str()),
                    })
                    .collect();
                let state = if user.is_disabled { " (disabled)" } else { "" };
                println!("{:<24} {:<32} {}{state}", user.username, user.display_name, roles.join(", "));
            }
        }
        UserCommand::Passwd { username } => {
            let password = read_password()?;
            app.set_password(&username, &password).await.map_err(app_error)?;
            println!("password of {username} changed; their sessions have ended");
        }
        UserCommand::Disable { username } => {
            app.set_disabled(&username, true).await.map_err(app_error)?;
            println!("{username} disabled");
        }
        UserCommand::Enable { username } => {
            app.set_disabled(&username, false).await.map_err(app_error)?;
            println!("{username} enabled");
        }
        UserCommand::Erase { username } => {
            let user = app.find_user(&username).await.map_err(app_error)?;
            app.erase_user(None, &username, None).await.map_err(app_error)?;
            println!("{username} erased: the account is now erased-{} and keeps no name, e-mail or password", user.id);
        }
        UserCommand::Data { username, output } => {
            let actor = app.actor_for_username(&username).await.map_err(app_error)?;
            let data = app.personal_data(&actor).await.map_err(app_error)?;
            let json = serde_json::to_vec_pretty(&data)?;
            match output {
                Some(path) => std::fs::write(&path, json).with_context(|| format!("cannot write {}", path.display()))?,
                None => std::io::stdout().write_all(&json).context("cannot write to standard output")?,
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn a_file_larger_than_its_limit_is_refused_before_it_is_read() {
        let path = std::env::temp_dir().join(format!("rightsmon-read-within-{}", std::process::id()));
        std::fs::write(&path, vec![b'x'; 2048]).unwrap();
        let error = super::read_within(&path, 1024, "a framework file").unwrap_err().to_string();
        assert!(error.contains("larger than 1 MB, the limit for a framework file"), "{error}");
        assert_eq!(super::read_within(&path, 4096, "a framework file").unwrap().len(), 2048);
        std::fs::remove_file(path).unwrap();
    }
}
