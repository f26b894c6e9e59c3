//! FreeOTP 2's encrypted backup, `externalBackup.xml` (More → Backup in the app). Despite its
//! name it is not XML: FreeOTP writes its "tokenBackup" preferences map with Java's
//! `ObjectOutputStream` (read by [`super::java_ser`]). Written from the app's source
//! (`TokenPersistence`, `encryptor/MasterKey`, `encryptor/EncryptedKey`, `Token`):
//!
//! - `masterKey`: Gson JSON `{mEncryptedKey, mAlgorithm: "PBKDF2withHmacSHA512", mIterations,
//!   mSalt}`; PBKDF2 of the password over the salt, as long as the salt (32 bytes), unwraps the
//!   master key.
//! - `<uuid>`: `{"key": "<EncryptedKey JSON>"}`, the account's HMAC key wrapped by the master
//!   key; `<uuid>-token`: the account as Gson JSON (`algo, issuerExt, issuerInt, label, period,
//!   digits, type, counter`, nulls left out).
//! - An `EncryptedKey` is `{mCipherText, mParameters, mCipher: "AES/GCM/NoPadding", mToken}`:
//!   byte arrays as JSON lists of signed numbers, `mParameters` the DER of the GCM parameters
//!   (the nonce and the tag length), and `mToken` (the key's algorithm name, "AES" or
//!   "HmacSHA1"...) the associated data.
//!
//! A wrong password fails the master key's tag; a damaged entry is refused alone. FreeOTP shows
//! Steam codes for the issuer "Steam", so such a token imports as a Steam account. The backup
//! keeps no order: accounts come in alphabetical order of issuer and name.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::java_ser::{read_string_map, JavaValue};
use super::json::{self, str_of};
use super::kdf::Prf;
use super::Refusal;
use super::{collect, damaged, read_raw, BackupError, Entry, Format, ImportBatch, RawEntry};
use crate::otp::OtpKind;
use crate::secret::Secret;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use serde_json::Value;
use std::collections::HashMap;
use zeroize::Zeroizing;

const MASTER: &str = "masterKey";
const TOKEN_SUFFIX: &str = "-token";
const NONCE_LEN: usize = 12;
/// Longest wrapped key taken seriously (an HMAC key is at most a few hundred bytes).
const MAX_SEALED: usize = 4096;
/// FreeOTP always writes 100 000 PBKDF2-HMAC-SHA512 iterations (MasterKey.ITERATIONS); five
/// times that is about a second here. The shared budget's 2 000 000 (meant for SHA-1) took
/// 4.3 s of CPU with SHA-512 on the build machine, so a file asking for more is refused.
const MAX_ITERATIONS: u32 = 500_000;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::FreeOtp2,
    name: "freeotp2",
    aliases: &["freeotp-backup", "externalbackup"],
    title: "FreeOTP 2 encrypted backup (externalBackup.xml)",
    keeps: "TOTP, HOTP and Steam (FreeOTP's \"Steam\" issuer) with algorithm, digits, period, counter; issuer and label",
    cannot: "icons, colours and the lock setting; the list order (not in the backup: accounts come alphabetically); SHA224 and SHA384 tokens are refused",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    /// Java serialisation's magic, then a map holding FreeOTP's `masterKey`.
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.bytes.starts_with(&[0xac, 0xed, 0x00, 0x05])
            && file
                .bytes
                .windows(MASTER.len())
                .any(|w| w == MASTER.as_bytes())
    }
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let map: HashMap<String, String> = read_string_map(bytes)?
            .into_iter()
            .filter_map(|(k, v)| match v {
                JavaValue::Str(s) => Some((k, s)),
                JavaValue::Other => None,
            })
            .collect();
        let master = map
            .get(MASTER)
            .ok_or_else(|| damaged("the backup has no master key"))?;
        let password = options.password.ok_or(BackupError::PasswordRequired)?;
        let master = unlock_master(master, password, options)?;
        let mut uuids: Vec<&String> = map
            .keys()
            .filter(|k| *k != MASTER && !k.ends_with(TOKEN_SUFFIX))
            .collect();
        uuids.sort();
        let mut entries: Vec<Entry> = uuids
            .into_iter()
            .enumerate()
            .map(|(index, uuid)| {
                let token = map.get(&format!("{uuid}{TOKEN_SUFFIX}"));
                read_entry(index, &map[uuid], token.map(String::as_str), &master)
                // ok: a key of `map`
            })
            .collect();
        if entries.is_empty() {
            return Err(BackupError::NoAccounts);
        }
        let key = |e: &Entry| (e.issuer.to_lowercase(), e.name.to_lowercase());
        entries.sort_by_key(key);
        for (position, e) in entries.iter_mut().enumerate() {
            e.position = Some(i64::try_from(position).unwrap_or(i64::MAX));
        }
        Ok(collect(entries))
    }
}

