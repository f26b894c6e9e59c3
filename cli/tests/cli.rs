//! The `kunci` command line as scripts use it: real processes, exit statuses, stdout and stderr.

use hmac::{Mac, SimpleHmac};
use std::process::Output;

mod common;

fn kunci(args: &[&str]) -> Output {
    common::run(env!("CARGO_BIN_EXE_kunci"), args)
}

/// The whole command line, called directly (what `kunci` hands every call but `code` to).
fn kunci_full(args: &[&str]) -> Output {
    common::run(env!("CARGO_BIN_EXE_kunci-full"), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

const RFC_SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

#[test]
fn code_matches_rfc6238_vectors() {
    let sha256 = data_encoding::BASE32_NOPAD.encode(b"12345678901234567890123456789012");
    let sha512 = data_encoding::BASE32_NOPAD
        .encode(b"1234567890123456789012345678901234567890123456789012345678901234");
    for (t, a, b, c) in [
        ("59", "94287082", "46119246", "90693936"),
        ("1111111109", "07081804", "68084774", "25091201"),
        ("1234567890", "89005924", "91819424", "93441116"),
        ("20000000000", "65353130", "77737706", "47863826"),
    ] {
        for (secret, alg, want) in [
            (RFC_SHA1, "SHA1", a),
            (&sha256, "SHA256", b),
            (&sha512, "SHA512", c),
        ] {
            let uri = format!("otpauth://totp/rfc?secret={secret}&digits=8&algorithm={alg}");
            let o = kunci(&["code", &uri, "--at", t]);
            assert!(o.status.success(), "{}", stderr(&o));
            assert_eq!(stdout(&o), want, "{alg} at {t}");
        }
    }
}

#[test]
fn code_json_has_the_contract_fields() {
    let uri = format!("otpauth://totp/rfc?secret={RFC_SHA1}&digits=8");
    let o = kunci(&["--json", "code", &uri, "--at", "1111111111"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], "14050471");
    assert_eq!(v["valid_from"], 1111111110u64);
    assert_eq!(v["valid_until"], 1111111140u64);
    assert_eq!(v["next"].as_str().unwrap().len(), 8);
}

/// Minimal RFC 4226 implementation sharing nothing with the core, for random accounts.
fn reference(secret: &[u8], alg: &str, digits: u32, counter: u64, steam: bool) -> String {
    let msg = counter.to_be_bytes();
    let h: Vec<u8> = match alg {
        "SHA256" => {
            let mut m = <SimpleHmac<sha2::Sha256> as Mac>::new_from_slice(secret).unwrap();
            m.update(&msg);
            m.finalize().into_bytes().to_vec()
        }
        "SHA512" => {
            let mut m = <SimpleHmac<sha2::Sha512> as Mac>::new_from_slice(secret).unwrap();
            m.update(&msg);
            m.finalize().into_bytes().to_vec()
        }
        _ => {
            let mut m = <SimpleHmac<sha1::Sha1> as Mac>::new_from_slice(secret).unwrap();
            m.update(&msg);
            m.finalize().into_bytes().to_vec()
        }
    };
    let o = (h[h.len() - 1] & 15) as usize;
    let v = u32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]) & 0x7fff_ffff;
    if steam {
        let abc = b"23456789BCDFGHJKMNPQRTVWXY";
        let mut v = v;
        return (0..5)
            .map(|_| {
                let c = abc[(v % 26) as usize] as char;
                v /= 26;
                c
            })
            .collect();
    }
    format!(
        "{:0w$}",
        u64::from(v) % 10u64.pow(digits),
        w = digits as usize
    )
}

#[test]
fn code_matches_an_independent_implementation_on_random_accounts() {
    // A fixed xorshift stream: reproducible "random" accounts of every kind.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..60 {
        let len = 5 + (next() % 40) as usize;
        let secret: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let b32 = data_encoding::BASE32_NOPAD.encode(&secret);
        let alg = ["SHA1", "SHA256", "SHA512"][(next() % 3) as usize];
        let digits = 4 + (next() % 7) as u32;
        let period = 1 + next() % 120;
        let t = next() % 4_000_000_000;
        let (uri, want) = match i % 3 {
            0 => (
                format!("otpauth://totp/r{i}?secret={b32}&algorithm={alg}&digits={digits}&period={period}"),
                reference(&secret, alg, digits, t / period, false),
            ),
            1 => {
                let counter = next() >> 2;
                (
                    format!("otpauth://hotp/r{i}?secret={b32}&algorithm={alg}&digits={digits}&counter={counter}"),
                    reference(&secret, alg, digits, counter, false),
                )
            }
            _ => (
                format!("otpauth://steam/r{i}?secret={b32}"),
                reference(&secret, "SHA1", 5, t / 30, true),
            ),
        };
        let o = kunci(&["code", &uri, "--at", &t.to_string()]);
        assert!(o.status.success(), "{uri}: {}", stderr(&o));
        assert_eq!(stdout(&o), want, "{uri} at {t}");
    }
}

