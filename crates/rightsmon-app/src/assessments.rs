//! Two-sided assessments: for each right or theme and reporting cycle, the municipality and each
//! taking-part civil-society organisation give their verdict on the shared scale (good, partly,
//! insufficient, no information) with their reasoning and evidence. The board shows the sides
//! next to each other and marks where they disagree.
//!
//! Who may write which side:
//! - the municipality's side: the city's coordinators;
//! - an organisation's side: the civil-society members of that organisation in the city.
//!
//! Nobody writes another side's text: a coordinator cannot speak for an organisation, a
//! civil-society member cannot speak for the municipality, and the network coordinator, who sees
//! everything, speaks for neither. Every version is kept; a side that changes its mind adds a
//! version, and the earlier ones stay readable. Assessments are public statements: everyone
//! sees them once written.

use crate::{App, AppError, AppResult, signed_in};
use rightsmon_domain::FieldErrors;
use rightsmon_domain::access::{Actor, Role};
use rightsmon_domain::collection::Cycle;
use rightsmon_domain::error::ParseError;
use rightsmon_domain::id::AreaCode;
use rightsmon_domain::participation::{AssessedSubject, Assessment, AssessmentDraft, Assessor, NewAssessment, disagree};
use rightsmon_domain::text::Texts;
use serde::Serialize;

/// One column of the board: a side and, for an organisation, its name.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub assessor: Assessor,
    /// `None` for the municipality.
    pub organisation: Option<String>,
    /// The side's value in forms: `municipality` or `organisation:ID`.
    pub key: String,
}

/// One side's assessment of a subject: the latest version and the earlier ones, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub latest: Assessment,
    pub earlier: Vec<Assessment>,
}

/// One subject of the board, with a cell for each side (in the order of the board's sides).
#[derive(Debug, Clone, Serialize)]
pub struct BoardRow {
    pub subject: AssessedSubject,
    pub name: Option<Texts>,
    pub cells: Vec<Option<Cell>>,
    /// Whether two sides gave different verdicts (a side without information disagrees with
    /// nobody).
    pub disagreement: bool,
}

/// The assessments of a cycle, side by side.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentBoard {
    pub cycle: Cycle,
    pub sides: Vec<Side>,
    pub rows: Vec<BoardRow>,
    /// The sides the reader may write, as their form values.
    pub own_sides: Vec<Side>,
}

/// The key of a side in forms and the API.
pub fn side_key(assessor: Assessor) -> String {
    match assessor {
        Assessor::Municipality => "municipality".to_owned(),
        Assessor::Organisation(id) => format!("organisation:{id}"),
    }
}

fn parse_side(input: &str) -> Result<Assessor, ParseError> {
    let input = input.trim();
    if input == "municipality" {
        return Ok(Assessor::Municipality);
    }
    input
        .strip_prefix("organisation:")
        .and_then(|id| id.trim().parse().ok())
        .map(Assessor::Organisation)
        .ok_or_else(|| ParseError::new("invalid_side", format!("{input:?} is neither municipality nor organisation:ID")))
}

/// The sides the actor may write in `city`: the municipality's for its coordinators, an
/// organisation's for its civil-society members there. Network coordinators write none.
pub fn own_sides(actor: &Actor, city: &AreaCode) -> Vec<Assessor> {
    let Actor::User { user, memberships } = actor else {
        return Vec::new();
    };
    if user.is_disabled {
        return Vec::new();
    }
    let mut sides: Vec<Assessor> = memberships
        .iter()
        .filter(|m| m.scope.covers(city))
        .filter_map(|m| match (m.role, m.organisation_id) {
            (Role::CityCoordinator, _) => Some(Assessor::Municipality),
            (Role::CivilSocietyMember, Some(id)) => Some(Assessor::Organisation(id)),
            _ => None,
        })
        .collect();
    sides.sort();
    sides.dedup();
    sides
}

