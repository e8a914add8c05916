//! Trust under pressure, through the real binary: hostile files are refused quickly, imports of
//! several processes all go through, an edited audit log is noticed, and a whole instance moves
//! SQLite -> PostgreSQL -> SQLite with every table equal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::Arc;
use support::{Scratch, binary, text};

fn rightsmon(url: &str, args: &[&str]) -> Output {
    binary().arg("--database-url").arg(url).args(args).output().unwrap()
}

fn succeeds(output: &Output) -> String {
    assert!(output.status.success(), "{}{}", text(&output.stdout), text(&output.stderr));
    text(&output.stdout)
}

/// A non-zero exit whose last line is an `error:` line, and the whole saying `fragment`.
fn fails(output: &Output, fragment: &str) {
    assert!(!output.status.success(), "{}", text(&output.stdout));
    let stderr = text(&output.stderr);
    let last = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or_default();
    assert!(last.starts_with("error: ") && stderr.contains(fragment), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A database with the reference data and an editor of Ghent.
fn initialised(scratch: &Scratch) -> String {
    let url = scratch.url_of("test.db");
    succeeds(&rightsmon(&url, &["init"]));
    let mut child = binary()
        .args(["--database-url", &url, "user", "add", "editor", "--name", "Editor", "--role", "data_editor", "--city", "ghent"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long enough password\n").unwrap();
    succeeds(&child.wait_with_output().unwrap());
    url
}

#[test]
fn a_database_that_does_not_exist_is_named_instead_of_made_empty() {
    let scratch = Scratch::new("missing");
    let url = scratch.url_of("nowhere.db");
    fails(&rightsmon(&url, &["user", "list"]), "there is no database at");
    assert!(!scratch.file("nowhere.db").exists(), "nothing was created");
    // An empty file is no database of Rights Monitor either.
    std::fs::write(scratch.file("empty.db"), b"").unwrap();
    fails(
        &rightsmon(&scratch.url_of("empty.db"), &["user", "list"]),
        "holds no tables of Rights Monitor: create them with `rightsmon init`",
    );
}

/// A workbook package around one sheet's XML.
fn workbook(sheet: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, &[u8]); 5] = [
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="values" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    for (name, content) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn hostile_workbooks_are_refused_quickly_with_the_limit_named() {
    let scratch = Scratch::new("hostile");
    let url = initialised(&scratch);
    // A header and one cell in the last row and column: 1.5 KB that once asked for half a terabyte.
    let corner = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#;
    let file = scratch.file("corner.xlsx");
    std::fs::write(&file, workbook(corner)).unwrap();
    let started = std::time::Instant::now();
    let output = rightsmon(&url, &["import", file.to_str().unwrap(), "--as", "editor"]);
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    fails(&output, "nothing was imported");
    assert!(text(&output.stderr).contains("the column"), "the header is judged, the process lives: {}", text(&output.stderr));
    // A zip bomb: a sheet of 300 MB of spaces in about 300 KB.
    let mut bomb = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>"#.to_vec();
    bomb.extend(std::iter::repeat_n(b' ', 300 * 1024 * 1024));
    bomb.extend_from_slice(b"</sheetData></worksheet>");
    let file = scratch.file("bomb.xlsx");
    std::fs::write(&file, workbook(&bomb)).unwrap();
    drop(bomb);
    let started = std::time::Instant::now();
    let output = rightsmon(&url, &["import", file.to_str().unwrap(), "--as", "editor"]);
    assert!(started.elapsed().as_secs() < 2, "refused from its directory at once: {:?}", started.elapsed());
    fails(&output, "nothing was imported");
    assert!(text(&output.stderr).contains("limit"), "{}", text(&output.stderr));
}

#[test]
fn the_open_sdg_export_neutralises_formulas() {
    let scratch = Scratch::new("export");
    let url = initialised(&scratch);
    // A local indicator whose values are texts, and one whose numbers may be negative.
    let framework = scratch.file("local.toml");
    std::fs::write(
        &framework,
        r#"[[indicators]]
code = "ghent.NOTE-1"
city = "ghent"
name = { en = "Note" }
definition = { en = "A note" }
unit = "text"
direction = "unstated"
value_type = "text"
source = { name = "Test" }
rights = [{ right = "CFR-21", type = "structural" }]

[[indicators]]
code = "ghent.BALANCE-1"
city = "ghent"
name = { en = "Balance" }
definition = { en = "A balance" }
unit = "EUR"
direction = "higher_is_better"
value_type = "number"
source = { name = "Test" }
rights = [{ right = "CFR-21", type = "outcome" }]
"#,
    )
    .unwrap();
    succeeds(&rightsmon(&url, &["framework", "import", framework.to_str().unwrap()]));
    let file = scratch.file("values.csv");
    std::fs::write(
        &file,
        "indicator,area,period,value,source_name\nghent.NOTE-1,ghent,2022,\"=HYPERLINK(\"\"http://example.org\"\")\",x\n\
         ghent.NOTE-1,ghent,2023,@SUM(A1),x\nghent.BALANCE-1,ghent,2022,-3,x\n",
    )
    .unwrap();
    let stdout = succeeds(&rightsmon(&url, &["import", file.to_str().unwrap(), "--as", "editor"]));
    assert!(stdout.contains("3 created"), "{stdout}");
    let exported = succeeds(&rightsmon(&url, &["export", "ghent.NOTE-1", "--area", "ghent", "--as", "editor"]));
    assert!(exported.contains("'=HYPERLINK") && exported.contains("'@SUM"), "{exported}");
    assert!(!exported.lines().any(|l| l.split(',').any(|c| c.trim_start_matches('"').starts_with(['=', '+', '@']))), "{exported}");
    let exported = succeeds(&rightsmon(&url, &["export", "ghent.BALANCE-1", "--area", "ghent", "--as", "editor"]));
    assert!(exported.contains("2022,-3"), "numbers stay numbers: {exported}");
}

#[test]
fn imports_of_several_processes_on_one_file_all_go_through() {
    let scratch = Scratch::new("parallel");
    let url = initialised(&scratch);
    let mut children = Vec::new();
    for worker in 0..4 {
        let mut csv = String::from("indicator,area,period,value\n");
        for i in 0..3000 {
            csv.push_str(&format!("RM-HOU-01,ghent,{}-{:02},{}\n", 1000 + worker * 250 + i / 12, i % 12 + 1, (i % 100) as f64 / 2.0));
        }
        let file = scratch.file(&format!("values-{worker}.csv"));
        std::fs::write(&file, csv).unwrap();
        children.push(
            binary()
                .args(["--database-url", &url, "import", file.to_str().unwrap(), "--as", "editor"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
    }
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(succeeds(&output).contains("3000 created"), "{}", text(&output.stdout));
    }
    succeeds(&rightsmon(&url, &["audit", "verify"]));
}

/// Opens the SQLite file the binary writes, with the driver's own tools.
/// One connection to a database file, as someone with the file in hand would open it.
async fn raw(url: &str) -> sqlx::SqlitePool {
    sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(url).await.unwrap()
}

#[test]
fn audit_verify_fails_on_an_entry_edited_removed_or_moved_by_hand() {
    let scratch = Scratch::new("audit");
    let url = initialised(&scratch);
    let verified = succeeds(&rightsmon(&url, &["audit", "verify"]));
    let head = verified.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(verified.contains("the audit log verifies") && head.contains(':'), "{verified}");
    succeeds(&rightsmon(&url, &["audit", "verify", "--expect", &head]));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // Copies are made by SQLite itself, so that each is a whole database whatever its journal holds.
    let copy = |name: &str| {
        let target = scratch.file(name);
        runtime.block_on(async {
            let pool = raw(&url).await;
            sqlx::query("VACUUM INTO $1").bind(target.display().to_string()).execute(&pool).await.unwrap();
            pool.close().await;
        });
        scratch.url_of(name)
    };
    // The database refuses edits; someone who drops its guard is still found out.
    let edited = copy("edited.db");
    runtime.block_on(async {
        let pool = raw(&edited).await;
        assert!(sqlx::query("UPDATE audit_events SET subject = 'user:1' WHERE id = 3").execute(&pool).await.is_err());
        sqlx::query("DROP TRIGGER audit_events_no_update").execute(&pool).await.unwrap();
        sqlx::query("UPDATE audit_events SET subject = 'user:1' WHERE id = 3").execute(&pool).await.unwrap();
        pool.close().await;
    });
    fails(&rightsmon(&edited, &["audit", "verify"]), "entry 3 was changed after it was written");
    let removed = copy("removed.db");
    runtime.block_on(async {
        let pool = raw(&removed).await;
        sqlx::query("DROP TRIGGER audit_events_no_delete").execute(&pool).await.unwrap();
        sqlx::query("DELETE FROM audit_events WHERE id = 5").execute(&pool).await.unwrap();
        pool.close().await;
    });
    fails(&rightsmon(&removed, &["audit", "verify"]), "entry 6 does not follow the entry before it");
    let moved = copy("moved.db");
    runtime.block_on(async {
        let pool = raw(&moved).await;
        sqlx::query("DROP TRIGGER audit_events_no_update").execute(&pool).await.unwrap();
        sqlx::query("UPDATE audit_events SET id = -id WHERE id IN (7, 8)").execute(&pool).await.unwrap();
        sqlx::query("UPDATE audit_events SET id = 8 WHERE id = -7").execute(&pool).await.unwrap();
        sqlx::query("UPDATE audit_events SET id = 7 WHERE id = -8").execute(&pool).await.unwrap();
        pool.close().await;
    });
    fails(&rightsmon(&moved, &["audit", "verify"]), "entry 7 does not follow");
    // Entries cut from the end leave a chain that verifies, but not against the head written down.
    let cut = copy("cut.db");
    let last: i64 = head.split(':').next().unwrap().parse().unwrap();
    runtime.block_on(async {
        let pool = raw(&cut).await;
        sqlx::query("DROP TRIGGER audit_events_no_delete").execute(&pool).await.unwrap();
        sqlx::query("DELETE FROM audit_events WHERE id >= $1").bind(last - 1).execute(&pool).await.unwrap();
        pool.close().await;
    });
    succeeds(&rightsmon(&cut, &["audit", "verify"]));
    fails(&rightsmon(&cut, &["audit", "verify", "--expect", &head]), "removed from the end");
}

/// The rows of each table of a portable backup, sorted: what "every table equal" compares.
fn tables_of(path: &Path) -> Vec<(String, Vec<String>)> {
    let content = std::fs::read_to_string(path).unwrap();
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    for line in content.lines().skip(1) {
        if line.starts_with('[') {
            tables.last_mut().unwrap().1.push(line.to_owned());
        } else if line.contains("\"table\"") {
            tables.push((line.to_owned(), Vec::new()));
        }
    }
    for (_, rows) in &mut tables {
        rows.sort();
    }
    tables
}

#[test]
fn an_instance_moves_sqlite_to_postgresql_to_sqlite_with_every_table_equal() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let Some(postgres) = runtime.block_on(rightsmon_store_postgres::testing::TestDatabase::create()).unwrap() else { return };
    let scratch = Scratch::new("move");
    // The demo network: reference data, the framework, accounts, values in every state,
    // proposals, a cycle, district outlines and a shadow value.
    let source = scratch.url_of("source.db");
    runtime.block_on(async {
        use rightsmon_store::prelude::*;
        let store = rightsmon_store_sqlite::SqliteStore::connect(&source).await.unwrap();
        store.migrate().await.unwrap();
        let app = rightsmon_app::App::new(Arc::new(store));
        rightsmon_app::reference::initialise(&app).await.unwrap();
        app.load_demo().await.unwrap();
    });
    let first = scratch.file("first.jsonl");
    succeeds(&rightsmon(&source, &["backup", "--portable", "--output", first.to_str().unwrap()]));
    fails(&rightsmon(&source, &["backup", "--portable", "--output", first.to_str().unwrap()]), "exists already");
    // Into PostgreSQL, and back out.
    let pg = postgres.url();
    runtime.block_on(async {
        use rightsmon_store::prelude::*;
        // The test database is migrated and empty.
        assert_eq!(postgres.store.list_users().await.unwrap().len(), 0);
    });
    let restored = succeeds(&rightsmon(&pg, &["restore", first.to_str().unwrap()]));
    assert!(restored.contains("the audit log verifies"), "{restored}");
    fails(&rightsmon(&pg, &["restore", first.to_str().unwrap()]), "is not empty");
    let second = scratch.file("second.jsonl");
    succeeds(&rightsmon(&pg, &["backup", "--output", second.to_str().unwrap()]));
    // And into a new SQLite file.
    let target = scratch.url_of("target.db");
    let restored = succeeds(&rightsmon(&target, &["restore", second.to_str().unwrap()]));
    assert!(restored.contains("the audit log verifies"), "{restored}");
    let third = scratch.file("third.jsonl");
    succeeds(&rightsmon(&target, &["backup", "--portable", "--output", third.to_str().unwrap()]));
    let tables = tables_of(&first);
    assert!(tables.len() >= 29, "{}", tables.len());
    assert!(tables.iter().any(|(t, rows)| t.contains("\"observations\"") && rows.len() > 100));
    assert_eq!(tables, tables_of(&second), "SQLite -> PostgreSQL");
    assert_eq!(tables, tables_of(&third), "PostgreSQL -> SQLite");
    // The SQLite file backup restores too, and the moved instance works: its users sign in.
    let copy = scratch.file("copy.db");
    succeeds(&rightsmon(&target, &["backup", "--output", copy.to_str().unwrap()]));
    let again = scratch.url_of("again.db");
    assert!(succeeds(&rightsmon(&again, &["restore", copy.to_str().unwrap()])).contains("the audit log verifies"));
    let users = succeeds(&rightsmon(&again, &["user", "list"]));
    assert!(users.contains("ghent-coordinator"), "{users}");
    // A damaged backup restores nothing and says where it is damaged.
    let damaged = scratch.file("damaged.jsonl");
    let content = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&damaged, &content[..content.len() / 2]).unwrap();
    let empty = scratch.url_of("empty.db");
    let output = rightsmon(&empty, &["restore", damaged.to_str().unwrap()]);
    fails(&output, "nothing was restored");
    runtime.block_on(postgres.destroy());
}
