//! `Authenticator`: one open vault with its trusted clock, as the apps use it.

use super::platform::{
    BootClock, ForeignBootClock, ForeignHttpsDate, ForeignKeyWrapper, HttpsDate, KeyWrapper,
};
use super::records::*;
use crate::app::{ExportFormat, Kunci, SyncSources, TimeSetup};
use crate::enroll::qr::LumaFrame;
use crate::error::KunciError;
use crate::secret::Secret;
use crate::time::{SyncConfig, SystemWallClock};
use crate::vault::{KdfParams, OnConflict, Vault};
use std::sync::Arc;
use zeroize::{Zeroize, Zeroizing};

/// Settings for opening or creating a vault. The defaults are the real values (a settings screen
/// can show them); `AuthenticatorOptions()` in Kotlin / Swift equals [`default_options`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuthenticatorOptions {
    /// Argon2id memory for a new passphrase slot or backup, in KiB (64 MiB).
    #[uniffi(default = 65536)]
    pub kdf_memory_kib: u32,
    /// Argon2id passes.
    #[uniffi(default = 3)]
    pub kdf_iterations: u32,
    /// NTP servers as host or host:port; `None`: several public operators.
    #[uniffi(default = None)]
    pub ntp_servers: Option<Vec<String>>,
    /// HTTPS URLs whose Date header is a time source (through the `HttpsDate` trait). Empty:
    /// the built-in list; fewer than the quorum: filled up from the built-in list.
    #[uniffi(default = [])]
    pub https_urls: Vec<String>,
    /// Agreeing sources needed to move the clock (at least 1).
    #[uniffi(default = 3)]
    pub quorum: u32,
}

impl Default for AuthenticatorOptions {
    /// The core's own defaults; a unit test holds the uniffi literals above to them.
    fn default() -> Self {
        AuthenticatorOptions {
            kdf_memory_kib: KdfParams::DEFAULT.memory_kib,
            kdf_iterations: KdfParams::DEFAULT.iterations,
            ntp_servers: None,
            https_urls: Vec::new(),
            quorum: u32::try_from(SyncConfig::default().quorum).unwrap_or(u32::MAX),
        }
    }
}

/// The options an `AuthenticatorOptions()` without arguments has (for tests and settings screens).
#[uniffi::export]
pub fn default_options() -> AuthenticatorOptions {
    AuthenticatorOptions::default()
}

impl AuthenticatorOptions {
    fn kdf(&self) -> KdfParams {
        KdfParams {
            memory_kib: self.kdf_memory_kib,
            iterations: self.kdf_iterations,
            parallelism: KdfParams::DEFAULT.parallelism,
        }
    }

    fn sync_sources(&self) -> SyncSources {
        let quorum = self.quorum as usize;
        SyncSources {
            ntp_servers: self.ntp_servers.clone(),
            https_urls: SyncSources::https_filled_up(&self.https_urls, quorum),
            roughtime_servers: None,
            quorum: Some(quorum),
        }
    }

    /// The sync configuration; refuses a quorum of 0 before anything is written.
    fn sync_config(&self) -> Result<SyncConfig, KunciError> {
        self.sync_sources().config()
    }
}

/// Where a vault lives and what the platform gives it: the part of opening or creating a vault
/// that does not depend on how it is unlocked. One record instead of five positional arguments,
/// so Kotlin and Swift callers name what they pass and leave the rest at its default:
/// `VaultSetup(path, bootClock)` is a complete setup (built-in time sources, default options).
#[derive(Clone, uniffi::Record)]
pub struct VaultSetup {
    /// The vault file (created by `Authenticator.create`, opened by the others).
    pub path: String,
    /// The platform's boot clock, which carries trusted time across sleep and clock changes.
    pub boot_clock: Arc<dyn BootClock>,
    /// HTTPS Date headers as a time source besides NTP; `None`: no HTTPS source.
    #[uniffi(default = None)]
    pub https: Option<Arc<dyn HttpsDate>>,
    /// Key derivation and time-source settings; by default `AuthenticatorOptions()`.
    #[uniffi(default)]
    pub options: AuthenticatorOptions,
}

