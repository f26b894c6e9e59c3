//! Moving accounts in and out: imports from other apps and Kunci backups, exports.

use super::Kunci;
use crate::backup::{self, BackupAccount, Format, ImportOutcome};
use crate::error::KunciError;
use crate::vault::OnConflict;
use zeroize::Zeroizing;

/// Export formats the vault can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ExportFormat {
    /// Kunci's encrypted backup (needs a password).
    Kunci,
    /// Plain otpauth URIs, one per line: NOT encrypted.
    Uris,
    /// Aegis JSON; encrypted when a password is given.
    Aegis,
    /// Google Authenticator export URIs (one QR code each, at most 10 accounts).
    GoogleUris,
    /// 2FAS `.2fas` backup; encrypted when a password is given.
    TwoFas,
}

impl Kunci {
    /// Imports a file: duplicates (same issuer, name and secret) are skipped, refusals reported.
    pub fn import(
        &self,
        bytes: &[u8],
        format: Option<Format>,
        password: Option<&str>,
    ) -> Result<ImportOutcome, KunciError> {
        let options = backup::ImportOptions::with_password(password);
        Ok(self.import_files(&[bytes], format, &options)?.1)
    }

    /// Imports one or several files (several QR pictures of one Google export are read
    /// together); returns the formats found, for the user to see.
    pub fn import_files(
        &self,
        files: &[&[u8]],
        format: Option<Format>,
        options: &backup::ImportOptions<'_>,
    ) -> Result<(Vec<Format>, ImportOutcome), KunciError> {
        let (formats, batch) = backup::import_files(files, format, options)?;
        let existing = self.vault.list()?.accounts;
        let outcome = batch.split(|issuer, name, secret| {
            existing.iter().any(|a| {
                a.issuer.eq_ignore_ascii_case(issuer)
                    && a.name.eq_ignore_ascii_case(name)
                    && a.params.secret == *secret
            })
        });
        let mut outcome = outcome;
        let mut drafts = Vec::with_capacity(outcome.added.len());
        let mut kept = Vec::with_capacity(outcome.added.len());
        for b in std::mem::take(&mut outcome.added) {
            let draft = b.content.clone();
            // The vault's rules (labels without control or direction characters, lengths)
            // refuse one entry, not the whole file (issue 17, finding 6).
            match crate::vault::check_draft(&draft) {
                Ok(()) => {
                    drafts.push(draft);
                    kept.push(b);
                }
                Err(e) => outcome.refused.push(backup::RefusedEntry {
                    index: usize::try_from(b.position).unwrap_or(0),
                    label: b.label().escape_debug().to_string(),
                    reason: e.to_string(),
                }),
            }
        }
        outcome.added = kept;
        // Same issuer and name but another secret: a second account, not a silent replace.
        self.vault
            .add_all(drafts, OnConflict::KeepBoth, self.stamp())?;
        Ok((formats, outcome))
    }

    /// The vault's accounts in the neutral backup model, in list order.
    pub fn backup_accounts(&self) -> Result<Vec<BackupAccount>, KunciError> {
        let list = self.vault.list()?;
        if let Some(f) = list.failures.first() {
            // An export that silently misses a tampered account would be a lossy backup.
            return Err(KunciError::from(f.error.clone()));
        }
        Ok(list
            .accounts
            .into_iter()
            .map(|a| BackupAccount {
                content: a.content,
                position: a.position,
            })
            .collect())
    }

    /// One account's `otpauth://` QR code as a PNG (a per-account transfer screen: FreeOTP and
    /// other apps that only scan). Not encrypted: the picture holds the secret.
    pub fn account_qr_png(
        &self,
        id: i64,
        module_px: u32,
    ) -> Result<Zeroizing<Vec<u8>>, KunciError> {
        let a = self.account(id)?;
        Ok(crate::enroll::qr::render_account_png(
            &a.issuer, &a.name, &a.params, module_px,
        )?)
    }

    /// Every account's `otpauth://` QR code as a PNG, in list order (`kunci export --format
    /// qr`). Like every export, refuses when an account cannot be read.
    pub fn account_qr_pngs(&self, module_px: u32) -> Result<Vec<Zeroizing<Vec<u8>>>, KunciError> {
        self.backup_accounts()?
            .iter()
            .map(|a| {
                crate::enroll::qr::render_account_png(&a.issuer, &a.name, &a.params, module_px)
                    .map_err(KunciError::from)
            })
            .collect()
    }

    /// Writes an export. Text formats come back as UTF-8 bytes (Google: one URI per line).
    pub fn export(
        &self,
        format: ExportFormat,
        password: Option<&str>,
        kdf: &backup::KdfParams,
    ) -> Result<Zeroizing<Vec<u8>>, KunciError> {
        // An empty password encrypts with a key anyone can derive (issue 17, finding 3).
        if password.is_some_and(str::is_empty) {
            return Err(KunciError::InvalidInput {
                detail: "The export password must not be empty.".into(),
            });
        }
        let accounts = self.backup_accounts()?;
        let need_password = || {
            password.ok_or_else(|| KunciError::PasswordRequired {
                detail: "An encrypted backup needs a password.".into(),
            })
        };
        Ok(match format {
            ExportFormat::Kunci => {
                Zeroizing::new(backup::write_backup(&accounts, need_password()?, kdf)?)
            }
            ExportFormat::Uris => {
                if password.is_some() {
                    return Err(KunciError::invalid(
                        "A URI list cannot be encrypted; use the kunci or aegis format for an encrypted export.",
                    ));
                }
                Zeroizing::new(backup::export_uris(&accounts).as_bytes().to_vec())
            }
            ExportFormat::Aegis => match password {
                Some(pw) => Zeroizing::new(backup::export_aegis_encrypted(
                    &accounts,
                    pw,
                    &backup::AegisKdf::default(),
                )?),
                None => backup::export_aegis(&accounts)?,
            },
            ExportFormat::TwoFas => backup::export_2fas(&accounts, password)?,
            ExportFormat::GoogleUris => google_uris(&accounts)?,
        })
    }
}

/// Google export URIs, one per line; an account Google cannot hold refuses the whole export.
fn google_uris(accounts: &[BackupAccount]) -> Result<Zeroizing<Vec<u8>>, KunciError> {
    let export = backup::export_google(accounts, google_batch_id(accounts))?;
    if let Some(skipped) = export.skipped.first() {
        return Err(KunciError::NotExportable {
            detail: format!(
                "{} cannot be exported to Google Authenticator: {}",
                skipped.label, skipped.reason
            ),
        });
    }
    let mut text = Zeroizing::new(Vec::new());
    for uri in &export.uris {
        text.extend_from_slice(uri.as_bytes());
        text.push(b'\n');
    }
    Ok(text)
}

/// Google's batch id only has to be the same across the QR codes of one export; derive it from
/// the content so exporting twice gives the same codes (no clock, no randomness needed).
fn google_batch_id(accounts: &[BackupAccount]) -> i32 {
    let mut h: u32 = 0x811c_9dc5;
    for a in accounts {
        for b in a.issuer.bytes().chain(a.name.bytes()) {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
    }
    (h & 0x7fff_ffff) as i32
}
