//! Encrypted backups (issue 19, "Beyond"): `keywork backup PATH --encrypt-to RECIPIENT` and
//! `keywork restore --identity KEYFILE BACKUP`, with X25519 and post-quantum age keys, the real
//! binary on a generated service.

use keywork::clock::Clock;
use keywork::domain::{Login, Name, Role, Worker};
use keywork::store::{Access, Store};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";

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

/// Asserts the command failed with one line containing each of `expected`.
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
}

/// A small demo service at `dir/team.db`, with the login running the tests its team lead (only
/// a team lead may restore).
fn demo_service(dir: &Path) -> PathBuf {
    let db = dir.join("team.db");
    succeeded(keywork(&db, &["generate", "--clients", "13"]), "generate");
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
        role: Role::TeamLead,
    };
    store.write(|w| w.insert(&worker)).unwrap();
    db
}

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

/// A live directory holding a demo service, and the service's database.
fn live_service(dir: &Path) -> (PathBuf, PathBuf) {
    let live = dir.join("live");
    std::fs::create_dir_all(&live).unwrap();
    let db = demo_service(&live);
    (live, db)
}

/// A new X25519 age key pair: the identity file's path (as `age-keygen` writes it) and the
/// recipient (age 0.13 deprecates X25519 for post-quantum keys; keywork takes both).
#[allow(deprecated)]
fn age_key(dir: &Path, name: &str) -> (PathBuf, String) {
    use age::secrecy::ExposeSecret;
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    write_key(
        dir.join(name),
        &public,
        identity.to_string().expose_secret(),
    )
}

/// A new post-quantum age key pair, as `age-keygen -pq` makes.
fn pq_key(dir: &Path, name: &str) -> (PathBuf, String) {
    use age::secrecy::ExposeSecret;
    let identity = age::pq::Identity::generate();
    let public = identity.to_public().to_string();
    write_key(
        dir.join(name),
        &public,
        identity.to_string().expose_secret(),
    )
}

fn write_key(path: PathBuf, public: &str, secret: &str) -> (PathBuf, String) {
    let text = format!("# created: for a test\n# public key: {public}\n{secret}\n");
    std::fs::write(&path, text).unwrap();
    (path, public.to_owned())
}

#[test]
fn an_encrypted_backup_is_unreadable_without_the_key_and_restores_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let (live, db) = live_service(dir.path());
    let (identity, recipient) = age_key(dir.path(), "service.key");
    let backup = dir.path().join("team.db.age");
    let out = succeeded(
        keywork(
            &db,
            &[
                "backup",
                backup.to_str().unwrap(),
                "--encrypt-to",
                &recipient,
            ],
        ),
        "encrypted backup",
    );
    assert!(
        stdout(&out).contains("encrypted to 1 recipient"),
        "{}",
        stdout(&out)
    );
    let bytes = std::fs::read(&backup).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    assert!(
        !bytes.windows(15).any(|w| w == b"SQLite format 3"),
        "plain SQLite in the encrypted file"
    );
    let plain = |dir: &Path| -> Vec<String> {
        names_in(dir)
            .into_iter()
            .filter(|name| name.contains("plain"))
            .collect()
    };
    assert!(
        plain(&live).is_empty(),
        "plain copies left: {:?}",
        plain(&live)
    );

    let out = keywork(&db, &["restore", backup.to_str().unwrap()]);
    assert_refused(
        &out,
        &[
            "it is encrypted; give --identity FILE",
            "nothing was changed",
        ],
    );

    let sessions = session_ids(&db);
    let out = keywork(
        &db,
        &[
            "restore",
            "--identity",
            identity.to_str().unwrap(),
            backup.to_str().unwrap(),
        ],
    );
    let out = succeeded(out, "restore of the encrypted backup");
    assert!(stdout(&out).contains("integrity ok"), "{}", stdout(&out));
    assert_eq!(session_ids(&db), sessions);
    succeeded(keywork(&db, &["check"]), "check of the restored database");
    assert!(
        plain(&live).is_empty(),
        "plain copies left: {:?}",
        plain(&live)
    );
}

#[test]
fn an_encrypted_backup_with_the_wrong_key_or_recipient_is_refused_and_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (live, db) = live_service(dir.path());
    let (_, recipient) = age_key(dir.path(), "service.key");
    let (wrong, _) = age_key(dir.path(), "other.key");
    let backup = dir.path().join("team.db.age");

    let not_a_key = dir.path().join("bad.age");
    let out = keywork(
        &db,
        &[
            "backup",
            not_a_key.to_str().unwrap(),
            "--encrypt-to",
            "age1nope",
        ],
    );
    assert_refused(
        &out,
        &["is not an age X25519 recipient", "no backup was made"],
    );
    assert!(!not_a_key.exists());

    succeeded(
        keywork(
            &db,
            &[
                "backup",
                backup.to_str().unwrap(),
                "--encrypt-to",
                &recipient,
            ],
        ),
        "encrypted backup",
    );
    let before = (std::fs::read(&db).unwrap(), names_in(&live));
    let out = keywork(
        &db,
        &[
            "restore",
            "--identity",
            wrong.to_str().unwrap(),
            backup.to_str().unwrap(),
        ],
    );
    assert_refused(
        &out,
        &[
            "it is not encrypted to any key in",
            "other.key",
            "nothing was changed",
        ],
    );
    let not_identity = dir.path().join("notes.txt");
    std::fs::write(&not_identity, "not a key\n").unwrap();
    let out = keywork(
        &db,
        &[
            "restore",
            "--identity",
            not_identity.to_str().unwrap(),
            backup.to_str().unwrap(),
        ],
    );
    assert_refused(
        &out,
        &["is not an age identity file", "nothing was changed"],
    );
    assert!(
        (std::fs::read(&db).unwrap(), names_in(&live)) == before,
        "the live directory changed"
    );
}

#[test]
fn a_post_quantum_encrypted_backup_restores_with_its_key_and_mixed_kinds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (live, db) = live_service(dir.path());
    let (identity, recipient) = pq_key(dir.path(), "service-pq.key");
    let (_, classic) = age_key(dir.path(), "classic.key");
    let backup = dir.path().join("team.db.age");

    let out = keywork(
        &db,
        &[
            "backup",
            backup.to_str().unwrap(),
            "--encrypt-to",
            &recipient,
            "--encrypt-to",
            &classic,
        ],
    );
    assert_refused(&out, &["not both", "no backup was made"]);
    assert!(!backup.exists());

    let args = [
        "backup",
        backup.to_str().unwrap(),
        "--encrypt-to",
        &recipient,
    ];
    succeeded(keywork(&db, &args), "post-quantum encrypted backup");
    assert!(
        std::fs::read(&backup)
            .unwrap()
            .starts_with(b"age-encryption.org/v1")
    );
    let sessions = session_ids(&db);
    let restore = [
        "restore",
        "--identity",
        identity.to_str().unwrap(),
        backup.to_str().unwrap(),
    ];
    succeeded(keywork(&db, &restore), "restore of the post-quantum backup");
    assert_eq!(session_ids(&db), sessions);
    assert!(names_in(&live).iter().all(|name| !name.contains("plain")));
}
