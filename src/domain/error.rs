use thiserror::Error;

/// Why a value was refused. Messages are written for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("{what} must not be blank")]
    Blank { what: &'static str },
    #[error("{what} is too long: {len} characters, the limit is {max}")]
    TooLong {
        what: &'static str,
        len: usize,
        max: usize,
    },
    #[error("'{value}' is not a valid {what}; expected one of: {expected}")]
    UnknownCode {
        what: &'static str,
        value: String,
        expected: String,
    },
    #[error("NHS number must be 10 digits, got '{0}'")]
    NhsNumberFormat(String),
    #[error("NHS number {0} fails the Modulus 11 check digit")]
    NhsNumberCheckDigit(String),
    #[error("service reference must look like KW-00042, got '{0}'")]
    ServiceRef(String),
    #[error("login '{0}' is not a valid user name (letters, digits, '.', '_' or '-', up to 32)")]
    Login(String),
    #[error("{what} must be between {min} and {max}, got {value}")]
    OutOfRange {
        what: &'static str,
        min: i64,
        max: i64,
        value: i64,
    },
    #[error("{0}")]
    Rule(String),
}
