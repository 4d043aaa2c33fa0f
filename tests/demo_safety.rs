//! A live demo in front of a class: `--demo --read-only` refuses every key that opens a form
//! (taken from the keymap table, so a new form key is covered without touching this test), and
//! the DEMO banner stays on every screen, forms and help and the record included.

mod common;

use common::{Session, TODAY, panes_shown, rows};
use crossterm::event::KeyCode;
use keywork::app::keymap::{Binding, Context, KEYMAP, Key, Pane};

/// The bytes a terminal sends for `key`.
fn bytes(key: &Key) -> Vec<u8> {
    match (key.code, key.ctrl) {
        (KeyCode::Char(c), true) => vec![(c.to_ascii_lowercase() as u8) & 0x1f],
        (KeyCode::Char(c), false) => c.to_string().into_bytes(),
        (KeyCode::Enter, _) => b"\r".to_vec(),
        (KeyCode::Esc, _) => b"\x1b".to_vec(),
        (KeyCode::Tab, _) => b"\t".to_vec(),
        (KeyCode::BackTab, _) => b"\x1b[Z".to_vec(),
        (KeyCode::Up, _) => b"\x1b[A".to_vec(),
        (KeyCode::Down, _) => b"\x1b[B".to_vec(),
        (KeyCode::Right, _) => b"\x1b[C".to_vec(),
        (KeyCode::Left, _) => b"\x1b[D".to_vec(),
        (KeyCode::Home, _) => b"\x1b[H".to_vec(),
        (KeyCode::End, _) => b"\x1b[F".to_vec(),
        (KeyCode::PageUp, _) => b"\x1b[5~".to_vec(),
        (KeyCode::PageDown, _) => b"\x1b[6~".to_vec(),
        (other, _) => panic!("no bytes known for {other:?}: add them here"),
    }
}

/// Where a binding's key is pressed: a pane of the main screen, or the client record.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    Pane(Pane),
    Record,
}

fn places(context: &Context) -> Vec<Place> {
    match context {
        Context::Panes | Context::Anywhere => Pane::ALL.into_iter().map(Place::Pane).collect(),
        Context::Pane(pane) => vec![Place::Pane(*pane)],
        Context::Reader => vec![Place::Record],
        // Form keys open forms from the panes and the record; other contexts have none.
        _ => Vec::new(),
    }
}

fn banner_shown(session: &Session) -> bool {
    rows(session.screen())
        .first()
        .is_some_and(|top| top.contains(" DEMO "))
}

/// A form is open: its footer offers to save.
fn form_open(session: &Session) -> bool {
    footer_of(session.screen()).contains("save")
}

const REFUSED: &str = "read-only";

/// Goes to `place` from the main screen, ready for a key; the footer's message cleared.
fn go_to(session: &mut Session, place: Place) {
    match place {
        Place::Pane(pane) => {
            let key = pane.number().to_string();
            session.send(key.as_bytes());
        }
        Place::Record => {
            session.send(b"1\r");
            session.wait_for_text("Client record");
            // An entry selected, so that amending or marking it has something to act on.
            session.send(b"\t");
        }
    }
    session.wait_for("the footer's message cleared", |s| {
        !footer_of(s).contains(REFUSED)
    });
}

fn footer_of(screen: &vt100::Screen) -> String {
    common::footer(screen)
}

/// Back to the main screen from `place`.
fn come_back(session: &mut Session, place: Place) {
    if place == Place::Record {
        session.send(b"\x1b");
        session.wait_for("the panes again", panes_shown);
    }
}

fn form_bindings() -> Vec<&'static Binding> {
    KEYMAP.iter().filter(|b| b.action.opens_form()).collect()
}