/// Foreign objects have no Debug; the path and options are what a failing test needs to see.
impl std::fmt::Debug for VaultSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultSetup")
            .field("path", &self.path)
            .field("https", &self.https.is_some())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

#[derive(uniffi::Object)]
pub struct Authenticator {
    app: Kunci,
    options: AuthenticatorOptions,
    /// The platform key store last used with this vault, so a passphrase change (which makes a
    /// new vault key, issue 17) can rewrap the platform slot instead of dropping it.
    key_wrapper: std::sync::Mutex<Option<Arc<dyn KeyWrapper>>>,
}

impl Authenticator {
    fn wrap(vault: Vault, config: SyncConfig, setup: VaultSetup) -> Arc<Self> {
        let VaultSetup {
            boot_clock,
            https,
            options,
            ..
        } = setup;
        let https = https.map(|h| Arc::new(ForeignHttpsDate(h)) as Arc<dyn crate::time::HttpsDate>);
        let app = Kunci::new(
            vault,
            TimeSetup {
                config,
                https,
                ..TimeSetup::new(
                    Arc::new(ForeignBootClock::new(boot_clock)),
                    Arc::new(SystemWallClock),
                )
            },
        );
        Arc::new(Authenticator {
            app,
            options,
            key_wrapper: std::sync::Mutex::new(None),
        })
    }

    fn remember(self: Arc<Self>, key_wrapper: Option<Arc<dyn KeyWrapper>>) -> Arc<Self> {
        if key_wrapper.is_some() {
            *self.wrapper_slot() = key_wrapper;
        }
        self
    }

    fn wrapper_slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<dyn KeyWrapper>>> {
        self.key_wrapper
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The app layer, for the other `#[uniffi::export]` blocks of this object.
    pub(super) fn app(&self) -> &Kunci {
        &self.app
    }
}

/// A passphrase from the apps: bytes (Kotlin `ByteArray`, Swift `Data`), never a string the
/// platform cannot wipe (issue 17, finding 8); the `Secret` zeroizes them when dropped.
fn secret_of(passphrase: Vec<u8>) -> Secret {
    Secret::new(passphrase)
}

/// A backup or export password from the apps, as bytes: wiped when dropped. Other apps' formats
/// define their passwords as text, so it must be UTF-8.
fn password_of(password: Option<Vec<u8>>) -> Result<Option<Zeroizing<String>>, KunciError> {
    let Some(bytes) = password else {
        return Ok(None);
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(Zeroizing::new(text))),
        Err(e) => {
            let mut bytes = e.into_bytes();
            bytes.zeroize();
            Err(KunciError::invalid(
                "The password is not valid text (UTF-8); type it again.",
            ))
        }
    }
}

#[uniffi::export]
impl Authenticator {
    /// Creates a new vault file at `setup.path` with a passphrase slot, a platform slot, or both.
    /// Blocking (Argon2id, about a second): call off the main thread; `KunciVault` does.
    #[uniffi::constructor(default(passphrase = None, key_wrapper = None))]
    pub fn create(
        setup: VaultSetup,
        passphrase: Option<Vec<u8>>,
        key_wrapper: Option<Arc<dyn KeyWrapper>>,
    ) -> Result<Arc<Self>, KunciError> {
        crate::install_quiet_panic_hook();
        let config = setup.options.sync_config()?;
        // Creation time only labels the slots; the wall clock is good enough for that.
        let now = crate::time::WallClock::now_ms(&SystemWallClock).div_euclid(1000);
        let remembered = key_wrapper.clone();
        let path = &setup.path;
        let vault = match (passphrase, key_wrapper.as_ref()) {
            (Some(p), wrapper) => {
                let v = Vault::create(path, &secret_of(p), setup.options.kdf(), now)?;
                if let Some(w) = wrapper {
                    v.add_platform_slot(&ForeignKeyWrapper(w.clone()), now)?;
                }
                v
            }
            (None, Some(w)) => {
                Vault::create_with_key_wrapper(path, &ForeignKeyWrapper(w.clone()), now)?
            }
            (None, None) => {
                return Err(KunciError::invalid(
                    "a new vault needs a passphrase or a platform key",
                ))
            }
        };
        Ok(Self::wrap(vault, config, setup).remember(remembered))
    }

