//! The real binary, end to end: commands, errors, the demo server and its shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// `start_demo` hands its child to the caller, which stops and waits for it.
#![allow(clippy::zombie_processes)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use support::{Scratch, binary};

fn run(command: &mut Command, stdin: &str) -> Output {
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

use support::text;

/// One `error:` line and a non-zero exit.
fn assert_one_line_error(output: &Output, fragment: &str) {
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains(fragment), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn config_default_prints_a_commented_example_that_parses() {
    let output = binary().args(["config", "default"]).output().unwrap();
    assert!(output.status.success());
    let config = text(&output.stdout);
    assert!(config.contains("# database_url = ") && config.contains("RIGHTSMON_DATABASE_URL"));
    let scratch = Scratch::new("config");
    let file = scratch.0.join("rightsmon.toml");
    std::fs::write(&file, format!("{config}\nbind = \"127.0.0.1:9\"\n")).unwrap();
    let shown = binary().args(["--config", file.to_str().unwrap(), "config", "show"]).output().unwrap();
    assert!(text(&shown.stdout).contains("127.0.0.1:9"));
    let flagged = binary()
        .args(["--config", file.to_str().unwrap(), "--database-url", "sqlite::memory:", "config", "show"])
        .env("RIGHTSMON_BIND", "127.0.0.1:10")
        .output()
        .unwrap();
    let flagged = text(&flagged.stdout);
    assert!(flagged.contains("127.0.0.1:10") && flagged.contains("sqlite::memory:"), "{flagged}");
    std::fs::write(&file, "bind = [").unwrap();
    assert_one_line_error(&binary().args(["--config", file.to_str().unwrap(), "init"]).output().unwrap(), "is not valid");
}

#[test]
fn a_wrong_or_unreachable_database_gives_one_clear_line() {
    assert_one_line_error(
        &binary().args(["--database-url", "mysql://localhost/x", "init"]).output().unwrap(),
        "must start with sqlite: or postgres://",
    );
    assert_one_line_error(
        &binary().args(["--database-url", "postgres://postgres@127.0.0.1:1/none", "init"]).output().unwrap(),
        "cannot connect to PostgreSQL",
    );
    assert_one_line_error(&binary().args(["--database-url", "sqlite:///proc/forbidden/x.db", "init"]).output().unwrap(), "");
}

#[test]
fn init_is_idempotent_and_users_are_managed_without_passwords_on_the_command_line() {
    let scratch = Scratch::new("init");
    let url = scratch.url();
    let first = binary().args(["--database-url", &url, "init"]).output().unwrap();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let second = text(&binary().args(["--database-url", &url, "init"]).output().unwrap().stdout);
    assert!(second.contains("0 migration(s) applied") && second.contains(": 0 created, 0 updated"), "{second}");

    let added = run(
        binary().args([
            "--database-url",
            &url,
            "user",
            "add",
            "ana",
            "--name",
            "Ana Coordinator",
            "--role",
            "city_coordinator",
            "--city",
            "ghent",
        ]),
        "a long enough password\n",
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    let short = run(binary().args(["--database-url", &url, "user", "add", "bob", "--name", "Bob"]), "short\n");
    assert_one_line_error(&short, "password");
    let unknown_city = run(
        binary().args(["--database-url", &url, "user", "add", "carol", "--name", "Carol", "--role", "viewer", "--city", "atlantis"]),
        "a long enough password\n",
    );
    assert!(!unknown_city.status.success());
    let list = text(&binary().args(["--database-url", &url, "user", "list"]).output().unwrap().stdout);
    assert!(list.contains("ana") && list.contains("city_coordinator@ghent"), "{list}");
    let passwd = run(binary().args(["--database-url", &url, "user", "passwd", "ana"]), "another long password\n");
    assert!(passwd.status.success(), "{}", text(&passwd.stderr));
    assert!(binary().args(["--database-url", &url, "user", "disable", "ana"]).output().unwrap().status.success());
    assert!(text(&binary().args(["--database-url", &url, "user", "list"]).output().unwrap().stdout).contains("(disabled)"));
    assert_one_line_error(&binary().args(["--database-url", &url, "user", "disable", "nobody"]).output().unwrap(), "not found");
    let with_flag = binary().args(["--database-url", &url, "user", "add", "dan", "--name", "Dan", "--password", "x"]).output().unwrap();
    assert!(!with_flag.status.success(), "there is no password flag");
}

fn http_get(address: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Starts the demo on a free port and returns the child and its address.
fn start_demo(data_dir: &std::path::Path) -> (std::process::Child, String, Vec<String>) {
    let mut child = binary()
        .args(["--data-dir", data_dir.to_str().unwrap(), "demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the demo stopped early: {lines:?}");
        }
        if let Some(rest) = line.trim().strip_prefix("serving on http://") {
            let address = rest.split('/').next().unwrap().to_owned();
            lines.push(line);
            return (child, address, lines);
        }
        lines.push(line);
    }
}

fn stop(mut child: std::process::Child) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "a graceful shutdown exits 0, got {status}");
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_demo_serves_the_nine_pilot_cities_and_a_second_run_reuses_its_data() {
    let scratch = Scratch::new("demo");
    let (child, address, lines) = start_demo(&scratch.0);
    let printed = lines.join("");
    assert!(printed.contains("coordinator") && printed.contains("rightsmon-demo"), "the logins are printed: {printed}");
    let home = http_get(&address, "/");
    assert!(home.starts_with("HTTP/1.1 200"), "{home}");
    for city in ["Benalmádena", "Braga", "Chișinău", "Cluj-Napoca", "Ghent", "Józsefváros", "Kraków", "Padova", "The Hague"] {
        assert!(home.contains(city), "{city}");
    }
    assert!(home.contains("synthetic demo data"));
    assert!(http_get(&address, "/healthz").contains("\"ok\""));
    stop(child);
    assert!(scratch.0.join("rightsmon-demo.db").exists());

    let (child, address, lines) = start_demo(&scratch.0);
    assert!(lines.join("").contains("(0 values added this run)"), "{lines:?}");
    assert!(http_get(&address, "/").contains("Padova"));
    stop(child);
}

#[test]
fn a_port_in_use_gives_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let scratch = Scratch::new("port");
    assert!(binary().args(["--database-url", &scratch.url(), "init"]).output().unwrap().status.success());
    let output = binary().args(["--database-url", &scratch.url(), "serve", "--bind", &address]).stdout(Stdio::null()).output().unwrap();
    assert_one_line_error(&output, "already in use");
}

#[test]
fn init_runs_on_postgresql_too() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let database = match runtime.block_on(rightsmon_store_postgres::testing::TestDatabase::create()) {
        Ok(Some(database)) => database,
        Ok(None) => return,
        Err(error) => panic!("{error}"),
    };
    let url = database.url();
    let first = binary().args(["--database-url", &url, "init"]).output().unwrap();
    let second = binary().args(["--database-url", &url, "init"]).output().unwrap();
    runtime.block_on(database.destroy());
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&second.stdout).contains(": 0 created, 0 updated"), "{}", text(&second.stdout));
}

