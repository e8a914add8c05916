//! `rightsmon composite`'s inputs: a structure, a data table and options (parts separated by a
//! line `---`), and the index computed from them.
#![no_main]
#[path = "common.rs"]
mod common;
use libfuzzer_sys::fuzz_target;
use rightsmon_analysis::composite::{Options, compute};
use rightsmon_formats::composite::{DataOptions, read_data, read_structure};
use rightsmon_formats::composite_options::read_options;

fuzz_target!(|data: &[u8]| {
    let parts = common::parts(data, 3);
    let Ok(structure) = read_structure(parts[0]) else { return };
    let mut options = match std::str::from_utf8(parts[2]).ok().map(read_options) {
        Some(Ok(options)) => options,
        Some(Err(_)) => return,
        None => Options::default(),
    };
    // The work grows with the sensitivity runs asked for (at most a million): the target keeps
    // them few, so that it tests the computation rather than its length.
    if let Some(sensitivity) = &mut options.sensitivity {
        sensitivity.runs = sensitivity.runs.min(50);
    }
    let data_options = DataOptions { unit: None, group: None, year: None, carry_forward: false };
    let Ok(table) = read_data(parts[1], &structure.columns(), &data_options) else { return };
    let _ = compute(&structure, &table, &options);
});
