//! Imports in the browser: the upload form, the import running in the background while its
//! page shows how far it is, and its report.
//!
//! An upload is written to a temporary file as it arrives, then imported by a background task
//! exactly as `rightsmon import` does (whole or not at all). The import's page shows a progress
//! bar; without JavaScript it is brought up to date by reloading (a link does that), with
//! JavaScript a small script asks `/api/v1/imports/{id}` every second. Jobs live in memory,
//! for their owner alone, and are forgotten an hour after they end; the values they wrote are
//! in the database, and a job cut short by a restart wrote nothing.

use crate::WebState;
use crate::context::{Ctx, Id};
use crate::error::WebError;
use crate::upload;
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use rightsmon_app::AppError;
use rightsmon_app::imports::{ImportReport, ImportRequest, OpenSdgFile, OpenSdgMapping};
use rightsmon_domain::access::Permission;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// How long a finished job's report stays available.
const KEEP_FINISHED: Duration = Duration::from_secs(3600);
/// Imports one user may run at the same time.
const RUNNING_PER_USER: usize = 2;
/// Finished imports whose reports are kept per user (the newest); memory stays bounded however
/// many imports a user runs within the hour.
const FINISHED_PER_USER: usize = 20;

/// One import in the background.
#[derive(Debug)]
pub struct Job {
    owner: i64,
    file_name: String,
    total_bytes: u64,
    /// A workbook is read whole before its rows are: how far it is cannot be told.
    is_workbook: bool,
    rows: AtomicU64,
    bytes: AtomicU64,
    outcome: Mutex<Option<(Instant, Result<ImportReport, String>)>>,
}

impl Job {
    fn finished(&self) -> Option<(Instant, Result<ImportReport, String>)> {
        self.outcome.lock().ok().and_then(|o| o.clone())
    }

    /// How far the job is, from 0 to 100, where that can be told.
    fn percent(&self) -> Option<u64> {
        if self.total_bytes == 0 || self.is_workbook {
            return None;
        }
        Some((self.bytes.load(Ordering::Relaxed).saturating_mul(100) / self.total_bytes).min(99))
    }

    fn status(&self, id: &str) -> Value {
        let mut status = json!({
            "id": id,
            "file": self.file_name,
            "rows": self.rows.load(Ordering::Relaxed),
            "percent": self.percent(),
            "done": false,
        });
        if let Some((_, outcome)) = self.finished() {
            status["done"] = json!(true);
            status["percent"] = json!(100);
            match outcome {
                Ok(report) => status["report"] = json!(report),
                Err(message) => status["error"] = json!(message),
            }
        }
        status
    }
}

/// The imports of the running server.
#[derive(Debug, Default)]
pub struct Jobs(Mutex<HashMap<String, Arc<Job>>>);

impl Jobs {
    fn get(&self, id: &str, owner: i64) -> Option<Arc<Job>> {
        let jobs = self.0.lock().ok()?;
        jobs.get(id).filter(|job| job.owner == owner).cloned()
    }

    /// Adds a job, forgetting those finished long ago; refuses when the owner runs too many.
    fn add(&self, id: String, job: Arc<Job>) -> Result<(), WebError> {
        let mut jobs = self.0.lock().map_err(|_| WebError::App(AppError::Internal(anyhow::anyhow!("import jobs poisoned"))))?;
        jobs.retain(|_, job| job.finished().is_none_or(|(at, _)| at.elapsed() < KEEP_FINISHED));
        let mut finished: Vec<(Instant, String)> =
            jobs.iter().filter(|(_, j)| j.owner == job.owner).filter_map(|(id, j)| j.finished().map(|(at, _)| (at, id.clone()))).collect();
        finished.sort();
        let excess = finished.len().saturating_sub(FINISHED_PER_USER - 1);
        for (_, id) in finished.into_iter().take(excess) {
            jobs.remove(&id);
        }
        let running = jobs.values().filter(|j| j.owner == job.owner && j.finished().is_none()).count();
        if running >= RUNNING_PER_USER {
            return Err(WebError::App(AppError::Conflict(format!(
                "{running} of your imports are still running; wait until one has finished"
            ))));
        }
        jobs.insert(id, job);
        Ok(())
    }
}

fn owner(ctx: &Ctx) -> Result<i64, WebError> {
    ctx.actor.user().map(|u| u.id).ok_or(WebError::App(AppError::Unauthenticated))
}

