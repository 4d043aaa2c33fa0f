//! A row id is never given twice (issue 19, defect 1). Before schema 11 the tables were not
//! AUTOINCREMENT, so after an erasure removed the highest rows the next session or client took
//! an erased one's id, and the audit rows naming the erased record read as the new record's:
//! in its trail and in its subject access export. These tests run the real binary as a worker
//! would, and open a file of the older schema to check the upgrade.

#[path = "common/fixture.rs"]
mod fixture;

use fixture::login;
use keywork::domain::audit::{ChainFields, GENESIS_HASH, chain_hash};
use keywork::store::migrate;
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";

fn keywork(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY])
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("KEYWORK_DB")
        .env_remove("KEYWORK_CONFIG")
        .output()
        .expect("the binary runs")
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A small generated service with the test's login on its team as a lead.
fn service(dir: &Path) -> PathBuf {
    let db = dir.join("ids.db");
    let out = Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args([
            "--today",
            TODAY,
            "generate",
            "--clients",
            "20",
            "--years",
            "1",
        ])
        .arg("--db")
        .arg(&db)
        .env_remove("KEYWORK_DB")
        .output()
        .unwrap();
    ok(out, "generate");
    fixture::join_team(&db, "Test Lead", "team_lead");
    db
}

/// The number at the end of "Recorded session 1071".
fn recorded_session(stdout: &str) -> i64 {
    let at = stdout
        .find("session ")
        .unwrap_or_else(|| panic!("no session id in {stdout:?}"));
    stdout[at + "session ".len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no session id in {stdout:?}"))
}

/// The audit listing with its columns' padding collapsed: "created session 3", one per line.
fn words(listing: &str) -> String {
    listing
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ") + "\n")
        .collect()
}

fn add_session(db: &Path, reference: &str) -> i64 {
    recorded_session(&ok(
        keywork(
            db,
            &[
                "session",
                "add",
                "--client",
                reference,
                "--note",
                "Talked about housing.",
            ],
        ),
        "session add",
    ))
}

fn erase(db: &Path, reference: &str) {
    ok(
        keywork(
            db,
            &["erase", "--client", reference, "--confirm", reference],
        ),
        "erase",
    );
}

#[test]
fn a_session_recorded_after_an_erasure_never_takes_an_erased_sessions_id_or_trail() {
    let dir = tempfile::tempdir().unwrap();
    let db = service(dir.path());
    let erased = [add_session(&db, "KW-00005"), add_session(&db, "KW-00005")];
    erase(&db, "KW-00005");

    let new = add_session(&db, "KW-00001");
    assert!(
        !erased.contains(&new) && new > erased[1],
        "session {new} reuses an erased id ({erased:?})"
    );
    let trail = words(&ok(
        keywork(&db, &["audit", "--client", "KW-00001"]),
        "audit",
    ));
    for id in erased {
        assert!(
            !trail.contains(&format!("session {id}\n")),
            "KW-00001's trail names erased session {id}:\n{trail}"
        );
    }
    assert_eq!(
        trail.matches(&format!("created session {new}")).count(),
        1,
        "{trail}"
    );
}

#[test]
fn a_client_added_after_the_highest_client_was_erased_gets_a_new_id_and_an_empty_trail() {
    let dir = tempfile::tempdir().unwrap();
    let db = service(dir.path());
    let (highest_id, highest): (i64, String) = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT id, reference FROM clients ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Exported, then erased: both rows name client `highest_id`.
    let export = dir.path().join("sar.json");
    ok(
        keywork(
            &db,
            &[
                "export",
                "--client",
                &highest,
                "--format",
                "json",
                "--out",
                export.to_str().unwrap(),
            ],
        ),
        "export",
    );
    erase(&db, &highest);

    let csv = dir.path().join("new.csv");
    std::fs::write(
        &csv,
        "given_name,family_name,date_of_birth,status,referral_date,modality,primary_substance\n\
         Ada,Example,14/03/1984,active,02/09/2026,psychosocial,alcohol\n",
    )
    .unwrap();
    ok(keywork(&db, &["import", csv.to_str().unwrap()]), "import");
    let (new_id, new_ref): (i64, String) = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT id, reference FROM clients ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        new_id > highest_id,
        "client {new_id} reuses erased client {highest_id}"
    );
    let trail = ok(keywork(&db, &["audit", "--client", &new_ref]), "audit");
    assert!(!trail.contains("erased"), "{new_ref}'s trail:\n{trail}");
    assert!(!trail.contains("exported"), "{new_ref}'s trail:\n{trail}");
}

// ---------------------------------------------------------------------------------------------
// A file of schema 10, made before the fix, where an id has already been given twice.
// ---------------------------------------------------------------------------------------------

