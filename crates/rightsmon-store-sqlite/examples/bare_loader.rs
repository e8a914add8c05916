//! The baseline of the import benchmark (`bench/import/run`): a bare CSV-to-SQLite loader that
//! writes the same rows as `rightsmon import` into the same tables and indexes (each value and
//! its first history entry), in one transaction, with no validation, lookups or reports.
//!
//! Usage: `bare_loader DATABASE_URL FILE.csv` for a file with the columns
//! `indicator,area,period,group,value`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use std::str::FromStr;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (url, path) = (&args[1], &args[2]);
    // The same settings as the store's connections.
    let options = SqliteConnectOptions::from_str(url)
        .unwrap()
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .pragma("cache_size", "-32768");
    let mut connection = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
    let mut tx = connection.begin().await.unwrap();
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut record = csv::StringRecord::new();
    let mut rows = 0u64;
    while reader.read_record(&mut record).unwrap() {
        let (indicator, area, period, group, value) = (&record[0], &record[1], &record[2], &record[3], &record[4]);
        let number: f64 = value.parse().unwrap();
        // Periods are days (YYYY-MM-DD): months since year 0, and no whole month.
        let start = period[0..4].parse::<i64>().unwrap() * 12 + period[5..7].parse::<i64>().unwrap() - 1;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO observations (indicator_code, version, area_code, city_code, period, period_start, period_months, \
             disaggregation, number_value, status, provenance_kind, state, revision, created_at, updated_at) \
             VALUES ($1, 1, $2, $2, $3, $4, 0, $5, $6, 'normal', 'official', 'draft', 1, 0, 0) RETURNING id",
        )
        .bind(indicator)
        .bind(area)
        .bind(period)
        .bind(start)
        .bind(group)
        .bind(number)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let snapshot = format!(
            "{{\"indicator\":\"{indicator}\",\"version\":1,\"area\":\"{area}\",\"period\":\"{period}\",\"key\":\"{group}\",\"value\":{number},\
             \"lower_bound\":null,\"upper_bound\":null,\"status\":\"normal\",\"provenance\":{{\"organisation_id\":null,\"kind\":\"official\",\
             \"source_name\":null,\"source_reference\":null,\"source_date\":null,\"method_note\":null}},\"state\":\"draft\"}}"
        );
        sqlx::query("INSERT INTO observation_revisions (observation_id, revision, at, user_id, action, reason, snapshot) VALUES ($1, 1, 0, NULL, 'created', NULL, $2)")
            .bind(id)
            .bind(snapshot)
            .execute(&mut *tx)
            .await
            .unwrap();
        rows += 1;
    }
    tx.commit().await.unwrap();
    println!("{rows} rows");
}
