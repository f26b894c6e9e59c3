//! Aegis Authenticator vault files (docs/vault.md in the Aegis repository): plain JSON, or the
//! content encrypted with AES-256-GCM under a master key that password slots wrap with
//! scrypt-derived keys.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, b64_decode, b64_encode, fixed, hex_decode, hex_encode, str_of, Scrubbed};
use super::kdf::KdfBudget;
use super::Refusal;
use super::{
    collect, damaged, limits, ordered, read_raw_base32, BackupAccount, BackupError, Entry, Format,
    ImportBatch, RawEntry,
};
use crate::otp::OtpKind;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use serde_json::{json, Value};
use std::collections::HashMap;
use zeroize::Zeroizing;

const SLOT_PASSWORD: u64 = 1;
/// Content versions we read; 3 is the current one (groups by uuid), 2 had one group name.
const CONTENT_VERSIONS: std::ops::RangeInclusive<u64> = 1..=3;

/// scrypt parameters for a password slot Kunci writes. Aegis itself uses N = 2^15, r = 8, p = 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AegisKdf {
    pub log_n: u8,
    pub r: u32,
    pub p: u32,
}

impl Default for AegisKdf {
    fn default() -> Self {
        AegisKdf {
            log_n: 15,
            r: 8,
            p: 1,
        }
    }
}

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Aegis,
    name: "aegis",
    aliases: &[],
    title: "Aegis Authenticator vault export (.json), plain or encrypted",
    keeps: "TOTP, HOTP and Steam with algorithm, digits, period, counter; issuer, name, note, icon, group",
    cannot: "mOTP and Yandex entries; only the first of several groups; vaults unlocked only by fingerprint",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.has_keys(&["header", "db"])
    }
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        read(bytes, options)
    }
}

fn read(bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
    let doc = json::parse(bytes)?;
    let root = &doc.0;
    if !root.is_object() || root.get("db").is_none() {
        return Err(BackupError::NotRecognized);
    }
    match json::u64_of(root, "version") {
        Some(1) => {}
        Some(v) => {
            return Err(BackupError::UnsupportedVersion {
                format: "Aegis",
                version: v.to_string(),
            })
        }
        None => return Err(damaged("the vault has no version")),
    }
    match root.get("db") {
        Some(content @ Value::Object(_)) => read_content(content),
        Some(Value::String(db)) => {
            let password = options.password.ok_or(BackupError::PasswordRequired)?;
            let header = root
                .get("header")
                .ok_or_else(|| damaged("the vault has no header"))?;
            let master = unwrap_master_key(header, password, &mut options.budget())?;
            let params = header
                .get("params")
                .ok_or_else(|| damaged("the vault has no encryption parameters"))?;
            let mut plain = b64_decode(db, "vault contents")?;
            gcm_open(&master, params, &mut plain).map_err(|e| match e {
                BackupError::WrongPassword => {
                    damaged("the vault contents do not match its key (the file was changed)")
                }
                other => other,
            })?;
            let content = json::parse(&plain)?;
            read_content(&content.0)
        }
        _ => Err(damaged("the vault has no contents")),
    }
}

/// Tries the password slots in order, at most [`super::kdf::MAX_DERIVATIONS`] of them: a file
/// with hundreds of slots cannot make an import run a derivation for each.
fn unwrap_master_key(
    header: &Value,
    password: &str,
    budget: &mut KdfBudget,
) -> Result<Zeroizing<[u8; 32]>, BackupError> {
    let slots = header
        .get("slots")
        .and_then(Value::as_array)
        .ok_or_else(|| damaged("the vault has no key slots"))?;
    let mut tried = false;
    let password_slots = slots
        .iter()
        .filter(|s| json::u64_of(s, "type") == Some(SLOT_PASSWORD));
    for slot in password_slots {
        if tried && !budget.derivations_left() {
            return Err(BackupError::UnsafeParameters {
                reason: format!(
                    "the password did not open the first {} password slots, and Kunci tries no more",
                    super::kdf::MAX_DERIVATIONS
                ),
            });
        }
        tried = true;
        let key = scrypt_key(slot, password, budget)?;
        let mut wrapped = hex_decode(str_of(slot, "key").unwrap_or_default(), "slot key")?;
        let params = slot
            .get("key_params")
            .ok_or_else(|| damaged("a key slot has no parameters"))?;
        match gcm_open(&key, params, &mut wrapped) {
            Ok(()) => return fixed::<32>(&wrapped, "master key").map(Zeroizing::new),
            // Another password slot may hold a different password.
            Err(BackupError::WrongPassword) => continue,
            Err(e) => return Err(e),
        }
    }
    if tried {
        Err(BackupError::WrongPassword)
    } else {
        Err(BackupError::Unsupported {
            reason: "this vault can only be unlocked with a fingerprint on the phone that made it; export it again with a password".into(),
        })
    }
}

