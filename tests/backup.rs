//! `keywork backup` and `keywork restore` as a team meets them: the real binary, real files, and
//! colleagues' real processes writing or holding the database open meanwhile.
//!
//! Every wait polls for a result with a generous deadline; no test asserts on timing.

mod common;

use chrono::NaiveDate;
use common::{Session, TODAY};
use keywork::clock::Clock;
use keywork::domain::{Login, Name, Role, Worker};
use keywork::store::{Access, Store};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long the writers may take to record what a test waits for, on a slow, busy machine.
const DEADLINE: Duration = Duration::from_secs(120);

/// `keywork ARGS --db DB` on the fixed day.
fn keywork(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY])
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env_remove("KEYWORK_DB")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn succeeded(output: Output, what: &str) -> Output {
    assert!(
        output.status.success(),
        "{what} failed: {}",
        stderr(&output)
    );
    output
}

/// Asserts the command failed with one line containing each of `expected`, and no backtrace.
fn assert_refused(out: &Output, expected: &[&str]) {
    let message = stderr(out);
    assert!(!out.status.success(), "expected failure, got success");
    for text in expected {
        assert!(message.contains(text), "expected {text:?} in {message:?}");
    }
    assert_eq!(
        message.trim_end().lines().count(),
        1,
        "one line: {message:?}"
    );
    assert!(!message.contains("panicked"));
}

/// A default-sized demo service (40 clients) at `dir/team.db`, with the login running the tests
/// on its team as a team lead: only a team lead may restore.
fn demo_service(dir: &Path) -> PathBuf {
    let db = dir.join("team.db");
    succeeded(keywork(&db, &["generate"]), "generate");
    join_the_team(&db, Role::TeamLead);
    db
}

/// Puts the login running the tests on the team in `role` (the demo's own team has only
/// fictional logins, and only a team lead may add anyone).
fn join_the_team(db: &Path, role: Role) {
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .expect("look up the current user")
        .expect("the current user has an entry");
    let login = Login::new(user.name).expect("a valid keywork login");
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let mut store =
        Store::open_unchecked(db, Access::Write, Clock::fixed(today), login.clone()).unwrap();
    let worker = Worker {
        login,
        display_name: Name::new("Test Runner").unwrap(),
        role,
    };
    store.write(|w| w.insert(&worker)).unwrap();
}

/// The ids of every session in the database at `path`.
fn session_ids(path: &Path) -> BTreeSet<i64> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn.prepare("SELECT id FROM sessions").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn names_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Colleagues recording sessions from the shell, each in a loop of `keywork session add`
/// processes, collecting the id of every session the program reported as recorded.
struct Writers {
    stop: Arc<AtomicBool>,
    recorded: Arc<Mutex<Vec<i64>>>,
    threads: Vec<JoinHandle<()>>,
}

impl Writers {
    fn start(db: &Path, count: usize) -> Writers {
        let stop = Arc::new(AtomicBool::new(false));
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let threads = (0..count)
            .map(|writer| {
                let (db, stop, recorded) = (db.to_owned(), stop.clone(), recorded.clone());
                std::thread::spawn(move || {
                    for n in 0.. {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let note = format!("Writer {writer}, session {n}.");
                        let args = ["session", "add", "--client", "KW-00001", "--note", &note];
                        let out = succeeded(keywork(&db, &args), "session add");
                        recorded.lock().unwrap().push(recorded_id(&stdout(&out)));
                    }
                })
            })
            .collect();
        Writers {
            stop,
            recorded,
            threads,
        }
    }

    fn recorded(&self) -> BTreeSet<i64> {
        self.recorded.lock().unwrap().iter().copied().collect()
    }

