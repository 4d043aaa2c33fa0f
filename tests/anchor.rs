//! The audit chain's anchor outside the file (issue 19, defect 5): `check` prints the chain's
//! head, `keywork audit anchor --to FILE` appends it to a log kept off the database's directory,
//! and `check --anchors FILE` fails once the chain no longer holds every recorded head, as when
//! rows are cut from its end and `meta.audit_head` is fixed by hand. An empty chain on a
//! database holding records fails `check` too.

use nix::unistd::{Gid, Group, Uid, User};
use rusqlite::Connection;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// A team database made by `init` with the user running the tests as its lead, who then adds
/// three workers: six audit rows (init, the lead, three workers... as `init` writes them).
struct Place {
    dir: TempDir,
    db: PathBuf,
}

impl Place {
    fn new() -> Place {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let db = dir.path().join("team").join("keywork.db");
        let place = Place { dir, db };
        let group = Group::from_gid(Gid::current()).unwrap().unwrap().name;
        let me = User::from_uid(Uid::current()).unwrap().unwrap().name;
        let init = [
            "init", "--group", &group, "--lead", &me, "--name", "Lee Lead",
        ];
        place.ok(&init);
        for n in 1..=3 {
            place.add_worker(n);
        }
        place
    }

    fn add_worker(&self, n: u32) {
        let login = format!("worker{n}");
        self.ok(&["worker", "add", "--login", &login, "--name", "A Worker"]);
    }

    fn run_on(&self, db: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_keywork"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env("HOME", self.dir.path())
            // `init` as root would write the real /etc/keywork/config.toml otherwise.
            .env("KEYWORK_SYSTEM_CONFIG", self.dir.path().join("system.toml"))
            .env_remove("KEYWORK_DB")
            .env_remove("KEYWORK_CONFIG")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .output()
            .unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_on(&self.db, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    }

    /// The anchor log, in a directory of its own beside (not inside) the database's.
    fn log(&self) -> PathBuf {
        let dir = self.dir.path().join("anchors");
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("team.anchors")
    }

    fn anchor(&self) -> String {
        let log = self.log();
        self.ok(&["audit", "anchor", "--to", log.to_str().unwrap()])
    }

    /// A copy of the database, changed by `tamper` through SQLite as its owner could.
    fn tampered_copy(&self, tamper: &str) -> PathBuf {
        let copy = self.dir.path().join("copy.db");
        let _ = std::fs::remove_file(&copy);
        let backup = self.ok(&["backup", copy.to_str().unwrap()]);
        assert!(backup.contains("integrity ok"));
        let conn = Connection::open(&copy).unwrap();
        let trigger: String = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'audit_is_append_only_delete'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute_batch(&format!(
            "DROP TRIGGER audit_is_append_only_delete; {tamper}; {trigger};"
        ))
        .unwrap();
        copy
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn audit_rows(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap()
}

fn last_hash(db: &Path) -> String {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn check_prints_the_head_and_passes_an_intact_chain_against_its_anchors() {
    let place = Place::new();
    let said = place.anchor();
    place.add_worker(4);
    place.anchor();
    let rows = audit_rows(&place.db);
    let hash = last_hash(&place.db);
    assert!(said.contains("Anchored"), "{said}");
    let log = place.log();
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);

    let out = place.run(&["check", "--anchors", log.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("audit head: row {rows} of {rows}, hash {hash}")),
        "{text}"
    );
    assert!(text.contains("anchors: 2 in "), "{text}");
    assert!(text.contains("every one found in the chain"), "{text}");
}

#[test]
fn check_with_anchors_fails_once_rows_are_cut_and_the_head_fixed_by_hand() {
    let place = Place::new();
    let anchored = audit_rows(&place.db);
    place.anchor();
    place.add_worker(4);
    place.add_worker(5);
    // Cut the anchored row and every one after it, and point meta.audit_head at the new last
    // row: the chain itself is intact, so `check` alone cannot tell.
    let keep = anchored - 1;
    let copy = place.tampered_copy(&format!(
        "DELETE FROM audit WHERE id > {keep};
         UPDATE meta SET value = (SELECT id || ':' || hash FROM audit WHERE id = {keep})
          WHERE key = 'audit_head'"
    ));
    let out = place.run_on(&copy, &["check"]);
    assert!(out.status.success(), "the cut alone: {}", stderr(&out));

    let log = place.log();
    let out = place.run_on(&copy, &["check", "--anchors", log.to_str().unwrap()]);
    assert!(!out.status.success(), "passed: {}", stdout(&out));
    let message = stderr(&out);
    assert!(
        message.contains("check failed: anchors")
            && message.contains(&format!("first anchor not found: row {anchored}")),
        "{message}"
    );
    assert_eq!(message.trim_end().lines().count(), 1, "{message}");
}

#[test]
fn check_fails_on_an_empty_chain_in_a_database_that_holds_records() {
    let place = Place::new();
    let copy = place.tampered_copy("DELETE FROM audit; DELETE FROM meta WHERE key = 'audit_head'");
    let out = place.run_on(&copy, &["check"]);
    assert!(!out.status.success(), "passed: {}", stdout(&out));
    assert!(
        stderr(&out).contains("check failed: audit"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("the trail is empty but the database holds records"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_anchor_log_inside_the_database_directory_is_refused_and_nothing_written() {
    let place = Place::new();
    let inside = place.db.parent().unwrap().join("anchors.log");
    let out = place.run(&["audit", "anchor", "--to", inside.to_str().unwrap()]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("inside the database's directory") && message.contains("anchors.log"),
        "{message}"
    );
    assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    assert!(!inside.exists());
}

#[test]
fn audit_keeps_its_filters_beside_the_anchor_subcommand() {
    let place = Place::new();
    let trail = place.ok(&["audit", "--worker", "worker1"]);
    assert!(trail.contains("entr"), "{trail}");
    let all = place.ok(&["audit"]);
    assert!(
        all.contains(&format!("{} entries", audit_rows(&place.db))),
        "{all}"
    );
    let log = place.log();
    let out = place.run(&[
        "audit",
        "--worker",
        "worker1",
        "anchor",
        "--to",
        log.to_str().unwrap(),
    ]);
    assert!(!out.status.success(), "a filter with anchor was accepted");
    assert!(!log.exists());
}

#[test]
fn audit_client_lists_a_clients_trail_as_before() {
    let place = Place::new();
    let demo = place.dir.path().join("demo").join("demo.db");
    std::fs::create_dir_all(demo.parent().unwrap()).unwrap();
    let out = place.run_on(
        &demo,
        &["--today", "2026-11-23", "generate", "--clients", "13"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = place.run_on(&demo, &["audit", "--client", "KW-00001"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("When"), "{}", stdout(&out));
    // The flag is read, not ignored: an unknown client is refused.
    let out = place.run_on(&demo, &["audit", "--client", "KW-99999"]);
    assert!(
        stderr(&out).contains("--client: no client KW-99999"),
        "{}",
        stderr(&out)
    );
    let log = place.log();
    let out = place.run_on(
        &demo,
        &[
            "audit",
            "--client",
            "KW-00001",
            "anchor",
            "--to",
            log.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success(), "--client with anchor was accepted");
    assert!(!log.exists());
}
