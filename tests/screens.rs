//! What a key worker sees: snapshots of every screen at the smallest supported terminal (80x24) and
//! a roomy one (120x40), the styles that carry meaning without colour in the monochrome theme, an
//! empty database's first screen, hostile text from the database, and how keys move the selection.
//!
//! Everything is deterministic: the clock is fixed at 2026-11-23 and the demo service uses seed 42.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fixture::{at, date, name, today};
use keywork::app::keymap::{self, KEYMAP, Situation};
use keywork::app::{Action, App, Cursor, Identity, Overlay, Pane, Sort};
use keywork::clock::Clock;
use keywork::config::{Settings, ThemeName};
use keywork::demo::{self, Plan};
use keywork::domain::{
    Answer, Attendance, Client, ClientStatus, InjectingStatus, Login, Modality, NoteText,
    ReadinessNote, Review, ReviewCompletion, ReviewKind, RiskFlags, Role, Score, ServiceRef,
    Session, SessionKind, Stage, Substance, Top, TopItem, TopStage, Worker,
};
use keywork::store::{Access, CaseloadRow, Scope, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Size;
use ratatui::style::{Color, Modifier};
use std::collections::BTreeSet;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const SMALL: (u16, u16) = (80, 24);
/// An 80x24 window less tmux's status line: the smallest screen keywork draws.
const TMUX: (u16, u16) = (80, 23);
const LARGE: (u16, u16) = (120, 40);
const SIZES: [(u16, u16); 2] = [SMALL, LARGE];

fn score(value: u8) -> Score {
    Score::new(value).expect("valid score")
}

fn size_name((width, height): (u16, u16)) -> String {
    format!("{width}x{height}")
}

fn settings(theme: ThemeName) -> Settings {
    Settings {
        theme,
        ..Settings::default()
    }
}

/// A new, empty database in its own temporary directory.
fn empty_store(file: &str) -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_unchecked(
        &dir.path().join(file),
        Access::Create,
        Clock::fixed(today()),
        Login::new("tester").expect("valid login"),
    )
    .expect("create store");
    (dir, store)
}

/// The generated demo service (seed 42, 40 clients), seen by its first key worker.
struct Demo {
    _dir: TempDir,
    store: Store,
}

impl Demo {
    fn new() -> Self {
        let (dir, mut store) = empty_store("demo.db");
        demo::generate(&mut store, Plan::default()).expect("generate demo");
        Self { _dir: dir, store }
    }

    fn identity(&self) -> Identity {
        let login = Login::new(demo::FIRST_KEY_WORKER).expect("valid login");
        Identity {
            login: demo::FIRST_KEY_WORKER.into(),
            worker: self.store.worker_by_login(&login).expect("look up worker"),
            demo_persona: true,
        }
    }

    fn app(&self, theme: ThemeName, size: (u16, u16)) -> App {
        new_app(&self.store, theme, self.identity(), size)
    }

    /// The default-theme app at 80x24, with `actions` applied.
    fn small_app(&mut self, actions: &[Action]) -> App {
        let mut app = self.app(ThemeName::Default, SMALL);
        act(&mut app, &mut self.store, actions);
        app
    }
}

fn new_app(store: &Store, theme: ThemeName, identity: Identity, (w, h): (u16, u16)) -> App {
    let viewport = keywork::ui::viewport(Size::new(w, h));
    App::new(store, settings(theme), identity, viewport).expect("app")
}

fn act(app: &mut App, store: &mut Store, actions: &[Action]) {
    for action in actions {
        app.update(*action, store).expect("update");
    }
}

fn render(app: &App, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|frame| keywork::ui::view(frame, app))
        .expect("draw");
    terminal
}

/// The screen as a worker reads it, one string per row. Cells covered by the right half of a wide
/// character are skipped, as the terminal shows them.
fn rows(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    (area.top()..area.bottom())
        .map(|y| {
            let mut line = String::new();
            let mut skip = 0;
            for x in area.left()..area.right() {
                let symbol = buffer[(x, y)].symbol();
                if skip == 0 {
                    line.push_str(symbol);
                }
                skip = skip.max(keywork::display::width(symbol)).saturating_sub(1);
            }
            line
        })
        .collect()
}

fn screen_text(buffer: &Buffer) -> String {
    rows(buffer).join("\n")
}

/// The first x at which the cells of row `y` spell `needle` (one character per cell).
fn find_in_row(buffer: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let area = buffer.area;
    let wanted: Vec<String> = needle.chars().map(String::from).collect();
    let len = u16::try_from(wanted.len()).expect("short needle");
    (area.left()..area.right().saturating_sub(len)).find(|&x| {
        wanted
            .iter()
            .zip(x..)
            .all(|(c, x)| buffer[(x, y)].symbol() == c)
    })
}

/// The first row, from the top, holding `needle`, and the x where it starts.
fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    (area.top()..area.bottom()).find_map(|y| find_in_row(buffer, y, needle).map(|x| (x, y)))
}

fn is_blank(buffer: &Buffer, x: u16, y: u16) -> bool {
    buffer[(x, y)].symbol().trim().is_empty()
}

/// Monochrome means no colour anywhere: every cell's foreground and background are the
/// terminal's own.
fn assert_no_colour(buffer: &Buffer, what: &str) {
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &buffer[(x, y)];
            assert_eq!(
                (cell.fg, cell.bg),
                (Color::Reset, Color::Reset),
                "{what}: cell ({x}, {y}) {:?} has a colour",
                cell.symbol()
            );
        }
    }
}

fn has_colour(buffer: &Buffer) -> bool {
    buffer
        .content()
        .iter()
        .any(|cell| cell.fg != Color::Reset || cell.bg != Color::Reset)
}

/// The caseload pane's selected row: the row whose first inner cell holds the pointer.
fn selected_caseload_row(buffer: &Buffer) -> u16 {
    let area = buffer.area;
    (area.top()..area.bottom())
        .find(|&y| buffer[(1, y)].symbol() == "▶")
        .expect("a selected caseload row")
}

/// Everything an action might change, to check that an action changed nothing.
#[derive(Debug, PartialEq)]
struct State {
    focus: Pane,
    scope: Scope,
    sort: Sort,
    caseload: Vec<CaseloadRow>,
    caseload_cursor: Cursor,
    reviews_cursor: Cursor,
    readiness_cursor: Cursor,
    plan_cursor: Cursor,
    selected_client: Option<i64>,
    overlay: Option<Overlay>,
    help: Option<usize>,
    form_open: bool,
    question: bool,
    quit: bool,
}

fn state(app: &App) -> State {
    State {
        focus: app.focus,
        scope: app.scope,
        sort: app.sort,
        caseload: app.caseload.rows.clone(),
        caseload_cursor: app.caseload.cursor,
        reviews_cursor: app.reviews.cursor,
        readiness_cursor: app.readiness.cursor,
        plan_cursor: app.plan.cursor,
        selected_client: app.selected_client,
        overlay: app.overlay().cloned(),
        help: app.help(),
        form_open: app.editor().is_some(),
        question: app.question().is_some(),
        quit: app.quit,
    }
}

fn selected_row(app: &App) -> &CaseloadRow {
    &app.caseload.rows[app.caseload.cursor.selected]
}

