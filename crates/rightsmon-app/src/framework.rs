//! The indicator framework as a whole: the starter core framework shipped with the binary, and
//! the exchange of whole frameworks as TOML or JSON files between networks.
//!
//! An exported file holds every version of every indicator it covers; importing it checks all of
//! them (each against its definition rules and the reference data) before writing any, and then
//! writes all of them in one transaction, so an import is done whole or not at all.

use crate::{App, AppError, AppResult};
use rightsmon_domain::catalogue::{IndicatorDefinition, IndicatorDraft};
use rightsmon_domain::{FieldError, FieldErrors, ParseError};
use rightsmon_store::Written;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The starter core framework, reviewed and embedded.
pub const STARTER_FRAMEWORK: &str = include_str!("../../../reference/framework/core.toml");

/// What a framework file declares itself to be.
pub const FORMAT_NAME: &str = "rightsmon-framework";
pub const FORMAT_VERSION: u32 = 1;

/// A framework file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkFile {
    #[serde(default = "format_name")]
    pub format: String,
    #[serde(default = "format_version")]
    pub format_version: u32,
    pub indicators: Vec<IndicatorDraft>,
}

fn format_name() -> String {
    FORMAT_NAME.to_owned()
}

fn format_version() -> u32 {
    FORMAT_VERSION
}

/// The file formats of a framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameworkFormat {
    Toml,
    Json,
    /// A workbook for review in spreadsheets (see `rightsmon_formats::framework_xlsx`).
    Xlsx,
}

impl FrameworkFormat {
    pub fn parse(name: &str) -> Result<Self, ParseError> {
        match name {
            "toml" => Ok(Self::Toml),
            "json" => Ok(Self::Json),
            "xlsx" => Ok(Self::Xlsx),
            other => Err(ParseError::new("invalid_format", format!("{other:?} is not toml, json or xlsx"))),
        }
    }

    /// The format a file name's extension names.
    pub fn of_path(path: &str) -> Option<Self> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".toml") {
            Some(Self::Toml)
        } else if lower.ends_with(".json") {
            Some(Self::Json)
        } else if lower.ends_with(".xlsx") {
            Some(Self::Xlsx)
        } else {
            None
        }
    }
}

/// One indicator of an import that could not be taken, with every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// Position of the indicator in the file, from 1.
    pub entry: usize,
    pub code: String,
    pub version: u32,
    pub errors: Vec<FieldError>,
}

/// What an import did, or would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub unchanged: usize,
    pub problems: Vec<ImportProblem>,
}

fn utf8_text(bytes: &[u8]) -> Result<&str, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ParseError::new("invalid_encoding", "the file is not UTF-8 text"))?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Reads a framework file.
pub fn parse_file(bytes: &[u8], format: FrameworkFormat) -> Result<FrameworkFile, ParseError> {
    let file: FrameworkFile = match format {
        FrameworkFormat::Xlsx => {
            let indicators = rightsmon_formats::framework_xlsx::read(bytes).map_err(|e| ParseError::new("invalid_file", e.to_string()))?;
            FrameworkFile { format: format_name(), format_version: FORMAT_VERSION, indicators }
        }
        FrameworkFormat::Toml => {
            let text = utf8_text(bytes)?;
            toml::from_str(text).map_err(|e| {
                let line = e.span().map_or(1, |span| text[..span.start.min(text.len())].matches('\n').count() + 1);
                ParseError::new("invalid_file", format!("line {line}: {}", e.message().trim()))
            })?
        }
        FrameworkFormat::Json => serde_json::from_str(utf8_text(bytes)?)
            .map_err(|e| ParseError::new("invalid_file", format!("line {}, column {}: {e}", e.line(), e.column())))?,
    };
    if file.format != FORMAT_NAME || file.format_version != FORMAT_VERSION {
        return Err(ParseError::new(
            "invalid_file",
            format!(
                "this is a {} file of version {}, not a {FORMAT_NAME} file of version {FORMAT_VERSION}",
                file.format, file.format_version
            ),
        ));
    }
    Ok(file)
}

/// Writes a framework file; definitions in code and version order.
pub fn write_file(definitions: &[IndicatorDefinition], format: FrameworkFormat) -> AppResult<Vec<u8>> {
    let mut sorted: Vec<&IndicatorDefinition> = definitions.iter().collect();
    sorted.sort_by(|a, b| (a.code.as_str(), a.version).cmp(&(b.code.as_str(), b.version)));
    let file =
        FrameworkFile { format: format_name(), format_version: FORMAT_VERSION, indicators: sorted.iter().map(|d| d.to_draft()).collect() };
    match format {
        FrameworkFormat::Toml => {
            toml::to_string(&file).map(String::into_bytes).map_err(|e| AppError::Internal(anyhow::anyhow!("writing TOML: {e}")))
        }
        FrameworkFormat::Json => serde_json::to_vec_pretty(&file).map_err(|e| AppError::Internal(e.into())),
        FrameworkFormat::Xlsx => {
            rightsmon_formats::framework_xlsx::write(&file.indicators).map_err(|e| AppError::Internal(anyhow::anyhow!("writing XLSX: {e}")))
        }
    }
}

