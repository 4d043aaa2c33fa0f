//! One session as the demo records it: its kind, length, what it delivered and its note, and
//! the readiness note a session may carry. A note is chosen from the event it records (the
//! assessment that starts treatment, a return after missed appointments, the day of release
//! from prison, a lapse, an ordinary session at the client's stage) and from the client's
//! substances, never at random.

use super::Dice;
use super::fit::{self, Moment, Planned};
use super::text::{self, change_talk, session_opening};
use crate::domain::*;
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeSet;

/// What came before a session: the days booked before it and the days the client attended.
#[derive(Debug, Clone, Copy)]
pub(super) struct Past<'a> {
    pub(super) booked: &'a [NaiveDate],
    pub(super) seen: &'a [NaiveDate],
}

impl Past<'_> {
    /// The appointments missed (or cancelled) since the client was last seen.
    fn missed_since_seen(&self) -> usize {
        let last = self.seen.last();
        self.booked
            .iter()
            .filter(|d| last.is_none_or(|l| *d > l))
            .count()
    }
}

/// What an attended session records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// The first time the client is seen: assessment and the start of treatment.
    Assessment,
    /// The day the client left prison.
    Release,
    /// Back after two or more appointments missed.
    Return,
    /// A session at the client's stage (a lapse when the stage is relapse).
    Ongoing,
}

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
    past: Past<'_>,
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
    let on = started_at.date();
    let moment = Moment::of(client, on);
    let note = if attended {
        let event = if past.seen.is_empty() {
            Event::Assessment
        } else if moment.release_day {
            Event::Release
        } else if past.missed_since_seen() >= 2 {
            Event::Return
        } else {
            Event::Ongoing
        };
        let mut note = match event {
            Event::Assessment => assessment(client, &interventions, moment),
            Event::Release => fit::pick_at(dice, text::RELEASE_NOTES, client, moment, None).into(),
            Event::Return => fit::pick_at(dice, text::RETURN_NOTES, client, moment, None).into(),
            Event::Ongoing => {
                fit::pick_at(dice, session_opening(stage), client, moment, None).to_owned()
            }
        };
        if event != Event::Assessment && dice.chance(0.6) {
            note.push('\n');
            note.push_str(fit::pick(dice, text::SESSION_FOLLOW_UPS, client));
        }
        if dice.chance(0.3) {
            note.push_str("\nClient said: \"");
            note.push_str(fit::pick_at(dice, change_talk(stage), client, moment, None));
            note.push('"');
        }
        note
    } else {
        match attendance {
            Attendance::DidNotAttend => fit::pick(dice, text::DNA_NOTES, client),
            Attendance::CancelledByService => dice.pick(text::CANCELLED_BY_SERVICE_NOTES),
            _ => dice.pick(text::CANCELLED_BY_CLIENT_NOTES),
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
    previous: Option<&ReadinessNote>,
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
        note: NoteText::new(fit::pick_at(
            dice,
            change_talk(stage),
            client,
            Moment::of(client, noted_on),
            previous.map(|p| p.note.as_str()),
        ))
        .expect("short"),
        session_id: Some(session_id),
    }
}

/// The note of the assessment that starts treatment: what was assessed and what was agreed,
/// from the client's substances and treatment, what the session delivered (the naloxone kit,
/// the BBV tests) and whether the client left prison that day. Never a "since last session": there was none.
fn assessment(client: &Client, delivered: &BTreeSet<Intervention>, moment: Moment) -> String {
    let substance = match client.primary_substance {
        Substance::Heroin => "heroin".to_owned(),
        Substance::Cocaine => "cocaine".to_owned(),
        Substance::PrescribedOpioids => "prescribed opioid".to_owned(),
        Substance::Other => "drug".to_owned(),
        other => other.label().to_lowercase(),
    };
    let mut note = format!(
        "Assessment and start of treatment. Took a history of {substance} use, other substances, how they are taken, physical and mental health, housing and risk. Consent and information sharing explained."
    );
    let agreed = match client.modality {
        Modality::OstMethadone => {
            " Agreed to start methadone with the prescriber: a low first dose, supervised daily, and the dose built up over the first weeks."
        }
        Modality::OstBuprenorphine => {
            " Agreed to start buprenorphine with the prescriber: a first dose once in withdrawal, supervised daily, and the dose built up over the first weeks."
        }
        Modality::LaiBuprenorphine => {
            " Agreed to start long-acting buprenorphine with the prescriber (a weekly or monthly depot), once settled on a daily dose."
        }
        Modality::HeroinAssisted => {
            " Agreed the assessment for heroin-assisted treatment with the prescriber; doses given at the clinic."
        }
        Modality::Alcohol => {
            " Went through a typical week's drinking in units and the AUDIT. Advised not to stop suddenly without medical support; agreed a plan to cut down safely."
        }
        Modality::Detox => {
            " Talked through what a planned detox involves and agreed to prepare for it with the doctor."
        }
        _ => " Agreed to meet regularly for key work and to start a recovery plan together.",
    };
    note.push_str(agreed);
    if moment.release_day {
        note.push_str(" Released from prison today: tolerance is lower after time inside.");
    }
    if client.uses_opioids() || client.modality.is_ost() {
        note.push_str(if delivered.contains(&Intervention::NaloxoneSupplied) {
            " Overdose risk talked through; naloxone kit supplied and its use shown."
        } else {
            " Overdose risk talked through; naloxone offered."
        });
    }
    if fit::injected(client) {
        note.push_str(if delivered.contains(&Intervention::BbvTest) {
            " BBV tests taken; hep B vaccination discussed."
        } else {
            " Offered BBV testing and hep B vaccination."
        });
    }
    note.push_str(" Risk assessment recorded; first goals agreed for the recovery plan.");
    note
}

/// The words of a readiness check that found nothing changed: never the same as the note
/// before, so a record read down the page shows each check was made afresh.
pub(super) fn recheck_words(previous: Option<&ReadinessNote>) -> &'static str {
    let [first, second] = text::RECHECK_NOTES;
    if previous.is_some_and(|p| p.note.as_str() == first) {
        second
    } else {
        first
    }
}
