//! Reading observations. Published values are public; anything else is seen only by members of
//! the city it belongs to (and by network coordinators). Unpublished values never leave their
//! city: a value a reader may not see is "not found", never "forbidden", so that its existence
//! does not leak either.

use crate::{App, AppError, AppResult};
use rightsmon_domain::access::Actor;
use rightsmon_domain::codelist::DisaggregationKey;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::observation::Observation;
use rightsmon_domain::period::Period;
use rightsmon_domain::{FieldErrors, ParseError};
use rightsmon_store::{ObservationQuery, Page, PageRequest, Visibility};

/// Filters of the observation list, as they come from a request.
#[derive(Debug, Clone, Default)]
pub struct ObservationFilter {
    pub indicator: Option<String>,
    pub version: Option<u32>,
    pub area: Option<String>,
    pub include_districts: bool,
    pub key: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

/// One point of a series: a value, the version it was measured under, and whether a series
/// break lies between it and the point before.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SeriesPoint {
    pub period: Period,
    pub value: rightsmon_domain::observation::ObservationValue,
    pub lower_bound: Option<f64>,
    pub upper_bound: Option<f64>,
    pub version: u32,
    pub state: rightsmon_domain::observation::WorkflowState,
    pub break_before: bool,
    pub provenance: rightsmon_domain::observation::Provenance,
    pub status: rightsmon_domain::observation::StatusFlag,
    /// For a value estimated from a survey: its sampling uncertainty.
    pub precision: Option<rightsmon_domain::observation::Precision>,
}

/// What an actor may see.
pub fn visibility_for(actor: &Actor) -> Visibility {
    match actor.readable_cities() {
        None => Visibility::All,
        Some(cities) if cities.is_empty() => Visibility::PublishedOnly,
        Some(cities) => Visibility::PublishedAndCities(cities),
    }
}

fn may_see(actor: &Actor, observation: &Observation, city_of_area: Option<&AreaCode>) -> bool {
    if observation.data.state.is_public() {
        return true;
    }
    match visibility_for(actor) {
        Visibility::All => true,
        Visibility::PublishedOnly => false,
        Visibility::PublishedAndCities(cities) => city_of_area.is_some_and(|city| cities.contains(city)),
    }
}

/// The store query of a filter, for what the actor may see.
fn observation_query(actor: &Actor, filter: &ObservationFilter) -> AppResult<ObservationQuery> {
    observation_query_seen(visibility_for(actor), filter)
}

