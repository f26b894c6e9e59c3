//! `TrustedClock`: the time the codes use, carried on the boot clock between syncs.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use super::anchor::{
    Anchor, AnchorPoint, Quarantine, SourceBackoff, SourceSummary, TimeState, TimeStore,
    WallOffset, DEFAULT_GROWTH_PPM, MAX_DRIFT_PPM, MIN_GROWTH_PPM,
};
use super::clock::{BootClock, WallClock};
use super::consensus::{marzullo, Consensus};
use super::sntp::{KissCode, Rejection};
use super::sources::{query_sources, HttpsDate, SourceResult};
use super::{TimeError, TimeEstimate, TimeStatus};

pub use super::sources::SyncConfig;

/// Uncertainty reported when nothing but the wall clock is known: a day, i.e. "unknown" (a
/// finite number, so JSON consumers and the warning helper handle it).
pub const UNKNOWN_UNCERTAINTY_MS: u64 = 86_400_000;
/// Added to the last offset's uncertainty after a reboot (wall clocks are read in whole seconds
/// at boot on some devices).
pub const REBOOT_PENALTY_MS: u64 = 1_000;
/// Real-time clocks of phones drift up to this much while we only have the wall clock.
pub const WALL_CLOCK_GROWTH_PPM: u64 = 200;
/// How long a server that sent RATE is left alone.
pub const RATE_BACKOFF_MS: u64 = 15 * 60_000;

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// The agreed time was applied.
    Synced,
    /// The agreed time is far from what the anchor predicts: held until a later sync (or an
    /// authenticated source) confirms it; the clock did not move.
    Quarantined,
    /// No strict majority or not enough agreeing sources: the clock did not move.
    NoConsensus,
}

/// A source whose answer was not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub source: String,
    pub reason: String,
}

/// The outcome of a sync (`kunci time sync --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub status: SyncStatus,
    /// After the sync: corrected time minus the wall clock.
    pub offset_ms: i64,
    pub uncertainty_ms: u64,
    pub agreeing: usize,
    pub responded: usize,
    pub rejected: Vec<Rejected>,
    /// This sync confirmed an earlier quarantined result.
    #[serde(skip)]
    pub confirmed: bool,
    #[serde(skip)]
    pub estimate: TimeEstimate,
    #[serde(skip)]
    pub sources: Vec<SourceSummary>,
}

/// A summary for `kunci time status` and a diagnostics screen; no secrets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeDiagnostics {
    pub status: TimeStatus,
    pub offset_ms: i64,
    pub uncertainty_ms: u64,
    /// RFC 3339 UTC of the last accepted sync.
    pub last_sync: Option<String>,
    pub last_sync_unix_ms: Option<i64>,
    pub utc_ms: i64,
    pub time_zone: String,
    pub utc_offset_seconds: i32,
    pub drift_ppm: Option<f64>,
    pub quarantined: bool,
    pub sources: Vec<SourceSummary>,
}

/// The trusted clock. Cheap to share (`Send + Sync`); every method takes `&self`. Clock and
/// store traits are never called while the state lock is held.
pub struct TrustedClock {
    boot: Arc<dyn BootClock>,
    wall: Arc<dyn WallClock>,
    store: Arc<dyn TimeStore>,
    https: Option<Arc<dyn HttpsDate>>,
    config: SyncConfig,
    state: Mutex<TimeState>,
}

