//! Clients made to show one thing each, so a trainer can demonstrate every alert on the demo
//! caseload. The first seven are the scenario clients (module `scenario`), whose whole records
//! tell a story (new to OST, a planned exit, medication-assisted recovery, parked, relapse after
//! detox, release from prison without naloxone, alcohol with a family goal); the rest show one
//! alert each: the six-month signal, an overdue care-plan review, three DNAs in a row, naloxone
//! needed, an overdue prescribing review, a BBV test due, an acknowledged alert and a discharged
//! client owing an exit TOP.
//!
//! Each is otherwise well looked after (reviews on time, naloxone in date, a moving plan), so
//! the thing it shows stands out. Everything is dated relative to today, so the showcase works
//! on any day; names, NHS numbers and details stay as fictional as the rest of the demo.

use super::course::{Course, LastSessions, Span};
use super::history;
use super::outcomes::{Response, set_use};
use super::scenario::{SCENARIOS, Scenario};
use super::{Dice, Team, text};
use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeSet;

/// What a showcase client shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Showcase {
    NewToOst,
    PlannedExit,
    RelapsedAfterDetox,
    AlcoholFamily,
    PrisonRelease,
    SixMonthSignal,
    CarePlanOverdue,
    Recovery,
    ThreeDnas,
    Parked,
    Naloxone,
    PrescribingOverdue,
    BbvTest,
    Acknowledged,
    ExitTopOwed,
}

/// The showcase clients, in the order they take the first key worker's client numbers: the
/// scenarios first, in their numbers' order, then one client for each alert not yet shown.
pub(super) const ALL: [Showcase; 15] = [
    Showcase::NewToOst,
    Showcase::PlannedExit,
    Showcase::Recovery,
    Showcase::Parked,
    Showcase::RelapsedAfterDetox,
    Showcase::PrisonRelease,
    Showcase::AlcoholFamily,
    Showcase::SixMonthSignal,
    Showcase::CarePlanOverdue,
    Showcase::ThreeDnas,
    Showcase::Naloxone,
    Showcase::PrescribingOverdue,
    Showcase::BbvTest,
    Showcase::Acknowledged,
    Showcase::ExitTopOwed,
];

impl Showcase {
    /// The scenario this client's record tells, if it is a scenario client.
    pub(super) fn scenario(self) -> Option<&'static Scenario> {
        let number = match self {
            Showcase::NewToOst => 1,
            Showcase::PlannedExit => 2,
            Showcase::Recovery => 3,
            Showcase::Parked => 4,
            Showcase::RelapsedAfterDetox => 5,
            Showcase::PrisonRelease => 6,
            Showcase::AlcoholFamily => 7,
            _ => return None,
        };
        SCENARIOS.iter().find(|s| s.number == number)
    }
}

/// Why the acknowledged client's naloxone alert needs no action now, in the worker's words.
const ACK_REASON: &str =
    "Declines a kit of their own: partner keeps one at home. Re-offer at the next review.";

