//! Monitoring reports: a city's coordinators issue the report of a reporting cycle, built from
//! stored, published data only and frozen as issued. Anyone may read an issued report; it says
//! which values it used and, when values have been revised or added since, that newer ones
//! exist, while its own numbers stay as they were.

use crate::findings::IndicatorFindings;
use crate::observations::ObservationFilter;
use crate::{App, AppError, AppResult, signed_in};
use rightsmon_analysis::progress::{Assessment as Verdict, Method, Outcome};
use rightsmon_domain::access::{Actor, Permission};
use rightsmon_domain::accountability::{ActionStatus, implementation, is_overdue};
use rightsmon_domain::collection::Cycle;
use rightsmon_domain::id::IndicatorCode;
use rightsmon_domain::observation::{Observation, ObservationValue, WorkflowState};
use rightsmon_domain::period::Period;
use rightsmon_domain::report::{
    ActionLine, AssessmentLine, CityReportSnapshot, ComparisonCell, ComparisonLine, DataGap, GapLine, IndicatorLine, MethodUsed,
    NetworkCityLine, NetworkReport, NetworkReportSnapshot, RecommendationLine, Report, SNAPSHOT_FORMAT, ThemeLine, UsedValue, ValueChange,
    VerdictLine, changes_since,
};
use rightsmon_domain::time::Date;
use rightsmon_store::{RecommendationQuery, Visibility};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub use rightsmon_formats::pdf::{Block, Document, Table};
pub use rightsmon_formats::spreadsheet::{Cell, Sheet};

/// A report laid out as an A4 PDF.
pub fn report_pdf(document: &Document) -> AppResult<Vec<u8>> {
    rightsmon_formats::pdf::write_pdf(document).map_err(|e| AppError::Internal(anyhow::anyhow!("writing the report's PDF: {e}")))
}

/// A report's tables as a workbook.
pub fn report_xlsx(sheets: &[Sheet]) -> AppResult<Vec<u8>> {
    rightsmon_formats::spreadsheet::write_xlsx(sheets)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the report's workbook: {e}")))
}

/// An issued comparative report of the network, and what changed in its data since.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkReportView {
    pub report: NetworkReport,
    pub changes: Vec<ValueChange>,
}

/// An issued report and what changed in its data since.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub report: Report,
    pub changes: Vec<ValueChange>,
}

fn method_used(method: Method) -> MethodUsed {
    MethodUsed { name: method.name.to_owned(), version: method.version }
}

fn verdict_line(verdict: &Verdict) -> VerdictLine {
    let (kind, code, words, score, reason) = match &verdict.outcome {
        Outcome::Score { score } => ("score", String::new(), String::new(), Some(*score), None),
        Outcome::Category { code, words, .. } => ("category", (*code).to_owned(), (*words).to_owned(), verdict.category_score, None),
        Outcome::NotAssessable { reason } => ("not_assessable", String::new(), String::new(), None, Some(reason.clone())),
    };
    let since = (verdict.method == rightsmon_analysis::progress::STATE_CHANGE).then(|| verdict.base.map(|p| p.year)).flatten();
    VerdictLine { method: method_used(verdict.method), kind: kind.to_owned(), code, words, score, reason, since }
}

fn number(value: &ObservationValue) -> Option<f64> {
    crate::findings::number(value)
}

fn used(observation: &Observation) -> UsedValue {
    UsedValue {
        id: observation.id,
        indicator: observation.data.indicator.clone(),
        period: observation.data.period.to_string(),
        key: observation.data.key.to_string(),
        value: number(&observation.data.value),
        revision: observation.revision,
    }
}

/// The last month of a period, counted as `start_month_index` counts.
fn end_month(period: Period) -> i64 {
    period.start_month_index() + period.length_in_months() - 1
}

impl App {
    /// Issues the report of a cycle; the city's coordinators do (or the network's).
    pub async fn issue_city_report(&self, actor: &Actor, cycle_id: i64) -> AppResult<Report> {
        let user = signed_in(actor)?;
        let cycle = self.store.get_cycle(cycle_id).await?;
        if !actor.may(Permission::ManageCity(&cycle.cycle.city)) {
            return Err(AppError::Forbidden);
        }
        let snapshot = self.city_report_snapshot(&cycle).await?;
        let title = format!("{}: {}", snapshot.city_name, cycle.cycle.name);
        let event = self.event(
            Some(user),
            "report.issued",
            "report:*",
            serde_json::json!({"city": cycle.cycle.city, "cycle": cycle_id, "values": snapshot.values.len()}),
        );
        Ok(self.store.issue_report(&title, &snapshot, Some(user), self.now(), &event).await?)
    }

