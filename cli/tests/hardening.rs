//! Issue 17 (hardening round two) and issue 12's file rules, as a user at a terminal meets them:
//! each test replays what the review did with the CLI and shows it now fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{refused, stderr, Scratch, URI};

const GOOD_PASS: &str = "Gunung-Merapi-pagi-2026!";

fn cmd(vault: &Path, pass: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kunci"));
    c.env("KUNCI_VAULT", vault)
        .env("KUNCI_PASSPHRASE", pass)
        .env("KUNCI_KDF", "insecure-test")
        .env_remove("KUNCI_IMPORT_PASSWORD")
        .env_remove("KUNCI_EXPORT_PASSWORD")
        .stdin(Stdio::null());
    c
}

fn run(vault: &Path, args: &[&str]) -> Output {
    cmd(vault, GOOD_PASS).args(args).output().unwrap()
}

fn ok(vault: &Path, args: &[&str]) -> String {
    let o = run(vault, args);
    assert!(o.status.success(), "kunci {args:?}: {}", stderr(&o));
    String::from_utf8(o.stdout).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

fn vault_with_an_account(s: &Scratch) -> PathBuf {
    let v = s.path("v.kunci");
    ok(&v, &["init"]);
    ok(&v, &["add", URI]);
    v
}

// ----- finding 3: weak secrets ------------------------------------------------------------------

#[test]
fn init_refuses_a_guessable_passphrase() {
    let s = Scratch::new("weak");
    let v = s.path("v.kunci");
    for weak in ["a", "password", "12345678"] {
        let o = cmd(&v, weak).arg("init").output().unwrap();
        refused(&o, "too easy to guess");
        assert!(!v.exists(), "{weak:?} created a vault");
    }
    let o = cmd(&v, "").arg("init").output().unwrap();
    refused(&o, "must not be empty");
    ok(&v, &["init"]);
}

#[test]
fn an_empty_export_password_is_refused() {
    let s = Scratch::new("emptypw");
    let v = vault_with_an_account(&s);
    for (format, extra) in [("kunci", None), ("aegis", Some("--encrypt"))] {
        let out = s.path(&format!("export.{format}"));
        let mut c = cmd(&v, GOOD_PASS);
        c.env("KUNCI_EXPORT_PASSWORD", "").args([
            "export",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        if let Some(e) = extra {
            c.arg(e);
        }
        refused(&c.output().unwrap(), "must not be empty");
        assert!(!out.exists());
    }
}

// ----- finding 4 and issue 12: files --------------------------------------------------------------

#[cfg(unix)]
#[test]
fn the_enrollment_png_and_every_export_are_private() {
    let s = Scratch::new("modes");
    let png = s.path("code.png");
    let o = Command::new(env!("CARGO_BIN_EXE_kunci"))
        .args(["qr", URI, "--out", png.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&png), 0o600, "the PNG holds the secret");

    let v = vault_with_an_account(&s);
    assert_eq!(mode(&v), 0o600, "the vault");
    for f in ["-wal", "-shm"] {
        let p = s.path(&format!("v.kunci{f}"));
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{}", p.display());
        }
    }
    for format in ["uris", "aegis", "google-qr"] {
        let out = s.path(&format!("export-{format}"));
        ok(
            &v,
            &["export", "--format", format, "--out", out.to_str().unwrap()],
        );
        assert_eq!(mode(&out), 0o600, "{format}");
    }
}

#[cfg(unix)]
#[test]
fn exports_and_qr_refuse_to_overwrite_without_force_and_never_follow_links() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new("overwrite");
    let v = vault_with_an_account(&s);
    let out = s.path("export.txt");
    std::fs::write(&out, b"keep me").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    let args = ["export", "--format", "uris", "--out", out.to_str().unwrap()];
    refused(&run(&v, &args), "--force");
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    let mut forced = args.to_vec();
    forced.push("--force");
    ok(&v, &forced);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("otpauth://"));
    assert_eq!(mode(&out), 0o600, "the old file's 0644 was kept");

    // A link planted at the export path: the victim file is never written.
    let victim = s.path("victim");
    std::fs::write(&victim, b"do not touch").unwrap();
    let link = s.path("link.txt");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let args = [
        "export",
        "--format",
        "uris",
        "--out",
        link.to_str().unwrap(),
    ];
    refused(&run(&v, &args), "--force");
    let mut forced = args.to_vec();
    forced.push("--force");
    ok(&v, &forced);
    assert_eq!(std::fs::read(&victim).unwrap(), b"do not touch");
    assert!(!std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());

    // kunci qr the same.
    let png = s.path("code.png");
    std::fs::write(&png, b"old").unwrap();
    let qr = |force: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kunci"));
        c.args(["qr", URI, "--out", png.to_str().unwrap()]);
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    refused(&qr(false), "--force");
    assert_eq!(std::fs::read(&png).unwrap(), b"old");
    assert!(qr(true).status.success());
    assert_eq!(mode(&png), 0o600);
}

