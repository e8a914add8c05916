//! The values a form or a row gives: periods, codes, groups, numbers, user names, passwords,
//! and a whole value of an indicator of the starter framework, field by field (fields separated
//! by a line break).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rightsmon_domain::access::{Password, Username};
use rightsmon_domain::catalogue::IndicatorDefinition;
use rightsmon_domain::codelist::DisaggregationKey;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::observation::{NewObservation, ObservationDraft, WorkflowState, parse_number};
use rightsmon_domain::period::Period;
use std::sync::OnceLock;

fn definitions() -> &'static [IndicatorDefinition] {
    static DEFINITIONS: OnceLock<Vec<IndicatorDefinition>> = OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        let file = rightsmon_app::framework::parse_file(
            rightsmon_app::framework::STARTER_FRAMEWORK.as_bytes(),
            rightsmon_app::framework::FrameworkFormat::Toml,
        )
        .map(|f| f.indicators)
        .unwrap_or_default();
        file.iter().filter_map(|d| IndicatorDefinition::parse(d).ok()).collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let fields: Vec<&str> = text.split('\n').collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or_default();
    for f in &fields {
        let _ = Period::parse(f);
        let _ = Period::parse_open_sdg_year(f);
        let _ = AreaCode::parse(f);
        let _ = IndicatorCode::parse(f);
        let _ = DisaggregationKey::parse(f);
        let _ = parse_number(f);
        let _ = Username::parse(f);
        let _ = Password::parse_new_for(f, "ana");
    }
    let definitions = definitions();
    if definitions.is_empty() {
        return;
    }
    let definition = &definitions[data.first().copied().unwrap_or(0) as usize % definitions.len()];
    let draft = ObservationDraft {
        area: field(0).into(),
        period: field(1).into(),
        key: field(2).into(),
        value: field(3).into(),
        lower_bound: Some(field(4).into()).filter(|v: &String| !v.is_empty()),
        upper_bound: Some(field(5).into()).filter(|v: &String| !v.is_empty()),
        status: Some(field(6).into()).filter(|v: &String| !v.is_empty()),
        ..ObservationDraft::default()
    };
    let _ = NewObservation::parse(definition, &draft, WorkflowState::Draft);
});
