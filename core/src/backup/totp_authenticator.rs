//! TOTP Authenticator (com.authenticator.authservice2). Its backup file is base64 text of
//! AES-256-CBC (PKCS#7, IV zero) under the SHA-256 of the password — "TotpAuthenticator" when
//! the user set none; the clear text is a JSON object whose first key is a JSON array of JSON
//! strings, one per account `{name, issuer, key, base (16, 32 or 64)}`. Its internal
//! `shared_prefs/TOTP_Authenticator_Preferences.xml` keeps the same array under
//! `STATIC_TOTP_CODES_LIST`. Accounts are TOTP, SHA1, 6 digits, 30 s.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, b64_decode, hex_decode, str_of};
use super::Refusal;
use super::{
    base32_secret, collect, damaged, read_raw, BackupError, Entry, Format, ImportBatch, RawEntry,
};
use crate::otp::OtpKind;
use crate::secret::Secret;
use serde_json::Value;
use sha2::Digest;
use zeroize::Zeroizing;

const DEFAULT_PASSWORD: &str = "TotpAuthenticator";
const PREF: &str = "STATIC_TOTP_CODES_LIST";

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::TotpAuthenticator,
    name: "totp-authenticator",
    aliases: &["totpauthenticator"],
    title: "TOTP Authenticator backup (encrypted .encrypt) or its internal preferences XML",
    keeps: "TOTP accounts (SHA1, 6 digits, 30 s) with issuer and name",
    cannot: "nothing else is stored there",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        if super::prefs::looks_like(file.text, PREF) {
            return true;
        }
        // The backup: nothing but base64 of whole AES blocks.
        file.text.is_some_and(|t| {
            t.len() >= 24
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/=\r\n".contains(&b))
                && b64_decode(t, "backup").is_ok_and(|d| !d.is_empty() && d.len() % 16 == 0)
        })
    }
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        let text = std::str::from_utf8(bytes).map_err(|_| damaged("it is not UTF-8 text"))?;
        let list = if super::prefs::looks_like(Some(text.trim()), PREF) {
            let prefs = super::prefs::parse(bytes)?;
            let pref = prefs
                .into_iter()
                .find(|p| p.name == PREF)
                .ok_or(BackupError::NotRecognized)?;
            pref.value
        } else {
            let sealed = b64_decode(text, "backup")?;
            let plain = match (decrypt(&sealed, DEFAULT_PASSWORD), options.password) {
                (Some(p), _) => p,
                (None, None) => return Err(BackupError::PasswordRequired),
                (None, Some(pw)) => decrypt(&sealed, pw).ok_or(BackupError::WrongPassword)?,
            };
            let doc = json::parse(&plain)?;
            let first = doc
                .0
                .as_object()
                .and_then(|o| o.keys().next().cloned())
                .ok_or_else(|| damaged("the backup holds no list"))?;
            Zeroizing::new(first)
        };
        read_list(&list)
    }
}

fn decrypt(sealed: &[u8], password: &str) -> Option<Zeroizing<Vec<u8>>> {
    use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
    let key = Zeroizing::new(<[u8; 32]>::from(sha2::Sha256::digest(password.as_bytes())));
    let mut buf = Zeroizing::new(sealed.to_vec());
    let len = cbc::Decryptor::<aes::Aes256>::new_from_slices(key.as_ref(), &[0u8; 16])
        .ok()?
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        .ok()?
        .len();
    buf.truncate(len);
    // CBC has no tag: a wrong key shows as bad padding or text that is not JSON.
    serde_json::from_slice::<serde::de::IgnoredAny>(&buf).ok()?;
    Some(buf)
}

fn read_list(list: &str) -> Result<ImportBatch, BackupError> {
    let doc = json::Scrubbed(
        serde_json::from_str::<Value>(list).map_err(|e| damaged(json::json_reason(&e)))?,
    );
    let items = doc
        .0
        .as_array()
        .ok_or_else(|| damaged("the accounts are not a list"))?;
    Ok(collect(items.iter().enumerate().map(|(index, item)| {
        let inner = item
            .as_str()
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .map(json::Scrubbed);
        let Some(obj) = inner.as_ref().map(|j| &j.0) else {
            return Entry::new(
                index,
                "",
                &format!("entry {}", index + 1),
                Err(Refusal::NotJson),
            );
        };
        Entry::new(
            index,
            str_of(obj, "issuer").unwrap_or_default(),
            str_of(obj, "name").unwrap_or_default(),
            read_entry(obj),
        )
    })))
}

fn read_entry(
    obj: &Value,
) -> Result<(crate::otp::OtpParams, Vec<crate::enroll::Warning>), Refusal> {
    let key = str_of(obj, "key").ok_or(Refusal::Missing("secret"))?;
    let mut warnings = Vec::new();
    let secret = match json::u64_of(obj, "base") {
        Some(16) => Secret::from_slice(&hex_decode(key, "secret")?),
        Some(32) | None => base32_secret(key, &mut warnings)?,
        Some(64) => Secret::from_slice(&b64_decode(key, "secret")?),
        Some(b) => return Err(Refusal::SecretBase(b)),
    };
    let raw = RawEntry {
        kind: OtpKind::Totp,
        algorithm: None,
        digits: None,
        period: None,
        counter: None,
    };
    let (params, mut more) = read_raw(&raw, secret)?;
    warnings.append(&mut more);
    Ok((params, warnings))
}
