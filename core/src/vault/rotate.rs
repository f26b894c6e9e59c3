//! Changing the passphrase and rotating the vault key: a new random key, every row, setting and
//! the key check resealed, every slot rewrapped or removed, in one transaction.
//!
//! Rewrapping only the passphrase slot (as before issue 17) kept the vault key: an old copy of the
//! slot, put back into the file, still opened every row added after the change. With a new key
//! the old slot opens nothing written since. A slot whose secret is not at hand cannot be
//! rewrapped: other passphrase slots are removed, and platform slots are rewrapped only through
//! the `KeyWrapper` the caller passes (else removed); the caller is told which slots went.

use rusqlite::Transaction;

use super::accounts::ACCOUNTS_TABLE;
use super::keys::PassphraseSlot;
use super::manifest::Manifest;
use super::seal::{self, RecordCipher, RowRef, ACCOUNT_RECORD_VERSION};
use super::{
    checkpoint, read_header, wrap_verified, KdfParams, KeyWrapper, Result, Unlocked, Vault,
    VaultError, KEY_CHECK, META_TABLE, SETTINGS_TABLE,
};
use crate::secret::Secret;

impl Vault {
    /// Replaces the passphrase `old` opens with `new` under a new vault key; platform slots are
    /// removed (add one again with [`Vault::add_platform_slot`]). `WrongPassphrase` if no
    /// passphrase slot opens with `old`.
    pub fn change_passphrase(&self, old: &Secret, new: &Secret, kdf: KdfParams) -> Result<()> {
        self.rekey(old, new, kdf, None).map(|_| ())
    }

    /// Makes a new vault key and keeps the passphrase: for "I think someone copied my vault".
    pub fn rotate_key(
        &self,
        passphrase: &Secret,
        kdf: KdfParams,
        wrapper: Option<&dyn KeyWrapper>,
    ) -> Result<Vec<i64>> {
        self.rekey(passphrase, passphrase, kdf, wrapper)
    }

    /// The passphrase slot `old` opens gets `new`; every account, setting and the key check are
    /// resealed with a new random key; platform slots are rewrapped through `wrapper` (else
    /// removed); other passphrase slots are removed. Returns the ids of removed slots. A row or
    /// setting that does not open stops the change before anything is written.
    pub fn rekey(
        &self,
        old: &Secret,
        new: &Secret,
        kdf: KdfParams,
        wrapper: Option<&dyn KeyWrapper>,
    ) -> Result<Vec<i64>> {
        kdf.validate_for_writing()?;
        let key = self.vault_key()?;
        // The KDFs and the foreign wrapper run with the mutex released.
        let header = read_header(&mut self.guard().conn, false)?;
        let mut found = None;
        for (id, slot) in &header.passphrase_slots {
            if slot.open(old)?.is_some_and(|k| k == key) {
                found = Some((*id, slot.wrapped.clone()));
                break;
            }
        }
        let (slot_id, old_wrapped) = found.ok_or(VaultError::WrongPassphrase)?;
        let new_key = seal::random_key();
        let new_cipher = RecordCipher::new(&new_key).ok_or(VaultError::Corrupted {
            reason: "the new vault key has the wrong length".into(),
        })?;
        let slot = PassphraseSlot::create(&new_key, new, kdf)?;
        let platform = wrapper.map(|w| wrap_verified(w, &new_key)).transpose()?;

        let mut guard = self.guard();
        let inner = &mut *guard;
        let unlocked = inner.unlocked.as_ref().ok_or(VaultError::Locked)?;
        if unlocked.key != key {
            // Another call rotated the key meanwhile; its slots are not the ones we read.
            return Err(VaultError::Busy);
        }
        let tx = inner
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        reseal_all(&tx, &unlocked.cipher, &new_cipher)?;
        let removed = rewrite_slots(&tx, slot_id, &old_wrapped, &slot, platform.as_deref())?;
        tx.commit()?;
        inner.unlocked = Some(Unlocked {
            key: new_key,
            cipher: new_cipher,
        });
        // Rows sealed with the old key leave the WAL as well (secure_delete zeroed them in the
        // main file).
        checkpoint(&inner.conn);
        Ok(removed)
    }
}

