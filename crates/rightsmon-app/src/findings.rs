//! Findings: the analysis engine applied to the values a reader may see. Every verdict names
//! its method and version and carries the inputs it rests on, so it can be recomputed; the
//! public sees findings on published values only.

use crate::observations::ObservationFilter;
use crate::{App, AppError, AppResult};
use rightsmon_analysis::gaps::{self, Dispersion, GapTrend, Gaps};
use rightsmon_analysis::progress::{
    self, Assessment, CagrOptions, CityTarget, Direction, Distance, EurostatOptions, Method, Point, city_target_distance,
    eurostat_sdg_assessment, open_sdg_cagr_score, open_sdg_progress_measure, open_sdg_progress_status, unsd_progress_chart,
};
use rightsmon_analysis::trends::{self, Retrogression, Trend};
use rightsmon_domain::access::Actor;
use rightsmon_domain::catalogue::Direction as IndicatorDirection;
use rightsmon_domain::catalogue::IndicatorDefinition;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::observation::ObservationValue;
use rightsmon_domain::observation::{NewObservation, Observation};
use rightsmon_domain::period::Period;
use rightsmon_store::{BenchmarkKind, Visibility};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// The confidence level of trend intervals and of the non-retrogression test.
pub const CONFIDENCE: f64 = 0.95;

/// Every method a finding can name, for the methodology pages.
pub const METHODS: &[Method] = &[
    progress::OPEN_SDG_CAGR_SCORE,
    progress::OPEN_SDG_PROGRESS_STATUS,
    progress::OPEN_SDG_PROGRESS_MEASURE,
    progress::UNSD_PROGRESS_CHART,
    progress::EUROSTAT_SDG_ASSESSMENT,
    progress::CITY_TARGET_DISTANCE,
    progress::STATE_CHANGE,
    trends::TREND_OLS,
    trends::NON_RETROGRESSION,
    gaps::EQUALITY_GAP,
    gaps::DISPERSION,
    gaps::COMPARISON,
    rightsmon_analysis::composite::COMPOSITE_INDEX,
    rightsmon_analysis::composite::SDSN_DASHBOARD,
];

/// The progress methods a network may choose to lead its pages with.
pub const HEADLINE_METHODS: &[&str] = &[
    progress::OPEN_SDG_PROGRESS_MEASURE.name,
    progress::OPEN_SDG_PROGRESS_STATUS.name,
    progress::OPEN_SDG_CAGR_SCORE.name,
    progress::UNSD_PROGRESS_CHART.name,
    progress::EUROSTAT_SDG_ASSESSMENT.name,
];

/// The headline method unless the network chose another: Open SDG's current progress measure.
pub const DEFAULT_HEADLINE_METHOD: &str = progress::OPEN_SDG_PROGRESS_MEASURE.name;

/// The headline method of this name, if it is one.
pub fn headline_method(name: &str) -> Option<&'static str> {
    HEADLINE_METHODS.iter().copied().find(|m| *m == name.trim())
}

/// The method of this name, if there is one.
pub fn method(name: &str) -> Option<Method> {
    METHODS.iter().copied().find(|m| m.name == name)
}

/// The findings on one indicator in one city, on the total series of its current definition.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorFindings {
    pub indicator: String,
    pub area: String,
    /// The definition version whose values the findings rest on (the latest one measured).
    pub version: Option<u32>,
    pub direction: &'static str,
    /// Whether only published values were used (true for readers outside the city).
    pub published_only: bool,
    /// The yearly values used, oldest first.
    pub points: Vec<Point>,
    /// The city's baseline and target of the indicator (whole population), where it set them.
    pub baseline: Option<Point>,
    pub target: Option<Point>,
    pub progress: Vec<Assessment>,
    pub city_target: Option<Distance>,
    pub trend: Trend,
    pub retrogression: Retrogression,
    /// Groups of the latest period with group values, against the reference group.
    pub gaps: Option<Gaps>,
    pub gap_period: Option<String>,
    /// Women against men over the years, where both are measured.
    pub gap_trend: Option<GapTrend>,
    pub dispersion: Option<Dispersion>,
    pub dispersion_period: Option<String>,
    /// The districts' values of the dispersion's period, in code order.
    pub district_values: Vec<(String, f64)>,
    /// Why the progress methods could not run, if they could not.
    pub note: Option<&'static str>,
    /// The method whose verdict leads (the network's choice; a state indicator's is its state).
    pub headline_method: &'static str,
}