impl App {
    /// Records a new version of the assessment of one side, which must be the actor's own.
    pub async fn assess(&self, actor: &Actor, cycle_id: i64, side: &str, draft: &AssessmentDraft) -> AppResult<Assessment> {
        let user = signed_in(actor)?;
        let cycle = self.store.get_cycle(cycle_id).await?;
        let own = own_sides(actor, &cycle.cycle.city);
        if own.is_empty() {
            return Err(AppError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        let side = errors.check("side", parse_side(side));
        if let Some(side) = side
            && !own.contains(&side)
        {
            // Another side's text is never the actor's to write, whatever the form says.
            return Err(AppError::Forbidden);
        }
        let assessment = match NewAssessment::parse(draft) {
            Ok(assessment) => Some(assessment),
            Err(more) => {
                errors.0.extend(more.0);
                None
            }
        };
        if let Some(assessment) = &assessment
            && !self.subject_exists(&assessment.subject).await?
        {
            errors.push("subject", ParseError::new("unknown_subject", format!("{} is not in the framework", assessment.subject)));
        }
        let (side, assessment) = errors.finish(|| Some((side?, assessment?)))?;
        let event = self.event(
            Some(user),
            "assessment.recorded",
            "assessment:*",
            serde_json::json!({"cycle": cycle_id, "subject": assessment.subject.to_string(), "side": side_key(side)}),
        );
        Ok(self.store.add_assessment(cycle_id, side, &assessment, Some(user), self.now(), &event).await?)
    }

    async fn subject_exists(&self, subject: &AssessedSubject) -> AppResult<bool> {
        Ok(match subject {
            AssessedSubject::Right(code) => self.store.list_rights(None).await?.iter().any(|r| &r.code == code),
            AssessedSubject::Theme(code) => self.store.list_themes().await?.iter().any(|t| &t.code == code),
        })
    }

    /// The assessments of a cycle side by side, and the sides the reader may write.
    pub async fn assessment_board(&self, actor: &Actor, cycle_id: i64) -> AppResult<AssessmentBoard> {
        let cycle = self.store.get_cycle(cycle_id).await?;
        let assessments = self.store.list_assessments(cycle_id).await?;
        let organisations = self.store.list_organisations(None).await?;
        let side = |assessor: Assessor| Side {
            assessor,
            organisation: match assessor {
                Assessor::Municipality => None,
                Assessor::Organisation(id) => organisations.iter().find(|o| o.id == id).map(|o| o.name.clone()),
            },
            key: side_key(assessor),
        };
        let own: Vec<Assessor> = own_sides(actor, &cycle.cycle.city);
        let mut assessors: Vec<Assessor> = assessments.iter().map(|a| a.assessor).chain(own.iter().copied()).collect();
        assessors.push(Assessor::Municipality);
        assessors.sort();
        assessors.dedup();
        let rights = self.store.list_rights(None).await?;
        let themes = self.store.list_themes().await?;
        let mut subjects: Vec<AssessedSubject> = assessments.iter().map(|a| a.assessment.subject.clone()).collect();
        subjects.dedup();
        let rows = subjects
            .into_iter()
            .map(|subject| {
                let cells: Vec<Option<Cell>> = assessors
                    .iter()
                    .map(|assessor| {
                        // Versions come oldest first: the last is the side's assessment.
                        let mut versions: Vec<Assessment> =
                            assessments.iter().filter(|a| a.assessment.subject == subject && a.assessor == *assessor).cloned().collect();
                        let latest = versions.pop()?;
                        versions.reverse();
                        Some(Cell { latest, earlier: versions })
                    })
                    .collect();
                let verdicts: Vec<_> = cells.iter().flatten().map(|c| c.latest.assessment.verdict).collect();
                let disagreement = verdicts.iter().enumerate().any(|(i, a)| verdicts[i + 1..].iter().any(|b| disagree(*a, *b)));
                let name = match &subject {
                    AssessedSubject::Right(code) => rights.iter().find(|r| &r.code == code).map(|r| r.name.clone()),
                    AssessedSubject::Theme(code) => themes.iter().find(|t| &t.code == code).map(|t| t.name.clone()),
                };
                BoardRow { subject, name, cells, disagreement }
            })
            .collect();
        Ok(AssessmentBoard {
            cycle,
            sides: assessors.iter().map(|a| side(*a)).collect(),
            rows,
            own_sides: own.iter().map(|a| side(*a)).collect(),
        })
    }
}
