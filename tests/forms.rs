//! Recording through the forms as a key worker does it: the real binary in a pseudo-terminal on a
//! database the test builds, keys typed from outside, and the result read back through
//! `keywork export` and the store's drafts.
//!
//! The program acts as the operating-system login running it, so each fixture puts that login on
//! the team as a key worker with clients of their own. Every wait polls the screen (or the
//! database) with a generous timeout; the one deliberate pause is the typing break before a
//! dropped connection, which is the situation under test.

#[path = "common/fixture.rs"]
mod fixture;

mod common;

use common::{Session, TODAY, footer, rows, selected_row};
use fixture::{date, me, name, today};
use keywork::clock::Clock;
use keywork::domain::{
    Client, Goal, GoalArea, GoalDomain, GoalStatus, Login, Role, Score, ShortText, Stored,
    Substance, Worker,
};
use keywork::store::{Access, Draft, Store};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const TAB: &[u8] = b"\t";
const ENTER: &[u8] = b"\r";
const ESC: &[u8] = b"\x1b";
const RIGHT: &[u8] = b"\x1b[C";
const CTRL_S: &[u8] = b"\x13";
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Waits in these tests may cover a save, a reload and a redraw on a busy machine.
const TIMEOUT: Duration = Duration::from_secs(15);

const GOAL_WORDS: &str = "Find somewhere settled to live";

// ---------------------------------------------------------------------------------------------
// The database
// ---------------------------------------------------------------------------------------------

fn client(number: u32, given: &str, family: &str, key_worker_id: i64) -> Client {
    Client {
        given_name: name(given),
        family_name: name(family),
        primary_substance: Substance::Alcohol,
        ..fixture::client(number, key_worker_id)
    }
}

/// A database where the login running the tests is a key worker with two active clients; the
/// first has one active housing goal at 3/10, the second has no sessions at all. Not
/// `fixture::Fixture`: the binary opens this file as the test's own login (so it is a training
/// database), and the drafts tests need two clients and a goal.
struct Fixture {
    _dir: tempfile::TempDir,
    db: PathBuf,
    login: Login,
    client_ids: [i64; 2],
    goal_id: i64,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("caseload.db");
    let login = me();
    let mut store =
        Store::open_unchecked(&db, Access::Create, Clock::fixed(today()), login.clone())
            .expect("create the database");
    let (client_ids, goal_id) = store
        .write(|w| {
            // A fictional training service, so the binary may record in it with `--today`.
            w.set_meta(keywork::store::META_DEMO, "1")?;
            let worker_id = w.insert(&Worker {
                login: login.clone(),
                display_name: name("Sam Okoro"),
                role: Role::KeyWorker,
            })?;
            let first = w.insert(&client(1, "Dana", "Reyes", worker_id))?;
            let second = w.insert(&client(2, "Lee", "Marsh", worker_id))?;
            let goal_id = w.insert(&Goal {
                client_id: first,
                area: GoalArea::new(GoalDomain::Housing, None).expect("a housing goal"),
                in_own_words: ShortText::new(GOAL_WORDS).expect("valid words"),
                why_it_matters: None,
                set_on: date(2026, 10, 1),
                target_date: None,
                status: GoalStatus::Active,
                progress: Score::new(3).expect("valid score"),
            })?;
            Ok(([first, second], goal_id))
        })
        .expect("write the fixture");
    Fixture {
        _dir: dir,
        db,
        login,
        client_ids,
        goal_id,
    }
}

impl Fixture {
    /// The login's drafts, read from the file as it is now.
    fn drafts(&self) -> Vec<Stored<Draft>> {
        let store = Store::open_unchecked(
            &self.db,
            Access::Read,
            Clock::fixed(today()),
            self.login.clone(),
        )
        .expect("open the database to read drafts");
        store.drafts(&self.login).expect("read drafts")
    }

