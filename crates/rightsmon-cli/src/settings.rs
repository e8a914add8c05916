//! Settings: defaults < config file < `RIGHTSMON_*` environment < command-line flags.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Every setting, after all sources are merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub bind: String,
    pub secure_cookies: bool,
    pub body_limit_bytes: usize,
    pub upload_limit_bytes: usize,
    pub request_timeout_seconds: u64,
    pub page_cache_seconds: u64,
    pub session_hours: i64,
    pub log_format: LogFormat,
    /// The method whose verdict leads each indicator's page (the others follow it).
    pub headline_method: &'static str,
    /// Where reminder e-mails go; `None`: reminders show in workspaces only.
    pub smtp: Option<rightsmon_web::mail::SmtpSettings>,
    /// How often `serve` looks for reminders to keep and send; 0: never (use `rightsmon remind`).
    pub remind_every_minutes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// One layer of settings; unset fields leave the layer below in force.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub bind: Option<String>,
    pub secure_cookies: Option<bool>,
    pub body_limit_bytes: Option<usize>,
    pub upload_limit_bytes: Option<usize>,
    pub request_timeout_seconds: Option<u64>,
    pub page_cache_seconds: Option<u64>,
    pub session_hours: Option<i64>,
    pub log_format: Option<String>,
    pub headline_method: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    pub mail_from: Option<String>,
    pub public_url: Option<String>,
    pub remind_every_minutes: Option<u64>,
}

pub const DEFAULT_CONFIG: &str = r#"# Rights Monitor configuration. Every setting can also be given as an environment variable
# (RIGHTSMON_ and the name in capitals, e.g. RIGHTSMON_DATABASE_URL) or as a command-line flag;
# flags win over the environment, the environment over this file, this file over the defaults.

# Where data lives. The scheme picks the backend:
#   sqlite://PATH (a file, created if missing), sqlite::memory: (for trying things out),
#   postgres://USER:PASSWORD@HOST:PORT/DATABASE (several servers can share one database).
# Default: a SQLite file in data_dir.
# database_url = "sqlite://data/rightsmon.db"

# The folder for the SQLite database and other local files.
# data_dir = "data"

# The address the server listens on.
# bind = "127.0.0.1:8080"

# Mark cookies Secure: set this to true whenever the site is served over HTTPS (also behind a
# proxy that ends TLS).
# secure_cookies = false

# The largest request body accepted, in bytes.
# body_limit_bytes = 65536

# The largest file accepted for an import in the browser, in bytes (256 MB).
# upload_limit_bytes = 268435456

# How long one request may take.
# request_timeout_seconds = 30

# How long a public page rendered for anonymous readers may be served again, in seconds. Any change
# made through this server refreshes it at once; the limit bounds how long a change made from the
# command line or another server takes to show. 0 turns the cache off.
# page_cache_seconds = 10

# How long a session lasts after signing in.
# session_hours = 8

# Log lines as "text" or "json" (one JSON object per line, for log collectors).
# log_format = "text"

# The method whose verdict leads each indicator's page, the network's choice among the progress
# methods on /methods (open-sdg-progress-measure, open-sdg-progress-status, open-sdg-cagr-score,
# unsd-progress-chart, eurostat-sdg-assessment). Yes/no and ordinal indicators are always judged
# by their state (state-change).
# headline_method = "open-sdg-progress-measure"

# Reminder e-mails (due and overdue tasks, values waiting for validation, activity on proposals,
# action deadlines) go through this SMTP server: a local mail server, or one on a trusted network,
# which forwards them. Without smtp_host, reminders show in workspaces only. The password is best
# given as RIGHTSMON_SMTP_PASSWORD.
# smtp_host = "localhost"
# smtp_port = 25
# smtp_username = "rightsmon"
# mail_from = "Rights Monitor <monitor@example.org>"

# The site's public address, for the links in e-mails.
# public_url = "https://monitor.example.org"

# How often the server looks for reminders and sends them, in minutes; 0 leaves it to
# `rightsmon remind` run by a timer.
# remind_every_minutes = 15
"#;