/// The store query of a filter, for what an audience may see.
fn observation_query_seen(visibility: Visibility, filter: &ObservationFilter) -> AppResult<ObservationQuery> {
    let mut errors = FieldErrors::new();
    let mut query = ObservationQuery::new(visibility);
    let optional = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    if let Some(code) = optional(&filter.indicator) {
        query.indicator = errors.check("indicator", IndicatorCode::parse(&code));
    }
    query.version = filter.version;
    if let Some(area) = optional(&filter.area) {
        query.area = errors.check("area", AreaCode::parse(&area));
    }
    query.include_districts = filter.include_districts;
    if let Some(key) = &filter.key {
        query.key = errors.check("key", DisaggregationKey::parse(key.trim()));
    }
    if let Some(from) = optional(&filter.from) {
        query.period_from = errors.check("from", Period::parse(&from));
    }
    if let Some(to) = optional(&filter.to) {
        query.period_to = errors.check("to", Period::parse(&to));
    }
    if let (Some(from), Some(to)) = (query.period_from, query.period_to)
        && to < from
    {
        errors.push("to", ParseError::new("periods_out_of_order", "the end period is before the start period"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    query.page = PageRequest::new(filter.limit.unwrap_or(100), filter.offset.unwrap_or(0));
    Ok(query)
}

/// An indicator version's name, unit and group names in one language, for labelled downloads.
type Names = (String, String, Vec<(String, String)>);

impl App {
    /// A page of the values matching the filter that the actor may see.
    pub async fn observations(&self, actor: &Actor, filter: &ObservationFilter) -> AppResult<Page<Observation>> {
        Ok(self.store.list_observations(&observation_query(actor, filter)?).await?)
    }

    /// Every value matching the filter that the actor may see, however many: for use cases that
    /// need a whole series or city (the filter's page is ignored).
    pub async fn all_observations(&self, actor: &Actor, filter: &ObservationFilter) -> AppResult<Vec<Observation>> {
        Ok(self.store.list_all_observations(&observation_query(actor, filter)?).await?)
    }

    /// Every value matching the filter that an audience may see.
    pub(crate) async fn all_observations_seen(&self, visibility: Visibility, filter: &ObservationFilter) -> AppResult<Vec<Observation>> {
        Ok(self.store.list_all_observations(&observation_query_seen(visibility, filter)?).await?)
    }

    /// The indicators with values matching the filter that an audience may see, in code order.
    pub(crate) async fn observed_indicators_seen(
        &self,
        visibility: Visibility,
        filter: &ObservationFilter,
    ) -> AppResult<Vec<IndicatorCode>> {
        Ok(self.store.observed_indicators(&observation_query_seen(visibility, filter)?).await?)
    }

    /// The indicators with values matching the filter that the actor may see, in code order.
    pub async fn observed_indicators(&self, actor: &Actor, filter: &ObservationFilter) -> AppResult<Vec<IndicatorCode>> {
        Ok(self.store.observed_indicators(&observation_query(actor, filter)?).await?)
    }

    /// The values of an indicator, across its versions, for one area and group, in time order,
    /// with the series breaks that versions introduce.
    pub async fn series(&self, actor: &Actor, indicator: &str, area: &str, key: &str) -> AppResult<Vec<SeriesPoint>> {
        self.series_seen(visibility_for(actor), indicator, area, key).await
    }

    /// The values of a series that an audience may see (see [`App::series`]).
    pub(crate) async fn series_seen(&self, visibility: Visibility, indicator: &str, area: &str, key: &str) -> AppResult<Vec<SeriesPoint>> {
        let versions = self.indicator_versions(indicator).await?;
        let filter = ObservationFilter {
            indicator: Some(indicator.to_owned()),
            area: Some(area.to_owned()),
            key: Some(key.to_owned()),
            ..ObservationFilter::default()
        };
        let mut observations = self.all_observations_seen(visibility, &filter).await?;
        observations.sort_by(|a, b| a.data.period.cmp(&b.data.period).then(a.data.version.cmp(&b.data.version)));
        let mut points: Vec<SeriesPoint> = Vec::with_capacity(observations.len());
        for observation in observations {
            let break_before = points
                .last()
                .is_some_and(|previous| rightsmon_domain::catalogue::breaks_between(&versions, previous.version, observation.data.version));
            points.push(SeriesPoint {
                period: observation.data.period,
                value: observation.data.value,
                lower_bound: observation.data.lower_bound,
                upper_bound: observation.data.upper_bound,
                version: observation.data.version,
                state: observation.data.state,
                break_before,
                provenance: observation.data.provenance,
                status: observation.data.status,
                precision: observation.data.precision,
            });
        }
        Ok(points)
    }

    /// Every value of an indicator in a city and its districts that the actor may see, as CSV:
    /// every group and definition version, by period.
    pub async fn values_csv(&self, actor: &Actor, indicator: &str, area: &str) -> AppResult<Vec<u8>> {
        let definition = self.indicator(indicator, None).await?;
        let city = self.city(area).await?;
        let filter = ObservationFilter {
            indicator: Some(definition.code.to_string()),
            area: Some(city.code.to_string()),
            include_districts: true,
            ..ObservationFilter::default()
        };
        let mut values = self.all_observations(actor, &filter).await?;
        values.sort_by(|a, b| {
            (a.data.area != city.code, &a.data.area, a.data.period, a.data.key.to_string(), a.data.version).cmp(&(
                b.data.area != city.code,
                &b.data.area,
                b.data.period,
                b.data.key.to_string(),
                b.data.version,
            ))
        });
        let mut out = Vec::new();
        rightsmon_formats::series_csv::write(&mut out, values.iter().map(|o| &o.data)).map_err(|e| AppError::Internal(e.into()))?;
        Ok(out)
    }

    /// Every published value of a city and its districts, each code with its name in `lang`, as
    /// CSV (`xlsx` false) or as a workbook: the city's open data.
    pub async fn city_values_download(&self, city: &str, lang: &str, xlsx: bool) -> AppResult<Vec<u8>> {
        let city = self.city(city).await?;
        let filter = ObservationFilter { area: Some(city.code.to_string()), include_districts: true, ..ObservationFilter::default() };
        // Published values only, whoever asks: this is the city's open data.
        let mut values = self.all_observations(&Actor::Anonymous, &filter).await?;
        values.sort_by(|a, b| {
            (&a.data.indicator, a.data.area != city.code, &a.data.area, a.data.period, a.data.key.to_string(), a.data.version).cmp(&(
                &b.data.indicator,
                b.data.area != city.code,
                &b.data.area,
                b.data.period,
                b.data.key.to_string(),
                b.data.version,
            ))
        });
        let mut areas: std::collections::HashMap<AreaCode, String> =
            self.districts(&city.code).await?.into_iter().map(|d| (d.code, d.name)).collect();
        areas.insert(city.code.clone(), city.name.clone());
        let translations = crate::translations::translations();
        let mut definitions: std::collections::HashMap<(IndicatorCode, u32), Names> = std::collections::HashMap::new();
        let mut rows = Vec::with_capacity(values.len());
        for o in &values {
            let key = (o.data.indicator.clone(), o.data.version);
            if !definitions.contains_key(&key) {
                let definition = self.indicator(o.data.indicator.as_str(), Some(o.data.version)).await?;
                let groups = self
                    .entry_groups(&definition, lang, usize::MAX)
                    .await?
                    .into_iter()
                    .filter_map(|(k, label)| Some((k.to_string(), label?)))
                    .collect();
                let name = definition.name.get(lang).text.to_owned();
                definitions.insert(key.clone(), (name, translations.unit(&definition.unit, lang).to_owned(), groups));
            }
            let (name, unit, groups) = &definitions[&key];
            let group = o.data.key.to_string();
            rows.push(rightsmon_formats::series_csv::Labelled {
                value: &o.data,
                indicator_name: name.clone(),
                area_name: areas.get(&o.data.area).cloned().unwrap_or_default(),
                group_name: groups.iter().find(|(k, _)| *k == group).map(|(_, n)| n.clone()).unwrap_or_default(),
                unit: unit.clone(),
            });
        }
        if xlsx {
            let sheet = rightsmon_formats::series_csv::labelled_sheet("values", &rows);
            rightsmon_formats::spreadsheet::write_xlsx(&[sheet]).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
        } else {
            let mut out = Vec::new();
            rightsmon_formats::series_csv::write_labelled(&mut out, &rows).map_err(|e| AppError::Internal(e.into()))?;
            Ok(out)
        }
    }

    /// One observation, if the actor may see it.
    pub async fn observation(&self, actor: &Actor, id: i64) -> AppResult<Observation> {
        let observation = self.store.get_observation(id).await?;
        let area = self.store.get_area(&observation.data.area).await?;
        let city = match area.kind {
            rightsmon_domain::area::AreaKind::City => Some(area.code),
            rightsmon_domain::area::AreaKind::District => area.parent,
            rightsmon_domain::area::AreaKind::Network => None,
        };
        if may_see(actor, &observation, city.as_ref()) { Ok(observation) } else { Err(AppError::NotFound) }
    }
}
