//! The sealed manifest: which account rows exist and how often each was written.
//!
//! Every account row is sealed with its write counter in the associated data; the manifest, one
//! sealed row updated in the same transaction as the accounts, records `id -> counter` and the
//! next id to hand out. So an older copy of a row put back into the file (an HOTP counter rolled
//! back to reuse a code), a deleted row restored, or a row removed behind Kunci's back is
//! reported as tampering. Rolling back the whole file (manifest and rows together) is not
//! detectable from inside the file; SECURITY.md says so.
//!
//! It also replaces `AUTOINCREMENT`: ids are never reused, and `sqlite_sequence` no longer tells
//! how many accounts were ever added.
//!
//! Layout (record version 2): `next_id i64 | count u32 | count × (id i64, counter u64)`.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};

use super::record::Reader;
use super::seal::{RecordCipher, RowRef, ACCOUNT_RECORD_VERSION};
use super::{Result, VaultError};

pub(crate) const MANIFEST_TABLE: &str = "manifest";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Manifest {
    next_id: i64,
    counters: BTreeMap<i64, u64>,
}

fn tampered() -> VaultError {
    VaultError::Corrupted {
        reason: "the list of accounts was altered outside Kunci".into(),
    }
}

impl Manifest {
    pub(crate) fn empty() -> Manifest {
        Manifest {
            next_id: 1,
            counters: BTreeMap::new(),
        }
    }

    pub(crate) fn load(conn: &Connection, cipher: &RecordCipher) -> Result<Manifest> {
        let sealed: Vec<u8> = conn
            .prepare_cached("SELECT sealed FROM manifest WHERE id = 1")?
            .query_row([], |r| r.get(0))
            .optional()
            .map_err(|_| tampered())?
            .ok_or_else(tampered)?;
        let plain = cipher
            .open_as(
                ACCOUNT_RECORD_VERSION,
                MANIFEST_TABLE,
                RowRef::Id(1),
                &sealed,
            )
            .map_err(|_| tampered())?;
        Self::decode(&plain).ok_or_else(tampered)
    }

    pub(crate) fn save(&self, conn: &Connection, cipher: &RecordCipher) -> Result<()> {
        let sealed = cipher.seal_as(
            ACCOUNT_RECORD_VERSION,
            MANIFEST_TABLE,
            RowRef::Id(1),
            &self.encode(),
        );
        conn.prepare_cached(
            "INSERT INTO manifest (id, sealed) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed",
        )?
        .execute([sealed])?;
        Ok(())
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + 16 * self.counters.len());
        out.extend_from_slice(&self.next_id.to_be_bytes());
        // Bounded by the rows a vault can hold (far below 4 billion).
        out.extend_from_slice(&(self.counters.len() as u32).to_be_bytes());
        for (id, counter) in &self.counters {
            out.extend_from_slice(&id.to_be_bytes());
            out.extend_from_slice(&counter.to_be_bytes());
        }
        out
    }

    fn decode(bytes: &[u8]) -> Option<Manifest> {
        let mut r = Reader::new(bytes);
        let next_id = i64::from_be_bytes(r.array()?);
        let count = u32::from_be_bytes(r.array()?);
        let mut counters = BTreeMap::new();
        for _ in 0..count {
            let id = i64::from_be_bytes(r.array()?);
            let counter = u64::from_be_bytes(r.array()?);
            if id >= next_id || counters.insert(id, counter).is_some() {
                return None;
            }
        }
        r.is_empty().then_some(Manifest { next_id, counters })
    }

    /// The write counter the row `id` must be sealed with, if the row should exist.
    pub(crate) fn counter(&self, id: i64) -> Option<u64> {
        self.counters.get(&id).copied()
    }

    /// Records one more write of `id` and returns the counter to seal it with.
    pub(crate) fn bump(&mut self, id: i64) -> u64 {
        let counter = self.counters.entry(id).or_insert(0);
        *counter = counter.saturating_add(1);
        *counter
    }

    /// A fresh id, never handed out before in this vault.
    pub(crate) fn allocate(&mut self) -> Result<i64> {
        let id = self.next_id;
        self.next_id = id.checked_add(1).ok_or(VaultError::Storage {
            reason: "the vault has run out of account ids".into(),
        })?;
        Ok(id)
    }

    /// Makes sure ids below `id` are never handed out again (used when upgrading).
    pub(crate) fn reserve_below(&mut self, id: i64) {
        self.next_id = self.next_id.max(id);
    }

    pub(crate) fn remove(&mut self, id: i64) -> bool {
        self.counters.remove(&id).is_some()
    }

    /// How many rows the manifest lists.
    pub(crate) fn len(&self) -> usize {
        self.counters.len()
    }

    /// Ids the manifest lists, in order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.counters.keys().copied()
    }
}
