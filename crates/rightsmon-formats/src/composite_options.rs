//! The options file of `rightsmon composite` (TOML), read key by key so that every mistake is
//! told in words at its key and line: an unknown key, a value of the wrong kind, a name that is
//! not one of the choices. `docs/analysis.md` lists the keys.

use rightsmon_analysis::composite::{Aggregation, Missing, Normalisation, Options, Outliers, Sensitivity, TieRule, Transform};
use toml::{Table, Value};

use crate::toml_keys::{Lines, Reader, kind};

const TOP: &[&str] = &[
    "normalisation",
    "scale",
    "missing",
    "outliers",
    "aggregation",
    "dashboard",
    "dashboard_coverage",
    "ranks",
    "rank_ties",
    "sensitivity",
];
const OUTLIERS: &[&str] = &["method", "skewness", "kurtosis", "max_values", "transform", "lambda"];
const SENSITIVITY: &[&str] = &["runs", "seed", "weight_spread", "normalisations", "aggregations"];
const NORMALISATIONS: &[&str] = &["min-max", "z-score", "goalposts", "distance-to-target", "rank"];
const MISSING: &[&str] = &["none", "mean", "group-mean", "last-observation"];
const AGGREGATIONS: &[&str] = &["arithmetic", "geometric"];

fn normalisation(name: &str) -> Normalisation {
    match name {
        "z-score" => Normalisation::ZScore,
        "goalposts" => Normalisation::Goalposts,
        "distance-to-target" => Normalisation::DistanceToTarget,
        "rank" => Normalisation::Rank,
        _ => Normalisation::MinMax,
    }
}

fn aggregation(name: &str) -> Aggregation {
    if name == "geometric" { Aggregation::Geometric } else { Aggregation::Arithmetic }
}

/// Reads an options file. Every problem is reported, each at its key and line.
pub fn read_options(text: &str) -> Result<Options, Vec<String>> {
    let table: Table = crate::toml_keys::parse(text)?;
    let lines = Lines::of(text);
    let mut r = Reader::new(&lines);
    let mut options = Options::default();
    r.unknown_keys("", &table, TOP);
    if let Some(v) = table.get("normalisation")
        && let Some(name) = r.choice("", "normalisation", v, NORMALISATIONS)
    {
        options.normalisation = normalisation(name);
    }
    if let Some(v) = table.get("scale")
        && let Some(n) = r.number("", "scale", v)
    {
        options.scale = n;
    }
    if let Some(v) = table.get("missing")
        && let Some(name) = r.choice("", "missing", v, MISSING)
    {
        options.missing = match name {
            "mean" => Missing::Mean,
            "group-mean" => Missing::GroupMean,
            "last-observation" => Missing::LastObservation,
            _ => Missing::None,
        };
    }
    if let Some(v) = table.get("aggregation")
        && let Some(name) = r.choice("", "aggregation", v, AGGREGATIONS)
    {
        options.aggregation = aggregation(name);
    }
    if let Some(v) = table.get("dashboard")
        && let Some(b) = r.flag("", "dashboard", v)
    {
        options.dashboard = b;
    }
    if let Some(v) = table.get("dashboard_coverage")
        && let Some(n) = r.number("", "dashboard_coverage", v)
    {
        options.dashboard_coverage = n;
    }
    if let Some(v) = table.get("ranks")
        && let Some(b) = r.flag("", "ranks", v)
    {
        options.ranks = b;
    }
    if let Some(v) = table.get("rank_ties")
        && let Some(name) = r.choice("", "rank_ties", v, &TieRule::NAMES)
    {
        options.rank_ties = match name {
            "average" => TieRule::Average,
            "max" => TieRule::Max,
            "dense" => TieRule::Dense,
            _ => TieRule::Min,
        };
    }
    match table.get("outliers") {
        None => {}
        Some(Value::String(s)) if s == "none" => {}
        Some(Value::String(s)) if s == "winsorise" => options.outliers = Outliers::coinr(),
        Some(Value::Table(t)) => options.outliers = outliers(&mut r, t),
        Some(other) => r.fail(
            "",
            "outliers",
            format!("give \"none\", \"winsorise\" or an [outliers] table with method = \"winsorise\", not {}", kind(other)),
        ),
    }
    match table.get("sensitivity") {
        None => {}
        Some(Value::Table(t)) => options.sensitivity = Some(sensitivity(&mut r, t)),
        Some(other) => r.fail("", "sensitivity", format!("give a [sensitivity] table, not {}", kind(other))),
    }
    if r.errors.is_empty() { Ok(options) } else { Err(r.errors) }
}

