//! Schema upgrade tests: a vault written by every earlier schema opens, migrates and keeps its
//! accounts. Each builder below writes the file exactly as that schema version did (frozen SQL,
//! not `MIGRATIONS`), so editing a published migration breaks this test.

use std::path::Path;

use rusqlite::Connection;

use super::keys::PassphraseSlot;
use super::record::AccountRecord;
use super::seal::{self, RecordCipher, RowRef};
use super::*;
use crate::otp::OtpParams;

const NOW: i64 = 1_700_000_000;

fn pass() -> Secret {
    Secret::from_slice(b"upgrade me")
}

fn records() -> Vec<AccountRecord> {
    (0..3u64)
        .map(|i| AccountRecord {
            issuer: format!("Issuer {i}"),
            name: format!("user{i}@example.org"),
            params: OtpParams::hotp(Secret::from_slice(b"12345678901234567890"), i),
            notes: format!("notes {i}"),
            group: (i % 2 == 0).then(|| "Work".to_string()),
            icon: None,
        })
        .collect()
}

/// Schema v1 exactly as first published: meta, key slots, accounts; no settings table.
const V1_SQL: &str = "
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
PRAGMA user_version = 1;
";

/// Writes a v1 vault with `records()`; returns the ids in order.
fn build_v1(path: &Path) -> Vec<i64> {
    let key = seal::random_key();
    let cipher = RecordCipher::new(&key).unwrap();
    let slot = PassphraseSlot::create(&key, &pass(), KdfParams::INSECURE_FOR_TESTS).unwrap();
    let conn = Connection::open(path).unwrap();
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
        .unwrap();
    conn.execute_batch(V1_SQL).unwrap();
    conn.execute(
        "INSERT INTO vault_meta VALUES (1, 'kunci.vault', ?1, ?2)",
        rusqlite::params![NOW, cipher.seal("vault_meta", RowRef::Id(1), KEY_CHECK)],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO key_slots (kind, kdf_m_kib, kdf_t, kdf_p, kdf_salt, wrapped_key, created_at)
         VALUES ('passphrase', ?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            slot.kdf.memory_kib,
            slot.kdf.iterations,
            slot.kdf.parallelism,
            slot.salt,
            slot.wrapped,
            NOW
        ],
    )
    .unwrap();
    let mut ids = Vec::new();
    for (pos, r) in records().iter().enumerate() {
        conn.execute(
            "INSERT INTO accounts (position, created_at, updated_at, sealed) VALUES (?1, ?2, ?2, x'')",
            rusqlite::params![pos as i64, NOW],
        )
        .unwrap();
        let id = conn.last_insert_rowid();
        conn.execute(
            "UPDATE accounts SET sealed = ?1 WHERE id = ?2",
            rusqlite::params![cipher.seal("accounts", RowRef::Id(id), &r.encode()), id],
        )
        .unwrap();
        ids.push(id);
    }
    ids
}

/// Schema v2 as published: v1 plus the sealed settings table.
const V2_SQL: &str = "
CREATE TABLE settings (
    key         TEXT    PRIMARY KEY,
    sealed      BLOB    NOT NULL
);
PRAGMA user_version = 2;
";

/// Writes a v2 vault: the v1 accounts (one deleted after a fourth was added, so ids have a
/// gap and AUTOINCREMENT's counter is past the last row) and a setting.
fn build_v2(path: &Path) -> Vec<i64> {
    let ids = build_v1(path);
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(V2_SQL).unwrap();
    conn.execute(
        "INSERT INTO accounts (position, created_at, updated_at, sealed) VALUES (3, ?1, ?1, x'00')",
        [NOW],
    )
    .unwrap();
    conn.execute("DELETE FROM accounts WHERE id = 4", [])
        .unwrap();
    ids
}

/// Writes a vault as an earlier schema did; returns the account ids in order.
type Builder = fn(&Path) -> Vec<i64>;

/// One builder per earlier schema version, oldest first.
const EARLIER_SCHEMAS: &[(u32, Builder)] = &[(1, build_v1), (2, build_v2)];

fn temp_path(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kunci-upgrade-{tag}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("vault.kunci")
}

#[test]
fn every_earlier_schema_has_a_builder() {
    let versions: Vec<u32> = EARLIER_SCHEMAS.iter().map(|(v, _)| *v).collect();
    assert_eq!(versions, (1..SCHEMA_VERSION).collect::<Vec<_>>());
}

