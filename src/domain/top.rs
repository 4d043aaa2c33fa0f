//! The Treatment Outcomes Profile (TOP): the national outcome measure, taken at treatment start,
//! at reviews and at exit, about the past 28 days. Any item may be declined, which is recorded
//! as declined and never as zero.

use super::{DomainError, Name};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

code_enum! {
    /// When in treatment a TOP was taken: the NDTMS form's four stages. A post-treatment exit
    /// TOP is taken after the client has left, to see whether the change lasted.
    pub enum TopStage {
        Start = ("start", "Start of treatment"),
        Review = ("review", "Review"),
        Exit = ("exit", "Exit"),
        PostTreatmentExit = ("post_treatment_exit", "Post-treatment exit"),
    }
}

code_enum! {
    /// Every TOP item, in the order of the paper form.
    pub enum TopItem {
        AlcoholDays = ("alcohol_days", "Alcohol: days used in the past 4 weeks"),
        AlcoholUnits = ("alcohol_units", "Alcohol: units on a typical using day"),
        OpiatesDays = ("opiates_days", "Illicit opiates: days used in the past 4 weeks"),
        OpiatesGrams = ("opiates_grams", "Illicit opiates: grams on a typical using day"),
        CrackDays = ("crack_days", "Crack: days used in the past 4 weeks"),
        CrackGrams = ("crack_grams", "Crack: grams on a typical using day"),
        CocaineDays = ("cocaine_days", "Cocaine: days used in the past 4 weeks"),
        CocaineGrams = ("cocaine_grams", "Cocaine: grams on a typical using day"),
        AmphetaminesDays = ("amphetamines_days", "Amphetamines: days used in the past 4 weeks"),
        AmphetaminesGrams = ("amphetamines_grams", "Amphetamines: grams on a typical using day"),
        CannabisDays = ("cannabis_days", "Cannabis: days used in the past 4 weeks"),
        CannabisSpliffs = ("cannabis_spliffs", "Cannabis: spliffs on a typical using day"),
        OtherDays = ("other_days", "Other substance: days used in the past 4 weeks"),
        OtherAmount = ("other_amount", "Other substance: amount on a typical using day"),
        // In the TOP since 2015 (data set M): cigarettes, roll-ups, cigars, pipe or shisha.
        TobaccoDays = ("tobacco_days", "Tobacco: days used in the past 4 weeks"),
        TobaccoCigarettes = ("tobacco_cigarettes", "Tobacco: cigarettes on a typical using day"),
        InjectedDays = ("injected_days", "Days injected non-prescribed drugs in the past 4 weeks"),
        // The TOP's sharing item is about the past four weeks; lifetime sharing is a separate
        // NDTMS item, not a TOP one.
        SharedNeedles = ("shared_needles", "Shared needles or syringes in the past 4 weeks"),
        SharedEquipment = ("shared_equipment", "Shared spoons, water or filters in the past 4 weeks"),
        ShopliftingDays = ("shoplifting_days", "Days shoplifting in the past 4 weeks"),
        SellingDays = ("selling_days", "Days selling drugs in the past 4 weeks"),
        VehicleTheft = ("vehicle_theft", "Theft from or of a vehicle in the past 4 weeks"),
        OtherTheft = ("other_theft", "Other theft or burglary in the past 4 weeks"),
        Fraud = ("fraud", "Fraud, forgery or handling stolen goods in the past 4 weeks"),
        Assault = ("assault", "Assault or violence in the past 4 weeks"),
        PsychologicalHealth = ("psychological_health", "Psychological health in the past 4 weeks (0 poor to 20 good)"),
        PhysicalHealth = ("physical_health", "Physical health in the past 4 weeks (0 poor to 20 good)"),
        QualityOfLife = ("quality_of_life", "Overall quality of life in the past 4 weeks (0 poor to 20 good)"),
        PaidWorkDays = ("paid_work_days", "Days in paid work in the past 4 weeks"),
        CollegeDays = ("college_days", "Days at college or school in the past 4 weeks"),
        AcuteHousing = ("acute_housing", "Acute housing problem in the past 4 weeks"),
        EvictionRisk = ("eviction_risk", "At risk of eviction in the past 4 weeks"),
    }
}

