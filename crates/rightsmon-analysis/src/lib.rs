//! The analysis engine of Rights Monitor: pure functions from series to findings, each a named,
//! versioned method whose result records its inputs, so that any verdict can be recomputed.
//!
//! No I/O, no clock, no database: callers (the application, the command line, benchmarks) bring
//! the numbers.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod composite;
pub mod disclosure;
pub mod gaps;
pub mod progress;
pub mod stats;
pub mod survey;
pub mod trends;
