//! Drawing the open form and any question over the screen.

use super::{Glyphs, Paint};
use crate::app::Question;
use crate::display::{clean, truncate, width};
use crate::form::{Field, Form, Kind};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// A label too long for the label column goes on rows of its own, the value under it.
fn long_label(field: &Field, label_width: u16) -> bool {
    width(&field.spec.label) + 3 > usize::from(label_width)
}

/// A field's words laid out at the form's width, so that nothing is cut: a long label (a goal in
/// the worker's words) and a long choice (an alert's reason) wrap onto more rows, as does an
/// error that says what a field takes.
struct Parts {
    /// The label's rows: one, beside the value, unless it is too long for the label column.
    label: Vec<String>,
    long: bool,
    /// A choice's chosen option between its arrows, wrapped in the value column.
    choice: Vec<String>,
    error: Vec<String>,
}

impl Parts {
    fn of(field: &Field, focused: bool, width: u16, label_width: u16, glyphs: &Glyphs) -> Parts {
        let pointer = glyphs.pointer;
        let long = long_label(field, label_width)
            && !matches!(field.spec.kind, Kind::Note { .. } | Kind::Multi(_));
        let text = label_text(field);
        let label = if long {
            hanging(
                &text,
                usize::from(width).saturating_sub(1),
                pointer,
                focused,
            )
        } else {
            vec![format!("{}{text}", if focused { pointer } else { " " })]
        };
        let value_width = usize::from(width.saturating_sub(label_width)).max(1);
        let choice = match &field.spec.kind {
            Kind::Choice(options) => {
                let chosen = field
                    .picked()
                    .and_then(|i| options.get(i))
                    .map_or("(none)", |o| o.label.as_str());
                let (left, right) = if glyphs.ascii {
                    ("<", ">")
                } else {
                    ("◀", "▶")
                };
                wrap(&format!("{left} {chosen} {right}"), value_width)
            }
            _ => Vec::new(),
        };
        let error = field.error.as_ref().map_or_else(Vec::new, |error| {
            wrap(&format!("! {error}"), usize::from(width.saturating_sub(2)))
        });
        Parts {
            label,
            long,
            choice,
            error,
        }
    }

    /// Rows from the top of the field to its value.
    fn value_row(&self) -> u16 {
        if self.long {
            self.label.len() as u16
        } else {
            0
        }
    }
}

/// Wraps `text` to `max` columns; at least one row.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let lines = crate::display::wrap(text, max.max(1));
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// Wrapped with the pointer (or a space) before the first row and a space before the rest, so
/// the words line up.
fn hanging(text: &str, max: usize, pointer: &str, focused: bool) -> Vec<String> {
    wrap(text, max)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let lead = if i == 0 && focused { pointer } else { " " };
            format!("{lead}{line}")
        })
        .collect()
}

/// The label's words: the label, a star when required, a note's count of characters.
fn label_text(field: &Field) -> String {
    let star = if field.spec.required { "*" } else { "" };
    let mut text = format!("{}{star}", field.spec.label);
    if let Kind::Note { max, .. } = field.spec.kind {
        let count = field.text().chars().count();
        text = format!("{text} ({count}/{max})");
    }
    clean(&text).into_owned()
}

/// Rows a field takes at this width.
fn height(field: &Field, width: u16, columns: u16, label_width: u16, glyphs: &Glyphs) -> u16 {
    let parts = Parts::of(field, false, width, label_width, glyphs);
    let body = match &field.spec.kind {
        Kind::Note { rows, .. } => 1 + rows,
        Kind::Multi(options) => 1 + (options.len() as u16).div_ceil(columns),
        Kind::Choice(_) => parts.value_row() + parts.choice.len() as u16,
        _ => parts.value_row() + 1,
    };
    body + parts.error.len() as u16
}

pub fn draw(frame: &mut Frame, area: Rect, form: &Form, paint: &Paint) {
    let inner_of = |block: &ratatui::widgets::Block| {
        block.inner(area).inner(Margin {
            horizontal: 1,
            vertical: 0,
        })
    };
    let title = format!(
        " {} ",
        truncate(
            &clean(&form.title),
            usize::from(area.width.saturating_sub(4)),
            paint.glyphs.ascii
        )
    );
    let inner = inner_of(&paint.block(title.clone(), true));
    let label_width: u16 = if inner.width >= 100 { 24 } else { 20 };
    let columns = crate::form::CHECKLIST_COLUMNS as u16;
    let layout = Layout::of(form, inner.width, columns, label_width, &paint.glyphs);
    let offset = layout.offset(inner.height);
    let mut block = paint.block(title, true);
    if let Some(more) = layout.more(offset, inner.height) {
        block = block.title_bottom(Line::styled(more, paint.theme.muted).right_aligned());
    }
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    for (index, start, h) in layout.rows {
        let visible = start + h > offset && start < offset + inner.height;
        if !visible {
            continue;
        }
        let field = &form.fields[index];
        let drawn = draw_field_alone(
            field,
            index == form.focus,
            inner.width,
            h,
            label_width,
            columns,
            paint,
        );
        copy_rows(&drawn, frame.buffer_mut(), inner, start, offset);
    }
}

