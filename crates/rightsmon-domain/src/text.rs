//! Languages and texts that exist in several languages, with fallback to English.

use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A language, as a lowercase ISO 639-1 or 639-3 code (`en`, `nl`, `hu`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageCode(String);

impl LanguageCode {
    /// English, the language every text must have and every other falls back to.
    pub fn english() -> Self {
        Self("en".to_owned())
    }

    pub fn parse(input: &str) -> Result<Self, ParseError> {
        if (2..=3).contains(&input.len()) && input.chars().all(|c| c.is_ascii_lowercase()) {
            Ok(Self(input.to_owned()))
        } else {
            Err(ParseError::new(
                "invalid_language",
                format!("{input:?} is not a language code: use two or three lowercase letters such as \"en\""),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LanguageCode {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<LanguageCode> for String {
    fn from(value: LanguageCode) -> Self {
        value.0
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text in one or more languages. It always has an English version, and no version is blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, String>", into = "BTreeMap<String, String>")]
pub struct Texts(BTreeMap<LanguageCode, String>);

/// A text chosen for a reader: the words, their language and whether they are a fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Localised<'a> {
    pub text: &'a str,
    pub language: &'a str,
    pub is_fallback: bool,
}

impl Texts {
    /// A text that exists in English only.
    pub fn english(text: &str) -> Result<Self, ParseError> {
        Self::from_pairs([("en", text)])
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, ParseError> {
        let mut map = BTreeMap::new();
        for (language, text) in pairs {
            let language = LanguageCode::parse(language)?;
            let text = text.trim();
            if text.is_empty() {
                return Err(ParseError::new("blank_text", format!("the {language} text is blank")));
            }
            if text.len() > 20_000 {
                return Err(ParseError::new("text_too_long", format!("the {language} text is longer than 20000 bytes")));
            }
            map.insert(language, text.to_owned());
        }
        if !map.contains_key(&LanguageCode::english()) {
            return Err(ParseError::new("missing_english", "an English (en) text is required"));
        }
        Ok(Self(map))
    }

    /// The text in `language`, or English when there is none in that language.
    pub fn get<'a>(&'a self, language: &str) -> Localised<'a> {
        if let Some((code, text)) = self.0.iter().find(|(code, _)| code.as_str() == language) {
            return Localised { text, language: code.as_str(), is_fallback: false };
        }
        let text = self.0.get(&LanguageCode::english()).map(String::as_str).unwrap_or_default();
        Localised { text, language: "en", is_fallback: language != "en" }
    }

    /// The same texts with `text` in `language` where there was none in that language yet; a
    /// blank text, or an invalid language, adds nothing.
    pub fn filled(&self, language: &str, text: &str) -> Self {
        let mut texts = self.clone();
        if let Ok(code) = LanguageCode::parse(language)
            && !text.trim().is_empty()
            && text.len() <= 20_000
        {
            texts.0.entry(code).or_insert_with(|| text.trim().to_owned());
        }
        texts
    }

    pub fn english_text(&self) -> &str {
        self.get("en").text
    }

    pub fn languages(&self) -> impl Iterator<Item = &LanguageCode> {
        self.0.keys()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&LanguageCode, &str)> {
        self.0.iter().map(|(code, text)| (code, text.as_str()))
    }
}

impl TryFrom<BTreeMap<String, String>> for Texts {
    type Error = ParseError;
    fn try_from(map: BTreeMap<String, String>) -> Result<Self, ParseError> {
        Self::from_pairs(map.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

impl From<Texts> for BTreeMap<String, String> {
    fn from(texts: Texts) -> Self {
        texts.0.into_iter().map(|(k, v)| (k.0, v)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_translation_falls_back_to_english_and_says_so() {
        let texts = Texts::from_pairs([("en", "Housing"), ("nl", "Wonen")]).unwrap();
        assert_eq!(texts.get("nl"), Localised { text: "Wonen", language: "nl", is_fallback: false });
        assert_eq!(texts.get("hu"), Localised { text: "Housing", language: "en", is_fallback: true });
        assert!(!texts.get("en").is_fallback);
    }

    #[test]
    fn texts_without_english_or_with_blanks_are_refused() {
        assert_eq!(Texts::from_pairs([("nl", "Wonen")]).unwrap_err().code, "missing_english");
        assert_eq!(Texts::from_pairs([("en", "  ")]).unwrap_err().code, "blank_text");
        assert_eq!(Texts::from_pairs([("EN", "x")]).unwrap_err().code, "invalid_language");
    }
}