/// The cycles whose templates the actor may download: those of the cities they enter data for.
async fn cycles(state: &WebState, ctx: &Ctx) -> Result<Vec<Value>, WebError> {
    let mut rows = Vec::new();
    for city in state.app.network_overview().await?.cities.iter().filter(|c| ctx.actor.may(Permission::EnterData(&c.code))) {
        for cycle in state.app.cycles(city.code.as_str()).await? {
            rows.push(json!({
                "id": cycle.id,
                "name": cycle.cycle.name,
                "city": city.name,
                "period": cycle.cycle.period.to_string(),
                "deadline": cycle.cycle.deadline.to_string(),
            }));
        }
    }
    Ok(rows)
}

async fn form_page(state: &WebState, ctx: &Ctx, error: Option<String>, status: StatusCode) -> Result<Response, WebError> {
    let errors = error.map(|message| vec![json!({"field": "file", "message": message})]);
    let cities: Vec<Value> = state
        .app
        .network_overview()
        .await?
        .cities
        .iter()
        .filter(|c| ctx.actor.may(Permission::EnterData(&c.code)))
        .map(|c| json!({"code": c.code, "name": c.name}))
        .collect();
    let page = json!({
        "cycles": cycles(state, ctx).await?,
        "cities": cities,
        "errors": errors,
        "limit_mb": state.settings.upload_limit / (1024 * 1024),
    });
    Ok((status, Html(state.render("import_new.html", ctx, page)?)).into_response())
}

pub async fn new_form(State(state): State<WebState>, ctx: Ctx) -> Result<Response, WebError> {
    owner(&ctx)?;
    form_page(&state, &ctx, None, StatusCode::OK).await
}

fn storing(error: std::io::Error) -> WebError {
    WebError::App(AppError::Internal(anyhow::anyhow!("cannot store the upload: {error}")))
}

/// Removes the upload's temporary file when dropped, whatever happens to the import.
struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The folder uploads wait in while they are imported. Each file's name starts with the number
/// of the process that wrote it, so that a server starting again removes what a process that
/// ended (or crashed) left behind, and nothing of a process still running beside it.
pub fn upload_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("rightsmon-uploads")
}

/// Removes the uploads of processes that are no longer running (on systems without `/proc`,
/// those older than a day); returns how many went.
pub fn clean_uploads(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let proc_fs = std::path::Path::new("/proc/self").exists();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        let orphaned = if proc_fs {
            pid != std::process::id() && !std::path::Path::new("/proc").join(pid.to_string()).exists()
        } else {
            entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 86_400))
        };
        if orphaned && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Receives an upload and starts its import.
