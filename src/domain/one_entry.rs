//! One entry updates the record: what a session delivered moves the client's risk flags on, so
//! a worker who ticks "Naloxone supplied" does not also have to edit the client's details (and
//! the naloxone alert clears the moment the session is saved).

use super::{BbvEntry, BbvResult, BbvTest, HepBStatus, Intervention, RiskFlags, Session};
use chrono::NaiveDate;

code_enum! {
    /// Which blood-borne virus tests a session's "BBV test" was: the worker says which, because
    /// hepatitis C and HIV are tested, and fall due, separately.
    pub enum BbvTests {
        HepC = ("hep_c", "Hep C"),
        Hiv = ("hiv", "HIV"),
        Both = ("both", "Hep C and HIV"),
    }
}

impl BbvTests {
    pub fn hep_c(self) -> bool {
        matches!(self, Self::HepC | Self::Both)
    }

    pub fn hiv(self) -> bool {
        matches!(self, Self::Hiv | Self::Both)
    }

    /// The tests done on one day, if any.
    pub fn of(hep_c: bool, hiv: bool) -> Option<Self> {
        match (hep_c, hiv) {
            (true, true) => Some(Self::Both),
            (true, false) => Some(Self::HepC),
            (false, true) => Some(Self::Hiv),
            (false, false) => None,
        }
    }
}

/// The doses of a hepatitis B vaccine course (the usual accelerated schedule has three).
pub const HEP_B_COURSE_DOSES: usize = 3;

impl HepBStatus {
    /// The status after a vaccine dose, `doses` being how many the client has now had on this
    /// record. Immunity and a completed course stay as they are (a later dose is a booster); a
    /// client who declined before and takes a dose now has started a course.
    pub fn after_dose(current: Option<Self>, doses: usize) -> Option<Self> {
        match current {
            Some(Self::Immune | Self::Completed) => current,
            _ if doses >= HEP_B_COURSE_DOSES => Some(Self::Completed),
            _ => Some(Self::InProgress),
        }
    }
}

/// A date moved on to `on` unless a later one is already recorded: a session entered late must
/// not turn back a more recent test or supply.
fn latest(recorded: Option<NaiveDate>, on: NaiveDate) -> Option<NaiveDate> {
    Some(recorded.map_or(on, |d| d.max(on)))
}

impl RiskFlags {
    /// The flags after `session`: naloxone supplied means a kit held from the session's day, a
    /// BBV test moves the dates of the tests done (`bbv` says which), a hep B dose moves the
    /// course on (`hep_b_doses` counts the doses recorded, this one included). A session the
    /// client did not attend delivered nothing and changes nothing.
    pub fn after_session(
        &self,
        session: &Session,
        bbv: Option<BbvTests>,
        hep_b_doses: usize,
    ) -> RiskFlags {
        let mut next = self.clone();
        let on = session.started_at.date();
        let delivered = |i: Intervention| session.interventions.contains(&i);
        if delivered(Intervention::NaloxoneSupplied)
            && self.naloxone_supplied_on.is_none_or(|d| d <= on)
        {
            next.naloxone_held = true;
            next.naloxone_supplied_on = Some(on);
        }
        if let Some(tests) = bbv.filter(|_| delivered(Intervention::BbvTest)) {
            if tests.hep_c() {
                next.hep_c_tested_on = latest(self.hep_c_tested_on, on);
            }
            if tests.hiv() {
                next.hiv_tested_on = latest(self.hiv_tested_on, on);
            }
        }
        if delivered(Intervention::HepBVaccination) {
            next.hep_b = HepBStatus::after_dose(self.hep_b, hep_b_doses.max(1));
        }
        next
    }
}

