//! `Kunci`: the product's use cases over one open vault and its trusted clock.
//!
//! The CLI calls this directly; the UniFFI `Authenticator` is a thin wrapper that converts its
//! results into records. Time comes from the `TrustedClock` (or a caller-given estimate); nothing
//! here reads a clock.

use crate::backup::{self, BackupAccount, Format, ImportOutcome};
use crate::enroll::qr::QrPayload;
use crate::enroll::{parse_payload, BatchInfo, Enrollment, Payload};
use crate::error::KunciError;
use crate::otp::CodeView;
use crate::time::{
    uncertainty_near_step, BootClock, HttpsDate, PlatformError, SyncConfig, SyncReport,
    TimeEstimate, TimeState, TimeStore, TrustedClock, WallClock,
};
use crate::vault::{Account, AccountDraft, OnConflict, RowFailure, Vault};
use std::sync::Arc;
use zeroize::Zeroizing;

/// Where the trusted-time state lives inside the vault (sealed like every setting).
pub const TIME_STATE_KEY: &str = "time.state";

/// The trusted-time state stored in the vault, so the anchor survives restarts and is sealed.
pub struct VaultTimeStore {
    vault: Arc<Vault>,
}

impl VaultTimeStore {
    pub fn new(vault: Arc<Vault>) -> Self {
        VaultTimeStore { vault }
    }
}

impl TimeStore for VaultTimeStore {
    fn load(&self) -> Option<TimeState> {
        self.load_checked().ok().flatten()
    }

    fn load_checked(&self) -> Result<Option<TimeState>, crate::time::TimeError> {
        let damaged = |reason: String| crate::time::TimeError::CorruptState { reason };
        match self.vault.get_blob(TIME_STATE_KEY) {
            Ok(Some(bytes)) => TimeState::from_bytes(&bytes).map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(damaged(e.to_string())),
        }
    }

    fn mark(&self) -> Option<i64> {
        self.vault.time_mark().ok().flatten()
    }

    fn set_mark(&self, utc_ms: i64) -> Result<(), PlatformError> {
        self.vault
            .set_time_mark(utc_ms)
            .map_err(|e| PlatformError::Failed {
                reason: e.to_string(),
            })
    }

    fn save(&self, state: &TimeState) -> Result<(), PlatformError> {
        let bytes = Zeroizing::new(state.to_bytes());
        self.vault
            .put_blob(TIME_STATE_KEY, &bytes)
            .map_err(|e| PlatformError::Failed {
                reason: e.to_string(),
            })
    }
}

/// What an enrollment added, and what the user should know about it.
#[derive(Debug, Clone, Default)]
pub struct EnrollOutcome {
    pub added: Vec<Account>,
    /// What the parser fixed ("the secret had spaces ...").
    pub warnings: Vec<String>,
    /// For a Google export: which QR code of how many this was.
    pub batch: Option<BatchInfo>,
    /// Export entries that could not be used: (label, reason).
    pub refused: Vec<(String, String)>,
}

/// One account's codes at one instant.
#[derive(Debug, Clone)]
pub struct AccountCode {
    pub account: Account,
    pub view: CodeView,
}

/// Everything a code list screen shows.
#[derive(Debug, Clone)]
pub struct CodeSheet {
    pub time: TimeEstimate,
    pub codes: Vec<AccountCode>,
    /// Rows that could not be opened (tampered); the rest are shown.
    pub unreadable: Vec<RowFailure>,
    /// True when the time is uncertain enough that some code may be off by a step.
    pub time_warning: bool,
}

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

pub struct Kunci {
    vault: Arc<Vault>,
    clock: TrustedClock,
}

