//! The plan structure view: one client's recovery plan drawn as its parts. The hierarchy of goals
//! as a ladder with the substance-use goal on its rung, the stage-of-change cycle with the readiness
//! trend, the exit plan, and the plan's domains as a tree of goals and actions.
//!
//! It is laid out here, for the width the screen has, as lines of inked segments, so scrolling
//! knows how long it is and the drawing only picks a style for each ink.

mod parts;

use crate::display::{clean, width};
use crate::store::{PlanStructure, Result, Store};
use chrono::NaiveDate;
pub use parts::{TWO_COLUMNS_FROM, layout};

/// What a piece of text is, which decides how it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    Heading,
    Text,
    /// A goal in the client's words.
    Words,
    Muted,
    /// The rung the goal is on now, the stage of change now.
    Current,
    /// A rung held before.
    Earlier,
    Good,
    Warn,
    /// The `?` explanation of a part.
    Explain,
    /// The ladder's rails, the tree's branches, the cycle's arrows.
    Frame,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seg {
    pub ink: Ink,
    pub text: String,
}

pub(super) fn seg(ink: Ink, text: impl Into<String>) -> Seg {
    Seg {
        ink,
        text: text.into(),
    }
}

/// One line of the view.
pub type Row = Vec<Seg>;

/// The stage moves listed under the cycle, the latest: more would push the trend off a screen.
pub(super) const STAGE_STEPS_SHOWN: usize = 6;

/// The view's state: the client, what was read, and how it is laid out and scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    pub client_id: i64,
    pub data: PlanStructure,
    /// The `?` explanations are shown under each part's heading.
    pub explain: bool,
    pub scroll: usize,
    /// The columns, left to right, each with its width.
    pub columns: Vec<(usize, Vec<Row>)>,
}

/// How to lay the view out.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub today: NaiveDate,
    pub width: usize,
    pub ascii: bool,
    pub explain: bool,
}

impl Structure {
    pub fn new(client_id: i64, data: PlanStructure, options: Options) -> Structure {
        let columns = layout(&data, &options);
        Structure {
            client_id,
            data,
            explain: options.explain,
            scroll: 0,
            columns,
        }
    }

    /// Lays the view out again (a new width, new data, the explanations shown or hidden).
    pub fn relayout(&mut self, options: Options) {
        self.explain = options.explain;
        self.columns = layout(&self.data, &options);
    }

    /// Lines in the longest column: what scrolling covers.
    pub fn height(&self) -> usize {
        self.columns
            .iter()
            .map(|(_, rows)| rows.len())
            .max()
            .unwrap_or(0)
    }

    /// The client as the view's title names them.
    pub fn title(&self) -> String {
        format!(
            "Plan structure: {} {}",
            self.data.reference,
            clean(&self.data.known_as)
        )
    }
}

/// The view's parts in columns for this width: side by side when there is room, else one column
/// in the same order. The exit plan comes before the other domains so it is never below the fold.
fn row_width(row: &[Seg]) -> usize {
    row.iter().map(|s| width(&s.text)).sum()
}

/// Appends text to a row, joining it to the last segment when the ink is the same.
fn push(row: &mut Row, ink: Ink, text: &str) {
    if text.is_empty() {
        return;
    }
    match row.last_mut() {
        Some(last) if last.ink == ink => last.text.push_str(text),
        _ => row.push(seg(ink, text)),
    }
}

/// The words of `segs` filled into lines `max` wide. A word glued to the one before (no space
/// between the segments) stays glued.
pub fn fill(first: Row, rest: Row, segs: Row, max: usize) -> Vec<Row> {
    let mut words: Vec<(Ink, String, bool)> = Vec::new();
    // A space at the end of one segment or the start of the next separates their words.
    let mut gap = false;
    for s in &segs {
        let text = clean(&s.text);
        gap |= text.starts_with(' ');
        for word in text.split(' ') {
            if word.is_empty() {
                gap = true;
                continue;
            }
            words.push((s.ink, word.to_owned(), gap));
            gap = true;
        }
        gap = text.ends_with(' ');
    }
    let mut rows = Vec::new();
    let mut row = first.clone();
    let mut start = row_width(&row);
    let mut used = start;
    for (ink, word, gap) in words {
        let sep = usize::from(gap && used > start);
        if used + sep + width(&word) > max && used > start {
            rows.push(std::mem::replace(&mut row, rest.clone()));
            start = row_width(&row);
            used = start;
        } else if sep == 1 {
            push(&mut row, ink, " ");
            used += 1;
        }
        // A word wider than the line is split by columns.
        let mut piece = String::new();
        for c in word.chars() {
            let w = width(c.encode_utf8(&mut [0; 4]));
            if used + width(&piece) + w > max && (used > start || !piece.is_empty()) {
                push(&mut row, ink, &piece);
                rows.push(std::mem::replace(&mut row, rest.clone()));
                start = row_width(&row);
                used = start;
                piece.clear();
            }
            piece.push(c);
        }
        used += width(&piece);
        push(&mut row, ink, &piece);
    }
    rows.push(row);
    rows
}

