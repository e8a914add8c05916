//! The cases, one per store operation or rule, in one file per aggregate of the port.
use super::fixtures::*;
use super::{expect_conflict, expect_not_found};
use crate::*;
use crate::{InstanceItem, InstanceSink, InstanceSource};
use rightsmon_domain::access::{Membership, NewOrganisation, Role, Scope, Username};
use rightsmon_domain::area::AreaKind;
use rightsmon_domain::audit::NewAuditEvent;
use rightsmon_domain::codelist::{CodeItem, Codelist, DisaggregationKey};
use rightsmon_domain::id::{AreaCode, Code, DimensionId, IndicatorCode};
use rightsmon_domain::observation::{Benchmark, ObservationValue, ProvenanceKind, StatusFlag, WorkflowState};
use rightsmon_domain::period::Period;
use rightsmon_domain::right::{Right, RightCode, RightKind, Theme, ThemeCode};
use rightsmon_domain::text::Texts;
use rightsmon_domain::time::Timestamp;
use std::sync::Arc;

type S = Arc<dyn Store>;

mod accountability;
mod accounts;
mod areas;
mod audit;
mod catalogue;
mod codesign;
mod cycles;
mod imports;
mod instance;
mod observations;
mod reference;
mod transactions;

pub use self::accountability::*;
pub use self::accounts::*;
pub use self::areas::*;
pub use self::audit::*;
pub use self::catalogue::*;
pub use self::codesign::*;
pub use self::cycles::*;
pub use self::imports::*;
pub use self::instance::*;
pub use self::observations::*;
pub use self::reference::*;
pub use self::transactions::*;

/// The audit event the cases' writes are recorded with.
pub fn audit() -> NewAuditEvent {
    NewAuditEvent::new(Timestamp(1), None, "test.changed", "test:1", serde_json::json!({}))
}

fn city(code: &str) -> AreaCode {
    AreaCode::parse(code).unwrap()
}

fn theme(code: &str, position: u32) -> Theme {
    Theme {
        code: ThemeCode::parse(code).unwrap(),
        is_agreed_area: position < 3,
        position,
        name: Texts::from_pairs([("en", code), ("it", "tema")]).unwrap(),
        description: Some(Texts::english("What it covers").unwrap()),
    }
}

fn article(number: u8) -> Right {
    Right::new(
        RightCode::charter_article(number).unwrap(),
        Some(RightCode::charter_title(if number <= 5 { 1 } else { 4 }).unwrap()),
        u32::from(number),
        Texts::english(&format!("Article {number}")).unwrap(),
        None,
    )
    .unwrap()
}

fn title(number: u8) -> Right {
    Right::new(RightCode::charter_title(number).unwrap(), None, u32::from(number), Texts::english("Title").unwrap(), None).unwrap()
}

/// A network, two cities and a district of the first, with three reference rights and a theme.
pub async fn base(store: &S) {
    store.upsert_area(&area("net", "network", None), &audit()).await.unwrap();
    store.upsert_area(&area("ghent", "city", Some("net")), &audit()).await.unwrap();
    store.upsert_area(&area("padova", "city", Some("net")), &audit()).await.unwrap();
    store.upsert_area(&area("centrum", "district", Some("ghent")), &audit()).await.unwrap();
    for t in [1, 4] {
        store.upsert_right(&title(t), &audit()).await.unwrap();
    }
    for a in [1, 21, 34] {
        store.upsert_right(&article(a), &audit()).await.unwrap();
    }
    store.upsert_theme(&theme("HOUSING", 0), &audit()).await.unwrap();
    store.upsert_theme(&theme("EDUCATION", 1), &audit()).await.unwrap();
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: Username::parse(name).unwrap(),
        display_name: format!("{name} display"),
        email: Some(format!("{name}@example.org")),
        password_hash: "$argon2id$fake".into(),
    }
}

use rightsmon_domain::codesign::{
    CityRule, Decision, Endorsement, LeftOut, NetworkRule, NewProposal, Outcome, ProposalChange, ProposalStatus, Side,
};

async fn user(store: &S, name: &str) -> i64 {
    store.create_user(&new_user(name), Timestamp(1), &audit()).await.unwrap().id
}

fn adoption(city: &str, adopt: &[&str], leave_out: &[(&str, &str)]) -> NewProposal {
    let change = ProposalChange::Adoption {
        city: AreaCode::parse(city).unwrap(),
        adopt: adopt.iter().map(|c| IndicatorCode::parse(c).unwrap()).collect(),
        leave_out: leave_out.iter().map(|(c, r)| LeftOut { indicator: IndicatorCode::parse(c).unwrap(), reason: (*r).into() }).collect(),
    };
    NewProposal::new(Scope::City(AreaCode::parse(city).unwrap()), "Adopt the core set", "As agreed in the working group", change).unwrap()
}

/// A feed over a fixed list of values that keeps what it is told.
pub struct ListFeed {
    batches: Vec<Vec<ImportItem>>,
    outcomes: Vec<ItemOutcome>,
    scans: Vec<Scan>,
    seen: Vec<(usize, Option<ScannedValue>)>,
    keep: bool,
}

impl ListFeed {
    pub fn new(values: &[rightsmon_domain::observation::NewObservation], keep: bool) -> Self {
        let items: Vec<ImportItem> =
            values.iter().enumerate().map(|(i, o)| ImportItem { row: i as u64 + 2, observation: o.clone() }).collect();
        // Two batches, to show that batches follow one another in one transaction.
        let half = items.len() / 2;
        Self { batches: vec![items[half..].to_vec(), items[..half].to_vec()], outcomes: vec![], scans: vec![], seen: vec![], keep }
    }
}

impl ImportFeed for ListFeed {
    fn next_batch(&mut self) -> Option<Vec<ImportItem>> {
        self.batches.pop()
    }
    fn created(&mut self, _row: u64, id: i64) {
        self.outcomes.push(ItemOutcome::Created(id));
    }
    fn met(&mut self, _item: &ImportItem, outcome: ItemOutcome) {
        assert!(!matches!(outcome, ItemOutcome::Created(_)));
        self.outcomes.push(outcome);
    }
    fn scans(&mut self) -> Vec<Scan> {
        self.scans.clone()
    }
    fn see(&mut self, scan: usize, value: Option<&ScannedValue>) {
        self.seen.push((scan, value.cloned()));
    }
    fn keep(&mut self) -> bool {
        self.keep
    }
    fn audit(&self, counts: &ImportCounts) -> NewAuditEvent {
        NewAuditEvent::new(Timestamp(5), None, "values.imported", "import", serde_json::json!({"created": counts.created}))
    }
}

fn actions(events: &[AuditEvent]) -> Vec<String> {
    events.iter().map(|e| format!("{} {}", e.event.action, e.event.subject)).collect()
}

fn event(action: &str, subject: &str) -> NewAuditEvent {
    NewAuditEvent::new(Timestamp(9), Some(1), action, subject, serde_json::json!({}))
}

/// Collects what an export writes.
struct Collected(Vec<InstanceItem>);

impl InstanceSink for Collected {
    fn item(&mut self, item: InstanceItem) -> Result<(), String> {
        self.0.push(item);
        Ok(())
    }
}

struct Replay(std::vec::IntoIter<Result<InstanceItem, String>>);

impl InstanceSource for Replay {
    fn next_item(&mut self) -> Option<Result<InstanceItem, String>> {
        self.0.next()
    }
}
