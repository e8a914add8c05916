//! The demo network: the pilot cities with a few indicators, synthetic values and one account
//! per role. Every value is labelled as synthetic demo data, in its provenance and on every page.

use crate::accounts::UserForm;
use crate::{App, AppError, AppResult};
use rightsmon_domain::access::{Actor, Role, Scope};
use rightsmon_domain::area::AreaKind;
use rightsmon_domain::catalogue::{IndicatorDefinition, IndicatorDraft, ValueType};
use rightsmon_domain::codesign::{LeftOut, NewProposal, Outcome, ProposalChange};
use rightsmon_domain::observation::{NewObservation, ObservationDraft, WorkflowState};
use rightsmon_store::{BenchmarkKind, StoreError};

/// The source name every demo value carries.
pub const DEMO_SOURCE: &str = "Synthetic demo data (not real figures)";

/// The password of every demo account. The demo is for trying the system out, never for real data.
pub const DEMO_PASSWORD: &str = "rightsmon-demo";

/// One demo account: user name, role, the city of its role (if any).
pub const DEMO_ACCOUNTS: &[(&str, Role, Option<&str>)] = &[
    ("coordinator", Role::NetworkCoordinator, None),
    ("ghent-coordinator", Role::CityCoordinator, Some("ghent")),
    ("ghent-editor", Role::DataEditor, Some("ghent")),
    ("ghent-cso", Role::CivilSocietyMember, Some("ghent")),
    ("ghent-viewer", Role::Viewer, Some("ghent")),
    ("padova-editor", Role::DataEditor, Some("padova")),
];

/// The demo series measured by a survey, whose values have lower and upper bounds.
const SURVEY_SERIES: &str = "RM-HOU-01";
const SURVEY_MARGIN: f64 = 0.8;
/// The demo series with values for each district of a city that has districts.
const DISTRICT_SERIES: [&str; 2] = ["RM-HOU-01", "RM-EDU-01"];
/// Synthetic outlines of Ghent's districts (not the real borders).
const GHENT_DISTRICTS: &[u8] = include_bytes!("ghent-districts.geojson");

/// The year of Ghent's demo targets.
const TARGET_YEAR: i32 = 2030;

/// The organisation the demo's Ghent editor works for, which provides the values of its cycle.
const DEMO_OFFICE: &str = "Ghent data and information office";
/// The civil-society organisation the demo's Ghent civil-society member speaks for.
const DEMO_CSO: &str = "Ghent tenants' network";

const YEARS: std::ops::RangeInclusive<i32> = 2019..=2024;

/// The core indicators the demo fills with synthetic values: code, the range a city's level is
/// drawn from, the change per year, and whether values are broken down by sex.
/// How many core indicators the demo fills (and assigns in Ghent's cycle).
pub const DEMO_SERIES_COUNT: usize = DEMO_SERIES.len();

const DEMO_SERIES: &[(&str, f64, f64, f64, bool)] = &[
    ("RM-HOU-01", 6.0, 20.0, -0.4, true),
    ("RM-EDU-01", 4.0, 14.0, -0.3, true),
    ("RM-DEM-08", 35.0, 70.0, 0.5, false),
    ("RM-NDI-01", 0.0, 1.0, 0.0, false),
    ("RM-NDI-05", 8.0, 25.0, -0.2, true),
    ("RM-SCS-04", 30.0, 70.0, 0.6, true),
    ("RM-GEN-04", 22.0, 45.0, 1.2, false),
    ("RM-SOC-01", 12.0, 30.0, -0.3, true),
    ("RM-SAF-01", 50.0, 85.0, 0.4, true),
];

/// A deterministic number in [0, 1) from a text (FNV-1a), so that the demo is the same every time.
fn unit_noise(seed: &str) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// The synthetic value of a series in a city, year and group, within the indicator's limits.
/// The latest demo year is still being validated everywhere; the earlier ones are published.
fn demo_state(year: i32) -> WorkflowState {
    if year == *YEARS.end() { WorkflowState::Submitted } else { WorkflowState::Published }
}

/// What every demo value says of where it comes from.
fn demo_draft() -> ObservationDraft {
    ObservationDraft {
        provenance_kind: Some("official".into()),
        source_name: Some(DEMO_SOURCE.into()),
        method_note: Some("Generated for the demonstration; not a measurement.".into()),
        ..ObservationDraft::default()
    }
}