impl super::App {
    fn structure_options(&self, explain: bool) -> Options {
        Options {
            today: self.today,
            width: self.viewport.reader_width,
            ascii: self.settings.ascii,
            explain,
        }
    }

    /// Opens the plan structure view of the selected client over the panes.
    pub(super) fn open_structure(&mut self, store: &Store, explain: bool) -> Result<()> {
        let Some(client_id) = self.selected_client else {
            self.message = Some("No client selected.".into());
            return Ok(());
        };
        let data = store.plan_structure(client_id)?;
        let view = Structure::new(client_id, data, self.structure_options(explain));
        self.modal.open_structure(view);
        Ok(())
    }

    /// Shows or hides the explanation of each part, keeping the place roughly where it was.
    pub(super) fn toggle_explain(&mut self) {
        let explain = !self.modal.structure().is_some_and(|v| v.explain);
        let options = self.structure_options(explain);
        if let Some(view) = self.modal.structure_mut() {
            view.relayout(options);
        }
        self.clamp_structure();
    }

    pub(super) fn scroll_structure(&mut self, action: super::Action) {
        use super::Action;
        let page = self.viewport.reader.max(1);
        let Some(view) = self.modal.structure_mut() else {
            return;
        };
        let max = view.height().saturating_sub(page);
        view.scroll = match action {
            Action::Up => view.scroll.saturating_sub(1),
            Action::Down => (view.scroll + 1).min(max),
            Action::PageUp => view.scroll.saturating_sub(page),
            Action::PageDown => (view.scroll + page).min(max),
            Action::First => 0,
            Action::Last => max,
            _ => view.scroll,
        };
    }

    fn clamp_structure(&mut self) {
        let page = self.viewport.reader.max(1);
        if let Some(view) = self.modal.structure_mut() {
            view.scroll = view.scroll.min(view.height().saturating_sub(page));
        }
    }

    /// Reads the open view's client again (a colleague saved, the day changed, the size changed)
    /// and lays it out for the screen as it is now.
    pub(super) fn refresh_structure(&mut self, store: &Store) -> Result<()> {
        let Some((client_id, explain)) = self.modal.structure().map(|v| (v.client_id, v.explain))
        else {
            return Ok(());
        };
        let data = store.plan_structure(client_id)?;
        let options = self.structure_options(explain);
        if let Some(view) = self.modal.structure_mut() {
            view.data = data;
            view.relayout(options);
        }
        self.clamp_structure();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn fill_wraps_at_words_with_the_prefixes_and_keeps_inks() {
        let rows = fill(
            vec![seg(Ink::Frame, "> ")],
            vec![seg(Ink::Frame, "  ")],
            vec![seg(Ink::Text, "one two three"), seg(Ink::Warn, " four")],
            10,
        );
        assert_eq!(text(&rows), ["> one two", "  three", "  four"]);
        assert_eq!(rows[2][1].ink, Ink::Warn);
        for row in &rows {
            assert!(row_width(row) <= 10);
        }
    }

    #[test]
    fn fill_splits_a_word_wider_than_the_line_and_cuts_nothing() {
        let rows = fill(
            Vec::new(),
            Vec::new(),
            vec![seg(Ink::Text, "abcdefghij")],
            4,
        );
        assert_eq!(text(&rows), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn fill_shows_control_characters_as_placeholders() {
        let rows = fill(
            Vec::new(),
            Vec::new(),
            vec![seg(Ink::Words, "a\u{1b}[2Jb")],
            40,
        );
        assert!(!text(&rows).concat().contains('\u{1b}'));
    }

    #[test]
    fn an_empty_plan_says_what_is_missing_in_every_part() {
        let data = PlanStructure {
            reference: crate::domain::ServiceRef::new("KW-00001").expect("valid"),
            known_as: "Sam Example".into(),
            goals: Vec::new(),
            levels_held: Vec::new(),
            readiness: Vec::new(),
        };
        for width in [76, 96] {
            let options = Options {
                today: NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid"),
                width,
                ascii: false,
                explain: false,
            };
            let all: String = layout(&data, &options)
                .iter()
                .flat_map(|(_, rows)| text(rows))
                .collect::<Vec<_>>()
                .join(" ");
            for said in [
                "No substance-use goal in the plan yet",
                "No stage of change recorded yet",
                "No exit plan yet.",
                "No goals in this plan yet.",
            ] {
                assert!(all.contains(said), "{said:?} at {width}: {all}");
            }
            assert!(!all.contains("now"), "no rung or stage is marked: {all}");
        }
    }

    #[test]
    fn fill_keeps_glued_segments_together() {
        let rows = fill(
            Vec::new(),
            Vec::new(),
            vec![
                seg(Ink::Text, "aa ("),
                seg(Ink::Warn, "bb"),
                seg(Ink::Text, ")"),
            ],
            20,
        );
        assert_eq!(text(&rows), ["aa (bb)"]);
    }
}
