//! Issue 17, finding 2: backup files that ask for more key-derivation work than any real export
//! (huge scrypt or Argon2 settings, hundreds of password slots) are refused before the work, a
//! large Ente preset needs the user's confirmation, Kunci's own format is read at what Kunci
//! writes, and a derivation can be cancelled. Each test replays the attack from the review.

mod backup_common;

mod backup {
    use crate::backup_common::*;
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    use kunci::{
        export_aegis_encrypted, import, import_with, write_backup, BackupError, Cancel, Format,
        ImportOptions, KdfParams,
    };
    use serde_json::{json, Value};

    fn unsafe_(r: Result<impl std::fmt::Debug, BackupError>) -> String {
        match r {
            Err(BackupError::UnsafeParameters { reason }) => reason,
            other => panic!("expected UnsafeParameters, got {other:?}"),
        }
    }

    /// An encrypted Aegis vault of the shared set whose slot list is replaced by `slots(real)`.
    fn aegis_with_slots(slots: impl FnOnce(&Value) -> Vec<Value>) -> Vec<u8> {
        let bytes = export_aegis_encrypted(&accounts(), "pw", &CHEAP_SCRYPT).unwrap();
        let mut v: Value = serde_json::from_slice(&bytes).unwrap();
        let real = v["header"]["slots"][0].clone();
        v["header"]["slots"] = Value::Array(slots(&real));
        serde_json::to_vec(&v).unwrap()
    }

    /// The real slot under another salt: a derivation that never opens the key.
    fn decoy(real: &Value, i: usize) -> Value {
        let mut s = real.clone();
        s["salt"] = json!(format!("{:064x}", i + 1));
        s
    }

    #[test]
    fn aegis_scrypt_of_a_gigabyte_and_16_lanes_is_refused_before_deriving() {
        // The review's 447-byte file: N = 2^20, r = 8, p = 16 took 36 s and 1.05 GB.
        let file = aegis_with_slots(|real| {
            let mut s = real.clone();
            s["n"] = json!(1u64 << 20);
            s["p"] = json!(16);
            vec![s]
        });
        let reason = unsafe_(import(&file, Format::Aegis, Some("pw")));
        assert!(reason.contains("MiB"), "{reason}");
    }

    #[test]
    fn aegis_slots_of_128_mib_and_16_lanes_are_refused_at_the_first() {
        // 20 slots at N = 2^17, p = 16 took 83 s: each is 128 MiB × 32 passes of work.
        let file = aegis_with_slots(|real| {
            (0..20)
                .map(|i| {
                    let mut s = decoy(real, i);
                    s["n"] = json!(1u64 << 17);
                    s["p"] = json!(16);
                    s
                })
                .collect()
        });
        unsafe_(import(&file, Format::Aegis, Some("pw")));
    }

    #[test]
    fn aegis_tries_at_most_three_password_slots() {
        // 200 slots at Aegis's defaults took 14 s; now three derivations at most.
        let many = aegis_with_slots(|real| (0..200).map(|i| decoy(real, i)).collect());
        let reason = unsafe_(import(&many, Format::Aegis, Some("pw")));
        assert!(reason.contains("tries no more"), "{reason}");
        // The right password in the third slot still opens the vault...
        let third = aegis_with_slots(|real| vec![decoy(real, 0), decoy(real, 1), real.clone()]);
        let batch = import(&third, Format::Aegis, Some("pw")).unwrap();
        assert_eq!(batch.accounts.len(), accounts().len());
        // ...and in the fourth it is not tried.
        let fourth = aegis_with_slots(|real| {
            vec![decoy(real, 0), decoy(real, 1), decoy(real, 2), real.clone()]
        });
        unsafe_(import(&fourth, Format::Aegis, Some("pw")));
    }

    fn kunci_header(memory_kib: u32, iterations: u32) -> Vec<u8> {
        let mut file = write_backup(&accounts(), "pw", &CHEAP_KDF).unwrap();
        file[11..15].copy_from_slice(&memory_kib.to_le_bytes());
        file[15..19].copy_from_slice(&iterations.to_le_bytes());
        file
    }

    #[test]
    fn kunci_backups_are_read_at_what_kunci_writes() {
        // 1 GiB × 4 passes took 4-5 s and 1.05 GB; 512 MiB × 1 is above the 256 MiB Kunci uses.
        unsafe_(import(&kunci_header(1 << 20, 4), Format::Kunci, Some("pw")));
        unsafe_(import(
            &kunci_header(512 << 10, 1),
            Format::Kunci,
            Some("pw"),
        ));
        // Allowing costly derivations does not lift it for Kunci's own format.
        let options = ImportOptions {
            password: Some("pw"),
            allow_costly_kdf: true,
            cancel: None,
        };
        unsafe_(import_with(
            &kunci_header(1 << 20, 4),
            Some(Format::Kunci),
            &options,
        ));
        // Nor is such a backup ever written.
        let big = KdfParams {
            memory_kib: 512 << 10,
            iterations: 1,
            parallelism: 1,
        };
        unsafe_(write_backup(&accounts(), "pw", &big));
        // Within the bound the header is authenticated: a changed cost is a wrong key.
        assert_eq!(
            import(&kunci_header(128, 1), Format::Kunci, Some("pw")),
            Err(BackupError::WrongPassword)
        );
    }

    fn ente_header(mem_limit: u64, ops_limit: u64) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "version": 1,
            "kdfParams": {"memLimit": mem_limit, "opsLimit": ops_limit, "salt": B64.encode([9u8; 16])},
            "encryptedData": B64.encode([0u8; 64]),
            "encryptionNonce": B64.encode([1u8; 24]),
        }))
        .unwrap()
    }

    #[test]
    fn ente_sensitive_preset_needs_confirmation_and_can_be_cancelled() {
        let sensitive = ente_header(1 << 30, 4);
        assert_eq!(
            import(&sensitive, Format::Ente, Some("pw")),
            Err(BackupError::CostlyKdf {
                memory_mib: 1024,
                passes: 4
            })
        );
        // Above the sensitive preset nothing is allowed, confirmed or not.
        let options = |cancel| ImportOptions {
            password: Some("pw"),
            allow_costly_kdf: true,
            cancel,
        };
        unsafe_(import_with(
            &ente_header(1 << 30, 5),
            Some(Format::Ente),
            &options(None),
        ));
        // Confirmed, but the user pressed Cancel first: no derivation runs.
        let cancel = Cancel::new();
        cancel.cancel();
        assert_eq!(
            import_with(&sensitive, Some(Format::Ente), &options(Some(cancel))).map(|_| ()),
            Err(BackupError::Cancelled)
        );
    }

    #[test]
    fn a_running_derivation_is_cancelled_from_another_thread() {
        let params = KdfParams {
            memory_kib: 64 << 10,
            iterations: 3,
            parallelism: 1,
        };
        let file = write_backup(&accounts(), "pw", &params).unwrap();
        let cancel = Cancel::new();
        let canceller = {
            let c = std::sync::Arc::clone(&cancel);
            std::thread::spawn(move || c.cancel())
        };
        let options = ImportOptions {
            password: Some("pw"),
            allow_costly_kdf: false,
            cancel: Some(cancel),
        };
        // Cancelled whether the cancel lands before the derivation starts or while it runs.
        let result = import_with(&file, None, &options).map(|_| ());
        canceller.join().unwrap();
        assert_eq!(result, Err(BackupError::Cancelled));
        // Without a cancel the same file opens.
        let options = ImportOptions::with_password(Some("pw"));
        assert_eq!(
            import_with(&file, None, &options).unwrap().1.accounts.len(),
            accounts().len()
        );
    }
}
