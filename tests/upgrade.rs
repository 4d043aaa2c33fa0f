//! An upgrade under open screens: a newer keywork migrates the file while this one has it open.
//! Every write checks, inside its transaction, that the file's schema is the one this binary was
//! built for; when it has moved on the write is refused in one line and, on the screens, the
//! form keeps its text.

#[path = "common/fixture.rs"]
mod fixture;

mod common;

use common::{Session, rows};
use fixture::{me, name, today};
use keywork::clock::Clock;
use keywork::domain::{Client, Role, Substance, Worker};
use keywork::store::{Access, Store, migrate};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

const CTRL_S: &[u8] = b"\x13";

fn client(number: u32, key_worker_id: i64) -> Client {
    Client {
        given_name: name("Dana"),
        family_name: name("Reyes"),
        primary_substance: Substance::Alcohol,
        ..fixture::client(number, key_worker_id)
    }
}

/// A training database (so the binary may record with `--today`) where the test's login is a
/// key worker with one client; the store that made it is returned still open.
fn service(dir: &Path) -> (PathBuf, Store, i64) {
    let db = dir.join("caseload.db");
    let mut store = Store::open_unchecked(&db, Access::Create, Clock::fixed(today()), me())
        .expect("create the database");
    let worker = store
        .write(|w| {
            w.set_meta(keywork::store::META_DEMO, "1")?;
            let worker = w.insert(&Worker {
                login: me(),
                display_name: name("Sam Okoro"),
                role: Role::KeyWorker,
            })?;
            w.insert(&client(1, worker))?;
            Ok(worker)
        })
        .expect("write the fixture");
    (db, store, worker)
}

/// What a newer keywork's migration does to the file: its schema version moves on.
fn upgrade_from_another_connection(db: &Path) {
    Connection::open(db)
        .expect("open from another process's connection")
        .pragma_update(None, "user_version", migrate::LATEST + 1)
        .expect("bump the schema version");
}

/// Rows in every table that a write adds to, read from the file.
fn rows_written(db: &Path) -> (i64, i64, i64) {
    let conn = Connection::open(db).expect("open");
    let count = |table: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    };
    (count("clients"), count("sessions"), count("audit"))
}

#[test]
fn a_write_after_another_keywork_upgraded_the_file_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, mut store, worker) = service(dir.path());
    upgrade_from_another_connection(&db);
    let before = rows_written(&db);

    let err = store
        .write(|w| w.insert(&client(2, worker)))
        .expect_err("refused");
    assert!(
        err.to_string().contains(&format!(
            "schema {}, this keywork writes {}",
            migrate::LATEST + 1,
            migrate::LATEST
        )),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("keywork was upgraded on this server: quit and start it again"),
        "{err}"
    );
    assert_eq!(rows_written(&db), before, "nothing written");
}

#[test]
fn a_form_saved_after_an_upgrade_is_refused_and_keeps_its_text_and_a_draft() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, store, _) = service(dir.path());
    drop(store);
    let mut s = Session::on_db(&db);
    s.timeout = Duration::from_secs(15);
    s.wait_for_panes();
    s.send(b"s");
    s.wait_for_text("Record session: KW-00001");
    s.send(b"Talked about the weekend.");
    s.wait_for_text("Talked about the weekend.");

    upgrade_from_another_connection(&db);
    let before = rows_written(&db);
    s.send(CTRL_S);
    s.wait_for("the refusal on screen", |screen| {
        rows(screen)
            .join(" ")
            .contains("keywork was upgraded on this server: quit and start it again")
    });
    let screen = s.text();
    assert!(
        screen.contains("Record session: KW-00001") && screen.contains("Talked about the weekend."),
        "the form is open with its text:\n{screen}"
    );
    assert_eq!(rows_written(&db), before, "no session, no audit row");
    let draft: String = Connection::open(&db)
        .expect("open")
        .query_row("SELECT content FROM drafts", [], |r| r.get(0))
        .expect("a draft was kept");
    assert!(draft.contains("Talked about the weekend."), "{draft}");
}
