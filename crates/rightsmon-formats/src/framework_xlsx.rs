//! A framework as a workbook, for people who review indicators in a spreadsheet.
//!
//! The sheet `Indicators` has one row per indicator version and one column per field; a text
//! that exists in several languages has a column per language (`name.en`, `name.nl`, ...), and
//! only languages that some indicator uses get columns. Lists are written as people read them:
//! themes and combinations separated by `; ` (`SEX; AGE+SEX`), and one right per line
//! (`CFR-34 outcome Access to housing assistance`: code, role, then the attribute if any).
//! Reading the workbook back gives the same definitions; the sheet `About` explains the columns.

use crate::FormatError;
use crate::spreadsheet::{Cell, Sheet, column_name, read_xlsx, write_xlsx};
use rightsmon_domain::catalogue::{ComputationDraft, CoreComparisonDraft, IndicatorDraft, RightLinkDraft, SourceRef, TextMap};
use std::collections::BTreeSet;

pub const SHEET: &str = "Indicators";

/// Multilingual fields, in column order, with how to reach them in a draft.
const TEXT_FIELDS: &[&str] =
    &["name", "definition", "rationale", "numerator", "denominator", "formula", "survey_question", "comparability", "compares_with_note"];

fn texts<'a>(draft: &'a IndicatorDraft, field: &str) -> Option<&'a TextMap> {
    let computation = draft.computation.as_ref();
    match field {
        "name" => Some(&draft.name),
        "definition" => Some(&draft.definition),
        "rationale" => draft.rationale.as_ref(),
        "numerator" => computation.and_then(|c| c.numerator.as_ref()),
        "denominator" => computation.and_then(|c| c.denominator.as_ref()),
        "formula" => computation.and_then(|c| c.formula.as_ref()),
        "survey_question" => computation.and_then(|c| c.survey_question.as_ref()),
        "comparability" => draft.comparability.as_ref(),
        "compares_with_note" => draft.compares_with.as_ref().and_then(|c| c.note.as_ref()),
        _ => None,
    }
}

const PLAIN_COLUMNS: &[&str] = &[
    "unit",
    "decimals",
    "direction",
    "value_type",
    "additivity",
    "lower_limit",
    "upper_limit",
    "target_band_low",
    "target_band_high",
    "ordinal_levels",
    "disaggregations",
    "frequency",
    "source_name",
    "source_code",
    "source_url",
    "suggested_provider",
    "themes",
    "rights",
    "compares_with_core",
    "compares_with_level",
    "breaks_series",
];

fn text(value: &str) -> Cell {
    if value.is_empty() { Cell::Empty } else { Cell::Text(value.to_owned()) }
}

fn optional_text(value: Option<&str>) -> Cell {
    value.map_or(Cell::Empty, text)
}

fn number(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, Cell::Number)
}

/// Writes drafts (in the order given) as a workbook.
pub fn write(drafts: &[IndicatorDraft]) -> Result<Vec<u8>, FormatError> {
    // Languages in use, English first.
    let mut languages: BTreeSet<String> = BTreeSet::new();
    for draft in drafts {
        for field in TEXT_FIELDS {
            if let Some(map) = texts(draft, field) {
                languages.extend(map.keys().cloned());
            }
        }
    }
    languages.remove("en");
    let languages: Vec<String> = std::iter::once("en".to_owned()).chain(languages).collect();
    let mut header = vec![Cell::Text("code".into()), Cell::Text("version".into()), Cell::Text("city".into())];
    for field in TEXT_FIELDS {
        for language in &languages {
            header.push(Cell::Text(format!("{field}.{language}")));
        }
    }
    header.extend(PLAIN_COLUMNS.iter().map(|c| Cell::Text((*c).to_owned())));
    let mut rows = vec![header];
    for draft in drafts {
        let mut row = vec![text(&draft.code), Cell::Number(f64::from(draft.version)), optional_text(draft.city.as_deref())];
        for field in TEXT_FIELDS {
            for language in &languages {
                row.push(optional_text(texts(draft, field).and_then(|m| m.get(language)).map(String::as_str)));
            }
        }
        let rights: Vec<String> = draft
            .rights
            .iter()
            .map(|l| match &l.attribute {
                Some(attribute) => format!("{} {} {attribute}", l.right, l.link_type),
                None => format!("{} {}", l.right, l.link_type),
            })
            .collect();
        row.extend([
            text(&draft.unit),
            number(draft.decimals.map(f64::from)),
            text(&draft.direction),
            text(&draft.value_type),
            optional_text(draft.additivity.as_deref()),
            number(draft.lower_limit),
            number(draft.upper_limit),
            number(draft.target_band.map(|b| b.0)),
            number(draft.target_band.map(|b| b.1)),
            number(draft.ordinal_levels.map(f64::from)),
            text(&draft.disaggregations.iter().map(|c| c.join("+")).collect::<Vec<_>>().join("; ")),
            optional_text(draft.frequency.as_deref()),
            optional_text(draft.source.as_ref().map(|s| s.name.as_str())),
            optional_text(draft.source.as_ref().and_then(|s| s.code.as_deref())),
            optional_text(draft.source.as_ref().and_then(|s| s.url.as_deref())),
            optional_text(draft.suggested_provider.as_deref()),
            text(&draft.themes.join("; ")),
            text(&rights.join("\n")),
            optional_text(draft.compares_with.as_ref().map(|c| c.core.as_str())),
            optional_text(draft.compares_with.as_ref().map(|c| c.level.as_str())),
            if draft.breaks_series { Cell::Text("yes".into()) } else { Cell::Empty },
        ]);
        rows.push(row);
    }
    let about = Sheet {
        name: "About".into(),
        rows: vec![
            vec![Cell::Text("Rights Monitor framework workbook".into())],
            vec![Cell::Text("format".into()), Cell::Text("rightsmon-framework".into())],
            vec![Cell::Text("format_version".into()), Cell::Number(1.0)],
            vec![Cell::Text("One row per indicator version on the sheet Indicators. Texts have a column per language (name.en, name.nl...). Themes and combinations of dimensions are separated by \"; \", the dimensions of a combination by \"+\". Rights: one per line, \"code role attribute\" (e.g. CFR-34 outcome Access to housing assistance).".into())],
        ],
    };
    write_xlsx(&[Sheet { name: SHEET.into(), rows }, about])
}

