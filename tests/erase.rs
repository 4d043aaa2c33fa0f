//! `keywork erase`: the real binary on a generated service. After an erasure nothing of the
//! client is left: no row, and not one byte of their names or notes in the database file or its
//! -wal file.
//!
//! Raw bytes are read only while the test process holds no SQLite connection to the file:
//! closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
//! included. A colleague keeping the database open is played by keywork's own screen, in a
//! pseudo-terminal, in a process of its own.

#[path = "common/fixture.rs"]
mod fixture;

mod common;

use common::{Session, TODAY};
use fixture::login;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOTE: &str = "Zyxwv unique note 4821";
const GIVEN: &str = "Quillonetta";
const FAMILY: &str = "Zebrowskiqx";

fn keywork(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY])
        .args(args)
        .env_remove("KEYWORK_DB")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn wal(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// A generated demo service (where `--today` may write) with the test's login on its team.
fn demo_service(dir: &Path, role: &str) -> PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&["generate", "--db", path_str(&db)]);
    assert!(out.status.success(), "generate: {}", text(&out.stderr));
    fixture::join_team(&db, "Test Runner", role);
    db
}

/// The client to erase: the first with a session note that no other client's notes contain,
/// given names found nowhere else in the file.
struct Target {
    id: i64,
    reference: String,
    own_note: String,
}

