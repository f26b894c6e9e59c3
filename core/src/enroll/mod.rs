//! Enrollment: otpauth URIs, Google Authenticator migration payloads and QR images.
//!
//! Everything here takes untrusted text or bytes and returns a `Result`: a payload we cannot use is
//! a typed error with a reason a person can act on, never a panic.

pub mod migration;
pub mod qr;
pub mod uri;

use crate::otp::OtpParams;
use std::fmt;

pub use migration::{decode_migration, encode_migration, BatchInfo, MigrationImport};
pub use uri::{format_uri, parse_uri};

/// Longest payload we look at; a real otpauth URI is under 1 KiB, a Google export batch under 4 KiB.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// An account read from a payload, ready for the vault, with what the parser had to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    pub issuer: String,
    pub name: String,
    pub params: OtpParams,
    pub warnings: Vec<Warning>,
}

/// Something the parser accepted after fixing it, so the user can see it was not as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The base32 secret had spaces, lower case, dashes or padding; they were removed.
    SecretNormalized,
    /// `period=0` (or missing) was read as 30 seconds.
    PeriodDefaulted { given: String },
    /// The label's issuer prefix and the `issuer` parameter differ; the parameter wins.
    IssuerMismatch { label: String, parameter: String },
    /// An HOTP URI without `counter`: starting at 0.
    CounterDefaulted,
    /// A parameter appeared twice; the first one was used.
    DuplicateParameter { key: String },
    /// The secret is shorter than 128 bits (RFC 4226's minimum); it works, but is weak.
    ShortSecret { bits: usize },
    /// Steam codes are always 5 characters; another `digits` value was ignored.
    SteamDigitsIgnored { given: u32 },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::SecretNormalized => {
                f.write_str("the secret had spaces, lower case or padding; they were removed")
            }
            Warning::PeriodDefaulted { given } => {
                write!(f, "period \"{given}\" is not usable; using 30 seconds")
            }
            Warning::IssuerMismatch { label, parameter } => write!(
                f,
                "the label says issuer \"{label}\" but the issuer parameter says \"{parameter}\"; using \"{parameter}\""
            ),
            Warning::CounterDefaulted => f.write_str("no counter given; starting at 0"),
            Warning::DuplicateParameter { key } => {
                write!(f, "parameter \"{key}\" appears more than once; the first was used")
            }
            Warning::ShortSecret { bits } => write!(
                f,
                "the secret is only {bits} bits long (128 or more is recommended)"
            ),
            Warning::SteamDigitsIgnored { given } => {
                write!(f, "Steam codes have 5 characters; digits={given} was ignored")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrollError {
    #[error("this is not an authenticator code (it should start with otpauth:// or otpauth-migration://)")]
    NotOtpauth,
    #[error("the payload is too long ({len} bytes) to be an authenticator code")]
    TooLong { len: usize },
    #[error("the code type \"{kind}\" is not supported (use totp, hotp or steam)")]
    UnknownType { kind: String },
    #[error("the code has no secret")]
    MissingSecret,
    #[error("the secret is not valid base32: {reason}")]
    BadSecret { reason: String },
    #[error("the algorithm \"{name}\" is not supported (use SHA1, SHA256 or SHA512)")]
    UnknownAlgorithm { name: String },
    #[error("\"{key}\" must be a whole number in {min}..={max}, not \"{value}\"")]
    BadNumber {
        key: String,
        value: String,
        min: u64,
        max: u64,
    },
    #[error("the label is not valid: {reason}")]
    BadLabel { reason: String },
    #[error("{0}")]
    Otp(#[from] crate::otp::OtpError),
    #[error("the Google Authenticator export is damaged: {reason}")]
    BadMigration { reason: String },
    #[error("this account cannot be put in a Google Authenticator export: {reason}")]
    NotExportable { reason: String },
}

/// Any enrollment payload: an otpauth URI (one account) or a Google export (many).
/// Entries of an export that cannot be used are returned in the `MigrationImport` instead.
pub enum Payload {
    Single(Enrollment),
    Migration(MigrationImport),
}

/// Reads an enrollment payload from a QR code's text or a pasted line.
pub fn parse_payload(text: &str) -> Result<Payload, EnrollError> {
    let trimmed = text.trim();
    if starts_with_ignore_case(trimmed, "otpauth-migration:") {
        decode_migration(trimmed).map(Payload::Migration)
    } else {
        parse_uri(trimmed).map(Payload::Single)
    }
}

pub(crate) fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    // ok: the slice is taken only after the length check on its left.
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}
