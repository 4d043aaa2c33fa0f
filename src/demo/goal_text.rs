//! The words of a demo client's recovery plan: goals in the client's own words by domain and
//! hierarchy level, why they matter, and the steps towards them with their natural owners.

use super::fit::Fit::{self, Anyone, Injected, NoScript, Opioid, Ost, ReduceScript, Uses};
use crate::domain::{ActionOwner, GoalDomain, HierarchyLevel, Substance};

/// A goal in a client's own words, by domain (and hierarchy level for substance use), each with
/// whom it fits; every list has words for anyone. Each line speaks of its own domain (teeth
/// under physical health, the flat under housing); one that rests on stability
/// ([`Fit::ReduceScript`]) is chosen only once the client is stable. A goal that rests on a
/// result ([`HEP_C_GOAL`]) is set by the plan only when the record holds it.
pub fn goal_words(
    domain: GoalDomain,
    level: Option<HierarchyLevel>,
) -> &'static [(Fit, &'static str)] {
    match (domain, level) {
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::AbstinenceAll)) => &[
            (
                ReduceScript,
                "Be completely drug free, including my script, by next summer.",
            ),
            (
                Ost,
                "Stay off heroin and everything else, and take my script as prescribed.",
            ),
            (NoScript, "Be completely drug free by next summer."),
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::AbstinenceMain)) => &[
            (Ost, "Stop using heroin on top of my script."),
            (
                Uses(Substance::Crack),
                "No crack at all, not even at weekends.",
            ),
            (
                Uses(Substance::Alcohol),
                "Stop drinking altogether, with medical help to stop safely.",
            ),
            (Anyone, "Stop using my main drug altogether."),
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::ControlledUse)) => &[
            (
                Uses(Substance::Alcohol),
                "Keep to 14 units a week, with days off drink.",
            ),
            (Uses(Substance::Cannabis), "Keep cannabis to evenings only."),
            (Anyone, "Only use at weekends, and less each time."),
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::IndirectHarms)) => &[
            (Anyone, "Stop getting into trouble when I've been using."),
            (Anyone, "Stop missing things that matter because of using."),
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::RiskyBehaviour)) => &[
            (Injected, "Never share works again."),
            (Opioid, "Always carry naloxone and never use alone."),
            (Anyone, "Never use alone."),
        ],
        (GoalDomain::SubstanceUse, _) => &[
            (
                Injected,
                "Get my veins looked after so I stop getting abscesses.",
            ),
            (
                Uses(Substance::Alcohol),
                "Stop drinking in the mornings to get going.",
            ),
            (Anyone, "Look after my health while I'm still using."),
        ],
        (GoalDomain::PhysicalHealth, _) => &[
            (Anyone, "Sort out my teeth."),
            (Anyone, "Register with a dentist."),
            (Anyone, "Walk to the shops every day."),
        ],
        (GoalDomain::MentalHealth, _) => &[
            (Anyone, "Sleep through the night more often."),
            (Anyone, "Talk to someone about my anxiety."),
        ],
        (GoalDomain::Housing, _) => &[
            (Anyone, "Move out of the hostel into my own place."),
            (Anyone, "Keep up with my rent this year."),
            (Anyone, "Keep my flat even when things are bad."),
        ],
        (GoalDomain::Ete, _) => &[
            (Anyone, "Get my forklift licence."),
            (Anyone, "Start the English course at the college."),
            (Anyone, "Find part-time work."),
        ],
        (GoalDomain::Family, _) => &[
            (Anyone, "See my daughter every weekend."),
            (Anyone, "Get back in touch with my brother."),
        ],
        (GoalDomain::MoneyDebt, _) => &[
            (Anyone, "Sort out my Universal Credit."),
            (Anyone, "Pay off the catalogue debt."),
        ],
        (GoalDomain::OffendingLegal, _) => &[
            (Anyone, "Finish my probation order without breaching."),
            (Anyone, "Stay out of trouble with the police."),
        ],
        (GoalDomain::MutualAid, _) => &[
            (Anyone, "Go to a SMART Recovery meeting each week."),
            (Anyone, "Help out at the recovery cafe."),
        ],
        (GoalDomain::Exit, _) => &[
            (Anyone, "Finish treatment and have a plan for after."),
            (ReduceScript, "Reduce my script to nothing at my own pace."),
            (
                Anyone,
                "Be discharged with support from the recovery community.",
            ),
        ],
    }
}

/// The goal set once a current hep C infection is on record.
pub const HEP_C_GOAL: &str = "Get my hep C treated.";

