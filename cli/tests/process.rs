//! How a `kunci` process starts and ends: `kunci` handing calls to `kunci-full`, and standard
//! streams that are unusual (a reader that goes away, descriptors that were closed). On GNU/Linux
//! both executables start without the standard runtime's set-up (cli/src/entry.rs), which did
//! some of this before.

use std::process::{Command, Stdio};

mod common;
use common::{run, stderr, Scratch, URI};

const KUNCI: &str = env!("CARGO_BIN_EXE_kunci");
const FULL: &str = env!("CARGO_BIN_EXE_kunci-full");
/// An HOTP account: its code does not depend on the time, so two runs agree byte for byte.
const HOTP: &str = "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=7";

/// Every call gets the same answer from `kunci` as from `kunci-full`: the code calls that
/// `kunci` answers itself (each form it accepts, and the near misses it must hand over), and the
/// other calls (help, a bad command, a failure with its exit status, standard input).
#[test]
fn kunci_answers_as_kunci_full() {
    let calls: &[&[&str]] = &[
        &["code", HOTP],
        &["code", "otpauth://totp/x?secret=1"],
        &["code", "https://example.org/"],
        &["code", "otpauth-migration://offline?data=garbage"],
        &["code", ""],
        &["code", "help"],
        &["--json", "code", HOTP],
        &["code", HOTP, "--json"],
        &["code", "--json", "--at", "59", URI],
        &["code", "--at=59", URI],
        &["code", URI, "--at", "1111111109"],
        &["code", "--at", "007", URI],
        &["code", "--at", "+59", URI],
        &["code", "--", HOTP],
        &["code", "--", "-x"],
        &["code", "--at", "-1", URI],
        &["code", "--at", "1e3", URI],
        &["code", "--at"],
        &["code", "--at", "1", "--at", "2", URI],
        &["--json", "--json", "code", HOTP],
        &["--at", "1", "code", URI],
        &["code", HOTP, HOTP],
        &["code", "--json=true", HOTP],
        &["code", "-h"],
        &["code"],
        &["--version"],
        &["--help"],
        &["inspect", URI],
        &["nonsense"],
        &["scan", "/nonexistent/kunci-process-test.png"],
    ];
    for args in calls {
        let (front, full) = (run(KUNCI, args), run(FULL, args));
        assert_eq!(front.status.code(), full.status.code(), "{args:?}");
        assert_eq!(front.stdout, full.stdout, "{args:?}");
        assert_eq!(stderr(&front), stderr(&full), "{args:?}");
    }
    let piped = |exe: &str| {
        let mut child = Command::new(exe)
            .args(["code", "-"])
            .env_remove("KUNCI_VAULT")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{HOTP}").unwrap();
        child.wait_with_output().unwrap()
    };
    let (front, full) = (piped(KUNCI), piped(FULL));
    assert!(front.status.success(), "{}", stderr(&front));
    assert_eq!(front.stdout, full.stdout);
    assert_eq!(front.stdout, run(FULL, &["code", HOTP]).stdout);
}

/// `kunci` copied somewhere without `kunci-full`: the plain code call still works, and any other
/// call ends with the one error line of the contract, naming what is missing and how to install it.
#[test]
fn kunci_without_kunci_full_says_what_is_missing() {
    let s = Scratch::new("front-alone");
    let alone = s.path("kunci");
    std::fs::copy(KUNCI, &alone).unwrap();
    let alone = alone.to_str().unwrap();

    let o = run(alone, &["inspect", URI]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: cannot start "), "{err}");
    assert!(err.contains("kunci-full"), "{err}");
    assert!(err.contains("cargo install --path cli"), "{err}");

    let o = run(alone, &["code", HOTP]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, run(FULL, &["code", HOTP]).stdout);
}

/// `kunci ... | head -1`: once the reader is gone, kunci ends quietly, as `cat` does (killed by
/// SIGPIPE), instead of printing "panicked ... failed printing to stdout: Broken pipe" and
/// exiting 101 as it did under the standard runtime, which ignores SIGPIPE.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_reader_that_goes_away_ends_kunci_quietly() {
    use std::os::unix::process::ExitStatusExt;
    // 2,000 missing files give about 250 KB of JSON lines, more than a pipe holds, so kunci is
    // still writing after the reader is gone however the two processes are scheduled.
    let missing = vec!["/nonexistent/kunci-process-test.png"; 2000];
    let mut child = Command::new(KUNCI)
        .args(["--json", "scan"])
        .args(&missing)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    // std's Command gives the child SIGPIPE's default disposition, as a shell does.
    assert_eq!(
        o.status.signal(),
        Some(13),
        "{:?}: {}",
        o.status,
        stderr(&o)
    );
}

/// Started with stdin, stdout and stderr closed (`<&- >&- 2>&-`), kunci still does its job: the
/// PNG it writes is the same file it writes with a terminal attached, and the code call
/// succeeds. (The entry point gives each closed descriptor to /dev/null so that no file kunci
/// opens takes its number; these two commands print only after closing their files, so they
/// would pass without that too. What this guards is that the entry copes with closed
/// descriptors at all.)
#[cfg(unix)]
#[test]
fn closed_standard_descriptors_do_not_stop_kunci() {
    let s = Scratch::new("closed-fds");
    let (closed, open) = (s.path("closed.png"), s.path("open.png"));
    let status = Command::new("sh")
        .args([
            "-c",
            r#"exec "$0" qr "$1" --out "$2" <&- >&- 2>&-"#,
            KUNCI,
            URI,
        ])
        .arg(&closed)
        .status()
        .unwrap();
    assert!(status.success(), "{status:?}");
    let o = Command::new(KUNCI)
        .args(["qr", URI, "--out"])
        .arg(&open)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&closed).unwrap(),
        std::fs::read(&open).unwrap()
    );

    let status = Command::new("sh")
        .args(["-c", r#"exec "$0" code "$1" <&- >&- 2>&-"#, KUNCI, URI])
        .env_remove("KUNCI_VAULT")
        .status()
        .unwrap();
    assert!(status.success(), "{status:?}");
}