    /// Waits until at least `count` sessions have been reported recorded.
    fn wait_for(&self, count: usize) {
        let deadline = Instant::now() + DEADLINE;
        while self.recorded.lock().unwrap().len() < count {
            if self.threads.iter().any(JoinHandle::is_finished) {
                panic!("a writer stopped early (its failure is above)");
            }
            assert!(
                Instant::now() < deadline,
                "{count} sessions not recorded in {DEADLINE:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stops the writers and returns every session id they saw recorded.
    fn stop(self) -> BTreeSet<i64> {
        self.stop.store(true, Ordering::SeqCst);
        for thread in self.threads {
            thread.join().expect("a writer failed");
        }
        let recorded = self.recorded.lock().unwrap();
        recorded.iter().copied().collect()
    }
}

/// The id in "Recorded session 812 for KW-00001."
fn recorded_id(stdout: &str) -> i64 {
    stdout
        .strip_prefix("Recorded session ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no session id in {stdout:?}"))
}

/// The file `restore` said it kept the replaced database in.
fn kept_as(restore_stdout: &str) -> PathBuf {
    let kept = restore_stdout
        .split("kept as ")
        .nth(1)
        .unwrap_or_else(|| panic!("no 'kept as' in {restore_stdout:?}"));
    PathBuf::from(kept.trim_end().trim_end_matches('.'))
}

#[cfg(unix)]
#[test]
fn backup_taken_while_four_processes_write_restores_every_session_committed_before_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let backup = backups.join("team-2026-11-23.db");

    let writers = Writers::start(&db, 4);
    writers.wait_for(8);
    let committed_before = writers.recorded();
    let out = succeeded(
        keywork(&db, &["backup", backup.to_str().unwrap()]),
        "backup",
    );
    assert!(stdout(&out).contains("integrity ok"), "{}", stdout(&out));
    // The writers go on after the backup, so it ran among them and did not stop them.
    writers.wait_for(committed_before.len() + 8);
    let all_recorded = writers.stop();

    let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the backup is owner-only");
    let in_backup = session_ids(&backup);
    assert!(
        in_backup.is_superset(&committed_before),
        "missing from the backup: {:?}",
        committed_before.difference(&in_backup).collect::<Vec<_>>()
    );

    let out = succeeded(
        keywork(&db, &["restore", backup.to_str().unwrap()]),
        "restore",
    );
    let check = succeeded(keywork(&db, &["check"]), "check of the restored database");
    assert!(
        stdout(&check).contains("integrity: ok"),
        "{}",
        stdout(&check)
    );
    let restored = session_ids(&db);
    assert!(
        restored.is_superset(&committed_before),
        "missing after restore: {:?}",
        committed_before.difference(&restored).collect::<Vec<_>>()
    );
    // Nothing was lost by the restore either: the replaced file holds every session recorded.
    let replaced = session_ids(&kept_as(&stdout(&out)));
    assert!(
        replaced.is_superset(&all_recorded),
        "missing from the replaced file: {:?}",
        all_recorded.difference(&replaced).collect::<Vec<_>>()
    );
}

#[cfg(unix)]
#[test]
fn restore_is_refused_while_keywork_has_the_database_open_and_done_after_it_quits() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let backup = dir.path().join("backup.db");
    succeeded(
        keywork(&db, &["backup", backup.to_str().unwrap()]),
        "backup",
    );
    let original = std::fs::metadata(&db).unwrap().ino();

    // A colleague's keywork, in a process of its own.
    let mut colleague = Session::on_db(&db);
    colleague.wait_for_panes();
    let before = names_in(dir.path());
    let out = keywork(&db, &["restore", backup.to_str().unwrap()]);
    assert_refused(
        &out,
        &[
            &format!("{} is open", db.display()),
            "ask colleagues to quit keywork",
            "nothing was changed",
        ],
    );
    assert_eq!(
        std::fs::metadata(&db).unwrap().ino(),
        original,
        "not replaced"
    );
    assert_eq!(
        names_in(dir.path()),
        before,
        "no copy and no file set aside"
    );

    colleague.send(b"q");
    assert!(colleague.wait_exit().success());
    // A reader that came and went (a cron report) leaves the -shm behind, unlocked: that is
    // nobody holding the database, and the restore must see it so.
    succeeded(keywork(&db, &["check"]), "check");
    assert!(dir.path().join("team.db-shm").exists());
    let out = succeeded(
        keywork(&db, &["restore", backup.to_str().unwrap()]),
        "restore once nobody has the database open",
    );
    let kept = kept_as(&stdout(&out));
    assert_eq!(
        std::fs::metadata(&kept).unwrap().ino(),
        original,
        "the replaced database itself is kept, under {}",
        kept.display()
    );
    assert_ne!(std::fs::metadata(&db).unwrap().ino(), original);
    succeeded(keywork(&db, &["check"]), "check of the restored database");
}