/// Where each shown field starts, in rows from the top of the form, and how tall it is.
struct Layout {
    rows: Vec<(usize, u16, u16)>,
    total: u16,
    focus: (u16, u16),
}

impl Layout {
    fn of(form: &Form, width: u16, columns: u16, label_width: u16, glyphs: &Glyphs) -> Layout {
        let mut rows = Vec::new();
        let mut top = 0u16;
        let mut focus = (0, 0);
        for index in (0..form.fields.len()).filter(|i| form.is_shown(*i)) {
            let h = height(&form.fields[index], width, columns, label_width, glyphs);
            if index == form.focus {
                focus = (top, top + h);
            }
            rows.push((index, top, h));
            top += h;
        }
        Layout {
            rows,
            total: top,
            focus,
        }
    }

    /// The first row in view: scrolled just enough that the focused field is wholly in view
    /// (its top, if it is taller than the view).
    fn offset(&self, height: u16) -> u16 {
        self.focus.1.saturating_sub(height).min(self.focus.0)
    }

    /// Words for the bottom border when fields lie beyond the view, so none is hidden silently.
    fn more(&self, offset: u16, height: u16) -> Option<&'static str> {
        match (offset > 0, offset + height < self.total) {
            (true, true) => Some(" more above and below: Tab moves "),
            (false, true) => Some(" more below: Tab moves "),
            (true, false) => Some(" more above: Shift-Tab moves "),
            (false, false) => None,
        }
    }
}

/// One field drawn whole into a buffer of its own, so a field only partly in view can be cut at
/// the edge of the form (drawing it whole or not at all left blank rows where it did not fit).
fn draw_field_alone(
    field: &Field,
    focused: bool,
    width: u16,
    height: u16,
    label_width: u16,
    columns: u16,
    paint: &Paint,
) -> Buffer {
    let rect = Rect::new(0, 0, width, height);
    let mut buffer = Buffer::empty(rect);
    draw_field(
        &mut buffer,
        rect,
        field,
        focused,
        label_width,
        columns,
        paint,
    );
    buffer
}

/// Copies the rows of a field's buffer that fall in the view (`start` is the field's first row
/// in the form, `offset` the form's first row in view).
fn copy_rows(from: &Buffer, to: &mut Buffer, view: Rect, start: u16, offset: u16) {
    for row in 0..from.area.height {
        let Some(y) = (start + row).checked_sub(offset) else {
            continue;
        };
        if y >= view.height {
            break;
        }
        for x in 0..from.area.width.min(view.width) {
            to[(view.x + x, view.y + y)] = from[(x, row)].clone();
        }
    }
}

fn label_style(focused: bool, paint: &Paint) -> ratatui::style::Style {
    if focused {
        paint.theme.key
    } else {
        paint.theme.heading
    }
}

