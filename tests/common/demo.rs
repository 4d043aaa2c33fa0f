//! Generated demo services for the tests that read the demo as a clinician would (issue 21):
//! each generated into a temporary file on a fixed day, for several seeds and sizes, so a change
//! that makes one seed incoherent fails.
//!
//! A test file includes this on its own, without the pseudo-terminal harness:
//! `#[path = "common/demo.rs"] mod demo_support;`
#![allow(dead_code)]

use chrono::NaiveDate;
use keywork::clock::Clock;
use keywork::demo::{self, Plan};
use keywork::domain::Login;
use keywork::store::{Access, Store};
use rusqlite::Connection;
use tempfile::TempDir;

/// The day the demo tests generate on (a Monday).
pub const DAY: &str = "2026-12-07";

/// The seeds every demo test runs over.
pub const SEEDS: [u64; 3] = [1, 7, 42];

/// The sizes every demo test runs over: the trainer's demo and a larger service.
pub const SIZES: [u32; 2] = [40, 120];

pub fn day() -> NaiveDate {
    DAY.parse().expect("a date")
}

/// A service of `clients` clients with two years of history from `seed`, generated on `day`
/// into a temporary file (kept while the `TempDir` lives).
pub fn generated_on(day: NaiveDate, seed: u64, clients: u32) -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_unchecked(
        &dir.path().join("demo.db"),
        Access::Create,
        Clock::fixed(day),
        Login::new("trainer").expect("valid login"),
    )
    .expect("create store");
    let plan = Plan {
        clients,
        years: 2,
        seed,
    };
    demo::generate(&mut store, plan).expect("generate");
    (dir, store)
}

/// Runs `check` over every seed and size on [`DAY`], naming which service it is looking at.
pub fn each_demo(check: impl Fn(&str, &Store, &Connection)) {
    for seed in SEEDS {
        for clients in SIZES {
            let (_dir, store) = generated_on(day(), seed, clients);
            let conn = Connection::open(store.path()).expect("open the generated file");
            check(&format!("seed {seed}, {clients} clients"), &store, &conn);
        }
    }
}

/// One number from a query.
pub fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect("query")
}

/// Every row of a one-column text query: what a failing test prints (references, dates and
/// codes only; never a client's name or note).
pub fn rows(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).expect("prepare");
    stmt.query_map([], |r| r.get::<_, String>(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}