impl IndicatorFindings {
    /// The headline verdict: the state of a yes/no or ordinal indicator; else the verdict of
    /// the network's headline method, else the first verdict with a category, else the first
    /// with a score.
    pub fn headline(&self) -> Option<&Assessment> {
        let assessed = |a: &&Assessment| a.category().is_some() || a.score().is_some();
        let of = |name: &str| self.progress.iter().filter(assessed).find(|a| a.method.name == name);
        of(progress::STATE_CHANGE.name)
            .or_else(|| of(self.headline_method))
            .or_else(|| self.progress.iter().find(|a| a.category().is_some()))
            .or_else(|| self.progress.iter().find(|a| a.score().is_some()))
    }
}

fn direction(d: IndicatorDirection) -> Option<Direction> {
    match d {
        IndicatorDirection::HigherIsBetter => Some(Direction::Positive),
        IndicatorDirection::LowerIsBetter => Some(Direction::Negative),
        IndicatorDirection::TargetBand | IndicatorDirection::Unstated => None,
    }
}

/// The number of a value, if it is a finite one.
pub fn number(value: &ObservationValue) -> Option<f64> {
    match value {
        ObservationValue::Number(n) if n.is_finite() => Some(*n),
        _ => None,
    }
}

/// The year of an annual period (a calendar year, or a school or financial year by its start).
pub fn annual(period: Period) -> Option<i32> {
    match period {
        Period::Year(y) | Period::YearRange { start: y, .. } => Some(y),
        _ => None,
    }
}

/// Who a city's findings are computed for: readers outside the city see its published values
/// only, its own members every value of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    Public,
    Members,
}

impl Audience {
    pub(crate) fn of(actor: &Actor, city: &AreaCode) -> Self {
        if actor.may(rightsmon_domain::access::Permission::ReadUnpublished(city)) { Self::Members } else { Self::Public }
    }

    pub(crate) fn visibility(self, city: &AreaCode) -> Visibility {
        match self {
            Self::Public => Visibility::PublishedOnly,
            Self::Members => Visibility::PublishedAndCities(vec![city.clone()]),
        }
    }
}

/// Findings computed once per change: each city's indicators per audience, and which indicators
/// a city has values of, kept with the city's findings generation (see
/// `ObservationStore::findings_generation`). An entry whose generation is no longer the city's
/// is computed again; a write by any process counts the generation up in the database, so that
/// nothing stale is read.
#[derive(Debug, Default)]
pub struct FindingsCache {
    indicators: Kept<(AreaCode, IndicatorCode, Audience), IndicatorFindings>,
    observed: Kept<(AreaCode, Audience), Vec<IndicatorCode>>,
    overviews: Kept<(AreaCode, Audience), CityOverview>,
    pub(crate) pages: Kept<(AreaCode, IndicatorCode, Audience, String), crate::pages::IndicatorPage>,
    /// One computation of a city's stale findings at a time: readers who arrive meanwhile wait
    /// for it and read its results instead of computing them again.
    computing: Mutex<HashMap<AreaCode, Arc<tokio::sync::Mutex<()>>>>,
}

/// A city's indicators as its page lists them: each indicator it collects or has published
/// values of, in code order, with its latest published value for the whole population.
#[derive(Debug, Clone)]
pub struct CityOverview {
    pub rows: Vec<OverviewRow>,
    /// How many of the city's values the audience sees that are not published yet.
    pub in_progress: usize,
}

/// An indicator of a city's overview: the definition version of its latest published value
/// (or the latest version, without one), and that value.
#[derive(Debug, Clone)]
pub struct OverviewRow {
    pub definition: IndicatorDefinition,
    pub latest: Option<Observation>,
}

/// Values by key, each with the generation it was computed at.
type Kept<K, V> = Mutex<HashMap<K, (i64, Arc<V>)>>;

/// Up to this many stale findings of a city are computed one by one; more, from one reading of
/// the city's values.
const FEW_STALE: usize = 4;

