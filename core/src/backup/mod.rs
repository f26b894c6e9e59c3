//! Backups: Kunci's own encrypted backup, importers for other authenticators' exports, and
//! exporters so nobody is locked in.
//!
//! This module works on a neutral in-memory model, [`BackupAccount`], and knows nothing of the
//! vault: the vault turns its rows into `BackupAccount`s to export, and decides which imported
//! accounts are new (see [`ImportBatch::split`]).
//!
//! Every format is one module implementing [`importer::Importer`], listed once in
//! [`registry::REGISTRY`]; [`import_with`] is the one entry point. Every importer reads untrusted
//! bytes. The rules: a file larger than [`MAX_FILE_BYTES`] is refused at the entry, before
//! parsing; every key derivation a file asks for goes through a per-file [`kdf`] budget so a
//! hostile file cannot hang or exhaust memory; one bad entry is refused with a reason and never
//! sinks the rest of the file; secrets are wiped after use and never appear in error text or
//! `Debug` output.

pub mod aegis;
pub mod andotp;
pub mod authy;
pub mod battlenet;
pub mod bitwarden;
pub mod duo;
pub mod ente;
pub mod freeotp;
pub mod freeotp2;
pub mod google;
mod importer;
pub mod kdf;
pub mod kunci;
pub mod proton;
pub mod qr_image;
pub mod refused;
pub mod registry;
pub mod sqlite;
pub mod steam;
pub mod stratum;
pub mod totp_authenticator;
pub mod twofas;
pub mod uris;

mod java_ser;
mod json;
mod prefs;
mod refusal;
mod report;

use crate::account::{embeds_content, AccountContent};
use crate::enroll::Warning;
use crate::otp::{HashAlgorithm, OtpKind, OtpParams};
use crate::secret::Secret;
pub(crate) use refusal::Refusal;
use std::fmt;

pub use aegis::{export_aegis, export_aegis_encrypted, AegisKdf};
pub use google::export_google;
pub use importer::{FormatInfo, ImportOptions};
pub use kdf::Cancel;
pub use kunci::{read_backup, write_backup, KdfParams};
pub use registry::formats;
pub use report::{ImportOutcome, ReportLine, ReportStatus};
pub use twofas::export_2fas;
pub use uris::{export_uris, EXPORT_WARNING};

/// Largest file any importer reads. Real exports of hundreds of accounts with icons are a few MiB.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Bounds on key-derivation parameters read from files: generous for every real export, far
/// below what would freeze a phone or exhaust its memory.
pub mod limits {
    /// scrypt N (Aegis writes 2^15).
    pub const SCRYPT_MAX_N: u64 = 1 << 20;
    pub const SCRYPT_MAX_R: u32 = 32;
    pub const SCRYPT_MAX_P: u32 = 16;
    /// scrypt memory is 128·N·r bytes; the same 1 GiB ceiling as Argon2.
    pub const SCRYPT_MAX_MEMORY_BYTES: u64 = 1 << 30;
    /// Argon2 memory in KiB (1 GiB; Ente's "sensitive" preset uses exactly this).
    pub const ARGON2_MAX_MEMORY_KIB: u32 = 1 << 20;
    pub const ARGON2_MAX_ITERATIONS: u32 = 64;
    pub const ARGON2_MAX_PARALLELISM: u32 = 16;
    pub const PBKDF2_MAX_ITERATIONS: u32 = 10_000_000;
}

/// An account as backups and other apps' exports carry it, independent of the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupAccount {
    /// Issuer, name, code parameters, notes, group and icon (read through: `account.issuer`).
    pub content: AccountContent,
    /// Order in the list, ascending.
    pub position: i64,
}

embeds_content!(BackupAccount);

impl BackupAccount {
    /// A plain account with no notes, group or icon.
    pub fn new(issuer: &str, name: &str, params: OtpParams, position: i64) -> Self {
        BackupAccount {
            content: AccountContent::new(issuer, name, params),
            position,
        }
    }

    /// `Issuer: name`, or just the name: how an entry is named in reports.
    pub fn label(&self) -> String {
        label(&self.issuer, &self.name)
    }
}

pub(crate) fn label(issuer: &str, name: &str) -> String {
    match (issuer.is_empty(), name.is_empty()) {
        (true, _) => name.to_string(),
        (false, true) => issuer.to_string(),
        (false, false) => format!("{issuer}: {name}"),
    }
}

