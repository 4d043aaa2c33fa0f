//! Text that has been checked for blankness and length.

use super::DomainError;
use serde::{Deserialize, Serialize};

/// Longest note accepted, in characters: a few pages, far beyond a session note, small enough that
/// a stray paste of a log file is refused with a message rather than stored.
pub const NOTE_MAX_CHARS: usize = 20_000;
const NAME_MAX_CHARS: usize = 100;
const SHORT_MAX_CHARS: usize = 500;

fn check(what: &'static str, text: &str, max: usize, allow_blank: bool) -> Result<(), DomainError> {
    if !allow_blank && text.trim().is_empty() {
        return Err(DomainError::Blank { what });
    }
    let len = text.chars().count();
    if len > max {
        return Err(DomainError::TooLong { what, len, max });
    }
    Ok(())
}

macro_rules! checked_text {
    ($(#[$meta:meta])* $name:ident, $what:literal, $max:expr, allow_blank = $blank:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn new(text: impl Into<String>) -> Result<Self, DomainError> {
                let text = text.into();
                check($what, &text, $max, $blank)?;
                Ok(Self(text))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(text: String) -> Result<Self, DomainError> {
                Self::new(text)
            }
        }
        impl From<$name> for String {
            fn from(text: $name) -> String {
                text.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

checked_text!(
    /// A person's name or a short label: not blank, at most 100 characters.
    Name, "name", NAME_MAX_CHARS, allow_blank = false
);
checked_text!(
    /// A sentence or two (a goal in the client's words, an action step): not blank, at most 500.
    ShortText, "text", SHORT_MAX_CHARS, allow_blank = false
);
checked_text!(
    /// Free text of a note: may be empty, at most [`NOTE_MAX_CHARS`] characters.
    NoteText, "note", NOTE_MAX_CHARS, allow_blank = true
);

impl NoteText {
    pub fn empty() -> Self {
        Self(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_name_is_refused() {
        assert_eq!(Name::new("  "), Err(DomainError::Blank { what: "name" }));
    }

    #[test]
    fn overlong_note_reports_its_length() {
        let err = NoteText::new("x".repeat(NOTE_MAX_CHARS + 1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "note is too long: 20001 characters, the limit is 20000"
        );
    }

    #[test]
    fn note_limit_counts_characters_not_bytes() {
        assert!(NoteText::new("é".repeat(NOTE_MAX_CHARS)).is_ok());
    }
}