    /// An issued report, with what changed in the values it used since. Issued reports are
    /// public: they hold published data only.
    pub async fn report(&self, id: i64) -> AppResult<ReportView> {
        let report = self.store.get_report(id).await?;
        let indicators: BTreeSet<&IndicatorCode> = report.snapshot.indicators.iter().map(|i| &i.code).collect();
        let now: Vec<UsedValue> = self
            .published_values(&report.snapshot.city, &indicators, Some(report.snapshot.period.as_str()))
            .await?
            .iter()
            .map(used)
            .collect();
        let changes = changes_since(&report.snapshot.values, &now);
        Ok(ReportView { report, changes })
    }

    /// A city's issued reports, latest first.
    pub async fn reports(&self, city: &str) -> AppResult<Vec<Report>> {
        let city = self.city(city).await?;
        Ok(self.store.list_reports(Some(&city.code)).await?)
    }

    /// The published values of a city (not its districts) for these indicators, of periods that
    /// begin before the end of `up_to`.
    async fn published_values(
        &self,
        city: &rightsmon_domain::id::AreaCode,
        indicators: &BTreeSet<&IndicatorCode>,
        up_to: Option<&str>,
    ) -> AppResult<Vec<Observation>> {
        let end = up_to.and_then(|p| Period::parse(p).ok()).map(end_month);
        let filter = ObservationFilter { area: Some(city.to_string()), ..ObservationFilter::default() };
        let all = self.all_observations_seen(Visibility::PublishedOnly, &filter).await?;
        Ok(all
            .into_iter()
            .filter(|o| o.data.state == WorkflowState::Published && o.data.area == *city)
            .filter(|o| indicators.contains(&o.data.indicator))
            .filter(|o| end.is_none_or(|end| o.data.period.start_month_index() <= end))
            .collect())
    }