/// An entry of a file that could not be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedEntry {
    /// Zero-based position of the entry in the file (or line number minus one for text).
    pub index: usize,
    /// Issuer and account name when they could be read; never the secret.
    pub label: String,
    /// A sentence a person can act on.
    pub reason: String,
}

/// Something worth telling the user about an import that did not stop it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportWarning {
    /// The parser fixed something in one entry.
    Entry {
        index: usize,
        label: String,
        warning: Warning,
    },
    /// A Google Authenticator export was spread over several QR codes and some are missing.
    MissingBatches {
        batch_id: i32,
        /// Zero-based indexes of the missing QR codes.
        missing: Vec<u32>,
        size: u32,
    },
    /// Part of an entry that Kunci cannot keep (an extra group, an icon it cannot read).
    Dropped {
        index: usize,
        label: String,
        what: String,
    },
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportWarning::Entry { label, warning, .. } => write!(f, "{label}: {warning}"),
            ImportWarning::MissingBatches { missing, size, .. } => {
                let shown: Vec<String> = missing
                    .iter()
                    .map(|i| (u64::from(*i) + 1).to_string())
                    .collect();
                write!(
                    f,
                    "this export was split into {size} QR codes; code(s) {} of {size} are missing, so their accounts were not imported",
                    shown.join(", ")
                )
            }
            ImportWarning::Dropped { label, what, .. } => write!(f, "{label}: {what}"),
        }
    }
}

/// What an importer read from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportBatch {
    pub accounts: Vec<BackupAccount>,
    pub refused: Vec<RefusedEntry>,
    pub warnings: Vec<ImportWarning>,
}

/// The file formats Kunci reads; `detect` picks one for `--format auto`. Names, aliases and
/// descriptions live in the registry table ([`formats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Kunci's own encrypted backup.
    Kunci,
    /// QR code pictures (PNG, JPEG, WebP): Google Authenticator's export, `otpauth://` codes.
    QrImage,
    /// Aegis vault export, plain or encrypted.
    Aegis,
    /// 2FAS `.2fas` backup, plain or encrypted.
    TwoFas,
    /// Google Authenticator export: `otpauth-migration://` URIs, one per line.
    Google,
    /// Ente Auth export: encrypted JSON, or the plain text list of URIs.
    Ente,
    /// A plain list of `otpauth://` URIs, one per line.
    Uris,
    /// FreeOTP+ JSON export.
    FreeOtpPlus,
    /// FreeOTP 1 / FreeOTP+ internal `tokens.xml`.
    FreeOtpXml,
    /// andOTP: plain JSON, encrypted (PBKDF2 header) or the old encrypted format.
    AndOtp,
    /// Bitwarden's CSV export (`login_totp` column).
    BitwardenCsv,
    /// Proton Authenticator's JSON export.
    Proton,
    /// Stratum / Authenticator Pro backups: plain JSON, encrypted, legacy encrypted.
    Stratum,
    /// Steam Desktop Authenticator / Steam app `.maFile`.
    SteamMaFile,
    /// Duo Mobile's `accounts.json`.
    Duo,
    /// Authy's tokens `shared_prefs` XML, plain or with a backups password.
    Authy,
    /// Battle.net Authenticator preferences XML.
    BattleNet,
    /// TOTP Authenticator: encrypted backup or internal preferences XML.
    TotpAuthenticator,
    /// Recognised and refused with a way out: Authenticator Plus.
    AuthenticatorPlus,
    /// FreeOTP 2's encrypted backup (`externalBackup.xml`, Java serialisation).
    FreeOtp2,
    /// WinAuth's text export of `otpauth://` URIs.
    WinAuth,
    /// An app's internal SQLite database: Google Authenticator, Microsoft Authenticator,
    /// Stratum / Authenticator Pro.
    GoogleDb,
    MicrosoftDb,
    StratumDb,
    /// Bitwarden unencrypted JSON export (`login.totp`).
    Bitwarden,
}

impl Format {
    /// Every format, in the registry's order.
    pub fn all() -> Vec<Format> {
        registry::REGISTRY.iter().map(|i| i.info().format).collect()
    }

    /// What the registry says about this format.
    pub fn info(self) -> FormatInfo {
        registry::importer(self)
            .map(|i| *i.info())
            .unwrap_or(FormatInfo {
                format: self,
                name: "unknown",
                aliases: &[],
                title: "unknown",
                keeps: "",
                cannot: "",
            })
    }

