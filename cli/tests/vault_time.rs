//! The vault and time commands as QA scripts use them: real `kunci` processes on throwaway
//! vaults, local NTP servers (`kunci time serve`) on 127.0.0.1, and libfaketime for a wall clock
//! that moves while the boot clock does not.

use hmac::{Mac, SimpleHmac};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const URI_A: &str =
    "otpauth://totp/ACME:jo@example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME";
const RFC_HOTP: &str = "otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3";

struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("kunci-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    fn vault(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn cmd(vault: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kunci"));
    c.env("KUNCI_VAULT", vault)
        .env("KUNCI_PASSPHRASE", "vault pass")
        .env("KUNCI_KDF", "insecure-test")
        .env_remove("KUNCI_IMPORT_PASSWORD")
        .env_remove("KUNCI_EXPORT_PASSWORD")
        .stdin(Stdio::null());
    c
}

fn run(vault: &Path, args: &[&str]) -> Output {
    cmd(vault).args(args).output().unwrap()
}

fn ok(vault: &Path, args: &[&str]) -> String {
    let o = run(vault, args);
    assert!(
        o.status.success(),
        "kunci {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn json(vault: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(vault, &all)).unwrap()
}

fn one_error_line(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

fn totp_sha1(secret: &[u8], unix: u64) -> String {
    let mut m = <SimpleHmac<sha1::Sha1> as Mac>::new_from_slice(secret).unwrap();
    m.update(&(unix / 30).to_be_bytes());
    let h = m.finalize().into_bytes();
    let o = (h[19] & 15) as usize;
    let v = u32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]) & 0x7fff_ffff;
    format!("{:06}", v % 1_000_000)
}