#[test]
fn the_framework_is_exported_and_imported_from_the_command_line() {
    let scratch = Scratch::new("framework");
    let url = scratch.url();
    assert!(binary().args(["--database-url", &url, "init"]).output().unwrap().status.success());
    let workbook = scratch.0.join("framework.xlsx");
    let export = binary().args(["--database-url", &url, "framework", "export", "--output", workbook.to_str().unwrap()]).output().unwrap();
    assert!(export.status.success(), "{}", text(&export.stderr));
    assert!(std::fs::metadata(&workbook).unwrap().len() > 10_000);
    assert_one_line_error(
        &binary().args(["--database-url", &url, "framework", "export", "--format", "xlsx"]).output().unwrap(),
        "needs a file",
    );
    let json = binary().args(["--database-url", &url, "framework", "export", "--format", "json"]).output().unwrap();
    assert!(text(&json.stdout).contains("\"format\": \"rightsmon-framework\""));
    let dry = binary().args(["--database-url", &url, "framework", "import", workbook.to_str().unwrap(), "--dry-run"]).output().unwrap();
    assert!(text(&dry.stdout).contains("would create 0 indicator version(s)"), "{}", text(&dry.stdout));
    let bad = scratch.0.join("bad.toml");
    std::fs::write(&bad, "[[indicators]]\ncode = \"X-1\"\nname = { en = \"X\" }\ndefinition = { en = \"X\" }\n").unwrap();
    let refused = binary().args(["--database-url", &url, "framework", "import", bad.to_str().unwrap()]).output().unwrap();
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("indicator 1 (X-1 v1): unit: an indicator needs a unit") && stderr.contains("nothing was imported"),
        "{stderr}"
    );
}

