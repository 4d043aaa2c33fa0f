//! The demo's diary lives (issue 21): every session after a client's first was booked by the
//! one before it and settles that booking, nothing in the past is left "not yet", the demo key
//! worker's today is a working clinic, nobody is seen at a weekend, and a drawn client reaches
//! Maintenance only after six months in Action.
//!
//! Each rule runs over the demo services of `demo_support::each_demo` (seeds 1, 7, 42; 40 and
//! 120 clients, on Monday 2026-12-07). Failures print references, dates and codes only.

#[path = "common/demo.rs"]
mod demo_support;

use demo_support::{count, day, each_demo, rows};
use keywork::demo::FIRST_KEY_WORKER;
use keywork::domain::{AppointmentStatus, Login};
use keywork::store::Scope;

/// Every attended or missed session after a client's first settled an appointment, at the
/// session's own time, booked by an earlier session of the same client: a DNA belongs to the
/// booking it missed, and a session does not come out of nowhere.
#[test]
fn every_session_after_the_first_settles_a_booking_an_earlier_session_made() {
    each_demo(|demo, _store, conn| {
        let unbooked = rows(
            conn,
            "SELECT c.reference || ' ' || s.started_at || ' ' || s.attendance
             FROM sessions s JOIN clients c ON c.id = s.client_id
             WHERE s.attendance IN ('attended', 'dna')
               AND EXISTS (SELECT 1 FROM sessions e WHERE e.client_id = s.client_id
                           AND e.started_at < s.started_at)
               AND NOT EXISTS (
                   SELECT 1 FROM appointments a JOIN sessions b ON b.id = a.booked_by_session
                   WHERE a.outcome_session = s.id AND a.at = s.started_at
                     AND a.status = CASE s.attendance WHEN 'attended' THEN 'attended' ELSE 'dna' END
                     AND b.client_id = s.client_id AND b.started_at < s.started_at
                     AND b.next_appointment = s.started_at)
             ORDER BY c.reference, s.started_at",
        );
        assert!(
            unbooked.is_empty(),
            "{demo}: {} sessions settled no booking an earlier session made, e.g. {:?}",
            unbooked.len(),
            &unbooked[..unbooked.len().min(5)]
        );
    });
}

/// Nothing before today stays "not yet", nor anything earlier today than an appointment the
/// same worker has already seen or marked missed; every active client has exactly one
/// appointment to come, and no one else has any.
#[test]
fn nothing_past_is_left_booked_and_each_active_client_has_one_to_come() {
    let today = day();
    each_demo(|demo, _store, conn| {
        let stale = rows(
            conn,
            &format!(
                "SELECT c.reference || ' ' || a.at FROM appointments a
                 JOIN clients c ON c.id = a.client_id
                 WHERE a.status = 'booked' AND (a.at < '{today} 00:00' OR EXISTS (
                     SELECT 1 FROM appointments s WHERE s.worker_id = a.worker_id
                       AND s.status <> 'booked' AND s.at > a.at AND date(s.at) = date(a.at)))
                 ORDER BY a.at"
            ),
        );
        assert!(
            stale.is_empty(),
            "{demo}: past appointments still 'not yet': {stale:?}"
        );
        let wrong = rows(
            conn,
            &format!(
                "SELECT c.reference || ' ' || c.status || ' ' || count(a.id) FROM clients c
                 LEFT JOIN appointments a ON a.client_id = c.id AND a.status = 'booked'
                      AND a.at >= '{today} 00:00'
                 GROUP BY c.id
                 HAVING count(a.id) <> (c.status = 'active')
                 ORDER BY c.reference"
            ),
        );
        assert!(
            wrong.is_empty(),
            "{demo}: clients without exactly one appointment to come (active) or none: {wrong:?}"
        );
    });
}

/// The demo key worker's Today view (y) is a clinic: four to eight appointments, some already
/// attended by a session today that settled them, some still to come.
#[test]
fn the_demo_workers_today_is_a_clinic() {
    let today = day();
    each_demo(|demo, store, conn| {
        let worker = store
            .worker_by_login(&Login::new(FIRST_KEY_WORKER).expect("login"))
            .expect("read")
            .expect("the demo key worker");
        let day_list = store
            .appointments_on(Scope::Worker(worker.id), today)
            .expect("today's appointments");
        let statuses: Vec<&str> = day_list.iter().map(|a| a.status.code()).collect();
        println!("{demo}: today {statuses:?}");
        assert!(
            (4..=8).contains(&day_list.len()),
            "{demo}: {} appointments today: {statuses:?}",
            day_list.len()
        );
        assert!(
            day_list
                .iter()
                .any(|a| a.status == AppointmentStatus::Booked),
            "{demo}: nothing still to come today: {statuses:?}"
        );
        let attended_today = count(
            conn,
            &format!(
                "SELECT count(*) FROM appointments a
                 JOIN sessions s ON s.id = a.outcome_session
                 JOIN clients c ON c.id = a.client_id
                 WHERE a.status = 'attended' AND date(a.at) = '{today}'
                   AND date(s.started_at) = '{today}' AND s.attendance = 'attended'
                   AND (a.worker_id = {id} OR c.key_worker_id = {id})",
                id = worker.id
            ),
        );
        assert!(
            attended_today >= 1,
            "{demo}: no appointment today attended by a session today: {statuses:?}"
        );
    });
}

