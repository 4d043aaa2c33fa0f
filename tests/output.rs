//! Files the program writes for people to take away (exports, reports): the real binary, real
//! files. Each file appears whole and owner-only, or not at all.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";

/// `keywork ARGS --db DB` on the fixed day with the default settings (the config file named does
/// not exist).
fn keywork(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY])
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env_remove("KEYWORK_DB")
        .env("KEYWORK_CONFIG", db.with_file_name("no-config.toml"))
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A default-sized demo service (40 clients) in `dir`.
fn demo_service(dir: &Path) -> PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&db, &["generate"]);
    assert!(out.status.success(), "generate failed: {}", stderr(&out));
    join_team(&db);
    db
}

/// Puts the login running the tests on the generated team as a team lead (fixture set-up: the
/// demo's own team has only fictional logins), so it may export.
fn join_team(path: &Path) {
    use keywork::domain::{Login, Name, Role, Worker};
    use keywork::store::{Access, Store};
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .unwrap()
        .expect("the current user has a name");
    let login = Login::new(user.name).expect("a valid login");
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let clock = keywork::clock::Clock::fixed(today);
    let mut store = Store::open_unchecked(path, Access::Write, clock, login.clone()).unwrap();
    let worker = Worker {
        login,
        display_name: Name::new("Test Runner").unwrap(),
        role: Role::TeamLead,
    };
    store.write(|w| w.insert(&worker)).unwrap();
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts the command failed with one line saying nothing was written, and no backtrace.
fn assert_nothing_written(out: &Output, expected: &str) {
    let message = stderr(out);
    assert!(!out.status.success(), "expected failure, got success");
    assert!(
        message.contains(expected),
        "expected {expected:?} in {message:?}"
    );
    assert!(
        message.contains("nothing was written to"),
        "says nothing was written: {message:?}"
    );
    assert_eq!(
        message.trim_end().lines().count(),
        1,
        "one line only: {message:?}"
    );
    assert!(!message.contains("backtrace") && !message.contains("panicked"));
}

/// Overwrites the sessions table's root page with garbage. The file still opens (nothing reads
/// that page until the sessions are read), but an export fails once it reaches them, after the
/// workers and clients have been written.
fn damage_sessions_table(db: &Path) {
    let (page_size, root, pages) = {
        let conn = rusqlite::Connection::open(db).unwrap();
        // Everything into the main file, so the damage cannot be masked by the log.
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        let page_size: u32 = conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap();
        let pages: u32 = conn
            .pragma_query_value(None, "page_count", |r| r.get(0))
            .unwrap();
        let root: u32 = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = 'sessions'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (u64::from(page_size), u64::from(root), u64::from(pages))
    };
    assert!(
        root > 1 && root < pages,
        "the sessions root page {root} is in the middle of {pages} pages"
    );
    use std::io::{Seek, SeekFrom, Write};
    let mut file = std::fs::OpenOptions::new().write(true).open(db).unwrap();
    file.seek(SeekFrom::Start((root - 1) * page_size)).unwrap();
    file.write_all(&vec![0xAB; page_size as usize]).unwrap();
    file.sync_all().unwrap();
}

#[test]
fn export_that_fails_half_way_leaves_no_file_and_says_nothing_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    damage_sessions_table(&db);

    // To standard output the same export gets half way (the clients are out) before it fails:
    // the database opened, and the failure comes mid-export.
    let to_stdout = keywork(&db, &["export", "--format", "json"]);
    assert!(!to_stdout.status.success());
    assert!(stderr(&to_stdout).contains("database disk image is malformed"));
    assert!(
        String::from_utf8_lossy(&to_stdout.stdout).contains("\"clients\": ["),
        "the export failed after writing had begun"
    );

    let out_dir = dir.path().join("exports");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("out.json");
    let out = keywork(
        &db,
        &[
            "export",
            "--format",
            "json",
            "--out",
            target.to_str().unwrap(),
        ],
    );
    assert_nothing_written(&out, "database disk image is malformed");
    assert!(
        stderr(&out).contains("keywork check") && stderr(&out).contains("restore from a backup"),
        "damage is reported with what to do: {}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("out.json"), "{}", stderr(&out));
    assert_eq!(
        names_in(&out_dir),
        Vec::<String>::new(),
        "no export and no temporary file"
    );
}

#[cfg(unix)]
#[test]
fn report_to_a_file_is_owner_only_and_the_same_as_standard_output() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    for (name, args) in [
        ("reviews.txt", vec!["report", "reviews", "--team"]),
        (
            "alerts.csv",
            vec!["report", "alerts", "--team", "--format", "csv"],
        ),
        (
            "caseload.json",
            vec!["report", "caseload", "--format", "json"],
        ),
    ] {
        let shown = keywork(&db, &args);
        assert!(shown.status.success(), "{args:?}: {}", stderr(&shown));
        assert!(!shown.stdout.is_empty());

        let file = dir.path().join(name);
        let mut to_file = args.clone();
        to_file.extend(["--out", file.to_str().unwrap()]);
        let written = keywork(&db, &to_file);
        assert!(
            written.status.success(),
            "{to_file:?}: {}",
            stderr(&written)
        );
        assert!(
            written.stdout.is_empty(),
            "the report goes to the file only"
        );
        assert_eq!(std::fs::read(&file).unwrap(), shown.stdout, "{name}");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name}");
    }
}

#[test]
fn report_to_an_existing_file_is_refused_and_the_file_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_service(dir.path());
    let out_dir = dir.path().join("reports");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("keep.txt");
    std::fs::write(&target, "precious").unwrap();
    let out = keywork(
        &db,
        &[
            "report",
            "reviews",
            "--team",
            "--out",
            target.to_str().unwrap(),
        ],
    );
    assert_nothing_written(&out, "could not write the report: that file already exists");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    assert_eq!(names_in(&out_dir), ["keep.txt"], "no temporary file left");
}
