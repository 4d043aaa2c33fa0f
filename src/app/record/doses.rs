//! The record's missed doses: each day the pharmacy reported missed, newest first, against the
//! prescription it was recorded on; one entered in error stays listed, muted, with its reason
//! (a worker must see why a day no longer counts towards three in a row).

use super::{Doc, EntryRef, LineKind};
use crate::display::clean;
use crate::domain::{RecordType, uk_date};
use crate::store::ClientRecord;

/// Under the prescriptions: the days missed, each selectable (Tab) so `X` can mark it entered
/// in error. Nothing is shown for a client with no prescription and no missed dose.
pub(super) fn missed_doses(doc: &mut Doc, record: &ClientRecord) {
    if record.prescriptions.is_empty() && record.missed_doses.is_empty() {
        return;
    }
    doc.heading("Missed doses");
    if record.missed_doses.is_empty() {
        doc.push(
            LineKind::Muted,
            "  None recorded; M records the days the pharmacy reports.",
        );
        return;
    }
    for dose in &record.missed_doses {
        let against = record.prescription(dose.prescription_id).map_or_else(
            || format!("prescription {}", dose.prescription_id),
            |p| {
                let rx = &p.record.rx;
                format!(
                    "{} {} mg from {}",
                    clean(p.record.medicine()),
                    rx.dose_mg,
                    uk_date(rx.started_on)
                )
            },
        );
        doc.starting = Some(EntryRef {
            what: RecordType::Prescription,
            id: dose.prescription_id,
            missed_dose: Some(dose.id),
        });
        doc.wrapped(
            LineKind::Text,
            &format!("{}  missed, against {against}", uk_date(dose.missed_on)),
            2,
        );
        if let Some(mark) = &dose.in_error {
            super::in_error_mark(doc, mark, 6);
        }
    }
}
