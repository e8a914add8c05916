use super::*;

fn two_level() -> Structure {
    Structure::new(vec![
        NodeSpec::aggregate("index", None, 1.0),
        NodeSpec::aggregate("a", Some("index"), 1.0),
        NodeSpec::indicator("x", "a", 1.0, IndicatorSpec::new(Direction::Positive)),
        NodeSpec::indicator("y", "a", 1.0, IndicatorSpec::new(Direction::Negative)),
        NodeSpec::indicator("z", "index", 2.0, IndicatorSpec::new(Direction::Positive)),
    ])
    .unwrap()
}

fn table(columns: &[(&str, &[f64])]) -> Table {
    let n = columns[0].1.len();
    let mut t = Table::new((0..n).map(|i| format!("u{i}")).collect()).unwrap();
    for (name, values) in columns {
        t.insert(name, values.to_vec()).unwrap();
    }
    t
}

#[test]
fn a_hierarchy_is_aggregated_bottom_up_with_directions_and_weights() {
    let t = table(&[("x", &[0.0, 5.0, 10.0]), ("y", &[10.0, 5.0, 0.0]), ("z", &[1.0, 2.0, 3.0])]);
    let c = compute(&two_level(), &t, &Options::default()).unwrap();
    assert_eq!(c.nodes, ["a", "index"]);
    assert_eq!(c.normalised("y").unwrap(), [0.0, 50.0, 100.0]);
    assert_eq!(c.score("a").unwrap(), [0.0, 50.0, 100.0]);
    // index = (1 * a + 2 * z) / 3
    assert_eq!(c.index(), [0.0, 50.0, 100.0]);
    assert!(c.ranks.is_none(), "ranks only on request");
}

#[test]
fn bad_structures_are_refused_with_what_to_fix() {
    let cases = [
        (vec![NodeSpec::aggregate("a", None, 1.0), NodeSpec::aggregate("b", None, 1.0)], "2 roots"),
        (
            vec![NodeSpec::aggregate("a", None, 1.0), NodeSpec::indicator("x", "q", 1.0, IndicatorSpec::new(Direction::Positive))],
            "not declared",
        ),
        (vec![NodeSpec::aggregate("a", None, 1.0), NodeSpec::aggregate("x", Some("a"), 1.0)], "needs a direction"),
        (
            vec![NodeSpec::aggregate("a", None, 1.0), NodeSpec::aggregate("b", Some("c"), 1.0), NodeSpec::aggregate("c", Some("b"), 1.0)],
            "cycle",
        ),
    ];
    for (nodes, expected) in cases {
        let e = Structure::new(nodes).unwrap_err().to_string();
        assert!(e.contains(expected), "{e}");
    }
    let mut spec = IndicatorSpec::new(Direction::Positive);
    spec.worst = Some(10.0);
    spec.best = Some(0.0);
    let e = Structure::new(vec![NodeSpec::aggregate("a", None, 1.0), NodeSpec::indicator("x", "a", 1.0, spec)]).unwrap_err();
    assert!(e.to_string().contains("opposite"), "{e}");
}

#[test]
fn missing_values_are_left_out_or_filled_and_every_fill_is_recorded() {
    let t = table(&[("x", &[0.0, f64::NAN, 10.0]), ("y", &[10.0, 5.0, 0.0]), ("z", &[1.0, 2.0, 3.0])]);
    let c = compute(&two_level(), &t, &Options::default()).unwrap();
    assert_eq!(c.score("a").unwrap()[1], 50.0, "a is the mean of the children present");
    assert!(c.imputations.is_empty());
    let c = compute(&two_level(), &t, &Options { missing: Missing::Mean, ..Options::default() }).unwrap();
    assert_eq!(c.treated[0][1], 5.0);
    assert!(c.raw[0][1].is_nan(), "raw keeps the gap");
    assert_eq!(c.imputations.len(), 1);
    let grouped = t.clone().with_groups(vec!["g".into(), "g".into(), "h".into()]).unwrap();
    let c = compute(&two_level(), &grouped, &Options { missing: Missing::GroupMean, ..Options::default() }).unwrap();
    assert_eq!(c.treated[0][1], 0.0);
    let e = compute(&two_level(), &t, &Options { missing: Missing::GroupMean, ..Options::default() }).unwrap_err();
    assert!(e.to_string().contains("group"), "{e}");
}

