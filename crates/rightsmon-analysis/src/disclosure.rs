//! Statistical disclosure control: what may be published of a table without exposing a person
//! or an organisation, and a record of why each withheld cell is withheld.
//!
//! **Primary suppression** applies the rules to each cell (as sdcTable defines them, `x1 >= x2
//! >= ...` the largest contributions to a cell's total `T`):
//! - *frequency*: a cell with at least one and at most `max_n` contributors;
//! - *(n, k) dominance*: the `n` largest contributions make more than `k`% of the total;
//! - *p%*: `T − x1 − x2 < p/100 · x1`: the second largest contributor could estimate the largest
//!   to within p%;
//! - *pq*: `T − x1 − x2 < (p/q) · x1`: the same with prior knowledge to within q%.
//!
//! **Secondary suppression** then withholds further cells until no withheld cell can be worked
//! out exactly from the published cells and the table's additive relations (each total the sum
//! of its parts). A withheld cell can be worked out exactly when some combination of the
//! relations leaves it alone among the withheld cells: when its column in the relations
//! restricted to the withheld cells is independent of the others. Cells are added one at a
//! time next to an exposed cell: the one that leaves the fewest exposed, parts before totals,
//! then the cheapest (fewest contributors). The work is done part by independent part of the
//! table, so that a table of thousands of cells is protected in moments.

use std::fmt;

use serde::Serialize;

use crate::progress::Method;

/// Disclosure control as this module applies it.
pub const DISCLOSURE_CONTROL: Method = Method { name: "disclosure-control", version: 1 };

/// The least respondents an estimate from a survey needs to be published.
pub const MIN_RESPONDENTS_ESTIMATE: usize = 30;
/// The least people a published count may stand for.
pub const MIN_COUNT: usize = 10;
/// The relative standard error above which an estimate is published with a warning.
pub const MAX_RSE: f64 = 0.30;

/// Why a rule or a table was refused; each says what to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct DisclosureError(pub String);

impl fmt::Display for DisclosureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DisclosureError {}

fn err<T>(message: String) -> Result<T, DisclosureError> {
    Err(DisclosureError(message))
}

/// A primary suppression rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum Rule {
    Frequency { max_n: usize },
    Dominance { n: usize, k: f64 },
    PPercent { p: f64 },
    Pq { p: f64, q: f64 },
}

impl Rule {
    /// The frequency rule for "at least `threshold` contributors".
    pub fn at_least(threshold: usize) -> Self {
        Self::Frequency { max_n: threshold.saturating_sub(1) }
    }

