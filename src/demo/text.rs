//! Word lists for the demo service. Surnames are birds and plants so nobody mistakes a demo
//! client for a real one.

use super::fit::Fit::{
    self, Anyone, Injected, NoScript, Opioid, OpioidNoScript, Ost, Pharmacy, ReduceScript,
    Stimulant, Uses,
};
use crate::domain::{Stage, Substance};

pub const GIVEN_NAMES: &[&str] = &[
    "Aiden", "Amira", "Ben", "Bethany", "Callum", "Chloe", "Connor", "Danielle", "Darren", "Dean",
    "Ellie", "Gemma", "Grace", "Hannah", "Imran", "Jade", "Jamie", "Jason", "Kayleigh", "Kieran",
    "Kirsty", "Lee", "Leanne", "Liam", "Marcus", "Maria", "Mohammed", "Nadia", "Natalie", "Niamh",
    "Owen", "Paul", "Priya", "Reece", "Rhiannon", "Ryan", "Sean", "Shannon", "Stacey", "Tariq",
    "Tom", "Tyler", "Wayne", "Zoe",
];

/// Family names drawn for ordinary clients. The scenario clients' own (`super::scenario`:
/// Fieldfare, Lapwing, Hawthorn, Bramble, Gorse, Dunnock, Clover) are left out, so a trainer's
/// search for a scenario client's surname finds that client alone, whatever the seed draws.
pub const FAMILY_NAMES: &[&str] = &[
    "Alder",
    "Bunting",
    "Burdock",
    "Chaffinch",
    "Corncrake",
    "Foxglove",
    "Hazel",
    "Heron",
    "Kestrel",
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

/// What a client might say about change, by stage, each with whom it fits: heroin slang
/// ("chasing it") only from someone using heroin, drinking talk only from someone who drinks.
/// No line speaks of getting "clean": the field's person-first language (see
/// /work/shared/domain.md, "client (not patient, not addict)") leaves labels out of the record.
/// Every stage has at least two lines for anyone, so a note need never repeat the last one.
pub fn change_talk(stage: Stage) -> &'static [(Fit, &'static str)] {
    match stage {
        Stage::Precontemplation => &[
            (
                Anyone,
                "I don't see what the fuss is about, I've got it under control.",
            ),
            (Anyone, "I'm only here because probation said I had to be."),
            (Anyone, "Everyone round me uses, it's just normal."),
            (
                Uses(Substance::Alcohol),
                "Everyone I know drinks like I do.",
            ),
            (Ost, "I just need my script sorted, the rest is fine."),
        ],
        Stage::Contemplation => &[
            (
                Anyone,
                "Part of me wants to stop, part of me can't imagine it.",
            ),
            (OpioidNoScript, "I'm tired of chasing it every single day."),
            (
                Uses(Substance::Alcohol),
                "I'm tired of waking up needing a drink.",
            ),
            (Stimulant, "The comedowns are getting worse every time."),
            (
                Ost,
                "The script keeps me steady, but I don't know what comes next.",
            ),
            (
                Anyone,
                "My mum keeps asking when I'll sort myself out. Maybe she's right.",
            ),
            (Anyone, "I know it's costing me more than it gives me now."),
        ],
        Stage::Preparation => &[
            (NoScript, "I want to start cutting down after my birthday."),
            (Anyone, "I've told my sister I'm going to stop this year."),
            (
                Ost,
                "If I could get the dose right I think I could stop using on top.",
            ),
            (
                Uses(Substance::Alcohol),
                "I've picked two days a week to have no drink at all.",
            ),
            (Anyone, "I've worked out which days are the risky ones."),
        ],
        Stage::Action => &[
            (
                Ost,
                "Three weeks without using on top. First time in years.",
            ),
            (NoScript, "Three weeks without using. First time in years."),
            (
                Uses(Substance::Alcohol),
                "Ten days without a drink and I'm sleeping better.",
            ),
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
            (
                ReduceScript,
                "I'd like to talk about bringing my dose down slowly.",
            ),
        ],
        Stage::Relapse => &[
            (Anyone, "I slipped after the funeral. I'm gutted."),
            (Anyone, "Bumped into old mates and it all went from there."),
            (
                Anyone,
                "I used at the weekend but I came straight back here.",
            ),
            (
                Uses(Substance::Alcohol),
                "I had a drink at the weekend and couldn't stop at one.",
            ),
        ],
    }
}

