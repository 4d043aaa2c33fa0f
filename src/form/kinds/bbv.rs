//! The quick entry of a blood-borne virus test: which test, the day the sample was taken (or the
//! test declined), and the result, "not known" while it is awaited. A result that comes later is
//! entered again for the same test and day, and stands in place of the "not known".

use super::*;
use crate::domain::*;
use crate::form::dates::show_date;
use crate::form::{Form, Kind, Now, Spec};
use crate::store::StoreError;

/// The fields of this form, by key.
pub mod key {
    pub const TEST: &str = "test";
    pub const TAKEN_ON: &str = "taken_on";
    pub const RESULT: &str = "result";
}

/// The form: today's sample, result not known, unless changed.
pub fn bbv_form(title: String, now: Now) -> Form {
    let specs = vec![
        Spec::new(key::TEST, "Test", Kind::Choice(coded_options!(BbvTest))).required(),
        Spec::new(key::TAKEN_ON, "Taken/declined on", Kind::Date).required(),
        Spec::new(
            key::RESULT,
            "Result",
            Kind::Choice(coded_options!(BbvResult)),
        )
        .required(),
    ];
    let initial = [
        (key::TAKEN_ON, show_date(now.today)),
        (key::RESULT, BbvResult::NotKnown.code().to_owned()),
    ];
    Form::new(title, specs, &initial, now)
}

/// The entry the form describes, or the fields' errors.
pub fn build_bbv(form: &Form) -> Result<BbvEntry, Errors> {
    let mut errors = Errors::new();
    let test = parse_code::<BbvTest>(form, key::TEST, &mut errors);
    let result = parse_code::<BbvResult>(form, key::RESULT, &mut errors);
    let taken_on = form.date(key::TAKEN_ON);
    if taken_on.is_some_and(|on| on > form.now.today) {
        errors.push(err(
            key::TAKEN_ON,
            "a test is recorded on or after the day its sample was taken",
        ));
    }
    match (test, taken_on, result) {
        (Some(test), Some(taken_on), Some(result)) if errors.is_empty() => Ok(BbvEntry {
            test,
            taken_on,
            result,
        }),
        _ => Err(errors),
    }
}

#[derive(Debug)]
pub struct BbvForm;

pub fn open(o: &Opening<'_>) -> Opens {
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let title = o.client_title("BBV test", client)?;
    Ok(Ok(Opened {
        form: bbv_form(title, o.now),
        client_id: Some(client),
        handler: Box::new(BbvForm),
    }))
}

impl Handler for BbvForm {
    fn kind(&self) -> FormKind {
        FormKind::Bbv
    }

    fn check(&self, form: &Form, _s: &Saving<'_>) -> Errors {
        build_bbv(form).err().unwrap_or_default()
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let entry = built!(build_bbv(form));
        match store.write(|w| w.record_bbv_result(s.client_id, s.worker_id, &entry)) {
            Ok(_) => {}
            Err(StoreError::BbvRefused(why)) => {
                return Ok(Err(vec![err(key::TAKEN_ON, why)]));
            }
            Err(e) => return Err(e),
        }
        // The alerts' own words are on the record; the footer's two lines say how many.
        let status = store.client_status(s.client_id, s.intervals)?;
        let open = status
            .assessment
            .open
            .iter()
            .filter(|a| a.kind == AlertKind::BbvTest)
            .count();
        let mut message = format!("Recorded: {}.", entry.describe());
        if open > 0 {
            message.push_str(&format!(" BBV care due: {open} (on the record)."));
        }
        Ok(Ok(Saved::said(message)))
    }

    fn keeps_drafts(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn now() -> Now {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        Now {
            today,
            now: today.and_hms_opt(10, 0, 0).unwrap(),
        }
    }

    #[test]
    fn a_sample_today_with_its_result_awaited_is_the_default() {
        let mut form = bbv_form("BBV test".into(), now());
        assert!(
            build_bbv(&form).is_err(),
            "the test is the one thing to choose (the form marks the empty required field)"
        );
        prefill(&mut form, &[(key::TEST, "hep_c_rna".into())]);
        assert_eq!(
            build_bbv(&form),
            Ok(BbvEntry {
                test: BbvTest::HepCRna,
                taken_on: now().today,
                result: BbvResult::NotKnown,
            })
        );
    }

    #[test]
    fn a_sample_dated_tomorrow_is_refused_at_the_field() {
        let mut form = bbv_form("BBV test".into(), now());
        prefill(
            &mut form,
            &[(key::TEST, "hiv".into()), (key::TAKEN_ON, "+1d".into())],
        );
        let errors = build_bbv(&form).unwrap_err();
        assert_eq!(errors[0].0, key::TAKEN_ON);
    }
}
