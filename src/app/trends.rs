//! A client's Treatment Outcomes Profiles as small text charts for the client record: one line
//! per substance used at any TOP (days used in the past 28) and one per wellbeing scale (0 poor
//! to 20 good), one glyph per TOP, oldest first.

use crate::domain::top::{Answer, Measure, SUBSTANCE_ITEMS, Top, TopItem, WELLBEING_ITEMS};

/// The most TOPs a chart shows: the latest ones.
pub const MAX_TOPS: usize = 12;

/// Width the label is padded to: the longest ("Quality of life") and a space.
pub const LABEL_WIDTH: usize = 16;

const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII_STEPS: [char; 8] = ['_', ':', '-', '=', '+', '*', '%', '#'];

/// One chart line: what it is about, a glyph per TOP, and the change in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendLine {
    pub label: &'static str,
    pub chart: String,
    pub summary: String,
}

impl TrendLine {
    /// The line as the record shows it, e.g. `Opiates         █▅▂  28 → 2 days`.
    pub fn text(&self) -> String {
        format!(
            "{:<width$}{}  {}",
            self.label,
            self.chart,
            self.summary,
            width = LABEL_WIDTH
        )
    }
}

/// The TOPs charted: the latest [`MAX_TOPS`].
fn window(tops: &[Top]) -> &[Top] {
    &tops[tops.len().saturating_sub(MAX_TOPS)..]
}

/// Which of the eight steps a value is: 0 only for 0, so any use shows above none.
fn step(value: f64, max: f64) -> usize {
    if value <= 0.0 {
        0
    } else {
        ((value / max) * 7.0).ceil().clamp(1.0, 7.0) as usize
    }
}

fn chart(answers: &[Option<Answer>], max: f64, ascii: bool) -> String {
    let (steps, gap) = if ascii {
        (&ASCII_STEPS, '.')
    } else {
        (&BLOCKS, '·')
    };
    answers
        .iter()
        .map(|a| match a.and_then(Answer::value) {
            Some(v) => steps[step(v, max)],
            None => gap,
        })
        .collect()
}

/// First and last answered values in words: `28 → 2 days`, `12 of 20`, or `declined`.
fn summary(answers: &[Option<Answer>], measure: Measure, ascii: bool) -> String {
    let values: Vec<f64> = answers
        .iter()
        .filter_map(|a| a.and_then(Answer::value))
        .collect();
    let (Some(first), Some(last)) = (values.first(), values.last()) else {
        return if answers.contains(&Some(Answer::Declined)) {
            "declined".into()
        } else {
            "not answered".into()
        };
    };
    let unit = match measure {
        Measure::Days if *last == 1.0 => " day".to_owned(),
        Measure::Days => " days".to_owned(),
        _ => format!(" of {}", measure.range().1),
    };
    if values.len() == 1 {
        format!("{last}{unit}")
    } else {
        let arrow = if ascii { "->" } else { "→" };
        format!("{first} {arrow} {last}{unit}")
    }
}

fn line(label: &'static str, item: TopItem, tops: &[Top], ascii: bool) -> TrendLine {
    let answers: Vec<Option<Answer>> = window(tops).iter().map(|t| t.answer(item)).collect();
    let measure = item.measure();
    TrendLine {
        label,
        chart: chart(&answers, measure.range().1, ascii),
        summary: summary(&answers, measure, ascii),
    }
}

/// Chart lines for a client's TOPs, oldest first: each substance with days of use at any TOP,
/// then the three wellbeing scales. Empty when there are no TOPs.
pub fn top_trend_lines(tops: &[Top], ascii: bool) -> Vec<TrendLine> {
    if tops.is_empty() {
        return Vec::new();
    }
    let used = |item: TopItem| {
        tops.iter().any(|t| {
            t.answer(item)
                .and_then(Answer::value)
                .is_some_and(|v| v > 0.0)
        })
    };
    let substances = SUBSTANCE_ITEMS
        .iter()
        .filter(|(_, days, _)| used(*days))
        .map(|(label, days, _)| line(label, *days, tops, ascii));
    let wellbeing = WELLBEING_ITEMS
        .iter()
        .map(|(label, item)| line(label, *item, tops, ascii));
    substances.chain(wellbeing).collect()
}

