//! One field of a form: its editable content (text, a choice, a checklist, a flag), how keys
//! change it, and how it checks what was entered against its kind and rules.

use super::*;

/// The editable content of a field.
#[derive(Debug, Clone)]
pub(super) enum Input {
    Text(Box<TextArea<'static>>),
    Pick(Option<usize>),
    Picks {
        chosen: BTreeSet<usize>,
        cursor: usize,
    },
    Flag(bool),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub spec: Spec,
    pub(super) input: Input,
    pub error: Option<String>,
}

/// Text as it may go into an editor: no control characters (which the text area would send to
/// the terminal as they are), tabs as spaces, line breaks kept.
pub(super) fn printable(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() || crate::display::is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect()
}

fn text_area(text: &str, kind: &Kind) -> TextArea<'static> {
    let text = printable(text);
    let mut area = TextArea::new(text.split('\n').map(str::to_owned).collect());
    area.set_cursor_line_style(Style::default());
    area.set_cursor_style(Style::default());
    if matches!(kind, Kind::Note { .. }) {
        area.set_wrap_mode(WrapMode::WordOrGlyph);
    }
    area.move_cursor(ratatui_textarea::CursorMove::Bottom);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

impl Field {
    pub(super) fn new(spec: Spec, initial: &str) -> Field {
        let input = match &spec.kind {
            Kind::Choice(options) => Input::Pick(options.iter().position(|o| o.code == initial)),
            Kind::Multi(options) => Input::Picks {
                chosen: initial
                    .split(',')
                    .filter_map(|code| options.iter().position(|o| o.code == code))
                    .collect(),
                cursor: 0,
            },
            Kind::YesNo => Input::Flag(initial == "yes"),
            kind => Input::Text(Box::new(text_area(initial, kind))),
        };
        Field {
            spec,
            input,
            error: None,
        }
    }

    /// The field's text (for text-like kinds), as typed.
    pub fn text(&self) -> String {
        match &self.input {
            Input::Text(area) => area.lines().join("\n"),
            Input::Pick(index) => index
                .and_then(|i| self.options().get(i))
                .map(|o| o.code.clone())
                .unwrap_or_default(),
            Input::Picks { chosen, .. } => chosen
                .iter()
                .filter_map(|i| self.options().get(*i))
                .map(|o| o.code.as_str())
                .collect::<Vec<_>>()
                .join(","),
            Input::Flag(on) => if *on { "yes" } else { "no" }.to_owned(),
        }
    }

    pub fn options(&self) -> &[Opt] {
        match &self.spec.kind {
            Kind::Choice(options) | Kind::Multi(options) => options,
            _ => &[],
        }
    }

    /// The text area of a text-like field, for drawing.
    pub fn text_area(&self) -> Option<&TextArea<'static>> {
        match &self.input {
            Input::Text(area) => Some(area),
            _ => None,
        }
    }

    pub fn picked(&self) -> Option<usize> {
        match &self.input {
            Input::Pick(index) => *index,
            _ => None,
        }
    }

    /// For a checklist: which options are ticked and where the cursor is.
    pub fn checklist(&self) -> Option<(&BTreeSet<usize>, usize)> {
        match &self.input {
            Input::Picks { chosen, cursor } => Some((chosen, *cursor)),
            _ => None,
        }
    }

    pub fn flag(&self) -> Option<bool> {
        match &self.input {
            Input::Flag(on) => Some(*on),
            _ => None,
        }
    }

    pub(super) fn set_focused(&mut self, focused: bool) {
        if let Input::Text(area) = &mut self.input {
            let style = if focused {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            area.set_cursor_style(style);
        }
    }

    /// Checks the field on its own: required, parses as its kind, within its limits, then its
    /// declared rule.
    pub(super) fn check(&self, now: Now) -> Result<(), String> {
        self.check_kind(now)?;
        let text = self.text();
        match self.spec.rule {
            Some(rule) if !text.trim().is_empty() => (rule.check)(text.trim(), now),
            _ => Ok(()),
        }
    }

    /// Required, parses as its kind, within its limits.
    fn check_kind(&self, now: Now) -> Result<(), String> {
        let text = self.text();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return if self.spec.required {
                Err(match self.spec.kind {
                    Kind::Answer { .. } => REQUIRED_ANSWER.into(),
                    _ => "required".into(),
                })
            } else {
                Ok(())
            };
        }
        match &self.spec.kind {
            Kind::Line { max } | Kind::Note { max, .. } => {
                let count = text.chars().count();
                if count > *max {
                    return Err(format!(
                        "too long: {count} characters, the limit is {max}; nothing was cut"
                    ));
                }
                Ok(())
            }
            Kind::Date => dates::parse_date(trimmed, now.today).map(drop),
            Kind::DateTime => dates::parse_date_time(trimmed, now.now, now.now.time()).map(drop),
            Kind::Integer { min, max } => match trimmed.parse::<i64>() {
                Ok(n) if (*min..=*max).contains(&n) => Ok(()),
                _ => Err(format!("a whole number from {min} to {max}")),
            },
            Kind::Answer { measure } => parse_answer(trimmed, *measure).map(drop),
            Kind::Choice(_) | Kind::Multi(_) | Kind::YesNo => Ok(()),
        }
    }

