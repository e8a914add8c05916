//! The administrators' commands: the audit chain, backup and restore, the framework,
//! organisations, cycles and users.

use super::*;

pub(crate) async fn audit_verify(app: &App, expect: Option<&str>) -> anyhow::Result<()> {
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

pub(crate) async fn backup_command(store: &dyn Store, output: &std::path::Path, portable: bool) -> anyhow::Result<()> {
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
pub(crate) fn is_sqlite_file(path: &std::path::Path) -> anyhow::Result<bool> {
    use std::io::Read;
    let mut start = [0u8; 16];
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let read = file.read(&mut start)?;
    Ok(read == 16 && &start == b"SQLite format 3\0")
}

pub(crate) async fn restore_command(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
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

pub(crate) fn framework_format(
    format: Option<&str>,
    path: Option<&std::path::Path>,
) -> anyhow::Result<rightsmon_app::framework::FrameworkFormat> {
    use rightsmon_app::framework::FrameworkFormat;
    match format {
        Some(name) => FrameworkFormat::parse(name).map_err(|e| anyhow::anyhow!("{e}")),
        None => Ok(path.and_then(|p| FrameworkFormat::of_path(&p.to_string_lossy())).unwrap_or(FrameworkFormat::Toml)),
    }
}

pub(crate) async fn framework_command(app: App, command: FrameworkCommand) -> anyhow::Result<()> {
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
pub(crate) fn read_password() -> anyhow::Result<String> {
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

pub(crate) async fn organisation_command(app: App, command: OrganisationCommand) -> anyhow::Result<()> {
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

pub(crate) async fn cycle_command(app: App, command: CycleCommand) -> anyhow::Result<()> {
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

pub(crate) async fn user_command(app: App, command: UserCommand) -> anyhow::Result<()> {
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
