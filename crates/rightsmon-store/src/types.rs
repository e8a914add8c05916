//! The values the storage port takes and gives besides domain types.

use rightsmon_domain::access::{Scope, Username};
use rightsmon_domain::catalogue::{IndicatorDefinition, LinkType};
use rightsmon_domain::codelist::DisaggregationKey;
use rightsmon_domain::codesign::ProposalStatus;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::observation::WorkflowState;
use rightsmon_domain::period::Period;
use rightsmon_domain::right::{RightCode, ThemeCode};
use rightsmon_domain::time::Timestamp;
use serde::Serialize;

/// The largest page any list returns.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// One page of a longer list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many items match in all.
    pub total: u64,
    pub limit: u32,
    pub offset: u64,
}

/// Where a page starts and how long it is, at most [`MAX_PAGE_SIZE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    limit: u32,
    offset: u64,
}

impl PageRequest {
    pub fn new(limit: u32, offset: u64) -> Self {
        Self { limit: limit.clamp(1, MAX_PAGE_SIZE), offset: offset.min(i64::MAX as u64) }
    }
    pub fn limit(self) -> u32 {
        self.limit
    }
    pub fn offset(self) -> u64 {
        self.offset
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(100, 0)
    }
}

/// Which indicators to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndicatorQuery {
    /// Only core indicators (`Some(None)`), only one city's local ones (`Some(Some(city))`), or all.
    pub scope: Option<Option<AreaCode>>,
    /// Core indicators plus the local ones of this city.
    pub available_in: Option<AreaCode>,
    pub theme: Option<ThemeCode>,
    /// Linked to this right or to one below it (an article of a Charter title, a target of a goal).
    pub right: Option<RightCode>,
    /// Linked with this role (to `right`, if given; to any right otherwise).
    pub link_type: Option<LinkType>,
    /// Words the code, names or definitions contain (any language, ignoring ASCII case).
    pub text: Option<String>,
    pub exclude_retired: bool,
    pub page: PageRequest,
}

/// Which observations a reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Published values only.
    PublishedOnly,
    /// Published values, and every value of these cities (and their districts).
    PublishedAndCities(Vec<AreaCode>),
    /// Everything.
    All,
}

/// Which observations to list.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationQuery {
    pub visibility: Visibility,
    pub indicator: Option<IndicatorCode>,
    pub version: Option<u32>,
    /// The area itself, or the city whose districts are wanted too (see `include_districts`).
    pub area: Option<AreaCode>,
    pub include_districts: bool,
    pub key: Option<DisaggregationKey>,
    pub period_from: Option<Period>,
    pub period_to: Option<Period>,
    /// Only values in one of these states; empty means any state.
    pub states: Vec<WorkflowState>,
    /// Only values provided by this organisation.
    pub organisation: Option<i64>,
    pub page: PageRequest,
}

impl ObservationQuery {
    pub fn new(visibility: Visibility) -> Self {
        Self {
            visibility,
            indicator: None,
            version: None,
            area: None,
            include_districts: false,
            key: None,
            period_from: None,
            period_to: None,
            states: Vec::new(),
            organisation: None,
            page: PageRequest::default(),
        }
    }
}

/// A baseline or a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkKind {
    Baseline,
    Target,
}

impl BenchmarkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Target => "target",
        }
    }
    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "baseline" => Some(Self::Baseline),
            "target" => Some(Self::Target),
            _ => None,
        }
    }
}

/// A user before it is stored, with the hash of its password.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub email: Option<String>,
    pub password_hash: String,
}

/// The failed logins recorded under one key within a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFailures {
    pub count: u64,
    pub last: Option<Timestamp>,
}

/// A signed-in session. Only the hash of its token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A change to the framework that a decision applies, all in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameworkChange {
    /// Store a version of an indicator.
    PutVersion(Box<IndicatorDefinition>),
    /// Record whether a city adopts a core indicator (a reason when it does not).
    SetAdoption { city: AreaCode, indicator: IndicatorCode, is_adopted: bool, reason: Option<String> },
    /// Retire an indicator.
    Retire { indicator: IndicatorCode, reason: String },
}

