//! A client of the service and what the key worker must know at a glance.

use super::{DomainError, Name};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

code_enum! {
    pub enum ClientStatus {
        Active = ("active", "Active"),
        OnHold = ("on_hold", "On hold"),
        Discharged = ("discharged", "Discharged"),
        Transferred = ("transferred", "Transferred"),
    }
}

code_enum! {
    /// The main treatment the client receives.
    pub enum Modality {
        OstMethadone = ("ost_methadone", "OST methadone"),
        OstBuprenorphine = ("ost_buprenorphine", "OST buprenorphine"),
        LaiBuprenorphine = ("lai_buprenorphine", "Long-acting injectable buprenorphine"),
        HeroinAssisted = ("heroin_assisted", "Heroin-assisted treatment (diamorphine)"),
        Psychosocial = ("psychosocial", "Psychosocial only"),
        Detox = ("detox", "Detox"),
        Alcohol = ("alcohol", "Alcohol treatment"),
    }
}

impl Modality {
    /// Opioid substitution treatment, which must be reviewed by a prescriber regularly.
    pub fn is_ost(self) -> bool {
        matches!(
            self,
            Self::OstMethadone
                | Self::OstBuprenorphine
                | Self::LaiBuprenorphine
                | Self::HeroinAssisted
        )
    }

    /// A short form for narrow table columns.
    pub fn short(self) -> &'static str {
        match self {
            Self::OstMethadone => "Methadone",
            Self::OstBuprenorphine => "Bupe",
            Self::LaiBuprenorphine => "LAI bupe",
            Self::HeroinAssisted => "HAT",
            Self::Psychosocial => "Psychosoc",
            Self::Detox => "Detox",
            Self::Alcohol => "Alcohol",
        }
    }
}

code_enum! {
    pub enum Substance {
        Heroin = ("heroin", "Heroin / illicit opiates"),
        Crack = ("crack", "Crack cocaine"),
        Cocaine = ("cocaine", "Cocaine powder"),
        Alcohol = ("alcohol", "Alcohol"),
        Cannabis = ("cannabis", "Cannabis"),
        Benzodiazepines = ("benzodiazepines", "Benzodiazepines"),
        Amphetamines = ("amphetamines", "Amphetamines"),
        Ketamine = ("ketamine", "Ketamine"),
        SyntheticCannabinoids = ("synthetic_cannabinoids", "Synthetic cannabinoids"),
        Gabapentinoids = ("gabapentinoids", "Gabapentinoids"),
        // Dependence on opioid medicines prescribed to the client (codeine, tramadol and the like);
        // non-prescribed opioids are illicit opiates, as the TOP counts them.
        PrescribedOpioids = ("prescribed_opioids", "Prescribed opioid medicines"),
        Other = ("other", "Other"),
    }
}

code_enum! {
    pub enum InjectingStatus {
        Never = ("never", "Never injected"),
        Previously = ("previously", "Previously injected"),
        Currently = ("currently", "Currently injecting"),
        Declined = ("declined", "Declined to say"),
    }
}

code_enum! {
    pub enum HepBStatus {
        NotStarted = ("not_started", "Not started"),
        InProgress = ("in_progress", "Course in progress"),
        Completed = ("completed", "Course completed"),
        Immune = ("immune", "Immune"),
        Declined = ("declined", "Declined"),
    }
}

/// A 10-digit NHS number whose last digit passes the Modulus 11 check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber(String);

