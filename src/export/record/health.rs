//! The record's health and prescribing sections for the subject access document: risks, BBV
//! tests, prescriptions, missed doses and ECGs.

use super::{Block, Section, fields_block, marks, or_not_recorded, text, yes_no};
use crate::domain::*;
use crate::store::ClientRecord;

/// The ECGs the methadone dose check reads, latest first.
pub(super) fn ecgs(record: &ClientRecord) -> Section {
    let mut section = Section::new("ECGs");
    for e in &record.ecgs {
        let mut body = vec![
            e.qtc_ms
                .map_or_else(|| "QTc not given".to_owned(), |ms| format!("QTc: {ms} ms")),
        ];
        if let Some(reason) = &e.in_error_reason {
            body.push(format!("Entered in error: {}", text(reason)));
        }
        section.blocks.push(Block::Entry {
            title: format!("ECG, {}", uk_date(e.taken_on)),
            marks: e
                .in_error_at
                .as_ref()
                .map(|_| "entered in error".to_owned())
                .into_iter()
                .collect(),
            body,
        });
    }
    section.or_none("No ECG recorded.")
}

pub(super) fn risks(c: &Client) -> Section {
    let r = &c.risk;
    let naloxone = match (r.naloxone_held, r.naloxone_supplied_on) {
        (true, Some(d)) => format!("held, supplied {}", uk_date(d)),
        (true, None) => "held".into(),
        (false, Some(d)) => format!("not held (last supplied {})", uk_date(d)),
        (false, None) => "not held".into(),
    };
    Section {
        heading: "Health and safety".into(),
        blocks: vec![fields_block([
            ("Overdose risk", yes_no(r.overdose_risk)),
            ("Naloxone", naloxone),
            ("Children in the household", yes_no(r.safeguarding_children)),
            ("Prison release", or_not_recorded(r.prison_release_on)),
            (
                "Hepatitis B vaccination",
                r.hep_b.map_or("not recorded", |h| h.label()).to_owned(),
            ),
            ("Hepatitis C test", or_not_recorded(r.hep_c_tested_on)),
            ("HIV test", or_not_recorded(r.hiv_tested_on)),
        ])],
    }
}

/// Blood-borne virus tests, oldest first; a result recorded after its sample follows the
/// "not known" entered when the sample was taken.
pub(super) fn bbv_tests(record: &ClientRecord) -> Section {
    let mut section = Section::new("Blood-borne virus tests");
    for row in &record.bbv_results {
        let e = row.entry();
        let marks = row
            .in_error_reason
            .iter()
            .map(|why| format!("entered in error: {}", text(why)))
            .collect();
        section.blocks.push(Block::Entry {
            title: format!("{}: {}", uk_date(e.taken_on), e.test.label()),
            marks,
            body: vec![format!("Result: {}", e.test.result_words(e.result))],
        });
    }
    section.or_none("No blood-borne virus tests.")
}

pub(super) fn prescriptions(record: &ClientRecord) -> Section {
    let mut section = Section::new("Prescriptions");
    for p in &record.prescriptions {
        let (rx, t) = (&p.record.rx, &p.record.terms);
        let medicine = p.record.medicine();
        let until = rx
            .ended_on
            .map_or_else(|| "continuing".into(), |d| format!("to {}", uk_date(d)));
        let mut body = vec![rx.supervision.label().to_owned()];
        if let Some(days) = t.take_home_days {
            body.push(format!("Take-home days a week: {days}"));
        }
        let lines = [
            ("Pharmacy", &t.pharmacy),
            ("Why take-home doses early", &t.take_home_reason),
            ("Why this dose (outside the usual checks)", &t.dose_reason),
            ("Why it ended", &t.end_reason),
        ];
        for (label, value) in lines {
            if let Some(value) = value {
                body.push(format!("{label}: {}", text(value)));
            }
        }
        if let Some(Prescriber::Named(name)) = &t.prescriber {
            body.push(format!("Prescriber: {}", text(name)));
        }
        if rx.supervision.has_take_home() {
            body.push(format!(
                "Safe storage discussed: {}",
                crate::domain::prescription::safe_storage_words(t.safe_storage_discussed)
            ));
        }
        section.blocks.push(Block::Entry {
            title: format!(
                "{} {} mg {}, from {} {until}",
                text(medicine),
                rx.dose_mg,
                rx.interval.label(),
                uk_date(rx.started_on)
            ),
            marks: marks(record, RecordType::Prescription, p.id),
            body,
        });
    }
    section.or_none("No prescription recorded.")
}

/// Each day the pharmacy reported a dose missed, newest first, and the prescription it was
/// recorded against; one entered in error is listed with its mark, as on the screen.
pub(super) fn missed_doses(record: &ClientRecord) -> Section {
    let mut section = Section::new("Missed doses");
    for dose in &record.missed_doses {
        let against = record.prescription(dose.prescription_id).map_or_else(
            || format!("prescription {}", dose.prescription_id),
            |p| {
                let rx = &p.record.rx;
                format!(
                    "the {} {} mg prescription from {}",
                    text(p.record.medicine()),
                    rx.dose_mg,
                    uk_date(rx.started_on)
                )
            },
        );
        let marks = dose
            .in_error
            .iter()
            .map(|mark| {
                format!(
                    "Entered in error: {} on {}: {}. It counts for nothing.",
                    mark.by,
                    uk_date(mark.at.date_naive()),
                    text(mark.reason.as_str())
                )
            })
            .collect();
        section.blocks.push(Block::Entry {
            title: format!("{}: dose missed", uk_date(dose.missed_on)),
            marks,
            body: vec![format!("Recorded against {against}.")],
        });
    }
    section.or_none("No missed dose recorded.")
}
