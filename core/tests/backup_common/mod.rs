//! Shared by the backup_* integration tests: one account set covering every kind, algorithm,
//! digit count, period and counter, plus helpers to compare accounts by the codes they make.
#![allow(dead_code)]

use kunci::{AegisKdf, BackupAccount, HashAlgorithm, KdfParams, OtpKind, OtpParams, Secret};

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

/// RFC 4226 / 6238 (and Steam's alphabet) computed here with `hmac` and `sha*`, independent of
/// the crate's OTP engine: the code `p` shows at `unix`.
pub fn independent_code(p: &OtpParams, unix: u64) -> String {
    use hmac::{Hmac, Mac};
    let counter = match p.kind {
        OtpKind::Hotp => p.counter,
        _ => unix / u64::from(p.period),
    };
    let msg = counter.to_be_bytes();
    let key = p.secret.expose();
    let mac: Vec<u8> = match (p.kind, p.algorithm) {
        (OtpKind::Steam, _) | (_, HashAlgorithm::Sha1) => {
            let mut m = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
            m.update(&msg);
            m.finalize().into_bytes().to_vec()
        }
        (_, HashAlgorithm::Sha256) => {
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
            m.update(&msg);
            m.finalize().into_bytes().to_vec()
        }
        (_, HashAlgorithm::Sha512) => {
            let mut m = Hmac::<sha2::Sha512>::new_from_slice(key).unwrap();
            m.update(&msg);
            m.finalize().into_bytes().to_vec()
        }
    };
    let off = usize::from(mac[mac.len() - 1] & 0x0f);
    let bin = u32::from_be_bytes([mac[off] & 0x7f, mac[off + 1], mac[off + 2], mac[off + 3]]);
    if p.kind == OtpKind::Steam {
        let alphabet = b"23456789BCDFGHJKMNPQRTVWXY";
        let mut v = bin;
        return (0..5)
            .map(|_| {
                let c = alphabet[(v % 26) as usize] as char;
                v /= 26;
                c
            })
            .collect();
    }
    let modulo = 10u64.pow(u32::from(p.digits));
    format!(
        "{:0width$}",
        u64::from(bin) % modulo,
        width = usize::from(p.digits)
    )
}

/// `after` holds the accounts of `before` (same labels and settings) and every code of `after`
/// at every time in `TIMES` equals the independent computation from `before`'s settings.
pub fn assert_imported_exactly(before: &[BackupAccount], after: &[BackupAccount]) {
    assert_eq!(before.len(), after.len(), "number of accounts");
    for (b, a) in before.iter().zip(after) {
        assert_eq!(b.issuer, a.issuer);
        assert_eq!(b.name, a.name);
        assert_eq!(b.params, a.params, "{}", b.label());
        for t in TIMES {
            assert_eq!(
                a.params.code_at(t).expect("code"),
                independent_code(&b.params, t),
                "{} at {t}",
                b.label()
            );
        }
    }
}