/// The AES key of a wrapped key: 16 or 32 bytes (FreeOTP makes 32).
enum AesKey {
    Aes128(Zeroizing<[u8; 16]>),
    Aes256(Zeroizing<[u8; 32]>),
}

impl AesKey {
    fn from_slice(bytes: &[u8]) -> Option<AesKey> {
        match bytes.len() {
            16 => {
                let mut k = Zeroizing::new([0u8; 16]);
                k.copy_from_slice(bytes);
                Some(AesKey::Aes128(k))
            }
            32 => {
                let mut k = Zeroizing::new([0u8; 32]);
                k.copy_from_slice(bytes);
                Some(AesKey::Aes256(k))
            }
            _ => None,
        }
    }

    fn open(&self, nonce: &[u8], sealed: &[u8], aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let nonce = Nonce::from_slice(nonce);
        let payload = Payload { msg: sealed, aad };
        match self {
            AesKey::Aes128(k) => Aes128Gcm::new(k.as_ref().into()).decrypt(nonce, payload),
            AesKey::Aes256(k) => Aes256Gcm::new(k.as_ref().into()).decrypt(nonce, payload),
        }
        .ok()
        .map(Zeroizing::new)
    }
}

/// FreeOTP's `EncryptedKey`, parsed and checked but not opened.
struct Wrapped {
    sealed: Vec<u8>,
    nonce: Vec<u8>,
    /// The wrapped key's algorithm name, also the associated data.
    algorithm: String,
}

fn wrapped(v: &Value) -> Result<Wrapped, BackupError> {
    let cipher = str_of(v, "mCipher").unwrap_or_default();
    if !cipher.eq_ignore_ascii_case("AES/GCM/NoPadding") {
        return Err(damaged(format!(
            "the key is wrapped with \"{}\", which Kunci cannot open",
            cipher.chars().take(32).collect::<String>()
        )));
    }
    let sealed = java_bytes(v.get("mCipherText"), MAX_SEALED)?;
    let nonce = gcm_nonce(&java_bytes(v.get("mParameters"), 64)?)?;
    let algorithm = str_of(v, "mToken")
        .ok_or_else(|| damaged("the wrapped key has no algorithm name"))?
        .to_string();
    Ok(Wrapped {
        sealed,
        nonce,
        algorithm,
    })
}

/// A Gson byte array: a JSON list of numbers from -128 to 255.
fn java_bytes(v: Option<&Value>, max: usize) -> Result<Vec<u8>, BackupError> {
    let list = v
        .and_then(Value::as_array)
        .filter(|l| l.len() <= max)
        .ok_or_else(|| damaged("a byte list is missing or too long"))?;
    list.iter()
        .map(|b| {
            b.as_i64()
                .filter(|n| (-128..=255).contains(n))
                .map(|n| (n & 0xff) as u8)
                .ok_or_else(|| damaged("a byte list holds something that is not a byte"))
        })
        .collect()
}

/// The nonce from the DER of Java's GCM parameters: `SEQUENCE { OCTET STRING nonce, INTEGER
/// tagBytes OPTIONAL }` (short lengths only: the whole is a few dozen bytes). Only a 12-byte
/// nonce and a 16-byte tag, what Android writes, are accepted.
fn gcm_nonce(der: &[u8]) -> Result<Vec<u8>, BackupError> {
    let bad = || damaged("the key's GCM parameters are damaged");
    let (tag, body, rest) = der_item(der).ok_or_else(bad)?;
    if tag != 0x30 || !rest.is_empty() {
        return Err(bad());
    }
    let (tag, nonce, rest) = der_item(body).ok_or_else(bad)?;
    if tag != 0x04 || nonce.len() != NONCE_LEN {
        return Err(damaged("the key uses a GCM nonce that is not 12 bytes"));
    }
    if !rest.is_empty() {
        let (tag, tag_len, rest) = der_item(rest).ok_or_else(bad)?;
        if tag != 0x02 || tag_len != [16] || !rest.is_empty() {
            return Err(damaged("the key uses a GCM tag that is not 16 bytes"));
        }
    }
    Ok(nonce.to_vec())
}

