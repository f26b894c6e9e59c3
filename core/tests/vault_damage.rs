//! Damage: edited, swapped and moved rows, torn and foreign files, newer schemas. Each gives a
//! typed error, the rest of the vault stays readable, and nothing is written to a damaged file.

mod vault_common;

use std::path::Path;

use kunci::{OnConflict, Vault, VaultError, SCHEMA_VERSION};
use vault_common::*;

/// A closed vault with `n` accounts; returns their ids.
fn vault_with(dir: &TempDir, n: usize) -> Vec<i64> {
    let v = new_vault(dir);
    let drafts = (0..n)
        .map(|i| draft(&format!("Issuer {i}"), "user"))
        .collect();
    let ids = v
        .add_all(drafts, OnConflict::Reject, NOW)
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    drop(v);
    ids
}

fn sealed(path: &Path, id: i64) -> Vec<u8> {
    raw(path)
        .query_row("SELECT sealed FROM accounts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap()
}

fn set_sealed(path: &Path, id: i64, blob: &[u8]) {
    raw(path)
        .execute(
            "UPDATE accounts SET sealed = ?1 WHERE id = ?2",
            rusqlite::params![blob, id],
        )
        .unwrap();
}

fn open(path: &Path) -> Result<Vault, VaultError> {
    Vault::open_with_passphrase(path, &pass())
}

/// Every byte of the vault and its side files, to prove an open attempt wrote nothing.
fn snapshot(path: &Path) -> Vec<Option<Vec<u8>>> {
    vault_files(path)
        .iter()
        .map(|f| std::fs::read(f).ok())
        .collect()
}

fn assert_only_failures(v: &Vault, bad: &[i64], total: usize) {
    let list = v.list().unwrap();
    let failed: Vec<i64> = list.failures.iter().map(|f| f.id).collect();
    assert_eq!(failed, bad);
    for f in &list.failures {
        assert_eq!(f.error, VaultError::TamperedRecord { id: f.id });
    }
    assert_eq!(list.accounts.len(), total - bad.len());
    for id in bad {
        assert_eq!(
            v.get(*id).unwrap_err(),
            VaultError::TamperedRecord { id: *id }
        );
    }
}

#[test]
fn flipped_byte_in_a_sealed_blob() {
    let dir = TempDir::new("flip");
    let ids = vault_with(&dir, 5);
    let mut blob = sealed(&dir.vault(), ids[2]);
    let last = blob.len() - 1;
    blob[last] ^= 0x80;
    set_sealed(&dir.vault(), ids[2], &blob);

    let v = open(&dir.vault()).unwrap();
    assert_only_failures(&v, &[ids[2]], 5);
    assert_eq!(
        v.list().unwrap().failures[0].error.to_string(),
        format!(
            "account {} was altered outside Kunci and cannot be read",
            ids[2]
        )
    );
    // An edit never overwrites a row it cannot read; removing it is allowed.
    assert_eq!(
        v.rename(ids[2], "x", "y", NOW).unwrap_err(),
        VaultError::TamperedRecord { id: ids[2] }
    );
    assert_eq!(sealed(&dir.vault(), ids[2]), blob);
    // Duplicate detection skips the unreadable row; the others still work.
    assert_eq!(
        v.add(draft("Issuer 0", "user"), OnConflict::Reject, NOW)
            .unwrap_err(),
        VaultError::Duplicate {
            existing_id: ids[0]
        }
    );
    v.remove(ids[2]).unwrap();
    assert!(v.list().unwrap().failures.is_empty());
}

#[test]
fn every_byte_of_a_blob_is_covered() {
    let dir = TempDir::new("everybyte");
    let ids = vault_with(&dir, 2);
    let v = open(&dir.vault()).unwrap();
    let original = sealed(&dir.vault(), ids[0]);
    for i in (0..original.len()).step_by(7) {
        let mut blob = original.clone();
        blob[i] ^= 0x01;
        set_sealed(&dir.vault(), ids[0], &blob);
        assert_eq!(
            v.get(ids[0]).unwrap_err(),
            VaultError::TamperedRecord { id: ids[0] },
            "byte {i}"
        );
    }
    set_sealed(&dir.vault(), ids[0], &original[..original.len() / 2]);
    assert_eq!(
        v.get(ids[0]).unwrap_err(),
        VaultError::TamperedRecord { id: ids[0] }
    );
    set_sealed(&dir.vault(), ids[0], &original);
    v.get(ids[0]).unwrap();
}

#[test]
fn swapped_rows() {
    let dir = TempDir::new("swap");
    let ids = vault_with(&dir, 4);
    let (a, b) = (sealed(&dir.vault(), ids[0]), sealed(&dir.vault(), ids[3]));
    set_sealed(&dir.vault(), ids[0], &b);
    set_sealed(&dir.vault(), ids[3], &a);
    let v = open(&dir.vault()).unwrap();
    assert_only_failures(&v, &[ids[0], ids[3]], 4);
}

#[test]
fn copied_row() {
    let dir = TempDir::new("copy");
    let ids = vault_with(&dir, 3);
    let a = sealed(&dir.vault(), ids[0]);
    set_sealed(&dir.vault(), ids[1], &a);
    let v = open(&dir.vault()).unwrap();
    assert_only_failures(&v, &[ids[1]], 3);
}

#[test]
fn moved_row() {
    let dir = TempDir::new("move");
    let ids = vault_with(&dir, 3);
    raw(&dir.vault())
        .execute("UPDATE accounts SET id = 99 WHERE id = ?1", [ids[1]])
        .unwrap();
    let v = open(&dir.vault()).unwrap();
    let list = v.list().unwrap();
    assert_eq!(
        list.failures
            .iter()
            .map(|f| (f.id, f.error.clone()))
            .collect::<Vec<_>>(),
        // Since schema v3 the manifest also reports the row missing from its own place.
        vec![
            (99, VaultError::TamperedRecord { id: 99 }),
            (ids[1], VaultError::TamperedRecord { id: ids[1] })
        ]
    );
    assert_eq!(list.accounts.len(), 2);
}

#[test]
fn wrong_column_type_is_a_row_failure() {
    let dir = TempDir::new("coltype");
    let ids = vault_with(&dir, 3);
    raw(&dir.vault())
        .execute(
            "UPDATE accounts SET sealed = 'text' WHERE id = ?1",
            [ids[0]],
        )
        .unwrap();
    raw(&dir.vault())
        .execute("UPDATE accounts SET position = 'x' WHERE id = ?1", [ids[1]])
        .unwrap();
    let v = open(&dir.vault()).unwrap();
    let failed: Vec<i64> = v.list().unwrap().failures.iter().map(|f| f.id).collect();
    assert_eq!(failed.len(), 2);
    assert!(failed.contains(&ids[0]) && failed.contains(&ids[1]));
}

#[test]
fn truncated_file_is_corrupted_and_untouched() {
    for keep in [0.9, 0.5, 0.2] {
        let dir = TempDir::new("trunc");
        vault_with(&dir, 120);
        let full = std::fs::read(dir.vault()).unwrap();
        assert!(full.len() > 4 * 4096, "several pages: {}", full.len());
        let cut = ((full.len() as f64 * keep) as usize / 4096) * 4096 + 1000;
        std::fs::write(dir.vault(), &full[..cut]).unwrap();
        let before = snapshot(&dir.vault());
        let err = open(&dir.vault()).unwrap_err();
        assert!(
            matches!(err, VaultError::Corrupted { .. }),
            "kept {keep}: {err:?}"
        );
        assert_eq!(
            std::fs::read(dir.vault()).unwrap(),
            &full[..cut],
            "kept {keep}: the damaged file is not written"
        );
        // Side files may be created (and removed) by SQLite, but the db is what matters.
        assert_eq!(snapshot(&dir.vault())[0], before[0]);
    }
}

#[test]
fn torn_header_empty_and_foreign_files() {
    let dir = TempDir::new("foreign");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("torn header", b"SQLite format 3\0\x10\x00".to_vec()),
        (
            "text",
            b"this is not a database, just some text\n".repeat(200),
        ),
    ];
    for (what, bytes) in cases {
        std::fs::write(dir.vault(), &bytes).unwrap();
        let err = open(&dir.vault()).unwrap_err();
        assert!(
            matches!(err, VaultError::Corrupted { .. }),
            "{what}: {err:?}"
        );
        assert_eq!(std::fs::read(dir.vault()).unwrap(), bytes, "{what}");
    }

    // Another application's SQLite database.
    let other = dir.path().join("other.db");
    raw(&other)
        .execute_batch("PRAGMA user_version = 1; CREATE TABLE notes (t TEXT);")
        .unwrap();
    let before = std::fs::read(&other).unwrap();
    let err = open(&other).unwrap_err();
    assert!(matches!(err, VaultError::Corrupted { .. }), "{err:?}");
    assert_eq!(std::fs::read(&other).unwrap(), before);

    // A garbage page in the middle of a real vault.
    let dir = TempDir::new("garbage");
    vault_with(&dir, 120);
    let mut bytes = std::fs::read(dir.vault()).unwrap();
    let page = bytes.len() / 4096 / 2;
    for b in &mut bytes[page * 4096..page * 4096 + 4096] {
        *b = 0xA5;
    }
    std::fs::write(dir.vault(), &bytes).unwrap();
    let err = open(&dir.vault()).unwrap_err();
    assert!(matches!(err, VaultError::Corrupted { .. }), "{err:?}");
    assert_eq!(std::fs::read(dir.vault()).unwrap(), bytes);
}