/// The action a plain key press asks for on the main screen with `pane` focused.
fn key(c: char, pane: Pane) -> Action {
    let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    keymap::action_for(&event, Situation::Panes(pane)).expect("key is bound")
}

// ---------------------------------------------------------------------------------------------
// Snapshots of the demo service
// ---------------------------------------------------------------------------------------------

/// The main screen with each pane focused in turn, as `(name, actions)`.
fn main_screens() -> Vec<(&'static str, Vec<Action>)> {
    vec![
        ("main_caseload_focused", vec![]),
        (
            "main_reviews_focused_two_down",
            vec![Action::FocusPane(Pane::Reviews), Action::Down, Action::Down],
        ),
        (
            "main_readiness_focused",
            vec![Action::FocusPane(Pane::Readiness)],
        ),
        ("main_plan_focused", vec![Action::FocusPane(Pane::Plan)]),
    ]
}

#[test]
fn main_screen_with_each_pane_focused_matches_snapshots() {
    let mut demo = Demo::new();
    for size in SIZES {
        for (screen, actions) in main_screens() {
            let mut app = demo.app(ThemeName::Default, size);
            act(&mut app, &mut demo.store, &actions);
            let terminal = render(&app, size);
            insta::assert_snapshot!(format!("{screen}_{}", size_name(size)), terminal.backend());
            assert!(
                has_colour(terminal.backend().buffer()),
                "{screen} at {size:?}: the default theme uses colour"
            );
        }
    }
}

#[test]
fn main_screen_in_monochrome_has_the_same_text_and_no_colour() {
    let mut demo = Demo::new();
    for size in SIZES {
        for (screen, actions) in main_screens() {
            let mut mono = demo.app(ThemeName::Monochrome, size);
            act(&mut mono, &mut demo.store, &actions);
            let mono_terminal = render(&mono, size);
            let buffer = mono_terminal.backend().buffer();
            insta::assert_snapshot!(
                format!("{screen}_{}_monochrome", size_name(size)),
                mono_terminal.backend()
            );

            let mut colour = demo.app(ThemeName::Default, size);
            act(&mut colour, &mut demo.store, &actions);
            let colour_terminal = render(&colour, size);
            assert_eq!(
                screen_text(buffer),
                screen_text(colour_terminal.backend().buffer()),
                "{screen} at {size:?}: the theme changes styles only, never the text"
            );
            assert_no_colour(buffer, screen);
        }
    }
}

#[test]
fn monochrome_selected_caseload_row_is_reverse_video() {
    let mut demo = Demo::new();
    for size in SIZES {
        let mut app = demo.app(ThemeName::Monochrome, size);
        act(&mut app, &mut demo.store, &[Action::Down, Action::Down]);
        let terminal = render(&app, size);
        let buffer = terminal.backend().buffer();
        let y = selected_caseload_row(buffer);
        let reference = selected_row(&app).reference.as_str().to_owned();
        assert!(
            find_in_row(buffer, y, &reference).is_some(),
            "the pointer is on the selected client's row"
        );
        // From the pointer to the pane's right border (which may carry a scroll mark).
        let right = (2..buffer.area.right())
            .find(|&x| matches!(buffer[(x, y)].symbol(), "│" | "█" | "▲" | "▼"))
            .expect("pane border");
        for x in 1..right {
            let cell = &buffer[(x, y)];
            assert!(
                cell.modifier.contains(Modifier::REVERSED),
                "cell ({x}, {y}) {:?} of the selected row is not reversed at {size:?}",
                cell.symbol()
            );
        }
        // The rows either side are not reversed.
        for other in [y - 1, y + 1] {
            assert!(
                !buffer[(3, other)].modifier.contains(Modifier::REVERSED),
                "row {other} is not selected"
            );
        }
    }
}

#[test]
fn client_record_top_and_after_page_down_match_snapshots_in_both_themes() {
    let mut demo = Demo::new();
    for size in SIZES {
        for theme in [ThemeName::Default, ThemeName::Monochrome] {
            let suffix = match theme {
                ThemeName::Monochrome => "_monochrome",
                _ => "",
            };
            let mut app = demo.app(theme, size);
            act(&mut app, &mut demo.store, &[Action::Open]);
            let Some(Overlay::Record { client_id, .. }) = app.overlay() else {
                panic!("Open shows the record");
            };
            assert_eq!(Some(*client_id), app.selected_client);
            let top = render(&app, size);
            insta::assert_snapshot!(
                format!("client_record_top_{}{suffix}", size_name(size)),
                top.backend()
            );

            act(&mut app, &mut demo.store, &[Action::PageDown]);
            let Some(Overlay::Record { scroll, .. }) = app.overlay() else {
                panic!("still in the record");
            };
            assert_eq!(*scroll, app.viewport.reader, "PageDown scrolls one page");
            let paged = render(&app, size);
            insta::assert_snapshot!(
                format!("client_record_page_down_{}{suffix}", size_name(size)),
                paged.backend()
            );

            for (what, terminal) in [("top", &top), ("page down", &paged)] {
                let buffer = terminal.backend().buffer();
                match theme {
                    ThemeName::Monochrome => assert_no_colour(buffer, what),
                    _ => assert!(has_colour(buffer), "{what}: the default theme uses colour"),
                }
            }
        }
    }
}

#[test]
fn help_overlay_matches_snapshots() {
    let mut demo = Demo::new();
    for size in SIZES {
        let mut app = demo.app(ThemeName::Default, size);
        act(&mut app, &mut demo.store, &[Action::ToggleHelp]);
        let terminal = render(&app, size);
        insta::assert_snapshot!(format!("help_{}", size_name(size)), terminal.backend());
        let text = screen_text(terminal.backend().buffer());
        assert!(text.contains("Help (Esc to close)"), "{text}");
        assert!(text.contains("Move down"), "{text}");
    }
}

#[test]
fn team_view_matches_snapshots() {
    let mut demo = Demo::new();
    for size in SIZES {
        let mut app = demo.app(ThemeName::Default, size);
        act(&mut app, &mut demo.store, &[Action::ToggleScope]);
        let terminal = render(&app, size);
        insta::assert_snapshot!(format!("team_view_{}", size_name(size)), terminal.backend());
        let text = screen_text(terminal.backend().buffer());
        assert!(text.contains("team caseload"), "{text}");
        let active = demo.store.active_client_count(Scope::Team).expect("count");
        assert!(text.contains(&format!("{active} team")), "{text}");
    }
}

#[test]
fn caseload_sorted_by_name_matches_snapshots() {
    let mut demo = Demo::new();
    for size in SIZES {
        let mut app = demo.app(ThemeName::Default, size);
        act(&mut app, &mut demo.store, &[Action::CycleSort]);
        let terminal = render(&app, size);
        insta::assert_snapshot!(
            format!("caseload_sorted_by_name_{}", size_name(size)),
            terminal.backend()
        );
        let text = screen_text(terminal.backend().buffer());
        assert!(text.contains("by family name"), "{text}");
        assert!(text.contains("Caseload sorted by family name."), "{text}");
    }
}

