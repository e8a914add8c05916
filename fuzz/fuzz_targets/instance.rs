//! A portable instance file, as `rightsmon restore` reads it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rightsmon_store::InstanceSource;
use rightsmon_store::instance::JsonLinesSource;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut source) = JsonLinesSource::new(data) {
        while let Some(item) = source.next_item() {
            if item.is_err() {
                break;
            }
        }
    }
});
