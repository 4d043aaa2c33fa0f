//! `keywork import` and `keywork export --format csv` as a user meets them: the real binary,
//! real files. Every run is on the real clock (writes to a real database refuse `--today`), and
//! no assertion depends on what day it is.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn keywork(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(args)
        .env_remove("KEYWORK_DB")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn ok(args: &[&str]) -> Output {
    let out = keywork(args);
    assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
    out
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A new database whose team lead is the login running the tests.
fn fresh_db(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    ok(&["worker", "add", "--db", s(&db), "--name", "Test Lead"]);
    db
}

/// Puts the login running the tests on a generated demo team (whose own team has only
/// fictional logins) as a team lead, so it may export.
fn join_team(path: &Path) {
    use keywork::domain::{Login, Name, Role, Worker};
    use keywork::store::{Access, Store};
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .unwrap()
        .expect("the current user has a name");
    let login = Login::new(user.name).expect("a valid login");
    let clock = keywork::clock::Clock::system();
    let mut store = Store::open_unchecked(path, Access::Write, clock, login.clone()).unwrap();
    if store.worker_by_login(&login).unwrap().is_some() {
        return;
    }
    let worker = Worker {
        login,
        display_name: Name::new("Test Runner").unwrap(),
        role: Role::TeamLead,
    };
    store.write(|w| w.insert(&worker)).unwrap();
}

/// The clients of `db` as CSV text, through `--out`.
fn export_csv(db: &Path, out: &Path) -> String {
    ok(&["export", "--db", s(db), "--format", "csv", "--out", s(out)]);
    std::fs::read_to_string(out).unwrap()
}

fn import(db: &Path, file: &Path) -> Output {
    keywork(&["import", "--db", s(db), s(file)])
}

const HEADER: &str = "reference,given_name,family_name,date_of_birth,nhs_number,key_worker,status,modality,primary_substance";

#[test]
fn csv_export_imported_into_a_fresh_database_exports_identically() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.db");
    ok(&[
        "generate",
        "--db",
        s(&demo),
        "--clients",
        "12",
        "--seed",
        "5",
    ]);
    join_team(&demo);
    let first = export_csv(&demo, &dir.path().join("first.csv"));
    assert_eq!(first.lines().count(), 13, "a header and 12 clients");

    let fresh = fresh_db(dir.path(), "fresh.db");
    let mut reader = csv::Reader::from_reader(first.as_bytes());
    let worker_column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "key_worker")
        .unwrap();
    let logins: std::collections::BTreeSet<String> = reader
        .records()
        .map(|r| r.unwrap()[worker_column].to_owned())
        .collect();
    for login in &logins {
        ok(&[
            "worker",
            "add",
            "--db",
            s(&fresh),
            "--login",
            login,
            "--name",
            login,
        ]);
    }
    let out = import(&fresh, &dir.path().join("first.csv"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Imported 12 client(s)"),
        "{}",
        stdout(&out)
    );

    let second = export_csv(&fresh, &dir.path().join("second.csv"));
    assert_eq!(first, second);
}