fn outliers(r: &mut Reader<'_>, t: &Table) -> Outliers {
    const T: &str = "outliers";
    r.unknown_keys(T, t, OUTLIERS);
    let method = match t.get("method") {
        Some(v) => r.choice(T, "method", v, &["none", "winsorise"]).unwrap_or("winsorise"),
        None => {
            r.fail(T, "method", "the [outliers] table needs method = \"winsorise\" (or \"none\")".to_owned());
            "none"
        }
    };
    let Outliers::Winsorise { mut skewness, mut kurtosis, mut max_values, mut transform } = Outliers::coinr() else {
        return Outliers::None;
    };
    if let Some(v) = t.get("skewness") {
        skewness = r.number(T, "skewness", v).unwrap_or(skewness);
    }
    if let Some(v) = t.get("kurtosis") {
        kurtosis = r.number(T, "kurtosis", v).unwrap_or(kurtosis);
    }
    if let Some(v) = t.get("max_values") {
        max_values = r.count(T, "max_values", v, 5).map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    }
    let lambda = t.get("lambda").and_then(|v| r.number(T, "lambda", v));
    if let Some(v) = t.get("transform")
        && let Some(name) = r.choice(T, "transform", v, &Transform::NAMES)
    {
        transform = match name {
            "CTlog_orig" => Transform::CtLogOrig,
            "log" => Transform::Log,
            "GIIlog" => Transform::GiiLog,
            "boxcox" => match lambda {
                Some(lambda) => Transform::BoxCox { lambda },
                None => {
                    r.fail(T, "transform", "boxcox needs its lambda: add lambda = 0.5 (or another number) to [outliers]".to_owned());
                    Transform::CtLog
                }
            },
            _ => Transform::CtLog,
        };
    }
    if lambda.is_some() && !matches!(transform, Transform::BoxCox { .. }) && !r.errors.iter().any(|e| e.contains("lambda")) {
        r.fail(T, "lambda", "lambda is the Box-Cox parameter; it needs transform = \"boxcox\"".to_owned());
    }
    if method == "none" {
        return Outliers::None;
    }
    Outliers::Winsorise { skewness, kurtosis, max_values, transform }
}

fn sensitivity(r: &mut Reader<'_>, t: &Table) -> Sensitivity {
    const T: &str = "sensitivity";
    r.unknown_keys(T, t, SENSITIVITY);
    let mut s = Sensitivity::default();
    if let Some(v) = t.get("runs") {
        s.runs = r.count(T, "runs", v, 1000).map(|n| usize::try_from(n).unwrap_or(usize::MAX)).unwrap_or(s.runs);
    }
    if let Some(v) = t.get("seed") {
        s.seed = r.count(T, "seed", v, 1).unwrap_or(s.seed);
    }
    if let Some(v) = t.get("weight_spread") {
        s.weight_spread = r.number(T, "weight_spread", v).unwrap_or(s.weight_spread);
    }
    if let Some(v) = t.get("normalisations") {
        s.normalisations = r.list(T, "normalisations", v, NORMALISATIONS).into_iter().map(normalisation).collect();
    }
    if let Some(v) = t.get("aggregations") {
        s.aggregations = r.list(T, "aggregations", v, AGGREGATIONS).into_iter().map(aggregation).collect();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        read_options(text).unwrap_err()
    }

    #[test]
    fn the_documented_options_read_and_coinr_is_the_default_treatment() {
        let o = read_options(
            "normalisation = \"goalposts\"\nscale = 10\nranks = true\nrank_ties = \"dense\"\n[outliers]\nmethod = \"winsorise\"\ntransform = \"boxcox\"\nlambda = 0.5\n[sensitivity]\nruns = 20\nnormalisations = [\"rank\"]\n",
        )
        .unwrap();
        assert_eq!(o.normalisation, Normalisation::Goalposts);
        assert_eq!(o.scale, 10.0);
        assert_eq!(o.rank_ties, TieRule::Dense);
        assert_eq!(
            o.outliers,
            Outliers::Winsorise { skewness: 2.0, kurtosis: 3.5, max_values: None, transform: Transform::BoxCox { lambda: 0.5 } }
        );
        assert_eq!(o.sensitivity.unwrap().normalisations, vec![Normalisation::Rank]);
        assert_eq!(read_options("outliers = \"winsorise\"\n").unwrap().outliers, Outliers::coinr());
        // A whole number written with a point is still a whole number.
        let o = read_options("[outliers]\nmethod = \"winsorise\"\nmax_values = 6.0\n").unwrap();
        assert!(matches!(o.outliers, Outliers::Winsorise { max_values: Some(6), .. }));
    }

    #[test]
    fn mistakes_are_told_in_words_at_their_key_and_line() {
        let e = errors("[outliers]\nmethod = \"winsorise\"\n\nmax_values = 6.5\n");
        assert_eq!(e, ["line 4, outliers.max_values: give a whole number of at least 0, such as 5, not the number 6.5"]);
        let e = errors("outliers = \"winsorize\"\n");
        assert!(e[0].starts_with("line 1, outliers: give \"none\", \"winsorise\""), "{e:?}");
        let e = errors("ranks = true\n[outliers]\nmethod = \"winsorise\"\nkurtosiss = 3\n");
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("line 4, outliers.kurtosiss: kurtosiss is not one of the [outliers] keys (did you mean kurtosis?)"),
            "{e:?}"
        );
        let e = errors("normalisaton = \"rank\"\naggregation = \"median\"\n");
        assert!(e[0].contains("line 1, normalisaton") && e[0].contains("did you mean normalisation?"), "{e:?}");
        assert!(
            e[1].starts_with("line 2, aggregation: the text \"median\" is not one of the choices; give one of arithmetic, geometric"),
            "{e:?}"
        );
        let e = errors("[outliers]\nmethod = \"winsorise\"\ntransform = \"boxcox\"\n");
        assert!(e[0].contains("boxcox needs its lambda"), "{e:?}");
        let e = errors("[outliers]\nmethod = \"winsorise\"\ntransform = \"ln\"\n");
        assert!(e[0].contains("give one of CTlog, CTlog_orig, log, GIIlog, boxcox"), "{e:?}");
        let e = errors("ranks = \"yes\"\n");
        assert_eq!(e, ["line 1, ranks: give true or false, not the text \"yes\""]);
        assert!(errors("scale = \n")[0].starts_with("not a TOML file"));
    }
}
