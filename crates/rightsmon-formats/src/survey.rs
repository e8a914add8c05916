//! Survey microdata and their design description: the respondents' rows as KoboToolbox,
//! LimeSurvey and the like export them (CSV or XLSX), and a TOML file that says which columns
//! hold the weights, strata, PSUs and secondary units, the finite population corrections, how
//! answers map to codes, and which estimates to make. `docs/analysis.md` describes both.
//!
//! The microdata are read into memory only for the estimation and never written anywhere.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};

use rightsmon_analysis::disclosure::{MAX_RSE, MIN_RESPONDENTS_ESTIMATE};
use rightsmon_analysis::survey::{
    Design, DesignSpec, Domains, Estimate, Fpc, OUTSIDE, Parameter, ProportionInterval, Request, SURVEY_ESTIMATE, Singleton, encode,
    estimate,
};
use rightsmon_domain::survey::{ControlReason, EstimateStatus};
use serde::Serialize;
use toml::{Table as TomlTable, Value};

use crate::composite::number;
use crate::table::Table;
use crate::toml_keys::{Lines, Reader, kind};
use crate::{FormatError, neutralise};

/// The most respondents a file may hold.
pub const MAX_RESPONDENTS: usize = 5_000_000;
/// The most estimates one design description may ask for.
pub const MAX_ESTIMATES: usize = 1_000;

/// Answers that mean no answer unless the design says otherwise.
pub const DEFAULT_MISSING: &[&str] = &["", "NA", "N/A", "n/a", "..", "-", "NaN", "null"];

/// A correction as the design description gives it: a column or one number for all.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Given {
    Column(String),
    Number(f64),
}

/// A stage's finite population correction.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Correction {
    Population(Given),
    Fraction(Given),
}

/// One estimate the description asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateSpec {
    pub name: String,
    pub parameter: Parameter,
    pub variable: String,
    pub denominator: Option<String>,
    /// The columns whose combinations are the domains; none for the whole population.
    pub by: Vec<String>,
    /// The indicator whose values the estimate gives, if any.
    pub indicator: Option<String>,
    /// For a proportion that gives an indicator's values: the (recoded) answer it is the share of.
    pub level: Option<String>,
    /// What the estimate is multiplied by to give the indicator's value (100 for a share as a
    /// percentage); unset, the application decides from the indicator.
    pub scale: Option<f64>,
}

/// A design description.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyDesign {
    pub weight: String,
    pub strata: Option<String>,
    pub psu: Option<String>,
    pub ssu: Option<String>,
    pub fpc: Option<Correction>,
    pub fpc2: Option<Correction>,
    pub singleton: Singleton,
    pub confidence: f64,
    pub interval: ProportionInterval,
    pub missing: Vec<String>,
    /// Per column, answer to code.
    pub recode: BTreeMap<String, BTreeMap<String, String>>,
    /// Per `by` column, the disaggregation dimension its (recoded) answers are codes of.
    pub dimensions: BTreeMap<String, String>,
    pub estimates: Vec<EstimateSpec>,
    /// The fewest respondents an estimate needs to be published.
    pub min_respondents: usize,
    /// The relative standard error above which an estimate is published as unreliable.
    pub max_rse: f64,
}

const TOP: &[&str] = &[
    "weight",
    "strata",
    "psu",
    "ssu",
    "population",
    "fraction",
    "population2",
    "fraction2",
    "singleton",
    "confidence",
    "interval",
    "missing",
    "recode",
    "dimensions",
    "estimate",
    "disclosure",
];
const DISCLOSURE: &[&str] = &["min_respondents", "max_rse"];
const ESTIMATE: &[&str] = &["name", "parameter", "variable", "denominator", "by", "indicator", "level", "scale"];
const PARAMETERS: &[&str] = &["total", "mean", "ratio", "proportion"];

fn given(r: &mut Reader<'_>, key: &str, value: &Value) -> Option<Given> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(Given::Column(s.trim().to_owned())),
        Value::Integer(i) => Some(Given::Number(*i as f64)),
        Value::Float(f) => Some(Given::Number(*f)),
        other => {
            r.fail("", key, format!("give a column name in quotes or a number, not {}", kind(other)));
            None
        }
    }
}

