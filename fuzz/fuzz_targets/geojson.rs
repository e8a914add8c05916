//! District outlines in GeoJSON, checked feature by feature and simplified.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = rightsmon_formats::geojson::read(data, None);
    let _ = rightsmon_formats::geojson::read(data, Some(0.001));
});
