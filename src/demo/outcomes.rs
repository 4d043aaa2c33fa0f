//! Treatment Outcomes Profiles for demo clients: answers to all thirty items that move the way
//! treatment tends to move them. Use falls (quickly for most, partly or hardly for some), the
//! wellbeing scales rise with it, crime and housing problems ease; now and then a bad patch, and
//! the occasional item the client declined.

use super::Dice;
use crate::domain::{Answer, Client, InjectingStatus, Name, Substance, Top, TopItem, TopStage};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// How a client's use and wellbeing answer treatment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Response {
    /// Use falls to nothing or nearly within months.
    Good,
    /// Use halves or so and stays there.
    Partial,
    /// Little changes.
    Poor,
}

impl Response {
    pub(super) fn draw(dice: &mut Dice) -> Self {
        dice.weighted(&[(65, Self::Good), (25, Self::Partial), (10, Self::Poor)])
    }
}

/// One substance the client uses: its TOP items, days in the 28 before treatment and the
/// usual amount on a using day.
struct Use {
    days: TopItem,
    baseline: f64,
    typical: f64,
    /// The problem substance (falls with the full response) or a secondary one.
    primary: bool,
}

/// Everything about a client that shapes their TOP answers, drawn once.
pub(super) struct Profile {
    uses: Vec<Use>,
    other: Option<Name>,
    injecting: InjectingStatus,
    /// How much of the problem goes (0 none, 1 all) and in how many months.
    response: f64,
    settle_months: f64,
    shoplifting: f64,
    selling: f64,
    /// Chances of vehicle theft, other theft, fraud and assault in the 28 days before treatment.
    crimes: [f64; 4],
    /// Psychological health, physical health and quality of life at the start, and the gain.
    wellbeing: [f64; 3],
    gain: f64,
    /// Days of paid work at the start, and the month a job came, if one did.
    work: f64,
    job_from: Option<f64>,
    college: f64,
    /// Months until an acute housing problem or an eviction risk was sorted (0: none).
    housing_until: f64,
    eviction_until: f64,
}

/// The TOP item for days of use of a substance, or `None` when it goes under "other".
fn days_item_of(substance: Substance) -> Option<TopItem> {
    Some(match substance {
        Substance::Heroin => TopItem::OpiatesDays,
        Substance::Alcohol => TopItem::AlcoholDays,
        Substance::Crack => TopItem::CrackDays,
        Substance::Cocaine => TopItem::CocaineDays,
        Substance::Amphetamines => TopItem::AmphetaminesDays,
        Substance::Cannabis => TopItem::CannabisDays,
        _ => return None,
    })
}

/// The name written against "other substance" on the form.
fn other_name(substance: Substance) -> &'static str {
    match substance {
        Substance::Benzodiazepines => "Benzodiazepines (street diazepam)",
        Substance::Gabapentinoids => "Pregabalin",
        Substance::Ketamine => "Ketamine",
        Substance::SyntheticCannabinoids => "Synthetic cannabinoids",
        Substance::PrescribedOpioids => "Codeine and tramadol (not prescribed)",
        _ => "Other",
    }
}

/// Days before treatment and the usual amount on a using day (a random range each), by item.
fn usual_use(dice: &mut Dice, days: TopItem, primary: bool) -> (f64, f64) {
    let (low, high) = if primary { (14, 28) } else { (2, 12) };
    let mut baseline = dice.between(low, high) as f64;
    let tenths = |dice: &mut Dice, low: i64, high: i64| dice.between(low, high) as f64 / 10.0;
    let typical = match days {
        TopItem::OpiatesDays => {
            if primary {
                baseline = baseline.max(20.0);
            }
            tenths(dice, 2, 10)
        }
        TopItem::AlcoholDays if primary => dice.between(10, 40) as f64,
        TopItem::AlcoholDays => dice.between(4, 12) as f64,
        TopItem::CrackDays => tenths(dice, 3, 20),
        TopItem::CocaineDays => tenths(dice, 5, 25),
        TopItem::AmphetaminesDays => tenths(dice, 5, 20),
        TopItem::CannabisDays => dice.between(2, 8) as f64,
        _ => dice.between(2, 12) as f64,
    };
    (baseline, typical)
}