#[test]
fn restore_refuses_a_file_that_is_not_a_keywork_database_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    let other = dir.path().join("other");
    std::fs::create_dir_all(&live).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    let db = demo_service(&live);

    let notes = other.join("notes.txt");
    std::fs::write(&notes, "shopping list, not a database\n").unwrap();
    let empty = other.join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let foreign = other.join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE shopping (item TEXT); PRAGMA user_version = 2;")
        .unwrap();
    let future = other.join("future.db");
    succeeded(
        keywork(&db, &["backup", future.to_str().unwrap()]),
        "backup",
    );
    rusqlite::Connection::open(&future)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let damaged = other.join("damaged.db");
    succeeded(
        keywork(&db, &["backup", damaged.to_str().unwrap()]),
        "backup",
    );
    overwrite_sessions_root_page(&damaged);

    let before = (std::fs::read(&db).unwrap(), names_in(&live));
    for (backup, expected) in [
        (&notes, "is not a SQLite database"),
        (&empty, "is not a SQLite database"),
        (&foreign, "is a SQLite database but not a keywork one"),
        (
            &future,
            "has schema version 99, newer than this keywork understands",
        ),
        (&damaged, "failed SQLite's integrity check"),
    ] {
        let out = keywork(&db, &["restore", backup.to_str().unwrap()]);
        assert_refused(&out, &[expected, "nothing was changed"]);
        let after = (std::fs::read(&db).unwrap(), names_in(&live));
        assert!(
            after == before,
            "{} changed the live directory",
            backup.display()
        );
    }
}

/// Edits the first audit row of the database at `path` as its owner could by hand (dropping the
/// append-only trigger first and putting it back), leaving every other check passing.
fn edit_first_audit_row(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let trigger: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'audit_is_append_only_update'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_is_append_only_update;
         UPDATE audit SET login = 'someone.else' WHERE id = 1;
         {trigger};"
    ))
    .unwrap();
}

#[test]
fn restore_refuses_a_backup_whose_audit_chain_is_broken_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    std::fs::create_dir_all(&live).unwrap();
    let db = demo_service(&live);
    let backup = dir.path().join("edited.db");
    succeeded(
        keywork(&db, &["backup", backup.to_str().unwrap()]),
        "backup",
    );
    edit_first_audit_row(&backup);
    let check = keywork(&backup, &["check"]);
    assert!(!check.status.success(), "check passes the edited backup");

    let before = (std::fs::read(&db).unwrap(), names_in(&live));
    let out = keywork(&db, &["restore", backup.to_str().unwrap()]);
    assert_refused(
        &out,
        &[
            "its audit chain does not verify (first bad row: 1)",
            "nothing was changed",
        ],
    );
    assert!(
        (std::fs::read(&db).unwrap(), names_in(&live)) == before,
        "the live directory changed"
    );
}

#[test]
fn backup_to_an_existing_file_is_refused_and_the_file_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let target = dir.path().join("yesterday.db");
    std::fs::write(&target, "yesterday's backup").unwrap();
    let out = keywork(&db, &["backup", target.to_str().unwrap()]);
    assert_refused(
        &out,
        &[
            "could not back up: that file already exists",
            "nothing was written",
        ],
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "yesterday's backup"
    );
}

/// Garbage over the sessions table's root page: the file opens, its integrity check fails.
fn overwrite_sessions_root_page(path: &Path) {
    let (page_size, root): (u32, u32) = {
        let conn = rusqlite::Connection::open(path).unwrap();
        let page_size = conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap();
        let root = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'sessions'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (page_size, root)
    };
    use std::io::{Seek, SeekFrom, Write};
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    let offset = u64::from(root - 1) * u64::from(page_size);
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.write_all(&vec![0xAB; page_size as usize]).unwrap();
}

#[test]
fn read_only_flag_refuses_a_restore_even_for_the_team_lead() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    std::fs::create_dir_all(&live).unwrap();
    let db = demo_service(&live);
    let backup = dir.path().join("backup.db");
    succeeded(
        keywork(&db, &["backup", backup.to_str().unwrap()]),
        "backup",
    );
    let before = (std::fs::read(&db).unwrap(), names_in(&live));
    let out = keywork(&db, &["--read-only", "restore", backup.to_str().unwrap()]);
    assert_refused(&out, &["--read-only", "nothing was changed"]);
    assert!(
        (std::fs::read(&db).unwrap(), names_in(&live)) == before,
        "the live directory changed"
    );
}
