//! Test doubles of trusted time: boot and wall clocks set by hand, and time stores in memory or in
//! a file. Compiled for the crate's own tests and for the `testkit` feature (integration tests,
//! benchmarks, the CLI's QA commands); an app never has them.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

use super::anchor::{TimeState, TimeStore};
use super::clock::{BootClock, WallClock};
use super::PlatformError;

/// A boot clock for tests and QA: set and advanced by hand.
#[derive(Debug)]
pub struct FakeBootClock {
    boot_id: Mutex<String>,
    ms: AtomicU64,
}

impl FakeBootClock {
    pub fn new(boot_id: &str, ms: u64) -> Self {
        FakeBootClock {
            boot_id: Mutex::new(boot_id.to_string()),
            ms: AtomicU64::new(ms),
        }
    }
    pub fn advance(&self, ms: u64) {
        self.ms.fetch_add(ms, Ordering::SeqCst);
    }
    pub fn set(&self, ms: u64) {
        self.ms.store(ms, Ordering::SeqCst);
    }
    /// Simulates a reboot: a new boot id and the clock restarting at `ms`.
    pub fn reboot(&self, boot_id: &str, ms: u64) {
        if let Ok(mut id) = self.boot_id.lock() {
            *id = boot_id.to_string();
        }
        self.ms.store(ms, Ordering::SeqCst);
    }
}

impl BootClock for FakeBootClock {
    fn boot_id(&self) -> String {
        self.boot_id.lock().map(|s| s.clone()).unwrap_or_default()
    }
    fn elapsed_ms(&self) -> u64 {
        self.ms.load(Ordering::SeqCst)
    }
}

/// A wall clock for tests and QA: set and advanced by hand (it can go backwards, like a user
/// changing the date).
#[derive(Debug)]
pub struct FakeWallClock {
    ms: AtomicI64,
}

impl FakeWallClock {
    pub fn new(ms: i64) -> Self {
        FakeWallClock {
            ms: AtomicI64::new(ms),
        }
    }
    pub fn set(&self, ms: i64) {
        self.ms.store(ms, Ordering::SeqCst);
    }
    pub fn advance(&self, ms: i64) {
        self.ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl WallClock for FakeWallClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }
}

/// A store in memory, for tests.
#[derive(Debug, Default)]
pub struct MemoryTimeStore {
    state: Mutex<Option<TimeState>>,
}

impl MemoryTimeStore {
    pub fn new() -> Self {
        Self::default()
    }
    #[cfg(feature = "testkit")]
    pub fn with_state(state: TimeState) -> Self {
        MemoryTimeStore {
            state: Mutex::new(Some(state)),
        }
    }
}

impl TimeStore for MemoryTimeStore {
    fn load(&self) -> Option<TimeState> {
        self.state.lock().ok()?.clone()
    }
    fn save(&self, state: &TimeState) -> Result<(), PlatformError> {
        let mut g = self.state.lock().map_err(|_| PlatformError::Failed {
            reason: "time store lock poisoned".into(),
        })?;
        *g = Some(state.clone());
        Ok(())
    }
}

/// A JSON file, written atomically (temporary file, then rename), for QA tools.
#[derive(Debug, Clone)]
pub struct FileTimeStore {
    path: PathBuf,
}

impl FileTimeStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTimeStore { path: path.into() }
    }
}

impl TimeStore for FileTimeStore {
    fn load(&self) -> Option<TimeState> {
        let bytes = std::fs::read(&self.path).ok()?;
        TimeState::from_bytes(&bytes).ok()
    }

    fn save(&self, state: &TimeState) -> Result<(), PlatformError> {
        let fail = |e: std::io::Error| PlatformError::Failed {
            reason: format!("{}: {e}", self.path.display()),
        };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(fail)?;
            f.write_all(&state.to_bytes()).map_err(fail)?;
            f.sync_all().map_err(fail)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(fail)
    }
}
