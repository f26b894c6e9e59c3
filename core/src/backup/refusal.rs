//! Why one entry of another app's file is refused. The rest of the file is still read; the
//! reason is the sentence the import report shows for that entry ([`super::RefusedEntry`]).

use super::BackupError;
use crate::enroll::EnrollError;
use crate::otp::OtpError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    /// A field the entry needs is not there ("secret", "code type", "otpauth:// URI").
    #[error("the entry has no {0}")]
    Missing(&'static str),
    /// A kind of code Kunci does not make ("mOTP", "Yandex").
    #[error("{0} codes are not supported by Kunci")]
    Kind(&'static str),
    /// A code type the file names that Kunci does not know (cut to 16 characters).
    #[error("the code type \"{0}\" is not supported")]
    CodeType(String),
    #[error("the algorithm \"{0}\" is not supported (use SHA1, SHA256 or SHA512)")]
    Algorithm(String),
    #[error("codes of {0} digits are not supported (use 4 to 10)")]
    Digits(u64),
    #[error("a period of {0} seconds is not supported")]
    Period(u64),
    /// A number field holding something else (its name).
    #[error("the {0} is not a whole number")]
    NotANumber(String),
    /// A number field of a JSON entry holding something else (its key).
    #[error("\"{0}\" is not a whole number")]
    FieldNotANumber(String),
    /// The secret is there but unusable ("damaged", "not a list of bytes").
    #[error("the secret is {0}")]
    BadSecret(&'static str),
    #[error("secrets in base {0} are not supported")]
    SecretBase(u64),
    #[error("the entry is not valid JSON")]
    NotJson,
    /// FreeOTP 2: the token's settings, beside its wrapped key.
    #[error("the account's settings are missing or not valid JSON")]
    BadSettings,
    /// The entry's own encryption did not open with the file's password.
    #[error("the password did not open it")]
    WrongPassword,
    /// A CSV line the reader could not take apart (its reason).
    #[error("the line could not be read ({0})")]
    BadLine(String),
    #[error("the counter is at its maximum")]
    CounterAtMax,
    #[error("a Duo Push account has no codes to import")]
    DuoPush,
    /// The code parameters break a rule of the code generator.
    #[error(transparent)]
    Params(#[from] OtpError),
    /// The entry's otpauth URI or base32 secret does not parse.
    #[error(transparent)]
    Uri(#[from] EnrollError),
    /// A part of the entry is damaged (bad base64 or hex, a sub-file that does not open).
    #[error(transparent)]
    File(#[from] BackupError),
}

impl Refusal {
    /// [`Refusal::CodeType`] for any name, cut short: the text comes from the file.
    pub(crate) fn code_type(name: impl std::fmt::Display) -> Refusal {
        Refusal::CodeType(name.to_string().chars().take(16).collect())
    }
}