impl RiskFlags {
    /// The flags after a BBV result is recorded: a sample taken moves that virus's test date on
    /// (never back), and a hep B immunity test showing immunity makes the status immune. A
    /// declined test changes nothing: no test was done.
    pub fn after_bbv_result(&self, entry: &BbvEntry) -> RiskFlags {
        let mut next = self.clone();
        if !entry.result.sample_taken() {
            return next;
        }
        match entry.test {
            BbvTest::HepCAntibody | BbvTest::HepCRna => {
                next.hep_c_tested_on = latest(self.hep_c_tested_on, entry.taken_on);
            }
            BbvTest::Hiv => next.hiv_tested_on = latest(self.hiv_tested_on, entry.taken_on),
            BbvTest::HepBImmunity if entry.result == BbvResult::Positive => {
                next.hep_b = Some(HepBStatus::Immune);
            }
            BbvTest::HepBImmunity => {}
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Attendance, Minutes, NoteText, SessionKind};
    use std::collections::BTreeSet;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn session_on(on: NaiveDate, delivered: &[Intervention]) -> Session {
        Session {
            client_id: 1,
            worker_id: 1,
            started_at: on.and_hms_opt(10, 0, 0).unwrap(),
            duration: Minutes::new(45).unwrap(),
            kind: SessionKind::KeyWork,
            attendance: Attendance::Attended,
            note: NoteText::empty(),
            interventions: delivered.iter().copied().collect::<BTreeSet<_>>(),
            next_appointment: None,
        }
    }

    #[test]
    fn each_intervention_moves_its_own_flag_and_nothing_else() {
        let before = RiskFlags {
            naloxone_supplied_on: Some(d(1, 5)),
            hep_b: Some(HepBStatus::NotStarted),
            hep_c_tested_on: Some(d(1, 5)),
            hiv_tested_on: Some(d(1, 5)),
            ..RiskFlags::default()
        };
        let on = d(6, 1);
        // (delivered, which BBV tests, expected change)
        let cases: [(&[Intervention], Option<BbvTests>, RiskFlags); 7] = [
            (&[], None, before.clone()),
            (
                &[Intervention::NaloxoneSupplied],
                None,
                RiskFlags {
                    naloxone_held: true,
                    naloxone_supplied_on: Some(on),
                    ..before.clone()
                },
            ),
            (
                &[Intervention::BbvTest],
                Some(BbvTests::HepC),
                RiskFlags {
                    hep_c_tested_on: Some(on),
                    ..before.clone()
                },
            ),
            (
                &[Intervention::BbvTest],
                Some(BbvTests::Hiv),
                RiskFlags {
                    hiv_tested_on: Some(on),
                    ..before.clone()
                },
            ),
            (
                &[Intervention::BbvTest],
                Some(BbvTests::Both),
                RiskFlags {
                    hep_c_tested_on: Some(on),
                    hiv_tested_on: Some(on),
                    ..before.clone()
                },
            ),
            (
                &[Intervention::HepBVaccination],
                None,
                RiskFlags {
                    hep_b: Some(HepBStatus::InProgress),
                    ..before.clone()
                },
            ),
            (&[Intervention::HarmReduction], None, before.clone()),
        ];
        for (delivered, bbv, want) in cases {
            let got = before.after_session(&session_on(on, delivered), bbv, 1);
            assert_eq!(got, want, "after {delivered:?} ({bbv:?})");
        }
    }

    #[test]
    fn a_session_entered_late_does_not_turn_back_a_later_date() {
        let before = RiskFlags {
            naloxone_held: true,
            naloxone_supplied_on: Some(d(6, 1)),
            hep_c_tested_on: Some(d(6, 1)),
            ..RiskFlags::default()
        };
        let late = session_on(
            d(3, 1),
            &[Intervention::NaloxoneSupplied, Intervention::BbvTest],
        );
        let after = before.after_session(&late, Some(BbvTests::Both), 0);
        assert_eq!(after.naloxone_supplied_on, Some(d(6, 1)));
        assert_eq!(after.hep_c_tested_on, Some(d(6, 1)));
        assert_eq!(
            after.hiv_tested_on,
            Some(d(3, 1)),
            "no HIV test was recorded"
        );
    }

    #[test]
    fn hep_b_course_completes_at_the_third_dose_and_immunity_stays() {
        use HepBStatus::*;
        // (status before, doses now had, status after)
        let cases = [
            (None, 1, Some(InProgress)),
            (Some(NotStarted), 1, Some(InProgress)),
            (Some(Declined), 1, Some(InProgress)),
            (Some(InProgress), 2, Some(InProgress)),
            (Some(InProgress), 3, Some(Completed)),
            (Some(Completed), 4, Some(Completed)),
            (Some(Immune), 1, Some(Immune)),
        ];
        for (before, doses, after) in cases {
            assert_eq!(
                HepBStatus::after_dose(before, doses),
                after,
                "{before:?} after dose {doses}"
            );
        }
    }

    #[test]
    fn a_bbv_result_moves_its_own_virus_and_immunity_makes_hep_b_immune() {
        let before = RiskFlags {
            hep_b: Some(HepBStatus::Completed),
            hep_c_tested_on: Some(d(5, 1)),
            hiv_tested_on: Some(d(5, 1)),
            ..RiskFlags::default()
        };
        let on = |test, day, result| BbvEntry {
            test,
            taken_on: d(6, day),
            result,
        };
        let cases = [
            (
                on(BbvTest::HepCRna, 2, BbvResult::NotKnown),
                Some(d(6, 2)),
                Some(d(5, 1)),
                Some(HepBStatus::Completed),
            ),
            (
                on(BbvTest::HepCAntibody, 3, BbvResult::Positive),
                Some(d(6, 3)),
                Some(d(5, 1)),
                Some(HepBStatus::Completed),
            ),
            (
                on(BbvTest::Hiv, 4, BbvResult::Negative),
                Some(d(5, 1)),
                Some(d(6, 4)),
                Some(HepBStatus::Completed),
            ),
            (
                on(BbvTest::Hiv, 4, BbvResult::Declined),
                Some(d(5, 1)),
                Some(d(5, 1)),
                Some(HepBStatus::Completed),
            ),
            (
                on(BbvTest::HepBImmunity, 5, BbvResult::Positive),
                Some(d(5, 1)),
                Some(d(5, 1)),
                Some(HepBStatus::Immune),
            ),
            (
                on(BbvTest::HepBImmunity, 5, BbvResult::Negative),
                Some(d(5, 1)),
                Some(d(5, 1)),
                Some(HepBStatus::Completed),
            ),
        ];
        for (entry, hep_c, hiv, hep_b) in cases {
            let after = before.after_bbv_result(&entry);
            assert_eq!(
                (after.hep_c_tested_on, after.hiv_tested_on, after.hep_b),
                (hep_c, hiv, hep_b),
                "{entry:?}"
            );
        }
        let late = on(BbvTest::Hiv, 1, BbvResult::Negative);
        let later = RiskFlags {
            hiv_tested_on: Some(d(7, 1)),
            ..before.clone()
        };
        assert_eq!(
            later.after_bbv_result(&late).hiv_tested_on,
            Some(d(7, 1)),
            "never moved back"
        );
    }
}
