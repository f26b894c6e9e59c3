//! Importers of other apps' files built here from their documented layouts (2FAS, Ente,
//! FreeOTP+, Bitwarden, URI lists), typed errors for bad input, and the import report.

mod backup_common;

/// Inside `backup` so `cargo test -p kunci backup` selects these tests.
mod backup {
    use crate::backup_common::*;
    use aes_gcm::aead::{Aead, KeyInit};
    use aes_gcm::{Aes256Gcm, Nonce};
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    use kunci::format_uri;
    use kunci::OtpKind;
    use kunci::{
        detect, export_aegis, export_aegis_encrypted, import, import_auto, write_backup,
        BackupAccount, BackupError, Format, ImportWarning, ReportStatus,
    };
    use serde_json::{json, Value};

    // ---------- 2FAS ----------

    fn twofas_service(a: &BackupAccount, group: Option<&str>) -> Value {
        let p = &a.params;
        let token = match p.kind {
            OtpKind::Totp => "TOTP",
            OtpKind::Hotp => "HOTP",
            OtpKind::Steam => "STEAM",
        };
        let mut otp = json!({
            "label": format!("{}:{}", a.issuer, a.name),
            "account": a.name, "issuer": a.issuer, "digits": p.digits,
            "algorithm": p.algorithm.as_str(), "tokenType": token, "source": "Link",
        });
        if p.kind == OtpKind::Hotp {
            otp["counter"] = json!(p.counter);
        } else {
            otp["period"] = json!(p.period);
        }
        let mut s = json!({
            "name": a.issuer, "secret": p.secret.to_base32(), "updatedAt": 1_700_000_000_000u64,
            "otp": otp, "order": {"position": a.position},
            "icon": {"selected": "Label", "label": {"text": "AB", "backgroundColor": "Orange"}},
        });
        if let Some(g) = group {
            s["groupId"] = json!(g);
        }
        s
    }

    /// A .2fas file of `accounts()` (2FAS has no notes or icons; groups by id).
    fn twofas_file(schema: u32, password: Option<&str>) -> (Vec<u8>, Vec<BackupAccount>) {
        let mut accounts = accounts();
        for a in &mut accounts {
            a.notes.clear();
            a.icon = None;
        }
        let groups = json!([
            {"id": "g-work", "name": "Work", "isExpanded": true},
            {"id": "g-personal", "name": "Personal — 個人", "isExpanded": true},
        ]);
        let services: Vec<Value> = accounts
            .iter()
            .map(|a| {
                let id = match a.group.as_deref() {
                    Some("Work") => Some("g-work"),
                    Some(_) => Some("g-personal"),
                    None => None,
                };
                twofas_service(a, id)
            })
            .collect();
        let mut root = json!({
            "services": services, "groups": groups, "updatedAt": 1_700_000_000_000u64,
            "schemaVersion": schema, "appVersionCode": 5000009, "appOrigin": "android",
        });
        if let Some(pw) = password {
            let plain = serde_json::to_vec(&root["services"]).unwrap();
            let salt = [7u8; 256];
            root["servicesEncrypted"] = json!(seal_2fas(&plain, pw, &salt, [1; 12]));
            root["reference"] = json!(seal_2fas(b"reference text", pw, &salt, [2; 12]));
            root["services"] = json!([]);
        }
        (serde_json::to_vec(&root).unwrap(), accounts)
    }