/// Reseals the manifest, every account row (with its next write counter), every setting and the
/// key check from `old` to `new`.
fn reseal_all(tx: &Transaction<'_>, old: &RecordCipher, new: &RecordCipher) -> Result<()> {
    let mut manifest = Manifest::load(tx, old)?;
    let mut seen = std::collections::HashSet::new();
    {
        let mut stmt = tx.prepare("SELECT id, sealed FROM accounts")?;
        let mut rows = stmt.query([])?;
        let mut update = tx.prepare("UPDATE accounts SET sealed = ?1 WHERE id = ?2")?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let tampered = VaultError::TamperedRecord { id };
            let sealed: Vec<u8> = row.get(1).map_err(|_| tampered.clone())?;
            let counter = manifest.counter(id).ok_or(tampered.clone())?;
            let plain = old
                .open_as(
                    ACCOUNT_RECORD_VERSION,
                    ACCOUNTS_TABLE,
                    RowRef::Counted { id, counter },
                    &sealed,
                )
                .map_err(|_| tampered)?;
            let counter = manifest.bump(id);
            let resealed = new.seal_as(
                ACCOUNT_RECORD_VERSION,
                ACCOUNTS_TABLE,
                RowRef::Counted { id, counter },
                &plain,
            );
            update.execute(rusqlite::params![resealed, id])?;
            seen.insert(id);
        }
    }
    if let Some(id) = manifest.ids().find(|id| !seen.contains(id)) {
        return Err(VaultError::TamperedRecord { id });
    }
    manifest.save(tx, new)?;
    {
        let mut stmt = tx.prepare("SELECT key, sealed FROM settings")?;
        let mut rows = stmt.query([])?;
        let mut update = tx.prepare("UPDATE settings SET sealed = ?1 WHERE key = ?2")?;
        while let Some(row) = rows.next()? {
            let key: String = row.get(0)?;
            let tampered = || VaultError::TamperedSetting { key: key.clone() };
            let sealed: Vec<u8> = row.get(1).map_err(|_| tampered())?;
            let plain = old
                .open(SETTINGS_TABLE, RowRef::Key(&key), &sealed)
                .map_err(|_| tampered())?;
            let resealed = new.seal(SETTINGS_TABLE, RowRef::Key(&key), &plain);
            update.execute(rusqlite::params![resealed, key])?;
        }
    }
    tx.execute(
        "UPDATE vault_meta SET key_check = ?1 WHERE id = 1",
        [new.seal(META_TABLE, RowRef::Id(1), KEY_CHECK)],
    )?;
    Ok(())
}

/// The changed passphrase slot in place, the first platform slot rewrapped (if a wrapped key is
/// given), every other slot deleted. Returns the deleted ids.
fn rewrite_slots(
    tx: &Transaction<'_>,
    slot_id: i64,
    old_wrapped: &[u8],
    slot: &PassphraseSlot,
    platform: Option<&[u8]>,
) -> Result<Vec<i64>> {
    let changed = tx.execute(
        "UPDATE key_slots SET kdf_m_kib = ?1, kdf_t = ?2, kdf_p = ?3, kdf_salt = ?4,
         wrapped_key = ?5 WHERE id = ?6 AND wrapped_key = ?7",
        rusqlite::params![
            slot.kdf.memory_kib,
            slot.kdf.iterations,
            slot.kdf.parallelism,
            slot.salt,
            slot.wrapped,
            slot_id,
            old_wrapped
        ],
    )?;
    // Another process changed or removed this slot since we read it.
    if changed != 1 {
        return Err(VaultError::Busy);
    }
    let mut keep = vec![slot_id];
    if let Some(wrapped) = platform {
        let first: Option<i64> = tx.query_row(
            "SELECT min(id) FROM key_slots WHERE kind = 'platform'",
            [],
            |r| r.get(0),
        )?;
        if let Some(id) = first {
            tx.execute(
                "UPDATE key_slots SET wrapped_key = ?1 WHERE id = ?2",
                rusqlite::params![wrapped, id],
            )?;
            keep.push(id);
        }
    }
    let mut removed = Vec::new();
    {
        let mut stmt = tx.prepare("SELECT id FROM key_slots ORDER BY id")?;
        let ids = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        for id in ids {
            let id = id?;
            if !keep.contains(&id) {
                removed.push(id);
            }
        }
    }
    for id in &removed {
        tx.execute("DELETE FROM key_slots WHERE id = ?1", [id])?;
    }
    Ok(removed)
}