impl Layer {
    /// Reads a config file.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = crate::read_text_within(path, 1024 * 1024, "a configuration file")?;
        toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(1, |span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            anyhow::anyhow!("the config file {} is not valid (line {line}): {}", path.display(), e.message().trim())
        })
    }

    /// Reads `RIGHTSMON_*` variables through `get`.
    pub fn from_environment(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let parse_bool = |name: &str| -> anyhow::Result<Option<bool>> {
            get(name)
                .map(|v| match v.to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => Ok(true),
                    "0" | "false" | "no" | "off" => Ok(false),
                    other => Err(anyhow::anyhow!("{name}={other:?} is not true or false")),
                })
                .transpose()
        };
        let parse_number = |name: &str| -> anyhow::Result<Option<u64>> {
            get(name).map(|v| v.parse::<u64>().map_err(|_| anyhow::anyhow!("{name}={v:?} is not a whole number"))).transpose()
        };
        Ok(Self {
            database_url: get("RIGHTSMON_DATABASE_URL"),
            data_dir: get("RIGHTSMON_DATA_DIR").map(PathBuf::from),
            bind: get("RIGHTSMON_BIND"),
            secure_cookies: parse_bool("RIGHTSMON_SECURE_COOKIES")?,
            body_limit_bytes: parse_number("RIGHTSMON_BODY_LIMIT_BYTES")?.map(|v| usize::try_from(v).unwrap_or(usize::MAX)),
            upload_limit_bytes: parse_number("RIGHTSMON_UPLOAD_LIMIT_BYTES")?.map(|v| usize::try_from(v).unwrap_or(usize::MAX)),
            request_timeout_seconds: parse_number("RIGHTSMON_REQUEST_TIMEOUT_SECONDS")?,
            page_cache_seconds: parse_number("RIGHTSMON_PAGE_CACHE_SECONDS")?,
            session_hours: parse_number("RIGHTSMON_SESSION_HOURS")?.map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
            log_format: get("RIGHTSMON_LOG_FORMAT"),
            headline_method: get("RIGHTSMON_HEADLINE_METHOD"),
            smtp_host: get("RIGHTSMON_SMTP_HOST"),
            smtp_port: parse_number("RIGHTSMON_SMTP_PORT")?
                .map(|v| u16::try_from(v).map_err(|_| anyhow::anyhow!("RIGHTSMON_SMTP_PORT={v} is not a port")))
                .transpose()?,
            smtp_username: get("RIGHTSMON_SMTP_USERNAME"),
            smtp_password: get("RIGHTSMON_SMTP_PASSWORD"),
            mail_from: get("RIGHTSMON_MAIL_FROM"),
            public_url: get("RIGHTSMON_PUBLIC_URL"),
            remind_every_minutes: parse_number("RIGHTSMON_REMIND_EVERY_MINUTES")?,
        })
    }

    fn over(self, base: Self) -> Self {
        Self {
            database_url: self.database_url.or(base.database_url),
            data_dir: self.data_dir.or(base.data_dir),
            bind: self.bind.or(base.bind),
            secure_cookies: self.secure_cookies.or(base.secure_cookies),
            body_limit_bytes: self.body_limit_bytes.or(base.body_limit_bytes),
            upload_limit_bytes: self.upload_limit_bytes.or(base.upload_limit_bytes),
            request_timeout_seconds: self.request_timeout_seconds.or(base.request_timeout_seconds),
            page_cache_seconds: self.page_cache_seconds.or(base.page_cache_seconds),
            session_hours: self.session_hours.or(base.session_hours),
            log_format: self.log_format.or(base.log_format),
            headline_method: self.headline_method.or(base.headline_method),
            smtp_host: self.smtp_host.or(base.smtp_host),
            smtp_port: self.smtp_port.or(base.smtp_port),
            smtp_username: self.smtp_username.or(base.smtp_username),
            smtp_password: self.smtp_password.or(base.smtp_password),
            mail_from: self.mail_from.or(base.mail_from),
            public_url: self.public_url.or(base.public_url),
            remind_every_minutes: self.remind_every_minutes.or(base.remind_every_minutes),
        }
    }
}

