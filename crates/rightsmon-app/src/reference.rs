//! Reference data: the EU Charter, the SDGs, cross-cutting norms, codelists, themes and the
//! network of pilot cities, from the reviewed files under `reference/`, embedded in the binary.
//!
//! [`load`] is idempotent: a second run writes nothing.

use crate::{App, AppResult};
use rightsmon_domain::area::{Area, AreaDraft};
use rightsmon_domain::codelist::Codelist;
use rightsmon_domain::right::{Right, RightCode, Theme, ThemeCode};
use rightsmon_domain::text::Texts;
use rightsmon_store::Written;
use serde::Deserialize;

/// The reviewed reference files, by name.
pub const FILES: &[(&str, &str)] = &[
    ("charter.toml", include_str!("../../../reference/charter.toml")),
    ("sdgs.toml", include_str!("../../../reference/sdgs.toml")),
    ("norms.toml", include_str!("../../../reference/norms.toml")),
    ("codelists.toml", include_str!("../../../reference/codelists.toml")),
    ("themes.toml", include_str!("../../../reference/themes.toml")),
    ("pilot-cities.toml", include_str!("../../../reference/pilot-cities.toml")),
];

fn file(name: &str) -> anyhow::Result<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, text)| *text).ok_or_else(|| anyhow::anyhow!("no reference file {name}"))
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str) -> anyhow::Result<T> {
    toml::from_str(file(name)?).map_err(|e| anyhow::anyhow!("reference/{name}: {e}"))
}

#[derive(Deserialize)]
struct CharterFile {
    titles: Vec<CharterTitle>,
    articles: Vec<CharterArticle>,
}
#[derive(Deserialize)]
struct CharterTitle {
    number: u8,
    name: Texts,
}
#[derive(Deserialize)]
struct CharterArticle {
    number: u8,
    title: u8,
    name: Texts,
}

#[derive(Deserialize)]
struct SdgFile {
    goals: Vec<SdgGoal>,
    targets: Vec<SdgTarget>,
}
#[derive(Deserialize)]
struct SdgGoal {
    number: u8,
    name: Texts,
    description: Option<Texts>,
}
#[derive(Deserialize)]
struct SdgTarget {
    code: String,
    goal: u8,
    description: Texts,
}

#[derive(Deserialize)]
struct NormFile {
    norms: Vec<Norm>,
}
#[derive(Deserialize)]
struct Norm {
    code: String,
    name: Texts,
    description: Option<Texts>,
}

#[derive(Deserialize)]
struct CodelistFile {
    codelists: Vec<Codelist>,
}

#[derive(Deserialize)]
struct ThemeFile {
    themes: Vec<ThemeEntry>,
}
#[derive(Deserialize)]
struct ThemeEntry {
    code: String,
    agreed_area: bool,
    name: Texts,
    description: Option<Texts>,
}

#[derive(Deserialize)]
struct NetworkFile {
    network: NetworkEntry,
    cities: Vec<CityEntry>,
}
#[derive(Deserialize)]
struct NetworkEntry {
    code: String,
    name: Texts,
}
#[derive(Deserialize)]
struct CityEntry {
    code: String,
    name: String,
    local_name: Option<String>,
    country: String,
    language: String,
    #[serde(default)]
    observer: bool,
}

/// All reference data, parsed and validated.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    pub rights: Vec<Right>,
    pub codelists: Vec<Codelist>,
    pub themes: Vec<Theme>,
    pub network: Area,
    pub cities: Vec<Area>,
}

fn invalid(name: &str, error: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("reference/{name}: {error}")
}