    /// Opens the vault at `setup.path` with the passphrase. Blocking (Argon2id): call off the
    /// main thread; `KunciVault` does.
    #[uniffi::constructor]
    pub fn open_with_passphrase(
        setup: VaultSetup,
        passphrase: Vec<u8>,
    ) -> Result<Arc<Self>, KunciError> {
        crate::install_quiet_panic_hook();
        let config = setup.options.sync_config()?;
        let vault = Vault::open_with_passphrase(&setup.path, &secret_of(passphrase))?;
        Ok(Self::wrap(vault, config, setup))
    }

    /// Opens the vault at `setup.path` with the platform key (Keystore / Keychain). Blocking:
    /// call off the main thread.
    #[uniffi::constructor]
    pub fn open_with_key_wrapper(
        setup: VaultSetup,
        key_wrapper: Arc<dyn KeyWrapper>,
    ) -> Result<Arc<Self>, KunciError> {
        crate::install_quiet_panic_hook();
        let config = setup.options.sync_config()?;
        let wrapper = ForeignKeyWrapper(key_wrapper.clone());
        let vault = Vault::open_with_key_wrapper(&setup.path, &wrapper)?;
        Ok(Self::wrap(vault, config, setup).remember(Some(key_wrapper)))
    }

    /// Accounts in list order (rows that cannot be opened are in `codes().unreadable`).
    pub fn accounts(&self) -> Result<Vec<AccountInfo>, KunciError> {
        Ok(self
            .app
            .accounts()?
            .accounts
            .iter()
            .map(Into::into)
            .collect())
    }

    /// Accounts whose issuer, name, notes or group contain `query` (any case).
    pub fn search(&self, query: String) -> Result<Vec<AccountInfo>, KunciError> {
        Ok(self
            .app
            .search(&query)?
            .accounts
            .iter()
            .map(Into::into)
            .collect())
    }

    /// Enrolls an otpauth URI or every account of a Google export URI.
    pub fn enroll_uri(
        &self,
        uri: String,
        on_conflict: OnConflict,
    ) -> Result<EnrollReport, KunciError> {
        Ok(self.app.enroll_text(&uri, on_conflict)?.into())
    }

    /// The account enrolling `uri` would conflict with (same issuer and name), for the
    /// "replace or keep both?" question after a `DuplicateAccount` error; None if there is none.
    pub fn existing_account(&self, uri: String) -> Result<Option<AccountInfo>, KunciError> {
        Ok(self
            .app
            .existing_account(&uri)?
            .as_ref()
            .map(AccountInfo::from))
    }

    /// Enrolls from a camera frame's luma plane (zero-copy). `NotAQrCode` means "keep scanning".
    pub fn enroll_frame(
        &self,
        width: u32,
        height: u32,
        row_stride: u32,
        frame: &[u8],
        on_conflict: OnConflict,
    ) -> Result<EnrollReport, KunciError> {
        let luma = LumaFrame {
            width,
            height,
            row_stride,
            bytes: frame,
        };
        Ok(self.app.enroll_frame(&luma, on_conflict)?.into())
    }

    /// Enrolls from a screenshot or photo (PNG, JPEG, WebP).
    pub fn enroll_image(
        &self,
        image: Vec<u8>,
        on_conflict: OnConflict,
    ) -> Result<EnrollReport, KunciError> {
        Ok(self.app.enroll_image(&image, on_conflict)?.into())
    }

    /// Every code at the trusted time.
    pub fn codes(&self) -> Result<CodeList, KunciError> {
        Ok(self.app.codes(None)?.into())
    }

    /// HOTP: advances the counter (saved first) and returns the new code.
    pub fn next_code(&self, id: i64) -> Result<String, KunciError> {
        self.app.next_hotp(id)
    }

    pub fn rename(&self, id: i64, issuer: String, name: String) -> Result<AccountInfo, KunciError> {
        Ok((&self.app.rename(id, Some(&issuer), Some(&name))?).into())
    }

    pub fn set_notes(&self, id: i64, notes: String) -> Result<AccountInfo, KunciError> {
        Ok((&self.app.set_notes(id, &notes)?).into())
    }

