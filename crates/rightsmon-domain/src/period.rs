//! Reference periods of observations: years, halves, quarters, months, days and ranges of years.
//!
//! The canonical notation follows SDMX: `2020`, `2020-S1`, `2020-Q3`, `2020-07` (also read as
//! `2020-M07`), a day `2020-07-15` and, for a range of years, the ISO 8601 interval `2017/2018`. Periods are ordered
//! by their start, then by their length, so that a series sorts in time.

use crate::error::ParseError;
use crate::time::Date;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

const MIN_YEAR: i32 = 1000;
const MAX_YEAR: i32 = 9999;

/// A reference period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Year(i32),
    /// Half-year 1 or 2.
    Half(i32, u8),
    /// Quarter 1 to 4.
    Quarter(i32, u8),
    /// Month 1 to 12.
    Month(i32, u8),
    /// One day (a sampling date, for instance).
    Day(Date),
    /// Whole years from `start` to `end` inclusive, `end > start` (a school or financial year).
    YearRange {
        start: i32,
        end: i32,
    },
}

fn invalid(input: &str) -> ParseError {
    ParseError::new("invalid_period", format!("{input:?} is not a period: use 2020, 2020-S1, 2020-Q3, 2020-07, 2020-07-15 or 2017/2018"))
}

fn year_of(input: &str, part: &str) -> Result<i32, ParseError> {
    if part.len() != 4 || !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(input));
    }
    let year: i32 = part.parse().map_err(|_| invalid(input))?;
    if (MIN_YEAR..=MAX_YEAR).contains(&year) { Ok(year) } else { Err(invalid(input)) }
}

fn small_number(input: &str, part: &str, digits: usize, max: u8) -> Result<u8, ParseError> {
    if part.len() != digits || !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(input));
    }
    let number: u8 = part.parse().map_err(|_| invalid(input))?;
    if (1..=max).contains(&number) { Ok(number) } else { Err(invalid(input)) }
}

impl Period {
    /// Parses the SDMX notation (see the module documentation).
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let trimmed = input.trim();
        if let Some((start, end)) = trimmed.split_once('/') {
            if let Some(years) = end.strip_prefix('P').and_then(|rest| rest.strip_suffix('Y')) {
                // SDMX time range: 2017-01-01/P2Y
                let start = start.strip_suffix("-01-01").ok_or_else(|| invalid(input))?;
                let start = year_of(input, start)?;
                let count: i32 = years.parse().map_err(|_| invalid(input))?;
                if count == 1 {
                    return Ok(Self::Year(start));
                }
                return Self::range(input, start, start.checked_add(count - 1).ok_or_else(|| invalid(input))?);
            }
            return Self::range(input, year_of(input, start)?, year_of(input, end)?);
        }
        if trimmed.len() == 10 && trimmed.as_bytes().get(7) == Some(&b'-') {
            return Date::parse(trimmed).map(Self::Day).map_err(|_| invalid(input));
        }
        match trimmed.split_once('-') {
            None => Ok(Self::Year(year_of(input, trimmed)?)),
            Some((year, rest)) => {
                let year = year_of(input, year)?;
                if let Some(half) = rest.strip_prefix('S') {
                    Ok(Self::Half(year, small_number(input, half, 1, 2)?))
                } else if let Some(quarter) = rest.strip_prefix('Q') {
                    Ok(Self::Quarter(year, small_number(input, quarter, 1, 4)?))
                } else if let Some(month) = rest.strip_prefix('M') {
                    Ok(Self::Month(year, small_number(input, month, 2, 12)?))
                } else if rest == "A1" {
                    Ok(Self::Year(year))
                } else if rest.len() == 4 {
                    Self::range(input, year, year_of(input, rest)?)
                } else {
                    Ok(Self::Month(year, small_number(input, rest, 2, 12)?))
                }
            }
        }
    }

    /// Parses the `Year` column of Open SDG data: a year (`2015`, also `2015.0`), a day
    /// (`2019-03-25`), or a range of years written `2017-18`, `2017/18`, `2017/2018` or
    /// `2000 - 02`, which is 2000 to 2002.
    pub fn parse_open_sdg_year(input: &str) -> Result<Self, ParseError> {
        let trimmed = input.trim();
        // Open SDG writes whole years as numbers, sometimes as floats ("2015.0").
        let trimmed = trimmed.strip_suffix(".0").unwrap_or(trimmed);
        if trimmed.len() == 10 && trimmed.as_bytes().get(7) == Some(&b'-') {
            return Date::parse(trimmed).map(Self::Day).map_err(|_| invalid(input));
        }
        match trimmed.split_once(['-', '/']) {
            Some((start, end)) => {
                let (start, end) = (start.trim(), end.trim());
                let start_year = year_of(input, start)?;
                match end.len() {
                    2 if end.bytes().all(|b| b.is_ascii_digit()) => {
                        let century = start_year - start_year % 100;
                        let mut end_year = century + end.parse::<i32>().map_err(|_| invalid(input))?;
                        if end_year <= start_year {
                            end_year += 100;
                        }
                        Self::range(input, start_year, end_year)
                    }
                    4 => Self::range(input, start_year, year_of(input, end)?),
                    _ => Err(invalid(input)),
                }
            }
            None => Ok(Self::Year(year_of(input, trimmed)?)),
        }
    }

    fn range(input: &str, start: i32, end: i32) -> Result<Self, ParseError> {
        if end > start && end <= MAX_YEAR {
            Ok(Self::YearRange { start, end })
        } else {
            Err(ParseError::new("invalid_period", format!("{input:?}: a range of years must end after it starts")))
        }
    }

    /// The first year the period touches (Open SDG counts `2017-18` as 2017).
    pub fn start_year(self) -> i32 {
        match self {
            Self::Year(y) | Self::Half(y, _) | Self::Quarter(y, _) | Self::Month(y, _) => y,
            Self::YearRange { start, .. } => start,
            Self::Day(date) => date.year(),
        }
    }

    /// Months since year 0 of the first month of the period.
    pub fn start_month_index(self) -> i64 {
        let first_month = match self {
            Self::Year(_) | Self::YearRange { .. } => 1,
            Self::Half(_, h) => (i64::from(h) - 1) * 6 + 1,
            Self::Quarter(_, q) => (i64::from(q) - 1) * 3 + 1,
            Self::Month(_, m) => i64::from(m),
            Self::Day(date) => i64::from(date.month()),
        };
        i64::from(self.start_year()) * 12 + first_month - 1
    }

    /// The length of the period in months.
    pub fn length_in_months(self) -> i64 {
        match self {
            Self::Year(_) => 12,
            Self::Half(..) => 6,
            Self::Quarter(..) => 3,
            Self::Month(..) => 1,
            // Shorter than a month: a day sorts before the month it lies in.
            Self::Day(_) => 0,
            Self::YearRange { start, end } => i64::from(end - start + 1) * 12,
        }
    }

    /// The period's time as a fractional year at its start (2020-Q3 is 2020.5), for trends.
    pub fn start_as_year_fraction(self) -> f64 {
        let day = match self {
            Self::Day(date) => f64::from(date.day() - 1) / 31.0,
            _ => 0.0,
        };
        (self.start_month_index() as f64 + day) / 12.0
    }

    /// The label Open SDG uses in its `Year` column.
    pub fn open_sdg_label(self) -> String {
        match self {
            Self::YearRange { start, end } if end - start == 1 => {
                format!("{start}-{:02}", end % 100)
            }
            Self::YearRange { start, end } => format!("{start}-{end}"),
            other => other.to_string(),
        }
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        let day = |p: &Period| match p {
            Self::Day(date) => date.day(),
            _ => 0,
        };
        self.start_month_index()
            .cmp(&other.start_month_index())
            .then(self.length_in_months().cmp(&other.length_in_months()))
            .then(day(self).cmp(&day(other)))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Year(y) => write!(f, "{y}"),
            Self::Half(y, h) => write!(f, "{y}-S{h}"),
            Self::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Self::Month(y, m) => write!(f, "{y}-{m:02}"),
            Self::Day(date) => write!(f, "{date}"),
            Self::YearRange { start, end } => write!(f, "{start}/{end}"),
        }
    }
}