impl Kunci {
    pub fn new(
        vault: Vault,
        boot: Arc<dyn BootClock>,
        wall: Arc<dyn WallClock>,
        config: SyncConfig,
        https: Option<Arc<dyn HttpsDate>>,
    ) -> Self {
        let vault = Arc::new(vault);
        let store = Arc::new(VaultTimeStore::new(vault.clone()));
        let mut clock = TrustedClock::new(boot, wall, store, config);
        if let Some(https) = https {
            clock = clock.with_https(https);
        }
        Kunci { vault, clock }
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    pub fn clock(&self) -> &TrustedClock {
        &self.clock
    }

    pub fn now(&self) -> TimeEstimate {
        self.clock.now()
    }

    /// Seconds for the vault's created/updated stamps: the trusted time, not the raw wall clock.
    fn stamp(&self) -> i64 {
        self.now().unix_seconds()
    }

    /// Enrolls an otpauth URI or every account of a Google export.
    pub fn enroll_text(
        &self,
        text: &str,
        on_conflict: OnConflict,
    ) -> Result<EnrollOutcome, KunciError> {
        let (enrollments, batch, refused) = match parse_payload(text)? {
            Payload::Single(e) => (vec![e], None, Vec::new()),
            Payload::Migration(m) => (
                m.accounts,
                Some(m.batch),
                m.refused
                    .into_iter()
                    .map(|(_, label, err)| (label, err.to_string()))
                    .collect(),
            ),
        };
        let warnings = enrollments
            .iter()
            .flat_map(|e| e.warnings.iter().map(|w| w.to_string()))
            .collect();
        let drafts = enrollments.into_iter().map(draft_of).collect();
        let added = self.vault.add_all(drafts, on_conflict, self.stamp())?;
        Ok(EnrollOutcome {
            added,
            warnings,
            batch,
            refused,
        })
    }

    /// Enrolls from decoded QR payloads: the first one that is an authenticator code wins
    /// (a screenshot may also show unrelated codes).
    pub fn enroll_payloads(
        &self,
        payloads: &[QrPayload],
        on_conflict: OnConflict,
    ) -> Result<EnrollOutcome, KunciError> {
        let mut first_error = None;
        for text in payloads.iter().filter_map(|p| p.text.as_deref()) {
            match self.enroll_text(text, on_conflict) {
                Ok(outcome) => return Ok(outcome),
                Err(e @ KunciError::DuplicateAccount { .. }) => return Err(e),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| KunciError::NotAQrCode {
            detail: "The QR code does not hold an authenticator code.".into(),
        }))
    }

    /// All codes at the trusted time (or `at`, for QA and tests).
    pub fn codes(&self, at: Option<TimeEstimate>) -> Result<CodeSheet, KunciError> {
        let time = at.unwrap_or_else(|| self.now());
        let list = self.vault.list()?;
        let unix = u64::try_from(time.unix_seconds()).unwrap_or(0);
        let mut codes = Vec::with_capacity(list.accounts.len());
        let mut time_warning = false;
        for account in list.accounts {
            let view = account.params.view_at(unix)?;
            if account.params.kind.is_time_based() {
                time_warning |= uncertainty_near_step(&time, u64::from(account.params.period))
                    || (at.is_none() && crate::time::needs_warning(&time));
            }
            codes.push(AccountCode { account, view });
        }
        Ok(CodeSheet {
            time,
            codes,
            unreadable: list.failures,
            time_warning,
        })
    }

    /// HOTP "next code": the counter moves on (saved before anything is shown) and the code at
    /// the new counter is returned, which is also what `codes` shows from now on.
    pub fn next_hotp(&self, id: i64) -> Result<String, KunciError> {
        Ok(self.vault.next_hotp(id, self.stamp())?)
    }

    pub fn sync_time(&self, config: Option<&SyncConfig>) -> Result<SyncReport, KunciError> {
        let report = match config {
            Some(c) => self.clock.sync_with(c),
            None => self.clock.sync(),
        }?;
        Ok(report)
    }

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
            let draft = AccountDraft {
                issuer: b.issuer.clone(),
                name: b.name.clone(),
                params: b.params.clone(),
                notes: b.notes.clone(),
                group: b.group.clone(),
                icon: b.icon.clone(),
            };
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
                issuer: a.issuer,
                name: a.name,
                params: a.params,
                notes: a.notes,
                group: a.group,
                icon: a.icon,
                position: a.position,
            })
            .collect())
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
            ExportFormat::GoogleUris => {
                let export = backup::export_google(&accounts, google_batch_id(&accounts))?;
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
                text
            }
        })
    }
}

fn draft_of(e: Enrollment) -> AccountDraft {
    AccountDraft {
        issuer: e.issuer,
        name: e.name,
        params: e.params,
        notes: String::new(),
        group: None,
        icon: None,
    }
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