    pub(super) fn key(&mut self, key: KeyEvent) -> Outcome {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let kind = self.spec.kind.clone();
        match (&mut self.input, &kind) {
            (Input::Text(area), _) => {
                if is_newline(&key) {
                    if !matches!(kind, Kind::Note { .. }) {
                        return Outcome::Ignored;
                    }
                    // Ctrl-J and Ctrl-M are how some terminals send Enter; the text area would
                    // take Ctrl-J as "delete to the start of the line" and lose the worker's words.
                    area.insert_newline();
                    return Outcome::Edited;
                }
                area.input(key);
                Outcome::Edited
            }
            (Input::Pick(index), Kind::Choice(options)) => {
                let len = options.len();
                *index = match key.code {
                    KeyCode::Char(' ') | KeyCode::Right => Some(index.map_or(0, |i| (i + 1) % len)),
                    KeyCode::Left => Some(index.map_or(len - 1, |i| (i + len - 1) % len)),
                    KeyCode::Backspace | KeyCode::Delete if !self.spec.required => None,
                    // A letter jumps to the next option starting with it.
                    KeyCode::Char(c) if plain && c.is_alphanumeric() => {
                        let start = index.map_or(0, |i| i + 1);
                        let found = (0..len).map(|n| (start + n) % len).find(|i| {
                            options[*i]
                                .label
                                .to_lowercase()
                                .starts_with(c.to_ascii_lowercase())
                        });
                        match found {
                            Some(i) => Some(i),
                            None => return Outcome::Ignored,
                        }
                    }
                    _ => return Outcome::Ignored,
                };
                Outcome::Edited
            }
            (Input::Picks { chosen, cursor }, Kind::Multi(options)) => {
                if key.code == KeyCode::Char(' ') {
                    if !chosen.remove(cursor) {
                        chosen.insert(*cursor);
                    }
                    return Outcome::Edited;
                }
                match grid_move(*cursor, options.len(), key.code) {
                    Some(next) => {
                        *cursor = next;
                        Outcome::Edited
                    }
                    None => Outcome::Ignored,
                }
            }
            (Input::Flag(on), _) => {
                *on = match key.code {
                    KeyCode::Char(' ') => !*on,
                    KeyCode::Char('y' | 'Y') => true,
                    KeyCode::Char('n' | 'N') => false,
                    _ => return Outcome::Ignored,
                };
                Outcome::Edited
            }
            _ => Outcome::Ignored,
        }
    }
}

/// How many columns a checklist's options are laid out in, row by row. The form engine owns it
/// so that the arrows move the way the grid is drawn: Down to the option below, Right to the
/// one beside.
pub const CHECKLIST_COLUMNS: usize = 2;

/// Where an arrow moves a checklist's cursor in its grid of `len` options; `None` at an edge
/// (or for any other key), so the cursor never jumps somewhere the worker did not point.
fn grid_move(cursor: usize, len: usize, code: KeyCode) -> Option<usize> {
    let next = match code {
        KeyCode::Right => cursor + 1,
        KeyCode::Left => cursor.checked_sub(1)?,
        KeyCode::Down => cursor + CHECKLIST_COLUMNS,
        KeyCode::Up => cursor.checked_sub(CHECKLIST_COLUMNS)?,
        _ => return None,
    };
    (next < len).then_some(next)
}

pub(super) fn is_newline(key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    matches!(key.code, KeyCode::Enter) || (ctrl && matches!(key.code, KeyCode::Char('m' | 'j')))
}
