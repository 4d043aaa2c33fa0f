//! Drawing: pure functions from the application state to a frame. Nothing here reads the store,
//! the clock or the environment.

mod caseload;
mod filters;
mod find;
mod form;
mod overlay;
mod palette;
mod plan;
mod readiness;
mod reviews;
mod structure;
pub mod theme;
mod tour;

use crate::app::{App, Modal, Pane, Viewport, keymap};
use crate::display::{clean, truncate, width};
use crate::store::Scope;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect, Size};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
pub use theme::{Glyphs, Theme};

pub use crate::display::{MIN_HEIGHT, MIN_WIDTH};

/// Where everything goes on a screen of a given size.
struct Screen {
    header: Rect,
    panes: [Rect; 4],
    reader: Rect,
    footer: Rect,
}

fn screen(area: Rect) -> Screen {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Min(0)]).areas(body);
    // The caseload has the most columns: it gets the most of any extra width.
    let share = if area.width >= 120 { 66 } else { 62 };
    let [caseload, reviews] =
        Layout::horizontal([Constraint::Percentage(share), Constraint::Min(0)]).areas(top);
    let [readiness, plan] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Min(0)]).areas(bottom);
    Screen {
        header,
        panes: [caseload, reviews, readiness, plan],
        reader: body,
        footer,
    }
}

/// Rows each list can show at this size: the app keeps selections in view with it.
pub fn viewport(size: Size) -> Viewport {
    let s = screen(Rect::new(0, 0, size.width, size.height));
    let inner = |r: Rect| usize::from(r.height.saturating_sub(2));
    Viewport {
        caseload: inner(s.panes[0]).saturating_sub(1),
        reviews: inner(s.panes[1]),
        readiness: inner(s.panes[2]).saturating_sub(readiness::CHART_HEIGHT),
        plan: inner(s.panes[3]),
        reader: inner(s.reader),
        reader_width: usize::from(s.reader.width.saturating_sub(4)),
    }
}

/// Everything a pane needs to draw itself besides the state.
pub struct Paint {
    pub theme: Theme,
    pub glyphs: Glyphs,
}

impl Paint {
    pub fn for_app(app: &App) -> Paint {
        Paint {
            theme: Theme::named(app.settings.theme),
            glyphs: Glyphs::new(app.settings.ascii),
        }
    }

    /// A bordered block titled with the pane's number, highlighted when focused.
    fn block<'a>(&self, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
        let style = if focused {
            self.theme.focused_border
        } else {
            self.theme.border
        };
        Block::new()
            .borders(Borders::ALL)
            .border_set(self.glyphs.border)
            .border_style(style)
            .title(title)
    }
}

/// Whether the screen is drawn at this size; below it only the "too small" notice is, and keys
/// must not reach what is not drawn.
pub fn fits(size: Size) -> bool {
    size.width >= MIN_WIDTH && size.height >= MIN_HEIGHT
}

pub fn view(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let paint = Paint::for_app(app);
    if !fits(area.as_size()) {
        too_small(frame, area, &paint);
        return;
    }
    let s = screen(area);
    header(frame, s.header, app, &paint);
    // The top layer is drawn; the tour's caption and a question are drawn over the layer under.
    let (shown, tour) = match &app.modal {
        Modal::Tour { tour, under } => (under.as_ref(), Some(tour)),
        top => (top, None),
    };
    let (shown, question) = match shown {
        Modal::Asking { question, under } => (under.as_ref(), Some(question)),
        top => (top, None),
    };
    match shown {
        Modal::Help { scroll, .. } => overlay::help(frame, s.reader, *scroll, &paint),
        Modal::Form { editor, .. } => form::draw(frame, s.reader, &editor.form, &paint),
        Modal::Reader(view) => overlay::record(frame, s.reader, view, &paint),
        Modal::Structure { view, .. } => structure::draw(frame, s.reader, view, &paint),
        Modal::Panes
        | Modal::Tour { .. }
        | Modal::Asking { .. }
        | Modal::Find { .. }
        | Modal::Filters { .. }
        | Modal::Palette { .. } => {
            caseload::draw(frame, s.panes[0], app, &paint);
            reviews::draw(frame, s.panes[1], app, &paint);
            readiness::draw(frame, s.panes[2], app, &paint);
            plan::draw(frame, s.panes[3], app, &paint);
        }
    }
    if let Modal::Palette { palette, .. } = shown {
        palette::draw(frame, s.panes[0], palette, &paint);
    }
    if let Modal::Filters { chooser, .. } = shown {
        filters::draw(frame, s.panes[0], chooser, &paint);
    }
    if let Modal::Find { find, .. } = shown {
        find::draw(frame, s.panes[0], find, app.caseload.rows.len(), &paint);
    }
    if let Some(question) = question {
        form::question(frame, s.reader, question, &paint);
    }
    if let Some(tour) = tour {
        tour::draw(frame, s.reader, s.panes[0], tour, &paint);
    }
    footer(frame, s.footer, app, &paint);
}

