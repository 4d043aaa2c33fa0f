//! The worker's settings file (TOML), the server's system-wide configuration naming the
//! service's database, and the environment's say in them.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Colour schemes. Every theme carries meaning with symbols and bold/reverse as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    /// The terminal's own 16 colours, so the worker's terminal theme is respected.
    #[default]
    Default,
    /// Bright colours and bold text for low vision or a washed-out screen.
    HighContrast,
    /// No colour at all: symbols, bold and reverse only. Chosen automatically when NO_COLOR is set.
    Monochrome,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub theme: ThemeName,
    /// Plain ASCII borders and symbols for terminals without line-drawing glyphs.
    pub ascii: bool,
    /// Capture the mouse (wheel scrolls). Off by default so selecting text to copy works.
    pub mouse: bool,
    /// How many days ahead the "Next reviews" pane looks.
    pub review_window_days: u16,
    /// `[review_intervals]` (or its older name `[review_weeks]`) from before the intervals became
    /// the service's, stored in the database: read so an old file still loads, then ignored
    /// with a note saying where they live now.
    #[serde(alias = "review_weeks", rename = "review_intervals")]
    pub legacy_review_intervals: Option<toml::Table>,
}

/// Said once when a config file still sets review intervals.
pub const LEGACY_INTERVALS_NOTE: &str = "[review_intervals] in your config file is ignored: review intervals are the service's, \
     the same for every worker, kept in the database (see `keywork settings show`; a team lead changes them with \
     `keywork settings set`)";

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: ThemeName::Default,
            ascii: false,
            mouse: false,
            review_window_days: 28,
            legacy_review_intervals: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: larger than {limit} bytes, so it was not read; a configuration file is a few lines",
        .path.display()
    )]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{}: not UTF-8 text, so it was not read", .path.display())]
    NotText { path: PathBuf },
    #[error("{}, line {line}: {message}", .path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// Where the settings file lives: the platform config directory, e.g.
/// `~/.config/keywork/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "keywork")
        .map(|dirs| dirs.config_dir().join("config.toml"))
}

impl Settings {
    /// Reads the file if it exists; a missing file means the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match read_text(path) {
            Ok(text) => Self::parse(path, &text),
            Err(ConfigError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Ok(Self::default())
            }
            Err(e) => Err(e),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let settings: Settings = toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
        if !(1..=365).contains(&settings.review_window_days) {
            return Err(ConfigError::Parse {
                path: path.to_owned(),
                line: line_of(text, "review_window_days"),
                message: format!(
                    "review_window_days must be 1 to 365, got {}",
                    settings.review_window_days
                ),
            });
        }
        Ok(settings)
    }

    /// Whether the file still carries `[review_intervals]`, which keywork now ignores.
    pub fn has_legacy_review_intervals(&self) -> bool {
        self.legacy_review_intervals.is_some()
    }

    /// NO_COLOR (any value, per no-color.org) means monochrome, whatever the file says.
    pub fn honour_no_color(mut self, no_color: Option<std::ffi::OsString>) -> Self {
        if no_color.is_some_and(|v| !v.is_empty()) {
            self.theme = ThemeName::Monochrome;
        }
        self
    }

    /// Plain ASCII when the terminal cannot be trusted with anything else (see
    /// [`draws_unicode`]), whatever the file says: boxes drawn in a character set the terminal
    /// does not decode break the layout. `var` reads an environment variable.
    pub fn honour_locale(mut self, var: impl Fn(&str) -> Option<String>) -> Self {
        if !draws_unicode(&var) {
            self.ascii = true;
        }
        self
    }
}

/// Whether line-drawing and other non-ASCII glyphs can be drawn, from the locale and the
/// terminal type. The character set is the locale's (POSIX: `LC_ALL`, else `LC_CTYPE`, else
/// `LANG`; an empty value counts as unset): one that does not name UTF-8 (`C`, `POSIX`,
/// `en_GB.ISO-8859-1`) means the terminal is set up for another encoding. A DEC VT terminal
/// type (`vt100`, `vt220`) has no Unicode at all. With no locale set, nothing is known and the
/// glyphs stay: terminals of today are UTF-8, and `--ascii` or the config file choose otherwise.
pub fn draws_unicode(var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    // vt100, vt220 ... but not vte-256color, a UTF-8 terminal.
    let vt = set("TERM").is_some_and(|term| {
        let term = term.to_ascii_lowercase();
        term.strip_prefix("vt")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    });
    let utf8 = set("LC_ALL")
        .or_else(|| set("LC_CTYPE"))
        .or_else(|| set("LANG"))
        .is_none_or(|locale| {
            let locale = locale.to_ascii_lowercase();
            locale.contains("utf-8") || locale.contains("utf8")
        });
    utf8 && !vt
}

