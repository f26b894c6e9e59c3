//! Authy's `shared_prefs/com.authy.storage.tokens.authenticator.xml` (from a rooted phone): one
//! `<string>` holding a JSON array of tokens `{name, originalName, accountType, digits,
//! decryptedSecret}` — or, when the user set a backups password, `{encryptedSecret (base64),
//! salt, key_derivation_iterations?, unique_iv? (hex)}`: AES-256-CBC (PKCS#7) under
//! PBKDF2-HMAC-SHA1 (1000 iterations unless stated), IV zero unless `unique_iv`; the clear text
//! is the base32 secret. Authy's third-party tokens are TOTP, SHA1, 30 s.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, b64_decode, hex_decode, str_of};
use super::kdf::{KdfBudget, Prf};
use super::Refusal;
use super::{collect, read_raw_base32, BackupError, Entry, Format, ImportBatch, RawEntry};
use crate::otp::OtpKind;
use serde_json::Value;
use zeroize::Zeroizing;

const PREF: &str = "com.authy.storage.tokens.authenticator.key";

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Authy,
    name: "authy",
    aliases: &["twilio-authy"],
    title: "Authy's tokens file (shared_prefs XML from a rooted phone), plain or with a backups password",
    keeps: "third-party TOTP accounts with their digits; issuer and name as Authy shows them",
    cannot: "Authy's own app tokens (Twilio-hosted, 7 digits / 10 s, not exportable)",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        super::prefs::looks_like(file.text, PREF)
    }
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let prefs = super::prefs::parse(bytes)?;
        let pref = prefs
            .iter()
            .find(|p| p.name == PREF)
            .ok_or(BackupError::NotRecognized)?;
        let doc = json::Scrubbed(
            serde_json::from_str::<Value>(&pref.value)
                .map_err(|e| super::damaged(json::json_reason(&e)))?,
        );
        let tokens = doc
            .0
            .as_array()
            .ok_or_else(|| super::damaged("the tokens are not a list"))?;
        let encrypted = tokens.iter().any(|t| t.get("decryptedSecret").is_none());
        let password = match (encrypted, options.password) {
            (true, None) => return Err(BackupError::PasswordRequired),
            (_, p) => p,
        };
        let mut budget = options.budget();
        // One derivation per distinct salt: Authy uses one salt for all tokens.
        let mut keys: Vec<(String, u32, Zeroizing<[u8; 32]>)> = Vec::new();
        let mut entries = Vec::new();
        let mut opened = 0usize;
        for (index, t) in tokens.iter().enumerate() {
            let (issuer, name) = names(t);
            let read = match str_of(t, "decryptedSecret") {
                Some(s) => Ok(Zeroizing::new(s.to_string())),
                None => decrypt(t, password.unwrap_or_default(), &mut budget, &mut keys),
            };
            let read = match read {
                Ok(secret) => {
                    opened += 1;
                    let raw = RawEntry {
                        kind: OtpKind::Totp,
                        algorithm: None,
                        digits: json::opt_u64(t, "digits").ok().flatten(),
                        period: None,
                        counter: None,
                    };
                    read_raw_base32(&raw, &secret)
                }
                Err(BackupError::WrongPassword) => Err(Refusal::WrongPassword),
                Err(e @ (BackupError::UnsafeParameters { .. } | BackupError::Cancelled)) => {
                    return Err(e)
                }
                Err(e) => Err(Refusal::File(e)),
            };
            entries.push(Entry::new(index, &issuer, &name, read));
        }
        if encrypted && opened == 0 && !tokens.is_empty() {
            return Err(BackupError::WrongPassword);
        }
        Ok(collect(entries))
    }
}

/// Issuer and name as Aegis and Authy show them: `Issuer:name` in originalName, else
/// `Issuer - name` in name, else the account type as issuer.
fn names(t: &Value) -> (String, String) {
    let original = str_of(t, "originalName").unwrap_or_default();
    let name = str_of(t, "name").unwrap_or_default();
    if let Some((issuer, rest)) = original.split_once(':') {
        let shown = name.strip_prefix(&format!("{issuer}:")).unwrap_or(name);
        let shown = if shown.is_empty() { rest } else { shown };
        return (issuer.to_string(), shown.to_string());
    }
    if let Some((issuer, rest)) = name.split_once(" - ") {
        return (issuer.to_string(), rest.to_string());
    }
    let kind = str_of(t, "accountType").unwrap_or_default();
    let mut chars = kind.chars();
    let issuer = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    (issuer, name.to_string())
}

fn decrypt(
    t: &Value,
    password: &str,
    budget: &mut KdfBudget,
    keys: &mut Vec<(String, u32, Zeroizing<[u8; 32]>)>,
) -> Result<Zeroizing<String>, BackupError> {
    use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
    let sealed = b64_decode(
        str_of(t, "encryptedSecret").ok_or_else(|| super::damaged("a token has no secret"))?,
        "encrypted secret",
    )?;
    let salt = str_of(t, "salt").unwrap_or_default().to_string();
    let iterations = json::u64_of(t, "key_derivation_iterations")
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .unwrap_or(1000);
    let iv: [u8; 16] = match str_of(t, "unique_iv") {
        Some(hex) => super::json::fixed::<16>(&hex_decode(hex, "IV")?, "IV")?,
        None => [0u8; 16],
    };
    let key = match keys.iter().find(|(s, i, _)| *s == salt && *i == iterations) {
        Some((_, _, k)) => k.clone(),
        None => {
            let k = budget.pbkdf2(Prf::Sha1, password.as_bytes(), salt.as_bytes(), iterations)?;
            keys.push((salt, iterations, k.clone()));
            k
        }
    };
    let mut buf = Zeroizing::new(sealed.to_vec());
    let len = cbc::Decryptor::<aes::Aes256>::new_from_slices(key.as_ref(), &iv)
        .map_err(|_| super::damaged("the IV has the wrong length"))?
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        .map_err(|_| BackupError::WrongPassword)?
        .len();
    buf.truncate(len);
    let text = std::str::from_utf8(&buf).map_err(|_| BackupError::WrongPassword)?;
    Ok(Zeroizing::new(text.to_string()))
}
