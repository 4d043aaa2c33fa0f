//! The command palette, drawn over the caseload pane: the search line, then each action's keys
//! and name with the matched letters marked.

use super::Paint;
use super::find::marked_line;
use crate::app::palette::Palette;
use crate::display::truncate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, palette: &Palette, paint: &Paint) {
    let t = &paint.theme;
    let block = paint.block(" Command palette ", true);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let room = usize::from(inner.width);
    let caret = if paint.glyphs.ascii { "_" } else { "▏" };
    let mut lines = vec![Line::from(vec![
        Span::styled(": ", t.key),
        Span::styled(
            truncate(&palette.query, room.saturating_sub(3), paint.glyphs.ascii),
            t.title,
        ),
        Span::styled(caret, t.key),
    ])];
    let shown = usize::from(inner.height).saturating_sub(1);
    if palette.entries.is_empty() {
        lines.push(Line::styled("No action matches.", t.muted));
    }
    let first = (palette.highlighted + 1).saturating_sub(shown);
    for (index, entry) in palette.entries.iter().enumerate().skip(first).take(shown) {
        let keys = format!("{:<10} ", entry.binding.key_names());
        lines.push(marked_line(
            &keys,
            entry.binding.help,
            &entry.positions,
            index == palette.highlighted,
            paint,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
