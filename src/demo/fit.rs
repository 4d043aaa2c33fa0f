//! Keeping a demo client's history coherent with their record: what sessions delivered agrees
//! with the risk flags (by the same rule the store applies to a session saved), and the words in
//! notes, goals and reviews fit the client (no needle-exchange talk to someone who never
//! injected, no pharmacy pick-up without a prescription).

use super::Dice;
use crate::domain::*;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Whom a line of demo text fits. Slang belongs to the substance it is about: heroin and
/// script talk ("chasing", "gear", "on top", "script", "dose", "pharmacy pick-up") only for
/// someone who uses opioids or is on OST, drinking talk only for someone who drinks, stimulant
/// talk only for someone who uses crack, cocaine or amphetamines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Anyone,
    /// Uses heroin or other opioids, or is on a prescription for them: overdose, naloxone and
    /// heroin slang.
    Opioid,
    /// Uses opioids and is not on a prescription: "chasing it" every day.
    OpioidNoScript,
    /// On a prescription (OST): script, dose, take-home doses.
    Ost,
    /// On an oral prescription collected from a pharmacy (methadone, buprenorphine tablets):
    /// pharmacy pick-up and safe storage at home. A depot or a clinic-given dose has neither.
    Pharmacy,
    /// Not on a prescription: talk of use that would read, to someone on OST, as their script.
    NoScript,
    /// Has ever injected: injecting-site care, needle exchange, BBV.
    Injected,
    /// Uses this substance.
    Uses(Substance),
    /// Uses crack, cocaine or amphetamines.
    Stimulant,
    /// Talk of reducing or coming off a script: only once the client on OST is stable (the
    /// Orange Book 2017, 4.5: stabilise first, then discuss reduction), never in the first
    /// three months or on the day of release from prison. Never said to a client not on OST
    /// (their "cutting down" lines are worded for their substance).
    ReduceScript,
}

/// How far into treatment a text is written: it decides reduction talk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Moment {
    /// Days since treatment started (`None`: the day is not known, so nothing rests on it).
    pub days_in: Option<i64>,
    /// The day the client left prison.
    pub release_day: bool,
}

/// Three months on OST before a reduction is talked about (the Orange Book 2017, 4.5: a stable
/// dose and life first).
pub const STABLE_AFTER_DAYS: i64 = 90;

impl Moment {
    /// The moment `on` in the client's treatment.
    pub fn of(client: &Client, on: NaiveDate) -> Self {
        Self {
            days_in: client.treatment_start.map(|start| (on - start).num_days()),
            release_day: client.risk.prison_release_on == Some(on),
        }
    }

    /// Whether a client on OST is settled enough for reduction to be talked about.
    pub fn stable(self) -> bool {
        self.days_in.is_some_and(|d| d >= STABLE_AFTER_DAYS) && !self.release_day
    }
}

impl Fit {
    /// Whether the line fits the client, with no moment known (nothing date-bound fits).
    #[cfg(test)]
    pub fn suits(self, client: &Client) -> bool {
        self.suits_at(client, Moment::default())
    }

    /// Whether the line fits the client at this moment of their treatment.
    pub fn suits_at(self, client: &Client, moment: Moment) -> bool {
        let ost = client.modality.is_ost();
        match self {
            Fit::Anyone => true,
            Fit::Opioid => client.uses_opioids() || ost,
            Fit::OpioidNoScript => client.uses_opioids() && !ost,
            Fit::Ost => ost,
            Fit::Pharmacy => matches!(
                client.modality,
                Modality::OstMethadone | Modality::OstBuprenorphine
            ),
            Fit::NoScript => !ost,
            Fit::Injected => injected(client),
            Fit::Uses(s) => uses(client, s),
            Fit::Stimulant => [
                Substance::Crack,
                Substance::Cocaine,
                Substance::Amphetamines,
            ]
            .iter()
            .any(|s| uses(client, *s)),
            Fit::ReduceScript => ost && moment.stable(),
        }
    }
}

fn uses(client: &Client, s: Substance) -> bool {
    client.primary_substance == s || client.other_substances.contains(&s)
}