fn synthetic_value(
    definition: &IndicatorDefinition,
    series: &(&str, f64, f64, f64, bool),
    city: &str,
    year: i32,
    sex: Option<&str>,
) -> f64 {
    let &(code, low, high, step, _) = series;
    let base = unit_noise(&format!("{code}|{city}"));
    if definition.value_type == ValueType::YesNo {
        return if base + f64::from(year - YEARS.start()) * 0.12 > 0.8 { 1.0 } else { 0.0 };
    }
    let noise = unit_noise(&format!("{code}|{city}|{year}|{}", sex.unwrap_or("_T"))) - 0.5;
    let level = low + (high - low) * base + step * f64::from(year - YEARS.start()) + noise * (high - low) * 0.04;
    let gap = 0.08 * (unit_noise(&format!("{city}|{code}|gap")) - 0.3);
    let value = match sex {
        Some("F") => level * (1.0 + gap),
        Some("M") => level * (1.0 - gap),
        _ => level,
    };
    let lower = definition.lower_limit.unwrap_or(f64::MIN);
    let upper = definition.upper_limit.unwrap_or(f64::MAX);
    let factor = 10f64.powi(i32::from(definition.decimals));
    ((value.clamp(lower, upper)) * factor).round() / factor
}

/// What the demo set up.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub indicators: usize,
    pub observations: usize,
    pub accounts_created: usize,
    pub proposals: usize,
    pub cycles: usize,
    pub shadow_values: usize,
    pub districts: usize,
    pub recommendations: usize,
    pub assessments: usize,
    pub reports: usize,
    pub milestones: usize,
    pub practices: usize,
    pub surveys: usize,
}

impl App {
    /// A demo account as the actor it signs in as.
    async fn demo_actor(&self, username: &str) -> AppResult<Actor> {
        let user = self.find_user(username).await?;
        let memberships = self.store.list_memberships(user.id).await?;
        Ok(Actor::User { user, memberships })
    }

