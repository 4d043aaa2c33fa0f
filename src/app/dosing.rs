//! A client's prescription history as the record shows it: a small dose-over-time chart and a
//! supervision line (one glyph per prescription, oldest first, like the TOP charts), then each
//! prescription with its dates, supervision changes marked, and the NICE TA114 note where
//! take-home doses came within the first three months of OST.

use crate::domain::prescription::{EARLY_TAKE_HOME_NOTE, early_take_home};
use crate::domain::{OstPrescription, Supervision, uk_date};
use chrono::NaiveDate;

/// The most prescriptions the charts show: the latest ones.
pub const MAX_SHOWN: usize = 16;

/// Width the chart labels are padded to ("Supervision" and a space).
const LABEL_WIDTH: usize = 13;

const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII_STEPS: [char; 8] = ['_', ':', '-', '=', '+', '*', '%', '#'];

/// One line of the history: what it says and whether it asks for attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryLine {
    pub text: String,
    /// Take-home doses early without a recorded reason: shown as an alert.
    pub alert: bool,
    /// An ended prescription: shown muted.
    pub past: bool,
}

impl HistoryLine {
    fn new(text: String) -> Self {
        Self {
            text,
            alert: false,
            past: false,
        }
    }
}

/// Which of the eight steps a dose is of the highest charted.
fn step(dose: f64, max: f64) -> usize {
    if max <= 0.0 {
        0
    } else {
        ((dose / max) * 7.0).round().clamp(0.0, 7.0) as usize
    }
}

/// A letter per supervision arrangement, the same in both glyph sets.
fn supervision_letter(s: Supervision) -> char {
    match s {
        Supervision::DailySupervised => 'S',
        Supervision::PartlySupervised => 'T',
        Supervision::TakeHome => 'H',
        Supervision::ClinicAdministered => 'C',
    }
}

/// The dose chart: `Dose (mg)    ▄▄█  30 → 40`.
pub fn dose_chart(oldest_first: &[&OstPrescription], ascii: bool) -> String {
    let shown = &oldest_first[oldest_first.len().saturating_sub(MAX_SHOWN)..];
    let steps = if ascii { &ASCII_STEPS } else { &BLOCKS };
    let max = shown.iter().map(|p| p.rx.dose_mg).fold(0.0, f64::max);
    let chart: String = shown
        .iter()
        .map(|p| steps[step(p.rx.dose_mg, max)])
        .collect();
    let arrow = if ascii { "->" } else { "→" };
    let summary = match (shown.first(), shown.last()) {
        (Some(first), Some(last)) if shown.len() > 1 => {
            format!("{} {arrow} {} mg", first.rx.dose_mg, last.rx.dose_mg)
        }
        (_, Some(only)) => format!("{} mg", only.rx.dose_mg),
        _ => String::new(),
    };
    format!("{:<LABEL_WIDTH$}{chart}  {summary}", "Dose (mg)")
}

/// The supervision line: a letter per prescription and the key to the letters.
pub fn supervision_chart(oldest_first: &[&OstPrescription]) -> String {
    let shown = &oldest_first[oldest_first.len().saturating_sub(MAX_SHOWN)..];
    let letters: String = shown
        .iter()
        .map(|p| supervision_letter(p.rx.supervision))
        .collect();
    format!(
        "{:<LABEL_WIDTH$}{letters}  S supervised, T some take-home, H take-home, C clinic",
        "Supervision"
    )
}

/// The day each prescription's unbroken run of OST began: a gap of a day or more between one
/// ending and the next starting begins a new run. A prescription that does not count (entered in
/// error) neither begins nor continues a run.
fn ost_starts(oldest_first: &[&OstPrescription], counts: &[bool]) -> Vec<NaiveDate> {
    let mut starts = Vec::with_capacity(oldest_first.len());
    let mut run: Option<(NaiveDate, Option<NaiveDate>)> = None;
    for (i, p) in oldest_first.iter().enumerate() {
        let began = match run {
            Some((began, Some(ended))) if ended.succ_opt() >= Some(p.rx.started_on) => began,
            Some((began, None)) => began,
            _ => p.rx.started_on,
        };
        starts.push(began);
        if counts.get(i).copied().unwrap_or(true) {
            run = Some((began, p.rx.ended_on));
        }
    }
    starts
}

/// The prescriptions, latest first, each with its dates; supervision changes marked and early
/// take-home doses noted.
#[cfg(test)]
fn history(oldest_first: &[&OstPrescription], today: NaiveDate) -> Vec<HistoryLine> {
    let counts = vec![true; oldest_first.len()];
    history_of(oldest_first, &counts, today)
        .into_iter()
        .flat_map(|(_, lines)| lines)
        .collect()
}

