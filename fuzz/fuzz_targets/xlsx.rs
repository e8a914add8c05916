//! An XLSX workbook as imports read it: every sheet within the limits, the first as a table.
#![no_main]
#[path = "common.rs"]
mod common;
use libfuzzer_sys::fuzz_target;
use rightsmon_formats::spreadsheet::{WorkbookLimits, read_xlsx_within};
use rightsmon_formats::table::Table;

fuzz_target!(|data: &[u8]| {
    common::let_caught_panics_be();
    // Smaller limits than the server's, so that the fuzzer meets them often.
    let limits = WorkbookLimits { max_cells: 200_000, max_seconds: 2, ..WorkbookLimits::default() };
    if let Ok(sheets) = read_xlsx_within(data, &limits) {
        if let Some(sheet) = sheets.into_iter().next()
            && let Ok(mut table) = Table::sheet(sheet)
        {
            while table.next_record().is_some() {}
        }
    }
});
