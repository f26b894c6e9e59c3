//! Kunci's own backup: Argon2id + XChaCha20-Poly1305 over a JSON body. The layout is documented
//! in docs/backup-format.md; keep the two in step.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::json_reason;
use super::kdf::KdfBudget;
use super::Refusal;
use super::{damaged, limits, BackupAccount, BackupError, Format, ImportBatch, RefusedEntry};
use crate::account::AccountContent;
use crate::otp::{HashAlgorithm, OtpKind, OtpParams};
use crate::secret::Secret;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

/// First bytes of every Kunci backup, so `detect` needs no password.
pub const MAGIC: &[u8; 8] = b"KUNCIBAK";
/// The container version this code writes and reads.
pub const FORMAT_VERSION: u16 = 1;
const KDF_ARGON2ID: u8 = 1;
const CIPHER_XCHACHA20POLY1305: u8 = 1;
const SALT_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// magic 8 + version 2 + kdf id 1 + m, t, p 4 each + salt 32 + cipher id 1 + nonce 24.
pub const HEADER_LEN: usize = 8 + 2 + 1 + 12 + SALT_LEN + 1 + NONCE_LEN;
/// The body's own marker and version, inside the encryption.
const BODY_FORMAT: &str = "kunci-backup";
const BODY_VERSION: u32 = 1;

/// Argon2id cost parameters, stored in the backup's header: the same type (and defaults) as the
/// vault's passphrase slots.
pub use crate::vault::KdfParams;

/// Checks the bounds a reader enforces, so we never write a backup we would refuse to open.
fn checked_params(p: &KdfParams) -> Result<argon2::Params, BackupError> {
    let unsafe_ = |reason: String| BackupError::UnsafeParameters { reason };
    if p.memory_kib > limits::ARGON2_MAX_MEMORY_KIB {
        return Err(unsafe_(format!("{} KiB of memory", p.memory_kib)));
    }
    if p.iterations > limits::ARGON2_MAX_ITERATIONS {
        return Err(unsafe_(format!("{} passes", p.iterations)));
    }
    if p.parallelism > limits::ARGON2_MAX_PARALLELISM {
        return Err(unsafe_(format!("{} lanes", p.parallelism)));
    }
    if !KdfParams::work_ok(p.memory_kib, p.iterations) {
        return Err(unsafe_(format!(
            "{} KiB of memory × {} passes",
            p.memory_kib, p.iterations
        )));
    }
    argon2::Params::new(p.memory_kib, p.iterations, p.parallelism, Some(32))
        .map_err(|e| unsafe_(e.to_string()))
}

/// Kunci's own files are read at what Kunci writes, never above the usual budget (no
/// confirmation asked): at most 256 MiB and 1 GiB·passes (see [`super::kdf`]).
fn derive(
    p: &KdfParams,
    password: &str,
    salt: &[u8],
    budget: &mut KdfBudget,
) -> Result<Zeroizing<[u8; 32]>, BackupError> {
    budget.argon2id(checked_params(p)?, password.as_bytes(), salt, false)
}

#[derive(Serialize, Deserialize)]
struct Body {
    format: String,
    version: u32,
    accounts: Vec<BodyAccount>,
}

#[derive(Serialize, Deserialize)]
struct BodyAccount {
    issuer: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    algorithm: String,
    digits: u8,
    period: u32,
    counter: u64,
    /// Base32 without padding.
    secret: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    icon: Option<String>,
    #[serde(default)]
    position: i64,
}

impl Drop for BodyAccount {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl BodyAccount {
    fn from_account(a: &BackupAccount) -> Self {
        BodyAccount {
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            kind: a.params.kind.as_str().to_string(),
            algorithm: a.params.algorithm.as_str().to_string(),
            digits: a.params.digits,
            period: a.params.period,
            counter: a.params.counter,
            secret: a.params.secret.to_base32(),
            notes: a.notes.clone(),
            group: a.group.clone(),
            icon: a.icon.clone(),
            position: a.position,
        }
    }