pub(super) fn client(
    w: &Writer<'_>,
    dice: &mut Dice,
    team: &Team,
    key_worker: i64,
    number: u32,
    showcase: Showcase,
) -> Result<()> {
    let today = dice.today;
    let ago = |dice: &mut Dice, low: i64, high: i64| dice.days_ago(low, high);
    let mut c = base_client(dice, number, key_worker);
    let mut course = Course::on_time(Response::Good);
    let mut end = None;
    let start: NaiveDate;
    // The latest TOP shows no illicit opiate use unless the showcase says otherwise, so clients
    // six months into OST do not raise the six-month signal by chance.
    let mut latest_opiates = Some(0.0);
    // The last day of a detox the client came for.
    let mut detox: Option<NaiveDate> = None;
    match showcase {
        Showcase::NewToOst => {
            // Started methadone in the last few weeks: titrating, supervised daily (NICE
            // TA114), the first prescribing review still ahead.
            start = ago(dice, 8, 24);
            c.risk.overdose_risk = true;
            course.arc = Some(&[Stage::Preparation, Stage::Action]);
            latest_opiates = None;
        }
        Showcase::PlannedExit => {
            // Stopped heroin within six months of starting OST (the ACMD's good sign): every
            // review TOP shows none, the exit goal is active and the dose is coming down.
            start = ago(dice, 360, 450);
            c.modality = Modality::OstBuprenorphine;
            c.other_substances = BTreeSet::new();
            // Maintenance only after six months in action (the stages of change: change kept
            // up for six months), so action takes seven of the eleven equal shares.
            course.arc = Some(&[
                Stage::Contemplation,
                Stage::Preparation,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Maintenance,
                Stage::Maintenance,
            ]);
            course.reduce_from = Some(ago(dice, 20, 50));
            course.goal_domains = &[GoalDomain::MutualAid];
        }
        Showcase::RelapsedAfterDetox => {
            // Came for a heroin detox (four weeks of reducing buprenorphine), completed it and
            // stayed in psychosocial support, off heroin for over six months (maintenance),
            // then used again: lost tolerance (overdose risk, naloxone in hand) and thinking
            // about it once more.
            start = ago(dice, 400, 460);
            let ends = start + Duration::days(dice.between(24, 32));
            detox = Some(ends);
            c.modality = Modality::Psychosocial;
            course.switched_on = Some(ends + Duration::days(1));
            c.other_substances = BTreeSet::new();
            c.risk.overdose_risk = true;
            c.shared_care = None;
            // Action from the detox on, for seven of twelve equal shares (over six months)
            // before maintenance.
            course.arc = Some(&[
                Stage::Preparation,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Action,
                Stage::Maintenance,
                Stage::Maintenance,
                Stage::Relapse,
                Stage::Contemplation,
            ]);
            latest_opiates = Some(dice.between(4, 10) as f64);
        }
        Showcase::AlcoholFamily => {
            // Alcohol alone; what matters most to her is her children.
            start = ago(dice, 150, 250);
            c.modality = Modality::Alcohol;
            c.primary_substance = Substance::Alcohol;
            c.other_substances = BTreeSet::new();
            c.injecting = InjectingStatus::Never;
            not_opioid(&mut c);
            course.arc = Some(&[Stage::Contemplation, Stage::Preparation, Stage::Action]);
            course.goal_domains = &[GoalDomain::Family];
            latest_opiates = None;
        }
        Showcase::PrisonRelease => {
            // Referred from prison, started OST on the day of release, a few days ago, and left
            // without a naloxone kit: the highest overdose risk of all.
            start = ago(dice, 2, 5);
            c.referral_date = start - Duration::days(dice.between(14, 35));
            c.risk.prison_release_on = Some(start);
            c.risk.overdose_risk = true;
            c.risk.naloxone_held = false;
            c.risk.naloxone_supplied_on = None;
            c.risk.hep_c_tested_on = Some(start - Duration::days(dice.between(60, 150)));
            c.risk.hiv_tested_on = c.risk.hep_c_tested_on;
            course.arc = Some(&[Stage::Contemplation]);
            latest_opiates = None;
        }
        Showcase::SixMonthSignal => {
            start = ago(dice, 215, 260);
            c.modality = Modality::OstBuprenorphine;
            c.risk.overdose_risk = true;
            course.response = Response::Partial;
            latest_opiates = Some(dice.between(6, 14) as f64);
        }
        Showcase::CarePlanOverdue => {
            start = ago(dice, 300, 400);
            c.modality = Modality::Psychosocial;
            c.primary_substance = Substance::Cocaine;
            c.other_substances = BTreeSet::from([Substance::Alcohol]);
            c.injecting = InjectingStatus::Never;
            not_opioid(&mut c);
            course.care_plan_stops = Some(ago(dice, 110, 125));
            latest_opiates = None;
        }
        Showcase::Recovery => {
            // Six years and more on methadone, stable: a history longer than the demo's own.
            start = ago(dice, 6 * 365 + 20, 6 * 365 + 150);
            c.other_substances = BTreeSet::new();
            course.arc = Some(&[Stage::Action, Stage::Maintenance]);
        }
        Showcase::ThreeDnas => {
            start = ago(dice, 200, 300);
            c.modality = Modality::Alcohol;
            c.primary_substance = Substance::Alcohol;
            c.other_substances = BTreeSet::from([Substance::Cannabis]);
            c.injecting = InjectingStatus::Never;
            not_opioid(&mut c);
            course.last_sessions = LastSessions::ThreeDnas;
            latest_opiates = None;
        }
        Showcase::Parked => {
            // Over two years on OST and nothing moves: no care-plan review for months, no exit
            // plan, no goal progress recorded for most of a year, readiness stuck.
            start = ago(dice, 800, 900);
            course.exit_goal = false;
            course.stalled_on = Some(ago(dice, 230, 300));
            // The plan last reviewed the best part of a year ago, when it stalled; still using
            // on top of the script at every TOP, so the six-month signal shows too: care that
            // has stopped moving, as the notes about use on top say.
            course.care_plan_stops = course.stalled_on.map(|on| on + Duration::days(7));
            course.arc = Some(&[Stage::Contemplation]);
            course.response = Response::Partial;
            latest_opiates = Some(dice.between(3, 8) as f64);
        }
        Showcase::Naloxone => {
            // The kit came from the needle exchange long before treatment and has expired.
            start = ago(dice, 100, 150);
            c.modality = Modality::OstBuprenorphine;
            c.risk.naloxone_supplied_on = Some(ago(dice, 400, 470));
            latest_opiates = None;
        }
        Showcase::PrescribingOverdue => {
            start = ago(dice, 280, 340);
            c.modality = Modality::OstBuprenorphine;
            course.prescribing_stops = Some(ago(dice, 115, 125));
        }
        Showcase::BbvTest => {
            start = ago(dice, 90, 150);
            c.injecting = InjectingStatus::Currently;
            c.risk.overdose_risk = true;
            c.risk.hep_b = Some(HepBStatus::InProgress);
            c.risk.hep_c_tested_on = Some(ago(dice, 420, 520));
            c.risk.hiv_tested_on = None;
            course.response = Response::Partial;
            latest_opiates = None;
        }
        Showcase::Acknowledged => {
            start = ago(dice, 100, 160);
            c.modality = Modality::LaiBuprenorphine;
            c.risk.naloxone_held = false;
            c.risk.naloxone_supplied_on = None;
            latest_opiates = None;
        }
        Showcase::ExitTopOwed => {
            // Discharged last week, treatment completed; the exit TOP was not done.
            start = ago(dice, 300, 400);
            end = Some(ago(dice, 5, 12));
            c.status = ClientStatus::Discharged;
            course.exit_top = false;
            latest_opiates = None;
        }
    }
    // Treatment starts at a session, and there are none at weekends: a Saturday or Sunday
    // start moves to the Friday before (a release from prison that day with it).
    let drawn = start;
    let start = super::timeline::weekday_within(drawn, drawn - Duration::days(2), today);
    if c.risk.prison_release_on == Some(drawn) {
        c.risk.prison_release_on = Some(start);
    }
    c.referral_date = c
        .referral_date
        .min(start - Duration::days(dice.between(3, 14)));
    c.treatment_start = Some(start);
    if !c.modality.is_ost() {
        c.shared_care = None;
    }
    if let Some(scenario) = showcase.scenario() {
        c.given_name = Name::new(scenario.given_name).expect("scenario names are valid");
        c.family_name = Name::new(scenario.family_name).expect("scenario names are valid");
        c.preferred_name = None;
    }
    let span = Span { start, end };
    let client_id = w.insert(&c)?;
    if let Some(scenario) = showcase.scenario() {
        w.insert_scenario(client_id, scenario.number, scenario.story)?;
    }
    history::history(
        w,
        dice,
        team,
        client_id,
        &c,
        &span,
        &course,
        |dice, tops| {
            shape_opiate_trend(dice, tops, showcase, latest_opiates);
        },
    )?;
    if let Some(end) = detox {
        super::detox::record(w, dice, team, client_id, &c, start, end)?;
    }
    if showcase == Showcase::Acknowledged {
        w.acknowledge(&AlertAck {
            client_id,
            kind: AlertKind::Naloxone,
            // The cause the naloxone rule gives for no kit held and none ever supplied.
            cause: "held false supplied never".into(),
            reason: ShortText::new(ACK_REASON).expect("short"),
            worker_id: key_worker,
            acknowledged_on: today - Duration::days(dice.between(7, 21)),
        })?;
    }
    Ok(())
}

