//! Safe-prescribing checks on an OST dose: what is refused outright (a slip of the keys, a
//! product strength that does not exist, a date far ahead) and what a prescriber may do only with
//! a reason recorded on the prescription (a start above the usual induction dose, a steep
//! increase). Pure: the store and the prescription form pass the prescription and the client's
//! earlier ones, and act on the findings.
//!
//! Sources, for every default below: "Drug misuse and dependence: UK guidelines on clinical
//! management" (the Orange Book, DHSC 2017), 4.3 (methadone: a starting dose of 10-30 mg daily,
//! increased by 5-10 mg at a time and by no more than 30 mg in a week; buprenorphine: 4-8 mg on
//! the first day, increased in steps of 2-8 mg), and the product information of the two
//! prolonged-release buprenorphine injections (Buvidal: weekly 8, 16, 24, 32 mg; monthly 64, 96,
//! 128, 160 mg. Sublocade: monthly 100, 300 mg). The ceilings are not clinical maxima but the
//! point past which a dose can only be a typing error (methadone above 300 mg, buprenorphine
//! above its licensed 32 mg a day).
//!
//! The ECG: methadone prolongs the QT interval, more so at higher doses; the Orange Book 2017
//! (4.3, "QT interval prolongation") and the MHRA's 2006 advice on methadone and QT ask for an
//! ECG for anyone on more than 100 mg of methadone a day; a year is how long keywork counts one
//! as current (the default, the yearly review the MHRA advice implies).
//!
//! A course broken for more than [`TOLERANCE_GAP_DAYS`] starts again: tolerance is lost within
//! days (the Orange Book; the same reason pharmacies stop dispensing after three missed doses),
//! so the dose after a break is judged as a first dose, never as a step from the old one.

use super::prescription::{DoseInterval, Medicine, OstPrescription};
use super::schedule::Interval;
use chrono::NaiveDate;

/// The limits the checks apply. Each default is the guideline's value (see the module's
/// sources); a team lead changes them with `keywork settings set`, stored in the database, and
/// [`DoseLimits::check`] keeps a set of them coherent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoseLimits {
    /// Methadone: the highest usual first dose of a course (mg a day).
    pub methadone_induction_mg: f64,
    /// Methadone: the largest usual increase in one change, and within any seven days.
    pub methadone_step_mg: f64,
    pub methadone_week_mg: f64,
    /// Methadone: above this, refused outright.
    pub methadone_ceiling_mg: f64,
    /// Sublingual buprenorphine: the highest usual first-day dose, the largest usual step, and
    /// the licensed daily maximum (refused above).
    pub buprenorphine_induction_mg: f64,
    pub buprenorphine_step_mg: f64,
    pub buprenorphine_ceiling_mg: f64,
    /// A start or change may be dated at most this many days ahead.
    pub days_ahead: i64,
    /// Methadone above this (mg a day) with no ECG in [`DoseLimits::ecg_valid_for`]: an ECG is
    /// recommended (a reason is recorded to go ahead without one).
    pub ecg_methadone_mg: f64,
    /// How long an ECG counts as current.
    pub ecg_valid_for: Interval,
}

/// The largest dose in mg any limit may be set to: past it a limit checks nothing (the dose form
/// takes at most this).
pub const MAX_LIMIT_MG: f64 = super::prescription::MAX_DOSE_MG;

