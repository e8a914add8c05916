//! The validated domain types of Rights Monitor.
//!
//! Every type here is built through a `parse` or `try_from` that refuses invalid values, so a
//! value of the type is valid by construction. Nothing here does I/O, reads a clock or the
//! environment: dates and times come in as arguments.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod access;
pub mod accountability;
pub mod area;
pub mod audit;
pub mod catalogue;
pub mod codelist;
pub mod codesign;
pub mod collection;
pub mod error;
pub mod id;
pub mod observation;
pub mod participation;
pub mod period;
pub mod practice;
pub mod reminder;
pub mod report;
pub mod right;
pub mod roadmap;
pub mod survey;
pub mod text;
pub mod time;
pub mod validation;

pub use error::{FieldError, FieldErrors, ParseError};
