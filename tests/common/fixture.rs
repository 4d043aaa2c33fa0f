//! What many test files need alike (issue 22): the fixed day they run on, the test's own login,
//! and a temporary database holding one worker and one client. Each file says only how its
//! worker and client differ from the plain ones here (a prescriber, a client on methadone), so
//! a reader sees at a glance what its tests stand on.
//!
//! A test file includes this on its own, beside the pseudo-terminal harness or without it:
//! `#[path = "common/fixture.rs"] mod fixture;`
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveDateTime};
use keywork::clock::Clock;
use keywork::domain::{
    Client, ClientStatus, InjectingStatus, Login, Modality, Name, RiskFlags, Role, ServiceRef,
    Substance, Worker,
};
use keywork::store::{Access, Store};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The day the tests run on (a Monday), for the clock and the binary's `--today`: the same as
/// the pseudo-terminal harness's `common::TODAY`.
pub const TODAY: &str = "2026-11-23";

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn at(y: i32, m: u32, d: u32, hour: u32, minute: u32) -> NaiveDateTime {
    date(y, m, d)
        .and_hms_opt(hour, minute, 0)
        .expect("valid time")
}

/// [`TODAY`] as a date.
pub fn today() -> NaiveDate {
    TODAY.parse().expect("TODAY is a date")
}

pub fn name(text: &str) -> Name {
    Name::new(text).expect("valid name")
}

/// The login running the tests: the binary acts as it, so a test that runs the binary puts it
/// on the team.
pub fn login() -> String {
    nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .expect("the user database")
        .expect("the test's user has a login")
        .name
}

/// [`login`] as keywork's login: the worker the binary and a store opened as the test act as.
pub fn me() -> Login {
    Login::new(login()).expect("the test's login is a valid keywork login")
}

/// A worker on the team.
pub fn worker(login: &str, display_name: &str, role: Role) -> Worker {
    Worker {
        login: Login::new(login).expect("valid login"),
        display_name: name(display_name),
        role,
    }
}

/// A plain client, `KW-0000N` Jo Wren: active, referred on 10/01/2026 and not yet in treatment,
/// heroin, never injected, psychosocial, no risk flags. A test file changes what its tests need
/// with `Client { ..., ..client(n, worker_id) }`.
pub fn client(number: u32, key_worker_id: i64) -> Client {
    Client {
        reference: ServiceRef::from_number(number),
        given_name: name("Jo"),
        family_name: name("Wren"),
        preferred_name: None,
        date_of_birth: date(1985, 6, 15),
        nhs_number: None,
        key_worker_id,
        status: ClientStatus::Active,
        referral_date: date(2026, 1, 10),
        treatment_start: None,
        primary_substance: Substance::Heroin,
        other_substances: BTreeSet::new(),
        injecting: InjectingStatus::Never,
        modality: Modality::Psychosocial,
        shared_care: None,
        risk: RiskFlags::default(),
    }
}

/// A temporary database on [`TODAY`] holding one worker, who is acting, and one client.
pub struct Fixture {
    pub dir: TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub worker_id: i64,
    pub client_id: i64,
}

impl Fixture {
    /// `worker` acting, and the client `client` makes given the worker's id (its key worker).
    pub fn new(worker: Worker, client: impl FnOnce(i64) -> Client) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("caseload.db");
        let mut store = Store::open_unchecked(
            &path,
            Access::Create,
            Clock::fixed(today()),
            worker.login.clone(),
        )
        .expect("create store");
        let (worker_id, client_id) = store
            .write(|w| {
                let worker_id = w.insert(&worker)?;
                let client_id = w.insert(&client(worker_id))?;
                Ok((worker_id, client_id))
            })
            .expect("write the worker and the client");
        Fixture {
            dir,
            path,
            store,
            worker_id,
            client_id,
        }
    }
}

/// Puts the test's [`login`] on the team of a service the binary generated, as `display_name`
/// in `role` (a role's code: `key_worker`, `team_lead`, `prescriber`), so the binary acts as a
/// member of it.
pub fn join_team(db: &Path, display_name: &str, role: &str) {
    Connection::open(db)
        .expect("open the generated service")
        .execute(
            "INSERT INTO workers (login, display_name, role, created_at, updated_at)
             VALUES (?1, ?2, ?3, '2026-11-01T09:00:00Z', '2026-11-01T09:00:00Z')",
            [login().as_str(), display_name, role],
        )
        .expect("add the test's login to the team");
}
