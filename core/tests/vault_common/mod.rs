//! Shared helpers for the vault integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use kunci::{
    Account, AccountDraft, KdfParams, KeyWrapper, KeyWrapperError, OnConflict, OtpParams, Secret,
    Vault,
};

pub const NOW: i64 = 1_700_000_000;
pub const KDF: KdfParams = KdfParams::INSECURE_FOR_TESTS;

/// A directory removed on drop (no tempfile crate in the workspace).
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kunci-{tag}-{}-{}-{:08x}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn vault(&self) -> PathBuf {
        self.0.join("vault.kunci")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn pass() -> Secret {
    Secret::from_slice(b"correct horse battery staple")
}

pub fn draft(issuer: &str, name: &str) -> AccountDraft {
    AccountDraft {
        issuer: issuer.into(),
        name: name.into(),
        params: OtpParams::totp(Secret::from_slice(b"12345678901234567890")),
        notes: String::new(),
        group: None,
        icon: None,
    }
}

pub fn new_vault(dir: &TempDir) -> Vault {
    Vault::create(dir.vault(), &pass(), KDF, NOW).unwrap()
}

/// A new vault holding `n` accounts "Bank / user0000", "Bank / user0001", ... in that order
/// (long enough, from 512, for a list to unseal on several threads).
pub fn vault_with_users(dir: &TempDir, n: usize) -> (Vault, Vec<Account>) {
    let v = new_vault(dir);
    let drafts = (0..n)
        .map(|i| draft("Bank", &format!("user{i:04}")))
        .collect();
    let added = v.add_all(drafts, OnConflict::KeepBoth, NOW).unwrap();
    (v, added)
}

/// A stand-in for Android Keystore / iOS Keychain: XOR with a device key, tagged.
pub struct FakeWrapper {
    pub device_key: u8,
}

impl KeyWrapper for FakeWrapper {
    fn wrap(&self, key: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        let mut out = b"fake:".to_vec();
        out.extend(key.iter().map(|b| b ^ self.device_key));
        Ok(out)
    }

    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        let body = wrapped
            .strip_prefix(b"fake:")
            .ok_or(KeyWrapperError::Failed {
                reason: "not ours".into(),
            })?;
        Ok(body.iter().map(|b| b ^ self.device_key).collect())
    }
}

/// A key store that has lost its key (app reinstalled).
pub struct BrokenWrapper;

impl KeyWrapper for BrokenWrapper {
    fn wrap(&self, _key: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        Err(KeyWrapperError::KeyInvalidated {
            reason: "gone".into(),
        })
    }

    fn unwrap(&self, _wrapped: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        Err(KeyWrapperError::KeyInvalidated {
            reason: "gone".into(),
        })
    }
}

/// Every file SQLite may write beside the vault.
pub fn vault_files(path: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        })
        .collect()
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Raw SQL access for tests that damage a vault on purpose.
pub fn raw(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    conn
}