/// At most this many findings are kept (nine cities of a hundred indicators, two audiences, fit
/// twice); beyond it the whole cache starts again.
const CACHED_FINDINGS: usize = 4000;

impl FindingsCache {
    pub(crate) fn get<K: std::hash::Hash + Eq, V>(map: &Kept<K, V>, key: &K, generation: i64) -> Option<Arc<V>> {
        let map = map.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(key).filter(|(g, _)| *g == generation).map(|(_, v)| v.clone())
    }

    pub(crate) fn put<K: std::hash::Hash + Eq, V>(map: &Kept<K, V>, key: K, generation: i64, value: Arc<V>) {
        let mut map = map.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= CACHED_FINDINGS {
            map.clear();
        }
        map.insert(key, (generation, value));
    }
}

impl App {
    /// The findings on an indicator in a city, from the values `actor` may see.
    pub async fn indicator_findings(&self, actor: &Actor, indicator: &str, area: &str) -> AppResult<IndicatorFindings> {
        let code = IndicatorCode::parse(indicator).map_err(|_| AppError::NotFound)?;
        let (city, audience, generation) = self.city_seen(actor, area).await?;
        Ok((*self.findings_at(&city.code, &code, audience, generation).await?).clone())
    }

    /// A city as `actor` sees it: the city, the audience the actor belongs to there, and the
    /// city's findings generation, against which kept findings and pages are read.
    pub(crate) async fn city_seen(&self, actor: &Actor, area: &str) -> AppResult<(rightsmon_domain::area::Area, Audience, i64)> {
        let city = self.city(area).await?;
        let audience = Audience::of(actor, &city.code);
        let generation = self.store.findings_generation(&city.code).await?;
        Ok((city, audience, generation))
    }

    /// Whether the findings on an indicator in a city are kept for an audience at a generation.
    fn is_current(&self, city: &AreaCode, code: &IndicatorCode, audience: Audience, generation: i64) -> bool {
        FindingsCache::get(&self.findings.indicators, &(city.clone(), code.clone(), audience), generation).is_some()
    }

    /// The findings of an audience, from the cache while the city's generation holds.
    pub(crate) async fn findings_at(
        &self,
        city: &AreaCode,
        code: &IndicatorCode,
        audience: Audience,
        generation: i64,
    ) -> AppResult<Arc<IndicatorFindings>> {
        let key = (city.clone(), code.clone(), audience);
        if let Some(findings) = FindingsCache::get(&self.findings.indicators, &key, generation) {
            return Ok(findings);
        }
        self.compute_findings(city, code, generation).await?;
        FindingsCache::get(&self.findings.indicators, &key, generation).ok_or(AppError::NotFound)
    }

    /// Computes the findings on an indicator in a city for both audiences, from one reading of
    /// its values (the public's are the published ones among the members'), and keeps them.
    async fn compute_findings(&self, city: &AreaCode, code: &IndicatorCode, generation: i64) -> AppResult<()> {
        let definition = self.indicator(code.as_str(), None).await?;
        let filter = ObservationFilter {
            indicator: Some(code.to_string()),
            area: Some(city.to_string()),
            include_districts: true,
            ..ObservationFilter::default()
        };
        let observations = self.all_observations_seen(Audience::Members.visibility(city), &filter).await?;
        let benchmarks = self.store.list_benchmarks(code, city).await?;
        let seen: Vec<&Observation> = observations.iter().collect();
        self.keep_findings(&definition, city, &seen, &benchmarks, generation);
        Ok(())
    }

    /// Computes and keeps both audiences' findings from the values members see.
    fn keep_findings(
        &self,
        definition: &IndicatorDefinition,
        city: &AreaCode,
        members: &[&Observation],
        benchmarks: &[(BenchmarkKind, rightsmon_domain::observation::Benchmark)],
        generation: i64,
    ) {
        let public: Vec<&Observation> = members.iter().copied().filter(|o| o.data.state.is_public()).collect();
        for (audience, seen) in [(Audience::Public, &public[..]), (Audience::Members, members)] {
            let findings = self.findings_from(definition, city, seen, benchmarks, audience);
            FindingsCache::put(
                &self.findings.indicators,
                (city.clone(), definition.code.clone(), audience),
                generation,
                Arc::new(findings),
            );
        }
    }

