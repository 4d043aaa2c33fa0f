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

/// One TOP item as everything that shows or exports it names it. [`ITEMS`] holds one row per
/// item; the form, the record, the printed and JSON exports and the trend charts all read it,
/// and a test (`tests/top_items.rs`) checks every shown label and exported name against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemRow {
    pub item: TopItem,
    /// The stable code: stored in `top_answers.item`, the key in the JSON export and the form
    /// field's key.
    pub code: &'static str,
    /// The NDTMS form's question with its period, as the record and the printed export show it.
    pub label: &'static str,
    /// The form's label: at most 17 characters, the label column of an 80-column terminal,
    /// where the full wording would need a row of its own.
    pub short: &'static str,
    pub measure: Measure,
    /// The name of the item's line in the record's trend charts, for the items charted: the
    /// days of each substance and the three wellbeing scales.
    pub chart: Option<&'static str>,
}

/// Declares [`TopItem`] and [`ITEMS`] from one list, so no item can have a code, a label or a
/// form label that the others lack.
macro_rules! top_items {
    ($( $variant:ident = ($code:literal, $label:literal, $short:literal, $measure:ident $(, chart $chart:literal)?) ),+ $(,)?) => {
        /// Every TOP item, in the order of the paper form.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum TopItem {
            $( #[serde(rename = $code)] $variant ),+
        }

        /// The one list of TOP items, in the order of the paper form (see [`ItemRow`]).
        pub const ITEMS: &[ItemRow] = &[
            $( ItemRow {
                item: TopItem::$variant,
                code: $code,
                label: $label,
                short: $short,
                measure: Measure::$measure,
                chart: top_items!(@chart $($chart)?),
            } ),+
        ];

        impl TopItem {
            /// Every item, in the order of the paper form.
            pub const ALL: &'static [TopItem] = &[$(TopItem::$variant),+];
        }
    };
    (@chart) => { None };
    (@chart $chart:literal) => { Some($chart) };
}

top_items! {
    AlcoholDays = ("alcohol_days", "Alcohol: days used in the past 4 weeks", "Alcohol days", Days, chart "Alcohol"),
    AlcoholUnits = ("alcohol_units", "Alcohol: units on a typical using day", "Alcohol units/day", Amount),
    OpiatesDays = ("opiates_days", "Illicit opiates: days used in the past 4 weeks", "Opiates days", Days, chart "Opiates"),
    OpiatesGrams = ("opiates_grams", "Illicit opiates: grams on a typical using day", "Opiates g/day", Amount),
    CrackDays = ("crack_days", "Crack: days used in the past 4 weeks", "Crack days", Days, chart "Crack"),
    CrackGrams = ("crack_grams", "Crack: grams on a typical using day", "Crack g/day", Amount),
    CocaineDays = ("cocaine_days", "Cocaine: days used in the past 4 weeks", "Cocaine days", Days, chart "Cocaine"),
    CocaineGrams = ("cocaine_grams", "Cocaine: grams on a typical using day", "Cocaine g/day", Amount),
    AmphetaminesDays = ("amphetamines_days", "Amphetamines: days used in the past 4 weeks", "Amphetamine days", Days, chart "Amphetamines"),
    AmphetaminesGrams = ("amphetamines_grams", "Amphetamines: grams on a typical using day", "Amphetamine g/day", Amount),
    CannabisDays = ("cannabis_days", "Cannabis: days used in the past 4 weeks", "Cannabis days", Days, chart "Cannabis"),
    CannabisSpliffs = ("cannabis_spliffs", "Cannabis: spliffs on a typical using day", "Spliffs per day", Amount),
    OtherDays = ("other_days", "Other substance: days used in the past 4 weeks", "Other drug days", Days, chart "Other"),
    OtherAmount = ("other_amount", "Other substance: amount on a typical using day", "Other amount/day", Amount),
    // In the TOP since 2015 (data set M): cigarettes, roll-ups, cigars, pipe or shisha.
    TobaccoDays = ("tobacco_days", "Tobacco: days used in the past 4 weeks", "Tobacco days", Days, chart "Tobacco"),
    TobaccoCigarettes = ("tobacco_cigarettes", "Tobacco: cigarettes on a typical using day", "Cigarettes/day", Amount),
    InjectedDays = ("injected_days", "Days injected non-prescribed drugs in the past 4 weeks", "Days injected", Days),
    // The TOP's sharing item is about the past four weeks; lifetime sharing is a separate
    // NDTMS item, not a TOP one.
    SharedNeedles = ("shared_needles", "Shared needles or syringes in the past 4 weeks", "Shared needles", YesNo),
    SharedEquipment = ("shared_equipment", "Shared spoons, water or filters in the past 4 weeks", "Shared equipment", YesNo),
    ShopliftingDays = ("shoplifting_days", "Days shoplifting in the past 4 weeks", "Shoplifting days", Days),
    SellingDays = ("selling_days", "Days selling drugs in the past 4 weeks", "Drug selling days", Days),
    VehicleTheft = ("vehicle_theft", "Theft from or of a vehicle in the past 4 weeks", "Vehicle theft", YesNo),
    OtherTheft = ("other_theft", "Other theft or burglary in the past 4 weeks", "Theft, burglary", YesNo),
    Fraud = ("fraud", "Fraud, forgery or handling stolen goods in the past 4 weeks", "Fraud, forgery", YesNo),
    Assault = ("assault", "Assault or violence in the past 4 weeks", "Assault, violence", YesNo),
    PsychologicalHealth = ("psychological_health", "Psychological health in the past 4 weeks (0 poor to 20 good)", "Psych. health", Scale, chart "Psychological"),
    PhysicalHealth = ("physical_health", "Physical health in the past 4 weeks (0 poor to 20 good)", "Physical health", Scale, chart "Physical"),
    QualityOfLife = ("quality_of_life", "Overall quality of life in the past 4 weeks (0 poor to 20 good)", "Quality of life", Scale, chart "Quality of life"),
    PaidWorkDays = ("paid_work_days", "Days in paid work in the past 4 weeks", "Paid work days", Days),
    CollegeDays = ("college_days", "Days at college or school in the past 4 weeks", "College days", Days),
    AcuteHousing = ("acute_housing", "Acute housing problem in the past 4 weeks", "Acute housing", YesNo),
    EvictionRisk = ("eviction_risk", "At risk of eviction in the past 4 weeks", "Eviction risk", YesNo),
}