/// Where an administrator names the service's database for every login on the server. Read by
/// every run, login shell or not: `ssh host keywork` never reads `~/.profile`, so `KEYWORK_DB`
/// there is not enough.
pub const SYSTEM_PATH: &str = "/etc/keywork/config.toml";

/// For tests only: another path for [`SYSTEM_PATH`], so a test never reads or writes the real
/// `/etc`. Not in `--help`; documented in the README's team set-up.
pub const SYSTEM_PATH_ENV: &str = "KEYWORK_SYSTEM_CONFIG";

/// The system-wide configuration's path: [`SYSTEM_PATH`] unless a test names another.
pub fn system_path() -> PathBuf {
    std::env::var_os(SYSTEM_PATH_ENV)
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from(SYSTEM_PATH), PathBuf::from)
}

/// The system-wide configuration: the service's database. Display settings stay personal.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemConfig {
    /// The team database every login on this server opens unless it passes `--db` (or sets
    /// `KEYWORK_DB`).
    pub database: PathBuf,
}

impl SystemConfig {
    /// The file at `path`, or `None` when there is none (a personal, single-worker set-up).
    pub fn load(path: &Path) -> Result<Option<Self>, ConfigError> {
        let text = match read_text(path) {
            Ok(text) => text,
            Err(ConfigError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let config: SystemConfig =
            toml::from_str(&text).map_err(|e| parse_error(path, &text, &e))?;
        if !config.database.is_absolute() {
            return Err(ConfigError::Parse {
                path: path.to_owned(),
                line: line_of(&text, "database"),
                message: format!(
                    "database must be an absolute path, got {}",
                    config.database.display()
                ),
            });
        }
        Ok(Some(config))
    }

    /// The file's text, as `init` writes it or prints it for an administrator to install.
    pub fn render(database: &Path) -> String {
        let quoted = toml::Value::String(database.display().to_string());
        format!(
            "# keywork's system-wide configuration (written by `keywork init`): the service's\n\
             # database, opened by every login on this server unless they pass --db.\n\
             database = {quoted}\n"
        )
    }
}

/// What `init` did about the system-wide configuration.
#[derive(Debug, Clone, PartialEq)]
pub enum Installed {
    /// Written: it names the new database.
    Written,
    /// It named this database already.
    AlreadyNamed,
    /// Left as it was, for this reason (it names another database, or could not be read).
    LeftAlone(String),
    /// Not root, so not written: an administrator installs it.
    NotRoot,
}

/// Names `database` in the system-wide configuration at `path` when run as root and none is
/// there yet; an existing one is never overwritten (it may name the service's live database).
pub fn install_system(path: &Path, database: &Path) -> Installed {
    if !nix::unistd::Uid::effective().is_root() {
        return Installed::NotRoot;
    }
    match SystemConfig::load(path) {
        Ok(Some(found)) if found.database == database => return Installed::AlreadyNamed,
        Ok(Some(found)) => {
            return Installed::LeftAlone(format!("it names {}", found.database.display()));
        }
        Ok(None) => {}
        Err(e) => return Installed::LeftAlone(e.to_string()),
    }
    // The database is made by now: a file that cannot be written is said, not a failed init.
    match write_system(path, database) {
        Ok(()) => Installed::Written,
        Err(e) => Installed::LeftAlone(format!("could not write it: {e}")),
    }
}

fn write_system(path: &Path, database: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // keywork runs with umask 007 (for the team's files), but every login must reach this one.
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    for made in missing.into_iter().rev() {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o755).create(made)?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(made, std::fs::Permissions::from_mode(0o755))?;
    }
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut file, SystemConfig::render(database).as_bytes())?;
    file.as_file().sync_all()?;
    // Every login reads it; only root changes it.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644))?;
    }
    file.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// The largest configuration file read: a settings file is a few lines. Read bounded so that
/// `--config /dev/zero` or a huge file is refused rather than filling memory.
pub const MAX_FILE: u64 = 64 * 1024;

fn read_text(path: &Path) -> Result<String, ConfigError> {
    let read = |source| ConfigError::Read {
        path: path.to_owned(),
        source,
    };
    let bytes = crate::bounded::read(path, MAX_FILE).map_err(|e| match e {
        crate::bounded::ReadError::Io(source) => read(source),
        crate::bounded::ReadError::TooLarge { limit } => ConfigError::TooLarge {
            path: path.to_owned(),
            limit,
        },
    })?;
    String::from_utf8(bytes).map_err(|_| ConfigError::NotText {
        path: path.to_owned(),
    })
}

