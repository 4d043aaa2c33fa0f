//! Find (`/`): a search line over the caseload on screen, fuzzy-matched as the worker types on
//! each client's reference, names and NHS number. It is a layer of the modal stack, so Esc gives
//! back exactly the view and selection under it, and Enter moves the caseload to the match.

use super::{App, Cursor, Pane, Result, Store};
use crate::display::clean;
use crate::store::{CaseloadRow, Scope};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// One client matching the search: the text matched (also the line drawn, so the matched
/// letters are positions in it) and how well it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub client_id: i64,
    /// `KW-00042 Jo Wren (Jojo) 9434765919`: reference, given, family, preferred, NHS number.
    pub text: String,
    /// Character positions in `text` of the letters matched, ascending.
    pub positions: Vec<usize>,
    pub score: u32,
}

/// Where the worker was when Find opened: Esc puts it all back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Before {
    pub focus: Pane,
    pub caseload: Cursor,
    pub selected_client: Option<i64>,
}

/// The search line and its matches, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Find {
    pub query: String,
    pub hits: Vec<Hit>,
    /// The match Enter takes: the best unless the worker moved down the list.
    pub highlighted: usize,
    pub before: Before,
    /// What each client is matched on, made once when Find opens (and after a reload), not on
    /// every keystroke.
    haystacks: Vec<(i64, String)>,
}

impl Find {
    pub fn new(before: Before, rows: &[CaseloadRow]) -> Find {
        let mut find = Find {
            query: String::new(),
            hits: Vec::new(),
            highlighted: 0,
            before,
            haystacks: Vec::new(),
        };
        find.search(rows);
        find.highlighted = find
            .hits
            .iter()
            .position(|h| Some(h.client_id) == before.selected_client)
            .unwrap_or(0);
        find
    }

    /// Matches the query against `rows` afresh: when Find opens, and after a reload.
    pub fn search(&mut self, rows: &[CaseloadRow]) {
        self.haystacks = haystacks(rows);
        self.refine();
    }

    /// Matches the query again over the clients already read: after each key.
    pub fn refine(&mut self) {
        self.hits = matches_in(&self.query, &self.haystacks);
        self.highlighted = 0;
    }

    /// Moves the highlight down (or up) the matches, stopping at either end.
    pub fn step(&mut self, down: bool) {
        let last = self.hits.len().saturating_sub(1);
        self.highlighted = if down {
            (self.highlighted + 1).min(last)
        } else {
            self.highlighted.saturating_sub(1)
        };
    }

    /// A key typed into the search line; answers whether the query changed.
    fn type_key(&mut self, key: KeyEvent) -> bool {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if plain && self.query.chars().count() < 60 => self.query.push(c),
            KeyCode::Backspace => return self.query.pop().is_some(),
            _ => return false,
        }
        true
    }
}

/// The text Find matches and draws for one client. Names are cleaned first, so the positions
/// matched are positions in what is drawn.
pub fn haystack(row: &CaseloadRow) -> String {
    let mut text = format!(
        "{} {} {}",
        row.reference.as_str(),
        clean(row.given_name.as_str()),
        clean(row.family_name.as_str())
    );
    if let Some(preferred) = &row.preferred_name {
        text.push_str(&format!(" ({})", clean(preferred.as_str())));
    }
    if let Some(nhs) = &row.nhs_number {
        text.push(' ');
        text.push_str(nhs);
    }
    text
}

/// The query as matched: spaces between digits dropped, so `943 476 5919` finds the NHS number
/// stored as ten digits, while spaces between words still match each word on its own.
pub fn normalise(query: &str) -> String {
    let chars: Vec<char> = query.chars().collect();
    let digit_at = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut out = String::with_capacity(query.len());
    for (i, c) in chars.iter().enumerate() {
        let between_digits = *c == ' '
            && i > 0
            && digit_at(i - 1)
            && chars[i..]
                .iter()
                .find(|c| **c != ' ')
                .is_some_and(char::is_ascii_digit);
        if !between_digits {
            out.push(*c);
        }
    }
    out
}

/// Each row's client and the text Find matches for it.
pub fn haystacks(rows: &[CaseloadRow]) -> Vec<(i64, String)> {
    rows.iter()
        .map(|row| (row.client_id, haystack(row)))
        .collect()
}

