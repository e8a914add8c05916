//! A CSV table as every import reads it: header, repeated columns, records, row numbers.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rightsmon_formats::table::{Table, repeated_column};

fuzz_target!(|data: &[u8]| {
    if let Ok(mut table) = Table::csv(data) {
        let _ = repeated_column(table.header());
        while let Some(record) = table.next_record() {
            if let Ok(record) = record {
                assert!(record.row >= 2, "a record's row comes after the header");
            }
        }
    }
});
