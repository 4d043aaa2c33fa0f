//! One demo client's whole history: referral, prescriptions, sessions, readiness, plan, the
//! reviews done, TOPs, and the dates the review rules read. Reviews are stored only once done;
//! what is due now follows from the rules, so a lapse shows as an overdue review.

use super::fit::{self, Planned};
use super::outcomes::{Profile, Response};
use super::text::{self, change_talk, review_outcomes, session_opening};
use super::{Dice, Team};
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use std::collections::BTreeSet;

/// The dates that bound a client's time with the service.
pub(super) struct Span {
    pub(super) start: NaiveDate,
    /// Discharge or transfer; `None` while the client is still with the service.
    pub(super) end: Option<NaiveDate>,
}

impl Span {
    pub(super) fn last_day(&self, today: NaiveDate) -> NaiveDate {
        self.end.unwrap_or(today)
    }
}

/// How the latest appointments went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LastSessions {
    /// As chance has it (a few active clients miss three in a row).
    Random,
    /// The latest one attended.
    Attended,
    /// The latest three missed.
    ThreeDnas,
}

/// The choices that shape one client's history beyond their record: ordinary clients draw them,
/// the showcase clients have them set.
pub(super) struct Course {
    /// Every review done on time up to today: none lapses at the end.
    pub(super) on_time: bool,
    /// Care-plan reviews due on or after this day were not done.
    pub(super) care_plan_stops: Option<NaiveDate>,
    /// Prescribing reviews due on or after this day were not done.
    pub(super) prescribing_stops: Option<NaiveDate>,
    /// The plan stalled this day: no goal set or moved since.
    pub(super) stalled_on: Option<NaiveDate>,
    pub(super) exit_goal: bool,
    pub(super) start_top: bool,
    pub(super) exit_top: bool,
    pub(super) response: Response,
    /// The day the client changed OST medicine, if they did.
    pub(super) switched_on: Option<NaiveDate>,
    /// On hold since this day (reviews stop then).
    pub(super) on_hold_since: Option<NaiveDate>,
    pub(super) last_sessions: LastSessions,
    /// The stages of change the client passes through, spread evenly over their sessions, every
    /// one attended: a scenario's story. `None` draws them as chance has it.
    pub(super) arc: Option<&'static [Stage]>,
    /// The dose came down from this day: a planned reduction towards exit.
    pub(super) reduce_from: Option<NaiveDate>,
    /// Life domains the plan has an active goal in, besides those drawn.
    pub(super) goal_domains: &'static [GoalDomain],
}

impl Course {
    /// A client whose care runs as it should: every review on time, a plan that moves, an
    /// exit goal, every TOP taken.
    pub(super) fn on_time(response: Response) -> Self {
        Self {
            on_time: true,
            care_plan_stops: None,
            prescribing_stops: None,
            stalled_on: None,
            exit_goal: true,
            start_top: true,
            exit_top: true,
            response,
            switched_on: None,
            on_hold_since: None,
            last_sessions: LastSessions::Attended,
            arc: None,
            reduce_from: None,
            goal_domains: &[],
        }
    }
}

