//! Foreign traits (implemented in Kotlin / Swift) and their adapters to the core's traits.
//!
//! The core's own traits are infallible where the platform's call is (a boot clock read); the
//! foreign versions return `Result` so a throwing implementation becomes a value here, never a
//! panic across the boundary. They throw [`PlatformError`] (Kotlin `PlatformException`), not
//! `KunciError`: the latter is a flat error whose sentence cannot travel back into Rust.

use crate::time;
use crate::vault::{self, KeyWrapperError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// What a platform implementation (Kotlin / Swift) throws from a foreign trait method.
/// `reason` is shown to the user when the failure ends the operation, so word it for a person
/// ("This device's key was invalidated; open the vault with your passphrase.").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    /// The platform key store cannot give the key (locked, invalidated, gone).
    #[error("{reason}")]
    KeyUnavailable { reason: String },
    /// Anything else: no network, no boot clock, an unexpected platform exception.
    #[error("{reason}")]
    Failed { reason: String },
}

/// A foreign implementation that throws something other than `PlatformError`.
impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Failed {
            reason: format!("the platform failed: {}", e.reason),
        }
    }
}

/// Wraps the vault key with a key that never leaves the device (Android Keystore, iOS Keychain).
#[uniffi::export(with_foreign)]
pub trait KeyWrapper: Send + Sync {
    fn wrap(&self, key: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
}

/// The platform's boot clock: Android `elapsedRealtime()` + boot count, iOS
/// `mach_continuous_time` + boot session. It keeps counting in sleep and ignores wall-clock
/// changes, which is what lets codes stay right offline after a sync.
#[uniffi::export(with_foreign)]
pub trait BootClock: Send + Sync {
    /// Differs after every reboot.
    fn boot_id(&self) -> Result<String, PlatformError>;
    /// Milliseconds since boot (a `Long` in Kotlin, `Int64` in Swift); never negative.
    fn elapsed_ms(&self) -> Result<i64, PlatformError>;
}

/// The `Date` header of an HTTPS response (OkHttp / URLSession), a time source besides NTP.
#[uniffi::export(with_foreign)]
pub trait HttpsDate: Send + Sync {
    fn fetch_date(&self, url: String) -> Result<String, PlatformError>;
    /// Whether the response was over verified TLS (an authenticated source).
    fn is_authenticated(&self, url: String) -> bool;
}

pub(crate) struct ForeignKeyWrapper(pub Arc<dyn KeyWrapper>);

impl vault::KeyWrapper for ForeignKeyWrapper {
    fn wrap(&self, key: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        self.0.wrap(key).map_err(key_wrapper_error)
    }

    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyWrapperError> {
        self.0.unwrap_key(wrapped).map_err(key_wrapper_error)
    }
}

fn key_wrapper_error(e: PlatformError) -> KeyWrapperError {
    match e {
        PlatformError::KeyUnavailable { reason } => KeyWrapperError::Unavailable { reason },
        PlatformError::Failed { reason } => KeyWrapperError::Failed { reason },
    }
}

/// A boot clock that failed once is not trusted again: every later reading claims a boot of
/// its own, so no anchor ever matches and time falls back to "unverified" (wall clock plus the
/// last offset) instead of being carried — or frozen — on readings we cannot trust.
pub(crate) struct ForeignBootClock {
    inner: Arc<dyn BootClock>,
    failed: AtomicBool,
    readings: AtomicU64,
}

impl ForeignBootClock {
    pub(crate) fn new(inner: Arc<dyn BootClock>) -> Self {
        ForeignBootClock {
            inner,
            failed: AtomicBool::new(false),
            readings: AtomicU64::new(0),
        }
    }

    fn unavailable(&self) -> String {
        self.failed.store(true, Ordering::Relaxed);
        let n = self.readings.fetch_add(1, Ordering::Relaxed);
        format!("boot-clock-unavailable-{n}")
    }
}

impl time::BootClock for ForeignBootClock {
    fn boot_id(&self) -> String {
        if self.failed.load(Ordering::Relaxed) {
            return self.unavailable();
        }
        self.inner.boot_id().unwrap_or_else(|_| self.unavailable())
    }

    fn elapsed_ms(&self) -> u64 {
        // A negative reading is as untrustworthy as a failed one.
        match self.inner.elapsed_ms().map(u64::try_from) {
            Ok(Ok(ms)) => ms,
            _ => {
                self.failed.store(true, Ordering::Relaxed);
                0
            }
        }
    }
}

pub(crate) struct ForeignHttpsDate(pub Arc<dyn HttpsDate>);

impl time::HttpsDate for ForeignHttpsDate {
    fn fetch_date(&self, url: String) -> Result<String, time::PlatformError> {
        self.0
            .fetch_date(url)
            .map_err(|e| time::PlatformError::Failed {
                reason: e.to_string(),
            })
    }

    fn is_authenticated(&self, url: String) -> bool {
        self.0.is_authenticated(url)
    }
}

#[cfg(test)]
#[path = "platform_tests.rs"]
mod tests;
