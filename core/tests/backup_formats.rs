//! Importers for the other authenticators' files (issue 15): each fixture is written here from
//! the format's documentation or its app's source (no other project's test files), holds the
//! shared varied account set where the format can, and every imported code is checked at fixed
//! times against an independent HOTP computation. Auto-detection must pick the right reader.

mod backup_common;

mod backup {
    use crate::backup_common::*;
    use aes_gcm::aead::{Aead, KeyInit};
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    use kunci::{
        detect, import, import_files, import_with, BackupAccount, BackupError, Format,
        ImportOptions,
    };
    use kunci::{HashAlgorithm, OtpKind};
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    use serde_json::{json, Value};

    fn enc(s: &str) -> String {
        utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
    }

    /// An otpauth URI written from the Key Uri Format document (not the crate's writer).
    fn uri(a: &BackupAccount) -> String {
        let p = &a.params;
        let kind = match p.kind {
            OtpKind::Totp => "totp",
            OtpKind::Hotp => "hotp",
            OtpKind::Steam => "steam",
        };
        let label = if a.issuer.is_empty() {
            enc(&a.name)
        } else {
            format!("{}:{}", enc(&a.issuer), enc(&a.name))
        };
        let mut q = format!(
            "otpauth://{kind}/{label}?secret={}&issuer={}&algorithm={}&digits={}",
            p.secret.to_base32(),
            enc(&a.issuer),
            p.algorithm.as_str(),
            p.digits
        );
        match p.kind {
            OtpKind::Hotp => q.push_str(&format!("&counter={}", p.counter)),
            _ => q.push_str(&format!("&period={}", p.period)),
        }
        q
    }

    /// `accounts()` without what a format cannot carry.
    fn bare(keep_notes: bool, keep_groups: bool) -> Vec<BackupAccount> {
        let mut v = accounts();
        for a in &mut v {
            a.icon = None;
            if !keep_notes {
                a.notes.clear();
            }
            if !keep_groups {
                a.group = None;
            }
        }
        v
    }

    fn check(bytes: &[u8], format: Format, password: Option<&str>, expect: &[BackupAccount]) {
        assert_eq!(detect(bytes), Some(format), "auto-detect");
        let options = ImportOptions::with_password(password);
        let (found, batch) = import_with(bytes, None, &options).expect("import");
        assert_eq!(found, format);
        assert!(batch.refused.is_empty(), "{:?}", batch.refused);
        assert_imported_exactly(expect, &batch.accounts);
        for (e, a) in expect.iter().zip(&batch.accounts) {
            assert_eq!(e.notes, a.notes, "notes of {}", e.label());
            assert_eq!(e.group, a.group, "group of {}", e.label());
        }
        if password.is_some() {
            assert_eq!(
                import(bytes, format, None),
                Err(BackupError::PasswordRequired)
            );
            assert_eq!(
                import(bytes, format, Some("not it")),
                Err(BackupError::WrongPassword)
            );
        }
    }

    // ---------- Bitwarden CSV ----------

    fn csv_field(s: &str) -> String {
        format!("\"{}\"", s.replace('"', "\"\""))
    }

    fn bitwarden_csv(expect: &[BackupAccount]) -> Vec<u8> {
        let mut text = String::from(
            "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n",
        );
        text.push_str("Work,,login,Just a password,,,0,https://x.example,me,hunter2,\n");
        for a in expect {
            let totp = match a.params.kind {
                OtpKind::Steam => format!("steam://{}", a.params.secret.to_base32()),
                _ => uri(a),
            };
            text.push_str(&format!(
                "{},,login,{},{},,0,https://example.com,{},pw,{}\n",
                csv_field(a.group.as_deref().unwrap_or("")),
                csv_field(&a.issuer),
                csv_field(&a.notes),
                csv_field(&a.name),
                csv_field(&totp)
            ));
        }
        text.into_bytes()
    }

    #[test]
    fn bitwarden_csv_imports_every_kind() {
        let expect = bare(true, true);
        // The Steam line's issuer and name come from the item, as Bitwarden shows them.
        check(&bitwarden_csv(&expect), Format::BitwardenCsv, None, &expect);
    }

    // ---------- andOTP ----------

    fn andotp_json(accounts: &[BackupAccount]) -> Vec<u8> {
        let items: Vec<Value> = accounts
            .iter()
            .map(|a| {
                let p = &a.params;
                let kind = match p.kind {
                    OtpKind::Totp => "TOTP",
                    OtpKind::Hotp => "HOTP",
                    OtpKind::Steam => "STEAM",
                };
                let mut v = json!({
                    "secret": p.secret.to_base32(), "issuer": a.issuer, "label": a.name,
                    "digits": p.digits, "type": kind, "algorithm": p.algorithm.as_str(),
                    "thumbnail": "Default", "last_used": 1_700_000_000_000u64, "used_frequency": 3,
                    "tags": a.group.iter().collect::<Vec<_>>(),
                });
                if p.kind == OtpKind::Hotp {
                    v["counter"] = json!(p.counter);
                } else {
                    v["period"] = json!(p.period);
                }
                v
            })
            .collect();
        serde_json::to_vec(&items).unwrap()
    }