#[test]
fn terminal_too_small_says_so_and_what_is_needed() {
    let demo = Demo::new();
    let size = (60, 20);
    let app = demo.app(ThemeName::Default, size);
    let terminal = render(&app, size);
    insta::assert_snapshot!("terminal_too_small_60x20", terminal.backend());
    let text = screen_text(terminal.backend().buffer());
    assert!(
        text.contains("terminal too small: need 80x23, have 60x20"),
        "{text}"
    );
    assert!(text.contains("press q to quit"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// An empty database
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_database_explains_how_to_start() {
    let (_dir, store) = empty_store("empty.db");
    let identity = Identity {
        login: "tester".into(),
        worker: None,
        demo_persona: false,
    };
    for size in SIZES {
        let app = new_app(&store, ThemeName::Default, identity.clone(), size);
        assert_eq!(app.scope, Scope::Team, "no caseload of their own");
        assert!(app.caseload.rows.is_empty());
        assert_eq!(app.selected_client, None);
        let terminal = render(&app, size);
        insta::assert_snapshot!(
            format!("empty_database_{}", size_name(size)),
            terminal.backend()
        );
        let text = screen_text(terminal.backend().buffer());
        for phrase in [
            "No clients yet.",
            "Press n to add the first client.",
            "keywork --demo",
            "tester (not on the team)",
        ] {
            assert!(
                text.contains(phrase),
                "{phrase:?} missing at {size:?}:\n{text}"
            );
        }
        assert_eq!(
            text.matches("Select a client to see their").count(),
            2,
            "readiness and plan panes ask for a client:\n{text}"
        );
    }
}

#[test]
fn empty_database_keys_do_not_panic_and_open_says_no_client() {
    let (_dir, mut store) = empty_store("empty.db");
    let identity = Identity {
        login: "tester".into(),
        worker: None,
        demo_persona: false,
    };
    let mut app = new_app(&store, ThemeName::Default, identity, SMALL);
    for pane in Pane::ALL {
        act(
            &mut app,
            &mut store,
            &[
                Action::FocusPane(pane),
                Action::Down,
                Action::Last,
                Action::PageDown,
                Action::Up,
                Action::First,
                Action::PageUp,
            ],
        );
        render(&app, SMALL);
    }
    act(&mut app, &mut store, &[Action::Open]);
    assert_eq!(app.overlay(), None);
    assert_eq!(app.message.as_deref(), Some("No client selected."));
    act(&mut app, &mut store, &[Action::ToggleScope]);
    assert_eq!(app.scope, Scope::Team);
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("not on the team list")),
        "{:?}",
        app.message
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile text from the database
// ---------------------------------------------------------------------------------------------

const CLEAR_SCREEN: &str = "\u{1b}[2J";
const SET_TITLE: &str = "\u{1b}]0;pwned\u{7}";
const RED: &str = "\u{1b}[31m";
const WIDE_NAME: &str = "王小明";

fn client(
    key_worker_id: i64,
    number: u32,
    given: &str,
    preferred: Option<&str>,
    start: NaiveDate,
) -> Client {
    Client {
        reference: ServiceRef::from_number(number),
        given_name: name(given),
        family_name: name("Testcase"),
        preferred_name: preferred.map(name),
        date_of_birth: date(1985, 6, 15),
        nhs_number: None,
        key_worker_id,
        status: ClientStatus::Active,
        referral_date: date(2025, 1, 10),
        treatment_start: Some(start),
        primary_substance: Substance::Heroin,
        other_substances: BTreeSet::new(),
        injecting: InjectingStatus::Never,
        modality: Modality::OstMethadone,
        shared_care: None,
        risk: RiskFlags {
            naloxone_held: true,
            ..RiskFlags::default()
        },
    }
}

/// A caseload of three: an escape sequence in one preferred name, a wide CJK name whose session
/// and readiness notes carry escape sequences, and a plain name. The CJK client's review is the
/// most overdue, so they come first and are selected.
struct Hostile {
    _dir: TempDir,
    store: Store,
    identity: Identity,
    wide_client: i64,
}

fn hostile() -> Hostile {
    let (dir, mut store) = empty_store("hostile.db");
    let worker = Worker {
        login: Login::new("sam.okoro").expect("valid login"),
        display_name: name("Sam Okoro"),
        role: Role::KeyWorker,
    };
    let wide_client = store
        .write(|w| {
            let worker_id = w.insert(&worker)?;
            let escape = w.insert(&client(
                worker_id,
                1,
                "Eve",
                Some(&format!("Eve{CLEAR_SCREEN}")),
                date(2026, 3, 1),
            ))?;
            let wide = w.insert(&client(worker_id, 2, WIDE_NAME, None, date(2025, 6, 1)))?;
            let plain = w.insert(&client(worker_id, 3, "Jo", None, date(2026, 9, 10)))?;
            // Each client's care plan falls due in the window (12 weeks after the last review, or
            // after the start for Jo); their other reviews were done a week ago, so not yet due.
            let done = |client_id, kind, on| {
                w.insert(&Review {
                    client_id,
                    kind,
                    due_on: on,
                    completion: Some(ReviewCompletion {
                        completed_on: on,
                        completed_by: worker_id,
                        outcome: NoteText::empty(),
                    }),
                })
            };
            done(wide, ReviewKind::CarePlan, date(2026, 8, 28))?;
            done(escape, ReviewKind::CarePlan, date(2026, 9, 7))?;
            for client_id in [wide, escape, plain] {
                done(client_id, ReviewKind::Prescribing, date(2026, 11, 16))?;
                done(client_id, ReviewKind::Risk, date(2026, 11, 16))?;
                w.insert(&Top {
                    client_id,
                    worker_id,
                    completed_on: date(2026, 11, 16),
                    stage: TopStage::Start,
                    other_substance: None,
                    answers: Default::default(),
                })?;
            }
            let session_id = w.insert(&Session {
                client_id: wide,
                worker_id,
                started_at: at(2026, 11, 16, 10, 30),
                duration: keywork::domain::Minutes::new(45).expect("valid minutes"),
                kind: SessionKind::KeyWork,
                attendance: Attendance::Attended,
                note: NoteText::new(format!("Talked about housing.{SET_TITLE} Next week."))
                    .expect("valid note"),
                interventions: BTreeSet::new(),
                next_appointment: None,
            })?;
            w.insert(&ReadinessNote {
                client_id: wide,
                worker_id,
                noted_on: date(2026, 11, 16),
                stage: Stage::Contemplation,
                importance: Some(score(7)),
                confidence: Some(score(4)),
                readiness: Some(score(5)),
                note: NoteText::new(format!("Wants to cut down{RED} red")).expect("valid note"),
                session_id: Some(session_id),
            })?;
            Ok(wide)
        })
        .expect("insert hostile records");
    let identity = Identity {
        login: "sam.okoro".into(),
        worker: store
            .worker_by_login(&Login::new("sam.okoro").expect("valid login"))
            .expect("look up worker"),
        demo_persona: false,
    };
    Hostile {
        _dir: dir,
        store,
        identity,
        wide_client,
    }
}

/// No escape or bell character reaches any cell, in any form.
fn assert_no_control_characters(buffer: &Buffer, what: &str) {
    for (index, cell) in buffer.content().iter().enumerate() {
        assert!(
            !cell.symbol().contains(['\u{1b}', '\u{7}']),
            "{what}: cell {index} holds {:?}",
            cell.symbol()
        );
    }
}

#[test]
fn hostile_names_and_notes_are_shown_as_placeholders_never_sent() {
    let h = hostile();
    for size in SIZES {
        let app = new_app(&h.store, ThemeName::Default, h.identity.clone(), size);
        assert_eq!(app.selected_client, Some(h.wide_client));
        let terminal = render(&app, size);
        let buffer = terminal.backend().buffer();
        insta::assert_snapshot!(
            format!("hostile_main_{}", size_name(size)),
            terminal.backend()
        );
        assert_no_control_characters(buffer, "main screen");
        let text = screen_text(buffer);
        assert!(
            text.contains("Eve^[[2J"),
            "escape in a name is shown as ^[:\n{text}"
        );
        if size == LARGE {
            // At 80x24 the note is cut to its first words, before the escape.
            assert!(
                text.contains("^[[31m"),
                "escape in a readiness note:\n{text}"
            );
        }
        assert!(
            text.contains(WIDE_NAME),
            "wide name is shown whole:\n{text}"
        );
    }
}

#[test]
fn hostile_session_note_in_the_record_is_shown_as_placeholders() {
    let mut h = hostile();
    for size in SIZES {
        let mut app = new_app(&h.store, ThemeName::Default, h.identity.clone(), size);
        act(&mut app, &mut h.store, &[Action::Open]);
        let mut pages = Vec::new();
        loop {
            let terminal = render(&app, size);
            let buffer = terminal.backend().buffer();
            assert_no_control_characters(buffer, "client record");
            pages.push(screen_text(buffer));
            let before = app.overlay().cloned();
            act(&mut app, &mut h.store, &[Action::PageDown]);
            if app.overlay() == before.as_ref() {
                break;
            }
        }
        let record = pages.join("\n");
        assert!(record.contains(WIDE_NAME), "{record}");
        assert!(
            record.contains("Talked about housing.^[]0;pwned^G Next week."),
            "{record}"
        );
        assert!(record.contains("Wants to cut down^[[31m red"), "{record}");
    }
}

#[test]
fn wide_names_keep_the_caseload_columns_aligned() {
    let h = hostile();
    for size in SIZES {
        let app = new_app(&h.store, ThemeName::Default, h.identity.clone(), size);
        let terminal = render(&app, size);
        let buffer = terminal.backend().buffer();
        let (_, header_y) = find(buffer, "Ref      Name").expect("caseload headings");
        // At 80 columns the days in treatment give their room to the name.
        let days_x = find_in_row(buffer, header_y, "Days");
        assert_eq!(days_x.is_some(), size == LARGE, "Days shown only when wide");
        let due_x = find_in_row(buffer, header_y, "Due").expect("Due heading");
        let tx_x = find_in_row(buffer, header_y, "Tx").expect("Tx heading");
        let name_x = find_in_row(buffer, header_y, "Name").expect("Name heading");
        let data_rows: Vec<u16> = (header_y + 1..header_y + 4).collect();
        let wide_row = *data_rows
            .iter()
            .find(|&&y| buffer[(name_x, y)].symbol() == "王")
            .expect("the wide name starts under the Name heading");
        assert_eq!(buffer[(name_x + 2, wide_row)].symbol(), "小");
        assert_eq!(buffer[(name_x + 4, wide_row)].symbol(), "明");
        for y in data_rows {
            // Tx and Due are left aligned: each starts right under its heading.
            for (column, x) in [("Tx", tx_x), ("Due", due_x)] {
                assert!(
                    !is_blank(buffer, x, y) && is_blank(buffer, x - 1, y),
                    "{column} on row {y} does not start at x {x} at {size:?}:\n{}",
                    screen_text(buffer)
                );
            }
            // Days is right aligned: its last digit is just left of the gap before Due.
            let Some(days_x) = days_x else { continue };
            let last = due_x - 2;
            assert!(
                buffer[(last, y)]
                    .symbol()
                    .chars()
                    .all(|c| c.is_ascii_digit()),
                "Days on row {y} does not end at x {last} at {size:?}:\n{}",
                screen_text(buffer)
            );
            assert!(days_x <= last);
        }
        // As the worker reads it, the text at the Due heading's column is each row's Due text.
        let text = rows(buffer);
        let heading = text_from_column(&text[usize::from(header_y)], usize::from(due_x));
        assert!(heading.starts_with("Due"), "{heading:?}");
        for (row, y) in app.caseload.rows.iter().zip(header_y + 1..) {
            let next = row.next_due().expect("has a review");
            let days = (next.due_on - today()).num_days();
            let overdue_mark = days < 0 && !row.is_quiet(next);
            let due = text_from_column(&text[usize::from(y)], usize::from(due_x));
            assert!(
                due.starts_with('!') == overdue_mark && due.contains(&days.abs().to_string()),
                "row {y} reads {due:?} under Due, for {days} days at {size:?}"
            );
        }
    }
}

/// The rest of a screen row from display column `column`.
fn text_from_column(row: &str, column: usize) -> &str {
    let mut used = 0;
    for (index, c) in row.char_indices() {
        if used >= column {
            return &row[index..];
        }
        used += keywork::display::width(c.encode_utf8(&mut [0; 4]));
    }
    ""
}

#[test]
fn wide_names_keep_the_next_reviews_columns_aligned() {
    let h = hostile();
    let app = new_app(&h.store, ThemeName::Default, h.identity.clone(), LARGE);
    let terminal = render(&app, LARGE);
    let text = rows(terminal.backend().buffer());
    // The reviews pane is the right-hand part of the top rows.
    let review_lines: Vec<&str> = text
        .iter()
        .filter_map(|row| row.split("││").nth(1))
        .filter(|pane| pane.contains("KW-0000"))
        .collect();
    assert_eq!(review_lines.len(), 3, "{review_lines:#?}");
    let kind_columns: BTreeSet<usize> = review_lines
        .iter()
        .map(|line| {
            let at = line.find("Care").expect("review kind shown");
            keywork::display::width(&line[..at])
        })
        .collect();
    assert_eq!(
        kind_columns.len(),
        1,
        "the kind starts at one column: {review_lines:#?}"
    );
    let wide = review_lines
        .iter()
        .find(|line| line.contains(WIDE_NAME))
        .expect("wide name shown");
    assert!(wide.contains("! 3d over"), "{wide:?}");
}

// ---------------------------------------------------------------------------------------------
// Navigation through App::update
// ---------------------------------------------------------------------------------------------

#[test]
fn caseload_movement_stops_at_both_ends() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[]);
    let len = app.caseload.rows.len();
    let page = app.viewport.caseload;
    assert!(len > page, "the demo caseload is longer than one page");
    assert_eq!(app.caseload.cursor.selected, 0);

    act(&mut app, &mut demo.store, &[Action::Up]);
    assert_eq!(app.caseload.cursor.selected, 0, "k at the top stays");
    act(&mut app, &mut demo.store, &[Action::Down]);
    assert_eq!(app.caseload.cursor.selected, 1, "j moves down one");
    act(&mut app, &mut demo.store, &[Action::First]);
    assert_eq!(app.caseload.cursor.selected, 0, "g goes to the first");
    act(&mut app, &mut demo.store, &[Action::PageDown]);
    assert_eq!(app.caseload.cursor.selected, page, "PageDown moves a page");
    act(
        &mut app,
        &mut demo.store,
        &[Action::PageDown, Action::PageDown],
    );
    assert_eq!(
        app.caseload.cursor.selected,
        len - 1,
        "PageDown stops at the end"
    );
    act(&mut app, &mut demo.store, &[Action::First, Action::Last]);
    assert_eq!(app.caseload.cursor.selected, len - 1, "G goes to the last");
    act(&mut app, &mut demo.store, &[Action::Down]);
    assert_eq!(app.caseload.cursor.selected, len - 1, "j at the end stays");
    act(&mut app, &mut demo.store, &[Action::PageUp]);
    assert_eq!(app.caseload.cursor.selected, len - 1 - page);
    assert_eq!(
        app.selected_client,
        Some(selected_row(&app).client_id),
        "the lower panes follow the caseload selection"
    );
}

#[test]
fn selection_stays_visible_after_g_at_80x24() {
    let mut demo = Demo::new();
    for scope_actions in [vec![], vec![Action::ToggleScope]] {
        let mut app = demo.small_app(&scope_actions);
        act(&mut app, &mut demo.store, &[Action::Last]);
        let cursor = app.caseload.cursor;
        let rows = app.viewport.caseload;
        assert_eq!(cursor.selected, app.caseload.rows.len() - 1);
        assert!(
            cursor.offset <= cursor.selected && cursor.selected < cursor.offset + rows,
            "{cursor:?} with {rows} rows"
        );
        // And on screen: the pointer is on the last client's row.
        let terminal = render(&app, SMALL);
        let buffer = terminal.backend().buffer();
        let y = selected_caseload_row(buffer);
        let reference = selected_row(&app).reference.as_str().to_owned();
        assert!(
            find_in_row(buffer, y, &reference).is_some(),
            "last client {reference} is shown selected:\n{}",
            screen_text(buffer)
        );
        // Back to the top scrolls back.
        act(&mut app, &mut demo.store, &[Action::First]);
        assert_eq!(app.caseload.cursor, Cursor::default());
    }
}

#[test]
fn moving_in_next_reviews_selects_that_client_and_the_caseload_follows() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[Action::FocusPane(Pane::Reviews)]);
    let steps = app.reviews.rows.len().min(8);
    let first = app.reviews.rows[0].client_id;
    assert!(
        app.reviews.rows[..steps]
            .iter()
            .any(|r| r.client_id != first),
        "the first reviews due are for more than one client"
    );
    assert_eq!(app.selected_client, Some(first));
    for index in 1..steps {
        act(&mut app, &mut demo.store, &[Action::Down]);
        assert_eq!(app.reviews.cursor.selected, index);
        let client = app.reviews.rows[index].client_id;
        assert_eq!(app.selected_client, Some(client));
        // A client who has left (owing an exit TOP) is not in the caseload to follow.
        if app.caseload.rows.iter().any(|r| r.client_id == client) {
            assert_eq!(selected_row(&app).client_id, client, "caseload follows");
        }
        assert!(
            app.readiness
                .rows
                .iter()
                .all(|n| n.record.client_id == client),
            "readiness notes are the review's client's"
        );
        assert!(
            app.plan
                .rows
                .iter()
                .all(|g| g.goal.record.client_id == client)
        );
    }
    // Back on a review of an active client, going to the caseload keeps them.
    while !app
        .caseload
        .rows
        .iter()
        .any(|r| Some(r.client_id) == app.selected_client)
    {
        act(&mut app, &mut demo.store, &[Action::Up]);
    }
    let client = app.selected_client;
    act(
        &mut app,
        &mut demo.store,
        &[Action::FocusPane(Pane::Caseload)],
    );
    assert_eq!(
        app.selected_client, client,
        "going back to the caseload keeps the client"
    );
}

