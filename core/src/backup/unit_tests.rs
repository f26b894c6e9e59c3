use super::*;

#[test]
fn backup_format_names_round_trip() {
    for f in Format::all() {
        assert_eq!(Format::from_name(f.as_str()), Some(f));
        assert_eq!(Format::from_name(&f.to_string().to_uppercase()), Some(f));
    }
    assert_eq!(Format::from_name("auto"), None);
}

#[test]
fn backup_detect_tolerates_bom_and_whitespace() {
    let text = "\u{feff}\n  otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n";
    assert_eq!(detect(text.as_bytes()), Some(Format::Uris));
    assert_eq!(
        detect(b"  {\"services\": [], \"schemaVersion\": 4}"),
        Some(Format::TwoFas)
    );
    assert_eq!(detect(b"{\"header\": {}, \"db\": {}}"), Some(Format::Aegis));
    assert_eq!(detect(b"[1, 2]"), None);
    assert_eq!(detect(b"{ not json"), None);
}

#[test]
fn backup_params_from_applies_defaults_and_limits() {
    let raw = |kind, digits, period| RawEntry {
        kind,
        algorithm: Some("sha256"),
        digits,
        period,
        counter: Some(5),
    };
    let secret = || Secret::from_slice(&[1u8; 20]);
    let mut w = Vec::new();
    let p = params_from(&raw(OtpKind::Totp, None, Some(0)), secret(), &mut w).unwrap();
    assert_eq!((p.digits, p.period, p.counter), (6, 30, 0));
    assert_eq!(p.algorithm, HashAlgorithm::Sha256);
    let p = params_from(&raw(OtpKind::Steam, Some(8), None), secret(), &mut w).unwrap();
    assert_eq!((p.digits, p.algorithm), (5, HashAlgorithm::Sha1));
    let p = params_from(&raw(OtpKind::Hotp, Some(7), Some(99)), secret(), &mut w).unwrap();
    assert_eq!((p.digits, p.counter), (7, 5));
    assert!(params_from(&raw(OtpKind::Totp, Some(300), None), secret(), &mut w).is_err());
    assert!(params_from(&raw(OtpKind::Totp, None, Some(1 << 40)), secret(), &mut w).is_err());
    assert!(w.is_empty(), "20-byte secrets are not short");
    params_from(
        &raw(OtpKind::Totp, None, None),
        Secret::from_slice(&[1; 10]),
        &mut w,
    )
    .unwrap();
    assert_eq!(w, [Warning::ShortSecret { bits: 80 }]);
}

#[test]
fn backup_json_strings_are_wiped_on_drop() {
    let mut v = serde_json::json!({"a": ["SECRET"], "b": {"c": "SECRET"}});
    json::scrub_for_tests(&mut v);
    assert_eq!(v, serde_json::json!({"a": [""], "b": {"c": ""}}));
}

#[test]
fn backup_warnings_read_as_sentences() {
    let w = ImportWarning::MissingBatches {
        batch_id: 1,
        missing: vec![0, 2],
        size: 3,
    };
    assert!(w.to_string().contains("1, 3 of 3 are missing"));
    let e = BackupError::TooLarge { len: 20 << 20 };
    assert!(e.to_string().contains("16 MiB"));
}

#[test]
fn backup_account_label() {
    let p = OtpParams::totp(Secret::from_slice(&[1; 20]));
    assert_eq!(BackupAccount::new("I", "n", p.clone(), 0).label(), "I: n");
    assert_eq!(BackupAccount::new("", "n", p.clone(), 0).label(), "n");
    assert_eq!(BackupAccount::new("I", "", p, 0).label(), "I");
}
