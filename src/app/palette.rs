//! The command palette (`:`): every action that works here, by name with its key, fuzzy-matched
//! as the worker types. It is built from the one keymap table, so it can never offer an action
//! the keys do not have, and choosing one runs it exactly as its key would.

use super::keymap::{Action, Binding, KEYMAP, Situation};
use super::{App, Result, Store};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// One action offered: its binding, and the letters of its help text matched.
#[derive(Debug, Clone)]
pub struct Entry {
    pub binding: &'static Binding,
    pub positions: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Palette {
    pub query: String,
    /// The situation the palette was opened from: the actions that work there.
    pub situation: Situation,
    pub entries: Vec<Entry>,
    pub highlighted: usize,
}

/// Workers' own words for actions whose help text does not hold them: abbreviations (DNA, BBV),
/// what an action records (naloxone is supplied in a session), and names from other systems. A
/// match here ranks above a chance match in another action's help: "dna" is recording a DNA,
/// not the list of today's appointments whose help mentions DNAs.
const SYNONYMS: &[(Action, &str)] = &[
    (
        Action::RecordDna,
        "dna did not attend no show missed appointment",
    ),
    (
        Action::RecordBbvTest,
        "bbv hep c hepatitis hiv blood test dried blood spot dbs",
    ),
    (
        Action::RecordSession,
        "naloxone overdose kit harm reduction keywork contact note",
    ),
    (
        Action::RecordPrescription,
        "script methadone buprenorphine subutex buvidal dose titration",
    ),
    (Action::RecordMissedDoses, "pharmacy missed pickup"),
    (Action::Today, "diary clinic"),
    (Action::RecordTop, "top outcomes"),
    (Action::RecordEcg, "qtc heart"),
    (Action::AddReadiness, "motivation stage of change ruler"),
    (Action::Find, "search look up"),
];

/// How far a worker's word, typed from its start, outranks a fuzzy match on help text.
const SYNONYM_BONUS: u32 = 1000;

/// The bindings that work in `situation`, the palette's own key left out.
pub fn bindings(situation: Situation) -> impl Iterator<Item = &'static Binding> {
    KEYMAP
        .iter()
        .filter(move |b| b.applies(situation) && b.action != Action::Palette)
}

impl Palette {
    pub fn new(situation: Situation) -> Palette {
        let mut palette = Palette {
            query: String::new(),
            situation,
            entries: Vec::new(),
            highlighted: 0,
        };
        palette.search();
        palette
    }

    /// Matches the query against each action's help text: best first, table order on ties.
    pub fn search(&mut self) {
        let pattern = Pattern::new(
            &self.query,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let mut indices = Vec::new();
        let mut scored: Vec<(u32, Entry)> = bindings(self.situation)
            .filter_map(|binding| {
                indices.clear();
                let haystack = Utf32Str::new(binding.help, &mut buf);
                let on_help = pattern.indices(haystack, &mut matcher, &mut indices);
                let on_words = synonyms(binding.action)
                    .is_some_and(|words| begins_a_word(words, &self.query))
                    .then_some(SYNONYM_BONUS);
                let score = on_help.into_iter().chain(on_words).max()?;
                indices.sort_unstable();
                indices.dedup();
                let positions = indices.iter().map(|i| *i as usize).collect();
                Some((score, Entry { binding, positions }))
            })
            .collect();
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        self.entries = scored.into_iter().map(|(_, e)| e).collect();
        self.highlighted = 0;
    }

    pub fn step(&mut self, down: bool) {
        let last = self.entries.len().saturating_sub(1);
        self.highlighted = if down {
            (self.highlighted + 1).min(last)
        } else {
            self.highlighted.saturating_sub(1)
        };
    }

    fn type_key(&mut self, key: KeyEvent) {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let changed = match key.code {
            KeyCode::Char(c) if plain && self.query.chars().count() < 60 => {
                self.query.push(c);
                true
            }
            KeyCode::Backspace => self.query.pop().is_some(),
            _ => false,
        };
        if changed {
            self.search();
        }
    }
}

/// Whether `query` (ignoring case and the spaces around it, three letters or more) starts a
/// word of `words`: the
/// workers' words are matched as typed, not fuzzily, or "sort" would find "subutex ... dose
/// titration".
fn begins_a_word(words: &str, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    // Two letters start too many words ("se": search, session): the help text decides those.
    query.chars().count() >= 3
        && words
            .match_indices(query.as_str())
            .any(|(at, _)| at == 0 || words[..at].ends_with(' '))
}

/// The workers' words for `action`, if the table has any.
fn synonyms(action: Action) -> Option<&'static str> {
    SYNONYMS
        .iter()
        .find(|(a, _)| *a == action)
        .map(|(_, words)| *words)
}

impl App {
    pub(super) fn open_palette(&mut self) {
        let palette = Palette::new(self.situation());
        self.modal.open_palette(palette);
    }

    pub(super) fn palette_key(&mut self, key: KeyEvent) {
        if let Some(palette) = self.modal.palette_mut() {
            palette.type_key(key);
        }
    }

    /// Enter: the palette closes and the highlighted action runs as if its key were pressed.
    pub(super) fn run_palette(&mut self, store: &mut Store) -> Result<()> {
        let chosen = self
            .modal
            .palette_mut()
            .and_then(|p| p.entries.get(p.highlighted))
            .map(|e| e.binding.action);
        let Some(action) = chosen else {
            self.message = Some("No action matches that. Esc goes back.".into());
            return Ok(());
        };
        self.modal.take_palette();
        self.update(action, store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Pane;

    fn first(query: &str) -> Option<Action> {
        let mut palette = Palette::new(Situation::Panes(Pane::Caseload));
        palette.query = query.to_owned();
        palette.search();
        palette.entries.first().map(|e| e.binding.action)
    }

    #[test]
    fn workers_words_find_the_action_they_mean() {
        for (query, action) in [
            ("naloxone", Action::RecordSession),
            ("BBV", Action::RecordBbvTest),
            ("hep", Action::RecordBbvTest),
            ("hiv", Action::RecordBbvTest),
            ("dna", Action::RecordDna),
            ("script", Action::RecordPrescription),
            ("diary", Action::Today),
        ] {
            assert_eq!(first(query), Some(action), "{query}");
        }
        // Help text still matches as before, and two letters are left to it.
        assert_eq!(first("sort"), Some(Action::CycleSort));
        assert_ne!(first("se"), Some(Action::Find), "not by \"search\"");
    }

    #[test]
    fn every_word_names_an_action_the_panes_offer() {
        let offered: Vec<Action> = bindings(Situation::Panes(Pane::Caseload))
            .map(|b| b.action)
            .collect();
        for (action, _) in SYNONYMS {
            assert!(offered.contains(action), "{action:?}");
        }
    }
}
