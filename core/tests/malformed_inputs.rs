//! One representative of each class of malformed input, per entry point, and the typed error it
//! must give (the detailed cases live beside each module; this table is the inventory that
//! SECURITY.md points to). Matching on the variant, not the message: a class that starts giving
//! a different error, or a panic, fails here.

use kunci::{
    decode_image, decode_luma, decode_migration, import, parse_payload, BackupError, EnrollError,
    Format, LumaFrame, Payload, QrError, ScanEffort, Secret, Vault, VaultError, MAX_FILE_BYTES,
    MAX_PAYLOAD_BYTES,
};

/// (class, input, does the error belong to the class?)
type EnrollCase = (&'static str, String, fn(&EnrollError) -> bool);
type BackupCase = (&'static str, Format, Vec<u8>, fn(&BackupError) -> bool);

fn enroll_err(text: &str) -> EnrollError {
    match parse_payload(text) {
        Err(e) => e,
        Ok(Payload::Single(_)) | Ok(Payload::Migration(_)) => panic!("{text:?} was accepted"),
    }
}

#[test]
fn enrollment_payload_classes() {
    use EnrollError::*;
    let long = format!("otpauth://totp/a?secret={}", "A".repeat(MAX_PAYLOAD_BYTES));
    let cases: Vec<EnrollCase> = vec![
        ("empty", String::new(), |e| matches!(e, NotOtpauth)),
        ("web link", "https://example.com".into(), |e| {
            matches!(e, NotOtpauth)
        }),
        ("too long", long, |e| matches!(e, TooLong { .. })),
        (
            "unknown type",
            "otpauth://motp/a?secret=JBSWY3DP".into(),
            |e| matches!(e, UnknownType { .. }),
        ),
        ("no secret", "otpauth://totp/a?issuer=x".into(), |e| {
            matches!(e, MissingSecret)
        }),
        ("bad base32", "otpauth://totp/a?secret=189!".into(), |e| {
            matches!(e, BadSecret { .. })
        }),
        (
            "unknown algorithm",
            "otpauth://totp/a?secret=JBSWY3DP&algorithm=MD5".into(),
            |e| matches!(e, UnknownAlgorithm { .. }),
        ),
        (
            "digits out of range",
            "otpauth://totp/a?secret=JBSWY3DP&digits=11".into(),
            |e| matches!(e, BadNumber { .. }),
        ),
        (
            "number overflow",
            "otpauth://hotp/a?secret=JBSWY3DP&counter=99999999999999999999999".into(),
            |e| matches!(e, BadNumber { .. }),
        ),
        (
            "bad percent-encoding",
            "otpauth://totp/%FF%FE?secret=JBSWY3DP".into(),
            |e| matches!(e, BadLabel { .. }),
        ),
        (
            "migration without data",
            "otpauth-migration://offline".into(),
            |e| matches!(e, BadMigration { .. }),
        ),
        (
            "migration bad base64",
            "otpauth-migration://offline?data=%%%".into(),
            |e| matches!(e, BadMigration { .. }),
        ),
        (
            "migration truncated protobuf",
            "otpauth-migration://offline?data=CgoKBQ".into(),
            |e| matches!(e, BadMigration { .. }),
        ),
    ];
    for (class, text, ok) in cases {
        let e = enroll_err(&text);
        assert!(ok(&e), "{class}: got {e:?}");
    }
    assert!(matches!(
        decode_migration("otpauth-migration://offline?data="),
        Err(BadMigration { .. })
    ));
}

#[test]
fn backup_file_classes() {
    use BackupError::*;
    let big = vec![b' '; MAX_FILE_BYTES + 1];
    let cases: Vec<BackupCase> = vec![
        ("oversized", Format::Aegis, big, |e| {
            matches!(e, TooLarge { .. })
        }),
        ("empty", Format::Aegis, Vec::new(), |e| {
            matches!(e, Damaged { .. } | NotRecognized)
        }),
        ("not UTF-8", Format::TwoFas, vec![0xff, 0xfe, 0x00], |e| {
            matches!(e, Damaged { .. } | NotRecognized)
        }),
        ("not JSON", Format::Ente, b"{ nope".to_vec(), |e| {
            matches!(e, Damaged { .. } | NotRecognized)
        }),
        (
            "JSON of the wrong shape",
            Format::Aegis,
            b"[1,2,3]".to_vec(),
            |e| matches!(e, Damaged { .. } | NotRecognized),
        ),
        (
            "unknown version",
            Format::Aegis,
            br#"{"version":99,"header":{},"db":{}}"#.to_vec(),
            |e| matches!(e, UnsupportedVersion { .. }),
        ),
        (
            "kunci header cut short",
            Format::Kunci,
            b"KUNCI".to_vec(),
            |e| matches!(e, Damaged { .. } | NotRecognized),
        ),
        (
            "no accounts",
            Format::Uris,
            b"# nothing here\n".to_vec(),
            |e| matches!(e, NoAccounts | NotRecognized),
        ),
    ];
    for (class, format, bytes, ok) in cases {
        match import(&bytes, format, Some("pw")) {
            Err(e) => assert!(ok(&e), "{class}: got {e:?}"),
            Ok(_) => panic!("{class}: accepted"),
        }
    }
}

#[test]
fn picture_and_frame_classes() {
    let frame = |w, h, stride, bytes: &[u8]| {
        decode_luma(
            &LumaFrame {
                width: w,
                height: h,
                row_stride: stride,
                bytes,
            },
            ScanEffort::Frame,
        )
    };
    assert!(matches!(
        frame(0, 10, 0, &[]),
        Err(QrError::InvalidFrame { .. })
    ));
    assert!(matches!(
        frame(10, 10, 5, &[0; 100]),
        Err(QrError::InvalidFrame { .. })
    ));
    assert!(matches!(
        frame(10, 10, 10, &[0; 99]),
        Err(QrError::InvalidFrame { .. })
    ));
    assert!(matches!(
        frame(u32::MAX, u32::MAX, u32::MAX, &[0; 16]),
        Err(QrError::ImageTooLarge { .. } | QrError::InvalidFrame { .. })
    ));
    assert!(matches!(
        frame(64, 64, 64, &[255; 64 * 64]),
        Err(QrError::NoQrCode)
    ));
    assert!(matches!(
        decode_image(b""),
        Err(QrError::UnreadableImage { .. })
    ));
    assert!(matches!(
        decode_image(b"GIF89a...."),
        Err(QrError::UnreadableImage { .. })
    ));
    let mut png = kunci::render_png("otpauth://totp/a?secret=JBSWY3DP", 2).unwrap();
    png.truncate(png.len() / 2);
    assert!(matches!(
        decode_image(&png),
        Err(QrError::UnreadableImage { .. })
    ));
}

#[test]
fn vault_file_classes() {
    let dir = std::env::temp_dir().join(format!("kunci-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pw = Secret::from_slice(b"pw");
    let open = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        Vault::open_with_passphrase(&p, &pw).map(drop)
    };
    assert!(matches!(
        Vault::open_with_passphrase(dir.join("missing"), &pw).map(drop),
        Err(VaultError::Missing)
    ));
    for (name, bytes) in [
        ("empty", Vec::new()),
        ("text", b"not a database at all".to_vec()),
        ("torn header", b"SQLite format 3\0\x10\0".to_vec()),
        ("zeros", vec![0u8; 8192]),
    ] {
        let r = open(name, &bytes);
        assert!(
            matches!(r, Err(VaultError::Corrupted { .. } | VaultError::Missing)),
            "{name}: {r:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