/// Reads a design description. Every problem is reported, each at its key and line.
pub fn read_design(text: &str) -> Result<SurveyDesign, Vec<String>> {
    let table = crate::toml_keys::parse(text)?;
    let lines = Lines::of(text);
    let mut r = Reader::new(&lines);
    r.unknown_keys("", &table, TOP);
    let column = |r: &mut Reader<'_>, key: &str| table.get(key).and_then(|v| r.text("", key, v));
    let weight = column(&mut r, "weight");
    if weight.is_none() && !table.contains_key("weight") {
        r.fail("", "weight", "the design needs weight = \"COLUMN\", the column of the respondents' weights".to_owned());
    }
    let strata = column(&mut r, "strata");
    let psu = column(&mut r, "psu");
    let ssu = column(&mut r, "ssu");
    let correction = |r: &mut Reader<'_>, population: &str, fraction: &str| match (table.get(population), table.get(fraction)) {
        (Some(_), Some(_)) => {
            r.fail("", fraction, format!("give either {population} or {fraction}, not both"));
            None
        }
        (Some(v), None) => given(r, population, v).map(Correction::Population),
        (None, Some(v)) => given(r, fraction, v).map(Correction::Fraction),
        (None, None) => None,
    };
    let fpc = correction(&mut r, "population", "fraction");
    let fpc2 = correction(&mut r, "population2", "fraction2");
    if fpc2.is_some() && ssu.is_none() {
        r.fail(
            "",
            if table.contains_key("population2") { "population2" } else { "fraction2" },
            "a second-stage correction needs ssu, the column of the secondary units".to_owned(),
        );
    }
    if ssu.is_some() && psu.is_none() {
        r.fail("", "ssu", "a second stage needs psu, the column of the primary units".to_owned());
    }
    let singleton = match table.get("singleton") {
        None => Singleton::Fail,
        Some(v) => match r.choice("", "singleton", v, &["fail", "certainty", "centre"]) {
            Some("certainty") => Singleton::Certainty,
            Some("centre") => Singleton::Centre,
            _ => Singleton::Fail,
        },
    };
    let mut confidence = 0.95;
    if let Some(v) = table.get("confidence")
        && let Some(c) = r.number("", "confidence", v)
    {
        if c > 0.0 && c < 1.0 {
            confidence = c;
        } else {
            r.fail("", "confidence", format!("the confidence level is {c}; give a share between 0 and 1, such as 0.95"));
        }
    }
    let interval = match table.get("interval") {
        None => ProportionInterval::Logit,
        Some(v) => match r.choice("", "interval", v, &["logit", "korn-graubard", "wald"]) {
            Some("korn-graubard") => ProportionInterval::KornGraubard,
            Some("wald") => ProportionInterval::Wald,
            _ => ProportionInterval::Logit,
        },
    };
    let missing = match table.get("missing") {
        None => DEFAULT_MISSING.iter().map(|s| (*s).to_owned()).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s.trim().to_owned()),
                other => {
                    r.fail("", "missing", format!("give the answers that mean no answer as texts, not {}", kind(other)));
                    None
                }
            })
            .collect(),
        Some(other) => {
            r.fail("", "missing", format!("give a list of answers such as [\"\", \"NA\"], not {}", kind(other)));
            Vec::new()
        }
    };
    let mut recode = BTreeMap::new();
    match table.get("recode") {
        None => {}
        Some(Value::Table(columns)) => {
            for (name, map) in columns {
                let Value::Table(map) = map else {
                    r.fail("recode", name, format!("give a [recode.{name}] table of answer = \"code\", not {}", kind(map)));
                    continue;
                };
                let mut codes = BTreeMap::new();
                for (answer, code) in map {
                    match code {
                        Value::String(c) => {
                            codes.insert(answer.trim().to_owned(), c.trim().to_owned());
                        }
                        Value::Integer(i) => {
                            codes.insert(answer.trim().to_owned(), i.to_string());
                        }
                        other => r.fail(&format!("recode.{name}"), answer, format!("give the code in quotes, not {}", kind(other))),
                    }
                }
                recode.insert(name.clone(), codes);
            }
        }
        Some(other) => r.fail("", "recode", format!("give [recode.COLUMN] tables, not {}", kind(other))),
    }
    let mut dimensions = BTreeMap::new();
    match table.get("dimensions") {
        None => {}
        Some(Value::Table(t)) => {
            for (column, dimension) in t {
                if let Some(d) = r.text("dimensions", column, dimension) {
                    dimensions.insert(column.trim().to_owned(), d);
                }
            }
        }
        Some(other) => r.fail("", "dimensions", format!("give a [dimensions] table of column = \"DIMENSION\", not {}", kind(other))),
    }
    let mut estimates = Vec::new();
    match table.get("estimate") {
        None => r.fail("", "estimate", "the design asks for no estimate: add an [[estimate]] with parameter and variable".to_owned()),
        Some(Value::Array(items)) => {
            if items.len() > MAX_ESTIMATES {
                r.fail("", "estimate", format!("{} estimates are asked for; at most {MAX_ESTIMATES} in one file", items.len()));
            }
            for (i, item) in items.iter().take(MAX_ESTIMATES).enumerate() {
                let Value::Table(t) = item else { continue };
                if let Some(spec) = estimate_spec(&mut r, t, i) {
                    if spec.indicator.is_some()
                        && let Some(column) = spec.by.iter().find(|c| !dimensions.contains_key(*c))
                    {
                        r.fail(
                            "estimate",
                            "by",
                            format!(
                                "estimate {} gives indicator values by {column}: say which dimension its answers are codes of, under [dimensions] as {column} = \"DIMENSION\"",
                                i + 1
                            ),
                        );
                    }
                    estimates.push(spec);
                }
            }
        }
        Some(other) => r.fail("", "estimate", format!("give [[estimate]] tables, not {}", kind(other))),
    }
    let (mut min_respondents, mut max_rse) = (MIN_RESPONDENTS_ESTIMATE, MAX_RSE);
    match table.get("disclosure") {
        None => {}
        Some(Value::Table(t)) => {
            r.unknown_keys("disclosure", t, DISCLOSURE);
            if let Some(v) = t.get("min_respondents")
                && let Some(n) = r.count("disclosure", "min_respondents", v, MIN_RESPONDENTS_ESTIMATE as u64)
            {
                if n == 0 {
                    r.fail("disclosure", "min_respondents", "give at least 1: an estimate from no one is never published".to_owned());
                }
                min_respondents = usize::try_from(n).unwrap_or(usize::MAX);
            }
            if let Some(v) = t.get("max_rse")
                && let Some(x) = r.number("disclosure", "max_rse", v)
            {
                if x > 0.0 {
                    max_rse = x;
                } else {
                    r.fail("disclosure", "max_rse", format!("the relative standard error limit is {x}; give a share above 0, such as 0.3"));
                }
            }
        }
        Some(other) => r.fail("", "disclosure", format!("give a [disclosure] table, not {}", kind(other))),
    }
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    Ok(SurveyDesign {
        min_respondents,
        max_rse,
        weight: weight.unwrap_or_default(),
        strata,
        psu,
        ssu,
        fpc,
        fpc2,
        singleton,
        confidence,
        interval,
        missing,
        recode,
        dimensions,
        estimates,
    })
}