    /// Waits (polling the file) until the login has a draft whose note reads `note`.
    fn wait_for_draft_note(&self, note: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let drafts = self.drafts();
            if drafts.iter().any(|d| d.record.content["note"] == note) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {TIMEOUT:?} waiting for a draft with the note {note:?}; drafts: {:?}",
                drafts.iter().map(|d| &d.record.content).collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn export(&self) -> Value {
        let out = keywork(&self.db, &["export", "--format", "json"]);
        assert!(out.status.success(), "export failed: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("the export is JSON")
    }

    /// The binary in a pseudo-terminal on this database, showing my caseload.
    fn start(&self) -> Session {
        let mut s = Session::on_db(&self.db);
        s.timeout = TIMEOUT;
        s.wait_for_panes();
        s.wait_for_text("my caseload");
        s
    }
}

/// Runs the binary's command line on `db` on the fixed day.
fn keywork(db: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("temporary home directory");
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(args)
        .args(["--db", db.to_str().expect("UTF-8 path"), "--today", TODAY])
        .env_remove("KEYWORK_DB")
        .env_remove("KEYWORK_CONFIG")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .expect("run keywork")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn array<'a>(export: &'a Value, name: &str) -> &'a Vec<Value> {
    export[name]
        .as_array()
        .unwrap_or_else(|| panic!("the export has no {name} array"))
}

// ---------------------------------------------------------------------------------------------
// The screen
// ---------------------------------------------------------------------------------------------

/// The screen row holding `text`, if any.
fn row_with(screen: &vt100::Screen, text: &str) -> Option<String> {
    rows(screen).into_iter().find(|row| row.contains(text))
}

/// Waits until the row holding `label` also holds `value`.
fn wait_for_field(s: &mut Session, label: &str, value: &str) {
    s.wait_for(&format!("{label} to show {value:?}"), |screen| {
        row_with(screen, label).is_some_and(|row| row.contains(value))
    });
}

/// Presses `s` on the selected client and waits for the session form, cursor in the note.
fn open_session_form(s: &mut Session, reference: &str) {
    s.send(b"s");
    s.wait_for_text(&format!("Record session: {reference}"));
    s.wait_for("the cursor in the note", |screen| {
        row_with(screen, "Note (").is_some_and(|row| row.contains("▶Note ("))
    });
}

/// Saves the open form and waits for the footer to say so.
fn save_and_wait(s: &mut Session, message: &str) {
    s.send(CTRL_S);
    s.wait_for(&format!("{message:?} in the footer"), |screen| {
        footer(screen).contains(message)
    });
}

/// Presses `q` on the panes and waits for a clean exit.
fn quit(s: &mut Session) {
    s.wait_for_panes();
    s.send(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "q should exit successfully: {status}");
    s.assert_restored();
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn recording_a_session_with_interventions_and_goal_progress_shows_in_the_export() {
    let f = fixture();
    let mut s = f.start();
    open_session_form(&mut s, "KW-00001");

    s.send(b"Talked about the weekend.");
    s.send(ENTER);
    s.send(b"Agreed to try the Tuesday group.");
    s.wait_for_text("Agreed to try the Tuesday group.");
    s.wait_for_text("Talked about the weekend.");

    // When, kind, minutes, attendance, then the checklist of interventions.
    for _ in 0..5 {
        s.send(TAB);
    }
    s.wait_for_text("Space ticks, arrows move");
    s.send(b" ");
    s.wait_for_text("[x] Motivational interviewing");
    // The second option is beside the first in the grid.
    s.send(RIGHT);
    s.send(b" ");
    s.wait_for_text("[x] CBT / relapse prevention");

    // Stage, importance, confidence, readiness, then the goal.
    for _ in 0..5 {
        s.send(TAB);
    }
    s.wait_for("the cursor on the goal's line", |screen| {
        row_with(screen, "(now 3/10").is_some_and(|row| row.contains("▶Goal: "))
    });
    s.send(b"6");
    // The goal's label is long, so it wraps whole and its value sits on the row under it.
    s.wait_for("the goal's new score under its label", |screen| {
        let rows: Vec<String> = screen.rows(0, 80).collect();
        rows.iter()
            .position(|row| row.contains("achieved)"))
            .and_then(|at| rows.get(at + 1))
            .is_some_and(|row| row.trim_matches(|c| c == '│' || c == ' ') == "6")
    });
    save_and_wait(&mut s, "Session saved, 1 goal updated.");
    quit(&mut s);

    let export = f.export();
    let sessions = array(&export, "sessions");
    assert_eq!(sessions.len(), 1, "one session: {sessions:?}");
    let session = &sessions[0];
    assert_eq!(session["client_id"], f.client_ids[0]);
    assert_eq!(
        session["note"],
        "Talked about the weekend.\nAgreed to try the Tuesday group."
    );
    assert_eq!(session["attendance"], "attended");
    assert_eq!(session["kind"], "key_work");
    let interventions: BTreeSet<&str> = session["interventions"]
        .as_array()
        .expect("interventions are a list")
        .iter()
        .map(|i| i.as_str().expect("a code"))
        .collect();
    assert_eq!(
        interventions,
        BTreeSet::from(["motivational_interviewing", "relapse_prevention"])
    );

    let goals = array(&export, "goals");
    assert_eq!(goals.len(), 1);
    assert_eq!(goals[0]["id"], f.goal_id);
    assert_eq!(goals[0]["progress"], 6);
    assert_eq!(goals[0]["status"], "active");
    assert_eq!(goals[0]["row_version"], 2, "one update of the goal");

    let audit = array(&export, "audit");
    let has = |action: &str, record_type: &str, id: &Value| {
        audit.iter().any(|e| {
            e["action"] == action && e["record_type"] == record_type && e["record_id"] == *id
        })
    };
    assert!(
        has("create", "session", &session["id"]),
        "the session's creation is audited: {audit:?}"
    );
    assert!(
        has("update", "goal", &Value::from(f.goal_id)),
        "the goal's update is audited: {audit:?}"
    );
    let audit_text = serde_json::to_string(audit).unwrap();
    for words in ["weekend", "Tuesday group"] {
        assert!(
            !audit_text.contains(words),
            "the audit copies note text ({words:?}): {audit_text}"
        );
    }
    assert!(f.drafts().is_empty(), "a saved form leaves no draft");
}

/// The keystrokes besides the note: `s` to open, Enter for the note's second line (which is part
/// of the note), Ctrl-S to save. Everything else has a default that fits the usual session.
#[test]
fn typical_session_needs_three_keys_besides_the_note() {
    let f = fixture();
    let mut s = f.start();
    open_session_form(&mut s, "KW-00001");
    s.send(b"First line.");
    s.send(ENTER);
    s.send(b"Second line.");
    s.wait_for_text("Second line.");
    save_and_wait(&mut s, "Session saved.");
    quit(&mut s);

    let export = f.export();
    let sessions = array(&export, "sessions");
    assert_eq!(sessions.len(), 1, "one session: {sessions:?}");
    assert_eq!(sessions[0]["client_id"], f.client_ids[0]);
    assert_eq!(sessions[0]["note"], "First line.\nSecond line.");
    assert_eq!(sessions[0]["kind"], "key_work");
    assert_eq!(sessions[0]["attendance"], "attended");
    assert_eq!(
        sessions[0]["started_at"], "2026-11-23T12:00:00",
        "now, on the fixed clock"
    );
    assert_eq!(
        array(&export, "goals")[0]["row_version"],
        1,
        "a blank goal line leaves the goal alone"
    );
}

#[test]
fn cancelling_a_dirty_form_asks_and_writes_nothing() {
    let f = fixture();
    let before = array(&f.export(), "sessions").len();
    let mut s = f.start();
    open_session_form(&mut s, "KW-00001");
    s.send(b"Not sure this should be kept");
    s.wait_for_text("Not sure this should be kept");

    s.send(ESC);
    s.wait_for_text("Discard what you typed?");
    s.send(b"n");
    s.wait_for("the form again, the question gone", |screen| {
        let text = screen.contents();
        !text.contains("Discard what you typed?")
            && text.contains("Record session: KW-00001")
            && text.contains("Not sure this should be kept")
    });

    // Enter, the key most likely pressed without reading, keeps the form too.
    s.send(ESC);
    s.wait_for_text("Discard what you typed?");
    s.send(ENTER);
    s.wait_for("the form kept after Enter", |screen| {
        let text = screen.contents();
        !text.contains("Discard what you typed?") && text.contains("Not sure this should be kept")
    });

    s.send(ESC);
    s.wait_for_text("Discard what you typed?");
    s.send(b"y");
    s.wait_for(
        "the panes and the footer saying nothing was saved",
        |screen| {
            common::panes_shown(screen) && footer(screen).contains("Discarded; nothing was saved.")
        },
    );
    assert!(!s.text().contains("Record session"), "the form is closed");
    quit(&mut s);

    assert_eq!(array(&f.export(), "sessions").len(), before);
    let drafts = f.drafts();
    assert!(
        drafts.is_empty(),
        "a discarded form leaves no draft: {drafts:?}"
    );
}

#[test]
fn a_note_survives_sighup_and_is_offered_back() {
    const NOTE: &str = "Half-written note after a hard day";
    let f = fixture();
    let mut s = f.start();
    open_session_form(&mut s, "KW-00001");
    s.send(NOTE.as_bytes());
    s.wait_for_text(NOTE);
    // The connection drops a moment after the worker stops typing.
    std::thread::sleep(Duration::from_secs(1));
    s.signal("HUP");
    let status = s.wait_exit();
    assert!(
        status.success(),
        "SIGHUP ends the session cleanly: {status}"
    );
    s.assert_restored();
    let drafts = f.drafts();
    assert_eq!(drafts.len(), 1, "one draft kept: {drafts:?}");
    assert_eq!(drafts[0].record.form, "session");
    assert_eq!(drafts[0].record.client_id, Some(f.client_ids[0]));
    assert_eq!(drafts[0].record.content["note"], NOTE);

    let mut s = Session::on_db(&f.db);
    s.timeout = TIMEOUT;
    s.wait_for_text("Resume unsaved session note for KW-00001");
    s.send(b"y");
    s.wait_for("the form with the note back in it", |screen| {
        let text = screen.contents();
        text.contains("Record session: KW-00001")
            && text.contains(NOTE)
            && !text.contains("Resume unsaved")
    });
    save_and_wait(&mut s, "Session saved.");
    quit(&mut s);

    let export = f.export();
    let sessions = array(&export, "sessions");
    assert_eq!(sessions.len(), 1, "one session: {sessions:?}");
    assert_eq!(sessions[0]["note"], NOTE);
    assert_eq!(sessions[0]["client_id"], f.client_ids[0]);
    let drafts = f.drafts();
    assert!(
        drafts.is_empty(),
        "saving the resumed draft removes it: {drafts:?}"
    );
}

/// The last words typed before the connection drops are kept even though the pause after typing
/// (which writes the draft) never came: the way out writes the draft.
#[test]
fn words_typed_just_before_sighup_are_in_the_draft() {
    let f = fixture();
    let mut s = f.start();
    open_session_form(&mut s, "KW-00001");
    s.send(b"Said the week was hard");
    // The pause after typing writes a first draft...
    f.wait_for_draft_note("Said the week was hard");
    // ...then a few more words and straight away the connection goes.
    s.send(b", slept at a friend's");
    s.wait_for_text("slept at a friend's");
    s.signal("HUP");
    let status = s.wait_exit();
    assert!(
        status.success(),
        "SIGHUP ends the session cleanly: {status}"
    );

    let drafts = f.drafts();
    assert_eq!(drafts.len(), 1, "one draft, updated in place: {drafts:?}");
    assert_eq!(
        drafts[0].record.content["note"],
        "Said the week was hard, slept at a friend's"
    );
}

/// Keys that reached the terminal before the connection dropped belong in the draft, even when
/// the program had not drawn them yet.
/// (Before the event loop drained pending input on a signal, this kept only "T" in 24 runs of 30.)
#[test]
fn a_burst_of_typing_right_before_sighup_is_kept_whole() {
    const NOTE: &str = "Typed right before the drop";
    let f = fixture();
    let mut s = f.start();
    open_session_form(&mut s, "KW-00001");
    s.send(NOTE.as_bytes());
    s.signal("HUP");
    let status = s.wait_exit();
    assert!(
        status.success(),
        "SIGHUP ends the session cleanly: {status}"
    );

    let drafts = f.drafts();
    assert_eq!(drafts.len(), 1, "one draft kept: {drafts:?}");
    assert_eq!(drafts[0].record.content["note"], NOTE);
}

#[test]
fn two_processes_editing_one_client_conflict_and_the_second_keeps_its_text() {
    let f = fixture();
    let mut a = f.start();
    let mut b = f.start();
    for s in [&mut a, &mut b] {
        s.send(b"e");
        s.wait_for_text("Edit client: KW-00001");
        s.wait_for("the cursor in Preferred name", |screen| {
            row_with(screen, "Preferred name").is_some_and(|row| row.contains("▶Preferred name"))
        });
    }

    a.send(b"Jo");
    wait_for_field(&mut a, "Preferred name", "Jo");
    save_and_wait(&mut a, "Client KW-00001 saved.");

    b.send(b"Joanne-B");
    wait_for_field(&mut b, "Preferred name", "Joanne-B");
    b.send(CTRL_S);
    // The message is long: it wraps onto the row above the footer, and ends with what to do.
    b.wait_for("the conflict in B's footer", |screen| {
        let rows = rows(screen);
        let bottom = rows[rows.len() - 2..].join(" ");
        bottom.contains("Someone else changed this client") && bottom.contains("Esc discards yours")
    });
    let screen = b.text();
    assert!(
        row_with(b.screen(), "Preferred name").is_some_and(|row| row.contains("Joanne-B")),
        "B's form still holds B's text:\n{screen}"
    );
    assert!(
        screen.contains("Edit client: KW-00001"),
        "B's form is open:\n{screen}"
    );

    b.send(ESC);
    b.wait_for_text("Discard what you typed?");
    b.send(b"y");
    b.wait_for_text("Discarded; nothing was saved.");
    quit(&mut b);
    quit(&mut a);

    let export = f.export();
    let clients = array(&export, "clients");
    let first = clients
        .iter()
        .find(|c| c["id"] == f.client_ids[0])
        .expect("client 1 exported");
    assert_eq!(first["preferred_name"], "Jo", "A's save stands");
    assert_eq!(first["row_version"], 2, "saved once");
    assert!(f.drafts().is_empty(), "B discarded its draft");
}

#[test]
fn a_huge_paste_arrives_whole_and_an_overlong_note_is_refused_with_its_count() {
    let f = fixture();
    let mut s = f.start();
    open_session_form(&mut s, "KW-00001");

    // 25 000 characters: words of x separated by four spaces.
    let text: String = (0..25_000)
        .map(|i| if i > 0 && i % 5000 == 0 { ' ' } else { 'x' })
        .collect();
    let mut paste = PASTE_START.to_vec();
    paste.extend_from_slice(text.as_bytes());
    paste.extend_from_slice(PASTE_END);
    s.send(&paste);
    s.wait_for_text("(25000/20000)");

    s.send(CTRL_S);
    s.wait_for_text("too long: 25000 characters, the limit is 20000");
    s.wait_for("the footer to say nothing was saved", |screen| {
        footer(screen).contains("nothing was saved")
    });
    let screen = s.text();
    assert!(
        screen.contains("Record session: KW-00001") && screen.contains("(25000/20000)"),
        "the form stays open with the whole paste:\n{screen}"
    );

    s.send(ESC);
    s.wait_for_text("Discard what you typed?");
    s.send(b"y");
    quit(&mut s);
    assert!(array(&f.export(), "sessions").is_empty(), "nothing saved");
}

/// Selects KW-00002 and records three DNAs with `d`, checking the footer after each.
fn three_dnas_for_the_second_client(s: &mut Session) {
    s.wait_for("a selected client", |screen| selected_row(screen).is_some());
    s.send(b"j");
    s.wait_for("KW-00002 selected", |screen| {
        let rows = rows(screen);
        selected_row(screen).is_some_and(|row| rows[row].contains("KW-00002"))
    });
    for time in 1..=3 {
        s.send(b"d");
        if time > 1 {
            // A second DNA the same day asks first: it is more often a key pressed twice.
            s.wait_for_text("A DNA was already recorded for this client today at");
            s.send(b"y");
        }
        s.wait_for_text("Did not attend (Enter saves): KW-00002");
        s.send(ENTER);
        let expected = if time < 3 {
            "Did-not-attend recorded."
        } else {
            "! KW-00002 has now missed 3 appointments in a row: please follow up."
        };
        // The footer is the last row drawn, so once it shows the message the frame is whole.
        s.wait_for(&format!("DNA {time} saved: {expected:?}"), |screen| {
            footer(screen).contains(expected) && !screen.contents().contains("Did not attend (")
        });
    }
}

/// Whether KW-00002's caseload row ends with the three-DNA flag.
fn second_client_flagged_d(screen: &vt100::Screen) -> bool {
    row_with(screen, "KW-00002").is_some_and(|row| {
        // The caseload's part of the row, up to the border shared with the reviews pane.
        let caseload = row.split("││").next().unwrap_or_default();
        caseload.trim_end_matches([' ', '│']).ends_with(" D")
    })
}

#[test]
fn three_missed_appointments_raise_an_alert() {
    let f = fixture();
    let mut s = f.start();
    three_dnas_for_the_second_client(&mut s);
    s.wait_for(
        "the three-DNA flag (D) on KW-00002's row",
        second_client_flagged_d,
    );
    quit(&mut s);

    let export = f.export();
    let missed: Vec<&Value> = array(&export, "sessions")
        .iter()
        .filter(|s| s["client_id"] == f.client_ids[1])
        .collect();
    assert_eq!(missed.len(), 3, "three sessions for client 2: {missed:?}");
    assert!(missed.iter().all(|s| s["attendance"] == "dna"));
}

#[test]
fn acknowledging_an_alert_quietens_its_flag_and_is_recorded_with_the_reason() {
    const REASON: &str = "In hospital this week; ward confirmed";
    let f = fixture();
    let mut s = f.start();
    three_dnas_for_the_second_client(&mut s);
    s.wait_for(
        "the three-DNA flag (D) on KW-00002's row",
        second_client_flagged_d,
    );
    s.send(b"A");
    s.wait_for_text("Acknowledge an alert: KW-00002");
    wait_for_field(&mut s, "Alert", "Three DNAs in a row");
    s.send(REASON.as_bytes());
    save_and_wait(&mut s, "Three DNAs in a row acknowledged");
    s.wait_for("the D flag gone from KW-00002's row", |screen| {
        row_with(screen, "KW-00002").is_some() && !second_client_flagged_d(screen)
    });
    quit(&mut s);

    let export = f.export();
    let acks = array(&export, "alert_acks");
    assert_eq!(acks.len(), 1, "{acks:?}");
    assert_eq!(acks[0]["kind"], "three_dnas");
    assert_eq!(acks[0]["reason"], REASON);
    assert_eq!(acks[0]["client_id"], f.client_ids[1]);
    let audit = array(&export, "audit");
    assert!(
        audit
            .iter()
            .any(|a| a["action"] == "acknowledge" && a["record_type"] == "alert_ack"),
        "{audit:?}"
    );
    assert!(
        !export["audit"].to_string().contains("hospital"),
        "the audit never holds the reason's words"
    );
}

/// Asserts the command failed with one line that names `flag`.
fn assert_refused(out: &Output, flag: &str) {
    let message = stderr(out);
    assert!(
        !out.status.success(),
        "expected a refusal naming {flag}, got success"
    );
    assert_eq!(
        message.trim_end().lines().count(),
        1,
        "one line only: {message:?}"
    );
    assert!(
        message.contains(flag),
        "the message should name {flag}: {message:?}"
    );
}

#[test]
fn session_add_from_the_shell_is_validated_like_the_form() {
    let f = fixture();
    let out = keywork(
        &f.db,
        &["session", "add", "--client", "KW-00001", "--kind", "fax"],
    );
    assert_refused(&out, "--kind");
    assert!(
        array(&f.export(), "sessions").is_empty(),
        "nothing recorded"
    );

    let out = keywork(
        &f.db,
        &[
            "session",
            "add",
            "--client",
            "KW-00001",
            "--kind",
            "phone",
            "--note",
            "Phoned to check in.",
            "--intervention",
            "harm_reduction",
        ],
    );
    assert!(out.status.success(), "session add: {}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("KW-00001"),
        "says what it recorded: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let export = f.export();
    let sessions = array(&export, "sessions");
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["client_id"], f.client_ids[0]);
    assert_eq!(sessions[0]["kind"], "phone");
    assert_eq!(sessions[0]["note"], "Phoned to check in.");
    assert_eq!(sessions[0]["interventions"][0], "harm_reduction");

    let out = keywork(
        &f.db,
        &[
            "note",
            "add",
            "--client",
            "KW-00001",
            "--stage",
            "action",
            "--importance",
            "11",
        ],
    );
    assert_refused(&out, "--importance");
    assert!(
        array(&f.export(), "readiness_notes").is_empty(),
        "nothing recorded"
    );
}

/// The terminal itself goes away, as when an SSH connection drops: the pty's controlling side is
/// closed under a program with a form open. `wrapped` runs keywork under a shell that takes the
/// hang-up signal itself, so keywork only learns from its terminal that it has gone.
fn hang_up_with_a_note_open(wrapped: bool) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    const NOTE: &str = "Phone dropped mid-sentence but every word counts";
    let f = fixture();
    let home = tempfile::tempdir().expect("temporary home directory");
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pseudo-terminal");
    let bin = env!("CARGO_BIN_EXE_keywork");
    let db = f.db.to_str().expect("a UTF-8 path");
    let mut cmd = if wrapped {
        let mut cmd = CommandBuilder::new("sh");
        cmd.args([
            "-c",
            &format!("'{bin}' --db '{db}' --today {TODAY}; sleep 30"),
        ]);
        cmd
    } else {
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(["--db", db, "--today", TODAY]);
        cmd
    };
    cmd.cwd(home.path());
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", home.path());
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env_remove("KEYWORK_CONFIG");
    cmd.env_remove("KEYWORK_DB");
    let mut child = pair.slave.spawn_command(cmd).expect("spawn in the pty");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let mut writer = pair.master.take_writer().expect("pty writer");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(vt100::Parser::new(
        common::nz(24),
        common::nz(80),
        0,
    )));
    let parser = std::sync::Arc::clone(&seen);
    // The reader holds a copy of the terminal's controlling side: it must let go for the
    // terminal to hang up, so it stops after the first read once `let_go` is set.
    let let_go = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let letting_go = std::sync::Arc::clone(&let_go);
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.lock().expect("parser").process(&buf[..n]);
            if letting_go.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
        }
    });
    let wait_for = |what: &str, text: &str| {
        let start = Instant::now();
        while !seen
            .lock()
            .expect("parser")
            .screen()
            .contents()
            .contains(text)
        {
            assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    use std::io::{Read, Write};
    wait_for("the caseload", "my caseload");
    writer.write_all(b"s").expect("type");
    wait_for("the session form", "Record session: KW-00001");
    writer.write_all(NOTE.as_bytes()).expect("type");
    wait_for("the note on screen", NOTE);
    // The connection drops: the terminal's other side closes. A last space makes the program
    // draw, so the reader wakes and lets go; then the writer and the master close. (portable-pty's
    // writer sends a newline and end-of-file as it closes, which a real dropped connection does
    // not; the note is therefore compared without trailing white space.)
    let_go.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.write_all(b" ").expect("type");
    reading.join().expect("reader thread");
    drop(writer);
    drop(pair.master);
    let start = Instant::now();
    loop {
        let drafts = f.drafts();
        let note = |d: &Stored<Draft>| {
            d.record.content["note"]
                .as_str()
                .map(|n| n.trim_end().to_owned())
        };
        if drafts.first().and_then(note).as_deref() == Some(NOTE) {
            break;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "no draft with the whole note: {drafts:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // And keywork itself has gone rather than spinning on a dead terminal.
    let still_running = || {
        Command::new("pgrep")
            .args(["-f", &format!("keywork --db {db}")])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    let start = Instant::now();
    while still_running() {
        assert!(
            start.elapsed() < TIMEOUT,
            "keywork is still running after its terminal went away"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_dropped_connection_keeps_the_draft_and_ends_the_program() {
    hang_up_with_a_note_open(false);
}

#[test]
fn a_dropped_connection_under_a_wrapper_shell_keeps_the_draft_and_ends_the_program() {
    hang_up_with_a_note_open(true);
}

#[test]
fn a_dna_marked_entered_in_error_no_longer_counts_towards_three_in_a_row() {
    const REASON: &str = "Pressed twice by mistake";
    let f = fixture();
    let mut s = f.start();
    three_dnas_for_the_second_client(&mut s);
    s.wait_for(
        "the three-DNA flag (D) on KW-00002's row",
        second_client_flagged_d,
    );
    // The record, its end, and the last entry on screen: the oldest DNA.
    s.send(ENTER);
    s.wait_for_text("Client record");
    s.send(b"G");
    s.send(b"\x1b[Z");
    s.wait_for("a DNA entry selected", |screen| {
        rows(screen)
            .iter()
            .any(|row| row.contains("▶") && row.contains("Did not attend"))
    });
    s.send(b"X");
    s.wait_for_text("Entered in error: session");
    s.send(REASON.as_bytes());
    save_and_wait(&mut s, "Marked entered in error");
    s.wait_for_text("[entered in error:");
    s.send(b"\x1b");
    s.wait_for("the D flag gone from KW-00002's row", |screen| {
        row_with(screen, "KW-00002").is_some() && !second_client_flagged_d(screen)
    });
    quit(&mut s);

    let report = keywork(&f.db, &["report", "alerts", "--team", "--format", "json"]);
    assert!(report.status.success(), "{}", stderr(&report));
    let alerts: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert!(
        !alerts
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["reference"] == "KW-00002" && a["code"] == "three_dnas"),
        "report alerts no longer lists it: {alerts}"
    );
    let export = f.export();
    let sessions = array(&export, "sessions");
    let marked: Vec<&Value> = sessions
        .iter()
        .filter(|s| s["in_error"]["reason"] == REASON)
        .collect();
    assert_eq!(marked.len(), 1, "one DNA marked, none deleted");
    assert_eq!(
        sessions
            .iter()
            .filter(|s| s["client_id"] == f.client_ids[1])
            .count(),
        3
    );
}

/// While the terminal is too small only the notice is drawn: keys typed then never reach the form
/// behind it, and `q`, as the notice offers, quits keeping the draft as it was.
#[test]
fn keys_typed_while_the_terminal_is_too_small_never_reach_the_open_form() {
    const NOTE: &str = "Seen at the hostel";
    let f = fixture();
    let mut s = f.start();
    open_session_form(&mut s, "KW-00001");
    s.send(NOTE.as_bytes());
    s.wait_for_text(NOTE);
    s.resize(20, 60);
    s.wait_for_text("terminal too small");
    s.send(b"xyz");
    s.send(TAB);
    s.send(ENTER);
    s.send(b"q");
    let status = s.wait_exit();
    assert!(status.success(), "q quits from the notice: {status}");
    s.assert_restored();
    let drafts = f.drafts();
    assert_eq!(drafts.len(), 1, "the open form kept as a draft: {drafts:?}");
    assert_eq!(
        drafts[0].record.content["note"], NOTE,
        "nothing typed behind the notice"
    );
}

/// Books KW-00001 for 14:00 today from the shell, as a session a week ago setting its next
/// appointment.
fn book_first_client_for_two_today(f: &Fixture) {
    let out = keywork(
        &f.db,
        &[
            "session",
            "add",
            "--client",
            "KW-00001",
            "--at",
            "16/11/2026 10:00",
            "--next",
            "23/11/2026 14:00",
        ],
    );
    assert!(out.status.success(), "session add: {}", stderr(&out));
}

/// The day's appointments as `keywork report appointments --format json` lists them.
fn appointments_today(f: &Fixture) -> Vec<Value> {
    let out = keywork(
        &f.db,
        &["report", "appointments", "--team", "--format", "json"],
    );
    assert!(out.status.success(), "report: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the report is JSON")
}

#[test]
fn a_dna_on_the_day_is_recorded_against_the_booked_appointment_once() {
    let f = fixture();
    book_first_client_for_two_today(&f);
    let booked = appointments_today(&f);
    assert_eq!(
        booked.len(),
        1,
        "the next appointment is booked: {booked:?}"
    );
    assert_eq!(booked[0]["status"], "booked");

    let mut s = f.start();
    s.wait_for("KW-00001 selected", |screen| {
        let rows = rows(screen);
        selected_row(screen).is_some_and(|row| rows[row].contains("KW-00001"))
    });
    s.send(b"d");
    s.wait_for_text("Did not attend today's 14:00 appointment (Enter saves): KW-00001");
    s.send(ENTER);
    s.wait_for("the DNA saved against the appointment", |screen| {
        footer(screen).contains("DNA recorded against the 14:00 appointment.")
            && !screen.contents().contains("Did not attend")
    });

    // A second `d` says so in one line and opens nothing.
    s.send(b"d");
    s.wait_for("the second DNA refused", |screen| {
        footer(screen)
            .contains("The DNA for KW-00001's 14:00 appointment today is already recorded.")
    });
    assert!(
        !s.text().contains("Did not attend"),
        "no form opened for a second DNA"
    );

    // The Today view shows it missed.
    s.send(b"y");
    s.wait_for("today's list with the DNA", |screen| {
        row_with(screen, "KW-00001").is_some_and(|row| row.contains("14:00") && row.contains("DNA"))
    });
    s.send(ESC);
    quit(&mut s);

    let day = appointments_today(&f);
    assert_eq!(day.len(), 1);
    assert_eq!(day[0]["status"], "dna");
    let export = f.export();
    let missed: Vec<&Value> = array(&export, "sessions")
        .iter()
        .filter(|s| s["attendance"] == "dna")
        .collect();
    assert_eq!(
        missed.len(),
        1,
        "one DNA, at the appointment's time: {missed:?}"
    );
    assert_eq!(missed[0]["started_at"], "2026-11-23T14:00:00");
}
