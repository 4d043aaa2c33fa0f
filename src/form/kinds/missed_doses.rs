//! The quick entry of doses a pharmacy reports missed: one line of days. The command line's
//! `keywork dose missed` reads its `--on` with the same [`parse_days`].

use super::*;
use crate::domain::missed_dose::MAX_DATES_PER_ENTRY;
use crate::form::dates::parse_date;
use crate::store::StoreError;
use chrono::NaiveDate;

/// The fields of this form, by key.
pub mod key {
    pub const DAYS: &str = "days";
}

/// The form: the days missed, yesterday unless changed (the usual call is about yesterday).
pub fn missed_doses_form(title: String, now: Now) -> Form {
    let specs = vec![
        Spec::new(
            key::DAYS,
            "Days missed (a list or FROM..TO)",
            Kind::Line { max: 400 },
        )
        .required(),
    ];
    let yesterday = crate::form::dates::show_date(now.today - chrono::Duration::days(1));
    Form::new(title, specs, &[(key::DAYS, yesterday)], now)
}

/// Reads `a,b,c..d` into days, oldest first, each once; a range is inclusive.
pub fn parse_days(text: &str, today: NaiveDate) -> std::result::Result<Vec<NaiveDate>, String> {
    let mut days = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once("..") {
            Some((from, to)) => {
                let (from, to) = (parse_date(from, today)?, parse_date(to, today)?);
                if to < from {
                    return Err(format!(
                        "the range {} to {} runs backwards: put the earlier day first",
                        uk_date(from),
                        uk_date(to)
                    ));
                }
                let mut day = from;
                while day <= to && days.len() <= MAX_DATES_PER_ENTRY {
                    days.push(day);
                    match day.succ_opt() {
                        Some(next) => day = next,
                        None => break,
                    }
                }
            }
            None => days.push(parse_date(part, today)?),
        }
    }
    if days.is_empty() {
        return Err("give at least one date a dose was missed, e.g. 19/11/2026".into());
    }
    days.sort_unstable();
    days.dedup();
    if days.len() > MAX_DATES_PER_ENTRY {
        return Err(format!(
            "more than {MAX_DATES_PER_ENTRY} days at once: record them in parts"
        ));
    }
    Ok(days)
}

/// Days as a worker reads them: "19/11/2026, 20/11/2026".
pub fn day_list(days: &[NaiveDate]) -> String {
    days.iter()
        .map(|d| uk_date(*d))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug)]
pub struct MissedDosesForm;

pub fn open(o: &Opening<'_>) -> Opens {
    let client = match o.client() {
        Ok(client) => client,
        Err(why) => return Ok(Err(why)),
    };
    let title = o.client_title("Missed doses", client)?;
    Ok(Ok(Opened {
        form: missed_doses_form(title, o.now),
        client_id: Some(client),
        handler: Box::new(MissedDosesForm),
    }))
}

impl Handler for MissedDosesForm {
    fn kind(&self) -> FormKind {
        FormKind::MissedDoses
    }

    fn check(&self, form: &Form, _s: &Saving<'_>) -> Errors {
        parse_days(&form.text(key::DAYS), form.now.today)
            .err()
            .map(|e| vec![err(key::DAYS, e)])
            .unwrap_or_default()
    }

    fn save(&self, form: &Form, store: &mut Store, s: &Saving<'_>) -> Saves {
        let days = built!(
            parse_days(&form.text(key::DAYS), form.now.today).map_err(|e| vec![err(key::DAYS, e)])
        );
        let recorded = match store.write(|w| w.record_missed_doses(s.client_id, s.worker_id, &days))
        {
            Ok(recorded) => recorded,
            Err(StoreError::Invalid { source, .. }) => {
                return Ok(Err(vec![err(key::DAYS, source.to_string())]));
            }
            Err(e) => return Err(e),
        };
        let mut message = match (recorded.added.is_empty(), recorded.already.is_empty()) {
            (false, true) => format!("Missed doses recorded: {}.", day_list(&recorded.added)),
            (false, false) => format!(
                "Missed doses recorded: {} ({} already were).",
                day_list(&recorded.added),
                day_list(&recorded.already)
            ),
            _ => format!("Already recorded: {}.", day_list(&recorded.already)),
        };
        let status = store.client_status(s.client_id, s.intervals)?;
        if let Some(alert) = status
            .assessment
            .open
            .iter()
            .find(|a| a.kind == AlertKind::MissedDoses)
        {
            message.push(' ');
            message.push_str(&format!("{}: {}", alert.kind.label(), alert.reason));
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

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn days_are_read_as_lists_and_inclusive_ranges() {
        let today = d("2026-11-23");
        assert_eq!(
            parse_days("19/11/2026, 2026-11-21,yesterday", today).unwrap(),
            [d("2026-11-19"), d("2026-11-21"), d("2026-11-22")]
        );
        assert_eq!(
            parse_days("2026-11-19..2026-11-21,20/11/2026", today).unwrap(),
            [d("2026-11-19"), d("2026-11-20"), d("2026-11-21")]
        );
        assert_eq!(
            parse_days("2026-11-19..2026-11-19", today).unwrap(),
            [d("2026-11-19")]
        );
        assert!(
            parse_days("2026-11-21..2026-11-19", today)
                .unwrap_err()
                .contains("backwards")
        );
        assert!(
            parse_days(" , ", today)
                .unwrap_err()
                .contains("at least one date")
        );
        assert!(
            parse_days("2026-01-01..2026-12-31", today)
                .unwrap_err()
                .contains("more than 31")
        );
        assert!(
            parse_days("19/13/2026", today)
                .unwrap_err()
                .contains("not a date")
        );
    }
}