/// A client on methadone for heroin, who injected once but no longer, with naloxone in date and
/// BBV tests this year: nothing to flag until a showcase changes something.
fn base_client(dice: &mut Dice, number: u32, key_worker: i64) -> Client {
    let today = dice.today;
    let given = dice.pick(text::GIVEN_NAMES);
    let family = dice.pick(text::FAMILY_NAMES);
    let tested = dice.days_ago(60, 300);
    Client {
        reference: ServiceRef::from_number(number),
        given_name: Name::new(given).expect("listed names are valid"),
        family_name: Name::new(family).expect("listed names are valid"),
        preferred_name: text::preferred_form(given)
            .filter(|_| dice.chance(0.6))
            .map(|p| Name::new(p).expect("listed names are valid")),
        date_of_birth: today - Duration::days(dice.between(24 * 365, 58 * 365)),
        nhs_number: history::test_range_nhs_number(number),
        key_worker_id: key_worker,
        status: ClientStatus::Active,
        referral_date: today,
        treatment_start: None,
        primary_substance: Substance::Heroin,
        other_substances: BTreeSet::from([Substance::Crack]),
        injecting: InjectingStatus::Previously,
        modality: Modality::OstMethadone,
        shared_care: dice
            .chance(0.4)
            .then(|| Name::new(dice.pick(text::GP_PRACTICES)).expect("listed names are valid")),
        risk: RiskFlags {
            overdose_risk: false,
            naloxone_held: true,
            naloxone_supplied_on: Some(dice.days_ago(20, 200)),
            safeguarding_children: dice.chance(0.15),
            prison_release_on: None,
            hep_b: Some(HepBStatus::Completed),
            hep_c_tested_on: Some(tested),
            hiv_tested_on: Some(tested),
        },
    }
}

