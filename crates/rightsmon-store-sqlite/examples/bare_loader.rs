//! The baseline of the import benchmark (`bench/import/run`): a bare CSV-to-SQLite loader that
//! writes the same rows as `rightsmon import` into the same table and indexes (a value's history
//! begins with its first change), in one transaction, with the same driver, settings and statements
//! of many rows, and no validation, lookups or reports.
//!
//! Usage: `bare_loader DATABASE_URL FILE.csv` for a file with the columns
//! `indicator,area,period,group,value`, whose periods are days.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use std::str::FromStr;

const CHUNK: usize = 100;

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
    let mut rows = 0u64;
    let mut chunk: Vec<csv::StringRecord> = Vec::with_capacity(CHUNK);
    let mut records = reader.records();
    loop {
        chunk.clear();
        for record in records.by_ref().take(CHUNK) {
            chunk.push(record.unwrap());
        }
        if chunk.is_empty() {
            break;
        }
        let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO observations (indicator_code, version, area_code, city_code, period, period_start, period_months, \
             disaggregation, number_value, status, provenance_kind, state, revision, created_at, updated_at) ",
        );
        insert.push_values(&chunk, |mut row, r| {
            let period = &r[2];
            // Days: months since year 0, and no whole month.
            let start = period[0..4].parse::<i64>().unwrap() * 12 + period[5..7].parse::<i64>().unwrap() - 1;
            row.push_bind(r[0].to_owned())
                .push_bind(1_i64)
                .push_bind(r[1].to_owned())
                .push_bind(r[1].to_owned())
                .push_bind(period.to_owned())
                .push_bind(start)
                .push_bind(0_i64)
                .push_bind(r[3].to_owned())
                .push_bind(r[4].parse::<f64>().unwrap())
                .push_bind("normal")
                .push_bind("official")
                .push_bind("draft")
                .push_bind(1_i64)
                .push_bind(0_i64)
                .push_bind(0_i64);
        });
        insert.build().execute(&mut *tx).await.unwrap();
        rows += chunk.len() as u64;
    }
    tx.commit().await.unwrap();
    println!("{rows} rows");
}
