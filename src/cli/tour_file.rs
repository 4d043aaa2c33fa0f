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
    // Read at most one byte past the limit, so a device or a growing file cannot get round it.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(path).map_err(read)?, MAX_FILE + 1),
        &mut bytes,
    )
    .map_err(read)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(TourFileError::TooLarge { path: shown });
    }
    let text = String::from_utf8(bytes).map_err(|_| TourFileError::NotText {
        path: shown.clone(),
    })?;
    Script::parse(&text).map_err(|source| TourFileError::Script {
        path: shown,
        source,
    })
}
