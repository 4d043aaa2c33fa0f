//! Find (`/`): a search line over the caseload that matches reference, names and NHS number as
//! the worker types, best first, with the matched letters marked; Enter goes to the match and Esc
//! puts everything back. And the caseload itself tells two clients of the same first name apart.

#[path = "common/fixture.rs"]
mod fixture;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fixture::{date, name};
use keywork::app::{Action, App, Identity, Pane};
use keywork::clock::Clock;
use keywork::config::Settings;
use keywork::domain::{
    Client, ClientStatus, InjectingStatus, Login, Modality, NhsNumber, RiskFlags, Role, ServiceRef,
    Substance, Worker,
};
use keywork::store::{Access, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use ratatui::style::Modifier;
use std::collections::BTreeSet;
use tempfile::TempDir;

/// (given, family, preferred, NHS number) of each client, referenced KW-00001 on in this order.
const CLIENTS: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    ("Laura", "Lawrence", None, None),
    ("Mo", "Patel", Some("Wrenny"), None),
    ("Jo", "Wren", None, Some("9434765919")),
    ("Sam", "Brown", None, None),
    ("Jo", "Smith", None, None),
];

fn client(worker: i64, number: u32, c: &(&str, &str, Option<&str>, Option<&str>)) -> Client {
    Client {
        reference: ServiceRef::from_number(number),
        given_name: name(c.0),
        family_name: name(c.1),
        preferred_name: c.2.map(name),
        date_of_birth: date(1985, 6, 15),
        nhs_number: c.3.map(|n| NhsNumber::new(n).expect("valid NHS number")),
        key_worker_id: worker,
        status: ClientStatus::Active,
        referral_date: date(2025, 1, 10),
        treatment_start: Some(date(2025, 2, 1)),
        primary_substance: Substance::Heroin,
        other_substances: BTreeSet::new(),
        injecting: InjectingStatus::Never,
        modality: Modality::OstMethadone,
        shared_care: None,
        risk: RiskFlags::default(),
    }
}

/// Not `fixture::Fixture`: Find is tried over several clients of one worker, with the app
/// drawn over them, so this holds the app and no one client.
struct Fixture {
    _dir: TempDir,
    store: Store,
    app: App,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let login = Login::new("sam.okoro").expect("valid login");
    let mut store = Store::open_unchecked(
        &dir.path().join("find.db"),
        Access::Create,
        Clock::fixed(date(2026, 11, 23)),
        login.clone(),
    )
    .expect("create store");
    store
        .write(|w| {
            let worker = w.insert(&Worker {
                login: login.clone(),
                display_name: name("Sam Okoro"),
                role: Role::KeyWorker,
            })?;
            for (i, c) in CLIENTS.iter().enumerate() {
                w.insert(&client(worker, i as u32 + 1, c))?;
            }
            Ok(())
        })
        .expect("write clients");
    let identity = Identity {
        login: "sam.okoro".into(),
        worker: store.worker_by_login(&login).expect("look up"),
        demo_persona: false,
    };
    let viewport = keywork::ui::viewport(Size::new(80, 24));
    let app = App::new(&store, Settings::default(), identity, viewport).expect("app");
    Fixture {
        _dir: dir,
        store,
        app,
    }
}

impl Fixture {
    fn act(&mut self, action: Action) {
        self.app.update(action, &mut self.store).expect("update");
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            self.app.key(key, &mut self.store).expect("key");
        }
    }

    fn press(&mut self, code: KeyCode) {
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        self.app.key(key, &mut self.store).expect("key");
    }

    /// The references of the matches, best first.
    fn found(&self) -> Vec<String> {
        let find = self.app.modal.find().expect("Find is open");
        let refs = |id: i64| {
            self.app
                .caseload
                .rows
                .iter()
                .find(|r| r.client_id == id)
                .map(|r| r.reference.as_str().to_owned())
                .expect("a caseload row")
        };
        find.hits.iter().map(|h| refs(h.client_id)).collect()
    }

    fn selected_reference(&self) -> String {
        let row = &self.app.caseload.rows[self.app.caseload.cursor.selected];
        row.reference.as_str().to_owned()
    }
}

