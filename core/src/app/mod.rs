//! `Kunci`: the product's use cases over one open vault and its trusted clock — the one way in.
//!
//! The CLI calls this directly; the UniFFI `Authenticator` is a thin wrapper that converts its
//! results into records. Nothing outside reaches the vault or the clock behind it. Split by use
//! case: [`accounts`] (list, edit, codes), [`enroll`] (URI, frame, picture), [`transfer`] (import,
//! export), [`time`] (now, sync, diagnostics), [`slots`] (lock, unlock, key slots). Time comes
//! from the `TrustedClock` (or a caller-given estimate); nothing here reads a clock.

mod accounts;
mod enroll;
mod slots;
mod time;
mod transfer;

pub use accounts::{AccountCode, CodeSheet};
pub use enroll::EnrollOutcome;
pub use time::{fixed_time, SyncSources};
pub use transfer::ExportFormat;

use crate::time::{
    BootClock, HttpsDate, PlatformError, SyncConfig, TimeEstimate, TimeState, TimeStore,
    TrustedClock, WallClock,
};
use crate::vault::Vault;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Where the trusted-time state lives inside the vault (sealed like every setting).
pub const TIME_STATE_KEY: &str = "time.state";

/// The trusted-time state stored in the vault, so the anchor survives restarts and is sealed.
struct VaultTimeStore {
    vault: Arc<Vault>,
}

impl TimeStore for VaultTimeStore {
    fn load(&self) -> Option<TimeState> {
        self.load_checked().ok().flatten()
    }

    fn load_checked(&self) -> Result<Option<TimeState>, crate::time::TimeError> {
        let damaged = |reason: String| crate::time::TimeError::CorruptState { reason };
        match self.vault.get_blob(TIME_STATE_KEY) {
            Ok(Some(bytes)) => TimeState::from_bytes(&bytes).map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(damaged(e.to_string())),
        }
    }

    fn mark(&self) -> Option<i64> {
        self.vault.time_mark().ok().flatten()
    }

    fn set_mark(&self, utc_ms: i64) -> Result<(), PlatformError> {
        self.vault
            .set_time_mark(utc_ms)
            .map_err(|e| PlatformError::Failed {
                reason: e.to_string(),
            })
    }

    fn save(&self, state: &TimeState) -> Result<(), PlatformError> {
        let bytes = Zeroizing::new(state.to_bytes());
        self.vault
            .put_blob(TIME_STATE_KEY, &bytes)
            .map_err(|e| PlatformError::Failed {
                reason: e.to_string(),
            })
    }
}

/// One open vault and its trusted clock. `Send + Sync`; every method takes `&self`.
pub struct Kunci {
    vault: Arc<Vault>,
    clock: TrustedClock,
}

/// Where a [`Kunci`] gets its time: the platform's two clocks, the sync configuration
/// `sync_time(None)` uses (see [`SyncSources::config`] to build one) and an optional HTTPS
/// `Date` client. [`TimeSetup::new`] has the default configuration and no HTTPS client; set the
/// other fields with struct update syntax.
pub struct TimeSetup {
    pub boot: Arc<dyn BootClock>,
    pub wall: Arc<dyn WallClock>,
    pub config: SyncConfig,
    pub https: Option<Arc<dyn HttpsDate>>,
}

impl TimeSetup {
    pub fn new(boot: Arc<dyn BootClock>, wall: Arc<dyn WallClock>) -> Self {
        TimeSetup {
            boot,
            wall,
            config: SyncConfig::default(),
            https: None,
        }
    }
}

impl Kunci {
    /// The front door over an open vault; its trusted-time state is kept inside the vault.
    pub fn new(vault: Vault, time: TimeSetup) -> Self {
        let vault = Arc::new(vault);
        let store = Arc::new(VaultTimeStore {
            vault: vault.clone(),
        });
        let mut clock = TrustedClock::new(time.boot, time.wall, store, time.config);
        if let Some(https) = time.https {
            clock = clock.with_https(https);
        }
        Kunci { vault, clock }
    }
}