/// Nobody is seen, or booked, on a Saturday or a Sunday.
#[test]
fn no_session_or_appointment_falls_at_a_weekend() {
    each_demo(|demo, _store, conn| {
        let weekend = rows(
            conn,
            "SELECT c.reference || ' session ' || s.started_at FROM sessions s
             JOIN clients c ON c.id = s.client_id WHERE strftime('%w', s.started_at) IN ('0', '6')
             UNION ALL
             SELECT c.reference || ' appointment ' || a.at FROM appointments a
             JOIN clients c ON c.id = a.client_id WHERE strftime('%w', a.at) IN ('0', '6')",
        );
        assert!(weekend.is_empty(), "{demo}: at a weekend: {weekend:?}");
    });
}

/// The showcase and scenario clients (the odd client numbers up to the fifteenth place): their
/// stages follow a scripted arc (`Course::arc`, the lead's), so the Maintenance rule below lists
/// what it finds among them instead of failing on it.
fn scripted(reference: &str) -> bool {
    reference
        .trim_start_matches("KW-")
        .parse::<u32>()
        .is_ok_and(|n| n % 2 == 1 && n <= 29)
}

/// Maintenance is change sustained for more than six months (Prochaska & DiClemente): no
/// readiness note says Maintenance within 182 days of the client's first Action note.
#[test]
fn maintenance_comes_only_after_six_months_in_action() {
    each_demo(|demo, _store, conn| {
        let early = rows(
            conn,
            "SELECT c.reference || ' ' || m.noted_on || ' first action ' ||
                    coalesce(f.first_action, 'none')
             FROM readiness_notes m JOIN clients c ON c.id = m.client_id
             LEFT JOIN (SELECT client_id, min(noted_on) AS first_action FROM readiness_notes
                        WHERE stage = 'action' GROUP BY client_id) f ON f.client_id = m.client_id
             WHERE m.stage = 'maintenance'
               AND (f.first_action IS NULL OR julianday(m.noted_on) - julianday(f.first_action) < 182)
             GROUP BY c.id ORDER BY c.reference",
        );
        let (arcs, drawn): (Vec<&String>, Vec<&String>) = early
            .iter()
            .partition(|row| scripted(row.split(' ').next().unwrap_or("")));
        if !arcs.is_empty() {
            println!("{demo}: scripted arcs at Maintenance early (showcase.rs): {arcs:?}");
        }
        assert!(
            drawn.is_empty(),
            "{demo}: drawn clients at Maintenance within six months of Action: {drawn:?}"
        );
    });
}

/// Treatment starts at a session: each client's first session is on their treatment start, a
/// working day, and the start TOP (where there is one) is taken there. Before, a start drawn on
/// a Saturday left the first session, and the start TOP, on the Monday after while the first
/// prescription began on the Saturday.
#[test]
fn treatment_starts_at_the_first_session_on_a_working_day() {
    each_demo(|which, _, conn| {
        let misplaced = rows(
            conn,
            "SELECT c.reference || ' starts ' || c.treatment_start || ', first session ' ||
                    coalesce((SELECT min(date(s.started_at)) FROM sessions s
                              WHERE s.client_id = c.id), 'none') ||
                    ', start TOP ' ||
                    coalesce((SELECT min(t.completed_on) FROM tops t
                              WHERE t.client_id = c.id AND t.stage = 'start'), 'none')
             FROM clients c
             WHERE c.treatment_start IS NOT NULL AND (
                 strftime('%w', c.treatment_start) IN ('0', '6')
                 OR c.treatment_start IS NOT (SELECT min(date(s.started_at)) FROM sessions s
                                              WHERE s.client_id = c.id)
                 OR EXISTS (SELECT 1 FROM tops t WHERE t.client_id = c.id AND t.stage = 'start'
                            AND t.completed_on <> c.treatment_start))",
        );
        assert_eq!(misplaced, Vec::<String>::new(), "{which}");
    });
}
