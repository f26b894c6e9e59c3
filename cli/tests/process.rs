//! How a `kunci` process starts and ends when its standard streams are unusual: a reader that
//! goes away, descriptors that were closed. On GNU/Linux `kunci` starts without the standard
//! runtime's set-up (cli/src/entry.rs), which did some of this before.

use std::process::{Command, Stdio};

mod common;
use common::{stderr, Scratch, URI};

const KUNCI: &str = env!("CARGO_BIN_EXE_kunci");

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