fn pick_target(db: &Path) -> Target {
    let conn = Connection::open(db).unwrap();
    let (id, reference, own_note): (i64, String, String) = conn
        .query_row(
            "SELECT c.id, c.reference, s.note FROM clients c JOIN sessions s ON s.client_id = c.id
             WHERE length(s.note) > 40
               AND NOT EXISTS (SELECT 1 FROM sessions o WHERE o.client_id <> c.id AND instr(o.note, s.note) > 0)
               AND NOT EXISTS (SELECT 1 FROM readiness_notes r WHERE instr(r.note, s.note) > 0)
             ORDER BY c.reference, s.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a client with a note of their own");
    conn.execute(
        "UPDATE clients SET given_name = ?2, family_name = ?3 WHERE id = ?1",
        rusqlite::params![id, GIVEN, FAMILY],
    )
    .unwrap();
    Target {
        id,
        reference,
        own_note,
    }
}

/// Occurrences of `needle` in the raw bytes of the database and its -wal file (if any), per
/// file. The caller holds no connection to the database (see the module's note).
fn raw_counts(db: &Path, needle: &str) -> Vec<(String, usize)> {
    [db.to_owned(), wal(db)]
        .iter()
        .filter(|p| p.exists())
        .map(|p| {
            let bytes = std::fs::read(p).unwrap();
            let n = bytes
                .windows(needle.len())
                .filter(|w| *w == needle.as_bytes())
                .count();
            (p.file_name().unwrap().to_string_lossy().into_owned(), n)
        })
        .collect()
}

fn total(counts: &[(String, usize)]) -> usize {
    counts.iter().map(|(_, n)| n).sum()
}

/// `grep -c` over the same files, as the issue asks, when grep is installed: lines matching.
/// Not for a needle of several lines, which grep reads as several patterns.
fn grep_counts(db: &Path, needle: &str) -> Option<Vec<(String, usize)>> {
    if needle.contains('\n') {
        return None;
    }
    Command::new("grep").arg("--version").output().ok()?;
    let counts = [db.to_owned(), wal(db)]
        .iter()
        .filter(|p| p.exists())
        .map(|p| {
            let out = Command::new("grep")
                .args(["-c", "-a", "-F", needle])
                .arg(p)
                .output()
                .expect("grep runs");
            let n = text(&out.stdout)
                .trim()
                .parse()
                .expect("grep -c prints a count");
            (p.file_name().unwrap().to_string_lossy().into_owned(), n)
        })
        .collect();
    Some(counts)
}

/// Every needle's count in every file, printed, and the totals of the in-process count and of
/// `grep -c` returned.
fn report(db: &Path, when: &str, needles: &[&str]) -> Vec<(usize, Option<usize>)> {
    needles
        .iter()
        .map(|needle| {
            let raw = raw_counts(db, needle);
            let grep = grep_counts(db, needle);
            println!("{when}: {needle:?} raw bytes {raw:?}; grep -c {grep:?}");
            (total(&raw), grep.as_deref().map(total))
        })
        .collect()
}

fn assert_all_gone(db: &Path, needles: &[&str]) {
    for ((raw, grep), needle) in report(db, "after", needles).into_iter().zip(needles) {
        assert_eq!(raw, 0, "{needle:?} is still in the raw bytes");
        assert!(grep.is_none_or(|n| n == 0), "grep -c finds {needle:?}");
    }
}

fn assert_all_present(db: &Path, needles: &[&str]) {
    for ((raw, grep), needle) in report(db, "before", needles).into_iter().zip(needles) {
        assert!(raw > 0, "{needle:?} must be in the file before erasing");
        assert!(grep.is_none_or(|n| n > 0), "grep -c misses {needle:?}");
    }
}

fn ids(conn: &Connection, sql: &str, client_id: i64) -> Vec<i64> {
    conn.prepare(sql)
        .unwrap()
        .query_map([client_id], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The ids of the client's sessions, goals and TOPs: their child tables name those, not the client.
struct Owned {
    sessions: Vec<i64>,
    goals: Vec<i64>,
    tops: Vec<i64>,
}

fn owned(db: &Path, client_id: i64) -> Owned {
    let conn = Connection::open(db).unwrap();
    Owned {
        sessions: ids(
            &conn,
            "SELECT id FROM sessions WHERE client_id = ?1",
            client_id,
        ),
        goals: ids(
            &conn,
            "SELECT id FROM goals WHERE client_id = ?1",
            client_id,
        ),
        tops: ids(&conn, "SELECT id FROM tops WHERE client_id = ?1", client_id),
    }
}

/// Rows in any table whose `client_id`, `session_id`, `goal_id` or `top_id` is the client's (or
/// one of theirs), and the client row itself: (table, column, count) for each nonzero.
fn rows_referring(db: &Path, client_id: i64, owned: &Owned) -> Vec<(String, String, i64)> {
    let conn = Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1)")
            .unwrap()
            .query_map([&table], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for column in columns {
            let values: &[i64] = match (table.as_str(), column.as_str()) {
                ("clients", "id") | (_, "client_id") => &[client_id],
                (_, "session_id") => &owned.sessions,
                (_, "goal_id") => &owned.goals,
                (_, "top_id") => &owned.tops,
                _ => continue,
            };
            for value in values {
                let n: i64 = conn
                    .query_row(
                        &format!("SELECT count(*) FROM \"{table}\" WHERE \"{column}\" = ?1"),
                        [value],
                        |r| r.get(0),
                    )
                    .unwrap();
                if n > 0 {
                    found.push((table.clone(), column.clone(), n));
                }
            }
        }
    }
    found
}

/// Asserts the command failed with one line containing `expected`.
fn assert_refused(out: &Output, expected: &str) {
    let message = text(&out.stderr);
    assert!(!out.status.success(), "expected a refusal, got success");
    assert!(
        message.contains(expected),
        "expected {expected:?} in {message:?}"
    );
    assert_eq!(
        message.trim_end().lines().count(),
        1,
        "one line: {message:?}"
    );
}

fn erase(db: &Path, reference: &str, confirm: &str) -> Output {
    keywork(&[
        "erase",
        "--db",
        path_str(db),
        "--client",
        reference,
        "--confirm",
        confirm,
    ])
}

fn record_note(db: &Path, reference: &str) {
    let out = keywork(&[
        "session",
        "add",
        "--db",
        path_str(db),
        "--client",
        reference,
        "--note",
        NOTE,
    ]);
    assert!(out.status.success(), "session add: {}", text(&out.stderr));
}

/// A colleague with keywork open on the database: it keeps the -wal file from being removed
/// when the erasing process closes, as on a shared server.
fn colleague(db: &Path) -> Session {
    let mut screen = Session::on_db(db);
    screen.wait_for_panes();
    screen
}

fn quit(mut screen: Session) {
    screen.send(b"q");
    assert!(screen.wait_exit().success());
}

#[test]
fn erasure_leaves_no_row_and_no_byte_of_the_client_in_the_database_or_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "team_lead");
    let target = pick_target(&db);
    let screen = colleague(&db);
    record_note(&db, &target.reference);
    let owned = owned(&db, target.id);
    let needles = [NOTE, GIVEN, FAMILY, target.own_note.as_str()];
    assert_all_present(&db, &needles);
    assert!(
        raw_counts(&db, NOTE)
            .iter()
            .any(|(f, n)| f.ends_with("-wal") && *n > 0),
        "with a colleague's screen open the new note is in the -wal file"
    );

    let out = erase(&db, &target.reference, &target.reference);
    let said = text(&out.stdout);
    assert!(out.status.success(), "erase: {}", text(&out.stderr));
    let sessions = owned.sessions.len();
    assert!(
        said.starts_with(&format!(
            "Erased {}: 1 client, {sessions} sessions, ",
            target.reference
        )) && said.contains("removed; the audit keeps only the reference, who and when."),
        "{said}"
    );
    assert!(said.contains("-wal file is cleared"), "{said}");
    assert!(!said.contains(GIVEN) && !said.contains(FAMILY) && !said.contains(NOTE));
    assert_all_gone(&db, &needles);
    assert_eq!(std::fs::metadata(wal(&db)).map_or(0, |m| m.len()), 0);
    quit(screen);

    assert_eq!(rows_referring(&db, target.id, &owned), vec![]);
    let conn = Connection::open(&db).unwrap();
    let erase_row: (String, Option<i64>, Option<String>, String) = conn
        .query_row(
            "SELECT record_type, record_id, detail, login FROM audit WHERE action = 'erase'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        erase_row,
        (
            "client".to_owned(),
            Some(target.id),
            Some(target.reference.clone()),
            login()
        )
    );
    let earlier: Option<i64> = conn
        .query_row(
            "SELECT id FROM audit WHERE action = 'create' AND record_type = 'session' AND record_id = ?1",
            [owned.sessions.iter().max().unwrap()],
            |r| r.get(0),
        )
        .optional()
        .unwrap();
    assert!(earlier.is_some(), "the audit keeps its earlier rows");
    drop(conn);
    let check = keywork(&["check", "--db", path_str(&db)]);
    assert!(check.status.success(), "check: {}", text(&check.stdout));
    assert!(text(&check.stdout).contains("hash chain intact"));
}