impl App {
    /// Every version of the core indicators (and, if asked, the local ones) as a file.
    pub async fn export_framework(&self, format: FrameworkFormat, include_local: bool) -> AppResult<Vec<u8>> {
        let definitions: Vec<IndicatorDefinition> =
            self.store.list_all_indicator_versions().await?.into_iter().filter(|d| include_local || d.is_core()).collect();
        write_file(&definitions, format)
    }

    /// Checks a framework file entry by entry; returns the definitions or every problem.
    pub async fn check_framework(&self, file: &FrameworkFile) -> AppResult<Result<Vec<IndicatorDefinition>, Vec<ImportProblem>>> {
        let mut known = self.known_codes().await?;
        let mut definitions = Vec::new();
        let mut problems = Vec::new();
        // Versions of one indicator must count up from 1 without gaps, whether stored or in the file.
        let mut stored_versions: BTreeMap<String, u32> = BTreeMap::new();
        for stored in self.store.list_all_indicator_versions().await? {
            let entry = stored_versions.entry(stored.code.to_string()).or_insert(0);
            *entry = (*entry).max(stored.version);
        }
        let cities: Vec<String> =
            self.store.list_areas(Some(rightsmon_domain::area::AreaKind::City), None).await?.iter().map(|a| a.code.to_string()).collect();
        for draft in &file.indicators {
            if draft.city.is_none()
                && let Ok(code) = rightsmon_domain::id::IndicatorCode::parse(&draft.code)
            {
                known.core_indicators.insert(code);
            }
        }
        for (index, draft) in file.indicators.iter().enumerate() {
            let mut errors = FieldErrors::new();
            match IndicatorDefinition::parse(draft) {
                Err(field_errors) => errors.0.extend(field_errors.0),
                Ok(definition) => {
                    if let Err(reference_errors) = definition.check_references(&known) {
                        errors.0.extend(reference_errors.0);
                    }
                    if let Some(city) = &draft.city
                        && !cities.contains(city)
                    {
                        errors.push("city", ParseError::new("unknown_city", format!("there is no city {city}")));
                    }
                    let highest = stored_versions.entry(definition.code.to_string()).or_insert(0);
                    if definition.version > *highest + 1 {
                        errors.push(
                            "version",
                            ParseError::new(
                                "version_gap",
                                format!("version {} of {} follows version {highest}", definition.version, definition.code),
                            ),
                        );
                    }
                    *highest = (*highest).max(definition.version);
                    if errors.is_empty() {
                        definitions.push(definition);
                    }
                }
            }
            if !errors.is_empty() {
                problems.push(ImportProblem { entry: index + 1, code: draft.code.clone(), version: draft.version, errors: errors.0 });
            }
        }
        Ok(if problems.is_empty() { Ok(definitions) } else { Err(problems) })
    }

    /// Imports a framework file whole, or nothing of it. With `dry_run` nothing is written.
    pub async fn import_framework(&self, bytes: &[u8], format: FrameworkFormat, dry_run: bool) -> AppResult<ImportReport> {
        let file = parse_file(bytes, format).map_err(|e| AppError::Invalid(FieldErrors::single("file", e)))?;
        let definitions = match self.check_framework(&file).await? {
            Ok(definitions) => definitions,
            Err(problems) => return Ok(ImportReport { problems, ..ImportReport::default() }),
        };
        let mut report = ImportReport::default();
        if dry_run {
            for definition in &definitions {
                match self.store.get_indicator(&definition.code, Some(definition.version)).await {
                    Ok(stored) if stored == *definition => report.unchanged += 1,
                    Ok(_) => report.problems.push(ImportProblem {
                        entry: 0,
                        code: definition.code.to_string(),
                        version: definition.version,
                        errors: FieldErrors::single(
                            "version",
                            ParseError::new("version_differs", "this version is stored with a different definition"),
                        )
                        .0,
                    }),
                    Err(rightsmon_store::StoreError::NotFound) => report.created += 1,
                    Err(other) => return Err(other.into()),
                }
            }
            return Ok(report);
        }
        let event = self.event(None, "framework.imported", "framework", serde_json::json!({"versions": definitions.len()}));
        match self.store.put_indicator_versions(&definitions, self.now(), &event).await {
            Ok(written) => {
                report.created = written.iter().filter(|w| **w == Written::Created).count();
                report.unchanged = written.len() - report.created;
            }
            Err(rightsmon_store::StoreError::Conflict { .. }) => {
                return Err(AppError::Conflict(
                    "a version in the file is stored with a different definition; a changed definition needs a new version".into(),
                ));
            }
            Err(other) => return Err(other.into()),
        }
        Ok(report)
    }

    /// Loads the starter core framework; running it again writes nothing.
    pub async fn load_starter_framework(&self) -> AppResult<ImportReport> {
        let report = self.import_framework(STARTER_FRAMEWORK.as_bytes(), FrameworkFormat::Toml, false).await?;
        if let Some(problem) = report.problems.first() {
            return Err(AppError::Internal(anyhow::anyhow!(
                "reference/framework/core.toml, indicator {} ({}): {}",
                problem.entry,
                problem.code,
                problem.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
            )));
        }
        Ok(report)
    }
}
