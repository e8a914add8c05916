//! Reporting status: who is behind with their data. For each city and each of its reporting
//! cycles, the indicators expected (assigned in the cycle) and how far each one's value has come,
//! in the manner of Open SDG's reporting status and DHIS2's completeness and timeliness reports.
//!
//! Everyone sees what is published and what is overdue (expected but not published once the
//! deadline has passed); the members of a city, and network coordinators, also see the values
//! still on their way (received, validated) and whether they came in by the deadline. The state
//! of an unpublished value never leaves its city.

use crate::{App, AppResult};
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::area::Area;
use rightsmon_domain::collection::Cycle;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::observation::WorkflowState;
use rightsmon_domain::text::Texts;
use rightsmon_domain::time::Date;
use serde::Serialize;

/// One indicator expected in a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorStatus {
    pub indicator: IndicatorCode,
    pub name: Texts,
    /// The state of the value of the whole population for the cycle's period: for readers
    /// outside the city, only `published` (anything else is `None`).
    pub state: Option<WorkflowState>,
    /// Whether the value was entered by the deadline (members only).
    pub on_time: Option<bool>,
    /// The deadline has passed and the value is not in (members) or not published (others).
    pub overdue: bool,
}

/// How far a cycle has come.
#[derive(Debug, Clone, Serialize)]
pub struct CycleStatus {
    pub cycle: Cycle,
    pub expected: usize,
    /// Values in, whatever their state (members only; otherwise `None`).
    pub received: Option<usize>,
    /// Values validated or published (members only).
    pub validated: Option<usize>,
    pub published: usize,
    /// Values entered by the deadline (members only).
    pub on_time: Option<usize>,
    pub overdue: usize,
    pub past_deadline: bool,
    pub indicators: Vec<IndicatorStatus>,
}

/// A city's reporting status.
#[derive(Debug, Clone, Serialize)]
pub struct CityReporting {
    pub city: Area,
    /// Indicators the city collects (adopted core indicators and its own).
    pub adopted: usize,
    /// Indicators the city collects that no cycle expects yet.
    pub not_expected: Vec<IndicatorCode>,
    /// Whether the reader sees the values still on their way.
    pub member_view: bool,
    /// Newest cycle first.
    pub cycles: Vec<CycleStatus>,
}

impl App {
    /// The reporting status of one city, as `actor` may see it.
    pub async fn city_reporting(&self, actor: &Actor, city: &str) -> AppResult<CityReporting> {
        let city = self.city(city).await?;
        let member_view = actor.may(Permission::ReadUnpublished(&city.code));
        let collected = self.collected_indicators(&city.code).await?;
        let today = Date::of_timestamp(self.now());
        let mut cycles = self.store.list_cycles(&city.code).await?;
        cycles.sort_by(|a, b| b.cycle.period.cmp(&a.cycle.period).then(b.id.cmp(&a.id)));
        let mut expected_anywhere = std::collections::BTreeSet::new();
        let mut statuses = Vec::with_capacity(cycles.len());
        for cycle in cycles {
            let mut assigned: Vec<IndicatorCode> = self.store.list_assignments(cycle.id).await?.into_iter().map(|a| a.indicator).collect();
            assigned.sort();
            assigned.dedup();
            let past_deadline = cycle.cycle.deadline < today;
            let mut indicators = Vec::with_capacity(assigned.len());
            for code in assigned {
                expected_anywhere.insert(code.clone());
                let name = match collected.iter().find(|d| d.code == code) {
                    Some(d) => d.name.clone(),
                    None => self.indicator(code.as_str(), None).await?.name,
                };
                let value = self.cycle_value(&cycle, &code, &city.code).await?;
                let state = value.as_ref().map(|(s, _)| *s).filter(|s| member_view || s.is_public());
                let on_time = if member_view { value.as_ref().map(|(_, entered)| *entered <= cycle.cycle.deadline) } else { None };
                let done = if member_view { state.is_some() } else { state == Some(WorkflowState::Published) };
                indicators.push(IndicatorStatus { indicator: code, name, state, on_time, overdue: past_deadline && !done });
            }
            let count = |f: &dyn Fn(&IndicatorStatus) -> bool| indicators.iter().filter(|i| f(i)).count();
            let member = |n: usize| member_view.then_some(n);
            statuses.push(CycleStatus {
                expected: indicators.len(),
                received: member(count(&|i| i.state.is_some())),
                validated: member(count(&|i| matches!(i.state, Some(WorkflowState::Validated | WorkflowState::Published)))),
                published: count(&|i| i.state == Some(WorkflowState::Published)),
                on_time: member(count(&|i| i.on_time == Some(true))),
                overdue: count(&|i| i.overdue),
                past_deadline,
                cycle,
                indicators,
            });
        }
        let not_expected = collected.iter().map(|d| d.code.clone()).filter(|c| !expected_anywhere.contains(c)).collect();
        Ok(CityReporting { city, adopted: collected.len(), not_expected, member_view, cycles: statuses })
    }

    /// The reporting status of every city of the network, as `actor` may see it.
    pub async fn network_reporting(&self, actor: &Actor) -> AppResult<Vec<CityReporting>> {
        let mut all = Vec::new();
        for city in self.network_overview().await?.cities {
            all.push(self.city_reporting(actor, city.code.as_str()).await?);
        }
        Ok(all)
    }

    /// The state of the whole population's value of a cycle's period, and the day it was entered.
    async fn cycle_value(&self, cycle: &Cycle, indicator: &IndicatorCode, city: &AreaCode) -> AppResult<Option<(WorkflowState, Date)>> {
        let mut query = rightsmon_store::ObservationQuery::new(rightsmon_store::Visibility::All);
        query.indicator = Some(indicator.clone());
        query.area = Some(city.clone());
        query.key = Some(rightsmon_domain::codelist::DisaggregationKey::total());
        query.period_from = Some(cycle.cycle.period);
        query.period_to = Some(cycle.cycle.period);
        let found = self.store.list_observations(&query).await?;
        // Of several versions' values, the one furthest along counts.
        Ok(found
            .items
            .iter()
            .max_by_key(|o| o.data.state == WorkflowState::Published)
            .map(|o| (o.data.state, Date::of_timestamp(o.created_at))))
    }
}
