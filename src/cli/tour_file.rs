//! Reading a trainer's tour file (`--tour FILE`): bounded, UTF-8, then parsed by the app's
//! tour, which says which line is wrong.

use crate::app::tour::{Script, ScriptError};
use std::path::Path;

/// The largest tour file read: a tour is a page or two of text.
const MAX_FILE: u64 = 64 * 1024;

/// Why a tour file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TourFileError {
    #[error("tour file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("tour file {path}: larger than {MAX_FILE} bytes; a tour is a page or two of text")]
    TooLarge { path: String },
    #[error("tour file {path}: not UTF-8 text")]
    NotText { path: String },
    #[error("tour file {path}: {source}")]
    Script { path: String, source: ScriptError },
}

/// The built-in tour, or the one in `path`.
pub fn load(path: Option<&Path>) -> std::result::Result<Script, TourFileError> {
    let Some(path) = path else {
        return Ok(Script::built_in());
    };
    let shown = path.display().to_string();
    let read = |source| TourFileError::Read {
        path: shown.clone(),
        source,
    };
    let bytes = crate::bounded::read(path, MAX_FILE).map_err(|e| match e {
        crate::bounded::ReadError::Io(source) => read(source),
        crate::bounded::ReadError::TooLarge { .. } => TourFileError::TooLarge {
            path: shown.clone(),
        },
    })?;
    let text = String::from_utf8(bytes).map_err(|_| TourFileError::NotText {
        path: shown.clone(),
    })?;
    Script::parse(&text).map_err(|source| TourFileError::Script {
        path: shown,
        source,
    })
}
