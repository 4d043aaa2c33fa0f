//! An open screen that costs nothing while nothing happens, and still follows colleagues (issue
//! 22): a colleague's commit reaches the screen through a file-change notification with no key
//! pressed, and the idle program does not wake at all.
//!
//! The real binary in a pseudo-terminal (the harness in `common`), on a generated service opened
//! with `--today`, so the day never turns during a test. No test asserts on time: the commit's
//! delay is printed, and wake-ups are counted as context switches, not timed.

mod common;

use chrono::NaiveDate;
use common::Session;
use keywork::clock::Clock;
use keywork::demo::{self, Plan};
use keywork::domain::Login;
use keywork::store::{Access, Store};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn service(dir: &Path) -> PathBuf {
    let path = dir.join("service.db");
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut store = Store::open_unchecked(
        &path,
        Access::Create,
        Clock::fixed(today),
        Login::new("tester").unwrap(),
    )
    .unwrap();
    demo::generate(&mut store, Plan::default()).unwrap();
    path
}

/// The first client reference (`KW-` and digits) on the screen's rows, from the top.
fn first_reference(screen: &vt100::Screen) -> Option<String> {
    let text = screen.contents();
    let start = text.find("KW-")?;
    let digits: String = text[start + 3..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| format!("KW-{digits}"))
}

/// Context switches of every thread of process `pid` so far: each is the process going to sleep
/// or being put off the processor, so an idle process's count does not move.
fn context_switches(pid: u32) -> Option<u64> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0;
    for task in tasks {
        let status = std::fs::read_to_string(task.ok()?.path().join("status")).ok()?;
        for line in status.lines() {
            if let Some(value) = line
                .strip_prefix("voluntary_ctxt_switches:")
                .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))
            {
                total += value.trim().parse::<u64>().ok()?;
            }
        }
    }
    Some(total)
}

/// Starts the binary on a generated service and waits until it has drawn and gone quiet, and
/// past the looks it takes after its own writes at start (see `colleagues::LOOK_AGAIN`).
fn settled_session(db: &Path) -> Session {
    let mut s = Session::on_db(db);
    s.wait_for_panes();
    s.wait_quiet();
    s.pump(Duration::from_millis(1500));
    s.wait_quiet();
    s
}

#[test]
fn a_colleagues_commit_reaches_the_open_screen_without_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = service(dir.path());
    let mut s = settled_session(&db);
    let reference = first_reference(s.screen()).unwrap_or_else(|| s.fail("a client on screen"));
    const NEW_NAME: &str = "Quillaby";
    assert!(!s.text().contains(NEW_NAME));

    // A colleague's save, from another connection as another process makes it.
    let conn = Connection::open(&db).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let at = Instant::now();
    let changed = conn
        .execute(
            "UPDATE clients SET given_name = ?1, preferred_name = NULL WHERE reference = ?2",
            [NEW_NAME, &reference],
        )
        .unwrap();
    assert_eq!(changed, 1);

    s.wait_for_text(NEW_NAME);
    println!(
        "a colleague's commit reached the screen after {:.0} ms (no key pressed)",
        at.elapsed().as_secs_f64() * 1000.0
    );
}

#[test]
fn the_idle_screen_does_not_wake() {
    if !cfg!(target_os = "linux") {
        println!("skipped: counting wake-ups reads /proc/PID/task/*/status, which is Linux's");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = service(dir.path());
    let mut s = settled_session(&db);
    let pid = s.pid();
    let Some(before) = context_switches(pid) else {
        println!("skipped: /proc/{pid}/task/*/status cannot be read here");
        return;
    };
    // Nothing typed, nothing changed: the program has nothing to do for these three seconds.
    std::thread::sleep(Duration::from_secs(3));
    let after = context_switches(pid).expect("the program is still running");
    let wrote = s.pump(Duration::ZERO);
    let woke = after - before;
    println!("idle for 3 s: {woke} context switches");
    // One is allowed for the kernel's own doings (a page reclaimed, say); the once-a-second
    // look at the database this replaced made three or more.
    assert!(
        woke <= 1,
        "the idle program woke {woke} times in 3 s (it should sleep until something happens)"
    );
    assert!(!wrote, "the idle program wrote to the terminal");
}