impl DoseLimits {
    /// Why this set of limits cannot work together, if it cannot: a first dose or a step above
    /// the ceiling would never be questioned before it is refused, and an ECG threshold at or
    /// above the ceiling would never ask for an ECG. The sentence names the settings to change.
    pub fn check(&self) -> Result<(), String> {
        // (lower setting, its mg, upper setting, its mg, whether the two may be equal)
        let pairs = [
            (
                "methadone_induction",
                self.methadone_induction_mg,
                "methadone_ceiling",
                self.methadone_ceiling_mg,
                true,
            ),
            (
                "methadone_step",
                self.methadone_step_mg,
                "methadone_ceiling",
                self.methadone_ceiling_mg,
                true,
            ),
            (
                "methadone_step",
                self.methadone_step_mg,
                "methadone_week",
                self.methadone_week_mg,
                true,
            ),
            (
                "ecg_methadone",
                self.ecg_methadone_mg,
                "methadone_ceiling",
                self.methadone_ceiling_mg,
                false,
            ),
            (
                "buprenorphine_induction",
                self.buprenorphine_induction_mg,
                "buprenorphine_ceiling",
                self.buprenorphine_ceiling_mg,
                true,
            ),
            (
                "buprenorphine_step",
                self.buprenorphine_step_mg,
                "buprenorphine_ceiling",
                self.buprenorphine_ceiling_mg,
                true,
            ),
        ];
        for (low, low_mg, high, high_mg, may_equal) in pairs {
            if low_mg > high_mg || (!may_equal && low_mg == high_mg) {
                let at = if low_mg > high_mg {
                    "above"
                } else {
                    "equal to"
                };
                return Err(format!(
                    "{low} ({} mg) would be {at} {high} ({} mg): lower {low} or raise {high} first",
                    mg(low_mg),
                    mg(high_mg)
                ));
            }
        }
        Ok(())
    }
}

impl Default for DoseLimits {
    fn default() -> Self {
        DoseLimits {
            methadone_induction_mg: 30.0,
            methadone_step_mg: 10.0,
            methadone_week_mg: 30.0,
            methadone_ceiling_mg: 300.0,
            buprenorphine_induction_mg: 8.0,
            buprenorphine_step_mg: 8.0,
            buprenorphine_ceiling_mg: 32.0,
            days_ahead: 28,
            ecg_methadone_mg: 100.0,
            ecg_valid_for: Interval::Months(12),
        }
    }
}

/// Prolonged-release buprenorphine: the strengths the products come in, by how often they are
/// given (weekly: up to 7 days; monthly: more).
pub const DEPOT_WEEKLY_MG: &[f64] = &[8.0, 16.0, 24.0, 32.0];
pub const DEPOT_MONTHLY_MG: &[f64] = &[64.0, 96.0, 100.0, 128.0, 160.0, 300.0];

/// Days without a prescription after which a restart is a new course (see the module's doc).
pub const TOLERANCE_GAP_DAYS: i64 = 3;

/// One earlier prescription of the client's, as the checks read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarlierDose {
    pub medicine: Medicine,
    pub dose_mg: f64,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

impl From<&super::prescription::Prescription> for EarlierDose {
    fn from(p: &super::prescription::Prescription) -> Self {
        EarlierDose {
            medicine: p.medicine,
            dose_mg: p.dose_mg,
            started_on: p.started_on,
            ended_on: p.ended_on,
        }
    }
}

impl EarlierDose {
    /// Whether `from` carries on this prescription's course: the same medicine, and no more
    /// than [`TOLERANCE_GAP_DAYS`] without one between them.
    fn continued_by(&self, medicine: Medicine, from: NaiveDate) -> bool {
        self.medicine == medicine
            && self
                .ended_on
                .is_none_or(|end| (from - end).num_days() <= TOLERANCE_GAP_DAYS + 1)
    }
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The dose is never recorded: the sentence says why.
    Refused(String),
    /// The start date is never recorded: too far ahead.
    TooFarAhead(String),
    /// Recorded only with a reason on the prescription.
    NeedsReason(String),
}

impl Finding {
    pub fn text(&self) -> &str {
        match self {
            Finding::Refused(text) | Finding::TooFarAhead(text) | Finding::NeedsReason(text) => {
                text
            }
        }
    }

    pub fn is_refusal(&self) -> bool {
        !matches!(self, Finding::NeedsReason(_))
    }
}

/// What stops a prescription being recorded: the first refusal, else the first check wanting a
/// reason when none was given.
pub fn blocking(findings: &[Finding], reason_given: bool) -> Option<&Finding> {
    findings
        .iter()
        .find(|f| f.is_refusal())
        .or_else(|| findings.iter().find(|_| !reason_given))
}