/// The history grouped by prescription, latest first: each prescription's index in
/// `oldest_first` and its lines (the first is its dates and terms). `counts[i]` is false for a
/// prescription entered in error: it is listed, but marks no supervision change for the next.
pub fn history_of(
    oldest_first: &[&OstPrescription],
    counts: &[bool],
    today: NaiveDate,
) -> Vec<(usize, Vec<HistoryLine>)> {
    let starts = ost_starts(oldest_first, counts);
    let counted = |i: usize| counts.get(i).copied().unwrap_or(true);
    let mut groups = Vec::new();
    for (i, p) in oldest_first.iter().enumerate().rev() {
        let when = match p.rx.ended_on {
            Some(end) => format!("{} to {}", uk_date(p.rx.started_on), uk_date(end)),
            None => format!("since {}", uk_date(p.rx.started_on)),
        };
        let before = (0..i).rev().find(|&j| counted(j));
        let changed = counted(i)
            && before.is_some_and(|j| oldest_first[j].rx.supervision != p.rx.supervision);
        let mark = if changed {
            " [supervision changed]"
        } else {
            ""
        };
        let mut line = HistoryLine::new(format!("{when}: {}{mark}", p.summary()));
        line.past = !p.rx.is_current(today) && p.rx.started_on <= today;
        let mut lines = vec![line];
        lines.extend(details(p, starts[i]));
        groups.push((i, lines));
    }
    groups
}

/// The pharmacy, prescriber and reasons under a prescription, indented.
fn details(p: &OstPrescription, ost_began: NaiveDate) -> Vec<HistoryLine> {
    let t = &p.terms;
    let mut lines: Vec<HistoryLine> = [
        t.pharmacy.as_ref().map(|ph| format!("  pharmacy: {ph}")),
        t.dose_reason
            .as_ref()
            .map(|r| format!("  dose outside the usual checks, because: {r}")),
        t.end_reason.as_ref().map(|r| format!("  ended: {r}")),
    ]
    .into_iter()
    .flatten()
    .map(HistoryLine::new)
    .collect();
    if p.rx.supervision.has_take_home() {
        lines.push(HistoryLine::new(format!(
            "  safe storage discussed: {}",
            crate::domain::prescription::safe_storage_words(t.safe_storage_discussed)
        )));
    }
    if early_take_home(ost_began, p.rx.started_on, p.rx.supervision) {
        lines.push(match &t.take_home_reason {
            Some(reason) => HistoryLine::new(format!(
                "  take-home doses within the first 3 months (NICE TA114): {reason}"
            )),
            None => HistoryLine {
                alert: true,
                ..HistoryLine::new(format!("  {EARLY_TAKE_HOME_NOTE}"))
            },
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DoseInterval, Medicine, Prescription, Terms};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn rx(dose_mg: f64, from: NaiveDate, to: Option<NaiveDate>, s: Supervision) -> OstPrescription {
        OstPrescription {
            rx: Prescription {
                client_id: 1,
                medicine: Medicine::Methadone,
                dose_mg,
                interval: DoseInterval::Daily,
                started_on: from,
                ended_on: to,
                supervision: s,
            },
            terms: Terms {
                take_home_days: (s == Supervision::PartlySupervised).then_some(2),
                ..Terms::default()
            },
        }
    }

    #[test]
    fn the_dose_chart_rises_with_the_dose_in_both_glyph_sets() {
        let a = rx(
            30.0,
            date(2026, 1, 1),
            Some(date(2026, 1, 7)),
            Supervision::DailySupervised,
        );
        let b = rx(60.0, date(2026, 1, 8), None, Supervision::DailySupervised);
        assert_eq!(dose_chart(&[&a, &b], false), "Dose (mg)    ▅█  30 → 60 mg");
        assert_eq!(dose_chart(&[&a, &b], true), "Dose (mg)    +#  30 -> 60 mg");
    }

    #[test]
    fn a_supervision_change_is_marked_and_early_take_home_without_a_reason_is_an_alert() {
        let a = rx(
            30.0,
            date(2026, 1, 1),
            Some(date(2026, 2, 1)),
            Supervision::DailySupervised,
        );
        let b = rx(30.0, date(2026, 2, 2), None, Supervision::PartlySupervised);
        let lines = history(&[&a, &b], date(2026, 3, 1));
        assert!(lines[0].text.contains("[supervision changed]"), "{lines:?}");
        // Under the take-home prescription: its safe-storage answer, then the early note.
        assert_eq!(lines[1].text, "  safe storage discussed: not recorded");
        assert!(lines[2].alert && lines[2].text.contains(EARLY_TAKE_HOME_NOTE));
        assert!(lines[3].past && !lines[3].text.contains("changed"));
        assert_eq!(
            lines.len(),
            4,
            "no safe-storage line under supervised doses: {lines:?}"
        );
        assert_eq!(
            supervision_chart(&[&a, &b]).split_whitespace().nth(1),
            Some("ST")
        );
    }

    #[test]
    fn take_home_after_three_months_of_unbroken_ost_carries_no_note() {
        let a = rx(
            30.0,
            date(2026, 1, 1),
            Some(date(2026, 4, 1)),
            Supervision::DailySupervised,
        );
        let b = rx(30.0, date(2026, 4, 2), None, Supervision::TakeHome);
        let lines = history(&[&a, &b], date(2026, 5, 1));
        assert!(lines.iter().all(|l| !l.alert), "{lines:?}");
    }
}