#[test]
fn newer_schema_is_refused_untouched() {
    let dir = TempDir::new("newer");
    vault_with(&dir, 2);
    raw(&dir.vault())
        .execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 7))
        .unwrap();
    let before = std::fs::read(dir.vault()).unwrap();
    let err = open(&dir.vault()).unwrap_err();
    assert_eq!(
        err,
        VaultError::NewerSchema {
            found: SCHEMA_VERSION + 7,
            supported: SCHEMA_VERSION
        }
    );
    assert!(err.to_string().contains("newer version of Kunci"));
    assert_eq!(std::fs::read(dir.vault()).unwrap(), before);
}

#[test]
fn damaged_key_check_or_slot_is_wrong_passphrase_and_untouched() {
    let dir = TempDir::new("check");
    vault_with(&dir, 1);
    let conn = raw(&dir.vault());
    let mut check: Vec<u8> = conn
        .query_row("SELECT key_check FROM vault_meta", [], |r| r.get(0))
        .unwrap();
    check[30] ^= 0x01;
    conn.execute("UPDATE vault_meta SET key_check = ?1", [&check])
        .unwrap();
    drop(conn);
    let before = std::fs::read(dir.vault()).unwrap();
    assert_eq!(open(&dir.vault()).unwrap_err(), VaultError::WrongPassphrase);
    assert_eq!(std::fs::read(dir.vault()).unwrap(), before);

    // KDF parameters edited to something enormous: the slot is not used, nothing allocates.
    let dir = TempDir::new("slotparams");
    vault_with(&dir, 1);
    raw(&dir.vault())
        .execute("UPDATE key_slots SET kdf_m_kib = 4000000000", [])
        .unwrap();
    assert_eq!(open(&dir.vault()).unwrap_err(), VaultError::WrongPassphrase);
    // Edited to other valid parameters: the parameters are bound to the wrapped key.
    raw(&dir.vault())
        .execute("UPDATE key_slots SET kdf_m_kib = 16", [])
        .unwrap();
    assert_eq!(open(&dir.vault()).unwrap_err(), VaultError::WrongPassphrase);
}
