//! The values the storage port takes and gives besides domain types.

use rightsmon_domain::access::Username;
use rightsmon_domain::codelist::DisaggregationKey;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
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
    pub right: Option<RightCode>,
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

/// A signed-in session. Only the hash of its token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}
