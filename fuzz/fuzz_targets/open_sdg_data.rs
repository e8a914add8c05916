//! An Open SDG data file: its columns and rows, and its headline series for progress.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rightsmon_formats::open_sdg::{OpenSdgColumns, next_row};
use rightsmon_formats::table::Table;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut table) = Table::csv(data)
        && let Ok(columns) = OpenSdgColumns::find(table.header())
    {
        while next_row(&mut table, &columns).is_some() {}
    }
    let _ = rightsmon_formats::open_sdg_progress::headline(data);
});
