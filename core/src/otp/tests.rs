use super::*;
use hmac::{Mac, SimpleHmac};
use proptest::prelude::*;

const RFC_SHA1: &[u8] = b"12345678901234567890";
const RFC_SHA256: &[u8] = b"12345678901234567890123456789012";
const RFC_SHA512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

fn params(kind: OtpKind, algorithm: HashAlgorithm, digits: u8, secret: &[u8]) -> OtpParams {
    OtpParams {
        kind,
        algorithm,
        digits,
        period: 30,
        counter: 0,
        secret: Secret::from_slice(secret),
    }
}

#[test]
fn rfc4226_appendix_d_vectors() {
    let expected = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
        "520489",
    ];
    let hotp = params(OtpKind::Hotp, HashAlgorithm::Sha1, 6, RFC_SHA1);
    for (counter, want) in expected.iter().enumerate() {
        assert_eq!(&hotp.code_for_counter(counter as u64).unwrap(), want);
    }
}

#[test]
fn rfc6238_appendix_b_vectors() {
    let table: [(u64, &str, &str, &str); 6] = [
        (59, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ];
    for (t, sha1, sha256, sha512) in table {
        let at = |alg, key| params(OtpKind::Totp, alg, 8, key).code_at(t).unwrap();
        assert_eq!(at(HashAlgorithm::Sha1, RFC_SHA1), sha1, "SHA1 at {t}");
        assert_eq!(
            at(HashAlgorithm::Sha256, RFC_SHA256),
            sha256,
            "SHA256 at {t}"
        );
        assert_eq!(
            at(HashAlgorithm::Sha512, RFC_SHA512),
            sha512,
            "SHA512 at {t}"
        );
    }
}

#[test]
fn view_has_window_and_neighbours() {
    let p = params(OtpKind::Totp, HashAlgorithm::Sha1, 8, RFC_SHA1);
    let v = p.view_at(1111111111).unwrap();
    assert_eq!(v.code, "14050471");
    assert_eq!(v.valid_from, 1111111110);
    assert_eq!(v.valid_until, 1111111140);
    assert_eq!(v.previous.as_deref(), Some("07081804"));
    assert_eq!(v.next, p.code_at(1111111140).unwrap());
}

#[test]
fn hotp_view_ignores_time_and_uses_counter() {
    let mut p = params(OtpKind::Hotp, HashAlgorithm::Sha1, 6, RFC_SHA1);
    p.counter = 3;
    let v = p.view_at(123_456).unwrap();
    assert_eq!((v.code.as_str(), v.next.as_str()), ("969429", "338314"));
    assert_eq!(v.previous.as_deref(), Some("359152"));
    p.counter = 0;
    assert_eq!(p.view_at(0).unwrap().previous, None);
}

#[test]
fn limits_are_refused_with_reasons() {
    let mut p = params(OtpKind::Totp, HashAlgorithm::Sha1, 3, RFC_SHA1);
    assert_eq!(p.validate(), Err(OtpError::DigitsOutOfRange { digits: 3 }));
    p.digits = 11;
    assert!(p.code_at(0).is_err());
    p.digits = 6;
    p.period = 0;
    assert_eq!(p.validate(), Err(OtpError::PeriodOutOfRange { period: 0 }));
    p.period = 30;
    p.secret = Secret::new(vec![7; MAX_SECRET_BYTES + 1]);
    assert!(matches!(p.validate(), Err(OtpError::SecretTooLong { .. })));
    p.secret = Secret::default();
    assert_eq!(p.validate(), Err(OtpError::EmptySecret));
}

#[test]
fn short_real_world_secrets_work() {
    // 80-bit secrets (16 base32 characters) are common; totp-rs's own build() refuses them.
    let p = params(OtpKind::Totp, HashAlgorithm::Sha1, 6, &[0x42; 10]);
    assert_eq!(p.code_at(59).unwrap().len(), 6);
}

#[test]
fn algorithm_names_in_the_wild() {
    for (name, alg) in [
        ("SHA1", HashAlgorithm::Sha1),
        ("sha256", HashAlgorithm::Sha256),
        ("SHA-512", HashAlgorithm::Sha512),
        ("HmacSHA256", HashAlgorithm::Sha256),
    ] {
        assert_eq!(HashAlgorithm::parse(name), Some(alg), "{name}");
    }
    assert_eq!(HashAlgorithm::parse("MD5"), None);
}

/// A second implementation written from RFC 4226 and Steam's published alphabet, sharing no
/// code with the engine, to check it on random accounts.
fn reference_code(p: &OtpParams, counter: u64) -> String {
    fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], msg: &[u8]) -> Vec<u8> {
        let mut m = <M as hmac::digest::KeyInit>::new_from_slice(key).unwrap();
        m.update(msg);
        m.finalize().into_bytes().to_vec()
    }
    let msg = counter.to_be_bytes();
    let key = p.secret.expose();
    let h = match (p.kind, p.algorithm) {
        (OtpKind::Steam, _) | (_, HashAlgorithm::Sha1) => mac::<SimpleHmac<sha1::Sha1>>(key, &msg),
        (_, HashAlgorithm::Sha256) => mac::<SimpleHmac<sha2::Sha256>>(key, &msg),
        (_, HashAlgorithm::Sha512) => mac::<SimpleHmac<sha2::Sha512>>(key, &msg),
    };
    let o = (h[h.len() - 1] & 0xf) as usize;
    let bin = (u32::from(h[o] & 0x7f) << 24)
        | (u32::from(h[o + 1]) << 16)
        | (u32::from(h[o + 2]) << 8)
        | u32::from(h[o + 3]);
    if p.kind == OtpKind::Steam {
        let alphabet = b"23456789BCDFGHJKMNPQRTVWXY";
        let mut v = bin;
        (0..5)
            .map(|_| {
                let c = alphabet[(v % 26) as usize] as char;
                v /= 26;
                c
            })
            .collect()
    } else {
        let m = 10u64.pow(u32::from(p.digits));
        format!(
            "{:0width$}",
            u64::from(bin) % m,
            width = usize::from(p.digits)
        )
    }
}

fn any_params() -> impl Strategy<Value = OtpParams> {
    (
        prop_oneof![
            Just(OtpKind::Totp),
            Just(OtpKind::Hotp),
            Just(OtpKind::Steam)
        ],
        prop_oneof![
            Just(HashAlgorithm::Sha1),
            Just(HashAlgorithm::Sha256),
            Just(HashAlgorithm::Sha512)
        ],
        MIN_DIGITS..=MAX_DIGITS,
        1u32..=300,
        any::<u64>(),
        proptest::collection::vec(any::<u8>(), 1..80),
    )
        .prop_map(
            |(kind, algorithm, digits, period, counter, secret)| OtpParams {
                kind,
                algorithm,
                digits: if kind == OtpKind::Steam { 5 } else { digits },
                period,
                counter: if kind == OtpKind::Hotp {
                    counter >> 1
                } else {
                    0
                },
                secret: Secret::new(secret),
            },
        )
}

proptest! {
    #[test]
    fn engine_matches_independent_implementation(p in any_params(), unix in 0u64..=40_000_000_000) {
        let counter = if p.kind == OtpKind::Hotp { p.counter } else { unix / u64::from(p.period) };
        prop_assert_eq!(p.code_at(unix).unwrap(), reference_code(&p, counter));
    }
}