fn scrypt_key(
    slot: &Value,
    password: &str,
    budget: &mut KdfBudget,
) -> Result<Zeroizing<[u8; 32]>, BackupError> {
    let n = json::u64_of(slot, "n").ok_or_else(|| damaged("a key slot has no scrypt N"))?;
    let r = json::u64_of(slot, "r").ok_or_else(|| damaged("a key slot has no scrypt r"))?;
    let p = json::u64_of(slot, "p").ok_or_else(|| damaged("a key slot has no scrypt p"))?;
    let unsafe_ = |reason: String| BackupError::UnsafeParameters { reason };
    if !n.is_power_of_two() || !(2..=limits::SCRYPT_MAX_N).contains(&n) {
        return Err(unsafe_(format!("scrypt N = {n}")));
    }
    let r = u32::try_from(r)
        .ok()
        .filter(|r| (1..=limits::SCRYPT_MAX_R).contains(r))
        .ok_or_else(|| unsafe_(format!("scrypt r = {r}")))?;
    let p = u32::try_from(p)
        .ok()
        .filter(|p| (1..=limits::SCRYPT_MAX_P).contains(p))
        .ok_or_else(|| unsafe_(format!("scrypt p = {p}")))?;
    let memory = 128u64
        .checked_mul(n)
        .and_then(|m| m.checked_mul(u64::from(r)))
        .unwrap_or(u64::MAX);
    if memory > limits::SCRYPT_MAX_MEMORY_BYTES {
        return Err(unsafe_(format!("{} MiB of memory", memory >> 20)));
    }
    let log_n = u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX);
    let salt = hex_decode(str_of(slot, "salt").unwrap_or_default(), "slot salt")?;
    budget.scrypt(password.as_bytes(), &salt, log_n, r, p)
}

fn derive_scrypt(
    password: &str,
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>, BackupError> {
    let params =
        scrypt::Params::new(log_n, r, p, 32).map_err(|e| BackupError::UnsafeParameters {
            reason: e.to_string(),
        })?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password.as_bytes(), salt, &params, key.as_mut()).map_err(|e| {
        BackupError::UnsafeParameters {
            reason: e.to_string(),
        }
    })?;
    Ok(key)
}

/// AES-256-GCM with Aegis's detached `{nonce, tag}` (hex), in place.
fn gcm_open(
    key: &[u8; 32],
    params: &Value,
    data: &mut Zeroizing<Vec<u8>>,
) -> Result<(), BackupError> {
    let nonce = hex_decode(str_of(params, "nonce").unwrap_or_default(), "nonce")?;
    let tag = hex_decode(str_of(params, "tag").unwrap_or_default(), "tag")?;
    let nonce = fixed::<12>(&nonce, "nonce")?;
    let tag = fixed::<16>(&tag, "tag")?;
    let cipher = Aes256Gcm::new(key.into());
    cipher
        .decrypt_in_place_detached(
            Nonce::from_slice(&nonce),
            b"",
            data.as_mut_slice(),
            Tag::from_slice(&tag),
        )
        .map_err(|_| BackupError::WrongPassword)
}

fn gcm_seal(key: &[u8; 32], data: &mut [u8]) -> Result<Value, BackupError> {
    let nonce: [u8; 12] = super::random_bytes();
    let tag = Aes256Gcm::new(key.into())
        .encrypt_in_place_detached(Nonce::from_slice(&nonce), b"", data)
        .map_err(|_| BackupError::Crypto {
            reason: "AES-GCM refused the data".into(),
        })?;
    Ok(json!({ "nonce": hex_encode(&nonce), "tag": hex_encode(&tag) }))
}