#[test]
fn a_file_with_bad_rows_is_reported_by_line_and_column_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path(), "k.db");
    let rows = [
        "KW-00077,Good,Row,1980-01-01,,,active,alcohol,alcohol",
        "KW-00078,Quillon,Bad-date,31/02/1990,,,active,alcohol,alcohol",
        "KW-00079,Quillon,Future,01/01/2199,,,active,alcohol,alcohol",
        "KW-00080,Quillon,Nhs,1980-01-01,999 000 0019,,active,alcohol,alcohol",
        "KW-00081,Quillon,Status,1980-01-01,,,sleeping,alcohol,alcohol",
        "KW-00082,,Blank-given,1980-01-01,,,active,alcohol,alcohol",
        "KW-00083,Quillon,Worker,1980-01-01,,nobody.here,active,alcohol,alcohol",
        "KW-00077,Quillon,Again,1980-01-01,,,active,alcohol,alcohol",
    ];
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();

    let out = import(&db, &file);
    let report = stderr(&out);
    assert!(!out.status.success());
    for expected in [
        "line 3, column date_of_birth: the value is not a date",
        "line 4, column date_of_birth: date of birth is in the future",
        "line 5, column nhs_number: NHS number fails the Modulus 11 check digit",
        "line 6, column status: the value is not one of",
        "line 7, column given_name: required",
        "line 8, column key_worker: no key worker on the team has this login",
        "line 9, column reference: the same reference as line 2",
        "7 problem(s)",
        "nothing was imported",
    ] {
        assert!(report.contains(expected), "{expected:?} in {report}");
    }
    assert!(
        !report.contains("Quillon") && !report.contains("31/02/1990"),
        "the report names no client's details: {report}"
    );
    let after = export_csv(&db, &dir.path().join("after.csv"));
    assert_eq!(
        after.lines().count(),
        1,
        "the good row was not imported either"
    );
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path(), "k.db");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample_clients.csv");
    let out = ok(&["import", "--db", s(&db), s(&sample), "--dry-run"]);
    assert!(
        stdout(&out).contains("Dry run: 3 client(s) would be imported"),
        "{}",
        stdout(&out)
    );
    let after = export_csv(&db, &dir.path().join("after.csv"));
    assert_eq!(after.lines().count(), 1, "header only");
}

#[test]
fn importing_the_same_file_twice_skips_the_clients_already_on_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path(), "k.db");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample_clients.csv");
    assert!(import(&db, &sample).status.success());
    let once = export_csv(&db, &dir.path().join("once.csv"));
    let again = import(&db, &sample);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("Imported 0 client(s); 3 already on record"),
        "{}",
        stdout(&again)
    );
    // And the exported file, with its references filled in, matches on reference.
    let exported = dir.path().join("once.csv");
    assert!(import(&db, &exported).status.success());
    assert_eq!(once, export_csv(&db, &dir.path().join("twice.csv")));
    assert_eq!(once.lines().count(), 4, "a header and 3 clients");
}

#[test]
fn a_spreadsheet_file_with_bom_crlf_quoted_line_breaks_and_blank_lines_imports() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path(), "k.db");
    let text = "\u{feff}given_name,family_name,date_of_birth,referral_date,modality,primary_substance,shared_care\r\n\
        Ada,Example,14/03/1984,02/09/2026,alcohol,alcohol,\"Riverside Surgery, Block B\r\nUpper floor\"\r\n\
        Bram,Sample,1991-07-30,2026-10-05,psychosocial,cannabis,\r\n\
        \r\n\
        ,,,,,,\r\n";
    let file = dir.path().join("excel.csv");
    std::fs::write(&file, text).unwrap();
    let out = import(&db, &file);
    assert!(out.status.success(), "{}", stderr(&out));
    let exported = export_csv(&db, &dir.path().join("out.csv"));
    assert!(
        exported.contains(",1984-03-14,") && exported.contains(",2026-09-02,"),
        "{exported}"
    );
    assert!(
        exported.contains("\"Riverside Surgery, Block B Upper floor\""),
        "the quoted comma kept, the line break a space: {exported}"
    );
    assert_eq!(exported.lines().count(), 3, "blank lines are not clients");
}

#[test]
fn formula_cells_are_guarded_on_export_and_the_guard_comes_off_on_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path(), "a.db");
    let file = dir.path().join("in.csv");
    std::fs::write(
        &file,
        "given_name,family_name,date_of_birth,modality,primary_substance,shared_care\n\
         Ada,Example,1984-03-14,alcohol,alcohol,=HYPERLINK(\"x\")\n",
    )
    .unwrap();
    assert!(import(&db, &file).status.success());
    let first = export_csv(&db, &dir.path().join("first.csv"));
    assert!(first.contains(",\"'=HYPERLINK(\"\"x\"\")\","), "{first}");

    let other = fresh_db(dir.path(), "b.db");
    assert!(
        import(&other, &dir.path().join("first.csv"))
            .status
            .success()
    );
    assert_eq!(first, export_csv(&other, &dir.path().join("second.csv")));
}
