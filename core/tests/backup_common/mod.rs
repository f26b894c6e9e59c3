//! Shared by the backup_* integration tests: one account set covering every kind, algorithm,
//! digit count, period and counter, plus helpers to compare accounts by the codes they make.
#![allow(dead_code)]

use kunci::backup::{AegisKdf, BackupAccount, KdfParams};
use kunci::otp::{HashAlgorithm, OtpKind, OtpParams};
use kunci::Secret;

/// Argon2 at its minimum cost: the format is what is tested, not the KDF's strength.
pub const CHEAP_KDF: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};
pub const CHEAP_SCRYPT: AegisKdf = AegisKdf {
    log_n: 4,
    r: 8,
    p: 1,
};
/// Times at which codes before and after a round trip must agree.
pub const TIMES: [u64; 5] = [0, 59, 1_111_111_109, 1_700_000_000, 2_000_000_000];
/// A 1×1 PNG, as Aegis would carry an icon.
pub const PNG_ICON: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

fn secret(seed: u8, len: usize) -> Secret {
    Secret::new(
        (0..len)
            .map(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 7))
            .collect(),
    )
}

fn params(
    kind: OtpKind,
    algorithm: HashAlgorithm,
    digits: u8,
    period: u32,
    counter: u64,
    seed: u8,
) -> OtpParams {
    OtpParams {
        kind,
        algorithm,
        digits,
        period,
        counter,
        secret: secret(seed, 20),
    }
}

fn account(issuer: &str, name: &str, params: OtpParams, position: i64) -> BackupAccount {
    BackupAccount::new(issuer, name, params, position)
}

/// The shared set. Google can represent only indexes 0, 3, 5, 7 and 8 (see `GOOGLE_OK`).
pub fn accounts() -> Vec<BackupAccount> {
    use HashAlgorithm::*;
    use OtpKind::*;
    let mut v = vec![
        account(
            "GitHub",
            "alice@example.com",
            params(Totp, Sha1, 6, 30, 0, 1),
            0,
        ),
        account(
            "Ünïcødé Bank",
            "José 山田",
            params(Totp, Sha256, 7, 20, 0, 2),
            1,
        ),
        account("Airbnb", "elijah", params(Totp, Sha512, 8, 50, 0, 3), 2),
        account("Issuu", "james", params(Hotp, Sha1, 6, 30, 1, 4), 3),
        account(
            "Air Canada",
            "benjamin",
            params(Hotp, Sha256, 7, 30, 50, 5),
            4,
        ),
        account("WWE", "mason", params(Hotp, Sha512, 8, 30, 10_300, 6), 5),
        account("Steam", "gabe", OtpParams::steam(secret(7, 10)), 6),
        account("ACME Corp", "bob", params(Totp, Sha1, 8, 30, 0, 8), 7),
        account(
            "",
            "lonely@example.com",
            params(Totp, Sha256, 6, 30, 0, 9),
            8,
        ),
    ];
    v[0].notes = "work laptop\nsecond line".into();
    v[0].group = Some("Work".into());
    v[0].icon = Some(PNG_ICON.into());
    v[1].group = Some("Personal — 個人".into());
    v[1].notes = "PIN is elsewhere".into();
    v[4].group = Some("Work".into());
    v[6].notes = "trade hold".into();
    v
}

/// Indexes of `accounts()` that Google Authenticator's export can carry.
pub const GOOGLE_OK: [usize; 5] = [0, 3, 5, 7, 8];

/// Same issuer, name and parameters, and the same codes at every time in `TIMES`.
pub fn assert_same_otp(before: &BackupAccount, after: &BackupAccount) {
    assert_eq!(before.issuer, after.issuer);
    assert_eq!(before.name, after.name);
    assert_eq!(before.params, after.params, "{}", before.label());
    for t in TIMES {
        let a = before.params.view_at(t).expect("code before");
        let b = after.params.view_at(t).expect("code after");
        assert_eq!(a, b, "{} at {t}", before.label());
    }
}

pub fn assert_all_same_otp(before: &[BackupAccount], after: &[BackupAccount]) {
    assert_eq!(before.len(), after.len(), "number of accounts");
    for (b, a) in before.iter().zip(after) {
        assert_same_otp(b, a);
    }
}
