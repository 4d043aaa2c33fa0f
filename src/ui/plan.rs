//! Pane 4: the selected client's recovery plan, goals grouped by domain.

use super::{Paint, empty_state, pane_title};
use crate::app::{App, Pane, PlanLine};
use crate::display::{clean, truncate, width};
use crate::domain::GoalStatus;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, paint: &Paint) {
    let t = &paint.theme;
    let focused = app.focus == Pane::Plan;
    let active = app
        .plan
        .rows
        .iter()
        .filter(|g| g.goal.record.status == GoalStatus::Active)
        .count();
    let extra = if app.plan.rows.is_empty() {
        String::new()
    } else {
        format!("{active} active of {}", app.plan.rows.len())
    };
    // The rung letters are read on the pane itself, not only in help.
    let block = paint
        .block(pane_title(Pane::Plan, &extra), focused)
        .title_bottom(Line::styled(
            truncate(
                " L1-L6: rung on goal hierarchy (? help) ",
                usize::from(area.width.saturating_sub(2)),
                paint.glyphs.ascii,
            ),
            t.muted,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.selected_client.is_none() {
        empty_state(
            frame,
            inner,
            &["Select a client to see their recovery plan."],
            paint,
        );
        return;
    }
    if app.plan.rows.is_empty() {
        empty_state(
            frame,
            inner,
            &[
                "No goals in this plan yet.",
                "The exit plan belongs here from day one.",
            ],
            paint,
        );
        return;
    }
    let cols = usize::from(inner.width);
    let g = &paint.glyphs;
    let lines: Vec<Line> = app
        .plan
        .lines
        .iter()
        .skip(app.plan.cursor.offset)
        .take(usize::from(inner.height))
        .map(|line| match *line {
            PlanLine::Domain(domain) => Line::styled(domain.label(), t.heading),
            PlanLine::Words(index) => {
                let goal = &app.plan.rows[index].goal.record;
                let selected = focused && index == app.plan.cursor.selected;
                let pointer = if selected { g.pointer } else { " " };
                let level = goal
                    .area
                    .level()
                    .map(|l| format!("L{} ", l.number()))
                    .unwrap_or_default();
                let head = format!("{pointer}{level}");
                let words = truncate(
                    &clean(goal.in_own_words.as_str()),
                    cols.saturating_sub(width(&head)),
                    g.ascii,
                );
                let style = if selected { t.selected } else { t.title };
                Line::from(vec![Span::styled(head, style), Span::styled(words, style)])
            }
            PlanLine::Progress(index) => {
                let plan_goal = &app.plan.rows[index];
                let goal = &plan_goal.goal.record;
                let progress = usize::from(goal.progress.get());
                let status_style = match goal.status {
                    GoalStatus::Achieved => t.good,
                    GoalStatus::Dropped | GoalStatus::Paused => t.muted,
                    _ => t.base,
                };
                let target = goal
                    .target_date
                    .map(|d| d.format("%d/%m/%y").to_string())
                    .unwrap_or_else(|| "no date".into());
                let overdue = goal.target_date.is_some_and(|d| d < app.today)
                    && matches!(goal.status, GoalStatus::Active | GoalStatus::Proposed);
                let open = match plan_goal.open_actions {
                    0 => "no open".to_owned(),
                    n => format!("{n} open"),
                };
                let words = 10 + 7 + width(&target) + 1 + width(&open);
                let bar = progress_bar(progress, cols.saturating_sub(words), g);
                Line::from(vec![
                    Span::styled(format!(" {:<8} ", goal.status.label()), status_style),
                    Span::styled(bar, t.good),
                    Span::raw(format!(" {progress:>2}/10 ")),
                    Span::styled(target, if overdue { t.warn } else { t.muted }),
                    Span::styled(format!(" {open}"), t.muted),
                ])
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The progress bar in at most ten cells: fewer when the pane is narrow, so the words after it
/// (the target date, the open actions) are never cut. The number beside it stays exact.
fn progress_bar(progress: usize, room: usize, g: &super::Glyphs) -> String {
    let cells = room.clamp(1, 10);
    let full = (progress * cells + 5) / 10;
    format!(
        "{}{}",
        g.bar_full.repeat(full.min(cells)),
        g.bar_empty.repeat(cells - full.min(cells))
    )
}