    /// Stores one demo value unless an earlier run did; 1 when it was stored.
    async fn insert_demo_value(
        &self,
        definition: &IndicatorDefinition,
        draft: &ObservationDraft,
        state: WorkflowState,
        now: rightsmon_domain::time::Timestamp,
    ) -> AppResult<usize> {
        let observation = NewObservation::parse(definition, draft, state)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("demo value of {}: {e}", definition.code)))?;
        let event = self.event(None, "demo.value_loaded", "observation:*", serde_json::json!({"indicator": definition.code}));
        match self.store.insert_observation(&observation, None, now, &event).await {
            Ok(_) => Ok(1),
            Err(StoreError::Conflict { .. }) => Ok(0),
            Err(other) => Err(other.into()),
        }
    }

    /// Loads the demo network into a store that holds the reference data. A second run adds nothing.
    pub async fn load_demo(&self) -> AppResult<DemoReport> {
        let mut report = DemoReport::default();
        let now = self.now();
        let cities = self.store.list_areas(Some(AreaKind::City), None).await?;
        if cities.is_empty() {
            return Err(AppError::Internal(anyhow::anyhow!("load the reference data (rightsmon init) before the demo")));
        }
        let mut definitions = Vec::new();
        for series in DEMO_SERIES {
            let code = rightsmon_domain::id::IndicatorCode::parse(series.0).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            definitions.push((
                self.store
                    .get_indicator(&code, None)
                    .await
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("the demo needs the starter framework ({}: {e})", series.0)))?,
                series,
            ));
        }
        report.indicators = definitions.len();
        let office = match self.organisations(Some("ghent")).await?.into_iter().find(|o| o.name == DEMO_OFFICE) {
            Some(office) => office,
            None => self.create_organisation(DEMO_OFFICE, "municipal_department", Some("ghent")).await?,
        };
        let tenants = match self.organisations(Some("ghent")).await?.into_iter().find(|o| o.name == DEMO_CSO) {
            Some(tenants) => tenants,
            None => self.create_organisation(DEMO_CSO, "cso", Some("ghent")).await?,
        };
        for &(username, role, city) in DEMO_ACCOUNTS {
            let form = UserForm {
                username: username.to_owned(),
                display_name: format!("Demo {}", username.replace('-', " ")),
                email: None,
                password: DEMO_PASSWORD.to_owned(),
            };
            match self.create_user(None, &form).await {
                Ok(_) => report.accounts_created += 1,
                Err(AppError::Invalid(_)) => {} // exists from an earlier run
                Err(other) => return Err(other),
            }
            let organisation = match username {
                "ghent-editor" => Some(office.id),
                "ghent-cso" => Some(tenants.id),
                _ => None,
            };
            self.add_membership(username, role.as_str(), city, organisation).await?;
        }
        report.districts = self.demo_districts().await?;
        for city in &cities {
            let districts = self.store.list_areas(Some(AreaKind::District), Some(&city.code)).await?;
            for (definition, series) in &definitions {
                let sexes: &[Option<&str>] = if series.4 { &[None, Some("F"), Some("M")] } else { &[None] };
                for year in YEARS {
                    if definition.code.as_str() == "RM-DEM-08" && year % 2 == 0 {
                        continue; // elections are not held every year
                    }
                    let state = demo_state(year);
                    for sex in sexes {
                        let value = synthetic_value(definition, series, city.code.as_str(), year, *sex);
                        // The survey-based housing rate comes with its sampling margin.
                        let margin = (definition.code.as_str() == SURVEY_SERIES && sex.is_none()).then_some(SURVEY_MARGIN);
                        let draft = ObservationDraft {
                            area: city.code.to_string(),
                            period: year.to_string(),
                            key: sex.map(|s| format!("SEX={s}")).unwrap_or_default(),
                            value: definition.format_value(value),
                            lower_bound: margin.map(|m| definition.format_value(value - m)),
                            upper_bound: margin.map(|m| definition.format_value(value + m)),
                            ..demo_draft()
                        };
                        report.observations += self.insert_demo_value(definition, &draft, state, now).await?;
                    }
                }
                // Where the city has districts, the survey and school series are broken down by district.
                if DISTRICT_SERIES.contains(&definition.code.as_str()) {
                    for district in &districts {
                        for year in YEARS {
                            let state = demo_state(year);
                            let spread = 1.0 + 0.5 * (unit_noise(&format!("{}|{}", definition.code, district.code)) - 0.5);
                            let value = synthetic_value(definition, series, city.code.as_str(), year, None) * spread;
                            let draft = ObservationDraft {
                                area: district.code.to_string(),
                                period: year.to_string(),
                                value: definition.format_value(value),
                                ..demo_draft()
                            };
                            report.observations += self.insert_demo_value(definition, &draft, state, now).await?;
                        }
                    }
                }
                if definition.value_type != ValueType::YesNo {
                    let baseline = synthetic_value(definition, series, city.code.as_str(), *YEARS.start(), None);
                    let benchmark = rightsmon_domain::observation::Benchmark {
                        indicator: definition.code.clone(),
                        area: city.code.clone(),
                        key: rightsmon_domain::codelist::DisaggregationKey::total(),
                        period: rightsmon_domain::period::Period::Year(*YEARS.start()),
                        value: baseline,
                    };
                    let event = |kind: &str| {
                        self.event(
                            None,
                            "demo.benchmark_set",
                            format!("benchmark:{kind}:{}:{}", definition.code, city.code),
                            serde_json::json!({}),
                        )
                    };
                    self.store.put_benchmark(BenchmarkKind::Baseline, &benchmark, &event("baseline")).await?;
                    // Ghent's working group set itself targets: a quarter better by 2030.
                    if city.code.as_str() == "ghent" {
                        let better = match definition.direction {
                            rightsmon_domain::catalogue::Direction::LowerIsBetter => 0.75,
                            _ => 1.25,
                        };
                        let value = (baseline * better)
                            .clamp(definition.lower_limit.unwrap_or(f64::MIN), definition.upper_limit.unwrap_or(f64::MAX));
                        let factor = 10f64.powi(i32::from(definition.decimals));
                        let target = rightsmon_domain::observation::Benchmark {
                            period: rightsmon_domain::period::Period::Year(TARGET_YEAR),
                            value: (value * factor).round() / factor,
                            ..benchmark
                        };
                        self.store.put_benchmark(BenchmarkKind::Target, &target, &event("target")).await?;
                    }
                }
            }
        }
        report.proposals = self.demo_proposals().await?;
        report.cycles = self.demo_cycle(office.id).await?;
        report.shadow_values = self.demo_shadow_value().await?;
        report.recommendations = self.demo_accountability().await?;
        report.assessments = self.demo_assessments().await?;
        report.reports = self.demo_report().await?;
        report.milestones = self.demo_roadmap().await?;
        report.practices = self.demo_practice().await?;
        report.surveys = self.demo_survey().await?;
        Ok(report)
    }
}

