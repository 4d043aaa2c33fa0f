//! Control characters stored by anyone with sqlite3 (an escape sequence in a name, a bell in a
//! note, a C1 CSI, a right-to-left override) never leave keywork raw: not to the terminal, not
//! in a file that someone later shows in one. Text formats show them as placeholders (`^[`);
//! JSON escapes them, so it still reads back as exactly what is stored.

#[path = "common/fixture.rs"]
mod fixture;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-23";

/// What someone with sqlite3 adds to stored text: ESC sequences (clear screen, set title), BEL,
/// DEL, a C1 CSI and NEL, and a right-to-left override.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;owned\u{7}\u{7f}\u{9b}31m\u{85}\u{202e}x";

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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A demo service in which every client's family name, every worker's name, the first
/// client's shared care, session notes and goals, the scenario names and one audit detail carry
/// [`HOSTILE`], written past keywork as another program could.
fn hostile_service(dir: &Path) -> PathBuf {
    let db = dir.join("demo.db");
    let out = keywork(&db, &["generate", "--clients", "14", "--seed", "5"]);
    assert!(out.status.success(), "generate: {}", text(&out.stderr));
    fixture::join_team(&db, "Test Runner", "team_lead");
    let conn = Connection::open(&db).unwrap();
    for sql in [
        "UPDATE clients SET family_name = family_name || ?1",
        "UPDATE clients SET shared_care = 'GP' || ?1 WHERE reference = 'KW-00001'",
        "UPDATE workers SET display_name = display_name || ?1",
        "UPDATE sessions SET note = note || ?1
         WHERE client_id = (SELECT id FROM clients WHERE reference = 'KW-00001')",
        "UPDATE goals SET in_own_words = in_own_words || ?1",
        "UPDATE scenarios SET story = story || ?1",
        "INSERT INTO audit (at, login, action, record_type, record_id, detail, hash)
         VALUES ('2026-11-20T10:00:00Z', 'someone', 'view', 'client', 1, 'seen' || ?1,
                 printf('%064d', 0))",
    ] {
        conn.execute(sql, [HOSTILE])
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    db
}

/// The different characters a terminal would act on: controls other than a line break, and bidi
/// overrides.
fn raw_controls(output: &str) -> Vec<char> {
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let mut found: Vec<char> = output
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || bidi(c))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[test]
fn stored_control_characters_never_leave_raw_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_service(dir.path());
    let commands: &[&[&str]] = &[
        &["export", "--format", "csv"],
        &["export", "--format", "json"],
        &["export", "--format", "json", "--client", "KW-00001"],
        &["export", "--format", "md", "--client", "KW-00001"],
        &["export", "--format", "html", "--client", "KW-00001"],
        &["export", "--format", "md", "--plan", "KW-00001"],
        &["export", "--format", "html", "--plan", "KW-00001"],
        &["audit"],
        &["audit", "--format", "csv"],
        &["audit", "--format", "json"],
        &["report", "reviews", "--team"],
        &["report", "reviews", "--team", "--format", "csv"],
        &["report", "reviews", "--team", "--format", "json"],
        &["report", "alerts", "--team"],
        &["report", "alerts", "--team", "--format", "csv"],
        &["report", "alerts", "--team", "--format", "json"],
        &["report", "caseload"],
        &["report", "caseload", "--format", "csv"],
        &["report", "caseload", "--format", "json"],
        &["report", "appointments", "--team"],
        &["report", "appointments", "--team", "--format", "csv"],
        &["worker", "list"],
        &["--scenarios"],
    ];
    let mut leaks = Vec::new();
    for args in commands {
        let out = keywork(&db, args);
        assert!(
            out.status.success(),
            "{}: {}",
            args.join(" "),
            text(&out.stderr)
        );
        let raw = raw_controls(&text(&out.stdout));
        if !raw.is_empty() {
            leaks.push(format!("{}: {raw:?}", args.join(" ")));
        }
    }
    let file = dir.path().join("clients.csv");
    let out = keywork(
        &db,
        &["export", "--format", "csv", "--out", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let raw = raw_controls(&std::fs::read_to_string(&file).unwrap());
    if !raw.is_empty() {
        leaks.push(format!("export --format csv --out: {raw:?}"));
    }
    assert!(
        leaks.is_empty(),
        "raw control characters in:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn the_clients_csv_shows_control_characters_as_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_service(dir.path());
    let out = keywork(&db, &["export", "--format", "csv"]);
    let csv = text(&out.stdout);
    assert!(
        csv.contains("^[[2J^[]0;owned^G^?<9B>31m<85><?>x"),
        "the placeholders the screens show:\n{csv}"
    );
}

#[test]
fn json_escapes_control_characters_and_reads_back_as_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_service(dir.path());
    let out = keywork(&db, &["export", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let first = json["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["reference"] == "KW-00001")
        .expect("KW-00001 exported");
    let family = first["family_name"].as_str().unwrap();
    assert!(
        family.ends_with(HOSTILE),
        "exactly the stored text: {family:?}"
    );
}