/// An ordinary client of the generated service, drawn at random.
pub(super) fn client(
    w: &Writer<'_>,
    dice: &mut Dice,
    team: &Team,
    key_worker: i64,
    number: u32,
    years: u32,
) -> Result<()> {
    let today = dice.today;
    let referral = dice.days_ago(14, i64::from(years.max(1)) * 365);
    let start = referral + Duration::days(dice.between(0, 14));
    let mut status = dice.weighted(&[
        (80, ClientStatus::Active),
        (5, ClientStatus::OnHold),
        (11, ClientStatus::Discharged),
        (4, ClientStatus::Transferred),
    ]);
    let long_enough_to_leave = (today - start).num_days() > 120;
    if !long_enough_to_leave {
        status = ClientStatus::Active;
    }
    let end = matches!(status, ClientStatus::Discharged | ClientStatus::Transferred)
        .then(|| start + Duration::days(dice.between(90, (today - start).num_days() - 7)));
    let span = Span { start, end };

    let modality = dice.weighted(&[
        (34, Modality::OstMethadone),
        (20, Modality::OstBuprenorphine),
        (7, Modality::LaiBuprenorphine),
        (2, Modality::HeroinAssisted),
        (15, Modality::Psychosocial),
        (4, Modality::Detox),
        (18, Modality::Alcohol),
    ]);
    let client = build_client(dice, number, key_worker, status, referral, &span, modality);
    let client_id = w.insert(&client)?;

    let last_day = span.last_day(today);
    let days_in = (last_day - start).num_days();
    // Some long-term OST clients have gone without a prescribing review for months and their
    // plan has stalled: exactly the "parked" care the reports warn about, so the demo shows
    // what the software makes visible.
    let parked =
        modality.is_ost() && status == ClientStatus::Active && days_in > 730 && dice.chance(0.15);
    let stop = |dice: &mut Dice| start + Duration::days(dice.between(200, days_in - 240));
    let prescribing_stops = parked.then(|| stop(dice));
    let care_plan_stops = (parked && dice.chance(0.4)).then(|| stop(dice));
    let stalled_on = parked.then(|| dice.days_ago(200, 400).max(start));
    // A few changed medicine along the way (methadone to buprenorphine, or back).
    let switchable = matches!(
        modality,
        Modality::OstMethadone | Modality::OstBuprenorphine | Modality::LaiBuprenorphine
    );
    let switched_on = (switchable && days_in > 240 && dice.chance(0.12))
        .then(|| start + Duration::days(dice.between(120, days_in - 60)));
    let on_hold_since = (status == ClientStatus::OnHold).then(|| dice.days_ago(10, 90).max(start));
    let course = Course {
        on_time: false,
        care_plan_stops,
        prescribing_stops,
        stalled_on,
        exit_goal: dice.chance(0.9),
        start_top: dice.chance(0.92),
        // NDTMS asks for an exit TOP at every discharge, and the check names any missing.
        exit_top: true,
        response: Response::draw(dice),
        switched_on,
        on_hold_since,
        last_sessions: LastSessions::Random,
        arc: None,
        reduce_from: None,
        goal_domains: &[],
    };
    history(w, dice, team, client_id, &client, &span, &course, |_, _| {})
}

/// Everything after the client's record: prescriptions, sessions and readiness, the plan,
/// reviews, TOPs (passed through `adjust` before they are saved) and the dates the rules read.
#[allow(clippy::too_many_arguments)]
pub(super) fn history(
    w: &Writer<'_>,
    dice: &mut Dice,
    team: &Team,
    client_id: i64,
    client: &Client,
    span: &Span,
    course: &Course,
    adjust: impl FnOnce(&mut Dice, &mut [Top]),
) -> Result<()> {
    // TOPs first: the prescriptions relax supervision only after one with no opiate use.
    let mut tops = outcomes(dice, client_id, client, span, course);
    adjust(dice, &mut tops);
    if client.modality.is_ost() {
        let prescribing = super::prescribing::Prescribing {
            client_id,
            client,
            prescriber: team.prescriber,
            span,
            switched_on: course.switched_on,
            reduce_from: course.reduce_from,
            tops: &tops,
        };
        for p in super::prescribing::prescriptions(&prescribing, dice) {
            w.insert(&p)?;
        }
    }
    let active = client.status == ClientStatus::Active;
    let (final_stage, risk, seen) = timeline(w, dice, client_id, client, span, active, course)?;
    // The record as the sessions left it, by the rule a session saved applies.
    let recorded = Client {
        risk,
        ..client.clone()
    };
    if recorded != *client {
        w.update_client(client_id, 1, &recorded)?;
    }
    let client = &recorded;
    super::plan::plan(w, dice, client_id, client, span, final_stage, course, &seen)?;
    let last_day = span.last_day(dice.today);
    let risk_changed_on = client
        .risk
        .naloxone_supplied_on
        .filter(|on| (span.start..=last_day).contains(on));
    let events: Vec<NaiveDate> = [risk_changed_on, client.risk.prison_release_on]
        .into_iter()
        .flatten()
        .collect();
    reviews(w, dice, team, client_id, client, span, course, &events)?;
    for top in &tops {
        w.insert(top)?;
    }
    w.set_milestones(
        client_id,
        &Milestones {
            status_since: match client.status {
                ClientStatus::Active => Some(span.start),
                ClientStatus::OnHold => course.on_hold_since.or(Some(span.start)),
                ClientStatus::Discharged | ClientStatus::Transferred => span.end,
            },
            modality_since: Some(course.switched_on.unwrap_or(span.start)),
            ost_since: client.modality.is_ost().then_some(span.start),
            risk_changed_on,
        },
    )
}