#[test]
fn slash_opens_find_listing_the_whole_caseload() {
    let mut f = fixture();
    f.press(KeyCode::Char('/'));
    assert_eq!(f.found().len(), CLIENTS.len());
}

#[test]
fn a_family_name_ranks_its_client_first_above_names_that_merely_contain_it() {
    let mut f = fixture();
    f.press(KeyCode::Char('/'));
    f.type_text("wren");
    let found = f.found();
    assert_eq!(found[0], "KW-00003", "Jo Wren first: {found:?}");
    assert!(
        found.contains(&"KW-00001".to_owned()),
        "Lawrence matches too"
    );
    assert!(
        found.contains(&"KW-00002".to_owned()),
        "preferred name Wrenny"
    );
    assert!(
        !found.contains(&"KW-00004".to_owned()),
        "Sam Brown does not"
    );
}

#[test]
fn an_nhs_number_typed_with_spaces_finds_its_client_first() {
    let mut f = fixture();
    f.press(KeyCode::Char('/'));
    f.type_text("943 476 5919");
    assert_eq!(f.found().first().map(String::as_str), Some("KW-00003"));
}

#[test]
fn given_and_family_name_together_narrow_to_one_client() {
    let mut f = fixture();
    f.press(KeyCode::Char('/'));
    f.type_text("mo pat");
    assert_eq!(f.found(), ["KW-00002"]);
    f.press(KeyCode::Backspace);
    f.press(KeyCode::Backspace);
    f.press(KeyCode::Backspace);
    assert!(f.found().len() > 1, "Backspace widens the search again");
}

#[test]
fn matched_letters_are_their_positions_in_the_line_and_drawn_underlined() {
    let mut f = fixture();
    f.press(KeyCode::Char('/'));
    f.type_text("wren");
    let hit = f.app.modal.find().unwrap().hits[0].clone();
    assert_eq!(hit.text, "KW-00003 Jo Wren 9434765919");
    assert_eq!(hit.positions, [12, 13, 14, 15], "the W, r, e, n of Wren");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|frame| keywork::ui::view(frame, &f.app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let (x, y) = (0..24)
        .find_map(|y| {
            (0..76).find_map(|x| {
                let word: String = (x..x + 4).map(|x| buffer[(x, y)].symbol()).collect();
                (word == "Wren").then_some((x, y))
            })
        })
        .expect("Wren is on screen");
    for dx in 0..4 {
        let cell = &buffer[(x + dx, y)];
        assert!(cell.modifier.contains(Modifier::UNDERLINED), "{cell:?}");
    }
    let after = &buffer[(x + 4, y)];
    assert!(!after.modifier.contains(Modifier::UNDERLINED), "{after:?}");
}

#[test]
fn enter_selects_the_best_match_on_the_caseload_and_closes() {
    let mut f = fixture();
    f.act(Action::FocusPane(Pane::Plan));
    f.press(KeyCode::Char('/'));
    f.type_text("wren");
    f.press(KeyCode::Enter);
    assert!(f.app.modal.find().is_none(), "Find closed");
    assert_eq!(f.app.focus, Pane::Caseload);
    assert_eq!(f.selected_reference(), "KW-00003");
    let selected = f.app.caseload.rows[f.app.caseload.cursor.selected].client_id;
    assert_eq!(f.app.selected_client, Some(selected), "lower panes follow");
}

#[test]
fn down_then_enter_selects_the_highlighted_match() {
    let mut f = fixture();
    f.press(KeyCode::Char('/'));
    f.type_text("wren");
    let second = f.found()[1].clone();
    f.press(KeyCode::Down);
    f.press(KeyCode::Enter);
    assert_eq!(f.selected_reference(), second);
}

#[test]
fn esc_restores_the_view_and_selection_from_before() {
    let mut f = fixture();
    f.act(Action::Down);
    f.act(Action::FocusPane(Pane::Reviews));
    let before = (f.app.focus, f.app.caseload.cursor, f.app.selected_client);
    f.press(KeyCode::Char('/'));
    f.type_text("wren");
    f.press(KeyCode::Down);
    f.press(KeyCode::Esc);
    assert!(f.app.modal.find().is_none(), "Find closed");
    assert_eq!(
        (f.app.focus, f.app.caseload.cursor, f.app.selected_client),
        before
    );
}

#[test]
fn letters_typed_in_find_go_to_the_search_not_to_their_keys() {
    let mut f = fixture();
    f.press(KeyCode::Char('/'));
    // q quits and s opens a session form on the panes; here they are letters.
    f.type_text("qs");
    assert!(!f.app.quit);
    assert!(f.app.editor().is_none());
    assert_eq!(f.app.modal.find().unwrap().query, "qs");
}

#[test]
fn no_match_says_so_and_enter_keeps_find_open() {
    let mut f = fixture();
    f.press(KeyCode::Char('/'));
    f.type_text("zzzz");
    assert!(f.found().is_empty());
    f.press(KeyCode::Enter);
    assert!(f.app.modal.find().is_some());
    assert!(f.app.message.as_deref().unwrap_or("").contains("No client"));
}

/// The screen at 80x24 as rows of text.
fn screen(app: &App) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|frame| keywork::ui::view(frame, app))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..24)
        .map(|y| (0..80).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

/// The caseload row drawn for a reference.
fn caseload_line<'a>(screen: &'a [String], reference: &str) -> &'a str {
    screen
        .iter()
        .find(|row| row.contains(reference))
        .map(String::as_str)
        .unwrap_or_else(|| panic!("{reference} on screen:\n{}", screen.join("\n")))
}

