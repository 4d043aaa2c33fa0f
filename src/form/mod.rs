//! One form engine for every form. A form is a declaration (its fields, their kinds and rules)
//! turned into editable state; `forms` holds the declarations, this module the behaviour they
//! share: typing, moving between fields, toggling choices, validating, and turning the content
//! into a draft that survives a dropped connection.

pub mod dates;
mod field;
pub mod kinds;
pub use field::{CHECKLIST_COLUMNS, Field};
use field::{Input, is_newline, printable};
/// The declarations by their older names: `forms::session_form`, `top::top_form`.
pub use kinds as forms;
pub use kinds::top;

use crate::domain::top::{Answer, Measure};
use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{TextArea, WrapMode};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// One choice offered by a choice or checklist field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub code: String,
    pub label: String,
}

impl Opt {
    pub fn new(code: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            label: label.into(),
        }
    }
}

/// What a field holds and how it is edited.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// One line of text, at most `max` characters.
    Line {
        max: usize,
    },
    /// Paragraphs of text (a note), word-wrapped, at most `max` characters.
    Note {
        max: usize,
        rows: u16,
    },
    Date,
    DateTime,
    /// One of the options; Space or Right moves to the next.
    Choice(Vec<Opt>),
    /// Any number of the options, as a checklist.
    Multi(Vec<Opt>),
    Integer {
        min: i64,
        max: i64,
    },
    YesNo,
    /// A TOP answer, typed like a line: a number within the measure's range, `d` or `declined`
    /// for declined, and for yes/no also `y` or `n`. Blank is not answered.
    Answer {
        measure: Measure,
    },
}

impl Kind {
    /// A short reminder of what the field takes, for beside the value while it is focused.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Kind::Answer { measure } => Some(answer_hint(*measure)),
            _ => None,
        }
    }
}

/// What a TOP answer field takes, in a few words, with the period the question covers: the
/// form's labels are too short to say it, and "Shared needles" without it reads as "ever".
pub fn answer_hint(measure: Measure) -> &'static str {
    match measure {
        Measure::Days => "past 4 weeks: days 0-28, d declined",
        Measure::Amount => "typical using day: 0-999.9, d declined",
        Measure::Scale => "past 4 weeks: 0 poor-20 good, d declined",
        Measure::YesNo => "past 4 weeks: y or n, d declined",
    }
}

/// Why a required TOP answer left blank was refused.
pub const REQUIRED_ANSWER: &str = "required: an answer, or d for declined";

/// Why a TOP answer was refused: what the field takes.
fn answer_expected(measure: Measure) -> &'static str {
    match measure {
        Measure::Days => "0 to 28 days, or d for declined",
        Measure::Amount => "an amount from 0 to 999.9, or d for declined",
        Measure::Scale => "0 (poor) to 20 (good), or d for declined",
        Measure::YesNo => "y or n, or d for declined",
    }
}

/// Why a number in range was refused: finer than the measure allows.
fn answer_too_fine(measure: Measure) -> &'static str {
    match measure {
        Measure::Days => "whole days only: 0 to 28, or d for declined",
        Measure::Amount => "tenths at most (such as 1.5): 0 to 999.9, or d for declined",
        Measure::Scale => "whole numbers only: 0 to 20, or d for declined",
        Measure::YesNo => answer_expected(measure),
    }
}

/// Reads a TOP answer as typed. Blank is `Ok(None)` (not answered); `d` or `declined` (any case)
/// is declined; yes/no also takes `y`, `yes`, `n`, `no`; otherwise a plain number (digits and
/// a point, no sign or exponent) within the measure's range, whole except amounts, which take
/// tenths. The error says what the field takes.
pub fn parse_answer(text: &str, measure: Measure) -> Result<Option<Answer>, String> {
    let text = text.trim().to_lowercase();
    match text.as_str() {
        "" => return Ok(None),
        "d" | "declined" => return Ok(Some(Answer::Declined)),
        "y" | "yes" if measure == Measure::YesNo => return Ok(Some(Answer::Value(1.0))),
        "n" | "no" if measure == Measure::YesNo => return Ok(Some(Answer::Value(0.0))),
        _ => {}
    }
    let plain = text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.chars().any(|c| c.is_ascii_digit());
    let value = plain.then(|| text.parse::<f64>().ok()).flatten();
    let (min, max) = measure.range();
    match value {
        Some(v) if (min..=max).contains(&v) => {
            let fine_enough = if measure.whole() {
                v.fract() == 0.0
            } else {
                let tenths = v * 10.0;
                (tenths - tenths.round()).abs() < 1e-6
            };
            if fine_enough {
                Ok(Some(Answer::Value(v)))
            } else {
                Err(answer_too_fine(measure).into())
            }
        }
        _ => Err(answer_expected(measure).into()),
    }
}