fn read_content(content: &Value) -> Result<ImportBatch, BackupError> {
    let version = json::u64_of(content, "version")
        .ok_or_else(|| damaged("the vault contents have no version"))?;
    if !CONTENT_VERSIONS.contains(&version) {
        return Err(BackupError::UnsupportedVersion {
            format: "Aegis",
            version: version.to_string(),
        });
    }
    let entries = content
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| damaged("the vault has no list of entries"))?;
    let groups: HashMap<&str, &str> = content
        .get("groups")
        .and_then(Value::as_array)
        .map(|gs| {
            gs.iter()
                .filter_map(|g| Some((str_of(g, "uuid")?, str_of(g, "name")?)))
                .collect()
        })
        .unwrap_or_default();
    Ok(collect(entries.iter().enumerate().map(|(index, entry)| {
        let mut e = Entry::new(
            index,
            str_of(entry, "issuer").unwrap_or_default(),
            str_of(entry, "name").unwrap_or_default(),
            read_entry(entry),
        );
        e.position = Some(i64::try_from(index).unwrap_or(i64::MAX));
        e.notes = str_of(entry, "note").unwrap_or_default().to_string();
        e.icon = icon_of(entry);
        e.groups = match entry.get("groups").and_then(Value::as_array) {
            Some(ids) => ids
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|id| groups.get(id))
                .map(|g| g.to_string())
                .collect(),
            None => str_of(entry, "group")
                .map(String::from)
                .into_iter()
                .collect(),
        };
        e
    })))
}

type Read = (crate::otp::OtpParams, Vec<crate::enroll::Warning>);

fn read_entry(entry: &Value) -> Result<Read, Refusal> {
    let kind = match str_of(entry, "type").unwrap_or_default() {
        "totp" => OtpKind::Totp,
        "hotp" => OtpKind::Hotp,
        "steam" => OtpKind::Steam,
        "motp" => return Err(Refusal::Kind("mOTP")),
        "yandex" => return Err(Refusal::Kind("Yandex")),
        "" => return Err(Refusal::Missing("code type")),
        other => return Err(Refusal::code_type(other)),
    };
    let info = entry.get("info").ok_or(Refusal::Missing("code details"))?;
    let secret_text = str_of(info, "secret").ok_or(Refusal::Missing("secret"))?;
    let raw = RawEntry {
        kind,
        algorithm: str_of(info, "algo"),
        digits: json::opt_u64(info, "digits")?,
        period: json::opt_u64(info, "period")?,
        counter: json::opt_u64(info, "counter")?,
    };
    read_raw_base32(&raw, secret_text)
}

fn icon_of(entry: &Value) -> Option<String> {
    let data = str_of(entry, "icon").filter(|d| !d.is_empty())?;
    // Version 1 vaults had JPEG icons and no mime field.
    let mime = str_of(entry, "icon_mime").unwrap_or("image/jpeg");
    Some(format!("data:{mime};base64,{data}"))
}

/// An icon Aegis can show: `data:image/...;base64,...`. Aegis's `icon_hash` is the SHA-256 of
/// the mime type's bytes followed by the image bytes.
fn icon_fields(icon: Option<&str>) -> (Value, Value, Value) {
    use sha2::Digest;
    let parsed = icon.and_then(|i| {
        let rest = i.strip_prefix("data:")?;
        let (mime, data) = rest.split_once(";base64,")?;
        if !matches!(mime, "image/png" | "image/jpeg" | "image/svg+xml") {
            return None;
        }
        let bytes = b64_decode(data, "icon").ok()?;
        let mut hash = sha2::Sha256::new();
        hash.update(mime.as_bytes());
        hash.update(&*bytes);
        Some((
            mime.to_string(),
            b64_encode(&bytes),
            hex_encode(&hash.finalize()),
        ))
    });
    match parsed {
        Some((mime, data, hash)) => (Value::from(data), Value::from(mime), Value::from(hash)),
        None => (Value::Null, Value::Null, Value::Null),
    }
}

