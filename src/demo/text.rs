//! Word lists for the demo service. Surnames are birds and plants so nobody mistakes a demo
//! client for a real one.

use crate::domain::{GoalDomain, HierarchyLevel, ReviewKind, Stage};

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

/// What a client might say about change, by stage.
pub fn change_talk(stage: Stage) -> &'static [&'static str] {
    match stage {
        Stage::Precontemplation => &[
            "I don't see what the fuss is about, I've got it under control.",
            "I'm only here because probation said I had to be.",
            "Everyone round me uses, it's just normal.",
        ],
        Stage::Contemplation => &[
            "Part of me wants to stop, part of me can't imagine it.",
            "I'm tired of chasing it every single day.",
            "My mum keeps asking when I'll sort myself out. Maybe she's right.",
        ],
        Stage::Preparation => &[
            "I want to start cutting down after my birthday.",
            "I've told my sister I'm going to get clean this year.",
            "If I could get the dose right I think I could stop using on top.",
        ],
        Stage::Action => &[
            "Three weeks without using on top. First time in years.",
            "I've been going to the Tuesday group and it helps.",
            "I threw my old number away so people can't ring me.",
        ],
        Stage::Maintenance => &[
            "I want to be there for my kids, properly this time.",
            "Work is keeping me busy and that's what I need.",
            "I still think about it but I know what to do now.",
        ],
        Stage::Relapse => &[
            "I slipped after the funeral. I'm gutted.",
            "Bumped into old mates and it all went from there.",
            "I used at the weekend but I came straight back here.",
        ],
    }
}

/// Opening lines of a session note, by stage.
pub fn session_opening(stage: Stage) -> &'static [&'static str] {
    match stage {
        Stage::Precontemplation => &[
            "Client attended on time. Reluctant to talk about use; engaged more on housing.",
            "Brief session. Client says use is not a problem; explored pros and cons without pushing.",
        ],
        Stage::Contemplation => &[
            "Explored ambivalence about reducing. Client weighed up what use costs against what it gives.",
            "Discussed what a week without using on top might look like. Client unsure but curious.",
        ],
        Stage::Preparation => &[
            "Planned a start date for reduction with client. Identified triggers: weekends and payday.",
            "Agreed small steps towards the goal. Client keen to try mutual aid.",
        ],
        Stage::Action => &[
            "Client reports no use on top since last session. Urine screen consistent.",
            "Reviewed coping strategies that worked this fortnight. Confidence growing.",
        ],
        Stage::Maintenance => &[
            "Client stable and well. Talked about the exit plan and what support looks like after.",
            "Good session. Client volunteering two days a week; discussed next steps with employment.",
        ],
        Stage::Relapse => &[
            "Client disclosed a lapse at the weekend. Non-judgemental review of what happened.",
            "Client used on top three times since last session. Revisited overdose risk and naloxone.",
        ],
    }
}

pub const SESSION_FOLLOW_UPS: &[&str] = &[
    "Reminded client about the pharmacy pick-up times.",
    "Checked naloxone kit is in date.",
    "Client to bring tenancy letter next time.",
    "Discussed sleep; client to try the routine we agreed.",
    "Agreed to ring the housing officer together next week.",
    "Client mentioned debts; offered referral to benefits advice.",
    "Talked through safe storage of medication at home.",
    "Client wants to reconnect with family; explored how.",
];

pub const DNA_NOTES: &[&str] = &[
    "Did not attend. Phoned, no answer; text sent.",
    "No show. Pharmacy confirms client collected yesterday.",
    "Did not attend. Letter sent offering new appointment.",
    "",
];

/// A goal in a client's own words, by domain (and hierarchy level for substance use).
pub fn goal_words(domain: GoalDomain, level: Option<HierarchyLevel>) -> &'static [&'static str] {
    match (domain, level) {
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::AbstinenceAll)) => {
            &["Be completely drug free, including my script, by next summer."]
        }
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::AbstinenceMain)) => &[
            "Stop using heroin on top of my script.",
            "No crack at all, not even at weekends.",
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::ControlledUse)) => &[
            "Only drink at weekends and no more than four cans.",
            "Keep cannabis to evenings only.",
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::IndirectHarms)) => &[
            "Stop getting into trouble when I've been using.",
            "Keep my flat even when things are bad.",
        ],
        (GoalDomain::SubstanceUse, Some(HierarchyLevel::RiskyBehaviour)) => &[
            "Never share works again.",
            "Always carry naloxone and never use alone.",
        ],
        (GoalDomain::SubstanceUse, _) => &[
            "Get my veins looked after so I stop getting abscesses.",
            "Sort out my teeth.",
        ],
        (GoalDomain::PhysicalHealth, _) => &[
            "Get my hep C treated.",
            "Register with a dentist.",
            "Walk to the shops every day.",
        ],
        (GoalDomain::MentalHealth, _) => &[
            "Sleep through the night more often.",
            "Talk to someone about my anxiety.",
        ],
        (GoalDomain::Housing, _) => &[
            "Move out of the hostel into my own place.",
            "Keep up with my rent this year.",
        ],
        (GoalDomain::Ete, _) => &[
            "Get my forklift licence.",
            "Start the English course at the college.",
            "Find part-time work.",
        ],
        (GoalDomain::Family, _) => &[
            "See my daughter every weekend.",
            "Get back in touch with my brother.",
        ],
        (GoalDomain::MoneyDebt, _) => &[
            "Sort out my Universal Credit.",
            "Pay off the catalogue debt.",
        ],
        (GoalDomain::OffendingLegal, _) => &[
            "Finish my probation order without breaching.",
            "Stay out of trouble.",
        ],
        (GoalDomain::MutualAid, _) => &[
            "Go to an SMART Recovery meeting each week.",
            "Help out at the recovery cafe.",
        ],
        (GoalDomain::Exit, _) => &[
            "Finish treatment and have a plan for after.",
            "Reduce my script to nothing at my own pace.",
            "Be discharged with support from the recovery community.",
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

pub const ACTION_STEPS: &[&str] = &[
    "Ring the housing office",
    "Book an appointment at the GP",
    "Go to the Tuesday group",
    "Fill in the college application",
    "Write down cravings in the diary",
    "Refer to the benefits advice service",
    "Arrange a three-way meeting with the prescriber",
    "Look up local mutual-aid meetings",
];

/// What a completed review agreed, by kind.
pub fn review_outcomes(kind: ReviewKind) -> &'static [&'static str] {
    match kind {
        ReviewKind::CarePlan => &[
            "Plan reviewed with client; goals still fit. Next steps agreed.",
            "Two goals achieved and closed; client chose a new housing goal.",
            "Exit plan talked through: client wants to look again in three months.",
            "Progress scores agreed in session; actions carried over with new dates.",
            "Mutual aid goal added: client will try a SMART Recovery meeting.",
        ],
        ReviewKind::Prescribing => &[
            "Dose stable, no on-top use reported. Supervision relaxed to twice weekly.",
            "Discussed readiness to reduce; client wants to wait three months.",
            "Some on-top use reported; dose kept, supervision stays daily.",
            "Take-home doses continue; safe storage discussed, children in the home.",
            "Reduction of 5 mg agreed; review again in four weeks if unsettled.",
        ],
        ReviewKind::Outcomes => &["TOP completed with client."],
        ReviewKind::Risk => &[
            "Risks reviewed: naloxone held, no safeguarding concerns.",
            "Overdose risk discussed: not using alone, naloxone re-offered.",
            "Injecting site care and BBV testing discussed; needle exchange details given.",
            "Safeguarding plan unchanged; safe storage box seen on home visit.",
        ],
    }
}
