//! keywork: a keyboard-driven caseload, review and recovery-plan tool for key workers in community
//! drug and alcohol services.
//!
//! Layers, each depending only on those above it in this list:
//! - [`domain`]: pure types and rules (no I/O);
//! - [`store`]: the SQLite record, all SQL;
//! - [`demo`]: the fictional demo service;
//! - [`cli`]: the command line.

pub mod cli;
pub mod clock;
pub mod demo;
pub mod domain;
pub mod store;
