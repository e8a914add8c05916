//! Monitoring reports: a city's report for a reporting cycle, frozen when it is issued.
//!
//! A report is a snapshot of stored data, kept as it was issued: its numbers do not change when
//! values are revised later. It records which values it used (each value's id and revision) and
//! the methods, with their versions, that gave its verdicts, so that anyone can tell which data
//! it rests on and whether newer values exist since.

use crate::accountability::{ActionStatus, RecommendationSource, Response};
use crate::id::{AreaCode, IndicatorCode};
use crate::participation::{Assessor, Verdict};
use crate::right::ThemeCode;
use crate::text::Texts;
use crate::time::{Date, Timestamp};
use serde::{Deserialize, Serialize};

/// The version of the snapshot's layout; a snapshot says which it was written in.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// A method that gave verdicts in a report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MethodUsed {
    pub name: String,
    pub version: u32,
}

/// A headline verdict as a report keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictLine {
    pub method: MethodUsed,
    /// `category`, `score` or `not_assessable`.
    pub kind: String,
    /// The category's code (a page translates it), or empty.
    pub code: String,
    /// The category's words in English, as the method's source publishes them.
    pub words: String,
    pub score: Option<f64>,
    /// Why the series could not be assessed.
    pub reason: Option<String>,
    /// For a state's verdict: the year since which it holds.
    pub since: Option<i32>,
}

/// One indicator of the city: its latest published value for the whole population up to the
/// cycle's period, and the headline verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorLine {
    pub code: IndicatorCode,
    pub name: Texts,
    pub unit: String,
    pub themes: Vec<ThemeCode>,
    pub rights: Vec<String>,
    pub period: Option<String>,
    pub value: Option<f64>,
    pub observation_id: Option<i64>,
    pub verdict: Option<VerdictLine>,
}

/// Per theme: how many of its indicators the city follows, how many have a value for the cycle,
/// and how their headline verdicts fall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeLine {
    pub code: ThemeCode,
    pub name: Texts,
    pub indicators: usize,
    pub measured: usize,
    /// Headline verdicts: method, category code and English words, and how many indicators.
    pub verdicts: Vec<(MethodUsed, String, String, usize)>,
}

/// A gap between a group and the reference group, in the latest period with group values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapLine {
    pub indicator: IndicatorCode,
    pub period: String,
    pub method: MethodUsed,
    pub reference: String,
    pub reference_value: f64,
    pub group: String,
    pub value: f64,
    pub absolute: f64,
    pub ratio: Option<f64>,
}

/// One side's latest assessment of a subject in the cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentLine {
    /// `right:CODE` or `theme:CODE`.
    pub subject: String,
    pub subject_name: Option<Texts>,
    pub assessor: Assessor,
    /// The organisation's name; `None` for the municipality.
    pub organisation: Option<String>,
    pub verdict: Verdict,
    pub reasoning: String,
    pub version: i64,
    /// Whether the sides disagree on the subject.
    pub disagreement: bool,
}

/// An action of a recommendation, as it stood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionLine {
    pub title: String,
    pub responsible: String,
    pub deadline: Option<Date>,
    pub status: ActionStatus,
    pub overdue: bool,
}

/// A published recommendation to the city, with the city's response and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendationLine {
    pub id: i64,
    pub title: String,
    pub source: RecommendationSource,
    pub made_on: Date,
    pub response: Response,
    pub implementation: ActionStatus,
    pub actions: Vec<ActionLine>,
}

/// An indicator the city follows without a published value for the cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataGap {
    pub code: IndicatorCode,
    pub name: Texts,
    /// The latest period with a value before it, if any.
    pub latest_period: Option<String>,
}

/// A value the report used: which, in which revision, and what it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsedValue {
    pub id: i64,
    pub indicator: IndicatorCode,
    pub period: String,
    /// The group (`SEX=F`), empty for the whole population.
    pub key: String,
    pub value: Option<f64>,
    pub revision: u32,
}

/// What a city's report for a cycle holds, as issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CityReportSnapshot {
    pub format: u32,
    pub city: AreaCode,
    pub city_name: String,
    pub cycle_id: i64,
    pub cycle_name: String,
    pub period: String,
    /// When the data were read.
    pub data_as_of: Timestamp,
    pub themes: Vec<ThemeLine>,
    pub indicators: Vec<IndicatorLine>,
    pub gaps: Vec<GapLine>,
    pub assessments: Vec<AssessmentLine>,
    pub recommendations: Vec<RecommendationLine>,
    pub data_gaps: Vec<DataGap>,
    pub values: Vec<UsedValue>,
    pub methods: Vec<MethodUsed>,
}

impl CityReportSnapshot {
    /// The recommendations with an overdue action, and those actions.
    pub fn overdue(&self) -> impl Iterator<Item = (&RecommendationLine, &ActionLine)> {
        self.recommendations.iter().flat_map(|r| r.actions.iter().filter(|a| a.overdue).map(move |a| (r, a)))
    }
}

