//! One demo client's whole history: referral, prescriptions, sessions, readiness, plan, the
//! reviews done, TOPs, and the dates the review rules read. Reviews are stored only once done;
//! what is due now follows from the rules, so a lapse shows as an overdue review.

use super::course::{Course, LastSessions, Span};
use super::outcomes::Response;
use super::reviews::{
    Seen, outcomes, prescribing_days, prescribing_reviews, reviews, reviews_until,
};
use super::text;
use super::timeline::timeline;
use super::{Dice, Team};
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeSet;

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
    // Treatment starts at a session, and there are none at weekends.
    let start = referral + Duration::days(dice.between(0, 14));
    let start = super::timeline::weekday_within(start, referral, today);
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
    let mut client = build_client(dice, number, key_worker, status, referral, &span, modality);
    let last_day = span.last_day(today);
    // A detox is an episode of weeks: once done, the client carries on in psychosocial support.
    let detox_ends = (modality == Modality::Detox)
        .then(|| start + Duration::days(dice.between(super::detox::DAYS.0, super::detox::DAYS.1)));
    let detox_done = detox_ends.filter(|end| *end < last_day);
    if detox_done.is_some() {
        client.modality = Modality::Psychosocial;
    }
    let client_id = w.insert(&client)?;

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
        .then(|| start + Duration::days(dice.between(120, days_in - 60)))
        .or(detox_done.map(|end| end + Duration::days(1)));
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
        // A client who left was seen on the day they left.
        last_sessions: if end.is_some() {
            LastSessions::Attended
        } else {
            LastSessions::Random
        },
        arc: None,
        reduce_from: None,
        goal_domains: &[],
    };
    history(w, dice, team, client_id, &client, &span, &course, |_, _| {})?;
    match detox_ends {
        Some(end) => super::detox::record(w, dice, team, client_id, &client, start, end),
        None => Ok(()),
    }
}

/// Everything after the client's record, in the order the record is made: the sessions first
/// (every review and TOP is done at one the client attended), then the TOPs (the prescriptions
/// relax supervision only after one with no opiate use; `adjust` shapes them first), the
/// prescriptions with the prescribing reviews that changed them, the plan, the other reviews,
/// and the dates the review rules read.
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
    let active = client.status == ClientStatus::Active;
    let (final_stage, risk, attended) = timeline(w, dice, client_id, client, span, active, course)?;
    let seen = &Seen(&attended);
    // A client who left was seen on their last day: the discharge is the last session attended,
    // where the exit TOP is taken.
    let span = &Span {
        start: span.start,
        end: span
            .end
            .map(|end| seen.last().filter(|last| *last <= end).unwrap_or(end)),
    };
    // The record as the sessions left it, by the rule a session saved applies.
    let recorded = Client {
        risk,
        ..client.clone()
    };
    if recorded != *client {
        w.update_client(client_id, 1, &recorded)?;
    }
    let client = &recorded;
    let today = dice.today;
    let until = reviews_until(span, course, today);
    // A change of OST medicine is agreed at a prescribing review, with the client there, after
    // the first three months; none if no session fits. Any other change of modality keeps its day.
    let switched_on = match course.switched_on {
        Some(on) if client.modality.is_ost() => {
            seen.nearest(on, span.start + Duration::weeks(13), until)
        }
        other => other,
    };
    let mut tops = outcomes(dice, client_id, client, span, course, seen);
    adjust(dice, &mut tops);
    let mut written = Vec::new();
    if client.modality.is_ost() {
        let scheduled = prescribing_days(dice, client, span, course, switched_on, seen, &[]);
        let reviews: Vec<NaiveDate> = scheduled.iter().map(|(_, on)| *on).collect();
        let prescribing = super::prescribing::Prescribing {
            client_id,
            client,
            prescriber: team.prescriber,
            span,
            switched_on,
            reduce_from: course.reduce_from,
            tops: &tops,
            seen,
            reviews: &reviews,
            until,
        };
        let (prescriptions, changes) = super::prescribing::prescriptions(&prescribing, dice);
        for p in &prescriptions {
            w.insert(p)?;
        }
        let days = prescribing_days(dice, client, span, course, switched_on, seen, &changes);
        prescribing_reviews(
            w,
            dice,
            team,
            client_id,
            client,
            course,
            seen,
            &days,
            &prescriptions,
            &tops,
        )?;
        written = prescriptions;
    }
    super::plan::plan(
        w,
        dice,
        client_id,
        client,
        span,
        final_stage,
        course,
        &attended,
    )?;
    super::bbv::results(w, client_id, client, &attended)?;
    let last_day = span.last_day(today);
    let risk_changed_on = client
        .risk
        .naloxone_supplied_on
        .filter(|on| (span.start..=last_day).contains(on));
    let events: Vec<NaiveDate> = [risk_changed_on, client.risk.prison_release_on]
        .into_iter()
        .flatten()
        .collect();
    reviews(
        w,
        dice,
        client_id,
        client,
        span,
        course,
        final_stage,
        seen,
        &events,
        &written,
    )?;
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
            modality_since: Some(switched_on.unwrap_or(span.start)),
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