fn draw_field(
    buf: &mut Buffer,
    rect: Rect,
    field: &Field,
    focused: bool,
    label_width: u16,
    columns: u16,
    paint: &Paint,
) {
    let t = &paint.theme;
    let g = &paint.glyphs;
    let parts = Parts::of(field, focused, rect.width, label_width, g);
    let value_x = rect.x + label_width;
    let value_width = rect.width.saturating_sub(label_width);
    let first = Rect::new(rect.x, rect.y, rect.width, 1);
    let label_line = |extra: Option<&str>| {
        let text = truncate(&parts.label[0], usize::from(rect.width), g.ascii);
        let mut spans = vec![Span::styled(text, label_style(focused, paint))];
        if let Some(extra) =
            extra.filter(|e| width(&parts.label[0]) + width(e) <= usize::from(rect.width))
        {
            spans.push(Span::styled(extra.to_owned(), t.muted));
        }
        Paragraph::new(Line::from(spans))
    };
    match &field.spec.kind {
        Kind::Note { rows, .. } => {
            render(buf, label_line(None), first);
            if let Some(area) = field.text_area() {
                let body = Rect::new(rect.x + 2, rect.y + 1, rect.width.saturating_sub(2), *rows);
                render(buf, area, body);
            }
        }
        Kind::Multi(options) => {
            render(
                buf,
                label_line(focused.then_some("  Space ticks, arrows move")),
                first,
            );
            let (chosen, cursor) = field.checklist().expect("checklist");
            let column_width = rect.width.saturating_sub(2) / columns;
            for (i, option) in options.iter().enumerate() {
                let (row, col) = (i as u16 / columns, i as u16 % columns);
                let mark = if chosen.contains(&i) { "[x]" } else { "[ ]" };
                let text = truncate(
                    &format!("{mark} {}", option.label),
                    usize::from(column_width.saturating_sub(1)),
                    g.ascii,
                );
                let style = if focused && i == cursor {
                    t.selected
                } else {
                    t.base
                };
                let cell = Rect::new(
                    rect.x + 2 + col * column_width,
                    rect.y + 1 + row,
                    column_width,
                    1,
                );
                render(buf, Paragraph::new(Span::styled(text, style)), cell);
            }
        }
        kind => {
            let label_rows: Vec<Line> = parts
                .label
                .iter()
                .map(|l| Line::styled(l.clone(), label_style(focused, paint)))
                .collect();
            let label_area = Rect::new(
                rect.x,
                rect.y,
                if parts.long { rect.width } else { label_width },
                parts.label.len() as u16,
            );
            render(buf, Paragraph::new(label_rows), label_area);
            let value = Rect::new(value_x, rect.y + parts.value_row(), value_width, 1);
            match kind {
                Kind::Choice(_) => {
                    let style = if focused { t.selected } else { t.base };
                    let hint = "  Space/arrows change, a letter jumps";
                    let last = parts.choice.len() - 1;
                    let lines: Vec<Line> = parts
                        .choice
                        .iter()
                        .enumerate()
                        .map(|(i, text)| {
                            let mut spans = vec![Span::styled(text.clone(), style)];
                            // The hint only where it fits whole: the footer says it too.
                            if focused
                                && i == last
                                && width(text) + width(hint) <= usize::from(value_width)
                            {
                                spans.push(Span::styled(hint, t.muted));
                            }
                            Line::from(spans)
                        })
                        .collect();
                    let area = Rect::new(value.x, value.y, value.width, lines.len() as u16);
                    render(buf, Paragraph::new(lines), area);
                }
                Kind::YesNo => {
                    let on = field.flag().unwrap_or(false);
                    let text = if on { "[x] yes" } else { "[ ] no" };
                    render(
                        buf,
                        Paragraph::new(Span::styled(
                            text,
                            if focused { t.selected } else { t.base },
                        )),
                        value,
                    );
                }
                _ => {
                    // An answer field leaves room for what it accepts ("past 4 weeks: days 0-28, d declined").
                    let (input, hint) = match field.spec.kind.hint() {
                        Some(hint) if value.width > 12 => {
                            let [input, hint_area] = ratatui::layout::Layout::horizontal([
                                ratatui::layout::Constraint::Length(8),
                                ratatui::layout::Constraint::Fill(1),
                            ])
                            .spacing(2)
                            .areas(value);
                            (input, Some((hint, hint_area)))
                        }
                        _ => (value, None),
                    };
                    if let Some(area) = field.text_area() {
                        render(buf, area, input);
                    }
                    if let Some((hint, area)) = hint {
                        render(buf, Paragraph::new(Span::styled(hint, t.muted)), area);
                    }
                }
            }
        }
    }
    if !parts.error.is_empty() {
        let rows = parts.error.len() as u16;
        let area = Rect::new(
            rect.x + 2,
            rect.y + rect.height - rows,
            rect.width.saturating_sub(2),
            rows,
        );
        let lines: Vec<Line> = parts
            .error
            .iter()
            .map(|l| Line::styled(l.clone(), t.alert))
            .collect();
        render(buf, Paragraph::new(lines), area);
    }
}

/// Draws a widget into a field's own buffer.
fn render(buf: &mut Buffer, widget: impl Widget, area: Rect) {
    widget.render(area, buf);
}

/// A question in a box in the middle of the screen, with its answers.
pub fn question(frame: &mut Frame, area: Rect, question: &Question, paint: &Paint) {
    let answers = match question {
        Question::DiscardForm => "y discard   n, Esc or Enter keep editing",
        Question::Resume { .. } => "Enter or y resume   Esc later   x discard it",
        Question::Confirm { .. } => "y yes   n or Esc no",
    };
    let text = clean(question.text()).into_owned();
    let box_width = (width(&text).max(width(answers)) as u16 + 6).min(area.width);
    let lines = (width(&text) as u16).div_ceil(box_width.saturating_sub(4).max(1)) + 3;
    let rect = Rect::new(
        area.x + (area.width - box_width) / 2,
        area.y + area.height.saturating_sub(lines + 2) / 2,
        box_width,
        lines + 2,
    );
    let block = paint.block(" Question ", true);
    let inner = block.inner(rect).inner(Margin {
        horizontal: 1,
        vertical: 0,
    });
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    let body = vec![
        Line::styled(text, paint.theme.title),
        Line::raw(""),
        Line::styled(answers, paint.theme.key),
    ];
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }), inner);
}
