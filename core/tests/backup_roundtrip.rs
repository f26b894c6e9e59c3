//! Every exporter's output read back by the matching importer: the accounts (as far as the
//! format can carry them) and their codes must be unchanged, and auto-detect must name the format.

mod backup_common;

/// Inside `backup` so `cargo test -p kunci backup` selects these tests.
mod backup {
    use crate::backup_common::*;
    use kunci::{
        detect, export_aegis, export_aegis_encrypted, export_google, export_uris, import,
        import_auto, read_backup, write_backup, BackupError, Format, ImportWarning, EXPORT_WARNING,
    };

    #[test]
    fn kunci_backup_round_trips_everything() {
        let accounts = accounts();
        let bytes = write_backup(&accounts, "pässwörd 🔑", &CHEAP_KDF).unwrap();
        assert_eq!(detect(&bytes), Some(Format::Kunci));
        let batch = read_backup(&bytes, "pässwörd 🔑").unwrap();
        assert!(batch.refused.is_empty() && batch.warnings.is_empty());
        // Groups, order, counters, notes and icons: all of it, exactly.
        assert_eq!(batch.accounts, accounts);
        assert_all_same_otp(&accounts, &batch.accounts);
        let auto = import_auto(&bytes, Some("pässwörd 🔑")).unwrap();
        assert_eq!(auto.accounts, accounts);
    }

    #[test]
    fn kunci_backup_keeps_unusual_but_valid_values() {
        let mut accounts = accounts();
        accounts[0].position = -5;
        accounts[2].position = i64::MAX;
        accounts[3].params.counter = u64::MAX - 1;
        accounts[7].params.digits = 10;
        accounts[8].params.period = 86_400;
        let bytes = write_backup(&accounts, "x", &CHEAP_KDF).unwrap();
        assert_eq!(read_backup(&bytes, "x").unwrap().accounts, accounts);
    }

    #[test]
    fn kunci_backup_of_nothing_is_valid() {
        let bytes = write_backup(&[], "x", &CHEAP_KDF).unwrap();
        assert!(read_backup(&bytes, "x").unwrap().accounts.is_empty());
    }