    /// Refuses parameters that make no sense, in words.
    pub fn check(&self) -> Result<(), DisclosureError> {
        let percent = |name: &str, v: f64| -> Result<(), DisclosureError> {
            if !v.is_finite() || v <= 0.0 || v >= 100.0 {
                return err(format!("{name} is {v}; it is a percentage above 0 and below 100"));
            }
            Ok(())
        };
        match *self {
            Self::Frequency { max_n } => {
                if max_n == 0 {
                    return err("the frequency rule's max_n is 0, which suppresses nothing; give at least 1".into());
                }
            }
            Self::Dominance { n, k } => {
                if n == 0 {
                    return err("the dominance rule's n is 0; give the number of largest contributions to add up, at least 1".into());
                }
                if !k.is_finite() || k <= 0.0 || k > 100.0 {
                    return err(format!("the dominance rule's k is {k}; it is a percentage above 0 and at most 100"));
                }
            }
            Self::PPercent { p } => percent("the p% rule's p", p)?,
            Self::Pq { p, q } => {
                percent("the pq rule's p", p)?;
                percent("the pq rule's q", q)?;
                if p >= q {
                    return err(format!(
                        "the pq rule's p ({p}) must be below its q ({q}): p is the precision to protect, q what is known beforehand"
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Frequency { .. } => "frequency",
            Self::Dominance { .. } => "dominance",
            Self::PPercent { .. } => "p-percent",
            Self::Pq { .. } => "pq",
        }
    }

    /// Whether the rule suppresses the cell.
    fn suppresses(&self, cell: &Contributions) -> bool {
        if cell.count == 0 {
            return false;
        }
        let x = |i: usize| cell.largest.get(i).copied().unwrap_or(0.0);
        match *self {
            Self::Frequency { max_n } => cell.count <= max_n,
            Self::Dominance { n, k } => (0..n).map(x).sum::<f64>() > k / 100.0 * cell.total,
            Self::PPercent { p } => cell.total - x(0) - x(1) < p / 100.0 * x(0),
            Self::Pq { p, q } => cell.total - x(0) - x(1) < p / q * x(0),
        }
    }
}

/// What a cell is made of: how many contributed, their total, and the largest contributions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contributions {
    pub count: usize,
    pub total: f64,
    /// The largest contributions, largest first (as many as the rules need).
    pub largest: Vec<f64>,
}

/// How many of the largest contributions a cell keeps: enough for the rules of this module.
const KEEP: usize = 8;

impl Contributions {
    /// From each contributor's value; a negative contribution is refused, as the dominance
    /// rules assume none.
    pub fn from_values(values: &[f64]) -> Result<Self, DisclosureError> {
        let mut cell = Self { count: 0, total: 0.0, largest: Vec::new() };
        for &v in values {
            cell.add(v)?;
        }
        Ok(cell)
    }

    /// A cell that is a count: every contributor is one person.
    pub fn count(count: usize) -> Self {
        Self { count, total: count as f64, largest: vec![1.0; count.min(KEEP)] }
    }

    pub fn add(&mut self, value: f64) -> Result<(), DisclosureError> {
        if !(value.is_finite() && value >= 0.0) {
            return err(format!(
                "a contribution is {value}; the dominance rules need contributions of 0 or more (give magnitudes, not changes)"
            ));
        }
        self.count += 1;
        self.total += value;
        let at = self.largest.partition_point(|&x| x >= value);
        if at < KEEP {
            self.largest.insert(at, value);
            self.largest.truncate(KEEP);
        }
        Ok(())
    }
}

/// Why a cell is withheld.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// A primary rule: its name and parameters.
    Primary { rule: Rule },
    /// Withheld so that the cell `protects` cannot be worked out from the others.
    Secondary { protects: usize },
}

/// Applies the rules to every cell: per cell, the first rule that suppresses it.
pub fn primary(cells: &[Contributions], rules: &[Rule]) -> Result<Vec<Option<Reason>>, DisclosureError> {
    if let Some(needed) = rules.iter().map(|r| if let Rule::Dominance { n, .. } = r { *n } else { 2 }).max()
        && needed > KEEP
    {
        return err(format!("the dominance rule adds up {needed} contributions; at most {KEEP}"));
    }
    for rule in rules {
        rule.check()?;
    }
    Ok(cells.iter().map(|cell| rules.iter().find(|r| r.suppresses(cell)).map(|rule| Reason::Primary { rule: *rule })).collect())
}

/// A table's additive relations: each total the sum of its parts, by cell index.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Relations {
    pub cells: usize,
    pub sums: Vec<(usize, Vec<usize>)>,
    /// Cells that are totals of something, withheld last.
    totals: Vec<bool>,
}

impl Relations {
    pub fn new(cells: usize, sums: Vec<(usize, Vec<usize>)>) -> Result<Self, DisclosureError> {
        let mut totals = vec![false; cells];
        for (total, parts) in &sums {
            if *total >= cells || parts.iter().any(|&p| p >= cells) {
                return err(format!("a relation names a cell beyond the table's {cells}"));
            }
            if parts.is_empty() || parts.contains(total) {
                return err(format!("the relation of cell {total} needs parts other than itself"));
            }
            totals[*total] = true;
        }
        Ok(Self { cells, sums, totals })
    }

    /// The cells of a cross-classification with margins: per dimension its number of categories,
    /// each dimension then having a total. Cells are numbered with the last dimension fastest,
    /// and in each dimension the total comes first (index 0), then the categories (1..=n): the
    /// order sdcTable prints a table in.
    pub fn cross(categories: &[usize]) -> Result<Self, DisclosureError> {
        if categories.is_empty() || categories.contains(&0) {
            return err("every dimension needs at least one category".into());
        }
        let sizes: Vec<usize> = categories.iter().map(|c| c + 1).collect();
        let cells = sizes.iter().try_fold(1usize, |a, &s| a.checked_mul(s)).filter(|&c| c <= 200_000);
        let Some(cells) = cells else { return err("the table has more than 200,000 cells".into()) };
        let stride = |d: usize| sizes[d + 1..].iter().product::<usize>();
        let mut sums = Vec::new();
        for cell in 0..cells {
            for (d, &size) in sizes.iter().enumerate() {
                let coordinate = cell / stride(d) % size;
                if coordinate == 0 {
                    let parts = (1..size).map(|k| cell + k * stride(d)).collect();
                    sums.push((cell, parts));
                }
            }
        }
        Self::new(cells, sums)
    }

