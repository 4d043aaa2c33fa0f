//! The safe-prescribing checks from the shell (issue 20): the same rules as the screens' form,
//! each refusal naming the flag to fix, nothing recorded.

#[path = "common/fixture.rs"]
mod fixture;

use rusqlite::Connection;
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

/// A small generated service with the test's login on its team as a prescriber.
fn service(dir: &Path) -> PathBuf {
    let db = dir.join("doses.db");
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fixture::join_team(&db, "Dr Test", "prescriber");
    db
}

/// A client on methadone now, read from the generated file so the test follows the generator:
/// the first by reference whose dose is 80 mg or less (20 mg more stays within the ECG
/// threshold) and began before today (a change comes after it). Its reference and dose.
fn on_methadone(db: &Path) -> (String, f64) {
    Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT c.reference, p.dose_mg FROM prescriptions p JOIN clients c ON c.id = p.client_id
             WHERE p.medicine = 'methadone' AND p.ended_on IS NULL AND p.dose_mg <= 80
               AND c.status = 'active' AND p.started_on < ?1
             ORDER BY c.reference LIMIT 1",
            [TODAY],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a client on methadone")
}

fn prescriptions(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM prescriptions", [], |r| r.get(0))
        .unwrap()
}

fn refused(out: &Output, flag: &str, words: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = stderr.lines().last().unwrap_or_default();
    assert!(line.starts_with(&format!("keywork: {flag}: ")), "{stderr}");
    assert!(line.contains(words), "{stderr}");
}

#[test]
fn the_shell_refuses_doses_the_checks_refuse_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = service(dir.path());
    let before = prescriptions(&db);
    let (client, dose) = on_methadone(&db);
    let stepped = (dose + 20.0).to_string();
    let change = |extra: &[&str]| {
        let mut args = vec!["prescription", "change", "--client", client.as_str()];
        args.extend_from_slice(extra);
        keywork(&db, &args)
    };
    refused(
        &change(&[
            "--medicine",
            "methadone",
            "--dose-mg",
            "500",
            "--supervision",
            "daily_supervised",
        ]),
        "--dose-mg",
        "500 mg of methadone a day is above the 300 mg",
    );
    refused(
        &change(&[
            "--medicine",
            "methadone",
            "--dose-mg",
            "60",
            "--supervision",
            "daily_supervised",
            "--from",
            "2090-01-01",
        ]),
        "--from",
        "days ahead",
    );
    refused(
        &change(&[
            "--medicine",
            "buprenorphine_depot",
            "--interval-days",
            "7",
            "--dose-mg",
            "18",
            "--supervision",
            "clinic_administered",
        ]),
        "--dose-mg",
        "comes as 8, 16, 24, 32 mg, not 18 mg",
    );
    // 20 mg more than the client's dose is a 20 mg step.
    refused(
        &change(&[
            "--medicine",
            "methadone",
            "--dose-mg",
            &stepped,
            "--supervision",
            "daily_supervised",
        ]),
        "--dose-reason",
        "record the reason",
    );
    assert_eq!(prescriptions(&db), before, "nothing recorded");

    let out = change(&[
        "--medicine",
        "methadone",
        "--dose-mg",
        &stepped,
        "--supervision",
        "daily_supervised",
        "--dose-reason",
        "ECG normal 20/11/2026; still using on top at 60 mg",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(prescriptions(&db), before + 1);
    let md = dir.path().join("record.md");
    let out = keywork(
        &db,
        &[
            "export",
            "--client",
            &client,
            "--format",
            "md",
            "--out",
            md.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record = std::fs::read_to_string(&md).unwrap();
    assert!(
        record.contains("Why this dose (outside the usual checks): ECG normal 20/11/2026"),
        "the reason is on the record"
    );
}