fn build_client(
    dice: &mut Dice,
    number: u32,
    key_worker: i64,
    status: ClientStatus,
    referral: NaiveDate,
    span: &Span,
    modality: Modality,
) -> Client {
    let today = dice.today;
    let given = dice.pick(text::GIVEN_NAMES);
    let family = dice.pick(text::FAMILY_NAMES);
    let preferred = text::preferred_form(given).filter(|_| dice.chance(0.6));
    let date_of_birth = today - Duration::days(dice.between(20 * 365, 64 * 365));
    let primary_substance = match modality {
        m if m.is_ost() => Substance::Heroin,
        Modality::Alcohol => Substance::Alcohol,
        Modality::Detox => dice.pick(&[
            Substance::Heroin,
            Substance::Alcohol,
            Substance::Benzodiazepines,
        ]),
        _ => dice.weighted(&[
            (30, Substance::Crack),
            (25, Substance::Cocaine),
            (20, Substance::Cannabis),
            (8, Substance::Ketamine),
            (7, Substance::Amphetamines),
            (5, Substance::SyntheticCannabinoids),
            (5, Substance::PrescribedOpioids),
        ]),
    };
    let mut other_substances = BTreeSet::new();
    for _ in 0..dice.between(0, 2) {
        let other = dice.pick(&[
            Substance::Crack,
            Substance::Alcohol,
            Substance::Cannabis,
            Substance::Benzodiazepines,
            Substance::Gabapentinoids,
            Substance::Cocaine,
        ]);
        if other != primary_substance {
            other_substances.insert(other);
        }
    }
    let opioid = primary_substance == Substance::Heroin;
    let injecting = if opioid {
        dice.weighted(&[
            (25, InjectingStatus::Currently),
            (45, InjectingStatus::Previously),
            (30, InjectingStatus::Never),
        ])
    } else {
        dice.weighted(&[
            (90, InjectingStatus::Never),
            (8, InjectingStatus::Previously),
            (2, InjectingStatus::Declined),
        ])
    };
    let prison_release_on = dice
        .chance(0.06)
        .then(|| dice.days_ago(2, 90))
        .filter(|d| *d >= referral);
    let benzos = other_substances.contains(&Substance::Benzodiazepines);
    let recently_released = prison_release_on.is_some_and(|d| (today - d).num_days() <= 28);
    let naloxone_held = opioid && dice.chance(0.8);
    let last_day = span.last_day(today);
    let injected = injecting != InjectingStatus::Never;
    Client {
        reference: ServiceRef::from_number(number),
        given_name: Name::new(given).expect("listed names are valid"),
        family_name: Name::new(family).expect("listed names are valid"),
        preferred_name: preferred.map(|p| Name::new(p).expect("listed names are valid")),
        date_of_birth,
        nhs_number: test_range_nhs_number(number).filter(|_| dice.chance(0.8)),
        key_worker_id: key_worker,
        status,
        referral_date: referral,
        treatment_start: Some(span.start),
        primary_substance,
        other_substances,
        injecting,
        modality,
        shared_care: (modality.is_ost() && dice.chance(0.4))
            .then(|| Name::new(dice.pick(text::GP_PRACTICES)).expect("listed names are valid")),
        risk: RiskFlags {
            overdose_risk: opioid
                && (injecting == InjectingStatus::Currently || benzos || recently_released),
            naloxone_held,
            naloxone_supplied_on: naloxone_held
                .then(|| dice.days_ago(0, 450).max(referral).min(last_day)),
            safeguarding_children: dice.chance(0.15),
            prison_release_on,
            hep_b: injected.then(|| {
                dice.pick(&[
                    HepBStatus::NotStarted,
                    HepBStatus::InProgress,
                    HepBStatus::Completed,
                    HepBStatus::Immune,
                ])
            }),
            hep_c_tested_on: (injected && dice.chance(0.8))
                .then(|| dice.days_ago(10, 500).max(referral).min(last_day)),
            hiv_tested_on: (injected && dice.chance(0.7))
                .then(|| dice.days_ago(10, 500).max(referral).min(last_day)),
        },
    }
}