/// An issued report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: i64,
    pub city: AreaCode,
    pub cycle_id: i64,
    pub title: String,
    pub issued_at: Timestamp,
    pub issued_by: Option<i64>,
    pub snapshot: CityReportSnapshot,
}

/// One city in the network's report: how far its monitoring has come and how its rights fare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkCityLine {
    pub code: AreaCode,
    pub name: String,
    /// Indicators it follows, and those with a published value.
    pub indicators: usize,
    pub measured: usize,
    /// Headline verdicts by method and category (code, English words), with their counts.
    pub verdicts: Vec<(MethodUsed, String, String, usize)>,
    pub recommendations: usize,
    pub implemented: usize,
    pub overdue_actions: usize,
    /// Subjects on which the municipality and civil society disagree, in the latest cycle.
    pub disagreements: usize,
    pub steps_reached: usize,
    pub steps: usize,
}

/// One city's latest published value of an indicator, with its headline verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonCell {
    pub period: String,
    pub value: Option<f64>,
    pub verdict: Option<VerdictLine>,
}

/// An indicator across the cities, in the order of the report's cities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonLine {
    pub code: IndicatorCode,
    pub name: Texts,
    pub unit: String,
    pub cells: Vec<Option<ComparisonCell>>,
}

/// What the network's comparative report holds, as issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkReportSnapshot {
    pub format: u32,
    pub data_as_of: Timestamp,
    pub cities: Vec<NetworkCityLine>,
    pub comparison: Vec<ComparisonLine>,
    pub values: Vec<UsedValue>,
    pub methods: Vec<MethodUsed>,
}

/// An issued comparative report of the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkReport {
    pub id: i64,
    pub title: String,
    pub issued_at: Timestamp,
    pub issued_by: Option<i64>,
    pub snapshot: NetworkReportSnapshot,
}

/// How a value a report used stands now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum ValueChange {
    /// Revised since: the report keeps the value it used.
    Revised { id: i64, indicator: IndicatorCode, period: String, key: String, used: Option<f64>, now: Option<f64>, revision: u32 },
    /// Published since, for an indicator of the report.
    Added { id: i64, indicator: IndicatorCode, period: String, key: String, now: Option<f64> },
    /// No longer published.
    Withdrawn { id: i64, indicator: IndicatorCode, period: String, key: String },
}

/// What changed in the values of a report since it was issued, from the values it used and the
/// published values of its indicators now (id, indicator, period, key, value, revision).
pub fn changes_since(used: &[UsedValue], now: &[UsedValue]) -> Vec<ValueChange> {
    use std::collections::HashMap;
    let current: HashMap<i64, &UsedValue> = now.iter().map(|v| (v.id, v)).collect();
    let was: HashMap<i64, &UsedValue> = used.iter().map(|v| (v.id, v)).collect();
    let mut changes = Vec::new();
    for value in used {
        match current.get(&value.id) {
            Some(now) if now.revision != value.revision || now.value != value.value => changes.push(ValueChange::Revised {
                id: value.id,
                indicator: value.indicator.clone(),
                period: value.period.clone(),
                key: value.key.clone(),
                used: value.value,
                now: now.value,
                revision: now.revision,
            }),
            Some(_) => {}
            None => changes.push(ValueChange::Withdrawn {
                id: value.id,
                indicator: value.indicator.clone(),
                period: value.period.clone(),
                key: value.key.clone(),
            }),
        }
    }
    for value in now.iter().filter(|v| !was.contains_key(&v.id)) {
        changes.push(ValueChange::Added {
            id: value.id,
            indicator: value.indicator.clone(),
            period: value.period.clone(),
            key: value.key.clone(),
            now: value.value,
        });
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(id: i64, value: f64, revision: u32) -> UsedValue {
        UsedValue {
            id,
            indicator: IndicatorCode::parse("RM-HOU-01").unwrap(),
            period: "2024".into(),
            key: String::new(),
            value: Some(value),
            revision,
        }
    }

    #[test]
    fn a_report_knows_what_changed_since_it_was_issued() {
        let used = [value(1, 10.0, 1), value(2, 11.0, 1), value(3, 12.0, 2)];
        assert!(changes_since(&used, &used).is_empty());
        let now = [value(1, 10.0, 1), value(2, 11.5, 2), value(4, 13.0, 1)];
        let changes = changes_since(&used, &now);
        assert!(matches!(&changes[0], ValueChange::Revised { id: 2, used: Some(u), now: Some(n), .. } if *u == 11.0 && *n == 11.5));
        assert!(matches!(&changes[1], ValueChange::Withdrawn { id: 3, .. }));
        assert!(matches!(&changes[2], ValueChange::Added { id: 4, .. }));
        assert_eq!(changes.len(), 3);
    }
}
