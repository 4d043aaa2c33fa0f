//! Which database a run opens: `--db` (or `KEYWORK_DB`), else the service's database named in
//! the system-wide configuration, else the worker's own file in the platform data directory.

use super::CliError;
use crate::config::{self, SystemConfig};
use crate::store::{Access, StoreError};
use std::path::{Path, PathBuf};

/// The database chosen, and who chose it.
#[derive(Debug, Clone)]
pub struct Database {
    pub path: PathBuf,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--db` or `KEYWORK_DB`: the worker's own choice, which wins over everything.
    Explicit,
    /// The system-wide configuration at this path named it.
    System(PathBuf),
    /// Nothing named one: the worker's personal database.
    Personal,
}

/// Chooses the database. The system-wide configuration is read only when nothing was named on
/// the command line or in the environment; a broken one is refused with its file and line.
pub fn choose(explicit: Option<PathBuf>) -> Result<Database, CliError> {
    if let Some(path) = explicit {
        return Ok(Database {
            path,
            source: Source::Explicit,
        });
    }
    let system = config::system_path();
    if let Some(found) = SystemConfig::load(&system)? {
        return Ok(Database {
            path: found.database,
            source: Source::System(system),
        });
    }
    let path = default_db_path()
        .ok_or_else(|| CliError::Usage("no home directory; pass --db PATH".into()))?;
    Ok(Database {
        path,
        source: Source::Personal,
    })
}

impl Database {
    /// What to open with: a database the system-wide configuration names is the service's, made
    /// by `init`, so it is never created here, only opened.
    pub fn access(&self, wanted: Access) -> Access {
        match (&self.source, wanted) {
            (Source::System(_), Access::Create) => Access::Write,
            _ => wanted,
        }
    }

    /// Makes the personal database's directory (owner-only) on first run.
    pub fn prepare(&self) -> Result<(), CliError> {
        if self.source != Source::Personal {
            return Ok(());
        }
        if let Some(dir) = self.path.parent().filter(|dir| !dir.exists()) {
            create_private_dir(dir).map_err(|source| CliError::Io {
                path: dir.to_owned(),
                source,
            })?;
        }
        Ok(())
    }

    /// An open's error, said in terms of where the path came from: a missing service database
    /// is the administrator's to fix, not a cue to start a new one.
    pub fn explain(&self, error: StoreError) -> CliError {
        match (&self.source, error) {
            (Source::System(config), StoreError::NoDatabase(path)) => CliError::Usage(format!(
                "{}, the service's database named in {}, does not exist; nothing was created. \
                 Ask the administrator (a team database is made by `keywork init`), or pass --db PATH",
                path.display(),
                config.display()
            )),
            (_, error) => error.into(),
        }
    }

    /// For `--help`: the path and where it came from.
    pub fn describe(&self) -> String {
        let from = match &self.source {
            Source::Explicit => "from KEYWORK_DB".to_owned(),
            Source::System(config) => format!("from {}", config.display()),
            Source::Personal => "default".to_owned(),
        };
        format!("{} ({from})", self.path.display())
    }
}

pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "keywork").map(|dirs| dirs.data_dir().join("keywork.db"))
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}
