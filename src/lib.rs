//! keywork: a keyboard-driven caseload, review and recovery-plan tool for key workers in community
//! drug and alcohol services.
//!
//! Layers, lowest first. A module may use modules of its own layer or a lower one, never a
//! higher one, and two modules never use each other (`tests/layers.rs` reads this list and
//! checks every `crate::` and `super::` path in `src/` against it):
//! 0. [`bounded`], [`clock`], [`config`], [`display`], [`files`]: support with no clinical
//!    meaning (bounded reads, the one reader of the wall clock, settings, terminal-safe text,
//!    owner-only files);
//! 1. [`domain`]: pure types and rules (no I/O);
//! 2. [`store`]: the SQLite record, all SQL;
//! 3. [`export`], [`form`], [`demo`]: documents, the form engine and its kinds, the fictional
//!    service, each over the store;
//! 4. [`app`]: the state and its update;
//! 5. [`ui`]: pure rendering of the state;
//! 6. [`tui`]: the terminal: events in, frames out;
//! 7. [`cli`]: the command line.

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
