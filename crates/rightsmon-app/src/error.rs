//! The one error type of the application layer.
//!
//! Each kind has a stable machine code ([`AppError::code`]) that the web layer maps to a status
//! and the UI translates. Internal errors keep their cause for the log and never reach a user.

use rightsmon_domain::FieldErrors;
use rightsmon_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign in first")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("the user name or password is wrong")]
    BadCredentials,
    #[error("too many failed attempts; try again in {retry_after_seconds} seconds")]
    Throttled { retry_after_seconds: i64 },
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// The request cannot be done as the data stand; the message says why, in words a reader
    /// can act on.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A stable code for machines and translations.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::BadCredentials => "bad_credentials",
            Self::Throttled { .. } => "throttled",
            Self::Invalid(_) => "invalid",
            Self::Conflict(_) => "conflict",
            Self::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            // The constraint's name is the store's business; the reader learns what to do.
            StoreError::Conflict { constraint } => {
                tracing::debug!(%constraint, "conflict with stored data");
                Self::Conflict("this conflicts with data stored meanwhile: reload the page and try again".into())
            }
            StoreError::Corrupt(detail) => Self::Internal(anyhow::anyhow!("stored data could not be read: {detail}")),
            StoreError::Backend(error) => Self::Internal(error),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors)
    }
}
