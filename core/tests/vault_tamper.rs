//! Random byte flips in a copy of a vault file: whatever is damaged, the vault never shows a
//! wrong code. Opening may fail, a row may fail, but every account it does show has exactly the
//! issuer, name and code it had before. (A flip that changed a code silently would send the user
//! to a portal with a wrong code and no hint why; the sealing must make that impossible.)

mod vault_common;

use std::collections::HashMap;

use kunci::{AccountDraft, HashAlgorithm, OnConflict, OtpParams, Secret, Vault};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use vault_common::*;

const AT: u64 = 1_700_000_000;

/// (issuer, name, code at `AT`) by id, for a closed vault of varied accounts.
fn known_vault(dir: &TempDir) -> HashMap<i64, (String, String, String)> {
    let v = new_vault(dir);
    let mut params = vec![
        OtpParams::totp(Secret::from_slice(b"12345678901234567890")),
        OtpParams::hotp(Secret::from_slice(b"abcdefghijabcdefghij"), 9),
        OtpParams::steam(Secret::from_slice(b"steam-secret-bytes")),
    ];
    let mut sha512 = OtpParams::totp(Secret::from_slice(&[7u8; 64]));
    sha512.algorithm = HashAlgorithm::Sha512;
    sha512.digits = 8;
    sha512.period = 60;
    params.push(sha512);
    let drafts = params
        .into_iter()
        .enumerate()
        .map(|(i, params)| AccountDraft {
            issuer: format!("Issuer {i}"),
            name: format!("user{i}@example.com"),
            params,
            notes: "n".repeat(i * 10),
            group: (i % 2 == 0).then(|| "Work".to_string()),
            icon: None,
        })
        .collect();
    let added = v.add_all(drafts, OnConflict::Reject, NOW).unwrap();
    let known = added
        .iter()
        .map(|a| {
            (
                a.id,
                (
                    a.issuer.clone(),
                    a.name.clone(),
                    a.params.code_at(AT).unwrap(),
                ),
            )
        })
        .collect();
    drop(v);
    known
}

/// Offsets of the sealed blobs in the file, where flips are most interesting.
fn blob_ranges(path: &std::path::Path, bytes: &[u8]) -> Vec<(usize, usize)> {
    let conn = raw(path);
    let mut stmt = conn.prepare("SELECT sealed FROM accounts").unwrap();
    let blobs: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    blobs
        .iter()
        .filter_map(|b| {
            bytes
                .windows(b.len())
                .position(|w| w == b.as_slice())
                .map(|at| (at, at + b.len()))
        })
        .collect()
}

#[test]
fn random_byte_flips_never_give_a_wrong_code() {
    let dir = TempDir::new("tamper");
    let known = known_vault(&dir);
    let original = std::fs::read(dir.vault()).unwrap();
    let ranges = blob_ranges(&dir.vault(), &original);
    assert_eq!(ranges.len(), known.len(), "every blob is in the main file");

    let mut rng = StdRng::seed_from_u64(0x6b756e6369);
    let (mut opened, mut shown, mut row_failures) = (0, 0, 0);
    for round in 0..300 {
        let mut bytes = original.clone();
        for _ in 0..rng.random_range(1..=4) {
            // A third of the flips inside a sealed blob, the rest anywhere in the file.
            let at = if rng.random_bool(1.0 / 3.0) {
                let (s, e) = ranges[rng.random_range(0..ranges.len())];
                rng.random_range(s..e)
            } else {
                rng.random_range(0..bytes.len())
            };
            bytes[at] ^= rng.random_range(1..=255u8);
        }
        let case = TempDir::new("tamper-case");
        std::fs::write(case.vault(), &bytes).unwrap();
        let Ok(v) = Vault::open_with_passphrase(case.vault(), &pass()) else {
            continue;
        };
        opened += 1;
        let Ok(list) = v.list() else {
            continue;
        };
        row_failures += list.failures.len();
        for a in &list.accounts {
            let Some((issuer, name, code)) = known.get(&a.id) else {
                panic!("round {round}: an account {} appeared from nowhere", a.id);
            };
            assert_eq!(&a.issuer, issuer, "round {round}");
            assert_eq!(&a.name, name, "round {round}");
            if let Ok(got) = a.params.code_at(AT) {
                assert_eq!(&got, code, "round {round}: a wrong code for {issuer}");
            }
            shown += 1;
        }
    }
    // The test must exercise both outcomes, or it proves nothing.
    assert!(opened > 50, "only {opened} damaged copies opened");
    assert!(shown > 100, "only {shown} accounts shown");
    assert!(row_failures > 0, "no flip ever hit a sealed row");
}
