//! Keeping an open screen current cheaply: after a colleague's save only the clients it touched
//! are read again, with the same result as reading everything; and while a key is held the lower
//! panes wait for a pause.

#[path = "common/fixture.rs"]
mod fixture;

use fixture::today;
use keywork::app::{Action, App, Identity};
use keywork::clock::Clock;
use keywork::config::Settings;
use keywork::demo::{self, Plan};
use keywork::domain::Login;
use keywork::store::{Access, Changes, Store};
use ratatui::layout::Size;
use rusqlite::Connection;
use std::path::Path;

fn open(path: &Path) -> Store {
    Store::open_unchecked(
        path,
        Access::Write,
        Clock::fixed(today()),
        Login::new("tester").unwrap(),
    )
    .unwrap()
}

fn service(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("service.db");
    let mut store = Store::open_unchecked(
        &path,
        Access::Create,
        Clock::fixed(today()),
        Login::new("tester").unwrap(),
    )
    .unwrap();
    demo::generate(&mut store, Plan::default()).unwrap();
    path
}

/// The team view, as a prescriber or someone not on the team opens it.
fn team_view(store: &Store) -> App {
    let identity = Identity {
        login: "tester".into(),
        worker: None,
        demo_persona: false,
    };
    let viewport = keywork::ui::viewport(Size::new(120, 40));
    App::new(store, Settings::default(), identity, viewport).unwrap()
}

/// A colleague's saves, made straight in the file as another process would: a session marked in
/// error, a review completed, a client discharged, none of them `spared`. Returns the three
/// clients' ids.
fn colleague_saves(path: &Path, spared: i64) -> [i64; 3] {
    let conn = Connection::open(path).unwrap();
    let ids: Vec<i64> = conn
        .prepare(
            "SELECT id FROM clients WHERE status = 'active' AND id <> ?1 ORDER BY id LIMIT 3 OFFSET 2",
        )
        .unwrap()
        .query_map([spared], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    conn.execute(
        "UPDATE sessions SET in_error_at = '2026-11-23T10:00:00Z', in_error_by = 'tester',
                in_error_reason = 'wrong client'
         WHERE id = (SELECT max(id) FROM sessions WHERE client_id = ?1)",
        [ids[0]],
    )
    .unwrap();
    conn.execute(
        "UPDATE reviews SET completed_on = '2026-11-23'
         WHERE id = (SELECT max(id) FROM reviews WHERE client_id = ?1)",
        [ids[1]],
    )
    .unwrap();
    conn.execute(
        "UPDATE clients SET status = 'discharged', status_since = '2026-11-23' WHERE id = ?1",
        [ids[2]],
    )
    .unwrap();
    [ids[0], ids[1], ids[2]]
}

#[test]
fn reloading_only_the_changed_clients_gives_what_reloading_everything_gives() {
    let dir = tempfile::tempdir().unwrap();
    let path = service(dir.path());
    let store = open(&path);
    let mut app = team_view(&store);
    let mut store = store;
    for _ in 0..5 {
        app.update(Action::Down, &mut store).unwrap();
    }
    let selected = app.selected_client.expect("a client selected");
    let before = store.change_seq().unwrap();

    let changed = colleague_saves(&path, selected);
    let (changes, latest) = store.changes_since(before).unwrap();
    let mut expected = changed.to_vec();
    expected.sort_unstable();
    assert_eq!(changes, Changes::Clients(expected.clone()));
    assert!(latest > before);
    app.reload_clients(&store, &expected).unwrap();

    let fresh = team_view(&store);
    assert!(app.caseload.rows == fresh.caseload.rows, "caseload rows");
    assert_eq!(app.caseload_total, fresh.caseload_total);
    assert!(app.reviews.rows == fresh.reviews.rows, "next reviews");
    assert!(
        !app.caseload.rows.iter().any(|r| r.client_id == changed[2]),
        "the discharged client left the active caseload"
    );
    assert_eq!(
        app.selected_client,
        Some(selected),
        "the selection stays put"
    );
    assert_eq!(store.changes_since(latest).unwrap().0, Changes::None);
}

#[test]
fn a_change_to_the_team_list_reloads_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = service(dir.path());
    let store = open(&path);
    let before = store.change_seq().unwrap();
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE workers SET display_name = 'Alex Morgan-Lee' WHERE id = 1",
            [],
        )
        .unwrap();
    assert_eq!(store.changes_since(before).unwrap().0, Changes::Everything);
}

