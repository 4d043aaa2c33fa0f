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
    session.send(b"q");
    session.wait_exit();
}