#[test]
fn last_observation_carries_the_latest_earlier_value_and_says_so() {
    let rows = [("a", "x", 2020, 1.0), ("a", "x", 2022, 3.0), ("b", "x", 2019, 7.0), ("b", "x", 2021, 8.0), ("b", "x", 2023, 9.0)];
    let t = Table::from_dated(rows.iter().copied(), Some(2022), true).unwrap();
    assert_eq!(t.column("x").unwrap(), [3.0, 8.0]);
    let t = Table::from_dated(rows.iter().copied(), Some(2022), false).unwrap();
    assert_eq!(t.column("x").unwrap()[0], 3.0);
    assert!(t.column("x").unwrap()[1].is_nan());
    let dup = [("a", "x", 2020, 1.0), ("a", "x", 2020, 2.0)];
    assert!(Table::from_dated(dup.iter().copied(), None, true).is_err());
}

#[test]
fn each_normalisation_has_its_range_and_direction() {
    let mut spec = IndicatorSpec::new(Direction::Negative);
    spec.worst = Some(10.0);
    spec.best = Some(2.0);
    spec.target = Some(2.0);
    let values = [1.0, 4.0, 10.0, 12.0];
    assert_eq!(normalise("x", &values, &spec, Normalisation::Goalposts, 100.0).unwrap(), [100.0, 75.0, 0.0, 0.0]);
    assert_eq!(normalise("x", &values, &spec, Normalisation::Rank, 100.0).unwrap(), [4.0, 3.0, 2.0, 1.0]);
    let d = normalise("x", &values, &spec, Normalisation::DistanceToTarget, 100.0).unwrap();
    assert_eq!(d, [100.0, 80.0, 20.0, 0.0]);
    let z = normalise("x", &values, &spec, Normalisation::ZScore, 100.0).unwrap();
    assert!(z.iter().sum::<f64>().abs() < 1e-12 && z[0] > 0.0);
    assert!(normalise("x", &[3.0, 3.0], &spec, Normalisation::MinMax, 100.0).is_err());
}

#[test]
fn geometric_aggregation_penalises_imbalance_and_z_scores_are_refused_for_it() {
    let t = table(&[("x", &[0.0, 5.0, 10.0]), ("y", &[10.0, 5.0, 0.0]), ("z", &[1.0, 2.0, 3.0])]);
    let c = compute(&two_level(), &t, &Options { aggregation: Aggregation::Geometric, ..Options::default() }).unwrap();
    assert_eq!(c.score("a").unwrap()[0], 0.0);
    assert!((c.score("a").unwrap()[1] - 50.0).abs() < 1e-12);
    let e = compute(
        &two_level(),
        &t,
        &Options { aggregation: Aggregation::Geometric, normalisation: Normalisation::ZScore, ..Options::default() },
    );
    assert!(matches!(e, Err(CompositeError::Options(_))));
}

fn winsorise(max_values: usize, transform: Transform) -> Outliers {
    Outliers::Winsorise { skewness: 2.0, kurtosis: 3.5, max_values: Some(max_values), transform }
}

/// Forty values 0..9 four times over, then a tail.
fn with_tail(tail: &[f64]) -> Vec<f64> {
    (0..40).map(|i| f64::from(i % 10)).chain(tail.iter().copied()).collect()
}

#[test]
fn winsorising_counts_steps_and_tied_values_move_together() {
    // Two values tie at the top: the first step moves both to 30, the second all three to 20.
    // Two steps, three values changed, as COINr's treat() does it.
    let (treated, t, flags) = treat_outliers("x", with_tail(&[50.0, 50.0, 30.0, 20.0]), winsorise(5, Transform::CtLog));
    assert_eq!((t.action, t.steps, t.winsorised, t.limit, t.passes), ("winsorised", 2, 3, 5, true));
    assert_eq!(treated[40..], [20.0, 20.0, 20.0, 20.0]);
    assert_eq!(
        flags[40..],
        [CellTreatment::WinsorisedHigh, CellTreatment::WinsorisedHigh, CellTreatment::WinsorisedHigh, CellTreatment::None]
    );
    assert!((t.skewness_after - 1.593_172_448_414_800_2).abs() < 1e-12, "{t:?}");
    assert!((t.kurtosis_after - 2.465_068_194_075_901).abs() < 1e-12, "{t:?}");
    // Mirrored: the low side, flagged low.
    let mirrored: Vec<f64> = with_tail(&[50.0, 50.0, 30.0, 20.0]).iter().map(|v| -v).collect();
    let (treated, t, flags) = treat_outliers("x", mirrored, winsorise(5, Transform::CtLog));
    assert_eq!((t.steps, t.winsorised), (2, 3));
    assert_eq!(treated[40..], [-20.0, -20.0, -20.0, -20.0]);
    assert_eq!(flags[41], CellTreatment::WinsorisedLow);
}

