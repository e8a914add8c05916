//! Codelists and disaggregation keys, SDMX style.
//!
//! A [`DisaggregationKey`] names the group an observation is about: `SEX=F|AGE=Y15T24`. Totals
//! (`_T`) are left out, so the empty key is the headline value and two spellings of the same group
//! have one canonical form.

use crate::error::ParseError;
use crate::id::{Code, DimensionId};
use crate::text::Texts;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The code that stands for "all groups" in every SDMX codelist.
pub const TOTAL: &str = "_T";

/// One code of a codelist with its names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeItem {
    pub code: Code,
    pub name: Texts,
}

/// A list of codes for one dimension, such as CL_SEX for SEX.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CodelistDraft")]
pub struct Codelist {
    id: DimensionId,
    dimension: DimensionId,
    name: Texts,
    codes: Vec<CodeItem>,
}

#[derive(Deserialize)]
struct CodelistDraft {
    id: DimensionId,
    dimension: DimensionId,
    name: Texts,
    codes: Vec<CodeItem>,
}

impl TryFrom<CodelistDraft> for Codelist {
    type Error = ParseError;
    fn try_from(draft: CodelistDraft) -> Result<Self, ParseError> {
        Codelist::new(draft.id, draft.dimension, draft.name, draft.codes)
    }
}

impl Codelist {
    /// A codelist; its codes must be unique and include the total `_T`.
    pub fn new(id: DimensionId, dimension: DimensionId, name: Texts, codes: Vec<CodeItem>) -> Result<Self, ParseError> {
        let mut seen = std::collections::BTreeSet::new();
        for item in &codes {
            if !seen.insert(item.code.as_str()) {
                return Err(ParseError::new("duplicate_code", format!("{id} lists the code {} twice", item.code)));
            }
        }
        if !seen.contains(TOTAL) {
            return Err(ParseError::new("missing_total", format!("{id} has no total code {TOTAL}")));
        }
        Ok(Self { id, dimension, name, codes })
    }

    pub fn id(&self) -> &DimensionId {
        &self.id
    }
    pub fn dimension(&self) -> &DimensionId {
        &self.dimension
    }
    pub fn name(&self) -> &Texts {
        &self.name
    }
    pub fn codes(&self) -> &[CodeItem] {
        &self.codes
    }
    pub fn contains(&self, code: &str) -> bool {
        self.codes.iter().any(|item| item.code.as_str() == code)
    }
    pub fn item(&self, code: &str) -> Option<&CodeItem> {
        self.codes.iter().find(|item| item.code.as_str() == code)
    }
}

/// The group an observation describes: dimension -> code, totals left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisaggregationKey(BTreeMap<DimensionId, Code>);

impl DisaggregationKey {
    /// The headline key: every dimension at its total.
    pub fn total() -> Self {
        Self::default()
    }

    /// Builds a key from pairs; a pair whose code is `_T` is left out. A dimension given twice
    /// is refused.
    pub fn from_pairs<I, D, C>(pairs: I) -> Result<Self, ParseError>
    where
        I: IntoIterator<Item = (D, C)>,
        D: AsRef<str>,
        C: AsRef<str>,
    {
        let mut map = BTreeMap::new();
        let mut dimensions = std::collections::BTreeSet::new();
        for (dimension, code) in pairs {
            let dimension = DimensionId::parse(dimension.as_ref())?;
            let code = Code::parse(code.as_ref())?;
            if !dimensions.insert(dimension.clone()) {
                return Err(ParseError::new("duplicate_dimension", format!("the dimension {dimension} is given twice")));
            }
            if code.as_str() != TOTAL {
                map.insert(dimension, code);
            }
        }
        Ok(Self(map))
    }

    /// Parses the canonical form `SEX=F|AGE=Y15T24`; the empty string is the total.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        if input.is_empty() {
            return Ok(Self::total());
        }
        let mut pairs = Vec::new();
        for part in input.split('|') {
            let (dimension, code) = part
                .split_once('=')
                .ok_or_else(|| ParseError::new("invalid_key", format!("{input:?} is not a disaggregation key such as SEX=F|AGE=Y15T24")))?;
            pairs.push((dimension, code));
        }
        Self::from_pairs(pairs)
    }

    pub fn is_total(&self) -> bool {
        self.0.is_empty()
    }

    /// The dimensions the key breaks down by, in canonical order.
    pub fn dimensions(&self) -> impl Iterator<Item = &DimensionId> {
        self.0.keys()
    }

    pub fn get(&self, dimension: &str) -> Option<&Code> {
        self.0.iter().find(|(d, _)| d.as_str() == dimension).map(|(_, code)| code)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&DimensionId, &Code)> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for DisaggregationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (dimension, code)) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("|")?;
            }
            write!(f, "{dimension}={code}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for DisaggregationKey {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<DisaggregationKey> for String {
    fn from(value: DisaggregationKey) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_one_canonical_form_without_totals() {
        let key = DisaggregationKey::from_pairs([("SEX", "F"), ("AGE", "Y15T24"), ("DISABILITY_STATUS", "_T")]).unwrap();
        assert_eq!(key.to_string(), "AGE=Y15T24|SEX=F");
        assert_eq!(DisaggregationKey::parse("SEX=F|AGE=Y15T24").unwrap(), key);
        assert!(DisaggregationKey::parse("SEX=_T").unwrap().is_total());
        assert_eq!(DisaggregationKey::parse("").unwrap(), DisaggregationKey::total());
    }

    #[test]
    fn malformed_keys_are_refused() {
        for bad in ["SEX", "SEX=F|SEX=M", "sex=F", "SEX=F|", "SEX=F;AGE=Y", "SEX=<b>"] {
            assert!(DisaggregationKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_codelist_needs_unique_codes_and_a_total() {
        let name = Texts::english("Sex").unwrap();
        let item = |code: &str| CodeItem { code: Code::parse(code).unwrap(), name: Texts::english(code).unwrap() };
        let id = DimensionId::parse("CL_SEX").unwrap();
        let dim = DimensionId::parse("SEX").unwrap();
        assert!(Codelist::new(id.clone(), dim.clone(), name.clone(), vec![item("_T"), item("F")]).is_ok());
        assert_eq!(Codelist::new(id.clone(), dim.clone(), name.clone(), vec![item("F")]).unwrap_err().code, "missing_total");
        assert_eq!(Codelist::new(id, dim, name, vec![item("_T"), item("F"), item("F")]).unwrap_err().code, "duplicate_code");
    }
}
