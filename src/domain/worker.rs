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
