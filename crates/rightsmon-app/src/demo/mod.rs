//! The demo network: the pilot cities with a few indicators, synthetic values and one account
//! per role. Every value is labelled as synthetic demo data, in its provenance and on every page.

use crate::accounts::UserForm;
use crate::{App, AppError, AppResult};
use rightsmon_domain::access::Role;
use rightsmon_domain::area::AreaKind;
use rightsmon_domain::catalogue::{IndicatorDefinition, IndicatorDraft, ValueType};
use rightsmon_domain::observation::{NewObservation, ObservationDraft, WorkflowState};
use rightsmon_store::{BenchmarkKind, StoreError};
use serde::Deserialize;

/// The source name every demo value carries.
pub const DEMO_SOURCE: &str = "Synthetic demo data (not real figures)";

/// The password of every demo account. The demo is for trying the system out, never for real data.
pub const DEMO_PASSWORD: &str = "rightsmon-demo";

/// One demo account: user name, role, the city of its role (if any).
pub const DEMO_ACCOUNTS: &[(&str, Role, Option<&str>)] = &[
    ("coordinator", Role::NetworkCoordinator, None),
    ("ghent-coordinator", Role::CityCoordinator, Some("ghent")),
    ("ghent-editor", Role::DataEditor, Some("ghent")),
    ("ghent-cso", Role::CivilSocietyMember, Some("ghent")),
    ("ghent-viewer", Role::Viewer, Some("ghent")),
    ("padova-editor", Role::DataEditor, Some("padova")),
];

const YEARS: std::ops::RangeInclusive<i32> = 2019..=2024;

#[derive(Deserialize)]
struct DemoFile {
    indicators: Vec<IndicatorDraft>,
}

/// The demo indicators, validated.
pub fn demo_indicators() -> anyhow::Result<Vec<IndicatorDefinition>> {
    let file: DemoFile = toml::from_str(include_str!("indicators.toml")).map_err(|e| anyhow::anyhow!("demo indicators: {e}"))?;
    file.indicators.iter().map(|d| IndicatorDefinition::parse(d).map_err(|e| anyhow::anyhow!("demo indicator {}: {e}", d.code))).collect()
}

/// A deterministic number in [0, 1) from a text (FNV-1a), so that the demo is the same every time.
fn unit_noise(seed: &str) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// The synthetic value of an indicator in a city, year and group.
fn synthetic_value(definition: &IndicatorDefinition, city: &str, year: i32, sex: Option<&str>) -> f64 {
    let base = unit_noise(&format!("{}|{city}", definition.code));
    let step = year - YEARS.start();
    let noise = unit_noise(&format!("{}|{city}|{year}|{}", definition.code, sex.unwrap_or("_T"))) - 0.5;
    let raw = match definition.value_type {
        ValueType::YesNo => return if base + f64::from(step) * 0.12 > 0.8 { 1.0 } else { 0.0 },
        _ => match definition.code.as_str() {
            "DEMO-HOU-1" => 8.0 + 14.0 * base - 0.4 * f64::from(step) + noise,
            "DEMO-EDU-1" => 5.0 + 9.0 * base - 0.3 * f64::from(step) + noise,
            "DEMO-PAR-1" => 38.0 + 30.0 * base + 0.5 * f64::from(step) + 2.0 * noise,
            "DEMO-SOC-1" => 25.0 + 30.0 * base + 0.8 * f64::from(step) + 2.0 * noise,
            "DEMO-GEN-1" => 25.0 + 20.0 * base + 1.2 * f64::from(step) + 2.0 * noise,
            _ => 50.0 + 10.0 * noise,
        },
    };
    let gap = match sex {
        Some("F") => 1.0 + 0.08 * (unit_noise(&format!("{city}|gap")) - 0.3),
        Some("M") => 1.0 - 0.08 * (unit_noise(&format!("{city}|gap")) - 0.3),
        _ => 1.0,
    };
    let value = (raw * gap).clamp(0.0, 100.0);
    (value * 10.0).round() / 10.0
}

/// What the demo set up.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub indicators: usize,
    pub observations: usize,
    pub accounts_created: usize,
}