fn estimate_spec(r: &mut Reader<'_>, t: &TomlTable, i: usize) -> Option<EstimateSpec> {
    const T: &str = "estimate";
    r.unknown_keys(T, t, ESTIMATE);
    let parameter = match t.get("parameter") {
        None => {
            r.fail(T, "parameter", format!("estimate {} needs parameter = one of {}", i + 1, PARAMETERS.join(", ")));
            None
        }
        Some(v) => r.choice(T, "parameter", v, PARAMETERS).map(|p| match p {
            "total" => Parameter::Total,
            "mean" => Parameter::Mean,
            "ratio" => Parameter::Ratio,
            _ => Parameter::Proportion,
        }),
    };
    let variable = match t.get("variable") {
        None => {
            r.fail(T, "variable", format!("estimate {} needs variable = \"COLUMN\"", i + 1));
            None
        }
        Some(v) => r.text(T, "variable", v),
    };
    let denominator = t.get("denominator").and_then(|v| r.text(T, "denominator", v));
    let by = t.get("by").map(|v| r.texts(T, "by", v)).unwrap_or_default();
    let (parameter, variable) = (parameter?, variable?);
    match (parameter, &denominator) {
        (Parameter::Ratio, None) => {
            r.fail(T, "parameter", format!("estimate {}: a ratio needs denominator = \"COLUMN\"", i + 1));
            return None;
        }
        (Parameter::Ratio, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            r.fail(T, "denominator", format!("estimate {}: only a ratio has a denominator", i + 1));
            return None;
        }
    }
    let indicator = t.get("indicator").and_then(|v| r.text(T, "indicator", v));
    let level = t.get("level").and_then(|v| match v {
        Value::Integer(n) => Some(n.to_string()),
        other => r.text(T, "level", other),
    });
    let scale = t.get("scale").and_then(|v| r.number(T, "scale", v));
    if let Some(x) = scale
        && !(x.is_finite() && x > 0.0)
    {
        r.fail(T, "scale", format!("estimate {}: the scale is {x}; give a number above 0, such as 100 for a percentage", i + 1));
        return None;
    }
    if level.is_some() && parameter != Parameter::Proportion {
        r.fail(T, "level", format!("estimate {}: only a proportion has a level, the answer it is the share of", i + 1));
        return None;
    }
    if indicator.is_some() && parameter == Parameter::Proportion && level.is_none() {
        r.fail(T, "level", format!("estimate {}: say which answer the indicator counts, as level = \"ANSWER\" (after recoding)", i + 1));
        return None;
    }
    if indicator.is_none() && scale.is_some() {
        r.fail(T, "scale", format!("estimate {}: a scale applies to an indicator's values; give indicator = \"CODE\" too", i + 1));
        return None;
    }
    let name = match t.get("name") {
        Some(v) => r.text(T, "name", v)?,
        None => format!("{}-{variable}", parameter.name()),
    };
    Some(EstimateSpec { name, parameter, variable, denominator, by, indicator, level, scale })
}

