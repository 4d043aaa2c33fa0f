//! One demo client's OST prescriptions, prescribed as the guidelines expect, so that the demo
//! teaches safe prescribing and `keywork check --clinical` finds nothing in it.
//!
//! Each course starts in the usual induction range and is titrated to a stable dose (the Orange
//! Book 2017, 4.3: methadone from 10-30 mg, up by no more than 10 mg at a time and 30 mg in a
//! week; buprenorphine from 4-8 mg, up in steps of 2-8 mg; prolonged-release buprenorphine in its
//! products' strengths). Doses are supervised daily for the first three months (NICE TA114) and
//! relaxed only after a TOP shows no illicit opiate use; take-home days are counted, safe storage
//! is discussed. Each prescription names its prescriber (the shared-care GP where there is one)
//! and pharmacy, ends the day before the next starts, and says why it ended. Methadone stays at
//! or below 100 mg a day, the dose above which an ECG is recommended (no ECGs are generated).

use super::Dice;
use super::course::Span;
use super::reviews::Seen;
use crate::domain::*;
use chrono::{Datelike, Duration, NaiveDate};

/// Community pharmacies of the fictional town (the GP practices' streets).
const PHARMACIES: &[&str] = &[
    "Riverside Pharmacy, Mill Lane",
    "Canal Street Chemist",
    "Station Road Pharmacy",
    "Market Square Pharmacy",
    "Heron Way Late-Night Pharmacy",
];

/// The highest methadone maintenance dose the demo prescribes: above it an ECG is recommended.
const METHADONE_TOP_MG: i64 = 100;

/// Who the client's prescriptions come from, and what they already know of the client.
pub(super) struct Prescribing<'a> {
    pub(super) client_id: i64,
    pub(super) client: &'a Client,
    /// The service's prescriber (when there is no shared-care GP).
    pub(super) prescriber: i64,
    pub(super) span: &'a Span,
    /// The day the client changed medicine, at a session they attended.
    pub(super) switched_on: Option<NaiveDate>,
    pub(super) reduce_from: Option<NaiveDate>,
    /// The client's TOPs, by date: supervision is relaxed only after one with no opiate use.
    pub(super) tops: &'a [Top],
    /// The days the client attended: a change is agreed at a review with the client there.
    pub(super) seen: &'a Seen<'a>,
    /// The prescribing reviews the schedule brings: supervision is relaxed at one of them.
    pub(super) reviews: &'a [NaiveDate],
    /// The last day reviews are held (discharge, a hold, today): no change is made after it.
    pub(super) until: NaiveDate,
}

/// One prescription of a course, before its end is known.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    from: NaiveDate,
    dose_mg: f64,
    interval: DoseInterval,
    supervision: Supervision,
    take_home_days: Option<u8>,
    /// Why the step before this one ended.
    ends_the_last: &'static str,
}

/// The client's prescriptions over their time with the service, oldest first, each ending the
/// day before the next (a switch of medicine included), and the days a prescribing review
/// changed them (every change after titration: supervision relaxed, a reduction, the move to the
/// monthly injection, a switch of medicine).
pub(super) fn prescriptions(
    p: &Prescribing<'_>,
    dice: &mut Dice,
) -> (Vec<OstPrescription>, Vec<NaiveDate>) {
    let last_day = p.span.last_day(dice.today);
    let modality = p.client.modality;
    let courses: Vec<(Modality, NaiveDate, Option<NaiveDate>)> = match p.switched_on {
        Some(on) => {
            let before = match modality {
                Modality::OstMethadone => Modality::OstBuprenorphine,
                _ => Modality::OstMethadone,
            };
            vec![(before, p.span.start, Some(on)), (modality, on, None)]
        }
        None => vec![(modality, p.span.start, None)],
    };
    let pharmacy = dice.pick(PHARMACIES);
    let prescriber = match &p.client.shared_care {
        Some(gp) => Prescriber::Named(gp.as_str().to_owned()),
        None => Prescriber::Worker(p.prescriber),
    };
    let mut written = Vec::new();
    let mut changes = Vec::new();
    let mut last_step: Option<Step> = None;
    for (modality, from, until) in courses {
        let last = until.map_or(last_day, |on| on - Duration::days(1));
        let mut steps = course(p, dice, modality, from, last, &mut changes);
        // A switch is a change the review records in dose or supervision: a first dose equal to
        // the last of the other medicine, both supervised daily, is drawn again.
        for _ in 0..8 {
            let same = last_step.as_ref().is_some_and(|l| {
                l.dose_mg == steps[0].dose_mg && l.supervision == steps[0].supervision
            });
            if !same {
                break;
            }
            changes.retain(|c| *c < from);
            steps = course(p, dice, modality, from, last, &mut changes);
        }
        if last_step.is_some() {
            changes.push(from);
        }
        last_step = steps.last().cloned();
        let medicine = medicine_of(modality);
        for (i, step) in steps.iter().enumerate() {
            let next = steps.get(i + 1);
            let ended_on = match next {
                Some(next) => Some(next.from - Duration::days(1)),
                None => until.map(|on| on - Duration::days(1)).or(p.span.end),
            };
            let end_reason = match next {
                Some(next) => Some(next.ends_the_last),
                None if until.is_some() => {
                    Some("Changed medicine: the switch was agreed at review")
                }
                None if p.span.end.is_some() => Some("Left the service"),
                None => None,
            };
            let clinic = matches!(step.supervision, Supervision::ClinicAdministered);
            written.push(OstPrescription {
                rx: Prescription {
                    client_id: p.client_id,
                    medicine,
                    dose_mg: step.dose_mg,
                    interval: step.interval,
                    started_on: step.from,
                    ended_on,
                    supervision: step.supervision,
                },
                terms: Terms {
                    interval_days: (medicine == Medicine::BuprenorphineDepot).then_some(
                        if step.interval == DoseInterval::Monthly {
                            28
                        } else {
                            7
                        },
                    ),
                    take_home_days: step.take_home_days,
                    pharmacy: (!clinic).then(|| pharmacy.to_owned()),
                    prescriber: Some(prescriber.clone()),
                    end_reason: end_reason.map(str::to_owned),
                    safe_storage_discussed: step.supervision.has_take_home().then_some(true),
                    ..Terms::default()
                },
            });
        }
    }
    changes.sort();
    changes.dedup();
    (written, changes)
}

