//! What we remember about time between syncs, and how it is stored.
//!
//! The anchor ties UTC to the boot clock: within the same boot, UTC now is the anchor's UTC plus
//! boot time elapsed (corrected by the measured drift). Everything here is plain data: the clock
//! values are passed in, so the arithmetic is tested without waiting.

use serde::{Deserialize, Serialize};

use super::{PlatformError, TimeError};

/// Uncertainty growth of a boot clock whose drift we have not measured: 100 ppm covers common
/// crystal oscillators (±20–50 ppm) with room for temperature.
pub const DEFAULT_GROWTH_PPM: f64 = 100.0;
/// We never believe a drift larger than this: a bigger one is a measurement error.
pub const MAX_DRIFT_PPM: f64 = 200.0;
/// Residual error left after drift correction (temperature, ageing).
pub const MIN_GROWTH_PPM: f64 = 5.0;
pub const STATE_VERSION: u32 = 1;

/// A sync result on the boot clock: at `boot_ms` (of boot `boot_id`), UTC was `utc_ms` ±
/// `uncertainty_ms`; the boot clock runs `drift_ppm` slow (positive: UTC advances faster).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    pub boot_id: String,
    pub boot_ms: u64,
    pub utc_ms: i64,
    pub uncertainty_ms: u64,
    pub drift_ppm: f64,
    /// How fast the uncertainty grows with elapsed boot time (100 ppm, or the drift residual).
    pub growth_ppm: f64,
}

impl Anchor {
    /// UTC ms and its uncertainty at `boot_now`, if this anchor is from the current boot.
    pub fn predict(&self, boot_id: &str, boot_now_ms: u64) -> Option<(i64, u64)> {
        if self.boot_id != boot_id {
            return None;
        }
        let elapsed = boot_now_ms.checked_sub(self.boot_ms)?;
        let drift = sane_ppm(self.drift_ppm).clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM);
        let correction = (elapsed as f64 * drift / 1e6).round() as i64;
        let utc = self
            .utc_ms
            .saturating_add(i64::try_from(elapsed).unwrap_or(i64::MAX))
            .saturating_add(correction);
        let growth = sane_ppm(self.growth_ppm).clamp(0.0, 1e6);
        let grown = (elapsed as f64 * growth / 1e6).ceil() as u64;
        Some((utc, self.uncertainty_ms.saturating_add(grown)))
    }

    /// "UTC − boot" as predicted at `boot_now`: comparable with a sync result.
    pub fn predicted_offset(&self, boot_id: &str, boot_now_ms: u64) -> Option<(i64, u64)> {
        let (utc, unc) = self.predict(boot_id, boot_now_ms)?;
        let boot = i64::try_from(boot_now_ms).ok()?;
        Some((utc.checked_sub(boot)?, unc))
    }
}

fn sane_ppm(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// A point on the boot clock (the first sync of a boot, kept to measure drift over hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorPoint {
    pub boot_id: String,
    pub boot_ms: u64,
    pub utc_ms: i64,
    pub uncertainty_ms: u64,
}

/// Trusted UTC minus the wall clock, as last measured: used after a reboot, when the boot clock
/// has restarted and only the wall clock is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WallOffset {
    pub offset_ms: i64,
    /// Trusted UTC when it was measured.
    pub measured_utc_ms: i64,
    pub uncertainty_ms: u64,
}

/// A sync result too far from the anchor's prediction, held until a later sync agrees with it
/// (or an authenticated source does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantine {
    pub boot_id: String,
    /// Boot ms when first seen.
    pub boot_ms: u64,
    /// The claimed "UTC − boot".
    pub offset_ms: i64,
    pub uncertainty_ms: u64,
    /// The claimed UTC when first seen (for diagnostics).
    pub utc_ms: i64,
}

/// A server that sent a Kiss-o'-Death: skipped until `until_boot_ms` of the same boot, or for the
/// rest of the boot (`None`, after DENY/RSTR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceBackoff {
    pub source: String,
    pub boot_id: String,
    pub until_boot_ms: Option<u64>,
    pub code: String,
}

impl SourceBackoff {
    pub fn active(&self, boot_id: &str, boot_now_ms: u64) -> bool {
        self.boot_id == boot_id && self.until_boot_ms.is_none_or(|until| boot_now_ms < until)
    }
}

/// One source's part in the last sync (diagnostics; no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSummary {
    pub source: String,
    /// "agreed", or the stable code of why it was not used ([`super::Rejection::code`]).
    pub result: String,
    /// Why it was not used, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `ntp`, `http`, `https` or `roughtime`, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Its offset from the agreed time, when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_from_consensus_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<u64>,
}

