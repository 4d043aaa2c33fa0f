//! Migrations 4 and 9 run Rust steps frozen beside them (`store::migrate::chained_audit`,
//! `store::migrate::client_summary`) instead of the live audit and summary code. These tests
//! upgrade files of the schema before each and check the result against today's live code:
//! the trail chained by migration 4 is the one `keywork check` verifies, and the summary made by
//! migration 9 equals the facts computed afresh and follows later writes.

#[path = "common/fixture.rs"]
mod fixture;

use keywork::clock::Clock;
use keywork::domain::Login;
use keywork::store::{Access, Store, migrate};
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};

fn me() -> Login {
    Login::new("sam").expect("a valid login")
}

fn clock() -> Clock {
    Clock::fixed(fixture::today())
}

/// A file at schema `version`, filled by `fill`, closed.
fn file_at(dir: &Path, version: i64, fill: impl FnOnce(&Connection)) -> PathBuf {
    let path = dir.join(format!("v{version}.db"));
    let mut conn = Connection::open(&path).expect("create");
    conn.pragma_update(None, "foreign_keys", "ON")
        .expect("foreign keys");
    migrate::run_up_to(&mut conn, version).expect("migrate");
    fill(&conn);
    path
}

fn upgraded(path: &Path) -> Store {
    let store =
        Store::open_unchecked(path, Access::Write, clock(), me()).expect("open and upgrade");
    assert_eq!(store.schema_version().expect("version"), migrate::LATEST);
    store
}

#[test]
fn a_schema_3_trail_is_chained_as_the_live_verifier_expects() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = file_at(dir.path(), 3, |conn| {
        for (id, login, action, record_type, record_id) in [
            (1, "sam", "generate", "service", None),
            (2, "sam", "create", "worker", Some(1)),
            (3, "alex", "create", "client", Some(7)),
            (4, "alex", "export", "service", None),
        ] {
            conn.execute(
                "INSERT INTO audit (id, at, login, action, record_type, record_id)
                 VALUES (?1, printf('2026-01-%02dT09:00:00Z', ?1), ?2, ?3, ?4, ?5)",
                params![id, login, action, record_type, record_id],
            )
            .expect("an old audit row");
        }
    });
    let store = upgraded(&path);
    let report = store.verify_audit().expect("verify");
    assert_eq!(report.rows, 4);
    assert!(report.is_intact(), "{report:?}");
    let head = store.audit_head().expect("head").expect("a trail");
    assert_eq!(head.id, 4);
}

#[test]
fn a_schema_8_file_gets_a_summary_that_equals_the_facts_and_follows_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stamp = "2026-11-01T09:00:00Z";
    let path = file_at(dir.path(), 8, |conn| {
        conn.execute(
            "INSERT INTO workers (id, login, display_name, role, created_at, updated_at)
             VALUES (1, 'sam', 'Sam Okoro', 'team_lead', ?1, ?1)",
            [stamp],
        )
        .expect("a worker");
        for id in 1..=3 {
            conn.execute(
                "INSERT INTO clients (id, reference, given_name, family_name, date_of_birth,
                     key_worker_id, status, referral_date, modality, primary_substance, injecting,
                     created_at, updated_at)
                 VALUES (?1, printf('KW-%05d', ?1), 'Test', 'Client', '1980-01-01', 1, 'active',
                     '2026-01-05', 'psychosocial', 'alcohol', 'never', ?2, ?2)",
                params![id, stamp],
            )
            .expect("a client");
        }
        conn.execute(
            "INSERT INTO sessions (id, client_id, worker_id, started_at, duration_min, kind,
                 attendance, created_at, updated_at)
             VALUES (1, 2, 1, '2026-11-02 10:00', 50, 'key_work', 'attended', ?1, ?1)",
            [stamp],
        )
        .expect("a session");
    });
    let store = upgraded(&path);
    assert_eq!(store.summary_drift().expect("drift"), 0);
    let conn = Connection::open(&path).expect("open");
    let summarised: i64 = conn
        .query_row("SELECT count(*) FROM client_summary", [], |r| r.get(0))
        .expect("count");
    assert_eq!(summarised, 3);
    // The triggers made by the frozen step keep the summary and the change sequence after a
    // write made today.
    let before = store.change_seq().expect("seq");
    conn.execute(
        "INSERT INTO sessions (client_id, worker_id, started_at, duration_min, kind, attendance,
             created_at, updated_at)
         VALUES (3, 1, '2026-11-20 10:00', 50, 'key_work', 'attended', ?1, ?1)",
        [stamp],
    )
    .expect("a later session");
    assert_eq!(store.summary_drift().expect("drift"), 0);
    assert_eq!(
        store.changes_since(before).expect("changes").0,
        keywork::store::Changes::Clients(vec![3])
    );
}
