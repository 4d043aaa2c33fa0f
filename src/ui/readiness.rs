//! Pane 3: the selected client's readiness notes, newest first, above their readiness ruler over time.

use super::caseload::stage_abbrev;
use super::{Paint, empty_state, pane_title};
use crate::app::{App, Pane};
use crate::display::{first_line, truncate, width};
use crate::domain::Score;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar};

/// Rows under the notes for the chart: a caption and two rows of bars.
pub const CHART_HEIGHT: usize = 3;

fn score(s: Option<Score>) -> String {
    s.map_or_else(|| "-".into(), |s| s.get().to_string())
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, paint: &Paint) {
    let t = &paint.theme;
    let focused = app.focus == Pane::Readiness;
    // The latest stage in the title when there is room; the first row shows it anyway.
    let latest = app
        .readiness
        .rows
        .first()
        .map(|n| n.record.stage.label())
        .filter(|_| area.width >= 50)
        .unwrap_or("");
    let block = paint.block(pane_title(Pane::Readiness, latest), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.selected_client.is_none() {
        empty_state(
            frame,
            inner,
            &["Select a client to see their readiness for change."],
            paint,
        );
        return;
    }
    if app.readiness.rows.is_empty() {
        empty_state(
            frame,
            inner,
            &[
                "No readiness notes for this client yet.",
                "Check readiness at the next session.",
            ],
            paint,
        );
        return;
    }
    let [list, chart] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(CHART_HEIGHT as u16)])
            .areas(inner);
    let cols = usize::from(list.width);
    let lines: Vec<Line> = app
        .readiness
        .rows
        .iter()
        .enumerate()
        .skip(app.readiness.cursor.offset)
        .take(usize::from(list.height))
        .map(|(index, note)| {
            let n = &note.record;
            let selected = focused && index == app.readiness.cursor.selected;
            let pointer = if selected { paint.glyphs.pointer } else { " " };
            let head = format!(
                "{pointer}{} {:<5} I{} C{} R{} ",
                n.noted_on.format("%d/%m/%y"),
                stage_abbrev(n.stage),
                score(n.importance),
                score(n.confidence),
                score(n.readiness)
            );
            let words = truncate(
                &first_line(n.note.as_str()),
                cols.saturating_sub(width(&head)),
                paint.glyphs.ascii,
            );
            let style = if selected { t.selected } else { t.base };
            Line::from(vec![
                Span::styled(head, style),
                Span::styled(words, if selected { style } else { t.muted }),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    draw_chart(frame, chart, app, paint);
}

/// The readiness ruler, oldest to newest, as many notes as fit; a gap where it was not asked.
fn draw_chart(frame: &mut Frame, area: Rect, app: &App, paint: &Paint) {
    let [caption, bars] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let arrow = if paint.glyphs.ascii { "->" } else { "→" };
    let text = format!("Readiness 0-10, oldest {arrow} newest");
    frame.render_widget(
        Paragraph::new(Line::styled(text, paint.theme.muted)),
        caption,
    );
    let fit = usize::from(bars.width);
    let data: Vec<SparklineBar> = app
        .readiness
        .rows
        .iter()
        .take(fit)
        .rev()
        .map(|n| SparklineBar::from(n.record.readiness.map(|s| u64::from(s.get()))))
        .collect();
    let sparkline = Sparkline::default()
        .data(data)
        .max(10)
        .bar_set(paint.glyphs.sparkline.clone())
        .style(paint.theme.good);
    frame.render_widget(sparkline, bars);
}