pub const WHY_IT_MATTERS: &[&str] = &[
    "For my kids.",
    "I want my life back.",
    "So I can hold my head up.",
    "Because I'm fed up of being ill.",
];

/// Steps towards a goal, by the goal's domain (and, for physical health, what the goal is
/// about): an action belongs to the goal it serves. Each step has its natural owner: the client
/// their own steps, the key worker the referrals, letters, bookings and calls made for the
/// client, another agency what it does itself; so no step is ever drawn under two owners.
pub fn action_steps(domain: GoalDomain, goal: &str) -> &'static [(Fit, ActionOwner, &'static str)] {
    use ActionOwner::{Client, KeyWorker, OtherAgency};
    match domain {
        GoalDomain::SubstanceUse => &[
            (Anyone, Client, "Write down cravings in the diary"),
            (Anyone, Client, "Go to the Tuesday group"),
            (
                Ost,
                KeyWorker,
                "Arrange a three-way meeting with the prescriber",
            ),
            (
                Injected,
                Client,
                "Visit the needle exchange for a site check",
            ),
            (
                Uses(Substance::Alcohol),
                Client,
                "Keep a drink diary to go through at group",
            ),
        ],
        GoalDomain::PhysicalHealth if goal.contains("hep C") => &[
            (
                Anyone,
                KeyWorker,
                "Write to the GP about the hep C treatment referral",
            ),
            (
                Anyone,
                OtherAgency,
                "GP practice to book the first hep C treatment appointment",
            ),
            (Anyone, Client, "Go to the hep C appointment the GP books"),
        ],
        GoalDomain::PhysicalHealth if goal.contains("dentist") || goal.contains("teeth") => &[
            (Anyone, Client, "Ring the dentist to register"),
            (Anyone, KeyWorker, "Find a dentist taking on NHS patients"),
            (Anyone, OtherAgency, "The dentist to offer a check-up"),
        ],
        GoalDomain::PhysicalHealth => &[
            (Anyone, Client, "Book an appointment at the GP"),
            (Anyone, OtherAgency, "GP practice to offer a health check"),
            (
                Anyone,
                KeyWorker,
                "Write to the GP with the client's consent",
            ),
        ],
        GoalDomain::MentalHealth => &[
            (
                Anyone,
                Client,
                "Self-refer to the talking therapies service",
            ),
            (
                Anyone,
                KeyWorker,
                "Ring the GP practice with the client about low mood",
            ),
            (
                Anyone,
                OtherAgency,
                "The talking therapies service to offer an assessment",
            ),
        ],
        GoalDomain::Housing => &[
            (Anyone, KeyWorker, "Ring the housing office with the client"),
            (Anyone, Client, "Fill in the housing register form"),
            (
                Anyone,
                OtherAgency,
                "The housing officer to visit about the tenancy",
            ),
        ],
        GoalDomain::Ete => &[
            (Anyone, Client, "Fill in the college application"),
            (
                Anyone,
                KeyWorker,
                "Book a session with the employment adviser",
            ),
            (
                Anyone,
                OtherAgency,
                "The employment adviser to go through job search",
            ),
        ],
        GoalDomain::Family => &[
            (Anyone, KeyWorker, "Refer to the family support service"),
            (
                Anyone,
                Client,
                "Write a letter to the family member to send",
            ),
        ],
        GoalDomain::MoneyDebt => &[
            (Anyone, KeyWorker, "Refer to the benefits advice service"),
            (
                Anyone,
                Client,
                "List the debts and bring the letters to the debt adviser",
            ),
            (
                Anyone,
                OtherAgency,
                "The debt adviser to set up a payment plan",
            ),
        ],
        GoalDomain::OffendingLegal => &[
            (
                Anyone,
                Client,
                "Take the appointment letter to the probation officer",
            ),
            (Anyone, Client, "Ring the solicitor about the court date"),
            (
                Anyone,
                OtherAgency,
                "The probation officer to fit appointments around treatment",
            ),
        ],
        GoalDomain::MutualAid => &[
            (Anyone, Client, "Look up local mutual-aid meetings"),
            (
                Anyone,
                OtherAgency,
                "Peer mentor to go to the first meeting with the client",
            ),
        ],
        GoalDomain::Exit => &[
            (
                Ost,
                KeyWorker,
                "Arrange a three-way meeting with the prescriber",
            ),
            (Anyone, Client, "Write the exit plan with the key worker"),
            (Anyone, Client, "Look up local mutual-aid meetings"),
            (
                Anyone,
                KeyWorker,
                "Introduce the client to a mutual-aid meeting",
            ),
        ],
    }
}