/// An NHS number in the range reserved for testing (999 000 0000 to 999 999 9999), distinct for
/// each client number; `None` for the one in eleven whose check digit would be 10.
pub(super) fn test_range_nhs_number(number: u32) -> Option<NhsNumber> {
    // 7919 is coprime to a million, so distinct client numbers give distinct middles.
    let middle = (u64::from(number) * 7919) % 1_000_000;
    let first_nine = format!("999{middle:06}");
    let digits: Vec<u32> = first_nine.bytes().map(|b| u32::from(b - b'0')).collect();
    let check = NhsNumber::check_digit(&digits)?;
    NhsNumber::new(&format!("{first_nine}{check}")).ok()
}

/// A client whose care runs on time has readiness checked again this often (under the 12 weeks
/// of [`crate::domain::alert::READINESS_CHECK_AFTER`]).
const READINESS_RECHECK_DAYS: i64 = 56;

/// Sessions and readiness notes from the start until discharge or today; returns the stage the
/// client has reached, the risk flags as the sessions leave them (the naloxone kit, BBV tests
/// and hep B dose the client's drawn flags date inside their treatment are delivered in the
/// session nearest each date, which the client attended) and the days the client attended, in
/// order, the days the plan is set and reviewed on.
fn timeline(
    w: &Writer<'_>,
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    span: &Span,
    active: bool,
    course: &Course,
) -> Result<(Stage, RiskFlags, Vec<NaiveDate>)> {
    let last_sessions = course.last_sessions;
    let today = dice.today;
    let cadence = dice.between(14, 28);
    let mut stage = dice.weighted(&[
        (20, Stage::Precontemplation),
        (40, Stage::Contemplation),
        (25, Stage::Preparation),
        (15, Stage::Action),
    ]);
    // A few active clients have missed their last three appointments: a concern to follow up.
    let dna_streak = match last_sessions {
        LastSessions::Random => active && dice.chance(0.05),
        LastSessions::Attended => false,
        LastSessions::ThreeDnas => true,
    };
    let mut dates = Vec::new();
    let mut day = span.start;
    let last = span.last_day(today);
    while day <= last {
        dates.push(weekday_within(day, span.start, last));
        day += Duration::days(cadence + dice.between(-3, 3));
    }
    // The three missed at the end of a streak cannot carry anything.
    let open: Vec<usize> = (0..dates.len())
        .filter(|i| !(dna_streak && i + 3 >= dates.len()))
        .collect();
    let planned = fit::plan(client, &dates, &open);
    let mut risk = fit::before_sessions(client, dates.first().copied());
    let mut hep_b_doses = 0;
    let mut last_note: Option<ReadinessNote> = None;
    let mut seen = Vec::new();
    for (index, date) in dates.iter().enumerate() {
        let at = at_time(dice, *date);
        let next = dates
            .get(index + 1)
            .copied()
            .or_else(|| active.then(|| today + Duration::days(dice.between(1, 14))))
            .map(|next| weekday_within(next, next, next + Duration::days(2)));
        let in_final_three = index + 3 >= dates.len();
        let delivers = planned.get(&index);
        let attendance = if delivers.is_some() || course.arc.is_some() {
            Attendance::Attended
        } else if dna_streak && in_final_three {
            Attendance::DidNotAttend
        } else if last_sessions == LastSessions::Attended && index + 1 == dates.len() {
            Attendance::Attended
        } else {
            dice.weighted(&[
                (84, Attendance::Attended),
                (11, Attendance::DidNotAttend),
                (3, Attendance::CancelledByClient),
                (2, Attendance::CancelledByService),
            ])
        };
        let previous = stage;
        if attendance == Attendance::Attended {
            stage = match course.arc {
                Some(arc) => stage_on_arc(arc, index, dates.len()),
                None => next_stage(dice, stage),
            };
        }
        let next_at = next.map(|d| at_time(dice, d));
        let this = session(
            dice, client_id, client, at, next_at, attendance, stage, delivers,
        );
        if let Some(delivered) = delivers {
            if delivered
                .interventions
                .contains(&Intervention::HepBVaccination)
            {
                hep_b_doses += 1;
            }
            risk = risk.after_session(&this, delivered.bbv(), hep_b_doses);
        }
        let session_id = w.insert(&this)?;
        // The last session of a client still in treatment books the next appointment it names:
        // the diary holds it, not only the note (issue 21: "a living diary").
        if active
            && index + 1 == dates.len()
            && this.next_appointment.is_some_and(|at| at.date() > today)
        {
            w.book_next_appointment(session_id, &this)?;
        }
        if attendance == Attendance::Attended {
            seen.push(*date);
        }
        let noted = attendance == Attendance::Attended && (stage != previous || index % 4 == 0);
        if noted {
            let note = readiness_note(dice, client_id, client, *date, stage, session_id);
            w.insert(&note)?;
            last_note = Some(note);
        } else if course.on_time
            && attendance == Attendance::Attended
            && last_note
                .as_ref()
                .is_none_or(|n| (*date - n.noted_on).num_days() >= READINESS_RECHECK_DAYS)
        {
            // A well-looked-after client has readiness checked again before the alert's 12
            // weeks, the ruler as it was; no dice, so every other client's record stays as the
            // seed draws it.
            let note = ReadinessNote {
                noted_on: *date,
                stage,
                note: NoteText::new("Readiness checked again: no change.").expect("short"),
                session_id: Some(session_id),
                ..last_note.clone().unwrap_or(ReadinessNote {
                    client_id,
                    worker_id: client.key_worker_id,
                    noted_on: *date,
                    stage,
                    importance: None,
                    confidence: None,
                    readiness: None,
                    note: NoteText::empty(),
                    session_id: None,
                })
            };
            w.insert(&note)?;
            last_note = Some(note);
        }
    }
    Ok((stage, risk, seen))
}

