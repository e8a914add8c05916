//! Bulk imports: a real city's Open SDG folder (Bristol) imported, counted and exported again;
//! malformed files that import nothing and name each problem's row.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rightsmon_app::App;
use rightsmon_app::accounts::UserForm;
use rightsmon_app::imports::{ImportReport, ImportRequest, OpenSdgFile, OpenSdgMapping};
use rightsmon_domain::access::Actor;
use rightsmon_domain::area::{Area, AreaDraft};
use rightsmon_domain::period::Period;
use rightsmon_formats::table::Table;
use rightsmon_store::{ObservationQuery, Store, Visibility};
use rightsmon_store_sqlite::SqliteStore;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

const MAPPING: &str = r#"
[indicators."16-1-3"]
value_type = "count"
additivity = "additive"
direction = "lower_is_better"

[indicators."8-5-2"]
value_type = "percentage"
direction = "lower_is_better"
"#;

fn bristol() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/bristol-open-sdg")
}

async fn fresh() -> (App, Actor) {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(Arc::new(store));
    rightsmon_app::reference::initialise(&app).await.unwrap();
    let city = Area::parse(&AreaDraft {
        code: "bristol".into(),
        kind: "city".into(),
        parent: Some("decide".into()),
        name: "Bristol".into(),
        country: Some("GB".into()),
        language: Some("en".into()),
        ..AreaDraft::default()
    })
    .unwrap();
    app.store.upsert_area(&city, &rightsmon_store::conformance::cases::audit()).await.unwrap();
    app.create_user(
        None,
        &UserForm {
            username: "coordinator".into(),
            display_name: "Coordinator".into(),
            email: None,
            password: "a long enough password".into(),
        },
    )
    .await
    .unwrap();
    app.add_membership("coordinator", "city_coordinator", Some("bristol"), None).await.unwrap();
    for city in ["bristol", "ghent"] {
        let name = format!("editor-{city}");
        app.create_user(
            None,
            &UserForm { username: name.clone(), display_name: name.clone(), email: None, password: "a long enough password".into() },
        )
        .await
        .unwrap();
        app.add_membership(&name, "data_editor", Some(city), None).await.unwrap();
    }
    let actor = app.actor_for_username("coordinator").await.unwrap();
    (app, actor)
}

/// The complete indicators of the folder, as the command line finds them.
fn complete_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(bristol().join("csv-meta"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("Reporting status,complete"))
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn files(ids: &[String], replace: Option<(&str, Vec<u8>)>) -> Vec<OpenSdgFile<std::io::Cursor<Vec<u8>>>> {
    ids.iter()
        .map(|id| {
            let metadata =
                rightsmon_formats::open_sdg::read_metadata(std::fs::File::open(bristol().join(format!("csv-meta/{id}.csv"))).unwrap())
                    .unwrap();
            let bytes = match &replace {
                Some((which, bytes)) if which == id => bytes.clone(),
                _ => std::fs::read(bristol().join(format!("data/indicator_{id}.csv"))).unwrap(),
            };
            OpenSdgFile { id: id.clone(), metadata, open: Box::new(move || Ok(std::io::Cursor::new(bytes.clone()))) }
        })
        .collect()
}

/// The rows of an Open SDG file that hold a value, as (period, column -> label, value), in a
/// form both the source files and the export share.
fn rows_of(bytes: &[u8]) -> Vec<(String, BTreeMap<String, String>, String)> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(|h| h.trim().to_lowercase()).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut year = String::new();
        let mut value = String::new();
        let mut labels = BTreeMap::new();
        for (name, cell) in header.iter().zip(record.iter()) {
            let cell = cell.trim();
            match name.as_str() {
                "year" => year = Period::parse_open_sdg_year(cell).unwrap().to_string(),
                "value" => value = cell.to_owned(),
                _ if !cell.is_empty() => {
                    labels.insert(name.clone(), cell.to_owned());
                }
                _ => {}
            }
        }
        if rightsmon_formats::open_sdg::is_missing(&value) {
            continue;
        }
        let number: f64 = value.parse().unwrap();
        rows.push((year, labels, format!("{number}")));
    }
    rows.sort();
    rows
}

