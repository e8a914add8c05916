use super::*;

pub(crate) fn draft() -> IndicatorDraft {
    IndicatorDraft {
        code: "RM-HOU-01".into(),
        version: 1,
        name: [("en".to_owned(), "Housing cost overburden rate".to_owned())].into(),
        definition: [("en".to_owned(), "Share of people in households spending over 40% of income on housing".to_owned())].into(),
        unit: "%".into(),
        direction: "lower_is_better".into(),
        value_type: "percentage".into(),
        disaggregations: vec![vec!["SEX".into()], vec!["SEX".into(), "AGE".into()]],
        rights: vec![RightLinkDraft { right: "CFR-34".into(), link_type: "outcome".into(), attribute: None }],
        ..IndicatorDraft::default()
    }
}

#[test]
fn a_percentage_gets_its_natural_limits() {
    let def = IndicatorDefinition::parse(&draft()).unwrap();
    assert_eq!((def.lower_limit, def.upper_limit), (Some(0.0), Some(100.0)));
    assert!(def.check_number(42.5).is_ok());
    assert_eq!(def.check_number(100.1).unwrap_err().code, "above_limit");
    assert_eq!(def.check_number(-1.0).unwrap_err().code, "below_limit");
    assert_eq!(def.check_number(f64::NAN).unwrap_err().code, "not_a_number");
}

#[test]
fn an_indicator_without_unit_direction_or_value_type_is_refused_with_each_reason() {
    let mut d = draft();
    d.unit = " ".into();
    d.direction = String::new();
    d.value_type = String::new();
    let codes: Vec<&str> = IndicatorDefinition::parse(&d).unwrap_err().0.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["missing_unit", "missing_direction", "missing_value_type"]);
}

#[test]
fn only_declared_disaggregations_are_allowed() {
    let def = IndicatorDefinition::parse(&draft()).unwrap();
    assert!(def.allows_key(&DisaggregationKey::total()));
    assert!(def.allows_key(&DisaggregationKey::parse("SEX=F").unwrap()));
    assert!(def.allows_key(&DisaggregationKey::parse("AGE=Y15T24|SEX=F").unwrap()));
    assert!(!def.allows_key(&DisaggregationKey::parse("DISABILITY_STATUS=PD").unwrap()));
}

#[test]
fn counts_are_whole_and_not_negative() {
    let mut d = draft();
    d.value_type = "count".into();
    d.direction = "lower_is_better".into();
    let def = IndicatorDefinition::parse(&d).unwrap();
    assert!(def.check_number(3.0).is_ok());
    assert_eq!(def.check_number(3.5).unwrap_err().code, "not_whole");
    assert_eq!(def.check_number(-3.0).unwrap_err().code, "below_limit");
}

#[test]
fn a_target_band_indicator_needs_a_band() {
    let mut d = draft();
    d.direction = "target_band".into();
    assert_eq!(IndicatorDefinition::parse(&d).unwrap_err().0[0].code, "missing_target_band");
    d.target_band = Some((40.0, 60.0));
    assert!(IndicatorDefinition::parse(&d).is_ok());
}

#[test]
fn duplicate_links_and_combinations_are_refused() {
    let mut d = draft();
    d.rights.push(RightLinkDraft { right: "CFR-34".into(), link_type: "process".into(), attribute: None });
    d.disaggregations.push(vec!["AGE".into(), "SEX".into()]);
    let codes: Vec<&str> = IndicatorDefinition::parse(&d).unwrap_err().0.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["duplicate_disaggregation", "duplicate_right"]);
}

#[test]
fn word_enums_name_the_allowed_values() {
    let error = Direction::parse("up").unwrap_err();
    assert!(error.message.contains("higher_is_better, lower_is_better, target_band"));
}

#[test]
fn an_indicator_without_a_right_is_refused() {
    let mut d = draft();
    d.rights.clear();
    let errors = IndicatorDefinition::parse(&d).unwrap_err();
    assert_eq!(errors.0[0].code, "missing_right");
    assert!(errors.0[0].message.contains("at least one right"));
}

#[test]
fn a_percentage_outside_its_natural_limits_is_refused() {
    let mut d = draft();
    d.upper_limit = Some(150.0);
    assert_eq!(IndicatorDefinition::parse(&d).unwrap_err().0[0].code, "invalid_limits");
    let mut d = draft();
    d.direction = "target_band".into();
    d.target_band = Some((40.0, 120.0));
    assert_eq!(IndicatorDefinition::parse(&d).unwrap_err().0[0].code, "band_outside_limits");
}