#[test]
fn malformed_uris_exit_2_with_one_clear_line() {
    for uri in [
        "",
        "hello",
        "https://example.com/?secret=JBSWY3DP",
        "otpauth://totp/x",
        "otpauth://totp/x?secret=!!!",
        "otpauth://totp/x?secret=JBSWY3DP&digits=12",
        "otpauth://totp/x?secret=JBSWY3DP&digits=abc",
        "otpauth://totp/x?secret=JBSWY3DP&period=-5",
        "otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5",
        "otpauth://xotp/x?secret=JBSWY3DP",
        "otpauth://hotp/x?secret=JBSWY3DP&counter=18446744073709551616",
        "otpauth-migration://offline?data=garbage",
    ] {
        for cmd in ["code", "inspect"] {
            let o = kunci(&[cmd, uri]);
            assert_eq!(o.status.code(), Some(2), "{cmd} {uri:?}");
            let err = stderr(&o);
            assert_eq!(err.lines().count(), 1, "{cmd} {uri:?}: {err}");
            assert!(err.starts_with("error: "), "{err}");
            assert!(!err.contains("panicked"), "{err}");
            assert!(o.stdout.is_empty());
        }
    }
    let o = kunci(&["code"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}

/// `kunci code URI` is answered by `kunci` itself, without clap (start-up, docs/benchmarks.md);
/// `kunci-full code URI` is the same call through clap. Both must print and exit alike, for good
/// and bad URIs.
#[test]
fn the_plain_code_call_answers_as_the_parsed_one() {
    for uri in [
        // HOTP: the code does not depend on the time, so the two runs agree byte for byte.
        format!("otpauth://hotp/x?secret={RFC_SHA1}&counter=7"),
        "otpauth://hotp/x?secret=JBSWY3DP".to_string(),
        "otpauth://totp/x?secret=not base32!".to_string(),
        "https://example.org/".to_string(),
        "otpauth-migration://offline?data=garbage".to_string(),
    ] {
        let plain = kunci(&["code", &uri]);
        let parsed = kunci_full(&["code", &uri]);
        assert_eq!(plain.status.code(), parsed.status.code(), "{uri}");
        assert_eq!(plain.stdout, parsed.stdout, "{uri}");
        assert_eq!(stderr(&plain), stderr(&parsed), "{uri}");
    }
    // RFC 4226's value for counter 7, so the comparison above is not between two failures.
    let hotp = kunci(&[
        "code",
        &format!("otpauth://hotp/x?secret={RFC_SHA1}&counter=7"),
    ]);
    assert_eq!(stdout(&hotp), "162583");
    // TOTP: the same warning about the unverified clock, and a code of the same shape (the two
    // runs may straddle a 30-second step, so the digits themselves are not compared).
    let uri = format!("otpauth://totp/x?secret={RFC_SHA1}");
    let (plain, parsed) = (kunci(&["code", &uri]), kunci_full(&["code", &uri]));
    assert_eq!(plain.status.code(), Some(0));
    assert_eq!(parsed.status.code(), Some(0));
    assert_eq!(stderr(&plain), stderr(&parsed));
    assert!(
        stderr(&plain).contains("has not verified"),
        "{}",
        stderr(&plain)
    );
    for o in [&plain, &parsed] {
        let code = stdout(o);
        assert!(
            code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
            "{code}"
        );
    }
}

#[test]
fn inspect_hides_the_secret_and_lists_migration_accounts() {
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let o = kunci(&[
        "--json",
        "inspect",
        &format!("otpauth://totp/A:b?secret={secret}"),
    ]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(!text.contains(secret) && !text.contains("JBSWY3DP"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["accounts"][0]["issuer"], "A");
    assert_eq!(v["accounts"][0]["kind"], "totp");

    let sample = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC";
    let v: serde_json::Value =
        serde_json::from_slice(&kunci(&["--json", "inspect", sample]).stdout).unwrap();
    assert_eq!(v["accounts"][0]["account"], "alice@google.com");
    assert_eq!(v["batch"]["size"], 1);
}

#[test]
fn qr_then_scan_round_trips_and_scan_reports_per_file() {
    let dir = std::env::temp_dir().join(format!("kunci-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("code.png");
    let uri =
        "otpauth://totp/ACME:jo@example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME";
    let o = kunci(&["qr", uri, "--out", png.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    let junk = dir.join("junk.png");
    std::fs::write(&junk, b"not an image at all").unwrap();
    let o = kunci(&[
        "--json",
        "scan",
        png.to_str().unwrap(),
        junk.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "an unreadable file is bad input");
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["texts"][0], uri);
    assert_eq!(lines[0]["error"], serde_json::Value::Null);
    assert!(lines[0]["bytes_hex"][0]
        .as_str()
        .unwrap()
        .starts_with("6f7470617574683a2f2f"));
    assert!(lines[1]["error"].is_string());

    let o = kunci(&["qr", "not a uri", "--out", png.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn demo_runs_offline() {
    let o = kunci(&["demo"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("Done"));
}

#[test]
fn scan_never_prints_a_panic_for_a_photo_that_trips_a_decoder() {
    // rqrr panics on this real photo; the core catches it and must keep stderr clean.
    let photo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/data/qr/zxing-qrcode-6/7.png"
    );
    let o = kunci(&["--json", "scan", photo]);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert!(matches!(o.status.code(), Some(0) | Some(1)));
}

/// Several pictures decode on several threads, yet the lines come out in the order the files
/// were given, exactly as one thread prints them (results, no-code lines and errors alike).
#[test]
fn scan_on_several_threads_keeps_the_order_of_the_files() {
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/data/qr/zxing-qrcode-1"
    );
    let mut files: Vec<String> = std::fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "jpg"))
        .map(|p| p.to_str().unwrap().to_owned())
        .collect();
    files.sort();
    files.truncate(12);
    // A file that is not a picture, in the middle: its error line keeps its place too.
    files.insert(5, "/nonexistent/picture.png".to_owned());
    let run = |jobs: &str| {
        let mut args = vec!["--json", "scan", "--jobs", jobs];
        args.extend(files.iter().map(String::as_str));
        let o = kunci(&args);
        assert_eq!(o.status.code(), Some(2), "one file cannot be read");
        stdout(&o)
    };
    let one = run("1");
    assert_eq!(one.lines().count(), files.len());
    for (line, file) in one.lines().zip(&files) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["file"], file.as_str());
    }
    assert_eq!(run("3"), one);
}
