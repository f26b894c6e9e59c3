//! Seeds for the cargo-fuzz targets in fuzz/: one small valid input per real format, so the
//! fuzzers start past the outer syntax. `cargo test -p kunci --test fuzz_seeds -- --ignored`
//! rewrites fuzz/seeds/; the test that is not ignored proves the committed seeds are still
//! accepted by the code they seed (a format change that orphans a seed fails here, not silently
//! in a fuzzing run that never gets past the header).

mod backup_common;

use std::path::PathBuf;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use backup_common::{accounts, CHEAP_KDF, CHEAP_SCRYPT};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use kunci::testkit::bench::image_to_luma;
use kunci::testkit::{ms_to_short, Packet, MODE_SERVER};
use kunci::{
    check_reply, decode_image, encode_migration, export_aegis, export_aegis_encrypted, format_uri,
    import, parse_payload, render_png, write_backup, AccountDraft, Format, KdfParams, NtpTimestamp,
    OtpParams, ReplyContext, Secret, Vault,
};
use serde_json::{json, Value};

/// The password of every encrypted seed (the fuzz targets pass it).
const PW: &str = "fuzz";
const UTC_MS: i64 = 1_780_000_000_000;
const BOOT_MS: u64 = 5_000_000;
const ORIGIN: u64 = 0x1234_5678_9abc_def0;

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds")
}

fn uris() -> Vec<String> {
    let mut v: Vec<String> = [
        "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
        "otpauth://hotp/Example:alice?secret=jbsw y3dp ehpk 3pxp&counter=7&digits=8&algorithm=SHA256",
        "otpauth://steam/Steam:gabe?secret=JBSWY3DPEHPK3PXP&issuer=Steam",
        "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP====&period=0&algorithm=sha512&digits=10",
    ]
    .map(String::from)
    .to_vec();
    v.extend(
        accounts()
            .iter()
            .take(3)
            .map(|a| format_uri(&a.issuer, &a.name, &a.params)),
    );
    v
}

fn migration_uri() -> String {
    let all = accounts();
    let picked: Vec<(&str, &str, &OtpParams)> = [0usize, 3, 7]
        .iter()
        .map(|&i| (all[i].issuer.as_str(), all[i].name.as_str(), &all[i].params))
        .collect();
    encode_migration(&picked, 42).unwrap().remove(0)
}

fn migration_bytes(uri: &str) -> Vec<u8> {
    let url = url::Url::parse(uri).unwrap();
    let data = url
        .query_pairs()
        .find(|(k, _)| k == "data")
        .unwrap()
        .1
        .into_owned();
    B64.decode(data).unwrap()
}

fn seal_2fas(plain: &[u8], salt: &[u8], iv: [u8; 12]) -> String {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(PW.as_bytes(), salt, 10_000, &mut key);
    let sealed = Aes256Gcm::new(&key.into())
        .encrypt(Nonce::from_slice(&iv), plain)
        .unwrap();
    format!(
        "{}:{}:{}",
        B64.encode(sealed),
        B64.encode(salt),
        B64.encode(iv)
    )
}

fn twofas(encrypted: bool) -> Vec<u8> {
    let services: Vec<Value> = accounts()
        .iter()
        .take(7)
        .map(|a| {
            let p = &a.params;
            let token = format!("{:?}", p.kind).to_uppercase();
            json!({
                "name": a.issuer, "secret": p.secret.to_base32(),
                "otp": {"account": a.name, "issuer": a.issuer, "digits": p.digits,
                        "period": p.period, "counter": p.counter,
                        "algorithm": p.algorithm.as_str(), "tokenType": token},
                "order": {"position": a.position}, "groupId": "g1",
            })
        })
        .collect();
    let mut root = json!({
        "services": services, "groups": [{"id": "g1", "name": "Work"}],
        "schemaVersion": 4, "appVersionCode": 5000009,
    });
    if encrypted {
        let plain = serde_json::to_vec(&root["services"]).unwrap();
        let salt = [7u8; 256];
        root["servicesEncrypted"] = json!(seal_2fas(&plain, &salt, [1; 12]));
        root["reference"] = json!(seal_2fas(b"reference text", &salt, [2; 12]));
        root["services"] = json!([]);
    }
    serde_json::to_vec(&root).unwrap()
}

