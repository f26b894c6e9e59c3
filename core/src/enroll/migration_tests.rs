use super::*;
use proptest::prelude::*;

/// A one-account export in the widely published form (Example:alice@google.com, the secret of
/// Google's Key Uri Format example), with the batch fields left out as older exports do.
const SAMPLE: &str = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC";

fn totp(secret: &[u8]) -> OtpParams {
    OtpParams::totp(Secret::from_slice(secret))
}

#[test]
fn decodes_the_published_sample() {
    let m = decode_migration(SAMPLE).unwrap();
    assert_eq!(
        m.batch,
        BatchInfo {
            index: 0,
            size: 1,
            id: 0,
            version: 0
        }
    );
    assert_eq!(m.accounts.len(), 1);
    let a = &m.accounts[0];
    assert_eq!(
        (a.issuer.as_str(), a.name.as_str()),
        ("Example", "alice@google.com")
    );
    assert_eq!(a.params.secret.expose(), b"Hello!\xde\xad\xbe\xef");
    assert_eq!(a.params.kind, OtpKind::Totp);
    assert!(m.refused.is_empty());
}

#[test]
fn encode_then_decode_keeps_every_field_and_batches_by_ten() {
    let secrets: Vec<OtpParams> = (0..23u8)
        .map(|i| {
            let mut p = totp(&[i; 20]);
            match i % 4 {
                0 => p.algorithm = HashAlgorithm::Sha256,
                1 => p.digits = 8,
                2 => {
                    p.kind = OtpKind::Hotp;
                    p.counter = u64::from(i) * 1000;
                }
                _ => p.algorithm = HashAlgorithm::Sha512,
            }
            p
        })
        .collect();
    let names: Vec<String> = (0..23).map(|i| format!("user{i}@example.org")).collect();
    let input: Vec<(&str, &str, &OtpParams)> = secrets
        .iter()
        .zip(&names)
        .map(|(p, n)| ("Issuer & Co", n.as_str(), p))
        .collect();
    let uris = encode_migration(&input, 4242).unwrap();
    assert_eq!(uris.len(), 3);
    let mut seen = Vec::new();
    for (i, uri) in uris.iter().enumerate() {
        let m = decode_migration(uri).unwrap();
        assert_eq!(
            m.batch,
            BatchInfo {
                index: i as u32,
                size: 3,
                id: 4242,
                version: 1
            }
        );
        seen.extend(m.accounts);
    }
    assert_eq!(seen.len(), 23);
    for (got, (issuer, name, params)) in seen.iter().zip(&input) {
        assert_eq!((got.issuer.as_str(), got.name.as_str()), (*issuer, *name));
        assert_eq!(&got.params, *params);
    }
}

#[test]
fn unrepresentable_accounts_are_refused_not_dropped() {
    let mut p = totp(b"12345678901234567890");
    p.period = 60;
    let err = encode_migration(&[("A", "b", &p)], 1).unwrap_err();
    assert!(matches!(err, EnrollError::NotExportable { .. }), "{err}");
    let s = OtpParams::steam(Secret::from_slice(b"12345678901234567890"));
    assert!(encode_migration(&[("Steam", "g", &s)], 1).is_err());
}

#[test]
fn a_bad_entry_is_refused_and_the_rest_kept() {
    let good = OtpParameters {
        secret: b"12345678901234567890".to_vec(),
        name: "ok".into(),
        otp_type: 2,
        ..Default::default()
    };
    let md5 = OtpParameters {
        algorithm: 4,
        name: "md5".into(),
        ..good.clone()
    };
    let empty = OtpParameters {
        secret: vec![],
        name: "empty".into(),
        ..good.clone()
    };
    let payload = MigrationPayload {
        otp_parameters: vec![good.clone(), md5, empty],
        version: 1,
        batch_size: 1,
        batch_index: 0,
        batch_id: 7,
    };
    let m = decode_migration_bytes(&payload.encode_to_vec()).unwrap();
    assert_eq!(m.accounts.len(), 1);
    assert_eq!(m.refused.len(), 2);
    assert_eq!(m.refused[0].0, 1);
    assert_eq!(m.refused[1].1, "empty");
}

#[test]
fn damaged_exports_are_typed_errors() {
    for uri in [
        "otpauth-migration://offline",
        "otpauth-migration://offline?data=",
        "otpauth-migration://offline?data=%%%%",
        "otpauth-migration://offline?data=!!!!",
        "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1",
        "otpauth-migration://offline?data=IAUoAQ", // batch index 5 of 1
    ] {
        let err = decode_migration(uri).expect_err(uri);
        assert!(
            matches!(err, EnrollError::BadMigration { .. }),
            "{uri}: {err:?}"
        );
    }
    assert_eq!(
        decode_migration("otpauth://totp/x?secret=A").unwrap_err(),
        EnrollError::NotOtpauth
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = decode_migration_bytes(&bytes);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let _ = decode_migration(&format!("otpauth-migration://offline?data={b64}"));
    }

    #[test]
    fn encode_decode_is_identity(
        secret in proptest::collection::vec(any::<u8>(), 1..64),
        name in "[a-z0-9@.: ]{0,20}",
        issuer in "[A-Za-z0-9 &]{0,12}",
        hotp in any::<bool>(), counter in 0u64..=(i64::MAX as u64),
        eight in any::<bool>(),
    ) {
        let mut p = totp(&secret);
        if hotp { p.kind = OtpKind::Hotp; p.counter = counter; }
        if eight { p.digits = 8; }
        let (issuer, name) = (issuer.trim().replace(':', ""), name.trim().to_string());
        let uris = encode_migration(&[(&issuer, &name, &p)], 1).unwrap();
        let m = decode_migration(&uris[0]).unwrap();
        prop_assert_eq!(&m.accounts[0].params, &p);
    }
}
