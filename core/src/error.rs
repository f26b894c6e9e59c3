//! `KunciError`: the one public error, for the CLI and (through UniFFI) the apps.
//!
//! Each module has its own `thiserror` enum; this one groups their cases by what a user can do
//! about them. Every variant carries `detail`, the sentence to show: Kotlin and Swift do not see
//! Rust's `Display`, so the text travels as a field (never named `message`, which clashes with
//! `Throwable.message` in Kotlin). No variant carries secret material.

use crate::backup::BackupError;
use crate::enroll::qr::QrError;
use crate::enroll::EnrollError;
use crate::otp::OtpError;
use crate::time::{PlatformError, TimeError};
use crate::vault::{KeyWrapperError, VaultError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum KunciError {
    /// A URI, number or name that cannot be used; `detail` says why.
    #[error("{detail}")]
    InvalidInput { detail: String },
    /// The picture has no readable QR code, or its code is not an authenticator code.
    #[error("{detail}")]
    NotAQrCode { detail: String },
    /// The file or frame is not a picture we can read.
    #[error("{detail}")]
    UnreadableImage { detail: String },
    /// An account with this issuer and name exists: ask the user to replace it or keep both.
    #[error("{detail}")]
    DuplicateAccount { existing_id: i64, detail: String },
    #[error("{detail}")]
    WrongPassphrase { detail: String },
    /// An import or backup file is encrypted: ask for its password.
    #[error("{detail}")]
    PasswordRequired { detail: String },
    #[error("{detail}")]
    WrongPassword { detail: String },
    /// The vault file is damaged or not a vault; nothing was written to it.
    #[error("{detail}")]
    VaultDamaged { detail: String },
    /// One account was altered outside Kunci; the others are still readable.
    #[error("{detail}")]
    TamperedAccount { id: i64, detail: String },
    /// The vault was written by a newer Kunci: update the app.
    #[error("{detail}")]
    NewerVault {
        found: u32,
        supported: u32,
        detail: String,
    },
    #[error("{detail}")]
    NotFound { id: i64, detail: String },
    #[error("{detail}")]
    VaultMissing { detail: String },
    #[error("{detail}")]
    VaultExists { detail: String },
    #[error("{detail}")]
    Locked { detail: String },
    /// Another process holds the vault; try again.
    #[error("{detail}")]
    Busy { detail: String },
    /// The platform key store (Keystore / Keychain) failed or the key was invalidated.
    #[error("{detail}")]
    KeyUnavailable { detail: String },
    /// No time source answered, or none agreed.
    #[error("{detail}")]
    TimeSyncFailed { detail: String },
    /// The file format is unknown, damaged or unsupported.
    #[error("{detail}")]
    UnsupportedFile { detail: String },
    /// The export format cannot hold these accounts.
    #[error("{detail}")]
    NotExportable { detail: String },
    #[error("{detail}")]
    Io { detail: String },
    /// A bug or an unexpected platform failure.
    #[error("{detail}")]
    Internal { detail: String },
    /// Opening the file needs an expensive key derivation: ask the user, then import again
    /// with the costly derivation allowed.
    #[error("{detail}")]
    ConfirmationRequired { detail: String },
    /// The user cancelled a long import.
    #[error("{detail}")]
    Cancelled { detail: String },
}

impl KunciError {
    /// The sentence to show a user.
    pub fn detail(&self) -> String {
        self.to_string()
    }

    pub fn invalid(detail: impl std::fmt::Display) -> Self {
        KunciError::InvalidInput {
            detail: detail.to_string(),
        }
    }
}

impl From<OtpError> for KunciError {
    fn from(e: OtpError) -> Self {
        KunciError::invalid(e)
    }
}

impl From<EnrollError> for KunciError {
    fn from(e: EnrollError) -> Self {
        KunciError::invalid(e)
    }
}

impl From<QrError> for KunciError {
    fn from(e: QrError) -> Self {
        let detail = e.to_string();
        match e {
            QrError::NoQrCode => KunciError::NotAQrCode { detail },
            QrError::InvalidFrame { .. } => KunciError::InvalidInput { detail },
            QrError::RenderFailed { .. } => KunciError::InvalidInput { detail },
            QrError::UnreadableImage { .. } | QrError::ImageTooLarge { .. } => {
                KunciError::UnreadableImage { detail }
            }
        }
    }
}

impl From<VaultError> for KunciError {
    fn from(e: VaultError) -> Self {
        let detail = e.to_string();
        match e {
            VaultError::WrongPassphrase => KunciError::WrongPassphrase { detail },
            VaultError::TamperedRecord { id } => KunciError::TamperedAccount { id, detail },
            VaultError::TamperedSetting { .. } | VaultError::Corrupted { .. } => {
                KunciError::VaultDamaged { detail }
            }
            VaultError::NewerSchema { found, supported } => KunciError::NewerVault {
                found,
                supported,
                detail,
            },
            VaultError::Duplicate { existing_id } => KunciError::DuplicateAccount {
                existing_id,
                detail,
            },
            VaultError::NotFound { id } | VaultError::SlotNotFound { id } => {
                KunciError::NotFound { id, detail }
            }
            VaultError::Locked => KunciError::Locked { detail },
            VaultError::Busy => KunciError::Busy { detail },
            VaultError::KeyWrapper(_) | VaultError::NoPlatformSlot => {
                KunciError::KeyUnavailable { detail }
            }
            VaultError::Missing => KunciError::VaultMissing { detail },
            VaultError::AlreadyExists => KunciError::VaultExists { detail },
            VaultError::Io { .. } => KunciError::Io { detail },
            VaultError::LastSlot
            | VaultError::InvalidParams(_)
            | VaultError::InvalidInput { .. }
            | VaultError::NotHotp { .. }
            | VaultError::InvalidKdfParams { .. } => KunciError::InvalidInput { detail },
            VaultError::Storage { .. } => KunciError::Internal { detail },
        }
    }
}

impl From<BackupError> for KunciError {
    fn from(e: BackupError) -> Self {
        let detail = e.to_string();
        match e {
            BackupError::PasswordRequired => KunciError::PasswordRequired { detail },
            BackupError::WrongPassword => KunciError::WrongPassword { detail },
            BackupError::NotExportable { .. } => KunciError::NotExportable { detail },
            BackupError::VerifyFailed | BackupError::Crypto { .. } => {
                KunciError::Internal { detail }
            }
            BackupError::CostlyKdf { .. } => KunciError::ConfirmationRequired { detail },
            BackupError::Cancelled => KunciError::Cancelled { detail },
            _ => KunciError::UnsupportedFile { detail },
        }
    }
}

impl From<TimeError> for KunciError {
    fn from(e: TimeError) -> Self {
        let detail = e.to_string();
        match e {
            TimeError::BadAddress { .. } => KunciError::InvalidInput { detail },
            TimeError::Store { .. } | TimeError::CorruptState { .. } => {
                KunciError::Internal { detail }
            }
            _ => KunciError::TimeSyncFailed { detail },
        }
    }
}

impl From<KeyWrapperError> for KunciError {
    fn from(e: KeyWrapperError) -> Self {
        KunciError::KeyUnavailable {
            detail: e.to_string(),
        }
    }
}

impl From<PlatformError> for KunciError {
    fn from(e: PlatformError) -> Self {
        KunciError::Internal {
            detail: e.to_string(),
        }
    }
}

impl From<std::io::Error> for KunciError {
    fn from(e: std::io::Error) -> Self {
        KunciError::Io {
            detail: e.to_string(),
        }
    }
}

/// A foreign callback (Kotlin/Swift) that throws something we did not declare.
impl From<uniffi::UnexpectedUniFFICallbackError> for KunciError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        KunciError::Internal {
            detail: format!("the platform failed: {}", e.reason),
        }
    }
}
