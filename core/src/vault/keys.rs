//! Key slots: the random vault key wrapped once per way of opening the vault.
//!
//! A passphrase slot stores Argon2id parameters and salt beside the vault key sealed under the
//! derived key; a platform slot stores whatever the platform's [`KeyWrapper`] returned. Changing a
//! passphrase (or rotating the key) makes a new vault key and rewraps every slot (see `rotate.rs`).

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use super::error::{KeyWrapperError, VaultError};
use super::seal::{self, KEY_LEN};
use crate::secret::Secret;

/// A platform key store (Android Keystore, iOS Keychain) that wraps the vault key with a key
/// that never leaves the device. Kept this simple on purpose: it becomes a UniFFI foreign trait.
/// The vault never calls it while holding its connection lock.
pub trait KeyWrapper: Send + Sync {
    fn wrap(&self, key: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError>;
    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError>;
}

/// Argon2id cost, stored with each passphrase slot so it can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// 64 MiB, 3 passes, 1 lane: about half a second on a phone-class core.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// The cheapest parameters Argon2 accepts. Tests and benchmarks only: offers no protection.
    /// Compiled out of release builds (unless the `insecure-test-kdf` feature asks for it, as the
    /// benchmark examples do), and the only parameters below the writing floor a build with it
    /// still writes.
    #[cfg(any(debug_assertions, feature = "insecure-test-kdf"))]
    pub const INSECURE_FOR_TESTS: KdfParams = KdfParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };

    /// Floors for a slot or backup Kunci writes (OWASP's Argon2id minimum: 19 MiB, 2 passes).
    /// Reading stays lenient: a file written with less by another tool or an older build opens.
    pub const MIN_WRITE_MEMORY_KIB: u32 = 19 * 1024;
    pub const MIN_WRITE_ITERATIONS: u32 = 2;

    /// Upper bounds on what a slot may ask for, so a damaged or hostile file cannot make
    /// opening allocate gigabytes or spin for hours.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    pub const MAX_ITERATIONS: u32 = 64;
    pub const MAX_PARALLELISM: u32 = 16;
    /// Memory × passes, the real cost of a derivation: each bound alone still allows 1 GiB × 64
    /// passes (minutes, found by fuzzing). 4 GiB·passes admits libsodium's "sensitive" preset
    /// (1 GiB × 4, Ente) and is about 20× our default.
    pub const MAX_WORK_KIB_PASSES: u64 = 4 << 20;

    pub fn validate(&self) -> Result<(), VaultError> {
        let bad = |reason: String| Err(VaultError::InvalidKdfParams { reason });
        if self.parallelism == 0 || self.parallelism > Self::MAX_PARALLELISM {
            return bad(format!(
                "parallelism {} is outside 1..={}",
                self.parallelism,
                Self::MAX_PARALLELISM
            ));
        }
        if self.iterations == 0 || self.iterations > Self::MAX_ITERATIONS {
            return bad(format!(
                "iterations {} is outside 1..={}",
                self.iterations,
                Self::MAX_ITERATIONS
            ));
        }
        let min_memory = 8 * self.parallelism;
        if self.memory_kib < min_memory || self.memory_kib > Self::MAX_MEMORY_KIB {
            return bad(format!(
                "memory {} KiB is outside {min_memory}..={} KiB",
                self.memory_kib,
                Self::MAX_MEMORY_KIB
            ));
        }
        if !Self::work_ok(self.memory_kib, self.iterations) {
            return bad(format!(
                "{} KiB × {} passes is more work than any real setting",
                self.memory_kib, self.iterations
            ));
        }
        Ok(())
    }

    /// [`KdfParams::validate`] plus the writing floors: what a new passphrase slot (or an
    /// export) may use. A phone that writes 8 KiB × 1 pass makes every guess nearly free.
    pub fn validate_for_writing(&self) -> Result<(), VaultError> {
        self.validate()?;
        #[cfg(any(debug_assertions, feature = "insecure-test-kdf"))]
        if *self == Self::INSECURE_FOR_TESTS {
            return Ok(());
        }
        if self.memory_kib < Self::MIN_WRITE_MEMORY_KIB
            || self.iterations < Self::MIN_WRITE_ITERATIONS
        {
            return Err(VaultError::InvalidKdfParams {
                reason: format!(
                    "{} KiB × {} passes is too cheap to protect a passphrase; use at least {} KiB \
                     and {} passes",
                    self.memory_kib,
                    self.iterations,
                    Self::MIN_WRITE_MEMORY_KIB,
                    Self::MIN_WRITE_ITERATIONS
                ),
            });
        }
        Ok(())
    }

    /// Whether memory × passes stays within [`KdfParams::MAX_WORK_KIB_PASSES`].
    pub fn work_ok(memory_kib: u32, iterations: u32) -> bool {
        u64::from(memory_kib) * u64::from(iterations) <= Self::MAX_WORK_KIB_PASSES
    }

    /// The 32-byte key-encryption key for `passphrase`.
    pub(crate) fn derive(
        &self,
        passphrase: &Secret,
        salt: &[u8],
    ) -> Result<Zeroizing<[u8; KEY_LEN]>, VaultError> {
        self.validate()?;
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|e| VaultError::InvalidKdfParams {
            reason: e.to_string(),
        })?;
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.expose(), salt, out.as_mut_slice())
            .map_err(|e| VaultError::InvalidKdfParams {
                reason: e.to_string(),
            })?;
        Ok(out)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