#[test]
fn held_steps_leave_the_lower_panes_until_another_key_or_a_pause() {
    let dir = tempfile::tempdir().unwrap();
    let path = service(dir.path());
    let mut store = open(&path);
    let mut app = team_view(&store);
    app.details.defer = true;
    let first = app.selected_client;
    let first_notes = app.readiness.rows.clone();
    for _ in 0..3 {
        app.update(Action::Down, &mut store).unwrap();
    }
    assert_ne!(app.selected_client, first, "the selection moves at once");
    assert!(app.details_pending());
    assert!(app.readiness.rows == first_notes, "the notes wait");

    // Another kind of key acts on what the panes show, so they catch up first.
    app.update(Action::ToggleHelp, &mut store).unwrap();
    assert!(!app.details_pending());
    let selected = app.selected_client.unwrap();
    assert!(app.readiness.rows == store.readiness_in_force(selected).unwrap());

    app.update(Action::ToggleHelp, &mut store).unwrap();
    app.update(Action::Down, &mut store).unwrap();
    assert!(app.settle(&store).unwrap(), "a pause loads them");
    assert!(!app.settle(&store).unwrap(), "and only once");
    let selected = app.selected_client.unwrap();
    assert!(app.readiness.rows == store.readiness_in_force(selected).unwrap());
}

/// A key worker's own save reloads only the clients it touched, not the whole service: a
/// colleague's earlier save to another client, which the screen has not yet been told of, is not
/// read by it (the screen's watch on the file brings that one), while the saved client's row and
/// the next reviews are what a full reload gives.
#[test]
fn a_save_reloads_the_clients_it_changed_and_only_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = service(dir.path());
    let login = Login::new(demo::FIRST_KEY_WORKER).unwrap();
    let mut store =
        Store::open_unchecked(&path, Access::Write, Clock::fixed(today()), login.clone()).unwrap();
    let worker = store
        .worker_by_login(&login)
        .unwrap()
        .expect("the demo's key worker");
    let identity = Identity {
        login: login.to_string(),
        worker: Some(worker),
        demo_persona: false,
    };
    let viewport = keywork::ui::viewport(Size::new(120, 40));
    let mut app = App::new(&store, Settings::default(), identity.clone(), viewport).unwrap();
    app.update(Action::ToggleScope, &mut store).unwrap();
    for _ in 0..3 {
        app.update(Action::Down, &mut store).unwrap();
    }
    let saved_for = app.selected_client.expect("a client selected");
    let [colleagues, ..] = colleague_saves(&path, saved_for);
    let stale = app
        .caseload
        .rows
        .iter()
        .find(|r| r.client_id == colleagues)
        .cloned();

    app.update(Action::RecordSession, &mut store).unwrap();
    app.paste("Talked through the week; no use since Friday.");
    app.update(Action::Save, &mut store).unwrap();
    assert!(app.editor().is_none(), "saved: {:?}", app.message);

    let mut fresh = App::new(&store, Settings::default(), identity, viewport).unwrap();
    fresh.update(Action::ToggleScope, &mut store).unwrap();
    let row = |app: &App, id: i64| {
        app.caseload
            .rows
            .iter()
            .find(|r| r.client_id == id)
            .cloned()
    };
    assert!(
        row(&app, saved_for) == row(&fresh, saved_for),
        "the saved client's row is read again"
    );
    assert!(
        row(&app, colleagues) == stale,
        "the colleague's client is left for the file watch to bring"
    );
    assert!(
        row(&fresh, colleagues) != stale,
        "the colleague's save changed that row (else this test shows nothing)"
    );
}
