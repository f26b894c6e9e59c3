//! 2FAS Authenticator `.2fas` backups (schema versions 1 to 4), plain or encrypted with
//! PBKDF2-HMAC-SHA256 (10 000 iterations) and AES-256-GCM.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, b64_decode, fixed, str_of, Scrubbed};
use super::kdf::{KdfBudget, Prf};
use super::Refusal;
use super::{
    collect, damaged, limits, ordered, read_raw_base32, BackupAccount, BackupError, Entry, Format,
    ImportBatch, RawEntry,
};
use crate::otp::OtpKind;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use serde_json::{json, Value};
use std::collections::HashMap;
use zeroize::Zeroizing;

/// 2FAS's fixed PBKDF2 iteration count (not stored in the file).
pub const PBKDF2_ITERATIONS: u32 = 10_000;
const SCHEMA_VERSIONS: std::ops::RangeInclusive<u64> = 1..=4;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::TwoFas,
    name: "2fas",
    aliases: &["twofas"],
    title: "2FAS Authenticator backup (.2fas, schema 1-4), plain or encrypted",
    keeps: "TOTP, HOTP and Steam with algorithm, digits, period, counter; issuer, account, group, order",
    cannot: "icons (2FAS keeps them as app-internal references)",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.has_keys(&["schemaVersion"])
            && (file.has_keys(&["services"]) || file.has_keys(&["servicesEncrypted"]))
    }
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        read(bytes, options)
    }
}

fn read(bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
    let doc = json::parse(bytes)?;
    let root = &doc.0;
    if !root.is_object()
        || (root.get("services").is_none() && root.get("servicesEncrypted").is_none())
    {
        return Err(BackupError::NotRecognized);
    }
    if let Some(v) = json::u64_of(root, "schemaVersion") {
        if !SCHEMA_VERSIONS.contains(&v) {
            return Err(BackupError::UnsupportedVersion {
                format: "2FAS",
                version: v.to_string(),
            });
        }
    }
    let groups: HashMap<&str, &str> = root
        .get("groups")
        .and_then(Value::as_array)
        .map(|gs| {
            gs.iter()
                .filter_map(|g| Some((str_of(g, "id")?, str_of(g, "name")?)))
                .collect()
        })
        .unwrap_or_default();

    let encrypted = str_of(root, "servicesEncrypted").filter(|s| !s.trim().is_empty());
    let decrypted: Scrubbed;
    let services = match encrypted {
        Some(sealed) => {
            let password = options.password.ok_or(BackupError::PasswordRequired)?;
            let budget = &mut options.budget();
            let checked = match str_of(root, "reference").filter(|r| !r.trim().is_empty()) {
                Some(reference) => {
                    open(reference, password, budget)?;
                    true
                }
                None => false,
            };
            let plain = open(sealed, password, budget).map_err(|e| match e {
                // The password opened the reference, so the services part was damaged.
                BackupError::WrongPassword if checked => {
                    damaged("the encrypted accounts do not match the password check")
                }
                other => other,
            })?;
            decrypted = json::parse(&plain)?;
            &decrypted.0
        }
        None => root
            .get("services")
            .ok_or_else(|| damaged("the backup has no list of accounts"))?,
    };
    let services = services
        .as_array()
        .ok_or_else(|| damaged("the list of accounts is not a list"))?;

    Ok(collect(services.iter().enumerate().map(
        |(index, service)| {
            let otp = service.get("otp").unwrap_or(&Value::Null);
            let issuer = str_of(service, "name")
                .filter(|n| !n.trim().is_empty())
                .or_else(|| str_of(otp, "issuer"))
                .unwrap_or_default();
            let name = str_of(otp, "account").unwrap_or_default();
            let mut e = Entry::new(index, issuer, name, read_service(service, otp));
            e.position = Some(
                service
                    .get("order")
                    .and_then(|o| json::i64_of(o, "position"))
                    .unwrap_or_else(|| i64::try_from(index).unwrap_or(i64::MAX)),
            );
            e.groups = str_of(service, "groupId")
                .and_then(|id| groups.get(id))
                .map(|g| g.to_string())
                .into_iter()
                .collect();
            e
        },
    )))
}

type Read = (crate::otp::OtpParams, Vec<crate::enroll::Warning>);

fn read_service(service: &Value, otp: &Value) -> Result<Read, Refusal> {
    let kind = match str_of(otp, "tokenType")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("TOTP") => OtpKind::Totp,
        Some("HOTP") => OtpKind::Hotp,
        Some("STEAM") => OtpKind::Steam,
        Some(other) => return Err(Refusal::code_type(other)),
    };
    let secret_text = str_of(service, "secret").ok_or(Refusal::Missing("secret"))?;
    let raw = RawEntry {
        kind,
        algorithm: str_of(otp, "algorithm"),
        digits: json::opt_u64(otp, "digits")?,
        period: json::opt_u64(otp, "period")?,
        counter: json::opt_u64(otp, "counter")?,
    };
    read_raw_base32(&raw, secret_text)
}

