use super::*;

fn series(points: &[(i32, f64)]) -> Vec<Point> {
    points.iter().map(|&(year, value)| Point { year, value }).collect()
}

#[test]
fn the_published_example_with_a_target_is_reproduced() {
    // 1-2-1: 2015 14.5, 2022 9.9, target 7.25, lower is better.
    let options = CagrOptions { target: Some(7.25), ..CagrOptions::default() };
    let a = open_sdg_cagr_score(&series(&[(2015, 14.5), (2018, 11.2), (2022, 9.9)]), &options);
    assert!((a.cagr_observed.unwrap() - -0.053_056_9).abs() < 1e-7);
    assert!((a.ratio.unwrap() - 1.174_906_6).abs() < 1e-7);
    assert!((a.score().unwrap() - 4.106_540_5).abs() < 1e-7);
}

#[test]
fn without_a_target_the_score_follows_the_growth_rate_within_five() {
    let up = CagrOptions { direction: Direction::Positive, ..CagrOptions::default() };
    let a = open_sdg_cagr_score(&series(&[(2015, 51.59), (2023, 50.31)]), &up);
    assert!((a.score().unwrap() - -0.783_893_158_984_444_4).abs() < 1e-9);
    let fast = open_sdg_cagr_score(&series(&[(2015, 10.0), (2016, 20.0)]), &up);
    assert_eq!(fast.score(), Some(5.0));
}

#[test]
fn a_met_target_scores_five_and_a_target_of_zero_counts_as_a_thousandth() {
    let options = CagrOptions { target: Some(10.0), ..CagrOptions::default() };
    assert_eq!(open_sdg_cagr_score(&series(&[(2015, 14.0), (2020, 9.0)]), &options).score(), Some(5.0));
    let zero = CagrOptions { target: Some(0.0), base_year: 2015, ..CagrOptions::default() };
    let a = open_sdg_cagr_score(&series(&[(2018, 10.0), (2022, 10.4)]), &zero);
    assert_eq!(a.target_used, Some(0.001));
    assert_eq!(a.base.map(|p| p.year), Some(2018), "a missing base year moves to the first later one");
    assert!((a.score().unwrap() - -2.576_620_079_707_824).abs() < 1e-9);
}

#[test]
fn too_short_a_series_is_not_assessable_with_its_reason() {
    let options = CagrOptions::default();
    for points in [&[][..], &[(2020, 5.0)][..], &[(2010, 5.0), (2012, 6.0)][..], &[(2015, 0.0), (2020, 3.0)][..]] {
        let a = open_sdg_cagr_score(&series(points), &options);
        assert!(matches!(&a.outcome, Outcome::NotAssessable { reason } if !reason.is_empty()), "{points:?}: {a:?}");
        assert_eq!(a.score(), None);
    }
}

#[test]
fn the_status_bands_include_their_lower_bound() {
    let up = CagrOptions { direction: Direction::Positive, ..CagrOptions::default() };
    let status = |end: f64| open_sdg_progress_status(&series(&[(2015, 100.0), (2016, end)]), &up, None).category().unwrap().0;
    assert_eq!(status(101.6), "substantial_progress");
    assert_eq!(status(100.6), "moderate_progress");
    assert_eq!(status(100.0), "negligible_progress");
    assert_eq!(status(99.0), "deterioration");
    let target = CagrOptions { target: Some(7.25), ..CagrOptions::default() };
    let a = open_sdg_progress_status(&series(&[(2015, 14.5), (2022, 9.9)]), &target, None);
    assert_eq!(a.category(), Some(("substantial_progress", 3)), "R = 1.17");
    let met = open_sdg_progress_status(&series(&[(2015, 14.5), (2022, 7.0)]), &target, None);
    assert_eq!(met.category(), Some(("target_achieved", 4)));
    let custom = Thresholds { high: 2.0, med: 1.0, low: 0.5 };
    assert_eq!(
        open_sdg_progress_status(&series(&[(2015, 14.5), (2022, 9.9)]), &target, Some(custom)).category().unwrap().0,
        "moderate_progress"
    );
}