fn parse_error(path: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
    let line = e
        .span()
        .map_or(1, |span| text[..span.start].matches('\n').count() + 1);
    ConfigError::Parse {
        path: path.to_owned(),
        line,
        message: e.message().trim().to_owned(),
    }
}

/// The line setting `key`, for a message about its value.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |n| n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_config_init_writes_reads_back_as_the_same_database() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        let database = Path::new("/srv/keywork \"team\"/keywork.db");
        std::fs::write(&file, SystemConfig::render(database)).unwrap();
        let read = SystemConfig::load(&file).unwrap().unwrap();
        assert_eq!(read.database, database);
        assert_eq!(
            SystemConfig::load(&dir.path().join("none.toml")).unwrap(),
            None
        );
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(
            Settings::parse(Path::new("c.toml"), "").unwrap(),
            Settings::default()
        );
    }

    #[test]
    fn settings_are_read_by_name() {
        let text =
            "theme = \"high-contrast\"\nascii = true\nmouse = true\nreview_window_days = 14\n";
        let settings = Settings::parse(Path::new("c.toml"), text).unwrap();
        let expected = Settings {
            theme: ThemeName::HighContrast,
            ascii: true,
            mouse: true,
            review_window_days: 14,
            ..Settings::default()
        };
        assert_eq!(settings, expected);
    }

    #[test]
    fn review_intervals_in_a_config_file_are_read_but_only_flagged() {
        for text in [
            "[review_intervals]\ncare_plan = \"52w\"\n",
            "[review_weeks]\nprescribing = 8\n",
        ] {
            let settings = Settings::parse(Path::new("c.toml"), text).unwrap();
            assert!(settings.has_legacy_review_intervals(), "{text}");
        }
        assert!(!Settings::default().has_legacy_review_intervals());
    }

    #[test]
    fn broken_config_names_the_file_and_line() {
        let err = Settings::parse(
            Path::new("/home/w/.config/keywork/config.toml"),
            "ascii = true\ntheme = \"pink\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("/home/w/.config/keywork/config.toml, line 2: "),
            "{err}"
        );
        assert!(err.contains("pink") || err.contains("variant"), "{err}");
    }

    #[test]
    fn unknown_setting_is_an_error_not_ignored() {
        let err = Settings::parse(Path::new("c.toml"), "colour = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1") && err.contains("colour"), "{err}");
    }

    #[test]
    fn review_window_out_of_range_is_refused_with_its_line() {
        let err = Settings::parse(
            Path::new("c.toml"),
            "ascii = false\nreview_window_days = 0\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.toml, line 2: review_window_days must be 1 to 365, got 0"
        );
    }

    #[test]
    fn any_no_color_value_means_monochrome() {
        let s = Settings::default().honour_no_color(Some("1".into()));
        assert_eq!(s.theme, ThemeName::Monochrome);
        assert_eq!(
            Settings::default().honour_no_color(None).theme,
            ThemeName::Default
        );
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn a_locale_that_is_not_utf8_or_a_vt_terminal_means_ascii() {
        for unicode in [
            env(&[("LANG", "C.UTF-8"), ("TERM", "xterm-256color")]),
            env(&[("LANG", "en_GB.utf8")]),
            env(&[("LANG", "C"), ("LC_ALL", "en_GB.UTF-8")]),
            env(&[("LANG", "C"), ("LC_CTYPE", "en_GB.UTF-8")]),
            env(&[("LANG", "en_GB.UTF-8"), ("LC_ALL", "")]),
            env(&[("LANG", "C.UTF-8"), ("TERM", "vte-256color")]),
            // Nothing known: the glyphs stay.
            env(&[]),
        ] {
            assert!(draws_unicode(&unicode));
        }
        for ascii in [
            env(&[("LANG", "C")]),
            env(&[("LANG", "POSIX")]),
            env(&[("LANG", "en_GB.ISO-8859-1")]),
            env(&[("LANG", "en_GB.UTF-8"), ("LC_ALL", "C")]),
            env(&[("LANG", "en_GB.UTF-8"), ("LC_CTYPE", "C")]),
            env(&[("LANG", "C.UTF-8"), ("TERM", "vt100")]),
            env(&[("LANG", "C.UTF-8"), ("TERM", "vt220")]),
        ] {
            assert!(!draws_unicode(&ascii));
        }
        let settings = Settings::default().honour_locale(env(&[("LANG", "C")]));
        assert!(settings.ascii);
        let settings = Settings::default().honour_locale(env(&[("LANG", "C.UTF-8")]));
        assert!(!settings.ascii, "nothing forces Unicode off");
    }
}