    /// The findings on an indicator in a city from the values an audience sees: the city's and
    /// its districts', every group, every definition version.
    fn findings_from(
        &self,
        definition: &IndicatorDefinition,
        city: &AreaCode,
        seen: &[&Observation],
        benchmarks: &[(BenchmarkKind, rightsmon_domain::observation::Benchmark)],
        audience: Audience,
    ) -> IndicatorFindings {
        let mut series: Vec<&Observation> = seen.iter().copied().filter(|o| o.data.area == *city && o.data.key.is_total()).collect();
        series.sort_by(|a, b| a.data.period.cmp(&b.data.period).then(a.data.version.cmp(&b.data.version)));
        let published_only = audience == Audience::Public;
        let current_version = series.last().map(|o| o.data.version);
        let in_current: Vec<&NewObservation> = series.iter().map(|o| &o.data).filter(|p| Some(p.version) == current_version).collect();
        let mut note = None;
        let mut points: Vec<Point> = Vec::new();
        for p in &in_current {
            let (Some(year), Some(value)) = (annual(p.period), number(&p.value)) else {
                note = Some("progress_needs_yearly_numbers");
                continue;
            };
            if points.iter().any(|q| q.year == year) {
                note = Some("progress_needs_yearly_numbers");
                continue;
            }
            points.push(Point { year, value });
        }
        let observations: Vec<trends::Observation> = series
            .iter()
            .map(|o| &o.data)
            .filter_map(|p| {
                Some(trends::Observation {
                    year: annual(p.period)?,
                    value: number(&p.value)?,
                    version: p.version,
                    lower: p.lower_bound,
                    upper: p.upper_bound,
                })
            })
            .collect();
        let direction = direction(definition.direction);
        let benchmark = |kind: BenchmarkKind| {
            benchmarks
                .iter()
                .filter(|(k, b)| *k == kind && b.key.is_total())
                .filter_map(|(_, b)| Some(Point { year: annual(b.period)?, value: b.value }))
                .max_by_key(|p| p.year)
        };
        let (baseline, target) = (benchmark(BenchmarkKind::Baseline), benchmark(BenchmarkKind::Target));
        let mut progress = Vec::new();
        let mut city_target = None;
        let state_kind = match definition.value_type {
            rightsmon_domain::catalogue::ValueType::YesNo => Some(progress::StateKind::YesNo),
            rightsmon_domain::catalogue::ValueType::Ordinal => Some(progress::StateKind::Ordinal),
            _ => None,
        };
        match (direction, state_kind) {
            // Without values there is nothing to judge, and the page says so once.
            _ if series.is_empty() => {}
            // A state is judged by what it is and since when; growth rates do not apply.
            (_, Some(kind)) => progress.push(progress::state_change(&points, direction.unwrap_or(Direction::Positive), kind)),
            (None, None) => note = Some("progress_needs_direction"),
            (Some(direction), None) => {
                let mut options = CagrOptions { direction, ..CagrOptions::default() };
                if let Some(b) = baseline {
                    options.base_year = b.year;
                }
                if let Some(t) = target {
                    options.target = Some(t.value);
                    options.target_year = t.year;
                }
                progress.push(open_sdg_cagr_score(&points, &options));
                progress.push(open_sdg_progress_status(&points, &options, None));
                progress.push(open_sdg_progress_measure(&points, &options, None));
                progress.push(unsd_progress_chart(&points, &options));
                let eurostat =
                    EurostatOptions { direction, target: options.target, target_year: options.target_year, ..EurostatOptions::default() };
                progress.push(eurostat_sdg_assessment(&points, &eurostat));
                if let (Some(baseline), Some(target)) = (baseline, target) {
                    city_target = Some(city_target_distance(&points, CityTarget { baseline, target }, direction));
                }
            }
        }
        let retrogression = trends::retrogression(&observations, direction.unwrap_or(Direction::Positive), CONFIDENCE);
        let mut findings = IndicatorFindings {
            indicator: definition.code.to_string(),
            area: city.to_string(),
            version: current_version,
            direction: definition.direction.as_str(),
            published_only,
            points,
            baseline,
            target,
            progress,
            city_target,
            trend: trends::trend(&observations, CONFIDENCE),
            retrogression: if direction.is_some() { retrogression } else { Retrogression { flagged: false, ..retrogression } },
            gaps: None,
            gap_period: None,
            gap_trend: None,
            dispersion: None,
            dispersion_period: None,
            district_values: Vec::new(),
            note,
            headline_method: self.settings.headline_method,
        };
        if let (Some(direction), None) = (direction, state_kind) {
            group_findings(seen, &mut findings, city, direction, current_version);
        }
        findings
    }
}

