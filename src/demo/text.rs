//! Word lists for the demo service. Surnames are birds and plants so nobody mistakes a demo
//! client for a real one.

use super::fit::Fit::{self, Anyone, Injected, Opioid, Ost, Uses};
use crate::domain::{GoalDomain, HierarchyLevel, Stage, Substance};

pub const GIVEN_NAMES: &[&str] = &[
    "Aiden", "Amira", "Ben", "Bethany", "Callum", "Chloe", "Connor", "Danielle", "Darren", "Dean",
    "Ellie", "Gemma", "Grace", "Hannah", "Imran", "Jade", "Jamie", "Jason", "Kayleigh", "Kieran",
    "Kirsty", "Lee", "Leanne", "Liam", "Marcus", "Maria", "Mohammed", "Nadia", "Natalie", "Niamh",
    "Owen", "Paul", "Priya", "Reece", "Rhiannon", "Ryan", "Sean", "Shannon", "Stacey", "Tariq",
    "Tom", "Tyler", "Wayne", "Zoe",
];

pub const FAMILY_NAMES: &[&str] = &[
    "Alder",
    "Bramble",
    "Bunting",
    "Burdock",
    "Chaffinch",
    "Clover",
    "Corncrake",
    "Dunnock",
    "Fieldfare",
    "Foxglove",
    "Gorse",
    "Hawthorn",
    "Hazel",
    "Heron",
    "Kestrel",
    "Lapwing",
    "Linnet",
    "Mallow",
    "Merlin",
    "Nettle",
    "Nightjar",
    "Oriole",
    "Plover",
    "Redstart",
    "Rowan",
    "Sedge",
    "Siskin",
    "Sorrel",
    "Starling",
    "Tansy",
    "Teasel",
    "Thistle",
    "Twite",
    "Wagtail",
    "Whinchat",
    "Willow",
    "Woodlark",
    "Yarrow",
];

/// Short forms some clients prefer.
pub fn preferred_form(given: &str) -> Option<&'static str> {
    Some(match given {
        "Bethany" => "Beth",
        "Callum" => "Cal",
        "Danielle" => "Dani",
        "Mohammed" => "Mo",
        "Natalie" => "Nat",
        "Kayleigh" => "Kay",
        "Thomas" | "Tom" => "Tommy",
        "Rhiannon" => "Rhi",
        _ => return None,
    })
}

pub const GP_PRACTICES: &[&str] = &[
    "Dr Ellis, Millbrook Surgery",
    "Dr Nowak, Canal Street Practice",
    "Dr Adeyemi, Northgate Health Centre",
    "Dr Fraser, The Green Medical Practice",
];

/// What a client might say about change, by stage, each with whom it fits.
pub fn change_talk(stage: Stage) -> &'static [(Fit, &'static str)] {
    match stage {
        Stage::Precontemplation => &[
            (
                Anyone,
                "I don't see what the fuss is about, I've got it under control.",
            ),
            (Anyone, "I'm only here because probation said I had to be."),
            (Anyone, "Everyone round me uses, it's just normal."),
        ],
        Stage::Contemplation => &[
            (
                Anyone,
                "Part of me wants to stop, part of me can't imagine it.",
            ),
            (Anyone, "I'm tired of chasing it every single day."),
            (
                Anyone,
                "My mum keeps asking when I'll sort myself out. Maybe she's right.",
            ),
        ],
        Stage::Preparation => &[
            (Anyone, "I want to start cutting down after my birthday."),
            (
                Anyone,
                "I've told my sister I'm going to get clean this year.",
            ),
            (
                Ost,
                "If I could get the dose right I think I could stop using on top.",
            ),
        ],
        Stage::Action => &[
            (
                Ost,
                "Three weeks without using on top. First time in years.",
            ),
            (Anyone, "Three weeks without using. First time in years."),
            (Anyone, "I've been going to the Tuesday group and it helps."),
            (
                Anyone,
                "I threw my old number away so people can't ring me.",
            ),
        ],
        Stage::Maintenance => &[
            (
                Anyone,
                "I want to be there for my kids, properly this time.",
            ),
            (Anyone, "Work is keeping me busy and that's what I need."),
            (Anyone, "I still think about it but I know what to do now."),
        ],
        Stage::Relapse => &[
            (Anyone, "I slipped after the funeral. I'm gutted."),
            (Anyone, "Bumped into old mates and it all went from there."),
            (
                Anyone,
                "I used at the weekend but I came straight back here.",
            ),
        ],
    }
}

