//! Disclosure control against sdcTable (`tests/data/sdc-sdctable`): the primary suppression
//! pattern of its own test for every rule, its invalid parameters refused in words; and a
//! property: after secondary suppression no withheld cell of a table with margins can be worked
//! out exactly from the published cells, checked with exact integer arithmetic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use rightsmon_analysis::composite::SplitMix64;
use rightsmon_analysis::disclosure::{Contributions, Reason, Relations, Rule, primary};

fn oracle() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/sdc-sdctable")
}

/// The 15 cells of region (Total, A..D) by gender (Total, male, female), region-major.
fn cells() -> Vec<Contributions> {
    let regions = ["Total", "A", "B", "C", "D"];
    let genders = ["Total", "male", "female"];
    let mut cells: Vec<Contributions> = (0..15).map(|_| Contributions::from_values(&[]).unwrap()).collect();
    let mut reader = csv::Reader::from_path(oracle().join("microdata1.csv")).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        let region = regions.iter().position(|r| *r == &record[0]).unwrap();
        let gender = genders.iter().position(|g| *g == &record[1]).unwrap();
        let value: f64 = record[2].parse().unwrap();
        for r in [0, region] {
            for g in [0, gender] {
                cells[r * 3 + g].add(value).unwrap();
            }
        }
    }
    cells
}