#[test]
fn tab_cycles_focus_through_the_four_panes_and_shift_tab_goes_back() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[]);
    assert_eq!(app.focus, Pane::Caseload);
    for expected in [Pane::Reviews, Pane::Readiness, Pane::Plan, Pane::Caseload] {
        act(&mut app, &mut demo.store, &[Action::NextPane]);
        assert_eq!(app.focus, expected);
    }
    for expected in [Pane::Plan, Pane::Readiness, Pane::Reviews, Pane::Caseload] {
        act(&mut app, &mut demo.store, &[Action::PreviousPane]);
        assert_eq!(app.focus, expected);
    }
}

#[test]
fn number_keys_focus_their_panes() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[]);
    for (c, pane) in [
        ('3', Pane::Readiness),
        ('1', Pane::Caseload),
        ('4', Pane::Plan),
        ('2', Pane::Reviews),
    ] {
        let action = key(c, app.focus);
        assert_eq!(action, Action::FocusPane(pane));
        act(&mut app, &mut demo.store, &[action]);
        assert_eq!(app.focus, pane, "key {c}");
    }
}

#[test]
fn readiness_and_plan_panes_keep_the_caseload_client() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[Action::Down, Action::Down, Action::Down]);
    let client = app.selected_client;
    for pane in [Pane::Readiness, Pane::Plan] {
        act(
            &mut app,
            &mut demo.store,
            &[Action::FocusPane(pane), Action::Down],
        );
        assert_eq!(app.selected_client, client, "{pane:?}");
    }
}