#[test]
fn demo_read_only_refuses_every_form_key_in_every_place_it_works() {
    let mut session = Session::spawn(&["--demo", "--read-only", "--today", TODAY], &[]);
    session.wait_for_panes();
    let mut pressed = Vec::new();
    for binding in form_bindings() {
        for context in binding.contexts {
            for place in places(context) {
                for key in binding.keys {
                    go_to(&mut session, place);
                    session.send(&bytes(key));
                    let what =
                        format!("{} ({:?}) in {place:?} refused", key.name(), binding.action);
                    session.wait_for(&what, |s| footer_of(s).contains(REFUSED));
                    assert!(!form_open(&session), "{what}: a form opened");
                    assert!(banner_shown(&session), "{what}: no DEMO banner");
                    pressed.push(what);
                    come_back(&mut session, place);
                }
            }
        }
    }
    // Every form action of the table was tried, from each place it works.
    let actions: std::collections::BTreeSet<String> = form_bindings()
        .iter()
        .map(|b| format!("{:?}", b.action))
        .collect();
    assert!(
        actions.len() >= 10,
        "form actions in the keymap: {actions:?}"
    );
    for action in &actions {
        assert!(
            pressed.iter().any(|p| p.contains(&format!("({action})"))),
            "{action} never pressed: {pressed:#?}"
        );
    }
    session.send(b"q");
    session.wait_exit();
}

#[test]
fn the_demo_banner_is_on_forms_help_and_the_record() {
    let mut session = Session::demo(&[]);
    session.wait_for_panes();
    assert!(banner_shown(&session), "main screen");
    // Every form that opens from the caseload pane, each cancelled untouched.
    for binding in form_bindings() {
        if !binding.contexts.contains(&Context::Panes) {
            continue;
        }
        let key = &binding.keys[0];
        session.send(b"1");
        session.wait_for("the footer's hints", |s| footer_of(s).contains("help"));
        session.send(&bytes(key));
        let what = format!("{} ({:?})", key.name(), binding.action);
        // A form over the panes, or a message in place of the hints (a key worker asked to
        // prescribe).
        session.wait_for(&what, |s| !panes_shown(s) || !footer_of(s).contains("help"));
        assert!(banner_shown(&session), "{what}: no DEMO banner");
        if !panes_shown(session.screen()) {
            session.send(b"\x1b");
            session.wait_for_panes();
        }
    }
    session.send(b"?");
    session.wait_for_text("Help");
    assert!(banner_shown(&session), "help");
    session.send(b"\x1b");
    session.wait_for_panes();
    session.send(b"1\r");
    session.wait_for_text("Client record");
    assert!(banner_shown(&session), "record");
    session.send(b"\x1b");
    session.wait_for_panes();
    // A scenario client's record says which story it tells, under the name. Found by given and
    // family name: another client may draw the same family name.
    session.send(b"/paul hawth");
    session.wait_for_text("/ paul hawth");
    session.send(b"\r");
    session.wait_for_panes();
    session.send(b"\r");
    session.wait_for_text("Scenario: stable in medication-assisted recovery");
    assert!(
        session.text().contains("Paul Hawthorn"),
        "{}",
        session.text()
    );
    assert!(banner_shown(&session), "scenario record");
    session.send(b"\x1b");
    session.wait_for_panes();
    session.send(b"q");
    session.wait_exit();
}

#[test]
fn generate_shows_progress_on_a_terminal_without_naming_clients() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("g.db");
    let db = db.to_str().expect("UTF-8 path");
    let mut session = Session::spawn(&["generate", "--db", db, "--clients", "400"], &[]);
    session.wait_for_text("Generated a fictional service");
    assert!(session.wait_exit().success());
    let written = String::from_utf8_lossy(&session.raw).into_owned();
    assert!(written.contains("Generating"), "a progress bar: {written}");
    assert!(written.contains("/400 clients"), "a count: {written}");
    for scenario in keywork::demo::scenario::SCENARIOS {
        let named = written.contains(scenario.family_name);
        assert!(!named, "progress names no client: {written}");
    }
}

#[test]
fn reset_is_refused_while_the_teaching_database_is_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("teaching.db");
    let db_arg = db.to_str().expect("UTF-8 path");
    let keywork = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_keywork"))
            .args(args)
            .env_remove("KEYWORK_DB")
            .output()
            .expect("runs")
    };
    assert!(keywork(&["generate", "--db", db_arg]).status.success());
    let names = || {
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        names
    };
    let mut class = Session::on_db(&db);
    class.wait_for_panes();
    let before = names();
    let out = keywork(&["generate", "--db", db_arg, "--reset"]);
    assert!(!out.status.success(), "refused while open");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("nothing was changed"), "{said}");
    assert_eq!(names(), before, "nothing left beside it");
    class.send(b"q");
    assert!(class.wait_exit().success());
    assert!(
        keywork(&["generate", "--db", db_arg, "--reset"])
            .status
            .success()
    );
}
