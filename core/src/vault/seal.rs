//! `SealedRecord`: XChaCha20-Poly1305 with a fresh random nonce per write, bound to where the
//! row lives.
//!
//! Layout of a sealed blob: `[record version: u8][nonce: 24 bytes][ciphertext + 16-byte tag]`.
//! The associated data names the table, the row (id or settings key) and the record version, so
//! a blob copied to another row, moved to another id, or relabelled with another version does
//! not open. The version is the layout of the sealed plaintext (bumped only by a migration that
//! re-seals rows); schema migrations that leave the layout alone need no key.
//!
//! Account rows and the manifest use record version 2 (schema v3): an account row's associated
//! data also holds its write counter ([`RowRef::Counted`]), which the sealed manifest records, so
//! an older copy of a row put back into the file no longer opens.

use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit, Payload};
use chacha20poly1305::{Key, Tag, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::{Zeroize, Zeroizing};

use crate::secret::Secret;

pub(crate) const KEY_LEN: usize = 32;
pub(crate) const NONCE_LEN: usize = 24;
pub(crate) const TAG_LEN: usize = 16;
/// Layout version of sealed settings, the key check and key slots.
pub(crate) const RECORD_VERSION: u8 = 1;
/// Layout version of sealed account rows and the manifest (timestamps inside, padded).
pub(crate) const ACCOUNT_RECORD_VERSION: u8 = 2;
const AAD_DOMAIN: &[u8] = b"kunci.vault.v1";

/// Where a sealed blob belongs; part of its associated data.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowRef<'a> {
    Id(i64),
    Key(&'a str),
    /// An account row at its `counter`-th write.
    Counted {
        id: i64,
        counter: u64,
    },
}

fn associated_data(table: &str, row: RowRef<'_>, version: u8) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_DOMAIN.len() + table.len() + 32);
    associated_data_into(&mut aad, table, row, version);
    aad
}

/// Writes the associated data into `aad` (cleared first), so a list reuses one buffer.
fn associated_data_into(aad: &mut Vec<u8>, table: &str, row: RowRef<'_>, version: u8) {
    aad.clear();
    aad.extend_from_slice(AAD_DOMAIN);
    aad.push(0);
    aad.extend_from_slice(table.as_bytes());
    aad.push(0);
    match row {
        RowRef::Id(id) => {
            aad.push(b'i');
            aad.extend_from_slice(&id.to_be_bytes());
        }
        RowRef::Key(key) => {
            aad.push(b'k');
            aad.extend_from_slice(&(key.len() as u64).to_be_bytes());
            aad.extend_from_slice(key.as_bytes());
        }
        RowRef::Counted { id, counter } => {
            aad.push(b'c');
            aad.extend_from_slice(&id.to_be_bytes());
            aad.extend_from_slice(&counter.to_be_bytes());
        }
    }
    aad.push(version);
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::rng().fill_bytes(&mut out);
    out
}

pub(crate) fn random_key() -> Secret {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    rand::rng().fill_bytes(key.as_mut_slice());
    Secret::from_slice(key.as_slice())
}

/// The vault key, ready to seal and open rows. The cipher zeroizes its key copy on drop.
pub(crate) struct RecordCipher {
    aead: XChaCha20Poly1305,
}

/// Opening failed: wrong key, or the blob/its place was altered. Callers turn it into the
/// row-specific `VaultError`.
#[derive(Debug)]
pub(crate) struct OpenFailed;

impl RecordCipher {
    /// `None` unless the key is exactly 32 bytes.
    pub(crate) fn new(key: &Secret) -> Option<Self> {
        if key.len() != KEY_LEN {
            return None;
        }
        Some(RecordCipher {
            aead: XChaCha20Poly1305::new(Key::from_slice(key.expose())),
        })
    }

    pub(crate) fn seal(&self, table: &str, row: RowRef<'_>, plaintext: &[u8]) -> Vec<u8> {
        self.seal_as(RECORD_VERSION, table, row, plaintext)
    }

    /// Seals with an explicit record version (bound in the associated data).
    pub(crate) fn seal_as(
        &self,
        version: u8,
        table: &str,
        row: RowRef<'_>,
        plaintext: &[u8],
    ) -> Vec<u8> {
        seal_versioned(
            &self.aead,
            version,
            &associated_data(table, row, version),
            plaintext,
        )
    }

    /// The plaintext, zeroized when dropped.
    pub(crate) fn open(
        &self,
        table: &str,
        row: RowRef<'_>,
        blob: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
        self.open_as(RECORD_VERSION, table, row, blob)
    }

    /// Opens only a blob of record version `version`; the plaintext is a buffer of its own.
    pub(crate) fn open_as(
        &self,
        version: u8,
        table: &str,
        row: RowRef<'_>,
        blob: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
        let mut buf = OpenBuffer::default();
        self.open_into(version, table, row, blob, &mut buf)?;
        Ok(std::mem::take(&mut buf.plain))
    }
}

/// Buffers reused while opening many rows one after another (a list opens one per account): the
/// associated data and the plaintext, which is zeroized when the buffer drops and before it
/// ever grows (a reallocation would leave the old copy behind).
#[derive(Default)]
pub(crate) struct OpenBuffer {
    aad: Vec<u8>,
    plain: Zeroizing<Vec<u8>>,
}

impl RecordCipher {
    /// Like [`RecordCipher::open_as`], but decrypts in place into `buf` and returns the
    /// plaintext from there; valid until the next call with the same buffer.
    pub(crate) fn open_into<'b>(
        &self,
        version: u8,
        table: &str,
        row: RowRef<'_>,
        blob: &[u8],
        buf: &'b mut OpenBuffer,
    ) -> Result<&'b [u8], OpenFailed> {
        associated_data_into(&mut buf.aad, table, row, version);
        open_in_place(&self.aead, version, &buf.aad, blob, &mut buf.plain)
    }
}