impl TopItem {
    /// The item's row of [`ITEMS`] (declared in the same order, so its position is its index).
    pub const fn row(self) -> &'static ItemRow {
        &ITEMS[self as usize]
    }

    /// The stable code stored in the database and the export.
    pub fn code(self) -> &'static str {
        self.row().code
    }

    /// The NDTMS form's wording, with its period.
    pub fn label(self) -> &'static str {
        self.row().label
    }

    /// The form's label (at most 17 characters).
    pub fn short_label(self) -> &'static str {
        self.row().short
    }

    pub fn from_code(code: &str) -> Option<Self> {
        ITEMS.iter().find(|r| r.code == code).map(|r| r.item)
    }
}

impl std::fmt::Display for TopItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl std::str::FromStr for TopItem {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_code(s.trim()).ok_or_else(|| DomainError::UnknownCode {
            what: "TopItem",
            value: s.to_owned(),
            expected: ITEMS.iter().map(|r| r.code).collect::<Vec<_>>().join(", "),
        })
    }
}

/// The name of a charted item's trend line, from [`ITEMS`]; a build error if it has none.
const fn chart(item: TopItem) -> &'static str {
    match item.row().chart {
        Some(name) => name,
        None => panic!("a charted TOP item needs its chart name in ITEMS"),
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

/// The substances whose days of use the TOP records, each with its days and amount items; the
/// name is the days item's chart name in [`ITEMS`].
pub const SUBSTANCE_ITEMS: &[(&str, TopItem, TopItem)] = &[
    substance(TopItem::AlcoholDays, TopItem::AlcoholUnits),
    substance(TopItem::OpiatesDays, TopItem::OpiatesGrams),
    substance(TopItem::CrackDays, TopItem::CrackGrams),
    substance(TopItem::CocaineDays, TopItem::CocaineGrams),
    substance(TopItem::AmphetaminesDays, TopItem::AmphetaminesGrams),
    substance(TopItem::CannabisDays, TopItem::CannabisSpliffs),
    substance(TopItem::OtherDays, TopItem::OtherAmount),
    substance(TopItem::TobaccoDays, TopItem::TobaccoCigarettes),
];

const fn substance(days: TopItem, amount: TopItem) -> (&'static str, TopItem, TopItem) {
    (chart(days), days, amount)
}

/// The three wellbeing scales, each with its chart name from [`ITEMS`].
pub const WELLBEING_ITEMS: &[(&str, TopItem)] = &[
    (
        chart(TopItem::PsychologicalHealth),
        TopItem::PsychologicalHealth,
    ),
    (chart(TopItem::PhysicalHealth), TopItem::PhysicalHealth),
    (chart(TopItem::QualityOfLife), TopItem::QualityOfLife),
];

impl TopItem {
    pub fn measure(self) -> Measure {
        self.row().measure
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

    /// Each item's row sits at its position (what `row` relies on), and no two items share a
    /// code, a label, a form label or a chart name.
    #[test]
    fn the_item_table_has_one_row_per_item_and_no_name_twice() {
        assert_eq!(ITEMS.len(), TopItem::ALL.len());
        for (index, (row, item)) in ITEMS.iter().zip(TopItem::ALL).enumerate() {
            assert_eq!(row.item, *item);
            assert_eq!(*item as usize, index);
            assert_eq!(item.row(), row);
            assert_eq!(TopItem::from_code(row.code), Some(*item));
            assert!(row.short.chars().count() <= 17, "{}", row.short);
        }
        let distinct = |names: Vec<&str>| {
            let count = names.len();
            let set: std::collections::BTreeSet<&str> = names.into_iter().collect();
            set.len() == count
        };
        assert!(distinct(ITEMS.iter().map(|r| r.code).collect()));
        assert!(distinct(ITEMS.iter().map(|r| r.label).collect()));
        assert!(distinct(ITEMS.iter().map(|r| r.short).collect()));
        assert!(distinct(ITEMS.iter().filter_map(|r| r.chart).collect()));
        for (name, days, amount) in SUBSTANCE_ITEMS {
            assert_eq!(days.row().chart, Some(*name));
            assert_eq!(
                (days.measure(), amount.measure()),
                (Measure::Days, Measure::Amount)
            );
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
