//! Drawing the open form and any question over the screen.

use super::Paint;
use crate::app::Question;
use crate::display::{clean, truncate, width};
use crate::form::{Field, Form, Kind};
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

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
    let block = paint.block(
        format!(
            " {} ",
            truncate(
                &clean(&form.title),
                usize::from(area.width.saturating_sub(4)),
                paint.glyphs.ascii
            )
        ),
        true,
    );
    let inner = block.inner(area).inner(Margin {
        horizontal: 1,
        vertical: 0,
    });
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let label_width: u16 = if inner.width >= 100 { 24 } else { 20 };
    let columns = if inner.width >= 70 { 2 } else { 1 };
    let shown: Vec<usize> = (0..form.fields.len())
        .filter(|i| form.is_shown(*i))
        .collect();
    // Scroll so the focused field is wholly in view.
    let mut top = 0u16;
    let mut focus_span = (0, 0);
    for index in &shown {
        let h = height(&form.fields[*index], columns, label_width);
        if *index == form.focus {
            focus_span = (top, top + h);
        }
        top += h;
    }
    let offset = focus_span.1.saturating_sub(inner.height).min(focus_span.0);
    let mut y = 0u16;
    for index in shown {
        let field = &form.fields[index];
        let h = height(field, columns, label_width);
        let (start, end) = (y, y + h);
        y = end;
        if start < offset || end > offset + inner.height {
            continue;
        }
        let rect = Rect::new(inner.x, inner.y + start - offset, inner.width, h);
        draw_field(
            frame,
            rect,
            field,
            index == form.focus,
            label_width,
            columns,
            paint,
        );
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
    frame: &mut Frame,
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
            frame.render_widget(
                Paragraph::new(Line::from(label(field, focused, paint))),
                first,
            );
            if let Some(area) = field.text_area() {
                let body = Rect::new(rect.x + 2, rect.y + 1, rect.width.saturating_sub(2), *rows);
                frame.render_widget(area, body);
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
            frame.render_widget(Paragraph::new(line), first);
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
                frame.render_widget(Paragraph::new(Span::styled(text, style)), cell);
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
            frame.render_widget(
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
                    frame.render_widget(Paragraph::new(Line::from(spans)), value);
                }
                Kind::YesNo => {
                    let on = field.flag().unwrap_or(false);
                    let text = if on { "[x] yes" } else { "[ ] no" };
                    frame.render_widget(
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
                        frame.render_widget(area, input);
                    }
                    if let Some((hint, area)) = hint {
                        frame.render_widget(Paragraph::new(Span::styled(hint, t.muted)), area);
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
        frame.render_widget(Paragraph::new(Span::styled(text, t.alert)), row);
    }
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
