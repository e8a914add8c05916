//! The table a composite is built from.

use super::*;

/// The data: units (cities, districts), each with an optional group, and numeric columns.
/// Missing values are `NaN`.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub(super) units: Vec<String>,
    pub(super) groups: Option<Vec<String>>,
    pub(super) columns: BTreeMap<String, Vec<f64>>,
    /// Cells filled from an earlier year: column -> (unit index, year used).
    pub(super) carried: BTreeMap<String, Vec<(usize, i32)>>,
    pub(super) dated: bool,
}

impl Table {
    /// An empty table of these units.
    pub fn new(units: Vec<String>) -> Result<Self, CompositeError> {
        let mut seen = std::collections::HashSet::new();
        for u in &units {
            if !seen.insert(u.as_str()) {
                return Err(CompositeError::Data(format!("the unit {u} appears twice")));
            }
        }
        Ok(Self { units, ..Self::default() })
    }

    /// Each unit's group, for group-mean imputation.
    pub fn with_groups(mut self, groups: Vec<String>) -> Result<Self, CompositeError> {
        if groups.len() != self.units.len() {
            return Err(CompositeError::Data(format!("{} groups for {} units", groups.len(), self.units.len())));
        }
        self.groups = Some(groups);
        Ok(self)
    }

    /// Adds a column; `NaN` marks a missing value.
    pub fn insert(&mut self, name: &str, values: Vec<f64>) -> Result<(), CompositeError> {
        if values.len() != self.units.len() {
            return Err(CompositeError::Data(format!("the column {name} has {} values for {} units", values.len(), self.units.len())));
        }
        if let Some(v) = values.iter().find(|v| v.is_infinite()) {
            return Err(CompositeError::Data(format!("the column {name} holds {v}")));
        }
        self.columns.insert(name.to_owned(), values);
        Ok(())
    }

    /// A table from dated values `(unit, column, year, value)`: each cell takes the value of
    /// `year` (or, without one, of the latest year in the data); with `carry_forward`, a cell
    /// without one takes the unit's latest earlier value, and the table remembers which.
    pub fn from_dated<'a>(
        observations: impl IntoIterator<Item = (&'a str, &'a str, i32, f64)>,
        year: Option<i32>,
        carry_forward: bool,
    ) -> Result<Self, CompositeError> {
        let mut units: Vec<String> = Vec::new();
        let mut unit_index: HashMap<String, usize> = HashMap::new();
        // column -> unit -> (year, value) of the best candidate so far
        let mut cells: BTreeMap<String, HashMap<usize, (i32, f64)>> = BTreeMap::new();
        let mut all: Vec<(usize, String, i32, f64)> = Vec::new();
        let mut latest = i32::MIN;
        for (unit, column, y, value) in observations {
            if !value.is_finite() {
                return Err(CompositeError::Data(format!("{unit}, {column}, {y}: {value} is not a number")));
            }
            let u = *unit_index.entry(unit.to_owned()).or_insert_with(|| {
                units.push(unit.to_owned());
                units.len() - 1
            });
            latest = latest.max(y);
            all.push((u, column.to_owned(), y, value));
        }
        let year = year.unwrap_or(latest);
        for (u, column, y, value) in all {
            if y > year || (y < year && !carry_forward) {
                continue;
            }
            let slot = cells.entry(column.clone()).or_default();
            match slot.get(&u) {
                Some(&(seen, _)) if seen == y => {
                    return Err(CompositeError::Data(format!("{}, {column}, {y}: two values for the same year", units[u])));
                }
                Some(&(seen, _)) if seen > y => {}
                _ => {
                    slot.insert(u, (y, value));
                }
            }
        }
        let mut table = Self::new(units)?;
        table.dated = true;
        for (column, slot) in cells {
            let mut values = vec![f64::NAN; table.units.len()];
            let mut carried = Vec::new();
            for (u, (y, value)) in slot {
                values[u] = value;
                if y != year {
                    carried.push((u, y));
                }
            }
            carried.sort_unstable();
            if !carried.is_empty() {
                table.carried.insert(column.clone(), carried);
            }
            table.columns.insert(column, values);
        }
        Ok(table)
    }

    pub fn units(&self) -> &[String] {
        &self.units
    }

    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns.get(name).map(Vec::as_slice)
    }
}