    pub fn set_group(&self, id: i64, group: Option<String>) -> Result<AccountInfo, KunciError> {
        Ok((&self.app.set_group(id, group.as_deref())?).into())
    }

    /// Moves an account to `position` (0 = first).
    pub fn move_account(&self, id: i64, position: i64) -> Result<(), KunciError> {
        self.app.move_account(id, position)
    }

    pub fn remove(&self, id: i64) -> Result<(), KunciError> {
        self.app.remove(id)
    }

    /// The trusted time now.
    pub fn time_now(&self) -> TimeInfo {
        self.app.now().into()
    }

    /// Syncs time with the configured sources. Blocking (network, a few seconds at most): call
    /// off the main thread; `KunciVault` does.
    pub fn sync_time(&self) -> Result<SyncResult, KunciError> {
        Ok(self.app.sync_time(None)?.into())
    }

    /// Syncs with the given NTP servers (host:port) and quorum, e.g. QA's `kunci time serve`.
    /// Blocking, like `sync_time`. A quorum of 0 is refused.
    pub fn sync_time_with(
        &self,
        ntp_servers: Vec<String>,
        quorum: u32,
    ) -> Result<SyncResult, KunciError> {
        // These NTP servers replace the configured ones; configured HTTPS sources still count
        // (an empty list makes an HTTPS-only sync).
        let sources = SyncSources {
            ntp_servers: Some(ntp_servers),
            // QA's local servers: no public Roughtime servers either.
            roughtime_servers: Some(Vec::new()),
            quorum: Some(quorum as usize),
            ..self.options.sync_sources()
        };
        Ok(self.app.sync_time(Some(&sources))?.into())
    }

    /// What a helpdesk needs about time: status, offset, uncertainty, last sync, sources, time
    /// zone (no secrets, no account names); `json` holds the same for a ticket.
    pub fn diagnostics(&self, time_zone: String, utc_offset_seconds: i32) -> Diagnostics {
        self.app.diagnostics(&time_zone, utc_offset_seconds).into()
    }

    /// Imports another app's export or a Kunci backup; `format` None detects it. Blocking when
    /// the file is encrypted (its key derivation takes up to a few seconds).
    pub fn import_file(
        &self,
        bytes: Vec<u8>,
        format: Option<ImportFormat>,
        password: Option<Vec<u8>>,
    ) -> Result<ImportReport, KunciError> {
        let password = password_of(password)?;
        Ok(self
            .app
            .import(
                &bytes,
                format.map(Into::into),
                password.as_deref().map(String::as_str),
            )?
            .into())
    }

    /// Imports one or several files (the QR pictures of one Google export together). `format` is
    /// a name from `import_formats()` (None detects it); `allow_costly_kdf` after the user
    /// confirmed a `ConfirmationRequired` error; `cancel` stops a long key derivation.
    pub fn import_files(
        &self,
        files: Vec<Vec<u8>>,
        format: Option<String>,
        password: Option<Vec<u8>>,
        allow_costly_kdf: bool,
        cancel: Option<Arc<super::records::ImportCancel>>,
    ) -> Result<ImportReport, KunciError> {
        let format = match format {
            Some(name) => Some(crate::backup::Format::from_name(&name).ok_or_else(|| {
                KunciError::InvalidInput {
                    detail: format!("unknown import format {name:?}"),
                }
            })?),
            None => None,
        };
        let password = password_of(password)?;
        let options = crate::backup::ImportOptions {
            password: password.as_deref().map(String::as_str),
            allow_costly_kdf,
            cancel: cancel.map(|c| Arc::clone(&c.inner)),
        };
        let files: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        let (formats, outcome) = self.app.import_files(&files, format, &options)?;
        let mut report = ImportReport::from(outcome);
        report.formats = formats.iter().map(|f| f.as_str().to_string()).collect();
        Ok(report)
    }

