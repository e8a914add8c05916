//! Reading multipart uploads within limits: every field is read chunk by chunk and refused as
//! soon as it grows beyond its limit, so that no upload is held in memory beyond what its route
//! accepts, whatever the request's size.

use crate::error::WebError;
use axum::extract::multipart::Field;

/// The longest text field of an upload form (a city, a format, a reason).
pub const TEXT_FIELD_LIMIT: usize = 8 * 1024;

/// The next chunk of a field, or `None` at its end.
pub async fn chunk(field: &mut Field<'_>) -> Result<Option<axum::body::Bytes>, WebError> {
    field.chunk().await.map_err(WebError::from)
}

/// A field's bytes, refused with `too_large` as soon as they pass `limit`.
pub async fn bytes_within(mut field: Field<'_>, limit: usize, too_large: impl Fn() -> WebError) -> Result<Vec<u8>, WebError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = chunk(&mut field).await? {
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A short text field, trimmed.
pub async fn text(field: Field<'_>) -> Result<String, WebError> {
    let name = field.name().unwrap_or_default().to_owned();
    let bytes = bytes_within(field, TEXT_FIELD_LIMIT, || {
        WebError::BadRequest(format!("the field {name} is longer than {} KB", TEXT_FIELD_LIMIT / 1024))
    })
    .await?;
    String::from_utf8(bytes).map(|t| t.trim().to_owned()).map_err(|_| WebError::BadRequest("a field of the form is not UTF-8 text".into()))
}
