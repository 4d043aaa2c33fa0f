//! Colours and symbols. Meaning never rests on colour alone: overdue dates carry `!`, the
//! selection a marker and reverse video, alerts bold, so the monochrome theme loses nothing.

use crate::config::ThemeName;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::{self, border};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub base: Style,
    pub muted: Style,
    pub heading: Style,
    pub title: Style,
    pub selected: Style,
    pub border: Style,
    pub focused_border: Style,
    pub alert: Style,
    pub warn: Style,
    pub good: Style,
    pub banner: Style,
    pub key: Style,
}

impl Theme {
    pub fn named(name: ThemeName) -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let reversed = Style::new().add_modifier(Modifier::REVERSED);
        match name {
            ThemeName::Default => Theme {
                base: Style::new(),
                muted: Style::new().fg(Color::DarkGray),
                heading: bold.fg(Color::Cyan),
                title: bold,
                selected: reversed,
                border: Style::new().fg(Color::DarkGray),
                focused_border: bold.fg(Color::Cyan),
                alert: bold.fg(Color::Red),
                warn: Style::new().fg(Color::Yellow),
                good: Style::new().fg(Color::Green),
                banner: bold.fg(Color::Black).bg(Color::Yellow),
                key: bold.fg(Color::Cyan),
            },
            ThemeName::HighContrast => Theme {
                base: Style::new().fg(Color::White),
                muted: Style::new().fg(Color::White),
                heading: bold.fg(Color::LightYellow),
                title: bold.fg(Color::White),
                selected: reversed.add_modifier(Modifier::BOLD),
                border: Style::new().fg(Color::White),
                focused_border: bold.fg(Color::LightYellow),
                alert: bold.fg(Color::LightRed),
                warn: bold.fg(Color::LightYellow),
                good: bold.fg(Color::LightGreen),
                banner: bold.fg(Color::Black).bg(Color::LightYellow),
                key: bold.fg(Color::LightYellow),
            },
            // Every colour is Reset: crossterm under NO_COLOR resets all attributes on each colour
            // change, which would wipe the bold and reverse that carry the meaning here.
            ThemeName::Monochrome => Theme {
                base: Style::new().fg(Color::Reset).bg(Color::Reset),
                muted: Style::new().fg(Color::Reset),
                heading: bold.fg(Color::Reset),
                title: bold.fg(Color::Reset),
                selected: reversed.fg(Color::Reset),
                border: Style::new().fg(Color::Reset),
                focused_border: bold.fg(Color::Reset),
                alert: bold.fg(Color::Reset),
                warn: Style::new()
                    .fg(Color::Reset)
                    .add_modifier(Modifier::UNDERLINED),
                good: Style::new().fg(Color::Reset),
                banner: reversed.add_modifier(Modifier::BOLD).fg(Color::Reset),
                key: bold.fg(Color::Reset),
            },
        }
    }
}

/// Glyphs, in Unicode or in plain ASCII for terminals without line drawing.
#[derive(Debug, Clone)]
pub struct Glyphs {
    pub ascii: bool,
    pub border: border::Set<'static>,
    pub pointer: &'static str,
    pub bar_full: &'static str,
    pub bar_empty: &'static str,
    pub sparkline: symbols::bar::Set<'static>,
    pub dot: &'static str,
}

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

const ASCII_BARS: symbols::bar::Set<'static> = symbols::bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "=",
    five_eighths: "=",
    half: "-",
    three_eighths: "-",
    one_quarter: ".",
    one_eighth: ".",
    empty: " ",
};

impl Glyphs {
    pub fn new(ascii: bool) -> Glyphs {
        if ascii {
            Glyphs {
                ascii,
                border: ASCII_BORDER,
                pointer: ">",
                bar_full: "#",
                bar_empty: "-",
                sparkline: ASCII_BARS,
                dot: "-",
            }
        } else {
            Glyphs {
                ascii,
                border: border::PLAIN,
                pointer: "▶",
                bar_full: "█",
                bar_empty: "░",
                sparkline: symbols::bar::NINE_LEVELS,
                dot: "·",
            }
        }
    }
}
