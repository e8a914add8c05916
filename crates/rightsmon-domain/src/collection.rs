//! Reporting cycles and assignments: what a city collects for a period, by when, and who
//! provides each indicator.

use crate::area::parse_name;
use crate::error::{FieldErrors, ParseError};
use crate::id::{AreaCode, IndicatorCode};
use crate::period::Period;
use crate::time::Date;
use serde::{Deserialize, Serialize};

/// A reporting cycle before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCycle {
    pub city: AreaCode,
    pub name: String,
    /// The period the values of the cycle describe.
    pub period: Period,
    pub deadline: Date,
}

impl NewCycle {
    /// Validates a cycle; its deadline cannot lie before the period it covers has begun.
    pub fn parse(city: &str, name: &str, period: &str, deadline: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let city = errors.check("city", AreaCode::parse(city));
        let name = errors.check("name", parse_name(name));
        let period = errors.check("period", Period::parse(period));
        let deadline = errors.check("deadline", Date::parse(deadline));
        if let (Some(period), Some(deadline)) = (period, deadline)
            && i64::from(deadline.year()) * 12 + i64::from(deadline.month()) - 1 < period.start_month_index()
        {
            errors.push("deadline", ParseError::new("deadline_before_period", "the deadline lies before the period begins"));
        }
        errors.finish(|| Some(NewCycle { city: city?, name: name?, period: period?, deadline: deadline? }))
    }
}

/// A stored reporting cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cycle {
    pub id: i64,
    #[serde(flatten)]
    pub cycle: NewCycle,
}

/// Which organisation provides an indicator in a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub cycle_id: i64,
    pub indicator: IndicatorCode,
    pub organisation_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_needs_a_name_a_period_and_a_deadline_after_its_start() {
        let cycle = NewCycle::parse("ghent", "Annual report 2024", "2024", "2025-03-31").unwrap();
        assert_eq!(cycle.period, Period::Year(2024));
        let fields: Vec<String> =
            NewCycle::parse("Ghent", " ", "2024-13", "31/03/2025").unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["city", "name", "period", "deadline"]);
        assert_eq!(NewCycle::parse("ghent", "x", "2024", "2023-12-31").unwrap_err().0[0].code, "deadline_before_period");
    }
}
