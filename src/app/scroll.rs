use super::Action;

/// A selection in a list and the first line shown, kept so the selection stays in view and the
/// list only scrolls when the selection would leave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub selected: usize,
    /// First visible line (in lines, which may differ from items where items take two lines or
    /// groups have headings).
    pub offset: usize,
}

impl Cursor {
    /// Moves the selection for a movement action over `len` items, `page` items to a page.
    pub fn apply(&mut self, action: Action, len: usize, page: usize) {
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        let last = len - 1;
        let page = page.max(1);
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::First => 0,
            Action::Last => last,
            Action::PageUp => self.selected.saturating_sub(page),
            Action::PageDown => (self.selected + page).min(last),
            _ => self.selected,
        };
    }

    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    /// Scrolls back so a list of `len` lines fills a window of `visible` (after the window grew,
    /// no blank space below the last line while lines above are hidden).
    pub fn fill(&mut self, len: usize, visible: usize) {
        self.offset = self.offset.min(len.saturating_sub(visible.max(1)));
    }

    /// Scrolls as little as possible so lines `start .. start + height` are visible in a window of
    /// `visible` lines.
    pub fn follow(&mut self, start: usize, height: usize, visible: usize) {
        let visible = visible.max(1);
        if start < self.offset {
            self.offset = start;
        } else if start + height > self.offset + visible {
            self.offset = (start + height).saturating_sub(visible);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grown_window_scrolls_back_to_fill_with_lines() {
        let mut cursor = Cursor {
            selected: 18,
            offset: 10,
        };
        cursor.fill(19, 20);
        assert_eq!(cursor.offset, 0, "all 19 lines fit in 20");
        let mut cursor = Cursor {
            selected: 18,
            offset: 10,
        };
        cursor.fill(19, 5);
        assert_eq!(cursor.offset, 10, "a small window keeps its place");
        cursor.fill(19, 12);
        assert_eq!(cursor.offset, 7);
    }

    #[test]
    fn moving_stops_at_both_ends() {
        let mut c = Cursor::default();
        c.apply(Action::Up, 5, 2);
        assert_eq!(c.selected, 0);
        c.apply(Action::Last, 5, 2);
        assert_eq!(c.selected, 4);
        c.apply(Action::Down, 5, 2);
        assert_eq!(c.selected, 4);
        c.apply(Action::PageUp, 5, 2);
        assert_eq!(c.selected, 2);
    }

    #[test]
    fn window_scrolls_only_when_selection_leaves_it() {
        let mut c = Cursor::default();
        for _ in 0..3 {
            c.apply(Action::Down, 10, 3);
            c.follow(c.selected, 1, 3);
        }
        assert_eq!((c.selected, c.offset), (3, 1));
        c.apply(Action::Up, 10, 3);
        c.follow(c.selected, 1, 3);
        assert_eq!(
            (c.selected, c.offset),
            (2, 1),
            "moving up inside the window does not scroll"
        );
    }

    #[test]
    fn empty_list_resets() {
        let mut c = Cursor {
            selected: 3,
            offset: 2,
        };
        c.apply(Action::Down, 0, 5);
        assert_eq!(c, Cursor::default());
    }
}
