//! A framework workbook, as `rightsmon framework import FILE.xlsx` reads it.
#![no_main]
#[path = "common.rs"]
mod common;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::let_caught_panics_be();
    let _ = rightsmon_formats::framework_xlsx::read(data);
});