#[test]
fn open_then_back_returns_to_the_same_focus_and_client() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[Action::FocusPane(Pane::Reviews), Action::Down]);
    let before = state(&app);
    let client = app.selected_client.expect("a client is selected");

    act(&mut app, &mut demo.store, &[Action::Open]);
    match app.overlay() {
        Some(Overlay::Record {
            client_id, scroll, ..
        }) => {
            assert_eq!(*client_id, client);
            assert_eq!(*scroll, 0);
        }
        other => panic!("Open shows the record, not {other:?}"),
    }
    // Keys scroll the record, not the pane underneath.
    act(&mut app, &mut demo.store, &[Action::Down, Action::Down]);
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Record { scroll: 2, .. })
    ));
    assert_eq!(app.reviews.cursor, before.reviews_cursor);

    act(&mut app, &mut demo.store, &[Action::Back]);
    assert_eq!(app.overlay(), None);
    assert_eq!(state(&app), before, "back where the worker was");
}

#[test]
fn help_opens_and_back_closes_it() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[Action::Down]);
    let before = state(&app);
    act(&mut app, &mut demo.store, &[Action::ToggleHelp]);
    assert_eq!(app.help(), Some(0));
    act(&mut app, &mut demo.store, &[Action::Down]);
    assert_eq!(app.help(), Some(1), "keys scroll the help");
    assert_eq!(app.caseload.cursor, before.caseload_cursor);
    act(&mut app, &mut demo.store, &[Action::Back]);
    assert_eq!(app.help(), None);
    assert_eq!(state(&app), before);

    act(
        &mut app,
        &mut demo.store,
        &[Action::ToggleHelp, Action::ToggleHelp],
    );
    assert_eq!(app.help(), None, "? closes it too");
}