/// Reads the drafts of a framework workbook; a problem names its row and column.
pub fn read(bytes: &[u8]) -> Result<Vec<IndicatorDraft>, FormatError> {
    let sheets = read_xlsx(bytes)?;
    let sheet =
        sheets.iter().find(|s| s.name == SHEET).ok_or_else(|| FormatError::file(format!("the workbook has no sheet named {SHEET}")))?;
    let Some((header, body)) = sheet.rows.split_first() else { return Ok(Vec::new()) };
    let header: Vec<String> = header.iter().map(|c| c.as_text().unwrap_or_default().trim().to_owned()).collect();
    for (index, name) in header.iter().enumerate() {
        let known = ["code", "version", "city"].contains(&name.as_str())
            || PLAIN_COLUMNS.contains(&name.as_str())
            || name.split_once('.').is_some_and(|(field, language)| TEXT_FIELDS.contains(&field) && !language.is_empty())
            || name.is_empty();
        if !known {
            return Err(FormatError::cell(1, &column_name(index), format!("unknown column {name:?}")));
        }
        if !name.is_empty() && header.iter().filter(|other| *other == name).count() > 1 {
            return Err(FormatError::cell(1, &column_name(index), format!("the column {name} appears twice")));
        }
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let mut drafts = Vec::new();
    for (offset, row) in body.iter().enumerate() {
        let row_number = offset + 2;
        if row.iter().all(|c| c.as_text().is_none()) {
            continue;
        }
        let get = |name: &str| column(name).and_then(|i| row.get(i)).and_then(Cell::as_text);
        let numeric = |name: &str| -> Result<Option<f64>, FormatError> {
            match column(name).and_then(|i| row.get(i)) {
                None | Some(Cell::Empty) => Ok(None),
                Some(Cell::Number(n)) => Ok(Some(*n)),
                Some(Cell::Text(t)) if t.trim().is_empty() => Ok(None),
                Some(Cell::Text(t)) => {
                    rightsmon_domain::observation::parse_number(t).map(Some).map_err(|e| FormatError::cell(row_number, name, e.message))
                }
            }
        };
        let whole = |name: &str, max: f64| -> Result<Option<u32>, FormatError> {
            match numeric(name)? {
                None => Ok(None),
                Some(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(Some(n as u32)),
                Some(n) => Err(FormatError::cell(row_number, name, format!("{n} is not a whole number from 0 to {max}"))),
            }
        };
        let text_map = |field: &str| -> Option<TextMap> {
            let map: TextMap = header
                .iter()
                .enumerate()
                .filter_map(|(i, name)| {
                    let (f, language) = name.split_once('.')?;
                    (f == field).then(|| row.get(i).and_then(Cell::as_text).map(|t| (language.to_owned(), t)))?
                })
                .collect();
            (!map.is_empty()).then_some(map)
        };
        let code = get("code").unwrap_or_default();
        let list = |name: &str| -> Vec<String> {
            get(name).map(|t| t.split(';').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()).unwrap_or_default()
        };
        let rights = get("rights")
            .map(|t| {
                t.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|line| {
                        let mut parts = line.splitn(3, ' ');
                        let right = parts.next().unwrap_or_default().to_owned();
                        let link_type = parts.next().unwrap_or_default().to_owned();
                        let attribute = parts.next().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
                        RightLinkDraft { right, link_type, attribute }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let computation = {
            let c = ComputationDraft {
                numerator: text_map("numerator"),
                denominator: text_map("denominator"),
                formula: text_map("formula"),
                survey_question: text_map("survey_question"),
            };
            (c.numerator.is_some() || c.denominator.is_some() || c.formula.is_some() || c.survey_question.is_some()).then_some(c)
        };
        let target_band = match (numeric("target_band_low")?, numeric("target_band_high")?) {
            (Some(low), Some(high)) => Some((low, high)),
            (None, None) => None,
            _ => return Err(FormatError::cell(row_number, "target_band_high", "a target band needs both a low and a high end")),
        };
        let breaks_series = match get("breaks_series").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("no") | Some("false") => false,
            Some("yes") | Some("true") => true,
            Some(other) => return Err(FormatError::cell(row_number, "breaks_series", format!("{other:?} is not yes or no"))),
        };
        let source = get("source_name").map(|name| SourceRef { name, code: get("source_code"), url: get("source_url") });
        let compares_with = get("compares_with_core").map(|core| CoreComparisonDraft {
            core,
            level: get("compares_with_level").unwrap_or_default(),
            note: text_map("compares_with_note"),
        });
        drafts.push(IndicatorDraft {
            code,
            version: whole("version", f64::from(u32::MAX))?.unwrap_or(1),
            city: get("city"),
            name: text_map("name").unwrap_or_default(),
            definition: text_map("definition").unwrap_or_default(),
            rationale: text_map("rationale"),
            computation,
            unit: get("unit").unwrap_or_default(),
            decimals: whole("decimals", 255.0)?.map(|d| d as u8),
            direction: get("direction").unwrap_or_default(),
            value_type: get("value_type").unwrap_or_default(),
            additivity: get("additivity"),
            lower_limit: numeric("lower_limit")?,
            upper_limit: numeric("upper_limit")?,
            target_band,
            ordinal_levels: whole("ordinal_levels", 255.0)?.map(|d| d as u8),
            disaggregations: list("disaggregations").into_iter().map(|c| c.split('+').map(|d| d.trim().to_owned()).collect()).collect(),
            source,
            suggested_provider: get("suggested_provider"),
            frequency: get("frequency"),
            themes: list("themes"),
            rights,
            comparability: text_map("comparability"),
            compares_with,
            breaks_series,
        });
    }
    Ok(drafts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> IndicatorDraft {
        IndicatorDraft {
            code: "RM-HOU-01".into(),
            version: 2,
            name: [("en".to_owned(), "Housing cost overburden".to_owned()), ("nl".to_owned(), "Woonkostenoverbelasting".to_owned())].into(),
            definition: [("en".to_owned(), "=Share of people; with \"quotes\"\nand a new line".to_owned())].into(),
            computation: Some(ComputationDraft {
                numerator: Some([("en".to_owned(), "People".to_owned())].into()),
                ..ComputationDraft::default()
            }),
            unit: "%".into(),
            decimals: Some(1),
            direction: "target_band".into(),
            value_type: "percentage".into(),
            additivity: Some("non_additive".into()),
            lower_limit: Some(0.0),
            upper_limit: Some(100.0),
            target_band: Some((0.1, 12.5)),
            disaggregations: vec![vec!["SEX".into()], vec!["AGE".into(), "SEX".into()]],
            source: Some(SourceRef { name: "Eurostat".into(), code: Some("ilc_lvho07a".into()), url: None }),
            frequency: Some("annual".into()),
            themes: vec!["HOUSING".into(), "SOCIAL_INCLUSION".into()],
            rights: vec![
                RightLinkDraft {
                    right: "CFR-34".into(),
                    link_type: "outcome".into(),
                    attribute: Some("Access to housing assistance".into()),
                },
                RightLinkDraft { right: "SDG-11.1".into(), link_type: "outcome".into(), attribute: None },
            ],
            breaks_series: true,
            ..IndicatorDraft::default()
        }
    }

    #[test]
    fn drafts_survive_a_workbook() {
        let drafts = vec![
            draft(),
            IndicatorDraft { code: "RM-X-1".into(), version: 1, breaks_series: false, city: Some("ghent".into()), ..draft() },
        ];
        let back = read(&write(&drafts).unwrap()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{drafts:?}"));
    }

    #[test]
    fn problems_name_their_cell() {
        let mut bytes = write(&[draft()]).unwrap();
        let sheets = read_xlsx(&bytes).unwrap();
        let mut rows = sheets[0].rows.clone();
        let decimals = rows[0].iter().position(|c| c.as_text().as_deref() == Some("decimals")).unwrap();
        rows[1][decimals] = Cell::Text("two".into());
        bytes = write_xlsx(&[Sheet { name: SHEET.into(), rows: rows.clone() }]).unwrap();
        let error = read(&bytes).unwrap_err();
        assert_eq!((error.row, error.column.as_deref()), (Some(2), Some("decimals")));
        rows[0].push(Cell::Text("colour".into()));
        let error = read(&write_xlsx(&[Sheet { name: SHEET.into(), rows }]).unwrap()).unwrap_err();
        assert!(error.message.contains("unknown column \"colour\""));
        let error = read(&write_xlsx(&[Sheet { name: "Other".into(), rows: vec![] }]).unwrap()).unwrap_err();
        assert!(error.message.contains("no sheet named Indicators"));
    }
}
