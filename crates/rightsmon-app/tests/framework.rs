//! The indicator framework: the starter set, versions, adoption and the co-design workflow,
//! export and import, and the refusal of bad definitions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use rightsmon_app::framework::FrameworkFormat;
use rightsmon_app::{App, AppError};
use rightsmon_domain::access::{Actor, Scope};
use rightsmon_domain::catalogue::{IndicatorDefinition, IndicatorDraft, LinkType};
use rightsmon_domain::codesign::{LeftOut, NewProposal, Outcome, ProposalChange, ProposalStatus};
use rightsmon_domain::id::{AreaCode, IndicatorCode};
use rightsmon_domain::observation::{NewObservation, ObservationDraft, WorkflowState};
use rightsmon_store::{IndicatorQuery, PageRequest, Store};
use rightsmon_store_sqlite::SqliteStore;
use std::sync::Arc;
use support::fresh;

async fn member(app: &App, name: &str, role: &str, city: Option<&str>, organisation: Option<(&str, &str)>) -> Actor {
    let organisation_id = match organisation {
        Some((org, kind)) => Some(app.create_organisation(org, kind, city).await.unwrap().id),
        None => None,
    };
    support::member(app, name, role, city, organisation_id).await
}

async fn core_codes(app: &App) -> Vec<IndicatorCode> {
    let query = IndicatorQuery { scope: Some(None), page: PageRequest::new(1000, 0), ..IndicatorQuery::default() };
    app.store.list_indicators(&query).await.unwrap().items.into_iter().map(|d| d.code).collect()
}

#[tokio::test]
async fn the_starter_framework_loads_once_and_covers_every_theme_with_structural_process_and_outcome_indicators() {
    let app = fresh().await;
    let again = rightsmon_app::reference::initialise(&app).await.unwrap();
    assert_eq!(again.framework.created, 0, "a second init writes nothing");
    let core = app.store.list_all_indicator_versions().await.unwrap();
    assert!(core.len() >= 45, "{} core indicators", core.len());
    for definition in &core {
        assert!(definition.is_core());
        assert!(definition.rights.iter().any(|l| l.right.as_str().starts_with("CFR-")), "{} has no Charter article", definition.code);
        assert!(definition.source.is_some(), "{} cites no source", definition.code);
        for language in ["en", "nl", "it"] {
            assert!(!definition.name.get(language).is_fallback, "{} has no {language} name", definition.code);
            assert!(!definition.definition.get(language).is_fallback, "{} has no {language} definition", definition.code);
        }
    }
    for theme in app.themes().await.unwrap() {
        for link_type in [LinkType::Structural, LinkType::Process, LinkType::Outcome] {
            let covered = core.iter().any(|d| d.themes.contains(&theme.code) && d.rights.iter().any(|l| l.link_type == link_type));
            assert!(covered, "{} has no {} indicator", theme.code, link_type.as_str());
        }
    }
}

