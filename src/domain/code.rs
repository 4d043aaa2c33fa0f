//! Enumerations stored as short codes.

/// Declares an enum whose variants are stored and exported as stable snake_case codes and shown
/// to people with a label. The codes are what the schema's `CHECK (... IN (...))` lists hold.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $variant:ident = ($code:literal, $label:literal) ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( #[serde(rename = $code)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order (the order forms and legends show them in).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and the export.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The words a key worker reads.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::from_code(s.trim()).ok_or_else(|| $crate::domain::DomainError::UnknownCode {
                    what: stringify!($name),
                    value: s.to_owned(),
                    expected: Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", "),
                })
            }
        }
    };
}