/// Opening lines of a later session's note, by stage, each with whom it fits. Talk of reducing
/// a script waits until the client on OST is stable ([`Fit::ReduceScript`]); for anyone else
/// the lines name what they cut down.
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
                NoScript,
                "Explored ambivalence about cutting down. Client weighed up what use costs against what it gives.",
            ),
            (
                Ost,
                "Explored ambivalence about using on top of the script. Client weighed up what it costs against what it gives.",
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
                NoScript,
                "Planned a start date for cutting down with client. Identified triggers: weekends and payday.",
            ),
            (
                Ost,
                "Planned the first week without using on top. Identified triggers: weekends and payday.",
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
                Uses(Substance::Alcohol),
                "Client kept to the drink-free days agreed. Talked through the one harder evening.",
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
            (
                ReduceScript,
                "Client stable on the script for months; talked about a slow reduction when ready, no date set.",
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
            (
                Uses(Substance::Alcohol),
                "Client drank heavily over two days. Talked through what led to it and how to stay safe.",
            ),
        ],
    }
}

/// The opening of a note on the client's return after a gap: two or more appointments missed or
/// cancelled since last seen (by either side, so the words blame no one).
pub const RETURN_NOTES: &[(Fit, &str)] = &[
    (
        Anyone,
        "First session after a gap of several weeks. Caught up on what has happened since and checked on risk.",
    ),
    (
        Anyone,
        "Seen again after a few weeks without a session. Went back over the plan and agreed the best day and time to meet.",
    ),
];

/// The opening of a note on the day the client left prison.
pub const RELEASE_NOTES: &[(Fit, &str)] = &[(
    Anyone,
    "Seen on the day of release from prison. Tolerance will be lower after time inside: talked about overdose risk and keeping to the plan agreed before release.",
)];

pub const SESSION_FOLLOW_UPS: &[(Fit, &str)] = &[
    (
        Pharmacy,
        "Reminded client about the pharmacy pick-up times.",
    ),
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
    (
        Pharmacy,
        "Talked through safe storage of medication at home.",
    ),
    (
        Anyone,
        "Client wants to reconnect with family; explored how.",
    ),
    (
        Injected,
        "Talked about injecting-site care; needle exchange opening times given.",
    ),
    (
        Uses(Substance::Alcohol),
        "Went through the drink diary: units down on last month.",
    ),
    (
        Stimulant,
        "Talked about planning the days after payday, when crack or cocaine use peaks.",
    ),
];

pub const DNA_NOTES: &[(Fit, &str)] = &[
    (Anyone, "Did not attend. Phoned, no answer; text sent."),
    (
        Pharmacy,
        "No show. Pharmacy confirms client collected yesterday.",
    ),
    (
        Anyone,
        "Did not attend. Letter sent offering new appointment.",
    ),
    (Anyone, ""),
];

/// A readiness check that found nothing changed, in two wordings that take turns.
pub const RECHECK_NOTES: [&str; 2] = [
    "Readiness checked again: no change.",
    "Went through the readiness scores again with the client: as before.",
];

/// A cancellation's note, by who cancelled: the client's reasons are the client's, the
/// service's the service's.
pub const CANCELLED_BY_CLIENT_NOTES: &[&str] = &[
    "Client rang to cancel; rebooked for next week.",
    "Cancelled: client at a hospital appointment.",
];
pub const CANCELLED_BY_SERVICE_NOTES: &[&str] = &[
    "Cancelled by the service (worker off sick); client told and rebooked.",
    "Cancelled by the service (clinic room flooded); client rang and rebooked.",
];
