//! Scenario clients: named, clearly fictional clients whose whole record (sessions, readiness,
//! TOPs, prescriptions, goals) tells one story each, the same in every generated service, so a
//! trainer can teach from them by name. They are showcase clients too (module `showcase` builds
//! them), and take the first showcase places: KW-00001, KW-00003, ... KW-00013.

/// One scenario: its number, the client's fixed name, and the story their record tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    pub number: u8,
    pub given_name: &'static str,
    pub family_name: &'static str,
    /// One line, shown on the client's record in demo mode after "Scenario: ".
    pub story: &'static str,
}

/// The scenarios, in number order.
pub const SCENARIOS: [Scenario; 7] = [
    Scenario {
        number: 1,
        given_name: "Jamie",
        family_name: "Fieldfare",
        story: "new to OST, first month, daily supervised",
    },
    Scenario {
        number: 2,
        given_name: "Priya",
        family_name: "Lapwing",
        story: "off heroin by six months, heading to a planned exit",
    },
    Scenario {
        number: 3,
        given_name: "Paul",
        family_name: "Hawthorn",
        story: "stable in medication-assisted recovery",
    },
    Scenario {
        number: 4,
        given_name: "Dean",
        family_name: "Bramble",
        story: "parked: long on OST, no care-plan review, no exit plan",
    },
    Scenario {
        number: 5,
        given_name: "Kirsty",
        family_name: "Gorse",
        story: "relapsed after detox, back to contemplation",
    },
    Scenario {
        number: 6,
        given_name: "Wayne",
        family_name: "Dunnock",
        story: "released from prison: high overdose risk, no naloxone",
    },
    Scenario {
        number: 7,
        given_name: "Gemma",
        family_name: "Clover",
        story: "alcohol only, with a family goal",
    },
];

impl Scenario {
    /// The service reference this scenario's client has in every generated service.
    pub fn reference(self) -> crate::domain::ServiceRef {
        crate::domain::ServiceRef::from_number(super::showcase_number(usize::from(self.number - 1)))
    }
}

/// The scenarios as the help lists them, one a line.
pub fn help_lines() -> String {
    let mut out = String::from("Scenario clients (keywork --demo --scenarios):\n");
    for s in SCENARIOS {
        out.push_str(&format!(
            "  {} {} {}: {}\n",
            s.reference(),
            s.given_name,
            s.family_name,
            s.story
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_are_numbered_in_order_with_distinct_references() {
        for (i, s) in SCENARIOS.iter().enumerate() {
            assert_eq!(usize::from(s.number), i + 1);
        }
        let mut references: Vec<_> = SCENARIOS.iter().map(|s| s.reference()).collect();
        references.dedup();
        assert_eq!(references.len(), SCENARIOS.len());
    }

    #[test]
    fn the_help_lists_each_scenario_within_80_columns() {
        let lines = help_lines();
        assert_eq!(lines.lines().count(), SCENARIOS.len() + 1);
        for line in lines.lines() {
            assert!(line.chars().count() <= 80, "{line}");
        }
    }
}