    /// Per cell, the relations it takes part in.
    fn related(&self) -> Vec<Vec<usize>> {
        let mut related: Vec<Vec<usize>> = vec![Vec::new(); self.cells];
        for (i, (total, parts)) in self.sums.iter().enumerate() {
            related[*total].push(i);
            for &p in parts {
                related[p].push(i);
            }
        }
        related
    }

    fn members(&self, relation: usize) -> impl Iterator<Item = usize> + '_ {
        let (total, parts) = &self.sums[relation];
        std::iter::once(*total).chain(parts.iter().copied())
    }

    /// The withheld cells linked to `start` through relations (two withheld cells in one
    /// relation are linked), and those relations: the part of the system `start` depends on.
    fn component(&self, withheld: &[bool], related: &[Vec<usize>], start: usize) -> (Vec<usize>, Vec<usize>) {
        let mut cells = vec![start];
        let mut seen_cell = std::collections::HashSet::from([start]);
        let mut seen_relation = std::collections::HashSet::new();
        let mut relations = Vec::new();
        let mut i = 0;
        while i < cells.len() {
            for &r in &related[cells[i]] {
                if !seen_relation.insert(r) {
                    continue;
                }
                relations.push(r);
                for c in self.members(r) {
                    if withheld[c] && seen_cell.insert(c) {
                        cells.push(c);
                    }
                }
            }
            i += 1;
        }
        (cells, relations)
    }

    /// Which of `columns` (withheld cells) the `relations` determine: reduced row echelon form
    /// of the relations restricted to them; a pivot column whose row has nothing in the free
    /// columns follows from the published values.
    fn determined(&self, columns: &[usize], relations: &[usize]) -> Vec<usize> {
        let position: std::collections::HashMap<usize, usize> = columns.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        let width = columns.len();
        let mut rows: Vec<Vec<f64>> = Vec::with_capacity(relations.len());
        for &r in relations {
            let mut row = vec![0.0; width];
            let (total, parts) = &self.sums[r];
            for (cell, sign) in std::iter::once((*total, 1.0)).chain(parts.iter().map(|&p| (p, -1.0))) {
                if let Some(&i) = position.get(&cell) {
                    row[i] += sign;
                }
            }
            rows.push(row);
        }
        let mut pivots = Vec::new();
        let mut r = 0;
        for c in 0..width {
            if r == rows.len() {
                break;
            }
            let Some(best) = (r..rows.len()).max_by(|&a, &b| rows[a][c].abs().total_cmp(&rows[b][c].abs())) else { break };
            if rows[best][c].abs() < 1e-9 {
                continue;
            }
            rows.swap(r, best);
            let lead = rows[r][c];
            for v in &mut rows[r] {
                *v /= lead;
            }
            let pivot_row = rows[r].clone();
            for (other, row) in rows.iter_mut().enumerate() {
                if other != r && row[c].abs() > 1e-12 {
                    let factor = row[c];
                    for (v, p) in row.iter_mut().zip(&pivot_row) {
                        *v -= factor * p;
                    }
                }
            }
            pivots.push(c);
            r += 1;
        }
        let mut free = vec![true; width];
        for &c in &pivots {
            free[c] = false;
        }
        pivots
            .iter()
            .enumerate()
            .filter(|(row, _)| (0..width).all(|k| !free[k] || rows[*row][k].abs() < 1e-9))
            .map(|(_, &c)| columns[c])
            .collect()
    }

    /// The withheld cells that can be worked out exactly from the published ones, part by
    /// independent part of the table.
    pub fn exposed(&self, withheld: &[bool]) -> Vec<usize> {
        self.exposed_with(withheld, &self.related())
    }

    fn exposed_with(&self, withheld: &[bool], related: &[Vec<usize>]) -> Vec<usize> {
        let mut done = vec![false; self.cells];
        let mut exposed = Vec::new();
        for start in (0..self.cells).filter(|&c| withheld[c]) {
            if done[start] {
                continue;
            }
            let (cells, relations) = self.component(withheld, related, start);
            for &c in &cells {
                done[c] = true;
            }
            exposed.extend(self.determined(&cells, &relations));
        }
        exposed.sort_unstable();
        exposed
    }

