//! Booked appointments in the store: a session's next appointment books one in the same
//! transaction, a session on the day marks it attended, a DNA is recorded against it, and an
//! appointment has one outcome only.

#[path = "common/fixture.rs"]
mod fixture;

use chrono::{NaiveDate, NaiveDateTime};
use fixture::Fixture;
use keywork::domain::*;
use keywork::store::{AuditFilter, Scope, StoreError};
use std::collections::BTreeSet;

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("valid date")
}

fn at(d: u32, hour: u32, minute: u32) -> NaiveDateTime {
    date(d).and_hms_opt(hour, minute, 0).expect("valid time")
}

/// One key worker and one client (Jo Bloggs, referred on 01/11/2026), on 23/11/2026.
fn fixture() -> Fixture {
    Fixture::new(
        fixture::worker("sam.okoro", "Sam Okoro", Role::KeyWorker),
        |worker_id| Client {
            family_name: fixture::name("Bloggs"),
            referral_date: date(1),
            ..fixture::client(1, worker_id)
        },
    )
}

fn session(f: &Fixture, started_at: NaiveDateTime, attendance: Attendance) -> Session {
    Session {
        client_id: f.client_id,
        worker_id: f.worker_id,
        started_at,
        duration: Minutes::new(if attendance == Attendance::Attended {
            45
        } else {
            0
        })
        .expect("minutes"),
        kind: SessionKind::KeyWork,
        attendance,
        note: NoteText::empty(),
        interventions: BTreeSet::new(),
        next_appointment: None,
    }
}

/// Records a session the way the session form does: the session, then its appointments.
fn record(f: &mut Fixture, s: &Session) -> i64 {
    f.store
        .write(|w| {
            let id = w.insert(s)?;
            w.settle_and_book(id, s)?;
            Ok(id)
        })
        .expect("session saved")
}

/// A session on the 16th books the 23rd at 14:00; returns the appointment's id.
fn booked_for_today(f: &mut Fixture) -> i64 {
    let s = Session {
        next_appointment: Some(at(23, 14, 0)),
        ..session(f, at(16, 14, 0), Attendance::Attended)
    };
    record(f, &s);
    f.store
        .appointment_for_dna(f.client_id, date(23))
        .expect("read")
        .expect("booked")
        .id
}

#[test]
fn a_sessions_next_appointment_is_booked_with_the_worker_and_audited() {
    let mut f = fixture();
    let id = booked_for_today(&mut f);
    let booked = f.store.get::<BookedAppointment>(id).expect("read").record;
    assert_eq!(booked.at, at(23, 14, 0));
    assert_eq!(booked.worker_id, f.worker_id);
    assert_eq!(booked.kind, SessionKind::KeyWork);
    assert_eq!(booked.status, AppointmentStatus::Booked);
    assert!(booked.booked_by_session.is_some());
    let trail = f
        .store
        .audit_trail(&AuditFilter {
            client_id: Some(f.client_id),
            login: None,
            since: None,
        })
        .expect("audit");
    assert!(
        trail
            .iter()
            .any(|e| e.record_type == RecordType::Appointment
                && e.action == AuditAction::Create
                && e.record_id == Some(id))
    );
}

#[test]
fn booking_the_same_minute_twice_keeps_one_appointment() {
    let mut f = fixture();
    booked_for_today(&mut f);
    let again = Session {
        next_appointment: Some(at(23, 14, 0)),
        ..session(&f, at(17, 10, 0), Attendance::Attended)
    };
    record(&mut f, &again);
    let day = f.store.appointments_on(Scope::Team, date(23)).expect("day");
    assert_eq!(day.len(), 1);
}

#[test]
fn a_session_attended_on_the_day_marks_the_appointment_attended() {
    let mut f = fixture();
    let id = booked_for_today(&mut f);
    let attended = session(&f, at(23, 14, 5), Attendance::Attended);
    let session_id = record(&mut f, &attended);
    let kept = f.store.get::<BookedAppointment>(id).expect("read").record;
    assert_eq!(kept.status, AppointmentStatus::Attended);
    assert_eq!(kept.outcome_session, Some(session_id));
    assert_eq!(
        f.store
            .appointment_for_dna(f.client_id, date(23))
            .expect("read"),
        None,
        "an attended appointment takes no DNA"
    );
}

#[test]
fn a_dna_against_an_appointment_links_the_dna_and_marks_it_missed() {
    let mut f = fixture();
    let id = booked_for_today(&mut f);
    let dna = session(&f, at(23, 14, 0), Attendance::DidNotAttend);
    let dna_id = f
        .store
        .write(|w| w.record_dna_against(id, &dna))
        .expect("dna saved");
    let missed = f.store.get::<BookedAppointment>(id).expect("read").record;
    assert_eq!(missed.status, AppointmentStatus::Dna);
    assert_eq!(missed.outcome_session, Some(dna_id));
    let day = f
        .store
        .appointments_on(Scope::Worker(f.worker_id), date(23))
        .expect("day");
    assert_eq!(day.len(), 1);
    assert_eq!(day[0].status, AppointmentStatus::Dna);
}

#[test]
fn a_second_dna_for_one_appointment_is_refused_and_saves_nothing() {
    let mut f = fixture();
    let id = booked_for_today(&mut f);
    let dna = session(&f, at(23, 14, 0), Attendance::DidNotAttend);
    f.store
        .write(|w| w.record_dna_against(id, &dna))
        .expect("first dna");
    let sessions_before = f.store.counts().expect("counts");
    let second = f.store.write(|w| w.record_dna_against(id, &dna));
    assert!(
        matches!(
            second,
            Err(StoreError::AlreadyDone {
                what: RecordType::Appointment,
                ..
            })
        ),
        "{second:?}"
    );
    assert_eq!(f.store.counts().expect("counts"), sessions_before);
    let found = f
        .store
        .appointment_for_dna(f.client_id, date(23))
        .expect("read")
        .expect("the missed one");
    assert_eq!(found.record.status, AppointmentStatus::Dna);
}

#[test]
fn the_schema_refuses_settling_an_appointment_twice() {
    let mut f = fixture();
    let id = booked_for_today(&mut f);
    let attended = session(&f, at(23, 14, 0), Attendance::Attended);
    record(&mut f, &attended);
    let conn = rusqlite::Connection::open(f.store.path()).expect("open");
    let changed = conn.execute("UPDATE appointments SET status = 'dna' WHERE id = ?1", [id]);
    assert!(changed.is_err(), "an outcome is final");
}
