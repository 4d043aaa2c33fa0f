//! What a completed review says, built from what it decided and what the record shows that day,
//! never picked at random from lines that may not fit: a prescribing review's checklist and
//! outcome follow the prescriptions, a risk review's the risk flags, a care-plan review's the
//! client's stage and course.
//!
//! The Orange Book 2017 (ch. 4, "Reviewing treatment") asks each prescribing review to look at
//! the dose, on-top use (sedatives especially, for overdose risk), supervision and take-home
//! safety, and readiness to reduce; supervised consumption is normally kept for the first three
//! months and relaxed only with evidence of stability (ch. 4.6). The checklist records those.

use super::Dice;
use super::course::{Course, Span};
use crate::domain::*;
use chrono::{Duration, NaiveDate};

/// What a prescribing review on one day decided, read from the prescriptions: it changes the
/// prescription exactly when a new one starts that day, to that one's dose and supervision.
pub(super) struct Decision<'a> {
    pub(super) checklist: PrescribingChecklist,
    /// The prescription in force the day before (the one the review looked at).
    before: Option<&'a OstPrescription>,
    /// The prescription in force at the end of the day (the review's own, if it made one).
    now: Option<&'a OstPrescription>,
    /// Opiate use in the 28 days before the latest TOP up to that day, if one was taken.
    opiates_at_last_top: Option<f64>,
    /// Months on the current medicine.
    months_on: f64,
}

impl<'a> Decision<'a> {
    pub(super) fn on(
        day: NaiveDate,
        written: &'a [OstPrescription],
        tops: &[Top],
        client: &Client,
        course: &Course,
    ) -> Self {
        let started = written.iter().find(|p| p.rx.started_on == day);
        let before = written.iter().rev().find(|p| {
            p.rx.started_on < day && p.rx.ended_on.is_none_or(|e| e >= day - Duration::days(1))
        });
        let now = started.or_else(|| {
            written
                .iter()
                .rev()
                .find(|p| p.rx.started_on <= day && p.rx.ended_on.is_none_or(|e| e >= day))
        });
        let (dose, new_dose_mg, supervision, new_supervision) = match (started, before) {
            (Some(new), Some(old)) => {
                let dose = if new.rx.dose_mg > old.rx.dose_mg {
                    DoseDecision::Increased
                } else if new.rx.dose_mg < old.rx.dose_mg {
                    DoseDecision::Reduced
                } else {
                    DoseDecision::Unchanged
                };
                let supervision = if new.rx.supervision == old.rx.supervision {
                    SupervisionDecision::Unchanged
                } else if take_home_rank(new.rx.supervision) > take_home_rank(old.rx.supervision) {
                    SupervisionDecision::Relaxed
                } else {
                    SupervisionDecision::Increased
                };
                (
                    dose,
                    (dose != DoseDecision::Unchanged).then_some(new.rx.dose_mg),
                    supervision,
                    (supervision != SupervisionDecision::Unchanged).then_some(new.rx.supervision),
                )
            }
            _ => (
                DoseDecision::Unchanged,
                None,
                SupervisionDecision::Unchanged,
                None,
            ),
        };
        let opiates_at_last_top = tops
            .iter()
            .filter(|t| t.completed_on <= day)
            .max_by_key(|t| t.completed_on)
            .and_then(|t| t.answer(TopItem::OpiatesDays).and_then(Answer::value));
        let sedatives = sedatives(client);
        let uses =
            |s: Substance| client.primary_substance == s || client.other_substances.contains(&s);
        let on_top_use_discussed = opiates_at_last_top.is_some_and(|d| d > 0.0)
            || !sedatives.is_empty()
            || [Substance::Crack, Substance::Cocaine, Substance::Cannabis]
                .into_iter()
                .any(uses);
        let course_start = now.map_or(day, |now| {
            written
                .iter()
                .filter(|p| p.rx.medicine == now.rx.medicine)
                .map(|p| p.rx.started_on)
                .min()
                .unwrap_or(day)
        });
        let checklist = PrescribingChecklist {
            dose,
            new_dose_mg,
            supervision,
            new_supervision,
            on_top_use_discussed,
            sedatives,
            diversion_concerns: false,
            naloxone_offered: client.uses_opioids() && !holds_naloxone(client, day),
            // Only when a reduction is made today or is the plan within the next three months.
            ready_to_reduce: dose == DoseDecision::Reduced
                || course
                    .reduce_from
                    .is_some_and(|from| day + Duration::weeks(12) >= from),
        };
        Self {
            checklist,
            before,
            now,
            opiates_at_last_top,
            months_on: (day - course_start).num_days() as f64 / 30.44,
        }
    }

    fn switched(&self) -> bool {
        matches!((self.before, self.now), (Some(b), Some(n)) if b.rx.medicine != n.rx.medicine)
    }
}