#[test]
fn the_newer_open_sdg_score_is_piecewise_with_edges_on_its_categories() {
    let up = CagrOptions { direction: Direction::Positive, ..CagrOptions::default() };
    let measure = |end: f64| {
        let a = open_sdg_progress_measure(&series(&[(2015, 100.0), (2016, end)]), &up, None);
        (a.score().unwrap(), a.category().unwrap().0)
    };
    // 1.5% a year scores 2.5 (on track), 0.5% scores 0, 0% scores -2.5, -2% scores -5.
    assert!((measure(101.5).0 - 2.5).abs() < 1e-9);
    assert!((measure(100.5).0 - 0.0).abs() < 1e-9);
    assert_eq!(measure(100.0), (-2.5, "limited_progress"));
    assert!((measure(98.0).0 - -5.0).abs() < 1e-9);
    assert_eq!(measure(99.0).1, "deterioration");
    assert_eq!(measure(110.0), (5.0, "substantial_progress"));
    assert_eq!(measure(101.0).1, "moderate_progress");
    // With a target, the old formula of R; a met target scores 5.
    let target = CagrOptions { target: Some(7.25), ..CagrOptions::default() };
    let a = open_sdg_progress_measure(&series(&[(2015, 14.5), (2022, 9.9)]), &target, None);
    assert!((a.score().unwrap() - 4.106_540_5).abs() < 1e-6, "{a:?}");
    let met = open_sdg_progress_measure(&series(&[(2015, 14.5), (2022, 7.0)]), &target, None);
    assert_eq!((met.score(), met.category().unwrap().0), (Some(5.0), "target_achieved"));
    // A base of 0 counts as 0.001; close to a natural limit the thresholds shrink.
    assert!(open_sdg_progress_measure(&series(&[(2015, 0.0), (2016, 1.0)]), &up, None).score().is_some());
    let near = open_sdg_progress_measure(&series(&[(2015, 95.0), (2016, 95.5)]), &up, Some(100.0));
    assert_eq!(near.category().unwrap().0, "substantial_progress", "{near:?}");
}

#[test]
fn the_progress_chart_levels_with_and_without_a_target() {
    let up = CagrOptions { direction: Direction::Positive, ..CagrOptions::default() };
    let level = |end: f64| unsd_progress_chart(&series(&[(2015, 100.0), (2016, end)]), &up).category().unwrap().0;
    assert_eq!(
        (level(101.1), level(100.7), level(100.0), level(98.9)),
        ("substantial_progress", "fair_progress", "limited_progress", "deterioration")
    );
    let target = CagrOptions { target: Some(7.25), ..CagrOptions::default() };
    // R = 1.17: on track; a target met; R between 0.5 and 0.95: fair progress.
    assert_eq!(unsd_progress_chart(&series(&[(2015, 14.5), (2022, 9.9)]), &target).category().unwrap().0, "substantial_progress");
    assert_eq!(unsd_progress_chart(&series(&[(2015, 14.5), (2022, 7.0)]), &target).category().unwrap().0, "target_met");
    assert_eq!(unsd_progress_chart(&series(&[(2015, 14.5), (2022, 12.0)]), &target).category().unwrap().0, "fair_progress");
    assert_eq!(unsd_progress_chart(&series(&[(2015, 14.5), (2022, 14.8)]), &target).category().unwrap().0, "limited_progress");
    assert_eq!(unsd_progress_chart(&series(&[(2015, 14.5), (2022, 18.0)]), &target).category().unwrap().0, "deterioration");
}

#[test]
fn eurostat_assesses_the_last_five_years_with_at_least_three_values() {
    let up = EurostatOptions::default();
    let s = series(&[(2010, 50.0), (2018, 90.0), (2019, 100.0), (2021, 104.0), (2024, 110.0)]);
    let a = eurostat_sdg_assessment(&s, &up);
    assert_eq!(a.base.unwrap().year, 2019, "the base is the first value of the last five years");
    assert_eq!(a.category().unwrap().0, "significant_progress", "1.9% a year over 2019-2024: {a:?}");
    let slow = series(&[(2019, 100.0), (2021, 101.0), (2024, 102.0)]);
    assert_eq!(eurostat_sdg_assessment(&slow, &up).category().unwrap().0, "moderate_progress");
    let few = eurostat_sdg_assessment(&series(&[(2018, 1.0), (2024, 2.0)]), &up);
    assert!(matches!(few.outcome, Outcome::NotAssessable { .. }));
    let down = EurostatOptions { direction: Direction::Negative, ..up };
    assert_eq!(eurostat_sdg_assessment(&s, &down).category().unwrap().0, "significant_movement_away");
    let target = EurostatOptions { target: Some(160.0), ..up };
    assert_eq!(eurostat_sdg_assessment(&s, &target).category().unwrap().0, "insufficient_progress");
}