    async fn city_report_snapshot(&self, cycle: &Cycle) -> AppResult<CityReportSnapshot> {
        let public = Actor::Anonymous;
        let city = self.city(cycle.cycle.city.as_str()).await?;
        let period = cycle.cycle.period;
        let (start, end) = (period.start_month_index(), end_month(period));
        let findings: BTreeMap<IndicatorCode, IndicatorFindings> = self
            .city_findings(&public, city.code.as_str())
            .await?
            .into_iter()
            .filter_map(|f| IndicatorCode::parse(&f.indicator).ok().map(|code| (code, f)))
            .collect();
        let mut definitions = self.collected_indicators(&city.code).await?;
        for code in findings.keys() {
            if !definitions.iter().any(|d| &d.code == code) {
                definitions.push(self.indicator(code.as_str(), None).await?);
            }
        }
        definitions.sort_by(|a, b| a.code.cmp(&b.code));
        let codes: BTreeSet<&IndicatorCode> = definitions.iter().map(|d| &d.code).collect();
        let values = self.published_values(&city.code, &codes, Some(&period.to_string())).await?;

        let mut indicators = Vec::new();
        let mut data_gaps = Vec::new();
        let mut gaps = Vec::new();
        let mut methods = BTreeSet::new();
        for definition in &definitions {
            let mut totals: Vec<&Observation> =
                values.iter().filter(|o| o.data.indicator == definition.code && o.data.key.is_total()).collect();
            totals.sort_by_key(|o| (o.data.period.start_month_index(), o.data.version));
            let latest = totals.last();
            let verdict = findings.get(&definition.code).and_then(|f| f.headline()).map(verdict_line);
            if let Some(verdict) = &verdict {
                methods.insert(verdict.method.clone());
            }
            if let Some(found) = findings.get(&definition.code)
                && let (Some(found_gaps), Some(gap_period)) = (&found.gaps, &found.gap_period)
                && Period::parse(gap_period).is_ok_and(|p| p.start_month_index() <= end)
            {
                methods.insert(method_used(found_gaps.method));
                for group in &found_gaps.groups {
                    gaps.push(GapLine {
                        indicator: definition.code.clone(),
                        period: gap_period.clone(),
                        method: method_used(found_gaps.method),
                        reference: found_gaps.reference.clone(),
                        reference_value: found_gaps.reference_value,
                        group: group.group.clone(),
                        value: group.value,
                        absolute: group.absolute,
                        ratio: group.ratio,
                    });
                }
            }
            let in_cycle = totals.iter().any(|o| o.data.period.start_month_index() <= end && end_month(o.data.period) >= start);
            if !in_cycle {
                data_gaps.push(DataGap {
                    code: definition.code.clone(),
                    name: definition.name.clone(),
                    latest_period: latest.map(|o| o.data.period.to_string()),
                });
            }
            indicators.push(IndicatorLine {
                code: definition.code.clone(),
                name: definition.name.clone(),
                unit: definition.unit.clone(),
                themes: definition.themes.clone(),
                rights: definition.rights.iter().map(|r| r.right.to_string()).collect(),
                period: latest.map(|o| o.data.period.to_string()),
                value: latest.and_then(|o| number(&o.data.value)),
                observation_id: latest.map(|o| o.id),
                verdict,
            });
        }

        let themes = self
            .themes()
            .await?
            .into_iter()
            .filter_map(|theme| {
                let lines: Vec<&IndicatorLine> = indicators.iter().filter(|i| i.themes.contains(&theme.code)).collect();
                if lines.is_empty() {
                    return None;
                }
                let mut verdicts: BTreeMap<(MethodUsed, String, String), usize> = BTreeMap::new();
                for verdict in lines.iter().filter_map(|i| i.verdict.as_ref()).filter(|v| v.kind == "category") {
                    *verdicts.entry((verdict.method.clone(), verdict.code.clone(), verdict.words.clone())).or_default() += 1;
                }
                Some(ThemeLine {
                    code: theme.code.clone(),
                    name: theme.name.clone(),
                    indicators: lines.len(),
                    measured: lines.iter().filter(|i| !data_gaps.iter().any(|g| g.code == i.code)).count(),
                    verdicts: verdicts.into_iter().map(|((m, c, w), n)| (m, c, w, n)).collect(),
                })
            })
            .collect();

        let board = self.assessment_board(&public, cycle.id).await?;
        let mut assessments = Vec::new();
        for row in &board.rows {
            for (side, cell) in board.sides.iter().zip(&row.cells) {
                if let Some(cell) = cell {
                    assessments.push(AssessmentLine {
                        subject: row.subject.to_string(),
                        subject_name: row.name.clone(),
                        assessor: side.assessor,
                        organisation: side.organisation.clone(),
                        verdict: cell.latest.assessment.verdict,
                        reasoning: cell.latest.assessment.reasoning.clone(),
                        version: cell.latest.version,
                        disagreement: row.disagreement,
                    });
                }
            }
        }

        let query = RecommendationQuery { visibility: Visibility::PublishedOnly, city: Some(city.code.clone()) };
        let published = self.store.list_recommendations(&query).await?;
        let ids: Vec<i64> = published.iter().map(|r| r.id).collect();
        let actions = self.store.list_actions(&ids).await?;
        let today = Date::of_timestamp(self.now());
        let recommendations = published
            .into_iter()
            .map(|r| {
                let own: Vec<_> = actions.iter().filter(|a| a.recommendation_id == r.id).collect();
                let statuses: Vec<ActionStatus> = own.iter().map(|a| a.status).collect();
                RecommendationLine {
                    id: r.id,
                    title: r.recommendation.title.clone(),
                    source: r.recommendation.source,
                    made_on: r.recommendation.made_on,
                    response: r.response,
                    implementation: implementation(r.response, &statuses),
                    actions: own
                        .iter()
                        .map(|a| ActionLine {
                            title: a.action.title.clone(),
                            responsible: a.action.responsible.clone(),
                            deadline: a.action.deadline,
                            status: a.status,
                            overdue: is_overdue(a.status, a.action.deadline, today),
                        })
                        .collect(),
                }
            })
            .collect();

        Ok(CityReportSnapshot {
            format: SNAPSHOT_FORMAT,
            city: city.code.clone(),
            city_name: city.name.clone(),
            cycle_id: cycle.id,
            cycle_name: cycle.cycle.name.clone(),
            period: period.to_string(),
            data_as_of: self.now(),
            themes,
            indicators,
            gaps,
            assessments,
            recommendations,
            data_gaps,
            values: values.iter().map(used).collect(),
            methods: methods.into_iter().collect(),
        })
    }
}

impl App {
    /// Issues the network's comparative report; the network's coordinators do.
    pub async fn issue_network_report(&self, actor: &Actor) -> AppResult<NetworkReport> {
        let user = signed_in(actor)?;
        if !actor.may(Permission::ManageNetwork) {
            return Err(AppError::Forbidden);
        }
        let snapshot = self.network_report_snapshot().await?;
        let title = format!("Rights Monitor network, {}", Date::of_timestamp(snapshot.data_as_of));
        let event =
            self.event(Some(user), "report.network_issued", "network_report:*", serde_json::json!({"cities": snapshot.cities.len()}));
        Ok(self.store.issue_network_report(&title, &snapshot, Some(user), self.now(), &event).await?)
    }

    /// An issued network report, with what changed in the values it used since.
    pub async fn network_report(&self, id: i64) -> AppResult<NetworkReportView> {
        let report = self.store.get_network_report(id).await?;
        let indicators: BTreeSet<&IndicatorCode> = report.snapshot.comparison.iter().map(|c| &c.code).collect();
        let mut now = Vec::new();
        for city in &report.snapshot.cities {
            now.extend(self.published_values(&city.code, &indicators, None).await?.iter().filter(|o| o.data.key.is_total()).map(used));
        }
        let changes = changes_since(&report.snapshot.values, &now);
        Ok(NetworkReportView { report, changes })
    }