/// Opening lines of a session note, by stage, each with whom it fits.
pub fn session_opening(stage: Stage) -> &'static [(Fit, &'static str)] {
    match stage {
        Stage::Precontemplation => &[
            (
                Anyone,
                "Client attended on time. Reluctant to talk about use; engaged more on housing.",
            ),
            (
                Anyone,
                "Brief session. Client says use is not a problem; explored pros and cons without pushing.",
            ),
        ],
        Stage::Contemplation => &[
            (
                Anyone,
                "Explored ambivalence about reducing. Client weighed up what use costs against what it gives.",
            ),
            (
                Ost,
                "Discussed what a week without using on top might look like. Client unsure but curious.",
            ),
            (
                Anyone,
                "Talked about what a week with less use might look like. Client unsure but curious.",
            ),
        ],
        Stage::Preparation => &[
            (
                Anyone,
                "Planned a start date for reduction with client. Identified triggers: weekends and payday.",
            ),
            (
                Anyone,
                "Agreed small steps towards the goal. Client keen to try mutual aid.",
            ),
        ],
        Stage::Action => &[
            (
                Ost,
                "Client reports no use on top since last session. Urine screen consistent.",
            ),
            (
                Anyone,
                "Reviewed coping strategies that worked this fortnight. Confidence growing.",
            ),
        ],
        Stage::Maintenance => &[
            (
                Anyone,
                "Client stable and well. Talked about the exit plan and what support looks like after.",
            ),
            (
                Anyone,
                "Good session. Client volunteering two days a week; discussed next steps with employment.",
            ),
        ],
        Stage::Relapse => &[
            (
                Anyone,
                "Client disclosed a lapse at the weekend. Non-judgemental review of what happened.",
            ),
            (
                Ost,
                "Client used on top three times since last session. Revisited overdose risk and naloxone.",
            ),
        ],
    }
}

pub const SESSION_FOLLOW_UPS: &[(Fit, &str)] = &[
    (Ost, "Reminded client about the pharmacy pick-up times."),
    (Opioid, "Checked naloxone kit is in date."),
    (Anyone, "Client to bring tenancy letter next time."),
    (
        Anyone,
        "Discussed sleep; client to try the routine we agreed.",
    ),
    (
        Anyone,
        "Agreed to ring the housing officer together next week.",
    ),
    (
        Anyone,
        "Client mentioned debts; offered referral to benefits advice.",
    ),
    (Ost, "Talked through safe storage of medication at home."),
    (
        Anyone,
        "Client wants to reconnect with family; explored how.",
    ),
    (
        Injected,
        "Talked about injecting-site care; needle exchange opening times given.",
    ),
];

pub const DNA_NOTES: &[(Fit, &str)] = &[
    (Anyone, "Did not attend. Phoned, no answer; text sent."),
    (
        Ost,
        "No show. Pharmacy confirms client collected yesterday.",
    ),
    (
        Anyone,
        "Did not attend. Letter sent offering new appointment.",
    ),
    (Anyone, ""),
];