/// Whether a city adopts a core indicator, since when and by which proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adoption {
    pub city: AreaCode,
    pub indicator: IndicatorCode,
    pub is_adopted: bool,
    pub reason: Option<String>,
    pub proposal_id: Option<i64>,
    pub decided_at: Timestamp,
}

/// A retired indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retired {
    pub indicator: IndicatorCode,
    pub at: Timestamp,
    pub reason: String,
}

/// Which proposals to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProposalQuery {
    pub scope: Option<Scope>,
    pub status: Option<ProposalStatus>,
    pub page: PageRequest,
}

/// One value of a bulk import, with the row of the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportItem {
    pub row: u64,
    pub observation: rightsmon_domain::observation::NewObservation,
}

/// What an import does with values that are stored already.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOptions {
    pub entered_by: Option<i64>,
    pub at: Timestamp,
    /// Why changed values are revised; without one a changed value is not written.
    pub reason: Option<String>,
    /// Whether values beyond draft (submitted, validated, published) may be revised.
    pub may_revise_approved: bool,
    /// Codelists to store first, in the same transaction (replacing those of the same id).
    pub codelists: Vec<rightsmon_domain::codelist::Codelist>,
    /// Indicator versions to store first, in the same transaction.
    pub definitions: Vec<IndicatorDefinition>,
}

/// What became of one value of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOutcome {
    Created(i64),
    /// The same value was stored already.
    Unchanged(i64),
    /// The stored value differed and was revised with the import's reason.
    Revised(i64),
    /// The stored value differs, and the import gave no reason to revise it.
    NeedsReason(i64),
    /// The stored value differs and is beyond draft: the importer may not revise it.
    Refused(i64, rightsmon_domain::observation::WorkflowState),
}

/// The order in which an import scans the stored values of an indicator after its writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOrder {
    /// Series by series (area, group), each in time order: for outliers.
    BySeries,
    /// Area by area and period by period, every group of it together: for rules between values.
    ByPeriod,
}

/// A scan of one indicator version's stored numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub indicator: IndicatorCode,
    pub version: u32,
    pub order: ScanOrder,
}

/// A stored number seen by a scan.
#[derive(Debug, Clone, PartialEq)]
pub struct ScannedValue {
    pub id: i64,
    pub area: AreaCode,
    pub period: Period,
    pub key: DisaggregationKey,
    pub value: f64,
}

/// The source and judge of a bulk import, which the store drives inside one transaction: it
/// takes batches until there are none, tells the feed what became of each value, lets it scan
/// the stored values it asks for, and commits only if the feed wants to keep the result.
pub trait ImportFeed: Send {
    /// The next values to write, or `None` at the end.
    fn next_batch(&mut self) -> Option<Vec<ImportItem>>;
    /// A value became a new stored value, `id`. Values are told in the order of the batches, by
    /// this and by [`ImportFeed::met`], after every batch was taken.
    fn created(&mut self, row: u64, id: i64);
    /// A value met a stored value of its subject (stored before, or earlier in the import), and
    /// what became of it: never [`ItemOutcome::Created`].
    fn met(&mut self, item: &ImportItem, outcome: ItemOutcome);
    /// The scans to run after the writes.
    fn scans(&mut self) -> Vec<Scan>;
    /// One value of scan number `scan`, or `None` when the scan is over.
    fn see(&mut self, scan: usize, value: Option<&ScannedValue>);
    /// Whether to commit; `false` rolls every write back.
    fn keep(&mut self) -> bool;
    /// The audit event of a committed import, appended in its transaction.
    fn audit(&self, counts: &ImportCounts) -> rightsmon_domain::audit::NewAuditEvent;
}

/// Counts of what an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub created: u64,
    pub unchanged: u64,
    pub revised: u64,
    /// Whether the writes were committed.
    pub committed: bool,
}
