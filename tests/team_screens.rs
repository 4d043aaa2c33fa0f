//! The team's rules as a worker meets them on screen: the real binary in a pseudo-terminal.
//! Read-only runs say so on every form key; a record opened is noted in the audit; a file held
//! by a colleague's long write still opens.

mod common;

use common::{Session, TODAY, footer};
use crossterm::event::KeyCode;
use keywork::app::keymap::{Action, KEYMAP};
use std::path::Path;
use std::process::Command;

/// The keys that open a form, read from the one keymap table.
fn form_keys() -> Vec<char> {
    let forms = [
        Action::RecordSession,
        Action::RecordDna,
        Action::AddReadiness,
        Action::AddGoal,
        Action::NewClient,
        Action::Edit,
        Action::CompleteReview,
        Action::RecordTop,
        Action::Acknowledge,
    ];
    let keys: Vec<char> = KEYMAP
        .iter()
        .filter(|b| forms.contains(&b.action))
        .filter_map(|b| match b.keys.first()?.code {
            KeyCode::Char(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(
        keys.len(),
        forms.len(),
        "every form action has a letter key"
    );
    keys
}

/// Presses each form key on the panes: none may open a form, and each says why.
fn assert_every_form_key_refused(session: &mut Session, why: &str) {
    for key in form_keys() {
        session.send(key.to_string().as_bytes());
        session.wait_quiet();
        let text = session.text();
        assert!(
            text.contains(why),
            "key {key} should say {why:?}; screen:\n{text}"
        );
        assert!(
            !text.contains("Ctrl-S save"),
            "key {key} opened a form:\n{text}"
        );
        // Esc clears anything the key left behind, back to the panes.
        session.send(b"\x1b");
        session.wait_quiet();
    }
}

#[test]
fn read_only_flag_makes_every_form_key_say_so_on_the_demo() {
    let mut session = Session::spawn(&["--demo", "--today", TODAY, "--read-only"], &[]);
    session.wait_for_panes();
    session.wait_for("the footer says so from the start", |screen| {
        footer(screen).contains("Read-only")
    });
    assert_every_form_key_refused(&mut session, "read-only (--read-only)");
    session.send(b"q");
    session.wait_exit();
    session.assert_restored();
}

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

#[test]
fn a_login_not_on_the_team_reads_everything_and_is_told_how_to_join() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    generate(&db);
    let mut session = Session::on_db(&db);
    session.wait_for_panes();
    // The exact command a team lead runs is on screen.
    session.wait_for_text("keywork worker add --login");
    assert!(session.text().contains("not on the team"));
    assert_every_form_key_refused(&mut session, "is not on the team list");
    session.send(b"q");
    session.wait_exit();
}

/// The `view` rows in the audit of the database at `db`.
fn view_rows(db: &Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT login, record_id FROM audit WHERE action = 'view' ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn opening_a_record_is_noted_once_in_the_audit_and_shown_at_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    generate(&db);
    let mut session = Session::on_db(&db);
    session.wait_for_panes();
    for _ in 0..2 {
        session.send(b"\r");
        session.wait_for_text("Client record");
        session.send(b"\x1b");
        session.wait_for_panes();
    }
    session.send(b"\r");
    session.wait_for_text("Client record");
    session.send(b"G");
    session.wait_for_text("Audit");
    assert!(
        session.text().contains("viewed client"),
        "the record's own trail shows the look:\n{}",
        session.text()
    );
    session.send(b"q");
    session.wait_exit();
    let views = view_rows(&db);
    assert_eq!(
        views.len(),
        1,
        "three opens within the hour are one row: {views:?}"
    );
}

#[test]
fn the_screens_open_while_a_colleague_holds_the_file_in_a_long_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    generate(&db);
    // Another process would hold this lock; SQLite's locks work between connections the same.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE key = 'demo';")
        .unwrap();
    let mut session = Session::on_db(&db);
    session.wait_for_panes();
    assert!(
        session.text().contains("1 Caseload"),
        "the panes show what can be read"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    session.send(b"q");
    session.wait_exit();
    session.assert_restored();
}

#[test]
fn x_writes_the_selected_clients_record_to_a_new_owner_only_file_here() {
    let mut session = Session::demo(&[]);
    session.wait_for_panes();
    session.send(b"x");
    session.wait_for_text("Export to a file in the current directory");
    session.send(b"\x13"); // Ctrl-S
    session.wait_for("the footer names the file", |screen| {
        footer(screen).contains("Written to") && footer(screen).contains("-record.html")
    });
    // A second export of the same takes a new name rather than writing over the first.
    session.send(b"x");
    session.wait_for_text("Export to a file in the current directory");
    session.send(b"\x13");
    session.wait_for("a second file", |screen| {
        footer(screen).contains("-record-2.html")
    });
    session.send(b"q");
    session.wait_exit();
    let files: Vec<_> = std::fs::read_dir(session.home())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".html"))
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    for file in &files {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
        let html = std::fs::read_to_string(file).unwrap();
        assert!(html.contains("<html") && !html.contains("<script"));
    }
}
