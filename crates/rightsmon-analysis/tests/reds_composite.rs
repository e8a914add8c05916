//! The REDS-SDSN Spanish Cities SDG Index 2018 rebuilt through the library: for all 100 cities
//! the normalised values, the 17 goal scores, the index and the dashboard (scores and colours)
//! agree with the published ones to 1e-9.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use rightsmon_analysis::composite::{
    Colour, Composite, IndicatorSpec, Missing, NodeSpec, Normalisation, Options, Structure, Table, Thresholds, compute,
};
use rightsmon_analysis::progress::Direction;
use support::reds::{self, Results};

fn structure(with_sdg14: bool) -> Structure {
    let mut nodes = vec![NodeSpec::aggregate("index", None, 1.0)];
    for goal in reds::goals().into_iter().filter(|g| with_sdg14 || g != "sdg14") {
        let mut node = NodeSpec::aggregate(&goal, Some("index"), 1.0);
        if goal == "sdg14" {
            node.missing = Some(Missing::Mean);
        }
        nodes.push(node);
    }
    for i in reds::indicators().into_iter().filter(|i| with_sdg14 || i.goal != "sdg14") {
        let mut spec = IndicatorSpec::new(if i.higher_is_better { Direction::Positive } else { Direction::Negative });
        spec.worst = Some(i.worst);
        spec.best = Some(i.best);
        spec.dashboard = Some(Thresholds { red: i.red, green: i.green });
        nodes.push(NodeSpec::indicator(&i.id, &i.goal, 1.0, spec));
    }
    Structure::new(nodes).unwrap()
}

fn table(structure: &Structure) -> Table {
    let rows = reds::read_csv("cities_index_2018_full.csv");
    let mut table = Table::new(rows.iter().map(|r| r["id"].clone()).collect()).unwrap();
    for column in structure.columns() {
        let values = rows.iter().map(|r| if r[column].is_empty() { f64::NAN } else { r[column].parse().unwrap() }).collect();
        table.insert(column, values).unwrap();
    }
    table
}

fn options() -> Options {
    Options { normalisation: Normalisation::Goalposts, dashboard: true, ..Options::default() }
}

fn results(c: &Composite) -> Results {
    let mut r = Results::default();
    let dashboard = c.dashboard.as_ref().unwrap();
    for (u, unit) in c.units.iter().enumerate() {
        for (k, id) in c.indicators.iter().enumerate() {
            let key = (unit.clone(), id.clone());
            r.normalised.insert(key.clone(), c.normalised[k][u]);
            r.dashboard.insert(key.clone(), dashboard.indicators[k][u]);
            r.colours.insert(key, Colour::of(dashboard.indicators[k][u]).name().to_owned());
        }
        for (k, node) in c.nodes.iter().enumerate() {
            r.goals.insert((unit.clone(), node.clone()), c.scores[k][u]);
        }
        for (k, (node, scores, _)) in dashboard.nodes.iter().enumerate() {
            r.dashboard.insert((unit.clone(), node.clone()), scores[u]);
            r.colours.insert((unit.clone(), node.clone()), dashboard.node_colour(k, u).name().to_owned());
        }
        r.index.insert(unit.clone(), c.index()[u]);
    }
    r
}

#[test]
fn all_100_cities_reproduce_the_published_index_to_1e_9() {
    let structure = structure(true);
    let c = compute(&structure, &table(&structure), &options()).unwrap();
    assert_eq!((c.units.len(), c.indicators.len(), c.nodes.len()), (100, 85, 18));
    let checked = reds::verify(&results(&c));
    assert!(checked > 100 * (85 + 17 + 1) + 100 * 85 * 2, "{checked}");
    // The inland cities' SDG 14 is the coastal cities' mean, and each fill is recorded.
    assert_eq!(c.imputations.iter().filter(|i| i.node == "sdg14").count(), 57);
    let vitoria = c.units.iter().position(|u| u == "Vitoria-Gasteiz").unwrap();
    assert!((c.index()[vitoria] - 60.5402).abs() < 5e-5);
}

#[test]
fn the_index_without_sdg_14_is_reproduced_as_well() {
    let structure = structure(false);
    let c = compute(&structure, &table(&structure), &options()).unwrap();
    for row in reds::read_csv("cities_index_2018_full.csv") {
        let u = c.units.iter().position(|u| *u == row["id"]).unwrap();
        let published: f64 = row["avg (wo SDG14)"].parse().unwrap();
        assert!((c.index()[u] - published).abs() <= reds::TOLERANCE, "{}: {} vs {published}", row["id"], c.index()[u]);
    }
}
