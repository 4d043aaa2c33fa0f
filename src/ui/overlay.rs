//! Full-screen views over the panes: the client record and the help, both documents laid out by
//! the app and scrolled here.

use super::Paint;
use crate::app::{DocLine, LineKind, Overlay, help};
use crate::display::clean;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

pub fn record(frame: &mut Frame, area: Rect, overlay: &Overlay, paint: &Paint) {
    match overlay {
        Overlay::Record {
            lines,
            scroll,
            entries,
            selected,
            ..
        } => reader(
            frame,
            area,
            " Client record (Esc to go back) ",
            lines,
            *scroll,
            selected.and_then(|i| entries.get(i)).map(|(line, _)| *line),
            paint,
        ),
        Overlay::Text {
            title,
            lines,
            scroll,
            ..
        } => reader(
            frame,
            area,
            &format!(" {} ", clean(title)),
            lines,
            *scroll,
            None,
            paint,
        ),
    }
}

pub fn help(frame: &mut Frame, area: Rect, scroll: usize, paint: &Paint) {
    reader(
        frame,
        area,
        " Help (Esc to close) ",
        &help::document(),
        scroll,
        None,
        paint,
    );
}

fn reader(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: &[DocLine],
    scroll: usize,
    selected_line: Option<usize>,
    paint: &Paint,
) {
    let t = &paint.theme;
    let total = lines.len();
    let shown = usize::from(area.height.saturating_sub(2));
    let scroll = scroll.min(total.saturating_sub(shown));
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
        .block(title.to_owned(), true)
        .title_bottom(Line::styled(position, t.muted).right_aligned());
    let inner = block.inner(area).inner(ratatui::layout::Margin {
        horizontal: 1,
        vertical: 0,
    });
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let text: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(scroll)
        .take(shown)
        .map(|(index, line)| {
            if Some(index) == selected_line {
                // The selected entry: reversed, and marked for a screen without reverse video.
                let text = clean(&line.text);
                let rest = text.strip_prefix(' ').unwrap_or(&text);
                return Line::styled(format!("{}{rest}", paint.glyphs.pointer), t.selected);
            }
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