/// The columns of the microdata the design reads, as text, each in row order.
#[derive(Debug, Clone, Default)]
pub struct Microdata {
    pub columns: HashMap<String, Vec<String>>,
    /// The row (as spreadsheets count, the header being 1) of each respondent.
    pub rows: Vec<usize>,
}

impl SurveyDesign {
    /// How an estimate's interval is built: the design's choice for proportions, t otherwise.
    pub fn interval_of(&self, parameter: Parameter) -> &'static str {
        if parameter == Parameter::Proportion { self.interval.name() } else { "t" }
    }

    /// Every column the design reads.
    pub fn columns(&self) -> Vec<String> {
        let mut columns = vec![self.weight.clone()];
        columns.extend(self.strata.iter().chain(&self.psu).chain(&self.ssu).cloned());
        for c in self.fpc.iter().chain(&self.fpc2) {
            if let Correction::Population(Given::Column(name)) | Correction::Fraction(Given::Column(name)) = c {
                columns.push(name.clone());
            }
        }
        for e in &self.estimates {
            columns.push(e.variable.clone());
            columns.extend(e.denominator.iter().cloned());
            columns.extend(e.by.iter().cloned());
        }
        let mut seen = std::collections::HashSet::new();
        columns.retain(|c| seen.insert(c.to_lowercase()));
        columns
    }
}

