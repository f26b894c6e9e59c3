//! Cross-check against real exports published by other projects (Aegis's importer test data:
//! Aegis, 2FAS, Ente, FreeOTP+ and Bitwarden files describing the same accounts). They are not
//! in this repository; point KUNCI_BACKUP_SAMPLES at a folder holding them and run
//! `cargo test -p kunci --test backup_samples -- --ignored`.

/// Inside `backup` so `cargo test -p kunci backup` selects these tests.
mod backup {
    use kunci::{detect, import, Format, ImportBatch};
    use kunci::{HashAlgorithm, OtpKind};
    use std::path::PathBuf;

    fn sample(name: &str) -> Option<Vec<u8>> {
        let dir = PathBuf::from(std::env::var_os("KUNCI_BACKUP_SAMPLES")?);
        std::fs::read(dir.join(name)).ok()
    }

    /// Every sample describes the same accounts: check the count and a few known values.
    fn check(batch: &ImportBatch, expect: usize) {
        assert!(batch.refused.is_empty(), "{:?}", batch.refused);
        assert_eq!(batch.accounts.len(), expect);
        let deno = batch
            .accounts
            .iter()
            .find(|a| a.issuer == "Deno" && a.name == "Mason")
            .expect("Deno: Mason");
        assert_eq!(deno.params.secret.to_base32(), "4SJHB4GSD43FZBAI7C2HLRJGPQ");
        assert_eq!(deno.params.kind, OtpKind::Totp);
        if let Some(wwe) = batch.accounts.iter().find(|a| a.issuer == "WWE") {
            // 2FAS schema 2 had no token type: the HOTP account was stored as (and is read as) TOTP.
            if wwe.params.kind == OtpKind::Hotp {
                assert_eq!(wwe.params.counter, 10_300);
            }
            assert_eq!(wwe.params.digits, 8);
            assert_eq!(wwe.params.algorithm, HashAlgorithm::Sha512);
        }
        if let Some(spdx) = batch.accounts.iter().find(|a| a.issuer == "SPDX") {
            assert_eq!((spdx.params.digits, spdx.params.period), (7, 20));
            assert_eq!(spdx.params.algorithm, HashAlgorithm::Sha256);
        }
    }

    fn run(name: &str, format: Format, password: Option<&str>, expect: usize) {
        let Some(bytes) = sample(name) else {
            eprintln!("skipped {name}: set KUNCI_BACKUP_SAMPLES");
            return;
        };
        assert_eq!(detect(&bytes), Some(format), "{name}");
        let batch = import(&bytes, format, password).unwrap_or_else(|e| panic!("{name}: {e}"));
        check(&batch, expect);
    }

    #[test]
    #[ignore = "needs KUNCI_BACKUP_SAMPLES"]
    fn published_samples_import() {
        run("aegis_plain.json", Format::Aegis, None, 7);
        run("aegis_encrypted.json", Format::Aegis, Some("test"), 7);
        // Schema 1 stored no type, digits, period or algorithm: 2FAS then only had 6-digit
        // SHA-1 TOTP at 30 s, which is what the importer's defaults give.
        let v1 = sample("2fas_authenticator.json").unwrap_or_default();
        if !v1.is_empty() {
            let batch = import(&v1, Format::TwoFas, None).unwrap();
            assert_eq!(batch.accounts.len(), 6);
            assert!(batch.accounts.iter().all(|a| a.params.digits == 6
                && a.params.period == 30
                && a.params.kind == OtpKind::Totp));
        }
        run("2fas_authenticator_plain.2fas", Format::TwoFas, None, 4);
        run(
            "2fas_authenticator_encrypted.2fas",
            Format::TwoFas,
            Some("test"),
            4,
        );
        run("2fas_authenticator_plain_v3.2fas", Format::TwoFas, None, 6);
        run(
            "2fas_authenticator_encrypted_v3.2fas",
            Format::TwoFas,
            Some("test"),
            6,
        );
        run("2fas_authenticator_plain_v4.2fas", Format::TwoFas, None, 5);
        run(
            "2fas_authenticator_encrypted_v4.2fas",
            Format::TwoFas,
            Some("test"),
            5,
        );
        run("ente_auth.txt", Format::Uris, None, 7);
        run("freeotp_plus.json", Format::FreeOtpPlus, None, 6);
        run("bitwarden.json", Format::Bitwarden, None, 4);
        run("plain.txt", Format::Uris, None, 7);
    }

    /// Writes Kunci's Aegis exports to KUNCI_BACKUP_OUT so other tools (Aegis's own
    /// docs/decrypt.py, the app) can be pointed at them.
    #[test]
    #[ignore = "needs KUNCI_BACKUP_OUT"]
    fn write_exports_for_other_tools() {
        use kunci::OtpParams;
        use kunci::Secret;
        use kunci::{export_aegis, export_aegis_encrypted, AegisKdf, BackupAccount};
        let Some(dir) = std::env::var_os("KUNCI_BACKUP_OUT") else {
            return;
        };
        let dir = PathBuf::from(dir);
        let mut a = BackupAccount::new(
            "Deno",
            "Mason",
            OtpParams::totp(Secret::from_slice(b"12345678901234567890")),
            0,
        );
        a.group = Some("Work".into());
        a.notes = "note".into();
        let accounts = [a];
        std::fs::write(
            dir.join("kunci_aegis_plain.json"),
            export_aegis(&accounts).unwrap(),
        )
        .unwrap();
        let enc = export_aegis_encrypted(&accounts, "test", &AegisKdf::default()).unwrap();
        std::fs::write(dir.join("kunci_aegis_encrypted.json"), enc).unwrap();
    }
}
