//! Foreign traits (implemented in Kotlin / Swift) and their adapters to the core's traits.
//!
//! The core's own traits are infallible where the platform's call is (a boot clock read); the
//! foreign versions return `Result` so a throwing implementation becomes a value here, never a
//! panic across the boundary.

use crate::error::KunciError;
use crate::time::{self, PlatformError};
use crate::vault::{self, KeyWrapperError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Wraps the vault key with a key that never leaves the device (Android Keystore, iOS Keychain).
#[uniffi::export(with_foreign)]
pub trait KeyWrapper: Send + Sync {
    fn wrap(&self, key: Vec<u8>) -> Result<Vec<u8>, KunciError>;
    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KunciError>;
}

/// The platform's boot clock: Android `elapsedRealtime()` + boot count, iOS
/// `mach_continuous_time` + boot session. It keeps counting in sleep and ignores wall-clock
/// changes, which is what lets codes stay right offline after a sync.
#[uniffi::export(with_foreign)]
pub trait BootClock: Send + Sync {
    /// Differs after every reboot.
    fn boot_id(&self) -> Result<String, KunciError>;
    fn elapsed_ms(&self) -> Result<u64, KunciError>;
}

/// The `Date` header of an HTTPS response (OkHttp / URLSession), a time source besides NTP.
#[uniffi::export(with_foreign)]
pub trait HttpsDate: Send + Sync {
    fn fetch_date(&self, url: String) -> Result<String, KunciError>;
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

fn key_wrapper_error(e: KunciError) -> KeyWrapperError {
    match e {
        KunciError::KeyUnavailable { detail } => KeyWrapperError::Unavailable { reason: detail },
        other => KeyWrapperError::Failed {
            reason: other.detail(),
        },
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
        self.inner.elapsed_ms().unwrap_or_else(|_| {
            self.failed.store(true, Ordering::Relaxed);
            0
        })
    }
}

pub(crate) struct ForeignHttpsDate(pub Arc<dyn HttpsDate>);

impl time::HttpsDate for ForeignHttpsDate {
    fn fetch_date(&self, url: String) -> Result<String, PlatformError> {
        self.0
            .fetch_date(url)
            .map_err(|e| PlatformError::Failed { reason: e.detail() })
    }

    fn is_authenticated(&self, url: String) -> bool {
        self.0.is_authenticated(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::BootClock as _;

    struct Throwing;

    impl BootClock for Throwing {
        fn boot_id(&self) -> Result<String, KunciError> {
            Ok("boot-1".into())
        }
        fn elapsed_ms(&self) -> Result<u64, KunciError> {
            Err(KunciError::Internal {
                detail: "no clock".into(),
            })
        }
    }

    #[test]
    fn a_failing_boot_clock_never_matches_an_anchor() {
        let clock = ForeignBootClock::new(Arc::new(Throwing));
        assert_eq!(clock.boot_id(), "boot-1");
        assert_eq!(clock.elapsed_ms(), 0);
        // From now on every reading is a boot of its own: no anchor can carry time on it.
        let (a, b) = (clock.boot_id(), clock.boot_id());
        assert_ne!(a, b);
        assert_ne!(a, "boot-1");
    }
}
