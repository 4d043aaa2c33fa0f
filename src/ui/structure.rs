//! The plan structure view: the columns the app laid out, scrolled together, each ink given its
//! style. In monochrome the marks (`[ ]` round the stage, `◀ now` by the rung) carry the meaning.

use super::Paint;
use crate::app::structure::{Ink, Row, Structure};
use crate::display::{truncate, width};
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

fn style(ink: Ink, paint: &Paint) -> Style {
    let t = &paint.theme;
    match ink {
        Ink::Heading => t.heading,
        Ink::Text => t.base,
        Ink::Words => t.title,
        Ink::Muted | Ink::Earlier => t.muted,
        Ink::Current => t.selected,
        Ink::Good => t.good,
        Ink::Warn => t.warn,
        Ink::Explain => t.muted.add_modifier(Modifier::ITALIC),
        Ink::Frame => t.border,
    }
}

fn line<'a>(row: &'a Row, paint: &Paint) -> Line<'a> {
    Line::from(
        row.iter()
            .map(|s| Span::styled(s.text.as_str(), style(s.ink, paint)))
            .collect::<Vec<_>>(),
    )
}

pub fn draw(frame: &mut Frame, area: Rect, view: &Structure, paint: &Paint) {
    let shown = usize::from(area.height.saturating_sub(2));
    let total = view.height();
    let scroll = view.scroll.min(total.saturating_sub(shown));
    let position = if total > shown {
        format!(
            " lines {}-{} of {total} (j/k, PgDn) ",
            scroll + 1,
            (scroll + shown).min(total)
        )
    } else {
        String::new()
    };
    let explain = if view.explain {
        "? hides the notes"
    } else {
        "? explains"
    };
    let suffix = format!(" ({explain}, Esc back) ");
    let room = usize::from(area.width.saturating_sub(4)).saturating_sub(width(&suffix) + 1);
    let title = truncate(&view.title(), room, paint.glyphs.ascii);
    let block = paint
        .block(format!(" {title}{suffix}"), true)
        .title_bottom(Line::styled(position, paint.theme.muted).right_aligned());
    let inner = block.inner(area).inner(Margin {
        horizontal: 1,
        vertical: 0,
    });
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let mut x = inner.x;
    for (width, rows) in &view.columns {
        // A column shorter than the screen stays put while a longer one scrolls.
        let own = scroll.min(rows.len().saturating_sub(shown));
        let w = u16::try_from(*width)
            .unwrap_or(u16::MAX)
            .min(inner.right() - x);
        let column = Rect::new(x, inner.y, w, inner.height);
        let text: Vec<Line> = rows
            .iter()
            .skip(own)
            .take(shown)
            .map(|row| line(row, paint))
            .collect();
        frame.render_widget(Paragraph::new(text), column);
        x = (x + w + 2).min(inner.right());
    }
}