impl std::fmt::Debug for TrustedClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustedClock")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl TrustedClock {
    /// Loads the saved state (none or unreadable: start over, Unverified).
    pub fn new(
        boot: Arc<dyn BootClock>,
        wall: Arc<dyn WallClock>,
        store: Arc<dyn TimeStore>,
        config: SyncConfig,
    ) -> Self {
        let state = store.load().unwrap_or_default();
        TrustedClock {
            boot,
            wall,
            store,
            https: None,
            config,
            state: Mutex::new(state),
        }
    }

    /// Adds the platform's HTTPS client for `config.https_urls`.
    pub fn with_https(mut self, client: Arc<dyn HttpsDate>) -> Self {
        self.https = Some(client);
        self
    }

    pub fn config(&self) -> &SyncConfig {
        &self.config
    }

    fn lock(&self) -> MutexGuard<'_, TimeState> {
        match self.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// A copy of the current state.
    pub fn state(&self) -> TimeState {
        self.lock().clone()
    }

    /// The best estimate of UTC now.
    pub fn now(&self) -> TimeEstimate {
        let boot_id = self.boot.boot_id();
        let boot_now = self.boot.elapsed_ms();
        let wall_now = self.wall.now_ms();
        estimate(&self.lock(), &self.config, &boot_id, boot_now, wall_now)
    }

    /// Asks the configured sources and applies what a majority agrees on.
    pub fn sync(&self) -> Result<SyncReport, TimeError> {
        self.sync_with(&self.config)
    }

    /// Like [`TrustedClock::sync`], with other sources or quorum for this one sync (a QA engineer
    /// pointing at a local server, an app letting the user pick servers).
    pub fn sync_with(&self, config: &SyncConfig) -> Result<SyncReport, TimeError> {
        let has_https = self.https.is_some() && !config.https_urls.is_empty();
        if config.ntp_servers.is_empty() && !has_https {
            return Err(TimeError::NoSources);
        }
        let boot_id = self.boot.boot_id();
        let boot_now = self.boot.elapsed_ms();
        let backoff = self.lock().backoff.clone();
        let skip = |source: &str| {
            backoff
                .iter()
                .find(|b| b.source == source && b.active(&boot_id, boot_now))
                .map(|b| match b.until_boot_ms {
                    Some(_) => Rejection::BackingOff,
                    None => Rejection::Dropped,
                })
        };
        let results = query_sources(config, self.https.as_deref(), &*self.boot, &skip);
        self.apply_with(results, config)
    }

    /// Applies the results of querying sources (what [`TrustedClock::sync`] does after the
    /// network part; public so platform code and tests can feed samples).
    pub fn apply(&self, results: Vec<SourceResult>) -> Result<SyncReport, TimeError> {
        self.apply_with(results, &self.config)
    }

    fn apply_with(
        &self,
        results: Vec<SourceResult>,
        config: &SyncConfig,
    ) -> Result<SyncReport, TimeError> {
        let boot_id = self.boot.boot_id();
        let boot_now = self.boot.elapsed_ms();
        let wall_now = self.wall.now_ms();
        let (outcome, snapshot) = {
            let mut state = self.lock();
            let outcome = decide(&mut state, config, &results, &boot_id, boot_now, wall_now);
            (outcome, state.clone())
        };
        let saved = self.store.save(&snapshot).map_err(|e| TimeError::Store {
            reason: e.to_string(),
        });
        let decision = outcome?;
        saved?;
        let estimate = estimate(&snapshot, config, &boot_id, boot_now, wall_now);
        Ok(SyncReport {
            status: decision.status,
            offset_ms: estimate.offset_ms,
            uncertainty_ms: estimate.uncertainty_ms,
            agreeing: decision.agreeing,
            responded: decision.responded,
            rejected: decision.rejected,
            confirmed: decision.confirmed,
            estimate,
            sources: snapshot.last_sources.clone(),
        })
    }

    /// Status for `kunci time status`; the time zone is the caller's (the core does not read it).
    pub fn diagnostics(&self, time_zone: &str, utc_offset_seconds: i32) -> TimeDiagnostics {
        let now = self.now();
        let state = self.state();
        let last_sync = state.last_sync_utc_ms.and_then(|ms| {
            chrono::DateTime::from_timestamp_millis(ms)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        });
        TimeDiagnostics {
            status: now.status,
            offset_ms: now.offset_ms,
            uncertainty_ms: now.uncertainty_ms,
            last_sync,
            last_sync_unix_ms: state.last_sync_utc_ms,
            utc_ms: now.utc_ms,
            time_zone: time_zone.to_string(),
            utc_offset_seconds,
            drift_ppm: state.anchor.as_ref().map(|a| a.drift_ppm),
            quarantined: state.quarantine.is_some(),
            sources: state.last_sources,
        }
    }
}

