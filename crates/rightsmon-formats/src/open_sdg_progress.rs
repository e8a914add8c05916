//! What Open SDG's progress calculation reads: an indicator's configuration (YAML, as in
//! `indicator-config/<id>.yml` or the front matter of its metadata) and the headline series of
//! its data file.

use rightsmon_analysis::progress::{CagrOptions, Direction, Point, Thresholds, open_sdg_year};
use serde::Deserialize;

use crate::FormatError;
use crate::open_sdg::{self, OpenSdgColumns};
use crate::table::Table;

#[derive(Debug, Clone, Default, Deserialize)]
struct RawOptions {
    direction: Option<String>,
    target: Option<f64>,
    target_year: Option<i32>,
    base_year: Option<i32>,
    limit: Option<f64>,
    progress_thresholds: Option<RawThresholds>,
}

/// `progress_thresholds` is a map, or an empty list when not configured.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawThresholds {
    Set(Thresholds),
    Empty(#[allow(dead_code)] Vec<serde::de::IgnoredAny>),
}

#[derive(Debug, Clone, Default, Deserialize)]
struct RawConfig {
    auto_progress_calculation: Option<bool>,
    progress_calculation_options: Option<Vec<RawOptions>>,
    progress_status: Option<String>,
}

/// An indicator's progress configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressConfig {
    /// `auto_progress_calculation`: whether Open SDG calculates progress for it.
    pub enabled: bool,
    pub options: CagrOptions,
    pub thresholds: Option<Thresholds>,
    /// A natural limit (`limit`), for Open SDG 2.4's progress measure.
    pub limit: Option<f64>,
    /// The status the configuration states (`progress_status`), if any.
    pub published_status: Option<String>,
}

/// Reads an indicator configuration; only the progress fields are looked at. The first entry of
/// `progress_calculation_options` counts, with Open SDG's defaults for what it leaves out.
pub fn read_config(text: &str) -> Result<ProgressConfig, FormatError> {
    let text = text.trim_start_matches('\u{feff}');
    let raw: RawConfig = if text.trim().is_empty() {
        RawConfig::default()
    } else {
        serde_saphyr::from_str(text).map_err(|e| FormatError::file(format!("the configuration is not valid YAML: {e}")))?
    };
    let entry = raw.progress_calculation_options.and_then(|o| o.into_iter().next()).unwrap_or_default();
    let mut options = CagrOptions::default();
    match entry.direction.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("negative") => {}
        Some("positive") => options.direction = Direction::Positive,
        Some(other) => return Err(FormatError::file(format!("direction {other:?}: write positive or negative"))),
    }
    options.target = entry.target;
    if let Some(year) = entry.target_year {
        options.target_year = year;
    }
    if let Some(year) = entry.base_year {
        options.base_year = year;
    }
    if options.target.is_some_and(|t| !t.is_finite()) {
        return Err(FormatError::file("the target is not a number"));
    }
    let thresholds = match entry.progress_thresholds {
        Some(RawThresholds::Set(t)) => Some(t),
        _ => None,
    };
    Ok(ProgressConfig {
        enabled: raw.auto_progress_calculation.unwrap_or(false),
        options,
        thresholds,
        limit: entry.limit.filter(|l| l.is_finite()),
        published_status: raw.progress_status,
    })
}

/// The headline series of an Open SDG data file: the rows whose disaggregation columns are all
/// empty, with a value. An empty file has no series.
pub fn headline(bytes: &[u8]) -> Result<Vec<Point>, FormatError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let mut table = Table::csv(bytes)?;
    let columns = OpenSdgColumns::find(table.header())?;
    let mut points = Vec::new();
    while let Some(row) = open_sdg::next_row(&mut table, &columns) {
        let row = row?;
        if !row.labels.iter().all(|l| l.trim().is_empty()) || open_sdg::is_missing(&row.value) {
            continue;
        }
        let year = open_sdg_year(&row.year).ok_or_else(|| FormatError::cell(row.row, "Year", format!("{:?} is not a year", row.year)))?;
        let value = rightsmon_domain::observation::parse_number(&row.value).map_err(|e| FormatError::cell(row.row, "Value", e.message))?;
        if points.iter().any(|p: &Point| p.year == year) {
            return Err(FormatError::cell(row.row, "Year", format!("the headline has two values for {year}")));
        }
        points.push(Point { year, value });
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_options_entry_counts_with_open_sdg_defaults() {
        let c = read_config("auto_progress_calculation: true\nprogress_calculation_options:\n- direction: positive\n  target: 0\n  progress_thresholds: []\nprogress_status: moderate_progress\nother: [1, 2]\n").unwrap();
        assert!(c.enabled);
        assert_eq!(c.options, CagrOptions { direction: Direction::Positive, target: Some(0.0), ..CagrOptions::default() });
        assert_eq!((c.thresholds, c.published_status.as_deref()), (None, Some("moderate_progress")));
        let c = read_config("progress_calculation_options: [{base_year: 2010, progress_thresholds: {high: 2, med: 1, low: 0}}]").unwrap();
        assert_eq!(c.options.base_year, 2010);
        assert_eq!(c.thresholds, Some(Thresholds { high: 2.0, med: 1.0, low: 0.0 }));
        assert!(!c.enabled);
        assert!(read_config("progress_calculation_options:\n- direction: up\n").is_err());
        assert!(read_config("a: [unclosed").is_err());
    }

    #[test]
    fn the_headline_is_the_rows_without_disaggregation() {
        let data = "Year,Sex,Value\n2015,,10\n2015,F,12\n2016-17,,11\n2018,,\n";
        assert_eq!(headline(data.as_bytes()).unwrap(), [Point { year: 2015, value: 10.0 }, Point { year: 2016, value: 11.0 }]);
        assert!(headline(b"").unwrap().is_empty());
        let e = headline("Year,Value\n2015,ten\n".as_bytes()).unwrap_err();
        assert_eq!(e.row, Some(2));
    }
}