/// A weekday near `date` within `first..=last`: a weekend moves back to the Friday, or forward
/// to the Monday when Friday is too early; the date stays put only if neither fits.
fn weekday_within(date: NaiveDate, first: NaiveDate, last: NaiveDate) -> NaiveDate {
    let (back, forward) = match date.weekday() {
        chrono::Weekday::Sat => (1, 2),
        chrono::Weekday::Sun => (2, 1),
        _ => return date,
    };
    let (friday, monday) = (date - Duration::days(back), date + Duration::days(forward));
    if friday >= first {
        friday
    } else if monday <= last {
        monday
    } else {
        date
    }
}

fn at_time(dice: &mut Dice, date: NaiveDate) -> NaiveDateTime {
    let hour = dice.between(9, 16) as u32;
    let minute = dice.pick(&[0, 15, 30, 45]);
    date.and_hms_opt(hour, minute, 0).expect("valid time")
}

/// The stage at session `index` of `sessions` on a scripted arc: each stage for an equal share
/// of the sessions, the last stage at the last session.
fn stage_on_arc(arc: &[Stage], index: usize, sessions: usize) -> Stage {
    let at = if index + 1 >= sessions {
        arc.len() - 1
    } else {
        index * arc.len() / sessions
    };
    arc[at.min(arc.len() - 1)]
}

