//! The demo prescribes as the guidelines expect (issue 21), over several seeds and sizes: every
//! course starts in the induction range and is titrated, depots come in their products'
//! strengths, one prescription ends the day before the next starts, every prescription names its
//! prescriber (the shared-care GP where there is one) and its pharmacy, take-home days are
//! counted, and supervision is relaxed only after three months and a TOP with no opiate use. The
//! proof is `check --clinical`'s own prescribing rules finding nothing, and queries for the rest.

#[path = "common/demo.rs"]
mod demo_support;

use demo_support::{count, each_demo};
use keywork::domain::clinical_check::Rule;

#[test]
fn check_clinical_finds_no_prescribing_fault_in_any_demo() {
    each_demo(|which, store, _| {
        let findings = store
            .clinical_findings(&store.dose_limits().unwrap())
            .unwrap();
        let prescribing: Vec<String> = findings
            .iter()
            .filter(|f| {
                matches!(
                    f.rule,
                    Rule::OverlappingPrescriptions
                        | Rule::OstWithoutPrescription
                        | Rule::DoseRefused
                        | Rule::DoseWithoutReason
                        | Rule::EarlyTakeHomeWithoutReason
                )
            })
            .map(|f| format!("{} {} {}", f.reference, f.rule.name(), f.detail))
            .collect();
        assert_eq!(prescribing, Vec::<String>::new(), "{which}");
    });
}

#[test]
fn every_course_starts_in_the_induction_range() {
    each_demo(|which, _, conn| {
        // The first prescription of each medicine for each client (no break in the demo).
        let high_starts = count(
            conn,
            "SELECT count(*) FROM prescriptions p
             WHERE NOT EXISTS (SELECT 1 FROM prescriptions q WHERE q.client_id = p.client_id
                               AND q.medicine = p.medicine AND q.started_on < p.started_on)
               AND ((p.medicine = 'methadone' AND p.dose_mg > 30)
                 OR (p.medicine = 'buprenorphine' AND p.dose_mg > 8)
                 OR (p.medicine = 'buprenorphine_depot' AND p.dose_mg > 16 AND p.interval = 'weekly'))",
        );
        assert_eq!(high_starts, 0, "{which}: courses starting above induction");
        let titrated = count(
            conn,
            "SELECT count(DISTINCT client_id) FROM prescriptions
             WHERE medicine = 'methadone' AND dose_mg >= 50",
        );
        assert!(
            titrated > 0,
            "{which}: some methadone is titrated to a maintenance dose"
        );
    });
}

#[test]
fn every_prescription_names_its_prescriber_and_pharmacy_and_counts_take_home_days() {
    each_demo(|which, _, conn| {
        let unnamed = count(
            conn,
            "SELECT count(*) FROM prescriptions
             WHERE prescriber_id IS NULL AND prescriber_name IS NULL",
        );
        assert_eq!(unnamed, 0, "{which}: prescriptions with no prescriber");
        let no_pharmacy = count(
            conn,
            "SELECT count(*) FROM prescriptions
             WHERE supervision <> 'clinic_administered' AND pharmacy IS NULL",
        );
        assert_eq!(no_pharmacy, 0, "{which}: dispensed with no pharmacy named");
        let uncounted = count(
            conn,
            "SELECT count(*) FROM prescriptions
             WHERE supervision = 'some_take_home' AND take_home_days IS NULL",
        );
        assert_eq!(uncounted, 0, "{which}: some take-home days, not counted");
        let not_the_gp = count(
            conn,
            "SELECT count(*) FROM prescriptions p JOIN clients c ON c.id = p.client_id
             WHERE c.shared_care IS NOT NULL AND p.prescriber_name IS NOT c.shared_care",
        );
        assert_eq!(
            not_the_gp, 0,
            "{which}: a shared-care client's GP does not prescribe"
        );
    });
}

#[test]
fn supervision_is_relaxed_only_after_three_months_and_an_opiate_free_top() {
    each_demo(|which, _, conn| {
        let early_or_unearned = count(
            conn,
            "SELECT count(*) FROM prescriptions p
             WHERE p.supervision IN ('some_take_home', 'all_take_home')
               AND (p.started_on < date((SELECT min(q.started_on) FROM prescriptions q
                                         WHERE q.client_id = p.client_id), '+3 months')
                 OR coalesce((SELECT a.value FROM tops t JOIN top_answers a ON a.top_id = t.id
                              WHERE t.client_id = p.client_id AND t.completed_on < p.started_on
                                AND a.item = 'opiates_days'
                              ORDER BY t.completed_on DESC LIMIT 1), 1) <> 0)",
        );
        assert_eq!(early_or_unearned, 0, "{which}");
        let relaxed = count(
            conn,
            "SELECT count(*) FROM prescriptions WHERE supervision IN ('some_take_home', 'all_take_home')",
        );
        assert!(relaxed > 0, "{which}: some clients earn take-home doses");
    });
}