#[test]
fn init_with_a_missing_folder_is_refused_not_created_silently() {
    let s = Scratch::new("nofolder");
    let v = s.path("typo/v.kunci");
    refused(&run(&v, &["init"]), "does not exist");
    assert!(!s.path("typo").exists());
}

#[cfg(unix)]
#[test]
fn the_default_folder_kunci_creates_is_private() {
    let s = Scratch::new("xdg");
    let data = s.path("data");
    let o = Command::new(env!("CARGO_BIN_EXE_kunci"))
        .arg("init")
        .env_remove("KUNCI_VAULT")
        .env("XDG_DATA_HOME", &data)
        .env("KUNCI_PASSPHRASE", GOOD_PASS)
        .env("KUNCI_KDF", "insecure-test")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode(&data.join("kunci")), 0o700);
    assert_eq!(mode(&data.join("kunci/vault.kunci")), 0o600);
}

// ----- finding 7 (CLI part): sizes are checked before reading -------------------------------------

#[test]
fn a_huge_sparse_file_is_refused_before_it_is_read() {
    let s = Scratch::new("huge");
    let v = vault_with_an_account(&s);
    let big = s.path("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(2 * 1024 * 1024 * 1024)
        .unwrap();
    refused(&run(&v, &["import", big.to_str().unwrap()]), "too large");
    refused(
        &run(&v, &["add", "--image", big.to_str().unwrap()]),
        "too large",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_kunci"))
        .args(["scan", big.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("too large"), "{}", stderr(&o));
}

// ----- finding 6: terminal injection through imported labels ---------------------------------------

#[test]
fn an_imported_entry_with_escapes_is_refused_alone_and_nothing_raw_reaches_the_terminal() {
    let s = Scratch::new("inject");
    let v = s.path("v.kunci");
    ok(&v, &["init"]);
    let entry = |name: &str, issuer: &str| {
        serde_json::json!({
            "type": "totp", "uuid": "01234567-89ab-cdef-0123-456789abcdef",
            "name": name, "issuer": issuer, "note": "", "icon": null,
            "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 6, "period": 30}
        })
    };
    let file = serde_json::json!({
        "version": 1,
        "header": {"slots": null, "params": null},
        "db": {"version": 2, "entries": [
            entry("alice", "Bank\u{1b}[2J\u{1b}[31m"),
            entry("\u{202E}moc.knab", "Shop"),
            entry("bob", "Good Co"),
        ]}
    });
    let path = s.path("aegis.json");
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
    let o = run(&v, &["import", "--format", "aegis", path.to_str().unwrap()]);
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(o.status.success(), "{all}");
    assert!(
        !all.contains('\u{1b}') && !all.contains('\u{202E}'),
        "{all:?}"
    );
    assert!(
        all.contains("1 added") && all.contains("2 refused"),
        "{all}"
    );
    let list = ok(&v, &["list"]);
    assert!(list.contains("Good Co") && !list.contains("Bank"), "{list}");
}
