use super::{DomainError, Name};
use serde::{Deserialize, Serialize};

code_enum! {
    /// What a worker may do; a trainer's login is read-only.
    pub enum Role {
        KeyWorker = ("key_worker", "Key worker"),
        Prescriber = ("prescriber", "Prescriber"),
        TeamLead = ("team_lead", "Team lead"),
        ReadOnly = ("read_only", "Read-only / trainer"),
    }
}

/// An operating-system login name: workers reach the server over SSH, so the account that SSH
/// authenticated is who they are.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Login(String);

impl Login {
    pub fn new(login: impl Into<String>) -> Result<Self, DomainError> {
        let login = login.into();
        let valid_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        let valid = (1..=32).contains(&login.len())
            && !login.starts_with('-')
            && login.chars().all(valid_char);
        if valid {
            Ok(Self(login))
        } else {
            Err(DomainError::Login(login))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Login {
    type Error = DomainError;
    fn try_from(login: String) -> Result<Self, DomainError> {
        Self::new(login)
    }
}
impl From<Login> for String {
    fn from(login: Login) -> String {
        login.0
    }
}
impl std::fmt::Display for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Worker {
    pub login: Login,
    pub display_name: Name,
    pub role: Role,
}

impl Role {
    /// Prescribers and team leads look across the team first; key workers at their own clients.
    pub fn opens_on_team(self) -> bool {
        matches!(self, Role::Prescriber | Role::TeamLead)
    }

    /// Prescribers and team leads record prescriptions; a key worker reads them.
    pub fn may_prescribe(self) -> bool {
        matches!(self, Role::Prescriber | Role::TeamLead)
    }
}

/// Why a login may not change the record. Each says so in one line, with what to do where
/// there is something to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The login is not on the team list.
    NotOnTeam { login: Login },
    /// A read-only worker (trainer, auditor).
    ReadOnlyRole { login: Login },
    /// A worker who has left the team.
    Retired { login: Login, on: chrono::NaiveDate },
    /// `--read-only` for this run.
    ReadOnlyRun,
    /// `--today` on a real database: records and the audit must carry the real date.
    FixedClock,
    /// A change only a team lead may make.
    NotTeamLead { login: Login, role: Role },
    /// A prescription, which only prescribers and team leads record.
    NotPrescriber { login: Login, role: Role },
    /// SQLite reported the file damaged; nothing more is written this run.
    Damaged { detail: String },
}

impl Refusal {
    /// The command a team lead runs to put `login` on the team.
    pub fn add_command(login: &Login) -> String {
        format!("keywork worker add --login {login} --name \"Their Name\" --role key_worker")
    }
}

impl Refusal {
    /// Why, in words, without what follows from it.
    pub fn reason(&self) -> String {
        match self {
            Refusal::NotOnTeam { login } => format!("login {login} is not on the team list"),
            Refusal::ReadOnlyRole { login } => {
                format!(
                    "login {login} is read-only (trainer or auditor): it can look but not record"
                )
            }
            Refusal::Retired { login, on } => format!(
                "login {login} was retired from the team on {}, so it can no longer record",
                super::uk_date(*on)
            ),
            Refusal::ReadOnlyRun => "this run is read-only (--read-only)".to_owned(),
            Refusal::FixedClock => "--today is only for reading a real database: records and \
                                    the audit carry the real date"
                .to_owned(),
            Refusal::NotTeamLead { login, role } => format!(
                "only a team lead can do this; the role of login {login} is {}",
                role.label().to_lowercase()
            ),
            Refusal::NotPrescriber { login, role } => format!(
                "only prescribers and team leads record prescriptions; the role of login {login} \
                 is {}",
                role.label().to_lowercase()
            ),
            Refusal::Damaged { detail } => format!(
                "the database looks damaged ({detail}), so keywork has stopped writing to it"
            ),
        }
    }

    /// What to do about it, where there is something to do.
    pub fn remedy(&self) -> Option<String> {
        match self {
            Refusal::NotOnTeam { login } => Some(format!(
                "a team lead can add it with: {}",
                Refusal::add_command(login)
            )),
            Refusal::Damaged { .. } => {
                Some("run `keywork check` and restore from a backup".to_owned())
            }
            _ => None,
        }
    }

    /// The line the screens show while this run cannot record.
    pub fn notice(&self) -> String {
        let mut text = format!("Read-only: {}.", self.reason());
        if let Some(remedy) = self.remedy() {
            let mut chars = remedy.chars();
            if let Some(first) = chars.next() {
                // No full stop after it: it may end with a command to copy.
                text.push_str(&format!(" {}{}", first.to_uppercase(), chars.as_str()));
            }
        }
        text
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; nothing was changed", self.reason())?;
        match self.remedy() {
            Some(remedy) => write!(f, "; {remedy}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_follow_unix_user_name_rules() {
        assert!(Login::new("sam.okoro").is_ok());
        assert!(Login::new("").is_err());
        assert!(Login::new("-rf").is_err());
        assert!(Login::new("a b").is_err());
        assert!(Login::new("x".repeat(33)).is_err());
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>(), Ok(*role));
        }
        assert!("boss".parse::<Role>().is_err());
    }
}
