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