/// What sort of answer an item takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Days in the last 28: whole numbers 0 to 28.
    Days,
    /// A typical amount on a using day; tenths allowed, up to 999.9.
    Amount,
    /// A wellbeing scale, whole numbers 0 (poor) to 20 (good).
    Scale,
    /// Yes (1) or no (0).
    YesNo,
}

impl Measure {
    /// The smallest and largest values accepted.
    pub fn range(self) -> (f64, f64) {
        match self {
            Self::Days => (0.0, 28.0),
            Self::Amount => (0.0, 999.9),
            Self::Scale => (0.0, 20.0),
            Self::YesNo => (0.0, 1.0),
        }
    }

    /// Whether only whole numbers are meaningful.
    pub fn whole(self) -> bool {
        self != Self::Amount
    }
}

/// The substances whose days of use the TOP records, each with its days and amount items.
pub const SUBSTANCE_ITEMS: &[(&str, TopItem, TopItem)] = &[
    ("Alcohol", TopItem::AlcoholDays, TopItem::AlcoholUnits),
    ("Opiates", TopItem::OpiatesDays, TopItem::OpiatesGrams),
    ("Crack", TopItem::CrackDays, TopItem::CrackGrams),
    ("Cocaine", TopItem::CocaineDays, TopItem::CocaineGrams),
    (
        "Amphetamines",
        TopItem::AmphetaminesDays,
        TopItem::AmphetaminesGrams,
    ),
    ("Cannabis", TopItem::CannabisDays, TopItem::CannabisSpliffs),
    ("Other", TopItem::OtherDays, TopItem::OtherAmount),
    ("Tobacco", TopItem::TobaccoDays, TopItem::TobaccoCigarettes),
];

/// The three wellbeing scales, with a short name each for charts.
pub const WELLBEING_ITEMS: &[(&str, TopItem)] = &[
    ("Psychological", TopItem::PsychologicalHealth),
    ("Physical", TopItem::PhysicalHealth),
    ("Quality of life", TopItem::QualityOfLife),
];

impl TopItem {
    pub fn measure(self) -> Measure {
        use TopItem::*;
        match self {
            AlcoholUnits | OpiatesGrams | CrackGrams | CocaineGrams | AmphetaminesGrams
            | CannabisSpliffs | OtherAmount | TobaccoCigarettes => Measure::Amount,
            SharedNeedles | SharedEquipment | VehicleTheft | OtherTheft | Fraud | Assault
            | AcuteHousing | EvictionRisk => Measure::YesNo,
            PsychologicalHealth | PhysicalHealth | QualityOfLife => Measure::Scale,
            _ => Measure::Days,
        }
    }

    /// Amount items apply only when their substance was used on at least one day.
    pub fn days_item(self) -> Option<TopItem> {
        SUBSTANCE_ITEMS
            .iter()
            .find(|(_, _, amount)| *amount == self)
            .map(|(_, days, _)| *days)
    }
}

/// One item's answer: a value, or the client's choice not to say.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Declined,
    #[serde(untagged)]
    Value(f64),
}

impl Answer {
    pub fn value(self) -> Option<f64> {
        match self {
            Self::Value(v) => Some(v),
            Self::Declined => None,
        }
    }
}

/// One completed TOP. Items not asked (an amount for a substance not used) are absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Top {
    pub client_id: i64,
    pub worker_id: i64,
    pub completed_on: NaiveDate,
    pub stage: TopStage,
    /// The other problem substance, named when its items are answered.
    pub other_substance: Option<Name>,
    pub answers: BTreeMap<TopItem, Answer>,
}

impl Top {
    pub fn answer(&self, item: TopItem) -> Option<Answer> {
        self.answers.get(&item).copied()
    }