/// The one way a blob is opened: its version byte must be `version` and its length hold a
/// nonce and a tag; the ciphertext is copied into `plain` and decrypted there.
fn open_in_place<'b>(
    aead: &XChaCha20Poly1305,
    version: u8,
    aad: &[u8],
    blob: &[u8],
    plain: &'b mut Zeroizing<Vec<u8>>,
) -> Result<&'b [u8], OpenFailed> {
    if blob.first() != Some(&version) || blob.len() < 1 + NONCE_LEN + TAG_LEN {
        return Err(OpenFailed);
    }
    let (nonce, rest) = blob[1..].split_at(NONCE_LEN); // ok: length checked just above
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
    let plain: &mut Vec<u8> = plain;
    if plain.capacity() < ciphertext.len() {
        plain.zeroize();
        plain.reserve_exact(ciphertext.len());
    }
    plain.clear();
    plain.extend_from_slice(ciphertext);
    // The tag is checked before anything is decrypted; on failure `plain` holds ciphertext.
    aead.decrypt_in_place_detached(XNonce::from_slice(nonce), aad, plain, Tag::from_slice(tag))
        .map_err(|_| OpenFailed)?;
    Ok(plain.as_slice())
}

/// `[RECORD_VERSION][nonce][ciphertext+tag]` under `aead`.
pub(crate) fn seal_with(aead: &XChaCha20Poly1305, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    seal_versioned(aead, RECORD_VERSION, aad, plaintext)
}

fn seal_versioned(aead: &XChaCha20Poly1305, version: u8, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let nonce: [u8; NONCE_LEN] = random_bytes();
    // Encryption of a bounded in-memory buffer cannot fail (the only error is a length overflow
    // at 256 GiB); an empty ciphertext would then fail to open, never silently succeed.
    let ciphertext = aead
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .unwrap_or_default();
    let mut blob = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
    blob.push(version);
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&ciphertext);
    blob
}

/// Opens a blob sealed by [`seal_with`] (record version 1) under `aead`.
pub(crate) fn open_with(
    aead: &XChaCha20Poly1305,
    aad: &[u8],
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
    let mut plain = Zeroizing::new(Vec::new());
    open_in_place(aead, RECORD_VERSION, aad, blob, &mut plain)?;
    Ok(plain)
}

/// A cipher from a key-encryption key (Argon2 output); used for passphrase slots.
pub(crate) fn kek_cipher(kek: &[u8; KEY_LEN]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(Key::from_slice(kek))
}

#[cfg(test)]
#[path = "seal_tests.rs"]
mod tests;
