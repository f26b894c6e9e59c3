//! Formats Kunci recognises but cannot open, so the user gets a sentence saying how to move the
//! accounts another way instead of "not a backup format".
//!
//! Authenticator Plus: its backup is a zip holding `Accounts.db`, an SQLCipher-encrypted SQLite
//! database. Opening it needs SQLCipher, a second SQLite build beside the bundled one the vault
//! uses; no kept pure-Rust crate opens SQLCipher files on Android and iOS, and two SQLite builds
//! in one library conflict. So it is refused with the way out the app itself offers.
//!
//! FreeOTP 2's `externalBackup.xml` (a Java-serialised map with PBKDF2-wrapped keys) is refused
//! the same way until its reader exists.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::{BackupError, Format, ImportBatch};

pub(crate) struct AuthenticatorPlus;

static PLUS: FormatInfo = FormatInfo {
    format: Format::AuthenticatorPlus,
    name: "authenticator-plus",
    aliases: &["authplus"],
    title: "Authenticator Plus backup (.zip with an SQLCipher database): recognised, not read",
    keeps: "nothing: the file is refused with how to export another way",
    cannot: "the SQLCipher-encrypted database (would need a second SQLite build on the phones)",
};

impl Importer for AuthenticatorPlus {
    fn info(&self) -> &'static FormatInfo {
        &PLUS
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.bytes.starts_with(b"PK\x03\x04")
            && file
                .bytes
                .windows(b"Accounts.db".len())
                .take(4096)
                .any(|w| w == b"Accounts.db")
    }
    fn read(
        &self,
        _bytes: &[u8],
        _options: &ImportOptions<'_>,
    ) -> Result<ImportBatch, BackupError> {
        Err(BackupError::Unsupported {
            reason: "Authenticator Plus backups are encrypted databases Kunci cannot open; in Authenticator Plus, export the accounts as text (otpauth:// links) and import that file, or show each account's QR code and scan it".into(),
        })
    }
}

pub(crate) struct FreeOtp2;

static FREEOTP2: FormatInfo = FormatInfo {
    format: Format::FreeOtp2,
    name: "freeotp2",
    aliases: &["freeotp-backup", "externalbackup"],
    title: "FreeOTP 2 encrypted backup (externalBackup.xml, Java serialisation): recognised, not read yet",
    keeps: "nothing yet: the file is refused with how to move the accounts",
    cannot: "the encrypted backup itself (reader not written yet)",
};

impl Importer for FreeOtp2 {
    fn info(&self) -> &'static FormatInfo {
        &FREEOTP2
    }
    /// Java serialisation's magic, then a map holding FreeOTP's `masterKey`.
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.bytes.starts_with(&[0xac, 0xed, 0x00, 0x05])
            && file
                .bytes
                .windows(b"masterKey".len())
                .any(|w| w == b"masterKey")
    }
    fn read(
        &self,
        _bytes: &[u8],
        _options: &ImportOptions<'_>,
    ) -> Result<ImportBatch, BackupError> {
        Err(BackupError::Unsupported {
            reason: "FreeOTP 2's encrypted backup cannot be read yet; in FreeOTP, open each account's QR code (Share → QR code) and scan it with Kunci".into(),
        })
    }
}