#[test]
fn reserved_keys_say_not_built_yet_and_change_nothing_else() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[Action::FocusPane(Pane::Reviews), Action::Down]);
    let reserved: Vec<Action> = KEYMAP
        .iter()
        .map(|b| b.action)
        .filter(|a| matches!(a, Action::Reserved(_)))
        .collect();
    // Every key may be built by now (`/` was the last); the one left to test is the action.
    let reserved = if reserved.is_empty() {
        vec![Action::Reserved("search")]
    } else {
        reserved
    };
    for action in reserved {
        let before = state(&app);
        act(&mut app, &mut demo.store, &[action]);
        let message = app.message.clone().unwrap_or_default();
        assert!(message.contains("Not built yet"), "{action:?}: {message:?}");
        assert_eq!(state(&app), before, "{action:?} changed something");
    }
    let terminal = render(&app, SMALL);
    let text = screen_text(terminal.backend().buffer());
    assert!(
        text.contains("Not built yet"),
        "the footer says so:\n{text}"
    );
}

#[test]
fn cycle_sort_by_name_orders_by_family_name_case_insensitively_and_keeps_the_client() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[Action::Down, Action::Down]);
    let client = app.selected_client;
    act(&mut app, &mut demo.store, &[Action::CycleSort]);
    assert_eq!(app.sort, Sort::Name);
    let names: Vec<(String, String)> = app
        .caseload
        .rows
        .iter()
        .map(|r| {
            (
                r.family_name.as_str().to_lowercase(),
                r.known_as.as_str().to_lowercase(),
            )
        })
        .collect();
    assert!(
        names.is_sorted(),
        "by family name, then known as: {names:?}"
    );
    assert!(
        names.windows(2).any(|w| w[0].1 > w[1].1),
        "not by the name they go by"
    );
    assert_eq!(app.selected_client, client);
    assert_eq!(selected_row(&app).client_id, client.expect("selected"));

    // Round the other orders and back.
    for expected in [Sort::DaysInTreatment, Sort::LastSeen, Sort::Due] {
        act(&mut app, &mut demo.store, &[Action::CycleSort]);
        assert_eq!(app.sort, expected);
        assert_eq!(app.selected_client, client);
    }
}

#[test]
fn team_scope_shows_every_key_workers_clients() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[]);
    let own = app.caseload.rows.len();
    let Scope::Worker(me) = app.scope else {
        panic!("opens on the worker's own caseload");
    };
    let mine = demo
        .store
        .caseload(Scope::Worker(me), &Default::default())
        .expect("own caseload");
    assert_eq!(own, mine.len());

    act(&mut app, &mut demo.store, &[Action::ToggleScope]);
    assert_eq!(app.scope, Scope::Team);
    let workers: BTreeSet<&str> = app
        .caseload
        .rows
        .iter()
        .map(|r| r.key_worker.as_str())
        .collect();
    assert!(workers.len() > 1, "{workers:?}");
    assert!(app.caseload.rows.len() > own);
    let active = demo.store.active_client_count(Scope::Team).expect("count");
    assert_eq!(
        app.caseload.rows.len() as i64,
        active,
        "every active client"
    );

    act(&mut app, &mut demo.store, &[Action::ToggleScope]);
    assert_eq!(app.scope, Scope::Worker(me));
    assert_eq!(app.caseload.rows.len(), own);
}

