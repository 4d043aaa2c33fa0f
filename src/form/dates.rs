//! Dates and times as workers type them: `23/11/2026`, `2026-11-23`, `today`, `yesterday`,
//! `+2w`, `+3d`, `-1d`; times `14:30` after a date, or `now`.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// Reads a date relative to `today`. The error says what was expected.
pub fn parse_date(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let t = text.trim().to_lowercase();
    let expected = || {
        format!(
            "'{}' is not a date: try 23/11/2026, 2026-11-23, today, yesterday, +2w or +3d",
            text.trim()
        )
    };
    match t.as_str() {
        "today" | "t" => return Ok(today),
        "yesterday" | "y" => return Ok(today - Duration::days(1)),
        "tomorrow" => return Ok(today + Duration::days(1)),
        _ => {}
    }
    if let Some(offset) = relative(&t) {
        return offset
            .and_then(|d| today.checked_add_signed(d))
            .ok_or_else(expected);
    }
    for format in ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(&t, format)
            && (1900..=2200).contains(&chrono::Datelike::year(&date))
        {
            return Ok(date);
        }
    }
    Err(expected())
}

/// `+2w`, `-3d`, `+1m` (four weeks): `None` inside when the number is too big.
fn relative(t: &str) -> Option<Option<Duration>> {
    let sign = match t.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let unit = t.chars().last()?;
    let digits = t.get(1..t.len().checked_sub(unit.len_utf8())?)?.trim();
    // Digits only: "+-5d" is not a date, and parse() would take the second sign.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 6 {
        return Some(None);
    }
    let number: i64 = digits.parse().ok()?;
    let days = match unit {
        'd' => number,
        'w' => number.checked_mul(7)?,
        'm' => number.checked_mul(28)?,
        _ => return None,
    };
    Some((days <= 36_500).then(|| Duration::days(sign * days)))
}

/// Reads a date and time: a date as above followed by `HH:MM`, or `now`. A date alone means
/// `default_time` on that day.
pub fn parse_date_time(
    text: &str,
    now: NaiveDateTime,
    default_time: NaiveTime,
) -> Result<NaiveDateTime, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    let expected =
        || format!("'{t}' is not a date and time: try 23/11/2026 14:30, today 09:15 or now");
    let (date_part, time_part) = match t.rsplit_once(' ') {
        Some((d, time)) if time.contains(':') => (d, Some(time)),
        _ => (t, None),
    };
    let date = parse_date(date_part, now.date()).map_err(|_| expected())?;
    let time = match time_part {
        Some(time) => NaiveTime::parse_from_str(time.trim(), "%H:%M").map_err(|_| expected())?,
        None => default_time,
    };
    Ok(date.and_time(time))
}

/// How dates are shown back: UK style.
pub fn show_date(date: NaiveDate) -> String {
    crate::domain::uk_date(date)
}

pub fn show_date_time(at: NaiveDateTime) -> String {
    at.format("%d/%m/%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_documented_date_form_is_understood() {
        let today = d(2026, 11, 23);
        assert_eq!(parse_date("23/11/2026", today), Ok(today));
        assert_eq!(parse_date("2026-11-23", today), Ok(today));
        assert_eq!(parse_date("today", today), Ok(today));
        assert_eq!(parse_date(" Yesterday ", today), Ok(d(2026, 11, 22)));
        assert_eq!(parse_date("+2w", today), Ok(d(2026, 12, 7)));
        assert_eq!(parse_date("+3d", today), Ok(d(2026, 11, 26)));
        assert_eq!(parse_date("-1d", today), Ok(d(2026, 11, 22)));
        assert_eq!(parse_date("1/2/2027", today), Ok(d(2027, 2, 1)));
    }

    #[test]
    fn impossible_dates_are_refused_with_the_accepted_forms() {
        let today = d(2026, 11, 23);
        for bad in [
            "+-99999999d",
            "--5d",
            "+1e3d",
            "31/02/2026",
            "2026-13-01",
            "soon",
            "+2x",
            "+",
            "23/11/26",
            "+99999999999w",
        ] {
            let err = parse_date(bad, today).unwrap_err();
            assert!(err.contains("try 23/11/2026"), "{bad}: {err}");
        }
    }

    #[test]
    fn date_times_take_a_time_or_default_one() {
        let now = d(2026, 11, 23).and_hms_opt(14, 32, 0).unwrap();
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        assert_eq!(parse_date_time("now", now, nine), Ok(now));
        assert_eq!(
            parse_date_time("today 09:15", now, nine),
            Ok(d(2026, 11, 23).and_hms_opt(9, 15, 0).unwrap())
        );
        assert_eq!(
            parse_date_time("+1w", now, nine),
            Ok(d(2026, 11, 30).and_time(nine))
        );
        assert_eq!(
            parse_date_time("30/11/2026 16:00", now, nine),
            Ok(d(2026, 11, 30).and_hms_opt(16, 0, 0).unwrap())
        );
        assert!(parse_date_time("today 25:00", now, nine).is_err());
    }

    #[test]
    fn dates_display_uk_style() {
        assert_eq!(show_date(d(2026, 11, 3)), "03/11/2026");
        assert_eq!(
            show_date_time(d(2026, 11, 3).and_hms_opt(9, 5, 0).unwrap()),
            "03/11/2026 09:05"
        );
    }
}