/// Appends a correctly chained audit row, as keywork 10 did.
fn audit_row(conn: &Connection, action: &str, record_type: &str, record_id: i64, at: &str) {
    let (last_id, last_hash): (i64, String) = conn
        .query_row(
            "SELECT coalesce(max(id), 0), coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), ?1) FROM audit",
            [GENESIS_HASH],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let id = last_id + 1;
    let hash = chain_hash(
        &last_hash,
        &ChainFields {
            id,
            at,
            login: "sam",
            action,
            record_type,
            record_id: Some(record_id),
            detail: None,
        },
    );
    conn.execute(
        "INSERT INTO audit (id, at, login, action, record_type, record_id, detail, hash)
         VALUES (?1, ?2, 'sam', ?3, ?4, ?5, NULL, ?6)",
        params![id, at, action, record_type, record_id, hash],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [format!("{id}:{hash}")],
    )
    .unwrap();
}

const STAMP: &str = "2026-11-01T09:00:00Z";

fn add_client(conn: &Connection, id: i64) {
    conn.execute(
        "INSERT INTO clients (id, reference, given_name, family_name, date_of_birth, key_worker_id,
                              status, referral_date, modality, primary_substance, injecting, created_at, updated_at)
         VALUES (?1, printf('KW-%05d', ?1), 'Test', 'Client', '1980-01-01', 1, 'active', '2026-01-05',
                 'psychosocial', 'alcohol', 'never', ?2, ?2)",
        params![id, STAMP],
    )
    .unwrap();
}

fn add_raw_session(conn: &Connection, id: i64, client: i64) {
    conn.execute(
        "INSERT INTO sessions (id, client_id, worker_id, started_at, duration_min, kind, attendance,
                               created_at, updated_at)
         VALUES (?1, ?2, 1, '2026-11-02 10:00', 50, 'key_work', 'attended', ?3, ?3)",
        params![id, client, STAMP],
    )
    .unwrap();
}

/// Schema 10 with: clients 1 and 2; session 3 of client 1 created and erased with its client
/// (the highest rows), then session 3 given again to client 2.
fn schema_10_file_with_a_reused_id(dir: &Path) -> PathBuf {
    let path = dir.join("v10.db");
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    migrate::run_up_to(&mut conn, 10).unwrap();
    // A generated file, where `--today` may write, as every test file here is.
    conn.execute("INSERT INTO meta (key, value) VALUES ('demo', '1')", [])
        .unwrap();
    conn.execute(
        "INSERT INTO workers (id, login, display_name, role, created_at, updated_at)
         VALUES (1, ?1, 'Test Lead', 'team_lead', ?2, ?2)",
        params![login(), STAMP],
    )
    .unwrap();
    add_client(&conn, 1);
    add_client(&conn, 2);
    add_raw_session(&conn, 1, 1);
    add_raw_session(&conn, 2, 2);
    add_raw_session(&conn, 3, 1);
    audit_row(&conn, "create", "session", 3, "2026-11-02T10:00:00Z");
    conn.execute("DELETE FROM sessions WHERE id = 3", [])
        .unwrap();
    audit_row(&conn, "erase", "client", 1, "2026-11-03T10:00:00Z");
    add_raw_session(&conn, 3, 2);
    audit_row(&conn, "create", "session", 3, "2026-11-04T10:00:00Z");
    conn.execute("DELETE FROM clients WHERE id = 1", [])
        .unwrap();
    path
}

#[test]
fn upgrading_starts_every_table_above_the_ids_the_audit_has_named_and_keeps_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let db = schema_10_file_with_a_reused_id(dir.path());
    let before: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap();

    // The first write migrates; its session takes an id no audit row has named.
    let new = add_session(&db, "KW-00002");
    assert_eq!(new, 4, "the next session after the audited 3");
    let conn = Connection::open(&db).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, migrate::LATEST);
    let after: i64 = conn
        .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before + 1, "every row copied");
    // A client: client 1 was erased (the audit names it), so the next is 3, not 1... and
    // never 2's id either.
    let seq: i64 = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'clients'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(seq, 2);
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0);
    drop(conn);

    let check = keywork(&db, &["check"]);
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(report.contains("hash chain intact"), "{report}");

    // Session 3's creation before the erasure was another client's record, not client 2's.
    let trail = words(&ok(
        keywork(&db, &["audit", "--client", "KW-00002"]),
        "audit",
    ));
    assert_eq!(trail.matches("created session 3").count(), 1, "{trail}");
}

#[test]
fn an_upgraded_file_has_the_same_schema_as_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = schema_10_file_with_a_reused_id(dir.path());
    add_session(&db, "KW-00002");
    let fresh = dir.path().join("fresh.db");
    let mut conn = Connection::open(&fresh).unwrap();
    migrate::run(&mut conn).unwrap();
    let schema = |path: &Path| -> Vec<(String, String, Option<String>)> {
        let conn = Connection::open(path).unwrap();
        let mut stmt = conn
            .prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY type, name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert_eq!(schema(&db), schema(&fresh));
}
