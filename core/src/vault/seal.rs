//! `SealedRecord`: XChaCha20-Poly1305 with a fresh random nonce per write, bound to where the
//! row lives.
//!
//! Layout of a sealed blob: `[record version: u8][nonce: 24 bytes][ciphertext + 16-byte tag]`.
//! The associated data names the table, the row (id or settings key) and the record version, so
//! a blob copied to another row, moved to another id, or relabelled with another version does
//! not open. The version is the layout of the sealed plaintext (bumped only by a migration that
//! re-seals rows); schema migrations that leave the layout alone need no key.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::Zeroizing;

use crate::secret::Secret;

pub(crate) const KEY_LEN: usize = 32;
pub(crate) const NONCE_LEN: usize = 24;
pub(crate) const TAG_LEN: usize = 16;
/// Layout version of sealed plaintexts written by this code.
pub(crate) const RECORD_VERSION: u8 = 1;
const AAD_DOMAIN: &[u8] = b"kunci.vault.v1";

/// Where a sealed blob belongs; part of its associated data.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowRef<'a> {
    Id(i64),
    Key(&'a str),
}

fn associated_data(table: &str, row: RowRef<'_>, version: u8) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_DOMAIN.len() + table.len() + 32);
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
    }
    aad.push(version);
    aad
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
        seal_with(
            &self.aead,
            &associated_data(table, row, RECORD_VERSION),
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
        let version = *blob.first().ok_or(OpenFailed)?;
        if version != RECORD_VERSION {
            return Err(OpenFailed);
        }
        open_with(&self.aead, &associated_data(table, row, version), blob)
    }
}

/// `[RECORD_VERSION][nonce][ciphertext+tag]` under `aead`.
pub(crate) fn seal_with(aead: &XChaCha20Poly1305, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
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
    blob.push(RECORD_VERSION);
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&ciphertext);
    blob
}

pub(crate) fn open_with(
    aead: &XChaCha20Poly1305,
    aad: &[u8],
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
    if blob.len() < 1 + NONCE_LEN + TAG_LEN {
        return Err(OpenFailed);
    }
    let (nonce, ciphertext) = blob[1..].split_at(NONCE_LEN); // ok: length checked just above
    aead.decrypt(
        XNonce::from_slice(nonce),
        Payload {
            msg: ciphertext,
            aad,
        },
    )
    .map(Zeroizing::new)
    .map_err(|_| OpenFailed)
}

/// A cipher from a key-encryption key (Argon2 output); used for passphrase slots.
pub(crate) fn kek_cipher(kek: &[u8; KEY_LEN]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(Key::from_slice(kek))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> RecordCipher {
        RecordCipher::new(&random_key()).unwrap()
    }

    #[test]
    fn round_trip_and_fresh_nonce() {
        let c = cipher();
        let a = c.seal("accounts", RowRef::Id(7), b"hello");
        let b = c.seal("accounts", RowRef::Id(7), b"hello");
        assert_ne!(a, b, "a nonce is never reused");
        assert_eq!(
            &c.open("accounts", RowRef::Id(7), &a).unwrap()[..],
            b"hello"
        );
    }

    #[test]
    fn bound_to_table_row_and_version() {
        let c = cipher();
        let blob = c.seal("accounts", RowRef::Id(7), b"hello");
        assert!(c.open("accounts", RowRef::Id(8), &blob).is_err());
        assert!(c.open("settings", RowRef::Id(7), &blob).is_err());
        assert!(c.open("accounts", RowRef::Key("7"), &blob).is_err());
        let mut relabelled = blob.clone();
        relabelled[0] = 2;
        assert!(c.open("accounts", RowRef::Id(7), &relabelled).is_err());
        for i in 0..blob.len() {
            let mut flipped = blob.clone();
            flipped[i] ^= 0x01;
            assert!(
                c.open("accounts", RowRef::Id(7), &flipped).is_err(),
                "byte {i}"
            );
        }
        assert!(c.open("accounts", RowRef::Id(7), &blob[..20]).is_err());
        assert!(cipher().open("accounts", RowRef::Id(7), &blob).is_err());
    }

    #[test]
    fn only_32_byte_keys() {
        assert!(RecordCipher::new(&Secret::from_slice(&[0u8; 31])).is_none());
    }

    use proptest::prelude::*;

    fn any_row() -> impl Strategy<Value = (bool, i64, String)> {
        (any::<bool>(), any::<i64>(), "[a-z0-9._]{0,12}")
    }

    /// The place a blob is opened at, given as owned parts of a `RowRef`.
    fn row_ref(is_id: bool, id: i64, key: &str) -> RowRef<'_> {
        if is_id {
            RowRef::Id(id)
        } else {
            RowRef::Key(key)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// A sealed blob opens at exactly its own table and row; any other place (another table,
        /// another id or key, an id where a key was, or the other way round) is refused.
        #[test]
        fn seal_opens_only_at_its_own_place(
            plain in proptest::collection::vec(any::<u8>(), 0..200),
            table in "[a-z_]{1,12}",
            (is_id, id, key) in any_row(),
            other_table in "[a-z_]{1,12}",
            (o_is_id, o_id, o_key) in any_row(),
        ) {
            let c = cipher();
            let here = row_ref(is_id, id, &key);
            let blob = c.seal(&table, here, &plain);
            prop_assert_eq!(&c.open(&table, here, &blob).unwrap()[..], &plain[..]);
            let there = row_ref(o_is_id, o_id, &o_key);
            let same_place = other_table == table
                && o_is_id == is_id
                && if is_id { o_id == id } else { o_key == key };
            prop_assert_eq!(c.open(&other_table, there, &blob).is_ok(), same_place);
        }

        /// Any change to a blob (flipped bits at random offsets, truncation, extension) is refused.
        #[test]
        fn tampered_blob_never_opens(
            plain in proptest::collection::vec(any::<u8>(), 0..200),
            id in any::<i64>(),
            flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
            cut in any::<prop::sample::Index>(),
            extra in proptest::collection::vec(any::<u8>(), 1..8),
        ) {
            let c = cipher();
            let blob = c.seal("accounts", RowRef::Id(id), &plain);
            let mut flipped = blob.clone();
            for (at, mask) in &flips {
                flipped[at.index(blob.len())] ^= mask;
            }
            if flipped != blob {
                prop_assert!(c.open("accounts", RowRef::Id(id), &flipped).is_err());
            }
            let short = &blob[..cut.index(blob.len())];
            prop_assert!(c.open("accounts", RowRef::Id(id), short).is_err());
            let mut long = blob.clone();
            long.extend_from_slice(&extra);
            prop_assert!(c.open("accounts", RowRef::Id(id), &long).is_err());
        }
    }
}