/// Daily supervision and clinic doses first, then some take-home days, then all take-home.
fn take_home_rank(s: Supervision) -> u8 {
    match s {
        Supervision::DailySupervised | Supervision::ClinicAdministered => 0,
        Supervision::PartlySupervised => 1,
        Supervision::TakeHome => 2,
    }
}

/// The sedatives the client uses alongside OST, each adding to the risk of overdose.
fn sedatives(client: &Client) -> Vec<Sedative> {
    let uses = |s: Substance| client.primary_substance == s || client.other_substances.contains(&s);
    [
        (Substance::Benzodiazepines, Sedative::Benzodiazepines),
        (Substance::Gabapentinoids, Sedative::Gabapentinoids),
        (Substance::Alcohol, Sedative::Alcohol),
    ]
    .into_iter()
    .filter(|(s, _)| uses(*s))
    .map(|(_, sedative)| sedative)
    .collect()
}

/// Whether the client held a naloxone kit on `day` (the kit on the record was supplied by then).
fn holds_naloxone(client: &Client, day: NaiveDate) -> bool {
    client.risk.naloxone_held && client.risk.naloxone_supplied_on.is_none_or(|on| on <= day)
}

/// A prescribing review's outcome, from what it decided and the prescription in force.
pub(super) fn prescribing(dice: &mut Dice, d: &Decision<'_>) -> String {
    let Some(now) = d.now else {
        return "Prescription reviewed with the client.".to_owned();
    };
    let c = &d.checklist;
    let depot = now.rx.medicine == Medicine::BuprenorphineDepot;
    let clinic = now.rx.supervision == Supervision::ClinicAdministered;
    let daily = now.rx.supervision == Supervision::DailySupervised;
    let take_home = now.rx.supervision.has_take_home();
    let kept_take_home = take_home && d.before.is_some_and(|b| b.rx.supervision.has_take_home());
    let mg = now.rx.dose_mg;
    let mut words = if d.switched() {
        let from = d.before.map_or("", |b| medicine_word(b.rx.medicine));
        format!(
            "Switch from {from} to {} agreed: {mg} mg to start today, then titrated.",
            medicine_word(now.rx.medicine)
        )
    } else if c.dose == DoseDecision::Reduced {
        let by = d.before.map_or(0.0, |b| b.rx.dose_mg) - mg;
        if depot {
            format!("Depot strength reduced to {mg} mg, as planned towards exit.")
        } else {
            format!(
                "Reduction of {by} mg agreed towards the planned exit: {mg} mg daily from today."
            )
        }
    } else if c.dose == DoseDecision::Increased {
        if depot && now.rx.interval == DoseInterval::Monthly {
            format!("Settled on the weekly depot: moved to the monthly depot, {mg} mg.")
        } else if depot {
            format!("Depot strength increased to {mg} mg weekly.")
        } else {
            format!("Still withdrawing by the evening: dose increased to {mg} mg.")
        }
    } else if c.supervision == SupervisionDecision::Relaxed {
        let to = match now.terms.take_home_days {
            Some(days) => format!("{days} take-home days a week"),
            None => "all take-home".to_owned(),
        };
        format!(
            "No illicit opiate use at the last TOP and collecting reliably: supervision relaxed \
             to {to}; safe storage discussed."
        )
    } else if clinic && depot {
        dice.pick(&[
            "Depot site healthy, no withdrawal between doses: dose stable.",
            "Depot well tolerated, no withdrawal between doses: dose unchanged.",
        ])
        .to_owned()
    } else if clinic {
        "Attending for each dose at the clinic: dose stable.".to_owned()
    } else if daily && d.months_on < 3.0 {
        "Dose holding; supervision stays daily for the first three months.".to_owned()
    } else if daily && d.opiates_at_last_top.is_some_and(|days| days > 0.0) {
        "Some on-top use at the last TOP; dose kept, supervision stays daily.".to_owned()
    } else if daily {
        "Dose stable; supervision stays daily until a TOP shows no illicit opiate use.".to_owned()
    } else {
        dice.pick(&[
            "Take-home doses continue; safe storage discussed.",
            "Collecting reliably, no concerns from the pharmacy: take-home doses continue.",
        ])
        .to_owned()
    };
    let changed = c.changes_prescription() && !d.switched();
    if changed && c.supervision == SupervisionDecision::Unchanged {
        if daily {
            words.push_str(" Supervision stays daily.");
        } else if kept_take_home {
            words.push_str(" Take-home doses continue.");
        }
    }
    if c.ready_to_reduce && c.dose != DoseDecision::Reduced {
        words.push_str(" Client ready to reduce: a reduction towards exit is planned.");
    } else if !changed && d.months_on >= 12.0 && dice.chance(0.3) {
        words.push_str(" Discussed readiness to reduce; client wants to wait three months.");
    }
    if !c.sedatives.is_empty() {
        let names: Vec<String> = c
            .sedatives
            .iter()
            .map(|s| s.label().to_lowercase())
            .collect();
        words.push_str(&format!(
            " Use of {} discussed: added overdose risk with OST explained.",
            names.join(" and ")
        ));
    }
    if c.naloxone_offered {
        words.push_str(" Naloxone offered.");
    }
    words
}