/// What the chart lines show, to go above them; when there are no TOPs, says so instead.
pub fn top_trend_caption(tops: &[Top], ascii: bool) -> String {
    if tops.is_empty() {
        return "No TOP recorded yet; the first is taken at the start of treatment.".into();
    }
    let (arrow, gap) = if ascii { ("->", '.') } else { ("→", '·') };
    let shown = window(tops).len();
    let which = if shown < tops.len() {
        format!("the latest {shown} of {} TOPs", tops.len())
    } else if shown == 1 {
        "1 TOP".to_owned()
    } else {
        format!("{shown} TOPs")
    };
    format!(
        "{which}, oldest {arrow} newest: days used in the past 28; wellbeing 0 poor to 20 good; \
         {gap} declined or not asked"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::top::TopStage;
    use chrono::NaiveDate;

    fn top(day: u32, answers: &[(TopItem, Answer)]) -> Top {
        Top {
            client_id: 1,
            worker_id: 1,
            completed_on: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
            stage: TopStage::Review,
            other_substance: None,
            answers: answers.iter().copied().collect(),
        }
    }

    fn v(value: f64) -> Answer {
        Answer::Value(value)
    }

    fn three_tops() -> Vec<Top> {
        use TopItem::*;
        vec![
            top(
                1,
                &[
                    (OpiatesDays, v(28.0)),
                    (OpiatesGrams, v(0.5)),
                    (CrackDays, v(0.0)),
                    (AlcoholDays, v(0.0)),
                    (PsychologicalHealth, v(6.0)),
                    (PhysicalHealth, v(10.0)),
                    (QualityOfLife, Answer::Declined),
                ],
            ),
            top(
                2,
                &[
                    (OpiatesDays, v(14.0)),
                    (CrackDays, Answer::Declined),
                    (AlcoholDays, v(0.0)),
                    (PsychologicalHealth, v(12.0)),
                    (PhysicalHealth, v(10.0)),
                    (QualityOfLife, v(8.0)),
                ],
            ),
            top(
                3,
                &[
                    (OpiatesDays, v(2.0)),
                    (CrackDays, v(1.0)),
                    (AlcoholDays, v(0.0)),
                    (PsychologicalHealth, v(20.0)),
                    (PhysicalHealth, Answer::Declined),
                    (QualityOfLife, v(0.0)),
                ],
            ),
        ]
    }

    #[test]
    fn substances_used_and_wellbeing_each_get_a_line() {
        let lines: Vec<String> = top_trend_lines(&three_tops(), false)
            .iter()
            .map(TrendLine::text)
            .collect();
        assert_eq!(
            lines,
            [
                "Opiates         █▅▂  28 → 2 days",
                "Crack           ▁·▂  0 → 1 day",
                "Psychological   ▄▆█  6 → 20 of 20",
                "Physical        ▅▅·  10 → 10 of 20",
                "Quality of life ·▄▁  8 → 0 of 20",
            ],
            "alcohol, never used, has no line; a declined answer is a dot"
        );
    }

    #[test]
    fn ascii_mode_uses_plain_characters() {
        let lines: Vec<String> = top_trend_lines(&three_tops(), true)
            .iter()
            .map(TrendLine::text)
            .collect();
        assert_eq!(
            lines,
            [
                "Opiates         #+:  28 -> 2 days",
                "Crack           _.:  0 -> 1 day",
                "Psychological   =*#  6 -> 20 of 20",
                "Physical        ++.  10 -> 10 of 20",
                "Quality of life .=_  8 -> 0 of 20",
            ]
        );
    }

    #[test]
    fn every_step_of_the_scale_is_reachable_and_zero_stands_apart() {
        let tops: Vec<Top> = [0.0, 1.0, 5.0, 9.0, 13.0, 17.0, 21.0, 25.0, 28.0]
            .iter()
            .enumerate()
            .map(|(i, d)| top(i as u32 + 1, &[(TopItem::CannabisDays, v(*d))]))
            .collect();
        let lines = top_trend_lines(&tops, false);
        assert_eq!(lines[0].label, "Cannabis");
        assert_eq!(lines[0].chart, "▁▂▃▄▅▆▇██");
        assert_eq!(lines[0].summary, "0 → 28 days");
        assert_eq!(lines[1].chart, "·········");
        assert_eq!(lines[1].summary, "not answered");
    }

    #[test]
    fn only_the_latest_twelve_are_charted() {
        let tops: Vec<Top> = (1..=15)
            .map(|day| top(day, &[(TopItem::AlcoholDays, v(f64::from(day)))]))
            .collect();
        let lines = top_trend_lines(&tops, true);
        assert_eq!(
            lines[0].text(),
            "Alcohol         :----====+++  4 -> 15 days"
        );
        assert_eq!(
            top_trend_caption(&tops, true),
            "the latest 12 of 15 TOPs, oldest -> newest: days used in the past 28; \
             wellbeing 0 poor to 20 good; . declined or not asked"
        );
    }

    #[test]
    fn one_top_and_declined_throughout_read_plainly() {
        let tops = [top(
            1,
            &[
                (TopItem::OtherDays, v(3.0)),
                (TopItem::PsychologicalHealth, Answer::Declined),
            ],
        )];
        let lines = top_trend_lines(&tops, false);
        assert_eq!(lines[0].text(), "Other           ▂  3 days");
        assert_eq!(lines[1].text(), "Psychological   ·  declined");
        assert_eq!(lines[2].text(), "Physical        ·  not answered");
        assert_eq!(
            top_trend_caption(&tops, false),
            "1 TOP, oldest → newest: days used in the past 28; wellbeing 0 poor to 20 good; \
             · declined or not asked"
        );
    }

    #[test]
    fn no_tops_gives_no_lines_and_says_so() {
        assert!(top_trend_lines(&[], false).is_empty());
        assert_eq!(
            top_trend_caption(&[], false),
            "No TOP recorded yet; the first is taken at the start of treatment."
        );
    }
}
