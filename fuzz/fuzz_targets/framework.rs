//! A framework file in TOML or JSON (the first byte chooses), and an Open SDG mapping file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rightsmon_app::framework::{FrameworkFormat, parse_file};

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else { return };
    let format = if first % 2 == 0 { FrameworkFormat::Toml } else { FrameworkFormat::Json };
    let _ = parse_file(rest, format);
    if let Ok(text) = std::str::from_utf8(rest) {
        let _ = rightsmon_app::imports::OpenSdgMapping::parse(text);
    }
});