impl Profile {
    pub(super) fn new(dice: &mut Dice, client: &Client, response: Response) -> Self {
        let mut uses = Vec::new();
        let mut other = None;
        let substances = std::iter::once((client.primary_substance, true))
            .chain(client.other_substances.iter().map(|s| (*s, false)));
        for (substance, primary) in substances {
            let days = match days_item_of(substance) {
                Some(days) => days,
                None if other.is_none() => {
                    other = Some(Name::new(other_name(substance)).expect("listed names are valid"));
                    TopItem::OtherDays
                }
                None => continue,
            };
            let (baseline, typical) = usual_use(dice, days, primary);
            uses.push(Use {
                days,
                baseline,
                typical,
                primary,
            });
        }
        // Many drink a little without it being a problem.
        if !uses.iter().any(|u| u.days == TopItem::AlcoholDays) && dice.chance(0.3) {
            uses.push(Use {
                days: TopItem::AlcoholDays,
                baseline: dice.between(1, 6) as f64,
                typical: dice.between(3, 8) as f64,
                primary: false,
            });
        }
        let (response, settle_months) = match response {
            Response::Good => (
                dice.between(97, 100) as f64 / 100.0,
                dice.between(2, 5) as f64,
            ),
            Response::Partial => (
                dice.between(40, 70) as f64 / 100.0,
                dice.between(4, 10) as f64,
            ),
            Response::Poor => (
                dice.between(0, 30) as f64 / 100.0,
                dice.between(6, 12) as f64,
            ),
        };
        let street_drugs = matches!(
            client.primary_substance,
            Substance::Heroin | Substance::Crack
        ) || client.other_substances.contains(&Substance::Crack);
        let shoplifting = if dice.chance(if street_drugs { 0.4 } else { 0.08 }) {
            dice.between(2, 15) as f64
        } else {
            0.0
        };
        let selling = if dice.chance(0.1) {
            dice.between(1, 10) as f64
        } else {
            0.0
        };
        let crime_scale = if street_drugs { 1.0 } else { 0.4 };
        let employed = dice.chance(0.15);
        Self {
            uses,
            other,
            injecting: client.injecting,
            response,
            settle_months,
            shoplifting,
            selling,
            crimes: [0.03, 0.12, 0.05, 0.08].map(|p| p * crime_scale),
            wellbeing: [
                dice.between(4, 11) as f64,
                dice.between(5, 12) as f64,
                dice.between(3, 10) as f64,
            ],
            gain: response * dice.between(4, 9) as f64,
            work: if employed {
                dice.between(4, 20) as f64
            } else {
                0.0
            },
            job_from: (!employed && dice.chance(response * 0.35))
                .then(|| dice.between(6, 30) as f64),
            college: if dice.chance(0.06) {
                dice.between(2, 8) as f64
            } else {
                0.0
            },
            housing_until: if dice.chance(0.18) {
                dice.between(2, 18) as f64
            } else {
                0.0
            },
            eviction_until: if dice.chance(0.1) {
                dice.between(1, 12) as f64
            } else {
                0.0
            },
        }
    }

