//! The quick entry of an ECG from the client record: the day it was taken (today unless
//! changed) and the QTc when the report gives it. `keywork ecg add` records the same.

use super::*;
use crate::domain::ecg::{Ecg, QTC_MS};
use crate::store::StoreError;

/// The fields of this form, by key.
pub mod key {
    pub const TAKEN_ON: &str = "taken_on";
    pub const QTC: &str = "qtc";
}

/// The form: the day taken, today unless changed, and the QTc (optional).
pub fn ecg_form(title: String, now: Now) -> Form {
    let specs = vec![
        Spec::new(key::TAKEN_ON, "Day the ECG was taken", Kind::Date).required(),
        Spec::new(
            key::QTC,
            "QTc (ms, if the report gives it)",
            Kind::Integer {
                min: i64::from(*QTC_MS.start()),
                max: i64::from(*QTC_MS.end()),
            },
        ),
    ];
    let today = crate::form::dates::show_date(now.today);
    Form::new(title, specs, &[(key::TAKEN_ON, today)], now)
}

#[derive(Debug)]
pub struct EcgForm;

pub fn open(o: &Opening<'_>) -> Opens {
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let title = o.client_title("Record ECG", client)?;
    Ok(Ok(Opened {
        form: ecg_form(title, o.now),
        client_id: Some(client),
        handler: Box::new(EcgForm),
    }))
}

fn build(form: &Form) -> std::result::Result<Ecg, Errors> {
    let Some(taken_on) = form.date(key::TAKEN_ON) else {
        return Err(vec![err(key::TAKEN_ON, "the day the ECG was taken")]);
    };
    let qtc_ms = form.integer(key::QTC).and_then(|ms| u16::try_from(ms).ok());
    let ecg = Ecg { taken_on, qtc_ms };
    match ecg.check(form.now.today) {
        Ok(()) => Ok(ecg),
        Err(e) if taken_on > form.now.today => Err(vec![err(key::TAKEN_ON, e)]),
        Err(e) => Err(vec![err(key::QTC, e)]),
    }
}

impl Handler for EcgForm {
    fn kind(&self) -> FormKind {
        FormKind::Ecg
    }

    fn check(&self, form: &Form, _s: &Saving<'_>) -> Errors {
        build(form).err().unwrap_or_default()
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let ecg = built!(build(form));
        match store.write(|w| w.record_ecg(s.client_id, s.worker_id, &ecg)) {
            Ok(_) => {}
            Err(StoreError::Invalid { source, .. }) => {
                return Ok(Err(vec![err(key::TAKEN_ON, source.to_string())]));
            }
            Err(e) => return Err(e),
        }
        let qtc = ecg
            .qtc_ms
            .map(|ms| format!(", QTc {ms} ms"))
            .unwrap_or_default();
        Ok(Ok(Saved::said(format!(
            "ECG recorded: {}{qtc}.",
            uk_date(ecg.taken_on)
        ))))
    }

    fn keeps_drafts(&self) -> bool {
        false
    }
}
