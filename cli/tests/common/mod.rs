//! What several CLI test files share: a scratch folder per test, the sample account, and the
//! readers for a `kunci` run's output (one `mod common;` per test binary; each uses a part).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Output;

/// One TOTP account (SHA1, 6 digits, 30 s) with a 32-character secret.
pub const URI: &str =
    "otpauth://totp/ACME:jo@example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME";

/// A fresh folder under the temp dir, named after the test binary and `name`, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "kunci-{}-{name}-{}",
            env!("CARGO_CRATE_NAME"),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The vault file most tests use.
    pub fn vault(&self) -> PathBuf {
        self.path("v.kunci")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `exe` (`kunci` or `kunci-full`) with `args`, no vault in the environment and nothing on
/// standard input.
pub fn run(exe: &str, args: &[&str]) -> Output {
    std::process::Command::new(exe)
        .args(args)
        .env_remove("KUNCI_VAULT")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {exe}: {e}"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2 with exactly one `error:` line that contains `needle`.
pub fn refused(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: ") && err.contains(needle), "{err}");
}
