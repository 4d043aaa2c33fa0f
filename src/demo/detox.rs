//! A detox as the demo records it: a short, medicated episode, not a place to stay.
//!
//! A community opioid detox (medically assisted withdrawal, the Orange Book 2017) is a few weeks
//! on a reducing dose of buprenorphine: started in the induction range, steadied, then brought
//! down every few days to nothing, supervised daily throughout. Once it is done the client stays
//! in psychosocial recovery support, so their modality moves on to psychosocial from the day the
//! detox ended. Alcohol and benzodiazepine detoxes use medicines the prescribing record does not
//! hold (it holds OST medicines only), so they have no prescription here.

use super::{Dice, Team};
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Duration, NaiveDate};

/// The shortest and longest community detox the demo draws, in days: buprenorphine withdrawal
/// over two to four weeks after a few days' stabilisation, and up to twelve weeks for a slower
/// alcohol or benzodiazepine reduction.
pub(super) const DAYS: (i64, i64) = (21, 84);

/// The pharmacy the detox client collects from (one of the fictional town's).
const PHARMACY: &str = "Canal Street Chemist";

/// Records the medicine of a detox from `start` to `end` (its last day): for heroin, the
/// buprenorphine reduction, prescribed by the service's prescriber; for alcohol or
/// benzodiazepines nothing the prescribing record holds.
pub(super) fn record(
    w: &Writer<'_>,
    dice: &mut Dice,
    team: &Team,
    client_id: i64,
    client: &Client,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<()> {
    if client.primary_substance != Substance::Heroin {
        return Ok(());
    }
    let today = dice.today;
    for rx in opioid_prescriptions(dice, client_id, team.prescriber, start, end, today) {
        w.insert(&rx)?;
    }
    Ok(())
}

/// The buprenorphine doses of a community opioid detox from `from`, each ending the day before
/// the next, the last on `last`: 8 mg to start (within the usual 4-8 mg induction), 12 mg to
/// steady, then down by 2 mg every few days. A detox still under way on `today` has only the
/// doses started by then, the current one not yet ended.
pub(super) fn opioid_prescriptions(
    dice: &mut Dice,
    client_id: i64,
    prescriber: i64,
    from: NaiveDate,
    last: NaiveDate,
    today: NaiveDate,
) -> Vec<OstPrescription> {
    let mut plan = vec![(from, 8.0, "")];
    let steady = from + Duration::days(2);
    plan.push((
        steady,
        12.0,
        "Induction done: steadied at 12 mg before the reduction",
    ));
    let days_left = (last - steady).num_days().max(5);
    // Five reductions (10, 8, 6, 4, 2 mg) spread over what is left of the detox.
    let every = (days_left / 6).max(1);
    let mut day = steady + Duration::days(dice.between(every, every + 2).min(days_left - 4));
    for dose in [10.0, 8.0, 6.0, 4.0, 2.0] {
        if day >= last {
            break;
        }
        plan.push((day, dose, "Detox reduction as planned"));
        day += Duration::days(every);
    }
    plan.retain(|(on, _, _)| *on <= today);
    plan.iter()
        .enumerate()
        .map(|(i, (start, dose, _))| {
            let next = plan.get(i + 1);
            let ended_on = match next {
                Some((on, _, _)) => Some(*on - Duration::days(1)),
                None => (last <= today).then_some(last),
            };
            OstPrescription {
                rx: Prescription {
                    client_id,
                    medicine: Medicine::Buprenorphine,
                    dose_mg: *dose,
                    interval: DoseInterval::Daily,
                    started_on: *start,
                    ended_on,
                    supervision: Supervision::DailySupervised,
                },
                terms: Terms {
                    pharmacy: Some(PHARMACY.to_owned()),
                    prescriber: Some(Prescriber::Worker(prescriber)),
                    end_reason: match next {
                        Some((_, _, why)) => Some((*why).to_owned()),
                        None => ended_on.map(|_| "Detox completed".to_owned()),
                    },
                    ..Terms::default()
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opioid_detox_starts_in_range_steadies_and_reduces_to_nothing_in_order() {
        let from = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        for length in [DAYS.0, 30, DAYS.1] {
            let mut dice = Dice::new(3, from);
            let last = from + Duration::days(length);
            let rx = opioid_prescriptions(&mut dice, 1, 2, from, last, last);
            let doses: Vec<f64> = rx.iter().map(|p| p.rx.dose_mg).collect();
            assert_eq!(doses[..2], [8.0, 12.0], "{length} days: {doses:?}");
            assert!(doses[1..].windows(2).all(|w| w[1] < w[0]), "{doses:?}");
            assert!(
                doses.len() >= 5,
                "{length} days: reduced in steps, {doses:?}"
            );
            for pair in rx.windows(2) {
                assert_eq!(
                    pair[0].rx.ended_on,
                    Some(pair[1].rx.started_on - Duration::days(1)),
                    "each ends the day before the next"
                );
            }
            assert_eq!(rx.last().unwrap().rx.ended_on, Some(last));
        }
    }

    #[test]
    fn a_detox_under_way_holds_only_the_doses_started_and_the_current_one_open() {
        let from = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let today = from + Duration::days(10);
        let mut dice = Dice::new(3, today);
        let rx = opioid_prescriptions(&mut dice, 1, 2, from, from + Duration::days(40), today);
        assert!(rx.iter().all(|p| p.rx.started_on <= today));
        assert_eq!(rx.last().unwrap().rx.ended_on, None);
        assert_eq!(rx.last().unwrap().terms.end_reason, None);
    }
}