    /// One TOP taken `months` into treatment.
    pub(super) fn top(
        &self,
        dice: &mut Dice,
        client_id: i64,
        worker_id: i64,
        completed_on: NaiveDate,
        stage: TopStage,
        months: f64,
    ) -> Top {
        let progress = (months / self.settle_months).min(1.0);
        let mut left = 1.0 - self.response * progress;
        // Now and then a bad patch: a lapse, a bereavement, a lost tenancy.
        let bad_patch = stage != TopStage::Start && dice.chance(0.07);
        if bad_patch {
            left = left.max(0.5);
        }
        let mut answers = BTreeMap::new();
        let mut put = |item: TopItem, answer: Answer| {
            answers.insert(item, answer);
            answer
        };
        let mut opiate_days = None;
        // Tobacco (a TOP item since schema 14) is left unasked, as on a TOP recorded before it:
        // drawing for it would move every later draw and change the whole demo.
        for (_, days_item, amount_item) in crate::domain::top::SUBSTANCE_ITEMS
            .iter()
            .filter(|(_, days, _)| *days != TopItem::TobaccoDays)
        {
            let used = self.uses.iter().find(|u| u.days == *days_item);
            let days = used.map_or(0.0, |u| {
                let remaining = if u.primary {
                    left
                } else {
                    1.0 - 0.8 * (1.0 - left)
                };
                days_of(dice, u.baseline * remaining)
            });
            let answer = put(*days_item, ask(dice, days));
            if *days_item == TopItem::OpiatesDays {
                opiate_days = answer.value();
            }
            if let (Some(u), Answer::Value(d)) = (used, answer)
                && d > 0.0
            {
                let spread = dice.between(70, 130) as f64 / 100.0;
                put(
                    *amount_item,
                    ask(dice, amount(*amount_item, u.typical * spread)),
                );
            }
        }
        let injected = match self.injecting {
            InjectingStatus::Currently => {
                let floor = dice.between(2, 10) as f64;
                (opiate_days.unwrap_or(floor) * 0.8)
                    .max(floor)
                    .round()
                    .min(28.0)
            }
            _ => 0.0,
        };
        if self.injecting == InjectingStatus::Declined {
            // Declined to say whether they inject: the form's days are declined too.
            put(TopItem::InjectedDays, Answer::Declined);
        } else {
            put(TopItem::InjectedDays, ask(dice, injected));
        }
        let injects = self.injecting == InjectingStatus::Currently;
        let shared_needles = injects && dice.chance(0.03 + 0.12 * left);
        let shared_kit = injects && dice.chance(0.05 + 0.3 * left);
        put(TopItem::SharedNeedles, ask(dice, yes_no(shared_needles)));
        put(TopItem::SharedEquipment, ask(dice, yes_no(shared_kit)));

        let shoplifting = if self.shoplifting > 0.0 {
            days_of(dice, self.shoplifting * left)
        } else {
            0.0
        };
        put(TopItem::ShopliftingDays, ask(dice, shoplifting));
        let selling = if self.selling > 0.0 {
            days_of(dice, self.selling * left)
        } else {
            0.0
        };
        put(TopItem::SellingDays, ask(dice, selling));
        let crime_items = [
            TopItem::VehicleTheft,
            TopItem::OtherTheft,
            TopItem::Fraud,
            TopItem::Assault,
        ];
        for (item, chance) in crime_items.into_iter().zip(self.crimes) {
            let yes = dice.chance(chance * (0.2 + 0.8 * left));
            put(item, ask(dice, yes_no(yes)));
        }

        let gained = self.gain * progress * if bad_patch { 0.3 } else { 1.0 };
        let scales = [
            TopItem::PsychologicalHealth,
            TopItem::PhysicalHealth,
            TopItem::QualityOfLife,
        ];
        for (item, start) in scales.into_iter().zip(self.wellbeing) {
            let value = (start + gained + dice.between(-2, 2) as f64)
                .clamp(0.0, 20.0)
                .round();
            put(item, ask(dice, value));
        }
        let work = if self.job_from.is_some_and(|m| months >= m) {
            dice.between(10, 20) as f64
        } else if self.work > 0.0 {
            (self.work + dice.between(-3, 3) as f64).clamp(0.0, 28.0)
        } else {
            0.0
        };
        put(TopItem::PaidWorkDays, ask(dice, work));
        let college = if self.college > 0.0 && months >= 3.0 {
            self.college
        } else {
            0.0
        };
        put(TopItem::CollegeDays, ask(dice, college));
        put(
            TopItem::AcuteHousing,
            ask(dice, yes_no(months < self.housing_until)),
        );
        put(
            TopItem::EvictionRisk,
            ask(dice, yes_no(months < self.eviction_until)),
        );
        Top {
            client_id,
            worker_id,
            completed_on,
            stage,
            other_substance: self.other.clone(),
            answers,
        }
    }
}

/// A value, or now and then the client's choice not to say.
fn ask(dice: &mut Dice, value: f64) -> Answer {
    if dice.chance(0.012) {
        Answer::Declined
    } else {
        Answer::Value(value)
    }
}