/// How many values of RM-HOU-01 the database holds, read with the SQLite driver's own tools:
/// the binary lists them through the Open SDG export.
fn count_values(url: &str) -> usize {
    let output = binary().args(["--database-url", url, "export", "RM-HOU-01", "--area", "ghent", "--as", "editor"]).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout).lines().count().saturating_sub(1)
}

#[test]
fn an_import_killed_midway_leaves_none_or_all_of_its_values() {
    let scratch = Scratch::new("kill");
    let url = scratch.url();
    assert!(binary().args(["--database-url", &url, "init"]).output().unwrap().status.success());
    let add = run(
        binary().args(["--database-url", &url, "user", "add", "editor", "--name", "Editor", "--role", "data_editor", "--city", "ghent"]),
        "a long enough password\n",
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    // Enough rows that the import is still running when it is killed.
    let rows = 30_000;
    let mut csv = String::from("indicator,area,period,group,value\n");
    for i in 0..rows {
        let (year, month, day) = (1000 + i / 336, 1 + (i / 28) % 12, 1 + i % 28);
        csv.push_str(&format!("RM-HOU-01,ghent,{year}-{month:02}-{day:02},,{}\n", (i % 1000) as f64 / 10.0));
    }
    let file = scratch.0.join("values.csv");
    std::fs::write(&file, csv).unwrap();
    let mut child = binary()
        .args(["--database-url", &url, "import", file.to_str().unwrap(), "--as", "editor"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let finished_before_kill = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    let after_kill = count_values(&url);
    if finished_before_kill {
        assert_eq!(after_kill, rows as usize);
    } else {
        assert_eq!(after_kill, 0, "a killed import leaves nothing behind");
    }
    // Run to the end, it stores every value; again, it changes nothing.
    let output = binary().args(["--database-url", &url, "import", file.to_str().unwrap(), "--as", "editor"]).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains(&format!("{rows} created")), "{}", text(&output.stdout));
    assert_eq!(count_values(&url), rows as usize);
    let again = binary().args(["--database-url", &url, "import", file.to_str().unwrap(), "--as", "editor", "--dry-run"]).output().unwrap();
    assert!(text(&again.stdout).contains(&format!("{rows} unchanged")), "{}", text(&again.stdout));
}

#[test]
fn a_malformed_import_reports_its_rows_and_fails() {
    let scratch = Scratch::new("malformed");
    let url = scratch.url();
    assert!(binary().args(["--database-url", &url, "init"]).output().unwrap().status.success());
    let add = run(
        binary().args(["--database-url", &url, "user", "add", "editor", "--name", "Editor", "--role", "data_editor", "--city", "ghent"]),
        "a long enough password\n",
    );
    assert!(add.status.success());
    let file = scratch.0.join("bad.csv");
    std::fs::write(&file, "indicator,area,period,value\nRM-HOU-01,ghent,2020,12\nRM-HOU-01,ghent,2021,lots\n").unwrap();
    let output = binary().args(["--database-url", &url, "import", file.to_str().unwrap(), "--as", "editor"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("row 3, column value, value \"lots\""), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert!(!stderr.contains("panicked"));
    assert_eq!(count_values(&url), 0);
}

#[test]
fn a_city_sets_up_a_cycle_its_providers_and_its_template_from_the_command_line() {
    let scratch = Scratch::new("cycle");
    let url = scratch.url();
    let ok = |args: &[&str], stdin: &str| {
        let mut full = vec!["--database-url", url.as_str()];
        full.extend_from_slice(args);
        let output = run(binary().args(&full), stdin);
        assert!(output.status.success(), "{args:?}: {}", text(&output.stderr));
        text(&output.stdout)
    };
    ok(&["init"], "");
    let added = ok(&["organisation", "add", "Statistics office", "--kind", "municipal_department", "--city", "ghent"], "");
    let organisation = added.split_whitespace().nth(1).unwrap().trim_end_matches(':').to_owned();
    assert!(ok(&["organisation", "list", "--city", "ghent"], "").contains("Statistics office"));
    let password = "a long enough password\n";
    ok(&["user", "add", "coordinator", "--name", "Coordinator", "--role", "city_coordinator", "--city", "ghent"], password);
    ok(&["user", "add", "stats", "--name", "Stats", "--role", "data_editor", "--city", "ghent", "--organisation", &organisation], password);
    let opened = ok(
        &[
            "cycle",
            "add",
            "--city",
            "ghent",
            "--name",
            "Annual report 2024",
            "--period",
            "2024",
            "--deadline",
            "2025-03-31",
            "--as",
            "coordinator",
        ],
        "",
    );
    let cycle = opened.split_whitespace().nth(1).unwrap().to_owned();
    ok(&["cycle", "assign", &cycle, "RM-HOU-01", "--organisation", &organisation, "--as", "coordinator"], "");
    assert!(ok(&["cycle", "list", "--city", "ghent"], "").contains("Annual report 2024"));
    let status = ok(&["cycle", "status", &cycle, "--as", "stats"], "");
    assert!(status.contains("1 expected, 0 received") && status.contains("RM-HOU-01") && status.contains("missing"), "{status}");

    // The provider fills in the template and imports it; the cycle then has its value.
    let template = scratch.0.join("template.xlsx");
    ok(&["template", "--cycle", &cycle, "--as", "stats", "--output", template.to_str().unwrap()], "");
    let mut sheets = rightsmon_formats::spreadsheet::read_xlsx(&std::fs::read(&template).unwrap()).unwrap();
    sheets[1].rows[7].resize(3, rightsmon_formats::spreadsheet::Cell::Empty);
    sheets[1].rows[7][2] = rightsmon_formats::spreadsheet::Cell::Number(12.5);
    std::fs::write(&template, rightsmon_formats::spreadsheet::write_xlsx(&sheets).unwrap()).unwrap();
    let imported = ok(&["import", template.to_str().unwrap(), "--as", "stats", "--submit"], "");
    assert!(imported.contains("1 created"), "{imported}");
    assert!(ok(&["cycle", "status", &cycle, "--as", "stats"], "").contains("1 received"));

    // A data editor cannot open cycles; the error is one clear line.
    let output = binary()
        .args([
            "--database-url",
            &url,
            "cycle",
            "add",
            "--city",
            "ghent",
            "--name",
            "X",
            "--period",
            "2025",
            "--deadline",
            "2026-01-01",
            "--as",
            "stats",
        ])
        .output()
        .unwrap();
    assert_one_line_error(&output, "");
}

#[test]
fn both_backends_list_the_same_migrations_and_every_migration_file() {
    let sqlite: Vec<(u32, &str)> = rightsmon_store_sqlite::MIGRATIONS.iter().map(|(v, n, _)| (*v, *n)).collect();
    let postgres: Vec<(u32, &str)> = rightsmon_store_postgres::MIGRATIONS.iter().map(|(v, n, _)| (*v, *n)).collect();
    assert_eq!(sqlite, postgres, "the backends' migrations differ");
    for (index, (version, _)) in sqlite.iter().enumerate() {
        assert_eq!(*version as usize, index + 1, "versions count up from 1 without gaps");
    }
    for backend in ["sqlite", "postgres"] {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../rightsmon-store-{backend}/migrations"));
        let mut files: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        files.sort();
        let listed: Vec<String> = sqlite.iter().map(|(v, n)| format!("{v:04}_{n}.sql")).collect();
        assert_eq!(files, listed, "{backend}: a migration file that is not listed, or listed and missing");
    }
}

#[test]
fn remind_runs_without_a_mail_server_and_refuses_a_half_configured_one() {
    let scratch = Scratch::new("remind");
    let url = scratch.url();
    assert!(binary().args(["--database-url", &url, "init"]).output().unwrap().status.success());
    let first = binary().args(["--database-url", &url, "remind"]).env_remove("RIGHTSMON_SMTP_HOST").output().unwrap();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let said = text(&first.stdout);
    assert!(said.contains("reminders: 0 new") && said.contains("no smtp_host is set"), "{said}");
    let half = binary().args(["--database-url", &url, "remind"]).env("RIGHTSMON_SMTP_HOST", "localhost").output().unwrap();
    assert_one_line_error(&half, "mail_from");
}