/// Whether the client has ever injected (or would not say, which is treated as a yes for care).
pub fn injected(client: &Client) -> bool {
    client.injecting != InjectingStatus::Never
}

/// A line of `lines` that fits the client.
pub fn pick(dice: &mut Dice, lines: &[(Fit, &'static str)], client: &Client) -> &'static str {
    pick_at(dice, lines, client, Moment::default(), None)
}

/// A line of `lines` that fits the client at `moment`, other than `not` (the last one said)
/// when another fits.
pub fn pick_at(
    dice: &mut Dice,
    lines: &[(Fit, &'static str)],
    client: &Client,
    moment: Moment,
    not: Option<&str>,
) -> &'static str {
    let fitting: Vec<&'static str> = lines
        .iter()
        .filter(|(fit, _)| fit.suits_at(client, moment))
        .map(|(_, line)| *line)
        .collect();
    let fresh: Vec<&'static str> = fitting
        .iter()
        .copied()
        .filter(|line| Some(*line) != not)
        .collect();
    dice.pick(if fresh.is_empty() { &fitting } else { &fresh })
}

/// The interventions sessions deliver only as the client's record says (the kit, the tests, the
/// doses), never by chance.
pub const ON_THE_RECORD: [Intervention; 3] = [
    Intervention::NaloxoneSupplied,
    Intervention::BbvTest,
    Intervention::HepBVaccination,
];

/// The interventions a session may deliver by chance to this client.
pub fn by_chance(client: &Client) -> Vec<Intervention> {
    Intervention::ALL
        .iter()
        .copied()
        .filter(|i| !ON_THE_RECORD.contains(i))
        .filter(|i| *i != Intervention::MedicationReview || client.modality.is_ost())
        // A referral for hep C treatment follows a positive RNA result (`super::bbv`).
        .filter(|i| *i != Intervention::HepCTreatmentReferral)
        .collect()
}

/// What one session delivers on the record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Planned {
    pub interventions: BTreeSet<Intervention>,
    hep_c: bool,
    hiv: bool,
}

impl Planned {
    pub fn bbv(&self) -> Option<BbvTests> {
        BbvTests::of(self.hep_c, self.hiv)
    }
}

/// The sessions that deliver what the client's drawn flags record inside their time with the
/// service: each at the session (by index into `dates`) nearest its date, among `open` ones.
/// A date before the first session stays as it is (done before treatment); a date with no
/// open session to carry it is left out of the plan, and so off the record.
pub fn plan(client: &Client, dates: &[NaiveDate], open: &[usize]) -> BTreeMap<usize, Planned> {
    let mut plan: BTreeMap<usize, Planned> = BTreeMap::new();
    let Some(first) = dates.first() else {
        return plan;
    };
    let nearest = |on: NaiveDate| {
        open.iter()
            .copied()
            .min_by_key(|i| (dates[*i] - on).num_days().abs())
    };
    let r = &client.risk;
    let mut at = |on: Option<NaiveDate>, add: &dyn Fn(&mut Planned)| {
        if let Some(index) = on.filter(|d| d >= first).and_then(nearest) {
            add(plan.entry(index).or_default());
        }
    };
    if r.naloxone_held {
        at(r.naloxone_supplied_on, &|p| {
            p.interventions.insert(Intervention::NaloxoneSupplied);
        });
    }
    at(r.hep_c_tested_on, &|p| {
        p.interventions.insert(Intervention::BbvTest);
        p.hep_c = true;
    });
    at(r.hiv_tested_on, &|p| {
        p.interventions.insert(Intervention::BbvTest);
        p.hiv = true;
    });
    if r.hep_b == Some(HepBStatus::InProgress) {
        // A course started in treatment: its first dose a few sessions in.
        at(Some(dates[dates.len().min(3) - 1]), &|p| {
            p.interventions.insert(Intervention::HepBVaccination);
        });
    }
    // A current hep C infection found in treatment is referred at the next session (the
    // Orange Book 2017, 2.5; NICE PH43), which `super::bbv::results` reads back.
    if super::bbv::rna_positive(client) {
        let tested = r.hep_c_tested_on.filter(|d| d >= first).and_then(nearest);
        if let Some(next) = tested.and_then(|t| open.iter().copied().find(|i| *i > t)) {
            plan.entry(next)
                .or_default()
                .interventions
                .insert(Intervention::HepCTreatmentReferral);
        }
    }
    plan
}

/// The flags as they stood before the first session: what the sessions will record taken off,
/// so that only the sessions put it back.
pub fn before_sessions(client: &Client, first: Option<NaiveDate>) -> RiskFlags {
    let mut r = client.risk.clone();
    let Some(first) = first else {
        return r;
    };
    let in_treatment = |on: Option<NaiveDate>| on.is_some_and(|d| d >= first);
    if in_treatment(r.naloxone_supplied_on) {
        r.naloxone_held = false;
        r.naloxone_supplied_on = None;
    }
    if in_treatment(r.hep_c_tested_on) {
        r.hep_c_tested_on = None;
    }
    if in_treatment(r.hiv_tested_on) {
        r.hiv_tested_on = None;
    }
    if r.hep_b == Some(HepBStatus::InProgress) {
        r.hep_b = Some(HepBStatus::NotStarted);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn client(modality: Modality, substance: Substance) -> Client {
        Client {
            reference: ServiceRef::from_number(1),
            given_name: Name::new("Jo").unwrap(),
            family_name: Name::new("Wren").unwrap(),
            preferred_name: None,
            date_of_birth: d(1985, 6, 15),
            nhs_number: None,
            key_worker_id: 1,
            status: ClientStatus::Active,
            referral_date: d(2026, 1, 2),
            treatment_start: Some(d(2026, 1, 5)),
            primary_substance: substance,
            other_substances: BTreeSet::new(),
            injecting: InjectingStatus::Never,
            modality,
            shared_care: None,
            risk: RiskFlags::default(),
        }
    }

    #[test]
    fn reduction_talk_waits_for_three_stable_months_and_never_on_a_release_day() {
        let mut c = client(Modality::OstMethadone, Substance::Heroin);
        let at = |c: &Client, on| Fit::ReduceScript.suits_at(c, Moment::of(c, on));
        assert!(!at(&c, d(2026, 4, 4)), "day 89");
        assert!(at(&c, d(2026, 4, 5)), "day 90");
        c.risk.prison_release_on = Some(d(2026, 6, 1));
        assert!(!at(&c, d(2026, 6, 1)), "the day of release");
        assert!(
            !Fit::ReduceScript.suits(&c),
            "no day known: nothing date-bound"
        );
        let drinker = client(Modality::Alcohol, Substance::Alcohol);
        assert!(!at(&drinker, d(2026, 9, 1)), "no script to reduce");
    }

    #[test]
    fn slang_fits_only_the_substance_it_is_about() {
        let drinker = client(Modality::Alcohol, Substance::Alcohol);
        let on_methadone = client(Modality::OstMethadone, Substance::Heroin);
        let on_depot = client(Modality::LaiBuprenorphine, Substance::Heroin);
        assert!(!Fit::Opioid.suits(&drinker));
        assert!(
            !Fit::OpioidNoScript.suits(&on_methadone),
            "chasing: not on a script"
        );
        assert!(Fit::Pharmacy.suits(&on_methadone));
        assert!(!Fit::Pharmacy.suits(&on_depot), "a depot is not picked up");
        assert!(Fit::Uses(Substance::Alcohol).suits(&drinker));
        assert!(!Fit::Stimulant.suits(&drinker));
    }

    #[test]
    fn a_pick_avoids_the_last_line_when_another_fits() {
        let c = client(Modality::Alcohol, Substance::Alcohol);
        let lines = [(Fit::Anyone, "a"), (Fit::Anyone, "b"), (Fit::Opioid, "c")];
        let mut dice = Dice::new(1, d(2026, 11, 23));
        for _ in 0..50 {
            assert_eq!(
                pick_at(&mut dice, &lines, &c, Moment::default(), Some("a")),
                "b"
            );
        }
    }
}
