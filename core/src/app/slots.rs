//! Locking and the vault's key slots: passphrase (Argon2id) and platform key (`KeyWrapper`).

use super::Kunci;
use crate::error::KunciError;
use crate::secret::Secret;
use crate::vault::{KdfParams, KeyWrapper};

impl Kunci {
    /// Forgets the vault key; every call fails with `Locked` until an unlock.
    pub fn lock(&self) {
        self.vault.lock();
    }

    pub fn unlock_with_passphrase(&self, passphrase: &Secret) -> Result<(), KunciError> {
        Ok(self.vault.unlock_with_passphrase(passphrase)?)
    }

    pub fn unlock_with_key_wrapper(&self, wrapper: &dyn KeyWrapper) -> Result<(), KunciError> {
        Ok(self.vault.unlock_with_key_wrapper(wrapper)?)
    }

    /// Adds a passphrase slot (e.g. a recovery passphrase beside the platform key).
    pub fn add_passphrase(&self, passphrase: &Secret, kdf: KdfParams) -> Result<(), KunciError> {
        self.vault
            .add_passphrase_slot(passphrase, kdf, self.stamp())?;
        Ok(())
    }

    /// Changes the passphrase under a new vault key (every account is resealed, issue 17
    /// finding 1). The platform slot is rewrapped through `wrapper` when given; without one it
    /// is removed and must be added again.
    pub fn change_passphrase(
        &self,
        old: &Secret,
        new: &Secret,
        kdf: KdfParams,
        wrapper: Option<&dyn KeyWrapper>,
    ) -> Result<(), KunciError> {
        self.vault.rekey(old, new, kdf, wrapper)?;
        Ok(())
    }

    /// Adds a platform key slot, so the app can open without the passphrase.
    pub fn add_platform_key(&self, wrapper: &dyn KeyWrapper) -> Result<(), KunciError> {
        self.vault.add_platform_slot(wrapper, self.stamp())?;
        Ok(())
    }

    /// Puts one platform slot through `wrapper` in place of every platform slot (the app lock's
    /// key swap); passphrase slots are untouched.
    pub fn replace_platform_key(&self, wrapper: &dyn KeyWrapper) -> Result<(), KunciError> {
        self.vault.replace_platform_slots(wrapper, self.stamp())?;
        Ok(())
    }

    /// Whether the vault key is forgotten (after `lock`, before an unlock).
    pub fn is_locked(&self) -> bool {
        self.vault.is_locked()
    }
}