    /// base64(ciphertext+tag):base64(salt):base64(iv), PBKDF2-HMAC-SHA256 10 000, AES-256-GCM.
    fn seal_2fas(plain: &[u8], password: &str, salt: &[u8], iv: [u8; 12]) -> String {
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, 10_000, &mut key);
        let sealed = Aes256Gcm::new(&key.into())
            .encrypt(Nonce::from_slice(&iv), plain)
            .unwrap();
        format!(
            "{}:{}:{}",
            B64.encode(sealed),
            B64.encode(salt),
            B64.encode(iv)
        )
    }

    #[test]
    fn twofas_plain_v3_and_v4_import_everything_2fas_has() {
        for schema in [3, 4] {
            let (bytes, expected) = twofas_file(schema, None);
            assert_eq!(detect(&bytes), Some(Format::TwoFas));
            let batch = import(&bytes, Format::TwoFas, None).unwrap();
            assert!(batch.refused.is_empty(), "{:?}", batch.refused);
            assert_eq!(batch.accounts, expected, "schema {schema}");
            assert_all_same_otp(&expected, &batch.accounts);
        }
    }

    #[test]
    fn twofas_encrypted_needs_the_right_password() {
        let (bytes, expected) = twofas_file(4, Some("test"));
        assert_eq!(detect(&bytes), Some(Format::TwoFas));
        assert_eq!(
            import(&bytes, Format::TwoFas, None),
            Err(BackupError::PasswordRequired)
        );
        assert_eq!(
            import(&bytes, Format::TwoFas, Some("nope")),
            Err(BackupError::WrongPassword)
        );
        let batch = import(&bytes, Format::TwoFas, Some("test")).unwrap();
        assert_eq!(batch.accounts, expected);
    }

    #[test]
    fn twofas_damaged_services_behind_a_good_reference_is_damage_not_a_wrong_password() {
        let (bytes, _) = twofas_file(4, Some("test"));
        let mut root: Value = serde_json::from_slice(&bytes).unwrap();
        let sealed = root["servicesEncrypted"].as_str().unwrap().to_string();
        let (data, rest) = sealed.split_once(':').unwrap();
        let mut raw = B64.decode(data).unwrap();
        raw[3] ^= 0x55;
        root["servicesEncrypted"] = json!(format!("{}:{rest}", B64.encode(raw)));
        let bytes = serde_json::to_vec(&root).unwrap();
        assert!(matches!(
            import(&bytes, Format::TwoFas, Some("test")),
            Err(BackupError::Damaged { .. })
        ));
        root["servicesEncrypted"] = json!("onlyonepart");
        let bytes = serde_json::to_vec(&root).unwrap();
        assert!(matches!(
            import(&bytes, Format::TwoFas, Some("test")),
            Err(BackupError::Damaged { .. })
        ));
    }

    #[test]
    fn twofas_one_bad_service_is_refused_alone() {
        let (bytes, expected) = twofas_file(4, None);
        let mut root: Value = serde_json::from_slice(&bytes).unwrap();
        root["services"][1]["secret"] = json!("not base32 !!");
        root["services"][2]["otp"]["tokenType"] = json!("YANDEX");
        root["services"][3]["otp"]["digits"] = json!(99);
        root["services"][4]
            .as_object_mut()
            .unwrap()
            .remove("secret");
        let bytes = serde_json::to_vec(&root).unwrap();
        let batch = import(&bytes, Format::TwoFas, None).unwrap();
        assert_eq!(batch.accounts.len(), expected.len() - 4);
        let refused: Vec<usize> = batch.refused.iter().map(|r| r.index).collect();
        assert_eq!(refused, [1, 2, 3, 4]);
        assert_eq!(batch.refused[0].label, "Ünïcødé Bank: José 山田");
        for r in &batch.refused {
            assert!(!r.reason.is_empty());
            assert!(!r.reason.contains(&expected[1].params.secret.to_base32()));
        }
    }

    #[test]
    fn twofas_unknown_schema_is_a_typed_error() {
        let (bytes, _) = twofas_file(4, None);
        let mut root: Value = serde_json::from_slice(&bytes).unwrap();
        root["schemaVersion"] = json!(99);
        let bytes = serde_json::to_vec(&root).unwrap();
        assert!(matches!(
            import(&bytes, Format::TwoFas, None),
            Err(BackupError::UnsupportedVersion { .. })
        ));
    }

    // ---------- Ente ----------

    const ENTE_LIBSODIUM: &str = include_str!("fixtures/ente_encrypted_libsodium.json");
    const ENTE_PASSWORD: &str = "correct horse battery staple";

    #[test]
    fn ente_encrypted_export_made_by_libsodium_imports() {
        let bytes = ENTE_LIBSODIUM.as_bytes();
        assert_eq!(detect(bytes), Some(Format::Ente));
        assert_eq!(
            import(bytes, Format::Ente, None),
            Err(BackupError::PasswordRequired)
        );
        assert_eq!(
            import(bytes, Format::Ente, Some("wrong")),
            Err(BackupError::WrongPassword)
        );
        let batch = import_auto(bytes, Some(ENTE_PASSWORD)).unwrap();
        assert!(batch.refused.is_empty());
        let labels: Vec<String> = batch.accounts.iter().map(|a| a.label()).collect();
        assert_eq!(
            labels,
            [
                "Deno: Mason",
                "WWE: Mason",
                "Boeing: Sophia",
                "SPDX: James 山田"
            ]
        );
        // codeDisplay carries Ente's tags and note.
        assert_eq!(batch.accounts[0].group.as_deref(), Some("Work"));
        assert_eq!(batch.accounts[0].notes, "desk key");
        assert_eq!(batch.accounts[1].params.counter, 10_300);
        assert_eq!(batch.accounts[2].params.kind, OtpKind::Steam);
        assert_eq!(batch.accounts[3].params.period, 20);
        // The code Aegis's test data gives for this secret's neighbour is checked elsewhere; here
        // the secret itself must be exact.
        assert_eq!(
            batch.accounts[0].params.secret.to_base32(),
            "4SJHB4GSD43FZBAI7C2HLRJGPQ"
        );
    }

    /// An Ente export of `accounts()` made with the Rust secretstream (multi-line, all kinds).
    fn ente_file(password: &str, mem_limit: u64, ops_limit: u64) -> Vec<u8> {
        use crypto_secretstream::{Key, PushStream, Tag};
        let text: String = accounts()
            .iter()
            .map(|a| format_uri(&a.issuer, &a.name, &a.params) + "\n")
            .collect();
        let salt = [9u8; 16];
        let mut key = [0u8; 32];
        argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new((mem_limit / 1024) as u32, ops_limit as u32, 1, Some(32)).unwrap(),
        )
        .hash_password_into(password.as_bytes(), &salt, &mut key)
        .unwrap();
        let (header, mut stream) = PushStream::init(chacha20poly1305::aead::OsRng, &Key::from(key));
        let mut data = text.into_bytes();
        stream.push(&mut data, &[], Tag::Final).unwrap();
        serde_json::to_vec(&json!({
            "version": 1,
            "kdfParams": {"memLimit": mem_limit, "opsLimit": ops_limit, "salt": B64.encode(salt)},
            "encryptedData": B64.encode(data),
            "encryptionNonce": B64.encode(header.as_ref()),
        }))
        .unwrap()
    }

    #[test]
    fn ente_encrypted_round_trips_the_shared_set() {
        let bytes = ente_file("pw", 8192, 2);
        let batch = import(&bytes, Format::Ente, Some("pw")).unwrap();
        assert_all_same_otp(&accounts(), &batch.accounts);
    }

    #[test]
    fn ente_plain_text_export_imports_as_uris() {
        let text = "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno&codeDisplay=%7B%22trashed%22%3Atrue%7D\n\
                    otpauth://hotp/Issuu:James?secret=YOOMIXWS5GN6RTBPUFFWKTW5M4&issuer=Issuu&counter=1&codeDisplay=%7B%22tags%22%3A%5B%22a%22%2C%22b%22%5D%7D\n";
        assert_eq!(detect(text.as_bytes()), Some(Format::Uris));
        for format in [Format::Ente, Format::Uris] {
            let batch = import(text.as_bytes(), format, None).unwrap();
            assert_eq!(batch.accounts.len(), 1);
            assert_eq!(batch.accounts[0].group.as_deref(), Some("a"));
            assert_eq!(batch.refused.len(), 1, "the trashed entry is not imported");
            assert!(batch.refused[0].reason.contains("trash"));
            assert!(matches!(
                batch.warnings[..],
                [ImportWarning::Dropped { .. }]
            ));
        }
    }

    #[test]
    fn ente_hostile_kdf_parameters_are_refused_before_deriving() {
        let bytes = ente_file("pw", 8192, 1);
        let mut root: Value = serde_json::from_slice(&bytes).unwrap();
        for (mem, ops) in [(4u64 << 30, 1u64), (8192, 1_000_000), (8192, 0)] {
            root["kdfParams"]["memLimit"] = json!(mem);
            root["kdfParams"]["opsLimit"] = json!(ops);
            let bytes = serde_json::to_vec(&root).unwrap();
            assert!(
                matches!(
                    import(&bytes, Format::Ente, Some("pw")),
                    Err(BackupError::UnsafeParameters { .. })
                ),
                "mem {mem} ops {ops}"
            );
        }
    }

    #[test]
    fn ente_truncated_data_and_bad_header_are_typed_errors() {
        let bytes = ente_file("pw", 8192, 1);
        let mut root: Value = serde_json::from_slice(&bytes).unwrap();
        root["encryptionNonce"] = json!(B64.encode([0u8; 10]));
        let bad = serde_json::to_vec(&root).unwrap();
        assert!(matches!(
            import(&bad, Format::Ente, Some("pw")),
            Err(BackupError::Damaged { .. })
        ));
        let mut root: Value = serde_json::from_slice(&bytes).unwrap();
        root["encryptedData"] = json!(B64.encode([1u8; 5]));
        let bad = serde_json::to_vec(&root).unwrap();
        assert_eq!(
            import(&bad, Format::Ente, Some("pw")),
            Err(BackupError::WrongPassword)
        );
        let mut root: Value = serde_json::from_slice(&bytes).unwrap();
        root.as_object_mut().unwrap().remove("encryptedData");
        let bad = serde_json::to_vec(&root).unwrap();
        assert!(matches!(
            import(&bad, Format::Ente, Some("pw")),
            Err(BackupError::Damaged { .. })
        ));
    }

    // ---------- FreeOTP+, Bitwarden ----------

    #[test]
    fn freeotp_plus_json_imports_in_token_order() {
        let secret: Vec<i8> = vec![-28, -110, 112, -16, -46, 31, 54, 92, -124, 8];
        let file = json!({
            "tokenOrder": ["WWE:Mason", "Deno:Mason"],
            "tokens": [
                {"algo": "SHA1", "counter": 0, "digits": 6, "issuerExt": "Deno", "label": "Mason",
                 "period": 30, "secret": secret, "type": "TOTP"},
                {"algo": "SHA512", "counter": 10299, "digits": 8, "issuerExt": "WWE", "label": "Mason",
                 "period": 30, "secret": secret, "type": "HOTP"},
                {"algo": "MD5", "digits": 6, "issuerExt": "Bad", "label": "x", "secret": secret, "type": "TOTP"},
            ]
        });
        let bytes = serde_json::to_vec(&file).unwrap();
        assert_eq!(detect(&bytes), Some(Format::FreeOtpPlus));
        let batch = import(&bytes, Format::FreeOtpPlus, None).unwrap();
        let labels: Vec<String> = batch.accounts.iter().map(|a| a.label()).collect();
        assert_eq!(labels, ["WWE: Mason", "Deno: Mason"]);
        assert_eq!(batch.accounts[0].params.counter, 10_300);
        assert_eq!(batch.accounts[1].params.secret.expose()[0], 0xe4);
        assert_eq!(batch.refused.len(), 1);
        assert!(batch.refused[0].reason.contains("MD5"));
    }

    #[test]
    fn bitwarden_json_reads_uris_bare_secrets_and_steam() {
        let a = &accounts()[2];
        let file = json!({
            "encrypted": false,
            "folders": [{"id": "f1", "name": "2FA"}],
            "items": [
                {"type": 1, "name": "Airbnb", "folderId": "f1", "notes": "n",
                 "login": {"username": "elijah", "totp": format_uri(&a.issuer, &a.name, &a.params)}},
                {"type": 1, "name": "Example", "login": {"username": "me", "totp": "JBSW Y3DP EHPK 3PXP"}},
                {"type": 1, "name": "Steam", "login": {"username": "gabe", "totp": "steam://JRZCL47CMXVOQMNPZR2F7J4RGI"}},
                {"type": 1, "name": "No 2FA", "login": {"username": "x", "password": "p", "totp": null}},
                {"type": 2, "name": "A note"},
                {"type": 1, "name": "Broken", "login": {"username": "y", "totp": "otpauth://totp/x?secret=1"}},
            ]
        });
        let bytes = serde_json::to_vec(&file).unwrap();
        assert_eq!(detect(&bytes), Some(Format::Bitwarden));
        let batch = import(&bytes, Format::Bitwarden, None).unwrap();
        assert_eq!(batch.accounts.len(), 3);
        assert_same_otp(a, &batch.accounts[0]);
        assert_eq!(batch.accounts[0].group.as_deref(), Some("2FA"));
        assert_eq!(batch.accounts[1].label(), "Example: me");
        assert_eq!(batch.accounts[1].params.kind, OtpKind::Totp);
        assert_eq!(batch.accounts[2].params.kind, OtpKind::Steam);
        assert_eq!(batch.refused.len(), 1);
        assert_eq!(batch.refused[0].index, 5);

        // A password-protected export has no items at all, only an encrypted blob.
        let encrypted = br#"{"encrypted": true, "passwordProtected": true, "salt": "c2FsdA==",
            "kdfType": 0, "kdfIterations": 600000, "data": "2.abc|def|ghi"}"#;
        assert_eq!(detect(encrypted), Some(Format::Bitwarden));
        assert!(matches!(
            import(encrypted, Format::Bitwarden, None),
            Err(BackupError::Unsupported { .. })
        ));
    }

    // ---------- URI lists ----------

    #[test]
    fn uri_list_skips_comments_and_refuses_bad_lines_alone() {
        let text = "# my codes\n\n\
            otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub\n\
            this is not a uri\n\
            otpauth://totp/Bad?secret=!!!\n\
            otpauth://hotp/Counter:bob?secret=JBSWY3DPEHPK3PXP&counter=7\n";
        let batch = import(text.as_bytes(), Format::Uris, None).unwrap();
        assert_eq!(batch.accounts.len(), 2);
        assert_eq!(batch.accounts[1].params.counter, 7);
        let refused: Vec<(usize, &str)> = batch
            .refused
            .iter()
            .map(|r| (r.index, r.label.as_str()))
            .collect();
        assert_eq!(refused, [(3, "line 4"), (4, "line 5")]);
        assert!(batch
            .warnings
            .iter()
            .any(|w| matches!(w, ImportWarning::Entry { .. })));
    }

    // ---------- errors common to every format ----------

    #[test]
    fn missing_password_and_wrong_password_are_typed_for_every_encrypted_format() {
        let a = accounts();
        let files: Vec<(Vec<u8>, Format)> = vec![
            (
                write_backup(&a, "right", &CHEAP_KDF).unwrap(),
                Format::Kunci,
            ),
            (
                export_aegis_encrypted(&a, "right", &CHEAP_SCRYPT).unwrap(),
                Format::Aegis,
            ),
            (twofas_file(4, Some("right")).0, Format::TwoFas),
            (ente_file("right", 8192, 1), Format::Ente),
        ];
        for (bytes, format) in files {
            assert_eq!(detect(&bytes), Some(format));
            assert_eq!(
                import(&bytes, format, None),
                Err(BackupError::PasswordRequired),
                "{format}"
            );
            assert_eq!(
                import(&bytes, format, Some("wrong")),
                Err(BackupError::WrongPassword),
                "{format}"
            );
            assert_eq!(
                import(&bytes, format, Some("right"))
                    .unwrap()
                    .accounts
                    .len(),
                a.len()
            );
        }
    }

    #[test]
    fn truncated_and_garbled_files_give_typed_errors_never_panics() {
        let a = accounts();
        let files: Vec<(Vec<u8>, Format, Option<&str>)> = vec![
            (
                write_backup(&a, "pw", &CHEAP_KDF).unwrap(),
                Format::Kunci,
                Some("pw"),
            ),
            (export_aegis(&a).unwrap().to_vec(), Format::Aegis, None),
            (
                export_aegis_encrypted(&a, "pw", &CHEAP_SCRYPT).unwrap(),
                Format::Aegis,
                Some("pw"),
            ),
            (twofas_file(4, None).0, Format::TwoFas, None),
            (twofas_file(4, Some("pw")).0, Format::TwoFas, Some("pw")),
            (ente_file("pw", 8192, 1), Format::Ente, Some("pw")),
        ];
        for (bytes, format, pw) in files {
            for cut in [0, 1, 7, 40, 81, 97, bytes.len() / 2, bytes.len() - 1] {
                let r = import(&bytes[..cut.min(bytes.len())], format, pw);
                assert!(r.is_err(), "{format} cut at {cut} was accepted");
            }
            // Flip bytes all over the file: an error or (for plain JSON) a partial import, never a
            // panic; encrypted containers must reject every change.
            for at in (0..bytes.len()).step_by(bytes.len() / 13 + 1) {
                let mut garbled = bytes.clone();
                garbled[at] ^= 0x20;
                let _ = import(&garbled, format, pw);
                let _ = import_auto(&garbled, pw);
            }
        }
        let kunci = write_backup(&a, "pw", &CHEAP_KDF).unwrap();
        let mut flipped = kunci.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            import(&flipped, Format::Kunci, Some("pw")),
            Err(BackupError::WrongPassword)
        );
    }

    #[test]
    fn aegis_missing_fields_are_refused_per_entry_or_typed() {
        let bytes = export_aegis(&accounts()).unwrap();
        let mut root: Value = serde_json::from_slice(&bytes).unwrap();
        let entries = root["db"]["entries"].as_array_mut().unwrap();
        entries[0].as_object_mut().unwrap().remove("info");
        entries[1]["info"].as_object_mut().unwrap().remove("secret");
        entries[2]["type"] = json!("yandex");
        entries[3]["info"]["counter"] = json!("many");
        let bytes = serde_json::to_vec(&root).unwrap();
        let batch = import(&bytes, Format::Aegis, None).unwrap();
        assert_eq!(batch.accounts.len(), accounts().len() - 4);
        assert_eq!(batch.refused.len(), 4);
        assert!(batch.refused[2].reason.contains("Yandex"));

        root["db"].as_object_mut().unwrap().remove("entries");
        let bytes = serde_json::to_vec(&root).unwrap();
        assert!(matches!(
            import(&bytes, Format::Aegis, None),
            Err(BackupError::Damaged { .. })
        ));
        root["version"] = json!(2);
        let bytes = serde_json::to_vec(&root).unwrap();
        assert!(matches!(
            import(&bytes, Format::Aegis, None),
            Err(BackupError::UnsupportedVersion { .. })
        ));
    }

    #[test]
    fn aegis_hostile_scrypt_parameters_are_refused_before_deriving() {
        let bytes = export_aegis_encrypted(&accounts(), "pw", &CHEAP_SCRYPT).unwrap();
        for (n, r, p) in [
            (1u64 << 30, 8u64, 1u64),
            (1 << 20, 32, 1),
            (1000, 8, 1),
            (16, 0, 1),
            (16, 8, 1000),
        ] {
            let mut root: Value = serde_json::from_slice(&bytes).unwrap();
            root["header"]["slots"][0]["n"] = json!(n);
            root["header"]["slots"][0]["r"] = json!(r);
            root["header"]["slots"][0]["p"] = json!(p);
            let bad = serde_json::to_vec(&root).unwrap();
            assert!(
                matches!(
                    import(&bad, Format::Aegis, Some("pw")),
                    Err(BackupError::UnsafeParameters { .. })
                ),
                "n {n} r {r} p {p}"
            );
        }
    }

    #[test]
    fn aegis_vault_with_only_a_biometric_slot_says_so() {
        let bytes = export_aegis_encrypted(&accounts(), "pw", &CHEAP_SCRYPT).unwrap();
        let mut root: Value = serde_json::from_slice(&bytes).unwrap();
        root["header"]["slots"][0]["type"] = json!(2);
        let bad = serde_json::to_vec(&root).unwrap();
        assert!(matches!(
            import(&bad, Format::Aegis, Some("pw")),
            Err(BackupError::Unsupported { .. })
        ));
    }

    #[test]
    fn kunci_backup_refuses_hostile_argon2_parameters() {
        let mut bytes = write_backup(&accounts(), "pw", &CHEAP_KDF).unwrap();
        bytes[11..15].copy_from_slice(&(4u32 << 20).to_le_bytes()); // 4 GiB
        assert!(matches!(
            import(&bytes, Format::Kunci, Some("pw")),
            Err(BackupError::UnsafeParameters { .. })
        ));
        let mut bytes = write_backup(&accounts(), "pw", &CHEAP_KDF).unwrap();
        bytes[8] = 9;
        assert!(matches!(
            import(&bytes, Format::Kunci, Some("pw")),
            Err(BackupError::UnsupportedVersion { .. })
        ));
    }

    #[test]
    fn oversized_and_unknown_files_are_refused() {
        let big = vec![b' '; 16 * 1024 * 1024 + 1];
        for format in kunci::Format::all() {
            assert_eq!(
                import(&big, format, None),
                Err(BackupError::TooLarge { len: big.len() })
            );
        }
        assert_eq!(detect(&big), None);
        assert_eq!(
            import_auto(b"hello world", None),
            Err(BackupError::NotRecognized)
        );
        assert_eq!(
            import_auto(b"{\"some\": \"json\"}", None),
            Err(BackupError::NotRecognized)
        );
        assert_eq!(
            import_auto(&[0xff, 0xfe, 0x00], None),
            Err(BackupError::NotRecognized)
        );
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn error_messages_speak_to_people_and_never_hold_secrets() {
        assert_eq!(
            BackupError::WrongPassword.to_string(),
            "the password is not correct for this backup"
        );
        assert!(BackupError::PasswordRequired
            .to_string()
            .contains("password"));
        let a = accounts();
        let dbg = format!("{:?}", a[0]);
        assert!(!dbg.contains(&a[0].params.secret.to_base32()));
        assert!(dbg.contains("redacted"));
    }

    // ---------- import report ----------

    #[test]
    fn split_separates_new_duplicates_and_refused() {
        let a = accounts();
        let mut text: String = a
            .iter()
            .map(|x| format_uri(&x.issuer, &x.name, &x.params) + "\n")
            .collect();
        // The same account twice in the file, and one line that cannot be read.
        text.push_str(&format_uri(&a[0].issuer, &a[0].name, &a[0].params));
        text.push_str("\nnot a uri\n");
        let batch = import(text.as_bytes(), Format::Uris, None).unwrap();
        let vault = [a[1].clone(), a[2].clone()];
        let outcome = batch.split(|issuer, name, secret| {
            vault
                .iter()
                .any(|v| v.issuer == issuer && v.name == name && &v.params.secret == secret)
        });
        assert_eq!(outcome.added.len(), a.len() - 2);
        assert_eq!(outcome.duplicates.len(), 3);
        assert_eq!(outcome.refused.len(), 1);
        let report = outcome.report();
        assert_eq!(report.len(), a.len() + 2);
        assert_eq!(report[0].status, ReportStatus::Added);
        assert!(report.iter().any(|l| l.status == ReportStatus::Duplicate));
        assert!(matches!(
            report.last().unwrap().status,
            ReportStatus::Refused { .. }
        ));
        assert!(report
            .last()
            .unwrap()
            .to_string()
            .starts_with("not imported: line"));
    }

    #[test]
    fn a_new_secret_for_the_same_account_is_not_a_duplicate() {
        // "Reset MFA" on a portal: same issuer and name, a new secret. The vault decides what to do.
        let a = accounts();
        let mut changed = a[0].clone();
        changed.params.secret = kunci::Secret::from_slice(b"another secret 1234");
        let batch = kunci::ImportBatch {
            accounts: vec![changed],
            ..Default::default()
        };
        let outcome =
            batch.split(|i, n, s| i == a[0].issuer && n == a[0].name && s == &a[0].params.secret);
        assert_eq!(outcome.added.len(), 1);
    }

    // ---------- fuzzing: untrusted input never panics ----------

    fn leaves(v: &Value, path: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| leaves(x, format!("{path}/{k}"), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| leaves(x, format!("{path}/{i}"), out)),
            _ => {}
        }
        out.push(path);
    }

    fn nasty(i: usize) -> Value {
        match i % 10 {
            0 => Value::Null,
            1 => json!(-1),
            2 => json!(1e300),
            3 => json!(u64::MAX),
            4 => json!(""),
            5 => json!("x".repeat(5000)),
            6 => json!([]),
            7 => json!({}),
            8 => json!(true),
            _ => json!("ÿ\u{0}:::"),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            for format in Format::all() {
                let _ = import(&bytes, format, Some("pw"));
            }
            let _ = import_auto(&bytes, None);
        }

        #[test]
        fn any_json_field_replaced_by_anything_never_panics(which in 0usize..10_000, value in 0usize..10) {
            let a = accounts();
            let files: Vec<(Vec<u8>, Format)> = vec![
                (export_aegis(&a).unwrap().to_vec(), Format::Aegis),
                (twofas_file(4, None).0, Format::TwoFas),
                (ente_file("pw", 8192, 1), Format::Ente),
            ];
            for (bytes, format) in files {
                let mut root: Value = serde_json::from_slice(&bytes).unwrap();
                let mut paths = Vec::new();
                leaves(&root, String::new(), &mut paths);
                let path = &paths[which % paths.len()];
                if let Some(slot) = root.pointer_mut(path) {
                    *slot = nasty(value);
                }
                let bytes = serde_json::to_vec(&root).unwrap();
                let _ = import(&bytes, format, Some("pw"));
                let _ = import_auto(&bytes, Some("pw"));
            }
        }
    }
}
