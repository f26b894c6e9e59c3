//! andOTP backups. Plain: a JSON array of `{secret (base32), issuer, label, digits, type,
//! algorithm, period, counter, tags}`. Encrypted (andOTP ≥ 0.6.3): `iterations (u32, big
//! endian) | salt (12) | nonce (12) | AES-256-GCM ciphertext and tag`, the key PBKDF2-HMAC-SHA1
//! of the password. The old encrypted format: `nonce (12) | ciphertext and tag`, the key
//! SHA-256 of the password. Neither encrypted format has a marker, so this is the last resort of
//! auto-detection for binary files, and both encrypted formats are tried (the old one first: it
//! costs one hash).

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, str_of};
use super::kdf::Prf;
use super::Refusal;
use super::{collect, damaged, read_raw_base32, BackupError, Entry, Format, ImportBatch, RawEntry};
use crate::otp::OtpKind;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use serde_json::Value;
use sha2::Digest;
use zeroize::Zeroizing;

const SALT_LEN: usize = 12;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::AndOtp,
    name: "andotp",
    aliases: &["and-otp"],
    title: "andOTP backup: plain JSON, encrypted (.json.aes), or the old encrypted format",
    keeps: "TOTP, HOTP and Steam with algorithm, digits, period, counter; issuer, label, first tag as group",
    cannot: "thumbnails, usage counts, and further tags (one group is kept)",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    /// A JSON array of objects with `secret` and `type`, or a binary file no other format
    /// claimed that is long enough to be an encrypted andOTP backup.
    fn detect(&self, file: &Sniff<'_>) -> bool {
        if let Some(first) = file
            .json()
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return first.get("secret").is_some() && first.get("type").is_some();
        }
        file.text.is_none() && file.bytes.len() >= NONCE_LEN + TAG_LEN + 2
    }
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let plain_json = std::str::from_utf8(bytes).is_ok_and(|t| {
            t.trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('[')
        });
        if plain_json {
            return read_plain(bytes);
        }
        let password = options.password.ok_or(BackupError::PasswordRequired)?;
        let plain = decrypt(bytes, password, options)?;
        read_plain(&plain)
    }
}

fn open(key: &[u8; 32], nonce: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    Aes256Gcm::new(key.into())
        .decrypt(Nonce::from_slice(nonce), sealed)
        .ok()
        .map(Zeroizing::new)
}

fn decrypt(
    bytes: &[u8],
    password: &str,
    options: &ImportOptions<'_>,
) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    if bytes.len() < NONCE_LEN + TAG_LEN {
        return Err(damaged("the file is too short to be an andOTP backup"));
    }
    // Old format: SHA-256 of the password, nonce first.
    let old_key = Zeroizing::new(<[u8; 32]>::from(sha2::Sha256::digest(password.as_bytes())));
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    if let Some(plain) = open(&old_key, nonce, sealed) {
        return Ok(plain);
    }
    let header = 4 + SALT_LEN + NONCE_LEN;
    let (Some(iterations), Some(salt), Some(nonce), Some(sealed)) = (
        bytes.get(..4),
        bytes.get(4..4 + SALT_LEN),
        bytes.get(4 + SALT_LEN..header),
        bytes.get(header..).filter(|s| s.len() >= TAG_LEN),
    ) else {
        return Err(BackupError::WrongPassword);
    };
    let mut be = [0u8; 4];
    be.copy_from_slice(iterations);
    let iterations = u32::from_be_bytes(be);
    if iterations == 0 || u64::from(iterations) > super::kdf::MAX_PBKDF2_ITERATIONS {
        // Not the new format's header, and the old format did not open: a wrong password or
        // a file that is not andOTP at all.
        return Err(BackupError::WrongPassword);
    }
    let key = options
        .budget()
        .pbkdf2(Prf::Sha1, password.as_bytes(), salt, iterations)?;
    open(&key, nonce, sealed).ok_or(BackupError::WrongPassword)
}

fn read_plain(bytes: &[u8]) -> Result<ImportBatch, BackupError> {
    let doc = json::parse(bytes)?;
    let items = doc
        .0
        .as_array()
        .ok_or_else(|| damaged("an andOTP backup is a list of entries"))?;
    Ok(collect(items.iter().enumerate().map(|(index, item)| {
        let label = str_of(item, "label").unwrap_or_default();
        // Before andOTP 0.7 the issuer was part of the label: "Issuer - name".
        let (issuer, name) = match str_of(item, "issuer") {
            Some(issuer) => (issuer, label),
            None => label.split_once(" - ").unwrap_or(("", label)),
        };
        let mut e = Entry::new(index, issuer, name, read_entry(item));
        e.groups = item
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        e
    })))
}

fn read_entry(
    item: &Value,
) -> Result<(crate::otp::OtpParams, Vec<crate::enroll::Warning>), Refusal> {
    let kind = match str_of(item, "type").map(str::to_ascii_uppercase).as_deref() {
        Some("TOTP") | None => OtpKind::Totp,
        Some("HOTP") => OtpKind::Hotp,
        Some("STEAM") => OtpKind::Steam,
        Some(other) => return Err(Refusal::code_type(other)),
    };
    let secret = str_of(item, "secret").ok_or(Refusal::Missing("secret"))?;
    let raw = RawEntry {
        kind,
        algorithm: str_of(item, "algorithm"),
        digits: json::opt_u64(item, "digits")?,
        period: json::opt_u64(item, "period")?,
        counter: json::opt_u64(item, "counter")?,
    };
    read_raw_base32(&raw, secret)
}