/// Whole days from an expected number: none at all once use has all but stopped, otherwise
/// the expectation give or take a few days.
fn days_of(dice: &mut Dice, expected: f64) -> f64 {
    if expected < 1.0 {
        if dice.chance(0.9) {
            0.0
        } else {
            dice.between(1, 2) as f64
        }
    } else {
        (expected + dice.between(-3, 3) as f64)
            .round()
            .clamp(1.0, 28.0)
    }
}

/// An amount in the form's units: tenths of a gram, whole units of alcohol, whole spliffs.
fn amount(item: TopItem, value: f64) -> f64 {
    match item {
        TopItem::AlcoholUnits | TopItem::CannabisSpliffs | TopItem::OtherAmount => {
            value.round().max(1.0)
        }
        _ => ((value * 10.0).round() / 10.0).max(0.1),
    }
}

fn yes_no(yes: bool) -> f64 {
    if yes { 1.0 } else { 0.0 }
}

/// Sets a substance's days of use on a TOP, with an amount when there was use, keeping the
/// form valid.
pub(super) fn set_use(top: &mut Top, days_item: TopItem, days: f64, amount_per_day: f64) {
    let Some((_, _, amount_item)) = crate::domain::top::SUBSTANCE_ITEMS
        .iter()
        .find(|(_, d, _)| *d == days_item)
    else {
        return;
    };
    top.answers.insert(days_item, Answer::Value(days));
    if days > 0.0 {
        top.answers.insert(
            *amount_item,
            Answer::Value(amount(*amount_item, amount_per_day)),
        );
    } else {
        top.answers.remove(amount_item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Modality, RiskFlags, ServiceRef};

    fn client(primary: Substance, others: &[Substance], injecting: InjectingStatus) -> Client {
        let day = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
        Client {
            reference: ServiceRef::from_number(1),
            given_name: Name::new("Ben").unwrap(),
            family_name: Name::new("Heron").unwrap(),
            preferred_name: None,
            date_of_birth: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
            nhs_number: None,
            key_worker_id: 1,
            status: crate::domain::ClientStatus::Active,
            referral_date: day,
            treatment_start: Some(day),
            primary_substance: primary,
            other_substances: others.iter().copied().collect(),
            injecting,
            modality: Modality::OstMethadone,
            shared_care: None,
            risk: RiskFlags::default(),
        }
    }

    #[test]
    fn every_top_is_valid_and_answers_every_item_that_applies() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut dice = Dice::new(3, today);
        let kinds = [
            client(
                Substance::Heroin,
                &[Substance::Crack, Substance::Benzodiazepines],
                InjectingStatus::Currently,
            ),
            client(
                Substance::Alcohol,
                &[Substance::Gabapentinoids],
                InjectingStatus::Never,
            ),
            client(Substance::Cannabis, &[], InjectingStatus::Declined),
        ];
        for c in &kinds {
            for _ in 0..50 {
                let response = Response::draw(&mut dice);
                let profile = Profile::new(&mut dice, c, response);
                for (stage, months) in [
                    (TopStage::Start, 0.0),
                    (TopStage::Review, 6.0),
                    (TopStage::Exit, 14.0),
                ] {
                    let top = profile.top(&mut dice, 1, 1, today, stage, months);
                    top.validate().expect("valid TOP");
                    // Every item but tobacco's two, less the amounts of substances not used.
                    let without_amounts =
                        TopItem::ALL.len() - 2 - (crate::domain::top::SUBSTANCE_ITEMS.len() - 1);
                    assert!(top.answers.len() >= without_amounts, "{top:?}");
                }
            }
        }
    }

    #[test]
    fn opiate_use_falls_for_good_responders() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut dice = Dice::new(5, today);
        let c = client(Substance::Heroin, &[], InjectingStatus::Previously);
        let (mut start, mut later) = (0.0, 0.0);
        for _ in 0..100 {
            let profile = Profile::new(&mut dice, &c, Response::Good);
            let days = |top: Top| top.opiate_days().unwrap_or(0.0);
            start += days(profile.top(&mut dice, 1, 1, today, TopStage::Start, 0.0));
            later += days(profile.top(&mut dice, 1, 1, today, TopStage::Review, 12.0));
        }
        assert!(
            start > 2000.0 && later < 500.0,
            "start {start}, a year on {later}"
        );
    }
}