#[tokio::test]
async fn a_city_adopts_core_indicators_only_with_municipal_and_civil_society_endorsement() {
    let app = fresh().await;
    let ghent = AreaCode::parse("ghent").unwrap();
    let coordinator =
        member(&app, "coordinator", "city_coordinator", Some("ghent"), Some(("Department of Welfare", "municipal_department"))).await;
    let editor = member(&app, "editor", "data_editor", Some("ghent"), None).await;
    let cso = member(&app, "cso", "civil_society_member", Some("ghent"), Some(("Tenants' Union", "cso"))).await;
    let outsider = member(&app, "outsider", "data_editor", Some("padova"), None).await;
    let core = core_codes(&app).await;
    let change = ProposalChange::Adoption {
        city: ghent.clone(),
        adopt: core[1..].to_vec(),
        leave_out: vec![LeftOut { indicator: core[0].clone(), reason: "No local data source yet".into() }],
    };
    let proposal =
        NewProposal::new(Scope::City(ghent.clone()), "Adopt the core framework", "Agreed in the working group on 3 March", change).unwrap();
    assert!(matches!(app.propose(&outsider, proposal.clone()).await, Err(AppError::Forbidden)), "Padova cannot propose for Ghent");
    let proposal = app.propose(&editor, proposal).await.unwrap();
    app.comment(&cso, proposal.id, "We support this, but want the left-out indicator back next year.").await.unwrap();

    // Municipal endorsements alone do not carry the decision.
    app.endorse(&editor, proposal.id, None).await.unwrap();
    app.endorse(&coordinator, proposal.id, None).await.unwrap();
    assert!(matches!(app.endorse(&outsider, proposal.id, None).await, Err(AppError::Forbidden)));
    let refused = app.decide(&coordinator, proposal.id, Outcome::Accepted, "Adopted").await;
    let Err(AppError::Invalid(errors)) = refused else { panic!("expected a refusal, got {refused:?}") };
    assert!(errors.0[0].message.contains("1 civil-society endorsement(s) (has 0)"), "{}", errors.0[0].message);
    assert!(app.adoptions("ghent").await.unwrap().is_empty(), "nothing was adopted");
    assert_eq!(app.proposal_detail(proposal.id).await.unwrap().proposal.status, ProposalStatus::Open);

    // With a civil-society endorsement it is adopted; an objection stays visible beside it.
    app.object(&cso, proposal.id, "Leaving out the first indicator hides a gap.").await.unwrap();
    assert!(matches!(app.object(&editor, proposal.id, "municipal staff do not object").await, Err(AppError::Forbidden)));
    app.endorse(&cso, proposal.id, None).await.unwrap();
    assert!(matches!(app.endorse(&cso, proposal.id, None).await, Err(AppError::Conflict(_))));
    assert!(matches!(app.decide(&editor, proposal.id, Outcome::Accepted, "x").await, Err(AppError::Forbidden)), "editors do not decide");
    let unanswered = app.decide(&coordinator, proposal.id, Outcome::Accepted, "Both sides endorsed").await;
    assert!(matches!(unanswered, Err(AppError::Invalid(_))), "an objection stands: the decision answers it");
    let decision = app
        .decide_answering(
            &coordinator,
            proposal.id,
            Outcome::Accepted,
            "Both sides endorsed",
            "The gap is followed by the city's own indicator.",
        )
        .await
        .unwrap();
    assert!(decision.reason.ends_with("Answer to the objections: The gap is followed by the city's own indicator."));
    assert_eq!(decision.outcome, Outcome::Accepted);
    let detail = app.proposal_detail(proposal.id).await.unwrap();
    assert_eq!(detail.proposal.status, ProposalStatus::Accepted);
    assert_eq!(detail.objections.len(), 1);
    assert_eq!(detail.decision.as_ref().unwrap().0.reason, decision.reason, "the answer is kept with the decision");
    let adoptions = app.adoptions("ghent").await.unwrap();
    assert_eq!(adoptions.len(), core.len());
    let left_out = adoptions.iter().find(|a| a.indicator == core[0]).unwrap();
    assert!(!left_out.is_adopted);
    assert_eq!(left_out.reason.as_deref(), Some("No local data source yet"));
    // The decision is final.
    assert!(matches!(app.decide(&coordinator, proposal.id, Outcome::Rejected, "Changed our mind").await, Err(AppError::Conflict(_))));
    assert_eq!(app.proposal_detail(proposal.id).await.unwrap().decision.unwrap().0, decision);
}

fn local_indicator(version: u32, unit: &str) -> IndicatorDefinition {
    let draft: IndicatorDraft = toml::from_str(&format!(
        r#"
code = "GHENT-SOC-01"
version = {version}
city = "ghent"
name = {{ en = "Households reached by the energy-poverty programme", nl = "Gezinnen bereikt door het energiearmoedeprogramma" }}
definition = {{ en = "Households that received an energy scan or a grant." }}
unit = "{unit}"
decimals = 0
direction = "higher_is_better"
value_type = "count"
additivity = "additive"
themes = ["SOCIAL_INCLUSION", "CLIMATE"]
rights = [{{ right = "CFR-34", type = "process" }}, {{ right = "CFR-36", type = "process" }}]
"#
    ))
    .unwrap();
    IndicatorDefinition::parse(&draft).unwrap()
}