/// A check of one field's value beyond its kind (an NHS number's checksum, a birth date not in
/// the future), run with the field's own checks: so its error comes in the same round as every
/// other field's, whatever else is missing, and goes as soon as the value is fixed.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Names the rule, for comparing declarations (function addresses are not stable).
    pub name: &'static str,
    /// Given the trimmed text, only once it is not blank and parses as the field's kind.
    pub check: fn(&str, Now) -> Result<(), String>,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// A field as a form declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub key: String,
    pub label: String,
    pub kind: Kind,
    pub required: bool,
    /// Shown only while another choice field holds this code (e.g. the hierarchy level only for
    /// substance-use goals), or a multi-choice field has it ticked.
    pub shown_when: Option<(String, String)>,
    /// Checked after the kind's own parse: see [`Rule`].
    pub rule: Option<Rule>,
}

impl Spec {
    pub fn new(key: impl Into<String>, label: impl Into<String>, kind: Kind) -> Self {
        Self {
            key: key.into(),
            label: label.into(),
            kind,
            required: false,
            shown_when: None,
            rule: None,
        }
    }

    pub fn rule(mut self, rule: Rule) -> Self {
        self.rule = Some(rule);
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Shows the field only while the choice `key` holds `code` (or one of `a|b`).
    pub fn shown_when(mut self, key: &str, code: &str) -> Self {
        self.shown_when = Some((key.into(), code.into()));
        self
    }
}

/// What a key did to the form, for the caller to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing the caller needs to know; the content may have changed (see [`Form::dirty`]).
    Edited,
    Ignored,
}

/// The dates relative words are read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    pub today: NaiveDate,
    pub now: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Changed since opened (or since the last draft was written, see [`Form::take_changed`]).
    pub dirty: bool,
    changed: bool,
    pub now: Now,
}

