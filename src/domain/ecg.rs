//! ECGs: the date one was taken and, when the report gives it, the corrected QT interval. Read by
//! the safe-prescribing checks ([`super::dose_check::check_ecg`]): methadone prolongs the QT
//! interval, so above a dose an ECG is recommended (the Orange Book 2017, 4.3; the MHRA's 2006
//! advice on methadone and QT prolongation).

use chrono::NaiveDate;
use serde::Serialize;

/// The QTc values accepted, in ms. A normal QTc is about 350-450 ms and over 500 ms is the
/// danger the ECG looks for; outside 300-700 ms a value can only be a typing slip (a QT given
/// in seconds, a heart rate).
pub const QTC_MS: std::ops::RangeInclusive<u16> = 300..=700;

/// One ECG as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ecg {
    pub taken_on: NaiveDate,
    pub qtc_ms: Option<u16>,
}

impl Ecg {
    /// Why this ECG cannot be recorded on `today`, in a sentence naming the value and the remedy.
    pub fn check(&self, today: NaiveDate) -> Result<(), String> {
        if self.taken_on > today {
            return Err(format!(
                "{} is in the future: an ECG is recorded once it has been taken",
                super::uk_date(self.taken_on)
            ));
        }
        match self.qtc_ms {
            Some(ms) if !QTC_MS.contains(&ms) => Err(format!(
                "a QTc of {ms} ms is outside {}-{} ms: check the report (QTc in ms, e.g. 430)",
                QTC_MS.start(),
                QTC_MS.end()
            )),
            _ => Ok(()),
        }
    }
}

/// A QTc as typed: whole ms, `430` or `430ms`.
pub fn parse_qtc(text: &str) -> Result<u16, String> {
    let trimmed = text.trim();
    let number = trimmed.strip_suffix("ms").unwrap_or(trimmed).trim();
    let ms: u16 = number
        .parse()
        .map_err(|_| format!("'{trimmed}' is not a QTc: give it in whole ms, e.g. 430"))?;
    if !QTC_MS.contains(&ms) {
        return Err(format!(
            "a QTc of {ms} ms is outside {}-{} ms: check the report (QTc in ms, e.g. 430)",
            QTC_MS.start(),
            QTC_MS.end()
        ));
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_ecg_dated_after_today_or_with_an_implausible_qtc_is_refused() {
        let today = d(2026, 11, 23);
        let ecg = |taken_on, qtc_ms| Ecg { taken_on, qtc_ms };
        assert!(ecg(today, None).check(today).is_ok());
        assert!(ecg(d(2026, 11, 24), None).check(today).is_err());
        assert!(ecg(today, Some(300)).check(today).is_ok());
        assert!(ecg(today, Some(700)).check(today).is_ok());
        assert!(ecg(today, Some(299)).check(today).is_err());
        assert!(ecg(today, Some(701)).check(today).is_err());
        assert_eq!(parse_qtc("430ms"), Ok(430));
        assert!(parse_qtc("0.43").is_err());
        assert!(parse_qtc("1200").is_err());
    }
}