/// Forward through the stages of change, with the occasional relapse and recovery from it.
fn next_stage(dice: &mut Dice, stage: Stage) -> Stage {
    match stage {
        Stage::Action | Stage::Maintenance if dice.chance(0.05) => Stage::Relapse,
        Stage::Relapse => dice.pick(&[Stage::Relapse, Stage::Contemplation, Stage::Preparation]),
        Stage::Precontemplation if dice.chance(0.12) => Stage::Contemplation,
        Stage::Contemplation if dice.chance(0.12) => Stage::Preparation,
        Stage::Preparation if dice.chance(0.15) => Stage::Action,
        Stage::Action if dice.chance(0.08) => Stage::Maintenance,
        unchanged => unchanged,
    }
}

/// One session: what it delivered by chance among what fits the client, plus what the record
/// says it delivered (`delivers`), and a note that fits the client.
#[allow(clippy::too_many_arguments)]
fn session(
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

fn readiness_note(
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

/// The completed reviews: care plan and risk by the key worker, prescribing (OST only) by the
/// prescriber. Risk reviews also follow within a week of a risk flag changing or a release from
/// prison (`events`). Prescribing reviews start again after a change of medicine.
#[allow(clippy::too_many_arguments)]
fn reviews(
    w: &Writer<'_>,
    dice: &mut Dice,
    team: &Team,
    client_id: i64,
    client: &Client,
    span: &Span,
    course: &Course,
    events: &[NaiveDate],
) -> Result<()> {
    let until = reviews_until(span, course, dice.today);
    let lapse = lapses(client, course);
    let twelve_weeks = Duration::weeks(12);
    let key_worker = client.key_worker_id;
    let done = |dice: &mut Dice, kind: ReviewKind, by: i64, series: Series<'_>| -> Result<()> {
        for (due_on, completed_on) in series.completed(dice) {
            w.insert(&Review {
                client_id,
                kind,
                due_on,
                completion: Some(ReviewCompletion {
                    completed_on,
                    completed_by: by,
                    outcome: NoteText::new(fit::pick(dice, review_outcomes(kind), client))
                        .expect("short"),
                }),
            })?;
        }
        Ok(())
    };
    let series = |first_due: NaiveDate, stop: Option<NaiveDate>| Series {
        from: span.start,
        first_due,
        every: twelve_weeks,
        until,
        stop,
        events: &[],
        on_time: course.on_time,
        lapse,
    };
    done(
        dice,
        ReviewKind::CarePlan,
        key_worker,
        series(span.start + twelve_weeks, course.care_plan_stops),
    )?;
    if client.modality.is_ost() {
        let first = Duration::weeks(4);
        let current_from = match course.switched_on {
            Some(on) => {
                let before = Series {
                    until: on.min(until),
                    lapse: false,
                    ..series(span.start + first, None)
                };
                done(dice, ReviewKind::Prescribing, team.prescriber, before)?;
                on
            }
            None => span.start,
        };
        let current = Series {
            from: current_from,
            ..series(current_from + first, course.prescribing_stops)
        };
        done(dice, ReviewKind::Prescribing, team.prescriber, current)?;
    }
    let risk = Series {
        events,
        ..series(span.start + twelve_weeks, None)
    };
    done(dice, ReviewKind::Risk, key_worker, risk)
}

/// The last day reviews were done: discharge, the start of a hold, or today.
fn reviews_until(span: &Span, course: &Course, today: NaiveDate) -> NaiveDate {
    course.on_hold_since.unwrap_or_else(|| span.last_day(today))
}

/// Whether the latest reviews may have lapsed: only for ordinary clients still in treatment.
fn lapses(client: &Client, course: &Course) -> bool {
    !course.on_time && client.status == ClientStatus::Active
}

/// Reviews of one kind, each due an interval after the last was done (or sooner, a week after an
/// event), done a little early or late.
struct Series<'a> {
    /// Nothing is done before this day.
    from: NaiveDate,
    first_due: NaiveDate,
    every: Duration,
    /// Nothing is done after this day.
    until: NaiveDate,
    /// Reviews due on or after this day were not done.
    stop: Option<NaiveDate>,
    /// Days that bring the next review forward to a week after.
    events: &'a [NaiveDate],
    /// Every review due by `until` is done by then.
    on_time: bool,
    /// The latest one or two may not have been done.
    lapse: bool,
}