async fn import_bristol(app: &App, actor: &Actor, ids: &[String], mapping: &str, request: &ImportRequest) -> ImportReport {
    let mapping = OpenSdgMapping::parse(mapping).unwrap();
    app.import_open_sdg(actor, "bristol", files(ids, None), &mapping, request, &|_, _| {}).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_complete_bristol_indicator_imports_counts_right_and_exports_the_same_rows() {
    let (app, actor) = fresh().await;
    let ids = complete_ids();
    assert_eq!(ids.len(), 111);

    let dry = import_bristol(&app, &actor, &ids, MAPPING, &ImportRequest { dry_run: true, ..ImportRequest::default() }).await;
    assert!(dry.problems.is_empty(), "{:#?}", &dry.problems[..dry.problems.len().min(10)]);
    assert!(!dry.committed);
    assert_eq!(app.store.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap().total, 0, "a dry run writes nothing");
    assert!(app.store.get_indicator(&"bristol.16-1-3".parse_code(), None).await.is_err(), "nor any indicator");

    let report = import_bristol(&app, &actor, &ids, MAPPING, &ImportRequest::default()).await;
    assert!(report.problems.is_empty(), "{:#?}", &report.problems[..report.problems.len().min(10)]);
    assert!(report.committed);
    assert_eq!(report.indicators.len(), 111);
    assert_eq!(report.created, dry.created);
    assert!(report.skipped > 2900, "rows without a value are skipped: {}", report.skipped);

    let mut total_rows = 0;
    for id in &ids {
        let source = std::fs::read(bristol().join(format!("data/indicator_{id}.csv"))).unwrap();
        let expected = rows_of(&source);
        total_rows += expected.len() as u64;
        let exported = app.export_open_sdg(&actor, &format!("bristol.{id}"), "bristol").await.unwrap();
        let got = rows_of(&exported);
        assert_eq!(got, expected, "indicator {id}: the export gives the rows of the file");

        // Disaggregation combinations and series: the same distinct groups as the file.
        let file_groups: BTreeSet<&BTreeMap<String, String>> = expected.iter().map(|(_, labels, _)| labels).collect();
        let stored = app
            .store
            .list_observations(&ObservationQuery {
                indicator: Some(format!("bristol.{id}").parse_code()),
                page: rightsmon_store::PageRequest::new(1, 0),
                ..ObservationQuery::new(Visibility::All)
            })
            .await
            .unwrap();
        assert_eq!(stored.total, expected.len() as u64, "indicator {id}: one stored value per row");
        let export_groups: BTreeSet<&BTreeMap<String, String>> = got.iter().map(|(_, labels, _)| labels).collect();
        assert_eq!(export_groups.len(), file_groups.len(), "indicator {id}: combinations");
        let series = |rows: &[(String, BTreeMap<String, String>, String)]| -> BTreeSet<(Option<String>, Option<String>)> {
            rows.iter().map(|(_, l, _)| (l.get("series").cloned(), l.get("units").cloned())).collect()
        };
        assert_eq!(series(&got), series(&expected), "indicator {id}: series");
    }
    assert_eq!(report.created, total_rows);

    // The same folder again changes nothing.
    let again = import_bristol(&app, &actor, &ids, MAPPING, &ImportRequest::default()).await;
    assert_eq!((again.created, again.revised, again.unchanged), (0, 0, total_rows));
    assert!(again.indicators.is_empty());
}

trait ParseCode {
    fn parse_code(&self) -> rightsmon_domain::id::IndicatorCode;
}

impl ParseCode for str {
    fn parse_code(&self) -> rightsmon_domain::id::IndicatorCode {
        rightsmon_domain::id::IndicatorCode::parse(self).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn violent_crime_adds_up_and_the_rates_of_8_5_2_are_never_summed() {
    let (app, actor) = fresh().await;
    let ids = vec!["16-1-3".to_owned(), "8-5-2".to_owned()];
    let report = import_bristol(&app, &actor, &ids, MAPPING, &ImportRequest::default()).await;
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    let crime = app.indicator("bristol.16-1-3", None).await.unwrap();
    assert!(rightsmon_domain::validation::has_rules(&crime));
    let rates = app.indicator("bristol.8-5-2", None).await.unwrap();
    assert!(!rightsmon_domain::validation::has_rules(&rates), "shares of overlapping groups get no additivity rule");

    // One crime type changed: the parts no longer add up to the headline, and nothing changes.
    let source = std::fs::read_to_string(bristol().join("data/indicator_16-1-3.csv")).unwrap();
    assert!(source.contains("2018,Homicide,7"));
    let tampered = source.replace("2018,Homicide,7", "2018,Homicide,8").into_bytes();
    let mapping = OpenSdgMapping::parse(MAPPING).unwrap();
    let request = ImportRequest { reason: Some("Corrected homicide count".into()), ..ImportRequest::default() };
    let broken =
        app.import_open_sdg(&actor, "bristol", files(&ids, Some(("16-1-3", tampered))), &mapping, &request, &|_, _| {}).await.unwrap();
    assert!(!broken.committed);
    let rule: Vec<_> = broken.problems.iter().filter(|p| p.code == "additivity").collect();
    assert_eq!(rule.len(), 1, "{:#?}", broken.problems);
    assert!(rule[0].message.contains("2018"), "{}", rule[0].message);
    assert!(rule[0].row.is_some());

    // Declaring the rates additive is refused outright.
    let additive_rates = format!("{MAPPING}\n[indicators.\"4-1-2\"]\nvalue_type = \"percentage\"\nadditivity = \"additive\"\n");
    let refused = import_bristol(&app, &actor, &["4-1-2".to_owned()], &additive_rates, &ImportRequest::default()).await;
    assert!(refused.problems.iter().any(|p| p.code == "not_additive"), "{:#?}", refused.problems);
}

async fn long(app: &App, actor: &Actor, bytes: &[u8]) -> ImportReport {
    match Table::csv(bytes) {
        Ok(table) => app.import_long(actor, table, &ImportRequest::default(), &|_, _| {}).await.unwrap(),
        Err(e) => panic!("{e}"),
    }
}

async fn stored(app: &App) -> u64 {
    app.store.list_observations(&ObservationQuery::new(Visibility::All)).await.unwrap().total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_files_import_nothing_and_name_each_problem_with_its_row() {
    let (app, _) = fresh().await;
    let editor = app.actor_for_username("editor-ghent").await.unwrap();
    let header = "indicator,area,period,group,value,source_name\n";
    let good = format!("{header}RM-HOU-01,ghent,2022,,12.5,EU-SILC\nRM-HOU-01,ghent,2023,SEX=F,13.5,EU-SILC\n");
    let report = long(&app, &editor, good.as_bytes()).await;
    assert!(report.committed, "{:#?}", report.problems);
    assert_eq!(report.created, 2);
    assert_eq!(long(&app, &editor, good.as_bytes()).await.unchanged, 2, "re-importing creates no duplicates");

    // A text in a number, and an unknown indicator, each on its row; the good row is not kept.
    let bad = format!(
        "{header}RM-HOU-01,ghent,2021,,12.5,x\nRM-HOU-01,ghent,2020,,twelve,x\nRM-NOPE-01,ghent,2020,,1,x\nRM-HOU-01,ghent,2019,,140,x\n"
    );
    let report = long(&app, &editor, bad.as_bytes()).await;
    assert!(!report.committed);
    let found: Vec<(Option<u64>, &str, &str)> =
        report.problems.iter().map(|p| (p.row, p.column.as_deref().unwrap_or(""), p.code.as_str())).collect();
    assert_eq!(found, [(Some(3), "value", "not_a_number"), (Some(4), "indicator", "unknown_indicator"), (Some(5), "value", "above_limit")]);
    assert_eq!(report.problems[0].value.as_deref(), Some("twelve"));
    assert_eq!(stored(&app).await, 2, "nothing of the bad file was stored");

    // The same subject twice in one file: the same value is a warning, another value a problem.
    let twice = format!("{header}RM-HOU-01,ghent,2018,,11,x\nRM-HOU-01,ghent,2018,,11,x\n");
    let report = long(&app, &editor, twice.as_bytes()).await;
    assert!(report.committed, "{:#?}", report.problems);
    assert_eq!((report.created, report.warnings.len()), (1, 1));
    assert_eq!((report.warnings[0].row, report.warnings[0].code.as_str()), (Some(3), "repeated"));
    let differs = format!("{header}RM-HOU-01,ghent,2017,,11,x\nRM-HOU-01,ghent,2017,,12,x\n");
    let report = long(&app, &editor, differs.as_bytes()).await;
    assert!(!report.committed);
    assert_eq!((report.problems[0].row, report.problems[0].code.as_str()), (Some(3), "changed_value"));
    assert!(report.problems[0].message.contains("row 2"), "{}", report.problems[0].message);
    assert_eq!(stored(&app).await, 3);

    // Bad UTF-8.
    let mut latin1 = format!("{header}RM-HOU-01,ghent,2021,,12.5,").into_bytes();
    latin1.extend_from_slice(b"Enqu\xeate\n");
    let report = long(&app, &editor, &latin1).await;
    assert_eq!(report.problems.len(), 1);
    assert_eq!((report.problems[0].row, report.problems[0].code.as_str()), (Some(2), "unreadable"));
    assert!(report.problems[0].message.contains("UTF-8"));

    // A missing column.
    let report = long(&app, &editor, b"indicator,area,value\nRM-HOU-01,ghent,1\n").await;
    assert_eq!(report.problems.len(), 1);
    assert_eq!((report.problems[0].row, report.problems[0].column.as_deref()), (Some(1), Some("period")));

    // Another city's values are not the editor's to import.
    let report = long(&app, &editor, format!("{header}RM-HOU-01,padova,2021,,12.5,x\n").as_bytes()).await;
    assert_eq!(report.problems[0].code, "forbidden");

    // A changed value needs a reason, and then becomes a revision.
    let changed = format!("{header}RM-HOU-01,ghent,2022,,12.7,EU-SILC\n");
    let report = long(&app, &editor, changed.as_bytes()).await;
    assert_eq!(report.problems[0].code, "changed_value");
    let with_reason = ImportRequest { reason: Some("Final figures".into()), ..ImportRequest::default() };
    let report = app.import_long(&editor, Table::csv(changed.as_bytes()).unwrap(), &with_reason, &|_, _| {}).await.unwrap();
    assert_eq!((report.revised, report.committed), (1, true));

    // A truncated workbook is refused before anything is read.
    let sheet = rightsmon_formats::spreadsheet::Sheet {
        name: "values".into(),
        rows: format!("{header}RM-HOU-01,ghent,2022,,12.7,EU-SILC\nRM-HOU-01,ghent,2023,SEX=F,13.5,EU-SILC\n")
            .lines()
            .map(|l| l.split(',').map(|c| rightsmon_formats::spreadsheet::Cell::Text(c.into())).collect())
            .collect(),
    };
    let workbook = rightsmon_formats::spreadsheet::write_xlsx(&[sheet]).unwrap();
    let table = Table::xlsx(&workbook).unwrap();
    let report = app.import_long(&editor, table, &ImportRequest::default(), &|_, _| {}).await.unwrap();
    assert_eq!(report.unchanged, 2, "the whole workbook reads as the CSV did");
    assert!(Table::xlsx(&workbook[..workbook.len() - 200]).is_err());
    assert_eq!(stored(&app).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misleading_files_get_problems_that_name_what_is_wrong_and_nothing_is_counted_as_written() {
    let (app, _) = fresh().await;
    let editor = app.actor_for_username("editor-ghent").await.unwrap();
    let header = "indicator,area,period,group,value,source_name\n";

    // A quote never closed is named where it opens, instead of the rest of the file becoming one value.
    let unclosed = format!("{header}RM-HOU-01,ghent,2022,,12.5,x\nRM-HOU-01,\"ghent,2023,,13,x\nRM-HOU-01,ghent,2021,,11,x\n");
    let report = long(&app, &editor, unclosed.as_bytes()).await;
    assert!(!report.committed);
    let problems: Vec<(Option<u64>, Option<&str>)> = report.problems.iter().map(|p| (p.row, p.column.as_deref())).collect();
    assert_eq!(problems, [(Some(3), Some("B"))], "{:#?}", report.problems);
    assert!(report.problems[0].message.contains("never closed"), "{}", report.problems[0].message);

    // A column given twice is ambiguous.
    let twice = "indicator,area,period,value,value\nRM-HOU-01,ghent,2022,12.5,13\n";
    let report = long(&app, &editor, twice.as_bytes()).await;
    assert!(!report.committed);
    assert!(report.problems.iter().any(|p| p.row == Some(1) && p.message.contains("given twice")), "{:#?}", report.problems);

    // A number too close to zero is not stored as 0.
    let tiny = format!("{header}RM-HOU-01,ghent,2022,,1e-400,x\nRM-HOU-01,ghent,2021,,12,x\n");
    let report = long(&app, &editor, tiny.as_bytes()).await;
    assert_eq!(report.problems[0].code, "number_out_of_range");
    // The good row was checked but not written, and the report does not say it was created.
    assert_eq!((report.committed, report.created, report.revised), (false, 0, 0));
    assert_eq!(stored(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outlier_warns_but_does_not_block() {
    let (app, _) = fresh().await;
    let editor = app.actor_for_username("editor-ghent").await.unwrap();
    let mut csv = "indicator,area,period,value\n".to_owned();
    for (year, value) in [(2015, 20.1), (2016, 20.4), (2017, 19.8), (2018, 20.0), (2019, 20.3), (2020, 61.0)] {
        csv.push_str(&format!("RM-HOU-01,ghent,{year},{value}\n"));
    }
    let report = long(&app, &editor, csv.as_bytes()).await;
    assert!(report.committed);
    assert_eq!(report.warnings.len(), 1, "{:#?}", report.warnings);
    assert_eq!((report.warnings[0].row, report.warnings[0].code.as_str()), (Some(7), "outlier"));
    assert!(report.outlier_method.contains("modified-z-score"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_semicolon_file_with_decimal_commas_imports_exactly_like_its_comma_and_point_twin() {
    let point = "indicator,area,period,group,value,lower_bound,upper_bound,source_name\r\n\
                 RM-HOU-01,bristol,2019,,12.5,11.75,13.25,\"EU-SILC, city sample\"\r\n\
                 RM-HOU-01,bristol,2020,SEX=F,13.4,,,EU-SILC\r\n\
                 RM-HOU-01,bristol,2021,,0.125,,,ONS\r\n";
    let european = "indicator;area;period;group;value;lower_bound;upper_bound;source_name\r\n\
                    RM-HOU-01;bristol;2019;;12,5;11,75;13,25;EU-SILC, city sample\r\n\
                    RM-HOU-01;bristol;2020;SEX=F;\"13,4\";;;EU-SILC\r\n\
                    RM-HOU-01;bristol;2021;;0,125;;;ONS\r\n";
    let mut stored_rows = Vec::new();
    for file in [point, european] {
        let (app, _) = fresh().await;
        let coordinator = app.actor_for_username("coordinator").await.unwrap();
        let table = Table::csv(file.as_bytes()).unwrap();
        let dialect = table.dialect().unwrap();
        let report = app.import_long(&coordinator, table, &ImportRequest::default(), &|_, _| {}).await.unwrap();
        assert!(report.committed, "{:#?}", report.problems);
        assert_eq!((report.created, report.csv), (3, Some(dialect)), "the report says how the file was read");
        let mut values: Vec<_> = app
            .store
            .list_all_observations(&ObservationQuery::new(Visibility::All))
            .await
            .unwrap()
            .into_iter()
            .map(|o| {
                (
                    o.data.area,
                    o.data.period,
                    o.data.key,
                    o.data.value,
                    o.data.lower_bound,
                    o.data.upper_bound,
                    o.data.provenance.source_name,
                )
            })
            .collect();
        values.sort_by_key(|v| format!("{v:?}"));
        stored_rows.push(values);
    }
    assert_eq!(stored_rows[0], stored_rows[1], "the twins store the same values");
    assert_eq!(stored_rows[0].len(), 3);

    // Unquoted in a comma file, a decimal comma makes a row one value too long: refused with its row.
    let (app, _) = fresh().await;
    let coordinator = app.actor_for_username("coordinator").await.unwrap();
    let split = "indicator,area,period,value,source_name\nRM-HOU-01,bristol,2020,12.5,EU-SILC\nRM-HOU-01,bristol,2021,53,0,\n";
    let report = long(&app, &coordinator, split.as_bytes()).await;
    assert!(!report.committed);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].row, Some(3));
    assert!(report.problems[0].message.contains("decimal comma"), "{}", report.problems[0].message);
    assert_eq!(stored(&app).await, 0);
}