    #[test]
    fn kunci_backup_header_records_the_kdf_parameters_and_is_authenticated() {
        let bytes = write_backup(&accounts(), "pw", &CHEAP_KDF).unwrap();
        assert_eq!(&bytes[..8], b"KUNCIBAK");
        assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 1);
        assert_eq!(u32::from_le_bytes(bytes[11..15].try_into().unwrap()), 64);
        // Any change to the header (here: the salt) breaks the authentication tag.
        let mut tampered = bytes.clone();
        tampered[30] ^= 1;
        assert_eq!(
            read_backup(&tampered, "pw"),
            Err(BackupError::WrongPassword)
        );
        // Two backups of the same data differ (fresh salt and nonce).
        assert_ne!(bytes, write_backup(&accounts(), "pw", &CHEAP_KDF).unwrap());
    }

    #[test]
    fn kunci_backup_default_parameters_are_64_mib_3_passes() {
        let d = kunci::KdfParams::default();
        assert_eq!((d.memory_kib, d.iterations, d.parallelism), (65_536, 3, 1));
    }

    #[test]
    fn aegis_plain_round_trips_everything_aegis_has() {
        let accounts = accounts();
        let bytes = export_aegis(&accounts).unwrap();
        assert_eq!(detect(&bytes), Some(Format::Aegis));
        let batch = import(&bytes, Format::Aegis, None).unwrap();
        assert!(batch.refused.is_empty(), "{:?}", batch.refused);
        // Aegis has notes, one-or-more groups, icons and list order: the set survives unchanged.
        assert_eq!(batch.accounts, accounts);
        assert_all_same_otp(&accounts, &batch.accounts);
    }

    #[test]
    fn aegis_encrypted_round_trips_and_checks_the_password() {
        let accounts = accounts();
        let bytes = export_aegis_encrypted(&accounts, "hunter2", &CHEAP_SCRYPT).unwrap();
        assert_eq!(detect(&bytes), Some(Format::Aegis));
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(!text.contains(&accounts[0].params.secret.to_base32()));
        assert!(
            !text.contains("GitHub"),
            "issuer names are inside the encryption"
        );
        let batch = import(&bytes, Format::Aegis, Some("hunter2")).unwrap();
        assert_eq!(batch.accounts, accounts);
        assert_eq!(
            import(&bytes, Format::Aegis, None),
            Err(BackupError::PasswordRequired)
        );
        assert_eq!(
            import(&bytes, Format::Aegis, Some("hunter3")),
            Err(BackupError::WrongPassword)
        );
    }

    #[test]
    fn aegis_export_follows_the_documented_layout() {
        let bytes = export_aegis_encrypted(&accounts(), "pw", &CHEAP_SCRYPT).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["version"], 1);
        let slot = &v["header"]["slots"][0];
        assert_eq!(slot["type"], 1);
        assert_eq!(slot["n"], 16);
        assert_eq!(slot["r"], 8);
        assert_eq!(slot["p"], 1);
        assert_eq!(
            slot["salt"].as_str().unwrap().len(),
            64,
            "32-byte salt, hex"
        );
        assert_eq!(
            slot["key"].as_str().unwrap().len(),
            64,
            "wrapped 32-byte key, hex"
        );
        assert_eq!(slot["key_params"]["nonce"].as_str().unwrap().len(), 24);
        assert_eq!(slot["key_params"]["tag"].as_str().unwrap().len(), 32);
        assert_eq!(v["header"]["params"]["nonce"].as_str().unwrap().len(), 24);
        assert!(v["db"].is_string());

        let plain = export_aegis(&accounts()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        assert!(v["header"]["slots"].is_null() && v["header"]["params"].is_null());
        let db = &v["db"];
        assert_eq!(db["version"], 3);
        let e = &db["entries"][0];
        assert_eq!(e["type"], "totp");
        assert_eq!(e["info"]["algo"], "SHA1");
        assert_eq!(e["info"]["period"], 30);
        assert_eq!(e["icon_mime"], "image/png");
        assert_eq!(e["icon_hash"].as_str().unwrap().len(), 64);
        assert_eq!(e["uuid"].as_str().unwrap().len(), 36);
        let group_id = e["groups"][0].as_str().unwrap();
        let groups = db["groups"].as_array().unwrap();
        assert!(groups
            .iter()
            .any(|g| g["uuid"] == group_id && g["name"] == "Work"));
        assert_eq!(groups.len(), 2, "one uuid per distinct group name");
        assert_eq!(db["entries"][3]["type"], "hotp");
        assert_eq!(db["entries"][3]["info"]["counter"], 1);
        assert_eq!(db["entries"][6]["type"], "steam");
        assert_eq!(db["entries"][6]["info"]["digits"], 5);
    }

    #[test]
    fn uri_list_round_trips_codes_but_not_notes_or_groups() {
        assert!(EXPORT_WARNING.contains("NOT encrypted"));
        let accounts = accounts();
        let text = export_uris(&accounts);
        assert_eq!(text.lines().count(), accounts.len());
        assert_eq!(detect(text.as_bytes()), Some(Format::Uris));
        let batch = import(text.as_bytes(), Format::Uris, None).unwrap();
        assert!(batch.refused.is_empty(), "{:?}", batch.refused);
        assert_all_same_otp(&accounts, &batch.accounts);
        for (i, a) in batch.accounts.iter().enumerate() {
            assert_eq!(a.position, i as i64);
            assert!(a.notes.is_empty() && a.group.is_none() && a.icon.is_none());
        }
    }

    #[test]
    fn google_export_round_trips_what_google_supports_and_names_the_rest() {
        let accounts = accounts();
        let export = export_google(&accounts, 42).unwrap();
        assert_eq!(export.uris.len(), 1);
        let skipped: Vec<&str> = export.skipped.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            skipped,
            [
                "Ünïcødé Bank: José 山田",
                "Airbnb: elijah",
                "Air Canada: benjamin",
                "Steam: gabe"
            ]
        );
        assert!(export.skipped.iter().all(|s| s.reason.contains("Google")));
        let text = export
            .uris
            .iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(detect(text.as_bytes()), Some(Format::Google));
        let batch = import(text.as_bytes(), Format::Google, None).unwrap();
        let expected: Vec<_> = GOOGLE_OK.iter().map(|&i| accounts[i].clone()).collect();
        assert_all_same_otp(&expected, &batch.accounts);
        assert!(batch.refused.is_empty());
    }

    fn many(n: usize) -> Vec<kunci::BackupAccount> {
        (0..n)
            .map(|i| {
                let mut a = accounts()[0].clone();
                a.name = format!("user{i}");
                a.position = i as i64;
                a
            })
            .collect()
    }

    #[test]
    fn google_export_uses_batches_of_ten_and_import_reports_a_missing_one() {
        let accounts = many(23);
        let export = export_google(&accounts, 7).unwrap();
        assert_eq!(export.uris.len(), 3);
        let all = export
            .uris
            .iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let batch = import(all.as_bytes(), Format::Google, None).unwrap();
        assert_eq!(batch.accounts.len(), 23);
        assert!(batch.warnings.is_empty());

        let partial = format!(
            "{}\n\n{}\n",
            export.uris[0].as_str(),
            export.uris[2].as_str()
        );
        let batch = import(partial.as_bytes(), Format::Google, None).unwrap();
        assert_eq!(batch.accounts.len(), 13);
        assert_eq!(
            batch.warnings,
            [ImportWarning::MissingBatches {
                batch_id: 7,
                missing: vec![1],
                size: 3
            }]
        );
        assert!(batch.warnings[0].to_string().contains("2 of 3"));
    }

    #[test]
    fn every_exported_format_is_detected() {
        let a = accounts();
        let cases: Vec<(Vec<u8>, Format)> = vec![
            (write_backup(&a, "p", &CHEAP_KDF).unwrap(), Format::Kunci),
            (export_aegis(&a).unwrap().to_vec(), Format::Aegis),
            (
                export_aegis_encrypted(&a, "p", &CHEAP_SCRYPT).unwrap(),
                Format::Aegis,
            ),
            (export_uris(&a).as_bytes().to_vec(), Format::Uris),
            (
                export_google(&a, 1).unwrap().uris[0].as_bytes().to_vec(),
                Format::Google,
            ),
        ];
        for (bytes, format) in cases {
            assert_eq!(detect(&bytes), Some(format));
        }
    }

    use kunci::BackupAccount;
    use kunci::Secret;
    use kunci::{HashAlgorithm, OtpKind, OtpParams};
    use proptest::prelude::*;

    /// Any account the vault could hold: every kind, algorithm and legal digits/period/counter,
    /// any text (including control characters and non-BMP), any group/icon.
    fn any_account() -> impl Strategy<Value = BackupAccount> {
        let kind = prop_oneof![
            Just(OtpKind::Totp),
            Just(OtpKind::Hotp),
            Just(OtpKind::Steam)
        ];
        let algorithm = prop_oneof![
            Just(HashAlgorithm::Sha1),
            Just(HashAlgorithm::Sha256),
            Just(HashAlgorithm::Sha512)
        ];
        (
            (kind, algorithm, 4u8..=10, 1u32..=86_400, any::<u64>()),
            proptest::collection::vec(any::<u8>(), 1..=128),
            ("\\PC{0,24}", "\\PC{0,24}", "\\PC{0,40}"),
            (
                proptest::option::of("\\PC{0,16}"),
                proptest::option::of("[ -~]{0,40}"),
                any::<i64>(),
            ),
        )
            .prop_map(
                |(
                    (kind, algorithm, digits, period, counter),
                    secret,
                    (issuer, name, notes),
                    (group, icon, position),
                )| {
                    let digits = if kind == OtpKind::Steam { 5 } else { digits };
                    BackupAccount {
                        content: kunci::AccountContent {
                            issuer,
                            name,
                            params: OtpParams {
                                kind,
                                algorithm,
                                digits,
                                period,
                                counter,
                                secret: Secret::new(secret),
                            },
                            notes,
                            group,
                            icon,
                        },
                        position,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// write_backup then read_backup gives back exactly what was written, codes included;
        /// the wrong password is a typed error, never an account.
        #[test]
        fn kunci_backup_round_trip_is_identity(
            accounts in proptest::collection::vec(any_account(), 0..6),
            password in "\\PC{0,20}",
        ) {
            let bytes = write_backup(&accounts, &password, &CHEAP_KDF).unwrap();
            let back = read_backup(&bytes, &password).unwrap();
            prop_assert!(back.refused.is_empty());
            prop_assert_eq!(&back.accounts, &accounts);
            assert_all_same_otp(&accounts, &back.accounts);
            let wrong = format!("{password}!");
            prop_assert_eq!(read_backup(&bytes, &wrong).err(), Some(BackupError::WrongPassword));
        }
    }
}