impl App {
    /// Ghent's working group adopts most of the core framework, leaving two indicators out with
    /// reasons; a proposal for a local indicator stays open, with an objection beside it.
    async fn demo_proposals(&self) -> AppResult<usize> {
        let ghent = rightsmon_domain::id::AreaCode::parse("ghent").map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        let existing = self
            .store
            .list_proposals(&rightsmon_store::ProposalQuery { scope: Some(Scope::City(ghent.clone())), ..Default::default() })
            .await?;
        if existing.total > 0 {
            return Ok(0);
        }
        let (editor, coordinator, cso) =
            (self.demo_actor("ghent-editor").await?, self.demo_actor("ghent-coordinator").await?, self.demo_actor("ghent-cso").await?);
        let core: Vec<rightsmon_domain::id::IndicatorCode> = self
            .store
            .list_indicators(&rightsmon_store::IndicatorQuery {
                scope: Some(None),
                page: rightsmon_store::PageRequest::new(1000, 0),
                ..Default::default()
            })
            .await?
            .items
            .into_iter()
            .map(|d| d.code)
            .collect();
        let left_out: Vec<LeftOut> = [
            ("RM-DEM-09", "Belgian law already registers EU citizens for us; the figure says little about the city."),
            ("RM-CLI-06", "No monitoring station covers every district yet."),
        ]
        .iter()
        .filter_map(|(code, reason)| {
            core.iter().find(|c| c.as_str() == *code).map(|c| LeftOut { indicator: c.clone(), reason: (*reason).to_owned() })
        })
        .collect();
        let adopt = core.iter().filter(|c| !left_out.iter().any(|l| &l.indicator == *c)).cloned().collect();
        let adoption = NewProposal::new(
            Scope::City(ghent.clone()),
            "Adopt the core framework",
            "The working group reviewed every core indicator in two sessions and proposes to adopt all of them but two, for the reasons given.",
            ProposalChange::Adoption { city: ghent.clone(), adopt, leave_out: left_out },
        )?;
        let adoption = self.propose(&editor, adoption).await?;
        self.comment(&cso, adoption.id, "We agree, and ask to look again at the air-quality indicator once the new stations are in place.")
            .await?;
        self.endorse(&coordinator, adoption.id, None).await?;
        self.endorse(&cso, adoption.id, None).await?;
        self.decide(
            &coordinator,
            adoption.id,
            Outcome::Accepted,
            "Endorsed by the municipal and the civil-society members of the working group.",
        )
        .await?;

        let draft: IndicatorDraft =
            toml::from_str(LOCAL_INDICATOR).map_err(|e| AppError::Internal(anyhow::anyhow!("demo local indicator: {e}")))?;
        let definition = IndicatorDefinition::parse(&draft).map_err(AppError::Invalid)?;
        let local = NewProposal::new(
            Scope::City(ghent),
            "Follow the waiting list for social housing",
            "The waiting time tells more about access to housing in Ghent than the overburden rate alone.",
            ProposalChange::NewIndicator { definition },
        )?;
        let local = self.propose(&editor, local).await?;
        self.endorse(&coordinator, local.id, None).await?;
        self.object(&cso, local.id, "Counting households on the list misses those who no longer apply because they have given up; add the share of applicants housed within two years.").await?;
        Ok(2)
    }
}

impl App {
    /// Ghent's annual report on the year after the demo's values: its data office provides the
    /// demo's indicators and the demo editor works there, so the workspace shows tasks with a
    /// deadline.
    async fn demo_cycle(&self, office: i64) -> AppResult<usize> {
        let ghent = rightsmon_domain::id::AreaCode::parse("ghent").map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        if !self.store.list_cycles(&ghent).await?.is_empty() {
            return Ok(0);
        }
        let coordinator = self.demo_actor("ghent-coordinator").await?;
        let year = YEARS.end() + 1;
        // Three months from today, and never before the reporting year is over.
        let soon = rightsmon_domain::time::Date::of_timestamp(self.now().plus_seconds(91 * 86_400));
        let after_the_year =
            rightsmon_domain::time::Date::from_ymd(year + 1, 3, 31).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        let deadline = soon.max(after_the_year);
        let cycle =
            self.create_cycle(&coordinator, "ghent", &format!("Annual report {year}"), &year.to_string(), &deadline.to_string()).await?;
        for series in DEMO_SERIES {
            self.assign(&coordinator, cycle.id, series.0, office).await?;
        }
        Ok(1)
    }
}

