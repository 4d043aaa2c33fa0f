//! A demo client's blood-borne virus results: one for each test their record dates, as the
//! alert rules (`crate::domain::alert::bbv`) expect a well-kept record to hold them, so the demo
//! shows a BBV alert only where its story puts one.
//!
//! Most results are negative. A few clients who have injected have a positive hep C antibody
//! test in treatment, with the RNA (PCR) test on the same sample (laboratories test a positive
//! antibody sample for RNA, the Orange Book 2017, 2.5; NICE PH43); about half of those have a
//! current infection (RNA positive), and the next session refers them for treatment
//! (`super::fit::plan` puts the referral there). A positive RNA with no session after it has
//! its result still awaited ("not known"), so no referral is owed yet. A test from before
//! treatment was negative.
//!
//! Who is positive is a pure function of the client, not a draw: the sessions are planned
//! before the results are written, and both must agree without moving any other draw.

use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Datelike, NaiveDate};

/// A number from the client that the seed moves (their drawn date of birth) and their
/// reference: the same for the same client, different between clients.
fn mix(client: &Client) -> u64 {
    let reference = client
        .reference
        .as_str()
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let born = client.date_of_birth.num_days_from_ce() as u64;
    (reference ^ born.wrapping_mul(0x9E37_79B9)).wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33
}

/// Whether the client's hep C antibody test in treatment is positive: one in four of those who
/// have injected (a little under the share UK surveys of people who inject find; many of those
/// have been tested and treated before they come). Declining to say counts as having injected,
/// as it does for the rest of the demo's care (`super::fit::injected`, which reads this module).
pub(super) fn antibody_positive(client: &Client) -> bool {
    client.injecting != InjectingStatus::Never && mix(client).is_multiple_of(4)
}

/// Whether that antibody-positive sample also shows a current infection (RNA positive): about
/// half (the rest cleared it, or were treated before).
pub(super) fn rna_positive(client: &Client) -> bool {
    antibody_positive(client) && (mix(client) / 4).is_multiple_of(2)
}

/// The day a positive hep C RNA result was taken, if the client's record holds one: a test in
/// treatment (on a day they were seen, `seen`) with a session after it.
pub(super) fn hep_c_current_since(client: &Client, seen: &[NaiveDate]) -> Option<NaiveDate> {
    let tested = client.risk.hep_c_tested_on?;
    (rna_positive(client) && seen.contains(&tested) && seen.iter().any(|d| *d > tested))
        .then_some(tested)
}

/// The results for the tests the client's record dates (`client` as the sessions left it;
/// `seen`, the days they attended, in order), recorded by their key worker.
pub(super) fn results(
    w: &Writer<'_>,
    client_id: i64,
    client: &Client,
    seen: &[NaiveDate],
) -> Result<()> {
    let mut entries = Vec::new();
    if let Some(on) = client.risk.hep_c_tested_on {
        let in_treatment = seen.contains(&on);
        if in_treatment && antibody_positive(client) {
            let rna = if hep_c_current_since(client, seen).is_some() {
                BbvResult::Positive
            } else if rna_positive(client) {
                BbvResult::NotKnown
            } else {
                BbvResult::Negative
            };
            entries.push((BbvTest::HepCAntibody, on, BbvResult::Positive));
            entries.push((BbvTest::HepCRna, on, rna));
        } else {
            entries.push((BbvTest::HepCAntibody, on, BbvResult::Negative));
        }
    }
    if let Some(on) = client.risk.hiv_tested_on {
        entries.push((BbvTest::Hiv, on, BbvResult::Negative));
    }
    // Each result's day is already the record's test date (the sessions set it), so the client
    // row stays as it is.
    let entries: Vec<BbvEntry> = entries
        .into_iter()
        .map(|(test, taken_on, result)| BbvEntry {
            test,
            taken_on,
            result,
        })
        .collect();
    w.insert_dated_bbv_results(client_id, client.key_worker_id, &entries)
}