    /// New format: iterations (u32 BE) | salt 12 | nonce 12 | AES-GCM, PBKDF2-HMAC-SHA1.
    fn andotp_new(plain: &[u8], pw: &str) -> Vec<u8> {
        let (salt, nonce, iterations) = ([3u8; 12], [4u8; 12], 1000u32);
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(pw.as_bytes(), &salt, iterations, &mut key);
        let sealed = aes_gcm::Aes256Gcm::new((&key).into())
            .encrypt(aes_gcm::Nonce::from_slice(&nonce), plain)
            .unwrap();
        let mut file = iterations.to_be_bytes().to_vec();
        file.extend_from_slice(&salt);
        file.extend_from_slice(&nonce);
        file.extend_from_slice(&sealed);
        file
    }

    /// Old format: nonce 12 | AES-GCM, the key SHA-256 of the password.
    fn andotp_old(plain: &[u8], pw: &str) -> Vec<u8> {
        use sha2::Digest;
        let key: [u8; 32] = sha2::Sha256::digest(pw.as_bytes()).into();
        let nonce = [4u8; 12];
        let sealed = aes_gcm::Aes256Gcm::new((&key).into())
            .encrypt(aes_gcm::Nonce::from_slice(&nonce), plain)
            .unwrap();
        let mut file = nonce.to_vec();
        file.extend_from_slice(&sealed);
        file
    }

    #[test]
    fn andotp_plain_new_and_old_encrypted() {
        let expect = bare(false, true);
        let plain = andotp_json(&expect);
        check(&plain, Format::AndOtp, None, &expect);
        check(
            &andotp_new(&plain, "andotp pw"),
            Format::AndOtp,
            Some("andotp pw"),
            &expect,
        );
        check(
            &andotp_old(&plain, "old pw"),
            Format::AndOtp,
            Some("old pw"),
            &expect,
        );
    }

    // ---------- FreeOTP 1 / FreeOTP+ tokens.xml ----------

    fn xml_escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    #[test]
    fn freeotp_tokens_xml() {
        // FreeOTP has no Steam, notes or groups.
        let expect: Vec<BackupAccount> = bare(false, false)
            .into_iter()
            .filter(|a| a.params.kind != OtpKind::Steam)
            .collect();
        let mut order = Vec::new();
        let mut xml =
            String::from("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n");
        for a in expect.iter().rev() {
            let p = &a.params;
            let bytes: Vec<i64> = p
                .secret
                .expose()
                .iter()
                .map(|b| i64::from(*b as i8))
                .collect();
            let token = json!({
                "algo": p.algorithm.as_str(), "digits": p.digits, "issuerExt": a.issuer,
                "issuerInt": a.issuer, "label": a.name, "period": p.period,
                // FreeOTP keeps the last counter used; the next code is at counter + 1.
                "counter": p.counter.saturating_sub(1), "secret": bytes,
                "type": if p.kind == OtpKind::Hotp { "HOTP" } else { "TOTP" },
            });
            let key = format!("{}:{}", a.issuer, a.name);
            xml.push_str(&format!(
                "    <string name=\"{}\">{}</string>\n",
                xml_escape(&key),
                xml_escape(&token.to_string())
            ));
            order.push(key);
        }
        order.reverse();
        xml.push_str(&format!(
            "    <string name=\"tokenOrder\">{}</string>\n</map>\n",
            xml_escape(&serde_json::to_string(&order).unwrap())
        ));
        // HOTP at counter 0 cannot be written as "last used" -1: leave those out of the check.
        let expect: Vec<BackupAccount> = expect
            .into_iter()
            .filter(|a| a.params.kind != OtpKind::Hotp || a.params.counter > 0)
            .collect();
        let batch = import(xml.as_bytes(), Format::FreeOtpXml, None).unwrap();
        assert_eq!(detect(xml.as_bytes()), Some(Format::FreeOtpXml));
        assert_imported_exactly(&expect, &batch.accounts);
    }

    // ---------- Proton Authenticator ----------

    #[test]
    fn proton_export() {
        let mut expect = bare(true, false);
        for a in &mut expect {
            if a.params.kind == OtpKind::Steam {
                a.params.period = 30;
            }
        }
        let entries: Vec<Value> = expect
            .iter()
            .enumerate()
            .map(|(i, a)| {
                json!({"id": format!("id-{i}"), "content": {"uri": uri(a), "entry_type": "Totp", "name": a.name}, "note": a.notes})
            })
            .collect();
        let file = serde_json::to_vec(&json!({"version": 1, "entries": entries})).unwrap();
        check(&file, Format::Proton, None, &expect);
    }