    /// The name the CLI's `--format` takes.
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// A format by its `--format` name or one of its aliases (case ignored).
    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.trim().to_ascii_lowercase();
        registry::REGISTRY.iter().map(|i| i.info()).find_map(|i| {
            (i.name == name || i.aliases.contains(&name.as_str())).then_some(i.format)
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    #[error(
        "the file is too large ({len} bytes) to be an authenticator backup; the limit is 16 MiB"
    )]
    TooLarge { len: usize },
    #[error("this file is not a backup format Kunci can read")]
    NotRecognized,
    #[error("the file holds no accounts")]
    NoAccounts,
    #[error("this backup is protected by a password; enter it to continue")]
    PasswordRequired,
    #[error("the password is not correct for this backup")]
    WrongPassword,
    #[error("the backup file is damaged or incomplete: {reason}")]
    Damaged { reason: String },
    #[error(
        "this {format} backup uses version {version}, which this version of Kunci cannot read"
    )]
    UnsupportedVersion {
        format: &'static str,
        version: String,
    },
    #[error("this backup asks for unsafe decryption settings ({reason}); it was not opened")]
    UnsafeParameters { reason: String },
    #[error("this backup type is not supported: {reason}")]
    Unsupported { reason: String },
    #[error("this account cannot be exported: {reason}")]
    NotExportable { reason: String },
    #[error("the backup could not be verified after writing it; nothing was saved")]
    VerifyFailed,
    #[error("encryption failed: {reason}")]
    Crypto { reason: String },
    #[error(
        "opening this backup needs {memory_mib} MiB of memory × {passes} passes, which can take a while and strain a phone; confirm to continue"
    )]
    CostlyKdf { memory_mib: u64, passes: u64 },
    #[error("the import was cancelled")]
    Cancelled,
}

pub(crate) fn damaged(reason: impl Into<String>) -> BackupError {
    BackupError::Damaged {
        reason: reason.into(),
    }
}

fn check_size(bytes: &[u8]) -> Result<(), BackupError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(BackupError::TooLarge { len: bytes.len() });
    }
    Ok(())
}

/// Looks at a file and says which format it is, or `None`. Cheap: no decryption.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    if bytes.len() > MAX_FILE_BYTES {
        return None;
    }
    let sniff = importer::Sniff::new(bytes);
    registry::REGISTRY
        .iter()
        .find(|i| i.detect(&sniff))
        .map(|i| i.info().format)
}

/// The one entry point: checks the size, detects the format when `format` is `None`, reads.
/// Returns the format read, so callers can name it. Encrypted input without a password gives
/// [`BackupError::PasswordRequired`], so the caller can ask for one and call again.
pub fn import_with(
    bytes: &[u8],
    format: Option<Format>,
    options: &ImportOptions<'_>,
) -> Result<(Format, ImportBatch), BackupError> {
    check_size(bytes)?;
    let format = match format {
        Some(f) => f,
        None => detect(bytes).ok_or(BackupError::NotRecognized)?,
    };
    let batch = registry::importer(format)?.read(bytes, options)?;
    Ok((format, batch))
}

/// Reads a file in the given format (see [`import_with`]).
pub fn import(
    bytes: &[u8],
    format: Format,
    password: Option<&str>,
) -> Result<ImportBatch, BackupError> {
    import_with(bytes, Some(format), &ImportOptions::with_password(password)).map(|(_, b)| b)
}

/// [`detect`] then [`import`]; a file of no known format is [`BackupError::NotRecognized`].
pub fn import_auto(bytes: &[u8], password: Option<&str>) -> Result<ImportBatch, BackupError> {
    import_with(bytes, None, &ImportOptions::with_password(password)).map(|(_, b)| b)
}

