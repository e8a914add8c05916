//! The command line: its commands, options and help texts.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "rightsmon", version, about = "Rights Monitor: standardized monitoring of human rights in cities")]
pub(crate) struct Cli {
    /// A TOML config file (see `rightsmon config default`).
    #[arg(long, global = true, env = "RIGHTSMON_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Where data lives: sqlite://PATH, sqlite::memory: or postgres://USER@HOST:PORT/DATABASE.
    #[arg(long, global = true)]
    pub(crate) database_url: Option<String>,
    /// The folder for the SQLite database (default: data).
    #[arg(long, global = true)]
    pub(crate) data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    /// Parses the command line. The analysts' commands work on files alone, without a
    /// database, so their help does not offer the global database and config flags.
    pub(crate) fn parse_args() -> Self {
        // `survey` has commands of its own, to which clap would hand the global flags again as
        // it parses: it is parsed without them.
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        if args.get(1).is_some_and(|a| a == "survey") {
            let SurveyCli { command: SurveyRoot::Survey { command } } = <SurveyCli as Parser>::parse_from(args);
            return Self { config: None, database_url: None, data_dir: None, command: Command::Survey { command } };
        }
        let mut command = <Self as clap::CommandFactory>::command();
        command.build();
        for (name, hidden) in [("composite", &["config", "database_url", "data_dir"][..]), ("progress", &["database_url", "data_dir"][..])]
        {
            // In place: after the build, moving an argument would break clap's index of them.
            command =
                command.mut_subcommand(name, |sub| sub.mut_args(|a| if hidden.contains(&a.get_id().as_str()) { a.hide(true) } else { a }));
        }
        let matches = command.get_matches();
        <Self as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

/// The command line of `rightsmon survey`, which needs no database.
#[derive(Debug, Parser)]
#[command(name = "rightsmon")]
struct SurveyCli {
    #[command(subcommand)]
    command: SurveyRoot,
}

#[derive(Debug, Subcommand)]
enum SurveyRoot {
    /// Survey microdata: design-based estimates with their uncertainty, without a database.
    Survey {
        #[command(subcommand)]
        command: SurveyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SurveyCommand {
    /// Estimate totals, means, ratios and proportions, for the whole and for domains, with
    /// standard errors by Taylor linearisation, intervals and design effects, from a CSV or
    /// XLSX of respondents and a design description (see docs/analysis.md).
    Estimate {
        /// The respondents: a CSV or XLSX file with a row per respondent.
        #[arg(long)]
        data: PathBuf,
        /// The design description (TOML): weight, strata, psu, ssu, corrections, recoding, and
        /// the estimates to make.
        #[arg(long)]
        design: PathBuf,
        /// The CSV file to write (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
    /// Keep the reminders that are due (tasks, values waiting for validation, activity on
    /// proposals, action deadlines) and send the e-mails people asked for; each reminder is sent
    /// once. For a timer or cron; `serve` also does it every `remind_every_minutes`.
    Remind,
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
    /// Survey microdata: design-based estimates with their uncertainty, without a database.
    Survey {
        #[command(subcommand)]
        command: SurveyCommand,
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
pub(crate) enum AuditCommand {
    /// Check the whole hash chain; print its length and head (ID:HASH), to write down and give
    /// to a later check with --expect, which then also notices entries removed from the end.
    Verify {
        /// A head written down by an earlier check.
        #[arg(long, value_name = "ID:HASH")]
        expect: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
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
pub(crate) enum OrganisationCommand {
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
pub(crate) enum CycleCommand {
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
pub(crate) enum FrameworkCommand {
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
pub(crate) enum ConfigCommand {
    /// Print a commented example configuration.
    Default,
    /// Print the settings in force (after file, environment and flags).
    Show,
}
