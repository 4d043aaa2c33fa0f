//! One demo client's OST prescriptions: the course they are on (and the one before, when they
//! switched), its dose steps and reductions, supervision and take-homes.

use super::Dice;
use super::history::Span;
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Datelike, Duration, NaiveDate};

/// Writes the client's prescriptions over their time with the service.
pub(super) fn prescriptions(
    w: &Writer<'_>,
    dice: &mut Dice,
    client_id: i64,
    modality: Modality,
    span: &Span,
    switched_on: Option<NaiveDate>,
    reduce_from: Option<NaiveDate>,
) -> Result<()> {
    let last_day = span.last_day(dice.today);
    let (from, ends) = (span.start, span.end);
    match switched_on {
        Some(on) => {
            let before = match modality {
                Modality::OstMethadone => Modality::OstBuprenorphine,
                _ => Modality::OstMethadone,
            };
            let course = |modality, from, ends| Medication {
                modality,
                from,
                ends,
                reduce_from: None,
            };
            course_of(w, dice, client_id, course(before, from, Some(on)), on)?;
            course_of(w, dice, client_id, course(modality, on, ends), last_day)
        }
        None => {
            let course = Medication {
                modality,
                from,
                ends,
                reduce_from,
            };
            course_of(w, dice, client_id, course, last_day)
        }
    }
}

/// One medicine's course: from a day, perhaps to another, perhaps reduced from a third.
struct Medication {
    modality: Modality,
    from: NaiveDate,
    ends: Option<NaiveDate>,
    /// The dose comes down from this day, towards a planned exit.
    reduce_from: Option<NaiveDate>,
}

/// One medicine from `from`: supervised at first, then (after three months) as agreed.
fn course_of(
    w: &Writer<'_>,
    dice: &mut Dice,
    client_id: i64,
    course: Medication,
    last_day: NaiveDate,
) -> Result<()> {
    let Medication {
        modality,
        from,
        ends,
        reduce_from,
    } = course;
    let (medicine, interval, dose, supervision) = match modality {
        Modality::OstMethadone => (
            Medicine::Methadone,
            DoseInterval::Daily,
            dice.between(6, 24) as f64 * 5.0,
            None,
        ),
        Modality::OstBuprenorphine => (
            Medicine::Buprenorphine,
            DoseInterval::Daily,
            dice.between(2, 12) as f64 * 2.0,
            None,
        ),
        Modality::LaiBuprenorphine => {
            let monthly = dice.chance(0.5);
            let interval = if monthly {
                DoseInterval::Monthly
            } else {
                DoseInterval::Weekly
            };
            let dose = if monthly {
                dice.pick(&[96.0, 128.0, 160.0])
            } else {
                dice.pick(&[16.0, 24.0, 32.0])
            };
            (
                Medicine::BuprenorphineDepot,
                interval,
                dose,
                Some(Supervision::ClinicAdministered),
            )
        }
        _ => (
            Medicine::Diamorphine,
            DoseInterval::Daily,
            dice.between(20, 60) as f64 * 10.0,
            Some(Supervision::ClinicAdministered),
        ),
    };
    // NICE TA114: supervised daily for at least the first three (calendar) months.
    // From a day the later month lacks (31 August), the months run over into the next (to 1
    // December), as SQLite counts them: never short of three months by any reckoning.
    let titration_end = from
        .checked_add_months(chrono::Months::new(
            crate::domain::prescription::SUPERVISED_MONTHS,
        ))
        .map(|end| end + Duration::days(i64::from(from.day().saturating_sub(end.day()))))
        .unwrap_or(from + Duration::days(92));
    let first_ends = (titration_end < last_day).then_some(titration_end);
    w.insert(&Prescription {
        client_id,
        medicine,
        dose_mg: dose,
        interval,
        started_on: from,
        ended_on: first_ends.or(ends),
        supervision: supervision.unwrap_or(Supervision::DailySupervised),
    })?;
    if let Some(changed) = first_ends {
        let relaxed = dice.pick(&[
            Supervision::PartlySupervised,
            Supervision::TakeHome,
            Supervision::DailySupervised,
        ]);
        let step = if medicine == Medicine::Methadone {
            5.0
        } else {
            2.0
        };
        let relaxed = Prescription {
            client_id,
            medicine,
            dose_mg: (dose + step * dice.between(-2, 2) as f64).max(step),
            interval,
            started_on: changed,
            ended_on: ends,
            supervision: supervision.unwrap_or(relaxed),
        };
        match reduce_from.filter(|on| *on > changed && *on < last_day) {
            Some(on) if relaxed.dose_mg > step => {
                w.insert(&Prescription {
                    ended_on: Some(on),
                    ..relaxed.clone()
                })?;
                w.insert(&Prescription {
                    dose_mg: relaxed.dose_mg - step,
                    started_on: on,
                    ..relaxed
                })?;
            }
            _ => {
                w.insert(&relaxed)?;
            }
        }
    }
    Ok(())
}
