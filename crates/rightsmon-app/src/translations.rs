//! The reference content in every supported language: the texts of the core indicators (names,
//! definitions, rationales, computations, comparability notes), their units, the OHCHR attributes
//! of the rights they measure, and what the reference files under `reference/` hold in fewer
//! languages (themes, norms, Charter headings, codelists). Each language is one reviewed file,
//! `reference/translations/<language>.toml`, whose `review` says whether a native speaker has
//! checked it ("reviewed") or not yet ("drafted"); the pages say so until they have.
//!
//! A text given in the reference files or in an indicator's definition always wins; a file only
//! fills the languages that are missing.

use rightsmon_domain::catalogue::{Computation, IndicatorDefinition, IndicatorScope};
use rightsmon_domain::text::Texts;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The translation files, by language.
pub const FILES: &[(&str, &str)] = &[
    ("nl", include_str!("../../../reference/translations/nl.toml")),
    ("it", include_str!("../../../reference/translations/it.toml")),
    ("es", include_str!("../../../reference/translations/es.toml")),
    ("pt", include_str!("../../../reference/translations/pt.toml")),
    ("pl", include_str!("../../../reference/translations/pl.toml")),
    ("ro", include_str!("../../../reference/translations/ro.toml")),
    ("hu", include_str!("../../../reference/translations/hu.toml")),
    ("fr", include_str!("../../../reference/translations/fr.toml")),
];

/// Whether a language's content has been checked by a native speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// Translated, awaiting review by a native speaker.
    Drafted,
    /// Checked by a native speaker.
    Reviewed,
}

