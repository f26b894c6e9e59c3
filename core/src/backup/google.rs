//! Google Authenticator's export: `otpauth-migration://` URIs (one per QR code), and writing
//! them in batches the app can scan.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::uris::import_lines;
use super::{damaged, ordered, BackupAccount, BackupError, Format, ImportBatch, RefusedEntry};
use crate::enroll::encode_migration;
use crate::enroll::migration::MAX_ACCOUNTS_PER_BATCH;
use crate::otp::{OtpKind, DEFAULT_PERIOD_SECONDS};
use zeroize::Zeroizing;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Google,
    name: "google",
    aliases: &["google-authenticator", "otpauth-migration"],
    title: "Google Authenticator export: otpauth-migration:// text, or its QR code pictures",
    keeps: "TOTP and HOTP with algorithm, 6 or 8 digits, counter; issuer, name; missing QR codes of a split export are named",
    cannot: "notes, groups, icons (the format has none); Google only exports 30-second codes",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.text.is_some_and(|t| {
            t.lines()
                .any(|l| crate::enroll::starts_with_ignore_case(l.trim(), "otpauth-migration:"))
        })
    }
    /// Text of URIs, or the export's QR code pictures (what `kunci export --format google-qr`
    /// writes).
    fn read(&self, bytes: &[u8], _options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        if crate::enroll::qr::is_picture(bytes) {
            return import_lines(&super::qr_image::uri_lines(bytes)?);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| damaged("it is not UTF-8 text"))?;
        import_lines(text)
    }
}

/// A Google Authenticator export: one URI per QR code, and the accounts it could not carry.
/// Debug shows counts only: the URIs hold the secrets (issue 17, finding 8).
#[derive(Default)]
pub struct GoogleExport {
    /// `otpauth-migration://` URIs of at most 10 accounts each, in list order.
    pub uris: Vec<Zeroizing<String>>,
    /// Accounts Google Authenticator cannot represent (Steam, periods other than 30 s, digits
    /// other than 6 or 8), left out with the reason.
    pub skipped: Vec<RefusedEntry>,
}

impl std::fmt::Debug for GoogleExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleExport")
            .field("uris", &format_args!("<{} redacted>", self.uris.len()))
            .field("skipped", &self.skipped)
            .finish()
    }
}

/// Writes accounts as Google Authenticator export URIs, at most 10 per URI (one QR code each).
/// Google's format carries issuer, name, secret, algorithm, 6 or 8 digits, TOTP at 30 s and HOTP
/// with its counter; every other account is listed in `skipped`, never silently changed.
pub fn export_google(
    accounts: &[BackupAccount],
    batch_id: i32,
) -> Result<GoogleExport, BackupError> {
    let mut export = GoogleExport::default();
    let mut kept = Vec::new();
    for (index, a) in ordered(accounts).into_iter().enumerate() {
        let p = &a.params;
        let reason = match p.kind {
            OtpKind::Steam => Some("Google Authenticator has no Steam codes".to_string()),
            OtpKind::Totp if p.period != DEFAULT_PERIOD_SECONDS => Some(format!(
                "Google Authenticator only has 30-second codes, this one changes every {} seconds",
                p.period
            )),
            _ if p.digits != 6 && p.digits != 8 => Some(format!(
                "Google Authenticator only has 6- or 8-digit codes, this one has {}",
                p.digits
            )),
            OtpKind::Hotp if i64::try_from(p.counter).is_err() => {
                Some("the counter is too large for Google Authenticator".to_string())
            }
            _ => None,
        };
        match reason {
            Some(reason) => export.skipped.push(RefusedEntry {
                index,
                label: a.label(),
                reason,
            }),
            None => kept.push((a.issuer.as_str(), a.name.as_str(), &a.params)),
        }
    }
    const { assert!(MAX_ACCOUNTS_PER_BATCH <= 10) };
    if !kept.is_empty() {
        export.uris = encode_migration(&kept, batch_id)
            .map_err(|e| BackupError::NotExportable {
                reason: e.to_string(),
            })?
            .into_iter()
            .map(Zeroizing::new)
            .collect();
    }
    Ok(export)
}