/// Checks `next`, starting a course (`earlier` empty or another medicine) or changing one.
/// `earlier` are the client's prescriptions before it, newest first; `today` dates the checks.
pub fn check_dose(
    next: &OstPrescription,
    earlier: &[EarlierDose],
    today: NaiveDate,
    limits: &DoseLimits,
) -> Vec<Finding> {
    let rx = &next.rx;
    let mut findings = Vec::new();
    let ahead = (rx.started_on - today).num_days();
    if ahead > limits.days_ahead {
        findings.push(Finding::TooFarAhead(format!(
            "dated {ahead} days ahead: a prescription starts at most {} days from today",
            limits.days_ahead
        )));
    }
    match rx.medicine {
        Medicine::Methadone => findings.extend(oral(
            rx.dose_mg,
            rx.started_on,
            rx.medicine,
            earlier,
            Oral {
                name: "methadone",
                induction: limits.methadone_induction_mg,
                step: limits.methadone_step_mg,
                week: Some(limits.methadone_week_mg),
                ceiling: limits.methadone_ceiling_mg,
            },
        )),
        Medicine::Buprenorphine => findings.extend(oral(
            rx.dose_mg,
            rx.started_on,
            rx.medicine,
            earlier,
            Oral {
                name: "buprenorphine",
                induction: limits.buprenorphine_induction_mg,
                step: limits.buprenorphine_step_mg,
                week: None,
                ceiling: limits.buprenorphine_ceiling_mg,
            },
        )),
        Medicine::BuprenorphineDepot => findings.extend(depot_strength(
            rx.dose_mg,
            next.terms.interval_days,
            rx.interval,
        )),
        Medicine::Diamorphine | Medicine::Other => {}
    }
    findings
}

/// The limits of one oral medicine.
struct Oral {
    name: &'static str,
    induction: f64,
    step: f64,
    week: Option<f64>,
    ceiling: f64,
}

fn oral(
    dose: f64,
    from: NaiveDate,
    medicine: Medicine,
    earlier: &[EarlierDose],
    limits: Oral,
) -> Vec<Finding> {
    let name = limits.name;
    if dose > limits.ceiling {
        return vec![Finding::Refused(format!(
            "{} mg of {name} a day is above the {} mg that can be recorded: check the dose",
            mg(dose),
            mg(limits.ceiling)
        ))];
    }
    let Some(previous) = earlier.first().filter(|p| p.continued_by(medicine, from)) else {
        return (dose > limits.induction)
            .then(|| {
                Finding::NeedsReason(format!(
                    "a {name} course usually starts at no more than {} mg a day: record the \
                     reason for starting at {} mg",
                    mg(limits.induction),
                    mg(dose)
                ))
            })
            .into_iter()
            .collect();
    };
    let mut findings = Vec::new();
    let step = dose - previous.dose_mg;
    if step > limits.step {
        findings.push(Finding::NeedsReason(format!(
            "an increase of {} mg: {name} usually goes up by no more than {} mg at a time; \
             record the reason",
            mg(step),
            mg(limits.step)
        )));
    }
    if let Some(week) = limits.week {
        // The rise over the seven days up to this change: from the dose in force a week before.
        let week_before = from - chrono::Duration::days(7);
        let base = earlier
            .iter()
            .take_while(|p| p.medicine == medicine)
            .find(|p| p.started_on <= week_before)
            .or(earlier.iter().take_while(|p| p.medicine == medicine).last())
            .map_or(previous.dose_mg, |p| p.dose_mg);
        let rise = dose - base;
        if rise > week && step <= limits.step {
            findings.push(Finding::NeedsReason(format!(
                "{} mg more than a week before: {name} usually goes up by no more than {} mg in \
                 a week; record the reason",
                mg(rise),
                mg(week)
            )));
        }
    }
    findings
}