/// Several files imported as one: QR pictures and Google export text are read together, so an
/// export split over several QR codes is checked for missing codes across all of them; other
/// files are read one by one and their accounts appended. Returns the formats found, in order.
pub fn import_files(
    files: &[&[u8]],
    format: Option<Format>,
    options: &ImportOptions<'_>,
) -> Result<(Vec<Format>, ImportBatch), BackupError> {
    let mut found = Vec::new();
    let mut pictures: Vec<((i32, u32, usize), zeroize::Zeroizing<String>)> = Vec::new();
    let mut batch = ImportBatch::default();
    for bytes in files {
        check_size(bytes)?;
        let f = match format {
            Some(f) => f,
            None => detect(bytes).ok_or(BackupError::NotRecognized)?,
        };
        if !found.contains(&f) {
            found.push(f);
        }
        match f {
            Format::QrImage | Format::Google if files.len() > 1 => {
                let text = if crate::enroll::qr::is_picture(bytes) {
                    qr_image::uri_lines(bytes)?
                } else {
                    let t =
                        std::str::from_utf8(bytes).map_err(|_| damaged("it is not UTF-8 text"))?;
                    zeroize::Zeroizing::new(t.to_string())
                };
                pictures.push((batch_key(&text, pictures.len()), text));
            }
            _ => {
                let mut one = registry::importer(f)?.read(bytes, options)?;
                let base = batch.accounts.len();
                for (i, a) in one.accounts.iter_mut().enumerate() {
                    a.position = i64::try_from(base + i).unwrap_or(i64::MAX);
                }
                batch.accounts.append(&mut one.accounts);
                batch.refused.append(&mut one.refused);
                batch.warnings.append(&mut one.warnings);
            }
        }
    }
    // The QR codes of one export in their batch order, whatever order the files came in.
    pictures.sort_by_key(|(key, _)| *key);
    let mut lines = zeroize::Zeroizing::new(String::new());
    for (_, text) in &pictures {
        lines.push_str(text);
        lines.push('\n');
    }
    if !lines.trim().is_empty() {
        let mut one = uris::import_lines(&lines)?;
        batch.accounts.append(&mut one.accounts);
        batch.refused.append(&mut one.refused);
        batch.warnings.append(&mut one.warnings);
    }
    Ok((found, batch))
}

/// The fields an entry of another app's export describes, before validation.
pub(crate) struct RawEntry<'a> {
    pub kind: OtpKind,
    pub algorithm: Option<&'a str>,
    pub digits: Option<u64>,
    pub period: Option<u64>,
    pub counter: Option<u64>,
}

/// Builds validated parameters from an entry's fields and its base32 secret; the error is a
/// reason for the report.
pub(crate) fn params_from(
    raw: &RawEntry<'_>,
    secret: Secret,
    warnings: &mut Vec<Warning>,
) -> Result<OtpParams, Refusal> {
    use crate::otp::{DEFAULT_PERIOD_SECONDS, STEAM_DIGITS};
    let algorithm = match raw.algorithm.map(str::trim).filter(|a| !a.is_empty()) {
        None => HashAlgorithm::Sha1,
        Some(a) => HashAlgorithm::parse(a)
            .ok_or_else(|| Refusal::Algorithm(a.chars().take(24).collect()))?,
    };
    let digits = match (raw.kind, raw.digits) {
        (OtpKind::Steam, _) => STEAM_DIGITS,
        (_, None) => 6,
        (_, Some(d)) => u8::try_from(d).map_err(|_| Refusal::Digits(d))?,
    };
    let period = match raw.period {
        _ if raw.kind == OtpKind::Hotp => DEFAULT_PERIOD_SECONDS,
        None | Some(0) => DEFAULT_PERIOD_SECONDS,
        Some(p) => u32::try_from(p).map_err(|_| Refusal::Period(p))?,
    };
    let counter = match raw.kind {
        OtpKind::Hotp => raw.counter.unwrap_or(0),
        _ => 0,
    };
    let params = OtpParams {
        kind: raw.kind,
        algorithm: if raw.kind == OtpKind::Steam {
            HashAlgorithm::Sha1
        } else {
            algorithm
        },
        digits,
        period,
        counter,
        secret,
    };
    params.validate()?;
    let bits = params.secret.len() * 8;
    if bits < 128 {
        warnings.push(Warning::ShortSecret { bits });
    }
    Ok(params)
}

/// Decodes a base32 secret as the URI parser does (spaces, lower case, padding forgiven).
pub(crate) fn base32_secret(text: &str, warnings: &mut Vec<Warning>) -> Result<Secret, Refusal> {
    Ok(crate::enroll::uri::decode_base32_secret(text, warnings)?)
}

/// Records per-entry warnings in a batch.
pub(crate) fn push_warnings(
    batch: &mut ImportBatch,
    index: usize,
    label: &str,
    warnings: Vec<Warning>,
) {
    for warning in warnings {
        batch.warnings.push(ImportWarning::Entry {
            index,
            label: label.to_string(),
            warning,
        });
    }
}

