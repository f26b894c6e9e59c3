//! Opening the vault for a command: path, passphrase, clocks.

use kunci::{
    KdfParams, Kunci, KunciError, Secret, SyncConfig, SystemBootClock, SystemWallClock, TimeSetup,
    Vault,
};
use kunci_cli::CliError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `--vault`, else `$KUNCI_VAULT` (clap reads both), else the platform data directory.
pub fn vault_path(flag: Option<&Path>) -> PathBuf {
    if let Some(p) = flag {
        return p.to_path_buf();
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("kunci").join("vault.kunci")
}

/// `KUNCI_PASSPHRASE`, else a prompt on the terminal (no echo).
pub fn passphrase(prompt: &str) -> Result<Secret, CliError> {
    secret_from_env_or_prompt("KUNCI_PASSPHRASE", prompt)
}

pub fn secret_from_env_or_prompt(var: &str, prompt: &str) -> Result<Secret, CliError> {
    if let Some(v) = std::env::var_os(var) {
        return Ok(Secret::new(v.into_encoded_bytes()));
    }
    rpassword::prompt_password(prompt)
        .map(|p| Secret::new(p.into_bytes()))
        .map_err(|_| {
            CliError::bad_input(format!("no terminal to ask for the password on; set {var}"))
        })
}

/// The Argon2 cost for new passphrase slots. `KUNCI_KDF=insecure-test` makes test suites fast in
/// debug builds only: a release binary has no such switch (a stray variable cannot weaken a vault).
pub fn kdf() -> KdfParams {
    #[cfg(debug_assertions)]
    if std::env::var("KUNCI_KDF").as_deref() == Ok("insecure-test") {
        return KdfParams::INSECURE_FOR_TESTS;
    }
    KdfParams::DEFAULT
}

pub fn open(path: &Path, config: SyncConfig) -> Result<Kunci, CliError> {
    if !path.exists() {
        return Err(CliError::bad_input(format!(
            "no vault at {} (create one with `kunci init`)",
            path.display()
        )));
    }
    let pass = passphrase("Vault passphrase: ")?;
    let vault = Vault::open_with_passphrase(path, &pass).map_err(KunciError::from)?;
    Ok(Kunci::new(
        vault,
        TimeSetup {
            config,
            https: Some(Arc::new(crate::https::UreqDate::default())),
            ..TimeSetup::new(Arc::new(SystemBootClock::new()), Arc::new(SystemWallClock))
        },
    ))
}
