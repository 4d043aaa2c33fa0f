//! Prescribing through the screens, as a prescriber does it: the real binary in a
//! pseudo-terminal on a database the test builds (marked demo, so `--today` may write). A
//! prescriber starts methadone on a psychosocial client, sees the first prescribing review due
//! within four weeks, records that review with a dose increase, and reads both prescriptions
//! in the record's timeline. The shell's `keywork prescription` passes the same rules.
//!
//! The keys, from the caseload with the client selected:
//!   P  m  Tab 30  Tab Right  Tab Tab  Backspace x10  09/11/2026  Ctrl-S    start methadone 30 mg
//!   2  Down  c  Right  Tab 40  Ctrl-S                                     review: dose up to 40 mg
//!   1  Enter  PageDown                                                     the record's timeline

#[path = "common/fixture.rs"]
mod fixture;

mod common;

use common::{Session, TODAY, footer};
use fixture::{date, me, name, today};
use keywork::clock::Clock;
use keywork::domain::{Client, Login, Role, Worker};
use keywork::store::{Access, Store};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const TAB: &[u8] = b"\t";
const ENTER: &[u8] = b"\r";
const ESC: &[u8] = b"\x1b";
const RIGHT: &[u8] = b"\x1b[C";
const DOWN: &[u8] = b"\x1b[B";
const BACKSPACE: &[u8] = b"\x7f";
const CTRL_S: &[u8] = b"\x13";
const PAGE_DOWN: &[u8] = b"\x1b[6~";

/// Waits may cover a save, a reload and a redraw on a busy machine.
const TIMEOUT: Duration = Duration::from_secs(15);

/// A psychosocial client in treatment since 1 October 2026.
fn client(key_worker_id: i64) -> Client {
    Client {
        given_name: name("Dana"),
        family_name: name("Reyes"),
        referral_date: date(2026, 9, 20),
        treatment_start: Some(date(2026, 10, 1)),
        ..fixture::client(1, key_worker_id)
    }
}

/// A demo-marked database where the login running the tests is a prescriber (with `role`)
/// and one psychosocial client of a key worker's.
fn fixture(role: Role) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("caseload.db");
    let login = me();
    let mut store =
        Store::open_unchecked(&db, Access::Create, Clock::fixed(today()), login.clone())
            .expect("create the database");
    store
        .write(|w| {
            w.set_meta(keywork::store::META_DEMO, "1")?;
            w.insert(&Worker {
                login: login.clone(),
                display_name: name("Ana Mistry"),
                role,
            })?;
            let key_worker = w.insert(&Worker {
                login: Login::new("kim.kw").expect("login"),
                display_name: name("Kim Walsh"),
                role: Role::KeyWorker,
            })?;
            w.insert(&client(key_worker))
        })
        .expect("write the fixture");
    (dir, db)
}

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

fn start(db: &Path) -> Session {
    let mut s = Session::on_db(db);
    s.timeout = TIMEOUT;
    s.wait_for_panes();
    s.wait_for_text("KW-00001");
    s
}

/// Starts methadone 30 mg daily supervised from 09/11/2026 through the form (P).
fn start_methadone(s: &mut Session) {
    s.send(b"P");
    s.wait_for_text("Prescription: KW-00001");
    s.send(b"m"); // Medicine: methadone oral solution
    s.send(TAB);
    s.send(b"30"); // Dose (mg)
    s.send(TAB);
    s.send(RIGHT); // Supervision: supervised daily
    s.send(TAB); // Dispensing pharmacy: left blank
    s.send(TAB); // From: today, replaced
    for _ in 0..10 {
        s.send(BACKSPACE);
    }
    s.send(b"09/11/2026");
    s.send(CTRL_S);
    s.wait_for("the start saved", |screen| {
        footer(screen).contains("Prescription started")
    });
}

#[test]
fn a_prescriber_starts_methadone_then_raises_the_dose_at_the_prescribing_review() {
    let (_dir, db) = fixture(Role::Prescriber);
    let mut s = start(&db);
    start_methadone(&mut s);
    // The client is on methadone now, and the first prescribing review is due within four
    // weeks of the start: 07/12/2026, in 14 days.
    s.wait_for_text("Meth");
    s.send(b"2");
    s.wait_for_text("Presc       in 14d");
    s.send(DOWN);
    s.send(b"c");
    s.wait_for_text("Complete a review: KW-00001");
    s.wait_for_text("Prescribing review");
    s.send(RIGHT); // Dose: increased
    s.send(TAB);
    s.send(b"40"); // New dose (mg)
    s.send(CTRL_S);
    s.wait_for("the review saved", |screen| {
        footer(screen).contains("Prescribing review done")
    });
    s.send(b"1");
    s.send(ENTER);
    s.wait_for_text("Client record");
    s.send(PAGE_DOWN);
    s.wait_for_text("Dose (mg)");
    let text = s.text();
    for expected in [
        "30 → 40 mg",
        "since 23/11/2026: Methadone oral solution 40 mg daily, supervised daily",
        "09/11/2026 to 22/11/2026: Methadone oral solution 30 mg daily",
        "ended: prescribing review",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} in the record:\n{text}"
        );
    }
    s.send(ESC);
    s.send(b"q");
    s.wait_exit();
}

#[test]
fn a_key_worker_pressing_p_reads_one_line_saying_who_may_prescribe() {
    let (_dir, db) = fixture(Role::KeyWorker);
    let mut s = start(&db);
    s.send(b"P");
    s.wait_for("the refusal", |screen| {
        footer(screen).contains(
            "Only prescribers and team leads record prescriptions; Enter reads the record.",
        )
    });
    s.send(b"q");
    s.wait_exit();
}

#[test]
fn the_shell_starts_changes_and_stops_a_prescription_under_the_same_rules() {
    let (_dir, db) = fixture(Role::Prescriber);
    let client = ["--client", "KW-00001"];
    let methadone = ["--medicine", "methadone", "--dose-mg", "30"];
    let run = |args: &[&str]| {
        let out = keywork(&db, args);
        let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        (out.status.success(), said, err)
    };
    let started = run(&[
        &["prescription", "start"][..],
        &client,
        &methadone,
        &["--supervision", "daily_supervised", "--from", "2026-08-03"],
    ]
    .concat());
    assert!(started.0, "{started:?}");
    assert_eq!(started.1.lines().count(), 1, "{started:?}");
    assert!(
        started.1.starts_with("KW-00001: Prescription started"),
        "{started:?}"
    );
    // Take-home doses within three months of the start need a reason (NICE TA114).
    let early = [
        &["prescription", "change"][..],
        &client,
        &methadone,
        &["--supervision", "some_take_home", "--take-home-days", "2"],
        &["--from", "2026-11-02"],
    ]
    .concat();
    let refused = run(&early);
    assert!(
        !refused.0 && refused.2.contains("record the reason"),
        "{refused:?}"
    );
    let with_reason = [&early[..], &["--reason", "works nights; stable"]].concat();
    let changed = run(&with_reason);
    assert!(changed.0, "{changed:?}");
    let stopped = run(&[
        &["prescription", "stop"][..],
        &client,
        &["--modality", "detox", "--reason", "detox planned"],
    ]
    .concat());
    assert!(
        stopped.0 && stopped.1.contains("treatment now Detox"),
        "{stopped:?}"
    );
}