#[test]
fn two_clients_called_jo_are_told_apart_by_family_name_at_80_columns() {
    let f = fixture();
    let screen = screen(&f.app);
    assert!(caseload_line(&screen, "KW-00003").contains("Jo Wren"));
    assert!(caseload_line(&screen, "KW-00005").contains("Jo Smith"));
}

#[test]
fn a_preferred_name_is_shown_with_the_family_initial_when_room_is_short() {
    let f = fixture();
    let screen = screen(&f.app);
    let line = caseload_line(&screen, "KW-00002");
    assert!(line.contains("Mo P. (Wrenny)"), "{line}");
}

// The command palette (`:`), built from the same keymap table.

#[test]
fn palette_runs_the_action_chosen_by_name() {
    let mut f = fixture();
    assert_eq!(f.app.sort, keywork::app::Sort::Due);
    f.press(KeyCode::Char(':'));
    f.type_text("sort the case");
    f.press(KeyCode::Enter);
    assert!(f.app.modal.palette_mut().is_none(), "the palette closed");
    assert_eq!(f.app.sort, keywork::app::Sort::Name, "o's action ran");
}

#[test]
fn palette_offers_every_action_of_the_panes_with_its_key() {
    let mut f = fixture();
    f.press(KeyCode::Char(':'));
    let palette = f.app.modal.palette_mut().unwrap();
    let offered: Vec<Action> = palette.entries.iter().map(|e| e.binding.action).collect();
    for action in [
        Action::Find,
        Action::OpenFilters,
        Action::RecordSession,
        Action::Quit,
    ] {
        assert!(offered.contains(&action), "{action:?} in {offered:?}");
    }
    assert!(!offered.contains(&Action::Palette), "not itself");
    assert!(
        !offered.contains(&Action::Save),
        "form keys do not work here"
    );
}

#[test]
fn palette_esc_runs_nothing() {
    let mut f = fixture();
    f.press(KeyCode::Char(':'));
    f.type_text("quit");
    f.press(KeyCode::Esc);
    assert!(f.app.modal.palette_mut().is_none());
    assert!(!f.app.quit);
}
