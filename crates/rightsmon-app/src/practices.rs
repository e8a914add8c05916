//! The good-practice library: a city's working group adds what the city did for a right or
//! theme, with its results and the indicators that show them; anyone reads and searches the
//! library; the working group (or the network's coordinators) translates a practice; and a
//! practice can be recommended to another city through the recommendation form.

use crate::accountability::FollowUp;
use crate::{App, AppError, AppResult, signed_in};
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::Actor;
use rightsmon_domain::error::ParseError;
use rightsmon_domain::id::AreaCode;
use rightsmon_domain::practice::{NewPractice, Practice, PracticeDraft, PracticeTranslation};
use rightsmon_domain::text::LanguageCode;
use serde::{Deserialize, Serialize};

/// The library's filters; empty fields do not filter.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PracticeFilter {
    /// Words to find in a title, summary or results, in any language.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub right: String,
}

/// A practice with what its indicators show now.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeView {
    pub practice: Practice,
    pub results_now: Vec<FollowUp>,
    /// Whether the reader may translate it.
    pub may_translate: bool,
}

/// A city's working group writes its practices (network coordinators may do everything in a
/// city, so they may too).
fn may_write(actor: &Actor, city: &AreaCode) -> bool {
    crate::accountability::in_working_group(actor, Some(city))
}

impl App {
    /// Adds a practice of a city; its working group (or the network's coordinators) does.
    pub async fn add_practice(&self, actor: &Actor, draft: &PracticeDraft) -> AppResult<Practice> {
        let user = signed_in(actor)?;
        if let Ok(city) = AreaCode::parse(draft.city.trim())
            && !may_write(actor, &city)
        {
            return Err(AppError::Forbidden);
        }
        let practice = NewPractice::parse(draft)?;
        self.city(practice.city.as_str())
            .await
            .map_err(|_| AppError::Invalid(FieldErrors::single("city", ParseError::new("unknown_city", "no such city in the network"))))?;
        let mut errors = FieldErrors::new();
        for code in &practice.indicators {
            if self.indicator(code.as_str(), None).await.is_err() {
                errors.push("indicators", ParseError::new("unknown_indicator", format!("{code} is not in the catalogue")));
            }
        }
        let themes = self.store.list_themes().await?;
        for code in practice.themes.iter().filter(|c| !themes.iter().any(|t| &t.code == *c)) {
            errors.push("themes", ParseError::new("unknown_theme", format!("{code} is not a theme")));
        }
        let rights = self.store.list_rights(None).await?;
        for code in practice.rights.iter().filter(|c| !rights.iter().any(|r| &r.code == *c)) {
            errors.push("rights", ParseError::new("unknown_right", format!("{code} is not a right")));
        }
        errors.finish(|| Some(()))?;
        let event = self.event(Some(user), "practice.added", "practice:*", serde_json::json!({"city": practice.city}));
        Ok(self.store.create_practice(&practice, Some(user), self.now(), &event).await?)
    }

    /// Adds or replaces a practice's translation into another language.
    pub async fn translate_practice(
        &self,
        actor: &Actor,
        id: i64,
        language: &str,
        title: &str,
        summary: &str,
        results: &str,
    ) -> AppResult<Practice> {
        let user = signed_in(actor)?;
        let practice = self.store.get_practice(id).await?;
        if !may_write(actor, &practice.practice.city) {
            return Err(AppError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        let language = match errors.check("language", LanguageCode::parse(language.trim())) {
            Some(code) if code == practice.practice.language => {
                errors.push("language", ParseError::new("original_language", "the practice is written in this language"));
                None
            }
            other => other,
        };
        let translation = match PracticeTranslation::parse(title, summary, results) {
            Ok(translation) => Some(translation),
            Err(more) => {
                errors.0.extend(more.0);
                None
            }
        };
        let (language, translation) = errors.finish(|| Some((language?, translation?)))?;
        let event = self.event(Some(user), "practice.translated", format!("practice:{id}"), serde_json::json!({"language": language}));
        Ok(self.store.set_practice_translation(id, &language, &translation, &event).await?)
    }

    /// The practices that pass the filter, latest first.
    pub async fn practices(&self, filter: &PracticeFilter) -> AppResult<Vec<Practice>> {
        let words = filter.q.trim().to_lowercase();
        let (city, theme, right) = (filter.city.trim(), filter.theme.trim(), filter.right.trim());
        Ok(self
            .store
            .list_practices()
            .await?
            .into_iter()
            .filter(|p| city.is_empty() || p.practice.city.as_str() == city)
            .filter(|p| theme.is_empty() || p.practice.themes.iter().any(|t| t.as_str() == theme))
            .filter(|p| right.is_empty() || p.practice.rights.iter().any(|r| r.as_str() == right))
            .filter(|p| words.is_empty() || p.mentions(&words))
            .collect())
    }

    /// A practice with what its indicators show now in its city.
    pub async fn practice(&self, actor: &Actor, id: i64) -> AppResult<PracticeView> {
        let practice = self.store.get_practice(id).await?;
        let results_now = self.follow_ups(&Actor::Anonymous, &practice.practice.city, practice.practice.indicators.iter()).await;
        let may_translate = may_write(actor, &practice.practice.city);
        Ok(PracticeView { practice, results_now, may_translate })
    }
}
