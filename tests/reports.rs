//! The reports' quicker reads give what the full caseload gives: `Store::reviews_due` (what
//! `report reviews` lists) reads only what the review rules need, and must list the same reviews,
//! in the same order, with the same acknowledgements as the reviews owed by the full caseload rows
//! (active clients and those who left owing an exit TOP), for several generated services.

#[path = "common/demo.rs"]
mod demo_support;

use chrono::Days;
use demo_support::{SEEDS, day, generated_on};
use keywork::domain::*;
use keywork::store::{DueReview, Scope, Store, due_within};

/// The reviews owed as the full caseload rows give them: every alert rule applied.
fn full_way(
    store: &Store,
    scope: Scope,
    iv: &ReviewIntervals,
    until: chrono::NaiveDate,
) -> Vec<DueReview> {
    let mut rows = store.caseload(scope, iv).expect("caseload");
    rows.extend(store.exited_owing_top(scope, iv).expect("exited"));
    due_within(&rows, until)
}

/// What a failing comparison prints: references, codes and dates only, never a name.
fn brief(due: &[DueReview]) -> Vec<String> {
    due.iter()
        .map(|d| {
            format!(
                "{} {} {} quiet={}",
                d.reference.as_str(),
                d.due.kind.code(),
                d.due.due_on,
                d.quiet
            )
        })
        .collect()
}

#[test]
fn reviews_due_lists_what_the_full_caseload_owes_with_its_acknowledgements() {
    let iv = ReviewIntervals::default();
    let until = day().checked_add_days(Days::new(28)).expect("a date");
    for seed in SEEDS {
        let (_dir, mut store) = generated_on(day(), seed, 120);
        // Acknowledge the overdue alerts of a few reviews, and another alert of the same
        // clients, so the acknowledged (quiet) reviews are compared too.
        let overdue: Vec<(i64, i64, ReviewKind, chrono::NaiveDate)> = store
            .caseload(Scope::Team, &iv)
            .expect("caseload")
            .iter()
            .flat_map(|row| {
                row.owed
                    .iter()
                    .filter(|d| d.due_on < day())
                    .map(|d| (row.client_id, row.key_worker_id, d.kind, d.due_on))
                    .collect::<Vec<_>>()
            })
            .step_by(3)
            .take(6)
            .collect();
        assert!(
            !overdue.is_empty(),
            "seed {seed}: no overdue review to acknowledge"
        );
        for (client_id, worker_id, kind, due_on) in &overdue {
            for (kind, cause) in [
                (AlertKind::ReviewOverdue(*kind), format!("due {due_on}")),
                (AlertKind::ThreeDnas, "any".to_owned()),
            ] {
                let ack = AlertAck {
                    client_id: *client_id,
                    kind,
                    cause,
                    reason: ShortText::new("Seen this week").expect("short text"),
                    worker_id: *worker_id,
                    acknowledged_on: day(),
                };
                store.write(|w| w.acknowledge(&ack)).expect("acknowledge");
            }
        }
        let worker = overdue[0].1;
        for scope in [Scope::Team, Scope::Worker(worker)] {
            let quick = store.reviews_due(scope, &iv, until).expect("reviews due");
            let full = full_way(&store, scope, &iv, until);
            assert_eq!(brief(&quick), brief(&full), "seed {seed}, {scope:?}");
            assert_eq!(quick, full, "seed {seed}, {scope:?}");
            assert!(!quick.is_empty(), "seed {seed}, {scope:?}: nothing due");
        }
        let quiet = store
            .reviews_due(Scope::Team, &iv, until)
            .expect("reviews due")
            .iter()
            .filter(|d| d.quiet)
            .count();
        assert!(quiet > 0, "seed {seed}: no acknowledged review compared");
    }
}
