//! A format Kunci recognises but cannot open, so the user gets a sentence saying how to move the
//! accounts another way instead of "not a backup format".
//!
//! Authenticator Plus: its backup is a zip holding `Accounts.db`, an SQLCipher-encrypted SQLite
//! database. Opening it needs SQLCipher, a second SQLite build beside the bundled one the vault
//! uses; no kept pure-Rust crate opens SQLCipher files on Android and iOS, and two SQLite builds
//! in one library conflict. So it is refused with the way out the app itself offers.

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