/// Reads the columns a design needs from a CSV or XLSX file (`xlsx` says which), keeping no
/// other column. Every missing column is reported at once.
pub fn read_microdata<R: Read>(mut table: Table<R>, design: &SurveyDesign) -> Result<Microdata, Vec<FormatError>> {
    let header = table.header().to_vec();
    let wanted = design.columns();
    let mut positions = Vec::new();
    let mut errors = Vec::new();
    for name in &wanted {
        // The name as written; else the one column that differs only in case. Survey tools
        // may export both `nh` and `Nh`.
        let exact: Vec<usize> = (0..header.len()).filter(|&i| header[i].trim() == name).collect();
        let loose: Vec<usize> = (0..header.len()).filter(|&i| header[i].trim().eq_ignore_ascii_case(name)).collect();
        match (exact.as_slice(), loose.as_slice()) {
            ([i], _) | ([], [i]) => positions.push((name.clone(), *i)),
            ([], []) => {
                errors.push(FormatError::cell(1, name, format!("the design reads the column {name}, which the file does not have")))
            }
            ([], several) | (several, _) => errors.push(FormatError::cell(
                1,
                name,
                format!(
                    "{} columns are called {name} ({}): the design cannot tell which to read; rename them",
                    several.len(),
                    several.iter().map(|&i| crate::spreadsheet::column_name(i)).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut data = Microdata { columns: wanted.iter().map(|n| (n.clone(), Vec::new())).collect(), rows: Vec::new() };
    while let Some(record) = table.next_record() {
        let record = record.map_err(|e| vec![e])?;
        if data.rows.len() >= MAX_RESPONDENTS {
            return Err(vec![FormatError::file(format!("the file has more than {MAX_RESPONDENTS} respondents, the limit of one survey"))]);
        }
        for (name, i) in &positions {
            if let Some(column) = data.columns.get_mut(name) {
                column.push(record.cells[*i].trim().to_owned());
            }
        }
        data.rows.push(record.row);
    }
    if data.rows.is_empty() {
        return Err(vec![FormatError::file("the file has a header but no respondents")]);
    }
    Ok(data)
}

/// One estimate as written out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimateRow {
    pub name: String,
    pub parameter: Parameter,
    pub variable: String,
    /// `column=code` pairs joined with `; `; empty for the whole population.
    pub domain: String,
    pub level: String,
    #[serde(flatten)]
    pub estimate: Estimate,
    pub status: EstimateStatus,
    /// Why it is withheld or flagged, in words; empty when published as it is.
    pub reason: String,
    /// The same, as a rule.
    #[serde(skip)]
    pub because: Option<ControlReason>,
    /// The place of its spec in the design's estimates.
    #[serde(skip)]
    pub spec: usize,
    /// The (recoded) answers in the spec's `by` columns that make its domain, in their order.
    #[serde(skip)]
    pub answers: Vec<String>,
}

/// Disclosure control of one estimate: withheld below the respondents' threshold, flagged
/// above the relative standard error limit.
pub fn control(estimate: &Estimate, min_respondents: usize, max_rse: f64) -> (EstimateStatus, Option<ControlReason>) {
    if estimate.n < min_respondents {
        return (EstimateStatus::Suppressed, Some(ControlReason::FewRespondents { min: min_respondents as u64 }));
    }
    let rse = estimate.rse();
    if rse.is_nan() || rse > max_rse {
        return (EstimateStatus::Unreliable, Some(ControlReason::HighError { max_rse }));
    }
    (EstimateStatus::Published, None)
}

/// Why an estimate is withheld or flagged, in English words (the estimates file's `reason`).
pub fn reason_in_words(reason: &ControlReason) -> String {
    match reason {
        ControlReason::FewRespondents { min } => {
            format!("fewer than {min} respondents, so it could identify someone and would be too uncertain to use")
        }
        ControlReason::HighError { max_rse } => {
            format!("its relative standard error is above {}%: use it with great care", number(max_rse * 100.0))
        }
        ControlReason::Protects { domain } => {
            let protected = if domain.is_empty() { "the whole population's estimate" } else { domain.as_str() };
            format!("withheld so that {protected} cannot be worked out from the other estimates and their totals")
        }
        ControlReason::ProtectsValue { area, key } => {
            let group = if key.is_total() { String::new() } else { format!(", {key}") };
            format!("withheld so that the value for {area}{group} cannot be worked out from the other values and their totals")
        }
    }
}

/// The columns of the estimates file.
pub const ESTIMATE_COLUMNS: &[&str] = &[
    "name",
    "parameter",
    "variable",
    "domain",
    "level",
    "estimate",
    "se",
    "lower",
    "upper",
    "confidence",
    "interval",
    "df",
    "deff",
    "rse",
    "n",
    "weighted_n",
    "status",
    "reason",
    "method",
];

struct Coded<'a> {
    design: &'a SurveyDesign,
    data: &'a Microdata,
}

impl Coded<'_> {
    fn text(&self, column: &str) -> &[String] {
        self.data.columns.get(column).map_or(&[], Vec::as_slice)
    }

    fn is_missing(&self, value: &str) -> bool {
        self.design.missing.iter().any(|m| m == value)
    }

    /// An answer with the design's recoding applied.
    fn answer<'v>(&'v self, column: &str, value: &'v str) -> &'v str {
        self.design.recode.get(column).and_then(|m| m.get(value)).map_or(value, String::as_str)
    }

    fn numbers(&self, column: &str, errors: &mut Vec<FormatError>) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.data.rows.len());
        for (i, raw) in self.text(column).iter().enumerate() {
            let value = self.answer(column, raw);
            if self.is_missing(value) {
                out.push(f64::NAN);
                continue;
            }
            match rightsmon_domain::observation::parse_number(value) {
                Ok(v) => out.push(v),
                Err(e) => {
                    if errors.len() < 100 {
                        errors.push(FormatError::cell(self.data.rows[i], column, e.message));
                    }
                    out.push(f64::NAN);
                }
            }
        }
        out
    }

    fn codes(&self, column: &str, errors: &mut Vec<FormatError>) -> Vec<u32> {
        let values: Vec<&str> = self.text(column).iter().map(|v| self.answer(column, v)).collect();
        for (i, v) in values.iter().enumerate() {
            if self.is_missing(v) && errors.len() < 100 {
                errors.push(FormatError::cell(self.data.rows[i], column, "the design column is empty: every respondent needs it"));
            }
        }
        encode(&values).0
    }

    fn correction(&self, c: &Option<Correction>, errors: &mut Vec<FormatError>) -> Fpc {
        let rows = self.data.rows.len();
        let values = |given: &Given, errors: &mut Vec<FormatError>| match given {
            Given::Number(n) => vec![*n; rows],
            Given::Column(name) => self.numbers(name, errors),
        };
        match c {
            None => Fpc::None,
            Some(Correction::Population(g)) => Fpc::Population(values(g, errors)),
            Some(Correction::Fraction(g)) => Fpc::Fraction(values(g, errors)),
        }
    }
}

