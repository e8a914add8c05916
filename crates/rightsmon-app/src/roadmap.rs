//! The road map: the steps a city goes through to run its monitoring (working group formed,
//! priorities chosen, indicators adopted, ...). The network's coordinators keep the list; a
//! city's coordinators record when it reached each step, with evidence; everyone sees where
//! each city stands.

use crate::{App, AppError, AppResult, signed_in};
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::area::AreaKind;
use rightsmon_domain::error::ParseError;
use rightsmon_domain::id::{AreaCode, StepCode};
use rightsmon_domain::roadmap::{DEFAULT_STEPS, Milestone, MilestoneDraft, NewMilestone, RoadmapStep};
use rightsmon_domain::text::Texts;
use rightsmon_domain::time::Date;
use rightsmon_domain::{FieldErrors, area::parse_name};
use serde::Serialize;

/// One city on the road map: its milestones, in the order of the steps (`None`: not reached).
#[derive(Debug, Clone, Serialize)]
pub struct CityRoad {
    pub code: AreaCode,
    pub name: String,
    pub milestones: Vec<Option<Milestone>>,
    pub reached: usize,
}

/// The road map of the network: its steps and every city's milestones.
#[derive(Debug, Clone, Serialize)]
pub struct Roadmap {
    pub steps: Vec<RoadmapStep>,
    pub cities: Vec<CityRoad>,
}

/// A step's code from its English name: lowercase words joined by hyphens.
fn code_of(name: &str) -> String {
    let mut code = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.is_empty() && !code.ends_with('-') {
            code.push('-');
        }
    }
    code.trim_end_matches('-').chars().take(64).collect::<String>().trim_end_matches('-').to_owned()
}

impl App {
    /// Puts the default steps in place where the network has none yet.
    pub async fn initialise_roadmap(&self) -> AppResult<usize> {
        if !self.store.list_roadmap_steps().await?.is_empty() {
            return Ok(0);
        }
        for (position, (code, name)) in DEFAULT_STEPS.iter().enumerate() {
            let step = RoadmapStep {
                code: StepCode::parse(code).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?,
                position: u32::try_from(position + 1).unwrap_or(u32::MAX),
                name: Texts::english(name).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?,
            };
            let event = self.event(None, "roadmap.step", format!("roadmap:{code}"), serde_json::json!({"position": step.position}));
            self.store.put_roadmap_step(&step, &event).await?;
        }
        Ok(DEFAULT_STEPS.len())
    }

    /// Adds a step at the end of the road map; the network's coordinators do.
    pub async fn add_roadmap_step(&self, actor: &Actor, name: &str) -> AppResult<RoadmapStep> {
        let user = signed_in(actor)?;
        if !actor.may(Permission::ManageNetwork) {
            return Err(AppError::Forbidden);
        }
        let name = parse_name(name).map_err(|e| AppError::Invalid(FieldErrors::single("name", e)))?;
        let steps = self.store.list_roadmap_steps().await?;
        let code = StepCode::parse(&code_of(&name)).map_err(|_| {
            AppError::Invalid(FieldErrors::single("name", ParseError::new("invalid_name", "the name needs letters or digits")))
        })?;
        if steps.iter().any(|s| s.code == code) {
            return Err(AppError::Invalid(FieldErrors::single(
                "name",
                ParseError::new("step_exists", "the road map has this step already"),
            )));
        }
        let step = RoadmapStep {
            code,
            position: steps.iter().map(|s| s.position).max().unwrap_or(0) + 1,
            name: Texts::english(&name).map_err(|e| AppError::Invalid(FieldErrors::single("name", e)))?,
        };
        let event =
            self.event(Some(user), "roadmap.step", format!("roadmap:{}", step.code), serde_json::json!({"position": step.position}));
        self.store.put_roadmap_step(&step, &event).await?;
        Ok(step)
    }

    /// Records that a city reached a step; its coordinators do.
    pub async fn record_milestone(&self, actor: &Actor, city: &str, draft: &MilestoneDraft) -> AppResult<Milestone> {
        let user = signed_in(actor)?;
        let city = self.city(city).await?;
        if !actor.may(Permission::ManageCity(&city.code)) {
            return Err(AppError::Forbidden);
        }
        let milestone = NewMilestone::parse(&city.code, draft, Date::of_timestamp(self.now()))?;
        if !self.store.list_roadmap_steps().await?.iter().any(|s| s.code == milestone.step) {
            return Err(AppError::Invalid(FieldErrors::single("step", ParseError::new("unknown_step", "the road map has no such step"))));
        }
        let event = self.event(
            Some(user),
            "roadmap.reached",
            format!("roadmap:{}:{}", city.code, milestone.step),
            serde_json::json!({"on": milestone.reached_on}),
        );
        Ok(self.store.set_milestone(&milestone, Some(user), self.now(), &event).await?)
    }

    /// Removes the record of a step a city reached, recorded by mistake; its coordinators do.
    pub async fn remove_milestone(&self, actor: &Actor, city: &str, step: &str) -> AppResult<()> {
        let user = signed_in(actor)?;
        let city = self.city(city).await?;
        if !actor.may(Permission::ManageCity(&city.code)) {
            return Err(AppError::Forbidden);
        }
        let step = StepCode::parse(step.trim()).map_err(|_| AppError::NotFound)?;
        let event = self.event(Some(user), "roadmap.removed", format!("roadmap:{}:{step}", city.code), serde_json::json!({}));
        Ok(self.store.remove_milestone(&city.code, &step, &event).await?)
    }

    /// The road map of the network, or of one city.
    pub async fn roadmap(&self, city: Option<&str>) -> AppResult<Roadmap> {
        let steps = self.store.list_roadmap_steps().await?;
        let cities = match city {
            Some(code) => vec![self.city(code).await?],
            None => self.store.list_areas(Some(AreaKind::City), None).await?,
        };
        let only = cities.first().filter(|_| city.is_some()).map(|c| c.code.clone());
        let milestones = self.store.list_milestones(only.as_ref()).await?;
        let cities = cities
            .into_iter()
            .map(|city| {
                let own: Vec<Option<Milestone>> = steps
                    .iter()
                    .map(|step| milestones.iter().find(|m| m.milestone.city == city.code && m.milestone.step == step.code).cloned())
                    .collect();
                CityRoad { reached: own.iter().flatten().count(), code: city.code, name: city.name, milestones: own }
            })
            .collect();
        Ok(Roadmap { steps, cities })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_step_is_coded_from_its_name() {
        assert_eq!(super::code_of("Budget agreed, 2027!"), "budget-agreed-2027");
        assert_eq!(super::code_of("  Dialogue -- held "), "dialogue-held");
        assert_eq!(super::code_of("Événement"), "v-nement");
    }
}