#[test]
fn a_limit_of_five_winsorises_up_to_five_values() {
    // Four steps bring this tail within the limits. Counting every value each step moved
    // (1, 3, 6) stopped after three and logged the indicator instead.
    let (treated, t, _) = treat_outliers("x", with_tail(&[300.0, 250.0, 200.0, 150.0, 100.0, 90.0, 80.0]), winsorise(5, Transform::CtLog));
    assert_eq!((t.action, t.steps, t.winsorised), ("winsorised", 4, 4));
    assert_eq!(treated[40..], [100.0, 100.0, 100.0, 100.0, 100.0, 90.0, 80.0]);
    assert!((t.skewness_after - 2.038_851_315_905_507_7).abs() < 1e-12 && (t.kurtosis_after - 2.359_043_702_563_086_6).abs() < 1e-12);
    // Without a limit, COINr's: 10% of the units rounded up (47 units: 5).
    let (_, t, _) = treat_outliers("x", with_tail(&[300.0, 250.0, 200.0, 150.0, 100.0, 90.0, 80.0]), Outliers::coinr());
    assert_eq!((t.limit, t.steps), (5, 4));
    assert_eq!(default_winsorise_limit(31), 4);
    assert_eq!(default_winsorise_limit(30), 3);
    // A limit of one is not enough: the transformation is applied to the values as they were.
    let (treated, t, flags) = treat_outliers("x", with_tail(&[300.0, 250.0, 200.0, 150.0]), winsorise(1, Transform::CtLogOrig));
    assert_eq!((t.action, t.steps, t.winsorised), ("CTlog_orig", 0, 0));
    assert_eq!(treated[43], 151.0_f64.ln());
    assert_eq!(flags[0], CellTreatment::Transformed);
}

#[test]
fn when_winsorising_is_not_enough_the_transformation_is_coinrs_and_a_failure_is_told() {
    // Eight far values: five steps leave the tail, so the whole is transformed with CTlog,
    // ln(x - min + 0.01 (max - min)), which here still fails the check.
    let column: Vec<f64> = (0..60).map(|i| f64::from(i % 10)).chain((0..8).map(|i| 1000.0 + f64::from(i))).collect();
    let (treated, t, _) = treat_outliers("x", column.clone(), winsorise(5, Transform::CtLog));
    assert_eq!((t.action, t.passes), ("CTlog", false));
    assert!((treated[67] - (1007.0_f64 + 10.07).ln()).abs() < 1e-12, "{}", treated[67]);
    assert!((t.skewness_after - 2.337_381_409_361_931_6).abs() < 1e-12, "{t:?}");
    assert!((t.kurtosis_after - 3.759_722_087_033_843_7).abs() < 1e-12, "{t:?}");
    // The plain log needs values above 0: with zeros it leaves the indicator as it was.
    let (same, t, _) = treat_outliers("x", column.clone(), winsorise(5, Transform::Log));
    assert_eq!((same == column, t.action, t.passes), (true, "none", false));
    // Box-Cox after shifting to x - min + 1.
    let (treated, t, _) = treat_outliers("x", column.clone(), winsorise(5, Transform::BoxCox { lambda: 0.5 }));
    assert_eq!(t.action, "boxcox");
    assert!((treated[67] - (1008.0_f64.sqrt() - 1.0) / 0.5).abs() < 1e-12);
    // GIIlog: ln((max - 1)(x - min) / (max - min) + 1), so the top is ln(max).
    let (treated, _, _) = treat_outliers("x", column.clone(), winsorise(5, Transform::GiiLog));
    assert!((treated[67] - 1007.0_f64.ln()).abs() < 1e-12 && treated[0] == 0.0);
    // The composite says which indicator still fails, in words.
    let t = table(&[("x", &column), ("y", &(0..68).map(f64::from).collect::<Vec<_>>()), ("z", &[1.0; 68])]);
    let options = Options { outliers: winsorise(5, Transform::CtLog), normalisation: Normalisation::Rank, ..Options::default() };
    let c = compute(&two_level(), &t, &options).unwrap();
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c.warnings[0].starts_with("x: still outside the skewness and kurtosis limits after CTlog"), "{:?}", c.warnings);
    assert_eq!(c.treatment_flags[0][0], CellTreatment::Transformed);
    let (same, t, _) = treat_outliers("x", vec![1.0, 2.0, 3.0, 4.0, 5.0], Outliers::coinr());
    assert_eq!((same, t.action), (vec![1.0, 2.0, 3.0, 4.0, 5.0], "none"));
}

