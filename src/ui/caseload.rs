//! Pane 1: the worker's active clients as a table.

use super::{Paint, empty_state, pane_title};
use crate::app::help::{FLAG_LEGEND, flags};
use crate::app::{App, Pane};
use crate::display::{clean, truncate, width};
use crate::domain::{Modality, Stage};
use crate::store::{CaseloadRow, Scope};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table, TableState};

fn modality_abbrev(m: Modality) -> &'static str {
    match m {
        Modality::OstMethadone => "Meth",
        Modality::OstBuprenorphine => "Bupe",
        Modality::LaiBuprenorphine => "LAI",
        Modality::HeroinAssisted => "HAT",
        Modality::Psychosocial => "Psych",
        Modality::Detox => "Detox",
        Modality::Alcohol => "Alc",
    }
}

pub fn stage_abbrev(s: Stage) -> &'static str {
    match s {
        Stage::Precontemplation => "Pre",
        Stage::Contemplation => "Cont",
        Stage::Preparation => "Prep",
        Stage::Action => "Act",
        Stage::Maintenance => "Maint",
        Stage::Relapse => "Relap",
    }
}

/// Days to the next review: `!12d` when 12 days overdue (`! 12d over` when there is room). An
/// overdue review whose alert was acknowledged loses its `!` and alarm colour.
fn due_text(due: Option<NaiveDate>, today: NaiveDate, wide: bool, quiet: bool) -> (String, bool) {
    match due {
        None => ("-".into(), false),
        Some(due) => {
            let days = (due - today).num_days();
            match (days < 0, wide) {
                (true, true) if quiet => (format!("{}d over", -days), false),
                (true, false) if quiet => (format!("{}d", -days), false),
                (true, true) => (format!("! {}d over", -days), true),
                (true, false) => (format!("!{}d", -days), true),
                (false, _) if days == 0 => ("today".into(), false),
                (false, true) => (format!("in {days}d"), false),
                (false, false) => (format!("{days}d"), false),
            }
        }
    }
}

fn last_seen_text(row: &CaseloadRow, today: NaiveDate) -> String {
    row.last_seen.map_or_else(
        || "never".into(),
        |at| format!("{}d ago", (today - at.date()).num_days()),
    )
}

/// A key worker's initials for the narrow team view: the first letter of their first and last
/// names ("Alex Morgan" is AM), from the name as stored, control characters cleaned away.
pub fn worker_initials(name: &str) -> String {
    let name = clean(name);
    let words: Vec<&str> = name.split_whitespace().collect();
    let letter = |word: Option<&&str>| word.and_then(|w| w.chars().next());
    [
        letter(words.first()),
        letter(words.last()).filter(|_| words.len() > 1),
    ]
    .into_iter()
    .flatten()
    .flat_map(char::to_uppercase)
    .collect()
}

/// The client's name in `room` columns, saying as much as fits: given and family name, with
/// the preferred name after when set (`Joanne Wren (Jo)`); then the family name's initial
/// (`Joanne W. (Jo)`); then the preferred name with the initial (`Jo W.`); then the given name
/// cut to leave room for the initial. Known-as alone cannot tell two Jos apart.
pub fn client_name(row: &CaseloadRow, room: usize, ascii: bool) -> String {
    let given = clean(row.given_name.as_str());
    let family = clean(row.family_name.as_str());
    let initial: String = family.chars().take(1).chain(['.']).collect();
    let preferred = row
        .preferred_name
        .as_ref()
        .map(|p| clean(p.as_str()))
        .filter(|p| *p != given);
    let mut candidates = Vec::with_capacity(4);
    match &preferred {
        Some(preferred) => {
            candidates.push(format!("{given} {family} ({preferred})"));
            candidates.push(format!("{given} {initial} ({preferred})"));
            candidates.push(format!("{preferred} {initial}"));
        }
        None => {
            candidates.push(format!("{given} {family}"));
            candidates.push(format!("{given} {initial}"));
        }
    }
    if let Some(fits) = candidates.iter().find(|c| width(c) <= room) {
        return fits.clone();
    }
    let first = preferred.unwrap_or(given);
    let keep = room.saturating_sub(width(&initial) + 1);
    if keep >= 2 {
        format!("{} {initial}", truncate(&first, keep, ascii))
    } else {
        truncate(&first, room, ascii)
    }
}

/// The days-in-treatment column with the space before it.
const DAYS_COLUMN: u16 = 6;

