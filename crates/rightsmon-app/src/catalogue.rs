//! Reading the network, its cities, themes, rights and indicators. All of it is public.

use crate::{App, AppError, AppResult};
use rightsmon_domain::area::{Area, AreaKind};
use rightsmon_domain::catalogue::IndicatorDefinition;
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::right::{Right, RightCode, RightKind, Theme, ThemeCode};
use rightsmon_store::{IndicatorQuery, Page, PageRequest};

/// The network and its cities.
#[derive(Debug, Clone)]
pub struct NetworkOverview {
    pub network: Option<Area>,
    pub cities: Vec<Area>,
    pub themes: Vec<Theme>,
}

/// Filters of the indicator list, as they come from a request.
#[derive(Debug, Clone, Default)]
pub struct IndicatorFilter {
    pub city: Option<String>,
    pub theme: Option<String>,
    pub right: Option<String>,
    /// `core` or `local`.
    pub scope: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

fn invalid(field: &str, error: rightsmon_domain::ParseError) -> AppError {
    AppError::Invalid(rightsmon_domain::FieldErrors::single(field, error))
}

impl App {
    pub async fn network_overview(&self) -> AppResult<NetworkOverview> {
        let network = self.store.list_areas(Some(AreaKind::Network), None).await?.into_iter().next();
        let cities = self.store.list_areas(Some(AreaKind::City), None).await?;
        let themes = self.store.list_themes().await?;
        Ok(NetworkOverview { network, cities, themes })
    }

    /// A city; a code that is not a city's is not found.
    pub async fn city(&self, code: &str) -> AppResult<Area> {
        let code = AreaCode::parse(code).map_err(|_| AppError::NotFound)?;
        let area = self.store.get_area(&code).await?;
        if area.kind == AreaKind::City { Ok(area) } else { Err(AppError::NotFound) }
    }

    pub async fn districts(&self, city: &AreaCode) -> AppResult<Vec<Area>> {
        Ok(self.store.list_areas(Some(AreaKind::District), Some(city)).await?)
    }

    pub async fn themes(&self) -> AppResult<Vec<Theme>> {
        Ok(self.store.list_themes().await?)
    }

    pub async fn rights(&self, kind: Option<&str>) -> AppResult<Vec<Right>> {
        let kind = kind.map(RightKind::parse).transpose().map_err(|e| invalid("kind", e))?;
        Ok(self.store.list_rights(kind).await?)
    }

    /// The latest version of each indicator matching the filter.
    pub async fn indicators(&self, filter: &IndicatorFilter) -> AppResult<Page<IndicatorDefinition>> {
        let city = filter.city.as_deref().filter(|c| !c.is_empty()).map(AreaCode::parse).transpose().map_err(|e| invalid("city", e))?;
        let scope = match filter.scope.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some("core") => Some(None),
            Some("local") => match &city {
                Some(city) => Some(Some(city.clone())),
                None => return Err(invalid("scope", rightsmon_domain::ParseError::new("missing_city", "scope=local needs a city"))),
            },
            Some(other) => {
                return Err(invalid(
                    "scope",
                    rightsmon_domain::ParseError::new("invalid_scope", format!("{other:?} is not core or local")),
                ));
            }
        };
        let query = IndicatorQuery {
            available_in: if scope.is_none() { city } else { None },
            scope,
            theme: filter.theme.as_deref().filter(|t| !t.is_empty()).map(ThemeCode::parse).transpose().map_err(|e| invalid("theme", e))?,
            right: filter.right.as_deref().filter(|r| !r.is_empty()).map(RightCode::parse).transpose().map_err(|e| invalid("right", e))?,
            page: PageRequest::new(filter.limit.unwrap_or(100), filter.offset.unwrap_or(0)),
        };
        Ok(self.store.list_indicators(&query).await?)
    }

    /// One indicator, at a version or its latest.
    pub async fn indicator(&self, code: &str, version: Option<u32>) -> AppResult<IndicatorDefinition> {
        let code = IndicatorCode::parse(code).map_err(|_| AppError::NotFound)?;
        Ok(self.store.get_indicator(&code, version).await?)
    }

    pub async fn indicator_versions(&self, code: &str) -> AppResult<Vec<IndicatorDefinition>> {
        let code = IndicatorCode::parse(code).map_err(|_| AppError::NotFound)?;
        let versions = self.store.list_indicator_versions(&code).await?;
        if versions.is_empty() { Err(AppError::NotFound) } else { Ok(versions) }
    }
}