fn medicine_of(modality: Modality) -> Medicine {
    match modality {
        Modality::OstMethadone => Medicine::Methadone,
        Modality::OstBuprenorphine => Medicine::Buprenorphine,
        Modality::LaiBuprenorphine => Medicine::BuprenorphineDepot,
        _ => Medicine::Diamorphine,
    }
}

/// One medicine's steps from `from` to `last` (its last day): induction and titration, the
/// supervision relaxed when a TOP allows, a reduction towards a planned exit; the days a review
/// made a change go into `changes`.
fn course(
    p: &Prescribing<'_>,
    dice: &mut Dice,
    modality: Modality,
    from: NaiveDate,
    last: NaiveDate,
    changes: &mut Vec<NaiveDate>,
) -> Vec<Step> {
    let mut steps = titration(dice, modality, from);
    steps.retain(|s| s.from <= last);
    // The last day a review can change this course.
    let last = last.min(p.until);
    if modality == Modality::LaiBuprenorphine && dice.chance(0.5) {
        // Some move to the monthly product (its equivalent strength) at the first prescribing
        // review, after four weeks settled on the weekly injections.
        let first_review = p
            .reviews
            .iter()
            .copied()
            .find(|r| *r >= from + Duration::days(21) && *r <= from + Duration::days(70));
        if let Some(on) = first_review.filter(|on| *on <= last) {
            let weekly = steps
                .last()
                .cloned()
                .expect("the first step starts the course");
            steps.push(Step {
                from: on,
                dose_mg: weekly.dose_mg * 4.0,
                interval: DoseInterval::Monthly,
                ends_the_last: "Stable on weekly injections: moved to the monthly product",
                ..weekly
            });
            changes.push(on);
        }
    }
    let clinic = !matches!(
        modality,
        Modality::OstMethadone | Modality::OstBuprenorphine
    );
    if !clinic && let Some((on, days)) = relaxation(p, dice, from, last) {
        changes.push(on);
        let current = steps
            .iter()
            .rev()
            .find(|s| s.from <= on)
            .cloned()
            .expect("the first step starts the course");
        steps.retain(|s| s.from < on);
        steps.push(Step {
            from: on,
            supervision: if days >= 7 {
                Supervision::TakeHome
            } else {
                Supervision::PartlySupervised
            },
            take_home_days: (days < 7).then_some(days),
            ends_the_last: "Supervision relaxed: no illicit opiate use at the TOP, collecting reliably",
            ..current
        });
    }
    let reduce_on = p
        .reduce_from
        .filter(|on| *on > from)
        .and_then(|on| p.seen.from(on, last));
    if let Some(on) = reduce_on {
        changes.extend(reduction(p, dice, modality, &mut steps, on, last));
    }
    steps
}