    // ---------- Stratum / Authenticator Pro ----------

    fn stratum_json(accounts: &[BackupAccount]) -> Vec<u8> {
        let mut links = Vec::new();
        let items: Vec<Value> = accounts
            .iter()
            .map(|a| {
                let p = &a.params;
                if let Some(g) = &a.group {
                    links.push(json!({"CategoryId": if g == "Work" {"c1"} else {"c2"}, "AuthenticatorSecret": p.secret.to_base32(), "Ranking": 0}));
                }
                json!({
                    "Type": match p.kind { OtpKind::Hotp => 1, OtpKind::Totp => 2, OtpKind::Steam => 4 },
                    "Icon": null, "Issuer": a.issuer, "Username": a.name, "Secret": p.secret.to_base32(),
                    "Pin": null,
                    "Algorithm": match p.algorithm { HashAlgorithm::Sha1 => 0, HashAlgorithm::Sha256 => 1, HashAlgorithm::Sha512 => 2 },
                    "Digits": p.digits, "Period": p.period, "Counter": p.counter, "CopyCount": 0,
                    "Ranking": a.position,
                })
            })
            .collect();
        serde_json::to_vec(&json!({
            "Authenticators": items,
            "Categories": [{"Id": "c1", "Name": "Work", "Ranking": 0}, {"Id": "c2", "Name": "Personal — 個人", "Ranking": 1}],
            "AuthenticatorCategories": links, "CustomIcons": [],
        }))
        .unwrap()
    }

    /// AUTHENTICATORPRO | salt 16 | nonce 12 | AES-GCM, Argon2id 64 MiB × 3, 4 lanes.
    fn stratum_encrypted(plain: &[u8], pw: &str) -> Vec<u8> {
        let (salt, nonce) = ([5u8; 16], [6u8; 12]);
        let params = argon2::Params::new(64 * 1024, 3, 4, Some(32)).unwrap();
        let mut key = [0u8; 32];
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password_into(pw.as_bytes(), &salt, &mut key)
            .unwrap();
        let sealed = aes_gcm::Aes256Gcm::new((&key).into())
            .encrypt(aes_gcm::Nonce::from_slice(&nonce), plain)
            .unwrap();
        let mut file = b"AUTHENTICATORPRO".to_vec();
        file.extend_from_slice(&salt);
        file.extend_from_slice(&nonce);
        file.extend_from_slice(&sealed);
        file
    }

