//! Find and `keywork open` as a worker meets them: the real binary in a pseudo-terminal, on a
//! generated service (seed 42, 2026-11-23). The login running the tests is not on that team, so
//! the screens open on the team's caseload.

mod common;

use common::{Session, TODAY, rows, selected_row};
use std::path::Path;
use std::process::Command;

fn generate(db: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY, "generate", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The caseload row holding the selection marker, as text.
fn selected_line(session: &Session) -> String {
    let screen = session.screen();
    selected_row(screen)
        .map(|y| rows(screen)[y].clone())
        .unwrap_or_default()
}

/// A client to find, read from the generated file so the test follows the generator: the first
/// from KW-00016 on whose family name's first four letters find no other client. Its reference,
/// name and those letters.
fn findable(db: &Path) -> (String, String, String) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT reference, given_name || ' ' || family_name, lower(substr(family_name, 1, 4)) AS l
         FROM clients c WHERE reference >= 'KW-00016'
           AND NOT EXISTS (SELECT 1 FROM clients o WHERE o.id <> c.id
               AND instr(lower(o.given_name || ' ' || o.family_name || ' '
                               || coalesce(o.preferred_name, '')), lower(substr(c.family_name, 1, 4))) > 0)
         ORDER BY reference LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .expect("a client with a family name four letters find alone")
}

#[test]
fn slash_four_letters_of_a_family_name_and_enter_selects_that_client() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    generate(&db);
    let (reference, name, letters) = findable(&db);
    let mut session = Session::on_db(&db);
    session.wait_for_panes();
    session.wait_for_text("team caseload");
    if selected_line(&session).contains(&reference) {
        // Away from it first, so the find is what selects it.
        session.send(b"j");
        session.wait_for("the marker moved off the client", |screen| {
            selected_row(screen).is_some_and(|y| !rows(screen)[y].contains(&reference))
        });
    }
    // The keystrokes: `/`, four letters, Enter.
    session.send(b"/");
    session.wait_for_text("Find:");
    session.send(letters.as_bytes());
    session.wait_for_text(&format!("/ {letters}"));
    session.send(b"\r");
    session.wait_for("the marker on the client's row", |screen| {
        selected_row(screen).is_some_and(|y| rows(screen)[y].contains(&reference))
    });
    assert!(
        selected_line(&session).contains(&name),
        "{}",
        session.text()
    );
    session.send(b"q");
    session.wait_exit();
    session.assert_restored();
}

#[test]
fn keywork_open_starts_on_that_clients_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    generate(&db);
    // An active client (the caseload lists active clients), read from the file so the test
    // follows the generator.
    let reference: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT reference FROM clients WHERE status = 'active' AND reference >= 'KW-00016'
             ORDER BY reference LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let db = db.to_str().unwrap();
    let mut session = Session::spawn(&["--db", db, "--today", TODAY, "open", &reference], &[]);
    session.wait_for_text("Client record");
    assert!(session.text().contains(&reference), "{}", session.text());
    // Esc goes back to the caseload, pointing at the same client.
    session.send(b"\x1b");
    session.wait_for_panes();
    // A frame can arrive in several reads: wait for the whole of it, not the first titles.
    session.wait_for("the caseload pointing at the same client", |screen| {
        selected_row(screen).is_some_and(|y| rows(screen)[y].contains(&reference))
    });
    session.send(b"q");
    session.wait_exit();
}

#[test]
fn keywork_open_with_an_unknown_reference_is_one_line_on_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    generate(&db);
    let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY, "--db", db.to_str().unwrap()])
        .args(["open", "KW-99999"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, "keywork: open: no client KW-99999\n");
    assert!(out.stdout.is_empty(), "nothing drawn");
}