#[test]
fn switching_scope_keeps_the_caseload_pointer_and_the_lower_panes_on_one_client() {
    let mut demo = Demo::new();
    let mut wrong = Vec::new();
    for pane in Pane::ALL {
        let mut app = demo.small_app(&[Action::Down, Action::Down, Action::FocusPane(pane)]);
        for _ in 0..2 {
            act(&mut app, &mut demo.store, &[Action::ToggleScope]);
            let pointed = selected_row(&app).client_id;
            // A client who has left (owing an exit TOP) is in the reviews pane but not the
            // caseload, so the caseload cannot point at them.
            let in_caseload = app
                .caseload
                .rows
                .iter()
                .any(|r| Some(r.client_id) == app.selected_client);
            if in_caseload && app.selected_client != Some(pointed) {
                wrong.push(format!(
                    "{pane:?} focused, {:?}: panes show {:?}, caseload points at {pointed}",
                    app.scope, app.selected_client
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn reload_keeps_the_selected_client_whatever_pane_has_focus() {
    let mut demo = Demo::new();
    let mut wrong = Vec::new();
    for pane in Pane::ALL {
        let app = demo.small_app(&[
            Action::Down,
            Action::Down,
            Action::FocusPane(pane),
            Action::Down,
        ]);
        let mut reloaded = demo.small_app(&[
            Action::Down,
            Action::Down,
            Action::FocusPane(pane),
            Action::Down,
        ]);
        reloaded.reload(&demo.store).expect("reload");
        let (before, after) = (state(&app), state(&reloaded));
        if before != after {
            wrong.push(format!(
                "{pane:?} focused: client {:?} -> {:?}, readiness {:?} -> {:?}, plan {:?} -> {:?}",
                before.selected_client,
                after.selected_client,
                before.readiness_cursor,
                after.readiness_cursor,
                before.plan_cursor,
                after.plan_cursor
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn wide_caseload_shows_the_whole_due_text() {
    let demo = Demo::new();
    let app = demo.app(ThemeName::Default, LARGE);
    let terminal = render(&app, LARGE);
    let text = screen_text(terminal.backend().buffer());
    let visible = app.viewport.caseload;
    assert!(visible >= 10, "a large terminal shows at least ten clients");
    for row in app.caseload.rows.iter().take(visible) {
        let next = row.next_due().expect("has a review");
        let days = (next.due_on - today()).num_days();
        let due = if days < 0 && row.is_quiet(next) {
            format!("{}d over", -days)
        } else if days == 0 {
            "today".to_owned()
        } else if days < 0 {
            format!("! {}d over", -days)
        } else {
            format!("in {days}d")
        };
        let line = text
            .lines()
            .find_map(|l| {
                let caseload = l.split("││").next().unwrap_or(l);
                caseload
                    .contains(&format!("{} ", row.reference.as_str()))
                    .then_some(caseload)
            })
            .expect("row on screen");
        assert!(line.contains(&due), "{due:?} cut short in {line:?}");
    }
}

#[test]
fn a_paste_far_beyond_any_field_is_refused_and_a_large_one_arrives_whole() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[Action::RecordSession]);
    let form = |app: &App| {
        app.editor()
            .as_ref()
            .expect("the session form is open")
            .form
            .text("note")
    };
    app.paste(&"x".repeat(150_000));
    assert!(
        app.message
            .as_deref()
            .unwrap_or("")
            .contains("nothing was pasted"),
        "{:?}",
        app.message
    );
    assert_eq!(form(&app), "", "nothing pasted");
    app.paste(&"y".repeat(30_000));
    assert_eq!(form(&app).len(), 30_000, "a large paste arrives whole");
}

#[test]
fn saving_a_draft_is_not_a_record_change_but_saving_a_record_is() {
    let mut demo = Demo::new();
    let before = demo.store.record_changes().expect("counter");
    let mut app = demo.small_app(&[Action::RecordSession]);
    app.paste("A note in progress");
    app.write_draft(&mut demo.store).expect("draft kept");
    assert_eq!(
        demo.store.record_changes().expect("counter"),
        before,
        "drafts do not reload colleagues' screens"
    );
    act(&mut app, &mut demo.store, &[Action::Save]);
    assert_eq!(demo.store.record_changes().expect("counter"), before + 1);
}

// ---------------------------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------------------------

/// One client with several alerts at once: released from prison five days ago with no naloxone,
/// three appointments missed, and the care plan never reviewed since starting in 2025; the start
/// TOP and the other reviews are done so only those alerts show.
fn alerted() -> (TempDir, Store, Identity) {
    alerted_with(|_| {}, 0.0)
}

/// [`alerted`] with changes to the client and the opiate days at the last TOP.
fn alerted_with(tweak: impl FnOnce(&mut Client), opiate_days: f64) -> (TempDir, Store, Identity) {
    let (dir, mut store) = empty_store("alerted.db");
    store
        .write(|w| {
            let worker_id = w.insert(&Worker {
                login: Login::new("sam.okoro").expect("valid login"),
                display_name: name("Sam Okoro"),
                role: Role::KeyWorker,
            })?;
            let mut c = client(worker_id, 7, "Robin", None, date(2025, 11, 3));
            c.risk = RiskFlags {
                overdose_risk: true,
                naloxone_held: false,
                prison_release_on: Some(date(2026, 11, 18)),
                ..RiskFlags::default()
            };
            tweak(&mut c);
            let client_id = w.insert(&c)?;
            for kind in [ReviewKind::Prescribing, ReviewKind::Risk] {
                w.insert(&Review {
                    client_id,
                    kind,
                    due_on: date(2026, 11, 19),
                    completion: Some(ReviewCompletion {
                        completed_on: date(2026, 11, 19),
                        completed_by: worker_id,
                        outcome: NoteText::empty(),
                    }),
                })?;
            }
            w.insert(&Top {
                client_id,
                worker_id,
                completed_on: date(2026, 11, 3),
                stage: TopStage::Review,
                other_substance: None,
                answers: [
                    (TopItem::OpiatesDays, Answer::Value(opiate_days)),
                    (TopItem::QualityOfLife, Answer::Value(11.0)),
                ]
                .into_iter()
                .collect(),
            })?;
            for day in [2, 9, 16] {
                w.insert(&Session {
                    client_id,
                    worker_id,
                    started_at: at(2026, 11, day, 10, 0),
                    duration: keywork::domain::Minutes::new(0).expect("valid minutes"),
                    kind: SessionKind::KeyWork,
                    attendance: Attendance::DidNotAttend,
                    note: NoteText::empty(),
                    interventions: BTreeSet::new(),
                    next_appointment: None,
                })?;
            }
            Ok(())
        })
        .expect("insert alerted client");
    let login = Login::new("sam.okoro").expect("valid login");
    let identity = Identity {
        login: "sam.okoro".into(),
        worker: store.worker_by_login(&login).expect("look up worker"),
        demo_persona: false,
    };
    (dir, store, identity)
}

#[test]
fn an_alerted_client_shows_its_flags_in_the_caseload_and_reasons_in_the_record() {
    let (_dir, mut store, identity) = alerted();
    for size in SIZES {
        let mut app = new_app(&store, ThemeName::Default, identity.clone(), size);
        let row = &app.caseload.rows[0];
        assert_eq!(keywork::app::help::flags(row), "ODNPRX");
        let main = render(&app, size);
        insta::assert_snapshot!(format!("alerted_main_{}", size_name(size)), main.backend());
        let text = screen_text(main.backend().buffer());
        assert!(text.contains("ODNPRX"), "flags in the caseload:\n{text}");

        act(&mut app, &mut store, &[Action::Open]);
        let record = render(&app, size);
        insta::assert_snapshot!(
            format!("alerted_record_{}", size_name(size)),
            record.backend()
        );
        let text = screen_text(record.backend().buffer());
        for reason in [
            "! Released from prison: Released from prison on 18/11/2026 (5 days ago)",
            "! Three DNAs in a row",
            "! Naloxone needed: No naloxone kit held",
            "! Care-plan review overdue",
        ] {
            assert!(text.contains(reason), "{reason:?} in the record:\n{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

fn press(app: &mut App, store: &mut Store, code: KeyCode) {
    app.key(KeyEvent::new(code, KeyModifiers::NONE), store)
        .expect("key");
}

#[test]
fn a_failed_save_still_draws_every_field_that_fits() {
    let mut demo = Demo::new();
    let app = demo.small_app(&[Action::NewClient, Action::Save]);
    let terminal = render(&app, SMALL);
    insta::assert_snapshot!("client_form_after_failed_save_80x24", terminal.backend());
    let text = screen_text(terminal.backend().buffer());
    assert!(text.contains("! required"), "the errors:\n{text}");
    for below in ["Other substances", "[ ] Heroin", "[ ] Cocaine powder"] {
        assert!(text.contains(below), "{below:?} after the errors:\n{text}");
    }
    let rows = rows(terminal.backend().buffer());
    let last_field_row = &rows[SMALL.1 as usize - 3];
    assert!(
        !last_field_row.trim_matches(['│', ' ']).is_empty(),
        "no blank rows at the bottom of the form:\n{text}"
    );
    assert!(
        rows[SMALL.1 as usize - 2].contains("more below"),
        "says there is more:\n{text}"
    );
}

#[test]
fn down_in_the_interventions_grid_moves_to_the_option_drawn_below() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[Action::RecordSession]);
    let editor = app.editor_mut().expect("the session form is open");
    editor.form.focus_key("interventions");
    let labels: Vec<String> = editor
        .form
        .field("interventions")
        .expect("interventions")
        .options()
        .iter()
        .map(|o| o.label.clone())
        .collect();
    let cursor = |app: &App| {
        let field = app.editor().unwrap().form.field("interventions");
        field.unwrap().checklist().unwrap().1
    };
    let place = |app: &App, index: usize| {
        let terminal = render(app, SMALL);
        let label = format!("] {}", &labels[index][..8.min(labels[index].len())]);
        find(terminal.backend().buffer(), &label).expect("option on screen")
    };
    let first = place(&app, 0);
    press(&mut app, &mut demo.store, KeyCode::Down);
    assert_eq!(cursor(&app), 2);
    let below = place(&app, 2);
    assert_eq!(below, (first.0, first.1 + 1), "Down: the option below");
    press(&mut app, &mut demo.store, KeyCode::Right);
    assert_eq!(cursor(&app), 3);
    let beside = place(&app, 3);
    assert_eq!(
        beside.1, below.1,
        "Right: the option beside, on the same row"
    );
    assert!(beside.0 > below.0);
}

/// The alerted client also safeguarding children, injecting now with no BBV test, and still
/// using heroin on OST at the last TOP: every letter a client can carry at once here.
fn flagged_everywhere() -> (TempDir, Store, Identity) {
    alerted_with(
        |c| {
            c.risk.safeguarding_children = true;
            c.injecting = InjectingStatus::Currently;
        },
        4.0,
    )
}

#[test]
fn every_flag_of_a_client_is_shown_at_80x24_and_explained() {
    let (_dir, store, identity) = flagged_everywhere();
    let app = new_app(&store, ThemeName::Default, identity, SMALL);
    let letters = keywork::app::help::flags(&app.caseload.rows[0]);
    assert!(letters.chars().count() >= 7, "{letters}");
    let terminal = render(&app, SMALL);
    insta::assert_snapshot!("every_flag_80x24", terminal.backend());
    let text = screen_text(terminal.backend().buffer());
    let row = text
        .lines()
        .find(|l| l.contains("KW-00007"))
        .expect("the client's row");
    assert!(row.contains(&letters), "{letters} whole in {row:?}");
    assert!(
        text.contains("more: ? help"),
        "the legend says where the rest is"
    );
}

/// The help lines a page shows, from its bottom border's "lines A-B of N".
fn shown_lines(rows: &[String]) -> Option<(usize, usize)> {
    let border = rows.iter().rev().find(|r| r.contains(" of "))?;
    let range = border.split("lines ").nth(1)?.split(" of ").next()?;
    let (a, b) = range.split_once('-')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

/// tmux's status line takes a row of an 80x24 window (the SSH and PuTTY default), leaving 80x23:
/// the four panes are drawn there, and one row or column less is the "too small" notice.
#[test]
fn the_smallest_screen_is_80x23_the_panes_in_tmux_in_an_80x24_window() {
    let demo = Demo::new();
    let app = demo.app(ThemeName::Default, TMUX);
    let terminal = render(&app, TMUX);
    insta::assert_snapshot!("main_80x23", terminal.backend());
    let text = screen_text(terminal.backend().buffer());
    for pane in [
        "1 Caseload",
        "2 Next reviews",
        "3 Readiness",
        "4 Recovery plan",
    ] {
        assert!(text.contains(pane), "{pane} at 80x23:\n{text}");
    }
    for size in [(79, 23), (80, 22)] {
        let app = demo.app(ThemeName::Default, size);
        let text = screen_text(render(&app, size).backend().buffer());
        assert!(
            text.contains(&format!(
                "terminal too small: need 80x23, have {}x{}",
                size.0, size.1
            )),
            "{text}"
        );
    }
}

#[test]
fn help_at_80x24_wraps_every_line_and_cuts_none() {
    help_wraps_every_line_and_cuts_none(SMALL);
}

#[test]
fn help_at_80x23_wraps_every_line_and_cuts_none() {
    help_wraps_every_line_and_cuts_none(TMUX);
}

fn help_wraps_every_line_and_cuts_none(size: (u16, u16)) {
    let mut demo = Demo::new();
    let mut app = demo.app(ThemeName::Default, size);
    act(&mut app, &mut demo.store, &[Action::ToggleHelp]);
    let mut seen = String::new();
    // Page through the whole help (it grows with the keymap), keeping each help line once: the
    // last page down stops at the end and shows lines already seen, which would part a binding
    // wrapped across the page before from its end.
    let mut last_kept = 0;
    for _ in 0..12 {
        let terminal = render(&app, size);
        let all = rows(terminal.backend().buffer());
        // Below the header (whose service name is shortened as it always was).
        for row in all.iter().skip(1) {
            assert!(!row.contains('…'), "cut: {row:?}");
        }
        let (first, last) = shown_lines(&all).expect("the help's border says which lines");
        for (number, row) in (first..=last).zip(all.iter().skip(2)) {
            if number > last_kept {
                seen.push_str(row);
                seen.push('\n');
            }
        }
        last_kept = last_kept.max(last);
        act(&mut app, &mut demo.store, &[Action::PageDown]);
    }
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let seen = words(&seen.replace('│', " "));
    for binding in KEYMAP {
        assert!(
            seen.contains(&words(binding.help)),
            "{:?} whole",
            binding.help
        );
    }
}

#[test]
fn the_alert_form_wraps_a_long_choice_at_80x24() {
    let (_dir, mut store, identity) = alerted();
    let mut app = new_app(&store, ThemeName::Default, identity, SMALL);
    act(&mut app, &mut store, &[Action::Acknowledge]);
    let terminal = render(&app, SMALL);
    insta::assert_snapshot!("acknowledge_form_80x24", terminal.backend());
    let form = &app.editor().expect("the form is open").form;
    let field = form.field("alert").expect("alert field");
    let chosen = &field.options()[field.picked().expect("one chosen")].label;
    let text = words_on_screen(terminal.backend().buffer());
    assert!(
        text.contains(chosen.as_str()),
        "{chosen:?} whole in:\n{text}"
    );
}

#[test]
fn the_session_form_wraps_a_long_goal_at_80x24() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[Action::RecordSession]);
    let editor = app.editor_mut().expect("the session form is open");
    let goal = editor
        .form
        .fields
        .iter()
        .map(|f| f.spec.key.clone())
        .filter(|k| k.starts_with("goal:"))
        .max_by_key(|k| editor.form.field(k).unwrap().spec.label.len())
        .expect("the client has goals");
    editor.form.focus_key(&goal);
    let label = editor.form.field(&goal).unwrap().spec.label.clone();
    assert!(label.len() > 76, "a goal longer than the form: {label:?}");
    let terminal = render(&app, SMALL);
    insta::assert_snapshot!("session_form_long_goal_80x24", terminal.backend());
    let text = words_on_screen(terminal.backend().buffer());
    assert!(text.contains(&label), "{label:?} whole in:\n{text}");
}

/// The screen's words in reading order, borders and line ends as single spaces: text wrapped
/// over rows reads as one.
fn words_on_screen(buffer: &Buffer) -> String {
    let text = screen_text(buffer).replace(['│', '▶', '◀'], " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A list longer than its pane says so on its right border: ▼ while rows lie below, ▲ once rows
/// lie above (the most overdue, scrolled out of sight), neither where there are none.
#[test]
fn a_scrolled_caseload_marks_rows_above_and_below_on_its_border() {
    let mut demo = Demo::new();
    let mut app = demo.small_app(&[]);
    let caseload_right = |app: &App| {
        let terminal = render(app, SMALL);
        let all = rows(terminal.backend().buffer());
        // The caseload's right border (the column of its top-right corner), and its bottom
        // border, where ▼ sits by the corner.
        let column = all[1].chars().position(|c| c == '┐').expect("corner");
        let bottom = all
            .iter()
            .find(|row| row.chars().nth(column) == Some('┘'))
            .expect("bottom corner");
        let border: String = all
            .iter()
            .map(|row| row.chars().nth(column).unwrap_or(' '))
            .collect();
        format!(
            "{border} {}",
            bottom.chars().take(column).collect::<String>()
        )
    };
    assert!(
        app.caseload.rows.len() > app.viewport.caseload,
        "a long list"
    );
    let top = caseload_right(&app);
    assert!(top.contains('▼') && !top.contains('▲'), "{top:?}");
    act(&mut app, &mut demo.store, &[Action::Last]);
    let bottom = caseload_right(&app);
    assert!(bottom.contains('▲') && !bottom.contains('▼'), "{bottom:?}");
    act(&mut app, &mut demo.store, &[Action::PageUp]);
    let middle = caseload_right(&app);
    assert!(middle.contains('▲') || middle.contains('▼'), "{middle:?}");
}