#[test]
fn a_colleague_reading_keeps_the_wal_until_checkpoint_only_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "team_lead");
    let target = pick_target(&db);
    let screen = colleague(&db);
    record_note(&db, &target.reference);
    assert_all_present(&db, &[NOTE]);

    // A read that lasts through the erasure: the log cannot be emptied under it.
    let reader = Connection::open(&db).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM clients", [], |r| r.get(0))
        .unwrap();
    let out = erase(&db, &target.reference, &target.reference);
    assert!(text(&out.stdout).starts_with(&format!("Erased {}:", target.reference)));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("keywork erase --checkpoint-only"));
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    let lingering = report(&db, "after a blocked checkpoint", &[NOTE]);
    assert!(lingering[0].0 > 0, "the old copy is still in the -wal file");
    // As the message says: the database file itself, not only the -wal, still holds the name.
    let in_main = raw_counts(&db, GIVEN)
        .into_iter()
        .any(|(file, n)| !file.ends_with("-wal") && n > 0);
    assert!(in_main, "the database file still holds the erased name");

    let out = keywork(&["erase", "--db", path_str(&db), "--checkpoint-only"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("-wal file is cleared"));
    assert_all_gone(&db, &[NOTE, GIVEN, FAMILY]);
    quit(screen);
}

#[test]
fn a_key_worker_is_refused_with_one_line_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "key_worker");
    let before = std::fs::read(&db).unwrap();
    assert_refused(&erase(&db, "KW-00001", "KW-00001"), "only a team lead");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(!wal(&db).exists());
}