/// Clears what only opioid users carry.
fn not_opioid(c: &mut Client) {
    c.risk.naloxone_held = false;
    c.risk.naloxone_supplied_on = None;
    c.risk.overdose_risk = false;
    c.risk.hep_b = None;
    c.risk.hep_c_tested_on = None;
    c.risk.hiv_tested_on = None;
}

/// Makes the TOPs tell the showcase's story: the latest with `latest` days of illicit opiate
/// use (when set), and for medication-assisted recovery the last two without any.
fn shape_opiate_trend(dice: &mut Dice, tops: &mut [Top], showcase: Showcase, latest: Option<f64>) {
    let grams = |dice: &mut Dice| dice.between(2, 8) as f64 / 10.0;
    match showcase {
        Showcase::PlannedExit | Showcase::RelapsedAfterDetox => {
            // Heavy use before treatment; none at any review TOP (the last may say otherwise).
            if let Some((first, rest)) = tops.split_first_mut() {
                let g = grams(dice);
                set_use(first, TopItem::OpiatesDays, dice.between(20, 28) as f64, g);
                for top in rest {
                    set_use(top, TopItem::OpiatesDays, 0.0, 0.0);
                }
            }
        }
        Showcase::Recovery => {
            let n = tops.len();
            for top in tops.iter_mut().skip(n.saturating_sub(2)) {
                set_use(top, TopItem::OpiatesDays, 0.0, 0.0);
            }
        }
        Showcase::SixMonthSignal => {
            if let Some(first) = tops.first_mut() {
                let g = grams(dice);
                set_use(
                    first,
                    TopItem::OpiatesDays,
                    dice.between(24, 28) as f64,
                    g + 0.3,
                );
            }
        }
        _ => {}
    }
    if let (Some(days), Some(top)) = (latest, tops.last_mut()) {
        let g = grams(dice);
        set_use(top, TopItem::OpiatesDays, days, g);
    }
}
