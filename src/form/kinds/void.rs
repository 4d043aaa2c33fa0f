//! Marking an entry "entered in error", with the reason: it then counts for nothing, stays
//! visible with its reason, and is never deleted. Undone from the record with the same key.

use super::*;
use crate::form::dates::show_date_time;
use crate::store::Store;

/// The fields of this form, by key.
pub mod key {
    pub const REASON: &str = "reason";
}

/// An open "entered in error" form: the entry it marks.
#[derive(Debug)]
pub struct VoidForm {
    what: RecordType,
    id: i64,
}

/// A few words saying which entry this is, for the form's title.
fn describe(store: &Store, what: RecordType, id: i64) -> Result<String> {
    Ok(match what {
        RecordType::Session => {
            let s = store.get::<Session>(id)?.record;
            format!(
                "session {} ({})",
                show_date_time(s.started_at),
                s.attendance.label().to_lowercase()
            )
        }
        RecordType::ReadinessNote => {
            let n = store.get::<ReadinessNote>(id)?.record;
            format!("readiness note {}", uk_date(n.noted_on))
        }
        RecordType::Top => {
            let t = store.get::<Top>(id)?.record;
            format!("{} TOP {}", t.stage.label(), uk_date(t.completed_on))
        }
        RecordType::Review => {
            let r = store.get::<Review>(id)?.record;
            format!("{} due {}", r.kind.label(), uk_date(r.due_on))
        }
        RecordType::Prescription => {
            let p = store.get::<OstPrescription>(id)?.record;
            format!(
                "prescription from {} ({})",
                uk_date(p.rx.started_on),
                p.summary()
            )
        }
        other => other.label().to_owned(),
    })
}

pub fn open(o: &Opening<'_>) -> Opens {
    let Some((what, id)) = o.entry else {
        return Ok(Err(
            "Select an entry in the client record first (Tab), then X.".into(),
        ));
    };
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    if what == RecordType::Prescription
        && let Some(refusal) = o.store.prescribing_refusal()?
    {
        return Ok(Err(format!(
            "Only prescribers and team leads mark a prescription entered in error ({}).",
            refusal.reason()
        )));
    }
    let title = o.client_title(
        &format!("Entered in error: {}", describe(o.store, what, id)?),
        client,
    )?;
    let specs =
        vec![Spec::new(key::REASON, "Why it was in error", Kind::Line { max: 500 }).required()];
    Ok(Ok(Opened {
        form: Form::new(title, specs, &[], o.now),
        client_id: Some(client),
        handler: Box::new(VoidForm { what, id }),
    }))
}

impl Handler for VoidForm {
    fn kind(&self) -> FormKind {
        FormKind::Void
    }

    fn keeps_drafts(&self) -> bool {
        false
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let reason = form.text(key::REASON);
        write_and_forget_draft(store, s.draft_id, |w| w.void(self.what, self.id, &reason))?;
        Ok(Ok(Saved::said(if self.what == RecordType::Prescription {
            "Marked entered in error: it counts for nothing now, and the prescription it ended stands again."
        } else {
            "Marked entered in error: it counts for nothing now; X again undoes it."
        })))
    }
}

/// An open "entered in error" form for a missed dose: a part of its prescription's entry with no
/// record type of its own, so it is opened by the record screen directly rather than from
/// [`Opening::entry`].
#[derive(Debug)]
pub struct VoidMissedDoseForm {
    id: i64,
}

/// The form for the missed dose `id` of `client_id`: the same one reason as any entry.
pub fn open_missed_dose(store: &Store, now: Now, client_id: i64, id: i64) -> Opens {
    let Some(dose) = store
        .client_missed_doses(client_id)?
        .into_iter()
        .find(|d| d.id == id)
    else {
        return Ok(Err(
            "That missed dose is no longer in the record: it may have been removed meanwhile."
                .into(),
        ));
    };
    if dose.in_error.is_some() {
        return Ok(Err(
            "This missed dose stays entered in error: M records the day again if it was missed after all."
                .into(),
        ));
    }
    let day = dose.missed_on;
    let client = store.get::<Client>(client_id)?.record;
    let title = format!(
        "Entered in error: missed dose {}: {} {}",
        uk_date(day),
        client.reference,
        crate::display::clean(client.known_as().as_str())
    );
    let specs =
        vec![Spec::new(key::REASON, "Why it was in error", Kind::Line { max: 500 }).required()];
    Ok(Ok(Opened {
        form: Form::new(title, specs, &[], now),
        client_id: Some(client_id),
        handler: Box::new(VoidMissedDoseForm { id }),
    }))
}

impl Handler for VoidMissedDoseForm {
    fn kind(&self) -> FormKind {
        FormKind::Void
    }

    fn keeps_drafts(&self) -> bool {
        false
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let reason = form.text(key::REASON);
        let day = match write_and_forget_draft(store, s.draft_id, |w| {
            w.void_missed_dose(self.id, &reason)
        }) {
            Ok(day) => day,
            Err(crate::store::StoreError::Invalid { source, .. }) => {
                return Ok(Err(vec![err(key::REASON, source.to_string())]));
            }
            Err(e) => return Err(e),
        };
        let mut message = format!(
            "Marked entered in error: the missed dose on {} counts for nothing now (M records the day again if it was missed after all).",
            uk_date(day)
        );
        let status = store.client_status(s.client_id, s.intervals)?;
        if let Some(alert) = status
            .assessment
            .open
            .iter()
            .find(|a| a.kind == AlertKind::MissedDoses)
        {
            message.push(' ');
            message.push_str(&alert.reason);
        }
        Ok(Ok(Saved::said(message)))
    }
}