/// Parses every reference file; any problem names its file.
pub fn reference_data() -> anyhow::Result<ReferenceData> {
    let translations = crate::translations::parse_all()?;
    let mut rights = Vec::new();
    let charter: CharterFile = parse("charter.toml")?;
    for title in &charter.titles {
        let code = RightCode::charter_title(title.number).map_err(|e| invalid("charter.toml", e))?;
        let name = translations.charter(title.number, false, &title.name);
        rights.push(Right::new(code, None, u32::from(title.number), name, None).map_err(|e| invalid("charter.toml", e))?);
    }
    for article in &charter.articles {
        let code = RightCode::charter_article(article.number).map_err(|e| invalid("charter.toml", e))?;
        let parent = RightCode::charter_title(article.title).map_err(|e| invalid("charter.toml", e))?;
        rights.push(
            Right::new(code, Some(parent), u32::from(article.number), translations.charter(article.number, true, &article.name), None)
                .map_err(|e| invalid("charter.toml", e))?,
        );
    }
    let sdgs: SdgFile = parse("sdgs.toml")?;
    for goal in &sdgs.goals {
        let code = RightCode::sdg_goal(goal.number).map_err(|e| invalid("sdgs.toml", e))?;
        rights.push(
            Right::new(code, None, u32::from(goal.number), goal.name.clone(), goal.description.clone())
                .map_err(|e| invalid("sdgs.toml", e))?,
        );
    }
    for (position, target) in sdgs.targets.iter().enumerate() {
        let code = RightCode::sdg_target(&target.code).map_err(|e| invalid("sdgs.toml", e))?;
        let goal = RightCode::sdg_goal(target.goal).map_err(|e| invalid("sdgs.toml", e))?;
        let position = u32::try_from(position).unwrap_or(u32::MAX);
        rights.push(Right::new(code, Some(goal), position, target.description.clone(), None).map_err(|e| invalid("sdgs.toml", e))?);
    }
    let norms: NormFile = parse("norms.toml")?;
    for (position, norm) in norms.norms.iter().enumerate() {
        let code = RightCode::norm(&norm.code).map_err(|e| invalid("norms.toml", e))?;
        let position = u32::try_from(position).unwrap_or(u32::MAX);
        let (name, description) = translations.norm(&norm.code, &norm.name, &norm.description);
        rights.push(Right::new(code, None, position, name, description).map_err(|e| invalid("norms.toml", e))?);
    }
    let mut seen = std::collections::BTreeSet::new();
    for right in &rights {
        if !seen.insert(right.code.clone()) {
            return Err(anyhow::anyhow!("reference data: the right {} is defined twice", right.code));
        }
    }
    let codelists: CodelistFile = parse("codelists.toml")?;
    let themes: ThemeFile = parse("themes.toml")?;
    let themes = themes
        .themes
        .into_iter()
        .enumerate()
        .map(|(position, t)| {
            let (name, description) = translations.theme(&t.code, &t.name, &t.description);
            Ok(Theme {
                code: ThemeCode::parse(&t.code).map_err(|e| invalid("themes.toml", e))?,
                is_agreed_area: t.agreed_area,
                position: u32::try_from(position).unwrap_or(u32::MAX),
                name,
                description,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let network_file: NetworkFile = parse("pilot-cities.toml")?;
    let network = Area::parse(&AreaDraft {
        code: network_file.network.code.clone(),
        kind: "network".into(),
        name: network_file.network.name.english_text().to_owned(),
        ..AreaDraft::default()
    })
    .map_err(|e| invalid("pilot-cities.toml", e))?;
    let cities = network_file
        .cities
        .iter()
        .map(|c| {
            Area::parse(&AreaDraft {
                code: c.code.clone(),
                kind: "city".into(),
                parent: Some(network_file.network.code.clone()),
                name: c.name.clone(),
                local_name: c.local_name.clone(),
                country: Some(c.country.clone()),
                language: Some(c.language.clone()),
                is_observer: c.observer,
                ..AreaDraft::default()
            })
            .map_err(|e| invalid("pilot-cities.toml", e))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let codelists = codelists
        .codelists
        .into_iter()
        .map(|list| {
            let id = list.id().as_str();
            let codes = list
                .codes()
                .iter()
                .map(|c| rightsmon_domain::codelist::CodeItem {
                    code: c.code.clone(),
                    name: translations.codelist(id, Some(c.code.as_str()), &c.name),
                })
                .collect();
            Codelist::new(list.id().clone(), list.dimension().clone(), translations.codelist(id, None, list.name()), codes)
                .map_err(|e| invalid("codelists.toml", e))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(ReferenceData { rights, codelists, themes, network, cities })
}

/// What loading reference data did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
}

impl LoadReport {
    fn count(&mut self, written: Written) {
        match written {
            Written::Created => self.created += 1,
            Written::Updated => self.updated += 1,
            Written::Unchanged => self.unchanged += 1,
        }
    }
}

/// Loads the reference data into the store; running it again changes nothing.
pub async fn load(app: &App) -> AppResult<LoadReport> {
    let data = reference_data()?;
    let mut report = LoadReport::default();
    // Each item that changes is recorded as loaded from the reviewed reference files.
    let event = |subject: String| app.event(None, "reference.loaded", subject, serde_json::json!({}));
    for theme in &data.themes {
        report.count(app.store.upsert_theme(theme, &event(format!("theme:{}", theme.code))).await?);
    }
    // Parents first: titles before articles, goals before targets.
    let (parents, children): (Vec<&Right>, Vec<&Right>) = data.rights.iter().partition(|r| r.parent.is_none());
    for right in parents.into_iter().chain(children) {
        report.count(app.store.upsert_right(right, &event(format!("right:{}", right.code))).await?);
    }
    for codelist in &data.codelists {
        report.count(app.store.upsert_codelist(codelist, &event(format!("codelist:{}", codelist.id()))).await?);
    }
    for area in std::iter::once(&data.network).chain(&data.cities) {
        report.count(app.store.upsert_area(area, &event(format!("area:{}", area.code))).await?);
    }
    Ok(report)
}

/// What `rightsmon init` loaded: reference data and the starter framework.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InitReport {
    pub reference: LoadReport,
    pub framework: crate::framework::ImportReport,
}

/// Loads the reference data and the starter core framework; a second run writes nothing.
pub async fn initialise(app: &App) -> AppResult<InitReport> {
    let reference = load(app).await?;
    let framework = app.load_starter_framework().await?;
    app.initialise_roadmap().await?;
    Ok(InitReport { reference, framework })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rightsmon_domain::right::RightKind;

    #[test]
    fn the_reference_files_hold_the_whole_charter_and_all_sdgs() {
        let data = reference_data().unwrap();
        let count = |kind| data.rights.iter().filter(|r| r.kind() == kind).count();
        assert_eq!(count(RightKind::CharterTitle), 7);
        assert_eq!(count(RightKind::CharterArticle), 54);
        assert_eq!(count(RightKind::SdgGoal), 17);
        assert_eq!(count(RightKind::SdgTarget), 169);
        assert!(count(RightKind::Norm) >= 4);
        assert_eq!(data.cities.len(), 9);
        let agreed: Vec<&str> = data.themes.iter().filter(|t| t.is_agreed_area).map(|t| t.code.as_str()).collect();
        assert_eq!(agreed, ["NON_DISCRIMINATION", "SOCIAL_CULTURAL_SERVICES", "DEMOCRATIC_PARTICIPATION"]);
        for seed_theme in ["CLIMATE", "HOUSING", "EDUCATION", "INTEGRATION", "GENDER_EQUALITY", "SOCIAL_INCLUSION"] {
            assert!(data.themes.iter().any(|t| t.code.as_str() == seed_theme), "{seed_theme}");
        }
        let sex = data.codelists.iter().find(|c| c.id().as_str() == "CL_SEX").unwrap();
        let codes: Vec<&str> = sex.codes().iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["_T", "F", "M", "_O", "_N", "_U", "_X"]);
    }

    #[test]
    fn charter_articles_sit_in_the_right_titles() {
        let data = reference_data().unwrap();
        let title_of = |article: u8| {
            let code = RightCode::charter_article(article).unwrap();
            data.rights.iter().find(|r| r.code == code).and_then(|r| r.parent.clone()).unwrap().to_string()
        };
        assert_eq!(title_of(1), "CFR-T1");
        assert_eq!(title_of(21), "CFR-T3");
        assert_eq!(title_of(34), "CFR-T4");
        assert_eq!(title_of(40), "CFR-T5");
        assert_eq!(title_of(47), "CFR-T6");
        assert_eq!(title_of(54), "CFR-T7");
    }
}
