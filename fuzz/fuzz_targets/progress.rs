//! `rightsmon progress`'s inputs: an Open SDG data file and its configuration (parts separated
//! by a line `---`), and every method's verdict on them.
#![no_main]
#[path = "common.rs"]
mod common;
use libfuzzer_sys::fuzz_target;
use rightsmon_analysis::progress::{
    EurostatOptions, eurostat_sdg_assessment, open_sdg_cagr_score, open_sdg_progress_measure, open_sdg_progress_status,
    unsd_progress_chart,
};
use rightsmon_formats::open_sdg_progress::{headline, read_config};

fuzz_target!(|data: &[u8]| {
    let parts = common::parts(data, 2);
    let Ok(series) = headline(parts[0]) else { return };
    let Ok(config) = read_config(&String::from_utf8_lossy(parts[1])) else { return };
    let o = &config.options;
    let _ = open_sdg_cagr_score(&series, o);
    let _ = open_sdg_progress_status(&series, o, config.thresholds);
    let _ = open_sdg_progress_measure(&series, o, config.limit);
    let _ = unsd_progress_chart(&series, o);
    let eurostat = EurostatOptions { direction: o.direction, target: o.target, target_year: o.target_year, ..EurostatOptions::default() };
    let _ = eurostat_sdg_assessment(&series, &eurostat);
});