impl App {
    /// Ghent's coordinator uploads the (synthetic) outlines of its districts, creating them.
    async fn demo_districts(&self) -> AppResult<usize> {
        if !self.boundaries("ghent").await?.is_empty() {
            return Ok(0);
        }
        let coordinator = self.demo_actor("ghent-coordinator").await?;
        let report = self.upload_boundaries(&coordinator, "ghent", GHENT_DISTRICTS).await?;
        if !report.stored {
            return Err(AppError::Internal(anyhow::anyhow!("the demo's district outlines: {:?}", report.problems)));
        }
        Ok(report.districts.len())
    }
}

impl App {
    /// A tenants' organisation in Ghent files its own housing figure beside the official one, and
    /// the city replies.
    async fn demo_shadow_value(&self) -> AppResult<usize> {
        if !self.shadow_values(SURVEY_SERIES, "ghent").await?.is_empty() {
            return Ok(0);
        }
        let (cso, coordinator) = (self.demo_actor("ghent-cso").await?, self.demo_actor("ghent-coordinator").await?);
        let year = YEARS.end() - 1;
        let draft = rightsmon_domain::observation::ShadowDraft {
            area: "ghent".into(),
            period: year.to_string(),
            key: String::new(),
            value: "16.9".into(),
            assessment: "Our door-to-door survey counts tenants in private rented flats that the official survey under-samples.".into(),
            sources: format!("Tenants' union survey {year}, 1,240 households (synthetic demo data)"),
            method_note: "Households asked at the door in every district, weighted by tenure".into(),
        };
        let filed = self.file_shadow_value(&cso, SURVEY_SERIES, &draft, None).await?;
        self.reply_to_shadow(
            &coordinator,
            filed.id,
            "We will add private rented flats to the sample of the next housing survey and report both figures until then.",
        )
        .await?;
        Ok(1)
    }
}

impl App {
    /// Ghent's citizen lab on housing and the recommendation civil society made from it, which
    /// the city accepted and acts on; and a recommendation of the ombudsperson still waiting for
    /// the city's answer, which only Ghent's members see.
    async fn demo_accountability(&self) -> AppResult<usize> {
        use rightsmon_domain::accountability::{ActionDraft, ActionUpdateDraft, RecommendationDraft};
        let (cso, coordinator) = (self.demo_actor("ghent-cso").await?, self.demo_actor("ghent-coordinator").await?);
        if !self.consultations("ghent").await?.is_empty() {
            return Ok(0);
        }
        // The demo's last year, or the year before the clock's, so that nothing is dated ahead.
        let year = (*YEARS.end()).min(rightsmon_domain::time::Date::of_timestamp(self.now()).year() - 1);
        let lab = rightsmon_domain::participation::ConsultationDraft {
            city: "ghent".into(),
            title: "Citizen lab on affordable housing".into(),
            held_on: format!("{year}-03-14"),
            format: "citizen_lab".into(),
            place: "Library De Krook".into(),
            organisers: "City of Ghent and the tenants' union".into(),
            participants: "tenants in private rented flats: 23\nyoung people: 12\nRoma families: 4".into(),
            raised: "Tenants in private rented flats spend far more than 40% of their income on housing, and the official survey under-counts them.".into(),
            documents: "https://example.org/ghent-citizen-lab-report".into(),
        };
        let lab = self.record_consultation(&cso, &lab).await?;
        let made = self
            .make_recommendation(
                &cso,
                &RecommendationDraft {
                    city: "ghent".into(),
                    title: "Cap the rent of private rented flats that receive a renovation grant".into(),
                    text: "Renovation grants should come with a rent cap for ten years, so that tenants are not priced out.".into(),
                    language: "en".into(),
                    source: "citizen_lab".into(),
                    source_reference: "https://example.org/ghent-citizen-lab-report".into(),
                    made_on: format!("{year}-03-28"),
                    rights: vec!["CFR-34".into()],
                    themes: vec!["HOUSING".into()],
                    indicators: vec![SURVEY_SERIES.into()],
                    consultation_id: Some(lab.id),
                },
            )
            .await?;
        self.respond_to_recommendation(&coordinator, made.id, "accepted", "", true).await?;
        let action = ActionDraft {
            title: "Add a ten-year rent cap to the renovation grant regulation".into(),
            description: "The council votes the amended regulation; the housing department checks the rents.".into(),
            responsible: "Housing department".into(),
            deadline: format!("{}-06-30", year + 1),
            budget_reference: "Housing plan, line 4.2".into(),
        };
        let action = self.add_action(&coordinator, made.id, &action).await?;
        let update = ActionUpdateDraft {
            status: "in_progress".into(),
            on: format!("{year}-09-01"),
            note: "The draft regulation is with the council's housing committee.".into(),
            ..Default::default()
        };
        self.update_action(&coordinator, action.id, &update).await?;
        let ombudsperson = RecommendationDraft {
            city: "ghent".into(),
            title: "Publish waiting times for social housing by household type".into(),
            source: "ombudsperson".into(),
            source_reference: format!("Annual report {year}, recommendation 12"),
            made_on: format!("{year}-11-05"),
            rights: vec!["CFR-34".into()],
            ..Default::default()
        };
        self.make_recommendation(&coordinator, &ombudsperson).await?;
        Ok(2)
    }
}

