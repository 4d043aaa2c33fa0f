//! Keeping a demo client's history coherent with their record: what sessions delivered agrees
//! with the risk flags (by the same rule the store applies to a session saved), and the words in
//! notes, goals and reviews fit the client (no needle-exchange talk to someone who never
//! injected, no pharmacy pick-up without a prescription).

use super::Dice;
use crate::domain::*;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Whom a line of demo text fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Anyone,
    /// Uses heroin or other opioids: overdose and naloxone talk.
    Opioid,
    /// On a prescription (OST): pharmacy, script, take-home doses.
    Ost,
    /// Has ever injected: injecting-site care, needle exchange, BBV.
    Injected,
    /// Uses this substance.
    Uses(Substance),
}

impl Fit {
    pub fn suits(self, client: &Client) -> bool {
        match self {
            Fit::Anyone => true,
            Fit::Opioid => client.uses_opioids(),
            Fit::Ost => client.modality.is_ost(),
            Fit::Injected => injected(client),
            Fit::Uses(s) => client.primary_substance == s || client.other_substances.contains(&s),
        }
    }
}

/// Whether the client has ever injected (or would not say, which is treated as a yes for care).
pub fn injected(client: &Client) -> bool {
    client.injecting != InjectingStatus::Never
}

/// A line of `lines` that fits the client.
pub fn pick(dice: &mut Dice, lines: &[(Fit, &'static str)], client: &Client) -> &'static str {
    let fitting: Vec<&'static str> = lines
        .iter()
        .filter(|(fit, _)| fit.suits(client))
        .map(|(_, line)| *line)
        .collect();
    dice.pick(&fitting)
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