impl Settings {
    /// Merges the layers, lowest first, and checks the result.
    pub fn merge(file: Layer, environment: Layer, flags: Layer) -> anyhow::Result<Self> {
        let merged = flags.over(environment.over(file));
        let data_dir = merged.data_dir.unwrap_or_else(|| PathBuf::from("data"));
        let database_url = merged.database_url.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("rightsmon.db").display()));
        let log_format = match merged.log_format.as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => anyhow::bail!("log_format {other:?} is not text or json"),
        };
        let public_url = merged.public_url.unwrap_or_else(|| format!("http://{}", merged.bind.as_deref().unwrap_or("127.0.0.1:8080")));
        let smtp = match merged.smtp_host {
            None => None,
            Some(host) => {
                let from = merged
                    .mail_from
                    .ok_or_else(|| anyhow::anyhow!("smtp_host is set, so mail_from must say who reminder e-mails come from"))?;
                if merged.smtp_username.is_some() != merged.smtp_password.is_some() {
                    anyhow::bail!("smtp_username and smtp_password go together: give both or neither");
                }
                Some(rightsmon_web::mail::SmtpSettings {
                    host,
                    port: merged.smtp_port.unwrap_or(25),
                    username: merged.smtp_username,
                    password: merged.smtp_password,
                    from,
                    base_url: public_url.clone(),
                })
            }
        };
        let settings = Self {
            smtp,
            remind_every_minutes: merged.remind_every_minutes.unwrap_or(15),
            database_url,
            data_dir,
            bind: merged.bind.unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            secure_cookies: merged.secure_cookies.unwrap_or(false),
            body_limit_bytes: merged.body_limit_bytes.unwrap_or(64 * 1024),
            upload_limit_bytes: merged.upload_limit_bytes.unwrap_or(256 * 1024 * 1024),
            request_timeout_seconds: merged.request_timeout_seconds.unwrap_or(30),
            page_cache_seconds: merged.page_cache_seconds.unwrap_or(10),
            session_hours: merged.session_hours.unwrap_or(8),
            log_format,
            headline_method: match merged.headline_method.as_deref() {
                None => rightsmon_app::findings::DEFAULT_HEADLINE_METHOD,
                Some(name) => rightsmon_app::findings::headline_method(name).ok_or_else(|| {
                    anyhow::anyhow!(
                        "headline_method {name:?} is not a progress method: use one of {}",
                        rightsmon_app::findings::HEADLINE_METHODS.join(", ")
                    )
                })?,
            },
        };
        if settings.body_limit_bytes < 1024 {
            anyhow::bail!("body_limit_bytes must be at least 1024");
        }
        if !(1..=24 * 365).contains(&settings.session_hours) {
            anyhow::bail!("session_hours must be between 1 and 8760");
        }
        if settings.request_timeout_seconds == 0 {
            anyhow::bail!("request_timeout_seconds must be at least 1");
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn flags_beat_environment_beat_file_beat_defaults() {
        let file = Layer { bind: Some("0.0.0.0:1".into()), session_hours: Some(2), log_format: Some("json".into()), ..Layer::default() };
        let environment = Layer::from_environment(|name| match name {
            "RIGHTSMON_BIND" => Some("0.0.0.0:2".into()),
            "RIGHTSMON_SECURE_COOKIES" => Some("true".into()),
            _ => None,
        })
        .unwrap();
        let flags = Layer { bind: Some("0.0.0.0:3".into()), ..Layer::default() };
        let settings = Settings::merge(file, environment, flags).unwrap();
        assert_eq!(settings.bind, "0.0.0.0:3");
        assert!(settings.secure_cookies);
        assert_eq!(settings.session_hours, 2);
        assert_eq!(settings.log_format, LogFormat::Json);
        assert_eq!(settings.database_url, "sqlite://data/rightsmon.db");
    }

    #[test]
    fn the_default_config_parses_and_bad_values_are_refused() {
        let layer: Layer = toml::from_str(DEFAULT_CONFIG).unwrap();
        assert!(layer.bind.is_none());
        let uncommented: String =
            DEFAULT_CONFIG.lines().map(|l| l.strip_prefix("# ").filter(|r| r.contains(" = ")).unwrap_or(l)).collect::<Vec<_>>().join("\n");
        let layer: Layer = toml::from_str(&uncommented).unwrap();
        assert_eq!(layer.bind.as_deref(), Some("127.0.0.1:8080"));
        assert!(Layer::from_environment(|n| (n == "RIGHTSMON_SECURE_COOKIES").then(|| "maybe".into())).is_err());
        assert!(toml::from_str::<Layer>("unknown = 1").is_err());
        assert!(Settings::merge(Layer { log_format: Some("xml".into()), ..Layer::default() }, Layer::default(), Layer::default()).is_err());
    }
}