#[tokio::test]
async fn a_local_indicator_and_its_new_version_go_through_the_workflow_and_mark_the_series_break() {
    let app = fresh().await;
    let ghent = AreaCode::parse("ghent").unwrap();
    let coordinator = member(&app, "coordinator", "city_coordinator", Some("ghent"), None).await;
    let cso = member(&app, "cso", "civil_society_member", Some("ghent"), None).await;
    let first = NewProposal::new(
        Scope::City(ghent.clone()),
        "Count households reached",
        "The programme is new",
        ProposalChange::NewIndicator { definition: local_indicator(1, "households") },
    )
    .unwrap();
    let first = app.propose(&cso, first).await.unwrap();
    app.endorse(&coordinator, first.id, None).await.unwrap();
    app.endorse(&cso, first.id, None).await.unwrap();
    app.decide(&coordinator, first.id, Outcome::Accepted, "Endorsed").await.unwrap();
    assert_eq!(app.indicator("GHENT-SOC-01", None).await.unwrap().version, 1);

    // A wrong version number is refused; the next version with a new unit breaks the series.
    let wrong = NewProposal::new(
        Scope::City(ghent.clone()),
        "Recount",
        "x",
        ProposalChange::Change { definition: local_indicator(3, "dwellings") },
    )
    .unwrap();
    assert!(matches!(app.propose(&cso, wrong).await, Err(AppError::Invalid(_))));
    let change = NewProposal::new(
        Scope::City(ghent.clone()),
        "Count dwellings",
        "Addresses are what the programme records",
        ProposalChange::Change { definition: local_indicator(2, "dwellings") },
    )
    .unwrap();
    let change = app.propose(&cso, change).await.unwrap();
    let ProposalChange::Change { definition } = &change.proposal.change else { panic!() };
    assert!(definition.breaks_series, "a new unit breaks the series");
    app.endorse(&coordinator, change.id, None).await.unwrap();
    app.endorse(&cso, change.id, None).await.unwrap();
    app.decide(&coordinator, change.id, Outcome::Accepted, "Endorsed").await.unwrap();
    let detail = app.indicator_detail("GHENT-SOC-01").await.unwrap();
    assert_eq!(detail.versions.iter().map(|d| (d.version, d.breaks_series)).collect::<Vec<_>>(), [(1, false), (2, true)]);
    // Values keep their version; the series shows the break where the version changes.
    for (version, year, value) in [(1, "2020", "120"), (1, "2021", "135"), (2, "2022", "98"), (2, "2023", "104")] {
        let definition = &detail.versions[version - 1];
        let draft = ObservationDraft { area: "ghent".into(), period: year.into(), value: value.into(), ..ObservationDraft::default() };
        let observation = NewObservation::parse(definition, &draft, WorkflowState::Published).unwrap();
        app.store.insert_observation(&observation, None, app.now(), &rightsmon_store::conformance::cases::audit()).await.unwrap();
    }
    let series = app.series(&Actor::Anonymous, "GHENT-SOC-01", "ghent", "").await.unwrap();
    let shape: Vec<(String, u32, bool)> = series.iter().map(|p| (p.period.to_string(), p.version, p.break_before)).collect();
    assert_eq!(shape, [("2020".into(), 1, false), ("2021".into(), 1, false), ("2022".into(), 2, true), ("2023".into(), 2, false)]);
    // Local indicators are not adopted: adoption is for core ones.
    let adopt_local = NewProposal::new(
        Scope::City(ghent.clone()),
        "Adopt",
        "x",
        ProposalChange::Adoption { city: ghent.clone(), adopt: vec![IndicatorCode::parse("GHENT-SOC-01").unwrap()], leave_out: vec![] },
    )
    .unwrap();
    assert!(matches!(app.propose(&cso, adopt_local).await, Err(AppError::Invalid(_))));
}

#[tokio::test]
async fn a_core_change_needs_the_endorsement_of_a_share_of_cities() {
    let app = fresh().await;
    let network = member(&app, "network", "network_coordinator", None, None).await;
    let mut coordinators = Vec::new();
    for city in ["benalmadena", "braga", "chisinau", "ghent", "jozsefvaros"] {
        coordinators.push(member(&app, &format!("{city}-coordinator"), "city_coordinator", Some(city), None).await);
    }
    let retire = core_codes(&app).await[0].clone();
    let proposal = NewProposal::new(
        Scope::Network,
        "Retire an indicator",
        "Superseded",
        ProposalChange::Retirement { indicator: retire.clone(), reason: "Superseded by a better one".into() },
    )
    .unwrap();
    let proposal = app.propose(&network, proposal).await.unwrap();
    // 8 voting cities (Cluj-Napoca observes): half of them is 4.
    for coordinator in &coordinators[..3] {
        app.endorse(coordinator, proposal.id, None).await.unwrap();
    }
    assert!(matches!(app.decide(&network, proposal.id, Outcome::Accepted, "ok").await, Err(AppError::Invalid(_))));
    assert!(matches!(app.decide(&coordinators[0], proposal.id, Outcome::Accepted, "ok").await, Err(AppError::Forbidden)));
    app.endorse(&coordinators[3], proposal.id, None).await.unwrap();
    app.decide(&network, proposal.id, Outcome::Accepted, "Half of the cities endorsed").await.unwrap();
    let detail = app.indicator_detail(retire.as_str()).await.unwrap();
    assert_eq!(detail.retired.unwrap().reason, "Superseded by a better one");
    assert!(!core_codes(&app).await.is_empty());
}

