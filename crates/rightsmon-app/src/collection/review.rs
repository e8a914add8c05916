//! The review queue: values waiting for a second person, with filters and an outlier flag.

use super::*;

impl App {
    /// The values waiting for the actor's review, in the cities where they approve data:
    /// submitted values to validate or return, validated ones to publish or return.
    pub async fn review_queue(&self, actor: &Actor, limit: u32, offset: u64) -> AppResult<rightsmon_store::Page<QueueItem>> {
        self.filtered_review_queue(actor, &QueueFilter::default(), limit, offset).await
    }

    /// The review queue narrowed by indicator, area (a city with its districts), state and
    /// providing organisation; each value says whether it stands far from the rest of its series.
    pub async fn filtered_review_queue(
        &self,
        actor: &Actor,
        filter: &QueueFilter,
        limit: u32,
        offset: u64,
    ) -> AppResult<rightsmon_store::Page<QueueItem>> {
        let user = signed_in(actor)?;
        let cities: Vec<AreaCode> = self
            .store
            .list_areas(Some(AreaKind::City), None)
            .await?
            .into_iter()
            .map(|a| a.code)
            .filter(|c| actor.may(Permission::ApproveData(c)))
            .collect();
        let mut query = rightsmon_store::ObservationQuery::new(rightsmon_store::Visibility::PublishedAndCities(cities.clone()));
        query.states = vec![WorkflowState::Submitted, WorkflowState::Validated];
        let mut errors = FieldErrors::new();
        let text = |value: &str| Some(value.trim()).filter(|v| !v.is_empty()).map(str::to_owned);
        if let Some(code) = text(&filter.indicator) {
            query.indicator = errors.check("indicator", rightsmon_domain::id::IndicatorCode::parse(&code));
        }
        if let Some(area) = text(&filter.area) {
            query.area = errors.check("area", AreaCode::parse(&area));
            query.include_districts = true;
        }
        if let Some(state) = text(&filter.state) {
            match WorkflowState::parse(&state) {
                Ok(state @ (WorkflowState::Submitted | WorkflowState::Validated)) => query.states = vec![state],
                _ => errors.push("state", ParseError::new("invalid_state", "the queue holds submitted and validated values")),
            }
        }
        if let Some(organisation) = text(&filter.organisation) {
            match organisation.parse::<i64>() {
                Ok(id) => query.organisation = Some(id),
                Err(_) => {
                    errors.push("organisation", ParseError::new("invalid_organisation", format!("{organisation:?} is not an organisation")))
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        query.page = rightsmon_store::PageRequest::new(limit, offset);
        if cities.is_empty() {
            return Ok(rightsmon_store::Page { items: Vec::new(), total: 0, limit: query.page.limit(), offset: query.page.offset() });
        }
        let page = self.store.list_observations(&query).await?;
        let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        let mut items = Vec::with_capacity(page.items.len());
        for observation in page.items {
            let entered_by = match observation.entered_by {
                Some(id) => match names.get(&id) {
                    Some(name) => Some(name.clone()),
                    None => {
                        let name = self.store.get_user(id).await?.display_name;
                        names.insert(id, name.clone());
                        Some(name)
                    }
                },
                None => None,
            };
            let own = observation.entered_by == Some(user);
            let outlier = self.outlier_score(&observation).await?;
            items.push(QueueItem { observation, entered_by, own, outlier });
        }
        Ok(rightsmon_store::Page { items, total: page.total, limit: page.limit, offset: page.offset })
    }

    /// The modified z-score of a value within its series (the same indicator version, area and
    /// group over the periods), when it flags the value as an outlier, as imports flag them.
    async fn outlier_score(&self, observation: &Observation) -> AppResult<Option<f64>> {
        if crate::findings::number(&observation.data.value).is_none() {
            return Ok(None);
        }
        let mut query = rightsmon_store::ObservationQuery::new(rightsmon_store::Visibility::All);
        query.indicator = Some(observation.data.indicator.clone());
        query.version = Some(observation.data.version);
        query.area = Some(observation.data.area.clone());
        query.key = Some(observation.data.key.clone());
        let series = self.store.list_all_observations(&query).await?;
        let values: Vec<f64> = series.iter().filter_map(|o| crate::findings::number(&o.data.value)).collect();
        let Some(index) = series.iter().filter(|o| crate::findings::number(&o.data.value).is_some()).position(|o| o.id == observation.id)
        else {
            return Ok(None);
        };
        Ok(rightsmon_domain::validation::outliers(&values).into_iter().find(|(i, _)| *i == index).map(|(_, score)| score))
    }
}