#[test]
fn upgrade_from_every_earlier_schema() {
    for (version, build) in EARLIER_SCHEMAS {
        let path = temp_path(&format!("v{version}"));
        let ids = build(&path);
        assert_eq!(
            schema::user_version(&Connection::open(&path).unwrap()).unwrap(),
            *version
        );

        // A wrong passphrase must not migrate (nor write anything).
        let before = std::fs::read(&path).unwrap();
        assert_eq!(
            Vault::open_with_passphrase(&path, &Secret::from_slice(b"wrong")).unwrap_err(),
            VaultError::WrongPassphrase
        );
        assert_eq!(std::fs::read(&path).unwrap(), before, "v{version}");

        let v = Vault::open_with_passphrase(&path, &pass()).unwrap();
        let list = v.list().unwrap();
        assert!(list.failures.is_empty(), "v{version}: {:?}", list.failures);
        let got: Vec<(i64, AccountRecord)> = list
            .accounts
            .into_iter()
            .map(|a| (a.id, a.content))
            .collect();
        let want: Vec<(i64, AccountRecord)> = ids.into_iter().zip(records()).collect();
        assert_eq!(got, want, "v{version}");

        // Everything the current schema adds works on the upgraded file.
        v.put_blob("time.anchor", b"state").unwrap();
        assert_eq!(
            v.get_blob("time.anchor").unwrap().as_deref(),
            Some(&b"state"[..])
        );
        assert_eq!(v.next_hotp(want[1].0, NOW).unwrap(), "359152");
        // The clear timestamps moved inside the seal; ids are never reused (v2 deleted id 4).
        assert_eq!(v.get(want[0].0).unwrap().created_at, NOW);
        let added = v
            .add(
                AccountDraft {
                    issuer: "New".into(),
                    name: "after upgrade".into(),
                    params: OtpParams::totp(Secret::from_slice(b"12345678901234567890")),
                    notes: String::new(),
                    group: None,
                    icon: None,
                },
                OnConflict::Reject,
                NOW,
            )
            .unwrap();
        let highest = if *version == 2 { 4 } else { 3 };
        assert_eq!(added.id, highest + 1, "v{version}");
        drop(v);
        assert_eq!(
            schema::user_version(&Connection::open(&path).unwrap()).unwrap(),
            SCHEMA_VERSION
        );
        // And it opens again without migrating twice.
        Vault::open_with_passphrase(&path, &pass()).unwrap();
        if let Some(dir) = path.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn the_current_schema_matches_a_fresh_migration() {
    // The v1 frozen SQL plus later migrations gives the same schema as MIGRATIONS from scratch.
    let dump = |conn: &Connection| -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.map(|r| r.unwrap().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    let cipher = RecordCipher::new(&seal::random_key()).unwrap();
    let mut fresh = Connection::open_in_memory().unwrap();
    let tx = fresh.transaction().unwrap();
    schema::migrate(&tx, &cipher).unwrap();
    tx.commit().unwrap();
    let mut old = Connection::open_in_memory().unwrap();
    old.execute_batch(V1_SQL).unwrap();
    let tx = old.transaction().unwrap();
    schema::migrate(&tx, &cipher).unwrap();
    tx.commit().unwrap();
    assert_eq!(dump(&fresh), dump(&old));
}

#[test]
fn connections_use_the_safe_pragmas() {
    let path = temp_path("pragmas");
    let v = Vault::create(&path, &pass(), KdfParams::INSECURE_FOR_TESTS, NOW).unwrap();
    drop(v);
    for v in [
        Vault::create(
            temp_path("pragmas-new"),
            &pass(),
            KdfParams::INSECURE_FOR_TESTS,
            NOW,
        )
        .unwrap(),
        Vault::open_with_passphrase(&path, &pass()).unwrap(),
    ] {
        let guard = v.guard();
        let get = |pragma: &str| -> String {
            guard
                .conn
                .query_row(&format!("PRAGMA {pragma}"), [], |r| {
                    r.get::<_, rusqlite::types::Value>(0)
                })
                .map(|value| match value {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
                .unwrap()
        };
        assert_eq!(get("journal_mode"), "wal");
        assert_eq!(get("secure_delete"), "1");
        assert_eq!(get("temp_store"), "2", "MEMORY");
        assert_eq!(get("synchronous"), "2", "FULL");
        assert_eq!(get("busy_timeout"), BUSY_TIMEOUT.as_millis().to_string());
        drop(guard);
        let _ = std::fs::remove_dir_all(v.path().parent().unwrap());
    }
}