    /// Adds withheld cells until none can be worked out exactly: per cell its reason, the
    /// primary ones kept. `cost` orders the candidates (fewest contributors first).
    ///
    /// First the plain case, a relation with a single withheld cell (its total minus the other
    /// parts gives it): a published cell of that relation is withheld, the one that leaves the
    /// fewest such relations, parts before totals, then the cheapest. When none is left, the
    /// whole system is checked for a cell that a combination of relations gives away; for such a
    /// cell the published cell next to it that leaves the fewest exposed in its part of the
    /// table is withheld, and the plain case is taken up again.
    pub fn secondary(&self, reasons: &mut [Option<Reason>], cost: &[f64]) -> Result<(), DisclosureError> {
        if reasons.len() != self.cells || cost.len() != self.cells {
            return err(format!("the table has {} cells but {} reasons and {} costs", self.cells, reasons.len(), cost.len()));
        }
        let mut withheld: Vec<bool> = reasons.iter().map(Option::is_some).collect();
        let related = self.related();
        let mut count: Vec<usize> = (0..self.sums.len()).map(|r| self.members(r).filter(|&c| withheld[c]).count()).collect();
        loop {
            // The plain case.
            while let Some(r) = (0..self.sums.len()).find(|&r| count[r] == 1) {
                let Some(target) = self.members(r).find(|&c| withheld[c]) else { break };
                let chosen = self
                    .members(r)
                    .filter(|&c| !withheld[c])
                    .map(|c| {
                        // Each of its relations: one with none withheld would now have one,
                        // one with one would have two.
                        let delta: i64 = related[c]
                            .iter()
                            .map(|&other| match count[other] {
                                0 => 1,
                                1 => -1,
                                _ => 0,
                            })
                            .sum();
                        (delta, self.totals[c], c)
                    })
                    .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(cost[a.2].total_cmp(&cost[b.2])).then(a.2.cmp(&b.2)))
                    .map(|(_, _, c)| c);
                let Some(chosen) = chosen else {
                    return err(format!("cell {target} can be worked out and nothing published is left to withhold beside it"));
                };
                withheld[chosen] = true;
                reasons[chosen] = Some(Reason::Secondary { protects: target });
                for &other in &related[chosen] {
                    count[other] += 1;
                }
            }
            // Combinations of relations.
            let exposed = self.exposed_with(&withheld, &related);
            let Some(&target) = exposed.first() else { return Ok(()) };
            let (cells, relations) = self.component(&withheld, &related, target);
            if cells.len().saturating_mul(cells.len()).saturating_mul(relations.len().max(1)) > 4_000_000_000 {
                return err(format!(
                    "{} withheld cells depend on one another through {} totals: too many to check that none can be worked out",
                    cells.len(),
                    relations.len()
                ));
            }
            let now: std::collections::HashSet<usize> = exposed.iter().copied().collect();
            let mut candidates: Vec<usize> = relations.iter().flat_map(|&r| self.members(r)).filter(|&c| !withheld[c]).collect();
            candidates.sort_unstable();
            candidates.dedup();
            let best = candidates
                .iter()
                .map(|&c| {
                    withheld[c] = true;
                    let (cells, relations) = self.component(&withheld, &related, c);
                    let after = self.determined(&cells, &relations).len() as i64;
                    let before = cells.iter().filter(|x| now.contains(x)).count() as i64;
                    withheld[c] = false;
                    (after - before, self.totals[c], c)
                })
                .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(cost[a.2].total_cmp(&cost[b.2])).then(a.2.cmp(&b.2)));
            let Some((_, _, chosen)) = best else {
                return err(format!("cell {target} can be worked out and nothing published is left to withhold beside it"));
            };
            withheld[chosen] = true;
            reasons[chosen] = Some(Reason::Secondary { protects: target });
            for &other in &related[chosen] {
                count[other] += 1;
            }
        }
    }
}

