//! The caseload's per-client summary (schema 9) against the facts computed afresh from the
//! records: the same caseload rows, reviews and alerts, for several services and dates. (Every
//! write in a debug build also checks the summary has not drifted; see `store::summary`.)

use chrono::{Duration, NaiveDate};
use keywork::clock::Clock;
use keywork::demo::{self, Plan};
use keywork::domain::{Login, ReviewIntervals};
use keywork::store::{Access, CaseloadRow, FactsSource, Scope, Store, due_within};

fn generated(dir: &std::path::Path, seed: u64, day: NaiveDate) -> std::path::PathBuf {
    let path = dir.join(format!("service-{seed}.db"));
    let mut store = Store::open_unchecked(
        &path,
        Access::Create,
        Clock::fixed(day),
        Login::new("tester").unwrap(),
    )
    .unwrap();
    demo::generate(
        &mut store,
        Plan {
            clients: 120,
            years: 4,
            seed,
        },
    )
    .unwrap();
    path
}

/// The file opened for reading with today fixed at `day`.
fn read_on(path: &std::path::Path, day: NaiveDate) -> Store {
    Store::open_unchecked(
        path,
        Access::Read,
        Clock::fixed(day),
        Login::new("tester").unwrap(),
    )
    .unwrap()
}

/// How many rows differ between two readings of the same clients.
fn differing(a: &[CaseloadRow], b: &[CaseloadRow]) -> usize {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).filter(|(x, y)| x != y).count()
}

#[test]
fn summary_gives_the_same_caseload_reviews_and_alerts_as_the_rules_over_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let made_on = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let intervals = ReviewIntervals::default();
    let mut alerts_seen = 0;
    for seed in [1, 7, 42, 2026] {
        let path = generated(dir.path(), seed, made_on);
        for offset in [-40, 0, 30, 180, 400] {
            let day = made_on + Duration::days(offset);
            let store = read_on(&path, day);
            assert_eq!(store.summary_drift().unwrap(), 0);
            let read = |source| {
                store
                    .caseload_from(source, Scope::Team, None, &intervals)
                    .unwrap()
            };
            let (summary, computed) = (read(FactsSource::Summary), read(FactsSource::Computed));
            assert_eq!(summary.len(), 120, "every client, past ones too");
            assert_eq!(differing(&summary, &computed), 0, "seed {seed}, {day}");
            let until = day + Duration::days(28);
            assert!(due_within(&summary, until) == due_within(&computed, until));
            alerts_seen += summary
                .iter()
                .map(|r| r.assessment.open.len() + r.assessment.quiet.len())
                .sum::<usize>();
        }
    }
    assert!(
        alerts_seen > 100,
        "the comparison covers alerts: {alerts_seen}"
    );
}

#[test]
fn a_summary_row_out_of_step_with_the_records_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let path = generated(dir.path(), 3, day);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE client_summary SET stage = CASE stage WHEN 'action' THEN 'maintenance' ELSE 'action' END
         WHERE client_id = (SELECT min(id) FROM clients WHERE status = 'active')",
        [],
    )
    .unwrap();
    drop(conn);
    let store = read_on(&path, day);
    assert_eq!(store.summary_drift().unwrap(), 2, "one row each way");
    let intervals = ReviewIntervals::default();
    let read = |source| {
        store
            .caseload_from(source, Scope::Team, None, &intervals)
            .unwrap()
    };
    // Compared by count, so a failure never prints the (fictional) clients' details.
    assert_eq!(
        differing(&read(FactsSource::Summary), &read(FactsSource::Computed)),
        1
    );
}
