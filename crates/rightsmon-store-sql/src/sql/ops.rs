//! The operations a backend may do its own way entirely.
//!
//! The shared implementation of these port methods calls `crate::ops::<name>`. An adapter's
//! `ops` module re-exports this one with a glob and may shadow any function with its own by an
//! explicit `use`: the rest of the SQL stays shared. A default a backend replaces is unused there.
#![allow(dead_code, unused_imports)]

use super::*;

pub(crate) use super::imports::{import_observations, stage_values};

/// The columns a backend's own `stage_values` writes after `seq`, in this order.
pub(crate) use super::imports::STAGED_VALUE_COLUMNS;

/// A backend without a file of its own (a server database) makes no file copy: its copies
/// are made with its own tools, and `rightsmon backup` writes a portable instance instead.
pub(crate) async fn backup_to(_store: &Backend, _path: &std::path::Path) -> StoreResult<bool> {
    Ok(false)
}
