//! `VaultError`: what went wrong with the vault, in words a user can act on.
//!
//! No variant carries secret material: ids, counts and fixed reasons only. SQLite's own messages
//! are kept (they name tables and constraints, never bound values).

use crate::otp::OtpError;

/// Failure reported by a platform key store behind [`super::KeyWrapper`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyWrapperError {
    /// The key store is not usable right now (device locked, user not authenticated).
    #[error("the platform key store is not available: {reason}")]
    Unavailable { reason: String },
    /// The platform key is gone (app reinstalled, biometrics changed); this slot cannot open.
    #[error("the platform key was invalidated: {reason}")]
    KeyInvalidated { reason: String },
    #[error("the platform key store failed: {reason}")]
    Failed { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The passphrase (or the key a platform slot returned) does not open this vault.
    #[error("the passphrase is wrong")]
    WrongPassphrase,
    /// An account row does not open with the vault key: edited, swapped or moved outside Kunci.
    #[error("account {id} was altered outside Kunci and cannot be read")]
    TamperedRecord { id: i64 },
    /// A settings entry does not open with the vault key.
    #[error("the stored setting {key:?} was altered outside Kunci and cannot be read")]
    TamperedSetting { key: String },
    /// Torn, truncated or not a vault at all. Nothing was written to the file.
    #[error("the vault file is damaged: {reason}")]
    Corrupted { reason: String },
    #[error(
        "the vault was written by a newer version of Kunci (schema {found}, this version reads up to {supported}); update the app"
    )]
    NewerSchema { found: u32, supported: u32 },
    #[error("an account with this issuer and name already exists (id {existing_id})")]
    Duplicate { existing_id: i64 },
    #[error("there is no account with id {id}")]
    NotFound { id: i64 },
    #[error("there is no key slot with id {id}")]
    SlotNotFound { id: i64 },
    #[error("the vault has no platform key slot")]
    NoPlatformSlot,
    #[error("the vault is locked; unlock it first")]
    Locked,
    /// Another process held the file longer than the busy timeout.
    #[error("the vault is busy in another process; try again")]
    Busy,
    #[error(transparent)]
    KeyWrapper(#[from] KeyWrapperError),
    #[error("this is the last way to open the vault; add another key slot before removing it")]
    LastSlot,
    #[error("there is no vault file at this path")]
    Missing,
    #[error("a vault already exists at this path")]
    AlreadyExists,
    #[error("the account's code settings are invalid: {0}")]
    InvalidParams(#[from] OtpError),
    #[error("invalid input: {reason}")]
    InvalidInput { reason: String },
    #[error("account {id} is not a counter-based (HOTP) account")]
    NotHotp { id: i64 },
    #[error("the key derivation settings are invalid: {reason}")]
    InvalidKdfParams { reason: String },
    #[error("could not read the vault file: {reason}")]
    Io { reason: String },
    #[error("storage error: {reason}")]
    Storage { reason: String },
}

impl From<rusqlite::Error> for VaultError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => VaultError::Busy,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => VaultError::Corrupted {
                reason: e.to_string(),
            },
            _ => VaultError::Storage {
                reason: e.to_string(),
            },
        }
    }
}

impl From<std::io::Error> for VaultError {
    fn from(e: std::io::Error) -> Self {
        VaultError::Io {
            reason: e.to_string(),
        }
    }
}