fn ente_encrypted() -> Vec<u8> {
    use crypto_secretstream::{Key, PushStream, Tag};
    let text: String = uris().iter().map(|u| u.clone() + "\n").collect();
    let salt = [9u8; 16];
    let (mem_limit, ops_limit) = (8192u64, 1u64);
    let mut key = [0u8; 32];
    argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new((mem_limit / 1024) as u32, ops_limit as u32, 1, Some(32)).unwrap(),
    )
    .hash_password_into(PW.as_bytes(), &salt, &mut key)
    .unwrap();
    let (header, mut stream) = PushStream::init(chacha20poly1305::aead::OsRng, &Key::from(key));
    let mut data = text.into_bytes();
    stream.push(&mut data, &[], Tag::Final).unwrap();
    serde_json::to_vec(&json!({
        "version": 1,
        "kdfParams": {"memLimit": mem_limit, "opsLimit": ops_limit, "salt": B64.encode(salt)},
        "encryptedData": B64.encode(data),
        "encryptionNonce": B64.encode(header.as_ref()),
    }))
    .unwrap()
}

/// The `sntp_reply` target's layout: origin, T1, T4, era floor (big-endian u64s), datagram.
fn ntp_seed(p: &Packet) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&ORIGIN.to_be_bytes());
    out.extend_from_slice(&BOOT_MS.to_be_bytes());
    out.extend_from_slice(&(BOOT_MS + 20).to_be_bytes());
    out.extend_from_slice(&kunci::DEFAULT_ERA_FLOOR_UNIX_MS.to_be_bytes());
    out.extend_from_slice(&p.encode());
    out
}

fn ntp_reply(utc: i64) -> Packet {
    Packet {
        leap: 0,
        version: 4,
        mode: MODE_SERVER,
        stratum: 2,
        poll: 0,
        precision: -20,
        root_delay: ms_to_short(10),
        root_dispersion: ms_to_short(5),
        reference_id: [10, 0, 0, 1],
        reference: NtpTimestamp::from_unix_ms(utc - 60_000),
        origin: NtpTimestamp(ORIGIN),
        receive: NtpTimestamp::from_unix_ms(utc),
        transmit: NtpTimestamp::from_unix_ms(utc + 2),
    }
}

fn vault_file() -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("kunci-fuzz-seed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vault.kunci");
    {
        let v = Vault::create(
            &path,
            &Secret::from_slice(PW.as_bytes()),
            KdfParams::INSECURE_FOR_TESTS,
            1_700_000_000,
        )
        .unwrap();
        for a in accounts().into_iter().take(3) {
            v.add(
                AccountDraft {
                    icon: None,
                    ..a.content
                },
                Default::default(),
                1_700_000_000,
            )
            .unwrap();
        }
    }
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    bytes
}