/// A prolonged-release injection comes only in its products' strengths.
fn depot_strength(dose: f64, interval_days: Option<u8>, interval: DoseInterval) -> Option<Finding> {
    let weekly = match interval_days {
        Some(days) => days <= 7,
        None => interval != DoseInterval::Monthly,
    };
    let (strengths, every) = if weekly {
        (DEPOT_WEEKLY_MG, "weekly")
    } else {
        (DEPOT_MONTHLY_MG, "monthly")
    };
    (!strengths.contains(&dose)).then(|| {
        let listed: Vec<String> = strengths.iter().map(|s| mg(*s)).collect();
        Finding::Refused(format!(
            "prolonged-release buprenorphine {every} comes as {} mg, not {} mg",
            listed.join(", "),
            mg(dose)
        ))
    })
}

/// Doses missed this recently count against take-home doses: the four weeks, the TOP's
/// own period, so both warnings look at the same stretch of time.
pub const TAKE_HOME_MISSED_WINDOW_DAYS: i64 = 28;

/// What the take-home checks read about the client, gathered by the store.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TakeHomeFacts {
    /// The latest TOP not in error: when, and days of illicit opiate use (None: declined).
    pub latest_top: Option<(NaiveDate, Option<f64>)>,
    /// Doses missed in the [`TAKE_HOME_MISSED_WINDOW_DAYS`] before the prescription starts.
    pub missed_recently: usize,
    /// The safeguarding (children) flag.
    pub safeguarding_children: bool,
    /// The latest ECG not in error taken on or before the prescription starts, for
    /// [`check_ecg`].
    pub latest_ecg: Option<NaiveDate>,
}

/// Take-home doses judged against compliance and safety (NICE TA114: supervision is relaxed only
/// when compliance is assured; the Orange Book 2017, 4.4: take-home doses are a risk to children
/// in the household, so safe storage is discussed). Illicit opiate use at the latest TOP or
/// doses missed in the last four weeks need a reason; with the safeguarding (children) flag,
/// take-home doses are never recorded unless safe storage was discussed.
pub fn check_take_home(next: &OstPrescription, facts: &TakeHomeFacts) -> Vec<Finding> {
    if !next.rx.supervision.has_take_home() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    if let Some((on, Some(days))) = facts.latest_top
        && days > 0.0
    {
        findings.push(Finding::NeedsReason(format!(
            "the latest TOP ({}) records illicit opiate use on {} of 28 days: record the reason \
             for take-home doses",
            super::uk_date(on),
            mg(days)
        )));
    }
    if facts.missed_recently > 0 {
        findings.push(Finding::NeedsReason(format!(
            "{} dose{} missed in the last four weeks: record the reason for take-home doses",
            facts.missed_recently,
            if facts.missed_recently == 1 { "" } else { "s" }
        )));
    }
    if facts.safeguarding_children && next.terms.safe_storage_discussed != Some(true) {
        findings.push(Finding::Refused(
            "children in the household (safeguarding flag): take-home doses need safe storage \
             discussed first; answer yes to 'safe storage discussed'"
                .into(),
        ));
    }
    findings
}

/// Methadone above the service's ECG threshold with no ECG in its validity period before the
/// prescription starts: an ECG is recommended, and going ahead without one needs a reason (see
/// the module's sources). A dose at the threshold, or an ECG exactly the validity period old,
/// asks nothing.
pub fn check_ecg(
    next: &OstPrescription,
    facts: &TakeHomeFacts,
    limits: &DoseLimits,
) -> Option<Finding> {
    let rx = &next.rx;
    if rx.medicine != Medicine::Methadone || rx.dose_mg <= limits.ecg_methadone_mg {
        return None;
    }
    let current_from = limits.ecg_valid_for.before(rx.started_on);
    if facts.latest_ecg.is_some_and(|on| on >= current_from) {
        return None;
    }
    let latest = facts
        .latest_ecg
        .map(|on| format!(" (the latest was on {})", super::uk_date(on)))
        .unwrap_or_default();
    Some(Finding::NeedsReason(format!(
        "ECG recommended: methadone above {} mg a day and no ECG recorded in the last {}{latest}: \
         record the ECG first, or the reason to go ahead without one",
        mg(limits.ecg_methadone_mg),
        limits.ecg_valid_for
    )))
}

/// A dose as people write it: "30", "7.5".
fn mg(dose: f64) -> String {
    dose.to_string()
}

#[cfg(test)]
mod tests;
