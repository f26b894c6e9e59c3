//! The vault's everyday behaviour: create/open, key slots, the accounts repository, settings,
//! and that nothing sensitive reaches the disk in clear.

mod vault_common;

use kunci::{
    AccountDraft, HashAlgorithm, KdfParams, OnConflict, OtpKind, OtpParams, Secret, SlotKind,
    Vault, VaultError, SCHEMA_VERSION,
};
use vault_common::*;

#[test]
fn vault_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Vault>();
}

#[test]
fn create_then_reopen_with_passphrase() {
    let dir = TempDir::new("reopen");
    let v = new_vault(&dir);
    let a = v
        .add(draft("GitHub", "alice"), OnConflict::Reject, NOW)
        .unwrap();
    assert_eq!(
        (a.id, a.position, a.created_at, a.updated_at),
        (1, 0, NOW, NOW)
    );
    drop(v);
    let v = Vault::open_with_passphrase(dir.vault(), &pass()).unwrap();
    let got = v.get(a.id).unwrap();
    assert_eq!(got, a);
    assert_eq!(
        raw(&dir.vault())
            .query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))
            .unwrap(),
        SCHEMA_VERSION
    );
    assert_eq!(
        raw(&dir.vault())
            .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "wal"
    );
}

#[test]
fn new_vaults_use_large_pages_and_older_small_page_files_still_work() {
    let page_size = |p: &std::path::Path| -> u32 {
        raw(p)
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap()
    };
    let dir = TempDir::new("pages");
    let v = new_vault(&dir);
    let a = v
        .add(draft("GitHub", "alice"), OnConflict::Reject, NOW)
        .unwrap();
    drop(v);
    assert_eq!(page_size(&dir.vault()), 32 * 1024);

    // A vault made before the change has SQLite's default 4 KiB pages: rewrite this one so.
    let conn = raw(&dir.vault());
    conn.execute_batch(
        "PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; VACUUM; PRAGMA journal_mode = WAL;",
    )
    .unwrap();
    drop(conn);
    assert_eq!(page_size(&dir.vault()), 4096);
    let v = Vault::open_with_passphrase(dir.vault(), &pass()).unwrap();
    assert_eq!(v.get(a.id).unwrap(), a);
    let b = v
        .add(draft("GitLab", "bob"), OnConflict::Reject, NOW)
        .unwrap();
    let names: Vec<String> = v
        .list()
        .unwrap()
        .accounts
        .iter()
        .map(|x| x.name.clone())
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    drop(v);
    assert_eq!(
        page_size(&dir.vault()),
        4096,
        "an existing file keeps its pages"
    );
    assert!(b.id > a.id);
}

#[test]
fn create_refuses_an_existing_file() {
    let dir = TempDir::new("exists");
    drop(new_vault(&dir));
    let before = std::fs::read(dir.vault()).unwrap();
    assert_eq!(
        Vault::create(dir.vault(), &pass(), KDF, NOW).unwrap_err(),
        VaultError::AlreadyExists
    );
    assert_eq!(std::fs::read(dir.vault()).unwrap(), before);
}

#[test]
fn open_missing_file() {
    let dir = TempDir::new("missing");
    assert_eq!(
        Vault::open_with_passphrase(dir.vault(), &pass()).unwrap_err(),
        VaultError::Missing
    );
    assert!(!dir.vault().exists(), "opening never creates a file");
}

#[test]
fn wrong_passphrase() {
    let dir = TempDir::new("wrongpass");
    drop(new_vault(&dir));
    let before = std::fs::read(dir.vault()).unwrap();
    let err = Vault::open_with_passphrase(dir.vault(), &Secret::from_slice(b"nope")).unwrap_err();
    assert_eq!(err, VaultError::WrongPassphrase);
    assert_eq!(err.to_string(), "the passphrase is wrong");
    assert_eq!(std::fs::read(dir.vault()).unwrap(), before);
}