/// The vault content (version 3) for `accounts`, in list order.
fn content_for(accounts: &[BackupAccount]) -> Scrubbed {
    let mut group_ids: Vec<(String, String)> = Vec::new();
    let mut entries = Vec::new();
    for a in ordered(accounts) {
        let p = &a.params;
        let secret = p.secret.to_base32();
        let info = match p.kind {
            OtpKind::Hotp => json!({
                "secret": secret, "algo": p.algorithm.as_str(), "digits": p.digits, "counter": p.counter
            }),
            OtpKind::Totp => json!({
                "secret": secret, "algo": p.algorithm.as_str(), "digits": p.digits, "period": p.period
            }),
            OtpKind::Steam => json!({
                "secret": secret, "algo": "SHA1", "digits": p.digits, "period": p.period
            }),
        };
        let groups: Vec<String> = match &a.group {
            Some(g) if !g.is_empty() => {
                let id = match group_ids.iter().find(|(name, _)| name == g) {
                    Some((_, id)) => id.clone(),
                    None => {
                        let id = uuid_v4();
                        group_ids.push((g.clone(), id.clone()));
                        id
                    }
                };
                vec![id]
            }
            _ => Vec::new(),
        };
        let (icon, icon_mime, icon_hash) = icon_fields(a.icon.as_deref());
        entries.push(json!({
            "type": p.kind.as_str(),
            "uuid": uuid_v4(),
            "name": a.name,
            "issuer": a.issuer,
            "note": a.notes,
            "favorite": false,
            "icon": icon,
            "icon_mime": icon_mime,
            "icon_hash": icon_hash,
            "info": info,
            "groups": groups,
        }));
    }
    let groups: Vec<Value> = group_ids
        .into_iter()
        .map(|(name, uuid)| json!({ "uuid": uuid, "name": name }))
        .collect();
    Scrubbed(json!({ "version": 3, "entries": entries, "groups": groups }))
}

/// Writes an unencrypted Aegis vault (Aegis's "export without encryption"). Everything is kept;
/// the result holds secrets in clear text.
pub fn export_aegis(accounts: &[BackupAccount]) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    check_exportable(accounts)?;
    let mut content = content_for(accounts);
    let db = std::mem::take(&mut content.0);
    let vault = Scrubbed(json!({
        "version": 1,
        "header": { "slots": null, "params": null },
        "db": db,
    }));
    to_bytes(&vault.0)
}

/// Writes a password-protected Aegis vault: a random master key encrypts the content with
/// AES-256-GCM and one password slot (scrypt with `kdf`) wraps it, as Aegis does.
pub fn export_aegis_encrypted(
    accounts: &[BackupAccount],
    password: &str,
    kdf: &AegisKdf,
) -> Result<Vec<u8>, BackupError> {
    check_exportable(accounts)?;
    let content = content_for(accounts);
    let mut plain = to_bytes(&content.0)?;
    let master: Zeroizing<[u8; 32]> = Zeroizing::new(super::random_bytes());
    let params = gcm_seal(&master, plain.as_mut_slice())?;
    let db = b64_encode(&plain);

    let salt: [u8; 32] = super::random_bytes();
    let slot_key = derive_scrypt(password, &salt, kdf.log_n, kdf.r, kdf.p)?;
    let mut wrapped = Zeroizing::new(master.to_vec());
    let key_params = gcm_seal(&slot_key, wrapped.as_mut_slice())?;
    let vault = json!({
        "version": 1,
        "header": {
            "slots": [{
                "type": SLOT_PASSWORD,
                "uuid": uuid_v4(),
                "key": hex_encode(&wrapped),
                "key_params": key_params,
                "n": 1u64 << kdf.log_n.min(63),
                "r": kdf.r,
                "p": kdf.p,
                "salt": hex_encode(&salt),
                "repaired": true,
                "is_backup": false,
            }],
            "params": params,
        },
        "db": db,
    });
    let bytes = to_bytes(&vault)?;
    Ok(bytes.to_vec())
}

fn check_exportable(accounts: &[BackupAccount]) -> Result<(), BackupError> {
    for a in accounts {
        a.params
            .validate()
            .map_err(|e| BackupError::NotExportable {
                reason: format!("{}: {e}", a.label()),
            })?;
    }
    Ok(())
}

fn to_bytes(value: &Value) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    serde_json::to_vec_pretty(value)
        .map(Zeroizing::new)
        .map_err(|e| BackupError::Crypto {
            reason: e.to_string(),
        })
}

/// A random (version 4) UUID, as Aegis gives every entry, group and slot.
fn uuid_v4() -> String {
    let mut b: [u8; 16] = super::random_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex_encode(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
#[path = "aegis_tests.rs"]
mod tests;
