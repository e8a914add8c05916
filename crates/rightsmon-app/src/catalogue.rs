//! Reading the network, its cities, themes, rights and indicators. All of it is public.

use crate::{App, AppError, AppResult};
use rightsmon_domain::area::{Area, AreaKind};
use rightsmon_domain::catalogue::{IndicatorDefinition, KnownCodes};
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
    /// `structural`, `process` or `outcome`.
    pub link_type: Option<String>,
    /// Words to look for in codes, names and definitions.
    pub text: Option<String>,
    pub include_retired: bool,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

/// An indicator with everything a reader wants to know about it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndicatorDetail {
    /// The latest version.
    pub indicator: IndicatorDefinition,
    /// Every version, oldest first.
    pub versions: Vec<IndicatorDefinition>,
    pub retired: Option<rightsmon_store::Retired>,
    /// Which cities adopted it (core indicators).
    pub adoptions: Vec<rightsmon_store::Adoption>,
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
            link_type: filter
                .link_type
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(rightsmon_domain::catalogue::LinkType::parse)
                .transpose()
                .map_err(|e| invalid("type", e))?,
            text: match filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(text) if text.chars().count() > 100 => {
                    return Err(invalid("q", rightsmon_domain::ParseError::new("too_long", "search for at most 100 characters")));
                }
                other => other.map(str::to_owned),
            },
            exclude_retired: !filter.include_retired,
            page: PageRequest::new(filter.limit.unwrap_or(100), filter.offset.unwrap_or(0)),
        };
        let mut page = self.store.list_indicators(&query).await?;
        let translations = crate::translations::translations();
        for definition in &mut page.items {
            *definition = translations.indicator(definition);
        }
        Ok(page)
    }

    /// One indicator, at a version or its latest.
    pub async fn indicator(&self, code: &str, version: Option<u32>) -> AppResult<IndicatorDefinition> {
        let code = IndicatorCode::parse(code).map_err(|_| AppError::NotFound)?;
        Ok(crate::translations::translations().indicator(&self.store.get_indicator(&code, version).await?))
    }

    pub async fn indicator_versions(&self, code: &str) -> AppResult<Vec<IndicatorDefinition>> {
        let code = IndicatorCode::parse(code).map_err(|_| AppError::NotFound)?;
        let translations = crate::translations::translations();
        let versions: Vec<_> = self.store.list_indicator_versions(&code).await?.iter().map(|v| translations.indicator(v)).collect();
        if versions.is_empty() { Err(AppError::NotFound) } else { Ok(versions) }
    }

    /// An indicator's latest version, its history, whether it is retired and who adopted it.
    pub async fn indicator_detail(&self, code: &str) -> AppResult<IndicatorDetail> {
        let versions = self.indicator_versions(code).await?;
        let indicator = versions.last().cloned().ok_or(AppError::NotFound)?;
        let retired = self.store.list_retired().await?.into_iter().find(|r| r.indicator == indicator.code);
        let adoptions = self.store.list_adoptions(None, Some(&indicator.code)).await?;
        Ok(IndicatorDetail { indicator, versions, retired, adoptions })
    }

    /// The codelists: each dimension values can be broken down by, with its codes.
    pub async fn codelists(&self) -> AppResult<Vec<rightsmon_domain::codelist::Codelist>> {
        Ok(self.store.list_codelists().await?)
    }

    /// Every code a definition may refer to, as the store knows them now.
    pub async fn known_codes(&self) -> AppResult<KnownCodes> {
        let themes = self.store.list_themes().await?.into_iter().map(|t| t.code).collect();
        let rights = self.store.list_rights(None).await?.into_iter().map(|r| r.code).collect();
        let mut dimensions: std::collections::BTreeSet<_> =
            self.store.list_codelists().await?.iter().map(|c| c.dimension().clone()).collect();
        if let Ok(district) = rightsmon_domain::id::DimensionId::parse(rightsmon_domain::catalogue::DISTRICT_DIMENSION) {
            dimensions.insert(district);
        }
        let core_indicators =
            self.store.list_all_indicator_versions().await?.into_iter().filter(IndicatorDefinition::is_core).map(|d| d.code).collect();
        Ok(KnownCodes { themes, rights, dimensions, core_indicators })
    }
}
