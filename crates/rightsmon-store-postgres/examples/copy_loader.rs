//! The PostgreSQL baseline of the import benchmark (`bench/import/run`): a bare loader that
//! writes the same rows as `rightsmon import` into the same table and indexes with `COPY` (a
//! value's history begins with its first change), in one transaction,
//! with no validation, lookups or reports.
//!
//! Usage: `copy_loader DATABASE_URL FILE.csv` for a file with the columns
//! `indicator,area,period,group,value`, whose periods are days.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sqlx::Connection;

/// Bytes sent to the server at a time.
const BUFFER: usize = 1 << 20;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (url, path) = (&args[1], &args[2]);
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    let mut tx = connection.begin().await.unwrap();
    let mut copy = tx
        .copy_in_raw(
            "COPY observations (indicator_code, version, area_code, city_code, period, period_start, period_months, \
             disaggregation, number_value, status, provenance_kind, state, revision, created_at, updated_at) \
             FROM STDIN WITH (FORMAT csv)",
        )
        .await
        .unwrap();
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut buffer = Vec::with_capacity(BUFFER + 4096);
    let mut rows = 0u64;
    for record in reader.records() {
        let r = record.unwrap();
        let period = &r[2];
        // Days: months since year 0, and no whole month.
        let start = period[0..4].parse::<i64>().unwrap() * 12 + period[5..7].parse::<i64>().unwrap() - 1;
        let value = r[4].parse::<f64>().unwrap();
        use std::io::Write;
        writeln!(buffer, "{},1,{},{},{period},{start},0,\"{}\",{value},normal,official,draft,1,0,0", &r[0], &r[1], &r[1], &r[3]).unwrap();
        rows += 1;
        if buffer.len() >= BUFFER {
            copy.send(std::mem::take(&mut buffer)).await.unwrap();
            buffer.reserve(BUFFER + 4096);
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer).await.unwrap();
    }
    copy.finish().await.unwrap();
    tx.commit().await.unwrap();
    println!("{rows} rows");
}