/// Everything the trusted clock persists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeState {
    pub version: u32,
    pub anchor: Option<Anchor>,
    pub drift_base: Option<AnchorPoint>,
    pub last_offset: Option<WallOffset>,
    /// A lower bound of trusted UTC: time has certainly passed this point.
    pub high_water_utc_ms: Option<i64>,
    pub quarantine: Option<Quarantine>,
    /// Trusted UTC of the last accepted sync.
    pub last_sync_utc_ms: Option<i64>,
    #[serde(default)]
    pub backoff: Vec<SourceBackoff>,
    #[serde(default)]
    pub last_sources: Vec<SourceSummary>,
    /// Set when the saved state was found missing or damaged while a sealed high-water mark
    /// shows there was one (tampering): the next sync is treated as a large jump.
    #[serde(default)]
    pub damaged: Option<String>,
    /// The last `time check` of a portal, for diagnostics and the doctor.
    #[serde(default)]
    pub last_portal_check: Option<super::check::PortalCheck>,
    /// The last sync attempt, whatever its outcome (the doctor's "never reached quorum").
    #[serde(default)]
    pub last_attempt: Option<SyncAttempt>,
}

/// What the last sync attempt did, whatever its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncAttempt {
    /// `synced`, `quarantined`, `no_consensus`, `conflict` or `offline`.
    pub outcome: String,
    pub agreeing: usize,
    pub responded: usize,
    pub quorum: usize,
    /// Sources asked.
    pub asked: usize,
}

impl Default for TimeState {
    fn default() -> Self {
        TimeState {
            version: STATE_VERSION,
            anchor: None,
            drift_base: None,
            last_offset: None,
            high_water_utc_ms: None,
            quarantine: None,
            last_sync_utc_ms: None,
            backoff: Vec::new(),
            last_sources: Vec::new(),
            damaged: None,
            last_portal_check: None,
            last_attempt: None,
        }
    }
}

impl TimeState {
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serializing plain data with no maps of non-string keys cannot fail; NaN drift is
        // stored as null by serde_json and read back as an error, so sanitize first.
        let mut clean = self.clone();
        if let Some(a) = clean.anchor.as_mut() {
            a.drift_ppm = sane_ppm(a.drift_ppm);
            a.growth_ppm = sane_ppm(a.growth_ppm);
        }
        serde_json::to_vec(&clean).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TimeError> {
        let mut s: TimeState =
            serde_json::from_slice(bytes).map_err(|e| TimeError::CorruptState {
                reason: e.to_string(),
            })?;
        if s.version > STATE_VERSION {
            return Err(TimeError::CorruptState {
                reason: format!("version {} is newer than this app", s.version),
            });
        }
        if let Some(a) = s.anchor.as_mut() {
            a.drift_ppm = sane_ppm(a.drift_ppm).clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM);
            a.growth_ppm = sane_ppm(a.growth_ppm).clamp(0.0, 1e6);
        }
        Ok(s)
    }
}

/// Where the time state lives (the vault implements it with SQLite).
pub trait TimeStore: Send + Sync {
    /// The saved state; `None` if there is none or it cannot be read (we then start over,
    /// which is safe: time becomes Unverified until the next sync).
    fn load(&self) -> Option<TimeState>;
    fn save(&self, state: &TimeState) -> Result<(), PlatformError>;
    /// Like [`TimeStore::load`], telling "never saved" (`Ok(None)`) from "unreadable" (`Err`).
    fn load_checked(&self) -> Result<Option<TimeState>, TimeError> {
        Ok(self.load())
    }
    /// A sealed high-water mark of trusted UTC kept where it cannot be removed without breaking
    /// the store (the vault keeps it inside its key check). `None`: none kept.
    fn mark(&self) -> Option<i64> {
        None
    }
    /// Replaces the sealed high-water mark.
    fn set_mark(&self, _utc_ms: i64) -> Result<(), PlatformError> {
        Ok(())
    }
}

/// The state to start from: what the store holds, checked against its sealed high-water mark.
/// A missing or unreadable state, or one whose high-water mark is below the sealed one (an old
/// copy put back), while a mark exists is tampering: reported, and the next sync must treat
/// its result as a large jump.
pub fn load_state(store: &dyn TimeStore) -> TimeState {
    let mark = store.mark();
    let (mut state, problem) = match store.load_checked() {
        Ok(Some(s)) => {
            let rolled_back = mark.is_some_and(|m| s.high_water_utc_ms.is_none_or(|hw| hw < m));
            let problem = rolled_back.then(|| {
                "the saved time state is older than the vault's sealed time mark".to_string()
            });
            (s, problem)
        }
        Ok(None) => (
            TimeState::default(),
            mark.map(|_| "the saved time state was removed".to_string()),
        ),
        Err(e) => (TimeState::default(), Some(e.to_string())),
    };
    if let Some(problem) = problem {
        // Without a mark there is no evidence of a previous state: a new install is not tampering
        // unless the state itself is unreadable.
        state.damaged = Some(problem);
        if let Some(m) = mark {
            state.high_water_utc_ms = Some(state.high_water_utc_ms.map_or(m, |hw| hw.max(m)));
        }
        state.anchor = None;
        state.last_offset = None;
        state.drift_base = None;
    }
    state
}

#[cfg(test)]
#[path = "anchor_tests.rs"]
mod tests;