pub async fn upload(
    State(state): State<WebState>,
    ctx: Ctx,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let user = owner(&ctx)?;
    // Only someone who enters data somewhere may send a file at all; which values of it they
    // may import is the import's to say, row by row.
    let overview = state.app.network_overview().await?;
    if !overview.cities.iter().any(|c| ctx.actor.may(Permission::EnterData(&c.code))) {
        return Err(WebError::App(AppError::Forbidden));
    }
    let mut multipart = multipart?;
    let mut request = ImportRequest::default();
    let (mut separator, mut decimal) = (String::new(), String::new());
    let mut upload: Option<(String, TempFile, u64, bool)> = None;
    let (mut format, mut city) = (String::new(), String::new());
    let too_large =
        |state: &WebState| WebError::BadRequest(format!("the file is larger than {} MB", state.settings.upload_limit / (1024 * 1024)));
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(&state)),
            Err(e) => return Err(e.into()),
        };
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or_default().chars().take(200).collect::<String>();
                let dir = upload_dir();
                tokio::fs::create_dir_all(&dir).await.map_err(storing)?;
                let temp = TempFile(dir.join(format!("{}-{}", std::process::id(), rightsmon_app::accounts::random_token())));
                let mut file = tokio::fs::File::create(&temp.0).await.map_err(storing)?;
                let mut size = 0u64;
                let mut is_workbook = false;
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if size == 0 {
                                is_workbook = chunk.starts_with(b"PK\x03\x04");
                            }
                            size += chunk.len() as u64;
                            file.write_all(&chunk).await.map_err(storing)?;
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(&state)),
                        Err(e) => return Err(e.into()),
                    }
                }
                file.flush().await.map_err(storing)?;
                upload = Some((name, temp, size, is_workbook));
            }
            "format" => format = upload::text(field).await?,
            "city" => city = upload::text(field).await?,
            "dry_run" => request.dry_run = true,
            "submit" => request.submit = true,
            "reason" => request.reason = Some(upload::text(field).await?).filter(|r| !r.is_empty()),
            "separator" => separator = upload::text(field).await?,
            "decimal" => decimal = upload::text(field).await?,
            _ => {}
        }
    }
    request.csv = rightsmon_app::imports::CsvOptions::parse(&separator, &decimal).map_err(WebError::BadRequest)?;
    let Some((file_name, temp, size, is_workbook)) = upload.filter(|(_, _, size, _)| *size > 0) else {
        let message = state.i18n.message(&ctx.lang, "import-no-file", &[]);
        return form_page(&state, &ctx, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    // An Open SDG file is one indicator of one city, named as in an Open SDG data folder.
    let open_sdg = match format.as_str() {
        "" | "auto" => None,
        "open-sdg" => {
            let Some(id) = rightsmon_app::imports::open_sdg_indicator_id(&file_name) else {
                let message = state.i18n.message(&ctx.lang, "import-open-sdg-name", &[]);
                return form_page(&state, &ctx, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await;
            };
            Some((id.to_owned(), city))
        }
        other => return Err(WebError::BadRequest(format!("{other:?} is not an import format: use auto or open-sdg"))),
    };
    let id = rightsmon_app::accounts::random_token();
    let job = Arc::new(Job {
        owner: user,
        file_name,
        total_bytes: size,
        is_workbook,
        rows: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        outcome: Mutex::new(None),
    });
    state.jobs.add(id.clone(), job.clone())?;
    let app = state.app.clone();
    let actor = ctx.actor.clone();
    let cache = state.cache.clone();
    tokio::spawn(async move {
        let progress = {
            let job = job.clone();
            move |rows: u64, bytes: u64| {
                job.rows.store(rows, Ordering::Relaxed);
                job.bytes.store(bytes, Ordering::Relaxed);
            }
        };
        let outcome = match open_sdg {
            None => match std::fs::File::open(&temp.0) {
                Ok(file) => app.import_file(&actor, std::io::BufReader::new(file), &request, &progress).await,
                Err(e) => Err(AppError::Internal(anyhow::anyhow!("the upload cannot be read: {e}"))),
            },
            Some((id, city)) => {
                let path = temp.0.clone();
                let files = vec![OpenSdgFile {
                    id,
                    metadata: std::collections::BTreeMap::new(),
                    open: Box::new(move || std::fs::File::open(&path)),
                }];
                app.import_open_sdg(&actor, &city, files, &OpenSdgMapping::default(), &request, &progress).await
            }
        };
        let outcome = outcome.map_err(|e| match e {
            AppError::Invalid(errors) => errors.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; "),
            other => other.to_string(),
        });
        drop(temp);
        // The import wrote values (or may have): pages rendered before it are out of date.
        cache.invalidate();
        if let Err(message) = &outcome {
            tracing::warn!(error = %message, "import failed");
        }
        let committed = matches!(&outcome, Ok(report) if report.committed);
        if let Ok(mut slot) = job.outcome.lock() {
            *slot = Some((Instant::now(), outcome));
        }
        // Readers of the cities it changed do not wait for their findings.
        if committed && let Err(error) = app.refresh_all_findings().await {
            tracing::warn!(%error, "findings could not be refreshed after an import");
        }
    });
    let mut response = Redirect::to(&format!("/workspace/imports/{id}")).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    Ok(response)
}

fn job_for(state: &WebState, ctx: &Ctx, id: &str) -> Result<Arc<Job>, WebError> {
    let user = owner(ctx)?;
    state.jobs.get(id, user).ok_or(WebError::App(AppError::NotFound))
}

/// The import's page: its progress while it runs, its report when it is done.
pub async fn show(State(state): State<WebState>, ctx: Ctx, Path(id): Path<String>) -> Result<Html<String>, WebError> {
    let job = job_for(&state, &ctx, &id)?;
    Ok(Html(state.render("import.html", &ctx, job.status(&id))?))
}

/// The import's progress, and its report when it is done, as JSON.
pub async fn status(State(state): State<WebState>, ctx: Ctx, Path(id): Path<String>) -> Result<Response, WebError> {
    let job = job_for(&state, &ctx, &id)?;
    Ok(Json(job.status(&id)).into_response())
}

/// The wide workbook of a cycle, to fill in and upload.
pub async fn template(State(state): State<WebState>, ctx: Ctx, Id(id): Id) -> Result<Response, WebError> {
    let (name, bytes) = state.app.wide_template(&ctx.actor, id, &ctx.lang).await?;
    let disposition = format!("attachment; filename=\"{}\"", name.replace(['"', '\\'], "_"));
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

pub const SCRIPT: &str = include_str!("../static/import.js");

pub async fn script() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], SCRIPT)
}
