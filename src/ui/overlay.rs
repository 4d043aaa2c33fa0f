//! Full-screen views over the panes: the client record and the help.

use super::Paint;
use super::caseload::FLAG_LEGEND;
use crate::app::{App, LineKind, Overlay, keymap::KEYMAP};
use crate::display::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

pub fn record(frame: &mut Frame, area: Rect, overlay: &Overlay, paint: &Paint) {
    let Overlay::Record { lines, scroll, .. } = overlay;
    let t = &paint.theme;
    let total = lines.len();
    let shown = usize::from(area.height.saturating_sub(2));
    let position = if total > shown {
        format!(
            " lines {}-{} of {total} ",
            scroll + 1,
            (scroll + shown).min(total)
        )
    } else {
        String::new()
    };
    let block = paint
        .block(" Client record (Esc to go back) ", true)
        .title_bottom(Line::styled(position, t.muted).right_aligned());
    let inner = block.inner(area).inner(ratatui::layout::Margin {
        horizontal: 1,
        vertical: 0,
    });
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let text: Vec<Line> = lines
        .iter()
        .skip(*scroll)
        .take(shown)
        .map(|line| {
            let style = match line.kind {
                LineKind::Title => t.title,
                LineKind::Heading => t.heading,
                LineKind::Text | LineKind::Blank => t.base,
                LineKind::Muted => t.muted,
                LineKind::Alert => t.alert,
            };
            // Already cleaned when the document was laid out; cleaning again costs nothing and
            // keeps this function safe on its own.
            Line::styled(clean(&line.text).into_owned(), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(text), inner);
}

/// Every key from the keymap, then the risk-flag legend.
pub fn help_lines(paint: &Paint) -> Vec<Line<'static>> {
    let t = &paint.theme;
    let mut lines = vec![Line::styled("Keys", t.heading)];
    for binding in KEYMAP {
        lines.push(Line::from(vec![
            ratatui::text::Span::styled(format!("  {:<14}", binding.key_names()), t.key),
            ratatui::text::Span::styled(binding.help, t.base),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Risk flags in the caseload", t.heading));
    for (letter, words, _) in FLAG_LEGEND {
        lines.push(Line::styled(format!("  {letter}  {words}"), t.base));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Due column: ! marks an overdue review, with the days over.",
        t.muted,
    ));
    lines.push(Line::styled("Esc or ? closes this help.", t.muted));
    lines
}

pub fn help(frame: &mut Frame, area: Rect, app: &App, paint: &Paint) {
    let block = paint.block(" Help (Esc to close) ", true);
    let inner = block.inner(area).inner(ratatui::layout::Margin {
        horizontal: 1,
        vertical: 0,
    });
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let scroll = app.help.unwrap_or(0);
    let lines: Vec<Line> = help_lines(paint).into_iter().skip(scroll).collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