impl Review {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Drafted => "drafted",
            Self::Reviewed => "reviewed",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedTexts {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharterTexts {
    #[serde(default)]
    pub titles: BTreeMap<String, NamedTexts>,
    #[serde(default)]
    pub articles: BTreeMap<String, NamedTexts>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodelistTexts {
    pub name: Option<String>,
    #[serde(default)]
    pub codes: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorTexts {
    pub name: Option<String>,
    pub definition: Option<String>,
    pub rationale: Option<String>,
    pub formula: Option<String>,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub survey_question: Option<String>,
    pub comparability: Option<String>,
}

/// One language's file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageFile {
    pub language: String,
    pub review: Review,
    #[serde(default)]
    pub units: BTreeMap<String, String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub themes: BTreeMap<String, NamedTexts>,
    #[serde(default)]
    pub norms: BTreeMap<String, NamedTexts>,
    #[serde(default)]
    pub charter: CharterTexts,
    #[serde(default)]
    pub codelists: BTreeMap<String, CodelistTexts>,
    #[serde(default)]
    pub indicators: BTreeMap<String, IndicatorTexts>,
}

/// Every language's file, parsed.
pub struct Translations {
    pub languages: Vec<LanguageFile>,
}

/// Parses every translation file; a problem names its file.
pub fn parse_all() -> anyhow::Result<Translations> {
    let mut languages = Vec::new();
    for (language, text) in FILES {
        let file: LanguageFile = toml::from_str(text).map_err(|e| anyhow::anyhow!("reference/translations/{language}.toml: {e}"))?;
        if file.language != *language {
            anyhow::bail!("reference/translations/{language}.toml says it is {:?}", file.language);
        }
        languages.push(file);
    }
    Ok(Translations { languages })
}

static TRANSLATIONS: LazyLock<Translations> = LazyLock::new(|| {
    // The files are embedded and checked by the tests; should one not parse, nothing is filled.
    parse_all().unwrap_or(Translations { languages: Vec::new() })
});

/// The parsed translation files.
pub fn translations() -> &'static Translations {
    &TRANSLATIONS
}

fn fill(texts: &Texts, language: &str, text: Option<&String>) -> Texts {
    match text {
        Some(text) => texts.filled(language, text),
        None => texts.clone(),
    }
}

fn fill_option(texts: &Option<Texts>, language: &str, text: Option<&String>) -> Option<Texts> {
    texts.as_ref().map(|t| fill(t, language, text))
}

impl Translations {
    /// The review status of a language's content; English is the source and needs none.
    pub fn review(&self, language: &str) -> Option<Review> {
        self.languages.iter().find(|l| l.language == language).map(|l| l.review)
    }

    /// A core indicator's definition with its texts in every language a file holds for it.
    pub fn indicator(&self, definition: &IndicatorDefinition) -> IndicatorDefinition {
        let mut out = definition.clone();
        if definition.scope != IndicatorScope::Core {
            return out;
        }
        for file in &self.languages {
            let Some(t) = file.indicators.get(definition.code.as_str()) else { continue };
            let l = file.language.as_str();
            out.name = fill(&out.name, l, t.name.as_ref());
            out.definition = fill(&out.definition, l, t.definition.as_ref());
            out.rationale = fill_option(&out.rationale, l, t.rationale.as_ref());
            out.comparability = fill_option(&out.comparability, l, t.comparability.as_ref());
            if let Some(c) = &out.computation {
                out.computation = Some(Computation {
                    numerator: fill_option(&c.numerator, l, t.numerator.as_ref()),
                    denominator: fill_option(&c.denominator, l, t.denominator.as_ref()),
                    formula: fill_option(&c.formula, l, t.formula.as_ref()),
                    survey_question: fill_option(&c.survey_question, l, t.survey_question.as_ref()),
                });
            }
        }
        out
    }

    /// A unit as `language` writes it, or as it is.
    pub fn unit<'a>(&'a self, unit: &'a str, language: &str) -> &'a str {
        self.lookup(language, |f| f.units.get(unit)).unwrap_or(unit)
    }

    /// An OHCHR attribute in `language`, or as it is.
    pub fn attribute<'a>(&'a self, attribute: &'a str, language: &str) -> &'a str {
        self.lookup(language, |f| f.attributes.get(attribute)).unwrap_or(attribute)
    }

    fn lookup<'a>(&'a self, language: &str, get: impl Fn(&'a LanguageFile) -> Option<&'a String>) -> Option<&'a str> {
        let file = self.languages.iter().find(|l| l.language == language)?;
        get(file).map(String::as_str).filter(|t| !t.trim().is_empty())
    }

    /// A theme's texts with every language the files hold.
    pub fn theme(&self, code: &str, name: &Texts, description: &Option<Texts>) -> (Texts, Option<Texts>) {
        let (mut name, mut description) = (name.clone(), description.clone());
        for file in &self.languages {
            if let Some(t) = file.themes.get(code) {
                name = fill(&name, &file.language, t.name.as_ref());
                description = fill_option(&description, &file.language, t.description.as_ref());
            }
        }
        (name, description)
    }

    /// A norm's texts with every language the files hold.
    pub fn norm(&self, code: &str, name: &Texts, description: &Option<Texts>) -> (Texts, Option<Texts>) {
        let (mut name, mut description) = (name.clone(), description.clone());
        for file in &self.languages {
            if let Some(t) = file.norms.get(code) {
                name = fill(&name, &file.language, t.name.as_ref());
                description = fill_option(&description, &file.language, t.description.as_ref());
            }
        }
        (name, description)
    }

    /// A Charter title's (`article` false) or article's heading with every language the files hold.
    pub fn charter(&self, number: u8, article: bool, name: &Texts) -> Texts {
        let mut name = name.clone();
        for file in &self.languages {
            let entries = if article { &file.charter.articles } else { &file.charter.titles };
            if let Some(t) = entries.get(&number.to_string()) {
                name = fill(&name, &file.language, t.name.as_ref());
            }
        }
        name
    }

    /// A codelist's name, or one of its codes' (`code` given), with every language the files hold.
    pub fn codelist(&self, id: &str, code: Option<&str>, name: &Texts) -> Texts {
        let mut name = name.clone();
        for file in &self.languages {
            if let Some(t) = file.codelists.get(id) {
                let text = match code {
                    Some(code) => t.codes.get(code),
                    None => t.name.as_ref(),
                };
                name = fill(&name, &file.language, text);
            }
        }
        name
    }
}