/// Gaps between the groups of the latest period, their trend, and the spread over districts.
fn group_findings(seen: &[&Observation], findings: &mut IndicatorFindings, city: &AreaCode, direction: Direction, version: Option<u32>) {
    let usable = seen.iter().filter(|o| Some(o.data.version) == version);
    // In the city itself: the groups, by period.
    let mut by_period: std::collections::BTreeMap<Period, Vec<(String, f64)>> = std::collections::BTreeMap::new();
    let mut districts: std::collections::BTreeMap<Period, Vec<(String, f64)>> = std::collections::BTreeMap::new();
    let mut women: Vec<(i32, f64)> = Vec::new();
    let mut men: Vec<(i32, f64)> = Vec::new();
    for o in usable {
        let Some(value) = number(&o.data.value) else { continue };
        let key = o.data.key.to_string();
        if o.data.area == *city {
            by_period.entry(o.data.period).or_default().push((key.clone(), value));
            if let Some(year) = annual(o.data.period) {
                match key.as_str() {
                    "SEX=F" => women.push((year, value)),
                    "SEX=M" => men.push((year, value)),
                    _ => {}
                }
            }
        } else if o.data.key.is_total() {
            districts.entry(o.data.period).or_default().push((o.data.area.to_string(), value));
        }
    }
    if let Some((period, values)) = by_period.iter().rev().find(|(_, v)| v.iter().any(|(k, _)| !k.is_empty())) {
        // Women to men where both are there; otherwise every group against the total.
        let reference = if values.iter().any(|(k, _)| k == "SEX=M") && values.iter().any(|(k, _)| k == "SEX=F") { "SEX=M" } else { "" };
        let groups: Vec<(String, f64)> = values.iter().filter(|(k, _)| reference.is_empty() || !k.is_empty()).cloned().collect();
        findings.gaps = gaps::equality_gaps(&groups, reference, direction);
        findings.gap_period = Some(period.to_string());
    }
    findings.gap_trend = gaps::gap_trend(&women, &men);
    if let Some((period, values)) = districts.iter().rev().find(|(_, v)| v.len() >= 2) {
        findings.dispersion = gaps::dispersion(values);
        findings.dispersion_period = Some(period.to_string());
        let mut values = values.clone();
        values.sort_by(|a, b| a.0.cmp(&b.0));
        findings.district_values = values;
    }
}

impl App {
    /// The findings on every indicator with values in a city, in code order.
    pub async fn city_findings(&self, actor: &Actor, area: &str) -> AppResult<Vec<IndicatorFindings>> {
        let (city, audience, generation) = self.city_seen(actor, area).await?;
        let codes = self.observed_at(&city.code, audience, generation).await?;
        self.compute_stale(&city.code, &codes, audience, generation).await?;
        let mut all = Vec::with_capacity(codes.len());
        for code in codes.iter() {
            all.push((*self.findings_at(&city.code, code, audience, generation).await?).clone());
        }
        Ok(all)
    }

