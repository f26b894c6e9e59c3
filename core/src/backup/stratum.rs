//! Stratum (formerly Authenticator Pro) backups. Plain: JSON `{Authenticators: [{Type, Issuer,
//! Username, Secret (base32), Algorithm (0 SHA1, 1 SHA256, 2 SHA512), Digits, Period, Counter,
//! Ranking}], Categories: [{Id, Name}], AuthenticatorCategories: [{CategoryId,
//! AuthenticatorSecret}]}`; Type 1 HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex. Encrypted:
//! `"AUTHENTICATORPRO" | salt (16) | nonce (12) | AES-256-GCM ciphertext and tag`, the key
//! Argon2id (3 passes, 64 MiB, 4 lanes). Legacy encrypted: `"AuthenticatorPro" | salt (20) |
//! IV (16) | AES-256-CBC with PKCS#7 padding`, the key PBKDF2-HMAC-SHA1 with 64 000 iterations.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, str_of};
use super::kdf::Prf;
use super::Refusal;
use super::{collect, damaged, read_raw_base32, BackupError, Entry, Format, ImportBatch, RawEntry};
use crate::otp::OtpKind;
use serde_json::Value;
use std::collections::HashMap;
use zeroize::Zeroizing;

const HEADER: &[u8] = b"AUTHENTICATORPRO";
const HEADER_LEGACY: &[u8] = b"AuthenticatorPro";
const LEGACY_ITERATIONS: u32 = 64_000;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Stratum,
    name: "stratum",
    aliases: &["authenticator-pro", "authpro"],
    title: "Stratum / Authenticator Pro backup: plain JSON, encrypted, or legacy encrypted",
    keeps: "TOTP, HOTP and Steam with algorithm, digits, period, counter; issuer, user name, first category as group, order",
    cannot: "mOTP and Yandex entries; custom icons; further categories (one group is kept)",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.bytes.starts_with(HEADER)
            || file.bytes.starts_with(HEADER_LEGACY)
            || file.has_keys(&["Authenticators"])
    }
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        if bytes.starts_with(HEADER) || bytes.starts_with(HEADER_LEGACY) {
            let password = options.password.ok_or(BackupError::PasswordRequired)?;
            let plain = decrypt(bytes, password, options)?;
            return read_plain(&plain);
        }
        read_plain(bytes)
    }
}

fn decrypt(
    bytes: &[u8],
    password: &str,
    options: &ImportOptions<'_>,
) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    let short = || damaged("the file ends before its header does");
    let rest = bytes.get(HEADER.len()..).ok_or_else(short)?;
    let mut budget = options.budget();
    if bytes.starts_with(HEADER) {
        use aes_gcm::aead::{Aead, KeyInit};
        let (salt, nonce, sealed) = (
            rest.get(..16).ok_or_else(short)?,
            rest.get(16..28).ok_or_else(short)?,
            rest.get(28..).ok_or_else(short)?,
        );
        let params = argon2::Params::new(64 * 1024, 3, 4, Some(32)).map_err(|e| {
            BackupError::UnsafeParameters {
                reason: e.to_string(),
            }
        })?;
        let key = budget.argon2id(params, password.as_bytes(), salt, false)?;
        return aes_gcm::Aes256Gcm::new(key.as_ref().into())
            .decrypt(aes_gcm::Nonce::from_slice(nonce), sealed)
            .map(Zeroizing::new)
            .map_err(|_| BackupError::WrongPassword);
    }
    use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
    let (salt, iv, sealed) = (
        rest.get(..20).ok_or_else(short)?,
        rest.get(20..36).ok_or_else(short)?,
        rest.get(36..).ok_or_else(short)?,
    );
    let key = budget.pbkdf2(Prf::Sha1, password.as_bytes(), salt, LEGACY_ITERATIONS)?;
    let mut buf = Zeroizing::new(sealed.to_vec());
    let len = cbc::Decryptor::<aes::Aes256>::new_from_slices(key.as_ref(), iv)
        .map_err(|_| damaged("the IV has the wrong length"))?
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        // CBC has no tag: a wrong password shows as bad padding (or, rarely, as bad JSON).
        .map_err(|_| BackupError::WrongPassword)?
        .len();
    buf.truncate(len);
    if serde_json::from_slice::<serde::de::IgnoredAny>(&buf).is_err() {
        return Err(BackupError::WrongPassword);
    }
    Ok(buf)
}

/// Stratum's `Type` number as a kind.
pub(crate) fn kind(t: u64) -> Result<OtpKind, Refusal> {
    match t {
        1 => Ok(OtpKind::Hotp),
        2 => Ok(OtpKind::Totp),
        3 => Err(Refusal::Kind("mOTP")),
        4 => Ok(OtpKind::Steam),
        5 => Err(Refusal::Kind("Yandex")),
        _ => Err(Refusal::code_type(t)),
    }
}

/// Stratum's `Algorithm` number as a name.
pub(crate) fn algorithm(a: u64) -> Result<&'static str, Refusal> {
    match a {
        0 => Ok("SHA1"),
        1 => Ok("SHA256"),
        2 => Ok("SHA512"),
        _ => Err(Refusal::Algorithm(a.to_string())),
    }
}

fn read_plain(bytes: &[u8]) -> Result<ImportBatch, BackupError> {
    let doc = json::parse(bytes)?;
    let root = &doc.0;
    let items = root
        .get("Authenticators")
        .and_then(Value::as_array)
        .ok_or_else(|| damaged("the backup has no list of authenticators"))?;
    let arr = |k: &str| {
        root.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let categories: HashMap<String, String> = arr("Categories")
        .iter()
        .filter_map(|c| Some((str_of(c, "Id")?.to_string(), str_of(c, "Name")?.to_string())))
        .collect();
    let mut groups_of: HashMap<String, Vec<String>> = HashMap::new();
    for link in arr("AuthenticatorCategories") {
        if let (Some(secret), Some(name)) = (
            str_of(&link, "AuthenticatorSecret"),
            str_of(&link, "CategoryId").and_then(|id| categories.get(id)),
        ) {
            groups_of
                .entry(secret.to_string())
                .or_default()
                .push(name.clone());
        }
    }
    let mut batch = collect(items.iter().enumerate().map(|(index, item)| {
        let mut e = Entry::new(
            index,
            str_of(item, "Issuer").unwrap_or_default(),
            str_of(item, "Username").unwrap_or_default(),
            read_item(item),
        );
        e.position = json::i64_of(item, "Ranking");
        e.groups = str_of(item, "Secret")
            .and_then(|s| groups_of.get(s))
            .cloned()
            .unwrap_or_default();
        e
    }));
    // The map's keys are secrets.
    for (mut secret, _) in groups_of.drain() {
        zeroize::Zeroize::zeroize(&mut secret);
    }
    batch.accounts.sort_by_key(|a| a.position);
    Ok(batch)
}

fn read_item(
    item: &Value,
) -> Result<(crate::otp::OtpParams, Vec<crate::enroll::Warning>), Refusal> {
    let kind = kind(json::u64_of(item, "Type").ok_or(Refusal::Missing("type"))?)?;
    let algorithm = algorithm(json::u64_of(item, "Algorithm").unwrap_or(0))?;
    let raw = RawEntry {
        kind,
        algorithm: Some(algorithm),
        digits: json::opt_u64(item, "Digits")?,
        period: json::opt_u64(item, "Period")?,
        counter: json::opt_u64(item, "Counter")?,
    };
    read_raw_base32(
        &raw,
        str_of(item, "Secret").ok_or(Refusal::Missing("secret"))?,
    )
}