/// A goal in a client's own words, by domain (and hierarchy level for substance use), each with
/// whom it fits; every list has words for anyone.
pub fn goal_words(
    domain: GoalDomain,
    level: Option<HierarchyLevel>,
) -> &'static [(Fit, &'static str)] {
    match (domain, level) {
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::AbstinenceAll)) => &[
            (
                Ost,
                "Be completely drug free, including my script, by next summer.",
            ),
            (Anyone, "Be completely drug free by next summer."),
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::AbstinenceMain)) => &[
            (Ost, "Stop using heroin on top of my script."),
            (
                Uses(Substance::Crack),
                "No crack at all, not even at weekends.",
            ),
            (Anyone, "Stop using my main drug altogether."),
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::ControlledUse)) => &[
            (
                Uses(Substance::Alcohol),
                "Only drink at weekends and no more than four cans.",
            ),
            (Uses(Substance::Cannabis), "Keep cannabis to evenings only."),
            (Anyone, "Only use at weekends, and less each time."),
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::IndirectHarms)) => &[
            (Anyone, "Stop getting into trouble when I've been using."),
            (Anyone, "Keep my flat even when things are bad."),
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
            (Anyone, "Sort out my teeth."),
        ],
        (GoalDomain::PhysicalHealth, _) => &[
            (Injected, "Get my hep C treated."),
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
            (Anyone, "Stay out of trouble."),
        ],
        (GoalDomain::MutualAid, _) => &[
            (Anyone, "Go to an SMART Recovery meeting each week."),
            (Anyone, "Help out at the recovery cafe."),
        ],
        (GoalDomain::Exit, _) => &[
            (Anyone, "Finish treatment and have a plan for after."),
            (Ost, "Reduce my script to nothing at my own pace."),
            (
                Anyone,
                "Be discharged with support from the recovery community.",
            ),
        ],
    }
}

pub const CANCELLED_NOTES: &[&str] = &[
    "Client rang to cancel; rebooked for next week.",
    "Cancelled: client at a hospital appointment.",
    "Cancelled by the service (worker off sick); client told and rebooked.",
];

pub const WHY_IT_MATTERS: &[&str] = &[
    "For my kids.",
    "I want my life back.",
    "So I can hold my head up.",
    "Because I'm fed up of being ill.",
];

/// Steps towards a goal, by the goal's domain: an action belongs to the goal it serves.
pub fn action_steps(domain: GoalDomain) -> &'static [(Fit, &'static str)] {
    match domain {
        GoalDomain::SubstanceUse => &[
            (Anyone, "Write down cravings in the diary"),
            (Anyone, "Go to the Tuesday group"),
            (Ost, "Arrange a three-way meeting with the prescriber"),
            (Injected, "Visit the needle exchange for a site check"),
        ],
        GoalDomain::PhysicalHealth => &[
            (Anyone, "Book an appointment at the GP"),
            (Anyone, "Ring the dentist to register"),
        ],
        GoalDomain::MentalHealth => &[
            (Anyone, "Book an appointment at the GP about low mood"),
            (Anyone, "Self-refer to the talking therapies service"),
        ],
        GoalDomain::Housing => &[
            (Anyone, "Ring the housing office"),
            (Anyone, "Fill in the housing register form"),
        ],
        GoalDomain::Ete => &[
            (Anyone, "Fill in the college application"),
            (Anyone, "Book a session with the employment adviser"),
        ],
        GoalDomain::Family => &[
            (Anyone, "Ring the family support service"),
            (Anyone, "Write a letter to the family member to send"),
        ],
        GoalDomain::MoneyDebt => &[
            (Anyone, "Refer to the benefits advice service"),
            (
                Anyone,
                "List the debts and bring the letters to the debt adviser",
            ),
        ],
        GoalDomain::OffendingLegal => &[
            (
                Anyone,
                "Take the appointment letter to the probation officer",
            ),
            (Anyone, "Ring the solicitor about the court date"),
        ],
        GoalDomain::MutualAid => &[
            (Anyone, "Look up local mutual-aid meetings"),
            (Anyone, "Go to a meeting with the peer mentor"),
        ],
        GoalDomain::Exit => &[
            (Ost, "Arrange a three-way meeting with the prescriber"),
            (Anyone, "Write the exit plan with the key worker"),
            (Anyone, "Look up local mutual-aid meetings"),
        ],
    }
}