/// The `qr_luma` target's layout: width, height (u16 LE), 4 unused bytes, flags, pixels.
fn luma_seed(png: &[u8], flags: u8) -> Vec<u8> {
    let (luma, w, h) = image_to_luma(png).unwrap();
    let mut out = Vec::new();
    out.extend_from_slice(&u16::try_from(w).unwrap().to_le_bytes());
    out.extend_from_slice(&u16::try_from(h).unwrap().to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.push(flags);
    out.extend_from_slice(&luma);
    out
}

fn all_seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut s: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    for (i, u) in uris().into_iter().enumerate() {
        s.push(("uri", format!("uri-{i}.txt"), u.into_bytes()));
    }
    let mig = migration_uri();
    s.push(("uri", "migration.txt".into(), mig.clone().into_bytes()));
    s.push(("migration", "payload.bin".into(), migration_bytes(&mig)));
    s.push(("migration", "uri.txt".into(), mig.into_bytes()));
    let few: Vec<_> = accounts().into_iter().take(7).collect();
    s.push((
        "import_aegis",
        "plain.json".into(),
        export_aegis(&few).unwrap().to_vec(),
    ));
    s.push((
        "import_aegis",
        "encrypted.json".into(),
        export_aegis_encrypted(&few, PW, &CHEAP_SCRYPT).unwrap(),
    ));
    s.push(("import_2fas", "plain.2fas".into(), twofas(false)));
    s.push(("import_2fas", "encrypted.2fas".into(), twofas(true)));
    s.push(("import_ente", "encrypted.json".into(), ente_encrypted()));
    let plain: String = uris().iter().map(|u| u.clone() + "\n").collect();
    s.push(("import_ente", "plain.txt".into(), plain.into_bytes()));
    s.push((
        "import_kunci",
        "backup.kunci".into(),
        write_backup(&few, PW, &CHEAP_KDF).unwrap(),
    ));
    let png = render_png("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", 1).unwrap();
    s.push(("qr_luma", "frame.bin".into(), luma_seed(&png, 0x00)));
    s.push(("qr_luma", "thorough.bin".into(), luma_seed(&png, 0x40)));
    s.push(("qr_image", "code.png".into(), png));
    s.push((
        "sntp_reply",
        "good.bin".into(),
        ntp_seed(&ntp_reply(UTC_MS)),
    ));
    // 2036-02-07 is where NTP era 0 ends: a reply straddling it.
    let era_edge = (1u64 << 32) as i64 * 1000 - 2_208_988_800_000 - 1;
    s.push((
        "sntp_reply",
        "era-edge.bin".into(),
        ntp_seed(&ntp_reply(era_edge)),
    ));
    let mut kod = ntp_reply(UTC_MS);
    kod.stratum = 0;
    kod.reference_id = *b"RATE";
    s.push(("sntp_reply", "kiss-rate.bin".into(), ntp_seed(&kod)));
    s.push(("vault_open", "three-accounts.kunci".into(), vault_file()));
    s
}

#[test]
#[ignore = "writes fuzz/seeds; run by hand when a format changes"]
fn write_fuzz_seeds() {
    for (target, name, bytes) in all_seeds() {
        let dir = seeds_dir().join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn committed(target: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(seeds_dir().join(target)) else {
        return Vec::new();
    };
    entries
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn committed_fuzz_seeds_are_accepted_by_the_code_they_seed() {
    for (name, b) in committed("uri") {
        parse_payload(std::str::from_utf8(&b).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for (name, b) in committed("migration") {
        let ok = if name.ends_with(".bin") {
            kunci::decode_migration_bytes(&b).is_ok()
        } else {
            kunci::decode_migration(std::str::from_utf8(&b).unwrap()).is_ok()
        };
        assert!(ok, "{name}");
    }
    for (target, format) in [
        ("import_aegis", Format::Aegis),
        ("import_2fas", Format::TwoFas),
        ("import_ente", Format::Ente),
        ("import_kunci", Format::Kunci),
        // Written by the JDK (core/tests/fixtures/freeotp2/MakeBackup.java), copied here.
        ("import_freeotp2", Format::FreeOtp2),
    ] {
        assert!(!committed(target).is_empty(), "no seeds for {target}");
        for (name, b) in committed(target) {
            let batch = import(&b, format, Some(PW)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!batch.accounts.is_empty(), "{target}/{name}");
        }
    }
    for (name, b) in committed("qr_image") {
        assert!(!decode_image(&b).unwrap().is_empty(), "{name}");
    }
    for (name, b) in committed("sntp_reply") {
        let addr = "127.0.0.1:123".parse().unwrap();
        let u = |i: usize| u64::from_be_bytes(b[i..i + 8].try_into().unwrap());
        let ctx = ReplyContext {
            origin: NtpTimestamp(u(0)),
            sent_to: addr,
            received_from: addr,
            t1_boot_ms: u(8),
            t4_boot_ms: u(16),
            era_floor_unix_ms: u(24) as i64,
            max_root_distance_ms: 1000,
            max_rtt_ms: 1000,
        };
        let r = check_reply(&b[32..], &ctx);
        assert_eq!(r.is_ok(), !name.starts_with("kiss"), "{name}: {r:?}");
    }
    for (name, b) in committed("vault_open") {
        let dir = std::env::temp_dir().join(format!("kunci-seed-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v.kunci");
        std::fs::write(&path, &b).unwrap();
        let v = Vault::open_with_passphrase(&path, &Secret::from_slice(PW.as_bytes())).unwrap();
        assert_eq!(v.list().unwrap().accounts.len(), 3, "{name}");
        drop(v);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