    /// Computes the findings of `codes` that are not current, reading the city's values once
    /// when more than a few are stale (after a change, a city page needs them all).
    async fn compute_stale(&self, city: &AreaCode, codes: &[IndicatorCode], audience: Audience, generation: i64) -> AppResult<usize> {
        let stale: Vec<&IndicatorCode> = codes.iter().filter(|code| !self.is_current(city, code, audience, generation)).collect();
        if stale.len() <= FEW_STALE {
            for code in &stale {
                self.compute_findings(city, code, generation).await?;
            }
            return Ok(stale.len());
        }
        let turn = {
            let mut computing = self.findings.computing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            computing.entry(city.clone()).or_default().clone()
        };
        let _turn = turn.lock().await;
        // Whoever held the turn before may have computed them.
        let stale: Vec<&IndicatorCode> = stale.into_iter().filter(|code| !self.is_current(city, code, audience, generation)).collect();
        if stale.is_empty() {
            return Ok(0);
        }
        let filter = ObservationFilter { area: Some(city.to_string()), include_districts: true, ..ObservationFilter::default() };
        let observations = self.all_observations_seen(Audience::Members.visibility(city), &filter).await?;
        let mut by_indicator: HashMap<&IndicatorCode, Vec<&Observation>> = HashMap::new();
        for observation in &observations {
            by_indicator.entry(&observation.data.indicator).or_default().push(observation);
        }
        for code in &stale {
            let definition = self.indicator(code.as_str(), None).await?;
            let benchmarks = self.store.list_benchmarks(code, city).await?;
            let seen = by_indicator.get(*code).map_or(&[][..], Vec::as_slice);
            self.keep_findings(&definition, city, seen, &benchmarks, generation);
        }
        Ok(stale.len())
    }

    /// The findings on several indicators in one city, from the values `actor` may see, in the
    /// order of `codes`: for pages that set indicators against cities.
    pub async fn findings_of(&self, actor: &Actor, area: &str, codes: &[IndicatorCode]) -> AppResult<Vec<Arc<IndicatorFindings>>> {
        let (city, audience, generation) = self.city_seen(actor, area).await?;
        let mut all = Vec::with_capacity(codes.len());
        for code in codes {
            all.push(self.findings_at(&city.code, code, audience, generation).await?);
        }
        Ok(all)
    }

    /// The indicators a city has values of (whole population) that an audience may see.
    async fn observed_at(&self, city: &AreaCode, audience: Audience, generation: i64) -> AppResult<Arc<Vec<IndicatorCode>>> {
        let key = (city.clone(), audience);
        if let Some(codes) = FindingsCache::get(&self.findings.observed, &key, generation) {
            return Ok(codes);
        }
        let filter = ObservationFilter { area: Some(city.to_string()), key: Some(String::new()), ..ObservationFilter::default() };
        let codes = Arc::new(self.observed_indicators_seen(audience.visibility(city), &filter).await?);
        FindingsCache::put(&self.findings.observed, key, generation, codes.clone());
        Ok(codes)
    }

    /// A city's overview for what `actor` may see, kept until the city's generation changes.
    pub async fn city_overview(&self, actor: &Actor, area: &str) -> AppResult<Arc<CityOverview>> {
        let (city, audience, generation) = self.city_seen(actor, area).await?;
        let key = (city.code.clone(), audience);
        if let Some(overview) = FindingsCache::get(&self.findings.overviews, &key, generation) {
            return Ok(overview);
        }
        let filter = ObservationFilter { area: Some(city.code.to_string()), key: Some(String::new()), ..ObservationFilter::default() };
        let observations = self.all_observations_seen(audience.visibility(&city.code), &filter).await?;
        let mut latest: BTreeMap<IndicatorCode, Observation> = BTreeMap::new();
        let mut in_progress = 0;
        for observation in observations {
            if !observation.data.state.is_public() {
                in_progress += 1;
                continue;
            }
            if latest.get(&observation.data.indicator).is_none_or(|current| current.data.period < observation.data.period) {
                latest.insert(observation.data.indicator.clone(), observation);
            }
        }
        let translations = crate::translations::translations();
        let mut definitions: BTreeMap<IndicatorCode, IndicatorDefinition> =
            self.collected_indicators(&city.code).await?.iter().map(|d| (d.code.clone(), translations.indicator(d))).collect();
        let mut rows = Vec::with_capacity(definitions.len().max(latest.len()));
        let mut codes: Vec<IndicatorCode> = definitions.keys().chain(latest.keys()).cloned().collect();
        codes.sort();
        codes.dedup();
        for code in codes {
            let observation = latest.remove(&code);
            let definition = match (definitions.remove(&code), &observation) {
                (Some(definition), Some(o)) if definition.version == o.data.version => definition,
                (_, Some(o)) => translations.indicator(&self.store.get_indicator(&code, Some(o.data.version)).await?),
                (Some(definition), None) => definition,
                (None, None) => continue,
            };
            rows.push(OverviewRow { definition, latest: observation });
        }
        let overview = Arc::new(CityOverview { rows, in_progress });
        FindingsCache::put(&self.findings.overviews, key, generation, overview.clone());
        Ok(overview)
    }

