use super::*;
use crate::otp::OtpError;
use proptest::prelude::*;

const RFC_SECRET_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"

fn ok(uri: &str) -> Enrollment {
    parse_uri(uri).unwrap_or_else(|e| panic!("{uri}: {e}"))
}

#[test]
fn google_key_uri_example() {
    let e = ok("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example");
    assert_eq!(e.issuer, "Example");
    assert_eq!(e.name, "alice@google.com");
    assert_eq!(e.params.kind, OtpKind::Totp);
    assert_eq!(e.params.digits, 6);
    assert_eq!(e.params.period, 30);
    assert_eq!(e.params.secret.expose(), b"Hello!\xde\xad\xbe\xef");
    assert_eq!(e.warnings, vec![Warning::ShortSecret { bits: 80 }]);
}

#[test]
fn case_insensitive_scheme_keys_and_algorithm() {
    let e = ok(&format!(
        "OTPAUTH://TOTP/ACME%20Co:john.doe%40email.com?SECRET={RFC_SECRET_B32}&Issuer=ACME%20Co&ALGORITHM=sha256&Digits=8&PERIOD=60"
    ));
    assert_eq!(e.issuer, "ACME Co");
    assert_eq!(e.name, "john.doe@email.com");
    assert_eq!(e.params.algorithm, HashAlgorithm::Sha256);
    assert_eq!((e.params.digits, e.params.period), (8, 60));
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
}

#[test]
fn issuer_from_parameter_label_or_neither() {
    assert_eq!(
        ok("otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP&issuer=Corp").issuer,
        "Corp"
    );
    let e = ok("otpauth://totp/Corp%3Abob?secret=JBSWY3DPEHPK3PXP");
    assert_eq!((e.issuer.as_str(), e.name.as_str()), ("Corp", "bob"));
    let e = ok("otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP");
    assert_eq!((e.issuer.as_str(), e.name.as_str()), ("", "bob"));
    let e = ok("otpauth://totp/Old:bob?secret=JBSWY3DPEHPK3PXP&issuer=New");
    assert_eq!(e.issuer, "New");
    assert!(e.warnings.contains(&Warning::IssuerMismatch {
        label: "Old".into(),
        parameter: "New".into()
    }));
}

#[test]
fn forgiving_secret_is_fixed_and_reported() {
    let e = ok("otpauth://totp/x?secret=jbsw y3dp-ehpk 3pxp====");
    assert_eq!(e.params.secret.expose(), b"Hello!\xde\xad\xbe\xef");
    assert!(e.warnings.contains(&Warning::SecretNormalized));
}

#[test]
fn period_zero_defaults_with_warning() {
    let e = ok("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0");
    assert_eq!(e.params.period, 30);
    assert!(e
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::PeriodDefaulted { .. })));
}

#[test]
fn hotp_counter_and_steam_forms() {
    let e = ok(&format!(
        "otpauth://hotp/x?secret={RFC_SECRET_B32}&counter=7"
    ));
    assert_eq!((e.params.kind, e.params.counter), (OtpKind::Hotp, 7));
    assert_eq!(e.params.code_at(0).unwrap(), "162583"); // RFC 4226 count 7
    let e = ok("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP");
    assert!(e.warnings.contains(&Warning::CounterDefaulted));

    let a = ok("otpauth://steam/Steam:gabe?secret=JBSWY3DPEHPK3PXP");
    let b = ok("otpauth://totp/Steam:gabe?secret=JBSWY3DPEHPK3PXP&encoder=steam&digits=6");
    assert_eq!(a.params.kind, OtpKind::Steam);
    assert_eq!(b.params.kind, OtpKind::Steam);
    assert_eq!(b.params.digits, 5);
    assert_eq!(
        a.params.code_at(1_700_000_000).unwrap(),
        b.params.code_at(1_700_000_000).unwrap()
    );
    assert!(a
        .params
        .code_at(0)
        .unwrap()
        .chars()
        .all(|c| "23456789BCDFGHJKMNPQRTVWXY".contains(c)));
}

#[test]
fn refusals_say_why() {
    #[allow(clippy::type_complexity)] // a table of (input, check) reads best inline
    let cases: &[(&str, fn(&EnrollError) -> bool)] = &[
        ("https://example.com", |e| *e == EnrollError::NotOtpauth),
        ("", |e| *e == EnrollError::NotOtpauth),
        ("otpauth://totp/x", |e| *e == EnrollError::MissingSecret),
        ("otpauth://totp/x?secret=", |e| {
            *e == EnrollError::MissingSecret
        }),
        ("otpauth://totp/x?secret=JBSW1Y3D", |e| {
            matches!(e, EnrollError::BadSecret { .. })
        }),
        ("otpauth://totp/x?secret=A", |e| {
            matches!(e, EnrollError::BadSecret { .. })
        }),
        ("otpauth://motp/x?secret=JBSWY3DP", |e| {
            matches!(e, EnrollError::UnknownType { .. })
        }),
        ("otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5", |e| {
            matches!(e, EnrollError::UnknownAlgorithm { .. })
        }),
        ("otpauth://totp/x?secret=JBSWY3DP&digits=3", |e| {
            matches!(e, EnrollError::BadNumber { .. })
        }),
        ("otpauth://totp/x?secret=JBSWY3DP&digits=11", |e| {
            matches!(e, EnrollError::BadNumber { .. })
        }),
        ("otpauth://totp/x?secret=JBSWY3DP&period=-30", |e| {
            matches!(e, EnrollError::BadNumber { .. })
        }),
        (
            "otpauth://totp/x?secret=JBSWY3DP&period=99999999999999999999999",
            |e| matches!(e, EnrollError::BadNumber { .. }),
        ),
        ("otpauth://hotp/x?secret=JBSWY3DP&counter=-1", |e| {
            matches!(e, EnrollError::BadNumber { .. })
        }),
        ("otpauth://totp/%FF%FE?secret=JBSWY3DP", |e| {
            matches!(e, EnrollError::BadLabel { .. })
        }),
    ];
    for (uri, expected) in cases {
        let err = parse_uri(uri).expect_err(uri);
        assert!(expected(&err), "{uri}: got {err:?}");
        let msg = err.to_string();
        assert!(!msg.is_empty() && !msg.contains('\n'), "{uri}: {msg}");
    }
    let huge = format!("otpauth://totp/x?secret={}", "A".repeat(MAX_PAYLOAD_BYTES));
    assert!(matches!(parse_uri(&huge), Err(EnrollError::TooLong { .. })));
    let long_secret = format!("otpauth://totp/x?secret={}", "A".repeat(2000));
    assert!(matches!(
        parse_uri(&long_secret),
        Err(EnrollError::BadSecret { .. }) | Err(EnrollError::Otp(OtpError::SecretTooLong { .. }))
    ));
}