/// A cell's words for people: why it is not shown.
pub fn explain(reason: &Reason, names: &dyn Fn(usize) -> String) -> String {
    match reason {
        Reason::Primary { rule: Rule::Frequency { max_n } } => {
            format!("fewer than {} people or respondents are behind it, so it could identify someone", max_n + 1)
        }
        Reason::Primary { rule: Rule::Dominance { n, k } } => {
            format!("its {n} largest contributor(s) make up more than {k}% of it, so it would reveal them")
        }
        Reason::Primary { rule: Rule::PPercent { p } } => {
            format!("one contributor could work out the largest one's value to within {p}%")
        }
        Reason::Primary { rule: Rule::Pq { p, q } } => {
            format!("one contributor knowing others' values to within {q}% could work out the largest to within {p}%")
        }
        Reason::Secondary { protects } => {
            format!("withheld so that {} cannot be worked out from the totals", names(*protects))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_way_table_with_margins_hides_a_small_cell_behind_three_others() {
        // 2 x 2 with margins: cell (a, x) is small. One suppressed cell in a row with its total
        // published is exposed; after secondary suppression a rectangle of four is withheld.
        let relations = Relations::cross(&[2, 2]).unwrap();
        assert_eq!(relations.cells, 9);
        let counts = [100.0, 40.0, 60.0, 45.0, 3.0, 42.0, 55.0, 37.0, 18.0];
        let cells: Vec<Contributions> = counts.iter().map(|&c| Contributions::count(c as usize)).collect();
        let mut reasons = primary(&cells, &[Rule::at_least(10)]).unwrap();
        assert_eq!(reasons.iter().filter(|r| r.is_some()).count(), 1);
        let withheld: Vec<bool> = reasons.iter().map(Option::is_some).collect();
        assert_eq!(relations.exposed(&withheld), [4]);
        relations.secondary(&mut reasons, &counts).unwrap();
        let withheld: Vec<usize> = (0..9).filter(|&c| reasons[c].is_some()).collect();
        assert_eq!(withheld, [4, 5, 7, 8], "the cheapest rectangle: (a,x), (a,y), (b,x), (b,y)");
        assert!(relations.exposed(&reasons.iter().map(Option::is_some).collect::<Vec<_>>()).is_empty());
        assert_eq!(reasons[5], Some(Reason::Secondary { protects: 4 }));
    }

    #[test]
    fn a_large_table_is_protected_part_by_part() {
        // Sex by 400 districts with margins; in every fourth district one sex is small. Each
        // district's own relation holds its exposure, so the work stays local.
        let relations = Relations::cross(&[2, 400]).unwrap();
        let (sizes, stride) = (401, 1);
        let mut counts = vec![0.0; relations.cells];
        for d in 1..sizes {
            counts[sizes + d * stride] = if d % 4 == 0 { 3.0 } else { 40.0 + d as f64 };
            counts[2 * sizes + d * stride] = 50.0 + (d % 7) as f64;
        }
        for (total, parts) in relations.sums.iter().rev() {
            counts[*total] = parts.iter().map(|&p| counts[p]).sum();
        }
        for (total, parts) in relations.sums.iter() {
            counts[*total] = parts.iter().map(|&p| counts[p]).sum();
        }
        let cells: Vec<Contributions> = counts.iter().map(|&c| Contributions::count(c as usize)).collect();
        let mut reasons = primary(&cells, &[Rule::at_least(10)]).unwrap();
        assert_eq!(reasons.iter().filter(|r| r.is_some()).count(), 100);
        relations.secondary(&mut reasons, &counts).unwrap();
        let withheld: Vec<bool> = reasons.iter().map(Option::is_some).collect();
        assert!(relations.exposed(&withheld).is_empty());
        // Each small cell needs at least its district's other sex and a cell of another
        // district beside them; far fewer than every cell.
        let count = withheld.iter().filter(|w| **w).count();
        assert!((200..=420).contains(&count), "{count}");
    }

    #[test]
    fn nonsense_parameters_are_refused_in_words() {
        let message = |rule: Rule| rule.check().unwrap_err().0;
        assert!(message(Rule::PPercent { p: 0.0 }).contains("above 0 and below 100"));
        assert!(message(Rule::PPercent { p: 100.0 }).contains("above 0 and below 100"));
        assert!(message(Rule::Pq { p: 80.0, q: 60.0 }).contains("must be below its q"));
        assert!(message(Rule::Pq { p: 60.0, q: 120.0 }).contains("q is 120"));
        assert!(message(Rule::Dominance { n: 2, k: 150.0 }).contains("at most 100"));
        assert!(message(Rule::Frequency { max_n: 0 }).contains("suppresses nothing"));
        assert!(Contributions::from_values(&[3.0, -1.0]).unwrap_err().0.contains("contributions of 0 or more"));
    }
}