#[test]
fn the_primary_pattern_of_sdctable_is_reproduced_for_every_rule() {
    let cells = cells();
    let mut reader = csv::Reader::from_path(oracle().join("expected_primary_suppression.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 15);
    for (i, row) in rows.iter().enumerate() {
        // The cell as sdcTable sees it: count, total and two largest contributions.
        let cell = &cells[i];
        assert_eq!(cell.count, row[3].parse::<usize>().unwrap(), "cell {}", i + 1);
        assert_eq!(cell.total, row[4].parse::<f64>().unwrap(), "cell {}", i + 1);
        assert_eq!(cell.largest[..2], [row[5].parse::<f64>().unwrap(), row[6].parse::<f64>().unwrap()], "cell {}", i + 1);
    }
    let rules = [
        ("expect_freq_maxN2", Rule::Frequency { max_n: 2 }),
        ("expect_freq_maxN3", Rule::Frequency { max_n: 3 }),
        ("expect_nk_n2_k75", Rule::Dominance { n: 2, k: 75.0 }),
        ("expect_p_70", Rule::PPercent { p: 70.0 }),
        ("expect_pq_60_80", Rule::Pq { p: 60.0, q: 80.0 }),
    ];
    for (column, rule) in rules {
        let c = header.iter().position(|h| h == column).unwrap();
        let expected: Vec<bool> = rows.iter().map(|r| &r[c] == "True").collect();
        let got: Vec<bool> = primary(&cells, &[rule]).unwrap().iter().map(Option::is_some).collect();
        assert_eq!(got, expected, "{column}");
    }
    // Cells 6 and 14, as the oracle says, for the dominance rules.
    let got = primary(&cells, &[Rule::Dominance { n: 2, k: 75.0 }]).unwrap();
    assert_eq!((0..15).filter(|&i| got[i].is_some()).map(|i| i + 1).collect::<Vec<_>>(), [6, 14]);
}

#[test]
fn the_invalid_parameters_sdctable_refuses_are_refused_in_words() {
    let cells = cells();
    for (rule, words) in [
        (Rule::PPercent { p: 0.0 }, "the p% rule's p is 0; it is a percentage above 0 and below 100"),
        (Rule::PPercent { p: 100.0 }, "the p% rule's p is 100; it is a percentage above 0 and below 100"),
        (Rule::Pq { p: 80.0, q: 60.0 }, "the pq rule's p (80) must be below its q (60)"),
        (Rule::Pq { p: 60.0, q: 101.0 }, "the pq rule's q is 101; it is a percentage above 0 and below 100"),
        (Rule::Dominance { n: 2, k: 101.0 }, "the dominance rule's k is 101; it is a percentage above 0 and at most 100"),
    ] {
        let error = primary(&cells, &[rule]).unwrap_err().0;
        assert!(error.starts_with(words), "{rule:?}: {error}");
    }
    let error = Contributions::from_values(&[5.0, -2.0]).unwrap_err().0;
    assert_eq!(error, "a contribution is -2; the dominance rules need contributions of 0 or more (give magnitudes, not changes)");
}

/// The rank of an integer matrix, exactly (fraction-free elimination in i128).
fn rank(mut rows: Vec<Vec<i128>>) -> usize {
    let width = rows.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..width {
        let Some(p) = (r..rows.len()).find(|&i| rows[i][c] != 0) else { continue };
        rows.swap(r, p);
        let pivot = rows[r].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != r && row[c] != 0 {
                let (a, b) = (pivot[c], row[c]);
                for (v, p) in row.iter_mut().zip(&pivot) {
                    *v = *v * a - p * b;
                }
                let g = row.iter().fold(0i128, |g, &v| gcd(g, v.abs()));
                if g > 1 {
                    row.iter_mut().for_each(|v| *v /= g);
                }
            }
        }
        r += 1;
    }
    r
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Whether a withheld cell follows exactly from the published cells: removing its column from
/// the relations (restricted to the withheld cells) lowers their rank.
fn recoverable(relations: &Relations, withheld: &[usize], cell: usize) -> bool {
    let matrix = |columns: &[usize]| -> Vec<Vec<i128>> {
        relations
            .sums
            .iter()
            .map(|(total, parts)| {
                columns
                    .iter()
                    .map(|&c| {
                        if c == *total {
                            1
                        } else if parts.contains(&c) {
                            -1
                        } else {
                            0
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let others: Vec<usize> = withheld.iter().copied().filter(|&c| c != cell).collect();
    rank(matrix(withheld)) > rank(matrix(&others))
}

#[test]
fn after_secondary_suppression_no_withheld_cell_can_be_worked_out() {
    let mut rng = SplitMix64::new(16);
    let (mut tables, mut exposed_before) = (0, 0);
    for _ in 0..100 {
        let dims = 2 + rng.below(2);
        let categories: Vec<usize> = (0..dims).map(|_| 2 + rng.below(if dims == 2 { 5 } else { 2 })).collect();
        let relations = Relations::cross(&categories).unwrap();
        // Counts for the inner cells, some small; the margins add them up.
        let mut counts = vec![0usize; relations.cells];
        let inner: Vec<usize> = (0..relations.cells).filter(|c| relations.sums.iter().all(|(t, _)| t != c)).collect();
        for &c in &inner {
            counts[c] = if rng.below(4) == 0 { 1 + rng.below(9) } else { 10 + rng.below(90) };
        }
        // Totals in an order where parts come first: repeat until stable.
        for _ in 0..dims {
            for (total, parts) in &relations.sums {
                counts[*total] = parts.iter().map(|&p| counts[p]).sum();
            }
        }
        let cells: Vec<Contributions> = counts.iter().map(|&c| Contributions::count(c)).collect();
        let mut reasons = primary(&cells, &[Rule::at_least(10)]).unwrap();
        // Primary suppression alone leaves cells open to being worked out: the check sees them.
        let primary_only: Vec<usize> = (0..relations.cells).filter(|&c| reasons[c].is_some()).collect();
        exposed_before += usize::from(primary_only.iter().any(|&c| recoverable(&relations, &primary_only, c)));
        let cost: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
        relations.secondary(&mut reasons, &cost).unwrap();
        let withheld: Vec<usize> = (0..relations.cells).filter(|&c| reasons[c].is_some()).collect();
        for &c in &withheld {
            assert!(!recoverable(&relations, &withheld, c), "{categories:?}: cell {c} of {withheld:?} can be worked out");
        }
        // Every primary cell stays withheld for its own reason.
        for (c, cell) in cells.iter().enumerate() {
            if cell.count > 0 && cell.count < 10 {
                assert!(matches!(reasons[c], Some(Reason::Primary { .. })), "{c}");
            }
        }
        tables += usize::from(!withheld.is_empty());
    }
    assert!(tables > 60, "most tables have something to protect: {tables}");
    assert!(exposed_before > 50, "without secondary suppression most would expose a cell: {exposed_before}");
}