    /// The network's issued reports, latest first.
    pub async fn network_reports(&self) -> AppResult<Vec<NetworkReport>> {
        Ok(self.store.list_network_reports().await?)
    }

    async fn network_report_snapshot(&self) -> AppResult<NetworkReportSnapshot> {
        let public = Actor::Anonymous;
        let cities = self.store.list_areas(Some(rightsmon_domain::area::AreaKind::City), None).await?;
        let roadmap = self.roadmap(None).await?;
        let recommendations =
            self.store.list_recommendations(&RecommendationQuery { visibility: Visibility::PublishedOnly, city: None }).await?;
        let ids: Vec<i64> = recommendations.iter().map(|r| r.id).collect();
        let actions = self.store.list_actions(&ids).await?;
        let today = Date::of_timestamp(self.now());
        let mut lines = Vec::new();
        let mut per_city: Vec<BTreeMap<IndicatorCode, IndicatorFindings>> = Vec::new();
        let mut codes: BTreeSet<IndicatorCode> = BTreeSet::new();
        let mut methods = BTreeSet::new();
        for city in &cities {
            let findings: BTreeMap<IndicatorCode, IndicatorFindings> = self
                .city_findings(&public, city.code.as_str())
                .await?
                .into_iter()
                .filter_map(|f| IndicatorCode::parse(&f.indicator).ok().map(|code| (code, f)))
                .collect();
            let followed = self.collected_indicators(&city.code).await?.len().max(findings.len());
            let mut verdicts: BTreeMap<(MethodUsed, String, String), usize> = BTreeMap::new();
            for verdict in findings.values().filter_map(|f| f.headline()).map(verdict_line).filter(|v| v.kind == "category") {
                methods.insert(verdict.method.clone());
                *verdicts.entry((verdict.method, verdict.code, verdict.words)).or_default() += 1;
            }
            let own: Vec<_> = recommendations.iter().filter(|r| r.recommendation.city.as_ref() == Some(&city.code)).collect();
            let implemented = own
                .iter()
                .filter(|r| {
                    let statuses: Vec<ActionStatus> = actions.iter().filter(|a| a.recommendation_id == r.id).map(|a| a.status).collect();
                    implementation(r.response, &statuses) == ActionStatus::Implemented
                })
                .count();
            let overdue_actions = actions
                .iter()
                .filter(|a| own.iter().any(|r| r.id == a.recommendation_id) && is_overdue(a.status, a.action.deadline, today))
                .count();
            let disagreements = match self.store.list_cycles(&city.code).await?.first() {
                Some(cycle) => self.assessment_board(&public, cycle.id).await?.rows.iter().filter(|r| r.disagreement).count(),
                None => 0,
            };
            let steps_reached = roadmap.cities.iter().find(|c| c.code == city.code).map_or(0, |c| c.reached);
            codes.extend(findings.keys().cloned());
            lines.push(NetworkCityLine {
                code: city.code.clone(),
                name: city.name.clone(),
                indicators: followed,
                measured: findings.len(),
                verdicts: verdicts.into_iter().map(|((m, c, w), n)| (m, c, w, n)).collect(),
                recommendations: own.len(),
                implemented,
                overdue_actions,
                disagreements,
                steps_reached,
                steps: roadmap.steps.len(),
            });
            per_city.push(findings);
        }
        // Each indicator measured somewhere, with every city's latest published value.
        let mut comparison = Vec::new();
        let mut values = Vec::new();
        let all: BTreeSet<&IndicatorCode> = codes.iter().collect();
        let mut published = Vec::new();
        for city in &cities {
            published.push(self.published_values(&city.code, &all, None).await?);
        }
        for code in &codes {
            let definition = self.indicator(code.as_str(), None).await?;
            let mut cells = Vec::new();
            for (i, _city) in cities.iter().enumerate() {
                let mut totals: Vec<&Observation> =
                    published[i].iter().filter(|o| &o.data.indicator == code && o.data.key.is_total()).collect();
                totals.sort_by_key(|o| (o.data.period.start_month_index(), o.data.version));
                values.extend(totals.iter().map(|o| used(o)));
                cells.push(totals.last().map(|o| ComparisonCell {
                    period: o.data.period.to_string(),
                    value: number(&o.data.value),
                    verdict: per_city[i].get(code).and_then(|f| f.headline()).map(verdict_line),
                }));
            }
            comparison.push(ComparisonLine { code: code.clone(), name: definition.name.clone(), unit: definition.unit.clone(), cells });
        }
        Ok(NetworkReportSnapshot {
            format: SNAPSHOT_FORMAT,
            data_as_of: self.now(),
            cities: lines,
            comparison,
            values,
            methods: methods.into_iter().collect(),
        })
    }
}
