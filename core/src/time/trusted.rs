//! `TrustedClock`: the time the codes use, carried on the boot clock between syncs.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use super::anchor::{load_state, SourceSummary, TimeState, TimeStore};
use super::check::{compare, PortalCheck};
use super::clock::{BootClock, WallClock};
use super::decide::{decide, Jump};
use super::estimate::{estimate, needs_warning};
use super::report::{sync_sentence, SyncReport, SyncStatus};
use super::sample::SourceResult;
use super::sntp::Rejection;
use super::sources::{query_sources, HttpsDate};
use super::words;
use super::{TimeError, TimeEstimate, TimeStatus};

pub use super::sources::SyncConfig;

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
    /// The offset from the wall clock of the result being held back, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_offset_ms: Option<i64>,
    /// Why the saved time state is not trusted (it was removed, damaged or rolled back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tampered: Option<String>,
    /// How far the phone's own clock is off, in words ("phone clock 1 min 30 s behind").
    pub phone_clock: String,
    /// The status in one sentence, with what to do when time is not verified.
    pub message: String,
    /// The time is not verified: codes may be wrong and the user should sync.
    pub warning: bool,
    /// The last `time check` of a portal's clock, if one was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portal_check: Option<PortalCheck>,
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
        let state = load_state(&*store);
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
        if config.ntp_servers.is_empty() && config.roughtime_servers.is_empty() && !has_https {
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
        let (outcome, snapshot, mark_before) = {
            let mut state = self.lock();
            let before = state.high_water_utc_ms;
            let outcome = decide(&mut state, config, &results, &boot_id, boot_now, wall_now);
            state.last_attempt = Some(attempt(&outcome, config, results.len()));
            (outcome, state.clone(), before)
        };
        let saved = self.store.save(&snapshot).map_err(|e| TimeError::Store {
            reason: e.to_string(),
        });
        // The sealed mark follows the state's high-water mark (after the state is saved: a crash
        // in between shows up as a damaged state, which only asks for an authenticated sync).
        let marked = match snapshot.high_water_utc_ms {
            Some(hw) if Some(hw) != mark_before || self.store.mark() != Some(hw) => {
                self.store.set_mark(hw).map_err(|e| TimeError::Store {
                    reason: e.to_string(),
                })
            }
            _ => Ok(()),
        };
        let decision = outcome?;
        saved?;
        marked?;
        let estimate = estimate(&snapshot, config, &boot_id, boot_now, wall_now);
        let held_offset_ms = decision.held_offset.map(|o| {
            i64::try_from(boot_now)
                .unwrap_or(i64::MAX)
                .saturating_add(o)
                .saturating_sub(wall_now)
        });
        let mut report = SyncReport {
            status: decision.status,
            offset_ms: estimate.offset_ms,
            uncertainty_ms: estimate.uncertainty_ms,
            agreeing: decision.agreeing,
            responded: decision.responded,
            quorum: config.quorum.max(1),
            rejected: decision.rejected,
            held_offset_ms,
            authenticated: decision.authenticated,
            message: String::new(),
            confirmed: decision.confirmed,
            estimate,
            sources: snapshot.last_sources.clone(),
        };
        report.message = sync_sentence(&report, decision.jump == Jump::Forward);
        Ok(report)
    }

    /// Fetches `url`'s `Date` through the platform HTTPS client and compares it with trusted
    /// time ([`super::check`]). The result is kept for the diagnostics and the doctor.
    pub fn check_portal(&self, url: &str) -> Result<PortalCheck, TimeError> {
        let https = self.https.as_deref().ok_or(TimeError::NoSources)?;
        let before = self.now();
        let date = https
            .fetch_date(url.to_string())
            .map_err(|e| TimeError::Network {
                reason: format!("{url}: {e}"),
            })?;
        let after = self.now();
        let check = compare(url, &date, &before, &after)?;
        self.remember_check(&check);
        Ok(check)
    }

    /// Keeps a portal check in the saved state (best effort: a check changes no time).
    fn remember_check(&self, check: &PortalCheck) {
        let snapshot = {
            let mut state = self.lock();
            state.last_portal_check = Some(check.clone());
            state.clone()
        };
        let _ = self.store.save(&snapshot);
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
            held_offset_ms: state.quarantine.as_ref().map(|q| {
                q.utc_ms
                    .saturating_sub(q.boot_ms as i64)
                    .saturating_add(self.boot.elapsed_ms() as i64)
                    .saturating_sub(self.wall.now_ms())
            }),
            tampered: state.damaged.clone(),
            phone_clock: words::phone_clock(now.offset_ms, now.uncertainty_ms),
            message: words::status_sentence(&now, state.damaged.as_deref()),
            warning: needs_warning(&now),
            portal_check: state.last_portal_check.clone(),
            sources: state.last_sources,
        }
    }
}

fn attempt(
    outcome: &Result<super::decide::Decision, TimeError>,
    config: &SyncConfig,
    asked: usize,
) -> super::anchor::SyncAttempt {
    let (name, agreeing, responded) = match outcome {
        Ok(d) => (
            match d.status {
                SyncStatus::Synced => "synced",
                SyncStatus::Quarantined => "quarantined",
                SyncStatus::NoConsensus => "no_consensus",
                SyncStatus::Conflict => "conflict",
            },
            d.agreeing,
            d.responded,
        ),
        Err(_) => ("offline", 0, 0),
    };
    super::anchor::SyncAttempt {
        outcome: name.to_string(),
        agreeing,
        responded,
        quorum: config.quorum.max(1),
        asked,
    }
}