impl TryFrom<String> for Period {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<Period> for String {
    fn from(value: Period) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdmx_notation_round_trips() {
        for text in ["2020", "2020-S2", "2020-Q3", "2020-07", "2020-07-15", "2017/2018", "2015/2020"] {
            assert_eq!(Period::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Period::parse("2020-M07").unwrap(), Period::Month(2020, 7));
        assert_eq!(Period::parse("2020-A1").unwrap(), Period::Year(2020));
        assert_eq!(Period::parse("2017-2018").unwrap(), Period::YearRange { start: 2017, end: 2018 });
        assert_eq!(Period::parse("2017-01-01/P2Y").unwrap(), Period::YearRange { start: 2017, end: 2018 });
    }

    #[test]
    fn invalid_periods_are_refused() {
        for bad in [
            "",
            "20",
            "2020-13",
            "2020-Q5",
            "2020-S0",
            "2020-M7",
            "2018/2017",
            "2018/2018",
            "abcd",
            "2020-Q",
            "999",
            "10000",
            "2020-02-30",
            "2020-7-01",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn open_sdg_year_ranges_count_from_their_first_year() {
        let period = Period::parse_open_sdg_year("2017-18").unwrap();
        assert_eq!(period, Period::YearRange { start: 2017, end: 2018 });
        assert_eq!(period.start_year(), 2017);
        assert_eq!(period.open_sdg_label(), "2017-18");
        assert_eq!(Period::parse_open_sdg_year("1999-00").unwrap(), Period::YearRange { start: 1999, end: 2000 });
        assert_eq!(Period::parse_open_sdg_year("2015").unwrap(), Period::Year(2015));
        assert_eq!(Period::parse_open_sdg_year("2015.0").unwrap(), Period::Year(2015));
        assert!(Period::parse_open_sdg_year("2015-1").is_err());
        assert_eq!(Period::parse_open_sdg_year("2010/11").unwrap(), Period::YearRange { start: 2010, end: 2011 });
        assert_eq!(Period::parse_open_sdg_year("2012/2013").unwrap(), Period::YearRange { start: 2012, end: 2013 });
        assert_eq!(Period::parse_open_sdg_year("2000 - 02").unwrap(), Period::YearRange { start: 2000, end: 2002 });
        assert_eq!(Period::parse_open_sdg_year("1993-03-25").unwrap().to_string(), "1993-03-25");
        assert!(Period::parse_open_sdg_year("1993-02-30").is_err());
    }

    #[test]
    fn periods_sort_by_start_then_length() {
        let mut periods: Vec<Period> = ["2021", "2020-Q2", "2020", "2019/2020", "2020-01", "2020-S1", "2020-01-09", "2020-01-02"]
            .iter()
            .map(|p| Period::parse(p).unwrap())
            .collect();
        periods.sort();
        let sorted: Vec<String> = periods.iter().map(ToString::to_string).collect();
        assert_eq!(sorted, ["2019/2020", "2020-01-02", "2020-01-09", "2020-01", "2020-S1", "2020", "2020-Q2", "2021"]);
    }
}
