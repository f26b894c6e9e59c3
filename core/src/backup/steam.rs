//! Steam Guard `.maFile`s (Steam Desktop Authenticator, and the Steam app's own `Steamguard-*`
//! file): one JSON object per account with `shared_secret` (base64) and `account_name`.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, b64_decode, str_of};
use super::Refusal;
use super::{collect, read_raw, BackupError, Entry, Format, ImportBatch, RawEntry};
use crate::otp::OtpKind;
use crate::secret::Secret;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::SteamMaFile,
    name: "steam",
    aliases: &["mafile", "steam-mafile", "sda"],
    title: "Steam Guard .maFile (Steam Desktop Authenticator, Steam app)",
    keeps: "the Steam code and the account name",
    cannot: "the revocation code and session (not needed for codes); encrypted SDA maFiles (turn encryption off in SDA first)",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.has_keys(&["shared_secret"])
    }
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let doc = match json::parse(bytes) {
            Ok(doc) => doc,
            // SDA's encrypted maFiles are base64 text, not JSON.
            Err(_) if std::str::from_utf8(bytes).is_ok_and(|t| !t.trim_start().starts_with('{')) => {
                return Err(BackupError::Unsupported {
                    reason: "this maFile is encrypted; turn encryption off in Steam Desktop Authenticator and import the file again".into(),
                })
            }
            Err(e) => return Err(e),
        };
        let name = str_of(&doc.0, "account_name").unwrap_or_default();
        let read = str_of(&doc.0, "shared_secret")
            .ok_or(Refusal::Missing("shared_secret"))
            .and_then(|s| b64_decode(s, "shared secret").map_err(Refusal::File))
            .and_then(|secret| {
                let raw = RawEntry {
                    kind: OtpKind::Steam,
                    algorithm: None,
                    digits: None,
                    period: None,
                    counter: None,
                };
                read_raw(&raw, Secret::from_slice(&secret))
            });
        Ok(collect([Entry::new(0, "Steam", name, read)]))
    }
}