fn wall_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn init_add_list_codes_next_rename_remove() {
    let s = Scratch::new("crud");
    let v = s.vault("v.kunci");
    ok(&v, &["init"]);
    // A second init must not overwrite the vault.
    assert_eq!(run(&v, &["init"]).status.code(), Some(2));
    ok(&v, &["add", URI_A]);
    ok(&v, &["add", RFC_HOTP]);

    let list = json(&v, &["list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["issuer"], "ACME");
    assert_eq!(list[0]["account"], "jo@example.org");
    assert_eq!(list[1]["kind"], "hotp");
    assert_eq!(list[1]["counter"], 3);
    assert!(!list.to_string().contains("JBSWY3DP"), "no secret in list");

    let codes = json(&v, &["codes", "--at", "1111111111"]);
    let secret = data_encoding::BASE32_NOPAD
        .decode(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        .unwrap();
    assert_eq!(codes["codes"][0]["code"], totp_sha1(&secret, 1111111111));
    assert_eq!(codes["codes"][0]["valid_until"], 1111111140u64);
    assert_eq!(codes["codes"][1]["code"], "969429"); // RFC 4226 count 3
    assert_eq!(codes["codes"][1]["next"], "338314");
    for key in ["status", "offset_ms", "uncertainty_ms"] {
        assert!(codes["time"].get(key).is_some(), "{key}");
    }

    // HOTP: next moves the counter, shows the new code, and it sticks.
    assert_eq!(ok(&v, &["next", "2"]).trim(), "338314");
    assert_eq!(
        json(&v, &["codes", "--at", "0"])["codes"][1]["code"],
        "338314"
    );

    // The same issuer and account again: a conflict the user resolves.
    let dup = run(&v, &["add", URI_A]);
    assert_eq!(dup.status.code(), Some(2));
    assert!(one_error_line(&dup).contains("--replace"));
    ok(
        &v,
        &[
            "add",
            "--replace",
            &URI_A.replace("JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ"),
        ],
    );
    assert_eq!(json(&v, &["list"]).as_array().unwrap().len(), 2);
    ok(&v, &["add", "--keep-both", URI_A]);
    assert_eq!(json(&v, &["list"]).as_array().unwrap().len(), 3);

    ok(&v, &["rename", "1", "--issuer", "ACME Corp"]);
    assert_eq!(json(&v, &["list"])[0]["issuer"], "ACME Corp");
    ok(&v, &["remove", "3"]);
    assert_eq!(json(&v, &["list"]).as_array().unwrap().len(), 2);
    assert_eq!(run(&v, &["remove", "99"]).status.code(), Some(2));
}

#[test]
fn wrong_passphrase_and_missing_vault_are_one_line_errors() {
    let s = Scratch::new("pass");
    let v = s.vault("v.kunci");
    let missing = run(&v, &["list"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(one_error_line(&missing).contains("kunci init"));
    ok(&v, &["init"]);
    let o = cmd(&v)
        .env("KUNCI_PASSPHRASE", "not it")
        .args(["codes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(one_error_line(&o).contains("passphrase is wrong"));
}

#[test]
fn add_from_a_qr_image() {
    let s = Scratch::new("image");
    let v = s.vault("v.kunci");
    let png = s.dir.join("enroll.png");
    ok(&v, &["qr", URI_A, "--out", png.to_str().unwrap()]);
    ok(&v, &["init"]);
    let added = json(&v, &["add", "--image", png.to_str().unwrap()]);
    assert_eq!(added["added"][0]["issuer"], "ACME");
    let junk = s.dir.join("junk.png");
    std::fs::write(&junk, b"no picture").unwrap();
    let o = run(&v, &["add", "--image", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    one_error_line(&o);
}

#[test]
fn export_and_import_round_trip_every_cli_format() {
    let s = Scratch::new("export");
    let a = s.vault("a.kunci");
    ok(&a, &["init"]);
    ok(&a, &["add", URI_A]);
    ok(&a, &["add", RFC_HOTP]);
    ok(&a, &["add", "otpauth://totp/Wide?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&algorithm=SHA512&period=60"]);
    let before = json(&a, &["codes", "--at", "1700000000"]);

    let backup = s.dir.join("backup.kunci");
    let o = cmd(&a)
        .env("KUNCI_EXPORT_PASSWORD", "export pw")
        .args([
            "export",
            "--format",
            "kunci",
            "--out",
            backup.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let uris = s.dir.join("uris.txt");
    let o = run(
        &a,
        &[
            "export",
            "--format",
            "uris",
            "--out",
            uris.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("NOT encrypted"));
    let aegis = s.dir.join("aegis.json");
    ok(
        &a,
        &[
            "export",
            "--format",
            "aegis",
            "--out",
            aegis.to_str().unwrap(),
        ],
    );

    let twofas = s.dir.join("backup.2fas");
    ok(
        &a,
        &[
            "export",
            "--format",
            "2fas",
            "--out",
            twofas.to_str().unwrap(),
        ],
    );
    let twofas_enc = s.dir.join("encrypted.2fas");
    let o = cmd(&a)
        .env("KUNCI_EXPORT_PASSWORD", "export pw")
        .args([
            "export",
            "--format",
            "2fas",
            "--encrypt",
            "--out",
            twofas_enc.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // One QR picture per account, scanned back by `import` (issue 15 point 4).
    let qr = s.dir.join("account.png");
    let files = json(
        &a,
        &["export", "--format", "qr", "--out", qr.to_str().unwrap()],
    );
    let pngs: Vec<String> = files["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    assert_eq!(pngs.len(), 3, "one picture per account");
    let q = s.vault("q.kunci");
    ok(&q, &["init"]);
    let mut args = vec!["import"];
    args.extend(pngs.iter().map(String::as_str));
    assert_eq!(json(&q, &args)["added"], 3);
    assert_eq!(
        json(&q, &["codes", "--at", "1700000000"])["codes"],
        before["codes"]
    );

    for (file, password) in [
        (&backup, Some("export pw")),
        (&uris, None),
        (&aegis, None),
        (&twofas, None),
        (&twofas_enc, Some("export pw")),
    ] {
        let b = s.vault(&format!(
            "b-{}.kunci",
            file.file_name().unwrap().to_string_lossy()
        ));
        ok(&b, &["init"]);
        let mut c = cmd(&b);
        if let Some(pw) = password {
            c.env("KUNCI_IMPORT_PASSWORD", pw);
        }
        let o = c
            .args(["--json", "import", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{file:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["added"], 3, "{file:?}");
        let after = json(&b, &["codes", "--at", "1700000000"]);
        let codes = |v: &serde_json::Value| -> Vec<String> {
            v["codes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["code"].to_string())
                .collect()
        };
        assert_eq!(codes(&after), codes(&before), "{file:?}");
        // Importing again adds nothing: every entry is a duplicate.
        let again = cmd(&b)
            .envs(password.map(|p| ("KUNCI_IMPORT_PASSWORD", p)))
            .args(["--json", "import", file.to_str().unwrap()])
            .output()
            .unwrap();
        let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(again["duplicates"], 3, "{file:?}");
    }

    // An encrypted backup without its password: a clear error, not a hang on a prompt.
    let c = s.vault("c.kunci");
    ok(&c, &["init"]);
    let o = run(&c, &["import", backup.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    one_error_line(&o);
}

#[test]
fn google_qr_export_scans_back() {
    let s = Scratch::new("google");
    let v = s.vault("v.kunci");
    ok(&v, &["init"]);
    for i in 0..12 {
        ok(
            &v,
            &[
                "add",
                &format!(
                    "otpauth://totp/Site{i}:u?secret=JBSWY3DPEHPK3PX{}",
                    (b'A' + i) as char
                ),
            ],
        );
    }
    let out = s.dir.join("export.png");
    let files = json(
        &v,
        &[
            "export",
            "--format",
            "google-qr",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let files: Vec<String> = files["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    assert_eq!(files.len(), 2, "12 accounts: two QR codes of at most 10");
    let mut accounts = 0;
    for f in &files {
        let scan = json(&v, &["scan", f]);
        let text = scan["texts"][0].as_str().unwrap().to_string();
        let inspect = json(&v, &["inspect", &text]);
        accounts += inspect["accounts"].as_array().unwrap().len();
        assert_eq!(inspect["batch"]["size"], 2);
    }
    assert_eq!(accounts, 12);

    // `import` takes the pictures back (issue 15 point 5), in any order, and names the format.
    let w = s.vault("w.kunci");
    ok(&w, &["init"]);
    let mut args = vec!["import"];
    args.extend(files.iter().rev().map(String::as_str));
    let report = json(&w, &args);
    assert_eq!(report["added"], 12);
    assert_eq!(report["formats"], serde_json::json!(["qr-image"]));
    // (Each 80-bit test secret has its own "short secret" warning; none is missing.)
    let warnings = report["warnings"].to_string();
    assert!(!warnings.contains("missing"), "{warnings}");
    let codes = |v: &Path| json(v, &["codes", "--at", "1700000000"])["codes"].clone();
    assert_eq!(codes(&w), codes(&v));
    // One picture of the two: its accounts, and a warning naming the missing code.
    let x = s.vault("x.kunci");
    ok(&x, &["init"]);
    let report = json(&x, &["import", &files[0]]);
    assert_eq!(report["added"], 10);
    assert!(report["warnings"].to_string().contains("missing"));
}

#[test]
fn import_lists_every_format_without_a_vault() {
    let s = Scratch::new("formats");
    let o = run(
        &s.vault("none.kunci"),
        &["--json", "import", "--list-formats"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    for want in [
        "kunci",
        "aegis",
        "2fas",
        "andotp",
        "bitwarden-csv",
        "stratum",
        "google-db",
        "qr-image",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .all(|r| !r["keeps"].as_str().unwrap().is_empty()));
}

/// `kunci time serve` children, killed when dropped.
struct Servers(Vec<Child>, Vec<String>);

impl Servers {
    fn start(offset: &str, n: usize) -> Servers {
        let mut children = Vec::new();
        let mut names = Vec::new();
        for _ in 0..n {
            // Pick a free port, then hand it to the server (a tiny race we accept in tests).
            let port = std::net::UdpSocket::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let addr = format!("127.0.0.1:{port}");
            let child = Command::new(env!("CARGO_BIN_EXE_kunci"))
                .args([
                    "time",
                    "serve",
                    "--listen",
                    &addr,
                    "--offset",
                    offset,
                    "--duration",
                    "60",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            children.push(child);
            names.push(addr);
        }
        std::thread::sleep(Duration::from_millis(300)); // let them bind
        Servers(children, names)
    }

    fn args(&self) -> Vec<String> {
        self.1
            .iter()
            .flat_map(|n| ["--ntp".to_string(), n.clone()])
            .collect()
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

const LIBFAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

/// The code `kunci codes` shows must be the code of real time + 90 s (within the step that
/// contains it: we accept the step of either instant around the call).
fn assert_codes_at_offset(v: &Path, cmd_env: &[(&str, &str)], offset: u64) {
    let secret = data_encoding::BASE32_NOPAD
        .decode(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        .unwrap();
    let before = wall_now() + offset;
    let o = cmd(v)
        .envs(cmd_env.iter().copied())
        .args(["--json", "codes"])
        .output()
        .unwrap();
    let after = wall_now() + offset;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let codes: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(codes["time"]["status"], "synced", "{codes}");
    let got = codes["codes"][0]["code"].as_str().unwrap().to_string();
    let expected = [totp_sha1(&secret, before), totp_sha1(&secret, after)];
    assert!(
        expected.contains(&got),
        "got {got}, expected one of {expected:?}"
    );
}

#[test]
fn time_sync_then_codes_follow_real_time_even_when_the_wall_clock_moves() {
    assert!(
        Path::new(LIBFAKETIME).exists(),
        "libfaketime is needed for this test: apt-get install faketime (scripts/test does)"
    );
    let s = Scratch::new("time");
    let v = s.vault("v.kunci");
    ok(&v, &["init"]);
    ok(&v, &["add", URI_A]);
    let status = json(&v, &["time", "status"]);
    assert_eq!(status["status"], "unverified");
    for key in ["status", "offset_ms", "uncertainty_ms", "last_sync"] {
        assert!(status.get(key).is_some(), "{key} in {status}");
    }

    let servers = Servers::start("90", 3);
    let mut args = vec!["time", "sync"];
    let server_args = servers.args();
    args.extend(server_args.iter().map(String::as_str));
    let report = json(&v, &args);
    assert_eq!(report["status"], "synced", "{report}");
    assert_eq!(report["agreeing"], 3);
    assert_eq!(report["responded"], 3);
    let offset = report["offset_ms"].as_i64().unwrap();
    assert!((offset - 90_000).abs() <= 500, "offset {offset}");
    drop(servers);

    assert_codes_at_offset(&v, &[], 90);
    // The wall clock jumps by hours (user fiddling, emulator snapshot); the boot clock does not.
    for shift in ["+3h", "-5h"] {
        let env = [
            ("LD_PRELOAD", LIBFAKETIME),
            ("FAKETIME", shift),
            ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
            ("FAKETIME_DONT_RESET", "1"),
        ];
        assert_codes_at_offset(&v, &env, 90);
        let o = cmd(&v)
            .envs(env)
            .args(["--json", "time", "status"])
            .output()
            .unwrap();
        let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let reported = st["offset_ms"].as_i64().unwrap();
        let hours: i64 = if shift == "+3h" { 3 } else { -5 };
        let expected = 90_000 - hours * 3_600_000;
        assert!(
            (reported - expected).abs() < 2_000,
            "{shift}: offset {reported}"
        );
    }
}

#[test]
fn sync_without_an_answer_fails_fast_and_codes_keep_working() {
    let s = Scratch::new("offline");
    let v = s.vault("v.kunci");
    ok(&v, &["init"]);
    ok(&v, &["add", URI_A]);
    // A bound socket that never answers: the silent server the timeout exists for.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let started = std::time::Instant::now();
    let o = run(&v, &["time", "sync", "--ntp", &addr]);
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "not verified");
    assert!(String::from_utf8_lossy(&o.stderr).contains("error: "));
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert!(run(&v, &["codes"]).status.success());
}