    /// Computes every finding of a city, for both audiences, that is not current: after an
    /// import or a publication, so that readers do not wait for the first computation.
    /// Returns how many findings were computed.
    pub async fn refresh_findings(&self, area: &str) -> AppResult<usize> {
        let city = self.city(area).await?;
        let generation = self.store.findings_generation(&city.code).await?;
        // Both audiences' findings are computed together; the members see every indicator the
        // public does.
        let codes = self.observed_at(&city.code, Audience::Members, generation).await?;
        self.observed_at(&city.code, Audience::Public, generation).await?;
        self.compute_stale(&city.code, &codes, Audience::Members, generation).await
    }

    /// Refreshes every city's findings ([`App::refresh_findings`]), one city after the other: at
    /// start-up, after an import, and now and then for writes of other processes (an import from
    /// the command line). A city whose findings are current costs a few reads. Returns how many
    /// findings were computed; a city that fails is logged and the others go on.
    pub async fn refresh_all_findings(&self) -> AppResult<usize> {
        let mut computed = 0;
        for city in self.store.list_areas(Some(rightsmon_domain::area::AreaKind::City), None).await? {
            match self.refresh_findings(city.code.as_str()).await {
                Ok(count) => computed += count,
                Err(error) => tracing::warn!(city = %city.code, %error, "the findings of a city could not be refreshed"),
            }
        }
        Ok(computed)
    }
}

/// Cities compared on one indicator, in one period, under one definition version.
#[derive(Debug, Clone, Serialize)]
pub struct CityComparison {
    pub indicator: String,
    pub version: u32,
    pub period: String,
    /// Each city's value (those measured in the period under the version).
    pub values: Vec<(String, f64)>,
    pub comparison: Option<gaps::Comparison>,
}

impl App {
    /// The cities' values of an indicator in `period` (default: the latest period any city has
    /// under the indicator's latest version), their distribution and, for `city`, its quartile,
    /// its nearest peers and, only when asked for, its rank. Values of other definition versions
    /// are never mixed in.
    pub async fn comparison(
        &self,
        actor: &Actor,
        indicator: &str,
        city: Option<&str>,
        period: Option<&str>,
        with_rank: bool,
    ) -> AppResult<CityComparison> {
        let definition = self.indicator(indicator, None).await?;
        let version = definition.version;
        let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(Period::parse(p).map_err(|e| {
                let mut errors = rightsmon_domain::FieldErrors::new();
                errors.push("period", e);
                AppError::Invalid(errors)
            })?),
            None => None,
        };
        if let Some(c) = city {
            self.city(c).await?;
        }
        let cities = self.network_overview().await?.cities;
        let mut latest: Vec<(String, Period, f64)> = Vec::new();
        for c in &cities {
            let filter = ObservationFilter {
                indicator: Some(definition.code.to_string()),
                version: Some(version),
                area: Some(c.code.to_string()),
                key: Some(String::new()),
                ..ObservationFilter::default()
            };
            for o in self.all_observations(actor, &filter).await? {
                if let Some(v) = number(&o.data.value) {
                    latest.push((c.code.to_string(), o.data.period, v));
                }
            }
        }
        let Some(chosen) = period.or_else(|| latest.iter().map(|(_, p, _)| *p).max()) else {
            return Ok(CityComparison {
                indicator: definition.code.to_string(),
                version,
                period: String::new(),
                values: Vec::new(),
                comparison: None,
            });
        };
        let mut values: Vec<(String, f64)> = latest.into_iter().filter(|(_, p, _)| *p == chosen).map(|(c, _, v)| (c, v)).collect();
        values.sort_by(|a, b| a.0.cmp(&b.0));
        let direction = direction(definition.direction).unwrap_or(Direction::Positive);
        let with_rank = with_rank && self::direction(definition.direction).is_some();
        let comparison = gaps::compare(&values, city, 3, direction, with_rank);
        Ok(CityComparison { indicator: definition.code.to_string(), version, period: chosen.to_string(), values, comparison })
    }
}
