//! Keyed migration steps: schema changes that must reseal rows, run with the vault key inside
//! the migrating transaction (after the key check passed, never on a file we could not open).

use rusqlite::Transaction;

use super::accounts::{seal_row, ACCOUNTS_TABLE};
use super::error::VaultError;
use super::manifest::Manifest;
use super::record::AccountRecord;
use super::seal::{RecordCipher, RowRef};

/// v2 → v3: every account row is resealed as record version 2 (timestamps inside, padded, write
/// counter 1 in its associated data) into the new table, the manifest lists them, and the old
/// table (with its clear timestamps and `sqlite_sequence` entry) is dropped. A row that does
/// not open is carried over as it was and stays reported as tampered.
pub(crate) fn to_v3(tx: &Transaction<'_>, cipher: &RecordCipher) -> Result<(), VaultError> {
    let mut manifest = Manifest::empty();
    {
        let mut stmt = tx.prepare(
            "SELECT id, position, created_at, updated_at, sealed FROM accounts ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut insert =
            tx.prepare("INSERT INTO accounts_v3 (id, position, sealed) VALUES (?1, ?2, ?3)")?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let position: i64 = row.get::<_, Option<i64>>(1).ok().flatten().unwrap_or(0);
            let created_at: i64 = row.get::<_, Option<i64>>(2).ok().flatten().unwrap_or(0);
            let updated_at: i64 = row.get::<_, Option<i64>>(3).ok().flatten().unwrap_or(0);
            let sealed: Vec<u8> = row.get::<_, Vec<u8>>(4).unwrap_or_default();
            manifest.reserve_below(id.saturating_add(1));
            let opened = cipher
                .open(ACCOUNTS_TABLE, RowRef::Id(id), &sealed)
                .ok()
                .and_then(|plain| AccountRecord::decode(&plain));
            let blob = match opened {
                Some(record) => {
                    let counter = manifest.bump(id);
                    seal_row(cipher, id, counter, &record, created_at, updated_at)
                }
                None => sealed,
            };
            insert.execute(rusqlite::params![id, position, blob])?;
        }
    }
    // Ids handed out before (AUTOINCREMENT) are never reused, even those of deleted accounts.
    let sequence_exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence')",
        [],
        |r| r.get(0),
    )?;
    if sequence_exists {
        let seq: Option<i64> = tx
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'accounts'",
                [],
                |r| r.get(0),
            )
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })?;
        if let Some(seq) = seq {
            manifest.reserve_below(seq.saturating_add(1));
        }
    }
    manifest.save(tx, cipher)?;
    tx.execute_batch(
        "DROP TABLE accounts;
         ALTER TABLE accounts_v3 RENAME TO accounts;
         CREATE INDEX accounts_by_position ON accounts (position, id);",
    )?;
    if sequence_exists {
        tx.execute("DELETE FROM sqlite_sequence", [])?;
    }
    Ok(())
}
