//! Files a person names are read with a limit: a device that never ends (/dev/zero) or a huge
//! file is refused in one line, quickly, instead of filling memory.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// `keywork --db DB ARGS`, with its address space capped (1 GiB) so that an unbounded read
/// fails here instead of exhausting a shared machine's memory, and killed after 20 s.
fn keywork(db: &Path, args: &[&str]) -> (Output, Duration) {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_keywork"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("KEYWORK_DB")
        .env_remove("KEYWORK_CONFIG")
        .env("KEYWORK_SYSTEM_CONFIG", db.with_extension("system.toml"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("start keywork");
    while child.try_wait().expect("poll keywork").is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().expect("kill keywork");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (
        child.wait_with_output().expect("keywork's output"),
        started.elapsed(),
    )
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn small_service(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("small.db");
    let me = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .expect("the user database")
        .expect("a login")
        .name;
    let (out, _) = keywork(
        &db,
        &["generate", "--clients", "13", "--years", "1", "--as", &me],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

#[test]
fn a_config_file_that_never_ends_is_refused_in_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = small_service(dir.path());
    let (out, took) = keywork(&db, &["--config", "/dev/zero", "worker", "list"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out).trim(),
        "keywork: /dev/zero: larger than 65536 bytes, so it was not read; a configuration file \
         is a few lines"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_spreadsheet_that_never_ends_is_refused_and_nothing_is_imported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = small_service(dir.path());
    let before = std::fs::read(&db).expect("read");
    let (out, took) = keywork(&db, &["import", "/dev/zero"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out).trim(),
        "keywork: /dev/zero is larger than 32 MiB, so it was not read and nothing was \
         imported: split it into smaller files"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(
        std::fs::read(&db).expect("read") == before,
        "file unchanged"
    );
}

#[test]
fn a_tour_file_that_never_ends_is_refused_before_the_demo_starts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("unused.db");
    let (out, took) = keywork(&db, &["--demo", "--tour", "/dev/zero"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out).trim(),
        "keywork: tour file /dev/zero: larger than 65536 bytes; a tour is a page or two of text; \
         the tour was not started"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
}