/// One DER item with a short-form length: (tag, contents, what follows).
fn der_item(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&len, rest) = rest.split_first()?;
    let len = usize::from(len);
    (len < 0x80 && len <= rest.len()).then(|| (tag, &rest[..len], &rest[len..]))
    // ok: len checked
}

fn unlock_master(
    text: &str,
    password: &str,
    options: &ImportOptions<'_>,
) -> Result<AesKey, BackupError> {
    let v =
        json::parse(text.as_bytes()).map_err(|_| damaged("the master key is not valid JSON"))?;
    let prf = match str_of(&v.0, "mAlgorithm") {
        Some(a) if a.eq_ignore_ascii_case("PBKDF2withHmacSHA512") => Prf::Sha512,
        Some(a) if a.eq_ignore_ascii_case("PBKDF2withHmacSHA1") => Prf::Sha1,
        other => {
            return Err(BackupError::Unsupported {
                reason: format!(
                    "the master key uses the key derivation \"{}\"",
                    other.unwrap_or("").chars().take(32).collect::<String>()
                ),
            })
        }
    };
    let iterations =
        v.0.get("mIterations")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| damaged("the master key has no iteration count"))?;
    if iterations > MAX_ITERATIONS {
        return Err(BackupError::UnsafeParameters {
            reason: format!("{iterations} PBKDF2 iterations; FreeOTP writes 100 000"),
        });
    }
    let salt = java_bytes(v.0.get("mSalt"), 64)?;
    // MasterKey derives as many bits as the salt has; a prefix of PBKDF2's output is the
    // shorter output, so one 32-byte derivation serves 16 and 32.
    if !matches!(salt.len(), 16 | 32) {
        return Err(damaged("the master key's salt is not 16 or 32 bytes"));
    }
    let wrapped =
        v.0.get("mEncryptedKey")
            .ok_or_else(|| damaged("the master key is missing"))
            .and_then(wrapped)?;
    let derived = options
        .budget()
        .pbkdf2(prf, password.as_bytes(), &salt, iterations)?;
    let key = AesKey::from_slice(&derived[..salt.len()]).ok_or(BackupError::WrongPassword)?; // ok: 16 or 32 <= 32
    let raw = key
        .open(
            &wrapped.nonce,
            &wrapped.sealed,
            wrapped.algorithm.as_bytes(),
        )
        .ok_or(BackupError::WrongPassword)?;
    AesKey::from_slice(&raw).ok_or_else(|| damaged("the master key is not an AES key"))
}

fn read_entry(index: usize, key_json: &str, token: Option<&str>, master: &AesKey) -> Entry {
    let token = token.and_then(|t| json::parse(t.as_bytes()).ok());
    let Some(token) = token else {
        return Entry::new(
            index,
            "",
            &format!("entry {}", index + 1),
            Err(Refusal::BadSettings),
        );
    };
    let t = &token.0;
    let issuer = str_of(t, "issuerExt")
        .or_else(|| str_of(t, "issuerInt"))
        .unwrap_or_default();
    let name = str_of(t, "label").unwrap_or_default();
    Entry::new(index, issuer, name, read_token(t, key_json, master))
}

type Read = (crate::otp::OtpParams, Vec<crate::enroll::Warning>);

fn read_token(token: &Value, key_json: &str, master: &AesKey) -> Result<Read, Refusal> {
    let kind = match str_of(token, "type")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        // FreeOTP's code alphabet follows the issuer: exactly "Steam" gives Steam codes.
        None | Some("TOTP") if str_of(token, "issuerExt") == Some("Steam") => OtpKind::Steam,
        None | Some("TOTP") => OtpKind::Totp,
        Some("HOTP") => OtpKind::Hotp,
        Some(other) => return Err(Refusal::code_type(other)),
    };
    let not_json = |_| damaged("the wrapped key is not JSON");
    let outer = json::parse(key_json.as_bytes()).map_err(not_json)?;
    let inner = str_of(&outer.0, "key").ok_or(Refusal::Missing("wrapped key"))?;
    let inner = json::parse(inner.as_bytes()).map_err(not_json)?;
    let w = wrapped(&inner.0)?;
    let secret = master
        .open(&w.nonce, &w.sealed, w.algorithm.as_bytes())
        .ok_or_else(|| damaged("the account's key cannot be decrypted"))?;
    let raw = RawEntry {
        kind,
        algorithm: str_of(token, "algo"),
        digits: json::opt_u64(token, "digits")?,
        period: json::opt_u64(token, "period")?,
        // Token.getCode uses the stored counter, then counts up: it is the next one.
        counter: json::opt_u64(token, "counter")?,
    };
    read_raw(&raw, Secret::from_slice(&secret))
}
