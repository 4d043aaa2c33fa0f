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

#[test]
fn slash_four_letters_of_a_family_name_and_enter_selects_that_client() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    generate(&db);
    let mut session = Session::on_db(&db);
    session.wait_for_panes();
    session.wait_for_text("team caseload");
    assert!(
        !selected_line(&session).contains("KW-00016"),
        "Ellie Kestrel is not selected to begin with"
    );
    // The keystrokes: `/`, `kest`, Enter.
    session.send(b"/");
    session.wait_for_text("Find:");
    session.send(b"kest");
    session.wait_for_text("/ kest");
    session.send(b"\r");
    session.wait_for("the marker on KW-00016's row", |screen| {
        selected_row(screen).is_some_and(|y| rows(screen)[y].contains("KW-00016"))
    });
    assert!(
        selected_line(&session).contains("Ellie Kestrel"),
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
    let db = db.to_str().unwrap();
    let mut session = Session::spawn(&["--db", db, "--today", TODAY, "open", "KW-00016"], &[]);
    session.wait_for_text("Client record");
    assert!(session.text().contains("KW-00016"), "{}", session.text());
    // Esc goes back to the caseload, pointing at the same client.
    session.send(b"\x1b");
    session.wait_for_panes();
    assert!(selected_line(&session).contains("KW-00016"));
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
