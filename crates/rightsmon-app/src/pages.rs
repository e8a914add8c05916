//! The data of the public pages that readers open most, from one use case each and kept per
//! change like findings (see `findings::FindingsCache`): an indicator in a city.

use crate::findings::{FindingsCache, IndicatorFindings};
use crate::observations::SeriesPoint;
use crate::{App, AppResult};
use rightsmon_domain::access::{Actor, Organisation};
use rightsmon_domain::area::{Area, Boundary};
use rightsmon_domain::catalogue::IndicatorDefinition;
use rightsmon_domain::codelist::DisaggregationKey;
use rightsmon_domain::id::IndicatorCode;
use rightsmon_domain::observation::ShadowValue;
use std::sync::Arc;

/// Everything the page of an indicator in a city shows, as one audience sees it in one
/// language.
#[derive(Debug)]
pub struct IndicatorPage {
    pub city: Area,
    pub definition: IndicatorDefinition,
    pub findings: Arc<IndicatorFindings>,
    /// The whole population's values, across definition versions, in time order.
    pub series: Vec<SeriesPoint>,
    /// Civil society's values beside them.
    pub shadow: Vec<ShadowValue>,
    pub districts: Vec<Area>,
    pub boundaries: Vec<Boundary>,
    /// The organisations of the city, which civil-society values name.
    pub organisations: Vec<Organisation>,
    /// Every group a value can be given for, with its name in the page's language.
    pub groups: Vec<(DisaggregationKey, Option<String>)>,
    /// The values a survey withheld in the city and its districts, where a value would be.
    pub withheld: Vec<rightsmon_domain::survey::WithheldValue>,
}

impl App {
    /// The page of an indicator in a city for what `actor` may see, in `lang`; computed when
    /// what it rests on changed, and read from what is kept otherwise.
    pub async fn indicator_page(&self, actor: &Actor, area: &str, indicator: &str, lang: &str) -> AppResult<Arc<IndicatorPage>> {
        let code = IndicatorCode::parse(indicator).map_err(|_| crate::AppError::NotFound)?;
        let (city, audience, generation) = self.city_seen(actor, area).await?;
        let key = (city.code.clone(), code.clone(), audience, lang.to_owned());
        if let Some(page) = FindingsCache::get(&self.findings.pages, &key, generation) {
            return Ok(page);
        }
        let findings = self.findings_at(&city.code, &code, audience, generation).await?;
        let definition = self.indicator(code.as_str(), None).await?;
        let series = self.series_seen(audience.visibility(&city.code), code.as_str(), city.code.as_str(), "").await?;
        let page = Arc::new(IndicatorPage {
            findings,
            series,
            shadow: self.store.list_shadow_values(&code, &city.code).await?,
            districts: self.districts(&city.code).await?,
            boundaries: self.store.list_boundaries(&city.code).await?,
            organisations: self.organisations_for(&city.code).await?,
            groups: self.entry_groups(&definition, lang, usize::MAX).await?,
            withheld: self.withheld_values(actor, &code, &city.code).await?,
            definition,
            city,
        });
        FindingsCache::put(&self.findings.pages, key, generation, page.clone());
        Ok(page)
    }
}