fn medicine_word(m: Medicine) -> &'static str {
    match m {
        Medicine::Methadone => "methadone",
        Medicine::Buprenorphine => "buprenorphine",
        Medicine::BuprenorphineDepot => "the buprenorphine depot",
        Medicine::Diamorphine => "diamorphine",
        Medicine::Other => "another medicine",
    }
}

/// A risk review's outcome, from the risk flags on the record that day and the prescription in
/// force (take-home doses to store safely).
pub(super) fn risk(
    dice: &mut Dice,
    client: &Client,
    day: NaiveDate,
    written: &[OstPrescription],
) -> String {
    let r = &client.risk;
    // Released within the last four weeks: the first weeks out carry the highest risk of death
    // (the Orange Book 2017, ch. 7.2, prisoners on release).
    if r.prison_release_on
        .is_some_and(|on| on <= day && day - on <= Duration::weeks(4))
    {
        return "Released from prison recently: overdose risk from lost tolerance discussed; \
                not using alone."
            .to_owned();
    }
    let mut lines: Vec<&'static str> = Vec::new();
    let held = holds_naloxone(client, day);
    if r.overdose_risk && held {
        lines.push("Overdose risk discussed: not using alone, naloxone kit checked.");
    }
    if client.uses_opioids() && !held {
        lines.push("Overdose risk discussed: not using alone; naloxone offered.");
    }
    match client.injecting {
        InjectingStatus::Currently => lines
            .push("Injecting site care and BBV testing discussed; needle exchange details given."),
        InjectingStatus::Previously => {
            lines.push("No injecting reported; the risk of going back to injecting discussed.")
        }
        _ => {}
    }
    if r.safeguarding_children {
        lines.push("Children's safeguarding plan reviewed; no new concerns for social care.");
    }
    let take_home = written.iter().any(|p| {
        p.rx.started_on <= day
            && p.rx.ended_on.is_none_or(|e| e >= day)
            && p.rx.supervision.has_take_home()
    });
    if take_home {
        lines.push("Safe storage of take-home doses checked: lockable storage box seen.");
    }
    if lines.is_empty() {
        return "Risks reviewed with client; nothing new to act on.".to_owned();
    }
    dice.pick(&lines).to_owned()
}

/// A care-plan review's outcome, from the client's course: the latest one from the stage of
/// change they have reached, an exit-plan talk only for a client with an exit goal. It names no
/// particular goal event, since the goals are the plan's to tell.
pub(super) fn care_plan(
    dice: &mut Dice,
    span: &Span,
    course: &Course,
    final_stage: Stage,
    latest: bool,
) -> String {
    if latest && span.end.is_some() && course.exit_goal {
        return "Exit plan reviewed before leaving: support after treatment agreed.".to_owned();
    }
    if latest {
        return match final_stage {
            Stage::Precontemplation => {
                "Client not looking to change their use yet; harm-reduction goals kept."
            }
            Stage::Contemplation => "Client weighing up change; goals kept small and reviewed.",
            Stage::Preparation => "Client preparing to change; next steps agreed with dates.",
            Stage::Action => "Client making changes; goals reviewed and progress noted.",
            Stage::Maintenance => {
                "Changes holding; goals reviewed, relapse-prevention plan updated."
            }
            Stage::Relapse => "Recent lapse talked through without judgement; plan adjusted.",
        }
        .to_owned();
    }
    let mut lines = vec![
        "Plan reviewed with client; goals still fit. Next steps agreed.",
        "Progress scores agreed in session; actions carried over with new dates.",
    ];
    if course.exit_goal {
        lines.push("Exit plan talked through: client wants to look at it again in three months.");
    }
    dice.pick(&lines).to_owned()
}

/// A review held in the client's absence, after the appointments they missed.
pub(super) fn in_absence(kind: ReviewKind) -> String {
    match kind {
        ReviewKind::Prescribing => {
            "Reviewed in the client's absence after missed appointments: prescription \
             unchanged, pharmacy asked to report missed doses."
        }
        ReviewKind::Risk => {
            "Reviewed in the client's absence after missed appointments: welfare call made, \
             risks unchanged."
        }
        _ => {
            "Reviewed in the client's absence after missed appointments: plan kept, outreach \
             letter sent."
        }
    }
    .to_owned()
}
