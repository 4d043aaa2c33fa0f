//! A client's whole record out for a subject access request, and their plan to take home:
//! Markdown laid out for reading, HTML self-contained and escaped, JSON whole, each audited.

#[path = "common/fixture.rs"]
mod fixture;

use fixture::{TODAY, today};
use keywork::clock::Clock;
use keywork::demo::{self, Plan};
use keywork::domain::{AuditAction, Login, RecordType, ServiceRef};
use keywork::export::{self, Format, Kind};
use keywork::store::{Access, AuditFilter, Store};
use std::path::Path;
use std::process::{Command, Output};
use tempfile::TempDir;

/// A small demo service on the fixed day, opened without the team's rules (its team has only
/// fictional logins).
fn demo_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_unchecked(
        &dir.path().join("demo.db"),
        Access::Create,
        Clock::fixed(today()),
        Login::new("trainer").unwrap(),
    )
    .unwrap();
    let plan = Plan {
        clients: 4,
        years: 1,
        seed: 7,
    };
    demo::generate(&mut store, plan).unwrap();
    (dir, store)
}

fn client_id(store: &Store, reference: &str) -> i64 {
    store
        .client_id_by_reference(&ServiceRef::new(reference).unwrap())
        .unwrap()
        .expect("the demo has this client")
}

#[test]
fn markdown_of_a_demo_client_reads_as_their_whole_record() {
    let (_dir, store) = demo_store();
    let id = client_id(&store, "KW-00001");
    let md = export::render(&store, id, Kind::Record(Format::Markdown)).unwrap();
    insta::assert_snapshot!(md);
}

#[test]
fn plan_markdown_groups_goals_by_area_and_says_the_next_review() {
    let (_dir, store) = demo_store();
    let id = client_id(&store, "KW-00001");
    let md = export::render(&store, id, Kind::Plan(Format::Markdown)).unwrap();
    insta::assert_snapshot!(md);
}

/// Renames a client by hand, as another program writing the file could.
fn rename(store_path: &Path, reference: &str, given: &str) {
    let conn = rusqlite::Connection::open(store_path).unwrap();
    conn.execute(
        "UPDATE clients SET given_name = ?1, preferred_name = NULL WHERE reference = ?2",
        [given, reference],
    )
    .unwrap();
}

#[test]
fn html_has_no_scripts_escapes_names_and_prints_on_a4() {
    let (dir, store) = demo_store();
    rename(&dir.path().join("demo.db"), "KW-00001", "<b>Bold</b>");
    let id = client_id(&store, "KW-00001");
    for kind in [Kind::Record(Format::Html), Kind::Plan(Format::Html)] {
        let html = export::render(&store, id, kind).unwrap();
        assert!(!html.to_lowercase().contains("<script"), "{kind:?}");
        assert!(!html.contains("<b>"), "{kind:?}: the name is escaped");
        assert!(html.contains("&lt;b&gt;Bold&lt;/b&gt;"), "{kind:?}");
        assert!(html.contains("@page { size: A4;"), "{kind:?}");
        assert!(!html.contains("http"), "{kind:?}: self-contained");
    }
}

#[test]
fn markdown_escapes_a_name_that_looks_like_markup() {
    let (dir, store) = demo_store();
    rename(&dir.path().join("demo.db"), "KW-00001", "<b>*Bold*</b>");
    let id = client_id(&store, "KW-00001");
    let md = export::render(&store, id, Kind::Record(Format::Markdown)).unwrap();
    assert!(md.contains("\\<b\\>\\*Bold\\*\\</b\\>"), "{md}");
}

#[test]
fn json_holds_the_record_as_one_object() {
    let (_dir, store) = demo_store();
    let id = client_id(&store, "KW-00001");
    let text = export::render(&store, id, Kind::Record(Format::Json)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let record = store
        .client_record(id, &store.review_intervals().unwrap())
        .unwrap();
    assert_eq!(json["client"]["reference"], "KW-00001");
    assert_eq!(
        json["sessions"].as_array().unwrap().len(),
        record.sessions.len()
    );
    for key in [
        "prescriptions",
        "readiness_notes",
        "goals",
        "reviews",
        "tops",
        "alert_acks",
        "entered_in_error",
        "earlier_versions",
        "audit",
    ] {
        assert!(json[key].is_array(), "{key}");
    }
}

#[test]
fn an_export_is_audited_against_the_client() {
    let (_dir, mut store) = demo_store();
    let id = client_id(&store, "KW-00001");
    store
        .audit_client_export(id, &Kind::Record(Format::Markdown).audit_detail())
        .unwrap();
    let trail = store
        .audit_trail(&AuditFilter {
            client_id: Some(id),
            ..Default::default()
        })
        .unwrap();
    let last = trail.last().expect("audited");
    assert_eq!(last.action, AuditAction::Export);
    assert_eq!(last.record_type, RecordType::Client);
    assert_eq!(last.record_id, Some(id));
    assert_eq!(last.detail.as_deref(), Some("subject access record, md"));
}

fn keywork(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keywork"))
        .args(["--today", TODAY])
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env_remove("KEYWORK_DB")
        .env("KEYWORK_CONFIG", db.with_file_name("no-config.toml"))
        .output()
        .unwrap()
}

/// Puts the login running the tests on the demo team (fixture set-up).
fn join_team(path: &Path) {
    use keywork::domain::{Name, Role, Worker};
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .unwrap()
        .unwrap();
    let login = Login::new(user.name).unwrap();
    let mut store =
        Store::open_unchecked(path, Access::Write, Clock::fixed(today()), login.clone()).unwrap();
    let worker = Worker {
        login,
        display_name: Name::new("Test Runner").unwrap(),
        role: Role::KeyWorker,
    };
    store.write(|w| w.insert(&worker)).unwrap();
}

#[test]
fn the_command_refuses_a_login_off_the_team_and_writes_nothing() {
    let (dir, store) = demo_store();
    let db = store.path().to_owned();
    drop(store);
    let out_file = dir.path().join("record.md");
    let out = keywork(
        &db,
        &["export", "--client", "KW-00001", "--format", "md", "--out"],
    );
    assert!(!out.status.success());
    let out = keywork(
        &db,
        &[
            "export",
            "--client",
            "KW-00001",
            "--format",
            "md",
            "--out",
            out_file.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not on the team list"));
    assert!(!out_file.exists());
}

#[test]
fn the_command_writes_an_owner_only_file_and_audits_it() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, store) = demo_store();
    let db = store.path().to_owned();
    drop(store);
    join_team(&db);
    let out_file = dir.path().join("plan.html");
    let out = keywork(
        &db,
        &[
            "export",
            "--plan",
            "KW-00001",
            "--format",
            "html",
            "--out",
            out_file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = std::fs::metadata(&out_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let audit = keywork(&db, &["audit", "--client", "KW-00001", "--format", "csv"]);
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(
        audit.contains("export,client,1,\"recovery plan, html\""),
        "{audit}"
    );
}
