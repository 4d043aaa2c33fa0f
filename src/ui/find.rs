//! Find's search line and its matches, drawn over the caseload pane they search.

use super::Paint;
use crate::app::find::Find;
use crate::display::truncate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, find: &Find, total: usize, paint: &Paint) {
    let t = &paint.theme;
    let title = format!(" 1 Find: {} of {total} ", find.hits.len());
    let block = paint.block(title, true);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let room = usize::from(inner.width);
    let caret = if paint.glyphs.ascii { "_" } else { "▏" };
    let mut lines = vec![Line::from(vec![
        Span::styled("/ ", t.key),
        Span::styled(
            truncate(&find.query, room.saturating_sub(3), paint.glyphs.ascii),
            t.title,
        ),
        Span::styled(caret, t.key),
    ])];
    let shown = usize::from(inner.height).saturating_sub(1);
    if find.hits.is_empty() {
        lines.push(Line::styled("No client matches.", t.muted));
    }
    let first = (find.highlighted + 1).saturating_sub(shown);
    for (index, hit) in find.hits.iter().enumerate().skip(first).take(shown) {
        lines.push(marked_line(
            "",
            &hit.text,
            &hit.positions,
            index == find.highlighted,
            paint,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// One match: the pointer when highlighted, `prefix`, then the text with the matched letters (at
/// char `positions`) marked by underline and bold (so they show in the monochrome theme too).
pub fn marked_line(
    prefix: &str,
    text: &str,
    positions: &[usize],
    highlighted: bool,
    paint: &Paint,
) -> Line<'static> {
    let t = &paint.theme;
    let base = if highlighted { t.selected } else { t.base };
    let matched = base
        .patch(t.key)
        .add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
    let pointer = if highlighted {
        paint.glyphs.pointer.to_owned()
    } else {
        " ".repeat(crate::display::width(paint.glyphs.pointer))
    };
    let mut spans = vec![Span::styled(format!("{pointer}{prefix}"), base)];
    let mut run = String::new();
    let mut run_matched = false;
    let mut next = positions.iter().peekable();
    for (i, c) in text.chars().enumerate() {
        let is_match = next.peek().is_some_and(|p| **p == i);
        if is_match {
            next.next();
        }
        if is_match != run_matched && !run.is_empty() {
            spans.push(styled(std::mem::take(&mut run), run_matched, matched, base));
        }
        run_matched = is_match;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(styled(run, run_matched, matched, base));
    }
    Line::from(spans)
}

fn styled(text: String, is_match: bool, matched: Style, base: Style) -> Span<'static> {
    Span::styled(text, if is_match { matched } else { base })
}
