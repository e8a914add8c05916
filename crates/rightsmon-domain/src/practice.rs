//! The good-practice library: what a city did for a right or theme, with its results and the
//! indicators that show them, so that other cities can learn from it (and be recommended it).
//! A practice is written in one language and may be translated into others.

use crate::accountability::{Evidence, codes, parse_text, parse_title};
use crate::error::{FieldErrors, ParseError};
use crate::id::{AreaCode, IndicatorCode};
use crate::right::{RightCode, ThemeCode};
use crate::text::LanguageCode;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The fields of a practice as a form or the API sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PracticeDraft {
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub language: String,
    /// What was done.
    #[serde(default)]
    pub summary: String,
    /// What came of it.
    #[serde(default)]
    pub results: String,
    /// Codes, separated by commas.
    #[serde(default)]
    pub themes: String,
    #[serde(default)]
    pub rights: String,
    /// The indicators whose values show the results.
    #[serde(default)]
    pub indicators: String,
    /// Whom to ask: a department, an organisation, a public address.
    #[serde(default)]
    pub contacts: String,
    /// Links, one per line.
    #[serde(default)]
    pub documents: String,
}

/// A validated practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPractice {
    pub city: AreaCode,
    pub title: String,
    pub language: LanguageCode,
    pub summary: String,
    pub results: Option<String>,
    pub themes: BTreeSet<ThemeCode>,
    pub rights: BTreeSet<RightCode>,
    pub indicators: BTreeSet<IndicatorCode>,
    pub contacts: Option<String>,
    pub documents: Vec<String>,
}

/// A practice in another language: its title, summary and results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeTranslation {
    pub title: String,
    pub summary: String,
    pub results: Option<String>,
}

/// A kept practice, with its translations by language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Practice {
    pub id: i64,
    #[serde(flatten)]
    pub practice: NewPractice,
    pub translations: BTreeMap<LanguageCode, PracticeTranslation>,
    pub recorded_by: Option<i64>,
    pub recorded_at: Timestamp,
}

impl Practice {
    /// The practice's words in `language`: its translation, else its own; and whether they are
    /// a translation.
    pub fn in_language(&self, language: &str) -> (&str, &str, Option<&str>, &LanguageCode) {
        match self.translations.iter().find(|(code, _)| code.as_str() == language) {
            Some((code, t)) => (&t.title, &t.summary, t.results.as_deref(), code),
            None => (&self.practice.title, &self.practice.summary, self.practice.results.as_deref(), &self.practice.language),
        }
    }

    /// Whether `words` (lower-cased) occur in its title, summary or results, in any language.
    pub fn mentions(&self, words: &str) -> bool {
        let has = |text: &str| text.to_lowercase().contains(words);
        has(&self.practice.title)
            || has(&self.practice.summary)
            || self.practice.results.as_deref().is_some_and(has)
            || self.translations.values().any(|t| has(&t.title) || has(&t.summary) || t.results.as_deref().is_some_and(has))
    }
}

impl NewPractice {
    /// Validates a practice: a city, a title, what was done, and at least one right or theme.
    pub fn parse(draft: &PracticeDraft) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let city = errors.check("city", AreaCode::parse(draft.city.trim()));
        let title = errors.check("title", parse_title(&draft.title));
        let language = match draft.language.trim() {
            "" => Some(LanguageCode::english()),
            language => errors.check("language", LanguageCode::parse(language)),
        };
        let summary = match errors.check("summary", parse_text(&draft.summary)) {
            Some(None) => {
                errors.push("summary", ParseError::new("blank", "say what was done"));
                None
            }
            other => other.flatten(),
        };
        let results = errors.check("results", parse_text(&draft.results));
        let themes = codes(&mut errors, "themes", std::slice::from_ref(&draft.themes), ThemeCode::parse);
        let rights = codes(&mut errors, "rights", std::slice::from_ref(&draft.rights), RightCode::parse);
        let indicators = codes(&mut errors, "indicators", std::slice::from_ref(&draft.indicators), IndicatorCode::parse);
        if let (Some(rights), Some(themes)) = (&rights, &themes)
            && rights.is_empty()
            && themes.is_empty()
        {
            errors.push("themes", ParseError::new("no_right_or_theme", "name at least one theme or right it serves"));
        }
        let contacts = errors.check("contacts", parse_text(&draft.contacts));
        let documents = match errors.check("documents", Evidence::parse_lines(&draft.documents)) {
            Some(evidence) => {
                let mut links = Vec::new();
                for piece in evidence {
                    match piece {
                        Evidence::Link(link) => links.push(link),
                        Evidence::Indicator(code) => {
                            errors.push(
                                "documents",
                                ParseError::new("not_a_link", format!("{code} is not a link: indicators go in their own field")),
                            );
                        }
                    }
                }
                Some(links)
            }
            None => None,
        };
        errors.finish(|| {
            Some(NewPractice {
                city: city?,
                title: title?,
                language: language?,
                summary: summary?,
                results: results?,
                themes: themes?,
                rights: rights?,
                indicators: indicators?,
                contacts: contacts?,
                documents: documents?,
            })
        })
    }
}

impl PracticeTranslation {
    /// Validates a translation: a title and a summary; results where the practice has them.
    pub fn parse(title: &str, summary: &str, results: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", parse_title(title));
        let summary = match errors.check("summary", parse_text(summary)) {
            Some(None) => {
                errors.push("summary", ParseError::new("blank", "translate what was done"));
                None
            }
            other => other.flatten(),
        };
        let results = errors.check("results", parse_text(results));
        errors.finish(|| Some(PracticeTranslation { title: title?, summary: summary?, results: results? }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> PracticeDraft {
        PracticeDraft {
            city: "ghent".into(),
            title: "Housing First for young people leaving care".into(),
            language: "en".into(),
            summary: "Flats with support, without conditions.".into(),
            results: "Nine in ten still housed after two years.".into(),
            themes: "HOUSING, SOCIAL_INCLUSION".into(),
            rights: "CFR-34".into(),
            indicators: "RM-HOU-01".into(),
            contacts: "Social services, housing desk".into(),
            documents: "https://example.org/housing-first".into(),
        }
    }

    #[test]
    fn a_practice_names_what_was_done_and_what_it_serves() {
        let practice = NewPractice::parse(&draft()).unwrap();
        assert_eq!(practice.themes.len(), 2);
        assert_eq!(practice.documents, ["https://example.org/housing-first"]);
        let refused = NewPractice::parse(&PracticeDraft {
            summary: " ".into(),
            themes: String::new(),
            rights: String::new(),
            documents: "RM-HOU-01".into(),
            ..draft()
        })
        .unwrap_err();
        assert_eq!(refused.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["summary", "themes", "documents"]);
    }

    #[test]
    fn a_translated_practice_reads_in_the_readers_language_and_is_found_in_any() {
        let mut practice = Practice {
            id: 1,
            practice: NewPractice::parse(&draft()).unwrap(),
            translations: BTreeMap::new(),
            recorded_by: None,
            recorded_at: Timestamp(0),
        };
        practice.translations.insert(
            LanguageCode::parse("nl").unwrap(),
            PracticeTranslation::parse("Housing First voor jongeren uit de jeugdhulp", "Woningen met begeleiding.", "").unwrap(),
        );
        assert_eq!(practice.in_language("nl").0, "Housing First voor jongeren uit de jeugdhulp");
        assert_eq!(practice.in_language("fr").3.as_str(), "en", "the original where there is no translation");
        assert!(practice.mentions("jeugdhulp") && practice.mentions("support") && !practice.mentions("bicycle"));
    }
}
