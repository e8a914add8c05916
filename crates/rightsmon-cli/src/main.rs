//! `rightsmon`: the one binary of Rights Monitor. It chooses the storage backend from the
//! database URL, applies the settings and runs a command.

mod admin;
mod analysis;
mod args;
mod import;
mod settings;

use admin::*;
use anyhow::{Context, bail};
use args::*;
use import::*;
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

fn main() -> ExitCode {
    let cli = Cli::parse_args();
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
    if let Command::Survey { command: SurveyCommand::Estimate { data, design, output } } = cli.command {
        return analysis::survey_estimate_command(&data, &design, output.as_deref());
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
        Command::Remind => {
            let app = app_for(store, &settings);
            let report = remind(&app, &settings).await?;
            println!(
                "reminders: {} new; e-mails: {} sent, {} failed (tried again next time), {} reminders waiting for a daily digest",
                report.created, report.emails_sent, report.emails_failed, report.waiting_for_digest
            );
            if settings.smtp.is_none() {
                println!("no smtp_host is set: reminders show in workspaces, and no e-mail was sent");
            }
            if report.emails_failed > 0 {
                bail!("{} e-mail(s) could not be sent", report.emails_failed);
            }
            Ok(())
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
        Command::Config { .. }
        | Command::Composite { .. }
        | Command::Progress { .. }
        | Command::Survey { .. }
        | Command::Restore { .. } => Ok(()),
    }
}

/// A database URL without its password, for messages.
fn describe_url(url: &str) -> String {
    match (url.split_once("://"), url.rsplit_once('@')) {
        (Some((scheme, _)), Some((_, host))) => format!("{scheme}://…@{host}"),
        _ => url.to_owned(),
    }
}

fn app_error(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid(errors) => anyhow::anyhow!("{errors}"),
        AppError::Internal(error) => error,
        other => anyhow::anyhow!("{other}"),
    }
}

/// One run of reminders: kept for workspaces, and e-mailed where a mail server is set.
async fn remind(app: &App, settings: &Settings) -> anyhow::Result<rightsmon_app::reminders::RemindReport> {
    let mailer = settings.smtp.as_ref().map(rightsmon_web::mail::SmtpMailer::new).transpose()?;
    let mailer = mailer.as_ref().map(|m| m as &dyn rightsmon_app::reminders::ReminderMailer);
    app.remind(mailer).await.map_err(app_error)
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
    // Findings are computed ahead of readers: at start-up, then for the writes of other
    // processes (the server's own imports refresh them when they end).
    let findings = app.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            match findings.refresh_all_findings().await {
                Ok(computed) if computed > 0 => tracing::info!(computed, "findings refreshed"),
                Ok(_) => {}
                Err(error) => tracing::warn!(error = %error, "findings could not be refreshed"),
            }
        }
    });
    if settings.remind_every_minutes > 0 {
        let reminders = app.clone();
        let settings = settings.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(settings.remind_every_minutes * 60));
            loop {
                every.tick().await;
                match remind(&reminders, &settings).await {
                    Ok(report) if report.created + report.emails_sent + report.emails_failed > 0 => {
                        tracing::info!(created = report.created, sent = report.emails_sent, failed = report.emails_failed, "reminders");
                    }
                    Ok(_) => {}
                    Err(error) => tracing::warn!(error = %error, "reminders could not be sent"),
                }
            }
        });
    }
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
