//! Ente Auth exports: the plain text list of `otpauth://` URIs, or the encrypted JSON
//! `{version, kdfParams{memLimit, opsLimit, salt}, encryptedData, encryptionNonce}`, which is
//! libsodium's `crypto_pwhash` (Argon2id v1.3) and `crypto_secretstream_xchacha20poly1305`
//! with the whole text in one message; `encryptionNonce` is the stream header.

use super::importer::{FormatInfo, ImportOptions, Importer, Sniff};
use super::json::{self, b64_decode, str_of};
use super::kdf::KdfBudget;
use super::uris::import_lines;
use super::{damaged, limits, BackupError, Format, ImportBatch};
use crypto_secretstream::{Header, Key, PullStream};
use zeroize::Zeroizing;

pub(crate) struct Reader;

static INFO: FormatInfo = FormatInfo {
    format: Format::Ente,
    name: "ente",
    aliases: &["ente-auth"],
    title: "Ente Auth export, encrypted (.json) or plain text",
    keeps: "everything its otpauth:// URIs hold; note and tags (first tag as the group)",
    cannot: "icons, pinned state, trashed entries (left out on purpose); the 1 GiB \"sensitive\" key setting needs the user to confirm",
};

impl Importer for Reader {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }
    fn detect(&self, file: &Sniff<'_>) -> bool {
        file.has_keys(&["kdfParams", "encryptedData"])
    }
    fn read(&self, bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
        read(bytes, options)
    }
}

fn read(bytes: &[u8], options: &ImportOptions<'_>) -> Result<ImportBatch, BackupError> {
    let text = std::str::from_utf8(bytes).map_err(|_| damaged("it is not UTF-8 text"))?;
    if !text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        return import_lines(text);
    }
    let doc = json::parse(bytes)?;
    let root = &doc.0;
    let kdf = root.get("kdfParams").ok_or(BackupError::NotRecognized)?;
    if let Some(v) = json::u64_of(root, "version") {
        if v != 1 {
            return Err(BackupError::UnsupportedVersion {
                format: "Ente Auth",
                version: v.to_string(),
            });
        }
    }
    let password = options.password.ok_or(BackupError::PasswordRequired)?;
    let mem_limit = json::u64_of(kdf, "memLimit").ok_or_else(|| damaged("memLimit is missing"))?;
    let ops_limit = json::u64_of(kdf, "opsLimit").ok_or_else(|| damaged("opsLimit is missing"))?;
    let salt = b64_decode(
        str_of(kdf, "salt").ok_or_else(|| damaged("the salt is missing"))?,
        "salt",
    )?;
    let header = b64_decode(
        str_of(root, "encryptionNonce").ok_or_else(|| damaged("encryptionNonce is missing"))?,
        "encryptionNonce",
    )?;
    let sealed = b64_decode(
        str_of(root, "encryptedData").ok_or_else(|| damaged("encryptedData is missing"))?,
        "encryptedData",
    )?;

    let key = derive_key(password, &salt, mem_limit, ops_limit, &mut options.budget())?;
    let header = Header::try_from(header.as_slice())
        .map_err(|_| damaged("encryptionNonce should be 24 bytes"))?;
    let key = Key::from(*key);
    let mut stream = PullStream::init(header, &key);
    let mut plain = Zeroizing::new(sealed.to_vec());
    stream
        .pull(&mut *plain, &[])
        .map_err(|_| BackupError::WrongPassword)?;
    let text =
        std::str::from_utf8(&plain).map_err(|_| damaged("the decrypted contents are not text"))?;
    import_lines(text)
}

/// libsodium `crypto_pwhash(ALG_ARGON2ID13)`: memLimit in bytes (used in KiB), opsLimit passes,
/// one lane, a 16-byte salt. Above the usual budget (Ente's "sensitive" preset) only when the
/// user confirmed.
fn derive_key(
    password: &str,
    salt: &[u8],
    mem_limit: u64,
    ops_limit: u64,
    budget: &mut KdfBudget,
) -> Result<Zeroizing<[u8; 32]>, BackupError> {
    let unsafe_ = |reason: String| BackupError::UnsafeParameters { reason };
    let memory_kib = u32::try_from(mem_limit / 1024)
        .ok()
        .filter(|m| *m <= limits::ARGON2_MAX_MEMORY_KIB)
        .ok_or_else(|| unsafe_(format!("{} MiB of memory", mem_limit >> 20)))?;
    let iterations = u32::try_from(ops_limit)
        .ok()
        .filter(|t| (1..=limits::ARGON2_MAX_ITERATIONS).contains(t))
        .ok_or_else(|| unsafe_(format!("{ops_limit} passes")))?;
    if !crate::vault::KdfParams::work_ok(memory_kib, iterations) {
        return Err(unsafe_(format!(
            "{} MiB of memory × {iterations} passes",
            mem_limit >> 20
        )));
    }
    if salt.len() != 16 {
        return Err(damaged("the salt should be 16 bytes"));
    }
    let params = argon2::Params::new(memory_kib, iterations, 1, Some(32))
        .map_err(|e| unsafe_(e.to_string()))?;
    budget.argon2id(params, password.as_bytes(), salt, true)
}