/// Opens `base64(ciphertext+tag):base64(salt):base64(iv)`.
fn open(
    sealed: &str,
    password: &str,
    budget: &mut KdfBudget,
) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    let mut parts = sealed.trim().split(':');
    let (Some(data), Some(salt), Some(iv), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(damaged("the encrypted part does not have its three pieces"));
    };
    let data = b64_decode(data, "encrypted data")?;
    let salt = b64_decode(salt, "salt")?;
    let iv = fixed::<12>(&b64_decode(iv, "nonce")?, "nonce")?;
    if data.len() < 16 {
        return Err(damaged("the encrypted data is cut short"));
    }
    const { assert!(PBKDF2_ITERATIONS <= limits::PBKDF2_MAX_ITERATIONS) };
    let key = budget.pbkdf2(Prf::Sha256, password.as_bytes(), &salt, PBKDF2_ITERATIONS)?;
    Aes256Gcm::new(key.as_ref().into())
        .decrypt(Nonce::from_slice(&iv), data.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| BackupError::WrongPassword)
}

/// The text 2FAS encrypts beside the accounts so a wrong password is told apart from a damaged
/// file (a constant of the 2FAS backup format, which 2FAS checks on import).
const REFERENCE: &str = "tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd";
const SALT_LEN: usize = 256;

fn service_of(a: &BackupAccount, groups: &mut Vec<String>) -> Value {
    let p = &a.params;
    let token = match p.kind {
        OtpKind::Totp => "TOTP",
        OtpKind::Hotp => "HOTP",
        OtpKind::Steam => "STEAM",
    };
    let label = if a.issuer.is_empty() {
        a.name.clone()
    } else {
        format!("{}:{}", a.issuer, a.name)
    };
    let mut otp = json!({
        "label": label, "account": a.name, "issuer": a.issuer, "digits": p.digits,
        "algorithm": p.algorithm.as_str(), "tokenType": token, "source": "Link",
    });
    if p.kind == OtpKind::Hotp {
        otp["counter"] = json!(p.counter);
    } else {
        otp["period"] = json!(p.period);
    }
    let initials: String = a.issuer.chars().chain(a.name.chars()).take(2).collect();
    let mut service = json!({
        "name": a.issuer, "secret": p.secret.to_base32(), "updatedAt": 0,
        "otp": otp, "order": {"position": a.position},
        "icon": {"selected": "Label", "label": {"text": initials.to_uppercase(), "backgroundColor": "Default"}},
    });
    if let Some(g) = a.group.as_deref().filter(|g| !g.is_empty()) {
        let id = match groups.iter().position(|x| x == g) {
            Some(i) => i,
            None => {
                groups.push(g.to_string());
                groups.len() - 1
            }
        };
        service["groupId"] = json!(format!("kunci-group-{id}"));
    }
    service
}

/// A `.2fas` file (schema 4) of `accounts`; with a password the accounts are encrypted as 2FAS
/// does (PBKDF2-HMAC-SHA256 × 10 000 over a 256-byte salt, AES-256-GCM, plus the reference).
/// 2FAS has no notes or icons for these accounts: those are left out.
pub fn export_2fas(
    accounts: &[BackupAccount],
    password: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>, BackupError> {
    let mut groups = Vec::new();
    let services: Vec<Value> = ordered(accounts)
        .into_iter()
        .map(|a| {
            a.params
                .validate()
                .map_err(|e| BackupError::NotExportable {
                    reason: format!("{}: {e}", a.label()),
                })?;
            Ok(service_of(a, &mut groups))
        })
        .collect::<Result<_, BackupError>>()?;
    let groups: Vec<Value> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| json!({"id": format!("kunci-group-{i}"), "name": g, "isExpanded": true}))
        .collect();
    let services = Scrubbed(Value::Array(services));
    let mut root = json!({
        "services": [], "groups": groups, "updatedAt": 0, "schemaVersion": 4,
        "appVersionCode": 0, "appVersionName": "Kunci", "appOrigin": "kunci",
    });
    match password {
        None => root["services"] = services.0.clone(),
        Some(password) => {
            let salt: [u8; SALT_LEN] = super::random_bytes();
            let mut key = Zeroizing::new([0u8; 32]);
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
                password.as_bytes(),
                &salt,
                PBKDF2_ITERATIONS,
                key.as_mut(),
            );
            let plain = Zeroizing::new(serde_json::to_vec(&services.0).map_err(|e| {
                BackupError::Crypto {
                    reason: e.to_string(),
                }
            })?);
            root["servicesEncrypted"] = json!(seal(&key, &salt, &plain)?);
            root["reference"] = json!(seal(&key, &salt, REFERENCE.as_bytes())?);
        }
    }
    let root = Scrubbed(root);
    serde_json::to_vec_pretty(&root.0)
        .map(Zeroizing::new)
        .map_err(|e| BackupError::Crypto {
            reason: e.to_string(),
        })
}

/// `base64(ciphertext+tag):base64(salt):base64(iv)`.
fn seal(key: &[u8; 32], salt: &[u8], plain: &[u8]) -> Result<String, BackupError> {
    let iv: [u8; 12] = super::random_bytes();
    let sealed = Aes256Gcm::new(key.into())
        .encrypt(Nonce::from_slice(&iv), plain)
        .map_err(|_| BackupError::Crypto {
            reason: "AES-GCM refused the data".into(),
        })?;
    Ok(format!(
        "{}:{}:{}",
        super::json::b64_encode(&sealed),
        super::json::b64_encode(salt),
        super::json::b64_encode(&iv)
    ))
}
