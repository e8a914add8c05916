//! The one mapping from errors to HTTP responses.
//!
//! API routes (under `/api/`) answer with a stable JSON body `{"error": {"code", "message",
//! "fields"}}`; pages answer with an HTML page in the reader's language. A 500 is logged once
//! with its cause chain and shows a generic message: internals never reach the client. A
//! handler's error becomes an [`ErrorReport`] here; `context` renders it for its reader.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rightsmon_app::AppError;
use rightsmon_domain::FieldErrors;

#[derive(Debug)]
pub enum WebError {
    App(AppError),
    BadRequest(String),
    Csrf,
    MethodNotAllowed,
    TooLarge,
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

/// Every extractor's rejection (a form, query, JSON body or path that cannot be read) is a bad
/// request that says what was wrong.
macro_rules! rejections {
    ($($rejection:ty),*) => {
        $(impl From<$rejection> for WebError {
            fn from(rejection: $rejection) -> Self {
                Self::BadRequest(rejection.body_text())
            }
        })*
    };
}

rejections!(
    axum::extract::rejection::FormRejection,
    axum::extract::rejection::QueryRejection,
    axum::extract::rejection::JsonRejection,
    axum::extract::rejection::PathRejection,
    axum::extract::multipart::MultipartRejection
);

/// A multipart body that breaks off, or grows beyond its limit, while it is read.
impl From<axum::extract::multipart::MultipartError> for WebError {
    fn from(error: axum::extract::multipart::MultipartError) -> Self {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::TooLarge
        } else {
            Self::BadRequest(format!("the upload is not complete: {}", error.body_text()))
        }
    }
}

impl From<FieldErrors> for WebError {
    fn from(errors: FieldErrors) -> Self {
        Self::App(AppError::Invalid(errors))
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::App(error) => match error {
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
                AppError::Forbidden => StatusCode::FORBIDDEN,
                AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Conflict(_) => StatusCode::CONFLICT,
                AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Csrf => StatusCode::FORBIDDEN,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::App(error) => error.code(),
            Self::BadRequest(_) => "bad_request",
            Self::Csrf => "csrf",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::TooLarge => "too_large",
        }
    }

    /// The translation key of the message a reader sees.
    fn message_key(&self) -> &'static str {
        match self {
            Self::App(AppError::NotFound) => "error-not-found",
            Self::App(AppError::Unauthenticated) => "error-unauthenticated",
            Self::App(AppError::Forbidden) => "error-forbidden",
            Self::App(AppError::BadCredentials) => "login-failed",
            Self::App(AppError::Throttled { .. }) => "login-throttled",
            Self::App(AppError::Invalid(_)) | Self::BadRequest(_) => "error-bad-request",
            Self::App(AppError::Conflict(_)) => "error-conflict",
            Self::App(AppError::Internal(_)) => "error-internal",
            Self::Csrf => "error-csrf",
            Self::MethodNotAllowed => "error-method",
            Self::TooLarge => "error-too-large",
        }
    }

    /// English text for API clients and logs; never an internal detail.
    fn public_message(&self) -> String {
        match self {
            Self::App(AppError::Internal(_)) => "an unexpected error occurred".to_owned(),
            Self::App(error) => error.to_string(),
            Self::BadRequest(detail) => detail.clone(),
            Self::Csrf => "the CSRF token is missing or wrong".to_owned(),
            Self::MethodNotAllowed => "this method is not allowed here".to_owned(),
            Self::TooLarge => "the request body is too large".to_owned(),
        }
    }

    /// What exactly went wrong, for a reader who can act on it (shown under the translated
    /// message): the reason of a bad request or a conflict, the problems of refused input.
    fn detail(&self) -> Option<String> {
        match self {
            Self::BadRequest(detail) | Self::App(AppError::Conflict(detail)) => Some(detail.clone()),
            Self::App(AppError::Invalid(errors)) => Some(errors.0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ")),
            _ => None,
        }
    }

    fn fields(&self) -> Option<&FieldErrors> {
        match self {
            Self::App(AppError::Invalid(errors)) => Some(errors),
            _ => None,
        }
    }

    /// What the response needs to show, without the internals.
    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            status: self.status(),
            code: self.code(),
            message_key: self.message_key(),
            public_message: self.public_message(),
            detail: self.detail(),
            fields: self.fields().cloned(),
            retry_after_seconds: match self {
                Self::App(AppError::Throttled { retry_after_seconds }) => Some(*retry_after_seconds),
                _ => None,
            },
        }
    }
}

/// An error as a response carries it, until the context layer renders it as JSON or HTML.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    pub status: StatusCode,
    pub code: &'static str,
    pub message_key: &'static str,
    pub public_message: String,
    pub detail: Option<String>,
    pub fields: Option<FieldErrors>,
    pub retry_after_seconds: Option<i64>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Self::App(AppError::Internal(error)) = &self {
            tracing::error!(error = format!("{error:#}"), "internal error");
        }
        let report = self.report();
        let mut response = report.status.into_response();
        response.extensions_mut().insert(report);
        response
    }
}

impl ErrorReport {
    /// The report for a status that a layer or the router produced on its own.
    pub fn for_status(status: StatusCode) -> Option<Self> {
        let error = match status {
            StatusCode::METHOD_NOT_ALLOWED => WebError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge,
            StatusCode::REQUEST_TIMEOUT => WebError::BadRequest("the request took too long: try again in a moment".into()),
            StatusCode::NOT_FOUND => WebError::App(AppError::NotFound),
            StatusCode::BAD_REQUEST | StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::UNPROCESSABLE_ENTITY => {
                WebError::BadRequest("the request could not be understood".into())
            }
            _ => return None,
        };
        let mut report = error.report();
        report.status = status;
        if status == StatusCode::REQUEST_TIMEOUT {
            report.message_key = "error-timeout";
        }
        Some(report)
    }
}
