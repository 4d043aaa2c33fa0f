//! Blood-borne virus care: the hep C and HIV tests and hep B vaccination each on their own.

use super::{Alert, AlertFacts, AlertKind, Interval, uk};
use crate::domain::{HepBStatus, InjectingStatus};
use chrono::NaiveDate;

/// Blood-borne virus care for someone who injects or has injected: each virus on its own, so a
/// recent test for one never stands in for the other.
///
/// Sources: the Orange Book 2017 (UK clinical guidelines, "Drug misuse and dependence", 2.5 and
/// 4.7: offer hepatitis B vaccination, and hepatitis C and HIV testing, to everyone who injects or
/// has injected, and re-test those who still inject at least yearly); NICE PH43 (hepatitis B and
/// C testing, 2012: people who inject drugs are offered testing, and re-testing yearly while the
/// risk continues). Rules:
/// - currently injecting, and no test of the virus in `retest` (the service's setting, by default
///   [`super::BBV_RETEST_AFTER`]): that test is due;
/// - injected before, and the virus never tested: that test is due (a past injector with a test
///   after the last risk needs no yearly re-test);
/// - injecting now or before, and hep B neither completed nor immune: vaccination is due
///   (declined is asked again; an acknowledgement quiets it until the status changes).
pub(super) fn bbv_care(facts: &AlertFacts, retest: Interval) -> Vec<Alert> {
    let now = match facts.injecting {
        InjectingStatus::Currently => true,
        InjectingStatus::Previously => false,
        InjectingStatus::Never | InjectingStatus::Declined => return Vec::new(),
    };
    let mut alerts: Vec<Alert> = [
        ("hep C", "hep_c", facts.hep_c_tested_on),
        ("HIV", "hiv", facts.hiv_tested_on),
    ]
    .into_iter()
    .filter_map(|(virus, code, last)| virus_test_due(facts.today, retest, now, virus, code, last))
    .collect();
    alerts.extend(hep_b_vaccination_due(now, facts.hep_b));
    alerts
}

/// One virus's test, when due: never tested, or (still injecting) not in the last year.
fn virus_test_due(
    today: NaiveDate,
    retest: Interval,
    injecting_now: bool,
    virus: &str,
    code: &str,
    last: Option<NaiveDate>,
) -> Option<Alert> {
    let who = if injecting_now {
        "Injecting now"
    } else {
        "Injected before"
    };
    let reason = match last {
        None => format!("{who}, and no {virus} test is recorded: offer one"),
        Some(d) if injecting_now && d < retest.before(today) => format!(
            "{who}, and the last {virus} test was on {}, over {retest} ago: offer a re-test",
            uk(d)
        ),
        Some(_) => return None,
    };
    Some(Alert {
        kind: AlertKind::BbvTest,
        reason,
        cause: format!(
            "{code} test {}",
            last.map_or("never".into(), |d| d.to_string())
        ),
    })
}

/// Hep B vaccination, when the course is neither completed nor the client immune.
fn hep_b_vaccination_due(injecting_now: bool, status: Option<HepBStatus>) -> Option<Alert> {
    let who = if injecting_now {
        "Injecting now"
    } else {
        "Injected before"
    };
    let state = match status {
        Some(HepBStatus::Completed | HepBStatus::Immune) => return None,
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
