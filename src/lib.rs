//! keywork: a keyboard-driven caseload, review and recovery-plan tool for key workers in community
//! drug and alcohol services.
//!
//! Layers, each depending only on those above it in this list:
//! - [`domain`]: pure types and rules (no I/O);
//! - [`store`]: the SQLite record, all SQL;
//! - [`demo`]: the fictional demo service;
//! - [`cli`]: the command line.

pub mod app;
pub mod bounded;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod display;
pub mod domain;
pub mod export;
pub mod files;
pub mod form;
pub mod store;
pub mod tui;
pub mod ui;