#[tokio::test]
async fn exporting_and_importing_the_starter_framework_is_lossless() {
    let app = fresh().await;
    let original = app.store.list_all_indicator_versions().await.unwrap();
    for format in [FrameworkFormat::Toml, FrameworkFormat::Json, FrameworkFormat::Xlsx] {
        let exported = app.export_framework(format, false).await.unwrap();
        let other = {
            let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
            store.migrate().await.unwrap();
            let other = App::new(Arc::new(store));
            rightsmon_app::reference::load(&other).await.unwrap();
            other
        };
        let dry = other.import_framework(&exported, format, true).await.unwrap();
        assert_eq!((dry.created, dry.problems.len()), (original.len(), 0));
        assert!(other.store.list_all_indicator_versions().await.unwrap().is_empty(), "a dry run writes nothing");
        let report = other.import_framework(&exported, format, false).await.unwrap();
        assert_eq!((report.created, report.problems.len()), (original.len(), 0), "{:?}", report.problems.first());
        assert_eq!(other.store.list_all_indicator_versions().await.unwrap(), original);
        let re_exported = other.export_framework(format, false).await.unwrap();
        let drafts = |bytes: &[u8]| format!("{:?}", rightsmon_app::framework::parse_file(bytes, format).unwrap().indicators);
        assert!(drafts(&re_exported) == drafts(&exported), "the export of the import holds the same definitions");
        if format != FrameworkFormat::Xlsx {
            assert!(re_exported == exported, "the export of the import is the same file");
        }
        let again = other.import_framework(&exported, format, false).await.unwrap();
        assert_eq!((again.created, again.unchanged), (0, original.len()));
    }
}

fn framework_with(entry: &str) -> String {
    format!("[[indicators]]\n{entry}")
}

#[tokio::test]
async fn bad_definitions_are_refused_with_clear_messages_and_nothing_is_imported() {
    let app = fresh().await;
    let before = app.store.list_all_indicator_versions().await.unwrap().len();
    let good = r#"code = "X-GOOD-1"
name = { en = "Good" }
definition = { en = "A good one" }
unit = "%"
direction = "higher_is_better"
value_type = "percentage"
themes = ["HOUSING"]
rights = [{ right = "CFR-34", type = "outcome" }]
"#;
    let cases = [
        (good.replace("unit = \"%\"\n", ""), "an indicator needs a unit"),
        (good.replace("direction = \"higher_is_better\"\n", ""), "an indicator needs a direction"),
        (good.replace("rights = [{ right = \"CFR-34\", type = \"outcome\" }]\n", ""), "linked to at least one right"),
        (format!("{good}upper_limit = 120.0\n"), "a percentage lies within 0 and 100"),
        (good.replace("HOUSING", "ASTROLOGY"), "there is no theme ASTROLOGY"),
        (good.replace("CFR-34", "CFR-60"), "the Charter has no article 60"),
        (good.replace("CFR-34", "SDG-18.1"), "is not an SDG target"),
        (format!("{good}disaggregations = [[\"COLOUR\"]]\n"), "there is no dimension COLOUR"),
        (good.replace("value_type = \"percentage\"", "value_type = \"percent\""), "\"percent\" is not a value type"),
    ];
    for (entry, message) in cases {
        let text = format!("{}\n{}", framework_with(good), framework_with(&entry.replace("X-GOOD-1", "X-BAD-1")));
        let report = app.import_framework(text.as_bytes(), FrameworkFormat::Toml, false).await.unwrap();
        assert_eq!(report.created, 0);
        assert_eq!(report.problems.len(), 1, "{message}");
        let problem = &report.problems[0];
        assert_eq!((problem.entry, problem.code.as_str()), (2, "X-BAD-1"));
        assert!(problem.errors.iter().any(|e| e.message.contains(message)), "{message}: {:?}", problem.errors);
    }
    assert_eq!(app.store.list_all_indicator_versions().await.unwrap().len(), before, "nothing of a refused file was imported");
    let unknown_field = framework_with(&format!("{good}colour = \"blue\"\n"));
    assert!(matches!(app.import_framework(unknown_field.as_bytes(), FrameworkFormat::Toml, false).await, Err(AppError::Invalid(_))));
    assert!(matches!(app.import_framework(b"not toml [", FrameworkFormat::Toml, false).await, Err(AppError::Invalid(_))));
    assert!(
        matches!(app.import_framework(&[0xff, 0xfe, 0x41], FrameworkFormat::Toml, false).await, Err(AppError::Invalid(_))),
        "not UTF-8"
    );
    assert!(
        matches!(app.import_framework(b"code,name\n", FrameworkFormat::Xlsx, false).await, Err(AppError::Invalid(_))),
        "not a workbook"
    );
    assert!(matches!(
        app.import_framework(b"{\"format\": \"other\", \"indicators\": []}", FrameworkFormat::Json, false).await,
        Err(AppError::Invalid(_))
    ));
}