impl Form {
    /// Builds a form from its fields and their starting values (by key; text for text fields,
    /// codes for choices, comma-separated codes for checklists, `yes` for a ticked yes/no).
    pub fn new(
        title: impl Into<String>,
        specs: Vec<Spec>,
        initial: &[(&str, String)],
        now: Now,
    ) -> Form {
        let fields = specs
            .into_iter()
            .map(|spec| {
                let value = initial
                    .iter()
                    .find(|(k, _)| *k == spec.key)
                    .map_or("", |(_, v)| v.as_str());
                Field::new(spec, value)
            })
            .collect();
        let mut form = Form {
            title: title.into(),
            fields,
            focus: 0,
            dirty: false,
            changed: false,
            now,
        };
        form.focus_on(0);
        form
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.spec.key == key)
    }

    /// A field's content as text (codes for choices); empty when absent.
    pub fn text(&self, key: &str) -> String {
        self.field(key).map(Field::text).unwrap_or_default()
    }

    /// Trimmed text, `None` when blank.
    pub fn optional(&self, key: &str) -> Option<String> {
        let text = self.text(key);
        let trimmed = text.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    }

    pub fn date(&self, key: &str) -> Option<NaiveDate> {
        self.optional(key)
            .and_then(|t| dates::parse_date(&t, self.now.today).ok())
    }

    pub fn date_time(&self, key: &str) -> Option<NaiveDateTime> {
        self.optional(key)
            .and_then(|t| dates::parse_date_time(&t, self.now.now, self.now.now.time()).ok())
    }

    pub fn integer(&self, key: &str) -> Option<i64> {
        self.optional(key).and_then(|t| t.parse().ok())
    }

    /// A TOP answer field's answer; `None` when blank, not valid, or not an answer field.
    pub fn answer(&self, key: &str) -> Option<Answer> {
        let field = self.field(key)?;
        let Kind::Answer { measure } = field.spec.kind else {
            return None;
        };
        parse_answer(&field.text(), measure).ok().flatten()
    }

    pub fn codes(&self, key: &str) -> Vec<String> {
        self.text(key)
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    }

    pub fn yes(&self, key: &str) -> bool {
        self.text(key) == "yes"
    }

    /// Whether a field is shown: always, or while the field it depends on holds its code (a
    /// choice picked, or a box ticked in a multi-choice field).
    pub fn is_shown(&self, index: usize) -> bool {
        match &self.fields[index].spec.shown_when {
            // `a|b`: shown for either code; a checklist shows it while the code is ticked.
            Some((key, codes)) => {
                codes
                    .split('|')
                    .any(|code| match self.field(key).map(|f| &f.spec.kind) {
                        Some(Kind::Multi(_)) => self.codes(key).iter().any(|c| c == code),
                        _ => self.text(key) == code,
                    })
            }
            None => true,
        }
    }

    pub fn focused(&self) -> &Field {
        &self.fields[self.focus]
    }

    /// Puts the cursor in the field with this key.
    pub fn focus_key(&mut self, key: &str) {
        if let Some(index) = self.fields.iter().position(|f| f.spec.key == key) {
            self.focus_on(index);
        }
    }

    fn focus_on(&mut self, index: usize) {
        if let Some(old) = self.fields.get_mut(self.focus) {
            old.set_focused(false);
        }
        self.focus = index.min(self.fields.len().saturating_sub(1));
        if let Some(new) = self.fields.get_mut(self.focus) {
            new.set_focused(true);
        }
    }

    /// Moves to the next (or previous) field that is shown, wrapping round.
    pub fn step(&mut self, forward: bool) {
        let len = self.fields.len();
        let mut index = self.focus;
        for _ in 0..len {
            index = if forward {
                (index + 1) % len
            } else {
                (index + len - 1) % len
            };
            if self.is_shown(index) {
                break;
            }
        }
        self.focus_on(index);
    }

    /// A key typed into the focused field. Enter in a one-line field moves on.
    pub fn key(&mut self, key: KeyEvent) -> Outcome {
        let is_text = self.focused().text_area().is_some();
        let one_line = !matches!(self.focused().spec.kind, Kind::Note { .. });
        if is_newline(&key) && (one_line || !is_text) {
            self.step(true);
            return Outcome::Edited;
        }
        // Up and Down leave a one-line field, as in most forms.
        if is_text && one_line && matches!(key.code, KeyCode::Up | KeyCode::Down) {
            self.step(key.code == KeyCode::Down);
            return Outcome::Edited;
        }
        let focus = self.focus;
        let before = self.fields[focus].text();
        let outcome = self.fields[focus].key(key);
        if outcome == Outcome::Edited {
            self.mark_changed();
            self.recheck(focus, &before);
        }
        outcome
    }

    /// A field in error whose value changed is checked again on its own: once it parses, its
    /// error goes, so the worker sees at once that the fix took. A form rule's error (one the
    /// field's own check cannot see) also goes when the value changes and parses; the rule runs
    /// again at the next save.
    fn recheck(&mut self, index: usize, before: &str) {
        let now = self.now;
        let field = &mut self.fields[index];
        if field.error.is_some() && field.text() != before {
            field.error = field.check(now).err();
        }
    }

    /// Pasted text arrives whole: into a note as it is, into a one-line field with line breaks
    /// turned into spaces.
    pub fn paste(&mut self, text: &str) -> Outcome {
        let kind = self.focused().spec.kind.clone();
        let focus = self.focus;
        let Input::Text(area) = &mut self.fields[focus].input else {
            return Outcome::Ignored;
        };
        let before = area.lines().join("\n");
        let text = printable(&text.replace("\r\n", "\n").replace('\r', "\n"));
        if matches!(kind, Kind::Note { .. }) {
            area.insert_str(&text);
        } else {
            area.insert_str(text.replace('\n', " "));
        }
        self.mark_changed();
        self.recheck(focus, &before);
        Outcome::Edited
    }

    fn mark_changed(&mut self) {
        self.dirty = true;
        self.changed = true;
    }

    /// Whether the content changed since last asked: the draft needs writing.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// Checks every shown field on its own; marks each with its error and puts the cursor on the
    /// first. True when all are valid. A form with rules of its own uses [`Form::validate_with`]
    /// so that their errors come in the same round.
    pub fn validate(&mut self) -> bool {
        self.validate_with(|_| Vec::new())
    }

    /// Checks every shown field on its own, then runs the form's own rules over the whole form
    /// (cross-field checks, building the record: `rules` returns field key and message for each
    /// fault), so a worker sees every error in one round rather than one round at a time. Where
    /// a field fails its own check, that error is kept: it is the more precise, and a rule
    /// reading an unparsed field only repeats it. Errors for hidden or unknown fields are
    /// dropped. Marks each field, puts the cursor on the first in error; true when all are valid.
    pub fn validate_with(&mut self, rules: impl FnOnce(&Form) -> Vec<(String, String)>) -> bool {
        self.check_fields();
        for (key, message) in rules(self) {
            let Some(index) = self.fields.iter().position(|f| f.spec.key == key) else {
                continue;
            };
            if self.is_shown(index) && self.fields[index].error.is_none() {
                self.fields[index].error = Some(message);
            }
        }
        self.focus_first_error()
    }

    /// Each field's own check: required, parses as its kind, within its limits. Hidden fields
    /// carry no error.
    fn check_fields(&mut self) {
        let now = self.now;
        for index in 0..self.fields.len() {
            let shown = self.is_shown(index);
            let field = &mut self.fields[index];
            field.error = if shown { field.check(now).err() } else { None };
        }
    }

    /// Marks fields with errors found by the form's own rules, then focuses the first.
    pub fn set_errors(&mut self, errors: Vec<(String, String)>) -> bool {
        for (key, message) in errors {
            if let Some(field) = self.fields.iter_mut().find(|f| f.spec.key == key) {
                field.error = Some(message);
            }
        }
        self.focus_first_error()
    }

    fn focus_first_error(&mut self) -> bool {
        let first = self.errors_shown().next();
        match first {
            Some(index) => {
                self.focus_on(index);
                false
            }
            None => true,
        }
    }

    /// The fields in error that are on screen: an error on a field now hidden cannot be fixed
    /// there and does not count.
    fn errors_shown(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.fields.len()).filter(|i| self.fields[*i].error.is_some() && self.is_shown(*i))
    }

    pub fn error_count(&self) -> usize {
        self.errors_shown().count()
    }

    /// The content as JSON, field key to text, for the draft.
    pub fn snapshot(&self) -> Value {
        let map: Map<String, Value> = self
            .fields
            .iter()
            .map(|f| (f.spec.key.clone(), Value::String(f.text())))
            .collect();
        Value::Object(map)
    }

    /// Sets a field from text, as the command line does: a choice must name one of its codes.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), String> {
        let Some(index) = self.fields.iter().position(|f| f.spec.key == key) else {
            return Err(format!("no field {key}"));
        };
        let spec = self.fields[index].spec.clone();
        if let Kind::Choice(options) | Kind::Multi(options) = &spec.kind {
            let codes: Vec<&str> = options
                .iter()
                .map(|o| o.code.as_str())
                .filter(|c| !c.is_empty())
                .collect();
            for code in text.split(',').filter(|c| !c.is_empty()) {
                if !codes.contains(&code) {
                    return Err(format!("'{code}' is not one of: {}", codes.join(", ")));
                }
            }
        }
        self.fields[index] = Field::new(spec, text);
        self.mark_changed();
        Ok(())
    }

    /// Puts a draft's content back; fields the draft does not name keep their values.
    pub fn restore(&mut self, snapshot: &Value) {
        for index in 0..self.fields.len() {
            if let Some(Value::String(text)) = snapshot.get(&self.fields[index].spec.key) {
                let spec = self.fields[index].spec.clone();
                self.fields[index] = Field::new(spec, text);
            }
        }
        self.focus_on(self.focus);
        self.dirty = true;
    }
}

#[cfg(test)]
mod tests;