/// Every row matching `query`, best first (ties in caseload order); all rows when it is empty.
pub fn matches(query: &str, rows: &[CaseloadRow]) -> Vec<Hit> {
    matches_in(query, &haystacks(rows))
}

/// Every client whose text matches `query`, best first (ties in caseload order). Scores are
/// taken first; the matched letters' positions only for the clients that match.
pub fn matches_in(query: &str, haystacks: &[(i64, String)]) -> Vec<Hit> {
    let pattern = Pattern::new(
        &normalise(query),
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
    );
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut indices = Vec::new();
    let mut hits: Vec<Hit> = haystacks
        .iter()
        .filter_map(|(client_id, text)| {
            pattern.score(Utf32Str::new(text, &mut buf), &mut matcher)?;
            indices.clear();
            let score =
                pattern.indices(Utf32Str::new(text, &mut buf), &mut matcher, &mut indices)?;
            indices.sort_unstable();
            indices.dedup();
            let positions = indices.iter().map(|i| *i as usize).collect();
            Some(Hit {
                client_id: *client_id,
                text: text.clone(),
                positions,
                score,
            })
        })
        .collect();
    hits.sort_by_key(|h| std::cmp::Reverse(h.score));
    hits
}

impl App {
    /// Opens Find over the caseload, remembering where the worker was.
    pub(super) fn open_find(&mut self) {
        let before = Before {
            focus: self.focus,
            caseload: self.caseload.cursor,
            selected_client: self.selected_client,
        };
        self.modal.open_find(Find::new(before, &self.caseload.rows));
    }

    /// A key for the search line: typing, or Backspace.
    pub(super) fn find_key(&mut self, key: KeyEvent) {
        if let Some(find) = self.modal.find_mut()
            && find.type_key(key)
        {
            find.refine();
        }
    }

    /// Enter: the highlighted match becomes the caseload's selection, and Find closes.
    pub(super) fn pick_found(&mut self, store: &Store) -> Result<()> {
        let Some(find) = self.modal.find() else {
            return Ok(());
        };
        let Some(hit) = find.hits.get(find.highlighted) else {
            self.message = Some("No client matches that. Esc goes back.".into());
            return Ok(());
        };
        let client_id = hit.client_id;
        self.modal.take_find();
        self.focus = Pane::Caseload;
        if let Some(index) = self
            .caseload
            .rows
            .iter()
            .position(|r| r.client_id == client_id)
        {
            self.caseload.cursor.selected = index;
            self.caseload
                .cursor
                .follow(index, 1, self.viewport.caseload);
        }
        self.sync_selection(store, false)
    }

    /// Opens a client's record straight away (`keywork open KW-00042`), the caseload behind it
    /// pointing at them: the team's caseload when they are not on the worker's own. A client no
    /// longer on any caseload (discharged) still has their record opened.
    pub fn open_client(&mut self, client_id: i64, store: &mut Store) -> Result<()> {
        let on_caseload = |app: &App| {
            app.caseload
                .rows
                .iter()
                .position(|r| r.client_id == client_id)
        };
        if on_caseload(self).is_none() && self.scope != Scope::Team {
            self.scope = Scope::Team;
            self.reload(store)?;
        }
        if let Some(index) = on_caseload(self) {
            self.focus = Pane::Caseload;
            self.caseload.cursor.selected = index;
            self.caseload
                .cursor
                .follow(index, 1, self.viewport.caseload);
            self.sync_selection(store, false)?;
        }
        self.pending_views.push(client_id);
        self.record_views(store);
        self.show_record(store, client_id, 0)
    }

    /// Esc: Find closes and the view and selection are as they were before it opened.
    pub(super) fn cancel_find(&mut self) {
        if let Some(find) = self.modal.take_find() {
            self.focus = find.before.focus;
            self.caseload.cursor = find.before.caseload;
            self.selected_client = find.before.selected_client;
            // A colleague's save may have reordered the caseload meanwhile: the same client.
            self.point_caseload_at_selected();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_between_digits_are_dropped_but_not_between_words() {
        assert_eq!(normalise("943 476 5919"), "9434765919");
        assert_eq!(normalise("jo wren"), "jo wren");
        assert_eq!(normalise("wren 943"), "wren 943");
    }
}
