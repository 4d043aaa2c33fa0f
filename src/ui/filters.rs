//! The filter chooser, drawn over the caseload pane it filters.

use super::Paint;
use crate::app::filter::{Chooser, FilterLine};
use crate::display::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, chooser: &Chooser, paint: &Paint) {
    let t = &paint.theme;
    let block = paint.block(" 1 Filter the caseload ", true);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let blank = " ".repeat(crate::display::width(paint.glyphs.pointer));
    let mut lines: Vec<Line> = FilterLine::ALL
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let selected = index == chooser.line;
            let style = if selected { t.selected } else { t.base };
            let pointer = if selected {
                paint.glyphs.pointer.to_owned()
            } else {
                blank.clone()
            };
            Line::from(vec![
                Span::styled(format!("{pointer}{:<16}", line.label()), style),
                Span::styled(clean(&chooser.value(*line)).into_owned(), style),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    let dot = paint.glyphs.dot;
    // Wrapped, never cut: the pane is narrow at 80 columns.
    let hint = format!("Space/Right change {dot} Enter apply {dot} F clear all {dot} Esc cancel");
    for part in crate::display::wrap(&hint, usize::from(inner.width).max(1)) {
        lines.push(Line::styled(part, t.muted));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