pub(crate) const SALT_LEN: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    Passphrase,
    Platform,
}

impl SlotKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SlotKind::Passphrase => "passphrase",
            SlotKind::Platform => "platform",
        }
    }
}

/// What the vault tells about a slot (never the wrapped key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySlotInfo {
    pub id: i64,
    pub kind: SlotKind,
    /// Argon2id parameters, for passphrase slots.
    pub kdf: Option<KdfParams>,
    pub created_at: i64,
}

/// A passphrase slot as stored.
#[derive(Clone)]
pub(crate) struct PassphraseSlot {
    pub kdf: KdfParams,
    pub salt: Vec<u8>,
    pub wrapped: Vec<u8>,
}

fn slot_aad(kdf: &KdfParams, salt: &[u8]) -> Vec<u8> {
    // The parameters are bound too: editing them in the file cannot go unnoticed.
    let mut aad = b"kunci.vault.v1\0key_slots\0passphrase\0".to_vec();
    aad.extend_from_slice(&kdf.memory_kib.to_be_bytes());
    aad.extend_from_slice(&kdf.iterations.to_be_bytes());
    aad.extend_from_slice(&kdf.parallelism.to_be_bytes());
    aad.extend_from_slice(salt);
    aad
}

impl PassphraseSlot {
    /// Runs the KDF: call without holding the vault lock. Refuses an empty passphrase and
    /// parameters under the writing floors.
    pub(crate) fn create(
        vault_key: &Secret,
        passphrase: &Secret,
        kdf: KdfParams,
    ) -> Result<Self, VaultError> {
        kdf.validate_for_writing()?;
        if passphrase.is_empty() {
            return Err(VaultError::InvalidInput {
                reason: "the passphrase must not be empty".into(),
            });
        }
        let salt = seal::random_bytes::<SALT_LEN>().to_vec();
        let kek = kdf.derive(passphrase, &salt)?;
        let wrapped = seal::seal_with(
            &seal::kek_cipher(&kek),
            &slot_aad(&kdf, &salt),
            vault_key.expose(),
        );
        Ok(PassphraseSlot { kdf, salt, wrapped })
    }

    /// The vault key if `passphrase` opens this slot. Runs the KDF: call without the lock.
    pub(crate) fn open(&self, passphrase: &Secret) -> Result<Option<Secret>, VaultError> {
        let kek = self.kdf.derive(passphrase, &self.salt)?;
        match seal::open_with(
            &seal::kek_cipher(&kek),
            &slot_aad(&self.kdf, &self.salt),
            &self.wrapped,
        ) {
            Ok(key) => Ok(Some(Secret::from_slice(&key))),
            Err(_) => Ok(None),
        }
    }
}

/// Wraps through the platform. Call without holding the vault lock.
pub(crate) fn platform_wrap(
    wrapper: &dyn KeyWrapper,
    vault_key: &Secret,
) -> Result<Vec<u8>, VaultError> {
    Ok(wrapper.wrap(vault_key.expose().to_vec())?)
}

/// Unwraps through the platform. Call without holding the vault lock.
pub(crate) fn platform_unwrap(
    wrapper: &dyn KeyWrapper,
    wrapped: &[u8],
) -> Result<Secret, VaultError> {
    Ok(Secret::new(wrapper.unwrap(wrapped.to_vec())?))
}
