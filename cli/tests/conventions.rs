//! Issue 12 points 5 and 6: the CLI's conventions as a careful new user meets them. One test per
//! finding; each replays what the review typed and shows what it says now.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{refused, stderr, stdout, Scratch, URI};

const PASS: &str = "Gunung-Merapi-pagi-2026!";
/// A Google Authenticator export holding one account (the same sample as cli.rs).
const MIGRATION: &str = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC";

/// `kunci` with a vault and a passphrase in the environment.
fn with_vault(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kunci"))
        .env("KUNCI_VAULT", vault)
        .env("KUNCI_PASSPHRASE", PASS)
        .env("KUNCI_KDF", "insecure-test")
        .env_remove("KUNCI_EXPORT_PASSWORD")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

/// `kunci` with no passphrase anywhere and no terminal: a command that tries to unlock fails
/// with "no terminal", so a different error proves the arguments were checked first.
fn without_passphrase(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kunci"))
        .env("KUNCI_VAULT", vault)
        .env_remove("KUNCI_PASSPHRASE")
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

fn vault_with_an_account(s: &Scratch) -> PathBuf {
    let v = s.path("v.kunci");
    for args in [&["init"][..], &["add", URI][..]] {
        let o = with_vault(&v, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    v
}

#[test]
fn format_choices_are_listed_in_help() {
    let s = Scratch::new("help");
    let export = stdout(&with_vault(&s.path("v"), &["export", "--help"]));
    for choice in ["kunci", "uris", "aegis", "google-qr"] {
        assert!(export.contains(choice), "{choice} in {export}");
    }
    assert!(
        export.to_lowercase().contains("possible values"),
        "{export}"
    );
    let import = stdout(&with_vault(&s.path("v"), &["import", "--help"]));
    for choice in ["auto", "aegis", "2fas", "bitwarden"] {
        assert!(import.contains(choice), "{choice} in {import}");
    }
}

#[test]
fn help_describes_every_argument_the_review_found_bare() {
    let s = Scratch::new("describe");
    let text = |args: &[&str]| stdout(&with_vault(&s.path("v"), args));
    assert!(text(&["code", "--help"]).contains("otpauth:// URI"));
    assert!(text(&["qr", "--help"]).contains("The PNG file to write"));
    assert!(text(&["next", "--help"]).contains("as `kunci list` shows it"));
    let rename = text(&["rename", "--help"]);
    assert!(rename.contains("The new issuer") && rename.contains("The new account name"));
}

#[test]
fn a_bad_format_or_a_missing_picture_is_reported_before_the_unlock() {
    let s = Scratch::new("early");
    let v = s.path("v.kunci");
    let o = without_passphrase(&v, &["export", "--format", "pdf", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("pdf") && !stderr(&o).contains("terminal"),
        "{}",
        stderr(&o)
    );
    let missing = s.path("nope.png");
    let o = without_passphrase(&v, &["add", "--image", missing.to_str().unwrap()]);
    refused(&o, "no such file");
    let o = without_passphrase(&v, &["import", missing.to_str().unwrap()]);
    refused(&o, "no such file");
}

#[test]
fn completions_and_a_man_page_are_generated() {
    let s = Scratch::new("gen");
    let bash = with_vault(&s.path("v"), &["completions", "bash"]);
    assert!(bash.status.success(), "{}", stderr(&bash));
    assert!(stdout(&bash).contains("kunci") && stdout(&bash).contains("complete"));
    let man = with_vault(&s.path("v"), &["man"]);
    assert!(man.status.success(), "{}", stderr(&man));
    assert!(stdout(&man).contains(".TH") && stdout(&man).contains("kunci"));
}

#[test]
fn code_on_a_google_export_says_how_many_accounts_and_what_to_do() {
    let s = Scratch::new("migration");
    let o = with_vault(&s.path("v"), &["code", MIGRATION]);
    refused(&o, "holding 1 account");
    assert!(stderr(&o).contains("kunci inspect") && stderr(&o).contains("kunci add"));
}

#[test]
fn export_uris_with_encrypt_is_refused_not_written_in_clear() {
    let s = Scratch::new("encrypt");
    let v = vault_with_an_account(&s);
    let out = s.path("codes.txt");
    let o = with_vault(
        &v,
        &[
            "export",
            "--format",
            "uris",
            "--encrypt",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    refused(&o, "--encrypt does not apply");
    assert!(!out.exists(), "nothing was written");
}

#[test]
fn bare_kunci_exits_2_with_an_error_line() {
    // No KUNCI_VAULT either: with nothing at all, clap would print its help page instead.
    let o = Command::new(env!("CARGO_BIN_EXE_kunci"))
        .env_remove("KUNCI_VAULT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    refused(&o, "a command is needed");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn scan_errors_are_printed_once() {
    let s = Scratch::new("scan");
    let junk = s.path("junk.png");
    std::fs::write(&junk, b"not a picture").unwrap();
    let o = with_vault(&s.path("v"), &["scan", junk.to_str().unwrap()]);
    // The reason is on the one error line, and nowhere else.
    refused(&o, "junk.png: ");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    // --json keeps the per-file object for scripts.
    let o = with_vault(&s.path("v"), &["--json", "scan", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(v["error"].is_string());
}

#[test]
fn add_replace_says_replaced() {
    let s = Scratch::new("replace");
    let v = vault_with_an_account(&s);
    let reset = URI.replace(
        "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    );
    let o = with_vault(&v, &["add", "--replace", &reset]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("replaced #1"), "{}", stdout(&o));
}

#[test]
fn rename_with_nothing_to_change_is_refused() {
    let s = Scratch::new("rename");
    let v = vault_with_an_account(&s);
    refused(
        &without_passphrase(&v, &["rename", "1"]),
        "nothing to change",
    );
}

#[test]
fn quorum_0_is_refused_before_the_unlock() {
    let s = Scratch::new("quorum");
    let o = without_passphrase(
        &s.path("v.kunci"),
        &["time", "sync", "--ntp", "127.0.0.1:9", "--quorum", "0"],
    );
    refused(&o, "at least 1");
}

#[test]
fn a_negative_at_is_a_sentence_not_an_unknown_argument() {
    let s = Scratch::new("at");
    let o = with_vault(&s.path("v"), &["code", URI, "--at", "-5"]);
    refused(&o, "1970");
}

/// `--vault` is offered by the commands that use the vault and by no other; it works before the
/// command (as always) and after it, where the later one wins.
#[test]
fn vault_is_shown_only_on_commands_that_use_it() {
    let s = Scratch::new("vault-flag");
    let help = |args: &[&str]| {
        let mut all = args.to_vec();
        all.push("--help");
        stdout(&with_vault(&s.path("v"), &all))
    };
    for ignores in [
        &["scan"][..],
        &["inspect"],
        &["qr"],
        &["demo"],
        &["completions"],
        &["man"],
        &["time", "serve"],
    ] {
        let text = help(ignores);
        assert!(!text.is_empty(), "{ignores:?}");
        assert!(!text.contains("--vault"), "{ignores:?}: {text}");
    }
    for uses in [
        &["code"][..],
        &["init"],
        &["add"],
        &["list"],
        &["codes"],
        &["export"],
        &["doctor"],
        &["time", "sync"],
        &["time", "status"],
    ] {
        assert!(help(uses).contains("--vault"), "{uses:?}");
    }
    let v = vault_with_an_account(&s);
    let other = s.path("other.kunci");
    // KUNCI_VAULT names `other` (never created); the flag before or after the command wins.
    for args in [
        &["--vault", v.to_str().unwrap(), "--json", "list"][..],
        &["--json", "list", "--vault", v.to_str().unwrap()],
        &[
            "--vault",
            other.to_str().unwrap(),
            "--json",
            "list",
            "--vault",
            v.to_str().unwrap(),
        ],
    ] {
        let o = with_vault(&other, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("ACME"), "{args:?}: {}", stdout(&o));
    }
    assert!(!other.exists());
}

/// `kunci --json demo` is one JSON line per step, in order, then one saying it is done.
#[test]
fn demo_speaks_json_one_line_per_step() {
    let s = Scratch::new("demo-json");
    let o = with_vault(&s.path("v"), &["--json", "demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let steps: Vec<u64> = lines.iter().filter_map(|l| l["step"].as_u64()).collect();
    assert_eq!(steps, [1, 2, 3, 4, 5, 6, 7], "{lines:?}");
    assert_eq!(lines.last().unwrap()["done"], true);
    // Step 5 is the sync: the three local servers agree; step 6's codes are on synced time.
    assert_eq!(lines[4]["data"]["status"], "synced", "{}", lines[4]);
    assert_eq!(lines[5]["data"]["time_status"], "synced", "{}", lines[5]);
    assert_eq!(lines[5]["data"]["codes"].as_array().unwrap().len(), 3);
    assert_eq!(lines[6]["data"]["codes_identical"], true);
}

/// `kunci --json time serve` says where it listens (and the Roughtime key to pin) as JSON first,
/// and how many requests it answered as JSON last.
#[test]
fn time_serve_speaks_json() {
    let s = Scratch::new("serve-json");
    let o = with_vault(
        &s.path("v"),
        &[
            "--json",
            "time",
            "serve",
            "--roughtime",
            "--listen",
            "127.0.0.1:0",
            "--offset",
            "-90",
            "--duration",
            "1",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let first = &lines[0];
    let addr: std::net::SocketAddr = first["listening"].as_str().unwrap().parse().unwrap();
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{first}");
    assert_eq!(first["protocol"], "roughtime");
    assert_eq!(first["offset_ms"], -90_000);
    let key = kunci::testkit::ServerKeys::from_seed(b"kunci roughtime TEST key, public");
    assert_eq!(
        first["public_key"],
        kunci::public_key_base64(&key.public_key())
    );
    assert_eq!(lines.last().unwrap()["stopped"], true);
    assert_eq!(lines.last().unwrap()["requests"], 0);
}
