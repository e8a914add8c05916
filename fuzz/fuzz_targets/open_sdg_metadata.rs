//! An Open SDG metadata file (`meta/<id>.csv`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = rightsmon_formats::open_sdg::read_metadata(data);
});
