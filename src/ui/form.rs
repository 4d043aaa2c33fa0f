//! Drawing the open form and any question over the screen.

use super::Paint;
use crate::app::Question;
use crate::display::{clean, truncate, width};
use crate::form::{Field, Form, Kind};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

/// A label too long for the label column goes on its own row, the value under it.
fn long_label(field: &Field, label_width: u16) -> bool {
    width(&field.spec.label) + 3 > usize::from(label_width)
}

/// Rows a field takes at this width.
fn height(field: &Field, columns: u16, label_width: u16) -> u16 {
    let body = match &field.spec.kind {
        Kind::Note { rows, .. } => 1 + rows,
        Kind::Multi(options) => 1 + (options.len() as u16).div_ceil(columns),
        _ => 1 + u16::from(long_label(field, label_width)),
    };
    body + u16::from(field.error.is_some())
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
    let layout = Layout::of(form, columns, label_width);
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
    fn of(form: &Form, columns: u16, label_width: u16) -> Layout {
        let mut rows = Vec::new();
        let mut top = 0u16;
        let mut focus = (0, 0);
        for index in (0..form.fields.len()).filter(|i| form.is_shown(*i)) {
            let h = height(&form.fields[index], columns, label_width);
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

fn label(field: &Field, focused: bool, paint: &Paint) -> Span<'static> {
    let t = &paint.theme;
    let pointer = if focused { paint.glyphs.pointer } else { " " };
    let star = if field.spec.required { "*" } else { "" };
    let mut text = format!("{pointer}{}{star}", field.spec.label);
    if let Kind::Note { max, .. } = field.spec.kind {
        let count = field.text().chars().count();
        text = format!("{text} ({count}/{max})");
    }
    Span::styled(
        clean(&text).into_owned(),
        if focused { t.key } else { t.heading },
    )
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
    let value_x = rect.x + label_width;
    let value_width = rect.width.saturating_sub(label_width);
    let first = Rect::new(rect.x, rect.y, rect.width, 1);
    match &field.spec.kind {
        Kind::Note { rows, .. } => {
            render(
                buf,
                Paragraph::new(Line::from(label(field, focused, paint))),
                first,
            );
            if let Some(area) = field.text_area() {
                let body = Rect::new(rect.x + 2, rect.y + 1, rect.width.saturating_sub(2), *rows);
                render(buf, area, body);
            }
        }
        Kind::Multi(options) => {
            let hint = if focused {
                "  Space ticks, arrows move"
            } else {
                ""
            };
            let line = Line::from(vec![
                label(field, focused, paint),
                Span::styled(hint, t.muted),
            ]);
            render(buf, Paragraph::new(line), first);
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
            let long = long_label(field, label_width);
            let label_area = Rect::new(
                rect.x,
                rect.y,
                if long { rect.width } else { label_width },
                1,
            );
            render(
                buf,
                Paragraph::new(Line::from(label(field, focused, paint))),
                label_area,
            );
            let value = Rect::new(value_x, rect.y + u16::from(long), value_width, 1);
            match kind {
                Kind::Choice(options) => {
                    let chosen = field
                        .picked()
                        .and_then(|i| options.get(i))
                        .map_or("(none)", |o| o.label.as_str());
                    let (left, right) = if g.ascii { ("<", ">") } else { ("◀", "▶") };
                    let mut spans = vec![Span::styled(
                        format!("{left} {chosen} {right}"),
                        if focused { t.selected } else { t.base },
                    )];
                    if focused {
                        spans.push(Span::styled(
                            "  Space/arrows change, a letter jumps",
                            t.muted,
                        ));
                    }
                    render(buf, Paragraph::new(Line::from(spans)), value);
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
                    // An answer field leaves room for what it accepts ("days 0-28, d declined").
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
    if let Some(error) = &field.error {
        let row = Rect::new(
            rect.x + 2,
            rect.y + rect.height - 1,
            rect.width.saturating_sub(2),
            1,
        );
        let text = truncate(&format!("! {error}"), usize::from(row.width), g.ascii);
        render(buf, Paragraph::new(Span::styled(text, t.alert)), row);
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
