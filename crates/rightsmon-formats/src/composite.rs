//! The files of `rightsmon composite`: a structure CSV (the hierarchy with each indicator's
//! direction, goalposts and thresholds), a data table (wide: a row per unit and a column per
//! indicator; or long: unit, indicator, optionally year, value), and the stages written back as
//! wide CSV tables. `docs/analysis.md` describes them.

use std::collections::HashMap;
use std::io::{Read, Write};

use rightsmon_analysis::composite::{Aggregation, IndicatorSpec, Missing, NodeSpec, Structure, Table as DataTable, Thresholds};
use rightsmon_analysis::progress::Direction;

use crate::table::{Table, column_index};
use crate::{FormatError, neutralise};

/// The columns a structure file may have; only `id` is required.
pub const STRUCTURE_COLUMNS: &[&str] = &[
    "id",
    "parent",
    "weight",
    "direction",
    "worst",
    "best",
    "target",
    "denominator",
    "per",
    "red",
    "green",
    "missing",
    "aggregation",
    "label",
];

fn optional_number(row: usize, column: &str, text: &str) -> Result<Option<f64>, FormatError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    rightsmon_domain::observation::parse_number(text).map(Some).map_err(|e| FormatError::cell(row, column, e.message))
}

/// Reads a structure. Every row's problems are reported, then the hierarchy is checked whole.
pub fn read_structure<R: Read>(reader: R) -> Result<Structure, Vec<FormatError>> {
    let mut table = Table::csv(reader).map_err(|e| vec![e])?;
    let header = table.header().to_vec();
    let mut errors = Vec::new();
    for name in &header {
        if !STRUCTURE_COLUMNS.iter().any(|c| c.eq_ignore_ascii_case(name)) {
            errors.push(FormatError {
                row: Some(1),
                column: Some(name.clone()),
                message: format!("unknown column; the columns are {}", STRUCTURE_COLUMNS.join(", ")),
            });
        }
    }
    if column_index(&header, "id").is_none() {
        errors.push(FormatError::file("the structure has no id column"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let col: HashMap<&str, usize> = STRUCTURE_COLUMNS.iter().filter_map(|c| column_index(&header, c).map(|i| (*c, i))).collect();
    let mut rows = Vec::new();
    while let Some(record) = table.next_record() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let get = |name: &str| col.get(name).and_then(|&i| record.cells.get(i)).map(|s| s.trim()).unwrap_or("");
        let row = record.row;
        let mut problem = |e: FormatError| errors.push(e);
        let id = get("id").to_owned();
        if id.is_empty() {
            problem(FormatError::cell(row, "id", "every node needs an id"));
            continue;
        }
        let parent = Some(get("parent").to_owned()).filter(|p| !p.is_empty());
        let weight = match optional_number(row, "weight", get("weight")) {
            Ok(w) => w.unwrap_or(1.0),
            Err(e) => {
                problem(e);
                1.0
            }
        };
        let mut numbers = HashMap::new();
        for name in ["worst", "best", "target", "per", "red", "green"] {
            match optional_number(row, name, get(name)) {
                Ok(Some(v)) => {
                    numbers.insert(name, v);
                }
                Ok(None) => {}
                Err(e) => problem(e),
            }
        }
        let direction = match get("direction").to_ascii_lowercase().as_str() {
            "" => None,
            "positive" | "higher" | "+" => Some(Direction::Positive),
            "negative" | "lower" | "-" => Some(Direction::Negative),
            other => {
                problem(FormatError::cell(
                    row,
                    "direction",
                    format!("{other:?} is not a direction: write positive (higher is better) or negative"),
                ));
                None
            }
        };
        let missing = match get("missing").to_ascii_lowercase().as_str() {
            "" => None,
            "none" => Some(Missing::None),
            "mean" => Some(Missing::Mean),
            "group-mean" => Some(Missing::GroupMean),
            "last-observation" => Some(Missing::LastObservation),
            other => {
                problem(FormatError::cell(row, "missing", format!("{other:?}: write none, mean, group-mean or last-observation")));
                None
            }
        };
        let aggregation = match get("aggregation").to_ascii_lowercase().as_str() {
            "" => None,
            "arithmetic" => Some(Aggregation::Arithmetic),
            "geometric" => Some(Aggregation::Geometric),
            other => {
                problem(FormatError::cell(row, "aggregation", format!("{other:?}: write arithmetic or geometric")));
                None
            }
        };
        let denominator = Some(get("denominator").to_owned()).filter(|d| !d.is_empty());
        rows.push((row, id, parent, weight, direction, numbers, missing, aggregation, denominator));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rows.is_empty() {
        return Err(vec![FormatError::file("the structure has no nodes")]);
    }
    // A node is an indicator when no other node names it as its parent.
    let parents: std::collections::HashSet<String> = rows.iter().filter_map(|r| r.2.clone()).collect();
    let mut nodes = Vec::with_capacity(rows.len());
    for (row, id, parent, weight, direction, numbers, missing, aggregation, denominator) in rows {
        let leaf = !parents.contains(&id);
        let indicator = if leaf {
            let Some(direction) = direction else {
                errors.push(FormatError::cell(
                    row,
                    "direction",
                    format!("{id} is an indicator (no node names it as parent) and needs a direction"),
                ));
                continue;
            };
            let thresholds = match (numbers.get("red"), numbers.get("green")) {
                (Some(&red), Some(&green)) => Some(Thresholds { red, green }),
                (None, None) => None,
                _ => {
                    errors.push(FormatError {
                        row: Some(row),
                        column: None,
                        message: "give both dashboard thresholds, red and green, or neither".into(),
                    });
                    continue;
                }
            };
            Some(IndicatorSpec {
                direction,
                worst: numbers.get("worst").copied(),
                best: numbers.get("best").copied(),
                target: numbers.get("target").copied(),
                denominator,
                per: numbers.get("per").copied().unwrap_or(1.0),
                dashboard: thresholds,
            })
        } else {
            let extra: Vec<&str> =
                ["worst", "best", "target", "per", "red", "green"].into_iter().filter(|n| numbers.contains_key(n)).collect();
            if direction.is_some() || denominator.is_some() || !extra.is_empty() {
                errors.push(FormatError {
                    row: Some(row),
                    column: None,
                    message: format!("{id} has children, so it is not an indicator: direction, goalposts, target, denominator and thresholds belong to its indicators"),
                });
                continue;
            }
            None
        };
        nodes.push(NodeSpec { id, parent, weight, missing, aggregation, indicator });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Structure::new(nodes).map_err(|e| vec![FormatError::file(e.to_string())])
}

/// How to read a data table.
#[derive(Debug, Clone, Default)]
pub struct DataOptions {
    /// The column naming the unit (city, district); `unit` when not given.
    pub unit: Option<String>,
    /// A column naming each unit's group, for group-mean imputation.
    pub group: Option<String>,
    /// In a long table with a year column: the year to take (the latest when not given).
    pub year: Option<i32>,
    /// Fill a cell without a value in `year` with the unit's latest earlier one.
    pub carry_forward: bool,
}

fn missing_text(text: &str) -> bool {
    matches!(text, "" | "NA" | "N/A" | "NaN" | "nan" | ".." | "-" | "null")
}

/// Reads the data table: wide when it has no `indicator` and `value` columns, long otherwise.
/// Only the `columns` asked for are read (other columns may hold anything).
pub fn read_data<R: Read>(reader: R, columns: &[&str], options: &DataOptions) -> Result<DataTable, Vec<FormatError>> {
    let mut table = Table::csv(reader).map_err(|e| vec![e])?;
    let header = table.header().to_vec();
    let unit_name = options.unit.as_deref().unwrap_or("unit");
    let Some(unit_col) = column_index(&header, unit_name) else {
        return Err(vec![FormatError::file(format!("the table has no unit column {unit_name:?} (name it with --unit)"))]);
    };
    let group_col = match &options.group {
        Some(g) => Some(column_index(&header, g).ok_or_else(|| vec![FormatError::file(format!("the table has no group column {g:?}"))])?),
        None => None,
    };
    let long = column_index(&header, "indicator").zip(column_index(&header, "value"));
    let mut errors = Vec::new();
    match long {
        None => {
            let mut indexes = Vec::with_capacity(columns.len());
            for &c in columns {
                match header.iter().position(|h| h == c) {
                    Some(i) => indexes.push(i),
                    None => errors.push(FormatError::file(format!("the table has no column {c}, which the structure needs"))),
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let mut units = Vec::new();
            let mut groups = Vec::new();
            let mut values: Vec<Vec<f64>> = vec![Vec::new(); columns.len()];
            while let Some(record) = table.next_record() {
                let record = match record {
                    Ok(r) => r,
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                };
                let cell = |i: usize| record.cells.get(i).map(|s| s.trim()).unwrap_or("");
                let unit = cell(unit_col);
                if unit.is_empty() {
                    errors.push(FormatError::cell(record.row, unit_name, "the unit is empty"));
                    continue;
                }
                units.push(unit.to_owned());
                if let Some(g) = group_col {
                    groups.push(cell(g).to_owned());
                }
                for (k, &i) in indexes.iter().enumerate() {
                    let text = cell(i);
                    let v = if missing_text(text) {
                        f64::NAN
                    } else {
                        match optional_number(record.row, columns[k], text) {
                            Ok(Some(v)) => v,
                            Ok(None) => f64::NAN,
                            Err(e) => {
                                errors.push(e);
                                f64::NAN
                            }
                        }
                    };
                    values[k].push(v);
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let mut data = DataTable::new(units).map_err(|e| vec![FormatError::file(e.to_string())])?;
            if group_col.is_some() {
                data = data.with_groups(groups).map_err(|e| vec![FormatError::file(e.to_string())])?;
            }
            for (name, column) in columns.iter().zip(values) {
                data.insert(name, column).map_err(|e| vec![FormatError::file(e.to_string())])?;
            }
            Ok(data)
        }
        Some((indicator_col, value_col)) => {
            let year_col = column_index(&header, "year");
            let wanted: std::collections::HashSet<&str> = columns.iter().copied().collect();
            let mut rows: Vec<(String, String, i32, f64)> = Vec::new();
            let mut unit_groups: Vec<(String, String)> = Vec::new();
            let mut seen_group: HashMap<String, (String, usize)> = HashMap::new();
            while let Some(record) = table.next_record() {
                let record = match record {
                    Ok(r) => r,
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                };
                let cell = |i: usize| record.cells.get(i).map(|s| s.trim()).unwrap_or("");
                let unit = cell(unit_col);
                if unit.is_empty() {
                    errors.push(FormatError::cell(record.row, unit_name, "the unit is empty"));
                    continue;
                }
                if let Some(g) = group_col {
                    let group = cell(g);
                    match seen_group.get(unit) {
                        Some((known, first)) if known != group => errors.push(FormatError::cell(
                            record.row,
                            &header[g],
                            format!("{unit} is in group {known:?} on row {first} and in {group:?} here"),
                        )),
                        Some(_) => {}
                        None => {
                            seen_group.insert(unit.to_owned(), (group.to_owned(), record.row));
                            unit_groups.push((unit.to_owned(), group.to_owned()));
                        }
                    }
                }
                let indicator = cell(indicator_col);
                if !wanted.contains(indicator) {
                    continue;
                }
                let year = match year_col {
                    None => 0,
                    Some(y) => match cell(y).parse::<i32>() {
                        Ok(year) => year,
                        Err(_) => {
                            errors.push(FormatError::cell(record.row, "year", format!("{:?} is not a year", cell(y))));
                            continue;
                        }
                    },
                };
                let text = cell(value_col);
                if missing_text(text) {
                    continue;
                }
                match optional_number(record.row, "value", text) {
                    Ok(Some(v)) => rows.push((unit.to_owned(), indicator.to_owned(), year, v)),
                    Ok(None) => {}
                    Err(e) => errors.push(e),
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let year = if year_col.is_some() { options.year } else { Some(0) };
            let mut data = DataTable::from_dated(
                rows.iter().map(|(u, i, y, v)| (u.as_str(), i.as_str(), *y, *v)),
                year,
                options.carry_forward && year_col.is_some(),
            )
            .map_err(|e| vec![FormatError::file(e.to_string())])?;
            // Columns without any value are missing throughout, not absent.
            let units = data.units().to_vec();
            for &c in columns {
                if data.column(c).is_none() {
                    data.insert(c, vec![f64::NAN; units.len()]).map_err(|e| vec![FormatError::file(e.to_string())])?;
                }
            }
            if group_col.is_some() {
                let by_unit: HashMap<&str, &str> = unit_groups.iter().map(|(u, g)| (u.as_str(), g.as_str())).collect();
                let groups = units.iter().map(|u| by_unit.get(u.as_str()).copied().unwrap_or("").to_owned()).collect();
                data = data.with_groups(groups).map_err(|e| vec![FormatError::file(e.to_string())])?;
            }
            Ok(data)
        }
    }
}

/// Writes a wide table: a row per unit, a column per name; `NaN` is an empty cell. Numbers are
/// written in full (the shortest text that reads back as the same number).
pub fn write_wide<W: Write>(writer: W, first: &str, units: &[String], names: &[String], columns: &[Vec<f64>]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(writer);
    let mut header = vec![neutralise(first).into_owned()];
    header.extend(names.iter().map(|n| neutralise(n).into_owned()));
    w.write_record(&header)?;
    for (u, unit) in units.iter().enumerate() {
        let mut record = vec![neutralise(unit).into_owned()];
        record.extend(columns.iter().map(|c| number(c[u])));
        w.write_record(&record)?;
    }
    w.flush()
}

/// A number as written to result files: empty for `NaN`.
pub fn number(v: f64) -> String {
    if v.is_nan() { String::new() } else { format!("{v}") }
}

/// Writes records whose cells are texts, neutralising each.
pub fn write_rows<W: Write>(writer: W, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(writer);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_structure_reads_with_its_indicators_and_reports_every_bad_row() {
        let text = "id,parent,weight,direction,worst,best,red,green,missing\nindex,,,,,,,,\ng1,index,1,,,,,,mean\nx,g1,1,positive,0,10,3,7,\ny,g1,2,negative,,,,,\n";
        let s = read_structure(text.as_bytes()).unwrap();
        assert_eq!(s.indicator_ids().collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(s.aggregate_ids().collect::<Vec<_>>(), ["g1", "index"]);
        let bad = "id,parent,weight,direction,worst\nindex,,,,\nx,index,heavy,up,\ny,index,1,,abc\n";
        let errors = read_structure(bad.as_bytes()).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|e| e.starts_with("row 3, column weight")), "{text:?}");
        assert!(text.iter().any(|e| e.starts_with("row 3, column direction")), "{text:?}");
        assert!(text.iter().any(|e| e.starts_with("row 4, column worst")), "{text:?}");
        let unknown = read_structure("id,parnet\nx,\n".as_bytes()).unwrap_err();
        assert_eq!(unknown[0].column.as_deref(), Some("parnet"));
    }

    #[test]
    fn wide_and_long_tables_give_the_same_columns() {
        let wide = "unit,region,x,y,other\na,r1,1,2,zz\nb,r1,NA,4,zz\n";
        let options = DataOptions { group: Some("region".into()), ..DataOptions::default() };
        let t = read_data(wide.as_bytes(), &["x", "y"], &options).unwrap();
        assert_eq!(t.column("y").unwrap(), [2.0, 4.0]);
        assert!(t.column("x").unwrap()[1].is_nan());
        let long = "unit,region,indicator,year,value\na,r1,x,2020,1\na,r1,y,2020,2\nb,r1,y,2020,4\nb,r1,x,2019,9\n";
        let t = read_data(long.as_bytes(), &["x", "y"], &options).unwrap();
        assert_eq!(t.column("y").unwrap(), [2.0, 4.0]);
        assert!(t.column("x").unwrap()[1].is_nan());
        let carried = DataOptions { carry_forward: true, ..options.clone() };
        assert_eq!(read_data(long.as_bytes(), &["x", "y"], &carried).unwrap().column("x").unwrap(), [1.0, 9.0]);
        let errors = read_data("unit,x\na,1,5\nb,one\n".as_bytes(), &["x"], &DataOptions::default()).unwrap_err();
        assert!(errors[0].to_string().starts_with("row 2: the row has 3 values but the header has 2 columns"), "{}", errors[0]);
        assert_eq!(errors[1].to_string(), "row 3, column x: \"one\" is not a number (use a decimal point, e.g. 12.5)");
        let errors = read_data("unit,x\n".as_bytes(), &["x", "z"], &DataOptions::default()).unwrap_err();
        assert!(errors[0].message.contains("no column z"));
    }

    #[test]
    fn written_tables_neutralise_formulas_and_keep_every_digit() {
        let mut out = Vec::new();
        let units = vec!["=HYPERLINK(1)".to_owned(), "b".to_owned()];
        write_wide(&mut out, "unit", &units, &["x".to_owned()], &[vec![0.1 + 0.2, f64::NAN]]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "unit,x\n'=HYPERLINK(1),0.30000000000000004\nb,\n");
        assert_eq!(neutralise("-0.5"), "-0.5");
        assert_eq!(neutralise("-1+cmd|' /C calc'!A0"), "'-1+cmd|' /C calc'!A0");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
    }
}
