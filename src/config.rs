//! The worker's settings file (TOML), and the environment's say in them.

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
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Read {
                path: path.to_owned(),
                source,
            }),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let settings: Settings = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map_or(1, |span| text[..span.start].matches('\n').count() + 1);
            ConfigError::Parse {
                path: path.to_owned(),
                line,
                message: e.message().trim().to_owned(),
            }
        })?;
        if !(1..=365).contains(&settings.review_window_days) {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("review_window_days"))
                .map_or(1, |n| n + 1);
            return Err(ConfigError::Parse {
                path: path.to_owned(),
                line,
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