#[test]
fn unknown_codes_are_named() {
    let mut d = draft();
    d.themes = vec!["HOUSING".into(), "ASTROLOGY".into()];
    d.rights.push(RightLinkDraft { right: "SDG-11.1".into(), link_type: "outcome".into(), attribute: None });
    d.disaggregations = vec![vec!["SEX".into()], vec!["COLOUR".into()]];
    let def = IndicatorDefinition::parse(&d).unwrap();
    let known = KnownCodes {
        themes: [ThemeCode::parse("HOUSING").unwrap()].into(),
        rights: [RightCode::parse("CFR-34").unwrap()].into(),
        dimensions: [DimensionId::parse("SEX").unwrap()].into(),
        core_indicators: BTreeSet::new(),
    };
    let errors = def.check_references(&known).unwrap_err();
    let messages: Vec<&str> = errors.0.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["there is no theme ASTROLOGY", "there is no right SDG-11.1", "there is no dimension COLOUR (no codelist has it)"]
    );
}

#[test]
fn a_definition_survives_the_trip_through_its_draft() {
    let mut d = draft();
    d.rationale = Some([("en".to_owned(), "Why".to_owned())].into());
    d.computation = Some(ComputationDraft {
        numerator: Some([("en".to_owned(), "People in overburdened households".to_owned())].into()),
        denominator: Some([("en".to_owned(), "All residents".to_owned())].into()),
        ..ComputationDraft::default()
    });
    d.suggested_provider = Some("national_statistics".into());
    d.comparability = Some([("en".to_owned(), "EU-SILC city samples are small".to_owned())].into());
    d.rights[0].attribute = Some("Affordability".into());
    let def = IndicatorDefinition::parse(&d).unwrap();
    let again = IndicatorDefinition::parse(&def.to_draft()).unwrap();
    assert_eq!(again, def);
    let text = serde_json::to_string(&def.to_draft()).unwrap();
    let from_text: IndicatorDraft = serde_json::from_str(&text).unwrap();
    assert_eq!(IndicatorDefinition::parse(&from_text).unwrap(), def);
}

#[test]
fn changes_of_unit_or_computation_break_comparability_but_wording_does_not() {
    let v1 = IndicatorDefinition::parse(&draft()).unwrap();
    let mut reworded = v1.clone();
    reworded.name = Texts::english("Housing cost overburden").unwrap();
    reworded.disaggregations.push(vec![DimensionId::parse("TENURE").unwrap()]);
    assert!(reworded.breaking_changes_from(&v1).is_empty(), "new wording and an added breakdown keep the series");
    let mut rebased = v1.clone();
    rebased.unit = "per 1000".into();
    rebased.disaggregations.remove(1);
    assert_eq!(rebased.breaking_changes_from(&v1), ["unit", "disaggregations"]);
}

#[test]
fn only_local_indicators_compare_with_core_ones() {
    let mut d = draft();
    d.compares_with = Some(CoreComparisonDraft { core: "RM-HOU-01".into(), level: "adjusted".into(), note: None });
    assert_eq!(IndicatorDefinition::parse(&d).unwrap_err().0[0].code, "core_compares");
    d.city = Some("ghent".into());
    d.code = "GHENT-HOU-01".into();
    assert_eq!(IndicatorDefinition::parse(&d).unwrap().compares_with.unwrap().level, Comparability::Adjusted);
    d.compares_with = Some(CoreComparisonDraft { core: "RM-HOU-01".into(), level: "similar".into(), note: None });
    assert_eq!(IndicatorDefinition::parse(&d).unwrap_err().0[0].code, "invalid_comparability");
}

#[test]
fn a_series_breaks_only_across_a_breaking_version() {
    let mut v1 = IndicatorDefinition::parse(&draft()).unwrap();
    v1.version = 1;
    let mut v2 = v1.clone();
    v2.version = 2;
    let mut v3 = v1.clone();
    v3.version = 3;
    v3.breaks_series = true;
    let versions = [v1, v2, v3];
    assert!(!breaks_between(&versions, 1, 2), "an editorial version keeps the series");
    assert!(breaks_between(&versions, 2, 3));
    assert!(breaks_between(&versions, 1, 3));
    assert!(breaks_between(&versions, 3, 1));
    assert!(!breaks_between(&versions, 3, 3));
}
