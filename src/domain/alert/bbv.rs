//! Blood-borne virus care: the hep C and HIV tests and hep B vaccination each on their own, and
//! what a result calls for.

use super::{Alert, AlertFacts, AlertKind, uk};
use crate::domain::bbv::{self, BbvEntry, BbvResult, BbvTest};
use crate::domain::{HepBStatus, InjectingStatus, Interval};
use chrono::NaiveDate;

/// Blood-borne virus care: each virus on its own, so a recent test for one never stands in for
/// the other, and a result moves the pathway on.
///
/// Sources: the Orange Book 2017 (UK clinical guidelines, "Drug misuse and dependence", 2.5 and
/// 4.7: offer hepatitis B vaccination, and hepatitis C and HIV testing, to everyone who injects or
/// has injected, re-test those who still inject at least yearly, and refer a current hepatitis C
/// infection for treatment); NICE PH43 (hepatitis B and C testing, 2012: people who inject drugs
/// are offered testing, and re-testing yearly while the risk continues; a positive antibody test
/// is followed by an RNA test, and a positive RNA test by referral to specialist care). Rules:
/// - hep C RNA positive (the latest RNA result), and no hep C treatment referral recorded on or
///   after it: refer (whoever the client is: a current infection is not an injecting question);
/// - hep C antibody positive, and no RNA sample taken since: an RNA test is due;
/// - currently injecting, and no sample for the virus in `retest` (the service's setting, by
///   default [`super::BBV_RETEST_AFTER`]): that test is due
///   (hep C by RNA once an antibody test has been positive: antibodies stay after a cleared
///   infection); HIV never once positive;
/// - injected before, and the virus never tested: that test is due (a past injector with a test
///   after the last risk needs no yearly re-test: the guidelines tie re-testing to continuing
///   risk, so the "currently or previously" yearly rule is kept to current injecting);
/// - injecting now or before, and hep B neither completed nor immune (by status or by an
///   immunity test): vaccination is due; a completed course whose later immunity test shows no
///   immunity: a booster or repeat course is due (declined is asked again; an acknowledgement
///   quiets it until the status changes).
pub(super) fn bbv_care(facts: &AlertFacts, retest: Interval) -> Vec<Alert> {
    let results = &facts.bbv_results;
    let mut alerts: Vec<Alert> = hep_c_result_follow_up(results, facts.hep_c_referred_on)
        .into_iter()
        .collect();
    let now = match facts.injecting {
        InjectingStatus::Currently => true,
        InjectingStatus::Previously => false,
        InjectingStatus::Never | InjectingStatus::Declined => return alerts,
    };
    if alerts.is_empty() {
        let last = facts
            .hep_c_tested_on
            .max(bbv::last_sample(results, BbvTest::HEP_C));
        let by_rna = bbv::ever_positive(results, BbvTest::HepCAntibody);
        let declined = declined_since(results, BbvTest::HEP_C, last);
        alerts.extend(virus_test_due(
            facts.today,
            now,
            retest,
            Virus {
                name: if by_rna { "hep C RNA (PCR)" } else { "hep C" },
                code: "hep_c",
                last,
                declined,
            },
        ));
    }
    if !bbv::ever_positive(results, BbvTest::Hiv) {
        let last = facts
            .hiv_tested_on
            .max(bbv::last_sample(results, &[BbvTest::Hiv]));
        let declined = declined_since(results, &[BbvTest::Hiv], last);
        alerts.extend(virus_test_due(
            facts.today,
            now,
            retest,
            Virus {
                name: "HIV",
                code: "hiv",
                last,
                declined,
            },
        ));
    }
    alerts.extend(hep_b_vaccination_due(now, facts.hep_b, results));
    alerts
}

/// A test offered and declined after the last sample: the day, for the prompt's words.
fn declined_since(
    results: &[BbvEntry],
    tests: &[BbvTest],
    last: Option<NaiveDate>,
) -> Option<NaiveDate> {
    bbv::latest(results, tests)
        .filter(|e| e.result == BbvResult::Declined && last.is_none_or(|l| e.taken_on > l))
        .map(|e| e.taken_on)
}