impl App {
    /// Ghent's municipality and its tenants' network assess the right to housing in the
    /// cycle: they disagree, and the municipality has revised its first verdict once.
    async fn demo_assessments(&self) -> AppResult<usize> {
        use rightsmon_domain::participation::AssessmentDraft;
        let (cso, coordinator) = (self.demo_actor("ghent-cso").await?, self.demo_actor("ghent-coordinator").await?);
        let Some(cycle) = self.cycles("ghent").await?.into_iter().next() else {
            return Ok(0);
        };
        if !self.assessment_board(&coordinator, cycle.id).await?.rows.is_empty() {
            return Ok(0);
        }
        let housing = |verdict: &str, reasoning: &str, evidence: &str| AssessmentDraft {
            subject: "right:CFR-34".into(),
            verdict: verdict.into(),
            reasoning: reasoning.into(),
            evidence: evidence.into(),
        };
        let first = housing("good", "The share of households overburdened by housing costs fell again this year.", SURVEY_SERIES);
        self.assess(&coordinator, cycle.id, "municipality", &first).await?;
        let revised = housing(
            "partly",
            "The share of households overburdened by housing costs fell again, but not for single parents, and the rent cap is not in force yet.",
            SURVEY_SERIES,
        );
        self.assess(&coordinator, cycle.id, "municipality", &revised).await?;
        let tenants = self.assessment_board(&cso, cycle.id).await?.own_sides.into_iter().next().map(|s| s.key);
        let Some(tenants) = tenants else {
            return Ok(1);
        };
        let theirs = housing(
            "insufficient",
            "Tenants in private rented flats still spend far more than 40% of their income on rent; the survey under-counts them.",
            "https://example.org/ghent-citizen-lab-report",
        );
        self.assess(&cso, cycle.id, &tenants, &theirs).await?;
        let theme = AssessmentDraft {
            subject: "theme:HOUSING".into(),
            verdict: "partly".into(),
            reasoning: "More social housing is being built, but waiting lists are still long.".into(),
            evidence: String::new(),
        };
        self.assess(&cso, cycle.id, &tenants, &theme).await?;
        Ok(2)
    }
}

impl App {
    /// Ghent's coordinator issues the report of its cycle.
    async fn demo_report(&self) -> AppResult<usize> {
        if !self.reports("ghent").await?.is_empty() {
            return Ok(0);
        }
        let Some(cycle) = self.cycles("ghent").await?.into_iter().next() else {
            return Ok(0);
        };
        let coordinator = self.demo_actor("ghent-coordinator").await?;
        self.issue_city_report(&coordinator, cycle.id).await?;
        if self.network_reports().await?.is_empty() {
            self.issue_network_report(&self.demo_actor("coordinator").await?).await?;
        }
        Ok(1)
    }
}

impl App {
    /// Where Ghent and Padova stand on the road map.
    async fn demo_roadmap(&self) -> AppResult<usize> {
        use rightsmon_domain::roadmap::MilestoneDraft;
        if !self.store.list_milestones(None).await?.is_empty() {
            return Ok(0);
        }
        self.initialise_roadmap().await?;
        let network = self.demo_actor("coordinator").await?;
        let first = *YEARS.start();
        // A city's steps: the step, the year and the day it was reached.
        type Reached<'a> = &'a [(&'a str, i32, &'a str)];
        let steps: &[(&str, Reached)] = &[
            (
                "ghent",
                &[
                    ("working-group", first, "01-20"),
                    ("priorities", first, "04-02"),
                    ("indicators-adopted", first, "09-15"),
                    ("baseline", first + 1, "03-31"),
                    ("first-report", first + 2, "06-12"),
                ],
            ),
            ("padova", &[("working-group", first + 1, "02-10"), ("priorities", first + 1, "06-30")]),
        ];
        let mut count = 0;
        for (city, reached) in steps {
            for (step, year, day) in *reached {
                let draft = MilestoneDraft {
                    step: (*step).into(),
                    reached_on: format!("{year}-{day}"),
                    evidence: format!("https://example.org/{city}-{step}"),
                    note: String::new(),
                };
                self.record_milestone(&network, city, &draft).await?;
                count += 1;
            }
        }
        Ok(count)
    }
}

