use super::*;
use crate::backup::import;

const CHEAP: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};

fn account() -> BackupAccount {
    BackupAccount::new(
        "Issuer",
        "name",
        OtpParams::totp(Secret::from_slice(b"12345678901234567890")),
        0,
    )
}

#[test]
fn backup_body_entry_that_does_not_validate_is_refused_alone() {
    let body = serde_json::json!({
        "format": BODY_FORMAT, "version": 1, "accounts": [
            {"issuer": "A", "name": "ok", "type": "totp", "algorithm": "SHA1", "digits": 6,
             "period": 30, "counter": 0, "secret": "GEZDGNBVGY3TQOJQ"},
            {"issuer": "B", "name": "bad digits", "type": "totp", "algorithm": "SHA1",
             "digits": 12, "period": 30, "counter": 0, "secret": "GEZDGNBVGY3TQOJQ"},
            {"issuer": "C", "name": "bad type", "type": "motp", "algorithm": "SHA1",
             "digits": 6, "period": 30, "counter": 0, "secret": "GEZDGNBVGY3TQOJQ"},
            {"issuer": "D", "name": "bad secret", "type": "hotp", "algorithm": "SHA1",
             "digits": 6, "period": 30, "counter": 0, "secret": "!!"},
        ]
    });
    let bytes = seal(&serde_json::to_vec(&body).unwrap(), "pw", &CHEAP).unwrap();
    let batch = read_backup(&bytes, "pw").unwrap();
    assert_eq!(batch.accounts.len(), 1);
    let refused: Vec<_> = batch
        .refused
        .iter()
        .map(|r| (r.index, r.label.as_str()))
        .collect();
    assert_eq!(
        refused,
        [
            (1, "B: bad digits"),
            (2, "C: bad type"),
            (3, "D: bad secret")
        ]
    );
}

#[test]
fn backup_body_of_another_format_or_version_is_typed() {
    let other = serde_json::json!({"format": "other", "version": 1, "accounts": []});
    let bytes = seal(&serde_json::to_vec(&other).unwrap(), "pw", &CHEAP).unwrap();
    assert!(matches!(
        read_backup(&bytes, "pw"),
        Err(BackupError::Damaged { .. })
    ));
    let newer = serde_json::json!({"format": BODY_FORMAT, "version": 2, "accounts": []});
    let bytes = seal(&serde_json::to_vec(&newer).unwrap(), "pw", &CHEAP).unwrap();
    assert!(matches!(
        read_backup(&bytes, "pw"),
        Err(BackupError::UnsupportedVersion { .. })
    ));
    let bytes = seal(b"not json", "pw", &CHEAP).unwrap();
    assert!(matches!(
        read_backup(&bytes, "pw"),
        Err(BackupError::Damaged { .. })
    ));
}

#[test]
fn backup_writer_refuses_invalid_accounts_and_unsafe_costs() {
    let mut bad = account();
    bad.params.digits = 3;
    assert!(matches!(
        write_backup(&[bad], "pw", &CHEAP),
        Err(BackupError::NotExportable { .. })
    ));
    let huge = KdfParams {
        memory_kib: 2 << 20,
        ..CHEAP
    };
    assert!(matches!(
        write_backup(&[account()], "pw", &huge),
        Err(BackupError::UnsafeParameters { .. })
    ));
    let zero = KdfParams {
        iterations: 0,
        ..CHEAP
    };
    assert!(write_backup(&[account()], "pw", &zero).is_err());
}

#[test]
fn backup_import_without_password_asks_for_one() {
    let bytes = write_backup(&[account()], "pw", &CHEAP).unwrap();
    assert_eq!(
        import(&bytes, Format::Kunci, None),
        Err(BackupError::PasswordRequired)
    );
    assert_eq!(
        import(b"{}", Format::Kunci, Some("pw")),
        Err(BackupError::NotRecognized)
    );
    assert!(matches!(
        import(&bytes[..HEADER_LEN + 3], Format::Kunci, Some("pw")),
        Err(BackupError::Damaged { .. })
    ));
}
