//! Issue 12 point 3: an importer refuses one bad entry with a typed reason, and the report shows
//! that reason as a sentence a person can act on; the good entries of the same file still import.

use kunci::{import, Format};
use serde_json::json;

/// 20 secret bytes as FreeOTP+ writes them (a JSON list of signed bytes).
fn secret() -> serde_json::Value {
    json!([
        72, 101, 108, 108, 111, 33, -34, -83, -66, -17, 72, 101, 108, 108, 111, 33, -34, -83, -66,
        -17
    ])
}

#[test]
fn each_bad_entry_is_refused_with_its_own_sentence() {
    let token = |issuer: &str, extra: serde_json::Value| {
        let mut t = json!({ "issuerExt": issuer, "label": "jo", "secret": secret() });
        for (k, v) in extra.as_object().unwrap() {
            t[k] = v.clone();
        }
        t
    };
    let file = json!({
        "tokenOrder": [],
        "tokens": [
            token("Good", json!({ "type": "TOTP", "algo": "SHA1", "digits": 6, "period": 30 })),
            token("Motp", json!({ "type": "MOTP" })),
            token("Max", json!({ "type": "HOTP", "counter": u64::MAX })),
            token("Digits", json!({ "type": "TOTP", "digits": 300 })),
            token("Algo", json!({ "type": "TOTP", "algo": "MD5" })),
            token("Period", json!({ "type": "TOTP", "period": "soon" })),
            { "type": "TOTP", "issuerExt": "Bare", "label": "jo" },
        ],
    });
    let batch = import(
        serde_json::to_vec(&file).unwrap().as_slice(),
        Format::FreeOtpPlus,
        None,
    )
    .unwrap();
    assert_eq!(batch.accounts.len(), 1, "{:?}", batch.refused);
    assert_eq!(batch.accounts[0].issuer, "Good");
    let reasons: Vec<(&str, &str)> = batch
        .refused
        .iter()
        .map(|r| (r.label.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("Motp: jo", "the code type \"MOTP\" is not supported"),
            ("Max: jo", "the counter is at its maximum"),
            (
                "Digits: jo",
                "codes of 300 digits are not supported (use 4 to 10)"
            ),
            (
                "Algo: jo",
                "the algorithm \"MD5\" is not supported (use SHA1, SHA256 or SHA512)"
            ),
            ("Period: jo", "\"period\" is not a whole number"),
            ("Bare: jo", "the entry has no secret"),
        ]
    );
}