impl App {
    /// A good practice of Ghent in the library, in English with a Dutch translation.
    async fn demo_practice(&self) -> AppResult<usize> {
        use rightsmon_domain::practice::PracticeDraft;
        if !self.store.list_practices().await?.is_empty() {
            return Ok(0);
        }
        let cso = self.demo_actor("ghent-cso").await?;
        let draft = PracticeDraft {
            city: "ghent".into(),
            title: "Housing First for young people leaving care".into(),
            language: "en".into(),
            summary: "Young people who leave youth care at 18 get a flat of their own with support from a social worker, without first having to prove they are ready to live alone.".into(),
            results: "Most of the young people were still housed after two years; the share of households overburdened by housing costs is followed with the city's survey.".into(),
            themes: "HOUSING, SOCIAL_INCLUSION".into(),
            rights: "CFR-34".into(),
            indicators: SURVEY_SERIES.into(),
            contacts: "Social services of the City of Ghent, housing desk".into(),
            documents: "https://example.org/ghent-housing-first".into(),
        };
        let practice = self.add_practice(&cso, &draft).await?;
        self.translate_practice(
            &cso,
            practice.id,
            "nl",
            "Housing First voor jongeren uit de jeugdhulp",
            "Jongeren die op hun achttiende de jeugdhulp verlaten, krijgen een eigen woning met begeleiding, zonder eerst te moeten bewijzen dat ze zelfstandig kunnen wonen.",
            "",
        )
        .await?;
        Ok(1)
    }
}

/// The design of the demo's survey of Ghent's residents.
const DEMO_SURVEY_DESIGN: &str = r#"weight = "weight"
strata = "district"
psu = "block"
population = "blocks_in_district"
singleton = "fail"

[recode.sex]
Vrouw = "F"
Man = "M"

[recode.district]
Binnenstad = "ghent-binnenstad"
Gentbrugge = "ghent-gentbrugge"
Ledeberg = "ghent-ledeberg"
Oostakker = "ghent-oostakker"
Sint-Amandsberg = "ghent-sint-amandsberg"

[dimensions]
sex = "SEX"
district = "DISTRICT"

[[estimate]]
name = "safe-at-night"
parameter = "proportion"
variable = "safe_at_night"
indicator = "RM-SAF-01"
level = "yes"

[[estimate]]
name = "safe-at-night-by-sex"
parameter = "proportion"
variable = "safe_at_night"
by = ["sex"]
indicator = "RM-SAF-01"
level = "yes"

[[estimate]]
name = "safe-at-night-by-district"
parameter = "proportion"
variable = "safe_at_night"
by = ["district"]
indicator = "RM-SAF-01"
level = "yes"

[[estimate]]
name = "safe-at-night-by-district-and-sex"
parameter = "proportion"
variable = "safe_at_night"
by = ["district", "sex"]
indicator = "RM-SAF-01"
level = "yes"

[[estimate]]
name = "discriminated"
parameter = "proportion"
variable = "discriminated"
indicator = "RM-NDI-05"
level = "yes"

[[estimate]]
name = "discriminated-by-sex"
parameter = "proportion"
variable = "discriminated"
by = ["sex"]
indicator = "RM-NDI-05"
level = "yes"

[[estimate]]
name = "discriminated-by-district-and-sex"
parameter = "proportion"
variable = "discriminated"
by = ["district", "sex"]
"#;