fn too_small(frame: &mut Frame, area: Rect, paint: &Paint) {
    let text = format!(
        "terminal too small: need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}",
        area.width, area.height
    );
    let lines = vec![
        Line::styled(text, paint.theme.alert),
        Line::raw("Enlarge the window, or press q to quit."),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

/// Title of a pane: `1 Caseload`, with extra words after.
fn pane_title(pane: Pane, extra: &str) -> String {
    if extra.is_empty() {
        format!(" {} {} ", pane.number(), pane.title())
    } else {
        format!(" {} {}: {extra} ", pane.number(), pane.title())
    }
}

fn header(frame: &mut Frame, area: Rect, app: &App, paint: &Paint) {
    let t = &paint.theme;
    let mut left = Vec::new();
    if app.masthead.demo {
        left.push(Span::styled(" DEMO ", t.banner));
        left.push(Span::raw(" "));
    }
    let whose = match app.scope {
        Scope::Worker(_) => "my caseload",
        Scope::Team => "team caseload",
    };
    let who = match (app.worker_name(), app.identity.demo_persona) {
        (Some(name), true) => format!("{} (demo worker)", clean(name.as_str())),
        (Some(name), false) => clean(name.as_str()).into_owned(),
        (None, _) => format!("{} (not on the team)", app.identity.login),
    };
    let date = app
        .today
        .format(if area.width >= 100 {
            "%a %d %b %Y"
        } else {
            "%d %b %Y"
        })
        .to_string();
    let right = format!(
        "{who} {} {whose} {} {date} ",
        paint.glyphs.dot, paint.glyphs.dot
    );
    let used = left.iter().map(|s| width(&s.content)).sum::<usize>() + width(&right) + 1;
    let room = usize::from(area.width).saturating_sub(used);
    let service = truncate(&clean(&app.masthead.service), room, paint.glyphs.ascii);
    left.push(Span::styled(service.clone(), t.title));
    let gap = usize::from(area.width).saturating_sub(used - 1 + width(&service));
    left.push(Span::raw(" ".repeat(gap.max(1))));
    left.push(Span::styled(right, t.base));
    frame.render_widget(Paragraph::new(Line::from(left)), area);
}

fn footer(frame: &mut Frame, area: Rect, app: &App, paint: &Paint) {
    let t = &paint.theme;
    let line = match &app.message {
        // A message too long for one line takes the line above as well (over a border), so
        // its last words (often what to do next) are never cut.
        Some(message) if width(message) > usize::from(area.width) && area.y > 0 => {
            let two = Rect::new(area.x, area.y - 1, area.width, 2);
            let lines = crate::display::wrap(message, usize::from(area.width));
            // (wrap cleans each line)
            let rest = truncate(
                &lines[1..].join(" "),
                usize::from(area.width),
                paint.glyphs.ascii,
            );
            let text = vec![
                Line::styled(lines[0].clone(), t.warn),
                Line::styled(rest, t.warn),
            ];
            frame.render_widget(ratatui::widgets::Clear, two);
            frame.render_widget(Paragraph::new(text), two);
            return;
        }
        // Messages may quote stored text (an error naming a value): cleaned like any.
        Some(message) => Line::styled(clean(message).into_owned(), t.warn),
        None => {
            let mut spans = Vec::new();
            let mut used = 0;
            for (keys, hint) in keymap::hints(app.situation()) {
                let len = width(&keys) + width(hint) + 3;
                if used + len > usize::from(area.width) {
                    break;
                }
                used += len;
                spans.push(Span::styled(keys, t.key));
                spans.push(Span::styled(format!(" {hint}   "), t.muted));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Marks on a list pane's right border when it holds more rows than it shows: ▲ at `above`
/// while rows lie above (the most overdue, scrolled out of sight, never out of mind), ▼ at
/// `below` while rows lie below. Only the ends are marked, not a thumb along the border, and a
/// pane that scrolls puts them on lines that do not scroll (its headings and bottom border): a
/// scrolled list is sent as a terminal scroll of whole lines (`tui::scroll`), and marks on the
/// lines that move would be written again at every step.
fn scroll_marks(
    frame: &mut Frame,
    (above, below): (Position, Position),
    (total, shown, offset): (usize, usize, usize),
    paint: &Paint,
) {
    let (up, down) = if paint.glyphs.ascii {
        ("^", "v")
    } else {
        ("▲", "▼")
    };
    let style = paint.theme.muted;
    let area = frame.area();
    let buffer = frame.buffer_mut();
    if offset > 0 && area.contains(above) {
        buffer[above].set_symbol(up).set_style(style);
    }
    if offset + shown < total && area.contains(below) {
        buffer[below].set_symbol(down).set_style(style);
    }
}

/// Centred single-colour text for an empty pane.
fn empty_state(frame: &mut Frame, area: Rect, lines: &[&str], paint: &Paint) {
    let text: Vec<Line> = lines
        .iter()
        .map(|l| Line::styled(*l, paint.theme.muted))
        .collect();
    frame.render_widget(
        Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}