    /// Writes an export. `Uris` and unencrypted `Aegis` are NOT encrypted: warn the user.
    /// Blocking with a password (Argon2id / scrypt). `Uris` with a password is refused.
    pub fn export_file(
        &self,
        format: ExportFormat,
        password: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, KunciError> {
        let password = password_of(password)?;
        let bytes = self.app.export(
            format,
            password.as_deref().map(String::as_str),
            &self.options.kdf(),
        )?;
        Ok(bytes.to_vec())
    }

    /// One account's `otpauth://` QR code as a PNG, `module_px` pixels per module (6 scans well
    /// from a screen), for a per-account transfer screen that FreeOTP can scan. The picture holds
    /// the secret: show it, never save it.
    pub fn account_qr_png(&self, id: i64, module_px: u32) -> Result<Vec<u8>, KunciError> {
        Ok(self.app.account_qr_png(id, module_px)?.to_vec())
    }

    /// Adds a passphrase slot (e.g. a recovery passphrase beside the platform key). Blocking
    /// (Argon2id).
    pub fn add_passphrase(&self, passphrase: Vec<u8>) -> Result<(), KunciError> {
        self.app
            .add_passphrase(&secret_of(passphrase), self.options.kdf())
    }

    /// Changes the passphrase under a new vault key (every account is resealed). The platform
    /// slot is rewrapped through the key store this vault was created, opened or unlocked with;
    /// without one it is removed and `add_platform_key` must be called again. Blocking (Argon2id
    /// twice).
    pub fn change_passphrase(&self, old: Vec<u8>, new: Vec<u8>) -> Result<(), KunciError> {
        let wrapper = self.wrapper_slot().clone().map(ForeignKeyWrapper);
        self.app.change_passphrase(
            &secret_of(old),
            &secret_of(new),
            self.options.kdf(),
            wrapper.as_ref().map(|w| w as &dyn crate::vault::KeyWrapper),
        )
    }

    /// Adds a platform key slot, so the app can open without the passphrase.
    pub fn add_platform_key(&self, key_wrapper: Arc<dyn KeyWrapper>) -> Result<(), KunciError> {
        self.app
            .add_platform_key(&ForeignKeyWrapper(key_wrapper.clone()))?;
        *self.wrapper_slot() = Some(key_wrapper);
        Ok(())
    }

    /// Puts one platform slot through `key_wrapper` in place of every platform slot, in one
    /// transaction: the app lock swaps the phone's key for one that needs the user (and back),
    /// and the old key must stop opening the vault. The new key is checked by unwrapping once.
    pub fn replace_platform_key(&self, key_wrapper: Arc<dyn KeyWrapper>) -> Result<(), KunciError> {
        self.app
            .replace_platform_key(&ForeignKeyWrapper(key_wrapper.clone()))?;
        *self.wrapper_slot() = Some(key_wrapper);
        Ok(())
    }

    /// Whether the vault key is forgotten (after `lock`, before an unlock): a background task
    /// then skips its work instead of failing halfway.
    pub fn is_locked(&self) -> bool {
        self.app.is_locked()
    }

    /// Forgets the vault key; every call fails with `Locked` until an unlock.
    pub fn lock(&self) {
        self.app.lock();
    }

    /// Blocking (Argon2id, about a second): call off the main thread; `KunciVault` does.
    pub fn unlock_with_passphrase(&self, passphrase: Vec<u8>) -> Result<(), KunciError> {
        self.app.unlock_with_passphrase(&secret_of(passphrase))
    }

    pub fn unlock_with_key_wrapper(
        &self,
        key_wrapper: Arc<dyn KeyWrapper>,
    ) -> Result<(), KunciError> {
        self.app
            .unlock_with_key_wrapper(&ForeignKeyWrapper(key_wrapper.clone()))?;
        *self.wrapper_slot() = Some(key_wrapper);
        Ok(())
    }
}

/// QA calls: only in builds with the `qa` feature (the host library the Kotlin, Swift and
/// Android suites load), never in the phones' release libraries (issue 17, finding 8).
#[cfg(feature = "qa")]
#[uniffi::export]
impl Authenticator {
    /// Every code at a given time (QA, tests); the time is taken as verified.
    pub fn codes_at(&self, unix_ms: i64) -> Result<CodeList, KunciError> {
        Ok(self
            .app
            .codes(Some(crate::app::fixed_time(unix_ms)))?
            .into())
    }
}