/// Induction and titration to a stable dose, supervised daily (or given in clinic).
fn titration(dice: &mut Dice, modality: Modality, from: NaiveDate) -> Vec<Step> {
    let step = |from, dose_mg, interval, supervision, ends_the_last| Step {
        from,
        dose_mg,
        interval,
        supervision,
        take_home_days: None,
        ends_the_last,
    };
    const UP: &str = "Titration: dose increased, still withdrawing";
    let daily = Supervision::DailySupervised;
    match modality {
        Modality::OstMethadone => {
            let target = (dice.between(10, METHADONE_TOP_MG / 5) * 5) as f64;
            let mut dose = dice.pick(&[20.0_f64, 25.0, 30.0]).min(target);
            let mut day = from;
            let mut steps = vec![step(day, dose, DoseInterval::Daily, daily, UP)];
            while dose < target {
                // 10 mg every three or four days: never more than 30 mg in a week.
                day += Duration::days(dice.pick(&[3, 4]));
                dose = (dose + 10.0).min(target);
                steps.push(step(day, dose, DoseInterval::Daily, daily, UP));
            }
            steps
        }
        Modality::OstBuprenorphine => {
            let target = dice.pick(&[12.0, 16.0, 16.0, 24.0]);
            let mut dose = dice.pick(&[4.0, 6.0, 8.0]);
            let mut day = from;
            let mut steps = vec![step(day, dose, DoseInterval::Daily, daily, UP)];
            while dose < target {
                day += Duration::days(dice.pick(&[1, 2]));
                dose = (dose + 4.0).min(target);
                steps.push(step(day, dose, DoseInterval::Daily, daily, UP));
            }
            steps
        }
        Modality::LaiBuprenorphine => {
            // The weekly injection from 16 mg, then the maintenance strength; some go monthly
            // after four weeks (the product's equivalent strength).
            let clinic = Supervision::ClinicAdministered;
            let weekly = dice.pick(&[16.0, 24.0, 32.0]);
            let mut steps = vec![step(from, 16.0, DoseInterval::Weekly, clinic, UP)];
            if weekly > 16.0 {
                steps.push(step(
                    from + Duration::days(7),
                    weekly,
                    DoseInterval::Weekly,
                    clinic,
                    "First week done: weekly maintenance strength",
                ));
            }
            steps
        }
        _ => vec![step(
            from,
            (dice.between(20, 60) * 10) as f64,
            DoseInterval::Daily,
            Supervision::ClinicAdministered,
            UP,
        )],
    }
}

/// When supervision is relaxed, and to how many take-home days a week: at the first prescribing
/// review at least three months into the course (NICE TA114; the Orange Book 2017, 4.6: relaxed
/// only with evidence of stability) whose latest TOP before it records no illicit opiate use.
fn relaxation(
    p: &Prescribing<'_>,
    dice: &mut Dice,
    from: NaiveDate,
    last: NaiveDate,
) -> Option<(NaiveDate, u8)> {
    let three_months = from
        .checked_add_months(chrono::Months::new(prescription::SUPERVISED_MONTHS))
        .map(|end| end + Duration::days(i64::from(from.day().saturating_sub(end.day()))))?;
    let opiate_free_before = |day: NaiveDate| {
        p.tops
            .iter()
            .filter(|t| t.completed_on < day && t.stage != TopStage::Exit)
            .max_by_key(|t| t.completed_on)
            .is_some_and(|t| {
                t.completed_on >= three_months
                    && t.answer(TopItem::OpiatesDays).and_then(Answer::value) == Some(0.0)
            })
    };
    let on = p
        .reviews
        .iter()
        .copied()
        .find(|r| *r >= three_months && *r <= last && opiate_free_before(*r))?;
    let days = dice.pick(&[2u8, 3, 4, 5, 7]);
    Some((on, days))
}

/// A planned reduction: down a step every two to four weeks from `on` until `last`, each at a
/// session the client attended (a prescribing review agrees each step); returns the days.
fn reduction(
    p: &Prescribing<'_>,
    dice: &mut Dice,
    modality: Modality,
    steps: &mut Vec<Step>,
    on: NaiveDate,
    last: NaiveDate,
) -> Vec<NaiveDate> {
    let current = steps
        .iter()
        .rev()
        .find(|s| s.from <= on)
        .cloned()
        .expect("the first step starts the course");
    steps.retain(|s| s.from < on);
    let mut dose = current.dose_mg;
    let mut day = Some(on);
    let mut reduced = Vec::new();
    for _ in 0..4 {
        let Some(lower) = lower_dose(modality, current.interval, dose) else {
            break;
        };
        let Some(on) = day.filter(|d| *d <= last) else {
            break;
        };
        dose = lower;
        reduced.push(Step {
            from: on,
            dose_mg: dose,
            ends_the_last: "Reduction agreed towards a planned exit",
            ..current.clone()
        });
        day = p
            .seen
            .from(on + Duration::days(dice.pick(&[14, 21, 28])), last);
    }
    let days = reduced.iter().map(|s| s.from).collect();
    if reduced.is_empty() {
        steps.push(current);
    }
    steps.extend(reduced);
    days
}

/// The next dose down, or none at the floor: methadone by 5 mg, buprenorphine by 2 mg, an
/// injection to the product's next strength.
fn lower_dose(modality: Modality, interval: DoseInterval, dose: f64) -> Option<f64> {
    match modality {
        Modality::OstMethadone => (dose > 10.0).then_some(dose - 5.0),
        Modality::OstBuprenorphine => (dose > 2.0).then_some(dose - 2.0),
        Modality::LaiBuprenorphine => {
            // The weekly product's own monthly strengths: never down into the other product's.
            let strengths: &[f64] = if interval == DoseInterval::Monthly {
                &[64.0, 96.0, 128.0, 160.0]
            } else {
                dose_check::DEPOT_WEEKLY_MG
            };
            strengths.iter().rev().find(|s| **s < dose).copied()
        }
        _ => None,
    }
}
