//! Calendar dates and instants. The domain never reads a clock: callers pass the time in.

use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A day of the Gregorian calendar between the years 1000 and 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Result<Self, ParseError> {
        if !(1000..=9999).contains(&year) {
            return Err(ParseError::new("invalid_date", format!("year {year} is outside 1000-9999")));
        }
        if !(1..=12).contains(&month) {
            return Err(ParseError::new("invalid_date", format!("month {month} does not exist")));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(ParseError::new("invalid_date", format!("{year}-{month:02} has no day {day}")));
        }
        Ok(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let invalid = || ParseError::new("invalid_date", format!("{input:?} is not a date of the form YYYY-MM-DD"));
        let bytes = input.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(invalid());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u32, ParseError> {
            let part = input.get(range).ok_or_else(invalid)?;
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
        let year = i32::try_from(number(0..4)?).map_err(|_| invalid())?;
        let month = u8::try_from(number(5..7)?).map_err(|_| invalid())?;
        let day = u8::try_from(number(8..10)?).map_err(|_| invalid())?;
        Self::from_ymd(year, month, day)
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (days-from-civil, H. Hinnant).
    pub fn days_since_epoch(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// How many days this date lies after `other` (negative: before it).
    pub fn days_since(self, other: Date) -> i64 {
        self.days_since_epoch() - other.days_since_epoch()
    }

    /// The date of an instant, in UTC.
    pub fn of_timestamp(at: Timestamp) -> Self {
        // Civil-from-days (H. Hinnant), valid for the whole i64 day range we accept.
        let days = at.0.div_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year: year.clamp(1000, 9999), month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for Date {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<Date> for String {
    fn from(value: Date) -> Self {
        value.to_string()
    }
}

/// An instant, in whole seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn seconds(self) -> i64 {
        self.0
    }

    pub fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = Date::of_timestamp(*self);
        let secs = self.0.rem_euclid(86_400);
        write!(f, "{date}T{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_between_dates_follow_the_calendar() {
        let day = |text: &str| Date::parse(text).unwrap();
        assert_eq!(day("1970-01-01").days_since_epoch(), 0);
        assert_eq!(day("2000-03-01").days_since(day("2000-02-28")), 2, "2000 was a leap year");
        assert_eq!(day("2100-03-01").days_since(day("2100-02-28")), 1, "2100 will not be");
        assert_eq!(day("2026-12-05").days_since(day("2026-12-06")), -1);
        for text in ["1000-01-01", "1969-12-31", "2026-12-06", "9999-12-31"] {
            assert_eq!(Date::of_timestamp(Timestamp(day(text).days_since_epoch() * 86_400)), day(text));
        }
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("1900-02-29").is_err());
        assert!(Date::parse("2000-02-29").is_ok());
        for bad in ["2024-13-01", "2024-00-10", "2024-1-01", "20240101", "2024-01-01T00", "+024-01-01", "２０２４-01-01"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_print_as_utc() {
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp(1_733_097_600).to_string(), "2024-12-02T00:00:00Z");
        assert_eq!(Timestamp(951_782_400 + 3661).to_string(), "2000-02-29T01:01:01Z");
    }
}
