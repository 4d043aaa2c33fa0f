//! Pane 2: reviews due within the window or overdue, grouped Overdue / This week / Later.

use super::{Paint, empty_state, pane_title};
use crate::app::{App, Pane, ReviewGroup, ReviewLine};
use crate::display::{clean, pad};
use crate::domain::ReviewKind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, paint: &Paint) {
    let t = &paint.theme;
    let overdue = app
        .reviews
        .rows
        .iter()
        .filter(|r| r.due.due_on < app.today && !r.quiet)
        .count();
    // The count in the title only where it fits; the Overdue heading repeats it anyway.
    let extra = if overdue > 0 && area.width >= 36 {
        format!("{overdue} overdue")
    } else {
        String::new()
    };
    let focused = app.focus == Pane::Reviews;
    let block = paint.block(pane_title(Pane::Reviews, &extra), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.reviews.rows.is_empty() {
        let window = format!(
            "No reviews due in the next {} days.",
            app.settings.review_window_days
        );
        // Under filters, nothing due among the clients they keep: not "nothing is overdue".
        let under_filters = "for the clients the filters keep (F clears them).";
        let lines: &[&str] = if app.filters.is_empty() {
            &[&window, "Nothing is overdue."]
        } else {
            &[&window, under_filters]
        };
        empty_state(frame, inner, lines, paint);
        return;
    }
    let width = usize::from(inner.width);
    // Pointer, reference, kind and "! 594d over" always; the name in whatever is left.
    let long_kind = width >= 52;
    let kind_width = if long_kind { 11 } else { 5 };
    let name_width = width
        .saturating_sub(1 + 8 + 1 + kind_width + 1 + 11 + 1)
        .min(14);
    let with_name = name_width >= 6;
    let lines = app
        .reviews
        .lines
        .iter()
        .skip(app.reviews.cursor.offset)
        .take(usize::from(inner.height))
        .map(|line| match line {
            ReviewLine::Group(group) => {
                let count = app
                    .reviews
                    .rows
                    .iter()
                    .filter(|r| ReviewGroup::of_review(r.due.due_on, app.today) == *group)
                    .count();
                let style = if *group == ReviewGroup::Overdue {
                    t.alert
                } else {
                    t.heading
                };
                Line::styled(format!("{} ({count})", group.label()), style)
            }
            ReviewLine::Review(index) => {
                let review = &app.reviews.rows[*index];
                let days = (review.due.due_on - app.today).num_days();
                let when = match days {
                    ..0 if review.quiet => format!("{}d over", -days),
                    ..0 => format!("! {}d over", -days),
                    0 => "today".to_owned(),
                    _ => format!("in {days}d"),
                };
                let selected = focused && *index == app.reviews.cursor.selected;
                let pointer = if selected { paint.glyphs.pointer } else { " " };
                let name = if with_name {
                    format!(
                        "{} ",
                        pad(
                            &clean(review.known_as.as_str()),
                            name_width,
                            paint.glyphs.ascii
                        )
                    )
                } else {
                    String::new()
                };
                let kind = if long_kind {
                    review.due.kind.short()
                } else {
                    kind_abbrev(review.due.kind)
                };
                let left = format!(
                    "{pointer}{} {name}{kind:<w$} ",
                    review.reference,
                    w = kind_width
                );
                let pad = width.saturating_sub(crate::display::width(&left) + when.len());
                let style = if selected { t.selected } else { t.base };
                let when_style = if days < 0 && !review.quiet {
                    t.alert
                } else {
                    t.base
                };
                Line::from(vec![
                    Span::styled(left, style),
                    Span::styled(" ".repeat(pad), style),
                    Span::styled(
                        when,
                        if selected {
                            t.selected.patch(when_style)
                        } else {
                            when_style
                        },
                    ),
                ])
            }
        });
    frame.render_widget(Paragraph::new(lines.collect::<Vec<_>>()), inner);
    // On the right border beside the first and last lines shown.
    let right = area.right().saturating_sub(1);
    let marks = (
        ratatui::layout::Position::new(right, inner.y),
        ratatui::layout::Position::new(right, inner.bottom().saturating_sub(1)),
    );
    let view = (
        app.reviews.lines.len(),
        usize::from(inner.height),
        app.reviews.cursor.offset,
    );
    super::scroll_marks(frame, marks, view, paint);
}

/// Review kinds in five letters for the narrow pane.
fn kind_abbrev(kind: ReviewKind) -> &'static str {
    match kind {
        ReviewKind::CarePlan => "Care",
        ReviewKind::Prescribing => "Presc",
        ReviewKind::Outcomes => "TOP",
        ReviewKind::Risk => "Risk",
    }
}