impl NhsNumber {
    /// Accepts the number with or without the usual spaces (`943 476 5919`).
    pub fn new(text: &str) -> Result<Self, DomainError> {
        let digits: String = text.chars().filter(|c| *c != ' ').collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::NhsNumberFormat(text.to_owned()));
        }
        let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        if Self::check_digit(&values[..9]) != Some(values[9]) {
            return Err(DomainError::NhsNumberCheckDigit(digits));
        }
        Ok(Self(digits))
    }

    /// The Modulus 11 check digit of the first nine digits; `None` when the remainder makes 10,
    /// which no valid NHS number has.
    pub fn check_digit(first_nine: &[u32]) -> Option<u32> {
        let sum: u32 = first_nine
            .iter()
            .zip((2..=10).rev())
            .map(|(d, w)| d * w)
            .sum();
        match 11 - sum % 11 {
            11 => Some(0),
            10 => None,
            digit => Some(digit),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = DomainError;
    fn try_from(text: String) -> Result<Self, DomainError> {
        Self::new(&text)
    }
}
impl From<NhsNumber> for String {
    fn from(n: NhsNumber) -> String {
        n.0
    }
}
impl std::fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

/// The service's own reference for a client, `KW-` and at least five digits (`KW-00042`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceRef(String);

impl ServiceRef {
    pub fn new(text: &str) -> Result<Self, DomainError> {
        let text = text.trim().to_ascii_uppercase();
        let digits = text.strip_prefix("KW-").unwrap_or("");
        if digits.len() >= 5 && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(text))
        } else {
            Err(DomainError::ServiceRef(text))
        }
    }

    pub fn from_number(number: u32) -> Self {
        Self(format!("KW-{number:05}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ServiceRef {
    type Error = DomainError;
    fn try_from(text: String) -> Result<Self, DomainError> {
        Self::new(&text)
    }
}
impl From<ServiceRef> for String {
    fn from(r: ServiceRef) -> String {
        r.0
    }
}
impl std::fmt::Display for ServiceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The safety flags a worker must see before anything else.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RiskFlags {
    pub overdose_risk: bool,
    pub naloxone_held: bool,
    pub naloxone_supplied_on: Option<NaiveDate>,
    pub safeguarding_children: bool,
    /// Date of the latest release from prison; recent releases carry the highest overdose risk.
    pub prison_release_on: Option<NaiveDate>,
    pub hep_b: Option<HepBStatus>,
    pub hep_c_tested_on: Option<NaiveDate>,
    pub hiv_tested_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Client {
    pub reference: ServiceRef,
    pub given_name: Name,
    pub family_name: Name,
    pub preferred_name: Option<Name>,
    pub date_of_birth: NaiveDate,
    pub nhs_number: Option<NhsNumber>,
    pub key_worker_id: i64,
    pub status: ClientStatus,
    pub referral_date: NaiveDate,
    pub treatment_start: Option<NaiveDate>,
    pub primary_substance: Substance,
    pub other_substances: BTreeSet<Substance>,
    pub injecting: InjectingStatus,
    pub modality: Modality,
    /// The GP or prescriber sharing care, by name.
    pub shared_care: Option<Name>,
    pub risk: RiskFlags,
}

/// The dates the review and alert rules read, which the store keeps as a client's record changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Milestones {
    /// Since when the client has had their current status (for a discharge: its date).
    pub status_since: Option<NaiveDate>,
    /// Since when on the current modality (for OST: this medicine).
    pub modality_since: Option<NaiveDate>,
    /// Since when on OST without a break, whichever medicine; `None` when not on OST.
    pub ost_since: Option<NaiveDate>,
    /// The latest day a risk flag changed.
    pub risk_changed_on: Option<NaiveDate>,
}

impl Milestones {
    /// The milestones of a client first recorded today: they date from treatment start.
    pub fn at_start(client: &Client, today: NaiveDate) -> Self {
        let began = client
            .treatment_start
            .unwrap_or(client.referral_date)
            .min(today);
        Self {
            status_since: Some(began),
            modality_since: Some(began),
            ost_since: client.modality.is_ost().then_some(began),
            risk_changed_on: None,
        }
    }

    /// The milestones after `old` became `new` today. Switching between OST medicines keeps the
    /// OST start; leaving OST clears it.
    pub fn after_change(self, old: &Client, new: &Client, today: NaiveDate) -> Self {
        let mut next = self;
        if old.status != new.status {
            next.status_since = Some(today);
        }
        if old.modality != new.modality {
            next.modality_since = Some(today);
            next.ost_since = match (old.modality.is_ost(), new.modality.is_ost()) {
                (_, false) => None,
                (true, true) => self.ost_since.or(Some(today)),
                (false, true) => Some(today),
            };
        }
        if old.risk_flags_differ(new) {
            next.risk_changed_on = Some(today);
        }
        next
    }
}

/// The earliest date of birth accepted: anything before is a typing slip.
pub fn earliest_date_of_birth() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date")
}

impl Client {
    /// The name to greet the client by.
    pub fn known_as(&self) -> &Name {
        self.preferred_name.as_ref().unwrap_or(&self.given_name)
    }

    /// Days since treatment started, if it has.
    pub fn days_in_treatment(&self, today: NaiveDate) -> Option<i64> {
        self.treatment_start
            .map(|start| (today - start).num_days().max(0))
    }

    /// Whether a flag the risk review covers differs: overdose risk, naloxone, safeguarding,
    /// injecting. A release from prison is its own event with its own date.
    pub fn risk_flags_differ(&self, other: &Client) -> bool {
        let (a, b) = (&self.risk, &other.risk);
        a.overdose_risk != b.overdose_risk
            || a.naloxone_held != b.naloxone_held
            || a.safeguarding_children != b.safeguarding_children
            || self.injecting != other.injecting
    }

    /// Heroin or other opioids among the client's substances.
    pub fn uses_opioids(&self) -> bool {
        [Substance::Heroin, Substance::PrescribedOpioids]
            .iter()
            .any(|s| self.primary_substance == *s || self.other_substances.contains(s))
    }

    pub fn age(&self, today: NaiveDate) -> i32 {
        let mut age = today.year() - self.date_of_birth.year();
        if today.ordinal()
            < self
                .date_of_birth
                .with_year(today.year())
                .map_or(0, |d| d.ordinal())
        {
            age -= 1;
        }
        age
    }

    /// Rules across fields, and those that need today's date.
    pub fn validate(&self, today: NaiveDate) -> Result<(), DomainError> {
        let rule = |msg: &str| Err(DomainError::Rule(msg.to_owned()));
        if self.date_of_birth > today {
            return rule("date of birth is in the future");
        }
        if self.date_of_birth < earliest_date_of_birth() {
            return rule("date of birth is before 1900");
        }
        if self.referral_date < self.date_of_birth {
            return rule("referral date is before the date of birth");
        }
        if self
            .treatment_start
            .is_some_and(|start| start < self.referral_date)
        {
            return rule("treatment start is before the referral date");
        }
        if self.other_substances.contains(&self.primary_substance) {
            return rule("the primary substance is also listed among the other substances");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_nhs_number_is_accepted_with_or_without_spaces() {
        assert_eq!(
            NhsNumber::new("943 476 5919").unwrap().as_str(),
            "9434765919"
        );
        assert_eq!(
            NhsNumber::new("9434765919").unwrap().to_string(),
            "943 476 5919"
        );
    }

    #[test]
    fn nhs_number_with_wrong_check_digit_is_refused() {
        assert_eq!(
            NhsNumber::new("9434765918"),
            Err(DomainError::NhsNumberCheckDigit("9434765918".into()))
        );
    }

    #[test]
    fn nhs_number_whose_check_would_be_ten_is_refused() {
        // Weighted sum 6 x 2 = 12 leaves remainder 1, so the check value is 10: no valid number.
        assert_eq!(NhsNumber::check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 6]), None);
        assert!(NhsNumber::new("0000000060").is_err());
    }

    #[test]
    fn nhs_number_must_be_ten_digits() {
        assert!(matches!(
            NhsNumber::new("12345"),
            Err(DomainError::NhsNumberFormat(_))
        ));
        assert!(matches!(
            NhsNumber::new("94347659a9"),
            Err(DomainError::NhsNumberFormat(_))
        ));
    }

    #[test]
    fn service_reference_is_normalised_and_checked() {
        assert_eq!(ServiceRef::new(" kw-00042 ").unwrap().as_str(), "KW-00042");
        assert!(ServiceRef::new("KW-42").is_err());
        assert!(ServiceRef::new("XX-00042").is_err());
        assert_eq!(ServiceRef::from_number(42).as_str(), "KW-00042");
    }

    fn sample(modality: Modality) -> Client {
        Client {
            reference: ServiceRef::from_number(1),
            given_name: Name::new("Jo").unwrap(),
            family_name: Name::new("Wren").unwrap(),
            preferred_name: None,
            date_of_birth: NaiveDate::from_ymd_opt(1985, 6, 15).unwrap(),
            nhs_number: None,
            key_worker_id: 1,
            status: ClientStatus::Active,
            referral_date: NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
            treatment_start: Some(NaiveDate::from_ymd_opt(2024, 1, 8).unwrap()),
            primary_substance: Substance::Heroin,
            other_substances: BTreeSet::new(),
            injecting: InjectingStatus::Never,
            modality,
            shared_care: None,
            risk: RiskFlags::default(),
        }
    }

    #[test]
    fn milestones_follow_each_kind_of_change() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let start = d(1, 5);
        let today = d(11, 23);
        let on_ost = Milestones {
            status_since: Some(start),
            modality_since: Some(start),
            ost_since: Some(start),
            risk_changed_on: None,
        };
        let methadone = sample(Modality::OstMethadone);
        let change = |f: fn(&mut Client)| {
            let mut new = methadone.clone();
            f(&mut new);
            on_ost.after_change(&methadone, &new, today)
        };
        // (what changed, expected milestones)
        let cases: [(&str, Milestones); 6] = [
            ("nothing", change(|_| {})),
            (
                "a name",
                change(|c| c.preferred_name = Some(Name::new("Joey").unwrap())),
            ),
            (
                "OST medicine",
                change(|c| c.modality = Modality::OstBuprenorphine),
            ),
            ("off OST", change(|c| c.modality = Modality::Psychosocial)),
            ("a risk flag", change(|c| c.risk.overdose_risk = true)),
            ("status", change(|c| c.status = ClientStatus::Discharged)),
        ];
        let expected = [
            on_ost,
            on_ost,
            Milestones {
                modality_since: Some(today),
                ..on_ost
            },
            Milestones {
                modality_since: Some(today),
                ost_since: None,
                ..on_ost
            },
            Milestones {
                risk_changed_on: Some(today),
                ..on_ost
            },
            Milestones {
                status_since: Some(today),
                ..on_ost
            },
        ];
        for ((what, got), want) in cases.iter().zip(expected) {
            assert_eq!(*got, want, "after a change of {what}");
        }
        let psychosocial = sample(Modality::Psychosocial);
        let off = Milestones {
            ost_since: None,
            ..on_ost
        };
        let onto = off.after_change(&psychosocial, &methadone, today);
        assert_eq!(
            onto.ost_since,
            Some(today),
            "starting OST starts the OST clock"
        );
    }

    #[test]
    fn a_new_clients_milestones_date_from_treatment_start() {
        let client = sample(Modality::OstMethadone);
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let m = Milestones::at_start(&client, today);
        assert_eq!(m.ost_since, client.treatment_start);
        assert_eq!(m.status_since, client.treatment_start);
        assert_eq!(
            Milestones::at_start(&sample(Modality::Alcohol), today).ost_since,
            None
        );
    }
}