impl App {
    /// Loads the demo network into a store that holds the reference data. A second run adds nothing.
    pub async fn load_demo(&self) -> AppResult<DemoReport> {
        let mut report = DemoReport::default();
        let now = self.now();
        let cities = self.store.list_areas(Some(AreaKind::City), None).await?;
        if cities.is_empty() {
            return Err(AppError::Internal(anyhow::anyhow!("load the reference data (rightsmon init) before the demo")));
        }
        let definitions = demo_indicators()?;
        for definition in &definitions {
            self.store.put_indicator_version(definition, now).await?;
        }
        report.indicators = definitions.len();
        for &(username, role, city) in DEMO_ACCOUNTS {
            let form = UserForm {
                username: username.to_owned(),
                display_name: format!("Demo {}", username.replace('-', " ")),
                email: None,
                password: DEMO_PASSWORD.to_owned(),
            };
            match self.create_user(None, &form).await {
                Ok(_) => report.accounts_created += 1,
                Err(AppError::Invalid(_)) => {} // exists from an earlier run
                Err(other) => return Err(other),
            }
            self.add_membership(username, role.as_str(), city, None).await?;
        }
        for city in &cities {
            for definition in &definitions {
                let sexes: &[Option<&str>] = if definition.disaggregations.is_empty() { &[None] } else { &[None, Some("F"), Some("M")] };
                for year in YEARS {
                    if definition.code.as_str() == "DEMO-PAR-1" && year % 2 == 0 {
                        continue; // elections are not held every year
                    }
                    // The latest year is still being validated everywhere.
                    let state = if year == *YEARS.end() { WorkflowState::Submitted } else { WorkflowState::Published };
                    for sex in sexes {
                        let value = synthetic_value(definition, city.code.as_str(), year, *sex);
                        let draft = ObservationDraft {
                            area: city.code.to_string(),
                            period: year.to_string(),
                            key: sex.map(|s| format!("SEX={s}")).unwrap_or_default(),
                            value: definition.format_value(value),
                            provenance_kind: Some("official".into()),
                            source_name: Some(DEMO_SOURCE.into()),
                            method_note: Some("Generated for the demonstration; not a measurement.".into()),
                            ..ObservationDraft::default()
                        };
                        let observation = NewObservation::parse(definition, &draft, state)
                            .map_err(|e| AppError::Internal(anyhow::anyhow!("demo value of {}: {e}", definition.code)))?;
                        match self.store.insert_observation(&observation, None, now).await {
                            Ok(_) => report.observations += 1,
                            Err(StoreError::Conflict { .. }) => {}
                            Err(other) => return Err(other.into()),
                        }
                    }
                }
                if definition.value_type != ValueType::YesNo {
                    let baseline = synthetic_value(definition, city.code.as_str(), *YEARS.start(), None);
                    let benchmark = rightsmon_domain::observation::Benchmark {
                        indicator: definition.code.clone(),
                        area: city.code.clone(),
                        key: rightsmon_domain::codelist::DisaggregationKey::total(),
                        period: rightsmon_domain::period::Period::Year(*YEARS.start()),
                        value: baseline,
                    };
                    self.store.put_benchmark(BenchmarkKind::Baseline, &benchmark).await?;
                }
            }
        }
        if report.observations > 0 || report.accounts_created > 0 {
            self.audit(None, "demo.loaded", "demo".into(), serde_json::json!({"observations": report.observations})).await?;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_indicators_are_valid_and_values_within_limits() {
        let definitions = demo_indicators().unwrap();
        assert_eq!(definitions.len(), 6);
        for definition in &definitions {
            for year in YEARS {
                for sex in [None, Some("F"), Some("M")] {
                    let value = synthetic_value(definition, "ghent", year, sex);
                    assert!(definition.check_number(value).is_ok(), "{} {year} {value}", definition.code);
                }
            }
        }
        assert_eq!(synthetic_value(&definitions[0], "ghent", 2020, None), synthetic_value(&definitions[0], "ghent", 2020, None));
    }
}
