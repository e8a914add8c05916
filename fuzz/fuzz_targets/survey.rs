//! `rightsmon survey estimate`'s inputs: a design description and a CSV of respondents (parts
//! separated by a line `---`), and every estimate the design asks for, with disclosure control.
#![no_main]
#[path = "common.rs"]
mod common;
use libfuzzer_sys::fuzz_target;
use rightsmon_formats::survey::{read_design, read_microdata, run};
use rightsmon_formats::table::Table;

fuzz_target!(|data: &[u8]| {
    let parts = common::parts(data, 2);
    let Ok(text) = std::str::from_utf8(parts[0]) else { return };
    let Ok(design) = read_design(text) else { return };
    let Ok(table) = Table::csv(parts[1]) else { return };
    let Ok(microdata) = read_microdata(table, &design) else { return };
    let _ = run(&design, &microdata);
});