/// The bottom border's legend: the meaning of each letter on screen now (ten do not fit one
/// line). Entries that do not fit whole are counted and sent to the help, never cut mid-word.
fn legend(app: &App, pane_width: u16, ascii: bool) -> String {
    let wide = pane_width >= 100;
    let shown: String = app
        .caseload
        .rows
        .iter()
        .skip(app.caseload.cursor.offset)
        .take(app.viewport.caseload.max(1))
        .map(flags)
        .collect();
    let parts: Vec<String> = FLAG_LEGEND
        .iter()
        .filter(|(letter, ..)| shown.contains(*letter))
        .map(|(letter, long, short)| format!("{letter} {}", if wide { long } else { short }))
        .collect();
    let separator = match (wide, ascii) {
        (true, false) => " · ",
        (true, true) => ", ",
        (false, false) => "·",
        (false, true) => ",",
    };
    if parts.is_empty() {
        return String::new();
    }
    // The borders, a space either side, and the cell by the corner where ▼ marks rows below.
    let room = usize::from(pane_width.saturating_sub(5));
    let all = parts.join(separator);
    if width(&all) <= room {
        return format!(" {all} ");
    }
    // Whole entries while they fit with the note of how many more there are.
    for keep in (0..parts.len()).rev() {
        let more = format!("{} more: ? help", parts.len() - keep);
        let mut listed = parts[..keep].to_vec();
        listed.push(more);
        let text = listed.join(separator);
        if width(&text) <= room {
            return format!(" {text} ");
        }
    }
    format!(" {} ", truncate("? explains the letters", room, ascii))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, paint: &Paint) {
    let t = &paint.theme;
    let whose = match app.scope {
        Scope::Worker(_) => "mine",
        Scope::Team => "team",
    };
    let filters = app.filters.labels();
    let extra = if filters.is_empty() {
        format!(
            "{} {whose}, by {}",
            app.caseload.rows.len(),
            app.sort.label()
        )
    } else {
        format!(
            "{} of {} {whose} {} filter: {}",
            app.caseload.rows.len(),
            app.caseload_total,
            paint.glyphs.dot,
            clean(&filters.join(", "))
        )
    };
    let legend = legend(app, area.width, paint.glyphs.ascii);
    let block = paint
        .block(
            pane_title(Pane::Caseload, &extra),
            app.focus == Pane::Caseload,
        )
        .title_bottom(Line::styled(
            // One cell short of the corner: the ▼ of rows below goes there.
            truncate(
                &legend,
                usize::from(area.width.saturating_sub(3)),
                paint.glyphs.ascii,
            ),
            t.muted,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.caseload.rows.is_empty() {
        let read_only;
        let lines: &[&str] = match (app.scope, &app.refusal) {
            // The filters hid everyone: say so, not that there is nobody.
            _ if !app.filters.is_empty() => &[
                "No client matches the filters.",
                "f changes them; F clears them all.",
            ],
            (Scope::Team, Some(refusal)) => {
                read_only = refusal.notice();
                &["No clients yet.", "", &read_only]
            }
            (Scope::Team, None) => &[
                "No clients yet.",
                "Press n to add the first client.",
                "",
                "To explore with fictional data instead, run: keywork --demo",
            ],
            (Scope::Worker(_), _) => &[
                "You have no active clients.",
                "Press T to see the whole team's caseload.",
            ],
        };
        empty_state(frame, inner, lines, paint);
        return;
    }
    // Columns: the pointer, then each column and a space between. The name takes what is left.
    const NARROW_FIXED: u16 = 1 + 8 + 5 + 5 + 5 + 5 + 4 + 6;
    const WIDE_FIXED: u16 = 1 + 8 + 10 + 10 + 5 + 11 + 9 + 6 + 7;
    const TEAM_COLUMN: u16 = 15;
    /// The key worker's initials, where the team view has no room for their name.
    const INITIALS_COLUMN: u16 = 3;
    /// What the treatment and stage give back when they are abbreviated on a wide screen.
    const LONG_LABELS: u16 = 10;
    let wide = inner.width >= WIDE_FIXED + 10;
    let team = app.scope == Scope::Team && wide && inner.width >= WIDE_FIXED + TEAM_COLUMN + 12;
    let initials = app.scope == Scope::Team && !team;
    // A wide screen spells the treatment and stage out only where a whole name still fits
    // beside them: a name cut to "Connor M." to make room for "Methadone" helps nobody.
    let beside_name =
        if team { TEAM_COLUMN } else { 0 } + if initials { INITIALS_COLUMN } else { 0 };
    let long_labels = wide && inner.width >= WIDE_FIXED + 16 + beside_name;
    let fixed = if wide { WIDE_FIXED } else { NARROW_FIXED }
        + if team { TEAM_COLUMN } else { 0 }
        + if initials { INITIALS_COLUMN } else { 0 }
        - if wide && !long_labels { LONG_LABELS } else { 0 };
    // Every risk letter of every client in view is shown: the name gives up its spare column
    // first, then (on a narrow screen) the days in treatment, which the record still shows.
    let visible = app.viewport.caseload.max(1);
    let first = app
        .caseload
        .cursor
        .offset
        .min(app.caseload.rows.len().saturating_sub(1));
    let needed = app
        .caseload
        .rows
        .iter()
        .skip(first)
        .take(visible)
        .map(|row| flags(row).chars().count() as u16)
        .max()
        .unwrap_or(0)
        .max(4);
    // The risk column's share of `fixed`.
    let risk_base = if wide { 6 } else { 4 };
    let risk_room = |name: u16, days: bool| {
        (inner.width + risk_base + if days { 0 } else { DAYS_COLUMN }).saturating_sub(fixed + name)
    };
    // On a narrow screen the days in treatment (which the record shows) give their room to the
    // name, so two clients called Jo are told apart at 80 columns too.
    let days_shown = wide;
    let spare = if days_shown { 0 } else { DAYS_COLUMN };
    let mut name_width = (inner.width + spare).saturating_sub(fixed).clamp(8, 20);
    name_width = name_width
        .saturating_sub(needed.saturating_sub(risk_room(name_width, days_shown)))
        .max(8);
    let today = app.today;
    let mut widths = vec![Constraint::Length(8), Constraint::Length(name_width)];
    let mut headings = vec!["Ref", "Name"];
    if team {
        widths.push(Constraint::Length(14));
        headings.push("Key worker");
    }
    if initials {
        widths.push(Constraint::Length(INITIALS_COLUMN - 1));
        headings.push("KW");
    }
    let label_width = if long_labels { 10 } else { 5 };
    widths.extend([
        Constraint::Length(label_width),
        Constraint::Length(label_width),
    ]);
    headings.extend(["Tx", "Stage"]);
    if days_shown {
        widths.push(Constraint::Length(DAYS_COLUMN - 1));
        headings.push("Days");
    }
    widths.push(Constraint::Length(if wide { 11 } else { 5 }));
    headings.push("Due");
    if wide {
        widths.push(Constraint::Length(9));
        headings.push("Seen");
    }
    widths.push(Constraint::Min(4));
    headings.push("Risk");

    let risk_width = risk_room(name_width, days_shown);
    let rows = app
        .caseload
        .rows
        .iter()
        .skip(first)
        .take(visible)
        .map(|row| {
            let next = row.next_due();
            let quiet = next.is_some_and(|d| row.is_quiet(d));
            let (due, overdue) = due_text(next.map(|d| d.due_on), today, wide, quiet);
            let name = client_name(row, usize::from(name_width), paint.glyphs.ascii);
            let mut cells = vec![
                Cell::from(row.reference.as_str().to_owned()),
                Cell::from(name),
            ];
            if team {
                cells.push(Cell::from(truncate(
                    &clean(row.key_worker.as_str()),
                    14,
                    paint.glyphs.ascii,
                )));
            }
            if initials {
                cells.push(Cell::from(worker_initials(row.key_worker.as_str())));
            }
            let modality = if long_labels {
                row.modality.short()
            } else {
                modality_abbrev(row.modality)
            };
            let stage = row.stage.map_or("-", |s| {
                if long_labels {
                    s.short()
                } else {
                    stage_abbrev(s)
                }
            });
            let days = row
                .treatment_start
                .map_or_else(|| "-".into(), |s| (today - s).num_days().to_string());
            cells.extend([Cell::from(modality), Cell::from(stage)]);
            if days_shown {
                cells.push(Cell::from(Line::from(days).right_aligned()));
            }
            cells.push(Cell::from(Span::styled(
                due,
                if overdue { t.alert } else { t.base },
            )));
            if wide {
                cells.push(Cell::from(last_seen_text(row, today)));
            }
            let letters = truncate(&flags(row), usize::from(risk_width), paint.glyphs.ascii);
            cells.push(Cell::from(Span::styled(letters, t.alert)));
            Row::new(cells)
        });
    let header = Row::new(headings).style(t.heading);
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .style(t.base)
        .row_highlight_style(t.selected)
        .highlight_symbol(paint.glyphs.pointer)
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(app.caseload.cursor.selected - first));
    frame.render_stateful_widget(table, inner, &mut state);
    // ▲ beside the headings, ▼ on the bottom border by its corner: neither line scrolls.
    let marks = (
        Position::new(area.right().saturating_sub(1), inner.y),
        Position::new(
            area.right().saturating_sub(2),
            area.bottom().saturating_sub(1),
        ),
    );
    let view = (app.caseload.rows.len(), visible, first);
    super::scroll_marks(frame, marks, view, paint);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_initials_are_first_and_last_names_first_letters() {
        assert_eq!(worker_initials("Alex Morgan"), "AM");
        assert_eq!(worker_initials("Dr Sam Okoro"), "DO");
        assert_eq!(worker_initials("Priya"), "P");
        assert_eq!(worker_initials("  jo   wren "), "JW");
        assert_eq!(worker_initials(""), "");
        assert_eq!(worker_initials("\u{1b}[2J Eve"), "^E", "cleaned first");
    }

    #[test]
    fn overdue_review_is_flagged_with_days_over() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 11, 11);
        assert_eq!(due_text(due, today, false, false), ("!12d".into(), true));
        assert_eq!(
            due_text(due, today, true, false),
            ("! 12d over".into(), true)
        );
        assert_eq!(
            due_text(Some(today), today, true, false),
            ("today".into(), false)
        );
    }

    #[test]
    fn acknowledged_overdue_review_loses_its_alarm() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 11, 11);
        assert_eq!(due_text(due, today, true, true), ("12d over".into(), false));
        assert_eq!(due_text(due, today, false, true), ("12d".into(), false));
    }
}