/// What a hep C result calls for: a referral after a positive RNA, an RNA test after a positive
/// antibody test.
fn hep_c_result_follow_up(results: &[BbvEntry], referred_on: Option<NaiveDate>) -> Option<Alert> {
    if let Some(rna) =
        bbv::latest_known(results, BbvTest::HepCRna).filter(|e| e.result == BbvResult::Positive)
    {
        if referred_on.is_some_and(|r| r >= rna.taken_on) {
            return None;
        }
        return Some(Alert {
            kind: AlertKind::BbvTest,
            reason: format!(
                "Hep C RNA positive on {}: refer for hep C treatment (record the referral in a session)",
                uk(rna.taken_on)
            ),
            cause: format!("hep_c_rna positive {}", rna.taken_on),
        });
    }
    let antibody = bbv::latest_known(results, BbvTest::HepCAntibody)
        .filter(|e| e.result == BbvResult::Positive)?;
    let rna_since = results.iter().any(|e| {
        e.test == BbvTest::HepCRna && e.result.sample_taken() && e.taken_on >= antibody.taken_on
    });
    (!rna_since).then(|| Alert {
        kind: AlertKind::BbvTest,
        reason: format!(
            "Hep C antibody positive on {}, and no RNA (PCR) test since: arrange one to see whether the infection is current",
            uk(antibody.taken_on)
        ),
        cause: format!("hep_c_antibody positive {}", antibody.taken_on),
    })
}

/// One virus as the re-test rule reads it.
struct Virus<'a> {
    /// As the prompt names it ("hep C", "HIV").
    name: &'a str,
    /// As the alert's cause names it (stable: acknowledgements match on it).
    code: &'a str,
    last: Option<NaiveDate>,
    /// Offered and declined after the last sample.
    declined: Option<NaiveDate>,
}

/// One virus's test, when due: never tested, or (still injecting) not in the last year.
fn virus_test_due(
    today: NaiveDate,
    injecting_now: bool,
    retest: Interval,
    virus: Virus<'_>,
) -> Option<Alert> {
    let who = if injecting_now {
        "Injecting now"
    } else {
        "Injected before"
    };
    let Virus {
        name,
        code,
        last,
        declined,
    } = virus;
    let mut reason = match last {
        None => format!("{who}, and no {name} test is recorded: offer one"),
        Some(d) if injecting_now && d < retest.before(today) => format!(
            "{who}, and the last {name} test was on {}, over {retest} ago: offer a re-test",
            uk(d)
        ),
        Some(_) => return None,
    };
    if let Some(on) = declined {
        reason.push_str(&format!(" (declined on {})", uk(on)));
    }
    Some(Alert {
        kind: AlertKind::BbvTest,
        reason,
        cause: format!(
            "{code} test {}",
            last.map_or("never".into(), |d| d.to_string())
        ),
    })
}

/// Hep B vaccination, when the course is neither completed nor the client immune; a booster
/// when a completed course's later immunity test shows none.
fn hep_b_vaccination_due(
    injecting_now: bool,
    status: Option<HepBStatus>,
    results: &[BbvEntry],
) -> Option<Alert> {
    let who = if injecting_now {
        "Injecting now"
    } else {
        "Injected before"
    };
    let immunity = bbv::latest_known(results, BbvTest::HepBImmunity);
    if immunity.is_some_and(|e| e.result == BbvResult::Positive) {
        return None;
    }
    let state = match status {
        Some(HepBStatus::Immune) => return None,
        Some(HepBStatus::Completed) => {
            let not_immune = immunity?;
            return Some(Alert {
                kind: AlertKind::BbvTest,
                reason: format!(
                    "{who}: hep B course completed, but not immune on {}: a booster or repeat course is due",
                    uk(not_immune.taken_on)
                ),
                cause: format!("hep_b not immune {}", not_immune.taken_on),
            });
        }
        None => "hep B vaccination not recorded",
        Some(HepBStatus::NotStarted) => "hep B vaccination not started",
        Some(HepBStatus::InProgress) => "hep B vaccination course not finished",
        Some(HepBStatus::Declined) => "hep B vaccination declined: offer again",
    };
    Some(Alert {
        kind: AlertKind::BbvTest,
        reason: format!("{who}, and {state}"),
        cause: format!("hep_b {}", status.map_or("not recorded", |s| s.code())),
    })
}