    fn to_account(&self) -> Result<BackupAccount, Refusal> {
        let kind = match self.kind.as_str() {
            "totp" => OtpKind::Totp,
            "hotp" => OtpKind::Hotp,
            "steam" => OtpKind::Steam,
            other => return Err(Refusal::code_type(other)),
        };
        let algorithm = HashAlgorithm::parse(&self.algorithm)
            .ok_or_else(|| Refusal::Algorithm(self.algorithm.chars().take(24).collect()))?;
        let secret = data_encoding::BASE32_NOPAD
            .decode(self.secret.as_bytes())
            .map_err(|_| Refusal::BadSecret("not valid base32"))?;
        // Everything is kept exactly as written (even a counter on a TOTP account), so a backup
        // restores what was saved.
        let params = OtpParams {
            kind,
            algorithm,
            digits: self.digits,
            period: self.period,
            counter: self.counter,
            secret: Secret::new(secret),
        };
        params.validate()?;
        Ok(BackupAccount {
            content: AccountContent {
                issuer: self.issuer.clone(),
                name: self.name.clone(),
                params,
                notes: self.notes.clone(),
                group: self.group.clone(),
                icon: self.icon.clone(),
            },
            position: self.position,
        })
    }
}

/// Writes an encrypted backup of `accounts` and proves it can be read back: the bytes are
/// decrypted with `password` and compared with `accounts` before they are returned, so a backup
/// that cannot be restored is never handed out.
pub fn write_backup(
    accounts: &[BackupAccount],
    password: &str,
    params: &KdfParams,
) -> Result<Vec<u8>, BackupError> {
    for a in accounts {
        a.params
            .validate()
            .map_err(|e| BackupError::NotExportable {
                reason: format!("{}: {e}", a.label()),
            })?;
    }
    let body = Body {
        format: BODY_FORMAT.to_string(),
        version: BODY_VERSION,
        accounts: accounts.iter().map(BodyAccount::from_account).collect(),
    };
    let plain = Zeroizing::new(serde_json::to_vec(&body).map_err(|e| BackupError::Crypto {
        reason: e.to_string(),
    })?);
    drop(body);
    let out = seal(&plain, password, params)?;
    let back = read_backup(&out, password).map_err(|_| BackupError::VerifyFailed)?;
    if !back.refused.is_empty() || back.accounts.as_slice() != accounts {
        return Err(BackupError::VerifyFailed);
    }
    Ok(out)
}

/// Header, then the body encrypted with the header as associated data.
fn seal(plain: &[u8], password: &str, params: &KdfParams) -> Result<Vec<u8>, BackupError> {
    let salt: [u8; SALT_LEN] = super::random_bytes();
    let nonce: [u8; NONCE_LEN] = super::random_bytes();
    // Writing is bounded like reading, so a backup that could not be opened is never written.
    let key = derive(params, password, &salt, &mut KdfBudget::new(false, None))?;

    let mut out = Vec::with_capacity(HEADER_LEN + plain.len() + TAG_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.push(KDF_ARGON2ID);
    out.extend_from_slice(&params.memory_kib.to_le_bytes());
    out.extend_from_slice(&params.iterations.to_le_bytes());
    out.extend_from_slice(&params.parallelism.to_le_bytes());
    out.extend_from_slice(&salt);
    out.push(CIPHER_XCHACHA20POLY1305);
    out.extend_from_slice(&nonce);
    debug_assert_eq!(out.len(), HEADER_LEN);

    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: &out,
            },
        )
        .map_err(|_| BackupError::Crypto {
            reason: "the cipher refused the data".into(),
        })?;
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Reads a Kunci backup; an account inside that fails validation is refused, the rest are kept.
pub fn read_backup(bytes: &[u8], password: &str) -> Result<ImportBatch, BackupError> {
    let options = ImportOptions::with_password(Some(password));
    super::import_with(bytes, Some(Format::Kunci), &options).map(|(_, b)| b)
}

fn read_with(
    bytes: &[u8],
    password: &str,
    budget: &mut KdfBudget,
) -> Result<ImportBatch, BackupError> {
    let header = bytes
        .get(..HEADER_LEN)
        .ok_or_else(|| damaged("the file ends before its header does"))?;
    if !header.starts_with(MAGIC) {
        return Err(BackupError::NotRecognized);
    }
    let u32_at = |at: usize| -> Result<u32, BackupError> {
        header
            .get(at..at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_le_bytes)
            .ok_or_else(|| damaged("the header is cut short"))
    };
    let version = header
        .get(8..10)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(u16::from_le_bytes)
        .ok_or_else(|| damaged("the header is cut short"))?;
    if version != FORMAT_VERSION {
        return Err(BackupError::UnsupportedVersion {
            format: "Kunci",
            version: version.to_string(),
        });
    }
    if header.get(10) != Some(&KDF_ARGON2ID) || header.get(55) != Some(&CIPHER_XCHACHA20POLY1305) {
        return Err(BackupError::Unsupported {
            reason: "the backup uses an encryption method this version does not know".into(),
        });
    }
    let kdf = KdfParams {
        memory_kib: u32_at(11)?,
        iterations: u32_at(15)?,
        parallelism: u32_at(19)?,
    };
    let salt = header
        .get(23..23 + SALT_LEN)
        .ok_or_else(|| damaged("the header is cut short"))?;
    let nonce = header
        .get(56..56 + NONCE_LEN)
        .ok_or_else(|| damaged("the header is cut short"))?;
    let sealed = bytes.get(HEADER_LEN..).unwrap_or_default();
    if sealed.len() < TAG_LEN {
        return Err(damaged("the file ends before its contents do"));
    }
    let key = derive(&kdf, password, salt, budget)?;
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: header,
                },
            )
            .map_err(|_| BackupError::WrongPassword)?,
    );
    let body: Body = serde_json::from_slice(&plain).map_err(|e| damaged(json_reason(&e)))?;
    if body.format != BODY_FORMAT {
        return Err(damaged("its contents are not a Kunci backup"));
    }
    if body.version != BODY_VERSION {
        return Err(BackupError::UnsupportedVersion {
            format: "Kunci",
            version: body.version.to_string(),
        });
    }
    let mut batch = ImportBatch::default();
    for (index, entry) in body.accounts.iter().enumerate() {
        match entry.to_account() {
            Ok(a) => batch.accounts.push(a),
            Err(refusal) => batch.refused.push(RefusedEntry {
                index,
                label: super::label(&entry.issuer, &entry.name),
                reason: refusal.to_string(),
            }),
        }
    }
    Ok(batch)
}

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Kunci,
    name: "kunci",
    aliases: &[],
    title: "Kunci encrypted backup",
    keeps: "everything: every code setting, issuer, name, notes, group, icon, order",
    cannot: "",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.bytes.starts_with(MAGIC)
    }
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        if !bytes.starts_with(MAGIC) {
            return Err(BackupError::NotRecognized);
        }
        let password = options.password.ok_or(BackupError::PasswordRequired)?;
        read_with(bytes, password, &mut options.budget())
    }
}

#[cfg(test)]
#[path = "kunci_tests.rs"]
mod tests;
