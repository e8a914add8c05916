//! The reference content in all nine languages: no indicator of the three agreed areas falls
//! back to English, and the Charter, themes and codelists speak every language.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use rightsmon_app::translations::{Review, translations};
use support::fresh;

const LANGUAGES: [&str; 9] = ["en", "nl", "it", "es", "pt", "pl", "ro", "hu", "fr"];

#[test]
fn every_translation_file_is_whole_and_says_its_review() {
    let parsed = rightsmon_app::translations::parse_all().unwrap();
    assert_eq!(parsed.languages.len(), 8);
    for file in &parsed.languages {
        let blank = |texts: &mut dyn Iterator<Item = &String>| texts.filter(|t| t.trim().is_empty()).count();
        assert_eq!(blank(&mut file.units.values()), 0, "{}: a unit without its translation", file.language);
        assert_eq!(blank(&mut file.attributes.values()), 0, "{}: an attribute without its translation", file.language);
        for (code, t) in &file.indicators {
            for text in
                [&t.name, &t.definition, &t.rationale, &t.formula, &t.numerator, &t.denominator, &t.survey_question, &t.comparability]
                    .into_iter()
                    .flatten()
            {
                assert!(!text.trim().is_empty(), "{}: {code} has a blank text", file.language);
            }
        }
        assert!(matches!(translations().review(&file.language), Some(Review::Drafted | Review::Reviewed)));
    }
    assert_eq!(translations().review("en"), None, "English is the source");
}

#[tokio::test]
async fn no_indicator_of_the_agreed_areas_falls_back_to_english() {
    let app = fresh().await;
    let agreed: Vec<String> = app.themes().await.unwrap().into_iter().filter(|t| t.is_agreed_area).map(|t| t.code.to_string()).collect();
    assert_eq!(agreed.len(), 3);
    let page = app.indicators(&rightsmon_app::catalogue::IndicatorFilter { limit: Some(1000), ..Default::default() }).await.unwrap();
    let mut checked = 0;
    for definition in page.items.iter().filter(|d| d.themes.iter().any(|t| agreed.contains(&t.to_string()))) {
        checked += 1;
        for language in LANGUAGES {
            let mut texts = vec![("name", &definition.name), ("definition", &definition.definition)];
            texts.extend(definition.rationale.iter().map(|t| ("rationale", t)));
            texts.extend(definition.comparability.iter().map(|t| ("comparability", t)));
            if let Some(c) = &definition.computation {
                texts.extend(c.formula.iter().map(|t| ("formula", t)));
                texts.extend(c.numerator.iter().map(|t| ("numerator", t)));
                texts.extend(c.denominator.iter().map(|t| ("denominator", t)));
                texts.extend(c.survey_question.iter().map(|t| ("survey question", t)));
            }
            for (field, text) in texts {
                assert!(!text.get(language).is_fallback, "{} {field} falls back to English in {language}", definition.code);
            }
            if language != "en" {
                let unit = translations().unit(&definition.unit, language);
                assert!(
                    unit != definition.unit || ["%", "µg/m³"].contains(&unit),
                    "{}: the unit {unit:?} is not translated into {language}",
                    definition.code
                );
                for link in &definition.rights {
                    if let Some(attribute) = &link.attribute {
                        assert_ne!(translations().attribute(attribute, language), attribute, "{attribute:?} in {language}");
                    }
                }
            }
        }
    }
    assert!(checked >= 25, "the agreed areas hold {checked} indicators");
}

#[tokio::test]
async fn the_charter_themes_and_codelists_speak_every_language() {
    let app = fresh().await;
    let charter: Vec<_> = app.rights(None).await.unwrap().into_iter().filter(|r| r.code.as_str().starts_with("CFR-")).collect();
    assert_eq!(charter.len(), 61, "7 titles and 54 articles");
    for right in &charter {
        for language in LANGUAGES {
            assert!(!right.name.get(language).is_fallback, "{} has no heading in {language}", right.code);
        }
    }
    for theme in app.themes().await.unwrap() {
        for language in LANGUAGES {
            assert!(!theme.name.get(language).is_fallback, "{} in {language}", theme.code);
            assert!(theme.description.as_ref().is_none_or(|d| !d.get(language).is_fallback), "{} described in {language}", theme.code);
        }
    }
    for list in app.store.list_codelists().await.unwrap() {
        for language in LANGUAGES {
            assert!(!list.name().get(language).is_fallback, "{} in {language}", list.id());
            for code in list.codes() {
                assert!(!code.name.get(language).is_fallback, "{} {} in {language}", list.id(), code.code);
            }
        }
    }
}
