//! UI translations: one Fluent file per language under `locales/`, embedded in the binary.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::BTreeMap;

/// The languages of the UI: code, name in the language itself, and the Fluent source.
pub const LANGUAGES: &[(&str, &str, &str)] = &[
    ("en", "English", include_str!("../../../locales/en.ftl")),
    ("nl", "Nederlands", include_str!("../../../locales/nl.ftl")),
    ("it", "Italiano", include_str!("../../../locales/it.ftl")),
    ("es", "Español", include_str!("../../../locales/es.ftl")),
    ("pt", "Português", include_str!("../../../locales/pt.ftl")),
    ("pl", "Polski", include_str!("../../../locales/pl.ftl")),
    ("ro", "Română", include_str!("../../../locales/ro.ftl")),
    ("hu", "Magyar", include_str!("../../../locales/hu.ftl")),
    ("fr", "Français", include_str!("../../../locales/fr.ftl")),
];

pub const DEFAULT_LANGUAGE: &str = "en";

/// Every UI language, ready to format messages.
pub struct I18n {
    bundles: BTreeMap<&'static str, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n").field("languages", &self.bundles.keys().collect::<Vec<_>>()).finish()
    }
}

/// An argument of a message.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl I18n {
    /// Parses every language; a syntax error names its language and line.
    pub fn load() -> anyhow::Result<Self> {
        let mut bundles = BTreeMap::new();
        for &(code, _, source) in LANGUAGES {
            let resource =
                FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| anyhow::anyhow!("locales/{code}.ftl: {errors:?}"))?;
            let language = code.parse().map_err(|e| anyhow::anyhow!("{code}: {e}"))?;
            let mut bundle = FluentBundle::new_concurrent(vec![language]);
            bundle.set_use_isolating(false);
            bundle.add_resource(resource).map_err(|errors| anyhow::anyhow!("locales/{code}.ftl: {errors:?}"))?;
            bundles.insert(code, bundle);
        }
        Ok(Self { bundles })
    }

    pub fn is_supported(&self, language: &str) -> bool {
        self.bundles.contains_key(language)
    }

    /// The message `key` in `language` (English where the language lacks it, the key itself
    /// where no language has it, so that a missing key is visible rather than a blank).
    pub fn message(&self, language: &str, key: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent_args.set(*name, FluentValue::from(text.as_str())),
                Arg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
            }
        }
        for code in [language, DEFAULT_LANGUAGE] {
            if let Some(bundle) = self.bundles.get(code)
                && let Some(pattern) = bundle.get_message(key).and_then(|m| m.value())
            {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
                return text.into_owned();
            }
        }
        key.to_owned()
    }

    /// The keys a language defines.
    pub fn keys(language_source: &str) -> Vec<String> {
        language_source
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once(" =").map(|(key, _)| key.trim().to_owned()))
            .collect()
    }

    /// The best supported language for an Accept-Language header.
    pub fn negotiate(&self, accept_language: &str) -> &'static str {
        let mut candidates: Vec<(f32, &str)> = accept_language
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                let quality = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
                Some((quality, tag))
            })
            .collect();
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, tag) in candidates {
            let primary = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
            if let Some(&(code, _, _)) = LANGUAGES.iter().find(|(code, _, _)| *code == primary) {
                return code;
            }
        }
        DEFAULT_LANGUAGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ui_string_exists_in_every_language() {
        let english = I18n::keys(LANGUAGES[0].2);
        assert!(english.len() > 40);
        for &(code, _, source) in LANGUAGES {
            let keys = I18n::keys(source);
            let missing: Vec<&String> = english.iter().filter(|k| !keys.contains(k)).collect();
            let extra: Vec<&String> = keys.iter().filter(|k| !english.contains(k)).collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
            assert!(extra.is_empty(), "{code} has keys English lacks: {extra:?}");
        }
        let i18n = I18n::load().unwrap();
        for &(code, _, _) in LANGUAGES {
            for key in &english {
                let text = i18n.message(
                    code,
                    key,
                    &[("name", Arg::Text("x".into())), ("count", Arg::Number(3.0)), ("minutes", Arg::Number(15.0))],
                );
                assert!(!text.is_empty() && text != *key, "{code}: {key} does not format");
            }
        }
    }

    #[test]
    fn the_browser_preference_picks_a_supported_language() {
        let i18n = I18n::load().unwrap();
        assert_eq!(i18n.negotiate("nl-BE,nl;q=0.9,en;q=0.8"), "nl");
        assert_eq!(i18n.negotiate("de-DE,de;q=0.9,fr;q=0.5"), "fr");
        assert_eq!(i18n.negotiate("xx, *;q=0.1"), "en");
        assert_eq!(i18n.negotiate(""), "en");
        assert_eq!(i18n.negotiate("hu;q=0.2,pl;q=0.8"), "pl");
        assert_eq!(
            i18n.message("pl", "home-cities-count", &[("count", Arg::Number(1.0))]),
            i18n.message("pl", "home-cities-count", &[("count", Arg::Number(1.0))])
        );
    }
}