/// The estimate from a state and the clock readings (pure: no clock is read here).
pub fn estimate(
    state: &TimeState,
    config: &SyncConfig,
    boot_id: &str,
    boot_now_ms: u64,
    wall_now_ms: i64,
) -> TimeEstimate {
    let high_water = state.high_water_utc_ms;
    if let Some((utc, unc)) = state
        .anchor
        .as_ref()
        .and_then(|a| a.predict(boot_id, boot_now_ms))
    {
        let mut status = if unc > config.drifting_above_ms {
            TimeStatus::Drifting
        } else {
            TimeStatus::Synced
        };
        if high_water.is_some_and(|hw| utc.saturating_add(to_i64(unc)) < hw) {
            status = TimeStatus::Conflict;
        }
        return TimeEstimate {
            utc_ms: utc,
            uncertainty_ms: unc,
            status,
            offset_ms: utc.saturating_sub(wall_now_ms),
        };
    }
    // Another boot, or never synced: the wall clock is all we have.
    let (mut utc, unc) = match &state.last_offset {
        Some(o) => {
            let utc = wall_now_ms.saturating_add(o.offset_ms);
            let since = utc.saturating_sub(o.measured_utc_ms).unsigned_abs();
            let grown = since
                .saturating_mul(WALL_CLOCK_GROWTH_PPM)
                .div_ceil(1_000_000);
            (
                utc,
                o.uncertainty_ms
                    .saturating_add(REBOOT_PENALTY_MS)
                    .saturating_add(grown),
            )
        }
        None => (wall_now_ms, UNKNOWN_UNCERTAINTY_MS),
    };
    let mut status = TimeStatus::Unverified;
    if let Some(hw) = high_water.filter(|&hw| utc < hw) {
        // The clock was set back past a time we know has passed: at least that much is true.
        status = TimeStatus::Conflict;
        utc = hw;
    }
    TimeEstimate {
        utc_ms: utc,
        uncertainty_ms: unc,
        status,
        offset_ms: utc.saturating_sub(wall_now_ms),
    }
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

struct Decision {
    status: SyncStatus,
    agreeing: usize,
    responded: usize,
    rejected: Vec<Rejected>,
    confirmed: bool,
}

/// Whether a rejection means "we could not reach it" (as opposed to "it answered badly").
fn is_unreachable(r: &Rejection) -> bool {
    matches!(
        r,
        Rejection::NoAnswer { .. }
            | Rejection::GaveUpAfterQuorum
            | Rejection::Network { .. }
            | Rejection::Resolve { .. }
            | Rejection::Http { .. }
            | Rejection::BackingOff
            | Rejection::Dropped
    )
}

/// The sync decision: consensus, quarantine, drift, and the new state (pure).
fn decide(
    state: &mut TimeState,
    config: &SyncConfig,
    results: &[SourceResult],
    boot_id: &str,
    boot_now: u64,
    wall_now: i64,
) -> Result<Decision, TimeError> {
    // Kiss-o'-Death bookkeeping first: it applies whatever the consensus says.
    state.backoff.retain(|b| b.active(boot_id, boot_now));
    for r in results {
        if let Err(Rejection::KissOfDeath { code }) = &r.outcome {
            let until = match code {
                KissCode::Rate => Some(boot_now.saturating_add(RATE_BACKOFF_MS)),
                KissCode::Deny | KissCode::Restrict => None,
                KissCode::Other(_) => continue,
            };
            state.backoff.retain(|b| b.source != r.source);
            state.backoff.push(SourceBackoff {
                source: r.source.clone(),
                boot_id: boot_id.to_string(),
                until_boot_ms: until,
                code: code.to_string(),
            });
        }
    }
    let answered: Vec<(usize, super::sources::Sample)> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.outcome.as_ref().ok().map(|s| (i, *s)))
        .collect();
    let intervals: Vec<_> = answered.iter().map(|(_, s)| s.interval()).collect();
    let consensus = marzullo(&intervals);
    let agreeing_idx: Vec<usize> = consensus
        .as_ref()
        // ok: marzullo returns indexes into the `intervals` it was given, one per `answered`.
        .map(|c| c.agreeing.iter().map(|&k| answered[k].0).collect())
        .unwrap_or_default();
    let center = consensus.as_ref().map(Consensus::offset_ms);

    let mut rejected = Vec::new();
    let mut summaries = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let (result, rtt, diff) = match &r.outcome {
            Ok(s) => {
                let diff = center.map(|c| s.offset_ms.saturating_sub(c));
                if agreeing_idx.contains(&i) {
                    ("agreed".to_string(), Some(s.rtt_ms), diff)
                } else {
                    rejected.push(Rejected {
                        source: r.source.clone(),
                        reason: Rejection::Disagrees.to_string(),
                    });
                    ("outlier".to_string(), Some(s.rtt_ms), diff)
                }
            }
            Err(e) => {
                rejected.push(Rejected {
                    source: r.source.clone(),
                    reason: e.to_string(),
                });
                (e.to_string(), None, None)
            }
        };
        summaries.push(SourceSummary {
            source: r.source.clone(),
            result,
            offset_from_consensus_ms: diff,
            rtt_ms: rtt,
        });
    }
    state.last_sources = summaries;

    let mut decision = Decision {
        status: SyncStatus::NoConsensus,
        agreeing: agreeing_idx.len(),
        responded: answered.len(),
        rejected,
        confirmed: false,
    };
    let Some(consensus) = consensus else {
        if results
            .iter()
            .all(|r| r.outcome.as_ref().err().is_some_and(is_unreachable))
        {
            let details = results
                .iter()
                .map(|r| match &r.outcome {
                    Err(e) => format!("{}: {e}", r.source),
                    Ok(_) => r.source.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            return Err(TimeError::Offline { details });
        }
        return Ok(decision);
    };
    if !consensus.accepted(config.quorum) {
        return Ok(decision);
    }

    let offset = consensus.offset_ms();
    let unc = consensus.uncertainty_ms();
    let authenticated = consensus
        .agreeing
        .iter()
        .any(|&k| answered[k].1.authenticated()); // ok: indexes from marzullo(&intervals)
    let boot_i = to_i64(boot_now);
    let utc = boot_i.saturating_add(offset);

    // Far from what we already trust? Compare with the anchor of this boot. Without one (after a
    // reboot) judge against a time we know has passed, and against the wall clock plus the last
    // offset, but only forwards: the wall clock may have been fixed by hand (a result behind it
    // is fine), while a jump ahead of it is the attack. Never synced at all: nothing to compare,
    // and the first majority is what fixes a wrong phone clock.
    let far = match state
        .anchor
        .as_ref()
        .and_then(|a| a.predicted_offset(boot_id, boot_now))
    {
        Some((predicted, predicted_unc)) => {
            let limit = predicted_unc
                .saturating_add(unc)
                .saturating_add(config.quarantine_tolerance_ms);
            offset.saturating_sub(predicted).unsigned_abs() > limit
        }
        None => {
            let below_high_water = state
                .high_water_utc_ms
                .is_some_and(|hw| utc.saturating_add(to_i64(unc)) < hw);
            let ahead_of_wall = state.last_offset.is_some() && {
                let e = estimate(state, config, boot_id, boot_now, wall_now);
                let limit = e
                    .uncertainty_ms
                    .saturating_add(unc)
                    .saturating_add(config.quarantine_tolerance_ms);
                utc.saturating_sub(e.utc_ms) > to_i64(limit)
            };
            below_high_water || ahead_of_wall
        }
    };
    if far && !authenticated {
        let previous = state
            .quarantine
            .as_ref()
            .filter(|q| q.boot_id == boot_id)
            .filter(|q| {
                let limit = q
                    .uncertainty_ms
                    .saturating_add(unc)
                    .saturating_add(config.margin_ms);
                offset.saturating_sub(q.offset_ms).unsigned_abs() <= limit
            });
        match previous {
            Some(q) if boot_now.saturating_sub(q.boot_ms) >= config.confirm_after_ms => {
                decision.confirmed = true;
            }
            Some(_) => {
                // Agrees with the quarantined claim, but too soon after it to confirm it.
                decision.status = SyncStatus::Quarantined;
                return Ok(decision);
            }
            None => {
                state.quarantine = Some(Quarantine {
                    boot_id: boot_id.to_string(),
                    boot_ms: boot_now,
                    offset_ms: offset,
                    uncertainty_ms: unc,
                    utc_ms: utc,
                });
                decision.status = SyncStatus::Quarantined;
                return Ok(decision);
            }
        }
    } else if far {
        decision.confirmed = state.quarantine.is_some();
    }

    // Accept. Drift: between the first sync of this boot and now, if hours apart.
    let mut drift_ppm = state.anchor.as_ref().map_or(0.0, |a| a.drift_ppm);
    let mut growth_ppm = state
        .anchor
        .as_ref()
        .map_or(DEFAULT_GROWTH_PPM, |a| a.growth_ppm);
    let base = state
        .drift_base
        .as_ref()
        .filter(|b| b.boot_id == boot_id && b.boot_ms <= boot_now && !far);
    match base {
        // ok: the filter above keeps only b.boot_ms <= boot_now, so these cannot underflow.
        Some(b) if boot_now - b.boot_ms >= config.drift_min_interval_ms => {
            let span = (boot_now - b.boot_ms) as f64;
            let gained = utc.saturating_sub(b.utc_ms) as f64 - span;
            let residual =
                (b.uncertainty_ms.saturating_add(unc)) as f64 * 1e6 / span + MIN_GROWTH_PPM;
            if residual < DEFAULT_GROWTH_PPM {
                drift_ppm = (gained * 1e6 / span).clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM);
                growth_ppm = residual;
            }
        }
        Some(_) => {}
        None => {
            state.drift_base = Some(AnchorPoint {
                boot_id: boot_id.to_string(),
                boot_ms: boot_now,
                utc_ms: utc,
                uncertainty_ms: unc,
            });
        }
    }
    state.anchor = Some(Anchor {
        boot_id: boot_id.to_string(),
        boot_ms: boot_now,
        utc_ms: utc,
        uncertainty_ms: unc,
        drift_ppm,
        growth_ppm,
    });
    state.last_offset = Some(WallOffset {
        offset_ms: utc.saturating_sub(wall_now),
        measured_utc_ms: utc,
        uncertainty_ms: unc,
    });
    let floor = utc.saturating_sub(to_i64(unc));
    state.high_water_utc_ms = Some(match (far, state.high_water_utc_ms) {
        // A confirmed correction backwards resets what we believed had passed.
        (false, Some(hw)) => hw.max(floor),
        _ => floor,
    });
    state.last_sync_utc_ms = Some(utc);
    state.quarantine = None;
    decision.status = SyncStatus::Synced;
    Ok(decision)
}