    /// AuthenticatorPro | salt 20 | IV 16 | AES-CBC PKCS#7, PBKDF2-HMAC-SHA1 × 64 000.
    fn stratum_legacy(plain: &[u8], pw: &str) -> Vec<u8> {
        use cbc::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
        let (salt, iv) = ([7u8; 20], [8u8; 16]);
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(pw.as_bytes(), &salt, 64_000, &mut key);
        let sealed = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &iv)
            .unwrap()
            .encrypt_padded_vec_mut::<Pkcs7>(plain);
        let mut file = b"AuthenticatorPro".to_vec();
        file.extend_from_slice(&salt);
        file.extend_from_slice(&iv);
        file.extend_from_slice(&sealed);
        file
    }

    #[test]
    fn stratum_plain_encrypted_and_legacy() {
        let expect = bare(false, true);
        let plain = stratum_json(&expect);
        check(&plain, Format::Stratum, None, &expect);
        let enc = stratum_encrypted(&plain, "stratum pw");
        check(&enc, Format::Stratum, Some("stratum pw"), &expect);
        check(
            &stratum_legacy(&plain, "legacy pw"),
            Format::Stratum,
            Some("legacy pw"),
            &expect,
        );
    }

    // ---------- Steam maFile, Duo, WinAuth ----------

    #[test]
    fn steam_mafile() {
        let steam = accounts()
            .into_iter()
            .find(|a| a.params.kind == OtpKind::Steam)
            .unwrap();
        let file = serde_json::to_vec(&json!({
            "shared_secret": B64.encode(steam.params.secret.expose()),
            "serial_number": "1234567890", "revocation_code": "R12345",
            "uri": "otpauth://totp/Steam:gabe?secret=XXXX&issuer=Steam", "server_time": 1_700_000_000,
            "account_name": "gabe", "token_gid": "abc", "identity_secret": "aWRlbnRpdHk=",
            "secret_1": "c2VjcmV0", "status": 1, "device_id": "android:0000", "fully_enrolled": true,
            "Session": {"SessionID": "x", "SteamID": 76561197960287930u64},
        }))
        .unwrap();
        let mut expect = steam.clone();
        expect.notes.clear();
        expect.position = 0;
        check(&file, Format::SteamMaFile, None, &[expect]);
    }

    #[test]
    fn duo_accounts_json() {
        let expect: Vec<BackupAccount> = bare(false, false)
            .into_iter()
            .filter(|a| {
                a.params.algorithm == HashAlgorithm::Sha1
                    && a.params.digits == 6
                    && a.params.kind != OtpKind::Steam
                    && a.params.period == 30
            })
            .map(|mut a| {
                a.issuer.clear();
                a
            })
            .collect();
        assert!(expect.iter().any(|a| a.params.kind == OtpKind::Hotp));
        let items: Vec<Value> = expect
            .iter()
            .map(|a| {
                let mut otp = json!({"otpSecret": a.params.secret.to_base32()});
                if a.params.kind == OtpKind::Hotp {
                    otp["counter"] = json!(a.params.counter);
                }
                json!({"name": a.name, "otpGenerator": otp, "accountType": "OtpAccount", "logoUri": "", "pkey": "x"})
            })
            .collect();
        check(
            &serde_json::to_vec(&items).unwrap(),
            Format::Duo,
            None,
            &expect,
        );
    }

    #[test]
    fn winauth_text_uses_the_label_as_issuer() {
        let text = "otpauth://totp/Dropbox?secret=JBSWY3DPEHPK3PXP&digits=6\n";
        assert_eq!(detect(text.as_bytes()), Some(Format::Uris));
        let batch = import(text.as_bytes(), Format::WinAuth, None).unwrap();
        assert_eq!(batch.accounts[0].issuer, "Dropbox");
        assert_eq!(batch.accounts[0].name, "");
    }

    // ---------- Internal SQLite databases ----------

    fn sqlite_bytes(schema: &str, fill: impl FnOnce(&rusqlite::Connection)) -> Vec<u8> {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(schema).unwrap();
        fill(&conn);
        conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
    }

    #[test]
    fn google_authenticator_database() {
        let expect: Vec<BackupAccount> = bare(false, false)
            .into_iter()
            .filter(|a| {
                a.params.algorithm == HashAlgorithm::Sha1
                    && a.params.digits == 6
                    && a.params.kind != OtpKind::Steam
                    && a.params.period == 30
            })
            .collect();
        let db = sqlite_bytes(
            "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL, counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0, issuer TEXT DEFAULT NULL, original_name TEXT DEFAULT NULL);",
            |c| {
                for a in &expect {
                    let t = i64::from(a.params.kind == OtpKind::Hotp);
                    c.execute(
                        "INSERT INTO accounts (email, secret, counter, type, issuer) VALUES (?1, ?2, ?3, ?4, ?5)",
                        rusqlite::params![a.name, a.params.secret.to_base32(), a.params.counter as i64, t, a.issuer],
                    )
                    .unwrap();
                }
            },
        );
        check(&db, Format::GoogleDb, None, &expect);
    }

    #[test]
    fn microsoft_authenticator_database() {
        let all = bare(false, false);
        let totp = all[0].clone();
        let mut msa = all[7].clone(); // 8 digits, SHA1, 30 s: a Microsoft personal account
        msa.position = 1;
        let db = sqlite_bytes(
            "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, name TEXT, username TEXT, oath_secret_key TEXT, account_type INTEGER, cid TEXT);",
            |c| {
                let ins = "INSERT INTO accounts (name, username, oath_secret_key, account_type) VALUES (?1, ?2, ?3, ?4)";
                c.execute(ins, rusqlite::params![totp.issuer, totp.name, totp.params.secret.to_base32(), 0]).unwrap();
                c.execute(ins, rusqlite::params![msa.issuer, msa.name, B64.encode(msa.params.secret.expose()), 1]).unwrap();
                c.execute(ins, rusqlite::params!["Contoso", "work@contoso.com", "", 2]).unwrap();
            },
        );
        check(&db, Format::MicrosoftDb, None, &[totp, msa]);
    }

    #[test]
    fn stratum_database() {
        let expect = bare(false, false);
        let db = sqlite_bytes(
            "CREATE TABLE authenticator (secret TEXT PRIMARY KEY, type INTEGER, icon TEXT, issuer TEXT, username TEXT, pin TEXT, algorithm INTEGER, digits INTEGER, period INTEGER, counter INTEGER, copyCount INTEGER, ranking INTEGER);",
            |c| {
                for a in &expect {
                    let p = &a.params;
                    c.execute(
                        "INSERT INTO authenticator (secret, type, issuer, username, algorithm, digits, period, counter, ranking) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        rusqlite::params![
                            p.secret.to_base32(),
                            match p.kind { OtpKind::Hotp => 1, OtpKind::Totp => 2, OtpKind::Steam => 4 },
                            a.issuer, a.name,
                            match p.algorithm { HashAlgorithm::Sha1 => 0, HashAlgorithm::Sha256 => 1, HashAlgorithm::Sha512 => 2 },
                            p.digits, p.period, p.counter as i64, a.position
                        ],
                    )
                    .unwrap();
                }
            },
        );
        check(&db, Format::StratumDb, None, &expect);
    }

    #[test]
    fn a_hostile_database_is_refused_with_a_reason() {
        // A view with the expected columns must not be read as the table (views are off).
        let db = sqlite_bytes(
            "CREATE TABLE t (x); CREATE VIEW accounts AS SELECT 'a' AS email, 'JBSWY3DPEHPK3PXP' AS secret, 0 AS type, 0 AS counter, '' AS issuer FROM t;",
            |_| {},
        );
        assert_ne!(detect(&db), Some(Format::GoogleDb));
        assert!(import(&db, Format::GoogleDb, None).is_err());
        let mut cut = sqlite_bytes(
            "CREATE TABLE accounts (email, secret, type, counter, issuer);",
            |_| {},
        );
        cut.truncate(100);
        assert!(matches!(
            import(&cut, Format::GoogleDb, None),
            Err(BackupError::Damaged { .. })
        ));
    }

    // ---------- QR pictures (issue 15 point 5) ----------

    #[test]
    fn google_export_pictures_import_in_any_order_and_name_missing_ones() {
        let mut all = bare(false, false);
        // 12 Google-exportable accounts: two QR codes of up to 10.
        let extra: Vec<BackupAccount> = (0..7)
            .map(|i| {
                let mut a = all[0].clone();
                a.name = format!("extra{i}");
                a
            })
            .collect();
        all.extend(extra);
        let ok: Vec<BackupAccount> = all
            .into_iter()
            .filter(|a| {
                a.params.kind != OtpKind::Steam
                    && a.params.period == 30
                    && matches!(a.params.digits, 6 | 8)
            })
            .enumerate()
            .map(|(i, mut a)| {
                a.position = i as i64;
                a
            })
            .collect();
        let export = kunci::export_google(&ok, 7).unwrap();
        assert!(export.uris.len() >= 2);
        let pngs: Vec<Vec<u8>> = export
            .uris
            .iter()
            .map(|u| kunci::render_png(u, 4).unwrap())
            .collect();
        assert_eq!(detect(&pngs[0]), Some(Format::QrImage));
        let reversed: Vec<&[u8]> = pngs.iter().rev().map(Vec::as_slice).collect();
        let (formats, batch) = import_files(&reversed, None, &ImportOptions::default()).unwrap();
        assert_eq!(formats, vec![Format::QrImage]);
        assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
        // Back in the list's order although the pictures came in reverse.
        assert_imported_exactly(&ok, &batch.accounts);

        // One picture alone: its accounts, and a warning naming the missing code.
        let (_, one) = import_files(&reversed[..1], None, &ImportOptions::default()).unwrap();
        assert!(one
            .warnings
            .iter()
            .any(|w| matches!(w, kunci::ImportWarning::MissingBatches { .. })));
        // `--format google` takes the pictures too.
        assert!(!import(&pngs[0], Format::Google, None)
            .unwrap()
            .accounts
            .is_empty());
    }

    // ---------- Authy, Battle.net, TOTP Authenticator ----------

    /// AES-256-CBC with PKCS#7 padding, as the Android apps' `Cipher` writes it.
    fn cbc_seal(key: &[u8; 32], iv: &[u8; 16], plain: &[u8]) -> Vec<u8> {
        use cbc::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
        cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
            .unwrap()
            .encrypt_padded_vec_mut::<Pkcs7>(plain)
    }

    fn prefs_xml(entries: &[(&str, String)]) -> Vec<u8> {
        let mut xml =
            String::from("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n");
        for (k, v) in entries {
            xml.push_str(&format!(
                "    <string name=\"{}\">{}</string>\n",
                xml_escape(k),
                xml_escape(v)
            ));
        }
        xml.push_str("    <boolean name=\"unrelated\" value=\"true\" />\n</map>\n");
        xml.into_bytes()
    }

    /// Authy's third-party tokens: TOTP, SHA1, 30 s, 6 to 8 digits.
    fn authy_set() -> Vec<BackupAccount> {
        bare(false, false)
            .into_iter()
            .filter(|a| {
                a.params.kind == OtpKind::Totp
                    && a.params.algorithm == HashAlgorithm::Sha1
                    && a.params.period == 30
                    && !a.issuer.is_empty()
            })
            .collect()
    }

    #[test]
    fn authy_plain_and_with_a_backups_password() {
        let expect = authy_set();
        assert!(expect.len() >= 2);
        let plain: Vec<Value> = expect
            .iter()
            .map(|a| {
                json!({"accountType": "authenticator", "digits": a.params.digits,
                       "decryptedSecret": a.params.secret.to_base32(),
                       "originalName": format!("{}:{}", a.issuer, a.name),
                       "name": format!("{}: {}", a.issuer, a.name), "timestamp": 1_700_000_000u64})
            })
            .collect();
        let file = prefs_xml(&[(
            "com.authy.storage.tokens.authenticator.key",
            Value::Array(plain).to_string(),
        )]);
        let batch = import(&file, Format::Authy, None).unwrap();
        assert_eq!(detect(&file), Some(Format::Authy));
        let mut want = expect.clone();
        for a in &mut want {
            a.name = format!(" {}", a.name).trim().to_string();
        }
        assert_imported_exactly(&want, &batch.accounts);

        // Encrypted: PBKDF2-HMAC-SHA1 of the backups password over the salt text, AES-CBC;
        // the first token with the old zero IV and 1000 iterations, the next with unique_iv.
        let salt = "RaNdOmSaLt";
        let enc: Vec<Value> = expect
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let (iters, iv) = if i == 0 {
                    (1000u32, [0u8; 16])
                } else {
                    (100_000, [i as u8; 16])
                };
                let mut key = [0u8; 32];
                pbkdf2::pbkdf2_hmac::<sha1::Sha1>(b"authy pw", salt.as_bytes(), iters, &mut key);
                let sealed = cbc_seal(&key, &iv, a.params.secret.to_base32().as_bytes());
                let mut t = json!({"accountType": "authenticator", "digits": a.params.digits,
                       "encryptedSecret": B64.encode(sealed), "salt": salt,
                       "originalName": format!("{}:{}", a.issuer, a.name), "name": a.name});
                if i > 0 {
                    t["key_derivation_iterations"] = json!(iters);
                    t["unique_iv"] =
                        json!(iv.iter().map(|b| format!("{b:02x}")).collect::<String>());
                }
                t
            })
            .collect();
        let file = prefs_xml(&[(
            "com.authy.storage.tokens.authenticator.key",
            Value::Array(enc).to_string(),
        )]);
        assert_eq!(
            import(&file, Format::Authy, None),
            Err(BackupError::PasswordRequired)
        );
        assert_eq!(
            import(&file, Format::Authy, Some("nope")),
            Err(BackupError::WrongPassword)
        );
        let batch = import(&file, Format::Authy, Some("authy pw")).unwrap();
        assert_imported_exactly(&expect, &batch.accounts);
    }

    #[test]
    fn battlenet_preferences() {
        const MASK: &str = "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a";
        let mask: Vec<u8> = (0..MASK.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&MASK[i..i + 2], 16).unwrap())
            .collect();
        let masked = |clear: &[u8]| -> String {
            clear
                .iter()
                .zip(&mask)
                .map(|(c, m)| format!("{:02x}", c ^ m))
                .collect()
        };
        let mut account = bare(false, false)[7].clone(); // SHA1, 8 digits, 30 s
        account.issuer = "Battle.net".into();
        account.name = "US-1234-5678-9012".into();
        account.position = 0;
        let secret_hex: String = account
            .params
            .secret
            .expose()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let file = prefs_xml(&[
            (
                "com.blizzard.messenger.AUTHENTICATOR_SERIAL",
                masked(account.name.as_bytes()),
            ),
            (
                "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET",
                masked(secret_hex.as_bytes()),
            ),
        ]);
        check(&file, Format::BattleNet, None, &[account]);
    }

    #[test]
    fn totp_authenticator_backup_and_preferences() {
        let expect: Vec<BackupAccount> = authy_set()
            .into_iter()
            .filter(|a| a.params.digits == 6)
            .collect();
        let list: Vec<String> = expect
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let (base, key) = match i % 3 {
                    0 => (32, a.params.secret.to_base32()),
                    1 => (
                        16,
                        a.params
                            .secret
                            .expose()
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect(),
                    ),
                    _ => (64, B64.encode(a.params.secret.expose())),
                };
                json!({"name": a.name, "issuer": a.issuer, "key": key, "base": base}).to_string()
            })
            .collect();
        let list = serde_json::to_string(&list).unwrap();
        // The internal preferences.
        let xml = prefs_xml(&[("STATIC_TOTP_CODES_LIST", list.clone())]);
        check(&xml, Format::TotpAuthenticator, None, &expect);
        // The backup: base64 of AES-CBC (IV zero) under SHA-256 of the password.
        use sha2::Digest;
        let seal = |pw: &str| {
            let key: [u8; 32] = sha2::Sha256::digest(pw.as_bytes()).into();
            let body = serde_json::to_vec(&json!({ list.clone(): "x" })).unwrap();
            B64.encode(cbc_seal(&key, &[0u8; 16], &body)).into_bytes()
        };
        // No password chosen in the app: its default opens it without asking.
        let default = seal("TotpAuthenticator");
        assert_eq!(detect(&default), Some(Format::TotpAuthenticator));
        assert_imported_exactly(
            &expect,
            &import(&default, Format::TotpAuthenticator, None)
                .unwrap()
                .accounts,
        );
        check(
            &seal("totp pw"),
            Format::TotpAuthenticator,
            Some("totp pw"),
            &expect,
        );
    }

    #[test]
    fn authenticator_plus_is_refused_with_a_way_out() {
        let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
        zip.extend_from_slice(&[0; 16]);
        zip.extend_from_slice(b"Accounts.db");
        zip.extend_from_slice(&[7; 64]);
        assert_eq!(detect(&zip), Some(Format::AuthenticatorPlus));
        match import_with(&zip, None, &ImportOptions::default()) {
            Err(BackupError::Unsupported { reason }) => {
                assert!(reason.contains("text"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
    }

    // ---------- FreeOTP 2 encrypted backup (issue 15 point 1) ----------

    /// Written by the JDK (core/tests/fixtures/freeotp2/MakeBackup.java) with FreeOTP's own
    /// 100 000 PBKDF2-HMAC-SHA512 iterations and the password "kunci freeotp2".
    const FREEOTP2: &[u8] = include_bytes!("fixtures/freeotp2/externalBackup.xml");
    /// The same accounts with 1 000 iterations and the password "fuzz" (the fuzz seed).
    const FREEOTP2_FUZZ: &[u8] = include_bytes!("fixtures/freeotp2/externalBackup-fuzz.xml");

    /// FreeOTP keeps no notes, groups or order: the shared set, alphabetically.
    fn freeotp2_set() -> Vec<BackupAccount> {
        let mut v = bare(false, false);
        v.sort_by_key(|a| (a.issuer.to_lowercase(), a.name.to_lowercase()));
        v
    }

    #[test]
    fn freeotp2_backup_imports_every_kind_with_its_password() {
        check(
            FREEOTP2,
            Format::FreeOtp2,
            Some("kunci freeotp2"),
            &freeotp2_set(),
        );
        check(
            FREEOTP2_FUZZ,
            Format::FreeOtp2,
            Some("fuzz"),
            &freeotp2_set(),
        );
        let batch = import(FREEOTP2, Format::FreeOtp2, Some("kunci freeotp2")).unwrap();
        let steam = batch.accounts.iter().find(|a| a.issuer == "Steam").unwrap();
        assert_eq!(steam.params.kind, OtpKind::Steam, "FreeOTP's Steam issuer");
        assert_eq!(
            import(FREEOTP2, Format::FreeOtp2, Some("Kunci freeotp2")),
            Err(BackupError::WrongPassword)
        );
        // A file asking for far more key derivation than FreeOTP writes is refused before any
        // work (the digits are swapped in place: the Java string keeps its length).
        let needle = b"\"mIterations\":100000";
        let at = FREEOTP2
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
            + 14;
        let mut costly = FREEOTP2.to_vec();
        costly[at..at + 6].copy_from_slice(b"900000");
        match import(&costly, Format::FreeOtp2, Some("kunci freeotp2")) {
            Err(BackupError::UnsafeParameters { reason }) => assert!(reason.contains("900000")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_damaged_freeotp2_backup_is_a_sentence_and_a_damaged_entry_is_refused_alone() {
        let pw = Some("fuzz");
        // Cut anywhere: a typed error, never a panic or a partial import.
        for len in [
            0,
            4,
            40,
            400,
            FREEOTP2_FUZZ.len() / 2,
            FREEOTP2_FUZZ.len() - 1,
        ] {
            let r = import(&FREEOTP2_FUZZ[..len], Format::FreeOtp2, pw);
            assert!(
                matches!(
                    r,
                    Err(BackupError::Damaged { .. } | BackupError::NotRecognized)
                ),
                "{len}: {r:?}"
            );
        }
        // One wrapped account key changed (inside its JSON, same length): that account is
        // refused with a reason, the others import.
        // The last digit of the last tag byte of the first account key: a byte still in range.
        let find = |from: usize, needle: &[u8]| {
            from + FREEOTP2_FUZZ[from..]
                .windows(needle.len())
                .position(|w| w == needle)
                .unwrap()
        };
        let key = find(0, b"{\\\"mCipherText");
        let at = find(key, b"],\\\"mParameters") - 1;
        let mut bytes = FREEOTP2_FUZZ.to_vec();
        assert!(bytes[at].is_ascii_digit());
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
        let batch = import(&bytes, Format::FreeOtp2, pw).unwrap();
        assert_eq!(batch.accounts.len(), 8);
        assert_eq!(batch.refused.len(), 1);
        assert!(
            batch.refused[0].reason.contains("damaged"),
            "{:?}",
            batch.refused
        );
    }

    // ---------- 2FAS export (issue 15 point 4) ----------

    #[test]
    fn twofas_export_plain_and_encrypted_comes_back() {
        let expect = bare(false, true);
        for password in [None, Some("2fas pw")] {
            let file = kunci::export_2fas(&accounts(), password).unwrap();
            let v: Value = serde_json::from_slice(&file).unwrap();
            assert_eq!(v["schemaVersion"], 4);
            assert_eq!(v.get("servicesEncrypted").is_some(), password.is_some());
            check(&file, Format::TwoFas, password, &expect);
        }
    }

    // ---------- Fuzz seeds for `import_other` ----------

    /// One seed per new reader: the first byte picks the format (its index in `Format::all()`),
    /// the rest is a small valid file; encrypted ones use the password "fuzz".
    fn fuzz_seeds() -> Vec<(String, Vec<u8>)> {
        let few: Vec<BackupAccount> = bare(false, true).into_iter().take(6).collect();
        let uri0 = uri(&few[0]);
        let steam = json!({"shared_secret": B64.encode([7u8; 10]), "account_name": "gabe"});
        let duo =
            json!([{"name": "d", "otpGenerator": {"otpSecret": "JBSWY3DPEHPK3PXP", "counter": 3}}]);
        let proton = json!({"version": 1, "entries": [{"id": "1", "content": {"uri": uri0, "entry_type": "Totp", "name": "n"}, "note": ""}]});
        let xml = format!(
            "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n<string name=\"A:b\">{}</string>\n<string name=\"tokenOrder\">[&quot;A:b&quot;]</string>\n</map>\n",
            xml_escape(&json!({"algo": "SHA256", "digits": 7, "issuerExt": "A", "label": "b", "period": 20, "secret": [1, -2, 3, 4, 5, 6, 7, 8, 9, 10], "type": "TOTP", "counter": 0}).to_string())
        );
        let google_db = sqlite_bytes(
            "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT, secret TEXT, counter INTEGER, type INTEGER, issuer TEXT);\n             INSERT INTO accounts (email, secret, counter, type, issuer) VALUES ('a@b', 'JBSWY3DPEHPK3PXP', 0, 0, 'G'), ('c', 'JBSWY3DPEHPK3PXQ', 5, 1, '');",
            |_| {},
        );
        let png = kunci::render_png(&uri0, 1).unwrap();
        let files: Vec<(&str, Format, Vec<u8>)> = vec![
            ("bitwarden.csv", Format::BitwardenCsv, bitwarden_csv(&few)),
            ("andotp.json", Format::AndOtp, andotp_json(&few)),
            (
                "andotp-new.aes",
                Format::AndOtp,
                andotp_new(&andotp_json(&few), "fuzz"),
            ),
            (
                "andotp-old.aes",
                Format::AndOtp,
                andotp_old(&andotp_json(&few), "fuzz"),
            ),
            ("stratum.json", Format::Stratum, stratum_json(&few)),
            (
                "stratum-legacy.bin",
                Format::Stratum,
                stratum_legacy(&stratum_json(&few), "fuzz"),
            ),
            (
                "proton.json",
                Format::Proton,
                serde_json::to_vec(&proton).unwrap(),
            ),
            (
                "steam.mafile",
                Format::SteamMaFile,
                serde_json::to_vec(&steam).unwrap(),
            ),
            ("duo.json", Format::Duo, serde_json::to_vec(&duo).unwrap()),
            ("tokens.xml", Format::FreeOtpXml, xml.into_bytes()),
            ("google.db", Format::GoogleDb, google_db),
            ("code.png", Format::QrImage, png),
            ("freeotp2.ser", Format::FreeOtp2, FREEOTP2_FUZZ.to_vec()),
        ];
        let all = Format::all();
        files
            .into_iter()
            .map(|(name, f, bytes)| {
                let pick = all.iter().position(|x| *x == f).unwrap() as u8;
                let mut seed = vec![pick];
                seed.extend(bytes);
                (name.to_string(), seed)
            })
            .collect()
    }

    fn seeds_dir() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/import_other")
    }

    #[test]
    #[ignore = "writes fuzz/seeds/import_other; run by hand when a format changes"]
    fn write_import_other_seeds() {
        std::fs::create_dir_all(seeds_dir()).unwrap();
        for (name, bytes) in fuzz_seeds() {
            std::fs::write(seeds_dir().join(name), bytes).unwrap();
        }
    }

    #[test]
    fn committed_import_other_seeds_import() {
        let all = Format::all();
        let mut n = 0;
        for e in std::fs::read_dir(seeds_dir()).unwrap() {
            let e = e.unwrap();
            let b = std::fs::read(e.path()).unwrap();
            let format = all[usize::from(b[0]) % all.len()];
            let batch = import(&b[1..], format, Some("fuzz")).unwrap_or_else(|err| {
                panic!(
                    "{:?}: {err} (after adding a format, run write_import_other_seeds)",
                    e.file_name()
                )
            });
            assert!(!batch.accounts.is_empty(), "{:?}", e.file_name());
            n += 1;
        }
        assert!(n >= 10, "only {n} seeds");
    }
}
