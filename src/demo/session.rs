//! One session as the demo records it: its kind, length, what it delivered and its note, and
//! the readiness note a session may carry.

use super::Dice;
use super::fit::{self, Planned};
use super::text::{self, change_talk, session_opening};
use crate::domain::*;
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeSet;

/// One session: what it delivered by chance among what fits the client, plus what the record
/// says it delivered (`delivers`), and a note that fits the client.
#[allow(clippy::too_many_arguments)]
pub(super) fn session(
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    started_at: NaiveDateTime,
    next_appointment: Option<NaiveDateTime>,
    attendance: Attendance,
    stage: Stage,
    delivers: Option<&Planned>,
) -> Session {
    let worker_id = client.key_worker_id;
    let kind = dice.weighted(&[
        (60, SessionKind::KeyWork),
        (15, SessionKind::Phone),
        (8, SessionKind::Group),
        (5, SessionKind::Video),
        (7, SessionKind::HomeVisit),
        (5, SessionKind::Outreach),
    ]);
    let attended = attendance == Attendance::Attended;
    let minutes = match kind {
        _ if !attended => 0,
        SessionKind::KeyWork | SessionKind::HomeVisit => dice.pick(&[45, 50, 60]),
        SessionKind::Phone => dice.pick(&[10, 15, 20]),
        SessionKind::Group => 90,
        SessionKind::Video | SessionKind::Outreach => 30,
    };
    let mut interventions = delivers.map_or_else(BTreeSet::new, |d| d.interventions.clone());
    if attended {
        let by_chance = fit::by_chance(client);
        for _ in 0..dice.between(0, 3) {
            interventions.insert(dice.pick(&by_chance));
        }
    }
    let note = if attended {
        let mut note = fit::pick(dice, session_opening(stage), client).to_owned();
        if dice.chance(0.6) {
            note.push('\n');
            note.push_str(fit::pick(dice, text::SESSION_FOLLOW_UPS, client));
        }
        if dice.chance(0.3) {
            note.push_str("\nClient said: \"");
            note.push_str(fit::pick(dice, change_talk(stage), client));
            note.push('"');
        }
        note
    } else {
        match attendance {
            Attendance::DidNotAttend => fit::pick(dice, text::DNA_NOTES, client),
            _ => dice.pick(text::CANCELLED_NOTES),
        }
        .to_owned()
    };
    Session {
        client_id,
        worker_id,
        started_at,
        duration: Minutes::new(minutes).expect("demo durations are short"),
        kind,
        attendance,
        note: NoteText::new(note).expect("demo notes are short"),
        interventions,
        next_appointment: next_appointment.filter(|next| *next > started_at),
    }
}

pub(super) fn readiness_note(
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    noted_on: NaiveDate,
    stage: Stage,
    session_id: i64,
) -> ReadinessNote {
    // Importance, confidence and readiness ranges typical of each stage.
    let ranges: [(i64, i64); 3] = match stage {
        Stage::Precontemplation => [(1, 4), (2, 5), (0, 3)],
        Stage::Contemplation => [(4, 7), (2, 5), (3, 5)],
        Stage::Preparation => [(6, 8), (4, 7), (6, 8)],
        Stage::Action => [(7, 10), (6, 9), (7, 10)],
        Stage::Maintenance => [(8, 10), (7, 10), (8, 10)],
        Stage::Relapse => [(6, 9), (2, 5), (4, 7)],
    };
    let mut score = |(low, high): (i64, i64)| {
        dice.chance(0.9)
            .then(|| Score::new(dice.between(low, high) as u8).expect("ranges stay within 0-10"))
    };
    let [importance, confidence, readiness] = ranges.map(&mut score);
    ReadinessNote {
        client_id,
        worker_id: client.key_worker_id,
        noted_on,
        stage,
        importance,
        confidence,
        readiness,
        note: NoteText::new(fit::pick(dice, change_talk(stage), client)).expect("short"),
        session_id: Some(session_id),
    }
}