impl Series<'_> {
    /// Each review's due date and the day it was done.
    fn completed(&self, dice: &mut Dice) -> Vec<(NaiveDate, NaiveDate)> {
        let mut done: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        let mut last: Option<NaiveDate> = None;
        loop {
            let regular = last.map_or(self.first_due, |l| l + self.every);
            let soonest_event = self
                .events
                .iter()
                .filter(|e| **e >= self.from && last.is_none_or(|l| **e > l))
                .map(|e| *e + Duration::weeks(1))
                .min();
            let due = soonest_event.map_or(regular, |e| e.min(regular));
            if self.stop.is_some_and(|stop| due >= stop) {
                break;
            }
            let mut on = (due + Duration::days(dice.between(-7, 14))).max(self.from);
            if self.on_time && due <= self.until {
                on = on.min(self.until);
            }
            if on > self.until {
                break;
            }
            done.push((due, on));
            last = Some(on);
        }
        if self.lapse && dice.chance(0.05) {
            let missed = if dice.chance(0.7) { 1 } else { 2 };
            done.truncate(done.len().saturating_sub(missed));
        }
        done
    }
}

/// TOPs: at the start (for most), about every 26 weeks, and at exit (for most who left).
fn outcomes(
    dice: &mut Dice,
    client_id: i64,
    client: &Client,
    span: &Span,
    course: &Course,
) -> Vec<Top> {
    let until = reviews_until(span, course, dice.today);
    let every = Duration::weeks(26);
    let mut dates = Vec::new();
    if course.start_top {
        dates.push((span.start, TopStage::Start));
    }
    let reviews = Series {
        from: span.start,
        first_due: span.start + every,
        every,
        // No review TOP in the last month before an exit TOP.
        until: span
            .end
            .map_or(until, |end| (end - Duration::weeks(4)).max(span.start)),
        stop: None,
        events: &[],
        on_time: course.on_time,
        lapse: lapses(client, course),
    };
    dates.extend(
        reviews
            .completed(dice)
            .into_iter()
            .map(|(_, on)| (on, TopStage::Review)),
    );
    if let Some(end) = span.end.filter(|_| course.exit_top) {
        dates.push((end, TopStage::Exit));
    }
    let profile = Profile::new(dice, client, course.response);
    dates
        .into_iter()
        .map(|(on, stage)| {
            let months = (on - span.start).num_days() as f64 / 30.44;
            profile.top(dice, client_id, client.key_worker_id, on, stage, months)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    #[test]
    fn weekend_dates_move_to_a_weekday_inside_the_span() {
        // 21 and 22 November 2026 are a Saturday and a Sunday.
        assert_eq!(
            weekday_within(d(21), d(1), d(30)),
            d(20),
            "Saturday back to Friday"
        );
        assert_eq!(
            weekday_within(d(22), d(1), d(30)),
            d(20),
            "Sunday back to Friday"
        );
        assert_eq!(
            weekday_within(d(22), d(21), d(30)),
            d(23),
            "forward to Monday when Friday is too early"
        );
        assert_eq!(
            weekday_within(d(22), d(22), d(22)),
            d(22),
            "stays when nothing fits"
        );
        assert_eq!(weekday_within(d(18), d(1), d(30)), d(18), "weekdays stay");
    }
}