#[test]
fn platform_slot_and_passphrase_change() {
    let dir = TempDir::new("slots");
    let v = new_vault(&dir);
    let a = v
        .add(draft("GitHub", "alice"), OnConflict::Reject, NOW)
        .unwrap();
    let wrapper = FakeWrapper { device_key: 0x5a };
    let platform = v.add_platform_slot(&wrapper, NOW + 1).unwrap();
    let slots = v.slots().unwrap();
    assert_eq!(slots.len(), 2);
    assert_eq!(slots[0].kind, SlotKind::Passphrase);
    assert_eq!(slots[0].kdf, Some(KDF));
    assert_eq!((slots[1].id, slots[1].kind), (platform, SlotKind::Platform));

    let new = Secret::from_slice(b"a new passphrase");
    assert_eq!(
        v.change_passphrase(&Secret::from_slice(b"wrong"), &new, KDF)
            .unwrap_err(),
        VaultError::WrongPassphrase
    );
    let sealed_before: Vec<u8> = raw(&dir.vault())
        .query_row("SELECT sealed FROM accounts WHERE id = ?1", [a.id], |r| {
            r.get(0)
        })
        .unwrap();
    // Issue 17 finding 1: a passphrase change makes a new vault key and reseals every row; the
    // platform slot is rewrapped through the wrapper passed in.
    assert_eq!(
        v.rekey(&pass(), &new, KDF, Some(&wrapper)).unwrap(),
        Vec::<i64>::new()
    );
    drop(v);

    let sealed_after: Vec<u8> = raw(&dir.vault())
        .query_row("SELECT sealed FROM accounts WHERE id = ?1", [a.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_ne!(sealed_before, sealed_after, "accounts are resealed");
    assert_eq!(
        Vault::open_with_passphrase(dir.vault(), &pass()).unwrap_err(),
        VaultError::WrongPassphrase
    );
    assert_eq!(
        Vault::open_with_passphrase(dir.vault(), &new)
            .unwrap()
            .get(a.id)
            .unwrap(),
        a
    );
    let v = Vault::open_with_key_wrapper(dir.vault(), &wrapper).unwrap();
    assert_eq!(v.get(a.id).unwrap(), a);
    // A different device key unwraps to the wrong key: the check value catches it.
    assert_eq!(
        Vault::open_with_key_wrapper(dir.vault(), &FakeWrapper { device_key: 1 }).unwrap_err(),
        VaultError::WrongPassphrase
    );
    assert!(matches!(
        Vault::open_with_key_wrapper(dir.vault(), &BrokenWrapper).unwrap_err(),
        VaultError::KeyWrapper(_)
    ));

    // Remove the passphrase slot; the platform slot is then the last one.
    v.remove_slot(slots[0].id).unwrap();
    assert_eq!(v.remove_slot(platform).unwrap_err(), VaultError::LastSlot);
    assert_eq!(
        v.remove_slot(999).unwrap_err(),
        VaultError::SlotNotFound { id: 999 }
    );
    drop(v);
    assert_eq!(
        Vault::open_with_passphrase(dir.vault(), &new).unwrap_err(),
        VaultError::WrongPassphrase
    );
    Vault::open_with_key_wrapper(dir.vault(), &wrapper).unwrap();
}

#[test]
fn replacing_the_platform_slot_retires_every_old_platform_key() {
    // The app lock swaps the phone's key for one that needs the user: afterwards only the new
    // key (and the passphrase) may open the vault.
    let dir = TempDir::new("replace");
    let v = new_vault(&dir);
    let a = v
        .add(draft("GitHub", "alice"), OnConflict::Reject, NOW)
        .unwrap();
    let plain = FakeWrapper { device_key: 0x11 };
    let older = FakeWrapper { device_key: 0x22 };
    v.add_platform_slot(&plain, NOW).unwrap();
    v.add_platform_slot(&older, NOW).unwrap();
    let locked = FakeWrapper { device_key: 0x33 };
    let id = v.replace_platform_slots(&locked, NOW + 1).unwrap();
    let kinds: Vec<(bool, SlotKind)> = v
        .slots()
        .unwrap()
        .iter()
        .map(|s| (s.id == id, s.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![(false, SlotKind::Passphrase), (true, SlotKind::Platform)]
    );
    // A key store that fails changes nothing.
    assert!(matches!(
        v.replace_platform_slots(&BrokenWrapper, NOW + 2)
            .unwrap_err(),
        VaultError::KeyWrapper(_)
    ));
    v.lock();
    assert_eq!(
        v.replace_platform_slots(&plain, NOW + 3).unwrap_err(),
        VaultError::Locked
    );
    drop(v);

    for old in [&plain, &older] {
        assert_eq!(
            Vault::open_with_key_wrapper(dir.vault(), old).unwrap_err(),
            VaultError::WrongPassphrase
        );
    }
    let v = Vault::open_with_key_wrapper(dir.vault(), &locked).unwrap();
    assert_eq!(v.get(a.id).unwrap(), a);
    assert_eq!(v.slots().unwrap().len(), 2);
    drop(v);
    Vault::open_with_passphrase(dir.vault(), &pass()).unwrap();
}

#[test]
fn platform_only_vault() {
    let dir = TempDir::new("platform");
    let wrapper = FakeWrapper { device_key: 7 };
    let v = Vault::create_with_key_wrapper(dir.vault(), &wrapper, NOW).unwrap();
    v.add(draft("A", "a"), OnConflict::Reject, NOW).unwrap();
    assert!(matches!(
        Vault::create_with_key_wrapper(dir.path().join("other"), &BrokenWrapper, NOW),
        Err(VaultError::KeyWrapper(_))
    ));
    drop(v);
    assert_eq!(
        Vault::open_with_passphrase(dir.vault(), &pass()).unwrap_err(),
        VaultError::WrongPassphrase
    );
    let v = Vault::open_with_key_wrapper(dir.vault(), &wrapper).unwrap();
    assert_eq!(v.list().unwrap().accounts.len(), 1);
    v.add_passphrase_slot(&pass(), KDF, NOW).unwrap();
    drop(v);
    Vault::open_with_passphrase(dir.vault(), &pass()).unwrap();
}

#[test]
fn lock_and_unlock() {
    let dir = TempDir::new("lock");
    let v = new_vault(&dir);
    let a = v.add(draft("A", "a"), OnConflict::Reject, NOW).unwrap();
    v.lock();
    assert!(v.is_locked());
    assert_eq!(v.list().unwrap_err(), VaultError::Locked);
    assert_eq!(v.put_blob("k", b"v").unwrap_err(), VaultError::Locked);
    assert_eq!(v.slots().unwrap().len(), 1, "slots are listed while locked");
    assert_eq!(
        v.unlock_with_passphrase(&Secret::from_slice(b"x"))
            .unwrap_err(),
        VaultError::WrongPassphrase
    );
    v.unlock_with_passphrase(&pass()).unwrap();
    assert_eq!(v.get(a.id).unwrap(), a);
}

#[test]
fn kdf_params_are_bounded() {
    let dir = TempDir::new("kdf");
    let huge = KdfParams {
        memory_kib: u32::MAX,
        ..KdfParams::DEFAULT
    };
    assert!(matches!(
        Vault::create(dir.vault(), &pass(), huge, NOW),
        Err(VaultError::InvalidKdfParams { .. })
    ));
    assert!(!dir.vault().exists());
    assert_eq!(KdfParams::default(), KdfParams::DEFAULT);
    KdfParams::DEFAULT.validate().unwrap();
}

#[test]
fn duplicate_detection_and_conflict_resolution() {
    let dir = TempDir::new("dup");
    let v = new_vault(&dir);
    let mut first = draft("Portal", "Alice@Example.org");
    first.notes = "desk 4".into();
    first.group = Some("Work".into());
    let a = v.add(first, OnConflict::Reject, NOW).unwrap();
    v.add(draft("Other", "x"), OnConflict::Reject, NOW).unwrap();

    // Same issuer and name, other case and spacing.
    let again = draft(" portal", "alice@example.org ");
    assert_eq!(
        v.add(again.clone(), OnConflict::Reject, NOW).unwrap_err(),
        VaultError::Duplicate { existing_id: a.id }
    );

    // "Reset MFA": new secret, same id and position; notes and group kept.
    let mut reset = draft("Portal", "alice@example.org");
    reset.params = OtpParams::totp(Secret::from_slice(b"a brand new secret!!"));
    let replaced = v.add(reset.clone(), OnConflict::Replace, NOW + 10).unwrap();
    assert_eq!((replaced.id, replaced.position), (a.id, a.position));
    assert_eq!(replaced.created_at, NOW);
    assert_eq!(replaced.updated_at, NOW + 10);
    assert_eq!(replaced.params.secret, reset.params.secret);
    assert_eq!(replaced.notes, "desk 4");
    assert_eq!(replaced.group.as_deref(), Some("Work"));
    assert_eq!(v.get(a.id).unwrap(), replaced);
    assert_eq!(v.list().unwrap().accounts.len(), 2);

    let both = v.add(again, OnConflict::KeepBoth, NOW).unwrap();
    assert_ne!(both.id, a.id);
    assert_eq!(both.position, 2);
    assert_eq!(v.list().unwrap().accounts.len(), 3);
}

#[test]
fn edit_reorder_search_remove() {
    let dir = TempDir::new("repo");
    let v = new_vault(&dir);
    let ids: Vec<i64> = ["A", "B", "C", "D"]
        .iter()
        .map(|n| {
            v.add(draft(n, "user"), OnConflict::KeepBoth, NOW)
                .unwrap()
                .id
        })
        .collect();
    let order = |v: &Vault| -> Vec<(i64, i64)> {
        v.list()
            .unwrap()
            .accounts
            .iter()
            .map(|a| (a.id, a.position))
            .collect()
    };

    let r = v.rename(ids[1], "Bank of Bee", "bob", NOW + 1).unwrap();
    assert_eq!(
        (r.issuer.as_str(), r.name.as_str(), r.updated_at),
        ("Bank of Bee", "bob", NOW + 1)
    );
    v.set_notes(ids[2], "Backup codes in the drawer", NOW + 2)
        .unwrap();
    v.set_group(ids[3], Some("Family"), NOW + 3).unwrap();
    v.set_icon(ids[3], Some("bank"), NOW + 3).unwrap();
    let d = v.get(ids[3]).unwrap();
    assert_eq!(
        (d.group.as_deref(), d.icon.as_deref()),
        (Some("Family"), Some("bank"))
    );
    v.set_group(ids[3], None, NOW + 4).unwrap();
    assert_eq!(v.get(ids[3]).unwrap().group, None);
    v.set_group(ids[0], Some("family"), NOW + 4).unwrap();

    let found =
        |q: &str| -> Vec<i64> { v.search(q).unwrap().accounts.iter().map(|a| a.id).collect() };
    assert_eq!(found("BEE"), vec![ids[1]]);
    assert_eq!(found("drawer"), vec![ids[2]]);
    assert_eq!(found("FAMILY"), vec![ids[0]]);
    assert_eq!(found("user").len(), 3);
    assert_eq!(found("").len(), 4);
    assert!(found("nothing like this").is_empty());

    v.reorder(ids[3], 0).unwrap();
    assert_eq!(
        order(&v),
        vec![(ids[3], 0), (ids[0], 1), (ids[1], 2), (ids[2], 3)]
    );
    v.reorder(ids[3], 99).unwrap();
    assert_eq!(
        order(&v),
        vec![(ids[0], 0), (ids[1], 1), (ids[2], 2), (ids[3], 3)]
    );
    v.reorder(ids[0], 2).unwrap();
    assert_eq!(
        order(&v),
        vec![(ids[1], 0), (ids[2], 1), (ids[0], 2), (ids[3], 3)]
    );
    assert_eq!(
        v.reorder(42, 0).unwrap_err(),
        VaultError::NotFound { id: 42 }
    );

    v.remove(ids[2]).unwrap();
    assert_eq!(order(&v), vec![(ids[1], 0), (ids[0], 1), (ids[3], 2)]);
    assert_eq!(
        v.remove(ids[2]).unwrap_err(),
        VaultError::NotFound { id: ids[2] }
    );
    assert_eq!(
        v.get(ids[2]).unwrap_err(),
        VaultError::NotFound { id: ids[2] }
    );
    assert_eq!(
        v.rename(ids[2], "x", "y", NOW).unwrap_err(),
        VaultError::NotFound { id: ids[2] }
    );
    // Ids are never reused.
    let e = v.add(draft("E", "e"), OnConflict::Reject, NOW).unwrap();
    assert!(e.id > ids[3]);
    assert_eq!(e.position, 3);
}

#[test]
fn invalid_drafts_are_refused() {
    let dir = TempDir::new("invalid");
    let v = new_vault(&dir);
    let mut d = draft("A", "a");
    d.params.digits = 3;
    assert!(matches!(
        v.add(d, OnConflict::Reject, NOW),
        Err(VaultError::InvalidParams(_))
    ));
    let mut d = draft("A", "a");
    d.notes = "x".repeat(70_000);
    assert!(matches!(
        v.add(d, OnConflict::Reject, NOW),
        Err(VaultError::InvalidInput { .. })
    ));
    assert!(v.list().unwrap().accounts.is_empty());
}

#[test]
fn every_otp_parameter_round_trips() {
    let dir = TempDir::new("params");
    let v = new_vault(&dir);
    let params = [
        OtpParams {
            algorithm: HashAlgorithm::Sha512,
            digits: 8,
            period: 60,
            ..OtpParams::totp(Secret::from_slice(&[0xff; 64]))
        },
        OtpParams::hotp(Secret::from_slice(b"12345678901234567890"), 41),
        OtpParams::steam(Secret::from_slice(b"steamsteamsteam")),
        OtpParams {
            digits: 10,
            algorithm: HashAlgorithm::Sha256,
            ..OtpParams::totp(Secret::from_slice(b"ten digits please"))
        },
    ];
    for (i, p) in params.iter().enumerate() {
        let d = AccountDraft {
            issuer: format!("Issuer ✓ {i}"),
            name: format!("name {i}"),
            params: p.clone(),
            notes: "n".into(),
            group: Some("g".into()),
            icon: Some("i".into()),
        };
        let a = v.add(d.clone(), OnConflict::Reject, NOW).unwrap();
        let b = v.get(a.id).unwrap();
        assert_eq!(b.content, d);
    }
}

#[test]
fn next_hotp_persists_the_counter_before_returning() {
    let dir = TempDir::new("hotp");
    let v = new_vault(&dir);
    // RFC 4226 appendix D: secret "12345678901234567890", counters 0.. give these codes. Each
    // "next" spends the stored counter and returns the code at the one after it.
    let rfc = ["755224", "287082", "359152", "969429"];
    let h = v
        .add(
            AccountDraft {
                params: OtpParams::hotp(Secret::from_slice(b"12345678901234567890"), 0),
                ..draft("HOTP", "h")
            },
            OnConflict::Reject,
            NOW,
        )
        .unwrap();
    assert_eq!(v.next_hotp(h.id, NOW + 1).unwrap(), rfc[1]);
    assert_eq!(v.next_hotp(h.id, NOW + 2).unwrap(), rfc[2]);
    drop(v);
    // Another handle (another process) sees the advanced counter.
    let v = Vault::open_with_passphrase(dir.vault(), &pass()).unwrap();
    let stored = v.get(h.id).unwrap();
    assert_eq!(stored.params.counter, 2);
    assert_eq!(stored.updated_at, NOW + 2);
    assert_eq!(stored.params.kind, OtpKind::Hotp);
    assert_eq!(v.next_hotp(h.id, NOW).unwrap(), rfc[3]);

    let t = v.add(draft("TOTP", "t"), OnConflict::Reject, NOW).unwrap();
    assert_eq!(
        v.next_hotp(t.id, NOW).unwrap_err(),
        VaultError::NotHotp { id: t.id }
    );
    assert_eq!(
        v.next_hotp(999, NOW).unwrap_err(),
        VaultError::NotFound { id: 999 }
    );

    let maxed = v
        .add(
            AccountDraft {
                params: OtpParams::hotp(Secret::from_slice(b"12345678901234567890"), u64::MAX),
                ..draft("HOTP", "max")
            },
            OnConflict::Reject,
            NOW,
        )
        .unwrap();
    assert!(matches!(
        v.next_hotp(maxed.id, NOW),
        Err(VaultError::InvalidParams(_))
    ));
    assert_eq!(v.get(maxed.id).unwrap().params.counter, u64::MAX);
}

#[test]
fn settings_blobs() {
    let dir = TempDir::new("settings");
    let v = new_vault(&dir);
    assert_eq!(v.get_blob("time.anchor").unwrap(), None);
    v.put_blob("time.anchor", b"anchor v1").unwrap();
    v.put_blob("time.anchor", b"anchor v2").unwrap();
    v.put_blob("other", b"").unwrap();
    assert_eq!(
        v.get_blob("time.anchor").unwrap().as_deref(),
        Some(&b"anchor v2"[..])
    );
    assert_eq!(v.get_blob("other").unwrap().as_deref(), Some(&b""[..]));
    assert!(matches!(
        v.get_blob(""),
        Err(VaultError::InvalidInput { .. })
    ));
    drop(v);

    // Swapping two settings' blobs is detected.
    let conn = raw(&dir.vault());
    conn.execute(
        "UPDATE settings SET sealed = (SELECT sealed FROM settings WHERE key = 'time.anchor')
         WHERE key = 'other'",
        [],
    )
    .unwrap();
    drop(conn);
    let v = Vault::open_with_passphrase(dir.vault(), &pass()).unwrap();
    assert_eq!(
        v.get_blob("other").unwrap_err(),
        VaultError::TamperedSetting {
            key: "other".into()
        }
    );
    assert_eq!(
        v.get_blob("time.anchor").unwrap().as_deref(),
        Some(&b"anchor v2"[..])
    );
    assert!(v.remove_blob("other").unwrap());
    assert!(!v.remove_blob("other").unwrap());
}

#[test]
fn errors_and_debug_never_show_secrets() {
    let dir = TempDir::new("debug");
    let v = new_vault(&dir);
    let a = v.add(draft("A", "a"), OnConflict::Reject, NOW).unwrap();
    let text = format!("{a:?} {v:?}");
    assert!(!text.contains("12345678901234567890"));
    assert!(!text.contains("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    assert!(text.contains("redacted"));
}

/// Nothing sensitive appears in clear in any file SQLite writes, while open or after closing.
#[test]
fn no_cleartext_on_disk() {
    let dir = TempDir::new("cleartext");
    let secret = b"SUPER-SECRET-KEY-MATERIAL-0123";
    let markers: Vec<Vec<u8>> = vec![
        secret.to_vec(),
        Secret::from_slice(secret).to_base32().into_bytes(),
        b"ZebraUniqueBank".to_vec(),
        b"alice.unique@example.org".to_vec(),
        b"NotesUniqueMarker".to_vec(),
        b"GroupUniqueMarker".to_vec(),
        b"IconUniqueMarker".to_vec(),
        b"RenamedUniqueIssuer".to_vec(),
        b"SettingUniqueMarker".to_vec(),
        pass().expose().to_vec(),
    ];
    let scan = |when: &str| {
        let mut scanned = 0;
        for file in vault_files(&dir.vault()) {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            scanned += 1;
            for m in &markers {
                assert!(
                    !contains(&bytes, m),
                    "{when}: {} contains {:?}",
                    file.display(),
                    String::from_utf8_lossy(m)
                );
                // SQLite stores text as UTF-8 here, but check UTF-16 too.
                let wide: Vec<u8> = m.iter().flat_map(|&b| [b, 0]).collect();
                assert!(
                    !contains(&bytes, &wide),
                    "{when}: UTF-16 {}",
                    file.display()
                );
            }
        }
        scanned
    };

    let v = new_vault(&dir);
    let mut ids = Vec::new();
    for i in 0..30 {
        let d = AccountDraft {
            issuer: "ZebraUniqueBank".into(),
            name: "alice.unique@example.org".into(),
            params: OtpParams::hotp(Secret::from_slice(secret), i),
            notes: "NotesUniqueMarker".into(),
            group: Some("GroupUniqueMarker".into()),
            icon: Some("IconUniqueMarker".into()),
        };
        ids.push(v.add(d, OnConflict::KeepBoth, NOW).unwrap().id);
    }
    v.rename(ids[0], "RenamedUniqueIssuer", "x", NOW).unwrap();
    v.rename(ids[0], "y", "x", NOW).unwrap();
    v.next_hotp(ids[1], NOW).unwrap();
    v.put_blob("time.anchor", b"SettingUniqueMarker").unwrap();
    v.remove(ids[2]).unwrap();
    v.change_passphrase(&pass(), &Secret::from_slice(b"another one"), KDF)
        .unwrap();
    assert!(scan("while open") >= 2, "db and -wal were scanned");
    // Positive control: the settings key is stored in clear, so the scan must find it.
    let found_clear = vault_files(&dir.vault())
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .any(|bytes| contains(&bytes, b"time.anchor"));
    assert!(found_clear, "the scan sees what SQLite wrote");
    drop(v);
    assert!(scan("after close") >= 1);
}

#[test]
fn add_all_is_one_transaction_with_conflicts_inside_the_batch() {
    let dir = TempDir::new("addall");
    let v = new_vault(&dir);
    let a = v.add(draft("A", "a"), OnConflict::Reject, NOW).unwrap();
    // A conflict aborts the whole batch.
    assert_eq!(
        v.add_all(
            vec![draft("B", "b"), draft("a", "A")],
            OnConflict::Reject,
            NOW
        )
        .unwrap_err(),
        VaultError::Duplicate { existing_id: a.id }
    );
    assert_eq!(v.list().unwrap().accounts.len(), 1);
    // Conflicts within the batch count too.
    assert!(matches!(
        v.add_all(
            vec![draft("C", "c"), draft("c", "C")],
            OnConflict::Reject,
            NOW
        ),
        Err(VaultError::Duplicate { .. })
    ));
    assert_eq!(v.list().unwrap().accounts.len(), 1);
    let added = v
        .add_all(
            vec![draft("C", "c"), draft("A", "a"), draft("c", "c")],
            OnConflict::Replace,
            NOW + 1,
        )
        .unwrap();
    assert_eq!(added[1].id, a.id);
    assert_eq!(added[2].id, added[0].id);
    assert_eq!(v.list().unwrap().accounts.len(), 2);
    let kept = v
        .add_all(
            vec![draft("A", "a"), draft("A", "a")],
            OnConflict::KeepBoth,
            NOW,
        )
        .unwrap();
    assert_eq!(
        kept.iter().map(|a| a.position).collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert_eq!(v.list().unwrap().accounts.len(), 4);
}