#[test]
fn a_city_target_is_judged_by_the_way_covered_against_the_time_passed() {
    let target = CityTarget { baseline: Point { year: 2020, value: 40.0 }, target: Point { year: 2030, value: 20.0 } };
    let judge = |year, value| city_target_distance(&series(&[(2018, 50.0), (year, value)]), target, Direction::Negative);
    let d = judge(2025, 30.0);
    assert_eq!((d.covered, d.elapsed), (Some(0.5), Some(0.5)));
    assert_eq!(d.outcome, Outcome::Category { code: "on_track", words: "On track to reach the target", level: 2 });
    assert!(matches!(judge(2025, 35.0).outcome, Outcome::Category { code: "too_slow", .. }));
    assert!(matches!(judge(2025, 41.0).outcome, Outcome::Category { code: "moving_away", .. }));
    assert!(matches!(judge(2024, 20.0).outcome, Outcome::Category { code: "target_reached", .. }));
    assert!(matches!(city_target_distance(&series(&[(2019, 1.0)]), target, Direction::Negative).outcome, Outcome::NotAssessable { .. }));
    let wrong_way = city_target_distance(&series(&[(2025, 30.0)]), target, Direction::Positive);
    assert!(matches!(wrong_way.outcome, Outcome::NotAssessable { ref reason } if reason.contains("not better")));
}

#[test]
fn open_sdg_years_and_ranges_count_as_their_first_year() {
    assert_eq!(open_sdg_year("2019"), Some(2019));
    assert_eq!(open_sdg_year("2017-18"), Some(2017));
    assert_eq!(open_sdg_year(" 2017/2018"), Some(2017));
    assert_eq!(open_sdg_year("19"), None);
}

#[test]
fn a_yes_no_state_says_since_when_and_never_calls_an_unchanged_value_a_deterioration() {
    let series = |values: &[f64]| values.iter().enumerate().map(|(i, v)| Point { year: 2015 + i as i32, value: *v }).collect::<Vec<_>>();
    let verdict = |values: &[f64], direction| state_change(&series(values), direction, StateKind::YesNo);
    let in_place = verdict(&[0.0, 0.0, 1.0, 1.0, 1.0], Direction::Positive);
    assert_eq!(in_place.category(), Some(("in_place", 2)));
    assert_eq!(in_place.base, Some(Point { year: 2017, value: 1.0 }), "in place since 2017");
    for unchanged in [&[0.0, 0.0, 0.0][..], &[0.0], &[1.0, 1.0]] {
        for direction in [Direction::Positive, Direction::Negative] {
            let v = verdict(unchanged, direction);
            assert_ne!(v.category().map(|c| c.0), Some("no_longer_in_place"), "{unchanged:?}");
            assert!(v.category().is_some());
        }
    }
    assert_eq!(verdict(&[0.0, 0.0], Direction::Positive).category(), Some(("not_in_place", 1)));
    assert_eq!(verdict(&[0.0, 0.0], Direction::Positive).base.unwrap().year, 2015);
    let dropped = verdict(&[1.0, 1.0, 0.0], Direction::Positive);
    assert_eq!((dropped.category(), dropped.base.unwrap().year), (Some(("no_longer_in_place", 0)), 2017));
    assert!(verdict(&[], Direction::Positive).category().is_none());
}

#[test]
fn an_ordinal_state_compares_its_level_with_the_level_before() {
    let series = |values: &[f64]| values.iter().enumerate().map(|(i, v)| Point { year: 2020 + i as i32, value: *v }).collect::<Vec<_>>();
    let verdict = |values: &[f64], direction| state_change(&series(values), direction, StateKind::Ordinal);
    assert_eq!(verdict(&[2.0, 3.0, 3.0], Direction::Positive).category(), Some(("improved", 2)));
    assert_eq!(verdict(&[2.0, 3.0, 3.0], Direction::Negative).category(), Some(("worsened", 0)));
    assert_eq!(verdict(&[3.0, 3.0, 3.0], Direction::Positive).category(), Some(("first_level", 1)));
    assert_eq!(verdict(&[4.0, 2.0, 2.0], Direction::Positive).base.unwrap().year, 2021);
}
