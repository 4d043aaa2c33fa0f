//! Blood-borne virus test results: which test, the day the sample was taken, and its result,
//! each virus on its own.
//!
//! Hepatitis C is tested in two steps (the Orange Book 2017, 2.5 and 4.7; NICE PH43): an
//! antibody test shows an infection at some time, and an RNA (PCR) test shows whether it is
//! current. Antibodies stay after a cleared or treated infection, so once an antibody test has
//! been positive, re-testing is by RNA. A hepatitis B immunity test (anti-HBs) shows whether a
//! vaccine course worked.
//!
//! A result often arrives weeks after the sample: the worker records the test as "not known"
//! when it is taken and again with its result when it comes. Nothing is overwritten: for each
//! test and day the latest entry stands ([`standing`]), the earlier ones stay on the record.

use chrono::NaiveDate;

code_enum! {
    /// A blood-borne virus test.
    pub enum BbvTest {
        HepCAntibody = ("hep_c_antibody", "Hep C antibody"),
        HepCRna = ("hep_c_rna", "Hep C RNA (PCR)"),
        Hiv = ("hiv", "HIV"),
        HepBImmunity = ("hep_b_immunity", "Hep B immunity (anti-HBs)"),
    }
}

code_enum! {
    /// What a test showed. Declined: offered and refused (no sample). Not known: taken, and the
    /// result not yet back or not reported.
    pub enum BbvResult {
        Negative = ("negative", "negative"),
        Positive = ("positive", "positive"),
        Declined = ("declined", "declined"),
        NotKnown = ("not_known", "not known"),
    }
}

impl BbvTest {
    /// The hepatitis C tests.
    pub const HEP_C: &'static [BbvTest] = &[BbvTest::HepCAntibody, BbvTest::HepCRna];

    /// The result in the words a worker reads for this test: a hep B immunity test is
    /// "immune" or "not immune", never "positive", which would read as an infection.
    pub fn result_words(self, result: BbvResult) -> &'static str {
        match (self, result) {
            (BbvTest::HepBImmunity, BbvResult::Positive) => "immune",
            (BbvTest::HepBImmunity, BbvResult::Negative) => "not immune",
            (_, result) => result.label(),
        }
    }
}

impl BbvResult {
    /// Whether a sample was taken (every result but declined): a test done, for the re-test
    /// interval, even while its result is awaited.
    pub fn sample_taken(self) -> bool {
        self != BbvResult::Declined
    }
}

/// One test result as the rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BbvEntry {
    pub test: BbvTest,
    pub taken_on: NaiveDate,
    pub result: BbvResult,
}

impl BbvEntry {
    /// "Hep C RNA (PCR) positive, taken 03/11/2026".
    pub fn describe(&self) -> String {
        format!(
            "{} {}, taken {}",
            self.test.label(),
            self.test.result_words(self.result),
            super::uk_date(self.taken_on)
        )
    }
}

/// The results as they stand, from entries in the order they were recorded: for each test and
/// day the latest entry (a result replaces the "not known" recorded when the sample was taken).
/// Ordered by day taken, then test.
pub fn standing(recorded: &[BbvEntry]) -> Vec<BbvEntry> {
    let mut by_test_and_day: Vec<BbvEntry> = Vec::new();
    for entry in recorded {
        match by_test_and_day
            .iter_mut()
            .find(|e| e.test == entry.test && e.taken_on == entry.taken_on)
        {
            Some(earlier) => *earlier = *entry,
            None => by_test_and_day.push(*entry),
        }
    }
    by_test_and_day.sort_by_key(|e| (e.taken_on, e.test));
    by_test_and_day
}

/// The latest standing result of any of `tests` (ties on a day: the later test in `tests`).
pub fn latest(standing: &[BbvEntry], tests: &[BbvTest]) -> Option<BbvEntry> {
    standing
        .iter()
        .filter(|e| tests.contains(&e.test))
        .max_by_key(|e| (e.taken_on, tests.iter().position(|t| *t == e.test)))
        .copied()
}

/// The latest positive or negative result of `test`: a pending or declined test since does not
/// hide it.
pub fn latest_known(standing: &[BbvEntry], test: BbvTest) -> Option<BbvEntry> {
    standing
        .iter()
        .filter(|e| e.test == test && matches!(e.result, BbvResult::Positive | BbvResult::Negative))
        .max_by_key(|e| e.taken_on)
        .copied()
}

/// The latest day a sample was taken for any of `tests`.
pub fn last_sample(standing: &[BbvEntry], tests: &[BbvTest]) -> Option<NaiveDate> {
    standing
        .iter()
        .filter(|e| tests.contains(&e.test) && e.result.sample_taken())
        .map(|e| e.taken_on)
        .max()
}

/// Whether any standing result of `test` is positive.
pub fn ever_positive(standing: &[BbvEntry], test: BbvTest) -> bool {
    standing
        .iter()
        .any(|e| e.test == test && e.result == BbvResult::Positive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn entry(test: BbvTest, day: u32, result: BbvResult) -> BbvEntry {
        BbvEntry {
            test,
            taken_on: d(day),
            result,
        }
    }

    #[test]
    fn a_later_entry_for_the_same_test_and_day_stands_in_place_of_the_earlier() {
        use BbvResult::*;
        use BbvTest::*;
        let recorded = [
            entry(HepCRna, 3, NotKnown),
            entry(Hiv, 3, NotKnown),
            entry(HepCRna, 3, Positive),
            entry(HepCRna, 1, Negative),
        ];
        assert_eq!(
            standing(&recorded),
            vec![
                entry(HepCRna, 1, Negative),
                entry(HepCRna, 3, Positive),
                entry(Hiv, 3, NotKnown),
            ]
        );
    }

    #[test]
    fn a_declined_test_is_no_sample() {
        use BbvResult::*;
        use BbvTest::*;
        let s = standing(&[entry(Hiv, 1, Negative), entry(Hiv, 5, Declined)]);
        assert_eq!(last_sample(&s, &[Hiv]), Some(d(1)));
        assert_eq!(latest(&s, &[Hiv]), Some(entry(Hiv, 5, Declined)));
        assert_eq!(last_sample(&s, BbvTest::HEP_C), None);
    }

    #[test]
    fn an_immunity_test_reads_as_immune_or_not() {
        let e = entry(BbvTest::HepBImmunity, 2, BbvResult::Positive);
        assert_eq!(
            e.describe(),
            "Hep B immunity (anti-HBs) immune, taken 02/11/2026"
        );
        assert_eq!(BbvTest::Hiv.result_words(BbvResult::Positive), "positive");
    }
}