#[test]
fn error_messages_never_contain_the_secret() {
    let err = parse_uri("otpauth://totp/x?secret=SUPERSECRETVALUE1&algorithm=MD5").unwrap_err();
    assert!(!err.to_string().contains("SUPERSECRET"));
}

#[test]
fn format_is_explicit_and_escapes_label() {
    let p = OtpParams::totp(Secret::from_slice(b"12345678901234567890"));
    let uri = format_uri("ACME Co", "a:b@x", &p);
    assert_eq!(
        uri,
        format!("otpauth://totp/ACME%20Co:a%3Ab%40x?secret={RFC_SECRET_B32}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30")
    );
}

fn label_text() -> impl Strategy<Value = String> {
    // Any printable text, including the characters the format has to escape; no leading or
    // trailing spaces (labels are trimmed). ':' may be in the issuer too (fuzzing found that
    // such an issuer, accepted from the issuer parameter, used to cut the name on re-import).
    "[a-zA-Z0-9 @.+&=?#%/:é漢_-]{0,24}".prop_map(|s| s.trim().to_string())
}

fn any_enrollment() -> impl Strategy<Value = (String, String, OtpParams)> {
    (
        label_text(),
        label_text(),
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
        1u32..=MAX_PERIOD_SECONDS,
        any::<u64>(),
        proptest::collection::vec(any::<u8>(), 1..=64),
    )
        .prop_map(
            |(issuer, name, kind, algorithm, digits, period, counter, secret)| {
                let params = OtpParams {
                    kind,
                    algorithm: if kind == OtpKind::Steam {
                        HashAlgorithm::Sha1
                    } else {
                        algorithm
                    },
                    digits: if kind == OtpKind::Steam {
                        STEAM_DIGITS
                    } else {
                        digits
                    },
                    period: if kind == OtpKind::Hotp {
                        DEFAULT_PERIOD_SECONDS
                    } else {
                        period
                    },
                    counter: if kind == OtpKind::Hotp { counter } else { 0 },
                    secret: Secret::new(secret),
                };
                (issuer, name, params)
            },
        )
}

proptest! {
    #[test]
    fn parse_format_is_identity((issuer, name, params) in any_enrollment()) {
        let uri = format_uri(&issuer, &name, &params);
        let back = parse_uri(&uri).map_err(|e| TestCaseError::fail(format!("{uri}: {e}")))?;
        prop_assert_eq!(&back.issuer, &issuer);
        prop_assert_eq!(&back.name, &name);
        prop_assert_eq!(&back.params, &params);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = parse_uri(&s);
        let _ = parse_uri(&format!("otpauth://totp/{s}"));
        let _ = parse_uri(&format!("otpauth://hotp/x?secret=JBSWY3DP&{s}"));
    }
}

/// Fuzzing (fuzz/ target `uri`): an issuer with ':' came in through the issuer parameter, was
/// written into the label by `format_uri`, and on re-import split the label at its colon, so the
/// account name became "//ZQCDY5FME Co:john.doe@email.com".
#[test]
fn regression_issuer_with_colon_survives_format_and_parse() {
    let text = "otpauth://totp/AEME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=AC://ZQCDY5FME%20Co&algorithm=SHA1&digits=6&period=30";
    let e = ok(text);
    assert_eq!(e.issuer, "AC://ZQCDY5FME Co");
    assert_eq!(e.name, "john.doe@email.com");
    let again = ok(&format_uri(&e.issuer, &e.name, &e.params));
    assert_eq!((again.issuer, again.name), (e.issuer, e.name));
}

/// Fuzzing (fuzz/ target `uri`): control characters were refused in the label but accepted in
/// the issuer parameter, so the account was enrolled and its own exported URI was then refused.
#[test]
fn regression_control_characters_in_the_issuer_parameter_are_refused() {
    for issuer in ["A%00B", "A%04B", "%0Aevil", "tab%09"] {
        let text = format!("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer={issuer}");
        assert!(
            matches!(parse_uri(&text), Err(EnrollError::BadLabel { .. })),
            "{issuer}"
        );
    }
}

/// Fuzzing (fuzz/ target `uri`): an HOTP URI with `period=511` kept the period, which HOTP does
/// not use and `format_uri` does not write, so the account changed on export and re-import.
#[test]
fn regression_hotp_period_is_not_kept() {
    let e = ok("otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=3&period=511");
    assert_eq!(e.params.period, DEFAULT_PERIOD_SECONDS);
    let again = ok(&format_uri(&e.issuer, &e.name, &e.params));
    assert_eq!(again.params, e.params);
}