#[test]
fn a_confirmation_that_does_not_match_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "team_lead");
    let before = std::fs::read(&db).unwrap();
    assert_refused(
        &erase(&db, "KW-00001", "KW-00002"),
        "does not match KW-00001",
    );
    assert_refused(&erase(&db, "KW-00001", ""), "cancelled");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn an_unknown_reference_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "team_lead");
    let before = std::fs::read(&db).unwrap();
    assert_refused(&erase(&db, "KW-09999", "KW-09999"), "no client KW-09999");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn without_a_terminal_or_confirm_erasure_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "team_lead");
    let before = std::fs::read(&db).unwrap();
    let out = keywork(&["erase", "--db", path_str(&db), "--client", "KW-00001"]);
    assert_refused(&out, "pass --confirm KW-00001");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn at_the_prompt_anything_but_the_reference_cancels_and_the_reference_erases() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "team_lead");
    let before = std::fs::read(&db).unwrap();
    let args = [
        "--db",
        path_str(&db),
        "--today",
        TODAY,
        "erase",
        "--client",
        "KW-00002",
    ];

    let mut prompt = Session::spawn(&args, &[]);
    prompt.wait_for_text("Type KW-00002 to erase");
    prompt.send(b"kw-2\r");
    assert!(!prompt.wait_exit().success());
    assert!(prompt.text().contains("cancelled"), "{}", prompt.text());
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let mut prompt = Session::spawn(&args, &[]);
    prompt.wait_for_text("Type KW-00002 to erase");
    prompt.send(b"KW-00002\r");
    assert!(prompt.wait_exit().success(), "{}", prompt.text());
    assert!(prompt.text().contains("Erased KW-00002: 1 client"));
    let conn = Connection::open(&db).unwrap();
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM clients WHERE reference = 'KW-00002'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn an_erased_reference_is_never_offered_to_a_new_client() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "team_lead");
    let highest: String = Connection::open(&db)
        .unwrap()
        .query_row("SELECT max(reference) FROM clients", [], |r| r.get(0))
        .unwrap();
    let out = erase(&db, &highest, &highest);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = keywork::store::Store::open(
        &db,
        keywork::store::Access::Read,
        keywork::clock::Clock::fixed(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
        keywork::domain::Login::new(login()).unwrap(),
    )
    .unwrap();
    let next = store.next_reference().unwrap();
    assert!(
        next.as_str() > highest.as_str(),
        "{next} would reuse or precede the erased {highest}, which the audit names"
    );
}

/// "Erase": with a colleague reading, the erasure is saved but the checkpoint that clears old
/// copies cannot run. That used to exit 1 after a successful erasure (a script would retry and
/// find no client); it exits 0 and says what remains, and where the old copies are: the database
/// file itself as well as the -wal. `--checkpoint-only` still fails while the read lasts.
#[test]
fn an_erasure_under_an_open_read_succeeds_and_names_the_remaining_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "team_lead");
    let target = pick_target(&db);
    let reader = Connection::open(&db).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM clients", [], |r| r.get(0))
        .unwrap();

    let out = erase(&db, &target.reference, &target.reference);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}{}", text(&out.stderr));
    assert!(
        said.starts_with(&format!("Erased {}:", target.reference)),
        "{said}"
    );
    for expected in [
        "the database file and its -wal file still hold earlier copies",
        "names, NHS number, notes",
        "run: keywork erase --checkpoint-only",
    ] {
        assert!(said.contains(expected), "{expected:?} in {said}");
    }
    assert!(!said.contains(GIVEN) && !said.contains(FAMILY));
    let out = keywork(&["erase", "--db", path_str(&db), "--checkpoint-only"]);
    assert_refused(&out, "run: keywork erase --checkpoint-only");

    reader.execute_batch("COMMIT").unwrap();
    let out = keywork(&["erase", "--db", path_str(&db), "--checkpoint-only"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    drop(reader);
    assert_all_gone(&db, &[GIVEN, FAMILY, target.own_note.as_str()]);
}

/// An erasure reaches every open screen even when the erased client held the latest change
/// number: the whole service is stamped before the client's own stamp goes, so the number a
/// screen last saw is always passed.
#[test]
fn erasing_the_client_changed_last_still_tells_open_screens_to_reload_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path(), "team_lead");
    let target = pick_target(&db);
    record_note(&db, &target.reference);
    let latest = |conn: &Connection| -> (i64, i64) {
        conn.query_row(
            "SELECT client_id, seq FROM client_changes ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (last_changed, seen) = latest(&Connection::open(&db).unwrap());
    assert_eq!(
        last_changed, target.id,
        "the client erased holds the latest number"
    );

    let out = erase(&db, &target.reference, &target.reference);
    assert!(out.status.success(), "erase: {}", text(&out.stderr));
    let (client, seq) = latest(&Connection::open(&db).unwrap());
    assert_eq!(client, 0, "the whole service is stamped");
    assert!(seq > seen, "past what open screens saw: {seq} after {seen}");
}