/// Makes every estimate the design asks for. The first problem in the data stops it, with the
/// rows and columns at fault.
pub fn run(design: &SurveyDesign, data: &Microdata) -> Result<Vec<EstimateRow>, Vec<FormatError>> {
    let coded = Coded { design, data };
    let mut errors = Vec::new();
    let weights = coded.numbers(&design.weight, &mut errors);
    // A weight that is not a number is reported by `numbers`; one left empty here.
    for (i, raw) in coded.text(&design.weight).iter().enumerate() {
        if coded.is_missing(coded.answer(&design.weight, raw)) && errors.len() < 100 {
            errors.push(FormatError::cell(data.rows[i], &design.weight, "the weight is empty: every respondent needs one"));
        }
    }
    let strata = design.strata.as_ref().map(|c| coded.codes(c, &mut errors));
    let stratum_names: Option<Vec<String>> = design.strata.as_ref().map(|c| {
        let values: Vec<&str> = coded.text(c).iter().map(|v| coded.answer(c, v)).collect();
        encode(&values).1
    });
    let psu = design.psu.as_ref().map(|c| coded.codes(c, &mut errors));
    let ssu = design.ssu.as_ref().map(|c| coded.codes(c, &mut errors));
    let fpc = coded.correction(&design.fpc, &mut errors);
    let fpc2 = coded.correction(&design.fpc2, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let spec = DesignSpec {
        weights: &weights,
        strata: strata.as_deref(),
        psu: psu.as_deref(),
        ssu: ssu.as_deref(),
        fpc,
        fpc2,
        singleton: design.singleton,
        stratum_names: stratum_names.as_deref(),
        row_numbers: Some(&data.rows),
    };
    let checked = Design::new(spec).map_err(|e| vec![FormatError::file(e.0)])?;
    let mut rows = Vec::new();
    // Per row its estimate spec and domain; per spec its domains' values.
    let mut cell_of = Vec::new();
    let mut domain_values: Vec<Vec<Vec<String>>> = Vec::with_capacity(design.estimates.len());
    let mut domain_cache: HashMap<Vec<String>, DomainSet> = HashMap::new();
    for (spec_index, spec) in design.estimates.iter().enumerate() {
        let (y, levels) = match spec.parameter {
            Parameter::Proportion => proportion_levels(&coded, &spec.variable),
            _ => (coded.numbers(&spec.variable, &mut errors), Vec::new()),
        };
        let x = spec.denominator.as_ref().map(|d| coded.numbers(d, &mut errors));
        if !errors.is_empty() {
            return Err(errors);
        }
        if !domain_cache.contains_key(&spec.by) {
            let (row_domain, labels, values) = domain_codes(&coded, &spec.by);
            let domains = Domains::new(&checked, &row_domain, labels.len()).map_err(|e| vec![FormatError::file(e.0)])?;
            domain_cache.insert(spec.by.clone(), (domains, labels, values));
        }
        let Some((domains, labels, values)) = domain_cache.get(&spec.by) else { continue };
        domain_values.push(values.clone());
        let request =
            Request { parameter: spec.parameter, y: &y, x: x.as_deref(), confidence: design.confidence, interval: design.interval };
        let estimates = estimate(&checked, domains, &request).map_err(|e| vec![FormatError::file(format!("{}: {}", spec.name, e.0))])?;
        for e in estimates {
            let level = match e.level {
                Some(v) if !levels.is_empty() => levels.get(v as usize).cloned().unwrap_or_default(),
                Some(v) => number(v),
                None => String::new(),
            };
            let (status, because) = control(&e, design.min_respondents, design.max_rse);
            let answers = values.get(e.domain as usize).cloned().unwrap_or_default();
            cell_of.push((spec_index, e.domain as usize));
            rows.push(EstimateRow {
                name: spec.name.clone(),
                parameter: spec.parameter,
                variable: spec.variable.clone(),
                domain: labels.get(e.domain as usize).cloned().unwrap_or_default(),
                level,
                estimate: e,
                status,
                reason: because.as_ref().map(reason_in_words).unwrap_or_default(),
                because,
                spec: spec_index,
                answers,
            });
        }
    }
    protect(design, &mut rows, &cell_of, &domain_values)?;
    Ok(rows)
}

/// A proportion's item as level indices: numbers when every answer is one (in numeric order),
/// else texts in alphabetical order; no answer is `NaN`.
fn proportion_levels(coded: &Coded<'_>, column: &str) -> (Vec<f64>, Vec<String>) {
    let answers: Vec<&str> = coded.text(column).iter().map(|v| coded.answer(column, v)).collect();
    let present = || answers.iter().filter(|a| !coded.is_missing(a));
    let numeric: Option<Vec<f64>> = present().map(|a| rightsmon_domain::observation::parse_number(a).ok()).collect();
    if numeric.is_some() {
        let y = answers
            .iter()
            .map(|a| if coded.is_missing(a) { f64::NAN } else { rightsmon_domain::observation::parse_number(a).unwrap_or(f64::NAN) })
            .collect();
        return (y, Vec::new());
    }
    let mut levels: Vec<String> = present().map(|a| (*a).to_owned()).collect();
    levels.sort();
    levels.dedup();
    let y = answers.iter().map(|a| levels.binary_search_by(|l| l.as_str().cmp(a)).map_or(f64::NAN, |i| i as f64)).collect();
    (y, levels)
}

/// Per row its domain: the combination of its (recoded) answers in the `by` columns; a row
/// without an answer in one of them is in no domain.
fn domain_codes(coded: &Coded<'_>, by: &[String]) -> (Vec<u32>, Vec<String>, Vec<Vec<String>>) {
    let rows = coded.data.rows.len();
    if by.is_empty() {
        return (vec![0; rows], vec![String::new()], vec![Vec::new()]);
    }
    let mut index: HashMap<Vec<&str>, u32> = HashMap::new();
    let mut labels = Vec::new();
    let mut values = Vec::new();
    let columns: Vec<&[String]> = by.iter().map(|c| coded.text(c)).collect();
    let mut out = Vec::with_capacity(rows);
    for row in 0..rows {
        let key: Vec<&str> = by.iter().zip(&columns).map(|(name, column)| coded.answer(name, &column[row])).collect();
        if key.iter().any(|k| coded.is_missing(k)) {
            out.push(OUTSIDE);
            continue;
        }
        let next = index.len() as u32;
        let code = *index.entry(key.clone()).or_insert_with(|| {
            labels.push(by.iter().zip(&key).map(|(c, v)| format!("{c}={v}")).collect::<Vec<_>>().join("; "));
            values.push(key.iter().map(|v| (*v).to_owned()).collect());
            next
        });
        out.push(code);
    }
    (out, labels, values)
}

/// The domains of a set of `by` columns: prepared for the design, with each domain's label and
/// the answers that make it.
type DomainSet = (Domains, Vec<String>, Vec<Vec<String>>);

/// The most relations times withheld cells secondary suppression takes on for one item.
const MAX_PROTECTION_WORK: usize = 20_000_000;

/// Secondary suppression across the estimates of each item. Weighted totals and respondents add
/// up over domains, so when the design asks for an item by a set of columns and also by a
/// subset of them (the whole population included), a withheld domain could be worked out from
/// the others and their margin. Cells are the (estimate, domain) pairs; each margin is the sum of
/// the finer domains that agree with it. Further domains are withheld until none can be.
fn protect(
    design: &SurveyDesign,
    rows: &mut [EstimateRow],
    cell_of: &[(usize, usize)],
    values: &[Vec<Vec<String>>],
) -> Result<(), Vec<FormatError>> {
    use rightsmon_analysis::disclosure::{Reason, Relations, Rule};
    // Estimates of the same item, parameter and denominator, by their specs.
    let mut groups: BTreeMap<(String, &'static str, Option<String>), Vec<usize>> = BTreeMap::new();
    for (i, spec) in design.estimates.iter().enumerate() {
        groups.entry((spec.variable.clone(), spec.parameter.name(), spec.denominator.clone())).or_default().push(i);
    }
    for specs in groups.values() {
        // Cells: (spec, domain) pairs with rows, numbered.
        let mut cell_index: HashMap<(usize, usize), usize> = HashMap::new();
        let mut cells: Vec<(usize, usize)> = Vec::new();
        let mut count: Vec<f64> = Vec::new();
        let mut withheld: Vec<bool> = Vec::new();
        let mut label: Vec<String> = Vec::new();
        for (r, &(spec, domain)) in cell_of.iter().enumerate() {
            if !specs.contains(&spec) {
                continue;
            }
            let c = *cell_index.entry((spec, domain)).or_insert_with(|| {
                cells.push((spec, domain));
                count.push(0.0);
                withheld.push(false);
                label.push(rows[r].domain.clone());
                cells.len() - 1
            });
            count[c] = count[c].max(rows[r].estimate.n as f64);
            withheld[c] |= rows[r].status == EstimateStatus::Suppressed;
        }
        let mut sums = Vec::new();
        for &p in specs {
            for &q in specs {
                let (by_p, by_q) = (&design.estimates[p].by, &design.estimates[q].by);
                if by_p.len() >= by_q.len() || !by_p.iter().all(|c| by_q.contains(c)) {
                    continue;
                }
                // Q's cells by their answers in P's columns (in P's order), then each P cell's parts.
                let positions: Vec<usize> = by_p.iter().filter_map(|c| by_q.iter().position(|d| d == c)).collect();
                let mut finer: HashMap<Vec<&str>, Vec<usize>> = HashMap::new();
                for (i, &(spec, domain)) in cells.iter().enumerate() {
                    if spec == q {
                        let key = positions.iter().map(|&at| values[q][domain][at].as_str()).collect();
                        finer.entry(key).or_default().push(i);
                    }
                }
                for (c, &(spec, domain)) in cells.iter().enumerate() {
                    if spec != p {
                        continue;
                    }
                    let key: Vec<&str> = values[p][domain].iter().map(String::as_str).collect();
                    if let Some(parts) = finer.get(&key) {
                        sums.push((c, parts.clone()));
                    }
                }
            }
        }
        if sums.is_empty() || !withheld.contains(&true) {
            continue;
        }
        if sums.len().saturating_mul(withheld.iter().filter(|w| **w).count()) > MAX_PROTECTION_WORK {
            let name = &design.estimates[specs[0]].variable;
            return Err(vec![FormatError::file(format!(
                "{name}: too many withheld domains under too many margins to check that none can be worked out; ask for the margins in a separate run, or for fewer domains"
            ))]);
        }
        let relations = Relations::new(cells.len(), sums).map_err(|e| vec![FormatError::file(e.0)])?;
        let primary = Rule::at_least(design.min_respondents.max(1));
        let mut reasons: Vec<Option<Reason>> = withheld.iter().map(|&w| w.then_some(Reason::Primary { rule: primary })).collect();
        relations.secondary(&mut reasons, &count).map_err(|e| vec![FormatError::file(e.0)])?;
        for (r, &(spec, domain)) in cell_of.iter().enumerate() {
            let Some(&c) = cell_index.get(&(spec, domain)) else { continue };
            if let Some(Reason::Secondary { protects }) = reasons[c] {
                let because = ControlReason::Protects { domain: label[protects].clone() };
                rows[r].status = EstimateStatus::Suppressed;
                rows[r].reason = reason_in_words(&because);
                rows[r].because = Some(because);
            }
        }
    }
    Ok(())
}

/// Writes the estimates as CSV, numbers in full; text a spreadsheet would take for a formula is
/// neutralised.
pub fn write_estimates<W: Write>(writer: W, design: &SurveyDesign, rows: &[EstimateRow]) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(writer);
    csv.write_record(ESTIMATE_COLUMNS)?;
    let method = format!("{} {}", SURVEY_ESTIMATE.name, SURVEY_ESTIMATE.version);
    for r in rows {
        let e = &r.estimate;
        let interval = design.interval_of(r.parameter);
        // A withheld estimate keeps its place and its reason, never a number.
        let shown = |v: f64| if r.status == EstimateStatus::Suppressed { String::new() } else { number(v) };
        csv.write_record([
            neutralise(&r.name).into_owned(),
            r.parameter.name().to_owned(),
            neutralise(&r.variable).into_owned(),
            neutralise(&r.domain).into_owned(),
            neutralise(&r.level).into_owned(),
            shown(e.estimate),
            shown(e.se),
            shown(e.lower),
            shown(e.upper),
            number(design.confidence),
            interval.to_owned(),
            number(e.df),
            shown(e.deff),
            shown(e.rse()),
            if r.status == EstimateStatus::Suppressed { String::new() } else { e.n.to_string() },
            shown(e.weighted_n),
            r.status.as_str().to_owned(),
            r.reason.clone(),
            method.clone(),
        ])?;
    }
    csv.flush()
}

/// The largest respondents' file a packed one may unpack to: a packed file is refused before it
/// grows beyond it.
pub const MAX_UNPACKED_BYTES: u64 = 1024 * 1024 * 1024;

/// A respondents' file as kept: deflated, then base64.
pub fn pack(bytes: &[u8]) -> String {
    use base64::Engine;
    use std::io::Write as _;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into memory cannot fail.
    let _ = encoder.write_all(bytes);
    let deflated = encoder.finish().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(deflated)
}

/// The respondents' file back from its packed text, refused when it would unpack beyond
/// [`MAX_UNPACKED_BYTES`].
pub fn unpack(text: &str) -> Result<Vec<u8>, FormatError> {
    use base64::Engine;
    let deflated = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| FormatError::file("the kept respondents' file is damaged (not base64)"))?;
    let mut out = Vec::new();
    let mut reader = flate2::read::DeflateDecoder::new(deflated.as_slice()).take(MAX_UNPACKED_BYTES + 1);
    reader.read_to_end(&mut out).map_err(|_| FormatError::file("the kept respondents' file is damaged (not deflated)"))?;
    if out.len() as u64 > MAX_UNPACKED_BYTES {
        return Err(FormatError::file("the kept respondents' file unpacks to more than 1 GB"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_file_unpacks_to_the_same_bytes_and_damage_is_refused() {
        let file = "w,q\n1,yes\n2,no\n".repeat(1000);
        let packed = pack(file.as_bytes());
        assert!(packed.len() < file.len() / 4, "{}", packed.len());
        assert_eq!(unpack(&packed).unwrap(), file.as_bytes());
        assert!(unpack("not base64 !").unwrap_err().message.contains("not base64"));
        assert!(unpack("AAAA").unwrap_err().message.contains("not deflated"));
    }
}