/// Where a file of QR code texts goes: by the Google export batch of its first code, else last
/// in the order given.
fn batch_key(text: &str, order: usize) -> (i32, u32, usize) {
    text.lines()
        .find(|l| crate::enroll::starts_with_ignore_case(l.trim(), "otpauth-migration:"))
        .and_then(|l| crate::enroll::decode_migration(l.trim()).ok())
        .map_or((i32::MAX, u32::MAX, order), |m| {
            (m.batch.id, m.batch.index, order)
        })
}

/// One entry of another app's file, read but not yet in the batch.
pub(crate) struct Entry {
    /// Position of the entry in the file (zero-based), for the report.
    pub index: usize,
    pub issuer: String,
    pub name: String,
    /// The validated parameters and what was fixed on the way, or why the entry is refused.
    pub read: Result<(OtpParams, Vec<Warning>), Refusal>,
    /// Order in the list; the order of the file when `None`.
    pub position: Option<i64>,
    pub notes: String,
    /// Group names as the file has them; Kunci keeps the first.
    pub groups: Vec<String>,
    pub icon: Option<String>,
}

impl Entry {
    pub(crate) fn new(
        index: usize,
        issuer: &str,
        name: &str,
        read: Result<(OtpParams, Vec<Warning>), Refusal>,
    ) -> Self {
        Entry {
            index,
            issuer: issuer.trim().to_string(),
            name: name.trim().to_string(),
            read,
            position: None,
            notes: String::new(),
            groups: Vec::new(),
            icon: None,
        }
    }
}

/// The loop every importer shares: labels, warnings, refusals, positions, one group kept.
pub(crate) fn collect(entries: impl IntoIterator<Item = Entry>) -> ImportBatch {
    let mut batch = ImportBatch::default();
    for e in entries {
        let l = label(&e.issuer, &e.name);
        let (params, warnings) = match e.read {
            Ok(read) => read,
            Err(refusal) => {
                batch.refused.push(RefusedEntry {
                    index: e.index,
                    label: l,
                    reason: refusal.to_string(),
                });
                continue;
            }
        };
        push_warnings(&mut batch, e.index, &l, warnings);
        let position = e
            .position
            .unwrap_or_else(|| i64::try_from(batch.accounts.len()).unwrap_or(i64::MAX));
        let mut account = BackupAccount::new(&e.issuer, &e.name, params, position);
        account.notes = e.notes;
        account.icon = e.icon;
        let groups: Vec<String> = e
            .groups
            .into_iter()
            .map(|g| g.trim().to_string())
            .filter(|g| !g.is_empty())
            .collect();
        account.group = groups.first().cloned();
        if groups.len() > 1 {
            batch.warnings.push(ImportWarning::Dropped {
                index: e.index,
                label: l,
                what: format!(
                    "Kunci keeps one group per account; kept \"{}\", dropped {} more",
                    groups.first().map_or("", String::as_str),
                    groups.len() - 1
                ),
            });
        }
        batch.accounts.push(account);
    }
    batch
}

/// Params and warnings from a raw entry and its secret: the usual `read` of an [`Entry`].
pub(crate) fn read_raw(
    raw: &RawEntry<'_>,
    secret: Secret,
) -> Result<(OtpParams, Vec<Warning>), Refusal> {
    let mut warnings = Vec::new();
    let params = params_from(raw, secret, &mut warnings)?;
    Ok((params, warnings))
}

/// Params from a raw entry and a base32 secret text.
pub(crate) fn read_raw_base32(
    raw: &RawEntry<'_>,
    secret: &str,
) -> Result<(OtpParams, Vec<Warning>), Refusal> {
    let mut warnings = Vec::new();
    let secret = base32_secret(secret, &mut warnings)?;
    let params = params_from(raw, secret, &mut warnings)?;
    Ok((params, warnings))
}

/// Accounts in list order: by position, ties kept in their given order.
pub(crate) fn ordered(accounts: &[BackupAccount]) -> Vec<&BackupAccount> {
    let mut v: Vec<&BackupAccount> = accounts.iter().collect();
    v.sort_by_key(|a| a.position);
    v
}

/// Random bytes from the thread-local CSPRNG (seeded from the OS).
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    use rand::RngCore;
    let mut out = [0u8; N];
    rand::rng().fill_bytes(&mut out);
    out
}

#[cfg(test)]
#[path = "unit_tests.rs"]
mod tests;