impl App {
    /// A wave of Ghent's survey of residents: 1,200 synthetic respondents in 5 districts of 12
    /// blocks, with estimates after disclosure control (some district-by-sex cells withheld).
    async fn demo_survey(&self) -> AppResult<usize> {
        use rightsmon_domain::survey::SurveyDraft;
        let ghent = rightsmon_domain::id::AreaCode::parse("ghent").map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        if !self.store.list_surveys(Some(&ghent)).await?.is_empty() {
            return Ok(0);
        }
        let editor = self.demo_actor("ghent-editor").await?;
        let districts = ["Binnenstad", "Gentbrugge", "Ledeberg", "Oostakker", "Sint-Amandsberg"];
        // A fixed linear congruential sequence: the same respondents on every run.
        let mut seed: u64 = 20_261_206;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as f64 / f64::from(1u32 << 31)
        };
        let mut rows = String::from("respondent,district,block,blocks_in_district,weight,sex,safe_at_night,discriminated\n");
        for i in 0..1200 {
            // Fewer respondents in the last district, so that some of its cells are small.
            let d = if i % 40 == 0 { 4 } else { i % 4 };
            let block = 1 + (i / 5) % 12;
            let sex = if next() < 0.52 { "Vrouw" } else { "Man" };
            let safe = next() < if sex == "Vrouw" { 0.74 } else { 0.84 } - 0.02 * d as f64;
            let discriminated = next() < 0.12 + 0.03 * d as f64;
            let weight = 80.0 + (next() * 60.0).round();
            rows.push_str(&format!(
                "R{i:04},{},{block},{},{weight},{sex},{},{}\n",
                districts[d],
                40 + 4 * d,
                if safe { "yes" } else { "no" },
                if discriminated { "yes" } else { "no" }
            ));
        }
        let draft = SurveyDraft {
            title: "Safety and discrimination survey, wave 1".into(),
            period: "2025".into(),
            design: DEMO_SURVEY_DESIGN.into(),
        };
        let survey = self.upload_survey(&editor, "ghent", &draft, "ghent-residents-2025.csv", rows.into_bytes()).await?;
        // The editor submits the wave's values; the coordinator validates and publishes them.
        let coordinator = self.demo_actor("ghent-coordinator").await?;
        let mut query = rightsmon_store::ObservationQuery::new(rightsmon_store::Visibility::All);
        query.area = Some(ghent);
        query.include_districts = true;
        query.period_from = Some(survey.survey.period);
        query.period_to = Some(survey.survey.period);
        query.states = vec![rightsmon_domain::observation::WorkflowState::Draft];
        for value in self.store.list_all_observations(&query).await? {
            if value.data.provenance.kind == rightsmon_domain::observation::ProvenanceKind::Survey {
                self.submit_value(&editor, value.id).await?;
                self.validate_value(&coordinator, value.id).await?;
                self.publish_value(&coordinator, value.id).await?;
            }
        }
        Ok(1)
    }
}

/// The local indicator the demo proposes for Ghent.
const LOCAL_INDICATOR: &str = r#"
code = "GHENT-HOU-01"
city = "ghent"
name = { en = "Households on the waiting list for social housing", nl = "Gezinnen op de wachtlijst voor een sociale woning" }
definition = { en = "Households registered as candidates for social rented housing on 1 January, per 1000 households.", nl = "Gezinnen ingeschreven als kandidaat-huurder van een sociale woning op 1 januari, per 1000 gezinnen." }
unit = "per 1000 households"
decimals = 1
direction = "lower_is_better"
value_type = "rate"
disaggregations = [["HOUSEHOLD_TYPE"], ["DISTRICT"]]
suggested_provider = "municipal_department"
themes = ["HOUSING"]
rights = [{ right = "CFR-34", type = "outcome", attribute = "Access to housing assistance" }]
compares_with = { core = "RM-HOU-01", level = "related", note = { en = "Both describe access to affordable housing; the values are not comparable." } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_values_lie_within_the_limits_of_their_indicators() {
        let file: crate::framework::FrameworkFile = toml::from_str(crate::framework::STARTER_FRAMEWORK).unwrap();
        for series in DEMO_SERIES {
            let draft = file.indicators.iter().find(|d| d.code == series.0).unwrap();
            let definition = IndicatorDefinition::parse(draft).unwrap();
            for city in ["ghent", "padova", "the-hague"] {
                for year in YEARS {
                    for sex in [None, Some("F"), Some("M")] {
                        let value = synthetic_value(&definition, series, city, year, sex);
                        assert!(definition.check_number(value).is_ok(), "{} {year} {value}", definition.code);
                        assert_eq!(value, synthetic_value(&definition, series, city, year, sex));
                    }
                }
            }
        }
        let local: IndicatorDraft = toml::from_str(LOCAL_INDICATOR).unwrap();
        assert!(IndicatorDefinition::parse(&local).is_ok());
    }
}
