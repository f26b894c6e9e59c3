//! Schema migrations, keyed by `PRAGMA user_version`, as a constant list (rusqlite_migration
//! style). Migration `i` (0-based) takes the file from version `i` to `i + 1`. Never edit a
//! published entry: append a new one. Since v3 only ids and positions of accounts are stored in
//! clear; everything else lives in the `sealed` blobs (see `seal.rs`). A step that must reseal
//! rows has a keyed part (`upgrade.rs`), run with the vault key in the same transaction.

use rusqlite::{Connection, Transaction};

use super::error::VaultError;
use super::seal::RecordCipher;

/// A migration step that needs the vault key (it reseals rows).
pub(crate) type KeyedStep = fn(&Transaction<'_>, &RecordCipher) -> Result<(), VaultError>;

/// Format marker stored in `vault_meta.format`: tells a Kunci vault from any other SQLite file.
pub(crate) const FORMAT: &str = "kunci.vault";

pub(crate) struct Migration {
    /// What the step adds, for humans reading the list.
    #[allow(dead_code)]
    pub(crate) description: &'static str,
    pub(crate) sql: &'static str,
    /// Runs after `sql`, in the same transaction.
    pub(crate) keyed: Option<KeyedStep>,
}

// `accounts.id` is AUTOINCREMENT: an id is never reused, so a script's `kunci remove 5` cannot
// hit an account added after the one it meant.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        description: "v1: meta with the key check, key slots, sealed accounts",
        sql: "
CREATE TABLE vault_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    format      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    key_check   BLOB    NOT NULL
);
CREATE TABLE key_slots (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('passphrase', 'platform')),
    kdf_m_kib   INTEGER,
    kdf_t       INTEGER,
    kdf_p       INTEGER,
    kdf_salt    BLOB,
    wrapped_key BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    position    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    sealed      BLOB    NOT NULL
);
CREATE INDEX accounts_by_position ON accounts (position, id);
",
        keyed: None,
    },
    Migration {
        description: "v2: sealed key/value settings (trusted-time anchor state)",
        sql: "
CREATE TABLE settings (
    key         TEXT    PRIMARY KEY,
    sealed      BLOB    NOT NULL
);
",
        keyed: None,
    },
    Migration {
        description: "v3: sealed manifest (row write counters), timestamps inside the seal, \
                      padded records, no AUTOINCREMENT (the keyed step reseals every row)",
        sql: "
CREATE TABLE accounts_v3 (
    id          INTEGER PRIMARY KEY,
    position    INTEGER NOT NULL,
    sealed      BLOB    NOT NULL
);
CREATE TABLE manifest (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    sealed      BLOB    NOT NULL
);
",
        keyed: Some(super::upgrade::to_v3),
    },
];

/// The schema this code writes and reads.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub(crate) fn user_version(conn: &Connection) -> Result<u32, VaultError> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    u32::try_from(v).map_err(|_| VaultError::Corrupted {
        reason: format!("schema version {v} is not valid"),
    })
}

/// Brings the file from its current version to [`SCHEMA_VERSION`] inside `tx`. Re-reads the
/// version inside the transaction, so two processes opening at once migrate once.
pub(crate) fn migrate(tx: &Transaction<'_>, cipher: &RecordCipher) -> Result<(), VaultError> {
    let found = user_version(tx)?;
    if found > SCHEMA_VERSION {
        return Err(VaultError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for m in &MIGRATIONS[found as usize..] {
        // ok: found <= SCHEMA_VERSION == MIGRATIONS.len()
        tx.execute_batch(m.sql)?;
        if let Some(step) = m.keyed {
            step(tx, cipher)?;
        }
    }
    if found != SCHEMA_VERSION {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