#[test]
fn ranks_are_given_at_every_level_with_the_named_tie_rule() {
    let values = [3.0, 5.0, 5.0, 1.0, f64::NAN];
    assert_eq!(rank_highest_first(&values, TieRule::Min)[..4], [3.0, 1.0, 1.0, 4.0]);
    assert_eq!(rank_highest_first(&values, TieRule::Average)[..4], [3.0, 1.5, 1.5, 4.0]);
    assert_eq!(rank_highest_first(&values, TieRule::Max)[..4], [3.0, 2.0, 2.0, 4.0]);
    assert_eq!(rank_highest_first(&values, TieRule::Dense)[..4], [2.0, 1.0, 1.0, 3.0]);
    assert!(rank_highest_first(&values, TieRule::Min)[4].is_nan());
    let t = table(&[("x", &[0.0, 5.0, 10.0]), ("y", &[10.0, 6.0, 0.0]), ("z", &[1.0, 2.0, 2.0])]);
    let c = compute(&two_level(), &t, &Options { ranks: true, ..Options::default() }).unwrap();
    let ranks = c.ranks.as_ref().unwrap();
    assert_eq!((ranks.nodes.len(), ranks.indicators.len()), (c.nodes.len(), c.indicators.len()));
    assert_eq!(ranks.indicators[2], [3.0, 1.0, 1.0], "z ties for first");
    assert_eq!(ranks.nodes.last().unwrap(), &rank_highest_first(c.index(), TieRule::Min));
}

#[test]
fn skewness_and_kurtosis_match_the_spreadsheet_functions() {
    // SKEW and KURT of 1, 2, 3, 4, 10 in a spreadsheet.
    let (s, k) = skewness_kurtosis(&[1.0, 2.0, 3.0, 4.0, 10.0]);
    assert!((s - 1.697_056_274_847_714).abs() < 1e-12, "{s}");
    assert!((k - 3.152).abs() < 1e-12, "{k}");
}

#[test]
fn the_dashboard_scale_runs_through_its_thresholds_either_way() {
    let t = Thresholds { red: 5.74, green: 8.93 };
    assert_eq!(dashboard_score(4.0, 4.75, t, 10.73), 0.0);
    assert!((dashboard_score(5.74, 4.75, t, 10.73) - 1.0).abs() < 1e-12);
    assert!((dashboard_score(9.83, 4.75, t, 10.73) - 2.5).abs() < 1e-12);
    let down = Thresholds { red: 30.0, green: 20.0 };
    assert!((dashboard_score(25.0, 40.0, down, 10.0) - 1.5).abs() < 1e-12);
    assert_eq!(dashboard_score(5.0, 40.0, down, 10.0), 3.0);
    // A red threshold beyond the worst goalpost: past the goalpost is still 0.
    let beyond = Thresholds { red: 7.0, green: 2.1 };
    assert!((dashboard_score(4.386, 4.5, beyond, 0.0) - (1.0 + (4.386 - 7.0) / (2.1 - 7.0))).abs() < 1e-12);
    assert_eq!(dashboard_score(4.517, 4.5, beyond, 0.0), 0.0);
    // Green at the best goalpost: the goalpost itself scores 3.
    assert_eq!(dashboard_score(100.0, 0.0, Thresholds { red: 89.83, green: 100.0 }, 100.0), 3.0);
    assert_eq!(Colour::of(1.49), Colour::Orange);
    assert_eq!(Colour::of(f64::NAN), Colour::Grey);
}

#[test]
fn sensitivity_gives_rank_intervals_that_hold_the_nominal_rank_when_nothing_varies() {
    let t = table(&[("x", &[0.0, 5.0, 10.0]), ("y", &[10.0, 6.0, 0.0]), ("z", &[1.0, 2.0, 3.0])]);
    let still = Sensitivity { runs: 20, weight_spread: 0.0, ..Sensitivity::default() };
    let c = compute(&two_level(), &t, &Options { sensitivity: Some(still), ..Options::default() }).unwrap();
    for r in c.sensitivity.unwrap() {
        assert_eq!((r.best, r.worst), (r.nominal, r.nominal), "{r:?}");
    }
    let moving = Sensitivity { runs: 200, normalisations: vec![Normalisation::MinMax, Normalisation::Rank], ..Sensitivity::default() };
    let c = compute(&two_level(), &t, &Options { sensitivity: Some(moving), ..Options::default() }).unwrap();
    for r in c.sensitivity.unwrap() {
        assert!(r.best <= r.p05 && r.p05 <= r.median && r.median <= r.p95 && r.p95 <= r.worst, "{r:?}");
    }
}

#[test]
fn quantiles_interpolate_between_order_statistics() {
    assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
    assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.05), 1.2);
    assert!(quantile(&[], 0.5).is_nan());
}
