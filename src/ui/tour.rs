//! The guided tour's caption: a box in the half of the screen away from the pane it describes,
//! so the pane stays in sight.

use super::Paint;
use crate::app::tour::{Place, Tour};
use crate::display::wrap;
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

/// `body` is the screen between header and footer; `top` is where the top panes are.
pub fn draw(frame: &mut Frame, body: Rect, top: Rect, tour: &Tour, paint: &Paint) {
    let step = tour.current();
    let place = step.stop.place();
    let lines = wrap(&step.caption, usize::from(body.width.saturating_sub(4)));
    // The room beside the pane described: below the top panes, or above the lower ones.
    let room = match place {
        Place::Bottom => body.bottom().saturating_sub(top.bottom()),
        Place::Top => top.height,
    };
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(room.max(3));
    let y = match place {
        Place::Bottom => body.bottom() - height,
        Place::Top => body.y,
    };
    let area = Rect::new(body.x, y, body.width, height);
    let title = format!(
        " Tour {} of {}: {} ",
        tour.step + 1,
        tour.script.steps.len(),
        step.stop.title()
    );
    let block = paint.block(title, true);
    let inner = block.inner(area).inner(Margin {
        horizontal: 1,
        vertical: 0,
    });
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let text: Vec<Line> = lines
        .into_iter()
        .map(|l| Line::styled(l, paint.theme.base))
        .collect();
    frame.render_widget(Paragraph::new(text), inner);
}