    /// Every answer in range and whole where it must be; an amount only for a substance used.
    pub fn validate(&self) -> Result<(), DomainError> {
        for (item, answer) in &self.answers {
            let Answer::Value(value) = *answer else {
                continue;
            };
            let measure = item.measure();
            let (min, max) = measure.range();
            if !(min..=max).contains(&value) || (measure.whole() && value.fract() != 0.0) {
                return Err(DomainError::Rule(format!(
                    "{}: {value} is out of range ({min} to {max}{})",
                    item.label(),
                    if measure.whole() {
                        ", whole numbers"
                    } else {
                        ""
                    }
                )));
            }
            if let Some(days) = item.days_item()
                && self.answer(days) == Some(Answer::Value(0.0))
            {
                return Err(DomainError::Rule(format!(
                    "{}: no amount when the days used are 0",
                    item.label()
                )));
            }
        }
        let other_used = [TopItem::OtherDays, TopItem::OtherAmount].iter().any(|i| {
            self.answer(*i)
                .and_then(Answer::value)
                .is_some_and(|v| v > 0.0)
        });
        if other_used && self.other_substance.is_none() {
            return Err(DomainError::Rule(
                "name the other substance whose use is recorded".into(),
            ));
        }
        Ok(())
    }

    /// Days of illicit opiate use, if the client answered.
    pub fn opiate_days(&self) -> Option<f64> {
        self.answer(TopItem::OpiatesDays).and_then(Answer::value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(answers: &[(TopItem, Answer)]) -> Top {
        Top {
            client_id: 1,
            worker_id: 1,
            completed_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            stage: TopStage::Review,
            other_substance: None,
            answers: answers.iter().copied().collect(),
        }
    }

    #[test]
    fn declined_is_kept_apart_from_zero() {
        let t = top(&[
            (TopItem::OpiatesDays, Answer::Declined),
            (TopItem::CrackDays, Answer::Value(0.0)),
        ]);
        assert!(t.validate().is_ok());
        assert_eq!(t.opiate_days(), None);
        assert_eq!(t.answer(TopItem::CrackDays), Some(Answer::Value(0.0)));
        assert_ne!(Answer::Declined, Answer::Value(0.0));
    }

    #[test]
    fn answers_out_of_range_are_refused_with_the_item_named() {
        let cases = [
            (
                TopItem::OpiatesDays,
                29.0,
                "Illicit opiates: days used in the past 4 weeks: 29 is out of range (0 to 28, whole numbers)",
            ),
            (
                TopItem::QualityOfLife,
                21.0,
                "Overall quality of life in the past 4 weeks (0 poor to 20 good): 21 is out of range (0 to 20, whole numbers)",
            ),
            (
                TopItem::CrackDays,
                2.5,
                "Crack: days used in the past 4 weeks: 2.5 is out of range (0 to 28, whole numbers)",
            ),
            (
                TopItem::Fraud,
                2.0,
                "Fraud, forgery or handling stolen goods in the past 4 weeks: 2 is out of range (0 to 1, whole numbers)",
            ),
        ];
        for (item, value, message) in cases {
            let err = top(&[(item, Answer::Value(value))]).validate().unwrap_err();
            assert_eq!(err.to_string(), message);
        }
        assert!(
            top(&[
                (TopItem::AlcoholDays, Answer::Value(4.0)),
                (TopItem::AlcoholUnits, Answer::Value(12.5))
            ])
            .validate()
            .is_ok()
        );
    }

    #[test]
    fn an_amount_needs_days_of_use_and_other_use_needs_a_name() {
        let err = top(&[
            (TopItem::CrackDays, Answer::Value(0.0)),
            (TopItem::CrackGrams, Answer::Value(1.0)),
        ])
        .validate()
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("no amount when the days used are 0")
        );
        let err = top(&[(TopItem::OtherDays, Answer::Value(3.0))])
            .validate()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "name the other substance whose use is recorded"
        );
    }
}
